#!/usr/bin/env bash
# `dockward server` (the Language Server): the time from a `didChange` to the
# `publishDiagnostics` of that version, for a typical Dockerfile, a typical Compose
# file, a 1,000-line and a 5,000-line Dockerfile (p50/p99/max over many edits, each
# edit sent when the previous one's diagnostics arrived), and the server's resident
# memory after 10, 100 and 1,000 edits (it should stay flat).
# Targets: p99 under 50 ms for typical files; under 20 ms for 1,000 lines (issue 14).
#
# Usage: bench/lsp.sh [EDITS]   (default 300 per file; the memory run is always 1,000)
# DOCKWARD_BIN=path uses that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
edits="${1:-300}"
target="${CARGO_TARGET_DIR:-target}"
if [[ -z "${DOCKWARD_BIN:-}" ]]; then
    cargo build --release --quiet -p dockward
    DOCKWARD_BIN="$target/release/dockward"
fi
work="$target/bench-lsp"
rm -rf "$work" && mkdir -p "$work"

python3 - "$DOCKWARD_BIN" "$work" "$edits" <<'PY'
import json, os, subprocess, sys, threading, queue, time

binary, work, edits = sys.argv[1], os.path.abspath(sys.argv[2]), int(sys.argv[3])

TYPICAL_DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM debian:12-slim
ARG VERSION=dev
LABEL org.opencontainers.image.title="app" \\
      org.opencontainers.image.version="${VERSION}"
RUN apt-get update && apt-get install -y ca-certificates curl tzdata \\
    && rm -rf /var/lib/apt/lists/*
ENV APP_HOME=/app \\
    APP_PORT=8080
WORKDIR /app
COPY --from=build /out/app /app/app
COPY config/ /app/config/
RUN useradd -r -u 10001 app && chown -R app /app
EXPOSE 8080
HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8080/health || exit 1
USER 10001
ENTRYPOINT ["/app/app"]
CMD ["serve", "--port", "8080"]
"""

TYPICAL_COMPOSE = """\
name: shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    depends_on: [api]
    volumes:
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
    read_only: true
    cap_drop: [ALL]
  api:
    build: ./api
    environment:
      DATABASE_URL: postgres://shop@db/shop
      LOG_LEVEL: info
    depends_on:
      db:
        condition: service_healthy
    deploy:
      resources:
        limits: {memory: 512M, cpus: "1.0", pids: 200}
    security_opt: ["no-new-privileges:true"]
    user: "10001"
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: shop
      POSTGRES_DB: shop
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "shop"]
      interval: 10s
  cache:
    image: redis:7
    command: ["redis-server", "--save", ""]
  worker:
    build: ./api
    command: ["worker"]
    environment:
      LOG_LEVEL: info
volumes:
  db-data: {}
"""

def large_dockerfile(lines):
    out = ["FROM debian:12-slim AS base"]
    i = 0
    while len(out) < lines - 2:
        i += 1
        out.append(f"# step {i}: package group {i % 17}")
        out.append(f"RUN apt-get update && apt-get install -y pkg{i} lib{i}-dev \\")
        out.append(f"    && curl -fsSL https://example.org/{i}.sh | sh")
        out.append(f"ENV VAR_{i}=value{i}")
        out.append(f"COPY src/{i} /opt/{i}")
        if i % 50 == 0:
            out.append(f"FROM base AS stage{i}")
    out.append("USER 10001")
    out.append('CMD ["/opt/run"]')
    return "\n".join(out[:lines]) + "\n"

class Server:
    def __init__(self):
        self.p = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.id = 0
        self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        self.notify("initialized", {})

    def _read(self):
        f = self.p.stdout
        while True:
            n = None
            while True:
                line = f.readline()
                if not line:
                    return
                if not line.strip():
                    break
                if line.lower().startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
            self.q.put((time.perf_counter(), json.loads(f.read(n))))

    def send(self, m):
        b = json.dumps(m).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        self.p.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.id += 1
        self.send({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.id and "method" not in m)[1]

    def wait(self, pred):
        while True:
            at, m = self.q.get(timeout=120)
            if pred(m):
                return at, m

    def diagnostics(self, uri, version):
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri and m["params"].get("version") == version)

    def rss_kib(self):
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(timeout=30)

def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

def edit_run(server, name, language, text, line, variants, count, rss_at=()):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    uri = "file://" + path
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}})
    _, first = server.diagnostics(uri, 1)
    lines = text.split("\n")
    current = lines[line]
    times, rss, findings = [], {}, len(first["params"]["diagnostics"])
    for i in range(count):
        new = variants[i % len(variants)]
        version = i + 2
        change = {"range": {"start": {"line": line, "character": 0},
                            "end": {"line": line, "character": len(current.encode("utf-16-le")) // 2}},
                  "text": new}
        sent = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        got, _ = server.diagnostics(uri, version)
        times.append((got - sent) * 1000)
        current = new
        if i + 1 in rss_at:
            rss[i + 1] = server.rss_kib()
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return times, rss, findings

server = Server()
rows = []
df_line = TYPICAL_DOCKERFILE.split("\n").index("FROM debian:12-slim")
cases = [
    ("typical Dockerfile (26 lines)", "Dockerfile", "dockerfile", TYPICAL_DOCKERFILE, df_line,
     ["FROM debian:12", "FROM debian:12-slim", "FROM debian"]),
    ("typical Compose file (45 lines, 5 services)", "compose.yaml", "yaml", TYPICAL_COMPOSE, 3,
     ["    image: nginx:latest", "    image: nginx:1.27", "    image: nginx"]),
    ("1,000-line Dockerfile", "big1k.Dockerfile", "dockerfile", large_dockerfile(1000), 500,
     ["ENV CHANGED=1", "RUN sudo apt-get install -y x", "# comment"]),
    ("5,000-line Dockerfile", "big5k.Dockerfile", "dockerfile", large_dockerfile(5000), 2500,
     ["ENV CHANGED=1", "RUN sudo apt-get install -y x", "# comment"]),
]
for label, name, language, text, line, variants in cases:
    count = edits if "5,000" not in label else max(30, edits // 5)
    times, _, findings = edit_run(server, name, language, text, line, variants, count)
    rows.append((label, count, findings, percentile(times, 50), percentile(times, 99), max(times)))

# Memory: one server, 1,000 edits of the typical Dockerfile.
mem_server = Server()
before = mem_server.rss_kib()
_, rss, _ = edit_run(mem_server, "mem.Dockerfile", "dockerfile", TYPICAL_DOCKERFILE, df_line,
                     ["FROM debian:12", "FROM debian:12-slim", "FROM debian"], 1000, rss_at=(10, 100, 1000))
mem_server.close()
server.close()

print("| file | edits | findings | p50 | p99 | max |")
print("|---|---:|---:|---:|---:|---:|")
for label, count, findings, p50, p99, mx in rows:
    print(f"| {label} | {count} | {findings} | {p50:.1f} ms | {p99:.1f} ms | {mx:.1f} ms |")
print()
print(f"server RSS: {before / 1024:.1f} MiB after initialize, "
      + ", ".join(f"{v / 1024:.1f} MiB after {k} edits" for k, v in sorted(rss.items())))
PY

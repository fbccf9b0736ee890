#!/usr/bin/env python3
"""Load for bench/guard.sh: Engine API creates through a daemon, or AuthZReq calls
replayed on the plugin socket. Prints one JSON object with the latencies (microseconds).

  guard_load.py api SOCKET N           N POST /containers/create on one keep-alive connection
  guard_load.py plugin SOCKET N THREADS  N AuthZReq calls, THREADS connections in parallel
"""
import base64
import http.client
import json
import socket
import sys
import threading
import time

# A hardened create: it passes the default policy, so the guard runs every rule and
# allows it. The image does not exist, so the daemon answers 404 without touching its
# disk: what is measured is the authorization path, not container creation.
CREATE = {
    "Image": "dw-bench/absent:1",
    "User": "1000",
    "Cmd": ["sleep", "60"],
    "Labels": {"dockward.test": "bench"},
    "HostConfig": {
        "NetworkMode": "none",
        "ReadonlyRootfs": True,
        "CapDrop": ["ALL"],
        "SecurityOpt": ["no-new-privileges:true"],
        "Memory": 67108864,
        "PidsLimit": 64,
        "Binds": ["/srv/data:/data:ro"],
    },
}


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(120)
        self.sock.connect(self.unix_path)


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def summary(latencies, wall):
    s = sorted(latencies)
    return {
        "n": len(s),
        "p50_us": round(percentile(s, 50), 1),
        "p99_us": round(percentile(s, 99), 1),
        "max_us": round(s[-1], 1) if s else 0,
        "mean_us": round(sum(s) / len(s), 1) if s else 0,
        "wall_s": round(wall, 3),
        "per_s": round(len(s) / wall, 1) if wall else 0,
    }


def api(path, n):
    conn = UnixConnection(path)
    body = json.dumps(CREATE)
    headers = {"Content-Type": "application/json"}
    statuses = {}
    latencies = []
    # Warm-up: connections, the guard's image cache.
    for _ in range(20):
        conn.request("POST", "/v1.41/containers/create", body, headers)
        conn.getresponse().read()
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        conn.request("POST", "/v1.41/containers/create", body, headers)
        r = conn.getresponse()
        r.read()
        latencies.append((time.perf_counter() - t) * 1e6)
        statuses[r.status] = statuses.get(r.status, 0) + 1
    out = summary(latencies, time.perf_counter() - start)
    out["statuses"] = statuses
    return out


def plugin(path, n, threads):
    call = json.dumps(
        {
            "RequestMethod": "POST",
            "RequestUri": "/v1.41/containers/create?name=bench",
            "RequestBody": base64.b64encode(json.dumps(CREATE).encode()).decode(),
            "RequestHeaders": {"Content-Type": "application/json"},
        }
    )
    headers = {"Content-Type": "application/vnd.docker.plugins.v1.2+json"}
    latencies = []
    allowed = [0]
    lock = threading.Lock()

    def worker(count):
        conn = UnixConnection(path)
        mine = []
        ok = 0
        for _ in range(count):
            t = time.perf_counter()
            conn.request("POST", "/AuthZPlugin.AuthZReq", call, headers)
            answer = json.loads(conn.getresponse().read())
            mine.append((time.perf_counter() - t) * 1e6)
            ok += 1 if answer.get("Allow") else 0
        with lock:
            latencies.extend(mine)
            allowed[0] += ok

    start = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(n // threads,)) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out = summary(latencies, time.perf_counter() - start)
    out["threads"] = threads
    out["allowed"] = allowed[0]
    return out


if __name__ == "__main__":
    if sys.argv[1] == "api":
        print(json.dumps(api(sys.argv[2], int(sys.argv[3]))))
    else:
        print(json.dumps(plugin(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))

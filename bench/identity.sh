#!/usr/bin/env bash
# bench/identity.sh [N]: what `dockward watch --guard-log` adds to event-to-record latency.
#
# Starts `dockward guard` (audit mode, a file log) on a socket with a unique name in
# /run/docker/plugins, then a second dockerd of its own (own data root, exec root,
# pidfile, socket and bridge 10.213.85.0/24, --iptables=false; never the shared daemon,
# never --bridge=none) with --authorization-plugin naming the guard, and two watchers on
# its unix socket: one with --guard-log, one without. N (default 200) container creates
# through the API (curl on the unix socket, one at a time): for each watcher, the moment
# each record line arrives (stamped by a python reader) minus the event's `timeNano`,
# p50/p99; and how long after the event the guard logged its outcome.
# Stops the watchers, the daemon and the guard by pid, unmounts the data root, deletes
# the bridge and the plugin socket, also on failure. PROFILE=debug uses the dev build.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-200}
profile=${PROFILE:-release}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d /tmp/dw-bench-identity.XXXXXX)
plugin_name="dwbench-id-$$"
plugin_sock="/run/docker/plugins/$plugin_name.sock"
bridge="dwi$(($$ % 10000))85"
pids=()

cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[$i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  [ -d "$work/d/data" ] && grep -q " $work/d/data" /proc/mounts && umount -l "$work/d/data" 2>/dev/null || true
  ip link delete "$bridge" type bridge 2>/dev/null || true
  rm -f "$plugin_sock"
  rm -rf "$work"
}
trap cleanup EXIT

command -v dockerd >/dev/null || { echo "bench: needs dockerd" >&2; exit 2; }
[ -e /bin/busybox ] || { echo "bench: needs /bin/busybox" >&2; exit 2; }
if [ "$profile" = release ]; then
  cargo build --release --quiet -p dockward
  bin="$target/release/dockward"
else
  cargo build --quiet -p dockward
  bin="$target/debug/dockward"
fi

# The guard first: dockerd refuses to start without it. Pids are stopped in reverse.
printf '[guard]\nmode = "audit"\n' >"$work/guard.toml"
"$bin" guard serve --socket "$plugin_sock" --config "$work/guard.toml" --log "$work/guard.jsonl" \
  2>"$work/guard.stderr" &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$plugin_sock" ] && break; sleep 0.05; done

d="$work/d"
mkdir -p "$d"
echo '{}' >"$d/daemon.json"
ip link add name "$bridge" type bridge
ip addr add "10.213.85.1/24" dev "$bridge"
ip link set "$bridge" up
dockerd --config-file="$d/daemon.json" --data-root="$d/data" --exec-root="$d/exec" \
  --pidfile="$d/dockerd.pid" -H "unix://$d/d.sock" --bridge="$bridge" "--authorization-plugin=$plugin_name" \
  --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false >/dev/null 2>"$d/dockerd.log" &
pids+=($!)
for _ in $(seq 1 300); do curl -sf --unix-socket "$d/d.sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
sock="$d/d.sock"
host="unix://$sock"

mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/true"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
docker -H "$host" import - dw-bench-identity:1 <"$work/rootfs.tar" >/dev/null

cat >"$work/stamp.py" <<'EOF'
import sys, time
out = open(sys.argv[1], "w", buffering=1)
for line in sys.stdin:
    out.write(f"{time.time_ns()}\t{line}")
EOF
"$bin" watch --isolated --host "$host" --resync 86400 --guard-log "$work/guard.jsonl" \
  > >(python3 "$work/stamp.py" "$work/with.tsv") 2>"$work/with.err" &
pids+=($!)
"$bin" watch --isolated --host "$host" --resync 86400 \
  > >(python3 "$work/stamp.py" "$work/without.tsv") 2>"$work/without.err" &
pids+=($!)
for _ in $(seq 1 600); do
  grep -q watch.resync "$work/with.tsv" 2>/dev/null && grep -q watch.resync "$work/without.tsv" 2>/dev/null && break
  sleep 0.1
done

echo "## $n container creates, one at a time ($profile build, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
for i in $(seq 1 "$n"); do
  curl -s -o /dev/null --unix-socket "$sock" -H 'Content-Type: application/json' \
    -d '{"Image":"dw-bench-identity:1","Cmd":["true"],"Labels":{"dockward.test":"bench-identity"},"HostConfig":{"NetworkMode":"none"}}' \
    "http://d/v1.41/containers/create?name=dwbi-$i"
  sleep 0.05
done
for _ in $(seq 1 300); do
  [ "$(grep -c '"action":"create"' "$work/with.tsv" || true)" -ge "$n" ] &&
    [ "$(grep -c '"action":"create"' "$work/without.tsv" || true)" -ge "$n" ] && break
  sleep 0.1
done

python3 - "$work" "$n" <<'EOF'
import json, sys
from datetime import datetime
work, n = sys.argv[1], int(sys.argv[2])
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")
events = {}
for name in ["without", "with"]:
    delays, sources = [], {}
    for line in open(f"{work}/{name}.tsv"):
        arrived, text = line.split("\t", 1)
        r = json.loads(text)
        e = r.get("event")
        if r["kind"] != "watch.finding" or not e or e["action"] != "create":
            continue
        delays.append((int(arrived) - e["time_nano"]) / 1e6)
        events[r["object"]["id"]] = e["time_nano"]
        s = r["actor"]["identity"]["source"]
        sources[s] = sources.get(s, 0) + 1
    print(f"{name + ' --guard-log:':22} {len(delays)} records, event-to-record p50 {pct(delays, 50):.1f} ms, "
          f"p99 {pct(delays, 99):.1f} ms, max {max(delays):.1f} ms; identity {sources}")
lags = []
for line in open(f"{work}/guard.jsonl"):
    r = json.loads(line)
    if r.get("kind") == "guard.outcome" and r.get("container_id") in events:
        t = datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
        lags.append(t * 1e3 - events[r["container_id"]] / 1e6)
print(f"guard outcome after its event: {len(lags)} outcomes, p50 {pct(lags, 50):.1f} ms, p99 {pct(lags, 99):.1f} ms "
      "(the guard's times have milliseconds)")
EOF

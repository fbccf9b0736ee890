#!/usr/bin/env bash
# bench/guard.sh [N]: what `dockward guard` adds to the Engine API.
#
# Starts the guard on a socket with a unique name in /run/docker/plugins, then two
# second dockerds of its own (own data root, exec root, pidfile, socket and bridge,
# --iptables=false; never the shared daemon, never --bridge=none): one with
# --authorization-plugin naming the guard, one without. Then:
#   1. N (default 1000) POST /containers/create on each daemon (bench/guard_load.py api;
#      a hardened body for an absent image, so the daemon answers 404 without creating
#      anything: the authorization path is what differs): p50/p99 of each, the added
#      latency, and the guard's CPU time (utime+stime from /proc) per create;
#   2. 10 x N AuthZReq calls replayed on the plugin socket, on 1 connection and on 8;
#   3. the slow ignored test (plugin down: every call waits ~15 s; a daemon whose plugin
#      is missing does not start), unless GUARD_BENCH_SKIP_SLOW=1.
# Stops both daemons by pid, unmounts their data roots, deletes their bridges and the
# plugin socket, also on failure. GUARD_BENCH_PROFILE=debug uses the dev build.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-1000}
profile=${GUARD_BENCH_PROFILE:-release}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d /tmp/dw-bench-guard.XXXXXX)
plugin_name="dwbench-$$"
plugin_sock="/run/docker/plugins/$plugin_name.sock"
pids=()
bridges=()

cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  for root in "$work"/d*/data; do
    [ -d "$root" ] && grep -q " $root" /proc/mounts && umount -l "$root" 2>/dev/null || true
  done
  for br in "${bridges[@]}"; do ip link delete "$br" type bridge 2>/dev/null || true; done
  rm -f "$plugin_sock"
  rm -rf "$work"
}
trap cleanup EXIT

command -v dockerd >/dev/null || { echo "bench: needs dockerd" >&2; exit 2; }
if [ "$profile" = release ]; then
  cargo build --release --quiet -p dockward
  bin="$target/release/dockward"
else
  cargo build --quiet -p dockward
  bin="$target/debug/dockward"
fi

# start_dockerd NAME OCTET [FLAGS...]: a daemon in $work/NAME, socket $work/NAME/d.sock.
start_dockerd() {
  local name=$1 octet=$2
  shift 2
  local d="$work/$name" br="dwg$(($$ % 10000))$octet"
  mkdir -p "$d"
  echo '{}' >"$d/daemon.json"
  ip link add name "$br" type bridge
  bridges+=("$br")
  ip addr add "10.213.$octet.1/24" dev "$br"
  ip link set "$br" up
  dockerd --config-file="$d/daemon.json" --data-root="$d/data" --exec-root="$d/exec" \
    --pidfile="$d/dockerd.pid" -H "unix://$d/d.sock" --bridge="$br" "$@" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false >/dev/null 2>"$d/dockerd.log" &
  pids+=($!)
  for _ in $(seq 1 300); do curl -sf --unix-socket "$d/d.sock" http://d/_ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "bench: dockerd $name did not start:" >&2
  tail -5 "$d/dockerd.log" >&2
  exit 1
}

# The plugin first: dockerd refuses to start without it.
"$bin" guard serve --socket "$plugin_sock" --log "$work/decisions.jsonl" \
  --docker-host "unix://$work/dA/d.sock" 2>"$work/guard.stderr" &
guard_pid=$!
pids=("$guard_pid" "${pids[@]}")
for _ in $(seq 1 100); do [ -S "$plugin_sock" ] && break; sleep 0.05; done
start_dockerd dA 81 "--authorization-plugin=$plugin_name"
start_dockerd dB 82

cpu_ticks() { awk '{print $14 + $15}' "/proc/$guard_pid/stat"; }
hz=$(getconf CLK_TCK)

echo "## $n POST /containers/create ($profile build, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
without=$(python3 bench/guard_load.py api "$work/dB/d.sock" "$n")
before=$(cpu_ticks)
with=$(python3 bench/guard_load.py api "$work/dA/d.sock" "$n")
after=$(cpu_ticks)
decisions=$(grep -c '"endpoint":"container-create"' "$work/decisions.jsonl" || true)
python3 - "$without" "$with" "$((after - before))" "$hz" "$n" "$decisions" <<'EOF'
import json, sys
without, with_, ticks, hz, n, decisions = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(f"without plugin: p50 {without['p50_us']} us, p99 {without['p99_us']} us, statuses {without['statuses']}")
print(f"with plugin:    p50 {with_['p50_us']} us, p99 {with_['p99_us']} us, statuses {with_['statuses']}")
print(f"added:          p50 {with_['p50_us'] - without['p50_us']:.1f} us, p99 {with_['p99_us'] - without['p99_us']:.1f} us")
print(f"guard CPU:      {ticks / hz * 1000 / n:.3f} ms per create ({ticks} ticks of 1/{hz} s; AuthZReq + AuthZRes each); {decisions} create decisions logged")
EOF

echo "## $((10 * n)) AuthZReq calls replayed on the plugin socket"
for threads in 1 8; do
  python3 - "$(python3 bench/guard_load.py plugin "$plugin_sock" "$((10 * n))" "$threads")" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
print(f"{r['threads']} connection(s): {r['per_s']} decisions/s, p50 {r['p50_us']} us, p99 {r['p99_us']} us, max {r['max_us']} us ({r['allowed']}/{r['n']} allowed)")
EOF
done
grep -h "self-test" "$work/guard.stderr" || true

if [ "${GUARD_BENCH_SKIP_SLOW:-0}" != 1 ]; then
  echo "## slow failure modes (ignored test)"
  cargo test -q -p dockward --test guard -- --ignored --nocapture 2>&1 | grep -E "plugin down|test result" || true
fi

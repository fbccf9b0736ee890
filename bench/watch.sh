#!/usr/bin/env bash
# bench/watch.sh: `dockward watch` on the real daemon.
#
# 1. latency: event-to-record for a container create (LATENCY_N creates, one at a time):
#    the moment each record line reaches the reader (a python reader stamps every line
#    as it arrives on the watcher's stdout) minus the event's own `timeNano`; p50/p99.
# 2. throughput: bursts of BURST container creates through the Engine API (curl on the
#    socket, PARALLEL at once): events/s the daemon produced, whether every container got
#    its record, no gap or drop record, and the worst delay (target: 500 events/s, every
#    record within 1 s).
# 3. memory: CYCLES create/remove cycles of CHURN containers; the watcher's RSS after each
#    (VmRSS) must stay flat: the first cycles warm up (the allocator's arenas, caches), so
#    the verdict compares the last quarter of the cycles with the quarter before it and
#    prints the growth per cycle over the second half (least squares).
# 4. replay: the daemon under load makes only about 50 creates/s, far from the 500/s
#    target, so a second watcher is pointed at bench/watch_replay.py, which passes every
#    request to the real daemon but serves a synthetic `/events`: a `create` event for each
#    of REPLAY real containers at REPLAY_RATE events/s. The inspects are real; only the
#    event stream is made up (labelled "replay" in the output).
# 5. the slow real-daemon tests (`cargo test -p dockward --test watch -- --ignored`):
#    SIGSTOP gap + resync, a daemon replaced behind the socket (SKIP_TESTS=1 skips them).
# BIN=path runs that binary instead of building one (PROFILE=release|debug builds it).
#
# Everything created carries `dockward.test=bench-watch-$$` and is removed on exit (also on
# failure or Ctrl-C); only the watcher this script started is stopped, by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."

LATENCY_N=${LATENCY_N:-200}
BURST=${BURST:-1000}
PARALLEL=${PARALLEL:-32}
CHURN=${CHURN:-100}
CYCLES=${CYCLES:-50}
REPLAY=${REPLAY:-1000}
REPLAY_RATE=${REPLAY_RATE:-500}
PROFILE=${PROFILE:-release}
target=${CARGO_TARGET_DIR:-target}
run_id="bench-watch-$$"
label="dockward.test=$run_id"
image="dockward-bench-watch-$$:base"
work=$(mktemp -d)
sock=/var/run/docker.sock
api="http://localhost/v1.41"
watcher_pid=""
proxy_pid=""

cleanup() {
  [ -n "$watcher_pid" ] && kill -CONT "$watcher_pid" 2>/dev/null && kill -TERM "$watcher_pid" 2>/dev/null || true
  [ -n "$proxy_pid" ] && kill -TERM "$proxy_pid" 2>/dev/null || true
  ids=$(docker ps -aq --filter "label=$label")
  [ -n "$ids" ] && echo "$ids" | xargs -r -n 200 docker rm -f >/dev/null
  docker rmi "$image" >/dev/null 2>&1 || true
  # KEEP=1 keeps the records and the watchers' stderr for a look afterwards.
  if [ -n "${KEEP:-}" ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

[ -e /bin/busybox ] || { echo "bench: needs /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }
if [ -n "${BIN:-}" ]; then
  bin=$BIN
elif [ "$PROFILE" = release ]; then
  cargo build --release --quiet -p dockward
  bin="$target/release/dockward"
else
  cargo build --quiet -p dockward
  bin="$target/debug/dockward"
fi

mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/sh"; ln -s busybox "$work/rootfs/bin/true"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
docker import --change "LABEL $label" - "$image" <"$work/rootfs.tar" >/dev/null

# Stamps each record line with the nanosecond it arrived.
cat >"$work/stamp.py" <<'EOF'
import sys, time
out = open(sys.argv[1], "w", buffering=1)
for line in sys.stdin:
    out.write(f"{time.time_ns()}\t{line}")
EOF
"$bin" watch --isolated --resync 86400 --state "$work/state.json" \
  > >(python3 "$work/stamp.py" "$work/records.tsv") 2>"$work/watch.err" &
watcher_pid=$!

wait_for() { # wait_for PYTHON-EXPR-ON-RECORD SECONDS [RECORDS-FILE]
  python3 - "${3:-$work/records.tsv}" "$1" "$2" <<'EOF'
import json, sys, time
path, expr, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.time() + secs
import os
while time.time() < end:
    for line in (open(path) if os.path.exists(path) else []):
        r = json.loads(line.split("\t", 1)[1])
        if eval(expr):
            sys.exit(0)
    time.sleep(0.1)
sys.exit(f"bench: no record matching {expr} within {secs}s")
EOF
}
wait_for 'r["kind"] == "watch.resync"' 120

create_api() { # create_api NAME
  curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" -H 'Content-Type: application/json' \
    -d "{\"Image\":\"$image\",\"Cmd\":[\"true\"],\"Labels\":{\"dockward.test\":\"$run_id\"},\"HostConfig\":{\"NetworkMode\":\"none\"}}" \
    "$api/containers/create?name=$1"
}
export -f create_api
export sock image run_id api

echo "== latency: $LATENCY_N creates, one at a time"
for i in $(seq 1 "$LATENCY_N"); do
  create_api "dw-$run_id-lat-$i" >/dev/null
  sleep 0.05
done
wait_for "sum(1 for l in open(path) if '-lat-' in l and '\"action\":\"create\"' in l) >= $LATENCY_N" 60 || true

echo "== throughput: a burst of $BURST creates, $PARALLEL at once"
seq 1 "$BURST" | xargs -P "$PARALLEL" -I{} bash -c 'create_api "dw-$run_id-burst-{}" >/dev/null'
wait_for "sum(1 for l in open(path) if '-burst-' in l and '\"action\":\"create\"' in l) >= $BURST" 120 || true

echo "== memory: $CYCLES cycles of $CHURN creates and removals"
rss=()
for c in $(seq 1 "$CYCLES"); do
  seq 1 "$CHURN" | xargs -P "$PARALLEL" -I{} bash -c "create_api dw-$run_id-churn-$c-{} >/dev/null"
  docker ps -aq --filter "label=$label" --filter "name=churn-$c-" | xargs -r -n 200 docker rm -f >/dev/null
  sleep 1
  rss+=("$(awk '/VmRSS/ {print $2}' "/proc/$watcher_pid/status")")
done

kill -TERM "$watcher_pid"
wait "$watcher_pid" || true
watcher_pid=""
sleep 0.5

if [ "$REPLAY" -gt 0 ]; then
  echo "== replay: $REPLAY synthetic create events of real containers at $REPLAY_RATE events/s"
  mkdir -p "$work/ctl"
  python3 bench/watch_replay.py "$work/proxy.sock" "$sock" "$work/ctl" "$REPLAY_RATE" &
  proxy_pid=$!
  while [ ! -S "$work/proxy.sock" ]; do sleep 0.1; done
  "$bin" watch --isolated --resync 86400 -H "unix://$work/proxy.sock" \
    > >(python3 "$work/stamp.py" "$work/replay.tsv") 2>"$work/replay.err" &
  watcher_pid=$!
  wait_for 'r["kind"] == "watch.resync"' 300 "$work/replay.tsv"
  seq 1 "$REPLAY" | xargs -P "$PARALLEL" -I{} bash -c 'create_api "dw-$run_id-replay-{}" >/dev/null'
  docker ps -a --no-trunc --filter "label=$label" --filter "name=-replay-" --format '{{.ID}} {{.Names}}' >"$work/ctl/ids"
  touch "$work/ctl/go"
  wait_for "sum(1 for l in open(path) if '-replay-' in l and '\"action\":\"create\"' in l) >= $REPLAY" 120 "$work/replay.tsv" || true
  sleep 1
  kill -TERM "$watcher_pid"; wait "$watcher_pid" || true; watcher_pid=""
  kill -TERM "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""
  # The denominator is the containers the daemon did create (a create can fail under load).
  python3 - "$work/replay.tsv" "$(wc -l <"$work/ctl/ids")" "$(cat "$work/ctl/done" 2>/dev/null || echo '?')" <<'EOF'
import json, sys
path, n, sent = sys.argv[1], int(sys.argv[2]), sys.argv[3].strip()
delays, kinds = [], {}
for line in open(path):
    arrived, text = line.split("\t", 1)
    r = json.loads(text)
    kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    e = r.get("event")
    if r["kind"] == "watch.finding" and e and e["action"] == "create" and "-replay-" in r["object"]["name"]:
        delays.append((int(arrived) - e["time_nano"]) / 1e6)
delays.sort()
pct = lambda p: delays[min(len(delays) - 1, int(round(p / 100 * (len(delays) - 1))))] if delays else float("nan")
late = sum(1 for d in delays if d > 1000)
print(f"replay (synthetic events, real inspects): {len(delays)}/{n} creates recorded; sent at {sent} events/s; "
      f"delay p50 {pct(50):.0f} ms, p99 {pct(99):.0f} ms, max {max(delays or [0]):.0f} ms, {late} later than 1 s; "
      f"gaps: {kinds.get('watch.gap', 0)}, sink backlog records: {kinds.get('watch.sink.backlog', 0)}")
EOF
fi

python3 - "$work/records.tsv" "$LATENCY_N" "$BURST" "${rss[*]}" <<'EOF'
import json, re, sys
path, n_lat, burst, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(x) for x in sys.argv[4].split()]
lat, burst_delays, burst_times, kinds = [], [], [], {}
for line in open(path):
    arrived, text = line.split("\t", 1)
    r = json.loads(text)
    kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    e = r.get("event")
    if r["kind"] != "watch.finding" or not e or e["action"] != "create":
        continue
    delay_ms = (int(arrived) - e["time_nano"]) / 1e6
    name = r["object"]["name"]
    if "-lat-" in name:
        lat.append(delay_ms)
    elif "-burst-" in name:
        burst_delays.append(delay_ms)
        burst_times.append(e["time_nano"])
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")
print(f"latency: {len(lat)}/{n_lat} records; p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, max {max(lat or [0]):.1f} ms (target p99 < 50 ms)")
if burst_times:
    span = (max(burst_times) - min(burst_times)) / 1e9
    rate = len(burst_times) / span if span > 0 else float("inf")
    print(f"burst: {len(burst_times)}/{burst} creates recorded; the daemon made them at {rate:.0f} events/s; "
          f"delay p50 {pct(burst_delays, 50):.0f} ms, p99 {pct(burst_delays, 99):.0f} ms, max {max(burst_delays):.0f} ms "
          f"(target: 500 events/s, none lost or later than 1 s)")
print("gaps:", kinds.get("watch.gap", 0), "sink drops:", kinds.get("watch.sink.dropped", 0),
      "sink backlog records:", kinds.get("watch.sink.backlog", 0), "records:", sum(kinds.values()))
reasons = {}
for line in open(path):
    r = json.loads(line.split("\t", 1)[1])
    if r["kind"] == "watch.gap":
        why = re.sub(r"\d+", "N", r["health"]["reason"].split(";")[0][:60])
        reasons[why] = reasons.get(why, 0) + 1
for why, n in sorted(reasons.items()):
    print(f"  gap x{n}: {why}")
if rss:
    print(f"RSS (KiB) after each churn cycle: {rss}")
    half, quarter = rss[len(rss) // 2:], max(len(rss) // 4, 1)
    mean = lambda xs: sum(xs) / max(len(xs), 1)
    third_q, last_q = rss[-2 * quarter:-quarter], rss[-quarter:]
    xs = range(len(half))
    mx, my = mean(list(xs)), mean(half)
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, half)) / var if var else 0.0
    growth = mean(last_q) - mean(third_q)
    flat = growth <= 0.01 * mean(third_q) and slope * len(rss) <= 0.02 * my
    print(f"RSS second half: {min(half)}..{max(half)} KiB, {slope:+.0f} KiB/cycle; last quarter mean "
          f"{mean(last_q):.0f} vs the quarter before {mean(third_q):.0f} KiB ({growth:+.0f}): "
          f"{'flat' if flat else 'GROWS'} (target: no growth)")
EOF

[ -n "${SKIP_TESTS:-}" ] && exit 0
echo "== slow real-daemon tests"
cargo test -q -p dockward --test watch -- --ignored 2>&1 | grep -E "^test |test result"

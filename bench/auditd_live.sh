#!/usr/bin/env bash
# bench/auditd_live.sh [N]: what `dockward watch --auditd-log` adds to event-to-record
# latency on the real daemon, and which identity each record gets.
#
# Starts an auditd of its own, as crates/dockward/tests/watch.rs does (`auditd -n -c DIR`,
# its log in DIR, one connect rule on /run/docker.sock with a key of this run; refused
# when another auditd runs), two watchers on the default socket (with and without
# --auditd-log; the dev build unless WATCH_BIN=path), then N (default 50) labelled
# container creates with the docker CLI, 50 ms apart. For each watcher: the moment each
# record line arrives (stamped by a python reader) minus the event's `timeNano`,
# p50/p99/max, and the identities. On exit, also on failure: the watchers and the auditd
# are stopped by pid, the rule deleted, the kernel's `enabled` flag put back, the
# labelled containers and the image removed. BENCH_KEEP=dir keeps the records and the log.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-50}
work=$(mktemp -d /tmp/dw-bench-auditd.XXXXXX)
run_id="bench-auditd-$$"
key="dwbench-$$"
rule=(always,exit -F arch=b64 -S connect -F path=/run/docker.sock -k "$key")
pids=()
enabled_before=

cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
  done
  if [ -n "$enabled_before" ]; then
    auditctl -d "${rule[@]}" >/dev/null 2>&1 || true
    auditctl -e "$enabled_before" >/dev/null 2>&1 || true
  fi
  docker ps -aq --filter "label=dockward.test=$run_id" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker rmi "dw-$run_id:1" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

status=$(auditctl -s)
if [ "$(awk '$1 == "pid" {print $2}' <<<"$status")" != 0 ]; then
  echo "bench: an auditd already runs: this script starts its own and would take the kernel's audit connection" >&2
  exit 2
fi
enabled_before=$(awk '$1 == "enabled" {print $2}' <<<"$status")

mkdir -p "$work/auditd"
printf '%s\n' "local_events = yes" "write_logs = yes" "log_file = $work/auditd/audit.log" \
  "log_format = ENRICHED" "flush = INCREMENTAL_ASYNC" "freq = 20" "max_log_file = 8" "num_logs = 2" \
  "max_log_file_action = ROTATE" "space_left = 2" "space_left_action = IGNORE" "admin_space_left = 1" \
  "admin_space_left_action = IGNORE" "disk_full_action = IGNORE" "disk_error_action = IGNORE" \
  "name_format = NONE" >"$work/auditd/auditd.conf"
/usr/sbin/auditd -n -c "$work/auditd" >"$work/auditd.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ "$(auditctl -s | awk '$1 == "pid" {print $2}')" = "${pids[0]}" ] && break; sleep 0.1; done
[ "$(auditctl -s | awk '$1 == "pid" {print $2}')" = "${pids[0]}" ] || { echo "bench: auditd did not start" >&2; exit 1; }
auditctl -a "${rule[@]}" >/dev/null

if [ -z "${WATCH_BIN:-}" ]; then
  cargo build -q -p dockward
  WATCH_BIN=${CARGO_TARGET_DIR:-target}/debug/dockward
fi
mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/true"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
docker import --change "LABEL dockward.test=$run_id" - "dw-$run_id:1" <"$work/rootfs.tar" >/dev/null

printf '%s\n' "import sys, time" "out = open(sys.argv[1], 'w', buffering=1)" "for line in sys.stdin:" \
  "    out.write(f'{time.time_ns()}\t{line}')" >"$work/stamp.py"
"$WATCH_BIN" watch --isolated --resync 86400 --auditd-log "$work/auditd/audit.log" --auditd-key "$key" \
  > >(python3 "$work/stamp.py" "$work/with.tsv") 2>"$work/with.err" &
pids+=($!)
"$WATCH_BIN" watch --isolated --resync 86400 > >(python3 "$work/stamp.py" "$work/without.tsv") 2>"$work/without.err" &
pids+=($!)
for _ in $(seq 1 600); do
  grep -q watch.resync "$work/with.tsv" 2>/dev/null && grep -q watch.resync "$work/without.tsv" 2>/dev/null && break
  sleep 0.1
done

echo "## $n creates with the docker CLI, 50 ms apart ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
for i in $(seq 1 "$n"); do
  docker create --label "dockward.test=$run_id" --name "dw-$run_id-$i" --network none "dw-$run_id:1" true >/dev/null
  sleep 0.05
done
for _ in $(seq 1 300); do
  [ "$(grep -c "\"name\":\"dw-$run_id-" "$work/with.tsv" || true)" -ge "$n" ] &&
    [ "$(grep -c "\"name\":\"dw-$run_id-" "$work/without.tsv" || true)" -ge "$n" ] && break
  sleep 0.1
done

[ -n "${BENCH_KEEP:-}" ] && mkdir -p "$BENCH_KEEP" && cp "$work"/*.tsv "$work"/*.err "$work/auditd/audit.log" "$BENCH_KEEP/"
python3 - "$work" "$run_id" <<'PY'
import json, sys
work, run_id = sys.argv[1], sys.argv[2]
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")
for name in ["without", "with"]:
    delays, sources = [], {}
    for line in open(f"{work}/{name}.tsv"):
        arrived, text = line.split("\t", 1)
        r = json.loads(text)
        e = r.get("event")
        if r["kind"] != "watch.finding" or not e or e["action"] != "create" or run_id not in r["object"]["name"]:
            continue
        delays.append((int(arrived) - e["time_nano"]) / 1e6)
        i = r["actor"]["identity"]
        s = f"auditd {i['exe']} uid {i['uid']}" if i["source"] == "auditd" else f"{i['source']} candidates={i.get('candidates', 0)}"
        sources[s] = sources.get(s, 0) + 1
    print(f"{name + ' --auditd-log:':24} {len(delays)} records, event-to-record p50 {pct(delays, 50):.1f} ms, "
          f"p99 {pct(delays, 99):.1f} ms, max {max(delays, default=float('nan')):.1f} ms; identities {sources}")
PY

#!/usr/bin/env bash
# bench/audit.sh [N...]: for each N (default: 0 50 200), creates N labelled containers
# from a tiny imported busybox image (half of them started), then measures
# `dockward audit --format json` on them: median wall time of 5 runs, peak RSS (GNU
# time), the CT and DM findings of one run (every default rule runs), and the Engine
# API calls of one run, counted by a recording proxy. Removes
# only the containers and the image it created, also on failure or Ctrl-C.
#
# Side by side with docker-bench-security: when DOCKER_BENCH_DIR names a directory holding
# docker-bench-security.sh (never part of this repository), each N also runs it on the same
# containers (`-b -t <label>`: its own label filter, so containers other people keep on the
# daemon stay out of its lists) and prints a second table: wall time, peak RSS of its largest
# process, `docker` processes forked (a PATH wrapper logs each), API calls (same proxy), and
# how many of the created containers each tool reports (docker-bench only sees running ones).
# Without DOCKER_BENCH_DIR that part is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(0 50 200)
runs=5
target=${CARGO_TARGET_DIR:-target}
run_id="bench-$$"
label="dockward.test=$run_id"
image="dockward-bench-$$:base"
work=$(mktemp -d)

cleanup() {
  ids=$(docker ps -aq --filter "label=$label")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null
  docker rmi "$image" >/dev/null 2>&1 || true
  [ -n "${proxy_pid:-}" ] && kill "$proxy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -e /bin/busybox ] || { echo "bench: needs /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }
dbench_dir=""
if [ -n "${DOCKER_BENCH_DIR:-}" ]; then
  if [ -f "$DOCKER_BENCH_DIR/docker-bench-security.sh" ]; then
    dbench_dir=$(cd "$DOCKER_BENCH_DIR" && pwd)
  else
    echo "bench: DOCKER_BENCH_DIR has no docker-bench-security.sh; skipping the comparison" >&2
  fi
fi
cargo build --release --quiet -p dockward
cargo build --release --quiet -p dockward_engine --example recording_proxy
bin="$target/release/dockward"
proxy="$target/release/examples/recording_proxy"

bench_import_busybox_image

# A `docker` that logs each invocation, first on docker-bench's PATH (it only appends to PATH).
real_docker=$(command -v docker)
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$work/docker-calls.txt" "$real_docker" >"$work/bin/docker"
chmod +x "$work/bin/docker"

audit() { "$bin" audit --isolated --host "$1" --label "$label" --format json --fail-on none --quiet; }

# Runs the recording proxy in front of the daemon, then "$@" with DOCKER_HOST pointing at
# it; leaves one `METHOD TARGET` line per request in $work/calls.txt.
through_proxy() {
  mkfifo "$work/hold"
  "$proxy" "$work/proxy.sock" /var/run/docker.sock <"$work/hold" >"$work/calls.txt" &
  proxy_pid=$!
  exec 3>"$work/hold"
  for _ in $(seq 50); do [ -S "$work/proxy.sock" ] && break; sleep 0.02; done
  "$@"
  exec 3>&-
  wait "$proxy_pid"; proxy_pid=""
  rm -f "$work/hold" "$work/proxy.sock"
}

# docker-bench as its README runs it (from its directory), colours off, logs in $work.
dbench() { (cd "$dbench_dir" && bash ./docker-bench-security.sh -b -t "$label" -l "$work/dbench.log" "$@"); }

# Distinct created containers named in a report (both tools name containers by name).
named_containers() { { grep -oE "dw-$run_id-[0-9]+" "$1" || true; } | sort -u | wc -l; }

ms() { awk "BEGIN {printf \"%.0f\", $1 * 1000}"; }
elapsed_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$1"; }
max_rss_kib() { awk -F': ' '/Maximum resident/ {print $2}' "$1"; }

have=0
dbench_rows=()
printf '| containers | running | median wall | best wall | peak RSS | CT / DM findings | API calls | container inspects |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  # Grow the set of containers to n (sizes ascend).
  if [ "$n" -gt "$have" ]; then
    bench_grow_containers "$have" "$n"
    have=$n
  fi
  running=$(docker ps -q --filter "label=$label" | wc -l)

  walls=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    audit unix:///var/run/docker.sock >/dev/null
    end=$(date +%s%N)
    walls+=("$(( (end - start) / 1000000 ))")
  done
  sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  median=${sorted[$((runs / 2))]}
  best=${sorted[0]}
  rss=$( { /usr/bin/time -v "$bin" audit --isolated --host unix:///var/run/docker.sock --label "$label" \
      --format json --fail-on none --quiet >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')

  audit unix:///var/run/docker.sock >"$work/report.json"
  ct=$(grep -c '"code": "CT' "$work/report.json" || true)
  dm=$(grep -c '"code": "DM' "$work/report.json" || true)

  # One run through the recording proxy to count the calls.
  through_proxy audit "unix://$work/proxy.sock" >/dev/null
  calls=$(wc -l <"$work/calls.txt")
  inspects=$(grep -cE '^GET (/v[0-9.]+)?/containers/[0-9a-f]{64}/json' "$work/calls.txt" || true)
  printf '| %s | %s | %s ms | %s ms | %s MiB | %s / %s | %s | %s |\n' "$n" "$running" "$median" "$best" \
    "$(awk "BEGIN {printf \"%.1f\", $rss / 1024}")" "$ct" "$dm" "$calls" "$inspects"

  if [ -n "$dbench_dir" ]; then
    # docker-bench's -t list keeps other containers out of its checks, but its start-up probe
    # and 5.30 still inspect every running container of the daemon: say when there are any.
    foreign_note() {
      local foreign
      foreign=$(docker ps -q | grep -cvxF -f <(docker ps -q --filter "label=$label") || true)
      if [ "$foreign" -gt 0 ]; then
        echo "bench: N=$n: $foreign other running containers on the daemon $1 docker-bench's runs" >&2
      fi
    }
    foreign_note before
    dw_seen=$(named_containers "$work/report.json")
    # Timed run on the daemon socket; GNU time's maximum RSS is that of the largest process.
    /usr/bin/time -v -o "$work/dbench.time" bash -c "$(declare -f dbench); dbench_dir='$dbench_dir' label='$label' work='$work' dbench" \
      >"$work/dbench.out" 2>&1
    db_wall=$(elapsed_s "$work/dbench.time")
    db_rss=$(max_rss_kib "$work/dbench.time")
    db_seen=$(named_containers "$work/dbench.log.json")
    # Counting run: the logging wrapper first on PATH, the daemon behind the proxy.
    : >"$work/docker-calls.txt"
    through_proxy env PATH="$work/bin:$PATH" DOCKER_HOST="unix://$work/proxy.sock" \
      bash -c "$(declare -f dbench); dbench_dir='$dbench_dir' label='$label' work='$work' dbench -l '$work/dbench-count.log'" >/dev/null 2>&1
    foreign_note after
    db_procs=$(wc -l <"$work/docker-calls.txt")
    db_calls=$(wc -l <"$work/calls.txt")
    dbench_rows+=("$(printf '| %s | %s | %s ms / %.2f s | %s / %s MiB | %s / %s | %s / %s | %s / %s | %sx |' \
      "$n" "$running" "$median" "$db_wall" \
      "$(awk "BEGIN {printf \"%.1f\", $rss / 1024}")" "$(awk "BEGIN {printf \"%.1f\", $db_rss / 1024}")" \
      "$calls" "$db_calls" "0" "$db_procs" "$dw_seen" "$db_seen" \
      "$(awk "BEGIN {printf \"%.0f\", $db_wall * 1000 / ($median > 0 ? $median : 1)}")")")
  fi
done

if [ -n "$dbench_dir" ]; then
  echo
  echo "docker-bench-security ($dbench_dir) on the same containers; each cell: dockward / docker-bench"
  echo
  printf '| containers | running | wall (median / one run) | peak RSS (largest process) | API calls | docker processes | created containers reported | speed-up |\n'
  printf '|---|---|---|---|---|---|---|---|\n'
  printf '%s\n' "${dbench_rows[@]}"
fi

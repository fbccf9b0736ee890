#!/usr/bin/env bash
# bench/audit.sh [N...]: for each N (default: 0 50 200), creates N labelled containers
# from a tiny imported busybox image (half of them started), then measures
# `dockward audit --format json` on them: median wall time of 5 runs, peak RSS (GNU
# time), the CT and DM findings of one run (every default rule runs), and the Engine
# API calls of one run, counted by a recording proxy. Removes
# only the containers and the image it created, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(0 50 200)
runs=5
target=${CARGO_TARGET_DIR:-target}
run_id="bench-$$"
label="dockward.bench=$run_id"
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
cargo build --release --quiet -p dockward
cargo build --release --quiet -p dockward_engine --example recording_proxy
bin="$target/release/dockward"
proxy="$target/release/examples/recording_proxy"

mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/sh"; ln -s busybox "$work/rootfs/bin/sleep"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
docker import --change "LABEL $label" - "$image" <"$work/rootfs.tar" >/dev/null

audit() { "$bin" audit --isolated --host "$1" --label "$label" --format json --fail-on none --quiet; }

have=0
printf '| containers | running | median wall | best wall | peak RSS | CT / DM findings | API calls | container inspects |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  # Grow the set of containers to n (sizes ascend).
  if [ "$n" -gt "$have" ]; then
    seq "$((have + 1))" "$n" | xargs -P 4 -I{} docker create --label "$label" --name "dw-$run_id-{}" \
      --memory 32m --read-only "$image" sleep 3600 >/dev/null
    # Start every other new container.
    seq "$((have + 1))" "$n" | awk 'NR % 2 == 1' | xargs -r -P 4 -I{} docker start "dw-$run_id-{}" >/dev/null
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
  mkfifo "$work/hold"
  "$proxy" "$work/proxy.sock" /var/run/docker.sock <"$work/hold" >"$work/calls.txt" &
  proxy_pid=$!
  exec 3>"$work/hold"
  for _ in $(seq 50); do [ -S "$work/proxy.sock" ] && break; sleep 0.02; done
  audit "unix://$work/proxy.sock" >/dev/null
  exec 3>&-
  wait "$proxy_pid"; proxy_pid=""
  rm -f "$work/hold" "$work/proxy.sock"
  calls=$(wc -l <"$work/calls.txt")
  inspects=$(grep -cE '^GET (/v[0-9.]+)?/containers/[0-9a-f]{64}/json' "$work/calls.txt" || true)
  printf '| %s | %s | %s ms | %s ms | %s MiB | %s / %s | %s | %s |\n' "$n" "$running" "$median" "$best" \
    "$(awk "BEGIN {printf \"%.1f\", $rss / 1024}")" "$ct" "$dm" "$calls" "$inspects"
done

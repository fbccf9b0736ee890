#!/usr/bin/env bash
# bench/docker-bench-findings.sh: what docker-bench-security and `dockward audit` report on a
# fixed set of insecure containers, per container and CIS Docker Benchmark 1.6.0 control.
#
# Needs DOCKER_BENCH_DIR (a directory holding docker-bench-security.sh, never part of this
# repository); without it the script says so and exits 0. Creates, from a tiny imported
# busybox image, containers labelled dockward.test=<run>, each with one problem on top of a
# common base (`--memory 32m`, nothing else hardened): privileged, host network, Docker
# socket mounted, CAP_SYS_ADMIN added, no memory limit, a port published on 0.0.0.0, and a
# privileged container that is created but never started. Runs
#   dockward audit --isolated --label dockward.test=<run> --format cis-json --fail-on none
#   docker-bench-security.sh -b -t dockward.test=<run> -l <log>
# and prints, per container, the CIS ids each tool reports (docker-bench: its WARN and INFO
# results that list the container; dockward: the controls of its CIS scorecard,
# `--format cis-json`, with a finding on the container). Removes only what it created, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

if [ -z "${DOCKER_BENCH_DIR:-}" ] || [ ! -f "$DOCKER_BENCH_DIR/docker-bench-security.sh" ]; then
  echo "bench: set DOCKER_BENCH_DIR to a docker-bench-security checkout to compare; skipping" >&2
  exit 0
fi
dbench_dir=$(cd "$DOCKER_BENCH_DIR" && pwd)
command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 2; }
[ -e /bin/busybox ] || { echo "bench: needs /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }

target=${CARGO_TARGET_DIR:-target}
run_id="findings-$$"
label="dockward.test=$run_id"
image="dockward-findings-$$:base"
work=$(mktemp -d)

cleanup() {
  ids=$(docker ps -aq --filter "label=$label")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null
  docker rmi "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet -p dockward
bin="$target/release/dockward"

bench_import_busybox_image

# name | extra flags | started?
cases=(
  "privileged|--memory 32m --privileged|yes"
  "host-network|--memory 32m --network host|yes"
  "docker-sock|--memory 32m -v /var/run/docker.sock:/var/run/docker.sock|yes"
  "cap-sys-admin|--memory 32m --cap-add SYS_ADMIN|yes"
  "no-memory-limit||yes"
  "port-0.0.0.0|--memory 32m -p 0.0.0.0::8080|yes"
  "created-privileged|--memory 32m --privileged|no"
)
declare -A state
for c in "${cases[@]}"; do
  IFS='|' read -r name flags start <<<"$c"
  # shellcheck disable=SC2086 # flags are word lists on purpose
  docker create --label "$label" --name "dwf-$run_id-$name" $flags "$image" sleep 3600 >/dev/null
  state[$name]="created"
  if [ "$start" = yes ]; then
    # A daemon without all capabilities (e.g. itself in a container) refuses to start a
    # privileged container; it then stays created, which is reported as such.
    if docker start "dwf-$run_id-$name" >/dev/null 2>&1; then
      state[$name]="running"
    else
      state[$name]="created (start refused by this daemon)"
    fi
  fi
done

"$bin" audit --isolated --host unix:///var/run/docker.sock --label "$label" --format cis-json \
  --fail-on none --quiet >"$work/dockward.json"
(cd "$dbench_dir" && bash ./docker-bench-security.sh -b -t "$label" -l "$work/dbench.log") >"$work/dbench.out" 2>&1
if [ -n "${KEEP_REPORTS:-}" ]; then
  mkdir -p "$KEEP_REPORTS"; cp "$work"/dockward.json "$work"/dbench.log.json "$work"/dbench.out "$KEEP_REPORTS"/
fi

# "container<TAB>CIS id<TAB>rule or result" lines. dockward's CIS scorecard lists, per
# control, the findings that count against it, located at container/<name>/<field>.
jq -r --arg p "dwf-$run_id-" '
  .controls[] | .id as $id | .findings[]
  | (try (.location | capture("^container/" + $p + "(?<n>[^/]+)/").n) catch null) as $name
  | select($name != null) | "\($name)\t\($id)\t\(.rule)"' \
  "$work/dockward.json" | sort -u >"$work/dockward.tsv"
# docker-bench lists containers by name in a result's items ("name", "name:detail", or
# "id:name" for 5.30).
jq -r --arg p "dwf-$run_id-" '
  .tests[].results[] | select(.result == "WARN" or .result == "INFO") | . as $r
  | (.items // [])[]
  | (try capture($p + "(?<n>[A-Za-z0-9.-]+)").n catch null) as $name
  | select($name != null) | "\($name)\t\($r.id)\t\($r.result)"' \
  "$work/dbench.log.json" | sort -u >"$work/dbench.tsv"

by_version() { tr ' ' '\n' | { grep . || true; } | sort -t. -k1,1n -k2,2n -k3,3n | uniq | paste -sd' ' -; }
printf '| container | state | docker-bench WARN | docker-bench INFO | dockward (failed CIS controls) | dockward rules |\n'
printf '|---|---|---|---|---|---|\n'
for c in "${cases[@]}"; do
  IFS='|' read -r name _ _ <<<"$c"
  warn=$(awk -F'\t' -v n="$name" '$1 == n && $3 == "WARN" {print $2}' "$work/dbench.tsv" | by_version)
  info=$(awk -F'\t' -v n="$name" '$1 == n && $3 == "INFO" {print $2}' "$work/dbench.tsv" | by_version)
  dw=$(awk -F'\t' -v n="$name" '$1 == n {print $2}' "$work/dockward.tsv" | by_version)
  codes=$(awk -F'\t' -v n="$name" '$1 == n {print $3}' "$work/dockward.tsv" | sort -u | paste -sd' ' -)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "${state[$name]}" "${warn:--}" "${info:--}" "${dw:--}" "${codes:--}"
done
echo
echo "engine-wide results (no container named):"
printf 'docker-bench WARN: %s\n' "$(jq -r '.tests[].results[] | select(.result == "WARN" and ((.items // []) | length) == 0) | .id' "$work/dbench.log.json" | by_version)"
printf 'dockward failed controls: %s\n' "$(jq -r --arg p "container/dwf-$run_id-" '.controls[] | select(.status == "fail") | select(any(.findings[]; .location | startswith($p) | not)) | .id' "$work/dockward.json" | by_version)"
printf 'docker-bench exit status is always 0; dockward --fail-on none was used here.\n'

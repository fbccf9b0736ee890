#!/usr/bin/env bash
# bench/hostile.sh [runs] [classes...]: wall time and peak RSS of `dockward check` on
# hostile inputs that grow (issue 19 classes 4 and 5), at sizes x1, x2, x4 and x8.
#
# bench/hostile_gen.py writes the inputs (deterministic) into $target/bench-hostile/:
#   stages    Dockerfile of 1,000 x N chained stages (FROM s<i-1> AS s<i>, ENV, COPY --from)
#   extends   Compose file, a chain of 800 x N services each extending the previous one
#   flags     docker.service whose ExecStart passes 100,000 x N dockerd flags
#   fixes     Dockerfile with 13,000 x N DF122 fixes, checked with --diff
#   fix       the same, with --fix (on a copy, made again before each run)
#   bigdf     Dockerfile of 1.25 MB x N of one-line RUNs (x8: 10 MB)
#   services  Compose file of 6,250 x N services (x8: 50,000)
# Each is checked with `dockward check --isolated --format json --fail-on none -q -j 1`
# (report written to $target/bench-hostile/out/, so two builds can be compared with
# cmp); `runs` runs (default 1), median wall and highest peak RSS (GNU time), and the
# peak RSS per input byte (`RSS/input`; issue 19's memory target is 10x plus a fixed
# allowance, see docs/security.md). A run longer than $HOSTILE_TIMEOUT seconds
# (default 120) is stopped and shown as `>T`.
# The sizes to run come from $HOSTILE_SIZES (default "1 2 4 8"; `HOSTILE_SIZES=160
# bench/hostile.sh 1 bigdf` is a 200 MB Dockerfile); $HOSTILE_FORMAT picks the report
# format (default json; findings are only counted for json); $DOCKWARD names another
# binary to measure (an older build, for before/after figures) instead of building one.
# DOCKWARD_MAX_FILE_SIZE defaults to 1GiB here, so inputs over the 64 MiB default are
# checked rather than refused.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
shift || true
classes=("$@")
[ ${#classes[@]} -gt 0 ] || classes=(stages extends flags fixes fix bigdf services)
sizes=${HOSTILE_SIZES:-1 2 4 8}
limit=${HOSTILE_TIMEOUT:-120}
format=${HOSTILE_FORMAT:-json}
export DOCKWARD_MAX_FILE_SIZE=${DOCKWARD_MAX_FILE_SIZE:-1GiB}
target=${CARGO_TARGET_DIR:-target}
dir="$target/bench-hostile"
mkdir -p "$dir/out"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ -n "${DOCKWARD:-}" ]; then
  dw=$DOCKWARD
else
  cargo build --release -q -p dockward
  dw="$target/release/dockward"
fi
tag=$(basename "$dw")

printf '| class | size | input MB | seconds | peak MiB | RSS/input | findings |\n'
printf '|---|---|---|---|---|---|---|\n'
for class in "${classes[@]}"; do
  for n in $sizes; do
    IFS=$'\t' read -r input extra < <(python3 bench/hostile_gen.py "$class" "$n" "$dir")
    mb=$(awk -v b="$(stat -c %s "$input")" 'BEGIN {printf "%.2f", b/1e6}')
    report="$dir/out/$class-x$n.$tag.$format"
    walls=() rss=0 status=ok
    for _ in $(seq "$runs"); do
      checked=$input
      if [ "$extra" = "--fix" ]; then
        checked="$dir/fix-copy.Dockerfile"
        cp "$input" "$checked"
      fi
      # shellcheck disable=SC2086
      /usr/bin/time -o "$dir/time" -f '%e %M' timeout "$limit" \
        "$dw" check --isolated --format "$format" --fail-on none -q -j 1 $extra "$checked" >"$report" 2>"$dir/stderr" || true
      read -r e m < <(tail -n 1 "$dir/time")
      if grep -q 'exited with non-zero status 124' "$dir/time"; then status=timeout; fi
      walls+=("$e")
      [ "$m" -gt "$rss" ] && rss=$m
    done
    med=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    if [ "$status" = timeout ]; then
      med=">$limit" findings="-"
    elif [ "$format" != json ]; then
      findings="-"
    elif [ "$extra" = "--diff" ]; then
      findings="$(grep -c '^-[^-]' "$report" || true) lines"
    else
      findings=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$report" 2>/dev/null || echo "?")
    fi
    bytes=$(stat -c %s "$input")
    printf '| %s | x%s | %s | %s | %.1f | %.1f | %s |\n' "$class" "$n" "$mb" "$med" \
      "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$(awk -v k="$rss" -v b="$bytes" 'BEGIN {print k * 1024 / b}')" "$findings"
  done
done

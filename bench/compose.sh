#!/usr/bin/env bash
# Compose files per second and peak RSS of `dockward check` on the corpus Compose files.
# Usage: bench/compose.sh [copies] [runs]   (default 30 copies of the corpus, 5 runs)
# The corpus's Compose projects (with their .env files and Dockerfiles) are copied
# `copies` times into a temporary directory so that one invocation checks thousands of
# distinct files; then `dockward check -j 1` (one core) and on all cores, and the
# loader alone (examples/load.rs --repeat), are timed.
set -euo pipefail
cd "$(dirname "$0")/.."
copies="${1:-30}"
runs="${2:-5}"
corpus="../shared/corpus"
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --quiet -p dockward
cargo build --release --quiet -p dockward_compose --example load
dockward="$target/release/dockward"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$copies"); do
  mkdir -p "$work/$i"
  cp -r "$corpus/awesome-compose" "$corpus/compose-go" "$work/$i/"
done
mapfile -t files < <(find "$work" -type f \( -name '*compose*.yaml' -o -name '*compose*.yml' \) | sort)
mapfile -t once < <(find "$corpus" -type f \( -name '*compose*.yaml' -o -name '*compose*.yml' \) | sort)
echo "corpus: ${#once[@]} compose files x $copies copies = ${#files[@]} files"

measure() {
  local name="$1"; shift
  local walls=() rss=() tfile
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
  local median maxrss fps
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  maxrss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
  fps=$(awk -v n="${#files[@]}" -v t="$median" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "inf" }')
  printf '%-24s median %7.3f s  %8s files/s  peak RSS %6.1f MiB\n' \
    "$name" "$median" "$fps" "$(awk -v k="$maxrss" 'BEGIN { print k / 1024 }')"
}

measure "dockward (-j 1)" "$dockward" check --isolated --format json --fail-on none -j 1 "${files[@]}"
measure "dockward (all cores)" "$dockward" check --isolated --format json --fail-on none "${files[@]}"
echo "loader only (one thread, load + ContainerSpec, list repeated $copies times):"
"$target/release/examples/load" --repeat "$copies" "${once[@]}"

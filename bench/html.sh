#!/usr/bin/env bash
# The HTML report at scale (issue 18): a Compose file whose 6,700 services give about
# 20,000 findings (three each: CT035 groups the hardening baseline), rendered with `--format html --compliance all`; the page's size, the time to
# write it, and the time headless Chromium takes to load it and run its script (the load
# of the big page minus the load of an empty one, each the best of 3).
# Targets: under 10 MB, opens in under 2 s.
#
# Usage: bench/html.sh [SERVICES]   (default 6700)
set -euo pipefail
cd "$(dirname "$0")/.."
services="${1:-6700}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet -p dockward
bin="$target/release/dockward"
work="$target/bench-html"
rm -rf "$work" && mkdir -p "$work/project"
python3 - "$services" >"$work/project/compose.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("services:")
for i in range(n):
    print(f"  s{i}:\n    image: registry.example/app{i % 50}:latest\n    ports: [\"{8000 + i % 1000}:80\"]")
PY

start=$(date +%s.%N)
"$bin" check --isolated "$work/project" --format html --compliance all --fail-on none -o "$work/report.html"
end=$(date +%s.%N)
findings=$("$bin" check --isolated "$work/project" --format json --fail-on none | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
bytes=$(stat -c %s "$work/report.html")
printf '<!DOCTYPE html><html><body><p>empty</p></body></html>' >"$work/empty.html"

load() {
  local best=999
  for _ in 1 2 3; do
    local t0 t1 t
    t0=$(date +%s.%N)
    chromium --headless=new --no-sandbox --disable-gpu --no-first-run --dump-dom "file://$PWD/$1" >/dev/null 2>&1
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    best=$(echo "if ($t < $best) $t else $best" | bc)
  done
  echo "$best"
}
empty=$(load "$work/empty.html")
page=$(load "$work/report.html")
printf 'findings: %s\nreport: %.1f MB (%s bytes)\nwrite: %.2f s\nbrowser load: %.2f s (page %.2f s - empty %.2f s)\n' \
  "$findings" "$(echo "$bytes / 1048576" | bc -l)" "$bytes" "$(echo "$end - $start" | bc)" \
  "$(echo "$page - $empty" | bc)" "$page" "$empty"

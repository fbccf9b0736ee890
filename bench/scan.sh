#!/usr/bin/env bash
# bench/scan.sh [runs]: the vulnerability database and `dockward scan`.
#
# 1. `dockward db build` from every record in ../shared/corpus/vuln/osv: wall time, the
#    database's size beside the JSON it was built from (target: at most a fifth), and
#    lookups per second (crates/dockward_vulndb/examples/vulndb_bench.rs: every package
#    name in the database plus as many misses; target: at least 100,000 per second).
# 2. `dockward scan` (inventory and matching together) of the Debian 12 archives of
#    bench/sbom_fixtures.sh: median wall time and peak RSS over `runs` runs (default 5),
#    beside `syft` alone (the inventory only) on the same file. Target: the whole scan at
#    least 10x faster than Syft's inventory, under 64 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
target=${CARGO_TARGET_DIR:-target}
# shellcheck source=bench/sbom_fixtures.sh
source bench/sbom_fixtures.sh
prepare_syft_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
osv=../shared/corpus/vuln/osv

echo "## database"
json=$(find "$osv" -name '*.json' -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
read -r bt br < <(median_and_rss "$dw" db build --from "$osv" --db "$work/vulns.db")
"$dw" db build --from "$osv" --db "$work/vulns.db" >/dev/null 2>&1
size=$(stat -c %s "$work/vulns.db")
printf 'records: %s JSON files, %s bytes; database %s bytes (1/%s); build %s s, %s MiB\n' \
  "$(find "$osv" -name '*.json' -type f | wc -l)" "$json" "$size" \
  "$(awk -v j="$json" -v s="$size" 'BEGIN {printf "%.1f", j/s}')" "$bt" "$br"
cargo run --release -q -p dockward_vulndb --example vulndb_bench -- "$work/lookups.db" "$osv" | tail -2

echo
echo "## scan"
printf '| archive | MB | dockward scan | RSS | findings | syft (inventory only) | RSS | speed-up |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for a in debian12-minbase debian12-python; do
  f="$dir/$a.tar"
  mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN {printf "%.0f", b/1e6}')
  read -r dt dr < <(median_and_rss "$dw" scan --db "$work/vulns.db" --format json -q --fail-on none "$f")
  n=$("$dw" scan --db "$work/vulns.db" --format json -q --fail-on none "$f" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
  read -r st sr < <(median_and_rss syft scan -q "docker-archive:$f" -o syft-json)
  up=$(awk -v s="$st" -v d="$dt" 'BEGIN {printf "%.0fx", s/d}')
  printf '| %s | %s | %s s | %s MiB | %s | %s s | %s MiB | %s |\n' "$a" "$mb" "$dt" "$dr" "$n" "$st" "$sr" "$up"
done

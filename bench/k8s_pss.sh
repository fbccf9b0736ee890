#!/usr/bin/env bash
# bench/k8s_pss.sh [iterations]: Pod Security Standards throughput on one thread over
# the upstream PSA fixtures (../shared/corpus/psa-testdata, 4,537 pods): end to end
# (YAML parse + evaluation at each fixture's version) and evaluation alone, in
# fixtures/s. The example refuses to print figures if any fixture is misclassified.
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-20}
target=${CARGO_TARGET_DIR:-target}
corpus=../shared/corpus/psa-testdata
[ -d "$corpus/baseline" ] || { echo "bench: $corpus is missing" >&2; exit 2; }
cargo build --release --quiet -p dockward_k8s --example pss_bench
echo "== $(date -u +%F) $(nproc) cores, $(rustc --version)"
if command -v /usr/bin/time >/dev/null; then
  /usr/bin/time -f "peak RSS %M KiB, wall %e s" "$target/release/examples/pss_bench" --iterations "$iterations" "$corpus"
else
  "$target/release/examples/pss_bench" --iterations "$iterations" "$corpus"
fi

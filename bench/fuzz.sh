#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for SECONDS each and prints a table of
# executions, coverage and findings.
#
#   bench/fuzz.sh SECONDS [TARGET...]
#
# The targets use cargo-fuzz (libFuzzer). This project builds with the stable toolchain
# only, so the build sets RUSTC_BOOTSTRAP=1 to let stable rustc accept the -Z flags
# cargo-fuzz passes (sanitizer, coverage instrumentation). Build artefacts go to
# target/fuzz, seed corpora (from ../shared/corpus, bench/fuzz_seeds.py) to
# target/fuzz-corpus/<target>, new inputs found by a run are kept there, and any crash
# lands in fuzz/artifacts/<target>/ - add it as a regression test and fix it.
# .ci/run calls this with a few seconds per target as a smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: bench/fuzz.sh SECONDS [TARGET...]}
shift
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never
# The workspace's -D warnings (CI) must not reach libfuzzer-sys's build.
unset RUSTFLAGS

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked --quiet
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

dict_for() {
  case "$1" in
    dockerfile_*) echo fuzz/dict/dockerfile.dict ;;
    shell_tokenize) echo fuzz/dict/shell.dict ;;
    yaml_tree) echo fuzz/dict/yaml.dict ;;
    compose_check) echo fuzz/dict/compose.dict ;;
    k8s_loader) echo fuzz/dict/k8s.dict ;;
    daemon_json | osv_record) echo fuzz/dict/json.dict ;;
    guard_request) echo fuzz/dict/guard.dict ;;
    dockerd_flags) echo fuzz/dict/dockerd.dict ;;
    run_lines) echo fuzz/dict/run.dict ;;
    image_archive) echo fuzz/dict/tar.dict ;;
    sbom_catalogers) echo fuzz/dict/sbom.dict ;;
    version_compare) echo fuzz/dict/version.dict ;;
  esac
}

python3 bench/fuzz_seeds.py target/fuzz-corpus >/dev/null
echo "== building ${#targets[@]} targets (release, debug assertions, AddressSanitizer)" >&2
# All at once: they share every dependency, so one build is cheaper than one per target.
cargo fuzz build --fuzz-dir fuzz --target-dir target/fuzz >&2

logs=target/fuzz-logs
mkdir -p "$logs"
printf '| target | seconds | executions | exec/s | coverage (cov) | features (ft) | corpus | peak RSS MiB | result |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---|\n'
status=0
for t in "${targets[@]}"; do
  dict=$(dict_for "$t")
  set +e
  cargo fuzz run --fuzz-dir fuzz --target-dir target/fuzz "$t" "target/fuzz-corpus/$t" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 ${dict:+-dict=$dict} >"$logs/$t.log" 2>&1
  code=$?
  set -e
  # A target that fails before fuzzing prints no statistics: `|| true` keeps the row
  # (set -e with pipefail would end the script silently at the missing match).
  execs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$logs/$t.log" | awk '{print $2}' | tail -1 || true)
  rate=$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$logs/$t.log" | awk '{print $2}' | tail -1 || true)
  rss=$(grep -ao 'stat::peak_rss_mb: *[0-9]*' "$logs/$t.log" | awk '{print $2}' | tail -1 || true)
  cov=$(grep -aEo 'cov: [0-9]+' "$logs/$t.log" | tail -1 | awk '{print $2}' || true)
  ft=$(grep -aEo 'ft: [0-9]+' "$logs/$t.log" | tail -1 | awk '{print $2}' || true)
  corpus=$(ls "target/fuzz-corpus/$t" | wc -l)
  if [ "$code" -eq 0 ]; then result=ok; else result="FAILED (exit $code, see $logs/$t.log)"; status=1; fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "${rss:-?}" "$result"
done
exit $status

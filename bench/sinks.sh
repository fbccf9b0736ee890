#!/usr/bin/env bash
# The sinks of `dockward watch` / `dockward guard` (docs/sinks.md): records per second into a
# real rsyslogd (TCP with octet counting, TLS, UDP) and into a file, and the memory of a
# process whose sink is dead (a full queue, then a bounded spool). Runs the ignored tests of
# crates/dockward_sinks/tests/bench_sinks.rs in a release build; figures in bench/README.md.
#
# usage: bench/sinks.sh [records]   (default 100000; needs rsyslog, rsyslog-gnutls)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOCKWARD_BENCH_RECORDS="${1:-100000}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

cargo test --release -q -p dockward_sinks --test bench_sinks --no-run
cargo test --release -q -p dockward_sinks --test bench_sinks -- --ignored --nocapture --test-threads 1 2>/dev/null \
  | grep -o 'BENCH .*' | sed 's/^BENCH /  /'

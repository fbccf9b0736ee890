#!/bin/sh
# daemon.json files/s and host-root scan time (see crates/dockward_linter/examples/daemon_bench.rs).
set -eu
cd "$(dirname "$0")/.."
cargo run --quiet --release -p dockward_linter --example daemon_bench

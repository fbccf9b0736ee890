#!/usr/bin/env bash
# Throughput of `docker run` line extraction plus the CT rules on generated shell
# scripts, Makefiles and GitHub workflows (in memory, one thread).
# Usage: bench/run_lines.sh [files]   (default 2000 files of each kind)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet -p dockward_linter --example run_lines_bench -- "${1:-2000}"

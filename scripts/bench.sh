#!/usr/bin/env bash
# Every benchmark in one run, written to docs/benchmarks.md (bench/run.mjs). Not part of the
# pass/fail tests. Set-up and build first (idempotent).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/build.sh"
load_env
cd "$ROOT"
node bench/run.mjs

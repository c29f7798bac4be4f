#!/usr/bin/env bash
# The load suites at their full sizes (10,000 callbacks direct, 5,000 queued); `npm test` runs
# them smaller (2,000 and 1,000), which still proves nothing is lost, doubled or mismatched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/build.sh"
load_env
cd "$ROOT"
MEDIAHOOK_LOAD=full node --test --test-concurrency=1 --test-reporter=spec tests/e2e/load.test.mjs tests/e2e/load-queue.test.mjs

#!/usr/bin/env bash
# The whole test suite: set-up (idempotent), build, then
#   1. Rust core tests, native (unit, integration, proptest, doc-tests)
#   2. the same core tests compiled to wasm32, run in Node (wasm-bindgen-test)
#   3. the npm package from `npm pack`, in an empty project (node:test, ESM + CJS, tsc)
#   4. the worker end to end in workerd (wrangler dev) with a local origin (node:test)
#   5. browser tests in headless Chromium, where present (tests/browser)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
started=$(date +%s)
bash "$ROOT/scripts/setup.sh" --browser
bash "$ROOT/scripts/build.sh"
load_env
cd "$ROOT"

say "1/5 Rust core, native"
cargo test --locked -q

say "2/5 Rust core under wasm32 in Node"
# (--test '*': the integration tests; the lib has no unit tests, which the runner counts as failure)
cargo test --locked --target wasm32-unknown-unknown --test '*'

suites=(tests/js tests/e2e)
[ -d tests/browser ] && suites+=(tests/browser)
say "3-5/5 npm package, worker end to end, browser: ${suites[*]}"
node --test --test-concurrency=1 --test-reporter=spec "${suites[@]}"

say "all suites passed in $(( $(date +%s) - started )) s"

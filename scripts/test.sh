#!/usr/bin/env bash
# The whole test suite: set-up (idempotent), lint (scripts/lint.sh: rustfmt, clippy, rustdoc,
# Biome; fails on any difference or warning), build, then
#   1. Rust core tests, native (unit, integration, proptest, doc-tests)
#   2. the same core tests compiled to wasm32, run in Node (wasm-bindgen-test)
#   3. the npm package from `npm pack`, in an empty project (node:test, ESM + CJS, tsc), and in
#      Deno and Bun (tests/runtimes)
#   4. the worker end to end in workerd (wrangler dev) with a local origin (node:test)
#   5. browser tests in headless Chromium, where present (tests/browser), and apps built with
#      Vite, webpack and esbuild from the packed package (tests/bundlers)
#   6. the Debian compiler path (rustc-web): native core tests and the npm package built with
#      it into target/debian, so that path cannot rot unseen (skipped only without apt-get)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
started=$(date +%s)

# Each step's time, printed as a table at the end (also when a step fails), so that the next
# slow-down is seen where it happens.
steps=()
step() { # name command...
  local name="$1" t0 rc=0
  shift
  t0=$(date +%s)
  "$@" || rc=$?
  steps+=("$(printf '%-50s %6d s%s' "$name" "$(( $(date +%s) - t0 ))" "$([ $rc -eq 0 ] || echo '  FAILED')")")
  return $rc
}
table() {
  say "step times"
  printf '  %s\n' "${steps[@]}" "$(printf '%-50s %6d s' total "$(( $(date +%s) - started ))")" >&2
}
trap table EXIT

step "set-up" bash "$ROOT/scripts/setup.sh" --browser
step "lint (rustfmt, clippy, rustdoc, Biome)" bash "$ROOT/scripts/lint.sh"
step "build (npm package, page, worker)" bash "$ROOT/scripts/build.sh"
load_env
cd "$ROOT"

say "1/5 Rust core, native"
step "1 Rust core, native" cargo test --locked -q

say "2/5 Rust core under wasm32 in Node"
# (--test '*': the integration tests; the lib's unit tests are native only)
step "2 Rust core under wasm32 in Node" cargo test --locked --target wasm32-unknown-unknown --test '*'

suites=(tests/js tests/runtimes tests/e2e)
[ -d tests/browser ] && suites+=(tests/browser tests/bundlers)
say "3-5/5 npm package, worker end to end, browser: ${suites[*]}"
step "3-5 npm package, worker, browser (node --test)" \
  node --test --test-concurrency=1 --test-reporter=spec "${suites[@]}"

say "6/6 the Debian compiler path"
if [ "${MEDIAHOOK_TOOLCHAIN_KIND:-}" = debian ]; then
  say "skipped: the suites above already ran with Debian's rustc-web"
elif ! command -v apt-get >/dev/null; then
  say "skipped: no apt-get on this machine, so Debian's rustc-web cannot be installed"
else
  # (Called by `step`, where `set -e` does not apply: every command checks its own status.)
  debian_pass() {
    bash "$ROOT/scripts/setup.sh" --debian-only || return 1
    (
      . "$MEDIAHOOK_HOME/env-debian.sh"
      # Its own target dir: another compiler's artifacts cannot be shared. The package is built
      # without LTO (profile debian): this pass proves the compiler path, not the package's speed.
      export CARGO_TARGET_DIR="$ROOT/target/debian" MEDIAHOOK_PKG_DIR="$ROOT/target/debian/pkg"
      export MEDIAHOOK_PKG_PROFILE=debian
      say "$(rustc --version): native core tests"
      cargo test --locked -q --lib --tests || exit 1
      bash "$ROOT/scripts/build.sh" --pkg-only || exit 1
      node --test --test-concurrency=1 --test-reporter=spec tests/js/package.test.mjs || exit 1
    )
  }
  step "6 the Debian compiler path" debian_pass
fi

say "all suites passed in $(( $(date +%s) - started )) s"

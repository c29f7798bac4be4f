# Shared by the project's scripts: paths, logging, and the toolchain environment.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Machine-wide cache for tools (kept across clones, keyed by version).
MEDIAHOOK_HOME="${MEDIAHOOK_HOME:-$HOME/.cache/mediahook}"
WORKER_BUILD_VERSION="0.8.7"
# Biome (JS/TS formatter and linter), installed by setup.sh as its platform binary package.
BIOME_VERSION="2.6.8"
# Deno and Bun, for the npm package's runtime suites (tests/runtimes).
DENO_VERSION="2.9.6"
# The bundlers the package is built with in tests/bundlers (installed outside the lockfile, as
# their platform packages are not all on this registry mirror).
BUNDLERS="vite@7.3.8 webpack@5.112.2 webpack-cli@6.0.1 esbuild@0.28.2"
BUN_VERSION="1.4.5"

say() { printf '\033[1m[mediahook]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[mediahook] error:\033[0m %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version pinned in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Load what setup.sh chose (toolchain PATH, tool locations). Fails if setup has not run.
load_env() {
  [ -f "$MEDIAHOOK_HOME/env.sh" ] || die "the toolchain is not set up: run 'npm run setup' (scripts/setup.sh)"
  # shellcheck disable=SC1091
  . "$MEDIAHOOK_HOME/env.sh"
  local v; v="$(wasm_bindgen_version)"
  export PATH="$MEDIAHOOK_HOME/tools/biome-$BIOME_VERSION:$MEDIAHOOK_HOME/tools/deno-$DENO_VERSION:$MEDIAHOOK_HOME/tools/bun-$BUN_VERSION:$MEDIAHOOK_HOME/tools/wasm-bindgen-cli-$v/bin:$MEDIAHOOK_HOME/tools/worker-build-$WORKER_BUILD_VERSION/bin:$ROOT/node_modules/.bin:$PATH"
  export WASM_BINDGEN_BIN="$MEDIAHOOK_HOME/tools/wasm-bindgen-cli-$v/bin/wasm-bindgen"
  export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
  export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
  MEDIAHOOK_BUNDLERS_BIN="$MEDIAHOOK_HOME/tools/bundlers-$(printf '%s' "$BUNDLERS" | sha256sum | cut -c1-12)/node_modules/.bin"
  export MEDIAHOOK_BUNDLERS_BIN
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$MEDIAHOOK_HOME/tools/wasm-bindgen-cli-$v/bin/wasm-bindgen-test-runner"
  # Keep wrangler offline and quiet.
  export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false
  unset CLOUDFLARE_API_TOKEN
}

#!/usr/bin/env bash
# Build everything from the one crate:
#   pkg/          the npm package `mediahook` (npm pack ./pkg gives the tarball)
#   www/wasm/     the web build the page in www/ loads
#   dist/worker/  the Cloudflare Worker that wrangler.toml points at
# Runs the set-up first when something is missing.
#   --pkg-only   just the npm package (into $MEDIAHOOK_PKG_DIR, default pkg/), with whatever
#                toolchain the environment already has (the test suite's Debian pass uses it,
#                with MEDIAHOOK_PKG_PROFILE=debian: no LTO)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pkg_only=false
[ "${1:-}" = "--pkg-only" ] && pkg_only=true
if ! $pkg_only; then
  bash "$ROOT/scripts/setup.sh"
  load_env
fi
cd "$ROOT"
PKG_DIR="${MEDIAHOOK_PKG_DIR:-$ROOT/pkg}"

size_line() { # label file
  printf '  %-28s %8d bytes raw, %8d bytes gzip\n' "$1" "$(wc -c < "$2")" "$(gzip -9 -c "$2" | wc -c)" >&2
}

# --- npm package and web build --------------------------------------------------------------
profile="${MEDIAHOOK_PKG_PROFILE:-npm}"
say "building the wasm library (profile $profile)"
# The typed Rust structs are for Rust users: the wasm builds leave the `typed` feature off.
cargo build -q --profile "$profile" --lib --target wasm32-unknown-unknown --no-default-features --features wasm
raw="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/$profile/mediahook.wasm"
rm -rf "$PKG_DIR" && mkdir -p "$PKG_DIR"
for target in nodejs web; do
  out="$PKG_DIR/wasm-$target"
  wasm-bindgen --target "$target" --out-dir "$out" --out-name mediahook --no-typescript "$raw"
  # Only stripped: binaryen's -Oz makes this module larger once gzipped (117.6 vs 113.1 KB) and
  # no faster (docs/benchmarks.md).
  wasm-opt --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$out/mediahook_bg.wasm" "$out/mediahook_bg.wasm"
done
MEDIAHOOK_PKG_DIR="$PKG_DIR" node scripts/build-pkg.mjs
if $pkg_only; then
  size_line "pkg (npm) .wasm" "$PKG_DIR/wasm-web/mediahook_bg.wasm"
  exit 0
fi
rm -rf www/wasm && mkdir -p www/wasm && cp pkg/wasm-web/* www/wasm/ && cp pkg/api.mjs pkg/explain.mjs pkg/facts.mjs www/wasm/

# --- the worker -------------------------------------------------------------------------------
say "building the worker (worker-build, release)"
# --no-opt: worker-build's wasm-opt -Oz makes the module larger once gzipped (346 vs 328 KB);
# the names section goes below (panics still say what failed through their messages).
worker-build --release --no-opt --out-dir dist/worker --no-default-features --features worker >&2
wasm-opt --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-exception-handling \
  -o dist/worker/index_bg.wasm dist/worker/index_bg.wasm

say "sizes"
size_line "pkg (npm) .wasm" pkg/wasm-web/mediahook_bg.wasm
size_line "worker .wasm" "$(ls dist/worker/*.wasm | head -1)"

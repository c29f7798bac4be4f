#!/usr/bin/env bash
# Formatting and lints, as CI runs them (the test command runs this first):
#   rustfmt (the crate and the fuzz targets), clippy with -D warnings (native, every target;
#   and the wasm32 code behind the wasm and worker features), rustdoc with -D warnings, and
#   Biome (format + lint) for every .mjs/.js/.cjs/.ts we write (generated files excluded in
#   biome.json). `npm run lint -- --fix` applies the formatters' changes instead of checking.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
load_env
cd "$ROOT"
started=$(date +%s)
# Debian's rustc-web ships no rustfmt or clippy: lint with rustup's toolchain when the build
# toolchain is Debian's (the lints do not depend on which compiler builds the release).
if ! cargo clippy -V >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
  unset RUSTC RUSTDOC
fi
cargo clippy -V >/dev/null 2>&1 && cargo fmt --version >/dev/null 2>&1 \
  || die "rustfmt and clippy are needed for the lint step (rustup component add rustfmt clippy)"
wasm_target=$(rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null || true)
if [ "${1:-}" = "--fix" ]; then
  cargo fmt
  cargo fmt --manifest-path fuzz/Cargo.toml
  biome check --write --colors=off .
  exit 0
fi
say "lint: rustfmt"
cargo fmt --check
cargo fmt --manifest-path fuzz/Cargo.toml --check
say "lint: clippy (native, all targets)"
cargo clippy --locked -q --all-targets -- -D warnings
if [ -n "$wasm_target" ] && ls "$wasm_target"/libcore-* >/dev/null 2>&1; then
  say "lint: clippy (wasm32, npm and worker code)"
  cargo clippy --locked -q --lib --target wasm32-unknown-unknown --no-default-features --features wasm,worker -- -D warnings
else
  say "lint: clippy for wasm32 skipped: this toolchain has no wasm32 std (only Debian's rustc-web does here)"
fi
say "lint: rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --locked -q --no-deps --features wasm
say "lint: Biome (JS/TS format and lint)"
biome ci --colors=off .
say "lint passed in $(( $(date +%s) - started )) s"

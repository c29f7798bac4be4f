#!/usr/bin/env bash
# Make this machine able to build and test mediahook. Idempotent and quick when all is there.
#   scripts/setup.sh            toolchain, wasm-bindgen, worker-build, npm packages
#   scripts/setup.sh --browser  also Debian's chromium (for the browser tests)
# MEDIAHOOK_TOOLCHAIN=rustup|debian forces one way to the wasm32 target (default: rustup if it can).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_browser=false
debian_only=false
case "${1:-}" in
  --browser) want_browser=true ;;
  --debian-only) debian_only=true ;;   # the test suite's second pass: leave env.sh as chosen
esac
mkdir -p "$MEDIAHOOK_HOME/tools"

apt_install() {
  command -v apt-get >/dev/null || die "missing $*: install them with your package manager (no apt-get here)"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  say "installing Debian packages: $*"
  if [ ! -f "$MEDIAHOOK_HOME/.apt-updated" ] || [ -n "$(find "$MEDIAHOOK_HOME/.apt-updated" -mmin +1440)" ]; then
    $sudo apt-get update -qq || die "apt-get update failed"
    touch "$MEDIAHOOK_HOME/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

# --- Node.js -----------------------------------------------------------------------------
command -v node >/dev/null || die "missing Node.js (>= 20.3): install it first"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=3)?0:1)' \
  || die "Node.js $(node --version) is too old: mediahook needs >= 20.3"

# --- A Rust that targets wasm32-unknown-unknown --------------------------------------------
use_rustup() {
  command -v rustup >/dev/null || return 1
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && return 0
  say "adding the wasm32-unknown-unknown target with rustup"
  timeout 180 rustup target add wasm32-unknown-unknown >&2 2>/dev/null || return 1
}

# /usr/bin/rust-lld (from rust-web-llvm) is a symlink to a versioned lld (lld-22 today) that
# rust-web-llvm does not depend on, and Debian's plain `lld` is another LLVM: install the
# package named after the link's target, then prove the linker runs.
ensure_rust_lld() {
  [ -L /usr/bin/rust-lld ] || [ -x /usr/bin/rust-lld ] || die "rust-web-llvm did not install /usr/bin/rust-lld"
  if ! /usr/bin/rust-lld -flavor wasm --version >/dev/null 2>&1; then
    local target pkg
    target="$(readlink /usr/bin/rust-lld)"
    pkg="$(basename "$target")"                       # e.g. lld-22
    case "$pkg" in lld-[0-9]*) ;; *) die "/usr/bin/rust-lld points at '$target': cannot tell which package provides it" ;; esac
    apt_install "$pkg"
  fi
  /usr/bin/rust-lld -flavor wasm --version >/dev/null 2>&1 \
    || die "/usr/bin/rust-lld does not run (it points at '$(readlink -f /usr/bin/rust-lld)'): install the lld package of that LLVM version"
}

use_debian() {
  # Debian's rustc-web knows wasm32 but ships no std for it: build std once into a sysroot.
  local pkgs=()
  [ -x /usr/bin/rustc ] && /usr/bin/rustc --version 2>/dev/null | grep -q . || pkgs+=(rustc-web cargo-web)
  [ -d /usr/lib/rustlib/src/rust/library ] || pkgs+=(rust-web-src)
  [ -L /usr/bin/rust-lld ] || [ -x /usr/bin/rust-lld ] || pkgs+=(rust-web-llvm)
  [ ${#pkgs[@]} -eq 0 ] || apt_install "${pkgs[@]}"
  ensure_rust_lld
  [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] || die "Debian's rustc-web/cargo-web did not install /usr/bin/rustc and /usr/bin/cargo"
  local ver sysroot bin
  ver="$(/usr/bin/rustc --version | awk '{print $2}')"
  sysroot="$MEDIAHOOK_HOME/sysroot-$ver"
  bin="$MEDIAHOOK_HOME/toolchain-bin"
  if [ ! -f "$sysroot/.complete" ]; then
    say "building std for wasm32 from source into $sysroot (once, ~1 min)"
    local tmp; tmp="$(mktemp -d)"
    mkdir -p "$tmp/src"
    printf '[package]\nname = "sysroot-seed"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n' > "$tmp/Cargo.toml"
    echo '#![no_std]' > "$tmp/src/lib.rs"
    (cd "$tmp" && RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTFLAGS="-Cembed-bitcode=yes" \
      /usr/bin/cargo build -q --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,test) \
      || die "building std for wasm32 failed (is rust-web-src installed?)"
    rm -rf "$sysroot"
    mkdir -p "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib"
    cp "$tmp"/target/wasm32-unknown-unknown/release/deps/*.rlib "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib/"
    for d in /usr/lib/rustlib/*; do ln -sfn "$d" "$sysroot/lib/rustlib/$(basename "$d")"; done
    rm -rf "$tmp"
    touch "$sysroot/.complete"
  fi
  mkdir -p "$bin"
  for tool in rustc rustdoc; do
    printf '#!/bin/sh\nexec /usr/bin/%s --sysroot="%s" "$@"\n' "$tool" "$sysroot" > "$bin/$tool"
    chmod +x "$bin/$tool"
  done
  ln -sfn /usr/bin/cargo "$bin/cargo"
  printf 'export PATH="%s:$PATH"\nexport RUSTC="%s/rustc" RUSTDOC="%s/rustdoc"\nexport MEDIAHOOK_TOOLCHAIN_KIND=debian\n' \
    "$bin" "$bin" "$bin" > "$MEDIAHOOK_HOME/env-debian.sh"
}

if $debian_only; then
  use_debian
  say "Debian toolchain ready: $(. "$MEDIAHOOK_HOME/env-debian.sh" && rustc --version)"
  exit 0
fi
case "${MEDIAHOOK_TOOLCHAIN:-auto}" in
  rustup) use_rustup || die "rustup could not add the wasm32-unknown-unknown target";
          echo 'export MEDIAHOOK_TOOLCHAIN_KIND=rustup' > "$MEDIAHOOK_HOME/env.sh" ;;
  debian) use_debian; cp "$MEDIAHOOK_HOME/env-debian.sh" "$MEDIAHOOK_HOME/env.sh" ;;
  auto)   if use_rustup; then echo 'export MEDIAHOOK_TOOLCHAIN_KIND=rustup' > "$MEDIAHOOK_HOME/env.sh"
          else say "rustup cannot add wasm32 here: using Debian's rustc-web"; use_debian
               cp "$MEDIAHOOK_HOME/env-debian.sh" "$MEDIAHOOK_HOME/env.sh"; fi ;;
  *) die "MEDIAHOOK_TOOLCHAIN must be rustup, debian or auto" ;;
esac
. "$MEDIAHOOK_HOME/env.sh"
command -v cargo >/dev/null || die "missing cargo"
say "Rust: $(rustc --version) via ${MEDIAHOOK_TOOLCHAIN_KIND}"

# --- CLI tools pinned to the project's versions ---------------------------------------------
install_crate() { # name version executable
  local root="$MEDIAHOOK_HOME/tools/$1-$2"
  if [ -x "$root/bin/$3" ] && "$root/bin/$3" --version 2>/dev/null | grep -q "$2"; then return 0; fi
  say "installing $1 $2 from crates.io (once, a few minutes)"
  cargo install -q "$1" --version "$2" --root "$root" --force >&2 || die "cargo install $1 $2 failed"
}
WBG="$(wasm_bindgen_version)"
[ -n "$WBG" ] || die "no wasm-bindgen version in Cargo.lock"
install_crate wasm-bindgen-cli "$WBG" wasm-bindgen
install_crate worker-build "$WORKER_BUILD_VERSION" worker-build

# --- npm packages (wrangler/workerd, binaryen's wasm-opt, esbuild, playwright-core, tsc) -----
lock_hash="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$ROOT/node_modules/.mediahook-lock" 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed"
  echo "$lock_hash" > "$ROOT/node_modules/.mediahook-lock"
fi
for b in wrangler wasm-opt esbuild; do
  [ -x "$ROOT/node_modules/.bin/$b" ] || die "missing node_modules/.bin/$b after npm ci"
done

# --- Native tools shipped as npm platform packages: Biome (JS/TS format and lint), and Deno and
# Bun for the package's runtime suites. Each is one binary in a per-platform package, installed
# by itself (a lockfile naming every platform's package breaks npm ci where a registry mirror
# holds only some of them).
install_npm_binary() { # name version package binary-path-inside-package
  local root="$MEDIAHOOK_HOME/tools/$1-$2"
  if "$root/$1" --version 2>/dev/null | grep -q "$2"; then return 0; fi
  say "installing $1 $2 ($3) from npm"
  rm -rf "$root" && mkdir -p "$root"
  npm install --prefix "$root" --no-save --no-audit --no-fund --loglevel=error "$3@$2" >&2 \
    || die "npm could not install $3@$2"
  ln -sfn "$root/node_modules/$3/$4" "$root/$1"
  chmod +x "$root/node_modules/$3/$4"
  "$root/$1" --version >/dev/null 2>&1 || die "$1 $2 does not run on this machine"
}
platform="$(node -p 'process.platform + "-" + process.arch')"   # e.g. linux-x64, darwin-arm64
case "$platform" in
  linux-x64)   deno_pkg=@deno/linux-x64-glibc;   bun_pkg=@oven/bun-linux-x64 ;;
  linux-arm64) deno_pkg=@deno/linux-arm64-glibc; bun_pkg=@oven/bun-linux-aarch64 ;;
  darwin-arm64) deno_pkg=@deno/darwin-arm64;     bun_pkg=@oven/bun-darwin-aarch64 ;;
  darwin-x64)  deno_pkg=@deno/darwin-x64;        bun_pkg=@oven/bun-darwin-x64 ;;
  *) die "no Deno/Bun/Biome packages known for $platform" ;;
esac
install_npm_binary biome "$BIOME_VERSION" "@biomejs/cli-$platform" biome
install_npm_binary deno "$DENO_VERSION" "$deno_pkg" deno
install_npm_binary bun "$BUN_VERSION" "$bun_pkg" bin/bun
bundlers_root="$MEDIAHOOK_HOME/tools/bundlers-$(printf '%s' "$BUNDLERS" | sha256sum | cut -c1-12)"
if [ ! -f "$bundlers_root/.complete" ]; then
  say "installing the bundlers for the package tests: $BUNDLERS"
  rm -rf "$bundlers_root" && mkdir -p "$bundlers_root"
  # shellcheck disable=SC2086
  npm install --prefix "$bundlers_root" --no-save --no-audit --no-fund --loglevel=error $BUNDLERS >&2 \
    || die "npm could not install $BUNDLERS"
  for b in vite webpack esbuild; do "$bundlers_root/node_modules/.bin/$b" --version >/dev/null || die "$b does not run"; done
  touch "$bundlers_root/.complete"
fi

# --- Chromium for the browser tests ------------------------------------------------------------
if $want_browser && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
  [ -x /usr/bin/chromium ] || die "Debian's chromium did not install /usr/bin/chromium"
fi
say "set-up complete"

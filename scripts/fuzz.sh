#!/usr/bin/env bash
# Fuzz the core with cargo-fuzz (libFuzzer, nightly Rust): every target in fuzz/fuzz_targets for
# SECONDS each (default 120), growing fuzz/corpus/<target> from fuzz/seeds/<target>; then
# minimise the corpus. Crashes land in fuzz/artifacts/<target>/; copy the input to
# fuzz/regressions/<target>/ once fixed, so tests/fuzz_corpus.rs replays it in `npm test`.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
seconds="${1:-120}"; shift || true
cd "$ROOT/fuzz"

rustup toolchain list | grep -q '^nightly' || die "cargo fuzz needs a nightly toolchain: rustup toolchain install nightly"
fuzz_bin="$MEDIAHOOK_HOME/tools/cargo-fuzz/bin"
if [ ! -x "$fuzz_bin/cargo-fuzz" ]; then
  say "installing cargo-fuzz into $fuzz_bin"
  cargo install cargo-fuzz --locked --root "$MEDIAHOOK_HOME/tools/cargo-fuzz"
fi
export PATH="$fuzz_bin:$PATH"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
summary=()
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "seeds/$t"
  say "fuzzing $t for ${seconds} s"
  log="$(mktemp)"
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -max_len=8192 \
    -print_final_stats=1 2>&1 | tee "$log" | grep -E 'DONE|Done|ERROR|panicked|SUMMARY' || true
  runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')"
  grep -q 'ERROR: libFuzzer' "$log" && die "$t found a failure: see fuzz/artifacts/$t and $log"
  cargo +nightly fuzz cmin "$t" "corpus/$t" >/dev/null 2>&1 || true
  summary+=("$t: $runs executions, $(ls "corpus/$t" | wc -l) corpus inputs")
  rm -f "$log"
done
printf '%s\n' "${summary[@]}"

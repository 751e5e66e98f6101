#!/usr/bin/env bash
# Smoke-run every cargo-fuzz target for a short time; fails if any target crashes.
#
#   scripts/fuzz-smoke.sh                  # 20 s per target
#   FUZZ_SECONDS=240 scripts/fuzz-smoke.sh # longer
#   FUZZ_TARGETS="cose_parse license_cbor" scripts/fuzz-smoke.sh
#
# Needs the nightly toolchain (rustup) and installs cargo-fuzz from crates.io when missing. Crash
# inputs are kept in fuzz/artifacts/<target>/; see docs/FUZZING.md for reproducing them.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-20}
case $seconds in '' | *[!0-9]*) echo "FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2 ;; esac

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "== installing the nightly toolchain (cargo-fuzz needs it)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

echo "== seeding corpora from fixtures/"
fuzz/seed-corpus.sh

echo "== building the fuzz targets"
cargo +nightly fuzz build

targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}
failed=()
for t in $targets; do
  echo "== fuzzing $t for ${seconds}s"
  if ! cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" -print_final_stats=1; then
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz-smoke: FAILED: ${failed[*]} (crash inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz-smoke: all targets ran ${seconds}s without a crash"

#!/usr/bin/env bash
# All the tests, on a fresh machine: installs what they need, then checks formatting, lints, runs
# every test (unit, property, fixtures, pycose and OpenSSL interoperability, CLI), builds the
# WebAssembly verifier and runs its Node.js and real-browser tests, and a short fuzzing smoke run
# of every cargo-fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== System tools for the interoperability tests (openssl)"
if ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq openssl
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq openssl
  fi
fi

echo "== Python packages for the interoperability test (.venv)"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r fixtures/interop/requirements.txt
export ELICENSE_PYTHON="$PWD/.venv/bin/python"

echo "== Rust components"
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo doc (core, broken links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc -p elicense-core --no-deps --locked

echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"

echo "== WebAssembly verifier: build, Node.js and browser tests"
bash scripts/build-wasm.sh --test 2>&1 | tee -a "$log"

# Totals over cargo's "test result:" lines and node's "# pass N" / "# fail N" lines.
totals=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^# pass [0-9]+$/ { p += $3 } /^# fail [0-9]+$/ { f += $3 }
     END { printf "tests: %d passed, %d failed", p, f; if (p == 0 || f > 0) exit 1 }' "$log") || {
  echo "$totals"
  exit 1
}

echo "== fuzz smoke (every cargo-fuzz target, ${FUZZ_SECONDS:-10} s each)"
FUZZ_SECONDS=${FUZZ_SECONDS:-10} bash scripts/fuzz-smoke.sh

# One closing line with the totals over every test binary (cargo's own last line is often a
# crate with no doctests, "0 passed").
echo "$totals"

#!/usr/bin/env bash
# Issue 18's photo benchmark: generate the degraded-photo corpus from the committed QR codes,
# decode it with our decoder (core's `qr_photos` example), zxing-cpp and zbar, and print the
# success rate per kind of degradation and the decode times. Asserts nothing (docs/BENCHMARKS.md).
#
#   scripts/qr-photos.sh [OUT_DIR]        (default target/qr-photos)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/qr-photos}
venv=target/qr-photos-venv
if ! command -v zbarimg >/dev/null 2>&1 && [ ! -e /usr/lib/x86_64-linux-gnu/libzbar.so.0 ]; then
  apt-get update -qq && apt-get install -y -qq libzbar0
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/qr-photos/requirements.txt
[ -f "$out/manifest.tsv" ] || "$venv/bin/python" scripts/qr-photos/generate.py "$out"
cargo run --release --quiet -p elicense-core --example qr_photos -- "$out/manifest.tsv" > "$out/ours.tsv"
"$venv/bin/python" scripts/qr-photos/bench.py "$out" "$out/ours.tsv"

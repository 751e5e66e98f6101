#!/usr/bin/env bash
# Issue 19's size benchmark of format version 2, measured with the core: every license of the
# corpus's measuring half built by the core's template, signed as version 1, HCERT-style and
# version 2, a typical presentation made, each verified, and their QR versions at level M
# (core/examples/sizes_v2.rs; docs/BENCHMARKS.md, "Format version 2 sizes"). Writes the report to
# fixtures/sizes-v2.md (or OUT) and fails when a target of issue 19 is missed.
#
#   scripts/sizes-v2.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-fixtures/sizes-v2.md}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
status=0
cargo run --release --quiet -p elicense-core --example sizes_v2 -- fixtures/corpus/measure.jsonl > "$tmp" || status=$?
# Status 1: the report is written and a target is missed; anything else: no report.
[ "$status" -le 1 ] || exit "$status"
mv "$tmp" "$out"
cat "$out"
exit "$status"

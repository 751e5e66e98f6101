#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seeds from the committed fixtures (fixtures/licenses and
# fixtures/invalid). Idempotent: seeds are copied under fixed names (seed-*), overwriting earlier
# copies; inputs libFuzzer added to the corpus are left alone. The corpora are not committed
# (fuzz/.gitignore), so run this after a fresh clone; scripts/fuzz-smoke.sh does.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../fixtures

seed() { # seed <target> <file>...
  local target=$1
  shift
  mkdir -p "corpus/$target"
  local f
  for f in "$@"; do
    [ -f "$f" ] || { echo "seed-corpus.sh: missing fixture $f" >&2; exit 1; }
    cp -f "$f" "corpus/$target/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
  done
}

texts=("$fixtures"/licenses/*.qr.txt "$fixtures"/licenses/*.url.txt "$fixtures"/invalid/*.txt)
cose=("$fixtures"/licenses/*.cose)
payloads=("$fixtures"/licenses/*.payload.cbor)

seed transport_decode "${texts[@]}"
seed verify_text "${texts[@]}"
seed cose_parse "${cose[@]}"
seed verify_bytes "${cose[@]}"
seed license_cbor "${payloads[@]}"
# roundtrip_license reads structured input (arbitrary::Unstructured), not a fixture format. Its
# seeds are a few hand-made inputs (see license() in fuzz_targets/roundtrip_license.rs: the field
# count comes first, then per field key length, key letter, value kind, ...) that make licenses
# too large for an uncompressed transport text or for the payload limit, which libFuzzer, starting
# from inputs of a few bytes, reaches only slowly.
mkdir -p corpus/roundtrip_license
rt_seed() { # rt_seed <name> <count> <hex bytes of one field>
  local name=$1 count=$2 field=$3 i out
  out=$(printf '\\x%02x' "$count")
  for ((i = 0; i < count; i++)); do out+=$field; done
  printf "$out" > "corpus/roundtrip_license/seed-$name"
}
# Byte-string fields of 4095 bytes (0xa5): kind 3, length 0x0fff, no pattern bytes.
rt_seed big-bytes-fields 3 '\x00\x00\x03\x0f\xff\x00'
rt_seed payload-too-large 5 '\x00\x00\x03\x0f\xff\x00'
# Text fields of one piece repeated to the 1024-byte limit: kind 0, text mode 6, piece 0, not over.
rt_seed big-text-fields 8 '\x00\x00\x00\x06\x00\x02'

for d in corpus/*/; do
  printf '%-20s %s files\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done

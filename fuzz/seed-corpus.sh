#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seeds from the committed fixtures (fixtures/licenses,
# fixtures/invalid, fixtures/trust and fixtures/attachments) and fuzz/seeds/. Idempotent: seeds are copied under fixed names (seed-*), overwriting earlier
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

# Targets whose first input byte selects a mode (see each target's header comment): seeds are
# the mode byte followed by a fixture file, or by the payload of a signed fixture.
seed_mode() { # seed_mode <target> <mode 0-255> <name> <file>: mode byte + file
  local target=$1 mode=$2 name=$3 file=$4
  [ -f "$file" ] || { echo "seed-corpus.sh: missing fixture $file" >&2; exit 1; }
  mkdir -p "corpus/$target"
  { printf "\\x$(printf %02x "$mode")"; cat "$file"; } > "corpus/$target/seed-$mode-$name"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The payload of a COSE_Sign1 (tag 18, four items, the third a byte string) and a PEM
# certificate's DER, with python3's standard library only.
cose_payload() { # cose_payload <signed file> <out file>
  python3 - "$1" "$2" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
pos = 0
def head():
    global pos
    b = data[pos]; pos += 1
    major, info = b >> 5, b & 31
    if info < 24:
        return major, info
    n = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    value = int.from_bytes(data[pos:pos + n], "big"); pos += n
    return major, value
assert head() == (6, 18) and head() == (4, 4)
for item in range(3):
    major, n = head()
    if major == 2:
        chunk = data[pos:pos + n]; pos += n
    if item == 2:
        open(sys.argv[2], "wb").write(chunk)
PY
}
pem_der() { # pem_der <pem file> <out file>
  python3 -c 'import base64, sys; t = open(sys.argv[1]).read().split("-----")[2]; open(sys.argv[2], "wb").write(base64.b64decode("".join(t.split())))' "$1" "$2"
}

for f in "$fixtures"/trust/lists/*.cose; do
  n=$(basename "$f" .cose)
  cose_payload "$f" "$tmp/$n.payload"
  seed_mode trust_list 0 "$n" "$f"
  seed_mode trust_list 1 "$n" "$tmp/$n.payload"
  seed_mode trust_list 2 "$n" "$tmp/$n.payload"
done
status=$fixtures/trust/status/fuzhou-amr.cose
cose_payload "$status" "$tmp/status.payload"
seed_mode status_list 0 fuzhou-amr "$status"
seed_mode status_list 1 fuzhou-amr "$tmp/status.payload"
seed_mode status_list 2 fuzhou-amr "$tmp/status.payload"
for f in "$fixtures"/trust/roots/*.pem "$fixtures"/trust/departments/*.pem; do
  n=$(basename "$f" .cert.pem)
  pem_der "$f" "$tmp/$n.der"
  seed_mode x509_certificate 0 "$n.pem" "$f"
  seed_mode x509_certificate 0 "$n.der" "$tmp/$n.der"
  seed_mode x509_certificate 1 "$n.der" "$tmp/$n.der"
done
elatt=$fixtures/attestations/floor-plan.pdf.elatt
cose_payload "$elatt" "$tmp/attestation.payload"
seed_mode attestation 0 floor-plan "$tmp/attestation.payload"
seed_mode attestation 1 floor-plan "$elatt"
seed_mode attestation 1 business-license "$fixtures/licenses/business-license.cose"
seed_mode attestation 2 floor-plan-stamp "$fixtures/attestations/floor-plan.pdf.stamp.txt"
seed_mode attestation 3 floor-plan "$tmp/attestation.payload"
# qr_image reads no fixture file: mode 2 decodes QR images of fixture texts that the target
# renders at start-up, picked by the second byte and then noised by pairs of bytes. Seeds: each
# image clean, and with a few inverted pixels; a raw white frame and a raw RGBA frame (modes 0
# and 1) of the largest size.
mkdir -p corpus/qr_image
for i in $(seq 0 8); do
  printf "\\x02\\x$(printf %02x "$i")" > "corpus/qr_image/seed-2-image-$i"
  printf "\\x02\\x$(printf %02x "$i")\\x00\\x90\\x01\\x21\\x02\\x40" > "corpus/qr_image/seed-2-image-$i-noisy"
done
printf '\x00\x2f\x2f\xff' > corpus/qr_image/seed-0-white
printf '\x01\x2f\x2f\xff\xff\xff\xff\x00\x00\x00\xff' > corpus/qr_image/seed-1-stripes

# The log targets read the checkpoint and proof file of docs/LOG.md's worked example (§7), and
# hand-made tile paths and sizes.
mkdir -p corpus/log_note corpus/log_proof corpus/log_tile
example() { # the lines of LOG.md's worked example from the line after $1 up to the line before $2
  awk -v a="$1" -v b="$2" '$0 == b {p = 0} p {print} $0 == a {p = 1}' ../docs/LOG.md
}
{ printf '\x00'; example "checkpoint (signed note):" "proof file (c2sp.org/tlog-proof@v1):"; } > corpus/log_note/seed-0-checkpoint
{ printf '\x02'; example "checkpoint (signed note):" ""; } > corpus/log_note/seed-2-text
{ printf '\x00'; example "proof file (c2sp.org/tlog-proof@v1):" '```'; } > corpus/log_proof/seed-0-proof
{ printf '\x03'; example "proof file (c2sp.org/tlog-proof@v1):" '```'; } > corpus/log_proof/seed-3-proof
printf '\x02\x07\x05\x01abc' > corpus/log_proof/seed-2-tree
printf '\x00tile/0/x001/x234/067' > corpus/log_tile/seed-0-full
printf '\x00tile/2/005.p/17' > corpus/log_tile/seed-0-partial
printf '\x02\x00\x00\x00\x00\x00\x01\x11\x70' > corpus/log_tile/seed-2-70000

# Committed seeds made by the test suite (fuzz/seeds/<target>/): the `presentation` target's
# version-2 holder's copies, presentations and plain licenses, as wire bytes and EL2Z texts,
# written by fixtures/tests/fuzz_seeds.rs (which checks they are current).
for d in seeds/*/; do
  t=$(basename "$d")
  mkdir -p "corpus/$t"
  cp -f "$d"* "corpus/$t/"
done

# Every input that once crashed a target (fuzz/regressions/<target>/, committed) is replayed
# first on each run, so a fixed crash stays fixed.
for d in regressions/*/; do
  t=$(basename "$d")
  mkdir -p "corpus/$t"
  cp "$d"* "corpus/$t/"
done

for d in corpus/*/; do
  printf '%-20s %s files\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done

#!/usr/bin/env bash
# The issuance log at scale (docs/BENCHMARKS.md, "The issuance log at scale"; issue 20): builds a
# department registry of LOG_SCALE_ENTRIES (default 1 000 000) real licenses through the real
# `elicense` binary (`issue --batch` of LOG_SCALE_BATCH rows at a time, `--formats txt`), so
# every log entry and tile hash is the one the CLI writes, and prints:
#
#   1. end-to-end batch issuance (reserve, sign, commit rows with their log entries, write
#      files) at each size: licenses a second, for the first batch, every tenth and the last;
#   2. the bare log append path (`workdir::log::append`, as `Registry::finish` calls it in the
#      issuing transaction): the registry's last entries (and the tile hashes they complete)
#      are deleted from a copy, which is marked schema version 2, so that the next command's
#      migration (`Registry::open` → `log_unlogged`) appends them again through the real code
#      in one transaction; minus the same command on a copy with nothing to append. Done for
#      the first tenth of the log (appends from 0) and for its last tenth;
#   3. wall time and maximum resident set size (`/usr/bin/time`, as `-v` reports it) of
#      `log publish`, `log witness` (following the log from the checkpoint it cosigned at a
#      tenth of the size), `log prove`, `verify --proof` and `log audit --published` at the
#      full size, and the published folder's size.
#
# Not a test and not run in CI: it takes about 10 minutes and 2 GB of disk for 10^6 entries on
# this project's 2-core machine. Usage:
#
#   scripts/log-scale.sh                          # 10^6 entries, in target/log-scale
#   LOG_SCALE_ENTRIES=100000 scripts/log-scale.sh # a quicker look
#
# License files go to LOG_SCALE_TMP (default /dev/shm if it exists) and are deleted after each
# batch: the registry, on disk, is what is measured. Keep LOG_SCALE_ENTRIES a multiple of ten
# batches.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_OF_REPO=$PWD

ENTRIES=${LOG_SCALE_ENTRIES:-1000000}
BATCH=${LOG_SCALE_BATCH:-10000}
WORK=${LOG_SCALE_DIR:-$ROOT_OF_REPO/target/log-scale}
if [ -z "${LOG_SCALE_TMP:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then LOG_SCALE_TMP=/dev/shm; else LOG_SCALE_TMP=$WORK; fi
fi
BATCHES=$((ENTRIES / BATCH))
TENTH=$((BATCHES / 10))
if [ $((BATCHES * BATCH)) -ne "$ENTRIES" ] || [ "$TENTH" -lt 1 ] || [ $((TENTH * 10)) -ne "$BATCHES" ]; then
  echo "LOG_SCALE_ENTRIES must be a multiple of 10 × LOG_SCALE_BATCH" >&2
  exit 2
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3 (its sqlite3 module)" >&2; exit 2; }

echo "== building the release binary"
nice -n 10 cargo build --release -q -p elicense-cli
BIN=$ROOT_OF_REPO/target/release/elicense

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
OUT=$(mktemp -d "$LOG_SCALE_TMP/elicense-log-scale.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
echo "scale-test" > pass.txt

el() { "$BIN" "$@"; }

# measure CMD...: runs CMD under /usr/bin/time; sets CODE (its exit status), WALL (seconds, from
# the shell's clock) and RSS (the maximum resident set size in KiB, `-v`'s figure).
measure() {
  local start=$EPOCHREALTIME
  CODE=0
  /usr/bin/time -f '%M' -o time.txt "$@" > cmd.out 2>&1 || CODE=$?
  WALL=$(printf '%.3f' "$(echo "$EPOCHREALTIME - $start" | bc -l)")
  RSS=$(tail -n 1 time.txt)
}

# timed LABEL CMD...: measure, and stop with its output if it fails.
timed() {
  local label=$1
  shift
  measure "$@"
  if [ "$CODE" -ne 0 ]; then
    echo "$label failed ($CODE):" >&2
    cat cmd.out >&2
    exit 1
  fi
}

# Fold the WAL into the registry file (no process holds it) before copying it.
fold() {
  python3 - "$1/registry.sqlite" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.close()
EOF
}

echo "== setting up a root and a department (TEST passphrase)"
el init root --dir root --name 测试根CA --org-code 11350000MB0000001W --passphrase-file pass.txt >/dev/null
el init department --root root/root.cert.pem --dir dept --name 测试局 \
  --org-code 11350100MB0312345H --passphrase-file pass.txt >/dev/null
el cert issue --root-dir root --csr dept/request.csr.pem --types YYZZ \
  --out dept/certificate.pem --passphrase-file pass.txt >/dev/null
# The list names the department's log with the root as its witness, quorum 1 (docs/LOG.md §9).
el trust build --root-dir root --cert dept/certificate.pem --log-witness root/root.cert.pem \
  --log-quorum 1 --out list.cose --passphrase-file pass.txt >/dev/null

batch_csv() {
  python3 - "$1" "$BATCH" > batch.csv <<'EOF'
import sys
b, n = int(sys.argv[1]), int(sys.argv[2])
print("holder_name,holder_id,company_type,legal_representative,registered_capital,"
      "established_on,address,business_scope")
for i in range(n):
    print(f"测试公司{b}-{i}号,91350100MA8T2Q3X18,有限责任公司,张三,壹佰万元整,2019-05-20,"
          f"福建省福州市鼓楼区五四路{i}号,软件开发；信息技术咨询服务")
EOF
}

echo
echo "== 1. end-to-end: elicense issue --batch ($BATCH rows, --formats txt, both cores)"
echo "   (each tenth of the log: the median and the slowest of its $TENTH batches)"
printf '%-24s %16s %16s %12s\n' "log size before" "median lic/s" "slowest lic/s" "max RSS (MB)"
: > batches.txt
for b in $(seq 1 "$BATCHES"); do
  batch_csv "$b"
  before=$(((b - 1) * BATCH))
  timed "issue batch $b" "$BIN" issue --dir dept --type YYZZ --batch batch.csv --out "$OUT/out" \
    --formats txt --passphrase-file pass.txt
  rm -rf "$OUT/out"
  echo "$before $WALL $RSS" >> batches.txt
  if [ $((b % TENTH)) -eq 0 ]; then
    tail -n "$TENTH" batches.txt | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
walls = [float(r[1]) for r in rows]
batch = int(sys.argv[1])
print(f"{rows[0][0] + chr(8211) + str(int(rows[-1][0]) + batch):<24} {batch / statistics.median(walls):16.0f} "
      f"{batch / max(walls):16.0f} {max(int(r[2]) for r in rows) / 1024:12.1f}")' "$BATCH"
  fi
  if [ "$b" -eq "$TENTH" ]; then
    # A checkpoint at a tenth of the size, cosigned by the root as witness: the later
    # `log witness` follows the log from it.
    el log publish --dir dept --out pub --passphrase-file pass.txt >/dev/null
    el log witness --root-dir root --log pub --root root/root.cert.pem --trust list.cose \
      --out early.checkpoint --passphrase-file pass.txt >/dev/null
    el log cosigned --dir dept --checkpoint early.checkpoint >/dev/null
    fold dept
    cp -r dept dept-tenth
  fi
done
fold dept

# bare DIR KEEP: copies of DIR (a tenth-size or full registry) that log again their entries
# from KEEP on, and nothing; prints the append rate of the real code.
bare() {
  local dir=$1 keep=$2 size
  size=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM log_entries').fetchone()[0])" "$dir/registry.sqlite")
  local id
  id=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT doc_id FROM log_entries WHERE idx = 0').fetchone()[0])" "$dir/registry.sqlite")
  rm -rf bare-none bare-some
  cp -r "$dir" bare-none
  cp -r "$dir" bare-some
  python3 - bare-none/registry.sqlite bare-some/registry.sqlite "$keep" <<'EOF'
import sqlite3, sys
none, some, keep = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = sqlite3.connect(none)
c.execute("PRAGMA user_version = 2")
c.commit(); c.close()
c = sqlite3.connect(some)
c.execute("DELETE FROM log_entries WHERE idx >= ?", (keep,))
# A level-L hash covers leaves idx·256^L … (idx+1)·256^L − 1: keep only those below `keep`.
c.execute("DELETE FROM log_hashes WHERE ((idx + 1) << (8 * level)) > ?", (keep,))
c.execute("DELETE FROM log_checkpoints WHERE size > ?", (keep,))
c.execute("PRAGMA user_version = 2")
c.commit(); c.close()
EOF
  # Any command that opens the registry migrates it; `log prove` then does one small lookup.
  # With no checkpoint left (keep = 0) it ends with "not yet in a checkpoint" (exit 2), after
  # the migration's commit.
  timed "log prove (nothing to log)" "$BIN" log prove --dir bare-none --id "$id" --out p0
  local t_none=$WALL
  measure "$BIN" log prove --dir bare-some --id "$id" --out p1
  if [ "$CODE" -ne 0 ] && ! { [ "$keep" -eq 0 ] && grep -q "not yet in a checkpoint" cmd.out; }; then
    cat cmd.out >&2
    exit 1
  fi
  local t_some=$WALL
  local again
  again=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM log_entries').fetchone()[0])" bare-some/registry.sqlite)
  [ "$again" -eq "$size" ] || { echo "the migration logged $again entries, not $size" >&2; exit 1; }
  local n=$((size - keep))
  printf '%-28s %10s %10s %10s %14.0f\n' "$keep → $size" "$n" "$t_none" "$t_some" \
    "$(echo "$n / ($t_some - $t_none)" | bc -l)"
  rm -rf bare-none bare-some p0 p1
}

echo
echo "== 2. the bare log append path (log::append in one transaction, through Registry::open's migration)"
printf '%-28s %10s %10s %10s %14s\n' "entries appended" "count" "base (s)" "with (s)" "appends/s"
bare dept-tenth 0
bare dept $((ENTRIES - TENTH * BATCH))

echo
echo "== 3. the log's commands at $ENTRIES entries (wall time, max RSS)"
row() { printf '%-58s %10s %12.1f\n' "$1" "$WALL" "$(echo "$RSS / 1024" | bc -l)"; }
printf '%-58s %10s %12s\n' "command" "wall (s)" "max RSS (MB)"
timed publish "$BIN" log publish --dir dept --out pub --passphrase-file pass.txt
row "log publish (first publish of 90 % of it, after a tenth)"
timed witness "$BIN" log witness --root-dir root --log pub --root root/root.cert.pem \
  --trust list.cose --out full.checkpoint --passphrase-file pass.txt
row "log witness (from the checkpoint it cosigned at a tenth)"
el log cosigned --dir dept --checkpoint full.checkpoint >/dev/null
timed republish "$BIN" log publish --dir dept --out pub --passphrase-file pass.txt
row "log publish again (nothing new; checks every full tile)"
ID=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT doc_id FROM log_entries WHERE idx = ?', (int(sys.argv[2]),)).fetchone()[0])" dept/registry.sqlite $((ENTRIES / 2 + 123)))
timed prove "$BIN" log prove --dir dept --id "$ID" --out entry.tlog-proof
row "log prove (entry $((ENTRIES / 2 + 123)))"
LICENSE=$OUT/license.txt
python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT text FROM licenses WHERE id = ?', (sys.argv[2],)).fetchone()[0])" dept/registry.sqlite "$ID" > "$LICENSE"
timed verify "$BIN" verify --root root/root.cert.pem --trust list.cose --file "$LICENSE" \
  --proof entry.tlog-proof
grep -q "已登记在监察日志" cmd.out || { cat cmd.out >&2; exit 1; }
row "verify --proof (the list's witness quorum: 1)"
timed audit "$BIN" log audit --dir dept --published pub --old early.checkpoint
row "log audit --published --old (the tenth-size checkpoint)"

echo
echo "== sizes at $ENTRIES entries"
python3 - dept/registry.sqlite <<'EOF'
import os, sqlite3, sys
path = sys.argv[1]
c = sqlite3.connect(path)
n = c.execute("SELECT COUNT(*) FROM log_entries").fetchone()[0]
print(f"registry file: {os.path.getsize(path) / 1e6:.0f} MB ({n} entries)")
try:
    for name in ("log_entries", "sqlite_autoindex_log_entries_1", "log_hashes", "licenses"):
        b = c.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = ?", (name,)).fetchone()[0]
        print(f"  {name}: {b / 1e6:.1f} MB, {b / n:.0f} B an entry")
except sqlite3.OperationalError:
    print("  (this sqlite3 has no dbstat table: per-table sizes not shown)")
EOF
printf 'published folder: hash tiles %s MB, entry bundles %s MB, %s files\n' \
  "$(du -sb --exclude=entries pub/tile | awk '{printf "%.1f", $1 / 1e6}')" \
  "$(du -sb pub/tile/entries | awk '{printf "%.1f", $1 / 1e6}')" \
  "$(find pub -type f | wc -l)"
printf 'proof file: %s bytes (%s hashes, one cosignature)\n' "$(wc -c < entry.tlog-proof)" \
  "$(awk 'NR > 3 && /^$/ {exit} NR > 3' entry.tlog-proof | wc -l)"

//! A department's issuance log (`docs/LOG.md`), kept in the registry's SQLite file so that an
//! entry is committed in the same transaction that marks its license issued: a license is
//! handed out only from committed rows, so never before its entry is durable, and no committed
//! row lacks its entry (`Registry::finish`).
//!
//! Tables: `log_entries` (index, document identifier, entry CBOR, leaf hash), `log_hashes`
//! (the hashes of complete subtrees at tile heights 8, 16, …, written when a tile fills up: the
//! level-`L` tiles of `c2sp.org/tlog-tiles`), `log_checkpoints` (each checkpoint signed, by
//! size). Entries are never updated or deleted.

use elicense::tlog::{self, Hash};
use elicense::{
    Checkpoint, ContentType, LogEntry, NodeSource, Note, OrgCode, SigningKey, TextVersion,
    TileHeights, Wire,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::CliError;

/// Tables of the log (schema version 3 of the registry).
pub const LOG_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS log_entries (
    idx    INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    entry  BLOB NOT NULL,
    leaf   BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS log_hashes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);
CREATE TABLE IF NOT EXISTS log_checkpoints (
    size INTEGER PRIMARY KEY,
    root BLOB NOT NULL,
    note TEXT NOT NULL
);
";

fn err(e: rusqlite::Error) -> CliError {
    CliError::Registry(e)
}

fn to_hash(v: Vec<u8>) -> Result<Hash, CliError> {
    v.try_into()
        .map_err(|_| CliError::Internal("a stored log hash is not 32 bytes".into()))
}

/// Entries in the log: one more than the largest index (indexes are dense from 0; reading the
/// largest key is a B-tree lookup, where `COUNT(*)` would scan the table at every append).
pub fn size(conn: &Connection) -> Result<u64, CliError> {
    conn.query_row(
        "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as u64)
    .map_err(err)
}

/// The kind and the signed bytes (the COSE_Sign1 its issuer signed) of the license in transport
/// text `text`, as the log entry names and digests them: for a version-2 text (`EL2…`, a holder's
/// copy or plain), the COSE_Sign1 its wire form carries ([`elicense::Wire::parse`]), the same
/// bytes every presentation made from it rebuilds, of kind `license_v2`; else the decoded bytes,
/// of kind `license`.
pub fn license_signed(text: &str) -> Result<(ContentType, Vec<u8>), CliError> {
    let decoded = elicense::transport::decode(text)?;
    if decoded.form.version == TextVersion::V2 {
        let cose = Wire::parse(&decoded.signed)?.cose;
        return Ok((cose.content_type(), cose.to_bytes()));
    }
    Ok((ContentType::License, decoded.signed))
}

/// Appends the entry for the license in signed transport text `text` (named `id`, of either
/// format version: [`license_signed`]) inside the caller's transaction, with the subtree hashes
/// of every tile it completes. Returns its index.
pub fn append(tx: &Transaction<'_>, id: &str, text: &str, time: u64) -> Result<u64, CliError> {
    let (kind, signed) = license_signed(text)?;
    append_signed(tx, kind, id, &signed, time)
}

/// Logs signed documents other than licenses (status lists, attestations) in one committed
/// transaction, before the caller writes them out. Returns their indexes.
pub fn record(
    conn: &mut Connection,
    docs: &[(ContentType, String, &[u8])],
) -> Result<Vec<u64>, CliError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(err)?;
    let time = crate::clock::now_whole_seconds().unix_timestamp().max(0) as u64;
    let mut out = Vec::with_capacity(docs.len());
    for (kind, id, signed) in docs {
        out.push(append_signed(&tx, *kind, id, signed, time)?);
    }
    tx.commit().map_err(err)?;
    Ok(out)
}

/// The identifier of a document without one of its own: a prefix and the first 16 hexadecimal
/// digits of the SHA-256 of its signed bytes.
pub fn digest_id(prefix: &str, signed: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(signed);
    let hex: String = d[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

/// [`append`] for signed bytes.
fn append_signed(
    tx: &Transaction<'_>,
    kind: ContentType,
    id: &str,
    signed: &[u8],
    time: u64,
) -> Result<u64, CliError> {
    let entry = LogEntry::new(kind, id, signed, time)?;
    let bytes = entry.encode();
    let leaf = tlog::leaf_hash(&bytes);
    let index = size(tx)?;
    tx.execute(
        "INSERT INTO log_entries (idx, doc_id, entry, leaf) VALUES (?1, ?2, ?3, ?4)",
        params![index as i64, id, bytes, leaf.to_vec()],
    )
    .map_err(err)?;
    // Each tile height whose subtree this entry completes: hash the 256 below it.
    let mut done = index + 1;
    let mut level: u8 = 1;
    while done.is_multiple_of(256) {
        done /= 256;
        let first = (done - 1) * 256;
        let below = stored(tx, level - 1, first, 256)?;
        tx.execute(
            "INSERT INTO log_hashes (level, idx, hash) VALUES (?1, ?2, ?3)",
            params![
                level,
                (done - 1) as i64,
                tlog::subtree_root(&below).to_vec()
            ],
        )
        .map_err(err)?;
        level += 1;
    }
    Ok(index)
}

/// `count` hashes of tile level `level` from `first` (level 0: leaf hashes).
pub fn stored(conn: &Connection, level: u8, first: u64, count: u64) -> Result<Vec<Hash>, CliError> {
    let end = (first + count) as i64;
    let rows: Vec<Vec<u8>> = if level == 0 {
        let mut stmt = conn
            .prepare_cached(
                "SELECT leaf FROM log_entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![first as i64, end], |r| r.get(0))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        rows
    } else {
        let mut stmt = conn
            .prepare_cached(
                "SELECT hash FROM log_hashes WHERE level = ?3 AND idx >= ?1 AND idx < ?2 ORDER BY idx",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![first as i64, end, level], |r| r.get(0))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        rows
    };
    if rows.len() as u64 != count {
        return Err(CliError::Internal(format!(
            "the log lacks hashes {first}..{} at tile level {level}",
            first + count
        )));
    }
    rows.into_iter().map(to_hash).collect()
}

/// The tree stored in `conn`, as a source of subtree hashes for roots and proofs.
pub fn nodes(conn: &Connection) -> impl NodeSource<Error = CliError> + '_ {
    TileHeights(move |level: u8, first: u64, count: u64| stored(conn, level, first, count))
}

/// The entry and index of document `id`.
pub fn find(conn: &Connection, id: &str) -> Result<Option<(u64, Vec<u8>)>, CliError> {
    conn.query_row(
        "SELECT idx, entry FROM log_entries WHERE doc_id = ?1",
        [id],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?)),
    )
    .optional()
    .map_err(err)
}

/// The latest signed checkpoint, if any.
pub fn latest_checkpoint(conn: &Connection) -> Result<Option<(u64, String)>, CliError> {
    conn.query_row(
        "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)),
    )
    .optional()
    .map_err(err)
}

/// Signs a checkpoint of the whole log with the department's key (unless the latest one
/// already has this size) and stores it. Returns its size and note text.
pub fn checkpoint(
    conn: &mut Connection,
    org: &OrgCode,
    key: &SigningKey,
) -> Result<(u64, String), CliError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(err)?;
    let n = size(&tx)?;
    if let Some((size, note)) = latest_checkpoint(&tx)? {
        if size == n {
            return Ok((size, note));
        }
    }
    let root = tlog::root(&mut nodes(&tx), n)?;
    let cp = Checkpoint {
        origin: elicense::log_origin(org),
        size: n,
        root,
    };
    let note: Note = cp.sign(key);
    let text = note.to_text();
    tx.execute(
        "INSERT INTO log_checkpoints (size, root, note) VALUES (?1, ?2, ?3)",
        params![n as i64, root.to_vec(), text],
    )
    .map_err(err)?;
    tx.commit().map_err(err)?;
    Ok((n, text))
}

/// Adds the signature lines of `incoming` (a copy of a stored checkpoint with witnesses'
/// cosignatures) that the stored checkpoint of that size lacks. The note texts must be equal.
/// Returns how many were added.
pub fn add_signatures(
    conn: &mut Connection,
    cp: &Checkpoint,
    incoming: &Note,
) -> Result<usize, CliError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(err)?;
    let stored: Option<String> = tx
        .query_row(
            "SELECT note FROM log_checkpoints WHERE size = ?1",
            [cp.size as i64],
            |r| r.get(0),
        )
        .optional()
        .map_err(err)?;
    let stored = stored.ok_or_else(|| {
        CliError::Usage(format!("this log signed no checkpoint of size {}", cp.size))
    })?;
    let mut note = Note::parse(stored.as_bytes())
        .map_err(|e| CliError::Internal(format!("a stored checkpoint: {e}")))?;
    if note.text != incoming.text {
        return Err(CliError::Usage(format!(
            "the checkpoint of size {} this log signed has another root: not its checkpoint",
            cp.size
        )));
    }
    let mut added = 0;
    for sig in &incoming.signatures {
        if !note.signatures.contains(sig) {
            note.signatures.push(sig.clone());
            added += 1;
        }
    }
    tx.execute(
        "UPDATE log_checkpoints SET note = ?2 WHERE size = ?1",
        params![cp.size as i64, note.to_text()],
    )
    .map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(added)
}

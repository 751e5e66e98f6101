//! A department's issuance registry (`registry.sqlite`): every license issued, so that sequence
//! numbers and status indexes never repeat, re-running a batch never issues a row twice, and
//! revocation finds a license's status index.
//!
//! Numbers are committed before anything is signed, and files are written only from committed
//! rows (`docs/CLI.md`, "The registry"):
//!
//! 1. [`Registry::reserve`]: one `BEGIN IMMEDIATE` transaction (the department's write lock,
//!    waited for up to [`BUSY_TIMEOUT`]) allocates a contiguous block of sequence numbers and
//!    status indexes and inserts the rows in state `reserved`, with their batch source and line.
//!    A row of the same source and line that an earlier, killed run reserved keeps its numbers.
//! 2. The caller signs the reserved licenses.
//! 3. [`Registry::finish`]: a second transaction stores each signed text and marks the row
//!    `issued` (only if still `reserved`: a concurrent run of the same batch may have won).
//! 4. The caller writes files from [`Registry::texts`], the committed texts, atomically.
//!
//! A process killed anywhere leaves reserved rows (finished by the next run of the same batch;
//! never given to another run) or issued rows (whose files the next run rewrites from the
//! registry), never a signed file that the registry does not hold. The file is created mode
//! 0600; SQLite gives its `-wal` and `-shm` files the same mode.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::log;
use crate::error::CliError;

/// The registry file in a department directory.
pub const REGISTRY_FILE: &str = "registry.sqlite";

/// How long a command waits for another process's registry transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The schema version ([`Registry::open`] migrates older registries): 1, the first release
/// (every row issued); 2, rows have a `state`, `reserved` or `issued`; 3, the issuance log's
/// tables (`workdir::log`), with an entry for every row already issued.
const SCHEMA_VERSION: i64 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS licenses (
    id           TEXT PRIMARY KEY,
    type_code    TEXT NOT NULL,
    sequence     INTEGER NOT NULL,
    status_index INTEGER NOT NULL UNIQUE,
    holder_id    TEXT NOT NULL,
    holder_name  TEXT NOT NULL,
    issued_on    TEXT NOT NULL,
    source       TEXT,
    source_row   INTEGER,
    text         TEXT NOT NULL,
    revoked_at   TEXT,
    UNIQUE (type_code, sequence),
    UNIQUE (source, source_row)
);
CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
";

/// Added by version 2. Rows of a version-1 registry were all issued.
const ADD_STATE: &str = "ALTER TABLE licenses ADD COLUMN state TEXT NOT NULL DEFAULT 'issued'
    CHECK (state IN ('reserved', 'issued'))";

/// An issued license as recorded.
#[derive(Debug, Clone)]
pub struct Issued {
    /// License identifier.
    pub id: String,
    /// Status index.
    pub status_index: u64,
    /// The signed transport text.
    pub text: String,
    /// Source row (line number), for batch issues.
    pub source_row: Option<u64>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A license to reserve numbers for (its content before signing).
#[derive(Debug, Clone)]
pub struct Pending {
    /// The input line, for batches.
    pub line: u64,
    /// Holder code.
    pub holder_id: String,
    /// Holder name.
    pub holder_name: String,
    /// Issue date.
    pub issued_on: String,
}

/// Numbers reserved (and committed) for a license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reserved {
    /// License identifier.
    pub id: String,
    /// Sequence number.
    pub sequence: u64,
    /// Status index.
    pub status_index: u64,
    /// Already issued (by a concurrent run of the same batch): to be written, not signed.
    pub issued: bool,
}

/// A reserved license, signed.
#[derive(Debug, Clone)]
pub struct Signed {
    /// License identifier (as reserved).
    pub id: String,
    /// Signed transport text.
    pub text: String,
    /// Holder code, holder name and issue date as signed.
    pub pending: Pending,
}

/// The registry.
pub struct Registry {
    conn: Connection,
}

fn err(e: rusqlite::Error) -> CliError {
    CliError::Registry(e)
}

fn counter(tx: &Transaction<'_>, name: &str) -> Result<u64, CliError> {
    tx.query_row("SELECT value FROM counters WHERE name = ?1", [name], |r| {
        r.get::<_, i64>(0)
    })
    .optional()
    .map_err(err)
    .map(|v| v.unwrap_or(0) as u64)
}

fn set_counter(tx: &Transaction<'_>, name: &str, value: u64) -> Result<(), CliError> {
    tx.execute(
        "INSERT INTO counters (name, value) VALUES (?1, ?2)
         ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        params![name, value as i64],
    )
    .map_err(err)?;
    Ok(())
}

/// Create the registry file owner-only (mode 0600 whatever the umask) before SQLite opens it,
/// and take group and other permissions away from one an older version created.
fn create_private(path: &Path) -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let private = std::fs::Permissions::from_mode(0o600);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(file) => file
                .set_permissions(private)
                .map_err(|e| CliError::io("create", path, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let mode = std::fs::metadata(path)
                    .map_err(|e| CliError::io("read", path, e))?
                    .permissions()
                    .mode();
                if mode & 0o077 != 0 {
                    std::fs::set_permissions(path, private)
                        .map_err(|e| CliError::io("protect", path, e))?;
                }
            }
            Err(e) => return Err(CliError::io("create", path, e)),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl Registry {
    /// Open (or create) the registry of department directory `dir`, migrating an older one.
    pub fn open(dir: &Path) -> Result<Self, CliError> {
        let path = dir.join(REGISTRY_FILE);
        create_private(&path)?;
        let mut conn = Connection::open(&path).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
            .map_err(err)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if version < SCHEMA_VERSION {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(err)?;
            tx.execute_batch(SCHEMA).map_err(err)?;
            let has_state = tx
                .prepare("SELECT 1 FROM pragma_table_info('licenses') WHERE name = 'state'")
                .and_then(|mut s| s.exists([]))
                .map_err(err)?;
            if !has_state {
                tx.execute_batch(ADD_STATE).map_err(err)?;
            }
            tx.execute_batch(log::LOG_SCHEMA).map_err(err)?;
            log_unlogged(&tx)?;
            tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
                .map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(Registry { conn })
    }

    fn write(&mut self) -> Result<Transaction<'_>, CliError> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)
    }

    /// Reserve numbers for `rows` of license type `type_code` in one committed transaction, in
    /// order. A row of batch `source` that an earlier or concurrent run reserved or issued gets
    /// its numbers again (marked `issued` if it is); every other row gets the next sequence
    /// number (per type) and status index (per department), and `make_id` makes its identifier.
    pub fn reserve(
        &mut self,
        type_code: &str,
        source: Option<&str>,
        rows: &[Pending],
        make_id: impl Fn(u64) -> Result<String, CliError>,
    ) -> Result<Vec<Reserved>, CliError> {
        let tx = self.write()?;
        let seq_name = format!("sequence:{type_code}");
        let mut next_seq = counter(&tx, &seq_name)? + 1;
        let mut next_status = counter(&tx, "status_index")?;
        let mut out = Vec::with_capacity(rows.len());
        {
            let mut earlier = tx
                .prepare(
                    "SELECT id, sequence, status_index, state FROM licenses
                     WHERE source = ?1 AND source_row = ?2",
                )
                .map_err(err)?;
            let mut insert = tx
                .prepare(
                    "INSERT INTO licenses (id, type_code, sequence, status_index, holder_id,
                       holder_name, issued_on, source, source_row, text, state)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', 'reserved')",
                )
                .map_err(err)?;
            for row in rows {
                if let Some(source) = source {
                    let found = earlier
                        .query_row(params![source, row.line as i64], |r| {
                            Ok(Reserved {
                                id: r.get(0)?,
                                sequence: r.get::<_, i64>(1)? as u64,
                                status_index: r.get::<_, i64>(2)? as u64,
                                issued: r.get::<_, String>(3)? == "issued",
                            })
                        })
                        .optional()
                        .map_err(err)?;
                    if let Some(reserved) = found {
                        out.push(reserved);
                        continue;
                    }
                }
                let reserved = Reserved {
                    id: make_id(next_seq)?,
                    sequence: next_seq,
                    status_index: next_status,
                    issued: false,
                };
                insert
                    .execute(params![
                        reserved.id,
                        type_code,
                        reserved.sequence as i64,
                        reserved.status_index as i64,
                        row.holder_id,
                        row.holder_name,
                        row.issued_on,
                        source,
                        source.map(|_| row.line as i64),
                    ])
                    .map_err(err)?;
                next_seq += 1;
                next_status += 1;
                out.push(reserved);
            }
        }
        set_counter(&tx, &seq_name, next_seq - 1)?;
        set_counter(&tx, "status_index", next_status)?;
        tx.commit().map_err(err)?;
        Ok(out)
    }

    /// Store the signed texts of reserved licenses and mark them issued, in one transaction.
    /// A license no longer reserved (a concurrent run of the same batch issued it) is left as
    /// it is. Returns how many this call issued.
    pub fn finish(&mut self, signed: &[Signed]) -> Result<usize, CliError> {
        let tx = self.write()?;
        let mut issued = 0;
        {
            let mut update = tx
                .prepare(
                    "UPDATE licenses SET text = ?2, holder_id = ?3, holder_name = ?4,
                       issued_on = ?5, state = 'issued'
                     WHERE id = ?1 AND state = 'reserved'",
                )
                .map_err(err)?;
            let now = log_time();
            for s in signed {
                let updated = update
                    .execute(params![
                        s.id,
                        s.text,
                        s.pending.holder_id,
                        s.pending.holder_name,
                        s.pending.issued_on
                    ])
                    .map_err(err)?;
                // The log entry is committed with the row, or neither is (docs/LOG.md §3).
                if updated == 1 {
                    log::append(&tx, &s.id, &s.text, now)?;
                }
                issued += updated;
            }
        }
        tx.commit().map_err(err)?;
        Ok(issued)
    }

    /// The connection, for the issuance log's commands (`workdir::log`).
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The committed texts of licenses `ids` (those issued), in order.
    pub fn texts(&mut self, ids: &[String]) -> Result<Vec<(String, String)>, CliError> {
        let tx = self.conn.transaction().map_err(err)?;
        let mut out = Vec::with_capacity(ids.len());
        {
            let mut stmt = tx
                .prepare("SELECT text FROM licenses WHERE id = ?1 AND state = 'issued'")
                .map_err(err)?;
            for id in ids {
                if let Some(text) = stmt
                    .query_row([id], |r| r.get::<_, String>(0))
                    .optional()
                    .map_err(err)?
                {
                    out.push((id.clone(), text));
                }
            }
        }
        tx.commit().map_err(err)?;
        Ok(out)
    }

    /// Licenses issued from batch `source`, by row.
    pub fn issued_from(&self, source: &str) -> Result<Vec<Issued>, CliError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, status_index, text, source_row, revoked_at FROM licenses
                 WHERE source = ?1 AND state = 'issued' ORDER BY source_row",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([source], row_to_issued)
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        Ok(rows)
    }

    /// Look an issued license up by identifier.
    pub fn find(&self, id: &str) -> Result<Option<Issued>, CliError> {
        self.conn
            .query_row(
                "SELECT id, status_index, text, source_row, revoked_at FROM licenses
                 WHERE id = ?1 AND state = 'issued'",
                [id],
                row_to_issued,
            )
            .optional()
            .map_err(err)
    }

    /// Mark a license revoked (idempotent). Returns its record.
    pub fn revoke(&mut self, id: &str, at: &str) -> Result<Issued, CliError> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE licenses SET revoked_at = ?2
             WHERE id = ?1 AND state = 'issued' AND revoked_at IS NULL",
            params![id, at],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        self.find(id)?
            .ok_or_else(|| CliError::UnknownLicense(id.to_owned()))
    }

    /// Status indexes allocated so far (reserved ones too), and those revoked.
    pub fn status(&mut self) -> Result<(u64, Vec<u64>), CliError> {
        let tx = self.conn.transaction().map_err(err)?;
        let allocated: i64 = tx
            .query_row(
                "SELECT COALESCE(MAX(status_index) + 1, 0) FROM licenses",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        let revoked = {
            let mut stmt = tx
                .prepare("SELECT status_index FROM licenses WHERE revoked_at IS NOT NULL")
                .map_err(err)?;
            let rows = stmt
                .query_map([], |r| r.get::<_, i64>(0))
                .map_err(err)?
                .map(|r| r.map(|v| v as u64))
                .collect::<Result<Vec<_>, _>>()
                .map_err(err)?;
            rows
        };
        tx.commit().map_err(err)?;
        Ok((allocated as u64, revoked))
    }

    /// The next status list sequence number, incremented and committed (before the list is
    /// signed or written, so no two lists ever share one).
    pub fn next_status_sequence(&mut self) -> Result<u64, CliError> {
        let tx = self.write()?;
        let next = counter(&tx, "status_sequence")? + 1;
        set_counter(&tx, "status_sequence", next)?;
        tx.commit().map_err(err)?;
        Ok(next)
    }
}

/// Seconds since 1970 for log entries.
fn log_time() -> u64 {
    crate::clock::now_whole_seconds().unix_timestamp().max(0) as u64
}

/// Log every issued row that has no entry yet (a registry from before the log), in the order
/// they were inserted.
fn log_unlogged(tx: &Transaction<'_>) -> Result<(), CliError> {
    let rows: Vec<(String, String)> = {
        let mut stmt = tx
            .prepare(
                "SELECT id, text FROM licenses WHERE state = 'issued'
                 AND id NOT IN (SELECT doc_id FROM log_entries) ORDER BY rowid",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        rows
    };
    let now = log_time();
    for (id, text) in rows {
        log::append(tx, &id, &text, now)?;
    }
    Ok(())
}

fn row_to_issued(r: &rusqlite::Row<'_>) -> rusqlite::Result<Issued> {
    Ok(Issued {
        id: r.get(0)?,
        status_index: r.get::<_, i64>(1)? as u64,
        text: r.get(2)?,
        source_row: r.get::<_, Option<i64>>(3)?.map(|v| v as u64),
        revoked_at: r.get(4)?,
    })
}

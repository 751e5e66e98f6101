//! A department's issuance registry (`registry.sqlite`): every license issued, so that sequence
//! numbers and status indexes never repeat, re-running a batch never issues a row twice, and
//! revocation finds a license's status index. Every change is one SQLite transaction, so a
//! killed process loses nothing that was reported issued.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::CliError;

/// The registry file in a department directory.
pub const REGISTRY_FILE: &str = "registry.sqlite";

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

/// A new license to record.
#[derive(Debug, Clone)]
pub struct NewLicense {
    /// License identifier.
    pub id: String,
    /// Type code.
    pub type_code: String,
    /// Sequence number.
    pub sequence: u64,
    /// Status index.
    pub status_index: u64,
    /// Holder code.
    pub holder_id: String,
    /// Holder name.
    pub holder_name: String,
    /// Issue date.
    pub issued_on: String,
    /// Batch source (SHA-256 of the input file) and row, if from a batch.
    pub source: Option<(String, u64)>,
    /// Signed transport text.
    pub text: String,
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

impl Registry {
    /// Open (or create) the registry of department directory `dir`.
    pub fn open(dir: &Path) -> Result<Self, CliError> {
        let conn = Connection::open(dir.join(REGISTRY_FILE)).map_err(err)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Registry { conn })
    }

    /// Record licenses in one transaction, allocating sequence numbers (per license type) and
    /// status indexes (per department) for each: `build` is called with (sequence, status index)
    /// and returns the license to record, or an error that aborts the whole transaction.
    pub fn issue_many<T>(
        &mut self,
        type_code: &str,
        count: usize,
        build: impl FnOnce(Vec<(u64, u64)>) -> Result<Vec<(NewLicense, T)>, CliError>,
    ) -> Result<Vec<T>, CliError> {
        let tx = self.conn.transaction().map_err(err)?;
        let seq_name = format!("sequence:{type_code}");
        let first_seq = counter(&tx, &seq_name)? + 1;
        let first_status = counter(&tx, "status_index")?;
        let numbers = (0..count as u64)
            .map(|i| (first_seq + i, first_status + i))
            .collect();
        let built = build(numbers)?;
        let mut out = Vec::with_capacity(built.len());
        for (l, extra) in built {
            tx.execute(
                "INSERT INTO licenses (id, type_code, sequence, status_index, holder_id,
                   holder_name, issued_on, source, source_row, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    l.id,
                    l.type_code,
                    l.sequence as i64,
                    l.status_index as i64,
                    l.holder_id,
                    l.holder_name,
                    l.issued_on,
                    l.source.as_ref().map(|s| s.0.as_str()),
                    l.source.as_ref().map(|s| s.1 as i64),
                    l.text
                ],
            )
            .map_err(err)?;
            out.push(extra);
        }
        set_counter(&tx, &seq_name, first_seq + count as u64 - 1)?;
        set_counter(&tx, "status_index", first_status + count as u64)?;
        tx.commit().map_err(err)?;
        Ok(out)
    }

    /// Licenses already issued from batch `source`, by row.
    pub fn issued_from(&self, source: &str) -> Result<Vec<Issued>, CliError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, status_index, text, source_row, revoked_at FROM licenses
                 WHERE source = ?1 ORDER BY source_row",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([source], row_to_issued)
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        Ok(rows)
    }

    /// Look a license up by identifier.
    pub fn find(&self, id: &str) -> Result<Option<Issued>, CliError> {
        self.conn
            .query_row(
                "SELECT id, status_index, text, source_row, revoked_at FROM licenses WHERE id = ?1",
                [id],
                row_to_issued,
            )
            .optional()
            .map_err(err)
    }

    /// Mark a license revoked (idempotent). Returns its record.
    pub fn revoke(&mut self, id: &str, at: &str) -> Result<Issued, CliError> {
        let found = self
            .find(id)?
            .ok_or_else(|| CliError::UnknownLicense(id.to_owned()))?;
        if found.revoked_at.is_none() {
            self.conn
                .execute(
                    "UPDATE licenses SET revoked_at = ?2 WHERE id = ?1",
                    params![id, at],
                )
                .map_err(err)?;
        }
        self.find(id)?
            .ok_or_else(|| CliError::Internal(format!("license {id} vanished")))
    }

    /// Status indexes allocated so far, and those revoked.
    pub fn status(&self) -> Result<(u64, Vec<u64>), CliError> {
        let allocated: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(MAX(status_index) + 1, 0) FROM licenses",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        let mut stmt = self
            .conn
            .prepare("SELECT status_index FROM licenses WHERE revoked_at IS NOT NULL")
            .map_err(err)?;
        let revoked = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .map_err(err)?
            .map(|r| r.map(|v| v as u64))
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        Ok((allocated as u64, revoked))
    }

    /// The next status list sequence number (incremented and stored).
    pub fn next_status_sequence(&mut self) -> Result<u64, CliError> {
        let tx = self.conn.transaction().map_err(err)?;
        let next = counter(&tx, "status_sequence")? + 1;
        set_counter(&tx, "status_sequence", next)?;
        tx.commit().map_err(err)?;
        Ok(next)
    }
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

//! `elicense log`: a department's issuance log (`docs/LOG.md`). `publish` signs a checkpoint
//! and writes the log as static C2SP tlog-tiles files, adding only what changed; `prove` writes
//! an offline inclusion proof (`c2sp.org/tlog-proof@v1`) for one license; `verify --proof`
//! checks one (`check_proof`, called by `cmd::verify`).

use std::path::Path;

use elicense::tlog::{self, TILE_WIDTH};
use elicense::{check_log_proof, Input, TileId, TlogProof, Verified};

use crate::error::{CliError, Invalid};
use crate::files;
use crate::workdir::log;
use crate::workdir::registry::Registry;
use crate::workdir::{self, Role};

/// Write a published file: a temporary file renamed into place, readable by a web server.
fn publish_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, e))?;
    let tmp = path.with_extension("publishing.tmp");
    std::fs::write(&tmp, bytes).map_err(|e| CliError::io("write", &tmp, e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| CliError::io("sync", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| CliError::io("write", path, e))
}

/// Sign a checkpoint of the log and write tiles, entry bundles and `checkpoint` under `out`.
/// Full tiles and bundles already there are left alone (they never change); partial ones for
/// this size are written; the checkpoint is written last, so a reader who sees it finds every
/// tile it needs.
pub fn publish(
    dir: &Path,
    out: &Path,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    let config = workdir::load(dir, Role::Department)?;
    let org = config.org()?;
    let mut registry = Registry::open(dir)?;
    let key = workdir::signing_key(dir, &config, passphrase_file)?;
    let (size, note) = log::checkpoint(registry.conn(), &org, &key)?;
    let conn = registry.conn();
    let (mut written, mut kept) = (0usize, 0usize);
    for tile in tlog::tiles_for_size(size) {
        let full = tile.width == TILE_WIDTH;
        let path = out.join(tile.path());
        if full && path.exists() {
            kept += 1;
        } else {
            let first = tile.index * u64::from(TILE_WIDTH);
            let hashes = log::stored(conn, tile.level, first, u64::from(tile.width))?;
            publish_file(&path, &hashes.concat())?;
            written += 1;
        }
        if tile.level == 0 {
            let path = out.join(tile.entries_path());
            if !(full && path.exists()) {
                publish_file(&path, &entry_bundle(conn, &tile)?)?;
                written += 1;
            }
        }
    }
    publish_file(&out.join("checkpoint"), note.as_bytes())?;
    files::sync_dir(out)?;
    let origin = elicense::log_origin(&org);
    if json {
        say!(
            "{}",
            serde_json::json!({"origin": origin, "size": size, "files_written": written, "tiles_kept": kept})
        );
    } else {
        say!("log {origin}: {size} entries; {written} files written, {kept} full tiles already published, in {}", out.display());
    }
    Ok(())
}

/// The entries of a level-0 tile, each as a big-endian u16 length and the entry's bytes.
fn entry_bundle(conn: &rusqlite::Connection, tile: &TileId) -> Result<Vec<u8>, CliError> {
    let first = tile.index * u64::from(TILE_WIDTH);
    let mut stmt = conn
        .prepare_cached("SELECT entry FROM log_entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")
        .map_err(CliError::Registry)?;
    let entries: Vec<Vec<u8>> = stmt
        .query_map(
            [first as i64, (first + u64::from(tile.width)) as i64],
            |r| r.get(0),
        )
        .map_err(CliError::Registry)?
        .collect::<Result<_, _>>()
        .map_err(CliError::Registry)?;
    let mut out = Vec::new();
    for e in entries {
        let len = u16::try_from(e.len())
            .map_err(|_| CliError::Internal("a log entry longer than 65535 bytes".into()))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&e);
    }
    Ok(out)
}

/// Write the inclusion proof of license `id` against the latest checkpoint (`log publish` makes
/// one) to `out`.
pub fn prove(dir: &Path, id: &str, out: &Path, json: bool) -> Result<(), CliError> {
    workdir::load(dir, Role::Department)?;
    let mut registry = Registry::open(dir)?;
    let conn = registry.conn();
    let (index, entry) =
        log::find(conn, id)?.ok_or_else(|| CliError::UnknownLicense(id.to_owned()))?;
    let (size, note) = log::latest_checkpoint(conn)?
        .filter(|(size, _)| index < *size)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{id} is entry {index} of the log, not yet in a checkpoint: run `elicense log publish` first"
            ))
        })?;
    let hashes =
        tlog::inclusion_proof(&mut log::nodes(conn), index, size).map_err(|e| match e {
            elicense::BuildError::Source(e) => e,
            other => CliError::Internal(other.to_string()),
        })?;
    let proof = TlogProof {
        extra: entry,
        index,
        hashes,
        checkpoint: note.into_bytes(),
    };
    files::write(out, proof.to_text().as_bytes())?;
    if json {
        say!(
            "{}",
            serde_json::json!({"id": id, "index": index, "size": size, "file": out})
        );
    } else {
        say!(
            "{id}: entry {index} of {size}; proof written to {}",
            out.display()
        );
    }
    Ok(())
}

/// `verify --proof`: check the proof for a license already found valid, and print the result.
pub fn check_proof(
    proof_path: &Path,
    license: &[u8],
    verified: &Verified,
    json: bool,
) -> Result<(), CliError> {
    let proof = files::read(proof_path)?;
    match check_log_proof(&proof, Input::sniff(license), &verified.signer) {
        Ok(logged) => {
            if json {
                say!(
                    "{}",
                    serde_json::json!({"logged": true, "origin": logged.origin, "index": logged.index, "size": logged.checkpoint.size, "witnesses": []})
                );
            } else {
                say!(
                    "  已登记在监察日志 Logged: log {}, entry {} of {} (no witness cosignatures)",
                    logged.origin,
                    logged.index,
                    logged.checkpoint.size
                );
            }
            Ok(())
        }
        Err(e) => {
            if json {
                say!(
                    "{}",
                    serde_json::json!({"logged": false, "reason": e.to_string()})
                );
            } else {
                say!("✗ 未证明已登记 NOT SHOWN LOGGED: {e}");
            }
            Err(Invalid::LogProof.into())
        }
    }
}

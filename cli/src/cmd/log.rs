//! `elicense log`: a department's issuance log (`docs/LOG.md`). `publish` signs a checkpoint
//! and writes the log as static C2SP tlog-tiles files, adding only what changed; `prove` writes
//! an offline inclusion proof (`c2sp.org/tlog-proof@v1`) for one license; `verify --proof`
//! checks one (`check_proof`, called by `cmd::verify`).

use std::path::Path;

use elicense::tlog::{self, Hash, TILE_WIDTH};
use elicense::{
    check_log_proof, witness_checkpoint, witness_key, Certificate, Checkpoint, Input, LogPolicy,
    LogProofError, LogWitness, Note, NoteKey, TileHeights, TileId, TlogProof, TrustStore, Verified,
    WitnessError,
};

use crate::args::TrustArgs;
use crate::clock::verification_time;
use crate::input;

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
    let config = workdir::load_logging(dir)?;
    let org = config.org()?;
    let mut registry = Registry::open(dir)?;
    let key = workdir::ed25519_signing_key(dir, &config, passphrase_file)?;
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
    workdir::load_logging(dir)?;
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

/// Witnesses from root certificates (`--witness`, `--log-witness`): each root's organisation
/// code and Ed25519 key.
pub fn witness_roots(certs: &[std::path::PathBuf]) -> Result<Vec<LogWitness>, CliError> {
    certs
        .iter()
        .map(|path| {
            let cert =
                Certificate::parse(&files::read(path)?).map_err(|e| CliError::file(path, e))?;
            let root = cert.org_code().cloned().ok_or_else(|| {
                CliError::Usage(format!(
                    "{}: a root certificate without an organisation code",
                    path.display()
                ))
            })?;
            Ok(LogWitness {
                root,
                key: ed25519(cert.key())?,
            })
        })
        .collect()
}

/// Witness keys from root certificates (`--witness`): each root's key as a cosigner named
/// `elicense/witness/<its organisation code>`.
pub fn witness_keys(certs: &[std::path::PathBuf]) -> Result<Vec<NoteKey>, CliError> {
    Ok(witness_roots(certs)?
        .iter()
        .map(|w| witness_key(&w.root, w.key))
        .collect())
}

/// The policy a proof of a license signed by `verified`'s signer is checked under: the one its
/// trust list names for the department's log, or else the department's key with the witnesses
/// given as `--witness` root certificates, `quorum` of which must have cosigned. Giving those
/// flags when a trust list names the log is a usage error: the list's policy is the one that
/// applies.
pub fn proof_policy(
    store: &TrustStore,
    verified: &Verified,
    witness_certs: &[std::path::PathBuf],
    quorum: usize,
) -> Result<Result<LogPolicy, LogProofError>, CliError> {
    let named = store.log_policy(&verified.signer);
    if matches!(named, Ok(Some(_))) && (!witness_certs.is_empty() || quorum > 0) {
        return Err(CliError::Usage(
            "the trust list names this department's log, its witnesses and quorum: \
             --witness and --witness-quorum are for logs no trust list names"
                .into(),
        ));
    }
    Ok(match named {
        Ok(Some(policy)) => Ok(policy),
        Ok(None) => LogPolicy::direct(&verified.signer, witness_keys(witness_certs)?, quorum),
        Err(e) => Err(e),
    })
}

/// `verify --proof`: check the proof for a license already found valid, under `policy`. Prints
/// the result for people (unless `json`) and returns it as JSON (for `verify --json` to print
/// with the verdict) with the outcome.
pub fn check_proof(
    proof_path: &Path,
    license: &[u8],
    policy: Result<LogPolicy, LogProofError>,
    json: bool,
) -> Result<(serde_json::Value, Result<(), CliError>), CliError> {
    let proof = files::read(proof_path)?;
    let checked = policy.and_then(|policy| check_log_proof(&proof, Input::sniff(license), &policy));
    let (value, ok) = match checked {
        Ok(logged) => {
            if !json {
                say!(
                    "  已登记在监察日志 Logged: log {}, entry {} of {}, witnessed by {}",
                    logged.origin,
                    logged.index,
                    logged.checkpoint.size,
                    if logged.witnessed_by.is_empty() {
                        "no witness 无见证".to_owned()
                    } else {
                        logged.witnessed_by.join(", ")
                    }
                );
            }
            (
                serde_json::json!({"logged": true, "origin": logged.origin, "index": logged.index, "size": logged.checkpoint.size, "witnesses": logged.witnessed_by}),
                true,
            )
        }
        Err(e) => {
            if !json {
                say!("✗ 未证明已登记 NOT SHOWN LOGGED: {e}");
            }
            (
                serde_json::json!({"logged": false, "reason": e.code(), "message": e.to_string()}),
                false,
            )
        }
    };
    Ok((
        value,
        if ok {
            Ok(())
        } else {
            Err(Invalid::LogProof.into())
        },
    ))
}

/// The hashes of a published log folder (`log publish`), for a tree of `size` entries: level-`L`
/// hashes from `first` are read from the full tile holding them, or the partial one of `size`.
fn published_tiles(dir: &Path, size: u64) -> impl elicense::NodeSource<Error = CliError> + '_ {
    TileHeights(
        move |level: u8, first: u64, count: u64| -> Result<Vec<Hash>, CliError> {
            let at_level = size.checked_shr(8 * u32::from(level)).unwrap_or(0);
            let index = first / u64::from(TILE_WIDTH);
            let width = if (index + 1) * u64::from(TILE_WIDTH) <= at_level {
                TILE_WIDTH
            } else {
                (at_level % u64::from(TILE_WIDTH)) as u16
            };
            let tile = TileId {
                level,
                index,
                width,
            };
            let path = dir.join(tile.path());
            let hashes = tlog::parse_tile(&files::read(&path)?, width)
                .map_err(|e| CliError::Internal(format!("{}: {e}", path.display())))?;
            let from = (first - index * u64::from(TILE_WIDTH)) as usize;
            hashes
                .get(from..from + count as usize)
                .map(<[Hash]>::to_vec)
                .ok_or_else(|| CliError::Internal(format!("{} is too short", path.display())))
        },
    )
}

/// The file in a witness's directory keeping the last checkpoint it cosigned of a log.
fn witnessed_file(root_dir: &Path, origin: &str) -> std::path::PathBuf {
    root_dir
        .join("witnessed")
        .join(format!("{}.checkpoint", origin.replace('/', "_")))
}

/// `log witness`: a root authority checks a department's published checkpoint (signed by a
/// department it trusts, consistent with the last one it cosigned, by the published tiles) and
/// writes it cosigned to `out`. A split view or rollback is printed with both checkpoints and
/// is exit code 1.
pub fn witness(
    root_dir: &Path,
    log_dir: &Path,
    trust: &TrustArgs,
    out: &Path,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    let config = workdir::load(root_dir, Role::Root)?;
    let org = config.org()?;
    let store = input::load_trust(trust, verification_time(trust.at.as_deref())?)?;
    let bytes = files::read(&log_dir.join("checkpoint"))?;
    let claimed = Note::parse(&bytes)
        .ok()
        .and_then(|n| Checkpoint::parse_text(&n.text).ok())
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{} holds no checkpoint",
                log_dir.join("checkpoint").display()
            ))
        })?;
    let state = witnessed_file(root_dir, &claimed.origin);
    let last_note = match std::fs::read(&state) {
        Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(CliError::io("read", &state, e)),
    };
    let last = last_note
        .as_deref()
        .map(|t| {
            Note::parse(t.as_bytes())
                .map_err(elicense::CheckpointError::from)
                .and_then(|n| Checkpoint::parse_text(&n.text))
                .map_err(|e| CliError::file(&state, e))
        })
        .transpose()?;
    let key = workdir::ed25519_signing_key(root_dir, &config, passphrase_file)?;
    let time = crate::clock::now_whole_seconds().unix_timestamp().max(0) as u64;
    let mut tiles = published_tiles(log_dir, claimed.size);
    match witness_checkpoint(&bytes, &store, last.as_ref(), &mut tiles, &org, &key, time) {
        Ok((cp, note)) => {
            let text = note.to_text();
            std::fs::create_dir_all(root_dir.join("witnessed"))
                .map_err(|e| CliError::io("create", root_dir.join("witnessed"), e))?;
            files::write_atomic(&state, text.as_bytes())?;
            files::write(out, text.as_bytes())?;
            if json {
                say!(
                    "{}",
                    serde_json::json!({"origin": cp.origin, "size": cp.size, "cosigned": true, "out": out})
                );
            } else {
                say!(
                    "cosigned {} at size {} (last witnessed: {}); written to {}",
                    cp.origin,
                    cp.size,
                    last.map_or("none".to_owned(), |l| l.size.to_string()),
                    out.display()
                );
            }
            Ok(())
        }
        Err(e @ (WitnessError::SplitView { .. } | WitnessError::Rollback { .. })) => {
            // The evidence: both signed checkpoints.
            say!("✗ {e}");
            say!(
                "--- last cosigned 上次见证 ---\n{}",
                last_note.unwrap_or_default()
            );
            say!(
                "--- now published 现在发布 ---\n{}",
                String::from_utf8_lossy(&bytes)
            );
            Err(Invalid::LogProof.into())
        }
        Err(WitnessError::Tiles(e)) => Err(e),
        Err(e) => {
            say!("✗ not cosigned 未见证: {e}");
            Err(Invalid::LogProof.into())
        }
    }
}

/// `log cosigned`: add witnesses' cosignatures (a cosigned checkpoint from `log witness`) to
/// the department's stored checkpoint of the same text, so that `log prove` and `log publish`
/// carry them.
pub fn cosigned(dir: &Path, checkpoint: &Path, json: bool) -> Result<(), CliError> {
    workdir::load_logging(dir)?;
    let mut registry = Registry::open(dir)?;
    let bytes = files::read(checkpoint)?;
    let incoming = Note::parse(&bytes)
        .map_err(|e| CliError::file(checkpoint, elicense::CheckpointError::from(e)))?;
    let cp = Checkpoint::parse_text(&incoming.text).map_err(|e| CliError::file(checkpoint, e))?;
    let added = log::add_signatures(registry.conn(), &cp, &incoming)?;
    if json {
        say!("{}", serde_json::json!({"size": cp.size, "added": added}));
    } else {
        say!(
            "checkpoint of size {}: {added} signature lines added",
            cp.size
        );
    }
    Ok(())
}

/// One finding of `log audit`.
fn finding(findings: &mut Vec<String>, json: bool, text: String) {
    if !json {
        say!("✗ {text}");
    }
    findings.push(text);
}

/// `log audit`: the department's registry and log agree (every issued row logged once, with the
/// digest of its signed text, within `max_delay_days` of its issue date; no entry without its
/// row); the stored tree and every stored checkpoint agree with the leaves; the published
/// folder, if given, serves that tree; and an older checkpoint, if given, is consistent with the
/// latest (the same size with another root is a split view). Findings are printed; any is exit
/// code 1.
pub fn audit(
    dir: &Path,
    published: Option<&Path>,
    old: Option<&Path>,
    max_delay_days: u64,
    json: bool,
) -> Result<(), CliError> {
    let config = workdir::load_logging(dir)?;
    let org = config.org()?;
    let public = elicense::keys::public_key_from_pem(&String::from_utf8_lossy(&files::read(
        &dir.join(workdir::PUBLIC_KEY_FILE),
    )?))
    .map_err(|e| CliError::file(dir.join(workdir::PUBLIC_KEY_FILE), e))?;
    let origin = elicense::log_origin(&org);
    let log_key = NoteKey::new(&origin, ed25519(&public)?)
        .ok_or_else(|| CliError::Internal("the log origin is not a key name".into()))?;
    let mut registry = Registry::open(dir)?;
    let conn = registry.conn();
    let mut findings = Vec::new();

    // Registry rows against entries (the rows are read one at a time below: their signed texts
    // are most of the registry, about 1 KB a license).
    let mut logged = std::collections::HashMap::new();
    {
        let mut stmt = conn
            .prepare("SELECT idx, doc_id, entry, leaf FROM log_entries ORDER BY idx")
            .map_err(CliError::Registry)?;
        let mut q = stmt.query([]).map_err(CliError::Registry)?;
        while let Some(r) = q.next().map_err(CliError::Registry)? {
            let (idx, id, entry, leaf): (i64, String, Vec<u8>, Vec<u8>) = (
                r.get(0).map_err(CliError::Registry)?,
                r.get(1).map_err(CliError::Registry)?,
                r.get(2).map_err(CliError::Registry)?,
                r.get(3).map_err(CliError::Registry)?,
            );
            if tlog::leaf_hash(&entry).as_slice() != leaf.as_slice() {
                finding(
                    &mut findings,
                    json,
                    format!("entry {idx} ({id}): stored leaf hash is not the entry's"),
                );
            }
            match elicense::LogEntry::decode(&entry) {
                // Status lists and attestations have no registry row.
                Ok(e)
                    if e.id == id
                        && !matches!(
                            e.kind,
                            elicense::ContentType::License | elicense::ContentType::LicenseV2
                        ) => {}
                Ok(e) if e.id == id => {
                    logged.insert(id, (idx, e));
                }
                Ok(_) => finding(
                    &mut findings,
                    json,
                    format!("entry {idx}: names another document than {id}"),
                ),
                Err(e) => finding(&mut findings, json, format!("entry {idx} ({id}): {e}")),
            }
        }
    }
    let mut issued = std::collections::HashSet::new();
    let mut stmt = conn
        .prepare("SELECT id, text, issued_on FROM licenses WHERE state = 'issued'")
        .map_err(CliError::Registry)?;
    let mut rows = stmt.query([]).map_err(CliError::Registry)?;
    while let Some(row) = rows.next().map_err(CliError::Registry)? {
        let (id, text, issued_on): (String, String, String) = (
            row.get(0).map_err(CliError::Registry)?,
            row.get(1).map_err(CliError::Registry)?,
            row.get(2).map_err(CliError::Registry)?,
        );
        let (id, text, issued_on) = (&id, &text, &issued_on);
        issued.insert(id.clone());
        let Some((idx, entry)) = logged.get(id) else {
            finding(
                &mut findings,
                json,
                format!("{id} is issued but not in the log"),
            );
            continue;
        };
        let (kind, signed) = log::license_signed(text)?;
        if !entry.covers(&signed) || entry.kind != kind {
            finding(
                &mut findings,
                json,
                format!("entry {idx} ({id}): digest is not that of the issued license"),
            );
        }
        // Late: logged more than max_delay_days after the issue date (UTC+8 midnight).
        if let Ok(day) = elicense::parse_date(issued_on) {
            let start = day
                .midnight()
                .assume_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
            let limit = start.unix_timestamp() + (max_delay_days as i64 + 1) * 86_400;
            if entry.time as i64 > limit {
                finding(
                    &mut findings,
                    json,
                    format!(
                        "entry {idx} ({id}) logged late: issued on {issued_on}, logged at {} s",
                        entry.time
                    ),
                );
            }
        }
    }
    drop(rows);
    drop(stmt);
    for (id, (idx, _)) in &logged {
        if !issued.contains(id) {
            finding(
                &mut findings,
                json,
                format!("entry {idx} ({id}) has no issued registry row"),
            );
        }
    }

    // The stored tree and checkpoints.
    let size = log::size(conn)?;
    let mut tree = elicense::MemoryTree::new();
    match log::stored(conn, 0, 0, size) {
        Ok(leaves) => leaves.into_iter().for_each(|h| {
            tree.push_hash(h);
        }),
        Err(e) => finding(
            &mut findings,
            json,
            format!("entries are missing from the log: {e}"),
        ),
    }
    let checkpoints: Vec<(u64, String)> = {
        let mut stmt = conn
            .prepare("SELECT size, note FROM log_checkpoints ORDER BY size")
            .map_err(CliError::Registry)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
            .map_err(CliError::Registry)?
            .collect::<Result<_, _>>()
            .map_err(CliError::Registry)?;
        rows
    };
    for (n, note) in &checkpoints {
        match Checkpoint::open(note.as_bytes(), &origin, &log_key) {
            Ok((cp, _)) if Some(cp.root) == tree.root_at(*n) && cp.size == *n => {}
            Ok(_) => finding(
                &mut findings,
                json,
                format!("stored checkpoint of size {n} does not match the stored entries"),
            ),
            Err(e) => finding(
                &mut findings,
                json,
                format!("stored checkpoint of size {n}: {e}"),
            ),
        }
    }
    let latest = checkpoints
        .last()
        .and_then(|(_, n)| Checkpoint::open(n.as_bytes(), &origin, &log_key).ok());

    // The published folder.
    if let Some(pubdir) = published {
        let bytes = files::read(&pubdir.join("checkpoint"))?;
        match Checkpoint::open(&bytes, &origin, &log_key) {
            Ok((cp, _)) => {
                if tree.root_at(cp.size) != Some(cp.root) {
                    finding(&mut findings, json, format!(
                        "SPLIT VIEW: the published checkpoint of size {} has another root than the log's entries\n{}",
                        cp.size, String::from_utf8_lossy(&bytes)));
                } else if tlog::root(&mut published_tiles(pubdir, cp.size), cp.size).ok()
                    != Some(cp.root)
                {
                    finding(&mut findings, json, format!("the published tiles do not give the published checkpoint's root (size {})", cp.size));
                }
            }
            Err(e) => finding(&mut findings, json, format!("published checkpoint: {e}")),
        }
    }

    // An older checkpoint (one a verifier or witness kept).
    if let (Some(path), Some((latest, latest_note))) = (old, latest.as_ref()) {
        let bytes = files::read(path)?;
        match Checkpoint::open(&bytes, &origin, &log_key) {
            Ok((cp, _)) if cp.size == latest.size && cp.root != latest.root => finding(
                &mut findings,
                json,
                format!(
                    "SPLIT VIEW: two checkpoints of size {} with different roots\n{}\n{}",
                    cp.size,
                    String::from_utf8_lossy(&bytes),
                    latest_note.to_text()
                ),
            ),
            Ok((cp, _)) if cp.size > latest.size => finding(
                &mut findings,
                json,
                format!(
                    "the older checkpoint has {} entries, more than the latest ({})",
                    cp.size, latest.size
                ),
            ),
            Ok((cp, _)) if cp.size > 0 => {
                let proof = tlog::consistency_proof(&mut &tree, cp.size, latest.size)
                    .map_err(|e| CliError::Internal(e.to_string()))?;
                if let Err(e) =
                    tlog::verify_consistency(cp.size, latest.size, &cp.root, &latest.root, &proof)
                {
                    finding(&mut findings, json, format!(
                        "SPLIT VIEW: the checkpoint of size {} is not consistent with the latest ({}): {e}\n{}\n{}",
                        cp.size, latest.size, String::from_utf8_lossy(&bytes), latest_note.to_text()));
                }
            }
            Ok(_) => {}
            Err(e) => finding(&mut findings, json, format!("{}: {e}", path.display())),
        }
    }

    if json {
        say!(
            "{}",
            serde_json::json!({"origin": origin, "entries": size, "issued": issued.len(), "checkpoints": checkpoints.len(), "findings": findings})
        );
    } else if findings.is_empty() {
        say!(
            "✓ log {origin}: {size} entries, {} issued licenses, {} checkpoints: all consistent",
            issued.len(),
            checkpoints.len()
        );
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Invalid::LogProof.into())
    }
}

/// A public key as the Ed25519 key that C2SP notes name (checkpoints and cosignatures are
/// Ed25519 signatures).
fn ed25519(key: &elicense::PublicKey) -> Result<elicense::VerifyingKey, CliError> {
    use elicense::Suite;
    elicense::VerifyingKey::try_from(key.bytes())
        .ok()
        .filter(|_| key.alg() == elicense::Ed25519::ALG)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "a {} key cannot sign or cosign C2SP checkpoints: they are Ed25519 signatures",
                key.suite().name()
            ))
        })
}

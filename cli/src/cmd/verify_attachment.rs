//! `elicense verify-attachment`: checking that files are exactly the scans their attestations
//! (detached `.elatt`, stamp text or stamp photo) vouch for.

use std::path::{Path, PathBuf};

use elicense::{verify_attachment, AttachmentVerdictView, ContentType, Input, TrustStore};
use time::OffsetDateTime;

use crate::args::{AttestationSource, TrustArgs};
use crate::clock::verification_time;
use crate::cmd::attest::{hash_file, ATTESTATION_SUFFIX};
use crate::error::{CliError, Invalid};
use crate::{files, input};

fn verify_one(
    file: &Path,
    src: &AttestationSource,
    store: &TrustStore,
    now: OffsetDateTime,
) -> Result<AttachmentVerdictView, CliError> {
    let digest = hash_file(file)?;
    let verdict = if let Some(text) = &src.stamp {
        verify_attachment(&digest, Input::Text(text), store, now)
    } else if let Some(photo) = &src.stamp_image {
        let text = input::decode_photo(&files::read(photo)?, ContentType::Attestation)?;
        verify_attachment(&digest, Input::Text(&text), store, now)
    } else {
        let path = src
            .attestation
            .clone()
            .unwrap_or_else(|| files::with_suffix(file, ATTESTATION_SUFFIX));
        let bytes = files::read(&path)?;
        verify_attachment(&digest, Input::sniff(&bytes), store, now)
    };
    Ok(AttachmentVerdictView::new(&verdict, &digest))
}

fn print(file: &Path, v: &AttachmentVerdictView) {
    match v.outcome {
        "match" => say!(
            "✓ 一致 MATCH  {} — {}，{}",
            file.display(),
            v.statement.unwrap_or(""),
            v.signer.as_deref().unwrap_or("")
        ),
        "mismatch" => {
            say!("✗ 不一致 MISMATCH  {}", file.display());
            say!(
                "  attested SHA-256 {} ({} bytes)",
                v.attested_sha256.as_deref().unwrap_or(""),
                v.attested_size.unwrap_or(0)
            );
            say!(
                "  this file        {} ({} bytes)",
                v.actual_sha256,
                v.actual_size
            );
        }
        _ => say!(
            "✗ 无效 INVALID  {} — {} [{}]",
            file.display(),
            v.reason_zh.as_deref().unwrap_or(""),
            v.code.unwrap_or("")
        ),
    }
}

/// Verify one file, or every attested file in a folder; when one does not match (or its
/// attestation is invalid), [`Invalid::Attachments`] (exit code 1).
pub fn run(
    file: Option<&Path>,
    dir: Option<&Path>,
    src: &AttestationSource,
    trust: &TrustArgs,
    json: bool,
) -> Result<(), CliError> {
    let now = verification_time(trust.at.as_deref())?;
    let store = input::load_trust(trust, now)?;
    if store.is_empty() {
        return Err(CliError::Usage(
            "no trusted departments: give --root and --trust".into(),
        ));
    }
    let files: Vec<PathBuf> = match (file, dir) {
        (Some(f), None) => vec![f.to_path_buf()],
        (None, Some(d)) => {
            let mut v: Vec<PathBuf> = std::fs::read_dir(d)
                .map_err(|e| CliError::io("read", d, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && files::with_suffix(p, ATTESTATION_SUFFIX).exists())
                .collect();
            v.sort();
            if v.is_empty() {
                return Err(CliError::NothingAttested {
                    dir: d.to_path_buf(),
                    suffix: ATTESTATION_SUFFIX,
                });
            }
            v
        }
        _ => return Err(CliError::Usage("give --file FILE or --dir FOLDER".into())),
    };
    let progress = if json || files.len() < 2 {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new(files.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} files · {per_sec} · ETA {eta}",
            )
            .map_err(|e| CliError::Internal(e.to_string()))?,
        );
        pb
    };
    let mut results = vec![];
    for f in &files {
        let v = verify_one(f, src, &store, now)?;
        progress.inc(1);
        results.push((f.clone(), v));
    }
    progress.finish_and_clear();
    let failed = results.iter().filter(|(_, v)| v.outcome != "match").count();
    if json {
        let list: Vec<_> = results
            .iter()
            .map(|(f, v)| serde_json::json!({ "file": f, "verdict": v }))
            .collect();
        say!(
            "{}",
            serde_json::to_string_pretty(&list).map_err(CliError::Json)?
        );
    } else {
        for (f, v) in &results {
            print(f, v);
        }
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Invalid::Attachments {
            failed,
            checked: results.len(),
        }
        .into())
    }
}

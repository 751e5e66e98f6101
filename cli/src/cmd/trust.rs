//! `elicense trust build` and `elicense trust show`: the root authority's signed trust lists.

use std::path::{Path, PathBuf};

use elicense::{
    unseal, Certificate, CertificateView, ContentType, Input, LogPolicy, TrustList, TrustListError,
    TrustStore,
};
use time::OffsetDateTime;

use crate::clock::{days_after, now_whole_seconds, rfc3339};
use crate::error::CliError;
use crate::files;
use crate::workdir::registry::Registry;
use crate::workdir::{self, log, Role};

/// Sign a trust list of the department certificates `certs` (marking `revoked` revoked) with the
/// root's next sequence number, naming each department's issuance log with the witnesses whose
/// root certificates are `logs.0`, of which `logs.1` must have cosigned a checkpoint.
pub fn build(
    root_dir: &Path,
    certs: &[PathBuf],
    revoked: &[PathBuf],
    out: &Path,
    next_update_days: u16,
    logs: (&[PathBuf], usize),
    passphrase_file: Option<&Path>,
) -> Result<(), CliError> {
    let mut config = workdir::load(root_dir, Role::Root)?;
    let root = workdir::root_certificate(root_dir)?;
    let read = |path: &PathBuf| -> Result<Certificate, CliError> {
        Certificate::parse(&files::read(path)?).map_err(|e| CliError::file(path, e))
    };
    let listed = certs.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let revoked = revoked.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let signing = workdir::signing_key(root_dir, &config, passphrase_file)?;
    let sequence = config.trust_list_sequence + 1;
    let now = now_whole_seconds();
    let witnesses = super::log::witness_roots(logs.0)?;
    let mut list = TrustList::new(
        &root,
        config.name.clone(),
        sequence,
        now,
        days_after(now, next_update_days.into()),
        &listed,
        &revoked,
    )
    .map_err(|e| match e {
        TrustListError::Certificate { index, source } => CliError::file(&certs[index], source),
        other => other.into(),
    })?;
    list.name_logs(&witnesses, logs.1)?;
    // Saved before the list is signed and written: a crash or a failed write skips a number
    // rather than publishing two lists under one.
    config.trust_list_sequence = sequence;
    workdir::save(root_dir, &config)?;
    let signed = list.sign(&signing)?;
    // Logged in the root's own log (docs/LOG.md §3) before the list is written: a list is never
    // handed out unlogged.
    let id = format!("TRUST-{}-{sequence}", config.org()?);
    let mut registry = Registry::open(root_dir)?;
    let index = log::record(registry.conn(), &[(ContentType::TrustList, id, &signed)])?;
    files::write(out, &signed)?;
    say!(
        "trust list {sequence} of {}: {} certificates, {} revoked, {} logs named ({} witnesses, quorum {}), next update {}, logged as entry {} of the root's log, written to {}",
        config.name,
        list.certificates.len(),
        list.revoked.len(),
        list.logs.len(),
        witnesses.len(),
        logs.1,
        rfc3339(list.next_update),
        index.first().copied().unwrap_or_default(),
        out.display()
    );
    Ok(())
}

/// Print a trust list's contents; verify it first when `root` is given, and then, with `proof`
/// (a proof file, the witnesses' root certificates, the quorum), that it is in the root's log.
pub fn show(
    path: &Path,
    root: Option<&Path>,
    proof: Option<(&Path, &[PathBuf], usize)>,
    json: bool,
) -> Result<(), CliError> {
    let bytes = files::read(path)?;
    let sealed =
        unseal::<TrustList, ()>(Input::Bytes(&bytes)).map_err(|f| CliError::file(path, f.error))?;
    let verified = match root {
        Some(r) => {
            let der = files::read(r)?;
            let mut store = TrustStore::new();
            store.add_root(&der).map_err(|e| CliError::file(r, e))?;
            store
                .load_trust_list(&bytes, OffsetDateTime::now_utc())
                .map_err(CliError::NotVerified)?;
            Some(Certificate::parse(&der).map_err(|e| CliError::file(r, e))?)
        }
        None => None,
    };
    let logged = match (proof, &verified) {
        (Some((proof, witnesses, quorum)), Some(root)) => {
            let policy = LogPolicy::root(root, super::log::witness_keys(witnesses)?, quorum);
            Some(super::log::check_proof(proof, &bytes, policy, json)?)
        }
        _ => None,
    };
    let verified = verified.is_some();
    let list = sealed
        .unverified()
        .map_err(|e| CliError::file(path, e.clone()))?;
    let entries: Vec<serde_json::Value> = list
        .certificates
        .iter()
        .map(|der| match Certificate::parse(der) {
            Ok(c) => serde_json::to_value(CertificateView::new(&c, list))
                .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() })),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        })
        .collect();
    if json {
        let v = serde_json::json!({
            "verified": verified,
            "root": list.root_name,
            "sequence": list.sequence,
            "issued_at": list.issued_at.to_string(),
            "next_update": rfc3339(list.next_update),
            "signer_kid": sealed.cose().kid().to_string(),
            "departments": entries,
            "logs": list.logs.iter().map(|l| serde_json::json!({
                "origin": l.origin(),
                "witnesses": l.witnesses.iter().map(|w| w.root.to_string()).collect::<Vec<_>>(),
                "quorum": l.quorum,
            })).collect::<Vec<_>>(),
            "log": logged.as_ref().map(|(value, _)| value.clone()),
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(CliError::Json)?
        );
        return logged.map_or(Ok(()), |(_, outcome)| outcome);
    }
    say!(
        "{} trust list of {}, sequence {}, issued {}, next update {}",
        if verified {
            "VERIFIED"
        } else {
            "UNVERIFIED (give --root to verify)"
        },
        list.root_name,
        list.sequence,
        list.issued_at,
        rfc3339(list.next_update)
    );
    for e in entries {
        say!("  {e}");
    }
    for l in &list.logs {
        let witnesses: Vec<String> = l.witnesses.iter().map(|w| w.root.to_string()).collect();
        say!(
            "  log {}: witnesses [{}], quorum {}",
            l.origin(),
            witnesses.join(", "),
            l.quorum
        );
    }
    logged.map_or(Ok(()), |(_, outcome)| outcome)
}

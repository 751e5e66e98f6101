//! `elicense trust build` and `elicense trust show`: the root authority's signed trust lists.

use std::path::{Path, PathBuf};

use elicense::{Certificate, ContentType, CoseSign1, Kid, TrustList, TrustStore};
use time::OffsetDateTime;

use crate::clock::now_whole_seconds;
use crate::error::CliError;
use crate::files;
use crate::workdir::{self, Role};
use elicense::limits::MAX_TRUST_LIST_LEN;

/// Sign a trust list of the department certificates `certs` (marking `revoked` revoked) with the
/// root's next sequence number.
pub fn build(
    root_dir: &Path,
    certs: &[PathBuf],
    revoked: &[PathBuf],
    out: &Path,
    passphrase_file: Option<&Path>,
) -> Result<(), CliError> {
    let mut config = workdir::load(root_dir, Role::Root)?;
    let root_path = root_dir.join("root.cert.pem");
    let root =
        Certificate::parse(&files::read(&root_path)?).map_err(|e| CliError::file(root_path, e))?;
    let mut ders = vec![];
    for path in certs {
        let c = Certificate::parse(&files::read(path)?).map_err(|e| CliError::file(path, e))?;
        c.check_department()
            .and_then(|()| c.verify_issued_by(&root))
            .map_err(|e| CliError::file(path, e))?;
        ders.push(c.der().to_vec());
    }
    let mut fingerprints = vec![];
    for path in revoked {
        let c = Certificate::parse(&files::read(path)?).map_err(|e| CliError::file(path, e))?;
        fingerprints.push(c.fingerprint());
    }
    let signing = workdir::signing_key(root_dir, &config, passphrase_file)?;
    let sequence = config.trust_list_sequence + 1;
    let list = TrustList {
        root_name: config.name.clone(),
        sequence,
        issued_at: now_whole_seconds(),
        certificates: ders,
        revoked: fingerprints,
    };
    let signed = list.sign(&signing)?;
    files::write(out, &signed)?;
    config.trust_list_sequence = sequence;
    workdir::save(root_dir, &config)?;
    say!(
        "trust list {sequence} of {}: {} certificates, {} revoked, written to {}",
        config.name,
        list.certificates.len(),
        list.revoked.len(),
        out.display()
    );
    Ok(())
}

/// Print a trust list's contents; verify it first when `root` is given.
pub fn show(path: &Path, root: Option<&Path>, json: bool) -> Result<(), CliError> {
    let bytes = files::read(path)?;
    let cose = CoseSign1::parse_with_limit(&bytes, MAX_TRUST_LIST_LEN)
        .map_err(|e| CliError::file(path, e))?;
    cose.expect_content_type(ContentType::TrustList)
        .map_err(|e| CliError::file(path, e))?;
    let verified = match root {
        Some(r) => {
            let mut store = TrustStore::new();
            store
                .add_root(&files::read(r)?)
                .map_err(|e| CliError::file(r, e))?;
            store
                .load_trust_list(&bytes, OffsetDateTime::now_utc())
                .map_err(CliError::NotVerified)?;
            true
        }
        None => false,
    };
    let list = TrustList::from_cbor(cose.payload()).map_err(|e| CliError::file(path, e))?;
    let entries: Vec<serde_json::Value> = list
        .certificates
        .iter()
        .map(|der| match Certificate::parse(der) {
            Ok(c) => serde_json::json!({
                "name": c.name(),
                "org_code": c.org_code().map(|o| o.to_string()),
                "license_types": c.license_types().iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                "not_before": c.not_before().to_string(),
                "not_after": c.not_after().to_string(),
                "serial": c.serial(),
                "kid": Kid::of(c.key()).to_string(),
                "revoked": list.revoked.contains(&c.fingerprint()),
            }),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        })
        .collect();
    if json {
        let v = serde_json::json!({
            "verified": verified,
            "root": list.root_name,
            "sequence": list.sequence,
            "issued_at": list.issued_at.to_string(),
            "signer_kid": cose.kid().to_string(),
            "departments": entries,
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(CliError::Json)?
        );
        return Ok(());
    }
    say!(
        "{} trust list of {}, sequence {}, issued {}",
        if verified {
            "VERIFIED"
        } else {
            "UNVERIFIED (give --root to verify)"
        },
        list.root_name,
        list.sequence,
        list.issued_at
    );
    for e in entries {
        say!("  {e}");
    }
    Ok(())
}

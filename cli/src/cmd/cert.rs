//! `elicense cert issue`: the root authority certifies a department. `elicense cert install`: the
//! department installs its certificate and the root certificate it must be issued by.

use std::path::Path;

use elicense::cert::{
    certificate_to_pem, issue_department_certificate, parse_certification_request,
};
use elicense::{CertRequest, Certificate, IssuingCertificate, LicenseTypeCode};

use crate::clock::{days_after, now_whole_seconds};
use crate::error::CliError;
use crate::files;
use crate::workdir::{self, Role};

/// Certify a department from its request for `types`, writing its certificate to `out`.
pub fn issue(
    root_dir: &Path,
    csr: &Path,
    types: &[String],
    days: u32,
    out: &Path,
    passphrase_file: Option<&Path>,
) -> Result<(), CliError> {
    let mut config = workdir::load(root_dir, Role::Root)?;
    let root = workdir::root_certificate(root_dir)?;
    let request =
        parse_certification_request(&files::read(csr)?).map_err(|e| CliError::file(csr, e))?;
    let types = types
        .iter()
        .map(|t| {
            t.trim()
                .parse::<LicenseTypeCode>()
                .map_err(|e| CliError::flag(format!("--types {t:?}"), e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let signing = workdir::signing_key(root_dir, &config, passphrase_file)?;
    let now = now_whole_seconds();
    let serial = config.next_serial.max(2);
    let req = CertRequest {
        name: request.name.clone(),
        org_code: request.org_code.clone(),
        not_before: now,
        not_after: days_after(now, i64::from(days)).min(root.not_after()),
        serial,
    };
    let der = issue_department_certificate(&signing, &root, &request.key, &req, &types)?;
    config.next_serial = serial + 1;
    workdir::save(root_dir, &config)?;
    files::write(out, certificate_to_pem(&der).as_bytes())?;
    say!(
        "certified {} ({}) for {} — serial {serial}, written to {}",
        request.name,
        request.org_code,
        types
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        out.display()
    );
    Ok(())
}

/// Install a department certificate in the department directory `dir`, with the root
/// certificate it must be issued by (`root`, or the one already in `dir`): core checks both as
/// issuance does (a department certificate for this directory's key and organisation code,
/// issued by that root) before either file is written.
pub fn install(dir: &Path, cert_path: &Path, root_path: Option<&Path>) -> Result<(), CliError> {
    let config = workdir::load(dir, Role::Department)?;
    let kept_root = dir.join(workdir::ROOT_CERT_FILE);
    let root_path = match root_path {
        Some(p) => p.to_path_buf(),
        None if kept_root.exists() => kept_root.clone(),
        None => return Err(workdir::no_root_certificate(dir)),
    };
    let root = workdir::read_root_certificate(&root_path)?;
    let cert =
        Certificate::parse(&files::read(cert_path)?).map_err(|e| CliError::file(cert_path, e))?;
    IssuingCertificate::check(
        &cert,
        Some(&root),
        &workdir::public_key(dir)?,
        &config.org()?,
    )
    .map_err(|source| CliError::Issuance {
        path: cert_path.to_path_buf(),
        source,
    })?;
    files::write_atomic(&kept_root, certificate_to_pem(root.der()).as_bytes())?;
    files::write_atomic(
        &dir.join(workdir::CERT_FILE),
        certificate_to_pem(cert.der()).as_bytes(),
    )?;
    files::sync_dir(dir)?;
    say!(
        "installed the certificate of {} ({}) for {}, valid {} to {}, issued by {} (root certificate SHA-256 {})",
        cert.name(),
        config.org_code,
        cert.license_types()
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        cert.not_before(),
        cert.not_after(),
        root.name(),
        hex_of(&root.fingerprint()),
    );
    Ok(())
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! `elicense cert issue`: the root authority certifies a department.

use std::path::Path;

use elicense::cert::{
    certificate_to_pem, issue_department_certificate, parse_certification_request,
};
use elicense::{CertRequest, LicenseTypeCode};

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

//! `elicense init root` and `elicense init department`: a working directory with a new key.

use std::path::Path;

use elicense::cert::{
    certificate_to_pem, certification_request_to_pem, issue_root_certificate,
    make_certification_request,
};
use elicense::{CertRequest, Kid};

use crate::clock::{days_after, now_whole_seconds};
use crate::error::CliError;
use crate::files;
use crate::workdir::registry::Registry;
use crate::workdir::{self, Config, Role};

/// A root authority in `dir`: key and self-signed root certificate valid for `years`.
pub fn root(
    dir: &Path,
    name: &str,
    org_code: &str,
    years: u16,
    passphrase_file: Option<&Path>,
    plain_for_tests: bool,
) -> Result<(), CliError> {
    let config = Config::new(Role::Root, name, org_code, plain_for_tests)?;
    let org = config.org()?;
    let signing = workdir::init(dir, &config, passphrase_file)?;
    let now = now_whole_seconds();
    let req = CertRequest {
        name: name.to_owned(),
        org_code: org,
        not_before: now,
        not_after: days_after(now, 365 * i64::from(years) + i64::from(years / 4)),
        serial: 1,
    };
    let der = issue_root_certificate(&signing, &req)?;
    files::write(
        &dir.join(workdir::ROOT_CERT_FILE),
        certificate_to_pem(&der).as_bytes(),
    )?;
    say!("root authority created in {}", dir.display());
    say!(
        "  root certificate: {} (give it to verifiers)",
        dir.join(workdir::ROOT_CERT_FILE).display()
    );
    say!("  key id: {}", Kid::of(&signing.public_key()));
    Ok(())
}

/// A department in `dir`: key, certification request for its root, and issuance registry.
pub fn department(
    dir: &Path,
    name: &str,
    org_code: &str,
    passphrase_file: Option<&Path>,
    plain_for_tests: bool,
) -> Result<(), CliError> {
    let config = Config::new(Role::Department, name, org_code, plain_for_tests)?;
    let org = config.org()?;
    let signing = workdir::init(dir, &config, passphrase_file)?;
    let csr = make_certification_request(&signing, name, &org)?;
    let pem = certification_request_to_pem(&csr);
    files::write(&dir.join("request.csr.pem"), pem.as_bytes())?;
    Registry::open(dir)?;
    say!("department created in {}", dir.display());
    say!(
        "  certification request: {} (send it to your root authority)",
        dir.join("request.csr.pem").display()
    );
    say!("  key id: {}", Kid::of(&signing.public_key()));
    Ok(())
}

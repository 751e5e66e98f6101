//! `elicense init root` and `elicense init department`: a working directory with a new key, or
//! with a certificate and key made elsewhere (`--cert`, `--key`: an existing CA's, such as
//! OpenSSL's), which core checks against the profile before anything is written.

use std::path::Path;

use elicense::cert::{
    certificate_to_pem, certification_request_to_pem, issue_root_certificate,
    make_certification_request,
};
use elicense::{
    check_root_certificate, CertRequest, Certificate, IssuingCertificate, Kid, PublicKey,
};

use crate::clock::{days_after, now_whole_seconds};
use crate::error::CliError;
use crate::files;
use crate::workdir::registry::Registry;
use crate::workdir::{self, Config, NewKey, Role};

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
    let signing = workdir::init(dir, &config, || {
        workdir::new_key(plain_for_tests, passphrase_file)
    })?;
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

/// A department in `dir`: key, certification request for its root, and issuance registry; with
/// `root`, the root certificate its certificate must be issued by (checked, kept as
/// `root.cert.pem`).
pub fn department(
    dir: &Path,
    name: &str,
    org_code: &str,
    root: Option<&Path>,
    passphrase_file: Option<&Path>,
    plain_for_tests: bool,
) -> Result<(), CliError> {
    let config = Config::new(Role::Department, name, org_code, plain_for_tests)?;
    let org = config.org()?;
    let root = root.map(workdir::read_root_certificate).transpose()?;
    let signing = workdir::init(dir, &config, || {
        workdir::new_key(plain_for_tests, passphrase_file)
    })?;
    if let Some(root) = &root {
        files::write(
            &dir.join(workdir::ROOT_CERT_FILE),
            certificate_to_pem(root.der()).as_bytes(),
        )?;
    }
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

/// A certificate and private key made elsewhere, to import instead of generating them.
pub struct Import<'a> {
    /// The certificate (PEM or DER).
    pub cert: &'a Path,
    /// The private key (PKCS#8 PEM, encrypted or not).
    pub key: &'a Path,
    /// The first line of this file decrypts the key (for an encrypted key).
    pub key_passphrase_file: Option<&'a Path>,
}

impl Import<'_> {
    fn certificate(&self) -> Result<Certificate, CliError> {
        Certificate::parse(&files::read(self.cert)?).map_err(|e| CliError::file(self.cert, e))
    }

    /// The key, decrypted, judged by `check`, and stored again under the directory's
    /// protection.
    fn key(
        &self,
        plain: bool,
        passphrase_file: Option<&Path>,
        check: impl FnOnce(&PublicKey) -> Result<(), elicense::IssuanceError>,
    ) -> Result<NewKey, CliError> {
        workdir::import_key_file(
            self.key,
            self.key_passphrase_file,
            plain,
            passphrase_file,
            |key| check(key).map_err(|e| self.refused(e)),
        )
    }

    fn refused(&self, source: elicense::IssuanceError) -> CliError {
        CliError::Issuance {
            path: self.cert.to_path_buf(),
            source,
        }
    }
}

/// The name and organisation code a certificate gives (core checked it has one).
fn subject(cert: &Certificate, path: &Path) -> Result<(String, String), CliError> {
    let org = cert.org_code().ok_or_else(|| {
        CliError::file(
            path,
            elicense::CertError::NotDepartment(elicense::DepartmentProblem::NoOrgCode),
        )
    })?;
    Ok((cert.name().to_owned(), org.to_string()))
}

/// A root authority in `dir` from an existing root certificate and its key: core checks that the
/// certificate is a root by the profile (a self-signed CA) for that key. The key is stored under
/// the directory's own protection; name and organisation code come from the certificate.
pub fn import_root(
    dir: &Path,
    import: &Import<'_>,
    passphrase_file: Option<&Path>,
    plain_for_tests: bool,
) -> Result<(), CliError> {
    let cert = import.certificate()?;
    let (name, org) = subject(&cert, import.cert)?;
    let config = Config::new(Role::Root, &name, &org, plain_for_tests)?;
    let key = workdir::init(dir, &config, || {
        import.key(plain_for_tests, passphrase_file, |key| {
            check_root_certificate(&cert, key)
        })
    })?;
    files::write(
        &dir.join(workdir::ROOT_CERT_FILE),
        certificate_to_pem(cert.der()).as_bytes(),
    )?;
    say!(
        "root authority {name} ({org}) imported into {}",
        dir.display()
    );
    say!(
        "  root certificate: {} (give it to verifiers)",
        dir.join(workdir::ROOT_CERT_FILE).display()
    );
    say!("  key id: {}", Kid::of(&key.public_key()));
    Ok(())
}

/// A department in `dir` from an existing department certificate, its key and the root
/// certificate that issued it: core checks them as issuance does (a department certificate by
/// the profile, for that key, issued by that root). No request is needed; the registry is
/// created.
pub fn import_department(
    dir: &Path,
    import: &Import<'_>,
    root: &Path,
    passphrase_file: Option<&Path>,
    plain_for_tests: bool,
) -> Result<(), CliError> {
    let cert = import.certificate()?;
    let root_cert = workdir::read_root_certificate(root)?;
    let (name, org) = subject(&cert, import.cert)?;
    let config = Config::new(Role::Department, &name, &org, plain_for_tests)?;
    let org = config.org()?;
    let key = workdir::init(dir, &config, || {
        import.key(plain_for_tests, passphrase_file, |key| {
            IssuingCertificate::check(&cert, Some(&root_cert), key, &org).map(|_| ())
        })
    })?;
    files::write(
        &dir.join(workdir::ROOT_CERT_FILE),
        certificate_to_pem(root_cert.der()).as_bytes(),
    )?;
    files::write(
        &dir.join(workdir::CERT_FILE),
        certificate_to_pem(cert.der()).as_bytes(),
    )?;
    Registry::open(dir)?;
    say!("department {name} ({org}) imported into {}", dir.display());
    say!(
        "  may issue: {}",
        cert.license_types()
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    say!("  key id: {}", Kid::of(&key.public_key()));
    Ok(())
}

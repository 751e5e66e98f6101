//! A root authority's or department's working directory: `elicense.json` (configuration and
//! counters), the private key (`key.pem`, mode 0600), its public key and certificate, and a
//! department's issuance registry.

pub mod log;
pub mod registry;
pub mod secrets;

use std::path::Path;

use elicense::keys::{
    generate_key, import_key, public_key_from_pem, public_key_to_pem, signer_from_pem,
};
use elicense::suites::default_suite;
use elicense::{Certificate, IssuingCertificate, KeyProtection, OrgCode, PublicKey, Signer};
use zeroize::Zeroizing;

/// A private key of any suite, ready to sign.
pub type SigningKey = Box<dyn Signer + Send + Sync>;
use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::files::{self, write};

/// The configuration file in every working directory.
pub const CONFIG_FILE: &str = "elicense.json";
/// The private key file.
pub const KEY_FILE: &str = "key.pem";
/// The public key file.
pub const PUBLIC_KEY_FILE: &str = "key.pub.pem";
/// A department's certificate, once its root has issued it.
pub const CERT_FILE: &str = "certificate.pem";
/// A root authority's self-signed certificate, in its directory; in a department's directory,
/// the root certificate its own certificate must be issued by (installed by `init department
/// --root` or `cert install`, never taken from the certificate file itself).
pub const ROOT_CERT_FILE: &str = "root.cert.pem";

/// What the directory belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A root authority: issues department certificates and trust lists.
    Root,
    /// A department: issues licenses.
    Department,
}

impl Role {
    /// For messages.
    pub fn name(self) -> &'static str {
        match self {
            Role::Root => "Root",
            Role::Department => "Department",
        }
    }
}

/// `elicense.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Root or department.
    pub role: Role,
    /// Name (such as 福州市市场监督管理局).
    pub name: String,
    /// Organisation code.
    pub org_code: String,
    /// Whether the private key is stored unencrypted (tests and demos only).
    pub plain_key_for_tests: bool,
    /// Root: the next certificate serial number.
    #[serde(default)]
    pub next_serial: u64,
    /// Root: the sequence number of the last trust list built.
    #[serde(default)]
    pub trust_list_sequence: u64,
}

impl Config {
    /// A new configuration with fresh counters, checking the organisation code.
    pub fn new(
        role: Role,
        name: &str,
        org_code: &str,
        plain_key_for_tests: bool,
    ) -> Result<Self, CliError> {
        let org: OrgCode = org_code
            .parse()
            .map_err(|e| CliError::flag("--org-code", e))?;
        Ok(Config {
            role,
            name: name.to_owned(),
            org_code: org.to_string(),
            plain_key_for_tests,
            next_serial: if role == Role::Root { 100 } else { 0 },
            trust_list_sequence: 0,
        })
    }

    /// The organisation code, checked.
    pub fn org(&self) -> Result<OrgCode, CliError> {
        self.org_code
            .parse()
            .map_err(|e| CliError::file(CONFIG_FILE, e))
    }
}

/// A key for a new working directory: its PKCS#8 PEM under the directory's protection, and the
/// key, ready to sign.
pub struct NewKey {
    /// The private key file's contents.
    pub pem: Zeroizing<String>,
    /// The key.
    pub key: SigningKey,
}

/// Create a working directory with the key `make_key` gives (a new one, [`new_key`], or one
/// made elsewhere, [`import_key_file`]). The directory must not exist or be empty; it is
/// checked before `make_key` runs (which may ask for a passphrase) and created only after.
pub fn init(
    dir: &Path,
    config: &Config,
    make_key: impl FnOnce() -> Result<NewKey, CliError>,
) -> Result<SigningKey, CliError> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| CliError::io("read", dir, e))?
            .next()
            .is_some()
    {
        return Err(CliError::NotEmpty(dir.to_path_buf()));
    }
    let NewKey { pem, key } = make_key()?;
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, e))?;
    // Owner-only: the key, and a department's registry of personal data.
    files::protect_dir(dir)?;
    secrets::write_secret_file(&dir.join(KEY_FILE), pem.as_bytes())?;
    let public = public_key_to_pem(&key.public_key())?;
    write(&dir.join(PUBLIC_KEY_FILE), public.as_bytes())?;
    save(dir, config)?;
    Ok(key)
}

/// How a new key is stored: unencrypted when `plain` (tests only), else under the passphrase
/// from `passphrase_file`, the environment or a prompt (asked twice).
fn protection_for_new(
    plain: bool,
    passphrase_file: Option<&Path>,
) -> Result<Option<Zeroizing<String>>, CliError> {
    if plain {
        Ok(None)
    } else {
        secrets::passphrase(passphrase_file, true).map(Some)
    }
}

fn protection(passphrase: &Option<Zeroizing<String>>) -> KeyProtection<'_> {
    match passphrase {
        None => KeyProtection::PlainForTestsOnly,
        Some(p) => KeyProtection::Passphrase(p),
    }
}

/// A new key pair from the operating system's randomness, as PKCS#8 PEM encrypted unless
/// `plain`.
pub fn new_key(plain: bool, passphrase_file: Option<&Path>) -> Result<NewKey, CliError> {
    let passphrase = protection_for_new(plain, passphrase_file)?;
    let (pem, key) = generate_key(
        default_suite(),
        protection(&passphrase),
        &mut rand_core::OsRng,
    )?;
    Ok(NewKey { pem, key })
}

/// A private key made elsewhere (PKCS#8 PEM, as `openssl genpkey -algorithm ed25519` writes
/// it), decrypted with the first line of `key_passphrase_file` when given, and stored again as a
/// new key is (encrypted unless `plain`); core reads and re-encrypts it. `check` judges its
/// public key (against the certificate imported with it) after it is decrypted and before the
/// directory's own passphrase is asked for.
pub fn import_key_file(
    path: &Path,
    key_passphrase_file: Option<&Path>,
    plain: bool,
    passphrase_file: Option<&Path>,
    check: impl FnOnce(&PublicKey) -> Result<(), CliError>,
) -> Result<NewKey, CliError> {
    let pem =
        Zeroizing::new(std::fs::read_to_string(path).map_err(|e| CliError::io("read", path, e))?);
    let theirs = key_passphrase_file
        .map(secrets::read_passphrase_file)
        .transpose()?;
    // Decrypted first (kept unencrypted in memory only), so that a wrong passphrase or a key that
    // does not fit is refused before ours is asked for.
    let (_, key) = import_key(
        &pem,
        theirs.as_ref().map(|p| p.as_str()),
        KeyProtection::PlainForTestsOnly,
        &mut rand_core::OsRng,
    )
    .map_err(|e| CliError::file(path, e))?;
    check(&key.public_key())?;
    let ours = protection_for_new(plain, passphrase_file)?;
    let (pem, key) = import_key(
        &pem,
        theirs.as_ref().map(|p| p.as_str()),
        protection(&ours),
        &mut rand_core::OsRng,
    )
    .map_err(|e| CliError::file(path, e))?;
    Ok(NewKey { pem, key })
}

/// Generate a key pair and write it: the private key as PKCS#8 PEM (encrypted unless `plain`) to
/// a new owner-only file, the public key next to it.
pub fn create_key(
    key_path: &Path,
    public_path: &Path,
    plain: bool,
    passphrase_file: Option<&Path>,
) -> Result<SigningKey, CliError> {
    let NewKey { pem, key } = new_key(plain, passphrase_file)?;
    secrets::write_secret_file(key_path, pem.as_bytes())?;
    let public = public_key_to_pem(&key.public_key())?;
    write(public_path, public.as_bytes())?;
    Ok(key)
}

/// Read `elicense.json`, checking the role.
pub fn load(dir: &Path, role: Role) -> Result<Config, CliError> {
    let path = dir.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(source) => return Err(CliError::NoWorkdir { path, source }),
    };
    let config: Config = match serde_json::from_str(&text) {
        Ok(config) => config,
        Err(source) => return Err(CliError::BadConfig { path, source }),
    };
    if config.role != role {
        return Err(CliError::WrongRole {
            dir: dir.to_path_buf(),
            found: config.role.name(),
            expected: role.name(),
        });
    }
    Ok(config)
}

/// Read `elicense.json` of a directory that keeps a log (`docs/LOG.md`): a department's (its
/// issuance log) or a root's (the log of its trust lists).
pub fn load_logging(dir: &Path) -> Result<Config, CliError> {
    match load(dir, Role::Department) {
        Err(CliError::WrongRole { .. }) => load(dir, Role::Root),
        other => other,
    }
}

/// Write `elicense.json` atomically and durably (temporary file, synced, renamed, folder
/// synced), so a crash never leaves a half-written configuration or loses a saved counter.
pub fn save(dir: &Path, config: &Config) -> Result<(), CliError> {
    let json = serde_json::to_string_pretty(config).map_err(CliError::Json)?;
    files::write_atomic(&dir.join(CONFIG_FILE), json.as_bytes())?;
    files::sync_dir(dir)
}

/// The directory's private key as an Ed25519 key, for what only Ed25519 keys sign: C2SP
/// checkpoints and cosignatures of the issuance log (`docs/LOG.md`).
pub fn ed25519_signing_key(
    dir: &Path,
    config: &Config,
    passphrase_file: Option<&Path>,
) -> Result<elicense::SigningKey, CliError> {
    read_key(
        dir,
        config,
        passphrase_file,
        elicense::keys::signing_key_from_pem,
    )
}

/// The directory's private key, decrypted.
pub fn signing_key(
    dir: &Path,
    config: &Config,
    passphrase_file: Option<&Path>,
) -> Result<SigningKey, CliError> {
    read_key(dir, config, passphrase_file, signer_from_pem)
}

/// Read the directory's key file with `read`, asking for the passphrase unless the key was made
/// plain for tests.
fn read_key<T>(
    dir: &Path,
    config: &Config,
    passphrase_file: Option<&Path>,
    read: impl FnOnce(&str, KeyProtection<'_>) -> Result<T, elicense::KeyError>,
) -> Result<T, CliError> {
    let path = dir.join(KEY_FILE);
    let pem = zeroize::Zeroizing::new(
        std::fs::read_to_string(&path).map_err(|e| CliError::io("read", &path, e))?,
    );
    let passphrase;
    let protection = if config.plain_key_for_tests {
        eprintln!(
            "warning: {} is NOT encrypted (created for tests)",
            path.display()
        );
        KeyProtection::PlainForTestsOnly
    } else {
        passphrase = secrets::passphrase(passphrase_file, false)?;
        KeyProtection::Passphrase(&passphrase)
    };
    read(&pem, protection).map_err(|e| CliError::file(path, e))
}

/// The root authority's certificate in `dir`.
pub fn root_certificate(dir: &Path) -> Result<Certificate, CliError> {
    let path = dir.join(ROOT_CERT_FILE);
    Certificate::parse(&files::read(&path)?).map_err(|e| CliError::file(path, e))
}

/// A root certificate file (PEM or DER) checked by core as a root certificate.
pub fn read_root_certificate(path: &Path) -> Result<Certificate, CliError> {
    let cert = Certificate::parse(&files::read(path)?).map_err(|e| CliError::file(path, e))?;
    cert.check_root().map_err(|e| CliError::file(path, e))?;
    Ok(cert)
}

/// The directory's public key (`key.pub.pem`), which needs no passphrase.
pub fn public_key(dir: &Path) -> Result<PublicKey, CliError> {
    let path = dir.join(PUBLIC_KEY_FILE);
    let pem = std::fs::read_to_string(&path).map_err(|e| CliError::io("read", &path, e))?;
    public_key_from_pem(&pem).map_err(|e| CliError::file(path, e))
}

/// The department's certificate, checked by core against the root certificate kept in the
/// directory, for `key` and the department's organisation code: everything a verifier checks of
/// a signer but the license type and the day ([`IssuingCertificate`]). Refuses when either file
/// is missing: nothing signed without both would be accepted, and a certificate alone cannot
/// show that the right root issued it.
pub fn issuing_certificate(
    dir: &Path,
    config: &Config,
    key: &PublicKey,
) -> Result<IssuingCertificate, CliError> {
    let cert_path = dir.join(CERT_FILE);
    if !cert_path.exists() {
        return Err(CliError::NoCertificate {
            dir: dir.to_path_buf(),
            cert: CERT_FILE,
        });
    }
    let root_path = dir.join(ROOT_CERT_FILE);
    if !root_path.exists() {
        return Err(no_root_certificate(dir));
    }
    let cert =
        Certificate::parse(&files::read(&cert_path)?).map_err(|e| CliError::file(&cert_path, e))?;
    let root = read_root_certificate(&root_path)?;
    IssuingCertificate::check(&cert, Some(&root), key, &config.org()?).map_err(|source| {
        CliError::Issuance {
            path: cert_path,
            source,
        }
    })
}

/// The error for a department directory without its root certificate.
pub fn no_root_certificate(dir: &Path) -> CliError {
    CliError::NoRootCertificate {
        dir: dir.to_path_buf(),
        root: ROOT_CERT_FILE,
        cert: CERT_FILE,
    }
}

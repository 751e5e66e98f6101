//! A root authority's or department's working directory: `elicense.json` (configuration and
//! counters), the private key (`key.pem`, mode 0600), its public key and certificate, and a
//! department's issuance registry.

pub mod log;
pub mod registry;
pub mod secrets;

use std::path::Path;

use elicense::keys::{public_key_to_pem, signing_key_from_pem, signing_key_to_pem};
use elicense::{Certificate, KeyProtection, OrgCode, SigningKey};
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
/// A root authority's self-signed certificate, in its directory.
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

/// Create a working directory with a new key. The directory must not exist or be empty.
pub fn init(
    dir: &Path,
    config: &Config,
    passphrase_file: Option<&Path>,
) -> Result<SigningKey, CliError> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| CliError::io("read", dir, e))?
            .next()
            .is_some()
    {
        return Err(CliError::NotEmpty(dir.to_path_buf()));
    }
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, e))?;
    // Owner-only: the key, and a department's registry of personal data.
    files::protect_dir(dir)?;
    let key = create_key(
        &dir.join(KEY_FILE),
        &dir.join(PUBLIC_KEY_FILE),
        config.plain_key_for_tests,
        passphrase_file,
    )?;
    save(dir, config)?;
    Ok(key)
}

/// Generate a key pair from the operating system's randomness and write it: the private key as
/// PKCS#8 PEM (encrypted unless `plain`) to a new owner-only file, the public key next to it.
pub fn create_key(
    key_path: &Path,
    public_path: &Path,
    plain: bool,
    passphrase_file: Option<&Path>,
) -> Result<SigningKey, CliError> {
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, seed.as_mut());
    let key = SigningKey::from_bytes(&seed);
    let passphrase;
    let protection = if plain {
        KeyProtection::PlainForTestsOnly
    } else {
        passphrase = secrets::passphrase(passphrase_file, true)?;
        KeyProtection::Passphrase(&passphrase)
    };
    let pem = signing_key_to_pem(&key, protection, &mut rand_core::OsRng)?;
    secrets::write_secret_file(key_path, pem.as_bytes())?;
    let public = public_key_to_pem(&key.verifying_key())?;
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

/// Write `elicense.json` atomically and durably (temporary file, synced, renamed, folder
/// synced), so a crash never leaves a half-written configuration or loses a saved counter.
pub fn save(dir: &Path, config: &Config) -> Result<(), CliError> {
    let json = serde_json::to_string_pretty(config).map_err(CliError::Json)?;
    files::write_atomic(&dir.join(CONFIG_FILE), json.as_bytes())?;
    files::sync_dir(dir)
}

/// The directory's private key, decrypted.
pub fn signing_key(
    dir: &Path,
    config: &Config,
    passphrase_file: Option<&Path>,
) -> Result<SigningKey, CliError> {
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
    signing_key_from_pem(&pem, protection).map_err(|e| CliError::file(path, e))
}

/// The root authority's certificate in `dir`.
pub fn root_certificate(dir: &Path) -> Result<Certificate, CliError> {
    let path = dir.join(ROOT_CERT_FILE);
    Certificate::parse(&files::read(&path)?).map_err(|e| CliError::file(path, e))
}

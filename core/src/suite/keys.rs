//! Keys at rest: private keys of any suite as PKCS#8 PEM (RFC 5958; Ed25519: RFC 8410), found
//! by their algorithm's object identifier, encrypted with a passphrase using PBES2 (RFC 8018)
//! with scrypt and AES-256-CBC, which OpenSSL reads; public keys as SubjectPublicKeyInfo PEM.
//!
//! Unencrypted keys are written or read only when the caller says so explicitly
//! ([`KeyProtection::PlainForTestsOnly`]). Decrypted key material is zeroized when dropped.

use ed25519_dalek::SigningKey;
use pkcs8::pkcs5::{pbes2, scrypt};
use pkcs8::{EncryptedPrivateKeyInfo, LineEnding, PrivateKeyInfo, SecretDocument};
use rand_core::CryptoRngCore;
use thiserror::Error;
use zeroize::Zeroizing;

use super::{by_oid, spki_der, AnySuite, Ed25519, PublicKey, Signer, Suite};

/// scrypt cost: N = 2^14, r = 8, p = 1 (16 MiB). This is OpenSSL's own default for
/// `openssl pkcs8 -scrypt`; larger N exceeds OpenSSL's default scrypt memory limit (32 MiB), and
/// OpenSSL could then not read the key.
pub(crate) const SCRYPT_LOG_N: u8 = 14;
/// scrypt block size parameter r.
pub(crate) const SCRYPT_R: u32 = 8;
/// scrypt parallelism parameter p.
pub(crate) const SCRYPT_P: u32 = 1;
/// Shortest passphrase accepted when encrypting.
pub const MIN_PASSPHRASE_LEN: usize = 8;

const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";
const PLAIN_LABEL: &str = "PRIVATE KEY";

/// How a private key is protected at rest.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum KeyProtection<'a> {
    /// Encrypted with this passphrase.
    Passphrase(&'a str),
    /// Not encrypted. Only for tests and throwaway demos: anyone who reads the file has the key.
    PlainForTestsOnly,
}

impl std::fmt::Debug for KeyProtection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyProtection::Passphrase(_) => f.write_str("Passphrase(***)"),
            KeyProtection::PlainForTestsOnly => f.write_str("PlainForTestsOnly"),
        }
    }
}

/// Why a key cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not a PEM private key.
    #[error("not a PKCS#8 PEM private key: {0}")]
    Malformed(String),
    /// The key is encrypted but no passphrase was given.
    #[error("the key is encrypted: a passphrase is needed")]
    PassphraseNeeded,
    /// The key is not encrypted and plain keys were not allowed.
    #[error("the key is NOT encrypted; refusing to use it without the explicit plain-key (tests only) option")]
    PlainNotAllowed,
    /// Wrong passphrase (or corrupted file).
    #[error("cannot decrypt the key: wrong passphrase or damaged file")]
    Decrypt,
    /// Not an Ed25519 key (where an Ed25519 key is asked for).
    #[error("not an Ed25519 key: {0}")]
    NotEd25519(String),
    /// A public key file holds another PEM block (its label).
    #[error("PEM block is {0:?}, expected \"PUBLIC KEY\"")]
    NotPublicKey(String),
    /// A public key is not in the one DER form of its suite (`SEQUENCE { algorithm, BIT STRING
    /// key }`, shortest lengths, no unused bits).
    #[error("the public key is not in its one DER form")]
    NonCanonicalPublicKey,
    /// The key's algorithm (object identifier) is of no accepted suite.
    #[error("key algorithm {0} is not an accepted signature suite")]
    UnsupportedAlgorithm(String),
    /// The passphrase is too short.
    #[error("the passphrase must be at least {MIN_PASSPHRASE_LEN} characters")]
    WeakPassphrase,
    /// Encryption failed.
    #[error("cannot encrypt the key: {0}")]
    Encrypt(String),
}

/// Write `key` as PKCS#8 PEM, encrypted unless `protection` is
/// [`KeyProtection::PlainForTestsOnly`]. `rng` supplies the salt and IV.
pub fn signing_key_to_pem(
    key: &SigningKey,
    protection: KeyProtection<'_>,
    rng: &mut impl CryptoRngCore,
) -> Result<Zeroizing<String>, KeyError> {
    let der = Ed25519::signing_key_to_pkcs8(key).map_err(|e| KeyError::Encrypt(e.to_string()))?;
    pkcs8_to_pem(&der, protection, rng)
}

/// A new private key of `suite`, from `rng`: its PKCS#8 PEM (encrypted unless `protection` is
/// [`KeyProtection::PlainForTestsOnly`]) and the key, ready to sign.
pub fn generate_key(
    suite: &dyn AnySuite,
    protection: KeyProtection<'_>,
    rng: &mut impl CryptoRngCore,
) -> Result<(Zeroizing<String>, Box<dyn Signer + Send + Sync>), KeyError> {
    let der = suite
        .generate_pkcs8(rng)
        .map_err(|e| KeyError::Encrypt(e.to_string()))?;
    let pem = pkcs8_to_pem(&der, protection, rng)?;
    let signer = suite
        .signer_from_pkcs8(&der)
        .map_err(|e| KeyError::Encrypt(e.to_string()))?;
    Ok((pem, signer))
}

/// PKCS#8 `PrivateKeyInfo` DER as PEM, encrypted unless `protection` is
/// [`KeyProtection::PlainForTestsOnly`].
fn pkcs8_to_pem(
    der: &[u8],
    protection: KeyProtection<'_>,
    rng: &mut impl CryptoRngCore,
) -> Result<Zeroizing<String>, KeyError> {
    let doc = match protection {
        KeyProtection::PlainForTestsOnly => {
            SecretDocument::try_from(der).map_err(|e| KeyError::Encrypt(e.to_string()))?
        }
        KeyProtection::Passphrase(p) => {
            if p.chars().count() < MIN_PASSPHRASE_LEN {
                return Err(KeyError::WeakPassphrase);
            }
            let mut salt = [0u8; 16];
            let mut iv = [0u8; 16];
            rng.fill_bytes(&mut salt);
            rng.fill_bytes(&mut iv);
            let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32)
                .map_err(|e| KeyError::Encrypt(e.to_string()))?;
            let scheme = pbes2::Parameters::scrypt_aes256cbc(params, &salt, &iv)
                .map_err(|e| KeyError::Encrypt(e.to_string()))?;
            PrivateKeyInfo::try_from(der)
                .and_then(|info| info.encrypt_with_params(scheme, p))
                .map_err(|e| KeyError::Encrypt(e.to_string()))?
        }
    };
    let label = match protection {
        KeyProtection::PlainForTestsOnly => PLAIN_LABEL,
        KeyProtection::Passphrase(_) => ENCRYPTED_LABEL,
    };
    doc.to_pem(label, LineEnding::LF)
        .map_err(|e| KeyError::Encrypt(e.to_string()))
}

/// The PKCS#8 `PrivateKeyInfo` DER inside a PEM private key, decrypted (ours or OpenSSL's: PBES2
/// with scrypt or PBKDF2).
fn pem_to_pkcs8(pem: &str, protection: KeyProtection<'_>) -> Result<SecretDocument, KeyError> {
    let (label, doc) =
        SecretDocument::from_pem(pem.trim()).map_err(|e| KeyError::Malformed(e.to_string()))?;
    match (label, protection) {
        (ENCRYPTED_LABEL, KeyProtection::Passphrase(p)) => {
            EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
                .map_err(|e| KeyError::Malformed(e.to_string()))?
                .decrypt(p)
                .map_err(|_| KeyError::Decrypt)
        }
        (ENCRYPTED_LABEL, KeyProtection::PlainForTestsOnly) => Err(KeyError::PassphraseNeeded),
        (PLAIN_LABEL, KeyProtection::PlainForTestsOnly) => Ok(doc),
        (PLAIN_LABEL, KeyProtection::Passphrase(_)) => Err(KeyError::PlainNotAllowed),
        (other, _) => Err(KeyError::Malformed(format!(
            "PEM block is {other:?}, expected {ENCRYPTED_LABEL:?}"
        ))),
    }
}

/// Read a PKCS#8 PEM Ed25519 private key (ours or OpenSSL's: PBES2 with scrypt or PBKDF2).
pub fn signing_key_from_pem(
    pem: &str,
    protection: KeyProtection<'_>,
) -> Result<SigningKey, KeyError> {
    let plain = pem_to_pkcs8(pem, protection)?;
    Ed25519::signing_key_from_pkcs8(plain.as_bytes())
        .map_err(|e| KeyError::NotEd25519(e.to_string()))
}

/// Read a PKCS#8 PEM private key of any accepted suite, found by its algorithm's object
/// identifier (ours or OpenSSL's: PBES2 with scrypt or PBKDF2).
pub fn signer_from_pem(
    pem: &str,
    protection: KeyProtection<'_>,
) -> Result<Box<dyn Signer + Send + Sync>, KeyError> {
    let plain = pem_to_pkcs8(pem, protection)?;
    let info = PrivateKeyInfo::try_from(plain.as_bytes())
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    let oid = info.algorithm.oid.to_string();
    let suite = by_oid(&oid).ok_or(KeyError::UnsupportedAlgorithm(oid))?;
    suite
        .signer_from_pkcs8(plain.as_bytes())
        .map_err(|e| KeyError::Malformed(e.to_string()))
}

/// Import a private key made elsewhere (such as by `openssl genpkey -algorithm ed25519`, with or
/// without `-aes-256-cbc`): PKCS#8 PEM of any accepted suite, encrypted (PBES2 with PBKDF2 or
/// scrypt, AES-CBC) when `passphrase` is given, else unencrypted. Returns it written again as
/// PKCS#8 PEM under `protection` (the importer's own, as [`generate_key`] writes a new key) and
/// the key, ready to sign. Unlike [`signer_from_pem`] an unencrypted key is read without the
/// tests-only option, because it is stored again under the importer's protection; an encrypted
/// key without a passphrase is [`KeyError::PassphraseNeeded`], a plain key with one is
/// [`KeyError::PlainNotAllowed`] (the passphrase was meant for something else).
pub fn import_key(
    pem: &str,
    passphrase: Option<&str>,
    protection: KeyProtection<'_>,
    rng: &mut impl CryptoRngCore,
) -> Result<(Zeroizing<String>, Box<dyn Signer + Send + Sync>), KeyError> {
    let reading = match passphrase {
        Some(p) => KeyProtection::Passphrase(p),
        None => KeyProtection::PlainForTestsOnly,
    };
    let plain = pem_to_pkcs8(pem, reading)?;
    let info = PrivateKeyInfo::try_from(plain.as_bytes())
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    let oid = info.algorithm.oid.to_string();
    let suite = by_oid(&oid).ok_or(KeyError::UnsupportedAlgorithm(oid))?;
    let signer = suite
        .signer_from_pkcs8(plain.as_bytes())
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    let pem = pkcs8_to_pem(plain.as_bytes(), protection, rng)?;
    Ok((pem, signer))
}

/// Write a public key of any suite as SubjectPublicKeyInfo PEM (`PUBLIC KEY`).
pub fn public_key_to_pem(key: &PublicKey) -> Result<String, KeyError> {
    der::pem::encode_string("PUBLIC KEY", LineEnding::LF, &spki_der(key))
        .map_err(|e| KeyError::Malformed(e.to_string()))
}

/// Read a SubjectPublicKeyInfo PEM public key of any accepted suite, rejecting weak or
/// non-canonical keys and any DER form but the one [`spki_der`] writes.
pub fn public_key_from_pem(pem: &str) -> Result<PublicKey, KeyError> {
    let (label, der) = der::pem::decode_vec(pem.trim().as_bytes())
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    if label != "PUBLIC KEY" {
        return Err(KeyError::NotPublicKey(label.to_owned()));
    }
    let info = pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der.as_slice())
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    let oid = info.algorithm.oid.to_string();
    let suite = by_oid(&oid).ok_or(KeyError::UnsupportedAlgorithm(oid))?;
    let bytes = info
        .subject_public_key
        .as_bytes()
        .ok_or(KeyError::NonCanonicalPublicKey)?;
    let key = suite
        .public_key(bytes)
        .map_err(|e| KeyError::Malformed(e.to_string()))?;
    if spki_der(&key) != der {
        return Err(KeyError::NonCanonicalPublicKey);
    }
    Ok(key)
}

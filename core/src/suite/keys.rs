//! Keys at rest: Ed25519 private keys as PKCS#8 PEM (RFC 5958, RFC 8410), encrypted with a
//! passphrase using PBES2 (RFC 8018) with scrypt and AES-256-CBC, which OpenSSL reads.
//!
//! Unencrypted keys are written or read only when the caller says so explicitly
//! ([`KeyProtection::PlainForTestsOnly`]). Decrypted key material is zeroized when dropped.

use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{SigningKey, VerifyingKey};
use pkcs8::pkcs5::{pbes2, scrypt};
use pkcs8::{EncryptedPrivateKeyInfo, LineEnding, PrivateKeyInfo, SecretDocument};
use rand_core::CryptoRngCore;
use thiserror::Error;
use zeroize::Zeroizing;

use super::{Ed25519, Suite};

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
    /// Not an Ed25519 key.
    #[error("not an Ed25519 key: {0}")]
    NotEd25519(String),
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
    // PKCS#8 v1 without the optional public key, as RFC 8410 §10.3 and OpenSSL write it:
    // OpenSSL 3.0 cannot read the v2 form with the public key that ed25519-dalek writes.
    let plain = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    }
    .to_pkcs8_der()
    .map_err(|e| KeyError::Encrypt(e.to_string()))?;
    let doc = match protection {
        KeyProtection::PlainForTestsOnly => plain,
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
            PrivateKeyInfo::try_from(plain.as_bytes())
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

/// Read a PKCS#8 PEM private key (ours or OpenSSL's: PBES2 with scrypt or PBKDF2).
pub fn signing_key_from_pem(
    pem: &str,
    protection: KeyProtection<'_>,
) -> Result<SigningKey, KeyError> {
    let (label, doc) =
        SecretDocument::from_pem(pem.trim()).map_err(|e| KeyError::Malformed(e.to_string()))?;
    let plain = match (label, protection) {
        (ENCRYPTED_LABEL, KeyProtection::Passphrase(p)) => {
            EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
                .map_err(|e| KeyError::Malformed(e.to_string()))?
                .decrypt(p)
                .map_err(|_| KeyError::Decrypt)?
        }
        (ENCRYPTED_LABEL, KeyProtection::PlainForTestsOnly) => {
            return Err(KeyError::PassphraseNeeded)
        }
        (PLAIN_LABEL, KeyProtection::PlainForTestsOnly) => doc,
        (PLAIN_LABEL, KeyProtection::Passphrase(_)) => return Err(KeyError::PlainNotAllowed),
        (other, _) => {
            return Err(KeyError::Malformed(format!(
                "PEM block is {other:?}, expected {ENCRYPTED_LABEL:?}"
            )))
        }
    };
    SigningKey::from_pkcs8_der(plain.as_bytes()).map_err(|e| KeyError::NotEd25519(e.to_string()))
}

/// Write a public key as SubjectPublicKeyInfo PEM (`PUBLIC KEY`).
pub fn public_key_to_pem(key: &VerifyingKey) -> Result<String, KeyError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| KeyError::Malformed(e.to_string()))
}

/// Read a SubjectPublicKeyInfo PEM Ed25519 public key, rejecting weak or non-canonical keys.
pub fn public_key_from_pem(pem: &str) -> Result<VerifyingKey, KeyError> {
    let key = VerifyingKey::from_public_key_pem(pem.trim())
        .map_err(|e| KeyError::NotEd25519(e.to_string()))?;
    Ed25519::public_key(key.as_bytes()).map_err(|e| KeyError::NotEd25519(e.to_string()))
}

//! Whose signatures a verifier accepts.
//!
//! A [`TrustStore`] maps key identifiers to the public keys of issuing departments. Key
//! identifiers are short (8 bytes), so two keys may share one; the store keeps every key under
//! its identifier and verification tries each, so a collision can never make a genuine license
//! fail or a forged one pass.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use thiserror::Error;

use crate::cose::{public_key_from_bytes, CoseError, Kid};
use crate::identifier::OrgCode;
use crate::license::check_text;
use crate::limits::MAX_TEXT_BYTES;

/// Why a key cannot be added to a trust store.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustError {
    /// The key is weak or non-canonical.
    #[error("{0}")]
    BadKey(CoseError),
    /// The same key is already trusted.
    #[error("key {0} is already in the trust store")]
    DuplicateKey(Kid),
    /// The department name is not acceptable text.
    #[error("department name: {0}")]
    BadName(String),
}

/// A public key trusted to sign licenses for one issuing department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// The department's organisation code; licenses it signs must name it as issuer.
    pub org_code: OrgCode,
    /// The department's name.
    pub name: String,
}

impl TrustedKey {
    /// This key's identifier.
    pub fn kid(&self) -> Kid {
        Kid::of(&self.key)
    }
}

/// The set of keys a verifier trusts.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    keys: BTreeMap<Kid, Vec<TrustedKey>>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trust `key` for the department `org_code` named `name`. Returns the key's identifier.
    pub fn add(
        &mut self,
        key: VerifyingKey,
        org_code: OrgCode,
        name: impl Into<String>,
    ) -> Result<Kid, TrustError> {
        let key = public_key_from_bytes(key.as_bytes()).map_err(TrustError::BadKey)?;
        let name = name.into();
        check_text("department name", &name, MAX_TEXT_BYTES)
            .map_err(|e| TrustError::BadName(e.to_string()))?;
        let kid = Kid::of(&key);
        let slot = self.keys.entry(kid).or_default();
        if slot.iter().any(|k| k.key == key) {
            return Err(TrustError::DuplicateKey(kid));
        }
        slot.push(TrustedKey {
            key,
            org_code,
            name,
        });
        Ok(kid)
    }

    /// Every trusted key with identifier `kid` (usually none or one).
    pub fn candidates(&self, kid: Kid) -> &[TrustedKey] {
        self.keys.get(&kid).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Number of trusted keys.
    pub fn len(&self) -> usize {
        self.keys.values().map(Vec::len).sum()
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

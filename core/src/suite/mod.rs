//! Signature suites: the one place that knows a signature algorithm.
//!
//! A [`Suite`] names its COSE algorithm identifier and key types, parses public keys (refusing
//! weak or non-canonical ones), signs and verifies strictly, and may verify many signatures at
//! once. Signing and checking signatures above this layer (COSE_Sign1, certificates, trust,
//! verification) go through the suite. Ed25519 ([`Ed25519`]) is the only suite; a second one is
//! a new file implementing [`Suite`] and an entry in [`ACCEPTED_ALGORITHMS`], and then the places
//! that still name Ed25519's key type must be generalised: trusted keys, certificates (their
//! keys, and rcgen's signer in `documents/cert.rs`), key files (`keys.rs`) and the default
//! `sign`/`verify` of COSE_Sign1 (`docs/ARCHITECTURE.md` lists them).

use std::fmt::Debug;

use thiserror::Error;

mod ed25519;
#[cfg(feature = "issuance")]
pub(crate) mod keys;

pub use ed25519::Ed25519;

/// The COSE algorithm identifiers a COSE_Sign1 header may name: one per suite.
pub const ACCEPTED_ALGORITHMS: &[i64] = &[Ed25519::ALG];

/// Why a public key or signature is refused by a suite.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SuiteError {
    /// A public key is not a valid, canonical, non-small-order key of the suite.
    #[error("public key rejected: {0}")]
    BadPublicKey(&'static str),
    /// A signature has the wrong length for the suite.
    #[error("signature must be {expected} bytes, found {found}")]
    BadSignatureLength {
        /// The suite's signature length.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// The signature does not verify under the suite's strict rules.
    #[error("signature does not verify with the signer's key: the document was altered or not signed by that key")]
    BadSignature,
}

/// A signature algorithm with its key types, behind one small interface.
pub trait Suite {
    /// The COSE algorithm identifier (RFC 9053), carried in the protected header.
    const ALG: i64;
    /// The length of a signature in bytes.
    const SIGNATURE_LEN: usize;
    /// A public key, already checked to be acceptable.
    type PublicKey: Clone + Debug + PartialEq + Eq;
    /// A private signing key.
    type SigningKey;

    /// Parse the raw public key bytes, refusing weak and non-canonical keys.
    fn public_key(bytes: &[u8]) -> Result<Self::PublicKey, SuiteError>;
    /// The raw bytes of a public key (what a key identifier hashes).
    fn public_key_bytes(key: &Self::PublicKey) -> Vec<u8>;
    /// The public key of a signing key.
    fn public_key_of(key: &Self::SigningKey) -> Self::PublicKey;
    /// Sign `message`.
    fn sign(key: &Self::SigningKey, message: &[u8]) -> Vec<u8>;
    /// Verify `signature` over `message` with the suite's strict rules.
    fn verify(key: &Self::PublicKey, message: &[u8], signature: &[u8]) -> Result<(), SuiteError>;
    /// Verify many signatures at once: `true` only when every one verifies. Whether a signature
    /// may take this path at all is [`Suite::key_batchable`] and [`Suite::signature_batchable`]'s answer. The default checks each one.
    fn verify_batch(items: &[(&[u8], &[u8], &Self::PublicKey)]) -> bool {
        items
            .iter()
            .all(|(message, signature, key)| Self::verify(key, message, signature).is_ok())
    }
    /// Whether signatures by `key` may be checked by [`Suite::verify_batch`] (callers cache the
    /// answer per key: it may cost as much as a verification).
    fn key_batchable(_key: &Self::PublicKey) -> bool {
        true
    }
    /// Whether `signature` may be checked by [`Suite::verify_batch`] and get the answer
    /// [`Suite::verify`] would give; when not, it is verified on its own.
    fn signature_batchable(_signature: &[u8]) -> bool {
        true
    }
}

//! Signature suites: the one place that knows a signature algorithm.
//!
//! A [`Suite`] names its COSE algorithm identifier, its X.509/PKCS#8 object identifier and key
//! types, parses public keys (refusing weak or non-canonical ones), signs and verifies strictly,
//! and may verify many signatures at once. Above this layer no code names an algorithm: keys are
//! [`PublicKey`]s and [`Signer`]s of whichever suite, and an algorithm identifier met in a
//! document is looked up in [`SUITES`] (`registry.rs`). Ed25519 ([`Ed25519`]) is the only suite;
//! a second one is a new file implementing [`Suite`] (and [`Signer`] for its signing key) and its
//! line in [`SUITES`]. Key files at rest (`keys.rs`, PKCS#8) are read for the suite their object
//! identifier names.

use std::fmt::Debug;

use thiserror::Error;

mod ed25519;
#[cfg(feature = "issuance")]
pub(crate) mod keys;
mod registry;
#[cfg(test)]
pub(crate) mod second;

pub use ed25519::Ed25519;
pub(crate) use registry::der_length;
pub use registry::{
    by_alg, by_oid, default_suite, spki_der, verify_batch, AnySuite, Entry, PublicKey, Signer,
    SUITES,
};

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
    /// No accepted suite has this COSE algorithm identifier.
    #[error("algorithm {0} is not an accepted signature suite")]
    UnknownAlgorithm(i64),
    /// The signature is of one suite, the key of another.
    #[error("the signature is made with algorithm {signature}, the key is for algorithm {key}")]
    WrongAlgorithm {
        /// The algorithm the signature says it uses.
        signature: i64,
        /// The key's algorithm.
        key: i64,
    },
    /// A private key (PKCS#8) is not a key of the suite; the text is the decoder's.
    #[error("private key rejected: {0}")]
    BadPrivateKey(String),
    /// The signature does not verify under the suite's strict rules.
    #[error("signature does not verify with the signer's key: the document was altered or not signed by that key")]
    BadSignature,
}

/// A signature algorithm with its key types, behind one small interface.
pub trait Suite: 'static {
    /// The suite's name, for messages.
    const NAME: &'static str;
    /// The COSE algorithm identifier (RFC 9053), carried in the protected header.
    const ALG: i64;
    /// The object identifier of the algorithm in X.509 and PKCS#8, dotted.
    const OID: &'static str;
    /// [`Suite::OID`] as arcs.
    const OID_ARCS: &'static [u64];
    /// The one DER form of its AlgorithmIdentifier accepted in certificates (signature
    /// algorithm and subject public key), whole `SEQUENCE` included.
    const ALGORITHM_IDENTIFIER_DER: &'static [u8];
    /// The length of a signature in bytes.
    const SIGNATURE_LEN: usize;
    /// A public key, already checked to be acceptable.
    type PublicKey: Clone + Debug + PartialEq + Eq + Send + Sync + 'static;
    /// A private signing key.
    type SigningKey: Signer + Send + Sync + 'static;

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
    /// Read a private key from its PKCS#8 `PrivateKeyInfo` (DER), the form OpenSSL writes.
    #[cfg(feature = "issuance")]
    fn signing_key_from_pkcs8(der: &[u8]) -> Result<Self::SigningKey, SuiteError>;
    /// Write a private key as PKCS#8 `PrivateKeyInfo` (DER), in a form OpenSSL reads.
    #[cfg(feature = "issuance")]
    fn signing_key_to_pkcs8(
        key: &Self::SigningKey,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, SuiteError>;
    /// A new private key from `rng`.
    #[cfg(feature = "issuance")]
    fn generate(rng: &mut dyn rand_core::CryptoRngCore) -> Self::SigningKey;
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

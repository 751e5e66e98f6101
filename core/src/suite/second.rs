//! A second suite, for tests only: proof that a suite is one file and one line in
//! [`super::SUITES`], with no `match` on algorithms anywhere else.
//!
//! It is Ed25519 under another algorithm identifier (a COSE private-use value) and another
//! object identifier (under the X.660 `example` arc), with its messages domain-separated so that
//! an Ed25519 signature never verifies under it, nor the converse. Nothing outside the tests of
//! this crate can name it, and no document in `fixtures/` uses it.

use ed25519_dalek::{SigningKey, VerifyingKey};

use super::{AnySuite, Ed25519, Entry, PublicKey, Signer, Suite, SuiteError};

/// The second suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Second;

/// A public key of [`Second`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondPublic(VerifyingKey);

/// A signing key of [`Second`].
pub struct SecondKey(pub SigningKey);

const DOMAIN: &[u8] = b"elicense second suite\0";

fn separated(message: &[u8]) -> Vec<u8> {
    [DOMAIN, message].concat()
}

impl Suite for Second {
    const NAME: &'static str = "Second (tests only)";
    const ALG: i64 = -65_537;
    const OID: &'static str = "2.999.3625.99";
    const OID_ARCS: &'static [u64] = &[2, 999, 3625, 99];
    const ALGORITHM_IDENTIFIER_DER: &'static [u8] =
        &[0x30, 0x07, 0x06, 0x05, 0x88, 0x37, 0x9c, 0x29, 0x63];
    const SIGNATURE_LEN: usize = 64;
    type PublicKey = SecondPublic;
    type SigningKey = SecondKey;

    fn public_key(bytes: &[u8]) -> Result<SecondPublic, SuiteError> {
        Ed25519::public_key(bytes).map(SecondPublic)
    }
    fn public_key_bytes(key: &SecondPublic) -> Vec<u8> {
        key.0.as_bytes().to_vec()
    }
    fn public_key_of(key: &SecondKey) -> SecondPublic {
        SecondPublic(key.0.verifying_key())
    }
    fn sign(key: &SecondKey, message: &[u8]) -> Vec<u8> {
        Ed25519::sign(&key.0, &separated(message))
    }
    #[cfg(feature = "issuance")]
    fn signing_key_from_pkcs8(_der: &[u8]) -> Result<SecondKey, SuiteError> {
        Err(SuiteError::BadPrivateKey(
            "the tests-only suite has no key files".into(),
        ))
    }
    #[cfg(feature = "issuance")]
    fn signing_key_to_pkcs8(_key: &SecondKey) -> Result<zeroize::Zeroizing<Vec<u8>>, SuiteError> {
        Err(SuiteError::BadPrivateKey(
            "the tests-only suite has no key files".into(),
        ))
    }
    #[cfg(feature = "issuance")]
    fn generate(rng: &mut dyn rand_core::CryptoRngCore) -> SecondKey {
        SecondKey(Ed25519::generate(rng))
    }
    fn verify(key: &SecondPublic, message: &[u8], signature: &[u8]) -> Result<(), SuiteError> {
        Ed25519::verify(&key.0, &separated(message), signature)
    }
}

impl Signer for SecondKey {
    fn suite(&self) -> &'static dyn AnySuite {
        &Entry::<Second>::NEW
    }
    fn public_key(&self) -> PublicKey {
        PublicKey::new::<Second>(Second::public_key_of(self))
    }
    fn sign(&self, message: &[u8]) -> Vec<u8> {
        Second::sign(self, message)
    }
}

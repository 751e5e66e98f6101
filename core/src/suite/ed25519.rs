//! EdDSA over Ed25519 (RFC 8032; COSE algorithm -8), with ed25519-dalek's strict verification.

use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

use super::{AnySuite, Entry, PublicKey, Signer as SuiteSigner, Suite, SuiteError};

/// The Ed25519 suite: keys must be canonical and not of small order; signatures are checked
/// with `verify_strict` (S below the group order, R canonical and not of small order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ed25519;

impl Suite for Ed25519 {
    const NAME: &'static str = "Ed25519";
    const ALG: i64 = -8;
    const OID: &'static str = "1.3.101.112";
    const OID_ARCS: &'static [u64] = &[1, 3, 101, 112];
    /// `SEQUENCE { OID 1.3.101.112 }`, parameters absent (RFC 8410 §3).
    const ALGORITHM_IDENTIFIER_DER: &'static [u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
    const SIGNATURE_LEN: usize = 64;
    type PublicKey = VerifyingKey;
    type SigningKey = SigningKey;

    fn public_key(bytes: &[u8]) -> Result<VerifyingKey, SuiteError> {
        let raw: [u8; 32] = bytes
            .try_into()
            .map_err(|_| SuiteError::BadPublicKey("an Ed25519 public key is 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&raw)
            .map_err(|_| SuiteError::BadPublicKey("not a point on the Ed25519 curve"))?;
        if key.is_weak() {
            return Err(SuiteError::BadPublicKey("small-order point"));
        }
        // `to_bytes` echoes the input; re-compress the decoded point to see its canonical form.
        if key.to_edwards().compress().to_bytes() != raw {
            return Err(SuiteError::BadPublicKey("non-canonical point encoding"));
        }
        Ok(key)
    }

    fn public_key_bytes(key: &VerifyingKey) -> Vec<u8> {
        key.as_bytes().to_vec()
    }

    fn public_key_of(key: &SigningKey) -> VerifyingKey {
        key.verifying_key()
    }

    fn sign(key: &SigningKey, message: &[u8]) -> Vec<u8> {
        ed25519_dalek::Signer::sign(key, message)
            .to_bytes()
            .to_vec()
    }

    /// PKCS#8 v1 or v2 (RFC 8410 §7), as OpenSSL and ed25519-dalek write it.
    #[cfg(feature = "issuance")]
    fn signing_key_from_pkcs8(der: &[u8]) -> Result<SigningKey, SuiteError> {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        SigningKey::from_pkcs8_der(der).map_err(|e| SuiteError::BadPrivateKey(e.to_string()))
    }

    /// PKCS#8 v1 without the optional public key, as RFC 8410 §10.3 and OpenSSL write it:
    /// OpenSSL 3.0 cannot read the v2 form with the public key that ed25519-dalek writes.
    #[cfg(feature = "issuance")]
    fn signing_key_to_pkcs8(key: &SigningKey) -> Result<zeroize::Zeroizing<Vec<u8>>, SuiteError> {
        use ed25519_dalek::pkcs8::{EncodePrivateKey, KeypairBytes};
        let der = KeypairBytes {
            secret_key: key.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_der()
        .map_err(|e| SuiteError::BadPrivateKey(e.to_string()))?;
        Ok(zeroize::Zeroizing::new(der.as_bytes().to_vec()))
    }

    #[cfg(feature = "issuance")]
    fn generate(rng: &mut dyn rand_core::CryptoRngCore) -> SigningKey {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        SigningKey::from_bytes(&seed)
    }

    fn verify(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<(), SuiteError> {
        let signature: &[u8; 64] =
            signature
                .try_into()
                .map_err(|_| SuiteError::BadSignatureLength {
                    expected: Self::SIGNATURE_LEN,
                    found: signature.len(),
                })?;
        key.verify_strict(message, &Signature::from_bytes(signature))
            .map_err(|_| SuiteError::BadSignature)
    }

    /// ed25519-dalek's `verify_batch`, deterministic: its random coefficients come from a merlin
    /// transcript of the inputs, so no random number generator is needed.
    ///
    /// It checks the cofactorless equation `[S]B = R + [k]A` for all signatures at once. The one
    /// difference it cannot see is a signature whose R the *signer* built with a small-order
    /// component (only the key holder can; altering a valid signature this way breaks it for the
    /// batch as well): strict single verification rejects it, the batch equation may accept it.
    /// Detecting it would need a subgroup check of each R, which costs as much as a
    /// verification. See `docs/BENCHMARKS.md`.
    fn verify_batch(items: &[(&[u8], &[u8], &VerifyingKey)]) -> bool {
        let mut messages = Vec::with_capacity(items.len());
        let mut signatures = Vec::with_capacity(items.len());
        let mut keys = Vec::with_capacity(items.len());
        for (message, signature, key) in items {
            let Ok(signature) = <&[u8; 64]>::try_from(*signature) else {
                return false;
            };
            messages.push(*message);
            signatures.push(Signature::from_bytes(signature));
            keys.push(**key);
        }
        ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
    }

    /// Keys free of small-order components (trusted keys are already canonical and not of small
    /// order).
    fn key_batchable(key: &VerifyingKey) -> bool {
        key.to_edwards().is_torsion_free()
    }

    /// S canonical, R canonical and not of small order: the checks strict verification makes
    /// that the batch equation does not.
    fn signature_batchable(signature: &[u8]) -> bool {
        if signature.len() != Self::SIGNATURE_LEN {
            return false;
        }
        let (r, s) = signature.split_at(32);
        let s_canonical = <[u8; 32]>::try_from(s).ok().is_some_and(|s| {
            bool::from(curve25519_dalek::Scalar::from_canonical_bytes(s).is_some())
        });
        s_canonical && r_acceptable(r)
    }
}

impl SuiteSigner for SigningKey {
    fn suite(&self) -> &'static dyn AnySuite {
        &Entry::<Ed25519>::NEW
    }
    fn public_key(&self) -> PublicKey {
        PublicKey::new::<Ed25519>(self.verifying_key())
    }
    fn sign(&self, message: &[u8]) -> Vec<u8> {
        Ed25519::sign(self, message)
    }
}

impl From<VerifyingKey> for PublicKey {
    /// A key from ed25519-dalek. Its checks (canonical, not of small order) are
    /// [`Ed25519::public_key`]'s; keys that fail them are refused where keys are trusted.
    fn from(key: VerifyingKey) -> PublicKey {
        PublicKey::new::<Ed25519>(key)
    }
}

/// Whether R is the canonical encoding of a point not of small order, as strict verification
/// requires, judged from the encoding alone (no point decompression, which the batch equation
/// does anyway): y must be below p = 2^255 - 19, and y must not be that of one of the eight
/// small-order points (this also rejects their encodings with a wrong sign bit, such as
/// (0, 1) with the sign bit set). An R that is not a point at all fails the batch, and the
/// document is then verified on its own.
fn r_acceptable(r: &[u8]) -> bool {
    let Ok(mut y) = <[u8; 32]>::try_from(r) else {
        return false;
    };
    y[31] &= 0x7f;
    let at_least_p = y[0] >= 0xed && y[1..31].iter().all(|&b| b == 0xff) && y[31] == 0x7f;
    !at_least_p && !small_order_ys().contains(&y)
}

/// The y coordinates (encodings without the sign bit) of the eight small-order points.
fn small_order_ys() -> &'static [[u8; 32]; 8] {
    static YS: std::sync::OnceLock<[[u8; 32]; 8]> = std::sync::OnceLock::new();
    YS.get_or_init(|| {
        curve25519_dalek::constants::EIGHT_TORSION.map(|point| {
            let mut y = point.compress().to_bytes();
            y[31] &= 0x7f;
            y
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn non_canonical_s_is_rejected() {
        // S + L, where L is the group order, verifies under lax rules only.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut signature = Ed25519::sign(&key(), b"hello");
        let mut carry = 0u16;
        for (s, l) in signature[32..].iter_mut().zip(L) {
            let sum = *s as u16 + l as u16 + carry;
            *s = sum as u8;
            carry = sum >> 8;
        }
        assert_eq!(
            Ed25519::verify(&key().verifying_key(), b"hello", &signature),
            Err(SuiteError::BadSignature)
        );
        assert!(!Ed25519::signature_batchable(&signature));
    }

    #[test]
    fn weak_and_non_canonical_public_keys_are_rejected() {
        // The identity point (small order).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            Ed25519::public_key(&identity),
            Err(SuiteError::BadPublicKey("small-order point"))
        );
        // y = p + 1 ≡ 1 is a non-canonical encoding of the identity; y = 2^255 - 1 (> p) likewise.
        let mut noncanon = [0xffu8; 32];
        noncanon[31] = 0x7f;
        assert!(Ed25519::public_key(&noncanon).is_err());
        assert!(Ed25519::public_key(&[0u8; 31]).is_err());
        assert!(Ed25519::public_key(key().verifying_key().as_bytes()).is_ok());
    }

    #[test]
    fn a_batch_fails_when_one_signature_is_bad() {
        let k = key();
        let pk = k.verifying_key();
        let good = Ed25519::sign(&k, b"a");
        let other = Ed25519::sign(&k, b"b");
        assert!(Ed25519::verify_batch(&[
            (b"a", &good, &pk),
            (b"b", &other, &pk)
        ]));
        assert!(!Ed25519::verify_batch(&[
            (b"a", &good, &pk),
            (b"b", &good, &pk)
        ]));
    }
}

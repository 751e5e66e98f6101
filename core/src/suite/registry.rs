//! The accepted suites, and the key types every layer above this one uses: a [`PublicKey`] and a
//! [`Signer`] of whichever suite, so that no code above `suite/` names an algorithm.
//!
//! [`SUITES`] is the one list of suites. Everything that meets an algorithm identifier (a COSE
//! `alg`, an X.509 or PKCS#8 object identifier) finds its suite here, by [`by_alg`] or
//! [`by_oid`]; a suite is seen through [`AnySuite`], an object-safe view of [`Suite`] that
//! [`Entry`] provides for every suite.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use super::{Ed25519, Suite, SuiteError};

/// Every accepted suite. A new suite is a file implementing [`Suite`] (and [`Signer`] for its
/// signing key) plus its line here.
#[cfg(not(test))]
pub static SUITES: &[&dyn AnySuite] = &[&Entry::<Ed25519>::NEW];

/// In this crate's own tests, a second suite too (`suite/second.rs`).
#[cfg(test)]
pub static SUITES: &[&dyn AnySuite] =
    &[&Entry::<Ed25519>::NEW, &Entry::<super::second::Second>::NEW];

/// The suite whose COSE algorithm identifier is `alg`.
pub fn by_alg(alg: i64) -> Option<&'static dyn AnySuite> {
    SUITES.iter().copied().find(|s| s.alg() == alg)
}

/// The suite whose object identifier (dotted form, as in X.509 and PKCS#8) is `oid`.
pub fn by_oid(oid: &str) -> Option<&'static dyn AnySuite> {
    SUITES.iter().copied().find(|s| s.oid() == oid)
}

/// A suite seen without its types: what code that meets an algorithm identifier needs.
pub trait AnySuite: Sync + fmt::Debug {
    /// [`Suite::NAME`].
    fn name(&self) -> &'static str;
    /// [`Suite::ALG`].
    fn alg(&self) -> i64;
    /// [`Suite::OID`].
    fn oid(&self) -> &'static str;
    /// [`Suite::OID_ARCS`].
    fn oid_arcs(&self) -> &'static [u64];
    /// [`Suite::ALGORITHM_IDENTIFIER_DER`].
    fn algorithm_identifier_der(&self) -> &'static [u8];
    /// [`Suite::SIGNATURE_LEN`].
    fn signature_len(&self) -> usize;
    /// Parse raw public key bytes ([`Suite::public_key`]).
    fn public_key(&self, bytes: &[u8]) -> Result<PublicKey, SuiteError>;
    /// [`Suite::verify_batch`] over keys of this suite; `false` when a key is of another suite.
    fn verify_batch(&self, items: &[(&[u8], &[u8], &PublicKey)]) -> bool;
    /// Read a private key of this suite from PKCS#8 DER ([`Suite::signing_key_from_pkcs8`]).
    #[cfg(feature = "issuance")]
    fn signer_from_pkcs8(&self, der: &[u8]) -> Result<Box<dyn Signer + Send + Sync>, SuiteError>;
    /// A new private key of this suite as PKCS#8 DER ([`Suite::generate`]).
    #[cfg(feature = "issuance")]
    fn generate_pkcs8(
        &self,
        rng: &mut dyn rand_core::CryptoRngCore,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, SuiteError>;
}

/// [`AnySuite`] for the suite `S`.
pub struct Entry<S>(PhantomData<fn() -> S>);

impl<S> Entry<S> {
    /// The entry (a constant, for [`SUITES`]).
    pub const NEW: Self = Entry(PhantomData);
}

impl<S> fmt::Debug for Entry<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::any::type_name::<S>())
    }
}

impl<S: Suite + 'static> AnySuite for Entry<S> {
    fn name(&self) -> &'static str {
        S::NAME
    }
    fn alg(&self) -> i64 {
        S::ALG
    }
    fn oid(&self) -> &'static str {
        S::OID
    }
    fn oid_arcs(&self) -> &'static [u64] {
        S::OID_ARCS
    }
    fn algorithm_identifier_der(&self) -> &'static [u8] {
        S::ALGORITHM_IDENTIFIER_DER
    }
    fn signature_len(&self) -> usize {
        S::SIGNATURE_LEN
    }
    fn public_key(&self, bytes: &[u8]) -> Result<PublicKey, SuiteError> {
        S::public_key(bytes).map(PublicKey::new::<S>)
    }
    fn verify_batch(&self, items: &[(&[u8], &[u8], &PublicKey)]) -> bool {
        let mut typed = Vec::with_capacity(items.len());
        for (message, signature, key) in items {
            match key.0.as_any().downcast_ref::<Keyed<S>>() {
                Some(k) => typed.push((*message, *signature, &k.key)),
                None => return false,
            }
        }
        S::verify_batch(&typed)
    }
    #[cfg(feature = "issuance")]
    fn signer_from_pkcs8(&self, der: &[u8]) -> Result<Box<dyn Signer + Send + Sync>, SuiteError> {
        Ok(Box::new(S::signing_key_from_pkcs8(der)?))
    }
    #[cfg(feature = "issuance")]
    fn generate_pkcs8(
        &self,
        rng: &mut dyn rand_core::CryptoRngCore,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, SuiteError> {
        S::signing_key_to_pkcs8(&S::generate(rng))
    }
}

/// The suite new keys are made for when the caller names none.
pub fn default_suite() -> &'static dyn AnySuite {
    &Entry::<Ed25519>::NEW
}

/// A public key of one of the [`SUITES`], checked when it was made (canonical, not weak). Cheap
/// to clone. Two keys are equal when they are of the same suite with the same bytes.
#[derive(Clone)]
pub struct PublicKey(Arc<dyn AnyKey>);

/// The object-safe side of a suite's public key.
trait AnyKey: Send + Sync {
    fn suite(&self) -> &'static dyn AnySuite;
    fn bytes(&self) -> &[u8];
    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SuiteError>;
    fn batchable(&self) -> bool;
    fn signature_batchable(&self, signature: &[u8]) -> bool;
    fn as_any(&self) -> &dyn Any;
}

struct Keyed<S: Suite> {
    key: S::PublicKey,
    bytes: Vec<u8>,
    batchable: OnceLock<bool>,
}

impl<S: Suite + 'static> AnyKey for Keyed<S> {
    fn suite(&self) -> &'static dyn AnySuite {
        &Entry::<S>::NEW
    }
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SuiteError> {
        S::verify(&self.key, message, signature)
    }
    fn batchable(&self) -> bool {
        *self.batchable.get_or_init(|| S::key_batchable(&self.key))
    }
    fn signature_batchable(&self, signature: &[u8]) -> bool {
        S::signature_batchable(signature)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl PublicKey {
    /// Wrap a key of suite `S` (already checked by [`Suite::public_key`]).
    pub fn new<S: Suite + 'static>(key: S::PublicKey) -> PublicKey {
        let bytes = S::public_key_bytes(&key);
        PublicKey(Arc::new(Keyed::<S> {
            key,
            bytes,
            batchable: OnceLock::new(),
        }))
    }

    /// Parse the raw bytes of a key of the suite with COSE algorithm identifier `alg`.
    pub fn parse(alg: i64, bytes: &[u8]) -> Result<PublicKey, SuiteError> {
        by_alg(alg)
            .ok_or(SuiteError::UnknownAlgorithm(alg))?
            .public_key(bytes)
    }

    /// The key's suite.
    pub fn suite(&self) -> &'static dyn AnySuite {
        self.0.suite()
    }

    /// The COSE algorithm identifier of the key's suite.
    pub fn alg(&self) -> i64 {
        self.0.suite().alg()
    }

    /// The raw public key bytes (what a key identifier hashes).
    pub fn bytes(&self) -> &[u8] {
        self.0.bytes()
    }

    /// Verify `signature` over `message` with the suite's strict rules.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SuiteError> {
        self.0.verify(message, signature)
    }

    /// Whether signatures by this key may take the batch path ([`Suite::key_batchable`]; worked
    /// out once per key).
    pub fn batchable(&self) -> bool {
        self.0.batchable()
    }

    /// Whether `signature` may take the batch path of this key's suite and get the answer
    /// [`PublicKey::verify`] would give ([`Suite::signature_batchable`]).
    pub fn signature_batchable(&self, signature: &[u8]) -> bool {
        self.0.signature_batchable(signature)
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.alg() == other.alg() && self.bytes() == other.bytes()
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} ", self.suite().name())?;
        self.bytes().iter().try_for_each(|b| write!(f, "{b:02x}"))?;
        f.write_str(")")
    }
}

/// Verify many signatures at once: `true` only when every one verifies. Items are grouped by
/// suite, each group checked by its suite's [`Suite::verify_batch`].
pub fn verify_batch(items: &[(&[u8], &[u8], &PublicKey)]) -> bool {
    SUITES.iter().all(|suite| {
        let group: Vec<_> = items
            .iter()
            .filter(|(_, _, key)| key.alg() == suite.alg())
            .copied()
            .collect();
        group.is_empty() || suite.verify_batch(&group)
    }) && items.iter().all(|(_, _, key)| by_alg(key.alg()).is_some())
}

/// The DER SubjectPublicKeyInfo of `key`: `SEQUENCE { algorithm, BIT STRING key }`, `algorithm`
/// being its suite's one AlgorithmIdentifier ([`Suite::ALGORITHM_IDENTIFIER_DER`]). The one form
/// accepted in certificates, and the `PUBLIC KEY` PEM files.
pub fn spki_der(key: &PublicKey) -> Vec<u8> {
    let algorithm = key.suite().algorithm_identifier_der();
    let mut bits = vec![0x03];
    der_length(&mut bits, key.bytes().len() + 1);
    bits.push(0x00);
    bits.extend_from_slice(key.bytes());
    let mut out = vec![0x30];
    der_length(&mut out, algorithm.len() + bits.len());
    out.extend_from_slice(algorithm);
    out.extend_from_slice(&bits);
    out
}

/// Append a DER length (short form below 128, else the shortest long form).
pub(crate) fn der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    out.push(0x80 | (bytes.len() - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

/// A private key that signs for one of the [`SUITES`]. Each suite implements it for its signing
/// key type; signing functions take `&impl Signer` (or `&dyn Signer`).
pub trait Signer {
    /// The suite this key signs for.
    fn suite(&self) -> &'static dyn AnySuite;
    /// The matching public key.
    fn public_key(&self) -> PublicKey;
    /// Sign `message`.
    fn sign(&self, message: &[u8]) -> Vec<u8>;
}

/// A boxed key signs as the key inside (keys read from files are boxed: their suite is known
/// only at run time).
impl<K: Signer + ?Sized> Signer for Box<K> {
    fn suite(&self) -> &'static dyn AnySuite {
        (**self).suite()
    }
    fn public_key(&self) -> PublicKey {
        (**self).public_key()
    }
    fn sign(&self, message: &[u8]) -> Vec<u8> {
        (**self).sign(message)
    }
}

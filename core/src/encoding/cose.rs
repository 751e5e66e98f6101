//! COSE_Sign1 (RFC 9052 §4.2, CBOR tag 18): the envelope of every signed document, and the
//! [`Payload`] trait that every kind of signed document implements.
//!
//! The protected header holds exactly `alg` (1), the signature suite's COSE algorithm (EdDSA,
//! -8, for [`crate::Ed25519`]), `content type` (3) naming what is signed (see [`ContentType`]) and `kid`
//! (4) = the first 8 bytes of SHA-256 of the signer's raw public key (see [`Kid`]). The
//! unprotected header is empty. The whole structure and the protected header must be in
//! deterministic CBOR encoding, so one signed document has exactly one byte form. Signatures are
//! checked by the suite's strict verification ([`crate::Suite::verify`]).

use std::fmt;
use std::str::FromStr;

use serde_cbor::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::cbor::{self, CborError, FieldError, Key, MapReader};
use crate::suite::{by_alg, AnySuite, PublicKey, Signer, SuiteError};

/// CBOR tag of a COSE_Sign1 structure.
pub const TAG_COSE_SIGN1: u64 = 18;
/// Length of a key identifier.
pub const KID_LEN: usize = 8;

/// The protected header's labels (RFC 9052 §3.1), each named once.
mod label {
    use super::Key;

    pub const ALG: Key = Key::new(1, "alg");
    pub const CONTENT_TYPE: Key = Key::new(3, "content type");
    pub const KID: Key = Key::new(4, "kid");

    /// Every label, for refusing the others.
    pub const ALL: &[Key] = &[ALG, CONTENT_TYPE, KID];
}

/// What a signed document contains, carried in the protected `content type` header as a CoAP
/// content-format number from the experimental range 65000–65535. Binding the type into the
/// signature means a signature over one kind of document is never accepted for another.
///
/// This enum is the registry of content-type numbers (`docs/FORMAT.md` §4): a new kind of
/// document adds a variant and its row in [`ContentType::ALL`] and `entry` here, and implements
/// [`Payload`] in a file of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentType {
    /// A license payload (`docs/FORMAT.md` §3).
    License,
    /// An attachment attestation.
    Attestation,
    /// A trust list.
    TrustList,
    /// A revocation status list.
    StatusList,
    /// A license of format version 2 (`docs/FORMAT.md` §11), or a presentation of one (§12).
    LicenseV2,
}

impl ContentType {
    /// Every kind of document.
    pub const ALL: [ContentType; 5] = [
        ContentType::License,
        ContentType::Attestation,
        ContentType::TrustList,
        ContentType::StatusList,
        ContentType::LicenseV2,
    ];

    /// The kind's number in the header and its stable snake_case name.
    const fn entry(self) -> (u16, &'static str) {
        match self {
            ContentType::License => (65000, "license"),
            ContentType::Attestation => (65001, "attestation"),
            ContentType::TrustList => (65002, "trust_list"),
            ContentType::StatusList => (65003, "status_list"),
            ContentType::LicenseV2 => (65004, "license_v2"),
        }
    }

    /// The number carried in the header.
    pub const fn number(self) -> u16 {
        self.entry().0
    }

    /// A stable snake_case name: `license`, `attestation`, `trust_list`, `status_list`.
    pub const fn code(self) -> &'static str {
        self.entry().1
    }

    fn from_number(n: i128) -> Option<Self> {
        Self::ALL.into_iter().find(|c| i128::from(c.number()) == n)
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.code().replace('_', " ");
        write!(f, "{name} ({})", self.number())
    }
}

/// Why a COSE_Sign1 structure or a public key is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CoseError {
    /// Larger than the size limit it was parsed with.
    #[error("signed document is {len} bytes, more than the limit of {max}")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The structure is not acceptable CBOR.
    #[error("COSE_Sign1: {0}")]
    Cbor(CborError),
    /// Not tagged 18.
    #[error("not a COSE_Sign1 structure: expected CBOR tag 18, found {0}")]
    NotTagged(String),
    /// Not an array of four items.
    #[error("COSE_Sign1 must be an array of 4 items (protected, unprotected, payload, signature)")]
    NotFourItems,
    /// The protected header is malformed.
    #[error("protected header: {0}")]
    ProtectedHeader(HeaderProblem),
    /// The protected header is not in deterministic encoding.
    #[error("protected header: {0}")]
    ProtectedHeaderCbor(CborError),
    /// No `alg` header.
    #[error("protected header has no algorithm (alg); unsigned or \"none\" documents are never accepted")]
    MissingAlgorithm,
    /// `alg` is not the algorithm of one of the accepted suites ([`crate::suite::SUITES`]).
    #[error(
        "algorithm {0} is not supported; only the accepted suites' algorithms (EdDSA, -8) are"
    )]
    UnsupportedAlgorithm(String),
    /// No `kid` header.
    #[error("protected header has no key identifier (kid)")]
    MissingKid,
    /// `kid` has the wrong length.
    #[error("key identifier must be {KID_LEN} bytes, found {0}")]
    BadKidLength(usize),
    /// No content-type header.
    #[error("protected header has no content type")]
    MissingContentType,
    /// Unknown content type.
    #[error("content type {0} is not one this library knows")]
    UnknownContentType(String),
    /// A different kind of document than expected.
    #[error("document is a {found}, expected a {expected}")]
    WrongContentType {
        /// What the caller asked for.
        expected: ContentType,
        /// What the document says it is.
        found: ContentType,
    },
    /// The unprotected header is not empty.
    #[error("unprotected header must be empty; unsigned headers are not accepted")]
    UnprotectedHeaderNotEmpty,
    /// The payload is detached (nil) or not a byte string.
    #[error("payload must be an embedded byte string (detached payloads are not supported)")]
    BadPayload,
    /// The signature is not a byte string.
    #[error("signature must be a byte string")]
    SignatureNotBytes,
    /// The signature suite refuses the signature or the key.
    #[error("{0}")]
    Suite(#[from] SuiteError),
    /// The document names another algorithm than the suite it is checked with.
    #[error("the document is signed with algorithm {found}, not {expected}")]
    AlgorithmMismatch {
        /// The suite's algorithm.
        expected: i64,
        /// The document's.
        found: i64,
    },
}

/// What is wrong with a protected header's structure.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// The header is not a byte string.
    #[error("must be a byte string, found {0}")]
    NotBytes(&'static str),
    /// The header's bytes do not encode a map.
    #[error("must encode a map, found {0}")]
    NotAMap(&'static str),
    /// A label other than alg, content type and kid.
    #[error("unexpected header label {0}")]
    UnexpectedLabel(String),
    /// The kid is not a byte string.
    #[error("kid must be a byte string, found {0}")]
    KidNotBytes(&'static str),
}

/// A key identifier: the first 8 bytes of SHA-256 over the signer's raw public key (32 bytes for
/// Ed25519), whatever its suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kid(pub [u8; KID_LEN]);

impl Kid {
    /// The key identifier of a public key.
    pub fn of(key: &PublicKey) -> Kid {
        let digest = Sha256::digest(key.bytes());
        let mut kid = [0u8; KID_LEN];
        kid.copy_from_slice(&digest[..KID_LEN]);
        Kid(kid)
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl FromStr for Kid {
    type Err = CoseError;
    /// Parse 16 hexadecimal digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 2 * KID_LEN || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CoseError::BadKidLength(s.len() / 2));
        }
        let mut kid = [0u8; KID_LEN];
        for (i, byte) in kid.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16)
                .map_err(|_| CoseError::BadKidLength(s.len() / 2))?;
        }
        Ok(Kid(kid))
    }
}

fn protected_header(alg: i64, kid: Kid, content_type: ContentType) -> Vec<u8> {
    cbor::encode(&cbor::int_map([
        (label::ALG, Value::Integer(alg.into())),
        (
            label::CONTENT_TYPE,
            Value::Integer(content_type.number().into()),
        ),
        (label::KID, Value::Bytes(kid.0.to_vec())),
    ]))
}

/// `Sig_structure = ["Signature1", protected, h'', payload]` in deterministic CBOR, written
/// directly (no intermediate `Value`, one copy of the payload).
fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    const CONTEXT: &[u8] = b"Signature1";
    let mut out = Vec::with_capacity(protected.len() + payload.len() + 32);
    out.push(0x84); // array of 4
    cbor_head(&mut out, 3, CONTEXT.len());
    out.extend_from_slice(CONTEXT);
    cbor_head(&mut out, 2, protected.len());
    out.extend_from_slice(protected);
    out.push(0x40); // empty byte string (external_aad)
    cbor_head(&mut out, 2, payload.len());
    out.extend_from_slice(payload);
    out
}

/// The shortest CBOR head of major type `major` with argument `len` (RFC 8949 §3, §4.2.1).
fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    let major = major << 5;
    let len = len as u64;
    if len < 24 {
        out.push(major | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[major | 24, len as u8]);
    } else if len <= 0xffff {
        out.push(major | 25);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else if len <= 0xffff_ffff {
        out.push(major | 26);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(major | 27);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// Sign `payload` with `key`, of any suite, as a tagged COSE_Sign1 of the given content type.
pub fn sign(payload: &[u8], key: &(impl Signer + ?Sized), content_type: ContentType) -> Vec<u8> {
    let kid = Kid::of(&key.public_key());
    let protected = protected_header(key.suite().alg(), kid, content_type);
    let signature = key.sign(&sig_structure(&protected, payload));
    cbor::encode(&Value::Tag(
        TAG_COSE_SIGN1,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(Default::default()),
            Value::Bytes(payload.to_vec()),
            Value::Bytes(signature),
        ])),
    ))
}

/// Verify a signature over `message` with the raw public key of the suite whose COSE algorithm
/// is `alg`, by the rules every COSE_Sign1 signature is verified with (`docs/FORMAT.md` §4; for
/// Ed25519: the key 32 bytes, canonical and not of small order, the signature 64 bytes, and
/// verification strict). For test vectors and callers that hold raw bytes.
pub fn verify_signature(
    alg: i64,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), SuiteError> {
    PublicKey::parse(alg, public_key)?.verify(message, signature)
}

/// A kind of signed document: its content type, the largest signed form accepted, and its
/// payload's deterministic CBOR encoding. The license, the attestation, the trust list and the
/// status list implement it; opening any of them (transport text, envelope, signer, signature,
/// payload) is one generic path, `elicense::open`.
pub trait Payload: Sized {
    /// The content type in the protected header.
    const CONTENT_TYPE: ContentType;
    /// The largest signed document (COSE_Sign1 bytes) of this kind accepted.
    const MAX_SIGNED_LEN: usize;
    /// Why a payload of this kind cannot be encoded or decoded.
    type Error: std::error::Error + Clone + PartialEq + Eq;

    /// Decode a payload, accepting only the deterministic encoding of a valid document.
    fn decode(payload: &[u8]) -> Result<Self, Self::Error>;

    /// Encode as deterministic CBOR (the payload that gets signed).
    fn encode(&self) -> Result<Vec<u8>, Self::Error>;

    /// Encode and sign with `key`: the COSE_Sign1 bytes.
    fn sign_payload(&self, key: &(impl Signer + ?Sized)) -> Result<Vec<u8>, Self::Error> {
        Ok(sign(&self.encode()?, key, Self::CONTENT_TYPE))
    }
}

/// A parsed, not yet verified, COSE_Sign1 structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseSign1 {
    protected: Vec<u8>,
    alg: i64,
    kid: Kid,
    content_type: ContentType,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl CoseSign1 {
    /// Parse a tagged COSE_Sign1 of at most [`MAX_SIGNED_LEN`](crate::limits::MAX_SIGNED_LEN)
    /// bytes and its protected header. Does not check the signature.
    pub fn parse(bytes: &[u8]) -> Result<Self, CoseError> {
        Self::parse_with_limit(bytes, crate::limits::MAX_SIGNED_LEN)
    }

    /// [`CoseSign1::parse`] with another size limit, for larger documents (trust lists, status
    /// lists: [`Payload::MAX_SIGNED_LEN`]).
    pub fn parse_with_limit(bytes: &[u8], max: usize) -> Result<Self, CoseError> {
        if bytes.len() > max {
            return Err(CoseError::TooLarge {
                len: bytes.len(),
                max,
            });
        }
        let value = cbor::decode(bytes).map_err(CoseError::Cbor)?;
        let inner = match value {
            Value::Tag(TAG_COSE_SIGN1, inner) => *inner,
            Value::Tag(t, _) => return Err(CoseError::NotTagged(format!("tag {t}"))),
            other => {
                return Err(CoseError::NotTagged(format!(
                    "an untagged {}",
                    cbor::kind(&other)
                )))
            }
        };
        let Value::Array(items) = inner else {
            return Err(CoseError::NotFourItems);
        };
        let Ok([protected, unprotected, payload, signature]) = <[Value; 4]>::try_from(items) else {
            return Err(CoseError::NotFourItems);
        };
        let Value::Bytes(protected) = protected else {
            return Err(CoseError::ProtectedHeader(HeaderProblem::NotBytes(
                cbor::kind(&protected),
            )));
        };
        let (suite, kid, content_type) = parse_protected(&protected)?;
        match unprotected {
            Value::Map(m) if m.is_empty() => {}
            _ => return Err(CoseError::UnprotectedHeaderNotEmpty),
        }
        let Value::Bytes(payload) = payload else {
            return Err(CoseError::BadPayload);
        };
        let Value::Bytes(signature) = signature else {
            return Err(CoseError::SignatureNotBytes);
        };
        let expected = suite.signature_len();
        if signature.len() != expected {
            return Err(SuiteError::BadSignatureLength {
                expected,
                found: signature.len(),
            }
            .into());
        }
        Ok(CoseSign1 {
            protected,
            alg: suite.alg(),
            kid,
            content_type,
            payload,
            signature,
        })
    }

    /// The signer's key identifier.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// What the document says it contains.
    pub fn content_type(&self) -> ContentType {
        self.content_type
    }

    /// Fail unless the document is of the `expected` content type.
    pub fn expect_content_type(&self, expected: ContentType) -> Result<(), CoseError> {
        if self.content_type == expected {
            Ok(())
        } else {
            Err(CoseError::WrongContentType {
                expected,
                found: self.content_type,
            })
        }
    }

    /// The payload bytes (unverified until [`CoseSign1::verify`] succeeds).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The protected header's bytes, as signed.
    pub fn protected(&self) -> &[u8] {
        &self.protected
    }

    /// The tagged COSE_Sign1 as deterministic CBOR: for a parsed document, the bytes it was
    /// parsed from; for the envelope of a version-2 license rebuilt by [`crate::Wire::parse`],
    /// the bytes its issuer signed (what an issuance log entry digests).
    pub fn to_bytes(&self) -> Vec<u8> {
        cbor::encode(&Value::Tag(
            TAG_COSE_SIGN1,
            Box::new(Value::Array(vec![
                Value::Bytes(self.protected.clone()),
                Value::Map(Default::default()),
                Value::Bytes(self.payload.clone()),
                Value::Bytes(self.signature.clone()),
            ])),
        ))
    }

    /// The COSE algorithm identifier of the protected header.
    pub fn algorithm(&self) -> i64 {
        self.alg
    }

    /// The bytes the signature covers (the `Sig_structure` of RFC 9052 §4.4).
    pub fn to_be_signed(&self) -> Vec<u8> {
        sig_structure(&self.protected, &self.payload)
    }

    /// Check the signature with `key`, whose suite must be the header's algorithm (strict
    /// verification, [`crate::Suite::verify`]).
    pub fn verify(&self, key: &PublicKey) -> Result<(), CoseError> {
        if self.alg != key.alg() {
            return Err(CoseError::AlgorithmMismatch {
                expected: key.alg(),
                found: self.alg,
            });
        }
        Ok(key.verify(&self.to_be_signed(), &self.signature)?)
    }
}

fn parse_protected(bytes: &[u8]) -> Result<(&'static dyn AnySuite, Kid, ContentType), CoseError> {
    if bytes.is_empty() {
        return Err(CoseError::MissingAlgorithm);
    }
    let value = cbor::decode(bytes).map_err(CoseError::ProtectedHeaderCbor)?;
    let mut map = MapReader::new(value, "protected header").map_err(|e| {
        CoseError::ProtectedHeader(match e {
            FieldError::NotAMap { found, .. } => HeaderProblem::NotAMap(found),
            FieldError::UnknownKey { key, .. } => HeaderProblem::UnexpectedLabel(key),
            other => HeaderProblem::UnexpectedLabel(other.to_string()),
        })
    })?;
    if let Err(FieldError::UnknownKey { key, .. }) = map.only(label::ALL) {
        return Err(CoseError::ProtectedHeader(HeaderProblem::UnexpectedLabel(
            key,
        )));
    }
    let alg = match map.optional(label::ALG) {
        None => return Err(CoseError::MissingAlgorithm),
        Some(Value::Integer(n)) => i64::try_from(n)
            .ok()
            .and_then(by_alg)
            .ok_or_else(|| CoseError::UnsupportedAlgorithm(n.to_string()))?,
        Some(other) => return Err(CoseError::UnsupportedAlgorithm(describe(&other))),
    };
    let kid = match map.optional(label::KID) {
        None => return Err(CoseError::MissingKid),
        Some(Value::Bytes(b)) => Kid(b
            .as_slice()
            .try_into()
            .map_err(|_| CoseError::BadKidLength(b.len()))?),
        Some(other) => {
            return Err(CoseError::ProtectedHeader(HeaderProblem::KidNotBytes(
                cbor::kind(&other),
            )))
        }
    };
    let content_type = match map.optional(label::CONTENT_TYPE) {
        None => return Err(CoseError::MissingContentType),
        Some(Value::Integer(n)) => ContentType::from_number(n)
            .ok_or_else(|| CoseError::UnknownContentType(n.to_string()))?,
        Some(other) => return Err(CoseError::UnknownContentType(describe(&other))),
    };
    Ok((alg, kid, content_type))
}

fn describe(value: &Value) -> String {
    match value {
        Value::Integer(n) => n.to_string(),
        Value::Text(t) => format!("{t:?}"),
        other => cbor::kind(other).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sig_structure_is_the_deterministic_cbor_encoding() {
        for (protected_len, payload_len) in [
            (0, 0),
            (17, 23),
            (17, 24),
            (17, 255),
            (24, 256),
            (17, 65_535),
            (17, 65_536),
        ] {
            let protected = vec![0xa3; protected_len];
            let payload = vec![0x5a; payload_len];
            let expected = cbor::encode(&Value::Array(vec![
                Value::Text("Signature1".into()),
                Value::Bytes(protected.clone()),
                Value::Bytes(Vec::new()),
                Value::Bytes(payload.clone()),
            ]));
            assert_eq!(
                sig_structure(&protected, &payload),
                expected,
                "{protected_len} {payload_len}"
            );
        }
    }

    use crate::Suite;
    use ed25519_dalek::SigningKey;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn sign_then_parse_and_verify() {
        let signed = sign(b"hello", &key(), ContentType::License);
        assert_eq!(signed[0], 0xd2, "tag 18 in one byte");
        let parsed = CoseSign1::parse(&signed).unwrap();
        assert_eq!(parsed.payload(), b"hello");
        assert_eq!(parsed.kid(), Kid::of(&key().verifying_key().into()));
        assert_eq!(parsed.content_type(), ContentType::License);
        parsed.verify(&key().verifying_key().into()).unwrap();
        assert_eq!(parsed.to_bytes(), signed, "the bytes parsed, again");
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key().into();
        assert_eq!(
            parsed.verify(&other),
            Err(CoseError::Suite(SuiteError::BadSignature))
        );
    }

    #[test]
    fn protected_header_bytes_are_pinned() {
        let kid = Kid([1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            protected_header(crate::Ed25519::ALG, kid, ContentType::License),
            [0xa3, 0x01, 0x27, 0x03, 0x19, 0xfd, 0xe8, 0x04, 0x48, 1, 2, 3, 4, 5, 6, 7, 8]
        );
    }

    #[test]
    fn wrong_content_type_is_reported() {
        let signed = sign(b"x", &key(), ContentType::TrustList);
        let parsed = CoseSign1::parse(&signed).unwrap();
        assert_eq!(
            parsed.expect_content_type(ContentType::License),
            Err(CoseError::WrongContentType {
                expected: ContentType::License,
                found: ContentType::TrustList
            })
        );
    }

    #[test]
    fn kid_text_round_trips() {
        let kid = Kid::of(&key().verifying_key().into());
        assert_eq!(kid.to_string().parse::<Kid>().unwrap(), kid);
        assert!("xyz".parse::<Kid>().is_err());
    }
}

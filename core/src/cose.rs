//! COSE_Sign1 (RFC 9052 §4.2, CBOR tag 18) signatures with EdDSA over Ed25519 (alg -8).
//!
//! The protected header holds exactly `alg` (1) = -8, `content type` (3) naming what is signed
//! (see [`ContentType`]) and `kid` (4) = the first 8 bytes of SHA-256 of the signer's raw 32-byte
//! Ed25519 public key (see [`Kid`]). The unprotected header is empty. The whole structure and the
//! protected header must be in deterministic CBOR encoding, so one signed document has exactly one
//! byte form. Signatures are checked with `verify_strict`, which rejects non-canonical `S` and
//! small-order `R` or public keys.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_cbor::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::cbor::{self, CborError};
use crate::limits::MAX_SIGNED_LEN;

/// CBOR tag of a COSE_Sign1 structure.
pub const TAG_COSE_SIGN1: u64 = 18;
/// COSE algorithm identifier of EdDSA.
pub const ALG_EDDSA: i128 = -8;
/// Length of a key identifier.
pub const KID_LEN: usize = 8;

mod label {
    pub const ALG: i128 = 1;
    pub const CONTENT_TYPE: i128 = 3;
    pub const KID: i128 = 4;
}

/// What a signed document contains, carried in the protected `content type` header as a CoAP
/// content-format number from the experimental range 65000–65535. Binding the type into the
/// signature means a signature over one kind of document is never accepted for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// A license payload (`docs/FORMAT.md` §3).
    License,
    /// An attachment attestation.
    Attestation,
    /// A trust list.
    TrustList,
    /// A revocation status list.
    StatusList,
}

impl ContentType {
    /// The number carried in the header.
    pub const fn number(self) -> u16 {
        match self {
            ContentType::License => 65000,
            ContentType::Attestation => 65001,
            ContentType::TrustList => 65002,
            ContentType::StatusList => 65003,
        }
    }

    fn from_number(n: i128) -> Option<Self> {
        [
            ContentType::License,
            ContentType::Attestation,
            ContentType::TrustList,
            ContentType::StatusList,
        ]
        .into_iter()
        .find(|c| i128::from(c.number()) == n)
    }
}

impl ContentType {
    /// A stable snake_case name: `license`, `attestation`, `trust_list`, `status_list`.
    pub const fn code(self) -> &'static str {
        match self {
            ContentType::License => "license",
            ContentType::Attestation => "attestation",
            ContentType::TrustList => "trust_list",
            ContentType::StatusList => "status_list",
        }
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
pub enum CoseError {
    /// Larger than [`MAX_SIGNED_LEN`].
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
    ProtectedHeader(String),
    /// The protected header is not in deterministic encoding.
    #[error("protected header: {0}")]
    ProtectedHeaderCbor(CborError),
    /// No `alg` header.
    #[error("protected header has no algorithm (alg); unsigned or \"none\" documents are never accepted")]
    MissingAlgorithm,
    /// `alg` is not EdDSA.
    #[error("algorithm {0} is not supported; only EdDSA (-8) is accepted")]
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
    /// The signature is not a 64-byte string.
    #[error("signature must be 64 bytes, found {0}")]
    BadSignatureLength(usize),
    /// The signature does not verify.
    #[error("signature does not verify with the signer's key: the document was altered or not signed by that key")]
    BadSignature,
    /// A public key is not a valid, canonical, non-small-order Ed25519 point.
    #[error("public key rejected: {0}")]
    BadPublicKey(&'static str),
}

/// A key identifier: the first 8 bytes of SHA-256 over the signer's raw 32-byte Ed25519 public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kid(pub [u8; KID_LEN]);

impl Kid {
    /// The key identifier of a public key.
    pub fn of(key: &VerifyingKey) -> Kid {
        let digest = Sha256::digest(key.as_bytes());
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

/// Parse a raw 32-byte Ed25519 public key, rejecting non-canonical encodings and small-order
/// (weak) points, which would let one signature verify for many messages.
pub fn public_key_from_bytes(bytes: &[u8]) -> Result<VerifyingKey, CoseError> {
    let raw: [u8; 32] = bytes
        .try_into()
        .map_err(|_| CoseError::BadPublicKey("an Ed25519 public key is 32 bytes"))?;
    let key = VerifyingKey::from_bytes(&raw)
        .map_err(|_| CoseError::BadPublicKey("not a point on the Ed25519 curve"))?;
    if key.is_weak() {
        return Err(CoseError::BadPublicKey("small-order point"));
    }
    // `to_bytes` echoes the input; re-compress the decoded point to see its canonical form.
    if key.to_edwards().compress().to_bytes() != raw {
        return Err(CoseError::BadPublicKey("non-canonical point encoding"));
    }
    Ok(key)
}

/// Verify an Ed25519 signature over `message` with a raw public key, by the rules every
/// COSE_Sign1 signature is verified with (`docs/FORMAT.md` §4): the key must pass
/// [`public_key_from_bytes`] (32 bytes, canonical, not of small order), the signature must be 64
/// bytes, and verification is strict (S < L, R canonical and not of small order, and
/// `[S]B = R + [k]A`). For test vectors and callers that hold raw bytes.
pub fn verify_signature(
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CoseError> {
    let key = public_key_from_bytes(public_key)?;
    let signature: &[u8; 64] = signature
        .try_into()
        .map_err(|_| CoseError::BadSignatureLength(signature.len()))?;
    verify_strict(&key, message, signature)
}

/// The one place signatures are checked: ed25519-dalek's strict verification.
fn verify_strict(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), CoseError> {
    key.verify_strict(message, &Signature::from_bytes(signature))
        .map_err(|_| CoseError::BadSignature)
}

fn protected_header(kid: Kid, content_type: ContentType) -> Vec<u8> {
    let map = [
        (label::ALG, Value::Integer(ALG_EDDSA)),
        (
            label::CONTENT_TYPE,
            Value::Integer(content_type.number().into()),
        ),
        (label::KID, Value::Bytes(kid.0.to_vec())),
    ]
    .into_iter()
    .map(|(k, v)| (Value::Integer(k), v))
    .collect();
    cbor::encode(&Value::Map(map))
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

/// Sign `payload` as a tagged COSE_Sign1 of the given content type.
pub fn sign(payload: &[u8], key: &SigningKey, content_type: ContentType) -> Vec<u8> {
    let protected = protected_header(Kid::of(&key.verifying_key()), content_type);
    let signature = key.sign(&sig_structure(&protected, payload));
    cbor::encode(&Value::Tag(
        TAG_COSE_SIGN1,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(Default::default()),
            Value::Bytes(payload.to_vec()),
            Value::Bytes(signature.to_bytes().to_vec()),
        ])),
    ))
}

/// A parsed, not yet verified, COSE_Sign1 structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseSign1 {
    protected: Vec<u8>,
    kid: Kid,
    content_type: ContentType,
    payload: Vec<u8>,
    signature: [u8; 64],
}

impl CoseSign1 {
    /// Parse a tagged COSE_Sign1 of at most [`MAX_SIGNED_LEN`] bytes and its protected header.
    /// Does not check the signature.
    pub fn parse(bytes: &[u8]) -> Result<Self, CoseError> {
        Self::parse_with_limit(bytes, MAX_SIGNED_LEN)
    }

    /// [`CoseSign1::parse`] with another size limit, for larger documents (trust lists, status
    /// lists).
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
            return Err(CoseError::ProtectedHeader(format!(
                "must be a byte string, found {}",
                cbor::kind(&protected)
            )));
        };
        let (kid, content_type) = parse_protected(&protected)?;
        match unprotected {
            Value::Map(m) if m.is_empty() => {}
            _ => return Err(CoseError::UnprotectedHeaderNotEmpty),
        }
        let Value::Bytes(payload) = payload else {
            return Err(CoseError::BadPayload);
        };
        let Value::Bytes(signature) = signature else {
            return Err(CoseError::BadSignatureLength(0));
        };
        let signature: [u8; 64] = signature
            .as_slice()
            .try_into()
            .map_err(|_| CoseError::BadSignatureLength(signature.len()))?;
        Ok(CoseSign1 {
            protected,
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

    /// The 64-byte signature.
    pub fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// The bytes the signature covers (the `Sig_structure` of RFC 9052 §4.4).
    pub fn to_be_signed(&self) -> Vec<u8> {
        sig_structure(&self.protected, &self.payload)
    }

    /// Check the signature with `key` (strict Ed25519 verification, [`verify_signature`]'s
    /// rules).
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), CoseError> {
        verify_strict(key, &self.to_be_signed(), &self.signature)
    }
}

fn parse_protected(bytes: &[u8]) -> Result<(Kid, ContentType), CoseError> {
    if bytes.is_empty() {
        return Err(CoseError::MissingAlgorithm);
    }
    let value = cbor::decode(bytes).map_err(CoseError::ProtectedHeaderCbor)?;
    let Value::Map(map) = value else {
        return Err(CoseError::ProtectedHeader(format!(
            "must encode a map, found {}",
            cbor::kind(&value)
        )));
    };
    let (mut alg, mut content_type, mut kid) = (None, None, None);
    for (k, v) in map {
        match k {
            Value::Integer(label::ALG) => alg = Some(v),
            Value::Integer(label::CONTENT_TYPE) => content_type = Some(v),
            Value::Integer(label::KID) => kid = Some(v),
            other => {
                return Err(CoseError::ProtectedHeader(format!(
                    "unexpected header label {}",
                    describe(&other)
                )))
            }
        }
    }
    match alg {
        None => return Err(CoseError::MissingAlgorithm),
        Some(Value::Integer(ALG_EDDSA)) => {}
        Some(other) => return Err(CoseError::UnsupportedAlgorithm(describe(&other))),
    }
    let kid = match kid {
        None => return Err(CoseError::MissingKid),
        Some(Value::Bytes(b)) => Kid(b
            .as_slice()
            .try_into()
            .map_err(|_| CoseError::BadKidLength(b.len()))?),
        Some(other) => {
            return Err(CoseError::ProtectedHeader(format!(
                "kid must be a byte string, found {}",
                cbor::kind(&other)
            )))
        }
    };
    let content_type = match content_type {
        None => return Err(CoseError::MissingContentType),
        Some(Value::Integer(n)) => ContentType::from_number(n)
            .ok_or_else(|| CoseError::UnknownContentType(n.to_string()))?,
        Some(other) => return Err(CoseError::UnknownContentType(describe(&other))),
    };
    Ok((kid, content_type))
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

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn sign_then_parse_and_verify() {
        let signed = sign(b"hello", &key(), ContentType::License);
        assert_eq!(signed[0], 0xd2, "tag 18 in one byte");
        let parsed = CoseSign1::parse(&signed).unwrap();
        assert_eq!(parsed.payload(), b"hello");
        assert_eq!(parsed.kid(), Kid::of(&key().verifying_key()));
        assert_eq!(parsed.content_type(), ContentType::License);
        parsed.verify(&key().verifying_key()).unwrap();
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key();
        assert_eq!(parsed.verify(&other), Err(CoseError::BadSignature));
    }

    #[test]
    fn protected_header_bytes_are_pinned() {
        let kid = Kid([1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            protected_header(kid, ContentType::License),
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
    fn non_canonical_s_is_rejected() {
        // S + L, where L is the group order, verifies under lax rules only.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let signed = sign(b"hello", &key(), ContentType::License);
        let mut parsed = CoseSign1::parse(&signed).unwrap();
        let mut carry = 0u16;
        for (s, l) in parsed.signature[32..].iter_mut().zip(L) {
            let sum = *s as u16 + l as u16 + carry;
            *s = sum as u8;
            carry = sum >> 8;
        }
        assert_eq!(
            parsed.verify(&key().verifying_key()),
            Err(CoseError::BadSignature)
        );
    }

    #[test]
    fn weak_and_non_canonical_public_keys_are_rejected() {
        // The identity point (small order).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            public_key_from_bytes(&identity),
            Err(CoseError::BadPublicKey("small-order point"))
        );
        // y = p + 1 ≡ 1 is a non-canonical encoding of the identity; y = 2^255 - 1 (> p) likewise.
        let mut noncanon = [0xffu8; 32];
        noncanon[31] = 0x7f;
        assert!(public_key_from_bytes(&noncanon).is_err());
        assert!(public_key_from_bytes(&[0u8; 31]).is_err());
        assert!(public_key_from_bytes(key().verifying_key().as_bytes()).is_ok());
    }

    #[test]
    fn kid_text_round_trips() {
        let kid = Kid::of(&key().verifying_key());
        assert_eq!(kid.to_string().parse::<Kid>().unwrap(), kid);
        assert!("xyz".parse::<Kid>().is_err());
    }
}

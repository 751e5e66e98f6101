//! Trust lists: a root authority's signed list of the department certificates it vouches for
//! (`docs/TRUST.md` §3).

use serde_cbor::Value;
use thiserror::Error;
use time::OffsetDateTime;

use super::cert::{CertError, Certificate};
use crate::encoding::cbor::{self, CborError, FieldError, Key, MapReader};
use crate::encoding::cose::{ContentType, Payload};
use crate::limits::{
    MAX_LIST_INTERVAL_SECONDS, MAX_REVOKED_CERTS, MAX_TEXT_BYTES, MAX_TRUST_LIST_CERTS,
    MAX_TRUST_LIST_LEN,
};
use crate::model::text::{check_text, TextError};
use crate::model::time::{instant_from, next_update_acceptable, seconds};

/// The trust list payload's map keys (`docs/TRUST.md` §3), each named once.
mod keys {
    use super::Key;

    pub const ROOT_NAME: Key = Key::new(1, "root name");
    pub const SEQUENCE: Key = Key::new(2, "sequence number");
    pub const ISSUED_AT: Key = Key::new(3, "issue time");
    pub const CERTIFICATES: Key = Key::new(4, "certificates");
    pub const REVOKED: Key = Key::new(5, "revoked fingerprints");
    pub const NEXT_UPDATE: Key = Key::new(6, "next update");
}

/// Why a trust list cannot be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TrustListError {
    /// Not acceptable CBOR.
    #[error("trust list: {0}")]
    Cbor(#[from] CborError),
    /// An entry is missing, unknown or of the wrong type.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// Not 1 to [`MAX_TRUST_LIST_CERTS`] certificates.
    #[error("a trust list carries 1 to {MAX_TRUST_LIST_CERTS} certificates, not {0}")]
    CertificateCount(usize),
    /// Revokes more than [`MAX_REVOKED_CERTS`] certificates, or has an empty revoked list.
    #[error("revoked must be an array of 1 to {MAX_REVOKED_CERTS} fingerprints, not {0}")]
    RevokedCount(usize),
    /// A revoked fingerprint is not 32 bytes.
    #[error("a revoked fingerprint must be 32 bytes, found {0}")]
    FingerprintLength(usize),
    /// A listed certificate is not a department certificate issued by the list's root.
    #[error("certificate {index} in the trust list: {source}")]
    Certificate {
        /// 0-based position in the list.
        index: usize,
        /// What is wrong with it.
        source: CertError,
    },
    /// The root name is not acceptable text (`docs/FORMAT.md` §1).
    #[error("root name: {0}")]
    RootName(TextError),
    /// The next update is not after the issue time, or more than
    /// [`MAX_LIST_INTERVAL_SECONDS`] after it.
    #[error("next update {next_update} must be after the issue time {issued_at} and at most {MAX_LIST_INTERVAL_SECONDS} seconds (366 days) after it")]
    NextUpdate {
        /// The list's issue time.
        issued_at: OffsetDateTime,
        /// Its declared next update.
        next_update: OffsetDateTime,
    },
    /// The encoded list is too large to be signed and read back.
    #[error("the trust list is {len} bytes, more than the limit of {max}")]
    TooLarge {
        /// Its encoded length.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl TrustListError {
    /// A stable machine-readable code: `malformed`.
    pub fn code(&self) -> &'static str {
        "malformed"
    }
}

/// The content of a trust list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// Name of the root authority that signs it (informative).
    pub root_name: String,
    /// Sequence number: every new list from a root has a larger one.
    pub sequence: u64,
    /// When it was issued (whole seconds).
    pub issued_at: OffsetDateTime,
    /// When the root will have issued the next list (whole seconds): after it the list is stale
    /// (`docs/TRUST.md` §4, "Freshness").
    pub next_update: OffsetDateTime,
    /// Department certificates (DER) the root vouches for.
    pub certificates: Vec<Vec<u8>>,
    /// SHA-256 fingerprints of revoked department certificates.
    pub revoked: Vec<[u8; 32]>,
}

impl TrustList {
    /// A list of `root`'s department certificates, marking `revoked` revoked, current until
    /// `next_update`. Each listed certificate must be a department certificate issued by `root`
    /// within its administrative division: the check every verifier makes when it loads the list
    /// ([`TrustList::checked_certificates`]).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        root: &Certificate,
        root_name: impl Into<String>,
        sequence: u64,
        issued_at: OffsetDateTime,
        next_update: OffsetDateTime,
        certificates: &[Certificate],
        revoked: &[Certificate],
    ) -> Result<Self, TrustListError> {
        let list = TrustList {
            root_name: root_name.into(),
            sequence,
            issued_at,
            next_update,
            certificates: certificates.iter().map(|c| c.der().to_vec()).collect(),
            revoked: revoked.iter().map(Certificate::fingerprint).collect(),
        };
        list.check_next_update()?;
        list.checked_certificates(root)?;
        Ok(list)
    }

    fn check_next_update(&self) -> Result<(), TrustListError> {
        if next_update_acceptable(self.issued_at, self.next_update) {
            Ok(())
        } else {
            Err(TrustListError::NextUpdate {
                issued_at: self.issued_at,
                next_update: self.next_update,
            })
        }
    }

    /// The listed certificates, each parsed and checked to be a department certificate issued
    /// by `root`, within the administrative division `root` may certify
    /// ([`Certificate::check_within_division_of`]).
    pub fn checked_certificates(
        &self,
        root: &Certificate,
    ) -> Result<Vec<Certificate>, TrustListError> {
        self.certificates
            .iter()
            .enumerate()
            .map(|(index, der)| {
                Certificate::parse(der)
                    .and_then(|c| {
                        c.check_department()?;
                        c.verify_issued_by(root)?;
                        c.check_within_division_of(root)?;
                        Ok(c)
                    })
                    .map_err(|source| TrustListError::Certificate { index, source })
            })
            .collect()
    }

    /// Whether `cert` is one this list revokes.
    pub fn revokes(&self, cert: &Certificate) -> bool {
        self.revoked.contains(&cert.fingerprint())
    }

    /// Encode as deterministic CBOR.
    pub fn to_cbor(&self) -> Result<Vec<u8>, TrustListError> {
        if self.certificates.is_empty() || self.certificates.len() > MAX_TRUST_LIST_CERTS {
            return Err(TrustListError::CertificateCount(self.certificates.len()));
        }
        if self.revoked.len() > MAX_REVOKED_CERTS {
            return Err(TrustListError::RevokedCount(self.revoked.len()));
        }
        check_text("root name", &self.root_name, MAX_TEXT_BYTES)
            .map_err(TrustListError::RootName)?;
        self.check_next_update()?;
        let mut entries = vec![
            (keys::ROOT_NAME, Value::Text(self.root_name.clone())),
            (keys::SEQUENCE, Value::Integer(self.sequence.into())),
            (keys::ISSUED_AT, seconds(self.issued_at)),
            (
                keys::CERTIFICATES,
                Value::Array(
                    self.certificates
                        .iter()
                        .cloned()
                        .map(Value::Bytes)
                        .collect(),
                ),
            ),
        ];
        if !self.revoked.is_empty() {
            let revoked = self.revoked.iter().map(|f| Value::Bytes(f.to_vec()));
            entries.push((keys::REVOKED, Value::Array(revoked.collect())));
        }
        entries.push((keys::NEXT_UPDATE, seconds(self.next_update)));
        let bytes = cbor::encode(&cbor::int_map(entries));
        let max = MAX_TRUST_LIST_LEN - 256;
        if bytes.len() > max {
            return Err(TrustListError::TooLarge {
                len: bytes.len(),
                max,
            });
        }
        Ok(bytes)
    }

    /// Decode, accepting only the deterministic encoding.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, TrustListError> {
        let mut map = MapReader::new(cbor::decode(bytes)?, "trust list")?;
        let root_name = cbor::text(map.required(keys::ROOT_NAME)?, keys::ROOT_NAME.name)?;
        check_text("root name", &root_name, MAX_TEXT_BYTES).map_err(TrustListError::RootName)?;
        let sequence = cbor::uint(map.required(keys::SEQUENCE)?, keys::SEQUENCE.name)?;
        let issued_at = instant_from(map.required(keys::ISSUED_AT)?, keys::ISSUED_AT)?;
        let items = cbor::array(map.required(keys::CERTIFICATES)?, keys::CERTIFICATES.name)?;
        if items.is_empty() || items.len() > MAX_TRUST_LIST_CERTS {
            return Err(TrustListError::CertificateCount(items.len()));
        }
        let certificates = items
            .into_iter()
            .map(|v| cbor::bytes(v, "a certificate"))
            .collect::<Result<Vec<_>, _>>()?;
        let revoked = match map.optional(keys::REVOKED) {
            None => vec![],
            Some(v) => {
                let items = cbor::array(v, keys::REVOKED.name)?;
                if items.is_empty() || items.len() > MAX_REVOKED_CERTS {
                    return Err(TrustListError::RevokedCount(items.len()));
                }
                items
                    .into_iter()
                    .map(|v| {
                        let b = cbor::bytes(v, "a revoked fingerprint")?;
                        <[u8; 32]>::try_from(b.as_slice())
                            .map_err(|_| TrustListError::FingerprintLength(b.len()))
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        let next_update = instant_from(map.required(keys::NEXT_UPDATE)?, keys::NEXT_UPDATE)?;
        map.finish()?;
        let list = TrustList {
            root_name,
            sequence,
            issued_at,
            next_update,
            certificates,
            revoked,
        };
        list.check_next_update()?;
        Ok(list)
    }

    /// Encode and sign with the root's key (COSE_Sign1, content type trust list).
    pub fn sign(
        &self,
        root_key: &(impl crate::suite::Signer + ?Sized),
    ) -> Result<Vec<u8>, TrustListError> {
        self.sign_payload(root_key)
    }
}

impl Payload for TrustList {
    const CONTENT_TYPE: ContentType = ContentType::TrustList;
    const MAX_SIGNED_LEN: usize = MAX_TRUST_LIST_LEN;
    type Error = TrustListError;

    fn decode(payload: &[u8]) -> Result<Self, TrustListError> {
        TrustList::from_cbor(payload)
    }

    fn encode(&self) -> Result<Vec<u8>, TrustListError> {
        self.to_cbor()
    }
}

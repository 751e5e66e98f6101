//! Trust lists: a root authority's signed list of the department certificates it vouches for
//! (`docs/TRUST.md` §3).

use serde_cbor::Value;
use thiserror::Error;
use time::OffsetDateTime;

use super::cert::{CertError, Certificate};
use crate::encoding::cbor::{self, CborError, FieldError, Key, MapReader};
use crate::encoding::cose::{ContentType, Payload};
use crate::limits::{
    MAX_LIST_INTERVAL_SECONDS, MAX_LOG_WITNESSES, MAX_REVOKED_CERTS, MAX_TEXT_BYTES,
    MAX_TRUST_LIST_CERTS, MAX_TRUST_LIST_LEN,
};
use crate::model::identifier::OrgCode;
use crate::model::text::{check_text, TextError};
use crate::model::time::{instant_from, next_update_acceptable, seconds};
use crate::suite::{Ed25519, Suite};

/// The trust list payload's map keys (`docs/TRUST.md` §3), each named once.
mod keys {
    use super::Key;

    pub const ROOT_NAME: Key = Key::new(1, "root name");
    pub const SEQUENCE: Key = Key::new(2, "sequence number");
    pub const ISSUED_AT: Key = Key::new(3, "issue time");
    pub const CERTIFICATES: Key = Key::new(4, "certificates");
    pub const REVOKED: Key = Key::new(5, "revoked fingerprints");
    pub const NEXT_UPDATE: Key = Key::new(6, "next update");
    pub const LOGS: Key = Key::new(7, "logs");
}

/// The map keys of a log named in a trust list, and of its witnesses (`docs/LOG.md` §9).
mod log_keys {
    use super::Key;

    pub const ORIGIN: Key = Key::new(1, "log origin");
    pub const KEY: Key = Key::new(2, "log key");
    pub const WITNESSES: Key = Key::new(3, "witnesses");
    pub const QUORUM: Key = Key::new(4, "quorum");
    pub const WITNESS_ROOT: Key = Key::new(1, "witness");
    pub const WITNESS_KEY: Key = Key::new(2, "witness key");
}

/// The prefix of a department log's origin (`docs/LOG.md` §1): `elicense/log/<code>`.
pub const LOG_ORIGIN_PREFIX: &str = "elicense/log/";

/// A witness a trust list names for a log: a root authority, by its organisation code (its note
/// key name is `elicense/witness/<code>`, `docs/LOG.md` §8), and its Ed25519 cosigning key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogWitness {
    /// The witness root's organisation code.
    pub root: OrgCode,
    /// Its key (canonical, not of small order).
    pub key: ed25519_dalek::VerifyingKey,
}

/// A department's issuance log as a trust list names it (`docs/LOG.md` §9): its origin, the key
/// that signs its checkpoints, the witnesses that cosign them, and how many of those must have
/// cosigned a checkpoint for a verifier to accept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedLog {
    /// The department whose log it is: the origin is `elicense/log/<department>`.
    pub department: OrgCode,
    /// The log's Ed25519 note key (canonical, not of small order).
    pub key: ed25519_dalek::VerifyingKey,
    /// The witnesses, at most [`MAX_LOG_WITNESSES`], each root once.
    pub witnesses: Vec<LogWitness>,
    /// How many of the witnesses must have cosigned a checkpoint: at most their number.
    pub quorum: usize,
}

impl NamedLog {
    /// The log's origin: `elicense/log/<department>`.
    pub fn origin(&self) -> String {
        format!("{LOG_ORIGIN_PREFIX}{}", self.department)
    }

    fn check(&self) -> Result<(), TrustListError> {
        let origin = self.origin();
        if self.witnesses.len() > MAX_LOG_WITNESSES {
            return Err(TrustListError::LogWitnessCount {
                origin,
                count: self.witnesses.len(),
            });
        }
        for (i, w) in self.witnesses.iter().enumerate() {
            if self.witnesses[..i].iter().any(|o| o.root == w.root) {
                return Err(TrustListError::DuplicateWitness {
                    origin,
                    root: w.root.clone(),
                });
            }
        }
        if self.quorum > self.witnesses.len() {
            return Err(TrustListError::Quorum {
                origin,
                quorum: self.quorum,
                witnesses: self.witnesses.len(),
            });
        }
        Ok(())
    }

    fn to_value(&self) -> Value {
        let mut entries = vec![
            (log_keys::ORIGIN, Value::Text(self.origin())),
            (log_keys::KEY, Value::Bytes(self.key.as_bytes().to_vec())),
        ];
        if !self.witnesses.is_empty() {
            let witnesses = self.witnesses.iter().map(|w| {
                cbor::int_map([
                    (log_keys::WITNESS_ROOT, Value::Text(w.root.to_string())),
                    (
                        log_keys::WITNESS_KEY,
                        Value::Bytes(w.key.as_bytes().to_vec()),
                    ),
                ])
            });
            entries.push((log_keys::WITNESSES, Value::Array(witnesses.collect())));
        }
        entries.push((log_keys::QUORUM, Value::Integer(self.quorum as i128)));
        cbor::int_map(entries)
    }

    fn from_value(value: Value) -> Result<Self, TrustListError> {
        let mut map = MapReader::new(value, "named log")?;
        let origin = cbor::text(map.required(log_keys::ORIGIN)?, log_keys::ORIGIN.name)?;
        let department = origin
            .strip_prefix(LOG_ORIGIN_PREFIX)
            .and_then(|code| code.parse::<OrgCode>().ok())
            .ok_or_else(|| TrustListError::LogOrigin(origin.clone()))?;
        let key = ed25519_key(map.required(log_keys::KEY)?, log_keys::KEY.name)?;
        let witnesses = match map.optional(log_keys::WITNESSES) {
            None => vec![],
            Some(v) => {
                let items = cbor::array(v, log_keys::WITNESSES.name)?;
                if items.is_empty() || items.len() > MAX_LOG_WITNESSES {
                    return Err(TrustListError::LogWitnessCount {
                        origin,
                        count: items.len(),
                    });
                }
                items
                    .into_iter()
                    .map(LogWitness::from_value)
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        let quorum = cbor::uint(map.required(log_keys::QUORUM)?, log_keys::QUORUM.name)?;
        map.finish()?;
        let log = NamedLog {
            department,
            key,
            witnesses,
            quorum: usize::try_from(quorum).unwrap_or(usize::MAX),
        };
        log.check()?;
        Ok(log)
    }
}

impl LogWitness {
    fn from_value(value: Value) -> Result<Self, TrustListError> {
        let mut map = MapReader::new(value, "log witness")?;
        let text = cbor::text(
            map.required(log_keys::WITNESS_ROOT)?,
            log_keys::WITNESS_ROOT.name,
        )?;
        let root = text
            .parse::<OrgCode>()
            .map_err(|_| TrustListError::WitnessRoot(text.clone()))?;
        let key = ed25519_key(
            map.required(log_keys::WITNESS_KEY)?,
            log_keys::WITNESS_KEY.name,
        )?;
        map.finish()?;
        Ok(LogWitness { root, key })
    }
}

/// A 32-byte Ed25519 public key, canonical and not of small order.
fn ed25519_key(
    value: Value,
    field: &'static str,
) -> Result<ed25519_dalek::VerifyingKey, TrustListError> {
    let bytes = cbor::bytes(value, field)?;
    <Ed25519 as Suite>::public_key(&bytes).map_err(|_| TrustListError::LogKey { field })
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
    /// More than [`MAX_TRUST_LIST_CERTS`] named logs, or an empty array of them.
    #[error("logs must be an array of 1 to {MAX_TRUST_LIST_CERTS} named logs, not {0}")]
    LogCount(usize),
    /// A log's origin is not `elicense/log/<organisation code>`.
    #[error("the log origin {0:?} is not elicense/log/<organisation code>")]
    LogOrigin(String),
    /// A key of a named log or of its witness is not a canonical Ed25519 key of large order.
    #[error("the {field} is not a 32-byte Ed25519 public key (canonical, not of small order)")]
    LogKey {
        /// Which key.
        field: &'static str,
    },
    /// A witness is not named by an organisation code.
    #[error("the witness {0:?} is not an organisation code")]
    WitnessRoot(String),
    /// A log names no witnesses in an empty array, or more than [`MAX_LOG_WITNESSES`].
    #[error("log {origin}: witnesses must be an array of 1 to {MAX_LOG_WITNESSES}, not {count}")]
    LogWitnessCount {
        /// The log.
        origin: String,
        /// How many were found.
        count: usize,
    },
    /// A log names one witness twice.
    #[error("log {origin} names the witness {root} twice")]
    DuplicateWitness {
        /// The log.
        origin: String,
        /// The witness named twice.
        root: OrgCode,
    },
    /// A log's quorum is more than its witnesses.
    #[error("log {origin} needs a quorum of {quorum} but names {witnesses} witnesses")]
    Quorum {
        /// The log.
        origin: String,
        /// The quorum.
        quorum: usize,
        /// The number of witnesses.
        witnesses: usize,
    },
    /// Two named logs have one origin.
    #[error("the log {0} is named twice")]
    DuplicateLog(String),
    /// A named log is of a department none of whose certificates the list carries.
    #[error("the log {0} is of a department the trust list does not list")]
    LogNotListed(String),
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
    /// The departments' issuance logs, with their witnesses and quorums (`docs/LOG.md` §9);
    /// each of a department the list carries a certificate of, each once.
    pub logs: Vec<NamedLog>,
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
            logs: vec![],
        };
        list.check_next_update()?;
        list.checked_certificates(root)?;
        Ok(list)
    }

    /// Name the issuance log of every listed department whose key is an Ed25519 key (the log's
    /// key is the department's, `docs/LOG.md` §1), each with these `witnesses`, of which
    /// `quorum` must have cosigned a checkpoint.
    pub fn name_logs(
        &mut self,
        witnesses: &[LogWitness],
        quorum: usize,
    ) -> Result<(), TrustListError> {
        let mut logs: Vec<NamedLog> = vec![];
        for der in &self.certificates {
            let Ok(cert) = Certificate::parse(der) else {
                continue;
            };
            let (Some(department), Ok(key)) = (
                cert.org_code(),
                <Ed25519 as Suite>::public_key(cert.key().bytes()),
            ) else {
                continue;
            };
            if cert.key().alg() != Ed25519::ALG || logs.iter().any(|l| &l.department == department)
            {
                continue;
            }
            let log = NamedLog {
                department: department.clone(),
                key,
                witnesses: witnesses.to_vec(),
                quorum,
            };
            log.check()?;
            logs.push(log);
        }
        self.logs = logs;
        Ok(())
    }

    /// The log the list names for `department`, if any.
    pub fn named_log(&self, department: &OrgCode) -> Option<&NamedLog> {
        self.logs.iter().find(|l| &l.department == department)
    }

    /// Each named log must be of a department whose certificate (listed or revoked) the list
    /// carries, given as `certificates`, and named once.
    pub fn check_logs(&self, certificates: &[Certificate]) -> Result<(), TrustListError> {
        for (i, log) in self.logs.iter().enumerate() {
            if self.logs[..i]
                .iter()
                .any(|o| o.department == log.department)
            {
                return Err(TrustListError::DuplicateLog(log.origin()));
            }
            if !certificates
                .iter()
                .any(|c| c.org_code() == Some(&log.department))
            {
                return Err(TrustListError::LogNotListed(log.origin()));
            }
        }
        Ok(())
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
        if !self.logs.is_empty() {
            if self.logs.len() > MAX_TRUST_LIST_CERTS {
                return Err(TrustListError::LogCount(self.logs.len()));
            }
            for log in &self.logs {
                log.check()?;
            }
            let parsed: Vec<Certificate> = (self.certificates.iter())
                .filter_map(|der| Certificate::parse(der).ok())
                .collect();
            self.check_logs(&parsed)?;
            let logs = self.logs.iter().map(NamedLog::to_value).collect();
            entries.push((keys::LOGS, Value::Array(logs)));
        }
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
        let logs = match map.optional(keys::LOGS) {
            None => vec![],
            Some(v) => {
                let items = cbor::array(v, keys::LOGS.name)?;
                if items.is_empty() || items.len() > MAX_TRUST_LIST_CERTS {
                    return Err(TrustListError::LogCount(items.len()));
                }
                items
                    .into_iter()
                    .map(NamedLog::from_value)
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        map.finish()?;
        let list = TrustList {
            root_name,
            sequence,
            issued_at,
            next_update,
            certificates,
            revoked,
            logs,
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

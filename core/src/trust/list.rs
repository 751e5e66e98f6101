//! Trust lists: a root authority's signed list of the department certificates it vouches for
//! (`docs/TRUST.md` §3).

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use serde_cbor::Value;
use time::OffsetDateTime;

use super::TrustError;
use crate::cbor;
use crate::cose::{self, ContentType};
use crate::limits::{MAX_REVOKED_CERTS, MAX_TRUST_LIST_CERTS, MAX_TRUST_LIST_LEN};

/// The content of a trust list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// Name of the root authority that signs it (informative).
    pub root_name: String,
    /// Sequence number: every new list from a root has a larger one.
    pub sequence: u64,
    /// When it was issued (whole seconds).
    pub issued_at: OffsetDateTime,
    /// Department certificates (DER) the root vouches for.
    pub certificates: Vec<Vec<u8>>,
    /// SHA-256 fingerprints of revoked department certificates.
    pub revoked: Vec<[u8; 32]>,
}

pub(crate) fn seconds(t: OffsetDateTime) -> Value {
    Value::Integer(t.unix_timestamp().into())
}

pub(crate) fn time_from(value: &Value, what: &'static str) -> Result<OffsetDateTime, TrustError> {
    match value {
        Value::Integer(n) => i64::try_from(*n)
            .ok()
            .and_then(|n| OffsetDateTime::from_unix_timestamp(n).ok())
            .ok_or_else(|| TrustError::Malformed(format!("{what}: time {n} is out of range"))),
        _ => Err(TrustError::Malformed(format!(
            "{what}: issue time must be an integer"
        ))),
    }
}

pub(crate) fn int_keyed(
    value: Value,
    what: &'static str,
) -> Result<BTreeMap<i128, Value>, TrustError> {
    let Value::Map(map) = value else {
        return Err(TrustError::Malformed(format!("{what} must be a CBOR map")));
    };
    map.into_iter()
        .map(|(k, v)| match k {
            Value::Integer(k) => Ok((k, v)),
            _ => Err(TrustError::Malformed(format!(
                "{what} has a non-integer key"
            ))),
        })
        .collect()
}

pub(crate) fn take(
    map: &mut BTreeMap<i128, Value>,
    key: i128,
    what: &'static str,
) -> Result<Value, TrustError> {
    map.remove(&key)
        .ok_or_else(|| TrustError::Malformed(format!("{what} (key {key}) is missing")))
}

pub(crate) fn uint(value: Value, what: &'static str) -> Result<u64, TrustError> {
    match value {
        Value::Integer(n) => u64::try_from(n)
            .map_err(|_| TrustError::Malformed(format!("{what} {n} is out of range"))),
        _ => Err(TrustError::Malformed(format!(
            "{what} must be an unsigned integer"
        ))),
    }
}

impl TrustList {
    /// Encode as deterministic CBOR.
    pub fn to_cbor(&self) -> Result<Vec<u8>, TrustError> {
        if self.certificates.is_empty() || self.certificates.len() > MAX_TRUST_LIST_CERTS {
            return Err(TrustError::Malformed(format!(
                "a trust list carries 1 to {MAX_TRUST_LIST_CERTS} certificates, not {}",
                self.certificates.len()
            )));
        }
        if self.revoked.len() > MAX_REVOKED_CERTS {
            return Err(TrustError::Malformed(format!(
                "a trust list revokes at most {MAX_REVOKED_CERTS} certificates"
            )));
        }
        let mut map = BTreeMap::new();
        map.insert(Value::Integer(1), Value::Text(self.root_name.clone()));
        map.insert(Value::Integer(2), Value::Integer(self.sequence.into()));
        map.insert(Value::Integer(3), seconds(self.issued_at));
        map.insert(
            Value::Integer(4),
            Value::Array(
                self.certificates
                    .iter()
                    .cloned()
                    .map(Value::Bytes)
                    .collect(),
            ),
        );
        if !self.revoked.is_empty() {
            map.insert(
                Value::Integer(5),
                Value::Array(
                    self.revoked
                        .iter()
                        .map(|f| Value::Bytes(f.to_vec()))
                        .collect(),
                ),
            );
        }
        let bytes = cbor::encode(&Value::Map(map));
        if bytes.len() > MAX_TRUST_LIST_LEN - 256 {
            return Err(TrustError::Malformed("the trust list is too large".into()));
        }
        Ok(bytes)
    }

    /// Decode, accepting only the deterministic encoding.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, TrustError> {
        let value = cbor::decode(bytes).map_err(|e| TrustError::Malformed(e.to_string()))?;
        let mut map = int_keyed(value, "trust list")?;
        let root_name = match take(&mut map, 1, "root name")? {
            Value::Text(t) => t,
            _ => return Err(TrustError::Malformed("root name must be text".into())),
        };
        let sequence = uint(take(&mut map, 2, "sequence number")?, "sequence number")?;
        let issued_at = time_from(&take(&mut map, 3, "issue time")?, "trust list")?;
        let certificates = match take(&mut map, 4, "certificates")? {
            Value::Array(items) if !items.is_empty() && items.len() <= MAX_TRUST_LIST_CERTS => {
                items
                    .into_iter()
                    .map(|v| match v {
                        Value::Bytes(b) => Ok(b),
                        _ => Err(TrustError::Malformed(
                            "certificates must be byte strings".into(),
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
            _ => {
                return Err(TrustError::Malformed(format!(
                    "certificates must be an array of 1 to {MAX_TRUST_LIST_CERTS} byte strings"
                )))
            }
        };
        let revoked = match map.remove(&5) {
            None => vec![],
            Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_REVOKED_CERTS => {
                items
                    .into_iter()
                    .map(|v| match v {
                        Value::Bytes(b) => <[u8; 32]>::try_from(b.as_slice()).map_err(|_| {
                            TrustError::Malformed("a revoked fingerprint must be 32 bytes".into())
                        }),
                        _ => Err(TrustError::Malformed(
                            "revoked fingerprints must be byte strings".into(),
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
            Some(_) => {
                return Err(TrustError::Malformed(format!(
                    "revoked must be an array of 1 to {MAX_REVOKED_CERTS} fingerprints"
                )))
            }
        };
        if let Some(k) = map.keys().next() {
            return Err(TrustError::Malformed(format!(
                "trust list has an unknown key {k}"
            )));
        }
        Ok(TrustList {
            root_name,
            sequence,
            issued_at,
            certificates,
            revoked,
        })
    }

    /// Encode and sign with the root's key (COSE_Sign1, content type trust list).
    pub fn sign(&self, root_key: &SigningKey) -> Result<Vec<u8>, TrustError> {
        Ok(cose::sign(
            &self.to_cbor()?,
            root_key,
            ContentType::TrustList,
        ))
    }
}

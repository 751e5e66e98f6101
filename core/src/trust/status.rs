//! Revocation status lists: a department's signed, compressed bitstring with one bit per
//! license status index, 1 = revoked (after W3C Bitstring Status List and the EU DCC revocation
//! lists; `docs/TRUST.md` §4).

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use miniz_oxide::inflate::decompress_to_vec_zlib_with_limit;
use serde_cbor::Value;
use time::OffsetDateTime;

use super::list::{int_keyed, seconds, take, time_from, uint};
use super::TrustError;
use crate::cbor;
use crate::cose::{self, ContentType};
use crate::identifier::OrgCode;
use crate::limits::{MAX_STATUS_ENTRIES, MAX_STATUS_LIST_LEN};

/// A department's revocation status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    /// The department that issued the licenses and signs the list.
    pub issuer: OrgCode,
    /// Sequence number: every new list from a department has a larger one.
    pub sequence: u64,
    /// When it was issued (whole seconds).
    pub issued_at: OffsetDateTime,
    entries: u64,
    bits: Vec<u8>,
}

impl StatusList {
    /// A list of `entries` licenses, none revoked.
    pub fn new(
        issuer: OrgCode,
        sequence: u64,
        issued_at: OffsetDateTime,
        entries: u64,
    ) -> Result<Self, TrustError> {
        if entries == 0 || entries > MAX_STATUS_ENTRIES {
            return Err(TrustError::Malformed(format!(
                "a status list covers 1 to {MAX_STATUS_ENTRIES} entries, not {entries}"
            )));
        }
        Ok(StatusList {
            issuer,
            sequence,
            issued_at,
            entries,
            bits: vec![0; entries.div_ceil(8) as usize],
        })
    }

    /// Number of entries.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Mark the license with status index `index` as revoked.
    pub fn revoke(&mut self, index: u64) -> Result<(), TrustError> {
        if index >= self.entries {
            return Err(TrustError::StatusIndexOutOfRange {
                index,
                entries: self.entries,
            });
        }
        self.bits[(index / 8) as usize] |= 0x80 >> (index % 8);
        Ok(())
    }

    /// Whether the license with status index `index` is revoked; `None` when the list does not
    /// cover that index (it is older than the license).
    pub fn is_revoked(&self, index: u64) -> Option<bool> {
        (index < self.entries).then(|| self.bits[(index / 8) as usize] & (0x80 >> (index % 8)) != 0)
    }

    /// How many entries are revoked.
    pub fn revoked_count(&self) -> u64 {
        self.bits.iter().map(|b| u64::from(b.count_ones())).sum()
    }

    /// Encode as deterministic CBOR, the bitstring zlib-compressed.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut map = BTreeMap::new();
        map.insert(Value::Integer(1), Value::Text(self.issuer.to_string()));
        map.insert(Value::Integer(2), Value::Integer(self.sequence.into()));
        map.insert(Value::Integer(3), seconds(self.issued_at));
        map.insert(Value::Integer(4), Value::Integer(self.entries.into()));
        map.insert(
            Value::Integer(5),
            Value::Bytes(miniz_oxide::deflate::compress_to_vec_zlib(&self.bits, 9)),
        );
        cbor::encode(&Value::Map(map))
    }

    /// Decode, accepting only the deterministic encoding and a bitstring of exactly the declared
    /// length (inflating stops there) whose padding bits after the last entry are zero.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, TrustError> {
        let value = cbor::decode(bytes).map_err(|e| TrustError::Malformed(e.to_string()))?;
        let mut map = int_keyed(value, "status list")?;
        let issuer = match take(&mut map, 1, "issuer")? {
            Value::Text(t) => t
                .parse::<OrgCode>()
                .map_err(|e| TrustError::Malformed(format!("status list issuer: {e}")))?,
            _ => {
                return Err(TrustError::Malformed(
                    "status list issuer must be text".into(),
                ))
            }
        };
        let sequence = uint(take(&mut map, 2, "sequence number")?, "sequence number")?;
        let issued_at = time_from(&take(&mut map, 3, "issue time")?, "status list")?;
        let entries = uint(take(&mut map, 4, "entries")?, "entries")?;
        let mut list = StatusList::new(issuer, sequence, issued_at, entries)?;
        let Value::Bytes(z) = take(&mut map, 5, "bitstring")? else {
            return Err(TrustError::Malformed(
                "bitstring must be a byte string".into(),
            ));
        };
        if let Some(k) = map.keys().next() {
            return Err(TrustError::Malformed(format!(
                "status list has an unknown key {k}"
            )));
        }
        let bits = decompress_to_vec_zlib_with_limit(&z, list.bits.len())
            .map_err(|e| TrustError::Malformed(format!("status bitstring: {:?}", e.status)))?;
        if bits.len() != list.bits.len() {
            return Err(TrustError::Malformed(format!(
                "status bitstring is {} bytes, {entries} entries need {}",
                bits.len(),
                list.bits.len()
            )));
        }
        // The last byte's bits past the final entry are padding: they must be zero, or the list
        // would count revocations it does not have and have more than one encoding.
        let used = entries % 8;
        if used != 0 && bits.last().is_some_and(|&b| b & (0xff >> used) != 0) {
            return Err(TrustError::Malformed(format!(
                "status bitstring has padding bits set after its {entries} entries"
            )));
        }
        list.bits = bits;
        Ok(list)
    }

    /// Encode and sign with the department's key (COSE_Sign1, content type status list).
    pub fn sign(&self, key: &SigningKey) -> Result<Vec<u8>, TrustError> {
        let signed = cose::sign(&self.to_cbor(), key, ContentType::StatusList);
        if signed.len() > MAX_STATUS_LIST_LEN {
            return Err(TrustError::Malformed(format!(
                "the signed status list is {} bytes, more than the limit of {MAX_STATUS_LIST_LEN}",
                signed.len()
            )));
        }
        Ok(signed)
    }
}

//! Revocation status lists: a department's signed, compressed bitstring with one bit per
//! license status index, 1 = revoked (after W3C Bitstring Status List and the EU DCC revocation
//! lists; `docs/TRUST.md` §4).

use miniz_oxide::inflate::{decompress_to_vec_zlib_with_limit, TINFLStatus};
use serde_cbor::Value;
use thiserror::Error;
use time::OffsetDateTime;

use crate::encoding::cbor::{self, CborError, FieldError, Key, MapReader};
use crate::encoding::cose::{ContentType, Payload};
use crate::limits::{MAX_LIST_INTERVAL_SECONDS, MAX_STATUS_ENTRIES, MAX_STATUS_LIST_LEN};
use crate::model::identifier::{IdentifierError, OrgCode};
use crate::model::time::{instant_from, next_update_acceptable, seconds};

/// The status list payload's map keys (`docs/TRUST.md` §4), each named once.
mod keys {
    use super::Key;

    pub const ISSUER: Key = Key::new(1, "issuer");
    pub const SEQUENCE: Key = Key::new(2, "sequence number");
    pub const ISSUED_AT: Key = Key::new(3, "issue time");
    pub const ENTRIES: Key = Key::new(4, "entries");
    pub const BITSTRING: Key = Key::new(5, "bitstring");
    pub const NEXT_UPDATE: Key = Key::new(6, "next update");
}

/// zlib level of the bitstring (miniz_oxide's scale).
const BITSTRING_COMPRESSION: u8 = 9;

/// Why a status list cannot be built, encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StatusListError {
    /// Not acceptable CBOR.
    #[error("status list: {0}")]
    Cbor(#[from] CborError),
    /// An entry is missing, unknown or of the wrong type.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// The issuer is not a valid organisation code.
    #[error("status list issuer: {0}")]
    Issuer(IdentifierError),
    /// Not 1 to [`MAX_STATUS_ENTRIES`] entries.
    #[error("a status list covers 1 to {MAX_STATUS_ENTRIES} entries, not {0}")]
    EntryCount(u64),
    /// A status index beyond the list.
    #[error("status index {index} is outside the list's {entries} entries")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The list's size.
        entries: u64,
    },
    /// The compressed bitstring is corrupt.
    #[error("status bitstring: {0:?}")]
    Inflate(TINFLStatus),
    /// The bitstring's length does not match the entries.
    #[error("status bitstring is {found} bytes, {entries} entries need {expected}")]
    BitstringLength {
        /// Bytes found.
        found: usize,
        /// Entries declared.
        entries: u64,
        /// Bytes they need.
        expected: usize,
    },
    /// Bits set after the last entry.
    #[error("status bitstring has padding bits set after its {0} entries")]
    PaddingBits(u64),
    /// The next update is not after the issue time, or more than
    /// [`MAX_LIST_INTERVAL_SECONDS`] after it.
    #[error("next update {next_update} must be after the issue time {issued_at} and at most {MAX_LIST_INTERVAL_SECONDS} seconds (366 days) after it")]
    NextUpdate {
        /// The list's issue time.
        issued_at: OffsetDateTime,
        /// Its declared next update.
        next_update: OffsetDateTime,
    },
    /// The signed list would exceed [`MAX_STATUS_LIST_LEN`].
    #[error("the signed status list would be {len} bytes, more than the limit of {max}")]
    TooLarge {
        /// Its payload's length.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl StatusListError {
    /// A stable machine-readable code: `status_index_out_of_range`, else `malformed`.
    pub fn code(&self) -> &'static str {
        match self {
            StatusListError::IndexOutOfRange { .. } => "status_index_out_of_range",
            _ => "malformed",
        }
    }
}

/// A department's revocation status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    /// The department that issued the licenses and signs the list.
    pub issuer: OrgCode,
    /// Sequence number: every new list from a department has a larger one.
    pub sequence: u64,
    /// When it was issued (whole seconds).
    pub issued_at: OffsetDateTime,
    /// When the department will have issued the next list (whole seconds): after it the list
    /// is stale (`docs/TRUST.md` §4, "Freshness").
    pub next_update: OffsetDateTime,
    entries: u64,
    bits: Vec<u8>,
}

impl StatusList {
    /// A list of `entries` licenses, none revoked, current until `next_update`.
    pub fn new(
        issuer: OrgCode,
        sequence: u64,
        issued_at: OffsetDateTime,
        next_update: OffsetDateTime,
        entries: u64,
    ) -> Result<Self, StatusListError> {
        if entries == 0 || entries > MAX_STATUS_ENTRIES {
            return Err(StatusListError::EntryCount(entries));
        }
        check_next_update(issued_at, next_update)?;
        Ok(StatusList {
            issuer,
            sequence,
            issued_at,
            next_update,
            entries,
            bits: vec![0; entries.div_ceil(8) as usize],
        })
    }

    /// Number of entries.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Mark the license with status index `index` as revoked.
    pub fn revoke(&mut self, index: u64) -> Result<(), StatusListError> {
        if index >= self.entries {
            return Err(StatusListError::IndexOutOfRange {
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
        let bits = miniz_oxide::deflate::compress_to_vec_zlib(&self.bits, BITSTRING_COMPRESSION);
        cbor::encode(&cbor::int_map([
            (keys::ISSUER, Value::Text(self.issuer.to_string())),
            (keys::SEQUENCE, Value::Integer(self.sequence.into())),
            (keys::ISSUED_AT, seconds(self.issued_at)),
            (keys::ENTRIES, Value::Integer(self.entries.into())),
            (keys::BITSTRING, Value::Bytes(bits)),
            (keys::NEXT_UPDATE, seconds(self.next_update)),
        ]))
    }

    /// Decode, accepting only the deterministic encoding and a bitstring of exactly the declared
    /// length (inflating stops there) whose padding bits after the last entry are zero.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, StatusListError> {
        let mut map = MapReader::new(cbor::decode(bytes)?, "status list")?;
        let issuer = cbor::text(map.required(keys::ISSUER)?, keys::ISSUER.name)?
            .parse::<OrgCode>()
            .map_err(StatusListError::Issuer)?;
        let sequence = cbor::uint(map.required(keys::SEQUENCE)?, keys::SEQUENCE.name)?;
        let issued_at = instant_from(map.required(keys::ISSUED_AT)?, keys::ISSUED_AT)?;
        let entries = cbor::uint(map.required(keys::ENTRIES)?, keys::ENTRIES.name)?;
        let z = cbor::bytes(map.required(keys::BITSTRING)?, keys::BITSTRING.name)?;
        let next_update = instant_from(map.required(keys::NEXT_UPDATE)?, keys::NEXT_UPDATE)?;
        let mut list = StatusList::new(issuer, sequence, issued_at, next_update, entries)?;
        map.finish()?;
        let bits = decompress_to_vec_zlib_with_limit(&z, list.bits.len())
            .map_err(|e| StatusListError::Inflate(e.status))?;
        if bits.len() != list.bits.len() {
            return Err(StatusListError::BitstringLength {
                found: bits.len(),
                entries,
                expected: list.bits.len(),
            });
        }
        // The last byte's bits past the final entry are padding: they must be zero, or the list
        // would count revocations it does not have and have more than one encoding.
        let used = entries % 8;
        if used != 0 && bits.last().is_some_and(|&b| b & (0xff >> used) != 0) {
            return Err(StatusListError::PaddingBits(entries));
        }
        list.bits = bits;
        Ok(list)
    }

    /// Encode and sign with the department's key (COSE_Sign1, content type status list).
    pub fn sign(
        &self,
        key: &(impl crate::suite::Signer + ?Sized),
    ) -> Result<Vec<u8>, StatusListError> {
        check_next_update(self.issued_at, self.next_update)?;
        let signed = self.sign_payload(key)?;
        if signed.len() > MAX_STATUS_LIST_LEN {
            return Err(StatusListError::TooLarge {
                len: signed.len(),
                max: MAX_STATUS_LIST_LEN,
            });
        }
        Ok(signed)
    }
}

fn check_next_update(
    issued_at: OffsetDateTime,
    next_update: OffsetDateTime,
) -> Result<(), StatusListError> {
    if next_update_acceptable(issued_at, next_update) {
        Ok(())
    } else {
        Err(StatusListError::NextUpdate {
            issued_at,
            next_update,
        })
    }
}

impl Payload for StatusList {
    const CONTENT_TYPE: ContentType = ContentType::StatusList;
    const MAX_SIGNED_LEN: usize = MAX_STATUS_LIST_LEN;
    type Error = StatusListError;

    fn decode(payload: &[u8]) -> Result<Self, StatusListError> {
        StatusList::from_cbor(payload)
    }

    fn encode(&self) -> Result<Vec<u8>, StatusListError> {
        Ok(self.to_cbor())
    }
}

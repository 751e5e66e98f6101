//! Entries of the issuance log (`docs/LOG.md` §3): what a department signed, as deterministic
//! CBOR — the kind of document, its identifier, the SHA-256 of its signed bytes and the time it
//! was logged. No personal data: the identifier names the document, never its holder.

use serde_cbor::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::encoding::cbor::{self, CborError, FieldError, Key, MapReader};
use crate::encoding::cose::ContentType;
use crate::limits::{MAX_LOG_ENTRY_ID_LEN, MAX_LOG_ENTRY_LEN};

mod keys {
    use super::Key;

    pub const KIND: Key = Key::new(1, "kind");
    pub const ID: Key = Key::new(2, "identifier");
    pub const DIGEST: Key = Key::new(3, "signed bytes digest");
    pub const TIME: Key = Key::new(4, "logged time");
}

/// Why a log entry cannot be built or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LogEntryError {
    /// Longer than [`MAX_LOG_ENTRY_LEN`] bytes.
    #[error("a log entry of {0} bytes is longer than the limit of {MAX_LOG_ENTRY_LEN}")]
    TooLong(usize),
    /// Not acceptable CBOR.
    #[error("log entry: {0}")]
    Cbor(#[from] CborError),
    /// An entry is missing, unknown or of the wrong type.
    #[error("log entry: {0}")]
    Field(#[from] FieldError),
    /// The kind is not a document kind's number.
    #[error("log entry kind {0} is not a kind of document")]
    UnknownKind(u64),
    /// The identifier is empty, too long, or not printable ASCII without spaces.
    #[error("log entry identifier must be 1 to {MAX_LOG_ENTRY_ID_LEN} printable ASCII characters without spaces")]
    BadIdentifier,
    /// The digest is not 32 bytes.
    #[error("log entry digest must be 32 bytes, found {0}")]
    DigestLength(usize),
    /// The time is beyond the year 9999.
    #[error("log entry time {0} is out of range")]
    TimeOutOfRange(u64),
}

/// Latest logged time accepted: 9999-12-31T23:59:59Z, in seconds since 1970.
const MAX_TIME: u64 = 253_402_300_799;

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The kind of document signed.
    pub kind: ContentType,
    /// The document's identifier (a license identifier, an issuer code and sequence number, …).
    pub id: String,
    /// SHA-256 of the signed bytes (the COSE_Sign1 document).
    pub digest: [u8; 32],
    /// When it was logged, seconds since 1970-01-01T00:00:00Z.
    pub time: u64,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LOG_ENTRY_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic())
}

impl LogEntry {
    /// An entry for the signed bytes `signed` of a document of `kind` named `id`, logged at `time`.
    pub fn new(
        kind: ContentType,
        id: &str,
        signed: &[u8],
        time: u64,
    ) -> Result<LogEntry, LogEntryError> {
        if !valid_id(id) {
            return Err(LogEntryError::BadIdentifier);
        }
        if time > MAX_TIME {
            return Err(LogEntryError::TimeOutOfRange(time));
        }
        Ok(LogEntry {
            kind,
            id: id.to_owned(),
            digest: Sha256::digest(signed).into(),
            time,
        })
    }

    /// Whether this entry names exactly these signed bytes.
    pub fn covers(&self, signed: &[u8]) -> bool {
        self.digest == <[u8; 32]>::from(Sha256::digest(signed))
    }

    /// The deterministic CBOR bytes (the leaf data of the log).
    pub fn encode(&self) -> Vec<u8> {
        cbor::encode(&cbor::int_map([
            (keys::KIND, Value::Integer(self.kind.number().into())),
            (keys::ID, Value::Text(self.id.clone())),
            (keys::DIGEST, Value::Bytes(self.digest.to_vec())),
            (keys::TIME, Value::Integer(self.time.into())),
        ]))
    }

    /// Decodes an entry, accepting only its deterministic encoding.
    pub fn decode(bytes: &[u8]) -> Result<LogEntry, LogEntryError> {
        if bytes.len() > MAX_LOG_ENTRY_LEN {
            return Err(LogEntryError::TooLong(bytes.len()));
        }
        let mut map = MapReader::new(cbor::decode(bytes)?, "log entry")?;
        map.only(&[keys::KIND, keys::ID, keys::DIGEST, keys::TIME])?;
        let kind = cbor::uint(map.required(keys::KIND)?, keys::KIND.name)?;
        let kind = ContentType::ALL
            .into_iter()
            .find(|k| u64::from(k.number()) == kind)
            .ok_or(LogEntryError::UnknownKind(kind))?;
        let id = cbor::text(map.required(keys::ID)?, keys::ID.name)?;
        if !valid_id(&id) {
            return Err(LogEntryError::BadIdentifier);
        }
        let digest = cbor::bytes(map.required(keys::DIGEST)?, keys::DIGEST.name)?;
        let digest: [u8; 32] = digest
            .as_slice()
            .try_into()
            .map_err(|_| LogEntryError::DigestLength(digest.len()))?;
        let time = cbor::uint(map.required(keys::TIME)?, keys::TIME.name)?;
        if time > MAX_TIME {
            return Err(LogEntryError::TimeOutOfRange(time));
        }
        map.finish()?;
        Ok(LogEntry {
            kind,
            id,
            digest,
            time,
        })
    }
}

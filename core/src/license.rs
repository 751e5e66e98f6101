//! The license data model and its deterministic CBOR encoding (see `docs/FORMAT.md` §3).
//!
//! A [`License`] encodes to a CBOR map with small integer keys: the CWT claims `iss` (1), `sub`
//! (2), `exp` (4), `nbf` (5), `iat` (6), `cti` (7) for the common fields and negative keys for the
//! rest. Dates are whole days since 1970-01-01. The same license always encodes to the same bytes,
//! and decoding accepts only that encoding.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ed25519_dalek::SigningKey;
use serde_cbor::Value;
use thiserror::Error;
use time::Date;

use crate::attachment::AttachmentRef;
use crate::cbor::{self, CborError};
use crate::cose::{self, ContentType};
use crate::identifier::{IdentifierError, LicenseId, LicenseTypeCode, OrgCode, ResidentId};
use crate::limits::{
    MAX_ATTACHMENTS, MAX_BYTES_FIELD, MAX_FIELDS, MAX_FIELD_KEY_LEN, MAX_OTHER_ID_LEN,
    MAX_SIGNED_LEN, MAX_TEXT_BYTES, MAX_YEAR, MIN_YEAR,
};

/// The format version this library writes and reads (payload key -1).
pub const FORMAT_VERSION: u8 = 1;

/// Largest encoded license payload; leaves room for the COSE envelope within [`MAX_SIGNED_LEN`].
pub const MAX_PAYLOAD_LEN: usize = MAX_SIGNED_LEN - 256;

/// CBOR tag for a date as days since 1970-01-01 (RFC 8943), used for date-typed fields.
pub const TAG_DAYS_SINCE_EPOCH: u64 = 100;

pub(crate) mod keys {
    pub const ISS: i128 = 1;
    pub const SUB: i128 = 2;
    pub const EXP: i128 = 4;
    pub const NBF: i128 = 5;
    pub const IAT: i128 = 6;
    pub const CTI: i128 = 7;
    pub const VERSION: i128 = -1;
    pub const TYPE_NAME: i128 = -2;
    pub const HOLDER: i128 = -3;
    pub const ISSUER_NAME: i128 = -4;
    pub const FIELDS: i128 = -5;
    pub const ATTACHMENTS: i128 = -6;
    pub const STATUS: i128 = -7;
}

const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// Why a license cannot be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LicenseError {
    /// The payload is not acceptable CBOR.
    #[error("license payload: {0}")]
    Cbor(#[from] CborError),
    /// The payload is CBOR but not a map.
    #[error("license payload must be a CBOR map, found {0}")]
    NotAMap(&'static str),
    /// A map key this format version does not define.
    #[error("license payload has an unknown key {0}")]
    UnknownKey(String),
    /// A required entry is absent.
    #[error("license payload lacks the required {0}")]
    Missing(&'static str),
    /// An entry has the wrong CBOR type.
    #[error("{field} must be {expected}, found {found}")]
    WrongType {
        /// Which entry.
        field: String,
        /// The type required.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
    /// The payload's format version is not [`FORMAT_VERSION`].
    #[error("license format version {0} is not supported (this verifier reads version {FORMAT_VERSION})")]
    UnsupportedVersion(i128),
    /// A code or identifier is invalid.
    #[error("{field}: {source}")]
    Identifier {
        /// Which entry.
        field: &'static str,
        /// What is wrong with it.
        source: IdentifierError,
    },
    /// The issuer code differs from the one inside the license identifier.
    #[error("issuer code {issuer} differs from the one in license identifier {id}")]
    IssuerMismatch {
        /// The `iss` entry.
        issuer: String,
        /// The license identifier.
        id: String,
    },
    /// A date is outside years [`MIN_YEAR`]..=[`MAX_YEAR`].
    #[error("{field} is out of range ({days} days from 1970-01-01; years {MIN_YEAR} to {MAX_YEAR} are allowed)")]
    DateOutOfRange {
        /// Which entry.
        field: String,
        /// The day number found.
        days: i128,
    },
    /// An integer does not fit the entry's range.
    #[error("{field} value {value} is out of range")]
    IntegerOutOfRange {
        /// Which entry.
        field: String,
        /// The value found.
        value: i128,
    },
    /// The validity period ends before it starts.
    #[error("validity ends on {until} before it starts on {from}")]
    ValidityReversed {
        /// Start date.
        from: Date,
        /// End date.
        until: Date,
    },
    /// A text is empty where text is required.
    #[error("{0} must not be empty")]
    EmptyText(String),
    /// A text or byte string exceeds its limit.
    #[error("{field} is {len} bytes long, more than the limit of {max}")]
    TooLong {
        /// Which entry.
        field: String,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A text contains a control or bidirectional-formatting character, which could disguise
    /// what is displayed.
    #[error(
        "{field} contains the control or formatting character U+{code:04X} at character {position}"
    )]
    ForbiddenChar {
        /// Which entry.
        field: String,
        /// The code point.
        code: u32,
        /// 1-based character position.
        position: usize,
    },
    /// A list exceeds its limit.
    #[error("license has {count} {what}, more than the limit of {max}")]
    TooMany {
        /// Which list.
        what: &'static str,
        /// Its length.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An optional list is present but empty; the encoding omits empty lists.
    #[error("{0} is present but empty; an empty list must be omitted")]
    EmptyList(&'static str),
    /// A field key is not `[a-z][a-z0-9_]*` of at most [`MAX_FIELD_KEY_LEN`] bytes.
    #[error("field key {0:?} must be 1 to {MAX_FIELD_KEY_LEN} characters of a-z, 0-9 and _, starting with a letter")]
    BadFieldKey(String),
    /// Two fields share a key.
    #[error("field key {0:?} appears more than once")]
    DuplicateFieldKey(String),
    /// A field value is not one of the four field types.
    #[error("field {key:?} has a value of unsupported type {found}")]
    BadFieldValue {
        /// The field key.
        key: String,
        /// What was found.
        found: &'static str,
    },
    /// The holder entry is malformed.
    #[error("holder: {0}")]
    BadHolder(String),
    /// An attachment reference is malformed.
    #[error("attachment {index}: {reason}")]
    BadAttachment {
        /// 0-based position in the list.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// The encoded license would exceed [`MAX_PAYLOAD_LEN`].
    #[error("encoded license is {len} bytes, more than the limit of {max}")]
    PayloadTooLarge {
        /// Its encoded length.
        len: usize,
        /// The limit.
        max: usize,
    },
}

/// Who holds the license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Name of the organisation or person.
    pub name: String,
    /// Their code.
    pub id: HolderId,
}

/// The code identifying a license holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolderId {
    /// An organisation, by unified social credit code.
    Organisation(OrgCode),
    /// A person, by resident identity number.
    Person(ResidentId),
    /// Any other identifier (passport or permit number), 1 to 64 bytes of printable text.
    Other(String),
}

impl HolderId {
    fn kind(&self) -> u8 {
        match self {
            HolderId::Organisation(_) => 1,
            HolderId::Person(_) => 2,
            HolderId::Other(_) => 3,
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        match self {
            HolderId::Organisation(c) => c.as_str(),
            HolderId::Person(c) => c.as_str(),
            HolderId::Other(c) => c,
        }
    }
}

/// When a license is valid: from a date, until a date or for good (长期).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    from: Date,
    until: Option<Date>,
}

impl Validity {
    /// Valid from `from` to `until`, both days included.
    pub fn until(from: Date, until: Date) -> Result<Self, LicenseError> {
        if until < from {
            return Err(LicenseError::ValidityReversed { from, until });
        }
        Ok(Validity {
            from,
            until: Some(until),
        })
    }

    /// Valid from `from` with no end (长期).
    pub fn perpetual(from: Date) -> Self {
        Validity { from, until: None }
    }

    /// First day of validity.
    pub fn from(&self) -> Date {
        self.from
    }

    /// Last day of validity, or `None` when perpetual (长期).
    pub fn last_day(&self) -> Option<Date> {
        self.until
    }
}

/// The value of a typed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// Text.
    Text(String),
    /// A calendar date.
    Date(Date),
    /// A signed integer.
    Integer(i64),
    /// Raw bytes (for example a photo hash).
    Bytes(Vec<u8>),
}

impl std::fmt::Display for FieldValue {
    /// Text as is, dates as `YYYY-MM-DD`, integers in decimal, bytes in lowercase hex.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldValue::Text(t) => f.write_str(t),
            FieldValue::Date(d) => write!(f, "{d}"),
            FieldValue::Integer(n) => write!(f, "{n}"),
            FieldValue::Bytes(b) => b.iter().try_for_each(|x| write!(f, "{x:02x}")),
        }
    }
}

/// A further field, with a key defined by the license type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Key, `[a-z][a-z0-9_]*`, unique within the license.
    pub key: String,
    /// Typed value.
    pub value: FieldValue,
}

impl Field {
    /// A field with the given key and value.
    pub fn new(key: impl Into<String>, value: FieldValue) -> Self {
        Field {
            key: key.into(),
            value,
        }
    }
}

/// An electronic license (电子证照).
///
/// The license identifier carries the license type code and the issuing department's
/// organisation code, so those cannot disagree with the rest of the license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    /// Identifier: type code + issuer code + sequence + check character.
    pub id: LicenseId,
    /// License type name, such as 营业执照.
    pub type_name: String,
    /// Issuing department's name, such as 某某市市场监督管理局.
    pub issuer_name: String,
    /// Who holds the license.
    pub holder: Holder,
    /// Date of issue.
    pub issued_on: Date,
    /// Validity period.
    pub validity: Validity,
    /// Further typed fields, in display order.
    pub fields: Vec<Field>,
    /// Attached files.
    pub attachments: Vec<AttachmentRef>,
    /// Position of this license in its issuer's revocation status list, if it has one.
    pub status_index: Option<u64>,
}

impl License {
    /// The license type code (from the identifier).
    pub fn type_code(&self) -> &LicenseTypeCode {
        self.id.type_code()
    }

    /// The issuing department's organisation code (from the identifier).
    pub fn issuer_code(&self) -> &OrgCode {
        self.id.issuer()
    }

    /// Check every rule that the encoding imposes beyond the types themselves.
    pub fn validate(&self) -> Result<(), LicenseError> {
        check_text("license type name", &self.type_name, MAX_TEXT_BYTES)?;
        check_text("issuer name", &self.issuer_name, MAX_TEXT_BYTES)?;
        check_text("holder name", &self.holder.name, MAX_TEXT_BYTES)?;
        if let HolderId::Other(code) = &self.holder.id {
            check_text("holder code", code, MAX_OTHER_ID_LEN)?;
        }
        check_date("issue date", self.issued_on)?;
        check_date("validity start", self.validity.from)?;
        if let Some(until) = self.validity.until {
            check_date("validity end", until)?;
        }
        if self.fields.len() > MAX_FIELDS {
            return Err(LicenseError::TooMany {
                what: "fields",
                count: self.fields.len(),
                max: MAX_FIELDS,
            });
        }
        let mut seen = BTreeSet::new();
        for field in &self.fields {
            let key = &field.key;
            let key_ok = key.len() <= MAX_FIELD_KEY_LEN
                && key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !key_ok {
                return Err(LicenseError::BadFieldKey(key.clone()));
            }
            if !seen.insert(key.as_str()) {
                return Err(LicenseError::DuplicateFieldKey(key.clone()));
            }
            match &field.value {
                FieldValue::Text(t) => check_text(format_args!("field {key}"), t, MAX_TEXT_BYTES)?,
                FieldValue::Date(d) => check_date(format_args!("field {key}"), *d)?,
                FieldValue::Integer(_) => {}
                FieldValue::Bytes(b) if b.len() > MAX_BYTES_FIELD => {
                    return Err(LicenseError::TooLong {
                        field: format!("field {key}"),
                        len: b.len(),
                        max: MAX_BYTES_FIELD,
                    })
                }
                FieldValue::Bytes(_) => {}
            }
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(LicenseError::TooMany {
                what: "attachments",
                count: self.attachments.len(),
                max: MAX_ATTACHMENTS,
            });
        }
        for (i, a) in self.attachments.iter().enumerate() {
            a.validate(i)?;
        }
        Ok(())
    }

    /// Encode as deterministic CBOR (the payload that gets signed).
    pub fn to_cbor(&self) -> Result<Vec<u8>, LicenseError> {
        self.validate()?;
        let mut map = BTreeMap::new();
        let text = |s: &str| Value::Text(s.to_owned());
        map.insert(keys::ISS, text(self.issuer_code().as_str()));
        map.insert(keys::SUB, text(self.holder.id.as_str()));
        if let Some(until) = self.validity.until {
            map.insert(keys::EXP, days_value(until));
        }
        map.insert(keys::NBF, days_value(self.validity.from));
        map.insert(keys::IAT, days_value(self.issued_on));
        map.insert(keys::CTI, Value::Text(self.id.to_string()));
        map.insert(keys::VERSION, Value::Integer(FORMAT_VERSION.into()));
        map.insert(keys::TYPE_NAME, text(&self.type_name));
        map.insert(
            keys::HOLDER,
            Value::Array(vec![
                Value::Integer(self.holder.id.kind().into()),
                text(&self.holder.name),
            ]),
        );
        map.insert(keys::ISSUER_NAME, text(&self.issuer_name));
        if !self.fields.is_empty() {
            let fields = self
                .fields
                .iter()
                .map(|f| Value::Array(vec![text(&f.key), field_value_to_cbor(&f.value)]))
                .collect();
            map.insert(keys::FIELDS, Value::Array(fields));
        }
        if !self.attachments.is_empty() {
            let list = self
                .attachments
                .iter()
                .map(AttachmentRef::to_cbor)
                .collect();
            map.insert(keys::ATTACHMENTS, Value::Array(list));
        }
        if let Some(index) = self.status_index {
            map.insert(keys::STATUS, Value::Integer(index.into()));
        }
        let map = map
            .into_iter()
            .map(|(k, v)| (Value::Integer(k), v))
            .collect();
        let bytes = cbor::encode(&Value::Map(map));
        if bytes.len() > MAX_PAYLOAD_LEN {
            return Err(LicenseError::PayloadTooLarge {
                len: bytes.len(),
                max: MAX_PAYLOAD_LEN,
            });
        }
        Ok(bytes)
    }

    /// Decode a payload, accepting only the deterministic encoding of a valid license.
    pub fn from_cbor(bytes: &[u8]) -> Result<License, LicenseError> {
        if bytes.len() > MAX_PAYLOAD_LEN {
            return Err(LicenseError::PayloadTooLarge {
                len: bytes.len(),
                max: MAX_PAYLOAD_LEN,
            });
        }
        let value = cbor::decode(bytes)?;
        let Value::Map(map) = value else {
            return Err(LicenseError::NotAMap(cbor::kind(&value)));
        };
        let mut entries = BTreeMap::new();
        for (k, v) in map {
            match k {
                Value::Integer(
                    k @ (keys::ISS
                    | keys::SUB
                    | keys::EXP
                    | keys::NBF
                    | keys::IAT
                    | keys::CTI
                    | keys::VERSION
                    | keys::TYPE_NAME
                    | keys::HOLDER
                    | keys::ISSUER_NAME
                    | keys::FIELDS
                    | keys::ATTACHMENTS
                    | keys::STATUS),
                ) => {
                    entries.insert(k, v);
                }
                Value::Integer(k) => return Err(LicenseError::UnknownKey(k.to_string())),
                other => return Err(LicenseError::UnknownKey(format!("{other:?}"))),
            }
        }
        let mut take =
            |key: i128, name: &'static str| entries.remove(&key).ok_or(LicenseError::Missing(name));
        let version = as_int(
            take(keys::VERSION, "format version (key -1)")?,
            "format version",
        )?;
        if version != FORMAT_VERSION.into() {
            return Err(LicenseError::UnsupportedVersion(version));
        }
        let id_text = as_text(
            take(keys::CTI, "license identifier (key 7)")?,
            "license identifier",
        )?;
        let id: LicenseId = id_text.parse().map_err(|source| LicenseError::Identifier {
            field: "license identifier",
            source,
        })?;
        let iss = as_text(take(keys::ISS, "issuer code (key 1)")?, "issuer code")?;
        if iss != id.issuer().as_str() {
            return Err(LicenseError::IssuerMismatch {
                issuer: iss,
                id: id_text,
            });
        }
        let sub = as_text(take(keys::SUB, "holder code (key 2)")?, "holder code")?;
        let (kind, holder_name) = match take(keys::HOLDER, "holder (key -3)")? {
            Value::Array(items) => match <[Value; 2]>::try_from(items) {
                Ok([Value::Integer(kind), Value::Text(name)]) => (kind, name),
                _ => {
                    return Err(LicenseError::BadHolder(
                        "must be [kind, name] with an integer kind and a text name".into(),
                    ))
                }
            },
            other => {
                return Err(LicenseError::WrongType {
                    field: "holder".into(),
                    expected: "an array",
                    found: cbor::kind(&other),
                })
            }
        };
        let holder_id = match kind {
            1 => {
                HolderId::Organisation(sub.parse().map_err(|source| LicenseError::Identifier {
                    field: "holder code",
                    source,
                })?)
            }
            2 => HolderId::Person(sub.parse().map_err(|source| LicenseError::Identifier {
                field: "holder code",
                source,
            })?),
            3 => HolderId::Other(sub),
            k => {
                return Err(LicenseError::BadHolder(format!(
                    "kind {k} is not 1 (organisation), 2 (person) or 3 (other)"
                )))
            }
        };
        let type_name = as_text(
            take(keys::TYPE_NAME, "license type name (key -2)")?,
            "license type name",
        )?;
        let issuer_name = as_text(
            take(keys::ISSUER_NAME, "issuer name (key -4)")?,
            "issuer name",
        )?;
        let issued_on = as_days(take(keys::IAT, "issue date (key 6)")?, "issue date")?;
        let from = as_days(take(keys::NBF, "validity start (key 5)")?, "validity start")?;
        let validity = match entries.remove(&keys::EXP) {
            Some(v) => Validity::until(from, as_days(v, "validity end")?)?,
            None => Validity::perpetual(from),
        };
        let fields = match entries.remove(&keys::FIELDS) {
            None => Vec::new(),
            Some(v) => {
                let items = as_list(v, "fields")?;
                if items.len() > MAX_FIELDS {
                    return Err(LicenseError::TooMany {
                        what: "fields",
                        count: items.len(),
                        max: MAX_FIELDS,
                    });
                }
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| field_from_cbor(i, item))
                    .collect::<Result<_, _>>()?
            }
        };
        let attachments = match entries.remove(&keys::ATTACHMENTS) {
            None => Vec::new(),
            Some(v) => {
                let items = as_list(v, "attachments")?;
                if items.len() > MAX_ATTACHMENTS {
                    return Err(LicenseError::TooMany {
                        what: "attachments",
                        count: items.len(),
                        max: MAX_ATTACHMENTS,
                    });
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| AttachmentRef::from_cbor(i, item))
                    .collect::<Result<_, _>>()?
            }
        };
        let status_index = match entries.remove(&keys::STATUS) {
            None => None,
            Some(v) => {
                let n = as_int(v, "status index")?;
                Some(
                    u64::try_from(n).map_err(|_| LicenseError::IntegerOutOfRange {
                        field: "status index".into(),
                        value: n,
                    })?,
                )
            }
        };
        let license = License {
            id,
            type_name,
            issuer_name,
            holder: Holder {
                name: holder_name,
                id: holder_id,
            },
            issued_on,
            validity,
            fields,
            attachments,
            status_index,
        };
        license.validate()?;
        Ok(license)
    }

    /// Encode and sign: returns the COSE_Sign1 bytes (RFC 9052, tag 18, EdDSA).
    pub fn sign(&self, key: &SigningKey) -> Result<Vec<u8>, LicenseError> {
        Ok(cose::sign(&self.to_cbor()?, key, ContentType::License))
    }
}

/// Check a text entry: non-empty, at most `max` bytes, no control or bidi formatting characters.
pub(crate) fn check_text(
    field: impl fmt::Display,
    text: &str,
    max: usize,
) -> Result<(), LicenseError> {
    if text.is_empty() {
        return Err(LicenseError::EmptyText(field.to_string()));
    }
    if text.len() > max {
        return Err(LicenseError::TooLong {
            field: field.to_string(),
            len: text.len(),
            max,
        });
    }
    let forbidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if let Some((i, c)) = text.chars().enumerate().find(|&(_, c)| forbidden(c)) {
        return Err(LicenseError::ForbiddenChar {
            field: field.to_string(),
            code: c as u32,
            position: i + 1,
        });
    }
    Ok(())
}

fn check_date(field: impl fmt::Display, date: Date) -> Result<(), LicenseError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(LicenseError::DateOutOfRange {
            field: field.to_string(),
            days: date_to_days(date).into(),
        })
    }
}

/// Days since 1970-01-01 (negative before).
pub(crate) fn date_to_days(date: Date) -> i32 {
    date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY
}

fn days_value(date: Date) -> Value {
    Value::Integer(date_to_days(date).into())
}

fn days_to_date(field: impl fmt::Display, days: i128) -> Result<Date, LicenseError> {
    let out_of_range = || LicenseError::DateOutOfRange {
        field: field.to_string(),
        days,
    };
    let jd = i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(UNIX_EPOCH_JULIAN_DAY))
        .ok_or_else(out_of_range)?;
    let date = Date::from_julian_day(jd).map_err(|_| out_of_range())?;
    check_date(&field, date)?;
    Ok(date)
}

fn as_int(value: Value, field: impl fmt::Display) -> Result<i128, LicenseError> {
    match value {
        Value::Integer(n) => Ok(n),
        other => Err(wrong_type(field, "an integer", &other)),
    }
}

fn as_days(value: Value, field: &str) -> Result<Date, LicenseError> {
    let n = as_int(value, field)?;
    days_to_date(field, n)
}

fn as_text(value: Value, field: impl fmt::Display) -> Result<String, LicenseError> {
    match value {
        Value::Text(s) => Ok(s),
        other => Err(wrong_type(field, "a text string", &other)),
    }
}

fn as_list(value: Value, field: &'static str) -> Result<Vec<Value>, LicenseError> {
    match value {
        Value::Array(items) if items.is_empty() => Err(LicenseError::EmptyList(field)),
        Value::Array(items) => Ok(items),
        other => Err(wrong_type(field, "an array", &other)),
    }
}

fn wrong_type(field: impl fmt::Display, expected: &'static str, found: &Value) -> LicenseError {
    LicenseError::WrongType {
        field: field.to_string(),
        expected,
        found: cbor::kind(found),
    }
}

fn field_value_to_cbor(value: &FieldValue) -> Value {
    match value {
        FieldValue::Text(t) => Value::Text(t.clone()),
        FieldValue::Date(d) => Value::Tag(TAG_DAYS_SINCE_EPOCH, Box::new(days_value(*d))),
        FieldValue::Integer(n) => Value::Integer((*n).into()),
        FieldValue::Bytes(b) => Value::Bytes(b.clone()),
    }
}

fn field_from_cbor(index: usize, item: Value) -> Result<Field, LicenseError> {
    let Value::Array(pair) = item else {
        return Err(wrong_type(
            format_args!("fields[{index}]"),
            "a [key, value] array",
            &item,
        ));
    };
    let Ok([key, value]) = <[Value; 2]>::try_from(pair) else {
        return Err(LicenseError::WrongType {
            field: format!("fields[{index}]"),
            expected: "a [key, value] array",
            found: "an array of another length",
        });
    };
    let key = as_text(key, format_args!("fields[{index}] key"))?;
    let value = match value {
        Value::Text(t) => FieldValue::Text(t),
        Value::Integer(n) => {
            FieldValue::Integer(
                i64::try_from(n).map_err(|_| LicenseError::IntegerOutOfRange {
                    field: format!("field {key}"),
                    value: n,
                })?,
            )
        }
        Value::Bytes(b) => FieldValue::Bytes(b),
        Value::Tag(TAG_DAYS_SINCE_EPOCH, inner) => match *inner {
            Value::Integer(n) => FieldValue::Date(days_to_date(format_args!("field {key}"), n)?),
            other => {
                return Err(wrong_type(
                    format_args!("field {key}"),
                    "a day number inside tag 100",
                    &other,
                ))
            }
        },
        other => {
            return Err(LicenseError::BadFieldValue {
                key,
                found: cbor::kind(&other),
            })
        }
    };
    Ok(Field { key, value })
}

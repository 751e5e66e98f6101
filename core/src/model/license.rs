//! The license data model and its deterministic CBOR encoding (see `docs/FORMAT.md` §3).
//!
//! A [`License`] encodes to a CBOR map with small integer keys: the CWT claims `iss` (1), `sub`
//! (2), `exp` (4), `nbf` (5), `iat` (6), `cti` (7) for the common fields and negative keys for the
//! rest. Dates are whole days since 1970-01-01. The same license always encodes to the same bytes,
//! and decoding accepts only that encoding.

use std::collections::BTreeSet;
use std::fmt;

use serde_cbor::Value;
use thiserror::Error;
use time::Date;

use crate::encoding::cbor::{self, CborError, FieldError, MapReader};
use crate::encoding::cose::{ContentType, Payload};
use crate::limits::{
    MAX_ATTACHMENTS, MAX_BYTES_FIELD, MAX_DISCLOSURE_UNITS, MAX_FIELDS, MAX_FIELD_KEY_LEN,
    MAX_MEDIA_TYPE_LEN, MAX_OTHER_ID_LEN, MAX_PAYLOAD_LEN, MAX_SIGNED_LEN, MAX_TEXT_BYTES,
    MAX_YEAR, MIN_YEAR,
};
use crate::model::digest::FileDigest;
use crate::model::identifier::{IdentifierError, LicenseId, LicenseTypeCode, OrgCode, ResidentId};
use crate::model::text::{check_text, TextError};
use crate::model::time::{date_to_days, days_to_date, in_range};

/// The format version this library writes and reads (payload key -1).
pub const FORMAT_VERSION: u8 = 1;

/// CBOR tag for a date as days since 1970-01-01 (RFC 8943), used for date-typed fields.
pub const TAG_DAYS_SINCE_EPOCH: u64 = 100;

/// The license payload's map keys (`docs/FORMAT.md` §3.1), each named once.
mod keys {
    use crate::encoding::cbor::Key;

    pub const ISS: Key = Key::new(1, "issuer code");
    pub const SUB: Key = Key::new(2, "holder code");
    pub const EXP: Key = Key::new(4, "validity end");
    pub const NBF: Key = Key::new(5, "validity start");
    pub const IAT: Key = Key::new(6, "issue date");
    pub const CTI: Key = Key::new(7, "license identifier");
    pub const VERSION: Key = Key::new(-1, "format version");
    pub const TYPE_NAME: Key = Key::new(-2, "license type name");
    pub const HOLDER: Key = Key::new(-3, "holder");
    pub const ISSUER_NAME: Key = Key::new(-4, "issuer name");
    pub const FIELDS: Key = Key::new(-5, "fields");
    pub const ATTACHMENTS: Key = Key::new(-6, "attachments");
    pub const STATUS: Key = Key::new(-7, "status index");

    /// Every key, for refusing the others.
    pub const ALL: &[Key] = &[
        ISS,
        SUB,
        EXP,
        NBF,
        IAT,
        CTI,
        VERSION,
        TYPE_NAME,
        HOLDER,
        ISSUER_NAME,
        FIELDS,
        ATTACHMENTS,
        STATUS,
    ];
}

/// Why a license cannot be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LicenseError {
    /// The payload is not acceptable CBOR.
    #[error("license payload: {0}")]
    Cbor(#[from] CborError),
    /// An entry of the payload's map is missing, unknown or of the wrong type.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// An entry inside a list has the wrong CBOR type.
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
    /// The validity period starts before the license was issued (nbf before iat).
    #[error("validity starts on {from}, before the issue date {issued_on}")]
    ValidityBeforeIssue {
        /// Start date.
        from: Date,
        /// Issue date.
        issued_on: Date,
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
        "{field} contains the control or invisible formatting character U+{code:04X} at character {position}"
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
    BadHolder(HolderProblem),
    /// An attachment reference is malformed.
    #[error("attachment {index}: {reason}")]
    BadAttachment {
        /// 0-based position in the list.
        index: usize,
        /// What is wrong.
        reason: AttachmentError,
    },
    /// The license was read from a presentation that hid some of it, so it cannot be encoded.
    #[error("the license was read from a presentation that hides some of it: it cannot be signed or encoded again")]
    Incomplete,
    /// A version-2 payload or presentation breaks a rule of `docs/FORMAT.md` §11–§12.
    #[error("version 2: {0}")]
    V2(V2Problem),
    /// The encoded license would exceed [`MAX_PAYLOAD_LEN`].
    #[error("encoded license is {len} bytes, more than the limit of {max}")]
    PayloadTooLarge {
        /// Its encoded length.
        len: usize,
        /// The limit.
        max: usize,
    },
}

/// What is wrong with a version-2 license, holder's copy or presentation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum V2Problem {
    /// The type code has no built-in template: a version-2 license needs one to be read.
    #[error("license type {0} has no built-in template, which version 2 needs")]
    NoTemplate(String),
    /// A map key that the form does not have.
    #[error("key {0} is not a key of this form")]
    UnknownKey(i128),
    /// A required key is missing.
    #[error("key {0} ({1}) is missing")]
    Missing(i128, &'static str),
    /// A value of the wrong CBOR type or out of range.
    #[error("key {0} ({1}) is not valid")]
    BadValue(i128, &'static str),
    /// An entry written although the format says it must be left out (its value is implied).
    #[error("key {0} ({1}) must be left out when it has its implied value")]
    Implied(i128, &'static str),
    /// A field number the template does not have.
    #[error("field number {0} is not a field of the template")]
    NoField(i128),
    /// A listed value written as text (it must be its index), or an index past the list.
    #[error(
        "field {0}: a listed value must be written as its index, and an index must be in the list"
    )]
    Listed(String),
    /// A personal item written in place in a signed payload (it belongs in a disclosure).
    #[error("{0} is personal: the signed payload must carry it in a disclosure")]
    PersonalInPlace(String),
    /// The digests are not distinct, sorted 32-byte strings, or more than the units.
    #[error("the disclosure digests must be 1 to {MAX_DISCLOSURE_UNITS} distinct, sorted SHA-256 digests")]
    Digests,
    /// A holder's copy or presentation that mixes the seed with disclosures, or has neither.
    #[error("a holder's copy carries the seed (13) alone, a presentation disclosures (14) or hidden digests (15)")]
    Form,
    /// Not a COSE_Sign1 nor a `[protected, body, signature]` array.
    #[error("not a version-2 license: neither a COSE_Sign1 nor [protected, body, signature]")]
    Shape,
    /// A disclosure is malformed: not `[salt (16 bytes), value, key]`, a key that is no unit
    /// of the template, or a value of the wrong type.
    #[error("disclosure {index}: {what}")]
    BadDisclosure {
        /// 0-based position among the disclosures.
        index: usize,
        /// What is wrong.
        what: String,
    },
    /// Two disclosures are equal or disclose the same unit, or a disclosure's digest is also
    /// given as hidden (every disclosure must match exactly one digest).
    #[error("disclosures and digests must each be given once: {0}")]
    Duplicate(&'static str),
    /// A presentation that hides an item every presentation of the type must show.
    #[error("the presentation hides {0}, which every presentation of this license type must show")]
    BelowMinimum(String),
    /// A presentation was asked of something that is not a holder's copy (only the seed lets a
    /// holder make one).
    #[error(
        "a presentation is made from the holder's copy of a version-2 license (with its seed)"
    )]
    NotHoldersCopy,
    /// An item to show that the license type does not have.
    #[error("{0:?} is not an item of this license type")]
    UnknownItem(String),
    /// A version-2 license read without verifying it: its issuer is the signing key's
    /// department, known only once the signature has verified.
    #[error("a version-2 license names no issuer: its issuer is the signing key's department, known only by verifying it")]
    IssuerFromSigner,
    /// A license with personal items was to be signed without a seed.
    #[error("this license type has personal items: signing needs a seed of 16 random bytes")]
    SeedRequired,
}

impl From<TextError> for LicenseError {
    fn from(e: TextError) -> Self {
        match e {
            TextError::Empty(field) => LicenseError::EmptyText(field),
            TextError::TooLong { field, len, max } => LicenseError::TooLong { field, len, max },
            TextError::ForbiddenChar {
                field,
                code,
                position,
            } => LicenseError::ForbiddenChar {
                field,
                code,
                position,
            },
        }
    }
}

/// What is wrong with a license's holder entry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HolderProblem {
    /// Not `[kind, name]`.
    #[error("must be [kind, name] with an integer kind and a text name")]
    Shape,
    /// An unknown kind.
    #[error("kind {0} is not 1 (organisation), 2 (person) or 3 (other)")]
    Kind(i128),
}

/// Why an attachment reference is malformed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AttachmentError {
    /// Not `[sha256 bytes, size, media type, file name]`.
    #[error("must be [sha256 bytes, size, media type, file name]")]
    Shape,
    /// The SHA-256 is not 32 bytes.
    #[error("SHA-256 must be 32 bytes, found {0}")]
    HashLength(usize),
    /// The size is negative or too large.
    #[error("size {0} is out of range")]
    SizeOutOfRange(i128),
    /// The media type is not `type/subtype` (RFC 6838).
    #[error("media type {0:?} is not of the form type/subtype (RFC 6838)")]
    MediaType(String),
    /// The file name breaks the text rules.
    #[error("{0}")]
    FileName(TextError),
    /// The file name has a directory part.
    #[error("file name {0:?} must not contain a directory part")]
    DirectoryPart(String),
}

/// A license's reference to an attached file. The file itself travels separately; whoever holds
/// it can check it against `sha256` and `size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    /// SHA-256 of the file's bytes.
    pub sha256: [u8; 32],
    /// The file's size in bytes.
    pub size: u64,
    /// Media type, such as `application/pdf` or `image/jpeg`.
    pub media_type: String,
    /// File name, without any directory part.
    pub file_name: String,
}

impl AttachmentRef {
    /// Check the media type and file name against the format's rules.
    pub fn validate(&self, index: usize) -> Result<(), LicenseError> {
        self.check()
            .map_err(|reason| LicenseError::BadAttachment { index, reason })
    }

    fn check(&self) -> Result<(), AttachmentError> {
        let mt = &self.media_type;
        let valid_mt = mt.len() <= MAX_MEDIA_TYPE_LEN
            && mt.split_once('/').is_some_and(|(t, s)| {
                let ok = |p: &str| {
                    !p.is_empty()
                        && p.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
                };
                ok(t) && ok(s)
            });
        if !valid_mt {
            return Err(AttachmentError::MediaType(mt.clone()));
        }
        check_text("attachment file name", &self.file_name, MAX_TEXT_BYTES)
            .map_err(AttachmentError::FileName)?;
        if self.file_name.contains(['/', '\\']) || self.file_name == "." || self.file_name == ".." {
            return Err(AttachmentError::DirectoryPart(self.file_name.clone()));
        }
        Ok(())
    }

    /// Whether `file` is exactly the referenced file (same SHA-256 and size).
    pub fn matches(&self, file: &FileDigest) -> bool {
        self.sha256 == file.sha256 && self.size == file.size
    }

    pub(crate) fn to_cbor(&self) -> Value {
        Value::Array(vec![
            Value::Bytes(self.sha256.to_vec()),
            Value::Integer(self.size.into()),
            Value::Text(self.media_type.clone()),
            Value::Text(self.file_name.clone()),
        ])
    }

    pub(crate) fn from_cbor(index: usize, value: &Value) -> Result<Self, LicenseError> {
        let bad = |reason: AttachmentError| LicenseError::BadAttachment { index, reason };
        let Value::Array(items) = value else {
            return Err(bad(AttachmentError::Shape));
        };
        let [Value::Bytes(hash), Value::Integer(size), Value::Text(media_type), Value::Text(file_name)] =
            items.as_slice()
        else {
            return Err(bad(AttachmentError::Shape));
        };
        let sha256: [u8; 32] = hash
            .as_slice()
            .try_into()
            .map_err(|_| bad(AttachmentError::HashLength(hash.len())))?;
        let size = u64::try_from(*size).map_err(|_| bad(AttachmentError::SizeOutOfRange(*size)))?;
        let att = AttachmentRef {
            sha256,
            size,
            media_type: media_type.clone(),
            file_name: file_name.clone(),
        };
        att.validate(index)?;
        Ok(att)
    }
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
#[non_exhaustive]
pub enum HolderId {
    /// An organisation, by unified social credit code.
    Organisation(OrgCode),
    /// A person, by resident identity number.
    Person(ResidentId),
    /// Any other identifier (passport or permit number), 1 to 64 bytes of printable text.
    Other(String),
    /// Not shown: a version-2 presentation whose holder left the code out (`docs/FORMAT.md`
    /// §11). Such a license is never encoded again.
    NotShown,
}

impl HolderId {
    fn kind(&self) -> u8 {
        match self {
            HolderId::Organisation(_) => 1,
            HolderId::Person(_) => 2,
            HolderId::Other(_) => 3,
            HolderId::NotShown => 0,
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        match self {
            HolderId::Organisation(c) => c.as_str(),
            HolderId::Person(c) => c.as_str(),
            HolderId::Other(c) => c,
            HolderId::NotShown => "",
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
#[non_exhaustive]
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
    /// Items a version-2 presentation did not show (`holder_id` or field keys), in template
    /// order; empty for a full license. A license with items not shown is never encoded again.
    pub not_shown: Vec<String>,
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

    /// A license read from a presentation that hid some of it cannot be encoded again.
    pub(crate) fn check_complete(&self) -> Result<(), LicenseError> {
        if self.holder.id == HolderId::NotShown || !self.not_shown.is_empty() {
            return Err(LicenseError::Incomplete);
        }
        Ok(())
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
        if self.validity.from < self.issued_on {
            return Err(LicenseError::ValidityBeforeIssue {
                from: self.validity.from,
                issued_on: self.issued_on,
            });
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
        self.check_complete()?;
        let text = |s: &str| Value::Text(s.to_owned());
        let mut entries = vec![
            (keys::ISS, text(self.issuer_code().as_str())),
            (keys::SUB, text(self.holder.id.as_str())),
        ];
        if let Some(until) = self.validity.until {
            entries.push((keys::EXP, days_value(until)));
        }
        entries.extend([
            (keys::NBF, days_value(self.validity.from)),
            (keys::IAT, days_value(self.issued_on)),
            (keys::CTI, Value::Text(self.id.to_string())),
            (keys::VERSION, Value::Integer(FORMAT_VERSION.into())),
            (keys::TYPE_NAME, text(&self.type_name)),
            (
                keys::HOLDER,
                Value::Array(vec![
                    Value::Integer(self.holder.id.kind().into()),
                    text(&self.holder.name),
                ]),
            ),
            (keys::ISSUER_NAME, text(&self.issuer_name)),
        ]);
        if !self.fields.is_empty() {
            let fields = self
                .fields
                .iter()
                .map(|f| Value::Array(vec![text(&f.key), field_value_to_cbor(&f.value)]))
                .collect();
            entries.push((keys::FIELDS, Value::Array(fields)));
        }
        if !self.attachments.is_empty() {
            let list = self
                .attachments
                .iter()
                .map(AttachmentRef::to_cbor)
                .collect();
            entries.push((keys::ATTACHMENTS, Value::Array(list)));
        }
        if let Some(index) = self.status_index {
            entries.push((keys::STATUS, Value::Integer(index.into())));
        }
        let bytes = cbor::encode(&cbor::int_map(entries));
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
        let mut map = MapReader::new(cbor::decode(bytes)?, "license payload")?;
        map.only(keys::ALL)?;
        let version = cbor::int(map.required(keys::VERSION)?, keys::VERSION.name)?;
        if version != FORMAT_VERSION.into() {
            return Err(LicenseError::UnsupportedVersion(version));
        }
        let id_text = cbor::text(map.required(keys::CTI)?, keys::CTI.name)?;
        let id: LicenseId = id_text.parse().map_err(|source| LicenseError::Identifier {
            field: "license identifier",
            source,
        })?;
        let iss = cbor::text(map.required(keys::ISS)?, keys::ISS.name)?;
        if iss != id.issuer().as_str() {
            return Err(LicenseError::IssuerMismatch {
                issuer: iss,
                id: id_text,
            });
        }
        let sub = cbor::text(map.required(keys::SUB)?, keys::SUB.name)?;
        let holder = cbor::array(map.required(keys::HOLDER)?, keys::HOLDER.name)?;
        let (kind, holder_name) = match <[Value; 2]>::try_from(holder) {
            Ok([Value::Integer(kind), Value::Text(name)]) => (kind, name),
            _ => return Err(LicenseError::BadHolder(HolderProblem::Shape)),
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
            k => return Err(LicenseError::BadHolder(HolderProblem::Kind(k))),
        };
        let type_name = cbor::text(map.required(keys::TYPE_NAME)?, keys::TYPE_NAME.name)?;
        let issuer_name = cbor::text(map.required(keys::ISSUER_NAME)?, keys::ISSUER_NAME.name)?;
        let issued_on = day(map.required(keys::IAT)?, keys::IAT.name)?;
        let from = day(map.required(keys::NBF)?, keys::NBF.name)?;
        let validity = match map.optional(keys::EXP) {
            Some(v) => Validity::until(from, day(v, keys::EXP.name)?)?,
            None => Validity::perpetual(from),
        };
        let fields = match map.optional(keys::FIELDS) {
            None => Vec::new(),
            Some(v) => {
                let items = non_empty_list(v, keys::FIELDS.name)?;
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
        let attachments = match map.optional(keys::ATTACHMENTS) {
            None => Vec::new(),
            Some(v) => {
                let items = non_empty_list(v, keys::ATTACHMENTS.name)?;
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
        let status_index = map
            .optional(keys::STATUS)
            .map(|v| cbor::uint(v, keys::STATUS.name))
            .transpose()?;
        map.finish()?;
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
            not_shown: vec![],
        };
        license.validate()?;
        Ok(license)
    }

    /// Encode and sign: returns the COSE_Sign1 bytes (RFC 9052, tag 18, EdDSA).
    pub fn sign(
        &self,
        key: &(impl crate::suite::Signer + ?Sized),
    ) -> Result<Vec<u8>, LicenseError> {
        self.sign_payload(key)
    }
}

impl Payload for License {
    const CONTENT_TYPE: ContentType = ContentType::License;
    const MAX_SIGNED_LEN: usize = MAX_SIGNED_LEN;
    type Error = LicenseError;

    fn decode(payload: &[u8]) -> Result<Self, LicenseError> {
        License::from_cbor(payload)
    }

    fn encode(&self) -> Result<Vec<u8>, LicenseError> {
        self.to_cbor()
    }
}

fn check_date(field: impl fmt::Display, date: Date) -> Result<(), LicenseError> {
    if in_range(&date) {
        Ok(())
    } else {
        Err(LicenseError::DateOutOfRange {
            field: field.to_string(),
            days: date_to_days(date).into(),
        })
    }
}

fn days_value(date: Date) -> Value {
    Value::Integer(date_to_days(date).into())
}

/// A day number as a date in years [`MIN_YEAR`]..=[`MAX_YEAR`].
pub(crate) fn date_from_days(field: impl fmt::Display, days: i128) -> Result<Date, LicenseError> {
    days_to_date(days).ok_or_else(|| LicenseError::DateOutOfRange {
        field: field.to_string(),
        days,
    })
}

fn day(value: Value, field: &'static str) -> Result<Date, LicenseError> {
    date_from_days(field, cbor::int(value, field)?)
}

fn non_empty_list(value: Value, field: &'static str) -> Result<Vec<Value>, LicenseError> {
    let items = cbor::array(value, field)?;
    if items.is_empty() {
        return Err(LicenseError::EmptyList(field));
    }
    Ok(items)
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
    let key = match key {
        Value::Text(k) => k,
        other => {
            return Err(wrong_type(
                format_args!("fields[{index}] key"),
                "a text string",
                &other,
            ))
        }
    };
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
            Value::Integer(n) => FieldValue::Date(date_from_days(format_args!("field {key}"), n)?),
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

//! Attestations: an officer's signed statement that a scan matches its paper original
//! (企业电子档案：经与原件核对无误), with a compact stamp form for printing as a QR code
//! (`docs/FORMAT.md` §10).

use serde_cbor::Value;

use crate::encoding::cbor::{self, FieldError, Key, MapReader};
use crate::encoding::cose::{ContentType, Payload};
use crate::limits::{MAX_OFFICER_ID_LEN, MAX_SIGNED_LEN, MAX_TEXT_BYTES};
use crate::model::digest::FileDigest;
use crate::model::identifier::LicenseId;
use crate::model::license::{AttachmentError, AttachmentRef, LicenseError};
use crate::model::text::check_text;
use crate::model::time::timestamp_from;

/// What an officer attests about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Statement {
    /// 经与原件核对无误: the scan was checked against the paper original and matches it.
    MatchesOriginal,
    /// 复印件与原件一致: a certified copy of the original.
    CertifiedCopy,
}

impl Statement {
    fn number(self) -> u8 {
        match self {
            Statement::MatchesOriginal => 1,
            Statement::CertifiedCopy => 2,
        }
    }

    /// The statement in Chinese, as printed on paper copies.
    pub fn zh(self) -> &'static str {
        match self {
            Statement::MatchesOriginal => "经与原件核对无误",
            Statement::CertifiedCopy => "复印件与原件一致",
        }
    }
}

/// The attestation format version (payload key -1).
pub const ATTESTATION_VERSION: u8 = 1;

/// A department officer's signed statement about a file (`docs/FORMAT.md` §10). The signer's key
/// identifies the department; the file is identified by SHA-256 and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// The file.
    pub file: FileDigest,
    /// What is attested.
    pub statement: Statement,
    /// When (whole seconds).
    pub attested_at: time::OffsetDateTime,
    /// The officer's identifier (staff number).
    pub officer_id: String,
    /// The officer's name (omitted in stamps).
    pub officer_name: Option<String>,
    /// The file's media type (omitted in stamps).
    pub media_type: Option<String>,
    /// The file's name (omitted in stamps).
    pub file_name: Option<String>,
    /// The license the file belongs to, if any.
    pub license: Option<LicenseId>,
}

/// The attestation payload's map keys (`docs/FORMAT.md` §10), each named once.
mod keys {
    use super::Key;

    pub const SHA256: Key = Key::new(1, "file SHA-256");
    pub const SIZE: Key = Key::new(2, "file size");
    pub const STATEMENT: Key = Key::new(3, "statement");
    pub const AT: Key = Key::new(4, "attestation time");
    pub const OFFICER_ID: Key = Key::new(5, "officer id");
    pub const OFFICER_NAME: Key = Key::new(6, "officer name");
    pub const MEDIA_TYPE: Key = Key::new(7, "media type");
    pub const FILE_NAME: Key = Key::new(8, "file name");
    pub const LICENSE: Key = Key::new(9, "license identifier");
    pub const VERSION: Key = Key::new(-1, "attestation version");

    /// Every key, for refusing the others.
    pub const ALL: &[Key] = &[
        SHA256,
        SIZE,
        STATEMENT,
        AT,
        OFFICER_ID,
        OFFICER_NAME,
        MEDIA_TYPE,
        FILE_NAME,
        LICENSE,
        VERSION,
    ];
}

impl Attestation {
    /// The compact form printed as a stamp QR code: officer name, media type and file name are
    /// left out, so that it fits a version-10 QR code at level M.
    pub fn stamp(&self) -> Attestation {
        Attestation {
            officer_name: None,
            media_type: None,
            file_name: None,
            ..self.clone()
        }
    }

    /// Check the attestation time and the text fields against the format's rules.
    pub fn validate(&self) -> Result<(), LicenseError> {
        // Years 1 to 9999, as decoding requires: whatever is signed can be read back.
        let at = i128::from(self.attested_at.unix_timestamp());
        if timestamp_from(at).is_none() {
            return Err(FieldError::OutOfRange {
                field: keys::AT.name,
                value: at,
            }
            .into());
        }
        check_text("officer id", &self.officer_id, MAX_OFFICER_ID_LEN)?;
        if let Some(n) = &self.officer_name {
            check_text("officer name", n, MAX_TEXT_BYTES)?;
        }
        if self.media_type.is_some() || self.file_name.is_some() {
            AttachmentRef {
                sha256: self.file.sha256,
                size: self.file.size,
                media_type: self
                    .media_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".into()),
                file_name: self.file_name.clone().unwrap_or_else(|| "file".into()),
            }
            .validate(0)?;
        }
        Ok(())
    }

    /// Encode as deterministic CBOR.
    pub fn to_cbor(&self) -> Result<Vec<u8>, LicenseError> {
        self.validate()?;
        let text = |t: &String| Value::Text(t.clone());
        let mut entries = vec![
            (keys::SHA256, Value::Bytes(self.file.sha256.to_vec())),
            (keys::SIZE, Value::Integer(self.file.size.into())),
            (
                keys::STATEMENT,
                Value::Integer(self.statement.number().into()),
            ),
            (
                keys::AT,
                Value::Integer(self.attested_at.unix_timestamp().into()),
            ),
            (keys::OFFICER_ID, text(&self.officer_id)),
        ];
        let optional = [
            (keys::OFFICER_NAME, self.officer_name.as_ref().map(text)),
            (keys::MEDIA_TYPE, self.media_type.as_ref().map(text)),
            (keys::FILE_NAME, self.file_name.as_ref().map(text)),
            (
                keys::LICENSE,
                self.license.as_ref().map(|l| Value::Text(l.to_string())),
            ),
        ];
        entries.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
        entries.push((keys::VERSION, Value::Integer(ATTESTATION_VERSION.into())));
        Ok(cbor::encode(&cbor::int_map(entries)))
    }

    /// Decode, accepting only the deterministic encoding of a valid attestation.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, LicenseError> {
        let mut m = MapReader::new(cbor::decode(bytes)?, "attestation")?;
        m.only(keys::ALL)?;
        let version = cbor::int(m.required(keys::VERSION)?, keys::VERSION.name)?;
        if version != i128::from(ATTESTATION_VERSION) {
            return Err(LicenseError::UnsupportedVersion(version));
        }
        let hash = cbor::bytes(m.required(keys::SHA256)?, keys::SHA256.name)?;
        let sha256 =
            <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| LicenseError::BadAttachment {
                index: 0,
                reason: AttachmentError::HashLength(hash.len()),
            })?;
        let size = cbor::uint(m.required(keys::SIZE)?, keys::SIZE.name)?;
        let statement = match cbor::int(m.required(keys::STATEMENT)?, keys::STATEMENT.name)? {
            1 => Statement::MatchesOriginal,
            2 => Statement::CertifiedCopy,
            n => {
                return Err(FieldError::OutOfRange {
                    field: keys::STATEMENT.name,
                    value: n,
                }
                .into())
            }
        };
        let at = cbor::int(m.required(keys::AT)?, keys::AT.name)?;
        let attested_at = timestamp_from(at).ok_or(FieldError::OutOfRange {
            field: keys::AT.name,
            value: at,
        })?;
        let officer_id = cbor::text(m.required(keys::OFFICER_ID)?, keys::OFFICER_ID.name)?;
        let mut optional_text =
            |key: Key| m.optional(key).map(|v| cbor::text(v, key.name)).transpose();
        let officer_name = optional_text(keys::OFFICER_NAME)?;
        let media_type = optional_text(keys::MEDIA_TYPE)?;
        let file_name = optional_text(keys::FILE_NAME)?;
        let license = optional_text(keys::LICENSE)?
            .map(|t| {
                t.parse().map_err(|source| LicenseError::Identifier {
                    field: "license identifier",
                    source,
                })
            })
            .transpose()?;
        m.finish()?;
        let att = Attestation {
            file: FileDigest { sha256, size },
            statement,
            attested_at,
            officer_id,
            officer_name,
            media_type,
            file_name,
            license,
        };
        att.validate()?;
        Ok(att)
    }

    /// Encode and sign (COSE_Sign1, content type attestation).
    pub fn sign(
        &self,
        key: &(impl crate::suite::Signer + ?Sized),
    ) -> Result<Vec<u8>, LicenseError> {
        self.sign_payload(key)
    }
}

impl Payload for Attestation {
    const CONTENT_TYPE: ContentType = ContentType::Attestation;
    const MAX_SIGNED_LEN: usize = MAX_SIGNED_LEN;
    type Error = LicenseError;

    fn decode(payload: &[u8]) -> Result<Self, LicenseError> {
        Attestation::from_cbor(payload)
    }

    fn encode(&self) -> Result<Vec<u8>, LicenseError> {
        self.to_cbor()
    }
}

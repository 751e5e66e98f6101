//! Attachments: references from a license to files (scans, photos) by SHA-256, size, media type
//! and file name.

use serde_cbor::Value;

use crate::license::{check_text, LicenseError};
use crate::limits::{MAX_MEDIA_TYPE_LEN, MAX_TEXT_BYTES};

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
        let bad = |reason: String| LicenseError::BadAttachment { index, reason };
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
            return Err(bad(format!(
                "media type {mt:?} is not of the form type/subtype (RFC 6838)"
            )));
        }
        check_text("attachment file name", &self.file_name, MAX_TEXT_BYTES)?;
        if self.file_name.contains(['/', '\\']) || self.file_name == "." || self.file_name == ".." {
            return Err(bad(format!(
                "file name {:?} must not contain a directory part",
                self.file_name
            )));
        }
        Ok(())
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
        let bad = |reason: String| LicenseError::BadAttachment { index, reason };
        let Value::Array(items) = value else {
            return Err(bad("is not an array".into()));
        };
        let [Value::Bytes(hash), Value::Integer(size), Value::Text(media_type), Value::Text(file_name)] =
            items.as_slice()
        else {
            return Err(bad(
                "must be [sha256 bytes, size, media type, file name]".into()
            ));
        };
        let sha256: [u8; 32] = hash
            .as_slice()
            .try_into()
            .map_err(|_| bad(format!("SHA-256 must be 32 bytes, found {}", hash.len())))?;
        let size = u64::try_from(*size).map_err(|_| bad(format!("size {size} is out of range")))?;
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

//! Attachments: references from a license to files (scans, photos) by SHA-256, size, media type
//! and file name; streaming file hashes; and signed attestations that a scan matches its paper
//! original (企业电子档案：经与原件核对无误), with a compact stamp form for printing as a QR code.

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

// ---------------------------------------------------------------------------------------------
// Streaming hashes of files

/// The SHA-256 and size of a file, computed without holding it in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileDigest {
    /// SHA-256 of the bytes.
    pub sha256: [u8; 32],
    /// Number of bytes.
    pub size: u64,
}

/// Incremental SHA-256 and byte count: feed a file in pieces of any size with
/// [`FileHasher::update`], then [`FileHasher::finish`]. The browser feeds it slices of a dropped
/// file; the CLI reads files in large blocks.
#[derive(Debug, Clone, Default)]
pub struct FileHasher {
    hasher: sha2::Sha256,
    size: u64,
}

impl FileHasher {
    /// A hasher with nothing fed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed the next piece of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
    }

    /// The digest of everything fed.
    pub fn finish(self) -> FileDigest {
        use sha2::Digest;
        FileDigest {
            sha256: self.hasher.finalize().into(),
            size: self.size,
        }
    }
}

/// Read size for [`hash_reader`]: 1 MiB blocks.
pub const HASH_BLOCK: usize = 1 << 20;

/// Hash everything `reader` yields, in [`HASH_BLOCK`] pieces (never the whole file at once).
pub fn hash_reader(mut reader: impl std::io::Read) -> std::io::Result<FileDigest> {
    let mut hasher = FileHasher::new();
    let mut buf = vec![0u8; HASH_BLOCK];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

impl FileDigest {
    /// The SHA-256 in lowercase hex, as `sha256sum` prints it.
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl AttachmentRef {
    /// Whether `file` is exactly the referenced file (same SHA-256 and size).
    pub fn matches(&self, file: &FileDigest) -> bool {
        self.sha256 == file.sha256 && self.size == file.size
    }
}

/// Which of a license's attachments `file` is, whatever its name on disk: the first one with the
/// same SHA-256 and size, if any. (A downloaded or copied file is often renamed; its bytes are
/// what the license signs.)
pub fn find_attachment<'a>(
    attachments: &'a [AttachmentRef],
    file: &FileDigest,
) -> Option<&'a AttachmentRef> {
    attachments.iter().find(|a| a.matches(file))
}

/// How a file named in a license compares with the file at hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentCheck {
    /// The file is exactly the one the license references.
    Matches,
    /// A file of that name was given but differs.
    Differs {
        /// What the license says.
        expected: FileDigest,
        /// What the file is.
        actual: FileDigest,
    },
    /// No file of that name was given.
    Missing,
}

/// Check every attachment a license lists against the files given by name: one result per
/// attachment, in the license's order.
pub fn check_attachments(
    attachments: &[AttachmentRef],
    files: &[(&str, FileDigest)],
) -> Vec<(String, AttachmentCheck)> {
    attachments
        .iter()
        .map(|a| {
            let check = match files.iter().find(|(name, _)| *name == a.file_name) {
                None => AttachmentCheck::Missing,
                Some((_, d)) if a.matches(d) => AttachmentCheck::Matches,
                Some((_, d)) => AttachmentCheck::Differs {
                    expected: FileDigest {
                        sha256: a.sha256,
                        size: a.size,
                    },
                    actual: *d,
                },
            };
            (a.file_name.clone(), check)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Attestations: "this scan was checked against the original"

/// What an officer attests about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    pub license: Option<crate::identifier::LicenseId>,
}

mod att_keys {
    pub const SHA256: i128 = 1;
    pub const SIZE: i128 = 2;
    pub const STATEMENT: i128 = 3;
    pub const AT: i128 = 4;
    pub const OFFICER_ID: i128 = 5;
    pub const OFFICER_NAME: i128 = 6;
    pub const MEDIA_TYPE: i128 = 7;
    pub const FILE_NAME: i128 = 8;
    pub const LICENSE: i128 = 9;
    pub const VERSION: i128 = -1;
}

/// Longest officer identifier, in bytes.
pub const MAX_OFFICER_ID_LEN: usize = 32;

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

    /// Check the text fields against the format's rules.
    pub fn validate(&self) -> Result<(), LicenseError> {
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
        use att_keys::*;
        self.validate()?;
        let mut map = std::collections::BTreeMap::new();
        let mut put = |k: i128, v: Value| {
            map.insert(Value::Integer(k), v);
        };
        put(SHA256, Value::Bytes(self.file.sha256.to_vec()));
        put(SIZE, Value::Integer(self.file.size.into()));
        put(STATEMENT, Value::Integer(self.statement.number().into()));
        put(AT, Value::Integer(self.attested_at.unix_timestamp().into()));
        put(OFFICER_ID, Value::Text(self.officer_id.clone()));
        if let Some(v) = &self.officer_name {
            put(OFFICER_NAME, Value::Text(v.clone()));
        }
        if let Some(v) = &self.media_type {
            put(MEDIA_TYPE, Value::Text(v.clone()));
        }
        if let Some(v) = &self.file_name {
            put(FILE_NAME, Value::Text(v.clone()));
        }
        if let Some(v) = &self.license {
            put(LICENSE, Value::Text(v.to_string()));
        }
        put(VERSION, Value::Integer(ATTESTATION_VERSION.into()));
        Ok(crate::cbor::encode(&Value::Map(map)))
    }

    /// Decode, accepting only the deterministic encoding of a valid attestation.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, LicenseError> {
        use att_keys::*;
        let value = crate::cbor::decode(bytes)?;
        let Value::Map(map) = value else {
            return Err(LicenseError::NotAMap(crate::cbor::kind(&value)));
        };
        let mut m = std::collections::BTreeMap::new();
        for (k, v) in map {
            match k {
                Value::Integer(
                    k @ (SHA256 | SIZE | STATEMENT | AT | OFFICER_ID | OFFICER_NAME | MEDIA_TYPE
                    | FILE_NAME | LICENSE | VERSION),
                ) => {
                    m.insert(k, v);
                }
                other => return Err(LicenseError::UnknownKey(format!("{other:?}"))),
            }
        }
        let wrong = |field: &str, expected: &'static str, v: &Value| LicenseError::WrongType {
            field: field.into(),
            expected,
            found: crate::cbor::kind(v),
        };
        let text = |v: Value, field: &str| match v {
            Value::Text(t) => Ok(t),
            other => Err(wrong(field, "a text string", &other)),
        };
        let int = |v: Value, field: &str| match v {
            Value::Integer(n) => Ok(n),
            other => Err(wrong(field, "an integer", &other)),
        };
        match m.remove(&VERSION) {
            Some(Value::Integer(v)) if v == i128::from(ATTESTATION_VERSION) => {}
            Some(Value::Integer(v)) => return Err(LicenseError::UnsupportedVersion(v)),
            _ => return Err(LicenseError::Missing("attestation version (key -1)")),
        }
        let sha256 = match m.remove(&SHA256) {
            Some(Value::Bytes(b)) => {
                <[u8; 32]>::try_from(b.as_slice()).map_err(|_| LicenseError::BadAttachment {
                    index: 0,
                    reason: "SHA-256 must be 32 bytes".into(),
                })?
            }
            _ => return Err(LicenseError::Missing("file SHA-256 (key 1)")),
        };
        let size = int(
            m.remove(&SIZE)
                .ok_or(LicenseError::Missing("file size (key 2)"))?,
            "file size",
        )?;
        let size = u64::try_from(size).map_err(|_| LicenseError::IntegerOutOfRange {
            field: "file size".into(),
            value: size,
        })?;
        let statement = match int(
            m.remove(&STATEMENT)
                .ok_or(LicenseError::Missing("statement (key 3)"))?,
            "statement",
        )? {
            1 => Statement::MatchesOriginal,
            2 => Statement::CertifiedCopy,
            n => {
                return Err(LicenseError::IntegerOutOfRange {
                    field: "statement".into(),
                    value: n,
                })
            }
        };
        let at = int(
            m.remove(&AT)
                .ok_or(LicenseError::Missing("attestation time (key 4)"))?,
            "attestation time",
        )?;
        let attested_at = i64::try_from(at)
            .ok()
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
            .filter(|t| (crate::limits::MIN_YEAR..=crate::limits::MAX_YEAR).contains(&t.year()))
            .ok_or(LicenseError::IntegerOutOfRange {
                field: "attestation time".into(),
                value: at,
            })?;
        let officer_id = text(
            m.remove(&OFFICER_ID)
                .ok_or(LicenseError::Missing("officer id (key 5)"))?,
            "officer id",
        )?;
        let officer_name = m
            .remove(&OFFICER_NAME)
            .map(|v| text(v, "officer name"))
            .transpose()?;
        let media_type = m
            .remove(&MEDIA_TYPE)
            .map(|v| text(v, "media type"))
            .transpose()?;
        let file_name = m
            .remove(&FILE_NAME)
            .map(|v| text(v, "file name"))
            .transpose()?;
        let license = m
            .remove(&LICENSE)
            .map(|v| {
                text(v, "license identifier")?
                    .parse()
                    .map_err(|source| LicenseError::Identifier {
                        field: "license identifier",
                        source,
                    })
            })
            .transpose()?;
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
    pub fn sign(&self, key: &ed25519_dalek::SigningKey) -> Result<Vec<u8>, LicenseError> {
        Ok(crate::cose::sign(
            &self.to_cbor()?,
            key,
            crate::cose::ContentType::Attestation,
        ))
    }
}

/// The outcome of checking a file against an attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentVerdict {
    /// The file is exactly the attested one, and the attestation is genuine and trusted.
    Matches {
        /// The attestation.
        attestation: Box<Attestation>,
        /// Who signed it.
        signer: Box<crate::trust::TrustedKey>,
    },
    /// The attestation is genuine and trusted, but the file is not the attested one.
    Mismatch {
        /// The attestation.
        attestation: Box<Attestation>,
        /// Who signed it.
        signer: Box<crate::trust::TrustedKey>,
        /// The file at hand.
        actual: FileDigest,
    },
    /// The attestation itself is not acceptable (bad signature, untrusted or revoked signer,
    /// malformed).
    Invalid(crate::verify::Reason),
}

/// Check `file` against an attestation (the detached file's bytes or a stamp's text) at `now`.
pub fn verify_attachment(
    file: &FileDigest,
    attestation: crate::verify::Input<'_>,
    trust: &crate::trust::TrustStore,
    now: time::OffsetDateTime,
) -> AttachmentVerdict {
    use crate::verify::{certificate_covers, license_day, resolve_signer, Input, Reason};
    let signed = match attestation {
        Input::Bytes(b) => b.to_vec(),
        Input::Text(t) => match crate::transport::decode(t) {
            Ok(d) => d.signed,
            Err(e) => return AttachmentVerdict::Invalid(e.into()),
        },
    };
    let result = (|| {
        let cose = crate::cose::CoseSign1::parse(&signed)?;
        cose.expect_content_type(crate::cose::ContentType::Attestation)?;
        let signer = resolve_signer(&cose, trust)?;
        let att = Attestation::from_cbor(cose.payload())?;
        certificate_covers(signer, license_day(att.attested_at))?;
        if att.attested_at > now + crate::trust::MAX_CLOCK_SKEW {
            return Err(Reason::NotYetValid {
                from: license_day(att.attested_at),
                today: license_day(now),
            });
        }
        Ok((att, signer.clone()))
    })();
    match result {
        Err(reason) => AttachmentVerdict::Invalid(reason),
        Ok((att, signer)) if att.file == *file => AttachmentVerdict::Matches {
            attestation: Box::new(att),
            signer: Box::new(signer),
        },
        Ok((att, signer)) => AttachmentVerdict::Mismatch {
            attestation: Box::new(att),
            signer: Box::new(signer),
            actual: *file,
        },
    }
}

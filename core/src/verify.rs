//! Verifying a license: one call from text or bytes to a verdict with a precise reason.

use thiserror::Error;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::cose::{ContentType, CoseError, CoseSign1, Kid};
use crate::identifier::OrgCode;
use crate::license::{License, LicenseError};
use crate::transport::{self, TransportError};
use crate::trust::{TrustStore, TrustedKey};

/// License dates are calendar days in China Standard Time (UTC+8): a license valid until
/// 2030-12-31 is valid until the end of that day in Beijing, wherever it is checked.
pub const LICENSE_UTC_OFFSET_HOURS: i8 = 8;

/// The calendar day in China Standard Time at instant `now`.
pub fn license_day(now: OffsetDateTime) -> Date {
    let offset = UtcOffset::from_hms(LICENSE_UTC_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC);
    now.to_offset(offset).date()
}

/// What to verify.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// A transport text (`EL1...`) or a URL whose fragment is one.
    Text(&'a str),
    /// The raw COSE_Sign1 bytes.
    Bytes(&'a [u8]),
}

impl<'a> Input<'a> {
    /// Classify the contents of a file or upload: COSE_Sign1 bytes begin with the tag-18 byte
    /// `0xD2`, which never starts UTF-8 text; anything else that is UTF-8 is taken as text.
    pub fn sniff(bytes: &'a [u8]) -> Input<'a> {
        if bytes.first() == Some(&0xd2) {
            return Input::Bytes(bytes);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Input::Text(text),
            Err(_) => Input::Bytes(bytes),
        }
    }
}

/// Why a license is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Reason {
    /// The text could not be decoded.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// The signed structure is malformed or uses something unsupported.
    #[error("{0}")]
    Cose(#[from] CoseError),
    /// The signature is good but the license inside breaks the format.
    #[error("{0}")]
    License(#[from] LicenseError),
    /// No trusted key has this identifier.
    #[error("signed by an unknown key {0}: the issuing department is not in the trust list")]
    UnknownSigner(Kid),
    /// No trusted key with the identifier verifies the signature.
    #[error("the signature does not verify: the license was altered or forged")]
    BadSignature,
    /// The license names a different issuing department than the key belongs to.
    #[error("the license names issuer {license_issuer} but was signed by the key of {signer}")]
    IssuerNotSigner {
        /// Issuer code in the license.
        license_issuer: OrgCode,
        /// Department of the signing key.
        signer: OrgCode,
    },
    /// Before the first day of validity.
    #[error("not yet valid: valid from {from}, today is {today}")]
    NotYetValid {
        /// First valid day.
        from: Date,
        /// Today (China Standard Time).
        today: Date,
    },
    /// After the last day of validity.
    #[error("expired: valid until {until}, today is {today}")]
    Expired {
        /// Last valid day.
        until: Date,
        /// Today (China Standard Time).
        today: Date,
    },
}

impl Reason {
    /// Every code [`Reason::code`] can return, in the order of the verification steps.
    pub const CODES: &'static [&'static str] = &[
        "empty",
        "text_too_long",
        "bad_prefix",
        "unsupported_version",
        "unknown_form",
        "bad_url",
        "bad_base45",
        "bad_base64",
        "bad_compression",
        "too_large",
        "bad_cose",
        "bad_header",
        "unsupported_algorithm",
        "wrong_document_type",
        "bad_key",
        "unknown_signer",
        "bad_signature",
        "bad_cbor",
        "bad_license",
        "issuer_not_signer",
        "not_yet_valid",
        "expired",
    ];

    /// A stable machine-readable code for this reason (for JSON output and translations).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Transport(e) => match e {
                TransportError::Empty => "empty",
                TransportError::TooLong { .. } => "text_too_long",
                TransportError::BadPrefix(_) => "bad_prefix",
                TransportError::UnsupportedVersion(_) => "unsupported_version",
                TransportError::UnknownForm(_) => "unknown_form",
                TransportError::BadUrl => "bad_url",
                TransportError::BadBase45 { .. } => "bad_base45",
                TransportError::BadBase64(_) => "bad_base64",
                TransportError::Inflate(_) => "bad_compression",
                TransportError::TooLarge { .. } => "too_large",
            },
            Reason::Cose(e) => match e {
                CoseError::TooLarge { .. } => "too_large",
                CoseError::Cbor(_) | CoseError::NotTagged(_) | CoseError::NotFourItems => {
                    "bad_cose"
                }
                CoseError::ProtectedHeader(_)
                | CoseError::ProtectedHeaderCbor(_)
                | CoseError::MissingKid
                | CoseError::BadKidLength(_)
                | CoseError::MissingContentType
                | CoseError::UnprotectedHeaderNotEmpty => "bad_header",
                CoseError::MissingAlgorithm | CoseError::UnsupportedAlgorithm(_) => {
                    "unsupported_algorithm"
                }
                CoseError::UnknownContentType(_) | CoseError::WrongContentType { .. } => {
                    "wrong_document_type"
                }
                CoseError::BadPayload => "bad_cose",
                CoseError::BadSignatureLength(_) | CoseError::BadSignature => "bad_signature",
                CoseError::BadPublicKey(_) => "bad_key",
            },
            Reason::License(LicenseError::Cbor(_)) => "bad_cbor",
            Reason::License(_) => "bad_license",
            Reason::UnknownSigner(_) => "unknown_signer",
            Reason::BadSignature => "bad_signature",
            Reason::IssuerNotSigner { .. } => "issuer_not_signer",
            Reason::NotYetValid { .. } => "not_yet_valid",
            Reason::Expired { .. } => "expired",
        }
    }
}

/// A license whose signature, signer and dates all check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The license.
    pub license: License,
    /// The trusted key that signed it.
    pub signer: TrustedKey,
}

/// A rejected license: why, and what could be read of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Why it is not valid.
    pub reason: Reason,
    /// The signer's key identifier, if the structure could be read that far.
    pub kid: Option<Kid>,
    /// The license content, if it could be decoded. It is **not** trustworthy: show it only
    /// marked as unverified.
    pub unverified: Option<License>,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Valid.
    Valid(Box<Verified>),
    /// Not valid.
    Invalid(Box<Rejected>),
}

impl Verdict {
    /// Whether the license is valid.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid(_))
    }

    /// The reason it is invalid, if it is.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Verdict::Valid(_) => None,
            Verdict::Invalid(r) => Some(&r.reason),
        }
    }
}

/// Verify a license against the trusted keys at instant `now`.
///
/// Checks, in order: the transport text, the COSE_Sign1 structure and headers, that the signer's
/// key is trusted, the signature, the license payload, that the license names the signing
/// department as its issuer, and the validity dates (China Standard Time). Never panics.
pub fn verify(input: Input<'_>, trust: &TrustStore, now: OffsetDateTime) -> Verdict {
    let reject = |reason: Reason, kid: Option<Kid>, unverified: Option<License>| {
        Verdict::Invalid(Box::new(Rejected {
            reason,
            kid,
            unverified,
        }))
    };
    let decoded;
    let signed = match input {
        Input::Bytes(bytes) => bytes,
        Input::Text(text) => match transport::decode(text) {
            Ok(d) => {
                decoded = d.signed;
                &decoded
            }
            Err(e) => return reject(e.into(), None, None),
        },
    };
    let cose = match CoseSign1::parse(signed) {
        Ok(c) => c,
        Err(e) => return reject(e.into(), None, None),
    };
    let kid = Some(cose.kid());
    if let Err(e) = cose.expect_content_type(ContentType::License) {
        return reject(e.into(), kid, None);
    }
    let license = License::from_cbor(cose.payload());
    let candidates = trust.candidates(cose.kid());
    if candidates.is_empty() {
        return reject(Reason::UnknownSigner(cose.kid()), kid, license.ok());
    }
    let Some(signer) = candidates.iter().find(|k| cose.verify(&k.key).is_ok()) else {
        return reject(Reason::BadSignature, kid, license.ok());
    };
    let license = match license {
        Ok(l) => l,
        Err(e) => return reject(e.into(), kid, None),
    };
    if license.issuer_code() != &signer.org_code {
        let reason = Reason::IssuerNotSigner {
            license_issuer: license.issuer_code().clone(),
            signer: signer.org_code.clone(),
        };
        return reject(reason, kid, Some(license));
    }
    let today = license_day(now);
    let validity = license.validity;
    if today < validity.from() {
        let reason = Reason::NotYetValid {
            from: validity.from(),
            today,
        };
        return reject(reason, kid, Some(license));
    }
    if let Some(until) = validity.last_day().filter(|&until| until < today) {
        return reject(Reason::Expired { until, today }, kid, Some(license));
    }
    Verdict::Valid(Box::new(Verified {
        license,
        signer: signer.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_reason_has_a_listed_code() {
        let org: OrgCode = "9144030071526726XG".parse().unwrap();
        let reasons = [
            Reason::Transport(TransportError::Empty),
            Reason::Transport(TransportError::TooLong { len: 1, max: 0 }),
            Reason::Transport(TransportError::BadPrefix(String::new())),
            Reason::Transport(TransportError::UnsupportedVersion(String::new())),
            Reason::Transport(TransportError::UnknownForm(String::new())),
            Reason::Transport(TransportError::BadUrl),
            Reason::Transport(TransportError::BadBase45 {
                position: 1,
                detail: "",
            }),
            Reason::Transport(TransportError::BadBase64(String::new())),
            Reason::Transport(TransportError::Inflate(String::new())),
            Reason::Transport(TransportError::TooLarge { max: 0 }),
            Reason::Cose(CoseError::TooLarge { len: 1, max: 0 }),
            Reason::Cose(CoseError::NotFourItems),
            Reason::Cose(CoseError::MissingKid),
            Reason::Cose(CoseError::MissingAlgorithm),
            Reason::Cose(CoseError::UnknownContentType(String::new())),
            Reason::Cose(CoseError::BadSignature),
            Reason::Cose(CoseError::BadPublicKey("")),
            Reason::License(LicenseError::Missing("")),
            Reason::License(LicenseError::Cbor(crate::CborError::NotDeterministic)),
            Reason::UnknownSigner(Kid([0; 8])),
            Reason::BadSignature,
            Reason::IssuerNotSigner {
                license_issuer: org.clone(),
                signer: org,
            },
            Reason::NotYetValid {
                from: date!(2020 - 01 - 01),
                today: date!(2019 - 01 - 01),
            },
            Reason::Expired {
                until: date!(2020 - 01 - 01),
                today: date!(2021 - 01 - 01),
            },
        ];
        let mut seen = std::collections::BTreeSet::new();
        for r in &reasons {
            assert!(Reason::CODES.contains(&r.code()), "{r:?}");
            seen.insert(r.code());
        }
        assert_eq!(
            seen.len(),
            Reason::CODES.len(),
            "a listed code is never produced"
        );
    }
}

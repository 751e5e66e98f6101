//! Why a document is not valid: the [`Reason`] enum, and the table that is the one source of
//! truth for reason codes. [`Reason::code`] maps each reason to a code of [`REASON_CODES`] (a
//! test below checks that every code is produced); the plain Chinese message of each code is in
//! the table, the detailed English message is each variant's own (`thiserror`) text; the
//! TypeScript type of the web build and the table in `docs/FORMAT.md` §7 are checked against the
//! table by `fixtures/tests/format_doc.rs`.

use thiserror::Error;
use time::{Date, OffsetDateTime};

use super::envelope::OpenError;
use super::trust::TrustedKey;
use crate::encoding::cose::{CoseError, Kid};
use crate::encoding::transport::TransportError;
use crate::model::identifier::{LicenseTypeCode, OrgCode};
use crate::model::license::LicenseError;
use crate::model::license::V2Problem;

/// A reason code with its plain-language Chinese message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonCode {
    /// The stable machine-readable code.
    pub code: &'static str,
    /// Plain-language Chinese, for the public.
    pub zh: &'static str,
}

/// Every code [`Reason::code`] can return, in the order of the verification steps, with its
/// messages.
pub const REASON_CODES: &[ReasonCode] = &[
    ReasonCode {
        code: "empty",
        zh: "没有读到任何内容",
    },
    ReasonCode {
        code: "text_too_long",
        zh: "内容过长，不是电子证照",
    },
    ReasonCode {
        code: "bad_prefix",
        zh: "这不是电子证照二维码",
    },
    ReasonCode {
        code: "unsupported_version",
        zh: "证照格式版本过新，请更新核验程序",
    },
    ReasonCode {
        code: "unknown_form",
        zh: "证照编码格式无法识别",
    },
    ReasonCode {
        code: "bad_url",
        zh: "链接中没有有效的证照内容",
    },
    ReasonCode {
        code: "insecure_url",
        zh: "链接不是安全的 https 地址，已拒绝",
    },
    ReasonCode {
        code: "bad_base45",
        zh: "二维码内容不完整或已损坏",
    },
    ReasonCode {
        code: "bad_base64",
        zh: "二维码内容不完整或已损坏",
    },
    ReasonCode {
        code: "bad_compression",
        zh: "证照数据已损坏或被篡改",
    },
    ReasonCode {
        code: "unknown_dictionary",
        zh: "证照使用了本程序没有的压缩字典，请更新核验程序",
    },
    ReasonCode {
        code: "too_large",
        zh: "证照数据过大，已拒绝",
    },
    ReasonCode {
        code: "bad_cose",
        zh: "证照签名结构无效",
    },
    ReasonCode {
        code: "bad_header",
        zh: "证照签名结构无效",
    },
    ReasonCode {
        code: "unsupported_algorithm",
        zh: "证照使用了不被接受的签名算法",
    },
    ReasonCode {
        code: "wrong_document_type",
        zh: "这不是电子证照（是其他类型的签名文件）",
    },
    ReasonCode {
        code: "unknown_signer",
        zh: "签发机关不在信任名单中，无法确认真伪",
    },
    ReasonCode {
        code: "certificate_revoked",
        zh: "签发机关的证书已被吊销",
    },
    ReasonCode {
        code: "bad_signature",
        zh: "签名验证失败：证照内容被篡改或系伪造",
    },
    ReasonCode {
        code: "bad_cbor",
        zh: "证照内容格式错误",
    },
    ReasonCode {
        code: "bad_license",
        zh: "证照内容格式错误",
    },
    ReasonCode {
        code: "bad_disclosure",
        zh: "出示的个人信息与证照签名不符",
    },
    ReasonCode {
        code: "below_minimum_disclosure",
        zh: "出示的信息少于此类证照必须出示的内容",
    },
    ReasonCode {
        code: "issuer_not_signer",
        zh: "证照上的发证机关与签名机关不一致",
    },
    ReasonCode {
        code: "type_not_permitted",
        zh: "该机关无权签发此类证照",
    },
    ReasonCode {
        code: "issued_before_certificate",
        zh: "发证日期早于签发机关证书的生效日期",
    },
    ReasonCode {
        code: "certificate_expired",
        zh: "发证日期晚于签发机关证书的到期日期",
    },
    ReasonCode {
        code: "type_mismatch",
        zh: "证照类型名称与类型代码不符，证照可能冒充其他类型",
    },
    ReasonCode {
        code: "issued_in_future",
        zh: "签发日期晚于今天，证照无效",
    },
    ReasonCode {
        code: "revoked",
        zh: "此证照已被发证机关注销或撤销",
    },
    ReasonCode {
        code: "not_yet_valid",
        zh: "证照尚未生效",
    },
    ReasonCode {
        code: "expired",
        zh: "证照已过有效期",
    },
    ReasonCode {
        code: "revocation_stale",
        zh: "注销状态无法确认为最新：所用的注销或信任列表已过更新时间（本核验要求最新的注销状态）",
    },
    ReasonCode {
        code: "revocation_unknown",
        zh: "未能核对注销状态：没有有效的注销或信任列表（本核验要求核对注销状态）",
    },
];

/// The entry of [`REASON_CODES`] for `code`, if it is one.
pub fn reason_code(code: &str) -> Option<&'static ReasonCode> {
    REASON_CODES.iter().find(|r| r.code == code)
}

/// Which kind of list a revocation state was judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListKind {
    /// The issuing department's status list (the license's own revocation).
    Status,
    /// The root's trust list (the revocation of the signer's certificate).
    Trust,
}

impl ListKind {
    /// `status list` or `trust list`.
    pub fn name(self) -> &'static str {
        match self {
            ListKind::Status => "status list",
            ListKind::Trust => "trust list",
        }
    }
}

impl std::fmt::Display for ListKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a license is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
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
    /// The signing department's certificate was revoked by its root's trust list.
    #[error("the certificate of {department} (serial {serial}) that signed this license has been revoked")]
    CertificateRevoked {
        /// Department name.
        department: String,
        /// Certificate serial number (hex).
        serial: String,
    },
    /// The signing department's certificate does not permit this license type.
    #[error("{department} is not permitted to issue license type {type_code}")]
    TypeNotPermitted {
        /// The license's type code.
        type_code: LicenseTypeCode,
        /// Department name.
        department: String,
    },
    /// The license's type name is not the name of its type code's built-in template: a
    /// department certified for one type must not present its license as another
    /// (`docs/FORMAT.md` §7).
    #[error("the license says it is a {stated:?} but its type code {type_code} is {expected:?}")]
    TypeMismatch {
        /// The license's type code.
        type_code: LicenseTypeCode,
        /// The type name the license gives.
        stated: String,
        /// The name of the type code's built-in template.
        expected: String,
    },
    /// The license's issue date is before its signing certificate became valid.
    #[error(
        "issued on {issued_on}, before the signing certificate became valid on {certificate_from}"
    )]
    IssuedBeforeCertificate {
        /// License issue date.
        issued_on: Date,
        /// First day of the certificate (UTC+8).
        certificate_from: Date,
    },
    /// The license's issue date is after its signing certificate expired.
    #[error("issued on {issued_on}, after the signing certificate expired on {certificate_until}")]
    CertificateExpired {
        /// License issue date.
        issued_on: Date,
        /// Last day of the certificate (UTC+8).
        certificate_until: Date,
    },
    /// The license's issue date is after today (China Standard Time, beyond the clock skew): no
    /// genuine license can have been issued yet.
    #[error("issued on {issued_on}, which is after today ({today}, China Standard Time)")]
    IssuedInFuture {
        /// License issue date.
        issued_on: Date,
        /// Today (China Standard Time).
        today: Date,
    },
    /// An attestation's time is after now (beyond the clock skew).
    #[error("attested at {attested_at}, which is after now ({now})")]
    AttestedInFuture {
        /// The attestation time.
        attested_at: OffsetDateTime,
        /// The verifier's time.
        now: OffsetDateTime,
    },
    /// The issuing department's status list marks this license as revoked.
    #[error("revoked by the issuing department (status list {list_sequence}, entry {index})")]
    Revoked {
        /// The license's status index.
        index: u64,
        /// Sequence number of the status list that revokes it.
        list_sequence: u64,
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
    /// Only under a policy requiring checked revocation ([`crate::Verdict::require_status`]):
    /// the list consulted is past its next update (within the grace period).
    #[error("revocation status required but stale: the {list} issued at {issued_at} was due for update at {next_update}")]
    RevocationStale {
        /// Which list.
        list: ListKind,
        /// Its issue time.
        issued_at: OffsetDateTime,
        /// Its next update, now past.
        next_update: OffsetDateTime,
    },
    /// Only under a policy requiring checked revocation ([`crate::Verdict::require_status`]):
    /// no list covers the license, or the only one expired (past its next update by more than
    /// the grace period).
    #[error("revocation status required but unknown: {}", match expired { Some(t) => format!("the only {list} was due for update at {t}, more than the grace period ago"), None => format!("no {list} covers this license") })]
    RevocationUnknown {
        /// Which list is missing or expired.
        list: ListKind,
        /// The expired list's next update, when one is loaded.
        expired: Option<OffsetDateTime>,
    },
}

impl Reason {
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
                TransportError::NotHttps(_) => "insecure_url",
                TransportError::BadBase45 { .. } => "bad_base45",
                TransportError::BadBase64(_) => "bad_base64",
                TransportError::Inflate(_) => "bad_compression",
                TransportError::UnknownDictionary(_) => "unknown_dictionary",
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
                CoseError::BadPayload | CoseError::SignatureNotBytes => "bad_cose",
                // Every key of a trust store passed the suite's key check when it was added
                // (TrustError::BadKey, code bad_key, refuses the others), so a verdict never
                // meets a bad key; were one to reach it, the signature does not verify with it.
                CoseError::Suite(_) | CoseError::AlgorithmMismatch { .. } => "bad_signature",
            },
            Reason::License(LicenseError::Cbor(_)) => "bad_cbor",
            Reason::License(LicenseError::V2(
                V2Problem::BadDisclosure { .. } | V2Problem::Duplicate(_),
            )) => "bad_disclosure",
            Reason::License(LicenseError::V2(V2Problem::BelowMinimum(_))) => {
                "below_minimum_disclosure"
            }
            Reason::License(_) => "bad_license",
            Reason::UnknownSigner(_) => "unknown_signer",
            Reason::BadSignature => "bad_signature",
            Reason::IssuerNotSigner { .. } => "issuer_not_signer",
            Reason::CertificateRevoked { .. } => "certificate_revoked",
            Reason::TypeNotPermitted { .. } => "type_not_permitted",
            Reason::TypeMismatch { .. } => "type_mismatch",
            Reason::IssuedBeforeCertificate { .. } => "issued_before_certificate",
            Reason::CertificateExpired { .. } => "certificate_expired",
            Reason::IssuedInFuture { .. } | Reason::AttestedInFuture { .. } => "issued_in_future",
            Reason::Revoked { .. } => "revoked",
            Reason::NotYetValid { .. } => "not_yet_valid",
            Reason::Expired { .. } => "expired",
            Reason::RevocationStale { .. } => "revocation_stale",
            Reason::RevocationUnknown { .. } => "revocation_unknown",
        }
    }
}

impl Reason {
    /// The entry of [`REASON_CODES`] for this reason.
    pub fn info(&self) -> &'static ReasonCode {
        let code = self.code();
        // `code` returns only codes of the table (tested below); the first entry stands in for
        // an impossible miss rather than a panic.
        reason_code(code).unwrap_or(&REASON_CODES[0])
    }
}

impl Reason {
    /// The reason for a license or attestation that could not be opened; `revoked` is the
    /// revoked key that verifies its signature, if any.
    pub(crate) fn from_open(error: OpenError<LicenseError>, revoked: Option<TrustedKey>) -> Self {
        match error {
            OpenError::Transport(e) => Reason::Transport(e),
            OpenError::Cose(e) => Reason::Cose(e),
            OpenError::UnknownSigner(kid) => Reason::UnknownSigner(kid),
            OpenError::SignerRevoked(_) => match revoked {
                Some(k) => Reason::CertificateRevoked {
                    serial: k
                        .certificate
                        .as_ref()
                        .map_or_else(String::new, |(c, _)| c.serial().to_owned()),
                    department: k.name,
                },
                None => Reason::BadSignature,
            },
            OpenError::BadSignature(_) => Reason::BadSignature,
            OpenError::Payload(e) => Reason::License(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::SuiteError;
    use time::macros::date;

    #[test]
    fn every_reason_has_a_listed_code_and_every_code_a_reason() {
        let org: OrgCode = "9144030071526726XG".parse().unwrap();
        let reasons = [
            Reason::Transport(TransportError::Empty),
            Reason::Transport(TransportError::TooLong { len: 1, max: 0 }),
            Reason::Transport(TransportError::BadPrefix(String::new())),
            Reason::Transport(TransportError::UnsupportedVersion(String::new())),
            Reason::Transport(TransportError::UnknownForm(String::new())),
            Reason::Transport(TransportError::BadUrl),
            Reason::Transport(TransportError::NotHttps("http".into())),
            Reason::Transport(TransportError::BadBase45 {
                position: 1,
                detail: "",
            }),
            Reason::Transport(TransportError::BadBase64(
                base64::DecodeError::InvalidLength(1),
            )),
            Reason::Transport(TransportError::Inflate(
                crate::encoding::transport::InflateError::Checksum,
            )),
            Reason::Transport(TransportError::TooLarge { max: 0 }),
            Reason::Transport(TransportError::UnknownDictionary(0)),
            Reason::License(LicenseError::V2(V2Problem::Duplicate(""))),
            Reason::License(LicenseError::V2(V2Problem::BelowMinimum(String::new()))),
            Reason::Cose(CoseError::TooLarge { len: 1, max: 0 }),
            Reason::Cose(CoseError::NotFourItems),
            Reason::Cose(CoseError::MissingKid),
            Reason::Cose(CoseError::MissingAlgorithm),
            Reason::Cose(CoseError::UnknownContentType(String::new())),
            Reason::Cose(CoseError::Suite(SuiteError::BadSignature)),
            Reason::Cose(CoseError::Suite(SuiteError::BadPublicKey(""))),
            Reason::License(LicenseError::EmptyList("")),
            Reason::License(LicenseError::Cbor(crate::CborError::NotDeterministic)),
            Reason::UnknownSigner(Kid([0; 8])),
            Reason::BadSignature,
            Reason::IssuerNotSigner {
                license_issuer: org.clone(),
                signer: org,
            },
            Reason::CertificateRevoked {
                department: String::new(),
                serial: String::new(),
            },
            Reason::TypeNotPermitted {
                type_code: "YYZZ".parse().unwrap(),
                department: String::new(),
            },
            Reason::TypeMismatch {
                type_code: "JSZ".parse().unwrap(),
                stated: "营业执照".into(),
                expected: "机动车驾驶证".into(),
            },
            Reason::IssuedBeforeCertificate {
                issued_on: date!(2020 - 01 - 01),
                certificate_from: date!(2021 - 01 - 01),
            },
            Reason::CertificateExpired {
                issued_on: date!(2022 - 01 - 01),
                certificate_until: date!(2021 - 01 - 01),
            },
            Reason::IssuedInFuture {
                issued_on: date!(2020 - 01 - 02),
                today: date!(2020 - 01 - 01),
            },
            Reason::AttestedInFuture {
                attested_at: time::macros::datetime!(2020-01-02 0:00 UTC),
                now: time::macros::datetime!(2020-01-01 0:00 UTC),
            },
            Reason::Revoked {
                index: 1,
                list_sequence: 1,
            },
            Reason::NotYetValid {
                from: date!(2020 - 01 - 01),
                today: date!(2019 - 01 - 01),
            },
            Reason::Expired {
                until: date!(2020 - 01 - 01),
                today: date!(2021 - 01 - 01),
            },
            Reason::RevocationStale {
                list: ListKind::Status,
                issued_at: time::macros::datetime!(2020-01-01 0:00 UTC),
                next_update: time::macros::datetime!(2020-01-02 0:00 UTC),
            },
            Reason::RevocationUnknown {
                list: ListKind::Trust,
                expired: None,
            },
        ];
        let mut seen = std::collections::BTreeSet::new();
        for r in &reasons {
            assert!(reason_code(r.code()).is_some(), "{r:?}");
            assert_eq!(r.info().code, r.code());
            seen.insert(r.code());
        }
        assert_eq!(
            seen.len(),
            REASON_CODES.len(),
            "a listed code is never produced"
        );
    }

    #[test]
    fn every_code_has_its_own_messages() {
        let mut codes = std::collections::BTreeSet::new();
        for r in REASON_CODES {
            assert!(codes.insert(r.code), "{} is listed twice", r.code);
            assert!(!r.zh.is_empty(), "{}", r.code);
        }
    }
}

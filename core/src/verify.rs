//! Verifying a license: one call from text or bytes to a verdict with a precise reason.

use thiserror::Error;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::cose::{ContentType, CoseError, CoseSign1, Kid};
use crate::identifier::LicenseTypeCode;
use crate::identifier::OrgCode;
use crate::license::{License, LicenseError};
use crate::transport::{self, TransportError};
use crate::trust::{TrustStore, TrustedKey, MAX_CLOCK_SKEW};

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

    /// What kind of signed document this claims to be (its content type header), without
    /// verifying anything; `None` when it is not a readable COSE_Sign1 text or structure. Lets a
    /// user interface route a scanned code to license or attestation checking.
    pub fn document_kind(&self) -> Option<ContentType> {
        let decoded;
        let signed = match self {
            Input::Bytes(b) => *b,
            Input::Text(t) => {
                decoded = transport::decode(t).ok()?;
                &decoded.signed
            }
        };
        CoseSign1::parse(signed).ok().map(|c| c.content_type())
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
        "certificate_revoked",
        "bad_signature",
        "bad_cbor",
        "bad_license",
        "issuer_not_signer",
        "type_not_permitted",
        "issued_before_certificate",
        "certificate_expired",
        "revoked",
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
            Reason::CertificateRevoked { .. } => "certificate_revoked",
            Reason::TypeNotPermitted { .. } => "type_not_permitted",
            Reason::IssuedBeforeCertificate { .. } => "issued_before_certificate",
            Reason::CertificateExpired { .. } => "certificate_expired",
            Reason::Revoked { .. } => "revoked",
            Reason::NotYetValid { .. } => "not_yet_valid",
            Reason::Expired { .. } => "expired",
        }
    }
}

/// Whether a valid license's revocation status could be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The license has no status index: it cannot be revoked individually.
    NotApplicable,
    /// The issuing department's status list (this sequence number) says it is not revoked.
    Checked {
        /// Sequence number of the status list consulted.
        list_sequence: u64,
    },
    /// No status list covering this license is loaded: revocation was not checked.
    Unknown,
}

/// A license whose signature, signer, certificate, revocation status and dates all check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The license.
    pub license: License,
    /// The trusted key that signed it.
    pub signer: TrustedKey,
    /// Whether revocation could be checked.
    pub revocation: Revocation,
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

/// Verify a license against the trust store at instant `now`.
///
/// Checks, in order (`docs/FORMAT.md` §7): the transport text, the COSE_Sign1 structure and
/// headers, that the signer's key is trusted and not revoked, the signature, the license payload,
/// that the license names the signing department as its issuer, that the department's
/// certificate (if any) permits the license type and was valid on the issue date, the issuing
/// department's revocation status list (if loaded), and the validity dates (China Standard Time,
/// with [`MAX_CLOCK_SKEW`]). Never panics.
pub fn verify(input: Input<'_>, trust: &TrustStore, now: OffsetDateTime) -> Verdict {
    match prepare(input) {
        Ok(prepared) => finish(prepared, trust, now, None),
        Err(rejected) => rejected,
    }
}

fn reject(reason: Reason, kid: Option<Kid>, unverified: Option<License>) -> Verdict {
    Verdict::Invalid(Box::new(Rejected {
        reason,
        kid,
        unverified,
    }))
}

/// A document read up to its signature: the envelope, and the payload decoded (unverified).
struct Prepared {
    cose: CoseSign1,
    license: Result<License, LicenseError>,
}

/// The steps of [`verify`] before the signature: transport text, envelope, content type, and
/// decoding the payload (kept for the verdict even when the signature fails).
fn prepare(input: Input<'_>) -> Result<Prepared, Verdict> {
    let signed = match signed_bytes(input) {
        Ok((signed, _)) => signed,
        Err(e) => return Err(reject(e.into(), None, None)),
    };
    let cose = match CoseSign1::parse(&signed) {
        Ok(c) => c,
        Err(e) => return Err(reject(e.into(), None, None)),
    };
    if let Err(e) = cose.expect_content_type(ContentType::License) {
        return Err(reject(e.into(), Some(cose.kid()), None));
    }
    let license = License::from_cbor(cose.payload());
    Ok(Prepared { cose, license })
}

/// The steps of [`verify`] from the signature on. `verified_by`, when given, is a key already
/// known to verify the signature, and the only trusted key with the document's kid (so
/// [`resolve_signer`] would return it).
fn finish(
    prepared: Prepared,
    trust: &TrustStore,
    now: OffsetDateTime,
    verified_by: Option<&TrustedKey>,
) -> Verdict {
    let Prepared { cose, license } = prepared;
    let kid = Some(cose.kid());
    let signer = match verified_by.map_or_else(|| resolve_signer(&cose, trust), Ok) {
        Ok(k) => k,
        Err(reason) => return reject(reason, kid, license.ok()),
    };
    let license = match license {
        Ok(l) => l,
        Err(e) => return reject(e.into(), kid, None),
    };
    if let Err(reason) = check_signer(&license, signer) {
        return reject(reason, kid, Some(license));
    }
    let revocation = match (
        license.status_index,
        trust.status_list(license.issuer_code()),
    ) {
        (None, _) => Revocation::NotApplicable,
        (Some(_), None) => Revocation::Unknown,
        (Some(index), Some(list)) => match list.is_revoked(index) {
            Some(true) => {
                let reason = Reason::Revoked {
                    index,
                    list_sequence: list.sequence,
                };
                return reject(reason, kid, Some(license));
            }
            Some(false) => Revocation::Checked {
                list_sequence: list.sequence,
            },
            None => Revocation::Unknown,
        },
    };
    let validity = license.validity;
    let latest_today = license_day(now + MAX_CLOCK_SKEW);
    let earliest_today = license_day(now - MAX_CLOCK_SKEW);
    if latest_today < validity.from() {
        let reason = Reason::NotYetValid {
            from: validity.from(),
            today: license_day(now),
        };
        return reject(reason, kid, Some(license));
    }
    if let Some(until) = validity.last_day().filter(|&until| until < earliest_today) {
        let reason = Reason::Expired {
            until,
            today: license_day(now),
        };
        return reject(reason, kid, Some(license));
    }
    Verdict::Valid(Box::new(Verified {
        license,
        signer: signer.clone(),
        revocation,
    }))
}

/// Documents verified together by one batch equation in [`verify_many`].
pub const BATCH_CHUNK: usize = 256;

/// Verify many licenses at once: the same verdicts as calling [`verify`] on each input in turn,
/// in the same order, with the signatures checked together by Ed25519 batch verification
/// (ed25519-dalek's `verify_batch`, deterministic: its random coefficients come from a merlin
/// transcript of the inputs, so no random number generator is needed).
///
/// Each input is read up to its signature as [`verify`] does. The signatures of the documents
/// that can take the batch path are checked in chunks of [`BATCH_CHUNK`]; when a chunk's batch
/// equation fails, each document in it is verified on its own, so a bad signature costs its
/// chunk the batch saving but never changes a verdict. A document takes the batch path only when
/// exactly one trusted key has its kid, that key has no small-order component, its S is below the
/// group order and its R is a canonical encoding of a point not of small order; every other
/// document is verified on its own.
///
/// Batch verification checks the cofactorless equation `[S]B = R + [k]A` for all documents at
/// once. The one difference it cannot see is a signature whose R the *signer* built with a
/// small-order component (only the key holder can; altering a valid signature this way breaks
/// it for the batch as well): strict single verification rejects it, the batch equation may
/// accept it. Detecting it would need a subgroup check of each R, which costs as much as a
/// verification. See `docs/BENCHMARKS.md`.
pub fn verify_many(inputs: &[Input<'_>], trust: &TrustStore, now: OffsetDateTime) -> Vec<Verdict> {
    enum Slot<'t> {
        Done(Verdict),
        Single(Prepared),
        Batch(Prepared, &'t TrustedKey),
    }
    let mut key_ok: std::collections::BTreeMap<[u8; 32], bool> = Default::default();
    let mut slots: Vec<Slot<'_>> = inputs
        .iter()
        .map(|input| match prepare(*input) {
            Err(verdict) => Slot::Done(verdict),
            Ok(prepared) => match trust.candidates(prepared.cose.kid()) {
                [key] if batchable(&prepared.cose, key, &mut key_ok) => Slot::Batch(prepared, key),
                _ => Slot::Single(prepared),
            },
        })
        .collect();
    let batched: Vec<usize> = (0..slots.len())
        .filter(|&i| matches!(slots[i], Slot::Batch(..)))
        .collect();
    for chunk in batched.chunks(BATCH_CHUNK) {
        let mut messages = Vec::with_capacity(chunk.len());
        let mut signatures = Vec::with_capacity(chunk.len());
        let mut keys = Vec::with_capacity(chunk.len());
        for &i in chunk {
            if let Slot::Batch(p, key) = &slots[i] {
                messages.push(p.cose.to_be_signed());
                signatures.push(ed25519_dalek::Signature::from_bytes(p.cose.signature()));
                keys.push(key.key);
            }
        }
        let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        let all_good = ed25519_dalek::verify_batch(&refs, &signatures, &keys).is_ok();
        for &i in chunk {
            let slot = std::mem::replace(
                &mut slots[i],
                Slot::Done(reject(Reason::BadSignature, None, None)),
            );
            slots[i] = match slot {
                Slot::Batch(p, key) if all_good => Slot::Done(finish(p, trust, now, Some(key))),
                Slot::Batch(p, _) => Slot::Single(p),
                other => other,
            };
        }
    }
    slots
        .into_iter()
        .map(|slot| match slot {
            Slot::Done(verdict) => verdict,
            Slot::Single(p) | Slot::Batch(p, _) => finish(p, trust, now, None),
        })
        .collect()
}

/// Whether a document signed (per its kid) by `key` can take the batch path of [`verify_many`]:
/// S canonical, R canonical and not of small order (the checks strict verification makes that
/// the batch equation does not), and the key free of small-order components (checked once per
/// key; trusted keys are already canonical and not of small order).
fn batchable(
    cose: &CoseSign1,
    key: &TrustedKey,
    key_ok: &mut std::collections::BTreeMap<[u8; 32], bool>,
) -> bool {
    let torsion_free = *key_ok
        .entry(key.key.to_bytes())
        .or_insert_with(|| key.key.to_edwards().is_torsion_free());
    let (r, s) = cose.signature().split_at(32);
    let s_canonical = <[u8; 32]>::try_from(s)
        .ok()
        .is_some_and(|s| bool::from(curve25519_dalek::Scalar::from_canonical_bytes(s).is_some()));
    torsion_free && s_canonical && r_acceptable(r)
}

/// Whether R is the canonical encoding of a point not of small order, as strict verification
/// requires, judged from the encoding alone (no point decompression, which the batch equation
/// does anyway): y must be below p = 2^255 - 19, and y must not be that of one of the eight
/// small-order points (this also rejects their encodings with a wrong sign bit, such as
/// (0, 1) with the sign bit set). An R that is not a point at all fails the batch, and the
/// document is then verified on its own.
fn r_acceptable(r: &[u8]) -> bool {
    let Ok(mut y) = <[u8; 32]>::try_from(r) else {
        return false;
    };
    y[31] &= 0x7f;
    let at_least_p = y[0] >= 0xed && y[1..31].iter().all(|&b| b == 0xff) && y[31] == 0x7f;
    !at_least_p && !small_order_ys().contains(&y)
}

/// The y coordinates (encodings without the sign bit) of the eight small-order points.
fn small_order_ys() -> &'static [[u8; 32]; 8] {
    static YS: std::sync::OnceLock<[[u8; 32]; 8]> = std::sync::OnceLock::new();
    YS.get_or_init(|| {
        curve25519_dalek::constants::EIGHT_TORSION.map(|point| {
            let mut y = point.compress().to_bytes();
            y[31] &= 0x7f;
            y
        })
    })
}

/// The COSE_Sign1 bytes of an input, and the transport form when it was text.
fn signed_bytes(
    input: Input<'_>,
) -> Result<(std::borrow::Cow<'_, [u8]>, Option<transport::Form>), TransportError> {
    match input {
        Input::Bytes(b) => Ok((std::borrow::Cow::Borrowed(b), None)),
        Input::Text(t) => {
            let d = transport::decode(t)?;
            Ok((std::borrow::Cow::Owned(d.signed), Some(d.form)))
        }
    }
}

/// What can be read from a license without verifying it (for support staff): everything here is
/// **unverified**.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The transport form, when the input was text.
    pub form: Option<transport::Form>,
    /// Size of the signed document in bytes.
    pub signed_len: usize,
    /// Signer's key identifier.
    pub kid: Kid,
    /// What the document says it contains.
    pub content_type: ContentType,
    /// Size of the payload in bytes.
    pub payload_len: usize,
    /// The decoded license, or why it could not be decoded.
    pub license: Result<License, LicenseError>,
}

/// Decode a license's structure without checking its signature or trust. Fails only when the
/// transport text or the COSE_Sign1 envelope cannot be read.
pub fn inspect(input: Input<'_>) -> Result<Inspection, Reason> {
    let (signed, form) = signed_bytes(input)?;
    let cose = CoseSign1::parse(&signed)?;
    Ok(Inspection {
        form,
        signed_len: signed.len(),
        kid: cose.kid(),
        content_type: cose.content_type(),
        payload_len: cose.payload().len(),
        license: License::from_cbor(cose.payload()),
    })
}

/// The trusted key whose signature `cose` carries: tries every trusted key with the document's
/// kid; when none verifies, says whether a revoked certificate's key does
/// (`certificate_revoked`), no key is known (`unknown_signer`) or the signature is bad.
pub(crate) fn resolve_signer<'t>(
    cose: &CoseSign1,
    trust: &'t TrustStore,
) -> Result<&'t TrustedKey, Reason> {
    let candidates = trust.candidates(cose.kid());
    if let Some(k) = candidates.iter().find(|k| cose.verify(&k.key).is_ok()) {
        return Ok(k);
    }
    let revoked = trust.revoked_candidates(cose.kid());
    Err(match revoked.iter().find(|k| cose.verify(&k.key).is_ok()) {
        Some(k) => Reason::CertificateRevoked {
            department: k.name.clone(),
            serial: k
                .certificate
                .as_ref()
                .map_or_else(String::new, |(c, _)| c.serial().to_owned()),
        },
        None if candidates.is_empty() && revoked.is_empty() => Reason::UnknownSigner(cose.kid()),
        None => Reason::BadSignature,
    })
}

/// The checks that bind a license to the key that signed it: the issuer named in the license is
/// the key's department, and the key's certificate permits the license type and was valid on the
/// license's issue date.
fn check_signer(license: &License, signer: &TrustedKey) -> Result<(), Reason> {
    if license.issuer_code() != &signer.org_code {
        return Err(Reason::IssuerNotSigner {
            license_issuer: license.issuer_code().clone(),
            signer: signer.org_code.clone(),
        });
    }
    let Some((cert, _root)) = &signer.certificate else {
        return Ok(());
    };
    if !cert.license_types().contains(license.type_code()) {
        return Err(Reason::TypeNotPermitted {
            type_code: license.type_code().clone(),
            department: signer.name.clone(),
        });
    }
    certificate_covers(signer, license.issued_on)
}

/// Whether the signer's certificate (if any) was valid on `day` (calendar days, UTC+8).
pub(crate) fn certificate_covers(signer: &TrustedKey, day: Date) -> Result<(), Reason> {
    let Some((cert, _root)) = &signer.certificate else {
        return Ok(());
    };
    let certificate_from = license_day(cert.not_before());
    let certificate_until = license_day(cert.not_after());
    if day < certificate_from {
        return Err(Reason::IssuedBeforeCertificate {
            issued_on: day,
            certificate_from,
        });
    }
    if day > certificate_until {
        return Err(Reason::CertificateExpired {
            issued_on: day,
            certificate_until,
        });
    }
    Ok(())
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
            Reason::CertificateRevoked {
                department: String::new(),
                serial: String::new(),
            },
            Reason::TypeNotPermitted {
                type_code: "YYZZ".parse().unwrap(),
                department: String::new(),
            },
            Reason::IssuedBeforeCertificate {
                issued_on: date!(2020 - 01 - 01),
                certificate_from: date!(2021 - 01 - 01),
            },
            Reason::CertificateExpired {
                issued_on: date!(2022 - 01 - 01),
                certificate_until: date!(2021 - 01 - 01),
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

//! Verifying a license: one call from text or bytes to a verdict with a precise reason.

use time::{Date, OffsetDateTime};

use super::envelope::{bytes_are_v2, read, unseal, Failure, Input, Read, ReadError, Sealed};
use super::reason::{ListKind, Reason};
use super::trust::{Freshness, ListDates, TrustOrigin, TrustStore, TrustedKey, MAX_CLOCK_SKEW};
use crate::encoding::cose::{ContentType, Kid};
use crate::encoding::transport::{Form, TextVersion, TransportError};
use crate::limits::MAX_SIGNED_LEN;
use crate::model::identifier::{LicenseTypeCode, OrgCode};
use crate::model::license::{License, LicenseError, V2Problem};
use crate::model::license_v2::{LicenseV2, Wire};
use crate::model::template::LicenseTemplate;
use crate::model::time::{checked_license_day, license_day, saturating_add};
use crate::suite::{verify_batch as suite_verify_batch, PublicKey};

/// Whether a valid license's revocation (by its department's status list), or its signer's
/// certificate's (by its root's trust list), could be checked, and against a list how old
/// (`docs/TRUST.md` §4, "Freshness"). A revoked license or certificate is invalid whatever the
/// list's age, so it never appears here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// Nothing to check: the license has no status index (it cannot be revoked individually),
    /// or the signer is a directly trusted key (no trust list).
    NotApplicable,
    /// A current list (not past its next update) says it is not revoked.
    Checked {
        /// The list consulted.
        list: ListDates,
    },
    /// A list past its next update, but within the grace period
    /// ([`crate::limits::STALE_LIST_GRACE_SECONDS`]), says it is not revoked: it may have been
    /// revoked since.
    Stale {
        /// The list consulted.
        list: ListDates,
    },
    /// Not checked: no list covers it, or the only one is past its next update by more than the
    /// grace period (then `list` is that list, so that its age can be shown).
    Unknown {
        /// The expired list, if one is loaded.
        list: Option<ListDates>,
    },
}

/// The overall revocation state of a valid verdict: the worse of [`Verified::revocation`] and
/// [`Verified::certificate_status`], in the order `not_applicable` < `checked` < `stale` <
/// `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RevocationState {
    /// Nothing to check.
    NotApplicable,
    /// Checked against current lists.
    Checked,
    /// Checked against a list past its next update (within the grace period): amber.
    Stale,
    /// Not checked: amber.
    Unknown,
}

impl RevocationState {
    /// A stable code: `not_applicable`, `checked`, `stale` or `unknown`.
    pub fn code(self) -> &'static str {
        match self {
            RevocationState::NotApplicable => "not_applicable",
            RevocationState::Checked => "checked",
            RevocationState::Stale => "stale",
            RevocationState::Unknown => "unknown",
        }
    }
}

impl Revocation {
    /// Judge a list that says "not revoked" at `now`.
    fn by(list: ListDates, now: OffsetDateTime) -> Self {
        match list.freshness(now) {
            Freshness::Current => Revocation::Checked { list },
            Freshness::Stale => Revocation::Stale { list },
            _ => Revocation::Unknown { list: Some(list) },
        }
    }

    /// This part's state.
    pub fn state(&self) -> RevocationState {
        match self {
            Revocation::NotApplicable => RevocationState::NotApplicable,
            Revocation::Checked { .. } => RevocationState::Checked,
            Revocation::Stale { .. } => RevocationState::Stale,
            Revocation::Unknown { .. } => RevocationState::Unknown,
        }
    }

    /// The list consulted, if any.
    pub fn list(&self) -> Option<ListDates> {
        match self {
            Revocation::Checked { list } | Revocation::Stale { list } => Some(*list),
            Revocation::Unknown { list } => *list,
            Revocation::NotApplicable => None,
        }
    }
}

/// A license whose signature, signer, certificate, revocation status and dates all check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The license.
    pub license: License,
    /// The trusted key that signed it.
    pub signer: TrustedKey,
    /// Where the trust in the signer comes from (given, bundled, added on this device, or a
    /// TEST-ONLY root): a user interface must show a [`TrustOrigin::Test`] verdict as a
    /// demonstration, never as plainly valid.
    pub trust: TrustOrigin,
    /// Whether the license's own revocation could be checked (its department's status list).
    pub revocation: Revocation,
    /// Whether the signer's certificate's revocation could be checked (its root's trust list);
    /// [`Revocation::NotApplicable`] for a directly trusted key.
    pub certificate_status: Revocation,
    /// The instant the verdict was made for (the `now` of [`verify`]): list ages are counted to
    /// it.
    pub checked_at: OffsetDateTime,
}

impl Verified {
    /// The overall revocation state: the worse of the license's and its certificate's.
    pub fn revocation_state(&self) -> RevocationState {
        self.revocation.state().max(self.certificate_status.state())
    }
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
#[non_exhaustive]
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

    /// The verdict under a policy that requires revocation to have been checked against current
    /// lists (the CLI's `--require-status`, the web page's setting): a valid verdict whose
    /// [`Verified::revocation_state`] is `stale` becomes invalid with `revocation_stale`, one
    /// that is `unknown` with `revocation_unknown`; the license is kept as the rejected
    /// content. Every other verdict is unchanged.
    pub fn require_status(self) -> Verdict {
        let Verdict::Valid(ok) = self else {
            return self;
        };
        // The part that decides the state: the license's own list when it is the worse (or as
        // bad), else the certificate's.
        let (part, list_kind) = if ok.revocation.state() >= ok.certificate_status.state() {
            (ok.revocation, ListKind::Status)
        } else {
            (ok.certificate_status, ListKind::Trust)
        };
        let reason = match part {
            Revocation::Stale { list } => Reason::RevocationStale {
                list: list_kind,
                issued_at: list.issued_at,
                next_update: list.next_update,
            },
            Revocation::Unknown { list } => Reason::RevocationUnknown {
                list: list_kind,
                expired: list.map(|l| l.next_update),
            },
            _ => return Verdict::Valid(ok),
        };
        let kid = Some(ok.signer.kid());
        reject(reason, kid, Some(ok.license))
    }
}

/// Verify a license against the trust store at instant `now`.
///
/// Checks, in order (`docs/FORMAT.md` §7): the transport text, the COSE_Sign1 structure and
/// headers, that the signer's key is trusted and not revoked, the signature, the license payload
/// (all through the one envelope path, [`crate::open`]), that the license names the signing
/// department as its issuer, that the department's certificate (if any) permits the license type,
/// that the license's type name is its type code's (built-in templates), that the certificate
/// was valid on the issue date, that the issue date is not after today, the issuing
/// department's revocation status list (if loaded), and the validity dates (China Standard Time,
/// with [`MAX_CLOCK_SKEW`]). Never panics.
pub fn verify(input: Input<'_>, trust: &TrustStore, now: OffsetDateTime) -> Verdict {
    let (bytes, v2) = match license_bytes(input) {
        Ok(b) => b,
        Err(e) => return reject(Reason::Transport(e), None, None),
    };
    if v2 {
        return verify_v2(&bytes, trust, now);
    }
    match unseal::<License, TrustedKey>(Input::Bytes(&bytes)) {
        Ok(sealed) => finish(sealed, trust, now, None),
        Err(failure) => rejected(failure),
    }
}

fn reject(reason: Reason, kid: Option<Kid>, unverified: Option<License>) -> Verdict {
    Verdict::Invalid(Box::new(Rejected {
        reason,
        kid,
        unverified,
    }))
}

/// The verdict on a license that could not be opened.
fn rejected(failure: Failure<License, TrustedKey>) -> Verdict {
    let Failure {
        error,
        kid,
        unverified,
        revoked_signer,
    } = failure;
    reject(Reason::from_open(error, revoked_signer), kid, unverified)
}

/// The signed bytes of `input` (its text decoded once), and whether they are to be read as
/// version 2 ([`Input::is_v2`]: a text by its prefix, bytes by what they are).
fn license_bytes(input: Input<'_>) -> Result<(std::borrow::Cow<'_, [u8]>, bool), TransportError> {
    let (bytes, form) = input.signed_bytes()?;
    let v2 = match form {
        Some(form) => form.version == TextVersion::V2,
        None => bytes_are_v2(&bytes),
    };
    Ok((bytes, v2))
}

/// A version-2 license or presentation (`docs/FORMAT.md` §11–§12): the wire form unwrapped and
/// the signed payload rebuilt ([`Wire::parse`]), the one envelope path from the content type to
/// the signature, the disclosures checked against the signed digests (issuer: the signing key's
/// department), then the same checks as version 1. A rejected version-2 license carries no
/// unverified content (its issuer is known only from a verified signature).
fn verify_v2(bytes: &[u8], trust: &TrustStore, now: OffsetDateTime) -> Verdict {
    let wire = match Wire::parse(bytes) {
        Ok(w) => w,
        Err(e) => return reject(Reason::License(e), None, None),
    };
    let fail = |f: Failure<LicenseV2, TrustedKey>| {
        reject(Reason::from_open(f.error, f.revoked_signer), f.kid, None)
    };
    let sealed = match Sealed::<LicenseV2>::from_cose(wire.cose) {
        Ok(s) => s,
        Err(f) => return fail(f),
    };
    let opened = match sealed.open(trust, None) {
        Ok(o) => o,
        Err(f) => return fail(f),
    };
    let kid = opened.kid;
    let signer = opened.signer;
    match opened
        .payload
        .disclose(&wire.disclosures, (&signer.org_code, &signer.name))
    {
        Ok(license) => judge(license, signer, kid, trust, now),
        Err(e) => reject(Reason::License(e), Some(kid), None),
    }
}

/// The steps of [`verify`] from the signature on. `verified_by`, when given, is a key already
/// known to verify the signature, and the only trusted key with the document's kid.
fn finish(
    sealed: Sealed<License>,
    trust: &TrustStore,
    now: OffsetDateTime,
    verified_by: Option<&TrustedKey>,
) -> Verdict {
    let opened = match sealed.open(trust, verified_by) {
        Ok(o) => o,
        Err(failure) => return rejected(failure),
    };
    judge(opened.payload, opened.signer, opened.kid, trust, now)
}

/// The checks after the signature, for a license of either version: the signer's certificate,
/// the type name, the dates, the status lists.
fn judge(
    license: License,
    signer: &TrustedKey,
    kid: Kid,
    trust: &TrustStore,
    now: OffsetDateTime,
) -> Verdict {
    let opened_kid = kid;
    let kid = Some(kid);
    let signer = match resolve_certificate(&license, signer, trust.candidates(opened_kid)) {
        Ok(signer) => signer,
        Err(reason) => return reject(reason, kid, Some(license)),
    };
    if let Err(reason) = check_type_name(&license) {
        return reject(reason, kid, Some(license));
    }
    let latest_today = license_day(saturating_add(now, MAX_CLOCK_SKEW));
    if license.issued_on > latest_today {
        let reason = Reason::IssuedInFuture {
            issued_on: license.issued_on,
            today: license_day(now),
        };
        return reject(reason, kid, Some(license));
    }
    // The status list that applies: the one for the signer's department from the signer's own
    // root. A revoked license is invalid whatever the list's age.
    let revocation = match (license.status_index, trust.status_list_for(signer)) {
        (None, _) => Revocation::NotApplicable,
        (Some(_), None) => Revocation::Unknown { list: None },
        (Some(index), Some(list)) => match list.is_revoked(index) {
            Some(true) => {
                let reason = Reason::Revoked {
                    index,
                    list_sequence: list.sequence,
                };
                return reject(reason, kid, Some(license));
            }
            Some(false) => Revocation::by(ListDates::from(list), now),
            // The list is older than the license: it says nothing about it.
            None => Revocation::Unknown { list: None },
        },
    };
    let certificate_status = match trust.trust_list_dates(signer) {
        Some(dates) => Revocation::by(dates, now),
        None if signer.certificate.is_some() => Revocation::Unknown { list: None },
        None => Revocation::NotApplicable,
    };
    let validity = license.validity;
    // `None`: past the last representable date, when every license with an end has expired.
    let earliest_today = checked_license_day(saturating_add(now, -MAX_CLOCK_SKEW));
    if latest_today < validity.from() {
        let reason = Reason::NotYetValid {
            from: validity.from(),
            today: license_day(now),
        };
        return reject(reason, kid, Some(license));
    }
    if let Some(until) = validity
        .last_day()
        .filter(|&until| earliest_today.is_none_or(|today| until < today))
    {
        let reason = Reason::Expired {
            until,
            today: license_day(now),
        };
        return reject(reason, kid, Some(license));
    }
    Verdict::Valid(Box::new(Verified {
        license,
        signer: signer.clone(),
        trust: signer.origin,
        revocation,
        certificate_status,
        checked_at: now,
    }))
}

/// Documents verified together by one batch equation in [`verify_many`].
const BATCH_CHUNK: usize = 256;

/// Verify many licenses at once: the same verdicts as calling [`verify`] on each input in turn,
/// in the same order, with the signatures checked together by their suites' batch verification
/// ([`crate::Suite::verify_batch`], grouped by suite; for Ed25519, ed25519-dalek's deterministic
/// `verify_batch`).
///
/// Each input is opened up to its signature as [`verify`] does. The signatures of the documents
/// that can take the batch path are checked in chunks of 256; when a chunk's batch equation
/// fails, each document in it is verified on its own, so a bad signature costs its chunk the
/// batch saving but never changes a verdict. A document takes the batch path only when exactly
/// one trusted key has its kid, of the suite the document names, and the suite accepts that key
/// and the signature for batching ([`crate::Suite::key_batchable`],
/// [`crate::Suite::signature_batchable`]); every other document is verified on its own. See `docs/BENCHMARKS.md` for the one difference the batch equation cannot see.
pub fn verify_many(inputs: &[Input<'_>], trust: &TrustStore, now: OffsetDateTime) -> Vec<Verdict> {
    enum Slot<'t> {
        Done(Verdict),
        Single(Sealed<License>),
        Batch(Sealed<License>, &'t TrustedKey),
    }
    let batchable = |sealed: &Sealed<License>, key: &TrustedKey| {
        let cose = sealed.cose();
        cose.algorithm() == key.key.alg()
            && key.key.batchable()
            && key.key.signature_batchable(cose.signature())
    };
    let mut slots: Vec<Slot<'_>> = inputs
        .iter()
        .map(|input| {
            let (bytes, v2) = match license_bytes(*input) {
                Ok(b) => b,
                Err(e) => return Slot::Done(reject(Reason::Transport(e), None, None)),
            };
            if v2 {
                return Slot::Done(verify_v2(&bytes, trust, now));
            }
            match unseal::<License, TrustedKey>(Input::Bytes(&bytes)) {
                Err(failure) => Slot::Done(rejected(failure)),
                Ok(sealed) => match trust.candidates(sealed.cose().kid()) {
                    [key] if batchable(&sealed, key) => Slot::Batch(sealed, key),
                    _ => Slot::Single(sealed),
                },
            }
        })
        .collect();
    let batched: Vec<usize> = (0..slots.len())
        .filter(|&i| matches!(slots[i], Slot::Batch(..)))
        .collect();
    for chunk in batched.chunks(BATCH_CHUNK) {
        let all_good = {
            let mut messages = Vec::with_capacity(chunk.len());
            for &i in chunk {
                if let Slot::Batch(sealed, key) = &slots[i] {
                    let cose = sealed.cose();
                    messages.push((cose.to_be_signed(), cose.signature(), &key.key));
                }
            }
            let items: Vec<(&[u8], &[u8], &PublicKey)> = messages
                .iter()
                .map(|(m, s, k)| (m.as_slice(), *s, *k))
                .collect();
            suite_verify_batch(&items)
        };
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

/// What can be read from a license without verifying it (for support staff): everything here is
/// **unverified**.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The transport form, when the input was text.
    pub form: Option<Form>,
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
    if input.is_v2() {
        return inspect_v2(input);
    }
    let Read {
        cose,
        form,
        signed_len,
    } = read(input, MAX_SIGNED_LEN).map_err(|e| match e {
        ReadError::Transport(e) => Reason::Transport(e),
        ReadError::Cose(e) => Reason::Cose(e),
    })?;
    Ok(Inspection {
        form,
        signed_len,
        kid: cose.kid(),
        content_type: cose.content_type(),
        payload_len: cose.payload().len(),
        license: License::from_cbor(cose.payload()),
    })
}

/// [`inspect`] of a version-2 license or presentation: the wire form is unwrapped as
/// [`verify`] does (failing for the same reasons), but the license itself is not given, since
/// its issuer is known only from a verified signature ([`V2Problem::IssuerFromSigner`]).
fn inspect_v2(input: Input<'_>) -> Result<Inspection, Reason> {
    let (bytes, form) = input.signed_bytes().map_err(Reason::Transport)?;
    let wire = Wire::parse(&bytes).map_err(Reason::License)?;
    let cose = wire.cose;
    Ok(Inspection {
        form,
        signed_len: bytes.len(),
        kid: cose.kid(),
        content_type: cose.content_type(),
        payload_len: cose.payload().len(),
        license: LicenseV2::from_cbor(cose.payload())
            .and(Err(LicenseError::V2(V2Problem::IssuerFromSigner))),
    })
}

/// The entry of the signing key to judge the license by. A key renewed with several
/// certificates (one key, several department certificates in the trust lists) is in the store
/// once per certificate, and every entry verifies the signature alike: the first entry of that
/// key that passes every check of the signer ([`check_signer`]: issuer, permitted type,
/// validity on the issue date) is taken, not merely the first found. When none passes, the
/// reason is that of `first`, the entry the signature was verified with.
fn resolve_certificate<'k>(
    license: &License,
    first: &'k TrustedKey,
    candidates: &'k [TrustedKey],
) -> Result<&'k TrustedKey, Reason> {
    let first_failure = match check_signer(license, first) {
        Ok(()) => return Ok(first),
        Err(reason) => reason,
    };
    candidates
        .iter()
        .filter(|k| k.key == first.key)
        .find(|k| check_signer(license, k).is_ok())
        .ok_or(first_failure)
}

/// The checks that bind a license to the key that signed it: the issuer named in the license is
/// the key's department, and the key's certificate permits the license type and was valid on the
/// license's issue date.
fn check_signer(license: &License, signer: &TrustedKey) -> Result<(), Reason> {
    check_binding(
        license.issuer_code(),
        license.type_code(),
        license.issued_on,
        signer,
    )
}

/// The license's type name is the built-in template's name for its type code, when a built-in
/// template has that code: the certificate permits type *codes*, and a name that disagrees would
/// let a department certified for one type present its license as another. A type code without
/// a built-in template keeps the name its issuer gave (views mark it as stated by the issuer).
pub(crate) fn check_type_name(license: &License) -> Result<(), Reason> {
    match LicenseTemplate::builtin_ref(license.type_code().as_str()) {
        Some(t) if t.type_name != license.type_name => Err(Reason::TypeMismatch {
            type_code: license.type_code().clone(),
            stated: license.type_name.clone(),
            expected: t.type_name.clone(),
        }),
        _ => Ok(()),
    }
}

/// [`check_signer`] for a license not yet signed (issuance checks its certificate with it).
pub(crate) fn check_binding(
    issuer: &OrgCode,
    type_code: &LicenseTypeCode,
    issued_on: Date,
    signer: &TrustedKey,
) -> Result<(), Reason> {
    if issuer != &signer.org_code {
        return Err(Reason::IssuerNotSigner {
            license_issuer: issuer.clone(),
            signer: signer.org_code.clone(),
        });
    }
    let Some((cert, _root)) = &signer.certificate else {
        return Ok(());
    };
    if !cert.license_types().contains(type_code) {
        return Err(Reason::TypeNotPermitted {
            type_code: type_code.clone(),
            department: signer.name.clone(),
        });
    }
    certificate_covers(signer, issued_on)
}

/// Whether the signer's certificate (if any) was valid on `day` (calendar days, UTC+8).
pub(crate) fn certificate_covers(signer: &TrustedKey, day: Date) -> Result<(), Reason> {
    let Some((cert, _root)) = &signer.certificate else {
        return Ok(());
    };
    // A certificate starting after the last representable date covers no day; one ending then
    // covers every day up to it.
    let certificate_from = checked_license_day(cert.not_before());
    let certificate_until = license_day(cert.not_after());
    if certificate_from.is_none_or(|from| day < from) {
        return Err(Reason::IssuedBeforeCertificate {
            issued_on: day,
            certificate_from: certificate_from.unwrap_or(Date::MAX),
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
    //! The signature-suite seam, end to end: licenses signed with the tests-only second suite
    //! (`suite/second.rs`) verify through the same path as Ed25519 ones, and a key of one suite
    //! never verifies a signature of the other.
    use ed25519_dalek::SigningKey;
    use time::macros::{date, datetime};

    use super::*;
    use crate::encoding::transport::{self, Compression, Encoding};
    use crate::model::identifier::{LicenseId, OrgCode};
    use crate::model::license::{Holder, HolderId, Validity};
    use crate::suite::second::SecondKey;
    use crate::suite::{Ed25519, Signer, Suite};

    fn license(sequence: u64) -> License {
        let department = OrgCode::with_check("11350100M000100Y4").unwrap();
        License {
            id: LicenseId::new("YYZZ".parse().unwrap(), department, sequence).unwrap(),
            type_name: "营业执照".into(),
            issuer_name: "福州市市场监督管理局".into(),
            holder: Holder {
                name: "福州示例科技有限公司".into(),
                id: HolderId::Organisation(OrgCode::with_check("91350100MA0000001").unwrap()),
            },
            issued_on: date!(2024 - 03 - 01),
            validity: Validity::perpetual(date!(2024 - 03 - 01)),
            fields: vec![],
            attachments: vec![],
            status_index: None,
            not_shown: vec![],
        }
    }

    const NOW: OffsetDateTime = datetime!(2025-01-01 12:00 UTC);

    #[test]
    fn a_second_suite_signs_and_verifies_through_the_one_path() {
        let second = SecondKey(SigningKey::from_bytes(&[5; 32]));
        let ed25519 = SigningKey::from_bytes(&[6; 32]);
        let department = license(1).issuer_code().clone();
        let mut trust = TrustStore::new();
        trust
            .add(
                second.public_key(),
                department.clone(),
                "福州市市场监督管理局",
            )
            .unwrap();
        trust
            .add(ed25519.verifying_key(), department, "福州市市场监督管理局")
            .unwrap();

        let by_second = license(1).sign(&second).unwrap();
        let by_ed25519 = license(2).sign(&ed25519).unwrap();
        let cose = crate::encoding::cose::CoseSign1::parse(&by_second).unwrap();
        assert_eq!(cose.algorithm(), crate::suite::second::Second::ALG);
        let cose = crate::encoding::cose::CoseSign1::parse(&by_ed25519).unwrap();
        assert_eq!(cose.algorithm(), Ed25519::ALG, "each names its own suite");

        let text = transport::encode(&by_second, Encoding::Base45, Compression::Auto);
        for input in [Input::Bytes(&by_second), Input::Text(&text)] {
            assert!(verify(input, &trust, NOW).is_valid(), "{input:?}");
        }
        // Batch verification groups by suite and gives the one-by-one verdicts.
        let inputs = [Input::Bytes(&by_second), Input::Bytes(&by_ed25519)];
        let many = verify_many(&inputs, &trust, NOW);
        assert!(many.iter().all(Verdict::is_valid), "{many:?}");
    }

    #[test]
    fn a_key_of_one_suite_never_verifies_the_other_suites_signature() {
        // The same secret seed in both suites: the same raw public key, so the same kid.
        let seed = [7; 32];
        let second = SecondKey(SigningKey::from_bytes(&seed));
        let ed25519 = SigningKey::from_bytes(&seed);
        assert_eq!(
            second.public_key().bytes(),
            ed25519.verifying_key().as_bytes()
        );
        let department = license(1).issuer_code().clone();

        let mut only_second = TrustStore::new();
        only_second
            .add(
                second.public_key(),
                department.clone(),
                "福州市市场监督管理局",
            )
            .unwrap();
        let mut only_ed25519 = TrustStore::new();
        only_ed25519
            .add(ed25519.verifying_key(), department, "福州市市场监督管理局")
            .unwrap();

        let by_ed25519 = license(1).sign(&ed25519).unwrap();
        let by_second = license(1).sign(&second).unwrap();
        for (signed, trust) in [(&by_ed25519, &only_second), (&by_second, &only_ed25519)] {
            let one = verify(Input::Bytes(signed), trust, NOW);
            let many = verify_many(&[Input::Bytes(signed)], trust, NOW);
            for verdict in [one, many.into_iter().next().unwrap()] {
                match verdict {
                    Verdict::Invalid(bad) => assert_eq!(bad.reason, Reason::BadSignature),
                    other => panic!("expected a bad signature, got {other:?}"),
                }
            }
        }
    }
}

//! Checking files: a file against the attachments a license lists, and against a signed
//! attestation.

use time::OffsetDateTime;

use super::envelope::{open, Input};
use super::license::certificate_covers;
use super::reason::Reason;
use super::trust::{TrustStore, TrustedKey, MAX_CLOCK_SKEW};
use crate::documents::attestation::Attestation;
use crate::model::digest::FileDigest;
use crate::model::license::AttachmentRef;
use crate::model::time::{license_day, saturating_add};

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
#[non_exhaustive]
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

/// The outcome of checking a file against an attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttachmentVerdict {
    /// The file is exactly the attested one, and the attestation is genuine and trusted.
    Matches {
        /// The attestation.
        attestation: Box<Attestation>,
        /// Who signed it.
        signer: Box<TrustedKey>,
    },
    /// The attestation is genuine and trusted, but the file is not the attested one.
    Mismatch {
        /// The attestation.
        attestation: Box<Attestation>,
        /// Who signed it.
        signer: Box<TrustedKey>,
        /// The file at hand.
        actual: FileDigest,
    },
    /// The attestation itself is not acceptable (bad signature, untrusted or revoked signer,
    /// malformed).
    Invalid(Reason),
}

/// Check `file` against an attestation (the detached file's bytes or a stamp's text) at `now`:
/// the attestation is opened through the one envelope path ([`crate::open`]), then its signer's
/// certificate must cover the attestation day, and the attestation must not lie in the future.
pub fn verify_attachment(
    file: &FileDigest,
    attestation: Input<'_>,
    trust: &TrustStore,
    now: OffsetDateTime,
) -> AttachmentVerdict {
    let opened = match open::<Attestation, _>(attestation, trust) {
        Ok(o) => o,
        Err(f) => return AttachmentVerdict::Invalid(Reason::from_open(f.error, f.revoked_signer)),
    };
    let (att, first) = (opened.payload, opened.signer);
    // A key renewed with several certificates: the first of its entries whose certificate
    // covers the attestation day (as for licenses, `resolve_certificate`).
    let day = license_day(att.attested_at);
    let signer = match certificate_covers(first, day) {
        Ok(()) => first,
        Err(reason) => match trust
            .candidates(opened.kid)
            .iter()
            .filter(|k| k.key == first.key)
            .find(|k| certificate_covers(k, day).is_ok())
        {
            Some(k) => k,
            None => return AttachmentVerdict::Invalid(reason),
        },
    };
    if att.attested_at > saturating_add(now, MAX_CLOCK_SKEW) {
        return AttachmentVerdict::Invalid(Reason::AttestedInFuture {
            attested_at: att.attested_at,
            now,
        });
    }
    let (attestation, signer) = (Box::new(att), Box::new(signer.clone()));
    if attestation.file == *file {
        AttachmentVerdict::Matches {
            attestation,
            signer,
        }
    } else {
        AttachmentVerdict::Mismatch {
            attestation,
            signer,
            actual: *file,
        }
    }
}

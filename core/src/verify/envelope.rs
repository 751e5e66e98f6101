//! Opening any signed document: the one path from transport text or bytes to a verified, typed
//! payload and the key that signed it.
//!
//! ```text
//! Input ──► transport text ──► COSE_Sign1 ──► content type ──► payload (unverified) ──► signer ──► Opened<P>
//!           (EL1 text only)    (P's size       (P's)           (P::decode)             (KeyRing,
//!                               limit)                                                  strict suite)
//! ```
//!
//! [`open`] runs every step; [`unseal`] stops before the signature, so that batch verification
//! can check many signatures at once and then finish each document with [`Sealed::open`]. The
//! steps and their order are `docs/FORMAT.md` §7, steps 1 to 8, for every kind of document.

use std::borrow::Cow;

use thiserror::Error;

use crate::encoding::cose::{ContentType, CoseError, CoseSign1, Kid, Payload};
use crate::encoding::transport::{self, Form, TransportError};
use crate::model::license_v2::Wire;
use crate::suite::PublicKey;

/// What to open or verify.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
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
        // The largest signed document of any kind (trust lists); texts are bounded by the
        // transport's own limit.
        let max = crate::limits::MAX_TRUST_LIST_LEN.max(crate::limits::MAX_STATUS_LIST_LEN);
        if self.is_v2() {
            let (bytes, _) = self.signed_bytes().ok()?;
            return Wire::parse(&bytes).ok().map(|w| w.cose.content_type());
        }
        read(*self, max).ok().map(|r| r.cose.content_type())
    }

    /// Whether this is to be read as a version-2 license or presentation (`docs/FORMAT.md`
    /// §11.7): a text by its prefix (`EL2`), bytes by what they are (a `[protected, body,
    /// signature]` array or a COSE_Sign1 of content type [`ContentType::LicenseV2`]). A text
    /// whose prefix and bytes disagree is therefore refused.
    pub fn is_v2(&self) -> bool {
        match self {
            Input::Text(t) => transport::names_v2(t),
            Input::Bytes(b) => bytes_are_v2(b),
        }
    }

    /// The COSE_Sign1 bytes, and the transport form when the input was text.
    pub(crate) fn signed_bytes(self) -> Result<(Cow<'a, [u8]>, Option<Form>), TransportError> {
        match self {
            Input::Bytes(b) => Ok((Cow::Borrowed(b), None)),
            Input::Text(t) => {
                let d = transport::decode(t)?;
                Ok((Cow::Owned(d.signed), Some(d.form)))
            }
        }
    }
}

/// Whether signed bytes are a version-2 license or presentation (see [`Input::is_v2`]).
pub(crate) fn bytes_are_v2(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x83)
        || CoseSign1::parse(bytes).is_ok_and(|c| c.content_type() == ContentType::LicenseV2)
}

/// An envelope read from an input, not yet checked against any expectation.
#[derive(Debug, Clone)]
pub(crate) struct Read {
    /// The parsed envelope.
    pub cose: CoseSign1,
    /// The transport form, when the input was text.
    pub form: Option<Form>,
    /// Size of the signed document in bytes.
    pub signed_len: usize,
}

/// Steps 1 to 5 for any kind: the transport text and the COSE_Sign1 structure and headers, with
/// a size limit of `max` bytes.
pub(crate) fn read(input: Input<'_>, max: usize) -> Result<Read, ReadError> {
    let (signed, form) = input.signed_bytes()?;
    let cose = CoseSign1::parse_with_limit(&signed, max)?;
    Ok(Read {
        cose,
        form,
        signed_len: signed.len(),
    })
}

/// Keys that may have signed a document, found by key identifier. Identifiers are short, so
/// several keys may share one; each is tried.
pub trait KeyRing {
    /// What the ring holds for each key (the key and what it is trusted for).
    type Key: Clone;
    /// The public key of an entry.
    fn public_key(key: &Self::Key) -> &PublicKey;
    /// Trusted keys with identifier `kid`.
    fn active(&self, kid: Kid) -> &[Self::Key];
    /// Keys with identifier `kid` that were trusted once and are now revoked, so that a document
    /// they signed is reported as such rather than as forged.
    fn revoked(&self, _kid: Kid) -> &[Self::Key] {
        &[]
    }
}

/// Why a signed document could not be opened. `E` is the payload's own error type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OpenError<E> {
    /// The text could not be decoded.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// The envelope is malformed, or of another kind of document.
    #[error("{0}")]
    Cose(#[from] CoseError),
    /// No key with this identifier is known.
    #[error("signed by an unknown key {0}")]
    UnknownSigner(Kid),
    /// Only a revoked key verifies the signature (its entry is [`Failure::revoked_signer`]).
    #[error("signed by key {0}, which has been revoked")]
    SignerRevoked(Kid),
    /// No known key with the identifier verifies the signature.
    #[error("the signature does not verify with any key {0}: the document was altered or forged")]
    BadSignature(Kid),
    /// The signature is good but the payload is malformed.
    #[error("{0}")]
    Payload(E),
}

/// Why an envelope could not be read (before any key is looked at).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The text could not be decoded.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// The envelope is malformed.
    #[error("{0}")]
    Cose(#[from] CoseError),
}

impl<E> From<ReadError> for OpenError<E> {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Transport(t) => OpenError::Transport(t),
            ReadError::Cose(c) => OpenError::Cose(c),
        }
    }
}

/// A document opened up to its signature: the envelope checked to be of kind `P`, and its payload
/// decoded (unverified: show it only marked as such).
#[derive(Debug, Clone)]
pub struct Sealed<P: Payload> {
    cose: CoseSign1,
    payload: Result<P, P::Error>,
}

/// Why opening failed, with what could be read before the failure.
#[derive(Debug, Clone)]
pub struct Failure<P: Payload, K> {
    /// What went wrong.
    pub error: OpenError<P::Error>,
    /// The signer's key identifier, when the envelope could be read.
    pub kid: Option<Kid>,
    /// The payload, when it could be decoded. It is **not** trustworthy.
    pub unverified: Option<P>,
    /// The revoked key that verifies the signature, for [`OpenError::SignerRevoked`].
    pub revoked_signer: Option<K>,
}

/// A verified document: its typed payload and the key that signed it.
#[derive(Debug, Clone)]
pub struct Opened<'k, P, K> {
    /// The payload.
    pub payload: P,
    /// The key that signed it.
    pub signer: &'k K,
    /// The signer's key identifier.
    pub kid: Kid,
    /// The envelope, with the payload bytes as received (digests are taken over these, never
    /// over a re-encoding).
    pub cose: CoseSign1,
}

impl<P: Payload> Sealed<P> {
    /// A document of kind `P` from an envelope already parsed (a version-2 license's, rebuilt by
    /// [`Wire::parse`]): the content type checked and the payload decoded, unverified.
    pub fn from_cose<K>(cose: CoseSign1) -> Result<Sealed<P>, Failure<P, K>> {
        if let Err(e) = cose.expect_content_type(P::CONTENT_TYPE) {
            return Err(Failure {
                error: e.into(),
                kid: Some(cose.kid()),
                unverified: None,
                revoked_signer: None,
            });
        }
        let payload = P::decode(cose.payload());
        Ok(Sealed { cose, payload })
    }
}

/// Steps 1 to 5 and the payload: read `input` as a document of kind `P` without checking its
/// signature.
pub fn unseal<P: Payload, K>(input: Input<'_>) -> Result<Sealed<P>, Failure<P, K>> {
    let fail = |error: OpenError<P::Error>, kid: Option<Kid>| Failure {
        error,
        kid,
        unverified: None,
        revoked_signer: None,
    };
    let read = read(input, P::MAX_SIGNED_LEN).map_err(|e| fail(e.into(), None))?;
    let cose = read.cose;
    if let Err(e) = cose.expect_content_type(P::CONTENT_TYPE) {
        return Err(fail(e.into(), Some(cose.kid())));
    }
    let payload = P::decode(cose.payload());
    Ok(Sealed { cose, payload })
}

impl<P: Payload> Sealed<P> {
    /// The envelope.
    pub fn cose(&self) -> &CoseSign1 {
        &self.cose
    }

    /// The payload decoded without any check of the signature.
    pub fn unverified(&self) -> Result<&P, &P::Error> {
        self.payload.as_ref()
    }

    /// Steps 6 to 8: find the key in `ring` that verifies the signature (or use `verified_by`, a
    /// key already known to verify it), then take the payload.
    pub fn open<'k, R: KeyRing>(
        self,
        ring: &'k R,
        verified_by: Option<&'k R::Key>,
    ) -> Result<Opened<'k, P, R::Key>, Failure<P, R::Key>> {
        let kid = self.cose.kid();
        let signer = match verified_by.map_or_else(|| resolve_signer(&self.cose, ring), Ok) {
            Ok(k) => k,
            Err((error, revoked_signer)) => {
                return Err(Failure {
                    error,
                    kid: Some(kid),
                    unverified: self.payload.ok(),
                    revoked_signer,
                })
            }
        };
        match self.payload {
            Ok(payload) => Ok(Opened {
                payload,
                signer,
                kid,
                cose: self.cose,
            }),
            Err(e) => Err(Failure {
                error: OpenError::Payload(e),
                kid: Some(kid),
                unverified: None,
                revoked_signer: None,
            }),
        }
    }
}

/// The key in `ring` whose signature `cose` carries: tries every trusted key with the document's
/// kid; when none verifies, says whether a revoked key does, no key is known, or the signature is
/// bad.
#[allow(clippy::type_complexity)]
fn resolve_signer<'k, R: KeyRing, E>(
    cose: &CoseSign1,
    ring: &'k R,
) -> Result<&'k R::Key, (OpenError<E>, Option<R::Key>)> {
    let kid = cose.kid();
    let active = ring.active(kid);
    if let Some(k) = active
        .iter()
        .find(|k| cose.verify(R::public_key(k)).is_ok())
    {
        return Ok(k);
    }
    let revoked = ring.revoked(kid);
    Err(
        match revoked
            .iter()
            .find(|k| cose.verify(R::public_key(k)).is_ok())
        {
            Some(k) => (OpenError::SignerRevoked(kid), Some(k.clone())),
            None if active.is_empty() && revoked.is_empty() => {
                (OpenError::UnknownSigner(kid), None)
            }
            None => (OpenError::BadSignature(kid), None),
        },
    )
}

/// Open `input` as a document of kind `P` signed by a key of `ring`: the transport text, the
/// envelope and its headers, the content type, the signer and its strict signature, and the
/// payload, in that order (`docs/FORMAT.md` §7). Never panics.
pub fn open<'k, P: Payload, R: KeyRing>(
    input: Input<'_>,
    ring: &'k R,
) -> Result<Opened<'k, P, R::Key>, Failure<P, R::Key>> {
    unseal(input)?.open(ring, None)
}

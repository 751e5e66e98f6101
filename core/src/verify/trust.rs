//! Whose signatures a verifier accepts (`docs/TRUST.md`).
//!
//! A [`TrustStore`] holds the keys of issuing departments. They arrive in one of two ways:
//!
//! - **Trust lists** (the normal way across regions): the verifier trusts one or more root
//!   authorities ([`TrustStore::add_root`]); each root publishes a signed [`TrustList`] of the
//!   department certificates it vouches for ([`TrustStore::load_trust_list`]). A department
//!   certificate binds a key to a department's organisation code and to the license types it may
//!   sign, for a validity period.
//! - **Direct keys** ([`TrustStore::add`]): a bare key trusted for one department and any license
//!   type, for tests and closed deployments.
//!
//! Departments publish signed [`StatusList`]s of revoked licenses
//! ([`TrustStore::load_status_list`]); roots revoke department certificates in their trust lists.
//!
//! Key identifiers are short (8 bytes), so two keys may share one; the store keeps every key under
//! its identifier and verification tries each, so a collision can never make a genuine license
//! fail or a forged one pass.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};
use thiserror::Error;
use time::{Duration, OffsetDateTime};

use super::envelope::{open, Failure, Input, KeyRing, OpenError};
use crate::documents::cert::{CertError, Certificate, DepartmentProblem};
use crate::documents::status_list::{StatusList, StatusListError};
use crate::documents::trust_list::{TrustList, TrustListError};
use crate::encoding::cose::{CoseError, Kid, Payload};
use crate::encoding::transport::TransportError;
use crate::limits::MAX_TEXT_BYTES;
use crate::model::identifier::OrgCode;
use crate::model::text::{check_text, TextError};
use crate::model::time::saturating_add;
use crate::suite::{Ed25519, Suite, SuiteError};

/// How far a verifier's clock may be ahead of or behind the signer's: trust and status lists
/// issued up to this far in the future are accepted, and license validity days are extended by it
/// on both ends.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);

/// Why a key, certificate or list cannot be added to a trust store.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TrustError {
    /// The key is weak or non-canonical.
    #[error("{0}")]
    BadKey(SuiteError),
    /// The same key is already trusted.
    #[error("key {0} is already in the trust store")]
    DuplicateKey(Kid),
    /// The department name is not acceptable text.
    #[error("department name: {0}")]
    BadName(TextError),
    /// A certificate is not acceptable.
    #[error("{0}")]
    Certificate(#[from] CertError),
    /// A certificate in a trust list is not acceptable.
    #[error("certificate {index} in the trust list: {source}")]
    ListedCertificate {
        /// 0-based position in the list.
        index: usize,
        /// What is wrong with it.
        source: CertError,
    },
    /// The list is text that cannot be decoded (lists travel as COSE_Sign1 bytes).
    #[error("{0}")]
    Transport(TransportError),
    /// The signed list's envelope is malformed.
    #[error("{0}")]
    Cose(CoseError),
    /// The trust list's content is malformed.
    #[error("malformed trust list: {0}")]
    TrustList(#[from] TrustListError),
    /// The status list's content is malformed, or a status index is outside it.
    #[error("malformed status list: {0}")]
    StatusList(#[from] StatusListError),
    /// The trust list is signed by a root this store does not trust.
    #[error("the trust list is signed by key {0}, which is not a trusted root")]
    UnknownRoot(Kid),
    /// The status list is signed by a key this store does not trust.
    #[error("the status list is signed by key {0}, which is not a trusted department key")]
    UnknownSigner(Kid),
    /// The list's signature does not verify.
    #[error("the list's signature does not verify: it was altered or not signed by {0}")]
    BadSignature(String),
    /// A status list names a different department than the key that signed it.
    #[error("the status list is for {list} but signed by the key of {signer}")]
    IssuerMismatch {
        /// Department named in the list.
        list: OrgCode,
        /// Department of the signing key.
        signer: OrgCode,
    },
    /// Older than the list already held.
    #[error("stale list: sequence number {found} is older than {held}, which is already loaded")]
    Stale {
        /// Sequence number already loaded.
        held: u64,
        /// Sequence number of the rejected list.
        found: u64,
    },
    /// Same sequence number as the list held, but different content.
    #[error("conflicting list: sequence number {0} is already loaded with different content")]
    Conflict(u64),
    /// Issued in the future (beyond [`MAX_CLOCK_SKEW`]).
    #[error("the list is issued at {issued_at}, in the future (now is {now})")]
    FromTheFuture {
        /// The list's issue time.
        issued_at: OffsetDateTime,
        /// The verifier's time.
        now: OffsetDateTime,
    },
}

impl TrustError {
    /// A stable machine-readable code (for JSON output and test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::BadKey(_) => "bad_key",
            TrustError::DuplicateKey(_) => "duplicate_key",
            TrustError::BadName(_) => "bad_name",
            TrustError::Certificate(_) => "bad_certificate",
            TrustError::ListedCertificate { .. } => "bad_listed_certificate",
            TrustError::Transport(_) => "bad_text",
            TrustError::Cose(_) => "bad_cose",
            TrustError::TrustList(e) => e.code(),
            TrustError::StatusList(e) => e.code(),
            TrustError::UnknownRoot(_) => "unknown_root",
            TrustError::UnknownSigner(_) => "unknown_signer",
            TrustError::BadSignature(_) => "bad_signature",
            TrustError::IssuerMismatch { .. } => "issuer_mismatch",
            TrustError::Stale { .. } => "stale",
            TrustError::Conflict(_) => "conflict",
            TrustError::FromTheFuture { .. } => "from_the_future",
        }
    }
}

/// A public key trusted to sign licenses for one issuing department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// The department's organisation code; licenses it signs must name it as issuer.
    pub org_code: OrgCode,
    /// The department's name.
    pub name: String,
    /// The department certificate and the name of the root that vouches for it, when the key
    /// came from a trust list; `None` for a directly trusted key.
    pub certificate: Option<(Certificate, String)>,
}

impl TrustedKey {
    /// This key's identifier.
    pub fn kid(&self) -> Kid {
        Kid::of(&self.key)
    }
}

#[derive(Debug, Clone)]
struct Root {
    cert: Certificate,
    /// Sequence number and SHA-256 of the payload of the trust list loaded from this root.
    list: Option<(u64, [u8; 32])>,
}

/// What a loaded trust list contained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustListSummary {
    /// Root authority name.
    pub root: String,
    /// Sequence number.
    pub sequence: u64,
    /// Departments now trusted from it.
    pub departments: usize,
    /// Department certificates it revokes.
    pub revoked: usize,
    /// `false` when the very same list was already loaded.
    pub changed: bool,
}

/// The set of keys, roots and revocation lists a verifier trusts.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    keys: BTreeMap<Kid, Vec<TrustedKey>>,
    revoked: BTreeMap<Kid, Vec<TrustedKey>>,
    roots: BTreeMap<Kid, Root>,
    status: BTreeMap<OrgCode, StatusList>,
}

impl KeyRing for TrustStore {
    type Key = TrustedKey;

    fn public_key(key: &TrustedKey) -> &<Ed25519 as Suite>::PublicKey {
        &key.key
    }

    fn active(&self, kid: Kid) -> &[TrustedKey] {
        self.candidates(kid)
    }

    fn revoked(&self, kid: Kid) -> &[TrustedKey] {
        self.revoked_candidates(kid)
    }
}

/// The departments' keys that are trusted now, without the revoked ones: the signers a status
/// list is accepted from.
struct ActiveKeys<'a>(&'a TrustStore);

impl KeyRing for ActiveKeys<'_> {
    type Key = TrustedKey;

    fn public_key(key: &TrustedKey) -> &<Ed25519 as Suite>::PublicKey {
        &key.key
    }

    fn active(&self, kid: Kid) -> &[TrustedKey] {
        self.0.candidates(kid)
    }
}

/// The trusted roots: the signers a trust list is accepted from.
struct Roots<'a>(&'a BTreeMap<Kid, Root>);

impl KeyRing for Roots<'_> {
    type Key = Root;

    fn public_key(root: &Root) -> &<Ed25519 as Suite>::PublicKey {
        root.cert.key()
    }

    fn active(&self, kid: Kid) -> &[Root] {
        self.0.get(&kid).map(std::slice::from_ref).unwrap_or(&[])
    }
}

/// How many keys in `map` came from the trust list of `root`.
fn count_from_root(root: &str, map: &BTreeMap<Kid, Vec<TrustedKey>>) -> usize {
    map.values()
        .flatten()
        .filter(|k| matches!(&k.certificate, Some((_, r)) if r == root))
        .count()
}

fn check_not_future(issued_at: OffsetDateTime, now: OffsetDateTime) -> Result<(), TrustError> {
    if issued_at > saturating_add(now, MAX_CLOCK_SKEW) {
        return Err(TrustError::FromTheFuture { issued_at, now });
    }
    Ok(())
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trust `key` directly for the department `org_code` named `name`, for any license type.
    /// Returns the key's identifier.
    pub fn add(
        &mut self,
        key: VerifyingKey,
        org_code: OrgCode,
        name: impl Into<String>,
    ) -> Result<Kid, TrustError> {
        let key = Ed25519::public_key(key.as_bytes()).map_err(TrustError::BadKey)?;
        let name = name.into();
        check_text("department name", &name, MAX_TEXT_BYTES).map_err(TrustError::BadName)?;
        let kid = Kid::of(&key);
        let slot = self.keys.entry(kid).or_default();
        if slot.iter().any(|k| k.key == key) {
            return Err(TrustError::DuplicateKey(kid));
        }
        slot.push(TrustedKey {
            key,
            org_code,
            name,
            certificate: None,
        });
        Ok(kid)
    }

    /// Trust a root authority's certificate (DER or PEM): a self-signed CA with an Ed25519 key.
    pub fn add_root(&mut self, certificate: &[u8]) -> Result<Kid, TrustError> {
        let cert = Certificate::parse(certificate)?;
        cert.check_root()?;
        let kid = Kid::of(cert.key());
        self.roots.insert(kid, Root { cert, list: None });
        Ok(kid)
    }

    /// Load a root's signed trust list at time `now`. It must be signed by a trusted root, not be
    /// older than the list already loaded from that root, and every certificate in it must be a
    /// department certificate issued by that root. It replaces the root's previous list.
    pub fn load_trust_list(
        &mut self,
        signed: &[u8],
        now: OffsetDateTime,
    ) -> Result<TrustListSummary, TrustError> {
        let roots = Roots(&self.roots);
        let opened = open::<TrustList, _>(Input::Bytes(signed), &roots)
            .map_err(|f| self.list_failure(f, TrustError::TrustList))?;
        let (list, root_kid) = (opened.payload, opened.kid);
        let root = opened.signer;
        check_not_future(list.issued_at, now)?;
        let digest: [u8; 32] = Sha256::digest(opened.cose.payload()).into();
        let root_name = root.cert.name().to_owned();
        if let Some((held, held_digest)) = root.list {
            if list.sequence < held {
                return Err(TrustError::Stale {
                    held,
                    found: list.sequence,
                });
            }
            if list.sequence == held {
                if held_digest != digest {
                    return Err(TrustError::Conflict(held));
                }
                return Ok(TrustListSummary {
                    departments: count_from_root(&root_name, &self.keys),
                    revoked: count_from_root(&root_name, &self.revoked),
                    root: root_name,
                    sequence: held,
                    changed: false,
                });
            }
        }
        let certificates = list.checked_certificates(&root.cert).map_err(|e| match e {
            TrustListError::Certificate { index, source } => {
                TrustError::ListedCertificate { index, source }
            }
            other => TrustError::TrustList(other),
        })?;
        let mut active = vec![];
        let mut revoked = vec![];
        for (index, cert) in certificates.into_iter().enumerate() {
            // checked_certificates refused every certificate without an organisation code.
            let Some(org_code) = cert.org_code().cloned() else {
                let source = CertError::NotDepartment(DepartmentProblem::NoOrgCode);
                return Err(TrustError::ListedCertificate { index, source });
            };
            let entry = TrustedKey {
                key: *cert.key(),
                org_code,
                name: cert.name().to_owned(),
                certificate: Some((cert.clone(), root_name.clone())),
            };
            if list.revokes(&cert) {
                revoked.push(entry);
            } else {
                active.push(entry);
            }
        }
        if let Some(root) = self.roots.get_mut(&root_kid) {
            root.list = Some((list.sequence, digest));
        }
        for map in [&mut self.keys, &mut self.revoked] {
            for entries in map.values_mut() {
                entries.retain(|k| !matches!(&k.certificate, Some((_, r)) if *r == root_name));
            }
            map.retain(|_, v| !v.is_empty());
        }
        let summary = TrustListSummary {
            root: root_name,
            sequence: list.sequence,
            departments: active.len(),
            revoked: revoked.len(),
            changed: true,
        };
        for k in active {
            self.keys.entry(k.kid()).or_default().push(k);
        }
        for k in revoked {
            self.revoked.entry(k.kid()).or_default().push(k);
        }
        Ok(summary)
    }

    /// Load a department's signed revocation status list at time `now`. It must be signed by a
    /// trusted (not revoked) key of the department it names, and not be older than the list
    /// already loaded for that department.
    pub fn load_status_list(
        &mut self,
        signed: &[u8],
        now: OffsetDateTime,
    ) -> Result<&StatusList, TrustError> {
        let signers = ActiveKeys(self);
        let opened = open::<StatusList, _>(Input::Bytes(signed), &signers)
            .map_err(|f| self.list_failure(f, TrustError::StatusList))?;
        let (list, signer) = (opened.payload, opened.signer);
        if list.issuer != signer.org_code {
            return Err(TrustError::IssuerMismatch {
                list: list.issuer,
                signer: signer.org_code.clone(),
            });
        }
        check_not_future(list.issued_at, now)?;
        if let Some(held) = self.status.get(&list.issuer) {
            if list.sequence < held.sequence {
                return Err(TrustError::Stale {
                    held: held.sequence,
                    found: list.sequence,
                });
            }
            if list.sequence == held.sequence && *held != list {
                return Err(TrustError::Conflict(held.sequence));
            }
        }
        let issuer = list.issuer.clone();
        self.status.insert(issuer.clone(), list);
        Ok(&self.status[&issuer])
    }

    /// The error for a list that could not be opened: the signer is named when its signature
    /// fails.
    fn list_failure<P: Payload, K>(
        &self,
        failure: Failure<P, K>,
        payload: impl FnOnce(P::Error) -> TrustError,
    ) -> TrustError {
        let is_trust_list = P::CONTENT_TYPE == TrustList::CONTENT_TYPE;
        match failure.error {
            OpenError::Transport(e) => TrustError::Transport(e),
            OpenError::Cose(e) => TrustError::Cose(e),
            OpenError::UnknownSigner(kid) if is_trust_list => TrustError::UnknownRoot(kid),
            OpenError::UnknownSigner(kid) | OpenError::SignerRevoked(kid) => {
                TrustError::UnknownSigner(kid)
            }
            OpenError::BadSignature(kid) => {
                let name = match self.roots.get(&kid) {
                    Some(root) if is_trust_list => root.cert.name(),
                    _ => self.candidates(kid).first().map_or("", |k| k.name.as_str()),
                };
                TrustError::BadSignature(name.to_owned())
            }
            OpenError::Payload(e) => payload(e),
        }
    }

    /// Every trusted (not revoked) key with identifier `kid` (usually none or one).
    pub fn candidates(&self, kid: Kid) -> &[TrustedKey] {
        self.keys.get(&kid).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Keys with identifier `kid` whose certificates a trust list revoked.
    pub fn revoked_candidates(&self, kid: Kid) -> &[TrustedKey] {
        self.revoked.get(&kid).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The status list loaded for a department, if any.
    pub fn status_list(&self, department: &OrgCode) -> Option<&StatusList> {
        self.status.get(department)
    }

    /// Number of trusted (not revoked) keys.
    pub fn len(&self) -> usize {
        self.keys.values().map(Vec::len).sum()
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

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
//!
//! A root is identified by the SHA-256 fingerprint of its certificate, never by its name (names
//! are not identities: anyone can issue a certificate with the 福建 root's name). Each root
//! records where trust in it comes from ([`TrustOrigin`]: given, bundled, added on this device,
//! or a TEST-ONLY root), and every key from its lists carries that origin into the verdict.
//! Adding a root that is already trusted changes nothing, so its list cannot be reset; the
//! highest trust-list sequence seen per root can be exported and imported ([`TrustState`]) so
//! that an older list stays refused after a restart (`docs/TRUST.md`, "Rollback").

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use thiserror::Error;
use time::{Duration, OffsetDateTime};

use super::envelope::{open, Failure, Input, KeyRing, OpenError};
use crate::documents::cert::{CertError, Certificate, DepartmentProblem};
use crate::documents::status_list::{StatusList, StatusListError};
use crate::documents::trust_list::{NamedLog, TrustList, TrustListError};
use crate::encoding::cose::{CoseError, Kid, Payload};
use crate::encoding::transport::TransportError;
use crate::limits::{
    MAX_TEXT_BYTES, MAX_TRUST_STATE_LEN, MAX_TRUST_STATE_ROOTS, STALE_LIST_GRACE_SECONDS,
};
use crate::model::identifier::OrgCode;
use crate::model::text::{check_text, TextError};
use crate::model::time::saturating_add;
use crate::suite::{PublicKey, SuiteError};

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
    /// A remembered trust state ([`TrustState::from_json`]) cannot be read.
    #[error("trust state: {0}")]
    State(#[from] TrustStateError),
}

/// Why a remembered [`TrustState`] cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TrustStateError {
    /// Longer than [`MAX_TRUST_STATE_LEN`] bytes.
    #[error("longer than {MAX_TRUST_STATE_LEN} bytes")]
    TooLong,
    /// Not the JSON of a trust state (serde_json's message).
    #[error("not a trust state record: {0}")]
    Malformed(String),
    /// A version this library does not know.
    #[error("version {0} is not supported (this library writes version 1)")]
    Version(u64),
    /// More than [`MAX_TRUST_STATE_ROOTS`] roots.
    #[error("more than {MAX_TRUST_STATE_ROOTS} roots")]
    TooManyRoots,
    /// A fingerprint or digest that is not 64 lowercase hex digits.
    #[error("not a SHA-256 in lowercase hex: {0:?}")]
    BadHex(String),
}

impl TrustError {
    /// A stable machine-readable code (for JSON output and test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::BadKey(_) => "bad_key",
            TrustError::DuplicateKey(_) => "duplicate_key",
            TrustError::BadName(_) => "bad_name",
            TrustError::Certificate(_) => "bad_certificate",
            TrustError::ListedCertificate {
                source: CertError::DivisionNotPermitted { .. },
                ..
            } => "division_not_permitted",
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
            TrustError::State(_) => "bad_state",
        }
    }
}

/// Where a verifier's trust in a root, and so in the departments its lists vouch for, comes
/// from. Verdicts carry it, so that a user interface can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrustOrigin {
    /// Given by whoever runs the verifier: the CLI's `--root`, a program's
    /// [`TrustStore::add_root`], or a directly trusted key ([`TrustStore::add`]).
    Given,
    /// Bundled with the verifier by its build (the web page's trust manifest).
    Bundled,
    /// Added by the user on this device (the web page's "add trust files").
    AddedOnDevice,
    /// A TEST-ONLY root, whose private key is public (`fixtures/`): a verdict through it is a
    /// demonstration and must never be shown as plainly valid.
    Test,
}

impl TrustOrigin {
    /// A stable code: `given`, `bundled`, `added_on_device` or `test`.
    pub fn code(self) -> &'static str {
        match self {
            TrustOrigin::Given => "given",
            TrustOrigin::Bundled => "bundled",
            TrustOrigin::AddedOnDevice => "added_on_device",
            TrustOrigin::Test => "test",
        }
    }

    /// The origin with this [`TrustOrigin::code`], if any.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            TrustOrigin::Given,
            TrustOrigin::Bundled,
            TrustOrigin::AddedOnDevice,
            TrustOrigin::Test,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }
}

/// A trusted root authority, as named in the keys its trust lists vouch for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootRef {
    /// SHA-256 of the root certificate's DER: the root's identity.
    pub fingerprint: [u8; 32],
    /// The root's name, for display only (names are not identities).
    pub name: String,
}

/// A public key trusted to sign licenses for one issuing department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The public key (of any accepted suite).
    pub key: PublicKey,
    /// The department's organisation code; licenses it signs must name it as issuer.
    pub org_code: OrgCode,
    /// The department's name.
    pub name: String,
    /// The department certificate and the root that vouches for it, when the key came from a
    /// trust list; `None` for a directly trusted key.
    pub certificate: Option<(Certificate, RootRef)>,
    /// Where trust in this key comes from: its root's origin, or [`TrustOrigin::Given`] for a
    /// directly trusted key.
    pub origin: TrustOrigin,
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
    /// SHA-256 of the certificate's DER.
    fingerprint: [u8; 32],
    origin: TrustOrigin,
    /// The trust list loaded from this root.
    list: Option<ListMark>,
    /// Its dates.
    dates: Option<ListDates>,
}

/// A trust list as remembered: its sequence number and the SHA-256 of its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListMark {
    /// Sequence number.
    pub sequence: u64,
    /// SHA-256 of the signed payload (the trust-list CBOR).
    pub digest: [u8; 32],
}

/// When a loaded trust or status list was issued and when its next update is due: what a
/// verdict's revocation state is judged by (`docs/TRUST.md` §4, "Freshness").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListDates {
    /// Sequence number.
    pub sequence: u64,
    /// Issue time.
    pub issued_at: OffsetDateTime,
    /// Next update.
    pub next_update: OffsetDateTime,
}

/// How current a list is at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Freshness {
    /// Not past its next update (with [`MAX_CLOCK_SKEW`]).
    Current,
    /// Past its next update, but by no more than [`STALE_LIST_GRACE_SECONDS`]
    /// (plus [`MAX_CLOCK_SKEW`]): still consulted, shown as stale.
    Stale,
    /// Past its next update by more than the grace period: it says nothing about the present.
    Expired,
}

impl ListDates {
    /// How current the list is at `now`.
    pub fn freshness(&self, now: OffsetDateTime) -> Freshness {
        let due = saturating_add(self.next_update, MAX_CLOCK_SKEW);
        if now <= due {
            Freshness::Current
        } else if now <= saturating_add(due, Duration::seconds(STALE_LIST_GRACE_SECONDS)) {
            Freshness::Stale
        } else {
            Freshness::Expired
        }
    }
}

impl From<&TrustList> for ListDates {
    fn from(list: &TrustList) -> Self {
        ListDates {
            sequence: list.sequence,
            issued_at: list.issued_at,
            next_update: list.next_update,
        }
    }
}

impl From<&StatusList> for ListDates {
    fn from(list: &StatusList) -> Self {
        ListDates {
            sequence: list.sequence,
            issued_at: list.issued_at,
            next_update: list.next_update,
        }
    }
}

/// The highest trust-list sequence seen per root (by root certificate fingerprint), to keep
/// across restarts: [`TrustStore::trust_state`] exports it, [`TrustStore::remember`] imports
/// it, and a list older than the one remembered is then refused as `stale` even if the store
/// has not loaded the newer list again. Its text form ([`TrustState::to_json`]) is
///
/// ```json
/// {"version":1,"roots":{"<root fingerprint, hex>":{"sequence":2,"list_sha256":"<hex>"}}}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustState {
    roots: BTreeMap<[u8; 32], ListMark>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateJson {
    version: u64,
    roots: BTreeMap<String, MarkJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkJson {
    sequence: u64,
    list_sha256: String,
}

fn hex32(text: &str) -> Result<[u8; 32], TrustStateError> {
    let bad = || TrustStateError::BadHex(text.chars().take(80).collect());
    if text.len() != 64 || text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(|_| bad())?;
    Ok(out)
}

impl TrustState {
    /// The remembered list of the root with this certificate fingerprint.
    pub fn get(&self, root_fingerprint: &[u8; 32]) -> Option<ListMark> {
        self.roots.get(root_fingerprint).copied()
    }

    /// Number of roots remembered.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// Remember `mark` for a root unless a higher sequence is remembered already (at the same
    /// sequence the first mark stays).
    fn note(&mut self, root_fingerprint: [u8; 32], mark: ListMark) {
        let slot = self.roots.entry(root_fingerprint).or_insert(mark);
        if mark.sequence > slot.sequence {
            *slot = mark;
        }
    }

    /// The text form (JSON, one line). Written by hand (hex and integers need no escaping), so
    /// that the web build carries no JSON serialiser for it.
    pub fn to_json(&self) -> String {
        let roots: Vec<String> = self
            .roots
            .iter()
            .map(|(fp, m)| {
                format!(
                    r#""{}":{{"sequence":{},"list_sha256":"{}"}}"#,
                    hex::encode(fp),
                    m.sequence,
                    hex::encode(m.digest)
                )
            })
            .collect();
        format!(r#"{{"version":1,"roots":{{{}}}}}"#, roots.join(","))
    }

    /// Read the text form: at most [`MAX_TRUST_STATE_LEN`] bytes and
    /// [`MAX_TRUST_STATE_ROOTS`] roots, no unknown keys.
    pub fn from_json(text: &str) -> Result<Self, TrustStateError> {
        if text.len() > MAX_TRUST_STATE_LEN {
            return Err(TrustStateError::TooLong);
        }
        let json: StateJson =
            serde_json::from_str(text).map_err(|e| TrustStateError::Malformed(e.to_string()))?;
        if json.version != 1 {
            return Err(TrustStateError::Version(json.version));
        }
        if json.roots.len() > MAX_TRUST_STATE_ROOTS {
            return Err(TrustStateError::TooManyRoots);
        }
        let mut state = TrustState::default();
        for (fp, mark) in &json.roots {
            let mark = ListMark {
                sequence: mark.sequence,
                digest: hex32(&mark.list_sha256)?,
            };
            state.note(hex32(fp)?, mark);
        }
        Ok(state)
    }
}

/// What a loaded trust list contained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustListSummary {
    /// Root authority name (for display).
    pub root: String,
    /// SHA-256 of the root's certificate: the root's identity.
    pub root_fingerprint: [u8; 32],
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
    /// Trusted roots by key identifier (several roots may share one).
    roots: BTreeMap<Kid, Vec<Root>>,
    /// The highest trust list seen per root fingerprint: loaded here or remembered.
    seen: TrustState,
    /// Status lists by the root that certified their signer (`None` for directly trusted keys)
    /// and the department's organisation code: a list applies only to licenses whose signer
    /// comes from the same root (`docs/TRUST.md` §4).
    status: BTreeMap<(Option<[u8; 32]>, OrgCode), StatusList>,
    /// The issuance logs each root's loaded trust list names, by the root's fingerprint
    /// (`docs/LOG.md` §9).
    logs: BTreeMap<[u8; 32], Vec<NamedLog>>,
}

impl KeyRing for TrustStore {
    type Key = TrustedKey;

    fn public_key(key: &TrustedKey) -> &PublicKey {
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

    fn public_key(key: &TrustedKey) -> &PublicKey {
        &key.key
    }

    fn active(&self, kid: Kid) -> &[TrustedKey] {
        self.0.candidates(kid)
    }
}

/// The trusted roots: the signers a trust list is accepted from.
struct Roots<'a>(&'a BTreeMap<Kid, Vec<Root>>);

impl KeyRing for Roots<'_> {
    type Key = Root;

    fn public_key(root: &Root) -> &PublicKey {
        root.cert.key()
    }

    fn active(&self, kid: Kid) -> &[Root] {
        self.0.get(&kid).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Whether `key` came from a trust list of the root with this fingerprint.
fn from_root(key: &TrustedKey, fingerprint: &[u8; 32]) -> bool {
    matches!(&key.certificate, Some((_, r)) if r.fingerprint == *fingerprint)
}

/// The fingerprint of the root whose trust list `key` came from; `None` for a direct key.
fn root_of(key: &TrustedKey) -> Option<[u8; 32]> {
    key.certificate.as_ref().map(|(_, r)| r.fingerprint)
}

/// How many keys in `map` came from the trust list of the root with this fingerprint.
fn count_from_root(fingerprint: &[u8; 32], map: &BTreeMap<Kid, Vec<TrustedKey>>) -> usize {
    map.values()
        .flatten()
        .filter(|k| from_root(k, fingerprint))
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
        key: impl Into<PublicKey>,
        org_code: OrgCode,
        name: impl Into<String>,
    ) -> Result<Kid, TrustError> {
        // Parsed again from its bytes: a key built outside this crate has had no checks.
        let key = key.into();
        let key = key
            .suite()
            .public_key(key.bytes())
            .map_err(TrustError::BadKey)?;
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
            origin: TrustOrigin::Given,
        });
        Ok(kid)
    }

    /// Trust a root authority's certificate (DER or PEM): a self-signed CA.
    /// The same as [`TrustStore::add_root_with`] with [`TrustOrigin::Given`].
    pub fn add_root(&mut self, certificate: &[u8]) -> Result<Kid, TrustError> {
        self.add_root_with(certificate, TrustOrigin::Given)
    }

    /// Trust a root authority's certificate (DER or PEM), recording where the trust comes from.
    /// Returns its key identifier.
    ///
    /// A root is identified by its certificate's SHA-256 fingerprint. Adding a root that is
    /// already trusted changes nothing: it keeps its loaded list and its first origin, so that
    /// handing the verifier the genuine root certificate again cannot reset its list to an older
    /// one. Another certificate, even with the same name or key identifier, is another root.
    pub fn add_root_with(
        &mut self,
        certificate: &[u8],
        origin: TrustOrigin,
    ) -> Result<Kid, TrustError> {
        let cert = Certificate::parse(certificate)?;
        cert.check_root()?;
        let kid = Kid::of(cert.key());
        let fingerprint = cert.fingerprint();
        let slot = self.roots.entry(kid).or_default();
        if !slot.iter().any(|r| r.fingerprint == fingerprint) {
            slot.push(Root {
                cert,
                fingerprint,
                origin,
                list: None,
                dates: None,
            });
        }
        Ok(kid)
    }

    /// The highest trust list seen per root (loaded here or remembered), to keep across
    /// restarts and give back to [`TrustStore::remember`].
    pub fn trust_state(&self) -> TrustState {
        self.seen.clone()
    }

    /// Remember the trust lists of an earlier run: from now on a list older than the one
    /// remembered for its root is refused as `stale`, and one with the same sequence but other
    /// content as `conflict`. Where both know a root, the higher sequence is kept.
    pub fn remember(&mut self, state: &TrustState) {
        for (fingerprint, mark) in &state.roots {
            self.seen.note(*fingerprint, *mark);
        }
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
        let list = opened.payload;
        let root = opened.signer;
        check_not_future(list.issued_at, now)?;
        let mark = ListMark {
            sequence: list.sequence,
            digest: Sha256::digest(opened.cose.payload()).into(),
        };
        let fingerprint = root.fingerprint;
        let root_ref = RootRef {
            fingerprint,
            name: root.cert.name().to_owned(),
        };
        if let Some(held) = self.seen.get(&fingerprint) {
            if mark.sequence < held.sequence {
                return Err(TrustError::Stale {
                    held: held.sequence,
                    found: mark.sequence,
                });
            }
            if mark.sequence == held.sequence && mark.digest != held.digest {
                return Err(TrustError::Conflict(held.sequence));
            }
        }
        if root.list == Some(mark) {
            return Ok(TrustListSummary {
                departments: count_from_root(&fingerprint, &self.keys),
                revoked: count_from_root(&fingerprint, &self.revoked),
                root: root_ref.name,
                root_fingerprint: fingerprint,
                sequence: mark.sequence,
                changed: false,
            });
        }
        let certificates = list.checked_certificates(&root.cert).map_err(|e| match e {
            TrustListError::Certificate { index, source } => {
                TrustError::ListedCertificate { index, source }
            }
            other => TrustError::TrustList(other),
        })?;
        list.check_logs(&certificates)
            .map_err(TrustError::TrustList)?;
        let mut active = vec![];
        let mut revoked = vec![];
        for (index, cert) in certificates.into_iter().enumerate() {
            // checked_certificates refused every certificate without an organisation code.
            let Some(org_code) = cert.org_code().cloned() else {
                let source = CertError::NotDepartment(DepartmentProblem::NoOrgCode);
                return Err(TrustError::ListedCertificate { index, source });
            };
            let entry = TrustedKey {
                key: cert.key().clone(),
                org_code,
                name: cert.name().to_owned(),
                certificate: Some((cert.clone(), root_ref.clone())),
                origin: root.origin,
            };
            if list.revokes(&cert) {
                revoked.push(entry);
            } else {
                active.push(entry);
            }
        }
        let root_kid = opened.kid;
        if let Some(root) = self
            .roots
            .get_mut(&root_kid)
            .and_then(|slot| slot.iter_mut().find(|r| r.fingerprint == fingerprint))
        {
            root.list = Some(mark);
            root.dates = Some(ListDates::from(&list));
        }
        self.seen.note(fingerprint, mark);
        self.logs.insert(fingerprint, list.logs);
        for map in [&mut self.keys, &mut self.revoked] {
            for entries in map.values_mut() {
                entries.retain(|k| !from_root(k, &fingerprint));
            }
            map.retain(|_, v| !v.is_empty());
        }
        let summary = TrustListSummary {
            root: root_ref.name,
            root_fingerprint: fingerprint,
            sequence: mark.sequence,
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
    /// already loaded for that department from the same root. It applies only to licenses
    /// signed by keys that the same root certified (or, for a list signed by a directly trusted
    /// key, to licenses signed by directly trusted keys): another root cannot replace it, even
    /// for a department with the same organisation code.
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
        let slot = (root_of(signer), list.issuer.clone());
        if let Some(held) = self.status.get(&slot) {
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
        Ok(match self.status.entry(slot) {
            Entry::Occupied(mut held) => {
                held.insert(list);
                held.into_mut()
            }
            Entry::Vacant(free) => free.insert(list),
        })
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
                let name = match self.roots.get(&kid).and_then(|slot| slot.first()) {
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

    /// The status list that applies to licenses signed by `signer`: the one loaded for its
    /// department, signed by a key of the same root, if any.
    pub fn status_list_for(&self, signer: &TrustedKey) -> Option<&StatusList> {
        self.status.get(&(root_of(signer), signer.org_code.clone()))
    }

    /// The dates of the trust list `signer` came from; `None` for a directly trusted key.
    pub fn trust_list_dates(&self, signer: &TrustedKey) -> Option<ListDates> {
        let fingerprint = root_of(signer)?;
        self.roots
            .values()
            .flatten()
            .find(|r| r.fingerprint == fingerprint)
            .and_then(|r| r.dates)
    }

    /// The issuance log that the trust list `signer` came from names for `signer`'s department;
    /// `None` for a directly trusted key, or when that list names no log for it.
    pub fn named_log(&self, signer: &TrustedKey) -> Option<&NamedLog> {
        let logs = self.logs.get(&root_of(signer)?)?;
        logs.iter().find(|l| l.department == signer.org_code)
    }

    /// The certificates of the trusted roots with organisation code `org` (a root's own log,
    /// `docs/LOG.md` §3, is signed with its key).
    pub fn roots_of<'a>(&'a self, org: &'a OrgCode) -> impl Iterator<Item = &'a Certificate> + 'a {
        self.roots
            .values()
            .flatten()
            .map(|r| &r.cert)
            .filter(move |c| c.org_code() == Some(org))
    }

    /// Whether the trust list `signer` came from names any logs.
    pub fn names_logs(&self, signer: &TrustedKey) -> bool {
        root_of(signer)
            .and_then(|fingerprint| self.logs.get(&fingerprint))
            .is_some_and(|logs| !logs.is_empty())
    }

    /// Every log a loaded trust list names for `department` (one per root that vouches for it).
    pub fn named_logs<'a>(
        &'a self,
        department: &'a OrgCode,
    ) -> impl Iterator<Item = &'a NamedLog> + 'a {
        self.logs
            .values()
            .flatten()
            .filter(move |l| l.department == *department)
    }

    /// Every trusted (not revoked) key of a department.
    pub fn department_keys<'a>(
        &'a self,
        department: &'a OrgCode,
    ) -> impl Iterator<Item = &'a TrustedKey> + 'a {
        self.keys
            .values()
            .flatten()
            .filter(move |k| k.org_code == *department)
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

//! Checking an offline inclusion proof (`docs/LOG.md` §6) against the document it is for: the
//! proof's entry names the document's kind and signed bytes, the checkpoint is of the signing
//! department's log and signed by its key, and the entry is in the checkpointed tree.

use thiserror::Error;

use super::envelope::{read, Input, ReadError};
use super::license::Verdict;
use super::reason::ReasonCode;
use super::trust::{TrustStore, TrustedKey};
use super::witness::witness_key;
use crate::documents::cert::Certificate;
use crate::documents::trust_list::{NamedLog, LOG_ORIGIN_PREFIX};
use crate::log::checkpoint::{Checkpoint, CheckpointError};
use crate::log::merkle::{leaf_hash, verify_inclusion, ProofError};
use crate::log::note::{key_id, NoteError, NoteKey, NoteKeyKind, SIG_TYPE_ED25519};
use crate::log::proof::{TlogProof, TlogProofError};
use crate::model::identifier::OrgCode;
use crate::model::license::LicenseError;
use crate::model::license_v2::Wire;
use crate::model::log_entry::{LogEntry, LogEntryError};
use crate::suite::{Ed25519, PublicKey, Suite};

/// The origin of a department's issuance log: `elicense/log/<organisation code>`, fixed for the
/// department's whole life, so the origin names the department the log covers.
pub fn log_origin(department: &OrgCode) -> String {
    format!("{LOG_ORIGIN_PREFIX}{department}")
}

/// The note key of a log named by a trust list: its key under its origin.
fn named_log_key(log: &NamedLog) -> NoteKey {
    let name = log.origin();
    NoteKey {
        id: key_id(&name, SIG_TYPE_ED25519, log.key.as_bytes()),
        name,
        key: log.key,
        kind: NoteKeyKind::Ed25519,
    }
}

/// What a verifier requires of a proof that a department's document is logged: the key that
/// signs the log's checkpoints, the witnesses whose cosignatures count, and how many of them
/// must have cosigned (`docs/LOG.md` §6, §9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPolicy {
    /// The log's checkpoint key, named by the log's origin.
    pub key: NoteKey,
    /// The witnesses' cosigner keys.
    pub witnesses: Vec<NoteKey>,
    /// How many of them must have cosigned the checkpoint.
    pub quorum: usize,
    /// Whether a trust list named the log (rather than the verifier's own choice for a directly
    /// trusted key).
    pub from_trust_list: bool,
}

impl LogPolicy {
    /// The policy a trust list names for a log.
    pub fn named(log: &NamedLog) -> Self {
        LogPolicy {
            key: named_log_key(log),
            witnesses: (log.witnesses.iter())
                .map(|w| witness_key(&w.root, w.key))
                .collect(),
            quorum: log.quorum,
            from_trust_list: true,
        }
    }

    /// The verifier's own policy for a department key it trusts directly: the department's key
    /// signs its log (§1), and `quorum` of `witnesses` must have cosigned.
    pub fn direct(
        signer: &TrustedKey,
        witnesses: Vec<NoteKey>,
        quorum: usize,
    ) -> Result<Self, LogProofError> {
        Ok(LogPolicy {
            key: log_key(signer).ok_or(LogProofError::NotANoteKey)?,
            witnesses,
            quorum,
            from_trust_list: false,
        })
    }
}

impl LogPolicy {
    /// The verifier's policy for a root authority's own log (of its trust lists, `docs/LOG.md`
    /// §3): the root's key under `elicense/log/<its organisation code>`, and `quorum` of
    /// `witnesses`.
    pub fn root(
        root: &Certificate,
        witnesses: Vec<NoteKey>,
        quorum: usize,
    ) -> Result<Self, LogProofError> {
        let org = root.org_code().ok_or(LogProofError::NoOrigin)?;
        Ok(LogPolicy {
            key: own_log_key(org, root.key()).ok_or(LogProofError::NotANoteKey)?,
            witnesses,
            quorum,
            from_trust_list: false,
        })
    }
}

impl TrustStore {
    /// The policy that the trust list `signer` came from names for its department's log
    /// (§9). `None` when no loaded list names logs for it (a directly trusted key, or a list
    /// that names no logs at all): the verifier's own policy applies ([`LogPolicy::direct`]).
    /// A list that names logs but not this department's is an error: a root that names logs
    /// names each department's it can.
    pub fn log_policy(&self, signer: &TrustedKey) -> Result<Option<LogPolicy>, LogProofError> {
        match self.named_log(signer) {
            Some(log) => Ok(Some(LogPolicy::named(log))),
            None if self.names_logs(signer) => {
                Err(LogProofError::NotNamed(log_origin(&signer.org_code)))
            }
            None => Ok(None),
        }
    }

    /// [`check_log_proof`] under [`TrustStore::log_policy`] for `signer`, or, when no list
    /// names its log, under the department's own key with no witness required.
    pub fn check_log_proof(
        &self,
        proof: &[u8],
        document: Input<'_>,
        signer: &TrustedKey,
    ) -> Result<Logged, LogProofError> {
        let policy = match self.log_policy(signer)? {
            Some(policy) => policy,
            None => LogPolicy::direct(signer, vec![], 0)?,
        };
        check_log_proof(proof, document, &policy)
    }

    /// The keys that may sign the checkpoints of the log of `org`: those the loaded trust
    /// lists name for a department, a department's own Ed25519 keys (§1), and a trusted root's
    /// key for its own log (§3).
    pub fn log_keys(&self, org: &OrgCode) -> Vec<NoteKey> {
        let named = self.named_logs(org).map(named_log_key);
        let own = self.department_keys(org).filter_map(log_key);
        let roots = (self.roots_of(org)).filter_map(|c| own_log_key(org, c.key()));
        let mut keys: Vec<NoteKey> = vec![];
        for key in named.chain(own).chain(roots) {
            if !keys.iter().any(|k| k.key == key.key) {
                keys.push(key);
            }
        }
        keys
    }
}

/// The key that signs a department's checkpoints: the department's own key under its log's
/// origin (`docs/LOG.md` §1). `None` when the department's key is not an Ed25519 key: C2SP signed
/// notes define Ed25519 signatures (type 0x01), so only such a key can sign its log.
pub fn log_key(department: &TrustedKey) -> Option<NoteKey> {
    own_log_key(&department.org_code, &department.key)
}

/// The note key of the log of `org` signed with its own `key`: `None` unless it is an Ed25519
/// key.
fn own_log_key(org: &OrgCode, key: &PublicKey) -> Option<NoteKey> {
    let name = log_origin(org);
    let ed25519 = ed25519_dalek::VerifyingKey::try_from(key.bytes()).ok()?;
    (key.alg() == <Ed25519 as Suite>::ALG).then(|| NoteKey {
        id: key_id(&name, SIG_TYPE_ED25519, ed25519.as_bytes()),
        name,
        key: ed25519,
        kind: NoteKeyKind::Ed25519,
    })
}

/// Why an inclusion proof does not show that a document was logged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LogProofError {
    /// The proof file is malformed.
    #[error("proof file: {0}")]
    Proof(#[from] TlogProofError),
    /// The entry in the proof is malformed.
    #[error("proof entry: {0}")]
    Entry(#[from] LogEntryError),
    /// The document could not be read.
    #[error("document: {0}")]
    Document(#[from] ReadError),
    /// A version-2 license whose wire form could not be unwrapped.
    #[error("document: {0}")]
    License(LicenseError),
    /// The signer's key cannot sign C2SP checkpoints (not an Ed25519 key).
    #[error("the signer's key is not an Ed25519 key, the only kind that signs C2SP checkpoints")]
    NotANoteKey,
    /// The entry is for other signed bytes, or another kind of document.
    #[error("the proof is for another document")]
    OtherDocument,
    /// The checkpoint is malformed, of another log, or not signed by the department.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The entry is not in the checkpointed tree.
    #[error("inclusion: {0}")]
    Inclusion(#[from] ProofError),
    /// The root certificate has no organisation code, so its log has no origin.
    #[error("the root certificate has no organisation code to name its log")]
    NoOrigin,
    /// The trust list that vouches for the signer names no log for its department.
    #[error("the trust list that vouches for the signer names no log {0}")]
    NotNamed(String),
    /// Fewer witnesses than the quorum cosigned the checkpoint.
    #[error("{} of the {needed} witnesses needed cosigned the checkpoint{}", .witnessed_by.len(), if .witnessed_by.is_empty() { String::new() } else { format!(" ({})", .witnessed_by.join(", ")) })]
    Quorum {
        /// The quorum.
        needed: usize,
        /// The witnesses that did cosign.
        witnessed_by: Vec<String>,
    },
}

/// Every code [`LogProofError::code`] can return, with its plain-language Chinese message (the
/// English one is each variant's own text): the one source of these messages for the CLI's
/// JSON, the web page (`LogProofView`) and the TypeScript type `LogProofCode` of the web build
/// (checked against this table by `fixtures/tests/format_doc.rs`).
pub const LOG_PROOF_CODES: &[ReasonCode] = &[
    ReasonCode {
        code: "proof_malformed",
        zh: "登记证明文件格式不正确或已损坏",
    },
    ReasonCode {
        code: "document_unreadable",
        zh: "无法读取证照",
    },
    ReasonCode {
        code: "not_a_log_key",
        zh: "签发者的密钥或证书不能用于监察日志",
    },
    ReasonCode {
        code: "other_document",
        zh: "这份登记证明属于另一份证照，不是这一份",
    },
    ReasonCode {
        code: "checkpoint_invalid",
        zh: "登记证明中的日志检查点无效：不是该机关的日志，没有该机关的有效签名，或见证签名不符",
    },
    ReasonCode {
        code: "not_included",
        zh: "包含证明不成立：证明已被改动或不完整，不能说明证照在该日志中",
    },
    ReasonCode {
        code: "log_not_named",
        zh: "信任列表没有列出该机关的监察日志",
    },
    ReasonCode {
        code: "witness_quorum",
        zh: "见证不足：日志检查点没有足够的见证签名",
    },
];

/// The proof of logging for `document`, given its `verdict`: `None` when the document is not
/// valid (there is nothing to show logged), else [`TrustStore::check_log_proof`] for its
/// signer. The web page's one call verifies and checks with it (`Verifier.checkLogProof`).
pub fn check_verified_log_proof(
    verdict: &Verdict,
    document: Input<'_>,
    proof: &[u8],
    store: &TrustStore,
) -> Option<Result<Logged, LogProofError>> {
    match verdict {
        Verdict::Valid(ok) => Some(store.check_log_proof(proof, document, &ok.signer)),
        Verdict::Invalid(_) => None,
    }
}

impl LogProofError {
    /// The plain-language Chinese message of [`LogProofError::code`] (from [`LOG_PROOF_CODES`]).
    pub fn message_zh(&self) -> &'static str {
        let code = self.code();
        LOG_PROOF_CODES
            .iter()
            .find(|c| c.code == code)
            .map_or(code, |c| c.zh)
    }

    /// A stable machine-readable code for the failure.
    pub fn code(&self) -> &'static str {
        match self {
            LogProofError::Proof(_) | LogProofError::Entry(_) => "proof_malformed",
            LogProofError::Document(_) | LogProofError::License(_) => "document_unreadable",
            LogProofError::NotANoteKey | LogProofError::NoOrigin => "not_a_log_key",
            LogProofError::OtherDocument => "other_document",
            LogProofError::Checkpoint(_) => "checkpoint_invalid",
            LogProofError::Inclusion(_) => "not_included",
            LogProofError::NotNamed(_) => "log_not_named",
            LogProofError::Quorum { .. } => "witness_quorum",
        }
    }
}

/// A document shown to be in its department's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// The log's origin.
    pub origin: String,
    /// The entry's index.
    pub index: u64,
    /// The checkpoint it is proven against.
    pub checkpoint: Checkpoint,
    /// The entry.
    pub entry: LogEntry,
    /// The names of the witnesses asked about whose cosignature on the checkpoint verified.
    pub witnessed_by: Vec<String>,
}

/// Checks `proof` (a `c2sp.org/tlog-proof@v1` file) for `document` (whose signature the caller
/// has verified, for instance by [`crate::verify`]) under `policy` (for its signer,
/// [`TrustStore::log_policy`]): the checkpoint must be signed by the policy's log key, and at
/// least its quorum of its witnesses must have cosigned; a cosignature by one of them that does
/// not verify refuses the proof.
pub fn check_log_proof(
    proof: &[u8],
    document: Input<'_>,
    policy: &LogPolicy,
) -> Result<Logged, LogProofError> {
    let proof = TlogProof::parse(proof)?;
    let entry = LogEntry::decode(&proof.extra)?;
    let max = crate::limits::MAX_TRUST_LIST_LEN.max(crate::limits::MAX_STATUS_LIST_LEN);
    let (signed, _) = document
        .signed_bytes()
        .map_err(|e| LogProofError::Document(ReadError::from(e)))?;
    // A version-2 license, holder's copy or presentation: the COSE_Sign1 its issuer signed,
    // which every wire form of it rebuilds alike, is what its entry digests.
    let (signed, kind) = if document.is_v2() {
        let cose = Wire::parse(&signed).map_err(LogProofError::License)?.cose;
        (
            std::borrow::Cow::Owned(cose.to_bytes()),
            cose.content_type(),
        )
    } else {
        (signed, read(document, max)?.cose.content_type())
    };
    if !entry.covers(&signed) || entry.kind != kind {
        return Err(LogProofError::OtherDocument);
    }
    let key = &policy.key;
    let (checkpoint, note) = Checkpoint::open(&proof.checkpoint, &key.name, key)?;
    verify_inclusion(
        proof.index,
        checkpoint.size,
        &leaf_hash(&proof.extra),
        &proof.hashes,
        &checkpoint.root,
    )?;
    let witnessed_by: Vec<String> = match note.verify(&policy.witnesses) {
        Ok(keys) => keys.into_iter().map(|k| k.name.clone()).collect(),
        Err(NoteError::NotSigned) => vec![],
        Err(e) => return Err(CheckpointError::Note(e).into()),
    };
    if witnessed_by.len() < policy.quorum {
        return Err(LogProofError::Quorum {
            needed: policy.quorum,
            witnessed_by,
        });
    }
    Ok(Logged {
        origin: key.name.clone(),
        index: proof.index,
        checkpoint,
        entry,
        witnessed_by,
    })
}

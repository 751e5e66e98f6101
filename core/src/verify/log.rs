//! Checking an offline inclusion proof (`docs/LOG.md` §6) against the document it is for: the
//! proof's entry names the document's kind and signed bytes, the checkpoint is of the signing
//! department's log and signed by its key, and the entry is in the checkpointed tree.

use thiserror::Error;

use super::envelope::{read, Input, ReadError};
use super::trust::TrustedKey;
use crate::log::checkpoint::{Checkpoint, CheckpointError};
use crate::log::merkle::{leaf_hash, verify_inclusion, ProofError};
use crate::log::note::{NoteError, NoteKey};
use crate::log::proof::{TlogProof, TlogProofError};
use crate::model::identifier::OrgCode;
use crate::model::log_entry::{LogEntry, LogEntryError};

/// The origin of a department's issuance log: `elicense/log/<organisation code>`, fixed for the
/// department's whole life, so the origin names the department the log covers.
pub fn log_origin(department: &OrgCode) -> String {
    format!("elicense/log/{department}")
}

/// The key that signs a department's checkpoints: the department's own key under its log's
/// origin (`docs/LOG.md` §1). `None` when the department's key is not an Ed25519 key: C2SP signed
/// notes define Ed25519 signatures (type 0x01), so only such a key can sign its log.
pub fn log_key(department: &TrustedKey) -> Option<NoteKey> {
    let name = log_origin(&department.org_code);
    let key = ed25519_dalek::VerifyingKey::try_from(department.key.bytes()).ok()?;
    (department.key.alg() == <crate::suite::Ed25519 as crate::suite::Suite>::ALG).then(|| NoteKey {
        id: crate::log::note::key_id(&name, crate::log::note::SIG_TYPE_ED25519, key.as_bytes()),
        name,
        key,
        kind: crate::log::note::NoteKeyKind::Ed25519,
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

/// Checks `proof` (a `c2sp.org/tlog-proof@v1` file) for `document`, signed by `signer` (whose
/// signature the caller has verified, for instance by [`crate::verify`]), and which of
/// `witnesses` (cosigner keys, [`crate::witness_key`]) cosigned its checkpoint; a cosignature by
/// one of them that does not verify refuses the proof. Whether enough witnesses cosigned is the
/// caller's policy.
pub fn check_log_proof(
    proof: &[u8],
    document: Input<'_>,
    signer: &TrustedKey,
    witnesses: &[NoteKey],
) -> Result<Logged, LogProofError> {
    let proof = TlogProof::parse(proof)?;
    let entry = LogEntry::decode(&proof.extra)?;
    let max = crate::limits::MAX_TRUST_LIST_LEN.max(crate::limits::MAX_STATUS_LIST_LEN);
    let doc = read(document, max)?;
    let (signed, _) = document
        .signed_bytes()
        .map_err(|e| LogProofError::Document(ReadError::from(e)))?;
    if !entry.covers(&signed) || entry.kind != doc.cose.content_type() {
        return Err(LogProofError::OtherDocument);
    }
    let key = log_key(signer).ok_or(LogProofError::NotANoteKey)?;
    let (checkpoint, note) = Checkpoint::open(&proof.checkpoint, &key.name, &key)?;
    verify_inclusion(
        proof.index,
        checkpoint.size,
        &leaf_hash(&proof.extra),
        &proof.hashes,
        &checkpoint.root,
    )?;
    let witnessed_by = match note.verify(witnesses) {
        Ok(keys) => keys.into_iter().map(|k| k.name.clone()).collect(),
        Err(NoteError::NotSigned) => vec![],
        Err(e) => return Err(CheckpointError::Note(e).into()),
    };
    Ok(Logged {
        origin: key.name,
        index: proof.index,
        checkpoint,
        entry,
        witnessed_by,
    })
}

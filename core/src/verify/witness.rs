//! Witnessing a department's log (`docs/LOG.md` §8): another region's root checks that a new
//! checkpoint is signed by the department, is consistent with the last checkpoint it cosigned
//! (from the log's published tiles), and adds its `c2sp.org/tlog-cosignature` Ed25519
//! cosignature. Two checkpoints of one size with different roots are a split view.

use ed25519_dalek::SigningKey;
use thiserror::Error;

use super::trust::TrustStore;
use crate::documents::trust_list::LOG_ORIGIN_PREFIX;
use crate::log::checkpoint::{Checkpoint, CheckpointError};
use crate::log::merkle::{consistency_proof, root, verify_consistency, BuildError, Hash};
use crate::log::merkle::{NodeSource, ProofError};
use crate::log::note::{cosign, Note, NoteKey};
use crate::model::identifier::OrgCode;

/// The note key name of a root authority acting as witness: `elicense/witness/<its code>`.
pub fn witness_name(root: &OrgCode) -> String {
    format!("elicense/witness/{root}")
}

/// A witness's verifier key: its root key as an Ed25519 cosigner (type `0x04`).
pub fn witness_key(root: &OrgCode, key: ed25519_dalek::VerifyingKey) -> NoteKey {
    let name = witness_name(root);
    NoteKey {
        id: crate::log::note::key_id(
            &name,
            crate::log::note::SIG_TYPE_COSIGNATURE,
            key.as_bytes(),
        ),
        name,
        key,
        kind: crate::log::note::NoteKeyKind::Cosigner,
    }
}

/// Why a witness refuses to cosign. `E` is the tile source's error.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WitnessError<E> {
    /// The checkpoint is malformed, or not signed by a trusted key of the department its
    /// origin names.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The origin does not name an organisation (`elicense/log/<code>`).
    #[error("the origin {0} is not elicense/log/<organisation code>")]
    NotADepartmentLog(String),
    /// The checkpoint is of another log than the one last witnessed.
    #[error("the checkpoint is of log {found}, the last one witnessed of {expected}")]
    OtherLog {
        /// The origin last witnessed.
        expected: String,
        /// The origin found.
        found: String,
    },
    /// The log went back to a smaller size.
    #[error("the log went back from {last} entries to {now}")]
    Rollback {
        /// The size last cosigned.
        last: u64,
        /// The size now.
        now: u64,
    },
    /// Two checkpoints of one size with different roots: the log shows different histories.
    #[error("SPLIT VIEW: two checkpoints of size {size} with different roots")]
    SplitView {
        /// The size.
        size: u64,
        /// The root last cosigned.
        seen: Hash,
        /// The root now.
        now: Hash,
    },
    /// The new tree does not extend the last one witnessed (or the tiles do not match it).
    #[error("not consistent with the last checkpoint witnessed: {0}")]
    Inconsistent(ProofError),
    /// The published tiles do not give the checkpoint's root.
    #[error("the published tiles do not give the checkpoint's root")]
    TilesDisagree,
    /// Reading the published tiles failed.
    #[error("reading the published tiles: {0}")]
    Tiles(E),
}

impl<E> From<BuildError<E>> for WitnessError<E> {
    fn from(e: BuildError<E>) -> Self {
        match e {
            BuildError::Range(p) => WitnessError::Inconsistent(p),
            BuildError::Source(s) => WitnessError::Tiles(s),
        }
    }
}

/// Checks checkpoint `bytes` of a department trusted by `store` against `last` (the checkpoint
/// this witness last cosigned for that log, if any) and the log's tiles, and returns the
/// checkpoint and its note with the cosignature of witness root `witness` (its organisation
/// code and key) added at `time` (replacing an earlier cosignature of the same witness).
pub fn witness_checkpoint<S: NodeSource>(
    bytes: &[u8],
    store: &TrustStore,
    last: Option<&Checkpoint>,
    tiles: &mut S,
    witness: &OrgCode,
    key: &SigningKey,
    time: u64,
) -> Result<(Checkpoint, Note), WitnessError<S::Error>> {
    let note = Note::parse(bytes).map_err(CheckpointError::from)?;
    let claimed = Checkpoint::parse_text(&note.text)?;
    let department: OrgCode = claimed
        .origin
        .strip_prefix(LOG_ORIGIN_PREFIX)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| WitnessError::NotADepartmentLog(claimed.origin.clone()))?;
    let mut opened = Err(CheckpointError::Note(
        crate::log::note::NoteError::NotSigned,
    ));
    for key in store.log_keys(&department) {
        opened = Checkpoint::open(bytes, &claimed.origin, &key);
        if opened.is_ok() {
            break;
        }
    }
    let (checkpoint, mut note) = opened?;
    match last {
        Some(last) if last.origin != checkpoint.origin => {
            return Err(WitnessError::OtherLog {
                expected: last.origin.clone(),
                found: checkpoint.origin,
            })
        }
        Some(last) if checkpoint.size < last.size => {
            return Err(WitnessError::Rollback {
                last: last.size,
                now: checkpoint.size,
            })
        }
        Some(last) if checkpoint.size == last.size => {
            if checkpoint.root != last.root {
                return Err(WitnessError::SplitView {
                    size: last.size,
                    seen: last.root,
                    now: checkpoint.root,
                });
            }
        }
        Some(last) if last.size > 0 => {
            let proof = consistency_proof(tiles, last.size, checkpoint.size)?;
            verify_consistency(
                last.size,
                checkpoint.size,
                &last.root,
                &checkpoint.root,
                &proof,
            )
            .map_err(WitnessError::Inconsistent)?;
        }
        _ => {
            if root(tiles, checkpoint.size).map_err(WitnessError::Tiles)? != checkpoint.root {
                return Err(WitnessError::TilesDisagree);
            }
        }
    }
    let name = witness_name(witness);
    note.signatures.retain(|s| s.name != name);
    note.signatures
        .push(cosign(&name, key, &note.text, time.min(i64::MAX as u64)));
    Ok((checkpoint, note))
}

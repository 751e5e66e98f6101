//! Offline inclusion proofs (`c2sp.org/tlog-proof@v1`): the entry's index, its inclusion proof
//! and the signed checkpoint (with any witness cosignatures) verbatim. The `extra` line carries
//! the log entry's CBOR, so a verifier can recompute the leaf from the document it holds
//! (`docs/LOG.md` §6).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::checkpoint::{parse_decimal, parse_hash};
use super::merkle::Hash;
use crate::limits::{MAX_LOG_ENTRY_LEN, MAX_NOTE_LEN, MAX_PROOF_HASHES};

/// The first line of every proof.
pub const PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Largest proof file accepted, in bytes: the header, the extra line, the index, the hashes and
/// the checkpoint note.
pub const MAX_PROOF_LEN: usize =
    64 + MAX_LOG_ENTRY_LEN * 2 + 64 + MAX_PROOF_HASHES * 45 + MAX_NOTE_LEN;

/// Why a proof file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlogProofError {
    /// Longer than [`MAX_PROOF_LEN`].
    #[error("a proof of {0} bytes is longer than the limit of {MAX_PROOF_LEN}")]
    TooLong(usize),
    /// Not UTF-8.
    #[error("a proof must be UTF-8")]
    NotUtf8,
    /// The first line is not `c2sp.org/tlog-proof@v1`.
    #[error("not a c2sp.org/tlog-proof@v1 proof")]
    Header,
    /// The `extra` line is missing or not canonical base64 (this project needs it: the entry).
    #[error("the proof's extra line is missing or not base64")]
    Extra,
    /// The `index` line is missing or not a decimal without leading zeros.
    #[error("the proof's index line is missing or malformed")]
    Index,
    /// A proof hash line is not the base64 of 32 bytes.
    #[error("proof hash line {0} is not the base64 of a 32-byte hash")]
    Hash(usize),
    /// More than [`MAX_PROOF_HASHES`] hashes.
    #[error("more than {MAX_PROOF_HASHES} proof hashes")]
    TooManyHashes,
    /// No blank line and checkpoint after the hashes.
    #[error("the proof has no checkpoint after its hashes")]
    NoCheckpoint,
}

/// A parsed proof: nothing in it is verified yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// The extra data: this project's log entry CBOR.
    pub extra: Vec<u8>,
    /// The entry's index.
    pub index: u64,
    /// The inclusion proof, from the leaf's sibling up.
    pub hashes: Vec<Hash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: Vec<u8>,
}

impl TlogProof {
    /// The proof file's text.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{PROOF_HEADER}\nextra {}\nindex {}\n",
            STANDARD.encode(&self.extra),
            self.index
        );
        for h in &self.hashes {
            out.push_str(&STANDARD.encode(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(&self.checkpoint));
        out
    }

    /// Parses a proof file strictly.
    pub fn parse(bytes: &[u8]) -> Result<TlogProof, TlogProofError> {
        if bytes.len() > MAX_PROOF_LEN {
            return Err(TlogProofError::TooLong(bytes.len()));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| TlogProofError::NotUtf8)?;
        let rest = text
            .strip_prefix(PROOF_HEADER)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or(TlogProofError::Header)?;
        let (line, rest) = rest.split_once('\n').ok_or(TlogProofError::Extra)?;
        let b64 = line.strip_prefix("extra ").ok_or(TlogProofError::Extra)?;
        let extra = STANDARD.decode(b64).map_err(|_| TlogProofError::Extra)?;
        if extra.is_empty() || extra.len() > MAX_LOG_ENTRY_LEN || STANDARD.encode(&extra) != b64 {
            return Err(TlogProofError::Extra);
        }
        let (line, mut rest) = rest.split_once('\n').ok_or(TlogProofError::Index)?;
        let index = line
            .strip_prefix("index ")
            .and_then(parse_decimal)
            .ok_or(TlogProofError::Index)?;
        let mut hashes = Vec::new();
        loop {
            let (line, after) = rest.split_once('\n').ok_or(TlogProofError::NoCheckpoint)?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if hashes.len() == MAX_PROOF_HASHES {
                return Err(TlogProofError::TooManyHashes);
            }
            hashes.push(parse_hash(line).ok_or(TlogProofError::Hash(hashes.len() + 1))?);
        }
        if rest.is_empty() {
            return Err(TlogProofError::NoCheckpoint);
        }
        Ok(TlogProof {
            extra,
            index,
            hashes,
            checkpoint: rest.as_bytes().to_vec(),
        })
    }
}

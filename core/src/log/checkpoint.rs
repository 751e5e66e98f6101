//! C2SP checkpoints (`c2sp.org/tlog-checkpoint`): the note text `origin\nsize\nbase64(root)\n`,
//! signed as a C2SP signed note by the log's Ed25519 key under the origin as key name. This
//! project's logs write no extension lines, and the parser refuses them (`docs/LOG.md` §4).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::SigningKey;

use super::merkle::Hash;
use super::note::{self, Note, NoteError, NoteKey};
use crate::limits::MAX_NOTE_NAME_LEN;

/// Why a checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The signed note itself is malformed, or its signatures fail.
    #[error("checkpoint note: {0}")]
    Note(#[from] NoteError),
    /// The text is not exactly three lines, each ending in a newline.
    #[error("a checkpoint text is exactly three lines: origin, size and root hash")]
    Lines,
    /// The origin is empty, too long, or contains a space, `+` or control character.
    #[error("the checkpoint origin is not a valid log name")]
    BadOrigin,
    /// The size is not a decimal number without leading zeros that fits 64 bits.
    #[error("the checkpoint size is not a decimal number without leading zeros")]
    BadSize,
    /// The root hash is not the base64 of 32 bytes.
    #[error("the checkpoint root is not the base64 of a 32-byte hash")]
    BadRoot,
    /// The checkpoint is of another log.
    #[error("the checkpoint is of log {found}, not {expected}")]
    WrongOrigin {
        /// The origin expected.
        expected: String,
        /// The origin found.
        found: String,
    },
}

/// A tree head: which log, how many entries, and the root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin (fixed for the log's whole life).
    pub origin: String,
    /// The number of entries.
    pub size: u64,
    /// The root hash of those entries.
    pub root: Hash,
}

impl Checkpoint {
    /// The note text: three lines.
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        )
    }

    /// Parses a checkpoint note text strictly.
    pub fn parse_text(text: &str) -> Result<Checkpoint, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Lines)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root), None) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::Lines);
        };
        if !note::valid_key_name(origin) || origin.len() > MAX_NOTE_NAME_LEN {
            return Err(CheckpointError::BadOrigin);
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size: parse_decimal(size).ok_or(CheckpointError::BadSize)?,
            root: parse_hash(root).ok_or(CheckpointError::BadRoot)?,
        })
    }

    /// Signs the checkpoint as a note with the log's key (key name = origin).
    pub fn sign(&self, key: &SigningKey) -> Note {
        let text = self.text();
        let signature = note::sign(&self.origin, key, &text);
        Note {
            text,
            signatures: vec![signature],
        }
    }

    /// Opens a signed checkpoint of the log named `origin`, signed by `log_key`: parses the note,
    /// checks the origin, then the signature (other signatures are ignored, per C2SP).
    pub fn open(
        bytes: &[u8],
        origin: &str,
        log_key: &NoteKey,
    ) -> Result<(Checkpoint, Note), CheckpointError> {
        let note = Note::parse(bytes)?;
        let checkpoint = Checkpoint::parse_text(&note.text)?;
        if checkpoint.origin != origin {
            return Err(CheckpointError::WrongOrigin {
                expected: origin.to_owned(),
                found: checkpoint.origin,
            });
        }
        note.verify(std::slice::from_ref(log_key))?;
        Ok((checkpoint, note))
    }
}

/// A decimal `u64` with no leading zeros (`0` alone is zero).
pub(crate) fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s.len() > 1 && s.starts_with('0') {
        return None;
    }
    s.parse().ok()
}

/// Standard padded base64 of exactly 32 bytes, in its one canonical form.
pub(crate) fn parse_hash(s: &str) -> Option<Hash> {
    if s.len() != 44 {
        return None;
    }
    let raw = STANDARD.decode(s).ok()?;
    let hash: Hash = raw.as_slice().try_into().ok()?;
    (STANDARD.encode(hash) == s).then_some(hash)
}

//! C2SP signed notes (`c2sp.org/signed-note`): a text ending in a newline, a blank line, and
//! signature lines `— <key name> base64(key ID || signature)`. Parsing is strict and bounded
//! ([`MAX_NOTE_LEN`], [`MAX_NOTE_SIGNATURES`]); Ed25519 signatures (type `0x01`) and timestamped
//! Ed25519 witness cosignatures (type `0x04`, `c2sp.org/tlog-cosignature`) are made and checked.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::limits::{MAX_NOTE_LEN, MAX_NOTE_NAME_LEN, MAX_NOTE_SIGNATURES};
use crate::suite::{Ed25519, Suite};

/// The signature type byte of a plain Ed25519 note signature.
pub const SIG_TYPE_ED25519: u8 = 0x01;

/// The signature type byte of a timestamped Ed25519 witness cosignature
/// (`c2sp.org/tlog-cosignature`).
pub const SIG_TYPE_COSIGNATURE: u8 = 0x04;

/// The message an Ed25519 cosignature signs: `cosignature/v1`, `time <t>`, then the note text.
pub fn cosigned_message(text: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{text}")
}

/// The 4-byte key ID: the first four bytes of SHA-256(name || 0x0A || type || public key).
pub fn key_id(name: &str, sig_type: u8, public_key: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0a, sig_type]);
    h.update(public_key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Why a note was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// Longer than [`MAX_NOTE_LEN`] bytes.
    #[error("a note of {0} bytes is longer than the limit of {MAX_NOTE_LEN}")]
    TooLong(usize),
    /// Not UTF-8.
    #[error("a note must be UTF-8")]
    NotUtf8,
    /// A control character other than newline.
    #[error("a note must not contain control characters other than newline")]
    ControlCharacter,
    /// No blank line separating the text from the signatures, or an empty text.
    #[error("a note needs a non-empty text, a blank line and signature lines")]
    NoSignatureBlock,
    /// A signature line is not `— <name> <base64>` ending in a newline.
    #[error("signature line {0} is malformed")]
    BadSignatureLine(usize),
    /// A key name is empty, too long, or contains a space or `+`.
    #[error("signature line {0} has an invalid key name")]
    BadKeyName(usize),
    /// A signature is not standard padded base64 of at least 5 bytes.
    #[error("signature line {0} is not base64 of a key ID and a signature")]
    BadSignatureEncoding(usize),
    /// More than [`MAX_NOTE_SIGNATURES`] signature lines.
    #[error("more than {MAX_NOTE_SIGNATURES} signatures")]
    TooManySignatures,
    /// A signature by a known key (same name and key ID) does not verify.
    #[error("the signature of {0} does not verify")]
    BadSignature(String),
    /// No signature by any of the keys asked for.
    #[error("the note is not signed by any key it must be signed by")]
    NotSigned,
}

/// One signature line: the key name, the key ID and the signature bytes after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key ID (first four bytes of the decoded signature).
    pub key_id: [u8; 4],
    /// The signature itself (the rest).
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line, without its newline: `— name base64(id || signature)`.
    pub fn line(&self) -> String {
        let mut raw = self.key_id.to_vec();
        raw.extend_from_slice(&self.signature);
        format!("\u{2014} {} {}", self.name, STANDARD.encode(raw))
    }
}

/// A parsed note: its text (with its final newline) and its signatures, none verified yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in a newline.
    pub text: String,
    /// The signature lines, in order.
    pub signatures: Vec<NoteSignature>,
}

/// A key name is non-empty, at most [`MAX_NOTE_NAME_LEN`] bytes, without Unicode white space,
/// `+`, or control characters.
pub fn valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NOTE_NAME_LEN
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

impl Note {
    /// Parses a signed note strictly.
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        if bytes.len() > MAX_NOTE_LEN {
            return Err(NoteError::TooLong(bytes.len()));
        }
        let s = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        if s.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::ControlCharacter);
        }
        // The text ends at the last blank line.
        let cut = s.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let (text, block) = (&s[..cut + 1], &s[cut + 2..]);
        if block.is_empty() || !block.ends_with('\n') {
            return Err(NoteError::NoSignatureBlock);
        }
        let mut signatures = Vec::new();
        for (n, line) in block[..block.len() - 1].split('\n').enumerate() {
            let line_no = n + 1;
            if signatures.len() == MAX_NOTE_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or(NoteError::BadSignatureLine(line_no))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or(NoteError::BadSignatureLine(line_no))?;
            if !valid_key_name(name) {
                return Err(NoteError::BadKeyName(line_no));
            }
            let raw = STANDARD
                .decode(b64)
                .map_err(|_| NoteError::BadSignatureEncoding(line_no))?;
            if raw.len() < 5 || STANDARD.encode(&raw) != b64 {
                return Err(NoteError::BadSignatureEncoding(line_no));
            }
            signatures.push(NoteSignature {
                name: name.to_owned(),
                key_id: [raw[0], raw[1], raw[2], raw[3]],
                signature: raw[4..].to_vec(),
            });
        }
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The note's bytes: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
            out.push('\n');
        }
        out
    }

    /// Checks the signatures by `keys` (C2SP rules: signatures by other keys are ignored; one by
    /// a known key that fails refuses the note) and returns the keys whose signature verified,
    /// at least one.
    pub fn verify<'k>(&self, keys: &'k [NoteKey]) -> Result<Vec<&'k NoteKey>, NoteError> {
        let mut ok = Vec::new();
        for sig in &self.signatures {
            for key in keys {
                if key.name == sig.name && key.id == sig.key_id {
                    key.check(&self.text, &sig.signature)
                        .ok_or_else(|| NoteError::BadSignature(key.name.clone()))?;
                    if !ok.iter().any(|k: &&NoteKey| std::ptr::eq(*k, key)) {
                        ok.push(key);
                    }
                }
            }
        }
        if ok.is_empty() {
            return Err(NoteError::NotSigned);
        }
        Ok(ok)
    }
}

/// What a note key's signatures are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoteKeyKind {
    /// Ed25519 over the note text (type `0x01`): a log's key.
    Ed25519,
    /// Timestamped Ed25519 cosignature (type `0x04`): a witness's key.
    Cosigner,
}

/// A note verifier key: a name, an Ed25519 public key and the kind of signature it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteKey {
    /// The key name (a log's origin, or a witness's name).
    pub name: String,
    /// The key ID derived from name, kind and key.
    pub id: [u8; 4],
    /// The public key.
    pub key: VerifyingKey,
    /// Plain signatures or cosignatures.
    pub kind: NoteKeyKind,
}

impl NoteKey {
    /// A verifier key for plain Ed25519 note signatures, or `None` for an invalid name.
    pub fn new(name: &str, key: VerifyingKey) -> Option<NoteKey> {
        valid_key_name(name).then(|| NoteKey {
            name: name.to_owned(),
            id: key_id(name, SIG_TYPE_ED25519, key.as_bytes()),
            key,
            kind: NoteKeyKind::Ed25519,
        })
    }

    /// A witness's verifier key for Ed25519 cosignatures, or `None` for an invalid name.
    pub fn cosigner(name: &str, key: VerifyingKey) -> Option<NoteKey> {
        valid_key_name(name).then(|| NoteKey {
            name: name.to_owned(),
            id: key_id(name, SIG_TYPE_COSIGNATURE, key.as_bytes()),
            key,
            kind: NoteKeyKind::Cosigner,
        })
    }

    /// Checks `signature` over `text`; for a cosignature, gives its time.
    fn check(&self, text: &str, signature: &[u8]) -> Option<u64> {
        match self.kind {
            NoteKeyKind::Ed25519 => Ed25519::verify(&self.key, text.as_bytes(), signature)
                .ok()
                .map(|()| 0),
            NoteKeyKind::Cosigner => {
                let (time, sig) = signature.split_first_chunk::<8>()?;
                let time = u64::from_be_bytes(*time);
                if time > i64::MAX as u64 {
                    return None;
                }
                Ed25519::verify(&self.key, cosigned_message(text, time).as_bytes(), sig)
                    .ok()
                    .map(|()| time)
            }
        }
    }
}

/// Cosigns `text` (a checkpoint's note text) as witness `name` at `time` (seconds since 1970,
/// at most 2^63 − 1).
pub fn cosign(name: &str, key: &SigningKey, text: &str, time: u64) -> NoteSignature {
    let mut signature = time.to_be_bytes().to_vec();
    signature.extend(Ed25519::sign(key, cosigned_message(text, time).as_bytes()));
    NoteSignature {
        name: name.to_owned(),
        key_id: key_id(name, SIG_TYPE_COSIGNATURE, key.verifying_key().as_bytes()),
        signature,
    }
}

/// Signs `text` (which must end in a newline) as `name`, giving the signature line's content.
pub fn sign(name: &str, key: &SigningKey, text: &str) -> NoteSignature {
    NoteSignature {
        name: name.to_owned(),
        key_id: key_id(name, SIG_TYPE_ED25519, key.verifying_key().as_bytes()),
        signature: Ed25519::sign(key, text.as_bytes()),
    }
}

//! Signed notes and checkpoints (`docs/LOG.md` §4): the first byte picks a mode, the rest is the
//! input.
//!
//! - mode 0: `Note::parse`. Property: a parsed note prints back as exactly the input; its text,
//!   when a checkpoint text, prints back exactly too.
//! - mode 1: `Checkpoint::open` against a TEST-ONLY log key. Property: only the checkpoint text
//!   signed here at start-up opens (other signature lines may be appended: they are ignored).
//! - mode 2: the rest as a note *text*, signed here; `Checkpoint::open` succeeds exactly when
//!   `Checkpoint::parse_text` of the text does and names the log's origin.
#![no_main]

use std::sync::OnceLock;

use elicense::{Checkpoint, Note, NoteKey, SigningKey};
use elicense_fuzz::mode;
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "elicense/log/11350100MB0312345H";

struct Fixture {
    key: SigningKey,
    note_key: NoteKey,
    signed_text: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let key = SigningKey::from_bytes(&[7; 32]);
        let note_key = NoteKey::new(ORIGIN, key.verifying_key()).expect("valid name");
        let cp = Checkpoint {
            origin: ORIGIN.into(),
            size: 3,
            root: [9; 32],
        };
        Fixture {
            signed_text: cp.text(),
            key,
            note_key,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 3) else {
        return;
    };
    let f = fixture();
    match mode {
        0 => {
            if let Ok(note) = Note::parse(input) {
                assert_eq!(
                    note.to_text().as_bytes(),
                    input,
                    "a note prints back differently"
                );
                if let Ok(cp) = Checkpoint::parse_text(&note.text) {
                    assert_eq!(cp.text(), note.text);
                }
            }
        }
        1 => {
            if let Ok((cp, note)) = Checkpoint::open(input, ORIGIN, &f.note_key) {
                assert_eq!(
                    note.text, f.signed_text,
                    "a checkpoint not signed here opened"
                );
                assert_eq!(cp.text(), note.text);
            }
        }
        _ => {
            let Ok(text) = std::str::from_utf8(input) else {
                return;
            };
            let note = Note {
                text: text.to_owned(),
                signatures: vec![elicense::tlog::sign(ORIGIN, &f.key, text)],
            };
            let opened = Checkpoint::open(note.to_text().as_bytes(), ORIGIN, &f.note_key);
            let parsed = Checkpoint::parse_text(text)
                .ok()
                .filter(|cp| cp.origin == ORIGIN);
            match (opened, parsed) {
                (Ok((cp, _)), Some(p)) => assert_eq!(cp, p),
                (Err(_), None) => {}
                // A text that is not a valid note text (control characters, no final newline,
                // a blank line making the signature block ambiguous) is refused by the note parser.
                (Err(_), Some(_)) => assert!(Note::parse(note.to_text().as_bytes()).is_err()),
                (Ok(_), None) => panic!("a checkpoint opened that does not parse"),
            }
        }
    }
});

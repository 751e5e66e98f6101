//! zlib streams with a preset dictionary (`elicense::dictionary`, issue 19): the first byte picks
//! a mode, the rest is the input.
//!
//! - mode 0: the rest as a stream, inflated with the version-2 dictionary
//!   (`fixtures/corpus/elicense-dict-v2-1.bin`). Property: no panic; an output is within the
//!   limit, and deflating it again inflates back to it.
//! - mode 1: the rest as data, deflated with that dictionary. Property: it inflates back exactly,
//!   and not with another dictionary.
//! - mode 2: the rest split at its first byte into a dictionary and a stream. Property: no panic,
//!   whatever the dictionary.
#![no_main]

use elicense::dictionary::{deflate, inflate, Dictionary};
use elicense_fuzz::mode;
use libfuzzer_sys::fuzz_target;

const DICT: &[u8] = include_bytes!("../../fixtures/corpus/elicense-dict-v2-1.bin");
const LIMIT: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((m, rest)) = mode(data, 3) else {
        return;
    };
    let dict = Dictionary::new(DICT).expect("the v2 dictionary");
    match m {
        0 => {
            if let Ok(out) = inflate(rest, &dict, LIMIT) {
                assert!(out.len() <= LIMIT);
                let again = deflate(&out, &dict).expect("deflate");
                assert_eq!(inflate(&again, &dict, LIMIT).expect("round trip"), out);
            }
        }
        1 => {
            if rest.len() > LIMIT {
                return;
            }
            let z = deflate(rest, &dict).expect("deflate");
            assert_eq!(inflate(&z, &dict, LIMIT).expect("round trip"), rest);
            let other = Dictionary::new(b"another dictionary").expect("dictionary");
            assert!(inflate(&z, &other, LIMIT).is_err());
        }
        _ => {
            let Some((&n, rest)) = rest.split_first() else {
                return;
            };
            let (d, stream) = rest.split_at(usize::from(n).min(rest.len()));
            if let Ok(dict) = Dictionary::new(d) {
                let _ = inflate(stream, &dict, LIMIT);
            }
        }
    }
});

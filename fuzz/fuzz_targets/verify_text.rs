//! Arbitrary UTF-8 text → `verify(Input::Text, fixtures trust store, VERIFY_AT)`.
//!
//! Properties:
//! - a Valid verdict only for a text that decodes to the exact COSE bytes of a fixture sample,
//!   and then for that sample's license;
//! - verifying the text is the same as decoding it and verifying the bytes (a decoding error is
//!   reported as the verdict's reason).
#![no_main]

use elicense::{transport, verify, Input, Reason, TextVersion, Verdict};
use elicense_fixtures::VERIFY_AT;
use elicense_fuzz::{trust_store, valid_documents};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let trust = trust_store();
    let verdict = verify(Input::Text(text), trust, VERIFY_AT);
    match transport::decode(text) {
        Err(e) => assert_eq!(verdict.reason(), Some(&Reason::Transport(e))),
        Ok(decoded) => {
            if let Verdict::Valid(ok) = &verdict {
                let expected = valid_documents().get(&decoded.signed);
                assert!(
                    expected.is_some(),
                    "valid verdict for a document that is not a fixture sample"
                );
                assert_eq!(Some(&ok.license), expected);
            }
            // A text is read as the version its prefix names, bytes by what they are: the two
            // agree whenever the prefix names what the bytes are, and a text whose prefix names
            // the other version is refused.
            let text_v2 = decoded.form.version == TextVersion::V2;
            if text_v2 == Input::Bytes(&decoded.signed).is_v2() {
                assert_eq!(
                    verdict,
                    verify(Input::Bytes(&decoded.signed), trust, VERIFY_AT),
                    "text and bytes verdicts differ"
                );
            } else {
                assert!(!verdict.is_valid(), "a text of the wrong version verifies");
            }
        }
    }
});

//! Arbitrary bytes → `verify(Input::Bytes, fixtures trust store, VERIFY_AT)`.
//!
//! Property: a Valid verdict only for the exact COSE bytes of a fixture sample, and then for
//! that sample's license.
#![no_main]

use elicense::{verify, Input, Verdict};
use elicense_fixtures::VERIFY_AT;
use elicense_fuzz::{trust_store, valid_documents};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Verdict::Valid(ok) = verify(Input::Bytes(data), trust_store(), VERIFY_AT) {
        let expected = valid_documents().get(data);
        assert!(
            expected.is_some(),
            "valid verdict for bytes that are not a fixture sample"
        );
        assert_eq!(Some(&ok.license), expected);
    }
});

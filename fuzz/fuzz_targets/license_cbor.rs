//! Arbitrary bytes → `License::from_cbor`.
//!
//! Property: decoding accepts only the deterministic encoding, so a decoded license re-encodes
//! to exactly the input bytes.
#![no_main]

use elicense::License;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(license) = License::from_cbor(data) else {
        return;
    };
    license
        .validate()
        .expect("a decoded license must pass validate()");
    let encoded = license
        .to_cbor()
        .expect("a decoded license must encode again");
    assert!(
        encoded == data,
        "from_cbor accepted a non-canonical encoding:\n input   {data:02x?}\n encoded {encoded:02x?}"
    );
});

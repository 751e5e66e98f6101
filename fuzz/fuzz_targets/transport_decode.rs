//! Arbitrary bytes → `transport::decode`, with the canonical-text property.
//!
//! Property (exact, see the comments below): when `decode` succeeds on an uncompressed form,
//! re-encoding the bytes uncompressed in the same encoding reproduces the transport text
//! byte for byte (after trimming and removing a URL's `...#`). Strict base45 and base64url
//! (no padding, no non-zero trailing bits) give each byte string exactly one text.
#![no_main]

use elicense::limits::{MAX_SIGNED_LEN, MAX_TEXT_LEN};
use elicense::{transport, Compression, TextVersion};
use elicense_fuzz::transport_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(decoded) = transport::decode(text) else {
        return;
    };
    assert!(
        decoded.signed.len() <= MAX_SIGNED_LEN,
        "decoded beyond the limit"
    );
    assert!(
        text.trim().len() <= MAX_TEXT_LEN,
        "accepted an over-long text"
    );

    // `decode` trims first and then takes a URL's fragment, so the text it decoded is a suffix of
    // the trimmed input: its end is already trimmed, and its start must be the exact `EL1...:`
    // prefix (a fragment starting with white space is rejected), so no further trimming can
    // apply. A valid base45 text never ends in white space (the last character of a group is its
    // most significant digit, at most 'W' = 32 for a 3-character group and '5' for a pair), so
    // trimming never removed part of the data either. Hence the property is exact.
    let inner = transport_text(text).expect("decode accepted a URL without a fragment, or http");
    assert!(
        inner.starts_with(decoded.form.prefix()),
        "decoded form {:?} does not match the text {inner:?}",
        decoded.form
    );

    let canonical = match decoded.form.version {
        TextVersion::V1 => {
            transport::encode(&decoded.signed, decoded.form.encoding, Compression::Never)
        }
        _ => transport::encode_v2(&decoded.signed, decoded.form.encoding, Compression::Never),
    };
    if !decoded.form.compressed {
        assert_eq!(
            canonical, inner,
            "two texts decode to the same bytes (non-canonical encoding accepted)"
        );
    } else if canonical.len() <= MAX_TEXT_LEN {
        // A compressed text has many equivalent zlib streams, so only check that the uncompressed
        // re-encoding decodes back to the same bytes (when it fits the text limit at all).
        let again = transport::decode(&canonical).expect("re-encoded text must decode");
        assert_eq!(again.signed, decoded.signed);
        assert!(!again.form.compressed);
    }
});

//! Attestations: the first byte picks a mode, the rest is the input.
//!
//! - mode 0: the rest → `Attestation::from_cbor`. Property: decoding accepts only the
//!   deterministic encoding, so `to_cbor()` of a decoded attestation gives back the input.
//! - mode 1: the rest as a detached attestation → `verify_attachment(Input::Bytes)` for the
//!   fixture PDF against the fixtures' verifier. Property: only the attestations the fixtures
//!   signed are accepted (as `Matches`, for the PDF they attest).
//! - mode 2: the rest as UTF-8 stamp text → `verify_attachment(Input::Text)`. Properties: as in
//!   mode 1, and the verdict equals decoding the text and verifying its bytes (a decoding error
//!   is the verdict's reason).
//! - mode 3: the rest as an attestation payload, signed here with the TEST-ONLY
//!   shanghai-realestate key, → `verify_attachment(Input::Bytes)`, so that the payload checks
//!   behind the signature are reached. Property: the verdict carries the attestation
//!   `from_cbor` decodes, and an undecodable payload is `Invalid`.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use elicense::{
    hash_reader, verify_attachment, AttachmentVerdict, Attestation, FileDigest,
};
use elicense::{cose, ContentType};
use elicense::transport;
use elicense::{Input, Reason, SigningKey};
use elicense_fixtures::{attachment_files, attestation, key, VERIFY_AT};
use elicense_fuzz::{mode, verifier};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    pdf: FileDigest,
    signed: HashSet<Vec<u8>>,
    key: SigningKey,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (_, _, pdf) = &attachment_files()[0];
        let key = key("shanghai-realestate").signing_key();
        let att = attestation();
        let signed = [att.sign(&key), att.stamp().sign(&key)]
            .into_iter()
            .map(|s| s.expect("fixture attestation"))
            .collect();
        Fixture {
            pdf: hash_reader(pdf.as_slice()).expect("in memory"),
            signed,
            key,
        }
    })
}

/// Mode 1 and 2's property for the signed bytes `signed` and their verdict.
fn check_genuine(signed: &[u8], verdict: &AttachmentVerdict) {
    let fixture = fixture();
    match verdict {
        AttachmentVerdict::Invalid(_) => {}
        AttachmentVerdict::Matches { attestation, .. } => {
            assert!(
                fixture.signed.contains(signed),
                "an attestation the fixtures never signed was accepted"
            );
            assert_eq!(attestation.file, fixture.pdf);
        }
        AttachmentVerdict::Mismatch { .. } => {
            panic!("the fixture attestations attest the PDF itself, never a mismatch")
        }
        other => panic!("unexpected verdict {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 4) else {
        return;
    };
    let fixture = fixture();
    let trust = verifier();
    match mode {
        0 => {
            if let Ok(att) = Attestation::from_cbor(input) {
                let encoded = att.to_cbor().expect("a decoded attestation encodes");
                assert!(
                    encoded == input,
                    "Attestation::from_cbor accepted a non-canonical encoding"
                );
                let _ = att.stamp().to_cbor().expect("its stamp encodes");
            }
        }
        1 => {
            let verdict = verify_attachment(&fixture.pdf, Input::Bytes(input), trust, VERIFY_AT);
            check_genuine(input, &verdict);
        }
        2 => {
            let Ok(text) = std::str::from_utf8(input) else {
                return;
            };
            let verdict = verify_attachment(&fixture.pdf, Input::Text(text), trust, VERIFY_AT);
            match transport::decode(text) {
                Err(e) => {
                    assert_eq!(verdict, AttachmentVerdict::Invalid(Reason::Transport(e)));
                }
                Ok(decoded) => {
                    check_genuine(&decoded.signed, &verdict);
                    let bytes = verify_attachment(
                        &fixture.pdf,
                        Input::Bytes(&decoded.signed),
                        trust,
                        VERIFY_AT,
                    );
                    assert_eq!(verdict, bytes, "text and bytes verdicts differ");
                }
            }
        }
        _ => {
            let signed = cose::sign(input, &fixture.key, ContentType::Attestation);
            let verdict = verify_attachment(&fixture.pdf, Input::Bytes(&signed), trust, VERIFY_AT);
            match (&verdict, Attestation::from_cbor(input)) {
                (AttachmentVerdict::Invalid(_), _) => {}
                (_, Err(e)) => panic!("accepted an undecodable attestation payload: {e}"),
                (
                    AttachmentVerdict::Matches { attestation, .. }
                    | AttachmentVerdict::Mismatch { attestation, .. },
                    Ok(decoded),
                ) => {
                    assert_eq!(**attestation, decoded);
                    assert_eq!(
                        matches!(verdict, AttachmentVerdict::Matches { .. }),
                        decoded.file == fixture.pdf
                    );
                }
                (other, Ok(_)) => panic!("unexpected verdict {other:?}"),
            }
        }
    }
});

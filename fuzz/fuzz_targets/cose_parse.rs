//! Arbitrary bytes → `CoseSign1::parse`; on success also build the Sig_structure and verify the
//! signature with one fixture key.
//!
//! Property: a signature that verifies under the fixture key `fuzhou-amr` must belong to one of
//! the documents the fixtures sign with that key. COSE_Sign1 parsing requires deterministic CBOR,
//! an empty unprotected header and strict Ed25519 (canonical S, R compared in canonical form), so
//! each signed (protected header, payload) pair has exactly one accepted byte form: anything else
//! that verifies would be a forgery or a malleability bug.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use elicense::{transport, CoseSign1, PublicKey};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    key: PublicKey,
    /// Every fixture document (samples and invalid cases) that parses and verifies under `key`.
    signed_by_key: HashSet<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let signer = elicense_fixtures::keys()
            .into_iter()
            .find(|k| k.name == "fuzhou-amr")
            .expect("fixture key fuzhou-amr");
        let key: PublicKey = signer.signing_key().verifying_key().into();
        let samples = elicense_fixtures::samples().into_iter().map(|s| s.signed());
        let invalid = elicense_fixtures::invalid_cases()
            .into_iter()
            .filter_map(|c| transport::decode(&c.text).ok().map(|d| d.signed));
        let signed_by_key = samples
            .chain(invalid)
            .filter(|doc| CoseSign1::parse(doc).is_ok_and(|c| c.verify(&key).is_ok()))
            .collect();
        Fixture { key, signed_by_key }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let Ok(cose) = CoseSign1::parse(data) else {
        return;
    };
    let tbs = cose.to_be_signed();
    // The Sig_structure embeds the payload, so it is never shorter than it.
    assert!(tbs.len() > cose.payload().len());
    let _ = (cose.kid(), cose.content_type(), cose.signature());
    if cose.verify(&fixture.key).is_ok() {
        assert!(
            fixture.signed_by_key.contains(data),
            "a document the fixtures never signed verifies under fuzhou-amr's key"
        );
    }
});

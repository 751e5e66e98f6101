//! Trust lists: the first byte picks a mode, the rest is the input.
//!
//! - mode 0: the rest as signed bytes → `TrustStore::load_trust_list` on a clone of the fixtures'
//!   verifier (both roots, `LOAD_ORDER` loaded). Property: it succeeds only for a trust list the
//!   fixtures signed (no forgery, no second accepted byte form).
//! - mode 1: the rest as a trust-list payload, signed here with the TEST-ONLY 福建 root key and
//!   loaded into a store that trusts only the roots, so that the payload parser and the
//!   certificate checks behind the signature are reached. Property: a loaded list decodes with
//!   `TrustList::from_cbor`, and the summary counts its certificates.
//! - mode 2: the rest → `TrustList::from_cbor`. Property: decoding accepts only the deterministic
//!   encoding, so `to_cbor()` of a decoded list gives back the input (or refuses it as too large).
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use elicense::{cose, ContentType};
use elicense::{SigningKey, TrustList, TrustStore};
use elicense_fixtures::trust::{root_certificate, trust_lists};
use elicense_fixtures::{key, VERIFY_AT};
use elicense_fuzz::{mode, verifier};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    signed_lists: HashSet<Vec<u8>>,
    root_key: SigningKey,
    roots_only: TrustStore,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut roots_only = TrustStore::new();
        for root in ["fujian-root", "shanghai-root"] {
            roots_only
                .add_root(&root_certificate(root))
                .expect("fixture root");
        }
        Fixture {
            signed_lists: trust_lists().into_values().collect(),
            root_key: key("fujian-root").signing_key(),
            roots_only,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 3) else {
        return;
    };
    let fixture = fixture();
    match mode {
        0 => {
            let mut store = verifier().clone();
            if store.load_trust_list(input, VERIFY_AT).is_ok() {
                assert!(
                    fixture.signed_lists.contains(input),
                    "a trust list the fixtures never signed was loaded"
                );
            }
        }
        1 => {
            let signed = cose::sign(input, &fixture.root_key, ContentType::TrustList);
            let mut store = fixture.roots_only.clone();
            if let Ok(summary) = store.load_trust_list(&signed, VERIFY_AT) {
                let list = TrustList::from_cbor(input).expect("a loaded list decodes");
                assert_eq!(summary.sequence, list.sequence);
                assert_eq!(
                    summary.departments + summary.revoked,
                    list.certificates.len()
                );
                assert!(summary.changed);
                assert_eq!(store.len(), summary.departments);
            }
        }
        _ => {
            if let Ok(list) = TrustList::from_cbor(input) {
                if let Ok(encoded) = list.to_cbor() {
                    assert!(
                        encoded == input,
                        "TrustList::from_cbor accepted a non-canonical encoding"
                    );
                }
            }
        }
    }
});

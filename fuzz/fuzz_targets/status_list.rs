//! Revocation status lists: the first byte picks a mode, the rest is the input.
//!
//! - mode 0: the rest as signed bytes → `TrustStore::load_status_list` on a clone of the
//!   fixtures' verifier. Property: it succeeds only for the status lists the fixtures signed.
//! - mode 1: the rest as a status-list payload, signed here with the TEST-ONLY fuzhou-amr key and
//!   loaded into the verifier's trust (roots and trust lists, no status list yet), so that the
//!   payload parser and bitstring inflation behind the signature are reached. Property: the
//!   loaded list equals `StatusList::from_cbor` of the payload, and answers every index query
//!   consistently with its size.
//! - mode 2: the rest → `StatusList::from_cbor`. Property: a decoded list encodes and decodes
//!   back to an equal list (the zlib stream itself need not be canonical).
#![no_main]

use std::sync::OnceLock;

use elicense::{cose, ContentType};
use elicense::{SigningKey, StatusList, TrustStore};
use elicense_fixtures::trust::{root_certificate, status_lists, trust_lists, LOAD_ORDER};
use elicense_fixtures::{key, VERIFY_AT};
use elicense_fuzz::{mode, verifier};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    signed: Vec<Vec<u8>>,
    key: SigningKey,
    without_status: TrustStore,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut store = TrustStore::new();
        for root in ["fujian-root", "shanghai-root"] {
            store
                .add_root(&root_certificate(root))
                .expect("fixture root");
        }
        let lists = trust_lists();
        for name in LOAD_ORDER {
            store
                .load_trust_list(&lists[name], VERIFY_AT)
                .expect("fixture trust list");
        }
        Fixture {
            signed: status_lists().into_values().collect(),
            key: key("fuzhou-amr").signing_key(),
            without_status: store,
        }
    })
}

fn check_queries(list: &StatusList) {
    let entries = list.entries();
    assert!(entries > 0);
    assert!(list.revoked_count() <= entries);
    assert!(list.is_revoked(entries - 1).is_some());
    assert_eq!(list.is_revoked(entries), None);
    assert_eq!(list.is_revoked(u64::MAX), None);
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 3) else {
        return;
    };
    let fixture = fixture();
    match mode {
        0 => {
            let mut store = verifier().clone();
            if store.load_status_list(input, VERIFY_AT).is_ok() {
                assert!(
                    fixture.signed.iter().any(|s| s.as_slice() == input),
                    "a status list the fixtures never signed was loaded"
                );
            }
        }
        1 => {
            let signed = cose::sign(input, &fixture.key, ContentType::StatusList);
            let mut store = fixture.without_status.clone();
            if let Ok(loaded) = store.load_status_list(&signed, VERIFY_AT) {
                let decoded = StatusList::from_cbor(input).expect("a loaded list decodes");
                assert_eq!(loaded, &decoded);
                check_queries(loaded);
            }
        }
        _ => {
            if let Ok(list) = StatusList::from_cbor(input) {
                check_queries(&list);
                let again =
                    StatusList::from_cbor(&list.to_cbor()).expect("re-encoded list decodes");
                assert_eq!(again, list);
            }
        }
    }
});

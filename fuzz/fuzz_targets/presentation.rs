//! Version-2 wire forms (issue 19, `docs/FORMAT.md` §10–§11): a plain COSE_Sign1, a holder's
//! copy `[protected, body + seed, signature]` or a presentation `[protected, body + shown
//! disclosures + hidden digests, signature]`.
//!
//! The bytes go to `Wire::parse`, then `LicenseV2::from_cbor` of the rebuilt signed payload and
//! `disclose` of the disclosures (stand-in issuer); to `verify(Input::Bytes)`; to `verify` of the
//! same bytes as an `EL2Z` text (deflated with the version-2 preset dictionary); and, when they
//! are UTF-8, to `verify(Input::Text)`. Properties, besides "never panics":
//! - a Valid verdict only for a license of the seed documents (`fuzz/seeds/presentation/`, signed
//!   with the fixture departments' keys: sequence numbers [`SEED_SEQUENCES`]), whose signature no
//!   fuzz input can forge;
//! - version-2 bytes and their `EL2Z` text get the same verdict;
//! - a holder's copy that verifies can be presented (`present`, the name shown) and the
//!   presentation verifies too, with the holder's name and no holder code.
#![no_main]

use elicense::{
    present, transport, verify, Compression, Encoding, HolderId, Input, LicenseV2, OrgCode,
    Verdict, Wire, WireForm,
};
use elicense_fixtures::VERIFY_AT;
use elicense_fuzz::trust_store;
use libfuzzer_sys::fuzz_target;

/// The sequence numbers of the licenses in `fuzz/seeds/presentation/` (written by
/// `fixtures/tests/fuzz_seeds.rs`, which uses the same numbers).
const SEED_SEQUENCES: &[u64] = &[2_001, 2_002, 2_003, 2_004, 2_005];

fuzz_target!(|data: &[u8]| {
    let trust = trust_store();
    let issuer = OrgCode::with_check("11350100MB0312345").expect("org code");
    let mut holders_copy = false;
    if let Ok(wire) = Wire::parse(data) {
        holders_copy = wire.form == WireForm::HoldersCopy;
        if let Ok(v2) = LicenseV2::from_cbor(wire.cose.payload()) {
            let _ = v2.template();
            let _ = v2.disclose(&wire.disclosures, (&issuer, "某部门"));
        }
    }
    let bytes = Input::Bytes(data);
    let verdict = verify(bytes, trust, VERIFY_AT);
    if let Verdict::Valid(ok) = &verdict {
        assert!(
            SEED_SEQUENCES.contains(&ok.license.id.sequence()),
            "valid verdict for a license that is not a seed: {:?}",
            ok.license
        );
        if holders_copy {
            let shown = present(data, &["holder_name"]).expect("a valid holder's copy presents");
            match verify(Input::Bytes(&shown), trust, VERIFY_AT) {
                Verdict::Valid(p) => {
                    assert_eq!(p.license.holder.name, ok.license.holder.name);
                    assert_eq!(p.license.holder.id, HolderId::NotShown);
                }
                other => panic!("the presentation of a valid holder's copy: {other:?}"),
            }
        }
    }
    if bytes.is_v2() {
        let text = transport::encode_v2(data, Encoding::Base45, Compression::Always);
        let from_text = verify(Input::Text(&text), trust, VERIFY_AT);
        assert_eq!(
            verdict.is_valid(),
            from_text.is_valid(),
            "bytes and EL2Z text verdicts differ: {verdict:?} / {from_text:?}"
        );
        if let (Verdict::Valid(a), Verdict::Valid(b)) = (&verdict, &from_text) {
            assert_eq!(a.license, b.license);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Verdict::Valid(ok) = verify(Input::Text(text), trust, VERIFY_AT) {
            assert!(SEED_SEQUENCES.contains(&ok.license.id.sequence()));
        }
    }
});

//! Status lists and trust lists: encoding rules, limits and the revocation size target.

use elicense::limits::MAX_STATUS_ENTRIES;
use elicense::ContentType;
use elicense::*;
use time::macros::datetime;

fn org() -> OrgCode {
    OrgCode::with_check("11350100MB0312345").unwrap()
}

/// Deterministic pseudo-random indexes (a 64-bit LCG), so the test is repeatable.
fn indexes(count: usize, below: u64) -> Vec<u64> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..count)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 11) % below
        })
        .collect()
}

#[test]
fn a_million_licenses_with_few_revoked_fit_in_16_kb() {
    let key = SigningKey::from_bytes(&[5; 32]);
    for revoked in [0usize, 100, 1_000] {
        let mut list = StatusList::new(
            org(),
            1,
            datetime!(2025-05-01 0:00 UTC),
            datetime!(2025-05-01 0:00 UTC) + time::Duration::days(30),
            1_000_000,
        )
        .unwrap();
        for i in indexes(revoked, 1_000_000) {
            list.revoke(i).unwrap();
        }
        let signed = list.sign(&key).unwrap();
        assert!(
            signed.len() <= 16 * 1024,
            "{revoked} revoked of 1,000,000: {} bytes",
            signed.len()
        );
        let parsed = CoseSign1::parse_with_limit(&signed, 1 << 20).unwrap();
        let back = StatusList::from_cbor(parsed.payload()).unwrap();
        assert_eq!(back, list);
        assert!(back.revoked_count() <= revoked as u64);
        for i in indexes(revoked, 1_000_000) {
            assert_eq!(back.is_revoked(i), Some(true));
        }
        println!(
            "status list, {revoked} of 1,000,000 revoked: {} bytes signed",
            signed.len()
        );
    }
}

#[test]
fn status_bits_are_most_significant_first() {
    let mut list = StatusList::new(
        org(),
        1,
        datetime!(2025-05-01 0:00 UTC),
        datetime!(2025-05-01 0:00 UTC) + time::Duration::days(30),
        10,
    )
    .unwrap();
    list.revoke(0).unwrap();
    list.revoke(9).unwrap();
    assert_eq!(list.is_revoked(0), Some(true));
    assert_eq!(list.is_revoked(1), Some(false));
    assert_eq!(list.is_revoked(9), Some(true));
    assert_eq!(list.is_revoked(10), None);
    assert_eq!(
        list.revoke(10).unwrap_err().code(),
        "status_index_out_of_range"
    );
    // Inflate the bitstring from the encoding: 0b1000_0000, 0b0100_0000.
    let cbor = list.to_cbor();
    let back = StatusList::from_cbor(&cbor).unwrap();
    assert_eq!(back, list);
}

#[test]
fn status_list_limits() {
    let at = datetime!(2025-05-01 0:00 UTC);
    assert!(StatusList::new(org(), 1, at, at + time::Duration::days(30), 0).is_err());
    assert!(StatusList::new(
        org(),
        1,
        at,
        at + time::Duration::days(30),
        MAX_STATUS_ENTRIES + 1
    )
    .is_err());
    assert!(StatusList::new(
        org(),
        1,
        at,
        at + time::Duration::days(30),
        MAX_STATUS_ENTRIES
    )
    .is_ok());
}

#[test]
fn status_list_bitstring_bomb_is_stopped() {
    // A list claiming 8 entries (1 byte) whose bitstring inflates to far more.
    let list = StatusList::new(
        org(),
        1,
        datetime!(2025-05-01 0:00 UTC),
        datetime!(2025-05-01 0:00 UTC) + time::Duration::days(30),
        8,
    )
    .unwrap();
    let mut cbor = list.to_cbor();
    let z = miniz_oxide_compress(&vec![0u8; 1 << 20]);
    // Replace the bitstring (the last item) with the bomb.
    let good_z_len = {
        let v: serde_cbor::Value = serde_cbor::from_slice(&cbor).unwrap();
        match v {
            serde_cbor::Value::Map(m) => match &m[&serde_cbor::Value::Integer(5)] {
                serde_cbor::Value::Bytes(b) => b.len(),
                _ => unreachable!(),
            },
            _ => unreachable!(),
        }
    };
    cbor.truncate(cbor.len() - good_z_len - 1);
    cbor.extend(serde_cbor::to_vec(&serde_cbor::Value::Bytes(z)).unwrap());
    let err = StatusList::from_cbor(&cbor).unwrap_err();
    assert_eq!(err.code(), "malformed", "{err}");
}

fn miniz_oxide_compress(bytes: &[u8]) -> Vec<u8> {
    // The same zlib the library uses, through its public transport encoder.
    let text = transport::encode(bytes, Encoding::Base64Url, Compression::Always);
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_start_matches("EL1ZU:"))
        .unwrap()
}

#[test]
fn trust_list_round_trips_and_rejects_unknown_keys() {
    let list = TrustList {
        root_name: "根".into(),
        sequence: 7,
        issued_at: datetime!(2025-05-01 0:00 UTC),
        next_update: datetime!(2025-05-01 0:00 UTC) + time::Duration::days(30),
        certificates: vec![vec![1, 2, 3]],
        revoked: vec![[9; 32]],
        logs: vec![],
    };
    let cbor = list.to_cbor().unwrap();
    assert_eq!(TrustList::from_cbor(&cbor).unwrap(), list);
    let empty = TrustList {
        certificates: vec![],
        ..list.clone()
    };
    assert_eq!(empty.to_cbor().unwrap_err().code(), "malformed");
    // A trust list is signed with its own content type.
    let key = SigningKey::from_bytes(&[6; 32]);
    let signed = list.sign(&key).unwrap();
    let parsed = CoseSign1::parse_with_limit(&signed, 1 << 20).unwrap();
    assert_eq!(parsed.content_type(), ContentType::TrustList);
}

#[test]
fn a_trust_list_from_an_untrusted_root_is_refused() {
    let key = SigningKey::from_bytes(&[6; 32]);
    let list = TrustList {
        root_name: "根".into(),
        sequence: 1,
        issued_at: datetime!(2025-05-01 0:00 UTC),
        next_update: datetime!(2025-05-01 0:00 UTC) + time::Duration::days(30),
        certificates: vec![vec![1, 2, 3]],
        revoked: vec![],
        logs: vec![],
    };
    let mut store = TrustStore::new();
    let err = store
        .load_trust_list(&list.sign(&key).unwrap(), datetime!(2025-06-01 0:00 UTC))
        .unwrap_err();
    assert_eq!(err.code(), "unknown_root");
    // A license is not a trust list.
    let err = store
        .load_trust_list(
            &cose::sign(b"x", &key, ContentType::License),
            datetime!(2025-06-01 0:00 UTC),
        )
        .unwrap_err();
    assert_eq!(err.code(), "bad_cose");
}

/// Found by the `status_list` fuzz target (kept in `fuzz/regressions/status_list/`): a list of
/// 10 entries whose bitstring's second byte had a padding bit set decoded, and then counted a
/// revocation it does not have. Padding bits after the last entry must be zero.
#[test]
fn status_bitstring_padding_must_be_zero() {
    use serde_cbor::Value;
    let list = StatusList::new(
        org(),
        1,
        datetime!(2025-05-01 0:00 UTC),
        datetime!(2025-05-01 0:00 UTC) + time::Duration::days(30),
        10,
    )
    .unwrap();
    let Value::Map(good) = serde_cbor::from_slice(&list.to_cbor()).unwrap() else {
        panic!("a status list is a map");
    };
    // Entries 8 and 9 are the two most significant bits of the second byte.
    for (second, revoked) in [(0x00, Some(0)), (0x40, Some(1)), (0xc0, Some(2))]
        .into_iter()
        .chain([0x20, 0x01, 0x3f].map(|b| (b, None)))
    {
        let mut map = good.clone();
        map.insert(
            Value::Integer(5),
            Value::Bytes(miniz_oxide_compress(&[0, second])),
        );
        let cbor = serde_cbor::to_vec(&Value::Map(map)).unwrap();
        match (StatusList::from_cbor(&cbor), revoked) {
            (Ok(back), Some(n)) => assert_eq!(back.revoked_count(), n),
            (Err(e), None) => assert!(e.to_string().contains("padding bits"), "{e}"),
            (other, _) => panic!("second byte {second:#04x}: {other:?}"),
        }
    }
}

/// A remembered trust state's JSON for these roots (fingerprint, sequence, list digest).
fn state_json(roots: &[([u8; 32], u64, [u8; 32])]) -> String {
    let roots: Vec<String> = roots
        .iter()
        .map(|(fp, seq, digest)| {
            format!(
                r#""{}":{{"sequence":{seq},"list_sha256":"{}"}}"#,
                hex::encode(fp),
                hex::encode(digest)
            )
        })
        .collect();
    format!(r#"{{"version":1,"roots":{{{}}}}}"#, roots.join(","))
}

proptest::proptest! {
    /// The remembered trust state (TRUST.md "Rollback") is read from a browser's storage or a
    /// file: any text is refused or read, never a panic; what is read writes back the same.
    #[test]
    fn trust_state_text_round_trips_and_never_panics(
        roots in proptest::collection::vec(
            (proptest::array::uniform32(0u8..), 0u64.., proptest::array::uniform32(0u8..)),
            0..8,
        ),
        cut in 0usize..2000,
        flip in 0usize..2000,
        byte in 0u8..,
    ) {
        let mut roots = roots;
        roots.sort_by_key(|r| r.0);
        roots.dedup_by_key(|r| r.0);
        let json = state_json(&roots);
        let state = TrustState::from_json(&json).unwrap();
        proptest::prop_assert_eq!(state.len(), roots.len());
        proptest::prop_assert_eq!(TrustState::from_json(&state.to_json()).unwrap(), state.clone());
        let written = state.to_json();
        proptest::prop_assert_eq!(&written, &json);
        // Damaged texts: cut short, or one byte changed.
        let _ = TrustState::from_json(&json[..cut.min(json.len())]);
        let mut bytes = json.into_bytes();
        let i = flip % bytes.len();
        bytes[i] = byte;
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = TrustState::from_json(text);
        }
    }
}

//! Property tests: any valid license survives encode → sign → text → verify unchanged; no input,
//! however malformed, makes a parser panic or a mutated document verify; an edited text verifies
//! only as the very same license; and every refusal has a listed code on which `verify_many`, the
//! view and `inspect` agree (against a store that trusts a key, so a forgery could pass).

use elicense::identifier::MAX_SEQUENCE;
use elicense::*;
use elicense::{transport, Compression, Encoding};
use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

const ORG_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn org_code() -> impl Strategy<Value = OrgCode> {
    proptest::collection::vec(proptest::sample::select(ORG_ALPHABET.as_bytes()), 17)
        .prop_map(|v| OrgCode::with_check(std::str::from_utf8(&v).unwrap()).unwrap())
}

fn resident_id() -> impl Strategy<Value = ResidentId> {
    "[0-9]{17}".prop_map(|s| ResidentId::with_check(&s).unwrap())
}

/// Printable text (no control, format, line or paragraph separator characters), 1 to 40
/// characters.
fn text() -> impl Strategy<Value = String> {
    "[^\\p{C}\\p{Zl}\\p{Zp}]{1,40}"
}

fn date() -> impl Strategy<Value = Date> {
    let min = Date::from_calendar_date(1, time::Month::January, 1)
        .unwrap()
        .to_julian_day();
    let max = Date::from_calendar_date(9999, time::Month::December, 31)
        .unwrap()
        .to_julian_day();
    (min..=max).prop_map(|jd| Date::from_julian_day(jd).unwrap())
}

fn field_value() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        text().prop_map(FieldValue::Text),
        date().prop_map(FieldValue::Date),
        any::<i64>().prop_map(FieldValue::Integer),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(FieldValue::Bytes),
    ]
}

fn holder_id() -> impl Strategy<Value = HolderId> {
    prop_oneof![
        org_code().prop_map(HolderId::Organisation),
        resident_id().prop_map(HolderId::Person),
        "[A-Z0-9]{1,20}".prop_map(HolderId::Other),
    ]
}

fn attachment() -> impl Strategy<Value = AttachmentRef> {
    (
        any::<[u8; 32]>(),
        any::<u64>(),
        prop_oneof![
            Just("application/pdf"),
            Just("image/jpeg"),
            Just("image/png")
        ],
        "[a-z0-9_.-]{0,20}[a-z0-9]\\.(pdf|jpg)|扫描件[0-9]{1,3}\\.pdf",
    )
        .prop_map(|(sha256, size, mt, name)| AttachmentRef {
            sha256,
            size,
            media_type: mt.into(),
            file_name: name,
        })
}

prop_compose! {
    fn license()(
        type_code in "[0-9A-Z]{2,16}",
        issuer in org_code(),
        sequence in 0..=MAX_SEQUENCE,
        type_name in text(),
        issuer_name in text(),
        holder_name in text(),
        holder_id in holder_id(),
        day_a in date(),
        day_b in date(),
        length in proptest::option::of(0i64..40_000),
        fields in proptest::collection::btree_map("[a-z][a-z0-9_]{0,31}", field_value(), 0..8),
        attachments in proptest::collection::vec(attachment(), 0..4),
        status_index in proptest::option::of(any::<u64>()),
    ) -> License {
        // Validity never starts before the issue date.
        let (issued_on, from) = (day_a.min(day_b), day_a.max(day_b));
        let max = Date::from_calendar_date(9999, time::Month::December, 31).unwrap();
        let validity = match length {
            Some(days) => Validity::until(from, from.checked_add(Duration::days(days)).unwrap_or(max).min(max)).unwrap(),
            None => Validity::perpetual(from),
        };
        License {
            id: LicenseId::new(type_code.parse().unwrap(), issuer, sequence).unwrap(),
            type_name,
            issuer_name,
            holder: Holder { name: holder_name, id: holder_id },
            issued_on,
            validity,
            fields: fields.into_iter().map(|(k, v)| Field::new(k, v)).collect(),
            attachments,
            status_index,
            not_shown: vec![],
        }
    }
}

fn encoding() -> impl Strategy<Value = (Encoding, Compression)> {
    (
        prop_oneof![Just(Encoding::Base45), Just(Encoding::Base64Url)],
        prop_oneof![
            Just(Compression::Auto),
            Just(Compression::Always),
            Just(Compression::Never)
        ],
    )
}

/// Noon in China on `date`.
fn noon(date: Date) -> OffsetDateTime {
    date.with_time(Time::from_hms(12, 0, 0).unwrap())
        .assume_offset(UtcOffset::from_hms(8, 0, 0).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn cbor_round_trip_is_exact_and_deterministic(license in license()) {
        let bytes = license.to_cbor().unwrap();
        prop_assert_eq!(&license.to_cbor().unwrap(), &bytes);
        prop_assert_eq!(License::from_cbor(&bytes).unwrap(), license);
    }

    #[test]
    fn sign_text_verify_gives_the_license_back(
        license in license(),
        seed in any::<[u8; 32]>(),
        (enc, comp) in encoding(),
    ) {
        let key = SigningKey::from_bytes(&seed);
        let mut trust = TrustStore::new();
        trust.add(key.verifying_key(), license.issuer_code().clone(), "部门").unwrap();
        let text = transport::encode(&license.sign(&key).unwrap(), enc, comp);
        match verify(Input::Text(&text), &trust, noon(license.validity.from())) {
            Verdict::Valid(ok) => prop_assert_eq!(ok.license, license),
            Verdict::Invalid(bad) => prop_assert!(false, "rejected: {}", bad.reason),
            other => prop_assert!(false, "unexpected verdict {other:?}"),
        }
    }

    #[test]
    fn a_changed_byte_never_verifies(
        license in license(),
        position in any::<prop::sample::Index>(),
        xor in 1u8..=255,
    ) {
        let key = SigningKey::from_bytes(&[3; 32]);
        let mut trust = TrustStore::new();
        trust.add(key.verifying_key(), license.issuer_code().clone(), "部门").unwrap();
        let mut signed = license.sign(&key).unwrap();
        let i = position.index(signed.len());
        signed[i] ^= xor;
        let verdict = verify(Input::Bytes(&signed), &trust, noon(license.validity.from()));
        prop_assert!(!verdict.is_valid(), "byte {} ^ {:#x} still verifies", i, xor);
    }

    #[test]
    fn arbitrary_bytes_are_refused_consistently(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let (_, trust) = trusting(&[3; 32]);
        let now = noon(Date::from_calendar_date(2025, time::Month::June, 1).unwrap());
        let _ = License::from_cbor(&bytes);
        let _ = CoseSign1::parse(&bytes);
        for input in [Input::Bytes(&bytes), Input::sniff(&bytes)] {
            let verdict = verify(input, &trust, now);
            check_refusal(&verdict, input, &trust, now)?;
        }
    }

    #[test]
    fn arbitrary_texts_are_refused_consistently(s in "(EL1(Z)?(U)?:)?\\PC{0,300}", t in "EL1Z?:[0-9A-Z $%*+./:-]{0,600}") {
        let (_, trust) = trusting(&[3; 32]);
        let now = noon(Date::from_calendar_date(2025, time::Month::June, 1).unwrap());
        for text in [&s, &t] {
            let verdict = verify(Input::Text(text), &trust, now);
            check_refusal(&verdict, Input::Text(text), &trust, now)?;
        }
    }

    /// Edits to a genuine text (characters replaced, inserted or removed) never make it verify as
    /// anything but the very same signed license, and every refusal is consistent.
    #[test]
    fn an_edited_text_never_verifies_as_another_license(
        license in license(),
        (enc, comp) in encoding(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<char>()), 1..4),
    ) {
        let (key, trust) = trusting(&[3; 32]);
        let license = License { id: LicenseId::new(license.type_code().clone(), key_org(), license.id.sequence()).unwrap(), ..license };
        let signed = license.sign(&key).unwrap();
        let mut chars: Vec<char> = transport::encode(&signed, enc, comp).chars().collect();
        for (at, kind, c) in edits {
            let i = at.index(chars.len() + 1);
            match kind {
                0 if i < chars.len() => chars[i] = c,
                1 => chars.insert(i, c),
                _ if i < chars.len() => { chars.remove(i); }
                _ => chars.push(c),
            }
        }
        let text: String = chars.into_iter().collect();
        let now = noon(license.validity.from());
        let verdict = verify(Input::Text(&text), &trust, now);
        match &verdict {
            Verdict::Valid(ok) => {
                prop_assert_eq!(&ok.license, &license);
                prop_assert_eq!(transport::decode(&text).map(|d| d.signed), Ok(signed));
            }
            _ => check_refusal(&verdict, Input::Text(&text), &trust, now)?,
        }
    }
}

fn key_org() -> OrgCode {
    OrgCode::with_check("11350100MB0312345").unwrap()
}

/// A store trusting the key with `seed` for [`key_org`].
fn trusting(seed: &[u8; 32]) -> (SigningKey, TrustStore) {
    let key = SigningKey::from_bytes(seed);
    let mut trust = TrustStore::new();
    trust.add(key.verifying_key(), key_org(), "部门").unwrap();
    (key, trust)
}

/// `verdict` on `input` is a refusal whose code is listed, which `verify_many`, the view and (for
/// what it can read) `inspect` agree with.
fn check_refusal(
    verdict: &Verdict,
    input: Input<'_>,
    trust: &TrustStore,
    now: OffsetDateTime,
) -> Result<(), TestCaseError> {
    let Some(reason) = verdict.reason() else {
        return Err(TestCaseError::fail(format!("{input:?} verifies")));
    };
    prop_assert!(
        reason_code(reason.code()).is_some(),
        "unlisted code {}",
        reason.code()
    );
    prop_assert_eq!(reason.info().code, reason.code());
    prop_assert_eq!(&verify_many(&[input], trust, now)[0], verdict);
    let view = VerdictView::new(verdict);
    prop_assert!(!view.valid);
    prop_assert_eq!(view.code, Some(reason.code()));
    if let Err(r) = inspect(input) {
        // What inspect cannot read, verify refuses for the same reason.
        prop_assert_eq!(&r, reason);
    }
    Ok(())
}

//! Each rule of the license model gives its own precise error.

use elicense::*;
use time::macros::date;

fn sample() -> License {
    let org = OrgCode::with_check("11350100MB0312345").unwrap();
    License {
        id: LicenseId::new("YYZZ".parse().unwrap(), org, 1).unwrap(),
        type_name: "营业执照".into(),
        issuer_name: "福州市市场监督管理局".into(),
        holder: Holder {
            name: "福州示例科技有限公司".into(),
            id: HolderId::Organisation(OrgCode::with_check("91350100MA8T2Q3X1").unwrap()),
        },
        issued_on: date!(2024 - 03 - 01),
        validity: Validity::until(date!(2024 - 03 - 01), date!(2034 - 02 - 28)).unwrap(),
        fields: vec![Field::new(
            "legal_representative",
            FieldValue::Text("张三".into()),
        )],
        attachments: vec![],
        status_index: None,
        not_shown: vec![],
    }
}

fn err(f: impl FnOnce(&mut License)) -> LicenseError {
    let mut l = sample();
    f(&mut l);
    l.to_cbor().unwrap_err()
}

#[test]
fn sample_is_valid() {
    let l = sample();
    assert_eq!(License::from_cbor(&l.to_cbor().unwrap()).unwrap(), l);
}

#[test]
fn reversed_validity_is_refused() {
    assert!(matches!(
        Validity::until(date!(2024 - 03 - 01), date!(2024 - 02 - 29)),
        Err(LicenseError::ValidityReversed { .. })
    ));
    assert!(Validity::until(date!(2024 - 03 - 01), date!(2024 - 03 - 01)).is_ok());
}

#[test]
fn texts_must_be_printable_and_bounded() {
    assert_eq!(
        err(|l| l.holder.name = String::new()),
        LicenseError::EmptyText("holder name".into())
    );
    assert!(matches!(
        err(|l| l.issuer_name = "局\u{1b}[31m".into()),
        LicenseError::ForbiddenChar {
            code: 0x1b,
            position: 2,
            ..
        }
    ));
    // Right-to-left override could make a name display differently from its bytes.
    assert!(matches!(
        err(|l| l.holder.name = "abc\u{202e}fed".into()),
        LicenseError::ForbiddenChar { code: 0x202e, .. }
    ));
    // Invisible format characters: zero-width space, non-joiner and joiner, line and paragraph
    // separators, the byte order mark, the Arabic letter mark and every bidi control.
    for c in [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{2028}', '\u{2029}',
        '\u{202A}', '\u{202E}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{FEFF}', '\u{061C}',
    ] {
        let e = err(|l| l.holder.name = format!("张{c}三"));
        assert_eq!(
            e,
            LicenseError::ForbiddenChar {
                field: "holder name".into(),
                code: c as u32,
                position: 2
            },
            "U+{:04X}",
            c as u32
        );
    }
    assert!(matches!(
        err(|l| l.type_name = "证".repeat(400)),
        LicenseError::TooLong {
            len: 1200,
            max: 1024,
            ..
        }
    ));
}

#[test]
fn field_keys_are_checked() {
    assert_eq!(
        err(|l| l.fields.push(Field::new("Bad-Key", FieldValue::Integer(1)))),
        LicenseError::BadFieldKey("Bad-Key".into())
    );
    assert_eq!(
        err(|l| l
            .fields
            .push(Field::new("legal_representative", FieldValue::Integer(1)))),
        LicenseError::DuplicateFieldKey("legal_representative".into())
    );
    assert!(matches!(
        err(|l| l.fields = (0..65)
            .map(|i| Field::new(format!("f{i}"), FieldValue::Integer(i)))
            .collect()),
        LicenseError::TooMany {
            what: "fields",
            count: 65,
            max: 64
        }
    ));
}

#[test]
fn attachments_are_checked() {
    let att = AttachmentRef {
        sha256: [0; 32],
        size: 1,
        media_type: "application/pdf".into(),
        file_name: "../../etc/passwd".into(),
    };
    assert!(matches!(
        err(|l| l.attachments.push(att.clone())),
        LicenseError::BadAttachment { index: 0, .. }
    ));
    let att = AttachmentRef {
        media_type: "pdf".into(),
        file_name: "scan.pdf".into(),
        ..att
    };
    assert!(matches!(
        err(|l| l.attachments.push(att)),
        LicenseError::BadAttachment { index: 0, .. }
    ));
}

#[test]
fn dates_outside_years_1_to_9999_are_refused() {
    let ancient = time::Date::from_calendar_date(-5, time::Month::January, 1).unwrap();
    assert!(matches!(
        err(|l| l.issued_on = ancient),
        LicenseError::DateOutOfRange { .. }
    ));
}

#[test]
fn oversized_payload_is_refused() {
    assert!(matches!(
        err(|l| l.fields = (0..8)
            .map(|i| Field::new(format!("blob{i}"), FieldValue::Bytes(vec![0; 4096])))
            .collect()),
        LicenseError::PayloadTooLarge { .. }
    ));
}

#[test]
fn expiry_is_inclusive_in_china_time() {
    let key = SigningKey::from_bytes(&[9; 32]);
    let l = sample();
    let mut trust = TrustStore::new();
    trust
        .add(
            key.verifying_key(),
            l.issuer_code().clone(),
            "福州市市场监督管理局",
        )
        .unwrap();
    let signed = l.sign(&key).unwrap();
    let at = |s: time::OffsetDateTime| verify(Input::Bytes(&signed), &trust, s);
    // 2034-02-28 23:59 in Beijing is 15:59 UTC: still valid.
    assert!(at(time::macros::datetime!(2034-02-28 15:59 UTC)).is_valid());
    // Within the 5-minute clock skew after midnight in Beijing: still valid.
    assert!(at(time::macros::datetime!(2034-02-28 16:04 UTC)).is_valid());
    // Beyond it: expired.
    assert_eq!(
        at(time::macros::datetime!(2034-02-28 16:06 UTC))
            .reason()
            .map(Reason::code),
        Some("expired")
    );
}

/// A trust store for `sample()`'s issuer and the key that signs for it.
fn signer() -> (SigningKey, TrustStore) {
    let key = SigningKey::from_bytes(&[9; 32]);
    let mut trust = TrustStore::new();
    trust
        .add(
            key.verifying_key(),
            sample().issuer_code().clone(),
            "福州市市场监督管理局",
        )
        .unwrap();
    (key, trust)
}

#[test]
fn validity_starts_in_china_time() {
    let (key, trust) = signer();
    // Issued on 2024-02-01, valid from 2024-03-01.
    let mut l = sample();
    l.issued_on = date!(2024 - 02 - 01);
    let signed = l.sign(&key).unwrap();
    let at = |s: time::OffsetDateTime| verify(Input::Bytes(&signed), &trust, s);
    // The day before validity starts, more than the skew before midnight: not yet valid.
    assert_eq!(
        at(time::macros::datetime!(2024-02-29 15:54 UTC))
            .reason()
            .map(Reason::code),
        Some("not_yet_valid")
    );
    assert!(at(time::macros::datetime!(2024-02-29 15:56 UTC)).is_valid());
    assert!(at(time::macros::datetime!(2024-02-29 16:00 UTC)).is_valid());
}

#[test]
fn a_license_issued_in_the_future_is_invalid() {
    let (key, trust) = signer();
    // Issued (and valid from) 2024-03-01 in Beijing.
    let signed = sample().sign(&key).unwrap();
    let at = |s: time::OffsetDateTime| verify(Input::Bytes(&signed), &trust, s);
    // 2024-02-29 23:54 in Beijing, more than the clock skew before the issue day.
    assert_eq!(
        at(time::macros::datetime!(2024-02-29 15:54 UTC))
            .reason()
            .map(Reason::code),
        Some("issued_in_future")
    );
    // A year early, too, whatever the validity says.
    let mut l = sample();
    l.validity = Validity::perpetual(date!(2025 - 03 - 01));
    let signed_later = l.sign(&key).unwrap();
    assert_eq!(
        verify(
            Input::Bytes(&signed_later),
            &trust,
            time::macros::datetime!(2023-03-01 12:00 +8)
        )
        .reason()
        .map(Reason::code),
        Some("issued_in_future")
    );
    // Within the skew, and on the day: valid.
    assert!(at(time::macros::datetime!(2024-02-29 15:56 UTC)).is_valid());
    assert!(at(time::macros::datetime!(2024-03-01 00:00 +8)).is_valid());
}

#[test]
fn validity_may_not_start_before_the_issue_date() {
    // Encoding refuses it.
    let mut l = sample();
    l.validity = Validity::until(date!(2024 - 02 - 29), date!(2034 - 02 - 28)).unwrap();
    let e = l.to_cbor().unwrap_err();
    assert_eq!(
        e.to_string(),
        "validity starts on 2024-02-29, before the issue date 2024-03-01"
    );
    // Decoding refuses it: nbf (key 5) one day before iat (key 6), both 19783 (2024-03-01).
    let mut payload = sample().to_cbor().unwrap();
    let nbf = [0x05, 0x19, 0x4d, 0x47, 0x06, 0x19, 0x4d, 0x47];
    let at = payload
        .windows(nbf.len())
        .position(|w| w == nbf)
        .expect("nbf and iat in the payload");
    payload[at + 3] = 0x46;
    assert_eq!(License::from_cbor(&payload).unwrap_err(), e);
    // And a verifier reports it as a malformed license.
    let (key, trust) = signer();
    let signed = elicense::cose::sign(&payload, &key, ContentType::License);
    let verdict = verify(
        Input::Bytes(&signed),
        &trust,
        time::macros::datetime!(2024-06-01 12:00 +8),
    );
    assert_eq!(verdict.reason().map(Reason::code), Some("bad_license"));
}

#[test]
fn field_values_display_plainly() {
    assert_eq!(
        FieldValue::Date(date!(2019 - 05 - 20)).to_string(),
        "2019-05-20"
    );
    assert_eq!(FieldValue::Bytes(vec![0, 0xab]).to_string(), "00ab");
    assert_eq!(FieldValue::Integer(-7).to_string(), "-7");
    assert_eq!(FieldValue::Text("张三".into()).to_string(), "张三");
}

/// A built-in type code under another type's name is invalid even from a directly trusted key
/// (no certificate): the name shown is always the type code's (`docs/FORMAT.md` §3.3).
#[test]
fn a_builtin_type_under_another_name_is_invalid() {
    let (key, trust) = signer();
    let at = time::macros::datetime!(2024-06-01 12:00 +8);
    let mut l = sample();
    assert!(verify(Input::Bytes(&l.sign(&key).unwrap()), &trust, at).is_valid());
    l.type_name = "机动车驾驶证".into();
    let verdict = verify(Input::Bytes(&l.sign(&key).unwrap()), &trust, at);
    assert_eq!(verdict.reason().map(Reason::code), Some("type_mismatch"));
    assert_eq!(
        verdict.reason(),
        Some(&Reason::TypeMismatch {
            type_code: "YYZZ".parse().unwrap(),
            stated: "机动车驾驶证".into(),
            expected: "营业执照".into(),
        })
    );
}

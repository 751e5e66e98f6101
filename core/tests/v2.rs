//! Format version 2 (`docs/FORMAT.md` §11–§12): compact licenses, the holder's copy, and
//! presentations that hide personal items, verified through the one path; and the attacks on
//! selective disclosure, each reproduced.

use std::collections::BTreeMap;

use elicense::{
    present, transport, Compression, DisclosureView, Encoding, HolderId, Input, IssueContext,
    License, LicenseTemplate, LicenseView, OrgCode, QrMatrix, SigningKey, TrustStore, Verdict,
    SEED_LEN,
};
use serde_cbor::Value;
use time::macros::{date, datetime};
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2025-06-10 12:00 UTC);
const DEPT: &str = "11350100MB0312345";
const DEPT_NAME: &str = "福州市公安局交通警察支队";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn trust() -> TrustStore {
    let mut t = TrustStore::new();
    t.add(
        key().verifying_key(),
        OrgCode::with_check(&DEPT[..17]).unwrap(),
        DEPT_NAME,
    )
    .unwrap();
    t
}

fn build(type_code: &str, pairs: &[(&str, &str)]) -> License {
    let t = LicenseTemplate::builtin_for(type_code).unwrap();
    let record: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let ctx = IssueContext {
        issuer: OrgCode::with_check(&DEPT[..17]).unwrap(),
        issuer_name: DEPT_NAME.into(),
        sequence: 123_456,
        status_index: None,
        today: date!(2025 - 06 - 01),
    };
    t.build(&record, &ctx).unwrap()
}

fn driving_permit() -> License {
    build(
        "JSZ",
        &[
            ("holder_name", "李四"),
            ("holder_id", "350203198506151233"),
            ("sex", "男"),
            ("nationality", "中国"),
            ("birth_date", "1985-06-15"),
            ("first_issued_on", "2010-08-01"),
            ("vehicle_class", "C1"),
            ("issued_on", "2024-02-01"),
            ("archive_number", "350200123456"),
        ],
    )
}

const SEED: [u8; SEED_LEN] = [7; SEED_LEN];

fn verdict(wire: &[u8]) -> Verdict {
    elicense::verify(Input::Bytes(wire), &trust(), NOW)
}

fn reason(v: &Verdict) -> &'static str {
    v.reason().map_or("valid", |r| r.code())
}

/// A presentation's body, as a map, to tamper with.
fn parts(wire: &[u8]) -> (Vec<u8>, BTreeMap<Value, Value>, Vec<u8>) {
    let Value::Array(a) = serde_cbor::from_slice(wire).unwrap() else {
        panic!("not an array")
    };
    let [Value::Bytes(p), Value::Map(m), Value::Bytes(s)] = <[Value; 3]>::try_from(a).unwrap()
    else {
        panic!("not [protected, body, signature]")
    };
    (p, m, s)
}

fn join(p: Vec<u8>, m: BTreeMap<Value, Value>, s: Vec<u8>) -> Vec<u8> {
    serde_cbor::to_vec(&Value::Array(vec![
        Value::Bytes(p),
        Value::Map(m),
        Value::Bytes(s),
    ]))
    .unwrap()
}

#[test]
fn a_holders_copy_verifies_with_every_item() {
    let license = driving_permit();
    let wire = license.sign_v2(&key(), Some(SEED)).unwrap();
    let v = verdict(&wire);
    let Verdict::Valid(ok) = &v else {
        panic!("{v:?}")
    };
    // The issuer's code and name come from the signing key's department.
    assert_eq!(ok.license, license);
    assert!(ok.license.not_shown.is_empty());
    // Through the text, compressed with the dictionary or not.
    for c in [Compression::Auto, Compression::Always, Compression::Never] {
        let text = transport::encode_v2(&wire, Encoding::Base45, c);
        assert!(text.starts_with("EL2"), "{text}");
        let v = elicense::verify(Input::Text(&text), &trust(), NOW);
        assert!(v.is_valid(), "{c:?}: {v:?}");
    }
    // Without a seed, a type with personal items is not signed.
    assert!(license.sign_v2(&key(), None).is_err());
}

#[test]
fn a_presentation_hides_what_the_holder_leaves_out() {
    let wire = driving_permit().sign_v2(&key(), Some(SEED)).unwrap();
    let shown = present(&wire, &["holder_name"]).unwrap();
    let v = verdict(&shown);
    let Verdict::Valid(ok) = &v else {
        panic!("{v:?}")
    };
    let l = &ok.license;
    assert_eq!(l.holder.name, "李四");
    assert_eq!(l.holder.id, HolderId::NotShown);
    assert_eq!(
        l.not_shown,
        [
            "holder_id",
            "sex",
            "nationality",
            "birth_date",
            "archive_number",
            "photo_sha256"
        ]
    );
    let keys: Vec<&str> = l.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["first_issued_on", "vehicle_class"]);
    // The view marks the hidden rows; the ID number is never in it.
    let view = LicenseView::new(l, None);
    let json = serde_json::to_string(&view).unwrap();
    assert!(!json.contains("350203"), "{json}");
    let hidden: Vec<&str> = view
        .fields
        .iter()
        .filter(|f| f.not_shown)
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(
        hidden,
        [
            "holder_id",
            "sex",
            "nationality",
            "birth_date",
            "archive_number",
            "photo_sha256"
        ]
    );
    assert!(view.partial);
    // A hidden identity number keeps the label of the type's holder kind.
    let id = view.fields.iter().find(|f| f.key == "holder_id").unwrap();
    assert_eq!(
        (id.label_zh.as_str(), id.label_en.as_str()),
        ("公民身份号码", "Resident identity number")
    );
    // The seed never travels in a presentation.
    let (_, body, _) = parts(&shown);
    assert!(!body.contains_key(&Value::Integer(13)));
    // Showing everything gives the full license back.
    let all = present(&wire, &["holder_name", "holder_id"]).unwrap();
    let Verdict::Valid(ok) = verdict(&all) else {
        panic!()
    };
    assert_eq!(ok.license, driving_permit());
}

#[test]
fn the_disclosure_view_labels_the_units_a_holder_chooses_from() {
    let wire = driving_permit().sign_v2(&key(), Some(SEED)).unwrap();
    let text = transport::encode_v2(&wire, Encoding::Base45, Compression::Auto);
    let view = DisclosureView::new(Input::Text(&text)).unwrap();
    assert_eq!(
        (view.type_code.as_str(), view.type_name.as_str(), view.form),
        ("JSZ", "机动车驾驶证", "holders_copy")
    );
    // (key, label_zh, label_en) of each item, and whether the unit is required.
    type Labelled<'a> = (&'a str, &'a str, &'a str);
    let units: Vec<(bool, Vec<Labelled>)> = view
        .units
        .iter()
        .map(|u| {
            let items = u
                .items
                .iter()
                .map(|i| (i.key.as_str(), i.label_zh.as_str(), i.label_en.as_str()));
            (u.required, items.collect())
        })
        .collect();
    assert_eq!(
        units[0],
        (true, vec![("holder_name", "持证主体", "Holder")])
    );
    assert!(!units[1].0);
    assert_eq!(
        units[1].1[..2],
        [
            ("holder_id", "公民身份号码", "Resident identity number"),
            ("sex", "性别", "Sex")
        ]
    );
    assert_eq!(units[1].1.len(), 6);
    // A presentation says it is one; the items a holder can show are the ones present takes.
    let shown = present(&wire, &["holder_name"]).unwrap();
    assert_eq!(
        DisclosureView::new(Input::Bytes(&shown)).unwrap().form,
        "presentation"
    );
    for unit in &view.units {
        let keys: Vec<&str> = unit.items.iter().map(|i| i.key.as_str()).collect();
        assert!(present(&wire, &[&["holder_name"], &keys[..]].concat()).is_ok());
    }
    // Not a version-2 license: the reason.
    let junk = DisclosureView::new(Input::Text("hello")).unwrap_err();
    assert_eq!(junk.code(), "bad_prefix");
}

#[test]
fn an_id_number_is_masked_in_the_view() {
    let view = LicenseView::new(&driving_permit(), None);
    let id = view.fields.iter().find(|f| f.key == "holder_id").unwrap();
    assert_eq!(id.masked.as_deref(), Some("3502**********1233"));
}

#[test]
fn below_the_minimum_set_is_refused_by_holder_and_verifier() {
    let wire = driving_permit().sign_v2(&key(), Some(SEED)).unwrap();
    assert!(present(&wire, &["holder_id"]).is_err());
    // A presentation made by hand that hides the name: signed digests intact, so only the
    // minimum-set rule refuses it.
    let full = present(&wire, &["holder_name", "holder_id"]).unwrap();
    let (p, mut body, s) = parts(&full);
    let Some(Value::Array(ds)) = body.remove(&Value::Integer(14)) else {
        panic!()
    };
    let digest = |d: &Value| {
        let Value::Bytes(b) = d else { panic!() };
        use sha2::Digest;
        Value::Bytes(sha2::Sha256::digest(b).to_vec())
    };
    let mut hidden: Vec<Value> = vec![digest(&ds[0])];
    hidden.sort_by(|a, b| {
        serde_cbor::to_vec(a)
            .unwrap()
            .cmp(&serde_cbor::to_vec(b).unwrap())
    });
    body.insert(Value::Integer(14), Value::Array(vec![ds[1].clone()]));
    body.insert(Value::Integer(15), Value::Array(hidden));
    let v = verdict(&join(p, body, s));
    assert_eq!(reason(&v), "below_minimum_disclosure", "{v:?}");
}

#[test]
fn a_changed_disclosure_breaks_the_signature() {
    let wire = driving_permit().sign_v2(&key(), Some(SEED)).unwrap();
    let shown = present(&wire, &["holder_name"]).unwrap();
    let (p, mut body, s) = parts(&shown);
    let Some(Value::Array(ds)) = body.get_mut(&Value::Integer(14)) else {
        panic!()
    };
    let Value::Bytes(d) = &mut ds[0] else {
        panic!()
    };
    // 李四 → 李五 in the disclosure's value.
    let at = d.windows(6).position(|w| w == "李四".as_bytes()).unwrap();
    d[at + 3..at + 6].copy_from_slice("五".as_bytes());
    let v = verdict(&join(p, body, s));
    assert_eq!(reason(&v), "bad_signature", "{v:?}");
}

#[test]
fn duplicate_and_unreferenced_disclosures_are_refused() {
    let wire = driving_permit().sign_v2(&key(), Some(SEED)).unwrap();
    let shown = present(&wire, &["holder_name"]).unwrap();
    let (p, body, s) = parts(&shown);
    let ds = body[&Value::Integer(14)].clone();
    let Value::Array(list) = ds else { panic!() };
    // The same disclosure twice.
    let mut twice = body.clone();
    twice.insert(
        Value::Integer(14),
        Value::Array(vec![list[0].clone(), list[0].clone()]),
    );
    assert_eq!(
        reason(&verdict(&join(p.clone(), twice, s.clone()))),
        "bad_disclosure"
    );
    // A shown disclosure's digest also given as hidden.
    let mut both = body.clone();
    let Value::Bytes(d) = &list[0] else { panic!() };
    use sha2::Digest;
    let dd = Value::Bytes(sha2::Sha256::digest(d).to_vec());
    let Value::Array(mut hidden) = body[&Value::Integer(15)].clone() else {
        panic!()
    };
    hidden.push(dd);
    hidden.sort_by(|a, b| {
        serde_cbor::to_vec(a)
            .unwrap()
            .cmp(&serde_cbor::to_vec(b).unwrap())
    });
    both.insert(Value::Integer(15), Value::Array(hidden));
    assert_eq!(
        reason(&verdict(&join(p.clone(), both, s.clone()))),
        "bad_disclosure"
    );
    // A disclosure the issuer never signed (another salt): the rebuilt digests differ.
    let other = driving_permit()
        .sign_v2(&key(), Some([8; SEED_LEN]))
        .unwrap();
    let (_, obody, _) = parts(&present(&other, &["holder_name"]).unwrap());
    let mut swapped = body.clone();
    swapped.insert(Value::Integer(14), obody[&Value::Integer(14)].clone());
    assert_eq!(reason(&verdict(&join(p, swapped, s))), "bad_signature");
}

#[test]
fn an_organisation_license_is_a_plain_cose_sign1_and_smaller() {
    let l = build(
        "YYZZ",
        &[
            ("holder_name", "福州示例科技有限公司"),
            ("holder_id", "91350100MA8T2Q3X18"),
            ("company_type", "有限责任公司（自然人投资或控股）"),
            ("legal_representative", "张三"),
            ("registered_capital", "壹佰万元整"),
            ("established_on", "2019-05-20"),
            ("address", "福建省福州市鼓楼区五四路158号"),
            ("business_scope", "软件开发；信息技术咨询服务；数据处理服务"),
        ],
    );
    let wire = l.sign_v2(&key(), None).unwrap();
    assert_eq!(wire[0], 0xd2, "a tagged COSE_Sign1");
    let v = verdict(&wire);
    let Verdict::Valid(ok) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(ok.license, l);
    let v1 = transport::encode(
        &l.sign(&key()).unwrap(),
        Encoding::Base45,
        Compression::Auto,
    );
    let v2 = transport::encode_v2(&wire, Encoding::Base45, Compression::Auto);
    assert!(v2.len() * 3 < v1.len() * 2, "{} vs {}", v2.len(), v1.len());
    // Nothing to present.
    assert!(present(&wire, &["holder_name"]).is_err());
}

#[test]
fn a_name_and_class_presentation_fits_qr_version_10() {
    let wire = driving_permit().sign_v2(&key(), Some(SEED)).unwrap();
    let shown = present(&wire, &["holder_name"]).unwrap();
    let text = transport::encode_v2(&shown, Encoding::Base45, Compression::Auto);
    let qr = QrMatrix::new(&text, elicense::ErrorCorrection::Medium).unwrap();
    assert!(
        qr.version() <= 10,
        "version {} for {} characters",
        qr.version(),
        text.len()
    );
}

#[test]
fn an_unknown_dictionary_is_named() {
    // A zlib header with FDICT and a DICTID no verifier has.
    let mut z = vec![0x78, 0xbb];
    z.extend_from_slice(&0x0102_0304u32.to_be_bytes());
    z.extend_from_slice(&[3, 0, 0, 0, 0, 1]);
    let text = format!("EL2Z:{}", base45::encode(&z));
    let v = elicense::verify(Input::Text(&text), &trust(), NOW);
    assert_eq!(reason(&v), "unknown_dictionary", "{v:?}");
}

/// Every built-in type, with the entries that version 2 leaves out when implied written out
/// when they are not: the license read back is the license signed.
#[test]
fn every_builtin_type_round_trips_through_version_2() {
    let cases: Vec<License> = vec![
        driving_permit(),
        // An explicit perpetual end for a type with a default term, a start after the issue
        // date, a value outside the listed ones.
        build(
            "JSZ",
            &[
                ("holder_name", "王五"),
                ("holder_id", "11010519491231002X"),
                ("sex", "女"),
                ("nationality", "加拿大"),
                ("birth_date", "1949-12-31"),
                ("first_issued_on", "1990-01-01"),
                ("vehicle_class", "C1"),
                ("issued_on", "2024-02-01"),
                ("valid_from", "2024-03-01"),
                ("valid_until", "长期"),
            ],
        ),
        // A person holding a real-estate title (not the template's default kind), with an end.
        build(
            "BDCQZ",
            &[
                ("holder_name", "赵六"),
                ("holder_id", "350203198506151233"),
                ("holder_kind", "person"),
                ("certificate_number", "闽（2024）厦门市不动产权第0012345号"),
                ("unit_number", "350203001001GB00001F00010001"),
                ("location", "思明区湖滨南路1号"),
                ("right_type", "国有建设用地使用权/房屋所有权"),
                ("area_m2_hundredths", "8923"),
                ("valid_until", "2094-05-31"),
            ],
        ),
        build(
            "SPJY",
            &[
                ("holder_name", "厦门示例餐饮有限公司"),
                ("holder_id", "91350100MA8T2Q3X18"),
                ("license_number", "JY13502030012345"),
                ("legal_representative", "钱七"),
                ("address", "厦门市思明区"),
                ("premises", "厦门市思明区中山路1号"),
                ("business_form", "餐饮服务经营者（小型餐馆）"),
                ("business_items", "热食类食品制售"),
                ("complaint_phone", "12315"),
            ],
        ),
        build(
            "YSZY",
            &[
                ("holder_name", "孙八"),
                ("holder_id", "350203198506151233"),
                ("sex", "男"),
                ("birth_date", "1985-06-15"),
                ("qualification_number", "200935110350203198506151233"),
                ("practice_number", "110350200012345"),
                ("practice_category", "临床"),
                ("practice_scope", "内科专业"),
                ("practice_location", "福建省"),
                ("employer", "厦门市第一医院"),
            ],
        ),
    ];
    for (i, l) in cases.into_iter().enumerate() {
        let wire = l.sign_v2(&key(), Some([i as u8; SEED_LEN])).unwrap();
        let v = verdict(&wire);
        let Verdict::Valid(ok) = &v else {
            panic!("{i}: {v:?}")
        };
        assert_eq!(ok.license, l, "{i}");
        let text = transport::encode_v2(&wire, Encoding::Base64Url, Compression::Auto);
        assert!(elicense::verify(Input::Text(&text), &trust(), NOW).is_valid());
    }
}

/// A signed payload that writes an implied entry, a listed value as text, a personal item in
/// place or an unknown key is refused: each license has one byte form, and personal items can
/// always be hidden.
#[test]
fn non_canonical_version_2_payloads_are_refused() {
    use elicense::{cose, ContentType};
    let signed_with = |entries: Vec<(i128, Value)>| {
        let map = Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Value::Integer(k), v))
                .collect(),
        );
        cose::sign(
            &serde_cbor::to_vec(&map).unwrap(),
            &key(),
            ContentType::LicenseV2,
        )
    };
    let base = || {
        vec![
            (1, Value::Text("YYZZ".into())),
            (2, Value::Integer(5)),
            (3, Value::Bytes(vec![0; 11])),
            (4, Value::Text("福州示例科技有限公司".into())),
            (6, Value::Integer(20_000)),
            (
                9,
                Value::Map(
                    [
                        (Value::Integer(1), Value::Integer(0)),
                        (Value::Integer(2), Value::Text("张三".into())),
                        (Value::Integer(3), Value::Text("壹佰万元整".into())),
                        (Value::Integer(4), Value::Integer(18_000)),
                        (Value::Integer(5), Value::Text("福州市".into())),
                        (Value::Integer(6), Value::Text("软件开发".into())),
                    ]
                    .into_iter()
                    .collect(),
                ),
            ),
        ]
    };
    let ok = signed_with(base());
    assert!(verdict(&ok).is_valid(), "{:?}", verdict(&ok));
    let with = |k: i128, v: Value| {
        let mut e = base();
        e.retain(|(key, _)| *key != k);
        e.push((k, v));
        verdict(&signed_with(e))
    };
    // nbf equal to iat, and the holder kind of the template's default.
    assert_eq!(reason(&with(7, Value::Integer(20_000))), "bad_license");
    assert_eq!(reason(&with(5, Value::Integer(1))), "bad_license");
    // An unknown key, and a seed inside a signed payload.
    assert_eq!(reason(&with(16, Value::Integer(1))), "bad_license");
    assert_eq!(reason(&with(13, Value::Bytes(vec![0; 16]))), "bad_license");
    // A listed value (company type index 0) written as its text.
    let mut e = base();
    if let Some((_, Value::Map(fields))) = e.iter_mut().find(|(k, _)| *k == 9) {
        fields.insert(
            Value::Integer(1),
            Value::Text("有限责任公司（自然人投资或控股）".into()),
        );
    }
    assert_eq!(reason(&verdict(&signed_with(e))), "bad_license");
    // A driving permit whose name is in place: personal items must be in disclosures.
    let permit = vec![
        (1, Value::Text("JSZ".into())),
        (2, Value::Integer(5)),
        (4, Value::Text("李四".into())),
        (6, Value::Integer(20_000)),
    ];
    let v = verdict(&signed_with(permit));
    assert_eq!(reason(&v), "bad_license", "{v:?}");
    assert!(
        v.reason()
            .unwrap()
            .to_string()
            .contains("holder_name is personal"),
        "{v:?}"
    );
}

/// What `inspect` cannot unwrap, `verify` refuses for the same reason; `inspect` never gives a
/// version-2 license as if its issuer were known.
#[test]
fn inspect_and_verify_agree_on_version_2_inputs() {
    let wire = driving_permit().sign_v2(&key(), Some(SEED)).unwrap();
    let bad: Vec<Vec<u8>> = vec![
        vec![0x83],
        vec![0x83, 0x40, 0xa0, 0x40],
        wire[..wire.len() - 1].to_vec(),
    ];
    for b in &bad {
        let v = verdict(b);
        let i = elicense::inspect(Input::Bytes(b));
        assert_eq!(i.err().as_ref(), v.reason(), "{b:02x?}");
    }
    let i = elicense::inspect(Input::Bytes(&wire)).unwrap();
    assert_eq!(i.content_type, elicense::ContentType::LicenseV2);
    assert!(i.license.is_err());
}

//! Format version 2 sizes, measured with the core itself (issue 19, item 4; docs/BENCHMARKS.md,
//! "Format version 2 sizes"). Every license of the corpus's measuring half
//! (`fixtures/corpus/measure.jsonl`) is built by the core's template, then:
//!
//! - signed as version 1 (`License::sign`, `transport::encode`, base45, compressed when shorter);
//! - encoded HCERT-style: the same record as the EU Digital COVID Certificate carries one (a CWT
//!   with claims 1, 6, 4 and -260 = `{1: record}`, the record under text keys, dates as ISO
//!   text, bytes as hex), in a COSE_Sign1 with `{alg, kid}`, always zlib level 9, base45, `HC1:`;
//!   reproduced from `fixtures/corpus/licenses.py` (`hcert_cose`, `hcert_text`);
//! - signed as version 2 (`License::sign_v2`, a deterministic TEST-ONLY seed, `encode_v2`: base45,
//!   compressed with the preset dictionary when shorter): the holder's copy, or the plain license
//!   of a type without personal items;
//! - for the types with personal items, presented as a holder typically would (`present`): the
//!   name only (驾驶证: the name and the never-hidden class; 不动产权证书: the unit of the name and
//!   the location; 医师执业证书: the name).
//!
//! Every v1 license, v2 license and presentation is verified (`elicense::verify` against a trust
//! store of the corpus's TEST-ONLY department keys) before it is measured; the program stops at
//! the first that does not verify. It prints a Markdown report: per type the median and p90 QR
//! version at level M and the median and p90 text characters, and the targets of issue 19 with
//! PASS or FAIL (exit status 1 when one fails).
//!
//! Usage: cargo run --release -p elicense-core --example sizes_v2 [measure.jsonl]
//! (scripts/sizes-v2.sh writes the report to fixtures/sizes-v2.md).

use std::collections::BTreeMap;
use std::io::Write;

use ed25519_dalek::Signer as _;
use elicense::{
    present, transport, Compression, Encoding, ErrorCorrection, FieldValue, HolderId, Input,
    IssueContext, License, LicenseTemplate, OrgCode, QrMatrix, SigningKey, TrustStore, Verdict,
};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime, Time, UtcOffset};

/// The order of the types in the tables (that of fixtures/corpus/sizes.md).
const TYPES: [&str; 5] = ["YYZZ", "JSZ", "BDCQZ", "SPJY", "YSZY"];

/// What a typical presentation shows (besides what is never hidden).
fn typical_show(type_code: &str) -> Option<&'static [&'static str]> {
    match type_code {
        "JSZ" | "BDCQZ" | "YSZY" => Some(&["holder_name"]),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Deterministic CBOR (RFC 8949 §4.2.1) for the HCERT-style encoding, written here as
// licenses.py's `cbor` is: the core's encoder is not public, and this one is independent of it.

enum C {
    Int(i128),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<C>),
    Map(Vec<(C, C)>),
    Tag(u64, Box<C>),
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn cbor(v: &C) -> Vec<u8> {
    let mut out = vec![];
    match v {
        C::Int(n) if *n >= 0 => head(&mut out, 0, *n as u64),
        C::Int(n) => head(&mut out, 1, (-1 - *n) as u64),
        C::Bytes(b) => {
            head(&mut out, 2, b.len() as u64);
            out.extend(b);
        }
        C::Text(t) => {
            head(&mut out, 3, t.len() as u64);
            out.extend(t.as_bytes());
        }
        C::Array(a) => {
            head(&mut out, 4, a.len() as u64);
            for x in a {
                out.extend(cbor(x));
            }
        }
        C::Map(m) => {
            let mut items: Vec<(Vec<u8>, Vec<u8>)> =
                m.iter().map(|(k, x)| (cbor(k), cbor(x))).collect();
            items.sort();
            head(&mut out, 5, items.len() as u64);
            for (k, x) in items {
                out.extend(k);
                out.extend(x);
            }
        }
        C::Tag(t, x) => {
            head(&mut out, 6, *t);
            out.extend(cbor(x));
        }
    }
    out
}

fn text(s: &str) -> C {
    C::Text(s.to_owned())
}

// ---------------------------------------------------------------------------------------------
// The HCERT-style encoding (licenses.py `hcert_cose`, `hcert_text`).

/// Seconds since the epoch of midnight of `d` in China Standard Time (UTC+8).
fn cst_midnight(d: Date) -> i128 {
    let offset = UtcOffset::from_hms(8, 0, 0).expect("UTC+8");
    i128::from(
        d.with_time(Time::MIDNIGHT)
            .assume_offset(offset)
            .unix_timestamp(),
    )
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn hcert_cose(l: &License, holder_kind: &str, holder_id: &str, key: &SigningKey) -> Vec<u8> {
    let mut rec = vec![
        (text("ver"), text("1")),
        (text("type"), text(&l.type_name)),
        (text("id"), C::Text(l.id.to_string())),
        (text("issuer"), text(&l.issuer_name)),
        (
            text("holder"),
            C::Map(vec![
                (text("kind"), text(holder_kind)),
                (text("id"), text(holder_id)),
                (text("name"), text(&l.holder.name)),
            ]),
        ),
        (text("nbf"), C::Text(iso(l.validity.from()))),
    ];
    for f in &l.fields {
        let v = match &f.value {
            FieldValue::Date(d) => C::Text(iso(*d)),
            FieldValue::Bytes(b) => C::Text(hex::encode(b)),
            FieldValue::Integer(n) => C::Int((*n).into()),
            FieldValue::Text(s) => text(s),
            other => panic!("a field value this benchmark does not know: {other:?}"),
        };
        rec.push((text(&f.key), v));
    }
    assert!(l.attachments.is_empty(), "the corpus has no attachments");
    if let Some(s) = l.status_index {
        rec.push((text("status"), C::Int(s.into())));
    }
    let mut claims = vec![
        (C::Int(1), C::Text(l.id.issuer().to_string())),
        (C::Int(6), C::Int(cst_midnight(l.issued_on))),
        (C::Int(-260), C::Map(vec![(C::Int(1), C::Map(rec))])),
    ];
    if let Some(until) = l.validity.last_day() {
        let next = until.next_day().expect("a next day");
        claims.push((C::Int(4), C::Int(cst_midnight(next) - 1)));
    }
    let kid = Sha256::digest(key.verifying_key().as_bytes())[..8].to_vec();
    let protected = cbor(&C::Map(vec![
        (C::Int(1), C::Int(-8)),
        (C::Int(4), C::Bytes(kid)),
    ]));
    let payload = cbor(&C::Map(claims));
    let tbs = cbor(&C::Array(vec![
        text("Signature1"),
        C::Bytes(protected.clone()),
        C::Bytes(vec![]),
        C::Bytes(payload.clone()),
    ]));
    let sig = key.sign(&tbs).to_bytes().to_vec();
    cbor(&C::Tag(
        18,
        Box::new(C::Array(vec![
            C::Bytes(protected),
            C::Map(vec![]),
            C::Bytes(payload),
            C::Bytes(sig),
        ])),
    ))
}

fn zlib9(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

fn hcert_text(cose: &[u8]) -> String {
    format!("HC1:{}", base45::encode(zlib9(cose)))
}

// ---------------------------------------------------------------------------------------------
// Corpus.

/// The TEST-ONLY key of a corpus department (licenses.py `department_key`: its seed is public).
fn department_key(org_code: &str) -> SigningKey {
    let seed: [u8; 32] =
        Sha256::digest(format!("elicense corpus TEST-ONLY key: {org_code}").as_bytes()).into();
    SigningKey::from_bytes(&seed)
}

/// The holder's-copy seed of a license (licenses.py `license_seed`; an issuer draws 16 random
/// bytes).
fn license_seed(l: &License) -> [u8; 16] {
    let d = Sha256::digest(
        format!(
            "seed {} {} {}",
            l.type_code().as_str(),
            l.id.issuer(),
            l.id.sequence()
        )
        .as_bytes(),
    );
    d[..16].try_into().expect("16 bytes")
}

fn org_code(code: &str) -> OrgCode {
    code.parse()
        .or_else(|_| OrgCode::with_check(&code[..17]))
        .unwrap_or_else(|e| panic!("organisation code {code}: {e}"))
}

struct Line {
    type_code: String,
    license: License,
    holder_kind: String,
    holder_id: String,
    key: SigningKey,
}

fn read_corpus(path: &std::path::Path, trust: &mut TrustStore) -> Vec<Line> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut departments = BTreeMap::new();
    let mut out = vec![];
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let type_code = v["type"].as_str().expect("type").to_owned();
        let t = LicenseTemplate::builtin_for(&type_code).expect("a built-in template");
        let record: BTreeMap<String, String> = v["record"]
            .as_object()
            .expect("record")
            .iter()
            .map(|(k, x)| (k.clone(), x.as_str().expect("text").to_owned()))
            .collect();
        let issuer_code = v["issuer"]["org_code"].as_str().expect("issuer code");
        let issuer_name = v["issuer"]["name"].as_str().expect("issuer name");
        let key = department_key(issuer_code);
        if departments
            .insert(issuer_code.to_owned(), issuer_name.to_owned())
            .is_none()
        {
            trust
                .add(
                    key.verifying_key(),
                    org_code(issuer_code),
                    issuer_name.to_owned(),
                )
                .expect("a corpus department key");
        }
        let issued_on = record
            .get("issued_on")
            .and_then(|d| elicense::parse_date(d).ok())
            .expect("issued_on");
        let ctx = IssueContext {
            issuer: org_code(issuer_code),
            issuer_name: issuer_name.to_owned(),
            sequence: v["sequence"].as_u64().expect("sequence"),
            status_index: v["status_index"].as_u64(),
            today: issued_on,
        };
        let license = t
            .build(&record, &ctx)
            .unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let holder_kind = record
            .get("holder_kind")
            .cloned()
            .unwrap_or_else(|| format!("{:?}", t.holder_kind).to_lowercase());
        out.push(Line {
            type_code,
            holder_kind,
            holder_id: record["holder_id"].clone(),
            license,
            key,
        });
    }
    out
}

/// An instant the license is valid at: noon (UTC+8) of the later of its issue and start dates.
fn valid_at(l: &License) -> OffsetDateTime {
    let day = l.issued_on.max(l.validity.from());
    day.with_time(Time::from_hms(12, 0, 0).expect("noon"))
        .assume_offset(UtcOffset::from_hms(8, 0, 0).expect("UTC+8"))
}

fn must_verify(input: Input<'_>, trust: &TrustStore, l: &License, what: &str) -> License {
    match elicense::verify(input, trust, valid_at(l)) {
        Verdict::Valid(ok) => ok.license,
        other => panic!("{what} of {} does not verify: {other:?}", l.id),
    }
}

fn qr_version(text: &str) -> u8 {
    QrMatrix::new(text, ErrorCorrection::Medium)
        .unwrap_or_else(|e| panic!("no QR code for {} characters: {e}", text.len()))
        .version()
}

// ---------------------------------------------------------------------------------------------
// Statistics (those of fixtures/corpus/sizes.py: the low median, p90 at the rounded index).

fn median(xs: &[usize]) -> usize {
    let mut v = xs.to_vec();
    v.sort_unstable();
    v[(v.len() - 1) / 2]
}

fn p90(xs: &[usize]) -> usize {
    let mut v = xs.to_vec();
    v.sort_unstable();
    // Python's round(): halves to even.
    let x = 0.9 * (v.len() - 1) as f64;
    let mut i = x.round();
    if (x - x.trunc() - 0.5).abs() < 1e-9 && (i as usize) % 2 == 1 {
        i -= 1.0;
    }
    v[(i as usize).min(v.len() - 1)]
}

/// Text lengths of one encoding, per type.
#[derive(Default)]
struct Row {
    chars: BTreeMap<String, Vec<usize>>,
    versions: BTreeMap<String, Vec<usize>>,
}

impl Row {
    fn add(&mut self, type_code: &str, text: &str) {
        self.chars
            .entry(type_code.to_owned())
            .or_default()
            .push(text.len());
        self.versions
            .entry(type_code.to_owned())
            .or_default()
            .push(qr_version(text).into());
    }

    fn median_version(&self, type_code: &str) -> Option<usize> {
        self.versions.get(type_code).map(|v| median(v))
    }

    fn cell(&self, type_code: &str) -> String {
        match (self.versions.get(type_code), self.chars.get(type_code)) {
            (Some(v), Some(c)) => format!(
                "**v{}** / v{} ({} / {})",
                median(v),
                p90(v),
                median(c),
                p90(c)
            ),
            _ => "–".into(),
        }
    }
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("fixtures/corpus/measure.jsonl"));
    let mut trust = TrustStore::new();
    let lines = read_corpus(&path, &mut trust);
    let (mut v1, mut hcert, mut v2, mut shown) = (
        Row::default(),
        Row::default(),
        Row::default(),
        Row::default(),
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut verified = 0;
    let mut jsz_name_class = vec![];
    for line in &lines {
        let l = &line.license;
        let t = line.type_code.as_str();
        *counts
            .entry(TYPES.iter().find(|x| **x == t).expect("known type"))
            .or_default() += 1;

        let signed = l.sign(&line.key).expect("signs as version 1");
        let text1 = transport::encode(&signed, Encoding::Base45, Compression::Auto);
        assert_eq!(&must_verify(Input::Text(&text1), &trust, l, "v1"), l);
        v1.add(t, &text1);

        let cose = hcert_cose(l, &line.holder_kind, &line.holder_id, &line.key);
        hcert.add(t, &hcert_text(&cose));

        let wire = l
            .sign_v2(&line.key, Some(license_seed(l)))
            .expect("signs as version 2");
        let text2 = transport::encode_v2(&wire, Encoding::Base45, Compression::Auto);
        assert_eq!(&must_verify(Input::Text(&text2), &trust, l, "v2"), l);
        v2.add(t, &text2);
        verified += 2;

        if let Some(show) = typical_show(t) {
            let p = present(&wire, show).expect("presents");
            let text3 = transport::encode_v2(&p, Encoding::Base45, Compression::Auto);
            let seen = must_verify(Input::Text(&text3), &trust, l, "presentation");
            assert_eq!(seen.holder.name, l.holder.name);
            assert_eq!(seen.holder.id, HolderId::NotShown);
            if t == "JSZ" {
                assert!(seen.fields.iter().any(|f| f.key == "vehicle_class"));
                jsz_name_class.push(usize::from(qr_version(&text3)));
            }
            shown.add(t, &text3);
            verified += 1;
        }
    }

    let mut out = String::new();
    let total = lines.len();
    let names: BTreeMap<&str, String> = TYPES
        .iter()
        .map(|t| {
            let name =
                LicenseTemplate::builtin_ref(t).map_or(String::new(), |x| x.type_name.clone());
            (*t, format!("{name} {t}"))
        })
        .collect();
    out.push_str("# Format version 2 sizes (issue 19), measured with the core\n\n");
    out.push_str(&format!(
        "Generated by `scripts/sizes-v2.sh` (`cargo run --release -p elicense-core --example sizes_v2`) from \
         `fixtures/corpus/measure.jsonl` ({total} licenses: {}). Every license is built by the core's template \
         (`LicenseTemplate::build`), signed with its department's TEST-ONLY corpus key, and \
         **verified** (`elicense::verify` from its text) before it is measured: {verified} texts verified \
         (v1, v2 and presentations). Each cell: **median** / p90 QR version at error-correction level M \
         (`QrMatrix::new(text, ErrorCorrection::Medium)`), and (median / p90 text characters). Texts are \
         base45 with their prefix.\n\n",
        TYPES
            .iter()
            .map(|t| format!("{} {}", names[t], counts.get(t).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str(
        "- **v1** (`EL1`): `License::sign`, `transport::encode` (miniz_oxide zlib when shorter).\n",
    );
    out.push_str("- **HCERT-style** (`HC1`): the same record as the EU Digital COVID Certificate carries one — a CWT \
         with claims 1 (issuer code), 6 (issue date), 4 (end of validity) in seconds and -260 = `{1: record}`, \
         the record under text keys, dates as ISO text, bytes as hex; COSE_Sign1 with `{alg, kid (8 bytes)}`; \
         always zlib level 9 (flate2); base45. Reproduced in Rust from `fixtures/corpus/licenses.py`.\n");
    out.push_str("- **v2** (`EL2`): `License::sign_v2` (the holder's copy with its 16-byte seed for the types with \
         personal items, a plain COSE_Sign1 otherwise), `transport::encode_v2` (zlib with the preset \
         dictionary `elicense-dict-v2-1.bin` when shorter).\n");
    out.push_str("- **v2 presentation**: `elicense::present(holder's copy, [\"holder_name\"])`: 驾驶证 shows the \
         name and the never-hidden class, first issue date, validity and license ID; 不动产权证书 the unit of \
         the name and the location; 医师执业证书 the name. 营业执照 and 食品经营许可证 have no personal items.\n\n");
    out.push_str("| encoding |");
    for t in TYPES {
        out.push_str(&format!(" {} |", names[t]));
    }
    out.push_str("\n|---|");
    for _ in TYPES {
        out.push_str("---|");
    }
    out.push('\n');
    for (label, row) in [
        ("v1 (`EL1`)", &v1),
        ("HCERT-style (`HC1`)", &hcert),
        ("v2 full: holder's copy or plain (`EL2`)", &v2),
        ("v2 presentation, typical (`EL2`)", &shown),
    ] {
        out.push_str(&format!("| {label} |"));
        for t in TYPES {
            out.push_str(&format!(" {} |", row.cell(t)));
        }
        out.push('\n');
    }

    out.push_str("\n## Targets\n\n");
    let mut all_pass = true;
    for t in TYPES {
        let (Some(h), Some(f)) = (hcert.median_version(t), v2.median_version(t)) else {
            continue;
        };
        let pass = f + 2 <= h;
        all_pass &= pass;
        out.push_str(&format!(
            "- {}: median v2 full v{f}, HCERT-style v{h}: {} versions below (target ≥ 2): **{}**\n",
            names[t],
            h as i64 - f as i64,
            if pass { "PASS" } else { "FAIL" }
        ));
    }
    let worst = jsz_name_class.iter().copied().max().unwrap_or(0);
    let pass = !jsz_name_class.is_empty() && worst <= 10;
    all_pass &= pass;
    out.push_str(&format!(
        "- 机动车驾驶证 JSZ presentation of the name and class: median v{}, p90 v{}, largest v{worst} over {} \
         licenses (target: every one ≤ v10): **{}**\n",
        median(&jsz_name_class),
        p90(&jsz_name_class),
        jsz_name_class.len(),
        if pass { "PASS" } else { "FAIL" }
    ));
    out.push_str(&format!(
        "\nOverall: **{}**\n",
        if all_pass { "PASS" } else { "FAIL" }
    ));
    print!("{out}");
    if !all_pass {
        std::process::exit(1);
    }
}

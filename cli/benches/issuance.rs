//! Issuance throughput: the per-license work of a batch (template → license → CBOR → COSE_Sign1
//! → base45 text), compared with raw Ed25519 signing of a message of the same size, plus QR
//! rendering. Run: cargo bench -p elicense-cli --bench issuance

use std::collections::BTreeMap;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ed25519_dalek::Signer;
use elicense::transport::encode;
use elicense::{
    Compression, Encoding, ErrorCorrection, IssueContext, LicenseTemplate, OrgCode, QrMatrix,
    SigningKey,
};

fn record() -> BTreeMap<String, String> {
    [
        ("holder_name", "福州示例科技有限公司"),
        ("holder_id", "91350100MA8T2Q3X18"),
        ("company_type", "有限责任公司"),
        ("legal_representative", "张三"),
        ("registered_capital", "壹佰万元整"),
        ("established_on", "2019-05-20"),
        ("address", "福建省福州市鼓楼区五四路100号"),
        ("business_scope", "软件开发；信息技术咨询服务"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn bench(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[7; 32]);
    let template = LicenseTemplate::builtin_for("YYZZ").unwrap();
    let ctx = IssueContext {
        issuer: OrgCode::with_check("11350100MB0312345").unwrap(),
        issuer_name: "福州市市场监督管理局".into(),
        sequence: 1,
        status_index: Some(1),
        today: elicense::parse_date("2025-06-01").unwrap(),
    };
    let rec = record();
    let license = template.build(&rec, &ctx).unwrap();
    let payload = license.to_cbor().unwrap();
    let text = encode(
        &license.sign(&key).unwrap(),
        Encoding::Base45,
        Compression::Auto,
    );

    let mut g = c.benchmark_group("issuance");
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw ed25519 sign (same size as the payload)", |b| {
        b.iter(|| key.sign(std::hint::black_box(&payload)))
    });
    g.bench_function("record -> signed QR text", |b| {
        b.iter(|| {
            let l = template.build(std::hint::black_box(&rec), &ctx).unwrap();
            encode(&l.sign(&key).unwrap(), Encoding::Base45, Compression::Auto)
        })
    });
    g.bench_function("QR matrix + PNG raster", |b| {
        b.iter(|| {
            QrMatrix::new(std::hint::black_box(&text), ErrorCorrection::Medium)
                .unwrap()
                .to_luma8(4)
        })
    });
    g.bench_function("QR matrix + SVG", |b| {
        b.iter(|| {
            QrMatrix::new(std::hint::black_box(&text), ErrorCorrection::Medium)
                .unwrap()
                .to_svg(4)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

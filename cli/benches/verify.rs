//! Verification throughput: raw Ed25519 `verify_strict` of a license's Sig_structure against
//! `elicense::verify` of the same license's whole QR text; batch verification (`verify_many`)
//! against one by one; QR rendering and decoding. Run: cargo bench -p elicense-cli --bench verify
//!
//! Set ELICENSE_BENCH_QUICK=1 for short measurements (a few seconds per benchmark).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ed25519_dalek::Signature;
use elicense::qr::decode_luma;
use elicense::transport::encode;
use elicense::{
    verify, verify_many, Compression, CoseSign1, Encoding, ErrorCorrection, Input, QrMatrix,
    Verdict,
};
use elicense_fixtures::{numbered_licenses, samples, trust_store, VERIFY_AT};

fn config() -> Criterion {
    let c = Criterion::default();
    if std::env::var_os("ELICENSE_BENCH_QUICK").is_some() {
        c.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3))
    } else {
        c
    }
}

fn single(c: &mut Criterion) {
    let sample = &samples()[0];
    let signed = sample.signed();
    let text = sample.qr_text();
    let trust = trust_store();
    let cose = CoseSign1::parse(&signed).unwrap();
    let tbs = cose.to_be_signed();
    let signature = Signature::from_slice(cose.signature()).expect("a 64-byte signature");
    let public = sample.signer.signing_key().verifying_key();
    assert!(verify(Input::Text(&text), &trust, VERIFY_AT).is_valid());

    let mut g = c.benchmark_group("verify one license");
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw ed25519 verify_strict (its Sig_structure)", |b| {
        b.iter(|| public.verify_strict(black_box(&tbs), &signature).unwrap())
    });
    g.bench_function("elicense::verify (QR text)", |b| {
        b.iter(|| verify(Input::Text(black_box(&text)), &trust, VERIFY_AT))
    });
    g.bench_function("elicense::verify (COSE bytes)", |b| {
        b.iter(|| verify(Input::Bytes(black_box(&signed)), &trust, VERIFY_AT))
    });
    g.finish();
}

/// `n` distinct valid licenses (the business-license sample with sequence numbers 1..=n), signed
/// by its department: (COSE bytes, QR texts).
fn licenses(n: u64) -> (Vec<Vec<u8>>, Vec<String>) {
    let signed = numbered_licenses(n);
    let texts = signed
        .iter()
        .map(|s| encode(s, Encoding::Base45, Compression::Auto))
        .collect();
    (signed, texts)
}

fn batch(c: &mut Criterion) {
    let trust = trust_store();
    let mut g = c.benchmark_group("verify many licenses");
    for n in [64u64, 1024] {
        let (signed, texts) = licenses(n);
        let bytes: Vec<Input<'_>> = signed.iter().map(|s| Input::Bytes(s)).collect();
        let text: Vec<Input<'_>> = texts.iter().map(|t| Input::Text(t)).collect();
        assert!(verify_many(&bytes, &trust, VERIFY_AT)
            .iter()
            .all(Verdict::is_valid));
        g.throughput(Throughput::Elements(n));
        for (form, inputs) in [("bytes", &bytes), ("text", &text)] {
            g.bench_with_input(
                BenchmarkId::new(format!("one by one, {form}"), n),
                inputs,
                |b, inputs| {
                    b.iter(|| {
                        inputs
                            .iter()
                            .map(|i| verify(*i, &trust, VERIFY_AT))
                            .collect::<Vec<_>>()
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("verify_many, {form}"), n),
                inputs,
                |b, inputs| b.iter(|| verify_many(black_box(inputs), &trust, VERIFY_AT)),
            );
        }
    }
    g.finish();
}

fn qr(c: &mut Criterion) {
    let text = samples()[0].qr_text();
    let matrix = QrMatrix::new(&text, ErrorCorrection::Medium).unwrap();
    let (side, luma) = matrix.to_luma8(4);
    let side = side as usize;
    assert_eq!(decode_luma(side, side, &luma).unwrap(), vec![text.clone()]);
    let mut g = c.benchmark_group("QR");
    g.throughput(Throughput::Elements(1));
    g.bench_function(
        format!("render: text -> matrix (version {})", matrix.version()),
        |b| b.iter(|| QrMatrix::new(black_box(&text), ErrorCorrection::Medium).unwrap()),
    );
    g.bench_function("render: matrix -> 4 px/module grayscale raster", |b| {
        b.iter(|| black_box(&matrix).to_luma8(4))
    });
    g.bench_function(
        format!("decode: decode_luma of the rendered image ({side}x{side} px)"),
        |b| b.iter(|| decode_luma(side, side, black_box(&luma)).unwrap()),
    );
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = single, batch, qr
}
criterion_main!(benches);

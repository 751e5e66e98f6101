//! Verification overhead and batch speed-up, measured interleaved: raw Ed25519 `verify_strict`
//! of a license's Sig_structure, `elicense::verify` of its COSE bytes and of its QR text (as
//! issued, zlib-compressed, and the same bytes without zlib), the steps before the signature on
//! their own (transport text → bytes, envelope, payload), the signature step as `verify` takes
//! it, and the raw check again as a measure of noise; and `verify_many` against `verify` one by
//! one for 64 and 1 024 licenses.
//!
//! On a shared machine, sequential benchmarks (criterion measures one function for seconds, then
//! the next) see different background load; here every round times a short burst of each
//! function in turn. Each function's figure is its fastest round, and its ratio to the raw check
//! is given twice: fastest against fastest, and the median over rounds of the ratio within one
//! round (robust to the host's speed changing between rounds). Prints figures; asserts nothing
//! about time. Run: cargo bench -p elicense-cli --bench overhead
//! (ELICENSE_BENCH_QUICK=1 for fewer rounds.)

use std::hint::black_box;
use std::time::Instant;

use ed25519_dalek::Signature;
use elicense::transport;
use elicense::{verify, verify_many, Compression, CoseSign1, Encoding, Input, License};
use elicense_fixtures::{numbered_licenses, samples, trust_store, VERIFY_AT};

/// Mean time per call, in µs, of every burst: `times[f][r]` for function `f` in round `r`, over
/// `rounds` bursts of `burst` calls of each function, the functions taking turns.
fn interleaved(rounds: usize, burst: usize, fs: &mut [(&str, &mut dyn FnMut())]) -> Vec<Vec<f64>> {
    let mut times = vec![Vec::with_capacity(rounds); fs.len()];
    for _ in 0..rounds {
        for (i, (_, f)) in fs.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..burst {
                f();
            }
            times[i].push(t.elapsed().as_secs_f64() * 1e6 / burst as f64);
        }
    }
    times
}

/// The fastest burst of each function.
fn fastest(times: &[Vec<f64>]) -> Vec<f64> {
    times
        .iter()
        .map(|t| t.iter().copied().fold(f64::INFINITY, f64::min))
        .collect()
}

/// The median over rounds of `a`'s time divided by `b`'s in the same round. Both ran within
/// milliseconds of each other, so a change in the host's speed between rounds cancels out, where
/// the ratio of two fastest rounds can pair a lucky round of one with an ordinary round of the
/// other.
fn median_ratio(a: &[f64], b: &[f64]) -> f64 {
    let mut ratios: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    if n % 2 == 1 {
        ratios[n / 2]
    } else {
        (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run briefly then.
    let benching = std::env::args().any(|a| a == "--bench");
    let quick = !benching || std::env::var_os("ELICENSE_BENCH_QUICK").is_some();
    let (rounds, burst) = if quick { (20, 50) } else { (200, 200) };

    let sample = &samples()[0];
    let signed = sample.signed();
    let text = sample.qr_text();
    // The same license as an uncompressed base45 text (`EL1:`), as issued for licenses that zlib
    // does not shorten: the text path without the inflate step.
    let plain = transport::encode(&signed, Encoding::Base45, Compression::Never);
    let trust = trust_store();
    let cose = CoseSign1::parse(&signed).expect("fixture parses");
    let tbs = cose.to_be_signed();
    let signature = Signature::from_slice(cose.signature()).expect("a 64-byte signature");
    let public = sample.signer.signing_key().verifying_key();
    assert!(verify(Input::Text(&text), &trust, VERIFY_AT).is_valid());
    assert!(verify(Input::Bytes(&signed), &trust, VERIFY_AT).is_valid());
    assert!(text.starts_with("EL1Z:") && plain.starts_with("EL1:"));
    assert!(verify(Input::Text(&plain), &trust, VERIFY_AT).is_valid());

    let mut raw = || public.verify_strict(black_box(&tbs), &signature).unwrap();
    let mut bytes = || {
        black_box(verify(Input::Bytes(black_box(&signed)), &trust, VERIFY_AT));
    };
    let mut qr_text = || {
        black_box(verify(Input::Text(black_box(&text)), &trust, VERIFY_AT));
    };
    let mut plain_text = || {
        black_box(verify(Input::Text(black_box(&plain)), &trust, VERIFY_AT));
    };
    let mut decode = || {
        black_box(transport::decode(black_box(&text)).unwrap());
    };
    let mut envelope = || {
        black_box(CoseSign1::parse(black_box(&signed)).unwrap());
    };
    let mut payload = || {
        black_box(License::from_cbor(black_box(cose.payload())).unwrap());
    };
    // The raw check once more, last in each round: two runs of one function should read 0 %, so
    // this row shows how far the figures of this run can be trusted.
    let mut raw_again = raw;
    // elicense's own signature step (Sig_structure written out, then the same strict check).
    let public_key = elicense::PublicKey::from(public);
    let mut signature_step = || cose.verify(black_box(&public_key)).unwrap();
    let mut fs: [(&str, &mut dyn FnMut()); 9] = [
        ("raw ed25519 verify_strict (its Sig_structure)", &mut raw),
        ("elicense::verify (COSE bytes)", &mut bytes),
        ("elicense::verify (QR text, EL1Z: zlib)", &mut qr_text),
        ("elicense::verify (same, EL1: no zlib)", &mut plain_text),
        ("  transport::decode (QR text -> bytes)", &mut decode),
        ("  CoseSign1::parse (envelope)", &mut envelope),
        ("  License::from_cbor (payload)", &mut payload),
        ("  CoseSign1::verify (signature step)", &mut signature_step),
        ("raw check again (noise: should read 0 %)", &mut raw_again),
    ];
    let times = interleaved(rounds, burst, &mut fs);
    let best = fastest(&times);
    println!(
        "verification overhead, business license ({} COSE bytes; QR text {} characters with \
         zlib, {} without), {rounds} interleaved rounds of {burst} calls; the fastest round, \
         and the median over rounds of the ratio to the raw check in the same round:",
        signed.len(),
        text.len(),
        plain.len()
    );
    // Row 0 is the raw check; the indented rows are parts of the text path.
    for (i, ((name, _), t)) in fs.iter().zip(&best).enumerate() {
        let of_raw = t / best[0] * 100.0;
        let median = median_ratio(&times[i], &times[0]) * 100.0;
        if i == 0 {
            println!("{name:<48} {t:>8.2} µs");
        } else if name.starts_with(' ') {
            println!("{name:<48} {t:>8.2} µs  ({of_raw:>5.1} % of raw; median {median:>5.1} %)");
        } else {
            println!(
                "{name:<48} {t:>8.2} µs  (overhead {:+.1} %; median {:+.1} %)",
                of_raw - 100.0,
                median - 100.0
            );
        }
    }

    println!();
    let trust = &trust;
    for n in [64u64, 1024] {
        let signed = numbered_licenses(n);
        let texts: Vec<String> = signed
            .iter()
            .map(|s| transport::encode(s, Encoding::Base45, Compression::Auto))
            .collect();
        let bytes: Vec<Input<'_>> = signed.iter().map(|s| Input::Bytes(s)).collect();
        let text: Vec<Input<'_>> = texts.iter().map(|t| Input::Text(t)).collect();
        assert!(verify_many(&text, trust, VERIFY_AT)
            .iter()
            .all(|v| v.is_valid()));
        let (rounds, burst) = if quick {
            (5, 1)
        } else {
            (60 * 64 / n as usize, 1)
        };
        for (form, inputs) in [("COSE bytes", &bytes), ("QR texts", &text)] {
            let mut one_by_one = || {
                for i in inputs.iter() {
                    black_box(verify(*i, trust, VERIFY_AT));
                }
            };
            let mut batch = || {
                black_box(verify_many(black_box(inputs), trust, VERIFY_AT));
            };
            let mut fs: [(&str, &mut dyn FnMut()); 2] =
                [("one by one", &mut one_by_one), ("verify_many", &mut batch)];
            let best = fastest(&interleaved(rounds, burst, &mut fs));
            let per = |t: f64| t / n as f64;
            println!(
                "{n:>5} licenses, {form:<10}: one by one {:>7.1} µs/license, verify_many {:>7.1} \
                 µs/license, speed-up {:.2}x (fastest of {rounds} interleaved rounds)",
                per(best[0]),
                per(best[1]),
                best[0] / best[1]
            );
        }
    }
}

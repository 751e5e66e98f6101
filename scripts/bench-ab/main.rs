//! A/B benchmark of the checkout's core (`new`, package `elicense-core`) against an older revision
//! (`base`, the same crate renamed `elicense-core-base` by scripts/bench-ab.sh), both linked into
//! this one binary and timed interleaved on the very same bytes: the committed business-license
//! fixture (fixtures/licenses/business-license.{cose,qr.txt,payload.cbor}) and its signer's key
//! (fixtures/keys/TEST-ONLY-fuzhou-amr.json). The trust store holds the trusted test departments,
//! as elicense_fixtures::trust_store builds it.
//!
//! Every round times, for each function, a burst of the base's version and a burst of the new
//! one back to back, the order of the pair (base first or new first) alternating between rounds. Per function it prints the median over
//! rounds of new time / base time within the same round, and the 10th and 90th percentiles of
//! that ratio. A noise row times the base's `verify` of the text against itself.
//! Prints figures; asserts nothing about time. Not a workspace member: built by
//! scripts/bench-ab.sh under target/bench-ab/.
//!
//! Usage: bench-ab <repo root> [rounds] [burst]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use base::transport as base_transport;
use ed25519_dalek::SigningKey;
use time::macros::datetime;
use time::OffsetDateTime;

/// The instant at which the fixtures are checked (elicense_fixtures::VERIFY_AT).
const VERIFY_AT: OffsetDateTime = datetime!(2025-06-01 10:00 +8);

/// Licenses in the `verify_many` batch.
const MANY: u64 = 64;

struct Key {
    name: String,
    department: String,
    org_code: String,
    trusted: bool,
    seed: [u8; 32],
}

fn read_keys(root: &Path) -> Vec<Key> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures/keys"))
        .expect("fixtures/keys")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p).unwrap()).expect("key JSON");
            let s = |k: &str| v[k].as_str().expect(k).to_owned();
            let seed: [u8; 32] = hex::decode(s("seed_hex"))
                .expect("hex seed")
                .try_into()
                .expect("32-byte seed");
            Key {
                name: s("name"),
                department: s("department"),
                org_code: s("org_code"),
                trusted: v["trusted"].as_bool().expect("trusted"),
                seed,
            }
        })
        .collect()
}

/// The `q`-quantile (0..=1) of sorted values, by linear interpolation.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    quantile(&s, 0.5)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: bench-ab <repo root> [rounds] [burst]"));
    let rounds: usize = args.next().map_or(40, |a| a.parse().expect("rounds"));
    let burst: usize = args.next().map_or(200, |a| a.parse().expect("burst"));
    let read = |p: &str| std::fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    let cose = read("fixtures/licenses/business-license.cose");
    let text = String::from_utf8(read("fixtures/licenses/business-license.qr.txt")).unwrap();
    let text = text.trim_end().to_owned();
    let payload = read("fixtures/licenses/business-license.payload.cbor");
    let keys = read_keys(&root);
    let signer = keys.iter().find(|k| k.name == "fuzhou-amr").expect("fuzhou-amr key");
    let signing = SigningKey::from_bytes(&signer.seed);

    // The trust stores: the trusted test departments, in both versions.
    let mut new_trust = elicense::TrustStore::new();
    let mut base_trust = base::TrustStore::new();
    for k in keys.iter().filter(|k| k.trusted) {
        let public = SigningKey::from_bytes(&k.seed).verifying_key();
        new_trust
            .add(public, k.org_code.parse().unwrap(), k.department.clone())
            .unwrap();
        base_trust
            .add(public, k.org_code.parse().unwrap(), k.department.clone())
            .unwrap();
    }

    // The license, decoded by each version from the committed payload.
    let new_license = elicense::License::from_cbor(&payload).expect("new decodes the payload");
    let base_license = base::License::from_cbor(&payload).expect("base decodes the payload");

    // 64 distinct licenses (the business license with sequence numbers 1..=64, as
    // elicense_fixtures::numbered_licenses), signed and encoded by the new core once; both
    // versions verify these same texts.
    let many: Vec<String> = (1..=MANY)
        .map(|seq| {
            let mut l = new_license.clone();
            l.id = elicense::LicenseId::new(l.type_code().clone(), l.issuer_code().clone(), seq)
                .unwrap();
            let signed = l.sign(&signing).unwrap();
            elicense::transport::encode(
                &signed,
                elicense::Encoding::Base45,
                elicense::Compression::Auto,
            )
        })
        .collect();
    let new_many: Vec<elicense::Input<'_>> =
        many.iter().map(|t| elicense::Input::Text(t)).collect();
    let base_many: Vec<base::Input<'_>> = many.iter().map(|t| base::Input::Text(t)).collect();

    // Both versions agree on everything timed below before anything is timed.
    let new_signed = new_license.sign(&signing).unwrap();
    let base_signed = base_license.sign(&signing).unwrap();
    assert_eq!(new_signed, cose, "new re-signs the committed bytes");
    assert_eq!(base_signed, cose, "base re-signs the committed bytes");
    let new_text = elicense::transport::encode(
        &new_signed,
        elicense::Encoding::Base45,
        elicense::Compression::Auto,
    );
    let base_text =
        base_transport::encode(&base_signed, base::Encoding::Base45, base::Compression::Auto);
    assert_eq!(new_text, text, "new encodes the committed text");
    assert_eq!(base_text, text, "base encodes the committed text");
    assert!(text.starts_with("EL1Z:"));
    assert!(elicense::verify(elicense::Input::Text(&text), &new_trust, VERIFY_AT).is_valid());
    assert!(base::verify(base::Input::Text(&text), &base_trust, VERIFY_AT).is_valid());
    assert!(elicense::verify(elicense::Input::Bytes(&cose), &new_trust, VERIFY_AT).is_valid());
    assert!(base::verify(base::Input::Bytes(&cose), &base_trust, VERIFY_AT).is_valid());
    assert!(elicense::verify_many(&new_many, &new_trust, VERIFY_AT)
        .iter()
        .all(|v| v.is_valid()));
    assert!(base::verify_many(&base_many, &base_trust, VERIFY_AT)
        .iter()
        .all(|v| v.is_valid()));
    assert!(elicense::inspect(elicense::Input::Text(&text)).is_ok());
    assert!(base::inspect(base::Input::Text(&text)).is_ok());

    let (nt, bt) = (&new_trust, &base_trust);
    let (t, c) = (text.as_str(), cose.as_slice());
    let mut base_text_f = || {
        black_box(base::verify(base::Input::Text(black_box(t)), bt, VERIFY_AT));
    };
    let mut new_text_f = || {
        black_box(elicense::verify(elicense::Input::Text(black_box(t)), nt, VERIFY_AT));
    };
    let mut base_bytes_f = || {
        black_box(base::verify(base::Input::Bytes(black_box(c)), bt, VERIFY_AT));
    };
    let mut new_bytes_f = || {
        black_box(elicense::verify(elicense::Input::Bytes(black_box(c)), nt, VERIFY_AT));
    };
    let mut base_many_f = || {
        black_box(base::verify_many(black_box(&base_many), bt, VERIFY_AT));
    };
    let mut new_many_f = || {
        black_box(elicense::verify_many(black_box(&new_many), nt, VERIFY_AT));
    };
    let mut base_inspect_f = || {
        black_box(base::inspect(base::Input::Text(black_box(t))).unwrap());
    };
    let mut new_inspect_f = || {
        black_box(elicense::inspect(elicense::Input::Text(black_box(t))).unwrap());
    };
    let mut base_issue_f = || {
        let signed = black_box(&base_license).sign(&signing).unwrap();
        black_box(base_transport::encode(
            &signed,
            base::Encoding::Base45,
            base::Compression::Auto,
        ));
    };
    let mut new_issue_f = || {
        let signed = black_box(&new_license).sign(&signing).unwrap();
        black_box(elicense::transport::encode(
            &signed,
            elicense::Encoding::Base45,
            elicense::Compression::Auto,
        ));
    };
    // The noise pair: the base's text verify against a second copy of the same closure.
    let mut base_text_noise = base_text_f;
    let mut base_text_again = base_text_f;

    // Pairs (base, new); bursts scaled so that each takes about the same time.
    let many_burst = (burst / MANY as usize).max(1);
    let rows: [(&str, usize, &mut dyn FnMut(), &mut dyn FnMut()); 6] = [
        ("verify (QR text, EL1Z:)", burst, &mut base_text_f, &mut new_text_f),
        ("verify (COSE bytes)", burst, &mut base_bytes_f, &mut new_bytes_f),
        ("verify_many (64 QR texts)", many_burst, &mut base_many_f, &mut new_many_f),
        ("inspect (QR text)", burst, &mut base_inspect_f, &mut new_inspect_f),
        ("issuance (sign + encode Base45 Auto)", burst, &mut base_issue_f, &mut new_issue_f),
        ("noise: base verify (QR text) vs itself", burst, &mut base_text_noise, &mut base_text_again),
    ];

    // Every round runs each row's pair back to back (so the two members of a pair see the same
    // load), the rows taking turns; the first round is a warm-up and is not counted.
    let mut ratios: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); rows.len()];
    let mut base_us: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); rows.len()];
    let mut new_us: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); rows.len()];
    let mut rows = rows;
    for r in 0..=rounds {
        for (i, (_, burst, b, n)) in rows.iter_mut().enumerate() {
            // Base first in even rounds, new first in odd ones (shifted per row, so that in every
            // round base goes first in half of the rows).
            let times = pair(*burst, &mut **b, &mut **n, (r + i) % 2 == 1);
            if r == 0 {
                continue;
            }
            base_us[i].push(times[0]);
            new_us[i].push(times[1]);
            ratios[i].push(times[1] / times[0]);
        }
    }

    println!(
        "A/B: new core (this checkout) / base core; business license ({} COSE bytes, QR text {} \
         characters); {rounds} rounds, bursts of {burst} calls ({many_burst} for verify_many), \
         base/new order alternating per round; median over rounds of the per-round ratio new/base, \
         10th-90th percentile of that ratio, and median µs per call:",
        cose.len(),
        text.len()
    );
    println!(
        "{:<40} {:>7} {:>16} {:>11} {:>11}  {}",
        "function", "median", "p10-p90", "base µs", "new µs", "within 3 %"
    );
    for (i, (name, ..)) in rows.iter().enumerate() {
        let mut s = ratios[i].clone();
        s.sort_by(f64::total_cmp);
        let m = quantile(&s, 0.5);
        println!(
            "{name:<40} {m:>7.3} {:>7.3}-{:<8.3} {:>11.2} {:>11.2}  {}",
            quantile(&s, 0.1),
            quantile(&s, 0.9),
            median(&base_us[i]),
            median(&new_us[i]),
            if m <= 1.03 { "yes" } else { "NO" }
        );
    }
}

/// One burst of `base` and one of `new`, base first unless `new_first`: µs per call of each.
fn pair(burst: usize, base: &mut dyn FnMut(), new: &mut dyn FnMut(), new_first: bool) -> [f64; 2] {
    let mut out = [0.0; 2];
    let order = if new_first { [1, 0] } else { [0, 1] };
    for i in order {
        let f: &mut dyn FnMut() = if i == 0 { &mut *base } else { &mut *new };
        let t = Instant::now();
        for _ in 0..burst {
            f();
        }
        out[i] = t.elapsed().as_secs_f64() * 1e6 / burst as f64;
    }
    out
}

//! A/B benchmark of one revision's core (`new`, package `elicense-core`) against an older one's
//! (`base`, the same crate renamed `elicense-core-base` by scripts/bench-ab.sh), both linked into
//! this one binary and timed interleaved on the very same bytes: the committed business-license
//! fixture (fixtures/licenses/business-license.{cose,qr.txt,payload.cbor}) and its signer's key
//! (fixtures/keys/TEST-ONLY-fuzhou-amr.json). The trust store holds the trusted test departments,
//! as elicense_fixtures::trust_store builds it.
//!
//! Every round times, for each function, a burst of the base's version and a burst of the new
//! one back to back, the order of the pair (base first or new first) alternating between rounds;
//! the ratio new time / base time is taken within each round. Rows marked "part" time the steps
//! of `verify` on their own; a noise row times the base's `verify` of the text against itself.
//!
//! One process is not enough: where the stack and heap land (ASLR, environment size) changes the
//! speed of the Ed25519 check by 10 % and more, and not equally for the two versions (their call
//! paths to it differ), a bias that lasts the whole process and that the noise row, identical
//! code on identical data, cannot show. So the program runs `runs` child processes of itself
//! (each with its own address-space layout and an environment of a different size), each doing
//! `rounds` rounds, and prints per function: the median ratio of each process, the median and
//! the 10th-90th percentile of the per-round ratios of all processes pooled, and the median
//! µs per call. Prints figures; asserts nothing about time. Not a workspace member: built by
//! scripts/bench-ab.sh under target/bench-ab/.
//!
//! Usage: bench-ab <source tree with fixtures/> [runs] [rounds] [burst]   (defaults 10, 40, 200)

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
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

/// A function timed in both versions: its name, the calls per burst, base's and new's closures.
type Row<'a> = (&'a str, usize, &'a mut dyn FnMut(), &'a mut dyn FnMut());

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

/// Set in the child processes, which measure and print their figures as tab-separated lines.
const CHILD: &str = "BENCH_AB_CHILD";

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: bench-ab <repo root> [runs] [rounds] [burst]"),
    );
    let mut number = |default: usize| {
        args.next()
            .map_or(default, |a| a.parse().expect("a number"))
    };
    let (runs, rounds, burst) = (number(10), number(40), number(200));
    if std::env::var_os(CHILD).is_some() {
        measure(&root, rounds, burst);
    } else {
        parent(&root, runs, rounds, burst);
    }
}

/// One child's figures for one function.
struct Figures {
    ratios: Vec<f64>,
    base_us: Vec<f64>,
    new_us: Vec<f64>,
}

/// Run `runs` children and summarise their figures.
fn parent(root: &Path, runs: usize, rounds: usize, burst: usize) {
    let exe = std::env::current_exe().expect("own path");
    let mut names: Vec<String> = Vec::new();
    let mut heading = String::new();
    // figures[run][function]
    let mut figures: Vec<Vec<Figures>> = Vec::new();
    for run in 0..runs {
        let out = Command::new(&exe)
            .arg(root)
            .args(["1".to_owned(), rounds.to_string(), burst.to_string()])
            .env(CHILD, "1")
            // Shift the initial stack by a different amount in every child (16 bytes a step).
            .env("BENCH_AB_PAD", "x".repeat(16 * run))
            .output()
            .expect("run a child");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(
            out.status.success(),
            "child failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut this = Vec::new();
        for line in stdout.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols[0] == "heading" {
                heading = cols[1].to_owned();
                continue;
            }
            let nums = |c: &str| -> Vec<f64> { c.split(',').map(|x| x.parse().unwrap()).collect() };
            if run == 0 {
                names.push(cols[0].to_owned());
            }
            this.push(Figures {
                ratios: nums(cols[1]),
                base_us: nums(cols[2]),
                new_us: nums(cols[3]),
            });
        }
        figures.push(this);
    }

    println!("{heading}");
    println!(
        "{runs} processes of {rounds} rounds; per function: the median ratio new/base of each \
         process; then, over all rounds of all processes, the median ratio, its 10th-90th \
         percentile, and the median µs per call"
    );
    println!();
    print!("{:<40}", "median ratio of each process");
    for run in 1..=runs {
        print!(" {:>5}", format!("#{run}"));
    }
    println!();
    for (i, name) in names.iter().enumerate() {
        print!("{name:<40}");
        for f in &figures {
            print!(" {:>5.3}", median(&f[i].ratios));
        }
        println!();
    }
    println!();
    println!(
        "{:<40} {:>7} {:>13} {:>13} {:>9} {:>9}  ≤ 1.03",
        "all rounds pooled", "median", "p10-p90", "process range", "base µs", "new µs"
    );
    for (i, name) in names.iter().enumerate() {
        let pooled = |get: fn(&Figures) -> &Vec<f64>| -> Vec<f64> {
            let mut v: Vec<f64> = figures.iter().flat_map(|f| get(&f[i]).clone()).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        let ratios = pooled(|f| &f.ratios);
        let per_process: Vec<f64> = figures.iter().map(|f| median(&f[i].ratios)).collect();
        let lo = per_process.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = per_process.iter().copied().fold(0.0, f64::max);
        let m = quantile(&ratios, 0.5);
        println!(
            "{name:<40} {m:>7.3} {:>6.3}-{:<6.3} {lo:>6.3}-{hi:<6.3} {:>9.2} {:>9.2}  {}",
            quantile(&ratios, 0.1),
            quantile(&ratios, 0.9),
            quantile(&pooled(|f| &f.base_us), 0.5),
            quantile(&pooled(|f| &f.new_us), 0.5),
            if m <= 1.03 { "yes" } else { "NO" }
        );
    }
}

/// The measurement, in a child process: prints a heading line and, per function, its per-round
/// ratios and times, tab-separated.
fn measure(root: &Path, rounds: usize, burst: usize) {
    let read = |p: &str| std::fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    let cose = read("fixtures/licenses/business-license.cose");
    let text = String::from_utf8(read("fixtures/licenses/business-license.qr.txt")).unwrap();
    let text = text.trim_end().to_owned();
    let payload = read("fixtures/licenses/business-license.payload.cbor");
    let keys = read_keys(root);
    let signer = keys
        .iter()
        .find(|k| k.name == "fuzhou-amr")
        .expect("fuzhou-amr key");
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
    let base_text = base_transport::encode(
        &base_signed,
        base::Encoding::Base45,
        base::Compression::Auto,
    );
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
        black_box(elicense::verify(
            elicense::Input::Text(black_box(t)),
            nt,
            VERIFY_AT,
        ));
    };
    let mut base_bytes_f = || {
        black_box(base::verify(
            base::Input::Bytes(black_box(c)),
            bt,
            VERIFY_AT,
        ));
    };
    let mut new_bytes_f = || {
        black_box(elicense::verify(
            elicense::Input::Bytes(black_box(c)),
            nt,
            VERIFY_AT,
        ));
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
    // The parts of `verify`, to tell where a difference comes from.
    let new_cose = elicense::CoseSign1::parse(&cose).unwrap();
    let base_cose = base::CoseSign1::parse(&cose).unwrap();
    let public = signing.verifying_key();
    let mut base_decode_f = || {
        black_box(base_transport::decode(black_box(t)).unwrap());
    };
    let mut new_decode_f = || {
        black_box(elicense::transport::decode(black_box(t)).unwrap());
    };
    let mut base_parse_f = || {
        black_box(base::CoseSign1::parse(black_box(c)).unwrap());
    };
    let mut new_parse_f = || {
        black_box(elicense::CoseSign1::parse(black_box(c)).unwrap());
    };
    let mut base_payload_f = || {
        black_box(base::License::from_cbor(black_box(base_cose.payload())).unwrap());
    };
    let mut new_payload_f = || {
        black_box(elicense::License::from_cbor(black_box(new_cose.payload())).unwrap());
    };
    let mut base_signature_f = || black_box(&base_cose).verify(&public).unwrap();
    // The new core verifies with a suite-neutral key (issue 16's suite seam).
    let new_public = elicense::PublicKey::from(public);
    let mut new_signature_f = || black_box(&new_cose).verify(&new_public).unwrap();

    // The noise pair: the base's text verify against a second copy of the same closure.
    let mut base_text_noise = base_text_f;
    let mut base_text_again = base_text_f;

    // Pairs (base, new); a verify_many burst has burst / 64 calls, about as many licenses.
    let many_burst = (burst / MANY as usize).max(1);
    let rows: [Row<'_>; 10] = [
        (
            "verify (QR text, EL1Z:)",
            burst,
            &mut base_text_f,
            &mut new_text_f,
        ),
        (
            "verify (COSE bytes)",
            burst,
            &mut base_bytes_f,
            &mut new_bytes_f,
        ),
        (
            "verify_many (64 QR texts)",
            many_burst,
            &mut base_many_f,
            &mut new_many_f,
        ),
        (
            "inspect (QR text)",
            burst,
            &mut base_inspect_f,
            &mut new_inspect_f,
        ),
        (
            "issuance (sign + encode Base45 Auto)",
            burst,
            &mut base_issue_f,
            &mut new_issue_f,
        ),
        (
            "  part: transport::decode (text)",
            burst,
            &mut base_decode_f,
            &mut new_decode_f,
        ),
        (
            "  part: CoseSign1::parse (envelope)",
            burst,
            &mut base_parse_f,
            &mut new_parse_f,
        ),
        (
            "  part: License::from_cbor (payload)",
            burst,
            &mut base_payload_f,
            &mut new_payload_f,
        ),
        (
            "  part: CoseSign1::verify (signature)",
            burst,
            &mut base_signature_f,
            &mut new_signature_f,
        ),
        (
            "noise: base verify (QR text) vs itself",
            burst,
            &mut base_text_noise,
            &mut base_text_again,
        ),
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
        "heading\tA/B: new core / base core; business license ({} COSE bytes, QR text {} \
         characters); rounds of bursts of {burst} calls ({many_burst} for verify_many), \
         base/new order alternating per round",
        cose.len(),
        text.len()
    );
    let join = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.4}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    for (i, (name, ..)) in rows.iter().enumerate() {
        println!(
            "{name}\t{}\t{}\t{}",
            join(&ratios[i]),
            join(&base_us[i]),
            join(&new_us[i])
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

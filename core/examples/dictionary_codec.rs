//! The preset-dictionary codec measured side by side (docs/BENCHMARKS.md, "Preset dictionary
//! codec"): on version-2 license bytes and Python zlib's FDICT streams of them
//! (`fixtures/corpus/dict_vectors.py`), the compressed sizes of Python zlib, the core's deflate
//! (flate2 on zlib-rs) and miniz_oxide without a dictionary, and the time to inflate with the
//! core (miniz_oxide, dictionary as the window's history) and with flate2 on zlib-rs.
//!
//! Usage: cargo run --release -p elicense-core --example dictionary_codec [VECTORS.jsonl]

use std::collections::BTreeMap;
use std::time::Instant;

use elicense::dictionary::{deflate, inflate, Dictionary};

fn zlib_rs_inflate(z: &[u8], dict: &[u8], limit: usize) -> Option<Vec<u8>> {
    use flate2::{Decompress, FlushDecompress, Status};
    let mut d = Decompress::new(true);
    let mut out = Vec::with_capacity(limit);
    loop {
        let input = z.get(d.total_in() as usize..)?;
        match d.decompress_vec(input, &mut out, FlushDecompress::Finish) {
            Ok(Status::StreamEnd) => return Some(out),
            Ok(_) if out.len() >= limit => return None,
            Ok(_) => {}
            Err(e) if e.needs_dictionary().is_some() => {
                d.set_dictionary(dict).ok()?;
            }
            Err(_) => return None,
        }
    }
}

fn median(mut v: Vec<usize>) -> usize {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpus");
    let vectors = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("dictionary-vectors.jsonl"));
    let dict_bytes = std::fs::read(root.join("elicense-dict-v2-1.bin")).expect("dictionary");
    let dict = Dictionary::new(&dict_bytes).expect("dictionary length");
    let text = std::fs::read_to_string(&vectors).expect("vectors file");
    let mut rows = vec![];
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let hex = |k: &str| hex::decode(v[k].as_str().expect("hex")).expect("hex");
        rows.push((
            v["type"].as_str().unwrap_or("?").to_owned(),
            hex("data"),
            hex("zlib"),
        ));
    }
    let mut by_type: BTreeMap<&str, Vec<[usize; 4]>> = BTreeMap::new();
    let mut identical = 0;
    for (t, data, py) in &rows {
        let ours = deflate(data, &dict).expect("deflate");
        assert_eq!(inflate(py, &dict, 16 * 1024).as_deref(), Ok(&data[..]));
        assert_eq!(inflate(&ours, &dict, 16 * 1024).as_deref(), Ok(&data[..]));
        identical += usize::from(ours == *py);
        let plain = miniz_oxide::deflate::compress_to_vec_zlib(data, 10);
        by_type
            .entry(t)
            .or_default()
            .push([data.len(), py.len(), ours.len(), plain.len()]);
    }
    println!(
        "{} version-2 licenses ({}); dictionary {} bytes, DICTID {:08x}",
        rows.len(),
        vectors.display(),
        dict_bytes.len(),
        dict.id()
    );
    println!("the core's deflate gives Python zlib's bytes exactly for {identical}");
    println!("type      n   median bytes: signed | Python zlib 9 + dict | core deflate (zlib-rs 9) + dict | miniz_oxide 10, no dict");
    for (t, v) in &by_type {
        let col = |i: usize| median(v.iter().map(|r| r[i]).collect());
        println!(
            "{t:6} {:5}   {:6} | {:6} | {:6} | {:6}",
            v.len(),
            col(0),
            col(1),
            col(2),
            col(3)
        );
    }
    let rounds = (20_000 / rows.len().max(1)).max(1);
    let time = |f: &dyn Fn(&[u8]) -> usize| {
        let start = Instant::now();
        let mut n = 0;
        for _ in 0..rounds {
            for (_, _, py) in &rows {
                n += f(py);
            }
        }
        std::hint::black_box(n);
        start.elapsed().as_secs_f64() * 1e6 / (rounds * rows.len()) as f64
    };
    let core = time(&|z| inflate(z, &dict, 16 * 1024).map_or(0, |v| v.len()));
    let zrs = time(&|z| zlib_rs_inflate(z, &dict_bytes, 16 * 1024).map_or(0, |v| v.len()));
    println!(
        "inflate, per license: core (miniz_oxide) {core:.1} µs; flate2 on zlib-rs {zrs:.1} µs"
    );
    let start = Instant::now();
    for (_, data, _) in &rows {
        std::hint::black_box(deflate(data, &dict).ok());
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / rows.len() as f64;
    println!("deflate, per license: core (zlib-rs) {per:.1} µs");
}

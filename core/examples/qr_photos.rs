//! Decode every image of a photo corpus with the core's QR decoder and print, per image, what it
//! read and how long it took: the "ours" column of `scripts/qr-photos/bench.py` (issue 18).
//!
//! ```text
//! cargo run --release -p elicense-core --example qr_photos -- DIR/manifest.tsv
//! ```
//!
//! Output: one tab-separated line per image, `file  outcome  texts  micros`, where `outcome` is
//! `ok` (the expected text among those read), `wrong` (texts read, none the expected one),
//! `none` (nothing read) or `error` (the image could not be loaded), `texts` the number of texts
//! read and `micros` the median decode time over a few repetitions (image loading excluded).

use std::path::Path;
use std::time::Instant;

fn main() {
    let manifest = std::env::args()
        .nth(1)
        .expect("usage: qr_photos DIR/manifest.tsv");
    let dir = Path::new(&manifest).parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(&manifest).expect("read the manifest");
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, expected) = (cols[0], cols[4]);
        let image = match image::open(dir.join(file)) {
            Ok(image) => image.to_luma8(),
            Err(e) => {
                println!("{file}\terror\t0\t0\t{e}");
                continue;
            }
        };
        let (w, h) = (image.width() as usize, image.height() as usize);
        let mut times = vec![];
        let mut result = Err(elicense::QrError::NotFound);
        for _ in 0..3 {
            let start = Instant::now();
            result = elicense::qr::decode_luma(w, h, image.as_raw());
            times.push(start.elapsed().as_micros());
        }
        times.sort();
        let (outcome, count) = match &result {
            Ok(texts) if texts.iter().any(|t| t == expected) => ("ok", texts.len()),
            Ok(texts) => ("wrong", texts.len()),
            Err(_) => ("none", 0),
        };
        println!("{file}\t{outcome}\t{count}\t{}", times[1]);
    }
}

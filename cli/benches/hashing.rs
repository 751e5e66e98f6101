//! Attachment hashing speed against `sha256sum` on the same file (a generated 256 MiB file in the
//! temporary directory; set ELICENSE_BENCH_MB for another size, e.g. 1024 for 1 GiB).
//! Run: cargo bench -p elicense-cli --bench hashing

use std::io::Write;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let mb: u64 = std::env::var("ELICENSE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let path = std::env::temp_dir().join(format!("elicense-hash-bench-{mb}.bin"));
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(mb << 20) {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block: Vec<u8> = (0..1u32 << 20)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        for _ in 0..mb {
            f.write_all(&block).unwrap();
        }
    }
    let expected = {
        let f = std::fs::File::open(&path).unwrap();
        elicense::hash_reader(std::io::BufReader::with_capacity(1 << 20, f)).unwrap()
    };
    let mut g = c.benchmark_group("attachment hashing");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(mb << 20));
    g.bench_function(format!("elicense hash_reader, {mb} MiB file"), |b| {
        b.iter(|| {
            let f = std::fs::File::open(&path).unwrap();
            let d = elicense::hash_reader(std::io::BufReader::with_capacity(1 << 20, f)).unwrap();
            assert_eq!(d, expected);
        })
    });
    if Command::new("sha256sum").arg("--version").output().is_ok() {
        g.bench_function(format!("sha256sum, {mb} MiB file"), |b| {
            b.iter(|| {
                let out = Command::new("sha256sum").arg(&path).output().unwrap();
                assert!(out.status.success());
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

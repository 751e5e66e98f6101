//! The issuance log at 10^6 and 10^8 entries (docs/BENCHMARKS.md, "The issuance log at scale"):
//! a tree whose leaves are generated from their index (entry i = its 8-byte index padded to 81
//! bytes), with only the tile-height hashes 8, 16, 24 kept in memory, as a log stores them; proofs
//! are built through `TileHeights`, regenerating the level-0 hashes they need.
//!
//!     cargo run --release --manifest-path scripts/merkle-compare/Cargo.toml --bin scale

use std::time::Instant;

use elicense::tlog::{self, Hash};
use elicense::TileHeights;

fn leaf(i: u64) -> Hash {
    let mut entry = [0u8; 81];
    entry[..8].copy_from_slice(&i.to_be_bytes());
    tlog::leaf_hash(&entry)
}

fn main() {
    for n in [1_000_000u64, 100_000_000] {
        let t = Instant::now();
        // levels[k] = hashes at tile level k + 1 (height 8(k+1)).
        let mut levels: Vec<Vec<Hash>> = vec![vec![]; 3];
        let mut tile = Vec::with_capacity(256);
        for i in 0..n {
            tile.push(leaf(i));
            if tile.len() == 256 {
                let mut h = tlog::subtree_root(&tile);
                tile.clear();
                for k in 0..levels.len() {
                    levels[k].push(h);
                    if levels[k].len() % 256 != 0 {
                        break;
                    }
                    let len = levels[k].len();
                    h = tlog::subtree_root(&levels[k][len - 256..]);
                }
            }
        }
        let build = t.elapsed().as_secs_f64();
        let stored: usize = levels.iter().map(Vec::len).sum::<usize>() * 32;
        let mut reads = 0u64;
        let mut src = TileHeights(
            |level: u8, first: u64, count: u64| -> Result<Vec<Hash>, ()> {
                reads += count;
                if level == 0 {
                    return Ok((first..first + count).map(leaf).collect());
                }
                let l = levels.get(usize::from(level) - 1).ok_or(())?;
                l.get(first as usize..(first + count) as usize)
                    .map(<[Hash]>::to_vec)
                    .ok_or(())
            },
        );
        let t = Instant::now();
        let root = tlog::root(&mut src, n).unwrap();
        let root_time = t.elapsed().as_secs_f64();
        let k = 1000u64;
        let (mut prove, mut verify, mut hashes) = (0.0, 0.0, 0usize);
        for j in 0..k {
            let i = j * 7_919_993 % n;
            let t = Instant::now();
            let p = tlog::inclusion_proof(&mut src, i, n).unwrap();
            prove += t.elapsed().as_secs_f64();
            hashes = hashes.max(p.len());
            let t = Instant::now();
            tlog::verify_inclusion(i, n, &leaf(i), &p, &root).unwrap();
            verify += t.elapsed().as_secs_f64();
        }
        let t = Instant::now();
        let old = n / 3 + 1;
        let old_root = tlog::root(&mut src, old).unwrap();
        let c = tlog::consistency_proof(&mut src, old, n).unwrap();
        tlog::verify_consistency(old, n, &old_root, &root, &c).unwrap();
        let cons = t.elapsed().as_secs_f64();
        println!(
            "{n} entries: built in {build:.1} s (one core, leaves generated); tile-height hashes kept {:.1} MB; \
             root from them {:.2} ms; inclusion proof ≤ {hashes} hashes, built {:.1} µs (regenerating its \
             level-0 hashes), verified {:.2} µs; consistency proof from {old} ({} hashes) built and verified {:.2} ms; \
             hashes read in all {reads}",
            stored as f64 / 1e6,
            root_time * 1e3,
            prove / k as f64 * 1e6,
            verify / k as f64 * 1e6,
            c.len(),
            cons * 1e3,
        );
    }
}

//! Compares Merkle implementations for the issuance log: the core's own (`elicense::tlog`, on
//! sha2), ct-merkle 0.3 and rs_merkle 1.5. Prints a Markdown table for docs/BENCHMARKS.md.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use elicense::tlog::{self, Hash};
use elicense::MemoryTree;
use serde_json::Value;
use sha2::Digest;

type CtSha = sha2_011::Sha256;

fn vectors() -> Vec<(String, Value)> {
    fn walk(d: &Path, out: &mut Vec<(String, Value)>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push((
                    p.display().to_string(),
                    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap(),
                ));
            }
        }
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/merkle-vectors");
    let mut out = vec![];
    walk(&dir.join("inclusion"), &mut out);
    walk(&dir.join("consistency"), &mut out);
    out
}

fn b64(v: &Value) -> Option<Vec<u8>> {
    STANDARD.decode(v.as_str()?).ok()
}
fn h32(v: &Value) -> Option<Hash> {
    b64(v)?.try_into().ok()
}
fn proof(v: &Value) -> Option<Vec<Hash>> {
    match v {
        Value::Null => Some(vec![]),
        Value::Array(a) => a.iter().map(h32).collect(),
        _ => None,
    }
}

const RFC_LEAVES: [&[u8]; 8] = [
    b"",
    &[0x00],
    &[0x10],
    &[0x20, 0x21],
    &[0x30, 0x31],
    &[0x40, 0x41, 0x42, 0x43],
    &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
    &[
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e,
        0x6f,
    ],
];

/// Outcome counts: right, wrong, not runnable (API cannot express the case), panicked.
#[derive(Default, Debug)]
struct Score {
    right: u32,
    wrong: u32,
    not_runnable: u32,
    panicked: u32,
}

fn own(c: &Value, incl: bool) -> Option<bool> {
    Some(if incl {
        let (leaf, root, p) = (h32(&c["leafHash"])?, h32(&c["root"])?, proof(&c["proof"])?);
        tlog::verify_inclusion(
            c["leafIdx"].as_u64()?,
            c["treeSize"].as_u64()?,
            &leaf,
            &p,
            &root,
        )
        .is_ok()
    } else {
        let (r1, r2, p) = (h32(&c["root1"])?, h32(&c["root2"])?, proof(&c["proof"])?);
        tlog::verify_consistency(c["size1"].as_u64()?, c["size2"].as_u64()?, &r1, &r2, &p).is_ok()
    })
}

/// ct-merkle: inclusion takes the leaf *value*, so a case runs only when its leaf hash is one of
/// the RFC test leaves (preimage known); a malformed hash is a refusal.
fn ct(c: &Value, incl: bool) -> Result<bool, ()> {
    let flat = |v: &Value| -> Option<Vec<u8>> {
        match v {
            Value::Null => Some(vec![]),
            // A caller turns typed hashes into ct-merkle's flat bytes: a hash that is not 32
            // bytes is refused on the way (flattening would hide an empty one).
            Value::Array(a) => Some(a.iter().map(h32).collect::<Option<Vec<_>>>()?.concat()),
            _ => None,
        }
    };
    if incl {
        let Some(leaf) = h32(&c["leafHash"]) else {
            return Ok(false);
        };
        let Some(pre) = RFC_LEAVES.iter().find(|l| tlog::leaf_hash(l) == leaf) else {
            return Err(());
        };
        let Some(root) = h32(&c["root"]) else {
            return Ok(false);
        };
        let Some(p) = flat(&c["proof"]) else {
            return Ok(false);
        };
        let Ok(p) = InclusionProof::<CtSha>::try_from_bytes(p) else {
            return Ok(false);
        };
        let root = RootHash::<CtSha>::new(root.into(), c["treeSize"].as_u64().unwrap());
        Ok(root
            .verify_inclusion(pre, c["leafIdx"].as_u64().unwrap(), &p)
            .is_ok())
    } else {
        let (Some(r1), Some(r2), Some(p)) = (h32(&c["root1"]), h32(&c["root2"]), flat(&c["proof"]))
        else {
            return Ok(false);
        };
        let Ok(p) = ConsistencyProof::<CtSha>::try_from_bytes(p) else {
            return Ok(false);
        };
        let old = RootHash::<CtSha>::new(r1.into(), c["size1"].as_u64().unwrap());
        let new = RootHash::<CtSha>::new(r2.into(), c["size2"].as_u64().unwrap());
        Ok(new.verify_consistency(&old, &p).is_ok())
    }
}

/// rs_merkle with RFC 6962 prefixes supplied by a custom hasher (leaves given as leaf hashes).
#[derive(Clone)]
struct Rfc6962;
impl rs_merkle::Hasher for Rfc6962 {
    type Hash = [u8; 32];
    fn hash(data: &[u8]) -> [u8; 32] {
        sha2::Sha256::digest(data).into()
    }
    fn concat_and_hash(left: &[u8; 32], right: Option<&[u8; 32]>) -> [u8; 32] {
        match right {
            Some(r) => tlog::node_hash(left, r),
            None => *left,
        }
    }
}

fn time<T>(what: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = what();
    (r, t.elapsed().as_secs_f64())
}

fn main() {
    // Panics are counted, not printed.
    std::panic::set_hook(Box::new(|_| {}));
    // 1. Vectors.
    let mut scores = [Score::default(), Score::default()];
    for (name, c) in vectors() {
        let incl = name.contains("/inclusion/");
        let want = !c["wantErr"].as_bool().unwrap();
        let s = &mut scores[0];
        match catch_unwind(AssertUnwindSafe(|| own(&c, incl).unwrap_or(false))) {
            Ok(got) if got == want => s.right += 1,
            Ok(_) => {
                s.wrong += 1;
                eprintln!(
                    "own wrong: {} ({})",
                    name.split("merkle-vectors/").nth(1).unwrap_or(&name),
                    c["desc"]
                );
            }
            Err(_) => s.panicked += 1,
        }
        let s = &mut scores[1];
        match catch_unwind(AssertUnwindSafe(|| ct(&c, incl))) {
            Ok(Ok(got)) if got == want => s.right += 1,
            Ok(Ok(_)) => {
                s.wrong += 1;
                eprintln!(
                    "ct-merkle wrong: {} ({})",
                    name.split("merkle-vectors/").nth(1).unwrap_or(&name),
                    c["desc"]
                );
            }
            Ok(Err(())) => s.not_runnable += 1,
            Err(_) => s.panicked += 1,
        }
    }
    println!(
        "vectors (196 cases): own {:?}; ct-merkle {:?}",
        scores[0], scores[1]
    );

    // rs_merkle: default (no prefixes) and RFC-prefixed roots of the RFC test tree.
    let default_root = rs_merkle::MerkleTree::<rs_merkle::algorithms::Sha256>::from_leaves(
        &RFC_LEAVES
            .iter()
            .map(|l| sha2::Sha256::digest(l).into())
            .collect::<Vec<[u8; 32]>>(),
    )
    .root()
    .unwrap();
    let own8 = {
        let mut t = MemoryTree::new();
        RFC_LEAVES.iter().for_each(|l| {
            t.push(l);
        });
        t.root()
    };
    println!(
        "rs_merkle default Sha256 root of the RFC tree equals RFC 6962's: {}",
        default_root == own8
    );
    let mut same_shape = true;
    let mut t = MemoryTree::new();
    let mut leaves = vec![];
    for n in 1..=300u32 {
        leaves.push(tlog::leaf_hash(&n.to_be_bytes()));
        t.push_hash(*leaves.last().unwrap());
        same_shape &=
            rs_merkle::MerkleTree::<Rfc6962>::from_leaves(&leaves).root() == Some(t.root());
    }
    println!("rs_merkle with an RFC-prefix hasher gives RFC roots for sizes 1..300: {same_shape}");

    // 2. Speed: append 1M leaves, root, then verify inclusion proofs.
    let n: u64 = 1_000_000;
    let entries: Vec<[u8; 90]> = (0..n)
        .map(|i| {
            let mut e = [0u8; 90];
            e[..8].copy_from_slice(&i.to_be_bytes());
            e
        })
        .collect();
    let (own_tree, t_own) = time(|| {
        let mut t = MemoryTree::new();
        for e in &entries {
            t.push(e);
        }
        t
    });
    let (own_root, t_own_root) = time(|| own_tree.root());
    let (ct_tree, t_ct) = time(|| {
        let mut t = MemoryBackedTree::<CtSha, [u8; 90]>::new();
        for e in &entries {
            t.push(*e);
        }
        t
    });
    let (ct_root, t_ct_root) = time(|| ct_tree.root());
    assert_eq!(ct_root.as_bytes().as_slice(), own_root.as_slice());
    let (rs_tree, t_rs) = time(|| {
        let mut t = rs_merkle::MerkleTree::<Rfc6962>::new();
        for e in &entries {
            t.insert(tlog::leaf_hash(e));
        }
        t.commit();
        t
    });
    assert_eq!(rs_tree.root(), Some(own_root));
    println!("append {n} entries of 90 bytes (+ root): own {:.0}/s ({:.3}s + {:.6}s root); ct-merkle {:.0}/s ({:.3}s + {:.6}s root); rs_merkle {:.0}/s (insert+commit {:.3}s)",
        n as f64 / t_own, t_own, t_own_root, n as f64 / t_ct, t_ct, t_ct_root, n as f64 / t_rs, t_rs);

    let k = 20_000u64;
    let idxs: Vec<u64> = (0..k).map(|i| i * 49 % n).collect();
    let own_proofs: Vec<Vec<Hash>> = idxs
        .iter()
        .map(|&i| tlog::inclusion_proof(&mut &own_tree, i, n).unwrap())
        .collect();
    let ct_proofs: Vec<_> = idxs
        .iter()
        .map(|&i| ct_tree.prove_inclusion(i as usize))
        .collect();
    let rs_proofs: Vec<_> = idxs.iter().map(|&i| rs_tree.proof(&[i as usize])).collect();
    let ((), v_own) = time(|| {
        for (j, &i) in idxs.iter().enumerate() {
            tlog::verify_inclusion(
                i,
                n,
                &tlog::leaf_hash(&entries[i as usize]),
                &own_proofs[j],
                &own_root,
            )
            .unwrap();
        }
    });
    let ((), v_ct) = time(|| {
        for (j, &i) in idxs.iter().enumerate() {
            ct_root
                .verify_inclusion(&entries[i as usize], i, &ct_proofs[j])
                .unwrap();
        }
    });
    let ((), v_rs) = time(|| {
        for (j, &i) in idxs.iter().enumerate() {
            assert!(rs_proofs[j].verify(
                own_root,
                &[i as usize],
                &[tlog::leaf_hash(&entries[i as usize])],
                n as usize
            ));
        }
    });
    println!("verify one inclusion proof at {n} ({} hashes): own {:.2} µs, ct-merkle {:.2} µs, rs_merkle {:.2} µs",
        own_proofs[0].len(), v_own / k as f64 * 1e6, v_ct / k as f64 * 1e6, v_rs / k as f64 * 1e6);
    let ((), c_own) = time(|| {
        for i in 1..=1000u64 {
            let m = i * 997;
            let p = tlog::consistency_proof(&mut &own_tree, m, n).unwrap();
            tlog::verify_consistency(m, n, &own_tree.root_at(m).unwrap(), &own_root, &p).unwrap();
        }
    });
    println!(
        "build+verify one consistency proof to {n}: own {:.2} µs",
        c_own / 1000.0 * 1e6
    );
    // The hash itself: sha2 0.10 (the workspace's) against sha2 0.11 (ct-merkle's), one node.
    let (mut a, mut b) = ([1u8; 32], [1u8; 32]);
    let ((), t10) = time(|| {
        for _ in 0..1_000_000 {
            a = tlog::node_hash(&a, &a);
        }
    });
    let ((), t11) = time(|| {
        for _ in 0..1_000_000 {
            let mut h = <CtSha as sha2_011::Digest>::new();
            sha2_011::Digest::update(&mut h, [1u8]);
            sha2_011::Digest::update(&mut h, b);
            sha2_011::Digest::update(&mut h, b);
            b = sha2_011::Digest::finalize(h).into();
        }
    });
    println!(
        "one node hash (65 bytes): sha2 0.10 {:.3} µs, sha2 0.11 {:.3} µs ({})",
        t10,
        t11,
        a[0] ^ b[0]
    );
    // 3. Hostile proofs: random sizes, indices and proof lengths; a panic is counted, and a call
    // that does not return within a second is a hang (ct-merkle is then left spinning in its
    // thread, so this part runs last).
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let trials = 20_000;
    let mut inputs = Vec::with_capacity(trials);
    for _ in 0..trials {
        let size = match next() % 4 {
            0 => next(),
            1 => next() % 64,
            2 => u64::MAX - next() % 4,
            _ => 1 << (next() % 64),
        };
        let idx = match next() % 3 {
            0 => next(),
            1 => size.wrapping_sub(1 + next() % 3),
            _ => next() % 70,
        };
        let len = (next() % 70) as usize;
        let p: Vec<Hash> = (0..len).map(|_| [next() as u8; 32]).collect();
        inputs.push((size, idx, p, [next() as u8; 32]));
    }
    let (mut own_panics, mut ct_panics) = (0, 0);
    let ((), t_own_h) = time(|| {
        for (size, idx, p, h) in &inputs {
            if catch_unwind(|| {
                let _ = tlog::verify_inclusion(*idx, *size, h, p, h);
                let _ = tlog::verify_consistency(*idx, *size, h, h, p);
            })
            .is_err()
            {
                own_panics += 1;
            }
        }
    });
    println!("hostile proofs ({trials} trials, inclusion + consistency each): own {own_panics} panics, {:.1} ms in all", t_own_h * 1e3);
    let t0 = Instant::now();
    let mut hang = None;
    for (k, (size, idx, p, h)) in inputs.into_iter().enumerate() {
        let (tx, rx) = std::sync::mpsc::channel();
        let (s, i) = (size, idx);
        std::thread::spawn(move || {
            let flat: Vec<u8> = p.concat();
            let r = catch_unwind(|| {
                let root = RootHash::<CtSha>::new(h.into(), size);
                if let Ok(pr) = InclusionProof::<CtSha>::try_from_bytes(flat.clone()) {
                    let _ = root.verify_inclusion(&b"x", idx, &pr);
                }
                if let Ok(pr) = ConsistencyProof::<CtSha>::try_from_bytes(flat.clone()) {
                    let _ = root.verify_consistency(&RootHash::<CtSha>::new(h.into(), idx), &pr);
                }
            });
            let _ = tx.send(r.is_err());
        });
        match rx.recv_timeout(std::time::Duration::from_secs(1)) {
            Ok(true) => ct_panics += 1,
            Ok(false) => {}
            Err(_) => {
                hang = Some((k, s, i));
                break;
            }
        }
    }
    match hang {
        None => println!("ct-merkle: {ct_panics} panics, no hang, {:.1} ms", t0.elapsed().as_secs_f64() * 1e3),
        Some((k, s, i)) => println!("ct-merkle: {ct_panics} panics in the first {k} trials, then trial {k} (tree size {s}, index {i}) did not return within 1 s"),
    }
    std::process::exit(0);
}

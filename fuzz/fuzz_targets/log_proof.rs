//! Proof files and Merkle proofs (`docs/LOG.md` §2, §6): the first byte picks a mode.
//!
//! - mode 0: `TlogProof::parse`. Property: a parsed proof prints back as exactly the input.
//! - mode 1: index (8 bytes), size (8 bytes), then 32-byte hashes → `verify_inclusion` and
//!   `verify_consistency` with hostile sizes and lengths. Property: no panic, and nothing
//!   verifies against a root that is not a hash of the given hashes (the all-zero root).
//! - mode 2: a tree of 1 to 300 entries built from the input, and two indices: every proof the
//!   tree builds verifies, and with one bit changed does not.
//! - mode 3: the rest → `check_log_proof` for a fixture license and its signer. Property: never
//!   succeeds (no proof of any fixture license exists).
#![no_main]

use std::sync::OnceLock;

use elicense::tlog::{self, Hash};
use elicense::{
    check_log_proof, verify, Input, LogPolicy, MemoryTree, TlogProof, TrustedKey, Verdict,
};
use elicense_fixtures::{samples, VERIFY_AT};
use elicense_fuzz::{mode, verifier};
use libfuzzer_sys::fuzz_target;

fn fixture() -> &'static (Vec<u8>, TrustedKey) {
    static F: OnceLock<(Vec<u8>, TrustedKey)> = OnceLock::new();
    F.get_or_init(|| {
        let sample = samples().into_iter().next().expect("a fixture sample");
        let signed = sample.signed();
        let Verdict::Valid(ok) = verify(Input::Bytes(&signed), verifier(), VERIFY_AT) else {
            panic!("the fixture sample does not verify");
        };
        (signed, ok.signer)
    })
}

fn hashes(bytes: &[u8]) -> Vec<Hash> {
    bytes
        .chunks_exact(32)
        .map(|c| c.try_into().expect("32 bytes"))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 4) else {
        return;
    };
    match mode {
        0 => {
            if let Ok(proof) = TlogProof::parse(input) {
                assert_eq!(
                    proof.to_text().as_bytes(),
                    input,
                    "a proof prints back differently"
                );
            }
        }
        1 => {
            let (Some(a), Some(b)) = (input.first_chunk::<8>(), input.get(8..16)) else {
                return;
            };
            let a = u64::from_be_bytes(*a);
            let b = u64::from_be_bytes(b.try_into().expect("8 bytes"));
            let p = hashes(&input[16..]);
            let leaf = p.first().copied().unwrap_or([1; 32]);
            let zero = [0u8; 32];
            assert!(tlog::verify_inclusion(a, b, &leaf, &p, &zero).is_err() || leaf == zero);
            let _ = tlog::verify_inclusion(a, b, &leaf, &p, &leaf);
            let _ = tlog::verify_consistency(a, b, &leaf, &leaf, &p);
            assert!(
                tlog::verify_consistency(a, b, &leaf, &zero, &p).is_err()
                    || leaf == zero
                    || a == 0 && b == 0
            );
        }
        2 => {
            let Some(([n, i, j], rest)) = input.split_first_chunk::<3>() else {
                return;
            };
            let n = u64::from(*n) + u64::from(rest.first().copied().unwrap_or(0) % 45) + 1;
            let mut tree = MemoryTree::new();
            for k in 0..n {
                tree.push(&[rest, &k.to_be_bytes()].concat());
            }
            let (i, j) = (u64::from(*i) % n, u64::from(*j) % n);
            let (small, big) = (i.min(j) + 1, i.max(j) + 1);
            let root = tree.root_at(big).expect("in the tree");
            let leaf = tlog::leaf_hash(&[rest, &i.min(j).to_be_bytes()].concat());
            let p = tlog::inclusion_proof(&mut &tree, small - 1, big).expect("a proof");
            assert_eq!(
                tlog::verify_inclusion(small - 1, big, &leaf, &p, &root),
                Ok(())
            );
            let c = tlog::consistency_proof(&mut &tree, small, big).expect("a proof");
            let old = tree.root_at(small).expect("in the tree");
            assert_eq!(
                tlog::verify_consistency(small, big, &old, &root, &c),
                Ok(())
            );
            if let Some(last) = c.len().checked_sub(1) {
                let mut bad = c.clone();
                bad[last][usize::from(rest.len() as u8 % 32)] ^= 1 << (n % 8);
                assert!(tlog::verify_consistency(small, big, &old, &root, &bad).is_err());
            }
            if let Some(first) = p.first() {
                let mut bad = p.clone();
                bad[0][0] ^= 0x80;
                assert_ne!(bad[0], *first);
                assert!(tlog::verify_inclusion(small - 1, big, &leaf, &bad, &root).is_err());
            }
        }
        _ => {
            let (signed, signer) = fixture();
            let policy = LogPolicy::direct(signer, vec![], 0).expect("an Ed25519 fixture key");
            assert!(check_log_proof(input, Input::Bytes(signed), &policy).is_err());
        }
    }
});

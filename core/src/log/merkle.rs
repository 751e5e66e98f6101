//! RFC 9162 §2.1 Merkle trees: hashing (leaf `0x00`, node `0x01`, SHA-256), inclusion and
//! consistency proofs, built from any source of complete subtree hashes and verified without
//! panics on any input (`docs/LOG.md` §2).
//!
//! Sizes and indices are `u64`. A proof longer than [`MAX_PROOF_HASHES`] is refused before any
//! hashing, and every loop is bounded by the proof's length or by 64 shifts of a `u64`.

use sha2::{Digest, Sha256};

use crate::limits::MAX_PROOF_HASHES;

/// A SHA-256 hash: a leaf hash, a node hash or a tree's root.
pub type Hash = [u8; 32];

/// The root of the empty tree: SHA-256 of no bytes (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// The hash of a leaf: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Why a proof was refused, or could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not in a tree of {size} entries")]
    IndexBeyondSize {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The proof has more hashes than any tree can need.
    #[error("a proof of {len} hashes is longer than the limit of {MAX_PROOF_HASHES}")]
    TooLong {
        /// Hashes in the proof.
        len: usize,
    },
    /// The proof has the wrong number of hashes for the sizes it claims.
    #[error("the proof has the wrong number of hashes for these tree sizes")]
    WrongLength,
    /// The hashes do not lead to the expected root (or, for consistency, to the older root).
    #[error("the proof does not lead to the expected root hash")]
    RootMismatch,
    /// The newer tree is smaller than the older one.
    #[error("tree size {second} is smaller than the earlier size {first}")]
    SizeDecreased {
        /// The older size.
        first: u64,
        /// The newer size.
        second: u64,
    },
    /// A consistency proof from the empty tree proves nothing (RFC 9162 §2.1.4).
    #[error("a consistency proof from the empty tree proves nothing")]
    FromEmptyTree,
}

/// Hashes of complete subtrees, the one thing proofs are built from: `node(level, index)` is the
/// root of the `2^level` leaves starting at `index * 2^level`, asked for only when they all exist.
pub trait NodeSource {
    /// What reading a hash can fail with.
    type Error;
    /// The hash of the complete subtree at `level` (0 = a leaf hash) and `index`.
    fn node(&mut self, level: u8, index: u64) -> Result<Hash, Self::Error>;
}

/// Building a proof failed: the request was out of range, or the source failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError<E> {
    /// The sizes or index asked for make no proof.
    #[error(transparent)]
    Range(ProofError),
    /// Reading a hash failed.
    #[error("reading a tree hash: {0}")]
    Source(E),
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Merkle Tree Hash of leaves `lo..hi` (`hi > lo`), where the range is one produced by the RFC's
/// recursive split, so each power-of-two part is an aligned complete subtree.
fn range_hash<S: NodeSource>(src: &mut S, lo: u64, hi: u64) -> Result<Hash, S::Error> {
    let n = hi - lo;
    if n.is_power_of_two() && lo.is_multiple_of(n) {
        return src.node(n.trailing_zeros() as u8, lo >> n.trailing_zeros());
    }
    let k = split(n);
    let left = range_hash(src, lo, lo + k)?;
    let right = range_hash(src, lo + k, hi)?;
    Ok(node_hash(&left, &right))
}

/// The root hash of the first `size` entries.
pub fn root<S: NodeSource>(src: &mut S, size: u64) -> Result<Hash, S::Error> {
    if size == 0 {
        return Ok(EMPTY_ROOT);
    }
    range_hash(src, 0, size)
}

/// The inclusion proof (RFC 9162 §2.1.3.1) of entry `index` in the tree of `size` entries.
pub fn inclusion_proof<S: NodeSource>(
    src: &mut S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, BuildError<S::Error>> {
    if index >= size {
        return Err(BuildError::Range(ProofError::IndexBeyondSize {
            index,
            size,
        }));
    }
    let mut out = Vec::new();
    let (mut lo, mut hi, m) = (0u64, size, index);
    // Walk down from the root, collecting the sibling of each subtree on the path; the RFC lists
    // them from the leaf up, so reverse at the end.
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < lo + k {
            out.push(range_hash(src, lo + k, hi).map_err(BuildError::Source)?);
            hi = lo + k;
        } else {
            out.push(range_hash(src, lo, lo + k).map_err(BuildError::Source)?);
            lo += k;
        }
    }
    out.reverse();
    Ok(out)
}

/// The consistency proof (RFC 9162 §2.1.4.1) from the tree of `first` entries to that of
/// `second`: empty when the sizes are equal.
pub fn consistency_proof<S: NodeSource>(
    src: &mut S,
    first: u64,
    second: u64,
) -> Result<Vec<Hash>, BuildError<S::Error>> {
    if first > second {
        return Err(BuildError::Range(ProofError::SizeDecreased {
            first,
            second,
        }));
    }
    if first == 0 {
        return Err(BuildError::Range(ProofError::FromEmptyTree));
    }
    let mut out = Vec::new();
    if first == second {
        return Ok(out);
    }
    // SUBPROOF(m, D[lo:hi], b), unrolled: descend while m < n.
    let (mut lo, mut hi, mut m, mut whole) = (0u64, second, first, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !whole {
                out.push(range_hash(src, lo, hi).map_err(BuildError::Source)?);
            }
            break;
        }
        let k = split(n);
        if m <= k {
            out.push(range_hash(src, lo + k, hi).map_err(BuildError::Source)?);
            hi = lo + k;
        } else {
            out.push(range_hash(src, lo, lo + k).map_err(BuildError::Source)?);
            lo += k;
            m -= k;
            whole = false;
        }
    }
    out.reverse();
    Ok(out)
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2): that `leaf` is entry `index` of the tree of
/// `size` entries whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err(ProofError::TooLong { len: proof.len() });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2): that the tree of `second` entries with root
/// `second_root` extends the tree of `first` entries with root `first_root`. Equal sizes need an
/// empty proof and equal roots; a proof from the empty tree is refused.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizeDecreased { first, second });
    }
    if first == 0 {
        return Err(ProofError::FromEmptyTree);
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err(ProofError::TooLong { len: proof.len() });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        if first_root != second_root {
            return Err(ProofError::RootMismatch);
        }
        return Ok(());
    }
    let mut path = proof.iter();
    let seed = if first.is_power_of_two() {
        first_root
    } else {
        path.next().ok_or(ProofError::WrongLength)?
    };
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in path {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *first_root || sr != *second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// A whole tree held in memory: every level of complete subtree hashes. For tests, benchmarks
/// and small logs; a log on disk implements [`NodeSource`] over its stored hashes instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends an entry by its leaf hash and returns its index.
    pub fn push_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.size();
        let mut hash = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(hash);
            let len = self.levels[level].len();
            if len % 2 == 1 {
                break;
            }
            hash = node_hash(&self.levels[level][len - 2], &self.levels[level][len - 1]);
            level += 1;
        }
        index
    }

    /// Appends an entry's bytes (hashed as a leaf) and returns its index.
    pub fn push(&mut self, data: &[u8]) -> u64 {
        self.push_hash(leaf_hash(data))
    }

    /// The root hash of the first `size` entries (`None` if `size` is beyond the tree).
    pub fn root_at(&self, size: u64) -> Option<Hash> {
        if size > self.size() {
            return None;
        }
        root(&mut &*self, size).ok()
    }

    /// The root hash of the whole tree.
    pub fn root(&self) -> Hash {
        root(&mut &*self, self.size()).unwrap_or(EMPTY_ROOT)
    }
}

/// Asking for a subtree the tree does not hold completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the tree holds no complete subtree at level {level}, index {index}")]
pub struct MissingNode {
    /// Level asked for.
    pub level: u8,
    /// Index asked for.
    pub index: u64,
}

impl NodeSource for &MemoryTree {
    type Error = MissingNode;
    fn node(&mut self, level: u8, index: u64) -> Result<Hash, MissingNode> {
        self.levels
            .get(usize::from(level))
            .and_then(|l| usize::try_from(index).ok().and_then(|i| l.get(i)))
            .copied()
            .ok_or(MissingNode { level, index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Root computed straight from the RFC's recursive definition.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => EMPTY_ROOT,
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    #[test]
    fn every_proof_of_small_trees_verifies_and_a_changed_one_does_not() {
        let mut tree = MemoryTree::new();
        let mut leaves = Vec::new();
        for n in 1..=70u64 {
            leaves.push(leaf_hash(&n.to_be_bytes()));
            tree.push_hash(*leaves.last().unwrap());
            assert_eq!(tree.root(), mth(&leaves), "root of {n}");
            for size in 1..=n {
                let r = tree.root_at(size).unwrap();
                for i in 0..size {
                    let p = inclusion_proof(&mut &tree, i, size).unwrap();
                    verify_inclusion(i, size, &leaves[i as usize], &p, &r).unwrap();
                    // Another root, another leaf or another position: refused.
                    if let Some(next) = tree.root_at(size + 1) {
                        assert!(
                            verify_inclusion(i, size + 1, &leaves[i as usize], &p, &next).is_err()
                        );
                    }
                    assert!(
                        verify_inclusion(i, size, &leaves[(i as usize + 1) % n as usize], &p, &r)
                            .is_err()
                            || n == 1
                    );
                    if size > 1 {
                        assert!(verify_inclusion(i ^ 1, size, &leaves[i as usize], &p, &r).is_err());
                    }
                    if let Some(first) = p.first() {
                        let mut bad = p.clone();
                        bad[0][0] ^= 1;
                        assert_ne!(bad[0], *first);
                        assert!(verify_inclusion(i, size, &leaves[i as usize], &bad, &r).is_err());
                    }
                }
                let p = consistency_proof(&mut &tree, size, n).unwrap();
                verify_consistency(size, n, &r, &tree.root(), &p).unwrap();
                if !p.is_empty() {
                    let mut bad = p.clone();
                    let last = bad.len() - 1;
                    bad[last][31] ^= 0x80;
                    assert!(verify_consistency(size, n, &r, &tree.root(), &bad).is_err());
                    assert!(verify_consistency(size + 1, n, &r, &tree.root(), &p).is_err());
                }
            }
        }
    }

    #[test]
    fn hostile_sizes_do_not_panic() {
        let h = [7u8; 32];
        let proof = vec![h; MAX_PROOF_HASHES];
        for (a, b) in [
            (0, u64::MAX),
            (u64::MAX - 1, u64::MAX),
            (1, u64::MAX),
            (u64::MAX, u64::MAX),
        ] {
            let _ = verify_inclusion(a, b, &h, &proof, &h);
            let _ = verify_consistency(a, b, &h, &h, &proof);
            let _ = verify_consistency(a.max(1), b, &h, &h, &proof[..3]);
        }
        assert_eq!(
            verify_inclusion(0, 2, &h, &vec![h; MAX_PROOF_HASHES + 1], &h),
            Err(ProofError::TooLong {
                len: MAX_PROOF_HASHES + 1
            })
        );
    }
}

//! What `cargo check --target wasm32-unknown-unknown --lib` compiles: a call into each candidate,
//! so the check shows each builds for the browser (docs/BENCHMARKS.md, "Merkle trees").

/// Verifies an inclusion proof with each candidate; the results are not compared here.
pub fn each_candidate_verifies(
    leaf: &[u8],
    proof: &[u8],
    root: [u8; 32],
    index: u64,
    size: u64,
) -> [bool; 3] {
    use sha2::Digest;
    let hashes: Vec<[u8; 32]> = proof
        .chunks_exact(32)
        .map(|c| c.try_into().unwrap_or([0; 32]))
        .collect();
    let own = elicense::tlog::verify_inclusion(
        index,
        size,
        &elicense::tlog::leaf_hash(leaf),
        &hashes,
        &root,
    )
    .is_ok();
    let ct = ct_merkle::InclusionProof::<sha2_011::Sha256>::try_from_bytes(proof.to_vec())
        .map(|p| {
            ct_merkle::RootHash::<sha2_011::Sha256>::new(root.into(), size)
                .verify_inclusion(&leaf, index, &p)
                .is_ok()
        })
        .unwrap_or(false);
    let rs = rs_merkle::MerkleProof::<rs_merkle::algorithms::Sha256>::new(hashes).verify(
        root,
        &[index as usize],
        &[sha2::Sha256::digest(leaf).into()],
        size as usize,
    );
    [own, ct, rs]
}

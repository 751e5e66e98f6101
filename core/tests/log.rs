//! The issuance log's formats: signed notes (with the Go sumdb/note interoperability vector),
//! checkpoints, tiles, offline proofs and log entries; each refusal is reached.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use elicense::tlog::{self, Hash};
use elicense::*;

// The public test key of golang.org/x/mod/sumdb/note (its tests and package documentation):
// verifier key "PeterNeumann+c74f20a3+<base64(0x01 || public key)>", signer key
// "...+<base64(0x01 || seed)>", and the note it signs.
const PETER_VKEY: &str = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                          then you don't know what your problem is.\n";
const PETER_SIG: &str =
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

fn peter() -> (SigningKey, NoteKey) {
    let v = STANDARD.decode(PETER_VKEY).unwrap();
    let s = STANDARD.decode(PETER_SKEY).unwrap();
    assert_eq!((v[0], s[0]), (1, 1));
    let sk = SigningKey::from_bytes(&s[1..].try_into().unwrap());
    assert_eq!(sk.verifying_key().as_bytes(), &v[1..]);
    let key = NoteKey::new("PeterNeumann", sk.verifying_key()).unwrap();
    (sk, key)
}

#[test]
fn note_matches_the_go_sumdb_vector() {
    let (sk, key) = peter();
    assert_eq!(hex::encode(key.id), "c74f20a3");
    let note = format!("{PETER_TEXT}\n\u{2014} PeterNeumann {PETER_SIG}\n");
    let parsed = Note::parse(note.as_bytes()).unwrap();
    assert_eq!(parsed.text, PETER_TEXT);
    assert_eq!(parsed.verify(std::slice::from_ref(&key)).unwrap().len(), 1);
    // Signing the same text gives the same bytes (Ed25519 is deterministic).
    let ours = Note {
        text: PETER_TEXT.into(),
        signatures: vec![tlog::sign("PeterNeumann", &sk, PETER_TEXT)],
    };
    assert_eq!(ours.to_text(), note);
}

#[test]
fn note_refusals() {
    let (_, key) = peter();
    let good = format!("{PETER_TEXT}\n\u{2014} PeterNeumann {PETER_SIG}\n");
    let keys = std::slice::from_ref(&key);
    // A changed text byte, a changed signature byte: bad signature from a known key.
    let tampered = good.replacen("cryptography", "cryptographY", 1);
    assert_eq!(
        Note::parse(tampered.as_bytes()).unwrap().verify(keys),
        Err(NoteError::BadSignature("PeterNeumann".into()))
    );
    let mut sig = STANDARD.decode(PETER_SIG).unwrap();
    sig[10] ^= 1;
    let bad = format!(
        "{PETER_TEXT}\n\u{2014} PeterNeumann {}\n",
        STANDARD.encode(&sig)
    );
    assert!(matches!(
        Note::parse(bad.as_bytes()).unwrap().verify(keys),
        Err(NoteError::BadSignature(_))
    ));
    // Signed by an unknown name only: ignored, so not signed.
    let other = good.replace("\u{2014} PeterNeumann", "\u{2014} PeterNeumann2");
    assert_eq!(
        Note::parse(other.as_bytes()).unwrap().verify(keys),
        Err(NoteError::NotSigned)
    );
    // Malformed notes.
    let cases: &[(&str, NoteError)] = &[
        ("no blank line\n", NoteError::NoSignatureBlock),
        ("text\n\n", NoteError::NoSignatureBlock),
        ("text\n\n\u{2014} a AAAAAAA=", NoteError::NoSignatureBlock),
        ("text\n\n- a AAAAAAA=\n", NoteError::BadSignatureLine(1)),
        ("text\n\n\u{2014} a+b AAAAAAA=\n", NoteError::BadKeyName(1)),
        ("text\n\n\u{2014}  AAAAAAA=\n", NoteError::BadKeyName(1)),
        (
            "text\n\n\u{2014} a AAAA\n",
            NoteError::BadSignatureEncoding(1),
        ),
        (
            "text\n\n\u{2014} a AAAAAAA\n",
            NoteError::BadSignatureEncoding(1),
        ),
        (
            "text\n\n\u{2014} a AAAAAAB=\n",
            NoteError::BadSignatureEncoding(1),
        ),
        (
            "te\rxt\n\n\u{2014} a AAAAAAA=\n",
            NoteError::ControlCharacter,
        ),
    ];
    for (text, want) in cases {
        assert_eq!(
            Note::parse(text.as_bytes()).as_ref().err(),
            Some(want),
            "{text:?}"
        );
    }
    assert_eq!(Note::parse(b"\xff\n\n"), Err(NoteError::NotUtf8));
    let many = format!(
        "t\n\n{}",
        "\u{2014} a AAAAAAA=\n".repeat(limits::MAX_NOTE_SIGNATURES + 1)
    );
    assert_eq!(
        Note::parse(many.as_bytes()),
        Err(NoteError::TooManySignatures)
    );
    let long = vec![b'a'; limits::MAX_NOTE_LEN + 1];
    assert_eq!(
        Note::parse(&long),
        Err(NoteError::TooLong(limits::MAX_NOTE_LEN + 1))
    );
}

fn log_key() -> (SigningKey, NoteKey) {
    let sk = SigningKey::from_bytes(&[7; 32]);
    let key = NoteKey::new("example.gov.cn/log/350100", sk.verifying_key()).unwrap();
    (sk, key)
}

#[test]
fn checkpoint_round_trip_and_refusals() {
    let (sk, key) = log_key();
    let mut tree = MemoryTree::new();
    for i in 0..10u8 {
        tree.push(&[i]);
    }
    let cp = Checkpoint {
        origin: key.name.clone(),
        size: tree.size(),
        root: tree.root(),
    };
    let signed = cp.sign(&sk).to_text();
    assert!(signed.starts_with("example.gov.cn/log/350100\n10\n"));
    let (back, _) = Checkpoint::open(signed.as_bytes(), &key.name, &key).unwrap();
    assert_eq!(back, cp);
    // Wrong origin expected.
    assert!(matches!(
        Checkpoint::open(signed.as_bytes(), "example.gov.cn/log/350200", &key),
        Err(CheckpointError::WrongOrigin { .. })
    ));
    // Another size, signature kept: refused by the signature.
    let resized = signed.replacen("\n10\n", "\n11\n", 1);
    assert!(matches!(
        Checkpoint::open(resized.as_bytes(), &key.name, &key),
        Err(CheckpointError::Note(NoteError::BadSignature(_)))
    ));
    // Signed by another key under the same name: its key ID differs, so it is not the log's.
    let other = SigningKey::from_bytes(&[8; 32]);
    let forged = cp.sign(&other).to_text();
    assert_eq!(
        Checkpoint::open(forged.as_bytes(), &key.name, &key),
        Err(CheckpointError::Note(NoteError::NotSigned))
    );
    // Text refusals.
    let root = STANDARD.encode([0u8; 32]);
    for (text, want) in [
        (format!("o\n1\n{root}"), CheckpointError::Lines),
        (format!("o\n1\n{root}\next\n"), CheckpointError::Lines),
        (format!("o\n01\n{root}\n"), CheckpointError::BadSize),
        (format!("o\n-1\n{root}\n"), CheckpointError::BadSize),
        (
            format!("o\n18446744073709551616\n{root}\n"),
            CheckpointError::BadSize,
        ),
        ("o\n1\nAAAA\n".to_string(), CheckpointError::BadRoot),
        (format!("o p\n1\n{root}\n"), CheckpointError::BadOrigin),
        (format!("\n1\n{root}\n"), CheckpointError::BadOrigin),
    ] {
        assert_eq!(Checkpoint::parse_text(&text), Err(want), "{text:?}");
    }
    assert_eq!(
        Checkpoint::parse_text(&format!("o\n18446744073709551615\n{root}\n"))
            .unwrap()
            .size,
        u64::MAX
    );
}

#[test]
fn tile_paths_and_tiles() {
    let t = TileId {
        level: 0,
        index: 1_234_067,
        width: 256,
    };
    assert_eq!(t.path(), "tile/0/x001/x234/067");
    assert_eq!(TileId::parse_path("tile/0/x001/x234/067"), Ok(t));
    let p = TileId {
        level: 2,
        index: 5,
        width: 17,
    };
    assert_eq!(p.path(), "tile/2/005.p/17");
    assert_eq!(p.entries_path(), "tile/entries/005.p/17");
    assert_eq!(TileId::parse_path("tile/2/005.p/17"), Ok(p));
    for bad in [
        "tile/0/x000/067",
        "tile/0/67",
        "tile/0/067.p/256",
        "tile/0/067.p/0",
        "tile/0/067.p/017",
        "tile/8/000",
        "tile/00/000",
        "tile/0/001/002",
        "tile/0/x01/002",
        "tiles/0/000",
        "tile/0/",
        "tile/0/x999/x999/x999/x999/x999/x999/999",
    ] {
        assert_eq!(TileId::parse_path(bad), Err(TileError::Path), "{bad}");
    }
    // The C2SP example: 70 000 entries.
    let tiles: Vec<TileId> = tlog::tiles_for_size(70_000).collect();
    assert_eq!(
        tiles
            .iter()
            .filter(|t| t.level == 0 && t.width == 256)
            .count(),
        273
    );
    assert!(tiles.contains(&TileId {
        level: 0,
        index: 273,
        width: 112
    }));
    assert!(tiles.contains(&TileId {
        level: 1,
        index: 0,
        width: 256
    }));
    assert!(tiles.contains(&TileId {
        level: 1,
        index: 1,
        width: 17
    }));
    assert!(tiles.contains(&TileId {
        level: 2,
        index: 0,
        width: 1
    }));
    assert_eq!(tiles.len(), 273 + 1 + 1 + 1 + 1);
    // Lazily: the largest tree's tiles are not built at once.
    let last = tlog::tiles_for_size(u64::MAX).take(3).last().unwrap();
    assert_eq!(
        last,
        TileId {
            level: 0,
            index: 2,
            width: 256
        }
    );
    assert_eq!(tlog::tiles_for_size(0).count(), 0);
    assert_eq!(
        tlog::tiles_for_size(256).collect::<Vec<_>>(),
        [
            TileId {
                level: 0,
                index: 0,
                width: 256
            },
            TileId {
                level: 1,
                index: 0,
                width: 1
            },
        ]
    );
    assert_eq!(tlog::parse_tile(&[0; 64], 2).unwrap().len(), 2);
    assert!(tlog::parse_tile(&[0; 63], 2).is_err());
    assert!(tlog::parse_tile(&[], 0).is_err());
}

#[test]
fn tile_heights_give_the_same_proofs_as_the_whole_tree() {
    let mut tree = MemoryTree::new();
    let mut leaves = vec![];
    for i in 0..70_000u32 {
        leaves.push(tlog::leaf_hash(&i.to_be_bytes()));
        tree.push_hash(*leaves.last().unwrap());
    }
    // Level-1 hashes: roots of each full level-0 tile.
    let level1: Vec<Hash> = leaves.chunks_exact(256).map(tlog::subtree_root).collect();
    let level2: Vec<Hash> = level1.chunks_exact(256).map(tlog::subtree_root).collect();
    let stored = [leaves.clone(), level1, level2];
    let mut src = TileHeights(
        |level: u8, first: u64, count: u64| -> Result<Vec<Hash>, ()> {
            let l = stored.get(usize::from(level)).ok_or(())?;
            l.get(first as usize..(first + count) as usize)
                .map(<[Hash]>::to_vec)
                .ok_or(())
        },
    );
    for size in [1u64, 255, 256, 257, 65_535, 65_536, 65_537, 70_000] {
        assert_eq!(tlog::root(&mut src, size), Ok(tree.root_at(size).unwrap()));
        for i in [0, size / 3, size - 1] {
            assert_eq!(
                tlog::inclusion_proof(&mut src, i, size),
                Ok(tlog::inclusion_proof(&mut &tree, i, size).unwrap())
            );
        }
        assert_eq!(
            tlog::consistency_proof(&mut src, size, 70_000),
            Ok(tlog::consistency_proof(&mut &tree, size, 70_000).unwrap())
        );
    }
}

#[test]
fn tlog_proof_round_trip_and_refusals() {
    let (sk, key) = log_key();
    let mut tree = MemoryTree::new();
    let entry = LogEntry::new(
        ContentType::License,
        "YYZZ-11350100M000100Y4-000001",
        b"signed",
        1_700_000_000,
    )
    .unwrap();
    for i in 0..5u8 {
        tree.push(&[i]);
    }
    let index = tree.push(&entry.encode());
    tree.push(b"after");
    let cp = Checkpoint {
        origin: key.name.clone(),
        size: tree.size(),
        root: tree.root(),
    };
    let proof = TlogProof {
        extra: entry.encode(),
        index,
        hashes: tlog::inclusion_proof(&mut &tree, index, tree.size()).unwrap(),
        checkpoint: cp.sign(&sk).to_text().into_bytes(),
    };
    let text = proof.to_text();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra "));
    assert_eq!(TlogProof::parse(text.as_bytes()), Ok(proof.clone()));
    let cut = |s: &str| s.to_string();
    let hash_line = STANDARD.encode(proof.hashes[0]);
    for (bad, want) in [
        (
            text.replacen("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2", 1),
            TlogProofError::Header,
        ),
        (text.replacen("extra ", "extra  ", 1), TlogProofError::Extra),
        (
            text.replacen("\nindex 5\n", "\nindex 05\n", 1),
            TlogProofError::Index,
        ),
        (
            text.replacen(&hash_line, &hash_line[..43], 1),
            TlogProofError::Hash(1),
        ),
        (
            cut(text.split("\n\n").next().unwrap()),
            TlogProofError::NoCheckpoint,
        ),
        (
            format!("{}\n\n", text.split("\n\n").next().unwrap()),
            TlogProofError::NoCheckpoint,
        ),
    ] {
        assert_eq!(TlogProof::parse(bad.as_bytes()), Err(want), "{bad:?}");
    }
    let mut many = proof.clone();
    many.hashes = vec![[1; 32]; limits::MAX_PROOF_HASHES + 1];
    assert_eq!(
        TlogProof::parse(many.to_text().as_bytes()),
        Err(TlogProofError::TooManyHashes)
    );
}

#[test]
fn log_entry_encoding_and_refusals() {
    let e = LogEntry::new(
        ContentType::License,
        "YYZZ-11350100M000100Y4-000001",
        b"abc",
        1_700_000_000,
    )
    .unwrap();
    let bytes = e.encode();
    assert_eq!(LogEntry::decode(&bytes), Ok(e.clone()));
    assert!(e.covers(b"abc") && !e.covers(b"abd"));
    assert_eq!(
        hex::encode(e.digest),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        LogEntry::new(ContentType::License, "a b", b"", 0),
        Err(LogEntryError::BadIdentifier)
    );
    assert_eq!(
        LogEntry::new(ContentType::License, "", b"", 0),
        Err(LogEntryError::BadIdentifier)
    );
    assert!(matches!(
        LogEntry::new(ContentType::License, "x", b"", u64::MAX),
        Err(LogEntryError::TimeOutOfRange(_))
    ));
    // Unknown kind (byte after the map head and key 1 is 0x19 + u16 kind).
    let mut k = bytes.clone();
    assert_eq!(&k[1..3], &[0x01, 0x19]);
    k[4] ^= 0x10;
    assert!(matches!(
        LogEntry::decode(&k),
        Err(LogEntryError::UnknownKind(_))
    ));
    // Non-deterministic (trailing byte), too long.
    let mut t = bytes.clone();
    t.push(0);
    assert!(LogEntry::decode(&t).is_err());
    assert!(matches!(
        LogEntry::decode(&[0; 300]),
        Err(LogEntryError::TooLong(300))
    ));
}

/// docs/LOG.md §7, the worked example, built from the committed fixture licenses: three entries,
/// the checkpoint signed by the TEST-ONLY key of seed 07…07, the proof of entry 1.
fn worked_example() -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/licenses");
    let time = 1_748_743_200; // 2025-06-01T02:00:00Z
    let mut tree = MemoryTree::new();
    let mut entries = vec![];
    let mut issuers = vec![];
    for name in [
        "business-license",
        "driving-permit",
        "real-estate-with-attachments",
    ] {
        let signed = std::fs::read(dir.join(format!("{name}.cose"))).unwrap();
        let license = inspect(Input::Bytes(&signed)).unwrap().license.unwrap();
        let entry =
            LogEntry::new(ContentType::License, &license.id.to_string(), &signed, time).unwrap();
        tree.push(&entry.encode());
        entries.push(entry);
        issuers.push(license.id.issuer().clone());
    }
    let sk = SigningKey::from_bytes(&[7; 32]);
    let origin = log_origin(&issuers[1]);
    let cp = Checkpoint {
        origin: origin.clone(),
        size: 3,
        root: tree.root(),
    };
    let note = cp.sign(&sk).to_text();
    let e = &entries[1];
    let bytes = e.encode();
    let proof = TlogProof {
        extra: bytes.clone(),
        index: 1,
        hashes: tlog::inclusion_proof(&mut &tree, 1, 3).unwrap(),
        checkpoint: note.clone().into_bytes(),
    };
    let key = NoteKey::new(&origin, sk.verifying_key()).unwrap();
    format!(
        "entry 1 (driving-permit.cose), {} bytes:\n{}\n\nleaf hash  SHA-256(00 || entry):\n{}\n\
         entry 0 leaf hash:\n{}\nentry 2 leaf hash:\n{}\nroot of 3:\n{}\n\n\
         log public key (TEST-ONLY, seed 07…07):\n{}\nkey ID SHA-256(origin || 0A || 01 || key)[:4]: {}\n\n\
         checkpoint (signed note):\n{}\nproof file (c2sp.org/tlog-proof@v1):\n{}",
        bytes.len(),
        hex::encode(&bytes),
        hex::encode(tlog::leaf_hash(&bytes)),
        hex::encode(tlog::leaf_hash(&entries[0].encode())),
        hex::encode(tlog::leaf_hash(&entries[2].encode())),
        hex::encode(tree.root()),
        hex::encode(sk.verifying_key().as_bytes()),
        hex::encode(key.id),
        note,
        proof.to_text(),
    )
}

#[test]
fn log_md_worked_example_is_current() {
    let doc = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/LOG.md"),
    )
    .unwrap();
    let block = doc
        .split_once("<!-- worked-example -->\n```\n")
        .and_then(|(_, rest)| rest.split_once("```\n<!-- /worked-example -->"))
        .map(|(b, _)| b.to_owned())
        .unwrap_or_default();
    let want = worked_example();
    if block != want {
        eprintln!("{want}");
    }
    assert_eq!(
        block, want,
        "docs/LOG.md §7 differs from the computed example (printed above)"
    );
}

#[test]
fn cosignatures_verify_and_refusals() {
    let (sk, key) = log_key();
    let cp = Checkpoint {
        origin: key.name.clone(),
        size: 5,
        root: [3; 32],
    };
    let mut note = cp.sign(&sk);
    let wsk = SigningKey::from_bytes(&[9; 32]);
    let witness = OrgCode::with_check("11310000MB0000002").unwrap();
    let wkey = witness_key(&witness, wsk.verifying_key());
    assert_eq!(wkey.name, format!("elicense/witness/{witness}"));
    // Key ID of type 0x04, not 0x01.
    assert_eq!(
        wkey.id,
        tlog::key_id(
            &wkey.name,
            tlog::SIG_TYPE_COSIGNATURE,
            wsk.verifying_key().as_bytes()
        )
    );
    assert_ne!(
        wkey.id,
        NoteKey::new(&wkey.name, wsk.verifying_key()).unwrap().id
    );
    note.signatures
        .push(tlog::cosign(&wkey.name, &wsk, &note.text, 1_700_000_000));
    let text = note.to_text();
    let parsed = Note::parse(text.as_bytes()).unwrap();
    // The log key and the witness key each verify their own line; the cosignature is 8 + 64 bytes.
    assert_eq!(
        parsed.verify(std::slice::from_ref(&wkey)).unwrap()[0].name,
        wkey.name
    );
    assert_eq!(parsed.signatures[1].signature.len(), 72);
    assert_eq!(
        &parsed.signatures[1].signature[..8],
        &1_700_000_000u64.to_be_bytes()
    );
    Checkpoint::open(text.as_bytes(), &key.name, &key).unwrap();
    // The signed message is cosignature/v1, the time line, then the checkpoint text.
    assert_eq!(
        tlog::cosigned_message(&note.text, 7),
        format!("cosignature/v1\ntime 7\n{}", note.text)
    );
    // A changed time, a time beyond 2^63 - 1, or a witness key used as a plain signer: refused.
    for change in [0usize, 7] {
        let mut bad = parsed.clone();
        bad.signatures[1].signature[change] ^= 1;
        assert!(matches!(
            bad.verify(std::slice::from_ref(&wkey)),
            Err(NoteError::BadSignature(_))
        ));
    }
    let mut late = parsed.clone();
    late.signatures[1] = tlog::cosign(&wkey.name, &wsk, &note.text, u64::MAX);
    assert!(late.verify(std::slice::from_ref(&wkey)).is_err());
    let plain = NoteKey::new(&wkey.name, wsk.verifying_key()).unwrap();
    assert_eq!(
        parsed.verify(std::slice::from_ref(&plain)),
        Err(NoteError::NotSigned)
    );
}

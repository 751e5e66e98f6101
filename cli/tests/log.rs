//! The issuance log through the real binary (docs/LOG.md): every issued license has its entry,
//! committed with its registry row; `log publish` writes C2SP tiles incrementally; `log prove`
//! and `verify --proof` accept the right proof and refuse a tampered byte, another license's
//! proof, another department's log and a wrong signature.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

mod common;
use common::Env;

impl Env {
    /// A department `dept` certified by `root` for YYZZ, whose key is unencrypted (TEST-ONLY), so
    /// that a test can forge checkpoints with it.
    fn plain_department(&self) {
        self.ok(&[
            "init",
            "department",
            "--root",
            "root/root.cert.pem",
            "--dir",
            "dept",
            "--name",
            "测试局",
            "--org-code",
            "11350100MB0312345H",
            "--plain-for-tests",
        ]);
        self.cert_issue(
            "root",
            "dept/request.csr.pem",
            "YYZZ",
            "dept/certificate.pem",
        );
    }

    /// `log prove` of document `id` in the log of directory `dir`, to `out`.
    fn prove(&self, dir: &str, id: &str, out: &str) -> String {
        self.ok(&["log", "prove", "--dir", dir, "--id", id, "--out", out])
    }

    /// Issue `rows` business licenses (holders named with `tag`) into `out`, one job.
    fn issue_rows(&self, rows: usize, tag: &str, out: &str) {
        let mut s = String::from("holder_name,holder_id,company_type,legal_representative,registered_capital,established_on,address,business_scope\n");
        for i in 0..rows {
            s.push_str(&format!("公司{tag}{i},91350100MA8T2Q3X18,有限责任公司,张三,壹佰万元整,2019-05-20,福州市{i}号,软件开发\n"));
        }
        std::fs::write(self.p(&format!("{out}.csv")), s).unwrap();
        self.ok(&[
            "issue",
            "--dir",
            "dept",
            "--type",
            "YYZZ",
            "--batch",
            &format!("{out}.csv"),
            "--out",
            out,
            "--formats",
            "txt",
            "--jobs",
            "1",
        ]);
    }

    fn department(&self, dir: &str, org: &str) {
        self.ok(&[
            "init",
            "department",
            "--root",
            "root/root.cert.pem",
            "--dir",
            dir,
            "--name",
            "测试局",
            "--org-code",
            org,
            "--passphrase-file",
            "pass.txt",
        ]);
        self.cert_issue(
            "root",
            &format!("{dir}/request.csr.pem"),
            "YYZZ",
            &format!("{dir}/certificate.pem"),
        );
    }

    fn issue(&self, dir: &str, rows: usize, tag: &str, out: &str) {
        let mut s = String::from(
            "holder_name,holder_id,company_type,legal_representative,registered_capital,established_on,address,business_scope\n",
        );
        for i in 0..rows {
            s.push_str(&format!(
                "测试公司{tag}{i}号,91350100MA8T2Q3X18,有限责任公司,张三,壹佰万元整,2019-05-20,福州市{i}号,软件开发\n"
            ));
        }
        let batch = format!("{out}.csv");
        std::fs::write(self.p(&batch), s).unwrap();
        self.ok(&[
            "issue",
            "--dir",
            dir,
            "--type",
            "YYZZ",
            "--batch",
            &batch,
            "--out",
            out,
            "--formats",
            "txt",
            "--passphrase-file",
            "pass.txt",
            "--jobs",
            "1",
        ]);
    }

    fn verify_proof(&self, license: &str, proof: &str) -> (Option<i32>, String) {
        let out = self.run(&[
            "verify",
            "--root",
            "root/root.cert.pem",
            "--trust",
            "list.cose",
            "--file",
            license,
            "--proof",
            proof,
        ]);
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn db(env: &Env, dir: &str) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        env.p(&format!("{dir}/registry.sqlite")),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

fn ids(env: &Env, dir: &str) -> Vec<String> {
    let conn = db(env, dir);
    let mut stmt = conn
        .prepare("SELECT doc_id FROM log_entries ORDER BY idx")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn issue_publish_prove_verify() {
    let env = Env::new("log", "all");
    env.init_root("root", "测试根CA", "11350000MB0000001W");
    env.department("dept", "11350100MB0312345H");
    env.department("other", "11350200MB0312346R");
    env.ok(&[
        "trust",
        "build",
        "--root-dir",
        "root",
        "--cert",
        "dept/certificate.pem",
        "--cert",
        "other/certificate.pem",
        "--out",
        "list.cose",
        "--passphrase-file",
        "pass.txt",
    ]);

    // 300 licenses: one full level-0 tile and a partial one. Every issued row has its entry,
    // in issue order, and no entry lacks its row.
    env.issue("dept", 300, "a", "out1");
    let logged = ids(&env, "dept");
    assert_eq!(logged.len(), 300);
    let conn = db(&env, "dept");
    let issued: i64 = conn
        .query_row("SELECT COUNT(*) FROM licenses WHERE state = 'issued' AND id IN (SELECT doc_id FROM log_entries)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(issued, 300);
    let level1: i64 = conn
        .query_row("SELECT COUNT(*) FROM log_hashes WHERE level = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(level1, 1);

    // Publish: tiles, entry bundles, checkpoint.
    env.ok(&[
        "log",
        "publish",
        "--dir",
        "dept",
        "--out",
        "pub",
        "--passphrase-file",
        "pass.txt",
    ]);
    let checkpoint = std::fs::read_to_string(env.p("pub/checkpoint")).unwrap();
    assert!(
        checkpoint.starts_with("elicense/log/11350100MB0312345H\n300\n"),
        "{checkpoint}"
    );
    let tile0 = std::fs::read(env.p("pub/tile/0/000")).unwrap();
    assert_eq!(tile0.len(), 256 * 32);
    assert_eq!(
        std::fs::read(env.p("pub/tile/0/001.p/44")).unwrap().len(),
        44 * 32
    );
    assert_eq!(
        std::fs::read(env.p("pub/tile/1/000.p/1")).unwrap(),
        elicense::tlog::subtree_root(&elicense::tlog::parse_tile(&tile0, 256).unwrap()).to_vec()
    );
    // The first entry bundle's entries hash to the first tile's leaves.
    let bundle = std::fs::read(env.p("pub/tile/entries/000")).unwrap();
    let (mut at, mut n) = (0, 0);
    while at < bundle.len() {
        let len = u16::from_be_bytes([bundle[at], bundle[at + 1]]) as usize;
        let entry = &bundle[at + 2..at + 2 + len];
        assert_eq!(
            elicense::tlog::leaf_hash(entry).as_slice(),
            &tile0[n * 32..n * 32 + 32]
        );
        elicense::LogEntry::decode(entry).unwrap();
        at += 2 + len;
        n += 1;
    }
    assert_eq!(n, 256);
    // The checkpoint's root is the root of the published tiles.
    let mut tree = elicense::MemoryTree::new();
    for leaf in elicense::tlog::parse_tile(&tile0, 256)
        .unwrap()
        .into_iter()
        .chain(
            elicense::tlog::parse_tile(&std::fs::read(env.p("pub/tile/0/001.p/44")).unwrap(), 44)
                .unwrap(),
        )
    {
        tree.push_hash(leaf);
    }
    assert!(checkpoint.contains(&format!("\n{}\n", STANDARD.encode(tree.root()))));

    // Prove and verify.
    let id = &logged[7];
    let license = format!("out1/{id}.txt");
    env.prove("dept", id, "p.tlog-proof");
    let (code, out) = env.verify_proof(&license, "p.tlog-proof");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("entry 7 of 300"), "{out}");

    let proof = std::fs::read_to_string(env.p("p.tlog-proof")).unwrap();
    let refused = |name: &str, text: &str, license: &str| {
        std::fs::write(env.p(name), text).unwrap();
        let (code, out) = env.verify_proof(license, name);
        assert_eq!(code, Some(1), "{name} was accepted:\n{out}");
        assert!(out.contains("NOT SHOWN LOGGED"), "{name}: {out}");
    };
    // A changed proof hash (one base64 character of the first hash line).
    let lines: Vec<&str> = proof.lines().collect();
    let h = lines[3];
    let flipped = format!("{}{}", if h.starts_with('A') { 'B' } else { 'A' }, &h[1..]);
    refused("hash.tlog-proof", &proof.replacen(h, &flipped, 1), &license);
    // Another index.
    refused(
        "index.tlog-proof",
        &proof.replacen("\nindex 7\n", "\nindex 8\n", 1),
        &license,
    );
    // A changed tree size (the signature no longer verifies).
    refused(
        "size.tlog-proof",
        &proof.replacen("\n300\n", "\n301\n", 1),
        &license,
    );
    // A changed signature byte.
    let sig_line = proof.lines().last().unwrap();
    let sig = sig_line.rsplit(' ').next().unwrap();
    let mut raw = STANDARD.decode(sig).unwrap();
    raw[20] ^= 1;
    refused(
        "sig.tlog-proof",
        &proof.replacen(sig, &STANDARD.encode(&raw), 1),
        &license,
    );
    // The proof of another license.
    refused(
        "other-license.tlog-proof",
        &proof,
        &format!("out1/{}.txt", logged[8]),
    );
    // Every single-byte change to the proof is refused or leaves it equivalent (never panics).
    // (Bounded: every 97th byte, to keep the test short.)
    for i in (0..proof.len()).step_by(97) {
        let mut b = proof.clone().into_bytes();
        b[i] ^= 0x01;
        std::fs::write(env.p("x.tlog-proof"), &b).unwrap();
        let (code, out) = env.verify_proof(&license, "x.tlog-proof");
        assert!(matches!(code, Some(1) | Some(2)), "byte {i}: {out}");
    }

    // Another department's log: its own origin; a proof from it does not show a license of
    // the first department.
    env.issue("other", 3, "b", "out2");
    env.ok(&[
        "log",
        "publish",
        "--dir",
        "other",
        "--out",
        "pub2",
        "--passphrase-file",
        "pass.txt",
    ]);
    let other_ids = ids(&env, "other");
    env.prove("other", &other_ids[0], "o.tlog-proof");
    let (code, out) = env.verify_proof(&format!("out2/{}.txt", other_ids[0]), "o.tlog-proof");
    assert_eq!(code, Some(0), "{out}");
    refused(
        "o2.tlog-proof",
        &std::fs::read_to_string(env.p("o.tlog-proof")).unwrap(),
        &license,
    );

    // Incremental publishing: more licenses; the full tile is kept, new partial tiles appear.
    let before = std::fs::metadata(env.p("pub/tile/0/000"))
        .unwrap()
        .modified()
        .unwrap();
    env.issue("dept", 220, "c", "out3");
    let out = env.ok(&[
        "log",
        "publish",
        "--dir",
        "dept",
        "--out",
        "pub",
        "--passphrase-file",
        "pass.txt",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["size"], 520);
    assert_eq!(v["tiles_kept"], 1);
    assert_eq!(
        std::fs::metadata(env.p("pub/tile/0/000"))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );
    assert_eq!(std::fs::read(env.p("pub/tile/0/001")).unwrap().len(), 8192);
    assert_eq!(
        std::fs::read(env.p("pub/tile/0/002.p/8")).unwrap().len(),
        8 * 32
    );
    assert!(std::fs::read_to_string(env.p("pub/checkpoint"))
        .unwrap()
        .contains("\n520\n"));
    // The old proof (size 300) still verifies: its checkpoint is in it.
    let (code, out) = env.verify_proof(&license, "p.tlog-proof");
    assert_eq!(code, Some(0), "{out}");
    // A license not yet in a checkpoint cannot be proven.
    env.issue("dept", 1, "d", "out4");
    let last = ids(&env, "dept").pop().unwrap();
    let out = env.run(&[
        "log",
        "prove",
        "--dir",
        "dept",
        "--id",
        &last,
        "--out",
        "l.tlog-proof",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("log publish"));
}

#[test]
fn a_registry_from_before_the_log_gets_every_issued_row_logged() {
    let env = Env::new("log", "migrate");
    env.init_root("root", "测试根CA", "11350000MB0000001W");
    env.department("dept", "11350100MB0312345H");
    env.issue("dept", 5, "a", "out1");
    // Make it a schema-2 registry: no log tables.
    {
        let conn = rusqlite::Connection::open(env.p("dept/registry.sqlite")).unwrap();
        conn.execute_batch(
            "DROP TABLE log_entries; DROP TABLE log_hashes; DROP TABLE log_checkpoints;
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    // Opening it (any command that uses the registry) logs the five issued rows, in order.
    env.issue("dept", 2, "b", "out2");
    let logged = ids(&env, "dept");
    assert_eq!(logged.len(), 7);
    let conn = db(&env, "dept");
    let mut stmt = conn
        .prepare("SELECT id FROM licenses WHERE state = 'issued' ORDER BY rowid")
        .unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(logged, rows);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
}

#[test]
fn a_witness_cosigns_consistent_checkpoints_and_catches_split_views() {
    let env = Env::new("log", "witness");
    let witness_org = elicense::OrgCode::with_check("11310000MB0000002")
        .unwrap()
        .to_string();
    for (dir, org) in [
        ("root", "11350000MB0000001W"),
        ("wroot", witness_org.as_str()),
    ] {
        env.init_root(dir, "根", org);
    }
    env.plain_department();
    let build = |extra: &[&str]| {
        let mut args = vec![
            "trust",
            "build",
            "--root-dir",
            "root",
            "--cert",
            "dept/certificate.pem",
            "--out",
            "list.cose",
            "--passphrase-file",
            "pass.txt",
        ];
        args.extend(extra);
        env.run(&args)
    };
    // The list names the department's log with one witness, whose cosignature it needs; a
    // quorum above the witnesses named is refused.
    let out = build(&["--log-witness", "wroot/root.cert.pem", "--log-quorum", "2"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = build(&["--log-witness", "wroot/root.cert.pem", "--log-quorum", "1"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 logs named (1 witnesses, quorum 1)"));
    let issue = |rows: usize, tag: &str, out: &str| env.issue_rows(rows, tag, out);
    let witness = |out: &str| {
        env.run(&[
            "log",
            "witness",
            "--root-dir",
            "wroot",
            "--log",
            "pub",
            "--root",
            "root/root.cert.pem",
            "--trust",
            "list.cose",
            "--out",
            out,
            "--passphrase-file",
            "pass.txt",
        ])
    };
    let verify = |license: &str, extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--root",
            "root/root.cert.pem",
            "--trust",
            "list.cose",
            "--file",
            license,
            "--proof",
            "p.tlog-proof",
        ];
        args.extend(extra);
        let out = env.run(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };

    issue(10, "a", "out1");
    env.ok(&["log", "publish", "--dir", "dept", "--out", "pub"]);
    let first = std::fs::read_to_string(env.p("pub/checkpoint")).unwrap();
    let id = ids(&env, "dept")[3].clone();
    let prove = || env.prove("dept", &id, "p.tlog-proof");
    let license = format!("out1/{id}.txt");
    let wname = format!("elicense/witness/{witness_org}");
    // Before any witness cosigned: below the quorum the trust list names.
    prove();
    let (code, out) = verify(&license, &["--json"]);
    assert_eq!(code, Some(1), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["log"]["reason"], "witness_quorum", "{out}");
    // First sight: the tiles must give the checkpoint's root; cosigned.
    let out = witness("c1.checkpoint");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    env.ok(&[
        "log",
        "cosigned",
        "--dir",
        "dept",
        "--checkpoint",
        "c1.checkpoint",
    ]);
    prove();
    let (code, out) = verify(&license, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("witnessed by {wname}")), "{out}");
    // The verifier's own witness flags are for logs no trust list names: a usage error here.
    let (code, out) = verify(
        &license,
        &["--witness", "wroot/root.cert.pem", "--witness-quorum", "1"],
    );
    assert_eq!(code, Some(2), "{out}");
    // JSON: the verdict and, under "log", the proof's result.
    let (code, out) = verify(&license, &["--json"]);
    assert_eq!(code, Some(0), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], true, "{out}");
    assert_eq!(v["log"]["logged"], true, "{out}");
    assert_eq!(v["log"]["index"], 3, "{out}");
    assert_eq!(v["log"]["witnesses"][0], wname.as_str(), "{out}");
    // A changed byte of the cosignature: refused when the witness is known.
    let proof = std::fs::read_to_string(env.p("p.tlog-proof")).unwrap();
    let line = proof
        .lines()
        .find(|l| l.contains(&wname))
        .unwrap()
        .to_owned();
    let sig = line.rsplit(' ').next().unwrap();
    let mut raw = STANDARD.decode(sig).unwrap();
    raw[30] ^= 1;
    std::fs::write(
        env.p("p.tlog-proof"),
        proof.replace(sig, &STANDARD.encode(&raw)),
    )
    .unwrap();
    let (code, out) = verify(&license, &[]);
    assert_eq!(code, Some(1), "{out}");

    // The log grows across a tile boundary: consistent, cosigned again.
    issue(300, "b", "out2");
    env.ok(&["log", "publish", "--dir", "dept", "--out", "pub"]);
    let out = witness("c2.checkpoint");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let c2 = std::fs::read_to_string(env.p("c2.checkpoint")).unwrap();
    assert!(c2.contains("\n310\n") && c2.contains(&wname), "{c2}");

    // Rollback: the old checkpoint published again.
    let current = std::fs::read_to_string(env.p("pub/checkpoint")).unwrap();
    std::fs::write(env.p("pub/checkpoint"), &first).unwrap();
    let out = witness("c3.checkpoint");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("went back from 310 entries to 10"));

    // Split view: a checkpoint of size 310 with another root, validly signed by the department.
    let pem = std::fs::read_to_string(env.p("dept/key.pem")).unwrap();
    let key =
        elicense::keys::signing_key_from_pem(&pem, elicense::KeyProtection::PlainForTestsOnly)
            .unwrap();
    let forged = elicense::Checkpoint {
        origin: "elicense/log/11350100MB0312345H".into(),
        size: 310,
        root: [0x5a; 32],
    }
    .sign(&key)
    .to_text();
    std::fs::write(env.p("pub/checkpoint"), &forged).unwrap();
    let out = witness("c4.checkpoint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("SPLIT VIEW"), "{stdout}");
    assert!(
        stdout.contains(&forged) && stdout.contains(current.lines().nth(2).unwrap()),
        "{stdout}"
    );
    // A larger forged checkpoint that does not extend the log: inconsistent with the tiles.
    let forged = elicense::Checkpoint {
        size: 311,
        ..elicense::Checkpoint::parse_text(&format!(
            "elicense/log/11350100MB0312345H\n311\n{}\n",
            STANDARD.encode([0x5a; 32])
        ))
        .unwrap()
    }
    .sign(&key)
    .to_text();
    std::fs::write(env.p("pub/checkpoint"), &forged).unwrap();
    let out = witness("c5.checkpoint");
    assert_ne!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !env.p("c3.checkpoint").exists()
            && !env.p("c4.checkpoint").exists()
            && !env.p("c5.checkpoint").exists()
    );
}

#[test]
fn audit_finds_unlogged_rows_late_entries_bad_tiles_and_split_views() {
    let env = Env::new("log", "audit");
    env.init_root("root", "根", "11350000MB0000001W");
    env.plain_department();
    let issue = |rows: usize, tag: &str, out: &str| env.issue_rows(rows, tag, out);
    let audit = |extra: &[&str]| {
        let mut args = vec!["log", "audit", "--dir", "dept"];
        args.extend(extra);
        let out = env.run(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    issue(5, "a", "out1");
    env.ok(&["log", "publish", "--dir", "dept", "--out", "pub"]);
    std::fs::copy(env.p("pub/checkpoint"), env.p("old.checkpoint")).unwrap();
    issue(3, "b", "out2");
    env.ok(&["log", "publish", "--dir", "dept", "--out", "pub"]);
    let (code, out) = audit(&["--published", "pub", "--old", "old.checkpoint"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("8 entries, 8 issued licenses, 2 checkpoints: all consistent"),
        "{out}"
    );

    // Status lists and attestations are logged before they are written, with their kinds.
    env.ok(&["status", "build", "--dir", "dept", "--out", "status.cose"]);
    std::fs::write(env.p("scan.pdf"), b"%PDF-1.4 scan").unwrap();
    env.ok(&[
        "attest",
        "--dir",
        "dept",
        "--file",
        "scan.pdf",
        "--officer-id",
        "FZ-0042",
    ]);
    let logged = ids(&env, "dept");
    assert_eq!(logged.len(), 11, "{logged:?}");
    assert_eq!(logged[8], "STATUS-11350100MB0312345H-1");
    assert!(
        logged[9].starts_with("ATT-") && logged[10].starts_with("STAMP-"),
        "{logged:?}"
    );
    let conn = db(&env, "dept");
    let entry: Vec<u8> = conn
        .query_row("SELECT entry FROM log_entries WHERE idx = 8", [], |r| {
            r.get(0)
        })
        .unwrap();
    let entry = elicense::LogEntry::decode(&entry).unwrap();
    assert_eq!(entry.kind, elicense::ContentType::StatusList);
    assert!(entry.covers(&std::fs::read(env.p("status.cose")).unwrap()));
    let entry: Vec<u8> = conn
        .query_row("SELECT entry FROM log_entries WHERE idx = 9", [], |r| {
            r.get(0)
        })
        .unwrap();
    let entry = elicense::LogEntry::decode(&entry).unwrap();
    assert_eq!(entry.kind, elicense::ContentType::Attestation);
    assert!(entry.covers(&std::fs::read(env.p("scan.pdf.elatt")).unwrap()));
    drop(conn);
    env.ok(&["log", "publish", "--dir", "dept", "--out", "pub"]);
    let (code, out) = audit(&["--published", "pub", "--old", "old.checkpoint"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("11 entries, 8 issued licenses, 3 checkpoints"),
        "{out}"
    );

    // A split view: another checkpoint of size 8, validly signed.
    let pem = std::fs::read_to_string(env.p("dept/key.pem")).unwrap();
    let key =
        elicense::keys::signing_key_from_pem(&pem, elicense::KeyProtection::PlainForTestsOnly)
            .unwrap();
    let forged = elicense::Checkpoint {
        origin: "elicense/log/11350100MB0312345H".into(),
        size: 11,
        root: [7; 32],
    }
    .sign(&key)
    .to_text();
    std::fs::write(env.p("forged.checkpoint"), &forged).unwrap();
    let (code, out) = audit(&["--old", "forged.checkpoint"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("SPLIT VIEW") && out.contains(&forged), "{out}");
    // A smaller checkpoint that the log does not extend.
    let forged = elicense::Checkpoint {
        origin: "elicense/log/11350100MB0312345H".into(),
        size: 5,
        root: [7; 32],
    }
    .sign(&key)
    .to_text();
    std::fs::write(env.p("forged.checkpoint"), &forged).unwrap();
    let (code, out) = audit(&["--old", "forged.checkpoint"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not consistent"), "{out}");

    // A changed byte of a published tile.
    let tile = env.p("pub/tile/0/000.p/11");
    let mut bytes = std::fs::read(&tile).unwrap();
    bytes[40] ^= 1;
    std::fs::write(&tile, &bytes).unwrap();
    let (code, out) = audit(&["--published", "pub"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("published tiles do not give"), "{out}");

    // A license issued long before it was logged.
    let id = ids(&env, "dept")[2].clone();
    let conn = rusqlite::Connection::open(env.p("dept/registry.sqlite")).unwrap();
    conn.execute(
        "UPDATE licenses SET issued_on = '2020-01-01' WHERE id = ?1",
        [&id],
    )
    .unwrap();
    let (code, out) = audit(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(&format!("({id}) logged late")), "{out}");
    conn.execute(
        "UPDATE licenses SET issued_on = '2099-01-01' WHERE id = ?1",
        [&id],
    )
    .unwrap();
    let (code, out) = audit(&[]);
    assert_eq!(code, Some(0), "{out}");

    // An issued row whose entry is missing (the log table edited behind the registry's back).
    conn.execute("DELETE FROM log_entries WHERE idx = 3", [])
        .unwrap();
    let (code, out) = audit(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("entries are missing from the log"), "{out}");
    conn.execute("DELETE FROM log_entries WHERE idx >= 7", [])
        .unwrap();
    let (code, out) = audit(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("is issued but not in the log"), "{out}");
    assert!(
        out.contains("stored checkpoint of size 8 does not match"),
        "{out}"
    );
}

#[test]
fn a_root_logs_its_trust_lists_and_another_root_witnesses_them() {
    let env = Env::new("log", "rootlog");
    let root_org = "11350000MB0000001W";
    let witness_org = elicense::OrgCode::with_check("11310000MB0000002")
        .unwrap()
        .to_string();
    for (dir, org) in [("root", root_org), ("wroot", witness_org.as_str())] {
        env.init_root(dir, "根", org);
    }
    env.plain_department();
    let build = || env.trust_build("root", "dept/certificate.pem", "list.cose");
    build();
    let out = build();
    assert!(out.contains("logged as entry 1 of the root's log"), "{out}");
    env.ok(&[
        "log",
        "publish",
        "--dir",
        "root",
        "--out",
        "rpub",
        "--passphrase-file",
        "pass.txt",
    ]);
    let prove = |seq: u32, out: &str| env.prove("root", &format!("TRUST-{root_org}-{seq}"), out);
    let show = |proof: &str, extra: &[&str]| {
        let mut args = vec![
            "trust",
            "show",
            "list.cose",
            "--root",
            "root/root.cert.pem",
            "--proof",
            proof,
        ];
        args.extend(extra);
        let out = env.run(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    prove(2, "t2.proof");
    prove(1, "t1.proof");
    let (code, out) = show("t2.proof", &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!(
            "已登记在监察日志 Logged: log elicense/log/{root_org}, entry 1 of 2"
        )),
        "{out}"
    );
    // The first list's proof is not a proof of the second.
    let (code, out) = show("t1.proof", &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("another document"), "{out}");
    // Not yet witnessed: a quorum of one refuses it.
    let witness_args = ["--witness", "wroot/root.cert.pem", "--witness-quorum", "1"];
    let (code, out) = show("t2.proof", &witness_args);
    assert_eq!(code, Some(1), "{out}");
    // Another region's root witnesses the root's log (opened with the root's own key).
    env.ok(&[
        "log",
        "witness",
        "--root-dir",
        "wroot",
        "--log",
        "rpub",
        "--root",
        "root/root.cert.pem",
        "--out",
        "c.checkpoint",
        "--passphrase-file",
        "pass.txt",
    ]);
    env.ok(&[
        "log",
        "cosigned",
        "--dir",
        "root",
        "--checkpoint",
        "c.checkpoint",
    ]);
    prove(2, "t2.proof");
    let (code, out) = show("t2.proof", &witness_args);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!("witnessed by elicense/witness/{witness_org}")),
        "{out}"
    );
    // The root's registry and log agree, and the published tiles serve its tree.
    env.ok(&["log", "audit", "--dir", "root", "--published", "rpub"]);
}

//! The whole department workflow through the real binary: init → cert → trust → issue batch →
//! verify texts and photos → revoke → status → verify says revoked; plus re-runs, a killed batch
//! resuming, and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::Env;

/// The fields of the business license issued one at a time with `--set` (besides its holder).
const SINGLE_LICENSE_FIELDS: [&str; 14] = [
    "--set",
    "holder_id=91350100MA8T2Q3X18",
    "--set",
    "company_type=有限责任公司",
    "--set",
    "legal_representative=赵八",
    "--set",
    "registered_capital=壹万元整",
    "--set",
    "established_on=2020-02-02",
    "--set",
    "address=福州市",
    "--set",
    "business_scope=咨询",
];

impl Env {
    /// Root + department (encrypted keys), certified for YYZZ, trust list published.
    fn setup(&self) {
        self.root_and_department("福州市市场监督管理局", "11350100MB0312345H", "YYZZ");
    }

    fn trust(&self) -> Vec<&'static str> {
        vec!["--root", "root/root.cert.pem", "--trust", "list.cose"]
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn csv(rows: usize, bad_every: usize) -> String {
    let mut s = String::from(
        "holder_name,holder_id,company_type,legal_representative,registered_capital,established_on,address,business_scope\n",
    );
    for i in 0..rows {
        let holder = if bad_every > 0 && i % bad_every == bad_every - 1 {
            "91350100MA8T2Q3X19".to_owned() // wrong check character
        } else {
            "91350100MA8T2Q3X18".to_owned()
        };
        s.push_str(&format!(
            "测试公司{i}号,{holder},有限责任公司,张三,壹佰万元整,2019-05-20,福州市鼓楼区{i}号,软件开发\n"
        ));
    }
    s
}

fn manifest(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn verdict(env: &Env, file: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["verify", "--json", "--file", file];
    args.extend(env.trust());
    args.extend(extra);
    let out = env.run(&args);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        serde_json::Value::String(String::from_utf8_lossy(&out.stderr).into_owned())
    });
    (out.status.code(), v)
}

#[test]
fn whole_workflow() {
    let env = Env::new("wf", "whole");
    env.setup();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for key in ["root/key.pem", "dept/key.pem"] {
            let mode = std::fs::metadata(env.p(key)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{key}");
        }
    }
    let show = env.ok(&[
        "trust",
        "show",
        "list.cose",
        "--root",
        "root/root.cert.pem",
        "--json",
    ]);
    let show: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(show["verified"], true);
    assert_eq!(show["departments"][0]["license_types"][0], "YYZZ");

    // A batch of 10 with one bad row (line 6): exit 1, the row reported, the rest issued.
    std::fs::write(env.p("batch.csv"), csv(10, 5)).unwrap();
    let out = env.run(&[
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--batch",
        "batch.csv",
        "--out",
        "issued",
        "--passphrase-file",
        "pass.txt",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 6") && stderr.contains("line 11"),
        "{stderr}"
    );
    let m = manifest(&env.p("issued"));
    assert_eq!(m.len(), 8);
    let errors = std::fs::read_to_string(env.p("issued/errors.jsonl")).unwrap();
    assert_eq!(errors.lines().count(), 2);
    assert!(errors.contains("\"line\":6"), "{errors}");

    // Every issued license verifies from its text and from its PNG photo.
    for entry in &m {
        let id = entry["id"].as_str().unwrap();
        for ext in ["txt", "png"] {
            let (code, v) = verdict(&env, &format!("issued/{id}.{ext}"), &[]);
            assert_eq!(code, Some(0), "{id}.{ext}: {v}");
            assert_eq!(v["valid"], true);
            assert_eq!(v["signer"], "福州市市场监督管理局");
        }
        assert!(env.p(&format!("issued/{id}.svg")).exists());
    }

    // A lossy JPEG "photo" of a QR code, resampled to 5 pixels per module, verifies too.
    let id0 = m[0]["id"].as_str().unwrap();
    let png = image::open(env.p(&format!("issued/{id0}.png"))).unwrap();
    let (w, h) = (png.width() * 5 / 4, png.height() * 5 / 4);
    let photo = png
        .resize(w, h, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode_image(&photo)
        .unwrap();
    std::fs::write(env.p("photo.jpg"), jpeg).unwrap();
    let (code, v) = verdict(&env, "photo.jpg", &[]);
    assert_eq!(code, Some(0), "JPEG photo: {v}");

    // Re-running the same batch issues nothing new.
    let out = env.run(&[
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--batch",
        "batch.csv",
        "--out",
        "issued",
        "--passphrase-file",
        "pass.txt",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["issued"], 0);
    assert_eq!(report["already_issued"], 8);
    assert_eq!(manifest(&env.p("issued")), m);

    // A tampered text is invalid (exit 1) with a reason.
    let first = m[0]["id"].as_str().unwrap().to_owned();
    let text = std::fs::read_to_string(env.p(&format!("issued/{first}.txt"))).unwrap();
    let mut bytes = text.trim().as_bytes().to_vec();
    let mid = bytes.len() / 2;
    bytes[mid] = if bytes[mid] == b'A' { b'B' } else { b'A' };
    std::fs::write(env.p("tampered.txt"), &bytes).unwrap();
    let (code, v) = verdict(&env, "tampered.txt", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(v["valid"], false);
    assert!(
        v["reason_zh"].as_str().unwrap().contains("篡改") || v["code"] == "bad_signature",
        "{v}"
    );

    // Revoke one, publish the status list: verify says revoked; the others say checked.
    let second = m[1]["id"].as_str().unwrap().to_owned();
    env.ok(&["revoke", "--dir", "dept", "--id", &second]);
    env.ok(&[
        "status",
        "build",
        "--dir",
        "dept",
        "--out",
        "status.cose",
        "--passphrase-file",
        "pass.txt",
    ]);
    let (code, v) = verdict(
        &env,
        &format!("issued/{second}.png"),
        &["--status", "status.cose"],
    );
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["code"], "revoked");
    let (code, v) = verdict(
        &env,
        &format!("issued/{first}.txt"),
        &["--status", "status.cose"],
    );
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["revocation"], "checked");

    // Human output: a big verdict line and Chinese labels.
    let mut args = vec!["verify", "--file"];
    let path = format!("issued/{first}.txt");
    args.push(&path);
    args.extend(env.trust());
    let human = env.ok(&args);
    assert!(human.starts_with("✓ 有效 VALID"), "{human}");
    assert!(
        human.contains("法定代表人 Legal representative: 张三"),
        "{human}"
    );

    // One license from --set flags, one from a JSON record: both verify, from standard input.
    let single = [
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--out",
        "single",
        "--passphrase-file",
        "pass.txt",
        "--set",
        "holder_name=单张签发有限公司",
    ];
    env.ok(&[&single[..], &SINGLE_LICENSE_FIELDS[..]].concat());
    std::fs::write(
        env.p("record.json"),
        r#"{"holder_name":"记录签发有限公司","holder_id":"91350100MA8T2Q3X18","company_type":"有限责任公司","legal_representative":"钱九","registered_capital":"壹万元整","established_on":"2020-02-02","address":"福州市","business_scope":"咨询"}"#,
    )
    .unwrap();
    env.ok(&[
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--record",
        "record.json",
        "--out",
        "single",
        "--passphrase-file",
        "pass.txt",
    ]);
    let singles: Vec<PathBuf> = std::fs::read_dir(env.p("single"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    assert_eq!(singles.len(), 2);
    for file in &singles {
        let mut args = vec!["verify", "--json", "-"];
        args.extend(env.trust());
        let mut child = Command::new(env!("CARGO_BIN_EXE_elicense"))
            .args(&args)
            .current_dir(&env.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(
            &mut child.stdin.take().unwrap(),
            &std::fs::read(file).unwrap(),
        )
        .unwrap();
        let out = child.wait_with_output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["valid"], true, "{}: {v}", file.display());
    }

    // inspect, qr, card.
    let ins: serde_json::Value = serde_json::from_str(&env.ok(&[
        "inspect",
        "--json",
        "--file",
        &format!("issued/{first}.txt"),
    ]))
    .unwrap();
    assert_eq!(ins["verified"], false);
    assert_eq!(ins["license"]["id"], first.as_str());
    let ins = env.ok(&["inspect", "--file", &path]);
    assert!(ins.starts_with("UNVERIFIED"), "{ins}");
    assert!(
        env.ok(&["qr", "--file", &path]).contains('█'),
        "terminal QR"
    );
    env.ok(&["qr", "--file", &path, "--format", "svg", "--out", "one.svg"]);
    env.ok(&["qr", "--file", &path, "--format", "png", "--out", "one.png"]);
    let (code, _) = verdict(&env, "one.png", &[]);
    assert_eq!(code, Some(0));
    env.ok(&[
        "card",
        "--file",
        &path,
        "--format",
        "html",
        "--paper",
        "a5",
        "--out",
        "card.html",
    ]);
    let card = std::fs::read_to_string(env.p("card.html")).unwrap();
    assert!(
        card.contains("营业执照") && card.contains("法定代表人") && card.contains("<svg"),
        "card"
    );
    assert!(card.contains("148mm 210mm"));
    env.ok(&[
        "card", "--file", &path, "--format", "svg", "--out", "card.svg",
    ]);
    assert!(std::fs::read_to_string(env.p("card.svg"))
        .unwrap()
        .contains("<path d=\"M"));
}

#[test]
fn every_command_has_help_with_an_example() {
    let env = Env::new("wf", "help");
    for cmd in [
        vec!["demo"],
        vec!["keygen"],
        vec!["init", "root"],
        vec!["init", "department"],
        vec!["cert", "issue"],
        vec!["trust", "build"],
        vec!["trust", "show"],
        vec!["issue"],
        vec!["qr"],
        vec!["card"],
        vec!["verify"],
        vec!["present"],
        vec!["inspect"],
        vec!["revoke"],
        vec!["status", "build"],
        vec!["attest"],
        vec!["verify-attachment"],
        vec!["log", "publish"],
        vec!["log", "prove"],
        vec!["log", "witness"],
        vec!["log", "cosigned"],
        vec!["log", "audit"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let help = env.ok(&args);
        assert!(
            help.contains("Example"),
            "{cmd:?} --help has no example:\n{help}"
        );
    }
}

#[test]
fn a_closed_output_pipe_is_not_a_crash() {
    let env = Env::new("wf", "pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(["demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2));
    drop(env);
}

#[test]
fn usage_and_io_errors_exit_2_with_a_message() {
    let env = Env::new("wf", "errors");
    for args in [
        vec!["verify", "--file", "missing.txt", "--root", "nope.pem"],
        vec![
            "issue", "--dir", "nowhere", "--type", "YYZZ", "--set", "a=b", "--out", "x",
        ],
        vec![
            "init",
            "root",
            "--dir",
            "r",
            "--name",
            "x",
            "--org-code",
            "123",
            "--plain-for-tests",
        ],
        vec!["frobnicate"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says what is wrong");
    }
    // Wrong passphrase: a clear error, nothing issued.
    env.setup();
    std::fs::write(env.p("wrong.txt"), "not the passphrase\n").unwrap();
    std::fs::write(env.p("one.csv"), csv(1, 0)).unwrap();
    let out = env.run(&[
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--batch",
        "one.csv",
        "--out",
        "o",
        "--passphrase-file",
        "wrong.txt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));
    // A type the certificate does not permit is refused before signing anything.
    let out = env.run(&[
        "issue",
        "--dir",
        "dept",
        "--type",
        "JSZ",
        "--set",
        "holder_name=x",
        "--out",
        "o",
        "--passphrase-file",
        "pass.txt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not permit"));
}

#[test]
fn a_killed_batch_resumes_without_gaps_or_doubles() {
    let env = Env::new("wf", "resume");
    env.setup();
    const ROWS: usize = 6000;
    std::fs::write(env.p("big.csv"), csv(ROWS, 0)).unwrap();
    let args = [
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--batch",
        "big.csv",
        "--out",
        "out",
        "--formats",
        "txt",
        "--passphrase-file",
        "pass.txt",
        "--jobs",
        "1",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .current_dir(&env.dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some licenses are written (or let it finish, if it is that fast).
    let start = std::time::Instant::now();
    loop {
        let written = std::fs::read_dir(env.p("out"))
            .map(|d| d.count())
            .unwrap_or(0);
        if written >= 300 || start.elapsed().as_secs() > 60 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    // The manifest is written only when a run completes: its absence proves the kill landed
    // mid-batch, so the resume below is really tested.
    assert!(
        !env.p("out/manifest.jsonl").exists(),
        "the batch finished before it could be killed"
    );
    let partial = std::fs::read_dir(env.p("out")).unwrap().count();
    assert!(
        partial > 0 && partial < ROWS,
        "{partial} files after the kill"
    );
    // Resume.
    env.ok(&args);
    let m = manifest(&env.p("out"));
    assert_eq!(m.len(), ROWS);
    let mut sequences: Vec<u64> = m
        .iter()
        .map(|e| {
            let id = e["id"].as_str().unwrap();
            id[id.len() - 11..id.len() - 1].parse().unwrap()
        })
        .collect();
    sequences.sort_unstable();
    assert_eq!(
        sequences,
        (1..=ROWS as u64).collect::<Vec<_>>(),
        "no gaps, no doubles"
    );
    let mut lines: Vec<u64> = m.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    lines.dedup();
    assert_eq!(lines.len(), ROWS, "each row issued once");
    let txt = std::fs::read_dir(env.p("out"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "txt")
        })
        .count();
    assert_eq!(txt, ROWS, "one text file per license, none orphaned");
}

#[test]
fn attest_and_verify_attachments() {
    let env = Env::new("wf", "attach");
    env.setup();
    std::fs::create_dir_all(env.p("scans")).unwrap();
    let pdf = elicense_fixtures::pdf_document("Business license scan (test)");
    std::fs::write(env.p("scans/a.pdf"), &pdf).unwrap();
    std::fs::write(env.p("scans/b.png"), elicense_fixtures::png_photo(40, 30)).unwrap();
    for f in ["scans/a.pdf", "scans/b.png"] {
        let out = env.ok(&[
            "attest",
            "--dir",
            "dept",
            "--file",
            f,
            "--officer-id",
            "FZ-0042",
            "--officer-name",
            "林小红",
            "--passphrase-file",
            "pass.txt",
            "--json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v["stamp_qr_version"].as_u64().unwrap() <= 10, "{v}");
    }
    let trust = env.trust();
    let check = |extra: &[&str]| {
        let mut args = vec!["verify-attachment", "--json"];
        args.extend(extra);
        args.extend(trust.iter().copied());
        let out = env.run(&args);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), v)
    };
    let (code, v) = check(&["--file", "scans/a.pdf"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v[0]["verdict"]["outcome"], "match");
    assert_eq!(v[0]["verdict"]["statement"], "经与原件核对无误");
    // From a photo of the printed stamp QR code.
    let (code, v) = check(&[
        "--file",
        "scans/a.pdf",
        "--stamp-image",
        "scans/a.pdf.stamp.png",
    ]);
    assert_eq!(code, Some(0), "{v}");
    // A photo of the stamp beside a license's QR code (both `EL1` texts), either side: the stamp
    // is the one taken, and the warning says so.
    let stamp = image::open(env.p("scans/a.pdf.stamp.png"))
        .unwrap()
        .to_luma8();
    let license_png =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/licenses/business-license.qr.png");
    let license = image::open(license_png).unwrap().to_luma8();
    for stamp_first in [true, false] {
        let (left, right) = if stamp_first {
            (&stamp, &license)
        } else {
            (&license, &stamp)
        };
        let mut both = image::GrayImage::from_pixel(
            left.width() + right.width() + 60,
            left.height().max(right.height()) + 40,
            image::Luma([255]),
        );
        image::imageops::replace(&mut both, left, 20, 20);
        image::imageops::replace(&mut both, right, i64::from(left.width()) + 40, 20);
        both.save(env.p("both.png")).unwrap();
        let out = env.run(
            &[
                &["verify-attachment", "--json", "--file", "scans/a.pdf"][..],
                &["--stamp-image", "both.png"],
                &trust,
            ]
            .concat(),
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "stamp first: {stamp_first}: {v}"
        );
        assert_eq!(v[0]["verdict"]["outcome"], "match");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("holds 2 QR codes; using"), "{stderr}");
        // And `verify` of the same photo takes the license (under the fixtures' trust).
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/trust");
        let out = env.run(&[
            "verify",
            "--json",
            "--file",
            "both.png",
            "--root",
            fixtures
                .join("roots/fujian-root.cert.pem")
                .to_str()
                .unwrap(),
            "--trust",
            fixtures.join("lists/fujian-v2.cose").to_str().unwrap(),
            "--at",
            "2025-06-01T10:00:00+08:00",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "stamp first: {stamp_first}: {v}"
        );
        assert_eq!(v["signer"], "福州市市场监督管理局", "{v}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("holds 2 QR codes; using \"EL1Z:"),
            "{stderr}"
        );
    }
    // One byte changed: mismatch, exit 1, both hashes reported; the folder batch says so too.
    let mut altered = pdf.clone();
    altered[50] ^= 1;
    std::fs::write(env.p("scans/a.pdf"), &altered).unwrap();
    let (code, v) = check(&["--file", "scans/a.pdf"]);
    assert_eq!(code, Some(1));
    assert_eq!(v[0]["verdict"]["outcome"], "mismatch");
    assert_ne!(
        v[0]["verdict"]["attested_sha256"],
        v[0]["verdict"]["actual_sha256"]
    );
    let (code, v) = check(&["--dir", "scans"]);
    assert_eq!(code, Some(1));
    let outcomes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"]["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["mismatch", "match"]);
}

// The exit codes documented in docs/CLI.md and `elicense --help`: 1 for an invalid verdict, with
// nothing added on standard error; 2 for every error, with one `elicense: …` line naming the
// file when a file is at fault.

/// Exit code and standard error of a command expected to fail.
fn fails(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let out = env.run(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(env: &Env, name: &str, contents: &str) {
    std::fs::write(env.p(name), contents).unwrap();
}

#[test]
fn help_lists_the_exit_codes() {
    let help = Env::new("wf", "help").ok(&["--help"]);
    for line in ["0  done", "1  invalid", "2  error"] {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
}

#[test]
fn invalid_verdicts_exit_1_quietly_and_errors_exit_2_naming_the_file() {
    let s = Env::new("wf", "codes");
    for (kind, dir, name) in [
        ("root", "root", "测试根CA"),
        ("root", "other", "另一个根CA"),
        ("department", "dept", "福州市市场监督管理局"),
    ] {
        let code = if kind == "root" {
            "11350000MB0000001W"
        } else {
            "11350100MB0312345H"
        };
        s.ok(&[
            "init",
            kind,
            "--dir",
            dir,
            "--name",
            name,
            "--org-code",
            code,
            "--plain-for-tests",
        ]);
    }
    s.ok(&[
        "cert",
        "issue",
        "--root-dir",
        "root",
        "--csr",
        "dept/request.csr.pem",
        "--types",
        "YYZZ",
        "--out",
        "dept/certificate.pem",
    ]);
    s.ok(&[
        "trust",
        "build",
        "--root-dir",
        "root",
        "--cert",
        "dept/certificate.pem",
        "--out",
        "list.cose",
    ]);

    // 1: an invalid verdict; the verdict is the output and standard error stays empty.
    let (code, stderr) = fails(
        &s,
        &[
            "verify",
            "--root",
            "root/root.cert.pem",
            "--trust",
            "list.cose",
            "EL1:not-a-license",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "");

    // 2: input files that are not what they should be, named in the one-line message.
    write(&s, "garbage.pem", "not a certificate\n");
    write(&s, "bad-template.json", "{");
    let trust_list_of_another_root = [
        "trust",
        "show",
        "list.cose",
        "--root",
        "other/root.cert.pem",
    ];
    for (args, says) in [
        (
            &[
                "trust",
                "build",
                "--root-dir",
                "root",
                "--cert",
                "garbage.pem",
                "--out",
                "l.cose",
            ][..],
            "elicense: garbage.pem: ",
        ),
        (
            &[
                "issue",
                "--dir",
                "dept",
                "--template",
                "bad-template.json",
                "--set",
                "holder_name=x",
                "--out",
                "out",
            ][..],
            "elicense: bad-template.json: ",
        ),
        (&trust_list_of_another_root[..], "elicense: NOT VERIFIED: "),
        (
            &["qr", "EL1:not-a-license"][..],
            "elicense: not a license text: ",
        ),
    ] {
        let (code, stderr) = fails(&s, args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(says), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// The longest validity the flags allow (`--years 65535`, `--days 4294967295`) gives a
/// certificate that never expires (RFC 5280's 99991231235959Z), not a crash, and what it signs
/// verifies.
#[test]
fn the_longest_validity_is_no_expiry_not_a_crash() {
    let env = Env::new("wf", "no-expiry");
    fn with_pass<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [args, &["--passphrase-file", "pass.txt"][..]].concat()
    }
    env.ok(&with_pass(&[
        "init",
        "root",
        "--dir",
        "root",
        "--name",
        "测试根CA",
        "--org-code",
        "11350000MB0000001W",
        "--years",
        "65535",
    ]));
    env.ok(&with_pass(&[
        "init",
        "department",
        "--dir",
        "dept",
        "--name",
        "福州市市场监督管理局",
        "--org-code",
        "11350100MB0312345H",
        "--root",
        "root/root.cert.pem",
    ]));
    env.ok(&with_pass(&[
        "cert",
        "issue",
        "--root-dir",
        "root",
        "--csr",
        "dept/request.csr.pem",
        "--types",
        "YYZZ",
        "--days",
        "4294967295",
        "--out",
        "dept/certificate.pem",
    ]));
    let cert = elicense::Certificate::parse(&std::fs::read(env.p("dept/certificate.pem")).unwrap())
        .unwrap();
    assert_eq!(
        cert.not_after(),
        time::macros::datetime!(9999-12-31 23:59:59 UTC)
    );
    env.ok(&with_pass(&[
        "trust",
        "build",
        "--root-dir",
        "root",
        "--cert",
        "dept/certificate.pem",
        "--out",
        "list.cose",
    ]));
    write(&env, "one.csv", &csv(1, 0));
    env.ok(&with_pass(&[
        "issue", "--dir", "dept", "--type", "YYZZ", "--batch", "one.csv", "--out", "issued",
    ]));
    let id = manifest(&env.p("issued"))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (code, v) = verdict(&env, &format!("issued/{id}.txt"), &[]);
    assert_eq!(code, Some(0), "{v}");
}

// ---------------------------------------------------------------------------------------------
// The registry under concurrency and crashes (issue 17): numbers are reserved and committed
// before anything is signed, files are written from committed rows only, atomically.

/// A batch whose rows differ from every other batch's (`tag` is in each holder name), so each
/// batch is a source of its own.
fn csv_tagged(tag: &str, rows: usize) -> String {
    csv(rows, 0).replace("测试公司", &format!("测试公司{tag}-"))
}

fn issue_args<'a>(batch: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--batch",
        batch,
        "--out",
        out,
        "--formats",
        "txt",
        "--passphrase-file",
        "pass.txt",
        "--jobs",
        "1",
    ]
}

/// The license identifiers in the issuance log (docs/LOG.md), each once.
fn log_ids(env: &Env) -> std::collections::BTreeSet<String> {
    let conn = rusqlite::Connection::open_with_flags(
        env.p("dept/registry.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut stmt = conn.prepare("SELECT doc_id FROM log_entries").unwrap();
    let ids: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let set: std::collections::BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "a license logged twice");
    set
}

/// One registry row: sequence, status index, signed text ("" while only reserved).
struct Row {
    sequence: u64,
    status_index: u64,
    text: String,
}

fn registry_rows(env: &Env) -> std::collections::BTreeMap<String, Row> {
    let conn = rusqlite::Connection::open_with_flags(
        env.p("dept/registry.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut stmt = conn
        .prepare("SELECT id, sequence, status_index, text FROM licenses")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Row {
                sequence: r.get::<_, i64>(1)? as u64,
                status_index: r.get::<_, i64>(2)? as u64,
                text: r.get(3)?,
            },
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Checks the registry against the output folders `outs` and returns its rows: every row is
/// issued (none left reserved), no identifier or status index repeats, every file in `outs`
/// (besides the manifest and the errors) is `<id>.txt` holding exactly a row's text, and every
/// row has its file. A row's text is a license with the row's identifier and status index:
/// checked for every row of registries up to 10 000 rows, for every 20th row of larger ones
/// (the test build of core decodes slowly).
fn check_registry_against(env: &Env, outs: &[&str]) -> std::collections::BTreeMap<String, Row> {
    let rows = registry_rows(env);
    assert_eq!(
        log_ids(env),
        rows.keys().cloned().collect(),
        "issued rows and log entries differ"
    );
    let step = if rows.len() <= 10_000 { 1 } else { 20 };
    let mut indexes = std::collections::HashSet::new();
    for (i, (id, row)) in rows.iter().enumerate() {
        assert!(
            !row.text.is_empty(),
            "{id} is reserved but was never issued"
        );
        assert!(
            indexes.insert(row.status_index),
            "status index {} twice",
            row.status_index
        );
        if i % step != 0 {
            continue;
        }
        let license = elicense::inspect(elicense::Input::Text(&row.text))
            .unwrap()
            .license
            .unwrap();
        assert_eq!(&license.id.to_string(), id);
        assert_eq!(license.status_index, Some(row.status_index), "{id}");
    }
    let mut files = std::collections::HashSet::new();
    for out in outs {
        for entry in std::fs::read_dir(env.p(out)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name == "manifest.jsonl" || name == "errors.jsonl" {
                continue;
            }
            let id = name
                .strip_suffix(".txt")
                .unwrap_or_else(|| panic!("{out}/{name}: not a license file"));
            let row = rows
                .get(id)
                .unwrap_or_else(|| panic!("{out}/{name} is signed but not in the registry"));
            let text = std::fs::read_to_string(env.p(&format!("{out}/{name}"))).unwrap();
            assert_eq!(
                text,
                format!("{}\n", row.text),
                "{out}/{name} differs from the registry"
            );
            assert!(files.insert(id.to_owned()), "{id} written into two folders");
        }
    }
    for id in rows.keys() {
        assert!(
            files.contains(id),
            "{id} is in the registry but has no file"
        );
    }
    rows
}

/// Waits at most `secs` for `child`, killing it after that.
fn wait_bounded(child: &mut std::process::Child, secs: u64) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed().as_secs() > secs {
            let _ = child.kill();
            panic!("still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn concurrent_batches_never_share_a_number() {
    let env = Env::new("wf", "concurrent");
    env.setup();
    const BATCHES: usize = 4;
    const ROWS: usize = 2000;
    let started = std::time::Instant::now();
    let mut children = vec![];
    for b in 0..BATCHES {
        let batch = format!("b{b}.csv");
        std::fs::write(env.p(&batch), csv_tagged(&b.to_string(), ROWS)).unwrap();
        let out = format!("out{b}");
        let child = Command::new(env!("CARGO_BIN_EXE_elicense"))
            .args(issue_args(&batch, &out))
            .current_dir(&env.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        children.push(child);
    }
    for (b, mut child) in children.into_iter().enumerate() {
        let status = wait_bounded(&mut child, 900);
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(status.success(), "batch {b} failed: {stderr}");
    }
    let outs: Vec<String> = (0..BATCHES).map(|b| format!("out{b}")).collect();
    let outs: Vec<&str> = outs.iter().map(String::as_str).collect();
    let rows = check_registry_against(&env, &outs);
    assert_eq!(rows.len(), BATCHES * ROWS);
    let mut sequences: Vec<u64> = rows.values().map(|r| r.sequence).collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=(BATCHES * ROWS) as u64).collect::<Vec<_>>());
    for out in &outs {
        assert_eq!(manifest(&env.p(out)).len(), ROWS, "{out}");
    }
    eprintln!(
        "{BATCHES} concurrent batches of {ROWS}: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Two runs of the same batch file at once, into two folders: they share the rows (each issued
/// once), and each folder gets every license, identical to the registry.
#[test]
fn two_runs_of_one_batch_share_it() {
    let env = Env::new("wf", "same-batch");
    env.setup();
    const ROWS: usize = 3000;
    std::fs::write(env.p("b.csv"), csv(ROWS, 0)).unwrap();
    let children: Vec<_> = ["outA", "outB"]
        .iter()
        .map(|out| {
            Command::new(env!("CARGO_BIN_EXE_elicense"))
                .args(issue_args("b.csv", out))
                .current_dir(&env.dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        let status = wait_bounded(&mut child, 600);
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(status.success(), "{stderr}");
    }
    for out in ["outA", "outB"] {
        let rows = check_registry_against(&env, &[out]);
        assert_eq!(rows.len(), ROWS, "{out}");
        assert_eq!(manifest(&env.p(out)).len(), ROWS, "{out}");
    }
}

/// Rows in the registry (reserved or issued), 0 while it cannot be read.
fn registry_count(env: &Env) -> usize {
    rusqlite::Connection::open_with_flags(
        env.p("dept/registry.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .and_then(|c| c.query_row("SELECT COUNT(*) FROM licenses", [], |r| r.get::<_, i64>(0)))
    .map_or(0, |n| n as usize)
}

/// splitmix64, for reproducible kill moments.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 100 000-row batch (`ELICENSE_KILL_ROWS` to change it) killed with SIGKILL at 20 random
/// moments (`ELICENSE_KILL_SEED` repeats a run; the seed is printed), another license issued
/// after each kill, the batch resumed each time and run to its end: one consistent registry and
/// output folders.
#[test]
fn a_batch_killed_20_times_resumes_to_one_consistent_registry() {
    let env = Env::new("wf", "sigkill");
    env.setup();
    let rows: usize = std::env::var("ELICENSE_KILL_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seed: u64 = std::env::var("ELICENSE_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("kill moments from ELICENSE_KILL_SEED={seed}");
    let mut rng = seed;
    std::fs::write(env.p("big.csv"), csv(rows, 0)).unwrap();
    let args = issue_args("big.csv", "out");
    // The moments: 20 random points of progress over the whole batch (rows in the registry),
    // each followed by a random 0-400 ms, so the kills land while reserving, signing,
    // committing, writing, and rewriting the files of earlier runs.
    let mut targets: Vec<usize> = (0..20)
        .map(|_| (next_random(&mut rng) % (rows as u64 * 95 / 100)) as usize)
        .collect();
    targets.sort_unstable();
    let started = std::time::Instant::now();
    let mut kills = 0;
    for target in targets {
        let mut child = Command::new(env!("CARGO_BIN_EXE_elicense"))
            .args(&args)
            .current_dir(&env.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        while registry_count(&env) < target && child.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let delay = next_random(&mut rng) % 400;
        std::thread::sleep(std::time::Duration::from_millis(delay));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        // Right after the crash: every license file written is a committed, issued row.
        let registry = registry_rows(&env);
        for entry in std::fs::read_dir(env.p("out")).into_iter().flatten() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(id) = name.strip_suffix(".txt").filter(|_| !name.starts_with('.')) {
                let text = std::fs::read_to_string(env.p(&format!("out/{name}"))).unwrap();
                let row = registry.get(id);
                assert!(
                    row.is_some_and(|r| !r.text.is_empty() && text == format!("{}\n", r.text)),
                    "after kill {kills}: out/{name} is not a committed row's text"
                );
            }
        }
        // Another run between the crash and the resume: one license from flags.
        let name = format!("holder_name=单张{kills}号有限公司");
        let args = [
            "issue",
            "--dir",
            "dept",
            "--type",
            "YYZZ",
            "--out",
            "single",
            "--formats",
            "txt",
            "--passphrase-file",
            "pass.txt",
            "--set",
            &name,
        ];
        env.ok(&[&args[..], &SINGLE_LICENSE_FIELDS[..]].concat());
    }
    let killed_at = started.elapsed().as_secs_f64();
    env.ok(&args);
    eprintln!(
        "{rows} rows, {kills} kills in {killed_at:.1} s, finished after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(
        kills, 20,
        "the batch finished before it was killed 20 times"
    );
    let registry = check_registry_against(&env, &["out", "single"]);
    assert_eq!(registry.len(), rows + kills);
    let mut sequences: Vec<u64> = registry.values().map(|r| r.sequence).collect();
    sequences.sort_unstable();
    assert_eq!(
        sequences,
        (1..=(rows + kills) as u64).collect::<Vec<_>>(),
        "no gaps, no doubles"
    );
    let m = manifest(&env.p("out"));
    assert_eq!(m.len(), rows);
    let lines: std::collections::HashSet<u64> =
        m.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines.len(), rows, "each row issued once");
}

/// Runs `elicense` with umask 000, so only the program decides the modes of what it creates.
#[cfg(unix)]
fn run_umask0(env: &Env, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .current_dir(&env.dir)
        .env_remove("ELICENSE_PASSPHRASE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn registry_and_issued_files_are_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new("wf", "modes");
    env.ok(&[
        "init",
        "root",
        "--dir",
        "root",
        "--name",
        "测试根CA",
        "--org-code",
        "11350000MB0000001W",
        "--plain-for-tests",
    ]);
    let out = run_umask0(
        &env,
        &[
            "init",
            "department",
            "--dir",
            "dept",
            "--name",
            "福州市市场监督管理局",
            "--org-code",
            "11350100MB0312345H",
            "--root",
            "root/root.cert.pem",
            "--plain-for-tests",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.ok(&[
        "cert",
        "issue",
        "--root-dir",
        "root",
        "--csr",
        "dept/request.csr.pem",
        "--types",
        "YYZZ",
        "--out",
        "dept/certificate.pem",
    ]);
    std::fs::write(env.p("b.csv"), csv(3, 0)).unwrap();
    let out = run_umask0(
        &env,
        &[
            "issue", "--dir", "dept", "--type", "YYZZ", "--batch", "b.csv", "--out", "issued",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |rel: &str| std::fs::metadata(env.p(rel)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("dept"), 0o700, "dept");
    assert_eq!(mode("issued"), 0o700, "issued");
    for name in [
        "registry.sqlite",
        "registry.sqlite-wal",
        "registry.sqlite-shm",
        "key.pem",
    ] {
        let rel = format!("dept/{name}");
        if env.p(&rel).exists() {
            assert_eq!(mode(&rel), 0o600, "{rel}");
        }
    }
    let mut n = 0;
    for entry in std::fs::read_dir(env.p("issued")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert_eq!(mode(&format!("issued/{name}")), 0o600, "issued/{name}");
        n += 1;
    }
    assert_eq!(
        n,
        3 * 3 + 2,
        "three formats per license, the manifest and the errors"
    );
}

/// A failed write after signing (here: the output is a folder) must not give the next list
/// the same sequence number: a crash between writing and saving would publish two different
/// lists under one number.
#[test]
fn trust_and_status_sequences_are_saved_before_writing() {
    let env = Env::new("wf", "sequences");
    env.setup(); // trust list 1
    std::fs::create_dir_all(env.p("a-folder")).unwrap();
    let trust = |out: &str| {
        env.run(&[
            "trust",
            "build",
            "--root-dir",
            "root",
            "--cert",
            "dept/certificate.pem",
            "--out",
            out,
            "--passphrase-file",
            "pass.txt",
        ])
    };
    assert_eq!(trust("a-folder").status.code(), Some(2));
    assert!(trust("list2.cose").status.success());
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["trust", "show", "list2.cose", "--json"])).unwrap();
    assert_eq!(
        show["sequence"], 3,
        "the failed build used 2, the next must not reuse it"
    );

    let status = |out: &str| {
        env.run(&[
            "status",
            "build",
            "--dir",
            "dept",
            "--out",
            out,
            "--passphrase-file",
            "pass.txt",
            "--json",
        ])
    };
    assert_eq!(status("a-folder").status.code(), Some(2));
    let out = status("status.cose");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["sequence"], 2,
        "the failed build used 1, the next must not reuse it"
    );
}

/// A registry created by the previous version (no reservation state) still opens, and its
/// counters go on.
#[test]
fn a_registry_from_the_previous_version_still_opens() {
    let env = Env::new("wf", "migrate");
    env.setup();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(env.p(&format!("dept/registry.sqlite{suffix}")));
    }
    {
        let conn = rusqlite::Connection::open(env.p("dept/registry.sqlite")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE licenses (
                id TEXT PRIMARY KEY, type_code TEXT NOT NULL, sequence INTEGER NOT NULL,
                status_index INTEGER NOT NULL UNIQUE, holder_id TEXT NOT NULL,
                holder_name TEXT NOT NULL, issued_on TEXT NOT NULL, source TEXT,
                source_row INTEGER, text TEXT NOT NULL, revoked_at TEXT,
                UNIQUE (type_code, sequence), UNIQUE (source, source_row));
             CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
             INSERT INTO counters VALUES ('sequence:YYZZ', 5), ('status_index', 5);",
        )
        .unwrap();
    }
    std::fs::write(env.p("b.csv"), csv(2, 0)).unwrap();
    env.ok(&issue_args("b.csv", "out"));
    let rows = check_registry_against(&env, &["out"]);
    let mut numbers: Vec<(u64, u64)> = rows
        .values()
        .map(|r| (r.sequence, r.status_index))
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, vec![(6, 5), (7, 6)]);
}

//! Format version 2 through the real binary: `issue --format 2` (the holder's copy of a driving
//! permit, a plain business license), `present` (a presentation that hides personal items, its
//! refusals, `--list`, `--qr`), `verify` (hidden rows printed as 未出示 / not shown, the ID
//! number masked unless `--reveal-id`), the issuance log of version-2 licenses, and version 1
//! unchanged.

mod common;
use common::Env;

const ID: &str = "350203198506151233";
const MASKED: &str = "3502**********1233";

impl Env {
    /// Root + department certified for JSZ and YYZZ, trust list published.
    fn setup(&self) {
        self.root_and_department("厦门市公安局交通警察支队", "11350200MB0398765Q", "JSZ,YYZZ");
    }

    /// Issue one license of `type_code` from `pairs` into `out` with `extra` flags; the path of
    /// its text file.
    fn issue_one(&self, type_code: &str, pairs: &[&str], out: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "issue",
            "--dir",
            "dept",
            "--type",
            type_code,
            "--out",
            out,
            "--passphrase-file",
            "pass.txt",
        ];
        for p in pairs {
            args.extend(["--set", p]);
        }
        args.extend(extra);
        self.ok(&args);
        let txt: Vec<String> = std::fs::read_dir(self.p(out))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".txt"))
            .collect();
        assert_eq!(txt.len(), 1, "{txt:?}");
        format!("{out}/{}", txt[0])
    }

    fn permit(&self, out: &str, extra: &[&str]) -> String {
        self.permit_of("李四", out, extra)
    }

    /// A driving permit of `name` (a record of its own: the same record issued again the same
    /// day is the license already issued).
    fn permit_of(&self, name: &str, out: &str, extra: &[&str]) -> String {
        let name = format!("holder_name={name}");
        self.issue_one(
            "JSZ",
            &[
                &name,
                "holder_id=350203198506151233",
                "sex=男",
                "nationality=中国",
                "birth_date=1985-06-15",
                "first_issued_on=2010-08-01",
                "vehicle_class=C1",
            ],
            out,
            extra,
        )
    }

    fn text(&self, file: &str) -> String {
        std::fs::read_to_string(self.p(file))
            .unwrap()
            .trim()
            .to_owned()
    }

    /// `verify` of `what` (a text, or `--file PATH`) with the trust list, and `extra` flags:
    /// exit code and standard output.
    fn verify(&self, what: &[&str], extra: &[&str]) -> (Option<i32>, String) {
        let mut args = vec![
            "verify",
            "--root",
            "root/root.cert.pem",
            "--trust",
            "list.cose",
        ];
        args.extend(what);
        args.extend(extra);
        let out = self.run(&args);
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

#[test]
fn a_permit_issued_in_version_2_is_presented_with_the_name_only() {
    let env = Env::new("v2", "present");
    env.setup();
    let copy = env.permit("issued", &["--format", "2", "--formats", "txt,png"]);
    let text = env.text(&copy);
    assert!(text.starts_with("EL2"), "{text}");
    // The QR code of the holder's copy is written, and reads back.
    let png = copy.replace(".txt", ".png");
    let (code, out) = env.verify(&["--file", &png], &[]);
    assert_eq!(code, Some(0), "{out}");

    // The holder's copy: every item, the ID number masked unless asked for.
    let (code, out) = env.verify(&["--file", &copy], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("✓ 有效 VALID"), "{out}");
    assert!(out.contains(MASKED), "{out}");
    assert!(!out.contains(ID), "{out}");
    assert!(!out.contains("未出示"), "{out}");
    let (code, out) = env.verify(&["--file", &copy], &["--reveal-id"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(ID), "{out}");
    assert!(!out.contains(MASKED), "{out}");

    // A presentation of the name alone.
    let shown = env.ok(&["present", "--file", &copy, "--show", "holder_name"]);
    let shown = shown.trim();
    assert!(shown.starts_with("EL2"), "{shown}");
    let (code, out) = env.verify(&[shown], &["--reveal-id"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("李四"), "{out}");
    assert!(out.contains("准驾车型 Vehicle class: C1"), "{out}");
    // (Core labels a hidden holder number by its kind when shown only: the generic label.)
    let id_row = out.lines().find(|l| l.contains("number:")).unwrap_or("");
    assert!(id_row.ends_with(": 未出示 / not shown"), "{out}");
    assert!(out.contains("性别 Sex: 未出示 / not shown"), "{out}");
    assert!(
        out.contains("出生日期 Date of birth: 未出示 / not shown"),
        "{out}"
    );
    assert!(out.contains("部分出示 Presentation"), "{out}");
    assert!(!out.contains("350203"), "{out}");
    assert!(!out.contains("1985-06-15"), "{out}");
    // JSON: core's view, the hidden rows marked.
    let (code, out) = env.verify(&[shown], &["--json"]);
    assert_eq!(code, Some(0), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fields = v["license"]["fields"].as_array().unwrap();
    let hidden: Vec<&str> = fields
        .iter()
        .filter(|f| f["not_shown"] == true)
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        hidden,
        [
            "holder_id",
            "sex",
            "nationality",
            "birth_date",
            "archive_number",
            "photo_sha256"
        ]
    );
    assert_eq!(v["license"]["partial"], true);
    assert!(!out.contains("350203"), "{out}");
    // Showing the ID unit gives the whole license back, masked on screen.
    let all = env.ok(&[
        "present",
        "--file",
        &copy,
        "--show",
        "holder_name,holder_id",
    ]);
    let (code, out) = env.verify(&[all.trim()], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(MASKED) && !out.contains("未出示"), "{out}");
    // The presentation's QR code, read back from the PNG.
    env.ok(&[
        "present",
        "--file",
        &copy,
        "--show",
        "holder_name",
        "--qr",
        "shown.png",
    ]);
    let (code, out) = env.verify(&["--file", "shown.png"], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("未出示 / not shown"), "{out}");
    // A presentation is not a holder's copy: no presentation is made from it.
    std::fs::write(env.p("shown.txt"), shown).unwrap();
    let err = env.refused(&["present", "--file", "shown.txt", "--show", "holder_name"]);
    assert!(err.contains("holder's copy"), "{err}");
}

#[test]
fn presentations_below_the_minimum_or_of_unknown_items_are_refused() {
    let env = Env::new("v2", "refused");
    env.setup();
    let copy = env.permit("issued", &["--format", "2", "--formats", "txt"]);
    let err = env.refused(&["present", "--file", &copy, "--show", "holder_id"]);
    assert!(err.contains("holder_name"), "{err}");
    assert!(err.contains("must show"), "{err}");
    let err = env.refused(&[
        "present",
        "--file",
        &copy,
        "--show",
        "holder_name,shoe_size",
    ]);
    assert!(err.contains("\"shoe_size\" is not an item"), "{err}");
    // --show (or --list) is required.
    let out = env.run(&["present", "--file", &copy]);
    assert_eq!(out.status.code(), Some(2));
    // --list: the units, which is required, labelled.
    let list = env.ok(&["present", "--file", &copy, "--list"]);
    assert!(
        list.contains("1. holder_name (持证主体 Holder) — 必须出示 required"),
        "{list}"
    );
    assert!(
        list.contains("2. holder_id (公民身份号码 Resident identity number), sex (性别 Sex)"),
        "{list}"
    );
    assert!(!list.contains("vehicle_class"), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["present", "--json", "--file", &copy, "--list"])).unwrap();
    assert_eq!(json["type_code"], "JSZ");
    assert_eq!(json["units"][0]["required"], true);
    assert_eq!(json["units"][1]["required"], false);
    assert_eq!(json["units"][1]["items"][0]["key"], "holder_id");
}

#[test]
fn a_business_license_in_version_2_verifies_and_has_nothing_to_hide() {
    let env = Env::new("v2", "yyzz");
    env.setup();
    let pairs = [
        "holder_name=福州示例科技有限公司",
        "holder_id=91350100MA8T2Q3X18",
        "company_type=有限责任公司",
        "legal_representative=张三",
        "registered_capital=壹佰万元整",
        "established_on=2019-05-20",
        "address=福建省福州市鼓楼区五四路158号",
        "business_scope=软件开发",
    ];
    let v2 = env.issue_one("YYZZ", &pairs, "v2", &["--format", "2", "--formats", "txt"]);
    let v1 = env.issue_one("YYZZ", &pairs, "v1", &["--formats", "txt"]);
    let (t2, t1) = (env.text(&v2), env.text(&v1));
    assert!(t2.starts_with("EL2"), "{t2}");
    // The same record in version 1 the same day is a license of its own, not the one above.
    assert!(t1.starts_with("EL1"), "{t1}");
    assert!(t2.len() < t1.len(), "{} vs {}", t2.len(), t1.len());
    let (code, out) = env.verify(&["--file", &v2], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("福州示例科技有限公司"), "{out}");
    assert!(
        out.contains("91350100MA8T2Q3X18"),
        "an organisation code is not masked: {out}"
    );
    assert!(!out.contains("未出示"), "{out}");
    let err = env.refused(&["present", "--file", &v2, "--show", "holder_name"]);
    assert!(
        err.contains("YYZZ has no items a presentation can hide"),
        "{err}"
    );
    // Commands that read version 1 only say so.
    for cmd in [
        vec!["inspect", "--file", &v2],
        vec!["card", "--file", &v2, "--out", "card.html"],
    ] {
        let err = env.refused(&cmd);
        assert!(err.contains("does not read version-2 licenses"), "{err}");
    }
    // A version-1 license is no holder's copy either.
    let err = env.refused(&["present", "--file", &v1, "--show", "holder_name"]);
    assert!(err.contains("not a version-2 license"), "{err}");
}

#[test]
fn version_1_stays_the_default_and_verifies_as_before() {
    let env = Env::new("v2", "v1");
    env.setup();
    let copy = env.permit("issued", &["--formats", "txt"]);
    let text = env.text(&copy);
    assert!(text.starts_with("EL1"), "{text}");
    let (code, out) = env.verify(&[&text], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("李四") && out.contains(MASKED), "{out}");
    assert!(
        !out.contains("未出示") && !out.contains("部分出示"),
        "{out}"
    );
    let (_, out) = env.verify(&[&text], &["--reveal-id"]);
    assert!(out.contains(ID), "{out}");
    // JSON carries the value and the masked form, as core serializes them.
    let (_, out) = env.verify(&[&text], &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = v["license"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "holder_id")
        .unwrap()
        .clone();
    assert_eq!(id["value"], ID);
    assert_eq!(id["masked"], MASKED);
    // --format takes 1 or 2 only.
    let out = env.run(&[
        "issue", "--dir", "dept", "--type", "JSZ", "--out", "x", "--format", "3",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_version_2_license_is_logged_and_its_presentation_proved() {
    let env = Env::new("v2", "log");
    env.setup();
    let copy = env.permit("issued", &["--format", "2", "--formats", "txt"]);
    let id = std::path::Path::new(&copy)
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    // The registry and the log agree (the entry digests the COSE_Sign1 the issuer signed).
    env.ok(&["log", "audit", "--dir", "dept"]);
    env.ok(&[
        "log",
        "publish",
        "--dir",
        "dept",
        "--out",
        "public",
        "--passphrase-file",
        "pass.txt",
    ]);
    env.ok(&[
        "log",
        "prove",
        "--dir",
        "dept",
        "--id",
        &id,
        "--out",
        "p.tlog-proof",
    ]);
    let shown = env.ok(&["present", "--file", &copy, "--show", "holder_name"]);
    std::fs::write(env.p("shown.txt"), shown.trim()).unwrap();
    for license in [copy.as_str(), "shown.txt"] {
        let (code, out) = env.verify(&["--file", license], &["--proof", "p.tlog-proof"]);
        assert_eq!(code, Some(0), "{license}: {out}");
        assert!(out.contains("已登记在监察日志 Logged"), "{out}");
    }
    // Another license's proof does not fit.
    let other = env.permit_of("王五", "other", &["--format", "2", "--formats", "txt"]);
    let (code, out) = env.verify(&["--file", &other], &["--proof", "p.tlog-proof"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("another document"), "{out}");
}

#[test]
fn a_batch_is_issued_in_version_2_and_a_template_file_is_refused() {
    let env = Env::new("v2", "batch");
    env.setup();
    let mut jsonl = String::new();
    for (i, name) in ["张三", "王五"].iter().enumerate() {
        jsonl.push_str(&format!(
            r#"{{"holder_name":"{name}","holder_id":"350203198506151233","sex":"男","nationality":"中国","birth_date":"1985-06-15","first_issued_on":"2010-08-0{}","vehicle_class":"C1"}}"#,
            i + 1
        ));
        jsonl.push('\n');
    }
    std::fs::write(env.p("permits.jsonl"), &jsonl).unwrap();
    let batch = [
        "issue",
        "--dir",
        "dept",
        "--type",
        "JSZ",
        "--batch",
        "permits.jsonl",
        "--out",
        "issued",
        "--formats",
        "txt",
        "--format",
        "2",
        "--passphrase-file",
        "pass.txt",
    ];
    env.ok(&batch);
    let manifest = std::fs::read_to_string(env.p("issued/manifest.jsonl")).unwrap();
    assert_eq!(manifest.lines().count(), 2, "{manifest}");
    for line in manifest.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = format!("issued/{}.txt", entry["id"].as_str().unwrap());
        assert!(env.text(&file).starts_with("EL2"), "{file}");
        let shown = env.ok(&["present", "--file", &file, "--show", "holder_name"]);
        let (code, out) = env.verify(&[shown.trim()], &[]);
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("未出示 / not shown"), "{out}");
    }
    // Run again: nothing new (the same source in version 2).
    let out = env.ok(&batch);
    assert!(out.contains("issued 0 licenses"), "{out}");
    env.ok(&["log", "audit", "--dir", "dept"]);
    // Version 2 reads fields by the built-in template's positions: no template file.
    std::fs::write(
        env.p("jsz.json"),
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/templates/JSZ.json"),
        )
        .unwrap()
        .replace("\"Sex\"", "\"Gender\""),
    )
    .unwrap();
    let mut with_file = batch.to_vec();
    with_file.splice(3..5, ["--template", "jsz.json"]);
    let err = env.refused(&with_file);
    assert!(
        err.contains("--format 2 needs a license type built into"),
        "{err}"
    );
}

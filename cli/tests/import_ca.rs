//! Issue 17, item 4: an existing CA's root and department certificates and keys, made with the
//! OpenSSL commands of docs/CLI.md ("Importing an existing CA"), are imported by `elicense
//! init`, and the imported department issues a license that verifies under the imported root.
//! Encrypted (PBES2, `-aes-256-cbc`) and plain keys; a wrong passphrase and certificates outside
//! the profile are refused before anything is created.

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::{Env, PASS};

const CA_PASS: &str = "existing-CA passphrase 42";
const ROOT_ORG: &str = "11350000MB0000001W";
const DEPT_ORG: &str = "11350100MB0312345H";
const XIAMEN_ORG: &str = "11350200MB0398765Q";

/// An `Env` with the existing CA's passphrase (`ca-pass.txt`) and a wrong one beside ours.
fn env(name: &str) -> Env {
    let env = Env::new("imp", name);
    std::fs::write(env.p("ca-pass.txt"), format!("{CA_PASS}\n")).unwrap();
    std::fs::write(env.p("wrong-pass.txt"), "not the passphrase\n").unwrap();
    env
}

impl Env {
    /// docs/CLI.md, "Importing an existing CA": the root's key (encrypted with CA_PASS) and
    /// self-signed certificate.
    fn openssl_root(&self, key: &str, cert: &str, name: &str) {
        self.openssl(&[
            "genpkey",
            "-algorithm",
            "ed25519",
            "-aes-256-cbc",
            "-pass",
            "file:ca-pass.txt",
            "-out",
            key,
        ]);
        self.openssl(&[
            "req",
            "-x509",
            "-new",
            "-utf8",
            "-key",
            key,
            "-passin",
            "file:ca-pass.txt",
            "-days",
            "7300",
            "-out",
            cert,
            "-subj",
            &format!("/C=CN/O={name}/organizationIdentifier=NTRCN-{ROOT_ORG}/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE,pathlen:0",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        ]);
    }

    /// docs/CLI.md: a department's key (plain, or encrypted with `pass_file`), request, and
    /// certificate from the root (`root_key`, `root_cert`) for the license types whose DER is
    /// `types_der`.
    #[allow(clippy::too_many_arguments)]
    fn openssl_department(
        &self,
        stem: &str,
        name: &str,
        org: &str,
        pass_file: Option<&str>,
        types_der: &str,
        root_key: &str,
        root_cert: &str,
    ) {
        let key = format!("{stem}.key");
        let pass = pass_file.map(|f| format!("file:{f}"));
        let mut genpkey = vec!["genpkey", "-algorithm", "ed25519", "-out", &key];
        if let Some(pass) = &pass {
            genpkey.extend(["-aes-256-cbc", "-pass", pass]);
        }
        self.openssl(&genpkey);
        let csr = format!("{stem}.csr");
        let mut req = vec![
            "req".to_owned(),
            "-new".into(),
            "-utf8".into(),
            "-key".into(),
            key.clone(),
            "-out".into(),
            csr.clone(),
            "-subj".into(),
            format!("/C=CN/O={name}/organizationIdentifier=NTRCN-{org}/CN={name}"),
        ];
        if let Some(pass) = &pass {
            req.extend(["-passin".into(), pass.clone()]);
        }
        self.openssl(&req.iter().map(String::as_str).collect::<Vec<_>>());
        std::fs::write(
            self.p(&format!("{stem}.ext")),
            format!(
                "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n2.999.3625.1=DER:{types_der}\n"
            ),
        )
        .unwrap();
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            root_cert,
            "-CAkey",
            root_key,
            "-passin",
            "file:ca-pass.txt",
            "-set_serial",
            "7",
            "-days",
            "1826",
            "-extfile",
            &format!("{stem}.ext"),
            "-out",
            &format!("{stem}.pem"),
        ]);
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `SEQUENCE { UTF8String "YYZZ" }` and `SEQUENCE { UTF8String "JSZ" }`.
const YYZZ_DER: &str = "30060C0459595A5A";
const JSZ_DER: &str = "30050C034A535A";

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn an_openssl_made_ca_is_imported_and_issues_licenses_that_verify() {
    let env = env("ca");
    env.openssl_root("root.key", "root.pem", "福建省电子证照根CA");
    env.openssl_department(
        "dept",
        "福州市市场监督管理局",
        DEPT_ORG,
        None,
        YYZZ_DER,
        "root.key",
        "root.pem",
    );
    env.openssl_department(
        "xiamen",
        "厦门市公安局交通警察支队",
        XIAMEN_ORG,
        Some("ca-pass.txt"),
        JSZ_DER,
        "root.key",
        "root.pem",
    );

    // The encrypted root key: a wrong passphrase, or none, is refused and creates nothing.
    let import_root = |dir: &str, key_pass: Option<&str>| {
        let mut args = vec![
            "init",
            "root",
            "--dir",
            dir,
            "--cert",
            "root.pem",
            "--key",
            "root.key",
            "--passphrase-file",
            "pass.txt",
        ];
        if let Some(p) = key_pass {
            args.extend(["--key-passphrase-file", p]);
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let stderr = env.refused(&strs(&import_root("wrong", Some("wrong-pass.txt"))));
    assert!(stderr.contains("wrong passphrase"), "{stderr}");
    let stderr = env.refused(&strs(&import_root("none", None)));
    assert!(stderr.contains("passphrase is needed"), "{stderr}");
    assert!(!env.p("wrong").exists() && !env.p("none").exists());

    let out = env.ok(&strs(&import_root("root", Some("ca-pass.txt"))));
    assert!(out.contains("福建省电子证照根CA"), "{out}");
    // The certificate is kept byte for byte; the key is stored under our own encryption.
    let der = |rel: &str| {
        elicense::Certificate::parse(&std::fs::read(env.p(rel)).unwrap())
            .unwrap()
            .der()
            .to_vec()
    };
    assert_eq!(der("root/root.cert.pem"), der("root.pem"));
    let stored = std::fs::read_to_string(env.p("root/key.pem")).unwrap();
    assert!(stored.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    elicense::keys::signing_key_from_pem(&stored, elicense::KeyProtection::Passphrase(PASS))
        .unwrap();

    // A plain department key, and an encrypted one.
    env.ok(&[
        "init",
        "department",
        "--dir",
        "dept",
        "--cert",
        "dept.pem",
        "--key",
        "dept.key",
        "--root",
        "root.pem",
        "--passphrase-file",
        "pass.txt",
    ]);
    env.ok(&[
        "init",
        "department",
        "--dir",
        "xiamen",
        "--cert",
        "xiamen.pem",
        "--key",
        "xiamen.key",
        "--key-passphrase-file",
        "ca-pass.txt",
        "--root",
        "root.pem",
        "--passphrase-file",
        "pass.txt",
    ]);

    // The imported root signs the trust list; the imported departments issue.
    env.ok(&[
        "trust",
        "build",
        "--root-dir",
        "root",
        "--cert",
        "dept/certificate.pem",
        "--cert",
        "xiamen/certificate.pem",
        "--out",
        "list.cose",
        "--passphrase-file",
        "pass.txt",
    ]);
    std::fs::write(
        env.p("business.csv"),
        "holder_name,holder_id,company_type,legal_representative,registered_capital,established_on,address,business_scope\n\
         测试公司,91350100MA8T2Q3X18,有限责任公司,张三,壹佰万元整,2019-05-20,福州市,软件开发\n",
    )
    .unwrap();
    std::fs::write(
        env.p("permits.jsonl"),
        r#"{"holder_name":"李四","holder_id":"350203198506151233","sex":"男","nationality":"中国","birth_date":"1985-06-15","first_issued_on":"2010-08-01","vehicle_class":"C1"}
"#,
    )
    .unwrap();
    for (dir, ty, batch) in [
        ("dept", "YYZZ", "business.csv"),
        ("xiamen", "JSZ", "permits.jsonl"),
    ] {
        let out_dir = format!("{dir}-issued");
        env.ok(&[
            "issue",
            "--dir",
            dir,
            "--type",
            ty,
            "--batch",
            batch,
            "--out",
            &out_dir,
            "--formats",
            "txt",
            "--passphrase-file",
            "pass.txt",
        ]);
        let manifest =
            std::fs::read_to_string(env.p(&format!("{out_dir}/manifest.jsonl"))).unwrap();
        let entry: serde_json::Value =
            serde_json::from_str(manifest.lines().next().unwrap()).unwrap();
        let file = format!("{out_dir}/{}.txt", entry["id"].as_str().unwrap());
        let out = env.run(&[
            "verify",
            "--json",
            "--root",
            "root.pem",
            "--trust",
            "list.cose",
            "--file",
            &file,
        ]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{dir}: {v}");
        assert_eq!(v["valid"], true, "{v}");
    }
}

#[test]
fn certificates_outside_the_profile_or_for_another_key_are_not_imported() {
    let env = env("refused");
    env.openssl_root("root.key", "root.pem", "福建省电子证照根CA");
    env.openssl_root("other.key", "other.pem", "福建省电子证照根CA");
    env.openssl_department(
        "dept",
        "福州市市场监督管理局",
        DEPT_ORG,
        None,
        YYZZ_DER,
        "root.key",
        "root.pem",
    );
    let init_root = |cert: &str, key: &str, pass: Option<&str>| {
        let mut args = vec![
            "init",
            "root",
            "--dir",
            "root-dir",
            "--cert",
            cert,
            "--key",
            key,
            "--plain-for-tests",
        ];
        if let Some(p) = pass {
            args.extend(["--key-passphrase-file", p]);
        }
        env.refused(&args)
    };
    // A department certificate is not a root; a root certificate with another root's key.
    let stderr = init_root("dept.pem", "dept.key", None);
    assert!(stderr.contains("root"), "{stderr}");
    let stderr = init_root("root.pem", "other.key", Some("ca-pass.txt"));
    assert!(stderr.contains("another key"), "{stderr}");
    assert!(!env.p("root-dir").exists());

    let init_dept = |cert: &str, root: &str| {
        env.refused(&[
            "init",
            "department",
            "--dir",
            "dept-dir",
            "--cert",
            cert,
            "--key",
            "dept.key",
            "--root",
            root,
            "--plain-for-tests",
        ])
    };
    // Issued by another root with the same name; a root certificate as a department's.
    let stderr = init_dept("dept.pem", "other.pem");
    assert!(stderr.contains("signature"), "{stderr}");
    let stderr = init_dept("root.pem", "root.pem");
    assert!(stderr.contains("CA"), "{stderr}");
    assert!(!env.p("dept-dir").exists());
    // --cert without --root.
    let stderr = env.refused(&[
        "init",
        "department",
        "--dir",
        "dept-dir",
        "--cert",
        "dept.pem",
        "--key",
        "dept.key",
        "--plain-for-tests",
    ]);
    assert!(stderr.contains("--root"), "{stderr}");
}

/// The OpenSSL commands exactly as docs/CLI.md ("Importing an existing CA") prints them, run by
/// `sh`, make a root and a department that `init` imports and that issue a valid license.
#[test]
fn the_documented_openssl_commands_make_an_importable_ca() {
    let env = env("doc");
    let doc =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/CLI.md"))
            .unwrap();
    let start = doc
        .find("    # Root: an Ed25519 key")
        .expect("docs/CLI.md shows the OpenSSL commands");
    let script: String = doc[start..]
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with("    "))
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    assert!(script.contains("openssl x509 -req"), "{script}");
    let out = Command::new("sh")
        .args(["-e", "-c", &script])
        .current_dir(&env.dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.ok(&[
        "init",
        "root",
        "--dir",
        "root",
        "--cert",
        "root.pem",
        "--key",
        "root.key",
        "--key-passphrase-file",
        "ca-pass.txt",
        "--passphrase-file",
        "pass.txt",
    ]);
    env.ok(&[
        "init",
        "department",
        "--dir",
        "dept",
        "--cert",
        "dept.pem",
        "--key",
        "dept.key",
        "--root",
        "root.pem",
        "--passphrase-file",
        "pass.txt",
    ]);
    env.trust_build("root", "dept/certificate.pem", "list.cose");
    env.ok(&[
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--set",
        "holder_name=测试公司",
        "--set",
        "holder_id=91350100MA8T2Q3X18",
        "--set",
        "company_type=有限责任公司",
        "--set",
        "legal_representative=张三",
        "--set",
        "registered_capital=壹万元整",
        "--set",
        "established_on=2020-02-02",
        "--set",
        "address=福州市",
        "--set",
        "business_scope=咨询",
        "--out",
        "issued",
        "--formats",
        "txt",
        "--passphrase-file",
        "pass.txt",
    ]);
    let file = std::fs::read_dir(env.p("issued"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .unwrap();
    let out = env.run(&[
        "verify",
        "--root",
        "root.pem",
        "--trust",
        "list.cose",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

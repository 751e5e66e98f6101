//! Issue 17, item 3: `elicense issue` (and `attest`) run the certificate checks verifiers run,
//! through core, against the root certificate kept in the department directory, before anything
//! is reserved, signed or written. Certificates that every verifier refuses are made here the
//! way a real mistake or attack would make them: with OpenSSL and the root's own key (a wrong
//! key usage, CA:TRUE), with `cert issue` from a request naming another organisation, and by a
//! rogue root with the same name as the real one.

use std::path::Path;
use std::process::Output;

mod common;
use common::Env;

const ROOT_ORG: &str = "11350000MB0000001W";
const DEPT_ORG: &str = "11350100MB0312345H";
const DEPT_NAME: &str = "福州市市场监督管理局";
/// Another department's organisation code (厦门).
const FOREIGN_ORG: &str = "11350200MB0398765Q";

impl Env {
    /// A root `dir` named 测试根CA and a department certified by it for YYZZ, with plain keys
    /// (so that OpenSSL can use the root's key below).
    fn setup(&self) {
        self.init_plain_root("root");
        self.ok(&[
            "init",
            "department",
            "--dir",
            "dept",
            "--name",
            DEPT_NAME,
            "--org-code",
            DEPT_ORG,
            "--root",
            "root/root.cert.pem",
            "--plain-for-tests",
        ]);
        self.certify("root", "dept/request.csr.pem", "good.pem");
        self.ok(&["cert", "install", "--dir", "dept", "--cert", "good.pem"]);
    }

    fn init_plain_root(&self, dir: &str) {
        self.ok(&[
            "init",
            "root",
            "--dir",
            dir,
            "--name",
            "测试根CA",
            "--org-code",
            ROOT_ORG,
            "--plain-for-tests",
        ]);
    }

    fn certify(&self, root_dir: &str, csr: &str, out: &str) {
        self.ok(&[
            "cert",
            "issue",
            "--root-dir",
            root_dir,
            "--csr",
            csr,
            "--types",
            "YYZZ",
            "--out",
            out,
        ]);
    }

    /// `elicense issue` of one business license into `out`.
    fn issue(&self, out: &str) -> Output {
        self.run(&[
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
            out,
        ])
    }

    /// Rows in the department's registry, reserved or issued.
    fn registry_rows(&self) -> i64 {
        let conn = rusqlite::Connection::open_with_flags(
            self.p("dept/registry.sqlite"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        conn.query_row("SELECT COUNT(*) FROM licenses", [], |r| r.get(0))
            .unwrap()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `issue` of the license is refused with exit code 2 and a message containing `says`; nothing
/// is reserved in the registry and no output folder is created. `attest` is refused too, and
/// writes nothing.
fn issue_refused(env: &Env, case: &str, says: &str) {
    let before = env.registry_rows();
    let out = env.issue(&format!("out-{case}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{case}: {stderr}");
    assert!(stderr.contains(says), "{case}: {stderr}");
    assert!(stderr.contains("nothing was signed"), "{case}: {stderr}");
    assert_eq!(env.registry_rows(), before, "{case}: a number was reserved");
    assert!(
        !env.p(&format!("out-{case}")).exists(),
        "{case}: the output folder was created"
    );
    std::fs::write(env.p("scan.pdf"), b"%PDF-1.4 scan").unwrap();
    let stderr = env.refused(&[
        "attest",
        "--dir",
        "dept",
        "--file",
        "scan.pdf",
        "--officer-id",
        "FZ-0042",
    ]);
    assert!(stderr.contains(says), "{case} (attest): {stderr}");
    assert!(!env.p("scan.pdf.elatt").exists(), "{case}: attested");
    assert!(!env.p("scan.pdf.stamp.txt").exists(), "{case}: stamped");
}

#[test]
fn a_certificate_every_verifier_refuses_signs_nothing() {
    let env = Env::new("iss", "refuse");
    env.setup();
    // The good certificate issues, and what it issues verifies: the refusals below are the
    // certificates', not the set-up's.
    let out = env.issue("out-good");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.registry_rows(), 1);
    let good = std::fs::read(env.p("dept/certificate.pem")).unwrap();

    // With the root's own key and OpenSSL: the department's request certified with a key
    // usage that does not allow signing, and as a CA.
    std::fs::create_dir_all(env.p("bad")).unwrap();
    // The license types extension: SEQUENCE { UTF8String "YYZZ" }.
    let types_ext = "2.999.3625.1=DER:30060C0459595A5A";
    for (case, ext) in [
        (
            "key-usage",
            format!("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign\n{types_ext}\n"),
        ),
        (
            "ca",
            format!("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign\n{types_ext}\n"),
        ),
    ] {
        std::fs::write(env.p(&format!("bad/{case}.ext")), ext).unwrap();
        env.openssl(&[
            "x509",
            "-req",
            "-in",
            "dept/request.csr.pem",
            "-CA",
            "root/root.cert.pem",
            "-CAkey",
            "root/key.pem",
            "-set_serial",
            "77",
            "-days",
            "365",
            "-extfile",
            &format!("bad/{case}.ext"),
            "-out",
            &format!("bad/{case}.pem"),
        ]);
    }
    // A request with the department's key but another department's organisation code,
    // certified by the genuine root.
    env.openssl(&[
        "req",
        "-new",
        "-utf8",
        "-key",
        "dept/key.pem",
        "-out",
        "bad/foreign.csr",
        "-subj",
        &format!("/C=CN/O={DEPT_NAME}/organizationIdentifier=NTRCN-{FOREIGN_ORG}/CN={DEPT_NAME}"),
    ]);
    env.certify("root", "bad/foreign.csr", "bad/foreign.pem");
    // A rogue root with the genuine root's name and organisation code certifies the genuine
    // request: the certificate names the right issuer, and only the root's key tells.
    env.init_plain_root("rogue");
    env.certify("rogue", "dept/request.csr.pem", "bad/rogue.pem");

    for (case, says) in [
        ("key-usage", "digitalSignature"),
        ("ca", "CA"),
        ("foreign", FOREIGN_ORG),
        ("rogue", "signature"),
    ] {
        let file = format!("bad/{case}.pem");
        // `cert install` checks the same and refuses to install it.
        let stderr = env.refused(&["cert", "install", "--dir", "dept", "--cert", &file]);
        assert!(stderr.contains(says), "{case} (install): {stderr}");
        assert_eq!(
            std::fs::read(env.p("dept/certificate.pem")).unwrap(),
            good,
            "{case}: installed"
        );
        // Put in place by hand (or by a root writing into the folder), `issue` refuses it.
        std::fs::copy(env.p(&file), env.p("dept/certificate.pem")).unwrap();
        issue_refused(&env, case, says);
        std::fs::write(env.p("dept/certificate.pem"), &good).unwrap();
    }
    // And with the genuine certificate back, the same command works again (the license is the
    // one already issued, written into the new folder: one record, one number).
    assert!(env.issue("out-good-again").status.success());
    assert_eq!(env.registry_rows(), 1);
    assert_eq!(
        std::fs::read_dir(env.p("out-good-again")).unwrap().count(),
        3,
        "txt, png, svg"
    );
}

/// A department directory made before the root certificate was kept (or without `--root`) is
/// refused with the command that fixes it; `cert install` with the root makes it issue. Without
/// a certificate nothing is signed either.
#[test]
fn a_department_without_its_root_or_certificate_is_told_how_to_add_them() {
    let env = Env::new("iss", "no-root");
    env.init_plain_root("root");
    env.ok(&[
        "init",
        "department",
        "--dir",
        "dept",
        "--name",
        DEPT_NAME,
        "--org-code",
        DEPT_ORG,
        "--plain-for-tests",
    ]);
    let out = env.issue("out");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no department certificate") && stderr.contains("elicense cert install"),
        "{stderr}"
    );
    // The certificate written straight into the folder, as `cert issue --out` does.
    env.certify("root", "dept/request.csr.pem", "dept/certificate.pem");
    let out = env.issue("out");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no root certificate")
            && stderr.contains(
                "elicense cert install --dir dept --cert dept/certificate.pem --root ROOT.pem"
            ),
        "{stderr}"
    );
    assert_eq!(env.registry_rows(), 0);
    assert!(!env.p("out").exists());
    // `cert install` without --root has no root to check against either.
    let stderr = env.refused(&[
        "cert",
        "install",
        "--dir",
        "dept",
        "--cert",
        "dept/certificate.pem",
    ]);
    assert!(stderr.contains("no root certificate"), "{stderr}");
    // A root certificate that is not a root (the department's own certificate) is refused.
    env.refused(&[
        "cert",
        "install",
        "--dir",
        "dept",
        "--cert",
        "dept/certificate.pem",
        "--root",
        "dept/certificate.pem",
    ]);
    assert!(!env.p("dept/root.cert.pem").exists());
    env.ok(&[
        "cert",
        "install",
        "--dir",
        "dept",
        "--cert",
        "dept/certificate.pem",
        "--root",
        "root/root.cert.pem",
    ]);
    assert_eq!(
        std::fs::read(env.p("dept/root.cert.pem")).unwrap(),
        std::fs::read(env.p("root/root.cert.pem")).unwrap()
    );
    let out = env.issue("out");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.registry_rows(), 1);
}

/// `init department --root` refuses a file that is not a root certificate, and creates nothing.
#[test]
fn init_checks_the_root_it_is_given() {
    let env = Env::new("iss", "init-root");
    env.init_plain_root("root");
    std::fs::write(env.p("junk.pem"), "not a certificate\n").unwrap();
    let stderr = env.refused(&[
        "init",
        "department",
        "--dir",
        "dept",
        "--name",
        DEPT_NAME,
        "--org-code",
        DEPT_ORG,
        "--root",
        "junk.pem",
        "--plain-for-tests",
    ]);
    assert!(stderr.starts_with("elicense: junk.pem: "), "{stderr}");
    assert!(!Path::new(&env.p("dept")).exists());
}

/// Issue 17, item 11: a single license (`--set`) whose run stopped after the registry committed
/// it but before its files were written (here the write fails: a folder stands where its text
/// file goes; a SIGKILL at that moment leaves the same state). Running the same command again
/// writes the committed license's files, identical to the registry's text, and never gives the
/// record a second number.
#[test]
fn a_single_license_committed_but_not_written_is_written_by_a_rerun() {
    let env = Env::new("iss", "single");
    env.setup();
    let org: elicense::OrgCode = DEPT_ORG.parse().unwrap();
    let id = elicense::LicenseId::new("YYZZ".parse().unwrap(), org, 1)
        .unwrap()
        .to_string();
    let blocker = env.p(&format!("out/{id}.txt"));
    std::fs::create_dir_all(&blocker).unwrap();
    let out = env.issue("out");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = |env: &Env| -> Vec<(String, String)> {
        let conn = rusqlite::Connection::open_with_flags(
            env.p("dept/registry.sqlite"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let mut stmt = conn
            .prepare("SELECT id, text FROM licenses WHERE state = 'issued' ORDER BY sequence")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let rows = committed(&env);
    assert_eq!(rows.len(), 1, "committed before the write");
    assert_eq!(rows[0].0, id);
    std::fs::remove_dir(&blocker).unwrap();

    // The same command again: the committed license is written, no number is taken.
    for _ in 0..2 {
        let out = env.issue("out");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("issued 0 licenses"), "{stdout}");
        assert!(stdout.contains("already issued"), "{stdout}");
        assert_eq!(committed(&env), rows, "a second number was issued");
        assert_eq!(
            std::fs::read_to_string(&blocker).unwrap(),
            format!("{}\n", rows[0].1),
            "the file is the registry's text"
        );
        for ext in ["png", "svg"] {
            assert!(env.p(&format!("out/{id}.{ext}")).is_file(), "{ext}");
        }
    }
    // Another record is another license.
    let out = env.run(&[
        "issue",
        "--dir",
        "dept",
        "--type",
        "YYZZ",
        "--set",
        "holder_name=另一家公司",
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
        "out",
    ]);
    assert!(out.status.success());
    assert_eq!(committed(&env).len(), 2);
}

/// A single license whose run was killed after its numbers were reserved but before its text
/// was committed (the row is `reserved`, no file): the same command again signs it with the
/// numbers reserved, and the license is the one that would have been written.
#[test]
fn a_single_license_reserved_but_not_signed_keeps_its_numbers() {
    let env = Env::new("iss", "single-reserved");
    env.setup();
    assert!(env.issue("out").status.success());
    let conn = rusqlite::Connection::open(env.p("dept/registry.sqlite")).unwrap();
    let (id, text): (String, String) = conn
        .query_row("SELECT id, text FROM licenses", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    // The state a SIGKILL between the reservation and the commit leaves: the row reserved, no
    // text, and (the log entry being appended in the commit's transaction) an empty log, this
    // being the directory's only license.
    conn.execute("UPDATE licenses SET state = 'reserved', text = ''", [])
        .unwrap();
    conn.execute_batch(
        "DELETE FROM log_entries; DELETE FROM log_hashes; DELETE FROM log_checkpoints;",
    )
    .unwrap();
    drop(conn);
    std::fs::remove_dir_all(env.p("out")).unwrap();
    let out = env.issue("out");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.registry_rows(), 1, "no second number");
    assert_eq!(
        std::fs::read_to_string(env.p(&format!("out/{id}.txt"))).unwrap(),
        format!("{text}\n"),
        "signed with the numbers reserved (Ed25519 is deterministic)"
    );
    let conn = rusqlite::Connection::open(env.p("dept/registry.sqlite")).unwrap();
    let logged: Vec<String> = conn
        .prepare("SELECT doc_id FROM log_entries")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(logged, vec![id], "logged once, when committed");
}

/// Each row's own issue date is checked against the certificate's validity: a row dated before
/// the certificate began is rejected with its line number, the others are issued.
#[test]
fn a_row_dated_outside_the_certificate_is_rejected() {
    let env = Env::new("iss", "row-date");
    env.setup();
    std::fs::write(
        env.p("rows.csv"),
        "holder_name,holder_id,company_type,legal_representative,registered_capital,established_on,address,business_scope,issued_on\n\
         早的公司,91350100MA8T2Q3X18,有限责任公司,张三,壹万元整,2019-05-20,福州市,咨询,2020-01-02\n\
         今天的公司,91350100MA8T2Q3X18,有限责任公司,李四,壹万元整,2019-05-20,福州市,咨询,\n",
    )
    .unwrap();
    let out = env.run(&[
        "issue", "--dir", "dept", "--type", "YYZZ", "--batch", "rows.csv", "--out", "out",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line 2") && stderr.contains("before the signing certificate"),
        "{stderr}"
    );
    assert_eq!(env.registry_rows(), 1);
}

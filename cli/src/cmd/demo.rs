//! `elicense demo`: the real workflow, end to end, in a throwaway directory, with plain
//! (unencrypted, demo-only) keys: a root authority, two departments, certificates, a trust list,
//! licenses from CSV and JSON Lines, a QR code, verification, tampering, revocation, and a
//! version-2 driving permit shown with only the holder's name (selective disclosure).

use std::path::Path;

use elicense::{
    verify, Compression, Encoding, ErrorCorrection, Input, OrgCode, QrMatrix, VerdictView,
};

use crate::args::{IssueArgs, KeyArgs, TrustArgs};
use crate::cmd::verify::print_verdict;
use crate::cmd::{cert, init, issue, revoke, status, trust};
use crate::error::{CliError, Invalid};
use crate::{files, input};

const BUSINESS_CSV: &str = "\
holder_name,holder_id,company_type,legal_representative,registered_capital,established_on,address,business_scope
福州示例科技有限公司,91350100MA8T2Q3X18,有限责任公司（自然人投资或控股）,张三,壹佰万元整,2019-05-20,福建省福州市鼓楼区五四路100号,软件开发；信息技术咨询服务
福州闽江茶业有限公司,91350100MA8T2Q3Y19,有限责任公司,陈六,伍拾万元整,2021-03-08,福建省福州市仓山区闽江路8号,茶叶销售
填错代码的公司（演示坏行）,91350100MA8T2Q3Y10,有限责任公司,王七,壹万元整,2022-01-01,福州市,零售
";

const PERMITS_JSONL: &str = r#"{"holder_name":"李四","holder_id":"350203198506151233","sex":"男","nationality":"中国","birth_date":"1985-06-15","first_issued_on":"2010-08-01","vehicle_class":"C1"}
"#;

fn no_key() -> KeyArgs {
    KeyArgs {
        passphrase_file: None,
    }
}

fn org(first17: &str) -> Result<String, CliError> {
    Ok(OrgCode::with_check(first17)?.to_string())
}

/// Run the demo; [`Invalid::Demo`] (exit code 1) when a step did not behave as expected.
pub fn run(no_qr: bool) -> Result<(), CliError> {
    let tmp = tempfile::tempdir()
        .map_err(|e| CliError::io("create a temporary directory in", std::env::temp_dir(), e))?;
    let d = tmp.path();
    let p = |name: &str| d.join(name);
    say!(
        "elicense demo — a throwaway authority and two departments in {}",
        d.display()
    );
    say!("(keys are stored UNENCRYPTED because this is a demo; real ones use a passphrase)\n");

    step("1. 根CA  The root authority creates its key and root certificate");
    init::root(
        &p("root"),
        "演示省电子证照根CA（演示）",
        &org("11350000MB0000001")?,
        20,
        None,
        true,
    )?;
    step("2. 部门  Two departments create keys and certification requests");
    for (dir, name, code) in [
        ("fuzhou", "福州市市场监督管理局", "11350100MB0312345"),
        ("xiamen", "厦门市公安局交通警察支队", "11350200MB0398765"),
    ] {
        let root = p("root/root.cert.pem");
        init::department(&p(dir), name, &org(code)?, Some(&root), None, true)?;
    }
    step("3. 证书  The root certifies each department for its license types");
    cert::issue(
        &p("root"),
        &p("fuzhou/request.csr.pem"),
        &["YYZZ".into()],
        1826,
        &p("fuzhou/certificate.pem"),
        None,
    )?;
    cert::issue(
        &p("root"),
        &p("xiamen/request.csr.pem"),
        &["JSZ".into()],
        1826,
        &p("xiamen/certificate.pem"),
        None,
    )?;
    step("4. 信任名单  The root publishes a signed trust list");
    let certs = [p("fuzhou/certificate.pem"), p("xiamen/certificate.pem")];
    trust::build(
        &p("root"),
        &certs,
        &[],
        &p("trust-list.cose"),
        30,
        (&[], 0),
        None,
    )?;

    step("5. 签发  The departments issue licenses from CSV and JSON Lines");
    files::write(&p("business.csv"), BUSINESS_CSV.as_bytes())?;
    files::write(&p("permits.jsonl"), PERMITS_JSONL.as_bytes())?;
    for (dir, type_code, batch) in [
        ("fuzhou", "YYZZ", "business.csv"),
        ("xiamen", "JSZ", "permits.jsonl"),
    ] {
        let args = IssueArgs {
            dir: p(dir),
            type_code: Some(type_code.into()),
            template: None,
            batch: Some(p(batch)),
            record: None,
            set: vec![],
            out: p(&format!("{dir}-issued")),
            formats: "txt,png,svg".into(),
            format_version: 1,
            jobs: None,
            today: None,
            key: no_key(),
        };
        match issue::run(&args, false) {
            // The business CSV has a mistyped row on purpose: it is reported, the others issued.
            Ok(()) | Err(CliError::Invalid(Invalid::Rows { .. })) => {}
            Err(e) => return Err(e),
        }
    }

    let trust = TrustArgs {
        roots: vec![p("root/root.cert.pem")],
        lists: vec![p("trust-list.cose")],
        status: vec![],
        trust_state: None,
        at: None,
    };
    let texts = issued_texts(&p("fuzhou-issued"))?
        .into_iter()
        .chain(issued_texts(&p("xiamen-issued"))?)
        .collect::<Vec<_>>();
    if !no_qr {
        if let Some(text) = texts.last() {
            let qr = QrMatrix::new(text, ErrorCorrection::Medium)?;
            say!(
                "\nQR code of the driving permit (version {}), as printed on the card:\n{}",
                qr.version(),
                qr.to_terminal()
            );
        }
    }

    step("6. 核验  A window clerk in another city verifies them offline");
    let now = time::OffsetDateTime::now_utc();
    let store = input::load_trust(&trust, now)?;
    let mut ok = true;
    for text in &texts {
        let view = VerdictView::new(&verify(Input::Text(text), &store, now));
        ok &= view.valid;
        print_verdict(&view, false);
        say!();
    }

    step("7. 篡改  One character of a license is changed");
    let mut altered = texts[0].clone().into_bytes();
    let mid = altered.len() / 2;
    altered[mid] = if altered[mid] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8_lossy(&altered).into_owned();
    let view = VerdictView::new(&verify(Input::Text(&altered), &store, now));
    ok &= !view.valid;
    print_verdict(&view, false);

    step(
        "8. 吊销  The department revokes the second business license and publishes its status list",
    );
    let id = elicense::inspect(Input::Text(&texts[1]))?
        .license?
        .id
        .to_string();
    revoke::run(&p("fuzhou"), &id, false)?;
    status::build(&p("fuzhou"), &p("fuzhou-status.cose"), 7, None, false)?;
    let trust = TrustArgs {
        status: vec![p("fuzhou-status.cose")],
        ..trust
    };
    let store = input::load_trust(&trust, now)?;
    let view = VerdictView::new(&verify(Input::Text(&texts[1]), &store, now));
    ok &= view.code == Some("revoked");
    print_verdict(&view, false);

    step("9. 出示  Format version 2: the driver shows only the name (and the never-hidden class)");
    let args = IssueArgs {
        dir: p("xiamen"),
        type_code: Some("JSZ".into()),
        template: None,
        batch: Some(p("permits.jsonl")),
        record: None,
        set: vec![],
        out: p("xiamen-v2"),
        formats: "txt".into(),
        format_version: 2,
        jobs: None,
        today: None,
        key: no_key(),
    };
    issue::run(&args, false)?;
    let holders_copy = issued_texts(&p("xiamen-v2"))?.pop().ok_or(Invalid::Demo)?;
    let wire = elicense::transport::decode(&holders_copy)?.signed;
    let shown = elicense::present(&wire, &["holder_name"]).map_err(CliError::Present)?;
    let text = elicense::transport::encode_v2(&shown, Encoding::Base45, Compression::Auto);
    let qr = QrMatrix::new(&text, ErrorCorrection::Medium)?;
    say!(
        "持证人的完整副本 The holder's copy: {} characters; 出示 the presentation: {} characters, QR version {}",
        holders_copy.len(),
        text.len(),
        qr.version()
    );
    let view = VerdictView::new(&verify(Input::Text(&text), &store, now));
    ok &= view.valid
        && view.license.as_ref().is_some_and(|l| {
            l.partial && l.fields.iter().any(|f| f.key == "holder_id" && f.not_shown)
        });
    print_verdict(&view, false);

    say!(
        "\n{} The demo directory is removed now; run the same commands yourself with `elicense --help`.",
        if ok { "✓ Every step behaved as expected." } else { "✗ SOMETHING WENT WRONG." }
    );
    if ok {
        Ok(())
    } else {
        Err(Invalid::Demo.into())
    }
}

fn step(title: &str) {
    say!("\n━━ {title} ━━");
}

/// The signed texts in an output directory, in file-name order.
fn issued_texts(dir: &Path) -> Result<Vec<String>, CliError> {
    let mut texts: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| CliError::io("read", dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    texts.sort();
    texts
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .map(|t| t.trim().to_owned())
                .map_err(|e| CliError::io("read", f, e))
        })
        .collect()
}

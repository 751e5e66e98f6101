//! `elicense verify`: a verdict for a license, for people or as JSON.

use std::path::Path;

use elicense::{verify, FieldView, Input, LicenseView, Verdict, VerdictView};

use crate::args::{Source, TrustArgs};
use crate::clock::verification_time;
use crate::error::{CliError, Invalid};
use crate::input;

/// Verify and print the verdict; an invalid license is [`Invalid::License`] (exit code 1). With
/// `require_status`, a stale or unknown revocation state is invalid too
/// ([`elicense::Verdict::require_status`]). With `proof`, a valid license's inclusion proof is
/// checked too (`cmd::log::check_proof`). For people, a resident identity number is printed
/// masked unless `reveal_id`; `--json` prints core's view as it is.
pub fn run(
    src: &Source,
    trust: &TrustArgs,
    require_status: bool,
    proof: Option<(&Path, &[std::path::PathBuf], usize)>,
    reveal_id: bool,
    json: bool,
) -> Result<(), CliError> {
    let at = verification_time(trust.at.as_deref())?;
    let store = input::load_trust(trust, at)?;
    if store.is_empty() {
        return Err(CliError::Usage(
            "no trusted departments: give --root and --trust (see `elicense verify --help`)".into(),
        ));
    }
    let bytes = input::read_source(src)?;
    let mut verdict = verify(Input::sniff(&bytes), &store, at);
    if require_status {
        verdict = verdict.require_status();
    }
    let view = VerdictView::new(&verdict);
    if let (Some((proof, witnesses, quorum)), Verdict::Valid(ok)) = (proof, &verdict) {
        let policy = super::log::proof_policy(&store, ok, witnesses, quorum)?;
        if !json {
            print_verdict(&view, reveal_id);
        }
        let (log, outcome) = super::log::check_proof(proof, &bytes, policy, json)?;
        if json {
            // The verdict's fields and, under "log", the proof's result.
            let mut value = serde_json::to_value(&view).map_err(CliError::Json)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("log".into(), log);
            }
            say!(
                "{}",
                serde_json::to_string_pretty(&value).map_err(CliError::Json)?
            );
        }
        return outcome;
    }
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&view).map_err(CliError::Json)?
        );
    } else {
        print_verdict(&view, reveal_id);
    }
    if view.valid {
        Ok(())
    } else {
        Err(Invalid::License.into())
    }
}

/// What a row shows people: "未出示 / not shown" for an item a presentation hid; a resident
/// identity number masked (core's `FieldView::masked`) unless `reveal_id`; else the value.
fn shown_value(f: &FieldView, reveal_id: bool) -> &str {
    if f.not_shown {
        NOT_SHOWN
    } else if reveal_id {
        &f.value
    } else {
        f.masked.as_deref().unwrap_or(&f.value)
    }
}

/// Printed for an item the holder chose not to show.
pub const NOT_SHOWN: &str = "未出示 / not shown";

/// Print a license's fields for people, a resident identity number masked unless `reveal_id`.
pub fn print_fields(view: &LicenseView, reveal_id: bool) {
    // The code always; a name no built-in template vouches for is marked as the issuer's own.
    say!(
        "  {} {} [{}]{}",
        view.type_name,
        view.type_name_en.as_deref().unwrap_or(""),
        view.type_code,
        if view.type_name_source == "issuer" {
            " (发证机关自述 as stated by the issuer)"
        } else {
            ""
        }
    );
    say!("  证照编号 License No.: {}", view.id);
    say!(
        "  发证机关 Issuer: {} ({})",
        view.issuer_name,
        view.issuer_code
    );
    if view.partial {
        say!(
            "  部分出示 Presentation: 持证人未出示部分内容 the holder chose not to show some items"
        );
    }
    for f in &view.fields {
        say!(
            "  {} {}: {}",
            f.label_zh,
            f.label_en,
            shown_value(f, reveal_id)
        );
    }
    for a in &view.attachments {
        say!(
            "  附件 Attachment: {} ({}, {} bytes, SHA-256 {})",
            a.file_name,
            a.media_type,
            a.size,
            a.sha256
        );
    }
}

/// Print a verdict for people: a big verdict line, the reason, then the fields (a resident
/// identity number masked unless `reveal_id`).
pub fn print_verdict(view: &VerdictView, reveal_id: bool) {
    if view.valid {
        say!("✓ 有效 VALID");
        say!(
            "  签发机关 Signed by {}{}",
            view.signer.as_deref().unwrap_or("?"),
            view.root
                .as_deref()
                .map(|r| format!(" — 信任链 trusted through {r}"))
                .unwrap_or_default()
        );
        match view.trust_origin {
            Some("test") => {
                say!("  信任来源 Trust: 测试根证书，仅用于演示 TEST-ONLY root, demonstration only")
            }
            Some("added_on_device") => say!("  信任来源 Trust: 本机添加 added on this device"),
            Some("bundled") => say!("  信任来源 Trust: 随程序提供 bundled"),
            Some("given") => say!("  信任来源 Trust: --root 指定的根证书 given with --root"),
            _ => {}
        }
        // Stale and unknown are the amber states: said in capitals, before the fields.
        let flag = match view.revocation {
            Some("stale") => "⚠ STALE 可能已过时 — ",
            Some("unknown") => "⚠ NOT CHECKED 未核对 — ",
            _ => "",
        };
        say!(
            "  注销状态 Revocation: {flag}{}",
            view.revocation_zh.as_deref().unwrap_or("")
        );
        say!("    {}", view.revocation_en.as_deref().unwrap_or(""));
    } else {
        say!("✗ 无效 INVALID");
        say!("  原因 Reason: {}", view.reason_zh.as_deref().unwrap_or(""));
        say!(
            "  {} [{}]",
            view.reason_en.as_deref().unwrap_or(""),
            view.code.unwrap_or("")
        );
    }
    if let Some(l) = &view.license {
        if !view.valid {
            say!("  --- content below is UNVERIFIED 以下内容未经验证 ---");
        }
        print_fields(l, reveal_id);
    }
}

//! `elicense verify` and `elicense inspect`: reading the input (text, file, photo, stdin),
//! loading trust, and printing verdicts for people or as JSON.

use std::io::Read;
use std::path::PathBuf;

use elicense::{verify, Input, LicenseView, TrustStore, VerdictView};
use time::OffsetDateTime;

use crate::store;

/// Largest input read from a file or standard input.
pub const MAX_INPUT_LEN: usize = 64 * 1024 * 1024;

/// Where the license comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct Source {
    /// The license text (`EL1…` or a verifier URL). Omit it, or give `-`, to read standard input.
    pub text: Option<String>,
    /// A file holding the text, the COSE bytes, or a PNG/JPEG photo of the QR code.
    #[arg(long, conflicts_with = "text")]
    pub file: Option<PathBuf>,
}

/// The license bytes, decoding a QR code when the file is an image.
pub fn read_source(src: &Source) -> Result<Vec<u8>, String> {
    let bytes = match (&src.text, &src.file) {
        (Some(t), None) if t != "-" => return Ok(t.as_bytes().to_vec()),
        (_, Some(path)) => {
            let len = std::fs::metadata(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                .len();
            if len as usize > MAX_INPUT_LEN {
                return Err(format!(
                    "{} is larger than {MAX_INPUT_LEN} bytes",
                    path.display()
                ));
            }
            store::read(path)?
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(MAX_INPUT_LEN as u64 + 1)
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            buf
        }
    };
    if is_image(&bytes) {
        return decode_photo(&bytes).map(String::into_bytes);
    }
    Ok(bytes)
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xff, 0xd8, 0xff])
}

/// Decode the QR code in a PNG or JPEG photo. With several codes, the first `EL…` one wins.
pub fn decode_photo(bytes: &[u8]) -> Result<String, String> {
    let img = image::load_from_memory(bytes).map_err(|e| format!("cannot read the image: {e}"))?;
    let gray = img.to_luma8();
    let (w, h) = gray.dimensions();
    let texts = elicense::qr::decode_luma(w as usize, h as usize, gray.as_raw())
        .map_err(|e| e.to_string())?;
    texts
        .iter()
        .find(|t| t.contains("EL1"))
        .or(texts.first())
        .cloned()
        .ok_or_else(|| "no QR code found in the image".into())
}

/// Trust material for verification.
#[derive(Debug, Clone, clap::Args)]
pub struct TrustArgs {
    /// A trusted root certificate (PEM or DER); repeat for mutual recognition between regions.
    #[arg(long = "root")]
    pub roots: Vec<PathBuf>,
    /// A signed trust list from one of the roots; repeat for several roots.
    #[arg(long = "trust")]
    pub lists: Vec<PathBuf>,
    /// A department's signed revocation status list; repeat for several departments.
    #[arg(long = "status")]
    pub status: Vec<PathBuf>,
    /// Verify as of this time (RFC 3339, such as 2025-06-01T10:00:00+08:00) instead of now.
    #[arg(long)]
    pub at: Option<String>,
}

/// The verification time.
pub fn now(args: &TrustArgs) -> Result<OffsetDateTime, String> {
    match &args.at {
        None => Ok(OffsetDateTime::now_utc()),
        Some(t) => OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .map_err(|e| format!("--at {t:?} is not an RFC 3339 time: {e}")),
    }
}

/// Build the trust store from roots, trust lists and status lists.
pub fn load_trust(args: &TrustArgs, now: OffsetDateTime) -> Result<TrustStore, String> {
    let mut store = TrustStore::new();
    for path in &args.roots {
        store
            .add_root(&store::read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for path in &args.lists {
        store
            .load_trust_list(&store::read(path)?, now)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for path in &args.status {
        store
            .load_status_list(&store::read(path)?, now)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(store)
}

/// Verify and print; returns whether the license is valid.
pub fn run_verify(src: &Source, trust: &TrustArgs, json: bool) -> Result<bool, String> {
    let at = now(trust)?;
    let store = load_trust(trust, at)?;
    if store.is_empty() {
        return Err(
            "no trusted departments: give --root and --trust (see `elicense verify --help`)".into(),
        );
    }
    let bytes = read_source(src)?;
    let verdict = verify(Input::sniff(&bytes), &store, at);
    let view = VerdictView::new(&verdict);
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&view).map_err(|e| e.to_string())?
        );
    } else {
        print_verdict(&view);
    }
    Ok(view.valid)
}

fn print_fields(view: &LicenseView) {
    say!(
        "  {} {}",
        view.type_name,
        view.type_name_en.as_deref().unwrap_or("")
    );
    say!("  证照编号 License No.: {}", view.id);
    say!(
        "  发证机关 Issuer: {} ({})",
        view.issuer_name,
        view.issuer_code
    );
    for f in &view.fields {
        say!("  {} {}: {}", f.label_zh, f.label_en, f.value);
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

/// Print a verdict for people: a big verdict line, the reason, then the fields.
pub fn print_verdict(view: &VerdictView) {
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
        match view.revocation {
            Some("checked") => say!("  吊销状态 Revocation: checked, not revoked 未吊销"),
            Some("unknown") => {
                say!("  吊销状态 Revocation: NOT CHECKED (no current status list) 未核查")
            }
            _ => {}
        }
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
        print_fields(l);
    }
}

/// Decode without verifying and print; fails only when nothing can be read.
pub fn run_inspect(src: &Source, json: bool) -> Result<(), String> {
    let bytes = read_source(src)?;
    let ins =
        elicense::inspect(Input::sniff(&bytes)).map_err(|r| format!("{} [{}]", r, r.code()))?;
    let license = ins.license.as_ref().map(|l| LicenseView::new(l, None));
    if json {
        let value = serde_json::json!({
            "verified": false,
            "form": ins.form.map(|f| f.prefix()),
            "signed_bytes": ins.signed_len,
            "kid": ins.kid.to_string(),
            "content_type": ins.content_type.number(),
            "payload_bytes": ins.payload_len,
            "license": license.as_ref().ok(),
            "license_error": ins.license.as_ref().err().map(|e| e.to_string()),
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    say!("UNVERIFIED 未验证 — structure only; use `elicense verify` for a verdict");
    say!(
        "  form          {}",
        ins.form.map_or("raw COSE_Sign1 bytes", |f| f.prefix())
    );
    say!("  signed bytes  {}", ins.signed_len);
    say!("  key id (kid)  {}", ins.kid);
    say!("  content type  {}", ins.content_type);
    say!("  payload bytes {}", ins.payload_len);
    match license {
        Ok(view) => print_fields(&view),
        Err(e) => say!("  license cannot be decoded: {e}"),
    }
    Ok(())
}

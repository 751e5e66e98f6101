//! Reading what commands take in: a license (text, file, photo or standard input), trust material
//! for verification, and license-type templates.

use std::io::Read;
use std::path::Path;

use elicense::{LicenseTemplate, TrustStore};
use time::OffsetDateTime;

use crate::args::{Source, TrustArgs};
use crate::files;

/// Largest input read from a file or standard input.
pub const MAX_INPUT_LEN: usize = 64 * 1024 * 1024;

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
            files::read(path)?
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

/// The license text, for commands that need the text itself (not COSE bytes).
pub fn read_text(source: &Source) -> Result<String, String> {
    let bytes = read_source(source)?;
    String::from_utf8(bytes).map_err(|_| "the input is not a license text".into())
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
            .add_root(&files::read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for path in &args.lists {
        store
            .load_trust_list(&files::read(path)?, now)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for path in &args.status {
        store
            .load_status_list(&files::read(path)?, now)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(store)
}

/// A license-type template: from a file, else built in for the type code.
pub fn load_template(
    type_code: Option<&str>,
    path: Option<&Path>,
) -> Result<LicenseTemplate, String> {
    match (type_code, path) {
        (_, Some(p)) => {
            let text =
                String::from_utf8(files::read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
            LicenseTemplate::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))
        }
        (Some(t), None) => LicenseTemplate::builtin_for(t).ok_or_else(|| {
            format!(
                "no built-in template for {t:?} (built in: YYZZ, JSZ, BDCQZ); use --template FILE"
            )
        }),
        (None, None) => Err("give --type or --template".into()),
    }
}

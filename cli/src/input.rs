//! Reading what commands take in: a license (text, file, photo or standard input), trust material
//! for verification, and license-type templates.

use std::io::Read;
use std::path::Path;

use elicense::qr::decode_luma;
use elicense::{LicenseTemplate, TrustError, TrustState, TrustStore};
use time::OffsetDateTime;

use crate::args::{Source, TrustArgs};
use crate::error::CliError;
use crate::files;

/// Largest input read from a file or standard input.
pub const MAX_INPUT_LEN: usize = 64 * 1024 * 1024;

/// The license bytes, decoding a QR code when the file is an image.
pub fn read_source(src: &Source) -> Result<Vec<u8>, CliError> {
    let bytes = match (&src.text, &src.file) {
        (Some(t), None) if t != "-" => return Ok(t.as_bytes().to_vec()),
        (_, Some(path)) => {
            let len = std::fs::metadata(path)
                .map_err(|e| CliError::io("read", path, e))?
                .len();
            if len as usize > MAX_INPUT_LEN {
                return Err(CliError::TooLarge {
                    path: path.clone(),
                    max: MAX_INPUT_LEN,
                });
            }
            files::read(path)?
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(MAX_INPUT_LEN as u64 + 1)
                .read_to_end(&mut buf)
                .map_err(CliError::Stdin)?;
            buf
        }
    };
    if is_image(&bytes) {
        return decode_photo(&bytes).map(String::into_bytes);
    }
    Ok(bytes)
}

/// The license text, for commands that need the text itself (not COSE bytes).
pub fn read_text(source: &Source) -> Result<String, CliError> {
    let bytes = read_source(source)?;
    String::from_utf8(bytes).map_err(|_| CliError::NotText)
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xff, 0xd8, 0xff])
}

/// Decode the QR code in a PNG or JPEG photo. With several codes, the first `EL…` one wins.
pub fn decode_photo(bytes: &[u8]) -> Result<String, CliError> {
    let img = image::load_from_memory(bytes).map_err(CliError::Image)?;
    let gray = img.to_luma8();
    let (w, h) = gray.dimensions();
    let texts = decode_luma(w as usize, h as usize, gray.as_raw())?;
    texts
        .iter()
        .find(|t| t.contains("EL1"))
        .or(texts.first())
        .cloned()
        .ok_or(CliError::NoQrCode)
}

/// Build the trust store from roots, trust lists and status lists.
///
/// With `--trust-state FILE`, the lists of earlier runs are remembered first (a missing file
/// remembers nothing), so a list older than one seen before is refused as stale; after the lists
/// load, the file is rewritten with the highest sequence now seen per root.
pub fn load_trust(args: &TrustArgs, now: OffsetDateTime) -> Result<TrustStore, CliError> {
    let mut store = TrustStore::new();
    if let Some(path) = &args.trust_state {
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|source| CliError::NotUtf8 {
                    path: path.clone(),
                    source,
                })?;
                let state = TrustState::from_json(&text)
                    .map_err(|e| CliError::file(path, TrustError::from(e)))?;
                store.remember(&state);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(CliError::io("read", path, e)),
        }
    }
    for path in &args.roots {
        store
            .add_root(&files::read(path)?)
            .map_err(|e| CliError::file(path, e))?;
    }
    for path in &args.lists {
        store
            .load_trust_list(&files::read(path)?, now)
            .map_err(|e| CliError::file(path, e))?;
    }
    if let Some(path) = &args.trust_state {
        files::write_replacing(path, store.trust_state().to_json().as_bytes())?;
    }
    for path in &args.status {
        store
            .load_status_list(&files::read(path)?, now)
            .map_err(|e| CliError::file(path, e))?;
    }
    Ok(store)
}

/// A license-type template: from a file, else built in for the type code.
pub fn load_template(
    type_code: Option<&str>,
    path: Option<&Path>,
) -> Result<LicenseTemplate, CliError> {
    match (type_code, path) {
        (_, Some(p)) => {
            let text = String::from_utf8(files::read(p)?).map_err(|source| CliError::NotUtf8 {
                path: p.to_path_buf(),
                source,
            })?;
            LicenseTemplate::from_json(&text).map_err(|e| CliError::file(p, e))
        }
        (Some(t), None) => LicenseTemplate::builtin_for(t).ok_or_else(|| {
            CliError::Usage(format!(
                "no built-in template for {t:?} (built in: YYZZ, JSZ, BDCQZ); use --template FILE"
            ))
        }),
        (None, None) => Err(CliError::Usage("give --type or --template".into())),
    }
}

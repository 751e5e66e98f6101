//! Reading what commands take in: a license (text, file, photo or standard input), trust material
//! for verification, and license-type templates.

use std::io::Read;
use std::path::Path;

use elicense::limits::{MAX_DECODE_PIXELS, MAX_DECODE_SIDE};
use elicense::qr::decode_luma;
use elicense::{ContentType, Input, LicenseTemplate, TrustError, TrustState, TrustStore};
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
        return decode_photo(&bytes, ContentType::License).map(String::into_bytes);
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

/// Decode the QR code in a PNG or JPEG photo. With several codes, the first of the kind wanted
/// (a license and its attestation stamp photographed together is normal; a license of either
/// format version for a license) is taken, else the first `EL1` or `EL2` one, and a warning on standard error says which one and names the others.
pub fn decode_photo(bytes: &[u8], want: ContentType) -> Result<String, CliError> {
    let (text, warning) = choose_qr(photo_texts(bytes)?, want)?;
    if let Some(warning) = warning {
        use std::io::Write;
        // A warning that cannot be written is not worth failing for.
        let _ = writeln!(std::io::stderr(), "warning: {warning}");
    }
    Ok(text)
}

/// The limits set on the image decoder before it decodes anything: no side longer, and no more
/// pixels, than the QR decoder takes (`MAX_DECODE_SIDE`, `MAX_DECODE_PIXELS`), and at most four
/// bytes a pixel of those allocated (8-bit RGBA).
fn photo_limits() -> image::Limits {
    let side = u32::try_from(MAX_DECODE_SIDE).unwrap_or(u32::MAX);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(MAX_DECODE_PIXELS as u64 * 4);
    limits
}

/// The texts of every QR code in a PNG or JPEG photo, the image's size checked against
/// [`photo_limits`] from its header, before any pixel is decoded.
fn photo_texts(bytes: &[u8]) -> Result<Vec<String>, CliError> {
    let reader = || -> Result<image::ImageReader<std::io::Cursor<&[u8]>>, CliError> {
        let mut r = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| CliError::Image(image::ImageError::IoError(e)))?;
        r.limits(photo_limits());
        Ok(r)
    };
    let (w, h) = reader()?.into_dimensions().map_err(CliError::Image)?;
    if u64::from(w) * u64::from(h) > MAX_DECODE_PIXELS as u64 {
        return Err(CliError::Image(image::ImageError::Limits(
            image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError),
        )));
    }
    let gray = reader()?.decode().map_err(CliError::Image)?.to_luma8();
    let (w, h) = gray.dimensions();
    Ok(decode_luma(w as usize, h as usize, gray.as_raw())?)
}

/// Longest part of a QR code's text a warning quotes.
const QUOTED_CHARS: usize = 40;

/// The text to take from the QR codes of one image (the first that is a document of the kind
/// `want`, else the first `EL1` one, else the first), and a warning naming the others when there
/// are several.
fn choose_qr(texts: Vec<String>, want: ContentType) -> Result<(String, Option<String>), CliError> {
    let chosen = texts
        .iter()
        .position(|t| {
            let kind = Input::Text(t).document_kind();
            // A license of either format version.
            kind == Some(want)
                || (want == ContentType::License && kind == Some(ContentType::LicenseV2))
        })
        .or_else(|| {
            texts
                .iter()
                .position(|t| t.contains("EL1") || t.contains("EL2"))
        })
        .or(if texts.is_empty() { None } else { Some(0) })
        .ok_or(CliError::NoQrCode)?;
    let quote = |t: &str| {
        let mut q: String = t.chars().take(QUOTED_CHARS).collect();
        if t.chars().count() > QUOTED_CHARS {
            q.push('…');
        }
        format!("{q:?}")
    };
    let warning = (texts.len() > 1).then(|| {
        let others: Vec<String> = texts
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != chosen)
            .map(|(_, t)| quote(t))
            .collect();
        format!(
            "the image holds {} QR codes; using {} and ignoring {}",
            texts.len(),
            quote(&texts[chosen]),
            others.join(", ")
        )
    });
    let text = texts.into_iter().nth(chosen).ok_or(CliError::NoQrCode)?;
    Ok((text, warning))
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
                "no built-in template for {t:?} (built in: YYZZ, JSZ, BDCQZ, SPJY, YSZY); use --template FILE"
            ))
        }),
        (None, None) => Err(CliError::Usage("give --type or --template".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CRC-32 (ISO-HDLC), as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    }

    /// A PNG whose header claims `width` × `height` 8-bit grey pixels, with almost no data.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 0, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        // zlib stream of a single empty stored block.
        chunk(
            &mut png,
            b"IDAT",
            &[
                0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
            ],
        );
        chunk(&mut png, b"IEND", &[]);
        png
    }

    fn png(img: &image::GrayImage) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn limit_error(result: Result<String, CliError>) -> image::error::LimitErrorKind {
        match result {
            Err(CliError::Image(image::ImageError::Limits(e))) => e.kind(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn image_limits_are_set_before_decoding() {
        // 10^10 pixels claimed: refused from the header, nothing allocated.
        assert_eq!(
            limit_error(decode_photo(
                &png_claiming(100_000, 100_000),
                ContentType::License
            )),
            image::error::LimitErrorKind::DimensionError
        );
        // A side longer than the QR decoder takes, though the image is tiny.
        let wide = image::GrayImage::new(elicense::limits::MAX_DECODE_SIDE as u32 + 1, 1);
        assert_eq!(
            limit_error(decode_photo(&png(&wide), ContentType::License)),
            image::error::LimitErrorKind::DimensionError
        );
        // More pixels than the QR decoder takes, with both sides within the limit.
        assert_eq!(
            limit_error(decode_photo(
                &png_claiming(16_000, 16_000),
                ContentType::License
            )),
            image::error::LimitErrorKind::DimensionError
        );
    }

    fn qr_image(texts: &[&str]) -> Vec<u8> {
        let mut parts = vec![];
        for t in texts {
            let m = elicense::QrMatrix::new(t, elicense::ErrorCorrection::Medium).unwrap();
            parts.push(m.to_luma8(4));
        }
        let height = parts.iter().map(|(s, _)| *s).max().unwrap();
        let width: u32 = parts.iter().map(|(s, _)| *s).sum();
        let mut img = image::GrayImage::from_pixel(width, height, image::Luma([255]));
        let mut x0 = 0;
        for (side, pixels) in &parts {
            for y in 0..*side {
                for x in 0..*side {
                    let v = pixels[(y * side + x) as usize];
                    img.put_pixel(x0 + x, y, image::Luma([v]));
                }
            }
            x0 += side;
        }
        png(&img)
    }

    #[test]
    fn several_qr_codes_are_named_in_a_warning() {
        let one = choose_qr(vec!["EL1:ABC".into()], ContentType::License).unwrap();
        assert_eq!(one, ("EL1:ABC".to_owned(), None));
        let (text, warning) = choose_qr(
            vec![
                "https://example.cn/menu".into(),
                "EL1:ABC".into(),
                "EL1:DEF".into(),
            ],
            ContentType::License,
        )
        .unwrap();
        assert_eq!(text, "EL1:ABC");
        let warning = warning.expect("a warning");
        assert!(warning.contains("3 QR codes"), "{warning}");
        assert!(warning.contains("\"https://example.cn/menu\""), "{warning}");
        assert!(warning.contains("\"EL1:DEF\""), "{warning}");
        assert!(matches!(
            choose_qr(vec![], ContentType::License),
            Err(CliError::NoQrCode)
        ));
        // A long text is named by its start only.
        let long = format!("EL1:{}", "A".repeat(500));
        let (_, warning) = choose_qr(vec!["EL1:X".into(), long], ContentType::License).unwrap();
        assert!(warning.unwrap().len() < 200);
        // From a photo of two codes.
        let photo = qr_image(&["HELLO WORLD", "EL1:ABCDEFGH"]);
        let texts = photo_texts(&photo).unwrap();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert_eq!(
            decode_photo(&photo, ContentType::License).unwrap(),
            "EL1:ABCDEFGH"
        );
    }

    #[test]
    fn of_a_license_and_its_stamp_the_kind_wanted_is_taken() {
        let fixture = |p: &str| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../fixtures")
                .join(p);
            std::fs::read_to_string(path).unwrap().trim().to_owned()
        };
        let license = fixture("licenses/business-license.qr.txt");
        let stamp = fixture("attestations/business-license-scan.stamp.txt");
        // Both are `EL1` texts; the stamp comes first.
        for (want, expected) in [
            (ContentType::License, &license),
            (ContentType::Attestation, &stamp),
        ] {
            let (text, warning) = choose_qr(vec![stamp.clone(), license.clone()], want).unwrap();
            assert_eq!(&text, expected, "{want:?}");
            let warning = warning.expect("a warning");
            assert!(warning.contains("2 QR codes; using"), "{warning}");
        }
        // Neither kind: the first `EL1` text.
        let (text, _) = choose_qr(vec![stamp.clone(), license], ContentType::TrustList).unwrap();
        assert_eq!(text, stamp);
    }
}

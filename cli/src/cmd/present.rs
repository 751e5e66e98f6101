//! `elicense present`: from the holder's copy of a version-2 license, a presentation that shows
//! only the items chosen (core's `present`), or the disclosure units of its type (`--list`).

use std::path::Path;

use elicense::transport::{decode as decode_transport, encode_v2};
use elicense::{
    Compression, DisclosureView, Encoding, ErrorCorrection, Input, LicenseV2, QrMatrix,
    TextVersion, Wire, WireForm,
};

use crate::args::Source;
use crate::error::CliError;
use crate::{files, input, output};

/// Print the presentation of the license in `source` that shows `show` (and write its QR code
/// to `qr`), or with `list` the disclosure units of its type.
pub fn run(
    source: &Source,
    show: &[String],
    list: bool,
    qr: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    let wire = wire_bytes(&input::read_source(source)?)?;
    if list {
        return print_units(&wire, json);
    }
    let parsed = Wire::parse(&wire).map_err(CliError::Present)?;
    if parsed.form == WireForm::Plain {
        let signed = LicenseV2::from_cbor(parsed.cose.payload()).map_err(CliError::Present)?;
        return Err(CliError::NothingToHide(signed.template().type_code.clone()));
    }
    let show: Vec<&str> = show.iter().map(|s| s.trim()).collect();
    let presentation = elicense::present(&wire, &show).map_err(CliError::Present)?;
    let text = encode_v2(&presentation, Encoding::Base45, Compression::Auto);
    if let Some(path) = qr {
        let matrix = QrMatrix::new(&text, ErrorCorrection::Medium)?;
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("png") => {
                output::write_png(path, &matrix, output::PNG_MODULE_PX)?
            }
            Some(e) if e.eq_ignore_ascii_case("svg") => {
                files::write(path, matrix.to_svg(4).as_bytes())?
            }
            _ => {
                return Err(CliError::Usage(format!(
                    "--qr {}: give a file name ending in .png or .svg",
                    path.display()
                )))
            }
        }
    }
    if json {
        say!(
            "{}",
            serde_json::json!({"text": text, "qr": qr.map(|p| p.display().to_string())})
        );
    } else {
        say!("{text}");
    }
    Ok(())
}

/// The version-2 wire bytes of the input: an `EL2…` text decoded, or the bytes as given. A
/// version-1 license is refused here with what to do instead.
fn wire_bytes(bytes: &[u8]) -> Result<Vec<u8>, CliError> {
    match Input::sniff(bytes) {
        Input::Text(text) => {
            let decoded = decode_transport(text).map_err(|e| CliError::NotALicense(e.into()))?;
            if decoded.form.version != TextVersion::V2 {
                return Err(CliError::NotVersion2);
            }
            Ok(decoded.signed)
        }
        Input::Bytes(b) if Input::Bytes(b).is_v2() => Ok(b.to_vec()),
        _ => Err(CliError::NotVersion2),
    }
}

/// `--list`: the disclosure units of the license's type (core's `DisclosureView`), for people or
/// as JSON.
fn print_units(wire: &[u8], json: bool) -> Result<(), CliError> {
    let view =
        DisclosureView::new(Input::Bytes(wire)).map_err(|e| CliError::NotALicense(e.into()))?;
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&view).map_err(CliError::Json)?
        );
        return Ok(());
    }
    say!(
        "{} {} [{}]",
        view.type_name,
        view.type_name_en,
        view.type_code
    );
    if view.units.is_empty() {
        say!("  无可隐藏的内容 No item of this type can be hidden: it has no presentations");
        return Ok(());
    }
    say!("  出示单元 Disclosure units (shown or hidden together; --show any item of a unit):");
    for (i, u) in view.units.iter().enumerate() {
        let items: Vec<String> = u
            .items
            .iter()
            .map(|v| format!("{} ({} {})", v.key, v.label_zh, v.label_en))
            .collect();
        say!(
            "  {}. {}{}",
            i + 1,
            items.join(", "),
            if u.required {
                " — 必须出示 required"
            } else {
                ""
            }
        );
    }
    say!("  其余内容总是出示 Every other item is always shown.");
    Ok(())
}

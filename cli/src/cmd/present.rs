//! `elicense present`: from the holder's copy of a version-2 license, a presentation that shows
//! only the items chosen (core's `present`), or the disclosure units of its type (`--list`).

use std::path::Path;

use elicense::transport::{decode as decode_transport, encode_v2};
use elicense::{
    disclosure_units, Compression, Encoding, ErrorCorrection, HolderKind, Input, LicenseTemplate,
    LicenseV2, QrMatrix, TextVersion, Wire, WireForm,
};
use serde::Serialize;

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

/// One item of a disclosure unit, labelled.
#[derive(Serialize)]
struct ItemView<'a> {
    key: &'a str,
    label_zh: &'a str,
    label_en: &'a str,
}

/// A disclosure unit: its items, and whether every presentation must show it.
#[derive(Serialize)]
struct UnitView<'a> {
    items: Vec<ItemView<'a>>,
    required: bool,
}

/// The labels of item `key` of template `t`: the holder's (as the verifier's view labels them)
/// or the field's.
fn labels<'a>(t: &'a LicenseTemplate, key: &'a str) -> ItemView<'a> {
    let (label_zh, label_en) = match key {
        elicense::HOLDER_NAME_ITEM => ("持证主体", "Holder"),
        elicense::HOLDER_ID_ITEM => match t.holder_kind {
            HolderKind::Organisation => ("统一社会信用代码", "Unified social credit code"),
            HolderKind::Person => ("公民身份号码", "Resident identity number"),
            _ => ("证件号码", "Identity document number"),
        },
        _ => t
            .fields
            .iter()
            .find(|f| f.key == key)
            .map_or(("", ""), |f| (f.label_zh.as_str(), f.label_en.as_str())),
    };
    ItemView {
        key,
        label_zh,
        label_en,
    }
}

/// `--list`: the disclosure units of the license's type, for people or as JSON.
fn print_units(wire: &[u8], json: bool) -> Result<(), CliError> {
    let parsed = Wire::parse(wire).map_err(CliError::Present)?;
    let signed = LicenseV2::from_cbor(parsed.cose.payload()).map_err(CliError::Present)?;
    let t = signed.template();
    let units = disclosure_units(&t.type_code);
    let views: Vec<UnitView<'_>> = units
        .iter()
        .map(|(items, required)| UnitView {
            items: items.iter().map(|k| labels(t, k)).collect(),
            required: *required,
        })
        .collect();
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "type_code": t.type_code,
                "units": views,
            }))
            .map_err(CliError::Json)?
        );
        return Ok(());
    }
    say!("{} {} [{}]", t.type_name, t.type_name_en, t.type_code);
    if views.is_empty() {
        say!("  无可隐藏的内容 No item of this type can be hidden: it has no presentations");
        return Ok(());
    }
    say!("  出示单元 Disclosure units (shown or hidden together; --show any item of a unit):");
    for (i, u) in views.iter().enumerate() {
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

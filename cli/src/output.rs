//! Files the CLI writes for people: QR codes as PNG and SVG, and printable license cards.

use std::path::Path;

use elicense::qr::QUIET_ZONE;
use elicense::{ErrorCorrection, LicenseView, QrMatrix};

use crate::args::Paper;
use crate::error::CliError;
use crate::files;

/// Which files to write per license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// `<id>.txt`: the signed transport text.
    pub txt: bool,
    /// `<id>.png`: the QR code.
    pub png: bool,
    /// `<id>.svg`: the QR code.
    pub svg: bool,
}

impl Formats {
    /// Parse a comma-separated list of `txt`, `png`, `svg`.
    pub fn parse(list: &str) -> Result<Self, CliError> {
        let mut f = Formats {
            txt: false,
            png: false,
            svg: false,
        };
        for item in list.split(',').map(str::trim) {
            match item {
                "txt" => f.txt = true,
                "png" => f.png = true,
                "svg" => f.svg = true,
                other => {
                    return Err(CliError::Usage(format!(
                        "unknown output format {other:?}; use txt, png, svg"
                    )))
                }
            }
        }
        Ok(f)
    }
}

/// Pixels per QR module in PNG output.
pub const PNG_MODULE_PX: u32 = 4;

/// The file names written for license `id`.
pub fn file_names(id: &str, f: Formats) -> Vec<String> {
    [(f.txt, "txt"), (f.png, "png"), (f.svg, "svg")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, ext)| format!("{id}.{ext}"))
        .collect()
}

/// The files for one license, as (file name, contents), named as [`file_names`] names them.
pub fn license_files(id: &str, text: &str, f: Formats) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let mut files = vec![];
    if f.txt {
        files.push((format!("{id}.txt"), format!("{text}\n").into_bytes()));
    }
    if f.png || f.svg {
        let qr = QrMatrix::new(text, ErrorCorrection::Medium)?;
        if f.png {
            let name = format!("{id}.png");
            let png = png_bytes(&qr, PNG_MODULE_PX).map_err(|source| CliError::WriteImage {
                path: name.clone().into(),
                source,
            })?;
            files.push((name, png));
        }
        if f.svg {
            files.push((format!("{id}.svg"), qr.to_svg(4).into_bytes()));
        }
    }
    Ok(files)
}

/// A QR code as a grayscale PNG.
pub fn png_bytes(qr: &QrMatrix, module_px: u32) -> Result<Vec<u8>, image::ImageError> {
    let (side, pixels) = qr.to_luma8(module_px);
    let img = image::GrayImage::from_raw(side, side, pixels).ok_or_else(|| {
        image::ImageError::Parameter(image::error::ParameterError::from_kind(
            image::error::ParameterErrorKind::DimensionMismatch,
        ))
    })?;
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)?;
    Ok(png.into_inner())
}

/// Write a QR code as a grayscale PNG.
pub fn write_png(path: &Path, qr: &QrMatrix, module_px: u32) -> Result<(), CliError> {
    let png = png_bytes(qr, module_px).map_err(|source| CliError::WriteImage {
        path: path.to_path_buf(),
        source,
    })?;
    files::write(path, &png)
}

/// Width and height of the paper in millimetres.
fn paper_mm(paper: Paper) -> (u32, u32) {
    match paper {
        Paper::A4 => (210, 297),
        Paper::A5 => (148, 210),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A printable card as HTML: title, issuer, every labelled field, and the QR code.
pub fn card_html(view: &LicenseView, text: &str, paper: Paper) -> Result<String, CliError> {
    let qr = QrMatrix::new(text, ErrorCorrection::Medium)?;
    let (w, h) = paper_mm(paper);
    let rows: String = view
        .fields
        .iter()
        .map(|f| {
            format!(
                "<tr><th>{}<br><small>{}</small></th><td>{}</td></tr>\n",
                esc(&f.label_zh),
                esc(&f.label_en),
                esc(&f.value)
            )
        })
        .collect();
    Ok(format!(
        r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} {id}</title>
<style>
@page {{ size: {w}mm {h}mm; margin: 12mm; }}
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #000; }}
h1 {{ text-align: center; font-size: 22pt; letter-spacing: 0.3em; margin: 0 0 2mm; }}
.en {{ text-align: center; font-size: 11pt; margin: 0 0 6mm; }}
table {{ width: 100%; border-collapse: collapse; font-size: 12pt; }}
th {{ text-align: left; width: 32%; padding: 2mm; border-bottom: 0.2mm solid #999; vertical-align: top; }}
td {{ padding: 2mm; border-bottom: 0.2mm solid #999; }}
small {{ font-weight: normal; color: #333; }}
.foot {{ display: flex; justify-content: space-between; align-items: flex-end; margin-top: 8mm; }}
.qr svg {{ width: 55mm; height: 55mm; }}
.id {{ font-family: monospace; font-size: 10pt; }}
</style></head><body>
<h1>{title}</h1><p class="en">{title_en}</p>
<p class="id">证照编号 License No.: {id}</p>
<table>
{rows}</table>
<div class="foot"><div><p>发证机关 Issuing authority:<br><strong>{issuer}</strong><br>{issuer_code}</p>
<p><small>扫描二维码核验真伪 · Scan the QR code to verify</small></p></div>
<div class="qr">{svg}</div></div>
</body></html>
"#,
        title = esc(&view.type_name),
        title_en = esc(view.type_name_en.as_deref().unwrap_or("")),
        id = esc(&view.id),
        issuer = esc(&view.issuer_name),
        issuer_code = esc(&view.issuer_code),
        svg = qr
            .to_svg(4)
            .replacen(r#"<?xml version="1.0" encoding="UTF-8"?>"#, "", 1),
    ))
}

/// A printable card as a standalone SVG page (millimetre units).
pub fn card_svg(view: &LicenseView, text: &str, paper: Paper) -> Result<String, CliError> {
    let qr = QrMatrix::new(text, ErrorCorrection::Medium)?;
    let (w, h) = paper_mm(paper);
    let scale = f64::from(w) / 210.0;
    let mut body = String::new();
    let mut y = 30.0 * scale;
    body.push_str(&format!(
        r#"<text x="{}" y="{y:.1}" font-size="{:.1}" text-anchor="middle" font-weight="bold">{}</text>"#,
        f64::from(w) / 2.0,
        9.0 * scale,
        esc(&view.type_name)
    ));
    y += 8.0 * scale;
    body.push_str(&format!(
        r#"<text x="{}" y="{y:.1}" font-size="{:.1}" text-anchor="middle">{}</text>"#,
        f64::from(w) / 2.0,
        4.0 * scale,
        esc(view.type_name_en.as_deref().unwrap_or(""))
    ));
    y += 10.0 * scale;
    let line = 7.0 * scale;
    let mut rows = vec![("证照编号 License No.".to_owned(), view.id.clone())];
    rows.extend(
        view.fields
            .iter()
            .map(|f| (format!("{} {}", f.label_zh, f.label_en), f.value.clone())),
    );
    rows.push((
        "发证机关 Issuer".to_owned(),
        format!("{} {}", view.issuer_name, view.issuer_code),
    ));
    for (label, value) in rows {
        let value: String = value.chars().take(48).collect();
        body.push_str(&format!(
            r#"<text x="{:.1}" y="{y:.1}" font-size="{:.1}"><tspan font-weight="bold">{}</tspan><tspan x="{:.1}">{}</tspan></text>"#,
            15.0 * scale,
            3.6 * scale,
            esc(&label),
            80.0 * scale,
            esc(&value)
        ));
        y += line;
    }
    let size = 55.0 * scale;
    let modules = (qr.width() + 2 * QUIET_ZONE) as f64;
    let (qx, qy) = (
        f64::from(w) - size - 15.0 * scale,
        f64::from(h) - size - 15.0 * scale,
    );
    let path = qr.svg_path();
    let qr_group = format!(
        r#"<g transform="translate({qx:.3} {qy:.3}) scale({:.5})">{}</g>"#,
        size / modules,
        format_args!(r##"<path d="{path}" fill="#000"/>"##)
    );
    Ok(format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="Noto Sans CJK SC, Source Han Sans SC, sans-serif">
<rect width="{w}" height="{h}" fill="#fff"/>
{body}
{qr_group}
<text x="{:.1}" y="{:.1}" font-size="{:.1}">扫描二维码核验真伪 · Scan to verify</text>
</svg>
"##,
        15.0 * scale,
        f64::from(h) - 15.0 * scale,
        3.2 * scale
    ))
}

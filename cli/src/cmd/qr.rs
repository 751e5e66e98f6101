//! `elicense qr`: a license's QR code as PNG, SVG or in the terminal.

use std::path::Path;

use crate::args::Source;
use crate::{files, input, output};

/// Render the QR code of the license in `source`.
pub fn run(source: &Source, format: &str, out: Option<&Path>) -> Result<(), String> {
    let text = input::read_text(source)?;
    let text = text.trim();
    elicense::transport::decode(text).map_err(|e| format!("not a license text: {e}"))?;
    let qr = elicense::QrMatrix::new(text, elicense::ErrorCorrection::Medium)
        .map_err(|e| e.to_string())?;
    match (format, out) {
        ("terminal", _) => {
            say!("{}", qr.to_terminal());
            Ok(())
        }
        ("png", Some(path)) => output::write_png(path, &qr, output::PNG_MODULE_PX),
        ("svg", Some(path)) => files::write(path, qr.to_svg(4).as_bytes()),
        ("png" | "svg", None) => Err("--out is needed for png and svg".into()),
        (other, _) => Err(format!(
            "unknown format {other:?}; use png, svg or terminal"
        )),
    }
}

//! `elicense qr`: a license's QR code as PNG, SVG or in the terminal.

use std::path::Path;

use elicense::transport::decode as decode_transport;
use elicense::{ErrorCorrection, QrMatrix};

use crate::args::Source;
use crate::error::{CliError, CoreError};
use crate::{files, input, output};

/// Render the QR code of the license in `source`.
pub fn run(source: &Source, format: &str, out: Option<&Path>) -> Result<(), CliError> {
    let text = input::read_text(source)?;
    let text = text.trim();
    decode_transport(text).map_err(|e| CliError::NotALicense(CoreError::from(e)))?;
    let qr = QrMatrix::new(text, ErrorCorrection::Medium)?;
    match (format, out) {
        ("terminal", _) => {
            say!("{}", qr.to_terminal());
            Ok(())
        }
        ("png", Some(path)) => output::write_png(path, &qr, output::PNG_MODULE_PX),
        ("svg", Some(path)) => files::write(path, qr.to_svg(4).as_bytes()),
        ("png" | "svg", None) => Err(CliError::Usage("--out is needed for png and svg".into())),
        (other, _) => Err(CliError::Usage(format!(
            "unknown format {other:?}; use png, svg or terminal"
        ))),
    }
}

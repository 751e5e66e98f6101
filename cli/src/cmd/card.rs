//! `elicense card`: a printable license card (HTML or SVG).

use std::path::Path;

use elicense::{Input, LicenseView};

use crate::args::{Paper, Source};
use crate::error::{CliError, CoreError};
use crate::{files, input, output};

/// Write a card for the license in `source` to `out`.
pub fn run(
    source: &Source,
    format: &str,
    paper: Paper,
    out: &Path,
    template: Option<&Path>,
) -> Result<(), CliError> {
    let text = input::read_text(source)?;
    let text = text.trim();
    if Input::Text(text).is_v2() {
        return Err(CliError::Version2Unsupported("card"));
    }
    let ins = elicense::inspect(Input::Text(text))
        .map_err(|e| CliError::NotALicense(CoreError::from(e)))?;
    let license = ins.license.map_err(CliError::Undecodable)?;
    let template = match template {
        Some(p) => Some(input::load_template(None, Some(p))?),
        None => None,
    };
    let view = LicenseView::new(&license, template.as_ref());
    let doc = match format {
        "html" => output::card_html(&view, text, paper)?,
        "svg" => output::card_svg(&view, text, paper)?,
        other => {
            return Err(CliError::Usage(format!(
                "unknown card format {other:?}; use html or svg"
            )))
        }
    };
    files::write(out, doc.as_bytes())?;
    say!("card for {} written to {}", view.id, out.display());
    Ok(())
}

//! `elicense card`: a printable license card (HTML or SVG).

use std::path::Path;

use elicense::LicenseView;

use crate::args::{Paper, Source};
use crate::{files, input, output};

/// Write a card for the license in `source` to `out`.
pub fn run(
    source: &Source,
    format: &str,
    paper: Paper,
    out: &Path,
    template: Option<&Path>,
) -> Result<(), String> {
    let text = input::read_text(source)?;
    let text = text.trim();
    let ins = elicense::inspect(elicense::Input::Text(text))
        .map_err(|e| format!("not a license text: {e}"))?;
    let license = ins
        .license
        .map_err(|e| format!("the license cannot be decoded: {e}"))?;
    let template = match template {
        Some(p) => Some(input::load_template(None, Some(p))?),
        None => None,
    };
    let view = LicenseView::new(&license, template.as_ref());
    let doc = match format {
        "html" => output::card_html(&view, text, paper)?,
        "svg" => output::card_svg(&view, text, paper)?,
        other => return Err(format!("unknown card format {other:?}; use html or svg")),
    };
    files::write(out, doc.as_bytes())?;
    say!("card for {} written to {}", view.id, out.display());
    Ok(())
}

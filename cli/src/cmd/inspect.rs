//! `elicense inspect`: a license's structure, WITHOUT verifying it (for support staff).

use elicense::{Input, LicenseView};

use crate::args::Source;
use crate::cmd::verify::print_fields;
use crate::error::CliError;
use crate::input;

/// Decode without verifying and print; fails only when nothing can be read.
pub fn run(src: &Source, json: bool) -> Result<(), CliError> {
    let bytes = input::read_source(src)?;
    if Input::sniff(&bytes).is_v2() {
        return Err(CliError::Version2Unsupported("inspect"));
    }
    let ins = elicense::inspect(Input::sniff(&bytes)).map_err(CliError::Unreadable)?;
    let license = ins.license.as_ref().map(|l| LicenseView::new(l, None));
    if json {
        let value = serde_json::json!({
            "verified": false,
            "form": ins.form.map(|f| f.prefix()),
            "signed_bytes": ins.signed_len,
            "kid": ins.kid.to_string(),
            "content_type": ins.content_type.number(),
            "payload_bytes": ins.payload_len,
            "license": license.as_ref().ok(),
            "license_error": ins.license.as_ref().err().map(|e| e.to_string()),
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(CliError::Json)?
        );
        return Ok(());
    }
    say!("UNVERIFIED 未验证 — structure only; use `elicense verify` for a verdict");
    say!(
        "  form          {}",
        ins.form.map_or("raw COSE_Sign1 bytes", |f| f.prefix())
    );
    say!("  signed bytes  {}", ins.signed_len);
    say!("  key id (kid)  {}", ins.kid);
    say!("  content type  {}", ins.content_type);
    say!("  payload bytes {}", ins.payload_len);
    match license {
        Ok(view) => print_fields(&view, true),
        Err(e) => say!("  license cannot be decoded: {e}"),
    }
    Ok(())
}

//! WebAssembly bindings of `elicense-core` for the holder's mode of the web page (出示我的证照):
//! the page's third module. The main module (`elicense-wasm`, the verifier every visit loads)
//! does not hold these: the page loads this one when the holder's mode opens, and the service
//! worker caches it on install so that the mode works offline (docs/WEB.md, "Three modules").
//!
//! A thin wasm-bindgen layer, like the main module: the reading, the presentation and the QR
//! code are the core's. It needs no trust: what it reads is unverified (the page verifies with
//! the main module).
//!
//! JavaScript API:
//!
//! - `disclosureUnits(text)`: what the holder of a version-2 license can choose to show, read
//!   from the text (`EL2...` or a URL carrying one) without verifying it: the core's
//!   `DisclosureView` (`type_code`, `type_name`, `type_name_en`, `form` (`plain`, `holders_copy`,
//!   `presentation`), `units`: each `{ items: [{ key, label_zh, label_en }], required }`).
//!   Throws an `Error` with `code`, `reason_zh` and `reason_en` (the core's reason) when the text
//!   is not a readable version-2 license.
//! - `present(text, items)`: a presentation of the holder's copy `text` that shows the units
//!   holding `items` (item keys, e.g. `["holder_name"]`) and hides the others, as an `EL2:` text
//!   (this build never compresses). Throws like `disclosureUnits` (`below_minimum_disclosure`
//!   when a required unit is left out; `bad_license` when the text is not a holder's copy).
//! - `qrCode(text)`: the QR code of a text (error correction M) to draw: `{ side, path, version }`,
//!   `side` the modules per side with the quiet zone, `path` SVG path data in module units.

#![forbid(unsafe_code)]

use elicense::{transport, Compression, DisclosureView, Encoding, ErrorCorrection, Input};
use elicense::{Lang, QrMatrix, Reason};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A JS `Error` with `message`, and a `code` property when the core has one.
fn js_error(message: &str, code: Option<&str>) -> JsValue {
    let error = js_sys::Error::new(message);
    if let Some(code) = code {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    }
    error.into()
}

/// A JS `Error` for a license that cannot be read or presented: `message` the English detail,
/// `code` the reason code, `reason_zh` and `reason_en` the core's plain words.
fn reason_error(reason: &Reason) -> JsValue {
    let error = js_error(&reason.message(Lang::En), Some(reason.code()));
    for (key, lang) in [("reason_zh", Lang::Zh), ("reason_en", Lang::En)] {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &key.into(), &reason.message(lang).into());
    }
    error
}

/// A plain JS object (JSON-compatible: maps as objects, absent values as `null`).
fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(&e.to_string(), None))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A labelled item of a disclosure unit. */
export interface DisclosureItemView { key: string; label_zh: string; label_en: string; }
/** Items a presentation shows or hides together; `required` ones every presentation shows. */
export interface DisclosureUnitView { items: DisclosureItemView[]; required: boolean; }
/** What the holder of a version-2 license can choose to show. */
export interface DisclosureView { type_code: string; type_name: string; type_name_en: string; form: "plain" | "holders_copy" | "presentation"; units: DisclosureUnitView[]; }
/** A QR code to draw: modules per side (with the quiet zone) and SVG path data in module units. */
export interface QrCodeView { side: number; path: string; version: number; }
"#;

/// What the holder of a version-2 license (`text`: `EL2...` or a URL carrying one) can choose to
/// show, unverified: the core's `DisclosureView`.
#[wasm_bindgen(js_name = disclosureUnits, unchecked_return_type = "DisclosureView")]
pub fn disclosure_units(text: &str) -> Result<JsValue, JsValue> {
    let view = DisclosureView::new(Input::Text(text)).map_err(|r| reason_error(&r))?;
    to_js(&view)
}

/// A presentation of the holder's copy `text` showing the units that hold `items` (and every
/// unit the type requires them to show, or an error): an `EL2:` text.
#[wasm_bindgen]
pub fn present(text: &str, items: Vec<String>) -> Result<String, JsValue> {
    let wire = transport::decode(text)
        .map_err(|e| reason_error(&e.into()))?
        .signed;
    let items: Vec<&str> = items.iter().map(String::as_str).collect();
    let shown = elicense::present(&wire, &items).map_err(|e| reason_error(&e.into()))?;
    Ok(transport::encode_v2(
        &shown,
        Encoding::Base45,
        Compression::Auto,
    ))
}

/// A QR code to draw on screen.
#[derive(Serialize)]
struct QrCodeView {
    /// Modules per side, with the quiet zone.
    side: usize,
    /// SVG path data of the dark modules, in module units, offset by the quiet zone.
    path: String,
    /// QR version.
    version: u8,
}

/// The QR code of `text` (error correction M), to draw as an SVG path.
#[wasm_bindgen(js_name = qrCode, unchecked_return_type = "QrCodeView")]
pub fn qr_code(text: &str) -> Result<JsValue, JsValue> {
    let qr = QrMatrix::new(text, ErrorCorrection::Medium)
        .map_err(|e| js_error(&e.to_string(), Some("too_long")))?;
    to_js(&QrCodeView {
        side: qr.width() + 2 * elicense::qr::QUIET_ZONE,
        path: qr.svg_path(),
        version: qr.version(),
    })
}

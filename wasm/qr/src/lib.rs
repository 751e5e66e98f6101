//! WebAssembly bindings of `elicense-core`'s QR decoder (`qr::decode_luma`, rxing): the web
//! verifier's second module. The main module (`elicense-wasm`) is built without the decoder so
//! that opening a link or pasting a text does not download it; the page loads this one only when
//! a photo or the camera needs it and the browser has no `BarcodeDetector` (docs/WEB.md).
//!
//! A thin wasm-bindgen layer, like the main module: the decoding (passes, limits, errors) is the
//! core's.
//!
//! JavaScript API:
//!
//! - `decodeQr(rgba, width, height)`: the distinct texts of the QR codes in an RGBA frame (as a
//!   canvas's `ImageData` gives it), in the order found; throws an `Error` when none decodes.
//! - `decodeQrLuma(gray, width, height)`: the same for an 8-bit grayscale frame.
//! - `decodeQrPass(rgba, width, height, pass)`: one of the core's passes only (`pass` modulo 4:
//!   as it is, stretched, inverted, median filtered), for a camera's consecutive frames.

#![forbid(unsafe_code)]

use elicense::qr;
use wasm_bindgen::prelude::*;

fn qr_error(e: elicense::QrError) -> JsValue {
    js_sys::Error::new(&e.to_string()).into()
}

/// Find and decode the QR codes in an RGBA frame of `width × height` pixels.
#[wasm_bindgen(js_name = decodeQr)]
pub fn decode_qr(rgba: &[u8], width: u32, height: u32) -> Result<Vec<String>, JsValue> {
    qr::decode_rgba(width as usize, height as usize, rgba).map_err(qr_error)
}

/// Find and decode the QR codes in an 8-bit grayscale frame of `width × height` pixels.
#[wasm_bindgen(js_name = decodeQrLuma)]
pub fn decode_qr_luma(luma: &[u8], width: u32, height: u32) -> Result<Vec<String>, JsValue> {
    qr::decode_luma(width as usize, height as usize, luma).map_err(qr_error)
}

/// One pass (`pass` modulo 4) of [`decode_qr`], for consecutive camera frames.
#[wasm_bindgen(js_name = decodeQrPass)]
pub fn decode_qr_pass(
    rgba: &[u8],
    width: u32,
    height: u32,
    pass: u32,
) -> Result<Vec<String>, JsValue> {
    qr::decode_rgba_pass(width as usize, height as usize, rgba, pass as usize).map_err(qr_error)
}

//! The QR image decoding path (`qr::decode_luma`, `qr::rgba_to_luma`) on small frames, so that
//! each run is fast. The first byte picks a mode:
//!
//! - mode 0 (raw frame): the next two bytes give width and height (1 to 48 each); the rest is
//!   the grayscale pixels, repeated to fill the frame (all white when empty).
//! - mode 1 (RGBA frame): as mode 0, but the pixels are RGBA and go through `rgba_to_luma`
//!   first. Property: `rgba_to_luma` gives one luma per whole RGBA pixel.
//! - mode 2 (rendered code): the next byte picks one of a few QR images rendered once at start-up
//!   (short texts from the fixtures, 1 to 3 px per module, level M); the rest, in pairs of
//!   bytes, picks pixels to invert before decoding. Property (checked once at start-up): every
//!   clean rendering at 3 px per module decodes to exactly its text. (Rendering itself is
//!   not fuzzed per input: `QrMatrix::new` costs tens of milliseconds in the instrumented
//!   build.)
//!
//! A mismatched buffer length must be `BadFrame`, never a panic (checked in modes 0 and 1 with
//! one pixel missing).
#![no_main]

use elicense::{qr::{decode_luma, rgba_to_luma}, ErrorCorrection, QrError, QrMatrix};
use std::sync::OnceLock;

use elicense_fuzz::mode;
use libfuzzer_sys::fuzz_target;

/// Largest side of a raw frame.
const MAX_SIDE: usize = 48;
/// Most pixels inverted in mode 2.
const MAX_NOISE: usize = 64;

/// The texts rendered for mode 2: short pieces of the fixtures' transport texts and a kid
/// (versions 1 and 2 at level M, so that decoding stays fast).
fn texts() -> Vec<String> {
    let samples = elicense_fixtures::samples();
    let qr = samples[0].qr_text();
    let url = samples[1].url();
    vec![
        qr[..12].to_owned(),
        url[..20].to_owned(),
        elicense_fixtures::key("fuzhou-amr").kid().to_string(),
    ]
}

/// (side, grayscale pixels) of each text at 1 to 3 px per module.
fn rendered() -> &'static [(usize, Vec<u8>)] {
    static IMAGES: OnceLock<Vec<(usize, Vec<u8>)>> = OnceLock::new();
    IMAGES.get_or_init(|| {
        let mut images = Vec::new();
        for text in texts() {
            let matrix = QrMatrix::new(&text, ErrorCorrection::Medium).expect("short text");
            for module_px in 1..=3 {
                let (side, luma) = matrix.to_luma8(module_px);
                let side = side as usize;
                assert_eq!(luma.len(), side * side);
                if module_px == 3 {
                    assert_eq!(
                        decode_luma(side, side, &luma),
                        Ok(vec![text.clone()]),
                        "a clean rendering at {module_px} px per module must decode"
                    );
                }
                images.push((side, luma));
            }
        }
        images
    })
}

fn frame(input: &[u8], bytes_per_pixel: usize) -> Option<(usize, usize, Vec<u8>)> {
    let (&w, rest) = input.split_first()?;
    let (&h, pixels) = rest.split_first()?;
    let width = usize::from(w) % MAX_SIDE + 1;
    let height = usize::from(h) % MAX_SIDE + 1;
    let len = width * height * bytes_per_pixel;
    let buffer = if pixels.is_empty() {
        vec![255; len]
    } else {
        pixels.iter().copied().cycle().take(len).collect()
    };
    Some((width, height, buffer))
}

fn decode_checked(width: usize, height: usize, luma: &[u8]) -> Result<Vec<String>, QrError> {
    let short = decode_luma(width, height, &luma[..luma.len() - 1]);
    assert!(matches!(short, Err(QrError::BadFrame { .. })), "{short:?}");
    decode_luma(width, height, luma)
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 3) else {
        return;
    };
    match mode {
        0 => {
            if let Some((w, h, luma)) = frame(input, 1) {
                let _ = decode_checked(w, h, &luma);
            }
        }
        1 => {
            if let Some((w, h, rgba)) = frame(input, 4) {
                let luma = rgba_to_luma(&rgba);
                assert_eq!(luma.len(), w * h);
                let _ = decode_checked(w, h, &luma);
                // A partial last pixel is ignored.
                assert_eq!(rgba_to_luma(&rgba[..rgba.len() - 1]).len(), w * h - 1);
            }
        }
        _ => {
            let Some((&choice, noise)) = input.split_first() else {
                return;
            };
            let images = rendered();
            let (side, clean) = &images[usize::from(choice) % images.len()];
            let mut luma = clean.clone();
            for pair in noise.chunks_exact(2).take(MAX_NOISE) {
                let at = (usize::from(pair[0]) << 8 | usize::from(pair[1])) % luma.len();
                luma[at] = !luma[at];
            }
            let _ = decode_luma(*side, *side, &luma);
        }
    }
});

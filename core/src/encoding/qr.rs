//! QR codes (ISO/IEC 18004): rendering transport texts with the `qrcode` crate, and reading
//! photos and camera frames with `rxing` ([`decode_luma`]).
//!
//! Base45 texts consist of QR alphanumeric characters only, so the encoder puts them in
//! alphanumeric mode (5.5 bits a character); base64url texts and URLs go in byte mode.

use qrcode::render::unicode;
use qrcode::{EcLevel, QrCode, Version};
use thiserror::Error;

pub use crate::limits::{MAX_DECODE_PIXELS, MAX_DECODE_SIDE};

/// QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ErrorCorrection {
    /// About 7 % of the code may be damaged.
    Low,
    /// About 15 %: the default, a balance of size and robustness for printed licenses.
    #[default]
    Medium,
    /// About 25 %.
    Quartile,
    /// About 30 %.
    High,
}

impl From<ErrorCorrection> for EcLevel {
    fn from(ec: ErrorCorrection) -> EcLevel {
        match ec {
            ErrorCorrection::Low => EcLevel::L,
            ErrorCorrection::Medium => EcLevel::M,
            ErrorCorrection::Quartile => EcLevel::Q,
            ErrorCorrection::High => EcLevel::H,
        }
    }
}

/// Why a QR code could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text does not fit even a version-40 QR code at this level.
    #[error(
        "a text of {len} characters does not fit in a QR code at error-correction level {ec:?}"
    )]
    TooLong {
        /// The text's length in bytes.
        len: usize,
        /// The level asked for.
        ec: ErrorCorrection,
    },
    /// The pixel buffer does not match the stated size, or the image is too large.
    #[error("image of {width}×{height} with {len} pixels is not a valid frame (at most {MAX_DECODE_PIXELS} pixels and {MAX_DECODE_SIDE} pixels a side)")]
    BadFrame {
        /// Stated width.
        width: usize,
        /// Stated height.
        height: usize,
        /// Pixels given.
        len: usize,
    },
    /// No QR code was found in the image.
    #[error("no QR code found in the image")]
    NotFound,
    /// The decoding library failed on this image (a fault in it, caught).
    #[error("the QR decoder failed on this image; try another photo")]
    DecoderFault,
    /// QR codes were found but none could be decoded.
    #[error(
        "a QR code was found but could not be read ({0}); try a sharper, closer, evenly lit photo"
    )]
    Unreadable(String),
}

#[cfg(feature = "qr-decode")]
/// Find and decode every QR code in an 8-bit grayscale frame (row by row, `width × height`
/// pixels). Returns the distinct texts of the codes that decode, in the order found: a license
/// and its attestation stamp photographed together give both.
///
/// The decoder is rxing, a Rust port of ZXing (hybrid binarizer, finder-pattern search, "try
/// harder"). When a pass reads nothing, the next one gets the frame prepared otherwise, cheapest
/// first: as it is; contrast stretched (1st to 99th percentile to black and white: dim, faded,
/// low-contrast prints); stretched and inverted (light codes on dark, as some screens show
/// them); a 3 × 3 median filter, then stretched (sensor noise, salt and pepper). The passes and
/// what each recovers are measured on the photo corpus (`scripts/qr-photos.sh`,
/// `docs/BENCHMARKS.md`).
pub fn decode_luma(width: usize, height: usize, pixels: &[u8]) -> Result<Vec<String>, QrError> {
    decode_passes(width, height, pixels, 0..DECODE_PASSES)
}

#[cfg(feature = "qr-decode")]
/// How many passes [`decode_luma`] makes, each with the frame prepared otherwise.
pub const DECODE_PASSES: usize = 4;

#[cfg(feature = "qr-decode")]
/// One pass of [`decode_luma`]: number `pass % DECODE_PASSES` (0: the frame as it is, 1:
/// stretched, 2: stretched and inverted, 3: median filtered and stretched). For a camera: its
/// consecutive frames show the same scene, so giving each the next pass tries every preparation
/// within four frames, at about a quarter of the time a frame when there is no code (the common
/// case; `docs/BENCHMARKS.md`, "Reading QR codes in the browser").
pub fn decode_luma_pass(
    width: usize,
    height: usize,
    pixels: &[u8],
    pass: usize,
) -> Result<Vec<String>, QrError> {
    let pass = pass % DECODE_PASSES;
    decode_passes(width, height, pixels, pass..pass + 1)
}

#[cfg(feature = "qr-decode")]
/// The passes `passes` of [`decode_luma`], in order, until one reads a code.
fn decode_passes(
    width: usize,
    height: usize,
    pixels: &[u8],
    passes: std::ops::Range<usize>,
) -> Result<Vec<String>, QrError> {
    let bad = || QrError::BadFrame {
        width,
        height,
        len: pixels.len(),
    };
    let area = width.checked_mul(height).ok_or_else(bad)?;
    if area == 0
        || area != pixels.len()
        || area > MAX_DECODE_PIXELS
        || width.max(height) > MAX_DECODE_SIDE
    {
        return Err(bad());
    }
    // MAX_DECODE_SIDE fits in u32 (checked by a test), so the casts below are exact.
    let (w, h) = (width as u32, height as u32);
    let prepare = |pass: usize| match pass {
        0 => pixels.to_vec(),
        1 => stretch(pixels),
        2 => stretch(pixels).into_iter().map(|p| 255 - p).collect(),
        _ => stretch(&median3(width, height, pixels)),
    };
    let mut failure = QrError::NotFound;
    for pass in passes {
        match decode_once(w, h, prepare(pass)) {
            Ok(texts) => return Ok(texts),
            // A code that was found but not read says more than "not found" about the photo.
            Err(e @ QrError::Unreadable(_)) => failure = e,
            Err(QrError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Err(failure)
}

#[cfg(feature = "qr-decode")]
/// One pass of rxing over a prepared frame. A panic inside rxing (a fault in the library, which
/// the fuzz target `qr_image` hunts for) is caught where panics unwind and reported as
/// [`QrError::DecoderFault`]; where they abort (the WebAssembly build), the page recovers from
/// the trap (`docs/WEB.md`).
fn decode_once(width: u32, height: u32, luma: Vec<u8>) -> Result<Vec<String>, QrError> {
    use rxing::{BarcodeFormat, DecodeHintValue, DecodeHints, Exceptions};
    let run = move || {
        let mut hints = DecodeHints::default()
            .with(DecodeHintValue::PossibleFormats(
                [BarcodeFormat::QR_CODE].into(),
            ))
            .with(DecodeHintValue::TryHarder(true));
        rxing::helpers::detect_multiple_in_luma_with_hints(luma, width, height, &mut hints)
    };
    #[cfg(panic = "unwind")]
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .map_err(|_| QrError::DecoderFault)?;
    #[cfg(not(panic = "unwind"))]
    let result = run();
    match result {
        Ok(found) => {
            let mut texts: Vec<String> = Vec::with_capacity(found.len());
            for text in found.iter().map(|r| r.getText()) {
                if !texts.iter().any(|t| t == text) {
                    texts.push(text.to_owned());
                }
            }
            if texts.is_empty() {
                Err(QrError::NotFound)
            } else {
                Ok(texts)
            }
        }
        Err(Exceptions::NotFoundException(_)) => Err(QrError::NotFound),
        Err(e) => Err(QrError::Unreadable(e.to_string())),
    }
}

#[cfg(feature = "qr-decode")]
/// Stretch the 1st–99th percentile of the frame's brightness to 0–255: a code printed dim, or
/// photographed in poor light, gets the full range. A frame of (almost) one brightness is
/// returned as it is.
fn stretch(pixels: &[u8]) -> Vec<u8> {
    let mut histogram = [0usize; 256];
    for &p in pixels {
        histogram[usize::from(p)] += 1;
    }
    let cut = pixels.len() / 100;
    let percentile = |levels: &mut dyn Iterator<Item = usize>| {
        let mut seen = 0;
        for level in levels {
            seen += histogram[level];
            if seen > cut {
                return level;
            }
        }
        0
    };
    let low = percentile(&mut (0..256));
    let high = percentile(&mut (0..256).rev());
    if high <= low {
        return pixels.to_vec();
    }
    let span = high - low;
    pixels
        .iter()
        .map(|&p| ((usize::from(p).clamp(low, high) - low) * 255 / span) as u8)
        .collect()
}

#[cfg(feature = "qr-decode")]
/// A 3 × 3 median filter (the border keeps its pixels): removes isolated dark or light pixels
/// while keeping the edges of modules.
///
/// Without sorting nine values a pixel: each column of three is ordered once (low, middle, high)
/// and shared by the three windows it belongs to; the median of a window is then the median of
/// the largest of its three lows, the median of its three middles and the smallest of its three
/// highs. Being made of minima and maxima only, this is exact for all inputs if it is for all
/// inputs of 0s and 1s (the 0-1 principle), which a test checks, all 512 of them. In the browser
/// this took the decoder's time on a 1280×720 frame without a code (where all four passes run)
/// from 157 to 53 ms (docs/BENCHMARKS.md, "Reading QR codes in the browser").
fn median3(width: usize, height: usize, pixels: &[u8]) -> Vec<u8> {
    let mut out = pixels.to_vec();
    if width < 3 || height < 3 || width.checked_mul(height) != Some(pixels.len()) {
        return out;
    }
    let sort3 = |a: u8, b: u8, c: u8| {
        let (a, b) = (a.min(b), a.max(b));
        let (b, c) = (b.min(c), b.max(c));
        (a.min(b), a.max(b), c)
    };
    let median_of_3 = |a: u8, b: u8, c: u8| a.min(b).max(a.max(b).min(c));
    let (mut low, mut middle, mut high) = (vec![0u8; width], vec![0u8; width], vec![0u8; width]);
    for y in 1..height - 1 {
        let above = &pixels[(y - 1) * width..y * width];
        let row = &pixels[y * width..(y + 1) * width];
        let below = &pixels[(y + 1) * width..(y + 2) * width];
        for x in 0..width {
            (low[x], middle[x], high[x]) = sort3(above[x], row[x], below[x]);
        }
        let target = &mut out[y * width..(y + 1) * width];
        for x in 1..width - 1 {
            let most_low = low[x - 1].max(low[x]).max(low[x + 1]);
            let least_high = high[x - 1].min(high[x]).min(high[x + 1]);
            let mid = median_of_3(middle[x - 1], middle[x], middle[x + 1]);
            target[x] = median_of_3(most_low, mid, least_high);
        }
    }
    out
}

#[cfg(feature = "qr-decode")]
/// [`decode_luma`] for an RGBA frame (4 bytes a pixel, as a browser canvas's `ImageData` holds
/// it): the buffer must hold exactly `width × height` pixels.
pub fn decode_rgba(width: usize, height: usize, rgba: &[u8]) -> Result<Vec<String>, QrError> {
    check_rgba(width, height, rgba)?;
    decode_luma(width, height, &rgba_to_luma(rgba))
}

#[cfg(feature = "qr-decode")]
/// [`decode_luma_pass`] for an RGBA frame (as [`decode_rgba`]).
pub fn decode_rgba_pass(
    width: usize,
    height: usize,
    rgba: &[u8],
    pass: usize,
) -> Result<Vec<String>, QrError> {
    check_rgba(width, height, rgba)?;
    decode_luma_pass(width, height, &rgba_to_luma(rgba), pass)
}

#[cfg(feature = "qr-decode")]
/// An RGBA buffer must hold exactly `width × height` pixels, at most `MAX_DECODE_PIXELS`.
fn check_rgba(width: usize, height: usize, rgba: &[u8]) -> Result<(), QrError> {
    let area = width.checked_mul(height);
    if !rgba.len().is_multiple_of(4)
        || area != Some(rgba.len() / 4)
        || area > Some(MAX_DECODE_PIXELS)
    {
        return Err(QrError::BadFrame {
            width,
            height,
            len: rgba.len() / 4,
        });
    }
    Ok(())
}

/// Convert RGBA pixels (as a browser canvas gives them) to 8-bit grayscale (ITU-R BT.601 luma).
pub fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000) as u8
        })
        .collect()
}

/// A QR code: its version and its square matrix of dark and light modules (without quiet zone).
#[derive(Clone)]
pub struct QrMatrix {
    code: QrCode,
    ec: ErrorCorrection,
}

impl std::fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrMatrix")
            .field("version", &self.version())
            .field("width", &self.width())
            .field("ec", &self.ec)
            .finish()
    }
}

/// Modules of quiet zone (white border) that every rendering adds on each side.
pub const QUIET_ZONE: usize = 4;

impl QrMatrix {
    /// Encode `text` at the given error-correction level in the smallest version that fits.
    pub fn new(text: &str, ec: ErrorCorrection) -> Result<Self, QrError> {
        let code =
            QrCode::with_error_correction_level(text.as_bytes(), ec.into()).map_err(|_| {
                QrError::TooLong {
                    len: text.len(),
                    ec,
                }
            })?;
        Ok(QrMatrix { code, ec })
    }

    /// QR version, 1 to 40.
    pub fn version(&self) -> u8 {
        match self.code.version() {
            Version::Normal(v) | Version::Micro(v) => v as u8,
        }
    }

    /// Error-correction level.
    pub fn error_correction(&self) -> ErrorCorrection {
        self.ec
    }

    /// Modules per side (17 + 4 × version).
    pub fn width(&self) -> usize {
        self.code.width()
    }

    /// Whether the module at column `x`, row `y` is dark; `false` outside the matrix.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        let w = self.width();
        x < w && y < w && self.code[(x, y)] == qrcode::Color::Dark
    }

    /// All modules, row by row, `true` for dark.
    pub fn modules(&self) -> Vec<bool> {
        self.code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect()
    }

    /// SVG path data drawing the dark modules, one unit per module, offset by the quiet zone:
    /// each horizontal run of dark modules is one `M x y h n v 1 h -n z` rectangle.
    pub fn svg_path(&self) -> String {
        let w = self.width();
        let mut d = String::new();
        for y in 0..w {
            let mut x = 0;
            while x < w {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < w && self.is_dark(x, y) {
                    x += 1;
                }
                let n = x - start;
                d.push_str(&format!(
                    "M{} {}h{n}v1h-{n}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                ));
            }
        }
        d
    }

    /// A standalone SVG image with a quiet zone, `module_px` pixels per module (compact: one
    /// path of horizontal runs in module units).
    pub fn to_svg(&self, module_px: u32) -> String {
        let n = self.width() + 2 * QUIET_ZONE;
        let side = n as u64 * u64::from(module_px.max(1));
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" viewBox="0 0 {n} {n}" shape-rendering="crispEdges">"#,
                r##"<rect width="{n}" height="{n}" fill="#fff"/><path fill="#000" d="{d}"/></svg>"##,
                "\n"
            ),
            side = side,
            n = n,
            d = self.svg_path()
        )
    }

    /// An 8-bit grayscale raster with a quiet zone, `module_px` pixels per module: returns the
    /// side length in pixels and the pixels row by row (0 = black, 255 = white). Image encoders
    /// (PNG, JPEG) take it from here.
    pub fn to_luma8(&self, module_px: u32) -> (u32, Vec<u8>) {
        let module_px = module_px.max(1) as usize;
        let modules = self.width() + 2 * QUIET_ZONE;
        let side = modules * module_px;
        let mut pixels = vec![255u8; side * side];
        for (y, row) in pixels.chunks_mut(side).enumerate() {
            let my = (y / module_px).wrapping_sub(QUIET_ZONE);
            for (x, px) in row.iter_mut().enumerate() {
                let mx = (x / module_px).wrapping_sub(QUIET_ZONE);
                if self.is_dark(mx, my) {
                    *px = 0;
                }
            }
        }
        (side as u32, pixels)
    }

    /// Text for a terminal, two modules per character row, drawn light-on-dark so that it scans
    /// from a terminal with a dark background.
    pub fn to_terminal(&self) -> String {
        self.code
            .render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base45_text_uses_alphanumeric_capacity() {
        // Version 1-M holds 20 alphanumeric characters but only 14 bytes.
        let m = QrMatrix::new("EL1:ABCDEFGHIJKLMNOP", ErrorCorrection::Medium).unwrap();
        assert_eq!(m.version(), 1);
        assert_eq!(m.width(), 21);
        let m = QrMatrix::new("el1:abcdefghijklmnop", ErrorCorrection::Medium).unwrap();
        assert_eq!(m.version(), 2);
    }

    #[test]
    fn finder_pattern_is_dark_and_outside_is_light() {
        let m = QrMatrix::new("EL1:TEST", ErrorCorrection::Medium).unwrap();
        assert!(m.is_dark(0, 0) && m.is_dark(6, 6) && !m.is_dark(7, 7));
        assert!(!m.is_dark(m.width(), 0));
        assert_eq!(m.modules().len(), m.width() * m.width());
    }

    #[test]
    fn renders_svg_and_terminal() {
        let m = QrMatrix::new("EL1:TEST", ErrorCorrection::Medium).unwrap();
        let svg = m.to_svg(4);
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        // The path covers exactly the dark modules: count unit squares drawn.
        let drawn: usize = m
            .svg_path()
            .split('h')
            .skip(1)
            .step_by(2)
            .map(|n| n.split('v').next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(drawn, m.modules().iter().filter(|&&d| d).count());
        let side = (m.width() + 2 * QUIET_ZONE) * 4;
        assert!(svg.contains(&format!("width=\"{side}\"")), "{svg:.200}");
        let (side, pixels) = m.to_luma8(3);
        assert_eq!(side as usize, (m.width() + 2 * QUIET_ZONE) * 3);
        assert_eq!(pixels.len(), (side * side) as usize);
        // Top-left finder pattern corner is black, the quiet zone white.
        assert_eq!(pixels[(QUIET_ZONE * 3) * side as usize + QUIET_ZONE * 3], 0);
        assert_eq!(pixels[0], 255);
        let term = m.to_terminal();
        assert_eq!(
            term.lines().count(),
            (m.width() + 2 * QUIET_ZONE).div_ceil(2)
        );
    }

    // Reading frames (feature `qr-decode`).
    #[cfg(feature = "qr-decode")]
    mod decoding {
        use super::*;

        #[test]
        fn rendered_codes_decode_and_bad_frames_are_errors() {
            let text = "EL1:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            let m = QrMatrix::new(text, ErrorCorrection::Medium).unwrap();
            let (side, pixels) = m.to_luma8(4);
            let side = side as usize;
            assert_eq!(
                decode_luma(side, side, &pixels).unwrap(),
                vec![text.to_owned()]
            );
            let rgba: Vec<u8> = pixels.iter().flat_map(|&p| [p, p, p, 255]).collect();
            assert_eq!(rgba_to_luma(&rgba), pixels);
            assert!(matches!(
                decode_luma(side, side, &pixels[1..]),
                Err(QrError::BadFrame { .. })
            ));
            assert!(matches!(
                decode_luma(0, 0, &[]),
                Err(QrError::BadFrame { .. })
            ));
            assert_eq!(decode_luma(10, 10, &[255; 100]), Err(QrError::NotFound));
            // A side above MAX_DECODE_SIDE is refused even when the area is allowed; at the limit
            // the frame is read.
            let long = vec![255; MAX_DECODE_SIDE + 1];
            assert!(matches!(
                decode_luma(MAX_DECODE_SIDE + 1, 1, &long),
                Err(QrError::BadFrame { .. })
            ));
            assert!(matches!(
                decode_luma(1, MAX_DECODE_SIDE + 1, &long),
                Err(QrError::BadFrame { .. })
            ));
            assert_eq!(
                decode_luma(MAX_DECODE_SIDE, 1, &long[1..]),
                Err(QrError::NotFound)
            );
            assert_eq!(decode_rgba(10, 10, &[255; 400]), Err(QrError::NotFound));
            for (w, h, len) in [
                (10, 10, 399),
                (10, 10, 396),
                (11, 10, 400),
                (usize::MAX, 2, 8),
            ] {
                assert!(
                    matches!(
                        decode_rgba(w, h, &vec![255; len]),
                        Err(QrError::BadFrame { .. })
                    ),
                    "{w}×{h} with {len} bytes"
                );
            }
        }

        /// `text` rendered at level M, 1 px per module, with the pixel at each of `flips` (taken
        /// modulo the pixel count) inverted: how the `qr_image` fuzz target builds its mode-2 images.
        fn noisy_rendering(text: &str, flips: &[usize]) -> (usize, Vec<u8>) {
            let m = QrMatrix::new(text, ErrorCorrection::Medium).unwrap();
            let (side, mut pixels) = m.to_luma8(1);
            for &at in flips {
                let at = at % pixels.len();
                pixels[at] = !pixels[at];
            }
            (side as usize, pixels)
        }

        #[test]
        fn degenerate_perspective_is_not_a_panic() {
            // Found by the `qr_image` fuzz target (fuzz/regressions/qr_image/) in rqrr, the decoder
            // before rxing: a version-1 code at 1 px per module with three pixels inverted made it
            // fit a perspective whose mapped coordinates left the i32 range (upstream
            // WanzenBug/rqrr#54). Kept as a regression input for any decoder.
            let (side, pixels) = noisy_rendering("EL1Z:NCF $CG", &[0x9f2f, 0x0e00, 0x007e]);
            // Not readable at 1 px per module: an error, not a panic.
            assert!(decode_luma(side, side, &pixels).is_err());
        }

        #[test]
        fn degenerate_capstone_rotation_is_not_a_panic() {
            // Found by the `qr_image` fuzz target in rqrr, the decoder before rxing: nine pixels
            // inverted in a version-2 code at 1 px per module gave a capstone whose corners, rotated
            // to the grid, make no perspective ("rotated perspective can't fail"). Kept as a
            // regression input for any decoder.
            let (side, pixels) = noisy_rendering(
                "https://verify.elice",
                &[
                    0x00ff, 0xffff, 0xfffd, 0x00fd, 0x0000, 0x003f, 0xf400, 0xac00, 0x0081,
                ],
            );
            assert!(decode_luma(side, side, &pixels).is_err());
        }

        #[test]
        fn damaged_codes_are_corrected() {
            // Modules flipped in the data area (away from finder, timing and alignment patterns):
            // Reed–Solomon decoding must repair them.
            let text = format!("EL1:{}", "ABCDEFGHIJ0123456789".repeat(4));
            let m = QrMatrix::new(&text, ErrorCorrection::Medium).unwrap();
            let w = m.width();
            let module_px = 4;
            let (side, mut pixels) = m.to_luma8(module_px);
            let flips = [(9, 12), (11, 17), (13, 10), (10, 22), (14, 14), (12, 9)];
            for &(mx, my) in &flips {
                assert!(
                    mx > 8 && my > 8 && mx < w - 9 && my < w - 9,
                    "inside the data area"
                );
                for dy in 0..module_px as usize {
                    for dx in 0..module_px as usize {
                        let x = (QUIET_ZONE + mx) * module_px as usize + dx;
                        let y = (QUIET_ZONE + my) * module_px as usize + dy;
                        let p = &mut pixels[y * side as usize + x];
                        *p = 255 - *p;
                    }
                }
            }
            assert_ne!(pixels, m.to_luma8(module_px).1);
            assert_eq!(
                decode_luma(side as usize, side as usize, &pixels).unwrap(),
                vec![text]
            );
        }

        /// A license-sized text (a version-15 code) rendered at `module_px` pixels per module.
        fn license_sized(module_px: u32) -> (String, usize, Vec<u8>) {
            let text = format!("EL1:{}", "ABCDEFGHIJ0123456789 $%*+-./:".repeat(20));
            let m = QrMatrix::new(&text, ErrorCorrection::Medium).unwrap();
            let (side, px) = m.to_luma8(module_px);
            (text, side as usize, px)
        }

        /// Whether the first pass (the frame as it is) reads `text`.
        fn first_pass_reads(side: usize, pixels: &[u8], text: &str) -> bool {
            decode_once(side as u32, side as u32, pixels.to_vec())
                .is_ok_and(|texts| texts.iter().any(|t| t == text))
        }

        #[test]
        fn small_codes_decode() {
            // A code shrunk from 4 to 3 pixels per module with bilinear filtering, as a small code
            // in a photo.
            let (text, side, px) = license_sized(4);
            let img = image::GrayImage::from_raw(side as u32, side as u32, px).unwrap();
            let small_side = side as u32 * 3 / 4;
            let small = image::imageops::resize(
                &img,
                small_side,
                small_side,
                image::imageops::FilterType::Triangle,
            );
            let n = small_side as usize;
            assert_eq!(decode_luma(n, n, small.as_raw()).unwrap(), vec![text]);
        }

        #[test]
        fn each_later_pass_reads_what_the_first_cannot() {
            let (text, side, px) = license_sized(4);
            // Low contrast: grey on grey, 40 levels apart.
            let dim: Vec<u8> = px
                .iter()
                .map(|&p| if p < 128 { 108 } else { 148 })
                .collect();
            // Inverted: a light code on a dark ground.
            let inverted: Vec<u8> = px.iter().map(|&p| 255 - p).collect();
            // Salt and pepper: 12 % of the pixels black or white (a fixed pseudo-random pattern).
            let mut noisy = px.clone();
            let mut state = 0x2545_f491_4f6c_dd1du64;
            for p in noisy.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                match state % 100 {
                    0..=5 => *p = 0,
                    6..=11 => *p = 255,
                    _ => {}
                }
            }
            for (what, pixels) in [("dim", &dim), ("inverted", &inverted), ("noisy", &noisy)] {
                assert!(
                    !first_pass_reads(side, pixels, &text),
                    "{what}: the first pass reads it, so this test proves nothing"
                );
                assert_eq!(
                    decode_luma(side, side, pixels).unwrap(),
                    vec![text.clone()],
                    "{what}"
                );
            }
            // One pass at a time (a camera's frames): each frame is read by its pass, numbered
            // modulo DECODE_PASSES, and not by the first.
            let rgba =
                |luma: &[u8]| -> Vec<u8> { luma.iter().flat_map(|&p| [p, p, p, 255]).collect() };
            for (pass, pixels) in [(1, &dim), (2, &inverted), (3, &noisy)] {
                for n in [pass, pass + DECODE_PASSES] {
                    assert_eq!(
                        decode_luma_pass(side, side, pixels, n).unwrap(),
                        vec![text.clone()],
                        "pass {n}"
                    );
                    assert_eq!(
                        decode_rgba_pass(side, side, &rgba(pixels), n).unwrap(),
                        vec![text.clone()],
                        "pass {n}"
                    );
                }
                assert_eq!(
                    decode_luma_pass(side, side, pixels, 0),
                    Err(QrError::NotFound),
                    "pass 0 of pass {pass}'s frame"
                );
            }
            assert_eq!(decode_luma_pass(side, side, &px, 0).unwrap(), vec![text]);
            assert!(matches!(
                decode_rgba_pass(side, side, &[255; 7], 0),
                Err(QrError::BadFrame { .. })
            ));
            assert!(matches!(
                decode_luma_pass(side, side + 1, &px, 0),
                Err(QrError::BadFrame { .. })
            ));
        }

        #[test]
        fn every_code_in_a_frame_is_read() {
            // A license and an attestation stamp photographed side by side.
            let texts = ["EL1:FIRST0123456789ABCDEF", "EL1:SECOND9876543210FEDCBA"];
            let codes: Vec<(u32, Vec<u8>)> = texts
                .iter()
                .map(|t| {
                    QrMatrix::new(t, ErrorCorrection::Medium)
                        .unwrap()
                        .to_luma8(4)
                })
                .collect();
            let side = codes[0].0 as usize;
            assert_eq!(codes[1].0 as usize, side);
            let width = 2 * side;
            let mut frame = vec![255u8; width * side];
            for (i, (_, px)) in codes.iter().enumerate() {
                for y in 0..side {
                    frame[y * width + i * side..y * width + (i + 1) * side]
                        .copy_from_slice(&px[y * side..(y + 1) * side]);
                }
            }
            let mut read = decode_luma(width, side, &frame).unwrap();
            read.sort();
            assert_eq!(read, texts);
        }

        #[test]
        fn stretch_and_median_keep_the_frame_size_and_flat_frames() {
            assert_eq!(stretch(&[7; 50]), vec![7; 50]);
            let ramp: Vec<u8> = (0..=255).collect();
            let stretched = stretch(&ramp);
            assert_eq!((stretched[0], stretched[255]), (0, 255));
            assert_eq!(median3(3, 3, &[0, 0, 0, 0, 255, 0, 0, 0, 0])[4], 0);
            assert_eq!(median3(1, 5, &[1, 2, 3, 4, 5]), vec![1, 2, 3, 4, 5]);
        }

        /// The median of a 3 × 3 window by sorting it, as the filter computed it before.
        fn sorted_median(window: &[u8]) -> u8 {
            let mut w = window.to_vec();
            w.sort_unstable();
            w[4]
        }

        #[test]
        fn median_filter_is_the_median_of_each_window() {
            // Every 3 × 3 window of 0s and 1s: by the 0-1 principle, exact for every input.
            for bits in 0u32..512 {
                let window: Vec<u8> = (0..9).map(|i| ((bits >> i) & 1) as u8).collect();
                assert_eq!(
                    median3(3, 3, &window)[4],
                    sorted_median(&window),
                    "{window:?}"
                );
            }
            // And a noisy frame, every inner pixel against its sorted window; the border kept.
            let (w, h) = (37, 23);
            let mut seed = 0x2545_f491_u32;
            let frame: Vec<u8> = (0..w * h)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    (seed >> 24) as u8
                })
                .collect();
            let filtered = median3(w, h, &frame);
            for y in 0..h {
                for x in 0..w {
                    let want = if x == 0 || y == 0 || x == w - 1 || y == h - 1 {
                        frame[y * w + x]
                    } else {
                        let window: Vec<u8> = (0..9)
                            .map(|i| frame[(y + i / 3 - 1) * w + x + i % 3 - 1])
                            .collect();
                        sorted_median(&window)
                    };
                    assert_eq!(filtered[y * w + x], want, "({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn too_long_is_an_error() {
        let text = "A".repeat(5000);
        assert_eq!(
            QrMatrix::new(&text, ErrorCorrection::Medium).unwrap_err(),
            QrError::TooLong {
                len: 5000,
                ec: ErrorCorrection::Medium
            }
        );
    }
}

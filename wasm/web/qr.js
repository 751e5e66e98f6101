// Reading QR codes from images and camera frames: the browser's own BarcodeDetector where it has
// one that reads QR codes (Chrome on Android), else the core's decoder, a second WebAssembly
// module (elicense_wasm_qr, built from wasm/qr) loaded only the first time it is needed, so that
// opening a link or pasting a text never downloads it (docs/WEB.md, "Two modules").
//
// The core's decoder already tries each frame as it is, contrast stretched, inverted and median
// filtered (core/src/encoding/qr.rs; a camera frame gets one of these passes, the next frame the
// next one), and reads codes at any rotation (the photo corpus: docs/BENCHMARKS.md); a native
// detector may not read light-on-dark codes, so the page gives it the frame inverted when it
// finds nothing.
//
// Like the main module (core.js), the decoder module aborts on a panic: the call throws a
// WebAssembly.RuntimeError, the instance is dropped and a fresh one is loaded for the next frame,
// at most MAX_DECODER_RESTARTS times.
import { state } from './state.js';
import { CoreError } from './core.js';

const MAX_DECODER_RESTARTS = 3;

// The native detector, or null (none, or it cannot read QR codes). Asked once.
let detectorAsked = null;
function nativeDetector() {
  detectorAsked ??= (async () => {
    if (typeof globalThis.BarcodeDetector !== 'function') return null;
    try {
      const formats = await globalThis.BarcodeDetector.getSupportedFormats();
      return formats.includes('qr_code') ? new globalThis.BarcodeDetector({ formats: ['qr_code'] }) : null;
    } catch (e) {
      console.info(`BarcodeDetector unusable (${e.message}); using the core's decoder`);
      return null;
    }
  })();
  return detectorAsked;
}

/** Whether the browser has a QR-reading BarcodeDetector (the camera asks for more pixels then). */
export async function hasNativeDetector() { return (await nativeDetector()) !== null; }

// The decoder module, loading it the first time (and again after a trap).
let loading = null;
function decoderModule() {
  if (state.qr) return Promise.resolve(state.qr);
  if (state.qrLoads > MAX_DECODER_RESTARTS) return Promise.reject(new CoreError('coreBroken'));
  loading ??= (async () => {
    state.qrLoads++;
    try {
      const url = state.qrLoads === 1 ? './elicense_wasm_qr.js' : `./elicense_wasm_qr.js?instance=${state.qrLoads}`;
      const module = await import(url);
      await module.default();
      state.qr = module;
      document.body.dataset.qrLoads = String(state.qrLoads);
      return module;
    } finally { loading = null; }
  })();
  return loading;
}

// The core's decoder on an RGBA frame: its texts, or an Error (no code found). A trap drops the
// instance and throws a CoreError ('coreTrapped', or 'coreBroken' when no restart is left).
// `pass`: only that pass of the core's four (a camera frame), else all of them.
async function decodeInWasm(pixels, width, height, pass) {
  const module = await decoderModule();
  try {
    return pass === undefined ? module.decodeQr(pixels, width, height) : module.decodeQrPass(pixels, width, height, pass);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    console.error('elicense QR decoder trapped:', e);
    state.qr = null;
    throw new CoreError(state.qrLoads > MAX_DECODER_RESTARTS ? 'coreBroken' : 'coreTrapped');
  }
}

// The distinct texts the native detector reads in `source` (an ImageBitmap, canvas, video or
// ImageData), in its order; [] when none. Throws what the detector throws.
async function detectNative(detector, source) {
  const found = await detector.detect(source);
  const texts = [];
  for (const code of found) if (typeof code.rawValue === 'string' && code.rawValue && !texts.includes(code.rawValue)) texts.push(code.rawValue);
  return texts;
}

const inverted = (image) => {
  const data = new Uint8ClampedArray(image.data);
  for (let i = 0; i < data.length; i += 4) { data[i] = 255 - data[i]; data[i + 1] = 255 - data[i + 1]; data[i + 2] = 255 - data[i + 2]; }
  return new ImageData(data, image.width, image.height);
};

/**
 * The texts of the QR codes in a frame. `source`: what a native detector takes (an ImageBitmap,
 * a canvas, a video); `pixels()`: the frame as ImageData, for the inverted retry and the core's
 * decoder. `fallback`: whether the core's decoder is tried when the native detector reads
 * nothing (a photo: yes; a camera frame: no, the next frame comes soon). With no native
 * detector, or one that throws, the core's decoder reads the frame: all four of its passes, or
 * only pass number `pass` (a camera gives its consecutive frames 0, 1, 2, ...: each frame costs
 * one pass, and every four frames get them all). Throws an Error when no code is read, a
 * CoreError when the decoder module trapped.
 */
export async function decodeFrame(source, pixels, { fallback = true, pass } = {}) {
  const detector = await nativeDetector();
  let image = null;
  if (detector) {
    let texts = null;
    try {
      texts = await detectNative(detector, source);
      if (!texts.length) { image = pixels(); texts = await detectNative(detector, inverted(image)); }
    } catch (e) {
      // A detector that fails (it may, on some devices and frames): the core's decoder reads it.
      console.info(`BarcodeDetector failed (${e.message}); using the core's decoder`);
      texts = null;
    }
    if (texts?.length) { document.body.dataset.qrReader = 'native'; return texts; }
    if (texts && !fallback) throw new Error('no QR code found');
  }
  image ??= pixels();
  const texts = await decodeInWasm(image.data, image.width, image.height, pass);
  document.body.dataset.qrReader = 'wasm';
  return texts;
}

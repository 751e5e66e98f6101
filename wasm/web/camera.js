// QR codes from the camera and from photos (read by qr.js: the browser's BarcodeDetector or the
// core's decoder): the rear camera's frames are scanned continuously until one reads; an image
// file is tried at two sizes.
import { state } from './state.js';
import { t } from './words.js';
import { $, showCoreProblem, showProblem } from './render.js';
import { CoreError } from './core.js';
import { decodeFrame, hasNativeDetector } from './qr.js';

// Decode the QR codes of an image file (a photo, a screenshot, a scan): their distinct texts.
export async function qrFromImage(file) {
  const bitmap = await createImageBitmap(file);
  try {
    // Phones take 12+ megapixel photos: try a moderate size first, then a larger one.
    let lastError = null;
    for (const side of [1600, 3200]) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const w = Math.max(1, Math.round(bitmap.width * scale));
      const h = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0, w, h);
      try { return await decodeFrame(canvas, () => ctx.getImageData(0, 0, w, h)); }
      catch (e) { if (e instanceof CoreError) throw e; lastError = e; }
      if (scale === 1) break;
    }
    throw lastError;
  } finally { bitmap.close(); }
}

// The camera: the rear one, with enough pixels for a small code (a license QR of version 10 to
// 15 a hand's length away) and continuous focus where the device has it. A native detector
// reads full HD quickly; the core's decoder takes 1280×720 (docs/BENCHMARKS.md, "Reading photos").
async function openCamera(native) {
  const [width, height] = native ? [1920, 1080] : [1280, 720];
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: 'environment' }, width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 } },
    audio: false,
  });
  const [track] = stream.getVideoTracks();
  try {
    if (track?.getCapabilities?.().focusMode?.includes('continuous')) await track.applyConstraints({ advanced: [{ focusMode: 'continuous' }] });
  } catch (e) { console.info(`camera focus: ${e.message}`); }
  return stream;
}

// Scan until a code reads, then stop the camera and give the codes' texts to `onTexts`.
export async function startCamera(onTexts) {
  if (!navigator.mediaDevices?.getUserMedia) return showProblem(t('noCamera'));
  const native = await hasNativeDetector();
  try {
    state.stream = await openCamera(native);
  } catch (e) { return showProblem(t('cameraError') + e.message); }
  const stream = state.stream;
  const video = $('video');
  video.srcObject = stream;
  $('camera').hidden = false;
  $('scan').hidden = true;
  await video.play();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  // Consecutive frames get the core decoder's passes in turn (qr.js).
  let frame = 0;
  const tick = async () => {
    if (state.stream !== stream) return;
    const w = video.videoWidth;
    const h = video.videoHeight;
    let texts = null;
    if (w && h) {
      canvas.width = w;
      canvas.height = h;
      ctx.drawImage(video, 0, 0, w, h);
      try { texts = await decodeFrame(canvas, () => ctx.getImageData(0, 0, w, h), { fallback: false, pass: frame++ }); }
      catch (e) {
        // No code in this frame. A trap is shown and scanning goes on with a fresh instance;
        // a decoder that is not coming back (too many restarts) stops the camera.
        if (e instanceof CoreError && e.key === 'coreBroken') { stopCamera(); return showCoreProblem(e); }
        if (e instanceof CoreError && e.key === 'coreTrapped') showCoreProblem(e);
      }
    }
    if (state.stream !== stream) return;
    if (texts) { stopCamera(); return onTexts(texts); }
    // The next frame as soon as this one is done, leaving the page time to draw.
    state.scanTimer = setTimeout(tick, native ? 50 : 30);
  };
  tick();
}

export function stopCamera() {
  clearTimeout(state.scanTimer);
  if (state.stream) for (const track of state.stream.getTracks()) track.stop();
  state.stream = null;
  $('video').srcObject = null;
  $('camera').hidden = true;
  $('scan').hidden = false;
}

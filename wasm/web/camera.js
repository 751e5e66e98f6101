// QR codes from the camera and from photos, decoded in the core: the rear camera's frames are
// scanned continuously until one decodes; an image file is tried at two sizes.
import { state } from './state.js';
import { t } from './words.js';
import { $, showCoreProblem, showProblem } from './render.js';
import { CoreError, callCore } from './core.js';

// Decode the QR codes of an image file (a photo, a screenshot, a scan).
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
      const pixels = ctx.getImageData(0, 0, w, h).data;
      try { return callCore((c) => c.decodeQr(pixels, w, h)); }
      catch (e) { if (e instanceof CoreError) throw e; lastError = e; }
      if (scale === 1) break;
    }
    throw lastError;
  } finally { bitmap.close(); }
}

// Scan until a code decodes, then stop the camera and give the code's text to `onText`.
export async function startCamera(onText) {
  if (!navigator.mediaDevices?.getUserMedia) return showProblem(t('noCamera'));
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
  } catch (e) { return showProblem(t('cameraError') + e.message); }
  const video = $('video');
  video.srcObject = state.stream;
  $('camera').hidden = false;
  $('scan').hidden = true;
  await video.play();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const tick = () => {
    if (!state.stream) return;
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (w && h) {
      canvas.width = w;
      canvas.height = h;
      ctx.drawImage(video, 0, 0, w, h);
      const pixels = ctx.getImageData(0, 0, w, h).data;
      let texts = null;
      try { texts = callCore((c) => c.decodeQr(pixels, w, h)); }
      catch (e) {
        // No code in this frame. A trap is shown and scanning goes on once a fresh instance is
        // up; a core that is not coming back (too many restarts) stops the camera.
        if (e instanceof CoreError && e.key === 'coreBroken') { stopCamera(); return showCoreProblem(e); }
        if (e instanceof CoreError && e.key === 'coreTrapped') showCoreProblem(e);
      }
      if (texts) { stopCamera(); return onText(texts[0]); }
    }
    state.scanTimer = setTimeout(tick, 150);
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

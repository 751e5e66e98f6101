// The web verifier: wires the page to the WebAssembly build of elicense-core. Every check (QR
// decoding, signatures, trust, revocation, attachment hashes) runs in the core library; this
// file only moves bytes between the page and it, and shows its results. Nothing is uploaded.
import { state } from './state.js';
import { loadLanguage, switchLanguage, t } from './words.js';
import { $, showAttachment, showCoreProblem, showProblem, showVerdict } from './render.js';
import { now, onTrustAdd, onTrustReset, showTrustSummary } from './trust.js';
import { CoreError, callCore, loadCore } from './core.js';

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// The page in the current language (words.js), with what is on screen redrawn.
function applyLanguage() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  $('lang').textContent = t('lang');
  $('lang').setAttribute('aria-label', t('langLabel'));
  document.title = `${t('title')} · ${state.lang === 'zh' ? 'E-License Verifier' : '电子证照核验'}`;
  showTrustSummary();
  if (state.shown.verdict) showVerdict(state.shown.verdict);
  if (state.shown.attachment) showAttachment(state.shown.attachment);
}

// ---------------------------------------------------------------------------------------------
// Licenses and attestations from any input: text, file bytes, or a QR code in an image.
function handleText(text) {
  text = text.trim();
  if (!text) return showProblem(t('empty'));
  handleBytes(utf8.encode(text));
}

function handleBytes(bytes) {
  try {
    if (callCore((c) => c.documentKind(bytes)) === 'attestation') return useRecord(bytes, '');
    state.currentLicense = bytes;
    showVerdict(callCore(() => state.verifier.verifyBytes(bytes, now())));
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    showCoreProblem(e);
  }
}

// Decode the QR codes of an image file (a photo, a screenshot, a scan).
async function qrFromImage(file) {
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

async function handleFile(file) {
  if (file.type.startsWith('image/')) {
    try { handleText((await qrFromImage(file))[0]); }
    catch (e) { if (e instanceof CoreError) showCoreProblem(e); else showProblem(`${t('noQr')}（${e.message}）`); }
    return;
  }
  // A license or attestation file is small; read at most 64 KiB of anything else.
  handleBytes(new Uint8Array(await file.slice(0, 65536).arrayBuffer()));
}

// ---------------------------------------------------------------------------------------------
// Camera: continuous scanning of the rear camera's frames until a code decodes.
async function startCamera() {
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
      if (texts) { stopCamera(); return handleText(texts[0]); }
    }
    state.scanTimer = setTimeout(tick, 150);
  };
  tick();
}

function stopCamera() {
  clearTimeout(state.scanTimer);
  if (state.stream) for (const track of state.stream.getTracks()) track.stop();
  state.stream = null;
  $('video').srcObject = null;
  $('camera').hidden = true;
  $('scan').hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Attachments: the attestation, then the scan, hashed slice by slice (never read whole).
const SLICE = 4 * 1024 * 1024;

// Take `bytes` as the attestation record if the core says it is one.
function setRecord(bytes, name) {
  if (callCore((c) => c.documentKind(bytes)) !== 'attestation') {
    state.currentRecord = null;
    $('att-record-name').textContent = t('notRecord');
    return;
  }
  useRecord(bytes, name);
}

// Take `bytes`, already known to be an attestation record, as the record.
function useRecord(bytes, name) {
  state.currentRecord = bytes;
  $('att-record-name').textContent = t('recordLoaded') + (name || 'QR');
  $('attachment').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

async function onRecord(event) {
  const file = event.target.files[0];
  if (!file) return;
  try {
    if (file.type.startsWith('image/')) setRecord(utf8.encode((await qrFromImage(file))[0].trim()), file.name);
    else setRecord(new Uint8Array(await file.slice(0, 65536).arrayBuffer()), file.name);
  } catch (e) {
    state.currentRecord = null;
    $('att-record-name').textContent = e instanceof CoreError ? e.message : `${t('noQr')}（${e.message}）`;
  }
}

async function onScanFile(event) {
  const file = event.target.files[0];
  event.target.value = '';
  if (file) await checkScan(file);
}

// A file dropped on the attachment area: an attestation (small, and it says so) is taken as the
// record; anything else is the scan to check.
async function onAttachmentDrop(file) {
  if (file.size <= 65536 && !file.type.startsWith('image/')) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      if (callCore((c) => c.documentKind(bytes)) === 'attestation') return useRecord(bytes, file.name);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      return showAttachment({ kind: 'problem', key: e.key });
    }
  }
  await checkScan(file);
}

async function checkScan(file) {
  const progress = $('att-progress');
  progress.hidden = false;
  progress.value = 0;
  try {
    // The hasher lives in one instance: if the core restarts between two slices, start over.
    const module = callCore((c) => c);
    const hasher = callCore((c) => new c.FileHasher(), module);
    for (let at = 0; at < file.size; at += SLICE) {
      const slice = new Uint8Array(await file.slice(at, at + SLICE).arrayBuffer());
      callCore(() => hasher.update(slice), module);
      progress.value = Math.min(1, (at + SLICE) / file.size);
    }
    const digest = callCore(() => hasher.finish(), module);
    if (state.currentRecord) {
      showAttachment({ kind: 'attestation', r: callCore(() => state.verifier.verifyAttachment(digest, state.currentRecord, now())) });
    } else if (state.currentLicense) {
      showAttachment({ kind: 'license', r: callCore(() => state.verifier.checkLicenseFile(state.currentLicense, digest, now())) });
    } else {
      showAttachment({ kind: 'none', size: digest.size, sha256: digest.sha256 });
    }
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    showAttachment({ kind: 'problem', key: e.key });
  } finally {
    progress.hidden = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Start: load the wasm and the trust lists, then take the URL fragment if the QR opened us.
async function main() {
  applyLanguage();
  $('lang').addEventListener('click', () => {
    switchLanguage();
    applyLanguage();
  });
  await loadCore();
  $('loading').hidden = true;
  $('scan').disabled = false;
  $('scan').addEventListener('click', startCamera);
  $('stop').addEventListener('click', stopCamera);
  $('photo').addEventListener('change', (e) => { if (e.target.files[0]) handleFile(e.target.files[0]); e.target.value = ''; });
  $('paste-go').addEventListener('click', () => handleText($('paste').value));
  $('att-record').addEventListener('change', onRecord);
  $('att-file').addEventListener('change', onScanFile);
  $('trust-add').addEventListener('change', (e) => onTrustAdd(e, callCore));
  $('trust-reset').addEventListener('click', () => onTrustReset(callCore));
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    if (e.target instanceof Node && $('attachment').contains(e.target)) onAttachmentDrop(file);
    else handleFile(file);
  });
  document.addEventListener('paste', (e) => {
    if (e.target === $('paste')) return;
    const file = [...(e.clipboardData?.files || [])][0];
    if (file) handleFile(file);
    else handleText(e.clipboardData?.getData('text') || '');
  });
  const fromUrl = () => {
    const fragment = location.hash.slice(1);
    if (!fragment) return;
    // A base45 text (`#EL1:` / `#EL1Z:`) has spaces, which the browser shows as %20 in the
    // fragment; the base64url forms are taken with the whole URL, as FORMAT.md §5 specifies.
    if (/^EL1Z?:/.test(fragment)) {
      const spaced = fragment.replaceAll('%20', ' ');
      // '%20' is also valid base45, so the literal reading is tried first.
      try {
        if (spaced !== fragment && !callCore(() => state.verifier.verify(fragment, now())).valid
          && callCore(() => state.verifier.verify(spaced, now())).code !== 'bad_base45') {
          return handleText(spaced);
        }
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        return showCoreProblem(e);
      }
      return handleText(fragment);
    }
    handleText(location.href);
  };
  window.addEventListener('hashchange', fromUrl);
  fromUrl();
  document.body.dataset.ready = 'true';
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch((e) => console.warn(`service worker: ${e.message}`));
  }
}

loadLanguage();
main().catch((e) => {
  $('loading').textContent = `${e.message}`;
  console.error(e);
});

// The web verifier: wires the page to the WebAssembly build of elicense-core. Every check
// (signatures, trust, revocation, attachment hashes, and QR decoding unless the browser's own
// BarcodeDetector reads the code) runs in the core library; the page's modules only move bytes
// between the page and it, and show its results. Nothing is uploaded. This module starts the page and connects its controls to the other modules:
//   state.js   the one mutable state object          words.js   zh/en words, t(), the language
//   render.js  DOM helpers, verdicts on screen       trust.js   bundled and added trust files
//   core.js    the wasm core: load, callCore, traps  qr.js      QR reading: BarcodeDetector or
//   camera.js  camera scanning, QR photos                       the lazily loaded wasm decoder
//   attach.js  attestation record and scan check     proof.js   supervision log proofs
//   mode.js    verify / 出示我的证照 (the holder's mode)  input.js   licenses from text, files, URL
//   holder.js  the holder's presentation, imported by mode.js when that mode first opens
// Each imports only modules listed before it (state.js and words.js at the bottom).
import { state } from './state.js';
import { loadLanguage, switchLanguage, t } from './words.js';
import { $, showAttachment, showCodes, showVerdict } from './render.js';
import { loadRequireStatus, onTrustAdd, onTrustReset, setRequireStatus, showTrustSummary } from './trust.js';
import { callCore, loadCore } from './core.js';
import { startCamera, stopCamera } from './camera.js';
import { onAttachmentDrop, onRecord, onScanFile } from './attach.js';
import { onProofFile, onProofLink, showLog } from './proof.js';
import { redrawOwn, setMode } from './mode.js';
import { handleFile, handleFiles, handleLocation, handleText, handleTexts, reverify } from './input.js';

// ---------------------------------------------------------------------------------------------
// The page in the current language (words.js), with what is on screen redrawn.
function applyLanguage() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  // Some controls say what they do in the holder's mode (data-t-holder).
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t((state.mode === 'holder' && el.dataset.tHolder) || el.dataset.t);
  $('lang').textContent = t('lang');
  $('lang').setAttribute('aria-label', t('langLabel'));
  document.title = `${t('title')} · ${state.lang === 'zh' ? 'E-License Verifier' : '电子证照核验'}`;
  showTrustSummary();
  if (state.shown.verdict) showVerdict(state.shown.verdict);
  if (state.shown.codes) showCodes(state.shown.codes);
  if (state.shown.attachment) showAttachment(state.shown.attachment);
  if (state.shown.log) showLog(state.shown.log);
  redrawOwn();
}

// ---------------------------------------------------------------------------------------------
// Start: load the wasm and the trust lists, then take the URL fragment if the QR opened us.
async function main() {
  applyLanguage();
  $('lang').addEventListener('click', () => {
    switchLanguage();
    applyLanguage();
  });
  for (const mode of ['verify', 'holder']) {
    $(`mode-${mode}`).addEventListener('click', () => {
      setMode(mode);
      applyLanguage();
    });
  }
  setMode('verify');
  await loadCore();
  $('loading').hidden = true;
  $('scan').disabled = false;
  $('scan').addEventListener('click', () => startCamera(handleTexts));
  $('stop').addEventListener('click', stopCamera);
  $('photo').addEventListener('change', (e) => { if (e.target.files[0]) handleFile(e.target.files[0]); e.target.value = ''; });
  $('proof-file').addEventListener('change', onProofFile);
  $('proof-fetch').addEventListener('click', onProofLink);
  $('paste-go').addEventListener('click', () => handleText($('paste').value));
  $('att-record').addEventListener('change', onRecord);
  $('att-file').addEventListener('change', onScanFile);
  $('trust-add').addEventListener('change', (e) => onTrustAdd(e, callCore));
  $('trust-reset').addEventListener('click', () => onTrustReset(callCore));
  loadRequireStatus();
  $('require-status').addEventListener('change', (e) => { setRequireStatus(e.target.checked); reverify(); });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = [...(e.dataTransfer?.files || [])];
    if (!files.length) return;
    if (e.target instanceof Node && $('attachment').contains(e.target)) onAttachmentDrop(files[0]);
    else handleFiles(files);
  });
  document.addEventListener('paste', (e) => {
    if (e.target === $('paste')) return;
    const file = [...(e.clipboardData?.files || [])][0];
    if (file) handleFile(file);
    else handleText(e.clipboardData?.getData('text') || '');
  });
  window.addEventListener('hashchange', handleLocation);
  handleLocation();
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

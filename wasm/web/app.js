// The web verifier: wires the page to the WebAssembly build of elicense-core. Every check (QR
// decoding, signatures, trust, revocation, attachment hashes) runs in the core library; this
// file only moves bytes between the page and it, and shows its results. Nothing is uploaded.
import { state } from './state.js';
import { WORDS, loadLanguage, switchLanguage, t } from './words.js';

const $ = (id) => document.getElementById(id);
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
// The core library, compiled to WebAssembly. A Rust panic in it is a WebAssembly trap (the build
// aborts on panic): the call throws a WebAssembly.RuntimeError and leaves the instance as the
// trap found it, its stack pointer and heap in the middle of the call, so the page never calls
// that instance again. It loads a fresh one instead (a new URL for the glue module makes the
// browser instantiate the module again; the service worker answers it from its cache, which
// ignores the query) and rebuilds the trust from the same files; the input that trapped gets a
// verdict that says so. No input is known to trap (that is what fuzz/ is for); this is so that a
// future bug costs one verdict, not a page that silently gives wrong answers.
const MAX_CORE_RESTARTS = 3;

/** An error from `callCore` itself (the core trapped, or is not available): `key` in WORDS. */
class CoreError extends Error {
  constructor(key) { super(t(key)); this.key = key; }
}

async function loadCore() {
  state.coreLoads++;
  const module = await import(state.coreLoads === 1 ? './elicense_wasm.js' : `./elicense_wasm.js?instance=${state.coreLoads}`);
  await module.default();
  const v = await loadTrust(module);
  state.core = module;
  state.verifier = v;
  showTrustSummary();
  document.body.dataset.coreLoads = String(state.coreLoads);
}

// Run `f(core)`. A trap drops the instance, starts loading a fresh one and throws a CoreError.
// `instance`: the module that objects `f` uses belong to, when they outlive one call (a hasher).
function callCore(f, instance = state.core) {
  if (!state.core) throw new CoreError(state.coreLoads > MAX_CORE_RESTARTS ? 'coreBroken' : 'coreRestarting');
  if (instance !== state.core) throw new CoreError('coreRestarting');
  try {
    return f(state.core);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    console.error('elicense core trapped:', e);
    state.core = null;
    state.verifier = null;
    if (state.coreLoads <= MAX_CORE_RESTARTS) loadCore().catch((e2) => console.error('elicense core restart:', e2));
    throw new CoreError('coreTrapped');
  }
}

// ---------------------------------------------------------------------------------------------
// Trust: the bundled files (trust/manifest.json) plus any the user added (kept in this browser).
const ADDED_KEY = 'elicense.trust.added';
const now = () => Date.now() / 1000;

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Add one trust file to `v`, by what it is: a certificate (PEM or DER) or a signed list.
function addTrustFile(module, v, bytes) {
  const kind = module.documentKind(bytes);
  if (kind === 'trust_list') { v.loadTrustList(bytes, now()); state.trustCounts.lists++; }
  else if (kind === 'status_list') { v.loadStatusList(bytes, now()); state.trustCounts.status++; }
  else { v.addRoot(bytes); state.trustCounts.roots++; }
}

const toBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const addedFiles = () => JSON.parse(localStorage.getItem(ADDED_KEY) || '[]');

// A verifier of `module` holding the bundled trust files and those the user added.
async function loadTrust(module) {
  const v = new module.Verifier();
  state.trustCounts = { roots: 0, lists: 0, status: 0 };
  const manifest = await (await fetch('trust/manifest.json')).json();
  $('test-trust').hidden = !manifest.test_only;
  // Roots first, then lists in the manifest's order (each list is checked against the roots).
  for (const file of [...manifest.roots, ...manifest.trust_lists, ...manifest.status_lists]) {
    try { addTrustFile(module, v, await fetchBytes(`trust/${file}`)); }
    catch (e) { console.warn(`trust/${file}: ${e.message}`); }
  }
  for (const { name, data } of addedFiles()) {
    try { addTrustFile(module, v, fromBase64(data)); } catch (e) { console.warn(`${name}: ${e.message}`); }
  }
  return v;
}

function showTrustSummary() { $('trust-summary').textContent = t('trustSummary')(state.trustCounts); }

async function onTrustAdd(event) {
  const messages = [];
  const added = addedFiles();
  let n = 0;
  for (const file of event.target.files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      callCore((c) => addTrustFile(c, state.verifier, bytes));
      added.push({ name: file.name, data: toBase64(bytes) });
      n++;
    } catch (e) { messages.push(t('trustBad')(file.name, e.message)); }
  }
  localStorage.setItem(ADDED_KEY, JSON.stringify(added));
  messages.unshift(t('trustAdded')(n));
  $('trust-message').textContent = messages.join('；');
  showTrustSummary();
  event.target.value = '';
}

async function onTrustReset() {
  localStorage.removeItem(ADDED_KEY);
  let module;
  try { module = callCore((c) => c); } catch (e) { $('trust-message').textContent = e.message; return; }
  const v = await loadTrust(module);
  // (A restart meanwhile has loaded the same files into the fresh instance.)
  if (state.core === module) { state.verifier = v; showTrustSummary(); }
  $('trust-message').textContent = t('trustReset2');
}

// ---------------------------------------------------------------------------------------------
// Showing results.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function fieldList(rows) {
  const dl = el('dl', { class: 'fields' });
  for (const [label, value, mono] of rows) {
    if (value === null || value === undefined || value === '') continue;
    dl.append(el('div', {}, el('dt', {}, label), el('dd', mono ? { class: 'mono' } : {}, String(value))));
  }
  return dl;
}

function licenseRows(license) {
  const rows = [
    [t('type'), state.lang === 'en' && license.type_name_en ? license.type_name_en : license.type_name],
    [t('id'), license.id],
  ];
  for (const f of license.fields) rows.push([state.lang === 'zh' ? f.label_zh : f.label_en, f.value]);
  return rows;
}

function attachmentList(license) {
  if (!license.attachments.length) return '';
  const ul = el('ul');
  for (const a of license.attachments) ul.append(el('li', {}, `${a.file_name} (${a.media_type}, ${a.size})`));
  return el('div', {}, el('h3', {}, t('attachments')), ul);
}

function setVerdict(box, ok, word) {
  box.className = `verdict ${ok ? 'ok' : 'bad'}`;
  box.querySelector('.mark').textContent = ok ? '✓' : '✗';
  box.querySelector('.word').textContent = word;
}

function showVerdict(v) {
  state.shown.verdict = v;
  $('result').hidden = false;
  setVerdict($('verdict'), v.valid, v.valid ? t('valid') : t('invalid'));
  $('verdict').dataset.code = v.valid ? 'valid' : v.code;
  const details = $('details');
  details.replaceChildren();
  if (v.valid) {
    $('reason').textContent = `${t('validReason')} ${v.signer}`;
    const revocation = { checked: t('revChecked'), not_applicable: t('revNA'), unknown: t('revUnknown') }[v.revocation];
    details.append(
      fieldList([...licenseRows(v.license), [t('issuer'), v.signer], [t('root'), v.root], [t('revocation'), revocation]]),
      attachmentList(v.license),
    );
  } else {
    $('reason').textContent = state.lang === 'zh' ? v.reason_zh : v.reason_en;
    if (v.license) {
      const box = el('details', { class: 'unverified' }, el('summary', {}, t('showUnverified')));
      box.append(el('p', {}, el('strong', {}, t('unverified'))), fieldList(licenseRows(v.license)));
      details.append(box);
    }
  }
  $('result').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// A message in the verdict area for input that is not a license at all (no QR found ...).
function showProblem(message) {
  showVerdict({ valid: false, code: 'input', reason_zh: message, reason_en: message, license: null });
}

// The verdict for an input the core could not take (a CoreError), in both languages.
function showCoreProblem(e) {
  showVerdict({ valid: false, code: 'core', reason_zh: WORDS.zh[e.key], reason_en: WORDS.en[e.key], license: null });
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

function showAttachment(a) {
  state.shown.attachment = a;
  $('att-result').hidden = false;
  const details = $('att-details');
  details.replaceChildren();
  if (a.kind === 'none') {
    setVerdict($('att-verdict'), false, '?');
    $('att-verdict').dataset.code = 'none';
    $('att-reason').textContent = t('needRecord');
    details.append(fieldList([[t('actualHash'), a.sha256, true], [t('size'), a.size]]));
    return;
  }
  if (a.kind === 'problem') {
    setVerdict($('att-verdict'), false, t('invalid'));
    $('att-verdict').dataset.code = 'core';
    $('att-reason').textContent = t(a.key);
    return;
  }
  const r = a.r;
  const ok = r.outcome === 'match';
  const word = ok ? t('match') : r.outcome === 'invalid' || r.outcome === 'license_invalid' ? t('invalid') : t('mismatch');
  setVerdict($('att-verdict'), ok, word);
  $('att-verdict').dataset.code = r.outcome === 'invalid' ? r.code : r.outcome;
  if (a.kind === 'attestation') {
    $('att-reason').textContent = ok ? `${r.statement} · ${r.signer}` : (state.lang === 'zh' ? r.reason_zh : r.reason_en);
    details.append(fieldList([
      [t('issuer'), r.signer], [t('statement'), r.statement],
      [t('officer'), [r.officer_name, r.officer_id].filter(Boolean).join(' ')], [t('attestedAt'), r.attested_at],
      [t('fileName'), r.file_name], [t('license'), r.license],
      [t('attestedHash'), r.attested_sha256, true], [t('actualHash'), r.actual_sha256, true], [t('size'), r.actual_size],
    ]));
  } else {
    $('att-reason').textContent = state.lang === 'zh' ? r.reason_zh : r.reason_en;
    details.append(fieldList([
      [t('license'), r.license], [t('fileName'), r.attachment?.file_name],
      [t('actualHash'), r.actual_sha256, true], [t('size'), r.actual_size],
    ]));
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
  $('trust-add').addEventListener('change', onTrustAdd);
  $('trust-reset').addEventListener('click', onTrustReset);
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

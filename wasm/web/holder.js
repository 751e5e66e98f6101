// The holder's side, 出示我的证照 / Show my license: the citizen opens their own license with any
// input of the page (scan, photo, file, pasted text or link), ticks which of its disclosure
// units to show (the ones every presentation must show are ticked and cannot be unticked), and
// gets a presentation on screen: a large QR code and its text to copy. The core makes the
// presentation on this device (`present`, docs/FORMAT.md §11); nothing is sent anywhere. The
// holder's copy itself (which can make any presentation) is never drawn as a QR code.
//
// This module and the third WebAssembly module it uses (elicense_wasm_holder, built from
// wasm/holder: reading the units, making the presentation, drawing its QR code) are loaded when
// the holder's mode first opens (mode.js), so that a visit that only verifies never downloads
// them before it can verify; the service worker fetches both on install, so the mode works
// offline (docs/WEB.md, "Three modules"). Like the other modules it
// aborts on a panic: the call throws a WebAssembly.RuntimeError, the instance is dropped and a
// fresh one is loaded for the next license opened, at most MAX_HOLDER_RESTARTS times.
import { state } from './state.js';
import { t } from './words.js';
import { $, el, setVerdict, verdictLook } from './render.js';
import { now } from './trust.js';
import { CoreError, callCore } from './core.js';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_HOLDER_RESTARTS = 3;

// The holder's module, loading it the first time (and again after a trap).
let loading = null;
function holderModule() {
  if (state.holder) return Promise.resolve(state.holder);
  if (state.holderLoads > MAX_HOLDER_RESTARTS) return Promise.reject(new CoreError('coreBroken'));
  loading ??= (async () => {
    state.holderLoads++;
    try {
      const url = state.holderLoads === 1 ? './elicense_wasm_holder.js' : `./elicense_wasm_holder.js?instance=${state.holderLoads}`;
      const module = await import(url);
      await module.default();
      state.holder = module;
      document.body.dataset.holderLoads = String(state.holderLoads);
      return module;
    } finally { loading = null; }
  })();
  return loading;
}

// Run `f(holderModule)` on the loaded instance. A trap drops it and throws a CoreError.
function callHolder(f) {
  if (!state.holder) throw new CoreError(state.holderLoads > MAX_HOLDER_RESTARTS ? 'coreBroken' : 'coreRestarting');
  try {
    return f(state.holder);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    console.error('elicense holder module trapped:', e);
    state.holder = null;
    throw new CoreError(state.holderLoads > MAX_HOLDER_RESTARTS ? 'coreBroken' : 'coreTrapped');
  }
}

// Start loading the holder's wasm module (mode.js, when the holder's mode opens); a failure is
// said when a license is opened.
export function preload() {
  holderModule().catch((e) => console.info(`holder's module: ${e.message}`));
}

// Open `bytes` (a text's UTF-8: a QR code's text, a pasted text or link, a text file) as the
// holder's own license and show what it can show (once the holder's module is loaded).
export async function openOwn(bytes) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
  } catch {
    return showOwn({ kind: 'message', key: 'holderNotLicense' });
  }
  try {
    // The holder's module draws every code shown here (v1 and plain licenses too).
    try {
      await holderModule();
    } catch (e) {
      if (e instanceof CoreError) throw e;
      // The module could not be fetched (offline before the service worker cached it).
      console.error("elicense holder's module:", e);
      return showOwn({ kind: 'message', key: 'holderUnavailable' });
    }
    const kind = callCore((c) => c.documentKind(bytes));
    const verdict = callCore(() => state.verifier.verify(text, now(), state.requireStatus));
    // Not a license, or not readable (the verdict says why).
    if (kind !== 'license' && kind !== 'license_v2') return showOwn({ kind: 'message', key: 'holderNotLicense', verdict });
    if (kind === 'license') return showOwn({ kind: 'as_is', key: 'holderV1', text, verdict });
    let view;
    try {
      view = callHolder((h) => h.disclosureUnits(text));
    } catch (e) {
      if (e instanceof CoreError || !e.code) throw e;
      return showOwn({ kind: 'failed', error: e, verdict });
    }
    if (view.form === 'plain') return showOwn({ kind: 'as_is', key: 'holderPlain', text, verdict, view });
    if (view.form !== 'holders_copy') return showOwn({ kind: 'message', key: 'holderPresentation', verdict, view });
    // Only the units every presentation must show are ticked at first: the least is shown.
    const chosen = new Set(view.units.flatMap((u, i) => (u.required ? [i] : [])));
    showOwn({ kind: 'choice', text, verdict, view, chosen });
    $('holder').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    showOwn({ kind: 'message', message: e.message });
  }
}

// The presentation showing the chosen units, made by the core: its text, or the core's error.
function presentation(own) {
  const items = own.view.units.flatMap((u, i) => (own.chosen.has(i) ? u.items.map((item) => item.key) : []));
  try {
    return { text: callHolder((h) => h.present(own.text, items)) };
  } catch (e) {
    if (e instanceof CoreError) return { message: e.message };
    if (!e.code) throw e;
    return { error: e };
  }
}

const label = (x) => (state.lang === 'zh' ? x.label_zh : x.label_en);
const joined = (labels) => labels.join(state.lang === 'zh' ? '、' : ', ');
const reasonOf = (e) => (state.lang === 'zh' ? e.reason_zh : e.reason_en) || e.message;

// A QR code of `text` drawn as an SVG (the core's modules; white quiet zone included).
function qrSvg(text) {
  const qr = callHolder((h) => h.qrCode(text));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${qr.side} ${qr.side}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('holderQrTitle'));
  svg.dataset.version = String(qr.version);
  const back = document.createElementNS(SVG, 'rect');
  back.setAttribute('width', String(qr.side));
  back.setAttribute('height', String(qr.side));
  back.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('fill', '#000');
  path.setAttribute('d', qr.path);
  svg.append(back, path);
  return svg;
}

// The code to show and its text with a copy button.
function codeBox(text, shownLine) {
  const box = el('div', { id: 'holder-code' });
  let svg;
  try {
    svg = qrSvg(text);
  } catch (e) {
    if (!(e instanceof CoreError) && !e.code) throw e;
    svg = el('p', { class: 'reason' }, e.message);
  }
  const area = el('textarea', { id: 'holder-text', rows: '4', readonly: 'readonly', spellcheck: 'false' });
  area.value = text;
  const copy = el('button', { type: 'button', id: 'holder-copy', class: 'big' }, t('holderCopy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      area.select();
      document.execCommand('copy');
    }
    copy.textContent = t('holderCopied');
  });
  box.append(el('h3', {}, t('holderQrTitle')), el('div', { id: 'holder-qr' }, svg));
  if (shownLine) box.append(shownLine);
  box.append(el('p', { class: 'hint' }, t('holderTextTitle')), area, copy);
  return box;
}

// What the presentation shows and hides, in words.
function shownLine(own) {
  const shown = [];
  const hidden = [];
  own.view.units.forEach((u, i) => (own.chosen.has(i) ? shown : hidden).push(...u.items.map(label)));
  const p = el('p', { id: 'holder-shown', class: 'holder-shown' }, el('strong', {}, t('holderShows')), joined(shown));
  if (hidden.length) p.append(el('br'), el('strong', {}, t('holderHides')), joined(hidden));
  p.append(el('br'), t('holderAlways'));
  return p;
}

// One checkbox a unit: its items' labels; a required unit ticked and disabled.
function unitChoices(own) {
  const box = el('fieldset', { id: 'holder-units' }, el('legend', {}, t('holderChoose')));
  own.view.units.forEach((u, i) => {
    const input = el('input', { type: 'checkbox', 'data-unit': String(i) });
    input.checked = own.chosen.has(i);
    input.disabled = u.required;
    input.addEventListener('change', () => {
      if (input.checked) own.chosen.add(i);
      else own.chosen.delete(i);
      showOwn(own);
      $('holder-units').querySelector(`[data-unit="${i}"]`)?.focus();
    });
    const text = el('span', {}, joined(u.items.map(label)));
    if (u.required) text.append(el('em', {}, t('holderRequired')));
    box.append(el('label', { class: 'unit', 'data-required': String(u.required) }, input, text));
  });
  return box;
}

// Draw the holder's section for `own` (also after a language switch, from state.own).
export function showOwn(own) {
  state.own = own;
  const section = $('holder');
  section.hidden = false;
  section.dataset.kind = own.kind;
  section.dataset.form = own.view?.form ?? '';
  const body = $('holder-body');
  body.replaceChildren();
  const v = own.verdict;
  const title = own.view ? `${state.lang === 'en' ? own.view.type_name_en : own.view.type_name} [${own.view.type_code}]` : '';
  $('holder-title').textContent = title;
  const box = $('holder-verdict');
  box.hidden = !v;
  if (v) {
    const look = verdictLook(v);
    setVerdict(box, look.ok, `${t('holderYours')}${look.word}`, v.trust_origin);
    box.dataset.code = v.valid ? 'valid' : v.code;
    // A license that does not verify can still be shown, but the holder is told what the other
    // person will see.
    const shows = own.kind === 'choice' || own.kind === 'as_is';
    if (!v.valid) body.append(el('p', { class: 'reason bad' }, shows ? `${reasonOf(v)} — ${t('holderInvalid')}` : reasonOf(v)));
  }
  if (own.kind === 'message') {
    body.append(el('p', { class: 'reason', id: 'holder-message' }, own.key ? t(own.key) : own.message));
    return;
  }
  if (own.kind === 'failed') {
    body.append(el('p', { class: 'reason bad', id: 'holder-message', 'data-code': own.error.code }, reasonOf(own.error)));
    return;
  }
  if (own.kind === 'as_is') {
    body.append(el('p', { class: 'reason', id: 'holder-message' }, t(own.key)), codeBox(own.text, null));
    return;
  }
  body.append(unitChoices(own));
  const made = presentation(own);
  if (made.text) {
    body.append(codeBox(made.text, shownLine(own)));
    section.dataset.presentation = made.text;
  } else {
    delete section.dataset.presentation;
    const code = made.error?.code ?? 'core';
    body.append(el('p', { class: 'reason bad', id: 'holder-message', 'data-code': code }, made.error ? reasonOf(made.error) : made.message));
  }
}

// The page's two modes: verifying (the default) and the holder's, 出示我的证照 / Show my license.
// The holder's side (holder.js and the holder's wasm module, elicense_wasm_holder) is not part of
// the first load: holder.js is imported the first time the holder's mode opens or a license is
// opened in it. The service worker fetched both when it installed, so this works offline
// (docs/WEB.md, "Three modules").
import { state } from './state.js';
import { t } from './words.js';
import { $, showProblem } from './render.js';

let holderPage = null;
// holder.js, imported the first time it is needed (a failed import is tried again next time).
function holder() {
  holderPage ??= import('./holder.js').catch((e) => {
    holderPage = null;
    throw e;
  });
  return holderPage;
}

// Switch between verifying ('verify') and showing one's own license ('holder'). The sections of
// the other mode are hidden by style.css (body[data-mode]); the camera keeps its target.
export function setMode(mode) {
  state.mode = mode;
  document.body.dataset.mode = mode;
  $('mode-verify').setAttribute('aria-pressed', String(mode === 'verify'));
  $('mode-holder').setAttribute('aria-pressed', String(mode === 'holder'));
  // Start loading the holder's side now, so it is ready when a license is opened; a failure
  // (offline before the service worker cached it) is said when one is.
  if (mode === 'holder') holder().then((h) => h.preload(), (e) => console.info(`holder.js: ${e.message}`));
}

// Open `bytes` as the holder's own license (holder.js), or say that the holder's side could not
// be loaded.
export function openOwn(bytes) {
  return holder().then((h) => h.openOwn(bytes), (e) => {
    console.error('elicense holder.js:', e);
    showProblem(t('holderUnavailable'));
  });
}

// Redraw the holder's section in the current language, if it shows something.
export function redrawOwn() {
  if (state.own) holder().then((h) => h.showOwn(state.own), (e) => console.info(`holder.js: ${e.message}`));
}

// The supervision log (电子监察日志, docs/LOG.md): a proof file (`c2sp.org/tlog-proof@v1`) that a
// license is in its department's issuance log, chosen, dropped, pasted, or fetched from a link the
// user gives, and checked offline by the core together with the license (the verdict and the
// proof's result come from one core call, `Verifier.checkLogProof`); the result is shown under
// the verdict, in the core's words. Proofs never travel inside the license QR code. Nothing about
// the license leaves the device: a link is fetched only when the user gives it, without cookies
// or referrer.
import { state } from './state.js';
import { t } from './words.js';
import { $, setVerdict, showVerdict, tone } from './render.js';
import { now } from './trust.js';
import { CoreError, callCore } from './core.js';

// The first line of every proof file (docs/LOG.md §6).
const HEADER = 'c2sp.org/tlog-proof@v1';
// Read at most this much of a proof file or link; the core refuses anything above its own
// limit (MAX_PROOF_LEN, about 20 KB) with a precise reason.
const MAX_READ = 65536;

// Whether `bytes` is a proof file (by its first line), not a license or another document.
export function isProof(bytes) {
  if (bytes.length < HEADER.length) return false;
  for (let i = 0; i < HEADER.length; i++) if (bytes[i] !== HEADER.charCodeAt(i)) return false;
  return true;
}

// Take `bytes`, a proof file, as the proof of the license on screen, or, with none yet, of the
// next license verified.
export function useProof(bytes, name) {
  state.currentProof = { bytes, name, waiting: !state.currentLicense };
  if (state.currentLicense) checkProof();
  else showLog({ kind: 'waiting', name });
}

// A license was just verified (`again`: the same license as before, verified again after a
// setting changed). A proof given before it is checked against it; a proof of an earlier
// license is dropped.
export function licenseShown(again) {
  if (!state.currentProof) return;
  if (again || state.currentProof.waiting) {
    state.currentProof.waiting = false;
    checkProof();
  } else {
    state.currentProof = null;
    state.shown.log = null;
    $('log-result').hidden = true;
  }
}

// The proof held against the license held, in one core call: the verdict is shown again (the
// same as the license's own) and the proof's result under it.
function checkProof() {
  const { bytes, name } = state.currentProof;
  try {
    const r = callCore(() => state.verifier.checkLogProof(state.currentLicense, bytes, now(), state.requireStatus));
    showVerdict(r.verdict);
    showLog({ kind: 'result', r: r.log, trust: r.verdict.trust_origin, name });
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    showLog({ kind: 'problem', key: e.key });
  }
}

export async function onProofFile(event) {
  const file = event.target.files[0];
  event.target.value = '';
  if (file) useProof(new Uint8Array(await file.slice(0, MAX_READ).arrayBuffer()), file.name);
}

// A link to a proof, given by the user: fetched (https, or this page's own server) with no
// cookies and no referrer, so the request says nothing about the license on screen.
export async function onProofLink() {
  const given = $('proof-link').value.trim();
  if (!given) return;
  let url;
  try {
    url = new URL(given, location.href);
  } catch {
    return showLog({ kind: 'fetch', message: t('proofBadLink') });
  }
  if (url.protocol !== 'https:' && url.origin !== location.origin) return showLog({ kind: 'fetch', message: t('proofBadLink') });
  try {
    const response = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer()).slice(0, MAX_READ);
    useProof(bytes, url.pathname.split('/').pop() || url.host);
  } catch (e) {
    showLog({ kind: 'fetch', message: `${t('proofFetchFailed')}（${e.message}）` });
  }
}

// Draw the proof's state in the current language (remembered for a language switch).
export function showLog(s) {
  state.shown.log = s;
  $('log-result').hidden = false;
  const box = $('log-verdict');
  const reason = $('log-reason');
  if (s.kind === 'waiting') {
    setVerdict(box, false, '…');
    box.className = 'verdict pending';
    box.dataset.code = 'waiting';
    reason.textContent = `${t('proofWaiting')}${s.name ? `（${s.name}）` : ''}`;
    return;
  }
  if (s.kind === 'problem' || s.kind === 'fetch') {
    setVerdict(box, false, t('notLogged'));
    box.dataset.code = s.kind === 'problem' ? 'core' : 'fetch';
    reason.textContent = s.kind === 'problem' ? t(s.key) : s.message;
    return;
  }
  const r = s.r;
  const logged = r.outcome === 'logged';
  // Logged under a TEST-ONLY root is amber, never green, like the verdict.
  setVerdict(box, logged && tone(s.trust), logged ? t('logged') : t('notLogged'), s.trust);
  box.dataset.code = logged ? 'logged' : r.code;
  reason.textContent = state.lang === 'zh' ? r.reason_zh : r.reason_en;
  $('log-result').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

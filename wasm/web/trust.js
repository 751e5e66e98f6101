// Trust: the bundled files (trust/manifest.json) plus any the user added (kept in this browser).
// Sits below core.js, which builds the trust of every core instance it loads with loadTrust;
// so the two actions of the page that go into the current instance are given `callCore`.
// Roots say where their trust comes from: bundled (`test` when the manifest is TEST-ONLY) or
// added on this device; verdicts carry it. The highest trust-list sequence seen per root is kept
// in this browser (STATE_KEY) and given to every verifier before any list, so an older list is
// refused as stale even after a reload or "restore" (docs/TRUST.md, "Rollback").
import { state } from './state.js';
import { t } from './words.js';
import { $ } from './render.js';

const ADDED_KEY = 'elicense.trust.added';
const STATE_KEY = 'elicense.trust.state';
const REQUIRE_STATUS_KEY = 'elicense.requireStatus';

// The "require a current revocation check" setting, as this browser keeps it.
export function loadRequireStatus() {
  state.requireStatus = localStorage.getItem(REQUIRE_STATUS_KEY) === 'true';
  $('require-status').checked = state.requireStatus;
}

// Change the setting and keep it in this browser.
export function setRequireStatus(on) {
  state.requireStatus = on;
  localStorage.setItem(REQUIRE_STATUS_KEY, on ? 'true' : 'false');
}
// The time licenses, attestations and trust files are checked at: seconds since the Unix epoch.
export const now = () => Date.now() / 1000;

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Add one trust file to `v`, by what it is: a certificate (PEM or DER; trusted as `origin`) or
// a signed list. A trust list loaded moves the remembered sequences on.
export function addTrustFile(module, v, bytes, origin) {
  const kind = module.documentKind(bytes);
  if (kind === 'trust_list') {
    v.loadTrustList(bytes, now());
    state.trustCounts.lists++;
    localStorage.setItem(STATE_KEY, v.trustState());
  } else if (kind === 'status_list') { v.loadStatusList(bytes, now()); state.trustCounts.status++; }
  else { v.addRoot(bytes, origin); state.trustCounts.roots++; }
}

const toBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const addedFiles = () => JSON.parse(localStorage.getItem(ADDED_KEY) || '[]');

// A verifier of `module` holding the bundled trust files and those the user added.
export async function loadTrust(module) {
  const v = new module.Verifier();
  state.trustCounts = { roots: 0, lists: 0, status: 0 };
  // What this browser has seen before comes first: no list older than that loads.
  const seen = localStorage.getItem(STATE_KEY);
  if (seen) { try { v.remember(seen); } catch (e) { console.warn(`${STATE_KEY}: ${e.message}`); } }
  const manifest = await (await fetch('trust/manifest.json')).json();
  $('test-trust').hidden = !manifest.test_only;
  // The build marks its bundled roots TEST-ONLY (scripts/build-wasm.sh without --trust).
  const bundled = manifest.test_only ? 'test' : 'bundled';
  // Roots first, then lists in the manifest's order (each list is checked against the roots).
  for (const file of [...manifest.roots, ...manifest.trust_lists, ...manifest.status_lists]) {
    try { addTrustFile(module, v, await fetchBytes(`trust/${file}`), bundled); }
    catch (e) { console.warn(`trust/${file}: ${e.message}`); }
  }
  for (const { name, data } of addedFiles()) {
    try { addTrustFile(module, v, fromBase64(data), 'added_on_device'); } catch (e) { console.warn(`${name}: ${e.message}`); }
  }
  return v;
}

// The line that says how many trust files of each kind the verifier holds.
export function showTrustSummary() { $('trust-summary').textContent = t('trustSummary')(state.trustCounts); }

// "Add trust files": each goes into the current instance's verifier (`callCore`, core.js); the
// files it takes are kept in this browser and loaded into every later instance.
export async function onTrustAdd(event, callCore) {
  const messages = [];
  const added = addedFiles();
  let n = 0;
  for (const file of event.target.files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      callCore((c) => addTrustFile(c, state.verifier, bytes, 'added_on_device'));
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

// "Restore the bundled trust lists": forget the added files and rebuild the current instance's
// verifier from the bundled ones. The remembered sequences stay: a bundled list older than one
// seen here is refused (restoring must not roll trust back).
export async function onTrustReset(callCore) {
  localStorage.removeItem(ADDED_KEY);
  let module;
  try { module = callCore((c) => c); } catch (e) { $('trust-message').textContent = e.message; return; }
  const v = await loadTrust(module);
  // (A restart meanwhile has loaded the same files into the fresh instance.)
  if (state.core === module) { state.verifier = v; showTrustSummary(); }
  $('trust-message').textContent = t('trustReset2');
}

// Trust: the bundled files (trust/manifest.json) plus any the user added (kept in this browser).
// Sits below core.js, which builds the trust of every core instance it loads with loadTrust;
// so the two actions of the page that go into the current instance are given `callCore`.
import { state } from './state.js';
import { t } from './words.js';
import { $ } from './render.js';

const ADDED_KEY = 'elicense.trust.added';
// The time licenses, attestations and trust files are checked at: seconds since the Unix epoch.
export const now = () => Date.now() / 1000;

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Add one trust file to `v`, by what it is: a certificate (PEM or DER) or a signed list.
export function addTrustFile(module, v, bytes) {
  const kind = module.documentKind(bytes);
  if (kind === 'trust_list') { v.loadTrustList(bytes, now()); state.trustCounts.lists++; }
  else if (kind === 'status_list') { v.loadStatusList(bytes, now()); state.trustCounts.status++; }
  else { v.addRoot(bytes); state.trustCounts.roots++; }
}

const toBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const addedFiles = () => JSON.parse(localStorage.getItem(ADDED_KEY) || '[]');

// A verifier of `module` holding the bundled trust files and those the user added.
export async function loadTrust(module) {
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

// "Restore the bundled trust lists": forget the added files and rebuild the current instance's
// verifier from the bundled ones.
export async function onTrustReset(callCore) {
  localStorage.removeItem(ADDED_KEY);
  let module;
  try { module = callCore((c) => c); } catch (e) { $('trust-message').textContent = e.message; return; }
  const v = await loadTrust(module);
  // (A restart meanwhile has loaded the same files into the fresh instance.)
  if (state.core === module) { state.verifier = v; showTrustSummary(); }
  $('trust-message').textContent = t('trustReset2');
}

// Licenses and attestations from any input: text, file bytes, a QR code in an image, or the
// page's URL. A license is verified and its verdict shown; an attestation becomes the record.
import { state } from './state.js';
import { t } from './words.js';
import { showCodes, showCoreProblem, showProblem, showVerdict } from './render.js';
import { now } from './trust.js';
import { CoreError, callCore } from './core.js';
import { qrFromImage } from './camera.js';
import { useRecord } from './attach.js';
import { isProof, licenseShown, useProof } from './proof.js';
import { openOwn } from './mode.js';

const utf8 = new TextEncoder();
// The document kinds of licenses (documentKind): version 1 and version 2 (FORMAT.md §10).
const LICENSE_KINDS = ['license', 'license_v2'];

// A license or attestation as text (pasted, read from a QR code, or the page's URL).
export function handleText(text) {
  showCodes(null);
  text = text.trim();
  if (!text) return showProblem(t('empty'));
  handleBytes(utf8.encode(text));
}

// The texts of the QR codes of one image or camera frame. With one, as handleText. With
// several (a license and its attestation stamp photographed together is normal), every code is
// listed with what the page did with it: the first license is verified, the first attestation
// becomes the record, and any other license can be verified instead from the list.
export function handleTexts(texts) {
  if (texts.length <= 1) return handleText(texts[0] ?? '');
  let codes;
  try {
    codes = texts.map((text) => ({ text: text.trim(), kind: callCore((c) => c.documentKind(utf8.encode(text.trim()))) ?? null }));
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    return showCoreProblem(e);
  }
  // The holder's own license: the first code that is a license.
  if (state.mode === 'holder') return handleText((codes.find((c) => LICENSE_KINDS.includes(c.kind)) ?? codes[0]).text);
  // The license to verify: the first code that says it is one, else the first that is not an
  // attestation (its verdict says what is wrong with it).
  const license = codes.find((c) => LICENSE_KINDS.includes(c.kind)) ?? codes.find((c) => c.kind !== 'attestation');
  const record = codes.find((c) => c.kind === 'attestation');
  for (const c of codes) c.role = c === license ? 'verified' : c === record ? 'record' : LICENSE_KINDS.includes(c.kind) ? 'other' : 'ignored';
  if (record) useRecord(utf8.encode(record.text), 'QR');
  if (license) handleBytes(utf8.encode(license.text));
  showCodes({ codes, verify: verifyListed });
}

// "Verify this one" in the list of codes: that license is verified, and the list says so.
function verifyListed(codes, chosen) {
  for (const c of codes) {
    if (c.role === 'verified') c.role = 'other';
    if (c === chosen) c.role = 'verified';
  }
  handleBytes(utf8.encode(chosen.text));
  showCodes({ codes, verify: verifyListed });
}

// Bytes of any input, to the mode on screen: the holder's own license, or verification.
function handleBytes(bytes, name = '') {
  if (state.mode === 'holder') return openOwn(bytes);
  verifyBytes(bytes, name);
}

function verifyBytes(bytes, name = '') {
  if (isProof(bytes)) return useProof(bytes, name);
  try {
    if (callCore((c) => c.documentKind(bytes)) === 'attestation') return useRecord(bytes, '');
    const again = bytes === state.currentLicense;
    state.currentLicense = bytes;
    showVerdict(callCore(() => state.verifier.verifyBytes(bytes, now(), state.requireStatus)));
    licenseShown(again);
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    showCoreProblem(e);
  }
}

// The license shown, verified again (after the "require a current revocation check" setting
// changed).
export function reverify() {
  if (state.currentLicense && state.shown.verdict) verifyBytes(state.currentLicense);
}

// A file dropped, pasted or chosen: an image is searched for a QR code, anything else read as is.
export async function handleFile(file) {
  if (file.type.startsWith('image/')) {
    try { handleTexts(await qrFromImage(file)); }
    catch (e) { if (e instanceof CoreError) showCoreProblem(e); else showProblem(`${t('noQr')}（${e.message}）`); }
    return;
  }
  // A license, attestation or proof file is small; read at most 64 KiB of anything else.
  handleBytes(new Uint8Array(await file.slice(0, 65536).arrayBuffer()), file.name);
}

// Files dropped together: a proof among them is taken after the license it comes with.
export async function handleFiles(files) {
  const proof = (f) => /\.(tlog-)?proof$/i.test(f.name);
  for (const file of [...files.filter((f) => !proof(f)), ...files.filter(proof)]) await handleFile(file);
}

// The license in the page's URL, if the QR code opened the page with one.
export function handleLocation() {
  const fragment = location.hash.slice(1);
  if (!fragment) return;
  // A base45 text (`#EL1:`, `#EL1Z:`, `#EL2:`, `#EL2Z:`) has spaces, which the browser shows as %20 in the
  // fragment; the base64url forms are taken as `#` and the fragment, as FORMAT.md §5 specifies
  // (not with the page's own URL: the core refuses URLs that are not https, and a page opened
  // from a file or a local server is not, though its fragment is what was scanned).
  if (/^EL[12]Z?:/.test(fragment)) {
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
  handleText(`#${fragment}`);
}

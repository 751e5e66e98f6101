// The web verifier's one mutable state. Every field that changes while the page is open lives
// here; the other modules hold constants and functions only, and read and write these fields.
// This module imports nothing: it is the bottom of the page's module graph.
export const state = {
  // The page's language, 'zh' or 'en': read from localStorage at start-up and saved when the
  // user switches (words.js).
  lang: 'zh',

  // The wasm-bindgen glue module of the current core instance, the only one the page calls;
  // null while a fresh instance loads after a trap, or when no more restarts are allowed (core.js).
  core: null,
  // Core instances loaded so far: 1 after start-up, one more for each restart after a trap.
  // Also shown as document.body.dataset.coreLoads.
  coreLoads: 0,
  // Whether an instance is being loaded right now (the first, or a restart after a trap): until
  // it is ready, a call is told to wait, never that the core is broken.
  coreLoading: false,

  // The glue module of the QR decoder's instance (elicense_wasm_qr, qr.js), loaded the first time
  // a photo or camera frame needs it and the browser has no BarcodeDetector; null before that
  // and after a trap. Instances loaded so far (also document.body.dataset.qrLoads).
  qr: null,
  qrLoads: 0,
  // The glue module of the holder's mode (elicense_wasm_holder: disclosureUnits, present, qrCode;
  // holder.js), loaded when the holder's mode first opens, and after a trap. Instances loaded so
  // far (also document.body.dataset.holderLoads).
  holder: null,
  holderLoads: 0,

  // The current instance's Verifier, holding the bundled and the added trust files; null
  // together with `core` (trust.js builds it, core.js sets it).
  verifier: null,
  // How many trust files of each kind `verifier` holds, for the summary line (trust.js).
  trustCounts: { roots: 0, lists: 0, status: 0 },

  // Whether a current revocation check is required (the setting under the trust lists, kept in
  // localStorage like the trust state; the CLI's --require-status): a stale or unknown
  // revocation state is then a verdict of "not valid" (trust.js loads and saves it).
  requireStatus: false,

  // Bytes of the last license verified: a scan is checked against its attachment list when no
  // attestation record is chosen.
  currentLicense: null,
  // The proof file given for the current license (`c2sp.org/tlog-proof@v1`): { bytes, name,
  // waiting } (`waiting`: given before any license, so checked against the next one), or null
  // (proof.js).
  currentProof: null,
  // Bytes of the chosen attestation record (a detached .elatt file or the text of a stamp QR),
  // or null (attach.js).
  currentRecord: null,

  // What is on screen, so that a language switch can redraw it: the verdict shown in #result,
  // the list of the QR codes of one image when it held several (#qr-codes), the attachment
  // result shown in #att-result (render.js) and the log proof's result in #log-result
  // (proof.js), null until there is one.
  shown: { verdict: null, codes: null, attachment: null, log: null },

  // 'verify' (the verifier) or 'holder' (出示我的证照: the citizen shows their own license,
  // holder.js); every input goes to the mode on screen.
  mode: 'verify',
  // The holder's own license on screen (holder.js), to redraw after a language switch or a
  // change of the units ticked: { kind: 'choice' | 'as_is' | 'message' | 'failed', text, verdict,
  // view (the core's DisclosureView), chosen (a Set of unit indexes), key or message }, or null.
  own: null,

  // The camera's MediaStream while scanning, else null (camera.js).
  stream: null,
  // The timer of the next camera frame to decode (setTimeout id).
  scanTimer: 0,
};

// Attachments: the attestation record, then the scan, hashed slice by slice (never read whole)
// and checked against the record, or else against the attachments of the last license verified.
import { state } from './state.js';
import { t } from './words.js';
import { $, showAttachment } from './render.js';
import { now } from './trust.js';
import { CoreError, callCore } from './core.js';
import { qrFromImage } from './camera.js';

const utf8 = new TextEncoder();
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
export function useRecord(bytes, name) {
  state.currentRecord = bytes;
  $('att-record-name').textContent = t('recordLoaded') + (name || 'QR');
  $('attachment').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// Of the QR codes in a stamp photo, the attestation (the first, when none says it is one).
function recordOf(texts) {
  const encoded = texts.map((text) => utf8.encode(text.trim()));
  return encoded.find((bytes) => callCore((c) => c.documentKind(bytes)) === 'attestation') ?? encoded[0];
}

export async function onRecord(event) {
  const file = event.target.files[0];
  if (!file) return;
  try {
    if (file.type.startsWith('image/')) setRecord(recordOf(await qrFromImage(file)), file.name);
    else setRecord(new Uint8Array(await file.slice(0, 65536).arrayBuffer()), file.name);
  } catch (e) {
    state.currentRecord = null;
    $('att-record-name').textContent = e instanceof CoreError ? e.message : `${t('noQr')}（${e.message}）`;
  }
}

export async function onScanFile(event) {
  const file = event.target.files[0];
  event.target.value = '';
  if (file) await checkScan(file);
}

// A file dropped on the attachment area: an attestation (small, and it says so) is taken as the
// record; anything else is the scan to check.
export async function onAttachmentDrop(file) {
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
      showAttachment({ kind: 'license', r: callCore(() => state.verifier.checkLicenseFile(state.currentLicense, digest, now(), state.requireStatus)) });
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

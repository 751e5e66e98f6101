// Node.js tests of the wasm verifier (wasm/pkg-node, built by scripts/build-wasm.sh).
// Run: scripts/build-wasm.sh --test   (or, after a build: cd wasm && npm ci && npm test)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const wasm = require(path.join(root, 'wasm/pkg-node/elicense_wasm.js'));
// The QR decoder is a module of its own (wasm/qr), which the page loads only when it needs it.
const qr = require(path.join(root, 'wasm/pkg-node/elicense_wasm_qr.js'));
const { PNG } = require('pngjs');

const fixture = (p) => readFileSync(path.join(root, 'fixtures', p));
// The instant the fixtures are checked at: 2025-06-01T10:00:00+08:00.
const VERIFY_AT = 1748743200;
assert.equal(VERIFY_AT, Date.parse('2025-06-01T10:00:00+08:00') / 1000);

function loadedVerifier() {
  const v = new wasm.Verifier();
  for (const r of ['fujian-root', 'shanghai-root']) {
    assert.match(v.addRoot(fixture(`trust/roots/${r}.cert.pem`)), /^[0-9a-f]{16}$/);
  }
  for (const l of ['fujian-v2', 'shanghai-v1']) {
    v.loadTrustList(fixture(`trust/lists/${l}.cose`), VERIFY_AT);
  }
  for (const s of ['fuzhou-amr', 'xiamen-traffic-stale']) {
    v.loadStatusList(fixture(`trust/status/${s}.cose`), VERIFY_AT);
  }
  return v;
}

function expected() {
  return readFileSync(path.join(root, 'fixtures/trust/licenses/EXPECTED.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.split('\t').map((s) => s.trim()));
}

test('every trust fixture license gets its expected verdict', () => {
  const v = loadedVerifier();
  const rows = expected();
  const listed = rows.map(([file]) => file).sort();
  const present = readdirSync(path.join(root, 'fixtures/trust/licenses'))
    .filter((f) => f.endsWith('.qr.txt'))
    .sort();
  assert.deepEqual(listed, present, 'EXPECTED.tsv lists exactly the *.qr.txt files');
  assert.ok(rows.length >= 10);
  const mismatches = [];
  for (const [file, want, strict] of rows) {
    const text = fixture(`trust/licenses/${file}`).toString('utf8').trim();
    const verdict = v.verify(text, VERIFY_AT);
    assert.equal(Object.getPrototypeOf(verdict), Object.prototype, 'a plain object');
    const got = verdict.valid ? 'valid' : verdict.code;
    if (got !== want) mismatches.push(`${file}: expected ${want}, got ${got} (${verdict.reason_en})`);
    // The third column: the verdict when a current revocation check is required.
    const required = v.verify(text, VERIFY_AT, true);
    const gotStrict = required.valid ? 'valid' : required.code;
    if (gotStrict !== strict) mismatches.push(`${file} (requireStatus): expected ${strict}, got ${gotStrict}`);
    if (verdict.valid) {
      assert.equal(verdict.code, null, file);
      assert.ok(verdict.signer && verdict.kid && verdict.license?.id, file);
      assert.ok(['checked', 'stale', 'unknown', 'not_applicable'].includes(verdict.revocation), file);
      assert.equal(typeof verdict.revocation_zh, 'string', file);
      if (verdict.revocation !== 'unknown') assert.ok(verdict.trust_list && verdict.trust_list.age_seconds >= 0, file);
      assert.ok(Array.isArray(verdict.license.fields) && verdict.license.fields.length > 0, file);
      // Every fixture type has a built-in template: its name is the template's (FORMAT.md §3.3).
      assert.equal(verdict.license.type_name_source, 'template', file);
      assert.ok(verdict.license.type_code, file);
    } else {
      assert.equal(typeof verdict.reason_zh, 'string', file);
      assert.equal(typeof verdict.reason_en, 'string', file);
    }
  }
  assert.deepEqual(mismatches, []);
});

test('roots carry their origin into verdicts; the trust state keeps an older list out after a restart', () => {
  const root = fixture('trust/roots/fujian-root.cert.pem');
  const good = fixture('trust/licenses/good-chain.qr.txt').toString('utf8').trim();
  assert.equal(loadedVerifier().verify(good, VERIFY_AT).trust_origin, 'given');
  for (const origin of ['bundled', 'added_on_device', 'test']) {
    const v = new wasm.Verifier();
    v.addRoot(root, origin);
    v.addRoot(root, 'added_on_device'); // adding it again changes nothing
    v.loadTrustList(fixture('trust/lists/fujian-v2.cose'), VERIFY_AT);
    const verdict = v.verify(good, VERIFY_AT);
    assert.equal(verdict.trust_origin, origin);
    assert.match(verdict.root_fingerprint, /^[0-9a-f]{64}$/);
  }
  assert.throws(() => new wasm.Verifier().addRoot(root, 'trusted'), (e) => e.code === 'bad_origin');
  // Yesterday's page loaded fujian-v2; today's remembers it before the fraudster's older list.
  const saved = loadedVerifier().trustState();
  const today = new wasm.Verifier();
  today.remember(saved);
  today.addRoot(root);
  assert.throws(() => today.loadTrustList(fixture('trust/lists/fujian-v1.cose'), VERIFY_AT), (e) => e.code === 'stale');
  assert.throws(() => today.remember('{"version":1'), (e) => e.code === 'bad_state');
});

test('an invalid text is a verdict, not an exception', () => {
  const v = loadedVerifier();
  const verdict = v.verify('hello', VERIFY_AT);
  assert.equal(verdict.valid, false);
  assert.equal(verdict.code, 'bad_prefix');
  assert.equal(verdict.license, null);
  const empty = new wasm.Verifier().verify(
    fixture('trust/licenses/good-chain.qr.txt').toString('utf8').trim(),
    VERIFY_AT,
  );
  assert.equal(empty.code, 'unknown_signer');
  assert.ok(empty.license, 'unverified content is still shown');
});

test('loading errors throw an Error with the core message and code', () => {
  const v = loadedVerifier();
  const cases = [
    [() => v.addRoot(new Uint8Array([1, 2, 3])), 'bad_certificate'],
    [() => v.loadTrustList(fixture('trust/lists/fujian-v1.cose'), VERIFY_AT), 'stale'],
    [() => v.loadTrustList(fixture('trust/lists/fujian-v2-tampered.cose'), VERIFY_AT), 'bad_signature'],
    [() => v.loadTrustList(fixture('trust/lists/fujian-future.cose'), VERIFY_AT), 'from_the_future'],
    [() => new wasm.Verifier().loadStatusList(fixture('trust/status/fuzhou-amr.cose'), VERIFY_AT), 'unknown_signer'],
    [() => v.verify('EL1:AAAA', Number.NaN), 'bad_time'],
  ];
  for (const [f, code] of cases) {
    assert.throws(f, (e) => {
      assert.ok(e instanceof Error, 'an Error');
      assert.equal(e.code, code, e.message);
      assert.ok(e.message.length > 0);
      return true;
    });
  }
  // Loading the same list again is accepted (no change).
  v.loadTrustList(fixture('trust/lists/fujian-v2.cose'), VERIFY_AT);
});

test('decodeQr (the decoder module) reads the driving permit QR code from its PNG', () => {
  const png = PNG.sync.read(fixture('licenses/driving-permit.qr.png'));
  assert.equal(png.data.length, png.width * png.height * 4);
  const texts = qr.decodeQr(png.data, png.width, png.height);
  const want = fixture('licenses/driving-permit.qr.txt').toString('utf8').trim();
  assert.deepEqual(texts, [want]);
  // The same frame as 8-bit grayscale.
  const gray = png.data.filter((_, i) => i % 4 === 0);
  assert.deepEqual(qr.decodeQrLuma(gray, png.width, png.height), [want]);
  assert.throws(() => qr.decodeQrLuma(gray.subarray(1), png.width, png.height), /not a valid frame/);
});

test('decodeQrPass reads an inverted code in pass 2 only (and 6: modulo 4)', () => {
  const png = PNG.sync.read(fixture('licenses/driving-permit.qr.png'));
  const inverted = png.data.map((v, i) => (i % 4 === 3 ? v : 255 - v));
  const want = fixture('licenses/driving-permit.qr.txt').toString('utf8').trim();
  assert.throws(() => qr.decodeQrPass(inverted, png.width, png.height, 0), /no QR code found/);
  assert.deepEqual(qr.decodeQrPass(inverted, png.width, png.height, 2), [want]);
  assert.deepEqual(qr.decodeQrPass(inverted, png.width, png.height, 6), [want]);
  assert.deepEqual(qr.decodeQrPass(png.data, png.width, png.height, 0), [want]);
});

test('decodeQr (the decoder module) throws on a frame without a code or of the wrong size', () => {
  const blank = new Uint8Array(64 * 64 * 4).fill(255);
  assert.throws(() => qr.decodeQr(blank, 64, 64), /no QR code found/);
  assert.throws(() => qr.decodeQr(blank, 65, 64), /not a valid frame/);
  assert.throws(() => qr.decodeQr(blank.subarray(1), 64, 64), /not a valid frame/);
});

// Hash a file slice by slice, as the web page does with File.slice().
test('the main module has no QR decoder (it is the second module)', () => {
  assert.equal(wasm.decodeQr, undefined);
  assert.equal(wasm.decodeQrLuma, undefined);
  assert.deepEqual(Object.keys(qr).filter((k) => !k.startsWith('__')).sort(), ['decodeQr', 'decodeQrLuma', 'decodeQrPass']);
});

function digestOf(bytes, piece = 4096) {
  const h = new wasm.FileHasher();
  for (let i = 0; i < bytes.length; i += piece) h.update(bytes.subarray(i, i + piece));
  return h.finish();
}

test('FileHasher gives the SHA-256 and size whatever the slice size', () => {
  const empty = new wasm.FileHasher().finish();
  assert.equal(empty.sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(empty.size, 0);
  const pdf = fixture('attachments/floor-plan.pdf');
  const whole = digestOf(pdf, pdf.length);
  assert.equal(whole.size, pdf.length);
  for (const piece of [1, 7, 1000]) assert.equal(digestOf(pdf, piece).sha256, whole.sha256);
  // Node's own SHA-256 agrees.
  const { createHash } = require('node:crypto');
  assert.equal(whole.sha256, createHash('sha256').update(pdf).digest('hex'));
});

test('every attestation fixture gets its expected outcome', () => {
  const v = loadedVerifier();
  const rows = readFileSync(path.join(root, 'fixtures/attestations/EXPECTED.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  assert.ok(rows.length >= 8);
  for (const [att, file, want] of rows) {
    const d = digestOf(fixture(`attachments/${file}`));
    const r = v.verifyAttachment(d, fixture(`attestations/${att}`), VERIFY_AT);
    const got = r.outcome === 'invalid' ? r.code : r.outcome;
    assert.equal(got, want, `${att} against ${file}: ${r.reason_en}`);
    assert.equal(r.actual_sha256, d.sha256);
    if (r.outcome !== 'invalid') assert.ok(r.attested_sha256 && r.signer && r.statement, att);
    // Attested 2025-05-30 15:04:05 in Beijing (fixtures/src/attest.rs), shown in UTC+8.
    if (r.outcome !== 'invalid') assert.equal(r.attested_at, '2025-05-30T15:04:05+08:00', att);
    if (r.outcome === 'match') assert.equal(r.attested_sha256, r.actual_sha256);
    if (r.outcome === 'mismatch') assert.notEqual(r.attested_sha256, r.actual_sha256);
  }
});

test('documentKind routes licenses, stamps and other files', () => {
  const stamp = fixture('attestations/business-license-scan.stamp.txt');
  assert.equal(wasm.documentKind(stamp), 'attestation');
  assert.equal(wasm.documentKind(fixture('attestations/floor-plan.pdf.elatt')), 'attestation');
  assert.equal(wasm.documentKind(fixture('licenses/driving-permit.cose')), 'license');
  assert.equal(wasm.documentKind(fixture('licenses/driving-permit.url.txt')), 'license');
  assert.equal(wasm.documentKind(fixture('trust/lists/fujian-v2.cose')), 'trust_list');
  assert.equal(wasm.documentKind(fixture('attachments/floor-plan.pdf')), undefined);
});

test('checkLicenseFile finds a file among a license\'s attachments by content', () => {
  const v = loadedVerifier();
  const license = fixture('licenses/real-estate-with-attachments.cose');
  assert.equal(v.verifyBytes(license, VERIFY_AT).valid, true);
  const plan = v.checkLicenseFile(license, digestOf(fixture('attachments/floor-plan.pdf')), VERIFY_AT);
  assert.equal(plan.outcome, 'match');
  assert.equal(plan.attachment.file_name, 'floor-plan.pdf');
  const other = v.checkLicenseFile(license, digestOf(fixture('attachments/business-license-scan.jpg')), VERIFY_AT);
  assert.equal(other.outcome, 'not_listed');
  const untrusted = new wasm.Verifier().checkLicenseFile(license, digestOf(fixture('attachments/floor-plan.pdf')), VERIFY_AT);
  assert.equal(untrusted.outcome, 'license_invalid');
  assert.equal(untrusted.code, 'unknown_signer');
  // Two months later the 上海 trust list has expired: the license's revocation is unknown, which
  // a check requiring a current revocation status refuses.
  const later = VERIFY_AT + 60 * 86400;
  assert.equal(v.checkLicenseFile(license, digestOf(fixture('attachments/floor-plan.pdf')), later).outcome, 'match');
  const strict = v.checkLicenseFile(license, digestOf(fixture('attachments/floor-plan.pdf')), later, true);
  assert.equal(strict.outcome, 'license_invalid');
  assert.equal(strict.code, 'revocation_unknown');
});

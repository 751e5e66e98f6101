// Format version 2 in the wasm modules under Node.js (wasm/pkg-node, built by
// scripts/build-wasm.sh): a holder's disclosure units, presentations made with `present` and
// `qrCode` (the holder's module, elicense_wasm_holder) and verified (the verifier's module), the
// identity number masked in the view, and the invalid fixtures' codes.
// Run: scripts/build-wasm.sh --test   (or, after a build: node --test wasm/tests/node/)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const wasm = require(path.join(root, 'wasm/pkg-node/elicense_wasm.js'));
// The holder's mode is a module of its own (wasm/holder), which the page loads when the mode opens.
const holder = require(path.join(root, 'wasm/pkg-node/elicense_wasm_holder.js'));

const fixture = (p) => readFileSync(path.join(root, 'fixtures', p));
const text = (p) => fixture(p).toString('utf8').trim();
// 2025-06-01T10:00:00+08:00, the fixtures' instant.
const VERIFY_AT = 1748743200;
const HOLDERS_COPY = text('licenses/v2/driving-permit.qr.txt');
const PRESENTATION = text('licenses/v2/driving-permit.presentation.qr.txt');

function verifier() {
  const v = new wasm.Verifier();
  for (const r of ['fujian-root', 'shanghai-root']) v.addRoot(fixture(`trust/roots/${r}.cert.pem`));
  for (const l of ['fujian-v2', 'shanghai-v1']) v.loadTrustList(fixture(`trust/lists/${l}.cose`), VERIFY_AT);
  return v;
}

// The error `f` throws: its code and words.
function thrown(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Error);
    return { code: e.code, zh: e.reason_zh, en: e.reason_en, message: e.message };
  }
  assert.fail('did not throw');
}

test('disclosureUnits: the driving permit\'s units, labelled, the name required', () => {
  const view = holder.disclosureUnits(HOLDERS_COPY);
  assert.equal(Object.getPrototypeOf(view), Object.prototype, 'a plain object');
  assert.deepEqual(
    { type_code: view.type_code, type_name: view.type_name, type_name_en: view.type_name_en, form: view.form },
    { type_code: 'JSZ', type_name: '机动车驾驶证', type_name_en: view.type_name_en, form: 'holders_copy' },
  );
  assert.ok(view.type_name_en.length > 0);
  assert.deepEqual(view.units.map((u) => [u.required, u.items.map((i) => i.key)]), [
    [true, ['holder_name']],
    [false, ['holder_id', 'sex', 'nationality', 'birth_date', 'archive_number', 'photo_sha256']],
  ]);
  assert.deepEqual(view.units[0].items[0], { key: 'holder_name', label_zh: '持证主体', label_en: 'Holder' });
  assert.deepEqual(view.units[1].items[0], { key: 'holder_id', label_zh: '公民身份号码', label_en: 'Resident identity number' });
  assert.deepEqual(view.units[1].items[1], { key: 'sex', label_zh: '性别', label_en: 'Sex' });
  // The other forms say what they are; a plain license has no units.
  assert.equal(holder.disclosureUnits(PRESENTATION).form, 'presentation');
  const plain = holder.disclosureUnits(text('licenses/v2/business-license.qr.txt'));
  assert.deepEqual([plain.form, plain.units], ['plain', []]);
  // Not a version-2 license: an Error with the reason code and both languages.
  const junk = thrown(() => holder.disclosureUnits('hello'));
  assert.equal(junk.code, 'bad_prefix');
  assert.ok(junk.zh && junk.en);
  assert.equal(thrown(() => holder.disclosureUnits(text('invalid/v2-unknown-dictionary.txt'))).code, 'unknown_dictionary');
});

test('present: the minimum is the fixture presentation, valid, with the hidden rows not shown', () => {
  const shown = holder.present(HOLDERS_COPY, ['holder_name']);
  assert.equal(shown, PRESENTATION);
  const v = verifier().verify(shown, VERIFY_AT);
  assert.equal(v.valid, true, v.reason_en);
  assert.equal(v.license.partial, true);
  const rows = Object.fromEntries(v.license.fields.map((f) => [f.key, f]));
  assert.equal(rows.holder_name.value, '李四');
  for (const key of ['holder_id', 'sex', 'nationality', 'birth_date', 'archive_number']) {
    assert.equal(rows[key].not_shown, true, key);
    assert.equal(rows[key].value, '', key);
  }
  assert.equal(rows.holder_id.masked, undefined);
  assert.equal(rows.vehicle_class.value, 'C1');
  assert.ok(!JSON.stringify(v).includes('350203198506151233'));
  // An item of a unit shows the whole unit.
  const more = verifier().verify(holder.present(HOLDERS_COPY, ['holder_name', 'sex']), VERIFY_AT);
  assert.equal(more.valid, true);
  assert.equal(more.license.partial, false);
  assert.equal(more.license.fields.find((f) => f.key === 'holder_id').value, '350203198506151233');
});

test('present refuses what it cannot make, with the core\'s reason', () => {
  const below = thrown(() => holder.present(HOLDERS_COPY, []));
  assert.equal(below.code, 'below_minimum_disclosure');
  assert.ok(below.zh.length > 0);
  assert.match(below.en, /holder_name/);
  assert.equal(thrown(() => holder.present(HOLDERS_COPY, ['holder_id'])).code, 'below_minimum_disclosure');
  // Only a holder's copy (with its seed) makes presentations.
  assert.equal(thrown(() => holder.present(PRESENTATION, ['holder_name'])).code, 'bad_license');
  assert.equal(thrown(() => holder.present(text('licenses/v2/business-license.qr.txt'), [])).code, 'bad_license');
  assert.match(thrown(() => holder.present(HOLDERS_COPY, ['holder_name', 'shoe_size'])).en, /shoe_size/);
  assert.equal(thrown(() => holder.present('hello', ['holder_name'])).code, 'bad_prefix');
});

test('the holder\'s copy verified: the identity number is given masked beside its value', () => {
  const v = verifier().verify(HOLDERS_COPY, VERIFY_AT);
  assert.equal(v.valid, true, v.reason_en);
  assert.equal(v.license.partial, false);
  const id = v.license.fields.find((f) => f.key === 'holder_id');
  assert.deepEqual([id.value, id.masked, id.not_shown], ['350203198506151233', '3502**********1233', undefined]);
  assert.equal(wasm.documentKind(Buffer.from(HOLDERS_COPY)), 'license_v2');
  assert.equal(wasm.documentKind(Buffer.from(PRESENTATION)), 'license_v2');
});

test('qrCode: the modules of a text with the quiet zone, as SVG path data', () => {
  const qr = holder.qrCode(PRESENTATION);
  assert.ok(qr.version >= 1 && qr.version <= 40);
  assert.equal(qr.side, 17 + 4 * qr.version + 8);
  assert.match(qr.path, /^(M\d+ \d+h\d+v1h-\d+z)+$/);
  // Larger text, larger code; too much text throws.
  assert.ok(holder.qrCode(HOLDERS_COPY.repeat(3)).version > qr.version);
  assert.throws(() => holder.qrCode('x'.repeat(5000)), (e) => e.code === 'too_long');
});

test('the invalid version-2 fixtures get their reason codes', () => {
  const rows = text('invalid/EXPECTED.tsv').split('\n').filter((l) => l.startsWith('v2-')).map((l) => l.split('\t').map((s) => s.trim()));
  assert.equal(rows.length, 3);
  const v = verifier();
  for (const [file, code] of rows) assert.equal(v.verify(text(`invalid/${file}`), VERIFY_AT).code, code, file);
});

test('the holder\'s mode is only in the holder\'s module, which holds no verifier', () => {
  for (const name of ['disclosureUnits', 'present', 'qrCode']) {
    assert.equal(typeof holder[name], 'function', name);
    assert.equal(wasm[name], undefined, `the verifier's module (first load) exports ${name}`);
  }
  assert.equal(holder.Verifier, undefined);
});

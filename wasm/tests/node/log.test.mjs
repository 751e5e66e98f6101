// Node.js tests of the wasm verifier's proof-of-logging check (Verifier.checkLogProof,
// docs/LOG.md §6): the committed proofs of fixtures/log against the committed licenses.
// Run: scripts/build-wasm.sh --test   (or, after a build: cd wasm && npm test)
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

const fixture = (p) => readFileSync(path.join(root, 'fixtures', p));
// 2025-06-01T10:00:00+08:00, the instant the fixtures are checked at.
const VERIFY_AT = 1748743200;
const ORIGIN = 'elicense/log/11350200MB0398765Q';
const WITNESS = 'elicense/witness/11310000MB0000001C';

// The page's trust: the Fujian and Shanghai roots and lists (and, with `logs`, the Fujian list
// that names its departments' logs and their witness).
function verifier(logs = false) {
  const v = new wasm.Verifier();
  for (const r of ['fujian-root', 'shanghai-root']) v.addRoot(fixture(`trust/roots/${r}.cert.pem`));
  for (const l of ['fujian-v2', 'shanghai-v1']) v.loadTrustList(fixture(`trust/lists/${l}.cose`), VERIFY_AT);
  if (logs) v.loadTrustList(fixture('log/fujian-with-logs.cose'), VERIFY_AT);
  return v;
}

const permit = () => fixture('licenses/driving-permit.cose');

test('a valid proof: the license is valid and logged, entry 0 of 3, in both languages', () => {
  const r = verifier().checkLogProof(permit(), fixture('log/driving-permit.proof'), VERIFY_AT);
  assert.equal(Object.getPrototypeOf(r), Object.prototype, 'a plain object');
  assert.equal(r.verdict.valid, true);
  assert.equal(r.log.outcome, 'logged');
  assert.equal(r.log.code, null);
  assert.equal(r.log.origin, ORIGIN);
  assert.equal(r.log.index, 0);
  assert.equal(r.log.size, 3);
  assert.deepEqual(r.log.witnessed_by, []);
  assert.equal(r.log.reason_zh, `已登记在监察日志（日志 ${ORIGIN}，第 0 条，共 3 条，见证：无）`);
  assert.match(r.log.reason_en, /^Logged in the supervision log \(log elicense\/log\/11350200MB0398765Q, entry 0 of 3/);
  // The QR text of the same license, as UTF-8 bytes: the same result.
  const text = fixture('licenses/driving-permit.qr.txt');
  assert.deepEqual(verifier().checkLogProof(text, fixture('log/driving-permit.proof'), VERIFY_AT).log, r.log);
});

test('under a trust list naming the log, the witness is named', () => {
  const r = verifier(true).checkLogProof(permit(), fixture('log/driving-permit.proof'), VERIFY_AT);
  assert.equal(r.log.outcome, 'logged', r.log.reason_en);
  assert.deepEqual(r.log.witnessed_by, [WITNESS]);
  assert.ok(r.log.reason_zh.endsWith(`见证：${WITNESS}）`), r.log.reason_zh);
});

test('a proof for another license and a tampered proof are refused, with the core\'s reasons', () => {
  const other = verifier().checkLogProof(permit(), fixture('log/type-mismatch.proof'), VERIFY_AT);
  assert.equal(other.verdict.valid, true);
  assert.equal(other.log.outcome, 'not_logged');
  assert.equal(other.log.code, 'other_document');
  assert.equal(other.log.reason_zh, '这份登记证明属于另一份证照，不是这一份');
  assert.equal(other.log.index, null);
  const tampered = verifier().checkLogProof(permit(), fixture('log/driving-permit-tampered.proof'), VERIFY_AT);
  assert.equal(tampered.log.outcome, 'not_logged');
  assert.equal(tampered.log.code, 'not_included');
  assert.match(tampered.log.reason_en, /^not shown logged: inclusion/);
  const junk = verifier().checkLogProof(permit(), new TextEncoder().encode('c2sp.org/tlog-proof@v1\nnonsense\n'), VERIFY_AT);
  assert.equal(junk.log.code, 'proof_malformed');
});

test('an invalid license is not shown logged, and requireStatus applies first', () => {
  const bad = verifier().checkLogProof(fixture('trust/licenses/type-mismatch.qr.txt'), fixture('log/type-mismatch.proof'), VERIFY_AT);
  assert.equal(bad.verdict.valid, false);
  assert.equal(bad.log.outcome, 'license_invalid');
  assert.equal(bad.log.code, 'type_mismatch');
  // No status list loaded for the driving permit's department: required, it is invalid.
  const strict = verifier().checkLogProof(permit(), fixture('log/driving-permit.proof'), VERIFY_AT, true);
  assert.equal(strict.verdict.valid, false);
  assert.equal(strict.log.outcome, 'license_invalid');
  assert.equal(strict.log.code, strict.verdict.code);
});

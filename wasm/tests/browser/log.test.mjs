// The web verifier's supervision-log proofs (wasm/web/proof.js, docs/LOG.md §6) in real headless
// Chromium: a proof file dropped after a license, with it, chosen, or fetched from a link the user
// gives, checked offline by the core; a proof for another license and a tampered proof are
// refused with the core's reason. Screenshots go to test-artifacts/web/.
//
// Run: scripts/build-wasm.sh --test   (or, after a build: node --test wasm/tests/browser/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serve } from './serve.mjs';
import { dropFiles } from './drop.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const fixturePath = (p) => path.join(root, 'fixtures', p);
const artifacts = path.join(root, 'test-artifacts/web');
mkdirSync(artifacts, { recursive: true });

const VERIFY_AT = new Date('2025-06-01T10:00:00+08:00');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ORIGIN = 'elicense/log/11350200MB0398765Q';

// A proof served by the page's own server, for the link test (the page fetches only https links
// or its own origin's); removed after.
const servedProof = path.join(root, 'wasm/dist/test-driving-permit.proof');
let server;
let browser;
before(async () => {
  const dist = path.join(root, 'wasm/dist');
  copyFileSync(fixturePath('log/driving-permit.proof'), servedProof);
  server = await serve(dist);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(servedProof, { force: true });
});

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.clock.setFixedTime(VERIFY_AT);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return { context, page, errors };
}

// The proof's result once shown (after clearing the last one): code, word, colour, reason.
async function logResult(page) {
  await page.waitForFunction(() => {
    const c = document.querySelector('#log-verdict')?.dataset.code;
    return c && c !== 'waiting';
  }, null, { timeout: 30000 });
  return page.$eval('#log-verdict', (el) => ({
    code: el.dataset.code,
    word: el.querySelector('.word').textContent,
    tone: el.classList.contains('ok') ? 'ok' : el.classList.contains('test') ? 'test' : 'bad',
    reason: document.querySelector('#log-reason').textContent,
  }));
}
const clear = (page) => page.$eval('#log-verdict', (el) => delete el.dataset.code);
const licenseVerdict = (page) => page.waitForFunction(() => document.querySelector('#verdict')?.dataset.code, null, { timeout: 30000 })
  .then(() => page.$eval('#verdict', (el) => el.dataset.code));

test('a proof dropped after its license: logged, with the entry; another license\'s and a tampered proof refused', async () => {
  const { context, page, errors } = await openPage();
  await dropFiles(page, 'h1', [fixturePath('licenses/driving-permit.cose')]);
  assert.equal(await licenseVerdict(page), 'valid');
  await dropFiles(page, 'h1', [fixturePath('log/driving-permit.proof')]);
  const logged = await logResult(page);
  // Under the bundled TEST-ONLY roots: amber, never green.
  assert.deepEqual({ code: logged.code, word: logged.word, tone: logged.tone }, { code: 'logged', word: '已登记', tone: 'test' });
  assert.equal(logged.reason, `已登记在监察日志（日志 ${ORIGIN}，第 0 条，共 3 条，见证：无）`);
  await page.screenshot({ path: path.join(artifacts, 'log-proof-logged.png'), fullPage: true });
  // The language switch redraws it in English.
  await page.click('#lang');
  assert.match(await page.textContent('#log-reason'), /^Logged in the supervision log \(log elicense\/log\/11350200MB0398765Q, entry 0 of 3/);
  await page.click('#lang');

  await clear(page);
  await dropFiles(page, 'h1', [fixturePath('log/type-mismatch.proof')]);
  const other = await logResult(page);
  assert.deepEqual(other, { code: 'other_document', word: '未证明已登记', tone: 'bad', reason: '这份登记证明属于另一份证照，不是这一份' });
  // The license's own verdict is unchanged.
  assert.equal(await page.$eval('#verdict', (el) => el.dataset.code), 'valid');

  await clear(page);
  await dropFiles(page, 'h1', [fixturePath('log/driving-permit-tampered.proof')]);
  const tampered = await logResult(page);
  assert.equal(tampered.code, 'not_included');
  assert.equal(tampered.tone, 'bad');
  assert.match(tampered.reason, /包含证明不成立/);
  await page.screenshot({ path: path.join(artifacts, 'log-proof-tampered.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a proof dropped with its license, or before it, is checked against it; a new license drops an old proof', async () => {
  const { context, page, errors } = await openPage();
  // Together in one drop, the proof first in the list.
  await dropFiles(page, 'h1', [fixturePath('log/driving-permit.proof'), fixturePath('licenses/driving-permit.cose')]);
  assert.equal((await logResult(page)).code, 'logged');
  // Another license verified: the proof was for the earlier one, so it is no longer shown.
  await page.$eval('#verdict', (el) => delete el.dataset.code);
  await dropFiles(page, 'h1', [fixturePath('licenses/business-license.cose')]);
  assert.equal(await licenseVerdict(page), 'valid');
  assert.equal(await page.$eval('#log-result', (el) => el.hidden), true);
  await context.close();

  // A proof alone first: it waits for its license.
  const second = await openPage();
  await second.page.setInputFiles('#proof-file', fixturePath('log/driving-permit.proof'));
  await second.page.waitForFunction(() => document.querySelector('#log-verdict')?.dataset.code === 'waiting');
  assert.match(await second.page.textContent('#log-reason'), /请再核验它所属的证照/);
  await dropFiles(second.page, 'h1', [fixturePath('licenses/driving-permit.cose')]);
  assert.equal((await logResult(second.page)).code, 'logged');
  assert.deepEqual([...errors, ...second.errors], []);
  await second.context.close();
});

test('a proof from a link the user gives is fetched and checked; a non-https link is refused', async () => {
  const { context, page, errors } = await openPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await dropFiles(page, 'h1', [fixturePath('licenses/driving-permit.cose')]);
  assert.equal(await licenseVerdict(page), 'valid');
  const before = requests.length;
  await page.fill('#proof-link', `${server.url}/test-driving-permit.proof`);
  await page.click('#proof-fetch');
  assert.equal((await logResult(page)).code, 'logged');
  // Exactly the one request for the proof, to the link given.
  assert.deepEqual(requests.slice(before), [`${server.url}/test-driving-permit.proof`]);
  await clear(page);
  await page.fill('#proof-link', 'http://example.invalid/x.proof');
  await page.click('#proof-fetch');
  const refused = await logResult(page);
  assert.equal(refused.code, 'fetch');
  assert.match(refused.reason, /https/);
  assert.deepEqual(errors, []);
  await context.close();
});

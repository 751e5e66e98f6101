// The web verifier (wasm/dist, built by scripts/build-wasm.sh) in real headless Chromium, driven
// by playwright-core, served on 127.0.0.1. Screenshots go to test-artifacts/web/.
//
// Run: scripts/build-wasm.sh --test   (or, after a build: node --test wasm/tests/browser/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { serve } from './serve.mjs';
import { dropFiles } from './drop.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const { PNG } = require('pngjs');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const fixturePath = (p) => path.join(root, 'fixtures', p);
const fixture = (p) => readFileSync(fixturePath(p));
const text = (p) => fixture(p).toString('utf8').trim();
const artifacts = path.join(root, 'test-artifacts/web');
mkdirSync(artifacts, { recursive: true });
const work = path.join(os.tmpdir(), `elicense-web-${process.pid}`);
mkdirSync(work, { recursive: true });

// The fixtures' verdicts hold at this instant (fixtures/src/lib.rs VERIFY_AT).
const VERIFY_AT = new Date('2025-06-01T10:00:00+08:00');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BASE_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let server;
let browser;
before(async () => {
  server = await serve(path.join(root, 'wasm/dist'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(b = browser, { hash = '', width = 360, height = 780, before = null, serviceWorkers = 'allow' } = {}) {
  const context = await b.newContext({ viewport: { width, height }, deviceScaleFactor: 1, serviceWorkers });
  if (before) await before(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.clock.setFixedTime(VERIFY_AT);
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return { context, page, errors };
}

async function verdict(page, selector = '#verdict') {
  await page.waitForFunction((s) => document.querySelector(s)?.dataset.code, selector, { timeout: 30000 });
  return page.$eval(selector, (el) => ({
    code: el.dataset.code,
    word: el.querySelector('.word').textContent,
    ok: el.classList.contains('ok'),
    // Amber: valid only under a TEST-ONLY root, or with a stale or unknown revocation state.
    ...(el.classList.contains('test') ? { test: true } : {}),
  }));
}

// The default build bundles the TEST-ONLY fixture roots: their valid licenses and matching files
// are amber 测试/演示, never the plain green 有效 (issue 17, item 10).
const DEMO = { code: 'valid', word: '测试/演示', ok: false, test: true };
const DEMO_MATCH = { code: 'match', word: '测试/演示', ok: false, test: true };

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

test('a license in the URL fragment is verified on load, with Chinese labels', async () => {
  const url = text('licenses/driving-permit.url.txt');
  const { context, page, errors } = await openPage(browser, { hash: url.slice(url.indexOf('#')) });
  const v = await verdict(page);
  assert.deepEqual(v, DEMO);
  const body = await page.textContent('#result');
  assert.match(body, /厦门市公安局交通警察支队/);
  assert.match(body, /签发机关/);
  // The type with its code (FORMAT.md §3.3).
  assert.match(body, /机动车驾驶证 \[JSZ\]/);
  // The test trust banner is shown: the bundled lists are the TEST-ONLY fixtures.
  assert.equal(await page.isVisible('#test-trust'), true);
  // Fits a 360 px screen: nothing wider than the viewport.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  await shot(page, 'fragment-valid-zh');
  // English toggle redraws the verdict and labels.
  await page.click('#lang');
  assert.equal((await verdict(page)).word, 'Test / demo');
  assert.match(await page.textContent('#result'), /Issued by/);
  await shot(page, 'fragment-valid-en');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a base45 text in the fragment (#EL1Z:..., spaces as %20) is verified too', async () => {
  const t = text('licenses/business-license.qr.txt');
  assert.match(t, /^EL1Z?:.* /, 'a base45 text with spaces');
  const { context, page, errors } = await openPage(browser, { hash: `#${t}` });
  assert.ok((await page.evaluate(() => location.hash)).includes('%20'), 'the browser encodes spaces');
  assert.deepEqual(await verdict(page), DEMO);
  assert.match(await page.textContent('#result'), /福州市市场监督管理局/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('every script module of the page is loaded, with no console error or failed request', async () => {
  // The page's modules: every .js file of wasm/web except the service worker.
  const modules = readdirSync(path.join(root, 'wasm/web')).filter((f) => f.endsWith('.js') && f !== 'sw.js');
  assert.ok(modules.length > 0);
  const problems = [];
  const loaded = new Set();
  const watch = (context) => {
    context.on('console', (m) => {
      // Chromium asks for /favicon.ico by itself; the page has none and links none.
      if (new URL(m.location().url || 'about:blank').pathname === '/favicon.ico') return;
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
    });
    context.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    context.on('response', (r) => {
      if (r.status() === 200) loaded.add(new URL(r.url()).pathname.slice(1));
      else problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
  };
  const { context, page, errors } = await openPage(browser, { before: watch });
  // The service worker is registered last: wait for it, so that its errors would show too.
  await page.evaluate(() => navigator.serviceWorker.ready);
  assert.equal(await page.$eval('body', (b) => b.dataset.coreLoads), '1');
  assert.match(await page.textContent('#trust-summary'), /已信任：2 个根证书，2 个信任列表，1 个撤销列表/);
  for (const m of modules) assert.ok(loaded.has(m), `${m} was not loaded (loaded: ${[...loaded].join(' ')})`);
  assert.deepEqual(problems, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the language chosen is kept across visits (localStorage elicense.lang)', async () => {
  const { context, page, errors } = await openPage();
  const words = () => page.evaluate(() => ({
    lang: document.documentElement.lang, title: document.title, h1: document.querySelector('h1').textContent,
    button: document.querySelector('#lang').textContent, label: document.querySelector('#lang').getAttribute('aria-label'),
    saved: localStorage.getItem('elicense.lang'),
  }));
  assert.deepEqual(await words(), {
    lang: 'zh-CN', title: '电子证照核验 · E-License Verifier', h1: '电子证照核验', button: 'English', label: 'English', saved: null,
  });
  await page.click('#lang');
  const english = {
    lang: 'en', title: 'E-License Verifier · 电子证照核验', h1: 'E-License Verifier', button: '中文', label: '中文', saved: 'en',
  };
  assert.deepEqual(await words(), english);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await words(), english);
  assert.match(await page.textContent('#trust-summary'), /^Trusted: 2 root certificate\(s\), 2 trust list\(s\), 1 status list\(s\)$/);
  assert.equal(await page.textContent('#loading'), 'Loading…');
  await page.click('#lang');
  assert.equal((await words()).saved, 'zh');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal((await words()).h1, '电子证照核验');
  assert.deepEqual(errors, []);
  await context.close();
});

// Paste `t` into the page's text box, press the button and read the verdict.
async function pasteText(page, t) {
  await page.$eval('#verdict', (el) => delete el.dataset.code);
  if (!(await page.$eval('#paste-box', (d) => d.open))) await page.click('#paste-box summary');
  await page.fill('#paste', t);
  await page.click('#paste-go');
  return verdict(page);
}

test('pasted text: valid, revoked and tampered licenses get the right verdict and reason', async () => {
  const { context, page, errors } = await openPage();
  const paste = (t) => pasteText(page, t);
  assert.deepEqual(await paste(text('licenses/business-license.qr.txt')), DEMO);
  assert.match(await page.textContent('#result'), /福州市市场监督管理局/);
  await shot(page, 'paste-valid');

  const revoked = await paste(text('trust/licenses/revoked-license.qr.txt'));
  assert.deepEqual(revoked, { code: 'revoked', word: '无效', ok: false });
  assert.match(await page.textContent('#reason'), /撤销/);
  await shot(page, 'paste-revoked');

  const tampered = await paste(text('invalid/altered-payload.txt'));
  assert.deepEqual(tampered, { code: 'bad_signature', word: '无效', ok: false });
  const reason = await page.textContent('#reason');
  assert.ok(reason.length > 4, reason);
  // Unverified content is only behind a warning, never shown as the license.
  assert.equal(await page.isVisible('#details dl'), false);
  await shot(page, 'paste-tampered');

  const junk = await paste('hello');
  assert.equal(junk.code, 'bad_prefix');
  assert.deepEqual(errors, []);
  await context.close();
});

test('trust files added in the page are used and kept; reset restores the bundled lists', async () => {
  const { context, page, errors } = await openPage();
  const wrongRoot = text('trust/licenses/wrong-root.qr.txt');
  const check = async () => {
    await page.$eval('#verdict', (el) => delete el.dataset.code);
    if (!(await page.$eval('#paste-box', (d) => d.open))) await page.click('#paste-box summary');
    await page.fill('#paste', wrongRoot);
    await page.click('#paste-go');
    return (await verdict(page)).code;
  };
  assert.equal(await check(), 'unknown_signer');
  await page.click('#trust summary');
  // A trust list whose root is not trusted is refused, with the reason.
  await page.setInputFiles('#trust-add', fixturePath('trust/lists/rogue-v1.cose'));
  await page.waitForFunction(() => /无法使用/.test(document.querySelector('#trust-message').textContent));
  // Its root first, then the list: licenses under that root now verify.
  await page.setInputFiles('#trust-add', [fixturePath('trust/roots/rogue-root.cert.pem'), fixturePath('trust/lists/rogue-v1.cose')]);
  await page.waitForFunction(() => /已添加 2 个文件/.test(document.querySelector('#trust-message').textContent));
  assert.equal(await check(), 'valid');
  assert.match(await page.textContent('#result'), /伪造的根CA/);
  // Kept in this browser across visits.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await check(), 'valid');
  await shot(page, 'trust-added');
  await page.click('#trust summary');
  await page.click('#trust-reset');
  await page.waitForFunction(() => /恢复/.test(document.querySelector('#trust-message').textContent));
  assert.equal(await check(), 'unknown_signer');
  assert.deepEqual(errors, []);
  await context.close();
});

// A "photo": QR codes (PNG path and top-left corner each) small on a large, uneven background,
// as a phone would take it.
function photoWith(codes, out) {
  const photo = new PNG({ width: 1400, height: 1000 });
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width; x++) {
      const i = (y * photo.width + x) * 4;
      const shade = 170 + Math.round(40 * Math.sin(x / 90) * Math.cos(y / 70));
      photo.data.set([shade, shade - 10, shade - 25, 255], i);
    }
  }
  for (const [pngPath, ox, oy] of codes) {
    const qr = PNG.sync.read(readFileSync(pngPath));
    for (let y = 0; y < qr.height; y++) {
      for (let x = 0; x < qr.width; x++) {
        const s = (y * qr.width + x) * 4;
        const d = ((y + oy) * photo.width + x + ox) * 4;
        const v = qr.data[s] < 128 ? 30 : 235;
        photo.data.set([v, v, v, 255], d);
      }
    }
  }
  writeFileSync(out, PNG.sync.write(photo));
  return out;
}
const photoOf = (pngPath, out) => photoWith([[pngPath, 610, 380]], out);

// The requests the server answered since `mark` (an index into server.requests) for the QR
// decoder module's files.
const decoderRequests = (mark = 0) => server.requests.slice(mark).filter((p) => /elicense_wasm_qr/.test(p));
// A context without the browser's BarcodeDetector (Chromium on Linux has none; this makes sure).
const noDetector = (context) => context.addInitScript(() => { delete globalThis.BarcodeDetector; });
// A context whose BarcodeDetector is a fake: it reads QR codes (getSupportedFormats), counts its
// calls in window.detectCalls and answers with `texts`, or throws when `texts` is 'throw'.
const fakeDetector = (texts) => (context) => context.addInitScript((answer) => {
  window.detectCalls = 0;
  globalThis.BarcodeDetector = class {
    static async getSupportedFormats() { return ['qr_code', 'ean_13']; }
    constructor(options) { if (!options.formats.includes('qr_code')) throw new TypeError('no qr_code'); }
    async detect(source) {
      window.detectCalls++;
      if (!source) throw new TypeError('no source');
      if (answer === 'throw') throw new DOMException('detector failed', 'NotSupportedError');
      return answer.map((rawValue) => ({ rawValue, format: 'qr_code', boundingBox: {}, cornerPoints: [] }));
    }
  };
}, texts);

test('an uploaded photo of a QR code is decoded in wasm and verified', async () => {
  const { context, page, errors } = await openPage(browser, { before: noDetector });
  const photo = photoOf(fixturePath('licenses/real-estate-with-attachments.qr.png'), path.join(work, 'photo.png'));
  await page.setInputFiles('#photo', photo);
  assert.deepEqual(await verdict(page), DEMO);
  assert.equal(await page.$eval('body', (b) => b.dataset.qrReader), 'wasm');
  // One code: no list of codes.
  assert.equal(await page.isVisible('#qr-codes'), false);
  const result = await page.textContent('#result');
  assert.match(result, /上海市不动产登记局/);
  assert.match(result, /floor-plan\.pdf/);
  await shot(page, 'photo-valid');
  // The license lists attachments: a dropped file is checked against them, by content.
  await page.setInputFiles('#att-file', fixturePath('attachments/floor-plan.pdf'));
  assert.deepEqual(await verdict(page, '#att-verdict'), DEMO_MATCH);
  await page.$eval('#att-verdict', (el) => delete el.dataset.code);
  await page.setInputFiles('#att-file', fixturePath('attachments/business-license-scan.jpg'));
  assert.deepEqual(await verdict(page, '#att-verdict'), { code: 'not_listed', word: '不一致', ok: false });
  await shot(page, 'license-attachment-not-listed');
  // An image without a code says so.
  await page.$eval('#verdict', (el) => delete el.dataset.code);
  await page.setInputFiles('#photo', fixturePath('attachments/site-photo.png'));
  assert.equal((await verdict(page)).code, 'input');
  assert.match(await page.textContent('#reason'), /没有找到二维码/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the QR decoder module is loaded only for a photo: not for a link, nor for a pasted text', async () => {
  const mark = server.requests.length;
  const url = text('licenses/driving-permit.url.txt');
  const { context, page, errors } = await openPage(browser, { hash: url.slice(url.indexOf('#')), before: noDetector });
  assert.deepEqual(await verdict(page), DEMO);
  // The service worker has installed too (it fetches the first-load files and the holder's
  // module, for the holder's mode offline): still no decoder.
  await page.evaluate(() => navigator.serviceWorker.ready);
  assert.ok(server.requests.slice(mark).includes('/elicense_wasm_bg.wasm'), 'the main module was fetched');
  assert.ok(server.requests.slice(mark).includes('/elicense_wasm_holder_bg.wasm'), 'the service worker fetched the holder\'s module');
  assert.deepEqual(decoderRequests(mark), []);
  assert.equal(await page.$eval('body', (b) => b.dataset.qrLoads), undefined);
  assert.deepEqual(await pasteText(page, text('licenses/business-license.qr.txt')), DEMO);
  assert.deepEqual(decoderRequests(mark), []);
  // A QR photo: now the decoder is fetched (by the page or its service worker), once.
  await page.$eval('#verdict', (el) => delete el.dataset.code);
  await page.setInputFiles('#photo', photoOf(fixturePath('licenses/driving-permit.qr.png'), path.join(work, 'lazy.png')));
  assert.deepEqual(await verdict(page), DEMO);
  assert.match(await page.textContent('#result'), /厦门市公安局交通警察支队/);
  assert.equal(await page.$eval('body', (b) => b.dataset.qrLoads), '1');
  assert.ok(decoderRequests(mark).includes('/elicense_wasm_qr_bg.wasm'), `decoder fetched: ${decoderRequests(mark)}`);
  const fetched = decoderRequests(mark).length;
  await page.$eval('#verdict', (el) => delete el.dataset.code);
  await page.setInputFiles('#photo', path.join(work, 'lazy.png'));
  assert.deepEqual(await verdict(page), DEMO);
  assert.equal(decoderRequests(mark).length, fetched, 'the second photo reuses the loaded module');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a photo of a license and its attestation stamp: both are listed, the license verified, the stamp the record', async () => {
  const { context, page, errors } = await openPage(browser, { before: noDetector });
  const photo = photoWith([
    [fixturePath('licenses/business-license.qr.png'), 80, 300],
    [fixturePath('attestations/business-license-scan.stamp.png'), 900, 360],
  ], path.join(work, 'license-and-stamp.png'));
  await page.setInputFiles('#photo', photo);
  assert.deepEqual(await verdict(page), DEMO);
  assert.match(await page.textContent('#result'), /福州市市场监督管理局/);
  await page.waitForSelector('#qr-codes li');
  const listed = await page.$$eval('#qr-codes li', (items) => items.map((li) => [li.dataset.kind, li.dataset.role]));
  assert.deepEqual(listed.sort(), [['attestation', 'record'], ['license', 'verified']]);
  const codes = await page.textContent('#qr-codes');
  assert.match(codes, /图片中有 2 个二维码/);
  assert.match(codes, /证照 · 已核验，结果见下方/);
  assert.match(codes, /核验章（核验记录） · 已作为核验记录/);
  // The verified code is the business license's text.
  const verified = await page.$eval('#qr-codes li[data-role="verified"] .mono', (el) => el.textContent);
  assert.ok(text('licenses/business-license.qr.txt').startsWith(verified.replace(/…$/, '')));
  assert.match(await page.textContent('#att-record-name'), /已读取核验记录/);
  await shot(page, 'photo-license-and-stamp');
  // The stamp from the photo is the record the scan is checked against.
  await page.setInputFiles('#att-file', fixturePath('attachments/business-license-scan.jpg'));
  assert.deepEqual(await verdict(page, '#att-verdict'), DEMO_MATCH);
  // The language switch redraws the list.
  await page.click('#lang');
  assert.match(await page.textContent('#qr-codes'), /The image holds 2 QR codes.*License · verified/s);
  // A pasted text replaces the list.
  await page.click('#lang');
  assert.deepEqual(await pasteText(page, text('licenses/driving-permit.qr.txt')), DEMO);
  assert.equal(await page.isVisible('#qr-codes'), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a photo of two licenses: the first is verified, the other can be verified from the list', async () => {
  const { context, page, errors } = await openPage(browser, { before: noDetector });
  const photo = photoWith([
    [fixturePath('licenses/business-license.qr.png'), 60, 300],
    [fixturePath('licenses/driving-permit.qr.png'), 900, 320],
  ], path.join(work, 'two-licenses.png'));
  await page.setInputFiles('#photo', photo);
  assert.deepEqual(await verdict(page), DEMO);
  await page.waitForSelector('#qr-codes li');
  const roles = async () => page.$$eval('#qr-codes li', (items) => items.map((li) => li.dataset.role));
  const first = (await roles()).indexOf('verified');
  assert.deepEqual((await roles()).sort(), ['other', 'verified']);
  const issuerOf = (r) => (/福州市市场监督管理局/.test(r) ? 'fuzhou' : /厦门市公安局交通警察支队/.test(r) ? 'xiamen' : r);
  const before = issuerOf(await page.textContent('#result'));
  await page.$eval('#verdict', (el) => delete el.dataset.code);
  await page.click('#qr-codes li[data-role="other"] button');
  assert.deepEqual(await verdict(page), DEMO);
  const after = issuerOf(await page.textContent('#result'));
  assert.deepEqual([before, after].sort(), ['fuzhou', 'xiamen']);
  assert.equal((await roles())[first], 'other');
  assert.equal((await roles())[1 - first], 'verified');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a BarcodeDetector is used when the browser has one; the decoder module is then never loaded', async () => {
  const mark = server.requests.length;
  const license = text('licenses/business-license.qr.txt');
  const { context, page, errors } = await openPage(browser, { before: fakeDetector([license]) });
  // Any image: the fake reads the license in it.
  await page.setInputFiles('#photo', fixturePath('attachments/site-photo.png'));
  assert.deepEqual(await verdict(page), DEMO);
  assert.match(await page.textContent('#result'), /福州市市场监督管理局/);
  assert.ok(await page.evaluate(() => window.detectCalls) >= 1);
  assert.equal(await page.$eval('body', (b) => b.dataset.qrReader), 'native');
  await page.evaluate(() => navigator.serviceWorker.ready);
  assert.deepEqual(decoderRequests(mark), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a BarcodeDetector that reads nothing or throws: the wasm decoder reads the photo', async () => {
  for (const answer of [[], 'throw']) {
    const { context, page, errors } = await openPage(browser, { before: fakeDetector(answer), serviceWorkers: 'block' });
    await page.setInputFiles('#photo', photoOf(fixturePath('licenses/driving-permit.qr.png'), path.join(work, 'fallback.png')));
    assert.deepEqual(await verdict(page), DEMO, `detector answering ${answer}`);
    assert.match(await page.textContent('#result'), /厦门市公安局交通警察支队/);
    // Asked (and, finding nothing, asked again with the frame inverted), then the wasm decoder.
    assert.ok(await page.evaluate(() => window.detectCalls) >= (answer === 'throw' ? 1 : 2));
    assert.equal(await page.$eval('body', (b) => b.dataset.qrReader), 'wasm');
    assert.equal(await page.$eval('body', (b) => b.dataset.qrLoads), '1');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('an attachment is checked against its attestation: match, one-byte change, stamp photo', async () => {
  const { context, page, errors } = await openPage();
  await page.setInputFiles('#att-record', fixturePath('attestations/business-license-scan.jpg.elatt'));
  await page.waitForFunction(() => document.querySelector('#att-record-name').textContent.length > 0);
  await page.setInputFiles('#att-file', fixturePath('attachments/business-license-scan.jpg'));
  assert.deepEqual(await verdict(page, '#att-verdict'), DEMO_MATCH);
  assert.match(await page.textContent('#att-result'), /经与原件核对无误/);
  await shot(page, 'attachment-match');

  await page.$eval('#att-verdict', (el) => delete el.dataset.code);
  await page.setInputFiles('#att-file', fixturePath('attachments/business-license-scan-tampered.jpg'));
  assert.deepEqual(await verdict(page, '#att-verdict'), { code: 'mismatch', word: '不一致', ok: false });
  const details = await page.textContent('#att-details');
  // Both hashes are shown, and they differ.
  const hashes = details.match(/[0-9a-f]{64}/g);
  assert.equal(hashes.length, 2);
  assert.notEqual(hashes[0], hashes[1]);
  await shot(page, 'attachment-mismatch');

  // The printed stamp, photographed, stands for the attestation.
  await page.setInputFiles('#att-record', fixturePath('attestations/business-license-scan.stamp.png'));
  await page.waitForFunction(() => /QR|\.png/.test(document.querySelector('#att-record-name').textContent));
  await page.$eval('#att-verdict', (el) => delete el.dataset.code);
  await page.setInputFiles('#att-file', fixturePath('attachments/business-license-scan.jpg'));
  assert.deepEqual(await verdict(page, '#att-verdict'), DEMO_MATCH);

  // An attestation signed by a department no trust list vouches for.
  await page.setInputFiles('#att-record', fixturePath('attestations/rogue-department.elatt'));
  await page.$eval('#att-verdict', (el) => delete el.dataset.code);
  await page.setInputFiles('#att-file', fixturePath('attachments/business-license-scan.jpg'));
  assert.deepEqual(await verdict(page, '#att-verdict'), { code: 'unknown_signer', word: '无效', ok: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('attestation and scan dropped on the attachment area: match, then a one-byte change', async () => {
  const { context, page, errors } = await openPage();
  await dropFiles(page, '#att-title', [fixturePath('attestations/floor-plan.pdf.elatt')]);
  await page.waitForFunction(() => /floor-plan\.pdf\.elatt/.test(document.querySelector('#att-record-name').textContent));
  await dropFiles(page, '#att-title', [fixturePath('attachments/floor-plan.pdf')]);
  assert.deepEqual(await verdict(page, '#att-verdict'), DEMO_MATCH);
  assert.match(await page.textContent('#att-result'), /上海市不动产登记局/);
  await page.$eval('#att-verdict', (el) => delete el.dataset.code);
  await dropFiles(page, '#att-title', [fixturePath('attachments/site-photo.png')]);
  assert.deepEqual(await verdict(page, '#att-verdict'), { code: 'mismatch', word: '不一致', ok: false });
  // A license file dropped elsewhere on the page is verified as a license.
  await dropFiles(page, 'h1', [fixturePath('licenses/driving-permit.cose')]);
  assert.deepEqual(await verdict(page), DEMO);
  await shot(page, 'attachment-drop');
  assert.deepEqual(errors, []);
  await context.close();
});

// A y4m video (one 4:2:0 frame, looped by Chromium) showing the QR code, for the fake camera.
function y4mOf(pngPath, out, width = 640, height = 480) {
  const qr = PNG.sync.read(readFileSync(pngPath));
  const y = Buffer.alloc(width * height, 200);
  const [ox, oy] = [(width - qr.width) >> 1, (height - qr.height) >> 1];
  for (let r = 0; r < qr.height; r++) {
    for (let c = 0; c < qr.width; c++) y[(r + oy) * width + c + ox] = qr.data[(r * qr.width + c) * 4];
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`);
  writeFileSync(out, Buffer.concat([header, y, chroma, chroma]));
  return out;
}

// A Chromium whose fake camera shows the driving permit's QR code (a y4m video named `name`).
function cameraBrowser(name) {
  const video = y4mOf(fixturePath('licenses/driving-permit.qr.png'), path.join(work, name));
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...BASE_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`],
  });
}

test('the fake camera shows a QR code: scanning verifies it and stops the camera', async () => {
  const camBrowser = await cameraBrowser('qr.y4m');
  try {
    const { page, errors } = await openPage(camBrowser, { before: noDetector });
    await page.click('#scan');
    assert.deepEqual(await verdict(page), DEMO);
    assert.match(await page.textContent('#result'), /厦门市公安局交通警察支队/);
    assert.equal(await page.$eval('body', (b) => b.dataset.qrReader), 'wasm');
    // Scanning stopped on success: the camera is released.
    assert.equal(await page.isVisible('#camera'), false);
    assert.equal(await page.$eval('#video', (v) => v.srcObject), null);
    await shot(page, 'camera-valid');
    assert.deepEqual(errors, []);
  } finally {
    await camBrowser.close();
  }
});

test('the camera with a BarcodeDetector: its reading is verified, the decoder module never loaded', async () => {
  const camBrowser = await cameraBrowser('qr-native.y4m');
  try {
    const mark = server.requests.length;
    const license = text('licenses/business-license.qr.txt');
    const { page, errors } = await openPage(camBrowser, { before: fakeDetector([license]), serviceWorkers: 'block' });
    await page.click('#scan');
    assert.deepEqual(await verdict(page), DEMO);
    // The fake's text (the business license), not the camera's (the driving permit).
    assert.match(await page.textContent('#result'), /福州市市场监督管理局/);
    assert.ok(await page.evaluate(() => window.detectCalls) >= 1);
    assert.equal(await page.$eval('body', (b) => b.dataset.qrReader), 'native');
    assert.equal(await page.isVisible('#camera'), false);
    assert.deepEqual(decoderRequests(mark), []);
    assert.deepEqual(errors, []);
  } finally {
    await camBrowser.close();
  }
});

// The glue module of the core's first instance (no query; later instances are imported with
// `?instance=N`), served with `target` (an export, or a method of an exported class) replaced by
// a function that throws what a trap throws. No input is known to make the core trap (fuzz/
// looks for them), so the test makes one. `every`: all instances. `glue`: the module's glue
// (elicense_wasm_qr.js for the QR decoder module).
function trapIn(target, { every = false, glue = 'elicense_wasm.js' } = {}) {
  return (context) => context.route(
    (url) => url.pathname.endsWith(`/${glue}`) && (every || url.search === ''),
    async (route) => {
      const glue = await (await route.fetch()).text();
      assert.match(glue, new RegExp(`^export (class|function) ${target.split('.')[0]}\\b`, 'm'));
      const trap = `${target} = function () { throw new WebAssembly.RuntimeError('unreachable'); };`;
      await route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: `${glue}\n${trap}\n` });
    },
  );
}

test('a trap in the core costs one verdict: the page loads a fresh instance and goes on', async () => {
  const { context, page, errors } = await openPage(browser, { before: trapIn('Verifier.prototype.verifyBytes'), serviceWorkers: 'block' });
  assert.equal(await page.$eval('body', (b) => b.dataset.coreLoads), '1');
  const license = text('licenses/business-license.qr.txt');
  assert.deepEqual(await pasteText(page, license), { code: 'core', word: '无效', ok: false });
  assert.match(await page.textContent('#reason'), /出错.*重新启动/);
  await shot(page, 'core-trapped');
  // The fresh instance, with the bundled trust rebuilt (the revoked license needs its status list).
  await page.waitForSelector('body[data-core-loads="2"]', { timeout: 30000 });
  assert.deepEqual(await pasteText(page, license), DEMO);
  assert.deepEqual(await pasteText(page, text('trust/licenses/revoked-license.qr.txt')), { code: 'revoked', word: '无效', ok: false });
  assert.match(await page.textContent('#trust-summary'), /根证书/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a core that keeps trapping is restarted three times, then the page asks for a reload', async () => {
  const { context, page, errors } = await openPage(browser, { before: trapIn('Verifier.prototype.verifyBytes', { every: true }), serviceWorkers: 'block' });
  const license = text('licenses/business-license.qr.txt');
  for (let loads = 2; loads <= 4; loads++) {
    assert.equal((await pasteText(page, license)).code, 'core');
    await page.waitForSelector(`body[data-core-loads="${loads}"]`, { timeout: 30000 });
  }
  assert.equal((await pasteText(page, license)).code, 'core');
  assert.match(await page.textContent('#reason'), /出错/);
  assert.equal((await pasteText(page, license)).code, 'core');
  assert.match(await page.textContent('#reason'), /刷新页面/);
  assert.equal(await page.$eval('body', (b) => b.dataset.coreLoads), '4');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the camera keeps scanning through a trap, and stops when the decoder is not coming back', async () => {
  const camBrowser = await cameraBrowser('qr-trap.y4m');
  try {
    // The camera calls one pass a frame (decodeQrPass).
    const trap = trapIn('decodeQrPass', { every: true, glue: 'elicense_wasm_qr.js' });
    const { page, errors } = await openPage(camBrowser, { before: async (c) => { await noDetector(c); await trap(c); }, serviceWorkers: 'block' });
    await page.click('#scan');
    // Every frame traps: three restarts while the camera runs, then the page asks for a reload.
    await page.waitForFunction(() => /刷新页面/.test(document.querySelector('#reason')?.textContent), null, { timeout: 60000 });
    assert.equal(await page.$eval('body', (b) => b.dataset.qrLoads), '4');
    // The verifier's own module was not touched.
    assert.equal(await page.$eval('body', (b) => b.dataset.coreLoads), '1');
    assert.deepEqual(await verdict(page), { code: 'core', word: '无效', ok: false });
    assert.equal(await page.isVisible('#camera'), false);
    assert.equal(await page.$eval('#video', (v) => v.srcObject), null);
    assert.deepEqual(errors, []);
  } finally {
    await camBrowser.close();
  }
});

test('after the first visit the page works offline (service worker)', async () => {
  const { context, page, errors } = await openPage();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
    }
  });
  await context.setOffline(true);
  const url = text('licenses/business-license.url.txt');
  await page.goto(`${server.url}/${url.slice(url.indexOf('#'))}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.deepEqual(await verdict(page), DEMO);
  await shot(page, 'offline-valid');
  // The holder's mode works offline too: a presentation of a version-2 holder's copy.
  await page.click('#mode-holder');
  if (!(await page.$eval('#paste-box', (d) => d.open))) await page.click('#paste-box summary');
  await page.fill('#paste', text('licenses/v2/driving-permit.qr.txt'));
  await page.click('#paste-go');
  await page.waitForSelector('#holder[data-presentation]', { timeout: 30000 });
  assert.equal(await page.$eval('#holder', (h) => h.dataset.presentation), text('licenses/v2/driving-permit.presentation.qr.txt'));
  // Really offline: the server cannot be reached from this context.
  const reached = await page.evaluate((u) => fetch(`${u}/no-such-file-${Date.now()}`).then(() => true, () => false), server.url);
  assert.equal(reached, false);
  assert.deepEqual(errors, []);
  await context.close();
});

// The page's trust manifest as this build bundles it, and a context whose requests for it (and
// for `files`, trust file name → fixture path) are answered with `changes` applied: a stand-in
// for another build (the service worker is blocked, so every request reaches the route).
const bundledManifest = () => JSON.parse(readFileSync(path.join(root, 'wasm/dist/trust/manifest.json'), 'utf8'));
const withManifest = (changes, files = {}) => async (context) => {
  await context.route('**/trust/manifest.json', (route) => route.fulfill({
    contentType: 'application/json', body: JSON.stringify({ ...bundledManifest(), ...changes }),
  }));
  for (const [name, fixtureFile] of Object.entries(files)) {
    await context.route(`**/trust/${name}`, (route) => route.fulfill({ body: fixture(fixtureFile) }));
  }
};

test('TEST-ONLY roots never show green: amber 测试/演示; bundled and added-on-device trust say so', async () => {
  // This build bundles the fixtures' TEST-ONLY roots (scripts/build-wasm.sh without --trust).
  assert.equal(bundledManifest().test_only, true);
  const license = text('licenses/business-license.qr.txt');
  let { context, page, errors } = await openPage();
  assert.deepEqual(await pasteText(page, license), DEMO);
  assert.equal(await page.$eval('#verdict', (el) => el.dataset.trust), 'test');
  assert.equal(await page.$eval('#verdict .mark', (el) => el.textContent), '⚠');
  assert.match(await page.textContent('#reason'), /测试根证书.*仅用于演示/);
  assert.match(await page.textContent('#details'), /信任来源测试根证书/);
  assert.equal(await page.$$eval('.verdict.ok', (els) => els.filter((e) => !e.closest('[hidden]')).length), 0);
  await shot(page, 'test-root-amber');
  await page.click('#lang');
  assert.deepEqual(await verdict(page), { ...DEMO, word: 'Test / demo' });
  assert.match(await page.textContent('#reason'), /TEST root/);
  // Revoked and forged licenses are red as ever.
  await page.click('#lang');
  assert.deepEqual(await pasteText(page, text('trust/licenses/revoked-license.qr.txt')), { code: 'revoked', word: '无效', ok: false });
  assert.deepEqual(errors, []);
  await context.close();

  // A build with real roots (test_only false): the plain green 有效, trust "bundled".
  ({ context, page, errors } = await openPage(browser, { before: withManifest({ test_only: false }), serviceWorkers: 'block' }));
  assert.equal(await page.isVisible('#test-trust'), false);
  assert.deepEqual(await pasteText(page, license), { code: 'valid', word: '有效', ok: true });
  assert.equal(await page.$eval('#verdict', (el) => el.dataset.trust), 'bundled');
  assert.match(await page.textContent('#details'), /信任来源随页面提供/);
  // A root the user added on this device: valid, and marked as added on this device.
  await page.click('#trust summary');
  await page.setInputFiles('#trust-add', [fixturePath('trust/roots/rogue-root.cert.pem'), fixturePath('trust/lists/rogue-v1.cose')]);
  await page.waitForFunction(() => /已添加 2 个文件/.test(document.querySelector('#trust-message').textContent));
  // Its revocation is not checked: 福州's status list comes from the 福建 root, and a status list
  // applies only to licenses whose signer the same root certified (docs/TRUST.md §2), so amber.
  assert.deepEqual(await pasteText(page, text('trust/licenses/wrong-root.qr.txt')),
    { code: 'valid', word: '有效，注销状态未核对', ok: false, test: true });
  assert.equal(await page.$eval('#verdict', (el) => el.dataset.trust), 'added_on_device');
  assert.match(await page.textContent('#reason'), /本机添加/);
  await shot(page, 'added-on-device');
  assert.deepEqual(errors, []);
  await context.close();
});

const base64 = (bytes) => Buffer.from(bytes).toString('base64');

test('rollback: the genuine root and an older list added in the page are refused, now and after a reload', async () => {
  const { context, page, errors } = await openPage(browser, { serviceWorkers: 'block' });
  // The bundled fujian-v2 revokes the compromised department's certificate.
  const revokedCert = text('trust/licenses/revoked-certificate.qr.txt');
  assert.equal((await pasteText(page, revokedCert)).code, 'certificate_revoked');
  // The fraudster's two files: the genuine root certificate and the list from before the revocation.
  await page.click('#trust summary');
  await page.setInputFiles('#trust-add', [fixturePath('trust/roots/fujian-root.cert.pem'), fixturePath('trust/lists/fujian-v1.cose')]);
  await page.waitForFunction(() => /fujian-v1\.cose：无法使用/.test(document.querySelector('#trust-message').textContent));
  assert.match(await page.textContent('#trust-message'), /stale/);
  assert.equal((await pasteText(page, revokedCert)).code, 'certificate_revoked');
  await shot(page, 'rollback-refused');
  // The highest sequence seen per root is kept in this browser.
  const state = JSON.parse(await page.evaluate(() => localStorage.getItem('elicense.trust.state')));
  assert.ok(Object.values(state.roots).some((r) => r.sequence === 2), JSON.stringify(state));
  // A page from before the fix kept both files and replayed them on every load: still refused.
  const added = [
    { name: 'fujian-root.cert.pem', data: base64(fixture('trust/roots/fujian-root.cert.pem')) },
    { name: 'fujian-v1.cose', data: base64(fixture('trust/lists/fujian-v1.cose')) },
  ];
  await page.evaluate((a) => localStorage.setItem('elicense.trust.added', JSON.stringify(a)), added);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal((await pasteText(page, revokedCert)).code, 'certificate_revoked');
  assert.deepEqual(errors, []);
  await context.close();
});

test('rollback: a newer list seen on this device outlives an older bundled one, even after "restore"', async () => {
  // An older build that bundles fujian-v1, from before the revocation.
  const older = withManifest(
    { trust_lists: ['lists/fujian-v1.cose', 'lists/shanghai-v1.cose'] },
    { 'lists/fujian-v1.cose': 'trust/lists/fujian-v1.cose' },
  );
  const { context, page, errors } = await openPage(browser, { before: older, serviceWorkers: 'block' });
  const revokedCert = text('trust/licenses/revoked-certificate.qr.txt');
  assert.deepEqual(await pasteText(page, revokedCert), DEMO);
  // The user adds the current list: the department is revoked.
  await page.click('#trust summary');
  await page.setInputFiles('#trust-add', fixturePath('trust/lists/fujian-v2.cose'));
  await page.waitForFunction(() => /已添加 1 个文件/.test(document.querySelector('#trust-message').textContent));
  assert.equal((await pasteText(page, revokedCert)).code, 'certificate_revoked');
  // "Restore the bundled lists" forgets the added file but not the sequence seen: the bundled
  // older list is refused, so the revoked department does not come back (nothing from that root
  // verifies until a current list is added again).
  await page.click('#trust-reset');
  await page.waitForFunction(() => /恢复/.test(document.querySelector('#trust-message').textContent));
  assert.equal((await pasteText(page, revokedCert)).code, 'unknown_signer');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal((await pasteText(page, revokedCert)).code, 'unknown_signer');
  // The other root's list is untouched.
  assert.deepEqual(await pasteText(page, text('trust/licenses/cross-region.qr.txt')), DEMO);
  assert.deepEqual(errors, []);
  await context.close();
});

test('revocation freshness: checked is green with the list\'s age, stale and unknown amber; the "require" setting makes them invalid and is kept', async () => {
  // Non-test roots, and the stale 厦门 status list (due 2025-05-29) besides the current 福州 one.
  const manifest = withManifest(
    { test_only: false, status_lists: ['status/fuzhou-amr.cose', 'status/xiamen-traffic-stale.cose'] },
    { 'status/xiamen-traffic-stale.cose': 'trust/status/xiamen-traffic-stale.cose' },
  );
  const { context, page, errors } = await openPage(browser, { before: manifest, serviceWorkers: 'block' });
  const revocation = () => page.$eval('#verdict', (el) => el.dataset.revocation);
  const good = text('trust/licenses/good-chain.qr.txt');
  const stale = text('trust/licenses/driving-permit.qr.txt');
  const unknown = text('trust/licenses/status-beyond-list.qr.txt');

  assert.deepEqual(await pasteText(page, good), { code: 'valid', word: '有效', ok: true });
  assert.equal(await revocation(), 'checked');
  assert.match(await page.textContent('#details'), /注销状态已核对：注销列表第 3 版，2025-05-20 发布（12 天前）/);

  assert.deepEqual(await pasteText(page, stale), { code: 'valid', word: '有效，注销状态可能已过时', ok: false, test: true });
  assert.equal(await revocation(), 'stale');
  assert.match(await page.textContent('#reason'), /2025-04-29 发布（33 天前）.*已过更新时间/);
  await shot(page, 'revocation-stale-amber');

  assert.deepEqual(await pasteText(page, unknown), { code: 'valid', word: '有效，注销状态未核对', ok: false, test: true });
  assert.equal(await revocation(), 'unknown');
  await page.click('#lang');
  assert.deepEqual(await verdict(page), { code: 'valid', word: 'Valid, revocation not checked', ok: false, test: true });
  await page.click('#lang');

  // The setting: the license shown is verified again, and stale or unknown is not valid.
  await page.click('#trust summary');
  await page.check('#require-status');
  assert.deepEqual(await verdict(page), { code: 'revocation_unknown', word: '无效', ok: false });
  assert.equal(await page.evaluate(() => localStorage.getItem('elicense.requireStatus')), 'true');
  assert.equal((await pasteText(page, stale)).code, 'revocation_stale');
  assert.deepEqual(await pasteText(page, good), { code: 'valid', word: '有效', ok: true });
  // Kept in this browser across a reload.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.isChecked('#require-status'), true);
  assert.equal((await pasteText(page, stale)).code, 'revocation_stale');
  await page.click('#trust summary');
  await page.uncheck('#require-status');
  assert.equal((await verdict(page)).word, '有效，注销状态可能已过时');
  assert.deepEqual(errors, []);
  await context.close();
});

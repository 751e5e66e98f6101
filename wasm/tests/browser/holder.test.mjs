// Format version 2 on the web page (docs/WEB.md, "Showing one's own license"), in real headless
// Chromium: the holder opens their own license in 出示我的证照 mode (which fetches the holder's
// module, elicense_wasm_holder, once), leaves the personal units unticked and gets a
// presentation QR made on the device (no request made); that presentation
// verified on the page is valid with the hidden rows 未出示 and no identity number; the full
// holder's copy verified shows the identity number masked until 显示 is pressed; the invalid
// version-2 fixtures show their reason codes. Screenshots go to test-artifacts/web/.
//
// Run: scripts/build-wasm.sh --test   (or, after a build: node --test wasm/tests/browser/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serve } from './serve.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const fixturePath = (p) => path.join(root, 'fixtures', p);
const text = (p) => readFileSync(fixturePath(p), 'utf8').trim();
const artifacts = path.join(root, 'test-artifacts/web');
mkdirSync(artifacts, { recursive: true });

// The fixtures' verdicts hold at this instant (fixtures/src/lib.rs VERIFY_AT).
const VERIFY_AT = new Date('2025-06-01T10:00:00+08:00');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The driving permit's holder (fixtures/src/lib.rs): the identity number, and as masked.
const ID = '350203198506151233';
const MASKED = '3502**********1233';
const HOLDERS_COPY = 'licenses/v2/driving-permit.qr.txt';
// The default build bundles the TEST-ONLY fixture roots: valid is amber 测试/演示.
const DEMO = { code: 'valid', word: '测试/演示', ok: false, test: true };

let server;
let browser;
before(async () => {
  server = await serve(path.join(root, 'wasm/dist'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage({ hash = '' } = {}) {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.clock.setFixedTime(VERIFY_AT);
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return { context, page, errors };
}

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

async function verdict(page) {
  await page.waitForFunction(() => document.querySelector('#verdict')?.dataset.code, null, { timeout: 30000 });
  return page.$eval('#verdict', (el) => ({
    code: el.dataset.code,
    word: el.querySelector('.word').textContent,
    ok: el.classList.contains('ok'),
    ...(el.classList.contains('test') ? { test: true } : {}),
  }));
}

// Paste `t` into the text box and press the button (核验 or, in the holder's mode, 打开).
async function paste(page, t) {
  await page.$eval('#verdict', (el) => delete el.dataset.code);
  await page.$eval('#holder', (el) => { delete el.dataset.kind; delete el.dataset.presentation; });
  if (!(await page.$eval('#paste-box', (d) => d.open))) await page.click('#paste-box summary');
  await page.fill('#paste', t);
  await page.click('#paste-go');
}

// The holder's section once drawn: what kind of answer, the units offered, the presentation.
async function own(page) {
  await page.waitForFunction(() => document.querySelector('#holder')?.dataset.kind, null, { timeout: 30000 });
  return page.evaluate(() => ({
    kind: document.querySelector('#holder').dataset.kind,
    form: document.querySelector('#holder').dataset.form,
    verdict: document.querySelector('#holder-verdict').hidden ? null : document.querySelector('#holder-verdict').dataset.code,
    units: [...document.querySelectorAll('#holder-units label.unit')].map((l) => ({
      text: l.textContent, checked: l.querySelector('input').checked, disabled: l.querySelector('input').disabled,
    })),
    presentation: document.querySelector('#holder').dataset.presentation ?? null,
    copyText: document.querySelector('#holder-text')?.value ?? null,
    qr: document.querySelector('#holder-qr svg') ? document.querySelector('#holder-qr svg').getBoundingClientRect().width : 0,
    message: document.querySelector('#holder-message')?.textContent ?? null,
    code: document.querySelector('#holder-message')?.dataset.code ?? null,
  }));
}

test('the holder shows the minimum of their license: a presentation QR made on the device, no request', async () => {
  // The holder's side (holder.js and its wasm module) is not part of the first load: the page
  // fetches it when the mode opens (the service worker, blocked here, would have it cached since
  // its install), once.
  const opened = server.requests.length;
  const holderFiles = () => server.requests.slice(opened).filter((p) => /elicense_wasm_holder|\/holder\.js$/.test(p)).sort();
  const { context, page, errors } = await openPage();
  assert.deepEqual(holderFiles(), []);
  assert.equal(await page.$eval('body', (b) => b.dataset.holderLoads), undefined);
  await page.click('#mode-holder');
  await page.waitForSelector('body[data-holder-loads="1"]', { timeout: 30000 });
  assert.deepEqual(holderFiles(), ['/elicense_wasm_holder.js', '/elicense_wasm_holder_bg.wasm', '/holder.js']);
  assert.equal(await page.isVisible('#result'), false);
  assert.equal(await page.isVisible('#log'), false);
  assert.equal(await page.textContent('#paste-go'), '打开');
  const mark = server.requests.length;
  await paste(page, text(HOLDERS_COPY));
  const shown = await own(page);
  assert.equal(shown.kind, 'choice');
  assert.equal(shown.form, 'holders_copy');
  assert.equal(shown.verdict, 'valid');
  assert.match(await page.textContent('#holder-verdict'), /测试\/演示/);
  assert.match(await page.textContent('#holder-title'), /机动车驾驶证 \[JSZ\]/);
  // The driving permit's units (core/templates/JSZ.json): the name, always shown; the rest.
  assert.deepEqual(shown.units.map(({ checked, disabled }) => ({ checked, disabled })), [
    { checked: true, disabled: true }, { checked: false, disabled: false },
  ]);
  assert.match(shown.units[0].text, /持证主体（必须出示）/);
  assert.match(shown.units[1].text, /公民身份号码、性别、国籍、出生日期、档案编号/);
  // Made by the core with the minimum: the same presentation as the fixture's (present is
  // deterministic; this build writes EL2 uncompressed, as the fixture is).
  assert.equal(shown.presentation, text('licenses/v2/driving-permit.presentation.qr.txt'));
  assert.equal(shown.copyText, shown.presentation);
  assert.notEqual(shown.presentation, text(HOLDERS_COPY));
  // A large code: the width of the screen, less the margins.
  assert.ok(shown.qr >= 300, `QR ${shown.qr} px wide`);
  assert.match(await page.textContent('#holder-shown'), /出示：持证主体/);
  assert.match(await page.textContent('#holder-shown'), /不出示：公民身份号码/);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  await shot(page, 'holder-minimum-zh');
  // Ticking the second unit shows it too; unticking it gives the minimum again.
  await page.check('#holder-units input[data-unit="1"]');
  const more = await own(page);
  assert.notEqual(more.presentation, shown.presentation);
  assert.doesNotMatch(await page.textContent('#holder-shown'), /不出示/);
  await page.uncheck('#holder-units input[data-unit="1"]');
  assert.equal((await own(page)).presentation, shown.presentation);
  // English redraws the section, the choice kept.
  await page.click('#lang');
  assert.match(await page.textContent('#holder-units'), /Holder \(always shown\)/);
  assert.equal(await page.textContent('#paste-go'), 'Open');
  assert.equal((await own(page)).presentation, shown.presentation);
  await shot(page, 'holder-minimum-en');
  await page.click('#lang');
  // Nothing was requested: the presentation and its code are made on the device.
  assert.deepEqual(server.requests.slice(mark), []);

  // The presentation verified on the page: valid, the hidden rows 未出示, no identity number.
  await page.click('#mode-verify');
  assert.equal(await page.isVisible('#holder'), false);
  await paste(page, shown.presentation);
  assert.deepEqual(await verdict(page), DEMO);
  assert.equal(await page.textContent('#partial'), '持证人选择出示部分信息');
  const hidden = await page.$$eval('#details [data-not-shown="true"]', (rows) => rows.map((r) => [r.dataset.key, r.querySelector('dd').textContent]));
  // Every item of the hidden unit, photo_sha256 too (the verifier cannot tell which of them the
  // license has).
  assert.deepEqual(Object.fromEntries(hidden), {
    holder_id: '未出示', sex: '未出示', nationality: '未出示', birth_date: '未出示', archive_number: '未出示', photo_sha256: '未出示',
  });
  const result = await page.textContent('#result');
  assert.match(result, /李四/);
  assert.match(result, /准驾车型C1/);
  assert.ok(!result.includes(ID) && !result.includes(MASKED) && !result.includes('1985-06-15'), result);
  assert.equal(await page.$$eval('#details .reveal', (b) => b.length), 0);
  await shot(page, 'presentation-verified-zh');
  await page.click('#lang');
  assert.equal(await page.textContent('#partial'), 'The holder chose to show part of the license');
  assert.match(await page.textContent('#details [data-key="holder_id"]'), /not shown/);
  await shot(page, 'presentation-verified-en');
  assert.deepEqual(server.requests.slice(mark), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the full holder\'s copy verified: the identity number masked until 显示 / Show is pressed', async () => {
  const { context, page, errors } = await openPage();
  await paste(page, text(HOLDERS_COPY));
  assert.deepEqual(await verdict(page), DEMO);
  assert.equal(await page.$('#partial'), null);
  const row = '#details [data-key="holder_id"]';
  assert.equal(await page.$eval(`${row} dd`, (dd) => dd.dataset.masked), 'true');
  assert.match(await page.textContent(`${row} dd`), new RegExp(`^${MASKED.replaceAll('*', '\\*')} 显示$`));
  assert.ok(!(await page.textContent('#result')).includes(ID));
  await shot(page, 'holders-copy-masked');
  await page.click(`${row} .reveal`);
  assert.equal(await page.$eval(`${row} dd`, (dd) => dd.dataset.masked), 'false');
  assert.match(await page.textContent(`${row} dd`), new RegExp(`^${ID} 隐藏$`));
  await page.click(`${row} .reveal`);
  assert.match(await page.textContent(`${row} dd`), /^3502\*{10}1233 /);
  // English: Show; a redraw masks it again.
  await page.click('#lang');
  assert.match(await page.textContent(`${row} dd`), /^3502\*{10}1233 Show$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('version-2 texts in the URL fragment, the other forms in the holder\'s mode, and junk', async () => {
  // A base45 presentation in the fragment (spaces as %20), as the phone's camera app opens it.
  const presentation = text('licenses/v2/driving-permit.presentation.qr.txt');
  const { context, page, errors } = await openPage({ hash: `#${presentation}` });
  assert.deepEqual(await verdict(page), DEMO);
  assert.equal(await page.isVisible('#partial'), true);
  // The holder's mode: a presentation cannot be narrowed further; a plain license (no personal
  // items) and a version-1 license are shown as they are; anything else is not a license.
  await page.click('#mode-holder');
  await paste(page, presentation);
  let o = await own(page);
  assert.equal(o.kind, 'message');
  assert.equal(o.form, 'presentation');
  assert.match(o.message, /已经是一份出示件/);
  assert.equal(o.qr, 0);
  await paste(page, text('licenses/v2/business-license.qr.txt'));
  o = await own(page);
  assert.deepEqual([o.kind, o.form, o.verdict], ['as_is', 'plain', 'valid']);
  assert.equal(o.copyText, text('licenses/v2/business-license.qr.txt'));
  assert.ok(o.qr >= 300);
  await paste(page, text('licenses/business-license.qr.txt'));
  o = await own(page);
  assert.deepEqual([o.kind, o.verdict], ['as_is', 'valid']);
  assert.match(o.message, /第 1 版/);
  await paste(page, 'hello');
  o = await own(page);
  assert.equal(o.kind, 'message');
  assert.match(o.message, /这不是证照/);
  // A holder's copy of another type (real estate: name and location together, required).
  await paste(page, text('licenses/v2/real-estate-with-attachments.qr.txt'));
  o = await own(page);
  assert.equal(o.kind, 'choice');
  assert.deepEqual(o.units.map((u) => u.checked), [true, false]);
  assert.match(o.units[0].text, /持证主体、坐落/);
  assert.match(o.units[1].text, /统一社会信用代码|公民身份号码|证件号码/);
  await shot(page, 'holder-real-estate');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the invalid version-2 fixtures show their reason codes', async () => {
  const { context, page, errors } = await openPage();
  const expected = readFileSync(fixturePath('invalid/EXPECTED.tsv'), 'utf8').split('\n')
    .filter((l) => l.startsWith('v2-')).map((l) => l.split('\t').map((s) => s.trim()));
  assert.deepEqual(expected.map(([, code]) => code).sort(), ['bad_disclosure', 'below_minimum_disclosure', 'unknown_dictionary']);
  for (const [file, code] of expected) {
    await paste(page, text(`invalid/${file}`));
    const v = await verdict(page);
    assert.deepEqual([file, v.code, v.word], [file, code, '无效']);
    assert.ok((await page.textContent('#reason')).length > 4);
  }
  // The holder's mode says why a damaged text cannot be shown.
  await page.click('#mode-holder');
  await paste(page, text('invalid/v2-unknown-dictionary.txt'));
  const o = await own(page);
  assert.equal(o.verdict, 'unknown_dictionary');
  assert.match(await page.textContent('#holder-body'), /字典/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a photo of the holder\'s copy opens it in the holder\'s mode', async () => {
  const { context, page, errors } = await openPage();
  await page.click('#mode-holder');
  await page.setInputFiles('#photo', fixturePath('licenses/v2/driving-permit.qr.png'));
  const o = await own(page);
  assert.equal(o.kind, 'choice');
  assert.equal(o.presentation, text('licenses/v2/driving-permit.presentation.qr.txt'));
  assert.deepEqual(errors, []);
  await context.close();
});

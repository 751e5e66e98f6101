// Runs wasm/bench/index.html in headless Chromium and prints the figures (scripts/build-wasm.sh
// --bench). Writes them to test-artifacts/web/bench.json too. The photo corpus of
// scripts/qr-photos.sh is decoded too when it exists (QR_PHOTOS, default target/qr-photos,
// with its manifest.tsv).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serve } from '../tests/browser/serve.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const photos = path.resolve(root, process.env.QR_PHOTOS || 'target/qr-photos');
const server = await serve({
  '/': path.join(root, 'wasm/dist'),
  ...(existsSync(path.join(photos, 'manifest.tsv')) ? { '/photos/': photos } : {}),
  '/bench/': here,
  '/node_modules/': path.join(root, 'wasm/node_modules'),
  '/fixtures/': path.join(root, 'fixtures'),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/index.html`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 1800000, polling: 1000 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(result.error);
  console.log(result.userAgent);
  console.log(`native BarcodeDetector in this browser: ${result.native_barcode_detector}`);
  for (const r of result.results) console.log(`${r.label.padEnd(72)} ${String(r.us_per_op).padStart(9)} µs/op  (n=${r.n})`);
  if (!result.photos) console.log(`photo corpus: none at ${photos} (scripts/qr-photos.sh makes it)`);
  else {
    const names = Object.keys(result.photos.median_ms);
    console.log(`\nphoto corpus ${photos}: ${result.photos.images} images; images read per kind (wrong texts)`);
    console.log(['kind (images)'.padEnd(24), ...names.map((n) => n.padStart(24))].join(''));
    const total = Object.fromEntries(names.map((n) => [n, { read: 0, wrong: 0 }]));
    for (const [kind, k] of Object.entries(result.photos.kinds)) {
      console.log([`${kind} (${k.images})`.padEnd(24), ...names.map((n) => `${k[n].read}${k[n].wrong ? ` (${k[n].wrong})` : ''}`.padStart(24))].join(''));
      for (const n of names) { total[n].read += k[n].read; total[n].wrong += k[n].wrong; }
    }
    console.log([`total (${result.photos.images})`.padEnd(24), ...names.map((n) => `${total[n].read} (${total[n].wrong} wrong)`.padStart(24))].join(''));
    console.log(['median ms per image'.padEnd(24), ...names.map((n) => String(result.photos.median_ms[n]).padStart(24))].join(''));
  }
  mkdirSync(path.join(root, 'test-artifacts/web'), { recursive: true });
  writeFileSync(path.join(root, 'test-artifacts/web/bench.json'), JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.close();
}

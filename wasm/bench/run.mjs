// Runs wasm/bench/index.html in headless Chromium and prints the figures (scripts/build-wasm.sh
// --bench). Writes them to test-artifacts/web/bench.json too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { serve } from '../tests/browser/serve.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const server = await serve({
  '/': path.join(root, 'wasm/dist'),
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
  await page.waitForFunction(() => window.benchResult, null, { timeout: 300000 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(result.error);
  console.log(result.userAgent);
  for (const r of result.results) console.log(`${r.label.padEnd(72)} ${String(r.us_per_op).padStart(9)} µs/op  (n=${r.n})`);
  mkdirSync(path.join(root, 'test-artifacts/web'), { recursive: true });
  writeFileSync(path.join(root, 'test-artifacts/web/bench.json'), JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.close();
}

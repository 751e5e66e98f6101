// The web page's script modules (wasm/web/*.js but the service worker), read as source: each
// one parses as a module, every import names a module of the page, index.html's one script
// reaches them all, and the imports have no cycle, with state.js and words.js at the bottom.
// (The browser tests load the built page; this says where a broken layout is broken.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const modules = readdirSync(web).filter((f) => f.endsWith('.js') && f !== 'sw.js').sort();
const source = (m) => readFileSync(path.join(web, m), 'utf8');

// The static imports of module `m` (`import ... from './x.js'`), as file names.
function importsOf(m) {
  const found = [...source(m).matchAll(/^import\s[^;]*?\sfrom\s+'([^']+)';/gms)].map((x) => x[1]);
  for (const spec of found) assert.match(spec, /^\.\/[\w-]+\.js$/, `${m} imports ${spec}: only ./module.js of the page`);
  return found.map((spec) => spec.slice(2));
}
const graph = new Map(modules.map((m) => [m, importsOf(m)]));
// The modules `m` imports when it runs (`import('./x.js')`), as file names: loaded on demand.
function lazyImportsOf(m) {
  const found = [...source(m).matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((x) => x[1]);
  for (const spec of found) assert.match(spec, /^\.\/[\w-]+\.js$/, `${m} imports ${spec}: only ./module.js of the page`);
  return found.map((spec) => spec.slice(2));
}
const lazy = new Map(modules.map((m) => [m, lazyImportsOf(m)]));
// The modules reached from `start` through static imports, and through lazy ones too.
function reach(start, withLazy) {
  const reached = new Set();
  const visit = (m) => {
    if (reached.has(m)) return;
    reached.add(m);
    graph.get(m).forEach(visit);
    if (withLazy) lazy.get(m).forEach(visit);
  };
  visit(start);
  return reached;
}

test('every module of the page parses as an ES module', () => {
  // node --check takes a .mjs file as a module whatever the package type.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'elicense-web-modules-'));
  try {
    for (const m of modules) {
      const copy = path.join(dir, m.replace(/\.js$/, '.mjs'));
      copyFileSync(path.join(web, m), copy);
      const r = spawnSync(process.execPath, ['--check', copy], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${m}: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('index.html loads main.js, which reaches every module through imports that exist', () => {
  const scripts = [...readFileSync(path.join(web, 'index.html'), 'utf8').matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((x) => x[1]);
  assert.deepEqual(scripts, ['main.js']);
  for (const [m, deps] of graph) for (const d of [...deps, ...lazy.get(m)]) assert.ok(graph.has(d), `${m} imports ${d}, which is not in wasm/web`);
  assert.deepEqual([...reach('main.js', true)].sort(), modules);
});

test('holder.js (the holder\'s mode) is imported only on demand: not part of the first load', () => {
  // scripts/build-wasm.sh counts it with the holder's module, not in the first load.
  assert.ok(!reach('main.js', false).has('holder.js'), 'holder.js is imported statically');
  assert.deepEqual([...lazy].filter(([, l]) => l.includes('holder.js')).map(([m]) => m), ['mode.js']);
});

test('the imports have no cycle; state.js imports nothing and words.js only state.js', () => {
  assert.deepEqual(graph.get('state.js'), []);
  assert.deepEqual(graph.get('words.js'), ['state.js']);
  // Depth-first search: a module met again while still on the path closes a cycle.
  const done = new Set();
  const visit = (m, trail) => {
    assert.ok(!trail.includes(m), `import cycle: ${[...trail, m].join(' -> ')}`);
    if (done.has(m)) return;
    for (const d of graph.get(m)) visit(d, [...trail, m]);
    done.add(m);
  };
  for (const m of modules) visit(m, []);
  assert.equal(done.size, modules.length);
});

// Times the same work in the same browser with both stacks, on the same inputs:
//  - QR decode: elicense `decodeQr` (the decoder module, rxing in wasm) vs jsQR vs zxing-wasm
//    (zxing-cpp in wasm, npm), on 640×480 and 1280×720 RGBA frames with the business license's
//    code (version 22) and on a busy scene without any code (what most camera frames are);
//  - the photo corpus (scripts/qr-photos/generate.py), when run.mjs serves one at /photos/: each
//    image decoded by the three, read / wrong counted per kind of degradation;
//  - verify: elicense `Verifier.verify` (transport, COSE, signature, license rules, trust list
//    chain, revocation) vs the JS stack's signature check only (base45 + pako inflate + cbor-x +
//    @noble/ed25519 verifyAsync over the Sig_structure, then cbor-x decode of the payload).
// The JS stack does strictly less work (no certificate chain, no license rules), so the
// comparison favours it. Results go to window.benchResult for wasm/bench/run.mjs.
import init, { Verifier } from '/elicense_wasm.js';
import initQr, { decodeQr, decodeQrPass } from '/elicense_wasm_qr.js';
import * as ed from '/node_modules/@noble/ed25519/index.js';

const VERIFY_AT = Date.parse('2025-06-01T10:00:00+08:00') / 1000;
// fixtures/keys/TEST-ONLY-fuzhou-amr.json public_key_hex (the business license's signer).
const SIGNER_HEX = 'f0f5e19bf0234c4c2e3fbe0c97398d0bbb1bce443cdc3f6bac1796cd22db5e7c';
const hexBytes = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));

const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());

// RFC 9285 base45, as a JS developer would write or pull in.
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function base45(s) {
  const out = [];
  for (let i = 0; i < s.length; i += 3) {
    const chunk = s.slice(i, i + 3);
    let n = 0;
    for (let j = chunk.length - 1; j >= 0; j--) {
      const v = B45.indexOf(chunk[j]);
      if (v < 0) throw new Error('bad base45');
      n = n * 45 + v;
    }
    if (chunk.length === 3) out.push(n >> 8, n & 255);
    else out.push(n);
  }
  return Uint8Array.from(out);
}

async function jsVerify(text, publicKey) {
  const m = /^EL1(Z?):(.*)$/s.exec(text.trim());
  if (!m) throw new Error('prefix');
  let signed = base45(m[2]);
  if (m[1] === 'Z') signed = pako.inflate(signed);
  const cose = CBOR.decode(signed);
  const [protectedHeader, , payload, signature] = cose.value ?? cose;
  const toBeSigned = CBOR.encode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
  const ok = await ed.verifyAsync(signature, toBeSigned, publicKey);
  return { ok, payload: CBOR.decode(payload) };
}

async function time(label, n, f) {
  for (let i = 0; i < Math.min(20, n); i++) await f(); // warm up
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f();
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  runs.sort((a, b) => a - b);
  return { label, n, us_per_op: Number(runs[2].toFixed(1)) };
}

// A frame without a code, as most camera frames are: a busy scene (a shaded background, seeded
// random boxes, lines and text), `width × height`.
function sceneOf(width, height) {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  let seed = 0x9e3779b9;
  const rand = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };
  const gradient = ctx.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#d8d0c0');
  gradient.addColorStop(1, '#605850');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
  for (let i = 0; i < 400; i++) {
    const g = Math.round(rand() * 255);
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect(rand() * width, rand() * height, 4 + rand() * 80, 4 + rand() * 60);
  }
  ctx.lineWidth = 2;
  for (let i = 0; i < 150; i++) {
    ctx.strokeStyle = rand() < 0.5 ? '#111' : '#eee';
    ctx.beginPath();
    ctx.moveTo(rand() * width, rand() * height);
    ctx.lineTo(rand() * width, rand() * height);
    ctx.stroke();
  }
  ctx.fillStyle = '#222';
  ctx.font = '18px sans-serif';
  for (let i = 0; i < 60; i++) ctx.fillText('营业执照 统一社会信用代码 91350100M000100Y43', rand() * width, rand() * height);
  return ctx.getImageData(0, 0, width, height);
}

// A grey frame of `width × height`, with the PNG at `url` in its centre (none when url is null).
async function frameOf(url, width = 640, height = 480) {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#c8c8c8';
  ctx.fillRect(0, 0, width, height);
  if (url) {
    const image = await createImageBitmap(new Blob([await bytes(url)], { type: 'image/png' }));
    ctx.drawImage(image, (width - image.width) >> 1, (height - image.height) >> 1);
  }
  return ctx.getImageData(0, 0, width, height);
}

// The three decoders on an RGBA ImageData: the distinct texts read ([] for none).
const DECODERS = {
  'elicense wasm (rxing)': (f) => { try { return decodeQr(f.data, f.width, f.height); } catch { return []; } },
  // jsQR's defaults: it tries the frame inverted too (inversionAttempts "attemptBoth"); one code.
  jsQR: (f) => { const r = jsQR(f.data, f.width, f.height); return r ? [r.data] : []; },
  // zxing-wasm's defaults (tryHarder, tryRotate, tryInvert, tryDownscale), QR codes only.
  'zxing-wasm (zxing-cpp)': async (f) => (await ZXingWASM.readBarcodes(f, { formats: ['QRCode'], maxNumberOfSymbols: 8 }))
    .filter((r) => r.isValid).map((r) => r.text),
};

// Every image of the corpus (manifest.tsv: file, kind, strength, license, text) through every
// decoder: per kind, images read (the expected text among those returned) and wrong texts.
async function corpus() {
  const response = await fetch('/photos/manifest.tsv');
  if (!response.ok) return null;
  const rows = (await response.text()).trim().split('\n').map((l) => l.split('\t')).filter((r) => r.length >= 5 && r[0] !== 'file');
  const kinds = {};
  const times = Object.fromEntries(Object.keys(DECODERS).map((d) => [d, []]));
  for (const [file, kind, , , expected] of rows) {
    const image = await createImageBitmap(await (await fetch(`/photos/${file}`)).blob());
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    const frame = ctx.getImageData(0, 0, image.width, image.height);
    kinds[kind] ??= { images: 0, ...Object.fromEntries(Object.keys(DECODERS).map((d) => [d, { read: 0, wrong: 0 }])) };
    kinds[kind].images++;
    for (const [name, decode] of Object.entries(DECODERS)) {
      const t0 = performance.now();
      const texts = await decode(frame);
      times[name].push(performance.now() - t0);
      if (texts.includes(expected)) kinds[kind][name].read++;
      if (texts.some((t) => t !== expected)) kinds[kind][name].wrong++;
    }
  }
  const median = (a) => { const s = [...a].sort((x, y) => x - y); return Number(s[s.length >> 1].toFixed(1)); };
  return { images: rows.length, kinds, median_ms: Object.fromEntries(Object.entries(times).map(([d, t]) => [d, median(t)])) };
}

async function main() {
  await init();
  const verifier = new Verifier();
  const manifest = await (await fetch('/trust/manifest.json')).json();
  for (const f of manifest.roots) verifier.addRoot(await bytes(`/trust/${f}`));
  for (const f of manifest.trust_lists) verifier.loadTrustList(await bytes(`/trust/${f}`), VERIFY_AT);
  for (const f of manifest.status_lists) verifier.loadStatusList(await bytes(`/trust/${f}`), VERIFY_AT);
  const text = (await (await fetch('/fixtures/licenses/business-license.qr.txt')).text()).trim();
  const frames = {
    '640×480': await frameOf('/fixtures/licenses/business-license.qr.png'),
    '1280×720': await frameOf('/fixtures/licenses/business-license.qr.png', 1280, 720),
  };
  const empty = { '640×480': sceneOf(640, 480), '1280×720': sceneOf(1280, 720) };
  const publicKey = hexBytes(SIGNER_HEX);
  await initQr();
  await ZXingWASM.prepareZXingModule({
    overrides: { locateFile: (file, prefix) => (file.endsWith('.wasm') ? `/node_modules/zxing-wasm/dist/reader/${file}` : prefix + file) },
    fireImmediately: true,
  });

  // Every decoder must get the right answer before it is timed.
  for (const frame of Object.values(frames)) {
    for (const [name, decode] of Object.entries(DECODERS)) {
      const texts = await decode(frame);
      if (texts[0] !== text) throw new Error(`${name} disagrees with the fixture on a ${frame.width}×${frame.height} frame`);
    }
  }
  for (const frame of Object.values(empty)) {
    for (const [name, decode] of Object.entries(DECODERS)) {
      if ((await decode(frame)).length) throw new Error(`${name} reads a code in the scene without one`);
    }
  }
  if (!verifier.verify(text, VERIFY_AT).valid) throw new Error('wasm verify failed');
  if (!(await jsVerify(text, publicKey)).ok) throw new Error('JS verify failed');
  const tampered = text.slice(0, 40) + (text[40] === 'A' ? 'B' : 'A') + text.slice(41);
  if (verifier.verify(tampered, VERIFY_AT).valid) throw new Error('wasm accepted a tampered text');

  const results = [
    await time('verify: elicense wasm (full verification)', 2000, () => verifier.verify(text, VERIFY_AT)),
    await time('verify: base45 + pako + cbor-x + @noble/ed25519 (signature only)', 2000, () => jsVerify(text, publicKey)),
  ];
  for (const [size, frame] of Object.entries(frames)) {
    for (const [name, decode] of Object.entries(DECODERS)) results.push(await time(`QR decode ${size}, v22 code: ${name}`, 20, () => decode(frame)));
  }
  for (const [size, frame] of Object.entries(empty)) {
    for (const [name, decode] of Object.entries(DECODERS)) results.push(await time(`QR decode ${size}, no code (busy scene): ${name}`, 10, () => decode(frame)));
  }
  // The page's camera: one of the four passes a frame, in turn (the mean over the four).
  for (const [size, frame] of Object.entries(empty)) {
    let pass = 0;
    const onePass = () => { try { decodeQrPass(frame.data, frame.width, frame.height, pass++); } catch { /* none */ } };
    results.push(await time(`QR decode ${size}, no code (busy scene): elicense wasm, one pass a frame (camera)`, 12, onePass));
  }
  const photos = await corpus();
  window.benchResult = { userAgent: navigator.userAgent, text_len: text.length, results, photos,
    native_barcode_detector: typeof BarcodeDetector === 'function' };
  document.getElementById('out').textContent = JSON.stringify(window.benchResult, null, 2);
}

main().catch((e) => { window.benchResult = { error: e.message }; document.getElementById('out').textContent = e.stack; });

// Times the same work in the same browser with both stacks, on the same inputs:
//  - QR decode: elicense `decodeQr` (rqrr in wasm) vs jsQR, on one 640×480 RGBA frame;
//  - verify: elicense `Verifier.verify` (transport, COSE, signature, license rules, trust list
//    chain, revocation) vs the JS stack's signature check only (base45 + pako inflate + cbor-x +
//    @noble/ed25519 verifyAsync over the Sig_structure, then cbor-x decode of the payload).
// The JS stack does strictly less work (no certificate chain, no license rules), so the
// comparison favours it. Results go to window.benchResult for wasm/bench/run.mjs.
import init, { Verifier, decodeQr } from '/elicense_wasm.js';
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

async function frameOf(url, width = 640, height = 480) {
  const image = await createImageBitmap(new Blob([await bytes(url)], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#c8c8c8';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(image, (width - image.width) >> 1, (height - image.height) >> 1);
  return ctx.getImageData(0, 0, width, height);
}

async function main() {
  await init();
  const verifier = new Verifier();
  const manifest = await (await fetch('/trust/manifest.json')).json();
  for (const f of manifest.roots) verifier.addRoot(await bytes(`/trust/${f}`));
  for (const f of manifest.trust_lists) verifier.loadTrustList(await bytes(`/trust/${f}`), VERIFY_AT);
  for (const f of manifest.status_lists) verifier.loadStatusList(await bytes(`/trust/${f}`), VERIFY_AT);
  const text = (await (await fetch('/fixtures/licenses/business-license.qr.txt')).text()).trim();
  const frame = await frameOf('/fixtures/licenses/business-license.qr.png');
  const publicKey = hexBytes(SIGNER_HEX);

  // Both stacks must get the right answer before they are timed.
  const wasmText = decodeQr(frame.data, frame.width, frame.height)[0];
  const js = jsQR(frame.data, frame.width, frame.height);
  if (wasmText !== text || js?.data !== text) throw new Error('QR decode disagrees with the fixture');
  if (!verifier.verify(text, VERIFY_AT).valid) throw new Error('wasm verify failed');
  if (!(await jsVerify(text, publicKey)).ok) throw new Error('JS verify failed');
  const tampered = text.slice(0, 40) + (text[40] === 'A' ? 'B' : 'A') + text.slice(41);
  if (verifier.verify(tampered, VERIFY_AT).valid) throw new Error('wasm accepted a tampered text');

  const results = [
    await time('verify: elicense wasm (full verification)', 2000, () => verifier.verify(text, VERIFY_AT)),
    await time('verify: base45 + pako + cbor-x + @noble/ed25519 (signature only)', 2000, () => jsVerify(text, publicKey)),
    await time('QR decode 640×480: elicense wasm (rqrr)', 50, () => decodeQr(frame.data, frame.width, frame.height)),
    await time('QR decode 640×480: jsQR', 50, () => jsQR(frame.data, frame.width, frame.height)),
  ];
  window.benchResult = { userAgent: navigator.userAgent, text_len: text.length, results };
  document.getElementById('out').textContent = JSON.stringify(window.benchResult, null, 2);
}

main().catch((e) => { window.benchResult = { error: e.message }; document.getElementById('out').textContent = e.stack; });

// The core library, compiled to WebAssembly: loading an instance (with its trust, trust.js) and
// callCore, the one way the page calls into it. A Rust panic in the core is a WebAssembly trap
// (the build aborts on panic): the call throws a WebAssembly.RuntimeError and leaves the instance
// as the trap found it, its stack pointer and heap in the middle of the call, so the page never
// calls that instance again. It loads a fresh one instead (a new URL for the glue module makes the
// browser instantiate the module again; the service worker answers it from its cache, which
// ignores the query) and rebuilds the trust from the same files; the input that trapped gets a
// verdict that says so. No input is known to trap (that is what fuzz/ is for); this is so that a
// future bug costs one verdict, not a page that silently gives wrong answers.
import { state } from './state.js';
import { t } from './words.js';
import { loadTrust, showTrustSummary } from './trust.js';

const MAX_CORE_RESTARTS = 3;

/** An error from `callCore` itself (the core trapped, or is not available): `key` in WORDS. */
export class CoreError extends Error {
  constructor(key) { super(t(key)); this.key = key; }
}

export async function loadCore() {
  state.coreLoads++;
  state.coreLoading = true;
  try {
    const module = await import(state.coreLoads === 1 ? './elicense_wasm.js' : `./elicense_wasm.js?instance=${state.coreLoads}`);
    await module.default();
    const v = await loadTrust(module);
    state.core = module;
    state.verifier = v;
    showTrustSummary();
    document.body.dataset.coreLoads = String(state.coreLoads);
  } finally {
    state.coreLoading = false;
  }
}

// Run `f(core)`. A trap drops the instance, starts loading a fresh one and throws a CoreError.
// `instance`: the module that objects `f` uses belong to, when they outlive one call (a hasher).
export function callCore(f, instance = state.core) {
  // No instance: one is loading (wait), or the restarts are used up (broken).
  if (!state.core) throw new CoreError(state.coreLoading || state.coreLoads <= MAX_CORE_RESTARTS ? 'coreRestarting' : 'coreBroken');
  if (instance !== state.core) throw new CoreError('coreRestarting');
  try {
    return f(state.core);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    console.error('elicense core trapped:', e);
    state.core = null;
    state.verifier = null;
    if (state.coreLoads <= MAX_CORE_RESTARTS) loadCore().catch((e2) => console.error('elicense core restart:', e2));
    throw new CoreError('coreTrapped');
  }
}

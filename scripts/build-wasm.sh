#!/usr/bin/env bash
# Build the WebAssembly verifier (wasm/) into wasm/pkg-web (ES module for browsers) and
# wasm/pkg-node (CommonJS for Node.js), assemble the static web verifier in wasm/dist (page,
# wasm, service worker, trust lists), and print the gzipped sizes.
#
#   scripts/build-wasm.sh                 install what is missing, build, bind, assemble, sizes
#   scripts/build-wasm.sh --test          ... then the Node.js tests (wasm/tests/node) and the
#                                         headless Chromium tests (wasm/tests/browser)
#   scripts/build-wasm.sh --bench         ... then the in-browser benchmark against the pure-JS
#                                         stack (wasm/bench), figures printed
#   scripts/build-wasm.sh --trust DIR     bundle DIR (manifest.json + files) as the page's trust
#                                         lists instead of the TEST-ONLY fixtures
#
# Idempotent: installs only what is missing. rustup cannot fetch the wasm32 standard library on
# these machines, so the build uses Debian's Rust (rustc-web, with rust-web-src to rebuild std)
# and lld's wasm-ld, in its own target dir (target/wasm) so the two toolchains never share
# artifacts (docs: shared notes, toolchain.md). wasm-bindgen-cli must be exactly the version of
# the wasm-bindgen crate in Cargo.lock; it is cached in .tools/ (ignored by git).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUN_TESTS=0
RUN_BENCH=0
TRUST_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --test) RUN_TESTS=1 ;;
        --bench) RUN_BENCH=1 ;;
        --trust) TRUST_DIR="${2:?--trust needs a directory}"; shift ;;
        -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "build-wasm.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

# Builds share the machine: stay out of the way of interactive work.
NICE=(nice -n 19)
SUDO=()
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=(sudo); fi

step() { printf '\n== %s\n' "$*"; }

# --- 1. Debian packages ------------------------------------------------------------------------
# cargo-web (Debian's /usr/bin/cargo) is only a Recommends of rustc-web and this script installs
# without recommends: a fresh machine (2026-12-02, rustc-web 1.96) had no /usr/bin/cargo without it.
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld)
if [ "$RUN_TESTS" = 1 ] || [ "$RUN_BENCH" = 1 ]; then APT_PACKAGES+=(nodejs npm chromium fonts-wqy-microhei); fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
    # nodejs/npm may come from elsewhere (an image's own node): a working command is enough.
    case "$p" in
        nodejs) command -v node >/dev/null && continue ;;
        npm) command -v npm >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    step "apt-get install ${missing[*]}"
    "${SUDO[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
for f in /usr/bin/cargo /usr/bin/rustc /usr/bin/wasm-ld; do
    [ -x "$f" ] || { echo "build-wasm.sh: $f is missing after installing ${APT_PACKAGES[*]}" >&2; exit 1; }
done

# --- 2. wasm-bindgen-cli of the Cargo.lock version ---------------------------------------------
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[ -n "$WB_VERSION" ] || { echo "build-wasm.sh: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
WB="$ROOT/.tools/bin/wasm-bindgen"
if [ "$("$WB" --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ]; then
    step "cargo install wasm-bindgen-cli $WB_VERSION into .tools/"
    # --locked first; its lock file can name a dependency version the registry does not (yet)
    # serve (wasm-bindgen-cli 0.2.130 locks webpki-roots 1.0.11), so fall back to resolving.
    if ! "${NICE[@]}" cargo install wasm-bindgen-cli --version "=$WB_VERSION" --locked --force --root .tools; then
        echo "build-wasm.sh: --locked install failed; retrying without --locked" >&2
        "${NICE[@]}" cargo install wasm-bindgen-cli --version "=$WB_VERSION" --force --root .tools
    fi
fi
echo "wasm-bindgen $WB_VERSION: $WB"

# --- 3. cargo build (Debian toolchain, std rebuilt with panic=abort, size-optimised) -----------
# Three modules, built by separate cargo runs (one run would unify the core's features and put
# the QR decoder in all): elicense-wasm, the verifier every visit loads, without the core's
# `qr-decode`; elicense-wasm-qr (wasm/qr), the QR decoder alone, which the page loads only for a
# photo or the camera when the browser has no BarcodeDetector; elicense-wasm-holder
# (wasm/holder), the holder's mode (disclosure units, presentations, the QR encoder), which the
# page loads when that mode opens and the service worker fetches on install (docs/WEB.md,
# "Three modules").
# Size: panics abort without formatting (the core never panics on any input; a panic would be a
# bug either way), no file/line strings, derived Debug output shortened to type names (Debug of
# strings, used in error messages, is unchanged).
WASM_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=shallow"
for crate in elicense-wasm elicense-wasm-qr elicense-wasm-holder; do
    step "cargo build -p $crate (wasm32-unknown-unknown, target/wasm)"
    start=$(date +%s)
    env -u RUSTC -u RUSTDOC -u RUSTUP_TOOLCHAIN -u CARGO -u RUSTC_WRAPPER -u CARGO_TARGET_DIR \
        PATH="/usr/bin:$PATH" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/bin/wasm-ld \
        RUSTC_BOOTSTRAP=1 \
        CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
        CARGO_PROFILE_RELEASE_LTO=fat \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
        CARGO_PROFILE_RELEASE_PANIC=abort \
        CARGO_PROFILE_RELEASE_STRIP=debuginfo \
        RUSTFLAGS="$WASM_RUSTFLAGS" \
        "${NICE[@]}" /usr/bin/cargo build -p "$crate" --release --locked \
        --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort --target-dir target/wasm
    echo "cargo build -p $crate took $(($(date +%s) - start)) s"
done

# --- 4. wasm-bindgen -------------------------------------------------------------------------
step "wasm-bindgen --target web / nodejs"
for t in web nodejs; do
    out="wasm/pkg-${t%js}"
    rm -rf "$out"
    for name in elicense_wasm elicense_wasm_qr elicense_wasm_holder; do
        "$WB" --target "$t" --remove-name-section --remove-producers-section --out-dir "$out" \
            "target/wasm/wasm32-unknown-unknown/release/$name.wasm"
    done
done

# --- 5. the static web verifier: wasm/dist ------------------------------------------------------
step "assemble wasm/dist (web verifier)"
DIST=wasm/dist
rm -rf "$DIST"
mkdir -p "$DIST/trust"
# The page's script modules: every .js file of wasm/web but the service worker (filled in below).
MODULES=$(cd wasm/web && ls -1 -- *.js | grep -vx 'sw.js' | LC_ALL=C sort)
cp wasm/web/index.html wasm/web/style.css wasm/web/manifest.webmanifest "$DIST/"
for m in $MODULES; do cp "wasm/web/$m" "$DIST/"; done
cp wasm/pkg-web/elicense_wasm.js wasm/pkg-web/elicense_wasm_bg.wasm "$DIST/"
cp wasm/pkg-web/elicense_wasm_qr.js wasm/pkg-web/elicense_wasm_qr_bg.wasm "$DIST/"
cp wasm/pkg-web/elicense_wasm_holder.js wasm/pkg-web/elicense_wasm_holder_bg.wasm "$DIST/"
if [ -n "$TRUST_DIR" ]; then
    [ -f "$TRUST_DIR/manifest.json" ] || { echo "build-wasm.sh: $TRUST_DIR/manifest.json is missing" >&2; exit 2; }
    cp -R "$TRUST_DIR/." "$DIST/trust/"
else
    # The TEST-ONLY fixture roots and lists (the page shows a test banner for them).
    mkdir -p "$DIST/trust/roots" "$DIST/trust/lists" "$DIST/trust/status"
    cp fixtures/trust/roots/fujian-root.cert.pem fixtures/trust/roots/shanghai-root.cert.pem "$DIST/trust/roots/"
    cp fixtures/trust/lists/fujian-v2.cose fixtures/trust/lists/shanghai-v1.cose "$DIST/trust/lists/"
    cp fixtures/trust/status/fuzhou-amr.cose "$DIST/trust/status/"
    cat >"$DIST/trust/manifest.json" <<'JSON'
{
  "label": "elicense TEST-ONLY fixtures (fixtures/trust)",
  "test_only": true,
  "roots": ["roots/fujian-root.cert.pem", "roots/shanghai-root.cert.pem"],
  "trust_lists": ["lists/fujian-v2.cose", "lists/shanghai-v1.cose"],
  "status_lists": ["status/fuzhou-amr.cose"]
}
JSON
fi
# The service worker caches exactly these files; its version is a hash of them, so a new build
# replaces the cache. When it installs (after the page is ready) it fetches the first-load files
# and the holder's side (holder.js and elicense_wasm_holder*, which the page imports when the
# holder's mode opens: so that mode works offline), and it keeps the QR
# decoder module (elicense_wasm_qr*) when the page first loads it: a visit that never reads a
# photo never downloads it.
all=$(cd "$DIST" && find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
lazy=$(echo "$all" | grep '^elicense_wasm_qr')
holder=$(echo "$all" | grep -e '^elicense_wasm_holder' -e '^holder\.js$')
assets=$(echo "$all" | grep -v '^elicense_wasm_qr' | grep -v -e '^elicense_wasm_holder' -e '^holder\.js$')
[ "$(echo "$lazy" | wc -l)" = 2 ] || { echo "build-wasm.sh: expected the two decoder files, got: $lazy" >&2; exit 1; }
[ "$(echo "$holder" | wc -l)" = 3 ] || { echo "build-wasm.sh: expected the holder's three files, got: $holder" >&2; exit 1; }
version=$(cd "$DIST" && printf '%s\n' $all | xargs sha256sum | sha256sum | cut -c1-16)
js_list() { local first=1 a; for a in "$@"; do [ $first = 1 ] || printf ', '; printf '"%s"' "$a"; first=0; done; }
asset_list=$(printf '"./", '; js_list $assets)
sed -e "s|__VERSION__|$version|" -e "s|__ASSETS__|[$asset_list]|" -e "s|__LAZY__|[$(js_list $lazy)]|" \
    -e "s|__HOLDER__|[$(js_list $holder)]|" wasm/web/sw.js >"$DIST/sw.js"
echo "wasm/dist: $(echo "$all" | wc -l) files + sw.js (cache version $version; on install after the page: $(echo $holder); on first use: $(echo $lazy))"

# --- 6. sizes ---------------------------------------------------------------------------------
# The first load (page, its modules, the verifier wasm) and the QR decoder module loaded later
# only when needed (a photo or the camera, without BarcodeDetector), each total on its own.
step "sizes (bytes; gzip -9): what a browser downloads"
gz() { gzip -9 -c "$1" | wc -c; }
sizes() {
    local label="$1" total=0 g f
    shift
    for f in "$@"; do
        g=$(gz "$DIST/$f")
        total=$((total + g))
        printf '%-36s %9s %9s\n' "$f" "$(wc -c <"$DIST/$f")" "$g"
    done
    printf '%-36s %9s %9s\n' "$label" "" "$total"
    SIZE_TOTAL=$total
}
printf '%-36s %9s %9s\n' file raw gzip
# holder.js is imported by the page only when the holder's mode opens (mode.js): it is counted
# with the holder's module.
FIRST_MODULES=$(echo "$MODULES" | grep -vx 'holder.js')
sizes "total, first load" elicense_wasm_bg.wasm elicense_wasm.js $FIRST_MODULES index.html style.css sw.js
first=$SIZE_TOTAL
echo "  (target for the first load: 256000)"
sizes "total, holder's side (mode; sw)" elicense_wasm_holder_bg.wasm elicense_wasm_holder.js holder.js
holder_total=$SIZE_TOTAL
printf '%-36s %9s %9s\n' "total, first load + holder's side" "" "$((first + holder_total))"
sizes "total, QR decoder module (on demand)" elicense_wasm_qr_bg.wasm elicense_wasm_qr.js
printf '%-36s %9s %9s\n' "total, all three modules" "" "$((first + holder_total + SIZE_TOTAL))"

# --- 7. tests and benchmark --------------------------------------------------------------------
if [ "$RUN_TESTS" = 1 ] || [ "$RUN_BENCH" = 1 ]; then
    if [ ! -d wasm/node_modules ] || [ wasm/package-lock.json -nt wasm/node_modules ]; then
        # `npm install`, not `npm ci`: cbor-x's optional native helpers are platform packages the
        # lock file cannot list for every platform, which `npm ci` rejects. No install scripts:
        # nothing here needs to compile.
        step "npm install (wasm/)"
        (cd wasm && npm install --no-audit --no-fund --ignore-scripts)
    fi
fi
if [ "$RUN_TESTS" = 1 ]; then
    step "node --test wasm/tests/node"
    node --test wasm/tests/node/*.test.mjs
    step "node --test wasm/tests/browser (headless Chromium)"
    node --test --test-concurrency=1 wasm/tests/browser/*.test.mjs
fi
if [ "$RUN_BENCH" = 1 ]; then
    step "benchmark in Chromium: elicense wasm vs jsQR + cbor-x + @noble/ed25519"
    node wasm/bench/run.mjs
fi

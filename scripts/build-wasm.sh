#!/usr/bin/env bash
# Build the WebAssembly verifier (wasm/) into wasm/pkg-web (ES module for browsers) and
# wasm/pkg-node (CommonJS for Node.js), and print their gzipped sizes.
#
#   scripts/build-wasm.sh          install what is missing, build, bind, print sizes
#   scripts/build-wasm.sh --test   ... then run the Node.js tests (wasm/tests/node)
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
for arg in "$@"; do
    case "$arg" in
        --test) RUN_TESTS=1 ;;
        -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "build-wasm.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

# Builds share the machine: stay out of the way of interactive work.
NICE=(nice -n 19)
SUDO=()
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=(sudo); fi

step() { printf '\n== %s\n' "$*"; }

# --- 1. Debian packages ------------------------------------------------------------------------
APT_PACKAGES=(rustc-web rust-web-src lld)
if [ "$RUN_TESTS" = 1 ]; then APT_PACKAGES+=(nodejs npm); fi
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
step "cargo build -p elicense-wasm (wasm32-unknown-unknown, target/wasm)"
start=$(date +%s)
env -u RUSTC -u RUSTDOC -u RUSTUP_TOOLCHAIN -u CARGO -u RUSTC_WRAPPER -u CARGO_TARGET_DIR \
    PATH="/usr/bin:$PATH" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/bin/wasm-ld \
    RUSTC_BOOTSTRAP=1 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=s \
    CARGO_PROFILE_RELEASE_LTO=fat \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_PANIC=abort \
    CARGO_PROFILE_RELEASE_STRIP=debuginfo \
    "${NICE[@]}" /usr/bin/cargo build -p elicense-wasm --release --locked \
    --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort --target-dir target/wasm
echo "cargo build took $(($(date +%s) - start)) s"
WASM="target/wasm/wasm32-unknown-unknown/release/elicense_wasm.wasm"

# --- 4. wasm-bindgen -------------------------------------------------------------------------
step "wasm-bindgen --target web / nodejs"
for t in web nodejs; do
    out="wasm/pkg-${t%js}"
    rm -rf "$out"
    "$WB" --target "$t" --out-dir "$out" "$WASM"
done

# --- 5. sizes ---------------------------------------------------------------------------------
step "sizes (bytes; gzip -9)"
gz() { gzip -9 -c "$1" | wc -c; }
printf '%-40s %9s %9s\n' file raw gzip
printf '%-40s %9s %9s\n' "$WASM" "$(wc -c <"$WASM")" "$(gz "$WASM")"
for out in wasm/pkg-web wasm/pkg-node; do
    total=0
    for f in "$out/elicense_wasm_bg.wasm" "$out/elicense_wasm.js"; do
        g=$(gz "$f")
        total=$((total + g))
        printf '%-40s %9s %9s\n' "$f" "$(wc -c <"$f")" "$g"
    done
    printf '%-40s %9s %9s\n' "$out: wasm + JS glue" "" "$total"
done

# --- 6. Node.js tests -------------------------------------------------------------------------
if [ "$RUN_TESTS" = 1 ]; then
    step "node --test wasm/tests/node"
    if [ -f wasm/package-lock.json ]; then
        (cd wasm && npm ci --no-audit --no-fund)
    else
        (cd wasm && npm install --no-audit --no-fund)
    fi
    node --test wasm/tests/node/*.test.mjs
fi

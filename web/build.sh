#!/usr/bin/env bash
# Builds the page that checks a dossier in the browser into web/dist/, from a fresh clone:
#
#     web/build.sh
#
# then serve web/dist/ as static files (browsers refuse WebAssembly from file://), e.g.
# `python3 -m http.server -d web/dist 8000` and open http://localhost:8000/.
#
# Steps: the wasm32-unknown-unknown target (rustup), wasm-bindgen-cli of exactly the version
# web/Cargo.toml pins (cargo install, when missing or of another version), the crate built in
# release for wasm32, wasm-bindgen's glue for `--target web`, wasm-opt with WASM_OPT=1
# (optional), and the page's own files.
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
cd "$web"

# The version the crate pins (`wasm-bindgen = "=X"`): the CLI must be the same.
version="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' Cargo.toml)"
if [ -z "$version" ]; then
    echo "web/build.sh: no exact wasm-bindgen version in web/Cargo.toml" >&2
    exit 1
fi

echo "== target wasm32-unknown-unknown"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi

echo "== wasm-bindgen-cli $version"
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$version" ]; then
    cargo install wasm-bindgen-cli --version "$version" --locked
fi

echo "== cargo build --release --target wasm32-unknown-unknown (web/)"
# From web/, so that web/.cargo/config.toml (the module's stack size) applies.
cargo build --release --locked --target wasm32-unknown-unknown

rm -rf dist
mkdir -p dist
wasm-bindgen --target web --no-typescript --out-dir dist \
    target/wasm32-unknown-unknown/release/tenderlint_web.wasm

# wasm-opt only when asked for (WASM_OPT=1) and installed: Debian 12's (binaryen 108) makes a
# module that no longer loads, for 3 % less gzipped; a recent binaryen is worth trying, with
# the browser test run on its output.
if [ "${WASM_OPT:-0}" = 1 ] && command -v wasm-opt >/dev/null; then
    echo "== wasm-opt -O ($(wasm-opt --version))"
    wasm-opt -O --all-features -o dist/tenderlint_web_bg.wasm dist/tenderlint_web_bg.wasm
else
    echo "== no wasm-opt (WASM_OPT=1 runs it when installed): the module as the compiler made it"
fi

cp index.html app.js style.css dist/
echo "== web/dist/"
ls -l dist/
echo "module, gzipped: $(gzip -9c dist/tenderlint_web_bg.wasm | wc -c) bytes"

#!/usr/bin/env bash
# Fuzzes every target for a bounded time (default 60 s each): scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); it runs on the stable toolchain with
# RUSTC_BOOTSTRAP=1. Seeds come from the fixtures, the shipped rules and fuzz/seeds/TARGET/. A
# crash leaves its input in fuzz/artifacts/TARGET/: turn it into a regression test in
# tests/it/hostile/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(rule_parser rule_compiler rule_format read_documents read_docx read_odt read_pdf read_html engine)
fi
export RUSTC_BOOTSTRAP=1
seed() { # seed TARGET FILES...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$dir/$(echo "$f" | tr '/' '_')" || true; done
}
seed rule_parser rules/miq/*.tl examples/plie/*.tl
seed rule_compiler examples/plie/*.tl
seed rule_format rules/miq/*.tl examples/plie/*.tl
seed read_documents fixtures/*/*.md fixtures/*/*.txt
seed read_docx fixtures/formats/*/*.docx
seed read_odt fixtures/formats/*/*.odt
seed read_pdf fixtures/formats/*/*.pdf
seed read_html fixtures/formats/*/*.html
seed engine fixtures/*/*.md
# Hostile seeds kept in the repository: deep nesting (stack overflows), amplification (PDF
# forms, Flate bombs, self-closing HTML elements), costly regexes, stray bytes.
for t in "${targets[@]}"; do
  seed "$t" fuzz/seeds/"$t"/*
done
for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${seconds}s"
  cargo fuzz run "$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len=262144
done

#!/usr/bin/env bash
# Writes tenderlint's output in every format, for every fixture tender and for the whole
# `fixtures/` folder, into OUTDIR: one file per (input, format), plus the catalogue (`explain`).
# Used to show that a change of structure leaves every output byte-identical:
#
#   scripts/outputs.sh target/debug/tenderlint /tmp/before     # on the old commit
#   scripts/outputs.sh target/debug/tenderlint /tmp/after      # on the new one
#   diff -r /tmp/before /tmp/after
#
# `scripts/same-outputs.sh REV` does both, building REV in a temporary worktree.
set -euo pipefail
BIN="$(realpath "$1")"
OUT="$2"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
rm -rf "$OUT" && mkdir -p "$OUT"
export SOURCE_DATE_EPOCH=0
FORMATS="human short json sarif github gitlab junit html"
inputs=(fixtures)
for d in fixtures/*/; do inputs+=("${d%/}"); done
for input in "${inputs[@]}"; do
  name="${input//\//_}"
  for f in $FORMATS; do
    # The exit status is part of the output: it is written after the text.
    status=0
    NO_COLOR=1 COLUMNS=100 "$BIN" check "$input" --format "$f" --color never \
      >"$OUT/$name.$f" 2>"$OUT/$name.$f.stderr" || status=$?
    echo "exit $status" >>"$OUT/$name.$f"
  done
done
"$BIN" explain --all >"$OUT/explain.txt"
"$BIN" explain --all --format md >"$OUT/explain.md"
"$BIN" rules >"$OUT/rules.txt" 2>&1 || true

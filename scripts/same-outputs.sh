#!/usr/bin/env bash
# Shows that the working tree gives the same outputs as revision REV (default: HEAD), byte for
# byte, in every format on `fixtures/`: builds both (debug), runs scripts/outputs.sh with each,
# and diffs the results. Exit status 0 when they are identical.
#
#   scripts/same-outputs.sh [REV]
set -euo pipefail
REV="${1:-HEAD}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'git -C "$ROOT" worktree remove --force "$WORK/old" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
git -C "$ROOT" worktree add --detach "$WORK/old" "$REV" >/dev/null
# The old revision builds in its own target folder, kept between runs to build faster.
OLD_TARGET="${OLD_TARGET:-$ROOT/target/same-outputs}"
cargo build --quiet --manifest-path "$WORK/old/Cargo.toml" --target-dir "$OLD_TARGET"
cargo build --quiet --manifest-path "$ROOT/Cargo.toml"
# Both run from the working tree, so the inputs are the same files.
"$ROOT/scripts/outputs.sh" "$OLD_TARGET/debug/tenderlint" "$WORK/before"
"$ROOT/scripts/outputs.sh" "${CARGO_TARGET_DIR:-$ROOT/target}/debug/tenderlint" "$WORK/after"
if diff -r "$WORK/before" "$WORK/after" >"$WORK/diff"; then
  echo "same outputs as $REV: $(find "$WORK/after" -type f | wc -l) files compared"
else
  head -50 "$WORK/diff"
  echo "outputs differ from $REV" >&2
  exit 1
fi

#!/usr/bin/env bash
# tenderlint against its peers, side by side, in one run of the peer kit.
#
#   bench/compare.sh [bench.py options]     default: see PEER_RUNS below
#
# 1. builds tenderlint with the `dist` profile (full LTO, as distributed binaries are);
# 2. writes the 40-check workload in tenderlint's language (bench/workload_rules.py);
# 3. runs the peer kit (../shared/bench/run_peers.sh, a private copy so the shared kit is not
#    written to), which generates the corpora with gen_corpus.py under $BENCH_CORPUS_ROOT
#    (default /work/bench-corpora, outside the repository: large is 460 MB) and measures the
#    peers and tenderlint (OURS) in the same run, checking agreement with ripgrep;
# 4. measures tenderlint with the full MIQ pack on each corpus, and one 200 KB DCE start-up
#    included (median of 21 whole-process runs), with the plans of the rules' patterns kept
#    between runs (the default) and without (--no-cache).
# Results: $KIT_COPY/results/RESULTS-table.md and bench/results/ours-extra.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
KIT="${KIT:-$ROOT/../shared/bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export BENCH_CORPUS_ROOT="${BENCH_CORPUS_ROOT:-/work/bench-corpora}"
KIT_COPY="${KIT_COPY:-${TMPDIR:-/tmp}/tenderlint-compare-kit}"

cargo build --profile dist --manifest-path "$ROOT/Cargo.toml"
BIN="$CARGO_TARGET_DIR/dist/tenderlint"
python3 "$HERE/workload_rules.py" "$KIT/workload.json" "$HERE/workload-rules"

rm -rf "$KIT_COPY" && cp -r "$KIT" "$KIT_COPY" && chmod -R u+w "$KIT_COPY"
rm -f "$KIT_COPY/results/results.json"
# --format short, turned into the kit's TSV: `path<TAB>line:col: level[check] message` (the kit
# reads the path before the tab and the first check id after it). A plain substitution: the
# capturing `sed -E` used before took 0.5 s of CPU on the large corpus's 22,700 lines, on the
# cores tenderlint was using.
export OURS="$BIN check --no-default-rules --rules {rules} {corpus} --format short --fail-on never | sed 's/:/\\t/'"
export OURS_RULES="$HERE/workload-rules" OURS_FORMAT=tsv OURS_NAME=tenderlint
export OURS_VERSION="tenderlint $("$BIN" --version | awk '{print $2}')"
if [ $# -gt 0 ]; then
  "$KIT_COPY/run_peers.sh" "$@"
else
  # textlint and semgrep take minutes per corpus: small and medium only (semgrep: see the kit's RESULTS.md).
  "$KIT_COPY/run_peers.sh" --corpora small,medium --peers rg-checks,rg-all,textlint
  "$KIT_COPY/run_peers.sh" --corpora large --peers rg-checks,rg-all
fi

# tenderlint with the full MIQ pack (embedded) and the start-up on one 200 KB DCE.
mkdir -p "$HERE/results"
python3 - "$BIN" "$BENCH_CORPUS_ROOT" "$HERE/results/ours-extra.md" <<'PY'
import json, os, statistics, subprocess, sys, time, resource
bin_, root, out = sys.argv[1:4]
rows = ["| corpus | MB | runs | wall median (s) | CPU median (s) | MB/s | peak RSS (MB) |", "|---|---:|---:|---:|---:|---:|---:|"]
def run(cmd):
    t = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", "/tmp/tl-time"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return time.monotonic() - t, ru.ru_utime + ru.ru_stime, int(open("/tmp/tl-time").read().split()[-1]) / 1024
for c in ["small", "medium", "large"]:
    d = os.path.join(root, c, "docs")
    if not os.path.isdir(d):
        continue
    mb = json.load(open(os.path.join(root, c, "corpus.json")))["docs_bytes"] / 1e6
    rs = [run([bin_, "check", d, "--format", "short", "--fail-on", "never"]) for _ in range(3)]
    w, cpu, rss = (statistics.median(x[i] for x in rs) for i in range(3))
    rows.append("| %s (MIQ pack) | %.1f | 3 | %.2f | %.2f | %.1f | %.0f |" % (c, mb, w, cpu, mb / w, rss))
# one ~200 KB DCE: the first Markdown documents of the small corpus, concatenated
dce = "/tmp/tenderlint-dce-200k.md"
with open(dce, "w") as f:
    n, d = 0, os.path.join(root, "small", "docs", "000")
    for name in sorted(os.listdir(d)):
        if name.endswith(".md") and n < 200_000:
            t = open(os.path.join(d, name)).read(); f.write(t + "\n"); n += len(t.encode())
# With the plans kept from the previous run (the default: the first run writes them), and
# without (--no-cache: every pattern planned again, as on a fresh machine or CI runner).
rows.append("")
for label, extra in [("plans kept between runs", []), ("--no-cache", ["--no-cache"])]:
    run([bin_, "check", dce, "--format", "short", "--fail-on", "never"] + extra)
    ws = sorted(run([bin_, "check", dce, "--format", "short", "--fail-on", "never"] + extra)[0] for _ in range(21))
    rows.append("One DCE of %d KB, MIQ pack, whole process (start-up included), %s: median %.1f ms over 21 runs (min %.1f, max %.1f)." % (n // 1000, label, ws[10] * 1000, ws[0] * 1000, ws[-1] * 1000))
open(out, "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
echo "peer table: $KIT_COPY/results/RESULTS-table.md"

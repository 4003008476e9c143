#!/usr/bin/env bash
# Run a libFuzzer target briefly over a seed corpus made from the
# conformance vectors. usage: fuzz_run.sh FUZZER VECTOR_DIR CORPUS_DIR SECONDS
set -euo pipefail
fuzzer=$1 vectors=$2 corpus=$3 seconds=$4
rm -rf "$corpus"
mkdir -p "$corpus"
python3 - "$vectors" "$corpus" <<'PY'
import pathlib, sys
vec, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
def seed(data):
    global n
    (out / f"seed-{n:04d}").write_bytes(data)
    n += 1
for line in (vec / "texts.tsv").read_text().splitlines():
    if line and not line.startswith("#"):
        seed(bytes.fromhex(line.split("\t")[4]))
for line in (vec / "valid.tsv").read_text().splitlines():
    if line and not line.startswith("#"):
        text = line.split("\t")[9].encode()
        seed(text)
        seed(text.split(b"/V/")[1])
for name in ("signer.pub", "other.pub"):
    seed((vec / name).read_bytes())
PY
# -max_len covers the parser's 4096-character limit and a little beyond.
exec "$fuzzer" -max_total_time="$seconds" -max_len=4200 -timeout=10 \
     -rss_limit_mb=2048 -print_final_stats=1 "$corpus"

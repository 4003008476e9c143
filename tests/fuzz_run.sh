#!/usr/bin/env bash
# Run a libFuzzer target briefly over a fresh seed corpus.
# usage: fuzz_run.sh FUZZER VECTOR_DIR CORPUS_DIR SECONDS [text|image]
# text: seeds from the conformance vectors; image: small PNG, PGM, JPEG.
# FUZZ_TIMEOUT: seconds one input may take (default 10; long runs on a
# loaded machine want more, or a starved process reads as a hang).
set -euo pipefail
fuzzer=$1 vectors=$2 corpus=$3 seconds=$4 kind=${5:-text}
rm -rf "$corpus"
mkdir -p "$corpus"
if [ "$kind" = image ]; then
python3 - "$corpus" <<'PY'
import pathlib, struct, sys, zlib
out = pathlib.Path(sys.argv[1])
def png(w, h, ctype, depth, rows):
    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
    raw = b"".join(b"\0" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
(out / "grey.png").write_bytes(png(8, 8, 0, 8, [bytes(range(i, i + 8)) for i in range(8)]))
(out / "ga.png").write_bytes(png(4, 4, 4, 8, [bytes([0, 0, 255, 128] * 2)] * 4))
(out / "rgb.png").write_bytes(png(4, 2, 2, 8, [bytes(range(12))] * 2))
(out / "bits.png").write_bytes(png(16, 2, 0, 1, [b"\xaa\x55"] * 2))
(out / "a.pgm").write_bytes(b"P5\n# c\n4 2\n255\n" + bytes(range(0, 256, 32)))
(out / "b.pgm").write_bytes(b"P5 3 1 15 " + bytes([0, 7, 15]))
(out / "stub.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00"
                               b"\x00\x01\x00\x01\x00\x00\xff\xd9")
PY
exec "$fuzzer" -max_total_time="$seconds" -max_len=16384 -timeout="${FUZZ_TIMEOUT:-10}" \
     -rss_limit_mb=2048 -print_final_stats=1 "$corpus"
fi
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
exec "$fuzzer" -max_total_time="$seconds" -max_len=4200 -timeout="${FUZZ_TIMEOUT:-10}" \
     -rss_limit_mb=2048 -print_final_stats=1 "$corpus"

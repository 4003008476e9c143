#!/usr/bin/env bash
# The main job on built-in demo data: make a key, sign a label, print it as
# a PNG, read the PNG back with ZBar and verify the signature.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake -S . -B build/release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
host=build/release/host/ocop-host
out=${1:-demo-out}
rm -rf "$out"
mkdir -p "$out"

echo "== producer key"
$host keygen --secret "$out/producer.sec" --public "$out/producer.pub"
echo "== signed label (QR text), written to $out/label.png and label.svg"
$host label --key "$out/producer.sec" --product HN-0001-2020 --lot L2026-11 \
      --serial 1 --stars 4 --png "$out/label.png" --svg "$out/label.svg"
echo "== read back from the PNG with ZBar and verified"
$host verify --public "$out/producer.pub" --image "$out/label.png"

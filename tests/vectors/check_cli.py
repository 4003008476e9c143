#!/usr/bin/env python3
"""End-to-end: the vectors through the real ocop-host binary.

usage: check_cli.py OCOP_HOST VECTOR_DIR

`ocop-host label` with the committed test key must print each valid
vector's text exactly, and `ocop-host verify` must exit 0 for what the
vectors call valid and 1 for everything else (2 and 3 are reserved for
usage errors and failures to check at all).
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

host, vec = sys.argv[1], pathlib.Path(sys.argv[2])
failures = 0


def rows(name, ncols):
    for line in (vec / name).read_text().splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            assert len(cols) == ncols, line
            yield cols


def run(*args):
    return subprocess.run([host, *args], capture_output=True)


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


with tempfile.TemporaryDirectory() as tmp:
    keys = {}
    for name in ("signer", "other"):
        # git does not keep mode 0600; the secret key reader insists on it.
        sec = os.path.join(tmp, name + ".sec")
        shutil.copyfile(vec / (name + ".sec"), sec)
        os.chmod(sec, 0o600)
        keys[name] = (sec, str(vec / (name + ".pub")))

    for name, key, vhost, product, lot, stars, serial, issued, _, text in rows(
            "valid.tsv", 10):
        r = run("label", "--key", keys[key][0], "--product", product, "--lot",
                lot, "--serial", serial, "--stars", stars, "--issued", issued,
                "--host", vhost)
        if r.returncode != 0 or r.stdout.decode() != text + "\n":
            fail(f"label {name}: exit {r.returncode} {r.stdout!r} {r.stderr!r}")
        other = "other" if key == "signer" else "signer"
        for k, want in ((key, 0), (other, 1)):
            r = run("verify", "--public", keys[k][1], text)
            if r.returncode != want:
                fail(f"verify {name} with {k}: exit {r.returncode}, want {want}")

    # Every text with the signer's key; of the single-byte changes (which
    # test_vectors checks in full through the library) one row in four,
    # to keep the run short under the sanitizers.
    checked = 0
    for i, (name, parse, vsigner, vother, hextext) in enumerate(
            rows("texts.tsv", 5)):
        data = bytes.fromhex(hextext)
        if b"\0" in data or not data:
            continue  # cannot be a command-line argument
        if name.startswith("byte-") and i % 4:
            continue
        for k, res in (("signer", vsigner),):
            want = 0 if parse == "OK" and res == "OK" else 1
            r = run("verify", "--public", keys[k][1], data)
            if r.returncode != want:
                fail(f"verify {name} with {k}: exit {r.returncode}, want {want}"
                     f" {r.stdout!r} {r.stderr!r}")
            checked += 1
    if checked < 150:
        fail(f"only {checked} texts checked")

sys.exit(1 if failures else 0)

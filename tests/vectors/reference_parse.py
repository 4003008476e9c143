#!/usr/bin/env python3
"""A second, independent parser written from docs/label-format.md alone.

usage: reference_parse.py VECTOR_DIR

It implements sections 1, 2, 4 and 5 of the document (everything except
the Ed25519 arithmetic, which Python's standard library lacks) and checks
that every vector gets the documented answer: the parse result of every
row of texts.tsv, the fields and payload of every row of valid.tsv, and
the key IDs and blobs of the key files. If the document and the C library
drift apart, this fails.
"""
import base64
import datetime
import hashlib
import pathlib
import sys

vec = pathlib.Path(sys.argv[1])
B32 = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
HOST = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:")
B40 = "\0" + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./"


class Err(Exception):
    pass


def unb40(b):
    out, padded = "", False
    for g in range(4):
        v = b[2 * g] << 8 | b[2 * g + 1]
        if v >= 64000:
            raise Err("FIELD")
        for c in (v // 1600, v // 40 % 40, v % 40):
            if c == 0:
                padded = True
            elif padded:
                raise Err("FIELD")
            else:
                out += B40[c]
    if not out:
        raise Err("FIELD")
    return out


def parse(t):
    """The decision table of docs/label-format.md section 5."""
    if not t:
        raise Err("NOT_LABEL")
    if t[:8].upper() == b"HTTPS://":
        slash = t.find(b"/", 8)
        host = t[8:slash] if slash >= 0 else t[8:]
        if (slash < 0 or not host or len(host) > 253 or
                any(c not in HOST for c in host) or
                t[slash:slash + 3].upper() != b"/V/"):
            raise Err("NOT_LABEL")
        p = t[slash + 3:]
    else:
        if not 16 <= len(t) <= 4096 or any(c not in B32 for c in t.upper()):
            raise Err("NOT_LABEL")
        p = t
    if len(p) > 4096:
        raise Err("LENGTH")
    # Base32 in either case: uppercasing loses nothing.
    p = p.upper()
    if any(c not in B32 for c in p):
        raise Err("BASE32")
    if not p or len(p) % 8 in (1, 3, 6):
        raise Err("LENGTH")
    bits = "".join(f"{b'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.index(c):05b}"
                   for c in p)
    nbytes = len(bits) // 8
    if "1" in bits[nbytes * 8:]:
        raise Err("BASE32")
    data = int(bits[:nbytes * 8], 2).to_bytes(nbytes, "big")
    if data[0] != 1:
        raise Err("VERSION")
    if len(data) != 96:
        raise Err("LENGTH")
    f = {
        "key_id": data[1:9].hex().upper(),
        "stars": data[9],
        "issued": int.from_bytes(data[10:12], "big"),
        "serial": int.from_bytes(data[12:16], "big"),
        "product": unb40(data[16:24]),
        "lot": unb40(data[24:32]),
        "payload": data,
    }
    if not 1 <= f["stars"] <= 5 or f["serial"] == 0:
        raise Err("FIELD")
    return f


def result(t):
    try:
        parse(t)
        return "OK"
    except Err as e:
        return str(e)


def rows(name):
    for line in (vec / name).read_text().splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", msg)


keys = {}
for name in ("signer", "other"):
    comment, b64 = (vec / (name + ".pub")).read_text().splitlines()
    blob = base64.b64decode(b64, validate=True)
    check(len(blob) == 42 and blob[:2] == b"Ed", f"{name}.pub blob")
    kid = hashlib.blake2b(b"OCOP-KEYID-V1\0" + blob[10:], digest_size=32)
    kid = kid.digest()[:8]
    check(kid == blob[2:10], f"{name}.pub key ID derivation")
    check(comment.startswith("untrusted comment: ") and
          comment.endswith(" " + kid.hex().upper()) and "TEST ONLY" in comment,
          f"{name}.pub comment line")
    comment, b64 = (vec / (name + ".sec")).read_text().splitlines()
    sblob = base64.b64decode(b64, validate=True)
    check(len(sblob) == 106 and sblob[:2] == b"Es" and sblob[2:10] == kid and
          sblob[42:74] == blob[10:] and
          hashlib.blake2b(sblob[:74], digest_size=32).digest() == sblob[74:],
          f"{name}.sec layout and checksum")
    keys[name] = kid.hex().upper()

n = 0
for name, key, host, product, lot, stars, serial, issued, phex, text in rows(
        "valid.tsv"):
    t = text.encode()
    check(t == b"HTTPS://" + host.encode() + b"/V/" +
          base64.b32encode(bytes.fromhex(phex)).rstrip(b"="), f"{name} text")
    f = parse(t)
    y, m, d = (int(x) for x in issued.split("-"))
    days = (datetime.date(y, m, d) - datetime.date(2020, 1, 1)).days
    check((f["key_id"], f["product"], f["lot"], f["stars"], f["serial"],
           f["issued"], f["payload"].hex()) ==
          (keys[key], product, lot, int(stars), int(serial), days, phex),
          f"{name} fields")
    check(len(t) == 165 + len(host), f"{name} length")
    n += 1

for name, want, vs, vo, hextext in rows("texts.tsv"):
    got = result(bytes.fromhex(hextext))
    check(got == want, f"{name}: reference parser says {got}, vector {want}")
    n += 1

print(f"{n} vectors checked by the reference parser")
sys.exit(1 if failures else 0)

"""png_read.py -- the tests' one PNG reader: 8-bit, non-interlaced grey,
grey+alpha, RGB or RGBA PNGs (what cairo, Chromium and the label tools
write), with the standard library only, so no test needs an imaging
package. Filters 1 and 2 (what cairo mostly writes) take a fast path."""
import itertools
import struct
import zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type: bytes per pixel


def read(path):
    """(width, height, bytes per pixel, rows): each row the unfiltered
    bytes of one line, bytes per pixel 1 grey, 2 grey+alpha, 3 RGB,
    4 RGBA."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB",
                                                                body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    if w is None or depth != 8 or interlace or ctype not in CHANNELS:
        raise ValueError("%s: not an 8-bit non-interlaced PNG" % path)
    bpp = CHANNELS[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    lo, hi = int("7f" * stride, 16), int("80" * stride, 16)
    prev = bytes(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if f == 2:  # up: bytewise add of two rows, carries kept in bytes
            a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            line = (((a & lo) + (b & lo)) ^ ((a ^ b) & hi)).to_bytes(
                stride, "big")
        elif f == 1:  # sub: a running sum per channel
            out = bytearray(stride)
            for c in range(bpp):
                out[c::bpp] = bytes(itertools.accumulate(
                    line[c::bpp], lambda s, v: (s + v) & 255))
            line = bytes(out)
        elif f in (3, 4):
            out = bytearray(line)
            for i in range(stride):
                a = out[i - bpp] if i >= bpp else 0
                b = prev[i]
                if f == 3:
                    out[i] = (out[i] + (a + b) // 2) & 255
                    continue
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                out[i] = (out[i] + (a if pa <= pb and pa <= pc else
                                    b if pb <= pc else c)) & 255
            line = bytes(out)
        prev = line
        rows.append(line)
    return w, h, bpp, rows

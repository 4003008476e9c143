"""phone_png.py PNG: print "WIDTH HEIGHT COLOURS R,G,B" for an 8-bit RGB or
RGBA PNG (what Chromium writes): its size, how many distinct colours it
has, and the colour of the pixel at (20, 20) -- the page's verdict band.
Standard library only (zlib), so the test needs no imaging package."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_read  # noqa: E402


w, h, bpp, rows = png_read.read(sys.argv[1])
colours = set()
for y in range(0, h, 2):
    r = rows[y]
    for x in range(0, w, 2):
        colours.add(bytes(r[x * bpp:x * bpp + 3]))
px = rows[20][20 * bpp:20 * bpp + 3]
print(w, h, len(colours), "%d,%d,%d" % tuple(px))

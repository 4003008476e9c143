#!/usr/bin/env python3
"""`ocop-kiosk run` showing its screens on a framebuffer and on a DRM
display, end to end.

No /dev/fb0 or /dev/dri exists here, so both are emulated at the calls
firmware/screen/screen_out_fb.c and screen_out_drm.c make:
tests/fake_display.c, preloaded, answers
open/ioctl/mmap/close of a framebuffer path and libdrm's calls on a DRM
path, with device memory in files the test reads. Everything above is the
product's: geometry and pixel format handling, mode setting, the renderer,
the service loop.

A reference run writes PNGs (800x480). Each device run gets the idle
screen, a genuine label (green verdict) and a forged one (red) from the
scanner on stdin, and after each the device memory is read back: at
800x480 the framebuffer's visible area must equal the PNG of the same
screen in every depth the code writes (XRGB8888, RGB565, RGB888, XBGR8888,
each with padded rows, one panned); DRM at 1920x1080 and 1366x768 must be
at the mode's size, honour the dumb buffer's pitch and show the verdict
colour bands. On SIGTERM the kiosk exits 0 and the DRM CRTC is back as it
was (the console's framebuffer, or off), the dumb buffer destroyed. A
device that cannot be used (SetCrtc refused, a framebuffer path that is
not there) is logged as "verdicts are logged only, scanning goes on" and
verdicts go on.
"""
import os
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_read  # noqa: E402
from service_e2e import (GREEN, IDLE, RED, Kiosk, check, demo_world,  # noqa
                         result, qr_text, write_conf)

SHIM = os.environ["OCOP_FAKE_DISPLAY"]
STATES = ("idle", "genuine", "forged")


def png_rgb(path):
    """(width, height, R, G, B) of an 8-bit RGB(A) PNG, each channel one
    byte string of width*height values."""
    w, h, bpp, rows = png_read.read(path)
    assert bpp in (3, 4), path
    px = b"".join(rows)
    return w, h, px[0::bpp], px[1::bpp], px[2::bpp]


def shift(ch, bits):
    """Each value of a channel cut to its top `bits` bits."""
    return ch.translate(bytes(v >> (8 - bits) for v in range(256)))


def device_rgb(raw, w, h, bpp, line_length, offset, bgr=False):
    """The visible area of device memory as (R, G, B) channel strings,
    each value at the device's own precision (5/6/5 bits for RGB565)."""
    n = bpp // 8
    px = b"".join(raw[offset + y * line_length:
                      offset + y * line_length + w * n] for y in range(h))
    if bpp == 16:  # little-endian RRRRRGGG GGGBBBBB
        lo, hi = px[0::2], px[1::2]
        g_hi = hi.translate(bytes((v & 7) << 3 for v in range(256)))
        g_lo = lo.translate(bytes(v >> 5 for v in range(256)))
        g = (int.from_bytes(g_hi, "big") | int.from_bytes(g_lo, "big"))
        return (shift(hi, 5), g.to_bytes(w * h, "big"),
                lo.translate(bytes(v & 31 for v in range(256))))
    r, b = (px[0::n], px[2::n]) if bgr else (px[2::n], px[0::n])
    return r, px[1::n], b


def band(rgb, w, colour, bits=(8, 8, 8)):
    """How many pixels down column 2 are this colour (at the left edge
    only bands are drawn), compared at the device's precision."""
    want = tuple((colour >> s & 255) >> (8 - b)
                 for s, b in zip((16, 8, 0), bits))
    col = zip(rgb[0][2::w], rgb[1][2::w], rgb[2][2::w])
    return sum(1 for p in col if p == want)


def log_lines(dump):
    try:
        return open(os.path.join(dump, "display.log")).read().splitlines()
    except OSError:
        return []


def fields(line):
    """key=value words of a shim log line."""
    return dict(w.split("=", 1) for w in line.split() if "=" in w)


class Run:
    """One kiosk with one screen output: the shim's folder, the kiosk, and
    the screen key (the log's "screen: ..." words) of each state seen."""

    def __init__(self, tmp, world, name, output, env):
        self.name = name
        self.dump = os.path.join(tmp, name + ".dump")
        os.mkdir(self.dump)
        conf = os.path.join(tmp, name + ".conf")
        write_conf(conf, os.path.join(world, "kiosk.conf"),
                   camera={"device": "none"}, scanner={"device": "-"},
                   screen={"output": output, "verdict_seconds": 60})
        env = dict(env, LD_PRELOAD=SHIM, FAKE_DISPLAY_DUMP=self.dump)
        self.k = Kiosk(conf, tmp, name, env=env)
        self.keys = {}

    def shown(self, state, after):
        """Waits for the screen of a state; its key, or None."""
        word = "idle" if state == "idle" else "verdict"
        t = self.k.wait(lambda s: "screen: %s lang=" % word in s and
                        (state == "idle" or s.endswith(" " + state)),
                        "stderr", after)
        if t is None:
            return None
        with self.k.lock:
            line = [s for u, s in self.k.lines if u == t][-1]
        self.keys[state] = line.split("screen: ", 1)[1]
        return self.keys[state]

    def states(self, labels, grab):
        """The idle screen, then each label scanned: grab(state) once each
        is on the screen."""
        ok = self.k.note("READY=1") is not None
        check(ok, "%s: READY=1: %s" % (self.name, self.k.dump()))
        for state in STATES:
            t = 0.0 if state == "idle" else self.k.scan(labels[state])
            if ok and self.shown(state, t) is None:
                check(False, "%s: %s screen: %s" % (self.name, state,
                                                    self.k.dump()))
                ok = False
            if ok:
                grab(state)
        return ok

    def stop(self):
        rc, took = self.k.stop()
        check(rc == 0, "%s: SIGTERM exit %r: %s" % (self.name, rc,
                                                    self.k.dump()))
        return took


def reference(tmp, world, labels):
    """Each state's screen as the PNG output writes it, at 800x480."""
    png = os.path.join(tmp, "ref.png")
    r = Run(tmp, world, "ref", "png:" + png, {})
    ref = {}
    r.states(labels, lambda s: ref.__setitem__(s, png_rgb(png)))
    r.stop()
    return r.keys, ref


def fb_run(tmp, world, labels, ref_keys, ref, mode, yoffset=0):
    name = "fb" + mode.replace("x", "-")
    path = os.path.join(tmp, name + "-dev")
    r = Run(tmp, world, name, "fb:" + path,
            dict(FAKE_FB_DEVICE=path, FAKE_FB_MODE=mode,
                 FAKE_FB_YOFFSET=str(yoffset)))
    opened = r.k.log("screen: fb 800x480")
    check(opened is not None, "%s: opened at the mode's size: %s"
          % (name, r.k.dump()))
    geo = {}

    def grab(state):
        if not geo:
            line = [s for s in log_lines(r.dump) if s.startswith("fb open")]
            geo.update(fields(line[0]) if line else {})
        raw = open(os.path.join(r.dump, "fb.raw"), "rb").read()
        bpp, ll = int(geo["bpp"]), int(geo["line_length"])
        got = device_rgb(raw, 800, 480, bpp, ll, yoffset * ll,
                         bgr=" bgr " in line_of(r.dump, "fb open"))
        bits = (5, 6, 5) if bpp == 16 else (8, 8, 8)
        want = tuple(shift(c, b) for c, b in zip(ref[state][2:], bits))
        check(r.keys[state] == ref_keys.get(state),
              "%s: same %s screen state as the PNG run: %r vs %r"
              % (name, state, r.keys[state], ref_keys.get(state)))
        check(got == want, "%s: %s screen equals the PNG's, pixel for "
              "pixel (%d of %d differ)" % (name, state, sum(
                  1 for a, b in zip(zip(*got), zip(*want)) if a != b),
                  800 * 480))
        colour = {"idle": IDLE, "genuine": GREEN, "forged": RED}[state]
        check(band(got, 800, colour, bits) >= 20, "%s: %s band colour"
              % (name, state))
        if yoffset:  # what is off screen stays untouched
            check(raw[:yoffset * ll].count(0) == yoffset * ll,
                  "%s: nothing drawn above the panned area" % name)

    r.states(labels, grab)
    r.stop()
    log = log_lines(r.dump)
    check(any(s.startswith("fb close") for s in log) and
          not any("unhandled" in s for s in log),
          "%s: the framebuffer closed, no unknown calls: %r" % (name, log))


def line_of(dump, prefix):
    return next((s for s in log_lines(dump) if s.startswith(prefix)), "")


def drm_run(tmp, world, labels, mode, crtc="console"):
    name = "drm" + mode
    path = os.path.join(tmp, name + "-card")
    w, h = map(int, mode.split("x"))
    r = Run(tmp, world, name, "drm:" + path,
            dict(FAKE_DRM_DEVICE=path, FAKE_DRM_MODE=mode, FAKE_DRM_CRTC=crtc))
    check(r.k.log("screen: drm %dx%d" % (w, h)) is not None,
          "%s: opened at the mode's size: %s" % (name, r.k.dump()))

    def grab(state):
        log = log_lines(r.dump)
        # What the CRTC scans out: the last framebuffer set on it.
        sets = [fields(s) for s in log
                if s.startswith("SetCrtc") and s.endswith(" ok")]
        fb = sets[-1]["fb"] if sets else "?"
        add = [fields(s) for s in log
               if s.startswith("AddFB fb=%s " % fb)]
        check(bool(add), "%s: our framebuffer is on the CRTC: %r"
              % (name, log))
        if not add:
            return
        a = add[0]
        check(a["handle"] and "%dx%d" % (w, h) in line_of(
            r.dump, "AddFB fb=%s " % fb) and sets[-1]["mode"] == mode,
            "%s: framebuffer and mode are %s" % (name, mode))
        raw = open(os.path.join(r.dump, "dumb-%s.raw" % a["handle"]),
                   "rb").read()
        got = device_rgb(raw, w, h, 32, int(a["pitch"]), 0)
        colour = {"idle": IDLE, "genuine": GREEN, "forged": RED}[state]
        check(band(got, w, colour) >= 20, "%s: %s band colour"
              % (name, state))
        # The whole width is drawn on each row, padding left alone.
        pitch = int(a["pitch"])
        check(all(raw[y * pitch + w * 4 - 1] == 0xFF for y in (0, h // 2,
                                                               h - 1)),
              "%s: the last column is drawn (opaque)" % name)
        check(pitch == w * 4 or raw[w * 4:pitch] == bytes(pitch - w * 4),
              "%s: pitch padding untouched" % name)

    r.states(labels, grab)
    r.stop()
    log = log_lines(r.dump)
    check(not any("unhandled" in s for s in log), "%s: no unknown calls: %r"
          % (name, log))
    if crtc == "off":
        want = "close: crtc 51 off; left: 0 dumb buffers, 0 framebuffers"
        restore = "SetCrtc crtc=51 fb=0 conn=0 mode=none ok"
    else:
        want = ("close: crtc 51 shows fb=61 mode=%s; left: 0 dumb buffers, "
                "0 framebuffers" % mode)
        restore = "SetCrtc crtc=51 fb=61 conn=32 mode=%s ok" % mode
    check(restore in log and want in log and
          [s.split()[0] for s in log[log.index(restore):]] ==
          ["SetCrtc", "RmFB", "DESTROY_DUMB", "close:"],
          "%s: the CRTC restored, then the buffer removed: %r" % (name, log))
    check(not [f for f in os.listdir(r.dump) if f.startswith("dumb-")],
          "%s: dumb buffer destroyed" % name)


def failing(tmp, world, labels, name, output, env, problem):
    """A display that cannot be used: logged, and verdicts go on."""
    r = Run(tmp, world, name, output, env)
    check(r.k.log(problem) is not None and
          r.k.log("verdicts are logged only, scanning goes on") is not None,
          "%s: logged as no screen: %s" % (name, r.k.dump()))
    r.states(labels, lambda s: None)
    r.stop()
    return log_lines(r.dump)


def main():
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="ocop-display-")
    try:
        world, files, want = demo_world(tmp)
        labels = {v: qr_text(os.path.join(files, f))
                  for f, v in sorted(want.items(), reverse=True)
                  if v in ("genuine", "forged")}
        ref_keys, ref = reference(tmp, world, labels)
        check(set(ref) == set(STATES), "reference PNGs: %r" % sorted(ref))
        if set(ref) == set(STATES):
            fb_run(tmp, world, labels, ref_keys, ref, "800x480x32")
            fb_run(tmp, world, labels, ref_keys, ref, "800x480x16",
                   yoffset=480)
            fb_run(tmp, world, labels, ref_keys, ref, "800x480x24")
            fb_run(tmp, world, labels, ref_keys, ref, "800x480x32bgr")
        drm_run(tmp, world, labels, "1920x1080")
        drm_run(tmp, world, labels, "1366x768", crtc="off")
        log = failing(tmp, world, labels, "drm-busy", "drm:" + tmp + "/busy",
                      dict(FAKE_DRM_DEVICE=tmp + "/busy",
                           FAKE_DRM_MODE="1920x1080", FAKE_DRM_FAIL="setcrtc"),
                      "cannot set the mode (Permission denied")
        check([s for s in log if s.startswith("SetCrtc")] ==
              ["SetCrtc crtc=51 fb=70 conn=32 mode=1920x1080 "
               "Permission denied"] and
              "close: crtc 51 shows fb=61 mode=1920x1080; left: 0 dumb "
              "buffers, 0 framebuffers" in log,
              "refused SetCrtc: the console stays, nothing left: %r" % log)
        failing(tmp, world, labels, "fb-missing", "fb:" + tmp + "/no-fb",
                {}, tmp + "/no-fb: No such file or directory")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("took %.1f s" % (time.monotonic() - t0))
    return result()


if __name__ == "__main__":
    sys.exit(main())

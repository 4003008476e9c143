#!/usr/bin/env python3
"""`ocop-kiosk run` reading labels from a V4L2 camera, end to end.

No /dev/video* exists here, so the camera is emulated one level below
ZBar: tests/fake_v4l2.c, preloaded, answers ZBar's libv4l2 calls for one
device path with frames from a folder (the scene). Everything above it is
the product's: ZBar's probing, format setting, mmap buffer queue and YUYV
conversion, firmware/camera.c, the service loop, the verdicts.

The scene is one PGM file, a 640x480 camera view with one of the demo
world's label images in it (or none); the test renames another view over
it, as a label is put under the camera or taken away. Checked: an empty
scene gives no verdict; a genuine label held still for many frames is one
"verdict genuine"; a forged one gives "verdict forged"; pulling the camera
(DIR/unplugged) is logged, the kiosk keeps running and its scanner keeps
judging; plugging it back is picked up without a restart and the camera
reads again; a camera missing at start (no scanner: the no-camera screen)
is found once plugged in; YUYV (ZBar's own conversion) reads as GREY
does; SIGTERM exits 0.
"""
import os
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_read  # noqa: E402
from service_e2e import (WAIT, Kiosk, check, demo_world, result,  # noqa
                         qr_text, write_conf)

SHIM = os.environ["OCOP_FAKE_V4L2"]
W, H = 640, 480
ABSENT_MS = 1000


def png_grey(path):
    """(width, height, 8-bit grey pixels) of a PNG (grey or colour)."""
    w, h, bpp, rows = png_read.read(path)
    if bpp <= 2:
        return w, h, b"".join(r[0::bpp] for r in rows)
    grey = bytearray()
    for line in rows:
        r, g, b = line[0::bpp], line[1::bpp], line[2::bpp]
        grey += bytes((299 * r[i] + 587 * g[i] + 114 * b[i]) // 1000
                      for i in range(w))
    return w, h, bytes(grey)


def view(label=None):
    """A camera's 640x480 grey view of a table (mid grey), with the label
    image at 0.8 scale in the middle, held flat and still."""
    frame = bytearray([140]) * (W * H)
    if label:
        w, h, px = png_grey(label)
        s = min(0.8, 0.9 * W / w, 0.9 * H / h)
        lw, lh = int(w * s), int(h * s)
        x0, y0 = (W - lw) // 2, (H - lh) // 2
        xs = [int(x / s) for x in range(lw)]
        for y in range(lh):
            row = px[int(y / s) * w:(int(y / s) + 1) * w]
            frame[(y0 + y) * W + x0:(y0 + y) * W + x0 + lw] = bytes(
                row[x] for x in xs)
    return b"P5 %d %d 255\n" % (W, H) + bytes(frame)


class Camera:
    """The emulated camera's folder: what it sees, and its plug."""

    def __init__(self, tmp, name, views):
        self.dir = os.path.join(tmp, name + ".frames")
        self.device = os.path.join(tmp, name + "-video")
        self.views = views
        os.mkdir(self.dir)
        self.show(None)

    def show(self, what):
        path = os.path.join(self.dir, "scene.pgm")
        with open(path + ".tmp", "wb") as f:
            f.write(self.views[what])
        os.replace(path + ".tmp", path)

    def unplug(self):
        open(os.path.join(self.dir, "unplugged"), "w").close()

    def plug(self):
        os.unlink(os.path.join(self.dir, "unplugged"))

    def env(self, fmt=None, late_hup=False):
        env = dict(LD_PRELOAD=SHIM, FAKE_V4L2_DEVICE=self.device,
                   FAKE_V4L2_FRAMES=self.dir, FAKE_V4L2_TRACE="1")
        if fmt:
            env["FAKE_V4L2_FORMAT"] = fmt
        if late_hup:
            env["FAKE_V4L2_LATE_HUP"] = "1"
        return env


def dump(k):
    """The kiosk's last lines, without the shim's per-frame ones."""
    with k.lock:
        lines = [s for _, s in k.lines if "BUF ok" not in s]
    return "\n".join(lines[-60:])


def lines_since(k, t, text):
    with k.lock:
        return [s for u, s in k.lines if u >= t and text in s]


def frames_since(k, t):
    """Frames the kiosk took from the camera (ZBar's dequeues) since t."""
    return len(lines_since(k, t, "fake_v4l2: DQBUF ok"))


def wait_frames(k, t, n, timeout=WAIT):
    end = time.monotonic() + timeout
    while frames_since(k, t) < n and time.monotonic() < end:
        time.sleep(0.05)
    return frames_since(k, t) >= n


def camera_verdicts(k):
    return [s.split("verdict ", 1)[1].split(":")[0]
            for s in lines_since(k, 0, ": camera product=")]


def start(tmp, world, cam, name, fmt=None, scanner="-", late_hup=False):
    conf = os.path.join(tmp, name + ".conf")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               camera={"device": cam.device, "absent_ms": ABSENT_MS},
               scanner={"device": scanner},
               screen={"output": "none"})
    k = Kiosk(conf, tmp, name, env=cam.env(fmt, late_hup))
    check(k.note("READY=1") is not None, name + ": READY=1: " + dump(k))
    return k


def grey_flow(tmp, world, views, genuine):
    """GREY: scenes, debounce, unplug and replug while running."""
    cam = Camera(tmp, "grey", views)
    k = start(tmp, world, cam, "grey")
    opened = k.log("camera %s: open (v4l2)" % cam.device)
    check(opened is not None, "the emulated camera opened: " + dump(k))
    if opened is None:
        k.stop()
        return
    check(k.log("fake_v4l2: S_FMT GREY->GREY ok") is not None and
          k.log("fake_v4l2: STREAMON ok") is not None,
          "ZBar streams GREY: " + dump(k))
    # Nothing in view: frames come, no verdict.
    check(wait_frames(k, opened, 15), "frames taken from the camera: "
          + dump(k))
    check(camera_verdicts(k) == [], "empty scene gives nothing: %r"
          % camera_verdicts(k))

    # A genuine label put under the camera and held still.
    t = time.monotonic()
    cam.show("genuine")
    seen = k.log("verdict genuine: camera", t)
    check(seen is not None, "genuine label read by the camera: " + dump(k))
    if seen:
        print("label shown to verdict: %.0f ms" % ((seen - t) * 1000))
    check(wait_frames(k, seen or t, 30), "30 frames of the held label")
    check(camera_verdicts(k) == ["genuine"],
          "held still for %d frames = one scan: %r"
          % (frames_since(k, seen or t), camera_verdicts(k)))

    # Taken away (longer than absent_ms), then a forged one.
    t = time.monotonic()
    cam.show(None)
    wait_frames(k, t, 10)
    time.sleep(ABSENT_MS / 1000 * 1.5)
    t = time.monotonic()
    cam.show("forged")
    check(k.log("verdict forged: camera", t) is not None,
          "forged label read by the camera: " + dump(k))
    time.sleep(0.5)
    check(camera_verdicts(k) == ["genuine", "forged"],
          "camera verdicts %r" % camera_verdicts(k))

    # Pulled out while streaming.
    t = time.monotonic()
    cam.unplug()
    gone = k.log("camera %s: device gone; retrying every 2 s" % cam.device, t)
    check(gone is not None, "unplug logged: " + dump(k))
    check(bool(lines_since(k, t, "fake_v4l2: poll POLLERR|POLLHUP")),
          "the kiosk's poll() saw the device gone")
    if gone:
        print("unplug to logged: %.0f ms" % ((gone - t) * 1000))
    check(k.note("STATUS=ready, mirror v1, no camera", t) is not None,
          "STATUS says no camera")
    check(k.log("camera %s: cannot open: " % cam.device, t) is not None and
          bool(lines_since(k, t, "No such file or directory")),
          "reopen while unplugged fails (ENOENT), logged: " + dump(k))
    check(k.p.poll() is None, "the kiosk keeps running unplugged")
    t = k.scan(genuine)
    check(k.log("verdict genuine: scanner", t) is not None,
          "the scanner judges while the camera is out: " + dump(k))

    # Plugged back with a genuine label in view: found without a restart.
    cam.show("genuine")
    t = time.monotonic()
    cam.plug()
    back = k.log("camera %s: open (v4l2)" % cam.device, t)
    check(back is not None, "camera back without a restart: " + dump(k))
    if back:
        print("replug to open: %.0f ms" % ((back - t) * 1000))
    check(k.log("verdict genuine: camera", t) is not None,
          "the camera reads again after replug: " + dump(k))
    check(k.wait(lambda s: s.startswith("STATUS=ready, mirror v1") and
                 "no camera" not in s, "notify", t) is not None,
          "STATUS without 'no camera' again")
    rc, took = k.stop()
    check(rc == 0, "grey run: SIGTERM exit %r: %s" % (rc, dump(k)))
    print("SIGTERM to exit: %.0f ms" % (took * 1000))
    check(camera_verdicts(k) == ["genuine", "forged", "genuine"],
          "camera verdicts %r" % camera_verdicts(k))


def late_hup_flow(tmp, world, views):
    """The cable pulled between the kiosk's poll() and its read (the
    read fails before any POLLHUP): the same "device gone" as a POLLHUP,
    and the camera back on replug. Once a timing race of grey_flow's."""
    cam = Camera(tmp, "late", views)
    k = start(tmp, world, cam, "late", late_hup=True)
    opened = k.log("camera %s: open (v4l2)" % cam.device)
    check(opened is not None and wait_frames(k, opened, 5),
          "late: the camera streams: " + dump(k))
    t = time.monotonic()
    cam.unplug()
    check(k.log("fake_v4l2: poll POLLIN, then unplugged", t) is not None,
          "late: the read came after the device died: " + dump(k))
    check(k.log("camera %s: device gone; retrying every 2 s" % cam.device, t)
          is not None, "late: a failed read of a pulled camera is logged as "
          "device gone: " + dump(k))
    t = time.monotonic()
    cam.plug()
    check(k.log("camera %s: open (v4l2)" % cam.device, t) is not None,
          "late: camera back without a restart: " + dump(k))
    rc, _ = k.stop()
    check(rc == 0, "late run: SIGTERM exit %r: %s" % (rc, dump(k)))


def yuyv_flow(tmp, world, views):
    """YUYV only, so ZBar converts; no scanner, unplugged at start (the
    no-camera screen), plugged in later."""
    cam = Camera(tmp, "yuyv", views)
    cam.unplug()
    k = start(tmp, world, cam, "yuyv", fmt="YUYV", scanner="none")
    check(k.log("camera %s: cannot open: " % cam.device) is not None,
          "missing camera at start logged: " + dump(k))
    check(k.log("screen: no_camera") is not None, "no-camera screen")
    t = time.monotonic()
    cam.plug()
    opened = k.log("camera %s: open (v4l2)" % cam.device, t)
    check(opened is not None, "YUYV camera found once plugged: " + dump(k))
    check(k.log("screen: idle", t) is not None, "idle screen once plugged")
    if opened is None:
        k.stop()
        return
    check(k.log("fake_v4l2: S_FMT YUYV->YUYV ok") is not None and
          not lines_since(k, 0, "fake_v4l2: S_FMT GREY->GREY"),
          "ZBar streams YUYV: " + dump(k))
    check(wait_frames(k, opened, 15), "YUYV frames taken: " + dump(k))
    check(camera_verdicts(k) == [], "empty YUYV scene gives nothing")
    t = time.monotonic()
    cam.show("forged")
    check(k.log("verdict forged: camera", t) is not None,
          "forged label read in YUYV: " + dump(k))
    t = time.monotonic()
    cam.show("genuine")
    seen = k.log("verdict genuine: camera", t)
    check(seen is not None, "genuine label read in YUYV: " + dump(k))
    check(wait_frames(k, seen or t, 20), "20 frames of the held label")
    check(camera_verdicts(k) == ["forged", "genuine"],
          "YUYV camera verdicts %r" % camera_verdicts(k))
    rc, _ = k.stop()
    check(rc == 0, "yuyv run: SIGTERM exit %r: %s" % (rc, dump(k)))


def main():
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="ocop-v4l2-")
    try:
        world, labels, want = demo_world(tmp)
        pick = {}  # the first label of each verdict
        for f, v in sorted(want.items()):
            pick.setdefault(v, os.path.join(labels, f))
        views = {None: view(), "genuine": view(pick["genuine"]),
                 "forged": view(pick["forged"])}
        # The views must read as their labels do (no kiosk involved).
        for what in ("genuine", "forged"):
            path = os.path.join(tmp, what + ".pgm")
            open(path, "wb").write(views[what])
            check(qr_text(path) == qr_text(pick[what]),
                  "the %s view reads as its label" % what)
        genuine = qr_text(pick["genuine"])
        grey_flow(tmp, world, views, genuine)
        late_hup_flow(tmp, world, views)
        yuyv_flow(tmp, world, views)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("took %.1f s" % (time.monotonic() - t0))
    return result()


if __name__ == "__main__":
    sys.exit(main())

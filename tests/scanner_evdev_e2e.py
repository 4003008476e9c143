#!/usr/bin/env python3
"""`ocop-kiosk run` reading a keyboard-wedge scanner from evdev, end to end.

No /dev/input device or uinput exists here, so the scanner is a FIFO: the
test writes into it the struct input_event records a US-layout wedge
scanner's keyboard device gives (EV_MSC MSC_SCAN, EV_KEY press and
release, shift around capitals and ':', EV_SYN SYN_REPORT after each, then
Enter), and tests/fake_evdev.c, preloaded, lets the kiosk's EVIOCGRAB on
it succeed. Everything else is the product's: wedge_open_evdev(), the
service loop's poll and read, wedge_event(), the verdicts.

Checked: the kiosk grabs the device; a genuine label typed by the scanner
is "verdict genuine: scanner", a forged one "verdict forged"; key repeats
(value 2), MSC and LED events type nothing; a line broken off without its
Enter is dropped after a pause (WEDGE_IDLE_MS) and the next code reads
whole; a code the kernel dropped events of (SYN_DROPPED) is logged and
not judged; an Enter alone is nothing; the writer closing (unplugged: read()
returns 0) is logged "gone; retrying every 2 s", the kiosk keeps running
and reads the next label once the FIFO is written again, without a
restart; the node vanishing and coming back (a new device) works the
same; a scanner missing at start is logged once and found once it
appears; SIGTERM exits 0.
"""
import errno
import os
import shutil
import struct
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from service_e2e import (WAIT, Kiosk, check, demo_world, result,  # noqa
                         qr_text, write_conf)

SHIM = os.environ["OCOP_FAKE_EVDEV"]

EV_SYN, EV_KEY, EV_MSC, EV_LED = 0, 1, 4, 0x11
SYN_REPORT, SYN_DROPPED, MSC_SCAN, LED_CAPSL = 0, 3, 4, 1
KEY_ENTER, KEY_LEFTSHIFT, KEY_SPACE = 28, 42, 57

# The US layout as firmware/wedge.c maps it: first key code of each row,
# unshifted and shifted characters.
ROWS = [(2, "1234567890-=", "!@#$%^&*()_+"),
        (16, "qwertyuiop[]", "QWERTYUIOP{}"),
        (30, "asdfghjkl;'`", 'ASDFGHJKL:"~'),
        (43, "\\zxcvbnm,./", "|ZXCVBNM<>?")]
KEYS = {" ": (KEY_SPACE, False)}
for first, lower, upper in ROWS:
    for i, (lo, up) in enumerate(zip(lower, upper)):
        KEYS[lo] = (first + i, False)
        KEYS[up] = (first + i, True)


def ev(type_, code, value):
    """One struct input_event for x86_64/aarch64: struct timeval (two
    longs), type, code, value (24 bytes)."""
    t = time.time()
    return struct.pack("llHHi", int(t), int(t % 1 * 1e6), type_, code, value)


def key(code, value):
    """A key event as a USB keyboard gives it: the scan code first, then
    the key, then the end of the report."""
    return (ev(EV_MSC, MSC_SCAN, 0x70000 + code) + ev(EV_KEY, code, value) +
            ev(EV_SYN, SYN_REPORT, 0))


def typed(text, repeats=False):
    """The events of a scanner typing text (no Enter). repeats: each key
    also autorepeats once, shift too, as a held key would."""
    out = b""
    for c in text:
        code, shift = KEYS[c]
        if shift:
            out += key(KEY_LEFTSHIFT, 1)
            if repeats:
                out += key(KEY_LEFTSHIFT, 2)
        out += key(code, 1)
        if repeats:
            out += key(code, 2)
        out += key(code, 0)
        if shift:
            out += key(KEY_LEFTSHIFT, 0)
    return out


def enter():
    return key(KEY_ENTER, 1) + key(KEY_ENTER, 0)


class Scanner:
    """The FIFO standing in for /dev/input/eventN, and its plug."""

    def __init__(self, path):
        self.path = path
        self.fd = -1

    def plug(self, timeout=WAIT):
        """Open for writing once the kiosk has it open for reading (a
        FIFO without a reader: ENXIO). True once connected."""
        if not os.path.exists(self.path):
            os.mkfifo(self.path)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                self.fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                if e.errno != errno.ENXIO:
                    raise
                time.sleep(0.02)
                continue
            os.set_blocking(self.fd, True)
            return True
        return False

    def write(self, data):
        """As a scanner types: in bursts of a few keys, a few ms apart."""
        t = time.monotonic()
        step = 24 * 3 * 8
        for i in range(0, len(data), step):
            os.write(self.fd, data[i:i + step])
            time.sleep(0.002)
        return t

    def unplug(self, remove=False):
        os.close(self.fd)
        self.fd = -1
        if remove:
            os.unlink(self.path)


def verdicts(k, after=0.0):
    with k.lock:
        return [s.split("verdict ", 1)[1].split(":")[0]
                for t, s in k.lines
                if t >= after and ": scanner product=" in s]


def count(k, text, after=0.0):
    with k.lock:
        return sum(1 for t, s in k.lines if t >= after and text in s)


def start(tmp, world, name, device):
    conf = os.path.join(tmp, name + ".conf")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               camera={"device": "none"}, scanner={"device": device},
               screen={"output": "none"})
    k = Kiosk(conf, tmp, name, env=dict(LD_PRELOAD=SHIM, FAKE_EVDEV=device))
    check(k.note("READY=1") is not None, name + ": READY=1: " + k.dump())
    return k


def main_flow(tmp, world, genuine, forged):
    """Scans, repeats, a broken-off code, unplug and replug, stop."""
    sc = Scanner(os.path.join(tmp, "event3"))
    os.mkfifo(sc.path)
    k = start(tmp, world, "main", sc.path)
    check(k.log("scanner %s: open" % sc.path) is not None,
          "scanner opened: " + k.dump())
    check(k.log("fake_evdev: EVIOCGRAB grab") is not None,
          "the kiosk grabbed the scanner: " + k.dump())
    check(sc.plug(), "the kiosk reads the FIFO")

    t = sc.write(typed(genuine) + enter())
    got = k.log("verdict genuine: scanner", t)
    check(got is not None, "genuine label typed: " + k.dump())
    if got:
        print("Enter to verdict: %.0f ms" % ((got - t) * 1000))
    t = sc.write(typed(forged) + enter())
    check(k.log("verdict forged: scanner", t) is not None,
          "forged label typed: " + k.dump())

    # Autorepeats of keys and shift, and LED and MSC events, type nothing.
    t = sc.write(ev(EV_LED, LED_CAPSL, 1) + ev(EV_SYN, SYN_REPORT, 0) +
                 typed(genuine, repeats=True) + enter())
    check(k.log("verdict genuine: scanner", t) is not None,
          "repeats and other events ignored: " + k.dump())

    # A code broken off mid-way (no Enter), then a pause past
    # WEDGE_IDLE_MS (500 ms): dropped; the next code reads whole.
    sc.write(typed(genuine[:20]))
    time.sleep(1.0)
    t = sc.write(typed(genuine) + enter())
    check(k.log("verdict genuine: scanner", t) is not None,
          "code after a broken-off one: " + k.dump())
    # One code typed in one burst but read by the kiosk in two parts a
    # second apart (its loop held up, say by a slow fsync): the kernel's
    # timestamps say it was one code, so it is one code.
    burst = typed(genuine) + enter()
    half = len(burst) // 2 // 24 * 24
    sc.write(burst[:half])
    time.sleep(1.0)
    t = sc.write(burst[half:])
    check(k.log("verdict genuine: scanner", t) is not None,
          "a code read late in two parts: " + k.dump())
    # The kernel dropped events mid-code (SYN_DROPPED: read too late):
    # the code, now missing keys, is not judged; the next one is.
    t = sc.write(typed(genuine[:20]) + ev(EV_SYN, SYN_DROPPED, 0) +
                 typed(genuine[26:]) + enter())
    check(k.log("scanner %s: events lost" % sc.path, t) is not None,
          "lost events logged: " + k.dump())
    t = sc.write(typed(genuine) + enter())
    check(k.log("verdict genuine: scanner", t) is not None,
          "code after lost events: " + k.dump())
    # An Enter alone is no scan.
    sc.write(enter())
    time.sleep(0.5)
    check(verdicts(k) == ["genuine", "forged", "genuine", "genuine",
                          "genuine", "genuine"],
          "scanner verdicts %r" % verdicts(k))

    # Unplugged: the writer goes (read() returns 0); the FIFO stays.
    t = time.monotonic()
    sc.unplug()
    gone = k.log("scanner %s: gone; retrying every 2 s" % sc.path, t)
    check(gone is not None, "unplug logged: " + k.dump())
    reopened = k.log("scanner %s: open" % sc.path, gone or t)
    check(reopened is not None, "reopened after 2 s: " + k.dump())
    if gone and reopened:
        print("gone to reopened: %.0f ms" % ((reopened - gone) * 1000))
        check(1.5 < reopened - gone < 5, "retry after about 2 s")
    check(k.p.poll() is None, "the kiosk keeps running unplugged")
    check(sc.plug(), "plugged back")
    t = sc.write(typed(genuine) + enter())
    check(k.log("verdict genuine: scanner", t) is not None,
          "label read after replug, no restart: " + k.dump())

    # Unplugged with its node gone, then a new one: a new device.
    t = time.monotonic()
    sc.unplug(remove=True)
    check(k.log("scanner %s: gone" % sc.path, t) is not None and
          k.log("scanner %s: No such file or directory; retrying every 2 s"
                % sc.path, t) is not None,
          "unplug and missing node logged: " + k.dump())
    t = time.monotonic()
    check(sc.plug(), "new node plugged")
    check(k.log("fake_evdev: EVIOCGRAB grab", t) is not None,
          "the new device grabbed")
    t = sc.write(typed(forged) + enter())
    check(k.log("verdict forged: scanner", t) is not None,
          "label read from the new device: " + k.dump())

    rc, took = k.stop()
    check(rc == 0, "SIGTERM exit %r: %s" % (rc, k.dump()))
    print("SIGTERM to exit: %.0f ms" % (took * 1000))
    check(verdicts(k) == ["genuine", "forged", "genuine", "genuine",
                          "genuine", "genuine", "genuine", "forged"],
          "scanner verdicts %r" % verdicts(k))
    sc.unplug()


def late_flow(tmp, world, genuine):
    """The scanner is plugged in after the kiosk started."""
    sc = Scanner(os.path.join(tmp, "event7"))
    k = start(tmp, world, "late", sc.path)
    missing = "scanner %s: No such file or directory; retrying every 2 s" \
        % sc.path
    check(k.log(missing) is not None, "missing scanner logged: " + k.dump())
    time.sleep(2.5)  # a retry or two
    check(count(k, missing) == 1, "logged once, not every retry: %d"
          % count(k, missing))
    check(k.p.poll() is None, "the kiosk runs without its scanner")
    t = time.monotonic()
    check(sc.plug(), "scanner plugged in: " + k.dump())
    opened = k.log("scanner %s: open" % sc.path, t)
    check(opened is not None, "found once plugged in: " + k.dump())
    if opened:
        print("plug in to open: %.0f ms" % ((opened - t) * 1000))
    t = sc.write(typed(genuine) + enter())
    check(k.log("verdict genuine: scanner", t) is not None,
          "label read from the late scanner: " + k.dump())
    rc, _ = k.stop()
    check(rc == 0, "late run: SIGTERM exit %r: %s" % (rc, k.dump()))
    sc.unplug()


def main():
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="ocop-evdev-")
    try:
        world, labels, want = demo_world(tmp)
        pick = {}  # the first label of each verdict
        for f, v in sorted(want.items()):
            pick.setdefault(v, os.path.join(labels, f))
        genuine = qr_text(pick["genuine"])
        forged = qr_text(pick["forged"])
        for text in (genuine, forged):
            check(all(c in KEYS for c in text),
                  "a US-layout scanner can type %r" % text)
        main_flow(tmp, world, genuine, forged)
        late_flow(tmp, world, genuine)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("took %.1f s" % (time.monotonic() - t0))
    return result()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""`ocop-kiosk run` end to end on the demo world, with the built binaries.

Scanner lines come on stdin, camera frames from a folder (the same loop a
V4L2 camera feeds), the screen is a PNG whose verdict band colour is read
back, systemd is a unix datagram socket in NOTIFY_SOCKET. Checked: READY,
WATCHDOG, STATUS and STOPPING; verdicts on screen and in the scan log;
SIGHUP reloads (and keeps the old configuration when the new one is bad);
SIGTERM stops with 0; a missing mirror is a "not ready" screen that a sync
cures without a restart; a sync stuck on a silent server does not delay a
verdict; a missing camera is retried and recovered; a missing screen
falls back to logging; a held label is one scan; a collector answering
500 keeps the scans; configuration errors name file, line and key.
"""
import http.server
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_read  # noqa: E402

BUILD = os.environ["OCOP_BUILD_DIR"]
HOST = os.path.join(BUILD, "host", "ocop-host")
KIOSK = os.path.join(BUILD, "firmware", "ocop-kiosk")
WAIT = 15.0  # seconds for anything to happen under ASan

GREEN, RED, NOT_READY, IDLE = 0x1E7B34, 0xC62828, 0x455A64, 0x1F5FA8
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def png_column(path, x):
    """The RGB colours down column x of an 8-bit RGB/RGBA PNG."""
    w, h, bpp, rows = png_read.read(path)
    assert bpp in (3, 4), path
    return [r[x * bpp] << 16 | r[x * bpp + 1] << 8 | r[x * bpp + 2]
            for r in rows]


def band_has(path, rgb):
    """The full-width band of the screen is this colour (at the left edge,
    where only bands are drawn)."""
    try:
        return png_column(path, 2).count(rgb) >= 20
    except (OSError, AssertionError, zlib.error, UnboundLocalError):
        return False


class Kiosk:
    """ocop-kiosk run with stdin as the scanner and a notify socket (env:
    more environment variables for it)."""

    def __init__(self, conf, tmp, name, env=None):
        self.sock_path = os.path.join(tmp, name + ".notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.sock.settimeout(0.2)
        self.notes, self.lines = [], []
        self.lock = threading.Lock()
        env = dict(os.environ, **(env or {}), NOTIFY_SOCKET=self.sock_path)
        self.t0 = time.monotonic()
        self.p = subprocess.Popen([KIOSK, "run", "--config", conf],
                                  stdin=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        self.done = False
        threading.Thread(target=self._notes, daemon=True).start()
        self.err_reader = threading.Thread(target=self._stderr, daemon=True)
        self.err_reader.start()

    def _notes(self):
        while not self.done:
            try:
                msg = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.notes.extend((time.monotonic(), m)
                                  for m in msg.split("\n"))

    def _stderr(self):
        for raw in self.p.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.lock:
                self.lines.append((time.monotonic(), line))

    def wait(self, pred, source, after=0.0, timeout=WAIT):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                items = list(self.notes if source == "notify" else self.lines)
            for t, s in items:
                if t >= after and pred(s):
                    return t
            time.sleep(0.02)
        return None

    def log(self, text, after=0.0, timeout=WAIT):
        return self.wait(lambda s: text in s, "stderr", after, timeout)

    def note(self, text, after=0.0, timeout=WAIT):
        return self.wait(lambda s: s.startswith(text), "notify", after,
                         timeout)

    def scan(self, text):
        t = time.monotonic()
        self.p.stdin.write(text.encode() + b"\n")
        self.p.stdin.flush()
        return t

    def stop(self):
        t = time.monotonic()
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "hung"
        self.err_reader.join(timeout=2)  # the last lines, for dump()
        self.done = True
        self.sock.close()
        return rc, time.monotonic() - t

    def dump(self):
        with self.lock:
            return "\n".join(s for _, s in self.lines[-80:])


def write_conf(path, base, **sections):
    text = open(base, encoding="utf-8").read()
    for name, keys in sections.items():
        if name == "feed_url":
            text = text.replace(
                text.split("url = ", 1)[1].split("\n", 1)[0], keys, 1)
            continue
        text += "\n[%s]\n" % name + "".join(
            "%s = %s\n" % kv for kv in keys.items())
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def qr_text(png):
    return subprocess.run(["zbarimg", "-q", "--raw", png], check=True,
                          capture_output=True, text=True).stdout.strip()


class Collector500(http.server.BaseHTTPRequestHandler):
    posts = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Collector500.posts += 1
        self.send_response(500)
        self.send_header("Retry-After", "30")
        self.end_headers()
        self.wfile.write(b"storage failed\n")

    def log_message(self, *a):
        pass


def main_flow(tmp, world, genuine, forged):
    """Scanner verdicts, screen, scan log, notify, reload, upload, stop."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector500)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    conf = os.path.join(tmp, "main.conf")
    png = os.path.join(tmp, "main.png")
    sections = dict(camera={"device": "none"}, scanner={"device": "-"},
                    screen={"output": "png:" + png, "verdict_seconds": 2},
                    upload={"url": "http://127.0.0.1:%d/v1/scans"
                            % httpd.server_address[1], "interval": 1})
    write_conf(conf, os.path.join(world, "kiosk.conf"), **sections)
    k = Kiosk(conf, tmp, "main")
    ready = k.note("READY=1")
    check(ready is not None, "READY=1 sent: " + k.dump())
    if ready is None:
        k.stop()
        return
    print("start to READY=1: %.0f ms" % ((ready - k.t0) * 1000))
    check(band_has(png, IDLE), "idle screen first")
    check(k.note("WATCHDOG=1") is not None, "WATCHDOG=1 sent")
    check(k.note("STATUS=ready, mirror v1") is not None, "STATUS ready")

    t = k.scan(genuine)
    check(k.log("verdict genuine: scanner", t) is not None,
          "genuine verdict logged: " + k.dump())
    check(k.log("screen: verdict lang=vi", t) is not None, "verdict screen")
    check(band_has(png, GREEN), "green band for genuine")
    t = k.scan(forged)
    check(k.log("verdict forged: scanner", t) is not None, "forged verdict")
    time.sleep(0.3)
    check(band_has(png, RED), "red band for forged")
    db = sqlite3.connect(os.path.join(world, "kiosk", "scans.db"))
    rows = [r[0] for r in db.execute("SELECT verdict FROM scans ORDER BY id")]
    db.close()
    check(rows == ["genuine", "forged"], "scan log rows %r" % rows)
    # The verdict goes back to idle after verdict_seconds.
    check(k.log("screen: idle", t + 1.5) is not None, "back to idle")
    # The collector fails: scans stay pending, reported in STATUS.
    check(k.log("upload: collector answered 500") is not None,
          "upload failure logged: " + k.dump())
    check(k.note("STATUS=ready, mirror v1, 2 scans pending upload")
          is not None, "STATUS counts pending scans")

    # SIGHUP with the language changed; then with a bad value.
    sections["screen"]["language"] = "en"
    write_conf(conf, os.path.join(world, "kiosk.conf"), **sections)
    t = time.monotonic()
    k.p.send_signal(signal.SIGHUP)
    check(k.log("configuration reloaded", t) is not None, "reload logged")
    check(k.log("screen: idle lang=en", t) is not None, "language now en")
    sections["screen"]["language"] = "fr"
    write_conf(conf, os.path.join(world, "kiosk.conf"), **sections)
    t = time.monotonic()
    k.p.send_signal(signal.SIGHUP)
    check(k.log("<3>ocop-kiosk: %s:" % conf, t) is not None and
          k.log("[screen] language must be vi or en", t) is not None,
          "bad reload names file, line and key: " + k.dump())
    check(k.log("reload refused", t) is not None, "bad reload refused")
    # The scanner's language code toggles, and verdicts still come.
    t = k.scan("OCOP:LANG")
    check(k.log("screen: idle lang=vi", t) is not None, "language toggle")
    t = k.scan(genuine)
    check(k.log("verdict genuine", t) is not None, "verdict after reload")
    rc, took = k.stop()
    check(rc == 0, "SIGTERM exit %r: %s" % (rc, k.dump()))
    print("SIGTERM to exit: %.0f ms" % (took * 1000))
    check(took < 5, "stopped in %.1f s" % took)
    check(k.note("STOPPING=1") is not None, "STOPPING=1 sent")
    httpd.shutdown()


def not_ready_flow(tmp, world, genuine):
    """No mirror at start: not ready, no verdicts; a sync cures it."""
    data = os.path.join(tmp, "fresh")
    conf = os.path.join(tmp, "fresh.conf")
    png = os.path.join(tmp, "fresh.png")
    base = os.path.join(world, "kiosk.conf")
    good_url = "file://" + os.path.join(world, "feed") + "/"
    sections = dict(data={"mirror": data + "/mirror.db",
                          "state": data + "/sync.state"},
                    camera={"device": "none"}, scanner={"device": "-"},
                    screen={"output": "png:" + png})
    write_conf(conf, base, feed_url="file:///nonexistent/feed/", **sections)
    k = Kiosk(conf, tmp, "fresh")
    check(k.note("READY=1") is not None, "READY=1 while not ready")
    check(k.note("STATUS=not ready") is not None, "STATUS not ready")
    check(k.log("screen: not_ready") is not None, "not-ready screen")
    check(band_has(png, NOT_READY), "not-ready band")
    t = k.scan(genuine)
    check(k.log("scanner scan not judged: not ready", t) is not None,
          "no verdict while not ready: " + k.dump())
    check(not os.path.exists(data + "/scans.db") or sqlite3.connect(
        data + "/scans.db").execute("SELECT count(*) FROM scans")
        .fetchone()[0] == 0, "nothing logged while not ready")
    # The feed comes back (the configuration is fixed): ready, no restart.
    write_conf(conf, base, feed_url=good_url, **sections)
    t = time.monotonic()
    k.p.send_signal(signal.SIGHUP)
    check(k.log("screen: idle", t) is not None,
          "ready after sync without restart: " + k.dump())
    check(band_has(png, IDLE), "idle band once ready")
    t = k.scan(genuine)
    check(k.log("verdict genuine", t) is not None, "verdict once ready")
    rc, _ = k.stop()
    check(rc == 0, "not-ready run exit %r: %s" % (rc, k.dump()))


def silent_server():
    """A feed server that accepts and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held = []

    def run():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            held.append(c)
    threading.Thread(target=run, daemon=True).start()
    return srv, held


def helpers_of(pid):
    """The kiosk's running network helpers (ocop-kiosk-net children)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open("/proc/%s/stat" % d).read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and comm.startswith("ocop-kiosk-net"):
            found.append(int(d))
    return found


def alive(pid):
    try:
        stat = open("/proc/%d/stat" % pid).read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def stuck_sync_flow(tmp, world, genuine):
    """A sync hanging on a silent server delays no verdict, nor the stop.
    The round runs in ocop-kiosk-net, a child: the scanning process never
    maps libcurl, and a stop ends the helper too."""
    srv, held = silent_server()
    conf = os.path.join(tmp, "stuck.conf")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               feed_url="http://127.0.0.1:%d/feed/" % srv.getsockname()[1],
               camera={"device": "none"}, scanner={"device": "-"},
               screen={"output": "none"})
    k = Kiosk(conf, tmp, "stuck")
    check(k.note("READY=1") is not None, "READY=1 with a stuck sync")
    end = time.monotonic() + WAIT
    while not held and time.monotonic() < end:
        time.sleep(0.05)
    check(bool(held), "the sync connected to the silent server")
    helpers = helpers_of(k.p.pid)
    check(len(helpers) == 1, "one ocop-kiosk-net round running: %r" % helpers)
    maps = open("/proc/%d/maps" % k.p.pid).read()
    check("libcurl" not in maps, "the scanning process maps libcurl")
    check(all("libcurl" in open("/proc/%d/maps" % h).read()
              for h in helpers), "the helper is what holds libcurl")
    t = k.scan(genuine)
    got = k.log("verdict genuine", t, timeout=5)
    check(got is not None, "verdict while sync hangs: " + k.dump())
    if got:
        print("verdict while sync hangs: %.0f ms" % ((got - t) * 1000))
    rc, took = k.stop()
    check(rc == 0, "stop with a stuck sync exit %r: %s" % (rc, k.dump()))
    check(took < 5, "stop with a stuck sync took %.1f s" % took)
    end = time.monotonic() + 5
    while any(alive(h) for h in helpers) and time.monotonic() < end:
        time.sleep(0.05)
    check(not any(alive(h) for h in helpers),
          "the helper outlived the kiosk: %r" % helpers)
    srv.close()


def camera_flow(tmp, world, genuine, forged):
    """Frames from a folder through the camera loop: a missing camera is
    retried and recovered; a held label is one scan; gone and back again
    is a new scan; another label is a new scan."""
    frames = os.path.join(tmp, "frames")
    stage = os.path.join(tmp, "frames.stage")
    os.mkdir(stage)
    blank = b"P5 200 200 255\n" + bytes([255]) * 40000
    # At 10 frames a second: the gap (2 s) is well past absent_ms (1 s),
    # and a held label's frames stay well within it even on a loaded
    # machine under ASan.
    for i, text in enumerate([genuine] * 6 + [None] * 20 + [genuine] * 4 +
                             [forged] * 4 + [None] * 30):
        path = os.path.join(stage, "f%03d" % i)
        if text is None:
            open(path + ".pgm", "wb").write(blank)
        else:
            subprocess.run(["qrencode", "-s", "3", "-o", path + ".png",
                            text], check=True)
    conf = os.path.join(tmp, "camera.conf")
    png = os.path.join(tmp, "camera.png")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               camera={"device": "frames:" + frames, "absent_ms": 1000},
               scanner={"device": "/dev/input/event-missing"},
               screen={"output": "png:" + png, "verdict_seconds": 1})
    k = Kiosk(conf, tmp, "camera")
    check(k.note("READY=1") is not None, "READY=1 without a camera")
    check(k.log("screen: no_camera") is not None, "no-camera screen")
    check(k.note("STATUS=ready, mirror v1, no camera") is not None,
          "STATUS says no camera")
    check(k.log("camera frames:%s: " % frames) is not None,
          "camera failure logged")
    check(k.log("scanner /dev/input/event-missing: No such file") is not None,
          "missing scanner device logged")
    t = time.monotonic()
    os.rename(stage, frames)  # plugged in
    check(k.log("camera frames:%s: open" % frames, t) is not None,
          "camera recovered without restart: " + k.dump())
    done = k.log("verdict forged: camera", t)
    check(done is not None, "forged label seen by camera: " + k.dump())
    time.sleep(0.3)
    with k.lock:
        verdicts = [s.split("verdict ", 1)[1].split(":")[0]
                    for _, s in k.lines if "verdict " in s and ": camera" in s]
    check(verdicts == ["genuine", "genuine", "forged"],
          "camera scans %r (held = one scan)" % verdicts)
    # Unplugged while streaming (its frames vanish), then plugged back.
    t = time.monotonic()
    os.rename(frames, stage)
    check(k.log("screen: no_camera", t) is not None,
          "no-camera screen after unplug: " + k.dump())
    check(k.note("STATUS=ready, mirror v1, no camera", t) is not None,
          "STATUS says no camera after unplug")
    t = time.monotonic()
    os.rename(stage, frames)
    check(k.log("camera frames:%s: open" % frames, t) is not None and
          k.log("verdict genuine: camera", t) is not None,
          "camera back after replug, scanning: " + k.dump())
    rc, _ = k.stop()
    check(rc == 0, "camera run exit %r: %s" % (rc, k.dump()))


def helper_crash_flow(tmp, world, genuine):
    """The network side crashing (a hostile feed that finds a bug, say)
    ends its own process only: the kiosk logs it, says it is offline and
    keeps giving verdicts."""
    crash = os.path.join(tmp, "crashing-net")
    with open(crash, "w") as f:
        f.write("#!/bin/sh\nkill -SEGV $$\n")
    os.chmod(crash, 0o755)
    conf = os.path.join(tmp, "crash.conf")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               camera={"device": "none"}, scanner={"device": "-"},
               screen={"output": "none"})
    k = Kiosk(conf, tmp, "crash", env={"OCOP_KIOSK_NET": crash})
    check(k.note("READY=1") is not None, "READY=1 with a crashing helper")
    check(k.log("sync: ocop-kiosk-net was stopped by a signal") is not None,
          "helper crash logged: " + k.dump())
    check(k.log("offline=1") is not None,
          "offline on screen after the helper crashed: " + k.dump())
    t = k.scan(genuine)
    check(k.log("verdict genuine: scanner", t) is not None,
          "verdict after the helper crashed: " + k.dump())
    rc, _ = k.stop()
    check(rc == 0, "crashing-helper run exit %r: %s" % (rc, k.dump()))


def faults_flow(tmp, world, genuine):
    """No V4L2 device, no screen, no writable scan log: verdicts go on."""
    conf = os.path.join(tmp, "faults.conf")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               camera={"device": "/dev/video-missing"},
               scanner={"device": "-"},
               screen={"output": "fb:/dev/fb-missing"})
    with open(conf, "a") as f:
        pass
    text = open(conf).read().replace(
        "[data]\n", "[data]\nscans = /nonexistent/dir/scans.db\n", 1)
    open(conf, "w").write(text)
    k = Kiosk(conf, tmp, "faults")
    check(k.note("READY=1") is not None, "READY=1 without screen or camera")
    check(k.log("camera /dev/video-missing: cannot open") is not None,
          "V4L2 open failure logged: " + k.dump())
    check(k.log("verdicts are logged only") is not None, "no screen logged")
    check(k.log("<3>ocop-kiosk: scan log") is not None, "scan log problem")
    t = k.scan(genuine)
    check(k.log("verdict genuine: scanner", t) is not None,
          "verdict without screen, camera or scan log")
    rc, _ = k.stop()
    check(rc == 0, "faults run exit %r: %s" % (rc, k.dump()))


def kill_flow(tmp, world, genuine):
    """SIGKILL right after a verdict: the scan is in the log, the screen
    file is whole, and the next start is ready."""
    conf = os.path.join(tmp, "kill.conf")
    png = os.path.join(tmp, "kill.png")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               camera={"device": "none"}, scanner={"device": "-"},
               screen={"output": "png:" + png})
    db = os.path.join(world, "kiosk", "scans.db")
    before = sqlite3.connect(db).execute(
        "SELECT max(id) FROM scans").fetchone()[0]
    k = Kiosk(conf, tmp, "kill")
    check(k.note("READY=1") is not None, "READY=1 before kill")
    t = k.scan(genuine)
    check(k.log("verdict genuine", t) is not None, "verdict before kill")
    k.p.kill()
    k.p.wait(timeout=WAIT)
    k.done = True
    k.sock.close()
    after = sqlite3.connect(db).execute(
        "SELECT max(id), verdict FROM scans").fetchone()
    check(after[0] == (before or 0) + 1 and after[1] == "genuine",
          "the shown verdict survived SIGKILL: %r" % (after,))
    check(band_has(png, GREEN) or band_has(png, IDLE), "screen file whole")
    k = Kiosk(conf, tmp, "kill2")
    check(k.note("STATUS=ready") is not None, "ready after SIGKILL")
    rc, _ = k.stop()
    check(rc == 0, "run after SIGKILL exit %r: %s" % (rc, k.dump()))


def config_errors(tmp, world):
    conf = os.path.join(tmp, "bad.conf")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               screen={"language": "fr"})
    r = subprocess.run([KIOSK, "run", "--config", conf], capture_output=True,
                       text=True, timeout=WAIT, stdin=subprocess.DEVNULL)
    n = open(conf).read().split("\n").index("language = fr") + 1
    check(r.returncode == 3 and
          "%s:%d: [screen] language must be vi or en" % (conf, n) in r.stderr,
          "bad value: %d %s" % (r.returncode, r.stderr))
    r = subprocess.run([KIOSK, "run", "--config", tmp + "/missing.conf"],
                       capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 3 and "cannot open" in r.stderr,
          "missing config: %s" % r.stderr)
    r = subprocess.run([KIOSK, "device-key", "--config",
                        os.path.join(world, "kiosk.conf")],
                       capture_output=True, text=True, timeout=WAIT)
    key = os.path.join(world, "kiosk", "device.key")
    check(r.returncode == 0 and r.stdout.count("\n") >= 2 and
          os.stat(key).st_mode & 0o777 == 0o600 and
          "SECRET" not in r.stdout.upper(),
          "device-key: %d %s %s" % (r.returncode, r.stdout, r.stderr))


def inspector_flow(tmp, world, genuine):
    """A badge on the kiosk's scanner: inspector mode with a banner, a
    finding about the product just scanned, recorded durably; the same
    badge again ends the session; a forged badge is refused."""
    next_year = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 365 * 86400))
    badge = subprocess.run(
        [HOST, "badge", "issue", "--db", os.path.join(world, "registry.db"),
         "--key", os.path.join(world, "authority.sec"), "--inspector",
         "HN-INS-9", "--name", "Trần Thị Thu", "--province", "Hà Nội",
         "--valid-until", next_year],
        check=True, capture_output=True, text=True).stdout.strip()
    conf = os.path.join(tmp, "insp.conf")
    png = os.path.join(tmp, "insp.png")
    write_conf(conf, os.path.join(world, "kiosk.conf"),
               camera={"device": "none"}, scanner={"device": "-"},
               screen={"output": "png:" + png, "verdict_seconds": 1})
    k = Kiosk(conf, tmp, "insp")
    check(k.note("READY=1") is not None, "inspector kiosk ready")
    # One character changed: refused, nothing else happens.
    forged = badge[:-3] + ("A" if badge[-3] != "A" else "B") + badge[-2:]
    t = k.scan(forged)
    check(k.log("inspector badge refused", t) is not None,
          "forged badge refused: " + k.dump())
    t = k.scan("F1 before any badge")
    check(k.log("finding recorded", t, timeout=1) is None,
          "no finding outside inspector mode")
    t = k.scan(badge)
    check(k.log("inspector HN-INS-9 (Hà Nội): session started", t)
          is not None, "badge starts a session: " + k.dump())
    check(k.log("insp=1", t) is not None, "inspector banner on screen")
    t = k.scan(genuine)
    check(k.log("verdict genuine: scanner", t) is not None,
          "product scanned in inspector mode")
    t = k.scan("F2 nhãn dán sai chỗ")
    check(k.log("finding label_misuse recorded: inspector=HN-INS-9", t)
          is not None, "finding recorded: " + k.dump())
    # A mistyped finding code is an inspector's command, not a scan.
    def logged_scans():
        db = sqlite3.connect(os.path.join(world, "kiosk", "scans.db"))
        n = db.execute("SELECT count(*) FROM scans").fetchone()[0]
        db.close()
        return n
    before = logged_scans()
    t = k.scan("F9 test")
    check(k.log("'F9 test' refused: not a finding code", t) is not None,
          "mistyped code refused: " + k.dump())
    # (The screen's own line may still be redrawing the last verdict
    # with the finding's notice: a judged line is "verdict WORD: ...".)
    check(k.wait(lambda s: "verdict" in s and "screen:" not in s, "stderr",
                 t, 0.5) is None, "mistyped code not judged")
    check(logged_scans() == before, "a mistyped code is no scan in the log")
    t = k.scan(genuine)
    check(k.log("inspector: 1 previous finding(s) for", t) is not None,
          "the product's previous finding shown: " + k.dump())
    time.sleep(0.3)
    shutil.copy(png, os.path.join(tmp, "insp-shown.png"))
    t = k.scan(badge)
    check(k.log("session ended", t) is not None, "same badge ends it")
    rc, _ = k.stop()
    check(rc == 0, "inspector kiosk stopped cleanly: %r: %s" % (rc, k.dump()))
    db = sqlite3.connect(os.path.join(world, "kiosk", "scans.db"))
    rows = db.execute("SELECT inspector, finding, note FROM findings "
                      "WHERE inspector = 'HN-INS-9'").fetchall()
    db.close()
    check(rows == [("HN-INS-9", "label_misuse", "nhãn dán sai chỗ")],
          "finding in the scan log: %r" % (rows,))


def result():
    """The exit status: 1, with the count on stderr, if a check failed."""
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        return 1
    print("all passed")
    return 0


def demo_world(tmp):
    """A demo world in tmp/world, synced to its kiosk: the world, its
    labels folder and {label image: expected verdict}."""
    world = os.path.join(tmp, "world")
    subprocess.run([HOST, "demo", world], check=True, capture_output=True)
    subprocess.run([KIOSK, "sync", "--config",
                    os.path.join(world, "kiosk.conf")], check=True,
                   capture_output=True)
    labels = os.path.join(world, "labels")
    want = dict(line.rstrip("\n").split("\t")
                for line in open(os.path.join(labels, "expected.tsv")))
    return world, labels, want


def main():
    tmp = tempfile.mkdtemp(prefix="ocop-service-")
    try:
        world, labels, want = demo_world(tmp)
        genuine = qr_text(os.path.join(labels, next(
            f for f, v in want.items() if v == "genuine")))
        forged = qr_text(os.path.join(labels, next(
            f for f, v in want.items() if v == "forged")))
        config_errors(tmp, world)
        main_flow(tmp, world, genuine, forged)
        not_ready_flow(tmp, world, genuine)
        stuck_sync_flow(tmp, world, genuine)
        camera_flow(tmp, world, genuine, forged)
        faults_flow(tmp, world, genuine)
        helper_crash_flow(tmp, world, genuine)
        kill_flow(tmp, world, genuine)
        inspector_flow(tmp, world, genuine)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result()


if __name__ == "__main__":
    sys.exit(main())

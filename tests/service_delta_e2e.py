#!/usr/bin/env python3
"""A running kiosk takes deltas (issue 11, 3.1).

`ocop-kiosk run` holds its mirror open for verdicts while its sync helper
changes it. Here the authority publishes twice (export + publish) while
the kiosk runs, each time followed by SIGHUP (a sync at once), and both
versions must arrive as deltas (the service's `sync: mirror vN (delta`
line), with no `database is locked`, and verdicts that follow the data:
a product suspended in v2 is `suspended`, rated again in v3 `genuine`.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_e2e as se  # noqa: E402


def publish(world):
    """export + publish, as the authority does."""
    mirror = os.path.join(world, "mirror.db")
    subprocess.run([se.HOST, "export", "--db",
                    os.path.join(world, "registry.db"), "--out", mirror],
                   check=True, capture_output=True)
    subprocess.run([se.HOST, "publish", "--mirror", mirror, "--key",
                    os.path.join(world, "authority.sec"), "--feed",
                    os.path.join(world, "feed")],
                   check=True, capture_output=True)


def set_status(world, code, status):
    subprocess.run([se.HOST, "product", "set-status", "--db",
                    os.path.join(world, "registry.db"), "--code", code,
                    "--status", status, "--reason", "test"],
                   check=True, capture_output=True)


def main():
    tmp = tempfile.mkdtemp(prefix="ocop-delta-")
    try:
        world, labels, want = se.demo_world(tmp)
        genuine = se.qr_text(os.path.join(labels, next(
            f for f, v in want.items() if v == "genuine")))
        out = subprocess.run([se.KIOSK, "check", "--config",
                              os.path.join(world, "kiosk.conf"), "--json",
                              genuine], capture_output=True, text=True)
        code = out.stdout.split('"product":"', 1)[1].split('"', 1)[0]
        conf = os.path.join(tmp, "delta.conf")
        se.write_conf(conf, os.path.join(world, "kiosk.conf"),
                      camera={"device": "none"}, scanner={"device": "-"},
                      screen={"output": "none"})
        k = se.Kiosk(conf, tmp, "delta")
        se.check(k.note("STATUS=ready, mirror v1") is not None,
                 "kiosk ready on v1: " + k.dump())
        t = k.scan(genuine)
        se.check(k.log("verdict genuine: scanner", t) is not None,
                 "genuine on v1: " + k.dump())
        for version, status, verdict in ((2, "suspended", "suspended"),
                                         (3, "rated", "genuine")):
            set_status(world, code, status)
            publish(world)
            t = time.monotonic()
            k.p.send_signal(signal.SIGHUP)
            got = k.log("sync: mirror v%d (" % version, t)
            se.check(got is not None and
                     k.log("sync: mirror v%d (delta" % version, t, 1)
                     is not None,
                     "v%d arrived as a delta: %s" % (version, k.dump()))
            se.check(k.note("STATUS=ready, mirror v%d" % version, t)
                     is not None, "STATUS says v%d" % version)
            t = k.scan(genuine)
            se.check(k.log("verdict %s: scanner" % verdict, t) is not None,
                     "%s on v%d: %s" % (verdict, version, k.dump()))
        se.check(k.log("database is locked", 0, 0.1) is None,
                 "no lock error: " + k.dump())
        rc, _ = k.stop()
        se.check(rc == 0, "stopped cleanly: %r" % rc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return se.result()


if __name__ == "__main__":
    sys.exit(main())

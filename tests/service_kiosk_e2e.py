#!/usr/bin/env python3
"""What a kiosk installer and a shopper ran into (issue 11, 3.7), on
`ocop-kiosk run`: the first start before any sync says plainly that no
mirror is there yet (no false "unable to open database file"), and the
language a shopper chose with the language card survives a SIGHUP that
does not change the configured language.
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


def main():
    tmp = tempfile.mkdtemp(prefix="ocop-kiosk37-")
    try:
        world = os.path.join(tmp, "world")
        subprocess.run([se.HOST, "demo", world], check=True,
                       capture_output=True)
        conf = os.path.join(tmp, "k.conf")
        se.write_conf(conf, os.path.join(world, "kiosk.conf"),
                      camera={"device": "none"}, scanner={"device": "-"},
                      screen={"output": "none"})
        # A fresh kiosk: no data folder, no mirror, until the first sync.
        k = se.Kiosk(conf, tmp, "fresh")
        se.check(k.note("STATUS=ready, mirror v1") is not None,
                 "ready after the first sync: " + k.dump())
        se.check(k.log("unable to open database file", 0, 0.1) is None,
                 "no false 'unable to open database file': " + k.dump())
        se.check(k.log("waiting for the first sync", 0, 0.1) is not None,
                 "the first start says no mirror is there yet: " + k.dump())
        # The language card, then a reload with the same language.
        t = k.scan("OCOP:LANG")
        se.check(k.log("screen: idle lang=en", t) is not None,
                 "language card switches to en: " + k.dump())
        t = time.monotonic()
        k.p.send_signal(signal.SIGHUP)
        se.check(k.log("configuration reloaded", t) is not None, "reload")
        time.sleep(0.5)
        se.check(k.log("lang=vi", t, 0.1) is None,
                 "the shopper's language survives SIGHUP: " + k.dump())
        rc, _ = k.stop()
        se.check(rc == 0, "stopped cleanly: %r" % rc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return se.result()


if __name__ == "__main__":
    sys.exit(main())

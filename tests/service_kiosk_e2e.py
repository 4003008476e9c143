#!/usr/bin/env python3
"""What a kiosk installer and a shopper ran into (issue 11, 3.7), on
`ocop-kiosk run`: the first start before any sync says plainly that no
mirror is there yet (no false "unable to open database file"), and the
language a shopper chose with the language card survives a SIGHUP that
does not change the configured language; the upload's log line names
the findings a batch carried, not only its scans.
"""
import http.server
import threading
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


class Collector200(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"stored\n")

    def log_message(self, *a):
        pass


def upload_flow(tmp, world, conf, genuine):
    """A finding recorded by `ocop-kiosk inspect`, then one upload round
    (the helper the service runs): its log line counts the finding."""
    next_year = time.strftime("%Y-%m-%d",
                              time.gmtime(time.time() + 365 * 86400))
    badge = subprocess.run(
        [se.HOST, "badge", "issue", "--db",
         os.path.join(world, "registry.db"), "--key",
         os.path.join(world, "authority.sec"), "--inspector", "HN-INS-7",
         "--name", "Lê Văn Bình", "--province", "Hà Nội",
         "--valid-until", next_year],
        check=True, capture_output=True, text=True).stdout.strip()
    p = subprocess.run([se.KIOSK, "inspect", "--config", conf],
                       input="%s\n%s\nF2 nhãn sai\n" % (badge, genuine),
                       capture_output=True, text=True)
    se.check(p.returncode == 0, "finding recorded: %s %s" % (p.stdout,
                                                            p.stderr))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector200)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    up = os.path.join(tmp, "up.conf")
    se.write_conf(up, conf, upload={"url": "http://127.0.0.1:%d/v1/scans"
                                    % httpd.server_address[1]})
    p = subprocess.run([se.KIOSK, "upload", "--config", up],
                       capture_output=True, text=True)
    httpd.shutdown()
    se.check("1 findings sent" in p.stderr and "findings=1" in p.stdout,
             "the upload line names the finding: %s %s" % (p.stdout,
                                                          p.stderr))


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
        want = dict(line.rstrip("\n").split("\t") for line in open(
            os.path.join(world, "labels", "expected.tsv")))
        genuine = se.qr_text(os.path.join(world, "labels", next(
            f for f, v in want.items() if v == "genuine")))
        upload_flow(tmp, world, conf, genuine)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return se.result()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What the kiosk's screen says about itself and an inspector's actions
(issue 11, 3.7 and 3.8), on `ocop-kiosk run`: the stale banner's "since"
is `ocop-kiosk status`'s (the last sync, one source); a kiosk with only a
scanner never says "camera"; a refused badge and a recorded finding show
a notice on the screen; earlier findings are named in the screen's
language, not by their stored words.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_e2e as se  # noqa: E402


def stale_state(world):
    """The kiosk's state says it last synced on 2026-01-02 and its data
    ran out the next day; the feed is unreachable, so it stays so."""
    path = os.path.join(world, "kiosk", "sync.state")
    lines = []
    for line in open(path, encoding="utf-8"):
        k = line.split("=", 1)[0]
        if k == "last_sync":
            line = "last_sync=2026-01-02T03:04:05Z\n"
        elif k in ("expires", "published"):
            line = "%s=2026-01-03T00:00:00Z\n" % k
        lines.append(line)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


def main():
    tmp = tempfile.mkdtemp(prefix="ocop-screen-")
    try:
        world, labels, want = se.demo_world(tmp)
        genuine = se.qr_text(os.path.join(labels, next(
            f for f, v in want.items() if v == "genuine")))
        stale_state(world)
        conf = os.path.join(tmp, "k.conf")
        se.write_conf(conf, os.path.join(world, "kiosk.conf"),
                      feed_url="http://127.0.0.1:9/feed/",
                      camera={"device": "none"}, scanner={"device": "-"},
                      screen={"output": "none", "verdict_seconds": 1})
        p = subprocess.run([se.KIOSK, "status", "--config", conf],
                           capture_output=True, text=True)
        se.check("data not updated since 2026-01-02T03:04:05Z" in p.stdout,
                 "status says since the last sync: " + p.stdout)

        k = se.Kiosk(conf, tmp, "screen")
        se.check(k.note("READY=1") is not None, "ready: " + k.dump())
        # 3.7: one "since"; a scanner-only kiosk's words.
        se.check(k.log("stale=1", 0) is not None, "stale: " + k.dump())
        se.check(k.log("since=2026-01-02 ", 0) is not None,
                 "the banner's date is the status's: " + k.dump())
        se.check(k.log("input=scanner", 0) is not None,
                 "a scanner-only kiosk's screen: " + k.dump())
        se.check(k.log("input=camera", 0, 0.1) is None,
                 "no camera words without a camera: " + k.dump())

        # 3.8: a refused badge and a recorded finding show on screen.
        next_year = time.strftime("%Y-%m-%d",
                                  time.gmtime(time.time() + 365 * 86400))
        badge = subprocess.run(
            [se.HOST, "badge", "issue", "--db",
             os.path.join(world, "registry.db"), "--key",
             os.path.join(world, "authority.sec"), "--inspector", "HN-INS-4",
             "--name", "Phạm Văn Đức", "--province", "Hà Nội",
             "--valid-until", next_year],
            check=True, capture_output=True, text=True).stdout.strip()
        forged = badge[:-3] + ("A" if badge[-3] != "A" else "B") + badge[-2:]
        t = k.scan(forged)
        se.check(k.log("notice=badge_refused", t) is not None,
                 "a refused badge shows a notice: " + k.dump())
        t = k.scan(badge)
        se.check(k.log("session started", t) is not None, "session")
        t = k.scan(genuine)
        se.check(k.log("verdict genuine", t) is not None, "scanned")
        t = k.scan("F2 nhãn dán sai chỗ")
        se.check(k.log("notice=finding_recorded", t) is not None,
                 "a recorded finding shows a notice: " + k.dump())
        time.sleep(1.5)
        t = k.scan(genuine)
        se.check(k.log("previous finding(s) for", t) is not None,
                 "previous findings: " + k.dump())
        se.check(k.log("Sử dụng tem sai quy định (HN-INS-4)", t) is not None,
                 "the finding named in Vietnamese: " + k.dump())
        se.check(k.log("label_misuse (HN-INS-4)", t, 0.1) is None,
                 "no stored word on the Vietnamese screen: " + k.dump())
        rc, _ = k.stop()
        se.check(rc == 0, "stopped cleanly: %r" % rc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return se.result()


if __name__ == "__main__":
    sys.exit(main())

"""console_browser_work.py DRIVER OCOP_HOST [SCREENS_DIR]: issue 14's days
in headless Chromium over `ocop-host serve` and a demo world, through the
pages' own forms and links (skipped without chromium):

- a shopper opens a label's phone page, fills in "report this label"
  with a photo and sends it;
- a province clerk finds the report in the console's queue, opens it and
  confirms it: the registry then holds the label as cloned;
- a producer opens its own page, downloads the print bundle and prints
  labels from it with ocop-host print;
- a central user enrols a kiosk from the fleet page.

With SCREENS_DIR it writes docs/screens/ pictures of the phone page with
its form, the queue, the item, the producer's page, the badges page and
the kiosk fleet."""
import base64
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
import traceback
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_lib  # noqa: E402
from console_browser import Browser, login  # noqa: E402
from console_lib import HOST, T, check, fail, finish  # noqa: E402
from console_work import PNG, label, serve, setup_world  # noqa: E402

SHOTS = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None


def shot(b, name):
    data = base64.b64decode(b.call("Page.captureScreenshot",
                                   format="png")["data"])
    with open(os.path.join(T, name), "wb") as f:
        f.write(data)
    if SHOTS:
        with open(os.path.join(SHOTS, name), "wb") as f:
            f.write(data)


def shopper(b, pub, photo):
    b.call("Emulation.setDeviceMetricsOverride", width=412, height=915,
           deviceScaleFactor=1, mobile=True)
    pay = label(11)
    b.go("%s/V/%s" % (pub, pay), "/V/")
    check("Báo cáo tem này" in b.text(), "the phone page shows the form")
    b.js("document.querySelector('select[name=what]').value = "
         "'product_differs'")
    b.fill("textarea[name=note]", "Hộp ghi chè nhưng bên trong là cà phê")
    b.fill("input[name=province]", "Hà Nội")
    b.fill("input[name=shop]", "Cửa hàng đặc sản phố Hàng Đường")
    b.upload("input[name=photo]", photo)
    b.js("document.querySelector('section.report').scrollIntoView()")
    shot(b, "phone-report.png")
    b.click("section.report button")
    b.wait_path("/V/")
    check("Cảm ơn bạn" in b.text(), "the shopper is thanked")
    b.call("Emulation.clearDeviceMetricsOverride")


def clerk(b, base, db):
    login(b, base, "hn")
    b.go(base + "/console/queue", "/console/queue")
    check("Báo cáo của người mua" in b.text() and "HN-0001 L1 #11" in
          b.text(), "the report is in the clerk's queue")
    shot(b, "console-queue.png")
    con = sqlite3.connect(db)
    qid = con.execute("SELECT id FROM queue_items WHERE source='report' AND "
                      "serial=11").fetchone()[0]
    con.close()
    b.click("a[href='/console/queue/%d']" % qid)
    b.wait_path("/console/queue/%d" % qid)
    check("Cửa hàng đặc sản phố Hàng Đường" in b.text(),
          "the item shows where it was bought")
    shot(b, "console-queue-item.png")
    b.click("form[action$='/confirm'] button")
    b.wait_path("/console/queue/%d" % qid)
    check("Đã xác nhận" in b.text(), "the clerk confirms the report")
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM clones WHERE product='HN-0001' "
                    "AND lot='L1' AND serial=11").fetchone()[0]
    con.close()
    check(n == 1, "the registry holds the label as cloned")
    b.click("header form button")
    b.wait_path("/console/login")


def producer(b, base, world):
    login(b, base, "pa")
    b.go(base + "/console/mine", "/console/mine")
    check("HN-0001" in b.text(), "the producer sees its products")
    shot(b, "console-mine.png")
    down = os.path.join(T, "downloads")
    os.makedirs(down, exist_ok=True)
    b.call("Browser.setDownloadBehavior", behavior="allow",
           downloadPath=down)
    b.js("document.querySelector(\"a[href='/console/mine/bundle']\")"
         ".click()")
    tar = None
    for _ in range(300):
        done = [f for f in os.listdir(down) if f.endswith(".tar")]
        if done:
            tar = os.path.join(down, done[0])
            break
        time.sleep(0.2)
    check(tar is not None, "the bundle is downloaded")
    if not tar:
        return
    with tarfile.open(tar) as tf:
        tf.extractall(os.path.join(T, "unpacked"), filter="data")
    out = os.path.join(T, "labels.pdf")
    r = subprocess.run((HOST, "print", "--mirror",
                        os.path.join(T, "unpacked", "ocop-bundle",
                                     "mirror.db"),
                        "--key", os.path.join(world, "producers",
                                              "HN-P0001.sec"),
                        "--product", "HN-0001", "--lot", "L7", "--serials",
                        "1-12", "--format", "pdf", "--out", out),
                       capture_output=True, text=True)
    check(r.returncode == 0 and open(out, "rb").read(4) == b"%PDF",
          "the producer prints from the bundle: %s" % r.stderr.strip())
    b.click("header form button")
    b.wait_path("/console/login")


def central(b, base):
    login(b, base, "tw")
    b.go(base + "/console/badges", "/console/badges")
    b.fill("input[name=inspector]", "HN-INS-1")
    b.fill("input[name=name]", "Nguyễn Văn An")
    b.fill("input[name=province]", "Hà Nội")
    b.fill("input[name=valid_until]", "2099-12-31")
    b.click("form[action='/console/badges/issue'] button")
    b.wait_path("/console/badges")
    check("HN-INS-1" in b.text(), "a central user issues a badge")
    shot(b, "console-badges.png")


def kiosk_batch(port, n, mirror):
    """A batch from setup_world's kiosk n with its mirror line, signed
    with that kiosk's key by upload_driver (skipped without it)."""
    drv = os.path.join(os.environ.get("OCOP_BUILD_DIR", ""), "tests",
                       "upload_driver")
    if not os.path.exists(drv):
        return
    dev = os.path.join(T, "dev%d" % n)
    os.makedirs(dev, exist_ok=True)
    for e, name in (("sec", "device.key"), ("pub", "device.pub")):
        shutil.copy(os.path.join(T, "k%d.%s" % (n, e)),
                    os.path.join(dev, name))
    with open(os.path.join(T, "k%d.pub" % n)) as f:
        kid = re.search(r"[0-9A-F]{16}", f.readline()).group(0)
    now = int(time.time())
    src, out = os.path.join(T, "b%d.txt" % n), os.path.join(T, "b%d.sig" % n)
    with open(src, "w") as f:
        f.write("OCOP-SCANS/1\nkiosk %s\nbatch %032x\ncreated %d\n"
                "mirror %s\ncount 1\nscan %d %d genuine HN-0001 _ L1 %d %s "
                "0\n" % (kid, 77 + n, now, mirror, 500 + n, now - 30, n,
                         "cd" * 16))
    subprocess.run((drv, "sign", dev, src, out), check=True)
    req = urllib.request.Request("http://127.0.0.1:%d/v1/scans" % port,
                                 data=open(out, "rb").read(), method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        check(r.status == 200, "kiosk %d uploads a batch" % n)


def fleet(b, base, port):
    """A central user enrols a kiosk from the fleet page (issue 14 item
    3); two kiosks have reported their mirror, one of them stale."""
    kiosk_batch(port, 0, "1 3600")
    kiosk_batch(port, 1, "1 800000")
    sec, pub = os.path.join(T, "fk.sec"), os.path.join(T, "fk.pub")
    subprocess.run((HOST, "keygen", "--secret", sec, "--public", pub),
                   check=True, capture_output=True)
    b.go(base + "/console/kiosks", "/console/kiosks")
    b.upload("input[name=public_key]", pub)
    b.fill("input[name=province]", "Hà Nội")
    b.fill("input[name=shop]", "Siêu thị Hà Nội Mart")
    b.click("form[action='/console/kiosks/enroll'] button")
    b.wait_path("/console/kiosks")
    check("Siêu thị Hà Nội Mart" in b.text(),
          "a central user enrols a kiosk from the fleet page")
    shot(b, "console-kiosks.png")


def main():
    if not shutil.which("chromium"):
        print("chromium not installed: skipped")
        sys.exit(77)
    world, db, col = setup_world()
    photo = os.path.join(T, "photo.png")
    with open(photo, "wb") as f:
        f.write(PNG)
    p, ports = serve("--world", world, "--listen", "127.0.0.1:0",
                     "--console", "127.0.0.1:0", "--today", "2026-06-15",
                     "--authority-key", os.path.join(world, "authority.sec"))
    b = Browser()
    try:
        pub = "http://127.0.0.1:%d" % ports["listening"]
        base = "http://127.0.0.1:%d" % ports["console"]
        shopper(b, pub, photo)
        clerk(b, base, db)
        producer(b, base, world)
        central(b, base)
        fleet(b, base, ports["listening"])
    finally:
        b.close()
        p.terminate()
        p.communicate(timeout=30)


if __name__ == "__main__":
    console_lib.USERS.clear()
    try:
        main()
    except SystemExit:
        raise
    except Exception:
        traceback.print_exc()
        fail("the test stopped early")
    finish()

"""console_screens.py DRIVER OCOP_HOST [OUT_DIR]: the console as a clerk
sees it. The demo world's registry (1,129 products) gets accounts, a
producer's pending key request and a few console changes; headless
Chromium (Debian's chromium) screenshots the pages at 1366x768, each of
which must be a real page (not blank, not an error). With OUT_DIR the
screenshots are kept there as console-*.png (docs/screens/ is made this
way). Chromium cannot send the session cookie from its command line, so
a small proxy on loopback adds it to each request; the console sees an
ordinary signed-in browser. Skipped (77) without chromium."""
import http.client
import http.server
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (HOST, T, Client, add_users, check, fail,  # noqa
                         finish, key_id_of, run, start)
import png_read  # noqa: E402

OUT = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else \
    os.path.join(T, "screens")


def proxy(console_port, cookie):
    """A loopback HTTP proxy to the console that adds cookie."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            c = http.client.HTTPConnection("127.0.0.1", console_port,
                                           timeout=30)
            h = {"Cookie": cookie} if cookie else {}
            c.request("GET", self.path, headers=h)
            r = c.getresponse()
            body = r.read()
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in ("transfer-encoding", "connection",
                                     "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            c.close()

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def shoot(name, port, path):
    png = os.path.join(OUT, "console-%s.png" % name)
    if os.path.exists(png):
        os.unlink(png)
    profile = tempfile.mkdtemp(dir=T, prefix="chromium.")
    p = subprocess.run(
        ["timeout", "120", "chromium", "--headless", "--no-sandbox",
         "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
         "--window-size=1366,768", "--screenshot=" + png,
         "http://127.0.0.1:%d%s" % (port, path)],
        capture_output=True, text=True)
    if p.returncode or not os.path.exists(png):
        fail("chromium failed for %s: %s" % (name, p.stderr[-300:]))
        return
    w, h, bpp, rows = png_read.read(png)
    colours = set()
    for y in range(0, h, 3):
        r = rows[y]
        for x in range(0, w, 3):
            colours.add(bytes(r[x * bpp:x * bpp + 3]))
    # The header band is the console's blue: the style sheet loaded.
    band = tuple(rows[10][20 * bpp:20 * bpp + 3])
    check(w == 1366 and h == 768 and len(colours) >= 30 and
          band == (23, 69, 122),
          "%s: %dx%d, %d colours, header %s" % (name, w, h, len(colours),
                                                 band))


def main():
    if not shutil.which("chromium"):
        print("chromium not installed: skipped")
        sys.exit(77)
    os.makedirs(OUT, exist_ok=True)
    world = os.path.join(T, "w")
    run(HOST, "demo", world, "--date", "2026-06-15")
    run(HOST, "demo-scans", "--world", world, "--date", "2026-06-15")
    db = os.path.join(world, "registry.db")
    con = sqlite3.connect(db)
    code, pv, producer = con.execute(
        "SELECT code,province,producer FROM products WHERE name LIKE "
        "'Chè%' AND stars<5 ORDER BY code LIMIT 1").fetchone()
    con.close()
    import console_lib
    console_lib.USERS.clear()
    console_lib.USERS.update({
        "trung.uong": ("central", "", ""),
        "so.nn": ("province", pv, ""),
        "htx": ("producer", "", producer),
    })
    add_users(db)
    port = start(db, "--feed", os.path.join(world, "feed"), "--status",
                 os.path.join(world, "publish-status"), "--mirror",
                 os.path.join(world, "mirror.db"), "--key",
                 os.path.join(world, "authority.sec"), "--collector",
                 os.path.join(world, "collector.db"))
    cen, clerk, prod = Client(port), Client(port), Client(port)
    for cl, n in ((cen, "trung.uong"), (clerk, "so.nn"), (prod, "htx")):
        check(cl.login(n)[0] == 303, "login " + n)
    run(HOST, "keygen", "--secret", os.path.join(T, "k.sec"), "--public",
        os.path.join(T, "k.pub"))
    with open(os.path.join(T, "k.pub"), "rb") as f:
        st, _, _ = prod.post("/console/keys/request", {},
                             files={"public_key": ("k.pub", f.read())})
    check(st == 303, "the producer's key request")
    st, _, _ = clerk.post("/console/product/%s/status" % code,
                          {"status": "suspended",
                           "reason": "Đang kiểm tra lại chất lượng lô 2026"})
    check(st == 303, "the clerk suspends %s" % code)
    kid = key_id_of(os.path.join(T, "k.pub"))

    p_cen = proxy(port, cen.cookie)
    p_clerk = proxy(port, clerk.cookie)
    pc, pk = p_cen.server_address[1], p_clerk.server_address[1]
    shoot("login", port, "/console/login")
    shoot("dashboard", pk, "/console/")
    shoot("dashboard-central", pc, "/console/")
    shoot("products", pc, "/console/products?q=che")
    shoot("products-en", pc, "/console/products?q=che&stars=4&lang=en")
    shoot("product", pk, "/console/product/%s?lang=vi" % code)
    shoot("edit", pk, "/console/product/%s/edit" % code)
    shoot("keys", pk, "/console/keys?producer=%s" % producer)
    shoot("users", pc, "/console/users")
    shoot("audit", pc, "/console/audit")
    shoot("reports", pc, "/console/reports/verdicts?from=2026-05-17&"
          "to=2026-06-15&by=province")
    check(kid is not None, "pending key %s shown to the clerk" % kid)
    p_cen.shutdown()
    p_clerk.shutdown()


try:
    main()
except SystemExit:
    raise
except Exception:
    traceback.print_exc()
    fail("the test stopped early")
finish()

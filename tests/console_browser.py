"""console_browser.py DRIVER OCOP_HOST: the console driven by a real
browser. Headless Chromium (Debian's chromium) is steered over the
DevTools protocol (a WebSocket client in the standard library below):
a province clerk signs in, searches without diacritics, opens a product,
edits its name, imports a CSV (a bad row: the preview names its error and
line and offers no apply; the file fixed: the preview lists the rows and
apply writes them); a producer signs in and uploads a new public key file;
the clerk approves it. Every step goes through the pages' own forms and
links, and the registry must hold the results with the audit naming
console:NAME. Skipped (77) without chromium. `python3 tests/console_browser.py DRIVER
OCOP_HOST docs/screens` remakes docs/screens/console-import.png."""
import base64
import json
import os
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_lib  # noqa: E402
from console_lib import (HOST, T, add_users, check, fail, feed_opts,  # noqa
                         finish, key_id_of, run, start)

SHOTS = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames,
    masked from the client, unmasked and maybe fragmented from Chromium."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.s = socket.create_connection((u.hostname, u.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: "
                        "websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: "
                        "13\r\n\r\n" % (u.path, u.hostname, u.port, key))
                       .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.s.recv(1)
            if not chunk:
                raise RuntimeError("DevTools closed the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("DevTools refused: %r" % head[:200])

    def _exact(self, n):
        b = b""
        while len(b) < n:
            chunk = self.s.recv(n - len(b))
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            b += chunk
        return b

    def send(self, text):
        data = text.encode()
        n = len(data)
        h = bytearray([0x81])
        if n < 126:
            h.append(0x80 | n)
        elif n < 65536:
            h.append(0x80 | 126)
            h += struct.pack(">H", n)
        else:
            h.append(0x80 | 127)
            h += struct.pack(">Q", n)
        mask = os.urandom(4)
        h += mask
        self.s.sendall(bytes(h) + bytes(b ^ mask[i % 4]
                                        for i, b in enumerate(data)))

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            if b0 & 0x0F == 8:
                raise RuntimeError("DevTools closed the WebSocket")
            msg += payload
            if b0 & 0x80:
                return msg.decode()


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(dir=T, prefix="chromium.")
        self.p = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", "--window-size=1366,768",
             "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(600):
            if os.path.exists(port_file) and os.path.getsize(port_file):
                break
            time.sleep(0.1)
        with open(port_file) as f:
            port = int(f.readline())
        pages = json.load(urllib.request.urlopen(
            "http://127.0.0.1:%d/json/list" % port, timeout=30))
        url = [p for p in pages if p["type"] == "page"][0][
            "webSocketDebuggerUrl"]
        self.ws = WebSocket(url)
        self.next_id = 0
        self.call("Page.enable")
        self.call("DOM.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method,
                                 "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr,
                      returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError("page script failed: %s: %s" %
                               (expr, r["exceptionDetails"]))
        return r.get("result", {}).get("value")

    def wait_path(self, path_prefix, timeout=60):
        """Until a new page (not the one marked by mark()) whose path and
        query start with path_prefix has loaded."""
        t0 = time.time()
        st = None
        while time.time() - t0 < timeout:
            try:
                st = self.js("(window.__old ? 'old ' : '') + "
                             "document.readyState + ' ' + location.pathname"
                             " + location.search")
            except RuntimeError:
                st = None
            if st and st.startswith("complete ") and \
                    st[9:].startswith(path_prefix):
                return st[9:]
            time.sleep(0.2)
        raise RuntimeError("page %s did not load (at %s)" %
                           (path_prefix, st))

    def mark(self):
        """Mark the current page, so wait_path waits for the next one."""
        self.js("window.__old = true")

    def go(self, url, path):
        self.mark()
        self.call("Page.navigate", url=url)
        return self.wait_path(path)

    def text(self):
        return self.js("document.body ? document.body.innerText : ''")

    def click(self, selector):
        self.mark()
        self.js("document.querySelector(%s).click()" % json.dumps(selector))

    def fill(self, selector, value):
        self.js("document.querySelector(%s).value = %s" %
                (json.dumps(selector), json.dumps(value)))

    def upload(self, selector, path):
        doc = self.call("DOM.getDocument")
        node = self.call("DOM.querySelector", nodeId=doc["root"]["nodeId"],
                         selector=selector)
        self.call("DOM.setFileInputFiles", files=[path],
                  nodeId=node["nodeId"])

    def close(self):
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()


def login(b, base, name):
    b.go(base + "/console/login", "/console/login")
    b.fill("input[name=user]", name)
    b.fill("input[name=password]", console_lib.password(name))
    b.click("form.login button")
    b.wait_path("/console/products")


def logout(b):
    b.click("header form button")
    b.wait_path("/console/login")


def shot(b, name):
    """A screenshot into the test's folder, and into SHOTS when given."""
    data = base64.b64decode(b.call("Page.captureScreenshot",
                                   format="png")["data"])
    for d in (T, SHOTS):
        if d:
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


CSV_HEAD = "code,name,group,stars,province,producer,certificate,certified\n"


def csv_import(b, base, db):
    """Issue 13: the clerk imports a spreadsheet through the import page:
    a bad row is named with its line and nothing can be applied; the
    fixed file previews its rows and applies them in one go."""
    rows = ["HG201,Trà hoa vàng,beverages,4,Hà Giang,HTX-A,HG-201,2026-01-05",
            "HG202,Mận hậu Bắc Hà,food,9,Hà Giang,HTX-A,HG-202,2026-01-05"]
    bad, good = os.path.join(T, "bad.csv"), os.path.join(T, "good.csv")
    with open(bad, "w") as f:
        f.write(CSV_HEAD + "\n".join(rows) + "\n")
    with open(good, "w") as f:
        f.write(CSV_HEAD + rows[0] + "\n" + rows[1].replace(",9,", ",3,") +
                "\n")
    b.click("a[href='/console/import']")
    b.wait_path("/console/import")
    b.upload("input[name=csv]", bad)
    b.click("form[action='/console/import'] button")
    b.wait_path("/console/import")
    text = b.text()
    check("Dòng 3: " in text and "HG201" in text,
          "a bad row: the preview names its error's line (3)")
    check(not b.js("!!document.querySelector("
                   "\"form[action='/console/import/apply']\")"),
          "  and offers no apply")
    shot(b, "console-import.png")
    b.go(base + "/console/import", "/console/import")
    b.upload("input[name=csv]", good)
    b.click("form[action='/console/import'] button")
    b.wait_path("/console/import")
    text = b.text()
    check("HG201" in text and "HG202" in text and "Mận hậu Bắc Hà" in text,
          "the fixed file: the preview lists both rows")
    b.click("form[action='/console/import/apply'] button")
    b.wait_path("/console/products")
    con = sqlite3.connect(db)
    got = con.execute("SELECT code, stars FROM products WHERE code LIKE "
                      "'HG20_' ORDER BY code").fetchall()
    con.close()
    check(got == [("HG201", 4), ("HG202", 3)],
          "apply wrote both rows: %s" % got)


def clerks_day(b, base):
    """Issue 14: a clerk opens the dashboard (her province first), and a
    central user sees the feed's alarm, publishes now and sees the new
    version with the alarm gone."""
    b.click("a[href='/console/']")
    b.wait_path("/console/")
    text = b.text()
    check("Tổng quan" in text and "Sản phẩm và chủ thể OCOP" in text,
          "the clerk opens the dashboard")
    check(text.find("Hà Giang") < text.find("Hà Nội"),
          "her province comes first")
    check("Phát hành ngay" not in text, "a clerk has no Publish now")
    logout(b)
    login(b, base, "tw")
    b.click("a[href='/console/']")
    b.wait_path("/console/")
    check("Cảnh báo" in b.text(), "no feed yet: the dashboard's alarm")
    b.click("#publish-now")
    b.wait_path("/console/?published=")
    text = b.text()
    check("Đã phát hành phiên bản" in text and "Cảnh báo" not in text,
          "Publish now: the new version, and the alarm is gone")
    shot = b.call("Page.captureScreenshot", format="png")
    with open(os.path.join(T, "published.png"), "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def main():
    if not shutil.which("chromium"):
        print("chromium not installed: skipped")
        sys.exit(77)
    db = os.path.join(T, "r.db")
    console_lib.make_registry(db)
    console_lib.USERS.clear()
    console_lib.USERS.update({"so.hg": ("province", "Hà Giang", ""),
                              "htx.a": ("producer", "", "HTX-A"),
                              "tw": ("central", "", "")})
    add_users(db)
    port = start(db, *feed_opts(db))
    base = "http://127.0.0.1:%d" % port
    b = Browser()
    try:
        login(b, base, "so.hg")
        check("so.hg" in b.text(), "the clerk is signed in")
        b.fill("input[name=q]", "che shan tuyet")
        b.click("form.filters button")
        b.wait_path("/console/products?")
        check("HG001" in b.text() and "HN001" not in b.text(),
              "a search without diacritics finds Chè Shan Tuyết")
        b.click("a[href='/console/product/HG001']")
        b.wait_path("/console/product/HG001")
        b.click("a.button[href$='/edit']")
        b.wait_path("/console/product/HG001/edit")
        b.fill("input[name=name]", "Chè Shan Tuyết cổ thụ Tây Côn Lĩnh")
        b.click("form.edit button")
        b.wait_path("/console/product/HG001")
        check("Tây Côn Lĩnh" in b.text(), "the edit is saved and shown")
        csv_import(b, base, db)
        logout(b)

        login(b, base, "htx.a")
        b.go(base + "/console/keys", "/console/keys")
        b.upload("input[name=public_key]", os.path.join(T, "new1.pub"))
        b.click("form.edit button")
        b.wait_path("/console/keys")
        kid = key_id_of(os.path.join(T, "new1.pub"))
        check(kid in b.text(), "the producer's key request is listed")
        logout(b)

        login(b, base, "so.hg")
        b.go(base + "/console/keys", "/console/keys")
        b.click("form[action$='/approve'] button")
        b.wait_path("/console/keys")
        shot = b.call("Page.captureScreenshot", format="png")
        with open(os.path.join(T, "approved.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        clerks_day(b, base)
    finally:
        b.close()

    con = sqlite3.connect(db)
    name = con.execute("SELECT name FROM products WHERE code='HG001'") \
        .fetchone()[0]
    check(name == "Chè Shan Tuyết cổ thụ Tây Côn Lĩnh",
          "the registry holds the new name")
    row = con.execute("SELECT producer FROM keys WHERE key_id=?",
                      (kid,)).fetchone()
    check(row == ("HTX-A",), "the approved key is enrolled for HTX-A")
    who = con.execute(
        "SELECT group_concat(DISTINCT w.who) FROM audit a JOIN "
        "audit_who w ON w.audit_id=a.id WHERE (a.entity='product' "
        "AND a.ref='HG001') OR (a.entity='key' AND a.ref=?)",
        (kid,)).fetchone()[0]
    # The rows the test's setup made by command name "cli:" and the login.
    names = set((who or "").split(","))
    check({n for n in names if not n.startswith("cli:")} ==
          {"console:so.hg", "console:htx.a"},
          "the audit names the clerk and the producer: %s" % who)
    con.close()


if __name__ == "__main__":  # tests/console_browser_work.py imports Browser
    try:
        main()
    except SystemExit:
        raise
    except Exception:
        traceback.print_exc()
        fail("the test stopped early")
    finish()

"""console_e2e.py DRIVER OCOP_HOST: the authority console end to end.

A registry with products of two provinces (one holding <script>, quotes
and Vietnamese text), six accounts (central, two province clerks, a
producer, an inspector, a viewer) and the console started by
tests/console_driver.c on a free loopback port. Then, over HTTP:
every route x role x own/other province answers what docs/console.md
says, and every refused change leaves the registry (rows and audit)
exactly as it was; CSRF (missing, wrong, another session's); session
idle timeout, lifetime and logout; cookie flags with and without TLS;
login throttling per name and per address; escaping; the edit conflict;
search without diacritics; the language switch."""
import html
import os
import pwd
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import traceback
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (DRIVER, HOST, NASTY, T, USERS, Client,  # noqa
                         add_users, check, dump, fail, feed_opts, finish,
                         key_id_of,
                         make_registry, pending_id, run, start,
                         version_of, who_of_last)
from console_moves import moves, own_password, own_password_throttled  # noqa


def raw_status(port, req):
    """Send req (bytes) on a fresh socket; the status code answered."""
    sk = socket.create_connection(("127.0.0.1", port), timeout=30)
    sk.sendall(req)
    head = b""
    while b"\r\n" not in head:
        chunk = sk.recv(4096)
        if not chunk:
            break
        head += chunk
    sk.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(m.group(1)) if m else 0


def hardened_front(port, c, db):
    """The console's daemon is as hard as the public one (host/httpd/):
    a %00 is never decoded into a shorter path, query value or form
    field, and a request with two Content-Length headers is refused."""
    ck = c["hg"].cookie
    for path in ("/console/product/HG001%00", "/console/product/HG001%00x",
                 "/console/products%00"):
        st = raw_status(port, ("GET %s HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
                               "\r\n" % (path, ck)).encode())
        check(st == 404, "GET %s: %d (want 404, never the shorter path)" %
              (path, st))
    st = raw_status(port, ("GET /console/products?q=HG001%%00zz HTTP/1.1\r\n"
                           "Host: x\r\nCookie: %s\r\n\r\n" % ck).encode())
    check(st == 400, "a %%00 in a query value: %d (want 400)" % st)

    def post_raw(body, ctype="application/x-www-form-urlencoded",
                 extra=""):
        return raw_status(port, (
            "POST /console/product/HG001/status HTTP/1.1\r\nHost: x\r\n"
            "Cookie: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
            % (ck, ctype, len(body), extra)).encode() + body)

    tok = c["hg"].csrf
    for what, body in (
            ("a field value", "status=suspended&reason=ok%%00evil&"
             "csrf_token=%s" % tok),
            ("a field name", "status=suspended&reason%%00x=y&csrf_token=%s"
             % tok),
            ("the CSRF token", "status=suspended&csrf_token=%s%%00junk" %
             tok)):
        b = dump(db)
        st = post_raw(body.encode())
        check(st == 400 and dump(db) == b,
              "a %%00 in %s of a form: %d (want 400), nothing changed" %
              (what, st))
    bnd = "----ocopnul"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n"
            "suspended\r\n--%s\r\nContent-Disposition: form-data; name="
            "\"reason\"\r\n\r\nok\0evil\r\n--%s\r\nContent-Disposition: "
            "form-data; name=\"csrf_token\"\r\n\r\n%s\r\n--%s--\r\n" %
            (bnd, bnd, bnd, tok, bnd)).encode()
    b = dump(db)
    st = post_raw(body, "multipart/form-data; boundary=" + bnd)
    check(st == 400 and dump(db) == b,
          "a NUL byte in a multipart text field: %d (want 400)" % st)
    body = ("status=suspended&reason=smuggled&csrf_token=%s" % tok).encode()
    b = dump(db)
    st = post_raw(body, extra="Content-Length: 5\r\n")
    check(st == 400 and dump(db) == b,
          "two Content-Length headers that disagree: %d (want 400), "
          "nothing changed" % st)


def figures_row(page, province):
    """The dashboard's figures for province: 5 product and 5 producer
    counts (all, 3, 4, 5, proposed 5 stars), and whether it is marked as
    the reader's own."""
    m = re.search(r'<tr( class="mine")?><th>%s</th>((?:<td class="num">\d+'
                  r'</td>){10})</tr>' % re.escape(province), page)
    if not m:
        return None, False
    return [int(x) for x in re.findall(r"\d+", m.group(2))], bool(m.group(1))


def dashboard(c, db):
    """GET /console/ (issue 14 item 1) and POST /console/publish (item
    2): the figures per province by stars, the clerk's province first,
    certificates ending within 90 days and past their end, statuses
    changed this month, the feed's state and its alarm; publish now is
    central's, and a refused one publishes nothing."""
    today = time.strftime("%Y-%m-%d", time.gmtime())
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))
    run(HOST, "product", "add", "--db", db, "--code", "HG090", "--name",
        "Trà hoa vàng sắp hết hạn", "--group", "beverages", "--stars", "3",
        "--province", "Hà Giang", "--producer", "HTX-A", "--certificate",
        "HG-90", "--certified", "2024-01-01", "--expires", soon)
    run(HOST, "product", "add", "--db", db, "--code", "HN091", "--name",
        "Rượu đã quá hạn", "--group", "beverages", "--stars", "3",
        "--province", "Hà Nội", "--producer", "DN-B", "--certificate",
        "HN-91", "--certified", "2022-01-01", "--expires", "2025-01-01")
    run(HOST, "product", "set-status", "--db", db, "--code", "HG090",
        "--status", "suspended", "--reason", "Kiểm tra <lô 9>", "--date",
        today)
    run(HOST, "product", "set-status", "--db", db, "--code", "HG090",
        "--status", "rated", "--date", today)
    run(HOST, "product", "add", "--db", db, "--code", "HN092", "--name",
        "Bánh bị thu hồi", "--group", "beverages", "--stars", "4",
        "--province", "Hà Nội", "--producer", "DN-B", "--certificate",
        "HN-92", "--certified", "2025-01-01")
    run(HOST, "product", "set-status", "--db", db, "--code", "HN092",
        "--status", "revoked", "--reason", "Nhãn <giả>", "--date", today)

    st, _, page = c["hg"].get("/console/")
    # Hà Giang is part of Tuyên Quang since 1 July 2025 (labels/provinces.c).
    hg, mine = figures_row(page, "Tuyên Quang")
    check(hg == [4, 2, 1, 1, 0, 1, 1, 1, 1, 0] and mine,
          "dashboard: Tuyên Quang 4 products (3: 2, 4: 1, 5: 1), 1 producer, "
          "marked as the clerk's own: %s" % hg)
    first = re.search(r'<tbody><tr( class="mine")?><th>([^<]*)</th>', page)
    check(first and first.group(2) == "Tuyên Quang",
          "a Tuyên Quang clerk sees Tuyên Quang first")
    st, _, page = c["hn"].get("/console/")
    first = re.search(r'<tbody><tr( class="mine")?><th>([^<]*)</th>', page)
    check(first and first.group(2) == "Hà Nội",
          "a Hà Nội clerk sees Hà Nội first")
    st, _, page = c["cen"].get("/console/")
    hn, mine = figures_row(page, "Hà Nội")
    check(hn == [3, 2, 1, 0, 0, 1, 1, 1, 0, 0] and not mine,
          "Hà Nội: 3 products, 1 producer: %s" % hn)
    tot, _ = figures_row(page, "Toàn quốc")
    check(tot == [7, 4, 2, 1, 0, 2, 2, 2, 1, 0],
          "nationwide: 7 products, 2 producers: %s" % tot)
    check(">Sản phẩm và chủ thể OCOP theo tỉnh, theo hạng sao<" in page,
          "the figures' title in Vietnamese")
    counts = dict(re.findall(r'id="count-(\d)">(\d+)<', page))
    check(counts == {"0": "1", "1": "1", "2": "1"},
          "1 ending within 90 days, 1 past its end, 1 revoked this month: "
          "%s" % counts)
    check("HG090" in page and "HN091" in page and "HN092" in page and
          "Nhãn &lt;giả&gt;" in page, "the three lists name them, escaped")
    check('id="alarm-expiry"' in page, "no feed yet: the alarm is shown")
    check('id="publish-now"' in page, "central sees Publish now")
    st, _, page = c["hg"].get("/console/")
    check('id="publish-now"' not in page, "a clerk does not")
    st, _, page = c["ihg"].get("/console/")
    check("Hà Nội" not in page and figures_row(page, "Tuyên Quang")[0],
          "an inspector sees its own province only")

    manifest = os.path.join(os.path.splitext(db)[0] + ".feed", "manifest")
    for n in ("hg", "hn", "pa", "ihg", "vw"):
        b = dump(db)
        st, _, _ = c[n].post("/console/publish", {})
        check(st == 403 and dump(db) == b and not os.path.exists(manifest),
              "POST /console/publish as %s: %d (want 403), nothing "
              "published" % (n, st))
    b = dump(db)
    st, _, _ = c["cen"].post("/console/publish", {}, token="0" * 64)
    check(st == 403 and not os.path.exists(manifest),
          "publish with a wrong CSRF token: 403, nothing published")
    st, r, _ = c["cen"].post("/console/publish", {})
    loc = r.getheader("Location") or ""
    check(st == 303 and loc.startswith("/console/?published=") and
          os.path.exists(manifest),
          "POST /console/publish as cen: 303 %s, a manifest" % loc)
    with open(manifest) as f:
        ver = re.search(r"^version=(\d+)$", f.read(), re.M).group(1)
    check(loc.endswith("=" + ver), "the new version %s is announced" % ver)
    st, _, page = c["cen"].get(loc)
    check('id="alarm-expiry"' not in page and ">%s<" % ver in page,
          "after publishing: no alarm, version %s shown" % ver)
    with open(os.path.splitext(db)[0] + ".publish-status") as f:
        status = f.read()
    check("ok=1\n" in status and "scheduled=0\n" in status and
          "version=%s\n" % ver in status,
          "publish now is recorded in the publish status")
    check(who_of_last(db, "feed", "publish") == "console:cen",
          "the audit names who published")


CSV_HEAD = "code,name,group,stars,province,producer,certificate,certified\n"


def csv_rows(*rows):
    return (CSV_HEAD + "".join(",".join(r) + "\n" for r in rows)).encode()


def csv_import(c, db, attempt):
    """Issue 13: CSV import in the console: a preview with every error and
    its line, then apply all or nothing, within the account's scope."""
    def row(code, name, stars, province, producer):
        return (code, name, "food", stars, province, producer, code + "-C",
                "2026-01-05")
    good = csv_rows(row("HG101", "Trà hoa vàng", "4", "Hà Giang", "HTX-A"),
                    row("HG102", "Miến dong <Bình Liêu>", "3", "Hà Giang",
                        "HTX-A"))
    bad = csv_rows(row("HG103", "Măng khô", "4", "Hà Giang", "HTX-A"),
                   row("HG104", "Mận hậu", "9", "Hà Giang", "HTX-A"))
    files = {"csv": ("p.csv", bad)}
    b = dump(db)
    st, _, page = c["cen"].post("/console/import", {}, files=files)
    check(st == 200 and re.search(r"(Dòng|Line) 3: ", page) and
          "/console/import/apply" not in page,
          "a CSV with a bad row: the preview names line 3, no apply form")
    check(dump(db) == b, "  the preview changed nothing")
    b = dump(db)
    st, _, page = c["cen"].post("/console/import", {},
                                files={"csv": ("p.csv", good)})
    m = re.search(r'name="csv" value="([^"]*)"', page)
    check(st == 200 and "HG101" in page and
          "Miến dong &lt;Bình Liêu&gt;" in page and m,
          "a good CSV: the preview lists its rows and an apply form")
    check(dump(db) == b, "  the preview changed nothing")
    sent = html.unescape(m.group(1)) if m else ""
    check(sent.encode() == good, "  the apply form carries the file intact")
    for n in ("pa", "ihg", "vw"):
        attempt(n, "/console/import", {}, 403, files={"csv": ("p.csv", good)})
        attempt(n, "/console/import/apply", {"csv": sent, "update": "0"}, 403)
    for label, tok in (("missing", False), ("wrong", "0" * 64)):
        b = dump(db)
        st, _, _ = c["cen"].post("/console/import/apply",
                                 {"csv": sent, "update": "0"}, token=tok)
        check(st == 403 and dump(db) == b,
              "import apply, CSRF token %s: 403, nothing changed" % label)
    other = csv_rows(row("HG105", "Gạo nếp", "3", "Hà Giang", "HTX-A"),
                     row("HN105", "Cốm làng", "3", "Hà Nội", "DN-B"))
    attempt("hg", "/console/import", {}, 403,
            files={"csv": ("p.csv", other)},
            what="(a row of another province)")
    attempt("hg", "/console/import/apply",
            {"csv": other.decode(), "update": "0"}, 403,
            what="(apply, a row of another province)")
    attempt("hg", "/console/import/apply",
            {"csv": csv_rows(row("HG106", "Mật ong", "5", "Hà Giang",
                                 "HTX-A")).decode(), "update": "0"}, 403,
            what="(a 5-star row: central only)")
    attempt("cen", "/console/import/apply", {"csv": sent, "update": "0"},
            303)
    con = sqlite3.connect(db)
    names = con.execute("SELECT code, name FROM products WHERE code IN "
                        "('HG101','HG102') ORDER BY code").fetchall()
    con.close()
    check(names == [("HG101", "Trà hoa vàng"),
                    ("HG102", "Miến dong <Bình Liêu>")],
          "the applied import added both products")
    check(who_of_last(db, "product", "HG101") == "console:cen" and
          who_of_last(db, "product", "HG102") == "console:cen",
          "the import's audit rows name console:cen")
    attempt("cen", "/console/import/apply", {"csv": sent, "update": "0"},
            409, what="(the same rows again: all refused)")
    # Update mode: a clerk changes its own province's product.
    upd = ("code,name\nHG101,Trà hoa vàng Quản Bạ\n").encode()
    st, _, page = c["hg"].post("/console/import", {"update": "1"},
                               files={"csv": ("u.csv", upd)})
    check(st == 200 and "Trà hoa vàng Quản Bạ" in page and
          "<td>name</td>" in page and "/console/import/apply" in page,
          "an update preview lists the change")
    attempt("hn", "/console/import/apply",
            {"csv": upd.decode(), "update": "1"}, 403,
            what="(an update of another province's product)")
    attempt("hg", "/console/import/apply",
            {"csv": upd.decode(), "update": "1"}, 303)
    check(who_of_last(db, "product", "HG101") == "console:hg",
          "the update's audit names console:hg")


def main():
    db = os.path.join(T, "r.db")
    keys = make_registry(db)
    add_users(db)
    # A copy for the throttling and session tests, whose failures and
    # short timeouts must not touch the matrix's sessions.
    db2 = os.path.join(T, "r2.db")
    shutil.copy(db, db2)
    port = start(db, *feed_opts(db))

    c = {n: Client(port) for n in USERS}
    for n, cl in c.items():
        st, r = cl.login(n)
        check(st == 303 and cl.csrf, "login %s: 303 with a session" % n)
    sc = c["cen"].set_cookie
    check("HttpOnly" in sc and "SameSite=Strict" in sc and
          "Path=/console" in sc and "Secure" not in sc,
          "cookie flags without TLS: %s" % re.sub("=[0-9a-f]{64}", "=…", sc))
    st, r, page = c["cen"].get("/console/products")
    check(r.getheader("Content-Security-Policy") ==
          "default-src 'none'; style-src 'self'; img-src 'self'; "
          "form-action 'self'; frame-ancestors 'none'", "CSP header")
    check(r.getheader("X-Frame-Options") == "DENY" and
          r.getheader("Cache-Control") == "no-store",
          "X-Frame-Options DENY, Cache-Control no-store")
    check("<script" not in page.replace("&lt;script", ""),
          "no script element on a page")
    st, r, css = c["cen"].get("/console/static/console.css")
    check(st == 200 and r.getheader("Content-Type").startswith("text/css"),
          "the style sheet is served")
    anon = Client(port)
    st, r, _ = anon.get("/console/products")
    check(st == 303 and r.getheader("Location") == "/console/login",
          "no session: GET redirects to the login page")
    st, _, _ = anon.request("POST", "/console/product/HG001/status",
                            {"status": "suspended", "csrf_token": "x" * 64})
    check(st == 403, "no session: POST is 403")

    # ---- Reads: route x role ----
    A = ("cen", "hg", "hn", "pa", "ihg", "vw")
    reads = [
        ("/console/products", dict.fromkeys(A, 200)),
        ("/console/", dict(cen=200, hg=200, hn=200, pa=303, ihg=200,
                           vw=200)),
        ("/console/product/HG001", dict.fromkeys(A, 200)),
        ("/console/product/HN001", dict(cen=200, hg=200, hn=200, pa=403,
                                        ihg=403, vw=200)),
        ("/console/product/HG001/edit", dict(cen=200, hg=200, hn=403,
                                             pa=403, ihg=403, vw=403)),
        ("/console/product/HN001/edit", dict(cen=200, hg=403, hn=200,
                                             pa=403, ihg=403, vw=403)),
        ("/console/producers", dict.fromkeys(A, 200)),
        ("/console/producer/HTX-A", dict.fromkeys(A, 200)),
        ("/console/producer/DN-B", dict(cen=200, hg=200, hn=200, pa=403,
                                        ihg=403, vw=200)),
        ("/console/producer/HTX-A/edit", dict(cen=200, hg=200, hn=403,
                                              pa=403, ihg=403, vw=403)),
        ("/console/product/HG%2F7", dict.fromkeys(A, 200)),
        ("/console/product/NOPE", dict.fromkeys(A, 404)),
        ("/console/keys", dict.fromkeys(A, 200)),
        ("/console/users", dict(cen=200, hg=403, hn=403, pa=403, ihg=403,
                                vw=403)),
        ("/console/audit", dict(cen=200, hg=200, hn=200, pa=403, ihg=403,
                                vw=200)),
        # Issue 14: the queue, a producer's own page, badges.
        ("/console/queue", dict(cen=200, hg=200, hn=200, pa=403, ihg=200,
                                vw=200)),
        ("/console/queue/999", dict.fromkeys(A, 404)),
        ("/console/mine", dict(cen=403, hg=403, hn=403, pa=200, ihg=403,
                               vw=403)),
        ("/console/mine/bundle", dict(cen=403, hg=403, hn=403, pa=409,
                                      ihg=403, vw=403)),  # no published mirror
        ("/console/badges", dict(cen=200, hg=403, hn=403, pa=403, ihg=403,
                                 vw=403)),
        ("/console/badges/NOPE/card.pdf", dict(cen=404, hg=403, hn=403,
                                               pa=403, ihg=403, vw=403)),
        # Issue 14 item 3: the kiosk fleet (this console has no collector:
        # 409; with one, tests/console_fleet.py).
        ("/console/kiosks", dict(cen=409, hg=409, hn=409, pa=403, ihg=409,
                                 vw=409)),
        ("/console/reinspect", dict(cen=200, hg=200, hn=200, pa=403,
                                    ihg=200, vw=200)),
        # Issue 14 item 8: reports, every role but producers (the driver
        # has no collector: a report itself is 409 here; the figures and
        # their province scope are console_reports.py's).
        ("/console/reports", dict(cen=200, hg=200, hn=200, pa=403, ihg=200,
                                  vw=200)),
        ("/console/reports/verdicts", dict(cen=409, hg=409, hn=409, pa=403,
                                           ihg=409, vw=409)),
        ("/console/reports/stats.csv", dict(cen=409, hg=409, hn=409, pa=403,
                                            ihg=409, vw=409)),
        ("/console/reports/all.xlsx", dict(cen=409, hg=409, hn=409, pa=403,
                                           ihg=409, vw=409)),
        ("/console/reports/nope", dict(cen=404, hg=404, hn=404, pa=403,
                                       ihg=404, vw=404)),
        # Issue 13: CSV import, central and province clerks only.
        ("/console/import", dict(cen=200, hg=200, hn=200, pa=403, ihg=403,
                                 vw=403)),
        ("/console/import/apply", dict(cen=405, hg=405, hn=405, pa=403,
                                       ihg=403, vw=403)),
    ]
    before = dump(db)
    for path, want in reads:
        for n in A:
            st, _, _ = c[n].get(path)
            check(st == want[n], "GET %s as %s: %d (want %d)" %
                  (path, n, st, want[n]))
    check(dump(db) == before, "reads changed nothing")

    dashboard(c, db)

    # Lists keep to the scope whatever the query asks.
    st, _, page = c["ihg"].get("/console/products?province=H%C3%A0+N%E1%BB"
                               "%99i")
    check("HN001" not in page, "an inspector's list never shows another "
          "province")
    st, _, page = c["pa"].get("/console/products")
    check("HG001" in page and "HN001" not in page,
          "a producer's list shows its own products only")

    # ---- Changes: route x role; refused ones change nothing ----
    def attempt(n, path, fields, want, files=None, what=None):
        b = dump(db)
        st, _, page = c[n].post(path, fields, files=files)
        good = check(st == want, "POST %s as %s: %d (want %d)%s" %
                     (path, n, st, want, " " + what if what else ""))
        if want == 403:
            check(dump(db) == b, "  refused: registry and audit unchanged")
        return good

    for n in ("hn", "pa", "ihg", "vw"):
        attempt(n, "/console/product/HG001/status",
                {"status": "suspended", "reason": "x"}, 403)
    for n in ("hg", "pa", "ihg", "vw"):
        attempt(n, "/console/product/HN001/status",
                {"status": "suspended", "reason": "x"}, 403)
    attempt("hg", "/console/product/HG001/status",
            {"status": "suspended", "reason": "Kiểm tra lại <lô 3>"}, 303)
    check(who_of_last(db, "product", "HG001") == "console:hg",
          "the audit names console:hg")
    attempt("cen", "/console/product/HG001/status",
            {"status": "rated", "reason": ""}, 303)
    attempt("hn", "/console/product/HN001/status",
            {"status": "suspended", "reason": "Nhãn \"sai\" <b>"}, 303)
    attempt("cen", "/console/product/HN001/status",
            {"status": "rated", "reason": ""}, 303)
    check(who_of_last(db, "product", "HN001") == "console:cen",
          "the audit names console:cen")

    def edit_fields(code, **kw):
        f = {"version": str(version_of(db, code))}
        f.update(kw)
        return f

    for n in ("hn", "pa", "ihg", "vw"):
        attempt(n, "/console/product/HG001/edit",
                edit_fields("HG001", name="Đổi tên"), 403)
    attempt("hg", "/console/product/HG005/edit",
            edit_fields("HG005", name="Đổi tên"), 403,
            what="(a 5-star product: central only)")
    attempt("hg", "/console/product/HG001/edit",
            edit_fields("HG001", stars="5"), 403, what="(rating 5 stars)")
    attempt("hg", "/console/product/HG001/edit",
            edit_fields("HG001", stars="p5"), 403,
            what="(proposing 5 stars)")
    attempt("hg", "/console/product/HG001/edit",
            edit_fields("HG001", name="Chè Shan Tuyết cổ thụ Hà Giang"), 303)
    attempt("cen", "/console/product/HG005/edit",
            edit_fields("HG005", name="Mật ong bạc hà Đồng Văn"), 303)
    check(who_of_last(db, "product", "HG005") == "console:cen",
          "the edit's audit names console:cen")

    for n in ("hg", "pa", "ihg", "vw"):
        attempt(n, "/console/producer/DN-B/edit",
                {"version": str(version_of(db, "DN-B", "producer")),
                 "contact": "evil"}, 403)
    attempt("hn", "/console/producer/DN-B/edit",
            {"version": str(version_of(db, "DN-B", "producer")),
             "contact": "0243 <tel> \"x\""}, 303)
    check(who_of_last(db, "producer", "DN-B") == "console:hn",
          "the producer edit's audit names console:hn")
    attempt("hn", "/console/producer/DN-B/edit",
            {"version": "1", "contact": "stale"}, 409,
            what="(a stale producer version)")
    attempt("hg", "/console/product/HG%2F7/status",
            {"status": "suspended", "reason": "code with a slash"}, 303)
    attempt("hn", "/console/product/HG%2F7/status",
            {"status": "rated"}, 403)

    # Keys: a producer's request, a clerk's approval, revocations.
    kid1 = key_id_of(os.path.join(T, "new1.pub"))
    with open(os.path.join(T, "new1.pub"), "rb") as f:
        pub1 = f.read()
    with open(os.path.join(T, "new2.pub"), "rb") as f:
        pub2 = f.read()
    for n in ("ihg", "vw", "hn"):
        attempt(n, "/console/keys/request", {"producer": "HTX-A"}, 403,
                files={"public_key": ("new1.pub", pub1)})
    attempt("pa", "/console/keys/request", {"producer": "DN-B"}, 403,
            files={"public_key": ("new1.pub", pub1)},
            what="(another producer)")
    attempt("pa", "/console/keys/request", {}, 303,
            files={"public_key": ("new1.pub", pub1)})
    attempt("pa", "/console/keys/request", {}, 400,
            files={"public_key": ("junk.pub", b"not a key\n")},
            what="(not a key file)")
    rid = pending_id(db, kid1)
    check(rid is not None, "the request is pending")
    for n in ("hn", "pa", "ihg", "vw"):
        attempt(n, "/console/keys/request/%d/approve" % rid, {}, 403)
    attempt("hg", "/console/keys/request/%d/approve" % rid, {}, 303)
    con = sqlite3.connect(db)
    check(con.execute("SELECT count(*) FROM keys WHERE key_id=? AND "
                      "producer='HTX-A'", (kid1,)).fetchone()[0] == 1,
          "the approved key is enrolled")
    con.close()
    check(who_of_last(db, "key", kid1) == "console:hg",
          "the enrolment's audit names console:hg")
    attempt("pa", "/console/keys/request", {}, 303,
            files={"public_key": ("new2.pub", pub2)})
    rid2 = pending_id(db, key_id_of(os.path.join(T, "new2.pub")))
    attempt("hn", "/console/keys/request/%d/reject" % rid2, {}, 403)
    attempt("cen", "/console/keys/request/%d/reject" % rid2, {}, 303)

    kb, ka = keys["DN-B"], keys["HTX-A"]
    for n in ("hg", "pa", "ihg", "vw"):
        attempt(n, "/console/keys/%s/revoke" % kb,
                {"reason": "superseded"}, 403)
    attempt("hn", "/console/keys/%s/revoke" % kb, {"reason": "compromised"},
            403, what="(compromised: central only)")
    attempt("hn", "/console/keys/%s/revoke" % kb, {"reason": "superseded"},
            303)
    attempt("pa", "/console/keys/%s/revoke" % ka, {"reason": "superseded"},
            403, what="(a producer revokes nothing)")
    attempt("cen", "/console/keys/%s/revoke" % ka,
            {"reason": "compromised"}, 303)

    # The kiosk fleet's changes: central and province clerks only.
    for n in ("pa", "ihg", "vw"):
        attempt(n, "/console/kiosks/enroll",
                {"province": "Hà Giang", "shop": "x"}, 403,
                files={"public_key": ("new1.pub", pub1)})
        attempt(n, "/console/kiosks/0123456789ABCDEF/retire", {}, 403)
    # Accounts: central only.
    for n in ("hg", "hn", "pa", "ihg", "vw"):
        attempt(n, "/console/users",
                {"user": "evil", "role": "central",
                 "password": "password-evil-123"}, 403)
        attempt(n, "/console/users/vw/disable", {}, 403)
        attempt(n, "/console/users/cen/password",
                {"password": "password-evil-123"}, 403)
    attempt("cen", "/console/users",
            {"user": "qn", "role": "province", "province": "Quảng Ninh",
             "password": "password-qn-123"}, 303)
    check(who_of_last(db, "user", "qn") == "console:cen",
          "the new account's audit names console:cen")
    qn = Client(port)
    check(qn.login("qn")[0] == 303, "the new account can sign in")

    # Issue 14: a queue item of Hà Nội, badges, printed ranges.
    con = sqlite3.connect(db)
    qid = con.execute(
        "INSERT INTO queue_items(source,source_ref,province,key_id,product,"
        "lot,serial,kind,note,shop,verdict,has_photo,seen) VALUES('report',"
        "'1','Hà Nội','','HN001','L1',3,'other',?, '','genuine',0,"
        "'2026-01-01T00:00:00Z')", (NASTY,)).lastrowid
    con.commit()
    con.close()
    for n, want in (("cen", 200), ("hg", 403), ("hn", 200), ("pa", 403),
                    ("ihg", 403), ("vw", 200)):
        st, _, page = c[n].get("/console/queue/%d" % qid)
        check(st == want, "GET a Hà Nội queue item as %s: %d (want %d)" %
              (n, st, want))
    check(NASTY not in page and "&lt;script&gt;" in page,
          "the queue item's note is escaped")
    for n in ("hg", "pa", "ihg", "vw"):
        attempt(n, "/console/queue/%d/confirm" % qid, {}, 403)
        attempt(n, "/console/queue/%d/assign" % qid, {"assignee": n}, 403)
    for n in ("hg", "pa", "vw"):
        attempt(n, "/console/queue/%d/note" % qid, {"note": "x"}, 403)
    attempt("hn", "/console/queue/%d/dismiss" % qid, {"note": "Đã xem"}, 303)
    badge = {"inspector": "I-1", "name": "Lan", "province": "ha noi",
             "valid_until": "2099-01-01"}
    for n in ("hg", "hn", "pa", "ihg", "vw"):
        attempt(n, "/console/badges/issue", badge, 403)
        attempt(n, "/console/badges/I-1/revoke", {}, 403)
    attempt("cen", "/console/badges/issue", badge, 409,
            what="(a console without the authority key)")
    rec = b"# ocop printed ranges v1\nL1 1 50 2026-01-02T03:04:05Z\n"
    for n in ("cen", "hg", "hn", "ihg", "vw"):
        attempt(n, "/console/mine/printed", {"product": "HG001"}, 403,
                files={"printed": ("k.sec.printed", rec)})
    attempt("pa", "/console/mine/printed", {"product": "HN001"}, 403,
            files={"printed": ("k.sec.printed", rec)},
            what="(another producer's product)")
    attempt("pa", "/console/mine/printed", {"product": "HG001"}, 303,
            files={"printed": ("k.sec.printed", rec)})

    csv_import(c, db, attempt)
    moves(c, db, attempt, os.path.splitext(db)[0] + ".mirror.db")
    own_password(c, db, port, attempt)

    # ---- CSRF ----
    for label, tok in (("missing", None), ("wrong", "0" * 64),
                       ("another session's", c["hg"].csrf)):
        b = dump(db)
        st, _, _ = c["cen"].post("/console/product/HG001/status",
                                 {"status": "revoked", "reason": "csrf"},
                                 token=tok if tok else False)
        check(st == 403 and dump(db) == b,
              "CSRF token %s: 403, nothing changed" % label)

    st, _, _ = c["cen"].request(
        "POST", "/console/product/HG001/status",
        {"status": "revoked", "reason": "x", "csrf_token": c["cen"].csrf},
        headers={"Origin": "http://evil.example"})
    check(st == 403, "a form from another origin: 403")
    st, _, _ = Client(port).request(
        "POST", "/console/login", {"user": "cen", "password": "password-cen"
                                   "-123"},
        headers={"Origin": "http://evil.example"}, cookie=False)
    check(st == 403, "a login from another origin: 403")
    st, _, _ = Client(port).request(
        "POST", "/console/login", {"user": "cen", "password": "password-cen"
                                   "-123"},
        headers={"Origin": "http://127.0.0.1:%d" % port}, cookie=False)
    check(st == 303, "a login from the console's own origin: 303")

    # ---- The edit conflict ----
    st, _, f1 = c["cen"].get("/console/product/HN001/edit")
    st, _, f2 = c["hn"].get("/console/product/HN001/edit")
    v1 = re.search(r'name="version" value="(\d+)"', f1).group(1)
    v2 = re.search(r'name="version" value="(\d+)"', f2).group(1)
    check(v1 == v2, "two clerks open the same version")
    st, _, _ = c["cen"].post("/console/product/HN001/edit",
                             {"version": v1, "name": NASTY + " (sửa 1)"})
    check(st == 303, "the first save: 303")
    b = dump(db)
    st, _, page = c["hn"].post("/console/product/HN001/edit",
                               {"version": v2, "name": "Bánh cốm (sửa 2)"})
    check(st == 409, "the second save with the old version: 409")
    check(dump(db) == b, "  the conflict changed nothing")
    check("(sửa 1)" in page and "Bánh cốm (sửa 2)" in page,
          "  the conflict page shows the current and the clerk's values")
    st, _, _ = c["hn"].post("/console/product/HN001/edit",
                            {"name": "Bánh cốm"})
    check(st == 409, "a save without a version: 409")
    # An announced form over 1 MiB is refused before its body is read.
    sk = socket.create_connection(("127.0.0.1", port), timeout=30)
    sk.sendall(("POST /console/product/HN001/status HTTP/1.1\r\nHost: x\r\n"
                "Cookie: %s\r\nContent-Type: application/x-www-form-"
                "urlencoded\r\nContent-Length: %d\r\n\r\n" %
                (c["hn"].cookie, 2 * 1024 * 1024)).encode())
    head = sk.recv(4096).decode("latin-1")
    sk.close()
    check(head.startswith("HTTP/1.1 413"), "a form over 1 MiB: 413")
    hardened_front(port, c, db)

    # ---- Escaping: every page that shows the hostile strings ----
    esc = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path in ("/console/products?q=banh+com", "/console/product/HN001",
                 "/console/product/HN001/edit", "/console/producer/DN-B",
                 "/console/producers", "/console/audit"):
        st, _, page = c["cen"].get(path)
        raw_bad = "<script>" in page or "<b>\"Hà" in page
        has = (esc in page and "Làng Vòng" in page and "&quot;cốm&quot;"
               in page) or ("&lt;b&gt;&quot;Hà Nội&quot;&lt;/b&gt;" in page)
        check(st == 200 and not raw_bad and has,
              "%s shows the strings escaped and intact" % path)
    st, _, page = c["cen"].get("/console/product/HN001")
    check("&lt;b&gt;&quot;Hà Nội&quot;&lt;/b&gt;" in page,
          "the producer's name escaped on the product page")

    # ---- Search and language ----
    for q, want, not_want in (("che shan", "HG001", "HN001"),
                              ("CHE  SHAN", "HG001", "HN001"),
                              ("Chè Shan", "HG001", "HN001"),
                              ("hg00", "HG005", "HN001"),
                              ("lang vong", "HN001", "HG001")):
        st, _, page = c["vw"].get("/console/products?q=" +
                                  urllib.parse.quote_plus(q))
        rows = re.findall(r'href="/console/product/([A-Z0-9.\-/]+)"', page)
        check(want in rows and not_want not in rows,
              "search '%s' finds %s" % (q, want))
    # The index follows the registry: a product a command adds while the
    # console runs is found, and one renamed is found by its new name.
    run(HOST, "product", "add", "--db", db, "--code", "HP009", "--name",
        "Nước mắm Cát Hải", "--group", "food", "--stars", "4",
        "--province", "Hải Phòng", "--producer", "DN-B", "--certificate",
        "HP-1", "--certified", "2025-05-05")
    run(HOST, "product", "edit", "--db", db, "--code", "HG/7", "--name",
        "Rượu thóc Bắc Mê")
    for q, want in (("nuoc mam cat hai", ["HP009"]),
                    ("ruou thoc", ["HG/7"]), ("ruou ngo", [])):
        st, _, page = c["vw"].get("/console/products?q=" +
                                  urllib.parse.quote_plus(q))
        rows = re.findall(r'href="/console/product/([^"]+)"', page)
        rows = [urllib.parse.unquote(x) for x in rows]
        check(rows == want, "after a command's change, '%s' finds %s" %
              (q, rows))
    # Every audit row names who made it: "cli:" and the login name for
    # the command's rename.
    st, _, page = c["vw"].get("/console/product/" +
                              urllib.parse.quote("HG/7", safe=""))
    login = "cli:" + pwd.getpwuid(os.getuid()).pw_name
    check(st == 200 and re.search(
        r"<td>%s</td><td>name</td>" % re.escape(login), page),
        "the product's history names the command's author %s" % login)
    st, _, page = c["vw"].get("/console/products?stars=5")
    rows = re.findall(r'href="/console/product/([A-Z0-9.\-/]+)"', page)
    check(rows == ["HG005"], "filter 5 stars: %s" % rows)
    st, _, page = c["vw"].get("/console/products?province=Ha+Noi&status="
                              "rated&group=food")
    rows = re.findall(r'href="/console/product/([A-Z0-9.\-/]+)"', page)
    check(rows == ["HN001"], "filter province, status, group: %s" % rows)
    st, r, page = c["vw"].get("/console/products?lang=en")
    check(">Products<" in page and 'lang="en"' in page and
          "ocop_lang=en" in (r.getheader("Set-Cookie") or ""),
          "?lang=en: English, remembered in a cookie")
    st, r, page = c["vw"].get("/console/products")
    check(">Sản phẩm<" in page, "Vietnamese by default")

    # ---- Logout ----
    old = c["vw"].cookie
    st, r, _ = c["vw"].post("/console/logout", {})
    check(st == 303 and "Max-Age=0" in (r.getheader("Set-Cookie") or ""),
          "logout: 303, cookie cleared")
    cl = Client(port)
    cl.cookie = old
    st, _, _ = cl.get("/console/products")
    check(st == 303, "the old cookie no longer opens a page")
    st, _, _ = cl.post("/console/logout", {}, token=c["vw"].csrf)
    check(st == 403, "nor posts a form")

    # ---- Sessions that time out, and throttling (their own copy) ----
    # Timed from before each login: a session is never older than that.
    p2 = start(db2, "--idle", "3", "--lifetime", "8", "--user-failures",
               "3", "--addr-failures", "6", "--lock", "6")
    s = Client(p2)
    s.login("cen")
    check(s.get("/console/products")[0] == 200, "a fresh session works")
    time.sleep(4.5)
    check(s.get("/console/products")[0] == 303,
          "idle past the timeout: back to the login page")
    t0 = time.time()
    s.login("cen")
    t1 = time.time()
    alive = True
    while time.time() - t0 < 6:
        alive = alive and s.get("/console/products")[0] == 200
        time.sleep(1)
    check(alive, "a session in use stays open")
    while time.time() - t1 < 9:
        time.sleep(1)
        s.get("/console/products")
    check(s.get("/console/products")[0] == 303,
          "past the absolute lifetime: back to the login page")

    bad = Client(p2)
    codes = [bad.login("hg", "wrong-password-1")[0] for _ in range(3)]
    check(codes == [401, 401, 401], "three wrong passwords: 401 %s" % codes)
    st, r = bad.login("hg")
    check(st == 429 and r.getheader("Retry-After"),
          "then even the right password: 429 with Retry-After")
    codes = [bad.login("nobody", "wrong-password-1")[0] for _ in range(4)]
    check(codes == [401, 401, 429, 429] or codes == [401, 401, 401, 429],
          "unknown names are throttled too (and the address): %s" % codes)
    st, _ = bad.login("hn")
    check(st == 429, "six failures from one address: another account "
          "waits too")
    time.sleep(6.5)
    st, _ = bad.login("hg")
    check(st == 303, "after the lock: the right password works")
    own_password_throttled(p2)

    # ---- TLS, and no plain HTTP beyond loopback ----
    p = subprocess.run([DRIVER, "serve", db, "--listen", "0.0.0.0:0"],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 3 and "loopback" in p.stderr,
          "without TLS a non-loopback address is refused")
    cert, key = os.path.join(T, "c.pem"), os.path.join(T, "k.pem")
    if subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                       "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                       "-subj", "/CN=localhost", "-days", "2", "-keyout",
                       key, "-out", cert], capture_output=True).returncode:
        fail("openssl cannot make a test certificate")
    else:
        p3 = start(db, "--tls-cert", cert, "--tls-key", key)
        tc = Client(p3, tls=True)
        st, _ = tc.login("cen")
        check(st == 303 and "; Secure" in tc.set_cookie,
              "over TLS: 303 and the cookie is Secure")
        st, r, _ = tc.get("/console/products")
        check(st == 200 and r.getheader("Strict-Transport-Security"),
              "over TLS: pages with HSTS")


try:
    main()
except Exception:  # a crash is a failure, and the consoles still stop
    traceback.print_exc()
    fail("the test stopped early")
finish()

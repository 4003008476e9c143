"""console_work.py DRIVER OCOP_HOST: running the programme day to day
(issue 14 items 4-7) with the real ocop-host serve over a demo world.

The phone page closes the loop: every verdict page carries a report form;
a shopper's report (with a photo) is stored by the collector, a form from
another site or a bad field is refused, a flood of reports from one
address meets the limit while pages, the feed and the console go on; each
lookup is recorded without the client's address. In the console the
report, an inspector's finding and a clone suspect land in the queue of
their province; who may see and act on an item follows role and province,
and a confirmed report becomes a clone_reported row that the next export
carries. A producer sees its own page, downloads the print bundle and
prints from it, uploads its printed ranges (overlaps flagged). Central
users issue and revoke inspectors' badges and download the PDF card;
`ocop-host badge card` writes the same card."""
import http.client
import io
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (HOST, T, Client, add_host_users, check, fail,  # noqa
                         finish, run, run_main, stop_serve)

DAY = "2026-06-15"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00"
       b"\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc"
       b"\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00"
       b"IEND\xaeB`\x82")
PW = "password-%s-123"


def host(*args, stdin=None):
    return subprocess.run((HOST,) + args, input=stdin, capture_output=True,
                          text=True, cwd=T)


def serve(*args):
    p = subprocess.Popen((HOST, "serve") + args, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=T)
    ports = {}
    for _ in range(2):
        line = p.stdout.readline()
        m = re.search(r"^(listening|console) on https?://[^:]+:(\d+)", line)
        if m:
            ports[m.group(1)] = int(m.group(2))
    return p, ports


def raw(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r, data


def multipart(fields, files):
    b = "----ocopw%d" % time.time_ns()
    parts = [("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
              % (b, k)).encode() + v.encode() + b"\r\n"
             for k, v in fields.items()]
    for k, (fname, data) in files.items():
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                      "filename=\"%s\"\r\nContent-Type: image/png\r\n\r\n" %
                      (b, k, fname)).encode() + data + b"\r\n")
    body = b"".join(parts) + ("--%s--\r\n" % b).encode()
    return body, {"Content-Type": "multipart/form-data; boundary=" + b}


def report(port, payload, fields, photo=None, headers=None):
    body, h = multipart(fields, {"photo": ("p.png", photo)} if photo else {})
    h.update(headers or {})
    return raw(port, "POST", "/V/" + payload, body, h)


def label(serial, lot="L1", product="HN-0001", key="HN-P0001"):
    con = sqlite3.connect(os.path.join(T, "w", "registry.db"))
    stars = con.execute("SELECT stars FROM products WHERE code=?",
                        (product,)).fetchone()[0]
    con.close()
    r = host("label", "--key", os.path.join(T, "w", "producers", key +
                                            ".sec"),
             "--product", product, "--lot", lot, "--serial", str(serial),
             "--stars", str(stars), "--issued", "2026-06-01")
    m = re.search(r"/V/([A-Z0-9]+)", r.stdout)
    check(r.returncode == 0 and m, "ocop-host label %s %s #%d" %
          (product, lot, serial))
    return m.group(1) if m else "X"


def setup_world():
    world = os.path.join(T, "w")
    run(HOST, "demo", world, "--date", DAY)
    db = os.path.join(world, "registry.db")
    users = (("tw", "central", None, None), ("hn", "province", "ha noi", None),
             ("qn", "province", "quang ninh", None),
             ("ihn", "inspector", "ha noi", None),
             ("pa", "producer", None, "HN-P0001"), ("vw", "viewer", None, None))
    add_host_users(db, users, lambda name: PW % name)
    # What kiosks would have uploaded: an inspector's finding in Hà Nội,
    # and one label of Quảng Ninh scanned at kiosks of two provinces (a
    # clone suspect). The collector's own tables, as its upload writes
    # them (docs/upload.md).
    col = os.path.join(world, "collector.db")
    kiosks = []
    for i, (prov, shop) in enumerate((("Hà Nội", "Chợ Đồng Xuân"),
                                      ("Quảng Ninh", "Chợ Hạ Long"))):
        sec, pub = (os.path.join(T, "k%d.%s" % (i, e)) for e in ("sec",
                                                                 "pub"))
        run(HOST, "keygen", "--secret", sec, "--public", pub)
        r = host("kiosk", "enroll", "--collector-db", col, "--public", pub,
                 "--province", prov, "--shop", shop)
        m = re.search(r"enrolled kiosk ([0-9A-F]{16})", r.stdout)
        check(m, "kiosk enrolled in %s" % prov)
        kiosks.append(m.group(1) if m else "?")
    now = int(time.time())
    con = sqlite3.connect(col)
    con.execute("INSERT INTO findings VALUES (?, 1, ?, "
                "'I-7', 'HN-0065', 'L9', 3, 'tampered', 'nhãn dán đè <b>', "
                "'b1', ?)", (kiosks[0], now - 60, now))
    for i, kiosk in enumerate(kiosks):
        con.execute("INSERT INTO scans VALUES (?, ?, ?, 'genuine', "
                    "'HN-0081', '9B7AED6DD4F052EC', 'L5', 42, 'h', 0, 'b', ?)",
                    (kiosk, 100 + i, now - 600 + i, now))
    con.commit()
    con.close()
    return world, db, col


def wait_for(cl, path, text, seconds=90):
    """GET path until its page holds text: the clone suspects come from
    a report that runs off the console's lock and are listed from the
    request after it ends (docs/console.md "Queue")."""
    deadline = time.time() + seconds
    while True:
        st, r, page = cl.get(path)
        if text in page or time.time() > deadline:
            return st, r, page
        time.sleep(0.2)


def phone_checks(port, col):
    pay = label(7)
    st, r, page = raw(port, "GET", "/V/" + pay)
    page = page.decode()
    check(st == 200 and 'name="ocop-verdict" content="genuine"' in page,
          "the phone page answers genuine")
    check('<form method="post" enctype="multipart/form-data">' in page and
          "Báo cáo tem này" in page and 'name="photo"' in page,
          "the verdict page carries the report form (no script)")
    check("<script" not in page, "no script on the page")
    check("form-action 'self'" in r.getheader("Content-Security-Policy"),
          "CSP lets the form post to this site only")
    st, _, page = raw(port, "GET", "/V/" + label(8) + "?lang=en")
    check("Report this label" in page.decode(), "the form in English")
    # Recorded lookups: what was asked and the hour, never the address.
    con = sqlite3.connect(col)
    cols = [c[1] for c in con.execute("PRAGMA table_info(phone_lookups)")]
    rows = con.execute("SELECT time, verdict, product, lot, serial FROM "
                       "phone_lookups ORDER BY id").fetchall()
    dump = b"".join(bytes(str(x), "utf-8") for x in
                    con.execute("SELECT * FROM phone_lookups"))
    con.close()
    check(rows and rows[0][1:] == ("genuine", "HN-0001", "L1", 7) and
          rows[0][0] % 3600 == 0, "the lookup is recorded, its time cut to "
          "the hour: %s" % (rows[:1],))
    check(not any(re.search("addr|ip|client", c) for c in cols) and
          b"127.0.0.1" not in dump, "no client address stored")

    # Lookups feed the clone rules next to kiosk scans: one label looked
    # up more often than the count rule allows is a suspect.
    pay9 = label(9)
    for _ in range(22):
        raw(port, "GET", "/V/" + pay9)
    r = host("report", "clones", "--world", os.path.dirname(col),
             "--format", "csv")
    check(re.search(r"HN-0001,L1,9,0,.*phone 22", r.stdout) is not None,
          "22 phone lookups of one label make it a clone suspect")

    # Refusals that cost the shopper nothing: another site's form.
    good = {"what": "looks_different", "note": "Tem mờ, chữ <b>lệch</b>",
            "province": "Hà Nội", "shop": "Chợ \"Đồng Xuân\""}
    st, _, _ = report(port, pay, good, headers={"Origin":
                                                "http://evil.example"})
    check(st == 403, "a report posted from another site: 403")
    st, _, _ = report(port, pay, good,
                      headers={"Sec-Fetch-Site": "cross-site"})
    check(st == 403, "Sec-Fetch-Site cross-site: 403")
    st, _, _ = report(port, pay, good, headers={"Origin": "null"})
    check(st == 403, "Origin null without Sec-Fetch-Site: 403")
    st, _, _ = report(port, pay, good, headers={
        "Origin": "null", "Sec-Fetch-Site": "same-site"})
    check(st == 403, "a sibling site (same-site): 403")
    st, _, body = report(port, pay, good, PNG,
                         headers={"Origin": "http://127.0.0.1:%d" % port,
                                  "Host": "127.0.0.1:%d" % port})
    check(st == 200 and "Cảm ơn" in body.decode(),
          "a shopper's report with a photo is accepted")
    st, _, _ = report(port, pay, dict(good, what="rm -rf"))
    check(st == 400, "an unknown reason: 400")
    st, _, _ = report(port, pay, good, b"GIF89a" + b"x" * 100)
    check(st == 400, "a photo that is neither JPEG nor PNG: 400")
    # The flood: the burst is spent, every further report is refused
    # with Retry-After, and nothing else breaks.
    codes = [report(port, pay, good)[0] for _ in range(25)]
    check(codes.count(429) == 25, "a flood of reports from one address "
          "meets the limit (%s)" % sorted(set(codes)))
    st, r, _ = report(port, pay, good)
    check(st == 429 and int(r.getheader("Retry-After") or 0) > 0,
          "429 says when to come back")
    st, _, _ = raw(port, "GET", "/V/" + pay)
    check(st == 200, "the phone page still answers during the flood")
    st, _, _ = raw(port, "GET", "/healthz")
    check(st == 200, "and the server's health")
    st, _, _ = raw(port, "GET", "/feed/manifest")
    check(st == 200, "and the feed")
    con = sqlite3.connect(col)
    n = con.execute("SELECT count(*) FROM phone_reports").fetchone()[0]
    con.close()
    check(n == 1, "one report stored (%d)" % n)
    return pay


def queue_checks(cport, db, world):
    c = {n: Client(cport) for n in ("tw", "hn", "qn", "ihn", "pa", "vw")}
    for n, cl in c.items():
        st, _ = cl.login(n, PW % n)
        check(st == 303, "login %s" % n)
    st, _, page = c["hn"].get("/console/queue")
    check(st == 200 and "Báo cáo của người mua" in page and
          "HN-0001" in page, "the shopper's report is in Hà Nội's queue")
    check("Phát hiện của thanh tra" in page and "tampered" in page and
          "nhãn dán đè &lt;b&gt;" in page,
          "the inspector's finding too, escaped")
    st, _, qpage = c["qn"].get("/console/queue")
    check("HN-0001" not in qpage and "HN-0065" not in qpage,
          "Quảng Ninh's queue holds none of Hà Nội's items")
    st, _, tpage = wait_for(c["tw"], "/console/queue", "phone 22")
    check("Nghi tem nhân bản" in tpage and "HN-0081" in tpage,
          "the clone suspect (two provinces) is in the queue")
    check(re.search(r"HN-0001 L1 #9</td><td>count</td><td>0 scans, 0 kiosks: "
                    r"phone 22", tpage) is not None,
          "and the label looked up too often on phones")
    con = sqlite3.connect(db)
    rid = con.execute("SELECT id FROM queue_items WHERE source='report'"
                      ).fetchone()[0]
    fid = con.execute("SELECT id FROM queue_items WHERE source='finding'"
                      ).fetchone()[0]
    con.close()
    item = "/console/queue/%d" % rid
    st, _, page = c["hn"].get(item)
    check(st == 200 and 'src="/console/queue/%d/photo"' % rid in page and
          "Chợ &quot;Đồng Xuân&quot;" in page, "the item page: photo, shop")
    st, r, _ = c["hn"].get(item + "/photo")
    check(st == 200 and r.getheader("Content-Type") == "image/png",
          "the photo is served as image/png")
    for n, want in (("qn", 403), ("pa", 403), ("vw", 200), ("ihn", 200),
                    ("tw", 200)):
        st, _, _ = c[n].get(item)
        check(st == want, "GET the item as %s: %d (want %d)" % (n, st, want))

    def dumpq():
        con = sqlite3.connect(db)
        out = [con.execute("SELECT * FROM %s ORDER BY 1" % t).fetchall()
               for t in ("queue_items", "queue_history", "clones", "audit")]
        con.close()
        return out

    for n, action, f in (("qn", "confirm", {}), ("qn", "note", {"note": "x"}),
                         ("vw", "note", {"note": "x"}), ("pa", "dismiss", {}),
                         ("ihn", "confirm", {}), ("ihn", "assign",
                                                  {"assignee": "ihn"})):
        b = dumpq()
        st, _, _ = c[n].post(item + "/" + action, f)
        check(st == 403 and dumpq() == b, "POST %s as %s: 403, nothing "
              "changed" % (action, n))
    b = dumpq()
    st, _, _ = c["hn"].post(item + "/confirm", {}, token="0" * 64)
    check(st == 403 and dumpq() == b, "a wrong CSRF token: 403")
    st, _, _ = c["ihn"].post(item + "/note", {"note": "Đã đến cửa hàng"})
    check(st == 303, "the inspector notes the item")
    st, _, _ = c["hn"].post(item + "/assign", {"assignee": "qn"})
    check(st == 400, "an account of another province cannot be assigned")
    st, _, _ = c["hn"].post(item + "/assign", {"assignee": "ihn"})
    check(st == 303, "the clerk assigns the inspector")
    st, _, _ = c["hn"].post(item + "/confirm", {"note": "Tem giả"})
    check(st == 303, "the clerk confirms")
    st, _, _ = c["hn"].post(item + "/dismiss", {})
    check(st == 400, "a decided item cannot be decided again")
    st, _, _ = c["hn"].post("/console/queue/%d/dismiss" % fid, {})
    check(st == 303, "the finding is dismissed")
    st, _, page = c["hn"].get(item)
    check("Đã xác nhận" in page and "console:ihn" in page and
          "Đã đến cửa hàng" in page and "console:hn" in page,
          "the item's history: note, assignment, confirmation")
    con = sqlite3.connect(db)
    clone = con.execute("SELECT product, lot, serial FROM clones WHERE "
                        "product='HN-0001'").fetchall()
    who = con.execute("SELECT w.who FROM audit a JOIN audit_who w "
                      "ON w.audit_id=a.id WHERE a.entity='clone' ORDER BY "
                      "a.id DESC LIMIT 1").fetchone()
    con.close()
    check(clone == [("HN-0001", "L1", 7)], "the confirmed label is a "
          "clone_reported row")
    check(who and who[0] == "console:hn", "its audit names console:hn")
    # A report of a forged label is confirmed as a finding, not recorded
    # as a clone: a forgery is no copy of a real pack.
    con = sqlite3.connect(db)
    kid = con.execute("SELECT key_id FROM keys WHERE producer='HN-P0001'"
                      ).fetchone()[0]
    forged = con.execute(
        "INSERT INTO queue_items(source,source_ref,province,key_id,product,"
        "lot,serial,kind,note,shop,verdict,has_photo,seen) VALUES('report',"
        "'f1','Hà Nội',?,'HN-0001','L1',8,'other','','','forged',0,"
        "'2026-06-15T00:00:00Z')", (kid,)).lastrowid
    con.commit()
    n0 = con.execute("SELECT count(*) FROM clones").fetchone()[0]
    con.close()
    st, _, _ = c["hn"].post("/console/queue/%d/confirm" % forged, {})
    con = sqlite3.connect(db)
    n1 = con.execute("SELECT count(*) FROM clones").fetchone()[0]
    con.close()
    check(st == 303 and n1 == n0, "a confirmed report of a forged label "
          "records no clone")
    mirror = os.path.join(T, "next.db")
    run(HOST, "export", "--db", db, "--out", mirror)
    r = host("check", "--mirror", mirror, "--today", DAY,
             "HTTPS://OCOP.EXAMPLE/V/" + label(7))
    check("clone_reported" in r.stdout + r.stderr,
          "the next export answers clone_reported for it")
    return c


def producer_checks(c, cport, world):
    st, _, page = c["pa"].get("/console/mine")
    check(st == 200 and "HN-0001" in page and "HN-0065" in page,
          "the producer's own page lists its products")
    for n in ("tw", "hn", "ihn", "vw"):
        st, _, _ = c[n].get("/console/mine")
        check(st == 403, "/console/mine as %s: 403" % n)
    regdb = os.path.join(world, "registry.db")

    def meta():
        con = sqlite3.connect(regdb)
        rows = con.execute("SELECT * FROM meta ORDER BY 1").fetchall()
        con.close()
        return rows

    m0 = meta()
    st, r, data = raw(cport, "GET", "/console/mine/bundle",
                      headers={"Cookie": c["pa"].cookie})
    check(meta() == m0, "a bundle download spends no feed version")
    check(st == 200 and r.getheader("Content-Type") == "application/x-tar"
          and "attachment" in (r.getheader("Content-Disposition") or ""),
          "the print bundle downloads")
    bundle = os.path.join(T, "bundle")
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            tf.extractall(bundle, filter="data")
    except (tarfile.TarError, TypeError) as e:
        fail("the bundle is a tar archive: %s" % e)
    with open(os.path.join(bundle, "ocop-bundle", "PRINT.txt")) as f:
        text = f.read()
    check("ocop-host print --mirror mirror.db" in text and
          "--host OCOP.EXAMPLE" in text, "PRINT.txt names the command")
    out = os.path.join(T, "run.zpl")
    r = host("print", "--mirror", os.path.join(bundle, "ocop-bundle",
                                               "mirror.db"),
             "--key", os.path.join(world, "producers", "HN-P0001.sec"),
             "--product", "HN-0001", "--lot", "L2", "--serials", "1-5",
             "--format", "zpl", "--out", out)
    check(r.returncode == 0 and os.path.getsize(out) > 0,
          "ocop-host print runs from the bundle: %s" % r.stderr.strip())
    rec = ("# ocop printed ranges v1\nL2 1 5 2026-06-15T08:00:00Z\n"
           "L2 4 9 2026-06-16T08:00:00Z\nL3 1 100 2026-06-16T08:00:00Z\n")
    st, _, _ = c["pa"].post("/console/mine/printed", {"product": "HN-0001"},
                            files={"printed": ("k.sec.printed",
                                               rec.encode())})
    check(st == 303, "the producer uploads its printed ranges")
    st, _, page = c["pa"].get("/console/mine")
    check(re.search(r"<td>L2</td><td>1</td><td>5</td><td>[^<]*</td>"
                    r"<td>4-9</td>", page) is not None,
          "an overlapping range is flagged")
    st, _, _ = c["pa"].post("/console/mine/printed", {"product": "HN-0001"},
                            files={"printed": ("x", b"L2 1 5 x\n")})
    check(st == 400, "a file without its header line: 400")
    st, _, _ = c["pa"].post("/console/mine/printed", {"product": "HN-0001"},
                            files={"printed": ("x", (
                                "# ocop printed ranges v1\nL2 9 1 "
                                "2026-06-15T08:00:00Z\n").encode())})
    check(st == 400, "a range whose first is after its last: 400")
    con = sqlite3.connect(os.path.join(world, "registry.db"))
    other = con.execute("SELECT code FROM products WHERE producer<>"
                        "'HN-P0001' LIMIT 1").fetchone()[0]
    n0 = con.execute("SELECT count(*) FROM printed_ranges").fetchone()[0]
    con.close()
    st, _, _ = c["pa"].post("/console/mine/printed", {"product": other},
                            files={"printed": ("k", rec.encode())})
    check(st == 403, "ranges for another producer's product: 403")
    st, _, _ = c["hn"].post("/console/mine/printed", {"product": "HN-0001"},
                            files={"printed": ("k", rec.encode())})
    check(st == 403, "a clerk cannot upload a producer's ranges")
    con = sqlite3.connect(os.path.join(world, "registry.db"))
    n1 = con.execute("SELECT count(*) FROM printed_ranges").fetchone()[0]
    con.close()
    check(n0 == 3 and n1 == 3, "three ranges stored, none by the refusals")


def badge_checks(c, cport, db):
    st, _, _ = c["tw"].get("/console/badges")
    check(st == 200, "central users see the badges page")
    for n in ("hn", "ihn", "pa", "vw"):
        st, _, _ = c[n].get("/console/badges")
        check(st == 403, "/console/badges as %s: 403" % n)
        st, _, _ = c[n].post("/console/badges/issue", {
            "inspector": "I-9", "name": "X", "province": "ha noi",
            "valid_until": "2099-01-01"})
        check(st == 403, "issue a badge as %s: 403" % n)
    st, _, _ = c["tw"].post("/console/badges/issue", {
        "inspector": "I-7", "name": "Nguyễn Thị Lan", "province": "ha noi",
        "valid_until": "2099-12-31"})
    check(st == 303, "a central user issues a badge")
    st, r, pdf = raw(cport, "GET", "/console/badges/I-7/card.pdf",
                     headers={"Cookie": c["tw"].cookie})
    check(st == 200 and r.getheader("Content-Type") == "application/pdf" and
          pdf.startswith(b"%PDF"), "the badge card downloads as a PDF")
    with open(os.path.join(T, "console-card.pdf"), "wb") as f:
        f.write(pdf)
    card = os.path.join(T, "card.pdf")
    r = host("badge", "card", "--db", db, "--inspector", "I-7", "--card",
             card)
    check(r.returncode == 0 and open(card, "rb").read(4) == b"%PDF",
          "ocop-host badge card writes the same card")
    st, _, _ = c["hn"].post("/console/badges/I-7/revoke", {})
    check(st == 403, "a clerk cannot revoke a badge")
    st, _, _ = c["tw"].post("/console/badges/I-7/revoke", {})
    con = sqlite3.connect(db)
    rev = con.execute("SELECT revoked FROM inspectors WHERE inspector='I-7'"
                      ).fetchone()[0]
    con.close()
    check(st == 303 and rev, "a central user revokes it")
    st, _, page = c["ihn"].get("/console/reinspect")
    check(st == 200, "the inspector sees the products due for "
          "re-inspection")
    st, _, _ = c["pa"].get("/console/reinspect")
    check(st == 403, "a producer does not")


def main():
    world, db, col = setup_world()
    p, ports = serve("--world", world, "--listen", "127.0.0.1:0",
                     "--console", "127.0.0.1:0", "--today", DAY,
                     "--authority-key", os.path.join(world, "authority.sec"))
    try:
        check("listening" in ports and "console" in ports, "serve started")
        phone_checks(ports["listening"], col)
        c = queue_checks(ports["console"], db, world)
        producer_checks(c, ports["console"], world)
        badge_checks(c, ports["console"], db)
    finally:
        stop_serve(p)


if __name__ == "__main__":
    run_main(main)

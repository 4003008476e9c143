"""console_fleet.py DRIVER OCOP_HOST OCOP_KIOSK UPLOAD_DRIVER: the kiosk
fleet (issue 14 item 3) with the real binaries.

A demo world served by ocop-host serve with its console. A Quảng Ninh
clerk enrols the kiosk's device key (ocop-kiosk device-key) from the
console; every account that may not (another province's clerk, an
inspector, a viewer, a producer, a missing or wrong CSRF token) gets 403
and changes neither the collector nor the registry. The kiosk syncs its
feed, scans and uploads with ocop-kiosk; GET /console/kiosks then shows
its mirror version, data age, scans and state, each account its own
province's kiosks. A batch without the mirror line (an older kiosk) is
still stored; a batch whose mirror line was changed after signing is 401
and changes nothing. Retiring follows the same rules, through the same
collector_revoke as ocop-host kiosk revoke, and the audit names who."""
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (HOST, T, Client, add_host_users, check, dump,  # noqa
                         fail, finish, password, run, run_main, stop_serve,
                         who_of_last)
from console_work import host, serve  # noqa: E402

KIOSK = os.path.abspath(sys.argv[3])
UPLOAD_DRIVER = os.path.abspath(sys.argv[4])
USERS = (("tw", "central", None, None), ("hn", "province", "ha noi", None),
         ("qn", "province", "quang ninh", None),
         ("iqn", "inspector", "quang ninh", None),
         ("pa", "producer", None, "HN-P0001"), ("vw", "viewer", None, None))


def kiosk(*args):
    return subprocess.run((KIOSK,) + args, capture_output=True, text=True,
                          cwd=T, timeout=120)


def post_batch(port, body):
    req = urllib.request.Request("http://127.0.0.1:%d/v1/scans" % port,
                                 data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def col_dump(col):
    """Every collector row a refused change must leave alone."""
    con = sqlite3.connect(col)
    out = [(t, con.execute("SELECT * FROM %s ORDER BY 1" % t).fetchall())
           for t in ("kiosks", "kiosk_contact", "kiosk_days", "batches",
                     "scans")]
    con.close()
    return out


def row_of(page, key_id):
    """The fleet table's row of key_id as its cells' texts, and its
    class (the state)."""
    m = re.search(r'<tr class="(\w+)" id="kiosk-%s">(.*?)</tr>' % key_id,
                  page, re.S)
    if not m:
        return None, None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", m.group(2), re.S)
    return [re.sub(r"<[^>]+>", "", c) for c in cells], m.group(1)


def setup():
    world = os.path.join(T, "w")
    run(HOST, "demo", world, "--date", time.strftime("%Y-%m-%d",
                                                     time.gmtime()))
    db = os.path.join(world, "registry.db")
    add_host_users(db, USERS, password)
    conf = os.path.join(world, "kiosk.conf")
    r = kiosk("sync", "--config", conf)
    check(r.returncode == 0, "ocop-kiosk sync: %s" % r.stderr[-200:])
    r = kiosk("device-key", "--config", conf)
    check(r.returncode == 0 and "device key" in r.stdout,
          "ocop-kiosk device-key prints the public key file")
    m = re.search(r"device key ([0-9A-F]{16})", r.stdout)
    return world, db, conf, r.stdout.encode(), m.group(1) if m else "?"


def enrol(c, col, db, pub, kid):
    """Enrolment from the console: the matrix, then a clerk of its own
    province; ocop-host kiosk list shows it, the audit names the clerk."""
    def refused(n, fields, token=True, what=""):
        b, bc = dump(db), col_dump(col)
        st, _, _ = c[n].post("/console/kiosks/enroll", fields, token=token,
                             files={"public_key": ("device.pub", pub)})
        check(st == 403 and dump(db) == b and col_dump(col) == bc,
              "enrol as %s%s: %d (want 403), nothing changed" % (n, what,
                                                                  st))
    here = {"province": "Quảng Ninh", "shop": "Siêu thị <Hạ Long> \"1\""}
    for n in ("hn", "iqn", "pa", "vw"):
        refused(n, here)
    refused("qn", dict(here, province="Hà Nội"), what=" (another province)")
    refused("qn", here, token=False, what=" (no CSRF token)")
    refused("qn", here, token="0" * 64, what=" (a wrong CSRF token)")
    st, _, _ = c["tw"].post("/console/kiosks/enroll",
                            dict(here, province="Atlantis"),
                            files={"public_key": ("device.pub", pub)})
    check(st == 400, "enrol in Atlantis: %d (want 400)" % st)
    st, _, _ = c["qn"].post("/console/kiosks/enroll", here,
                            files={"public_key": ("x.pub", b"not a key\n")})
    check(st == 400, "enrol a file that is not a key: %d (want 400)" % st)
    st, r, _ = c["qn"].post("/console/kiosks/enroll", here,
                            files={"public_key": ("device.pub", pub)})
    check(st == 303 and r.getheader("Location") == "/console/kiosks",
          "enrol as the Quảng Ninh clerk: 303 to the fleet")
    r = host("kiosk", "list", "--collector-db", col)
    check(re.search(r"^%s\tactive\tQuảng Ninh\tSiêu thị <Hạ Long> \"1\"\t" %
                    kid, r.stdout, re.M),
          "ocop-host kiosk list shows the console's enrolment: %s" %
          r.stdout.strip())
    check(who_of_last(db, "kiosk", kid) == "console:qn",
          "the audit names console:qn")


def upload(world, conf, port):
    """A scan at the kiosk, uploaded by ocop-kiosk to ocop-host serve."""
    up = os.path.join(T, "up.conf")
    with open(conf) as f, open(up, "w") as o:
        o.write(f.read() + "\n[upload]\nurl = http://127.0.0.1:%d/v1/scans\n"
                % port)
    text = subprocess.run(["zbarimg", "-q", "--raw",
                           os.path.join(world, "labels",
                                        "01-genuine-3-stars.png")],
                          capture_output=True, text=True).stdout.strip()
    r = kiosk("check", "--config", up, text)
    check(r.returncode == 0 and "genuine" in r.stdout, "the kiosk scans")
    r = kiosk("upload", "--config", up)
    check(r.returncode == 0 and "outcome=sent" in r.stdout,
          "ocop-kiosk upload: %s %s" % (r.stdout.strip(), r.stderr[-200:]))


def signed(world, text):
    """text (a batch without its sig line) signed with the kiosk's device
    key, as only the kiosk could."""
    src, out = os.path.join(T, "b.txt"), os.path.join(T, "b.sig")
    with open(src, "w") as f:
        f.write(text)
    run(UPLOAD_DRIVER, "sign", os.path.join(world, "kiosk"), src, out)
    with open(out, "rb") as f:
        return f.read()


def batches(port, world, kid, col):
    """An older kiosk's batch (no mirror line) is stored and keeps the
    mirror reported before; a forged mirror line is 401."""
    now = int(time.time())
    head = "OCOP-SCANS/1\nkiosk %s\nbatch %%s\ncreated %d\n" % (kid, now)
    rec = ("count 1\nscan %%d %d genuine QN-0005 _ L1 7 %s 0\n" %
           (now - 5, "ab" * 16))
    old = signed(world, head % ("1" * 32) + rec % 900)
    st, msg = post_batch(port, old)
    check(st == 200 and "stored 1 scans (1 new)" in msg,
          "a batch without the mirror line is stored: %d %s" % (st, msg))
    good = signed(world, head % ("2" * 32) + "mirror 1 60\n" + rec % 901)
    forged = good.replace(b"mirror 1 60\n", b"mirror 7 60\n")
    b = col_dump(col)
    st, msg = post_batch(port, forged)
    check(st == 401 and col_dump(col) == b,
          "a mirror line changed after signing: %d (want 401), nothing "
          "stored" % st)
    forged = good.replace(b"mirror 1 60\n", b"mirror 1 6\n")
    st, msg = post_batch(port, forged)
    check(st == 401 and col_dump(col) == b,
          "a data age changed after signing: %d (want 401)" % st)
    for bad in (b"mirror 1\n", b"mirror x 60\n", b"mirror 1 60 9\n",
                b"mirror 01 60\n"):
        st, _ = post_batch(port, good.replace(b"mirror 1 60\n", bad))
        check(st == 400, "mirror line %r: %d (want 400)" % (bad, st))


def fleet_page(c, kid, world):
    """What each account sees on GET /console/kiosks."""
    with open(os.path.join(world, "kiosk", "sync.state")) as f:
        version = re.search(r"^version=(\d+)$", f.read(), re.M).group(1)
    st, _, page = c["tw"].get("/console/kiosks")
    cells, state = row_of(page, kid)
    check(st == 200 and cells is not None, "central sees the kiosk")
    if cells:
        check(cells[1] == "Siêu thị &lt;Hạ Long&gt; &quot;1&quot;" and
              cells[2] == "Quảng Ninh", "shop (escaped) and province: %s" %
              cells[1:3])
        check(re.match(r"\d{4}-\d\d-\d\dT", cells[3]),
              "last contact is a time: %s" % cells[3])
        check(cells[4] == version, "the mirror version the kiosk reported "
              "(%s): %s" % (version, cells[4]))
        age = float(cells[5]) if re.match(r"^\d+\.\d$", cells[5]) else -1
        check(0 <= age < 1, "its data age in days: %s" % cells[5])
        check(cells[6] == "2", "scans of the last 7 days: %s" % cells[6])
        check(state == "ok" and cells[8] == "Bình thường",
              "state ok, in Vietnamese: %s %s" % (state, cells[8]))
    check('id="count-ok">1<' in page, "one kiosk counted ok")
    check("<script" not in page, "no script on the page")
    st, _, page = c["tw"].get("/console/kiosks?page=1&state=ok")
    check(st == 200 and row_of(page, kid)[0] is None and
          'id="count-ok">1<' in page and "?page=0&amp;state=ok" in page,
          "page 2 of the ok kiosks: no row, the counts, a link back")
    st, _, page = c["tw"].get("/console/kiosks?lang=en")
    check("Mirror version" in page and ">OK<" in page, "the page in English")
    for n, sees in (("qn", True), ("iqn", True), ("hn", False),
                    ("vw", True)):
        st, _, page = c[n].get("/console/kiosks")
        check(st == 200 and (row_of(page, kid)[0] is not None) == sees,
              "%s %s the Quảng Ninh kiosk" % (n, "sees" if sees else
                                                "does not see"))
    st, _, _ = c["pa"].get("/console/kiosks")
    check(st == 403, "a producer gets 403")


def retire(c, col, db, kid, port, world):
    def attempt(n, want, path="/console/kiosks/%s/retire" % kid,
                token=True):
        b, bc = dump(db), col_dump(col)
        st, _, _ = c[n].post(path, {}, token=token)
        check(st == want, "retire as %s: %d (want %d)" % (n, st, want))
        if want == 403:
            check(dump(db) == b and col_dump(col) == bc,
                  "  refused: nothing changed")
    for n in ("hn", "iqn", "pa", "vw"):
        attempt(n, 403)
    attempt("qn", 403, token="0" * 64)
    attempt("tw", 404, path="/console/kiosks/0000000000000000/retire")
    attempt("qn", 303)
    check(who_of_last(db, "kiosk", kid) == "console:qn",
          "the retirement's audit names console:qn")
    r = host("kiosk", "list", "--collector-db", col)
    check("%s\trevoked" % kid in r.stdout, "ocop-host kiosk list: revoked")
    st, _, page = c["tw"].get("/console/kiosks")
    cells, state = row_of(page, kid)
    check(state == "retired", "the fleet shows it retired: %s" % state)
    now = int(time.time())
    st, _ = post_batch(port, signed(world, (
        "OCOP-SCANS/1\nkiosk %s\nbatch %s\ncreated %d\ncount 1\n"
        "scan 950 %d genuine QN-0005 _ L1 7 %s 0\n" %
        (kid, "3" * 32, now, now, "ab" * 16))))
    check(st == 403, "a retired kiosk's batch: %d (want 403)" % st)


def migration():
    """A collector file made before the fleet (no kiosk_contact, no
    kiosk_days) is brought up to date when it is opened: contacts from its
    batches, scans per kiosk and Vietnam day from its scans."""
    old = os.path.join(T, "old.db")
    con = sqlite3.connect(old)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "data", "collector-before-fleet.sql")) as f:
        con.executescript(f.read())
    # 16:59:59 and 17:00:00 UTC are two Vietnam days.
    for i, (k, t) in enumerate((("A", 1790009999), ("A", 1790010000),
                                ("A", 1790010001), ("B", 1790000000))):
        con.execute("INSERT INTO scans VALUES (?, ?, ?, 'genuine', 'X', '',"
                    " '', 0, 'h', 0, 'b', 1)", (k, i, t))
    for k, b, rec in (("A", "1", 1790000100), ("A", "2", 1790020000),
                      ("B", "1", 1790000500)):
        con.execute("INSERT INTO batches VALUES (?, ?, x'00', 0, ?, 1, 1)",
                    (k, b, rec))
    con.commit()
    con.close()
    r = host("kiosk", "list", "--collector-db", old)
    check(r.returncode == 0, "ocop-host kiosk list opens an older collector")
    con = sqlite3.connect(old)
    days = con.execute("SELECT kiosk, day, scans FROM kiosk_days ORDER BY "
                       "1, 2").fetchall()
    contact = con.execute("SELECT key_id, last_contact, mirror_version FROM "
                          "kiosk_contact ORDER BY 1").fetchall()
    con.close()
    d = 1790009999 // 86400
    check(days == [("A", d, 1), ("A", d + 1, 2), ("B", d, 1)],
          "kiosk_days filled from the scans by Vietnam day: %s" % days)
    check(contact == [("A", 1790020000, None), ("B", 1790000500, None)],
          "kiosk_contact filled from the batches: %s" % contact)


def main():
    migration()
    world, db, conf, pub, kid = setup()
    col = os.path.join(world, "collector.db")
    p, ports = serve("--world", world, "--listen", "127.0.0.1:0",
                     "--console", "127.0.0.1:0")
    try:
        check("listening" in ports and "console" in ports, "serve started")
        c = {n: Client(ports["console"]) for n, _, _, _ in USERS}
        for n, cl in c.items():
            st, _ = cl.login(n)
            check(st == 303, "login %s" % n)
        enrol(c, col, db, pub, kid)
        upload(world, conf, ports["listening"])
        batches(ports["listening"], world, kid, col)
        fleet_page(c, kid, world)
        retire(c, col, db, kid, ports["listening"], world)
    finally:
        stop_serve(p)


if __name__ == "__main__":
    run_main(main)

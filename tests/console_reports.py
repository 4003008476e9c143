"""console_reports.py DRIVER OCOP_HOST: every ocop-host report kind in the
console (issue 14 item 8) with the real ocop-host serve --console over a
demo world and its made-up scans.

Each kind renders as a page with a filter, in Vietnamese and English; its
CSV download is byte for byte what `ocop-host report KIND --format csv`
prints for the same options, its XLSX download is a workbook (a zip) with
one worksheet per table holding the report's figures; both carry the
right Content-Type and an ASCII file name, and no temporary file stays
behind. A province clerk and an inspector get their province's figures
whatever the query asks; a producer gets none. Reports run off the
console's lock: while two slow reports run, other pages answer, and a
third report is told 503 with Retry-After."""
import http.client
import io
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (HOST, T, Client, add_host_users, check, fail,  # noqa
                         finish, run, run_main, stop_serve)

DAY = "2026-06-15"
FROM = "2026-05-17"
PW = "password-%s-123"
KINDS = ("verdicts", "hotspots", "clones", "findings", "reinspect",
         "expiring", "stats", "all")
# A word of each kind's page in Vietnamese and in English (the kind's
# menu word, console_html.c).
WORDS = {"verdicts": ("Lượt quét theo kết quả", "Scans by verdict"),
         "hotspots": ("Điểm nóng tem giả", "Forgery hotspots"),
         "clones": ("Tem nghi nhân bản", "Clone suspects"),
         "findings": ("Kết quả kiểm tra của thanh tra",
                      "Inspection findings"),
         "reinspect": ("Cần tái kiểm tra", "Due for re-inspection"),
         "expiring": ("Chứng nhận sắp hết hạn",
                      "Certificates expiring soon"),
         "stats": ("Thống kê theo tỉnh", "Statistics per province"),
         "all": ("Tất cả báo cáo", "Every report")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def setup_world():
    world = os.path.join(T, "w")
    run(HOST, "demo", world, "--date", DAY)
    run(HOST, "demo-scans", "--world", world, "--date", DAY, "--count",
        "3000")
    db = os.path.join(world, "registry.db")
    users = (("cen", "central", None, None), ("hn", "province", "ha noi",
                                              None),
             ("ihn", "inspector", "ha noi", None),
             ("pa", "producer", None, "HN-P0001"), ("vw", "viewer", None,
                                                    None))
    add_host_users(db, users, lambda name: PW % name)
    return world


def serve(world, tmp):
    env = dict(os.environ, TMPDIR=tmp)
    p = subprocess.Popen((HOST, "serve", "--world", world, "--listen",
                          "127.0.0.1:0", "--console", "127.0.0.1:0",
                          "--today", DAY), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=T, env=env)
    ports = {}
    for _ in range(2):
        m = re.search(r"^(listening|console) on https?://[^:]+:(\d+)",
                      p.stdout.readline())
        if m:
            ports[m.group(1)] = int(m.group(2))
    return p, ports


def get_bytes(port, cl, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    c.request("GET", path, headers={"Cookie": cl.cookie})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r, data


def cli_csv(world, kind, *opts):
    return subprocess.run((HOST, "report", kind, "--world", world, "--format",
                           "csv", "--today", DAY) + opts,
                          capture_output=True, check=True).stdout


def cli_sheets(world, kind, *opts):
    out = os.path.join(T, "cli-%s.xlsx" % kind)
    subprocess.run((HOST, "report", kind, "--world", world, "--format",
                    "xlsx", "--out", out, "--today", DAY) + opts,
                   capture_output=True, check=True)
    with zipfile.ZipFile(out) as z:
        return sorted(n for n in z.namelist()
                      if n.startswith("xl/worksheets/sheet"))


def strings_of(data):
    """The workbook's text cells (sharedStrings.xml) as one string."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        check(z.testzip() is None, "  the workbook's zip is intact")
        names = z.namelist()
        text = z.read("xl/sharedStrings.xml").decode()
    return names, text


def pages(port, c, world):
    q = "?from=%s&to=%s&today=%s&province=H%%C3%%A0+N%%E1%%BB%%99i" % (
        FROM, DAY, DAY)
    for kind in KINDS:
        st, _, page = c["cen"].get("/console/reports/%s%s" % (kind, q))
        check(st == 200 and WORDS[kind][0] in page and
              'lang="vi"' in page and "<table" in page,
              "%s: the page renders in Vietnamese with a filter" % kind)
        check("<script" not in page and " style=" not in page and
              'value="%s"' % FROM in page, "  no script, no inline style, "
              "the filter kept")
        st, _, page = c["cen"].get("/console/reports/%s%s&lang=en" %
                                   (kind, q))
        check(st == 200 and WORDS[kind][1] in page and 'lang="en"' in page,
              "  and in English")
    st, _, page = c["cen"].get("/console/reports")
    check(st == 200 and all("/console/reports/%s" % k in page
                            for k in KINDS), "the index links every kind")
    st, _, page = c["cen"].get("/console/")
    check('href="/console/reports"' in page, "the menu links the reports")


def downloads(port, c, world, tmp):
    prov = ("--province", "Hà Nội")
    opts = ("--from", FROM, "--to", DAY)
    q = "?from=%s&to=%s&today=%s&province=H%%C3%%A0+N%%E1%%BB%%99i" % (
        FROM, DAY, DAY)
    for kind in KINDS:
        for wide in (False, True):
            qq = ("?from=%s&to=%s&today=%s" % (FROM, DAY, DAY)) if wide else q
            o = opts if wide else opts + prov
            what = "%s%s" % (kind, " (every province)" if wide else "")
            if kind != "all":
                st, r, data = get_bytes(port, c["cen"],
                                        "/console/reports/%s.csv%s" %
                                        (kind, qq))
                want = cli_csv(world, kind, *o)
                check(st == 200 and data == want and len(data) > 20,
                      "%s CSV is ocop-host report's CSV (%d bytes)" %
                      (what, len(data)))
                cd = r.getheader("Content-Disposition") or ""
                check(r.getheader("Content-Type") ==
                      "text/csv; charset=utf-8" and
                      re.fullmatch(r'attachment; filename="ocop-report-%s_'
                                   r'%s_%s%s\.csv"' %
                                   (kind, FROM, DAY, "" if wide else "_HN"),
                                   cd) is not None,
                      "  Content-Type, Content-Disposition %s" % cd)
            st, r, data = get_bytes(port, c["cen"],
                                    "/console/reports/%s.xlsx%s" % (kind, qq))
            check(st == 200 and r.getheader("Content-Type") == XLSX and
                  data[:2] == b"PK", "%s XLSX: a zip of type %s" %
                  (what, r.getheader("Content-Type")))
            names, text = strings_of(data)
            sheets = sorted(n for n in names
                            if n.startswith("xl/worksheets/sheet"))
            check(sheets == cli_sheets(world, kind, *o),
                  "  one worksheet per table, as ocop-host report writes "
                  "(%d)" % len(sheets))
            if kind != "all":
                first = cli_csv(world, kind, *o).decode().splitlines()
                cell = first[1].split(",")[0] if len(first) > 1 else ""
                check(cell.strip('"') in text if cell else
                      "(none)" not in text,
                      "  the workbook holds the figures (%s)" %
                      (cell or "an empty table"))
    check(os.listdir(tmp) == [], "no temporary file left in TMPDIR")
    st, _, _ = c["cen"].get("/console/reports/all.csv" + q)
    check(st == 400, "all as CSV: 400 (one kind at a time)")


def scope(port, c, world):
    # Whatever province the query names, a clerk's and an inspector's
    # figures are their province's: the CLI's --province Hà Nội.
    q = "?from=%s&to=%s&today=%s&province=Qu%%E1%%BA%%A3ng+Ninh" % (
        FROM, DAY, DAY)
    for n in ("hn", "ihn"):
        for kind in ("verdicts", "hotspots", "clones", "findings",
                     "reinspect", "expiring", "stats"):
            st, _, data = get_bytes(port, c[n], "/console/reports/%s.csv%s" %
                                    (kind, q))
            want = cli_csv(world, kind, "--from", FROM, "--to", DAY,
                           "--province", "Hà Nội")
            check(st == 200 and data == want,
                  "%s's %s CSV: Hà Nội's figures only" % (n, kind))
        st, _, data = get_bytes(port, c[n], "/console/reports/verdicts.csv" +
                                q + "&by=kiosk")
        rows = data.decode().splitlines()[1:]
        check(st == 200 and rows and
              all(r.startswith("Hà Nội,") for r in rows),
              "  every kiosk row is in Hà Nội (%d rows)" % len(rows))
        st, _, page = c[n].get("/console/reports/stats" + q)
        check(st == 200 and 'name="province"' not in page and
              "Quảng Ninh" not in page, "  the page offers no other "
              "province")
        st, _, data = get_bytes(port, c[n], "/console/reports/verdicts.xlsx" +
                                q)
        _, text = strings_of(data)
        check(st == 200 and "Hà Nội" in text and "Quảng Ninh" not in text,
              "  the verdicts workbook names no other province")
    st, _, data = get_bytes(port, c["vw"], "/console/reports/verdicts.csv" +
                            q)
    check(st == 200 and data == cli_csv(world, "verdicts", "--from", FROM,
                                        "--to", DAY, "--province",
                                        "Quảng Ninh"),
          "a viewer picks any province")
    for path in ("/console/reports", "/console/reports/verdicts",
                 "/console/reports/verdicts.csv", "/console/reports/all.xlsx"):
        st, _, _ = c["pa"].get(path)
        check(st == 403, "a producer: GET %s is 403" % path)
    st, _, page = c["pa"].get("/console/mine")
    check('href="/console/reports"' not in page, "  and no menu entry")
    # The re-inspection page runs its report on the reports' thread too.
    st, _, page = c["ihn"].get("/console/reinspect")
    check(st == 200 and "<table" in page and "Cần tái kiểm tra" in page,
          "the inspector's re-inspection page (a report off the lock)")
    for path, want in (("/console/reports/nope", 404),
                       ("/console/reports/verdicts.pdf", 404),
                       ("/console/reports/verdicts?from=2026-02-30", 400),
                       ("/console/reports/verdicts?from=%s&to=%s" %
                        (DAY, FROM), 400),
                       ("/console/reports/clones?clone-kiosks=1", 400),
                       ("/console/reports/verdicts?by=shop", 400),
                       ("/console/reports/verdicts?province=Atlantis", 400)):
        st, _, _ = c["cen"].get(path)
        check(st == want, "GET %s: %d (want %d)" % (path, st, want))
    st, _, _ = c["cen"].post("/console/reports/verdicts", {})
    check(st == 405, "POST to a report: 405")


def slow(port, c, world):
    """Two slow reports run while other pages answer; a third is 503."""
    col = sqlite3.connect(os.path.join(world, "collector.db"))
    kiosk = col.execute("SELECT key_id FROM kiosks LIMIT 1").fetchone()[0]
    # Many scans outside the period the other checks read, each of a
    # label of its own: the clones report groups every one.
    col.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                "FROM n WHERE i < 300000) INSERT INTO scans SELECT ?, "
                "1000000 + i, 1700000000 + i, 'genuine', 'HN-0001', "
                "'C5F19383061E953B', 'L' || (i % 97), i, 'h', 0, 'b', "
                "1700000000 FROM n", (kiosk,))
    col.commit()
    col.close()
    res = {}
    errors = []

    def report(i):
        st, r, body = get_bytes(port, c["cen"], "/console/reports/all.xlsx?"
                                "from=2023-01-01&to=%s&clone-scans=1" % DAY)
        res[i] = (st, r.getheader("Retry-After"))
        if st not in (200, 503):  # what the server said, for the log
            errors.append(re.sub(r"<[^>]*>", " ", body.decode(
                "utf-8", "replace"))[-600:])

    ts = [threading.Thread(target=report, args=(i,)) for i in range(3)]
    for t in ts:
        t.start()
    # The first answer is the refusal: two reports fill the pool.
    while not res and any(t.is_alive() for t in ts):
        time.sleep(0.05)
    first = list(res.values())[:1]
    check(first and first[0] == (503, "5"), "a third report at once is "
          "503 with Retry-After: 5 (%s)" % first)
    st, _, page = c["hn"].get("/console/products")
    running = sum(t.is_alive() for t in ts)
    check(st == 200 and running >= 1, "the products page answered while "
          "%d report(s) were still running" % running)
    for t in ts:
        t.join()
    got = sorted(s for s, _ in res.values())
    check(got == [200, 200, 503], "the two others finished: %s %s"
          % (got, errors))


def main():
    world = setup_world()
    tmp = os.path.join(T, "tmp")
    os.makedirs(tmp)
    p, ports = serve(world, tmp)
    try:
        check("console" in ports, "serve --console started")
        port = ports["console"]
        c = {}
        for n in ("cen", "hn", "ihn", "pa", "vw"):
            c[n] = Client(port)
            st, _ = c[n].login(n, PW % n)
            check(st == 303, "login %s" % n)
        pages(port, c, world)
        downloads(port, c, world, tmp)
        scope(port, c, world)
        slow(port, c, world)
        check(os.listdir(tmp) == [], "still no temporary file left")
    finally:
        stop_serve(p, 120)


if __name__ == "__main__":
    run_main(main)

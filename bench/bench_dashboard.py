"""bench_dashboard.py N [SCANS]: the console's dashboard (GET /console/)
at N products, against the bare SQL of the same figures in the same run
(docs/performance.md "Console dashboard").

A registry of N products over N/125 producers in the 63 stored
provinces (stars, statuses and expiry dates spread like the demo's) is
made with the registry's own schema and triggers; SCANS scans (default
0) go into a collector file beside it, which the dashboard never reads.
The console (tests/console_driver) is started on it, a central user
signs in, and the dashboard is fetched 30 times on loopback: the time
to the last byte is an upper bound of the server's time. The baseline
runs the figures' plain SQL (GROUP BY province over products, the three
counts) on the same file, 30 times. Prints p50/p95 of both and the
ratio."""
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

from console_timing import pct, time_page

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
SCANS = int(sys.argv[2]) if len(sys.argv) > 2 else 0
BUILD = os.environ.get("OCOP_BUILD_DIR", "build/release")
HOST = os.path.join(BUILD, "host", "ocop-host")
DRIVER = os.path.join(BUILD, "tests", "console_driver")
T = tempfile.mkdtemp(prefix="bench_dashboard.")
DB = os.path.join(T, "r.db")
RUNS = 30

BARE = [
    "SELECT province, count(*), sum(stars=3), sum(stars=4 AND proposed5=0),"
    " sum(stars=5), sum(proposed5=1), count(DISTINCT producer),"
    " count(DISTINCT CASE WHEN stars=3 THEN producer END),"
    " count(DISTINCT CASE WHEN stars=4 AND proposed5=0 THEN producer END),"
    " count(DISTINCT CASE WHEN stars=5 THEN producer END),"
    " count(DISTINCT CASE WHEN proposed5=1 THEN producer END)"
    " FROM products GROUP BY province",
    "SELECT count(*) FROM products WHERE status='rated' AND expires>=?1 AND"
    " expires<=date(?1,'+90 days')",
    "SELECT count(*) FROM products WHERE status IN ('rated','expired') AND"
    " expires<?1",
    "SELECT count(*) FROM products WHERE status IN ('suspended','revoked')"
    " AND status_date>=substr(?1,1,8)||'01' AND status_date<=?1",
]


# By column name: the registry's table grows columns (certified_unit).
INSERT = ("INSERT INTO products (code, name, grp, producer, province, stars, "
          "proposed5, status, status_reason, status_date, certificate, "
          "certified, expires) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")


def make():
    subprocess.run([HOST, "registry", "init", "--db", DB], check=True,
                   capture_output=True)
    con = sqlite3.connect(DB)
    rnd = random.Random(7)
    names = ["Hà Nội", "Hà Giang", "Quảng Ninh", "Lâm Đồng", "Nghệ An",
             "Thanh Hóa", "Cần Thơ", "Đồng Tháp", "An Giang", "Bến Tre"]
    names += ["Tỉnh %02d" % i for i in range(53)]
    nprod = max(1, N // 125)
    con.execute("BEGIN")
    con.executemany("INSERT INTO producers VALUES (?,?,?,?,'')",
                    [("P%06d" % i, "Chủ thể %d" % i, "cooperative",
                      names[i % len(names)]) for i in range(nprod)])
    today = time.strftime("%Y-%m-%d", time.gmtime())
    rows = []
    for i in range(N):
        p = i % nprod
        stars = rnd.choice((3, 3, 3, 4, 4, 5))
        p5 = 1 if stars == 4 and rnd.random() < 0.05 else 0
        st = rnd.choices(("rated", "suspended", "revoked", "expired"),
                         (95, 2, 1, 2))[0]
        y = rnd.randint(2022, 2026)
        cert = "%d-%02d-%02d" % (y, rnd.randint(1, 12), rnd.randint(1, 28))
        exp = "%d%s" % (y + 3, cert[4:])
        sd = today if st in ("suspended", "revoked") and \
            rnd.random() < 0.2 else ("" if st == "rated" else cert)
        rows.append(("C%07d" % i, "Sản phẩm %d" % i, "food", "P%06d" % p,
                     names[p % len(names)], stars, p5, st,
                     "" if st == "rated" else "lý do", sd, "GCN-%d" % i,
                     cert, exp))
        if len(rows) == 50000:
            con.executemany(INSERT, rows)
            rows = []
    if rows:
        con.executemany(INSERT, rows)
    con.execute("COMMIT")
    con.close()
    if SCANS:
        sc = sqlite3.connect(os.path.join(T, "collector.db"))
        sc.execute("CREATE TABLE scans (kiosk TEXT, at INTEGER, product TEXT,"
                   " verdict TEXT)")
        sc.execute("BEGIN")
        for b in range(0, SCANS, 100000):
            sc.executemany("INSERT INTO scans VALUES (?,?,?,?)",
                           (("K%03d" % (j % 500), 1700000000 + j,
                             "C%07d" % (j % N), "genuine")
                            for j in range(b, min(SCANS, b + 100000))))
        sc.execute("COMMIT")
        sc.close()


def bare():
    con = sqlite3.connect(DB)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    # The baseline gets the dashboard's indexes too (made at console start).
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for q in BARE:
            con.execute(q, (today,) if "?1" in q else ()).fetchall()
        out.append(time.perf_counter() - t0)
    con.close()
    return out


def main():
    t0 = time.perf_counter()
    make()
    made = time.perf_counter() - t0
    times, body, started = time_page(DRIVER, DB, "/console/", RUNS,
                                     timeout=120)
    size = len(body)
    b = bare()
    d50, d95 = pct(times, .5) * 1e3, pct(times, .95) * 1e3
    b50, b95 = pct(b, .5) * 1e3, pct(b, .95) * 1e3
    print("products %d, producers %d, scans stored %d (not read)" %
          (N, max(1, N // 125), SCANS))
    print("made in %.1f s; console start (search index, dashboard "
          "summary) %.1f s" % (made, started))
    print("dashboard GET /console/ (%d bytes): p50 %.1f ms, p95 %.1f ms" %
          (size, d50, d95))
    print("bare SQL of the same figures:        p50 %.1f ms, p95 %.1f ms" %
          (b50, b95))
    print("ratio dashboard/bare (p95): %.3f" % (d95 / b95 if b95 else 0))
    subprocess.run(["rm", "-rf", T])


main()

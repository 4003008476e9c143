"""bench_fleet.py KIOSKS SCANS: the console's kiosk fleet (GET
/console/kiosks) at KIOSKS kiosks and SCANS stored scans, against the
bare SQL of the same figures over the raw scans in the same run
(docs/performance.md "Console kiosk fleet").

A SQLite collector in the format an older ocop-host left (no fleet
tables) gets KIOSKS kiosks in 34 provinces and SCANS scans spread over
the last 90 days; opening it (ocop-host kiosk list) fills kiosk_contact
and kiosk_days from them, timed. The console (tests/console_driver) is
started on an empty registry with that collector, a central user signs
in, and the fleet page is fetched 30 times on loopback: the time to the
last byte is an upper bound of the server's time (the counts cover every
kiosk, the table its first page of 200). The baseline counts
each kiosk's scans of the last 7 days from the raw scans (their kiosk
index) with the same joins, 30 times. Prints p50/p95 of both and the
ratio."""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

from console_timing import pct, time_page

KIOSKS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
SCANS = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
BUILD = os.environ.get("OCOP_BUILD_DIR", "build/release")
HOST = os.path.join(BUILD, "host", "ocop-host")
DRIVER = os.path.join(BUILD, "tests", "console_driver")
T = tempfile.mkdtemp(prefix="bench_fleet.")
DB, COL = os.path.join(T, "r.db"), os.path.join(T, "collector.db")
RUNS = 30
NOW = int(time.time())
SINCE = (NOW // 86400 + (NOW % 86400 + 25200) // 86400 - 6) * 86400 - 25200

BARE = ("SELECT k.key_id, k.province, k.shop, k.enrolled,"
        " (SELECT count(*) FROM scans s WHERE s.kiosk = k.key_id AND"
        "  s.time >= ?1),"
        " (SELECT max(received) FROM batches b WHERE b.kiosk = k.key_id),"
        " (SELECT count(*) FROM findings f WHERE f.kiosk = k.key_id AND"
        "  f.time >= ?1)"
        " FROM kiosks k ORDER BY k.province, k.shop, k.key_id")


def make():
    subprocess.run([HOST, "registry", "init", "--db", DB], check=True,
                   capture_output=True)
    con = sqlite3.connect(COL)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                           "tests", "data", "collector-before-fleet.sql")) as f:
        con.executescript(f.read())
    provs = ["Hà Nội", "Quảng Ninh", "Lâm Đồng", "Nghệ An", "Thanh Hóa",
             "Cần Thơ", "Đồng Tháp", "An Giang", "Tuyên Quang", "Huế"]
    con.execute("BEGIN")
    con.executemany("INSERT INTO kiosks VALUES (?, 'x', ?, ?, "
                    "'2026-01-01T00:00:00Z', NULL)",
                    [("%016X" % (i * 7919 + 1), provs[i % len(provs)],
                      "Cửa hàng %d" % i) for i in range(KIOSKS)])
    con.execute("CREATE TEMP TABLE k AS SELECT row_number() OVER () - 1 AS"
                " i, key_id FROM kiosks")
    # SCANS scans, kiosk by kiosk (CROSS JOIN keeps k outside, so the
    # rows arrive in key order), over the last 90 days; a batch per kiosk
    # and a finding per tenth.
    per = SCANS // KIOSKS
    con.execute(
        "WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n"
        " WHERE j < ?1 - 1) INSERT INTO scans SELECT k.key_id, n.j + 1,"
        " ?2 - (n.j * 7777 % (90 * 86400)), 'genuine', 'P', 'S', 'L', 0,"
        " 'h', 0, 'b', ?2 FROM k CROSS JOIN n", (per, NOW))
    con.execute("INSERT INTO batches SELECT key_id, 'b', x'00', 0, ?1 - i,"
                " 1, 1 FROM k", (NOW,))
    con.execute("INSERT INTO findings SELECT key_id, 1, ?1 - i * 60, 'I',"
                " 'P', 'L', 0, 'f', '', 'b', ?1 FROM k WHERE i % 10 = 0",
                (NOW,))
    con.execute("COMMIT")
    con.close()


def bare():
    con = sqlite3.connect(COL)
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        con.execute(BARE, (SINCE,)).fetchall()
        out.append(time.perf_counter() - t0)
    con.close()
    return out


def main():
    t0 = time.perf_counter()
    make()
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run([HOST, "kiosk", "list", "--collector-db", COL],
                   check=True, capture_output=True)
    migrated = time.perf_counter() - t0
    times, body, _ = time_page(DRIVER, DB, "/console/kiosks", RUNS,
                               ["--collector", COL])
    size = len(body)
    counted = sum(int(n) for n in re.findall(rb'id="count-\w+">(\d+)<',
                                              body))
    if counted != KIOSKS or body.count(b'id="kiosk-') != min(KIOSKS, 200):
        raise SystemExit("the page counts %d kiosks, not %d" % (counted,
                                                                 KIOSKS))
    b = bare()
    d50, d95 = pct(times, .5) * 1e3, pct(times, .95) * 1e3
    b50, b95 = pct(b, .5) * 1e3, pct(b, .95) * 1e3
    print("kiosks %d, scans %d (90 days)" % (KIOSKS, SCANS))
    print("made in %.1f s; first open (fills kiosk_contact, kiosk_days) "
          "%.1f s" % (made, migrated))
    print("fleet GET /console/kiosks (%d bytes): p50 %.1f ms, p95 %.1f ms"
          % (size, d50, d95))
    print("bare SQL over the raw scans:            p50 %.1f ms, p95 %.1f ms"
          % (b50, b95))
    print("ratio fleet/bare (p95): %.3f" % (d95 / b95 if b95 else 0))
    subprocess.run(["rm", "-rf", T])


main()

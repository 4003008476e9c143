"""console_pg.py DRIVER REGISTRY CONNINFO PSQL: the console's pages that
show collector figures, on a PostgreSQL collector as it is (bench/
collector_pg.sh: after the year's bulk load), against a baseline measured
in the same run (docs/performance.md "Collector at national scale").
CONNINFO may also be a SQLite collector file: the same pages, and the
baseline's count in one sqlite3 connection.

The console (tests/console_driver) is started on REGISTRY with the
collector at CONNINFO, a central user signs in, and the dashboard
(GET /console/) and the kiosk fleet (GET /console/kiosks: every kiosk with
its scans of the last 7 days from daily_kiosks) are fetched 30 times each
on loopback, the time to the last byte being an upper bound of the
server's time. The baseline: the bare count of the raw scans the fleet's
figures sum (the last 7 days, partitions pruned), 30 times in one psql
session (its own \\timing). Prints p50/p95 of each."""
import re
import shutil
import sqlite3
import subprocess
import sys
import time

from console_timing import pct, time_page

DRIVER, REG, CONN, PSQL = sys.argv[1:5]
RUNS = 30
NOW = int(time.time())


def bare_sqlite():
    con = sqlite3.connect(CONN)
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        con.execute("SELECT count(*) FROM scans WHERE time >= ?",
                    (NOW - 7 * 86400,)).fetchone()
        out.append(time.perf_counter() - t0)
    con.close()
    return out


def bare():
    if "://" not in CONN and "=" not in CONN:
        return bare_sqlite()
    sql = "\\timing on\n" + ("SELECT count(*) FROM collector.scans WHERE"
                             " time >= %d;\n" % (NOW - 7 * 86400)) * RUNS
    out = subprocess.run([PSQL, "-X", "-q", "-At", CONN], input=sql,
                         text=True, capture_output=True, check=True).stdout
    return [float(m) / 1e3 for m in re.findall(r"Time: ([0-9.]+) ms", out)]


def main():
    for i, path in enumerate(("/console/", "/console/kiosks")):
        # A copy per page: time_page adds its user to the registry.
        reg = "%s.%d" % (REG, i)
        shutil.copyfile(REG, reg)
        times, body, _ = time_page(DRIVER, reg, path, RUNS,
                                   ["--collector", CONN])
        print("console GET %s (%d bytes): p50 %.1f ms, p95 %.1f ms" %
              (path, len(body), pct(times, .5) * 1e3, pct(times, .95) * 1e3))
    b = bare()
    print("baseline: bare count(*) of the last 7 days' raw scans: p50 %.1f "
          "ms, p95 %.1f ms" % (pct(b, .5) * 1e3, pct(b, .95) * 1e3))


main()

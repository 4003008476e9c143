"""bench_console_reports.py [SCANS] [WORLD]: each report kind through the
console (GET /console/reports/KIND.csv, and the page and XLSX of `all`)
against `ocop-host report KIND` as a process over the same world in the
same run (docs/performance.md "Console reports").

A demo world (`ocop-host demo --date 2026-06-15`) gets SCANS made-up scans
(`demo-scans`, default 1,000,000, 30 days); WORLD reuses a world made
before. `ocop-host serve --world --console` is started on it, a central
user signs in, and every measurement is the best of 3 wall times (time
to the last byte on loopback for the console, the whole process for the
command). Prints both and the ratio console / command."""
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

SCANS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
BUILD = os.environ.get("OCOP_BUILD_DIR", "build/release")
HOST = os.path.join(BUILD, "host", "ocop-host")
DAY, FROM = "2026-06-15", "2026-05-17"
OPTS = ["--from", FROM, "--to", DAY, "--today", DAY]
QUERY = "?from=%s&to=%s&today=%s" % (FROM, DAY, DAY)


def best(f):
    t = []
    for _ in range(3):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    return min(t)


def main():
    T = tempfile.mkdtemp(prefix="bench_console_reports.")
    world = sys.argv[2] if len(sys.argv) > 2 else os.path.join(T, "w")
    if len(sys.argv) <= 2:
        subprocess.run([HOST, "demo", world, "--date", DAY], check=True,
                       capture_output=True)
        subprocess.run([HOST, "demo-scans", "--world", world, "--date", DAY,
                        "--count", str(SCANS)], check=True,
                       capture_output=True)
    db = os.path.join(world, "registry.db")
    subprocess.run([HOST, "user", "add", "--db", db, "--user", "bench",
                    "--role", "central", "--password-file", "-"],
                   input="bench-password-1\n", text=True, capture_output=True)
    p = subprocess.Popen([HOST, "serve", "--world", world, "--listen",
                          "127.0.0.1:0", "--console", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    port = None
    for _ in range(2):
        m = re.search(r"^console on http://[^:]+:(\d+)", p.stdout.readline())
        if m:
            port = int(m.group(1))
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        c.request("POST", "/console/login", urllib.parse.urlencode(
            {"user": "bench", "password": "bench-password-1"}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        cookie = r.getheader("Set-Cookie").split(";")[0]

        def get(path):
            c.request("GET", path, headers={"Cookie": cookie})
            r = c.getresponse()
            r.read()
            assert r.status == 200, (path, r.status)

        def cli(kind, fmt):
            out = os.path.join(T, "out." + fmt)
            subprocess.run([HOST, "report", kind, "--world", world,
                            "--format", fmt, "--out", out] + OPTS,
                           check=True, capture_output=True)

        print("scans: %d, period %s..%s" % (SCANS, FROM, DAY))
        print("%-22s %12s %12s %7s" % ("", "console s", "command s",
                                       "ratio"))
        rows = [(k, "csv", "/console/reports/%s.csv" % k)
                for k in ("verdicts", "hotspots", "clones", "findings",
                          "reinspect", "expiring", "stats")]
        rows += [("all", "html", "/console/reports/all"),
                 ("all", "xlsx", "/console/reports/all.xlsx")]
        for kind, fmt, path in rows:
            a = best(lambda: get(path + QUERY))
            b = best(lambda: cli(kind, fmt))
            print("%-22s %12.3f %12.3f %7.2f" % ("%s %s" % (kind, fmt), a, b,
                                                 a / b))
    finally:
        p.terminate()
        p.wait(60)
        shutil.rmtree(T, ignore_errors=True)


main()

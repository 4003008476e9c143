"""console_timing.py -- what the console benches share: start the console
(tests/console_driver) on a registry, sign a central user in, and time one
page on loopback, the time to the last byte being an upper bound of the
server's time."""
import http.client
import re
import subprocess
import time
import urllib.parse


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def time_page(driver, db, path, runs, serve_args=(), timeout=300):
    """GET path runs times after two warm-up requests. Returns (times in
    seconds, the last body, seconds until the console listened)."""
    subprocess.run([driver, "useradd", db, "cen", "central", "", ""],
                   input="password-cen-123\n", text=True, check=True)
    t0 = time.perf_counter()
    p = subprocess.Popen([driver, "serve", db, *serve_args],
                         stdout=subprocess.PIPE, text=True)
    port = int(re.match(r"port (\d+)", p.stdout.readline()).group(1))
    started = time.perf_counter() - t0
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("POST", "/console/login", urllib.parse.urlencode(
            {"user": "cen", "password": "password-cen-123"}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        cookie = r.getheader("Set-Cookie").split(";")[0]
        times, body = [], b""
        for i in range(runs + 2):
            t = time.perf_counter()
            c.request("GET", path, headers={"Cookie": cookie})
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                raise SystemExit("GET %s: %d" % (path, r.status))
            if i >= 2:  # two warm-up requests
                times.append(time.perf_counter() - t)
        c.close()
    finally:
        p.terminate()
        p.wait()
    return times, body, started

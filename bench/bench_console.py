#!/usr/bin/env python3
"""Console benchmark (issue 13): product search and the product page at
N products, served by `ocop-host serve --console`, against a bare indexed
SQLite query of the same rows in the same run. Prints p50/p95 of each
request's time on loopback (server time plus one loopback round trip) and
the ratio to the bare query's p95.

The registry is the demo's, grown to N products by copying its rows under
new codes in one transaction (every column but the code is a demo row's,
so names, provinces and producers are real ones, repeated).

usage: bench_console.py [N ...]   (default 100000 1000000;
                                   OCOP_BUILD_DIR: the build to run)"""
import http.client
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

BUILD = os.environ.get("OCOP_BUILD_DIR",
                       os.path.join(os.path.dirname(os.path.abspath(
                           __file__)), "..", "build", "release"))
HOST = os.path.join(BUILD, "host", "ocop-host")
PASSWORD = "bench-password-0123456789"
# Searches a clerk types: a name that matches many rows, a rare name, a
# product code, a producer code, and one that matches nothing.
QUERIES = ("che", "mật ong", "HG-0004", "AG-P0002", "zzzz khong co")
ROUNDS = 20


def grow(db, n):
    con = sqlite3.connect(db)
    cols = [r[1] for r in con.execute("PRAGMA table_info(products)")]
    rest = ",".join(c for c in cols if c != "code")
    base = con.execute("SELECT count(*) FROM products").fetchone()[0]
    # Copies of the demo rows under codes PP-1000000+k: unique, and in
    # the same shape as real codes (province letters, dash, digits); one
    # statement, so the cost is the inserts' alone.
    con.execute("BEGIN")
    con.execute("CREATE TEMP TABLE base AS SELECT row_number() OVER "
                "(ORDER BY code) - 1 AS i, * FROM products")
    con.execute(
        "WITH RECURSIVE rep(r) AS (SELECT 0 UNION ALL SELECT r+1 FROM rep "
        "WHERE r < ?1) INSERT INTO products(code," + rest + ") SELECT "
        "substr(code,1,instr(code,'-'))||(1000000+r*?2+i)," + rest +
        " FROM rep, base ORDER BY r, i LIMIT ?3",
        (max(0, n - base) // base + 1, base, max(0, n - base)))
    con.execute("COMMIT")
    con.close()


def serve(db):
    p = subprocess.Popen((HOST, "serve", "--db", db, "--console",
                          "127.0.0.1:0"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("serve did not start: " + p.stderr.read())
        m = re.search(r"^console on https?://[^:]+:(\d+)", line)
        if m:
            return p, int(m.group(1))


def request(port, method, path, body=None, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = cookie
    t = time.perf_counter()
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    dt = time.perf_counter() - t
    c.close()
    return r.status, r, data, dt


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def fold(q):
    # The bare query's LIKE pattern: what console_fold makes of the
    # queries above (ASCII, marks removed, lower case).
    return {"mật ong": "mat ong", "HG-0004": "hg 0004",
            "AG-P0002": "ag p0002"}.get(q, q.lower())


def bare(db, codes):
    con = sqlite3.connect(db)
    out = {"search": [], "page": []}
    for _ in range(ROUNDS):
        for q in QUERIES:
            t = time.perf_counter()
            con.execute(
                "SELECT p.code,p.name,p.grp,p.producer,p.province,p.stars,"
                "p.proposed5,p.status,p.expires FROM console_search_fts f "
                "JOIN console_search s ON s.rid=f.rowid JOIN products p ON "
                "p.code=s.code WHERE f.folded LIKE ? ORDER BY f.rowid "
                "LIMIT 51", ("%" + fold(q) + "%",)).fetchall()
            out["search"].append(time.perf_counter() - t)
        for code in codes:
            t = time.perf_counter()
            con.execute("SELECT * FROM products WHERE code=?",
                        (code,)).fetchall()
            con.execute("SELECT * FROM audit WHERE entity='product' AND "
                        "ref=? ORDER BY id DESC LIMIT 50",
                        (code,)).fetchall()
            out["page"].append(time.perf_counter() - t)
    con.close()
    return out


def run(n, tmp):
    world = os.path.join(tmp, "w%d" % n)
    subprocess.run((HOST, "demo", world, "--date", "2026-06-15"), check=True,
                   capture_output=True)
    db = os.path.join(world, "registry.db")
    t = time.perf_counter()
    grow(db, n)
    grow_s = time.perf_counter() - t
    subprocess.run((HOST, "user", "add", "--db", db, "--user", "bench",
                    "--role", "central", "--password-file", "-"),
                   input=PASSWORD + "\n", text=True, check=True,
                   capture_output=True)
    t = time.perf_counter()
    p, port = serve(db)
    body = urllib.parse.urlencode({"user": "bench", "password": PASSWORD})
    st, r, _, login_s = request(port, "POST", "/console/login", body)
    if st != 303:
        raise SystemExit("login failed: %d" % st)
    cookie = r.getheader("Set-Cookie").split(";")[0]
    # The first search builds the index of a registry it has never seen.
    _, _, _, first_s = request(port, "GET", "/console/products?q=che",
                               cookie=cookie)
    index_s = time.perf_counter() - t
    con = sqlite3.connect(db)
    codes = [r[0] for r in con.execute(
        "SELECT code FROM products ORDER BY random() LIMIT 10")]
    con.close()
    got = {"search": [], "page": []}
    for _ in range(ROUNDS):
        for q in QUERIES:
            st, _, data, dt = request(
                port, "GET", "/console/products?q=" + urllib.parse.quote(q),
                cookie=cookie)
            assert st == 200, (q, st)
            got["search"].append(dt)
        for code in codes:
            st, _, data, dt = request(port, "GET", "/console/product/" +
                                      urllib.parse.quote(code),
                                      cookie=cookie)
            assert st == 200 and code.encode() in data, (code, st)
            got["page"].append(dt)
    p.terminate()
    p.communicate(timeout=60)
    ref = bare(db, codes)
    print("products %d  (grown in %.1f s; serve start + login + first "
          "search building the index %.1f s; one login %.0f ms)"
          % (n, grow_s, index_s, login_s * 1e3))
    for what in ("search", "page"):
        g, b = got[what], ref[what]
        print("  %-6s  console p50 %6.1f ms  p95 %6.1f ms   bare SQLite p50 "
              "%6.2f ms  p95 %6.2f ms   ratio p95 %.1fx"
              % (what, pct(g, 50) * 1e3, pct(g, 95) * 1e3, pct(b, 50) * 1e3,
                 pct(b, 95) * 1e3, pct(g, 95) / max(pct(b, 95), 1e-6)))
    for q in QUERIES:
        xs = got["search"][QUERIES.index(q)::len(QUERIES)]
        print("    search %-16r p95 %6.1f ms" % (q, pct(xs, 95) * 1e3))
    sys.stdout.flush()
    shutil.rmtree(world, ignore_errors=True)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100000, 1000000]
    tmp = tempfile.mkdtemp(prefix="consolebench-")
    try:
        for n in sizes:
            run(n, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

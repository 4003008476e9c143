"""phone_pg.py DRIVER OCOP_HOST (PG_CONN and PG_BIN in the environment,
from tests/phone_pg.sh): the phone page closes the loop on a PostgreSQL
collector as on SQLite (issue 14 item 5, docs/phone-page.md "Reports").
ocop-host serve --collector-db PG over a demo world: each lookup is
recorded in collector.phone_lookups without the client's address and cut
to the hour; lookups feed the clones report; a shopper's report with its
photo is stored once, a flood meets the same limit and nothing else
breaks; the report and its photo reach the province's queue in the
console, and the label looked up too often is a suspect there. An
inspector's finding a kiosk stored in PostgreSQL reaches the queue of the
kiosk's province too."""
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import (HOST, T, Client, add_host_users, check, fail,  # noqa
                         finish, run, run_main, stop_serve)
from console_work import (DAY, PNG, PW, host, label, raw, report,  # noqa
                          serve, wait_for)

PG = os.environ["PG_CONN"]
PSQL = os.path.join(os.environ["PG_BIN"], "psql")


def pq(sql):
    return subprocess.run((PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                           PG, "-c", sql), capture_output=True, text=True,
                          check=True).stdout.strip()


def setup():
    world = os.path.join(T, "w")
    run(HOST, "demo", world, "--date", DAY)
    db = os.path.join(world, "registry.db")
    add_host_users(db, (("tw", "central", None, None),
                        ("hn", "province", "ha noi", None)),
                   lambda name: PW % name)
    return world, db


def phone(port, world):
    pay = label(7)
    st, _, page = raw(port, "GET", "/V/" + pay)
    check(st == 200 and "Báo cáo tem này" in page.decode(),
          "a PostgreSQL collector: the verdict page carries the report form")
    rows = pq("SELECT time, verdict, product, lot, serial FROM "
              "collector.phone_lookups ORDER BY id").splitlines()
    f = rows[0].split("|") if rows else []
    check(f[1:] == ["genuine", "HN-0001", "L1", "7"] and int(f[0]) % 3600 == 0,
          "the lookup is recorded in PostgreSQL, cut to the hour: %s" % rows)
    cols = pq("SELECT string_agg(column_name, ' ') FROM information_schema"
              ".columns WHERE table_name = 'phone_lookups'")
    check(not re.search("addr|ip|client", cols) and "127.0.0.1" not in
          pq("SELECT string_agg(t::text, ' ') FROM collector.phone_lookups t"),
          "no client address stored")
    pay9 = label(9)
    for _ in range(22):
        raw(port, "GET", "/V/" + pay9)
    r = host("report", "clones", "--collector-db", PG, "--db",
             os.path.join(world, "registry.db"), "--format", "csv")
    check(re.search(r"HN-0001,L1,9,0,.*phone 22", r.stdout) is not None,
          "22 lookups of one label make it a suspect of the clones report "
          "on PostgreSQL: %s" % (r.stdout + r.stderr)[-300:])
    good = {"what": "looks_different", "note": "Tem mờ, chữ <b>lệch</b>",
            "province": "Hà Nội", "shop": "Chợ \"Đồng Xuân\""}
    st, _, body = report(port, pay, good, PNG)
    check(st == 200 and "Cảm ơn" in body.decode(),
          "a shopper's report with a photo is accepted")
    st, _, _ = report(port, pay, dict(good, what="rm -rf"))
    check(st == 400, "an unknown reason: 400")
    # The same limit as on SQLite: a burst of 3 per address, then 429.
    codes = [report(port, pay, good)[0] for _ in range(25)]
    taken = codes.count(200)
    check(taken <= 2 and codes[taken:] == [429] * (25 - taken),
          "a flood of reports meets the limit after the burst (%s)" % codes)
    for path in ("/V/" + pay, "/healthz"):
        st, _, _ = raw(port, "GET", path)
        check(st == 200, "%s still answers during the flood" % path)
    check(pq("SELECT count(*) FROM collector.phone_reports") ==
          str(1 + taken), "each accepted report stored once")
    check(pq("SELECT encode(photo, 'hex') FROM collector.phone_reports "
             "ORDER BY id LIMIT 1") == PNG.hex(),
          "the photo stored byte for byte")


def finding():
    """A kiosk of Hà Nội and a finding it uploaded, as the collector's
    upload stores them in PostgreSQL (docs/upload.md)."""
    sec, pub = (os.path.join(T, "k." + e) for e in ("sec", "pub"))
    run(HOST, "keygen", "--secret", sec, "--public", pub)
    r = host("kiosk", "enroll", "--collector-db", PG, "--public", pub,
             "--province", "Hà Nội", "--shop", "Chợ Đồng Xuân")
    m = re.search(r"enrolled kiosk ([0-9A-F]{16})", r.stdout)
    check(m, "a kiosk enrolled on PostgreSQL: %s" % (r.stdout + r.stderr))
    now = int(time.time())
    pq("INSERT INTO collector.findings VALUES ('%s', 1, %d, 'I-7', "
       "'HN-0065', 'L9', 3, 'tampered', 'nhãn dán đè <b>', 'b1', %d)" %
       (m.group(1) if m else "?", now - 60, now))


def queue(cport, db):
    c = {n: Client(cport) for n in ("tw", "hn")}
    for n, cl in c.items():
        st, _ = cl.login(n, PW % n)
        check(st == 303, "login %s" % n)
    st, _, page = c["hn"].get("/console/queue")
    check(st == 200 and "Báo cáo của người mua" in page and "HN-0001" in page,
          "the shopper's report is in Hà Nội's queue")
    check("Phát hiện của thanh tra" in page and "tampered" in page and
          "nhãn dán đè &lt;b&gt;" in page,
          "the inspector's finding on PostgreSQL is in Hà Nội's queue")
    st, _, tpage = wait_for(c["tw"], "/console/queue", "phone 22")
    check(re.search(r"HN-0001 L1 #9</td><td>count</td><td>0 scans, 0 kiosks: "
                    r"phone 22", tpage) is not None,
          "the label looked up too often is a suspect in the queue")
    con = sqlite3.connect(db)
    rid = con.execute("SELECT id FROM queue_items WHERE source='report' "
                      "ORDER BY id").fetchone()
    f = con.execute("SELECT province, shop, note FROM queue_items WHERE "
                    "source='finding'").fetchall()
    con.close()
    check(rid is not None, "the report is a queue item")
    check(f == [("Hà Nội", "Chợ Đồng Xuân", "I-7: nhãn dán đè <b>")],
          "the finding keeps its kiosk's place and its inspector: %s" % f)
    return c, rid[0] if rid else 0


def main():
    world, db = setup()
    p, ports = serve("--world", world, "--collector-db", PG, "--listen",
                     "127.0.0.1:0", "--console", "127.0.0.1:0", "--today",
                     DAY)
    try:
        check("listening" in ports and "console" in ports, "serve started")
        phone(ports["listening"], world)
        finding()
        c, rid = queue(ports["console"], db)
        st, r, _ = c["hn"].get("/console/queue/%d/photo" % rid)
        check(st == 200 and r.getheader("Content-Type") == "image/png",
              "the photo is served from PostgreSQL as image/png")
    finally:
        stop_serve(p)


if __name__ == "__main__":
    run_main(main)

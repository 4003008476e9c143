#!/usr/bin/env python3
"""ocop-host report end to end: a demo world, demo scans, every report
kind in every format; CSV figures against independent sqlite3 CLI
queries; the planted clone found, confirmed, exported and checked as
clone_reported; HTML tag balance; bad input exit codes."""
import csv
import html.parser
import io
import os
import shutil
import subprocess
import sys
import tempfile

HOST = sys.argv[1]
DATE = "2026-11-20"
failures = []


def run(*args, ok=(0,)):
    p = subprocess.run([HOST, *args], capture_output=True, text=True)
    if p.returncode not in ok:
        raise SystemExit(f"FAIL: ocop-host {' '.join(args)} -> {p.returncode}\n"
                         f"{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p


def sql(db, query):
    p = subprocess.run(["sqlite3", "-csv", db, query], capture_output=True,
                       text=True, check=True)
    return list(csv.reader(io.StringIO(p.stdout)))


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def csv_tables(text):
    """Tables of a CSV report: blank lines separate them."""
    out = []
    for block in text.strip("\n").split("\n\n"):
        out.append(list(csv.DictReader(io.StringIO(block))))
    return out


class Balance(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "rect", "link", "hr", "input"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def html_ok(path, what):
    text = open(path, encoding="utf-8").read()
    b = Balance()
    b.feed(text)
    b.close()
    check(not b.errors and not b.stack,
          f"{what}: tags balanced ({b.errors[:3]} open {b.stack[:5]})")
    check(text.startswith("<!DOCTYPE html>"), f"{what}: doctype")
    for bad in ("<script", "src=", "href=", "@import", "url("):
        check(bad not in text, f"{what}: self-contained (no {bad})")
    return text, b


def main():
    tmp = tempfile.mkdtemp(prefix="ocop-report-")
    try:
        world = os.path.join(tmp, "w")
        run("demo", world, "--date", DATE)
        out = run("demo-scans", "--world", world, "--date", DATE,
                  "--count", "4000").stdout
        check("4242" in out, "demo-scans names the planted clone")
        coll = os.path.join(world, "collector.db")
        reg = os.path.join(world, "registry.db")
        W = ["--world", world, "--today", DATE]

        # Deterministic: the same seed gives the same scans (a second
        # run into a fresh copy of the registry's world).
        n1 = sql(coll, "SELECT count(*), sum(serial), sum(time) FROM scans")

        # A finding with markup and a formula in its note, inserted as
        # the future batch record type would store it.
        prod = sql(reg, "SELECT code FROM products WHERE status='rated' "
                        "ORDER BY code LIMIT 1 OFFSET 40")[0][0]
        kiosk = sql(coll, "SELECT key_id FROM kiosks ORDER BY key_id "
                          "LIMIT 1")[0][0]
        t = sql(coll, "SELECT max(time) FROM scans")[0][0]
        sql(coll, "INSERT INTO findings VALUES ('%s', 9001, %s, 'T<1>', "
                  "'%s', 'L1', 7, 'quality_complaint', "
                  "'=SUM(A1) <script>alert(1)</script> &', 'test', %s)"
            % (kiosk, t, prod, t))
        # The classic CSV injection, as a finding's note and as the
        # product's name in the registry: every CSV cell that carries
        # them must be written behind a single quote.
        INJECT = "-2+3+cmd|' /C calc'!A0"
        sql(coll, "INSERT INTO findings VALUES ('%s', 9002, %s, 'T<2>', "
                  "'%s', 'L1', 8, 'other', '%s', 'test', %s)"
            % (kiosk, t, prod, INJECT.replace("'", "''"), t))
        sql(reg, "UPDATE products SET name = '%s' WHERE code = '%s'"
            % (INJECT.replace("'", "''"), prod))

        kinds = ["verdicts", "hotspots", "clones", "findings", "reinspect",
                 "expiring", "stats"]
        for k in kinds:
            for fmt in ("table", "csv", "html"):
                dest = os.path.join(tmp, f"{k}.{fmt}")
                run("report", k, *W, "--format", fmt, "--out", dest)
                check(os.path.getsize(dest) > 100, f"{k} {fmt} not empty")
                if fmt == "html":
                    text, b = html_ok(dest, f"{k} html")
                    check(b.tags.get("svg", 0) >= 1, f"{k} html has an SVG chart")
                    check("Biểu đồ" in text or "<rect" in text or k in (
                        "clones",), f"{k} html has bars")
        text, b = html_ok(os.path.join(tmp, "findings.html"), "findings")
        check("=SUM(A1) &lt;script&gt;alert(1)&lt;/script&gt; &amp;" in text,
              "finding note escaped in HTML")
        run("report", "all", *W, "--format", "html", "--out",
            os.path.join(tmp, "all.html"))
        text, b = html_ok(os.path.join(tmp, "all.html"), "all html")
        check(b.tags.get("svg", 0) >= 8 and b.tags.get("table", 0) >= 10,
              f"all html has every section ({b.tags.get('svg')} svg)")
        check("@media print" in text, "all html has print CSS")
        run("report", "all", *W)  # table form
        r = run("report", "all", *W, "--format", "csv", ok=(2,))
        check("CSV" in r.stderr, "all as CSV is refused with a reason")

        # ---- verdicts per province against sqlite3 -------------------
        got = csv_tables(run("report", "verdicts", *W, "--format",
                             "csv").stdout)[0]
        want = {row[0]: row[1:] for row in sql(coll,
                "SELECT k.province, count(*), sum(s.verdict='genuine'), "
                "sum(s.verdict='forged'), sum(s.verdict='unknown_signer') "
                "FROM scans s JOIN kiosks k ON k.key_id = s.kiosk "
                "GROUP BY k.province")}
        rows = {r["province"]: r for r in got if r["province"] != "nationwide"}
        check(len(rows) == len(want) and set(rows) == set(want),
              f"verdicts: the kiosks' provinces ({len(rows)})")
        for p, (tot, gen, forg, uns) in want.items():
            r = rows.get(p, {})
            check([r.get("total"), r.get("genuine"), r.get("forged"),
                   r.get("unknown_signer")] == [tot, gen, forg, uns],
                  f"verdicts {p}: {r.get('total')} vs {tot}")
        total = sql(coll, "SELECT count(*) FROM scans")[0][0]
        nat = [r for r in got if r["province"] == "nationwide"]
        check(nat and nat[0]["total"] == total, "verdicts nationwide total")

        # Per day, with a date range and a province (Vietnam days).
        prov = sorted(want)[5]
        got = csv_tables(run("report", "verdicts", *W, "--format", "csv",
                             "--by", "day", "--from", "2026-11-01", "--to",
                             "2026-11-10", "--province", prov).stdout)[0]
        want = sql(coll,
                   "SELECT date(s.time + 25200, 'unixepoch'), count(*), "
                   "sum(s.verdict='genuine') FROM scans s JOIN kiosks k ON "
                   "k.key_id = s.kiosk WHERE k.province = '%s' AND "
                   "date(s.time + 25200, 'unixepoch') BETWEEN '2026-11-01' "
                   "AND '2026-11-10' GROUP BY 1 ORDER BY 1" % prov)
        check([[r["day"], r["total"], r["genuine"]] for r in got] == want,
              f"verdicts per day in {prov}: {len(got)} days vs {len(want)}")
        check(len(want) == 10, "ten days in the range")

        # Per kiosk: every kiosk's total.
        got = csv_tables(run("report", "verdicts", *W, "--format", "csv",
                             "--by", "kiosk").stdout)[0]
        want = dict(sql(coll, "SELECT kiosk, count(*) FROM scans "
                              "GROUP BY kiosk"))
        check({r["kiosk"]: r["total"] for r in got} == want,
              "verdicts per kiosk totals")

        # ---- hotspots: the planted shops lead ---------------------------
        hot = csv_tables(run("report", "hotspots", *W, "--format",
                             "csv").stdout)
        top = [r["province"] for r in hot[0][:2]]
        planted = out.split("forgery hotspots in ")[1].split(";")[0]
        check(sorted(top) == sorted(planted.split(" and ")),
              f"hotspot provinces {top} are the planted {planted}")
        want = sql(coll, "SELECT kiosk, count(*) FROM scans WHERE verdict "
                         "IN ('forged','unknown_signer') GROUP BY kiosk "
                         "ORDER BY 2 DESC, 1 LIMIT 1")[0]
        check([hot[1][0]["kiosk"], hot[1][0]["hot"]] == want,
              "top hotspot kiosk")

        # ---- stats: registry figures and scan counts ----------------
        got = csv_tables(run("report", "stats", *W, "--format",
                             "csv").stdout)[0]
        want = dict(sql(reg, "SELECT province, count(*) FROM products "
                             "GROUP BY province"))
        scans = dict(sql(coll, "SELECT k.province, count(*) FROM scans s "
                               "JOIN kiosks k ON k.key_id = s.kiosk "
                               "GROUP BY 1"))
        for r in got:
            if r["province"] == "nationwide":
                check(r["products"] == "1129" and r["scans"] == total,
                      "stats nationwide")
                continue
            check(r["products"] == want.get(r["province"], "0") and
                  r["scans"] == scans.get(r["province"], "0"),
                  f"stats {r['province']}")
        check(len(got) == 35, "stats: the 34 provinces of 2025 and nationwide")
        # Same figures as ocop-host stats for the registry part.
        plain = list(csv.DictReader(io.StringIO(run(
            "stats", "--db", reg, "--today", DATE, "--csv").stdout)))
        check([(r["province"], r["stars4"], r["expiring"]) for r in plain] ==
              [(r["province"], r["stars4"], r["expiring"]) for r in got],
              "stats columns agree with ocop-host stats")

        # ---- clones --------------------------------------------------
        sus = csv_tables(run("report", "clones", *W, "--format",
                             "csv").stdout)[0]
        planted = [r for r in sus if r["serial"] == "4242"]
        check(len(planted) == 1 and planted[0]["provinces"] == "6" and
              planted[0]["scans"] == "36" and
              planted[0]["confirmed"] == "no",
              f"planted clone suspect found: {planted}")
        check(not [r for r in sus if r["serial"] == "5151"],
              "a pack scanned thrice at one kiosk is no suspect")
        check(len(sus) == 1, f"no normal serial is a suspect ({len(sus)})")
        # Stricter thresholds: the burst rule alone.
        sus2 = csv_tables(run("report", "clones", *W, "--format", "csv",
                              "--clone-scans", "1000", "--clone-kiosks",
                              "2", "--clone-hours", "1").stdout)[0]
        check(len(sus2) == 1 and "provinces" in sus2[0]["rules"] and
              sus2[0]["burst"] == "1" and "burst" not in sus2[0]["rules"],
              f"scans six hours apart are no burst within 1 h: {sus2}")
        check(planted and int(planted[0]["burst"]) >= 4 and
              "burst" in planted[0]["rules"] and
              "count" in planted[0]["rules"],
              "the planted clone is a burst within 24 h and over 20 scans")
        # A wide window sees all six kiosks of the planted clone.
        sus3 = csv_tables(run("report", "clones", *W, "--format", "csv",
                              "--clone-kiosks", "6", "--clone-hours",
                              "200").stdout)[0]
        check(sus3 and sus3[0]["burst"] == "6",
              f"all six kiosks within 200 h: {sus3[:1]}")
        s = planted[0] if planted else {"key_id": "0" * 16,
                                        "product": "X", "lot": "L"}
        producer, stars = sql(reg, "SELECT producer, stars FROM products "
                                   "WHERE code = '%s'" % s["product"])[0]
        text = run("label", "--key", os.path.join(world, "producers",
                                                  producer + ".sec"),
                   "--product", s["product"], "--lot", "L2406", "--serial",
                   "4242", "--stars", stars, "--issued",
                   "2026-11-01").stdout.split()[0]
        mirror = os.path.join(tmp, "m.db")
        run("export", "--db", reg, "--out", mirror)
        r = run("check", "--mirror", mirror, "--today", DATE, "--tsv", text)
        check("genuine" in r.stdout, "the cloned label is genuine before")
        run("clone", "--db", reg, "--key-id", s["key_id"], "--product",
            s["product"], "--lot", "L2406", "--serial", "4242", "--date", DATE)
        run("export", "--db", reg, "--out", mirror)
        r = run("check", "--mirror", mirror, "--today", DATE, "--tsv", text,
                ok=(1,))
        check("clone_reported" in r.stdout,
              f"confirmed clone answers clone_reported: {r.stdout.strip()}")
        sus = csv_tables(run("report", "clones", *W, "--format",
                             "csv").stdout)[0]
        check(sus and sus[0]["confirmed"] == "yes",
              "the suspect shows as confirmed")
        # Phone lookups (the phone page's table): the planted label's
        # count with its kiosk scans, in one row; a label only phones
        # looked up too often, a row of its own; among 300 phone-only
        # labels under the rule, none.
        t = int(sql(coll, "SELECT time FROM scans WHERE serial = 4242 "
                          "LIMIT 1")[0][0])
        ins = ("INSERT INTO phone_lookups (time, verdict, product, signer, "
               "lot, serial) SELECT %d, 'genuine', '%s', '%s', '%s', ?1 "
               "FROM generate_series(1, ?2)" % (t, s["product"],
                                                 s["key_id"], "L2406"))
        sql(coll, "CREATE TABLE phone_lookups (id INTEGER PRIMARY KEY, "
                  "time INTEGER NOT NULL, verdict TEXT NOT NULL, product "
                  "TEXT NOT NULL, signer TEXT NOT NULL, lot TEXT NOT NULL, "
                  "serial INTEGER NOT NULL); " +
            "; ".join([ins.replace("?1", "4242").replace("?2", "5"),
                       ins.replace("?1", "777").replace("?2", "25")] +
                      [ins.replace("?1", str(9000 + i)).replace("?2", "2")
                       for i in range(300)]))
        sus = csv_tables(run("report", "clones", *W, "--format",
                             "csv").stdout)[0]
        mine = [r for r in sus if r["serial"] == "4242"]
        check(len(mine) == 1 and mine[0]["scans"] == "36" and
              mine[0]["where"].endswith("; phone 5"),
              f"a kiosk suspect's phone lookups in its own row: {mine}")
        only = [r for r in sus if r["serial"] == "777"]
        check(len(only) == 1 and only[0]["where"] == "phone 25" and
              only[0]["rules"] == "count",
              f"a label only phones looked up too often: {only}")
        check(len(sus) == 2, f"two suspects with the lookups ({len(sus)})")
        sql(coll, "DROP TABLE phone_lookups")

        # ---- findings, reinspect, expiring ------------------------------
        f = csv_tables(run("report", "findings", *W, "--format",
                           "csv").stdout)
        want = dict(sql(coll, "SELECT product, count(*) FROM findings "
                              "GROUP BY product"))
        check({r["product"]: r["total"] for r in f[0]} == want,
              "findings per product")
        row = [r for r in f[0] if r["product"] == prod]
        check(row and row[0]["quality_complaint"] == "1",
              "inserted finding counted")
        latest = [r for r in f[2] if r["inspector"] == "T<1>"]
        check(latest and latest[0]["note"].startswith("'=SUM(A1) <script>"),
              "note kept, formula-guarded in CSV")
        latest = [r for r in f[2] if r["inspector"] == "T<2>"]
        check(latest and latest[0]["note"] == "'" + INJECT,
              "a note starting with - is formula-guarded in CSV")
        named = [r for r in f[0] if r["product"] == prod]
        check(named and named[0]["name"] == "'" + INJECT,
              "a product name starting with - is formula-guarded in CSV")
        ri = csv_tables(run("report", "reinspect", *W, "--format",
                            "csv").stdout)[0]
        check(prod in [r["product"] for r in ri],
              "a product with a complaint is to re-inspect")
        mis = sql(coll, "SELECT product FROM scans WHERE "
                        "verdict='rating_changed' GROUP BY product "
                        "HAVING count(*) >= 10")
        check(mis and all(m[0] in [r["product"] for r in ri] for m in mis),
              "products with many rating_changed scans are to re-inspect")
        ex = csv_tables(run("report", "expiring", *W, "--format",
                            "csv").stdout)[0]
        # Rated certificates ending within 90 days, and those ended already
        # (kiosks say expired) with negative days left.
        want = sql(reg, "SELECT code FROM products WHERE status='rated' AND "
                        "expires <= date('%s', '+90 days') "
                        "ORDER BY expires, code" % DATE)
        check([[r["product"]] for r in ex] == want,
              f"expiring: {len(ex)} vs {len(want)}")

        # ---- bad input ---------------------------------------------------
        def bad(code, *args, says=""):
            p = subprocess.run([HOST, *args], capture_output=True, text=True)
            check(p.returncode == code and says in p.stderr and
                  p.stderr.count("\n") <= 2,
                  f"{args} -> {p.returncode} {p.stderr.strip()}")
        bad(2, "report", "nonsense", *W, says="unknown report")
        bad(2, "report", *W, says="KIND")
        bad(2, "report", "stats", *W, "--from", "2026-02-30",
            says="not a real date")
        bad(2, "report", "stats", *W, "--from", "2026-11-10", "--to",
            "2026-11-01", says="after")
        bad(2, "report", "stats", *W, "--format", "pdf", says="--format")
        bad(2, "report", "stats", "--today", DATE, says="--world")
        bad(3, "report", "stats", "--collector-db", os.path.join(tmp, "no.db"),
            "--db", reg, says="no collector database")
        check(not os.path.exists(os.path.join(tmp, "no.db")),
              "a missing collector is not created")
        bad(3, "report", "stats", "--collector-db", coll, "--db",
            os.path.join(tmp, "none.db"), says="registry")
        bad(3, "report", "stats", *W, "--out",
            os.path.join(tmp, "nodir", "x.html"), says="cannot write")
        bad(2, "demo-scans", "--world", world, "--count", "5",
            says="--count")

        # Deterministic generator: a second world, same seed and date.
        world2 = os.path.join(tmp, "w2")
        run("demo", world2, "--date", DATE)
        run("demo-scans", "--world", world2, "--date", DATE, "--count", "4000")
        n2 = sql(os.path.join(world2, "collector.db"),
                 "SELECT count(*), sum(serial), sum(time) FROM scans")
        check(n1 == n2, f"demo scans are deterministic {n1} {n2}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("report e2e: ok")


main()

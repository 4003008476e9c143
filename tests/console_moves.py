"""console_moves.py -- the authorization matrix's part for issue 13's
last routes (imported by console_e2e.py): moving a product or a producer
to another province (central only; the mirror follows) and a user's own
password change (every role; the current password, CSRF, throttled like
a login, the user's other sessions end)."""
import sqlite3

from console_lib import Client, check, dump, version_of, who_of_last

A = ("cen", "hg", "hn", "pa", "ihg", "vw")


def provinces(db, sql, *args):
    con = sqlite3.connect(db)
    rows = con.execute(sql, args).fetchall()
    con.close()
    return rows


def moves(c, db, attempt, mirror):
    """Only central users move; a move is one change with its audit row,
    keeps the certifying unit, and the published mirror follows."""
    for n in A:
        st, _, page = c[n].get("/console/product/HG001")
        shown = 'action="/console/product/HG001/move"' in page
        check(st == 200 and shown == (n == "cen"),
              "the move form is on the product page for %s: %s" % (n, shown))

    def fields(code, to, entity="product"):
        return {"version": str(version_of(db, code, entity)), "province": to}

    for n in ("hg", "hn", "pa", "ihg", "vw"):
        attempt(n, "/console/product/HG001/move", fields("HG001", "Hà Nội"),
                403, what="(moving a product: central only)")
        attempt(n, "/console/producer/DN-B/move",
                fields("DN-B", "Hải Phòng", "producer"), 403,
                what="(moving a producer: central only)")
    attempt("cen", "/console/product/HG001/move",
            {"version": "1", "province": "Hà Nội"}, 409,
            what="(a stale version)")
    attempt("cen", "/console/product/HG001/move", fields("HG001", "Atlantis"),
            400, what="(no such province)")
    attempt("cen", "/console/product/HG001/move",
            fields("HG001", "Ha Giang"), 400, what="(where it is already)")
    attempt("cen", "/console/product/NOPE/move", fields("NOPE", "Hà Nội"),
            404)
    attempt("cen", "/console/product/HG001/move", fields("HG001", "Hà Nội"),
            303)
    check(provinces(db, "SELECT province, certified_unit FROM products "
                        "WHERE code='HG001'") == [("Hà Nội", "Hà Giang")],
          "the product is in Hà Nội, certified by Hà Giang still")
    check(who_of_last(db, "product", "HG001") == "console:cen",
          "the move's audit names console:cen")
    # The scope follows the row: Hà Nội's clerk now keeps it.
    attempt("hg", "/console/product/HG001/status",
            {"status": "suspended", "reason": "x"}, 403,
            what="(the old province's clerk)")
    attempt("hn", "/console/product/HG001/status",
            {"status": "rated", "reason": ""}, 303)

    attempt("cen", "/console/producer/DN-B/move",
            fields("DN-B", "Hải Phòng", "producer"), 303)
    check(provinces(db, "SELECT province FROM producers WHERE code='DN-B'")
          == [("Hải Phòng",)] and
          provinces(db, "SELECT province FROM products WHERE code='HN001'")
          == [("Hải Phòng",)],
          "the producer moved, and its product of its old province with it")
    check(who_of_last(db, "producer", "DN-B") == "console:cen" and
          who_of_last(db, "product", "HN001") == "console:cen",
          "the producer's and its product's audit rows name console:cen")
    attempt("cen", "/console/publish", {}, 303)
    check(provinces(mirror, "SELECT code, province FROM products WHERE code "
                            "IN ('HG001','HN001') ORDER BY code") ==
          [("HG001", "Hà Nội"), ("HN001", "Hải Phòng")] and
          provinces(mirror, "SELECT province FROM producers WHERE "
                            "code='DN-B'") == [("Hải Phòng",)],
          "the published mirror carries the new provinces")
    # Back where the rest of the test expects them.
    attempt("cen", "/console/producer/DN-B/move",
            fields("DN-B", "Hà Nội", "producer"), 303)
    attempt("cen", "/console/product/HG001/move",
            fields("HG001", "Hà Giang"), 303)


def own_password(c, db, port, attempt):
    """Every role may change its own password, and only its own."""
    for n in A:
        st, _, page = c[n].get("/console/account")
        check(st == 200 and 'action="/console/account/password"' in page,
              "GET /console/account as %s: the password form" % n)
    attempt("cen", "/console/users",
            {"user": "mk", "role": "producer", "producer": "HTX-A",
             "password": "password-mk-123"}, 303)
    a, b = Client(port), Client(port)
    check(a.login("mk")[0] == 303 and b.login("mk")[0] == 303,
          "one account, two sessions")
    new = {"current": "password-mk-123", "password": "password-mk-new-1"}
    for label, tok in (("missing", False), ("wrong", "0" * 64),
                       ("another session's", c["cen"].csrf)):
        before = dump(db)
        st, _, _ = a.post("/console/account/password", new, token=tok)
        check(st == 403 and dump(db) == before,
              "own password, CSRF token %s: 403, nothing changed" % label)
    for label, f, want in (
            ("a wrong current password", dict(new, current="nope-nope-nope"),
             401),
            ("no current password", {"password": "password-mk-new-1"}, 401),
            ("a new password too short", dict(new, password="short"), 400)):
        before = dump(db)
        st, _, _ = a.post("/console/account/password", f)
        check(st == want and dump(db) == before,
              "own password with %s: %d (want %d), nothing changed" %
              (label, st, want))
    st, r, _ = a.post("/console/account/password", new)
    check(st == 303 and r.getheader("Location") ==
          "/console/account?changed=1", "own password changed: 303")
    check(a.get("/console/products")[0] == 200,
          "  the session that changed it stays open")
    check(b.get("/console/products")[0] == 303,
          "  the account's other session is ended")
    check(Client(port).login("mk")[0] == 401 and
          Client(port).login("mk", "password-mk-new-1")[0] == 303,
          "  the old password fails, the new one signs in")
    con = sqlite3.connect(db)
    row = con.execute("SELECT a.field, a.old, a.new, w.who FROM audit a "
                      "JOIN audit_who w ON w.audit_id=a.id WHERE "
                      "a.entity='user' AND a.ref='mk' ORDER BY a.id DESC "
                      "LIMIT 1").fetchone()
    con.close()
    check(row == ("password", None, "(changed)", "console:mk"),
          "  the audit says it changed, never what to: %s" % (row,))


def own_password_throttled(port):
    """Wrong current passwords count as failed logins (run on the
    console with short limits: 3 failures lock the name)."""
    s = Client(port)
    s.login("vw")
    f = {"current": "wrong-password-1", "password": "password-vw-new-1"}
    codes = [s.post("/console/account/password", f)[0] for _ in range(3)]
    check(codes == [401, 401, 401],
          "three wrong current passwords: 401 %s" % codes)
    st, r, _ = s.post("/console/account/password",
                      dict(f, current="password-vw-123"))
    check(st == 429 and r.getheader("Retry-After"),
          "then even the right one: 429 with Retry-After")
    check(Client(port).login("vw")[0] == 429,
          "and the name's login is locked too")

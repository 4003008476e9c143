"""console_serve.py DRIVER OCOP_HOST: the console as ocop-host runs it.
`ocop-host user add|list|disable|password` manage accounts (the password
from a file or standard input, never in the registry in clear), and
`ocop-host serve --world DIR --console ADDR` serves the console on its
own address beside the public listener, which never answers /console;
`serve --db REG.db --console ADDR` serves the console alone."""
import os
import re
import subprocess
import sys
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_lib import HOST, T, Client, check, fail, finish, run  # noqa


def host(*args, stdin=None):
    return subprocess.run((HOST,) + args, input=stdin, capture_output=True,
                          text=True, cwd=T)


def serve(*args):
    p = subprocess.Popen((HOST, "serve") + args, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=T)
    ports = {}
    for _ in range(2):
        line = p.stdout.readline()
        m = re.search(r"^(listening|console) on https?://[^:]+:(\d+)", line)
        if m:
            ports[m.group(1)] = int(m.group(2))
        if "console" in ports:
            break
    return p, ports


def stop(p):
    p.terminate()
    out, err = p.communicate(timeout=30)
    check(p.returncode == 0 and "serve stopped (SIGTERM)" in err,
          "serve stops on SIGTERM")
    return out + err


def main():
    world = os.path.join(T, "w")
    run(HOST, "demo", world, "--date", "2026-06-15")
    db = os.path.join(world, "registry.db")
    pwfile = os.path.join(T, "pw")
    secret = "Mật-khẩu-rất-dài-42"
    with open(pwfile, "w") as f:
        f.write(secret + "\n")
    r = host("user", "add", "--db", db, "--user", "tw", "--role", "central",
             "--password-file", pwfile)
    check(r.returncode == 0 and "tw added" in r.stdout, "user add: central")
    r = host("user", "add", "--db", db, "--user", "hn", "--role", "province",
             "--province", "ha noi", "--password-file", "-",
             stdin="password-hn-123\n")
    check(r.returncode == 0, "user add: province, password on stdin")
    for args, why in (
            (("--user", "p", "--role", "producer"), "no producer code"),
            (("--user", "p", "--role", "producer", "--producer", "NOPE"),
             "an unknown producer"),
            (("--user", "v", "--role", "viewer", "--province", "HN"),
             "a viewer with a province"),
            (("--user", "Bad Name", "--role", "viewer"), "a bad name"),
            (("--user", "tw", "--role", "viewer"), "a name taken")):
        r = host("user", "add", "--db", db, *args, "--password-file", pwfile)
        check(r.returncode == 3 and r.stderr.startswith("ocop-host: "),
              "user add refuses %s: %s" % (why, r.stderr.strip()))
    r = host("user", "add", "--db", db, "--user", "s", "--role", "viewer",
             "--password-file", "-", stdin="short\n")
    check(r.returncode == 3, "user add refuses a short password")
    r = host("user", "add", "--db", db, "--user", "s")
    check(r.returncode == 2, "user add without --role: usage error")
    r = host("user", "list", "--db", db)
    check(r.returncode == 0 and re.search(r"^hn\tprovince\tHà Nội\t\tactive",
                                          r.stdout, re.M),
          "user list shows the province as stored")
    for name in ("registry.db", "registry.db-wal"):
        path = os.path.join(world, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            check(secret.encode() not in data and b"password-hn-123" not in
                  data, "no password in clear in %s" % name)

    p, ports = serve("--world", world, "--listen", "127.0.0.1:0",
                     "--console", "127.0.0.1:0")
    check("listening" in ports and "console" in ports and
          ports["listening"] != ports["console"],
          "serve --console: the public listener and the console: %s" % ports)
    if "console" in ports:
        c = Client(ports["console"])
        st, _ = c.login("tw", secret)
        check(st == 303, "sign in with the password from the file")
        st, _, page = c.get("/console/products?q=che")
        check(st == 200 and "Chè" in page, "the world's registry is served")
        pub = Client(ports["listening"])
        st, _, _ = pub.get("/console/login")
        check(st == 404, "the public listener has no /console")
        st, _, _ = pub.request("POST", "/console/login",
                               {"user": "tw", "password": secret})
        check(st in (404, 405), "nor a login route (%d)" % st)
    out = stop(p)
    check(secret not in out, "the password is never printed")

    r = host("user", "password", "--db", db, "--user", "tw",
             "--password-file", "-", stdin="a-new-password-1\n")
    check(r.returncode == 0, "user password")
    r = host("user", "disable", "--db", db, "--user", "hn")
    check(r.returncode == 0, "user disable")

    p, ports = serve("--db", db, "--console", "127.0.0.1:0")
    check(list(ports) == ["console"], "serve --db --console: the console "
          "alone")
    if "console" in ports:
        check(Client(ports["console"]).login("tw", secret)[0] == 401,
              "the old password no longer signs in")
        check(Client(ports["console"]).login("tw", "a-new-password-1")[0]
              == 303, "the new one does")
        check(Client(ports["console"]).login("hn", "password-hn-123")[0]
              == 401, "a disabled account cannot sign in")
    stop(p)
    r = host("serve", "--db", db, "--console", "0.0.0.0:0")
    check(r.returncode == 3 and "loopback" in r.stderr,
          "no plain-HTTP console beyond loopback")
    # The console's tables (accounts, sessions, the search index) stay in
    # the registry: the export still works and the mirror has none.
    mirror = os.path.join(T, "m.db")
    r = host("export", "--db", db, "--out", mirror)
    check(r.returncode == 0, "export after the console: %s" %
          r.stderr.strip())
    if os.path.exists(mirror):
        import sqlite3
        con = sqlite3.connect(mirror)
        names = [n for (n,) in con.execute(
            "SELECT name FROM sqlite_schema WHERE name LIKE 'console%'")]
        con.close()
        check(names == [], "the mirror holds no console table: %s" % names)
    r = host("history", "--db", db)
    check("\tuser tw\t" in r.stdout,
          "the accounts' changes are in the history")


try:
    main()
except Exception:
    traceback.print_exc()
    fail("the test stopped early")
finish()

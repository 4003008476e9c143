"""console_lib.py: what the console's tests share: a registry with
products of two provinces (one holding <script>, quotes and Vietnamese
text), six accounts, the console started by tests/console_driver.c on a
free loopback port, and an HTTP client that keeps the session cookie and
the CSRF token."""
import http.client
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

DRIVER = os.path.abspath(sys.argv[1])
HOST = os.path.abspath(sys.argv[2])
T = tempfile.mkdtemp(prefix="console_test.")
failures = 0
servers = []

NASTY = "Bánh \"cốm\" <script>alert(1)</script> & 'Làng Vòng'"
NASTY_PRODUCER = "Công ty <b>\"Hà Nội\"</b>"


def ok(msg):
    print("ok:", msg)


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def failed():
    return failures


def check(cond, msg):
    if cond:
        ok(msg)
    else:
        fail(msg)
    return cond


def run(*args, stdin=None):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True,
                       cwd=T)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        raise SystemExit("command failed: %s" % " ".join(args))
    return p.stdout


def make_registry(db):
    base = os.path.splitext(db)[0]
    run(HOST, "registry", "init", "--db", db, "--secret", base + ".auth.sec",
        "--public", base + ".auth.pub")
    run(HOST, "product", "add", "--db", db, "--code", "HG001", "--name",
        "Chè Shan Tuyết cổ thụ", "--group", "beverages", "--stars", "4",
        "--province", "Hà Giang", "--producer", "HTX-A",
        "--producer-name", "HTX Chè Hà Giang", "--producer-kind",
        "cooperative", "--certificate", "HG-2025-1", "--certified",
        "2025-01-10")
    run(HOST, "product", "add", "--db", db, "--code", "HG005", "--name",
        "Mật ong bạc hà", "--group", "food", "--stars", "5", "--province",
        "Hà Giang", "--producer", "HTX-A", "--certificate", "HG-2025-5",
        "--certified", "2025-02-01")
    run(HOST, "product", "add", "--db", db, "--code", "HN001", "--name",
        NASTY, "--group", "food", "--stars", "3", "--province", "Hà Nội",
        "--producer", "DN-B", "--producer-name", NASTY_PRODUCER,
        "--producer-kind", "enterprise", "--certificate", "HN-2025-1",
        "--certified", "2025-03-01")
    run(HOST, "product", "add", "--db", db, "--code", "HG/7", "--name",
        "Rượu ngô men lá", "--group", "beverages", "--stars", "3",
        "--province", "Hà Giang", "--producer", "HTX-A", "--certificate",
        "HG-2025-7", "--certified", "2025-02-01")
    keys = {}
    for pc in ("HTX-A", "DN-B"):
        run(HOST, "keygen", "--secret", "%s/%s.sec" % (T, pc), "--public",
            "%s/%s.pub" % (T, pc))
        out = run(HOST, "key", "enroll", "--db", db, "--producer", pc,
                  "--public", "%s/%s.pub" % (T, pc), "--date", "2025-01-01")
        keys[pc] = out.split()[1]
    for n in ("new1", "new2", "new3"):
        run(HOST, "keygen", "--secret", "%s/%s.sec" % (T, n), "--public",
            "%s/%s.pub" % (T, n))
    return keys


USERS = {
    # name: role, province, producer
    "cen": ("central", "", ""),
    "hg": ("province", "Hà Giang", ""),
    "hn": ("province", "Hà Nội", ""),
    "pa": ("producer", "", "HTX-A"),
    "ihg": ("inspector", "Hà Giang", ""),
    "vw": ("viewer", "", ""),
}


def password(name):
    return "password-%s-123" % name


def add_users(db):
    for name, (role, pv, pc) in USERS.items():
        run(DRIVER, "useradd", db, name, role, pv, pc,
            stdin=password(name) + "\n")


def add_host_users(db, users, password_of):
    """users: (name, role, province or None, producer or None), each added
    by `ocop-host user add` with password_of(name) on stdin."""
    for name, role, prov, prod in users:
        args = [HOST, "user", "add", "--db", db, "--user", name, "--role",
                role, "--password-file", "-"]
        if prov:
            args += ["--province", prov]
        if prod:
            args += ["--producer", prod]
        p = subprocess.run(args, input=password_of(name) + "\n",
                           capture_output=True, text=True, cwd=T)
        check(p.returncode == 0, "user add %s" % name)


def feed_opts(db):
    """The driver's options for a feed beside db (publish now and the
    dashboard's feed state): its folder, status file, mirror and the
    authority key make_registry made."""
    base = os.path.splitext(db)[0]
    os.makedirs(base + ".feed", exist_ok=True)
    return ["--feed", base + ".feed", "--status", base + ".publish-status",
            "--mirror", base + ".mirror.db", "--key", base + ".auth.sec"]


def start(db, *opts):
    p = subprocess.Popen([DRIVER, "serve", db] + list(opts),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    line = p.stdout.readline()
    m = re.match(r"port (\d+)", line)
    if not m:
        p.kill()
        raise SystemExit("console did not start: %s %s" %
                         (line, p.stderr.read()))
    servers.append(p)
    return int(m.group(1))


class Client:
    def __init__(self, port, tls=False):
        self.port, self.tls = port, tls
        self.cookie = None
        self.csrf = None

    def request(self, method, path, fields=None, files=None, cookie=True,
                headers=None):
        if self.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            c = http.client.HTTPSConnection("127.0.0.1", self.port,
                                            context=ctx, timeout=30)
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.port,
                                           timeout=30)
        h = dict(headers or {})
        body = None
        if files:
            b = "----ocop%d" % time.time_ns()
            parts = []
            for k, v in (fields or {}).items():
                parts.append(("--%s\r\nContent-Disposition: form-data; "
                              "name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v))
                             .encode())
            for k, (fname, data) in files.items():
                parts.append(("--%s\r\nContent-Disposition: form-data; "
                              "name=\"%s\"; filename=\"%s\"\r\nContent-Type: "
                              "application/octet-stream\r\n\r\n" %
                              (b, k, fname)).encode() + data + b"\r\n")
            body = b"".join(parts) + ("--%s--\r\n" % b).encode()
            h["Content-Type"] = "multipart/form-data; boundary=" + b
        elif fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie and self.cookie:
            h["Cookie"] = self.cookie
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        c.close()
        return r.status, r, data

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, token=True, files=None):
        f = dict(fields)
        if token is True:
            f["csrf_token"] = self.csrf
        elif token:
            f["csrf_token"] = token
        return self.request("POST", path, f, files=files)

    def login(self, name, pw=None):
        st, r, _ = self.request("POST", "/console/login",
                                {"user": name,
                                 "password": pw or password(name)},
                                cookie=False)
        if st == 303:
            sc = r.getheader("Set-Cookie")
            self.cookie = sc.split(";")[0]
            self.set_cookie = sc
            st2, _, page = self.get("/console/products")
            m = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
            self.csrf = m.group(1) if m else None
        return st, r


def dump(db):
    """Every registry row and audit row, and the console's accounts and
    key requests: what a refused change must leave alone."""
    con = sqlite3.connect(db)
    out = []
    for t in ("meta", "producers", "products", "keys", "clones", "audit",
              "console_users", "console_key_requests",
              "audit_who", "queue_items", "queue_history",
              "printed_ranges"):
        out.append((t, con.execute("SELECT * FROM %s ORDER BY 1" %
                                   t).fetchall()))
    con.close()
    return out


def version_of(db, code, entity="product"):
    con = sqlite3.connect(db)
    v = con.execute("SELECT ifnull(max(id),0) FROM audit WHERE "
                    "entity=? AND ref=?", (entity, code)).fetchone()[0]
    con.close()
    return v


def who_of_last(db, entity, ref):
    con = sqlite3.connect(db)
    row = con.execute("SELECT w.who FROM audit a LEFT JOIN "
                      "audit_who w ON w.audit_id=a.id WHERE "
                      "a.entity=? AND a.ref=? ORDER BY a.id DESC LIMIT 1",
                      (entity, ref)).fetchone()
    con.close()
    return row[0] if row else None


def pending_id(db, key_id):
    con = sqlite3.connect(db)
    row = con.execute("SELECT id FROM console_key_requests WHERE key_id=? "
                      "AND state='pending'", (key_id,)).fetchone()
    con.close()
    return row[0] if row else None


def key_id_of(pubfile):
    with open(pubfile) as f:
        m = re.search(r"[0-9A-F]{16}", f.read())
    return m.group(0)




def stop_serve(p, timeout=30):
    """Stop an ocop-host serve started by a test: SIGTERM, and it must exit
    0 (a clean stop is part of what is tested)."""
    p.terminate()
    _, err = p.communicate(timeout=timeout)
    check(p.returncode == 0, "serve stops cleanly: %s" % err[-300:])


def run_main(main):
    """A test's entry: main(), any exception a failure, then finish()."""
    try:
        main()
    except Exception:
        fail("exception: " + traceback.format_exc())
    finish()


def finish():
    """Stop every console started; exit 1 if anything failed."""
    global failures
    for p in servers:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
        err = p.stderr.read()
        if p.returncode not in (0, -15) or "ERROR" in err:
            fail("console driver exited %s: %s" % (p.returncode, err))
    if failures:
        print("%d failure(s); files kept in %s" % (failures, T))
        sys.exit(1)
    shutil.rmtree(T, ignore_errors=True)
    print("all passed")

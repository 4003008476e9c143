#!/usr/bin/env python3
"""End-to-end tests of the signed mirror feed: the built ocop-host publishes
into a folder served by nginx or by a misbehaving server
(feed_badserver.py), the built ocop-kiosk syncs from it. One scenario per
run: feed_test.py SCENARIO. Each checks what a kiosk owner relies on: the
mirror afterwards (version, rows, PRAGMA integrity_check), the exit code and
the log line saying what was refused and why."""
import os
import hashlib
import random
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feed_badserver import BadServer  # noqa: E402

BUILD = os.environ.get("OCOP_BUILD_DIR", "build/release")
HOST = os.path.join(BUILD, "host", "ocop-host")
KIOSK = os.path.join(BUILD, "firmware", "ocop-kiosk")
MKMIRROR = os.path.join(BUILD, "tests", "feed_mkmirror")
SIGN = os.path.join(BUILD, "tests", "feed_sign")
MKDELTA = os.path.join(BUILD, "tests", "feed_mkdelta")


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def run(*args, ok=True, env=None, **kw):
    p = subprocess.run([str(a) for a in args], capture_output=True,
                       text=True, env=env, **kw)
    if ok and p.returncode != 0:
        raise Fail("%s failed (%d): %s%s" % (args[:2], p.returncode,
                                            p.stdout, p.stderr))
    return p


OVERLAY = "products_overlay"


def products_now(path, schema="main"):
    """SQL for the products of the mirror at path as a lookup answers
    them (docs/mirror.md, "The kiosk's overlay"): a product's overlay row
    where it has one (none if gone), else its products row."""
    db = sqlite3.connect(path)
    try:
        has = db.execute("SELECT count(*) FROM sqlite_schema WHERE name=?",
                         (OVERLAY,)).fetchone()[0]
        cols = [r[1] for r in db.execute("PRAGMA table_info(products)")]
    finally:
        db.close()
    if not has:
        return "%s.products" % schema
    c = ", ".join(cols)
    return ("(SELECT * FROM {s}.products WHERE code NOT IN (SELECT code "
            "FROM {s}.{o}) UNION ALL SELECT {c} FROM {s}.{o} WHERE gone = 0)"
            .format(s=schema, o=OVERLAY, c=c))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class World:
    """Keys, mirrors, a feed folder and a kiosk, in a temp folder."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.feed = os.path.join(tmp, "www", "feed")
        os.makedirs(self.feed)
        self.kdir = os.path.join(tmp, "kiosk")
        os.makedirs(self.kdir)
        self.mirror = os.path.join(self.kdir, "mirror.db")
        self.state = os.path.join(self.kdir, "sync.state")
        self.conf = os.path.join(self.kdir, "kiosk.conf")
        self.key = self.keygen("auth")
        self.procs = []
        self.n = 0

    def keygen(self, name):
        sec = os.path.join(self.tmp, name + ".sec")
        pub = os.path.join(self.tmp, name + ".pub")
        run(HOST, "keygen", "--secret", sec, "--public", pub)
        return sec, pub

    def publine(self, key):
        with open(key[1]) as f:
            return f.read().splitlines()[1]

    def mkmirror(self, products=300, change=0, seed=1, extra=False):
        self.n += 1
        path = os.path.join(self.tmp, "m%d.db" % self.n)
        args = [MKMIRROR, path, products, change, seed]
        if extra:
            args.append("--extra-table")
        run(*args)
        return path

    def publish(self, mirror, feed=None, key=None, *extra):
        key = key or self.key
        return run(HOST, "publish", "--mirror", mirror, "--key", key[0],
                   "--feed", feed or self.feed, *extra)

    def write_conf(self, url, **feed_opts):
        opts = {"retries": 0, "backoff_ms": 50, "max_backoff": 5,
                "connect_timeout": 2, "timeout": 20, "low_speed_limit": 100,
                "low_speed_time": 2}
        opts.update(feed_opts)
        with open(self.conf, "w") as f:
            f.write("[feed]\nurl = %s\nauthority_key = %s\n" %
                    (url, self.publine(self.key)))
            for k, v in opts.items():
                f.write("%s = %s\n" % (k, v))
            f.write("[data]\nmirror = %s\nstate = %s\n" %
                    (self.mirror, self.state))
            f.write("[later]\nsome = feature\n")

    def sync(self, *extra, ok=True, **kw):
        """ok: True (exit 0), "refused" (exit 1: the feed offered something
        that failed a check) or "failed" (exit 3: unreachable, local
        error)."""
        p = run(KIOSK, "sync", "--config", self.conf, *extra, ok=False, **kw)
        if ok is not None:
            want = {True: 0, "refused": 1, "failed": 3}[ok]
            check(p.returncode == want, "sync exit %d, expected %d:\n%s" %
                  (p.returncode, want, p.stderr))
        return p

    def products(self):
        """The kiosk's products as it answers them (products_now)."""
        return products_now(self.mirror)

    def mirror_facts(self):
        """(feed_version, revoked products) after PRAGMA integrity_check."""
        if not os.path.exists(self.mirror):
            return None
        db = sqlite3.connect(self.mirror)
        try:
            ic = db.execute("PRAGMA integrity_check").fetchone()[0]
            check(ic == "ok", "mirror integrity_check: %s" % ic)
            v = int(db.execute("SELECT value FROM meta WHERE "
                               "key='feed_version'").fetchone()[0])
            r = db.execute("SELECT count(*) FROM %s WHERE status='revoked'"
                           % products_now(self.mirror)).fetchone()[0]
            return v, r
        finally:
            db.close()

    def version(self):
        f = self.mirror_facts()
        return f[0] if f else 0

    def nginx(self, tls=None):
        port = free_port()
        d = os.path.join(self.tmp, "nginx")
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""worker_processes 1;
error_log %(d)s/error.log;
events { worker_connections 64; }
http {
  access_log %(d)s/access.log;
  client_body_temp_path %(d)s; proxy_temp_path %(d)s;
  fastcgi_temp_path %(d)s; uwsgi_temp_path %(d)s; scgi_temp_path %(d)s;
  server { listen 127.0.0.1:%(port)d %(ssl)s; root %(root)s; %(certs)s }
}
""" % {"d": d, "port": port, "root": os.path.join(self.tmp, "www"),
       "ssl": "ssl" if tls else "",
       "certs": "ssl_certificate %s; ssl_certificate_key %s;" % tls
       if tls else ""})
        p = subprocess.Popen(["nginx", "-p", d, "-c", conf, "-g",
                              "daemon off; pid %s/nginx.pid;" % d],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.procs.append(p)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise Fail("nginx did not start")
        return "%s://127.0.0.1:%d/feed/" % ("https" if tls else "http", port)

    def badserver(self):
        s = BadServer(os.path.join(self.tmp, "www"))
        self.procs.append(s)
        return s, "http://127.0.0.1:%d/feed/" % s.port

    def close(self):
        for p in self.procs:
            if isinstance(p, BadServer):
                p.stop()
            else:
                p.terminate()
                p.wait()


def manifest_files(w, kind):
    with open(os.path.join(w.feed, "manifest")) as f:
        for line in f:
            if line.startswith(kind + "="):
                yield line.split("=", 1)[1].split()


def published_db(w, version):
    """The database the feed serves as its current version, which must be
    version: the manifest's snapshot, decompressed (the publisher keeps
    no uncompressed copy)."""
    with open(os.path.join(w.feed, "manifest")) as f:
        check("\nversion=%d\n" % version in f.read(),
              "the feed is not at v%d" % version)
    snap = next(manifest_files(w, "snapshot"))[0]
    out = os.path.join(w.tmp, "published-%d.db" % version)
    run("zstd", "-q", "-d", "-f", "-o", out, os.path.join(w.feed, snap))
    return out


def check_same_as_published(w, version):
    """The kiosk's mirror holds exactly the rows the publisher published
    as that version."""
    now = products_now(w.mirror)
    db = sqlite3.connect(w.mirror)
    db.execute("ATTACH ? AS pub", (published_db(w, version),))
    for (t,) in db.execute("SELECT name FROM main.sqlite_schema WHERE "
                           "type='table' AND name<>?", (OVERLAY,)).fetchall():
        rows = {"main": now if t == "products" else "main." + t,
                "pub": "pub." + t}
        diff = sum(db.execute("SELECT count(*) FROM (SELECT * FROM %s "
                              "EXCEPT SELECT * FROM %s)" %
                              (rows[a], rows[b])).fetchone()[0]
                   for a, b in (("main", "pub"), ("pub", "main")))
        n = db.execute("SELECT count(*) FROM %s" % rows["main"]).fetchone()[0]
        m = db.execute("SELECT count(*) FROM pub.%s" % t).fetchone()[0]
        check(diff == 0 and n == m, "table %s differs from published v%d" %
              (t, version))
    db.close()
    check(w.version() == version, "not at v%d" % version)


def replace_manifest(path, text):
    """Serve text as the manifest as a publisher does: nginx's ETag is the
    file's mtime in seconds and its size, so a manifest of the same size
    written in the same second as the one a kiosk holds would be answered
    "304 not modified". ocop-host publish moves the new mtime past the old
    one's (host/feed/publish.c); a hand-made manifest must too, or the
    kiosk never sees it (the flake feed_schema had once publish got fast
    enough to share a second with the previous manifest)."""
    old = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
    with open(path + ".new", "w") as f:
        f.write(text)
    new = os.stat(path + ".new").st_mtime_ns
    if new // 10**9 <= old // 10**9:
        t = (old // 10**9 + 1) * 10**9
        os.utime(path + ".new", ns=(t, t))
    os.replace(path + ".new", path)


def resign(w, edit, key=None):
    """Rewrite the served manifest's body with edit(text) and sign it with
    the authority's key (or key): what a buggy publisher or a thief of
    the key could serve."""
    path = os.path.join(w.feed, "manifest")
    with open(path) as f:
        body = f.read().split("sig=")[0]
    p = subprocess.run([SIGN, (key or w.key)[0]], input=edit(body),
                       capture_output=True, text=True, check=True)
    replace_manifest(path, p.stdout)


def log_has(p, *words):
    for w in words:
        check(w in p.stderr, "log lacks %r:\n%s" % (w, p.stderr))


# ---- scenarios -------------------------------------------------------------

def s_nginx(w):
    """Snapshot, unchanged poll, delta, and the feed served by nginx."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    p = w.sync()
    check("path=snapshot" in p.stdout, p.stdout)
    check(w.mirror_facts() == (1, 0), "after v1: %s" % (w.mirror_facts(),))
    p = w.sync()
    check("path=unchanged" in p.stdout, p.stdout)
    log_has(p, "feed unchanged")  # a 304: the manifest was not sent
    wire = int(p.stdout.split("wire_bytes=")[1].split()[0])
    check(0 < wire <= 1024, "unchanged poll cost %d bytes" % wire)
    with open(os.path.join(w.tmp, "nginx", "access.log")) as f:
        check('"GET /feed/manifest HTTP/1.1" 304' in f.read().splitlines()[-1],
              "nginx did not answer 304")
    w.publish(w.mkmirror(change=50))
    p = w.sync()
    check("path=delta" in p.stdout, p.stdout)
    v, revoked = w.mirror_facts()
    check(v == 2 and revoked > 0, "after v2: %s" % ((v, revoked),))
    check_same_as_published(w, 2)
    # Deltas that delete and insert rows, not only update them.
    for v, n in ((3, 250), (4, 320)):
        w.publish(w.mkmirror(products=n, change=50))
        p = w.sync()
        check("path=delta" in p.stdout, p.stdout)
        check_same_as_published(w, v)
    # Skipping a version: the delta from 1 is gone with --keep-deltas 0,
    # so a kiosk two versions behind takes the snapshot.
    w.publish(w.mkmirror(change=100, seed=5), None, None, "--keep-deltas",
              "0")
    check(not list(manifest_files(w, "delta")), "deltas kept")
    p = w.sync()
    check("path=snapshot" in p.stdout, p.stdout)
    check_same_as_published(w, 5)
    p = run(KIOSK, "status", "--config", w.conf)
    check("stale=no" in p.stdout and "mirror_version=5" in p.stdout,
          p.stdout)


def s_other_key(w):
    """A manifest signed by another key is refused, whatever it claims."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    w.sync()
    intruder = w.keygen("intruder")
    w.publish(w.mkmirror(change=100), None, intruder)
    p = w.sync(ok="refused")
    log_has(p, "refused manifest", "did not announce")
    check(w.version() == 1, "mirror changed")
    # The intruder's manifest claiming the authority's key ID.
    mpath = os.path.join(w.feed, "manifest")
    with open(mpath) as f:
        text = f.read()
    from_id = open(intruder[1]).read().splitlines()[0].split()[-1]
    auth_id = open(w.key[1]).read().splitlines()[0].split()[-1]
    check(from_id in text, "intruder key id not in manifest")
    replace_manifest(mpath, text.replace(from_id, auth_id))
    p = w.sync(ok="refused")
    log_has(p, "refused manifest", "signature does not verify")
    check(w.version() == 1, "mirror changed")


def s_rollback(w):
    """An older, genuinely signed manifest replayed is refused."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    old = os.path.join(w.tmp, "feed-v1")
    shutil.copytree(w.feed, old)
    w.publish(w.mkmirror(change=100))
    w.sync()
    check(w.version() == 2, "not at v2")
    shutil.rmtree(w.feed)
    shutil.copytree(old, w.feed)
    p = w.sync(ok="refused")
    log_has(p, "refused manifest version 1", "rollback")
    check(w.mirror_facts()[0] == 2, "mirror rolled back")
    # The feed folder lost and published afresh: it restarts at 1 and is
    # refused until --version puts it above what kiosks hold.
    shutil.rmtree(w.feed)
    w.publish(w.mkmirror(change=20))
    w.sync(ok="refused")
    w.publish(w.mkmirror(change=20), None, None, "--version", "9")
    p = w.sync()
    check("path=snapshot" in p.stdout and w.version() == 9, p.stdout)
    w.publish(w.mkmirror(change=30))
    p = w.sync()
    check("path=delta" in p.stdout and w.version() == 10, p.stdout)


def s_same_version(w):
    """The same version with different content (a second signed history)
    is refused."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    w.publish(w.mkmirror(change=10))
    w.sync()
    other = os.path.join(w.tmp, "www", "other")
    w.publish(w.mkmirror(seed=3), other)
    w.publish(w.mkmirror(change=200, seed=3), other)
    p = w.sync("--feed", url.replace("/feed/", "/other/"),
               ok="refused")
    log_has(p, "refused manifest version 2", "different content")
    check(w.version() == 2, "mirror changed")


def s_expired(w):
    """An expired manifest is refused; a held one that expires makes the
    kiosk stale, and it keeps its mirror."""
    url = w.nginx()
    w.write_conf(url)
    start = time.time()
    now = int(start)
    w.publish(w.mkmirror(), None, None, "--now", now - 3 * 86400,
              "--expires-days", "1")
    p = w.sync(ok="refused")
    log_has(p, "refused manifest version 1", "expired at")
    check(w.version() == 0, "took an expired feed")
    # The next feed must outlive one publish, sync and status: give it
    # three times what the round above took (6 s at least), so a loaded
    # machine does not see it expire before the first status.
    now = int(time.time())
    expires = now + max(6, int(3 * (now - start)) + 1)
    w.publish(w.mkmirror(), None, None, "--now", expires - 86400,
              "--expires-days", "1")
    w.sync()
    p = run(KIOSK, "status", "--config", w.conf)
    check("stale=no" in p.stdout, p.stdout)
    time.sleep(max(0.0, expires + 1.2 - time.time()))
    p = run(KIOSK, "status", "--config", w.conf, ok=False)
    check(p.returncode == 1 and "stale=yes" in p.stdout and
          "data not updated since" in p.stdout, p.stdout)
    check(w.version() == 2, "mirror lost")


def s_flipped(w):
    """One flipped byte in the snapshot or a delta: refused before it is
    parsed; a bad delta falls back to the snapshot."""
    s, url = w.badserver()
    w.write_conf(url)
    w.publish(w.mkmirror())
    s.rule(r"^feed/snapshot-", flip=1000)
    p = w.sync(ok="refused")
    log_has(p, "refused snapshot", "SHA-256")
    check(w.version() == 0, "took a bad snapshot")
    s.clear()
    w.sync()
    w.publish(w.mkmirror(change=100))
    s.rule(r"^feed/delta-", flip=7)
    p = w.sync()
    log_has(p, "refused delta", "SHA-256", "falling back to the snapshot")
    check(w.mirror_facts()[0] == 2, "not at v2")
    w.publish(w.mkmirror(change=150))
    s.clear()
    s.rule(r"^feed/delta-", flip=3)
    s.rule(r"^feed/snapshot-", flip=3)
    p = w.sync(ok="refused")
    log_has(p, "refused delta", "refused snapshot")
    check(w.mirror_facts()[0] == 2, "mirror changed")


def s_wrong_base(w):
    """A delta whose base is not the kiosk's data (same version number from
    another history) conflicts and is refused; the snapshot is taken."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    w.publish(w.mkmirror(change=100))
    other = os.path.join(w.tmp, "www", "other")
    w.publish(w.mkmirror(change=30, seed=9), other)
    w.sync("--feed", url.replace("/feed/", "/other/"))
    check(w.version() == 1, "not at other v1")
    # The kiosk now holds a version 1 the main feed's delta 1->2 was not
    # made from; it must notice.
    os.unlink(w.state)  # a kiosk re-provisioned: no memory of manifests
    p = w.sync()
    log_has(p, "refused delta", "conflicts", "falling back to the snapshot")
    check(w.mirror_facts()[0] == 2, "not at v2")


def s_wrong_base_label(w):
    """A genuinely signed manifest that labels the delta 2 -> 3 as
    applying to version 1: the kiosk at version 1 takes it, the changeset
    conflicts with its data, it is rolled back and refused; the snapshot
    is taken."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    w.sync()
    w.publish(w.mkmirror(change=100))
    w.publish(w.mkmirror(change=200), None, None, "--keep-deltas", "1")
    resign(w, lambda b: b.replace("delta=2 ", "delta=1 "))
    p = w.sync()
    log_has(p, "refused delta", "conflicts with the mirror",
            "falling back to the snapshot")
    check_same_as_published(w, 3)


def s_lying_sizes(w):
    """A signed manifest understating the decompressed size of the
    snapshot or a delta (a decompression bomb's way in): refused."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())

    def shrink(kind):
        def edit(body):
            out = []
            for line in body.splitlines(True):
                if line.startswith(kind + "="):
                    f = line.split()
                    f[-1] = str(int(f[-1]) - 1)
                    line = " ".join(f) + "\n"
                out.append(line)
            return "".join(out)
        return edit

    resign(w, shrink("snapshot"))
    p = w.sync(ok="refused")
    log_has(p, "refused snapshot", "decompresses to more than")
    check(w.version() == 0, "mirror appeared")
    w.publish(w.mkmirror())
    w.sync()
    w.publish(w.mkmirror(change=100))
    resign(w, shrink("delta"))
    p = w.sync()
    log_has(p, "refused delta", "does not decompress to")
    check(w.version() == 3, "not at v3 by the snapshot")


def s_oversize(w):
    """Bodies longer than the manifest states, or endless, are cut off at
    the stated size."""
    s, url = w.badserver()
    w.write_conf(url)
    w.publish(w.mkmirror())
    s.rule(r"^feed/snapshot-", extra=5000)
    p = w.sync(ok="refused")
    log_has(p, "larger than")
    s.clear()
    s.rule(r"^feed/snapshot-", endless=True)
    t = time.time()
    p = w.sync(ok="refused")
    log_has(p, "larger than")
    check(time.time() - t < 10, "endless body not cut off")
    s.clear()
    s.rule(r"^feed/manifest$", endless=True)
    p = w.sync(ok="refused")
    log_has(p, "refused manifest", "larger than")
    check(w.version() == 0, "mirror appeared")
    s.clear()
    w.sync()
    check(w.version() == 1, "no v1 after the server behaves")


def s_resume(w):
    """A truncated download is kept and resumed with a Range request."""
    s, url = w.badserver()
    w.write_conf(url)
    w.publish(w.mkmirror(products=3000))
    s.rule(r"^feed/snapshot-", truncate=5000, times=1)
    p = w.sync(ok="failed")
    log_has(p, "cannot fetch snapshot")
    check(w.version() == 0, "took a truncated snapshot")
    p = w.sync()
    log_has(p, "resuming")
    ranges = [r["range"] for r in s.requests if "snapshot" in r["path"]]
    check(ranges[-1] == "bytes=5000-", "no Range request: %s" % ranges)
    check(w.version() == 1, "not at v1")
    # Within one round, retries resume too.
    w.write_conf(url, retries=2)
    w.publish(w.mkmirror(products=3000, change=500), None, None,
              "--keep-deltas", "0")
    s.clear()
    s.rule(r"^feed/snapshot-", truncate=3000, times=1)
    p = w.sync()
    check(w.version() == 2, "not at v2")


def s_trickle(w):
    """A server trickling one byte a second trips the low-speed limit."""
    s, url = w.badserver()
    w.write_conf(url, low_speed_limit=100, low_speed_time=2)
    w.publish(w.mkmirror())
    s.rule(r"^feed/manifest$", trickle=1.0)
    t = time.time()
    p = w.sync(ok="failed")
    check(time.time() - t < 8, "trickle not cut off")
    log_has(p, "cannot fetch the manifest")
    check("too slow" in p.stderr or "timeout" in p.stderr.lower(),
          p.stderr)
    s.clear()
    s.rule(r"^feed/snapshot-", trickle=1.0)
    p = w.sync(ok="failed")
    log_has(p, "cannot fetch snapshot")
    check(w.version() == 0, "mirror appeared")


def s_http_errors(w):
    """404 is final; 500 is retried; 503 with Retry-After waits as told."""
    s, url = w.badserver()
    w.write_conf(url, retries=2, backoff_ms=50)
    w.publish(w.mkmirror())
    s.rule(r"^feed/manifest$", status=404)
    p = w.sync(ok="failed")
    log_has(p, "HTTP 404")
    check(len(s.requests) == 1, "404 retried")
    s.clear()
    s.rule(r"^feed/manifest$", status=500)
    p = w.sync(ok="failed")
    log_has(p, "HTTP 500", "retry 2 of 2")
    check(len(s.requests) == 3, "500 not retried twice")
    s.clear()
    s.rule(r"^feed/manifest$", status=503, retry_after="2", times=1)
    t = time.time()
    p = w.sync()
    check(time.time() - t >= 2, "Retry-After not honoured")
    log_has(p, "HTTP 503")
    check(w.version() == 1, "not at v1")
    # A manifest cut off mid-body is fetched again whole, not appended to.
    w.publish(w.mkmirror(change=10))
    s.clear()
    s.rule(r"^feed/manifest$", truncate=100, times=1)
    p = w.sync()
    check(w.version() == 2, "not at v2 after a truncated manifest")
    s.clear()
    s.rule(r"^feed/manifest$", status=302,
           location="http://localhost:%d/feed/manifest" % s.port)
    p = w.sync(ok="failed")
    log_has(p, "refused redirect to another host")


def s_server_down(w):
    """Nothing listening: the kiosk retries with backoff, then keeps its
    mirror."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    w.sync()
    w.close()
    w.procs = []
    w.write_conf(url, retries=2, backoff_ms=100)
    w.publish(w.mkmirror(change=100))
    t = time.time()
    p = w.sync(ok="failed")
    log_has(p, "cannot fetch the manifest", "retry 1 of 2")
    check(time.time() - t >= 0.15, "no backoff")
    check(w.mirror_facts()[0] == 1, "mirror changed")


SHIM = os.path.join(BUILD, "tests", "libfeed_crash_shim.so")


def shim_env(**extra):
    env = dict(os.environ, LD_PRELOAD=SHIM, **extra)
    # The shim is preloaded ahead of the sanitizer runtime.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                           ":verify_asan_link_order=0").lstrip(":")
    return env


def kill_at_every_step(w, points, reader=False):
    """Stop a sync with SIGKILL at `points` moments spread over all the
    file-changing calls it makes (write, pwrite, fsync, ftruncate, rename,
    unlink: tests/feed_crash_shim.c), each time from the same old mirror.
    After each kill the kiosk (status) opens the mirror, which is the old
    version or the new one, passes PRAGMA integrity_check and answers
    queries. With reader, a connection holds a read transaction on the
    mirror throughout, as the running kiosk does, and must go on reading
    the old version. Returns (kills, of which inside a transaction, of
    which left the new version)."""
    keep = os.path.join(w.tmp, "keep")
    os.makedirs(keep, exist_ok=True)
    shutil.copy(w.mirror, os.path.join(keep, "mirror"))
    shutil.copy(w.state, os.path.join(keep, "state"))
    old = w.version()

    def restore():
        for f in os.listdir(w.kdir):
            if f.startswith("mirror.db"):
                os.unlink(os.path.join(w.kdir, f))
        shutil.copy(os.path.join(keep, "mirror"), w.mirror)
        shutil.copy(os.path.join(keep, "state"), w.state)

    def hold():
        """A reader in a read transaction, as the running kiosk is."""
        r = sqlite3.connect(w.mirror, isolation_level=None)
        r.execute("BEGIN")
        return r, r.execute("SELECT value FROM meta WHERE "
                            "key='feed_version'").fetchone()[0]

    count = os.path.join(w.tmp, "count")
    if reader:
        r, _ = hold()
    w.sync(env=shim_env(OCOP_CRASH_COUNT=count))
    if reader:
        r.close()
    with open(count) as f:
        total = int(f.read())
    check(total >= 5, "only %d calls to stop at" % total)
    points = min(points, total)
    hot = new = 0
    for i in range(points):
        at = 1 + (total - 1) * i // (points - 1) if i < points - 1 else total
        restore()
        if reader:
            r, seen = hold()
        p = run(KIOSK, "sync", "--config", w.conf, ok=False,
                env=shim_env(OCOP_CRASH_AT=str(at)))
        check(p.returncode == -signal.SIGKILL,
              "not killed at call %d of %d: %d" % (at, total, p.returncode))
        # A delta is applied in place, in WAL mode: a kill inside the
        # transaction leaves frames in the WAL and the old version.
        wal = w.mirror + "-wal"
        hot += (os.path.exists(w.mirror + "-journal") or
                os.path.exists(w.mirror + ".delta-journal") or
                (os.path.exists(wal) and os.path.getsize(wal) > 0 and
                 w.version() == old))
        if reader:
            again = r.execute("SELECT value FROM meta WHERE "
                              "key='feed_version'").fetchone()[0]
            r.close()
            check(again == seen == str(old),
                  "the reader saw v%s, then v%s" % (seen, again))
        st = run(KIOSK, "status", "--config", w.conf, ok=False)
        facts = w.mirror_facts()
        check(facts and facts[0] in (old, old + 1),
              "mirror at %s after a kill at call %d" % (facts, at))
        check("mirror_version=%d" % facts[0] in st.stdout, st.stdout)
        new += facts[0] == old + 1
    restore()
    return points, hot, new


def s_kill9(w):
    """kill -9 at every step of a sync: during download, delta apply and
    commit, snapshot decompression, check and rename, state write."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror(products=4000))
    w.sync()
    w.publish(w.mkmirror(products=4000, change=500, seed=2))
    d = kill_at_every_step(w, 24)
    p = w.sync()
    check("path=delta" in p.stdout and w.version() == 2, p.stdout)
    w.publish(w.mkmirror(products=4000, change=300), None, None,
              "--keep-deltas", "0")
    s = kill_at_every_step(w, 24)
    p = w.sync()
    check("path=snapshot" in p.stdout and w.version() == 3, p.stdout)
    check(d[1] > 0, "no kill landed inside the delta's transaction")
    print("delta: %d kills, %d inside the transaction, %d left the new "
          "version; snapshot: %d kills, %d left the new version" %
          (d[0], d[1], d[2], s[0], s[2]))


def s_inplace(w):
    """A delta applies in place (issue 12): the kiosk keeps its mirror in
    WAL mode, the file is the same afterwards, a reader holding the old
    version keeps it while the delta commits, and kill -9 at any point of
    the in-place apply, with such a reader, leaves the old or the new
    version."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror(products=1000))
    w.sync()
    with open(w.mirror, "rb") as f:
        check(f.read(20)[18:20] == b"\x02\x02", "mirror not in WAL mode")
    ino = os.stat(w.mirror).st_ino
    r = sqlite3.connect(w.mirror, isolation_level=None)
    r.execute("BEGIN")
    now = w.products()
    before = r.execute("SELECT count(*) FROM %s WHERE status='revoked'" %
                       now).fetchone()[0]
    w.publish(w.mkmirror(products=1000, change=100, seed=2))
    p = w.sync()
    check("path=delta" in p.stdout, p.stdout)
    check(os.stat(w.mirror).st_ino == ino, "the delta replaced the file")
    check(r.execute("SELECT count(*) FROM %s WHERE status='revoked'" %
                    now).fetchone()[0] == before,
          "the reader's version changed under it")
    r.close()
    check_same_as_published(w, 2)
    w.publish(w.mkmirror(products=1000, change=200, seed=3))
    d = kill_at_every_step(w, 12, reader=True)
    ino = os.stat(w.mirror).st_ino  # restored by a copy
    p = w.sync()
    check("path=delta" in p.stdout and w.version() == 3, p.stdout)
    check(os.stat(w.mirror).st_ino == ino, "the delta replaced the file")
    check_same_as_published(w, 3)
    check(d[1] > 0 and d[2] > 0, "kills: %s" % (d,))
    print("in place: %d kills, %d inside the transaction, %d left the new "
          "version" % d)


def same_rows(a, b, what):
    """Every table of mirror b holds exactly a's rows, value types
    included (meta's per-version rows aside)."""
    db = sqlite3.connect(a)
    db.execute("ATTACH ? AS b", (b,))
    skip = "WHERE key NOT IN ('feed_version','published','authority')"
    for (t,) in db.execute("SELECT name FROM main.sqlite_schema WHERE "
                           "type='table'").fetchall():
        where = skip if t == "meta" else ""
        rows = [db.execute("SELECT * FROM %s.%s %s ORDER BY 1" %
                           (s, t, where)).fetchall() for s in ("main", "b")]
        check(rows[0] == rows[1], "%s: table %s differs" % (what, t))
    db.close()


def table_pages(path, table):
    """The bytes of every page of table's B-tree in the file at path
    (after the kiosk's sync has checkpointed and closed it)."""
    db = sqlite3.connect(path)
    try:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = [r[0] for r in db.execute(
            "SELECT pageno FROM dbstat WHERE name=? ORDER BY pageno",
            (table,))]
    finally:
        db.close()
    with open(path, "rb") as f:
        out = {}
        for n in pages:
            f.seek((n - 1) * size)
            out[n] = f.read(size)
    return out


def overlay_rows(path):
    """(rows, of which gone) in the kiosk's overlay; None without one."""
    db = sqlite3.connect(path)
    try:
        if not db.execute("SELECT count(*) FROM sqlite_schema WHERE name=?",
                          (OVERLAY,)).fetchone()[0]:
            return None
        return db.execute("SELECT count(*), total(gone) FROM %s" %
                          OVERLAY).fetchone()
    finally:
        db.close()


def s_delta_pages(w):
    """A 1% delta spread over the table (issue 12) writes its changed
    products side by side in the kiosk's overlay and no page of products
    (docs/mirror.md, "The kiosk's overlay"): the table's pages are the
    same bytes afterwards, and the snapshot holds the registry's rows
    byte for byte."""
    w.write_conf("file://%s/" % w.feed)
    src = w.mkmirror(products=5000)
    w.publish(src)
    same_rows(src, published_db(w, 1), "the published snapshot")
    w.sync()
    before = table_pages(w.mirror, "products")
    src = w.mkmirror(products=5000, change=10, seed=2)
    w.publish(src)
    same_rows(src, published_db(w, 2), "the published snapshot")
    p = w.sync()
    check("path=delta" in p.stdout, p.stdout)
    check_same_as_published(w, 2)
    check(table_pages(w.mirror, "products") == before,
          "the delta rewrote pages of products")
    rows = overlay_rows(w.mirror)
    check(rows and rows[0] == 50 and rows[1] == 0,
          "overlay after a 50-row delta: %s" % (rows,))


def edited_mirror(w, base, name, sql):
    """A copy of mirror base changed by sql (rows removed, added)."""
    out = os.path.join(w.tmp, name)
    shutil.copy(base, out)
    db = sqlite3.connect(out)
    db.executescript(sql)
    db.close()
    return out


def s_overlay(w):
    """The kiosk's overlay (issue 12) takes every kind of change a delta
    brings: changed, removed and added products, and changes undone
    (their rows leave the overlay again); once it outgrows its rule it is
    folded into a fresh mirror without one (fold_ms > 0), kill -9 at any
    point of that fold leaves the old version or the new one, and the next
    delta goes in place again; a delta whose old values differ from an
    overlay row is refused."""
    url = w.nginx()
    w.write_conf(url)
    n = 6000
    base = w.mkmirror(products=n)
    w.publish(base)
    w.sync()
    keep = os.path.join(w.tmp, "v1.db")
    shutil.copy(base, keep)
    v2 = edited_mirror(w, w.mkmirror(products=n, change=10, seed=2), "v2.db",
                       "DELETE FROM products WHERE code IN ('HN-0000004',"
                       " 'HN-0000005', 'HN-0002500');"
                       "INSERT INTO products SELECT 'HN-9'||substr(code, 4),"
                       " name, grp, producer, province, stars, proposed5,"
                       " status, status_reason, status_date, certificate,"
                       " certified, expires FROM products WHERE code IN"
                       " ('HN-0000001', 'HN-0000002')")
    w.publish(v2)
    p = w.sync()
    check("path=delta" in p.stdout and "fold_ms=0.00" in p.stdout, p.stdout)
    check_same_as_published(w, 2)
    rows = overlay_rows(w.mirror)
    check(rows == (60 + 3 + 2, 3), "overlay of v2: %s" % (rows,))
    # v1 again: every change undone, the overlay empties.
    w.publish(keep)
    p = w.sync()
    check("path=delta" in p.stdout, p.stdout)
    check_same_as_published(w, 3)
    check(overlay_rows(w.mirror) == (0, 0),
          "overlay of v1 again: %s" % (overlay_rows(w.mirror),))
    # 80% changed: past the rule, so the sync folds.
    v4 = w.mkmirror(products=n, change=800, seed=3)
    w.publish(v4)
    d = kill_at_every_step(w, 16)
    p = w.sync()
    check("path=delta" in p.stdout and "fold_ms=0.00" not in p.stdout,
          p.stdout)
    check(overlay_rows(w.mirror) is None, "an overlay after the fold")
    check_same_as_published(w, 4)
    with open(w.mirror, "rb") as f:
        check(f.read(20)[18:20] == b"\x02\x02", "folded mirror not in WAL")
    ino = os.stat(w.mirror).st_ino
    w.publish(edited_mirror(w, v4, "v5.db", "UPDATE products SET status ="
                            " 'suspended' WHERE code = 'HN-0000007'"))
    p = w.sync()
    check("path=delta" in p.stdout and os.stat(w.mirror).st_ino == ino,
          p.stdout)
    check(overlay_rows(w.mirror) == (1, 0), "overlay of v5")
    check_same_as_published(w, 5)
    # An overlay row that is not what the feed made (another history):
    # the next delta's old values do not match it, so it is refused and
    # the snapshot replaces the mirror, overlay and all.
    db = sqlite3.connect(w.mirror)
    db.execute("UPDATE %s SET status = 'revoked' WHERE code = 'HN-0000007'"
               % OVERLAY)
    db.commit()
    db.close()
    w.publish(v4)
    p = w.sync()
    log_has(p, "refused delta", "conflicts", "falling back to the snapshot")
    check("path=snapshot" in p.stdout and overlay_rows(w.mirror) is None,
          p.stdout)
    check_same_as_published(w, 6)
    print("fold: %d kills, %d left the new version" % (d[0], d[2]))


def s_grace(w):
    """A publish removes the previous snapshot at once and keeps the
    previous manifest's deltas for FEED_GRACE_S (an hour), then `publish
    --prune` (the publish timer, when nothing is due) removes them (issue
    12: the folder held two snapshots). A kiosk that read the previous
    manifest a moment before the publish gets 404 for its snapshot, reads
    the manifest again in the same round and takes the new version."""
    srv, url = w.badserver()
    w.write_conf(url)
    t = int(time.time())
    w.publish(w.mkmirror(products=300), None, None, "--now", str(t))
    with open(os.path.join(w.feed, "manifest"), "rb") as f:
        manifest1 = f.read()
    old = [f[0] for f in manifest_files(w, "snapshot")]
    w.publish(w.mkmirror(products=300, change=100, seed=2), None, None,
              "--now", str(t + 60))
    w.publish(w.mkmirror(products=300, change=150, seed=3), None, None,
              "--now", str(t + 120))
    prev_deltas = [f[1] for f in manifest_files(w, "delta")]
    w.publish(w.mkmirror(products=300, change=200, seed=4), None, None,
              "--now", str(t + 180))
    new = [f[0] for f in manifest_files(w, "snapshot")] + \
        [f[1] for f in manifest_files(w, "delta")]

    def served():
        return sorted(n for n in os.listdir(w.feed)
                      if n.startswith(("snapshot-", "delta-")))
    snaps = [n for n in served() if n.startswith("snapshot-")]
    check(snaps == [f for f in new if f.startswith("snapshot-")],
          "snapshots served after a publish: %s" % snaps)
    for now in (t + 180, t + 180 + 3599):
        run(HOST, "publish", "--prune", "--feed", w.feed, "--now", str(now))
        check(all(f in served() for f in prev_deltas + new),
              "the previous deltas went %d s after the publish" %
              (now - t - 180))
    # A kiosk handed the first manifest (a moment before the publishes):
    # its snapshot is gone, so it reads the manifest again.
    srv.rule(r"manifest$", body=manifest1, times=1)
    p = w.sync()
    log_has(p, old[0], "published anew")
    check("version=4 path=snapshot" in p.stdout, p.stdout)
    check_same_as_published(w, 4)
    check(not [f for f in os.listdir(w.kdir) if f.endswith(".part")],
          "part files left: %s" % os.listdir(w.kdir))
    run(HOST, "publish", "--prune", "--feed", w.feed, "--now",
        str(t + 180 + 3600))
    check(served() == sorted(new), "after the grace: %s, manifest: %s" %
          (served(), sorted(new)))
    # Nothing is pruned from a folder without a manifest.
    os.unlink(os.path.join(w.feed, "manifest"))
    run(HOST, "publish", "--prune", "--feed", w.feed)
    check(served() == sorted(new), "prune without a manifest removed files")


def s_publish_db(w):
    """publish --db publishes the registry as it is now (issue 11, 3.5):
    a change made after the last export reaches the kiosk, under one
    version number for the registry and the feed; publishing an old
    export again says so."""
    world = os.path.join(w.tmp, "world")
    run(HOST, "demo", world)
    conf = os.path.join(world, "kiosk.conf")
    reg = os.path.join(world, "registry.db")
    sec = os.path.join(world, "authority.sec")
    feed = os.path.join(world, "feed")
    kmirror = os.path.join(world, "kiosk", "mirror.db")
    run(KIOSK, "sync", "--config", conf)
    db = sqlite3.connect(kmirror)
    code = db.execute("SELECT code FROM products WHERE status='rated' "
                      "ORDER BY code LIMIT 1").fetchone()[0]
    db.close()
    run(HOST, "product", "set-status", "--db", reg, "--code", code,
        "--status", "suspended", "--reason", "test")
    p = run(HOST, "publish", "--db", reg, "--key", sec, "--feed", feed)
    v = int(p.stdout.split("published version ")[1].split(":")[0])
    p = run(KIOSK, "sync", "--config", conf)
    check("version=%d " % v in p.stdout, p.stdout)
    db = sqlite3.connect(kmirror)
    st = db.execute("SELECT status FROM %s WHERE code=?" %
                    products_now(kmirror), (code,)).fetchone()[0]
    db.close()
    check(st == "suspended", "the kiosk says %s for %s" % (st, code))
    # export + publish --mirror: the number export reports is the one
    # published; the same export published again is flagged.
    out = os.path.join(w.tmp, "export.db")
    p = run(HOST, "export", "--db", reg, "--out", out)
    check("feed_version %d" % (v + 1) in p.stdout, p.stdout)
    p = run(HOST, "publish", "--mirror", out, "--key", sec, "--feed", feed)
    check("published version %d:" % (v + 1) in p.stdout, p.stdout)
    p = run(HOST, "publish", "--mirror", out, "--key", sec, "--feed", feed)
    check("published version %d:" % (v + 2) in p.stdout and
          "was published before" in p.stderr, p.stdout + p.stderr)
    p = run(HOST, "publish", "--db", reg, "--mirror", out, "--key", sec,
            "--feed", feed, ok=False)
    check(p.returncode == 2, p.stderr)


def s_disk_full(w):
    """The disk filling up during a sync: at points spread over every
    write of a delta apply and of a snapshot install, all later writes
    fail with ENOSPC (tests/feed_crash_shim.c); also a file size limit
    (RLIMIT_FSIZE). Each time: a clear failure, the old mirror intact."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror(products=4000))
    w.sync()
    keep = os.path.join(w.tmp, "keep.db")
    shutil.copy(w.mirror, keep)
    shutil.copy(w.state, keep + ".state")

    def restore():
        for f in os.listdir(w.kdir):
            if f.startswith("mirror.db"):
                os.unlink(os.path.join(w.kdir, f))
        shutil.copy(keep, w.mirror)
        shutil.copy(keep + ".state", w.state)

    messages = set()
    for args in ((), ("--keep-deltas", "0")):
        w.publish(w.mkmirror(products=4000, change=500), None, None, *args)
        restore()
        count = os.path.join(w.tmp, "count")
        p = w.sync(env=shim_env(OCOP_CRASH_COUNT=count))
        newv = w.version()
        with open(count) as f:
            total = int(f.read())
        for i in range(8):
            restore()
            at = 1 + (total - 2) * i // 7
            p = w.sync(ok=None, env=shim_env(OCOP_FULL_AT=str(at)))
            check(p.returncode in (0, 3), "exit %d at write %d:\n%s" %
                  (p.returncode, at, p.stderr))
            if p.returncode == 3:
                check("No space left on device" in p.stderr or
                      "disk is full" in p.stderr, p.stderr)
                for line in p.stderr.splitlines():
                    messages.add(line.split(":")[2].split(" delta-")[0]
                                 .split(" snapshot-")[0].strip())
                # Old, or new if only the state write failed.
                check(w.mirror_facts()[0] in (1, newv),
                      "mirror damaged at write %d" % at)
            else:
                check(w.version() == newv, "succeeded without the new "
                      "version")
        restore()
        w.sync()
    print("disk-full failures seen:", sorted(messages))
    check({"cannot apply delta", "cannot install snapshot"} <= messages,
          "faults missed the apply and install steps")

    def limit(n):
        def pre():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
        return pre

    restore()
    p = w.sync(ok="failed", preexec_fn=limit(os.path.getsize(w.mirror) // 2))
    log_has(p, "File too large")
    check(w.mirror_facts()[0] == 1, "old mirror damaged")
    w.sync()
    check(w.version() == 3, "not at v3")


def serve_crafted(w, kind, raw, base=None):
    """Serve the uncompressed file raw as the manifest's snapshot (or as
    its only delta, from version base), signed by the authority's key:
    what a hostile or broken publisher could serve, past publish's own
    checks. The other kind's files are removed."""
    prefix, suffix = ("snapshot-", ".db.zst") if kind == "snapshot" else \
        ("delta-", ".cs.zst")
    comp = os.path.join(w.tmp, "crafted.zst")
    run("zstd", "-q", "-f", "-o", comp, raw)
    with open(comp, "rb") as f:
        data = f.read()
    sha = hashlib.sha256(data).hexdigest()
    name = prefix + sha + suffix
    shutil.copy(comp, os.path.join(w.feed, name))
    usize = os.path.getsize(raw)
    for f in os.listdir(w.feed):
        if f.startswith("delta-" if kind == "snapshot" else "snapshot-"):
            os.unlink(os.path.join(w.feed, f))

    def edit(body):
        out = []
        for line in body.splitlines(True):
            if line.startswith("delta="):
                continue
            if kind == "snapshot" and line.startswith("snapshot="):
                line = "snapshot=%s %d %s %d\n" % (name, len(data), sha, usize)
            out.append(line)
        if kind == "delta":
            out.append("delta=%d %s %d %s %d\n" % (base, name, len(data),
                                                   sha, usize))
        return "".join(out)
    resign(w, edit)


def kiosk_at_v1_of_two(w):
    """A kiosk at version 1 of a feed that has published version 2: paths
    for a copy of version 1 (base.db) and for the version a test crafts
    (new.db), whose delta it serves with serve_crafted."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    w.sync()
    base, new = (os.path.join(w.tmp, n) for n in ("base.db", "new.db"))
    shutil.copy(published_db(w, 1), base)
    w.publish(w.mkmirror(change=100))
    return base, new


def s_unknown_table(w):
    """A changeset touching a table the mirror lacks is refused, never
    silently skipped. publish refuses a mirror with such a table, so the
    delta is made here as a hostile publisher would."""
    base, new = kiosk_at_v1_of_two(w)
    # Another history in which both versions carry a table this kiosk's
    # mirror does not have; the kiosk is at version 1, the delta 1 -> 2.
    shutil.copy(published_db(w, 2), new)
    for path, v in ((base, "b"), (new, "changed")):
        db = sqlite3.connect(path)
        db.executescript("CREATE TABLE extra(k TEXT PRIMARY KEY, v TEXT) "
                         "WITHOUT ROWID; INSERT INTO extra VALUES('a','%s')"
                         % v)
        db.close()
    cs = os.path.join(w.tmp, "delta.cs")
    run(MKDELTA, base, new, cs)
    serve_crafted(w, "delta", cs, base=1)  # leaves only the delta
    os.unlink(w.state)
    p = w.sync(ok="refused")
    log_has(p, "refused delta", "table 'extra'", "does not have")
    check(w.mirror_facts()[0] == 1, "mirror changed")


def s_delta_rules(w):
    """A signed delta whose product breaks the mirror's rules (a group the
    programme does not have, an impossible star rating) is refused: the
    kiosk's overlay holds products to the same CHECKs as products."""
    base, new = kiosk_at_v1_of_two(w)
    for sql, says in (("UPDATE products SET grp = 'weapons' WHERE code ="
                       " 'HN-0000003'", "CHECK constraint failed"),
                      ("UPDATE products SET stars = 7 WHERE code ="
                       " 'HN-0000004'", "CHECK constraint failed")):
        shutil.copy(base, new)
        db = sqlite3.connect(new)
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute(sql)
        db.execute("UPDATE meta SET value = '2' WHERE key = 'feed_version'")
        db.commit()
        db.close()
        cs = os.path.join(w.tmp, "delta.cs")
        run(MKDELTA, base, new, cs)
        serve_crafted(w, "delta", cs, base=1)
        p = w.sync(ok="refused")
        log_has(p, "refused delta", says)
        check(w.mirror_facts()[0] == 1 and overlay_rows(w.mirror) is None,
              "mirror changed by a refused delta")


KEEP_RATED = ("CREATE TRIGGER keep AFTER UPDATE OF status ON products "
              "BEGIN UPDATE products SET status='rated', status_reason='', "
              "status_date='' WHERE code=new.code; END")


def has_trigger(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM sqlite_schema WHERE "
                          "type='trigger'").fetchone()[0] > 0
    finally:
        db.close()


def s_schema(w):
    """Only a mirror with exactly a documented schema is published or
    taken (issue 12): a trigger carried in once would silently undo a
    later signed revocation."""
    for sql, says in ((KEEP_RATED, "trigger 'keep'"),
                      ("CREATE VIEW v AS SELECT code FROM products",
                       "view 'v'"),
                      ("CREATE TABLE extra(k TEXT PRIMARY KEY) WITHOUT ROWID",
                       "table 'extra'"),
                      ("CREATE INDEX by_name ON products(name)",
                       "index 'by_name'"),
                      ("DROP TABLE products; CREATE TABLE products(code TEXT "
                       "PRIMARY KEY, status TEXT)", "table 'products'"),
                      # Only a kiosk keeps an overlay, never a feed.
                      ("CREATE TABLE %s(seq INTEGER PRIMARY KEY, code TEXT "
                       "NOT NULL UNIQUE, gone INTEGER)" % OVERLAY,
                       "kiosk's table '%s'" % OVERLAY)):
        m = w.mkmirror()
        db = sqlite3.connect(m)
        db.executescript(sql)
        db.close()
        p = run(HOST, "publish", "--mirror", m, "--key", w.key[0], "--feed",
                w.feed, ok=False)
        check(p.returncode == 3 and says in p.stderr and
              "docs/mirror.md" in p.stderr, p.stderr)
    check(not os.path.exists(os.path.join(w.feed, "manifest")),
          "a refused mirror was published")
    url = w.nginx()
    w.write_conf(url)
    # The documented version before inspector badges is still published
    # and taken.
    m = w.mkmirror()
    db = sqlite3.connect(m)
    db.execute("DROP TABLE revoked_badges")
    db.close()
    w.publish(m)
    p = w.sync()
    check("path=snapshot" in p.stdout and w.version() == 1, p.stdout)
    # A snapshot carrying the trigger, signed by the authority's key.
    w.publish(w.mkmirror())
    raw = os.path.join(w.tmp, "trigger.db")
    shutil.copy(published_db(w, 2), raw)
    db = sqlite3.connect(raw)
    db.executescript(KEEP_RATED)
    db.close()
    serve_crafted(w, "snapshot", raw)
    p = w.sync(ok="refused")
    log_has(p, "refused snapshot", "trigger 'keep'")
    check(w.version() == 1 and not has_trigger(w.mirror), "trigger taken")
    # A snapshot carrying an overlay, which would answer for products.
    shutil.copy(published_db(w, 2), raw)
    db = sqlite3.connect(raw)
    db.executescript("DROP TRIGGER keep; CREATE TABLE %s(seq INTEGER PRIMARY "
                     "KEY, code TEXT NOT NULL UNIQUE, gone INTEGER)" % OVERLAY)
    db.close()
    serve_crafted(w, "snapshot", raw)
    p = w.sync(ok="refused")
    log_has(p, "refused snapshot", "kiosk's table '%s'" % OVERLAY)
    check(w.version() == 1 and overlay_rows(w.mirror) is None,
          "overlay taken")
    # A kiosk whose mirror already carries it (taken before this check
    # existed): the revocation delta is refused, the snapshot replaces the
    # mirror, and the revocations hold.
    w.publish(w.mkmirror())
    w.sync()
    check(w.version() == 3, "not at v3")
    db = sqlite3.connect(w.mirror)
    db.executescript(KEEP_RATED)
    db.close()
    w.publish(w.mkmirror(change=100))
    p = w.sync()
    log_has(p, "refused delta", "trigger 'keep'",
            "falling back to the snapshot")
    v, revoked = w.mirror_facts()
    check(v == 4 and revoked > 0 and not has_trigger(w.mirror),
          "after the revocations: v%d, %d revoked" % (v, revoked))
    check_same_as_published(w, 4)


def s_links(w):
    """Links planted in the kiosk's data folder under the names of its own
    temporaries (part files, <mirror>.new) and of the mirror itself are
    replaced, never written through (issue 12); a folder there is a
    clear failure."""
    url = w.nginx()
    w.write_conf(url)
    outside = os.path.join(w.tmp, "outside")
    os.makedirs(outside)
    victims = {}

    def plant(name):
        victim = os.path.join(outside, "victim%d" % len(victims))
        with open(victim, "w") as f:
            f.write("precious")
        os.symlink(victim, name)
        victims[victim] = name

    def untouched():
        for victim, name in victims.items():
            with open(victim) as f:
                check(f.read() == "precious", "wrote through %s" % name)
        check(not os.path.islink(w.mirror), "mirror.db is a link")

    w.publish(w.mkmirror())
    snap = next(manifest_files(w, "snapshot"))[0]
    plant(w.mirror + "." + snap + ".part")
    plant(w.mirror + ".new")
    p = w.sync()
    check("path=snapshot" in p.stdout and w.version() == 1, p.stdout)
    untouched()
    w.publish(w.mkmirror(change=50))
    delta = next(manifest_files(w, "delta"))[1]
    plant(w.mirror + "." + delta + ".part")
    # The files SQLite keeps beside the mirror, which a delta applied in
    # place opens for writing.
    plant(w.mirror + "-wal")
    plant(w.mirror + "-shm")
    p = w.sync()
    check("path=delta" in p.stdout and w.version() == 2, p.stdout)
    untouched()
    # The mirror's own name a link to a mirror elsewhere: a delta must not
    # change that file; the snapshot replaces the link.
    w.publish(w.mkmirror(change=80))
    elsewhere = os.path.join(outside, "mirror.db")
    shutil.copy(w.mirror, elsewhere)
    with open(elsewhere, "rb") as f:
        before = f.read()
    os.unlink(w.mirror)
    os.symlink(elsewhere, w.mirror)
    p = w.sync()
    check(w.version() == 3, "not at v3")
    with open(elsewhere, "rb") as f:
        check(f.read() == before, "wrote through the mirror's link")
    untouched()
    # A folder at a part file's name: nothing to remove safely.
    w.publish(w.mkmirror(change=120), None, None, "--keep-deltas", "0")
    snap = next(manifest_files(w, "snapshot"))[0]
    os.mkdir(w.mirror + "." + snap + ".part")
    p = w.sync(ok="failed")
    log_has(p, "cannot fetch snapshot", "not a regular file")
    check(w.version() == 3, "mirror changed")


def s_rotation(w):
    """The feed key is rotated: the new key is announced signed by the old
    one; afterwards the old key alone is no longer enough."""
    url = w.nginx()
    w.write_conf(url)
    w.publish(w.mkmirror())
    w.sync()
    new = w.keygen("feed2")
    w.publish(w.mkmirror(change=10), None, new, "--announce-from", w.key[0])
    p = w.sync()
    log_has(p, "hands over to key")
    check(w.version() == 2, "not at v2")
    w.publish(w.mkmirror(change=20), None, new)
    w.sync()
    check(w.version() == 3, "not at v3")
    # A fresh kiosk knowing only the original key follows the chain too.
    os.unlink(w.mirror)
    os.unlink(w.state)
    w.sync()
    check(w.version() == 3, "fresh kiosk not at v3")
    # The old key signing on its own is refused now.
    w.publish(w.mkmirror(change=30))
    p = w.sync(ok="refused")
    log_has(p, "refused manifest")
    check(w.version() == 3, "old key accepted after rotation")


def s_https(w):
    """HTTPS: the system CAs (or a configured CA file) and optional
    public-key pinning."""
    d = w.tmp
    crt, key = os.path.join(d, "tls.crt"), os.path.join(d, "tls.key")
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout",
        key, "-out", crt)
    der = subprocess.run("openssl x509 -in %s -pubkey -noout | openssl pkey "
                         "-pubin -outform der | openssl dgst -sha256 -binary "
                         "| base64" % crt, shell=True, capture_output=True,
                         text=True, check=True).stdout.strip()
    url = w.nginx(tls=(crt, key))
    w.publish(w.mkmirror())
    w.write_conf(url)
    p = w.sync(ok="failed")
    log_has(p, "cannot fetch the manifest", "certificate")
    w.write_conf(url, ca_file=crt, pin="sha256//" + "A" * 43 + "=")
    p = w.sync(ok="failed")
    log_has(p, "cannot fetch the manifest", "pinned public key")
    check(w.version() == 0, "mirror appeared")
    w.write_conf(url, ca_file=crt, pin="sha256//" + der)
    w.sync()
    check(w.version() == 1, "not at v1 over HTTPS")


def s_publish_errors(w):
    """The publisher refuses bad input with one line and leaves the feed
    as it was."""
    w.publish(w.mkmirror())
    with open(os.path.join(w.feed, "manifest"), "rb") as f:
        before = f.read()
    p = run(HOST, "publish", "--mirror", os.path.join(w.tmp, "nope.db"),
            "--key", w.key[0], "--feed", w.feed, ok=False)
    check(p.returncode == 3 and "cannot open mirror" in p.stderr, p.stderr)
    bad = w.mkmirror()
    db = sqlite3.connect(bad)
    db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    db.commit()
    db.close()
    p = run(HOST, "publish", "--mirror", bad, "--key", w.key[0], "--feed",
            w.feed, ok=False)
    check(p.returncode == 3 and "not a mirror of schema version 1" in
          p.stderr, p.stderr)
    p = run(HOST, "publish", "--mirror", bad, "--key", w.key[1], "--feed",
            w.feed, ok=False)
    check(p.returncode == 3 and "cannot read secret key" in p.stderr,
          p.stderr)
    p = run(HOST, "publish", "--mirror", w.mkmirror(), "--key", w.key[0],
            "--feed", w.feed, "--version", "1", ok=False)
    check(p.returncode == 3 and "is not above" in p.stderr, p.stderr)
    p = run(HOST, "publish", "--mirror", bad, "--key", w.key[0], "--feed",
            w.feed, "--expires-days", "0", ok=False)
    check(p.returncode == 2 and "--expires-days" in p.stderr, p.stderr)
    with open(os.path.join(w.feed, "manifest"), "rb") as f:
        check(f.read() == before, "manifest changed by a failed publish")
    p = w.publish(w.mkmirror())
    check("published version 2" in p.stdout, p.stdout)
    # A damaged old version (its step, versions/1-2.cs.zst, which the
    # delta from 1 needs) costs its delta, not the publish.
    with open(os.path.join(w.feed, "versions", "1-2.cs.zst"), "r+b") as f:
        f.write(b"garbage" * 20)
    p = w.publish(w.mkmirror())
    check("published version 3" in p.stdout and "1 deltas" in p.stdout and
          "warning: no delta from 1 old version" in p.stderr,
          p.stdout + p.stderr)


def s_publish_faults(w):
    """publish on a full disk fails with the real error and leaves no
    partial versions/N.db; a killed publish's journal and half-built
    version are removed by the next publish (issue 12)."""
    w.publish(w.mkmirror())
    vdir = os.path.join(w.feed, "versions")
    with open(os.path.join(w.feed, "manifest"), "rb") as f:
        before = f.read()
    mirror = w.mkmirror(change=5)
    count = os.path.join(w.tmp, "publish.count")
    # Count the file-changing calls of one publish into a copy of the feed.
    shutil.copytree(w.feed, w.feed + ".count")
    run(HOST, "publish", "--mirror", mirror, "--key", w.key[0], "--feed",
        w.feed + ".count", env=shim_env(OCOP_CRASH_COUNT=count))
    with open(count) as f:
        calls = int(f.read())
    check(calls > 20, "a publish made only %d file calls" % calls)
    points = sorted({1 + i * (calls - 1) // 15 for i in range(16)})

    def versions_clean(what):
        names = sorted(os.listdir(vdir))
        check(not [n for n in names if n.endswith("-journal")],
              "%s: journal left in versions/: %s" % (what, names))
        for n in names:
            if not n.endswith(".db"):
                continue
            db = sqlite3.connect(os.path.join(vdir, n))
            v = db.execute("SELECT value FROM meta WHERE "
                           "key='feed_version'").fetchone()
            ok = db.execute("PRAGMA integrity_check").fetchone()
            db.close()
            check(v and v[0] + ".db" == n and ok[0] == "ok",
                  "%s: versions/%s is not a whole version" % (what, n))

    for at in points:
        p = run(HOST, "publish", "--mirror", mirror, "--key", w.key[0],
                "--feed", w.feed, ok=False,
                env=shim_env(OCOP_FULL_AT=str(at)))
        if p.returncode == 0:
            break  # the disk filled after the last write: published
        check(p.returncode == 3, "full disk at %d: exit %d" %
              (at, p.returncode))
        check("not an error" not in p.stderr,
              "full disk at %d: %s" % (at, p.stderr.strip()))
        check(sorted(os.listdir(vdir)) == [".lock"],
              "full disk at %d left %s" % (at, os.listdir(vdir)))
        with open(os.path.join(w.feed, "manifest"), "rb") as f:
            check(f.read() == before, "full disk at %d: manifest changed" %
                  at)
    # The copy's own error, with the OS's words.
    shutil.rmtree(w.feed)
    shutil.copytree(w.feed + ".count", w.feed)
    p = run(HOST, "publish", "--mirror", mirror, "--key", w.key[0],
            "--feed", w.feed, ok=False, env=shim_env(OCOP_FULL_AT="3"))
    check("No space left on device" in p.stderr or "disk is full" in
          p.stderr, "full disk message: %s" % p.stderr.strip())
    # Killed at every step: the next publish cleans up and succeeds.
    journals = 0
    for at in points:
        run(HOST, "publish", "--mirror", mirror, "--key", w.key[0],
            "--feed", w.feed, ok=False, env=shim_env(OCOP_CRASH_AT=str(at)))
        journals += any(n.endswith("-journal") for n in os.listdir(vdir))
        p = w.publish(mirror)
        check("published version" in p.stdout, p.stdout + p.stderr)
        versions_clean("kill at %d, then publish" % at)
    check(journals > 0, "no kill left a journal: the test tests nothing")


def s_kiosk_conf(w):
    """publish --kiosk-conf writes a configuration a kiosk syncs with as
    it is."""
    url = w.nginx()
    kdata = os.path.join(w.tmp, "kiosk2")
    conf = os.path.join(w.tmp, "kiosk2.conf")
    p = w.publish(w.mkmirror(), None, None, "--kiosk-conf", conf, "--url",
                  url, "--kiosk-data", kdata)
    check("kiosk configuration written" in p.stdout, p.stdout)
    p = run(KIOSK, "sync", "--config", conf)
    check("version=1 path=snapshot" in p.stdout, p.stdout)
    check(os.path.exists(os.path.join(kdata, "mirror.db")), "no mirror")
    p = run(HOST, "publish", "--mirror", w.mkmirror(), "--key", w.key[0],
            "--feed", w.feed, "--kiosk-conf", conf, ok=False)
    check(p.returncode == 2 and "--url" in p.stderr, p.stderr)


def s_config(w):
    """Bad configuration: one line naming file, line and key."""
    w.write_conf("http://127.0.0.1:9/feed/")
    with open(w.conf) as f:
        good = f.read()
    cases = [
        ("retries = 0", "retries = many", ":4: [feed] retries must be"),
        ("[data]", "[data]\ncolour = red", "unknown key 'colour' in [data]"),
        ("url = http", "url = ftp", "url must be an http"),
    ]
    for old, new, msg in cases:
        with open(w.conf, "w") as f:
            f.write(good.replace(old, new, 1))
        p = run(KIOSK, "sync", "--config", w.conf, ok=False)
        check(p.returncode == 3 and msg in p.stderr,
              "%r: %d %s" % (new, p.returncode, p.stderr))
    p = run(KIOSK, "sync", "--config", os.path.join(w.tmp, "nope.conf"),
            ok=False)
    check(p.returncode == 3 and "cannot open" in p.stderr, p.stderr)


SCENARIOS = {k[2:]: v for k, v in globals().items() if k.startswith("s_")}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print("usage: feed_test.py %s" % "|".join(SCENARIOS),
              file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="feedtest-")
    os.chmod(tmp, 0o755)  # nginx workers run as another user
    w = World(tmp)
    try:
        SCENARIOS[sys.argv[1]](w)
    except Fail as e:
        print("FAIL %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    finally:
        w.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print("ok %s" % sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())

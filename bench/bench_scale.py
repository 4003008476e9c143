#!/usr/bin/env python3
"""Feed at national size (issue 12, "Costs at national size"): a registry
of N products imported from generated CSV with the real `ocop-host
import`, published with `ocop-host publish --db`, synced by `ocop-kiosk
sync` from a file:// feed. Each figure is printed next to a baseline
measured in the same run, as a ratio:

  publish, 0 versions kept      vs  cp of the uncompressed mirror (+ fsync)
  publish, 1 version kept       vs  publish with 0 kept (the one diff)
  publish, 7 versions kept      vs  publish with 1 kept (same registry)
  feed folder, 7 kept           vs  snapshot + the deltas the manifest names
    (just after the publish, and an hour later: `publish --prune`)
  1% delta apply: time          vs  a bare SQLite UPDATE of the same rows
  1% delta apply: bytes written vs  the same UPDATE (WAL + checkpoint)
                                    and the same UPDATE in the mirror
                                    compacted (VACUUM: no room in its
                                    pages, as published before)
  1% delta: SQLite pages written per changed row, and the storage's
  floor (each WAL frame, then each 4 KiB block holding a changed page at
  the checkpoint), from the UPDATE's WAL
                                vs  the same in the compacted mirror
  kiosk mirror size             vs  the same mirror compacted
  1% delta apply: peak RSS      vs  the same UPDATE's process
  1% delta apply, first after an upgrade (mirror still in rollback mode,
  applied in a copy as before)  vs  the in-place apply
  a 15% delta that takes the kiosk's overlay past its rule, so the sync
  folds it into a fresh mirror (docs/mirror.md): the fold's time
                                vs  cp + fsync of the kiosk's mirror
  that sync's bytes written per row folded
                                vs  the 1% delta's per changed row

The kiosk applies a delta's products into its overlay (docs/mirror.md,
"The kiosk's overlay"): the bare UPDATE is what the same change costs
in place, as kiosks applied deltas before.

Bytes written are the kernel's write_bytes of the process (/proc/PID/io;
read through wait4's ru_oublock, which Linux derives from it in 512-byte
units), peak RSS its ru_maxrss.

The 1% delta's apply and its bare UPDATE are each run RUNS times (the
mirror restored in between) and their medians compared: one run on a
shared VM swings by a quarter.

usage: bench_scale.py [PRODUCTS [RUNS]]   (OCOP_BUILD_DIR: the build to
run; RUNS 5 unless given)"""
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("OCOP_BUILD_DIR", "build/release")
HOST = os.path.join(BUILD, "host", "ocop-host")
KIOSK = os.path.join(BUILD, "firmware", "ocop-kiosk")
PROVINCES = ["Hà Nội", "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Sơn La",
             "Lạng Sơn", "Cao Bằng", "Hà Tĩnh", "Điện Biên", "Lai Châu"]
GROUPS = ["food", "beverages", "herbal", "textiles", "souvenirs", "tourism"]
KINDS = ["cooperative", "enterprise", "household"]
WORDS = ("Trà Mật ong Miến dong Bánh chưng Nước mắm Chè Hạt điều Gạo "
         "Nếp cái hoa vàng Rượu Mơ Mận Cam Bưởi Thổ cẩm Mây tre đan Gốm "
         "Nấm hương Sâm Quế Hồi Tiêu Gừng Sen Cà phê").split()


def measured(args):
    """(seconds, write_bytes, peak RSS KiB, stdout) of one process."""
    r, w = os.pipe()
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        os.dup2(w, 2)
        os.execv(args[0], [str(a) for a in args])
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    dt = time.perf_counter() - t
    out = b"".join(chunks).decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s failed: %s" % (args[:2], out))
    return dt, ru.ru_oublock * 512, ru.ru_maxrss, out


def gen_csv(path, n, seed=1):
    rnd = random.Random(seed)
    nprod = max(1, n // 20)
    with open(path, "w") as f:
        f.write("code,name,group,stars,province,producer,producer_name,"
                "producer_kind,certificate,certified\n")
        for i in range(n):
            p = i % nprod
            prov = PROVINCES[p % len(PROVINCES)]
            name = " ".join(rnd.choice(WORDS) for _ in range(3))
            f.write("P%07d,%s %d,%s,%d,%s,PR%06d,Hợp tác xã %d,%s,"
                    "%d/QĐ-UBND,%04d-%02d-%02d\n" %
                    (i, name, i, GROUPS[i % 6], 3 + i % 3, prov, p, p,
                     KINDS[p % 3], 100 + i % 9000, 2024 + i % 3,
                     1 + i % 12, 1 + i % 28))


def change_rows(reg, n, round_):
    """1% of the products (spread over the table) get a new status."""
    codes = ["P%07d" % i for i in range(round_ % 100, n, 100)]
    db = sqlite3.connect(reg)
    status = "suspended" if round_ % 2 else "rated"
    reason = "bench round %d" % round_ if status != "rated" else ""
    date = "2026-12-%02d" % (1 + round_ % 28) if reason else ""
    db.executemany("UPDATE products SET status=?, status_reason=?, "
                   "status_date=? WHERE code=?",
                   [(status, reason, date, c) for c in codes])
    db.commit()
    db.close()
    return codes, status, reason, date


def folder_bytes(d):
    total = 0
    for root, _, files in os.walk(d):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def manifest_bytes(feed):
    """Snapshot + deltas the manifest names (their sizes as served)."""
    total = 0
    with open(os.path.join(feed, "manifest")) as f:
        for line in f:
            if line.startswith("snapshot="):
                total += int(line.split()[1])
            elif line.startswith("delta="):
                total += int(line.split()[2])
    return total


def cp_baseline(src, tmp):
    dst = os.path.join(tmp, "cp.db")
    t = time.perf_counter()
    subprocess.run(["cp", src, dst], check=True)
    fd = os.open(dst, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    dt = time.perf_counter() - t
    os.unlink(dst)
    return dt


UPDATE_CHILD = r"""
import sqlite3, sys, time
path, status, reason, date = sys.argv[1:5]
codes = sys.stdin.read().split()
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
t = time.perf_counter()
db.execute("BEGIN IMMEDIATE")
db.executemany("UPDATE products SET status=?, status_reason=?, status_date=? "
               "WHERE code=?", [(status, reason, date, c) for c in codes])
db.execute("COMMIT")
ms = (time.perf_counter() - t) * 1e3
# The pages the commit wrote (WAL frames, before the close checkpoints
# them) and the 4 KiB blocks of the file they land in.
import struct
with open(path + "-wal", "rb") as f:
    wal = f.read()
psz = struct.unpack(">I", wal[8:12])[0]
pages = [struct.unpack(">I", wal[o:o + 4])[0]
         for o in range(32, len(wal) - psz - 23, psz + 24)]
db.close()
print("update_ms=%.1f frames=%d blocks=%d frame_bytes=%d" %
      (ms, len(pages), len(set(p * psz // 4096 for p in pages)), psz + 24))
"""


def update_baseline(mirror, tmp, codes, status, reason, date):
    """The same rows changed by a bare SQLite UPDATE in a copy of the
    kiosk's mirror (WAL, synchronous=FULL, closed: WAL + checkpoint)."""
    copy = os.path.join(tmp, "update.db")
    shutil.copyfile(mirror, copy)
    os.sync()  # a page dirtied twice is counted once: start clean
    script = os.path.join(tmp, "update.py")
    with open(script, "w") as f:
        f.write(UPDATE_CHILD)
    codes_file = os.path.join(tmp, "codes.txt")
    with open(codes_file, "w") as f:
        f.write("\n".join(codes))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        fd = os.open(codes_file, os.O_RDONLY)
        os.dup2(fd, 0)
        os.dup2(w, 1)
        os.execv(sys.executable, [sys.executable, script, copy, status,
                                  reason, date])
    os.close(w)
    out = b""
    while True:
        b = os.read(r, 4096)
        if not b:
            break
        out += b
    os.close(r)
    _, st, ru = os.wait4(pid, 0)
    os.unlink(copy)
    m = dict(t.split("=") for t in out.decode().split())
    # What the storage must write at least: each frame into the WAL, then
    # each 4 KiB block holding a changed page at the checkpoint.
    floor = int(m["frames"]) * int(m["frame_bytes"]) + int(m["blocks"]) * 4096
    return (float(m["update_ms"]), ru.ru_oublock * 512, ru.ru_maxrss,
            int(m["frames"]), floor)


def write_conf(path, feed, kdir):
    with open(os.path.join(os.path.dirname(feed), "auth.pub")) as f:
        pub = f.read().splitlines()[1]
    with open(path, "w") as f:
        f.write("[feed]\nurl = file://%s/\nauthority_key = %s\ntimeout = 600\n"
                "[data]\nmirror = %s/mirror.db\nstate = %s/sync.state\n" %
                (feed, pub, kdir, kdir))


def sync(conf):
    os.sync()  # a page dirtied twice is counted once: start clean
    dt, wb, rss, out = measured([KIOSK, "sync", "--config", conf])
    m = dict(t.split("=", 1) for t in out.split() if "=" in t)
    return dt, wb, rss, m


def row(name, v, u, bname, b, bu):
    print("  %-34s %12.1f %-3s | %-30s %12.1f %-3s | ratio %.3f" %
          (name, v, u, bname, b, bu, v / b if b else 0))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    tmp = tempfile.mkdtemp(prefix="scalebench-")
    try:
        bench(n, runs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench(n, runs, tmp):
    reg = os.path.join(tmp, "reg.db")
    sec, pub = os.path.join(tmp, "auth.sec"), os.path.join(tmp, "auth.pub")
    csv = os.path.join(tmp, "products.csv")
    gen_csv(csv, n)
    subprocess.run([HOST, "registry", "init", "--db", reg, "--secret", sec,
                    "--public", pub], check=True, capture_output=True)
    imp_s, imp_wb, _, _ = measured([HOST, "import", "--db", reg, csv])

    def publish(feed, keep):
        os.sync()
        return measured([HOST, "publish", "--db", reg, "--key", sec,
                         "--feed", feed, "--keep-deltas", str(keep)])

    # Publishing with 0 kept versions, against cp of the same bytes.
    feed0, feed1 = os.path.join(tmp, "feed0"), os.path.join(tmp, "feed1")
    publish(feed0, 0)
    publish(feed1, 1)
    change_rows(reg, n, 1)
    p0_s, p0_wb, p0_rss, _ = publish(feed0, 0)
    # One kept version: the one diff every publish with deltas makes.
    p1_s, p1_wb, p1_rss, _ = publish(feed1, 1)
    shutil.rmtree(feed1)
    raw = os.path.join(tmp, "raw.db")
    snap = [l.split()[0].split("=")[1] for l in
            open(os.path.join(feed0, "manifest")) if l.startswith("snapshot=")]
    subprocess.run(["zstd", "-q", "-d", "-f", "-o", raw,
                    os.path.join(feed0, snap[0])], check=True)
    raw_bytes = os.path.getsize(raw)
    cp_s = cp_baseline(raw, tmp)
    feed0_bytes = folder_bytes(feed0)
    feed0_min = manifest_bytes(feed0)
    shutil.rmtree(feed0)

    # The feed a kiosk follows: 8 versions, 7 kept; the kiosk at v1.
    feed = os.path.join(tmp, "feed")
    kdir = os.path.join(tmp, "kiosk")
    os.makedirs(kdir)
    conf = os.path.join(tmp, "kiosk.conf")
    publish(feed, 7)
    write_conf(conf, feed, kdir)
    snap_s, _, _, m = sync(conf)
    for r in range(2, 8):
        change_rows(reg, n, r)
        publish(feed, 7)
    last = change_rows(reg, n, 8)
    p7_s, p7_wb, p7_rss, _ = publish(feed, 7)
    feed_bytes = folder_bytes(feed)
    feed_min = manifest_bytes(feed)
    # An hour later (the grace for kiosks holding the previous manifest):
    # what the publish timer's prune leaves.
    subprocess.run([HOST, "publish", "--prune", "--feed", feed, "--now",
                    str(int(time.time()) + 3601)], check=True)
    feed_later = folder_bytes(feed)

    # The kiosk one version behind takes the 1% delta of round 8.
    mirror = os.path.join(kdir, "mirror.db")
    sync(conf)  # v1 -> v8 (a delta combining 7 steps)
    codes, status, reason, date = change_rows(reg, n, 9)
    before = os.path.join(tmp, "before.db")
    shutil.copyfile(mirror, before)
    shutil.copyfile(os.path.join(kdir, "sync.state"), before + ".state")
    publish(feed, 7)
    d_s, d_wb, d_rss, m = sync(conf)
    assert m.get("path") == "delta", m
    applies = [float(m["apply_ms"])]
    for _ in range(runs - 1):
        for f in os.listdir(kdir):
            if f.startswith("mirror.db"):
                os.unlink(os.path.join(kdir, f))
        shutil.copyfile(before, mirror)
        shutil.copyfile(before + ".state", os.path.join(kdir, "sync.state"))
        _, _, _, mr = sync(conf)
        assert mr.get("path") == "delta", mr
        applies.append(float(mr["apply_ms"]))
    d_ms = statistics.median(applies)
    u_ms, u_wb, u_rss, u_fr, u_fl = update_baseline(before, tmp, codes,
                                                    status, reason, date)
    updates = [u_ms] + [update_baseline(before, tmp, codes, status, reason,
                                        date)[0] for _ in range(runs - 1)]
    u_ms = statistics.median(updates)
    # The same UPDATE in the mirror compacted, as mirrors were published
    # before issue 12's fix: every page full, so growing rows split them.
    packed = os.path.join(tmp, "packed.db")
    db = sqlite3.connect(before)
    db.execute("VACUUM INTO ?", (packed,))
    db.close()
    mirror_bytes, packed_bytes = (os.path.getsize(before),
                                  os.path.getsize(packed))
    _, v_wb, _, v_fr, v_fl = update_baseline(packed, tmp, codes, status,
                                             reason, date)
    # The same delta into the mirror still in rollback mode: the path a
    # kiosk takes once, after an upgrade (a copy, renamed in).
    os.unlink(mirror)
    shutil.copyfile(before, mirror)
    shutil.copyfile(before + ".state", os.path.join(kdir, "sync.state"))
    db = sqlite3.connect(mirror)
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    c_s, c_wb, c_rss, m2 = sync(conf)
    assert m2.get("path") == "delta", m2
    c_ms = float(m2["apply_ms"])
    nchanged = len(codes)

    # A round of 15% (products other rounds leave alone) takes the
    # overlay past its rule: the sync folds it into a fresh mirror (docs/mirror.md).
    # Per row folded, against cp + fsync of the mirror (what a fold must
    # write at least: the whole file, once).
    db = sqlite3.connect(mirror)
    ov_before = db.execute("SELECT count(*) FROM products_overlay"
                           ).fetchone()[0]
    db.close()
    big = ["P%07d" % i for i in range(n) if 10 <= i % 100 < 25]
    db = sqlite3.connect(reg)
    db.executemany("UPDATE products SET status='suspended', status_reason="
                   "'bench fold', status_date='2026-12-30' WHERE code=?",
                   [(c,) for c in big])
    db.commit()
    db.close()
    publish(feed, 7)
    f_s, f_wb, f_rss, m3 = sync(conf)
    assert m3.get("path") == "delta", m3
    f_ms, f_apply = float(m3["fold_ms"]), float(m3["apply_ms"])
    folded = ov_before + len(big)
    cp_mirror_s = cp_baseline(mirror, tmp)

    print("load average %.2f %.2f %.2f (wall times suffer on a busy machine)"
          % os.getloadavg())
    print("feed at national size, %d products (mirror %.1f MB; import %.1f s,"
          " %.0f MB written)" % (n, raw_bytes / 1e6, imp_s, imp_wb / 1e6))
    row("publish --db, 0 kept (s)", p0_s, "s", "cp + fsync of the mirror",
        cp_s, "s")
    row("publish --db, 1 kept (s)", p1_s, "s", "publish, 0 kept", p0_s, "s")
    row("publish --db, 7 kept (s)", p7_s, "s", "publish, 1 kept", p1_s, "s")
    row("publish, 7 kept: written (MB)", p7_wb / 1e6, "MB",
        "publish, 1 kept", p1_wb / 1e6, "MB")
    row("publish, 7 kept: peak RSS (MB)", p7_rss / 1024, "MB",
        "publish, 1 kept", p1_rss / 1024, "MB")
    row("feed folder, 0 kept (MB)", feed0_bytes / 1e6, "MB",
        "snapshot (manifest)", feed0_min / 1e6, "MB")
    row("feed folder, 7 kept (MB)", feed_bytes / 1e6, "MB",
        "snapshot + deltas (manifest)", feed_min / 1e6, "MB")
    row("  an hour later (MB)", feed_later / 1e6, "MB",
        "snapshot + deltas (manifest)", feed_min / 1e6, "MB")
    row("1%% delta apply (%d rows, ms)" % nchanged, d_ms, "ms",
        "bare UPDATE of the rows", u_ms, "ms")
    print("    %d runs each (their medians above): apply %s; UPDATE %s" %
          (runs, " ".join("%.0f" % a for a in applies),
           " ".join("%.0f" % u for u in updates)))
    row("1% delta sync: written (KB/row)", d_wb / 1e3 / nchanged, "KB",
        "bare UPDATE (WAL+ckpt)", u_wb / 1e3 / nchanged, "KB")
    row("1% delta sync: written (KB/row)", d_wb / 1e3 / nchanged, "KB",
        "UPDATE, compacted mirror", v_wb / 1e3 / nchanged, "KB")
    row("bare UPDATE: written (KB/row)", u_wb / 1e3 / nchanged, "KB",
        "UPDATE, compacted mirror", v_wb / 1e3 / nchanged, "KB")
    row("bare UPDATE: pages written per row", u_fr / nchanged, "",
        "UPDATE, compacted mirror", v_fr / nchanged, "")
    row("bare UPDATE: storage floor (KB/row)", u_fl / 1e3 / nchanged, "KB",
        "UPDATE, compacted mirror", v_fl / 1e3 / nchanged, "KB")
    row("kiosk mirror (MB)", mirror_bytes / 1e6, "MB", "compacted",
        packed_bytes / 1e6, "MB")
    row("1% delta sync: peak RSS (MB)", d_rss / 1024, "MB",
        "bare UPDATE (python)", u_rss / 1024, "MB")
    row("1% delta, mirror in rollback mode", c_ms, "ms",
        "in place (WAL)", d_ms, "ms")
    row("  the same: written (KB/row)", c_wb / 1e3 / nchanged, "KB",
        "in place (WAL)", d_wb / 1e3 / nchanged, "KB")
    row("fold (%d rows in the overlay, ms)" % folded, f_ms, "ms",
        "cp + fsync of the mirror", cp_mirror_s * 1e3, "ms")
    row("  its sync: delta %d rows (ms)" % len(big), f_apply, "ms",
        "1% delta apply", d_ms, "ms")
    row("  its sync: written (KB/row folded)", f_wb / 1e3 / folded, "KB",
        "1% delta sync (KB/row)", d_wb / 1e3 / nchanged, "KB")
    row("  its sync: peak RSS (MB)", f_rss / 1024, "MB",
        "1% delta sync", d_rss / 1024, "MB")
    goals = [
        ("delta apply <= %d ms" % (50 if n <= 100000 else 150),
         d_ms <= (50 if n <= 100000 else 150)),
        ("delta writes <= 2 KB per changed row", d_wb / nchanged <= 2048),
        ("  with the folds, per row folded", f_wb / folded <= 2048),
        ("delta memory flat (<= the bare UPDATE's)", d_rss <= u_rss),
        ("feed folder <= 1.5x snapshot + deltas", feed_bytes <= 1.5 *
         feed_min),
        ("  the same, an hour after a publish", feed_later <= 1.5 * feed_min),
    ]
    for g, ok in goals:
        print("  goal %-40s %s" % (g, "met" if ok else "NOT met"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Feed benchmark: a generated mirror of N products (default 100,000)
published with ocop-host and synced by ocop-kiosk from nginx on loopback.
Prints each figure with a baseline measured in the same run and the ratio:

  snapshot bytes per product    vs  the uncompressed mirror
  full sync (snapshot) time     vs  copying the mirror file (cp)
  1% delta: bytes on the wire   vs  the snapshot
  1% delta: apply time          vs  installing the snapshot of that version
  unchanged poll: wire bytes    vs  an unconditional manifest fetch

usage: bench_feed.py [PRODUCTS]   (OCOP_BUILD_DIR: the build to run)"""
import os
import resource
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
import feed_test as ft  # noqa: E402


def figures(p):
    out = {}
    for tok in p.stdout.split():
        k, _, v = tok.partition("=")
        out[k] = v
    return out


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_sync(w):
    t, c = time.perf_counter(), cpu()
    p = w.sync()
    f = figures(p)
    f["cpu_ms"] = (cpu() - c) * 1e3
    return time.perf_counter() - t, f


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    tmp = tempfile.mkdtemp(prefix="feedbench-")
    os.chmod(tmp, 0o755)
    w = ft.World(tmp)
    try:
        url = w.nginx()
        w.write_conf(url, timeout=600)
        m1 = w.mkmirror(products=n)
        w.publish(m1)
        snap = next(ft.manifest_files(w, "snapshot"))
        snap_bytes, raw_bytes = int(snap[1]), int(snap[3])

        full_s, f = timed_sync(w)
        t = time.perf_counter()
        shutil.copyfile(w.mirror, os.path.join(tmp, "copy.db"))
        os.sync()
        cp_s = time.perf_counter() - t

        unchanged_s, f = timed_sync(w)
        poll_bytes = int(f["wire_bytes"])
        with open(w.state) as fh:
            st = fh.read()
        with open(w.state, "w") as fh:
            fh.write("\n".join(l for l in st.splitlines()
                               if not l.startswith("etag=")) + "\n")
        _, f = timed_sync(w)
        full_poll_bytes = int(f["wire_bytes"])

        w.publish(w.mkmirror(products=n, change=10))
        delta = next(ft.manifest_files(w, "delta"))
        delta_s, f = timed_sync(w)
        assert f["path"] == "delta", f
        delta_wire, delta_apply = int(f["wire_bytes"]), float(f["apply_ms"])
        delta_cpu = f["cpu_ms"]
        os.unlink(w.mirror)
        os.unlink(w.state)
        _, f = timed_sync(w)
        assert f["path"] == "snapshot", f
        snap_apply = float(f["apply_ms"])
        snap_cpu = f["cpu_ms"]

        rows = [
            ("snapshot bytes/product", snap_bytes / n, "B",
             "uncompressed mirror", raw_bytes / n, "B"),
            ("full sync (snapshot)", full_s * 1e3, "ms",
             "cp of the mirror + sync", cp_s * 1e3, "ms"),
            ("1% delta on the wire", delta_wire, "B",
             "snapshot", snap_bytes, "B"),
            ("1% delta apply (wall)", delta_apply, "ms",
             "snapshot install", snap_apply, "ms"),
            ("1% delta sync CPU", delta_cpu, "ms",
             "snapshot sync CPU", snap_cpu, "ms"),
            ("unchanged poll", poll_bytes, "B",
             "unconditional poll", full_poll_bytes, "B"),
        ]
        print("load average %.2f (wall times suffer on a busy machine)" %
              os.getloadavg()[0])
        print("feed benchmark, %d products (delta file %s bytes, changeset "
              "%s bytes)" % (n, delta[2], delta[4]))
        for name, v, u, bname, b, bu in rows:
            print("  %-24s %12.2f %-2s | %-24s %12.2f %-2s | ratio %.4f" %
                  (name, v, u, bname, b, bu, v / b if b else 0))
        goals = [("unchanged poll <= 1 KB", poll_bytes <= 1024),
                 ("1% delta applied in <= 50 ms", delta_apply <= 50),
                 ("snapshot <= 60 B/product", snap_bytes / n <= 60)]
        for g, ok in goals:
            print("  goal %-30s %s" % (g, "met" if ok else "NOT met"))
    finally:
        w.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

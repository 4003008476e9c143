/* sync_prefetch.h -- the rows a delta's products changes name, in
 * products and in the kiosk's overlay, read ahead by threads on
 * connections of their own while the overlay pass compares and writes
 * them (docs/mirror.md, "How a delta fills it"). */
#ifndef OCOP_KIOSK_SYNC_PREFETCH_H
#define OCOP_KIOSK_SYNC_PREFETCH_H

#include <stdint.h>

#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

/* One column of a row, copied out of SQLite. */
struct prefetch_value {
    int type; /* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB or _NULL */
    sqlite3_int64 i;
    double f;
    const void *p; /* text or blob bytes (not NUL-terminated) */
    int n;
};

/* A product's row in products and in the overlay (every column, as
 * SELECT * gives them): rc SQLITE_ROW with the row, or SQLITE_DONE. */
struct prefetch_rows {
    int base_rc, ov_rc;
    const struct prefetch_value *base, *ov;
    int base_ncol, ov_ncol;
};

typedef struct prefetch prefetch;

/* Start reading, for each products change of changeset cs (n bytes, left
 * unchanged and kept alive by the caller until prefetch_stop), the rows
 * with the change's code in products and in the overlay
 * (LABELS_MIRROR_OVERLAY; none when it is not there), as db's file last
 * committed them. db holds the write transaction of the delta, whose base
 * version is base; nothing of the delta is written yet. Each reading
 * connection checks that it sees that version. lanes: how many threads
 * share the reading, each with every lanes-th change (0: one a processor,
 * none on a single one). Without a thread or a second connection, the
 * rows are read from db as they are asked for. SQLITE_OK, or the error
 * that stops it. */
int prefetch_start(prefetch **out, sqlite3 *db, const void *cs, int n,
                   int64_t base, int lanes);

/* The rows of the next products change of the changeset, whose key is
 * code (len bytes), valid until the next call: SQLITE_OK, or the error
 * that stopped the reading (SQLITE_INTERNAL: code is not that change's).
 * Called once per products change, in order. */
int prefetch_next(prefetch *p, const char *code, int len,
                  struct prefetch_rows *rows);

/* Stop the threads and free everything (p may be NULL). */
void prefetch_stop(prefetch *p);

#endif

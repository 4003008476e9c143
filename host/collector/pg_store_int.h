/* pg_store_int.h -- what pg_store.c shares with pg_store_import.c: the
 * connection pool, error text, and the one statement that stores scan
 * rows with their rollups. Not a public header. */
#ifndef OCOP_HOST_PG_STORE_INT_H
#define OCOP_HOST_PG_STORE_INT_H

#include "collector/pg_store.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* A connection from the pool (waits while all are busy), or NULL with a
 * message. Give it back with pgs_put, also after an error: a broken
 * connection is closed there and reopened on demand. */
PGconn *pgs_get(pg_store *ps, char *err, size_t errsz);
void pgs_put(pg_store *ps, PGconn *db);

/* "what: the server's message" into err. */
void pgs_err(PGconn *db, const char *what, char *err, size_t errsz);
/* Run one command without parameters; 0 if it succeeded. */
int pgs_exec(PGconn *db, const char *sql);

/* Bring a schema of version `from` (2 or later) to PG_STORE_SCHEMA_VERSION,
 * inside the caller's transaction that holds the schema lock
 * (pg_store_admin.c). 0, or -1 with a message. */
int pgs_migrate(PGconn *db, int from, char *err, size_t errsz);

/* A growable string: the array literals handed to unnest(). */
typedef struct pgs_buf {
    char *p;
    size_t len, cap;
    int oom;
} pgs_buf;

/* Scan rows to store, as PostgreSQL array literals, one per column. */
enum {
    PGS_KIOSK,
    PGS_ID,
    PGS_TIME,
    PGS_VERDICT,
    PGS_PRODUCT,
    PGS_SIGNER,
    PGS_LOT,
    PGS_SERIAL,
    PGS_HASH,
    PGS_STALE,
    PGS_BATCH,
    PGS_RECEIVED,
    PGS_COLS
};

typedef struct pgs_rows {
    pgs_buf col[PGS_COLS];
    int64_t *times; /* for the months the rows need */
    size_t n, cap;
} pgs_rows;

void pgs_rows_clear(pgs_rows *r); /* empty, keeping the memory */
void pgs_rows_free(pgs_rows *r);
/* 0, or -1 out of memory. The strings use only characters that need no
 * quoting in an array literal (the batch parser's alphabets). */
int pgs_rows_add(pgs_rows *r, const char *kiosk, const collector_scan *s,
                 const char *batch_id, int64_t received);

/* Make sure the month partitions for every row exist (each in its own
 * short transaction, outside any open one). 0, or -1 with a message. */
int pgs_months(pg_store *ps, PGconn *db, const pgs_rows *r, char *err,
               size_t errsz);
/* Forget which months are known to exist (after a retention). */
void pgs_months_forget(pg_store *ps);

/* Insert the rows that are not stored yet and add them to the rollups,
 * inside the caller's transaction. *added: rows new. 0; -1 with a
 * message; the SQLSTATE goes to state (6 bytes) so the caller can retry
 * a deadlock or a missing partition. */
int pgs_insert_scans(PGconn *db, const pgs_rows *r, long *added, char state[6],
                     char *err, size_t errsz);

#endif

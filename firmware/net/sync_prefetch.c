/* sync_prefetch.c -- the rows a delta's products changes name, read
 * ahead by threads on connections of their own. */
#include "sync_prefetch.h"

#include "mirror_version.h"
#include "sync_overlay.h"

#include <labels.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Why: a 1% delta of a national mirror changes 10,000 products spread
 * over as many leaf pages, and reading a page costs SQLite 7-10 us where
 * a cached one costs 2-3 (docs/performance.md, "A delta's cost is its
 * lookups"). Those reads were most of the apply; shared among the
 * processor's cores they overlap each other and the comparing and
 * writing. Neither table is written until the pass has read every row
 * (a delta's products changes go to the overlay at the end), and in WAL
 * mode other connections read the committed version beside the writer,
 * so what the threads read is what the writer would have read. */

/* Rows a lane reads ahead at most: the memory stays flat whatever the
 * delta. */
#define RING 256
/* A waiting side is woken only when this much can be done at once: a
 * wake per row would cost a futex call and a core's wake-up per row. */
#define WAKE 32
#define MAX_LANES 4
/* Columns a row of either table may have, the two together. */
#define MAX_VALUES 64

struct slot {
    int len; /* of the code, first in buf */
    int rc[2];
    int ncol[2];
    struct prefetch_value val[MAX_VALUES]; /* products', then overlay's */
    unsigned char *buf;                    /* the code, text, blobs */
    size_t cap;
};

/* One reading thread and its connection, with every nlanes-th change. */
struct lane {
    struct prefetch *p;
    int id;
    sqlite3 *db; /* its own, or (without threads) the writer's */
    int own_db;
    sqlite3_stmt *st[2]; /* products, overlay (NULL: no overlay) */
    sqlite3_changeset_iter *it;
    long seen; /* products changes passed */
    int threaded;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t filled_cv, space_cv;
    long filled; /* slots written */
    long taken;  /* slots the caller is done with */
    int held;    /* the caller holds slot taken */
    int ended, stop, want_row, want_space;
    struct slot ring[RING];
};

struct prefetch {
    int nlanes;
    long asked;
    /* The overlay's codes, hashed: a code not in it is not looked up
     * (a delta's products are seldom in the overlay). NULL: look up all. */
    uint64_t *bloom;
    uint64_t bloom_bits; /* a power of two */
    struct lane lane[MAX_LANES];
};

/* The Bloom filter's bits for a code: four from one FNV-1a hash. */
static uint64_t code_hash(const void *code, int len)
{
    uint64_t h = 14695981039346656037u;
    for (int i = 0; i < len; i++)
        h = (h ^ ((const unsigned char *)code)[i]) * 1099511628211u;
    return h;
}

static void bloom_add(struct prefetch *p, const void *code, int len)
{
    uint64_t h = code_hash(code, len), step = (h >> 32) | 1;
    for (int k = 0; k < 4; k++, h += step)
        p->bloom[(h & (p->bloom_bits - 1)) / 64] |= 1ull << (h % 64);
}

static int bloom_may_hold(const struct prefetch *p, const void *code, int len)
{
    if (!p->bloom)
        return 1;
    uint64_t h = code_hash(code, len), step = (h >> 32) | 1;
    for (int k = 0; k < 4; k++, h += step)
        if (!(p->bloom[(h & (p->bloom_bits - 1)) / 64] & (1ull << (h % 64))))
            return 0;
    return 1;
}

/* Every code of the overlay into the filter, from the writer's
 * connection (its committed state: nothing of the delta written yet). A
 * failure only leaves the filter out. */
static void bloom_make(struct prefetch *p, sqlite3 *db)
{
    sqlite3_stmt *count = NULL, *codes = NULL;
    sqlite3_int64 rows = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM " LABELS_MIRROR_OVERLAY,
                           -1, &count, NULL) == SQLITE_OK &&
        sqlite3_step(count) == SQLITE_ROW)
        rows = sqlite3_column_int64(count, 0);
    sqlite3_finalize(count);
    if (rows < 0 || rows > (1 << 24))
        return;
    /* 16 bits a code: one lookup in about 500 for nothing. */
    p->bloom_bits = 4096;
    while (p->bloom_bits < (uint64_t)rows * 16)
        p->bloom_bits *= 2;
    p->bloom = calloc(p->bloom_bits / 64, sizeof *p->bloom);
    int rc =
        p->bloom
            ? sqlite3_prepare_v2(db, "SELECT code FROM " LABELS_MIRROR_OVERLAY,
                                 -1, &codes, NULL)
            : SQLITE_NOMEM;
    while (rc == SQLITE_OK && (rc = sqlite3_step(codes)) == SQLITE_ROW) {
        const void *c = sqlite3_column_blob(codes, 0);
        bloom_add(p, c ? c : "", sqlite3_column_bytes(codes, 0));
        rc = SQLITE_OK;
    }
    sqlite3_finalize(codes);
    if (rc != SQLITE_DONE) {
        free(p->bloom);
        p->bloom = NULL;
    }
}

/* Room in s's buffer for bytes more after used. */
static int slot_room(struct slot *s, size_t used, size_t bytes)
{
    if (used + bytes <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 1024;
    while (cap < used + bytes)
        cap *= 2;
    unsigned char *b = realloc(s->buf, cap);
    if (!b)
        return -1;
    s->buf = b;
    s->cap = cap;
    return 0;
}

/* The statement's row copied into s's values from v on, its bytes into
 * the buffer from *used on (pointers are set by slot_point, once the
 * buffer has stopped moving). */
static int slot_copy(struct slot *s, sqlite3_stmt *st, int v, size_t *used)
{
    int ncol = sqlite3_column_count(st);
    if (ncol > MAX_VALUES - v)
        return SQLITE_TOOBIG;
    for (int c = 0; c < ncol; c++) {
        struct prefetch_value *x = &s->val[v + c];
        x->type = sqlite3_column_type(st, c);
        x->n = 0;
        if (x->type == SQLITE_INTEGER)
            x->i = sqlite3_column_int64(st, c);
        else if (x->type == SQLITE_FLOAT)
            x->f = sqlite3_column_double(st, c);
        if (x->type != SQLITE_TEXT && x->type != SQLITE_BLOB)
            continue;
        const void *src = x->type == SQLITE_TEXT
                              ? (const void *)sqlite3_column_text(st, c)
                              : sqlite3_column_blob(st, c);
        x->n = sqlite3_column_bytes(st, c);
        if ((x->n > 0 && !src) || slot_room(s, *used, (size_t)x->n) != 0)
            return SQLITE_NOMEM;
        if (x->n > 0)
            memcpy(s->buf + *used, src, (size_t)x->n);
        *used += (size_t)x->n;
    }
    return SQLITE_ROW;
}

/* The values' pointers into the buffer, in the order slot_copy wrote. */
static void slot_point(struct slot *s)
{
    size_t off = (size_t)s->len;
    int nval = (s->rc[0] == SQLITE_ROW ? s->ncol[0] : 0) +
               (s->rc[1] == SQLITE_ROW ? s->ncol[1] : 0);
    for (int v = 0; v < nval; v++) {
        struct prefetch_value *x = &s->val[v];
        x->p = NULL;
        if (x->type == SQLITE_TEXT || x->type == SQLITE_BLOB) {
            x->p = s->buf + off;
            off += (size_t)x->n;
        }
    }
}

/* The row of code in table t (0 products, 1 overlay) into s. */
static void lookup(struct lane *l, struct slot *s, int t, size_t *used)
{
    sqlite3_stmt *st = l->st[t];
    s->ncol[t] = 0;
    if (!st || (t == 1 && !bloom_may_hold(l->p, s->buf, s->len))) {
        s->rc[t] = SQLITE_DONE;
        return;
    }
    int rc =
        sqlite3_bind_text(st, 1, (const char *)s->buf, s->len, SQLITE_STATIC);
    rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
    if (rc == SQLITE_ROW) {
        s->ncol[t] = sqlite3_column_count(st);
        rc = slot_copy(s, st, t ? s->ncol[0] : 0, used);
    }
    s->rc[t] = rc;
    sqlite3_reset(st);
}

/* Read this lane's next products change's rows into s: 1, or 0 when the
 * changeset has no more for it (or cannot be read further: the caller's
 * own pass stops at the same change). */
static int fill(struct lane *l, struct slot *s)
{
    while (sqlite3changeset_next(l->it) == SQLITE_ROW) {
        const char *tab;
        int ncol, op;
        if (sqlite3changeset_op(l->it, &tab, &ncol, &op, NULL) != SQLITE_OK)
            return 0;
        if (strcmp(tab, "products") || l->seen++ % l->p->nlanes != l->id)
            continue;
        sqlite3_value *k = NULL;
        int rc = op == SQLITE_INSERT ? sqlite3changeset_new(l->it, 0, &k)
                                     : sqlite3changeset_old(l->it, 0, &k);
        const unsigned char *code = k ? sqlite3_value_text(k) : NULL;
        s->len = code ? sqlite3_value_bytes(k) : 0;
        s->rc[1] = SQLITE_DONE;
        if (rc == SQLITE_OK && !code)
            rc = SQLITE_CORRUPT;
        if (rc == SQLITE_OK && slot_room(s, 0, (size_t)s->len) != 0)
            rc = SQLITE_NOMEM;
        if (rc != SQLITE_OK) {
            s->len = 0;
            s->rc[0] = rc;
            return 1;
        }
        memcpy(s->buf, code, (size_t)s->len);
        size_t used = (size_t)s->len;
        lookup(l, s, 0, &used);
        if (s->rc[0] == SQLITE_ROW || s->rc[0] == SQLITE_DONE)
            lookup(l, s, 1, &used);
        slot_point(s);
        return 1;
    }
    return 0;
}

static void *reader(void *arg)
{
    struct lane *l = arg;
    for (;;) {
        pthread_mutex_lock(&l->mu);
        while (!l->stop && l->filled - l->taken >= RING - 1) {
            l->want_space = 1;
            pthread_cond_wait(&l->space_cv, &l->mu);
        }
        long at = l->filled;
        int stop = l->stop;
        pthread_mutex_unlock(&l->mu);
        /* Slot at is neither held nor waiting to be taken. */
        int more = !stop && fill(l, &l->ring[at % RING]);
        pthread_mutex_lock(&l->mu);
        if (more)
            l->filled++;
        else
            l->ended = 1;
        if (l->want_row && (!more || l->filled - l->taken >= WAKE)) {
            l->want_row = 0;
            pthread_cond_signal(&l->filled_cv);
        }
        pthread_mutex_unlock(&l->mu);
        if (!more)
            return NULL;
    }
}

/* The lane's reading connection, in a read transaction at version base,
 * and its statements. */
static int lane_open(struct lane *l, sqlite3 *writer, int64_t base, int overlay)
{
    int rc = SQLITE_OK;
    l->db = writer;
    if (l->own_db) {
        l->db = NULL;
        const char *path = sqlite3_db_filename(writer, "main");
        rc = path && *path
                 ? sqlite3_open_v2(path, &l->db,
                                   SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW,
                                   NULL)
                 : SQLITE_CANTOPEN;
        /* Its leaf pages are read once each: a small cache, for the
         * inner pages every lookup goes through. */
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(l->db, "PRAGMA cache_size = -1024; BEGIN", NULL,
                              NULL, NULL);
        if (rc == SQLITE_OK && mirror_read_version(l->db) != base)
            rc = SQLITE_BUSY; /* another file or version: not ours */
    }
    const char *sql[2] = {"SELECT * FROM products WHERE code = ?1",
                          "SELECT * FROM " LABELS_MIRROR_OVERLAY
                          " WHERE code = ?1"};
    for (int t = 0; t < 1 + overlay && rc == SQLITE_OK; t++)
        rc = sqlite3_prepare_v3(l->db, sql[t], -1, SQLITE_PREPARE_PERSISTENT,
                                &l->st[t], NULL);
    return rc;
}

static void lane_close(struct lane *l)
{
    for (int t = 0; t < 2; t++)
        sqlite3_finalize(l->st[t]);
    if (l->own_db)
        sqlite3_close(l->db);
    sqlite3changeset_finalize(l->it);
    for (int i = 0; i < RING; i++)
        free(l->ring[i].buf);
}

/* The lane's thread; 0 when none could be had (the lane then reads as
 * asked, on its own connection). */
static int lane_thread(struct lane *l)
{
    int mu = pthread_mutex_init(&l->mu, NULL) == 0;
    int fc = mu && pthread_cond_init(&l->filled_cv, NULL) == 0;
    int sc = fc && pthread_cond_init(&l->space_cv, NULL) == 0;
    l->threaded = sc && pthread_create(&l->thread, NULL, reader, l) == 0;
    if (!l->threaded) {
        if (sc)
            pthread_cond_destroy(&l->space_cv);
        if (fc)
            pthread_cond_destroy(&l->filled_cv);
        if (mu)
            pthread_mutex_destroy(&l->mu);
    }
    return l->threaded;
}

static int lanes_for_cpus(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 2 ? 0 : cpus > MAX_LANES ? MAX_LANES : (int)cpus;
}

/* Whether db keeps a WAL: without one, a reader's lock would stop the
 * writer from spilling a page or committing. */
static int is_wal(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int wal = sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) ==
                  SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              !sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    return wal;
}

int prefetch_start(prefetch **out, sqlite3 *db, const void *cs, int n,
                   int64_t base, int lanes)
{
    struct prefetch *p = calloc(1, sizeof *p);
    *out = p;
    if (!p)
        return SQLITE_NOMEM;
    if (lanes <= 0)
        lanes = lanes_for_cpus();
    if (!is_wal(db))
        lanes = 0;
    int threads = lanes > 0;
    sqlite3_int64 overlay = 0;
    p->nlanes = lanes > MAX_LANES ? MAX_LANES : lanes > 0 ? lanes : 1;
    int rc = overlay_exists(db, &overlay);
    if (rc == SQLITE_OK && overlay)
        bloom_make(p, db);
    for (int i = 0; i < p->nlanes && rc == SQLITE_OK; i++) {
        struct lane *l = &p->lane[i];
        l->p = p;
        l->id = i;
        l->own_db = threads;
        rc = sqlite3changeset_start(&l->it, n, (void *)cs);
        if (rc == SQLITE_OK)
            rc = lane_open(l, db, base, overlay > 0);
    }
    if (rc != SQLITE_OK && threads) {
        /* No second connection: the writer's, as asked. */
        for (int i = 0; i < p->nlanes; i++)
            lane_close(&p->lane[i]);
        memset(p->lane, 0, sizeof p->lane);
        p->nlanes = 1;
        p->lane[0].p = p;
        rc = sqlite3changeset_start(&p->lane[0].it, n, (void *)cs);
        if (rc == SQLITE_OK)
            rc = lane_open(&p->lane[0], db, base, overlay > 0);
        threads = 0;
    }
    for (int i = 0; i < p->nlanes && rc == SQLITE_OK && threads; i++)
        lane_thread(&p->lane[i]);
    return rc;
}

/* The lane's next slot, once its reader has written it: NULL when it
 * ended. */
static struct slot *next_slot(struct lane *l)
{
    pthread_mutex_lock(&l->mu);
    if (l->held) {
        l->taken++;
        l->held = 0;
        if (l->want_space && l->filled - l->taken <= RING - 1 - WAKE) {
            l->want_space = 0;
            pthread_cond_signal(&l->space_cv);
        }
    }
    while (!l->ended && l->filled == l->taken) {
        l->want_row = 1;
        pthread_cond_wait(&l->filled_cv, &l->mu);
    }
    struct slot *s = NULL;
    if (l->filled > l->taken) {
        s = &l->ring[l->taken % RING];
        l->held = 1;
    }
    pthread_mutex_unlock(&l->mu);
    return s;
}

int prefetch_next(prefetch *p, const char *code, int len,
                  struct prefetch_rows *rows)
{
    struct lane *l = &p->lane[p->asked++ % p->nlanes];
    struct slot *s = &l->ring[0];
    if (l->threaded)
        s = next_slot(l);
    else if (!fill(l, s))
        s = NULL;
    if (!s)
        return SQLITE_ERROR; /* the caller's pass read a change we did not */
    if (s->len != len || memcmp(s->buf, code, (size_t)len))
        return s->rc[0] != SQLITE_ROW && s->rc[0] != SQLITE_DONE
                   ? s->rc[0]
                   : SQLITE_INTERNAL;
    *rows = (struct prefetch_rows){s->rc[0],   s->rc[1],
                                   s->val,     s->val + s->ncol[0],
                                   s->ncol[0], s->ncol[1]};
    if (s->rc[0] != SQLITE_ROW && s->rc[0] != SQLITE_DONE)
        return s->rc[0];
    return s->rc[1] == SQLITE_ROW || s->rc[1] == SQLITE_DONE ? SQLITE_OK
                                                             : s->rc[1];
}

void prefetch_stop(prefetch *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->nlanes; i++) {
        struct lane *l = &p->lane[i];
        if (!l->threaded)
            continue;
        pthread_mutex_lock(&l->mu);
        l->stop = 1;
        pthread_cond_signal(&l->space_cv);
        pthread_mutex_unlock(&l->mu);
        pthread_join(l->thread, NULL);
        pthread_cond_destroy(&l->filled_cv);
        pthread_cond_destroy(&l->space_cv);
        pthread_mutex_destroy(&l->mu);
    }
    for (int i = 0; i < p->nlanes; i++)
        lane_close(&p->lane[i]);
    free(p->bloom);
    free(p);
}

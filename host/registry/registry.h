/* registry.h -- the authority's registry: a private SQLite database of
 * producers, products, keys and clone reports, with an audit history.
 * Functions that can fail write one plain sentence into err (errsz
 * bytes) and return -1; callers add context and print it. */
#ifndef OCOP_HOST_REGISTRY_H
#define OCOP_HOST_REGISTRY_H

#include <stdint.h>
#include <labels.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#define REG_ERR_MAX 512
#define REG_NAME_MAX 255     /* bytes of UTF-8 in a name or reason */
#define REG_PRODUCER_MAX 31  /* characters of a producer code */
#define REG_CERT_MAX 63      /* characters of a certificate number */
#define REG_EXPIRY_MONTHS 36 /* certificate life when no expiry is given */

/* ---- Vocabulary ---------------------------------------------------- */

/* The 34 provincial units of 2025 (labels_province_*, labels/provinces.c),
 * the units every record, report and statistic uses. */
size_t province_count(void);
const labels_province *province_at(size_t i);
/* The 2025 unit of a name or code of either list (old names map to their
 * new unit), NULL if none: labels_province_find. */
const labels_province *province_find(const char *input);
/* The same, with *named (may be NULL) as labels_province_find sets it, and
 * for unknown input one sentence in err naming the command that lists
 * the valid names. */
const labels_province *registry_province(const char *input,
                                         const labels_province **named,
                                         char *err, size_t errsz);

/* Fold text to bare lowercase ASCII letters and digits: Vietnamese
 * letters lose their marks (NFC or NFD), spaces, dots and dashes go.
 * 0 if the text is empty, too long or has other characters. */
int registry_fold(const char *in, char *out, size_t outsz);

/* The stored code of a group or producer kind as a person typed it
 * (labels_group_from_spelling, labels_kind_from_spelling); NULL if none. */
const char *registry_group_key(const char *input);
const char *registry_kind_key(const char *input);

/* ---- Dates (any real calendar date from 1990 to 2199) --------------- */

/* Strict "YYYY-MM-DD"; 0 or -1. */
int regdate_check(const char *s);
/* out = date + months (the day clamped to the month's length). */
void regdate_add_months(const char *date, int months,
                        char out[LABELS_DATE_SIZE]);
/* out = date + days (days may be negative). */
void regdate_add_days(const char *date, long days, char out[LABELS_DATE_SIZE]);
/* Today (UTC). */
void regdate_today(char out[LABELS_DATE_SIZE]);
/* Now as ISO 8601 UTC, e.g. 2026-11-29T13:00:00Z. */
void regtime_now(char out[LABELS_TIME_ISO_SIZE]);

/* ---- Text checks ---------------------------------------------------- */

int registry_utf8_valid(const char *s);
/* Label product code: 1-12 of 0-9 A-Z - . / */
int registry_code_valid(const char *code);
/* Producer code: 1-31 of 0-9 A-Z - . / _ */
int registry_producer_code_valid(const char *code);
/* "3", "4", "5", or "proposed 5" (also "proposed5", "5p", "4+"). Stars 1
 * and 2 are refused with their own message: they are not certified. */
int registry_stars_parse(const char *s, int *stars, int *proposed5, char *err,
                         size_t errsz);

/* ---- Records -------------------------------------------------------- */

struct reg_product {
    char code[LABELS_CODE_MAX + 1];
    char name[REG_NAME_MAX + 1];
    char grp[16];
    char producer[REG_PRODUCER_MAX + 1];
    char province[64];       /* the 2025 unit */
    char certified_unit[64]; /* the unit that certified it, as named then:
                                "Hà Giang" (now Tuyên Quang) */
    int stars;
    int proposed5;
    char status[16];
    char status_reason[REG_NAME_MAX + 1];
    char status_date[LABELS_DATE_SIZE];
    char certificate[REG_CERT_MAX + 1];
    char certified[LABELS_DATE_SIZE];
    char expires[LABELS_DATE_SIZE];
};

struct reg_producer {
    char code[REG_PRODUCER_MAX + 1];
    char name[REG_NAME_MAX + 1];
    char kind[16];
    char province[64];
    char contact[REG_NAME_MAX + 1]; /* private: never exported */
};

/* Set one product field from user text, checking and normalising it.
 * field is a CSV column / option name: code, name, group, producer,
 * province, stars, status, status_reason, status_date, certificate,
 * certified, expires. */
int reg_product_set(struct reg_product *p, const char *field, const char *value,
                    char *err, size_t errsz);
/* Check a product as a whole (required fields, date order, status
 * reason); an empty expiry becomes certified + 36 months. */
int reg_product_finish(struct reg_product *p, char *err, size_t errsz);
/* Same for a producer: code, name, kind, province, contact. */
int reg_producer_set(struct reg_producer *p, const char *field,
                     const char *value, char *err, size_t errsz);

/* ---- Database ------------------------------------------------------- */

/* Create a new registry (refuses an existing file). */
int registry_create(const char *path, sqlite3 **db, char *err, size_t errsz);
/* Open an existing registry read-write (or read-only). */
int registry_open(const char *path, int readonly, sqlite3 **db, char *err,
                  size_t errsz);
void registry_close(sqlite3 *db);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK: one transaction per command. */
int registry_begin(sqlite3 *db, char *err, size_t errsz);
int registry_commit(sqlite3 *db, char *err, size_t errsz);
void registry_rollback(sqlite3 *db);
/* Whether db's main schema has a table of that name. */
int registry_has_table(sqlite3 *db, const char *name);
/* Who made each audit row (host/registry/audit_who.c): create audit_who
 * when missing (moving the console's older console_audit_who into it). */
int registry_audit_who_open(sqlite3 *db, char *err, size_t errsz);
/* Name who for every audit row this connection's changes make from now
 * on (commands: "cli:" and the login name). */
int registry_audit_by(sqlite3 *db, const char *who, char *err, size_t errsz);
/* The newest audit id, before a change... */
long long registry_audit_mark(sqlite3 *db);
/* ...and, in the change's transaction, name who for every audit row after
 * it: one statement, where a bulk change would pay a trigger per row. */
int registry_audit_tag(sqlite3 *db, long long mark, const char *who, char *err,
                       size_t errsz);
/* Run SQL with no results. */
int registry_exec(sqlite3 *db, const char *sql, char *err, size_t errsz);
/* Define effective_status(status, expires, today) on db (registry_open
 * does; a connection that attaches a registry calls it): the status the
 * kiosk shows (labels_status_effective). 0 or -1. */
int registry_sql_functions(sqlite3 *db);
/* meta value (NULL-free copy into out) or -1 when missing. */
int registry_meta_get(sqlite3 *db, const char *key, char *out, size_t outsz);
int registry_meta_set(sqlite3 *db, const char *key, const char *value,
                      char *err, size_t errsz);

/* ---- The authority's verify addresses (host/registry/hosts.c) ---------- */

/* Room for the list: hosts separated by one space, and the NUL. */
#define REG_HOSTS_MAX 1024
/* hosts (n >= 1, any case, no port) checked, uppercased, deduplicated and
 * joined by one space into out: 0, or -1 with err set. */
int registry_hosts_join(const char *const *hosts, int n, char *out,
                        size_t outsz, char *err, size_t errsz);
/* The list into out: 0, or -1 when the registry has none (made before
 * verify hosts existed: set them with registry_hosts_set). */
int registry_hosts_get(sqlite3 *db, char *out, size_t outsz);
/* Replace the list, in one transaction with its audit row (entity
 * "authority", ref "verify_hosts"): 0, or -1 with err set. */
int registry_hosts_set(sqlite3 *db, const char *const *hosts, int n, char *err,
                       size_t errsz);

/* 1 found, 0 missing, -1 error. */
int reg_product_load(sqlite3 *db, const char *code, struct reg_product *p,
                     char *err, size_t errsz);
int reg_producer_load(sqlite3 *db, const char *code, struct reg_producer *p,
                      char *err, size_t errsz);
int reg_product_insert(sqlite3 *db, const struct reg_product *p, char *err,
                       size_t errsz);
int reg_product_update(sqlite3 *db, const struct reg_product *p, char *err,
                       size_t errsz);
int reg_producer_insert(sqlite3 *db, const struct reg_producer *p, char *err,
                        size_t errsz);
int reg_producer_update(sqlite3 *db, const struct reg_producer *p, char *err,
                        size_t errsz);
/* Make sure producer exists: insert it when missing; when present, the
 * given name and kind must match (empty ones are not compared). */
int reg_producer_ensure(sqlite3 *db, const struct reg_producer *p, char *err,
                        size_t errsz);
/* The check reg_producer_ensure makes of a producer that exists (have):
 * p's name (compared in NFC) and kind, where given, must be have's. */
int reg_producer_matches(const struct reg_producer *have,
                         const struct reg_producer *p, char *err, size_t errsz);
int reg_key_insert(sqlite3 *db, const labels_pubkey *pub, const char *producer,
                   const char *enrolled, char *err, size_t errsz);

/* ---- Keys, clones, history ---------------------------------------------
 * Each change is one transaction (begun and ended here): 0, or -1 with err
 * set and nothing changed. Lists call fn once with (NULL, 0) when the
 * query is ready, then once per row with its text columns. */
typedef void (*registry_row_fn)(void *ctx, const char *const *cols, int n);

/* ---- Changes with a guard (host/registry/changes.c) --------------------
 * The product, producer and key changes the commands and the console both
 * make, through these functions only. Each is one transaction begun and
 * ended here; the guard (NULL: none) is asked inside it, against the
 * record as stored, before anything is written. They return one of: */
enum {
    REG_CHANGE_OK = 0,
    REG_CHANGE_FAILED = -1,   /* the database failed: err says why */
    REG_CHANGE_INVALID = 1,   /* a value or the record's state refused it */
    REG_CHANGE_MISSING = 2,   /* no such record (err names it) */
    REG_CHANGE_FORBIDDEN = 3, /* the guard said no */
    REG_CHANGE_CONFLICT = 4,  /* the record changed since guard->version:
                                 the record out holds its stored values */
};
enum reg_action {
    REG_PRODUCT_EDIT,
    REG_PRODUCT_STATUS,
    REG_PRODUCT_MOVE,
    REG_PRODUCER_EDIT,
    REG_PRODUCER_MOVE,
    REG_KEY_ENROLL,
    REG_KEY_REVOKE,
};
/* What a guard is asked: the record's province as stored (a key's: its
 * producer's) and after the change, and a product's rating likewise. */
struct reg_ask {
    enum reg_action action;
    const char *province, *to_province;
    int stars, proposed5, to_stars, to_proposed5;
    const char *reason; /* a key revocation's */
};
struct reg_guard {
    const char *who;   /* the audit's author ("console:NAME"); NULL: the
                          connection's (registry_audit_by) */
    long long version; /* the record's version (registry_version) the
                          change was made from (-1: not checked; any
                          other negative never matches) */
    int (*allow)(void *ctx, const struct reg_ask *ask); /* 0 refuses */
    void *ctx;
    /* Run inside the transaction once the change is made (may be NULL):
     * what the caller records beside it. 0 or -1 with err set. */
    int (*also)(void *also_ctx, sqlite3 *db, char *err, size_t errsz);
    void *also_ctx;
};
/* A product's or producer's version: the id of the newest audit row about
 * it (entity "product" or "producer"); 0 when none, -1 on error. */
long long registry_version(sqlite3 *db, const char *entity, const char *ref);

/* A field to set from user text (reg_product_set's names). */
struct reg_field {
    const char *name, *value;
};
/* Edit product code: set the n fields (NULL values skipped). A new
 * certification date with the expiry not given (or given as stored)
 * starts a new certificate life; new stars end a proposed 5; a new
 * producer must exist. p gets the record as saved. */
int registry_product_edit(sqlite3 *db, const char *code,
                          const struct reg_field *set, size_t n,
                          const struct reg_guard *g, struct reg_product *p,
                          char *err, size_t errsz);
/* Set product code's status (rated, suspended, revoked, expired) with the
 * reason shoppers see, as of date; back to rated without a reason clears
 * the status date. */
int registry_product_status(sqlite3 *db, const char *code, const char *status,
                            const char *reason, const char *date,
                            const struct reg_guard *g, struct reg_product *p,
                            char *err, size_t errsz);
/* Move product code to province (any spelling province_find knows); the
 * unit that certified it stays as it was. */
int registry_product_move(sqlite3 *db, const char *code, const char *province,
                          const struct reg_guard *g, struct reg_product *p,
                          char *err, size_t errsz);
/* Move producer code to province, and with it each of its products that
 * was in its old province (*moved counts them; may be NULL). */
int registry_producer_move(sqlite3 *db, const char *code, const char *province,
                           const struct reg_guard *g, struct reg_producer *p,
                           int *moved, char *err, size_t errsz);

/* Enrol pub for producer (which must exist) as of date: REG_CHANGE_*. */
int registry_key_enroll(sqlite3 *db, const char *producer,
                        const labels_pubkey *pub, const char *date,
                        const struct reg_guard *g, char *err, size_t errsz);
/* A change that is only the caller's (g->also), made as one about
 * producer: the guard asked with action and the producer's province, the
 * audit rows g->also writes named g->who. A rejected key request is asked
 * as REG_KEY_ENROLL: the decision on an enrolment. */
int registry_producer_guarded(sqlite3 *db, const char *producer,
                              enum reg_action action, const struct reg_guard *g,
                              char *err, size_t errsz);
/* Revoke key hex ("superseded" or "compromised") as of date: the key must
 * be enrolled on or before date and not revoked yet (else INVALID). */
int registry_key_revoke(sqlite3 *db, const char *hex, const char *reason,
                        const char *date, const struct reg_guard *g, char *err,
                        size_t errsz);
/* Keys (of producer, or all for NULL or ""): key_id, producer, enrolled,
 * revoked, reason. */
int registry_key_list(sqlite3 *db, const char *producer, registry_row_fn fn,
                      void *ctx, char *err, size_t errsz);
/* Record a confirmed clone of one label serial; key and product must be
 * known. Called inside a transaction, the row joins it (the caller
 * commits or rolls back). */
int registry_clone_record(sqlite3 *db, const char *hex, const char *product,
                          const char *lot, uint32_t serial, const char *date,
                          char *err, size_t errsz);
/* The audit trail, oldest first (the newest limit rows; -1: all), of one
 * entity ("product", "producer", "key" with ref) or of all (entity ""):
 * at, entity, ref, field, old, new. */
int registry_history(sqlite3 *db, const char *entity, const char *ref,
                     long limit, registry_row_fn fn, void *ctx, char *err,
                     size_t errsz);

/* ---- Producers ---------------------------------------------------------- */

/* Fields to set (NULL: leave as is), from user text. */
struct reg_producer_change {
    const char *name, *kind, *province, *contact;
};
/* Add producer code (name, kind and province needed) or edit it (it must
 * exist; the guard asked as REG_PRODUCER_EDIT), in one transaction; p gets
 * the record as saved (as stored on a conflict). REG_CHANGE_*. */
int registry_producer_save(sqlite3 *db, int add, const char *code,
                           const struct reg_producer_change *ch,
                           const struct reg_guard *g, struct reg_producer *p,
                           char *err, size_t errsz);
/* Producers of a province (stored name; NULL or "" for all), by code:
 * code, kind, province, number of products, name. */
int registry_producer_list(sqlite3 *db, const char *province,
                           registry_row_fn fn, void *ctx, char *err,
                           size_t errsz);

/* ---- Inspectors' badges (docs/inspectors.md) --------------------------- */

enum {
    REG_BADGE_OK = 0,
    REG_BADGE_REFUSED = 1,       /* the inspector is revoked */
    REG_BADGE_FAILED = 2,        /* err says why */
    REG_BADGE_NOT_AUTHORITY = 3, /* sec is not the registry's authority */
};
/* Sign b (fields checked by the caller) with the authority key sec,
 * record the inspector and the badge, write its QR as a PNG to png (when
 * not NULL) and commit: all or nothing. text gets the badge's QR text. */
int registry_badge_issue(sqlite3 *db, labels_badge *b, const labels_seckey *sec,
                         const char *png, char *text, size_t textsz, char *err,
                         size_t errsz);
/* Revoke an inspector as of date. REG_BADGE_REFUSED: already revoked, on
 * the date now in revoked. */
int registry_badge_revoke(sqlite3 *db, const char *inspector, const char *date,
                          char revoked[LABELS_DATE_SIZE], char *err,
                          size_t errsz);
/* Every inspector: inspector, name, province, revoked date (or ""), the
 * latest valid_until, the number of badges. 0 or -1. */
int registry_badge_list(sqlite3 *db, registry_row_fn fn, void *ctx);
/* The QR text of inspector's latest badge into text: 1 found, 0 none,
 * -1 error. */
int registry_badge_latest(sqlite3 *db, const char *inspector, char *text,
                          size_t textsz);

/* Fill err with "what: sqlite message" and return -1. */
int registry_db_error(sqlite3 *db, const char *what, char *err, size_t errsz);

/* ---- CSV --------------------------------------------------------------- */
/* RFC 4180 CSV records from a buffer, with line numbers. */
#define CSV_MAX_FIELDS 64

struct csv {
    const char *p, *end;
    int line;  /* line of the next unread byte */
    char *buf; /* unescaped fields of the current record */
    size_t bufsz;
    char *fields[CSV_MAX_FIELDS];
    size_t nfields;
    int record_line; /* line where the current record starts */
    char sep;        /* ',' or ';' (found on the first line) */
};

/* A leading UTF-8 byte order mark is skipped; the separator is ';' when
 * the first line has more semicolons than commas outside quotes (Excel in
 * a locale whose decimal mark is a comma), else ','. */
void csv_init(struct csv *c, const char *data, size_t len);
void csv_free(struct csv *c);
/* 1: a record in c->fields[0..nfields); 0: end of input; -1: this record
 * is malformed (a NUL byte in a field too) (message in err; the parser has
 * moved past it, so the caller may go on); -2: out of memory. Blank lines are
 * skipped. */
int csv_next(struct csv *c, char *err, size_t errsz);

/* The one CSV writer: every CSV file ocop-host writes goes through it. A
 * cell is quoted (RFC 4180) when it holds a comma, quote or line break,
 * and one a spreadsheet would run as a formula (starting with = + - @,
 * tab or carriage return, other than a plain number) is written behind a
 * single quote. Errors show in ferror(f). */
void csv_write_field(FILE *f, const char *s);
/* n cells, comma-separated, then a newline. */
void csv_write_row(FILE *f, const char *const *cells, size_t n);

/* ---- Import ------------------------------------------------------------ */

/* Where an import's messages go: line is the CSV line (0: about the whole
 * file, -1: not about the file at all); severe is set for messages that
 * stop the import or sum it up, clear for one bad row among others.
 * change (may be NULL) hears each field an update changes, before it is
 * applied (or, in a dry run, instead). row (may be NULL) hears every good
 * row as it will be stored: old is the stored product (NULL when the row
 * adds one), pr the row's producer; non-zero makes the row a bad one (the
 * console refuses rows outside an account's scope this way, inside the
 * import's own transaction). */
struct registry_import_diag {
    void (*say)(void *ctx, int line, int severe, const char *msg);
    void *ctx;
    void (*change)(void *ctx, int line, const char *code, const char *field,
                   const char *old, const char *new_value);
    int (*row)(void *ctx, int line, const struct reg_product *old,
               const struct reg_product *p, const struct reg_producer *pr);
};

/* What an import does: add new products (update 0), or change existing
 * ones (update 1); apply 0 is a dry run that checks every row and tells
 * every change, then rolls back. */
struct registry_import_opts {
    int update;
    int apply;
    const char *who; /* the audit's author of the changes, or NULL */
};

/* What it did (or, in a dry run, would do). */
struct registry_import_summary {
    int rows;          /* data rows read */
    int new_producers; /* producers added */
    int changed;       /* update: products with at least one field changed */
    int unchanged;     /* update: products the file leaves as they are */
    int fields;        /* update: fields changed, over all products */
};

/* Import products (and their producers) from CSV data with a header row
 * (columns in docs/cli.md) into the registry at dbpath: every row or
 * none, in one transaction. The file may come from a spreadsheet in a
 * Vietnamese locale: ';' separators, a byte-order mark, Vietnamese column
 * heads, DD/MM/YYYY dates, lowercase codes. Text is stored in NFC. 0 with
 * *s filled, or -1 after telling d why (nothing changed). */
int registry_import_run(const char *dbpath, const char *data, size_t len,
                        const struct registry_import_opts *o,
                        const struct registry_import_diag *d,
                        struct registry_import_summary *s);
/* registry_import_run adding new products, applied. */
int registry_import(const char *dbpath, const char *data, size_t len,
                    const struct registry_import_diag *d, int *rows,
                    int *new_producers);
/* Trim ASCII spaces and tabs at both ends, in place. */
char *registry_trim(char *s);

/* ---- Statistics -------------------------------------------------------- */

/* The figures of the 2020 programme review, in this order. */
enum {
    REG_STATS_PRODUCTS,
    REG_STATS_PRODUCERS,
    REG_STATS_STAR3,
    REG_STATS_STAR4,
    REG_STATS_STAR5,
    REG_STATS_PROPOSED5,
    REG_STATS_GROUP0, /* one column per labels_group, in its order */
    REG_STATS_EXPIRING = REG_STATS_GROUP0 + LABELS_G_COUNT_, /* rated,
                                 expiring within expiring_days */
    REG_STATS_EXPIRED, /* expired as of today, by status or by end date */
    REG_STATS_N
};
/* Column heads for a terminal table ("3 stars") and keys for CSV
 * ("stars3"). */
extern const char *const registry_stats_heads[REG_STATS_N];
extern const char *const registry_stats_keys[REG_STATS_N];
/* The Vietnamese heading of column i as the 2020 programme review wrote
 * it ("Số sản phẩm", "3 sao", the groups' names...); -1: the province
 * column ("Tỉnh, thành phố"). */
const char *registry_stats_head_vi(int i);

struct reg_stats_query {
    const char *today;    /* YYYY-MM-DD: expiry is counted from it */
    long expiring_days;   /* 0 to 36500 */
    const char *province; /* stored province name, or "" / NULL for all;
                             with units 2020, a 2020 unit's name */
    labels_units units;   /* rows per 2025 unit (default) or per 2020 unit
                             (each product under the unit it was certified
                             in: the 2020 programme review's table) */
};

struct reg_stats_row {
    char province[128];
    long v[REG_STATS_N];
};

/* The figures per province (*rows, malloc'd, *n of them, in no order) and
 * for all of them (*total; a producer counted once however many
 * provinces). schema names the database holding the registry ("main", or
 * the name it is attached under). 0, or -1 with err set. */
int registry_stats(sqlite3 *db, const char *schema,
                   const struct reg_stats_query *q, struct reg_stats_row **rows,
                   size_t *n, struct reg_stats_row *total, char *err,
                   size_t errsz);

/* ---- Migration (host/registry/migrate.c) -------------------------------- */

/* Open a registry of any version up to the current one read-write; *version
 * gets its schema version. 0, or -1 with err set. */
int registry_open_for_migration(const char *path, sqlite3 **db, int *version,
                                char *err, size_t errsz);
/* The audit trigger of one column added to an audited table. */
int registry_add_column_trigger(sqlite3 *db, const char *table,
                                const char *column, char *err, size_t errsz);

struct reg_migration {
    int from;       /* the version found (2: nothing to do) */
    long products;  /* products whose province or unit was set */
    long producers; /* producers moved to their 2025 unit */
    long others;    /* inspectors and console accounts moved */
    long unknown;   /* rows whose province is no unit: left as they were */
};
/* Bring the registry at path to the current schema in one transaction:
 * products get certified_unit (the unit they were certified in, as
 * stored) and every province becomes its 2025 unit, each change with its
 * audit row, and one audit row for the move as a whole (entity
 * "authority", ref "provinces"). fn gets (NULL, 0) first, then one row
 * per change: entity, ref, field, old, new ("" when the old value is no
 * unit and was left as it was). 0, or -1 with err set and nothing
 * changed. */
int registry_migrate(const char *path, registry_row_fn fn, void *ctx,
                     struct reg_migration *m, char *err, size_t errsz);

/* ---- The console's dashboard (dashboard.c) ----------------------------- */

/* Columns by stars: every product, 3, 4 (not proposed), 5, proposed 5. */
enum {
    REG_DASH_ALL,
    REG_DASH_S3,
    REG_DASH_S4,
    REG_DASH_S5,
    REG_DASH_P5,
    REG_DASH_N
};
struct reg_dash_row {
    char province[64];
    long products[REG_DASH_N];
    long producers[REG_DASH_N]; /* with a product of that rating there */
};
struct reg_dash {
    struct reg_dash_row *rows; /* every province of the list, in its order,
                                  then stored names outside it */
    size_t nrows;
    struct reg_dash_row total; /* nationwide; a producer counted once */
    long expiring; /* rated, certificate ending within days of today */
    long expired;  /* rated or expired, certificate ended before today */
    long changed;  /* suspended or revoked since the month's first day */
};
/* Create the summary tables (filled from products, then kept in step by
 * triggers) and indexes the dashboard reads, when missing; one
 * transaction. Once per process that shows a dashboard. 0 or -1. */
int registry_dashboard_prepare(sqlite3 *db, char *err, size_t errsz);
/* The figures as of today (YYYY-MM-DD). 0, or -1 with err set. */
int registry_dashboard(sqlite3 *db, const char *today, long days,
                       struct reg_dash *d, char *err, size_t errsz);
void registry_dashboard_free(struct reg_dash *d);
enum { REG_DASH_EXPIRING, REG_DASH_EXPIRED, REG_DASH_CHANGED };
/* The first limit products of one of the dashboard's lists: code, name,
 * province, status, status_date, status_reason, expires. */
int registry_dashboard_list(sqlite3 *db, int which, const char *today,
                            long days, long limit, registry_row_fn fn,
                            void *ctx, char *err, size_t errsz);

/* ---- Export ------------------------------------------------------------ */
/* the registry's public part as a mirror file. */
/* Write the mirror of the registry at dbpath to out (temporary file,
 * fsync, rename) with feed_version one above the registry's, which is
 * committed before the rename. authority NULL: the key the registry
 * records. *version gets the new feed_version. */
int registry_export(const char *dbpath, const char *out,
                    const labels_pubkey *authority, long long *version,
                    char *err, size_t errsz);
/* The same with a feed_version of at least at_least: `publish --db`
 * exports the registry as it is now under the number the feed gives it,
 * so the registry and the feed count alike (issue 11). */
int registry_export_at(const char *dbpath, const char *out,
                       const labels_pubkey *authority, long long at_least,
                       long long *version, char *err, size_t errsz);

/* The registry's change mark: the newest audit row's id (0 when none),
 * the export's own feed_version rows and the record of who published
 * (entity "feed") aside. Every change to what the
 * mirror holds writes an audit row, so a mark
 * unchanged since a publish means the feed is up to date (the publish
 * timer's rule, docs/feed.md). 0, or -1 with err set. */
int registry_change_mark(const char *dbpath, long long *mark, char *err,
                         size_t errsz);

/* ---- Signing policy ---------------------------------------------------- */
/* may this key sign labels for this product today?
 *
 * Producers do not hold the registry, so the answer comes from the
 * authority's published mirror (docs/mirror.md), read with the labels
 * library's mirror reader, as the kiosks read it. The product must exist, be
 * 'rated' and not past its expiry date; the stars must be its current rating;
 * the key must be enrolled in the mirror for the product's producer, with the
 * same public key, and not revoked. */
enum {
    SIGN_POLICY_OK = 0,
    SIGN_POLICY_REFUSED = 1, /* the mirror says no; why says which rule */
    SIGN_POLICY_ERROR = 2,   /* the mirror could not be read; why says so */
};

/* Check signing product_code with stars (0: the current rating) using
 * key pub, as of label day today. On OK, *product holds the mirror's
 * record (the label text comes from it). why gets one sentence for any
 * other answer. */
int sign_policy_check(const char *mirror_path, const char *product_code,
                      int stars, const labels_pubkey *pub, uint16_t today,
                      labels_product *product, char *why, size_t whysz);

#endif

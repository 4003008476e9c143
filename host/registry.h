/* registry.h -- the authority's registry: a private SQLite database of
 * producers, products, keys and clone reports, with an audit history.
 * Functions that can fail write one plain sentence into err (errsz
 * bytes) and return -1; callers add context and print it. */
#ifndef OCOP_HOST_REGISTRY_H
#define OCOP_HOST_REGISTRY_H

#include <labels.h>
#include <sqlite3.h>
#include <stddef.h>

#define REG_ERR_MAX 512
#define REG_NAME_MAX 255     /* bytes of UTF-8 in a name or reason */
#define REG_PRODUCER_MAX 31  /* characters of a producer code */
#define REG_CERT_MAX 63      /* characters of a certificate number */
#define REG_EXPIRY_MONTHS 36 /* certificate life when no expiry is given */

/* ---- Vocabulary ---------------------------------------------------- */

struct province {
    const char *name;  /* as stored, with diacritics */
    const char *code;  /* short code for typing: HN, HCM, ... */
    const char *ascii; /* name without diacritics */
};
size_t province_count(void);
const struct province *province_at(size_t i);
/* By stored name, name without diacritics (ASCII letters in any case) or
 * short code; NULL if it is not one of the 63. */
const struct province *province_find(const char *input);

/* Fold text to bare lowercase ASCII letters and digits: Vietnamese
 * letters lose their marks (NFC or NFD), spaces, dots and dashes go.
 * 0 if the text is empty, too long or has other characters. */
int registry_fold(const char *in, char *out, size_t outsz);

/* The six OCOP product groups: mirror key ("food") and Vietnamese name. */
#define REG_GROUPS 6
extern const char *const registry_group_keys[REG_GROUPS];
extern const char *const registry_group_names_vi[REG_GROUPS];
/* Mirror key for a group given as key or Vietnamese name; NULL if none. */
const char *registry_group_key(const char *input);
/* Mirror key for a producer kind (cooperative, enterprise, household, or
 * hợp tác xã, doanh nghiệp, hộ kinh doanh); NULL if none. */
const char *registry_kind_key(const char *input);

/* ---- Dates (any real calendar date from 1990 to 2199) --------------- */

/* Strict "YYYY-MM-DD"; 0 or -1. */
int regdate_check(const char *s);
/* out = date + months (the day clamped to the month's length). */
void regdate_add_months(const char *date, int months, char out[11]);
/* out = date + days (days may be negative). */
void regdate_add_days(const char *date, long days, char out[11]);
/* Today (UTC). */
void regdate_today(char out[11]);
/* Now as ISO 8601 UTC, e.g. 2026-11-29T13:00:00Z. */
void regtime_now(char out[21]);

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
    char province[64];
    int stars;
    int proposed5;
    char status[16];
    char status_reason[REG_NAME_MAX + 1];
    char status_date[11];
    char certificate[REG_CERT_MAX + 1];
    char certified[11];
    char expires[11];
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
/* Run SQL with no results. */
int registry_exec(sqlite3 *db, const char *sql, char *err, size_t errsz);
/* meta value (NULL-free copy into out) or -1 when missing. */
int registry_meta_get(sqlite3 *db, const char *key, char *out, size_t outsz);
int registry_meta_set(sqlite3 *db, const char *key, const char *value,
                      char *err, size_t errsz);

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
int reg_key_insert(sqlite3 *db, const labels_pubkey *pub, const char *producer,
                   const char *enrolled, char *err, size_t errsz);

/* Fill err with "what: sqlite message" and return -1. */
int registry_db_error(sqlite3 *db, const char *what, char *err, size_t errsz);

#endif

/*
 * labels_vocab.h -- the one vocabulary: every word a user or a script sees
 * that more than one program shows (included by labels.h; do not include
 * it alone).
 *
 * A verdict word, a product group, a producer kind, a field label on the
 * kiosk screen and the phone page, a language code, an exit code, an ISO
 * time and the JSON fields of a verdict are spelled here once, in labels/,
 * and every screen, page, report and document takes them from here.
 * Adding a group or a verdict is a change in one table; tests/test_vocab.c
 * walks every value through every function below, and tests/vocab_docs.c
 * regenerates the table in docs/verdicts.md.
 *
 * Like the rest of labels/, nothing here prints or exits; strings returned
 * are static UTF-8 and never NULL unless a function says otherwise.
 */
#ifndef LABELS_VOCAB_H
#define LABELS_VOCAB_H

#ifndef LABELS_H
#error "include labels.h, not labels_vocab.h"
#endif

/* ---- Exit codes of ocop-host and ocop-kiosk (README, docs/cli.md) ------ */

typedef enum labels_exit {
    LABELS_EXIT_OK = 0,    /* done (or every answer genuine) */
    LABELS_EXIT_NO = 1,    /* checked, and the answer is no: not genuine,
                              refused, stale */
    LABELS_EXIT_USAGE = 2, /* bad command line */
    LABELS_EXIT_FAIL = 3   /* could not do it: bad input data, I/O, a
                              database error, not ready */
} labels_exit;

/* ---- Languages ---------------------------------------------------------- */

/* labels_lang (labels.h) is the one language enum of the system. "vi" or
 * "en" (any case) to the language, or -1 for anything else (NULL too). */
int labels_lang_from_code(const char *code);
/* "vi" or "en"; "vi" for an out-of-range value (the default language). */
const char *labels_lang_code(labels_lang lang);
/* The other language: what the kiosk's language button switches to. */
labels_lang labels_lang_toggle(labels_lang lang);

/* ---- Verdicts ------------------------------------------------------------ */

/* labels_verdict_word(), labels_verdict_from_word(), labels_verdict_tone(),
 * labels_verdict_headline() and labels_verdict_advice() (labels.h) all read
 * one table, labels/verdict_text.c. Iterate verdicts with
 * for (int v = 0; v < LABELS_V_COUNT_; v++). */

/* "good", "warn", "bad", "neutral" (a colour for documents and style
 * sheets); "bad" for an out-of-range tone. */
const char *labels_tone_word(labels_tone tone);

/* ---- The six OCOP product groups (Decision 148/QĐ-TTg) ---------------- */

/* The codes as the registry and the mirror store them, in this order: one
 * list, used by the table in labels/groups.c and by every SQL CHECK.
 * X(enum, code) is called for each group; FIRST for the first only, so a
 * separated list can be built with string literals alone. */
#define LABELS_GROUP_LIST(FIRST, X)                                            \
    FIRST(LABELS_G_FOOD, "food")                                               \
    X(LABELS_G_BEVERAGES, "beverages")                                         \
    X(LABELS_G_HERBAL, "herbal")                                               \
    X(LABELS_G_TEXTILES, "textiles")                                           \
    X(LABELS_G_SOUVENIRS, "souvenirs")                                         \
    X(LABELS_G_TOURISM, "tourism")

#define LABELS_GROUP_SQL_FIRST_(e, code) "'" code "'"
#define LABELS_GROUP_SQL_NEXT_(e, code) ",'" code "'"
/* Each code in single quotes, separated by commas: the inside of a
 * schema's CHECK (grp IN (...)). */
#define LABELS_GROUP_SQL_IN                                                    \
    LABELS_GROUP_LIST(LABELS_GROUP_SQL_FIRST_, LABELS_GROUP_SQL_NEXT_)
#define LABELS_GROUP_TEXT_FIRST_(e, code) code
#define LABELS_GROUP_TEXT_NEXT_(e, code) ", " code
/* The codes separated by ", ": for help texts and error messages. */
#define LABELS_GROUP_CODES_TEXT                                                \
    LABELS_GROUP_LIST(LABELS_GROUP_TEXT_FIRST_, LABELS_GROUP_TEXT_NEXT_)

typedef enum labels_group {
    LABELS_G_FOOD = 0,
    LABELS_G_BEVERAGES,
    LABELS_G_HERBAL,
    LABELS_G_TEXTILES,
    LABELS_G_SOUVENIRS,
    LABELS_G_TOURISM,
    LABELS_G_COUNT_
} labels_group;

/* The stored code; NULL for an out-of-range value. */
const char *labels_group_code(labels_group g);
/* The group of a stored code (exact, case-sensitive), or -1. */
int labels_group_from_code(const char *code);
/* The group a person meant, or -1: the code, the Vietnamese name, or one
 * of a few English words (labels_group_spelling lists them all), compared
 * after labels_text_fold() (case, diacritics, spaces, '-', '.', en and em
 * dashes aside), so the Vietnamese name typed in capitals, without its
 * marks or without spaces is still the group. */
int labels_group_from_spelling(const char *input);
/* The i-th spelling labels_group_from_spelling() accepts for g (0: the
 * code, 1: the Vietnamese name, then the English words), NULL past the
 * last or for an out-of-range group: for help texts and documents. */
const char *labels_group_spelling(labels_group g, size_t i);
/* The name as the kiosk screen and the phone page show it; an
 * out-of-range language is Vietnamese; NULL for an out-of-range group. */
const char *labels_group_name(labels_group g, labels_lang lang);
/* The name for a stored code; an unknown code is shown as itself, a NULL
 * code as "" (what the screen and the page do for a newer mirror). */
const char *labels_group_name_of(const char *code, labels_lang lang);

/* ---- Producer kinds ------------------------------------------------------ */

/* As LABELS_GROUP_LIST, for the kinds stored in producers.kind. */
#define LABELS_KIND_LIST(FIRST, X)                                             \
    FIRST(LABELS_K_COOPERATIVE, "cooperative")                                 \
    X(LABELS_K_ENTERPRISE, "enterprise")                                       \
    X(LABELS_K_HOUSEHOLD, "household")
/* The inside of CHECK (kind IN (...)). */
#define LABELS_KIND_SQL_IN                                                     \
    LABELS_KIND_LIST(LABELS_GROUP_SQL_FIRST_, LABELS_GROUP_SQL_NEXT_)
/* The codes separated by ", ". */
#define LABELS_KIND_CODES_TEXT                                                 \
    LABELS_KIND_LIST(LABELS_GROUP_TEXT_FIRST_, LABELS_GROUP_TEXT_NEXT_)

typedef enum labels_kind {
    LABELS_K_COOPERATIVE = 0,
    LABELS_K_ENTERPRISE,
    LABELS_K_HOUSEHOLD,
    LABELS_K_COUNT_
} labels_kind;

/* The stored code; NULL when out of range. */
const char *labels_kind_code(labels_kind k);
int labels_kind_from_code(const char *code);
/* The code, the Vietnamese name or one of a few other words
 * (labels_kind_spelling lists them), folded as for groups; -1 if none. */
int labels_kind_from_spelling(const char *input);
/* As labels_group_spelling, for kinds. */
const char *labels_kind_spelling(labels_kind k, size_t i);
/* The name shown; NULL for an out-of-range kind. */
const char *labels_kind_name(labels_kind k, labels_lang lang);
/* As labels_group_name_of, for a stored kind code. */
const char *labels_kind_name_of(const char *code, labels_lang lang);

/* ---- Folding text for comparison ----------------------------------------- */

/* in (NUL-terminated UTF-8) as bare lowercase ASCII letters and digits:
 * Vietnamese letters lose their marks (precomposed or combining, so NFC
 * and NFD agree), đ is d, and spaces, '-', '.', en and em dashes are
 * dropped. Returns 1, or 0 when in has any other character, folds to
 * nothing, or does not fit outsz with its NUL. The registry compares
 * names, groups and kinds this way. */
int labels_text_fold(const char *in, char *out, size_t outsz);

/* ---- Field labels shown beside a verdict --------------------------------- */

/* The captions the kiosk screen and the phone page print beside a
 * label's facts (the wording is in labels/field_labels.c). */
typedef enum labels_field {
    LABELS_F_PRODUCER = 0,
    LABELS_F_PROVINCE,
    LABELS_F_GROUP,
    LABELS_F_CERTIFICATE,
    LABELS_F_VALID,
    LABELS_F_LOT,
    LABELS_F_SERIAL,
    LABELS_F_PRODUCT_CODE,
    LABELS_F_STARS_NOW,
    LABELS_F_STARS_PRINTED,
    LABELS_F_PROPOSED5, /* lowercase: it follows the stars */
    LABELS_F_WHAT_TO_DO,
    LABELS_F_REASON,
    LABELS_F_REGISTERED_AS,
    LABELS_F_NO_PRODUCT,
    /* Spreadsheet column heads (the registry's CSV import reads these
     * too, beside its own column names; docs/cli.md). */
    LABELS_F_PRODUCT_NAME,
    LABELS_F_STARS,
    LABELS_F_PRODUCER_CODE,
    LABELS_F_PRODUCER_NAME,
    LABELS_F_PRODUCER_KIND,
    LABELS_F_PRODUCER_PROVINCE,
    LABELS_F_PRODUCER_CONTACT,
    LABELS_F_CERTIFIED_ON,
    LABELS_F_EXPIRES_ON,
    LABELS_F_STATUS,
    LABELS_F_STATUS_DATE,
    LABELS_F_COUNT_
} labels_field;

/* The label in lang (an out-of-range language is Vietnamese); "" for an
 * out-of-range field. */
const char *labels_field_label(labels_field field, labels_lang lang);

/* ---- Times ----------------------------------------------------------------
 */

/* unix_seconds (UTC) as "YYYY-MM-DDTHH:MM:SSZ" and a NUL. LABELS_ERR_ARG
 * for a negative time or one past 9999-12-31T23:59:59Z (out is then ""),
 * so four-digit years always fit. */
int labels_time_iso(int64_t unix_seconds, char out[LABELS_TIME_ISO_SIZE]);
/* The day of unix_seconds (UTC) as "YYYY-MM-DD", same range and errors. */
int labels_time_day(int64_t unix_seconds, char out[LABELS_DATE_SIZE]);
/* Exactly "YYYY-MM-DDTHH:MM:SSZ" (NUL-terminated, nothing around it) back
 * to Unix seconds: LABELS_ERR_FIELD for any other text, an impossible date
 * (31 April), a second of 60 or a year before 1970; LABELS_ERR_ARG for
 * NULL. The inverse of labels_time_iso(). (firmware's iso_time_parse also
 * refuses years before 2020 and lets timegm roll 31 April over: a caller
 * that replaces it keeps its own year check.) */
int labels_time_iso_parse(const char *s, int64_t *unix_seconds);

/* ---- JSON lines -----------------------------------------------------------
 */

/* One JSON object written into a caller's buffer, for scripts reading
 * either program's --json output. Strings are binary-safe (pointer and
 * length): '"' and '\\' are escaped, control characters (C0, DEL) become
 * \u00XX, and bytes that are not strict UTF-8 (overlong, surrogates, past
 * U+10FFFF, truncated) become \ufffd, so a hostile QR text can neither
 * break the line nor make it invalid JSON. The first failure sticks: an
 * object that does not fit is an error (LABELS_ERR_SPACE), never a
 * truncated line. */
typedef struct labels_json {
    char *out;
    size_t size; /* bytes of out */
    size_t len;  /* bytes written so far, without the NUL */
    int fields;  /* fields in the object so far */
    int err;     /* LABELS_OK, or the first failure */
} labels_json;

/* Start an object ("{") in out (outsz bytes, at least 1). */
void labels_json_begin(labels_json *j, char *out, size_t outsz);
void labels_json_str(labels_json *j, const char *key, const char *val,
                     size_t len);
/* A NUL-terminated string; NULL is written as "". */
void labels_json_cstr(labels_json *j, const char *key, const char *val);
void labels_json_int(labels_json *j, const char *key, int64_t val);
void labels_json_bool(labels_json *j, const char *key, int val);
/* Close the object with "}\n" and a NUL. Returns j->err; on LABELS_OK,
 * *len (may be NULL) gets the line's length including the newline. On an
 * error out holds "" and *len is 0. */
int labels_json_end(labels_json *j, size_t *len);

/* What labels_json_facts() writes (docs/verdicts.md, "JSON output"). */
typedef enum labels_facts_detail {
    /* What any shopper may see: verdict; product, lot, serial,
     * stars_printed (or reason when the text did not parse); product_name,
     * producer. */
    LABELS_FACTS_PUBLIC = 0,
    /* Everything labels_facts holds: the above, and issued, key_id,
     * key_status; group, producer_code, producer_kind, province,
     * stars_current, proposed5, status, status_reason, status_date,
     * certificate, certified, expires. */
    LABELS_FACTS_FULL
} labels_facts_detail;

/* Add the fields of f to the object being built in j, with the one set of
 * field names every program uses. The caller adds its own fields before
 * or after (file, text, kind, mode, stale, data_since, scan_id...). */
void labels_json_facts(labels_json *j, const labels_facts *f,
                       labels_facts_detail detail);

/* Where the checked text came from, for labels_facts_json(); every member
 * may be NULL (or zero) and is then left out. */
typedef struct labels_facts_source {
    const char *file; /* "file": the image it was read from */
    const char *text; /* "text": the QR text itself, text_len bytes */
    size_t text_len;
} labels_facts_source;

/* One whole line: {"file":..,"text":..,<labels_json_facts FULL>}\n and a
 * NUL into out. LABELS_ERR_SPACE if it does not fit (out is then ""),
 * LABELS_ERR_ARG for NULL f or out. *len (may be NULL) gets the length. */
int labels_facts_json(const labels_facts *f, const labels_facts_source *src,
                      char *out, size_t outsz, size_t *len);

#endif

/* console_int.h -- what the console's own files share: the escaping HTML
 * writer, the wording, the authorisation rules, the audit tagging and the
 * request and reply of a page. Not for use outside host/console/. */
#ifndef OCOP_HOST_CONSOLE_INT_H
#define OCOP_HOST_CONSOLE_INT_H

#include "console.h"
#include "report/report.h"
#include "registry/registry.h"

#include <labels.h>
#include <stdatomic.h>
#include <stdint.h>

/* ---- Audit tagging (console_accounts.c) ------------------------------ */

/* The newest audit row's id (0 when none), taken before a change. */
long long console_audit_mark(sqlite3 *db);
/* Name who made every audit row written after mark. */
int console_audit_tag(sqlite3 *db, long long mark, const char *who, char *err,
                      size_t errsz);
/* One audit row written by the console itself (accounts, key requests),
 * tagged with who. new_value may be NULL. */
int console_audit_add(sqlite3 *db, const char *who, const char *entity,
                      const char *ref, const char *field, const char *old_value,
                      const char *new_value, char *err, size_t errsz);
/* BEGIN IMMEDIATE after creating the console's tables. */
int console_begin(sqlite3 *db, char *err, size_t errsz);
int console_commit(sqlite3 *db, char *err, size_t errsz);
void console_rollback(sqlite3 *db);
int console_db_error(sqlite3 *db, const char *what, char *err, size_t errsz);

/* ---- Search folding (console_fold.c) --------------------------------- */

/* Lowercase ASCII with Vietnamese marks removed (đ becomes d), every run
 * of other characters one space: "Chè Shan (Hà Giang)" -> "che shan ha
 * giang". Invalid UTF-8 becomes a space. Always NUL-terminates. */
void console_fold(const char *in, char *out, size_t outsz);
/* Register console_fold(TEXT) as an SQL function on db. */
int console_fold_register(sqlite3 *db);

/* ---- The search index (console_search.c) ----------------------------- */

/* Create the index (FTS5 trigram over folded code, name and producer)
 * when missing and bring it up to date. */
int console_search_open(sqlite3 *db, char *err, size_t errsz);
/* Fold again the products the audit shows changed since the last sync
 * (a rebuild when never built). Writes only when something changed. */
int console_search_sync(sqlite3 *db, char *err, size_t errsz);
/* Prepare the products page's query for folded text (empty: no text).
 * The statement takes
 * ?3 the LIKE pattern, ?4 province, ?5 group, ?6 stars, ?7 proposed 5,
 * ?8 status, ?9 scope province, ?10 scope producer, ?11 limit, ?12 offset
 * and returns code,name,grp,producer,province,stars,proposed5,status,
 * expires: in code order without text, in the index's order with text
 * (console_search.c says why). SQLite's code on failure. */
int console_search_prepare(sqlite3 *db, const char *folded, sqlite3_stmt **st);

/* ---- The HTML writer (console_html.c) ------------------------------- */

/* The system's one language enum (labels/). */
typedef labels_lang console_lang;
#define LANG_VI LABELS_LANG_VI
#define LANG_EN LABELS_LANG_EN
#define LANG_COUNT_ LABELS_LANG_COUNT_

/* A growable page. Every value that did not come from this module's own
 * string constants is written with html_text or html_attr. */
typedef struct html {
    char *p;
    size_t len, cap;
    int oom;
    console_lang lang;
} html;

/* Markup from the module's own constants only. */
void html_raw(html *h, const char *markup);
/* Text content: & < > " ' escaped; invalid UTF-8 becomes U+FFFD. */
void html_text(html *h, const char *s);
/* An attribute value (always written inside double quotes). */
void html_attr(html *h, const char *s);
void html_int(html *h, long long v);
/* A value percent-encoded for a URL path segment or query value. */
void html_url(html *h, const char *s);
/* The message in the page's language; the words labels/ has (field
 * captions) come from there. */
const char *tr(console_lang lang, int msg);
/* The hidden csrf_token input of a form. */
void html_csrf(html *h, const char *csrf);
/* A labelled <input> of type with the word label as its caption. */
void html_input(html *h, int label, const char *name, const char *value,
                const char *type);
/* A <select name=...> over values with the current one selected; labels
 * may be NULL (values shown). */
void html_select(html *h, const char *name, const char *const *values,
                 const char *const *labels, size_t n, const char *current);

/* Words (tr): Vietnamese and English. */
enum {
    T_TITLE,
    T_PRODUCTS,
    T_PRODUCERS,
    T_KEYS,
    T_USERS,
    T_AUDIT,
    /* The dashboard and publishing (console_dashboard.c). */
    T_DASHBOARD,
    T_FIGURES,
    T_NATIONWIDE,
    T_STARS3,
    T_STARS4,
    T_STARS5,
    T_ALL_STARS,
    T_EXPIRING90,
    T_EXPIRED_CERTS,
    T_CHANGED_MONTH,
    T_FEED,
    T_NO_FEED,
    T_PUBLISHED,
    T_FEED_EXPIRES,
    T_NEXT_PUBLISH,
    T_LAST_ATTEMPT,
    T_ATTEMPT_OK,
    T_ATTEMPT_FAILED,
    T_PUBLISH_NOW,
    T_ALARM_EXPIRY,
    T_ALARM_FAILED,
    T_PUBLISHED_VERSION,
    T_SHOWN_FIRST,
    T_LOGOUT,
    T_LOGIN,
    T_USER,
    T_PASSWORD,
    T_LOGIN_FAILED,
    T_THROTTLED,
    T_SEARCH,
    T_CODE,
    T_NAME,
    T_GROUP,
    T_STARS,
    T_STATUS,
    T_PROVINCE,
    T_PRODUCER,
    T_EXPIRES,
    T_CERTIFICATE,
    T_CERTIFIED,
    T_ALL,
    T_PREV,
    T_NEXT,
    T_REASON,
    T_REASON_PUBLIC,
    T_SET_STATUS,
    T_EDIT,
    T_SAVE,
    T_CONFLICT,
    T_CONFLICT_TEXT,
    T_YOUR_VALUES,
    T_CURRENT_VALUES,
    T_FORBIDDEN,
    T_FORBIDDEN_TEXT,
    T_NOT_FOUND,
    T_BAD_REQUEST,
    T_HISTORY,
    T_WHEN,
    T_WHO,
    T_FIELD,
    T_OLD,
    T_NEW,
    T_KEY_ID,
    T_ENROLLED,
    T_REVOKED,
    T_REVOKE,
    T_SUPERSEDED,
    T_COMPROMISED,
    T_PENDING,
    T_APPROVE,
    T_REJECT,
    T_REQUEST_KEY,
    T_KEY_FILE,
    T_REQUESTED_BY,
    T_ROLE,
    T_DISABLED,
    T_DISABLE,
    T_ADD_USER,
    T_NEW_PASSWORD,
    T_SET_PASSWORD,
    T_KIND,
    /* The queue, producers' own pages, badges (console_queue.c,
     * console_producer.c, console_badges.c). */
    T_QUEUE,
    T_SOURCE,
    T_SRC_FINDING,
    T_SRC_CLONE,
    T_SRC_REPORT,
    T_ASSIGNEE,
    T_ASSIGN,
    T_NOTE,
    T_ADD_NOTE,
    T_CONFIRM,
    T_DISMISS,
    T_CONFIRM_HELP,
    T_Q_OPEN,
    T_Q_CONFIRMED,
    T_Q_DISMISSED,
    T_LABEL,
    T_LOT,
    T_SERIAL,
    T_PHOTO,
    T_SHOP,
    T_MINE,
    T_BUNDLE,
    T_BUNDLE_HELP,
    T_DOWNLOAD,
    T_PRINTED,
    T_PRINTED_FILE,
    T_UPLOAD,
    T_FIRST,
    T_LAST,
    T_ISSUED,
    T_OVERLAP,
    T_BADGES,
    T_INSPECTOR,
    T_VALID_UNTIL,
    T_ISSUE_BADGE,
    T_BADGE_CARD,
    T_REINSPECT,
    T_CONTACT,
    T_SIGNED_IN_AS,
    T_SAVED,
    T_ERROR,
    T_NO_RESULTS,
    T_PROPOSED5,
    T_LANG_OTHER,
    T_CREATED,
    T_VERSION,
    /* The kiosk fleet (console_fleet.c). */
    T_KIOSKS,
    T_LAST_CONTACT,
    T_MIRROR_VERSION,
    T_DATA_AGE,
    T_SCANS_7D,
    T_FINDINGS_7D,
    T_STATE,
    T_K_OK,
    T_K_STALE,
    T_K_SILENT,
    T_K_RETIRED,
    T_NEVER,
    T_ENROL_KIOSK,
    T_KIOSK_KEY_FILE,
    T_RETIRE,
    T_NO_COLLECTOR,
    T_FLEET_HELP,
    /* CSV import (console_import.c). */
    T_IMPORT,
    T_CSV_FILE,
    T_UPDATE_EXISTING,
    T_PREVIEW,
    T_APPLY,
    T_TO_ADD,
    T_TO_CHANGE,
    T_LINE,
    /* Reports (console_reports.c). */
    T_REPORTS,
    T_RK_VERDICTS,
    T_RK_HOTSPOTS,
    T_RK_CLONES,
    T_RK_FINDINGS,
    T_RK_EXPIRING,
    T_RK_STATS,
    T_RK_ALL,
    T_FROM,
    T_TO,
    T_TODAY,
    T_BY,
    T_KIOSK,
    T_DAY,
    T_LIMIT,
    T_EXPIRING_DAYS,
    T_CLONE_SCANS,
    T_CLONE_KIOSKS,
    T_CLONE_HOURS,
    T_REINSPECT_SCANS,
    T_SHOW,
    T_BUSY,
    T_MOVE,
    T_MOVE_HELP,
    T_MY_PASSWORD,
    T_CURRENT_PASSWORD,
    T_PASSWORD_CHANGED,
    T_COUNT_
};

/* Words for a stored key: groups and kinds from labels/, statuses, roles
 * and request states from the console; the key itself when there is no
 * word for it. */
const char *console_word(console_lang lang, const char *key);

/* ---- Authorisation (console_auth.c) ---------------------------------- */

/* Every rule of docs/console.md "Roles and scope", one function each; the
 * handlers ask before they read or change anything. */
int may_read_province(const console_user *u, const char *province);
int may_read_product(const console_user *u, const char *province,
                     const char *producer);
int may_change_product(const console_user *u, const char *province);
/* Setting or leaving a 5-star or proposed 5-star rating. */
int may_rate(const console_user *u, int stars, int proposed5);
int may_read_producer(const console_user *u, const char *code,
                      const char *province);
int may_change_producer(const console_user *u, const char *province);
int may_request_key(const console_user *u, const char *producer,
                    const char *province);
int may_approve_key(const console_user *u, const char *province);
int may_revoke_key(const console_user *u, const char *province,
                   const char *reason);
int may_manage_users(const console_user *u);
int may_read_audit(const console_user *u);
int may_read_queue(const console_user *u, const char *province);
int may_note_queue(const console_user *u, const char *province);
int may_decide_queue(const console_user *u, const char *province);
int may_manage_badges(const console_user *u);
/* The kiosk fleet: whose kiosks u sees, and may enrol or retire (a
 * kiosk's province is its 2025 unit; console_auth.c says how an account
 * of an older province name is matched). */
int may_read_fleet(const console_user *u, const char *province);
int may_manage_kiosk(const console_user *u, const char *province);
/* Whether the page of nav word msg is in u's menu. */
int console_nav_shown(const console_user *u, int msg);
int may_read_dashboard(const console_user *u);
int may_publish(const console_user *u);
/* Reports: every role but producers; scoped ones see their province. */
int may_read_reports(const console_user *u);
/* Moving a product or producer to another province. */
int may_move(const console_user *u);
/* The rules above as the registry's guard (struct reg_guard .allow, ctx a
 * const console_user *). */
int console_allows(void *user, const struct reg_ask *a);

/* ---- A request and its reply (console_http.c, console_pages.c) ------- */

typedef struct form_field {
    char *name;
    char *value; /* NUL-terminated; file contents may hold NULs */
    size_t len;
} form_field;

typedef struct creq {
    const char *method;
    const char *path; /* the URL path after "/console" */
    const char *(*arg)(const struct creq *r, const char *name);
    void *conn;
    form_field *fields;
    size_t nfields;
    console_session *session; /* NULL when not signed in */
    console_lang lang;
    const char *addr;
} creq;

typedef struct creply {
    unsigned status;
    const char *content_type; /* NULL: HTML */
    html body;
    char location[512];   /* 303 target */
    char set_cookie[512]; /* "" or one Set-Cookie value */
    char set_cookie2[128];
    char disposition[200]; /* "" or a Content-Disposition value */
    unsigned retry_after;
    struct report_job *job; /* a report to run off the lock (route_reports) */
} creply;

/* The value of a form field (NULL when absent). */
const char *form_get(const creq *r, const char *name, size_t *len);

/* The console's pages (console_pages.c, console_actions.c): each fills
 * rep from req under db, the lock already held. */
struct console_ctx {
    sqlite3 *db;
    console_limits lim;
    const console_config *cfg; /* the paths it was started with */
};
void page_begin(html *h, const creq *r, const char *title);
void page_end(html *h);
void page_error(creply *rep, const creq *r, unsigned status, int title_msg,
                const char *detail);
/* For a route over a collection (rest: what follows its path): 1 when
 * rest is the collection's own page ("" or "/") and the method GET, the
 * caller's to show; -1 when a POST was sent there, answered 405 here;
 * 0 when rest names something in the collection. */
int route_index(const creq *r, creply *rep, const char *rest);
void route_products(struct console_ctx *c, const creq *r, creply *rep);
void route_product(struct console_ctx *c, const creq *r, creply *rep,
                   const char *code, const char *rest);
void route_producers(struct console_ctx *c, const creq *r, creply *rep);
void route_producer(struct console_ctx *c, const creq *r, creply *rep,
                    const char *code, const char *rest);
void route_keys(struct console_ctx *c, const creq *r, creply *rep,
                const char *rest);
void route_users(struct console_ctx *c, const creq *r, creply *rep,
                 const char *rest);
/* One's own password (console_actions.c): GET /account, POST
 * /account/password; rest is the path after "/account". */
void route_account(struct console_ctx *c, const creq *r, creply *rep,
                   const char *rest);
void route_audit(struct console_ctx *c, const creq *r, creply *rep);
/* The findings and suspects queue (console_queue.c): GET /queue, GET and
 * POST /queue/ID[/assign|/note|/confirm|/dismiss], GET /queue/ID/photo;
 * rest is the path after "/queue". */
void route_queue(struct console_ctx *c, const creq *r, creply *rep,
                 const char *rest);
/* Products due for re-inspection in the user's province (/reinspect). */
void route_reinspect(struct console_ctx *c, const creq *r, creply *rep);
/* A producer's own page (console_producer.c): /mine, /mine/bundle,
 * POST /mine/printed. */
void route_mine(struct console_ctx *c, const creq *r, creply *rep,
                const char *rest);
/* CSV import (console_import.c): GET and POST /import, POST
 * /import/apply; rest is the path after "/import". */
void route_import(struct console_ctx *c, const creq *r, creply *rep,
                  const char *rest);
/* Inspectors' badges (console_badges.c): /badges, POST /badges/issue,
 * POST /badges/ID/revoke, GET /badges/ID/card.pdf. */
void route_badges(struct console_ctx *c, const creq *r, creply *rep,
                  const char *rest);
/* The kiosk fleet (console_fleet.c): GET /kiosks, POST /kiosks/enroll,
 * POST /kiosks/KEY_ID/retire; rest is the path after "/kiosks". */
void route_kiosks(struct console_ctx *c, const creq *r, creply *rep,
                  const char *rest);
/* A table of the rows of sql (one text parameter ?1 = arg, or none),
 * headed by the words cols (console_producer.c). */
void sql_table(sqlite3 *db, html *h, const char *sql, const char *arg,
               const int *cols, int n);
/* Tables of the queue and the printed ranges (console_queue.c), created
 * by console_schema. */
extern const char console_work_tables[];
/* A reply that is a file download: body bytes of type, named name. */
void reply_download(creply *rep, const char *type, const char *name,
                    const void *data, size_t len);
/* GET /console/ (console_dashboard.c) and POST /console/publish. */
void route_dashboard(struct console_ctx *c, const creq *r, creply *rep);
void route_publish(struct console_ctx *c, const creq *r, creply *rep);

/* A guard for a change r's user makes from version (-1: none), naming
 * who (console_who, whosz >= 96) in the audit. */
void console_guard(const creq *r, struct reg_guard *g, char *who, size_t whosz,
                   long long version);
/* The reply to a registry change's outcome rc (REG_CHANGE_*): 303 to
 * path when done, else 404, 403, invalid_status (400 or 409), 409 (a
 * conflict whose page the caller did not make) or 500 with err. */
void reply_change(creply *rep, const creq *r, int rc, const char *err,
                  unsigned invalid_status, const char *path);
/* Who the audit names for a console request: "console:NAME". */
void console_who(const creq *r, char *out, size_t outsz);
/* 303 to path (a console path starting with "/console/"). */
void reply_redirect(creply *rep, const char *path);

extern const char console_css[];

/* ---- Reports off the lock (console_reports.c) ------------------------ */

/* Reports running at once; one more is told 503 with Retry-After. The
 * machine's cores, not the daemon's threads, bound what helps. */
#define CONSOLE_REPORT_JOBS 2
typedef struct report_job report_job;
typedef struct report_pool {
    pthread_mutex_t lock;
    pthread_cond_t idle;
    unsigned running;
    atomic_int stopping; /* a running report gives up */
} report_pool;
void report_pool_init(report_pool *p);
/* Tell running reports to stop and wait until each has resumed its
 * connection (libmicrohttpd must not stop with one suspended). */
void report_pool_drain(report_pool *p);
void report_pool_destroy(report_pool *p);
/* GET /reports[/KIND[.csv|.xlsx]]: the index, or a refusal, in rep; or
 * rep->job, the report to run. */
void route_reports(struct console_ctx *c, const creq *r, creply *rep,
                   const char *rest);
/* A job for a page of kind's tables under the word title, with options
 * o fixed by the page (no filters, no downloads); NULL when out of
 * memory. */
report_job *report_job_page(const creq *r, const console_config *cfg,
                            const char *kind, int title, const report_opts *o);
/* Suspend conn and run j on a thread of its own, which resumes conn when
 * j is done. 0, or -1 (j untouched, conn not suspended) when
 * CONSOLE_REPORT_JOBS are running or no thread can start. */
int report_job_start(report_pool *p, report_job *j, void *conn);
int report_job_done(const report_job *j);
/* Move the finished answer into rep. */
void report_job_take(report_job *j, creply *rep);
void report_job_free(report_job *j);
/* Report tables as HTML tables (the reports and re-inspection pages). */
void console_report_tables(html *h, const report_set *s);

#endif

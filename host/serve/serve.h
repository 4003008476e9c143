/* serve.h -- the authority's HTTP server (libmicrohttpd): a small routing
 * table of handlers over one listening socket. The collector (POST
 * /v1/scans), the feed directory (GET /feed/...) and the phone
 * verification page (GET /V/...) are routes. */
#ifndef OCOP_HOST_SERVE_H
#define OCOP_HOST_SERVE_H

#include <labels.h>
#include <stddef.h>
#include <stdint.h>

typedef struct collector collector;
typedef struct phone phone;
struct MHD_Connection;

/* Where the server's operator lines go (one line, no newline): a refused
 * batch, a mirror that could not be reopened. The module never prints. */
typedef void (*serve_log_fn)(void *ctx, const char *line);

typedef struct serve_config {
    const char *listen;       /* "127.0.0.1:8080"; port 0 picks a free one */
    collector *collector;     /* NULL: no upload route */
    const char *feed_dir;     /* NULL: no feed route */
    phone *phone;             /* NULL: no phone page route */
    size_t max_body;          /* bytes; 0: 1 MiB */
    unsigned body_timeout_s;  /* whole body within this; 0: 30 */
    unsigned idle_timeout_s;  /* silent connection closed; 0: 15 */
    unsigned threads;         /* 0: 16 */
    unsigned max_connections; /* 0: 1000 */
    unsigned max_per_ip;      /* connections from one address; 0: 64 */
    serve_log_fn log;         /* NULL: no operator lines */
    void *log_ctx;
} serve_config;

/* What a handler answers: status, a body it owns or a static one, and an
 * optional Retry-After. */
typedef struct serve_reply {
    unsigned status;
    const char *content_type;
    char text[256]; /* a one-line text body, used when fd < 0 && !body */
    char *body;     /* a malloc'd body (freed by the server), or NULL */
    size_t body_len;
    const char *const *headers; /* NULL, or static name, value, ..., NULL */
    int fd; /* a file to send (closed by the server), or -1 */
    uint64_t fd_size;
    unsigned retry_after; /* seconds; 0: none */
    char etag[48];        /* "" or a quoted validator */
    char last_modified[40];
} serve_reply;

typedef struct serve serve;

/* Whether spec is a listen address serve_start() accepts. */
int serve_listen_ok(const char *spec);

/* Start listening and serving on background threads. 0, or -1 with a
 * message. *port gets the bound port. */
int serve_start(const serve_config *cfg, serve **out, unsigned *port, char *err,
                size_t errsz);
void serve_stop(serve *s);

/* The feed-directory handler (serve_feed.c): path is the part of the URL
 * after "/feed/". if_none_match and if_modified_since are the request's
 * headers (or NULL): a file whose validator equals either is 304, so a
 * kiosk polling the feed re-downloads only what changed. */
void serve_feed_file(const char *feed_dir, const char *path,
                     const char *if_none_match, const char *if_modified_since,
                     serve_reply *r);

/* The phone verification page (serve_phone.c): answers GET /V/<payload>
 * from a mirror file, reopened when it is replaced. today_iso NULL: the
 * clock's date at each request. 0, or -1 with a message. */
int phone_open(const char *mirror_path, const char *today_iso, phone **out,
               char *err, size_t errsz);
/* Operator lines of the phone route (NULL: none). */
void phone_set_log(phone *p, serve_log_fn log, void *ctx);
void phone_close(phone *p);
/* payload: the URL path after "/V/" (any bytes); lang: the ?lang= value
 * or NULL. */
void serve_phone_page(phone *p, const char *payload, const char *lang,
                      struct MHD_Connection *conn, serve_reply *r);
/* The verdict for payload from the current mirror (phone_report.c judges
 * a report's label again with it). 0, or -1 when the mirror or the date
 * cannot be read. */
int phone_facts(phone *p, const char *payload, labels_facts *facts,
                char published[32]);
/* The headers of every phone page answer. */
extern const char *const phone_page_headers[];

/* ---- Reports from the phone page (phone_report.c) ----------------------
 * docs/phone-page.md "Reports": the form on every verdict page, its POST
 * (POST /V/<payload>), and the lookups recorded for the clone rules. */
typedef struct phone_reports phone_reports;
/* Token buckets per client address, per server instance (in memory). */
typedef struct phone_report_limits {
    double reports_per_hour, reports_burst;
    double lookups_per_minute, lookups_burst; /* recorded, not answered */
} phone_report_limits;
#define PHONE_REPORT_LIMITS_DEFAULT                                            \
    {                                                                          \
        6, 3, 30, 30                                                           \
    }
/* Store reports and lookups in the collector's SQLite file (its own
 * connection). lim NULL: the defaults. 0, or -1 with a message. */
int phone_reports_open(const char *collector_path,
                       const phone_report_limits *lim, phone_reports **out,
                       char *err, size_t errsz);
void phone_reports_set_log(phone_reports *pr, serve_log_fn log, void *ctx);
void phone_reports_close(phone_reports *pr);
/* Turn the form and the recording on for p's pages (pr may be NULL). */
void phone_set_reports(phone *p, phone_reports *pr);
phone_reports *phone_get_reports(phone *p);
/* After a verdict page is rendered into r: record the lookup (within the
 * client's budget) and put the form before the page's footer. */
void phone_reports_on_page(phone_reports *pr, const labels_facts *facts,
                           labels_lang lang, struct MHD_Connection *conn,
                           serve_reply *r);
/* POST /V/<payload>: one shopper's report (multipart or urlencoded body
 * of len bytes). */
void serve_phone_report(phone *p, struct MHD_Connection *conn,
                        const char *payload, const char *lang, const char *body,
                        size_t len, serve_reply *r);
/* GET / (docs/phone-page.md): without code, the home page in lang (what
 * the check is, a box to type a label's code); with code (the ?code=
 * value: a label's text typed by hand), its verdict page, judged as a
 * kiosk judges the same text. */
void serve_phone_home(phone *p, const char *code, const char *lang,
                      serve_reply *r);

/* ---- Phone page -------------------------------------------------------- */
/* the phone verification page (GET /V/<payload>) as
 * HTML: one self-contained page per verdict, inline CSS, no script. */

/* The page for facts (a verdict from labels_check) in lang. published is
 * the mirror's publish time ("" if unknown). facts NULL renders the
 * "cannot check right now" page. Returns a malloc'd NUL-terminated body
 * (*len its length), or NULL when out of memory. */
char *phone_page_render(const labels_facts *facts, labels_lang lang,
                        const char *published, size_t *len);

/* The home page in lang: what the check is and a GET form to type a
 * label's code (every word from labels_home_text). Returns a malloc'd
 * body (*len its length), or NULL when out of memory. */
char *phone_home_render(labels_lang lang, size_t *len);

/* The marker word a page carries in <meta name="ocop-verdict">: the
 * verdict word, or "unavailable" for the facts == NULL page. */
const char *phone_page_marker(const labels_facts *facts);

#endif

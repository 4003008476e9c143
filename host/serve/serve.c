/* serve.c -- the HTTP front of ocop-host serve: libmicrohttpd with a pool
 * of epoll threads, so a slow client holds one connection slot and never
 * a thread; bodies capped before they are read; a routing table. */
#include "serve/serve.h"

#include "collector/collector.h"
#include "httpd/httpd.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct serve {
    serve_config cfg;
    struct MHD_Daemon *mhd;
};

typedef struct request request;
/* A handler: req is NULL for routes without a body; conn gives access to
 * request headers. */
typedef void (*route_fn)(serve *s, struct MHD_Connection *conn, const char *url,
                         const request *req, serve_reply *r);

struct route {
    const char *method;
    const char *path;
    int prefix;   /* path is a prefix ("/feed/") rather than exact */
    int has_body; /* the handler reads a request body */
    route_fn fn;
};

struct request {
    const struct route *route;
    char *body;
    size_t len, cap;
    double start;
    char peer[64]; /* client address, for the refusal log */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void reply_text(serve_reply *r, unsigned status, const char *text)
{
    r->status = status;
    r->content_type = "text/plain; charset=utf-8";
    snprintf(r->text, sizeof r->text, "%s", text);
}

/* ---- Routes ------------------------------------------------------------ */

static void route_scans(serve *s, struct MHD_Connection *conn, const char *url,
                        const request *req, serve_reply *r)
{
    (void)conn;
    (void)url;
    static const unsigned http[] = {
        [COLLECTOR_STORED] = MHD_HTTP_OK,
        [COLLECTOR_DUPLICATE] = MHD_HTTP_OK,
        [COLLECTOR_MALFORMED] = MHD_HTTP_BAD_REQUEST,
        [COLLECTOR_BAD_SIGNATURE] = MHD_HTTP_UNAUTHORIZED,
        [COLLECTOR_UNKNOWN_KIOSK] = MHD_HTTP_FORBIDDEN,
        [COLLECTOR_CONFLICT] = MHD_HTTP_CONFLICT,
        [COLLECTOR_RATE_LIMITED] = MHD_HTTP_TOO_MANY_REQUESTS,
        [COLLECTOR_FAILED] = MHD_HTTP_INTERNAL_SERVER_ERROR,
    };
    collector_outcome o;
    collector_submit(s->cfg.collector, req->body ? req->body : "", req->len,
                     &o);
    reply_text(r, http[o.status], o.message);
    /* One line per refused batch, so an operator sees a kiosk that is
     * not enrolled or a client sending garbage. */
    if (http[o.status] != MHD_HTTP_OK && s->cfg.log) {
        char line[512];
        snprintf(line, sizeof line, "%u %s (from %s)", http[o.status],
                 o.message, req->peer);
        s->cfg.log(s->cfg.log_ctx, line);
    }
    if (o.status == COLLECTOR_RATE_LIMITED)
        r->retry_after = (unsigned)o.retry_after + 1;
    else if (o.status == COLLECTOR_FAILED)
        r->retry_after = 30;
}

static void route_feed(serve *s, struct MHD_Connection *conn, const char *url,
                       const request *req, serve_reply *r)
{
    (void)req;
    serve_feed_file(
        s->cfg.feed_dir, url + strlen("/feed/"),
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_IF_NONE_MATCH),
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_IF_MODIFIED_SINCE),
        r);
}

static void route_health(serve *s, struct MHD_Connection *conn, const char *url,
                         const request *req, serve_reply *r)
{
    (void)s;
    (void)conn;
    (void)url;
    (void)req;
    reply_text(r, MHD_HTTP_OK, "ok");
}

static void route_phone(serve *s, struct MHD_Connection *conn, const char *url,
                        const request *req, serve_reply *r)
{
    (void)req;
    serve_phone_page(
        s->cfg.phone, url + strlen("/V/"),
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang"), conn,
        r);
}

static void route_phone_report(serve *s, struct MHD_Connection *conn,
                               const char *url, const request *req,
                               serve_reply *r)
{
    serve_phone_report(
        s->cfg.phone, conn, url + strlen("/V/"),
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang"),
        req->body ? req->body : "", req->len, r);
}

static void route_home(serve *s, struct MHD_Connection *conn, const char *url,
                       const request *req, serve_reply *r)
{
    (void)url;
    (void)req;
    serve_phone_home(
        s->cfg.phone,
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "code"),
        MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang"), r);
}

static const struct route routes[] = {
    {"POST", "/v1/scans", 0, 1, route_scans},
    {"GET", "/feed/", 1, 0, route_feed},
    {"HEAD", "/feed/", 1, 0, route_feed},
    {"GET", "/healthz", 0, 0, route_health},
    {"GET", "/V/", 1, 0, route_phone},
    {"HEAD", "/V/", 1, 0, route_phone},
    {"POST", "/V/", 1, 1, route_phone_report},
    /* A URL's path is case-sensitive, but a phone or a person may lower
     * a label's whole text: /v/ is the same page (docs/label-format.md). */
    {"GET", "/v/", 1, 0, route_phone},
    {"HEAD", "/v/", 1, 0, route_phone},
    {"GET", "/", 0, 0, route_home},
    {"HEAD", "/", 0, 0, route_home},
};

static int route_enabled(const serve *s, const struct route *rt)
{
    if (rt->fn == route_scans)
        return s->cfg.collector != NULL;
    if (rt->fn == route_feed)
        return s->cfg.feed_dir != NULL;
    if (rt->fn == route_phone || rt->fn == route_home)
        return s->cfg.phone != NULL;
    if (rt->fn == route_phone_report)
        return phone_get_reports(s->cfg.phone) != NULL;
    return 1;
}

/* The route for url and method. *path_known is set when some route has
 * this path (so a wrong method is 405, not 404). */
static const struct route *find_route(const serve *s, const char *url,
                                      const char *method, int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *rt = &routes[i];
        size_t pl = strlen(rt->path);
        int match =
            rt->prefix ? !strncmp(url, rt->path, pl) : !strcmp(url, rt->path);
        if (!match || !route_enabled(s, rt))
            continue;
        *path_known = 1;
        if (!strcmp(method, rt->method))
            return rt;
    }
    return NULL;
}

/* ---- libmicrohttpd glue ------------------------------------------------ */

static enum MHD_Result send_reply(struct MHD_Connection *conn, serve_reply *r)
{
    struct MHD_Response *resp;
    if (r->fd >= 0) {
        resp = MHD_create_response_from_fd64(r->fd_size, r->fd);
        if (!resp)
            close(r->fd);
    } else if (r->body) {
        resp = MHD_create_response_from_buffer(r->body_len, r->body,
                                               MHD_RESPMEM_MUST_FREE);
        if (!resp)
            free(r->body);
    } else {
        size_t n = strlen(r->text);
        if (n && n + 1 < sizeof r->text) {
            r->text[n++] = '\n';
            r->text[n] = '\0';
        }
        resp =
            MHD_create_response_from_buffer(n, r->text, MHD_RESPMEM_MUST_COPY);
    }
    if (!resp)
        return MHD_NO;
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                r->content_type);
    if (r->etag[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
    if (r->last_modified[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED,
                                r->last_modified);
    for (const char *const *h = r->headers; h && h[0] && h[1]; h += 2)
        MHD_add_response_header(resp, h[0], h[1]);
    if (r->retry_after) {
        char v[16];
        snprintf(v, sizeof v, "%u", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    httpd_common_headers(resp);
    enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status,
                                 const char *text)
{
    serve_reply r = {.fd = -1};
    reply_text(&r, status, text);
    return send_reply(conn, &r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    (void)version;
    serve *s = cls;
    request *req = *con_cls;
    if (!req) {
        enum MHD_Result refused;
        if (httpd_screen(conn, &refused))
            return refused;
        int known;
        const struct route *rt = find_route(s, url, method, &known);
        if (!rt)
            return known ? send_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                     "method not allowed")
                         : send_text(conn, MHD_HTTP_NOT_FOUND, "not found");
        if (!rt->has_body) {
            serve_reply r = {.fd = -1};
            rt->fn(s, conn, url, NULL, &r);
            return send_reply(conn, &r);
        }
        /* Refuse an announced oversize body before reading a byte of it. */
        if (httpd_too_large(conn, s->cfg.max_body))
            return send_text(conn, MHD_HTTP_CONTENT_TOO_LARGE,
                             "batch too large");
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        req->route = rt;
        req->start = now_s();
        httpd_peer_name(conn, req->peer, sizeof req->peer);
        *con_cls = req;
        return MHD_YES;
    }
    if (*data_size) {
        /* A response cannot be queued in the middle of a body, so a body
         * that breaks a limit (a chunked one without Content-Length, or a
         * trickle) gets its connection closed. */
        if (now_s() - req->start > s->cfg.body_timeout_s)
            return MHD_NO;
        if (*data_size > s->cfg.max_body - req->len)
            return MHD_NO;
        if (req->len + *data_size > req->cap) {
            size_t cap = req->cap ? req->cap : 16384;
            while (cap < req->len + *data_size)
                cap *= 2;
            if (cap > s->cfg.max_body)
                cap = s->cfg.max_body;
            char *p = realloc(req->body, cap);
            if (!p)
                return MHD_NO;
            req->body = p;
            req->cap = cap;
        }
        memcpy(req->body + req->len, data, *data_size);
        req->len += *data_size;
        *data_size = 0;
        return MHD_YES;
    }
    serve_reply r = {.fd = -1};
    req->route->fn(s, conn, url, req, &r);
    return send_reply(conn, &r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    request *req = *con_cls;
    if (req) {
        free(req->body);
        free(req);
        *con_cls = NULL;
    }
}

int serve_listen_ok(const char *spec)
{
    struct sockaddr_storage ss;
    int v6;
    return spec && httpd_parse_listen(spec, &ss, &v6, NULL) == 0;
}

int serve_start(const serve_config *cfg, serve **out, unsigned *port, char *err,
                size_t errsz)
{
    *out = NULL;
    struct sockaddr_storage ss;
    int v6;
    if (!cfg->listen || httpd_parse_listen(cfg->listen, &ss, &v6, NULL) != 0) {
        snprintf(err, errsz, "bad listen address '%s' (want IP:PORT)",
                 cfg->listen ? cfg->listen : "");
        return -1;
    }
    serve *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    s->cfg = *cfg;
    if (!s->cfg.max_body)
        s->cfg.max_body = 1024 * 1024;
    if (!s->cfg.body_timeout_s)
        s->cfg.body_timeout_s = 30;
    /* Phones and kiosks: more threads than the front's default; the
     * other limits are the front's (httpd.h). */
    if (!s->cfg.threads)
        s->cfg.threads = 16;
    httpd_config hc = {.addr = &ss,
                       .v6 = v6,
                       .threads = s->cfg.threads,
                       .idle_timeout_s = s->cfg.idle_timeout_s,
                       .max_connections = s->cfg.max_connections,
                       .max_per_ip = s->cfg.max_per_ip,
                       .handler = on_request,
                       .handler_cls = s,
                       .completed = on_completed,
                       .completed_cls = s};
    s->mhd = httpd_start(&hc, port);
    if (!s->mhd) {
        snprintf(err, errsz,
                 "cannot listen on %s (in use, or not a local "
                 "address?)",
                 cfg->listen);
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void serve_stop(serve *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->mhd);
    free(s);
}

/* serve.c -- the HTTP front of ocop-host serve: libmicrohttpd with a pool
 * of epoll threads, so a slow client holds one connection slot and never
 * a thread; bodies capped before they are read; a routing table. */
#include "serve/serve.h"

#include "collector/collector.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* libmicrohttpd's unescape callback: decodes %XX in the path (and in
 * query values) in place, except %00. The handlers get the path as a C
 * string, so a decoded NUL would cut it short (/V/<payload>%00 would be
 * judged as /V/<payload>); left as the three characters "%00" it is a
 * byte no route accepts, so every route answers 404 (docs/phone-page.md). */
static int hexdig(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t unescape_no_nul(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r;) {
        int hi = r[0] == '%' ? hexdig(r[1]) : -1;
        int lo = hi >= 0 ? hexdig(r[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi << 4 | lo);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* Header iterator: counts Content-Length headers. */
static enum MHD_Result count_content_length(void *cls, enum MHD_ValueKind kind,
                                            const char *key, const char *value)
{
    (void)kind;
    (void)value;
    if (key && !strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH))
        (*(unsigned *)cls)++;
    return MHD_YES;
}

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

static void peer_name(struct MHD_Connection *conn, char *out, size_t outsz)
{
    snprintf(out, outsz, "?");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET,
                  &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  out, (socklen_t)outsz);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6,
                  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  out, (socklen_t)outsz);
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
        /* libmicrohttpd reads the body by the first Content-Length; a
         * proxy in front may have used another one (request smuggling), so
         * a request with two is refused and its connection closed. */
        unsigned ncl = 0;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, count_content_length,
                                  &ncl);
        if (ncl > 1) {
            static const char *const close_hdr[] = {MHD_HTTP_HEADER_CONNECTION,
                                                    "close", NULL, NULL};
            serve_reply r = {.fd = -1, .headers = close_hdr};
            reply_text(&r, MHD_HTTP_BAD_REQUEST,
                       "more than one Content-Length header");
            return send_reply(conn, &r);
        }
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
        const char *cl = MHD_lookup_connection_value(
            conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (*end || n > s->cfg.max_body)
                return send_text(conn, MHD_HTTP_CONTENT_TOO_LARGE,
                                 "batch too large");
        }
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        req->route = rt;
        req->start = now_s();
        peer_name(conn, req->peer, sizeof req->peer);
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

/* "A.B.C.D:PORT" or "[V6]:PORT". */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, int *v6)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof host)
        return -1;
    size_t hl = (size_t)(colon - spec);
    memcpy(host, spec, hl);
    host[hl] = '\0';
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || port > 65535)
        return -1;
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        host[hl - 1] = '\0';
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        *v6 = 1;
        return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    *v6 = 0;
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

int serve_listen_ok(const char *spec)
{
    struct sockaddr_storage ss;
    int v6;
    return spec && parse_listen(spec, &ss, &v6) == 0;
}

int serve_start(const serve_config *cfg, serve **out, unsigned *port, char *err,
                size_t errsz)
{
    *out = NULL;
    struct sockaddr_storage ss;
    int v6;
    if (!cfg->listen || parse_listen(cfg->listen, &ss, &v6) != 0) {
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
    if (!s->cfg.idle_timeout_s)
        s->cfg.idle_timeout_s = 15;
    if (!s->cfg.threads)
        s->cfg.threads = 16;
    if (!s->cfg.max_connections)
        s->cfg.max_connections = 1000;
    /* One client trickling many connections (slowloris) cannot take all
     * the slots; 64 leaves room for phones behind one carrier NAT. */
    if (!s->cfg.max_per_ip)
        s->cfg.max_per_ip = 64;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     (v6 ? MHD_USE_IPv6 : 0);
    s->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)s->cfg.threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)s->cfg.idle_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)s->cfg.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)s->cfg.max_per_ip, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)32 * 1024, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape_no_nul, NULL, MHD_OPTION_END);
    if (!s->mhd) {
        snprintf(err, errsz,
                 "cannot listen on %s (in use, or not a local "
                 "address?)",
                 cfg->listen);
        free(s);
        return -1;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
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

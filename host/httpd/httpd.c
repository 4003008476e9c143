/* httpd.c -- the hardened libmicrohttpd front shared by ocop-host serve
 * and the console: daemon options, the %00 rule, the request screen,
 * common headers. */
#include "httpd/httpd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int httpd_parse_listen(const char *spec, struct sockaddr_storage *ss, int *v6,
                       int *loopback)
{
    char host[64];
    int lo_dummy;
    if (!loopback)
        loopback = &lo_dummy;
    const char *colon = spec ? strrchr(spec, ':') : NULL;
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
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            return -1;
        *loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
        return 0;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    *v6 = 0;
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return -1;
    *loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    return 0;
}

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

/* libmicrohttpd's unescape callback: decodes %XX in the path and in
 * query names and values in place, except %00, left as the three
 * characters: a byte no route accepts, and one httpd_screen() refuses in
 * a query (docs/phone-page.md). */
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

struct MHD_Daemon *httpd_start(const httpd_config *cfg, unsigned *port)
{
    int tls = cfg->tls_cert_pem && cfg->tls_key_pem;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     (cfg->v6 ? MHD_USE_IPv6 : 0) | (tls ? MHD_USE_TLS : 0) |
                     (cfg->suspend ? MHD_ALLOW_SUSPEND_RESUME : 0);
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, (void *)cfg->addr},
        {MHD_OPTION_THREAD_POOL_SIZE, cfg->threads ? cfg->threads : 4, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT,
         cfg->idle_timeout_s ? cfg->idle_timeout_s : 15, NULL},
        {MHD_OPTION_CONNECTION_LIMIT,
         cfg->max_connections ? cfg->max_connections : 1000, NULL},
        /* One client trickling many connections (slowloris) cannot take
         * all the slots; 64 leaves room for phones behind a carrier NAT. */
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT,
         cfg->max_per_ip ? cfg->max_per_ip : 64, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT,
         (intptr_t)(cfg->conn_memory ? cfg->conn_memory : 32 * 1024), NULL},
        {MHD_OPTION_LISTEN_BACKLOG_SIZE, 512, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)cfg->completed,
         cfg->completed_cls},
        {MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape_no_nul, NULL},
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0,
         (void *)cfg->tls_cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d =
        MHD_start_daemon(flags, 0, NULL, NULL, cfg->handler, cfg->handler_cls,
                         MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (d && port) {
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        *port = info ? info->port : 0;
    }
    return d;
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

/* Argument iterator: a name or value still holding "%00". */
static enum MHD_Result find_nul_arg(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value)
{
    (void)kind;
    if ((key && strstr(key, "%00")) || (value && strstr(value, "%00"))) {
        *(int *)cls = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

int httpd_screen(struct MHD_Connection *conn, enum MHD_Result *ret)
{
    unsigned ncl = 0;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_content_length,
                              &ncl);
    if (ncl > 1) {
        *ret = httpd_send_text(conn, MHD_HTTP_BAD_REQUEST,
                               "more than one Content-Length header", 1);
        return 1;
    }
    int nul = 0;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, find_nul_arg, &nul);
    if (nul) {
        *ret = httpd_send_text(conn, MHD_HTTP_BAD_REQUEST, "%00 in a query", 1);
        return 1;
    }
    return 0;
}

int httpd_too_large(struct MHD_Connection *conn, unsigned long long max)
{
    const char *cl = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return 0;
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    return end == cl || *end || n > max;
}

int httpd_form_nul(unsigned *state, const char *data, size_t n)
{
    /* *state: how many characters of "%00" the last piece ended with
     * (3: seen). */
    unsigned s = *state;
    for (size_t i = 0; i < n && s < 3; i++) {
        char c = data[i];
        if (c == '%')
            s = 1;
        else if (c == '0' && s >= 1)
            s++;
        else
            s = 0;
    }
    *state = s;
    return s >= 3;
}

void httpd_common_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

void httpd_peer_name(struct MHD_Connection *conn, char *out, size_t outsz)
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

enum MHD_Result httpd_send_text(struct MHD_Connection *conn, unsigned status,
                                const char *text, int close_conn)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "%s\n", text);
    if (n < 0 || (size_t)n >= sizeof buf)
        n = (int)sizeof buf - 1;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer((size_t)n, buf, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/plain; charset=utf-8");
    httpd_common_headers(resp);
    if (close_conn)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

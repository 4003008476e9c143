/* httpd.h -- the one hardened libmicrohttpd front that ocop-host serve's
 * public listener (serve/) and the authority console (console/) both
 * stand on: the daemon's options and limits, the unescape callback that
 * never decodes %00, the checks every request passes before a handler
 * sees it, and the headers every answer carries. A daemon of its own per
 * listener; the module never prints and never exits. */
#ifndef OCOP_HOST_HTTPD_H
#define OCOP_HOST_HTTPD_H

#include <microhttpd.h>
#include <stddef.h>
#include <sys/socket.h>

/* "A.B.C.D:PORT" or "[V6]:PORT" into *ss. *v6 says which; *loopback
 * (may be NULL) whether it is 127/8 or ::1. 0, or -1 when malformed. */
int httpd_parse_listen(const char *spec, struct sockaddr_storage *ss, int *v6,
                       int *loopback);

/* A daemon's shape; zero fields take the defaults in brackets. */
typedef struct httpd_config {
    const struct sockaddr_storage *addr; /* from httpd_parse_listen() */
    int v6;
    unsigned threads;         /* epoll threads [4] */
    unsigned idle_timeout_s;  /* a silent connection is closed [15] */
    unsigned max_connections; /* [1000] */
    unsigned max_per_ip;      /* connections from one address [64] */
    size_t conn_memory;       /* per connection: headers, buffers [32 KiB] */
    const char *tls_cert_pem; /* both or neither: TLS (GnuTLS) */
    const char *tls_key_pem;
    MHD_AccessHandlerCallback handler;
    void *handler_cls;
    MHD_RequestCompletedCallback completed;
    void *completed_cls;
    int suspend; /* handlers may suspend a connection (MHD_ALLOW_SUSPEND_RESUME)
                  */
} httpd_config;

/* Start the daemon on background threads with the options above and the
 * unescape callback that leaves %00 as its three characters (a decoded
 * NUL would cut a C-string path or value short: /V/<payload>%00 judged
 * as /V/<payload>). NULL when it cannot listen. *port gets the bound
 * port. */
struct MHD_Daemon *httpd_start(const httpd_config *cfg, unsigned *port);

/* The first look at a request, before any routing: a request carrying
 * two Content-Length headers (the smuggling a proxy in front could be
 * fooled by: libmicrohttpd reads the body by the first), or a %00 in a
 * query name or value, is refused with 400 and its connection closed.
 * Returns 0 when the request may go on; otherwise the refusal is queued
 * and *ret is what the access handler must return. */
int httpd_screen(struct MHD_Connection *conn, enum MHD_Result *ret);

/* 1 when the request announces a Content-Length over max (or one that is
 * not a number), so it can be refused with 413 before a byte is read. */
int httpd_too_large(struct MHD_Connection *conn, unsigned long long max);

/* A form body (application/x-www-form-urlencoded) read in pieces: feed
 * each piece to see whether "%00" occurs anywhere in it, piece borders
 * included (libmicrohttpd's form parser decodes %00 into a NUL that
 * would cut a field's name short). *state starts at 0. 1 once seen. */
int httpd_form_nul(unsigned *state, const char *data, size_t n);

/* The headers every answer of both daemons carries (no sniffing, no
 * framing); each daemon adds its own Content-Security-Policy. */
void httpd_common_headers(struct MHD_Response *resp);

/* The client's address as text ("?" when unknown). */
void httpd_peer_name(struct MHD_Connection *conn, char *out, size_t outsz);

/* Queue a one-line text/plain answer; closes the connection when
 * close_conn (a request whose body was not read). */
enum MHD_Result httpd_send_text(struct MHD_Connection *conn, unsigned status,
                                const char *text, int close_conn);

#endif

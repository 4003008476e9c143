/* http.h -- the kiosk's HTTP client for the feed: timeouts, a low-speed
 * limit, size caps, retries with backoff and jitter, Retry-After, no
 * redirects to another host, optional public-key pinning. */
#ifndef OCOP_KIOSK_HTTP_H
#define OCOP_KIOSK_HTTP_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

enum http_status {
    HTTP_OK = 0,
    HTTP_NOT_MODIFIED, /* 304: the ETag still matches */
    HTTP_FAILED,       /* err says why; retries were spent */
    HTTP_TOO_BIG,      /* the body was longer than allowed: refused */
    HTTP_GONE,         /* 404 or 410 (a file:// feed: no such file) */
};

struct http_buf {
    char *data;
    size_t len;
};

/* GET url into memory, refusing more than max bytes. etag_in (may be
 * NULL or "") makes the request conditional; etag_out (256 bytes) gets
 * the response's ETag. */
int http_get(const struct kiosk_config *cfg, const char *url,
             const char *etag_in, size_t max, struct http_buf *out,
             char etag_out[256], char *err, size_t errsz);

/* Download url into part_path, exactly size bytes: resumes a partial
 * file with a Range request, refuses a longer body. */
int http_download(const struct kiosk_config *cfg, const char *url,
                  const char *part_path, uint64_t size, char *err,
                  size_t errsz);

/* Bytes sent and received on the wire (headers included) so far. */
uint64_t http_wire_bytes(void);

#endif

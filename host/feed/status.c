/* status.c -- the record every publish leaves (publish-status) and the
 * feed's state as the dashboard and the server's log show it: version,
 * when published, when it expires, when the next publish is due, and
 * the alarms (expiring within 48 hours, a failed scheduled publish). */
#include "feed/feed.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_MAGIC "ocop-publish-status 1"

/* One "key=value" line's value copied into out (NUL-free, bounded). */
static void take(const char *v, char *out, size_t outsz)
{
    size_t n = strcspn(v, "\n");
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static int read_small(const char *path, char *buf, size_t bufsz, char *err,
                      size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = fread(buf, 1, bufsz - 1, f);
    int bad = ferror(f) || !feof(f);
    fclose(f);
    if (bad) {
        snprintf(err, errsz, "cannot read %s (over %zu bytes?)", path,
                 bufsz - 1);
        return -1;
    }
    buf[n] = '\0';
    return 1;
}

int feed_status_read(const char *path, struct feed_status *st, char *err,
                     size_t errsz)
{
    char buf[2048];
    memset(st, 0, sizeof *st);
    int rc = read_small(path, buf, sizeof buf, err, errsz);
    if (rc <= 0)
        return rc;
    if (strncmp(buf, STATUS_MAGIC "\n", sizeof STATUS_MAGIC)) {
        snprintf(err, errsz, "%s is not a publish status file", path);
        return -1;
    }
    for (char *l = buf; l && *l;
         l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!strncmp(l, "attempt=", 8))
            take(l + 8, st->attempt, sizeof st->attempt);
        else if (!strncmp(l, "ok=", 3))
            st->ok = l[3] == '1';
        else if (!strncmp(l, "scheduled=", 10))
            st->scheduled = l[10] == '1';
        else if (!strncmp(l, "error=", 6))
            take(l + 6, st->error, sizeof st->error);
        else if (!strncmp(l, "version=", 8))
            st->version = strtoll(l + 8, NULL, 10);
        else if (!strncmp(l, "published=", 10))
            take(l + 10, st->published, sizeof st->published);
        else if (!strncmp(l, "mark=", 5))
            st->mark = strtoll(l + 5, NULL, 10);
    }
    return 1;
}

int feed_status_write(const char *path, const struct feed_status *st, char *err,
                      size_t errsz)
{
    char buf[1024];
    /* The error is one line: newlines in it would start new keys. */
    char e[sizeof st->error];
    take(st->error, e, sizeof e);
    int n = snprintf(buf, sizeof buf,
                     STATUS_MAGIC "\nattempt=%s\nok=%d\nscheduled=%d\n"
                                  "error=%s\nversion=%" PRId64
                                  "\npublished=%s\nmark=%lld\n",
                     st->attempt, st->ok ? 1 : 0, st->scheduled ? 1 : 0, e,
                     st->version, st->published, st->mark);
    if (n < 0 || (size_t)n >= sizeof buf) {
        snprintf(err, errsz, "publish status too long");
        return -1;
    }
    int rc = labels_file_write_atomic(path, buf, (size_t)n, 0644, 0);
    if (rc != LABELS_OK) {
        snprintf(err, errsz, "cannot write %s: %s", path, labels_strerror(rc));
        return -1;
    }
    return 0;
}

int feed_status_record(const char *path, int ok, int scheduled, int64_t version,
                       long long mark, const char *error, int64_t now,
                       char *err, size_t errsz)
{
    struct feed_status st;
    char rerr[256];
    /* A damaged record is replaced rather than blocking every publish. */
    if (feed_status_read(path, &st, rerr, sizeof rerr) < 0)
        memset(&st, 0, sizeof st);
    labels_time_iso(now, st.attempt);
    st.ok = ok;
    st.scheduled = scheduled;
    snprintf(st.error, sizeof st.error, "%s", ok ? "" : error ? error : "");
    if (ok) {
        st.version = version;
        snprintf(st.published, sizeof st.published, "%s", st.attempt);
        st.mark = mark;
    }
    return feed_status_write(path, &st, err, errsz);
}

/* version, published and expires of the served manifest: 1, 0 when there
 * is none, -1 unreadable. */
static int read_manifest(const char *feed_dir, struct feed_state *st, char *err,
                         size_t errsz)
{
    char path[4096], buf[16384];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", feed_dir,
                         FEED_MANIFEST_NAME) >= sizeof path) {
        snprintf(err, errsz, "feed folder path too long");
        return -1;
    }
    int rc = read_small(path, buf, sizeof buf, err, errsz);
    if (rc <= 0)
        return rc;
    for (char *l = buf; l && *l;
         l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!strncmp(l, "version=", 8))
            st->version = strtoll(l + 8, NULL, 10);
        else if (!strncmp(l, "published=", 10))
            take(l + 10, st->published, sizeof st->published);
        else if (!strncmp(l, "expires=", 8))
            take(l + 8, st->expires, sizeof st->expires);
    }
    return 1;
}

int feed_state_read(const char *feed_dir, const char *status_path, int64_t now,
                    struct feed_state *st, char *err, size_t errsz)
{
    memset(st, 0, sizeof *st);
    int rc = feed_dir ? read_manifest(feed_dir, st, err, errsz) : 0;
    if (rc < 0)
        return -1;
    st->have_manifest = rc;
    if (status_path) {
        rc = feed_status_read(status_path, &st->status, err, errsz);
        if (rc < 0)
            return -1;
        st->have_status = rc;
    }
    int64_t pub = 0, exp = 0;
    int have_times = st->have_manifest &&
                     labels_time_iso_parse(st->published, &pub) == 0 &&
                     labels_time_iso_parse(st->expires, &exp) == 0;
    if (have_times)
        labels_time_iso(pub + FEED_REPUBLISH_S, st->next_due);
    st->alarm_expiry = !have_times || exp - now < FEED_ALARM_S;
    st->alarm_failed =
        st->have_status && !st->status.ok && st->status.scheduled;
    return 0;
}

int feed_state_alarm(const struct feed_state *st, char *out, size_t outsz)
{
    out[0] = '\0';
    if (st->alarm_expiry && !st->have_manifest)
        snprintf(out, outsz,
                 "ALARM: no feed has been published: kiosks "
                 "have nothing to follow");
    else if (st->alarm_expiry)
        snprintf(out, outsz,
                 "ALARM: the feed (version %" PRId64 ") expires at %s, "
                 "within 48 hours: publish, or kiosks go stale",
                 st->version, st->expires);
    if (st->alarm_failed) {
        size_t n = strlen(out);
        snprintf(out + n, outsz - n,
                 "%sALARM: the scheduled publish at %s "
                 "failed: %s",
                 n ? "; " : "", st->status.attempt, st->status.error);
    }
    return out[0] != '\0';
}

int feed_publish_due(const char *status_path, const char *feed_dir,
                     long long mark, int64_t now)
{
    struct feed_state fs;
    char err[256];
    int64_t pub;
    if (feed_state_read(feed_dir, status_path, now, &fs, err, sizeof err) ||
        !fs.have_manifest || !fs.have_status || !fs.status.ok ||
        fs.status.mark != mark ||
        labels_time_iso_parse(fs.status.published, &pub) != 0)
        return 1;
    return now - pub >= FEED_REPUBLISH_S;
}

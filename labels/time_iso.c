/* time_iso.c -- Unix times as ISO 8601 UTC text, the one format of every
 * timestamp in logs, feeds, mirrors and registries. Works through
 * labels_civil_from_days, not gmtime, so it needs no time_t range or
 * locale and cannot fail for a time in range. */
#include "labels.h"

/* 9999-12-31T23:59:59Z: the last moment with a four-digit year. */
#define TIME_MAX INT64_C(253402300799)

/* n as exactly w decimal digits (n < 10^w). */
static void digits(char *out, int64_t n, int w)
{
    for (int i = w - 1; i >= 0; i--) {
        out[i] = (char)('0' + n % 10);
        n /= 10;
    }
}

static int split(int64_t t, int *y, int *mo, int *d, int *secs)
{
    if (t < 0 || t > TIME_MAX)
        return LABELS_ERR_ARG;
    labels_civil_from_days(t / 86400, y, mo, d);
    *secs = (int)(t % 86400);
    return LABELS_OK;
}

int labels_time_day(int64_t unix_seconds, char out[LABELS_DATE_SIZE])
{
    int y, mo, d, secs;
    if (!out)
        return LABELS_ERR_ARG;
    out[0] = '\0';
    if (split(unix_seconds, &y, &mo, &d, &secs) != LABELS_OK)
        return LABELS_ERR_ARG;
    digits(out, y, 4);
    out[4] = '-';
    digits(out + 5, mo, 2);
    out[7] = '-';
    digits(out + 8, d, 2);
    out[10] = '\0';
    return LABELS_OK;
}

int labels_time_iso(int64_t unix_seconds, char out[LABELS_TIME_ISO_SIZE])
{
    int y, mo, d, secs;
    if (!out)
        return LABELS_ERR_ARG;
    out[0] = '\0';
    if (split(unix_seconds, &y, &mo, &d, &secs) != LABELS_OK)
        return LABELS_ERR_ARG;
    int rc = labels_time_day(unix_seconds, out);
    if (rc != LABELS_OK)
        return rc;
    out[10] = 'T';
    digits(out + 11, secs / 3600, 2);
    out[13] = ':';
    digits(out + 14, secs / 60 % 60, 2);
    out[16] = ':';
    digits(out + 17, secs % 60, 2);
    out[19] = 'Z';
    out[20] = '\0';
    return LABELS_OK;
}

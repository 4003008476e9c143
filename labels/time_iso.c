/* time_iso.c -- Unix times as ISO 8601 UTC text and back, the one format
 * of every timestamp in logs, feeds, mirrors and registries. Works through
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

/* Exactly n decimal digits at s, or -1. */
static int64_t number(const char *s, int n)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int labels_time_iso_parse(const char *s, int64_t *unix_seconds)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (!s || !unix_seconds)
        return LABELS_ERR_ARG;
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (s[i] == '\0')
            return LABELS_ERR_FIELD;
        if (shape[i] != 'd' && s[i] != shape[i])
            return LABELS_ERR_FIELD;
    }
    if (s[sizeof shape - 1] != '\0')
        return LABELS_ERR_FIELD;
    int64_t y = number(s, 4), mo = number(s + 5, 2), d = number(s + 8, 2);
    int64_t h = number(s + 11, 2), mi = number(s + 14, 2);
    int64_t sec = number(s + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || sec < 0 || sec > 59)
        return LABELS_ERR_FIELD;
    int64_t days = labels_days_from_civil((int)y, (int)mo, (int)d);
    int cy, cm, cd;
    labels_civil_from_days(days, &cy, &cm, &cd);
    if (cy != y || cm != mo || cd != d) /* 31 April, 29 February 2023 */
        return LABELS_ERR_FIELD;
    *unix_seconds = days * 86400 + h * 3600 + mi * 60 + sec;
    return LABELS_OK;
}

/* date.c -- label dates: days since 2020-01-01 in a uint16. */
#include "labels.h"

#include <stdio.h>
#include <time.h>

/* Howard Hinnant's days_from_civil and civil_from_days: exact for every
 * proleptic Gregorian date, no tables, no libm. */
int64_t labels_days_from_civil(int year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void labels_civil_from_days(int64_t z, int *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

#define EPOCH_2020 18262L /* days_from_civil(2020, 1, 1) */

static int days_in_month(int y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return n[m - 1];
}

int labels_date_from_ymd(int year, int month, int day, uint16_t *days)
{
    if (!days)
        return LABELS_ERR_ARG;
    if (year < 2020 || year > 2199 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month))
        return LABELS_ERR_FIELD;
    int64_t n = labels_days_from_civil(year, month, day) - EPOCH_2020;
    if (n < 0 || n > UINT16_MAX)
        return LABELS_ERR_FIELD;
    *days = (uint16_t)n;
    return LABELS_OK;
}

void labels_date_to_ymd(uint16_t days, int *year, int *month, int *day)
{
    labels_civil_from_days(EPOCH_2020 + days, year, month, day);
}

int labels_date_parse(const char *iso, uint16_t *days)
{
    if (!iso || !days)
        return LABELS_ERR_ARG;
    int v[3] = {0, 0, 0};
    static const int width[3] = {4, 2, 2};
    const char *p = iso;
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < width[f]; i++, p++) {
            if (*p < '0' || *p > '9')
                return LABELS_ERR_FIELD;
            v[f] = v[f] * 10 + (*p - '0');
        }
        if (f < 2 && *p++ != '-')
            return LABELS_ERR_FIELD;
    }
    if (*p != '\0')
        return LABELS_ERR_FIELD;
    return labels_date_from_ymd(v[0], v[1], v[2], days);
}

void labels_date_format(uint16_t days, char out[LABELS_DATE_SIZE])
{
    int y, m, d;
    labels_date_to_ymd(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int labels_date_today(uint16_t *days)
{
    if (!days)
        return LABELS_ERR_ARG;
    time_t now = time(NULL);
    if (now == (time_t)-1)
        return LABELS_ERR_FIELD;
    long n = (long)(now / 86400) - EPOCH_2020;
    if (n < 0 || n > UINT16_MAX)
        return LABELS_ERR_FIELD;
    *days = (uint16_t)n;
    return LABELS_OK;
}

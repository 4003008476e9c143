/* options.c -- a report's options as ocop-host report and the console
 * take them: the defaults, the numeric options with their bounds, and
 * which kinds a format can carry. One set of rules for both. */
#include "report/report.h"
#include "registry/registry.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const report_num_opt report_num_opts[] = {
    {"limit", 1, 100000, offsetof(report_opts, limit)},
    {"expiring-days", 0, 36500, offsetof(report_opts, expiring_days)},
    {"clone-scans", 1, 1000000, offsetof(report_opts, clone_scans)},
    {"clone-kiosks", 2, 100000, offsetof(report_opts, clone_kiosks)},
    {"clone-hours", 1, 24 * 366, offsetof(report_opts, clone_window_h)},
    {"reinspect-scans", 1, 1000000, offsetof(report_opts, reinspect_scans)},
    {NULL, 0, 0, 0},
};

void report_opts_init(report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->from = INT64_MIN;
    o->to = INT64_MAX;
    o->limit = 20;
    o->expiring_days = 90;
    o->clone_scans = 20;
    o->clone_kiosks = 3;
    o->clone_window_h = 24;
    o->reinspect_scans = 10;
}

const report_num_opt *report_num_opt_find(const char *name)
{
    for (const report_num_opt *n = report_num_opts; n->name; n++)
        if (!strcmp(n->name, name))
            return n;
    return NULL;
}

int report_opts_num(report_opts *o, const report_num_opt *n, const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v < n->min || v > n->max)
        return -1;
    *(long *)((char *)o + n->off) = v;
    return 0;
}

const char *report_format_check(const char *kind, report_format fmt,
                                const char **by)
{
    if (fmt == REPORT_CSV && !strcmp(kind, "all"))
        return "report all is a table or html; CSV is one kind at a time";
    /* CSV is one table per file where it can be. */
    if (fmt == REPORT_CSV && !*by && !strcmp(kind, "verdicts"))
        *by = "province";
    return NULL;
}

int report_opts_period(report_opts *o, const char *from, const char *to)
{
    int have_from = from && *from, have_to = to && *to;
    if ((have_from && regdate_check(from)) || (have_to && regdate_check(to)))
        return -1;
    if (have_from && have_to && strcmp(from, to) > 0)
        return -2;
    o->from = have_from ? report_day_start(from) : INT64_MIN;
    o->to = have_to ? report_day_start(to) + 86400 : INT64_MAX;
    snprintf(o->from_day, sizeof o->from_day, "%s", have_from ? from : "");
    snprintf(o->to_day, sizeof o->to_day, "%s", have_to ? to : "");
    return 0;
}

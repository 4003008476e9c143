/* build.c -- report_build: the kinds in the order "all" shows them. */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const report_kinds[] = {"verdicts", "hotspots",  "clones",
                                    "findings", "reinspect", "expiring",
                                    "stats",    "all",       NULL};

int report_kind_valid(const char *kind)
{
    for (int i = 0; report_kinds[i]; i++)
        if (!strcmp(kind, report_kinds[i]))
            return 1;
    return 0;
}

/* ---- Entry -----------------------------------------------------------------
 */

int report_build(sqlite3 *db, const char *kind, const char *by,
                 const report_opts *o, report_set *out, char *err, size_t errsz)
{
    ctx c = {db, o, out, err, errsz, NULL, 0, 0, 0, rq_db_is_pg(db)};
    out->t = NULL;
    out->n = 0;
    int all = !strcmp(kind, "all"), rc = 0;
    if (!strcmp(kind, "stats") || all)
        rc = rq_stats(&c);
    if (!rc && (!strcmp(kind, "verdicts") || all)) {
        if (!by || !strcmp(by, "province"))
            rc = rq_verdicts_by_province(&c);
        if (!rc && (!by || !strcmp(by, "day")))
            rc = rq_verdicts_by_day(&c);
        if (!rc && (!by || !strcmp(by, "kiosk")))
            rc = rq_verdicts_by_kiosk(&c);
    }
    if (!rc && (!strcmp(kind, "hotspots") || all))
        rc = rq_hotspots(&c);
    if (!rc && (!strcmp(kind, "clones") || all))
        rc = rq_clones(&c);
    if (!rc && (!strcmp(kind, "reinspect") || all))
        rc = rq_reinspect(&c);
    if (!rc && (!strcmp(kind, "findings") || all))
        rc = rq_findings(&c);
    if (!rc && (!strcmp(kind, "expiring") || all))
        rc = rq_expiring(&c);
    free(c.k);
    if (rc)
        report_set_free(out);
    return rc;
}

/* producers.c -- adding, editing and listing producers: each change one
 * transaction, checked field by field as the CSV import checks them. */
#include "registry/change_int.h"

#include <stdio.h>
#include <string.h>

/* Load the producer (add: must be missing; edit: must exist, the guard
 * asked and the version compared), then set the fields given. */
static int fill(sqlite3 *db, int add, const char *code,
                const struct reg_producer_change *ch, const struct reg_guard *g,
                struct reg_producer *p, char *err, size_t errsz)
{
    int have = reg_producer_load(db, code, p, err, errsz);
    if (have < 0)
        return REG_CHANGE_FAILED;
    if (add && have) {
        snprintf(err, errsz, "producer %s is already in the registry", code);
        return REG_CHANGE_INVALID;
    }
    if (!add && !have) {
        snprintf(err, errsz, "no producer %s in the registry", code);
        return REG_CHANGE_MISSING;
    }
    char was[sizeof p->province];
    snprintf(was, sizeof was, "%s", p->province);
    struct reg_ask a = {
        .action = REG_PRODUCER_EDIT, .province = was, .to_province = was};
    int rc = add ? REG_CHANGE_OK : change_allowed(g, &a);
    if (!rc && !add)
        rc = change_current(db, g, "producer", code, err, errsz);
    if (rc)
        return rc;
    if (add && reg_producer_set(p, "code", code, err, errsz))
        return REG_CHANGE_INVALID;
    const char *const fields[] = {"name", "kind", "province", "contact"};
    const char *const vals[] = {ch->name, ch->kind, ch->province, ch->contact};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (vals[i] && reg_producer_set(p, fields[i], vals[i], err, errsz))
            return REG_CHANGE_INVALID;
    if (add && (!p->name[0] || !p->kind[0] || !p->province[0])) {
        snprintf(err, errsz,
                 "producer add needs --name, --kind and --province");
        return REG_CHANGE_INVALID;
    }
    /* An edit that changes the province is asked again with the new one. */
    a.to_province = p->province;
    return add || !strcmp(was, p->province) ? REG_CHANGE_OK
                                            : change_allowed(g, &a);
}

int registry_producer_save(sqlite3 *db, int add, const char *code,
                           const struct reg_producer_change *ch,
                           const struct reg_guard *g, struct reg_producer *p,
                           char *err, size_t errsz)
{
    long long mark = 0;
    memset(p, 0, sizeof *p);
    int rc = change_begin(db, &mark, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = fill(db, add, code, ch, g, p, err, errsz);
    if (rc == REG_CHANGE_OK && (add ? reg_producer_insert(db, p, err, errsz)
                                    : reg_producer_update(db, p, err, errsz)))
        rc = REG_CHANGE_FAILED;
    return change_end(db, g, mark, rc, err, errsz);
}

int registry_producer_list(sqlite3 *db, const char *province,
                           registry_row_fn fn, void *ctx, char *err,
                           size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT p.code,p.kind,p.province,(SELECT "
                           "count(*) FROM products WHERE producer=p.code),"
                           "p.name FROM producers p WHERE ?1='' OR "
                           "p.province=?1 ORDER BY p.code",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "cannot list producers: %s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(st, 1, province ? province : "", -1, SQLITE_STATIC);
    fn(ctx, NULL, 0);
    const char *cols[5];
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < 5; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            cols[i] = t ? (const char *)t : "";
        }
        fn(ctx, cols, 5);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errsz, "cannot list producers: %s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

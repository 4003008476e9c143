/* changes.c -- the guarded changes of products and producers (edit,
 * status, move) that the commands and the console both make, and the
 * steps every guarded change takes: one transaction, the guard asked
 * against the record as stored, the version compared, the audit named. */
#include "registry/change_int.h"

#include <stdio.h>
#include <string.h>

int change_begin(sqlite3 *db, long long *mark, char *err, size_t errsz)
{
    if (registry_begin(db, err, errsz))
        return REG_CHANGE_FAILED;
    *mark = registry_audit_mark(db);
    return REG_CHANGE_OK;
}

int change_allowed(const struct reg_guard *g, const struct reg_ask *a)
{
    if (g && g->allow && !g->allow(g->ctx, a))
        return REG_CHANGE_FORBIDDEN;
    return REG_CHANGE_OK;
}

int change_current(sqlite3 *db, const struct reg_guard *g, const char *entity,
                   const char *ref, char *err, size_t errsz)
{
    if (!g || g->version == -1)
        return REG_CHANGE_OK;
    long long v = registry_version(db, entity, ref);
    if (v < 0)
        return registry_db_error(db, "cannot read the audit", err, errsz);
    if (v != g->version) {
        snprintf(err, errsz, "%s %s was changed since version %lld", entity,
                 ref, g->version);
        return REG_CHANGE_CONFLICT;
    }
    return REG_CHANGE_OK;
}

int change_end(sqlite3 *db, const struct reg_guard *g, long long mark, int rc,
               char *err, size_t errsz)
{
    if (rc == REG_CHANGE_OK && g && g->also &&
        g->also(g->also_ctx, db, err, errsz))
        rc = REG_CHANGE_FAILED;
    if (rc == REG_CHANGE_OK && g && g->who &&
        registry_audit_tag(db, mark, g->who, err, errsz))
        rc = REG_CHANGE_FAILED;
    if (rc == REG_CHANGE_OK && registry_commit(db, err, errsz))
        rc = REG_CHANGE_FAILED;
    if (rc != REG_CHANGE_OK)
        registry_rollback(db);
    return rc;
}

/* Every change of a product or producer writes an audit row about it
 * (registry triggers), so a form showing version V was made from the
 * current values exactly when the version is still V. */
long long registry_version(sqlite3 *db, const char *entity, const char *ref)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT ifnull(max(id),0) FROM audit WHERE "
                           "entity=?2 AND ref=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void ask_product(struct reg_ask *a, enum reg_action act,
                        const struct reg_product *was,
                        const struct reg_product *now)
{
    memset(a, 0, sizeof *a);
    a->action = act;
    a->province = was->province;
    a->to_province = now->province;
    a->stars = was->stars;
    a->proposed5 = was->proposed5;
    a->to_stars = now->stars;
    a->to_proposed5 = now->proposed5;
}

/* Load product code, ask the guard about it as stored and compare its
 * version: REG_CHANGE_*. */
static int product_open(sqlite3 *db, const char *code, enum reg_action act,
                        const struct reg_guard *g, struct reg_product *p,
                        char *err, size_t errsz)
{
    int have = reg_product_load(db, code, p, err, errsz);
    if (have < 0)
        return REG_CHANGE_FAILED;
    if (!have) {
        snprintf(err, errsz, "no product %s in the registry", code);
        return REG_CHANGE_MISSING;
    }
    struct reg_ask a;
    ask_product(&a, act, p, p);
    int rc = change_allowed(g, &a);
    return rc ? rc : change_current(db, g, "product", code, err, errsz);
}

/* Begin the change and product_open; was gets the record as stored. */
static int product_begin(sqlite3 *db, const char *code, enum reg_action act,
                         const struct reg_guard *g, long long *mark,
                         struct reg_product *p, struct reg_product *was,
                         char *err, size_t errsz)
{
    int rc = change_begin(db, mark, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = product_open(db, code, act, g, p, err, errsz);
    if (rc == REG_CHANGE_OK)
        *was = *p;
    return rc;
}

/* Ask the guard about the product as it would be saved, then save it. */
static int product_save(sqlite3 *db, enum reg_action act,
                        const struct reg_guard *g,
                        const struct reg_product *was,
                        const struct reg_product *p, char *err, size_t errsz)
{
    struct reg_ask a;
    ask_product(&a, act, was, p);
    int rc = change_allowed(g, &a);
    if (rc == REG_CHANGE_OK && reg_product_update(db, p, err, errsz))
        rc = REG_CHANGE_FAILED;
    return rc;
}

static const char *field_value(const struct reg_field *set, size_t n,
                               const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (set[i].value && !strcmp(set[i].name, name))
            return set[i].value;
    return NULL;
}

static int edit_fields(sqlite3 *db, struct reg_product *p,
                       const struct reg_field *set, size_t n, char *err,
                       size_t errsz)
{
    const char *certified = field_value(set, n, "certified");
    const char *expires = field_value(set, n, "expires");
    /* A new certification date starts a new certificate life unless an
     * expiry of its own comes with it (a form sends the stored one). */
    int new_life = certified && (!expires || (strcmp(certified, p->certified) &&
                                              !strcmp(expires, p->expires)));
    char producer[sizeof p->producer];
    snprintf(producer, sizeof producer, "%s", p->producer);
    if (field_value(set, n, "stars"))
        p->proposed5 = 0;
    for (size_t i = 0; i < n; i++)
        if (set[i].value && strcmp(set[i].name, "expires") &&
            reg_product_set(p, set[i].name, set[i].value, err, errsz))
            return REG_CHANGE_INVALID;
    if (new_life)
        p->expires[0] = '\0';
    else if (expires && reg_product_set(p, "expires", expires, err, errsz))
        return REG_CHANGE_INVALID;
    if (reg_product_finish(p, err, errsz))
        return REG_CHANGE_INVALID;
    if (!strcmp(producer, p->producer))
        return REG_CHANGE_OK;
    struct reg_producer pr;
    int have = reg_producer_load(db, p->producer, &pr, err, errsz);
    if (have == 0)
        snprintf(err, errsz, "no producer %s in the registry", p->producer);
    return have == 1 ? REG_CHANGE_OK
                     : (have ? REG_CHANGE_FAILED : REG_CHANGE_INVALID);
}

int registry_product_edit(sqlite3 *db, const char *code,
                          const struct reg_field *set, size_t n,
                          const struct reg_guard *g, struct reg_product *p,
                          char *err, size_t errsz)
{
    long long mark = 0;
    struct reg_product was;
    int rc = product_begin(db, code, REG_PRODUCT_EDIT, g, &mark, p, &was, err,
                           errsz);
    if (rc == REG_CHANGE_OK)
        rc = edit_fields(db, p, set, n, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = product_save(db, REG_PRODUCT_EDIT, g, &was, p, err, errsz);
    return change_end(db, g, mark, rc, err, errsz);
}

int registry_product_status(sqlite3 *db, const char *code, const char *status,
                            const char *reason, const char *date,
                            const struct reg_guard *g, struct reg_product *p,
                            char *err, size_t errsz)
{
    long long mark = 0;
    struct reg_product was;
    reason = reason ? reason : "";
    int rc = product_begin(db, code, REG_PRODUCT_STATUS, g, &mark, p, &was, err,
                           errsz);
    if (rc == REG_CHANGE_OK) {
        if (!status) {
            snprintf(err, errsz, "a status change needs the status");
            rc = REG_CHANGE_INVALID;
        } else if (reg_product_set(p, "status", status, err, errsz) ||
                   reg_product_set(p, "status_reason", reason, err, errsz) ||
                   reg_product_set(p, "status_date", date, err, errsz))
            rc = REG_CHANGE_INVALID;
    }
    if (rc == REG_CHANGE_OK) {
        /* Back to rated without a reason: nothing to explain any more. */
        if (!strcmp(p->status, "rated") && !*reason)
            p->status_date[0] = '\0';
        if (reg_product_finish(p, err, errsz))
            rc = REG_CHANGE_INVALID;
    }
    if (rc == REG_CHANGE_OK)
        rc = product_save(db, REG_PRODUCT_STATUS, g, &was, p, err, errsz);
    return change_end(db, g, mark, rc, err, errsz);
}

/* p's province set to province's 2025 unit: INVALID when unknown or the
 * one it is in already. */
static int new_province(char *dst, size_t dstsz, const char *what,
                        const char *code, const char *province, char *err,
                        size_t errsz)
{
    const labels_province *pr = registry_province(province, NULL, err, errsz);
    if (!pr)
        return REG_CHANGE_INVALID;
    if (!strcmp(pr->name, dst)) {
        snprintf(err, errsz, "%s %s is in %s already", what, code, dst);
        return REG_CHANGE_INVALID;
    }
    snprintf(dst, dstsz, "%s", pr->name);
    return REG_CHANGE_OK;
}

int registry_product_move(sqlite3 *db, const char *code, const char *province,
                          const struct reg_guard *g, struct reg_product *p,
                          char *err, size_t errsz)
{
    long long mark = 0;
    struct reg_product was;
    int rc = product_begin(db, code, REG_PRODUCT_MOVE, g, &mark, p, &was, err,
                           errsz);
    /* certified_unit stays: the certificate is the old unit's. */
    if (rc == REG_CHANGE_OK)
        rc = new_province(p->province, sizeof p->province, "product", code,
                          province, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = product_save(db, REG_PRODUCT_MOVE, g, &was, p, err, errsz);
    return change_end(db, g, mark, rc, err, errsz);
}

/* Its products that were in from follow the producer to p's province. */
static int move_products(sqlite3 *db, const struct reg_producer *p,
                         const char *from, int *moved, char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "UPDATE products SET province=?3 WHERE "
                           "producer=?1 AND province=?2",
                           -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot move products", err, errsz);
    sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->province, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return registry_db_error(db, "cannot move products", err, errsz);
    if (moved)
        *moved = sqlite3_changes(db);
    return REG_CHANGE_OK;
}

int registry_producer_move(sqlite3 *db, const char *code, const char *province,
                           const struct reg_guard *g, struct reg_producer *p,
                           int *moved, char *err, size_t errsz)
{
    long long mark = 0;
    char from[sizeof p->province] = "", to[sizeof p->province] = "";
    int rc = change_begin(db, &mark, err, errsz);
    if (rc == REG_CHANGE_OK) {
        int have = reg_producer_load(db, code, p, err, errsz);
        if (have == 0)
            snprintf(err, errsz, "no producer %s in the registry", code);
        rc = have == 1 ? REG_CHANGE_OK
                       : (have ? REG_CHANGE_FAILED : REG_CHANGE_MISSING);
    }
    if (rc == REG_CHANGE_OK) {
        snprintf(from, sizeof from, "%s", p->province);
        snprintf(to, sizeof to, "%s", p->province);
        rc =
            new_province(to, sizeof to, "producer", code, province, err, errsz);
    }
    if (rc == REG_CHANGE_OK) {
        struct reg_ask a = {
            .action = REG_PRODUCER_MOVE, .province = from, .to_province = to};
        rc = change_allowed(g, &a);
    }
    if (rc == REG_CHANGE_OK)
        rc = change_current(db, g, "producer", code, err, errsz);
    if (rc == REG_CHANGE_OK) {
        snprintf(p->province, sizeof p->province, "%s", to);
        if (reg_producer_update(db, p, err, errsz))
            rc = REG_CHANGE_FAILED;
    }
    if (rc == REG_CHANGE_OK)
        rc = move_products(db, p, from, moved, err, errsz);
    return change_end(db, g, mark, rc, err, errsz);
}

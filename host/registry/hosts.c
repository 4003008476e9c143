/* hosts.c -- the authority's verify addresses: the hosts its label URLs
 * may name (docs/mirror.md, "Verify addresses"), kept in the registry's
 * meta and carried into every mirror. */
#include "registry/registry.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static int fail(char *err, size_t errsz, const char *msg, const char *host)
{
    snprintf(err, errsz, msg, host);
    return -1;
}

/* A host name as labels_format() prints it: letters (uppercased here),
 * digits, '.' and '-', no leading or trailing dot, no port. */
static int host_norm(const char *in, char *out, size_t outsz)
{
    size_t n = strlen(in);
    if (n == 0 || n > LABELS_HOST_MAX || n >= outsz || in[0] == '.' ||
        in[n - 1] == '.' || in[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-') ||
            (c == '.' && in[i + 1] == '.'))
            return 0;
        out[i] = c;
    }
    out[n] = '\0';
    return 1;
}

int registry_hosts_join(const char *const *hosts, int n, char *out,
                        size_t outsz, char *err, size_t errsz)
{
    size_t len = 0;
    if (n <= 0)
        return fail(err, errsz, "%sat least one verify host is needed", "");
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        char h[LABELS_HOST_MAX + 1];
        if (!host_norm(hosts[i], h, sizeof h))
            return fail(err, errsz,
                        "'%s' is not a host name (letters, digits, '.' and "
                        "'-', no port)",
                        hosts[i]);
        if (labels_host_listed(out, h, strlen(h)))
            continue;
        size_t hl = strlen(h);
        if (len + (len ? 1 : 0) + hl + 1 > outsz ||
            len + hl + 1 > REG_HOSTS_MAX)
            return fail(err, errsz, "%stoo many verify hosts", "");
        if (len)
            out[len++] = ' ';
        memcpy(out + len, h, hl + 1);
        len += hl;
    }
    return 0;
}

int registry_hosts_get(sqlite3 *db, char *out, size_t outsz)
{
    return registry_meta_get(db, LABELS_META_VERIFY_HOSTS, out, outsz);
}

int registry_hosts_set(sqlite3 *db, const char *const *hosts, int n, char *err,
                       size_t errsz)
{
    char list[REG_HOSTS_MAX], old[REG_HOSTS_MAX] = "";
    if (registry_hosts_join(hosts, n, list, sizeof list, err, errsz))
        return -1;
    if (registry_begin(db, err, errsz))
        return -1;
    err[0] = '\0';
    int had = registry_hosts_get(db, old, sizeof old) == 0;
    sqlite3_stmt *st = NULL;
    /* meta has no audit trigger: the row is written here, in the same
     * transaction, so the change cannot happen without its trace. */
    if (registry_meta_set(db, LABELS_META_VERIFY_HOSTS, list, err, errsz) ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO audit(at,entity,ref,field,old,new) "
                           "VALUES(" NOW ",'authority','verify_hosts',"
                           "'verify_hosts',?1,?2)",
                           -1, &st, NULL) != SQLITE_OK)
        goto fail;
    if (had)
        sqlite3_bind_text(st, 1, old, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, list, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    return registry_commit(db, err, errsz);
fail:
    if (!err[0])
        snprintf(err, errsz, "cannot set the verify hosts: %s",
                 sqlite3_errmsg(db));
    sqlite3_finalize(st);
    registry_rollback(db);
    return -1;
}

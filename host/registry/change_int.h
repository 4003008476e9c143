/* change_int.h -- the steps every guarded change takes (changes.c), shared
 * by the registry's own files. Not for use outside host/registry/. */
#ifndef OCOP_HOST_REGISTRY_CHANGE_INT_H
#define OCOP_HOST_REGISTRY_CHANGE_INT_H

#include "registry/registry.h"

/* BEGIN IMMEDIATE and note the newest audit row (*mark): REG_CHANGE_OK or
 * REG_CHANGE_FAILED. */
int change_begin(sqlite3 *db, long long *mark, char *err, size_t errsz);
/* Ask g (may be NULL) about a: REG_CHANGE_OK or REG_CHANGE_FORBIDDEN. */
int change_allowed(const struct reg_guard *g, const struct reg_ask *a);
/* The guard's version against the record's (entity, ref): REG_CHANGE_OK
 * or REG_CHANGE_CONFLICT (REG_CHANGE_FAILED when it cannot be read). */
int change_current(sqlite3 *db, const struct reg_guard *g, const char *entity,
                   const char *ref, char *err, size_t errsz);
/* End the change begun at mark: when rc is REG_CHANGE_OK, run g->also,
 * name g->who on the audit rows and commit; else (or when any of those
 * fails) roll back. Returns the outcome. */
int change_end(sqlite3 *db, const struct reg_guard *g, long long mark, int rc,
               char *err, size_t errsz);

#endif

/* export.h -- the registry's public part as a mirror file. */
#ifndef OCOP_HOST_EXPORT_H
#define OCOP_HOST_EXPORT_H

#include <labels.h>
#include <stddef.h>

/* Write the mirror of the registry at dbpath to out (temporary file,
 * fsync, rename) with feed_version one above the registry's, which is
 * committed before the rename. authority NULL: the key the registry
 * records. *version gets the new feed_version. */
int registry_export(const char *dbpath, const char *out,
                    const labels_pubkey *authority, long long *version,
                    char *err, size_t errsz);

#endif

/* mirror_schema.c -- the mirror's SQL schema, one copy for every writer. */
#include "labels.h"

/* Every column of products but its key: one copy for the table and for
 * the kiosk's overlay of it, which must hold the same values. */
#define PRODUCT_COLUMNS                                                        \
    "  name          TEXT NOT NULL,\n"                                         \
    "  grp           TEXT NOT NULL CHECK (grp IN (" LABELS_GROUP_SQL_IN        \
    ")),\n"                                                                    \
    "  producer      TEXT NOT NULL REFERENCES producers(code),\n"              \
    "  province      TEXT NOT NULL,\n"                                         \
    "  stars         INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),\n"        \
    "  proposed5     INTEGER NOT NULL DEFAULT 0 CHECK (proposed5 IN (0,1)),\n" \
    "  status        TEXT NOT NULL CHECK (status IN "                          \
    "('rated','suspended','revoked','expired')),\n"                            \
    "  status_reason TEXT NOT NULL DEFAULT '',\n"                              \
    "  status_date   TEXT NOT NULL DEFAULT '',\n"                              \
    "  certificate   TEXT NOT NULL,\n"                                         \
    "  certified     TEXT NOT NULL,\n"                                         \
    "  expires       TEXT NOT NULL"

/* Must match docs/mirror.md word for word. The group and kind codes come
 * from the one lists, LABELS_GROUP_LIST and LABELS_KIND_LIST. */
static const char schema[] =
    "CREATE TABLE meta (\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE producers (\n"
    "  code     TEXT PRIMARY KEY,\n"
    "  name     TEXT NOT NULL,\n"
    "  kind     TEXT NOT NULL CHECK (kind IN (" LABELS_KIND_SQL_IN ")),\n"
    "  province TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE products (\n"
    "  code          TEXT PRIMARY KEY,\n" PRODUCT_COLUMNS "\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE keys (\n"
    "  key_id        TEXT PRIMARY KEY,\n"
    "  producer      TEXT NOT NULL REFERENCES producers(code),\n"
    "  public_key    BLOB NOT NULL,\n"
    "  enrolled      TEXT NOT NULL,\n"
    "  revoked       TEXT NOT NULL DEFAULT '',\n"
    "  revoke_reason TEXT NOT NULL DEFAULT '' CHECK (revoke_reason IN "
    "('','superseded','compromised'))\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE clones (\n"
    "  key_id   TEXT NOT NULL,\n"
    "  product  TEXT NOT NULL,\n"
    "  lot      TEXT NOT NULL,\n"
    "  serial   INTEGER NOT NULL,\n"
    "  reported TEXT NOT NULL,\n"
    "  PRIMARY KEY (key_id, product, lot, serial)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE revoked_badges (\n"
    "  inspector TEXT PRIMARY KEY,\n"
    "  revoked   TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n";

/* The kiosk's own table (docs/mirror.md, "The kiosk's overlay"): rows
 * appended in the order deltas bring them, so that a delta writes its
 * changed rows side by side instead of one page of products each. */
static const char overlay[] =
    "CREATE TABLE " LABELS_MIRROR_OVERLAY " (\n"
    "  seq           INTEGER PRIMARY KEY,\n"
    "  code          TEXT NOT NULL UNIQUE,\n" PRODUCT_COLUMNS ",\n"
    "  gone          INTEGER NOT NULL DEFAULT 0 CHECK (gone IN (0,1))\n"
    ");\n";

const char *labels_mirror_schema(void) { return schema; }

const char *labels_mirror_overlay_schema(void) { return overlay; }

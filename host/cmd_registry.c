/* cmd_registry.c -- ocop-host registry init and ocop-host import (CSV). */
#include "cli.h"
#include "csv.h"
#include "registry_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMPORT_MAX_BYTES ((size_t)256 << 20)

static int registry_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"secret", required_argument, NULL, 's'},
        {"public", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL, *secpath = NULL, *pubpath = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 's': secpath = optarg; break;
        case 'p': pubpath = optarg; break;
        case 'h':
            puts("usage: ocop-host registry init --db REG.db "
                 "[--secret AUTH.sec --public AUTH.pub]\n"
                 "Create an empty registry. With --secret and --public, also "
                 "make the\nauthority key pair and record its public half in "
                 "the registry.");
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc || !secpath != !pubpath) {
        cli_error("registry init needs --db FILE (and --secret with "
                  "--public, or neither)");
        return EXIT_USAGE;
    }
    char err[REG_ERR_MAX];
    labels_pubkey pub;
    if (secpath) {
        labels_seckey sec;
        int rc = labels_keygen(&pub, &sec);
        if (rc == LABELS_OK)
            rc = labels_seckey_write(secpath, &sec, "OCOP authority key");
        labels_seckey_wipe(&sec);
        if (rc != LABELS_OK) {
            cli_error("cannot write %s: %s", secpath, labels_strerror(rc));
            return EXIT_FAILURE_;
        }
        rc = labels_pubkey_write(pubpath, &pub, "OCOP authority key");
        if (rc != LABELS_OK) {
            cli_error("cannot write %s: %s", pubpath, labels_strerror(rc));
            unlink(secpath);
            return EXIT_FAILURE_;
        }
    }
    sqlite3 *db;
    if (registry_create(dbpath, &db, err, sizeof err) != 0) {
        cli_error("%s", err);
        if (secpath) {
            unlink(secpath);
            unlink(pubpath);
        }
        return EXIT_FAILURE_;
    }
    if (secpath) {
        char b64[LABELS_PUBKEY_B64_MAX];
        if (labels_pubkey_to_base64(&pub, b64, sizeof b64) != LABELS_OK ||
            registry_begin(db, err, sizeof err) ||
            registry_meta_set(db, "authority_key", b64, err, sizeof err) ||
            registry_commit(db, err, sizeof err)) {
            cli_error("%s", err);
            registry_close(db);
            return EXIT_FAILURE_;
        }
        char hex[17];
        labels_key_id_hex(pub.id, hex);
        printf("authority key %s\n", hex);
    }
    registry_close(db);
    printf("registry %s created\n", dbpath);
    return EXIT_OK;
}

int cmd_registry(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "init"))
        return registry_init(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts("usage: ocop-host registry init --db REG.db "
             "[--secret AUTH.sec --public AUTH.pub]");
        return EXIT_OK;
    }
    cli_error("usage: ocop-host registry init --db REG.db");
    return EXIT_USAGE;
}

/* ---- import ----------------------------------------------------------- */

enum col {
    C_CODE,
    C_NAME,
    C_GROUP,
    C_STARS,
    C_PROVINCE,
    C_PRODUCER,
    C_PRODUCER_NAME,
    C_PRODUCER_KIND,
    C_PRODUCER_PROVINCE,
    C_PRODUCER_CONTACT,
    C_CERTIFICATE,
    C_CERTIFIED,
    C_EXPIRES,
    C_STATUS,
    C_STATUS_REASON,
    C_STATUS_DATE,
    C_COUNT
};

static const struct {
    const char *name;
    int required;
    const char *field; /* reg_product_set field, or NULL for producer */
} columns[C_COUNT] = {
    [C_CODE] = {"code", 1, "code"},
    [C_NAME] = {"name", 1, "name"},
    [C_GROUP] = {"group", 1, "group"},
    [C_STARS] = {"stars", 1, "stars"},
    [C_PROVINCE] = {"province", 1, "province"},
    [C_PRODUCER] = {"producer", 1, "producer"},
    [C_PRODUCER_NAME] = {"producer_name", 0, NULL},
    [C_PRODUCER_KIND] = {"producer_kind", 0, NULL},
    [C_PRODUCER_PROVINCE] = {"producer_province", 0, NULL},
    [C_PRODUCER_CONTACT] = {"producer_contact", 0, NULL},
    [C_CERTIFICATE] = {"certificate", 1, "certificate"},
    [C_CERTIFIED] = {"certified", 1, "certified"},
    [C_EXPIRES] = {"expires", 0, "expires"},
    [C_STATUS] = {"status", 0, "status"},
    [C_STATUS_REASON] = {"status_reason", 0, "status_reason"},
    [C_STATUS_DATE] = {"status_date", 0, "status_date"},
};

/* One row into the open transaction. Returns 0, -1 for a bad row (err
 * says why) or -2 when the database itself failed. */
static int import_row(sqlite3 *db, sqlite3_stmt *seen, struct csv *cv,
                      const int *pos, char *err, size_t errsz)
{
    struct reg_product p;
    struct reg_producer pr;
    memset(&p, 0, sizeof p);
    memset(&pr, 0, sizeof pr);
    const char *v[C_COUNT];
    for (int i = 0; i < C_COUNT; i++)
        v[i] = pos[i] >= 0 ? regcli_trim(cv->fields[pos[i]]) : "";
    for (int i = 0; i < C_COUNT; i++) {
        if (!columns[i].field || (!columns[i].required && !*v[i]))
            continue;
        if (reg_product_set(&p, columns[i].field, v[i], err, errsz))
            return -1;
    }
    if (reg_product_finish(&p, err, errsz))
        return -1;
    if (reg_producer_set(&pr, "code", p.producer, err, errsz) ||
        (*v[C_PRODUCER_NAME] &&
         reg_producer_set(&pr, "name", v[C_PRODUCER_NAME], err, errsz)) ||
        (*v[C_PRODUCER_KIND] &&
         reg_producer_set(&pr, "kind", v[C_PRODUCER_KIND], err, errsz)) ||
        reg_producer_set(&pr, "province",
                         *v[C_PRODUCER_PROVINCE] ? v[C_PRODUCER_PROVINCE]
                                                 : p.province,
                         err, errsz) ||
        reg_producer_set(&pr, "contact", v[C_PRODUCER_CONTACT], err, errsz))
        return -1;

    /* A code twice in one file names both lines. */
    sqlite3_reset(seen);
    sqlite3_bind_text(seen, 1, p.code, -1, SQLITE_STATIC);
    sqlite3_bind_int(seen, 2, cv->record_line);
    if (sqlite3_step(seen) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
            sqlite3_stmt *st;
            int line = 0;
            if (sqlite3_prepare_v2(db,
                                   "SELECT line FROM import_seen WHERE code=?1",
                                   -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, p.code, -1, SQLITE_STATIC);
                if (sqlite3_step(st) == SQLITE_ROW)
                    line = sqlite3_column_int(st, 0);
                sqlite3_finalize(st);
            }
            snprintf(err, errsz,
                     "duplicate product code %s (also on line %d of this "
                     "file)",
                     p.code, line);
            return -1;
        }
        registry_db_error(db, "import failed", err, errsz);
        return -2;
    }
    if (reg_producer_ensure(db, &pr, err, errsz) ||
        reg_product_insert(db, &p, err, errsz)) {
        int code = sqlite3_errcode(db) & 0xff;
        /* Disk full, I/O errors, or SQLite having rolled the transaction
         * back by itself: the whole import stops. */
        if (code == SQLITE_FULL || code == SQLITE_IOERR ||
            code == SQLITE_CORRUPT || code == SQLITE_NOMEM ||
            code == SQLITE_READONLY || code == SQLITE_BUSY ||
            sqlite3_get_autocommit(db))
            return -2;
        return -1;
    }
    return 0;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'h':
            puts("usage: ocop-host import --db REG.db FILE.csv\n"
                 "Import products (UTF-8 CSV with a header row; columns in "
                 "docs/cli.md).\nAll rows or none: any bad row is reported "
                 "as FILE:LINE: message and\nnothing is imported.");
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc - 1) {
        cli_error("import needs --db REG.db and one CSV file");
        return EXIT_USAGE;
    }
    const char *file = argv[optind];
    char *data;
    size_t len;
    int rc = regcli_read_file(file, IMPORT_MAX_BYTES, &data, &len);
    if (rc != EXIT_OK)
        return rc;

    struct csv cv;
    char err[REG_ERR_MAX];
    int pos[C_COUNT];
    for (int i = 0; i < C_COUNT; i++)
        pos[i] = -1;
    csv_init(&cv, data, len);
    rc = csv_next(&cv, err, sizeof err);
    if (rc != 1) {
        if (rc == 0)
            cli_error("%s: empty file (a header row is required)", file);
        else
            cli_error("%s:%d: header: %s", file, cv.record_line,
                      rc == -2 ? "out of memory" : err);
        csv_free(&cv);
        free(data);
        return EXIT_FAILURE_;
    }
    size_t ncols = cv.nfields;
    int header_bad = 0;
    for (size_t f = 0; f < ncols; f++) {
        const char *name = regcli_trim(cv.fields[f]);
        int found = -1;
        for (int i = 0; i < C_COUNT; i++)
            if (!strcmp(name, columns[i].name))
                found = i;
        if (found < 0) {
            cli_error("%s:%d: unknown column '%s'", file, cv.record_line, name);
            header_bad = 1;
        } else if (pos[found] >= 0) {
            cli_error("%s:%d: column '%s' appears twice", file, cv.record_line,
                      name);
            header_bad = 1;
        } else {
            pos[found] = (int)f;
        }
    }
    for (int i = 0; i < C_COUNT; i++)
        if (columns[i].required && pos[i] < 0) {
            cli_error("%s:%d: missing column '%s'", file, cv.record_line,
                      columns[i].name);
            header_bad = 1;
        }
    if (header_bad) {
        cli_error("%s: nothing imported", file);
        csv_free(&cv);
        free(data);
        return EXIT_FAILURE_;
    }

    sqlite3 *db;
    rc = regcli_open(dbpath, 0, &db);
    if (rc != EXIT_OK) {
        csv_free(&cv);
        free(data);
        return rc;
    }
    sqlite3_stmt *seen = NULL;
    int bad = 0, rows = 0, fatal = 0;
    int producers_before = 0;
    {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM producers", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            producers_before = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (registry_begin(db, err, sizeof err) ||
        registry_exec(db,
                      "CREATE TEMP TABLE import_seen(code TEXT PRIMARY KEY, "
                      "line INTEGER)",
                      err, sizeof err) ||
        sqlite3_prepare_v2(db, "INSERT INTO import_seen VALUES(?1,?2)", -1,
                           &seen, NULL) != SQLITE_OK) {
        if (!seen)
            registry_db_error(db, "import failed", err, sizeof err);
        cli_error("%s", err);
        fatal = 1;
    }
    while (!fatal) {
        rc = csv_next(&cv, err, sizeof err);
        if (rc == 0)
            break;
        if (rc == -2) {
            cli_error("%s: out of memory", file);
            fatal = 1;
            break;
        }
        if (rc == -1) {
            fprintf(stderr, "%s:%d: %s\n", file, cv.record_line, err);
            bad++;
            continue;
        }
        rows++;
        if (cv.nfields != ncols) {
            fprintf(stderr, "%s:%d: %zu fields, the header has %zu\n", file,
                    cv.record_line, cv.nfields, ncols);
            bad++;
            continue;
        }
        rc = import_row(db, seen, &cv, pos, err, sizeof err);
        if (rc == -1) {
            fprintf(stderr, "%s:%d: %s\n", file, cv.record_line, err);
            bad++;
        } else if (rc == -2) {
            cli_error("%s:%d: %s", file, cv.record_line, err);
            fatal = 1;
        }
    }
    sqlite3_finalize(seen);
    if (!fatal && !bad && rows == 0) {
        cli_error("%s: no product rows", file);
        bad = 1;
    }
    if (fatal || bad) {
        registry_rollback(db);
        if (bad)
            cli_error("%s: %d bad row%s; nothing imported", file, bad,
                      bad == 1 ? "" : "s");
        else
            cli_error("%s: nothing imported", file);
        registry_close(db);
        csv_free(&cv);
        free(data);
        return EXIT_FAILURE_;
    }
    int producers_after = producers_before;
    {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM producers", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            producers_after = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (registry_exec(db, "DROP TABLE temp.import_seen", err, sizeof err) ||
        registry_commit(db, err, sizeof err)) {
        cli_error("%s: %s; nothing imported", file, err);
        registry_close(db);
        csv_free(&cv);
        free(data);
        return EXIT_FAILURE_;
    }
    registry_close(db);
    csv_free(&cv);
    free(data);
    printf("imported %d products (%d new producers) from %s\n", rows,
           producers_after - producers_before, file);
    return EXIT_OK;
}

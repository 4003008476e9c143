/* registry_cli.c -- small pieces the registry commands share. */
#include "cmd/registry_cli.h"

#include "cmd/cli.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void regcli_actor(char *out, size_t outsz)
{
    const struct passwd *pw = getpwuid(getuid());
    snprintf(out, outsz, "cli:%s", pw && pw->pw_name ? pw->pw_name : "?");
}

int regcli_open(const char *path, int readonly, sqlite3 **db)
{
    char err[REG_ERR_MAX], who[96];
    if (registry_open(path, readonly, db, err, sizeof err) != 0) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    regcli_actor(who, sizeof who);
    if (!readonly && registry_audit_by(*db, who, err, sizeof err) != 0) {
        cli_error("%s", err);
        registry_close(*db);
        *db = NULL;
        return LABELS_EXIT_FAIL;
    }
    return LABELS_EXIT_OK;
}

int regcli_date(const char *given, const char *option,
                char out[LABELS_DATE_SIZE])
{
    if (!given) {
        regdate_today(out);
        return LABELS_EXIT_OK;
    }
    if (regdate_check(given) != 0) {
        cli_error("%s '%s' is not a real date written YYYY-MM-DD", option,
                  given);
        return LABELS_EXIT_USAGE;
    }
    memcpy(out, given, 11);
    return LABELS_EXIT_OK;
}

int regcli_read_file(const char *path, size_t max, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return LABELS_EXIT_FAIL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if (cap >= max) {
            cli_error("%s is larger than %zu bytes", path, max);
            free(buf);
            fclose(f);
            return LABELS_EXIT_FAIL;
        }
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    if (!buf) {
        fclose(f);
        cli_error("out of memory reading %s", path);
        return LABELS_EXIT_FAIL;
    }
    if (ferror(f)) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return LABELS_EXIT_FAIL;
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return LABELS_EXIT_OK;
}

void regcli_print_product(const struct reg_product *p)
{
    printf("code:          %s\n", p->code);
    printf("name:          %s\n", p->name);
    printf("group:         %s\n", p->grp);
    printf("producer:      %s\n", p->producer);
    printf("province:      %s\n", p->province);
    printf("stars:         %d%s\n", p->stars,
           p->proposed5 ? " (proposed 5)" : "");
    char today[LABELS_DATE_SIZE];
    regdate_today(today);
    const char *now = labels_status_effective(p->status, p->expires, today);
    if (strcmp(now, p->status) != 0)
        printf("status:        %s (the certificate ended %s; the registry "
               "still says %s)\n",
               now, p->expires, p->status);
    else
        printf("status:        %s\n", p->status);
    if (p->status_reason[0] || p->status_date[0])
        printf("status reason: %s (%s)\n", p->status_reason, p->status_date);
    printf("certificate:   %s\n", p->certificate);
    printf("certified:     %s\n", p->certified);
    printf("expires:       %s\n", p->expires);
}

static const struct option kopts[] = {
    {"db", required_argument, NULL, K_DB},
    {"producer", required_argument, NULL, K_PRODUCER},
    {"public", required_argument, NULL, K_PUBLIC},
    {"date", required_argument, NULL, K_DATE},
    {"key-id", required_argument, NULL, K_KEY_ID},
    {"reason", required_argument, NULL, K_REASON},
    {"product", required_argument, NULL, K_PRODUCT},
    {"lot", required_argument, NULL, K_LOT},
    {"serial", required_argument, NULL, K_SERIAL},
    {"limit", required_argument, NULL, K_LIMIT},
    {"help", no_argument, NULL, K_HELP},
    {NULL, 0, NULL, 0},
};

int regcli_parse_kargs(int argc, char **argv, struct kargs *a)
{
    memset(a, 0, sizeof *a);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", kopts, NULL)) != -1) {
        if (c == K_HELP || c == 'h')
            a->help = 1;
        else if (c >= K_DB && c < K_HELP)
            KARG(a, c) = optarg;
        else
            return LABELS_EXIT_USAGE;
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return LABELS_EXIT_USAGE;
    }
    if (!a->help && !KARG(a, K_DB)) {
        cli_error("--db REG.db is required");
        return LABELS_EXIT_USAGE;
    }
    return LABELS_EXIT_OK;
}

int regcli_finish(sqlite3 *db, int failed, const char *err)
{
    if (failed)
        cli_error("%s", err);
    registry_close(db);
    return failed ? LABELS_EXIT_FAIL : LABELS_EXIT_OK;
}

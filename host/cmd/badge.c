/* badge.c -- ocop-host badge issue|revoke|list: inspectors' badges,
 * signed with the authority key, recorded (and audited) in the registry;
 * revocations reach kiosks through the mirror's revoked_badges table. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char badge_usage[] =
    "usage: ocop-host badge issue --db REG.db --key AUTH.sec --inspector ID\n"
    "                             --name NAME --province P "
    "--valid-until YYYY-MM-DD\n"
    "                             [--png FILE]\n"
    "       ocop-host badge revoke --db REG.db --inspector ID [--date D]\n"
    "       ocop-host badge list --db REG.db\n"
    "ID: 1-12 of 0-9 A-Z - . /; NAME: at most 48 bytes of UTF-8.\n";

enum {
    O_DB = 1,
    O_KEY,
    O_INSPECTOR,
    O_NAME,
    O_PROVINCE,
    O_VALID,
    O_PNG,
    O_DATE,
    O_COUNT
};

static int badge_issue(const char *const *o)
{
    if (!o[O_KEY] || !o[O_INSPECTOR] || !o[O_NAME] || !o[O_PROVINCE] ||
        !o[O_VALID]) {
        cli_error("badge issue needs --db, --key, --inspector, --name, "
                  "--province and --valid-until");
        return LABELS_EXIT_USAGE;
    }
    labels_badge b;
    memset(&b, 0, sizeof b);
    if (!registry_code_valid(o[O_INSPECTOR])) {
        cli_error("inspector ID '%s' must be 1-12 of 0-9 A-Z - . /",
                  o[O_INSPECTOR]);
        return LABELS_EXIT_USAGE;
    }
    memcpy(b.inspector, o[O_INSPECTOR], strlen(o[O_INSPECTOR]) + 1);
    const struct province *prov = province_find(o[O_PROVINCE]);
    if (!prov) {
        cli_error("'%s' is not one of the 63 provinces", o[O_PROVINCE]);
        return LABELS_EXIT_USAGE;
    }
    /* The name as stored and signed is NFC, whatever the keyboard sent. */
    char name[4 * LABELS_BADGE_NAME_MAX + 1];
    if (labels_text_nfc(o[O_NAME], name, sizeof name) != LABELS_OK)
        name[0] = '\0'; /* refused just below */
    size_t nlen = strlen(name), plen = strlen(prov->name);
    if (nlen > LABELS_BADGE_NAME_MAX || plen > LABELS_BADGE_PROVINCE_MAX) {
        cli_error("name must be at most %d bytes of UTF-8",
                  LABELS_BADGE_NAME_MAX);
        return LABELS_EXIT_USAGE;
    }
    memcpy(b.name, name, nlen + 1);
    memcpy(b.province, prov->name, plen + 1);
    if (labels_badge_check_fields(&b) != LABELS_OK) {
        cli_error("name must be 1 to %d bytes of UTF-8 without control "
                  "characters",
                  LABELS_BADGE_NAME_MAX);
        return LABELS_EXIT_USAGE;
    }
    uint16_t until, today;
    if (labels_date_parse(o[O_VALID], &until) != LABELS_OK) {
        cli_error("--valid-until '%s' is not a date (YYYY-MM-DD)", o[O_VALID]);
        return LABELS_EXIT_USAGE;
    }
    if (labels_date_today(&today) == LABELS_OK && until < today) {
        cli_error("--valid-until %s is in the past", o[O_VALID]);
        return LABELS_EXIT_USAGE;
    }
    b.valid_until = until;

    labels_seckey sec;
    int lrc = labels_seckey_read(o[O_KEY], &sec);
    if (lrc != LABELS_OK) {
        cli_error("cannot read secret key %s: %s%s%s", o[O_KEY],
                  labels_strerror(lrc), lrc == LABELS_ERR_IO ? ": " : "",
                  lrc == LABELS_ERR_IO ? strerror(errno) : "");
        return LABELS_EXIT_FAIL;
    }
    sqlite3 *db;
    int rc = regcli_open(o[O_DB], 0, &db);
    if (rc) {
        labels_seckey_wipe(&sec);
        return rc;
    }
    char err[REG_ERR_MAX + 256], text[LABELS_BADGE_TEXT_MAX];
    rc = registry_badge_issue(db, &b, &sec, o[O_PNG], text, sizeof text, err,
                              sizeof err);
    labels_seckey_wipe(&sec);
    registry_close(db);
    if (rc == REG_BADGE_OK) {
        printf("%s\n", text);
        return LABELS_EXIT_OK;
    }
    if (rc == REG_BADGE_NOT_AUTHORITY)
        cli_error("%s is not the authority key this registry records",
                  o[O_KEY]);
    else
        cli_error("%s", err[0] ? err : "cannot issue the badge");
    return rc == REG_BADGE_REFUSED ? LABELS_EXIT_NO : LABELS_EXIT_FAIL;
}

static int badge_revoke(const char *const *o)
{
    if (!o[O_INSPECTOR]) {
        cli_error("badge revoke needs --db and --inspector");
        return LABELS_EXIT_USAGE;
    }
    char date[LABELS_DATE_SIZE];
    if (regcli_date(o[O_DATE], "--date", date))
        return LABELS_EXIT_USAGE;
    sqlite3 *db;
    int rc = regcli_open(o[O_DB], 0, &db);
    if (rc)
        return rc;
    char err[REG_ERR_MAX] = "", revoked[LABELS_DATE_SIZE];
    rc = registry_badge_revoke(db, o[O_INSPECTOR], date, revoked, err,
                               sizeof err);
    registry_close(db);
    if (rc == REG_BADGE_REFUSED) {
        printf("inspector %s already revoked on %s\n", o[O_INSPECTOR], revoked);
        return LABELS_EXIT_OK;
    }
    if (rc != REG_BADGE_OK) {
        cli_error("%s", err[0] ? err : "cannot revoke");
        return LABELS_EXIT_FAIL;
    }
    printf("revoked inspector %s on %s (export and publish to reach "
           "kiosks)\n",
           o[O_INSPECTOR], date);
    return LABELS_EXIT_OK;
}

static void print_inspector(void *ctx, const char *const *c, int n)
{
    (void)ctx;
    if (n == 6)
        printf("%s\t%s\t%s\t%s%s\tvalid until %s\t%s badge(s)\n", c[0], c[1],
               c[2], c[3][0] ? "revoked " : "active", c[3], c[4], c[5]);
}

static int badge_list(const char *const *o)
{
    sqlite3 *db;
    int rc = regcli_open(o[O_DB], 1, &db);
    if (rc)
        return rc;
    rc = registry_badge_list(db, print_inspector, NULL);
    registry_close(db);
    if (rc) {
        cli_error("cannot list inspectors");
        return LABELS_EXIT_FAIL;
    }
    return LABELS_EXIT_OK;
}

int cmd_badge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"key", required_argument, NULL, O_KEY},
        {"inspector", required_argument, NULL, O_INSPECTOR},
        {"name", required_argument, NULL, O_NAME},
        {"province", required_argument, NULL, O_PROVINCE},
        {"valid-until", required_argument, NULL, O_VALID},
        {"png", required_argument, NULL, O_PNG},
        {"date", required_argument, NULL, O_DATE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(badge_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? LABELS_EXIT_USAGE : LABELS_EXIT_OK;
    }
    const char *sub = argv[1];
    int issue = !strcmp(sub, "issue"), revoke = !strcmp(sub, "revoke"),
        list = !strcmp(sub, "list");
    if (!issue && !revoke && !list) {
        cli_error("badge: unknown subcommand '%s'", sub);
        fputs(badge_usage, stderr);
        return LABELS_EXIT_USAGE;
    }
    const char *o[O_COUNT] = {0};
    int c;
    optind = 1;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(badge_usage, stdout);
            return LABELS_EXIT_OK;
        }
        if (c < O_DB || c >= O_COUNT) {
            fputs(badge_usage, stderr);
            return LABELS_EXIT_USAGE;
        }
        o[c] = optarg;
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return LABELS_EXIT_USAGE;
    }
    if (!o[O_DB]) {
        cli_error("badge %s needs --db REG.db", sub);
        return LABELS_EXIT_USAGE;
    }
    if ((!issue &&
         (o[O_KEY] || o[O_NAME] || o[O_PROVINCE] || o[O_VALID] || o[O_PNG])) ||
        (!revoke && o[O_DATE]) || (list && o[O_INSPECTOR])) {
        cli_error("an option given does not apply to badge %s", sub);
        return LABELS_EXIT_USAGE;
    }
    if (labels_init() != LABELS_OK) {
        cli_error("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return LABELS_EXIT_FAIL;
    }
    if (issue)
        return badge_issue(o);
    if (revoke)
        return badge_revoke(o);
    return badge_list(o);
}

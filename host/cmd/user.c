/* user.c -- ocop-host user add|list|disable|password: the authority
 * console's accounts (docs/console.md). */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"
#include "console/console.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { U_DB = 256, U_USER, U_ROLE, U_PROVINCE, U_PRODUCER, U_PWFILE, U_HELP };

static const char usage_text[] =
    "usage: ocop-host user add --db REG.db --user NAME --role ROLE "
    "[--province P] [--producer PCODE]\n"
    "                         --password-file FILE\n"
    "       ocop-host user list --db REG.db\n"
    "       ocop-host user disable --db REG.db --user NAME\n"
    "       ocop-host user password --db REG.db --user NAME --password-file "
    "FILE\n"
    "Roles: central, province and inspector (with --province), producer "
    "(with --producer), viewer.\n"
    "The password is the file's first line (FILE '-' reads standard "
    "input), 10 to 512 bytes;\n"
    "it is stored only as an Argon2id hash. Disabling an account or setting "
    "its password\n"
    "ends its console sessions.\n";

/* The password: the file's first line without its line end. 0, or an
 * EXIT_ code after saying why. */
static int read_password(const char *path, char *out, size_t outsz, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return LABELS_EXIT_FAIL;
    }
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n' && n + 1 < outsz)
        out[n++] = (char)c;
    int too_long = c != EOF && c != '\n';
    if (f != stdin)
        fclose(f);
    if (n && out[n - 1] == '\r')
        n--;
    out[n] = '\0';
    if (too_long || n < CONSOLE_PASSWORD_MIN) {
        sodium_memzero(out, outsz);
        cli_error("the password in %s must be %d to %d bytes on one line", path,
                  CONSOLE_PASSWORD_MIN, CONSOLE_PASSWORD_MAX);
        return LABELS_EXIT_FAIL;
    }
    *len = n;
    return LABELS_EXIT_OK;
}

static int print_user(const console_user *u, void *ctx)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", u->name, console_role_name(u->role),
           u->province, u->producer, u->disabled ? "disabled" : "active",
           u->created);
    return 0;
}

static int run(const char *sub, const char *const *v)
{
    const char *name = v[U_USER - U_DB], *pwfile = v[U_PWFILE - U_DB];
    int is_list = !strcmp(sub, "list"), is_add = !strcmp(sub, "add");
    int is_pw = !strcmp(sub, "password");
    if (!is_list && !is_add && !is_pw && strcmp(sub, "disable")) {
        cli_error("unknown user command '%s' (add, list, disable, password)",
                  sub);
        return LABELS_EXIT_USAGE;
    }
    if (!is_list && !name) {
        cli_error("user %s needs --user NAME", sub);
        return LABELS_EXIT_USAGE;
    }
    console_role role = CONSOLE_VIEWER;
    if (is_add && console_role_parse(v[U_ROLE - U_DB], &role)) {
        cli_error("user add needs --role central, province, producer, "
                  "inspector or viewer");
        return LABELS_EXIT_USAGE;
    }
    if ((is_add || is_pw) && !pwfile) {
        cli_error("user %s needs --password-file FILE", sub);
        return LABELS_EXIT_USAGE;
    }
    char pw[CONSOLE_PASSWORD_MAX + 2];
    size_t pwlen = 0;
    int rc;
    if ((is_add || is_pw) &&
        (rc = read_password(pwfile, pw, sizeof pw, &pwlen)) != LABELS_EXIT_OK)
        return rc;
    sqlite3 *db;
    rc = regcli_open(v[0], 0, &db);
    if (rc != LABELS_EXIT_OK) {
        sodium_memzero(pw, sizeof pw);
        return rc;
    }
    char err[CONSOLE_ERR_MAX] = "", actor[96];
    regcli_actor(actor, sizeof actor);
    int failed;
    if (is_list) {
        puts("name\trole\tprovince\tproducer\tstate\tcreated");
        failed = console_user_list(db, print_user, NULL, err, sizeof err);
    } else if (is_add) {
        failed =
            console_user_add(db, NULL, actor, name, role, v[U_PROVINCE - U_DB],
                             v[U_PRODUCER - U_DB], pw, pwlen, err, sizeof err);
    } else if (is_pw) {
        failed = console_user_password(db, NULL, actor, name, pw, pwlen, err,
                                       sizeof err);
    } else {
        failed = console_user_disable(db, actor, name, err, sizeof err);
    }
    sodium_memzero(pw, sizeof pw);
    registry_close(db);
    if (failed) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    if (!is_list)
        printf("%s %s\n", name,
               is_add  ? "added"
               : is_pw ? "has a new password"
                       : "disabled");
    return LABELS_EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, U_DB},
        {"user", required_argument, NULL, U_USER},
        {"role", required_argument, NULL, U_ROLE},
        {"province", required_argument, NULL, U_PROVINCE},
        {"producer", required_argument, NULL, U_PRODUCER},
        {"password-file", required_argument, NULL, U_PWFILE},
        {"help", no_argument, NULL, U_HELP},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? LABELS_EXIT_USAGE : LABELS_EXIT_OK;
    }
    const char *v[U_HELP - U_DB] = {NULL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        if (c == U_HELP || c == 'h') {
            fputs(usage_text, stdout);
            return LABELS_EXIT_OK;
        }
        if (c < U_DB || c >= U_HELP)
            return LABELS_EXIT_USAGE;
        v[c - U_DB] = optarg;
    }
    if (!v[0] || optind != argc - 1) {
        cli_error("user %s needs --db REG.db (and no other arguments)",
                  argv[1]);
        return LABELS_EXIT_USAGE;
    }
    return run(argv[1], v);
}

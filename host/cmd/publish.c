/* publish.c -- ocop-host publish: the next version of the signed
 * mirror feed (docs/feed.md). */
#include "cmd/cli.h"
#include "feed/feed.h"
#include "registry/registry.h"

#include <errno.h>
#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    if (!s || *s < '0' || *s > '9')
        return -1;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int read_key(const char *path, labels_seckey *sec)
{
    int rc = labels_seckey_read(path, sec);
    if (rc != LABELS_OK)
        cli_error("cannot read secret key %s: %s%s%s", path,
                  labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                  rc == LABELS_ERR_IO ? strerror(errno) : "");
    return rc;
}

/* feed_publish's source for --db: the registry exported now, numbered
 * as the feed's next version (or the registry's, if higher). */
static int export_now(void *ctx, const char *path, int64_t *version, char *err,
                      size_t errsz)
{
    long long v = 0;
    if (registry_export_at((const char *)ctx, path, NULL, (long long)*version,
                           &v, err, errsz) != 0)
        return -1;
    *version = (int64_t)v;
    return 0;
}

struct pargs {
    const char *mirror, *db, *keypath, *feed, *old, *conf, *url, *kdata;
    const char *world, *registry, *status;
    int expires, keep, scheduled, prune;
    long long now, version;
    char paths[5][4096]; /* --world's files */
};

/* Note the attempt's outcome in --status (when given) for the console's
 * dashboard and the server's log. 0, or -1 (said) when it cannot. */
static int record(const struct pargs *a, int ok, int64_t version,
                  long long mark, const char *why, int64_t now)
{
    char err[512];
    if (!a->status || feed_status_record(a->status, ok, a->scheduled, version,
                                         mark, why, now, err, sizeof err) == 0)
        return 0;
    cli_error("publish: %s", err);
    return -1;
}

/* The options; -1 to go on, else an EXIT_ code. */
static int parse(int argc, char **argv, struct pargs *a)
{
    static const struct option opts[] = {
        {"mirror", required_argument, NULL, 'm'},
        {"db", required_argument, NULL, 'b'},
        {"key", required_argument, NULL, 'k'},
        {"feed", required_argument, NULL, 'f'},
        {"expires-days", required_argument, NULL, 'e'},
        {"keep-deltas", required_argument, NULL, 'd'},
        {"announce-from", required_argument, NULL, 'a'},
        {"now", required_argument, NULL, 'n'},
        {"version", required_argument, NULL, 'V'},
        {"kiosk-conf", required_argument, NULL, 'C'},
        {"url", required_argument, NULL, 'u'},
        {"kiosk-data", required_argument, NULL, 'D'},
        {"world", required_argument, NULL, 'w'},
        {"registry", required_argument, NULL, 'r'},
        {"status", required_argument, NULL, 's'},
        {"scheduled", no_argument, NULL, 'S'},
        {"prune", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->kdata = "/var/lib/ocop-kiosk";
    a->expires = FEED_DEFAULT_EXPIRES_DAYS;
    a->keep = FEED_DEFAULT_KEEP_DELTAS;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:b:k:f:e:d:a:n:C:u:D:V:w:r:s:SPh",
                            opts, NULL)) != -1) {
        switch (c) {
        case 'm': a->mirror = optarg; break;
        case 'b': a->db = optarg; break;
        case 'k': a->keypath = optarg; break;
        case 'f': a->feed = optarg; break;
        case 'a': a->old = optarg; break;
        case 'C': a->conf = optarg; break;
        case 'u': a->url = optarg; break;
        case 'D': a->kdata = optarg; break;
        case 'w': a->world = optarg; break;
        case 'r': a->registry = optarg; break;
        case 's': a->status = optarg; break;
        case 'S': a->scheduled = 1; break;
        case 'P': a->prune = 1; break;
        case 'V': {
            char *end;
            errno = 0;
            long long v = strtoll(optarg, &end, 10);
            if (errno || *end || v <= 0) {
                cli_error("--version must be a positive number, not '%s'",
                          optarg);
                return LABELS_EXIT_USAGE;
            }
            a->version = v;
            break;
        }
        case 'n': {
            /* Seconds since the epoch: for staging a feed, and tests. */
            char *end;
            errno = 0;
            long long v = strtoll(optarg, &end, 10);
            if (errno || *end || v <= 0) {
                cli_error("--now must be seconds since 1970, not '%s'", optarg);
                return LABELS_EXIT_USAGE;
            }
            a->now = v;
            break;
        }
        case 'e':
            if (parse_int(optarg, 1, 366, &a->expires)) {
                cli_error("--expires-days must be 1 to 366, not '%s'", optarg);
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'd':
            if (parse_int(optarg, 0, FEED_MAX_KEEP_DELTAS, &a->keep)) {
                cli_error("--keep-deltas must be 0 to %d, not '%s'",
                          FEED_MAX_KEEP_DELTAS, optarg);
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'h':
            puts("usage: ocop-host publish --db REG.db --key AUTH.sec "
                 "--feed DIR [--status FILE]\n"
                 "       ocop-host publish --mirror MIRROR.db --key AUTH.sec "
                 "--feed DIR\n"
                 "         [--registry REG.db] [--status FILE] "
                 "[--scheduled]\n"
                 "       ocop-host publish --world DIR [--scheduled] "
                 "[options]\n"
                 "         [--expires-days N] [--keep-deltas N] "
                 "[--announce-from OLD.sec]\n"
                 "         [--now UNIX_SECONDS] [--version N]\n"
                 "         [--kiosk-conf FILE --url FEED_URL "
                 "[--kiosk-data DIR]]\n"
                 "       ocop-host publish --prune --feed DIR "
                 "[--now UNIX_SECONDS]");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    return -1;
}

/* --world DIR names every file the explicit options did not:
 * DIR/registry.db, mirror.db, authority.sec, feed/ and publish-status. */
static int world_files(struct pargs *a)
{
    static const char *const names[] = {
        "registry.db", "mirror.db", "authority.sec", "feed", FEED_STATUS_NAME};
    const char **slots[] = {&a->registry, &a->mirror, &a->keypath, &a->feed,
                            &a->status};
    for (size_t i = 0; a->world && i < 5; i++) {
        if (*slots[i])
            continue;
        if ((size_t)snprintf(a->paths[i], sizeof a->paths[i], "%s/%s", a->world,
                             names[i]) >= sizeof a->paths[i]) {
            cli_error("--world path too long");
            return -1;
        }
        *slots[i] = a->paths[i];
    }
    return 0;
}

/* With --registry: export it into --mirror first, unless the timer asked
 * (--scheduled) and nothing is due. 1 go on, 0 nothing to do, -1 failed
 * (recorded). */
static int export_first(const struct pargs *a, long long *mark, int64_t now)
{
    char err[512];
    if (!a->registry)
        return 1;
    if (registry_change_mark(a->registry, mark, err, sizeof err) == 0) {
        if (a->scheduled && !feed_publish_due(a->status, a->feed, *mark, now)) {
            printf("nothing to publish: the registry has not changed and "
                   "the feed is less than %d hours old\n",
                   FEED_REPUBLISH_S / 3600);
            /* What the last publish kept for its grace time may go. */
            (void)feed_prune(a->feed, now, err, sizeof err);
            return 0;
        }
        long long v;
        if (registry_export(a->registry, a->mirror, NULL, &v, err,
                            sizeof err) == 0)
            return 1;
    }
    cli_error("publish: %s", err);
    record(a, 0, 0, *mark, err, now);
    return -1;
}

int cmd_publish(int argc, char **argv)
{
    struct pargs args, *a = &args;
    int prc = parse(argc, argv, a);
    if (prc >= 0)
        return prc;
    if (a->db && (a->mirror || a->world || a->registry)) {
        cli_error("publish --db REG.db exports the registry itself: not with "
                  "--mirror, --world or --registry");
        return LABELS_EXIT_USAGE;
    }
    if (world_files(a))
        return LABELS_EXIT_USAGE;
    int64_t now = a->now ? a->now : (int64_t)time(NULL);
    if (a->prune) {
        char err[512];
        if (!a->feed || optind != argc) {
            cli_error("publish --prune needs --feed DIR");
            return LABELS_EXIT_USAGE;
        }
        if (feed_prune(a->feed, now, err, sizeof err) != 0) {
            cli_error("publish: %s", err);
            return LABELS_EXIT_FAIL;
        }
        return LABELS_EXIT_OK;
    }
    long long mark = 0;
    if (a->mirror && a->feed) {
        int go = export_first(a, &mark, now);
        if (go <= 0)
            return go ? LABELS_EXIT_FAIL : LABELS_EXIT_OK;
    }
    if (!a->mirror == !a->db || !a->keypath || !a->feed || optind != argc) {
        cli_error("publish needs --db REG.db (or --mirror FILE, or --world "
                  "DIR), --key FILE and --feed DIR");
        return LABELS_EXIT_USAGE;
    }
    if (!a->conf != !a->url || (a->url && strncmp(a->url, "http://", 7) &&
                                strncmp(a->url, "https://", 8))) {
        cli_error("--kiosk-conf FILE goes with --url http(s)://... (where "
                  "kiosks will find this feed)");
        return LABELS_EXIT_USAGE;
    }
    labels_seckey sec, oldsec;
    if (read_key(a->keypath, &sec) != LABELS_OK) {
        record(a, 0, 0, mark, "cannot read the authority's secret key", now);
        return LABELS_EXIT_FAIL;
    }
    /* The public half of the signing key, for kiosk configurations. */
    labels_pubkey pub;
    labels_seckey_public(&sec, &pub);
    if (a->old && read_key(a->old, &oldsec) != LABELS_OK) {
        labels_seckey_wipe(&sec);
        return LABELS_EXIT_FAIL;
    }
    struct feed_publish_opts o = {
        .mirror = a->mirror,
        .export_fn = a->db ? export_now : NULL,
        .export_ctx = (void *)a->db,
        .feed_dir = a->feed,
        .key = &sec,
        .announce_from = a->old ? &oldsec : NULL,
        .expires_days = a->expires,
        .keep_deltas = a->keep,
        .now = a->now,
        .version = a->version,
    };
    struct feed_publish_result res;
    char err[512] = "";
    int rc = feed_publish(&o, &res, err, sizeof err);
    labels_seckey_wipe(&sec);
    if (a->old)
        labels_seckey_wipe(&oldsec);
    if (rc != LABELS_OK) {
        cli_error("publish: %s", err[0] ? err : labels_strerror(rc));
        record(a, 0, 0, mark, err[0] ? err : labels_strerror(rc), now);
        return LABELS_EXIT_FAIL;
    }
    if (record(a, 1, res.version, mark, NULL, now))
        return LABELS_EXIT_FAIL;
    if (res.skipped)
        cli_error("warning: no delta from %zu old version(s) (%s); kiosks "
                  "on them will take the snapshot",
                  res.skipped, res.skipped_why);
    if (res.stale_mirror)
        cli_error("warning: %s was published before (feed_version %lld or "
                  "lower); changes made in the registry since its export are "
                  "not in it: publish --db REG.db publishes the registry as it "
                  "is now",
                  a->mirror, (long long)res.version - 1);
    printf("published version %lld: snapshot %zu bytes, %zu deltas\n",
           (long long)res.version, res.snapshot_bytes, res.ndeltas);
    if (a->conf) {
        rc = feed_kiosk_conf_write(a->conf, a->url, &pub, a->kdata);
        if (rc != LABELS_OK) {
            cli_error("cannot write %s: %s", a->conf, labels_strerror(rc));
            return LABELS_EXIT_FAIL;
        }
        printf("kiosk configuration written to %s\n", a->conf);
    }
    return LABELS_EXIT_OK;
}

/* config.c -- parse the kiosk's INI file with inih. Sections this build
 * does not know are left for later features; unknown keys in a known
 * section are errors, since a typo there silently changes behaviour. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse_ctx {
    struct kiosk_config *cfg;
    char msg[256];
};

static int set_long(const char *value, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    if (*value < '0' || *value > '9')
        return -1;
    long v = strtol(value, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int set_str(const char *value, char *out, size_t outsz)
{
    size_t n = strlen(value);
    if (n == 0 || n >= outsz)
        return -1;
    memcpy(out, value, n + 1);
    return 0;
}

static const struct {
    const char *name;
    size_t off;
    long lo, hi;
} numbers[] = {
    {"interval", offsetof(struct kiosk_config, interval), 10, 7 * 86400},
    {"connect_timeout", offsetof(struct kiosk_config, connect_timeout), 1, 600},
    {"timeout", offsetof(struct kiosk_config, timeout), 1, 86400},
    {"low_speed_limit", offsetof(struct kiosk_config, low_speed_limit), 0,
     100000000},
    {"low_speed_time", offsetof(struct kiosk_config, low_speed_time), 1, 3600},
    {"retries", offsetof(struct kiosk_config, retries), 0, 20},
    {"backoff_ms", offsetof(struct kiosk_config, backoff_ms), 0, 600000},
    {"max_backoff", offsetof(struct kiosk_config, max_backoff), 0, 3600},
};

static int feed_key(struct parse_ctx *c, const char *name, const char *value)
{
    struct kiosk_config *cfg = c->cfg;
    if (!strcmp(name, "url")) {
        if (set_str(value, cfg->feed_url, sizeof cfg->feed_url) ||
            (strncmp(value, "https://", 8) && strncmp(value, "http://", 7) &&
             strncmp(value, "file://", 7))) {
            snprintf(c->msg, sizeof c->msg,
                     "[feed] url must be an http://, https:// or file:// URL");
            return 0;
        }
        return 1;
    }
    if (!strcmp(name, "authority_key")) {
        if (labels_pubkey_parse(value, strlen(value), &cfg->authority) !=
            LABELS_OK) {
            snprintf(c->msg, sizeof c->msg,
                     "[feed] authority_key is not a public key");
            return 0;
        }
        cfg->have_authority = 1;
        return 1;
    }
    if (!strcmp(name, "pin")) {
        if (set_str(value, cfg->pin, sizeof cfg->pin) ||
            strncmp(value, "sha256//", 8)) {
            snprintf(c->msg, sizeof c->msg,
                     "[feed] pin must be sha256//BASE64 (as curl's "
                     "--pinnedpubkey)");
            return 0;
        }
        return 1;
    }
    if (!strcmp(name, "ca_file")) {
        if (set_str(value, cfg->ca_file, sizeof cfg->ca_file)) {
            snprintf(c->msg, sizeof c->msg, "[feed] ca_file must be a path");
            return 0;
        }
        return 1;
    }
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        if (strcmp(name, numbers[i].name))
            continue;
        long *dst = (long *)((char *)cfg + numbers[i].off);
        if (set_long(value, numbers[i].lo, numbers[i].hi, dst)) {
            snprintf(c->msg, sizeof c->msg,
                     "[feed] %s must be a whole number from %ld to %ld", name,
                     numbers[i].lo, numbers[i].hi);
            return 0;
        }
        return 1;
    }
    snprintf(c->msg, sizeof c->msg, "unknown key '%s' in [feed]", name);
    return 0;
}

/* A device path, or "none" for none (stored as ""). */
static int set_device(const char *value, char *out)
{
    if (!strcmp(value, "none")) {
        out[0] = '\0';
        return 0;
    }
    return set_str(value, out, KIOSK_PATH_MAX);
}

static int bad(struct parse_ctx *c, const char *section, const char *name,
               const char *what)
{
    snprintf(c->msg, sizeof c->msg, "[%s] %s must be %s", section, name, what);
    return 0;
}

static int number(struct parse_ctx *c, const char *section, const char *name,
                  const char *value, long lo, long hi, long *out)
{
    if (set_long(value, lo, hi, out) == 0)
        return 1;
    snprintf(c->msg, sizeof c->msg,
             "[%s] %s must be a whole number from %ld to %ld", section, name,
             lo, hi);
    return 0;
}

static int unknown(struct parse_ctx *c, const char *section, const char *name)
{
    snprintf(c->msg, sizeof c->msg, "unknown key '%s' in [%s]", name, section);
    return 0;
}

/* [camera], [scanner], [screen], [upload]: the service's inputs and
 * outputs (docs/kiosk-config.md). */
static int service_key(struct parse_ctx *c, const char *section,
                       const char *name, const char *value)
{
    struct kiosk_config *cfg = c->cfg;
    if (!strcmp(section, "camera")) {
        if (!strcmp(name, "device"))
            return set_device(value, cfg->camera)
                       ? bad(c, section, name, "a device path or none")
                       : 1;
        if (!strcmp(name, "width"))
            return number(c, section, name, value, 0, 8192, &cfg->camera_width);
        if (!strcmp(name, "height"))
            return number(c, section, name, value, 0, 8192,
                          &cfg->camera_height);
        if (!strcmp(name, "absent_ms"))
            return number(c, section, name, value, 0, 600000, &cfg->absent_ms);
        return unknown(c, section, name);
    }
    if (!strcmp(section, "scanner")) {
        if (!strcmp(name, "device"))
            return set_device(value, cfg->scanner)
                       ? bad(c, section, name, "a device path, - or none")
                       : 1;
        return unknown(c, section, name);
    }
    if (!strcmp(section, "screen")) {
        if (!strcmp(name, "output")) {
            if (set_str(value, cfg->screen_output, sizeof cfg->screen_output) ||
                (strcmp(value, "auto") && strcmp(value, "none") &&
                 strcmp(value, "drm") && strcmp(value, "fb") &&
                 strncmp(value, "drm:/", 5) && strncmp(value, "fb:/", 4) &&
                 strncmp(value, "png:", 4)))
                return bad(c, section, name,
                           "auto, drm[:DEVICE], fb[:DEVICE], png:FILE or none");
            return 1;
        }
        if (!strcmp(name, "language")) {
            int lang = labels_lang_from_code(value);
            if (lang < 0)
                return bad(c, section, name, "vi or en");
            cfg->language = lang;
            return 1;
        }
        if (!strcmp(name, "verdict_seconds"))
            return number(c, section, name, value, 1, 600,
                          &cfg->verdict_seconds);
        if (!strcmp(name, "size")) {
            char *end;
            errno = 0;
            long w = strtol(value, &end, 10), h = 0;
            if (*value >= '0' && *value <= '9' && *end == 'x' && !errno &&
                end[1] >= '0' && end[1] <= '9')
                h = strtol(end + 1, &end, 10);
            if (errno || *end || w < 320 || w > 8192 || h < 240 || h > 8192)
                return bad(c, section, name,
                           "WIDTHxHEIGHT from 320x240 to 8192x8192");
            cfg->screen_width = w;
            cfg->screen_height = h;
            return 1;
        }
        if (!strcmp(name, "language_code"))
            return set_str(value, cfg->language_code, sizeof cfg->language_code)
                       ? bad(c, section, name, "1 to 31 characters")
                       : 1;
        return unknown(c, section, name);
    }
    /* [upload] */
    if (!strcmp(name, "url")) {
        if (set_str(value, cfg->upload_url, sizeof cfg->upload_url) ||
            (strncmp(value, "https://", 8) && strncmp(value, "http://", 7)))
            return bad(c, section, name, "an http:// or https:// URL");
        return 1;
    }
    if (!strcmp(name, "ca_file"))
        return set_str(value, cfg->upload_ca_file, sizeof cfg->upload_ca_file)
                   ? bad(c, section, name, "a path")
                   : 1;
    if (!strcmp(name, "batch"))
        return number(c, section, name, value, 1, 1000, &cfg->upload_batch);
    if (!strcmp(name, "interval"))
        return number(c, section, name, value, 1, 86400, &cfg->upload_interval);
    return unknown(c, section, name);
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    struct parse_ctx *c = user;
    if (!strcmp(section, "camera") || !strcmp(section, "scanner") ||
        !strcmp(section, "screen") || !strcmp(section, "upload"))
        return service_key(c, section, name, value);
    if (!strcmp(section, "feed"))
        return feed_key(c, name, value);
    if (!strcmp(section, "data")) {
        char *dst = NULL;
        if (!strcmp(name, "scans_max")) {
            if (set_long(value, 100, 100000000, &c->cfg->scans_max)) {
                snprintf(c->msg, sizeof c->msg,
                         "[data] scans_max must be a whole number from 100 "
                         "to 100000000");
                return 0;
            }
            return 1;
        }
        if (!strcmp(name, "mirror"))
            dst = c->cfg->mirror;
        else if (!strcmp(name, "state"))
            dst = c->cfg->state;
        else if (!strcmp(name, "scans"))
            dst = c->cfg->scans;
        if (!dst) {
            snprintf(c->msg, sizeof c->msg, "unknown key '%s' in [data]", name);
            return 0;
        }
        if (set_str(value, dst, KIOSK_PATH_MAX)) {
            snprintf(c->msg, sizeof c->msg, "[data] %s must be a path", name);
            return 0;
        }
        return 1;
    }
    if (!*section) {
        snprintf(c->msg, sizeof c->msg, "key '%s' outside any section", name);
        return 0;
    }
    return 1;
}

int kiosk_config_load(const char *path, struct kiosk_config *cfg, char *err,
                      size_t errsz)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->interval = 3600;
    cfg->connect_timeout = 15;
    cfg->timeout = 600;
    cfg->low_speed_limit = 100;
    cfg->low_speed_time = 60;
    cfg->retries = 3;
    cfg->backoff_ms = 1000;
    cfg->max_backoff = 300;
    snprintf(cfg->mirror, sizeof cfg->mirror, "/var/lib/ocop-kiosk/mirror.db");
    snprintf(cfg->state, sizeof cfg->state, "/var/lib/ocop-kiosk/sync.state");
    cfg->scans[0] = '\0'; /* default: scans.db beside the mirror */
    cfg->scans_max = 100000;
    snprintf(cfg->camera, sizeof cfg->camera, "/dev/video0");
    cfg->absent_ms = 1500;
    snprintf(cfg->screen_output, sizeof cfg->screen_output, "auto");
    cfg->language = LABELS_LANG_VI;
    cfg->verdict_seconds = 8;
    cfg->screen_width = 800;
    cfg->screen_height = 480;
    snprintf(cfg->language_code, sizeof cfg->language_code, "OCOP:LANG");
    cfg->upload_batch = 200;
    cfg->upload_interval = 300;

    struct parse_ctx c = {.cfg = cfg};
    int line = ini_parse(path, handler, &c);
    if (line == -1) {
        snprintf(err, errsz, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (line == -2) {
        snprintf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    if (line > 0) {
        snprintf(err, errsz, "%s:%d: %s", path, line,
                 c.msg[0] ? c.msg : "syntax error");
        return -1;
    }
    if (!cfg->scans[0]) {
        /* Beside the mirror, unless configured elsewhere. */
        const char *slash = strrchr(cfg->mirror, '/');
        int dirlen = slash ? (int)(slash - cfg->mirror) : 1;
        int n = snprintf(cfg->scans, sizeof cfg->scans, "%.*s/scans.db", dirlen,
                         slash ? cfg->mirror : ".");
        if (n < 0 || (size_t)n >= sizeof cfg->scans) {
            snprintf(err, errsz, "%s: [data] mirror path too long", path);
            return -1;
        }
    }
    if (!cfg->feed_url[0] || !cfg->have_authority) {
        snprintf(err, errsz, "%s: [feed] needs url and authority_key", path);
        return -1;
    }
    return 0;
}

void kiosk_data_dir(const struct kiosk_config *cfg, char *out, size_t outsz)
{
    const char *slash = strrchr(cfg->state, '/');
    if (!slash)
        snprintf(out, outsz, ".");
    else if (slash == cfg->state)
        snprintf(out, outsz, "/");
    else
        snprintf(out, outsz, "%.*s", (int)(slash - cfg->state), cfg->state);
}

/* verdict_pipeline.c -- decode-to-verdict path shared by every input. */
#include "verdict_pipeline.h"

#include "mirror_version.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The mirror's publish date as a label day; 0 if unknown. */
static uint16_t publish_day(labels_mirror *m)
{
    int64_t version;
    char published[32], day[LABELS_DATE_SIZE];
    uint16_t d = 0;
    if (labels_mirror_info(m, &version, published) != LABELS_OK ||
        strlen(published) < 10)
        return 0;
    memcpy(day, published, 10);
    day[10] = '\0';
    return labels_date_parse(day, &d) == LABELS_OK ? d : 0;
}

int verdicts_reload(struct kiosk_verdicts *v)
{
    labels_mirror_close(v->mirror);
    v->mirror = NULL;
    /* A sync killed mid-apply leaves a hot journal that only a writer can
     * roll back; mirror_version() opens read-write once to do that. */
    char err[256];
    /* Before the first sync there is no mirror: say so, not "missing,
     * corrupt or of another version" (issue 11). */
    if (access(v->cfg->mirror, F_OK) != 0 && errno == ENOENT) {
        snprintf(v->not_ready, sizeof v->not_ready,
                 "no mirror at %s yet: waiting for the first sync",
                 v->cfg->mirror);
        return -1;
    }
    if (mirror_version(v->cfg->mirror, err, sizeof err) < 0) {
        snprintf(v->not_ready, sizeof v->not_ready, "mirror %s: %s",
                 v->cfg->mirror, err);
        return -1;
    }
    int rc = labels_mirror_open(v->cfg->mirror, &v->mirror);
    if (rc != LABELS_OK) {
        snprintf(v->not_ready, sizeof v->not_ready, "mirror %s: %s",
                 v->cfg->mirror, labels_strerror(rc));
        v->mirror = NULL;
        return -1;
    }
    v->floor_day = publish_day(v->mirror);
    v->not_ready[0] = '\0';
    return 0;
}

void verdicts_open(struct kiosk_verdicts *v, const struct kiosk_config *cfg)
{
    memset(v, 0, sizeof *v);
    v->cfg = cfg;
    verdicts_reload(v);
    char err[KIOSK_PATH_MAX + 256];
    /* A fresh kiosk's data folder is made by its first sync, which comes
     * after this: make it here too (one level, as the sync does), or the
     * first start logs a false "unable to open database file". */
    char *copy = strdup(cfg->scans);
    if (copy && mkdir(dirname(copy), 0755) != 0 && errno != EEXIST)
        snprintf(v->log_problem, sizeof v->log_problem,
                 "cannot create the folder of %s: %s", cfg->scans,
                 strerror(errno));
    free(copy);
    if (scan_log_open(cfg->scans, cfg->scans_max, &v->log, err, sizeof err))
        snprintf(v->log_problem, sizeof v->log_problem, "%s", err);
}

void verdicts_close(struct kiosk_verdicts *v)
{
    labels_mirror_close(v->mirror);
    scan_log_close(v->log);
    memset(v, 0, sizeof *v);
}

/* The sync state, reread only when the sync replaced the file. */
static void refresh_state(struct kiosk_verdicts *v)
{
    struct stat st;
    if (stat(v->cfg->state, &st) != 0) {
        memset(&v->state, 0, sizeof v->state);
        v->state_mtime = 0;
        v->state_ino = 0;
        return;
    }
    if (st.st_mtime == v->state_mtime && st.st_ino == v->state_ino)
        return;
    if (sync_state_read(v->cfg->state, &v->state) != 0)
        memset(&v->state, 0, sizeof v->state);
    v->state_mtime = st.st_mtime;
    v->state_ino = st.st_ino;
}

static void fill_record(const struct kiosk_verdict *kv, const char *text,
                        size_t len, time_t now, scan_record *r)
{
    const labels_facts *f = &kv->facts;
    memset(r, 0, sizeof *r);
    r->time = (int64_t)now;
    snprintf(r->verdict, sizeof r->verdict, "%s",
             labels_verdict_word(f->verdict));
    if (f->have_label) {
        snprintf(r->product, sizeof r->product, "%s", f->label.product);
        labels_key_id_hex(f->label.key_id, r->key_id);
        snprintf(r->lot, sizeof r->lot, "%s", f->label.lot);
        r->serial = f->label.serial;
    }
    scan_log_hash_text(text, len, r->text_hash);
    r->stale = kv->stale;
}

int verdicts_check(struct kiosk_verdicts *v, const char *text, size_t len,
                   struct kiosk_verdict *out)
{
    memset(out, 0, sizeof *out);
    if (!v->mirror && verdicts_reload(v) != 0)
        return -1;
    time_t now = time(NULL);
    uint16_t today;
    /* A clock before the data's own publish date is wrong; judging
     * certificate dates by it would be too. The stale flag still shows
     * that the clock cannot vouch for the data's age. */
    if (labels_date_today(&today) != LABELS_OK || today < v->floor_day)
        today = v->floor_day;
    int rc = labels_check(v->mirror, text, len, today, &out->facts);
    if (rc != LABELS_OK) {
        snprintf(v->not_ready, sizeof v->not_ready, "mirror %s: %s",
                 v->cfg->mirror, labels_strerror(rc));
        labels_mirror_close(v->mirror);
        v->mirror = NULL;
        return -1;
    }
    refresh_state(v);
    out->stale = sync_state_stale(&v->state, now);
    if (v->state.last_sync)
        (void)labels_time_iso(v->state.last_sync, out->since);
    else
        snprintf(out->since, sizeof out->since, "never");

    if (!v->log) {
        char err[KIOSK_PATH_MAX + 256];
        if (scan_log_open(v->cfg->scans, v->cfg->scans_max, &v->log, err,
                          sizeof err) != 0) {
            snprintf(v->log_problem, sizeof v->log_problem, "%s", err);
            return 0;
        }
    }
    scan_record r;
    fill_record(out, text, len, now, &r);
    if (scan_log_append(v->log, &r) == 0) {
        out->scan_id = r.id;
        v->log_problem[0] = '\0';
    } else {
        snprintf(v->log_problem, sizeof v->log_problem, "%s",
                 scan_log_error(v->log));
    }
    return 0;
}

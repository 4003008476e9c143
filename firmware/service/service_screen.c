/* service_screen.c -- the service's screen: open the configured display,
 * and draw what the loop's state says whenever it changes. */
#include "service_int.h"

#include "log.h"
#include "sync_state.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>

void svc_screen_close(struct svc *s)
{
    screen_display_close(s->disp);
    s->disp = NULL;
}

/* Open the configured display; without one, verdicts go to the log
 * only (they always do) and scanning goes on. */
void svc_screen_open(struct svc *s)
{
    svc_screen_close(s);
    s->shown[0] = '\0';
    if (!strcmp(s->cfg.screen_output, "none"))
        return;
    char msg[512];
    if (!s->rend && screen_renderer_new(&s->rend) != LABELS_OK) {
        kiosk_logl(KLOG_ERR, "screen: cannot start the renderer; verdicts "
                             "are logged only");
        s->rend = NULL;
        return;
    }
    int rc = screen_display_open(s->cfg.screen_output, (int)s->cfg.screen_width,
                                 (int)s->cfg.screen_height, &s->disp, msg,
                                 sizeof msg);
    if (rc != LABELS_OK) {
        kiosk_logl(KLOG_WARNING,
                   "screen %s: %s; verdicts are logged only, scanning goes on",
                   s->cfg.screen_output, msg);
        s->disp = NULL;
        return;
    }
    screen_display_size(s->disp, &s->disp_w, &s->disp_h);
    kiosk_logl(KLOG_INFO, "screen: %s %dx%d", screen_display_kind(s->disp),
               s->disp_w, s->disp_h);
}

static const char *mode_name(screen_mode m)
{
    switch (m) {
    case SCREEN_MODE_VERDICT: return "verdict";
    case SCREEN_MODE_NO_MIRROR: return "not_ready";
    case SCREEN_MODE_NO_CAMERA: return "no_camera";
    default: return "idle";
    }
}

/* What the screen should show now; drawn only when it changed. */
void svc_screen_update(struct svc *s, int64_t now)
{
    screen_state st;
    memset(&st, 0, sizeof st);
    st.lang = s->lang;
    char since[32];

    /* The state file changes once a sync round at most: reading it
     * once a second, not once a camera frame, is enough. */
    if (now >= s->next_stale_check) {
        s->stale = sync_stale_since(s->cfg.state, time(NULL), since);
        s->next_stale_check = now + 1000;
        /* The banner's "since" is `ocop-kiosk status`'s: the last sync
         * (sync_stale_since), never the mirror's own publish date. */
        s->data_date[0] = '\0';
        if (strlen(since) >= 10 && since[4] == '-') {
            memcpy(s->data_date, since, 10);
            s->data_date[10] = '\0';
        }
    }
    st.stale = s->stale;
    memcpy(st.data_date, s->data_date, sizeof st.data_date);
    pthread_mutex_lock(&s->w.mu);
    st.offline = s->w.offline;
    pthread_mutex_unlock(&s->w.mu);
    if (s->insp.active) {
        st.inspector = s->insp_banner;
        st.inspector_notes = s->insp_notes;
    }
    if (s->notice_until > now)
        st.notice = s->notice;
    st.input = !s->cfg.scanner[0]  ? SCREEN_INPUT_CAMERA
               : !s->cfg.camera[0] ? SCREEN_INPUT_SCANNER
                                   : SCREEN_INPUT_BOTH;
    if (s->verdict_until > now) {
        st.mode = SCREEN_MODE_VERDICT;
        st.facts = &s->facts;
        st.stale = s->verdict_stale;
    } else if (!s->v.mirror) {
        st.mode = SCREEN_MODE_NO_MIRROR;
    } else if (!s->cam && s->scan_fd < 0 &&
               (s->cfg.camera[0] || s->cfg.scanner[0])) {
        /* No way to scan at all; with one input working the kiosk still
         * works and the other's failure is only logged. */
        st.mode = SCREEN_MODE_NO_CAMERA;
    } else {
        st.mode = SCREEN_MODE_IDLE;
    }
    char key[sizeof s->shown];
    static const char *const input_word[] = {"camera", "scanner", "both"};
    snprintf(
        key, sizeof key,
        "%s lang=%s stale=%d offline=%d insp=%d since=%s input=%s notice=%s %s",
        mode_name(st.mode), labels_lang_code(st.lang), st.stale, st.offline,
        s->insp.active, st.data_date, input_word[st.input],
        st.notice ? s->notice_kind : "-",
        st.mode == SCREEN_MODE_VERDICT ? labels_verdict_word(s->facts.verdict)
                                       : "");
    if (!strcmp(key, s->shown))
        return;
    /* A new verdict for the same code is a new screen too: the caller
     * clears shown[] when it sets one. */
    memcpy(s->shown, key, sizeof key);
    if (s->disp) {
        screen_info info;
        char msg[512];
        screen_pixels px;
        cairo_surface_t *surf = screen_surface_new(s->disp_w, s->disp_h, &px);
        int rc = LABELS_ERR_NOMEM;
        if (surf)
            rc = screen_render(s->rend, surf, s->disp_w, s->disp_h, &st, &info);
        if (rc == LABELS_OK)
            rc = screen_display_show(s->disp, surf, msg, sizeof msg);
        else
            snprintf(msg, sizeof msg, "%s", labels_strerror(rc));
        screen_surface_free(surf, &px);
        if (rc != LABELS_OK)
            kiosk_logl(KLOG_ERR, "screen: %s", msg);
    }
    /* Logged once it is shown: what the shopper sees, or would see. */
    kiosk_logl(KLOG_INFO, "screen: %s", key);
    /* Back to idle after a shopper: the reader's retry images and the
     * verdict's working memory are free but glibc keeps them in the heap
     * (about 4 MB after a few labels); give them back. Once per return
     * to idle, a few hundred microseconds. */
    if (st.mode == SCREEN_MODE_IDLE)
        malloc_trim(0);
}

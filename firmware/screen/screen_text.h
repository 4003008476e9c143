/*
 * screen_text.h -- every word the kiosk screen shows, in Vietnamese and
 * English, and how each verdict is coloured.
 *
 * All strings live in screen_text.c so a translator can review one file.
 * Strings are UTF-8 and never NULL.
 */
#ifndef SCREEN_TEXT_H
#define SCREEN_TEXT_H

#include "labels.h"

typedef enum screen_lang {
    SCREEN_LANG_VI = 0, /* the default */
    SCREEN_LANG_EN,
    SCREEN_LANG_COUNT_
} screen_lang;

/* "vi" or "en" (either case); -1 for anything else. */
int screen_lang_parse(const char *code);
/* "vi" or "en". */
const char *screen_lang_code(screen_lang lang);
/* The other language: what the language key switches to. */
screen_lang screen_lang_toggle(screen_lang lang);

/* How a verdict is coloured: what the shopper should feel at a glance. */
typedef enum screen_tone {
    SCREEN_TONE_GOOD = 0, /* green: genuine */
    SCREEN_TONE_WARN,     /* amber: genuine label, but look twice */
    SCREEN_TONE_BAD,      /* red: do not trust this label */
    SCREEN_TONE_NEUTRAL,  /* grey: not an OCOP label at all */
    SCREEN_TONE_COUNT_
} screen_tone;

screen_tone screen_verdict_tone(labels_verdict v);

/* The large headline of a verdict. */
const char *screen_verdict_headline(labels_verdict v, screen_lang lang);
/* What the shopper should do (one or two sentences). */
const char *screen_verdict_advice(labels_verdict v, screen_lang lang);

/* Every other fixed string on the screen. */
typedef enum screen_msg {
    SCREEN_MSG_IDLE_TITLE = 0,
    SCREEN_MSG_IDLE_STEP1,
    SCREEN_MSG_IDLE_STEP2,
    SCREEN_MSG_IDLE_STEP3,
    SCREEN_MSG_IDLE_NOTE,
    SCREEN_MSG_LANG_HINT, /* how to switch language, in the OTHER language */
    SCREEN_MSG_NO_MIRROR_TITLE,
    SCREEN_MSG_NO_MIRROR_TEXT,
    SCREEN_MSG_NO_CAMERA_TITLE,
    SCREEN_MSG_NO_CAMERA_TEXT,
    SCREEN_MSG_STALE_FMT, /* one %s: the data date, already formatted */
    SCREEN_MSG_STALE_UNKNOWN,
    SCREEN_MSG_OFFLINE,
    SCREEN_MSG_PRODUCER,
    SCREEN_MSG_PROVINCE,
    SCREEN_MSG_GROUP,
    SCREEN_MSG_CERTIFICATE,
    SCREEN_MSG_VALID,
    SCREEN_MSG_LOT,
    SCREEN_MSG_SERIAL,
    SCREEN_MSG_PRODUCT_CODE,
    SCREEN_MSG_STARS_NOW,
    SCREEN_MSG_STARS_PRINTED,
    SCREEN_MSG_PROPOSED5,
    SCREEN_MSG_WHAT_TO_DO,
    SCREEN_MSG_REASON,
    SCREEN_MSG_REGISTERED_AS, /* heading over the real product's record */
    SCREEN_MSG_NO_PRODUCT,    /* the code is not in the register */
    SCREEN_MSG_PREV_FINDINGS, /* inspector mode: heading of the box */
    SCREEN_MSG_NO_FINDINGS,   /* inspector mode: none recorded yet */
    SCREEN_MSG_COUNT_
} screen_msg;

const char *screen_text(screen_msg msg, screen_lang lang);

/* The name of an OCOP product group ("food", ...) or producer kind
 * ("cooperative", ...) in lang; the code itself if it is unknown. */
const char *screen_group_name(const char *group, screen_lang lang);
const char *screen_producer_kind(const char *kind, screen_lang lang);

/* A "YYYY-MM-DD" date as the language writes it ("27/11/2026" or
 * "2026-11-27") into out; anything else is copied unchanged. */
void screen_format_date(const char *iso, screen_lang lang, char *out,
                        size_t outsz);

#endif

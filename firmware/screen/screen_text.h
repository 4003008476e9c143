/*
 * screen_text.h -- the words only the kiosk screen shows, in Vietnamese
 * and English, and dates as each language writes them.
 *
 * These strings live in screen_text.c; the words the screen shares with
 * the phone page are labels/' (below). Strings are UTF-8 and never NULL.
 */
#ifndef SCREEN_TEXT_H
#define SCREEN_TEXT_H

#include "labels.h"

/* The kiosk's own strings. Verdict headlines, advice and colours
 * (labels_verdict_headline/advice/tone), field labels
 * (labels_field_label), group and producer-kind names
 * (labels_group_name_of, labels_kind_name_of) and the language
 * (labels_lang) are the shared vocabulary in labels/, which the phone page
 * shows too. */
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
    SCREEN_MSG_PREV_FINDINGS,    /* inspector mode: heading of the box */
    SCREEN_MSG_NO_FINDINGS,      /* inspector mode: none recorded yet */
    SCREEN_MSG_INSPECTOR,        /* inspector mode: the banner's title */
    SCREEN_MSG_FINDING_RECORDED, /* one %s: the finding's name */
    SCREEN_MSG_BADGE_REFUSED,
    SCREEN_MSG_COUNT_
} screen_msg;

/* What a kiosk scans with: the words that name it depend on it. */
typedef enum screen_input {
    SCREEN_INPUT_CAMERA = 0,
    SCREEN_INPUT_SCANNER,
    SCREEN_INPUT_BOTH,
    SCREEN_INPUT_COUNT_
} screen_input;

/* The messages that name the input (SCREEN_MSG_IDLE_STEP2,
 * SCREEN_MSG_NO_CAMERA_TITLE) as worded for input; any other message as
 * screen_text() gives it. */
const char *screen_input_text(screen_msg msg, screen_input input,
                              labels_lang lang);

/* The string in lang (an unknown language is Vietnamese); "" for an
 * unknown msg. */
const char *screen_text(screen_msg msg, labels_lang lang);

/* A "YYYY-MM-DD" date as the language writes it ("27/11/2026" or
 * "2026-11-27") into out; anything else is copied unchanged. */
void screen_format_date(const char *iso, labels_lang lang, char *out,
                        size_t outsz);

#endif

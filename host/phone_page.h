/* phone_page.h -- the phone verification page (GET /V/<payload>) as
 * HTML: one self-contained page per verdict, inline CSS, no script. */
#ifndef OCOP_HOST_PHONE_PAGE_H
#define OCOP_HOST_PHONE_PAGE_H

#include "labels.h"

#include <stddef.h>

typedef enum phone_lang {
    PHONE_VI = LABELS_LANG_VI,
    PHONE_EN = LABELS_LANG_EN,
    PHONE_LANG_COUNT_ = LABELS_LANG_COUNT_
} phone_lang;

/* The page for facts (a verdict from labels_check) in lang. published is
 * the mirror's publish time ("" if unknown). facts NULL renders the
 * "cannot check right now" page. Returns a malloc'd NUL-terminated body
 * (*len its length), or NULL when out of memory. */
char *phone_page_render(const labels_facts *facts, phone_lang lang,
                        const char *published, size_t *len);

/* The marker word a page carries in <meta name="ocop-verdict">: the
 * verdict word, or "unavailable" for the facts == NULL page. */
const char *phone_page_marker(const labels_facts *facts);

#endif

/* lang.c -- the language codes both programs read and write ("vi", "en"). */
#include "labels.h"

#include <strings.h>

static const char *const codes[LABELS_LANG_COUNT_] = {
    [LABELS_LANG_VI] = "vi",
    [LABELS_LANG_EN] = "en",
};

int labels_lang_from_code(const char *code)
{
    if (!code)
        return -1;
    for (int l = 0; l < LABELS_LANG_COUNT_; l++)
        if (strcasecmp(codes[l], code) == 0)
            return l;
    return -1;
}

const char *labels_lang_code(labels_lang lang)
{
    if ((int)lang < 0 || lang >= LABELS_LANG_COUNT_)
        return codes[LABELS_LANG_VI];
    return codes[lang];
}

/* Two languages: the button flips between them; an out-of-range value
 * becomes Vietnamese, as the kiosk always did. */
labels_lang labels_lang_toggle(labels_lang lang)
{
    return lang == LABELS_LANG_VI ? LABELS_LANG_EN : LABELS_LANG_VI;
}

/* Each language's name in itself: what a link to it says. */
static const char *const names[LABELS_LANG_COUNT_] = {
    [LABELS_LANG_VI] = "Tiếng Việt",
    [LABELS_LANG_EN] = "English",
};

const char *labels_lang_name(labels_lang lang)
{
    if ((int)lang < 0 || lang >= LABELS_LANG_COUNT_)
        return names[LABELS_LANG_VI];
    return names[lang];
}

/* text_nfc.c -- text to Unicode NFC (utf8proc), so a name typed on one
 * system and a name saved decomposed by another (macOS writes NFD) are
 * the same bytes when stored and compared. */
#include "labels.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int labels_text_nfc(const char *in, char *out, size_t outsz)
{
    if (!in || !out || outsz == 0)
        return LABELS_ERR_ARG;
    /* ASCII is NFC already: most codes and many names. */
    size_t len = 0;
    while (in[len] && !(in[len] & 0x80))
        len++;
    if (!in[len]) {
        if (len >= outsz)
            return LABELS_ERR_SPACE;
        memcpy(out, in, len + 1);
        return LABELS_OK;
    }
    utf8proc_uint8_t *nfc = NULL;
    /* Refuses malformed UTF-8 (a negative length) instead of guessing. */
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)in, 0, &nfc,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0) {
        free(nfc);
        return n == UTF8PROC_ERROR_NOMEM ? LABELS_ERR_NOMEM : LABELS_ERR_FIELD;
    }
    if ((size_t)n >= outsz) {
        free(nfc);
        return LABELS_ERR_SPACE;
    }
    memcpy(out, nfc, (size_t)n + 1);
    free(nfc);
    return LABELS_OK;
}

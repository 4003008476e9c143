/* text_nfc.c -- text to Unicode NFC (utf8proc), so a name typed on one
 * system and a name saved decomposed by another (macOS writes NFD) are
 * the same bytes when stored and compared. */
#include "labels.h"

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
    /* Decomposed into code points on the stack, composed and re-encoded
     * in place: no allocation for a name-sized text. */
    utf8proc_int32_t cps[1024];
    const utf8proc_option_t opts =
        (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                            UTF8PROC_COMPOSE);
    utf8proc_ssize_t n =
        utf8proc_decompose((const utf8proc_uint8_t *)in, 0, cps, 1024, opts);
    if (n < 0)
        return n == UTF8PROC_ERROR_NOMEM ? LABELS_ERR_NOMEM : LABELS_ERR_FIELD;
    if (n > 1024)
        return LABELS_ERR_SPACE;
    n = utf8proc_reencode(cps, n, opts);
    if (n < 0)
        return LABELS_ERR_FIELD;
    if ((size_t)n >= outsz)
        return LABELS_ERR_SPACE;
    memcpy(out, cps, (size_t)n + 1);
    return LABELS_OK;
}

/* text_fold.c -- folding Vietnamese text to bare lowercase letters, so
 * what people type (capitals, no marks, a decomposed spreadsheet cell)
 * compares equal to the word it means. */
#include "labels.h"

#include <ctype.h>

/* Vietnamese letters by their base letter (the first byte of each row). */
static const char *const letters[] = {
    "aàáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ",
    "dđĐ",
    "eèéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ",
    "iìíỉĩịÌÍỈĨỊ",
    "oòóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ",
    "uùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ",
    "yỳýỷỹỵỲÝỶỸỴ",
};

/* Next code point of s (advancing *s); 0xFFFD for a bad byte. */
static unsigned next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    unsigned c = *p, cp, n;
    if (c < 0x80) {
        *s += 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF)
        n = 1, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 2, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 3, cp = c & 0x07;
    else {
        *s += 1;
        return 0xFFFD;
    }
    for (unsigned i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *s += n + 1;
    return cp;
}

static char base_letter(unsigned cp)
{
    for (size_t g = 0; g < sizeof letters / sizeof letters[0]; g++) {
        const char *p = letters[g] + 1;
        while (*p)
            if (next_cp(&p) == cp)
                return letters[g][0];
    }
    return 0;
}

int labels_text_fold(const char *in, char *out, size_t outsz)
{
    size_t n = 0;
    if (!in || !out || outsz == 0)
        return 0;
    while (*in) {
        unsigned cp = next_cp(&in);
        char c = 0;
        if (cp < 0x80 && isalnum((int)cp))
            c = (char)tolower((int)cp);
        else if (cp == ' ' || cp == '-' || cp == '.' || cp == 0x2013 ||
                 cp == 0x2014 || (cp >= 0x300 && cp <= 0x36F))
            continue; /* spacing, dashes, combining accents */
        else if (!(c = cp >= 0x80 ? base_letter(cp) : 0))
            return 0;
        if (n + 1 >= outsz)
            return 0;
        out[n++] = c;
    }
    out[n] = '\0';
    return n > 0;
}

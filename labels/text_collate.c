/* text_collate.c -- Vietnamese alphabetical order: a ă â b c d đ e ê g h
 * i k l m n o ô ơ p q r s t u ư v x y, the tones only deciding between
 * words that are otherwise the same (Hòa Bình before Hồ Chí Minh). */
#include "labels.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* The alphabet with the Latin letters Vietnamese does not use (f j w z)
 * in their Latin places; a letter's primary weight is its place here. */
static const char *const alphabet[] = {
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g",
    "h", "i", "j", "k", "l", "m", "n", "o", "ô", "ơ", "p",
    "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"};

/* Each vowel in the six tones (ngang, huyền, sắc, hỏi, ngã, nặng), lower
 * case then upper case; the first letter is the alphabet's. */
static const char *const toned[] = {"aàáảãạAÀÁẢÃẠ",
                                    "ăằắẳẵặĂẰẮẲẴẶ",
                                    "âầấẩẫậÂẦẤẨẪẬ",
                                    "eèéẻẽẹEÈÉẺẼẸ",
                                    "êềếểễệÊỀẾỂỄỆ",
                                    "iìíỉĩịIÌÍỈĨỊ",
                                    "oòóỏõọOÒÓỎÕỌ",
                                    "ôồốổỗộÔỒỐỔỖỘ",
                                    "ơờớởỡợƠỜỚỞỠỢ",
                                    "uùúủũụUÙÚỦŨỤ",
                                    "ưừứửữựƯỪỨỬỮỰ",
                                    "yỳýỷỹỵYỲÝỶỸỴ",
                                    "đĐ"};

#define W_SPACE 1
#define W_DIGIT 2   /* .. 11 */
#define W_LETTER 20 /* + place in the alphabet */
#define W_OTHER 100 /* + code point */

static unsigned next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    unsigned c = p[0], n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    unsigned cp = n == 0 ? c : c & (0x3F >> n);
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

static uint32_t letter_weight(const char *letter)
{
    for (size_t i = 0; i < sizeof alphabet / sizeof *alphabet; i++)
        if (!strcmp(alphabet[i], letter))
            return W_LETTER + (uint32_t)i;
    return 0;
}

/* Primary weight and tone of one code point. */
static uint32_t weigh(unsigned cp, int *tone)
{
    *tone = 0;
    if (cp == ' ' || cp == '-' || cp == 0x2013 || cp == 0x2014)
        return W_SPACE;
    if (cp < 0x80 && isdigit((int)cp))
        return W_DIGIT + (cp - '0');
    if (cp < 0x80 && isalpha((int)cp)) {
        char l[2] = {(char)tolower((int)cp), '\0'};
        return letter_weight(l);
    }
    for (size_t g = 0; g < sizeof toned / sizeof *toned; g++) {
        const char *p = toned[g];
        for (int i = 0; *p; i++)
            if (next_cp(&p) == cp) {
                char first[8];
                const char *q = toned[g];
                next_cp(&q);
                memcpy(first, toned[g], (size_t)(q - toned[g]));
                first[q - toned[g]] = '\0';
                *tone = g + 1 == sizeof toned / sizeof *toned ? 0 : i % 6;
                return letter_weight(first);
            }
    }
    return W_OTHER + cp;
}

/* Decomposed marks (NFD) change the letter before them. */
static void combine(unsigned cp, uint32_t *w, int *tone)
{
    static const unsigned tones[] = {0, 0x300, 0x301, 0x309, 0x303, 0x323};
    for (int t = 1; t < 6; t++)
        if (cp == tones[t])
            *tone = t;
    uint32_t a = letter_weight("a"), e = letter_weight("e"),
             o = letter_weight("o"), u = letter_weight("u");
    if (cp == 0x306 && *w == a) /* breve */
        *w = a + 1;
    else if (cp == 0x302 && (*w == a || *w == e || *w == o)) /* circumflex */
        *w += *w == a ? 2 : 1;
    else if (cp == 0x31B && (*w == o || *w == u)) /* horn */
        *w += *w == o ? 2 : 1;
}

/* The next letter of *s: its primary weight and tone; 0 at the end. */
static uint32_t next_letter(const char **s, int *tone)
{
    if (!**s)
        return 0;
    uint32_t w = weigh(next_cp(s), tone);
    for (;;) {
        const char *peek = *s;
        unsigned cp = *peek ? next_cp(&peek) : 0;
        if (cp < 0x300 || cp > 0x36F)
            return w;
        combine(cp, &w, tone);
        *s = peek;
    }
}

int labels_text_collate(const char *a, const char *b)
{
    const char *pa = a ? a : "", *pb = b ? b : "";
    int tone_diff = 0;
    for (;;) {
        int ta, tb;
        uint32_t wa = next_letter(&pa, &ta), wb = next_letter(&pb, &tb);
        if (wa != wb)
            return wa < wb ? -1 : 1;
        if (!wa)
            break;
        if (!tone_diff && ta != tb)
            tone_diff = ta < tb ? -1 : 1;
    }
    if (tone_diff)
        return tone_diff;
    int c = strcmp(a ? a : "", b ? b : "");
    return (c > 0) - (c < 0);
}

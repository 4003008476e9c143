/* console_fold.c -- search keys without diacritics: "che shan" finds
 * "Chè Shan". Vietnamese letters (precomposed, or with combining marks)
 * fold to their base letter; everything that is not a letter or digit
 * separates words. */
#include "console_int.h"

#include <string.h>

/* Every precomposed Vietnamese letter, lower and upper case, by the base
 * letter it folds to. */
static const struct {
    char base;
    const char *letters;
} vi_letters[] = {
    {'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
    {'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ"},
    {'i', "ìíỉĩịÌÍỈĨỊ"},
    {'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
    {'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ"},
    {'y', "ỳýỷỹỵỲÝỶỸỴ"},
    {'d', "đĐ"},
};

/* Next code point of UTF-8 text, or 0xFFFD for a bad sequence (one byte
 * consumed). */
static unsigned next_cp(const unsigned char **pp)
{
    const unsigned char *p = *pp;
    unsigned c = p[0], cp, need;
    if (c < 0x80) {
        *pp = p + 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF)
        cp = c & 0x1F, need = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        cp = c & 0x0F, need = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        cp = c & 0x07, need = 3;
    else {
        *pp = p + 1;
        return 0xFFFD;
    }
    for (unsigned i = 1; i <= need; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *pp = p + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *pp = p + 1 + need;
    return cp;
}

static char base_of(unsigned cp)
{
    for (size_t i = 0; i < sizeof vi_letters / sizeof vi_letters[0]; i++) {
        const unsigned char *p = (const unsigned char *)vi_letters[i].letters;
        while (*p)
            if (next_cp(&p) == cp)
                return vi_letters[i].base;
    }
    return 0;
}

void console_fold(const char *in, char *out, size_t outsz)
{
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    size_t n = 0;
    int space = 1; /* no space at the start */
    if (!outsz)
        return;
    while (*p) {
        unsigned cp = next_cp(&p);
        char c = 0;
        if (cp >= 0x300 && cp <= 0x36F)
            continue; /* combining marks (NFD text) */
        if (cp < 0x80 && ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')))
            c = (char)cp;
        else if (cp >= 'A' && cp <= 'Z')
            c = (char)(cp - 'A' + 'a');
        else if (cp >= 0x80)
            c = base_of(cp);
        if (!c) {
            if (!space && n + 1 < outsz)
                out[n++] = ' ';
            space = 1;
            continue;
        }
        if (n + 1 >= outsz)
            break;
        out[n++] = c;
        space = 0;
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *t = sqlite3_value_text(argv[0]);
    char out[1024];
    console_fold((const char *)t, out, sizeof out);
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int console_fold_register(sqlite3 *db)
{
    return sqlite3_create_function(db, "console_fold", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                       SQLITE_INNOCUOUS,
                                   NULL, sql_fold, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

/* groups.c -- the six OCOP product groups and the three kinds of producer:
 * the code stored in the registry and the mirror, the name a shopper
 * reads, and the spellings a clerk may type. */
#include "labels.h"

#include <string.h>

/* Folded words are compared in buffers of this size; longer input is no
 * group (as the registry has always answered). */
#define FOLD_MAX 128

#define GROUP_CODE(e, code) [e] = code,
static const char *const group_codes[LABELS_G_COUNT_] = {
    LABELS_GROUP_LIST(GROUP_CODE, GROUP_CODE)};

/* Names as the kiosk screen and the phone page show them (reviewed
 * wording); the Vietnamese name is also an accepted spelling. */
/* clang-format off */
static const char *const group_names[LABELS_G_COUNT_][LABELS_LANG_COUNT_] = {
    [LABELS_G_FOOD] = {"Thực phẩm", "Food"},
    [LABELS_G_BEVERAGES] = {"Đồ uống", "Beverages"},
    [LABELS_G_HERBAL] = {"Thảo dược", "Herbal products"},
    [LABELS_G_TEXTILES] = {"Vải và may mặc", "Textiles and garments"},
    [LABELS_G_SOUVENIRS] = {"Lưu niệm – nội thất – trang trí",
                            "Souvenirs, furniture, decoration"},
    [LABELS_G_TOURISM] = {"Dịch vụ du lịch nông thôn",
                          "Rural tourism services"},
};

/* English words clerks use besides the codes (the English names above
 * are not spellings: they were never accepted on input). */
static const struct {
    const char *word;
    labels_group group;
} group_extra[] = {
    {"beverage", LABELS_G_BEVERAGES},   {"drinks", LABELS_G_BEVERAGES},
    {"textile", LABELS_G_TEXTILES},     {"garments", LABELS_G_TEXTILES},
    {"souvenir", LABELS_G_SOUVENIRS},   {"furniture", LABELS_G_SOUVENIRS},
    {"decoration", LABELS_G_SOUVENIRS}, {"rural tourism", LABELS_G_TOURISM},
    {"services", LABELS_G_TOURISM},
};

static const char *const kind_codes[LABELS_K_COUNT_] = {
    LABELS_KIND_LIST(GROUP_CODE, GROUP_CODE)};

static const char *const kind_names[LABELS_K_COUNT_][LABELS_LANG_COUNT_] = {
    [LABELS_K_COOPERATIVE] = {"Hợp tác xã", "Cooperative"},
    [LABELS_K_ENTERPRISE] = {"Doanh nghiệp", "Enterprise"},
    [LABELS_K_HOUSEHOLD] = {"Hộ sản xuất", "Household business"},
};

/* Words besides the code and the Vietnamese name. */
static const struct {
    const char *word;
    labels_kind kind;
} kind_extra[] = {
    {"HTX", LABELS_K_COOPERATIVE},
    {"company", LABELS_K_ENTERPRISE},
    {"hộ kinh doanh", LABELS_K_HOUSEHOLD},
};
/* clang-format on */

static labels_lang lang_or_vi(labels_lang lang)
{
    return (int)lang >= 0 && lang < LABELS_LANG_COUNT_ ? lang : LABELS_LANG_VI;
}

/* 1 when input, folded, is word folded. */
static int same_word(const char *folded, const char *word)
{
    char fw[FOLD_MAX];
    return labels_text_fold(word, fw, sizeof fw) && strcmp(folded, fw) == 0;
}

const char *labels_group_code(labels_group g)
{
    return (int)g >= 0 && g < LABELS_G_COUNT_ ? group_codes[g] : NULL;
}

int labels_group_from_code(const char *code)
{
    if (!code)
        return -1;
    for (int g = 0; g < LABELS_G_COUNT_; g++)
        if (strcmp(group_codes[g], code) == 0)
            return g;
    return -1;
}

int labels_group_from_spelling(const char *input)
{
    char fi[FOLD_MAX];
    if (!input || !labels_text_fold(input, fi, sizeof fi))
        return -1;
    for (int g = 0; g < LABELS_G_COUNT_; g++)
        if (same_word(fi, group_codes[g]) ||
            same_word(fi, group_names[g][LABELS_LANG_VI]))
            return g;
    for (size_t i = 0; i < sizeof group_extra / sizeof group_extra[0]; i++)
        if (same_word(fi, group_extra[i].word))
            return (int)group_extra[i].group;
    return -1;
}

const char *labels_group_spelling(labels_group g, size_t i)
{
    if ((int)g < 0 || g >= LABELS_G_COUNT_)
        return NULL;
    if (i == 0)
        return group_codes[g];
    if (i == 1)
        return group_names[g][LABELS_LANG_VI];
    i -= 2;
    for (size_t e = 0; e < sizeof group_extra / sizeof group_extra[0]; e++)
        if (group_extra[e].group == g && i-- == 0)
            return group_extra[e].word;
    return NULL;
}

const char *labels_group_name(labels_group g, labels_lang lang)
{
    if ((int)g < 0 || g >= LABELS_G_COUNT_)
        return NULL;
    return group_names[g][lang_or_vi(lang)];
}

const char *labels_group_name_of(const char *code, labels_lang lang)
{
    if (!code)
        return "";
    int g = labels_group_from_code(code);
    return g < 0 ? code : labels_group_name((labels_group)g, lang);
}

const char *labels_kind_code(labels_kind k)
{
    return (int)k >= 0 && k < LABELS_K_COUNT_ ? kind_codes[k] : NULL;
}

int labels_kind_from_code(const char *code)
{
    if (!code)
        return -1;
    for (int k = 0; k < LABELS_K_COUNT_; k++)
        if (strcmp(kind_codes[k], code) == 0)
            return k;
    return -1;
}

int labels_kind_from_spelling(const char *input)
{
    char fi[FOLD_MAX];
    if (!input || !labels_text_fold(input, fi, sizeof fi))
        return -1;
    for (int k = 0; k < LABELS_K_COUNT_; k++)
        if (same_word(fi, kind_codes[k]) ||
            same_word(fi, kind_names[k][LABELS_LANG_VI]))
            return k;
    for (size_t i = 0; i < sizeof kind_extra / sizeof kind_extra[0]; i++)
        if (same_word(fi, kind_extra[i].word))
            return (int)kind_extra[i].kind;
    return -1;
}

const char *labels_kind_spelling(labels_kind k, size_t i)
{
    if ((int)k < 0 || k >= LABELS_K_COUNT_)
        return NULL;
    if (i == 0)
        return kind_codes[k];
    if (i == 1)
        return kind_names[k][LABELS_LANG_VI];
    i -= 2;
    for (size_t e = 0; e < sizeof kind_extra / sizeof kind_extra[0]; e++)
        if (kind_extra[e].kind == k && i-- == 0)
            return kind_extra[e].word;
    return NULL;
}

const char *labels_kind_name(labels_kind k, labels_lang lang)
{
    if ((int)k < 0 || k >= LABELS_K_COUNT_)
        return NULL;
    return kind_names[k][lang_or_vi(lang)];
}

const char *labels_kind_name_of(const char *code, labels_lang lang)
{
    if (!code)
        return "";
    int k = labels_kind_from_code(code);
    return k < 0 ? code : labels_kind_name((labels_kind)k, lang);
}

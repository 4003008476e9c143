/* provinces.c -- Vietnam's provincial units: the 34 of 2025 (Resolution
 * 202/2025/QH15, in force from 1 July 2025), the 63 of 2020 they replaced,
 * and which old unit went into which new one. */
#include "labels.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FOLD_MAX 128

/* The 34 units, cities first as the resolution lists them. A unit whose
 * name is also a 2020 unit's keeps that unit's code, so codes typed
 * before the merger still name the same place. */
static const labels_province units2025[] = {
    {"Hà Nội", "HN", LABELS_UNITS_2025, 1, "HN"},
    {"Huế", "HUE", LABELS_UNITS_2025, 1, "HUE"},
    {"Hải Phòng", "HP", LABELS_UNITS_2025, 1, "HP"},
    {"Đà Nẵng", "DNG", LABELS_UNITS_2025, 1, "DNG"},
    {"Hồ Chí Minh", "HCM", LABELS_UNITS_2025, 1, "HCM"},
    {"Cần Thơ", "CT", LABELS_UNITS_2025, 1, "CT"},
    {"Lai Châu", "LC", LABELS_UNITS_2025, 0, "LC"},
    {"Điện Biên", "DB", LABELS_UNITS_2025, 0, "DB"},
    {"Sơn La", "SL", LABELS_UNITS_2025, 0, "SL"},
    {"Lạng Sơn", "LS", LABELS_UNITS_2025, 0, "LS"},
    {"Quảng Ninh", "QN", LABELS_UNITS_2025, 0, "QN"},
    {"Thanh Hóa", "TH", LABELS_UNITS_2025, 0, "TH"},
    {"Nghệ An", "NA", LABELS_UNITS_2025, 0, "NA"},
    {"Hà Tĩnh", "HT", LABELS_UNITS_2025, 0, "HT"},
    {"Cao Bằng", "CB", LABELS_UNITS_2025, 0, "CB"},
    {"Tuyên Quang", "TQ", LABELS_UNITS_2025, 0, "TQ"},
    {"Lào Cai", "LCA", LABELS_UNITS_2025, 0, "LCA"},
    {"Thái Nguyên", "TNG", LABELS_UNITS_2025, 0, "TNG"},
    {"Phú Thọ", "PT", LABELS_UNITS_2025, 0, "PT"},
    {"Bắc Ninh", "BN", LABELS_UNITS_2025, 0, "BN"},
    {"Hưng Yên", "HY", LABELS_UNITS_2025, 0, "HY"},
    {"Ninh Bình", "NB", LABELS_UNITS_2025, 0, "NB"},
    {"Quảng Trị", "QT", LABELS_UNITS_2025, 0, "QT"},
    {"Quảng Ngãi", "QNG", LABELS_UNITS_2025, 0, "QNG"},
    {"Gia Lai", "GL", LABELS_UNITS_2025, 0, "GL"},
    {"Khánh Hòa", "KH", LABELS_UNITS_2025, 0, "KH"},
    {"Lâm Đồng", "LD", LABELS_UNITS_2025, 0, "LD"},
    {"Đắk Lắk", "DLK", LABELS_UNITS_2025, 0, "DLK"},
    {"Đồng Nai", "DNA", LABELS_UNITS_2025, 0, "DNA"},
    {"Tây Ninh", "TN", LABELS_UNITS_2025, 0, "TN"},
    {"Vĩnh Long", "VL", LABELS_UNITS_2025, 0, "VL"},
    {"Đồng Tháp", "DT", LABELS_UNITS_2025, 0, "DT"},
    {"Cà Mau", "CM", LABELS_UNITS_2025, 0, "CM"},
    {"An Giang", "AG", LABELS_UNITS_2025, 0, "AG"},
};

/* The 63 units of 2020 (names as registries stored them), each with the
 * code of the 2025 unit it is part of: the resolution's list, new unit
 * <- old units. */
static const labels_province units2020[] = {
    {"Hà Nội", "HN", LABELS_UNITS_2020, 1, "HN"},
    {"Hồ Chí Minh", "HCM", LABELS_UNITS_2020, 1, "HCM"},
    {"Hải Phòng", "HP", LABELS_UNITS_2020, 1, "HP"},
    {"Đà Nẵng", "DNG", LABELS_UNITS_2020, 1, "DNG"},
    {"Cần Thơ", "CT", LABELS_UNITS_2020, 1, "CT"},
    {"An Giang", "AG", LABELS_UNITS_2020, 0, "AG"},
    {"Bà Rịa – Vũng Tàu", "BRVT", LABELS_UNITS_2020, 0, "HCM"},
    {"Bắc Giang", "BG", LABELS_UNITS_2020, 0, "BN"},
    {"Bắc Kạn", "BK", LABELS_UNITS_2020, 0, "TNG"},
    {"Bạc Liêu", "BL", LABELS_UNITS_2020, 0, "CM"},
    {"Bắc Ninh", "BN", LABELS_UNITS_2020, 0, "BN"},
    {"Bến Tre", "BTR", LABELS_UNITS_2020, 0, "VL"},
    {"Bình Định", "BDI", LABELS_UNITS_2020, 0, "GL"},
    {"Bình Dương", "BDU", LABELS_UNITS_2020, 0, "HCM"},
    {"Bình Phước", "BP", LABELS_UNITS_2020, 0, "DNA"},
    {"Bình Thuận", "BTH", LABELS_UNITS_2020, 0, "LD"},
    {"Cà Mau", "CM", LABELS_UNITS_2020, 0, "CM"},
    {"Cao Bằng", "CB", LABELS_UNITS_2020, 0, "CB"},
    {"Đắk Lắk", "DLK", LABELS_UNITS_2020, 0, "DLK"},
    {"Đắk Nông", "DNO", LABELS_UNITS_2020, 0, "LD"},
    {"Điện Biên", "DB", LABELS_UNITS_2020, 0, "DB"},
    {"Đồng Nai", "DNA", LABELS_UNITS_2020, 0, "DNA"},
    {"Đồng Tháp", "DT", LABELS_UNITS_2020, 0, "DT"},
    {"Gia Lai", "GL", LABELS_UNITS_2020, 0, "GL"},
    {"Hà Giang", "HG", LABELS_UNITS_2020, 0, "TQ"},
    {"Hà Nam", "HNA", LABELS_UNITS_2020, 0, "NB"},
    {"Hà Tĩnh", "HT", LABELS_UNITS_2020, 0, "HT"},
    {"Hải Dương", "HD", LABELS_UNITS_2020, 0, "HP"},
    {"Hậu Giang", "HGI", LABELS_UNITS_2020, 0, "CT"},
    {"Hòa Bình", "HB", LABELS_UNITS_2020, 0, "PT"},
    {"Hưng Yên", "HY", LABELS_UNITS_2020, 0, "HY"},
    {"Khánh Hòa", "KH", LABELS_UNITS_2020, 0, "KH"},
    {"Kiên Giang", "KG", LABELS_UNITS_2020, 0, "AG"},
    {"Kon Tum", "KT", LABELS_UNITS_2020, 0, "QNG"},
    {"Lai Châu", "LC", LABELS_UNITS_2020, 0, "LC"},
    {"Lâm Đồng", "LD", LABELS_UNITS_2020, 0, "LD"},
    {"Lạng Sơn", "LS", LABELS_UNITS_2020, 0, "LS"},
    {"Lào Cai", "LCA", LABELS_UNITS_2020, 0, "LCA"},
    {"Long An", "LA", LABELS_UNITS_2020, 0, "TN"},
    {"Nam Định", "ND", LABELS_UNITS_2020, 0, "NB"},
    {"Nghệ An", "NA", LABELS_UNITS_2020, 0, "NA"},
    {"Ninh Bình", "NB", LABELS_UNITS_2020, 0, "NB"},
    {"Ninh Thuận", "NT", LABELS_UNITS_2020, 0, "KH"},
    {"Phú Thọ", "PT", LABELS_UNITS_2020, 0, "PT"},
    {"Phú Yên", "PY", LABELS_UNITS_2020, 0, "DLK"},
    {"Quảng Bình", "QB", LABELS_UNITS_2020, 0, "QT"},
    {"Quảng Nam", "QNA", LABELS_UNITS_2020, 0, "DNG"},
    {"Quảng Ngãi", "QNG", LABELS_UNITS_2020, 0, "QNG"},
    {"Quảng Ninh", "QN", LABELS_UNITS_2020, 0, "QN"},
    {"Quảng Trị", "QT", LABELS_UNITS_2020, 0, "QT"},
    {"Sóc Trăng", "ST", LABELS_UNITS_2020, 0, "CT"},
    {"Sơn La", "SL", LABELS_UNITS_2020, 0, "SL"},
    {"Tây Ninh", "TN", LABELS_UNITS_2020, 0, "TN"},
    {"Thái Bình", "TB", LABELS_UNITS_2020, 0, "HY"},
    {"Thái Nguyên", "TNG", LABELS_UNITS_2020, 0, "TNG"},
    {"Thanh Hóa", "TH", LABELS_UNITS_2020, 0, "TH"},
    {"Thừa Thiên Huế", "TTH", LABELS_UNITS_2020, 0, "HUE"},
    {"Tiền Giang", "TG", LABELS_UNITS_2020, 0, "DT"},
    {"Trà Vinh", "TV", LABELS_UNITS_2020, 0, "VL"},
    {"Tuyên Quang", "TQ", LABELS_UNITS_2020, 0, "TQ"},
    {"Vĩnh Long", "VL", LABELS_UNITS_2020, 0, "VL"},
    {"Vĩnh Phúc", "VP", LABELS_UNITS_2020, 0, "PT"},
    {"Yên Bái", "YB", LABELS_UNITS_2020, 0, "LCA"},
};

#define N2025 (sizeof units2025 / sizeof units2025[0])
#define N2020 (sizeof units2020 / sizeof units2020[0])

size_t labels_province_count(labels_units units)
{
    return units == LABELS_UNITS_2025   ? N2025
           : units == LABELS_UNITS_2020 ? N2020
                                        : 0;
}

const labels_province *labels_province_at(labels_units units, size_t i)
{
    if (i >= labels_province_count(units))
        return NULL;
    return units == LABELS_UNITS_2025 ? &units2025[i] : &units2020[i];
}

static const labels_province *by_code(labels_units units, const char *code)
{
    for (size_t i = 0; i < labels_province_count(units); i++) {
        const labels_province *p = labels_province_at(units, i);
        if (!strcasecmp(p->code, code))
            return p;
    }
    return NULL;
}

const labels_province *labels_province_now(const labels_province *p)
{
    return p ? by_code(LABELS_UNITS_2025, p->now) : NULL;
}

const labels_province *labels_province_in(const labels_province *p,
                                          labels_units units)
{
    if (!p)
        return NULL;
    if (p->units == units)
        return p;
    if (units == LABELS_UNITS_2025)
        return labels_province_now(p);
    /* A 2025 unit's 2020 counterpart: the old unit of the same name, or
     * its only predecessor (Huế was Thừa Thiên Huế). */
    const labels_province *only = NULL;
    size_t n = 0;
    for (size_t i = 0; i < N2020; i++) {
        if (!strcmp(units2020[i].name, p->name))
            return &units2020[i];
        if (!strcmp(units2020[i].now, p->code) && n++ == 0)
            only = &units2020[i];
    }
    return n == 1 ? only : NULL;
}

/* The unit of list units whose name folds to key, or NULL. */
static const labels_province *by_folded(labels_units units, const char *key)
{
    char name[FOLD_MAX];
    for (size_t i = 0; i < labels_province_count(units); i++) {
        const labels_province *p = labels_province_at(units, i);
        if (labels_text_fold(p->name, name, sizeof name) && !strcmp(key, name))
            return p;
    }
    return NULL;
}

const labels_province *labels_province_find(const char *input,
                                            const labels_province **named)
{
    const labels_province *hit = NULL;
    char key[FOLD_MAX];
    if (named)
        *named = NULL;
    if (!input)
        return NULL;
    /* Codes first, the 2025 list before the 2020 one: HN is Hà Nội in
     * both, HG only ever was Hà Giang. */
    if (!(hit = by_code(LABELS_UNITS_2025, input)))
        hit = by_code(LABELS_UNITS_2020, input);
    if (!hit && labels_text_fold(input, key, sizeof key)) {
        /* "Thành phố Hà Nội", "TP. Hồ Chí Minh", "Tỉnh Quảng Ninh", and a
         * certificate's issuer, "UBND tỉnh Hà Giang". */
        static const char *const prefixes[] = {
            "", "thanhpho", "tp", "tinh", "ubndtinh", "ubndthanhpho", "ubndtp",
        };
        for (size_t i = 0; !hit && i < sizeof prefixes / sizeof *prefixes;
             i++) {
            size_t n = strlen(prefixes[i]);
            if (strncmp(key, prefixes[i], n) || !key[n])
                continue;
            if (!(hit = by_folded(LABELS_UNITS_2025, key + n)))
                hit = by_folded(LABELS_UNITS_2020, key + n);
        }
    }
    if (!hit)
        return NULL;
    if (named)
        *named = hit;
    return labels_province_in(hit, LABELS_UNITS_2025);
}

const char *labels_province_name_of(const char *stored, labels_units units)
{
    const labels_province *named, *unit = labels_province_find(stored, &named);
    const labels_province *p = labels_province_in(named, units);
    if (!unit || !p)
        return stored ? stored : "";
    return p->name;
}

const char *labels_province_shown(const labels_product *p, labels_lang lang,
                                  char *out, size_t outsz)
{
    static const char *const now_word[LABELS_LANG_COUNT_] = {"nay là", "now"};
    const char *unit = p->certified_unit[0] ? p->certified_unit : p->province;
    const labels_province *named, *now = labels_province_find(unit, &named);
    /* A unit merged away, into the product's province (an older mirror's
     * province is such a unit itself). */
    if (now && named != now && labels_province_find(p->province, NULL) == now)
        snprintf(out, outsz, "%s (%s %s)", named->name,
                 now_word[(int)lang >= 0 && lang < LABELS_LANG_COUNT_
                              ? lang
                              : LABELS_LANG_VI],
                 now->name);
    else
        snprintf(out, outsz, "%s", p->province);
    return out;
}

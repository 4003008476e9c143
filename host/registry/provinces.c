/* provinces.c -- Vietnam's 63 provinces and centrally-run cities (2020). */
#include "registry/registry.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Names as the registry stores them (with diacritics, NFC), a short code
 * for typing, and the name without diacritics so "Ha Noi" also matches. */
static const struct province provinces[] = {
    {"Hà Nội", "HN", "Ha Noi"},
    {"Hồ Chí Minh", "HCM", "Ho Chi Minh"},
    {"Hải Phòng", "HP", "Hai Phong"},
    {"Đà Nẵng", "DNG", "Da Nang"},
    {"Cần Thơ", "CT", "Can Tho"},
    {"An Giang", "AG", "An Giang"},
    {"Bà Rịa – Vũng Tàu", "BRVT", "Ba Ria - Vung Tau"},
    {"Bắc Giang", "BG", "Bac Giang"},
    {"Bắc Kạn", "BK", "Bac Kan"},
    {"Bạc Liêu", "BL", "Bac Lieu"},
    {"Bắc Ninh", "BN", "Bac Ninh"},
    {"Bến Tre", "BTR", "Ben Tre"},
    {"Bình Định", "BDI", "Binh Dinh"},
    {"Bình Dương", "BDU", "Binh Duong"},
    {"Bình Phước", "BP", "Binh Phuoc"},
    {"Bình Thuận", "BTH", "Binh Thuan"},
    {"Cà Mau", "CM", "Ca Mau"},
    {"Cao Bằng", "CB", "Cao Bang"},
    {"Đắk Lắk", "DLK", "Dak Lak"},
    {"Đắk Nông", "DNO", "Dak Nong"},
    {"Điện Biên", "DB", "Dien Bien"},
    {"Đồng Nai", "DNA", "Dong Nai"},
    {"Đồng Tháp", "DT", "Dong Thap"},
    {"Gia Lai", "GL", "Gia Lai"},
    {"Hà Giang", "HG", "Ha Giang"},
    {"Hà Nam", "HNA", "Ha Nam"},
    {"Hà Tĩnh", "HT", "Ha Tinh"},
    {"Hải Dương", "HD", "Hai Duong"},
    {"Hậu Giang", "HGI", "Hau Giang"},
    {"Hòa Bình", "HB", "Hoa Binh"},
    {"Hưng Yên", "HY", "Hung Yen"},
    {"Khánh Hòa", "KH", "Khanh Hoa"},
    {"Kiên Giang", "KG", "Kien Giang"},
    {"Kon Tum", "KT", "Kon Tum"},
    {"Lai Châu", "LC", "Lai Chau"},
    {"Lâm Đồng", "LD", "Lam Dong"},
    {"Lạng Sơn", "LS", "Lang Son"},
    {"Lào Cai", "LCA", "Lao Cai"},
    {"Long An", "LA", "Long An"},
    {"Nam Định", "ND", "Nam Dinh"},
    {"Nghệ An", "NA", "Nghe An"},
    {"Ninh Bình", "NB", "Ninh Binh"},
    {"Ninh Thuận", "NT", "Ninh Thuan"},
    {"Phú Thọ", "PT", "Phu Tho"},
    {"Phú Yên", "PY", "Phu Yen"},
    {"Quảng Bình", "QB", "Quang Binh"},
    {"Quảng Nam", "QNA", "Quang Nam"},
    {"Quảng Ngãi", "QNG", "Quang Ngai"},
    {"Quảng Ninh", "QN", "Quang Ninh"},
    {"Quảng Trị", "QT", "Quang Tri"},
    {"Sóc Trăng", "ST", "Soc Trang"},
    {"Sơn La", "SL", "Son La"},
    {"Tây Ninh", "TN", "Tay Ninh"},
    {"Thái Bình", "TB", "Thai Binh"},
    {"Thái Nguyên", "TNG", "Thai Nguyen"},
    {"Thanh Hóa", "TH", "Thanh Hoa"},
    {"Thừa Thiên Huế", "TTH", "Thua Thien Hue"},
    {"Tiền Giang", "TG", "Tien Giang"},
    {"Trà Vinh", "TV", "Tra Vinh"},
    {"Tuyên Quang", "TQ", "Tuyen Quang"},
    {"Vĩnh Long", "VL", "Vinh Long"},
    {"Vĩnh Phúc", "VP", "Vinh Phuc"},
    {"Yên Bái", "YB", "Yen Bai"},
};

size_t province_count(void) { return sizeof provinces / sizeof provinces[0]; }

const struct province *province_at(size_t i)
{
    return i < province_count() ? &provinces[i] : NULL;
}

/* Vietnamese letters by their base letter: folding a name to its bare
 * lowercase letters makes "Hà Nội", "HÀ NỘI", "Ha Noi", "Hanoi" and the
 * decomposed (NFD) form some spreadsheets write all the same key. */
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

/* Lowercase ASCII letters and digits only; 0 if the text has a character
 * no province name has (or is too long). */
int registry_fold(const char *in, char *out, size_t outsz)
{
    size_t n = 0;
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

const struct province *province_find(const char *input)
{
    char key[128], name[128];
    if (!input)
        return NULL;
    for (size_t i = 0; i < province_count(); i++)
        if (!strcasecmp(input, provinces[i].code))
            return &provinces[i];
    if (!registry_fold(input, key, sizeof key))
        return NULL;
    /* "Thành phố Hà Nội", "TP. Hồ Chí Minh", "Tỉnh Quảng Ninh". */
    static const char *const prefixes[] = {"", "thanhpho", "tp", "tinh"};
    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        size_t n = strlen(prefixes[p]);
        if (strncmp(key, prefixes[p], n) != 0)
            continue;
        for (size_t i = 0; i < province_count(); i++)
            if (registry_fold(provinces[i].ascii, name, sizeof name) &&
                !strcmp(key + n, name))
                return &provinces[i];
    }
    return NULL;
}

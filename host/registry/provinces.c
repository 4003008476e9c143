/* provinces.c -- Vietnam's 63 provinces and centrally-run cities (2020). */
#include "registry/registry.h"

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

/* Lowercase ASCII letters and digits only (labels_text_fold: "Hà Nội",
 * "HÀ NỘI", "Ha Noi", "Hanoi" and the decomposed NFD form are one key);
 * 0 if the text has a character no province name has (or is too long). */
int registry_fold(const char *in, char *out, size_t outsz)
{
    return labels_text_fold(in, out, outsz);
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

/* screen_text.c -- the kiosk screen's strings, Vietnamese then English.
 *
 * Translators: keep headlines short (they are drawn large and must fit on
 * two lines of an 800x480 screen); advice is one or two plain sentences a
 * shopper reads standing in a shop. */
#include "screen_text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The verdict headlines, advice and colours are shared with the phone
 * page: labels/verdict_text.c holds them, for translators too. */

static const char *const messages[SCREEN_MSG_COUNT_][SCREEN_LANG_COUNT_] = {
    [SCREEN_MSG_IDLE_TITLE] = {"Kiểm tra tem OCOP", "Check an OCOP label"},
    [SCREEN_MSG_IDLE_STEP1] = {"Tìm tem OCOP có mã QR trên bao bì",
                               "Find the OCOP label with a QR code on "
                               "the pack"},
    [SCREEN_MSG_IDLE_STEP2] = {"Đưa mã QR trên tem OCOP vào trước camera",
                               "Hold the label's QR code in front of the "
                               "camera"},
    [SCREEN_MSG_IDLE_STEP3] = {"Giữ yên một chút — kết quả hiện ngay "
                               "trên màn hình",
                               "Hold still for a moment: the answer "
                               "appears on this screen"},
    [SCREEN_MSG_IDLE_NOTE] = {"Máy kiểm tra ngay tại chỗ, không cần "
                              "Internet.",
                              "The check happens right here, without the "
                              "Internet."},
    [SCREEN_MSG_LANG_HINT] = {"English: press the language button",
                              "Tiếng Việt: nhấn nút ngôn ngữ"},
    [SCREEN_MSG_NO_MIRROR_TITLE] = {"Máy chưa sẵn sàng", "Kiosk not ready"},
    [SCREEN_MSG_NO_MIRROR_TEXT] = {"Chưa có dữ liệu OCOP nên máy chưa "
                                   "kiểm tra được tem. Vui lòng báo nhân "
                                   "viên cửa hàng.",
                                   "The OCOP data is missing, so labels "
                                   "cannot be checked yet. Please tell a "
                                   "member of staff."},
    [SCREEN_MSG_NO_CAMERA_TITLE] = {"Camera không hoạt động",
                                    "Camera not working"},
    [SCREEN_MSG_NO_CAMERA_TEXT] = {"Máy không đọc được mã QR lúc này. "
                                   "Vui lòng báo nhân viên cửa hàng.",
                                   "The kiosk cannot read QR codes right "
                                   "now. Please tell a member of staff."},
    [SCREEN_MSG_STALE_FMT] = {"Dữ liệu chưa cập nhật từ %s",
                              "Data not updated since %s"},
    [SCREEN_MSG_STALE_UNKNOWN] = {"Dữ liệu chưa được cập nhật",
                                  "Data not up to date"},
    [SCREEN_MSG_OFFLINE] = {"Mất kết nối", "Offline"},
    [SCREEN_MSG_PRODUCER] = {"Nhà sản xuất", "Producer"},
    [SCREEN_MSG_PROVINCE] = {"Tỉnh/thành", "Province"},
    [SCREEN_MSG_GROUP] = {"Nhóm", "Group"},
    [SCREEN_MSG_CERTIFICATE] = {"Giấy chứng nhận", "Certificate"},
    [SCREEN_MSG_VALID] = {"Hiệu lực", "Valid"},
    [SCREEN_MSG_LOT] = {"Lô", "Lot"},
    [SCREEN_MSG_SERIAL] = {"Số sê-ri", "Serial"},
    [SCREEN_MSG_PRODUCT_CODE] = {"Mã sản phẩm", "Product code"},
    [SCREEN_MSG_STARS_NOW] = {"Hạng hiện nay", "Current rating"},
    [SCREEN_MSG_STARS_PRINTED] = {"In trên tem", "Printed on label"},
    [SCREEN_MSG_PROPOSED5] = {"đang đề xuất 5 sao", "proposed for 5 stars"},
    [SCREEN_MSG_WHAT_TO_DO] = {"Bạn nên làm gì", "What to do"},
    [SCREEN_MSG_PREV_FINDINGS] = {"Kết quả kiểm tra trước",
                                  "Previous findings"},
    [SCREEN_MSG_NO_FINDINGS] = {"Chưa có kết quả kiểm tra nào cho sản phẩm "
                                "này trên máy.",
                                "No findings recorded for this product on "
                                "this kiosk yet."},
    [SCREEN_MSG_REASON] = {"Lý do", "Reason"},
    [SCREEN_MSG_REGISTERED_AS] = {"Sản phẩm đăng ký với mã này",
                                  "Registered product with this code"},
    [SCREEN_MSG_NO_PRODUCT] = {"Mã này không có trong danh sách OCOP",
                               "This code is not in the OCOP register"},
};

static const struct {
    const char *code;
    const char *name[SCREEN_LANG_COUNT_];
} groups[] = {
    {"food", {"Thực phẩm", "Food"}},
    {"beverages", {"Đồ uống", "Beverages"}},
    {"herbal", {"Thảo dược", "Herbal products"}},
    {"textiles", {"Vải và may mặc", "Textiles and garments"}},
    {"souvenirs",
     {"Lưu niệm – nội thất – trang trí", "Souvenirs, furniture, decoration"}},
    {"tourism", {"Dịch vụ du lịch nông thôn", "Rural tourism services"}},
    {"cooperative", {"Hợp tác xã", "Cooperative"}},
    {"enterprise", {"Doanh nghiệp", "Enterprise"}},
    {"household", {"Hộ sản xuất", "Household business"}},
};

static int lang_ok(screen_lang lang)
{
    return (int)lang >= 0 && lang < SCREEN_LANG_COUNT_;
}

int screen_lang_parse(const char *code)
{
    if (!code)
        return -1;
    if (strcasecmp(code, "vi") == 0)
        return SCREEN_LANG_VI;
    if (strcasecmp(code, "en") == 0)
        return SCREEN_LANG_EN;
    return -1;
}

const char *screen_lang_code(screen_lang lang)
{
    return lang == SCREEN_LANG_EN ? "en" : "vi";
}

screen_lang screen_lang_toggle(screen_lang lang)
{
    return lang == SCREEN_LANG_VI ? SCREEN_LANG_EN : SCREEN_LANG_VI;
}

/* The screen's enums mirror labels' (checked in tests/test_phone_text.c). */
screen_tone screen_verdict_tone(labels_verdict v)
{
    return (screen_tone)labels_verdict_tone(v);
}

/* An out-of-range verdict reads as "not valid" rather than crashing. */
const char *screen_verdict_headline(labels_verdict v, screen_lang lang)
{
    return labels_verdict_headline(v, (labels_lang)lang);
}

const char *screen_verdict_advice(labels_verdict v, screen_lang lang)
{
    return labels_verdict_advice(v, (labels_lang)lang);
}

const char *screen_text(screen_msg msg, screen_lang lang)
{
    if ((int)msg < 0 || msg >= SCREEN_MSG_COUNT_)
        return "";
    return messages[msg][lang_ok(lang) ? lang : SCREEN_LANG_VI];
}

static const char *lookup(const char *code, screen_lang lang)
{
    if (!code)
        return "";
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (strcmp(groups[i].code, code) == 0)
            return groups[i].name[lang_ok(lang) ? lang : SCREEN_LANG_VI];
    return code;
}

const char *screen_group_name(const char *group, screen_lang lang)
{
    return lookup(group, lang);
}

const char *screen_producer_kind(const char *kind, screen_lang lang)
{
    return lookup(kind, lang);
}

void screen_format_date(const char *iso, screen_lang lang, char *out,
                        size_t outsz)
{
    uint16_t days;

    if (!out || outsz == 0)
        return;
    if (!iso || labels_date_parse(iso, &days) != LABELS_OK ||
        lang != SCREEN_LANG_VI) {
        snprintf(out, outsz, "%s", iso ? iso : "");
        return;
    }
    int y, m, d;
    labels_date_to_ymd(days, &y, &m, &d);
    snprintf(out, outsz, "%02d/%02d/%04d", d, m, y);
}

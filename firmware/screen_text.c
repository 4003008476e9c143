/* screen_text.c -- the kiosk screen's strings, Vietnamese then English.
 *
 * Translators: keep headlines short (they are drawn large and must fit on
 * two lines of an 800x480 screen); advice is one or two plain sentences a
 * shopper reads standing in a shop. */
#include "screen_text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct verdict_text {
    screen_tone tone;
    const char *headline[SCREEN_LANG_COUNT_];
    const char *advice[SCREEN_LANG_COUNT_];
} verdict_text;

/* Indexed by labels_verdict. Amber is for a label that is genuine but
 * whose certificate no longer says what the label says; red is for
 * anything that must not be trusted; grey is for codes that are not OCOP
 * labels at all. */
/* One verdict per block, as translators read it. */
/* clang-format off */
static const verdict_text verdicts[LABELS_V_COUNT_] = {
    [LABELS_V_GENUINE] = {
        SCREEN_TONE_GOOD,
        {"Sản phẩm OCOP chính hãng",
         "Genuine OCOP product"},
        {"Tem do chính nhà sản xuất ký và khớp với dữ liệu OCOP. "
         "Hãy xem tên sản phẩm trên màn hình có đúng với hàng bạn cầm.",
         "The label was signed by its producer and matches the OCOP "
         "register. Check that the product shown is the one in your hand."},
    },
    [LABELS_V_RATING_CHANGED] = {
        SCREEN_TONE_WARN,
        {"Hạng sao đã thay đổi",
         "Star rating has changed"},
        {"Tem thật, nhưng số sao in trên tem khác với hạng hiện nay. "
         "Hãy tin số sao hiện nay hiển thị ở đây.",
         "The label is genuine, but the stars printed on it differ from "
         "the current rating. Go by the current stars shown here."},
    },
    [LABELS_V_EXPIRED] = {
        SCREEN_TONE_WARN,
        {"Chứng nhận OCOP đã hết hạn",
         "OCOP certificate has expired"},
        {"Tem thật, nhưng chứng nhận OCOP của sản phẩm đã hết hiệu lực. "
         "Hỏi người bán xem sản phẩm đã được đánh giá lại chưa.",
         "The label is genuine, but the product's OCOP certificate is no "
         "longer valid. Ask the seller whether it has been re-rated."},
    },
    [LABELS_V_SUSPENDED] = {
        SCREEN_TONE_BAD,
        {"Chứng nhận OCOP đang bị đình chỉ",
         "OCOP certificate suspended"},
        {"Sản phẩm hiện không được dùng nhãn OCOP. Đừng mua vì nhãn "
         "này; hỏi người bán hoặc chọn sản phẩm khác.",
         "This product may not use the OCOP label at present. Do not buy "
         "it for the label; ask the seller or choose another product."},
    },
    [LABELS_V_REVOKED] = {
        SCREEN_TONE_BAD,
        {"Chứng nhận OCOP đã bị thu hồi",
         "OCOP certificate revoked"},
        {"Sản phẩm này không còn là sản phẩm OCOP. Đừng tin nhãn này; "
         "hãy báo cho nhân viên cửa hàng.",
         "This product is no longer OCOP certified. Do not trust the "
         "label; please tell a member of staff."},
    },
    [LABELS_V_UNKNOWN_PRODUCT] = {
        SCREEN_TONE_BAD,
        {"Không có sản phẩm này trong danh sách OCOP",
         "Product not in the OCOP register"},
        {"Mã sản phẩm trên tem không có trong dữ liệu OCOP. Đừng tin "
         "nhãn này; hãy báo cho nhân viên cửa hàng.",
         "The product code on this label is not in the OCOP register. Do "
         "not trust the label; please tell a member of staff."},
    },
    [LABELS_V_UNKNOWN_SIGNER] = {
        SCREEN_TONE_BAD,
        {"Chữ ký không rõ nguồn gốc",
         "Label signed by an unknown party"},
        {"Không nhà sản xuất OCOP nào đăng ký chữ ký này. Có thể là tem "
         "giả — đừng tin nhãn này và báo cho nhân viên cửa hàng.",
         "No OCOP producer has enrolled this signature key. The label may "
         "be fake: do not trust it, and please tell a member of staff."},
    },
    [LABELS_V_SIGNER_REVOKED] = {
        SCREEN_TONE_BAD,
        {"Khóa ký của tem đã bị thu hồi",
         "Producer's signing key revoked"},
        {"Tem được ký bằng khóa đã bị thu hồi, có thể đã bị lấy cắp. "
         "Đừng tin nhãn này; hãy báo cho nhân viên cửa hàng.",
         "The label was signed with a key that has been revoked and may "
         "have been stolen. Do not trust it; please tell a member of staff."},
    },
    [LABELS_V_SIGNER_NOT_ENROLLED] = {
        SCREEN_TONE_BAD,
        {"Tem do nhà sản xuất khác ký",
         "Signed by another producer"},
        {"Chữ ký trên tem thuộc về một nhà sản xuất khác. Có thể là tem "
         "giả — đừng tin nhãn này và báo cho nhân viên cửa hàng.",
         "The signature belongs to a different producer. The label may be "
         "fake: do not trust it, and please tell a member of staff."},
    },
    [LABELS_V_FORGED] = {
        SCREEN_TONE_BAD,
        {"Tem giả — chữ ký không hợp lệ",
         "Forged label: signature invalid"},
        {"Tem này không do nhà sản xuất ký. Đừng mua sản phẩm vì nhãn "
         "OCOP; hãy báo cho nhân viên cửa hàng hoặc quản lý thị trường.",
         "This label was not signed by the producer. Do not buy the "
         "product for its OCOP label; tell staff or market inspectors."},
    },
    [LABELS_V_CLONE_REPORTED] = {
        SCREEN_TONE_BAD,
        {"Tem bị sao chép",
         "Copied label reported"},
        {"Số sê-ri của tem này đã được báo là bị sao chép sang hàng khác. "
         "Sản phẩm có thể là hàng giả; hãy báo cho nhân viên cửa hàng.",
         "This label's serial number has been reported as copied onto "
         "other goods. The product may be fake; please tell staff."},
    },
    [LABELS_V_MALFORMED] = {
        SCREEN_TONE_NEUTRAL,
        {"Không phải tem OCOP hợp lệ",
         "Not a valid OCOP label"},
        {"Mã QR trông giống tem OCOP nhưng bị hỏng hoặc sai định dạng. "
         "Hãy quét lại; nếu vẫn báo lỗi, đừng tin nhãn này.",
         "The QR code looks like an OCOP label but is damaged or wrongly "
         "formed. Scan it again; if it still fails, do not trust the label."},
    },
    [LABELS_V_NOT_OCOP] = {
        SCREEN_TONE_NEUTRAL,
        {"Đây không phải tem OCOP",
         "This is not an OCOP label"},
        {"Mã QR này không phải tem OCOP (có thể là mã thanh toán hay "
         "trang web). Hãy tìm tem OCOP có in hình ngôi sao trên bao bì.",
         "This QR code is not an OCOP label (it may be a payment code or "
         "a web address). Look for the OCOP label with stars on the pack."},
    },
};

static const char *const messages[SCREEN_MSG_COUNT_][SCREEN_LANG_COUNT_] = {
    [SCREEN_MSG_IDLE_TITLE] = {"Kiểm tra tem OCOP",
                               "Check an OCOP label"},
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
    [SCREEN_MSG_NO_MIRROR_TITLE] = {"Máy chưa sẵn sàng",
                                    "Kiosk not ready"},
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
    [SCREEN_MSG_PROPOSED5] = {"đang đề xuất 5 sao",
                              "proposed for 5 stars"},
    [SCREEN_MSG_WHAT_TO_DO] = {"Bạn nên làm gì", "What to do"},
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
    {"souvenirs", {"Lưu niệm – nội thất – trang trí",
                   "Souvenirs, furniture, decoration"}},
    {"tourism", {"Dịch vụ du lịch nông thôn", "Rural tourism services"}},
    {"cooperative", {"Hợp tác xã", "Cooperative"}},
    {"enterprise", {"Doanh nghiệp", "Enterprise"}},
    {"household", {"Hộ sản xuất", "Household business"}},
};

/* clang-format on */

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

screen_tone screen_verdict_tone(labels_verdict v)
{
    if ((int)v < 0 || v >= LABELS_V_COUNT_)
        return SCREEN_TONE_BAD;
    return verdicts[v].tone;
}

/* An out-of-range verdict reads as "not valid" rather than crashing. */
const char *screen_verdict_headline(labels_verdict v, screen_lang lang)
{
    if ((int)v < 0 || v >= LABELS_V_COUNT_)
        v = LABELS_V_MALFORMED;
    return verdicts[v].headline[lang_ok(lang) ? lang : SCREEN_LANG_VI];
}

const char *screen_verdict_advice(labels_verdict v, screen_lang lang)
{
    if ((int)v < 0 || v >= LABELS_V_COUNT_)
        v = LABELS_V_MALFORMED;
    return verdicts[v].advice[lang_ok(lang) ? lang : SCREEN_LANG_VI];
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

/* report_words.c -- the words of a shopper's "report this label" form
 * (the phone page), of its reasons as the console's queue shows them, and
 * of an inspector's printed badge card. */
#include "labels.h"

#include <string.h>

static const char *const reason_words[LABELS_REPORT_COUNT_] = {
    "looks_different", "product_differs", "verdict_wrong", "shop", "other"};

static const char *const reason_text[LABELS_REPORT_COUNT_][LABELS_LANG_COUNT_] =
    {
        {"Tem trông khác tem thật", "The label looks unlike genuine ones"},
        {"Sản phẩm không giống sản phẩm trên trang",
         "The pack is not the product shown"},
        {"Kết quả kiểm tra có vẻ sai", "The answer on this page seems wrong"},
        {"Cửa hàng hoặc giá bán đáng ngờ", "The shop or price is suspicious"},
        {"Lý do khác", "Something else"},
};

static const char *const msg_text[LABELS_RM_COUNT_][LABELS_LANG_COUNT_] = {
    [LABELS_RM_TITLE] = {"Báo cáo tem này", "Report this label"},
    [LABELS_RM_INTRO] = {"Không cần tên, số điện thoại hay thông tin cá nhân. "
                         "Cơ quan OCOP tỉnh sẽ xem báo cáo.",
                         "No name, phone number or personal data needed. "
                         "The provincial OCOP office reads every report."},
    [LABELS_RM_WHAT] = {"Điều gì không đúng?", "What was wrong?"},
    [LABELS_RM_NOTE] = {"Ghi chú (không bắt buộc)", "Note (optional)"},
    [LABELS_RM_PROVINCE] = {"Mua ở tỉnh/thành", "Province where bought"},
    [LABELS_RM_SHOP] = {"Cửa hàng (không bắt buộc)", "Shop (optional)"},
    [LABELS_RM_PHOTO] = {"Ảnh (JPEG hoặc PNG, tối đa 512 KB, không bắt buộc)",
                         "Photo (JPEG or PNG, at most 512 KB, optional)"},
    [LABELS_RM_SEND] = {"Gửi báo cáo", "Send the report"},
    [LABELS_RM_THANKS] = {"Cảm ơn bạn", "Thank you"},
    [LABELS_RM_THANKS_TEXT] = {"Báo cáo đã được gửi tới cơ quan OCOP.",
                               "Your report went to the OCOP office."},
    [LABELS_RM_LIMITED] = {"Quá nhiều báo cáo. Vui lòng thử lại sau.",
                           "Too many reports. Please try again later."},
    [LABELS_RM_REFUSED] = {"Không nhận được báo cáo này.",
                           "This report could not be accepted."},
    [LABELS_RM_BACK] = {"Quay lại kết quả", "Back to the answer"},
};

const char *labels_report_reason_word(labels_report_reason r)
{
    return (int)r >= 0 && r < LABELS_REPORT_COUNT_ ? reason_words[r] : NULL;
}

int labels_report_reason_from_word(const char *word)
{
    for (int i = 0; word && i < LABELS_REPORT_COUNT_; i++)
        if (!strcmp(word, reason_words[i]))
            return i;
    return -1;
}

const char *labels_report_reason_text(labels_report_reason r, labels_lang lang)
{
    if ((int)r < 0 || r >= LABELS_REPORT_COUNT_)
        return NULL;
    return reason_text[r][lang == LABELS_LANG_EN ? LABELS_LANG_EN
                                                 : LABELS_LANG_VI];
}

const char *labels_report_text(labels_report_msg m, labels_lang lang)
{
    if ((int)m < 0 || m >= LABELS_RM_COUNT_)
        return "";
    return msg_text[m]
                   [lang == LABELS_LANG_EN ? LABELS_LANG_EN : LABELS_LANG_VI];
}

static const char *const card_text[LABELS_CARD_COUNT_][LABELS_LANG_COUNT_] = {
    [LABELS_CARD_TITLE] = {"THẺ THANH TRA OCOP", "OCOP INSPECTOR"},
    [LABELS_CARD_ID] = {"Mã thanh tra", "Inspector ID"},
    [LABELS_CARD_PROVINCE] = {"Tỉnh/thành", "Province"},
    [LABELS_CARD_VALID] = {"Hiệu lực đến", "Valid until"},
};

const char *labels_card_text(labels_card_msg m, labels_lang lang)
{
    if ((int)m < 0 || m >= LABELS_CARD_COUNT_)
        return "";
    return card_text[m]
                    [lang == LABELS_LANG_EN ? LABELS_LANG_EN : LABELS_LANG_VI];
}

/* screen_text.c -- the kiosk screen's own strings, Vietnamese then
 * English.
 *
 * Translators: titles are drawn large and must fit on two lines of an
 * 800x480 screen; the rest is one or two plain sentences a shopper reads
 * standing in a shop. */
#include "screen_text.h"

#include <stdio.h>
#include <string.h>

/* The words the screen shares with the phone page (verdict headlines and
 * advice, field labels, groups, producer kinds) are labels/'
 * (verdict_text.c, field_labels.c, groups.c), for translators too. */

static const char *const messages[SCREEN_MSG_COUNT_][LABELS_LANG_COUNT_] = {
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
    [SCREEN_MSG_PREV_FINDINGS] = {"Kết quả kiểm tra trước",
                                  "Previous findings"},
    [SCREEN_MSG_NO_FINDINGS] = {"Chưa có kết quả kiểm tra nào cho sản phẩm "
                                "này trên máy.",
                                "No findings recorded for this product on "
                                "this kiosk yet."},
    [SCREEN_MSG_INSPECTOR] = {"Thanh tra", "Inspector"},
    [SCREEN_MSG_FINDING_RECORDED] = {"Đã ghi kết quả kiểm tra: %s",
                                     "Finding recorded: %s"},
    [SCREEN_MSG_BADGE_REFUSED] = {"Thẻ thanh tra không hợp lệ",
                                  "Inspector badge refused"},
};

/* The same messages for a kiosk with a scanner, or both inputs; the
 * camera's wording is the table above. */
static const char *const by_input[2][SCREEN_INPUT_BOTH][LABELS_LANG_COUNT_] = {
    /* SCREEN_MSG_IDLE_STEP2 */
    {{"Đưa mã QR trên tem OCOP vào trước máy quét",
      "Hold the label's QR code in front of the scanner"},
     {"Đưa mã QR trên tem OCOP vào trước camera hoặc máy quét",
      "Hold the label's QR code in front of the camera or the scanner"}},
    /* SCREEN_MSG_NO_CAMERA_TITLE */
    {{"Máy quét không hoạt động", "Scanner not working"},
     {"Camera và máy quét không hoạt động", "Camera and scanner not working"}},
};

const char *screen_text(screen_msg msg, labels_lang lang)
{
    if ((int)msg < 0 || msg >= SCREEN_MSG_COUNT_)
        return "";
    if ((int)lang < 0 || lang >= LABELS_LANG_COUNT_)
        lang = LABELS_LANG_VI;
    return messages[msg][lang];
}

const char *screen_input_text(screen_msg msg, screen_input input,
                              labels_lang lang)
{
    /* SCREEN_MSG_NO_CAMERA_TEXT names no input: the camera's wording
     * serves every kiosk. */
    int row = msg == SCREEN_MSG_IDLE_STEP2        ? 0
              : msg == SCREEN_MSG_NO_CAMERA_TITLE ? 1
                                                  : -1;
    if (row < 0 || (int)input <= SCREEN_INPUT_CAMERA ||
        input >= SCREEN_INPUT_COUNT_)
        return screen_text(msg, lang);
    if ((int)lang < 0 || lang >= LABELS_LANG_COUNT_)
        lang = LABELS_LANG_VI;
    return by_input[row][input - 1][lang];
}

void screen_format_date(const char *iso, labels_lang lang, char *out,
                        size_t outsz)
{
    uint16_t days;

    if (!out || outsz == 0)
        return;
    if (!iso || labels_date_parse(iso, &days) != LABELS_OK ||
        lang != LABELS_LANG_VI) {
        snprintf(out, outsz, "%s", iso ? iso : "");
        return;
    }
    int y, m, d;
    labels_date_to_ymd(days, &y, &m, &d);
    snprintf(out, outsz, "%02d/%02d/%04d", d, m, y);
}

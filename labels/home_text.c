/* home_text.c -- the words of the phone page's home (GET /): what the
 * check is and the box to type a label's code by hand, Vietnamese then
 * English. Translators: a shopper reads this on a phone in a shop. */
#include "labels.h"

/* clang-format off */
static const char *const home[LABELS_HOME_COUNT_][LABELS_LANG_COUNT_] = {
    [LABELS_HOME_TITLE] = {"Kiểm tra tem OCOP", "OCOP label check"},
    [LABELS_HOME_WHAT] = {"Mã QR trên tem OCOP mang chữ ký số của nhà sản "
                          "xuất đã đăng ký với cơ quan quản lý OCOP. Trang "
                          "này cho biết tem có thật không, sản phẩm đạt mấy "
                          "sao và giấy chứng nhận còn hiệu lực không.",
                          "The QR code on an OCOP label carries the digital "
                          "signature of a producer registered with the OCOP "
                          "authority. This page tells you whether the label "
                          "is genuine, how many stars the product holds and "
                          "whether its certificate is still valid."},
    [LABELS_HOME_HOW] = {"Quét mã QR trên tem bằng camera điện thoại: "
                         "kết quả hiện ngay trên trang này.",
                         "Scan the label's QR code with your phone's "
                         "camera: the answer opens on this site."},
    [LABELS_HOME_TYPE_TITLE] = {"Nhập mã bằng tay", "Type the code by hand"},
    [LABELS_HOME_TYPE_HINT] = {"Nếu điện thoại chỉ hiện chữ của mã QR mà "
                               "không mở trang, hãy chép hoặc gõ chữ đó "
                               "vào ô dưới đây.",
                               "If your phone shows the QR code's text "
                               "without opening a page, copy or type that "
                               "text into the box below."},
    [LABELS_HOME_FIELD] = {"Mã trên tem", "The label's code"},
    [LABELS_HOME_BUTTON] = {"Kiểm tra", "Check"},
};
/* clang-format on */

const char *labels_home_text(labels_home_msg msg, labels_lang lang)
{
    if ((int)msg < 0 || msg >= LABELS_HOME_COUNT_)
        return "";
    if ((int)lang < 0 || lang >= LABELS_LANG_COUNT_)
        lang = LABELS_LANG_VI;
    return home[msg][lang];
}

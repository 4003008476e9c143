/* verdict_text.c -- every verdict's machine word, colour and what it says
 * to a shopper in Vietnamese and English: the one table behind logs,
 * reports, JSON, the kiosk screen, the phone page and docs/verdicts.md
 * (regenerated from here by tests/vocab_docs.c).
 *
 * Translators: headlines are short (drawn large, two lines at most);
 * advice is one or two plain sentences a shopper reads standing in a
 * shop. */
#include "labels.h"

#include <string.h>

typedef struct verdict_text {
    const char *word; /* stable: scripts, logs and scan reports use it */
    labels_tone tone;
    const char *headline[LABELS_LANG_COUNT_];
    const char *advice[LABELS_LANG_COUNT_];
} verdict_text;

/* Indexed by labels_verdict. Amber is for a label that is genuine but
 * whose certificate no longer says what the label says; red is for
 * anything that must not be trusted; grey is for codes that are not OCOP
 * labels at all. */
/* clang-format off */
static const verdict_text verdicts[LABELS_V_COUNT_] = {
    [LABELS_V_GENUINE] = {
        "genuine",
        LABELS_TONE_GOOD,
        {"Sản phẩm OCOP chính hãng",
         "Genuine OCOP product"},
        {"Tem do chính nhà sản xuất ký và khớp với dữ liệu OCOP. "
         "Hãy xem tên sản phẩm trên màn hình có đúng với hàng bạn cầm.",
         "The label was signed by its producer and matches the OCOP "
         "register. Check that the product shown is the one in your hand."},
    },
    [LABELS_V_RATING_CHANGED] = {
        "rating_changed",
        LABELS_TONE_WARN,
        {"Hạng sao đã thay đổi",
         "Star rating has changed"},
        {"Tem thật, nhưng số sao in trên tem khác với hạng hiện nay. "
         "Hãy tin số sao hiện nay hiển thị ở đây.",
         "The label is genuine, but the stars printed on it differ from "
         "the current rating. Go by the current stars shown here."},
    },
    [LABELS_V_EXPIRED] = {
        "expired",
        LABELS_TONE_WARN,
        {"Chứng nhận OCOP đã hết hạn",
         "OCOP certificate has expired"},
        {"Tem thật, nhưng chứng nhận OCOP của sản phẩm đã hết hiệu lực. "
         "Hỏi người bán xem sản phẩm đã được đánh giá lại chưa.",
         "The label is genuine, but the product's OCOP certificate is no "
         "longer valid. Ask the seller whether it has been re-rated."},
    },
    [LABELS_V_SUSPENDED] = {
        "suspended",
        LABELS_TONE_BAD,
        {"Chứng nhận OCOP đang bị đình chỉ",
         "OCOP certificate suspended"},
        {"Sản phẩm hiện không được dùng nhãn OCOP. Đừng mua vì nhãn "
         "này; hỏi người bán hoặc chọn sản phẩm khác.",
         "This product may not use the OCOP label at present. Do not buy "
         "it for the label; ask the seller or choose another product."},
    },
    [LABELS_V_REVOKED] = {
        "revoked",
        LABELS_TONE_BAD,
        {"Chứng nhận OCOP đã bị thu hồi",
         "OCOP certificate revoked"},
        {"Sản phẩm này không còn là sản phẩm OCOP. Đừng tin nhãn này; "
         "hãy báo cho nhân viên cửa hàng.",
         "This product is no longer OCOP certified. Do not trust the "
         "label; please tell a member of staff."},
    },
    [LABELS_V_UNKNOWN_PRODUCT] = {
        "unknown_product",
        LABELS_TONE_BAD,
        {"Không có sản phẩm này trong danh sách OCOP",
         "Product not in the OCOP register"},
        {"Mã sản phẩm trên tem không có trong dữ liệu OCOP. Đừng tin "
         "nhãn này; hãy báo cho nhân viên cửa hàng.",
         "The product code on this label is not in the OCOP register. Do "
         "not trust the label; please tell a member of staff."},
    },
    [LABELS_V_UNKNOWN_SIGNER] = {
        "unknown_signer",
        LABELS_TONE_BAD,
        {"Chữ ký không rõ nguồn gốc",
         "Label signed by an unknown party"},
        {"Không nhà sản xuất OCOP nào đăng ký chữ ký này. Có thể là tem "
         "giả — đừng tin nhãn này và báo cho nhân viên cửa hàng.",
         "No OCOP producer has enrolled this signature key. The label may "
         "be fake: do not trust it, and please tell a member of staff."},
    },
    [LABELS_V_SIGNER_REVOKED] = {
        "signer_revoked",
        LABELS_TONE_BAD,
        {"Khóa ký của tem đã bị thu hồi",
         "Producer's signing key revoked"},
        {"Tem được ký bằng khóa đã bị thu hồi, có thể đã bị lấy cắp. "
         "Đừng tin nhãn này; hãy báo cho nhân viên cửa hàng.",
         "The label was signed with a key that has been revoked and may "
         "have been stolen. Do not trust it; please tell a member of staff."},
    },
    [LABELS_V_SIGNER_NOT_ENROLLED] = {
        "signer_not_enrolled",
        LABELS_TONE_BAD,
        {"Tem do nhà sản xuất khác ký",
         "Signed by another producer"},
        {"Chữ ký trên tem thuộc về một nhà sản xuất khác. Có thể là tem "
         "giả — đừng tin nhãn này và báo cho nhân viên cửa hàng.",
         "The signature belongs to a different producer. The label may be "
         "fake: do not trust it, and please tell a member of staff."},
    },
    [LABELS_V_FORGED] = {
        "forged",
        LABELS_TONE_BAD,
        {"Tem giả — chữ ký không hợp lệ",
         "Forged label: signature invalid"},
        {"Tem này không do nhà sản xuất ký. Đừng mua sản phẩm vì nhãn "
         "OCOP; hãy báo cho nhân viên cửa hàng hoặc quản lý thị trường.",
         "This label was not signed by the producer. Do not buy the "
         "product for its OCOP label; tell staff or market inspectors."},
    },
    [LABELS_V_CLONE_REPORTED] = {
        "clone_reported",
        LABELS_TONE_BAD,
        {"Tem bị sao chép",
         "Copied label reported"},
        {"Số sê-ri của tem này đã được báo là bị sao chép sang hàng khác. "
         "Sản phẩm có thể là hàng giả; hãy báo cho nhân viên cửa hàng.",
         "This label's serial number has been reported as copied onto "
         "other goods. The product may be fake; please tell staff."},
    },
    [LABELS_V_WRONG_HOST] = {
        "wrong_host",
        LABELS_TONE_BAD,
        {"Tem dẫn tới trang web không chính thức",
         "Label leads to an unofficial site"},
        {"Mã QR này dẫn điện thoại tới một trang web không phải của cơ "
         "quan quản lý OCOP. Đừng tin nhãn này và đừng mở trang đó; hãy "
         "báo cho nhân viên cửa hàng.",
         "This QR code sends phones to a website that is not the OCOP "
         "authority's. Do not trust the label or the site; please tell a "
         "member of staff."},
    },
    [LABELS_V_MALFORMED] = {
        "malformed",
        LABELS_TONE_NEUTRAL,
        {"Không phải tem OCOP hợp lệ",
         "Not a valid OCOP label"},
        {"Mã QR trông giống tem OCOP nhưng bị hỏng hoặc sai định dạng. "
         "Hãy quét lại; nếu vẫn báo lỗi, đừng tin nhãn này.",
         "The QR code looks like an OCOP label but is damaged or wrongly "
         "formed. Scan it again; if it still fails, do not trust the label."},
    },
    [LABELS_V_NOT_OCOP] = {
        "not_ocop",
        LABELS_TONE_NEUTRAL,
        {"Đây không phải tem OCOP",
         "This is not an OCOP label"},
        {"Mã QR này không phải tem OCOP (có thể là mã thanh toán hay "
         "trang web). Hãy tìm tem OCOP có in hình ngôi sao trên bao bì.",
         "This QR code is not an OCOP label (it may be a payment code or "
         "a web address). Look for the OCOP label with stars on the pack."},
    },
};
/* clang-format on */

/* An out-of-range verdict (a failed check) reads as "not valid", never
 * as a verdict it is not. */
static const verdict_text *entry(labels_verdict v)
{
    if ((int)v < 0 || v >= LABELS_V_COUNT_)
        v = LABELS_V_MALFORMED;
    return &verdicts[v];
}

static labels_lang lang_or_vi(labels_lang lang)
{
    return (int)lang >= 0 && lang < LABELS_LANG_COUNT_ ? lang : LABELS_LANG_VI;
}

const char *labels_verdict_word(labels_verdict v)
{
    if ((int)v < 0 || v >= LABELS_V_COUNT_)
        return "unknown";
    return verdicts[v].word;
}

int labels_verdict_from_word(const char *word)
{
    if (!word)
        return -1;
    for (int v = 0; v < LABELS_V_COUNT_; v++)
        if (strcmp(verdicts[v].word, word) == 0)
            return v;
    return -1;
}

const char *labels_tone_word(labels_tone tone)
{
    static const char *const words[] = {
        [LABELS_TONE_GOOD] = "good",
        [LABELS_TONE_WARN] = "warn",
        [LABELS_TONE_BAD] = "bad",
        [LABELS_TONE_NEUTRAL] = "neutral",
    };
    if ((int)tone < 0 || (size_t)tone >= sizeof words / sizeof words[0])
        return "bad";
    return words[tone];
}

labels_tone labels_verdict_tone(labels_verdict v)
{
    if ((int)v < 0 || v >= LABELS_V_COUNT_)
        return LABELS_TONE_BAD;
    return verdicts[v].tone;
}

const char *labels_verdict_headline(labels_verdict v, labels_lang lang)
{
    return entry(v)->headline[lang_or_vi(lang)];
}

const char *labels_verdict_advice(labels_verdict v, labels_lang lang)
{
    return entry(v)->advice[lang_or_vi(lang)];
}

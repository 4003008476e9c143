/* test_screen_samples.c -- sample facts for the screen (see the header). */
#include "test_screen_samples.h"

#include <stdio.h>
#include <string.h>

static void product(labels_product *p)
{
    snprintf(p->code, sizeof p->code, "YB-0042");
    snprintf(p->name, sizeof p->name, "Chè Shan tuyết cổ thụ Suối Giàng");
    snprintf(p->group, sizeof p->group, "beverages");
    snprintf(p->producer_code, sizeof p->producer_code, "YB-P0007");
    snprintf(p->producer_name, sizeof p->producer_name,
             "Hợp tác xã Chè Shan tuyết Suối Giàng");
    snprintf(p->producer_kind, sizeof p->producer_kind, "cooperative");
    snprintf(p->province, sizeof p->province, "Yên Bái");
    p->stars = 4;
    p->proposed5 = 0;
    snprintf(p->status, sizeof p->status, "rated");
    snprintf(p->certificate, sizeof p->certificate, "OCOP-YB-2024-0187");
    snprintf(p->certified, sizeof p->certified, "2024-03-15");
    snprintf(p->expires, sizeof p->expires, "2027-03-15");
}

static void label(labels_label *l)
{
    l->version = LABELS_FORMAT_VERSION;
    memset(l->key_id, 0xA5, sizeof l->key_id);
    snprintf(l->product, sizeof l->product, "YB-0042");
    snprintf(l->lot, sizeof l->lot, "L2611-03");
    l->stars = 4;
    l->serial = 18342;
    l->issued = 2150;
}

void screen_sample_facts(labels_verdict v, labels_facts *f)
{
    memset(f, 0, sizeof *f);
    f->verdict = v;
    snprintf(f->key_status, sizeof f->key_status, "active");
    switch (v) {
    case LABELS_V_MALFORMED:
        f->parse_error = LABELS_ERR_BASE32;
        f->key_status[0] = '\0';
        return;
    case LABELS_V_NOT_OCOP:
        f->parse_error = LABELS_ERR_NOT_LABEL;
        f->key_status[0] = '\0';
        return;
    default: break;
    }
    f->have_label = 1;
    label(&f->label);
    f->have_product = 1;
    product(&f->product);
    switch (v) {
    case LABELS_V_RATING_CHANGED:
        f->label.stars = 3;
        f->product.proposed5 = 1;
        break;
    case LABELS_V_EXPIRED:
        snprintf(f->product.status, sizeof f->product.status, "expired");
        snprintf(f->product.expires, sizeof f->product.expires, "2026-03-15");
        break;
    case LABELS_V_SUSPENDED:
        snprintf(f->product.status, sizeof f->product.status, "suspended");
        snprintf(f->product.status_reason, sizeof f->product.status_reason,
                 "Kiểm tra an toàn thực phẩm chưa đạt");
        snprintf(f->product.status_date, sizeof f->product.status_date,
                 "2026-10-02");
        break;
    case LABELS_V_REVOKED:
        snprintf(f->product.status, sizeof f->product.status, "revoked");
        snprintf(f->product.status_reason, sizeof f->product.status_reason,
                 "Vi phạm quy định ghi nhãn hàng hóa");
        snprintf(f->product.status_date, sizeof f->product.status_date,
                 "2026-08-20");
        break;
    case LABELS_V_UNKNOWN_PRODUCT:
        f->have_product = 0;
        memset(&f->product, 0, sizeof f->product);
        snprintf(f->label.product, sizeof f->label.product, "HN-9999");
        break;
    case LABELS_V_UNKNOWN_SIGNER: f->key_status[0] = '\0'; break;
    case LABELS_V_SIGNER_REVOKED:
        snprintf(f->key_status, sizeof f->key_status, "compromised");
        break;
    case LABELS_V_SIGNER_NOT_ENROLLED:
    case LABELS_V_FORGED:
    case LABELS_V_CLONE_REPORTED:
    default: break;
    }
}

void screen_sample_long(labels_facts *f)
{
    screen_sample_facts(LABELS_V_GENUINE, f);
    labels_product *p = &f->product;
    snprintf(p->name, sizeof p->name,
             "Nước mắm cốt cá cơm than truyền thống thượng hạng ủ chượp "
             "trong thùng gỗ bời lời mười tám tháng đặc sản làng chài "
             "Cửa Khẻ Nghĩa Hưng Nam Định đóng chai thủy tinh năm trăm "
             "mi-li-lít");
    snprintf(p->producer_name, sizeof p->producer_name,
             "Công ty Trách nhiệm Hữu hạn Một thành viên Sản xuất Thương "
             "mại Dịch vụ Xuất nhập khẩu Nông sản Thực phẩm Hưng Thịnh "
             "Phát Đạt Nghĩa Hưng");
    snprintf(p->producer_kind, sizeof p->producer_kind, "enterprise");
    snprintf(p->province, sizeof p->province,
             "Bà Rịa – Vũng Tàu và Thành phố Hồ Chí Minh");
    snprintf(p->group, sizeof p->group, "souvenirs");
    snprintf(p->certificate, sizeof p->certificate,
             "OCOP-HCM-2024-000000000000000000000000000000012345");
    snprintf(f->label.lot, sizeof f->label.lot, "LOT-2026-11/");
    f->label.serial = 4294967295u;
}

const char *screen_sample_word(labels_verdict v)
{
    static const char *const words[LABELS_V_COUNT_] = {
        "genuine",        "rating_changed", "expired",
        "suspended",      "revoked",        "unknown_product",
        "unknown_signer", "signer_revoked", "signer_not_enrolled",
        "forged",         "clone_reported", "wrong_host",
        "malformed",      "not_ocop",
    };
    return (int)v >= 0 && v < LABELS_V_COUNT_ ? words[v] : "unknown";
}

/* field_labels.c -- the labels printed beside a verdict's facts, shared by
 * the kiosk screen and the phone page (reviewed wording, Vietnamese then
 * English), and the column heads of the registry's spreadsheets.
 * Translators: these are short captions above a value. */
#include "labels.h"

/* clang-format off */
static const char *const fields[LABELS_F_COUNT_][LABELS_LANG_COUNT_] = {
    [LABELS_F_PRODUCER] = {"Nhà sản xuất", "Producer"},
    [LABELS_F_PROVINCE] = {"Tỉnh/thành", "Province"},
    [LABELS_F_GROUP] = {"Nhóm", "Group"},
    [LABELS_F_CERTIFICATE] = {"Giấy chứng nhận", "Certificate"},
    [LABELS_F_VALID] = {"Hiệu lực", "Valid"},
    [LABELS_F_LOT] = {"Lô", "Lot"},
    [LABELS_F_SERIAL] = {"Số sê-ri", "Serial"},
    [LABELS_F_PRODUCT_CODE] = {"Mã sản phẩm", "Product code"},
    [LABELS_F_STARS_NOW] = {"Hạng hiện nay", "Current rating"},
    [LABELS_F_STARS_PRINTED] = {"In trên tem", "Printed on label"},
    [LABELS_F_PROPOSED5] = {"đang đề xuất 5 sao", "proposed for 5 stars"},
    [LABELS_F_WHAT_TO_DO] = {"Bạn nên làm gì", "What to do"},
    [LABELS_F_REASON] = {"Lý do", "Reason"},
    [LABELS_F_REGISTERED_AS] = {"Sản phẩm đăng ký với mã này",
                                "Registered product with this code"},
    [LABELS_F_NO_PRODUCT] = {"Mã này không có trong danh sách OCOP",
                             "This code is not in the OCOP register"},
    [LABELS_F_PRODUCT_NAME] = {"Tên sản phẩm", "Product name"},
    [LABELS_F_STARS] = {"Số sao", "Stars"},
    [LABELS_F_PRODUCER_CODE] = {"Mã nhà sản xuất", "Producer code"},
    [LABELS_F_PRODUCER_NAME] = {"Tên nhà sản xuất", "Producer name"},
    [LABELS_F_PRODUCER_KIND] = {"Loại hình nhà sản xuất", "Producer kind"},
    [LABELS_F_PRODUCER_PROVINCE] = {"Tỉnh/thành nhà sản xuất",
                                    "Producer province"},
    [LABELS_F_PRODUCER_CONTACT] = {"Liên hệ nhà sản xuất", "Producer contact"},
    [LABELS_F_CERTIFIED_ON] = {"Ngày chứng nhận", "Certified on"},
    [LABELS_F_EXPIRES_ON] = {"Ngày hết hạn", "Expires on"},
    [LABELS_F_STATUS] = {"Trạng thái", "Status"},
    [LABELS_F_STATUS_DATE] = {"Ngày trạng thái", "Status date"},
};
/* clang-format on */

const char *labels_field_label(labels_field field, labels_lang lang)
{
    if ((int)field < 0 || field >= LABELS_F_COUNT_)
        return "";
    if ((int)lang < 0 || lang >= LABELS_LANG_COUNT_)
        lang = LABELS_LANG_VI;
    return fields[field][lang];
}

/* console_html.c -- the console's one HTML writer: a growable buffer in
 * which every value goes through html_text or html_attr; the wording in
 * Vietnamese and English; the page frame. */
#include "console_int.h"

#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(html *h, const char *s, size_t n)
{
    if (h->oom || !n)
        return;
    if (h->len + n + 1 > h->cap) {
        size_t cap = h->cap ? h->cap : 8192;
        while (cap < h->len + n + 1)
            cap *= 2;
        char *p = realloc(h->p, cap);
        if (!p) {
            h->oom = 1;
            return;
        }
        h->p = p;
        h->cap = cap;
    }
    memcpy(h->p + h->len, s, n);
    h->len += n;
    h->p[h->len] = '\0';
}

void html_raw(html *h, const char *markup) { put(h, markup, strlen(markup)); }

/* Length of the valid UTF-8 sequence at p (0 if invalid). */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    /* Overlong, surrogate and beyond-U+10FFFF forms. */
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) ||
        (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
        return 0;
    return n;
}

void html_text(html *h, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep) {
            html_raw(h, rep);
            p++;
            continue;
        }
        size_t n = utf8_len(p);
        if (!n || (*p < 0x20 && *p != '\n' && *p != '\t')) {
            html_raw(h, "\xEF\xBF\xBD"); /* U+FFFD */
            p++;
            continue;
        }
        put(h, (const char *)p, n);
        p += n;
    }
}

void html_attr(html *h, const char *s)
{
    /* The same escaping is safe in a double-quoted attribute: the quote
     * and the ampersand are the characters that matter there. */
    html_text(h, s);
}

void html_int(html *h, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    html_raw(h, b);
}

void html_url(html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        char b[4];
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_') {
            b[0] = (char)*p;
            b[1] = '\0';
        } else {
            b[0] = '%';
            b[1] = hex[*p >> 4];
            b[2] = hex[*p & 15];
            b[3] = '\0';
        }
        html_raw(h, b);
    }
}

void html_csrf(html *h, const char *csrf)
{
    html_raw(h, "<input type=\"hidden\" name=\"csrf_token\" value=\"");
    html_attr(h, csrf);
    html_raw(h, "\">");
}

void html_input(html *h, int label, const char *name, const char *value,
                const char *type)
{
    html_raw(h, "<label>");
    html_text(h, tr(h->lang, label));
    html_raw(h, "<input name=\"");
    html_attr(h, name);
    html_raw(h, "\" type=\"");
    html_attr(h, type);
    html_raw(h, "\" value=\"");
    html_attr(h, value);
    html_raw(h, "\"></label>");
}

void html_select(html *h, const char *name, const char *const *values,
                 const char *const *labels, size_t n, const char *current)
{
    html_raw(h, "<select name=\"");
    html_attr(h, name);
    html_raw(h, "\">");
    for (size_t i = 0; i < n; i++) {
        html_raw(h, "<option value=\"");
        html_attr(h, values[i]);
        html_raw(h, current && !strcmp(current, values[i]) ? "\" selected>"
                                                           : "\">");
        html_text(h, labels ? labels[i] : values[i]);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select>");
}

/* clang-format off */
static const char *const words[T_COUNT_][LANG_COUNT_] = {
    [T_TITLE] = {"Quản lý OCOP", "OCOP console"},
    [T_PRODUCTS] = {"Sản phẩm", "Products"},
    [T_PRODUCERS] = {"Chủ thể sản xuất", "Producers"},
    [T_KEYS] = {"Khóa ký", "Signing keys"},
    [T_USERS] = {"Tài khoản", "Accounts"},
    [T_AUDIT] = {"Lịch sử thay đổi", "Change history"},
    [T_DASHBOARD] = {"Tổng quan", "Dashboard"},
    [T_FIGURES] = {"Sản phẩm và chủ thể OCOP theo tỉnh, theo hạng sao",
                   "OCOP products and producers per province, by stars"},
    [T_NATIONWIDE] = {"Toàn quốc", "Nationwide"},
    [T_STARS3] = {"3 sao", "3 stars"},
    [T_STARS4] = {"4 sao", "4 stars"},
    [T_STARS5] = {"5 sao", "5 stars"},
    [T_ALL_STARS] = {"Tổng", "Total"},
    [T_EXPIRING90] = {"Giấy chứng nhận hết hạn trong 90 ngày tới",
                      "Certificates ending within 90 days"},
    [T_EXPIRED_CERTS] = {"Giấy chứng nhận đã quá hạn",
                         "Certificates past their end date"},
    [T_CHANGED_MONTH] = {"Sản phẩm bị tạm đình chỉ hoặc thu hồi trong tháng",
                         "Products suspended or revoked this month"},
    [T_FEED] = {"Dữ liệu phát hành cho máy tra cứu", "The feed for kiosks"},
    [T_NO_FEED] = {"Máy chủ này không phát hành dữ liệu",
                   "This server publishes no feed"},
    [T_PUBLISHED] = {"Phát hành lúc", "Published"},
    [T_FEED_EXPIRES] = {"Hết hạn lúc", "Expires"},
    [T_NEXT_PUBLISH] = {"Lần phát hành tiếp theo", "Next publish due"},
    [T_LAST_ATTEMPT] = {"Lần phát hành gần nhất", "Last publish attempt"},
    [T_ATTEMPT_OK] = {"thành công", "succeeded"},
    [T_ATTEMPT_FAILED] = {"thất bại", "failed"},
    [T_PUBLISH_NOW] = {"Phát hành ngay", "Publish now"},
    [T_ALARM_EXPIRY] = {"Cảnh báo: dữ liệu hết hạn trong vòng 48 giờ. Hãy "
                        "phát hành ngay, nếu không máy tra cứu sẽ báo dữ liệu "
                        "cũ.",
                        "Alarm: the feed expires within 48 hours. Publish "
                        "now, or kiosks will show stale data."},
    [T_ALARM_FAILED] = {"Cảnh báo: lần phát hành theo lịch gần nhất bị lỗi",
                        "Alarm: the last scheduled publish failed"},
    [T_PUBLISHED_VERSION] = {"Đã phát hành phiên bản", "Published version"},
    [T_SHOWN_FIRST] = {"tỉnh của bạn", "your province"},
    [T_LOGOUT] = {"Đăng xuất", "Sign out"},
    [T_LOGIN] = {"Đăng nhập", "Sign in"},
    [T_USER] = {"Tên đăng nhập", "Account name"},
    [T_PASSWORD] = {"Mật khẩu", "Password"},
    [T_LOGIN_FAILED] = {"Sai tên đăng nhập hoặc mật khẩu.",
                        "Wrong account name or password."},
    [T_THROTTLED] = {"Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau.",
                     "Too many failed sign-ins. Please try again later."},
    [T_SEARCH] = {"Tìm", "Search"},
    [T_CODE] = {"Mã", "Code"},
    [T_NAME] = {"Tên", "Name"},
    [T_STARS] = {"Hạng sao", "Stars"},
    [T_STATUS] = {"Trạng thái", "Status"},
    [T_EXPIRES] = {"Hết hạn", "Expires"},
    [T_CERTIFIED] = {"Ngày chứng nhận", "Certified"},
    [T_ALL] = {"Tất cả", "All"},
    [T_PREV] = {"Trang trước", "Previous"},
    [T_NEXT] = {"Trang sau", "Next"},
    [T_REASON_PUBLIC] = {"Lý do này được hiển thị công khai cho người mua "
                         "khi quét tem.",
                         "This reason is shown to shoppers who scan the "
                         "label."},
    [T_SET_STATUS] = {"Đổi trạng thái", "Set status"},
    [T_EDIT] = {"Sửa", "Edit"},
    [T_SAVE] = {"Lưu", "Save"},
    [T_CONFLICT] = {"Xung đột khi lưu", "Edit conflict"},
    [T_CONFLICT_TEXT] = {"Người khác đã sửa sản phẩm này sau khi bạn mở "
                         "trang. Chưa có gì được lưu. Hãy xem giá trị hiện "
                         "tại rồi sửa lại.",
                         "Someone else changed this product after you "
                         "opened the page. Nothing was saved. Look at the "
                         "current values and edit again."},
    [T_YOUR_VALUES] = {"Giá trị bạn nhập", "Your values"},
    [T_CURRENT_VALUES] = {"Giá trị hiện tại", "Current values"},
    [T_FORBIDDEN] = {"Không được phép", "Not allowed"},
    [T_FORBIDDEN_TEXT] = {"Tài khoản của bạn không có quyền này. Không có "
                          "gì thay đổi.",
                          "Your account may not do this. Nothing was "
                          "changed."},
    [T_NOT_FOUND] = {"Không tìm thấy", "Not found"},
    [T_BAD_REQUEST] = {"Yêu cầu không hợp lệ", "Bad request"},
    [T_HISTORY] = {"Lịch sử", "History"},
    [T_WHEN] = {"Thời điểm", "When"},
    [T_WHO] = {"Người thực hiện", "Who"},
    [T_FIELD] = {"Trường", "Field"},
    [T_OLD] = {"Cũ", "Old"},
    [T_NEW] = {"Mới", "New"},
    [T_KEY_ID] = {"Mã khóa", "Key ID"},
    [T_ENROLLED] = {"Ngày đăng ký", "Enrolled"},
    [T_REVOKED] = {"Thu hồi", "Revoked"},
    [T_REVOKE] = {"Thu hồi khóa", "Revoke key"},
    [T_SUPERSEDED] = {"đã thay thế", "superseded"},
    [T_COMPROMISED] = {"bị lộ", "compromised"},
    [T_PENDING] = {"Yêu cầu chờ duyệt", "Pending requests"},
    [T_APPROVE] = {"Duyệt", "Approve"},
    [T_REJECT] = {"Từ chối", "Reject"},
    [T_REQUEST_KEY] = {"Gửi khóa công khai mới", "Submit a new public key"},
    [T_KEY_FILE] = {"Tệp khóa công khai", "Public key file"},
    [T_REQUESTED_BY] = {"Người gửi", "Requested by"},
    [T_ROLE] = {"Vai trò", "Role"},
    [T_DISABLED] = {"Đã khóa", "Disabled"},
    [T_DISABLE] = {"Khóa tài khoản", "Disable"},
    [T_ADD_USER] = {"Thêm tài khoản", "Add an account"},
    [T_NEW_PASSWORD] = {"Mật khẩu mới", "New password"},
    [T_SET_PASSWORD] = {"Đặt mật khẩu", "Set password"},
    [T_KIND] = {"Loại hình", "Kind"},
    [T_QUEUE] = {"Việc cần xử lý", "Queue"},
    [T_SOURCE] = {"Nguồn", "Source"},
    [T_SRC_FINDING] = {"Phát hiện của thanh tra", "Inspector's finding"},
    [T_SRC_CLONE] = {"Nghi tem nhân bản", "Clone suspect"},
    [T_SRC_REPORT] = {"Báo cáo của người mua", "Shopper's report"},
    [T_ASSIGNEE] = {"Người xử lý", "Assigned to"},
    [T_ASSIGN] = {"Giao việc", "Assign"},
    [T_NOTE] = {"Ghi chú", "Note"},
    [T_ADD_NOTE] = {"Thêm ghi chú", "Add a note"},
    [T_CONFIRM] = {"Xác nhận", "Confirm"},
    [T_DISMISS] = {"Bỏ qua", "Dismiss"},
    [T_CONFIRM_HELP] = {"Xác nhận một tem có mã lô và số sê-ri sẽ ghi tem đó "
                        "là tem nhân bản (clone_reported); ki-ốt nhận được ở "
                        "lần xuất bản dữ liệu tiếp theo.",
                        "Confirming a label with its lot and serial records "
                        "it as cloned (clone_reported); kiosks get it with "
                        "the next publish."},
    [T_Q_OPEN] = {"Đang mở", "Open"},
    [T_Q_CONFIRMED] = {"Đã xác nhận", "Confirmed"},
    [T_Q_DISMISSED] = {"Đã bỏ qua", "Dismissed"},
    [T_LABEL] = {"Tem", "Label"},
    [T_LOT] = {"Lô", "Lot"},
    [T_SERIAL] = {"Số sê-ri", "Serial"},
    [T_PHOTO] = {"Ảnh", "Photo"},
    [T_SHOP] = {"Cửa hàng", "Shop"},
    [T_MINE] = {"Của tôi", "Mine"},
    [T_BUNDLE] = {"Gói in tem", "Print bundle"},
    [T_BUNDLE_HELP] = {"Gói gồm bản sao dữ liệu (mirror.db) và địa chỉ xác "
                       "minh của cơ quan OCOP. Giải nén rồi in bằng lệnh "
                       "trong tệp PRINT.txt.",
                       "The bundle holds the mirror (mirror.db) and the "
                       "authority's verify address. Unpack it and print "
                       "with the command in PRINT.txt."},
    [T_DOWNLOAD] = {"Tải về", "Download"},
    [T_PRINTED] = {"Dải số sê-ri đã in", "Printed serial ranges"},
    [T_PRINTED_FILE] = {"Tệp .printed của lệnh in", "print's .printed file"},
    [T_UPLOAD] = {"Tải lên", "Upload"},
    [T_FIRST] = {"Từ số", "First"},
    [T_LAST] = {"Đến số", "Last"},
    [T_ISSUED] = {"Ngày in", "Issued"},
    [T_OVERLAP] = {"Trùng dải số đã in", "Overlaps a printed range"},
    [T_BADGES] = {"Thẻ thanh tra", "Badges"},
    [T_INSPECTOR] = {"Thanh tra viên", "Inspector"},
    [T_VALID_UNTIL] = {"Hiệu lực đến", "Valid until"},
    [T_ISSUE_BADGE] = {"Cấp thẻ", "Issue a badge"},
    [T_BADGE_CARD] = {"Thẻ in (PDF)", "Badge card (PDF)"},
    [T_REINSPECT] = {"Cần tái kiểm tra", "Due for re-inspection"},
    [T_CONTACT] = {"Liên hệ", "Contact"},
    [T_SIGNED_IN_AS] = {"Đang đăng nhập", "Signed in as"},
    [T_SAVED] = {"Đã lưu.", "Saved."},
    [T_ERROR] = {"Lỗi", "Error"},
    [T_NO_RESULTS] = {"Không có kết quả.", "Nothing found."},
    [T_LANG_OTHER] = {"English", "Tiếng Việt"},
    [T_CREATED] = {"Ngày tạo", "Created"},
    [T_VERSION] = {"Phiên bản", "Version"},
    [T_KIOSKS] = {"Máy tra cứu", "Kiosks"},
    [T_LAST_CONTACT] = {"Liên lạc gần nhất", "Last contact"},
    [T_MIRROR_VERSION] = {"Phiên bản dữ liệu", "Mirror version"},
    [T_DATA_AGE] = {"Tuổi dữ liệu (ngày)", "Data age (days)"},
    [T_SCANS_7D] = {"Lượt quét 7 ngày", "Scans, 7 days"},
    [T_FINDINGS_7D] = {"Phát hiện 7 ngày", "Findings, 7 days"},
    [T_STATE] = {"Tình trạng", "State"},
    [T_K_OK] = {"Bình thường", "OK"},
    [T_K_STALE] = {"Dữ liệu cũ", "Stale"},
    [T_K_SILENT] = {"Mất liên lạc", "Silent"},
    [T_K_RETIRED] = {"Đã ngừng sử dụng", "Retired"},
    [T_NEVER] = {"Chưa có", "Never"},
    [T_ENROL_KIOSK] = {"Đăng ký máy tra cứu", "Enrol a kiosk"},
    [T_KIOSK_KEY_FILE] = {"Tệp khóa thiết bị (device.pub)",
                          "Device key file (device.pub)"},
    [T_RETIRE] = {"Ngừng sử dụng", "Retire"},
    [T_NO_COLLECTOR] = {"Máy chủ này không lưu dữ liệu quét từ máy tra cứu",
                        "This server keeps no scans from kiosks"},
    [T_FLEET_HELP] = {"Dữ liệu cũ: dữ liệu máy báo về đã quá thời hạn của "
                      "bản phát hành. Mất liên lạc: máy không gửi dữ liệu "
                      "quét trong 24 giờ. Tuổi dữ liệu là số ngày kể từ khi "
                      "bản dữ liệu máy đang dùng được phát hành, theo lần "
                      "báo gần nhất.",
                      "Stale: the data the kiosk reported is past the "
                      "feed's expiry. Silent: no upload from the kiosk for "
                      "24 hours. Data age is the days since the feed the "
                      "kiosk holds was published, as it last reported."},
    [T_IMPORT] = {"Nhập CSV", "CSV import"},
    [T_CSV_FILE] = {"Tệp CSV", "CSV file"},
    [T_UPDATE_EXISTING] = {"Cập nhật sản phẩm đã có",
                           "Update existing products"},
    [T_PREVIEW] = {"Xem trước", "Preview"},
    [T_APPLY] = {"Áp dụng tất cả", "Apply all"},
    [T_TO_ADD] = {"Sản phẩm sẽ thêm", "Products to add"},
    [T_TO_CHANGE] = {"Thay đổi sẽ thực hiện", "Changes to make"},
    [T_LINE] = {"Dòng", "Line"},
    [T_REPORTS] = {"Báo cáo", "Reports"},
    [T_RK_VERDICTS] = {"Lượt quét theo kết quả", "Scans by verdict"},
    [T_RK_HOTSPOTS] = {"Điểm nóng tem giả", "Forgery hotspots"},
    [T_RK_CLONES] = {"Tem nghi nhân bản", "Clone suspects"},
    [T_RK_FINDINGS] = {"Kết quả kiểm tra của thanh tra", "Inspection findings"},
    [T_RK_EXPIRING] = {"Chứng nhận sắp hết hạn", "Certificates expiring soon"},
    [T_RK_STATS] = {"Thống kê theo tỉnh", "Statistics per province"},
    [T_RK_ALL] = {"Tất cả báo cáo", "Every report"},
    [T_FROM] = {"Từ ngày", "From"},
    [T_TO] = {"Đến ngày", "To"},
    [T_TODAY] = {"Tính hạn từ ngày", "Expiry counted from"},
    [T_BY] = {"Chia theo", "Broken down by"},
    [T_KIOSK] = {"Ki-ốt", "Kiosk"},
    [T_DAY] = {"Ngày", "Day"},
    [T_LIMIT] = {"Số dòng tối đa", "Rows at most"},
    [T_EXPIRING_DAYS] = {"Hết hạn trong (ngày)", "Expiring within (days)"},
    [T_CLONE_SCANS] = {"Quét quá (lần)", "Scanned more than (times)"},
    [T_CLONE_KIOSKS] = {"Tại ít nhất (ki-ốt)", "At kiosks (at least)"},
    [T_CLONE_HOURS] = {"Trong vòng (giờ)", "Within (hours)"},
    [T_REINSPECT_SCANS] = {"Số lượt quét cần tái kiểm tra",
                           "Scans that call for re-inspection"},
    [T_SHOW] = {"Xem", "Show"},
    [T_BUSY] = {"Đang chạy nhiều báo cáo. Vui lòng thử lại sau ít giây.",
                "Too many reports are running. Please try again in a few "
                "seconds."},
    [T_MOVE] = {"Chuyển sang tỉnh khác", "Move to another province"},
    [T_MOVE_HELP] = {"Chỉ Hội đồng OCOP trung ương chuyển được; cơ quan cấp "
                     "chứng nhận giữ nguyên.",
                     "Only the central council moves records; the unit that "
                     "certified a product stays as it was."},
    [T_MY_PASSWORD] = {"Đổi mật khẩu của tôi", "Change my password"},
    [T_CURRENT_PASSWORD] = {"Mật khẩu hiện tại", "Current password"},
    [T_PASSWORD_CHANGED] = {"Đã đổi mật khẩu; các phiên khác đã đăng xuất.",
                            "Password changed; your other sessions are "
                            "signed out."},
};

/* The console's own stored keys and their words; groups and kinds are
 * labels/'s (labels_group_name_of, labels_kind_name_of). */
static const struct {
    const char *key;
    const char *word[LANG_COUNT_];
} key_words[] = {
    {"rated", {"Đang hiệu lực", "Rated"}},
    {"suspended", {"Tạm đình chỉ", "Suspended"}},
    {"revoked", {"Đã thu hồi", "Revoked"}},
    {"expired", {"Hết hiệu lực", "Expired"}},
    {"central", {"Trung ương", "Central"}},
    {"province", {"Tỉnh", "Province"}},
    {"producer", {"Chủ thể", "Producer"}},
    {"inspector", {"Thanh tra", "Inspector"}},
    {"viewer", {"Chỉ xem", "Viewer"}},
    {"pending", {"Chờ duyệt", "Pending"}},
    {"approved", {"Đã duyệt", "Approved"}},
    {"rejected", {"Đã từ chối", "Rejected"}},
};
/* clang-format on */

/* Captions labels/ spells for the kiosk and the phone page: the console
 * shows the same words for the same facts. */
static const struct {
    int msg;
    labels_field field;
} shared_words[] = {
    {T_PRODUCER, LABELS_F_PRODUCER}, {T_PROVINCE, LABELS_F_PROVINCE},
    {T_GROUP, LABELS_F_GROUP},       {T_CERTIFICATE, LABELS_F_CERTIFICATE},
    {T_REASON, LABELS_F_REASON},     {T_PROPOSED5, LABELS_F_PROPOSED5},
};

const char *tr(console_lang lang, int msg)
{
    if (msg < 0 || msg >= T_COUNT_)
        return "";
    if ((unsigned)lang >= LANG_COUNT_)
        lang = LANG_VI;
    for (size_t i = 0; i < sizeof shared_words / sizeof shared_words[0]; i++)
        if (shared_words[i].msg == msg)
            return labels_field_label(shared_words[i].field, lang);
    return words[msg][lang];
}

const char *console_word(console_lang lang, const char *key)
{
    if (!key)
        return "";
    if ((unsigned)lang >= LANG_COUNT_)
        lang = LANG_VI;
    if (labels_group_from_code(key) >= 0)
        return labels_group_name_of(key, lang);
    if (labels_kind_from_code(key) >= 0)
        return labels_kind_name_of(key, lang);
    for (size_t i = 0; i < sizeof key_words / sizeof key_words[0]; i++)
        if (!strcmp(key, key_words[i].key))
            return key_words[i].word[lang];
    return key;
}

/* ---- The page frame ---------------------------------------------------- */

void page_begin(html *h, const creq *r, const char *title)
{
    h->lang = r->lang;
    html_raw(h, h->lang == LANG_EN ? "<!doctype html><html lang=\"en\">"
                                   : "<!doctype html><html lang=\"vi\">");
    html_raw(h, "<head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                "content=\"width=device-width,initial-scale=1\"><title>");
    html_text(h, title);
    html_raw(h, " – ");
    html_text(h, tr(h->lang, T_TITLE));
    html_raw(h, "</title><link rel=\"stylesheet\" "
                "href=\"/console/static/console.css\"></head><body><header>"
                "<strong>");
    html_text(h, tr(h->lang, T_TITLE));
    html_raw(h, "</strong>");
    if (r->session) {
        const console_user *u = &r->session->user;
        static const struct {
            const char *path;
            int msg;
        } nav[] = {{"/console/", T_DASHBOARD},
                   {"/console/products", T_PRODUCTS},
                   {"/console/producers", T_PRODUCERS},
                   {"/console/keys", T_KEYS},
                   {"/console/queue", T_QUEUE},
                   {"/console/mine", T_MINE},
                   {"/console/badges", T_BADGES},
                   {"/console/kiosks", T_KIOSKS},
                   {"/console/import", T_IMPORT},
                   {"/console/reinspect", T_REINSPECT},
                   {"/console/reports", T_REPORTS},
                   {"/console/users", T_USERS},
                   {"/console/audit", T_AUDIT}};
        html_raw(h, "<nav>");
        for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
            if ((nav[i].msg == T_USERS && !may_manage_users(u)) ||
                (nav[i].msg == T_AUDIT && !may_read_audit(u)) ||
                !console_nav_shown(u, nav[i].msg))
                continue;
            html_raw(h, "<a href=\"");
            html_attr(h, nav[i].path);
            html_raw(h, "\">");
            html_text(h, tr(h->lang, nav[i].msg));
            html_raw(h, "</a>");
        }
        html_raw(h, "</nav><span class=\"who\">");
        html_text(h, tr(h->lang, T_SIGNED_IN_AS));
        html_raw(h, ": <a href=\"/console/account\"><b>");
        html_text(h, u->name);
        html_raw(h, "</b></a> (");
        html_text(h, console_word(h->lang, console_role_name(u->role)));
        if (u->province[0] || u->producer[0]) {
            html_raw(h, ", ");
            html_text(h, u->province[0] ? u->province : u->producer);
        }
        html_raw(h, ")</span><form method=\"post\" "
                    "action=\"/console/logout\" class=\"inline\">");
        html_csrf(h, r->session->csrf);
        html_raw(h, "<button>");
        html_text(h, tr(h->lang, T_LOGOUT));
        html_raw(h, "</button></form>");
    }
    html_raw(h, "<a class=\"lang\" href=\"?lang=");
    html_raw(h, h->lang == LANG_EN ? "vi" : "en");
    html_raw(h, "\">");
    html_text(h, tr(h->lang, T_LANG_OTHER));
    html_raw(h, "</a></header><main><h1>");
    html_text(h, title);
    html_raw(h, "</h1>");
}

void page_end(html *h) { html_raw(h, "</main></body></html>\n"); }

void page_error(creply *rep, const creq *r, unsigned status, int title_msg,
                const char *detail)
{
    rep->status = status;
    free(rep->body.p);
    memset(&rep->body, 0, sizeof rep->body);
    page_begin(&rep->body, r, tr(r->lang, title_msg));
    html_raw(&rep->body, "<p class=\"error\">");
    html_text(&rep->body, detail ? detail
                          : title_msg == T_FORBIDDEN
                              ? tr(r->lang, T_FORBIDDEN_TEXT)
                              : "");
    html_raw(&rep->body, "</p>");
    page_end(&rep->body);
}

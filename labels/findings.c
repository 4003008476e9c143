/* findings.c -- inspectors' findings: the stored words and the names the
 * kiosk screen shows, Vietnamese then English. Translators: a short
 * phrase after a date in a list of earlier findings. */
#include "labels.h"

#include <string.h>

#define FINDING_CODE_(e, code) [e] = code,
static const char *const codes[LABELS_FD_COUNT_] = {
    LABELS_FINDING_LIST(FINDING_CODE_, FINDING_CODE_)};

/* clang-format off */
static const char *const names[LABELS_FD_COUNT_][LABELS_LANG_COUNT_] = {
    [LABELS_FD_COMPLIANT] = {"Đạt yêu cầu", "Compliant"},
    [LABELS_FD_LABEL_MISUSE] = {"Sử dụng tem sai quy định", "Label misused"},
    [LABELS_FD_EXPIRED_ON_SALE] = {"Bày bán khi đã hết hạn",
                                   "On sale after expiry"},
    [LABELS_FD_QUALITY_COMPLAINT] = {"Khiếu nại chất lượng",
                                     "Quality complaint"},
    [LABELS_FD_SUSPECTED_COUNTERFEIT] = {"Nghi hàng giả",
                                         "Suspected counterfeit"},
};
/* clang-format on */

const char *labels_finding_code(labels_finding f)
{
    return (int)f < 0 || f >= LABELS_FD_COUNT_ ? NULL : codes[f];
}

int labels_finding_from_code(const char *code)
{
    if (!code)
        return -1;
    for (int f = 0; f < LABELS_FD_COUNT_; f++)
        if (!strcmp(codes[f], code))
            return f;
    return -1;
}

const char *labels_finding_name(labels_finding f, labels_lang lang)
{
    if ((int)f < 0 || f >= LABELS_FD_COUNT_)
        return NULL;
    if ((int)lang < 0 || lang >= LABELS_LANG_COUNT_)
        lang = LABELS_LANG_VI;
    return names[f][lang];
}

const char *labels_finding_name_of(const char *code, labels_lang lang)
{
    int f = labels_finding_from_code(code);
    return f < 0 ? (code ? code : "") : labels_finding_name(f, lang);
}

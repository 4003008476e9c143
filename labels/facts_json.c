/* facts_json.c -- the one set of JSON field names for a verdict and its
 * facts, used by ocop-kiosk scan, check and inspect and by ocop-host check
 * (documented in docs/verdicts.md, "JSON output"). */
#include "labels.h"

static void label_fields(labels_json *j, const labels_facts *f)
{
    if (!f->have_label) {
        labels_json_cstr(j, "reason", labels_strerror(f->parse_error));
        return;
    }
    labels_json_cstr(j, "product", f->label.product);
    labels_json_cstr(j, "lot", f->label.lot);
    labels_json_int(j, "serial", f->label.serial);
    labels_json_int(j, "stars_printed", f->label.stars);
}

static void label_detail(labels_json *j, const labels_facts *f)
{
    char hex[LABELS_KEY_ID_HEX_SIZE], issued[LABELS_DATE_SIZE];
    labels_key_id_hex(f->label.key_id, hex);
    labels_date_format(f->label.issued, issued);
    labels_json_cstr(j, "issued", issued);
    labels_json_cstr(j, "key_id", hex);
    labels_json_cstr(j, "key_status", f->key_status);
}

static void product_detail(labels_json *j, const labels_product *p)
{
    labels_json_cstr(j, "group", p->group);
    labels_json_cstr(j, "producer_code", p->producer_code);
    labels_json_cstr(j, "producer_kind", p->producer_kind);
    labels_json_cstr(j, "province", p->province);
    labels_json_int(j, "stars_current", p->stars);
    labels_json_bool(j, "proposed5", p->proposed5);
    labels_json_cstr(j, "status", p->status);
    labels_json_cstr(j, "status_reason", p->status_reason);
    labels_json_cstr(j, "status_date", p->status_date);
    labels_json_cstr(j, "certificate", p->certificate);
    labels_json_cstr(j, "certified", p->certified);
    labels_json_cstr(j, "expires", p->expires);
}

void labels_json_facts(labels_json *j, const labels_facts *f,
                       labels_facts_detail detail)
{
    if (!f) {
        if (j->err == LABELS_OK)
            j->err = LABELS_ERR_ARG;
        return;
    }
    labels_json_cstr(j, "verdict", labels_verdict_word(f->verdict));
    label_fields(j, f);
    if (f->have_product) {
        labels_json_cstr(j, "product_name", f->product.name);
        labels_json_cstr(j, "producer", f->product.producer_name);
    }
    if (detail != LABELS_FACTS_FULL)
        return;
    if (f->have_label)
        label_detail(j, f);
    if (f->have_product)
        product_detail(j, &f->product);
}

int labels_facts_json(const labels_facts *f, const labels_facts_source *src,
                      char *out, size_t outsz, size_t *len)
{
    labels_json j;
    if (len)
        *len = 0;
    if (!f || !out || outsz == 0)
        return LABELS_ERR_ARG;
    labels_json_begin(&j, out, outsz);
    if (src && src->file)
        labels_json_cstr(&j, "file", src->file);
    if (src && src->text)
        labels_json_str(&j, "text", src->text, src->text_len);
    labels_json_facts(&j, f, LABELS_FACTS_FULL);
    return labels_json_end(&j, len);
}

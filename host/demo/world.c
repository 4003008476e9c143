/* world.c -- word lists and the deterministic generator behind
 * `ocop-host demo`: 1,129 products of 752 producers in 24 provinces. */
#include "demo/demo.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: tiny, well mixed, and the same on every platform. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static unsigned rng_below(unsigned n) { return (unsigned)(rng_next() % n); }
#define PICK(a) ((a)[rng_below(N(a))])

/* The 24 provinces, a weight for their share of products, and places
 * their products are named after. */
static const struct {
    const char *code;
    int weight;
    const char *places[6];
} provinces[DEMO_PROVINCES] = {
    {"QN",
     10,
     {"Hạ Long", "Vân Đồn", "Tiên Yên", "Đông Triều", "Bình Liêu", "Cô Tô"}},
    {"HN",
     9,
     {"Ba Vì", "Chương Mỹ", "Bát Tràng", "Vạn Phúc", "Sóc Sơn", "Mỹ Đức"}},
    {"NA",
     6,
     {"Quỳnh Lưu", "Con Cuông", "Nghĩa Đàn", "Thanh Chương", "Diễn Châu"}},
    {"TH", 6, {"Sầm Sơn", "Như Thanh", "Thọ Xuân", "Bá Thước", "Nga Sơn"}},
    {"TNG", 6, {"Tân Cương", "Đại Từ", "Phú Lương", "Định Hóa"}},
    {"LCA", 4, {"Sa Pa", "Bắc Hà", "Bát Xát", "Mường Khương"}},
    {"HG", 4, {"Đồng Văn", "Mèo Vạc", "Hoàng Su Phì", "Quản Bạ"}},
    {"BG", 5, {"Lục Ngạn", "Yên Thế", "Lạng Giang", "Tân Yên"}},
    {"PT", 4, {"Thanh Sơn", "Tân Sơn", "Đoan Hùng", "Hạ Hòa"}},
    {"HB", 3, {"Mai Châu", "Cao Phong", "Lạc Sơn", "Tân Lạc"}},
    {"ND", 4, {"Hải Hậu", "Giao Thủy", "Vụ Bản", "Xuân Trường"}},
    {"TB", 4, {"Quỳnh Phụ", "Tiền Hải", "Đông Hưng", "Vũ Thư"}},
    {"NB", 3, {"Kim Sơn", "Hoa Lư", "Nho Quan", "Gia Viễn"}},
    {"QNA", 5, {"Hội An", "Trà My", "Đại Lộc", "Duy Xuyên"}},
    {"TTH", 4, {"Phong Điền", "A Lưới", "Hương Trà", "Phú Vang"}},
    {"KH", 3, {"Nha Trang", "Cam Ranh", "Vạn Ninh", "Khánh Vĩnh"}},
    {"LD", 5, {"Đà Lạt", "Bảo Lộc", "Đơn Dương", "Lạc Dương"}},
    {"DLK", 4, {"Buôn Ma Thuột", "Krông Pắc", "Cư M'gar", "Buôn Đôn"}},
    {"BTR", 5, {"Chợ Lách", "Mỏ Cày", "Giồng Trôm", "Ba Tri"}},
    {"DT", 5, {"Sa Đéc", "Lai Vung", "Tháp Mười", "Cao Lãnh"}},
    {"AG", 4, {"Châu Đốc", "Tri Tôn", "Tịnh Biên", "Chợ Mới"}},
    {"CT", 3, {"Phong Điền", "Cái Răng", "Thới Lai", "Ô Môn"}},
    {"KG", 4, {"Phú Quốc", "U Minh Thượng", "Hà Tiên", "Tân Hiệp"}},
    {"ST", 4, {"Kế Sách", "Mỹ Xuyên", "Vĩnh Châu", "Long Phú"}},
};

/* Product types per group, in labels_group order, and the group's
 * share of products in percent. */
static const char *const food[] = {"Mật ong rừng",
                                   "Nước mắm",
                                   "Chả mực",
                                   "Gạo thơm",
                                   "Gạo nếp cái hoa vàng",
                                   "Miến dong",
                                   "Bánh đa",
                                   "Mắm tôm",
                                   "Tôm khô",
                                   "Khô mực",
                                   "Lạp xưởng",
                                   "Bánh tráng",
                                   "Kẹo dừa",
                                   "Mứt gừng",
                                   "Hạt điều rang muối",
                                   "Nấm hương",
                                   "Măng khô",
                                   "Thịt trâu gác bếp",
                                   "Long nhãn",
                                   "Vải thiều sấy",
                                   "Bưởi da xanh",
                                   "Cam",
                                   "Nhãn lồng",
                                   "Xoài cát",
                                   "Chuối sấy",
                                   "Sá sùng khô",
                                   "Ruốc hàu",
                                   "Giò chả",
                                   "Bánh pía",
                                   "Mật ong hoa nhãn"};
static const char *const beverages[] = {
    "Chè",          "Trà Shan Tuyết",     "Rượu nếp",     "Cà phê rang xay",
    "Trà hoa vàng", "Rượu cần",           "Rượu ba kích", "Trà sen",
    "Rượu mơ",      "Nước cốt chanh dây", "Trà xanh",     "Rượu sim"};
static const char *const herbal[] = {"Tinh dầu quế",
                                     "Cao dược liệu",
                                     "Trà giảo cổ lam",
                                     "Tinh bột nghệ",
                                     "Sâm",
                                     "Ba kích tím",
                                     "Cao actiso",
                                     "Trà túi lọc dược liệu",
                                     "Tinh dầu tràm",
                                     "Dầu gấc",
                                     "Đông trùng hạ thảo"};
static const char *const textiles[] = {"Thổ cẩm",  "Lụa tơ tằm", "Khăn lụa",
                                       "Vải lanh", "Áo dài lụa", "Túi thổ cẩm"};
static const char *const souvenirs[] = {"Mây tre đan",       "Gốm",
                                        "Chiếu cói",         "Nón lá",
                                        "Đồ gỗ mỹ nghệ",     "Tranh thêu",
                                        "Sơn mài",           "Đá mỹ nghệ",
                                        "Sản phẩm lục bình", "Nhạc cụ dân tộc"};
static const char *const tourism[] = {"Du lịch cộng đồng",
                                      "Điểm du lịch sinh thái", "Homestay",
                                      "Du lịch làng nghề", "Vườn trái cây"};
static const struct {
    const char *const *types;
    size_t n;
    int percent;
} groups[LABELS_G_COUNT_] = {
    {food, N(food), 46},           {beverages, N(beverages), 20},
    {herbal, N(herbal), 14},       {textiles, N(textiles), 5},
    {souvenirs, N(souvenirs), 12}, {tourism, N(tourism), 3},
};
static const char *const variants[] = {
    "", "", "", "", " hữu cơ", " đặc sản", " truyền thống", " thượng hạng"};

static const char *const coop_stems[] = {"Nông nghiệp",
                                         "Dịch vụ nông nghiệp",
                                         "Chè",
                                         "Mật ong",
                                         "Sản xuất và thương mại",
                                         "Nông sản sạch",
                                         "Dược liệu",
                                         "Thủy sản",
                                         "Làng nghề",
                                         "Rau quả"};
static const char *const firm_forms[] = {"Công ty TNHH", "Công ty Cổ phần"};
static const char *const firm_stems[] = {
    "Thực phẩm", "Nông sản",       "Thương mại và dịch vụ",
    "Đặc sản",   "Xuất nhập khẩu", "Dược liệu",
    "Sản xuất"};
static const char *const family[] = {"Nguyễn", "Trần", "Lê",   "Phạm",
                                     "Hoàng",  "Vũ",   "Đặng", "Bùi",
                                     "Đỗ",     "Hồ",   "Ngô",  "Dương"};
static const char *const middle[] = {"Văn",   "Thị", "Đức",  "Minh",
                                     "Thanh", "Hữu", "Ngọc", "Quang"};
static const char *const given[] = {
    "An",   "Bình", "Cường", "Dũng",   "Hà",  "Hải", "Hoa",  "Hùng", "Lan",
    "Long", "Mai",  "Nam",   "Phương", "Sơn", "Tâm", "Thảo", "Tuấn", "Yến"};

/* Split total over the provinces by weight (largest remainder). */
static void apportion(int total, int out[DEMO_PROVINCES])
{
    int wsum = 0, given_out = 0;
    for (int i = 0; i < DEMO_PROVINCES; i++)
        wsum += provinces[i].weight;
    int rem[DEMO_PROVINCES];
    for (int i = 0; i < DEMO_PROVINCES; i++) {
        out[i] = total * provinces[i].weight / wsum;
        rem[i] = total * provinces[i].weight % wsum;
        given_out += out[i];
    }
    while (given_out < total) {
        int best = 0;
        for (int i = 1; i < DEMO_PROVINCES; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1;
        given_out++;
    }
}

static void make_producer(struct demo_producer *p, int prov, int seq)
{
    const char *place = NULL;
    while (!place)
        place = provinces[prov].places[rng_below(6)];
    const labels_province *pr = province_find(provinces[prov].code);
    memset(p, 0, sizeof *p);
    snprintf(p->r.code, sizeof p->r.code, "%s-P%04d", provinces[prov].code,
             seq);
    snprintf(p->r.province, sizeof p->r.province, "%s", pr->name);
    unsigned k = rng_below(100);
    if (k < 45) {
        snprintf(p->r.kind, sizeof p->r.kind, "cooperative");
        snprintf(p->r.name, sizeof p->r.name, "Hợp tác xã %s %s",
                 PICK(coop_stems), place);
    } else if (k < 70) {
        snprintf(p->r.kind, sizeof p->r.kind, "enterprise");
        snprintf(p->r.name, sizeof p->r.name, "%s %s %s", PICK(firm_forms),
                 PICK(firm_stems), place);
    } else {
        snprintf(p->r.kind, sizeof p->r.kind, "household");
        const char *f = PICK(family), *m = PICK(middle), *g = PICK(given);
        snprintf(p->r.name, sizeof p->r.name, "Hộ kinh doanh %s %s %s", f, m,
                 g);
    }
}

static void make_product(struct demo_world *w, struct demo_product *p, int prov,
                         int seq, int producer)
{
    const char *place = NULL;
    while (!place)
        place = provinces[prov].places[rng_below(6)];
    unsigned k = rng_below(100);
    int g = 0;
    for (int acc = groups[0].percent; (int)k >= acc && g < LABELS_G_COUNT_ - 1;
         acc += groups[++g].percent)
        ;
    memset(p, 0, sizeof *p);
    p->producer = producer;
    snprintf(p->r.code, sizeof p->r.code, "%s-%04d", provinces[prov].code, seq);
    snprintf(p->r.name, sizeof p->r.name, "%s%s %s",
             groups[g].types[rng_below((unsigned)groups[g].n)], PICK(variants),
             place);
    snprintf(p->r.grp, sizeof p->r.grp, "%s",
             labels_group_code((labels_group)g));
    snprintf(p->r.producer, sizeof p->r.producer, "%s",
             w->producers[producer].r.code);
    snprintf(p->r.province, sizeof p->r.province, "%s",
             w->producers[producer].r.province);
    /* The demo is the 2020 programme: each product certified by its 2020
     * unit (Hà Giang), its province the 2025 one (Tuyên Quang). */
    const labels_province *unit;
    labels_province_find(provinces[prov].code, &unit);
    snprintf(p->r.certified_unit, sizeof p->r.certified_unit, "%s",
             labels_province_in(unit, LABELS_UNITS_2020)->name);
    snprintf(p->r.status, sizeof p->r.status, "rated");
    /* Certified within the last 33 months, so every certificate is alive
     * on the demo date; one in twenty near the end of its 36 months. */
    long back = rng_below(20) == 0 ? 1000 + (long)rng_below(80)
                                   : 30 + (long)rng_below(940);
    regdate_add_days(w->today, -back, p->r.certified);
    regdate_add_months(p->r.certified, REG_EXPIRY_MONTHS, p->r.expires);
    snprintf(p->r.certificate, sizeof p->r.certificate, "%u/QĐ-UBND-%s",
             100 + rng_below(4900), provinces[prov].code);
}

void demo_world_generate(struct demo_world *w, const char *today)
{
    rng_state = 20200131; /* the figures' date: same seed, same world */
    memset(w, 0, sizeof *w);
    snprintf(w->today, sizeof w->today, "%s", today);
    int nprod[DEMO_PROVINCES], nprodr[DEMO_PROVINCES];
    apportion(DEMO_PRODUCTS, nprod);
    apportion(DEMO_PRODUCERS, nprodr);

    int pi = 0, qi = 0;
    for (int prov = 0; prov < DEMO_PROVINCES; prov++) {
        int first = qi;
        for (int s = 1; s <= nprodr[prov]; s++)
            make_producer(&w->producers[qi++], prov, s);
        /* Every producer has a product; the rest go to random ones. */
        for (int s = 1; s <= nprod[prov]; s++) {
            int who = s <= nprodr[prov]
                          ? first + s - 1
                          : first + (int)rng_below((unsigned)nprodr[prov]);
            make_product(w, &w->products[pi++], prov, s, who);
        }
    }

    /* Stars: shuffle, then the first 16 are proposed 5, the next 336 are
     * 4 stars and the rest 3 stars. */
    int order[DEMO_PRODUCTS];
    for (int i = 0; i < DEMO_PRODUCTS; i++)
        order[i] = i;
    for (int i = DEMO_PRODUCTS - 1; i > 0; i--) {
        int j = (int)rng_below((unsigned)i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < DEMO_PRODUCTS; i++) {
        struct reg_product *r = &w->products[order[i]].r;
        r->stars = i < DEMO_PROPOSED5 + DEMO_STARS4 ? 4 : 3;
        r->proposed5 = i < DEMO_PROPOSED5;
    }
    /* A few products lose their rating, as happens in any year. */
    static const struct {
        const char *status;
        int count;
        const char *reason;
        long days_ago; /* status date; 0: the day the certificate expired */
    } changes[] = {
        {"expired", 4, "Hết hạn chứng nhận, chưa đánh giá lại", 0},
        {"suspended", 5, "Tạm đình chỉ: vi phạm quy định ghi nhãn", 20},
        {"revoked", 3, "Thu hồi: sản phẩm không đạt chỉ tiêu chất lượng", 15},
    };
    for (size_t c = 0; c < N(changes); c++) {
        for (int done = 0; done < changes[c].count;) {
            struct reg_product *r = &w->products[rng_below(DEMO_PRODUCTS)].r;
            if (strcmp(r->status, "rated") != 0 || r->proposed5)
                continue;
            if (changes[c].days_ago == 0) {
                regdate_add_days(w->today, -1200, r->certified);
                regdate_add_months(r->certified, REG_EXPIRY_MONTHS, r->expires);
                memcpy(r->status_date, r->expires, 11);
            } else {
                regdate_add_days(w->today, -changes[c].days_ago,
                                 r->status_date);
            }
            snprintf(r->status, sizeof r->status, "%s", changes[c].status);
            snprintf(r->status_reason, sizeof r->status_reason, "%s",
                     changes[c].reason);
            done++;
        }
    }
    for (int i = 0; i < DEMO_PRODUCTS; i++) {
        struct demo_producer *p = &w->producers[w->products[i].producer];
        if (!p->first_certified[0] ||
            strcmp(w->products[i].r.certified, p->first_certified) < 0)
            memcpy(p->first_certified, w->products[i].r.certified, 11);
    }
}

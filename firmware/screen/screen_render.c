/* screen_render.c -- the kiosk's screens drawn with cairo and pango.
 *
 * Every length is a multiple of u = height / 480, so the 800x480 design
 * scales to 1920x1080 unchanged; widths follow the screen, and text that
 * does not fit its box is wrapped, then ellipsized, never clipped. */
#include "screen_render.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RGB_BG 0xF7F7F4u
#define RGB_TEXT 0x1D2327u
#define RGB_MUTED 0x5F6B73u
#define RGB_WHITE 0xFFFFFFu
#define RGB_TITLE 0x1F5FA8u /* idle screen band */
#define RGB_NOTREADY 0x455A64u
#define RGB_OFFLINE 0x37474Fu
#define RGB_STAR 0xF2B705u
#define RGB_STAR_EDGE 0xB07F00u
#define RGB_STAR_OLD 0xB0B7BCu
#define RGB_DIVIDER 0xD5D8DAu

/* labels_tone has four values, GOOD to NEUTRAL. */
#define SCREEN_TONES (LABELS_TONE_NEUTRAL + 1)

static const uint32_t tone_rgb[SCREEN_TONES] = {
    [LABELS_TONE_GOOD] = 0x1E7B34u,
    [LABELS_TONE_WARN] = 0xF2A900u,
    [LABELS_TONE_BAD] = 0xC62828u,
    [LABELS_TONE_NEUTRAL] = 0x5B6770u,
};

/* Text on the amber band and amber headings need a dark ink to read. */
static const uint32_t tone_ink[SCREEN_TONES] = {
    [LABELS_TONE_GOOD] = RGB_WHITE,
    [LABELS_TONE_WARN] = RGB_TEXT,
    [LABELS_TONE_BAD] = RGB_WHITE,
    [LABELS_TONE_NEUTRAL] = RGB_WHITE,
};
static const uint32_t tone_heading[SCREEN_TONES] = {
    [LABELS_TONE_GOOD] = 0x1E7B34u,
    [LABELS_TONE_WARN] = 0x7A5000u,
    [LABELS_TONE_BAD] = 0xB71C1Cu,
    [LABELS_TONE_NEUTRAL] = 0x455A64u,
};

/* Font roles; sizes are in units of u. */
typedef enum font_role {
    F_HEADLINE,
    F_TITLE,
    F_NAME,
    F_BODY,
    F_BODY_BOLD,
    F_ADVICE,
    F_STEP,
    F_STEP_NUM,
    F_SMALL,
    F_BANNER,
    F_ICON,
    F_COUNT_
} font_role;

static const struct {
    double size;
    int bold;
} font_spec[F_COUNT_] = {
    [F_HEADLINE] = {36, 1}, [F_TITLE] = {34, 1},     [F_NAME] = {25, 1},
    [F_BODY] = {18, 0},     [F_BODY_BOLD] = {20, 1}, [F_ADVICE] = {20, 0},
    [F_STEP] = {23, 0},     [F_STEP_NUM] = {24, 1},  [F_SMALL] = {15, 0},
    [F_BANNER] = {17, 1},   [F_ICON] = {56, 1},
};

/* Noto Sans covers Vietnamese; DejaVu Sans is the fallback Debian always
 * has. */
#define FONT_FAMILY "Noto Sans, DejaVu Sans, sans-serif"

struct screen_renderer {
    PangoFontMap *fontmap; /* not owned: pango's default */
    PangoContext *context;
    PangoLayout *layout;
    int font_height; /* screen height the fonts below were made for */
    PangoFontDescription *fonts[F_COUNT_];
};

/* One frame's drawing state. */
typedef struct frame {
    screen_renderer *r;
    cairo_t *cr;
    double w, h, u, m; /* size, unit, margin */
    const screen_state *st;
    labels_lang lang;
    screen_info *info;
    double limit; /* the details column's bottom: lines past it are left out */
} frame;

uint32_t screen_tone_rgb(labels_tone tone)
{
    if ((int)tone < 0 || tone >= SCREEN_TONES)
        return tone_rgb[LABELS_TONE_BAD];
    return tone_rgb[tone];
}

uint32_t screen_background_rgb(void) { return RGB_BG; }

double screen_margin(int height) { return floor(24.0 * height / 480.0); }

int screen_renderer_new(screen_renderer **out)
{
    if (!out)
        return LABELS_ERR_ARG;
    *out = NULL;
    screen_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return LABELS_ERR_NOMEM;
    r->fontmap = pango_cairo_font_map_get_default();
    r->context = r->fontmap ? pango_font_map_create_context(r->fontmap) : NULL;
    r->layout = r->context ? pango_layout_new(r->context) : NULL;
    if (!r->layout) {
        screen_renderer_free(r);
        return LABELS_ERR_NOMEM;
    }
    /* Greyscale antialiasing without hinting: panels have unknown
     * subpixel order, and unhinted metrics keep both sizes alike. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(r->context, fo);
    cairo_font_options_destroy(fo);
    *out = r;
    return LABELS_OK;
}

static void drop_fonts(screen_renderer *r)
{
    for (int i = 0; i < F_COUNT_; i++) {
        if (r->fonts[i])
            pango_font_description_free(r->fonts[i]);
        r->fonts[i] = NULL;
    }
    r->font_height = 0;
}

void screen_renderer_free(screen_renderer *r)
{
    if (!r)
        return;
    drop_fonts(r);
    if (r->layout)
        g_object_unref(r->layout);
    if (r->context)
        g_object_unref(r->context);
    free(r);
}

void screen_render_shutdown(void)
{
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
}

static int ensure_fonts(screen_renderer *r, int height)
{
    if (r->font_height == height)
        return LABELS_OK;
    drop_fonts(r);
    double u = height / 480.0;
    for (int i = 0; i < F_COUNT_; i++) {
        PangoFontDescription *fd =
            pango_font_description_from_string(FONT_FAMILY);
        if (!fd) {
            drop_fonts(r);
            return LABELS_ERR_NOMEM;
        }
        pango_font_description_set_absolute_size(fd, font_spec[i].size * u *
                                                         PANGO_SCALE);
        pango_font_description_set_weight(
            fd, font_spec[i].bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        r->fonts[i] = fd;
    }
    r->font_height = height;
    return LABELS_OK;
}

/* ---- Drawing helpers ----------------------------------------------------- */

static void set_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0,
                         ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0);
}

/* rgb mixed toward white: t = 0 is rgb, 1 is white. */
static uint32_t tint(uint32_t rgb, double t)
{
    uint32_t out = 0;
    for (int s = 0; s <= 16; s += 8) {
        double c = (rgb >> s) & 0xFF;
        c = c + (255.0 - c) * t;
        out |= (uint32_t)lround(c) << s;
    }
    return out;
}

static void fill_rect(frame *f, double x, double y, double w, double h,
                      uint32_t rgb)
{
    set_rgb(f->cr, rgb);
    cairo_rectangle(f->cr, x, y, w, h);
    cairo_fill(f->cr);
}

static void rounded_rect(cairo_t *cr, double x, double y, double w, double h,
                         double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

/* A text block: wrapped to width w, at most max_lines lines, the last one
 * ellipsized. markup: s is pango markup (already escaped). */
typedef struct text_style {
    font_role font;
    uint32_t rgb;
    int max_lines;
    PangoAlignment align;
    int markup;
    int middle; /* ellipsize in the middle: identifiers keep both ends */
} text_style;

/* Lay s out and return its height in pixels without drawing it. */
static double text_prepare(frame *f, const char *s, const text_style *ts,
                           double w)
{
    PangoLayout *l = f->r->layout;
    pango_layout_set_font_description(l, f->r->fonts[ts->font]);
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(l, ts->middle ? PANGO_ELLIPSIZE_MIDDLE
                                             : PANGO_ELLIPSIZE_END);
    pango_layout_set_height(l, -(ts->max_lines > 0 ? ts->max_lines : 1));
    pango_layout_set_alignment(l, ts->align);
    pango_layout_set_attributes(l, NULL);
    if (ts->markup)
        pango_layout_set_markup(l, s, -1);
    else
        pango_layout_set_text(l, s, -1);
    PangoRectangle logical;
    pango_layout_get_pixel_extents(l, NULL, &logical);
    return logical.height;
}

/* Draw the prepared layout with its top-left at (x, y). */
static void text_show(frame *f, const text_style *ts, double x, double y)
{
    PangoLayout *l = f->r->layout;
    PangoRectangle ink;
    pango_layout_get_pixel_extents(l, &ink, NULL);
    if (ink.width > 0 && ink.height > 0 && f->info) {
        screen_rect *u = &f->info->ink;
        double x0 = x + ink.x, y0 = y + ink.y;
        double x1 = x0 + ink.width, y1 = y0 + ink.height;
        if (f->info->texts == 0) {
            u->x = x0, u->y = y0, u->w = x1 - x0, u->h = y1 - y0;
        } else {
            double ux1 = fmax(u->x + u->w, x1), uy1 = fmax(u->y + u->h, y1);
            u->x = fmin(u->x, x0);
            u->y = fmin(u->y, y0);
            u->w = ux1 - u->x;
            u->h = uy1 - u->y;
        }
    }
    if (f->info) {
        f->info->texts++;
        if (pango_layout_is_ellipsized(l))
            f->info->ellipsized++;
        f->info->unknown_glyphs += pango_layout_get_unknown_glyphs_count(l);
    }
    set_rgb(f->cr, ts->rgb);
    cairo_move_to(f->cr, x, y);
    pango_cairo_show_layout(f->cr, l);
    /* Drop the current point, or the next arc would start with a line. */
    cairo_new_path(f->cr);
}

static double text(frame *f, const char *s, const text_style *ts, double x,
                   double y, double w)
{
    double h = text_prepare(f, s, ts, w);
    text_show(f, ts, x, y);
    return h;
}

/* "<muted label>  value" as escaped markup; caller g_free()s. */
static char *field_markup(const char *label, const char *value)
{
    return g_markup_printf_escaped("<span foreground=\"#%06X\">%s</span>  %s",
                                   (unsigned)RGB_MUTED, label, value);
}

/* Two fields on one line, separated by a dot. */
static char *field2_markup(const char *l1, const char *v1, const char *l2,
                           const char *v2)
{
    return g_markup_printf_escaped(
        "<span foreground=\"#%06X\">%s</span>  %s   "
        "<span foreground=\"#%06X\">·  %s</span>  %s",
        (unsigned)RGB_MUTED, l1, v1, (unsigned)RGB_MUTED, l2, v2);
}

/* A five-pointed star of outer radius r centred at (cx, cy). */
static void star_path(cairo_t *cr, double cx, double cy, double r)
{
    double ri = r * 0.42;
    for (int i = 0; i < 10; i++) {
        double a = -M_PI / 2 + i * M_PI / 5;
        double rr = (i % 2) ? ri : r;
        if (i == 0)
            cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
        else
            cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
    }
    cairo_close_path(cr);
}

/* Five star slots from x, centred on cy: the first n filled with fill,
 * the rest outlined. Returns the width used. */
static double stars(frame *f, double x, double cy, int n, uint32_t fill,
                    uint32_t edge)
{
    double r = 13 * f->u, step = 2 * r + 6 * f->u;
    cairo_set_line_width(f->cr, fmax(1.0, 1.5 * f->u));
    cairo_set_line_join(f->cr, CAIRO_LINE_JOIN_ROUND);
    for (int i = 0; i < 5; i++) {
        star_path(f->cr, x + r + i * step, cy, r);
        if (i < n) {
            set_rgb(f->cr, fill);
            cairo_fill_preserve(f->cr);
            set_rgb(f->cr, edge);
        } else {
            set_rgb(f->cr, RGB_STAR_OLD);
        }
        cairo_stroke(f->cr);
    }
    return 5 * step - 6 * f->u;
}

/* The verdict symbol: shape as well as colour, for colour-blind shoppers. */
static void tone_icon(frame *f, labels_tone tone, double cx, double cy,
                      double r)
{
    cairo_t *cr = f->cr;
    uint32_t bg = tone_rgb[tone];
    set_rgb(cr, tone == LABELS_TONE_WARN ? RGB_TEXT : RGB_WHITE);
    cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
    cairo_fill(cr);
    set_rgb(cr, bg);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, r * 0.22);
    switch (tone) {
    case LABELS_TONE_GOOD:
        cairo_move_to(cr, cx - r * 0.45, cy + r * 0.02);
        cairo_line_to(cr, cx - r * 0.12, cy + r * 0.36);
        cairo_line_to(cr, cx + r * 0.48, cy - r * 0.32);
        cairo_stroke(cr);
        break;
    case LABELS_TONE_WARN:
        cairo_move_to(cr, cx, cy - r * 0.5);
        cairo_line_to(cr, cx, cy + r * 0.12);
        cairo_stroke(cr);
        cairo_arc(cr, cx, cy + r * 0.45, r * 0.13, 0, 2 * M_PI);
        cairo_fill(cr);
        break;
    case LABELS_TONE_BAD:
        cairo_move_to(cr, cx - r * 0.4, cy - r * 0.4);
        cairo_line_to(cr, cx + r * 0.4, cy + r * 0.4);
        cairo_move_to(cr, cx + r * 0.4, cy - r * 0.4);
        cairo_line_to(cr, cx - r * 0.4, cy + r * 0.4);
        cairo_stroke(cr);
        break;
    default: {
        /* A question mark: a hook and a dot. */
        cairo_arc(cr, cx, cy - r * 0.2, r * 0.3, M_PI, M_PI * 2.35);
        cairo_line_to(cr, cx, cy + r * 0.18);
        cairo_stroke(cr);
        cairo_arc(cr, cx, cy + r * 0.5, r * 0.13, 0, 2 * M_PI);
        cairo_fill(cr);
        break;
    }
    }
}

/* ---- Regions ---------------------------------------------------------------
 */

/* The stale/offline banner across the top; returns its height. */
static double banner(frame *f)
{
    const screen_state *st = f->st;
    if (!st->stale && !st->offline && !st->inspector && !st->notice)
        return 0;
    double h = floor(38 * f->u);
    uint32_t bg = st->stale ? tone_rgb[LABELS_TONE_WARN] : RGB_OFFLINE;
    uint32_t ink = st->stale ? RGB_TEXT : RGB_WHITE;
    /* In inspector mode the banner says whose session it is; staleness,
     * when it applies, still wins the space: it qualifies every verdict. */
    fill_rect(f, 0, 0, f->w, h, bg);

    text_style ts = {F_BANNER, ink, 1, PANGO_ALIGN_LEFT, 0, 0};
    double right = f->w - f->m;
    if (st->offline) {
        /* A hollow dot then "Offline", flush right. */
        text_style tr = ts;
        tr.align = PANGO_ALIGN_RIGHT;
        double tw = f->w * 0.3;
        double th =
            text_prepare(f, screen_text(SCREEN_MSG_OFFLINE, f->lang), &tr, tw);
        text_show(f, &tr, right - tw, (h - th) / 2);
        PangoRectangle lg;
        pango_layout_get_pixel_extents(f->r->layout, NULL, &lg);
        double dot = 6 * f->u;
        double dx = right - lg.width - dot - 8 * f->u;
        set_rgb(f->cr, ink);
        cairo_set_line_width(f->cr, fmax(1.0, 2 * f->u));
        cairo_arc(f->cr, dx, h / 2, dot, 0, 2 * M_PI);
        cairo_stroke(f->cr);
        cairo_move_to(f->cr, dx - dot * 1.4, h / 2 + dot * 1.4);
        cairo_line_to(f->cr, dx + dot * 1.4, h / 2 - dot * 1.4);
        cairo_stroke(f->cr);
        right = dx - dot - 16 * f->u;
    }
    if (st->notice) {
        /* The answer to what an inspector just did, for a few seconds:
         * it wins the space over the lines below. */
        double th = text_prepare(f, st->notice, &ts, right - f->m);
        text_show(f, &ts, f->m, (h - th) / 2);
    } else if (st->inspector && !st->stale) {
        double th = text_prepare(f, st->inspector, &ts, right - f->m);
        text_show(f, &ts, f->m, (h - th) / 2);
    }
    if (st->stale && !st->notice) {
        char date[32], msg[160];
        if (st->data_date[0]) {
            screen_format_date(st->data_date, f->lang, date, sizeof date);
            snprintf(msg, sizeof msg,
                     screen_text(SCREEN_MSG_STALE_FMT, f->lang), date);
        } else {
            snprintf(msg, sizeof msg, "%s",
                     screen_text(SCREEN_MSG_STALE_UNKNOWN, f->lang));
        }
        double th = text_prepare(f, msg, &ts, right - f->m);
        text_show(f, &ts, f->m, (h - th) / 2);
    }
    return h;
}

/* A full-width coloured band with an icon and a headline. */
static void band(frame *f, double y, double h, uint32_t bg, uint32_t ink,
                 int icon_tone, const char *headline, font_role font)
{
    fill_rect(f, 0, y, f->w, h, bg);
    if (f->info) {
        f->info->band.x = 0;
        f->info->band.y = y;
        f->info->band.w = f->w;
        f->info->band.h = h;
    }
    double x = f->m;
    if (icon_tone >= 0) {
        double r = fmin(40 * f->u, h * 0.36);
        tone_icon(f, (labels_tone)icon_tone, f->m + r, y + h / 2, r);
        x = f->m + 2 * r + 20 * f->u;
    }
    text_style ts = {font, ink, 2, PANGO_ALIGN_LEFT, 0, 0};
    double th = text_prepare(f, headline, &ts, f->w - f->m - x);
    text_show(f, &ts, x, y + (h - th) / 2);
}

/* The language hint along the bottom edge; returns the footer top. */
static double footer(frame *f)
{
    double h = 30 * f->u;
    double y = f->h - h;
    text_style ts = {F_SMALL, RGB_MUTED, 1, PANGO_ALIGN_RIGHT, 0, 0};
    double th = text_prepare(f, screen_text(SCREEN_MSG_LANG_HINT, f->lang), &ts,
                             f->w - 2 * f->m);
    text_show(f, &ts, f->m, y + (h - th) / 2 - 2 * f->u);
    return y;
}

/* The "what to do" box: tinted, outlined in the verdict's colour. */
static double advice_box(frame *f, labels_tone tone, const char *title,
                         const char *advice, font_role font, int fit, double x,
                         double y, double w, double h)
{
    double pad = 14 * f->u;
    text_style th = {
        F_BODY_BOLD, tone_heading[tone], 1, PANGO_ALIGN_LEFT, 0, 0};
    double hh = text_prepare(f, title, &th, w - 2 * pad);
    /* As many advice lines as the box holds. */
    double line = font_spec[font].size * f->u * 1.36;
    int lines = (int)((h - 2 * pad - hh - 6 * f->u) / line);
    text_style tb = {font, RGB_TEXT, lines > 0 ? lines : 1, PANGO_ALIGN_LEFT,
                     0,    0};
    if (fit) {
        double bh = text_prepare(f, advice, &tb, w - 2 * pad);
        h = fmin(h, 2 * pad + hh + 6 * f->u + bh + 4 * f->u);
    }
    rounded_rect(f->cr, x, y, w, h, 12 * f->u);
    set_rgb(f->cr, tint(tone_rgb[tone], 0.86));
    cairo_fill_preserve(f->cr);
    set_rgb(f->cr, tone_rgb[tone]);
    cairo_set_line_width(f->cr, fmax(1.0, 3 * f->u));
    cairo_stroke(f->cr);

    double cy = y + pad;
    cy += text(f, title, &th, x + pad, cy, w - 2 * pad);
    cy += 6 * f->u;
    text(f, advice, &tb, x + pad, cy, w - 2 * pad);
    return h;
}

/* One markup line of the details column; returns the height used. */
static double detail(frame *f, char *markup, int max_lines, double x, double y,
                     double w)
{
    if (!markup)
        return 0;
    /* max_lines 0: one line shortened in the middle (identifiers). */
    text_style ts = {F_BODY,           RGB_TEXT, max_lines > 0 ? max_lines : 1,
                     PANGO_ALIGN_LEFT, 1,        max_lines <= 0};
    double h = text_prepare(f, markup, &ts, w);
    g_free(markup);
    if (y + h > f->limit) {
        /* No room left: leave the line out rather than cut it in half. */
        if (f->info)
            f->info->ellipsized++;
        return 0;
    }
    text_show(f, &ts, x, y);
    return h + 5 * f->u;
}

/* A row of stars after a muted label; returns the height used. */
static double star_row(frame *f, const char *label, int n, uint32_t fill,
                       uint32_t edge, const char *note, double x, double y,
                       double w)
{
    double rowh = 34 * f->u;
    double sx = x;
    if (y + rowh > f->limit)
        return 0;
    if (label) {
        text_style ts = {F_BODY, RGB_MUTED, 1, PANGO_ALIGN_LEFT, 0, 0};
        double lw = fmin(w * 0.42, 150 * f->u);
        double th = text_prepare(f, label, &ts, lw);
        text_show(f, &ts, x, y + (rowh - th) / 2);
        sx = x + lw + 8 * f->u;
    }
    double used = stars(f, sx, y + rowh / 2, n, fill, edge);
    double extra = 0;
    if (note) {
        /* Beside the stars when it fits, else on a line of its own. */
        text_style tn = {F_SMALL, RGB_MUTED, 1, PANGO_ALIGN_LEFT, 0, 0};
        double nx = sx + used + 12 * f->u;
        double th = text_prepare(f, note, &tn, 10000);
        PangoRectangle lg;
        pango_layout_get_pixel_extents(f->r->layout, NULL, &lg);
        if (nx + lg.width <= x + w) {
            text_show(f, &tn, nx, y + (rowh - th) / 2);
        } else {
            th = text_prepare(f, note, &tn, x + w - sx);
            text_show(f, &tn, sx, y + rowh);
            extra = th;
        }
    }
    return rowh + extra + 4 * f->u;
}

/* The facts column: product, stars, producer, certificate, lot/serial. */
static void details(frame *f, const labels_facts *fa, labels_tone tone,
                    double x, double y, double w)
{
    labels_lang L = f->lang;
    const labels_product *p = &fa->product;
    const labels_label *lab = &fa->label;
    char d1[32], d2[32], num[32];

    if (fa->have_product) {
        if (tone == LABELS_TONE_BAD && fa->verdict != LABELS_V_SUSPENDED &&
            fa->verdict != LABELS_V_REVOKED) {
            /* The label is not trusted: what follows is the register's
             * record for the code it carries, for comparison. */
            text_style tr = {F_SMALL, RGB_MUTED, 1, PANGO_ALIGN_LEFT, 0, 0};
            y += text(f, labels_field_label(LABELS_F_REGISTERED_AS, L), &tr, x,
                      y, w) +
                 2 * f->u;
        }
        text_style tn = {F_NAME, RGB_TEXT, 2, PANGO_ALIGN_LEFT, 0, 0};
        y += text(f, p->name, &tn, x, y, w) + 4 * f->u;

        const char *note =
            p->proposed5 ? labels_field_label(LABELS_F_PROPOSED5, L) : NULL;
        if (fa->have_label && lab->stars != p->stars) {
            y += star_row(f, labels_field_label(LABELS_F_STARS_NOW, L),
                          p->stars, RGB_STAR, RGB_STAR_EDGE, note, x, y, w);
            y += star_row(f, labels_field_label(LABELS_F_STARS_PRINTED, L),
                          lab->stars, RGB_STAR_OLD, RGB_MUTED, NULL, x, y, w);
        } else {
            y += star_row(f, NULL, p->stars, RGB_STAR, RGB_STAR_EDGE, note, x,
                          y, w);
        }
        y += 2 * f->u;

        char prod[300];
        if (p->producer_kind[0])
            snprintf(prod, sizeof prod, "%s (%s)", p->producer_name,
                     labels_kind_name_of(p->producer_kind, L));
        else
            snprintf(prod, sizeof prod, "%s", p->producer_name);
        y += detail(
            f, field_markup(labels_field_label(LABELS_F_PRODUCER, L), prod), 2,
            x, y, w);
        y += detail(f,
                    field2_markup(labels_field_label(LABELS_F_PROVINCE, L),
                                  p->province,
                                  labels_field_label(LABELS_F_GROUP, L),
                                  labels_group_name_of(p->group, L)),
                    1, x, y, w);
        if (p->certificate[0])
            y +=
                detail(f,
                       field_markup(labels_field_label(LABELS_F_CERTIFICATE, L),
                                    p->certificate),
                       0, x, y, w);
        if (p->certified[0] || p->expires[0]) {
            screen_format_date(p->certified, L, d1, sizeof d1);
            screen_format_date(p->expires, L, d2, sizeof d2);
            char valid[80];
            snprintf(valid, sizeof valid, "%s – %s", d1, d2);
            y += detail(
                f, field_markup(labels_field_label(LABELS_F_VALID, L), valid),
                1, x, y, w);
        }
    } else if (fa->have_label) {
        y += detail(f,
                    field_markup(labels_field_label(LABELS_F_PRODUCT_CODE, L),
                                 lab->product),
                    1, x, y, w);
        y += star_row(f, labels_field_label(LABELS_F_STARS_PRINTED, L),
                      lab->stars, RGB_STAR_OLD, RGB_MUTED, NULL, x, y, w);
        if (fa->verdict == LABELS_V_UNKNOWN_PRODUCT) {
            text_style tw = {
                F_BODY_BOLD, tone_heading[tone], 2, PANGO_ALIGN_LEFT, 0, 0};
            y += text(f, labels_field_label(LABELS_F_NO_PRODUCT, L), &tw, x, y,
                      w) +
                 5 * f->u;
        }
    }
    if (fa->have_label) {
        snprintf(num, sizeof num, "%lu", (unsigned long)lab->serial);
        y += detail(f,
                    field2_markup(labels_field_label(LABELS_F_LOT, L), lab->lot,
                                  labels_field_label(LABELS_F_SERIAL, L), num),
                    1, x, y, w);
    }
    if (fa->have_product && p->status_reason[0] && tone != LABELS_TONE_GOOD) {
        char reason[300];
        if (p->status_date[0]) {
            screen_format_date(p->status_date, L, d1, sizeof d1);
            snprintf(reason, sizeof reason, "%s (%s)", p->status_reason, d1);
        } else {
            snprintf(reason, sizeof reason, "%s", p->status_reason);
        }
        y += detail(
            f, field_markup(labels_field_label(LABELS_F_REASON, L), reason), 2,
            x, y, w);
    }
    (void)y;
}

/* ---- Screens ----------------------------------------------------------------
 */

/* Replace each byte that breaks UTF-8 with '?': the mirror promises UTF-8,
 * but a corrupt one must not make pango drop the rest of a name. */
static void fix_utf8(char *s, size_t size)
{
    s[size - 1] = '\0';
    const gchar *end;
    while (!g_utf8_validate(s, -1, &end)) {
        *(char *)end = '?';
        s = (char *)end + 1;
    }
}

#define FIX(field) fix_utf8((field), sizeof(field))

static void draw_verdict(frame *f)
{
    /* A private copy whose strings are safe to lay out. */
    labels_facts safe = *f->st->facts;
    const labels_facts *fa = &safe;
    FIX(safe.label.product);
    FIX(safe.label.lot);
    FIX(safe.product.name);
    FIX(safe.product.group);
    FIX(safe.product.producer_name);
    FIX(safe.product.producer_kind);
    FIX(safe.product.province);
    FIX(safe.product.status_reason);
    FIX(safe.product.status_date);
    FIX(safe.product.certificate);
    FIX(safe.product.certified);
    FIX(safe.product.expires);
    labels_verdict v = fa->verdict;
    labels_tone tone = labels_verdict_tone(v);

    double top = banner(f);
    double bh = floor(124 * f->u);
    band(f, top, bh, tone_rgb[tone], tone_ink[tone], (int)tone,
         labels_verdict_headline(v, f->lang), F_HEADLINE);
    double y = top + bh + 18 * f->u;
    double bottom = footer(f);
    double x = f->m, w = f->w - 2 * f->m;

    if (!fa->have_product && !fa->have_label) {
        /* Nothing to show but advice: say it larger, then remind the
         * shopper how to scan a real label. */
        double bh2 = advice_box(
            f, tone, labels_field_label(LABELS_F_WHAT_TO_DO, f->lang),
            labels_verdict_advice(v, f->lang), F_STEP, 1, x, y, w, bottom - y);
        y += bh2 + 20 * f->u;
        text_style ts = {F_STEP, RGB_MUTED, 2, PANGO_ALIGN_LEFT, 0, 0};
        if (y < bottom - 30 * f->u)
            text(
                f,
                screen_input_text(SCREEN_MSG_IDLE_STEP2, f->st->input, f->lang),
                &ts, x, y, w);
        return;
    }
    /* Facts on the left, advice on the right. */
    double gap = 20 * f->u;
    double aw = floor((w - gap) * 0.40);
    double dw = w - gap - aw;
    /* The clip keeps stray ink (a tall diacritic on the last line) out of
     * the advice column; pango has already wrapped to the width. */
    cairo_save(f->cr);
    cairo_rectangle(f->cr, x, y - 4 * f->u, dw, bottom - y + 4 * f->u);
    cairo_clip(f->cr);
    f->limit = bottom;
    details(f, fa, tone, x, y, dw);
    f->limit = f->h;
    cairo_restore(f->cr);
    /* An inspector needs the product's history, not shoppers' advice. */
    const screen_state *st = f->st;
    if (st->inspector && st->inspector_notes && fa->have_product)
        advice_box(f, tone, screen_text(SCREEN_MSG_PREV_FINDINGS, f->lang),
                   st->inspector_notes[0]
                       ? st->inspector_notes
                       : screen_text(SCREEN_MSG_NO_FINDINGS, f->lang),
                   F_ADVICE, 0, x + dw + gap, y, aw, bottom - y);
    else
        advice_box(f, tone, labels_field_label(LABELS_F_WHAT_TO_DO, f->lang),
                   labels_verdict_advice(v, f->lang), F_ADVICE, 0, x + dw + gap,
                   y, aw, bottom - y);
}

/* A stylised QR symbol (three finder squares and a fixed scatter): a
 * picture of what to look for, not a scannable code. */
static void qr_picture(frame *f, double x, double y, double s)
{
    static const uint32_t rows[21] = {
        0x1FC07F, 0x104A41, 0x175A5D, 0x17455D, 0x17565D, 0x104C41, 0x1FD57F,
        0x003500, 0x1B6E9A, 0x0C93A5, 0x15D4CB, 0x0A3B12, 0x1D96AD, 0x00AD44,
        0x1FC6B3, 0x10598C, 0x1752F5, 0x174E2A, 0x1759D3, 0x10458C, 0x1FCAB5,
    };
    double mod = s / 21;
    set_rgb(f->cr, RGB_WHITE);
    cairo_rectangle(f->cr, x - 2 * mod, y - 2 * mod, s + 4 * mod, s + 4 * mod);
    cairo_fill(f->cr);
    set_rgb(f->cr, RGB_TEXT);
    for (int r = 0; r < 21; r++)
        for (int c = 0; c < 21; c++)
            if (rows[r] & (1u << (20 - c)))
                cairo_rectangle(f->cr, x + c * mod, y + r * mod, mod + 0.5,
                                mod + 0.5);
    cairo_fill(f->cr);
}

static void draw_idle(frame *f)
{
    double top = banner(f);
    double bh = floor(96 * f->u);
    band(f, top, bh, RGB_TITLE, RGB_WHITE, -1,
         screen_text(SCREEN_MSG_IDLE_TITLE, f->lang), F_TITLE);
    double bottom = footer(f);
    double y = top + bh + 24 * f->u;
    double x = f->m, w = f->w - 2 * f->m;

    /* The picture on the right, as tall as the free space allows. */
    double pic = fmin(bottom - y - 16 * f->u, w * 0.3);
    double px = x + w - pic;
    qr_picture(f, px + pic * 0.08, y + pic * 0.08, pic * 0.84);

    double tw = w - pic - 32 * f->u;
    static const screen_msg steps[3] = {
        SCREEN_MSG_IDLE_STEP1, SCREEN_MSG_IDLE_STEP2, SCREEN_MSG_IDLE_STEP3};
    double r = 20 * f->u;
    for (int i = 0; i < 3; i++) {
        char n[4];
        snprintf(n, sizeof n, "%d", i + 1);
        text_style ts = {F_STEP, RGB_TEXT, 2, PANGO_ALIGN_LEFT, 0, 0};
        double tx = x + 2 * r + 16 * f->u;
        double th =
            text_prepare(f, screen_input_text(steps[i], f->st->input, f->lang),
                         &ts, tw - (tx - x));
        double rowh = fmax(th, 2 * r);
        set_rgb(f->cr, RGB_TITLE);
        cairo_arc(f->cr, x + r, y + r, r, 0, 2 * M_PI);
        cairo_fill(f->cr);
        /* One line sits centred on the number; more start level with it. */
        text_show(f, &ts, tx, th <= 2 * r ? y + r - th / 2 : y);
        text_style tnum = {F_STEP_NUM, RGB_WHITE, 1, PANGO_ALIGN_CENTER, 0, 0};
        double nh = text_prepare(f, n, &tnum, 2 * r);
        text_show(f, &tnum, x, y + r - nh / 2);
        y += rowh + 22 * f->u;
    }
    y += 8 * f->u;
    text_style tn = {F_BODY, RGB_MUTED, 2, PANGO_ALIGN_LEFT, 0, 0};
    if (y < bottom)
        text(f, screen_text(SCREEN_MSG_IDLE_NOTE, f->lang), &tn, x, y, tw);
}

static void draw_not_ready(frame *f, screen_msg title, screen_msg body)
{
    double top = banner(f);
    double bh = floor(124 * f->u);
    band(f, top, bh, RGB_NOTREADY, RGB_WHITE, LABELS_TONE_NEUTRAL,
         screen_input_text(title, f->st->input, f->lang), F_HEADLINE);
    double bottom = footer(f);
    double y = top + bh + 18 * f->u;
    advice_box(f, LABELS_TONE_NEUTRAL,
               labels_field_label(LABELS_F_WHAT_TO_DO, f->lang),
               screen_text(body, f->lang), F_STEP, 1, f->m, y, f->w - 2 * f->m,
               bottom - y);
}

int screen_render(screen_renderer *r, cairo_surface_t *surface, int width,
                  int height, const screen_state *st, screen_info *info)
{
    if (!r || !surface || !st || width < 160 || height < 120 || width > 16384 ||
        height > 16384 || (int)st->mode < 0 || st->mode >= SCREEN_MODE_COUNT_ ||
        (int)st->lang < 0 || st->lang >= LABELS_LANG_COUNT_)
        return LABELS_ERR_ARG;
    if (st->mode == SCREEN_MODE_VERDICT &&
        (!st->facts || (int)st->facts->verdict < 0 ||
         st->facts->verdict >= LABELS_V_COUNT_))
        return LABELS_ERR_ARG;
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
        return LABELS_ERR_ARG;
    int err = ensure_fonts(r, height);
    if (err)
        return err;
    if (info)
        memset(info, 0, sizeof *info);

    cairo_t *cr = cairo_create(surface);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        return LABELS_ERR_NOMEM;
    }
    pango_cairo_update_context(cr, r->context);
    pango_layout_context_changed(r->layout);

    frame f = {
        r,  cr,       width, height, height / 480.0, screen_margin(height),
        st, st->lang, info,  height};
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    set_rgb(cr, RGB_BG);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);

    switch (st->mode) {
    case SCREEN_MODE_IDLE: draw_idle(&f); break;
    case SCREEN_MODE_VERDICT: draw_verdict(&f); break;
    case SCREEN_MODE_NO_MIRROR:
        draw_not_ready(&f, SCREEN_MSG_NO_MIRROR_TITLE,
                       SCREEN_MSG_NO_MIRROR_TEXT);
        break;
    default:
        draw_not_ready(&f, SCREEN_MSG_NO_CAMERA_TITLE,
                       SCREEN_MSG_NO_CAMERA_TEXT);
        break;
    }
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    return cs == CAIRO_STATUS_SUCCESS ? LABELS_OK : LABELS_ERR_NOMEM;
}

int screen_render_argb(screen_renderer *r, uint32_t *pixels, int width,
                       int height, int stride, const screen_state *st,
                       screen_info *info)
{
    if (!pixels || width < 1 || height < 1 ||
        stride < cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width) ||
        stride % 4 != 0)
        return LABELS_ERR_ARG;
    cairo_surface_t *s = cairo_image_surface_create_for_data(
        (unsigned char *)pixels, CAIRO_FORMAT_ARGB32, width, height, stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return LABELS_ERR_ARG;
    }
    int err = screen_render(r, s, width, height, st, info);
    cairo_surface_destroy(s);
    return err;
}

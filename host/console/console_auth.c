/* console_auth.c -- who may do what (docs/console.md "Roles and scope"),
 * each rule in one place. A page asks before it reads or changes a row;
 * the scope is the row's province or producer as stored, never what the
 * browser sent. */
#include "console_int.h"

#include <string.h>

static int same(const char *a, const char *b)
{
    return a && b && a[0] && !strcmp(a, b);
}

int may_read_province(const console_user *u, const char *province)
{
    switch (u->role) {
    case CONSOLE_CENTRAL:
    case CONSOLE_PROVINCE:
    case CONSOLE_VIEWER: return 1;
    case CONSOLE_INSPECTOR: return same(u->province, province);
    default: return 0;
    }
}

int may_read_product(const console_user *u, const char *province,
                     const char *producer)
{
    if (u->role == CONSOLE_PRODUCER)
        return same(u->producer, producer);
    return may_read_province(u, province);
}

int may_change_product(const console_user *u, const char *province)
{
    return u->role == CONSOLE_CENTRAL ||
           (u->role == CONSOLE_PROVINCE && same(u->province, province));
}

int may_rate(const console_user *u, int stars, int proposed5)
{
    if (stars >= 5 || proposed5)
        return u->role == CONSOLE_CENTRAL;
    return 1;
}

int may_read_producer(const console_user *u, const char *code,
                      const char *province)
{
    if (u->role == CONSOLE_PRODUCER)
        return same(u->producer, code);
    return may_read_province(u, province);
}

int may_change_producer(const console_user *u, const char *province)
{
    return may_change_product(u, province);
}

int may_request_key(const console_user *u, const char *producer,
                    const char *province)
{
    if (u->role == CONSOLE_PRODUCER)
        return same(u->producer, producer);
    return may_change_producer(u, province);
}

int may_approve_key(const console_user *u, const char *province)
{
    return may_change_producer(u, province);
}

int may_revoke_key(const console_user *u, const char *province,
                   const char *reason)
{
    if (reason && !strcmp(reason, "compromised"))
        return u->role == CONSOLE_CENTRAL;
    return may_change_producer(u, province);
}

int may_manage_users(const console_user *u)
{
    return u->role == CONSOLE_CENTRAL;
}

int may_read_audit(const console_user *u)
{
    return u->role == CONSOLE_CENTRAL || u->role == CONSOLE_PROVINCE ||
           u->role == CONSOLE_VIEWER;
}

/* ---- The queue, producers' own pages, badges ----------------------------
 * The queue belongs to the province where an item was seen: its clerks
 * and inspectors work it, central users every province's; viewers read. */
int may_read_queue(const console_user *u, const char *province)
{
    switch (u->role) {
    case CONSOLE_CENTRAL:
    case CONSOLE_VIEWER: return 1;
    case CONSOLE_PROVINCE:
    case CONSOLE_INSPECTOR: return same(u->province, province);
    default: return 0;
    }
}

int may_note_queue(const console_user *u, const char *province)
{
    return u->role != CONSOLE_VIEWER && may_read_queue(u, province);
}

/* Assigning, confirming (which may record a clone) and dismissing. */
int may_decide_queue(const console_user *u, const char *province)
{
    return may_change_product(u, province);
}

int may_manage_badges(const console_user *u)
{
    return u->role == CONSOLE_CENTRAL;
}

/* ---- The kiosk fleet -----------------------------------------------------
 * A kiosk is stored in its 2025 unit; an account may name its province as
 * before 2025 (Hà Giang), and then works the kiosks of the unit it is part
 * of now (Tuyên Quang). As the queue: clerks and inspectors their own
 * province only, central and viewers every one. */
static int same_unit(const char *account, const char *kiosk)
{
    const labels_province *a =
        account && account[0] ? labels_province_find(account, NULL) : NULL;
    const labels_province *k =
        kiosk && kiosk[0] ? labels_province_find(kiosk, NULL) : NULL;
    return a && k && !strcmp(a->name, k->name);
}

int may_read_fleet(const console_user *u, const char *province)
{
    switch (u->role) {
    case CONSOLE_CENTRAL:
    case CONSOLE_VIEWER: return 1;
    case CONSOLE_PROVINCE:
    case CONSOLE_INSPECTOR: return same_unit(u->province, province);
    default: return 0;
    }
}

int may_manage_kiosk(const console_user *u, const char *province)
{
    return u->role == CONSOLE_CENTRAL ||
           (u->role == CONSOLE_PROVINCE && same_unit(u->province, province));
}

int console_nav_shown(const console_user *u, int msg)
{
    switch (msg) {
    case T_QUEUE:
    case T_REINSPECT: return u->role != CONSOLE_PRODUCER;
    case T_MINE: return u->role == CONSOLE_PRODUCER;
    case T_BADGES: return may_manage_badges(u);
    case T_KIOSKS: return u->role != CONSOLE_PRODUCER;
    case T_REPORTS: return may_read_reports(u);
    case T_IMPORT:
        return u->role == CONSOLE_CENTRAL || u->role == CONSOLE_PROVINCE;
    default: return 1;
    }
}

/* The dashboard's figures are the programme's, not a producer's. */
int may_read_dashboard(const console_user *u)
{
    return u->role != CONSOLE_PRODUCER;
}

/* The national feed is the council's. */
int may_publish(const console_user *u) { return u->role == CONSOLE_CENTRAL; }

/* Reports are the programme's figures; a clerk's or an inspector's are
 * kept to their province by console_reports.c. */
int may_read_reports(const console_user *u)
{
    return u->role != CONSOLE_PRODUCER;
}

/* Moving a product or producer takes it out of one province's scope into
 * another's: no clerk holds both, so it is the council's. */
int may_move(const console_user *u) { return u->role == CONSOLE_CENTRAL; }

/* The registry's guard for a change made by user (a console_user): the
 * rules above, asked inside the change's transaction against the row as
 * stored and as it would be saved. */
int console_allows(void *user, const struct reg_ask *a)
{
    const console_user *u = user;
    if (strcmp(a->province, a->to_province) && !may_move(u))
        return 0;
    switch (a->action) {
    case REG_PRODUCT_EDIT:
        return may_change_product(u, a->province) &&
               may_rate(u, a->stars, a->proposed5) &&
               may_rate(u, a->to_stars, a->to_proposed5);
    case REG_PRODUCT_STATUS: return may_change_product(u, a->province);
    case REG_PRODUCT_MOVE:
    case REG_PRODUCER_MOVE: return may_move(u);
    case REG_PRODUCER_EDIT: return may_change_producer(u, a->province);
    case REG_KEY_ENROLL: return may_approve_key(u, a->province);
    case REG_KEY_REVOKE: return may_revoke_key(u, a->province, a->reason);
    }
    return 0;
}

void console_guard(const creq *r, struct reg_guard *g, char *who, size_t whosz,
                   long long version)
{
    console_who(r, who, whosz);
    memset(g, 0, sizeof *g);
    g->who = who;
    g->version = version;
    g->allow = console_allows;
    g->ctx = (void *)&r->session->user;
}

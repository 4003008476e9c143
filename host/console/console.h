/* console.h -- the authority console (docs/console.md): accounts with
 * roles and scope, sessions, and the registry as server-rendered HTML
 * pages on a libmicrohttpd daemon of its own. Functions that can fail
 * write one plain sentence into err (errsz bytes) and return -1; the
 * module never prints and never exits. */
#ifndef OCOP_HOST_CONSOLE_H
#define OCOP_HOST_CONSOLE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#define CONSOLE_ERR_MAX 512
#define CONSOLE_NAME_MAX 64      /* bytes of an account name */
#define CONSOLE_PASSWORD_MIN 10  /* bytes */
#define CONSOLE_PASSWORD_MAX 512 /* bytes; longer is refused, not cut */
#define CONSOLE_TOKEN_HEX 64     /* a 256-bit token as hex */

/* Argon2id cost of a stored password (libsodium's INTERACTIVE limits:
 * 2 passes over 64 MiB). One login costs one hash of this cost, measured
 * in docs/console.md. The cost is stored in each hash, so raising it
 * later keeps old hashes working. */
#define CONSOLE_PWHASH_OPSLIMIT 2ULL
#define CONSOLE_PWHASH_MEMLIMIT (64ULL * 1024 * 1024)

typedef enum console_role {
    CONSOLE_CENTRAL = 0, /* everything, every province */
    CONSOLE_PROVINCE,    /* reads all, changes its own province */
    CONSOLE_PRODUCER,    /* its own products and keys, key requests */
    CONSOLE_INSPECTOR,   /* reads its province */
    CONSOLE_VIEWER,      /* reads all, changes nothing */
    CONSOLE_ROLE_COUNT_
} console_role;

/* "central", "province", ...; NULL for an out-of-range role. */
const char *console_role_name(console_role r);
/* 0, or -1 when s is not a role name. */
int console_role_parse(const char *s, console_role *r);

typedef struct console_user {
    char name[CONSOLE_NAME_MAX + 1];
    console_role role;
    char province[64]; /* stored name; "" unless province or inspector */
    char producer[32]; /* producer code; "" unless producer */
    int disabled;
    char created[21];
} console_user;

/* How long things last; zero fields take the defaults. */
typedef struct console_limits {
    unsigned idle_s;             /* session idle timeout; 0: 1800 (30 min) */
    unsigned lifetime_s;         /* absolute session life; 0: 43200 (12 h) */
    unsigned user_failures;      /* failed logins of one name; 0: 5 */
    unsigned addr_failures;      /* failed logins from one address; 0: 20 */
    unsigned lock_s;             /* then refused for; 0: 900 (15 min) */
    unsigned long long opslimit; /* Argon2id for new hashes; 0: above */
    size_t memlimit;             /* 0: CONSOLE_PWHASH_MEMLIMIT */
} console_limits;
/* A copy of *in (or of the defaults when in is NULL) with zero fields
 * filled in. */
console_limits console_limits_fill(const console_limits *in);

/* ---- Accounts (console_accounts.c) ---------------------------------- */

/* Create the console's tables in the registry if they are missing, in
 * one transaction. Every function below calls it first. */
int console_schema(sqlite3 *db, char *err, size_t errsz);

/* Add an account. actor names who did it in the audit ("cli:root",
 * "console:anna"). province is required for the province and inspector
 * roles, producer for the producer role (and must exist); other roles
 * take neither. The password (len bytes) is hashed with Argon2id; the
 * caller wipes its copy. */
int console_user_add(sqlite3 *db, const console_limits *lim, const char *actor,
                     const char *name, console_role role, const char *province,
                     const char *producer, const char *password, size_t len,
                     char *err, size_t errsz);
/* 1 found, 0 missing, -1 error. */
int console_user_get(sqlite3 *db, const char *name, console_user *u, char *err,
                     size_t errsz);
/* Every account, by name; fn returns nonzero to stop. */
int console_user_list(sqlite3 *db, int (*fn)(const console_user *u, void *ctx),
                      void *ctx, char *err, size_t errsz);
/* Disable an account and end its sessions. */
int console_user_disable(sqlite3 *db, const char *actor, const char *name,
                         char *err, size_t errsz);
/* Set a new password and end the account's sessions. */
int console_user_password(sqlite3 *db, const console_limits *lim,
                          const char *actor, const char *name,
                          const char *password, size_t len, char *err,
                          size_t errsz);

/* ---- Logins and sessions (console_session.c) ------------------------ */

typedef enum console_login_result {
    CONSOLE_LOGIN_OK = 0,
    CONSOLE_LOGIN_REFUSED,   /* wrong name or password, or disabled */
    CONSOLE_LOGIN_THROTTLED, /* too many failures; *retry_s says how long */
    CONSOLE_LOGIN_ERROR      /* err says why */
} console_login_result;

typedef struct console_session {
    console_user user;
    char token[CONSOLE_TOKEN_HEX + 1]; /* only right after a login */
    char csrf[CONSOLE_TOKEN_HEX + 1];
} console_session;

/* Check a password and open a session. lock (may be NULL) is held for
 * the database work and released while the password is hashed, so a
 * login does not stop other requests. Unknown names cost the same hash
 * as known ones. addr is the client address for throttling. */
console_login_result console_login(sqlite3 *db, pthread_mutex_t *lock,
                                   const console_limits *lim, const char *name,
                                   const char *password, size_t len,
                                   const char *addr, time_t now,
                                   console_session *s, unsigned *retry_s,
                                   char *err, size_t errsz);
/* The session of a cookie token: 1 valid (s filled, last use noted), 0
 * unknown, expired or of a disabled account, -1 error. */
int console_session_get(sqlite3 *db, const console_limits *lim,
                        const char *token, time_t now, console_session *s,
                        char *err, size_t errsz);
/* A signed-in user's own password change (session s): current must be
 * the account's password, checked and throttled as a login is (per name
 * and per address: a wrong one counts as a failed login); then password
 * (len bytes, CONSOLE_PASSWORD_MIN..MAX, the caller checks) is set and
 * every other session of the account ends, with an audit row, in one
 * transaction. OK, REFUSED (current wrong), THROTTLED or ERROR. */
console_login_result console_password_own(
    sqlite3 *db, const console_limits *lim, const console_session *s,
    const char *current, size_t curlen, const char *password, size_t len,
    const char *addr, time_t now, unsigned *retry_s, char *err, size_t errsz);
/* End the session of token (nothing if there is none). */
int console_logout(sqlite3 *db, const char *token, char *err, size_t errsz);

/* ---- The server (console_http.c) ------------------------------------ */

typedef struct console console;

typedef struct console_config {
    const char *db_path;  /* the registry */
    const char *listen;   /* "127.0.0.1:8443"; port 0 picks a free one */
    const char *tls_cert; /* PEM files; both or neither. Without TLS */
    const char *tls_key;  /* only a loopback address is accepted. */
    console_limits limits;
    unsigned threads; /* 0: 4 */
    /* The collector (SQLite) whose findings and reports feed the queue;
     * NULL: the queue holds what the registry has. */
    const char *collector_path;
    /* The authority's secret key file, for issuing inspectors' badges;
     * NULL: the console cannot issue them. */
    const char *authority_key;
    /* The mirror producers download in their print bundle: the one the
     * authority last published (what the phone page answers from).
     * NULL: no bundle. */
    const char *bundle_mirror;
    /* The feed the dashboard shows and "publish now" writes (NULL: none;
     * ocop-host serve --world DIR gives DIR's, docs/feed.md). */
    const char *feed_dir;
    const char *publish_status; /* the publish record (FEED_STATUS_NAME) */
    const char *publish_mirror; /* the export publish now writes, then signs */
    const char *feed_key;       /* the authority's secret feed key */
} console_config;

/* Start serving the console on background threads. 0, or -1 with a
 * message; *port gets the bound port. */
int console_start(const console_config *cfg, console **out, unsigned *port,
                  char *err, size_t errsz);
void console_stop(console *c);

#endif

/*
 * labels.h -- the signed OCOP label: format, keys, signatures, QR codes.
 *
 * One library, one prefix (labels_), one header (with labels_vocab.h, the
 * shared vocabulary, included at its end). Every function returns a
 * labels_err (LABELS_OK == 0) unless it says otherwise; labels_strerror()
 * turns a code into one plain sentence. The library never prints, never
 * exits, and never keeps secret material longer than a call needs it.
 *
 * Call labels_init() once before anything else (it initialises libsodium).
 * The format itself is specified in docs/label-format.md.
 */
#ifndef LABELS_H
#define LABELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Sizes and limits -------------------------------------------------- */

#define LABELS_FORMAT_VERSION 1
#define LABELS_KEY_ID_BYTES 8
#define LABELS_PUBKEY_BYTES 32
#define LABELS_SECKEY_BYTES 64
#define LABELS_SIG_BYTES 64
#define LABELS_CODE_MAX 12       /* product code and lot, characters */
#define LABELS_FIELDS_BYTES 32   /* signed part of a v1 payload */
#define LABELS_PAYLOAD_BYTES 96  /* fields + signature */
#define LABELS_PAYLOAD_CHARS 154 /* base32 of 96 bytes, no padding */
#define LABELS_HOST_MAX 253
#define LABELS_TEXT_MAX 512 /* longest QR text labels_format() writes */
#define LABELS_DEMO_HOST "OCOP.EXAMPLE"
#define LABELS_QUIET_MODULES 4
/* Longest text labels_parse() looks at; longer input is LABELS_ERR_NOT_LABEL
 * (or LABELS_ERR_LENGTH when it has our URL shape). */
#define LABELS_PARSE_MAX 4096
/* Buffers, each with its NUL: a key ID as 16 hex digits
 * (labels_key_id_hex), a day "YYYY-MM-DD" (labels_date_format, the
 * mirror's dates), a moment "YYYY-MM-DDTHH:MM:SSZ" (labels_time_iso). */
#define LABELS_KEY_ID_HEX_SIZE (2 * LABELS_KEY_ID_BYTES + 1)
#define LABELS_DATE_SIZE 11
#define LABELS_TIME_ISO_SIZE 21

/* ---- Errors ------------------------------------------------------------ */

typedef enum labels_err {
    LABELS_OK = 0,
    LABELS_ERR_ARG,       /* a bad argument (NULL, out of range) */
    LABELS_ERR_NOMEM,     /* out of memory */
    LABELS_ERR_NOT_LABEL, /* text is not an OCOP label at all */
    LABELS_ERR_BASE32,    /* payload is not canonical uppercase base32 */
    LABELS_ERR_LENGTH,    /* payload is too short or too long */
    LABELS_ERR_VERSION,   /* payload format version this build does not know */
    LABELS_ERR_FIELD,     /* a field is outside its documented range */
    LABELS_ERR_KEY_ID,    /* signed by a different key than the one given */
    LABELS_ERR_SIGNATURE, /* the signature does not verify */
    LABELS_ERR_IO,        /* reading or writing a file failed (see errno) */
    LABELS_ERR_EXISTS,    /* refusing to overwrite an existing file */
    LABELS_ERR_KEY_FILE,  /* a key file is malformed or corrupt */
    LABELS_ERR_KEY_MODE,  /* a secret key file is not a private regular file */
    LABELS_ERR_QR,        /* the text cannot be encoded as a QR code */
    LABELS_ERR_IMAGE,     /* an image is malformed, unsupported or too large */
    LABELS_ERR_CRYPTO,    /* libsodium failed to initialise */
    LABELS_ERR_DECODER,   /* the QR decoder (ZBar) failed */
    LABELS_ERR_MIRROR, /* the mirror database is missing, corrupt or too new */
    LABELS_ERR_NOT_FOUND,   /* no such record */
    LABELS_ERR_EXPIRED,     /* a badge past its valid-until day */
    LABELS_ERR_SPACE,       /* the output does not fit the caller's buffer */
    LABELS_ERR_NOT_REGULAR, /* a link, device, FIFO or folder where a
                               regular file must be (not followed) */
    LABELS_ERR_COUNT_
} labels_err;

/* One plain English sentence for an error code; never NULL. */
const char *labels_strerror(int err);

/* Initialise the library (libsodium). Safe to call more than once. */
int labels_init(void);

/* ---- Dates: days since 2020-01-01, as carried in a label --------------- */

/* Days since 1970-01-01 of any proleptic Gregorian date, and back: the
 * one calendar arithmetic every date in the system goes through. */
int64_t labels_days_from_civil(int year, int month, int day);
void labels_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Days since 2020-01-01 for a calendar date from 2020-01-01 to 2199-06-06
 * (the range of a uint16). LABELS_ERR_FIELD for impossible dates. */
int labels_date_from_ymd(int year, int month, int day, uint16_t *days);
void labels_date_to_ymd(uint16_t days, int *year, int *month, int *day);
/* Parse exactly "YYYY-MM-DD"; anything else is LABELS_ERR_FIELD. */
int labels_date_parse(const char *iso, uint16_t *days);
/* Write "YYYY-MM-DD" and a NUL into out. */
void labels_date_format(uint16_t days, char out[LABELS_DATE_SIZE]);
/* Today's date (UTC) in label days, or LABELS_ERR_FIELD if the clock is
 * outside the representable range. */
int labels_date_today(uint16_t *days);

/* ---- Keys -------------------------------------------------------------- */

/* A public key and its key ID (the first 8 bytes of BLAKE2b-256 over
 * "OCOP-KEYID-V1\0" and the public key). */
typedef struct labels_pubkey {
    uint8_t id[LABELS_KEY_ID_BYTES];
    uint8_t pk[LABELS_PUBKEY_BYTES];
} labels_pubkey;

/* A secret key (libsodium's 64-byte form, which embeds the public key).
 * Wipe it with labels_seckey_wipe() when done. */
typedef struct labels_seckey {
    uint8_t id[LABELS_KEY_ID_BYTES];
    uint8_t sk[LABELS_SECKEY_BYTES];
} labels_seckey;

/* Make a fresh key pair from the system's CSPRNG. */
int labels_keygen(labels_pubkey *pub, labels_seckey *sec);
/* Key ID of a raw Ed25519 public key. */
void labels_key_id(const uint8_t pk[LABELS_PUBKEY_BYTES],
                   uint8_t id[LABELS_KEY_ID_BYTES]);
/* The public half of a secret key. */
void labels_seckey_public(const labels_seckey *sec, labels_pubkey *pub);
/* Zero a secret key in a way the compiler cannot optimise away. */
void labels_seckey_wipe(labels_seckey *sec);
/* Key ID as 16 uppercase hex digits and a NUL. */
void labels_key_id_hex(const uint8_t id[LABELS_KEY_ID_BYTES],
                       char out[LABELS_KEY_ID_HEX_SIZE]);
/* Parse 16 hex digits (either case) into a key ID. */
int labels_key_id_parse(const char *hex, uint8_t id[LABELS_KEY_ID_BYTES]);

/* Public key as one base64 line ("RWQ..."-like, 56 chars) and a NUL: the
 * second line of a public key file, also used in config files and
 * databases. out must hold LABELS_PUBKEY_B64_MAX bytes. */
#define LABELS_PUBKEY_B64_MAX 64
int labels_pubkey_to_base64(const labels_pubkey *pub, char *out, size_t outsz);
/* Parse a public key from a whole key file's text or from its base64 line
 * alone (len bytes, need not be NUL-terminated). Checks the embedded key
 * ID against the key. */
int labels_pubkey_parse(const char *text, size_t len, labels_pubkey *pub);

/* Key files (format in docs/label-format.md). The writers refuse to
 * replace an existing file (LABELS_ERR_EXISTS) and write atomically; the
 * secret key file is created with mode 0600. comment goes on the first,
 * unsigned line; NULL gives a default. The secret key reader opens with
 * O_NOFOLLOW and refuses files readable by group or others. */
int labels_pubkey_write(const char *path, const labels_pubkey *pub,
                        const char *comment);
int labels_pubkey_read(const char *path, labels_pubkey *pub);
int labels_seckey_write(const char *path, const labels_seckey *sec,
                        const char *comment);
int labels_seckey_read(const char *path, labels_seckey *sec);

/* ---- Domain-separated signatures --------------------------------------- */

/* Every Ed25519 signature in the system signs "<TAG>\0" followed by the
 * message, with a distinct tag per purpose, so a signature made for one
 * purpose never verifies for another. */
typedef enum labels_domain {
    LABELS_DOMAIN_LABEL = 1, /* "OCOP-LABEL-V1" product labels */
    LABELS_DOMAIN_FEED,      /* "OCOP-FEED-V1" mirror feed manifests */
    LABELS_DOMAIN_FEED_KEY,  /* "OCOP-FEEDKEY-V1" feed key rotation */
    LABELS_DOMAIN_SCANS,     /* "OCOP-SCANS-V1" kiosk scan batches */
    LABELS_DOMAIN_BADGE,     /* "OCOP-BADGE-V1" inspector badges */
    LABELS_DOMAIN_COUNT_
} labels_domain;

int labels_sign_detached(labels_domain domain, const labels_seckey *sec,
                         const void *msg, size_t len,
                         uint8_t sig[LABELS_SIG_BYTES]);
/* LABELS_OK, or LABELS_ERR_SIGNATURE. */
int labels_verify_detached(labels_domain domain, const labels_pubkey *pub,
                           const void *msg, size_t len,
                           const uint8_t sig[LABELS_SIG_BYTES]);

/* ---- The label --------------------------------------------------------- */

/* The fields of a label. product and lot: 1 to 12 characters from
 * "0-9 A-Z - . /" (NUL-terminated). stars: 1 to 5. serial: 1 to
 * 4294967295. issued: label days (see above). */
typedef struct labels_label {
    uint8_t version;
    uint8_t key_id[LABELS_KEY_ID_BYTES];
    char product[LABELS_CODE_MAX + 1];
    char lot[LABELS_CODE_MAX + 1];
    uint8_t stars;
    uint32_t serial;
    uint16_t issued;
    uint8_t sig[LABELS_SIG_BYTES];
} labels_label;

/* Check product, lot, stars and serial against their ranges. */
int labels_check_fields(const labels_label *lab);
/* Set version and key ID from sec and sign the fields. */
int labels_sign(labels_label *lab, const labels_seckey *sec);
/* The 96 payload bytes of a signed label (fields, then signature). */
int labels_payload(const labels_label *lab, uint8_t out[LABELS_PAYLOAD_BYTES]);
/* The QR text "HTTPS://<host>/V/<PAYLOAD>", NUL-terminated. host must be
 * a non-empty uppercase host name (A-Z 0-9 . - and an optional :port);
 * NULL means LABELS_DEMO_HOST. *len (may be NULL) gets the text length. */
int labels_format(const labels_label *lab, const char *host, char *out,
                  size_t outsz, size_t *len);
/* Parse QR text (len bytes, any bytes allowed) into fields. Accepts
 * "HTTPS://<any host>/V/<PAYLOAD>" (scheme and host in any case) or a bare
 * PAYLOAD. Returns LABELS_ERR_NOT_LABEL for text that is not ours at all,
 * and BASE32, LENGTH, VERSION or FIELD for text of our shape that cannot
 * be a label. Parsing does not check the signature. */
int labels_parse(const char *text, size_t len, labels_label *out);
/* The host of a label URL "HTTPS://<host>/V/...": *host points into text
 * and *hlen is its length (port included, as written); a bare payload
 * gives *hlen = 0. LABELS_ERR_NOT_LABEL for text that labels_parse would
 * call not ours. */
int labels_url_host(const char *text, size_t len, const char **host,
                    size_t *hlen);
/* Check lab's signature with pub: LABELS_ERR_KEY_ID if the label names a
 * different key (checked before any signature math), else OK or
 * LABELS_ERR_SIGNATURE. */
int labels_verify(const labels_label *lab, const labels_pubkey *pub);

/* ---- Base32 (RFC 4648, uppercase, no padding) --------------------------- */

/* Characters needed for n bytes, without NUL. */
#define LABELS_BASE32_LEN(n) (((n)*8 + 4) / 5)
int labels_base32_encode(const uint8_t *in, size_t len, char *out,
                         size_t outsz);
/* Strict: uppercase alphabet only, no padding, unused trailing bits zero.
 * *outlen gets the number of bytes written. */
int labels_base32_decode(const char *in, size_t len, uint8_t *out, size_t outsz,
                         size_t *outlen);

/* ---- QR codes ---------------------------------------------------------- */

/* An encoded QR symbol: width x width modules, modules[y * width + x] is 1
 * for a dark module, 0 for light. No quiet zone. */
typedef struct labels_qr {
    int version;
    int width;
    uint8_t *modules;
} labels_qr;

/* Encode text (alphanumeric mode where the text allows) at error
 * correction level M in the smallest version that fits. */
int labels_qr_encode(const char *text, size_t len, labels_qr *qr);
void labels_qr_free(labels_qr *qr);

/* An 8-bit greyscale image: 0 black, 255 white; row y starts at
 * pixels + y * stride. */
typedef struct labels_image {
    int width;
    int height;
    int stride;
    uint8_t *pixels;
} labels_image;

/* Allocate a white image (stride == width). */
int labels_image_alloc(labels_image *img, int width, int height);
void labels_image_free(labels_image *img);

/* Draw qr at module_px pixels per module (1..64) with the 4-module quiet
 * zone into a newly allocated image. */
int labels_qr_render(const labels_qr *qr, int module_px, labels_image *img);

/* Write an image as an 8-bit greyscale PNG, atomically. */
int labels_png_write(const char *path, const labels_image *img);
/* An SVG document for qr: one path, module_mm millimetres per module,
 * with the quiet zone. Caller frees *out. */
int labels_qr_svg(const labels_qr *qr, double module_mm, char **out,
                  size_t *len);

/* Read a PNG, JPEG or binary PGM (P5) file into 8-bit grey. Images with
 * more than max_pixels pixels (0: 40 million) are refused with
 * LABELS_ERR_IMAGE before any pixel memory is allocated, except JPEGs,
 * which are decoded at 1/2, 1/4 or 1/8 scale when that fits (img then
 * has the reduced size). */
int labels_image_read(const char *path, size_t max_pixels, labels_image *img);

/* A reusable QR decoder (ZBar, QR only). Not thread-safe; one per thread. */
typedef struct labels_decoder labels_decoder;

labels_decoder *labels_decoder_new(void);
void labels_decoder_free(labels_decoder *dec);

/* Called once per code found, with its raw bytes (not NUL-terminated in
 * general; binary-safe). Return non-zero to stop the scan. */
typedef int (*labels_code_fn)(void *ctx, const char *data, size_t len);

/* Decode every QR code in img with one plain ZBar pass. *found (may be
 * NULL) gets the number of codes reported. */
int labels_decode(labels_decoder *dec, const labels_image *img,
                  labels_code_fn fn, void *ctx, int *found);

/* ---- The mirror and the verdict engine --------------------------------- */

/* A mirror is a read-only SQLite file with what a verifier needs and
 * nothing private (schema in docs/mirror.md, LABELS_MIRROR_SCHEMA below).
 * Both ocop-host and ocop-kiosk answer "is this label genuine?" with
 * labels_check() against one. */
#define LABELS_MIRROR_SCHEMA_VERSION 1

/* The CREATE TABLE statements of a mirror (docs/mirror.md), for writers
 * of mirrors: the registry export and tests. The meta rows are the
 * writer's job. */
const char *labels_mirror_schema(void);

/* The overlay: a table only a kiosk's own mirror holds (docs/mirror.md,
 * "The kiosk's overlay"), never a published one. Each row is a product
 * as the deltas since the snapshot left it, gone = 1 for one they
 * removed; a product without a row is as products holds it. Its CREATE
 * TABLE statement, for the kiosk's sync, which writes it. */
#define LABELS_MIRROR_OVERLAY "products_overlay"
const char *labels_mirror_overlay_schema(void);

/* The verdict words of docs/verdicts.md, in this order. */
typedef enum labels_verdict {
    LABELS_V_GENUINE = 0,
    LABELS_V_RATING_CHANGED,
    LABELS_V_EXPIRED,
    LABELS_V_SUSPENDED,
    LABELS_V_REVOKED,
    LABELS_V_UNKNOWN_PRODUCT,
    LABELS_V_UNKNOWN_SIGNER,
    LABELS_V_SIGNER_REVOKED,
    LABELS_V_SIGNER_NOT_ENROLLED,
    LABELS_V_FORGED,
    LABELS_V_CLONE_REPORTED,
    LABELS_V_WRONG_HOST,
    LABELS_V_MALFORMED,
    LABELS_V_NOT_OCOP,
    LABELS_V_COUNT_
} labels_verdict;

/* "genuine", "rating_changed", ...; "unknown" for an invalid value. The
 * words, tones and texts are one table (labels/verdict_text.c). */
const char *labels_verdict_word(labels_verdict v);
/* The verdict for a word, or -1. */
int labels_verdict_from_word(const char *word);

/* A product as the mirror publishes it. Strings are NUL-terminated UTF-8
 * (Vietnamese names), truncated to fit. Dates are "YYYY-MM-DD" or "". */
typedef struct labels_product {
    char code[LABELS_CODE_MAX + 1];
    char name[256];
    char group[64]; /* one of the six OCOP groups, docs/mirror.md */
    char producer_code[32];
    char producer_name[256];
    char producer_kind[16]; /* cooperative, enterprise, household */
    char province[64];
    int stars;       /* current rating, 3..5 */
    int proposed5;   /* 1: rated 4, proposed for 5 */
    char status[16]; /* rated, suspended, revoked, expired */
    char status_reason[256];
    char status_date[LABELS_DATE_SIZE];
    char certificate[64];
    char certified[LABELS_DATE_SIZE];
    char expires[LABELS_DATE_SIZE];
    /* The unit that certified it when that is not province (Hà Giang for a
     * product now in Tuyên Quang), from the mirror's meta row
     * LABELS_META_CERTIFIED_UNIT + code; "" otherwise. */
    char certified_unit[64];
} labels_product;

/* The answer for one QR text: the verdict and the facts a screen shows.
 * have_label: the text parsed (label holds its fields). have_product:
 * product holds the mirror's record for label.product. */
typedef struct labels_facts {
    labels_verdict verdict;
    int parse_error; /* labels_err of the parse, for malformed/not_ocop */
    int have_label;
    labels_label label;
    int have_product;
    labels_product product;
    char key_status[16]; /* "", active, superseded, compromised */
} labels_facts;

typedef struct labels_mirror labels_mirror;

/* Open a mirror read-only and prepare every statement once, so each
 * check costs microseconds. LABELS_ERR_MIRROR if it is missing, corrupt
 * or of another schema version. A handle belongs to one thread. It reads
 * one version from open to close (one read transaction). A mirror in WAL
 * mode (the kiosk's own) may be changed in place meanwhile, in one
 * transaction: the handle keeps its version, a reopen sees the new one.
 * A mirror in rollback mode keeps a shared lock while open: replace it by
 * renaming a new file over it, then close and reopen (a writer changing
 * it in place gets SQLITE_BUSY). */
int labels_mirror_open(const char *path, labels_mirror **out);
void labels_mirror_close(labels_mirror *m);
/* The mirror's feed version and publish time (ISO 8601 UTC). */
int labels_mirror_info(labels_mirror *m, int64_t *version, char published[32]);
/* The mirror's meta row holding the authority's verify addresses: host
 * names (uppercase, as labels_format takes them) separated by one space
 * (docs/mirror.md, "Verify addresses"). */
#define LABELS_META_VERIFY_HOSTS "verify_hosts"
/* Meta rows "certified_unit:<product code>": the provincial unit that
 * certified a product, where it is not the product's 2025 province
 * (docs/mirror.md, "Provinces"). Rows, not a column: mirrors keep their
 * schema, so kiosks with an older program read newer mirrors. */
#define LABELS_META_CERTIFIED_UNIT "certified_unit:"
/* The authority's verify addresses as the mirror carries them, into out
 * (outsz bytes, NUL-terminated, hosts separated by one space):
 * LABELS_OK, LABELS_ERR_NOT_FOUND for a mirror made before the list
 * existed, LABELS_ERR_SPACE if it does not fit. */
int labels_mirror_hosts(labels_mirror *m, char *out, size_t outsz);
/* 1 if host (hlen bytes, any case) is exactly one of the hosts of list
 * (as labels_mirror_hosts gives it), compared without case: no suffix,
 * port, userinfo or trailing-dot variant matches. 0 otherwise. */
int labels_host_listed(const char *list, const char *host, size_t hlen);
/* One product by code: LABELS_OK, or LABELS_ERR_NOT_FOUND. */
int labels_mirror_product(labels_mirror *m, const char *code,
                          labels_product *out);
/* A row of the mirror's keys table (the signing tools check a key
 * against it before signing), checked: dates are "YYYY-MM-DD" (revoked may
 * be ""), the public key's own ID matches key_id. */
typedef struct labels_mirror_key {
    char producer[32];
    labels_pubkey pub;
    char enrolled[LABELS_DATE_SIZE];
    char revoked[LABELS_DATE_SIZE];
    char reason[16]; /* "", superseded, compromised */
} labels_mirror_key;

/* A product's status as every reader must show it on day today
 * (YYYY-MM-DD): "expired" for a "rated" product whose certificate ended
 * before today (expires, YYYY-MM-DD), else status as stored. The verdict
 * engine decides `expired` with it; the registry's list, show, stats and
 * reports use it too, so the clerk sees what the shopper sees. */
const char *labels_status_effective(const char *status, const char *expires,
                                    const char *today);

/* LABELS_OK, LABELS_ERR_NOT_FOUND, or LABELS_ERR_MIRROR for a row that
 * breaks docs/mirror.md or a failed query. */
int labels_mirror_key_get(labels_mirror *m,
                          const uint8_t id[LABELS_KEY_ID_BYTES],
                          labels_mirror_key *out);
/* Decide the verdict for QR text (len bytes, any bytes) as of label day
 * today, in the order of docs/verdicts.md. Fills facts; returns LABELS_OK
 * whenever a verdict was reached (forged and not_ocop included), an error
 * only if the mirror failed (facts->verdict is then LABELS_V_COUNT_,
 * whose word is "unknown"). */
int labels_check(labels_mirror *m, const char *text, size_t len, uint16_t today,
                 labels_facts *facts);

/* ---- Verdict texts for shoppers (labels/verdict_text.c) --------------- */

/* The reviewed wording of each verdict (docs/verdicts.md) as the kiosk
 * screen shows it, for every screen or page that shows a verdict. Strings
 * are UTF-8, static, never NULL. An out-of-range verdict gets the
 * malformed texts (and the bad tone), an out-of-range language
 * Vietnamese. */
typedef enum labels_lang {
    LABELS_LANG_VI = 0, /* the default */
    LABELS_LANG_EN,
    LABELS_LANG_COUNT_
} labels_lang;

typedef enum labels_tone {
    LABELS_TONE_GOOD = 0, /* green: genuine */
    LABELS_TONE_WARN,     /* amber: genuine label, but look twice */
    LABELS_TONE_BAD,      /* red: do not trust this label */
    LABELS_TONE_NEUTRAL   /* grey: not an OCOP label at all */
} labels_tone;

labels_tone labels_verdict_tone(labels_verdict v);
/* A short headline ("Sản phẩm OCOP chính hãng") and one or two sentences
 * of what to do. */
const char *labels_verdict_headline(labels_verdict v, labels_lang lang);
const char *labels_verdict_advice(labels_verdict v, labels_lang lang);

/* ---- Files ------------------------------------------------------------- */

/* Write len bytes to path atomically: a temporary file in the same
 * folder, fsync, rename, fsync of the folder. mode is the new file's
 * permission bits. With exclusive set, an existing path is
 * LABELS_ERR_EXISTS. A path that is a link, device, FIFO or folder is
 * LABELS_ERR_NOT_REGULAR (see labels_file_open below). */
int labels_file_write_atomic(const char *path, const void *data, size_t len,
                             unsigned mode, int exclusive);
/* ---- Text -------------------------------------------------------------- */

/* Non-zero when len bytes are strict UTF-8 (no overlong forms, surrogates
 * or code points past U+10FFFF) without control characters (C0, DEL, C1):
 * text fit for a screen, a log line or a one-line record. */
int labels_utf8_text_ok(const void *text, size_t len);

/* in (NUL-terminated UTF-8) in Unicode NFC into out (outsz bytes): the
 * form every name is stored and compared in, whatever a spreadsheet or a
 * keyboard wrote (macOS saves Vietnamese decomposed, NFD). LABELS_OK;
 * LABELS_ERR_FIELD for malformed UTF-8, LABELS_ERR_SPACE when it does not
 * fit, LABELS_ERR_NOMEM. in and out may not overlap. */
int labels_text_nfc(const char *in, char *out, size_t outsz);

/* fsync the folder holding path, so that a rename or create in it is
 * durable. LABELS_OK or LABELS_ERR_IO (errno set). */
int labels_fsync_parent(const char *path);

/* ---- Camera QR reader (issue 5) ---------------------------------------
 *
 * Reading labels from real camera frames (blurred, dim, glary, tilted,
 * curved): a pipeline around ZBar that retries on normalised, rescaled,
 * sharpened or locally binarised copies of the regions where a code is
 * likely. ZBar stays the decoder: every text reported is one ZBar decoded.
 * Design and figures: docs/reader.md, docs/performance.md ("QR reader"). */

/* Live camera: each call costs about one plain ZBar pass; retries on a
 * frame where the plain pass found nothing are spread over the following
 * calls (the reader keeps a little state between calls). */
#define LABELS_EFFORT_FRAME 0
/* One still image: try everything on it now. */
#define LABELS_EFFORT_FULL 1

typedef struct labels_reader labels_reader;

/* NULL when out of memory. Not thread-safe; one per thread (or camera). */
labels_reader *labels_reader_new(void);
void labels_reader_free(labels_reader *rd);
/* Forget the state carried between frames (a new scene, a new camera). */
void labels_reader_reset(labels_reader *rd);

/* Read the QR codes in img. fn gets each distinct code once per call
 * (return non-zero to stop). *found (may be NULL) gets how many were
 * reported. Any width, height and stride >= width are safe; images over
 * 40 million pixels are LABELS_ERR_IMAGE. */
int labels_read(labels_reader *rd, const labels_image *img, int effort,
                labels_code_fn fn, void *ctx, int *found);

/* ---- Inspector badges (issue 7) ---------------------------------------
 *
 * An inspector's badge is a QR signed by the authority key under
 * LABELS_DOMAIN_BADGE, so no label signature ever passes as a badge and
 * no badge signature as a label. Its text is "OCOPI:" and the base32
 * payload; labels_parse() answers LABELS_ERR_NOT_LABEL for it (':' is
 * never in a bare payload). Byte layout: docs/label-format.md,
 * "Inspector badges". Kiosk use: docs/inspectors.md. */
#define LABELS_BADGE_VERSION 1
#define LABELS_BADGE_PREFIX "OCOPI:"
#define LABELS_BADGE_NAME_MAX 48     /* bytes of UTF-8 */
#define LABELS_BADGE_PROVINCE_MAX 64 /* bytes of UTF-8 */
#define LABELS_BADGE_BYTES_MAX                                                 \
    (19 + 1 + LABELS_BADGE_PROVINCE_MAX + 1 + LABELS_BADGE_NAME_MAX +          \
     LABELS_SIG_BYTES)
/* Longest text labels_badge_format() writes, with its NUL. */
#define LABELS_BADGE_TEXT_MAX                                                  \
    (6 + LABELS_BASE32_LEN(LABELS_BADGE_BYTES_MAX) + 1)

/* inspector: 1 to 12 characters of the label code alphabet. province and
 * name: 1 to their maximum bytes of UTF-8 without control characters.
 * valid_until: the last label day the badge is good for. */
typedef struct labels_badge {
    uint8_t version;
    uint8_t key_id[LABELS_KEY_ID_BYTES]; /* the authority key's */
    char inspector[LABELS_CODE_MAX + 1];
    char province[LABELS_BADGE_PROVINCE_MAX + 1];
    char name[LABELS_BADGE_NAME_MAX + 1];
    uint16_t valid_until;
    uint8_t sig[LABELS_SIG_BYTES];
} labels_badge;

/* Check inspector, province and name; LABELS_ERR_FIELD if any is bad. */
int labels_badge_check_fields(const labels_badge *b);
/* Set version and key ID from the authority key sec, and sign. */
int labels_badge_sign(labels_badge *b, const labels_seckey *sec);
/* The QR text "OCOPI:<PAYLOAD>", NUL-terminated; outsz must be at least
 * LABELS_BADGE_TEXT_MAX. *len (may be NULL) gets the text length. */
int labels_badge_format(const labels_badge *b, char *out, size_t outsz,
                        size_t *len);
/* Parse QR text (len bytes, any bytes). LABELS_ERR_NOT_LABEL when the
 * text is not a badge at all (no "OCOPI:" prefix, any case); BASE32,
 * LENGTH, VERSION or FIELD for a damaged one. No signature check. */
int labels_badge_parse(const char *text, size_t len, labels_badge *out);
/* KEY_ID if the badge names another key than auth, SIGNATURE if it does
 * not verify, EXPIRED if today is after valid_until, else OK. */
int labels_badge_verify(const labels_badge *b, const labels_pubkey *auth,
                        uint16_t today);

/* 1 when inspector_id's badges are revoked in the mirror (revoked gets
 * the day, "YYYY-MM-DD", may be NULL), 0 when not. Returns LABELS_OK, or
 * LABELS_ERR_MIRROR if the mirror has no revoked_badges table (a mirror
 * from before badges: revocations cannot be known) or fails. */
int labels_mirror_badge_revoked(labels_mirror *m, const char *inspector_id,
                                int *is_revoked,
                                char revoked[LABELS_DATE_SIZE]);

/* The shared vocabulary: groups, kinds, field labels, languages, exit
 * codes, ISO times, JSON lines of verdict facts. */
#include "labels_vocab.h"

/* ---- Files that cannot be redirected (issue 12) ------------------------
 *
 * Every file the tools create or replace goes through these (or
 * labels_file_write_atomic, which uses them): the last component of a
 * path is opened relative to its folder (openat) with O_NOFOLLOW and
 * O_CLOEXEC, and only a regular file is written or replaced. A symbolic
 * link, device node, FIFO, socket or folder in its place is
 * LABELS_ERR_NOT_REGULAR, and is neither followed nor replaced. The
 * folders on the way are the caller's choice and are followed. Declared
 * here with the flags of open(2) (<fcntl.h>). */

/* Open path for a regular file only: flags as open(2) (O_RDONLY, O_WRONLY
 * or O_RDWR, with O_CREAT, O_EXCL, O_TRUNC, O_APPEND); O_TRUNC is applied
 * only once the file is known to be regular, so a device is never
 * truncated. *fd gets the descriptor (close it). LABELS_ERR_EXISTS for
 * O_CREAT | O_EXCL on an existing name, LABELS_ERR_IO with errno set. */
int labels_file_open(const char *path, int flags, unsigned mode, int *fd);
/* The same for a name the caller owns (its own part or temporary file):
 * a link, FIFO, socket or device node planted there is removed (the
 * link itself, never its target) and a new file created exclusively. A
 * folder there is still LABELS_ERR_NOT_REGULAR. */
int labels_file_open_own(const char *path, int flags, unsigned mode, int *fd);
/* LABELS_OK when path may be replaced: nothing is there, or a regular
 * file. LABELS_ERR_NOT_REGULAR otherwise, LABELS_ERR_IO if it cannot be
 * told. */
int labels_file_replaceable(const char *path);
/* Create "<path>.tmp.<16 random hex digits>" with mode, exclusively and
 * without following links; its name goes into tmp (tmpsz at least
 * strlen(path) + 22) and its descriptor (write-only) into *fd. */
int labels_file_create_temp(const char *path, unsigned mode, char *tmp,
                            size_t tmpsz, int *fd);
/* Rename tmp over path if path is absent or a regular file (else
 * LABELS_ERR_NOT_REGULAR, tmp left for the caller to remove), then fsync
 * the folder. Something swapped in between the check and the rename is
 * replaced, never written through. */
int labels_file_rename(const char *tmp, const char *path);

/* ---- Mirror schema (issue 12) ------------------------------------------ */

struct sqlite3;
/* LABELS_OK when db's main schema is exactly a documented mirror schema
 * (docs/mirror.md, "Versions"): the tables of labels_mirror_schema(),
 * each with its documented definition (layout and comments aside),
 * revoked_badges optional, and nothing else: no other table, view,
 * trigger or index. Otherwise LABELS_ERR_MIRROR with one sentence in err
 * (errsz bytes; err may be NULL). The meta rows are not looked at.
 * Writers and the kiosk's sync run it on the handles they hold. */
int labels_mirror_check_schema(struct sqlite3 *db, char *err, size_t errsz);
/* The same, with the overlay (LABELS_MIRROR_OVERLAY) allowed beside the
 * tables: a mirror as a kiosk keeps it. labels_mirror_open() and the
 * kiosk's delta run this one; a publisher and a snapshot the kiosk
 * installs are held to labels_mirror_check_schema(). */
int labels_mirror_check_kept_schema(struct sqlite3 *db, char *err,
                                    size_t errsz);

#ifdef __cplusplus
}
#endif
#endif

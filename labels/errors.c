/* errors.c -- error strings and library initialisation. */
#include "labels.h"

#include <sodium.h>

static const char *const messages[LABELS_ERR_COUNT_] = {
    [LABELS_OK] = "success",
    [LABELS_ERR_ARG] = "invalid argument",
    [LABELS_ERR_NOMEM] = "out of memory",
    [LABELS_ERR_NOT_LABEL] = "not an OCOP label",
    [LABELS_ERR_BASE32] = "label payload is not valid base32",
    [LABELS_ERR_LENGTH] = "label payload has the wrong length",
    [LABELS_ERR_VERSION] = "label format version not supported",
    [LABELS_ERR_FIELD] = "a label field is out of range",
    [LABELS_ERR_KEY_ID] = "label was signed by a different key",
    [LABELS_ERR_SIGNATURE] = "signature does not verify",
    [LABELS_ERR_IO] = "file input/output failed",
    [LABELS_ERR_EXISTS] = "file already exists",
    [LABELS_ERR_KEY_FILE] = "key file is malformed or corrupt",
    [LABELS_ERR_KEY_MODE] =
        "secret key file must be a regular file readable only by its owner",
    [LABELS_ERR_QR] = "text cannot be encoded as a QR code",
    [LABELS_ERR_IMAGE] = "image is malformed, unsupported or too large",
    [LABELS_ERR_CRYPTO] = "cryptography library failed to initialise",
    [LABELS_ERR_DECODER] = "QR decoder failed",
    [LABELS_ERR_MIRROR] =
        "mirror database is missing, corrupt or of another version",
    [LABELS_ERR_NOT_FOUND] = "no such record",
    [LABELS_ERR_EXPIRED] = "badge is past its valid-until date",
    [LABELS_ERR_SPACE] = "output does not fit its buffer",
    [LABELS_ERR_NOT_REGULAR] =
        "not a regular file (a link, device, FIFO or folder); refused",
};

const char *labels_strerror(int err)
{
    if (err < 0 || err >= LABELS_ERR_COUNT_ || !messages[err])
        return "unknown error";
    return messages[err];
}

int labels_init(void)
{
    /* sodium_init() returns 1 when already initialised. */
    if (sodium_init() < 0)
        return LABELS_ERR_CRYPTO;
    return LABELS_OK;
}

/* log.h -- one line per event on stderr (journald under systemd). */
#ifndef OCOP_KIOSK_LOG_H
#define OCOP_KIOSK_LOG_H

/* Print "ocop-kiosk: <message>" and a newline to stderr. */
void kiosk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

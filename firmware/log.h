/* log.h -- one line per event on stderr (journald under systemd). */
#ifndef OCOP_KIOSK_LOG_H
#define OCOP_KIOSK_LOG_H

/* Print "ocop-kiosk: <message>" and a newline to stderr. */
void kiosk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The service's lines: "<N>ocop-kiosk: <message>", N the syslog level
 * (3 error, 4 warning, 6 info) that journald reads from the start of a
 * line on stderr (sd-daemon.h's SD_ERR etc.). Each line is written with
 * one call, so lines from the service's threads never interleave. */
enum { KLOG_ERR = 3, KLOG_WARNING = 4, KLOG_INFO = 6 };
void kiosk_logl(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif

/* camera.h -- where camera frames come from: a V4L2 device through
 * ZBar's video API, or a folder of still images played as a camera (for
 * tests and for replaying a problem in the field). Either way the caller
 * polls one fd and takes the newest frame as 8-bit grey, so the loop that
 * decodes never falls behind the camera: frames that queued up while it
 * was busy are dropped, not decoded late.
 *
 * A camera that fails (unplugged, read error, folder gone) is closed by
 * the caller and opened again later; nothing here retries by itself.
 */
#ifndef OCOP_KIOSK_CAMERA_H
#define OCOP_KIOSK_CAMERA_H

#include <labels.h>
#include <stddef.h>

#define CAMERA_FRAMES_PREFIX "frames:"
#define CAMERA_FRAMES_FPS 10

typedef struct camera camera;

/* spec: a V4L2 device ("/dev/video0"), asked for width x height (0 x 0:
 * the driver's choice); or "frames:DIR", the PGM/PNG/JPEG files of DIR
 * in name order at CAMERA_FRAMES_FPS frames a second, then no more
 * frames. 0, or -1 with one line in msg. */
int camera_open(const char *spec, int width, int height, camera **out,
                char *msg, size_t msgsz);
/* The fd to poll for POLLIN: readable when a frame is waiting. */
int camera_fd(const camera *c);
/* Take the newest frame, dropping older queued ones. 1 with the frame in
 * *img (grey, valid until the next call or camera_close), 0 when there
 * is none after all, -1 when the camera failed (msg says why), or
 * CAMERA_GONE when the device itself is gone (pulled out), which a poll()
 * a moment earlier may not have seen yet. */
#define CAMERA_GONE (-2)
int camera_take(camera *c, labels_image *img, char *msg, size_t msgsz);
/* "v4l2" or "frames", for the log. */
const char *camera_kind(const camera *c);
void camera_close(camera *c);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What picture the video encoder makes for a bitrate: the configured size
 * and frame rate while the bitrate affords them, smaller and then fewer
 * frames when it does not, as WebRTC senders do. libvpx's VP8 at a
 * bitrate too low for its picture drops frames (dropframe-threshold):
 * measured with the call's encoder settings on the moving test picture,
 * 640x360 at 30 fps kept 57% of its frames at 300 kbit/s and 73% at 400;
 * 480x270 kept all of them from 300, 320x180 from 200. Fewer, smaller
 * frames that all arrive beat a big picture that stutters.
 *
 * The rungs: the configured size, 3/4 and 1/2 of it at the configured
 * rate, then 1/2 at 2/3 and at 1/2 of the rate (640x360 at 30 fps:
 * 480x270, 320x180, then 20 and 15 fps). A rung needs
 * CONFAB_VIDEO_LADDER_BITS_PER_PIXEL per pixel and frame (scaled down
 * together so that the top rung needs at most 80% of the configured
 * bitrate: a clean path always gets the configured picture). The ladder
 * starts at the top. It steps down once the target has stayed under the
 * rung's need for 2 s (a call starting low ramps past it in about a
 * second; a cut that lasts costs the encoder's dropped frames meanwhile),
 * at most once a second; it steps up one rung once the target has stood
 * 15% above the upper rung's need for 2 s, and 4 s after a step down:
 * each change costs a key frame, and a target that hovers at a threshold
 * must not make the picture flap.
 *
 * Plain data, no clock: the tests feed it made-up targets.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONFAB_VIDEO_LADDER_RUNGS 5
#define CONFAB_VIDEO_LADDER_BITS_PER_PIXEL 0.08
#define CONFAB_VIDEO_LADDER_UP_MARGIN 1.15
#define CONFAB_VIDEO_LADDER_UP_HOLD_US (2 * G_USEC_PER_SEC)
#define CONFAB_VIDEO_LADDER_UP_AFTER_US (4 * G_USEC_PER_SEC)
#define CONFAB_VIDEO_LADDER_DOWN_HOLD_US (2 * G_USEC_PER_SEC)
#define CONFAB_VIDEO_LADDER_DOWN_AFTER_US G_USEC_PER_SEC

typedef struct
{
  guint width, height, framerate;
  guint need_kbps;
} ConfabVideoRung;

typedef struct
{
  ConfabVideoRung rungs[CONFAB_VIDEO_LADDER_RUNGS];
  guint rung;         /* 0: the configured picture */
  gint64 last_change; /* 0: none yet */
  gint64 last_down;   /* the last step down, 0: none yet */
  gint64 above_since; /* since when the target affords the rung above; 0: it does not */
  gint64 below_since; /* since when it does not afford this one; 0: it does */
} ConfabVideoLadder;

/* The configured picture and bitrate (the encoder's most). */
void confab_video_ladder_init (ConfabVideoLadder *ladder, guint width, guint height,
                               guint framerate, guint max_kbps);

/* The encoder's target is now @target_kbps (at @now, monotonic
 * microseconds); TRUE when the rung changed. */
gboolean confab_video_ladder_update (ConfabVideoLadder *ladder, gint64 now, guint target_kbps);

const ConfabVideoRung *confab_video_ladder_get_rung (const ConfabVideoLadder *ladder);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The media half of a call: capture (or synthetic sources), Opus and VP8
 * encoding, one rtpbin session carrying every negotiated stream (BUNDLE,
 * rtcp-mux; the streams are what ConfabStreamParams say), jitter buffers,
 * decoding, and the decoded frames handed to whoever displays them.
 *
 * The pipeline knows nothing about the network. Outgoing RTP and RTCP
 * packets leave through the packet function; incoming packets enter through
 * confab_call_pipeline_push_packet(). The app wires both ends to the ICE
 * session (DESIGN.md: media and transport meet only through callbacks that
 * carry packets).
 */
#pragma once

#include "confab-stream-params.h"

#include <gst/gst.h>

G_BEGIN_DECLS

#define CONFAB_MEDIA_ERROR (confab_media_error_quark ())
GQuark confab_media_error_quark (void);

typedef enum
{
  CONFAB_MEDIA_ERROR_MISSING_ELEMENT, /* a GStreamer plugin is not installed */
  CONFAB_MEDIA_ERROR_NO_DEVICE,       /* the camera, microphone or speaker (or the device
                                       * id asked for) is not there */
  CONFAB_MEDIA_ERROR_INVALID_CONFIG,  /* e.g. a size or payload type out of range */
  CONFAB_MEDIA_ERROR_PIPELINE,        /* a runtime error reported on the bus */
} ConfabMediaError;

/* How long the receiving jitter buffers hold a packet for a late or
 * retransmitted one before playout. */
#define CONFAB_MEDIA_LATENCY_MS 100

typedef struct
{
  /* "test" (videotestsrc), "camera" (the first camera the device monitor
   * finds), a device path such as "/dev/video0" or the id of a camera from
   * confab_media_list_devices(). */
  const char *video_source;
  /* "test" (audiotestsrc), "mic" (the default microphone) or the id of a
   * microphone from confab_media_list_devices(). */
  const char *audio_source;
  guint width;              /* default 640 */
  guint height;             /* default 360 */
  guint framerate;          /* default 30 */
  guint video_bitrate_kbps; /* default 1000 */
  guint audio_bitrate_kbps; /* default 32 */
  gboolean play_audio;      /* TRUE: a speaker; FALSE: a clocked fakesink */
  /* With play_audio: NULL for the default output (autoaudiosink), or the id
   * of a speaker from confab_media_list_devices(). Ignored otherwise. */
  const char *speaker;
  /* Confab's FlexFEC (RFC 8627), for a stream whose ConfabStreamParams
   * ask for it (fec_pt): the encoder sits after rtpbin's send side, the
   * decoder before its jitter buffers. */
  guint fec_overhead;           /* repair packets per 100 video packets, default 25 */
  guint fec_key_frame_overhead; /* the same for VP8 key frames, default 50 */
} ConfabMediaConfig;

/* Fills @config with the defaults above. */
void confab_media_config_init (ConfabMediaConfig *config);

typedef struct
{
  guint64 packets_sent;     /* RTP packets handed to the packet function */
  guint64 packets_received; /* RTP packets pushed in with this stream's payload type */
  guint64 packets_lost;     /* as counted by the jitter buffer */
  guint64 frames_encoded;   /* buffers out of the encoder */
  guint64 frames_decoded;   /* buffers out of the decoder */
  guint width;              /* of the decoded remote video, 0 before the first frame */
  guint height;
  guint sent_width; /* video: the picture our encoder is given (congestion control may shrink it) */
  guint sent_height;
  double sent_fps; /* video: frames our encoder made per second */
  /* Rates over the last second or so; 0 when unknown. */
  double send_kbps; /* RTP payload+headers sent */
  double receive_kbps;
  double decoded_fps;      /* remote frames decoded per second (video); 0 for audio */
  double jitter_ms;        /* interarrival jitter of the remote stream (RFC 3550) */
  double remote_loss;      /* fraction of ours the peer reports lost (RTCP RR), 0..1 */
  char codec[16];          /* "VP8", "OPUS" */
  char fec_scheme[16];     /* video: "flexfec", "ulpfec-red", "rs"; "" without FEC */
  guint64 fec_recovered;   /* audio: frames rebuilt from Opus in-band FEC; video: by our FEC */
  guint64 fec_unrecovered; /* video: lost media our FEC could not rebuild */
  guint64 fec_repair_sent; /* video: FEC repair packets sent */
  /* video: repair packets per 100 media packets sent over the last 2 to 4
   * s (fec_repair_sent / packets_sent is the whole call's) */
  double fec_overhead_pct;
  /* audio: lost frames opusdec had to conceal (PLC) because no in-band FEC
   * rebuilt them; see confab-opus-lbrr.h for how they are told apart */
  guint64 concealed;
  /* Video, retransmission and key-frame requests (all 0 without RTX). */
  guint64 packets_lost_before_fec; /* media packets the network lost, before FEC and RTX
                                    * (packets_lost is what stays lost after both) */
  guint64 nack_sent;               /* RTCP generic NACK messages we sent (RFC 4585) */
  guint64 pli_sent;                /* RTCP PLIs we sent */
  guint64
      rtx_recovered; /* lost packets a retransmission brought back (still missing when it came) */
  guint64 rtx_sent;  /* retransmissions (RTX packets) we sent */
  guint64 nack_received; /* generic NACK messages the peer sent us */
  guint64 pli_received;  /* PLIs (and FIRs) the peer sent us */
  /* video: W3C webrtc-stats freezes of the decoded remote video
   * (confab-media-meters.h): how many, and their total length. */
  guint64 freezes;
  double freeze_s;
  /* video: the encoder's bitrate now, set by congestion control; 0 when unknown */
  guint target_bitrate_kbps;
} ConfabStreamStats;

typedef struct
{
  ConfabStreamStats audio;
  ConfabStreamStats video;
  guint64 rtcp_packets_sent;
  guint64 rtcp_packets_received;
  /* g_get_monotonic_time() of the first decoded remote video frame, 0 if none yet. */
  gint64 first_remote_frame_time;
  /* Pushed-in packets that were neither valid RTP nor valid RTCP (or larger
   * than any packet of a call can be), or RTP of a payload type this call
   * did not negotiate; they never reach rtpbin. */
  guint64 invalid_packets;
  double rtt_ms; /* from RTCP SR/RR (DLSR), 0 when unknown */
} ConfabMediaStats;

/* Called from a streaming thread for every outgoing RTP or RTCP packet.
 * @data is only valid during the call. */
typedef void (*ConfabPacketFunc) (const guint8 *data, gsize size, gpointer user_data);

/* Called from a streaming thread for every buffer of audio (20 ms with our
 * encoder): @rms_dbfs is its RMS level in dB relative to full scale (-inf
 * for digital silence). @remote: the peer's decoded audio; otherwise the
 * local capture before muting (so the UI can say "you are muted" to someone
 * who talks). Must not block. */
typedef void (*ConfabAudioLevelFunc) (double rms_dbfs, gboolean remote, gpointer user_data);

/* Called from a streaming thread with each decoded frame as RGBA
 * (GstSample with video/x-raw,format=RGBA caps). @remote tells whether it is
 * the peer's video or the local preview. Must not block. */
typedef void (*ConfabVideoFrameFunc) (GstSample *sample, gboolean remote, gpointer user_data);

/* Refuses, with CONFAB_MEDIA_ERROR_INVALID_CONFIG, streams the pipeline
 * cannot carry: none or more than CONFAB_MAX_STREAMS, two of one kind, a
 * codec other than Opus for audio or VP8 for video, payload types that
 * collide with each other or with RTCP (rtcp-mux: 64..95), SSRCs shared
 * between streams, FEC or RTX other than on video or with a payload type
 * outside 96..127. */
gboolean confab_stream_params_validate (const ConfabStreamParams *streams, guint n_streams,
                                        GError **error);

#define CONFAB_TYPE_CALL_PIPELINE (confab_call_pipeline_get_type ())
G_DECLARE_FINAL_TYPE (ConfabCallPipeline, confab_call_pipeline, CONFAB, CALL_PIPELINE, GObject)

/* Builds the pipeline (does not start it) for the negotiated @streams:
 * one payloader and receive chain per stream, payload types and SSRCs as
 * they say (an SSRC of 0: one is picked). Fails with CONFAB_MEDIA_ERROR
 * when an element is missing or the configuration or a stream is invalid
 * (confab_stream_params_validate()). */
ConfabCallPipeline *confab_call_pipeline_new (const ConfabMediaConfig *config,
                                              const ConfabStreamParams *streams, guint n_streams,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

void confab_call_pipeline_set_packet_func (ConfabCallPipeline *self, ConfabPacketFunc func,
                                           gpointer user_data, GDestroyNotify destroy);

/* Optional; without it decoded video goes to a fakesink (still counted).
 * Set it before confab_call_pipeline_start(): the local preview branch is
 * built at start, the remote video sink when the peer's stream appears.
 * Neither callback may call back into this pipeline's set_*_func (each runs
 * under the lock that makes replacing it safe); a later NULL func stops the
 * calls, and the destroy notify runs once no call is in flight. */
void confab_call_pipeline_set_video_frame_func (ConfabCallPipeline *self, ConfabVideoFrameFunc func,
                                                gpointer user_data, GDestroyNotify destroy);

/* Optional, thread-safe, any time. The same rules as the video frame
 * function: the callback may not call back into set_audio_level_func; a
 * later NULL func stops the calls. */
void confab_call_pipeline_set_audio_level_func (ConfabCallPipeline *self, ConfabAudioLevelFunc func,
                                                gpointer user_data, GDestroyNotify destroy);

/* Thread-safe. Demultiplexes RTP from RTCP (rtcp-mux, RFC 5761) and feeds
 * rtpbin. Packets pushed before start or after stop are dropped. Bytes
 * are untrusted: anything that is not RTP/RTCP is counted and dropped. */
void confab_call_pipeline_push_packet (ConfabCallPipeline *self, const guint8 *data, gsize size);

/* Sets the pipeline to PLAYING. Errors that happen later (a camera that
 * fails, a missing codec) are emitted with the "error" signal on the
 * thread-default main context of the caller of confab_call_pipeline_new(). */
gboolean confab_call_pipeline_start (ConfabCallPipeline *self, GError **error);
/* Final: a stopped pipeline cannot be started again (start fails with
 * CONFAB_MEDIA_ERROR_PIPELINE); its statistics stay readable. Safe to call
 * twice. */
void confab_call_pipeline_stop (ConfabCallPipeline *self);

/* Call controls, thread-safe, any time after construction. Muted audio
 * sends silence (the stream keeps its timing); a disabled camera sends
 * black frames at a low rate (5 per second), so the peer sees "camera off",
 * not a freeze, and the local preview shows the same black. The camera
 * itself keeps capturing (its light stays on). */
void confab_call_pipeline_set_audio_muted (ConfabCallPipeline *self, gboolean muted);
gboolean confab_call_pipeline_get_audio_muted (ConfabCallPipeline *self);
void confab_call_pipeline_set_video_enabled (ConfabCallPipeline *self, gboolean enabled);
gboolean confab_call_pipeline_get_video_enabled (ConfabCallPipeline *self);

/* Congestion control's knobs, thread-safe, any time. The video encoder's
 * target bitrate in kbit/s, clamped to 1..the configured
 * video_bitrate_kbps (the stats' video.target_bitrate_kbps); Opus's
 * expected packet loss in percent, which sizes its in-band FEC. */
void confab_call_pipeline_set_video_bitrate (ConfabCallPipeline *self, guint kbps);
void confab_call_pipeline_set_audio_loss_hint (ConfabCallPipeline *self, guint percent);
/* Opus's bitrate in kbit/s (6..510), thread-safe, any time: adaptive FEC
 * raises a low one to where in-band FEC is produced at all. */
void confab_call_pipeline_set_audio_bitrate (ConfabCallPipeline *self, guint kbps);

/* Adaptive FEC's knob, thread-safe, any time: the FEC encoder's repair
 * packets per 100 video packets (delta frames, key frames) for the blocks
 * that end from now on, each clamped to 100. Without FEC, nothing. */
void confab_call_pipeline_set_fec_overhead (ConfabCallPipeline *self, guint overhead,
                                            guint key_frame_overhead);

/* Owner thread, before confab_call_pipeline_start(): removes the FEC
 * encoder and decoder that a stream's fec_pt asked for (the offerer builds
 * them with its offer, and drops them when the answer declines FEC).
 * Returns FALSE (and changes nothing) once the pipeline was started. */
gboolean confab_call_pipeline_disable_fec (ConfabCallPipeline *self);

/* Before confab_call_pipeline_start(): the peer's SSRCs in @streams (the
 * ones the pipeline was built with, completed by the answer). Returns FALSE
 * (and changes nothing) once the pipeline was started. */
gboolean confab_call_pipeline_set_remote_ssrcs (ConfabCallPipeline *self,
                                                const ConfabStreamParams *streams, guint n_streams);

/* Thread-safe snapshot of the counters. */
void confab_call_pipeline_get_stats (ConfabCallPipeline *self, ConfabMediaStats *stats);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the FEC tests: deterministic media packets, decoders, hex vectors. */
#pragma once

#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-rtp-packet.h"

/* A media packet whose header and payload vary with @seed: CSRCs, extensions, padding and
 * lengths all change, so recovery of every field is exercised. */
static inline GBytes *
fec_test_media_packet (GRand *rand, guint32 ssrc, guint16 seq, guint32 ts, gboolean marker,
                       gsize max_payload)
{
  ConfabRtpHeader h = { 0 };
  guint8 ext[8];
  guint8 payload[1400];
  gsize payload_len = (gsize) g_rand_int_range (rand, 0, (gint32) MIN (max_payload, 1400) + 1);

  h.marker = marker;
  h.payload_type = g_rand_boolean (rand) ? 96 : 100;
  h.seq = seq;
  h.timestamp = ts;
  h.ssrc = ssrc;
  if (g_rand_int_range (rand, 0, 4) == 0)
    {
      h.csrc_count = (guint) g_rand_int_range (rand, 1, 4);
      for (guint i = 0; i < h.csrc_count; i++)
        h.csrcs[i] = g_rand_int (rand);
    }
  if (g_rand_int_range (rand, 0, 3) == 0)
    {
      h.extension = TRUE;
      h.ext_profile = 0xbede;
      for (guint i = 0; i < sizeof ext; i++)
        ext[i] = (guint8) g_rand_int (rand);
      h.ext_data = ext;
      h.ext_len = 4 * (gsize) g_rand_int_range (rand, 0, 3);
    }
  if (g_rand_int_range (rand, 0, 8) == 0)
    h.padding_len = (guint8) g_rand_int_range (rand, 1, 8);
  for (gsize i = 0; i < payload_len; i++)
    payload[i] = (guint8) g_rand_int (rand);
  return confab_rtp_packet_new (&h, payload, payload_len);
}

/* The delay-budget tests: each budget and the frames a block of that stream spans, and the
 * stream's length and pause. */
typedef struct
{
  guint budget_ms;
  guint frames_per_block;
} FecTestBudgetCase;

static const FecTestBudgetCase fec_test_budget_cases[]
    = { { 0, 1 }, { 50, 2 }, { 100, 4 }, { 200, 6 } };

enum
{
  FEC_TEST_BUDGET_FRAMES = 48,
  FEC_TEST_BUDGET_PAUSE = 25 /* four frame intervals before this frame */
};

/* The delay-budget tests' stream: frames of 8 packets 3000 ticks (30 fps) apart from
 * sequence number 65000, with four intervals before frame @pause. Packet @p; *@t holds the
 * timestamp, moved on at each frame's first packet. */
static inline GBytes *
fec_test_budget_packet (GRand *rand, guint32 ssrc, guint p, guint pause, guint32 *t)
{
  if (p % 8 == 0)
    *t += p == pause * 8 ? 12000 : 3000;
  return fec_test_media_packet (rand, ssrc, (guint16) (65000 + p), *t, p % 8 == 7, 300);
}

/* Bytes written as hex digits, spaces allowed between bytes: how the layout tests copy
 * packets from the RFC figures. */
static inline GBytes *
fec_test_hex (const char *hex)
{
  GByteArray *out = g_byte_array_new ();

  for (const char *p = hex; *p; p++)
    {
      guint8 b;

      if (*p == ' ')
        continue;
      g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
      b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
      g_byte_array_append (out, &b, 1);
      p++;
    }
  return g_byte_array_free_to_bytes (out);
}

/* A decoder with default sizes for these payload types (-1: none) and FlexFEC repair SSRC
 * (0: any). */
static inline ConfabFecDecoder *
fec_test_decoder_new (gint flexfec_pt, guint32 flexfec_ssrc, gint ulpfec_pt, gint red_pt)
{
  ConfabFecDecoderConfig cfg;
  ConfabFecDecoder *dec;

  confab_fec_decoder_config_init (&cfg);
  cfg.flexfec_pt = flexfec_pt, cfg.flexfec_ssrc = flexfec_ssrc;
  cfg.ulpfec_pt = ulpfec_pt, cfg.red_pt = red_pt;
  /* Defaults and valid payload types cannot fail. */
  dec = confab_fec_decoder_new (&cfg, NULL);
  g_assert_nonnull (dec);
  return dec;
}

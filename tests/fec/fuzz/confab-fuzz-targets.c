/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fuzz-targets.h"

#include <stdlib.h>
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-rs-decoder.h"
#include "confab-fec-rs.h"
#include "confab-flexfec.h"
#include "confab-red.h"
#include "confab-rtp-packet.h"
#include "confab-ulpfec.h"

#define ULP_PT 97
#define FLEX_PT 110
#define RED_PT 116
#define RS_PT 112

/* Crash loudly (the fuzzer's signal) when an invariant breaks; never on bad input. */
#define CHECK(cond)                                                                                \
  do                                                                                               \
    {                                                                                              \
      if (!(cond))                                                                                 \
        {                                                                                          \
          g_printerr ("fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);           \
          abort ();                                                                                \
        }                                                                                          \
    }                                                                                              \
  while (0)

void
confab_fuzz_rtp (const guint8 *data, gsize size)
{
  ConfabRtpView v;
  guint8 out[CONFAB_FEC_MAX_PACKET_SIZE * 2];
  gsize len = 0;

  if (confab_rtp_view_parse (&v, data, size) != CONFAB_FEC_OK)
    return;
  CHECK (v.header_len + v.payload_len + v.padding_len == size);
  CHECK (v.payload >= data && v.payload + v.payload_len <= data + size);

  /* Rebuilding from the view gives the same bytes, padding contents aside. */
  {
    ConfabRtpHeader h = { 0 };

    h.marker = v.marker;
    h.payload_type = v.payload_type;
    h.seq = v.seq;
    h.timestamp = v.timestamp;
    h.ssrc = v.ssrc;
    h.csrc_count = v.csrc_count;
    for (guint i = 0; i < v.csrc_count; i++)
      h.csrcs[i] = confab_rtp_view_get_csrc (&v, i);
    h.extension = v.extension;
    h.ext_profile = v.ext_profile;
    h.ext_data = v.ext_data;
    h.ext_len = v.ext_len;
    h.padding_len = v.padding_len;
    if (confab_rtp_write (&h, v.payload, v.payload_len, out, sizeof out, &len) == CONFAB_FEC_OK)
      {
        CHECK (len == size);
        CHECK (memcmp (out, data, size - v.padding_len) == 0);
      }
  }

  /* RED: parse, unwrap, wrap again. */
  {
    ConfabRedBlock blocks[8];
    guint n = 0;

    if (confab_red_parse (v.payload, v.payload_len, blocks, G_N_ELEMENTS (blocks), &n)
        == CONFAB_FEC_OK)
      {
        gsize total = 0;

        CHECK (n >= 1);
        for (guint i = 0; i < n; i++)
          {
            CHECK (blocks[i].data >= v.payload);
            CHECK (blocks[i].data + blocks[i].len <= v.payload + v.payload_len);
            total += blocks[i].len;
          }
        CHECK (total <= v.payload_len);
        if (n == 1 && confab_red_decapsulate (data, size, out, sizeof out, &len) == CONFAB_FEC_OK)
          {
            guint8 again[CONFAB_FEC_MAX_PACKET_SIZE * 2 + 1];
            gsize again_len = 0;

            CHECK (
                confab_red_encapsulate (out, len, v.payload_type, again, sizeof again, &again_len)
                == CONFAB_FEC_OK);
            CHECK (again_len == size);
            CHECK (memcmp (again, data, size) == 0);
          }
      }
  }
}

static void
repair_roundtrip (const ConfabFecRepairInfo *info, gboolean flex)
{
  guint8 out[CONFAB_FEC_MAX_PACKET_SIZE * 2];
  gsize len = 0;
  ConfabFecRepairInfo again;
  g_autoptr (GBytes) pkt = NULL; /* again.payload points into it */

  if (flex)
    {
      ConfabRtpView v;
      gsize plen;
      const guint8 *p;

      pkt = confab_flexfec_packet_new (info, CONFAB_FLEXFEC_FORMAT_FLEXIBLE, FLEX_PT, 1, 2, 3);
      if (pkt == NULL)
        return;
      p = g_bytes_get_data (pkt, &plen);
      CHECK (confab_rtp_view_parse (&v, p, plen) == CONFAB_FEC_OK);
      CHECK (confab_flexfec_parse (&v, &again) == CONFAB_FEC_OK);
      CHECK (again.n_protected == info->n_protected);
      for (guint i = 0; i < info->n_protected; i++)
        {
          CHECK (again.protected[i].ssrc == info->protected[i].ssrc);
          CHECK (again.protected[i].sn_base == info->protected[i].sn_base);
          CHECK (memcmp (&again.protected[i].mask, &info->protected[i].mask, sizeof (ConfabFecBits))
                 == 0);
        }
      CHECK (again.payload_len == info->payload_len);
    }
  else
    {
      if (confab_ulpfec_write (info, out, sizeof out, &len) != CONFAB_FEC_OK)
        return;
      CHECK (confab_ulpfec_parse (out, len, info->protected[0].ssrc, &again) == CONFAB_FEC_OK);
      CHECK (again.protected[0].sn_base == info->protected[0].sn_base);
      CHECK (memcmp (&again.protected[0].mask, &info->protected[0].mask, sizeof (ConfabFecBits))
             == 0);
    }
  CHECK (again.byte0 == (info->byte0 & 0x3f));
  CHECK (again.byte1 == info->byte1);
  CHECK (again.ts == info->ts);
  CHECK (again.length == info->length);
  CHECK (memcmp (again.payload, info->payload, info->payload_len) == 0);
}

/* The next packet of an input split as [2-byte big-endian length][bytes]..., the last one
 * cut short by the input's end; NULL at the end. */
static const guint8 *
next_packet (const guint8 *data, gsize size, gsize *off, gsize *len)
{
  const guint8 *pkt;

  if (size - *off < 2)
    return NULL;
  *len = MIN (((gsize) data[*off] << 8) | data[*off + 1], size - *off - 2);
  pkt = data + *off + 2;
  *off += 2 + *len;
  return pkt;
}

static void
fuzz_decoder (const guint8 *data, gsize size, gboolean flex)
{
  ConfabFecDecoderConfig cfg;
  ConfabFecDecoder *dec;
  ConfabFecDecoderStats stats;
  gsize off = 0, len = 0;
  const guint8 *r, *pkt;
  gsize rlen;

  confab_fec_decoder_config_init (&cfg);
  cfg.ulpfec_pt = ULP_PT;
  cfg.red_pt = RED_PT;
  cfg.flexfec_pt = flex ? FLEX_PT : -1;
  /* Small limits so short inputs reach eviction and elimination limits. */
  cfg.window = 128;
  cfg.max_repairs = 8;
  cfg.max_streams = 2;
  dec = confab_fec_decoder_new (&cfg, NULL);
  CHECK (dec != NULL);

  while ((pkt = next_packet (data, size, &off, &len)) != NULL)
    {
      ConfabRtpView v;

      if (confab_rtp_view_parse (&v, pkt, len) == CONFAB_FEC_OK)
        {
          ConfabFecRepairInfo info;

          if (flex && confab_flexfec_parse (&v, &info) == CONFAB_FEC_OK)
            repair_roundtrip (&info, TRUE);
          if (!flex
              && confab_ulpfec_parse (v.payload, v.payload_len, v.ssrc, &info) == CONFAB_FEC_OK)
            repair_roundtrip (&info, FALSE);
        }
      confab_fec_decoder_push (dec, pkt, len, NULL);
      /* The decoder's own buffers, as the element reads them. */
      while ((r = confab_fec_decoder_next_recovered (dec, &rlen)) != NULL)
        {
          CHECK (confab_rtp_view_parse (&v, r, rlen) == CONFAB_FEC_OK);
          CHECK (rlen <= CONFAB_FEC_MAX_PACKET_SIZE + 1);
        }
    }
  confab_fec_decoder_drain (dec);
  confab_fec_decoder_get_stats (dec, &stats);
  CHECK (stats.peak_memory_bytes < 2 * 1024 * 1024);
  confab_fec_decoder_free (dec);
}

void
confab_fuzz_ulpfec_red (const guint8 *data, gsize size)
{
  fuzz_decoder (data, size, FALSE);
}

void
confab_fuzz_flexfec (const guint8 *data, gsize size)
{
  fuzz_decoder (data, size, TRUE);
}

void
confab_fuzz_rs (const guint8 *data, gsize size)
{
  ConfabFecRsDecoderConfig cfg;
  ConfabFecRsDecoder *dec;
  ConfabFecDecoderStats stats;
  gsize off = 0, len = 0;
  const guint8 *pkt;

  confab_fec_rs_decoder_config_init (&cfg);
  cfg.payload_type = RS_PT;
  /* Small limits so short inputs reach eviction. */
  cfg.window = 128;
  cfg.max_repairs = 4;
  cfg.max_streams = 2;
  dec = confab_fec_rs_decoder_new (&cfg, NULL);
  CHECK (dec != NULL);
  while ((pkt = next_packet (data, size, &off, &len)) != NULL)
    {
      ConfabRtpView v;
      ConfabFecRsRepair rep;
      const guint8 *r;
      gsize rlen;

      if (confab_rtp_view_parse (&v, pkt, len) == CONFAB_FEC_OK
          && confab_fec_rs_parse (&v, &rep) == CONFAB_FEC_OK)
        {
          guint8 hdr[CONFAB_FEC_RS_HEADER_SIZE];

          CHECK (rep.symbol + rep.symbol_len == v.payload + v.payload_len);
          CHECK (rep.k >= 1 && rep.m >= 1 && rep.k + rep.m <= 255 && rep.index < rep.m);
          confab_fec_rs_write_header (&rep, hdr);
          CHECK (memcmp (hdr, v.payload, 10) == 0);
        }
      confab_fec_rs_decoder_push (dec, pkt, len, NULL);
      while ((r = confab_fec_rs_decoder_next_recovered (dec, &rlen)) != NULL)
        {
          CHECK (confab_rtp_view_parse (&v, r, rlen) == CONFAB_FEC_OK);
          CHECK (rlen <= CONFAB_FEC_RS_MAX_MEDIA);
        }
    }
  confab_fec_rs_decoder_drain (dec);
  confab_fec_rs_decoder_get_stats (dec, &stats);
  CHECK (stats.peak_memory_bytes < 2 * 1024 * 1024);
  confab_fec_rs_decoder_free (dec);
}

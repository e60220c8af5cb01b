/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-parity.h"

#include <string.h>

#include "confab-fec-xor.h"

void
confab_fec_parity_reset (ConfabFecParity *parity)
{
  /* The payload is zero-extended lazily in _add(), so there is no need to clear 2 KiB. */
  parity->byte0 = 0;
  parity->byte1 = 0;
  parity->ts = 0;
  parity->length = 0;
  parity->payload_len = 0;
}

static void
parity_xor_bytes (ConfabFecParity *parity, const guint8 *bytes, gsize len)
{
  gsize common;

  if (len > CONFAB_FEC_MAX_PACKET_SIZE)
    len = CONFAB_FEC_MAX_PACKET_SIZE;
  common = MIN (len, parity->payload_len);
  confab_fec_xor (parity->payload, bytes, common);
  /* Beyond what the parity holds so far it is zero, and x ^ 0 = x: copy, one pass instead of
   * clearing and XORing. */
  if (len > common)
    {
      memcpy (parity->payload + common, bytes + common, len - common);
      parity->payload_len = len;
    }
}

void
confab_fec_parity_add (ConfabFecParity *parity, const guint8 *packet, gsize len)
{
  g_return_if_fail (len >= CONFAB_RTP_HEADER_SIZE);

  parity->byte0 ^= packet[0] & 0x3f;
  parity->byte1 ^= packet[1];
  parity->ts ^= confab_read_u32 (packet + 4);
  parity->length ^= (guint16) (len - CONFAB_RTP_HEADER_SIZE);
  parity_xor_bytes (parity, packet + CONFAB_RTP_HEADER_SIZE, len - CONFAB_RTP_HEADER_SIZE);
}

void
confab_fec_parity_add_parity (ConfabFecParity *parity, const ConfabFecParity *other)
{
  parity->byte0 ^= other->byte0;
  parity->byte1 ^= other->byte1;
  parity->ts ^= other->ts;
  parity->length ^= other->length;
  parity_xor_bytes (parity, other->payload, other->payload_len);
}

ConfabFecStatus
confab_fec_parity_to_packet (const ConfabFecParity *parity, guint16 seq, guint32 ssrc, guint8 *out,
                             gsize out_size, gsize *written)
{
  gsize len = (gsize) parity->length + CONFAB_RTP_HEADER_SIZE;

  *written = 0;
  /* A recovered length beyond what the repair carried means the inputs were inconsistent
   * (a lying peer, or a packet we hold that differs from what the sender protected). */
  if (parity->length > parity->payload_len)
    return CONFAB_FEC_ERR_MALFORMED;
  if (len > out_size)
    return CONFAB_FEC_ERR_NO_SPACE;
  out[0] = 0x80 | (parity->byte0 & 0x3f);
  out[1] = parity->byte1;
  confab_write_u16 (out + 2, seq);
  confab_write_u32 (out + 4, parity->ts);
  confab_write_u32 (out + 8, ssrc);
  memcpy (out + CONFAB_RTP_HEADER_SIZE, parity->payload, parity->length);
  *written = len;
  return CONFAB_FEC_OK;
}

void
confab_fec_repair_info_set_parity (ConfabFecRepairInfo *info, const ConfabFecParity *parity)
{
  info->byte0 = parity->byte0;
  info->byte1 = parity->byte1;
  info->ts = parity->ts;
  info->length = parity->length;
  info->payload = parity->payload;
  info->payload_len = parity->payload_len;
}

void
confab_fec_parity_from_repair (ConfabFecParity *parity, const ConfabFecRepairInfo *info)
{
  gsize len = MIN (info->payload_len, (gsize) CONFAB_FEC_MAX_PACKET_SIZE);

  parity->byte0 = info->byte0 & 0x3f;
  parity->byte1 = info->byte1;
  parity->ts = info->ts;
  parity->length = info->length;
  if (len)
    memcpy (parity->payload, info->payload, len);
  parity->payload_len = len;
}

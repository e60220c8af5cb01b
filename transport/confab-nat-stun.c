/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * STUN Binding messages for the NAT-type probe, and what their mapped
 * addresses mean. Everything here reads bytes from the network: a status,
 * never an assert.
 */
#include "config.h"

#include <string.h>

#include "confab-nat-stun-private.h"

#define MAGIC_COOKIE 0x2112A442u
#define BINDING_REQUEST 0x0001
#define BINDING_SUCCESS 0x0101
#define BINDING_ERROR 0x0111
#define ATTR_MAPPED_ADDRESS 0x0001
#define ATTR_CHANGED_ADDRESS 0x0005
#define ATTR_XOR_MAPPED_ADDRESS 0x0020
#define ATTR_OTHER_ADDRESS 0x802c

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static guint16
get16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
void
confab_stun_write_binding_request (guint8 out[CONFAB_STUN_HEADER_SIZE],
                                   const guint8 transaction_id[CONFAB_STUN_TRANSACTION_ID_SIZE])
{
  put16 (out, BINDING_REQUEST);
  put16 (out + 2, 0);
  put16 (out + 4, MAGIC_COOKIE >> 16);
  put16 (out + 6, MAGIC_COOKIE & 0xffff);
  memcpy (out + 8, transaction_id, CONFAB_STUN_TRANSACTION_ID_SIZE);
}

/*
 * MAPPED-ADDRESS, CHANGED-ADDRESS, OTHER-ADDRESS (XOR-MAPPED-ADDRESS the
 * same, with the port XORed with the cookie's top half and the address
 * with the cookie, then the transaction ID for IPv6):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |           Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Address (32 bits or 128 bits)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static gboolean
read_address (const guint8 *value, gsize length, const guint8 *xor_mask, ConfabStunAddress *out)
{
  gsize size;
  if (length < 4)
    return FALSE;
  switch (value[1])
    {
    case 1:
      out->family = 4;
      size = 4;
      break;
    case 2:
      out->family = 6;
      size = 16;
      break;
    default:
      return FALSE;
    }
  if (length != 4 + size)
    return FALSE;
  out->port = get16 (value + 2);
  memset (out->bytes, 0, sizeof out->bytes);
  memcpy (out->bytes, value + 4, size);
  if (xor_mask)
    {
      out->port ^= MAGIC_COOKIE >> 16;
      for (gsize i = 0; i < size; i++)
        out->bytes[i] ^= xor_mask[i];
    }
  return TRUE;
}

ConfabStunStatus
confab_stun_read_binding_response (const guint8 *data, gsize length,
                                   const guint8 transaction_id[CONFAB_STUN_TRANSACTION_ID_SIZE],
                                   ConfabStunResponse *response)
{
  if (length < CONFAB_STUN_HEADER_SIZE || (data[0] & 0xc0) != 0
      || get16 (data + 4) != MAGIC_COOKIE >> 16 || get16 (data + 6) != (MAGIC_COOKIE & 0xffff)
      || get16 (data + 2) != length - CONFAB_STUN_HEADER_SIZE || (length & 3) != 0)
    return CONFAB_STUN_NOT_STUN;
  if (memcmp (data + 8, transaction_id, CONFAB_STUN_TRANSACTION_ID_SIZE) != 0)
    return CONFAB_STUN_OTHER_TRANSACTION;
  guint16 type = get16 (data);
  if (type == BINDING_ERROR)
    return CONFAB_STUN_ERROR_RESPONSE;
  if (type != BINDING_SUCCESS)
    return CONFAB_STUN_OTHER_TRANSACTION;

  /* The cookie then the transaction ID: the XOR mask for any family. */
  const guint8 *xor_mask = data + 4;
  gboolean have_xor = FALSE, have_plain = FALSE, have_other = FALSE;
  ConfabStunAddress plain = { 0 };
  memset (response, 0, sizeof *response);
  for (gsize at = CONFAB_STUN_HEADER_SIZE; at < length;)
    {
      if (length - at < 4)
        return CONFAB_STUN_MALFORMED;
      guint16 attr = get16 (data + at);
      gsize attr_length = get16 (data + at + 2);
      const guint8 *value = data + at + 4;
      if (attr_length > length - at - 4)
        return CONFAB_STUN_MALFORMED;
      switch (attr)
        {
        case ATTR_XOR_MAPPED_ADDRESS:
          if (!read_address (value, attr_length, xor_mask, &response->mapped))
            return CONFAB_STUN_MALFORMED;
          have_xor = TRUE;
          break;
        case ATTR_MAPPED_ADDRESS:
          if (!read_address (value, attr_length, NULL, &plain))
            return CONFAB_STUN_MALFORMED;
          have_plain = TRUE;
          break;
        case ATTR_OTHER_ADDRESS:
        case ATTR_CHANGED_ADDRESS:
          /* RFC 5780's name wins over RFC 3489's when a server sends both. */
          if (!have_other || attr == ATTR_OTHER_ADDRESS)
            {
              if (!read_address (value, attr_length, NULL, &response->other))
                return CONFAB_STUN_MALFORMED;
              have_other = TRUE;
            }
          break;
        default:
          break;
        }
      at += 4 + ((attr_length + 3) & ~(gsize) 3);
    }
  if (!have_xor && !have_plain)
    return CONFAB_STUN_NO_MAPPED_ADDRESS;
  if (!have_xor)
    response->mapped = plain;
  response->has_other = have_other;
  return CONFAB_STUN_OK;
}

const char *
confab_stun_status_to_string (ConfabStunStatus status)
{
  switch (status)
    {
    case CONFAB_STUN_OK:
      return "ok";
    case CONFAB_STUN_NOT_STUN:
      return "not a STUN message";
    case CONFAB_STUN_OTHER_TRANSACTION:
      return "not the answer to our request";
    case CONFAB_STUN_ERROR_RESPONSE:
      return "the server answered with an error";
    case CONFAB_STUN_MALFORMED:
      return "an attribute is malformed";
    case CONFAB_STUN_NO_MAPPED_ADDRESS:
      return "no mapped address in the answer";
    }
  return "?";
}

gboolean
confab_stun_address_equal (const ConfabStunAddress *a, const ConfabStunAddress *b)
{
  return a->family == b->family && a->port == b->port
         && memcmp (a->bytes, b->bytes, sizeof a->bytes) == 0;
}

ConfabNatType
confab_nat_classify (const ConfabStunAddress *local, const ConfabStunAddress *first,
                     const ConfabStunAddress *second)
{
  if (!first)
    return CONFAB_NAT_TYPE_UDP_BLOCKED;
  if (local && confab_stun_address_equal (local, first))
    return CONFAB_NAT_TYPE_OPEN;
  if (!second)
    return CONFAB_NAT_TYPE_UNKNOWN;
  /* RFC 5780 4.3: the same mapping toward another address means
   * endpoint-independent mapping; a new one, a mapping the peer cannot
   * learn from STUN. */
  return confab_stun_address_equal (first, second) ? CONFAB_NAT_TYPE_HOME_ROUTER
                                                   : CONFAB_NAT_TYPE_SYMMETRIC;
}

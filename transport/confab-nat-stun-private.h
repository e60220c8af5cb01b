/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The STUN Binding transactions of the NAT-type probe (RFC 5389, RFC 5780),
 * as bytes: a request to write, a response to read, and what the mapped
 * addresses that several responses saw say about the NAT. No sockets here.
 */
#pragma once

#include <glib.h>

#include "confab-nat-probe.h"

G_BEGIN_DECLS

#define CONFAB_STUN_HEADER_SIZE 20
#define CONFAB_STUN_TRANSACTION_ID_SIZE 12

typedef struct
{
  guint8 family; /* 4 or 6 */
  guint8 bytes[16];
  guint16 port;
} ConfabStunAddress;

typedef enum
{
  CONFAB_STUN_OK,
  CONFAB_STUN_NOT_STUN,          /* too short, no magic cookie, length mismatch */
  CONFAB_STUN_OTHER_TRANSACTION, /* not the answer to our request */
  CONFAB_STUN_ERROR_RESPONSE,    /* the server refused (a Binding Error Response) */
  CONFAB_STUN_MALFORMED,         /* an attribute overruns the message, a bad address */
  CONFAB_STUN_NO_MAPPED_ADDRESS,
} ConfabStunStatus;

typedef struct
{
  ConfabStunAddress mapped; /* XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS */
  gboolean has_other;
  ConfabStunAddress other; /* OTHER-ADDRESS (RFC 5780), else CHANGED-ADDRESS (RFC 3489) */
} ConfabStunResponse;

/* A Binding Request with @transaction_id and no attributes, into @out. */
void
confab_stun_write_binding_request (guint8 out[CONFAB_STUN_HEADER_SIZE],
                                   const guint8 transaction_id[CONFAB_STUN_TRANSACTION_ID_SIZE]);

/* Reads a Binding Success Response to @transaction_id. */
ConfabStunStatus
confab_stun_read_binding_response (const guint8 *data, gsize length,
                                   const guint8 transaction_id[CONFAB_STUN_TRANSACTION_ID_SIZE],
                                   ConfabStunResponse *response);

const char *confab_stun_status_to_string (ConfabStunStatus status);

gboolean confab_stun_address_equal (const ConfabStunAddress *a, const ConfabStunAddress *b);

/* What the probe saw: @first, the mapping toward the server's primary
 * address (NULL: no answer); @second, toward another server address or
 * port (NULL: none to ask, or no answer); @local, the socket's own
 * address. */
ConfabNatType confab_nat_classify (const ConfabStunAddress *local, const ConfabStunAddress *first,
                                   const ConfabStunAddress *second);

G_END_DECLS

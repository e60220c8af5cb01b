/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The NAT-type probe's STUN bytes, read from Binding responses that coturn
 * 4.6.1 sent in the NAT lab (tests/nat/natlab.sh: coturn listening on
 * 203.0.113.1 and .2, so with RFC 5780's OTHER-ADDRESS; host A behind the
 * home router, host B behind the symmetric one), and from one without RFC
 * 5780, over IPv6 and refusing an attribute. The damaged ones are those
 * with one field changed.
 */
#include "config.h"

#include <string.h>

#include "confab-nat-stun-private.h"

typedef struct
{
  const char *transaction_id;
  const char *message;
} Captured;

/* Host A (10.0.1.2:52857) to 203.0.113.1:3478, then to 203.0.113.2:3478. */
static const Captured cone_first = {
  "f1958a476e792fa0ad271492",
  "010100502112a442f1958a476e792fa0ad271492002000080001ef6bea12d548000100080001ce79cb00710a802b0008"
  "00010d96cb007101802c000800010d97cb00710280220014436f7475726e2d342e362e312027476f72737427802800"
  "04a4ed6084",
};
static const Captured cone_second = {
  "0df9a90ea34bab9a7310b546",
  "010100502112a4420df9a90ea34bab9a7310b546002000080001ef6bea12d548000100080001ce79cb00710a802b0008"
  "00010d96cb007102802c000800010d97cb00710280220014436f7475726e2d342e362e312027476f72737427802800"
  "046c897d42",
};
/* Host B (10.0.2.2:33676), the same two questions. */
static const Captured symmetric_first = {
  "aa59ffcb32fa3ed8c5de3b20",
  "010100502112a442aa59ffcb32fa3ed8c5de3b20002000080001167fea12d556000100080001376dcb007114802b0008"
  "00010d96cb007101802c000800010d97cb00710280220014436f7475726e2d342e362e312027476f72737427802800"
  "04f078cb4a",
};
static const Captured symmetric_second = {
  "a9619585560b15b1dac90570",
  "010100502112a442a9619585560b15b1dac905700020000800010a29ea12d5560001000800012b3bcb007114802b0008"
  "00010d96cb007102802c000800010d97cb00710280220014436f7475726e2d342e362e312027476f72737427802800"
  "04eda0831b",
};
/* Host A (10.0.1.2:47662) to a coturn with --no-rfc5780. */
static const Captured no_rfc5780 = {
  "9ee2b80c15beab5c587de824",
  "010100442112a4429ee2b80c15beab5c587de8240020000800019b3cea12d548000100080001ba2ecb00710a802b0008"
  "00010da2cb00710180220014436f7475726e2d342e362e312027476f72737427802800045ae69296",
};
/* [::]:59801 to [::1]:3490. */
static const Captured ipv6 = {
  "f28d5892d9510baa86b877b2",
  "010100682112a442f28d5892d9510baa86b877b2002000140002c88b2112a442f28d5892d9510baa86b877b3000100"
  "140002e99900000000000000000000000000000001802b001400020da2000000000000000000000000000000018022"
  "0014436f7475726e2d342e362e312027476f7273742780280004d4f3bda3",
};
/* A request with the unknown comprehension-required attribute 0x0030:
 * 420 Unknown Attribute. */
static const Captured error_420 = {
  "3b5c4afee4a826066c1e9aa6",
  "011100442112a4423b5c4afee4a826066c1e9aa60009001800000414556e6b6e6f776e20417474726962757465000000"
  "000a00020030000080220014436f7475726e2d342e362e312027476f7273742780280004e313e478",
};

static GByteArray *
unhex (const char *hex)
{
  GByteArray *bytes = g_byte_array_new ();
  gsize n = strlen (hex);
  g_assert_cmpuint (n % 2, ==, 0);
  for (gsize i = 0; i < n; i += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));
      g_byte_array_append (bytes, &b, 1);
    }
  return bytes;
}

static ConfabStunStatus
read_captured (const Captured *c, ConfabStunResponse *response)
{
  g_autoptr (GByteArray) id = unhex (c->transaction_id);
  g_autoptr (GByteArray) message = unhex (c->message);
  return confab_stun_read_binding_response (message->data, message->len, id->data, response);
}

static ConfabStunAddress
ipv4 (guint8 a, guint8 b, guint8 c, guint8 d, guint16 port)
{
  ConfabStunAddress address = { 4, { a, b, c, d }, port };
  return address;
}

static void
assert_address (const ConfabStunAddress *got, const ConfabStunAddress *want)
{
  g_assert_cmpuint (got->family, ==, want->family);
  g_assert_cmpmem (got->bytes, sizeof got->bytes, want->bytes, sizeof want->bytes);
  g_assert_cmpuint (got->port, ==, want->port);
}

static void
test_request (void)
{
  /* What the capture script sent, which coturn answered. */
  g_autoptr (GByteArray) id = unhex (cone_first.transaction_id);
  g_autoptr (GByteArray) want = unhex ("000100002112a442f1958a476e792fa0ad271492");
  guint8 request[CONFAB_STUN_HEADER_SIZE];
  confab_stun_write_binding_request (request, id->data);
  g_assert_cmpmem (request, sizeof request, want->data, want->len);
}

static void
test_rfc5780 (void)
{
  ConfabStunResponse r;
  g_assert_cmpint (read_captured (&cone_first, &r), ==, CONFAB_STUN_OK);
  ConfabStunAddress mapped = ipv4 (203, 0, 113, 10, 52857);
  ConfabStunAddress other = ipv4 (203, 0, 113, 2, 3479);
  assert_address (&r.mapped, &mapped);
  g_assert_true (r.has_other);
  assert_address (&r.other, &other);

  g_assert_cmpint (read_captured (&cone_second, &r), ==, CONFAB_STUN_OK);
  /* coturn names its other address's other port here, not 203.0.113.1:
   * the probe asks the second question at the primary port anyway. */
  ConfabStunAddress other_of_second = ipv4 (203, 0, 113, 2, 3479);
  assert_address (&r.mapped, &mapped);
  assert_address (&r.other, &other_of_second);
}

static void
test_no_rfc5780 (void)
{
  ConfabStunResponse r;
  g_assert_cmpint (read_captured (&no_rfc5780, &r), ==, CONFAB_STUN_OK);
  ConfabStunAddress mapped = ipv4 (203, 0, 113, 10, 47662);
  assert_address (&r.mapped, &mapped);
  g_assert_false (r.has_other);
}

static void
test_ipv6 (void)
{
  ConfabStunResponse r;
  g_assert_cmpint (read_captured (&ipv6, &r), ==, CONFAB_STUN_OK);
  ConfabStunAddress mapped = { 6, { [15] = 1 }, 59801 };
  assert_address (&r.mapped, &mapped);
  g_assert_false (r.has_other);
}

static void
test_refused (void)
{
  ConfabStunResponse r;
  g_assert_cmpint (read_captured (&error_420, &r), ==, CONFAB_STUN_ERROR_RESPONSE);
  /* An answer to another request is not ours. */
  Captured other = { cone_second.transaction_id, cone_first.message };
  g_assert_cmpint (read_captured (&other, &r), ==, CONFAB_STUN_OTHER_TRANSACTION);
}

/* The first response, damaged at @offset (hex digits) with @hex. */
static ConfabStunStatus
read_damaged (gsize offset, const char *hex, gsize cut_bytes)
{
  g_autofree char *text = g_strdup (cone_first.message);
  memcpy (text + offset, hex, strlen (hex));
  text[strlen (text) - 2 * cut_bytes] = '\0';
  Captured damaged = { cone_first.transaction_id, text };
  ConfabStunResponse r;
  return read_captured (&damaged, &r);
}

static void
test_damaged (void)
{
  g_assert_cmpint (read_damaged (0, "01", 4), ==, CONFAB_STUN_NOT_STUN);       /* length mismatch */
  g_assert_cmpint (read_damaged (8, "2112a443", 0), ==, CONFAB_STUN_NOT_STUN); /* cookie */
  g_assert_cmpint (read_damaged (0, "c1", 0), ==, CONFAB_STUN_NOT_STUN); /* not STUN's top bits */
  /* XOR-MAPPED-ADDRESS's length 8 -> 0x50: past the end. */
  g_assert_cmpint (read_damaged (44, "0050", 0), ==, CONFAB_STUN_MALFORMED);
  /* Its family 1 -> 3. */
  g_assert_cmpint (read_damaged (50, "03", 0), ==, CONFAB_STUN_MALFORMED);
  /* XOR-MAPPED-ADDRESS and MAPPED-ADDRESS renamed to unknown attributes. */
  g_assert_cmpint (read_damaged (40, "7020", 0), ==, CONFAB_STUN_OK);
  g_autofree char *text = g_strdup (cone_first.message);
  memcpy (text + 40, "7020", 4);
  memcpy (text + 64, "7001", 4);
  Captured unnamed = { cone_first.transaction_id, text };
  ConfabStunResponse r;
  g_assert_cmpint (read_captured (&unnamed, &r), ==, CONFAB_STUN_NO_MAPPED_ADDRESS);
  for (gsize n = 0; n < 20; n++)
    {
      g_autoptr (GByteArray) id = unhex (cone_first.transaction_id);
      g_autoptr (GByteArray) message = unhex (cone_first.message);
      g_assert_cmpint (confab_stun_read_binding_response (message->data, n, id->data, &r), ==,
                       CONFAB_STUN_NOT_STUN);
    }
}

static void
test_classify (void)
{
  ConfabStunResponse first, second;
  ConfabStunAddress local_a = ipv4 (10, 0, 1, 2, 52857);
  ConfabStunAddress local_b = ipv4 (10, 0, 2, 2, 33676);

  g_assert_cmpint (read_captured (&cone_first, &first), ==, CONFAB_STUN_OK);
  g_assert_cmpint (read_captured (&cone_second, &second), ==, CONFAB_STUN_OK);
  g_assert_cmpint (confab_nat_classify (&local_a, &first.mapped, &second.mapped), ==,
                   CONFAB_NAT_TYPE_HOME_ROUTER);
  g_assert_cmpint (confab_nat_classify (&local_a, &first.mapped, NULL), ==,
                   CONFAB_NAT_TYPE_UNKNOWN);
  /* On the router itself the mapped address is the socket's own. */
  g_assert_cmpint (confab_nat_classify (&first.mapped, &first.mapped, &second.mapped), ==,
                   CONFAB_NAT_TYPE_OPEN);

  g_assert_cmpint (read_captured (&symmetric_first, &first), ==, CONFAB_STUN_OK);
  g_assert_cmpint (read_captured (&symmetric_second, &second), ==, CONFAB_STUN_OK);
  g_assert_cmpuint (first.mapped.port, !=, second.mapped.port);
  g_assert_cmpint (confab_nat_classify (&local_b, &first.mapped, &second.mapped), ==,
                   CONFAB_NAT_TYPE_SYMMETRIC);
  g_assert_cmpint (confab_nat_classify (&local_b, NULL, NULL), ==, CONFAB_NAT_TYPE_UDP_BLOCKED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/nat-stun/request", test_request);
  g_test_add_func ("/confab/nat-stun/rfc5780", test_rfc5780);
  g_test_add_func ("/confab/nat-stun/no-rfc5780", test_no_rfc5780);
  g_test_add_func ("/confab/nat-stun/ipv6", test_ipv6);
  g_test_add_func ("/confab/nat-stun/refused", test_refused);
  g_test_add_func ("/confab/nat-stun/damaged", test_damaged);
  g_test_add_func ("/confab/nat-stun/classify", test_classify);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The DTLS-SRTP layer's pure parts, without a network: the short
 * authentication string, the first-byte demultiplexer, fingerprints, and
 * the SRTP key split between a client's and a server's context.
 */
#include "config.h"

#include <string.h>

#include "confab-dtls-certificate-private.h"
#include "confab-dtls-demux-private.h"
#include "confab-dtls-layer.h"
#include "confab-dtls-sas.h"
#include "confab-srtp-context-private.h"

/* 32 bytes counting up, and counting down from 0xFF. */
static char *
fingerprint_counting (gboolean down)
{
  GString *s = g_string_new ("sha-256");
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (s, "%c%02X", i ? ':' : ' ', down ? 255 - i : i);
  return g_string_free (s, FALSE);
}

/* The expected values come from an independent implementation:
 *   import hashlib
 *   a = "sha-256 " + ":".join("%02X" % i for i in range(32))
 *   b = "sha-256 " + ":".join("%02X" % (255 - i) for i in range(32))
 *   d = hashlib.sha256(("confab-sas-1\n" + a + "\n" + b + "\n").encode()).digest()
 *   n = int.from_bytes(d[:4], "big") % 1000000   # -> "290 085"; (b, a) -> "739 617" */
static void
test_sas (void)
{
  g_autofree char *up = fingerprint_counting (FALSE);
  g_autofree char *down = fingerprint_counting (TRUE);
  g_autofree char *sas = confab_dtls_sas (up, down);
  g_autofree char *swapped = confab_dtls_sas (down, up);
  g_assert_cmpstr (sas, ==, "290 085");
  g_assert_cmpstr (swapped, ==, "739 617");

  /* Both ends compute it from (offer, answer): the same inputs give the
   * same string, and a changed fingerprint gives another one. */
  g_autofree char *again = confab_dtls_sas (up, down);
  g_assert_cmpstr (again, ==, sas);
  g_autofree char *changed_fp = g_strdup (down);
  changed_fp[strlen (changed_fp) - 1] = 'F';
  g_autofree char *changed = confab_dtls_sas (up, changed_fp);
  g_assert_cmpstr (changed, !=, sas);
  g_assert_cmpuint (strlen (changed), ==, 7);
  g_assert_cmpint (changed[3], ==, ' ');

  g_assert_null (confab_dtls_sas (NULL, down));
  g_assert_null (confab_dtls_sas (up, ""));
}

static void
test_demux (void)
{
  static const struct
  {
    guint8 bytes[2];
    gsize size;
    ConfabDtlsDemux expected;
  } cases[] = {
    { { 0, 1 }, 20, CONFAB_DTLS_DEMUX_OTHER },      /* STUN */
    { { 19, 0 }, 20, CONFAB_DTLS_DEMUX_OTHER },     /* ZRTP */
    { { 20, 0 }, 20, CONFAB_DTLS_DEMUX_DTLS },      /* change_cipher_spec */
    { { 22, 0xfe }, 20, CONFAB_DTLS_DEMUX_DTLS },   /* handshake */
    { { 63, 0 }, 20, CONFAB_DTLS_DEMUX_DTLS },      /* the last of the range */
    { { 22, 0xfe }, 12, CONFAB_DTLS_DEMUX_OTHER },  /* shorter than a record header */
    { { 64, 0 }, 20, CONFAB_DTLS_DEMUX_OTHER },     /* TURN channel */
    { { 127, 0 }, 20, CONFAB_DTLS_DEMUX_OTHER },    /* nobody's */
    { { 0x80, 111 }, 20, CONFAB_DTLS_DEMUX_RTP },   /* Opus */
    { { 0x90, 0xe0 }, 20, CONFAB_DTLS_DEMUX_RTP },  /* marker, PT 96, extension */
    { { 0x80, 111 }, 11, CONFAB_DTLS_DEMUX_OTHER }, /* shorter than an RTP header */
    { { 0x80, 200 }, 28, CONFAB_DTLS_DEMUX_RTCP },  /* SR */
    { { 0x81, 201 }, 32, CONFAB_DTLS_DEMUX_RTCP },  /* RR */
    { { 0x81, 192 }, 8, CONFAB_DTLS_DEMUX_RTCP },   /* FIR, the lowest */
    { { 0x8f, 223 }, 8, CONFAB_DTLS_DEMUX_RTCP },   /* the highest */
    { { 0x80, 224 }, 12, CONFAB_DTLS_DEMUX_RTP },   /* marker + PT 96 */
    { { 0xbf, 111 }, 12, CONFAB_DTLS_DEMUX_RTP },   /* 191 */
    { { 0xc0, 111 }, 12, CONFAB_DTLS_DEMUX_OTHER }, /* 192: version 3 */
    { { 0xff, 0 }, 12, CONFAB_DTLS_DEMUX_OTHER },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 packet[64] = { cases[i].bytes[0], cases[i].bytes[1] };
      g_assert_cmpint (confab_dtls_demux (packet, cases[i].size), ==, cases[i].expected);
    }
  g_assert_cmpint (confab_dtls_demux (NULL, 0), ==, CONFAB_DTLS_DEMUX_OTHER);

  guint8 hello[20] = { 22, 0xfe, 0xfd };
  hello[13] = 1;
  g_assert_true (confab_dtls_demux_is_client_hello (hello, sizeof hello));
  g_assert_false (confab_dtls_demux_is_client_hello (hello, 13));
  hello[13] = 2; /* ServerHello */
  g_assert_false (confab_dtls_demux_is_client_hello (hello, sizeof hello));
}

/* A fresh certificate's fingerprint is what the SDP parser keeps, parses
 * back to a match, and stops matching when one digit changes. */
static void
test_fingerprint (void)
{
  g_autoptr (GError) error = NULL;
  ConfabDtlsCertificate a, b;
  g_assert_true (confab_dtls_certificate_init (&a, &error));
  g_assert_no_error (error);
  g_assert_true (confab_dtls_certificate_init (&b, &error));

  g_assert_true (g_str_has_prefix (a.fingerprint, "sha-256 "));
  g_assert_cmpuint (strlen (a.fingerprint), ==, strlen ("sha-256 ") + 32 * 3 - 1);
  g_assert_cmpstr (a.fingerprint, !=, b.fingerprint);
  for (const char *p = a.fingerprint + 8; *p; p++)
    g_assert_true (*p == ':' || g_ascii_isdigit (*p) || (*p >= 'A' && *p <= 'F'));

  ConfabDtlsFingerprint parsed;
  g_assert_true (confab_dtls_fingerprint_parse (a.fingerprint, &parsed));
  g_assert_true (confab_dtls_fingerprint_matches (&parsed, a.cert));
  g_assert_false (confab_dtls_fingerprint_matches (&parsed, b.cert));
  /* Lower case and another hash are fingerprints too. */
  g_autofree char *lower = g_ascii_strdown (a.fingerprint, -1);
  g_assert_true (confab_dtls_fingerprint_parse (lower, &parsed));
  g_assert_true (confab_dtls_fingerprint_matches (&parsed, a.cert));
  g_autofree char *sha1 = confab_dtls_fingerprint_of (a.cert, EVP_sha1 ());
  g_assert_true (g_str_has_prefix (sha1, "sha-1 "));
  g_assert_true (confab_dtls_fingerprint_parse (sha1, &parsed));
  g_assert_true (confab_dtls_fingerprint_matches (&parsed, a.cert));

  g_autofree char *changed = g_strdup (a.fingerprint);
  changed[8] = changed[8] == 'A' ? 'B' : 'A';
  g_assert_true (confab_dtls_fingerprint_parse (changed, &parsed));
  g_assert_false (confab_dtls_fingerprint_matches (&parsed, a.cert));

  g_autofree char *truncated = g_strndup (a.fingerprint, strlen (a.fingerprint) - 3);
  g_autofree char *trailing = g_strconcat (a.fingerprint, ":00", NULL);
  g_autofree char *md5 = g_strconcat ("md5", a.fingerprint + 7, NULL);
  const char *bad[]
      = { NULL,      "",
          "sha-256", "sha-256 ",
          truncated, trailing,
          md5,       "sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:3G" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (confab_dtls_fingerprint_parse (bad[i], &parsed));

  confab_dtls_certificate_clear (&a);
  confab_dtls_certificate_clear (&b);
}

/* RTP with Opus's payload type, numbered. */
static gsize
make_rtp (guint8 *out, guint16 seq)
{
  guint8 header[12] = { 0x80, 111, seq >> 8, seq & 0xff, 0, 0, 0x12, 0x34, 0xca, 0xfe, 0xba, 0xbe };
  memcpy (out, header, sizeof header);
  for (guint i = 0; i < 160; i++)
    out[12 + i] = (guint8) (seq + i);
  return 12 + 160;
}

/* The client's outbound keys are the server's inbound ones and the other
 * way round (RFC 5764 section 4.2); a context never accepts its own
 * packets, nor one packet twice, nor a changed one. */
static void
test_srtp_key_split (void)
{
  const char *profiles = confab_srtp_profiles ();
  g_test_message ("SRTP profiles this libsrtp2 does: %s", profiles);
  g_assert_true (strstr (profiles, "SRTP_AES128_CM_SHA1_80") != NULL);

  static const gulong ids[] = { 0x0001, 0x0007 };
  for (guint p = 0; p < G_N_ELEMENTS (ids); p++)
    {
      gsize size = confab_srtp_material_size (ids[p]);
      if (size == 0)
        {
          g_test_message ("profile %lu not available", ids[p]);
          continue;
        }
      g_assert_cmpuint (size, ==, ids[p] == 0x0001 ? 60 : 56);
      guint8 material[64];
      for (guint i = 0; i < size; i++)
        material[i] = (guint8) (i * 7 + 3);
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfabSrtpContext) client
          = confab_srtp_context_new (ids[p], material, size, TRUE, &error);
      g_assert_no_error (error);
      g_autoptr (ConfabSrtpContext) server
          = confab_srtp_context_new (ids[p], material, size, FALSE, &error);
      g_assert_no_error (error);

      guint8 plain[256];
      gsize plain_size = make_rtp (plain, 1);
      gsize wire_size = 0;
      const guint8 *wire
          = confab_srtp_context_protect (client, FALSE, plain, plain_size, &wire_size);
      g_assert_nonnull (wire);
      g_assert_cmpuint (wire_size, ==, plain_size + (ids[p] == 0x0001 ? 10 : 16));
      guint8 copy[300];
      memcpy (copy, wire, wire_size);
      g_assert_cmpmem (copy, 12, plain, 12);
      g_assert_true (memcmp (copy + 12, plain + 12, plain_size - 12) != 0);

      gsize out_size = 0;
      g_assert_null (confab_srtp_context_unprotect (client, FALSE, copy, wire_size, &out_size));
      const guint8 *out = confab_srtp_context_unprotect (server, FALSE, copy, wire_size, &out_size);
      g_assert_nonnull (out);
      g_assert_cmpmem (out, out_size, plain, plain_size);
      /* A replay, and a flipped bit. */
      g_assert_null (confab_srtp_context_unprotect (server, FALSE, copy, wire_size, &out_size));
      plain_size = make_rtp (plain, 2);
      wire = confab_srtp_context_protect (client, FALSE, plain, plain_size, &wire_size);
      memcpy (copy, wire, wire_size);
      copy[20] ^= 1;
      g_assert_null (confab_srtp_context_unprotect (server, FALSE, copy, wire_size, &out_size));

      ConfabSrtpCounts counts;
      confab_srtp_context_get_counts (server, &counts);
      g_assert_cmpuint (counts.packets_unprotected, ==, 1);
      g_assert_cmpuint (counts.unprotect_failures, ==, 2);
      confab_srtp_context_get_counts (client, &counts);
      g_assert_cmpuint (counts.packets_protected, ==, 2);
      g_assert_cmpuint (counts.unprotect_failures, ==, 1);
    }

  g_autoptr (GError) error = NULL;
  guint8 material[60] = { 0 };
  g_assert_null (confab_srtp_context_new (0x0002, material, sizeof material, TRUE, &error));
  g_assert_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_SRTP);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/transport/dtls/sas", test_sas);
  g_test_add_func ("/confab/transport/dtls/demux", test_demux);
  g_test_add_func ("/confab/transport/dtls/fingerprint", test_fingerprint);
  g_test_add_func ("/confab/transport/dtls/srtp-key-split", test_srtp_key_split);
  return g_test_run ();
}

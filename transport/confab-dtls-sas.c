/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-dtls-sas.h"

#include <string.h>

char *
confab_dtls_sas (const char *offer_fingerprint, const char *answer_fingerprint)
{
  if (!offer_fingerprint || !*offer_fingerprint || !answer_fingerprint || !*answer_fingerprint)
    return NULL;

  g_autofree char *input
      = g_strconcat ("confab-sas-1\n", offer_fingerprint, "\n", answer_fingerprint, "\n", NULL);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) input, strlen (input));
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_checksum_get_digest (checksum, digest, &digest_len);

  guint32 n = ((guint32) digest[0] << 24 | (guint32) digest[1] << 16 | (guint32) digest[2] << 8
               | digest[3])
              % 1000000;
  return g_strdup_printf ("%03u %03u", n / 1000, n % 1000);
}

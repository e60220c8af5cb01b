/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * confab-impair: the path simulator of --netsim (transport/confab-netsim.h)
 * on real IP packets, for peers that cannot be given --netsim (a browser).
 * It runs in a "wire" network namespace between two hosts, owns a TUN
 * device there, and the namespace's policy routing hands it every packet
 * the hosts send each other (tests/loss/losslab.sh builds that); each
 * packet goes back into the TUN device after its direction's model has
 * lost, delayed or queued it, and the kernel forwards it on.
 *
 * Each direction is a packet path of its own, a ConfabNetsim above a
 * ConfabPacketTap: A to B goes down (the netsim's stream 0), B to A goes
 * up (its stream 1), so one seed gives the two directions different loss.
 * A packet belongs to A to B when its IPv4 source is in --a-net;
 * anything that is not IPv4 passes unimpaired.
 *
 *   confab-impair --tun NAME --a-net 10.0.1.0/24 --a-to-b SPEC [--b-to-a SPEC]
 *                 [--stats FILE]
 *
 * --b-to-a defaults to --a-to-b. --stats is rewritten every second and at
 * exit (SIGTERM, SIGINT) with what each direction passed and lost.
 */
#include "config.h"

#include "confab-netsim.h"
#include "confab-packet-path.h"
#include "confab-packet-tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_PACKET 65536

typedef struct
{
  int fd;
  guint32 a_net; /* host order */
  guint32 a_mask;
  ConfabNetsim *netsim[2]; /* A to B, B to A */
  ConfabPacketPath *path[2];
  ConfabPacketTap *bottom[2];
  guint64 passed_through; /* not IPv4 */
  char *stats_path;
  GMainLoop *loop;
} Impair;

static int
tun_open (const char *name, GError **error)
{
  struct ifreq ifr = { 0 };
  int fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "/dev/net/tun: %s",
                   g_strerror (errno));
      return -1;
    }
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  g_strlcpy (ifr.ifr_name, name, IFNAMSIZ);
  if (ioctl (fd, TUNSETIFF, &ifr) < 0 || !g_unix_set_fd_nonblocking (fd, TRUE, NULL))
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "TUNSETIFF %s: %s", name,
                   g_strerror (errno));
      close (fd);
      return -1;
    }
  return fd;
}

/* A full TUN queue drops the packet, as a full link would. */
static void
tun_write (Impair *self, const guint8 *data, gsize size)
{
  if (write (self->fd, data, size) < 0 && errno != EAGAIN)
    g_warning ("writing to the TUN device: %s", g_strerror (errno));
}

static void
on_a_to_b_out (gboolean sent, GBytes *packet, gpointer user_data)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (packet, &size);

  if (sent)
    tun_write (user_data, data, size);
}

static void
on_b_to_a_out (const guint8 *data, gsize size, gpointer user_data)
{
  tun_write (user_data, data, size);
}

static gboolean
parse_net (const char *text, guint32 *net, guint32 *mask)
{
  g_auto (GStrv) parts = g_strsplit (text, "/", 2);
  struct in_addr addr;
  guint64 bits = 32;

  if (inet_pton (AF_INET, parts[0], &addr) != 1)
    return FALSE;
  if (parts[1] && !g_ascii_string_to_unsigned (parts[1], 10, 0, 32, &bits, NULL))
    return FALSE;
  *mask = bits ? G_MAXUINT32 << (32 - bits) : 0;
  *net = ntohl (addr.s_addr) & *mask;
  return TRUE;
}

static void
handle (Impair *self, const guint8 *data, gsize size)
{
  guint32 source;

  if (size < 20 || data[0] >> 4 != 4)
    {
      self->passed_through++;
      tun_write (self, data, size);
      return;
    }
  memcpy (&source, data + 12, 4);
  if ((ntohl (source) & self->a_mask) == self->a_net)
    confab_packet_path_send (self->path[0], data, size);
  else
    confab_packet_layer_deliver_up (CONFAB_PACKET_LAYER (self->bottom[1]), data, size);
}

static gboolean
on_tun_readable (int fd, GIOCondition condition, gpointer user_data)
{
  Impair *self = user_data;
  static guint8 buffer[MAX_PACKET];

  for (;;)
    {
      gssize n = read (fd, buffer, sizeof buffer);
      if (n > 0)
        handle (self, buffer, n);
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        return G_SOURCE_CONTINUE;
      else
        {
          g_printerr ("confab-impair: the TUN device went away: %s\n",
                      n < 0 ? g_strerror (errno) : "end of file");
          g_main_loop_quit (self->loop);
          return G_SOURCE_REMOVE;
        }
    }
}

static void
append_direction (GString *out, const char *name, const ConfabNetsimDirectionStats *s,
                  const ConfabNetsimSpec *spec)
{
  g_autofree char *text = confab_netsim_spec_to_string (spec);
  guint64 offered = s->passed + s->lost + s->overrun;

  g_string_append_printf (out,
                          "  \"%s\": {\"spec\": \"%s\", \"offered\": %" G_GUINT64_FORMAT
                          ", \"passed\": %" G_GUINT64_FORMAT ", \"lost\": %" G_GUINT64_FORMAT
                          ", \"overrun\": %" G_GUINT64_FORMAT
                          ", \"bytes_passed\": %" G_GUINT64_FORMAT
                          ", \"loss_pct\": %.2f, \"mean_delay_ms\": %.2f}",
                          name, text, offered, s->passed, s->lost, s->overrun, s->bytes_passed,
                          offered ? 100.0 * (s->lost + s->overrun) / offered : 0.0,
                          s->passed ? s->delay_sum_us / 1000.0 / s->passed : 0.0);
}

static void
write_stats (Impair *self)
{
  ConfabNetsimStats ab, ba;
  ConfabNetsimSpec spec_ab, spec_ba;
  g_autoptr (GString) out = g_string_new ("{\n");
  g_autoptr (GError) error = NULL;

  if (!self->stats_path)
    return;
  confab_netsim_get_stats (self->netsim[0], &ab);
  confab_netsim_get_stats (self->netsim[1], &ba);
  confab_netsim_get_spec (self->netsim[0], &spec_ab);
  confab_netsim_get_spec (self->netsim[1], &spec_ba);
  append_direction (out, "a_to_b", &ab.sent, &spec_ab);
  g_string_append (out, ",\n");
  append_direction (out, "b_to_a", &ba.received, &spec_ba);
  g_string_append_printf (out, ",\n  \"not_ipv4\": %" G_GUINT64_FORMAT "\n}\n",
                          self->passed_through);
  if (!g_file_set_contents (self->stats_path, out->str, out->len, &error))
    g_printerr ("confab-impair: %s\n", error->message);
}

static gboolean
on_stats_tick (gpointer user_data)
{
  write_stats (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Impair *self = user_data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_spec (const char *what, const char *text, ConfabNetsimSpec *spec)
{
  g_autoptr (GError) error = NULL;

  confab_netsim_spec_init (spec);
  if (confab_netsim_spec_parse (text, spec, &error))
    return TRUE;
  g_printerr ("confab-impair: %s: %s\n", what, error->message);
  return FALSE;
}

int
main (int argc, char **argv)
{
  g_autofree char *tun = NULL, *a_net = NULL, *a_to_b = NULL, *b_to_a = NULL;
  Impair self = { .fd = -1 };
  ConfabNetsimSpec specs[2];
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "tun", 0, 0, G_OPTION_ARG_STRING, &tun, "TUN device to create", "NAME" },
    { "a-net", 0, 0, G_OPTION_ARG_STRING, &a_net, "Host A's addresses", "NET/BITS" },
    { "a-to-b", 0, 0, G_OPTION_ARG_STRING, &a_to_b, "Impairment from A to B", "SPEC" },
    { "b-to-a", 0, 0, G_OPTION_ARG_STRING, &b_to_a, "Impairment from B to A", "SPEC" },
    { "stats", 0, 0, G_OPTION_ARG_FILENAME, &self.stats_path, "JSON stats file", "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- impair IP packets on a TUN device");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("confab-impair: %s\n", error->message);
      return 2;
    }
  if (!tun || !a_net || !a_to_b)
    {
      g_printerr ("confab-impair: --tun, --a-net and --a-to-b are required\n");
      return 2;
    }
  if (!parse_net (a_net, &self.a_net, &self.a_mask))
    {
      g_printerr ("confab-impair: --a-net: \"%s\" is not NET/BITS\n", a_net);
      return 2;
    }
  if (!parse_spec ("--a-to-b", a_to_b, &specs[0])
      || !parse_spec ("--b-to-a", b_to_a ? b_to_a : a_to_b, &specs[1]))
    return 2;

  self.fd = tun_open (tun, &error);
  if (self.fd < 0)
    {
      g_printerr ("confab-impair: %s\n", error->message);
      return 1;
    }
  for (guint d = 0; d < 2; d++)
    {
      self.netsim[d] = confab_netsim_new (&specs[d]);
      self.bottom[d] = confab_packet_tap_new ();
      self.path[d] = confab_packet_path_new (CONFAB_PACKET_LAYER (self.bottom[d]));
      confab_packet_path_push (self.path[d], CONFAB_PACKET_LAYER (self.netsim[d]));
    }
  confab_packet_tap_set_func (self.bottom[0], on_a_to_b_out, &self, NULL);
  confab_packet_path_set_deliver_func (self.path[1], on_b_to_a_out, &self, NULL);

  self.loop = g_main_loop_new (NULL, FALSE);
  g_unix_fd_add_full (G_PRIORITY_HIGH, self.fd, G_IO_IN, on_tun_readable, &self, NULL);
  g_timeout_add_seconds (1, on_stats_tick, &self);
  g_unix_signal_add (SIGTERM, on_quit_signal, &self);
  g_unix_signal_add (SIGINT, on_quit_signal, &self);
  write_stats (&self);
  printf ("ready %s\n", tun);
  fflush (stdout);
  g_main_loop_run (self.loop);

  write_stats (&self);
  for (guint d = 0; d < 2; d++)
    {
      confab_packet_path_close (self.path[d]);
      g_object_unref (self.path[d]);
      g_object_unref (self.netsim[d]);
      g_object_unref (self.bottom[d]);
    }
  g_main_loop_unref (self.loop);
  close (self.fd);
  g_free (self.stats_path);
  return 0;
}

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The loss lab: two hosts in network namespaces with a "wire" namespace
# between them, where confab-impair (tools/confab-impair/) loses, delays
# and queues every packet the hosts send each other, seeded and per
# direction, with the --netsim engine. This kernel may have no netem; a
# TUN device and policy routing do the same job: in the wire namespace,
# whatever arrives from a host's link is routed into the TUN device (table
# 100), confab-impair reads it, impairs it and writes it back, and the
# kernel forwards it to the other host by the main table. Needs root, ip
# (iproute2) and /dev/net/tun.
#
#   losslab.sh up ID DIR IMPAIR-BINARY SPEC-A-TO-B [SPEC-B-TO-A]
#       DIR gets impair.json (each direction's counts, every second) and
#       impair.log. SPEC as --netsim's: loss=10%,delay=10ms,seed=3
#   losslab.sh down ID        stop confab-impair and remove everything
#   losslab.sh reap           remove crashed runs' labs
#   losslab.sh exec ID a|b|w COMMAND...
#
# ID is confab-loss-PID-WORD, PID the owner's, so that `reap` knows a lab
# whose owner died. Addresses: host A 10.0.1.2/24 (wire side 10.0.1.1),
# host B 10.0.2.2/24 (wire side 10.0.2.1); no NAT, no other route.
set -eu

die() {
  echo "losslab: $*" >&2
  exit 1
}

ns() {
  echo "$ID-$1"
}

# sysctl -w in namespace $1.
set_ns() {
  n=$(ns "$1")
  shift
  ip netns exec "$n" sysctl -q -w "$@"
}

new_ns() {
  ip netns add "$(ns "$1")"
  ip -n "$(ns "$1")" link set lo up
  # IPv4 only: the impairment is decided by IPv4 source address.
  set_ns "$1" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

up() {
  [ $# -ge 3 ] || die "usage: losslab.sh up ID DIR IMPAIR-BINARY SPEC-A-TO-B [SPEC-B-TO-A]"
  dir=$1
  impair=$2
  ab=$3
  ba=${4:-$3}
  [ -c /dev/net/tun ] || die "/dev/net/tun is missing"
  [ -x "$impair" ] || die "$impair is not built"
  trap 'down' EXIT

  new_ns a
  new_ns b
  new_ns w
  ip -n "$(ns w)" link add to-a type veth peer name eth0 netns "$(ns a)"
  ip -n "$(ns w)" link add to-b type veth peer name eth0 netns "$(ns b)"
  for h in a b; do
    ip -n "$(ns w)" link set "to-$h" up
    ip -n "$(ns "$h")" link set eth0 up
  done
  ip -n "$(ns w)" addr add 10.0.1.1/24 dev to-a
  ip -n "$(ns w)" addr add 10.0.2.1/24 dev to-b
  ip -n "$(ns a)" addr add 10.0.1.2/24 dev eth0
  ip -n "$(ns b)" addr add 10.0.2.2/24 dev eth0
  ip -n "$(ns a)" route add default via 10.0.1.1
  ip -n "$(ns b)" route add default via 10.0.2.1
  # Packets come back from the TUN device with the hosts' source
  # addresses: reverse-path filtering would drop them.
  set_ns w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0

  # setsid: a signal for the test's process group must not skip our
  # cleanup; `down` ends it by the namespace's pids.
  setsid ip netns exec "$(ns w)" "$impair" --tun tun0 --a-net 10.0.1.0/24 --a-to-b "$ab" \
    --b-to-a "$ba" --stats "$dir/impair.json" >"$dir/impair.log" 2>&1 </dev/null &
  i=0
  until grep -q '^ready' "$dir/impair.log" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || die "confab-impair did not start in 5 s: $(cat "$dir/impair.log")"
    sleep 0.05
  done
  set_ns w net.ipv4.conf.tun0.rp_filter=0
  ip -n "$(ns w)" link set tun0 up
  ip -n "$(ns w)" route add default dev tun0 table 100
  ip -n "$(ns w)" rule add iif to-a lookup 100
  ip -n "$(ns w)" rule add iif to-b lookup 100
  trap - EXIT
}

# Removes the namespaces named on standard input: confab-impair first gets
# SIGTERM (it writes its last counts), then whatever is left is killed.
remove() {
  names=$(cat)
  [ -n "$names" ] || return 0
  for sig in TERM KILL; do
    for name in $names; do
      pids=$(ip netns pids "$name" 2>/dev/null || true)
      # shellcheck disable=SC2086
      [ -z "$pids" ] || kill -$sig $pids 2>/dev/null || true
    done
    [ $sig = KILL ] || sleep 0.2
  done
  for name in $names; do ip netns del "$name" 2>/dev/null || true; done
}

labs() {
  ip netns list 2>/dev/null | sed -n 's/^\(confab-loss-[0-9]*-[^ ]*\)-[abw]\( .*\)\?$/\1/p' | sort -u
}

down() {
  for n in a b w; do
    [ ! -e "/run/netns/$(ns "$n")" ] || ns "$n"
  done | remove
}

# The labs whose owner process is gone.
reap() {
  for lab in $(labs); do
    pid=${lab#confab-loss-}
    kill -0 "${pid%%-*}" 2>/dev/null || printf '%s-a\n%s-b\n%s-w\n' "$lab" "$lab" "$lab"
  done | remove
}

exec_in() {
  [ $# -ge 2 ] || die "usage: losslab.sh exec ID NAMESPACE COMMAND..."
  n=$(ns "$1")
  shift
  exec ip netns exec "$n" "$@"
}

cmd=${1:-}
[ $# -eq 0 ] || shift
[ "$cmd" = reap ] && action=reap || {
  case $cmd in
  up | down) action=$cmd ;;
  exec) action=exec_in ;;
  *) die "usage: losslab.sh up|down|reap|exec ..." ;;
  esac
  ID=${1:-}
  [ $# -eq 0 ] || shift
  # The owner's PID in the ID lets `reap` find a dead owner's lab.
  expr "$ID" : 'confab-loss-[0-9][0-9]*-.' >/dev/null || die "ID must look like confab-loss-PID-WORD, not \"$ID\""
}
"$action" "$@"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The NAT lab: two hosts, each behind its own NAT router, and an "internet"
# segment whose one server runs coturn, all in network namespaces on this
# machine. Needs root, ip (iproute2), iptables, turnserver (coturn), openssl.
#
#   natlab.sh up ID KIND_A KIND_B [--turn-host-unroutable]
#       KIND: lan (host B sits on host A's LAN, no router between them; give
#       it as KIND_A and KIND_B), cone, symmetric, udp-blocked, https-only.
#       --turn-host-unroutable: the coturn host has no default route, so
#       sending to a private address fails at once (ENETUNREACH).
#   natlab.sh coturn ID DIR [COTURN-OPTION...]   CA, certificate, coturn
#       (e.g. --denied-peer-ip=10.0.0.0-10.255.255.255 for a hardened one);
#       DIR gets ca.pem, coturn's state and its log, turn.log.
#   natlab.sh down ID                            stop and remove everything
#   natlab.sh reap                               remove crashed runs' labs
#   natlab.sh exec ID a|b|ra|rb|inet COMMAND...  run a command in a namespace
#
# ID is confab-nat-PID-WORD, PID the owner's: names no two runs share, and
# `reap` knows a lab whose owner died. Addresses:
#   internet 203.0.113.0/24 (outside the private ranges: coturn refuses to
#   relay to private peers): coturn host .1 (and .2, its second address for
#   RFC 5780's NAT behaviour discovery), router A .10, router B .20;
#   every internet node's default route goes to .254, a neighbour that never
#   answers, so packets to anywhere else vanish as on a real host.
#   LAN A 10.0.1.0/24 (router .1, host A .2, and host B .3 for `lan`),
#   LAN B 10.0.2.0/24 (router .1, host B .2).
set -eu

VOID_IP=203.0.113.254
VOID_MAC=02:00:5e:00:53:fe # nobody has it

die() {
  echo "natlab: $*" >&2
  exit 1
}

ns() {
  echo "$ID-$1"
}

in_ns() {
  n=$1
  shift
  ip netns exec "$(ns "$n")" "$@"
}

check_id() {
  case $ID in
  confab-nat-[0-9]*-*) ;;
  *) die "ID must look like confab-nat-PID-WORD, not \"$ID\"" ;;
  esac
}

new_ns() {
  ip netns add "$(ns "$1")"
  in_ns "$1" ip link set lo up
}

# A veth from namespace $1 (named $2) to namespace $3 (named $4), made
# inside them so that no name is ever taken in this namespace.
link() {
  ip -n "$(ns "$1")" link add "$2" type veth peer name "$4" netns "$(ns "$3")"
  ip -n "$(ns "$1")" link set "$2" up
  ip -n "$(ns "$3")" link set "$4" up
}

# A bridge $2 in namespace $1 that only switches: where br_netfilter is
# loaded, bridged frames would otherwise meet the router's FORWARD policy.
bridge() {
  in_ns "$1" ip link add "$2" type bridge
  in_ns "$1" ip link set "$2" up
  if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
    in_ns "$1" sysctl -q -w net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0
  fi
}

void_route() {
  in_ns "$1" ip neigh replace "$VOID_IP" lladdr "$VOID_MAC" nud permanent dev "$2"
  in_ns "$1" ip route add default via "$VOID_IP" dev "$2"
}

# The router kinds. Every kind drops unsolicited inbound packets before
# conntrack confirms them: a remembered inbound packet (the peer's check
# arriving first) would take the tuple of our later outgoing mapping, and
# MASQUERADE would pick another port, turning a cone router symmetric.
router_rules() {
  r=$1
  kind=$2
  ipt() { in_ns "$r" iptables -w "$@"; }
  in_ns "$r" sysctl -q -w net.ipv4.ip_forward=1
  ipt -t mangle -A PREROUTING -i wan -m conntrack --ctstate NEW,INVALID -j DROP
  ipt -P FORWARD DROP
  ipt -A FORWARD -i wan -o lan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  case $kind in
  cone)
    # Endpoint-independent mapping (MASQUERADE keeps the source port when
    # it can), address-and-port-dependent filtering (only replies get in).
    ipt -A FORWARD -i lan -o wan -j ACCEPT
    ipt -t nat -A POSTROUTING -o wan -j MASQUERADE
    ;;
  symmetric)
    ipt -A FORWARD -i lan -o wan -j ACCEPT
    ipt -t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully
    ;;
  udp-blocked)
    ipt -A FORWARD -i lan -o wan -p udp -j DROP
    ipt -A FORWARD -i lan -o wan -j ACCEPT
    ipt -t nat -A POSTROUTING -o wan -j MASQUERADE
    ;;
  https-only)
    ipt -A FORWARD -i lan -o wan -p tcp --dport 443 -j ACCEPT
    ipt -t nat -A POSTROUTING -o wan -j MASQUERADE
    ;;
  *) die "unknown router kind \"$kind\"" ;;
  esac
}

# Router $1 (ra or rb) on the internet at $2, its LAN $3.0/24 to host $4.
router() {
  r=$1
  new_ns "$r"
  link inet "p-$r" "$r" wan
  in_ns inet ip link set "p-$r" master br0
  in_ns "$r" ip addr add "$2/24" dev wan
  void_route "$r" wan
}

host() {
  h=$1
  new_ns "$h"
  in_ns "$h" ip addr add "$2/24" dev eth0
  in_ns "$h" ip route add default via "$3"
}

up() {
  [ $# -ge 2 ] || die "usage: natlab.sh up ID KIND_A KIND_B [--turn-host-unroutable]"
  kind_a=$1
  kind_b=$2
  unroutable=
  [ "${3:-}" = --turn-host-unroutable ] && unroutable=1
  trap 'down' EXIT

  new_ns inet
  bridge inet br0
  in_ns inet ip addr add 203.0.113.1/24 dev br0
  # coturn's second address, for RFC 5780 (used when given --listening-ip=203.0.113.2)
  in_ns inet ip addr add 203.0.113.2/24 dev br0
  [ -n "$unroutable" ] || void_route inet br0

  if [ "$kind_a" = lan ]; then
    [ "$kind_b" = lan ] || die "lan is for both hosts"
    router ra 203.0.113.10
    bridge ra lan
    in_ns ra ip addr add 10.0.1.1/24 dev lan
    for h in a b; do
      new_ns "$h"
      link ra "l-$h" "$h" eth0
      in_ns ra ip link set "l-$h" master lan
    done
    in_ns a ip addr add 10.0.1.2/24 dev eth0
    in_ns b ip addr add 10.0.1.3/24 dev eth0
    for h in a b; do in_ns "$h" ip route add default via 10.0.1.1; done
    router_rules ra cone
  else
    router ra 203.0.113.10
    router rb 203.0.113.20
    new_ns a
    new_ns b
    link ra lan a eth0
    link rb lan b eth0
    in_ns ra ip addr add 10.0.1.1/24 dev lan
    in_ns rb ip addr add 10.0.2.1/24 dev lan
    in_ns a ip addr add 10.0.1.2/24 dev eth0
    in_ns b ip addr add 10.0.2.2/24 dev eth0
    in_ns a ip route add default via 10.0.1.1
    in_ns b ip route add default via 10.0.2.1
    router_rules ra "$kind_a"
    router_rules rb "$kind_b"
  fi
  trap - EXIT
}

# A CA and a certificate for 203.0.113.1 (and turn.lab.test) in $1.
certificates() {
  d=$1
  [ -f "$d/server.pem" ] && return
  cat >"$d/server.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:turn.lab.test, IP:203.0.113.1
EOF
  (
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout ca.key -out ca.pem -days 2 -subj "/CN=Confab NAT Lab CA" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout server.key -out server.csr -subj "/CN=turn.lab.test" 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2 \
      -extfile server.ext -out server.pem 2>/dev/null
  ) || die "openssl could not make the lab's certificates"
}

listening() {
  in_ns inet ss -Hltn "sport = :$1" | grep -q LISTEN
}

# coturn on the coturn host: STUN and TURN on UDP/TCP 3478, TLS on 443,
# long-term credentials alice:secret in realm lab.test, so no open relay.
coturn() {
  [ $# -ge 1 ] || die "usage: natlab.sh coturn ID DIR [COTURN-OPTION...]"
  d=$1
  shift
  certificates "$d"
  # setsid: a signal for the test's process group must not skip our
  # cleanup; `down` ends coturn by the namespace's pids.
  setsid ip netns exec "$(ns inet)" turnserver -n --listening-ip=203.0.113.1 \
    --relay-ip=203.0.113.1 --listening-port=3478 --tls-listening-port=443 \
    --cert="$d/server.pem" --pkey="$d/server.key" --user=alice:secret --realm=lab.test \
    --lt-cred-mech --fingerprint --verbose --no-dtls --no-cli --min-port=49152 --max-port=49999 \
    --pidfile="$d/turn.pid" --userdb="$d/turn.db" --log-file="$d/turn.log" --simple-log \
    "$@" >"$d/turn.out" 2>&1 </dev/null &
  i=0
  until listening 3478 && listening 443; do
    i=$((i + 1))
    [ $i -lt 100 ] || die "coturn did not listen on 3478 and 443 in 5 s (see $d/turn.log)"
    sleep 0.05
  done
}

down() {
  for n in a b ra rb inet; do
    name=$(ns "$n")
    [ -e "/run/netns/$name" ] || continue
    pids=$(ip netns pids "$name" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    ip netns del "$name" 2>/dev/null || true
  done
}

reap() {
  for name in $(ip netns list 2>/dev/null | sed -n 's/^\(confab-nat-[0-9]*-[^ ]*\)-[a-z]*\( .*\)\?$/\1/p' | sort -u); do
    pid=${name#confab-nat-}
    pid=${pid%%-*}
    if ! kill -0 "$pid" 2>/dev/null; then
      ID=$name
      down
    fi
  done
}

[ $# -ge 1 ] || die "usage: natlab.sh up|coturn|down|reap|exec ..."
cmd=$1
shift
case $cmd in
reap) reap ;;
up | coturn | down | exec)
  [ $# -ge 1 ] || die "$cmd needs an ID"
  ID=$1
  shift
  check_id
  case $cmd in
  exec)
    [ $# -ge 2 ] || die "usage: natlab.sh exec ID NAMESPACE COMMAND..."
    n=$1
    shift
    exec ip netns exec "$(ns "$n")" "$@"
    ;;
  *) "$cmd" "$@" ;;
  esac
  ;;
*) die "unknown command \"$cmd\"" ;;
esac

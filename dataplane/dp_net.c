/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_net.c: Ethernet (and 802.1Q), ARP, IPv4, IPv6 with Neighbour
 * Discovery, ICMP/ICMPv6 echo and the path MTU messages, IP reassembly,
 * and the TX side: neighbour lookup, Ethernet header, TX staging.
 *
 * Everything here runs on one engine and touches only that engine's state.
 * Neighbour entries learnt by one engine are copied to the others through
 * their mailboxes, so each engine resolves without locks.
 */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_random.h>
#include <rte_sctp.h>

#include "dp.h"
#include "dp_addr.h"
#include "sctp_crc32c.h"

#define ICMP6_DST_UNREACH 1
#define ICMP6_PTB         2
#define ICMP6_PARAM_PROB  4
#define ICMP6_ECHO_REQ    128
#define ICMP6_ECHO_REP    129
#define ICMP6_NS          135
#define ICMP6_NA          136
/* Neighbour Discovery's message types, Router Solicitation to Redirect (RFC 4861 4). */
#define ND_TYPE_FIRST   133
#define ND_TYPE_LAST    137
#define ND_OPT_SRC_LL   1
#define ND_OPT_TGT_LL   2
#define IPPROTO_SCTP_   132
#define IPPROTO_ICMPV6_ 58
#define NEIGH_RETRY_NS  (1000ULL * 1000 * 1000)
#define NEIGH_TRIES     3

/* A solicited-node multicast address is this prefix and the low 24 bits
 * of the address solicited (RFC 4291 2.7.1). */
static const uint8_t snm_prefix[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};

/* Carried through a mailbox: a neighbour learnt by another engine. */
struct mb_neigh {
    struct sctp_addr ip;
    struct rte_ether_addr mac;
    uint16_t port;
    bool confirmed;   /* see neigh_learn() */
    bool no_override; /* an NA without Override: see neigh_no_override() */
};

/* Carried through a mailbox: an ICMP report for every engine (icmp_report). */
/* What the core needs of an ICMP quote: the SCTP common header and, for
 * a zero tag, the INIT chunk's Initiate Tag. */
#define ICMP_QUOTE 20

struct mb_icmp {
    struct sctp_addr peer;
    uint16_t local_port, peer_port;
    uint32_t mtu;
    uint8_t kind; /* enum dp_icmp_kind */
    uint8_t quote_len;
    uint8_t quote[ICMP_QUOTE];
};

static inline void drop(struct dp_engine *e, uint16_t port, struct rte_mbuf *m, enum dp_drop why)
{
    e->pst[port].drops[why]++;
    rte_pktmbuf_free(m);
}

uint32_t dp_l2_len(uint16_t port)
{
    return dp.ports[port].vlan != 0 ? RTE_ETHER_HDR_LEN + 4 : RTE_ETHER_HDR_LEN;
}

bool dp_addr_is_local(const struct sctp_addr *a, uint16_t port)
{
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        if (dp.conf.addrs[i].port == port && sctp_addr_equal(&dp.conf.addrs[i].addr, a))
            return true;
    }
    return false;
}

static bool v6_unspecified(const uint8_t *a)
{
    static const uint8_t zero[16];

    return memcmp(a, zero, 16) == 0;
}

/*
 * A source address no peer can have: multicast, broadcast (limited, or the
 * subnet broadcast of one of our addresses), unspecified, loopback, or one
 * of our own addresses. RFC 9260 8.4 rule 1: such a packet is silently
 * discarded (no INIT ACK, no ABORT); it gets no ICMP answer either
 * (RFC 1122 3.2.2.6, RFC 4443 2.4). For IPv4 the whole of 0/8 ("this
 * network") and 240/4 (reserved, 255.255.255.255 included) count too.
 */
static bool src_bad(const struct sctp_addr *s)
{
    const uint8_t *a = s->addr;

    if (s->family == SCTP_AF_INET) {
        uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
        if (a[0] == 0 || a[0] == 127 || a[0] >= 224)
            return true;
        for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
            const struct dp_addr_conf *ac = &dp.conf.addrs[i];
            const uint8_t *l = ac->addr.addr;
            uint32_t host;
            if (ac->addr.family != SCTP_AF_INET || ac->prefix > 30)
                continue; /* /31 and /32 have no broadcast address */
            host = UINT32_MAX >> ac->prefix;
            if (v ==
                (((uint32_t)l[0] << 24 | (uint32_t)l[1] << 16 | (uint32_t)l[2] << 8 | l[3]) | host))
                return true;
        }
    } else {
        static const uint8_t loopback[16] = {[15] = 1};
        if (a[0] == 0xff || v6_unspecified(a) || memcmp(a, loopback, 16) == 0)
            return true;
    }
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        if (sctp_addr_equal(&dp.conf.addrs[i].addr, s))
            return true;
    }
    return false;
}

static const struct sctp_addr *local_of(uint16_t port, uint8_t family)
{
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        if (dp.conf.addrs[i].port == port && dp.conf.addrs[i].addr.family == family)
            return &dp.conf.addrs[i].addr;
    }
    return NULL;
}

static int onlink_port(const struct sctp_addr *dst, int prefer)
{
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        const struct dp_addr_conf *ac = &dp.conf.addrs[i];
        if ((prefer < 0 || ac->port == prefer) && dp_prefix_match(&ac->addr, dst, ac->prefix))
            return ac->port;
    }
    return -1;
}

/* The most specific route to dst (--route, --gateway); among routes of
 * one prefix length, the one whose gateway is on port prefer. */
static const struct dp_route_conf *route_lookup(const struct sctp_addr *dst, int prefer)
{
    const struct dp_route_conf *best = NULL;

    for (unsigned i = 0; i < dp.conf.n_routes; i++) {
        const struct dp_route_conf *r = &dp.conf.routes[i];
        if (!dp_prefix_match(&r->dst, dst, r->prefix))
            continue;
        if (best == NULL || r->prefix > best->prefix ||
            (r->prefix == best->prefix && r->port == prefer && best->port != prefer))
            best = r;
    }
    return best;
}

int dp_route(const struct sctp_addr *src, const struct sctp_addr *dst, uint16_t *port,
             struct sctp_addr *nexthop)
{
    int prefer = -1, p;

    if (src != NULL) {
        for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
            if (sctp_addr_equal(&dp.conf.addrs[i].addr, src))
                prefer = dp.conf.addrs[i].port;
        }
    }
    p = prefer >= 0 ? onlink_port(dst, prefer) : -1;
    if (p < 0)
        p = onlink_port(dst, -1);
    if (p >= 0) {
        *port = (uint16_t)p;
        *nexthop = *dst;
        return 0;
    }
    const struct dp_route_conf *r = route_lookup(dst, prefer);
    if (r == NULL)
        return -1;
    *port = r->port;
    *nexthop = r->gw;
    return 0;
}

static bool v6_link_local(const struct sctp_addr *a)
{
    return a->family == SCTP_AF_INET6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80;
}

/* The source for dst on port: of the port's addresses of dst's family,
 * one of dst's scope first (RFC 6724 rule 2: no link-local source for a
 * global destination, as with a link-local gateway), then one on
 * near's subnet (the next hop, or dst itself), then the first. */
static bool port_src(uint16_t port, const struct sctp_addr *dst, const struct sctp_addr *near,
                     struct sctp_addr *src)
{
    const struct sctp_addr *best = NULL;
    int best_score = -1;
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        const struct dp_addr_conf *ac = &dp.conf.addrs[i];
        if (ac->port != port || ac->addr.family != dst->family)
            continue;
        int score = (v6_link_local(&ac->addr) == v6_link_local(dst) ? 2 : 0) +
                    (dp_prefix_match(&ac->addr, near, ac->prefix) ? 1 : 0);
        if (score > best_score) {
            best = &ac->addr;
            best_score = score;
        }
    }
    if (best == NULL)
        return false;
    *src = *best;
    return true;
}

bool dp_pick_src(const struct sctp_addr *dst, struct sctp_addr *src)
{
    uint16_t port;
    struct sctp_addr nh;

    if (dp_route(NULL, dst, &port, &nh) < 0)
        return false;
    return port_src(port, dst, &nh, src);
}

/* ------------------------------------------------------------------ */
/* TX staging                                                          */

/* A TX queue that takes nothing for this long has no one behind it (a
 * memif peer gone, a link down): what waits for it is dropped, not held
 * for good. */
#define TX_STUCK_NS (100ULL * 1000 * 1000)

void dp_tx_flush(struct dp_engine *e)
{
    for (unsigned p = 0; p < dp.n_ports; p++) {
        uint16_t n = e->tx_n[p], sent;

        if (n == 0)
            continue;
        sent = rte_eth_tx_burst(dp.ports[p].port_id, e->index, e->tx_buf[p], n);
        e->pst[p].tx_packets += sent;
        if (sent > 0) {
            e->tx_stuck_since[p] = 0;
        } else if (e->tx_stuck_since[p] == 0) {
            e->tx_stuck_since[p] = e->now;
        } else if (e->now - e->tx_stuck_since[p] >= TX_STUCK_NS) {
            for (uint16_t i = 0; i < n; i++) {
                /* Counted in tx_bytes when staged: it never left. */
                e->pst[p].tx_bytes -= e->tx_buf[p][i]->pkt_len;
                drop(e, (uint16_t)p, e->tx_buf[p][i], DP_DROP_TX_STUCK);
            }
            e->tx_n[p] = 0;
            e->tx_stuck_since[p] = 0;
            continue;
        }
        if (sent < n) {
            /* Keep the rest for the next round: dropping here would cost
             * an SCTP retransmission timeout. */
            memmove(&e->tx_buf[p][0], &e->tx_buf[p][sent], (n - sent) * sizeof(void *));
        }
        e->tx_n[p] = n - sent;
    }
}

void dp_tx_enqueue(struct dp_engine *e, uint16_t port, struct rte_mbuf *m)
{
    if (e->tx_n[port] == DP_BURST) {
        dp_tx_flush(e);
        if (e->tx_n[port] == DP_BURST) {
            /* The queue is stuck: give it a few more tries, then drop. */
            for (unsigned i = 0; i < 64 && e->tx_n[port] == DP_BURST; i++)
                dp_tx_flush(e);
            if (e->tx_n[port] == DP_BURST) {
                drop(e, port, m, DP_DROP_TX_FULL);
                return;
            }
        }
    }
    e->pst[port].tx_bytes += m->pkt_len;
    e->tx_buf[port][e->tx_n[port]++] = m;
}

/* ------------------------------------------------------------------ */
/* Neighbours                                                          */

static unsigned neigh_hash(const struct sctp_addr *a)
{
    uint32_t h = 2166136261u;
    unsigned n = a->family == SCTP_AF_INET ? 4 : 16;

    for (unsigned i = 0; i < n; i++)
        h = (h ^ a->addr[i]) * 16777619u;
    return h % DP_NEIGH_ENTRIES;
}

static struct dp_neigh *neigh_find(struct dp_engine *e, const struct sctp_addr *a, bool create)
{
    unsigned h = neigh_hash(a);
    struct dp_neigh *free_slot = NULL;

    for (unsigned i = 0; i < DP_NEIGH_ENTRIES; i++) {
        struct dp_neigh *n = &e->neigh[(h + i) % DP_NEIGH_ENTRIES];
        if (n->state == 0) {
            if (free_slot == NULL)
                free_slot = n;
            /* Entries are never moved, so keep probing only while slots
             * are in use; a free slot ends the chain. */
            break;
        }
        if (sctp_addr_equal(&n->ip, a))
            return n;
    }
    if (!create)
        return NULL;
    if (free_slot == NULL) {
        /* Full: of the 32 slots from the home one, the one our traffic
         * used least recently (one only learnt from a host's ARP or NS,
         * never used, first): a host that fills the table with
         * addresses of a large subnet takes the slots of its own
         * entries, not those of the peers and gateways in use. */
        free_slot = &e->neigh[h];
        for (unsigned i = 1; i < 32; i++) {
            struct dp_neigh *c = &e->neigh[(h + i) % DP_NEIGH_ENTRIES];
            if (c->used_ns < free_slot->used_ns)
                free_slot = c;
        }
        for (unsigned k = 0; k < free_slot->n_hold; k++)
            rte_pktmbuf_free(free_slot->hold[k]);
    }
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->ip = *a;
    return free_slot;
}

static bool neigh_solicit(struct dp_engine *e, uint16_t port, const struct sctp_addr *target,
                          const struct rte_ether_addr *unicast);

/*
 * Records ip -> mac and sends what was waiting for it: what an ARP
 * packet or a Neighbour Discovery message tells of ip's link-layer
 * address. confirmed: it proves that ip hears us (an answer to
 * our request: a solicited advertisement, an ARP reply sent to us), and
 * the entry is reachable for neigh_timeout_ms. Otherwise (a solicitation,
 * an unsolicited advertisement, an ARP request or a broadcast reply) it
 * only names the address: RFC 4861 7.2.3, 7.2.5 and 7.3.3 leave a known
 * entry with that address as it is, and make a new or changed one STALE,
 * here an entry past its expiry, used at once and checked after a DELAY
 * unless traffic confirms it. Otherwise a host that asks for us now and
 * then would keep its entry reachable for good, never checked.
 */
static void neigh_learn(struct dp_engine *e, const struct sctp_addr *ip,
                        const struct rte_ether_addr *mac, uint16_t port, bool create,
                        bool confirmed)
{
    struct dp_neigh *n = neigh_find(e, ip, create);

    if (n == NULL)
        return;
    if (!confirmed && n->state == 2 && n->port == port && rte_is_same_ether_addr(&n->mac, mac))
        return;
    n->mac = *mac;
    n->port = port;
    n->state = 2;
    n->tries = 0;
    n->nud = DP_NUD_REACHABLE;
    n->expire_ns = confirmed ? e->now + (uint64_t)dp.conf.neigh_timeout_ms * 1000000ULL : e->now;
    for (unsigned k = 0; k < n->n_hold; k++) {
        struct rte_mbuf *m = n->hold[k];
        struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
        eh->dst_addr = *mac;
        dp_tx_enqueue(e, port, m);
    }
    n->n_hold = 0;
}

/* Learnt here: tell the other engines. */
static void neigh_share(struct dp_engine *e, const struct sctp_addr *ip,
                        const struct rte_ether_addr *mac, uint16_t port, bool confirmed,
                        bool no_override)
{
    for (unsigned j = 0; j < dp.n_engines; j++) {
        struct rte_mbuf *m;
        struct mb_neigh *mn;

        if (j == e->index)
            continue;
        m = rte_pktmbuf_alloc(e->pool);
        if (m == NULL)
            return;
        mn = (struct mb_neigh *)rte_pktmbuf_append(m, sizeof(*mn));
        mn->ip = *ip;
        mn->mac = *mac;
        mn->port = port;
        mn->confirmed = confirmed;
        mn->no_override = no_override;
        dp_mailbox_send(e, j, m, DP_MB_NEIGH);
    }
}

bool dp_neigh_confirm(struct dp_engine *e, uint16_t port, const struct sctp_addr *nh)
{
    struct dp_neigh *n = e->neigh_last;

    if (n == NULL || n->state == 0 || !sctp_addr_equal(&n->ip, nh))
        n = neigh_find(e, nh, false);
    /* RFC 4861 7.3.3: a confirmation from an upper layer makes an entry
     * REACHABLE from any of its states with a link-layer address (the
     * traffic that made progress went to it); an incomplete one has
     * none to confirm. */
    if (n == NULL || n->state != 2 || n->port != port)
        return false;
    uint64_t timeout_ns = (uint64_t)dp.conf.neigh_timeout_ms * 1000000ULL;
    n->nud = DP_NUD_REACHABLE;
    n->tries = 0;
    n->expire_ns = e->now + timeout_ns;
    e->pst[port].neigh_confirmed_upper++;
    /* The other engines use the same neighbour (stateless answers, their
     * own associations through the same next hop): the confirmation goes
     * to them too, at most once per half lifetime, so that their entries
     * stay reachable while this one's do and are not probed apart. */
    if (dp.n_engines > 1 && (n->shared_ns == 0 || e->now - n->shared_ns >= timeout_ns / 2)) {
        n->shared_ns = e->now;
        neigh_share(e, &n->ip, &n->mac, port, true, false);
        e->pst[port].neigh_confirm_shared++;
    }
    return true;
}

/* ip is on the subnet of one of our addresses on port. */
static bool onlink_on(const struct sctp_addr *ip, uint16_t port)
{
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        const struct dp_addr_conf *ac = &dp.conf.addrs[i];
        if (ac->port == port && dp_prefix_match(&ac->addr, ip, ac->prefix))
            return true;
    }
    return false;
}

static void learn_and_share(struct dp_engine *e, const struct sctp_addr *ip,
                            const struct rte_ether_addr *mac, uint16_t port, bool create,
                            bool confirmed)
{
    /* Only a neighbour of that port's subnets, as that port sees it: an
     * ARP or NA on another port naming an address of this one (a host
     * there, or an attacker) must not move the entry there, nor can a
     * host fill the cache with addresses from anywhere. */
    if (!onlink_on(ip, port))
        return;
    struct dp_neigh *n = neigh_find(e, ip, false);
    bool known = n != NULL && n->state == 2 && rte_is_same_ether_addr(&n->mac, mac);

    if (n == NULL && !create)
        return;
    neigh_learn(e, ip, mac, port, create, confirmed);
    /* Share new or changed entries, and refreshes now and then. */
    if (dp.n_engines > 1 && (!known || create || confirmed))
        neigh_share(e, ip, mac, port, confirmed, false);
}

/* RFC 4861 7.2.5: an advertisement without the Override flag does not
 * replace a link-layer address already known; it makes a reachable
 * entry STALE (past its lifetime here: the next use checks it, after a
 * DELAY), and is otherwise ignored. */
static void neigh_no_override(struct dp_engine *e, const struct sctp_addr *ip,
                              const struct rte_ether_addr *mac)
{
    struct dp_neigh *n = neigh_find(e, ip, false);
    if (n != NULL && n->state == 2 && !rte_is_same_ether_addr(&n->mac, mac) &&
        n->nud == DP_NUD_REACHABLE && n->expire_ns > e->now)
        n->expire_ns = e->now;
}

static void eth_fill(struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *dst,
                     uint16_t ethertype)
{
    struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
    const struct dp_port *p = &dp.ports[port];

    eh->dst_addr = *dst;
    eh->src_addr = p->mac;
    if (p->vlan != 0) {
        struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);
        eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
        vh->vlan_tci = rte_cpu_to_be_16(p->vlan);
        vh->eth_proto = rte_cpu_to_be_16(ethertype);
    } else {
        eh->ether_type = rte_cpu_to_be_16(ethertype);
    }
}

void dp_net_output(struct dp_engine *e, struct rte_mbuf *m, uint8_t family, uint16_t port,
                   const struct sctp_addr *nh)
{
    struct dp_neigh *n;
    uint16_t et = family == SCTP_AF_INET ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;

    n = e->neigh_last;
    if (n == NULL || n->state == 0 || !sctp_addr_equal(&n->ip, nh)) {
        n = neigh_find(e, nh, true);
        e->neigh_last = n;
    }
    n->used_ns = e->now;
    if (n->state == 2 && n->port == port) {
        if (unlikely(n->expire_ns <= e->now) && n->nud == DP_NUD_REACHABLE) {
            /* Past its expiry (STALE) and used: traffic goes on to the
             * address known, and for neigh_delay_ms nothing is asked
             * (RFC 4861 7.3.3 DELAY; RFC 1122 2.3.2.1): an association
             * through it that makes progress confirms it meanwhile
             * (dp_neigh_confirm), so a busy neighbour is never probed.
             * Holding traffic for a new resolution instead would drop
             * what does not fit the hold, every neigh_timeout_ms, from
             * a neighbour that is there. dp_net_timers() probes it by
             * unicast after the delay, and after NEIGH_TRIES unanswered
             * requests resolves it anew. */
            n->nud = DP_NUD_DELAY;
            n->expire_ns = e->now + (uint64_t)dp.conf.neigh_delay_ms * 1000000ULL;
            e->pst[port].neigh_delay++;
        }
        eth_fill(m, port, &n->mac, et);
        dp_tx_enqueue(e, port, m);
        return;
    }
    eth_fill(m, port, &(struct rte_ether_addr){{0}}, et);
    if (n->state != 1 || n->port != port) {
        /* New, expired, or known on another port than the route's:
         * start resolving on the route's. */
        n->state = 1;
        n->tries = 1;
        n->nud = DP_NUD_REACHABLE;
        n->port = port;
        n->expire_ns = e->now + NEIGH_RETRY_NS;
        neigh_solicit(e, port, nh, NULL);
    }
    if (n->n_hold == DP_NEIGH_HOLD) {
        drop(e, port, m, DP_DROP_NEIGH);
        return;
    }
    n->hold[n->n_hold++] = m;
}

/* Frees what the reassembly library put on the death row, counted as
 * drops on the port each fragment came in on (frag_input leaves our port
 * index in m->port): one per mbuf freed, so a set of fragments the library
 * had already chained counts each of them. */
static void icmp_error(struct dp_engine *e, const struct rte_mbuf *m, uint16_t port, uint32_t l2,
                       bool v6, uint8_t type, uint8_t code, uint32_t param);
static bool l2_multicast(const struct rte_mbuf *m);

/* RFC 1122 3.2.2, RFC 4443 2.4 e.1: no ICMP error is sent about an ICMP
 * error. Whether the datagram in m carries one: its header named nh
 * starts at off (IPv6: past the extension headers, as far as they are
 * in m). The ICMP errors are Destination Unreachable (3), Source Quench
 * (4), Redirect (5), Time Exceeded (11) and Parameter Problem (12) (RFC
 * 1122 3.2.2); ICMPv6 errors are the types below 128 (RFC 4443 2.1). */
static bool icmp_error_inside(const struct rte_mbuf *m, uint32_t off, uint8_t nh, bool v6)
{
    const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
    uint32_t len = rte_pktmbuf_data_len(m);

    for (unsigned hops = 0; v6 && hops < 8 && off + 2 <= len; hops++) {
        if (nh == 0 || nh == 43 || nh == 60) {
            nh = p[off];
            off += (p[off + 1] + 1u) * 8;
        } else if (nh == 44) {
            nh = p[off];
            off += 8;
        } else {
            break;
        }
    }
    if (off >= len)
        return false;
    if (v6)
        return nh == IPPROTO_ICMPV6_ && p[off] < 128;
    return nh == IPPROTO_ICMP && ((p[off] >= 3 && p[off] <= 5) || p[off] == 11 || p[off] == 12);
}

/*
 * Hop-by-Hop, Destination Options or a Routing header with no segments
 * left in front of an IPv6 Fragment header (an SRv6 final destination's),
 * unfrag bytes, checked already. The reassembly library wants the
 * Fragment header right after the IPv6 header, so they are taken out of
 * frame m (l2 bytes of L2 header); the datagram goes up without them.
 *
 * A first fragment is quoted whole should its datagram time out (RFC
 * 4443 3.3: as much of the invoking packet as fits), so it keeps them
 * when its headroom has the room (kept set, dp_rx_unfrag_flag):
 *
 *   [taken bytes][stale][proto][len16][frame without them]
 *   ^ o - unfrag  ^ o                  ^ data (o + unfrag)
 *
 * o is where the frame started; proto is the IPv6 header's Next Header
 * as it came, len16 unfrag (both in the bytes the header left behind,
 * unfrag >= 8 of them). frag6_unstrip() puts it back.
 */
static void frag6_strip(struct rte_mbuf *m, uint32_t l2, uint32_t unfrag, bool first)
{
    uint8_t *o = rte_pktmbuf_mtod(m, uint8_t *);
    struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(o + l2);
    uint8_t proto = ip6->proto;
    bool keep = first && dp_rx_unfrag_flag != 0 && unfrag <= UINT16_MAX &&
                rte_pktmbuf_headroom(m) >= unfrag;

    if (keep)
        memcpy(o - unfrag, o + l2 + sizeof(*ip6), unfrag);
    ip6->proto = 44;
    ip6->payload_len = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip6->payload_len) - unfrag));
    memmove(o + unfrag, o, l2 + sizeof(*ip6));
    rte_pktmbuf_adj(m, (uint16_t)unfrag);
    if (keep) {
        uint16_t len16 = (uint16_t)unfrag;
        o[unfrag - 3] = proto;
        memcpy(o + unfrag - 2, &len16, 2);
        m->ol_flags |= dp_rx_unfrag_flag;
    }
}

/* Puts back what frag6_strip() took out of first fragment m and kept. */
static void frag6_unstrip(struct rte_mbuf *m, uint32_t l2)
{
    uint8_t *c = rte_pktmbuf_mtod(m, uint8_t *);
    uint16_t unfrag;

    memcpy(&unfrag, c - 2, 2);
    uint8_t proto = c[-3];
    if (unfrag < 8 || rte_pktmbuf_headroom(m) < 2u * unfrag)
        return;
    uint8_t *o = (uint8_t *)rte_pktmbuf_prepend(m, unfrag);
    memmove(o, c, l2 + sizeof(struct rte_ipv6_hdr));
    memcpy(o + l2 + sizeof(struct rte_ipv6_hdr), o - unfrag, unfrag);
    struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(o + l2);
    ip6->proto = proto;
    ip6->payload_len = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip6->payload_len) + unfrag));
    m->ol_flags &= ~dp_rx_unfrag_flag;
}

/* RFC 1122 3.3.2, RFC 8200 4.5: the first fragment (offset 0) of a
 * datagram whose reassembly timed out gets an ICMP Time Exceeded,
 * "fragment reassembly time exceeded" (code 1), to its source: IPv4 type
 * 11, IPv6 type 3. m as the library keeps it: the frame, with l2_len and
 * l3_len (the fragment header included over IPv6) set by
 * frag_reassemble(). Its addresses were checked before it was taken. */
static void frag_time_exceeded(struct dp_engine *e, struct rte_mbuf *m)
{
    uint16_t port = m->port;
    const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
    bool v6 = (ip[0] >> 4) == 6;

    if (port >= dp.n_ports || rte_pktmbuf_data_len(m) < m->l2_len + m->l3_len || l2_multicast(m))
        return;
    if (v6) {
        const uint8_t *fh = ip + sizeof(struct rte_ipv6_hdr);
        if (ip[24] == 0xff || (fh[2] << 8 | (fh[3] & 0xf8)) != 0 ||
            icmp_error_inside(m, m->l2_len + m->l3_len, fh[0], true))
            return;
        /* Quoted as it came, with the headers taken out for reassembly. */
        if (m->ol_flags & dp_rx_unfrag_flag)
            frag6_unstrip(m, m->l2_len);
    } else if ((rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)ip)->fragment_offset) &
                RTE_IPV4_HDR_OFFSET_MASK) != 0 ||
               icmp_error_inside(m, m->l2_len + m->l3_len, ip[9], false)) {
        return;
    }
    icmp_error(e, m, port, m->l2_len, v6, v6 ? 3 : 11, 1, 0);
}

static void frag_free_dead(struct dp_engine *e, enum dp_drop why)
{
    struct rte_ip_frag_death_row *dr = &e->death_row;

    for (uint32_t i = 0; i < dr->cnt; i++) {
        struct rte_mbuf *m = dr->row[i];
        if (why == DP_DROP_FRAG_EXPIRED)
            frag_time_exceeded(e, m);
        e->pst[m->port < dp.n_ports ? m->port : 0].drops[why] += m->nb_segs;
    }
    rte_ip_frag_free_death_row(dr, 0);
}

/* Drops the fragments of every datagram older than frag_ttl_ms. One call
 * of the library moves at most what the death row holds (at least
 * RTE_IP_FRAG_DEATH_ROW_LEN datagrams), hence the rounds. */
static void frag_expire(struct dp_engine *e, uint64_t tms)
{
    unsigned rounds = dp.conf.frag_max_flows / RTE_IP_FRAG_DEATH_ROW_LEN + 1;

    dp_frag_track_expire(&e->frag_track, tms);
    for (unsigned i = 0; i < rounds; i++) {
        rte_ip_frag_table_del_expired_entries(e->frag_tbl, &e->death_row, tms);
        if (e->death_row.cnt == 0)
            return;
        frag_free_dead(e, DP_DROP_FRAG_EXPIRED);
    }
}

static void announce_rounds(struct dp_engine *e);
static void mld_timers(struct dp_engine *e);
static bool v6_for_us(const uint8_t *d, uint16_t port);
static int addr_ours(const struct sctp_addr *a);
static bool mac_ours(const struct rte_ether_addr *mac);
static void claimed(struct dp_engine *e, uint16_t port, int k, const struct rte_ether_addr *who);

void dp_net_timers(struct dp_engine *e)
{
    mld_timers(e); /* the groups joined before DAD probes for them (RFC 4862 5.4.2) */
    announce_rounds(e);
    for (unsigned i = 0; i < DP_NEIGH_ENTRIES; i++) {
        struct dp_neigh *n = &e->neigh[i];

        if (n->state == 2 && n->nud != DP_NUD_REACHABLE && n->expire_ns <= e->now) {
            if (n->nud == DP_NUD_DELAY || n->tries < NEIGH_TRIES) {
                /* RFC 4861 7.3.3: DELAY over without a confirmation,
                 * PROBE: a request to the address known (RFC 1122
                 * 2.3.2.1 unicast poll), every NEIGH_RETRY_NS; an
                 * answer, or SCTP's progress, makes it reachable. */
                n->tries = n->nud == DP_NUD_DELAY ? 1 : n->tries + 1;
                n->nud = DP_NUD_PROBE;
                n->expire_ns = e->now + NEIGH_RETRY_NS;
                if (neigh_solicit(e, n->port, &n->ip, &n->mac))
                    e->pst[n->port].tx_neigh_probe++;
                continue;
            }
            /* No answer to NEIGH_TRIES unicast requests: gone from that
             * address; resolve anew (traffic waits from now on). */
            n->nud = DP_NUD_REACHABLE;
            n->state = 1;
            n->tries = 1;
            n->expire_ns = e->now + NEIGH_RETRY_NS;
            neigh_solicit(e, n->port, &n->ip, NULL);
            continue;
        }
        if (n->state != 1 || n->expire_ns > e->now)
            continue;
        if (n->tries >= NEIGH_TRIES) {
            /* RFC 1122 2.3.2.2 / RFC 4861 7.3.3: give up, drop what waited. */
            for (unsigned k = 0; k < n->n_hold; k++)
                drop(e, n->port, n->hold[k], DP_DROP_NEIGH);
            n->n_hold = 0;
            n->tries = 0;
            n->expire_ns = e->now; /* stays incomplete: next send retries */
            n->state = 3;          /* failed: a send starts a new round */
            continue;
        }
        n->tries++;
        n->expire_ns = e->now + NEIGH_RETRY_NS;
        neigh_solicit(e, n->port, &n->ip, NULL);
    }
    if (e->frag_tbl != NULL)
        frag_expire(e, rte_rdtsc());
}

/* ------------------------------------------------------------------ */
/* ARP                                                                 */

static struct rte_mbuf *alloc_l2(struct dp_engine *e, uint16_t port, uint32_t l3_bytes)
{
    struct rte_mbuf *m = rte_pktmbuf_alloc(e->pool);

    if (m == NULL) {
        e->pst[port].drops[DP_DROP_NOMBUF]++;
        return NULL;
    }
    if (rte_pktmbuf_append(m, dp_l2_len(port) + l3_bytes) == NULL) {
        rte_pktmbuf_free(m);
        return NULL;
    }
    return m;
}

/* A broadcast ARP request from our address sip for tip (sip == tip: an
 * announcement, RFC 5227 3). False if no mbuf could be had. */
static bool arp_send_request(struct dp_engine *e, uint16_t port, const struct sctp_addr *sip,
                             const struct sctp_addr *tip, const struct rte_ether_addr *unicast)
{
    static const struct rte_ether_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    struct rte_mbuf *m = alloc_l2(e, port, sizeof(struct rte_arp_hdr));
    struct rte_arp_hdr *ah;

    if (m == NULL)
        return false;
    eth_fill(m, port, unicast != NULL ? unicast : &bcast, RTE_ETHER_TYPE_ARP);
    ah = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, dp_l2_len(port));
    ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
    ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    ah->arp_hlen = RTE_ETHER_ADDR_LEN;
    ah->arp_plen = 4;
    ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
    ah->arp_data.arp_sha = dp.ports[port].mac;
    memcpy(&ah->arp_data.arp_sip, sip->addr, 4);
    memset(&ah->arp_data.arp_tha, 0, sizeof(ah->arp_data.arp_tha));
    memcpy(&ah->arp_data.arp_tip, tip->addr, 4);
    e->pst[port].tx_arp++;
    dp_tx_enqueue(e, port, m);
    return true;
}

/*
 * Our address on port to solicit target from (an ARP request, a
 * Neighbour Solicitation), with several on the port: one on the
 * target's subnet, else the port's first of the family. A host learns
 * the sender from the request (RFC 826, RFC 4861 7.2.3) and may ignore
 * one whose sender address is not on its subnets (Linux's rp_filter and
 * arp_ignore do), and an NA answers the NS's source (RFC 4861 7.2.4),
 * which the target must then reach on the link. For a link-local IPv6
 * target, our link-local address: the one address the target surely
 * has on-link (RFC 4291 2.5.6). RFC 4861 7.2.2 allows any address of
 * the interface; the one dp_pick_src() gives the prompting packet is
 * chosen by the same scope and subnet.
 */
static const struct sctp_addr *solicit_src(uint16_t port, const struct sctp_addr *target)
{
    bool ll = v6_link_local(target);

    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        const struct dp_addr_conf *ac = &dp.conf.addrs[i];
        if (ac->port != port || ac->addr.family != target->family)
            continue;
        if (ll ? v6_link_local(&ac->addr)
               : !v6_link_local(&ac->addr) && dp_prefix_match(&ac->addr, target, ac->prefix))
            return &ac->addr;
    }
    return local_of(port, target->family);
}

/* A broadcast request, or one to unicast only (a neighbour known). */
static bool arp_request(struct dp_engine *e, uint16_t port, const struct sctp_addr *target,
                        const struct rte_ether_addr *unicast)
{
    const struct sctp_addr *src = solicit_src(port, target);

    return src != NULL && arp_send_request(e, port, src, target, unicast);
}

static void arp_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2)
{
    struct rte_arp_hdr *ah;
    struct sctp_addr sip = {.family = SCTP_AF_INET}, tip = {.family = SCTP_AF_INET};
    bool for_us;

    if (rte_pktmbuf_data_len(m) < l2 + sizeof(*ah)) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    ah = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, l2);
    if (ah->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
        ah->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) || ah->arp_hlen != 6 ||
        ah->arp_plen != 4) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    e->pst[port].rx_arp++;
    memcpy(sip.addr, &ah->arp_data.arp_sip, 4);
    memcpy(tip.addr, &ah->arp_data.arp_tip, 4);
    int k = addr_ours(&sip);
    if (k >= 0) {
        /* Our address as the sender: another host's (a conflict), or a
         * frame of ours come back. Never learnt, never answered. */
        claimed(e, port, k, &ah->arp_data.arp_sha);
        rte_pktmbuf_free(m);
        return;
    }
    for_us = dp_addr_is_local(&tip, port);
    /* Another host probing for one of our addresses while we check it
     * (RFC 5227 2.1.1): it is a conflict then; later, the request is
     * answered, which defends the address. */
    if (ah->arp_data.arp_sip == 0 && for_us && dp.conf.addr_check && e->now < dp.dad_until_ns &&
        !mac_ours(&ah->arp_data.arp_sha)) {
        claimed(e, port, addr_ours(&tip), &ah->arp_data.arp_sha);
        rte_pktmbuf_free(m);
        return;
    }
    /* RFC 826: update a known sender; add it if the request is for us.
     * Only a reply sent to us answers a request of ours (neigh_learn). */
    bool answer = for_us && ah->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY) &&
                  rte_is_same_ether_addr(&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr,
                                         &dp.ports[port].mac);
    if (ah->arp_data.arp_sip != 0 && !rte_is_multicast_ether_addr(&ah->arp_data.arp_sha))
        learn_and_share(e, &sip, &ah->arp_data.arp_sha, port, for_us, answer);
    if (!for_us) {
        drop(e, port, m, DP_DROP_L3_NOT_OURS);
        return;
    }
    if (ah->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST)) {
        rte_pktmbuf_free(m);
        return;
    }
    /* Answer in place. */
    ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
    ah->arp_data.arp_tha = ah->arp_data.arp_sha;
    ah->arp_data.arp_tip = ah->arp_data.arp_sip;
    ah->arp_data.arp_sha = dp.ports[port].mac;
    memcpy(&ah->arp_data.arp_sip, tip.addr, 4);
    rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (l2 + sizeof(*ah)));
    eth_fill(m, port, &ah->arp_data.arp_tha, RTE_ETHER_TYPE_ARP);
    m->ol_flags = 0;
    e->pst[port].tx_arp++;
    dp_tx_enqueue(e, port, m);
}

/* ------------------------------------------------------------------ */
/* IPv6 Neighbour Discovery (RFC 4861)                                 */

static void solicited_node(const uint8_t *target, uint8_t *ip, struct rte_ether_addr *mac)
{
    memcpy(ip, snm_prefix, sizeof(snm_prefix));
    memcpy(ip + 13, target + 13, 3);
    mac->addr_bytes[0] = 0x33;
    mac->addr_bytes[1] = 0x33;
    memcpy(&mac->addr_bytes[2], ip + 12, 4);
}

static void icmp6_send(struct dp_engine *e, struct rte_mbuf *m, uint16_t port,
                       const struct rte_ether_addr *dmac, uint32_t icmp_len)
{
    uint32_t l2 = dp_l2_len(port);
    struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);
    struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip6 + 1);

    ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
    ip6->payload_len = rte_cpu_to_be_16(icmp_len);
    ip6->proto = IPPROTO_ICMPV6_;
    ic->icmp_cksum = 0;
    ic->icmp_cksum = rte_ipv6_udptcp_cksum(ip6, ic);
    eth_fill(m, port, dmac, RTE_ETHER_TYPE_IPV6);
    m->ol_flags = 0;
    dp_tx_enqueue(e, port, m);
}

/* ---- ICMP errors (RFC 1122 3.2.2, RFC 4443, RFC 8200 4) ---- */

/* At most 10 in a row, then icmp_error_rate per second (RFC 4443 2.4 f:
 * a token bucket, here as the time the next one is due). */
#define ICMP_ERR_BURST 10

static bool icmp_err_allowed(struct dp_engine *e, uint16_t port)
{
    uint32_t rate = dp.conf.icmp_error_rate;
    if (rate == 0)
        return false;
    if (!dp_bucket_take(&e->icmp_err_tat_ns, e->now, 1000000000ull / rate, ICMP_ERR_BURST)) {
        e->pst[port].icmp_error_limited++;
        return false;
    }
    return true;
}

/*
 * An ICMP error about the datagram in m, whose IP header starts at l2:
 * from the address it was sent to, to its source, out of the port it came
 * in on and to the frame's source MAC (its sender, or the router it came
 * through). It quotes as much of the datagram as keeps the error within
 * 576 bytes (IPv4, RFC 1812 4.3.2.3) or 1280 (IPv6, RFC 4443 2.4 c).
 * param: the 32 bits after the checksum (a Parameter Problem's pointer).
 * The callers have made sure the datagram was unicast to one of our
 * addresses from a valid unicast source, in a unicast frame, is whole (no
 * fragment of one) and is not itself an ICMP error (RFC 1122 3.2.2, RFC
 * 4443 2.4 e). m stays the caller's.
 */
static void icmp_error(struct dp_engine *e, const struct rte_mbuf *m, uint16_t port, uint32_t l2,
                       bool v6, uint8_t type, uint8_t code, uint32_t param)
{
    uint32_t hl = v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
    uint32_t quote = rte_pktmbuf_pkt_len(m) - l2;
    if (quote > (v6 ? 1280u : 576u) - hl - 8)
        quote = (v6 ? 1280u : 576u) - hl - 8;
    if (!icmp_err_allowed(e, port))
        return;
    struct rte_mbuf *n = alloc_l2(e, port, hl + 8 + quote);
    if (n == NULL)
        return;
    uint32_t nl2 = dp_l2_len(port);
    uint8_t *ic = rte_pktmbuf_mtod_offset(n, uint8_t *, nl2 + hl);
    const uint8_t *orig = rte_pktmbuf_mtod_offset(m, const uint8_t *, l2);
    const struct rte_ether_addr *smac =
        &rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->src_addr;
    uint32_t be_param = rte_cpu_to_be_32(param);
    ic[0] = type;
    ic[1] = code;
    ic[2] = ic[3] = 0;
    memcpy(ic + 4, &be_param, 4);
    const void *q = rte_pktmbuf_read(m, l2, quote, ic + 8);
    if (q != ic + 8)
        memcpy(ic + 8, q, quote);
    e->pst[port].tx_icmp_error++;
    if (v6) {
        struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(n, struct rte_ipv6_hdr *, nl2);
        memcpy(ip6->src_addr, orig + 24, 16);
        memcpy(ip6->dst_addr, orig + 8, 16);
        ip6->hop_limits = 64;
        icmp6_send(e, n, port, smac, 8 + quote);
        return;
    }
    struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(n, struct rte_ipv4_hdr *, nl2);
    memset(ip, 0, sizeof(*ip));
    ip->version_ihl = 0x45;
    ip->total_length = rte_cpu_to_be_16((uint16_t)(hl + 8 + quote));
    /* DF clear (a router may cut it), so an identification of its own
     * (RFC 791, RFC 6864 4.1). */
    ip->packet_id = rte_cpu_to_be_16((uint16_t)e->frag_id++);
    ip->time_to_live = 64;
    ip->next_proto_id = IPPROTO_ICMP;
    memcpy(&ip->src_addr, orig + 16, 4);
    memcpy(&ip->dst_addr, orig + 12, 4);
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    uint16_t c = (uint16_t)~rte_raw_cksum(ic, 8 + quote);
    memcpy(ic + 2, &c, 2);
    eth_fill(n, port, smac, RTE_ETHER_TYPE_IPV4);
    n->ol_flags = 0;
    dp_tx_enqueue(e, port, n);
}

/* Writes and sends a Neighbour Solicitation for target from src: to
 * target's solicited-node multicast address, or to target itself at
 * unicast. src NULL: from the unspecified address, without the source
 * link-layer option, for duplicate address detection (RFC 4862 5.4.2).
 * False if no mbuf could be had. */
static bool nd_send_ns(struct dp_engine *e, uint16_t port, const struct sctp_addr *src,
                       const struct sctp_addr *target, const struct rte_ether_addr *unicast)
{
    struct rte_ipv6_hdr *ip6;
    struct rte_ether_addr dmac;
    const uint32_t icmp_len = 8 + 16 + (src != NULL ? 8 : 0);
    struct rte_mbuf *m = alloc_l2(e, port, sizeof(*ip6) + icmp_len);

    if (m == NULL)
        return false;
    ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, dp_l2_len(port));
    uint8_t *icmp = (uint8_t *)(ip6 + 1);
    if (src != NULL)
        memcpy(ip6->src_addr, src->addr, 16);
    else
        memset(ip6->src_addr, 0, 16);
    if (unicast != NULL) {
        memcpy(ip6->dst_addr, target->addr, 16);
        dmac = *unicast;
    } else {
        solicited_node(target->addr, ip6->dst_addr, &dmac);
    }
    ip6->hop_limits = 255;
    memset(icmp, 0, icmp_len);
    icmp[0] = ICMP6_NS;
    memcpy(icmp + 8, target->addr, 16);
    if (src != NULL) {
        icmp[24] = ND_OPT_SRC_LL;
        icmp[25] = 1;
        memcpy(icmp + 26, &dp.ports[port].mac, 6);
    }
    e->pst[port].tx_nd++;
    icmp6_send(e, m, port, &dmac, icmp_len);
    return true;
}

/* A Neighbour Solicitation to target's solicited-node multicast address
 * or, to confirm a neighbour known at unicast, to target itself there
 * (RFC 4861 7.2.2, 7.3.3). */
static bool nd_solicit(struct dp_engine *e, uint16_t port, const struct sctp_addr *target,
                       const struct rte_ether_addr *unicast)
{
    const struct sctp_addr *src = solicit_src(port, target);

    return src != NULL && nd_send_ns(e, port, src, target, unicast);
}

/* Whether the request went (no mbuf, no source address: it did not). */
static bool neigh_solicit(struct dp_engine *e, uint16_t port, const struct sctp_addr *target,
                          const struct rte_ether_addr *unicast)
{
    if (target->family == SCTP_AF_INET)
        return arp_request(e, port, target, unicast);
    return nd_solicit(e, port, target, unicast);
}

/* ------------------------------------------------------------------ */
/* Announcing our addresses, and defending them                         */

#define ANNOUNCE_ROUNDS   3
#define ANNOUNCE_INTERVAL (1000ULL * 1000 * 1000)
/* RFC 5227 DEFEND_INTERVAL: one defence (and one log line) per port in
 * this time at most. */
#define DEFEND_INTERVAL (10ULL * 1000 * 1000 * 1000)

/* RFC 5227 3: an ARP Announcement, a broadcast request with our address
 * as both sender and target, so that the hosts and switches of the link
 * learn (or correct) where it is. */
static void arp_announce(struct dp_engine *e, uint16_t port, const struct sctp_addr *a)
{
    if (arp_send_request(e, port, a, a, NULL))
        e->pst[port].tx_announce++;
}

/* RFC 4861 7.2.6: an unsolicited Neighbor Advertisement to all nodes,
 * Override set, Solicited clear, with our link-layer address. */
static void nd_announce(struct dp_engine *e, uint16_t port, const struct sctp_addr *a)
{
    static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
    static const struct rte_ether_addr all_nodes_mac = {{0x33, 0x33, 0, 0, 0, 1}};
    const uint32_t na_len = 8 + 16 + 8;
    struct rte_mbuf *m = alloc_l2(e, port, sizeof(struct rte_ipv6_hdr) + na_len);
    struct rte_ipv6_hdr *ip6;
    uint8_t *icmp;

    if (m == NULL)
        return;
    ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, dp_l2_len(port));
    icmp = (uint8_t *)(ip6 + 1);
    memcpy(ip6->src_addr, a->addr, 16);
    memcpy(ip6->dst_addr, all_nodes, 16);
    ip6->hop_limits = 255;
    memset(icmp, 0, na_len);
    icmp[0] = ICMP6_NA;
    icmp[4] = 0x20; /* O */
    memcpy(icmp + 8, a->addr, 16);
    icmp[24] = ND_OPT_TGT_LL;
    icmp[25] = 1;
    memcpy(icmp + 26, &dp.ports[port].mac, 6);
    e->pst[port].tx_nd++;
    e->pst[port].tx_announce++;
    icmp6_send(e, m, port, &all_nodes_mac, na_len);
}

static void announce(struct dp_engine *e, uint16_t port, const struct sctp_addr *a)
{
    if (a->family == SCTP_AF_INET)
        arp_announce(e, port, a);
    else
        nd_announce(e, port, a);
}

/*
 * Duplicate address detection at start (addr_check): engine 0 sends an
 * ARP probe (RFC 5227 2.1.1: sender address 0, target ours) and a DAD
 * Neighbour Solicitation (RFC 4862 5.4.2: from the unspecified address
 * to the solicited-node one, no link-layer option) for every address,
 * then listens for DAD_WAIT_NS. Another host that answers for one of
 * them, claims it, or probes for it too within that time (RFC 5227
 * 2.1.1, RFC 4862 5.4.3, 5.4.4) has it: the daemon logs the address and
 * the host's MAC and stops, exit 1 (addr_conflict), rather than take
 * the address from it. One probe and one second, not RFC 5227's three
 * over several seconds: the address is in use meanwhile (as RFC 4429's
 * optimistic addresses are), and the check is for a host that holds
 * it, which answers at once; later claims are conflicts, defended.
 */
#define DAD_WAIT_NS (1000ULL * 1000 * 1000)

static void addr_probe(struct dp_engine *e, uint16_t port, const struct sctp_addr *a)
{
    static const struct sctp_addr zero = {.family = SCTP_AF_INET};
    bool sent = a->family == SCTP_AF_INET ? arp_send_request(e, port, &zero, a, NULL)
                                          : nd_send_ns(e, port, NULL, a, NULL);
    if (sent)
        e->pst[port].tx_addr_probe++;
}

/* RFC 8200 8.1, RFC 4443 2.3: the ICMPv6 checksum covers a pseudo-header
 * whose length is the ICMPv6 message's (len), not the IPv6 payload's,
 * which counts the extension headers in front of it too. The folded
 * one's complement sum of both: 0xffff for a message whose checksum is
 * right; its complement is the checksum of one whose field is 0. */
static uint16_t icmp6_sum(const struct rte_ipv6_hdr *ip6, const uint8_t *icmp, uint32_t len)
{
    struct {
        rte_be32_t len;
        uint8_t zero[3], nh;
    } ph = {.len = rte_cpu_to_be_32(len), .nh = IPPROTO_ICMPV6_};
    uint32_t sum = __rte_raw_cksum(ip6->src_addr, 32, 0);

    sum = __rte_raw_cksum(&ph, sizeof(ph), sum);
    sum = __rte_raw_cksum(icmp, len, sum);
    return __rte_raw_cksum_reduce(sum);
}

/* ---- MLD (RFC 3810, RFC 2710) -------------------------------------- */

/* A node joins the solicited-node multicast group of each of its IPv6
 * addresses (RFC 4861 7.2.1, RFC 4862 5.4.2), and says so with MLD: a
 * switch that snoops MLD forwards a group's frames only to the ports
 * that reported it, so without reports the Neighbour Solicitations for
 * our addresses (and DAD probes for them) never reach us. Engine 0
 * reports each port's groups at start, twice, 1 s apart (RFC 3810 9.1
 * Robustness Variable, 9.11 Unsolicited Report Interval); any engine
 * answers a query it receives within the query's Maximum Response
 * Delay, at a random point of it (RFC 3810 6.2), in the version the
 * query came in (MLDv1 queries get MLDv1 reports, one per group: RFC
 * 3810 8.2). Reports come from the port's link-local address, or from
 * the unspecified address when it has none (RFC 3810 5.2.13). */
#define MLD_QUERY        130
#define MLD_V1_REPORT    131
#define MLD_V2_REPORT    143
#define MLD_MODE_EXCLUDE 2 /* the record that answers a query */
#define MLD_TO_EXCLUDE   4 /* a join, unsolicited */
#define MLD_ROUNDS       2
#define MLD_INTERVAL_NS  (1000ULL * 1000 * 1000)
#define MLD_MAX_DELAY_MS 10000u
#define MLD_GROUPS_MAX   16

/* The port's solicited-node groups (their low 24 bits, each once). */
static unsigned mld_groups(uint16_t port, uint8_t (*low)[3])
{
    unsigned n = 0;
    for (unsigned i = 0; i < dp.conf.n_addrs && n < MLD_GROUPS_MAX; i++) {
        const struct dp_addr_conf *ac = &dp.conf.addrs[i];
        if (ac->port != port || ac->addr.family != SCTP_AF_INET6)
            continue;
        unsigned k = 0;
        while (k < n && memcmp(low[k], ac->addr.addr + 13, 3) != 0)
            k++;
        if (k == n)
            memcpy(low[n++], ac->addr.addr + 13, 3);
    }
    return n;
}

/* An MLD message (icmp_len bytes, the caller fills all but the checksum)
 * to dst from the port's link-local address, or the unspecified one:
 * hop limit 1, behind a Hop-by-Hop header with the Router Alert option
 * (RFC 2711, value 0: MLD). Returns the message, NULL without an mbuf. */
static uint8_t *mld_alloc(struct dp_engine *e, uint16_t port, const uint8_t *dst, uint32_t icmp_len,
                          struct rte_mbuf **mp)
{
    static const uint8_t hbh[8] = {IPPROTO_ICMPV6_, 0, 5, 2, 0, 0, 1, 0};
    struct rte_mbuf *m = alloc_l2(e, port, sizeof(struct rte_ipv6_hdr) + 8 + icmp_len);
    if (m == NULL)
        return NULL;
    struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, dp_l2_len(port));
    ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
    ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + icmp_len));
    ip6->proto = 0; /* Hop-by-Hop */
    ip6->hop_limits = 1;
    memset(ip6->src_addr, 0, 16);
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        const struct dp_addr_conf *ac = &dp.conf.addrs[i];
        if (ac->port == port && v6_link_local(&ac->addr)) {
            memcpy(ip6->src_addr, ac->addr.addr, 16);
            break;
        }
    }
    memcpy(ip6->dst_addr, dst, 16);
    uint8_t *x = (uint8_t *)(ip6 + 1);
    memcpy(x, hbh, sizeof(hbh));
    memset(x + 8, 0, icmp_len);
    *mp = m;
    return x + 8;
}

/* The checksum (the message's field is 0), then out to dst's multicast
 * MAC. */
static void mld_send(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint8_t *icmp,
                     uint32_t icmp_len)
{
    struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, dp_l2_len(port));
    uint16_t c = (uint16_t)~icmp6_sum(ip6, icmp, icmp_len);
    memcpy(icmp + 2, &c, 2);
    struct rte_ether_addr dmac = {{0x33, 0x33}};
    memcpy(dmac.addr_bytes + 2, ip6->dst_addr + 12, 4);
    eth_fill(m, port, &dmac, RTE_ETHER_TYPE_IPV6);
    m->ol_flags = 0;
    e->pst[port].tx_mld_report++;
    dp_tx_enqueue(e, port, m);
}

/* The port's groups in one MLDv2 Report (records of type rec), or, v1,
 * one MLDv1 Report per group, to the group. */
static void mld_report(struct dp_engine *e, uint16_t port, uint8_t rec, bool v1)
{
    static const uint8_t all_routers_v2[16] = {0xff, 0x02, [15] = 0x16};
    uint8_t low[MLD_GROUPS_MAX][3], group[16];
    unsigned n = mld_groups(port, low);
    struct rte_mbuf *m;
    uint8_t *ic;

    for (unsigned k = 0; v1 && k < n; k++) {
        memcpy(group, snm_prefix, sizeof(snm_prefix));
        memcpy(group + 13, low[k], 3);
        if ((ic = mld_alloc(e, port, group, 24, &m)) == NULL)
            return;
        ic[0] = MLD_V1_REPORT;
        memcpy(ic + 8, group, 16);
        mld_send(e, m, port, ic, 24);
    }
    if (v1 || n == 0 || (ic = mld_alloc(e, port, all_routers_v2, 8 + 20 * n, &m)) == NULL)
        return;
    ic[0] = MLD_V2_REPORT;
    ic[7] = (uint8_t)n;
    for (unsigned k = 0; k < n; k++) {
        uint8_t *r = ic + 8 + 20 * k;
        r[0] = rec;
        memcpy(r + 4, snm_prefix, sizeof(snm_prefix));
        memcpy(r + 4 + 13, low[k], 3);
    }
    mld_send(e, m, port, ic, 8 + 20 * n);
}

/* Unsolicited reports at start, and the answers to queries now due. */
static void mld_timers(struct dp_engine *e)
{
    if (e->index == 0 && e->mld_round < MLD_ROUNDS && e->now >= e->mld_at) {
        for (uint16_t p = 0; p < dp.n_ports; p++)
            mld_report(e, p, MLD_TO_EXCLUDE, false);
        e->mld_round++;
        e->mld_at = e->now + MLD_INTERVAL_NS;
    }
    for (uint16_t p = 0; p < dp.n_ports; p++) {
        if (e->mld_due[p] != 0 && e->now >= e->mld_due[p]) {
            e->mld_due[p] = 0;
            mld_report(e, p, MLD_MODE_EXCLUDE, e->mld_v1[p]);
        }
    }
}

/* RFC 3810 5.1, 6.2; RFC 2710 3.7: a query (icmp, len bytes) from a
 * link-local source with hop limit 1, general (group ::) or for one of
 * our groups, is answered at a random point of its Maximum Response
 * Delay; an earlier answer still due stays. */
static void mld_query(struct dp_engine *e, uint16_t port, const struct rte_ipv6_hdr *ip6,
                      const uint8_t *icmp, uint32_t len)
{
    static const uint8_t any[16];
    struct sctp_addr src = {.family = SCTP_AF_INET6};
    memcpy(src.addr, ip6->src_addr, 16);
    if (ip6->hop_limits != 1 || !v6_link_local(&src) || len < 24 || (len > 24 && len < 28))
        return;
    if (memcmp(icmp + 8, any, 16) != 0 &&
        (memcmp(icmp + 8, snm_prefix, sizeof(snm_prefix)) != 0 || !v6_for_us(icmp + 8, port)))
        return;
    e->pst[port].rx_mld_query++;
    uint32_t code = (uint32_t)icmp[4] << 8 | icmp[5], delay_ms = code;
    if (len > 24 && code >= 32768) /* MLDv2: mantissa and exponent (RFC 3810 5.1.3) */
        delay_ms = ((code & 0xfff) | 0x1000) << (((code >> 12) & 7) + 3);
    if (delay_ms > MLD_MAX_DELAY_MS)
        delay_ms = MLD_MAX_DELAY_MS;
    uint64_t due = e->now + (delay_ms ? rte_rand_max(delay_ms) * 1000000ULL : 0) + 1;
    if (e->mld_due[port] == 0 || due < e->mld_due[port])
        e->mld_due[port] = due;
    e->mld_v1[port] = len == 24;
}

/* At start, engine 0 announces every address on its port: IPv4 twice,
 * 2 s apart (RFC 5227 ANNOUNCE_NUM, ANNOUNCE_INTERVAL), IPv6 three
 * times, 1 s apart (RFC 4861 MAX_NEIGHBOR_ADVERTISEMENT, RetransTimer).
 * A host that took over an address (a standby replacing an active
 * node) is then found at once, not when the neighbours' caches expire. */
static void announce_rounds(struct dp_engine *e)
{
    if (e->index != 0)
        return;
    if (dp.conf.addr_check && dp.dad_until_ns == 0) {
        /* Duplicate address detection first: the announcements, which
         * would take the address from a host that has it, wait for its
         * end (RFC 5227 2.1, 2.3). */
        for (unsigned i = 0; i < dp.conf.n_addrs; i++)
            addr_probe(e, dp.conf.addrs[i].port, &dp.conf.addrs[i].addr);
        dp.dad_until_ns = e->now + DAD_WAIT_NS;
        e->announce_at = dp.dad_until_ns;
        return;
    }
    if (!dp.conf.announce || e->announce_round >= ANNOUNCE_ROUNDS || e->now < e->announce_at)
        return;
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        const struct dp_addr_conf *ac = &dp.conf.addrs[i];
        if (ac->addr.family == SCTP_AF_INET && e->announce_round == 1)
            continue;
        announce(e, ac->port, &ac->addr);
    }
    e->announce_round++;
    e->announce_at = e->now + ANNOUNCE_INTERVAL;
}

/* The index of one of our addresses (dp.conf.addrs) on any port, or -1. */
static int addr_ours(const struct sctp_addr *a)
{
    for (unsigned i = 0; i < dp.conf.n_addrs; i++)
        if (sctp_addr_equal(&dp.conf.addrs[i].addr, a))
            return (int)i;
    return -1;
}

/* The link-layer address of one of our ports. */
static bool mac_ours(const struct rte_ether_addr *mac)
{
    for (unsigned i = 0; i < dp.n_ports; i++)
        if (rte_is_same_ether_addr(mac, &dp.ports[i].mac))
            return true;
    return false;
}

/* Another host (mac) claims our address number k on port: RFC 5227 2.4
 * (b), RFC 4862 5.4.4. Counted, logged and defended with one
 * announcement, each at most once per DEFEND_INTERVAL and address, so
 * that the neighbours that took the other host's word correct their
 * caches while a host that keeps claiming the address cannot make us
 * flood the link. */
static void addr_conflict(struct dp_engine *e, uint16_t port, int k,
                          const struct rte_ether_addr *mac)
{
    const struct sctp_addr *a = &dp.conf.addrs[k].addr;
    uint64_t dad_until = dp.dad_until_ns;

    e->pst[port].rx_addr_conflict++;
    if (dad_until != 0 && e->now < dad_until) {
        /* During duplicate address detection: the address is the other
         * host's (RFC 5227 2.1.1, RFC 4862 5.4.5). */
        if (!dp.addr_dup) {
            char ab[64], mb[RTE_ETHER_ADDR_FMT_SIZE];
            dp_addr_str(a, ab, sizeof(ab));
            rte_ether_format_addr(mb, sizeof(mb), mac);
            DP_LOG(ERR,
                   "port %u: address %s is in use by %s (duplicate address detection): "
                   "stopping",
                   port, ab, mb);
            dp.addr_dup = true;
            dp.stop = true;
        }
        return;
    }
    if (e->conflict_logged_at[k] == 0 || e->now - e->conflict_logged_at[k] >= DEFEND_INTERVAL) {
        char ab[64], mb[RTE_ETHER_ADDR_FMT_SIZE];
        dp_addr_str(a, ab, sizeof(ab));
        rte_ether_format_addr(mb, sizeof(mb), mac);
        DP_LOG(WARNING, "port %u: address conflict: %s is also claimed by %s", port, ab, mb);
        e->conflict_logged_at[k] = e->now;
    }
    if (e->defended_at[k] == 0 || e->now - e->defended_at[k] >= DEFEND_INTERVAL) {
        e->defended_at[k] = e->now;
        announce(e, dp.conf.addrs[k].port, a);
    }
}

/* A frame on port names who as the holder of our address number k (k < 0:
 * none of ours). A conflict if the address is one of this port's and who
 * is none of our ports: conflicts are judged per interface (RFC 5227
 * 2.1.1, 2.4; RFC 4862 5.4.4). Ports that share a broadcast domain hear
 * each other's probes and announcements, and another port's address is
 * another network's: neither is a conflict here. */
static void claimed(struct dp_engine *e, uint16_t port, int k, const struct rte_ether_addr *who)
{
    if (k >= 0 && dp.conf.addrs[k].port == port && !mac_ours(who))
        addr_conflict(e, port, k, who);
}

/* Finds a link-layer address option of the given type. */
static const struct rte_ether_addr *nd_option(const uint8_t *opt, uint32_t len, uint8_t type)
{
    while (len >= 8) {
        uint32_t olen = opt[1] * 8u;
        if (olen == 0 || olen > len)
            return NULL;
        if (opt[0] == type && olen >= 8)
            return (const struct rte_ether_addr *)(opt + 2);
        opt += olen;
        len -= olen;
    }
    return NULL;
}

/* RFC 4861 4.6: every option of an ND message (after its 24 bytes) has a
 * length, and fits. */
static bool nd_options_ok(const uint8_t *icmp, uint32_t icmp_len)
{
    for (uint32_t o = 24; o < icmp_len;) {
        if (o + 2 > icmp_len || icmp[o + 1] == 0 || o + icmp[o + 1] * 8u > icmp_len)
            return false;
        o += icmp[o + 1] * 8u;
    }
    return true;
}

static void nd_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2,
                     struct rte_ipv6_hdr *ip6, uint8_t *icmp, uint32_t icmp_len)
{
    struct sctp_addr target = {.family = SCTP_AF_INET6};
    struct sctp_addr src = {.family = SCTP_AF_INET6};
    const struct rte_ether_addr *ll;
    static const uint8_t unspec[16];

    /* RFC 4861 7.1: hop limit 255, code 0, at least 24 bytes, no option
     * of length 0, a target that is not multicast. (RFC 6980 5: what
     * came with a Fragment header, ipv6_input dropped.) */
    if (ip6->hop_limits != 255 || icmp[1] != 0 || icmp_len < 24 || !nd_options_ok(icmp, icmp_len) ||
        icmp[8] == 0xff) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    /* RFC 4861 7.1.2: an advertisement to a multicast address is not
     * solicited. */
    if (icmp[0] == ICMP6_NA && ip6->dst_addr[0] == 0xff && (icmp[4] & 0x40)) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    e->pst[port].rx_nd++;
    memcpy(target.addr, icmp + 8, 16);
    memcpy(src.addr, ip6->src_addr, 16);
    if (icmp[0] == ICMP6_NA) {
        ll = nd_option(icmp + 24, icmp_len - 24, ND_OPT_TGT_LL);
        int k = addr_ours(&target);
        if (k >= 0) {
            /* Another host advertises our address (a conflict), or an
             * advertisement of ours came back: never learnt. Without a
             * target link-layer option, the frame's source tells. */
            claimed(e, port, k,
                    ll != NULL ? ll : &rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr);
        } else if (ll != NULL) {
            struct dp_neigh *n = neigh_find(e, &target, false);
            bool other = n != NULL && n->state == 2 && !rte_is_same_ether_addr(&n->mac, ll);
            if ((icmp[4] & 0x20) || !other) {
                learn_and_share(e, &target, ll, port, false, (icmp[4] & 0x40) != 0);
            } else {
                neigh_no_override(e, &target, ll);
            }
            /* Each engine has its own entries: the others may know the
             * target by another address than this one does (or at all,
             * when this one does not). */
            if (!(icmp[4] & 0x20) && (n == NULL || other) && dp.n_engines > 1 &&
                onlink_on(&target, port))
                neigh_share(e, &target, ll, port, false, true);
        } else if (icmp[4] & 0x40) {
            /* A solicited advertisement without the target's link-layer
             * address (the answer to a unicast solicitation may leave it
             * out: RFC 4861 7.2.4) confirms the one known (7.2.5). */
            const struct dp_neigh *n = neigh_find(e, &target, false);
            if (n != NULL && n->state == 2 && n->port == port) {
                struct rte_ether_addr mac = n->mac;
                learn_and_share(e, &target, &mac, port, false, true);
            }
        }
        rte_pktmbuf_free(m);
        return;
    }
    /* NS */
    if (!dp_addr_is_local(&target, port)) {
        drop(e, port, m, DP_DROP_L3_NOT_OURS);
        return;
    }
    ll = nd_option(icmp + 24, icmp_len - 24, ND_OPT_SRC_LL);
    bool dad = memcmp(ip6->src_addr, unspec, 16) == 0;
    if (dad && (ll != NULL || memcmp(ip6->dst_addr, snm_prefix, sizeof(snm_prefix)) != 0)) {
        /* RFC 4861 7.1.1: a solicitation from the unspecified address
         * goes to a solicited-node multicast address and carries no
         * source link-layer address. */
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    if (dad) {
        /* Duplicate address detection for one of our addresses: our
         * own come back, or another host's, which while we check the
         * address means both want it (RFC 4862 5.4.3); later it is
         * answered below, which defends the address. */
        const struct rte_ether_addr *from = &rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
        if (mac_ours(from) || (dp.conf.addr_check && e->now < dp.dad_until_ns)) {
            claimed(e, port, addr_ours(&target), from);
            rte_pktmbuf_free(m);
            return;
        }
    }
    int k = addr_ours(&src);
    if (k >= 0) {
        /* A solicitation from one of our addresses: another host uses it. */
        if (ll != NULL)
            claimed(e, port, k, ll);
        rte_pktmbuf_free(m);
        return;
    }
    if (ll != NULL && !dad)
        learn_and_share(e, &src, ll, port, true, false);
    /* Answer in place: NA, solicited + override, target LL option. */
    struct rte_ether_addr dmac;
    const uint32_t na_len = 8 + 16 + 8;
    if (dad) {
        static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
        memcpy(ip6->dst_addr, all_nodes, 16);
        dmac = (struct rte_ether_addr){{0x33, 0x33, 0, 0, 0, 1}};
    } else {
        memcpy(ip6->dst_addr, ip6->src_addr, 16);
        dmac = rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
    }
    memcpy(ip6->src_addr, target.addr, 16);
    ip6->hop_limits = 255;
    if (rte_pktmbuf_pkt_len(m) < l2 + sizeof(*ip6) + na_len &&
        rte_pktmbuf_append(m, l2 + sizeof(*ip6) + na_len - rte_pktmbuf_pkt_len(m)) == NULL) {
        drop(e, port, m, DP_DROP_NOMBUF);
        return;
    }
    rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (l2 + sizeof(*ip6) + na_len));
    icmp[0] = ICMP6_NA;
    icmp[1] = 0;
    icmp[4] = dad ? 0x20 : 0x60; /* S (not for DAD) and O */
    icmp[5] = icmp[6] = icmp[7] = 0;
    memcpy(icmp + 8, target.addr, 16);
    icmp[24] = ND_OPT_TGT_LL;
    icmp[25] = 1;
    memcpy(icmp + 26, &dp.ports[port].mac, 6);
    e->pst[port].tx_nd++;
    icmp6_send(e, m, port, &dmac, na_len);
}

/* ------------------------------------------------------------------ */
/* ICMP                                                                */

/* An ICMP message about SCTP we sent, to every engine (the one that owns
 * the association acts on it): sh is the quoted SCTP packet, qlen bytes
 * of it (at least 8); kind what it says, mtu the path MTU of a
 * DP_ICMP_PTB. */
static void icmp_report(struct dp_engine *e, const struct sctp_addr *peer, const uint8_t *sh,
                        uint32_t qlen, enum dp_icmp_kind kind, uint32_t mtu)
{
    struct mb_icmp pm = {.peer = *peer, .mtu = mtu, .kind = (uint8_t)kind};

    pm.local_port = (uint16_t)(sh[0] << 8 | sh[1]);
    pm.peer_port = (uint16_t)(sh[2] << 8 | sh[3]);
    pm.quote_len = (uint8_t)RTE_MIN(qlen, (uint32_t)ICMP_QUOTE);
    memcpy(pm.quote, sh, pm.quote_len);
    dp_icmp_report(e, &pm.peer, pm.local_port, pm.peer_port, pm.quote, pm.quote_len, kind, mtu);
    for (unsigned j = 0; j < dp.n_engines; j++) {
        struct rte_mbuf *m;
        struct mb_icmp *mp;

        if (j == e->index)
            continue;
        m = rte_pktmbuf_alloc(e->pool);
        if (m == NULL)
            return;
        mp = (struct mb_icmp *)rte_pktmbuf_append(m, sizeof(*mp));
        *mp = pm;
        dp_mailbox_send(e, j, m, DP_MB_ICMP);
    }
}

/* RFC 1191 7: the largest plateau of the MTU table below a datagram's
 * length, for a "fragmentation needed" that gives no next-hop MTU. */
static uint32_t mtu_plateau_below(uint32_t len)
{
    static const uint16_t plateaus[] = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296};
    for (unsigned i = 0; i < RTE_DIM(plateaus); i++)
        if (plateaus[i] < len)
            return plateaus[i];
    return 68;
}

/* An echo reply longer than the port's MTU, to a request reassembled
 * from fragments: RFC 1122 3.2.2.6 and RFC 4443 4.2 have the reply carry
 * all of the request's data, so it goes in IP fragments (DF clear), each
 * to dmac. m is the whole frame, l2 bytes and then the reply, checksums
 * filled; it is consumed. */
static void echo_fragments(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, bool v4,
                           uint32_t l2, const struct rte_ether_addr *dmac)
{
    struct rte_mbuf *frags[DP_FRAGS_MAX];
    struct rte_ether_addr mac = *dmac; /* it may lie in m */
    uint32_t nl2 = dp_l2_len(port);

    if (l2 != nl2 && (rte_pktmbuf_adj(m, (uint16_t)l2) == NULL ||
                      rte_pktmbuf_prepend(m, (uint16_t)nl2) == NULL)) {
        drop(e, port, m, DP_DROP_ECHO_TOO_BIG);
        return;
    }
    int n = dp_tx_fragment(e, m, v4, nl2, dp.ports[port].mtu, e->frag_id++, frags, RTE_DIM(frags));
    if (n < 0) {
        e->pst[port].drops[n == -ENOMEM ? DP_DROP_NOMBUF : DP_DROP_ECHO_TOO_BIG]++;
        return;
    }
    for (int i = 0; i < n; i++) {
        eth_fill(frags[i], port, &mac, v4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
        e->pst[port].tx_frags++;
        dp_tx_enqueue(e, port, frags[i]);
    }
    e->pst[port].tx_icmp_echo++;
}

static void icmp4_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port,
                        struct rte_ipv4_hdr *ip, uint32_t l4, uint32_t len)
{
    struct rte_icmp_hdr *ic = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, l4);

    if (len < sizeof(*ic) || rte_raw_cksum(ic, len) != 0xffff) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    if (ic->icmp_type == RTE_IP_ICMP_ECHO_REQUEST && ic->icmp_code == 0) {
        struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
        uint32_t tmp = ip->src_addr;

        e->pst[port].rx_icmp_echo++;
        /* A reassembled request can be longer than the port carries; the
         * reply then goes in fragments (echo_fragments). */
        bool whole = rte_be_to_cpu_16(ip->total_length) <= dp.ports[port].mtu;
        ip->src_addr = ip->dst_addr;
        ip->dst_addr = tmp;
        ip->time_to_live = 64;
        ip->fragment_offset = whole ? rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) : 0;
        ip->hdr_checksum = 0;
        ip->hdr_checksum = rte_ipv4_cksum(ip);
        ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
        ic->icmp_cksum = 0;
        ic->icmp_cksum = ~rte_raw_cksum(ic, len);
        if (!whole) {
            echo_fragments(e, m, port, true,
                           (uint32_t)((uint8_t *)ip - rte_pktmbuf_mtod(m, uint8_t *)),
                           &eh->src_addr);
            return;
        }
        eth_fill(m, port, &eh->src_addr, RTE_ETHER_TYPE_IPV4);
        m->ol_flags = 0;
        e->pst[port].tx_icmp_echo++;
        dp_tx_enqueue(e, port, m);
        return;
    }
    /* Destination unreachable quoting SCTP we sent: RFC 1191 / RFC 9260
     * 7.3 fragmentation needed, RFC 9260 10 ICMP8 protocol unreachable
     * (the peer has no SCTP), or ICMP9 network or host unreachable or
     * unknown, or prohibited (codes 0, 1, 6 to 13 but 8; ICMP3: port
     * unreachable, 3, is ignored). */
    bool dest =
        ic->icmp_code <= 1 || (ic->icmp_code >= 6 && ic->icmp_code <= 13 && ic->icmp_code != 8);
    if (ic->icmp_type == 3 && (ic->icmp_code == 4 || ic->icmp_code == 2 || dest) &&
        len >= 8 + 20 + 8) {
        struct rte_ipv4_hdr *in = (struct rte_ipv4_hdr *)((uint8_t *)ic + 8);
        uint32_t ihl = (in->version_ihl & 0xf) * 4u;
        /* The SCTP header is in a datagram's first fragment only. */
        if (in->next_proto_id == IPPROTO_SCTP_ && ihl >= 20 && len >= 8 + ihl + 8 &&
            (rte_be_to_cpu_16(in->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) == 0) {
            const uint8_t *sh = (const uint8_t *)in + ihl;
            struct sctp_addr peer = {.family = SCTP_AF_INET};
            struct sctp_addr self = {.family = SCTP_AF_INET};
            enum dp_icmp_kind kind = DP_ICMP_PROTO_UNREACH;
            uint32_t mtu = 0;
            if (ic->icmp_code == 4) {
                kind = DP_ICMP_PTB;
                mtu = rte_be_to_cpu_16(*(const uint16_t *)((uint8_t *)ic + 6));
                /* RFC 1191 5: a router older than it leaves the field 0. */
                if (mtu < 68)
                    mtu = mtu_plateau_below(rte_be_to_cpu_16(in->total_length));
                e->pst[port].rx_icmp_ptb++;
            } else if (dest) {
                kind = DP_ICMP_DEST_UNREACH;
                e->pst[port].rx_icmp_dest_unreach++;
            } else {
                e->pst[port].rx_icmp_unreach++;
            }
            memcpy(peer.addr, &in->dst_addr, 4);
            memcpy(self.addr, &in->src_addr, 4);
            /* It must quote a packet we sent; the core checks the tag. */
            if (dp_addr_is_local(&self, port))
                icmp_report(e, &peer, sh, len - 8 - ihl, kind, mtu);
            rte_pktmbuf_free(m);
            return;
        }
    }
    drop(e, port, m, DP_DROP_ICMP);
}

/* An ICMPv6 error that quotes SCTP we sent (40 bytes of IPv6 header and
 * at least 8 of SCTP): counted in *ctr, given to the association if
 * report (icmp_report), and freed; false, with m left to the caller, if
 * it quotes something else. */
static bool icmp6_sctp_error(struct dp_engine *e, struct rte_mbuf *m, uint16_t port,
                             const uint8_t *icmp, uint32_t len, uint64_t *ctr,
                             enum dp_icmp_kind kind, uint32_t mtu, bool report)
{
    if (len < 8 + 40 + 8)
        return false;
    const struct rte_ipv6_hdr *in = (const struct rte_ipv6_hdr *)(icmp + 8);
    const uint8_t *sh = (const uint8_t *)(in + 1);
    /* A packet of ours cut into fragments (dp_tx_fragment: the Fragment
     * header right after the IPv6 header): its first fragment holds the
     * SCTP header (RFC 8201 4: the Packet Too Big about a fragment lowers
     * the path's MTU all the same). */
    if (in->proto == 44 && len >= 8 + 40 + 8 + 8 && sh[0] == IPPROTO_SCTP_ &&
        (sh[2] << 8 | (sh[3] & 0xf8)) == 0)
        sh += 8;
    else if (in->proto != IPPROTO_SCTP_)
        return false;
    struct sctp_addr peer = {.family = SCTP_AF_INET6};
    struct sctp_addr self = {.family = SCTP_AF_INET6};
    memcpy(peer.addr, in->dst_addr, 16);
    memcpy(self.addr, in->src_addr, 16);
    (*ctr)++;
    if (report && dp_addr_is_local(&self, port))
        icmp_report(e, &peer, sh, len - (uint32_t)(sh - icmp), kind, mtu);
    rte_pktmbuf_free(m);
    return true;
}

/* One of our addresses as an IPv6 source (ipv6_input let it by for
 * Neighbour Discovery only). */
static bool src_bad_v6(const uint8_t *a)
{
    struct sctp_addr s = {.family = SCTP_AF_INET6};

    memcpy(s.addr, a, 16);
    return addr_ours(&s) >= 0;
}

static bool icmp6_cksum_ok(const struct rte_ipv6_hdr *ip6, const uint8_t *icmp, uint32_t len)
{
    return icmp6_sum(ip6, icmp, len) == 0xffff;
}

/* The len bytes of ICMPv6 message icmp moved right behind the IPv6
 * header, over the extension headers in front of it (options meant for
 * us, not for an answer built in place), and the header made to say so.
 * Returns where the message is now. */
static uint8_t *icmp6_strip_ext(struct rte_mbuf *m, uint32_t l2, struct rte_ipv6_hdr *ip6,
                                uint8_t *icmp, uint32_t len)
{
    memmove(ip6 + 1, icmp, len);
    rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (l2 + sizeof(*ip6) + len));
    ip6->proto = IPPROTO_ICMPV6_;
    ip6->payload_len = rte_cpu_to_be_16((uint16_t)len);
    return (uint8_t *)(ip6 + 1);
}

/* The source of an answer to a datagram from `to` that came to a
 * multicast group on port: of the port's IPv6 addresses, one of the
 * requester's scope first (link-local or not), then one on its subnet,
 * then the first. */
static bool v6_reply_src(uint16_t port, const uint8_t *to, struct sctp_addr *src)
{
    struct sctp_addr peer = {.family = SCTP_AF_INET6};
    memcpy(peer.addr, to, 16);
    return port_src(port, &peer, &peer, src);
}

static void icmp6_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2,
                        struct rte_ipv6_hdr *ip6, uint32_t l4, uint32_t len)
{
    uint8_t *icmp = rte_pktmbuf_mtod_offset(m, uint8_t *, l4);
    /* Behind extension headers (ipv6_input walked them). */
    bool ext = l4 != l2 + sizeof(*ip6);

    if (len < 8 || !icmp6_cksum_ok(ip6, icmp, len)) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    if (icmp[0] != ICMP6_NS &&
        (v6_unspecified(ip6->src_addr) || (icmp[0] != ICMP6_NA && src_bad_v6(ip6->src_addr)))) {
        drop(e, port, m, DP_DROP_BAD_SRC);
        return;
    }
    switch (icmp[0]) {
    case ICMP6_NS:
    case ICMP6_NA:
        /* RFC 8200 4: extension headers in front of Neighbour
         * Discovery do not hide it. nd_input() takes the message right
         * behind the IPv6 header (its answer is built in place); the
         * checksum was checked over the message alone. (What came with
         * a Fragment header, ipv6_input() dropped: RFC 6980 5.) */
        if (ext && !e->rx_reassembled)
            icmp = icmp6_strip_ext(m, l2, ip6, icmp, len);
        nd_input(e, m, port, l2, ip6, icmp, len);
        return;
    case MLD_QUERY:
        mld_query(e, port, ip6, icmp, len);
        rte_pktmbuf_free(m);
        return;
    case ICMP6_ECHO_REQ: {
        struct sctp_addr dst = {.family = SCTP_AF_INET6};
        memcpy(dst.addr, ip6->dst_addr, 16);
        /* RFC 4443 4.1: one to a multicast group of ours (ipv6_input let
         * only those by) is answered too, from a unicast address of the
         * port it came on. */
        if (ip6->dst_addr[0] == 0xff ? !v6_reply_src(port, ip6->src_addr, &dst)
                                     : !dp_addr_is_local(&dst, port)) {
            drop(e, port, m, DP_DROP_L3_NOT_OURS);
            return;
        }
        e->pst[port].rx_icmp_echo++;
        struct rte_ether_addr dmac = rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
        /* The reply goes without the request's extension headers. */
        if (ext)
            icmp = icmp6_strip_ext(m, l2, ip6, icmp, len);
        memcpy(ip6->dst_addr, ip6->src_addr, 16);
        memcpy(ip6->src_addr, dst.addr, 16);
        ip6->hop_limits = 64;
        icmp[0] = ICMP6_ECHO_REP;
        if (sizeof(*ip6) + len > dp.ports[port].mtu) {
            /* Reassembled, longer than the port carries: in fragments
             * (see icmp4_input()). */
            ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
            icmp[2] = icmp[3] = 0;
            uint16_t c = rte_ipv6_udptcp_cksum(ip6, icmp);
            memcpy(icmp + 2, &c, 2);
            echo_fragments(e, m, port, false, l2, &dmac);
            return;
        }
        e->pst[port].tx_icmp_echo++;
        icmp6_send(e, m, port, &dmac, len);
        return;
    }
    case ICMP6_PARAM_PROB:
        /* RFC 9260 10, ICMP8: unrecognized next header, SCTP we sent
         * (the peer has no SCTP). */
        if (icmp[1] == 1 && icmp6_sctp_error(e, m, port, icmp, len, &e->pst[port].rx_icmp_unreach,
                                             DP_ICMP_PROTO_UNREACH, 0, true))
            return;
        break;
    case ICMP6_DST_UNREACH:
        /* ICMP9: no route, prohibited, beyond scope, address unreachable,
         * policy, reject route (ICMP3: port unreachable, 4, is ignored). */
        if (icmp[1] <= 6 && icmp[1] != 4 &&
            icmp6_sctp_error(e, m, port, icmp, len, &e->pst[port].rx_icmp_dest_unreach,
                             DP_ICMP_DEST_UNREACH, 0, true))
            return;
        break;
    case ICMP6_PTB: {
        uint32_t mtu;
        memcpy(&mtu, icmp + 4, 4);
        mtu = rte_be_to_cpu_32(mtu);
        if (icmp6_sctp_error(e, m, port, icmp, len, &e->pst[port].rx_icmp_ptb, DP_ICMP_PTB, mtu,
                             mtu >= 1280))
            return;
        break;
    }
    default:
        break;
    }
    drop(e, port, m, DP_DROP_ICMP);
}

/* ------------------------------------------------------------------ */
/* IPv4 / IPv6                                                         */

int dp_net_frag_init(struct dp_engine *e)
{
    uint64_t cycles = (rte_get_tsc_hz() + 999) / 1000 * dp.conf.frag_ttl_ms;
    uint32_t flows = dp.conf.frag_max_flows;
    uint32_t per_source = dp.conf.frag_max_per_source;

    if (per_source == 0)
        per_source = RTE_MAX(flows / 8, 1u);
    /* flows buckets of 8 entries; at most flows datagrams held at once. */
    e->frag_tbl = rte_ip_frag_table_create(flows, 8, flows, cycles, rte_socket_id());
    if (e->frag_tbl == NULL)
        return -1;
    /* The same TTL in cycles as the table's, so that both forget a
     * datagram at the same time stamp. */
    return dp_frag_track_init(&e->frag_track, flows, RTE_MIN(per_source, flows), cycles,
                              (int)rte_socket_id()) < 0
               ? -1
               : 0;
}

/* Copies a chained mbuf into one segment (reassembled datagrams, jumbo
 * frames): the protocol core wants contiguous bytes. The chain is freed
 * in every case; NULL if it did not fit or no mbuf was left. */
static struct rte_mbuf *linearize(struct dp_engine *e, struct rte_mbuf *m)
{
    struct rte_mbuf *n;
    struct rte_mempool *mp = m->pkt_len <= dp_pool_room(e->pool) ? e->pool : e->big_pool;
    uint8_t *dst;

    if (m->pkt_len > dp_pool_room(mp)) {
        rte_pktmbuf_free(m);
        return NULL;
    }
    n = rte_pktmbuf_alloc(mp);
    if (n == NULL) {
        rte_pktmbuf_free(m);
        return NULL;
    }
    dst = (uint8_t *)rte_pktmbuf_append(n, m->pkt_len);
    const void *src = dst == NULL ? NULL : rte_pktmbuf_read(m, 0, m->pkt_len, dst);
    if (src == NULL) {
        rte_pktmbuf_free(n);
        rte_pktmbuf_free(m);
        return NULL;
    }
    if (src != dst) /* all of it in the first segment: read gave a pointer */
        memcpy(dst, src, m->pkt_len);
    n->port = m->port;
    n->ol_flags = m->ol_flags & (RTE_MBUF_F_RX_L4_CKSUM_MASK | RTE_MBUF_F_RX_IP_CKSUM_MASK);
    n->l2_len = m->l2_len;
    n->l3_len = m->l3_len;
    rte_pktmbuf_free(m);
    return n;
}

static enum sctp_csum_state rx_csum(struct dp_engine *e, struct rte_mbuf *m, uint16_t port)
{
    if (!dp.ports[port].rx_l4_csum)
        return SCTP_CSUM_UNCHECKED;
    switch (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
    case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
        e->pst[port].csum_hw_good++;
        return SCTP_CSUM_GOOD;
    case RTE_MBUF_F_RX_L4_CKSUM_BAD:
        e->pst[port].csum_hw_bad++;
        return SCTP_CSUM_BAD;
    default:
        return SCTP_CSUM_UNCHECKED;
    }
}

/* The SCTP packet at l4: check its CRC, then hand it to its owner. */
static void sctp_rx(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l3,
                    uint32_t l4, const struct sctp_addr *src, const struct sctp_addr *dst)
{
    uint32_t len = rte_pktmbuf_pkt_len(m) - l4;
    enum sctp_csum_state cs;

    e->pst[port].rx_sctp++;
    if (unlikely(dp.conf.rx_loss_ppm != 0) && rte_rand() % 1000000 < dp.conf.rx_loss_ppm) {
        drop(e, port, m, DP_DROP_INJECTED);
        return;
    }
    if (len < 12) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    /* RFC 9260 6.8: a packet with a bad CRC is dropped, never processed. */
    cs = rx_csum(e, m, port);
    if (cs == SCTP_CSUM_UNCHECKED) {
        e->pst[port].csum_sw_checked++;
        if (!sctp_crc32c_check(rte_pktmbuf_mtod_offset(m, uint8_t *, l4), len)) {
            e->pst[port].csum_sw_bad++;
            cs = SCTP_CSUM_BAD;
        }
    }
    if (cs == SCTP_CSUM_BAD) {
        drop(e, port, m, DP_DROP_SCTP_CSUM);
        return;
    }
    m->port = port;
    dp_sctp_input(e, m, l3, l4, src, dst, false);
}

static void ipv4_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2);
static void ipv6_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2);

/* Engine 0 puts a fragment into its table (its own, or one another
 * engine received and counted). */
static void frag_reassemble(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2,
                            uint32_t l3_len, bool v6)
{
    struct rte_mbuf *r;
    uint64_t tms;
    struct dp_frag_key key;
    uint32_t flow, len, end;
    int known;

    m->port = port;
    m->l2_len = l2;
    m->l3_len = l3_len;
    memset(&key, 0, sizeof(key));
    if (v6) {
        const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);
        const struct rte_ipv6_fragment_ext *fh = (const struct rte_ipv6_fragment_ext *)(ip6 + 1);
        memcpy(key.src, ip6->src_addr, 16);
        memcpy(key.dst, ip6->dst_addr, 16);
        key.id = fh->id;
        key.v6 = 1;
        len = rte_be_to_cpu_16(ip6->payload_len) - (uint32_t)sizeof(*fh);
        end = (rte_be_to_cpu_16(fh->frag_data) & ~7u) + len;
    } else {
        const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
        memcpy(key.src, &ip->src_addr, 4);
        memcpy(key.dst, &ip->dst_addr, 4);
        key.id = ip->packet_id;
        len = rte_be_to_cpu_16(ip->total_length) - l3_len;
        end =
            (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) * 8u + len + l3_len;
    }
    /* A fragment without payload, or one that ends past the largest
     * datagram, is dropped here, not by the library: then every fragment
     * the library puts on the death row is one of a datagram it no
     * longer holds (below). The IPv6 payload length was checked to hold
     * the fragment header (ipv6_input). */
    if ((int32_t)len <= 0 || end > UINT16_MAX) {
        drop(e, port, m, DP_DROP_FRAG);
        return;
    }
    /* Expired datagrams leave first, at the same time stamp: the library
     * then finds no stale entry to recycle, and whatever it puts on the
     * death row below is a fragment it refused (duplicate first or last
     * fragment, too many fragments, no room in the table, a bad set). */
    tms = rte_rdtsc();
    frag_expire(e, tms);
    /* One source may have frag_max_per_source datagrams in reassembly:
     * its fragments of a new one are dropped beyond that, so that one
     * host cannot hold every slot of the table (and the fragmented
     * datagrams of all other peers be refused) for frag_ttl_ms. Its
     * datagrams already started go on. */
    known = dp_frag_track_lookup(&e->frag_track, &key, &flow);
    if (known < 0) {
        drop(e, port, m, known == -EDQUOT ? DP_DROP_FRAG_SOURCE : DP_DROP_FRAG_REFUSED);
        return;
    }
    uint8_t proto = v6 ? 0 : rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2)->next_proto_id;
    if (known == 0 && e->frag_track.flows[flow].proto != proto) {
        /* Not of this datagram (RFC 791 3.2), though the library would
         * take it for one of its fragments (struct dp_frag_key). */
        drop(e, port, m, DP_DROP_FRAG);
        return;
    }
    if (v6) {
        struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);
        struct rte_ipv6_fragment_ext *fh = rte_ipv6_frag_get_ipv6_fragment_header(ip6);
        r = rte_ipv6_frag_reassemble_packet(e->frag_tbl, &e->death_row, m, tms, ip6, fh);
    } else {
        struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
        r = rte_ipv4_frag_reassemble_packet(e->frag_tbl, &e->death_row, m, tms, ip);
    }
    /* The library holds the datagram now unless it handed it over
     * whole, or put fragments on the death row: those are this one's
     * (refused, or the whole set of a datagram it gave up). */
    bool held = r == NULL && e->death_row.cnt == 0;
    if (known == 0 && !held)
        dp_frag_track_done(&e->frag_track, flow);
    else if (known == 1 && held)
        dp_frag_track_add(&e->frag_track, &key, proto, tms);
    frag_free_dead(e, DP_DROP_FRAG_REFUSED);
    if (r == NULL)
        return; /* kept for later, or refused and counted */
    /* Each fragment's header was checked; the library zeroes the checksum
     * of the header it rebuilds. */
    r->ol_flags = (r->ol_flags & ~RTE_MBUF_F_RX_IP_CKSUM_MASK) | RTE_MBUF_F_RX_IP_CKSUM_GOOD;
    if (r->nb_segs > 1) {
        r = linearize(e, r);
        if (r == NULL) {
            e->pst[port].drops[DP_DROP_FRAG]++;
            return;
        }
    }
    e->pst[port].reassembled++;
    e->rx_reassembled = true;
    if (v6)
        ipv6_input(e, r, port, l2);
    else
        ipv4_input(e, r, port, l2);
    e->rx_reassembled = false;
}

/* Reassembly runs on engine 0 only: fragments of one datagram may arrive
 * on different queues. The engine that received a fragment counts it. */
static void frag_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2,
                       uint32_t l3_len, bool v6)
{
    e->pst[port].rx_frags++;
    if (e->index != 0) {
        m->port = port;
        m->l2_len = l2;
        if (!dp_mailbox_send(e, 0, m, DP_MB_FRAG))
            e->pst[port].drops[DP_DROP_MAILBOX_FULL]++;
        return;
    }
    frag_reassemble(e, m, port, l2, l3_len, v6);
}

/* The frame m came to a link-layer broadcast or multicast address. */
static bool l2_multicast(const struct rte_mbuf *m)
{
    return rte_is_multicast_ether_addr(
        &rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->dst_addr);
}

/* The options of an IPv4 header (len bytes after the fixed 20): -1 if
 * one overruns them (RFC 791 3.1: type, length counting both, data), 1 if
 * there is a loose or strict source route, else 0. A host that does not
 * forward must not answer along a route another host chose, nor act on
 * one not yet done (RFC 1122 3.2.1.8, 3.3.5): source-routed datagrams are
 * dropped, as RFC 7126 4.3 and 4.4 advise. Other options are ignored
 * (RFC 1122 3.2.1.8). */
static int ipv4_options_check(const uint8_t *o, uint32_t len)
{
    for (uint32_t i = 0; i < len;) {
        if (o[i] == 0) /* end of option list */
            return 0;
        if (o[i] == 1) { /* no operation */
            i++;
            continue;
        }
        if (i + 2 > len || o[i + 1] < 2 || i + o[i + 1] > len)
            return -1;
        if (o[i] == 131 || o[i] == 137) /* LSRR, SSRR */
            return 1;
        i += o[i + 1];
    }
    return 0;
}

static void ipv4_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2)
{
    struct rte_ipv4_hdr *ip;
    uint32_t ihl, tot;
    struct sctp_addr src = {.family = SCTP_AF_INET}, dst = {.family = SCTP_AF_INET};

    if (rte_pktmbuf_pkt_len(m) < l2 + sizeof(*ip)) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
    ihl = (ip->version_ihl & 0xf) * 4u;
    tot = rte_be_to_cpu_16(ip->total_length);
    if ((ip->version_ihl >> 4) != 4 || ihl < 20 || tot < ihl || tot > rte_pktmbuf_pkt_len(m) - l2) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
        ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
         rte_raw_cksum(ip, ihl) != 0xffff)) {
        drop(e, port, m, DP_DROP_IP_CSUM);
        return;
    }
    /* Ethernet padding would read as SCTP bytes. */
    if (rte_pktmbuf_pkt_len(m) > l2 + tot)
        rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (l2 + tot));
    memcpy(src.addr, &ip->src_addr, 4);
    memcpy(dst.addr, &ip->dst_addr, 4);
    if (!dp_addr_is_local(&dst, port) || l2_multicast(m)) {
        /* RFC 1122 3.3.6: a datagram to one of our addresses that came
         * in a link-layer broadcast or multicast is discarded. */
        drop(e, port, m, DP_DROP_L3_NOT_OURS);
        return;
    }
    if (src_bad(&src)) {
        drop(e, port, m, DP_DROP_BAD_SRC);
        return;
    }
    if (ihl > sizeof(*ip)) {
        int o = ipv4_options_check((const uint8_t *)(ip + 1), ihl - (uint32_t)sizeof(*ip));
        if (o != 0) {
            drop(e, port, m, o > 0 ? DP_DROP_SRC_ROUTE : DP_DROP_L3_MALFORMED);
            return;
        }
    }
    if (rte_ipv4_frag_pkt_is_fragmented(ip)) {
        frag_input(e, m, port, l2, ihl, false);
        return;
    }
    switch (ip->next_proto_id) {
    case IPPROTO_SCTP_:
        sctp_rx(e, m, port, l2, l2 + ihl, &src, &dst);
        return;
    case IPPROTO_ICMP:
        icmp4_input(e, m, port, ip, l2 + ihl, tot - ihl);
        return;
    default:
        /* RFC 1122 3.2.2.1: protocol unreachable (code 2). */
        icmp_error(e, m, port, l2, false, 3, 2, 0);
        drop(e, port, m, DP_DROP_L3_PROTO);
    }
}

static bool v6_for_us(const uint8_t *d, uint16_t port)
{
    struct sctp_addr a = {.family = SCTP_AF_INET6};
    static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};

    memcpy(a.addr, d, 16);
    if (dp_addr_is_local(&a, port) || memcmp(d, all_nodes, 16) == 0)
        return true;
    /* Solicited-node multicast of one of our addresses. */
    if (memcmp(d, snm_prefix, sizeof(snm_prefix)) == 0) {
        for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
            const struct dp_addr_conf *ac = &dp.conf.addrs[i];
            if (ac->port == port && ac->addr.family == SCTP_AF_INET6 &&
                memcmp(ac->addr.addr + 13, d + 13, 3) == 0)
                return true;
        }
    }
    return false;
}

/* RFC 8200 4.2: the options of a Hop-by-Hop or Destination Options
 * header (x, xlen bytes): Pad1 and PadN are skipped, as is an unknown
 * option whose type has 00 in its two high bits. Returns 0 when the
 * packet goes on; otherwise the two high bits of the first unknown option
 * that says to discard the packet (01, 10 or 11: 10 and 11 ask for a
 * Parameter Problem, 11 only to a unicast destination), with its offset
 * in x at *bad, or 1 (discard, nothing sent) for options that overrun
 * the header. */
static unsigned ext_options_check(const uint8_t *x, uint32_t xlen, uint32_t *bad)
{
    for (uint32_t o = 2; o < xlen;) {
        uint8_t type = x[o];
        if (type == 0) {
            o++;
            continue;
        }
        if (o + 2 > xlen || o + 2u + x[o + 1] > xlen)
            return 1;
        if (type != 1 && (type >> 6) != 0) {
            *bad = o;
            return type >> 6;
        }
        o += 2u + x[o + 1];
    }
    return 0;
}

/*
 * RFC 7112 5: the first fragment of an IPv6 datagram (offset 0) holds the
 * whole header chain, up to and including the upper-layer header; one
 * that does not is discarded. nh is the header after the fragment
 * header, at off; the chain must end within the frame (m is one segment,
 * trimmed to the IPv6 payload). At most 8 extension headers are walked;
 * a longer chain counts as incomplete. For an upper-layer protocol whose
 * header length we do not know, the chain is complete once it is named.
 */
static bool first_frag_chain_ok(const struct rte_mbuf *m, uint32_t off, uint8_t nh)
{
    const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
    uint32_t end = rte_pktmbuf_pkt_len(m), xlen;

    for (unsigned hops = 0; hops < 8; hops++) {
        switch (nh) {
        case 43: /* Routing */
        case 60: /* Destination Options */
            if (off + 2 > end)
                return false;
            xlen = (p[off + 1] + 1u) * 8;
            break;
        case 51: /* AH: RFC 4302 2.2, in 4-byte units less 2 */
            if (off + 2 > end)
                return false;
            xlen = (p[off + 1] + 2u) * 4;
            break;
        case 0:  /* RFC 8200 4.3: Hop-by-Hop comes right after the IPv6 header only */
        case 44: /* a second Fragment header */
            return false;
        case IPPROTO_SCTP_:
            return off + 12 <= end; /* the common header, RFC 9260 3.1 */
        case IPPROTO_ICMPV6_:
            return off + 4 <= end; /* type, code, checksum, RFC 4443 2.1 */
        case 6:
            return off + 20 <= end; /* TCP */
        case 17:
            return off + 8 <= end; /* UDP */
        default:
            return true;
        }
        if (off + xlen > end)
            return false;
        nh = p[off];
        off += xlen;
    }
    return false;
}

static void ipv6_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port, uint32_t l2)
{
    struct rte_ipv6_hdr *ip6;
    uint32_t plen, off;
    uint8_t nh;
    struct sctp_addr src = {.family = SCTP_AF_INET6}, dst = {.family = SCTP_AF_INET6};

    if (rte_pktmbuf_pkt_len(m) < l2 + sizeof(*ip6)) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);
    plen = rte_be_to_cpu_16(ip6->payload_len);
    if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6 ||
        plen > rte_pktmbuf_pkt_len(m) - l2 - sizeof(*ip6)) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    if (rte_pktmbuf_pkt_len(m) > l2 + sizeof(*ip6) + plen)
        rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (l2 + sizeof(*ip6) + plen));
    if (!v6_for_us(ip6->dst_addr, port) || (ip6->dst_addr[0] != 0xff && l2_multicast(m))) {
        drop(e, port, m, DP_DROP_L3_NOT_OURS);
        return;
    }
    memcpy(src.addr, ip6->src_addr, 16);
    memcpy(dst.addr, ip6->dst_addr, 16);
    /* An unspecified source is the one a Neighbour Solicitation for
     * duplicate address detection has, and one of our own addresses the
     * one of another host's Neighbor Advertisement or Solicitation that
     * claims it (an address conflict, nd_input): icmp6_input() lets only
     * those by. */
    bool bad_src = src_bad(&src);
    if (bad_src && !((v6_unspecified(ip6->src_addr) || addr_ours(&src) >= 0) &&
                     ip6->proto == IPPROTO_ICMPV6_)) {
        drop(e, port, m, DP_DROP_BAD_SRC);
        return;
    }
    /* ICMPv6 errors go to a unicast source that is not ours (the
     * exceptions above), about a datagram unicast to us in a unicast
     * frame (RFC 4443 2.4 e). */
    bool err_ok = !bad_src && !l2_multicast(m) && ip6->dst_addr[0] != 0xff;
    /* Walk the extension headers we know (RFC 8200 4); nh_off is where
     * the Next Header field that names nh is. */
    uint32_t nh_off = l2 + 6;
    nh = ip6->proto;
    off = l2 + sizeof(*ip6);
    /* RFC 6980 5: Neighbour Discovery in a datagram with a Fragment
     * header, even an atomic one, or reassembled, is ignored (below). */
    bool frag_hdr = e->rx_reassembled;
    for (unsigned hops = 0; hops < 8; hops++) {
        if (nh == 0 || nh == 43 || nh == 60) {
            if (off + 8 > rte_pktmbuf_pkt_len(m)) {
                drop(e, port, m, DP_DROP_L3_MALFORMED);
                return;
            }
            uint8_t *x = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
            uint32_t xlen = (x[1] + 1u) * 8;
            if (off + xlen > rte_pktmbuf_pkt_len(m)) {
                drop(e, port, m, DP_DROP_L3_MALFORMED);
                return;
            }
            /* RFC 8200 4.1: a Hop-by-Hop Options header anywhere but
             * right after the IPv6 header is an unrecognized Next Header
             * value (Parameter Problem, code 1, at the field naming it). */
            if (nh == 0 && off != l2 + sizeof(*ip6)) {
                if (err_ok)
                    icmp_error(e, m, port, l2, true, 4, 1, nh_off - l2);
                drop(e, port, m, DP_DROP_L3_PROTO);
                return;
            }
            /* RFC 8200 4.4: a Routing header with segments left is for a
             * router to act on; we are its final destination only when
             * none are left, and to us every Routing Type is one we do
             * not know: a Parameter Problem (code 0) names it. 4.2: an
             * option we do not know whose type says so (its two high
             * bits not 00) discards the packet, with a Parameter Problem
             * (code 2) naming it if those bits are 10 or 11. (10 asks for
             * one to a multicast destination too, which RFC 4443 2.4 e.3
             * allows, not requires: none is sent to those, as no address
             * of ours was named to send it from.) */
            uint32_t bad = 0;
            unsigned act = nh == 43 ? 0 : ext_options_check(x, xlen, &bad);
            if ((nh == 43 && x[3] != 0) || act != 0) {
                /* None about an ICMPv6 error, though (RFC 4443 2.4 e.1). */
                bool tell = err_ok && !icmp_error_inside(m, off + xlen, x[0], true);
                if (tell && nh == 43)
                    icmp_error(e, m, port, l2, true, 4, 0, off + 2 - l2);
                else if (tell && act >= 2)
                    icmp_error(e, m, port, l2, true, 4, 2, off + bad - l2);
                drop(e, port, m, DP_DROP_L3_PROTO);
                return;
            }
            nh_off = off;
            nh = x[0];
            off += xlen;
            continue;
        }
        if (nh == 44) {
            if (off + 8 > rte_pktmbuf_pkt_len(m)) {
                drop(e, port, m, DP_DROP_L3_MALFORMED);
                return;
            }
            uint8_t *x = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
            if ((x[2] << 8 | (x[3] & 0xf9)) == 0) {
                /* RFC 8200 4.5, RFC 6946: an atomic fragment (offset 0,
                 * no more fragments) is the whole packet: no reassembly. */
                frag_hdr = true;
                nh_off = off;
                nh = x[0];
                off += 8;
                continue;
            }
            /* RFC 8200 4.5: a fragment that is not the last must carry a
             * multiple of 8 bytes, and no fragment may end past a
             * payload of 65,535 bytes (with the headers in front of the
             * Fragment header, which each fragment repeats): each is
             * dropped with a Parameter Problem (code 0) pointing at the
             * Payload Length or at the Fragment Offset. */
            uint32_t unfrag = off - (l2 + (uint32_t)sizeof(*ip6));
            uint32_t flen = plen - unfrag - 8u;
            uint32_t foff = (uint32_t)(x[2] << 8 | (x[3] & 0xf8));
            bool too_long = unfrag + foff + flen > UINT16_MAX;
            if (((x[3] & 1) && (flen & 7) != 0) || too_long) {
                if (err_ok)
                    icmp_error(e, m, port, l2, true, 4, 0, too_long ? off + 2 - l2 : 4);
                drop(e, port, m, DP_DROP_FRAG);
                return;
            }
            if (unfrag > 0) {
                frag6_strip(m, l2, unfrag, foff == 0);
                ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);
                off -= unfrag;
                x = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
            }
            /* A first fragment that cuts the header chain short is
             * dropped before it takes a slot in reassembly, with a
             * Parameter Problem (code 3, pointer 0) to its source (RFC
             * 7112 5). */
            if (x[2] == 0 && (x[3] & 0xf8) == 0 && !first_frag_chain_ok(m, off + 8, x[0])) {
                if (err_ok)
                    icmp_error(e, m, port, l2, true, 4, 3, 0);
                drop(e, port, m, DP_DROP_FRAG_CHAIN);
                return;
            }
            frag_input(e, m, port, l2, sizeof(*ip6) + 8, true);
            return;
        }
        break;
    }
    if (off > rte_pktmbuf_pkt_len(m)) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    switch (nh) {
    case IPPROTO_SCTP_:
        if (dst.addr[0] == 0xff) {
            drop(e, port, m, DP_DROP_L3_NOT_OURS);
            return;
        }
        sctp_rx(e, m, port, l2, off, &src, &dst);
        return;
    case IPPROTO_ICMPV6_:
        if (frag_hdr && off < rte_pktmbuf_pkt_len(m)) {
            uint8_t type = *rte_pktmbuf_mtod_offset(m, uint8_t *, off);
            if (type >= ND_TYPE_FIRST && type <= ND_TYPE_LAST) {
                drop(e, port, m, DP_DROP_L3_MALFORMED);
                return;
            }
        }
        icmp6_input(e, m, port, l2, ip6, off, rte_pktmbuf_pkt_len(m) - off);
        return;
    case 59:
        /* RFC 8200 4.7: No Next Header: nothing follows, nothing to say. */
        drop(e, port, m, DP_DROP_L3_PROTO);
        return;
    default:
        /* RFC 8200 4: a Next Header value we do not know gets a
         * Parameter Problem (code 1) that points at it. */
        if (err_ok)
            icmp_error(e, m, port, l2, true, 4, 1, nh_off - l2);
        drop(e, port, m, DP_DROP_L3_PROTO);
    }
}

void dp_net_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port)
{
    struct rte_ether_hdr *eh;
    const struct dp_port *p = &dp.ports[port];
    uint16_t et, vlan = 0;
    uint32_t l2 = RTE_ETHER_HDR_LEN;

    e->pst[port].rx_packets++;
    e->pst[port].rx_bytes += m->pkt_len;
    if (m->nb_segs > 1) {
        m = linearize(e, m);
        if (m == NULL) {
            e->pst[port].drops[DP_DROP_NOMBUF]++;
            return;
        }
    }
    if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN) {
        drop(e, port, m, DP_DROP_L3_MALFORMED);
        return;
    }
    eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
    if (!rte_is_same_ether_addr(&eh->dst_addr, &p->mac) &&
        !rte_is_multicast_ether_addr(&eh->dst_addr)) {
        drop(e, port, m, DP_DROP_L2_NOT_OURS);
        return;
    }
    /* A group address is never a frame's source (IEEE 802): answers
     * built from it would go to every host on the link. */
    if (rte_is_multicast_ether_addr(&eh->src_addr)) {
        drop(e, port, m, DP_DROP_L2_BAD_SRC);
        return;
    }
    et = rte_be_to_cpu_16(eh->ether_type);
    if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
        vlan = m->vlan_tci & 0xfff;
    if (et == RTE_ETHER_TYPE_VLAN) {
        struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);
        if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 4) {
            drop(e, port, m, DP_DROP_L3_MALFORMED);
            return;
        }
        vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
        et = rte_be_to_cpu_16(vh->eth_proto);
        l2 += 4;
    }
    if (vlan != p->vlan || (vlan != 0 && l2 == RTE_ETHER_HDR_LEN)) {
        /* Stripped tags are not re-inserted on TX: only in-band 802.1Q. */
        drop(e, port, m, DP_DROP_VLAN);
        return;
    }
    if (vlan == 0 && l2 != RTE_ETHER_HDR_LEN) {
        /* A priority tag (802.1Q with VLAN ID 0) on an untagged port:
         * what goes back is untagged, and answers built in place take
         * the frame's Ethernet header to be the port's, so the tag goes
         * now. */
        memmove((uint8_t *)eh + 4, eh, 2 * RTE_ETHER_ADDR_LEN);
        rte_pktmbuf_adj(m, 4);
        eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
        eh->ether_type = rte_cpu_to_be_16(et);
        l2 = RTE_ETHER_HDR_LEN;
    }
    switch (et) {
    case RTE_ETHER_TYPE_ARP:
        arp_input(e, m, port, l2);
        return;
    case RTE_ETHER_TYPE_IPV4:
        ipv4_input(e, m, port, l2);
        return;
    case RTE_ETHER_TYPE_IPV6:
        ipv6_input(e, m, port, l2);
        return;
    default:
        drop(e, port, m, DP_DROP_L2_PROTO);
    }
}

/* Something another engine sent us. */
void dp_net_mailbox(struct dp_engine *e, struct rte_mbuf *m)
{
    uint32_t kind = m->hash.usr;

    e->st.mailbox_rx++;
    switch (kind) {
    case DP_MB_SCTP: {
        /* Already checked by the receiving engine; offsets in l2/l3_len. */
        uint32_t l3 = m->l2_len, l4 = m->l2_len + m->l3_len;
        struct sctp_addr src, dst;
        uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, l3);
        memset(&src, 0, sizeof(src));
        memset(&dst, 0, sizeof(dst));
        if ((ip[0] >> 4) == 4) {
            src.family = dst.family = SCTP_AF_INET;
            memcpy(src.addr, ip + 12, 4);
            memcpy(dst.addr, ip + 16, 4);
        } else {
            src.family = dst.family = SCTP_AF_INET6;
            memcpy(src.addr, ip + 8, 16);
            memcpy(dst.addr, ip + 24, 16);
        }
        dp_sctp_input(e, m, l3, l4, &src, &dst, true);
        return;
    }
    case DP_MB_NEIGH: {
        struct mb_neigh *mn = rte_pktmbuf_mtod(m, struct mb_neigh *);
        if (mn->no_override)
            neigh_no_override(e, &mn->ip, &mn->mac);
        else
            neigh_learn(e, &mn->ip, &mn->mac, mn->port, true, mn->confirmed);
        rte_pktmbuf_free(m);
        return;
    }
    case DP_MB_ICMP: {
        struct mb_icmp *mp = rte_pktmbuf_mtod(m, struct mb_icmp *);
        dp_icmp_report(e, &mp->peer, mp->local_port, mp->peer_port, mp->quote, mp->quote_len,
                       (enum dp_icmp_kind)mp->kind, mp->mtu);
        rte_pktmbuf_free(m);
        return;
    }
    case DP_MB_FRAG: {
        uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len);
        bool v6 = (ip[0] >> 4) == 6;
        frag_reassemble(e, m, m->port, m->l2_len, v6 ? 48 : (ip[0] & 0xf) * 4u, v6);
        return;
    }
    default:
        rte_pktmbuf_free(m);
    }
}

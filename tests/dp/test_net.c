/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's Ethernet, ARP, IPv4, IPv6 and ND input (dp_net_input),
 * frame by frame, on the EAL without hugepages or devices: two net_ring
 * ports (a ring port sends what it transmits back to its own receive
 * queue, where the test reads it before the engine polls again).
 *
 * Port 0 has 198.18.1.1/24 and 2001:2::1/64 (first of their families),
 * then 198.18.2.1/24, fe80::1/64 and 2001:4::1/64; port 1 198.19.0.1/16; the
 * echo service listens on SCTP port 5001. Our MAC on port 0 is
 * 02:00:00:00:00:01, on port 1 02:00:00:00:00:02; the peer on port 0 is
 * 198.18.1.2 / 2001:2::2 at 02:00:00:00:00:99.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "check.h"
#include "dp.h"
#include "sctp_codec.h"
#include "sctp_crc32c.h"

static struct dp_engine *eng;
static const uint8_t MAC0[6] = {2, 0, 0, 0, 0, 1}, MAC1[6] = {2, 0, 0, 0, 0, 2},
                     PEER[6] = {2, 0, 0, 0, 0, 0x99}, OTHER[6] = {2, 0, 0, 0, 0, 0x66},
                     BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t IP_US[4] = {198, 18, 1, 1}, IP_PEER[4] = {198, 18, 1, 2},
                     IP_US1_OTHER[4] = {198, 19, 0, 99}, IP_US1[4] = {198, 19, 0, 1},
                     IP_PEER1[4] = {198, 19, 0, 2};
static const uint8_t IP6_US[16] = {0x20, 0x01, 0, 2, [15] = 1},
                     IP6_PEER[16] = {0x20, 0x01, 0, 2, [15] = 2};

/* ---- frames ---- */

struct frame {
    uint8_t b[2048];
    uint32_t len;
};

static uint8_t *put(struct frame *f, const void *p, uint32_t n)
{
    uint8_t *at = f->b + f->len;
    if (p)
        memcpy(at, p, n);
    else
        memset(at, 0, n);
    f->len += n;
    return at;
}

static void put16(struct frame *f, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(f, x, 2);
}

/* Ethernet header, with an 802.1Q tag of VLAN ID vid if tagged. */
static void eth(struct frame *f, const uint8_t *dst, const uint8_t *src, uint16_t type, bool tagged,
                uint16_t vid)
{
    f->len = 0;
    put(f, dst, 6);
    put(f, src, 6);
    if (tagged) {
        put16(f, 0x8100);
        put16(f, (uint16_t)(5u << 13 | vid)); /* priority 5 */
    }
    put16(f, type);
}

static void arp(struct frame *f, const uint8_t *dst, const uint8_t *src, bool tagged,
                const uint8_t *sha, const uint8_t *spa, const uint8_t *tpa)
{
    eth(f, dst, src, 0x0806, tagged, 0);
    put16(f, 1);
    put16(f, 0x0800);
    uint8_t hl[2] = {6, 4};
    put(f, hl, 2);
    put16(f, 1); /* request */
    put(f, sha, 6);
    put(f, spa, 4);
    put(f, NULL, 6);
    put(f, tpa, 4);
}

/* 198.18.1.2's ARP reply to us: an answer to a request of ours. */
static void arp_answer(struct frame *f)
{
    arp(f, MAC0, PEER, false, PEER, IP_PEER, IP_US);
    f->b[21] = 2;
    memcpy(f->b + 32, MAC0, 6);
}

/* An IPv4 header (no options) for a payload of plen bytes; returns it. */
static uint8_t *ipv4(struct frame *f, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                     uint16_t plen)
{
    uint8_t *ip = put(f, NULL, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + plen) >> 8), ip[3] = (uint8_t)(20 + plen);
    ip[6] = 0x40; /* DF */
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    uint16_t c = rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip);
    memcpy(ip + 10, &c, 2);
    return ip;
}

static void icmp4_echo(struct frame *f, const uint8_t *dmac, const uint8_t *src, const uint8_t *dst)
{
    eth(f, dmac, PEER, 0x0800, false, 0);
    ipv4(f, src, dst, 1, 16);
    uint8_t *ic = put(f, NULL, 16);
    ic[0] = 8;
    ic[4] = 0x12, ic[5] = 0x34;
    memset(ic + 8, 0x5a, 8);
    uint16_t c = (uint16_t)~rte_raw_cksum(ic, 16);
    memcpy(ic + 2, &c, 2);
}

/* An SCTP INIT to port 5001 (20 + 12 bytes), its CRC32c filled in. */
static void sctp_init(uint8_t *p)
{
    memset(p, 0, 32);
    p[0] = 0x9c, p[1] = 0x40; /* source port 40000 */
    p[2] = 5001 >> 8, p[3] = 5001 & 0xff;
    p[12] = SCTP_CT_INIT;
    p[15] = 20;
    p[16] = 0x11, p[17] = 0x22, p[18] = 0x33, p[19] = 0x44; /* initiate tag */
    p[22] = 0xff;                                           /* a_rwnd */
    p[25] = 1, p[27] = 1;                                   /* streams */
    p[31] = 1;                                              /* initial TSN */
    struct sctp_frag seg = {.data = p, .len = 32};
    sctp_crc32c_fill(&seg, 1, p);
}

static void init4(struct frame *f, uint16_t port)
{
    eth(f, port ? MAC1 : MAC0, PEER, 0x0800, false, 0);
    ipv4(f, port ? IP_PEER1 : IP_PEER, port ? IP_US1 : IP_US, 132, 32);
    sctp_init(put(f, NULL, 32));
}

/* IPv6 header with payload plen, next header nh; returns it. */
static uint8_t *ipv6(struct frame *f, const uint8_t *src, const uint8_t *dst, uint8_t nh,
                     uint16_t plen, uint8_t hlim)
{
    uint8_t *ip = put(f, NULL, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(plen >> 8), ip[5] = (uint8_t)plen;
    ip[6] = nh;
    ip[7] = hlim;
    memcpy(ip + 8, src, 16);
    memcpy(ip + 24, dst, 16);
    return ip;
}

/* ICMPv6 checksum of an ICMPv6 message right after the IPv6 header. */
static void icmp6_cksum(uint8_t *ip, uint8_t *ic)
{
    ic[2] = ic[3] = 0;
    uint16_t c = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)ip, ic);
    memcpy(ic + 2, &c, 2);
}

/* A Neighbour Solicitation for 2001:2::1 from src (the unspecified
 * address for DAD) to dst, with a source link-layer option of length
 * opt_units (0: a malformed option; -1: none). */
static void ns(struct frame *f, const uint8_t *src, const uint8_t *dst, const uint8_t *dmac,
               int opt_units)
{
    eth(f, dmac, PEER, 0x86dd, false, 0);
    uint16_t len = (uint16_t)(24 + (opt_units >= 0 ? 8 : 0));
    uint8_t *ip = ipv6(f, src, dst, 58, len, 255);
    uint8_t *ic = put(f, NULL, len);
    ic[0] = 135;
    memcpy(ic + 8, IP6_US, 16);
    if (opt_units >= 0) {
        ic[24] = 1;
        ic[25] = (uint8_t)opt_units;
        memcpy(ic + 26, PEER, 6);
    }
    icmp6_cksum(ip, ic);
}

/* ---- the engine ---- */

static void in(uint16_t port, const struct frame *f)
{
    struct rte_mbuf *m = rte_pktmbuf_alloc(eng->pool);
    if (m == NULL) {
        CHECK(0, "no mbuf");
        return;
    }
    memcpy(rte_pktmbuf_append(m, (uint16_t)f->len), f->b, f->len);
    m->port = port;
    eng->now = dp_now_ns();
    dp_net_input(eng, m, port);
    /* The rest of a loop turn: what the protocol core writes (the INIT
     * ACK) goes out, with the frames staged above. The rings are empty
     * when it polls them (out() read them). */
    dp_engine_turn(eng);
}

/* What the engine sent on a port since the last look. */
static unsigned out(uint16_t port, struct frame *got, unsigned max)
{
    struct rte_mbuf *ms[32];
    unsigned n = 0;
    uint16_t k = rte_eth_rx_burst(dp.ports[port].port_id, 0, ms, 32);
    for (uint16_t i = 0; i < k; i++) {
        uint32_t len = rte_pktmbuf_pkt_len(ms[i]);
        if (n < max && len <= sizeof(got[n].b)) {
            const void *p = rte_pktmbuf_read(ms[i], 0, len, got[n].b);
            if (p != got[n].b)
                memcpy(got[n].b, p, len);
            got[n].len = len;
            n++;
        }
        rte_pktmbuf_free(ms[i]);
    }
    return n;
}

static void flush_out(void)
{
    struct frame junk[8];
    while (out(0, junk, 8) || out(1, junk, 8))
        ;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- fragments ---- */

/* Part 0 or 1 of a 16-byte ICMP echo request from src to us, in two
 * IPv4 fragments of 8 bytes each (identification id). */
static void echo4_frag(struct frame *f, const uint8_t *src, uint16_t id, unsigned part)
{
    uint8_t ic[16] = {8, 0, 0, 0, 0x12, 0x34, (uint8_t)(id >> 8), (uint8_t)id};
    memset(ic + 8, 0x5a, 8);
    uint16_t c = (uint16_t)~rte_raw_cksum(ic, 16);
    memcpy(ic + 2, &c, 2);
    eth(f, MAC0, PEER, 0x0800, false, 0);
    uint8_t *ip = ipv4(f, src, IP_US, 1, 8);
    ip[4] = (uint8_t)(id >> 8), ip[5] = (uint8_t)id;
    ip[6] = part == 0 ? 0x20 : 0; /* MF on the first */
    ip[7] = part == 0 ? 0 : 1;    /* offset in 8-byte units */
    ip[10] = ip[11] = 0;
    c = rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip);
    memcpy(ip + 10, &c, 2);
    put(f, ic + 8 * part, 8);
}

/* An IPv6 fragment from src to us: a Fragment header (next header nh,
 * offset ofs in bytes, M if more, identification id), then len bytes. */
static void frag6(struct frame *f, const uint8_t *src, uint32_t id, uint8_t nh, uint16_t ofs,
                  bool more, const uint8_t *data, uint16_t len)
{
    eth(f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(f, src, IP6_US, 44, (uint16_t)(8 + len), 64);
    uint8_t *fh = put(f, NULL, 8);
    fh[0] = nh;
    fh[2] = (uint8_t)(ofs >> 8), fh[3] = (uint8_t)((ofs & 0xf8) | (more ? 1 : 0));
    fh[4] = (uint8_t)(id >> 24), fh[5] = (uint8_t)(id >> 16), fh[6] = (uint8_t)(id >> 8);
    fh[7] = (uint8_t)id;
    put(f, data, len);
}

/* The first of two IPv6 fragments of an ICMPv6 echo request from src. */
static void echo6_first_frag(struct frame *f, const uint8_t *src, uint32_t id)
{
    static const uint8_t ic[8] = {128};
    frag6(f, src, id, 58, 0, true, ic, 8);
}

/* ICMP echo replies that went out on port 0 to the IPv4 address to. */
static unsigned echo_replies(const uint8_t *to)
{
    struct frame got[32];
    unsigned n = out(0, got, 32), r = 0;
    for (unsigned i = 0; i < n; i++)
        r += be16(got[i].b + 12) == 0x0800 && got[i].b[23] == 1 && got[i].b[34] == 0 &&
             memcmp(got[i].b + 30, to, 4) == 0;
    return r;
}

static uint64_t drops0(enum dp_drop d)
{
    return eng->pst[0].drops[d];
}

/* ---- checks ---- */

/* A neighbour of port 0 named in an ARP on port 1 stays on port 0: the
 * INIT ACK to 198.18.1.2 goes out on port 0 to its MAC (it went out on
 * port 1 to the other host's). */
static void test_neighbour_stays_on_its_port(void)
{
    struct frame f, got[8];
    arp(&f, BCAST, PEER, false, PEER, IP_PEER, IP_US);
    in(0, &f);
    CHECK(out(0, got, 8) == 1 && be16(got[0].b + 12) == 0x0806 && be16(got[0].b + 20) == 2,
          "no ARP reply on port 0");
    arp(&f, BCAST, OTHER, false, OTHER, IP_PEER, IP_US1_OTHER);
    in(1, &f);
    flush_out();
    init4(&f, 0);
    in(0, &f);
    unsigned n0 = out(0, got, 8);
    CHECK(n0 == 1, "port 0 sent %u frames", n0);
    CHECK(n0 >= 1 && memcmp(got[0].b, PEER, 6) == 0 && got[0].b[23] == 132,
          "the INIT ACK did not go to the peer's MAC");
    unsigned n1 = out(1, got, 8);
    CHECK(n1 == 0, "port 1 sent %u frames", n1);
}

/* A host that fills the neighbour table with addresses of a large
 * subnet (ARP requests for us from 600 of them) does not push out the
 * neighbour our traffic uses: the next INIT ACK to it goes at once, not
 * after an ARP request. */
static void test_neighbour_table_flood(void)
{
    struct frame f, got[8];
    flush_out();
    arp(&f, BCAST, PEER, false, PEER, IP_PEER1, IP_US1);
    in(1, &f);
    init4(&f, 1);
    in(1, &f);
    unsigned n = out(1, got, 8);
    unsigned acks = 0;
    for (unsigned i = 0; i < n; i++)
        acks += be16(got[i].b + 12) == 0x0800 && got[i].b[23] == 132;
    CHECK(acks == 1, "no INIT ACK on port 1 (%u frames)", n);
    for (unsigned i = 0; i < 600; i++) {
        uint8_t spa[4] = {198, 19, (uint8_t)(1 + i / 250), (uint8_t)(1 + i % 250)};
        arp(&f, BCAST, OTHER, false, OTHER, spa, IP_US1);
        in(1, &f);
        flush_out();
    }
    init4(&f, 1);
    in(1, &f);
    n = out(1, got, 8);
    CHECK(n >= 1 && be16(got[0].b + 12) == 0x0800 && got[0].b[23] == 132 &&
              memcmp(got[0].b, PEER, 6) == 0,
          "the INIT ACK to a neighbour in use waited for ARP after the flood (%u frames)", n);
}

/* An ARP request with a priority tag (VLAN ID 0) on an untagged port
 * gets an untagged reply (it had 4 stray bytes of the tag). */
static void test_priority_tag(void)
{
    struct frame f, got[8];
    flush_out();
    arp(&f, BCAST, PEER, true, PEER, IP_PEER, IP_US);
    in(0, &f);
    unsigned n = out(0, got, 8);
    CHECK(n == 1, "%u frames", n);
    CHECK(n == 1 && be16(got[0].b + 12) == 0x0806 && be16(got[0].b + 14) == 1 &&
              be16(got[0].b + 20) == 2 && memcmp(got[0].b + 28, IP_US, 4) == 0,
          "not an untagged ARP reply: %02x%02x %02x%02x", got[0].b[12], got[0].b[13], got[0].b[14],
          got[0].b[15]);
}

/* RFC 1122 3.3.6: an echo request to our unicast address in a broadcast
 * frame is discarded; the same in a unicast frame is answered. */
static void test_broadcast_unicast_ip(void)
{
    struct frame f, got[8];
    flush_out();
    icmp4_echo(&f, BCAST, IP_PEER, IP_US);
    in(0, &f);
    CHECK(out(0, got, 8) == 0, "answered an echo that came in a broadcast frame");
    icmp4_echo(&f, MAC0, IP_PEER, IP_US);
    in(0, &f);
    unsigned n = out(0, got, 8);
    CHECK(n == 1 && got[0].b[23] == 1 && got[0].b[34] == 0, "no echo reply");
}

static uint64_t rx_sctp0(void)
{
    return eng->pst[0].rx_sctp;
}

/* RFC 8200 4.5, RFC 6946: an atomic fragment (offset 0, M clear) is the
 * whole packet: the SCTP INIT in it reaches SCTP (it went to reassembly
 * and was held there until it expired). A Routing header with segments
 * left is for a router: an INIT behind one is discarded (it was taken). */
static void test_ipv6_headers(void)
{
    struct frame f;
    flush_out();
    /* Atomic fragment: IPv6 | Fragment(nh 132, offset 0, M 0) | INIT. */
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 44, 8 + 32, 64);
    uint8_t *fh = put(&f, NULL, 8);
    fh[0] = 132;
    fh[7] = 0x42; /* identification */
    sctp_init(put(&f, NULL, 32));
    uint64_t before = rx_sctp0();
    in(0, &f);
    CHECK(rx_sctp0() == before + 1, "the INIT in an atomic fragment did not reach SCTP");
    flush_out();
    /* Routing header type 0 with one segment left. */
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 43, 24 + 32, 64);
    uint8_t *rh = put(&f, NULL, 24);
    rh[0] = 132, rh[1] = 2, rh[2] = 0, rh[3] = 1;
    memcpy(rh + 8, IP6_PEER, 16);
    sctp_init(put(&f, NULL, 32));
    before = rx_sctp0();
    in(0, &f);
    CHECK(rx_sctp0() == before, "an INIT behind a Routing header with segments left was taken");
    /* A Destination Options header with an option whose type says to
     * discard the packet (0x80: skip not allowed). */
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 60, 8 + 32, 64);
    uint8_t *dh = put(&f, NULL, 8);
    dh[0] = 132, dh[1] = 0, dh[2] = 0x80, dh[3] = 4;
    sctp_init(put(&f, NULL, 32));
    before = rx_sctp0();
    in(0, &f);
    CHECK(rx_sctp0() == before, "an INIT behind an option to discard on was taken");
    /* The same with PadN only: taken. */
    dh = f.b + 14 + 40;
    dh[2] = 1;
    before = rx_sctp0();
    in(0, &f);
    CHECK(rx_sctp0() == before + 1, "an INIT behind a PadN option was not taken");
    flush_out();
}

/* RFC 4861 4.6, 7.1.1: a Neighbour Solicitation with an option of length
 * 0, or one for duplicate address detection (unspecified source) with a
 * source link-layer option or to a unicast address, is discarded; a
 * well-formed DAD one is answered to all nodes. */
static void test_nd_validation(void)
{
    static const uint8_t unspec[16], snm[16] = {0xff, 2, [11] = 1, [12] = 0xff, [15] = 1};
    static const uint8_t snm_mac[6] = {0x33, 0x33, 0xff, 0, 0, 1};
    struct frame f, got[8];
    flush_out();
    ns(&f, IP6_PEER, snm, snm_mac, 0);
    in(0, &f);
    CHECK(out(0, got, 8) == 0, "answered an NS with an option of length 0");
    ns(&f, unspec, snm, snm_mac, 1);
    in(0, &f);
    CHECK(out(0, got, 8) == 0, "answered a DAD NS with a source link-layer option");
    ns(&f, unspec, IP6_US, MAC0, -1);
    in(0, &f);
    CHECK(out(0, got, 8) == 0, "answered a DAD NS to a unicast address");
    ns(&f, unspec, snm, snm_mac, -1);
    in(0, &f);
    unsigned n = out(0, got, 8);
    CHECK(n == 1 && got[0].b[54] == 136 && got[0].b[38] == 0xff && got[0].b[53] == 1,
          "no NA to all nodes for a DAD NS");
    /* (The INIT ACKs of test_ipv6_headers, held for 2001:2::2 since,
     * go with the answer: the solicitation taught us its address.) */
    ns(&f, IP6_PEER, snm, snm_mac, 1);
    in(0, &f);
    n = out(0, got, 8);
    unsigned na = 0;
    for (unsigned i = 0; i < n; i++)
        na += got[i].b[54] == 136 && memcmp(got[i].b, PEER, 6) == 0;
    CHECK(na == 1, "no NA for a good NS (%u frames)", n);

    /* RFC 4861 7.2.5: an NA for 2001:2::2 from another MAC without the
     * Override flag leaves the known address as it is; with the flag,
     * it replaces it. Which one holds shows in where the INIT ACK for
     * an INIT from 2001:2::2 goes (an echo reply would not tell: it
     * answers in place, to the request's MAC). */
    for (int o = 0; o < 2; o++) {
        eth(&f, MAC0, OTHER, 0x86dd, false, 0);
        uint8_t *ip = ipv6(&f, IP6_PEER, IP6_US, 58, 32, 255);
        uint8_t *ic = put(&f, NULL, 32);
        ic[0] = 136;
        ic[4] = (uint8_t)(o ? 0x20 : 0); /* O */
        memcpy(ic + 8, IP6_PEER, 16);
        ic[24] = 2, ic[25] = 1; /* target link-layer address */
        memcpy(ic + 26, OTHER, 6);
        icmp6_cksum(ip, ic);
        in(0, &f);
        flush_out();
        eth(&f, MAC0, PEER, 0x86dd, false, 0);
        ipv6(&f, IP6_PEER, IP6_US, 132, 32, 64);
        sctp_init(put(&f, NULL, 32));
        in(0, &f);
        n = out(0, got, 8);
        CHECK(n == 1 && memcmp(got[0].b, o ? OTHER : PEER, 6) == 0,
              "NA %s the Override flag: the INIT ACK went to the wrong MAC",
              o ? "with" : "without");
    }
}

/* An IPv4 datagram of protocol proto with plen payload bytes (a
 * pattern) from the peer to us on port 0. */
static void ip4_proto(struct frame *f, const uint8_t *dmac, uint8_t proto, uint16_t plen)
{
    eth(f, dmac, PEER, 0x0800, false, 0);
    ipv4(f, IP_PEER, IP_US, proto, plen);
    uint8_t *p = put(f, NULL, plen);
    for (uint16_t i = 0; i < plen; i++)
        p[i] = (uint8_t)(i * 7 + 1);
}

/* The ICMP error in got (IPv4 or IPv6 after an untagged Ethernet header)
 * is to the peer, from us, of type and code, with a good checksum and
 * param after it, and quotes the first qlen bytes of the datagram in f. */
static bool icmp_error_is(const struct frame *got, const struct frame *f, bool v6, uint8_t type,
                          uint8_t code, uint32_t param, uint32_t qlen)
{
    const uint8_t *ip = got->b + 14, *ic;
    if (memcmp(got->b, PEER, 6) != 0 || memcmp(got->b + 6, MAC0, 6) != 0)
        return false;
    if (v6) {
        ic = ip + 40;
        if (be16(got->b + 12) != 0x86dd || ip[6] != 58 || memcmp(ip + 8, IP6_US, 16) != 0 ||
            memcmp(ip + 24, IP6_PEER, 16) != 0 || be16(ip + 4) != 8 + qlen ||
            rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)ip, ic) != 0)
            return false;
    } else {
        ic = ip + 20;
        if (be16(got->b + 12) != 0x0800 || ip[9] != 1 || memcmp(ip + 12, IP_US, 4) != 0 ||
            memcmp(ip + 16, IP_PEER, 4) != 0 || be16(ip + 2) != 20 + 8 + qlen ||
            rte_raw_cksum(ip, 20) != 0xffff || rte_raw_cksum(ic, 8 + qlen) != 0xffff)
            return false;
    }
    uint32_t p = (uint32_t)ic[4] << 24 | (uint32_t)ic[5] << 16 | (uint32_t)ic[6] << 8 | ic[7];
    return got->len == 14 + (v6 ? 40u : 20u) + 8 + qlen && ic[0] == type && ic[1] == code &&
           p == param && memcmp(ic + 8, f->b + 14, qlen) == 0;
}

/* RFC 1122 3.2.2.1: a datagram to us of a protocol we do not serve gets
 * a protocol unreachable, quoting it (up to 576 bytes in all, RFC 1812
 * 4.3.2.3); none for one in a broadcast frame. RFC 8200 4, 4.2, 4.4: an
 * unknown Next Header, an option whose type asks for it and a Routing
 * header with segments left get an ICMPv6 Parameter Problem (codes 1, 2
 * and 0) pointing at the field. RFC 4443 2.4 f: they are rate limited. */
static void test_icmp_errors(void)
{
    struct frame f, got[32];
    flush_out();
    eng->icmp_err_tat_ns = 0;
    ip4_proto(&f, MAC0, 6, 40); /* TCP */
    in(0, &f);
    unsigned n = out(0, got, 8);
    CHECK(n == 1 && icmp_error_is(&got[0], &f, false, 3, 2, 0, 20 + 40),
          "no protocol unreachable for TCP (%u frames)", n);
    ip4_proto(&f, MAC0, 17, 1200); /* UDP, quoted in part */
    in(0, &f);
    n = out(0, got, 8);
    CHECK(n == 1 && icmp_error_is(&got[0], &f, false, 3, 2, 0, 576 - 28),
          "protocol unreachable for a long datagram: not 576 bytes (%u frames)", n);
    ip4_proto(&f, BCAST, 6, 40);
    in(0, &f);
    CHECK(out(0, got, 8) == 0, "an ICMP error for a datagram in a broadcast frame");

    /* IPv6, Next Header 6 (TCP): pointer 6. */
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 6, 20, 64);
    put(&f, NULL, 20);
    in(0, &f);
    n = out(0, got, 8);
    CHECK(n == 1 && icmp_error_is(&got[0], &f, true, 4, 1, 6, 60),
          "no parameter problem (code 1) for an unknown next header (%u frames)", n);
    /* Destination Options with an unknown option of type 0x80 (10:
     * discard and report) at offset 2 of the header: pointer 42. */
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 60, 8 + 32, 64);
    uint8_t *dh = put(&f, NULL, 8);
    dh[0] = 132, dh[2] = 0x80, dh[3] = 4;
    sctp_init(put(&f, NULL, 32));
    in(0, &f);
    n = out(0, got, 8);
    CHECK(n == 1 && icmp_error_is(&got[0], &f, true, 4, 2, 42, 80),
          "no parameter problem (code 2) for an option that asks for one (%u frames)", n);
    /* Type 0x40 (01): discard without a word. */
    dh[2] = 0x40;
    in(0, &f);
    CHECK(out(0, got, 8) == 0, "an ICMP error for an option of type 01");
    /* A Routing header with a segment left: pointer at its type, 42. */
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 43, 24 + 32, 64);
    uint8_t *rh = put(&f, NULL, 24);
    rh[0] = 132, rh[1] = 2, rh[3] = 1;
    memcpy(rh + 8, IP6_PEER, 16);
    sctp_init(put(&f, NULL, 32));
    in(0, &f);
    n = out(0, got, 8);
    CHECK(n == 1 && icmp_error_is(&got[0], &f, true, 4, 0, 42, 96),
          "no parameter problem (code 0) for a Routing header with segments left (%u frames)", n);

    /* At one per second, 10 in a row and then none. */
    uint32_t rate = dp.conf.icmp_error_rate;
    uint64_t limited = eng->pst[0].icmp_error_limited;
    dp.conf.icmp_error_rate = 1;
    eng->icmp_err_tat_ns = 0;
    unsigned sent = 0;
    ip4_proto(&f, MAC0, 6, 40);
    for (int i = 0; i < 25; i++) {
        in(0, &f);
        sent += out(0, got, 32);
    }
    CHECK(sent == 10 && eng->pst[0].icmp_error_limited == limited + 15,
          "rate limit: %u errors sent of 25, %" PRIu64 " held back", sent,
          eng->pst[0].icmp_error_limited - limited);
    dp.conf.icmp_error_rate = rate;
    eng->icmp_err_tat_ns = 0;
    flush_out();
}

/* The fragment of an echo request of 8 + dlen bytes (ICMP header, then
 * data[i] = i * 3) that starts at byte off, len bytes of it, more: MF.
 * dopt (IPv6): the fragmentable part starts with an 8-byte Destination
 * Options header, the echo request behind it. */
static void echo_frag(struct frame *f, bool v6, uint32_t off, uint32_t len, bool more,
                      uint32_t dlen, bool dopt)
{
    static uint8_t stream[8 + 8 + 4096];
    uint8_t *whole = dopt ? stream + 8 : stream;
    if (dopt) {
        memset(stream, 0, 8);
        stream[0] = 58, stream[2] = 1, stream[3] = 4; /* PadN */
    }
    whole[0] = v6 ? 128 : 8;
    whole[1] = 0;
    whole[2] = whole[3] = 0;
    whole[4] = 0x12, whole[5] = 0x34, whole[6] = 0, whole[7] = 1;
    for (uint32_t i = 0; i < dlen; i++)
        whole[8 + i] = (uint8_t)(i * 3);
    if (v6) {
        /* The checksum over the pseudo-header of the whole datagram. */
        uint8_t ph[40] = {0x60};
        ph[4] = (uint8_t)((8 + dlen) >> 8), ph[5] = (uint8_t)(8 + dlen), ph[6] = 58;
        memcpy(ph + 8, IP6_PEER, 16);
        memcpy(ph + 24, IP6_US, 16);
        uint16_t c = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)ph, whole);
        memcpy(whole + 2, &c, 2);
        eth(f, MAC0, PEER, 0x86dd, false, 0);
        ipv6(f, IP6_PEER, IP6_US, 44, (uint16_t)(8 + len), 64);
        uint8_t *fh = put(f, NULL, 8);
        fh[0] = dopt ? 60 : 58;
        fh[2] = (uint8_t)(off >> 8), fh[3] = (uint8_t)((off & 0xf8) | (more ? 1 : 0));
        fh[7] = dopt ? 0x78 : 0x77;
    } else {
        uint16_t c = (uint16_t)~rte_raw_cksum(whole, 8 + dlen);
        memcpy(whole + 2, &c, 2);
        eth(f, MAC0, PEER, 0x0800, false, 0);
        uint8_t *ip = ipv4(f, IP_PEER, IP_US, 1, (uint16_t)len);
        ip[4] = 0x56, ip[5] = 0x78;
        ip[6] = (uint8_t)((more ? 0x20 : 0) | (off / 8) >> 8), ip[7] = (uint8_t)(off / 8);
        ip[10] = ip[11] = 0;
        uint16_t ic = rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip);
        memcpy(ip + 10, &ic, 2);
    }
    put(f, stream + off, len);
}

/* RFC 1122 3.2.2.6, RFC 4443 4.2: the reply to an echo request that was
 * reassembled to more than the port's MTU (1500) carries all its data,
 * in fragments of at most 1500 bytes (it was dropped). dopt: the request
 * had a Destination Options header in front (IPv6); the reply goes
 * without it, its Next Header and length the ICMPv6 message's. */
static void check_big_echo(bool v6, bool dopt)
{
    enum { DLEN = 2992 };
    const uint32_t total = (dopt ? 8 : 0) + 8 + DLEN;
    struct frame f, got[8];
    uint8_t reply[8 + DLEN];
    uint32_t cut = v6 ? 1448 : 1480, have = 0, end = 0;
    unsigned n = 0, bad = 0;
    memset(reply, 0xff, sizeof(reply));
    flush_out();
    for (uint32_t off = 0; off < total; off += cut) {
        uint32_t len = RTE_MIN(cut, total - off);
        echo_frag(&f, v6, off, len, off + len < total, DLEN, dopt);
        in(0, &f);
        n = out(0, got, 8);
    }
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *ip = got[i].b + 14;
        uint32_t off, len;
        bool more;
        if (v6) {
            const uint8_t *fh = ip + 40;
            if (be16(got[i].b + 12) != 0x86dd || ip[6] != 44 || fh[0] != 58 ||
                memcmp(ip + 8, IP6_US, 16) != 0 || memcmp(ip + 24, IP6_PEER, 16) != 0) {
                bad++;
                continue;
            }
            len = be16(ip + 4) - 8u;
            off = be16(fh + 2) & 0xfff8u;
            more = fh[3] & 1;
            ip = fh + 8 - 40; /* data at ip + 40 below */
        } else {
            if (be16(got[i].b + 12) != 0x0800 || ip[9] != 1 || (ip[6] & 0x40) ||
                memcmp(ip + 12, IP_US, 4) != 0 || memcmp(ip + 16, IP_PEER, 4) != 0 ||
                rte_raw_cksum(ip, 20) != 0xffff) {
                bad++;
                continue;
            }
            len = be16(ip + 2) - 20u;
            off = (be16(ip + 6) & 0x1fffu) * 8;
            more = ip[6] & 0x20;
            ip -= 20; /* data at ip + 40 below */
        }
        if (got[i].len - 14 > 1500 || off + len > sizeof(reply)) {
            bad++;
            continue;
        }
        memcpy(reply + off, ip + 40, len);
        have += len;
        if (!more)
            end = off + len;
    }
    CHECK(n >= 3 && bad == 0 && have == 8 + DLEN && end == 8 + DLEN,
          "%s: %u reply fragments, %u bad, %u of %u bytes", v6 ? "IPv6" : "IPv4", n, bad, have,
          8 + DLEN);
    bool data_ok = true;
    for (uint32_t i = 0; i < DLEN; i++)
        data_ok = data_ok && reply[8 + i] == (uint8_t)(i * 3);
    bool sum_ok;
    if (v6) {
        uint8_t ph[40] = {0x60};
        ph[4] = (uint8_t)((8 + DLEN) >> 8), ph[5] = (uint8_t)(8 + DLEN), ph[6] = 58;
        memcpy(ph + 8, IP6_US, 16);
        memcpy(ph + 24, IP6_PEER, 16);
        sum_ok = rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)ph, reply) == 0;
    } else {
        sum_ok = rte_raw_cksum(reply, 8 + DLEN) == 0xffff;
    }
    CHECK(have == 8 + DLEN && reply[0] == (v6 ? 129 : 0) && be16(reply + 4) == 0x1234 && data_ok &&
              sum_ok,
          "%s: the reassembled reply is not the echo (type %u, data %d, checksum %d)",
          v6 ? "IPv6" : "IPv4", reply[0], data_ok, sum_ok);
    flush_out();
}

static void test_big_echo(void)
{
    check_big_echo(false, false);
    check_big_echo(true, false);
    check_big_echo(true, true);
}

/* The reassembly table is shared by all peers: a source (an IPv4
 * address, an IPv6 /64) may have frag_max_per_source (4 here) datagrams
 * in it. IPv6: four addresses of one /64 hold its four; a fifth address
 * of it is refused (counted frag_source_limit), one of another /64 is
 * not. */
static void test_frag_per_source_v6(void)
{
    struct frame f;
    flush_out();
    uint64_t lim = drops0(DP_DROP_FRAG_SOURCE), rx = eng->pst[0].rx_frags;
    for (uint8_t i = 0; i < 4; i++) {
        uint8_t src[16] = {0x20, 0x01, 0, 2, [15] = (uint8_t)(0x10 + i)};
        echo6_first_frag(&f, src, 100 + i);
        in(0, &f);
    }
    CHECK(eng->pst[0].rx_frags == rx + 4 && drops0(DP_DROP_FRAG_SOURCE) == lim,
          "fragments of a /64 under its limit were refused");
    uint8_t fifth[16] = {0x20, 0x01, 0, 2, [15] = 0x14};
    echo6_first_frag(&f, fifth, 104);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_SOURCE) == lim + 1,
          "a fifth datagram from one /64 was taken (frag_source_limit %" PRIu64 ")",
          drops0(DP_DROP_FRAG_SOURCE) - lim);
    uint8_t other[16] = {0x20, 0x01, 0, 3, [15] = 0x10};
    lim = drops0(DP_DROP_FRAG_SOURCE);
    echo6_first_frag(&f, other, 105);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_SOURCE) == lim, "a datagram from another /64 was refused");
    flush_out();
}

/* IPv4: a source at its limit has the fragments of its new datagrams
 * dropped and counted, while its datagrams in progress complete and
 * other sources' go on. What it holds is given back when a datagram
 * completes, when the library gives one up (a duplicate first
 * fragment), and when they expire (frag_ttl_ms, 200 ms here): it is
 * never blocked for good. */
static void test_frag_per_source_v4(void)
{
    static const uint8_t IP_B[4] = {198, 18, 1, 3};
    struct frame f;
    flush_out();
    uint64_t lim = drops0(DP_DROP_FRAG_SOURCE), refused = drops0(DP_DROP_FRAG_REFUSED);
    for (uint16_t id = 1; id <= 4; id++) {
        echo4_frag(&f, IP_PEER, id, 0);
        in(0, &f);
    }
    CHECK(drops0(DP_DROP_FRAG_SOURCE) == lim && echo_replies(IP_PEER) == 0,
          "first fragments under the limit were not held");
    /* A fifth datagram: both its fragments dropped, no reply. */
    echo4_frag(&f, IP_PEER, 5, 0);
    in(0, &f);
    echo4_frag(&f, IP_PEER, 5, 1);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_SOURCE) == lim + 2,
          "the fragments of a fifth datagram from one source were not dropped (%" PRIu64 ")",
          drops0(DP_DROP_FRAG_SOURCE) - lim);
    CHECK(echo_replies(IP_PEER) == 0, "a datagram over the source's limit was answered");
    /* Another source meanwhile. */
    echo4_frag(&f, IP_B, 1, 0);
    in(0, &f);
    echo4_frag(&f, IP_B, 1, 1);
    in(0, &f);
    CHECK(echo_replies(IP_B) == 1, "another source's fragmented echo was not answered");
    /* A datagram in progress completes; its slot serves a new one. */
    echo4_frag(&f, IP_PEER, 1, 1);
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 1, "a datagram in progress did not complete at the limit");
    echo4_frag(&f, IP_PEER, 6, 0);
    in(0, &f);
    echo4_frag(&f, IP_PEER, 6, 1);
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 1 && drops0(DP_DROP_FRAG_SOURCE) == lim + 2,
          "a completed datagram's slot was not given back");
    /* A duplicate first fragment makes the library give datagram 2 up:
     * its slot is given back too (3 and 4 are left, then 7 and 8). */
    echo4_frag(&f, IP_PEER, 2, 0);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_REFUSED) == refused + 2, "datagram 2 was not given up (%" PRIu64 ")",
          drops0(DP_DROP_FRAG_REFUSED) - refused);
    for (uint16_t id = 7; id <= 8; id++) {
        echo4_frag(&f, IP_PEER, id, 0);
        in(0, &f);
    }
    CHECK(drops0(DP_DROP_FRAG_SOURCE) == lim + 2,
          "a datagram the library gave up still counts against its source");
    echo4_frag(&f, IP_PEER, 9, 0);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_SOURCE) == lim + 3, "the limit did not hold after a give-up");
    /* After frag_ttl_ms everything held has expired: four new ones. */
    uint64_t expired = drops0(DP_DROP_FRAG_EXPIRED);
    usleep(300 * 1000);
    for (uint16_t id = 10; id <= 13; id++) {
        echo4_frag(&f, IP_PEER, id, 0);
        in(0, &f);
    }
    CHECK(drops0(DP_DROP_FRAG_EXPIRED) >= expired + 4, "nothing expired (%" PRIu64 ")",
          drops0(DP_DROP_FRAG_EXPIRED) - expired);
    CHECK(drops0(DP_DROP_FRAG_SOURCE) == lim + 3,
          "expired datagrams still count against their source");
    echo4_frag(&f, IP_PEER, 10, 1);
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 1, "no echo reply after the expiry");
    flush_out();
}

/* Datagrams the reassembly library holds, from its statistics. */
static unsigned frag_in_use(void)
{
    char buf[2048] = {0};
    unsigned n = UINT32_MAX;
    FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");
    if (fp == NULL)
        return n;
    rte_ip_frag_table_statistics_dump(fp, eng->frag_tbl);
    fclose(fp);
    const char *at = strstr(buf, "entries in use:");
    if (at != NULL)
        n = (unsigned)strtoul(at + strlen("entries in use:"), NULL, 10);
    return n;
}

/* The per-source accounting follows the library exactly: after each of
 * 3000 fragments from 8 sources (first and second parts at random,
 * duplicates and completions among them, sources at their limit), the
 * datagrams counted equal those the library holds. */
static void test_frag_accounting(void)
{
    struct frame f;
    uint64_t seed = 12345;
    unsigned bad = 0;
    flush_out();
    for (unsigned i = 0; i < 3000 && bad == 0; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        uint8_t src[4] = {198, 18, 1, (uint8_t)(10 + (seed >> 33) % 8)};
        echo4_frag(&f, src, (uint16_t)((seed >> 40) % 12), (unsigned)(seed >> 50) & 1);
        in(0, &f);
        flush_out();
        bad += eng->frag_track.n != frag_in_use();
    }
    CHECK(bad == 0, "counted %u datagrams in reassembly, the library holds %u", eng->frag_track.n,
          frag_in_use());
}

/* RFC 7112 5: an IPv6 first fragment that does not hold the whole header
 * chain, up to and including the upper-layer header, is dropped
 * (frag_incomplete_chain), so the datagram never completes: an INIT
 * whose first fragment holds 8 bytes of its common header, or only the
 * Destination Options header before it, does not reach SCTP (it did,
 * reassembled). With the chain and 16 bytes of SCTP in the first
 * fragment, it does. */
static void test_first_fragment_chain(void)
{
    uint8_t init[32], dopt[40] = {132, 0, 1, 4};
    struct frame f;
    sctp_init(init);
    memcpy(dopt + 8, init, 32);
    flush_out();
    uint64_t chain = drops0(DP_DROP_FRAG_CHAIN), sctp = rx_sctp0();
    frag6(&f, IP6_PEER, 0x701, 132, 0, true, init, 8);
    in(0, &f);
    /* RFC 7112 5: a Parameter Problem, code 3, pointer 0, quoting it. */
    struct frame got[8];
    unsigned n = out(0, got, 8);
    CHECK(n == 1 && icmp_error_is(&got[0], &f, true, 4, 3, 0, f.len - 14),
          "no parameter problem (code 3) for a first fragment cut short (%u frames)", n);
    frag6(&f, IP6_PEER, 0x701, 132, 8, false, init + 8, 24);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_CHAIN) == chain + 1,
          "a first fragment with half an SCTP common header was not dropped");
    CHECK(rx_sctp0() == sctp, "an INIT whose first fragment cut its common header reached SCTP");
    frag6(&f, IP6_PEER, 0x702, 60, 0, true, dopt, 8);
    in(0, &f);
    frag6(&f, IP6_PEER, 0x702, 60, 8, false, dopt + 8, 32);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_CHAIN) == chain + 2,
          "a first fragment that ends after a Destination Options header was not dropped");
    CHECK(rx_sctp0() == sctp, "an INIT with no SCTP header in its first fragment reached SCTP");
    frag6(&f, IP6_PEER, 0x703, 60, 0, true, dopt, 24);
    in(0, &f);
    frag6(&f, IP6_PEER, 0x703, 60, 24, false, dopt + 24, 16);
    in(0, &f);
    CHECK(drops0(DP_DROP_FRAG_CHAIN) == chain + 2 && rx_sctp0() == sctp + 1,
          "an INIT in fragments whose first holds the whole chain did not reach SCTP");
    flush_out();
}

/* With several addresses on a port, an ARP request or a Neighbour
 * Solicitation for a neighbour comes from our address on its subnet
 * (they all came from the port's first address of the family): the INIT
 * ACK to 198.18.2.2 waits for an ARP request from 198.18.2.1, the one to
 * fe80::2 for an NS from fe80::1, the one to 2001:4::2 for an NS from
 * 2001:4::1. */
static void test_solicit_source(void)
{
    static const uint8_t US2[4] = {198, 18, 2, 1}, PEER2[4] = {198, 18, 2, 2};
    static const uint8_t LL_US[16] = {0xfe, 0x80, [15] = 1}, LL_PEER[16] = {0xfe, 0x80, [15] = 2};
    static const uint8_t G4_US[16] = {0x20, 0x01, 0, 4, [15] = 1},
                         G4_PEER[16] = {0x20, 0x01, 0, 4, [15] = 2};
    struct frame f, got[8];
    unsigned n, found = 0;
    flush_out();
    eth(&f, MAC0, PEER, 0x0800, false, 0);
    ipv4(&f, PEER2, US2, 132, 32);
    sctp_init(put(&f, NULL, 32));
    in(0, &f);
    n = out(0, got, 8);
    for (unsigned i = 0; i < n; i++)
        if (be16(got[i].b + 12) == 0x0806 && be16(got[i].b + 20) == 1 &&
            memcmp(got[i].b + 38, PEER2, 4) == 0) {
            found++;
            CHECK(memcmp(got[i].b + 28, US2, 4) == 0, "ARP request for 198.18.2.2 from %u.%u.%u.%u",
                  got[i].b[28], got[i].b[29], got[i].b[30], got[i].b[31]);
        }
    CHECK(found == 1, "%u ARP requests for 198.18.2.2 (%u frames)", found, n);
    const uint8_t *peers[2] = {LL_PEER, G4_PEER}, *ours[2] = {LL_US, G4_US};
    for (unsigned k = 0; k < 2; k++) {
        eth(&f, MAC0, PEER, 0x86dd, false, 0);
        ipv6(&f, peers[k], ours[k], 132, 32, 64);
        sctp_init(put(&f, NULL, 32));
        in(0, &f);
        n = out(0, got, 8);
        found = 0;
        for (unsigned i = 0; i < n; i++)
            if (be16(got[i].b + 12) == 0x86dd && got[i].b[20] == 58 && got[i].b[54] == 135 &&
                memcmp(got[i].b + 62, peers[k], 16) == 0) {
                found++;
                CHECK(memcmp(got[i].b + 22, ours[k], 16) == 0,
                      "NS for %s from an address of another %s", k ? "2001:4::2" : "fe80::2",
                      k ? "prefix" : "scope");
            }
        CHECK(found == 1, "%u NSs for %s (%u frames)", found, k ? "2001:4::2" : "fe80::2", n);
    }
    flush_out();
}

/* An ICMPv6 message behind an extension header (ext: 0 Hop-by-Hop, 60
 * Destination Options, with a PadN option) from 2001:2::2: its checksum
 * counts the ICMPv6 length only (RFC 8200 8.1). */
static void icmp6_behind(struct frame *f, uint8_t ext, const uint8_t *msg, uint16_t len)
{
    eth(f, MAC0, PEER, 0x86dd, false, 0);
    uint8_t *ip = ipv6(f, IP6_PEER, IP6_US, ext, (uint16_t)(8 + len), 64);
    uint8_t *x = put(f, NULL, 8);
    x[0] = 58, x[2] = 1, x[3] = 4; /* PadN */
    uint8_t *ic = put(f, msg, len);
    uint8_t ph[40];
    memcpy(ph, ip, 40);
    ph[4] = (uint8_t)(len >> 8), ph[5] = (uint8_t)len, ph[6] = 58;
    icmp6_cksum(ph, ic);
}

/* RFC 8200 4: a Hop-by-Hop or Destination Options header in front of an
 * ICMPv6 echo request or Packet Too Big does not hide it (both were
 * dropped): the echo is answered, without the header and with a good
 * checksum, and the Packet Too Big quoting SCTP is counted. */
static void test_icmp6_behind_ext(void)
{
    static const uint8_t ext[2] = {0, 60};
    uint8_t echo[16] = {128, 0, 0, 0, 0x43, 0x21, 0, 1};
    struct frame f, got[8];
    memset(echo + 8, 0xa5, 8);
    for (unsigned k = 0; k < 2; k++) {
        flush_out();
        icmp6_behind(&f, ext[k], echo, 16);
        in(0, &f);
        unsigned n = out(0, got, 8), replies = 0;
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *b = got[i].b;
            if (be16(b + 12) != 0x86dd || b[20] != 58 || b[54] != 129)
                continue;
            replies++;
            CHECK(be16(b + 18) == 16 && memcmp(b + 38, IP6_PEER, 16) == 0 &&
                      memcmp(b + 58, echo + 4, 12) == 0,
                  "a bad echo reply (payload %u)", be16(b + 18));
            CHECK(rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)(b + 14), b + 54) == 0,
                  "a bad echo reply checksum");
        }
        CHECK(replies == 1, "no echo reply to a request behind extension header %u (%u frames)",
              ext[k], n);
    }
    /* Packet Too Big, MTU 1280, quoting an SCTP packet of ours. */
    uint8_t ptb[8 + 40 + 12] = {2, 0, 0, 0, 0, 0, 0x05, 0x00};
    uint8_t *q = ptb + 8;
    q[0] = 0x60, q[5] = 12, q[6] = 132, q[7] = 64;
    memcpy(q + 8, IP6_US, 16);
    memcpy(q + 24, IP6_PEER, 16);
    q[40] = 5001 >> 8, q[41] = 5001 & 0xff, q[42] = 0x9c, q[43] = 0x40;
    uint64_t ptbs = eng->pst[0].rx_icmp_ptb;
    icmp6_behind(&f, 60, ptb, sizeof(ptb));
    in(0, &f);
    CHECK(eng->pst[0].rx_icmp_ptb == ptbs + 1,
          "a Packet Too Big behind a Destination Options header was not taken");
    flush_out();
}

static struct dp_neigh *neigh_of(const uint8_t *ip, bool v6)
{
    for (unsigned i = 0; i < DP_NEIGH_ENTRIES; i++) {
        struct dp_neigh *n = &eng->neigh[i];
        if (n->state != 0 && n->ip.family == (v6 ? SCTP_AF_INET6 : SCTP_AF_INET) &&
            memcmp(n->ip.addr, ip, v6 ? 16 : 4) == 0)
            return n;
    }
    return NULL;
}

/* RFC 8200 4: a Neighbour Solicitation behind a Hop-by-Hop or a
 * Destination Options header is answered, with a Neighbour Advertisement
 * right behind its IPv6 header, and its sender is learnt (both were
 * dropped). */
static void test_nd_behind_ext(void)
{
    static const uint8_t ext[2] = {0, 60};
    for (unsigned k = 0; k < 2; k++) {
        const uint8_t src[16] = {0x20, 0x01, 0, 2, [15] = (uint8_t)(0x30 + k)};
        struct frame f, got[8];
        flush_out();
        eth(&f, MAC0, PEER, 0x86dd, false, 0);
        uint8_t *ip = ipv6(&f, src, IP6_US, ext[k], 8 + 32, 255);
        uint8_t *x = put(&f, NULL, 8);
        x[0] = 58, x[2] = 1, x[3] = 4; /* PadN */
        uint8_t *ic = put(&f, NULL, 32);
        ic[0] = 135;
        memcpy(ic + 8, IP6_US, 16);
        ic[24] = 1, ic[25] = 1;
        memcpy(ic + 26, PEER, 6);
        uint8_t ph[40];
        memcpy(ph, ip, 40);
        ph[4] = 0, ph[5] = 32, ph[6] = 58;
        icmp6_cksum(ph, ic);
        in(0, &f);
        unsigned n = out(0, got, 8), nas = 0;
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *b = got[i].b;
            if (be16(b + 12) != 0x86dd || b[20] != 58 || b[54] != 136)
                continue;
            nas++;
            CHECK(memcmp(b, PEER, 6) == 0 && memcmp(b + 38, src, 16) == 0 && b[21] == 255 &&
                      be16(b + 18) == 32 && memcmp(b + 62, IP6_US, 16) == 0 && (b[58] & 0x40),
                  "a bad Neighbour Advertisement behind extension header %u", ext[k]);
            CHECK(rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)(b + 14), b + 54) == 0,
                  "a bad Neighbour Advertisement checksum");
        }
        CHECK(nas == 1,
              "no Neighbour Advertisement for a solicitation behind extension header %u "
              "(%u frames)",
              ext[k], n);
        const struct dp_neigh *nb = neigh_of(src, true);
        CHECK(nb != NULL && nb->state == 2 && memcmp(nb->mac.addr_bytes, PEER, 6) == 0,
              "the sender of a solicitation behind extension header %u was not learnt", ext[k]);
    }
    flush_out();
}

/* The frames out of port 0: SCTP ones to the peer's MAC, ARP requests to
 * the peer's MAC (unicast) and broadcast ones, NSs to 2001:2::2 itself
 * (unicast), to its solicited-node address (multicast). */
struct seen {
    unsigned sctp, arp_uni, arp_bcast, ns_uni, ns_multi, other;
};
static struct seen look(void)
{
    struct frame got[16];
    struct seen s = {0};
    unsigned n = out(0, got, 16);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *b = got[i].b;
        bool to_peer = memcmp(b, PEER, 6) == 0;
        if (be16(b + 12) == 0x0806 && be16(b + 20) == 1 && memcmp(b + 38, IP_PEER, 4) == 0)
            to_peer ? s.arp_uni++ : memcmp(b, BCAST, 6) == 0 ? s.arp_bcast++ : s.other++;
        else if (be16(b + 12) == 0x86dd && b[20] == 58 && b[54] == 135 &&
                 memcmp(b + 62, IP6_PEER, 16) == 0)
            to_peer &&memcmp(b + 38, IP6_PEER, 16) == 0 ? s.ns_uni++
            : b[38] == 0xff                             ? s.ns_multi++
                                                        : s.other++;
        else if (to_peer && ((be16(b + 12) == 0x0800 && b[23] == 132) ||
                             (be16(b + 12) == 0x86dd && b[20] == 132)))
            s.sctp++;
        else
            s.other++;
    }
    return s;
}

/* One turn of the neighbour timers now, and what it sent. */
static struct seen neigh_timers(void)
{
    eng->now = dp_now_ns();
    dp_net_timers(eng);
    dp_tx_flush(eng);
    return look();
}

/* RFC 1122 2.3.2.1, RFC 4861 7.3.3: a neighbour past its expiry that
 * traffic still goes to waits neigh_delay_ms (DELAY) for a confirmation,
 * asking nothing, then is asked, by a request to its known address,
 * whether it is still there (PROBE), while that traffic goes on (it was
 * held for a broadcast resolution, and what did not fit the hold was
 * dropped); an answer makes it reachable again; three requests
 * unanswered, it is resolved anew by broadcast, and traffic waits. The
 * end of a DELAY or of a wait for an answer is brought forward by moving
 * expire_ns into the past. */
static void test_neighbour_probe(void)
{
    struct frame f;
    uint64_t probes = eng->pst[0].tx_neigh_probe, delays = eng->pst[0].neigh_delay;
    flush_out();
    arp_answer(&f);
    in(0, &f);
    flush_out();
    struct dp_neigh *n = neigh_of(IP_PEER, false);
    CHECK(n != NULL && n->state == 2, "198.18.1.2 not learnt");
    if (n == NULL)
        return;
    n->expire_ns = dp_now_ns() - 1;
    init4(&f, 0);
    in(0, &f);
    struct seen s = look();
    CHECK(s.sctp == 1 && s.arp_uni == 0 && s.arp_bcast == 0 && s.other == 0,
          "expired: INIT ACK %u, unicast ARP %u, broadcast ARP %u, other %u", s.sctp, s.arp_uni,
          s.arp_bcast, s.other);
    CHECK(n->state == 2 && n->nud == DP_NUD_DELAY &&
              n->expire_ns > dp_now_ns() + (dp.conf.neigh_delay_ms - 1000) * 1000000ULL &&
              eng->pst[0].neigh_delay == delays + 1,
          "used past its expiry: not in DELAY for neigh_delay_ms (nud %u)", n->nud);
    s = neigh_timers();
    CHECK(s.arp_uni + s.arp_bcast == 0, "in DELAY: %u ARP requests", s.arp_uni + s.arp_bcast);
    /* DELAY over: one request to its known address. */
    n->expire_ns = dp_now_ns() - 1;
    s = neigh_timers();
    CHECK(s.arp_uni == 1 && s.arp_bcast == 0 && s.other == 0 && n->nud == DP_NUD_PROBE &&
              eng->pst[0].tx_neigh_probe == probes + 1,
          "after DELAY: unicast ARP %u, broadcast ARP %u, other %u, nud %u", s.arp_uni, s.arp_bcast,
          s.other, n->nud);
    /* The answer: reachable again, nothing more asked. */
    arp_answer(&f);
    in(0, &f);
    CHECK(n->state == 2 && n->nud == DP_NUD_REACHABLE && n->expire_ns > dp_now_ns(),
          "the ARP reply did not make the entry reachable again");
    init4(&f, 0);
    in(0, &f);
    s = look();
    CHECK(s.sctp == 1 && s.arp_uni + s.arp_bcast == 0, "after the answer: %u SCTP, %u ARP", s.sctp,
          s.arp_uni + s.arp_bcast);
    s = neigh_timers();
    CHECK(s.arp_uni + s.arp_bcast == 0, "after the answer: %u ARP requests later",
          s.arp_uni + s.arp_bcast);
    /* No answer: DELAY, three unicast requests, then a broadcast one. */
    n->expire_ns = dp_now_ns() - 1;
    init4(&f, 0);
    in(0, &f);
    s = look();
    unsigned uni = s.arp_uni, bcast = s.arp_bcast;
    for (int k = 0; k < 4; k++) {
        n->expire_ns = dp_now_ns() - 1;
        s = neigh_timers();
        uni += s.arp_uni;
        bcast += s.arp_bcast;
    }
    CHECK(uni == 3 && bcast == 1 && n->state == 1,
          "unanswered: %u unicast and %u broadcast ARP requests, state %u", uni, bcast, n->state);
    init4(&f, 0);
    in(0, &f);
    s = look();
    CHECK(s.sctp == 0, "an INIT ACK went to a neighbour being resolved anew");
    arp_answer(&f);
    in(0, &f);
    s = look();
    CHECK(s.sctp == 1 && n->state == 2, "the INIT ACK held for the answer: %u", s.sctp);

    /* IPv6: learnt from an NS, expired, used: DELAY, then asked by an NS
     * to its unicast address; a solicited NA without a link-layer
     * address confirms. */
    ns(&f, IP6_PEER, IP6_US, MAC0, 1);
    in(0, &f);
    flush_out();
    struct dp_neigh *n6 = neigh_of(IP6_PEER, true);
    CHECK(n6 != NULL && n6->state == 2, "2001:2::2 not learnt");
    if (n6 == NULL)
        return;
    n6->expire_ns = dp_now_ns() - 1;
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 132, 32, 64);
    sctp_init(put(&f, NULL, 32));
    in(0, &f);
    s = look();
    CHECK(s.sctp == 1 && s.ns_uni == 0 && s.ns_multi == 0 && s.other == 0 &&
              n6->nud == DP_NUD_DELAY,
          "expired (IPv6): INIT ACK %u, unicast NS %u, multicast NS %u, other %u, nud %u", s.sctp,
          s.ns_uni, s.ns_multi, s.other, n6->nud);
    s = neigh_timers();
    CHECK(s.ns_uni + s.ns_multi == 0, "in DELAY (IPv6): %u NSs", s.ns_uni + s.ns_multi);
    n6->expire_ns = dp_now_ns() - 1;
    s = neigh_timers();
    CHECK(s.ns_uni == 1 && s.ns_multi == 0 && s.other == 0 && n6->nud == DP_NUD_PROBE,
          "after DELAY (IPv6): unicast NS %u, multicast NS %u, other %u, nud %u", s.ns_uni,
          s.ns_multi, s.other, n6->nud);
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    uint8_t *ip = ipv6(&f, IP6_PEER, IP6_US, 58, 24, 255);
    uint8_t *ic = put(&f, NULL, 24);
    ic[0] = 136;
    ic[4] = 0x40; /* Solicited, no Override, no target link-layer option */
    memcpy(ic + 8, IP6_PEER, 16);
    icmp6_cksum(ip, ic);
    in(0, &f);
    CHECK(n6->state == 2 && n6->nud == DP_NUD_REACHABLE && n6->expire_ns > dp_now_ns(),
          "a solicited NA without a link-layer address did not confirm the entry");
    flush_out();
}

/* An NA for 2001:2::2 from it, with flags (0x40 Solicited, 0x20
 * Override) and target link-layer address mac. */
static void na_peer(struct frame *f, const uint8_t *mac, uint8_t flags)
{
    eth(f, MAC0, mac, 0x86dd, false, 0);
    uint8_t *ip = ipv6(f, IP6_PEER, IP6_US, 58, 32, 255);
    uint8_t *ic = put(f, NULL, 32);
    ic[0] = 136;
    ic[4] = flags;
    memcpy(ic + 8, IP6_PEER, 16);
    ic[24] = 2, ic[25] = 1;
    memcpy(ic + 26, mac, 6);
    icmp6_cksum(ip, ic);
}

/* RFC 4861 7.2.3, 7.2.5, 7.3.3: what only names a neighbour's link-layer
 * address (an ARP request, a solicitation, an unsolicited advertisement)
 * leaves a known entry with that address as it is, and makes a new or
 * changed one STALE (past its expiry: used, then checked after a DELAY);
 * only an answer to us (an ARP reply to our MAC, a solicited NA) makes it
 * reachable. Each of these made it reachable before, so a host that asks
 * for us now and then was never checked. */
static void test_neighbour_stale(void)
{
    struct frame f;
    flush_out();
    arp_answer(&f);
    in(0, &f);
    struct dp_neigh *n = neigh_of(IP_PEER, false);
    CHECK(n != NULL && n->state == 2 && n->nud == DP_NUD_REACHABLE && n->expire_ns > dp_now_ns(),
          "an ARP reply to us did not make 198.18.1.2 reachable");
    if (n == NULL)
        return;
    uint64_t past = dp_now_ns() - 1;
    n->expire_ns = past;
    arp(&f, BCAST, PEER, false, PEER, IP_PEER, IP_US);
    in(0, &f);
    CHECK(n->expire_ns == past && n->nud == DP_NUD_REACHABLE,
          "an ARP request refreshed its sender's entry");
    init4(&f, 0);
    in(0, &f);
    struct seen s = look();
    CHECK(s.sctp == 1 && n->nud == DP_NUD_DELAY,
          "an entry an ARP request named: INIT ACK %u, not in DELAY (nud %u)", s.sctp, n->nud);

    /* IPv6: an NS from a new neighbour makes it STALE, not reachable. */
    static const uint8_t src6[16] = {0x20, 0x01, 0, 2, [15] = 0x41};
    ns(&f, src6, IP6_US, MAC0, 1);
    in(0, &f);
    flush_out();
    struct dp_neigh *n6 = neigh_of(src6, true);
    CHECK(n6 != NULL && n6->state == 2 && n6->expire_ns <= dp_now_ns() &&
              memcmp(n6->mac.addr_bytes, PEER, 6) == 0,
          "a solicitation's sender not learnt STALE");
    /* An unsolicited NA: the same address changes nothing; another
     * replaces it, STALE. */
    ns(&f, IP6_PEER, IP6_US, MAC0, 1);
    in(0, &f);
    flush_out();
    n6 = neigh_of(IP6_PEER, true);
    if (n6 == NULL) {
        CHECK(0, "2001:2::2 not learnt");
        return;
    }
    n6->nud = DP_NUD_REACHABLE;
    n6->expire_ns = dp_now_ns() + 1000000000ULL;
    uint64_t exp = n6->expire_ns;
    na_peer(&f, PEER, 0x20);
    in(0, &f);
    CHECK(n6->expire_ns == exp && n6->nud == DP_NUD_REACHABLE,
          "an unsolicited NA with the known address changed the entry");
    na_peer(&f, OTHER, 0x20);
    in(0, &f);
    CHECK(memcmp(n6->mac.addr_bytes, OTHER, 6) == 0 && n6->expire_ns <= dp_now_ns(),
          "an unsolicited NA with a new address: not taken, or not STALE");
    na_peer(&f, PEER, 0x20); /* back */
    in(0, &f);
    /* 7.2.5: a solicited NA without Override naming another address
     * leaves the address known, but a reachable entry turns STALE. */
    n6->nud = DP_NUD_REACHABLE;
    n6->expire_ns = dp_now_ns() + 1000000000ULL;
    na_peer(&f, OTHER, 0x40); /* Solicited, no Override */
    in(0, &f);
    CHECK(memcmp(n6->mac.addr_bytes, PEER, 6) == 0 && n6->expire_ns <= dp_now_ns(),
          "a solicited NA without Override: the address replaced, or the entry not STALE");
    flush_out();
}

/* A probe that cannot go for want of an mbuf is not counted as sent; the
 * next try, with mbufs back, is. */
static void test_neighbour_probe_nombuf(void)
{
    struct frame f;
    flush_out();
    arp_answer(&f);
    in(0, &f);
    flush_out();
    struct dp_neigh *n = neigh_of(IP_PEER, false);
    if (n == NULL) {
        CHECK(0, "198.18.1.2 not learnt");
        return;
    }
    n->nud = DP_NUD_DELAY;
    n->expire_ns = dp_now_ns() - 1;
    static struct rte_mbuf *all[1 << 16];
    unsigned k = 0;
    while (k < RTE_DIM(all) && (all[k] = rte_pktmbuf_alloc(eng->pool)) != NULL)
        k++;
    uint64_t probes = eng->pst[0].tx_neigh_probe;
    struct seen s = neigh_timers();
    CHECK(s.arp_uni == 0 && eng->pst[0].tx_neigh_probe == probes,
          "a probe without an mbuf: %u sent, %" PRIu64 " counted", s.arp_uni,
          eng->pst[0].tx_neigh_probe - probes);
    for (unsigned i = 0; i < k; i++)
        rte_pktmbuf_free(all[i]);
    n->expire_ns = dp_now_ns() - 1;
    s = neigh_timers();
    CHECK(s.arp_uni == 1 && eng->pst[0].tx_neigh_probe == probes + 1,
          "the next probe: %u sent, %" PRIu64 " counted", s.arp_uni,
          eng->pst[0].tx_neigh_probe - probes);
    arp_answer(&f);
    in(0, &f);
    flush_out();
}

/* ---- an association with the echo service, from the peer's side ---- */

/* The peer 198.18.1.2, SCTP port 40000 (tag 0x11223344, TSNs from 1, as
 * sctp_init() has them), with the echo service on port 5001. */
static struct {
    uint32_t tag;      /* the engine's tag: the INIT ACK's Initiate Tag */
    uint32_t next_tsn; /* the peer's next DATA TSN */
    uint32_t echo_tsn; /* the highest TSN of the engine's DATA (the echoes) */
    unsigned echoes;   /* DATA chunks from the engine since the last look */
} pa;

/* An SCTP packet from the peer to port 5001: tag, then chunks (n bytes,
 * each padded to 4 by the caller), its CRC32c filled in. */
static void sctp4(struct frame *f, uint32_t tag, const uint8_t *chunks, uint32_t n)
{
    eth(f, MAC0, PEER, 0x0800, false, 0);
    ipv4(f, IP_PEER, IP_US, 132, (uint16_t)(12 + n));
    uint8_t *p = put(f, NULL, 12);
    p[0] = 0x9c, p[1] = 0x40; /* 40000 */
    p[2] = 5001 >> 8, p[3] = 5001 & 0xff;
    p[4] = (uint8_t)(tag >> 24), p[5] = (uint8_t)(tag >> 16), p[6] = (uint8_t)(tag >> 8);
    p[7] = (uint8_t)tag;
    put(f, chunks, n);
    struct sctp_frag seg = {.data = p, .len = 12 + n};
    sctp_crc32c_fill(&seg, 1, p);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A DATA chunk of 8 bytes on stream 0 (20 + 8 bytes at c). */
static uint32_t data_chunk(uint8_t *c)
{
    memset(c, 0, 24);
    c[0] = SCTP_CT_DATA;
    c[1] = 0x03; /* B, E */
    c[3] = 24;
    put32(c + 4, pa.next_tsn);
    c[11] = (uint8_t)(pa.next_tsn - 1); /* SSN: from 0, one per message */
    put32(c + 12, 51);                  /* PPID */
    memset(c + 16, 0x5c, 8);
    pa.next_tsn++;
    return 24;
}

/* The chunk at *o of SCTP frame f (IPv4, no VLAN), whole within the
 * frame, with its length in *len; *o moves past it and its padding. NULL
 * at the end or at a chunk whose length does not fit. */
static const uint8_t *next_chunk(const struct frame *f, uint32_t *o, uint16_t *len)
{
    if (*o + 4 > f->len)
        return NULL;
    const uint8_t *c = f->b + *o;
    *len = be16(c + 2);
    if (*len < 4 || *o + *len > f->len)
        return NULL;
    *o += (*len + 3u) & ~3u;
    return c;
}

/* The frames out of port 0, as look() counts them, noting the DATA
 * chunks of the engine's SCTP packets to the peer (pa.echoes,
 * pa.echo_tsn) and the INIT ACK's tag and cookie (cookie, *cookie_len). */
static struct seen look_sctp(uint8_t *cookie, uint16_t *cookie_len)
{
    struct frame got[16];
    struct seen s = {0};
    unsigned n = out(0, got, 16);
    pa.echoes = 0;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *b = got[i].b;
        bool to_peer = memcmp(b, PEER, 6) == 0;
        if (be16(b + 12) == 0x0806 && be16(b + 20) == 1 && memcmp(b + 38, IP_PEER, 4) == 0) {
            to_peer ? s.arp_uni++ : memcmp(b, BCAST, 6) == 0 ? s.arp_bcast++ : s.other++;
            continue;
        }
        if (!to_peer || be16(b + 12) != 0x0800 || b[23] != 132) {
            s.other++;
            continue;
        }
        s.sctp++;
        const uint8_t *c;
        uint16_t len;
        for (uint32_t o = 14 + 20 + 12; (c = next_chunk(&got[i], &o, &len)) != NULL;) {
            if (c[0] == SCTP_CT_DATA && len >= 16) {
                pa.echoes++;
                pa.echo_tsn = be32(c + 4);
            } else if (c[0] == SCTP_CT_INIT_ACK && len >= 20 && cookie != NULL) {
                pa.tag = be32(c + 4);
                for (uint32_t po = 20; po + 4 <= len;) {
                    uint16_t pt = be16(c + po), pl = be16(c + po + 2);
                    if (pl < 4 || po + pl > len)
                        break;
                    if (pt == SCTP_PT_STATE_COOKIE && pl - 4u <= 1024) {
                        *cookie_len = (uint16_t)(pl - 4);
                        memcpy(cookie, c + po + 4, *cookie_len);
                    }
                    po += (pl + 3u) & ~3u;
                }
            }
        }
    }
    return s;
}

/* The peer's SACK of every echo so far, and what went out after it. */
static struct seen peer_sack(void)
{
    struct frame f;
    uint8_t c[16] = {SCTP_CT_SACK, 0, 0, 16};
    put32(c + 4, pa.echo_tsn);
    put32(c + 8, 65536);
    sctp4(&f, pa.tag, c, sizeof(c));
    in(0, &f);
    return look_sctp(NULL, NULL);
}

/* The peer ends the association with an ABORT; what went out is read. */
static void peer_abort(void)
{
    struct frame f;
    uint8_t abort_chunk[4] = {SCTP_CT_ABORT, 0, 0, 4};
    sctp4(&f, pa.tag, abort_chunk, 4);
    in(0, &f);
    flush_out();
}

/* A message from the peer, and what went out for it (its echo). */
static struct seen peer_data(void)
{
    struct frame f;
    uint8_t c[24];
    sctp4(&f, pa.tag, c, data_chunk(c));
    in(0, &f);
    return look_sctp(NULL, NULL);
}

/* The COOKIE ECHO of the INIT ACK just seen (cookie, cookie_len), and
 * the peer's DATA chunk after it. */
static void cookie_echo_data(struct frame *f, const uint8_t *cookie, uint16_t cookie_len)
{
    uint8_t c[4 + 1024 + 24];
    uint32_t k = (4u + cookie_len + 3u) & ~3u;
    memset(c, 0, k);
    c[0] = SCTP_CT_COOKIE_ECHO;
    c[2] = (uint8_t)((4 + cookie_len) >> 8), c[3] = (uint8_t)(4 + cookie_len);
    memcpy(c + 4, cookie, cookie_len);
    k += data_chunk(c + k);
    sctp4(f, pa.tag, c, k);
}

/* The peer 198.18.1.2 starts over: no association state, its MAC known
 * to the engine (its ARP answer). */
static void echo_peer_reset(void)
{
    struct frame f;
    flush_out();
    memset(&pa, 0, sizeof(pa));
    pa.next_tsn = 1;
    arp_answer(&f);
    in(0, &f);
    flush_out();
}

/* The association with the echo service: INIT, INIT ACK, and the COOKIE
 * ECHO with a first message; what went out after it in *s. */
static bool echo_assoc_open(struct seen *s)
{
    struct frame f;
    uint8_t cookie[1024];
    uint16_t cookie_len = 0;
    init4(&f, 0);
    in(0, &f);
    look_sctp(cookie, &cookie_len);
    CHECK(pa.tag != 0 && cookie_len > 0, "no INIT ACK with a cookie");
    if (cookie_len == 0)
        return false;
    cookie_echo_data(&f, cookie, cookie_len);
    in(0, &f);
    *s = look_sctp(NULL, NULL);
    return true;
}

/*
 * RFC 4861 7.3.1: an association's forward progress confirms the
 * neighbour its path goes through. A real association with the echo
 * service, the peer's side played here: a SACK of the echoes (new DATA)
 * received while the entry is in DELAY makes it reachable again, and no
 * ARP request ever goes; without one (a second SACK within a second is
 * not reported: SCTP_PROGRESS_INTERVAL), DELAY ends with a unicast
 * request (PROBE), and the next SACK of new DATA ends the probing too.
 */
static void test_neighbour_confirm_sctp(void)
{
    const uint64_t timeout_ns = dp.conf.neigh_timeout_ms * 1000000ULL;
    uint64_t confirmed = eng->pst[0].neigh_confirmed_upper, probes = eng->pst[0].tx_neigh_probe;

    echo_peer_reset();
    struct dp_neigh *n = neigh_of(IP_PEER, false);
    CHECK(n != NULL && n->state == 2 && n->nud == DP_NUD_REACHABLE, "198.18.1.2 not learnt");
    if (n == NULL)
        return;
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    CHECK(pa.echoes == 1 && s.arp_uni + s.arp_bcast == 0, "no echo of the first message (%u)",
          pa.echoes);
    CHECK(eng->pst[0].neigh_confirmed_upper == confirmed, "confirmed before any SACK");

    /* Past its expiry, used by the next echo: DELAY, nothing asked. */
    n->expire_ns = dp_now_ns() - 1;
    s = peer_data();
    CHECK(pa.echoes == 1 && s.arp_uni + s.arp_bcast == 0 && n->nud == DP_NUD_DELAY,
          "expired: %u echoes, %u ARP requests, nud %u", pa.echoes, s.arp_uni + s.arp_bcast,
          n->nud);
    /* The peer acknowledges the echoes: SCTP confirms the neighbour. */
    s = peer_sack();
    CHECK(n->state == 2 && n->nud == DP_NUD_REACHABLE &&
              n->expire_ns + 1000000000ULL > dp_now_ns() + timeout_ns &&
              eng->pst[0].neigh_confirmed_upper == confirmed + 1,
          "the SACK of new DATA did not confirm the entry (nud %u, confirmations %" PRIu64 ")",
          n->nud, eng->pst[0].neigh_confirmed_upper - confirmed);
    s = neigh_timers();
    struct seen s2 = look_sctp(NULL, NULL);
    CHECK(s.arp_uni + s.arp_bcast + s2.arp_uni + s2.arp_bcast == 0 &&
              eng->pst[0].tx_neigh_probe == probes,
          "confirmed by SCTP, and still asked by ARP");
    /* Traffic on a confirmed entry: no DELAY. */
    s = peer_data();
    CHECK(pa.echoes == 1 && n->nud == DP_NUD_REACHABLE, "confirmed: nud %u", n->nud);

    /* Within SCTP_PROGRESS_INTERVAL of that report: no confirmation. */
    n->expire_ns = dp_now_ns() - 1;
    s = peer_data();
    CHECK(pa.echoes == 1 && n->nud == DP_NUD_DELAY, "expired again: nud %u", n->nud);
    s = peer_sack();
    CHECK(n->nud == DP_NUD_DELAY && eng->pst[0].neigh_confirmed_upper == confirmed + 1,
          "a second report within a second (nud %u, confirmations %" PRIu64 ")", n->nud,
          eng->pst[0].neigh_confirmed_upper - confirmed);
    s = neigh_timers();
    CHECK(s.arp_uni + s.arp_bcast == 0, "in DELAY: %u ARP requests", s.arp_uni + s.arp_bcast);
    /* DELAY over without a confirmation: a unicast request. */
    n->expire_ns = dp_now_ns() - 1;
    s = neigh_timers();
    CHECK(s.arp_uni == 1 && s.arp_bcast == 0 && n->nud == DP_NUD_PROBE &&
              eng->pst[0].tx_neigh_probe == probes + 1,
          "after DELAY: unicast ARP %u, broadcast ARP %u, nud %u", s.arp_uni, s.arp_bcast, n->nud);
    /* A second later, the next SACK of new DATA ends the probing. */
    usleep(1100 * 1000);
    s = peer_data();
    CHECK(pa.echoes == 1 && n->nud == DP_NUD_PROBE, "probing: %u echoes, nud %u", pa.echoes,
          n->nud);
    s = peer_sack();
    CHECK(n->nud == DP_NUD_REACHABLE && n->tries == 0 &&
              eng->pst[0].neigh_confirmed_upper == confirmed + 2,
          "the SACK did not end the probing (nud %u)", n->nud);
    /* Even past its expiry, an entry nothing uses (STALE) asks nothing. */
    n->expire_ns = dp_now_ns() - 1;
    s = neigh_timers();
    CHECK(s.arp_uni + s.arp_bcast == 0 && n->nud == DP_NUD_REACHABLE,
          "confirmed while probing: %u ARP requests later", s.arp_uni + s.arp_bcast);

    /* The peer ends the association. */
    peer_abort();
}

/* RFC 9260 5.2.4: the peer restarts the association while a message of
 * the old incarnation waits for the echo service (the DATA and the
 * restart's COOKIE ECHO in one receive burst): that message is not
 * echoed to the new incarnation, which never sent it (counted in
 * echo_restart_dropped); the new incarnation's messages are echoed. */
static void test_echo_restart(void)
{
    struct frame f, f2;
    uint8_t cookie[1024];
    uint16_t cookie_len = 0;
    echo_peer_reset();
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    CHECK(pa.echoes == 1, "no echo of the first message");
    uint32_t old_tag = pa.tag;
    /* The restarted peer's INIT: another Initiate Tag, TSNs from 1. */
    init4(&f, 0);
    f.b[14 + 20 + 16] = 0x55;
    struct sctp_frag seg = {.data = f.b + 14 + 20, .len = 32};
    sctp_crc32c_fill(&seg, 1, f.b + 14 + 20);
    in(0, &f);
    cookie_len = 0;
    look_sctp(cookie, &cookie_len);
    CHECK(cookie_len > 0 && pa.tag != old_tag, "no INIT ACK for the restart");
    if (cookie_len == 0)
        return;
    uint32_t new_tag = pa.tag;
    /* A message of the old incarnation, then the restart, in one burst. */
    uint8_t c[24];
    pa.tag = old_tag;
    sctp4(&f2, old_tag, c, data_chunk(c));
    pa.tag = new_tag;
    pa.next_tsn = 1;
    cookie_echo_data(&f, cookie, cookie_len);
    uint64_t dropped = eng->st.echo_restart_dropped;
    struct rte_mbuf *m[2];
    const struct frame *fr[2] = {&f2, &f};
    for (int i = 0; i < 2; i++) {
        m[i] = rte_pktmbuf_alloc(eng->pool);
        CHECK(m[i] != NULL, "no mbuf");
        if (m[i] == NULL)
            return;
        memcpy(rte_pktmbuf_append(m[i], (uint16_t)fr[i]->len), fr[i]->b, fr[i]->len);
        m[i]->port = 0;
    }
    eng->now = dp_now_ns();
    dp_net_input(eng, m[0], 0);
    dp_net_input(eng, m[1], 0);
    dp_engine_turn(eng);
    look_sctp(NULL, NULL);
    CHECK(pa.echoes == 1 && eng->st.echo_restart_dropped == dropped + 1,
          "restart: %u echoes (1: the new incarnation's first message), %" PRIu64
          " of the old one's dropped",
          pa.echoes, eng->st.echo_restart_dropped - dropped);
    peer_data();
    CHECK(pa.echoes == 1, "the restarted association's next message was not echoed");
    peer_abort();
}

/* The engine's allocations once its loop runs: an association, its
 * rings, and the fragment list of a message in 40 DATA chunks (more than
 * the object pools' largest size holds) come from the engine's heap, not
 * malloc; and all of it is given back when the association ends. */
static void test_engine_heap(void)
{
    struct frame f;
    echo_peer_reset();
    uint64_t mallocs = eng->st.startup_mallocs, allocs = eng->heap.allocs;
    size_t used = eng->heap.used;
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    CHECK(pa.echoes == 1, "no echo of the first message");
    CHECK(eng->heap.used > used && eng->heap.allocs > allocs,
          "an association and nothing from the engine's heap (%zu bytes used)", eng->heap.used);
    /* One message in 40 chunks of 8 bytes, one per packet. */
    enum { PIECES = 40 };
    uint64_t lists = eng->heap.allocs;
    for (unsigned i = 0; i < PIECES; i++) {
        uint8_t c[24];
        data_chunk(c);
        c[1] = (uint8_t)((i == 0 ? 0x02 : 0) | (i == PIECES - 1 ? 0x01 : 0));
        c[11] = 1; /* the second message on stream 0 */
        memset(c + 16, (int)i, 8);
        sctp4(&f, pa.tag, c, 24);
        in(0, &f);
        if (i + 1 < PIECES)
            look_sctp(NULL, NULL);
    }
    uint8_t msg[PIECES * 8];
    uint32_t got_len = 0, data = 0, flags = 0;
    struct frame got[16];
    unsigned n = out(0, got, 16);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *b = got[i].b;
        if (got[i].len < 14 + 20 + 12 || b[23] != 132)
            continue;
        const uint8_t *c;
        uint16_t len;
        for (uint32_t o = 14 + 20 + 12; (c = next_chunk(&got[i], &o, &len)) != NULL;) {
            if (c[0] == SCTP_CT_DATA && len >= 16) {
                /* B on the first chunk, E on the last, none between. */
                flags |= (c[1] & 0x03u) << (data == 0 ? 0 : 2);
                for (uint32_t k = 16; k < len && got_len < sizeof(msg); k++)
                    msg[got_len++] = c[k];
                data++;
                pa.echo_tsn = be32(c + 4);
            }
        }
    }
    bool same = got_len == sizeof(msg);
    for (uint32_t k = 0; same && k < got_len; k++)
        same = msg[k] == k / 8;
    CHECK(same && (data == 1 ? flags == 3 : (flags & 3) == 2 && (flags >> 2) == 1),
          "the message of %u chunks was not echoed whole (%u bytes in %u DATA chunks)", PIECES,
          got_len, data);
    CHECK(eng->heap.allocs > lists, "its fragment list did not come from the heap");
    CHECK(eng->st.startup_mallocs == mallocs, "%" PRIu64 " allocations from malloc while running",
          eng->st.startup_mallocs - mallocs);
    peer_sack();
    peer_abort();
    CHECK(eng->heap.used == used, "after the association: %zu bytes of the heap used, %zu before",
          eng->heap.used, used);
}

/* The ABORTs (Out of Resource, to the echo peer's tag) among what the
 * engine sent, and how many other frames. */
static unsigned oor_aborts(unsigned *other)
{
    struct frame got[16];
    unsigned aborts = 0;

    *other = 0;
    unsigned n = out(0, got, 16);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *c = got[i].b + 14 + 20 + 12;
        if (got[i].len >= 14 + 20 + 12 + 8 && got[i].b[23] == 132 && c[0] == SCTP_CT_ABORT &&
            be16(c + 4) == SCTP_CAUSE_OUT_OF_RESOURCE && be32(got[i].b + 14 + 20 + 4) == 0x11223344)
            aborts++;
        else
            (*other)++;
    }
    return aborts;
}

/* RFC 9260 3.3.10.4: with its heap taken (as by thousands of
 * associations), the engine answers a valid COOKIE ECHO with an ABORT
 * that says Out of Resource, counts the refusal, and holds nothing; with
 * the memory back, the next association opens. */
static void test_engine_heap_full(void)
{
    struct frame f;
    uint8_t cookie[1024];
    uint16_t cookie_len = 0;
    static void *taken[4096];
    unsigned n_taken = 0;
    echo_peer_reset();
    size_t used = eng->heap.used;
    uint64_t refused = eng->heap.failures;
    while (n_taken < 4096 && dp_heap_largest(&eng->heap) > 0)
        taken[n_taken++] = dp_heap_alloc(&eng->heap, dp_heap_largest(&eng->heap));
    CHECK(dp_heap_largest(&eng->heap) == 0, "the heap not taken in %u blocks", n_taken);
    init4(&f, 0);
    in(0, &f);
    look_sctp(cookie, &cookie_len);
    CHECK(cookie_len > 0, "no INIT ACK while the heap is full");
    if (cookie_len > 0) {
        cookie_echo_data(&f, cookie, cookie_len);
        in(0, &f);
        unsigned other, aborts = oor_aborts(&other);
        CHECK(aborts == 1 && other == 0,
              "COOKIE ECHO with no memory: %u ABORTs (Out of Resource), %u other", aborts, other);
        CHECK(eng->heap.failures > refused, "the refusal was not counted");
    }
    for (unsigned i = 0; i < n_taken; i++)
        dp_heap_free(&eng->heap, taken[i]);
    CHECK(eng->heap.used == used, "the refused association holds %zu bytes", eng->heap.used - used);
    /* The memory is back: the same peer's next try opens. */
    echo_peer_reset();
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    CHECK(pa.echoes == 1, "no association once the heap had room");
    peer_abort();
}

/* Takes engine 0's heap in blocks of a 64th until more than limit bytes
 * are used; the blocks go into taken (at most max). Their number. */
static unsigned heap_take_past(void **taken, unsigned max, size_t limit)
{
    unsigned n = 0;
    while (n < max && eng->heap.used <= limit) {
        void *p = dp_heap_alloc(&eng->heap, eng->heap.size / 64);
        if (p == NULL)
            break;
        taken[n++] = p;
    }
    return n;
}

/* Past three quarters of the engine's heap used, no association starts,
 * although the heap has room: that room stays for the associations
 * there are, which go on. They start again below five eighths, not at
 * once below three quarters. */
static void test_engine_heap_reserve(void)
{
    static void *taken[4096];
    unsigned n_taken = 0, other = 0;
    const size_t size = eng->heap.size;
    echo_peer_reset();
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    peer_sack();
    uint64_t events = eng->st.heap_refuse_events, fail0 = eng->heap.failures;
    dp_engine_pool_check(eng);
    CHECK(!eng->heap_refusing, "refusing with %zu of %zu bytes used", eng->heap.used, size);
    n_taken = heap_take_past(taken, 4096, size / 4 * 3);
    dp_engine_pool_check(eng);
    CHECK(eng->heap_refusing && eng->st.heap_refuse_events == events + 1,
          "%zu of %zu bytes used: refusing %d, events +%" PRIu64, eng->heap.used, size,
          eng->heap_refusing, eng->st.heap_refuse_events - events);
    /* The association there is goes on. */
    struct frame f;
    uint8_t c[24];
    sctp4(&f, pa.tag, c, data_chunk(c));
    in(0, &f);
    look_sctp(NULL, NULL);
    CHECK(pa.echoes == 1, "the open association's message: %u echoes while refusing", pa.echoes);
    peer_abort();
    /* A new one is refused while the heap has room: its INIT gets an
     * ABORT, and no allocation failed. */
    echo_peer_reset();
    init4(&f, 0);
    in(0, &f);
    unsigned aborts = oor_aborts(&other);
    CHECK(aborts == 1 && other == 0 && eng->heap.failures == fail0,
          "a new association while refusing: %u ABORTs (Out of Resource), %u other, %" PRIu64
          " heap failures",
          aborts, other, eng->heap.failures - fail0);
    /* Below three quarters but above five eighths: still refused. */
    while (n_taken > 0 && eng->heap.used > size / 4 * 3 - size / 64)
        dp_heap_free(&eng->heap, taken[--n_taken]);
    dp_engine_pool_check(eng);
    CHECK(eng->heap_refusing && eng->heap.used > size / 8 * 5,
          "%zu of %zu bytes used: refusing %d (five eighths not reached)", eng->heap.used, size,
          eng->heap_refusing);
    while (n_taken > 0)
        dp_heap_free(&eng->heap, taken[--n_taken]);
    dp_engine_pool_check(eng);
    CHECK(!eng->heap_refusing && eng->st.heap_refuse_events == events + 1,
          "the heap back: refusing %d", eng->heap_refusing);
    echo_peer_reset();
    if (!echo_assoc_open(&s))
        return;
    CHECK(pa.echoes == 1, "no association once the heap was back");
    peer_abort();
}

/* With several engines, an INIT that reaches one refusing for its heap
 * goes to the next that is not (its INIT ACK will carry that engine's
 * index, and the association will live there); only when every engine
 * refuses is it answered with an ABORT. */
static void test_init_steered_for_heap(void)
{
    static void *taken[4096];
    struct dp_engine *other = dp.engines[1];
    struct frame f;
    struct rte_mbuf *m = NULL;
    unsigned other_frames;
    echo_peer_reset();
    unsigned n_taken = heap_take_past(taken, 4096, eng->heap.size / 4 * 3);
    dp_engine_pool_check(eng);
    dp.n_engines = 2;
    other->pool_avail = dp.conf.mbufs;
    uint64_t steered = eng->st.inits_steered;
    init4(&f, 0);
    in(0, &f);
    unsigned aborts = oor_aborts(&other_frames), handed = 0, inits = 0;
    while (handed < 8 && rte_ring_sc_dequeue(other->in[0], (void **)&m) == 0) {
        const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len + m->l3_len);
        inits += m->hash.usr == DP_MB_SCTP && p[12] == SCTP_CT_INIT;
        handed++;
        rte_pktmbuf_free(m);
    }
    CHECK(eng->heap_refusing && inits == 1 && handed == 1 && aborts == 0 && other_frames == 0 &&
              eng->st.inits_steered == steered + 1,
          "INIT to a refusing engine: %u INITs of %u messages to engine 1, %u ABORTs, %u other "
          "frames, steered +%" PRIu64,
          inits, handed, aborts, other_frames, eng->st.inits_steered - steered);
    /* Every engine refusing: engine 0 answers itself. */
    other->heap_refusing = true;
    init4(&f, 0);
    in(0, &f);
    aborts = oor_aborts(&other_frames);
    CHECK(aborts == 1 && other_frames == 0 && rte_ring_count(other->in[0]) == 0 &&
              eng->st.inits_steered == steered + 1,
          "INIT with every engine refusing: %u ABORTs, %u other frames, %u handed over", aborts,
          other_frames, rte_ring_count(other->in[0]));
    other->heap_refusing = false;
    dp.n_engines = 1;
    while (n_taken > 0)
        dp_heap_free(&eng->heap, taken[--n_taken]);
    dp_engine_pool_check(eng);
    CHECK(!eng->heap_refusing, "the heap back: refusing %d", eng->heap_refusing);
}

/* An echo that the association cannot take for want of memory (its
 * send queue cannot grow: the engine's heap is full) waits in the
 * backlog, as for a full send queue, and goes once there is memory:
 * every message is echoed, none dropped. */
static void test_echo_waits_for_memory(void)
{
    static void *taken[4096];
    unsigned n_taken = 0;
    struct frame f;
    echo_peer_reset();
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    unsigned echoed = pa.echoes;
    peer_sack();
    echoed += pa.echoes;
    uint64_t dropped = eng->st.echo_dropped, refused0 = eng->heap.failures;
    while (n_taken < 4096 && dp_heap_largest(&eng->heap) > 0)
        taken[n_taken++] = dp_heap_alloc(&eng->heap, dp_heap_largest(&eng->heap));
    /* Messages, none acknowledged, until the send queue needs memory. */
    unsigned sent = 1;
    while (eng->bl_used == 0 && sent < 5000) {
        uint8_t c[24];
        sctp4(&f, pa.tag, c, data_chunk(c));
        in(0, &f);
        look_sctp(NULL, NULL);
        echoed += pa.echoes;
        sent++;
    }
    unsigned waiting = eng->bl_used;
    CHECK(eng->heap.failures > refused0 && waiting > 0,
          "%u messages: %" PRIu64 " refused by the heap, %u echoes waiting", sent,
          eng->heap.failures - refused0, waiting);
    for (unsigned i = 0; i < n_taken; i++)
        dp_heap_free(&eng->heap, taken[i]);
    /* Memory is back: the peer acknowledges what comes, until all came. */
    for (unsigned k = 0; k < 2000 && echoed < sent; k++) {
        peer_sack();
        echoed += pa.echoes;
    }
    CHECK(echoed == sent && eng->st.echo_dropped == dropped && eng->bl_used == 0,
          "%u of %u messages echoed, %" PRIu64 " dropped, %u still waiting", echoed, sent,
          eng->st.echo_dropped - dropped, eng->bl_used);
    peer_sack();
    peer_abort();
}

/* A TX queue that stops taking frames: what is staged waits, then goes
 * as tx_stuck drops after TX_STUCK_NS (100 ms), and tx_packets and
 * tx_bytes count exactly the frames that left, not those dropped. */
static void test_tx_stuck_counts(void)
{
    flush_out();
    const struct dp_port_stats *ps = &eng->pst[0];
    uint64_t pk0 = ps->tx_packets, by0 = ps->tx_bytes, st0 = ps->drops[DP_DROP_TX_STUCK];
    unsigned staged = 0;
    eng->now = dp_now_ns();
    /* Frames of 60 to 123 bytes until the ring stops taking them. */
    for (unsigned i = 0; i < 100000 && eng->tx_n[0] < 8; i++) {
        struct rte_mbuf *m = rte_pktmbuf_alloc(eng->pool);
        if (m == NULL)
            break;
        uint16_t len = (uint16_t)(60 + i % 64);
        uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, len);
        memset(b, 0, len);
        memcpy(b, PEER, 6);
        memcpy(b + 6, MAC0, 6);
        b[12] = 0x88, b[13] = 0xb5; /* local experimental EtherType */
        dp_tx_enqueue(eng, 0, m);
        dp_tx_flush(eng);
        staged++;
    }
    unsigned waiting = eng->tx_n[0];
    CHECK(waiting >= 8, "the ring took all %u frames", staged);
    /* Within TX_STUCK_NS they wait; after it, they are dropped. */
    dp_tx_flush(eng);
    CHECK(eng->tx_n[0] == waiting && ps->drops[DP_DROP_TX_STUCK] == st0, "dropped too early");
    usleep(120 * 1000);
    eng->now = dp_now_ns();
    dp_tx_flush(eng);
    CHECK(eng->tx_n[0] == 0 && ps->drops[DP_DROP_TX_STUCK] == st0 + waiting,
          "after 120 ms: %u staged, %" PRIu64 " dropped of %u", eng->tx_n[0],
          ps->drops[DP_DROP_TX_STUCK] - st0, waiting);
    /* What left, read back from the ring. */
    uint64_t frames = 0, bytes = 0;
    for (unsigned k = 0; k < 100000; k++) {
        struct rte_mbuf *ms[32];
        uint16_t n = rte_eth_rx_burst(dp.ports[0].port_id, 0, ms, 32);
        if (n == 0)
            break;
        for (uint16_t i = 0; i < n; i++) {
            frames++;
            bytes += rte_pktmbuf_pkt_len(ms[i]);
            rte_pktmbuf_free(ms[i]);
        }
    }
    CHECK(frames + waiting == staged && ps->tx_packets - pk0 == frames &&
              ps->tx_bytes - by0 == bytes,
          "%" PRIu64 " frames (%" PRIu64 " bytes) left; counted %" PRIu64 " (%" PRIu64 " bytes)",
          frames, bytes, ps->tx_packets - pk0, ps->tx_bytes - by0);
}

/* With several engines, an engine holds mbufs of the others' pools
 * (packets they received and handed over): another engine's pool running
 * short puts pressure on this one too (the first level from a quarter
 * free, the second from an eighth), and at the second its associations
 * take no new DATA; with the pool back, the peer's retransmission is
 * taken. */
static void test_shared_pool_pressure(void)
{
    struct dp_engine *other = dp.engines[1];
    echo_peer_reset();
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    peer_sack();
    other->pool_avail = dp.conf.mbufs;
    dp.n_engines = 2;
    uint64_t events = eng->st.pressure_events, all = eng->st.pressure_all_events;
    eng->now = dp_now_ns();
    dp_engine_pool_check(eng);
    CHECK(eng->pressure == DP_PRESSURE_OFF, "pressure %u with every pool full", eng->pressure);
    other->pool_avail = eng->pool_high - 1;
    dp_engine_pool_check(eng);
    CHECK(eng->pressure == DP_PRESSURE_FIRST && eng->st.pressure_events == events + 1,
          "the other pool below a quarter: pressure %u", eng->pressure);
    other->pool_avail = eng->pool_low - 1;
    dp_engine_pool_check(eng);
    CHECK(eng->pressure == DP_PRESSURE_ALL && eng->st.pressure_all_events == all + 1,
          "the other pool below an eighth: pressure %u", eng->pressure);
    s = peer_data();
    CHECK(pa.echoes == 0, "a message taken while another engine's pool is short");
    other->pool_avail = dp.conf.mbufs;
    dp_engine_pool_check(eng);
    CHECK(eng->pressure == DP_PRESSURE_OFF, "the pool is back: pressure %u", eng->pressure);
    pa.next_tsn--; /* the peer sends it again */
    s = peer_data();
    CHECK(pa.echoes == 1, "the retransmitted message was not taken once the pool was back");
    dp.n_engines = 1;
    peer_sack();
    peer_abort();
}

/* RFC 9260 5.2.4, with echoes of the old incarnation in the echo
 * backlog (the peer acknowledged nothing, so its send queue of 4 MB is
 * full): the restart drops them, each counted in echo_restart_dropped,
 * and the new incarnation's first message is echoed. */
static void test_echo_restart_backlog(void)
{
    struct frame f;
    uint8_t cookie[1024];
    uint16_t cookie_len = 0;
    echo_peer_reset();
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    /* Messages of 1400 bytes, never acknowledged, until 40 echoes wait
     * in the backlog. */
    static uint8_t c[16 + 1400];
    unsigned sent = 0;
    while (eng->bl_used < 40 && sent < 5000) {
        memset(c, 0, 16);
        c[0] = SCTP_CT_DATA;
        c[1] = 0x03;
        c[2] = (16 + 1400) >> 8, c[3] = (16 + 1400) & 0xff;
        put32(c + 4, pa.next_tsn);
        c[10] = (uint8_t)((pa.next_tsn - 1) >> 8);
        c[11] = (uint8_t)(pa.next_tsn - 1);
        put32(c + 12, 51);
        memset(c + 16, 0x77, 1400);
        pa.next_tsn++;
        sctp4(&f, pa.tag, c, sizeof(c));
        in(0, &f);
        look_sctp(NULL, NULL); /* read what it sends, acknowledge none */
        sent++;
    }
    unsigned waiting = eng->bl_used;
    CHECK(waiting >= 40, "%u messages, %u echoes in the backlog", sent, waiting);
    /* The restart: another Initiate Tag, TSNs from 1. */
    uint32_t old_tag = pa.tag;
    init4(&f, 0);
    f.b[14 + 20 + 16] = 0x56;
    struct sctp_frag seg = {.data = f.b + 14 + 20, .len = 32};
    sctp_crc32c_fill(&seg, 1, f.b + 14 + 20);
    in(0, &f);
    look_sctp(cookie, &cookie_len);
    CHECK(cookie_len > 0 && pa.tag != old_tag, "no INIT ACK for the restart");
    if (cookie_len == 0)
        return;
    uint64_t dropped = eng->st.echo_restart_dropped;
    pa.next_tsn = 1;
    cookie_echo_data(&f, cookie, cookie_len);
    in(0, &f);
    s = look_sctp(NULL, NULL);
    CHECK(eng->st.echo_restart_dropped - dropped == waiting && eng->bl_used == 0,
          "restart: %" PRIu64 " of %u waiting echoes dropped, %u still in the backlog",
          eng->st.echo_restart_dropped - dropped, waiting, eng->bl_used);
    CHECK(pa.echoes == 1, "the new incarnation's first message: %u echoes", pa.echoes);
    peer_sack();
    peer_abort();
}

/* Packets from the peer in one receive burst. */
static void in_burst(const struct frame *fr, unsigned n)
{
    eng->now = dp_now_ns();
    for (unsigned i = 0; i < n; i++) {
        struct rte_mbuf *m = rte_pktmbuf_alloc(eng->pool);
        if (m == NULL) {
            CHECK(0, "no mbuf");
            return;
        }
        memcpy(rte_pktmbuf_append(m, (uint16_t)fr[i].len), fr[i].b, fr[i].len);
        m->port = 0;
        dp_net_input(eng, m, 0);
    }
    dp_engine_turn(eng);
}

/* The ABORT chunks among the frames sent since the last look. */
static unsigned aborts_out(void)
{
    struct frame got[16];
    unsigned n, aborts = 0;
    while ((n = out(0, got, 16)) > 0) {
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *b = got[i].b;
            if (got[i].len >= 14 + 20 + 12 + 4 && be16(b + 12) == 0x0800 && b[23] == 132 &&
                b[14 + 20 + 12] == SCTP_CT_ABORT)
                aborts++;
        }
    }
    return aborts;
}

/* The echo keeps the pieces of a message that arrives in parts (partial
 * delivery), at most an eighth of the pool's mbufs over all such
 * messages. A message of more pieces ends its association with one
 * ABORT, counted once in echo_part_aborts, even though parts of it
 * arrive after; everything the parts held (mbufs, fragment lists) is
 * given back. */
static void test_echo_part_abort_once(void)
{
    static struct frame fr[8];
    echo_peer_reset();
    size_t heap_used = eng->heap.used;
    unsigned pool_free = rte_mempool_avail_count(eng->pool);
    struct seen s;
    if (!echo_assoc_open(&s))
        return;
    peer_sack();
    uint64_t aborts0 = eng->st.echo_part_aborts;
    unsigned kept = 0; /* messages in parts the echo kept at most */
    static uint8_t c[16 + 1400];
    unsigned sent = 0, aborts = 0;
    /* One message (SSN 1) in chunks of 1400 bytes, eight packets a
     * burst (parts wait behind the one that fails), never ending, until
     * the association is aborted, and two bursts more. */
    unsigned after = 0;
    while (sent < 4000 && after < 2) {
        for (unsigned k = 0; k < 8; k++) {
            memset(c, 0, 16);
            c[0] = SCTP_CT_DATA;
            c[1] = sent == 0 ? 0x02 : 0;
            c[2] = (16 + 1400) >> 8, c[3] = (16 + 1400) & 0xff;
            put32(c + 4, pa.next_tsn++);
            c[11] = 1;
            put32(c + 12, 51);
            memset(c + 16, (int)sent, 1400);
            sctp4(&fr[k], pa.tag, c, sizeof(c));
            sent++;
        }
        in_burst(fr, 8);
        kept = RTE_MAX(kept, eng->n_echo_parts);
        aborts += aborts_out();
        if (eng->st.echo_part_aborts > aborts0)
            after++;
    }
    CHECK(kept == 1, "the echo kept %u messages in parts (1)", kept);
    CHECK(eng->st.echo_part_aborts == aborts0 + 1,
          "%u chunks: echo_part_aborts went up by %" PRIu64 " (1: once for the message)", sent,
          eng->st.echo_part_aborts - aborts0);
    CHECK(aborts >= 1, "no ABORT sent to the peer");
    CHECK(eng->n_echo_parts == 0 && eng->heap.used == heap_used,
          "after the abort: %u messages in parts kept, %zu bytes of heap more", eng->n_echo_parts,
          eng->heap.used - heap_used);
    unsigned pool_after = rte_mempool_avail_count(eng->pool);
    CHECK(pool_after == pool_free, "the pool has %u mbufs free, %u before", pool_after, pool_free);
    flush_out();
}

/* RFC 8200 4.5: an IPv6 fragment with more to follow whose length is not
 * a multiple of 8, and one that would end past a payload of 65,535
 * bytes, are dropped with a Parameter Problem (code 0) pointing at the
 * Payload Length (4) and at the Fragment Offset (42); a good fragment
 * gets none. */
static void test_frag6_param_problem(void)
{
    struct frame odd, past, good, got[8];
    static const uint8_t data[16] = {128};
    flush_out();
    eng->icmp_err_tat_ns = 0;
    uint64_t dropped = eng->pst[0].drops[DP_DROP_FRAG];
    frag6(&odd, IP6_PEER, 0x6161, 58, 0, true, data, 12);
    in(0, &odd);
    frag6(&past, IP6_PEER, 0x6162, 58, 65528, false, data, 16);
    in(0, &past);
    /* Not a first fragment: no Time Exceeded when it expires. */
    frag6(&good, IP6_PEER, 0x6163, 58, 8, false, data, 16);
    in(0, &good);
    unsigned n = out(0, got, 8), pp_len = 0, pp_off = 0, other = 0;
    for (unsigned i = 0; i < n; i++) {
        if (icmp_error_is(&got[i], &odd, true, 4, 0, 4, odd.len - 14))
            pp_len++;
        else if (icmp_error_is(&got[i], &past, true, 4, 0, 42, past.len - 14))
            pp_off++;
        else
            other++;
    }
    CHECK(
        pp_len == 1 && pp_off == 1 && other == 0,
        "Parameter Problems: %u at the Payload Length, %u at the Fragment Offset, %u other frames",
        pp_len, pp_off, other);
    CHECK(eng->pst[0].drops[DP_DROP_FRAG] == dropped + 2, "%" PRIu64 " fragments dropped (2)",
          eng->pst[0].drops[DP_DROP_FRAG] - dropped);
}

/* An IPv6 fragment from IP6_PEER with the extension header ext (ext_len
 * bytes, of type ext_type, its Next Header naming the Fragment header)
 * in front of the Fragment header. */
static void frag6_ext(struct frame *f, uint8_t ext_type, const uint8_t *ext, uint16_t ext_len,
                      uint32_t id, uint16_t ofs, bool more, const uint8_t *data, uint16_t len)
{
    eth(f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(f, IP6_PEER, IP6_US, ext_type, (uint16_t)(ext_len + 8 + len), 64);
    put(f, ext, ext_len);
    uint8_t *fh = put(f, NULL, 8);
    fh[0] = 58;
    fh[2] = (uint8_t)(ofs >> 8), fh[3] = (uint8_t)((ofs & 0xf8) | (more ? 1 : 0));
    fh[4] = (uint8_t)(id >> 24), fh[5] = (uint8_t)(id >> 16), fh[6] = (uint8_t)(id >> 8);
    fh[7] = (uint8_t)id;
    put(f, data, len);
}

/* RFC 8200 4.1, 4.5: the headers in front of a Fragment header (the
 * unfragmentable part) may be Hop-by-Hop Options or a Routing header, as
 * an SRv6 final destination gets them (segments left 0). An ICMPv6 echo
 * request in two fragments, each behind such a header, is reassembled
 * and answered. */
static void test_frag6_behind_ext(void)
{
    /* Hop-by-Hop Options: PadN of 4. A Segment Routing header (type 4),
     * segments left 0, one segment (us). */
    static const uint8_t hbh[8] = {44, 0, 1, 4};
    uint8_t srh[24] = {44, 2, 4, 0};
    memcpy(srh + 8, IP6_US, 16);
    const struct {
        uint8_t type;
        const uint8_t *ext;
        uint16_t len;
        const char *name;
    } cases[2] = {{0, hbh, 8, "Hop-by-Hop Options"}, {43, srh, 24, "Routing (SRH, none left)"}};
    for (unsigned k = 0; k < 2; k++) {
        struct frame f, got[8];
        /* The echo request whole, for its checksum. */
        uint8_t whole[40 + 16];
        memset(whole, 0, sizeof(whole));
        whole[0] = 0x60, whole[5] = 16, whole[6] = 58, whole[7] = 64;
        memcpy(whole + 8, IP6_PEER, 16);
        memcpy(whole + 24, IP6_US, 16);
        uint8_t *ic = whole + 40;
        ic[0] = 128, ic[4] = 0x77, ic[5] = (uint8_t)k, ic[7] = 1;
        memset(ic + 8, 0xa5, 8);
        icmp6_cksum(whole, ic);
        flush_out();
        uint32_t id = 0x7100 + k;
        frag6_ext(&f, cases[k].type, cases[k].ext, cases[k].len, id, 0, true, ic, 8);
        in(0, &f);
        frag6_ext(&f, cases[k].type, cases[k].ext, cases[k].len, id, 8, false, ic + 8, 8);
        in(0, &f);
        unsigned n = out(0, got, 8), replies = 0;
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *b = got[i].b;
            replies += got[i].len >= 14 + 40 + 16 && be16(b + 12) == 0x86dd && b[14 + 6] == 58 &&
                       b[14 + 40] == 129 && b[14 + 40 + 4] == 0x77 && b[14 + 40 + 5] == k &&
                       memcmp(b + 14 + 24, IP6_PEER, 16) == 0 &&
                       memcmp(b + 14 + 40 + 8, ic + 8, 8) == 0;
        }
        CHECK(replies == 1, "an echo request in fragments behind %s: %u replies", cases[k].name,
              replies);
    }
}

/* Engine 1's entry for 2001:2::2, or NULL. */
static struct dp_neigh *neigh_of_engine1(void)
{
    for (unsigned i = 0; i < DP_NEIGH_ENTRIES; i++) {
        struct dp_neigh *n = &dp.engines[1]->neigh[i];
        if (n->state != 0 && n->ip.family == SCTP_AF_INET6 && memcmp(n->ip.addr, IP6_PEER, 16) == 0)
            return n;
    }
    return NULL;
}

/* What engine 0 sent engine 1 through its mailbox, handled there. */
static unsigned engine1_mailbox(void)
{
    struct rte_mbuf *m;
    unsigned n = 0;
    dp.engines[1]->now = dp_now_ns();
    while (n < 64 && rte_ring_sc_dequeue(dp.engines[1]->in[0], (void **)&m) == 0) {
        dp_net_mailbox(dp.engines[1], m);
        n++;
    }
    return n;
}

/* RFC 4861 7.2.5 on every engine: each has its own neighbour entries,
 * learnt from what the others share. An NA without Override naming
 * another link-layer address makes a reachable entry STALE on the
 * engine that got it and on the others, and replaces the address on
 * none; with Override it replaces it on all. */
static void test_na_no_override_shared(void)
{
    static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 0x77};
    struct frame f;
    flush_out();
    dp.n_engines = 2;
    engine1_mailbox();
    /* A solicited NA with Override: reachable on both engines. */
    na_peer(&f, PEER, 0x60);
    in(0, &f);
    CHECK(engine1_mailbox() >= 1, "the NA was not shared with engine 1");
    struct dp_neigh *n0 = neigh_of(IP6_PEER, true), *n1 = neigh_of_engine1();
    uint64_t now = dp_now_ns();
    CHECK(n0 != NULL && n1 != NULL && n0->nud == DP_NUD_REACHABLE && n0->expire_ns > now &&
              n1->nud == DP_NUD_REACHABLE && n1->expire_ns > now,
          "a solicited NA did not make the entry reachable on both engines");
    if (n0 == NULL || n1 == NULL) {
        dp.n_engines = 1;
        return;
    }
    /* Without Override, another address: STALE on both, the address kept. */
    na_peer(&f, other_mac, 0x00);
    in(0, &f);
    engine1_mailbox();
    now = dp_now_ns();
    CHECK(n0->expire_ns <= now && memcmp(n0->mac.addr_bytes, PEER, 6) == 0,
          "engine 0: not STALE, or its address replaced");
    CHECK(n1->expire_ns <= now && memcmp(n1->mac.addr_bytes, PEER, 6) == 0,
          "engine 1: not STALE (expires in %" PRId64 " ns), or its address replaced",
          (int64_t)(n1->expire_ns - now));
    /* With Override: the new address on both. */
    na_peer(&f, other_mac, 0x20);
    in(0, &f);
    engine1_mailbox();
    CHECK(memcmp(n0->mac.addr_bytes, other_mac, 6) == 0 &&
              memcmp(n1->mac.addr_bytes, other_mac, 6) == 0,
          "an NA with Override did not replace the address on both engines");
    /* Back to the peer's own address, as the next tests expect. */
    na_peer(&f, PEER, 0x60);
    in(0, &f);
    engine1_mailbox();
    dp.n_engines = 1;
    flush_out();
}

/* RFC 4443 4.1: an echo request to a multicast group of ours (all
 * nodes, our solicited-node group) is answered from our unicast address
 * on that port; one to a group we are not in is not. */
static void test_echo6_multicast(void)
{
    static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
    static const uint8_t other_group[16] = {0xff, 0x02, [15] = 0x02}; /* all routers */
    uint8_t snm[16] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};
    memcpy(snm + 13, IP6_US + 13, 3);
    const uint8_t *groups[3] = {all_nodes, snm, other_group};
    for (unsigned k = 0; k < 3; k++) {
        struct frame f, got[8];
        uint8_t mmac[6] = {0x33, 0x33};
        memcpy(mmac + 2, groups[k] + 12, 4);
        flush_out();
        f.len = 0;
        eth(&f, mmac, PEER, 0x86dd, false, 0);
        uint8_t *ip = ipv6(&f, IP6_PEER, groups[k], 58, 16, 64);
        uint8_t *ic = put(&f, NULL, 16);
        ic[0] = 128, ic[4] = 0x66, ic[5] = (uint8_t)k, ic[7] = 1;
        memset(ic + 8, 0x3c, 8);
        icmp6_cksum(ip, ic);
        in(0, &f);
        unsigned n = out(0, got, 8), replies = 0;
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *b = got[i].b;
            replies +=
                got[i].len == 14 + 40 + 16 && be16(b + 12) == 0x86dd && b[14 + 6] == 58 &&
                b[14 + 40] == 129 && b[14 + 40 + 5] == k && memcmp(b, PEER, 6) == 0 &&
                memcmp(b + 14 + 8, IP6_US, 16) == 0 && memcmp(b + 14 + 24, IP6_PEER, 16) == 0 &&
                rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)(b + 14), b + 14 + 40) ==
                    0;
        }
        CHECK(replies == (k < 2 ? 1u : 0u), "echo request to group %u: %u replies from %s", k,
              replies, k < 2 ? "our address (1)" : "a group we are not in (0)");
    }
}

/* RFC 1122 3.3.2, RFC 8200 4.5: a datagram whose reassembly times out
 * (frag_ttl_ms, 200 ms here) gets an ICMP Time Exceeded (code 1) quoting
 * its first fragment when that came, over IPv4 (type 11) and IPv6
 * (type 3), as it came: one behind Hop-by-Hop Options or a Routing
 * header, which reassembly takes out (test_frag6_behind_ext), with them
 * (RFC 4443 3.3); one whose first fragment never came gets none, nor one
 * that is an ICMP error itself. */
static void test_reassembly_time_exceeded(void)
{
    struct frame first4, first6, first_ext[2], f, got[32];
    /* The start of an ICMPv6 echo request (type 128). */
    static const uint8_t payload[16] = {128, 0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    flush_out();
    eng->icmp_err_tat_ns = 0;
    echo4_frag(&first4, IP_PEER, 0x5151, 0);
    in(0, &first4);
    echo4_frag(&f, IP_PEER, 0x5152, 1); /* a second datagram: its last fragment only */
    in(0, &f);
    frag6(&first6, IP6_PEER, 0x5153, 58, 0, true, payload, 16);
    in(0, &first6);
    static const uint8_t hbh[8] = {44, 0, 1, 4};
    uint8_t srh[24] = {44, 2, 4, 0};
    memcpy(srh + 8, IP6_US, 16);
    frag6_ext(&first_ext[0], 0, hbh, 8, 0x5156, 0, true, payload, 16);
    in(0, &first_ext[0]);
    frag6_ext(&first_ext[1], 43, srh, 24, 0x5157, 0, true, payload, 16);
    in(0, &first_ext[1]);
    /* RFC 1122 3.2.2, RFC 4443 2.4 e.1: none about an ICMP error. */
    static const uint8_t unreach6[16] = {1, 3};
    echo4_frag(&f, IP_PEER, 0x5154, 0);
    f.b[14 + 20] = 3; /* destination unreachable */
    in(0, &f);
    frag6(&f, IP6_PEER, 0x5155, 58, 0, true, unreach6, 16);
    in(0, &f);
    flush_out();
    usleep(300 * 1000);
    eng->now = dp_now_ns();
    dp_net_timers(eng);
    dp_tx_flush(eng);
    unsigned n = out(0, got, 32), v4 = 0, v6 = 0, ext[2] = {0, 0}, other = 0;
    for (unsigned i = 0; i < n; i++) {
        if (icmp_error_is(&got[i], &first4, false, 11, 1, 0, first4.len - 14))
            v4++;
        else if (icmp_error_is(&got[i], &first6, true, 3, 1, 0, first6.len - 14))
            v6++;
        else if (icmp_error_is(&got[i], &first_ext[0], true, 3, 1, 0, first_ext[0].len - 14))
            ext[0]++;
        else if (icmp_error_is(&got[i], &first_ext[1], true, 3, 1, 0, first_ext[1].len - 14))
            ext[1]++;
        else
            other++;
    }
    CHECK(v4 == 1 && v6 == 1 && other == 0,
          "reassembly timeouts: %u IPv4 and %u IPv6 Time Exceeded, %u other frames", v4, v6, other);
    CHECK(ext[0] == 1 && ext[1] == 1,
          "first fragments behind Hop-by-Hop Options and a Routing header: %u and %u Time "
          "Exceeded quoting them as they came",
          ext[0], ext[1]);
}

/* RFC 5227 2.1.1, 2.4, RFC 4862 5.4.4: conflicts are judged per port.
 * During the duplicate address check: our own port 1's ARP for its own
 * address, heard on port 0 (two ports on one broadcast domain), and
 * another host on port 0 naming port 1's address (another network's)
 * are no conflict; another host naming port 0's address is one, and
 * stops the daemon. */
static void test_conflict_per_port(void)
{
    struct frame f;
    bool check = dp.conf.addr_check;
    uint64_t until = dp.dad_until_ns, c0 = eng->pst[0].rx_addr_conflict;
    flush_out();
    dp.conf.addr_check = true;
    dp.dad_until_ns = dp_now_ns() + 1000000000ULL;
    arp(&f, BCAST, MAC1, false, MAC1, IP_US1, IP_PEER1);
    in(0, &f);
    CHECK(eng->pst[0].rx_addr_conflict == c0 && !dp.addr_dup && !dp.stop,
          "our port 1's own ARP, heard on port 0, taken for a conflict");
    arp(&f, BCAST, OTHER, false, OTHER, IP_US1, IP_PEER);
    in(0, &f);
    CHECK(eng->pst[0].rx_addr_conflict == c0 && !dp.addr_dup && !dp.stop,
          "port 1's address named on port 0 taken for a conflict");
    arp(&f, BCAST, OTHER, false, OTHER, IP_US, IP_PEER);
    in(0, &f);
    CHECK(eng->pst[0].rx_addr_conflict == c0 + 1 && dp.addr_dup && dp.stop,
          "port 0's address claimed by another host on port 0: no conflict");
    dp.addr_dup = dp.stop = false;
    dp.conf.addr_check = check;
    dp.dad_until_ns = until;
    flush_out();
}

/* An NA for 2001:2::2 (Override set) naming mac, to us, in an atomic
 * fragment if frag (a Fragment header of offset 0 without M). */
static void na_override(struct frame *f, const uint8_t *mac, bool frag)
{
    eth(f, MAC0, mac, 0x86dd, false, 0);
    uint8_t *ip = ipv6(f, IP6_PEER, IP6_US, frag ? 44 : 58, (uint16_t)((frag ? 8 : 0) + 32), 255);
    if (frag) {
        uint8_t *fh = put(f, NULL, 8);
        fh[0] = 58;
        fh[7] = 9;
    }
    uint8_t *ic = put(f, NULL, 32);
    ic[0] = 136;
    ic[4] = 0x20; /* O */
    memcpy(ic + 8, IP6_PEER, 16);
    ic[24] = 2, ic[25] = 1; /* target link-layer address */
    memcpy(ic + 26, mac, 6);
    uint8_t ph[40];
    memcpy(ph, ip, 40);
    ph[4] = 0, ph[5] = 32, ph[6] = 58; /* as if the NA followed the IPv6 header */
    icmp6_cksum(ph, ic);
}

/* RFC 6980 5: Neighbour Discovery with a Fragment header, even an atomic
 * one, is ignored: an NA with Override in one does not move a neighbour
 * to another MAC; the same NA without it does. */
static void test_nd_atomic_fragment(void)
{
    struct frame f;
    flush_out();
    na_override(&f, PEER, false);
    in(0, &f);
    struct dp_neigh *n = neigh_of(IP6_PEER, true);
    CHECK(n != NULL && memcmp(n->mac.addr_bytes, PEER, 6) == 0, "no neighbour 2001:2::2");
    uint64_t bad = drops0(DP_DROP_L3_MALFORMED);
    na_override(&f, OTHER, true);
    in(0, &f);
    n = neigh_of(IP6_PEER, true);
    CHECK(n != NULL && memcmp(n->mac.addr_bytes, PEER, 6) == 0 &&
              drops0(DP_DROP_L3_MALFORMED) == bad + 1,
          "an NA in an atomic fragment moved the neighbour");
    na_override(&f, OTHER, false);
    in(0, &f);
    n = neigh_of(IP6_PEER, true);
    CHECK(n != NULL && memcmp(n->mac.addr_bytes, OTHER, 6) == 0,
          "the NA without a Fragment header did not move the neighbour");
    na_override(&f, PEER, false);
    in(0, &f);
    flush_out();
}

/* RFC 8200 4.1: a Hop-by-Hop header after another header gets a
 * Parameter Problem (code 1) at the Next Header field naming it (that of
 * the Destination Options header: 40), and what it carries is not taken;
 * 4.7: No Next Header (59) is dropped without a word. RFC 4443 2.4 e.1:
 * an option that asks for a Parameter Problem gets none when the
 * datagram is an ICMPv6 error, and one when it is an echo request. */
static void test_ipv6_chain_rules(void)
{
    struct frame f, got[8];
    flush_out();
    eng->icmp_err_tat_ns = 0;
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 60, 16 + 32, 64);
    uint8_t *d = put(&f, NULL, 8);
    d[0] = 0, d[2] = 1, d[3] = 4; /* Destination Options, PadN, then Hop-by-Hop */
    uint8_t *h = put(&f, NULL, 8);
    h[0] = 132, h[2] = 1, h[3] = 4;
    sctp_init(put(&f, NULL, 32));
    uint64_t sctp = rx_sctp0();
    in(0, &f);
    unsigned n = out(0, got, 8);
    CHECK(rx_sctp0() == sctp && n == 1 && icmp_error_is(&got[0], &f, true, 4, 1, 40, f.len - 14),
          "Hop-by-Hop after Destination Options: %u frames, SCTP +%" PRIu64, n, rx_sctp0() - sctp);
    eth(&f, MAC0, PEER, 0x86dd, false, 0);
    ipv6(&f, IP6_PEER, IP6_US, 59, 0, 64);
    uint64_t proto = drops0(DP_DROP_L3_PROTO);
    in(0, &f);
    n = out(0, got, 8);
    CHECK(n == 0 && drops0(DP_DROP_L3_PROTO) == proto + 1, "No Next Header: %u frames out", n);
    for (int echo = 0; echo < 2; echo++) {
        eth(&f, MAC0, PEER, 0x86dd, false, 0);
        ipv6(&f, IP6_PEER, IP6_US, 60, 8 + 8 + 40, 64);
        d = put(&f, NULL, 8);
        d[0] = 58, d[2] = 0x80, d[3] = 4; /* an unknown option: report and discard */
        uint8_t *ic = put(&f, NULL, 48);
        ic[0] = echo ? 128 : 1; /* echo request, or destination unreachable */
        ic[8] = 0x60;
        in(0, &f);
        n = out(0, got, 8);
        CHECK(n == (unsigned)echo &&
                  (!echo || icmp_error_is(&got[0], &f, true, 4, 2, 42, f.len - 14)),
              "an option asking for a Parameter Problem in front of an ICMPv6 %s: %u frames",
              echo ? "echo request" : "error", n);
    }
    flush_out();
}

/* RFC 4861 7.1.2: an NA to a multicast address with the Solicited flag is
 * invalid; 7.1.1: a DAD NS goes to a solicited-node address (ff02::1 is
 * not one). Both are discarded. */
static void test_nd_multicast_rules(void)
{
    static const uint8_t all_nodes[16] = {0xff, 2, [15] = 1};
    static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1}, unspec[16];
    struct frame f, got[8];
    flush_out();
    for (int solicited = 1; solicited >= 0; solicited--) {
        eth(&f, all_nodes_mac, PEER, 0x86dd, false, 0);
        uint8_t *ip = ipv6(&f, IP6_PEER, all_nodes, 58, 32, 255);
        uint8_t *ic = put(&f, NULL, 32);
        ic[0] = 136;
        ic[4] = (uint8_t)(solicited ? 0x40 : 0);
        memcpy(ic + 8, IP6_PEER, 16);
        ic[24] = 2, ic[25] = 1;
        memcpy(ic + 26, PEER, 6);
        icmp6_cksum(ip, ic);
        uint64_t bad = drops0(DP_DROP_L3_MALFORMED), nd = eng->pst[0].rx_nd;
        in(0, &f);
        CHECK(solicited ? drops0(DP_DROP_L3_MALFORMED) == bad + 1 && eng->pst[0].rx_nd == nd
                        : drops0(DP_DROP_L3_MALFORMED) == bad && eng->pst[0].rx_nd == nd + 1,
              "an NA to all nodes with the Solicited flag %s", solicited ? "set" : "clear");
    }
    ns(&f, unspec, all_nodes, all_nodes_mac, -1);
    in(0, &f);
    unsigned n = out(0, got, 8);
    CHECK(n == 0, "a DAD NS to all nodes answered (%u frames)", n);
    flush_out();
}

/* IEEE 802: a frame from a group address is dropped (an echo request
 * from ff:ff:ff:ff:ff:ff would be answered by broadcast). */
static void test_multicast_source_mac(void)
{
    struct frame f;
    flush_out();
    icmp4_echo(&f, MAC0, IP_PEER, IP_US);
    memcpy(f.b + 6, BCAST, 6);
    uint64_t bad = drops0(DP_DROP_L2_BAD_SRC);
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 0 && drops0(DP_DROP_L2_BAD_SRC) == bad + 1,
          "an echo request from a broadcast MAC answered");
    icmp4_echo(&f, MAC0, IP_PEER, IP_US);
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 1, "no echo reply from a unicast MAC");
}

/* An echo request to us with the IPv4 options opt (olen bytes, a
 * multiple of 4). */
static void echo4_opts(struct frame *f, const uint8_t *opt, uint8_t olen)
{
    eth(f, MAC0, PEER, 0x0800, false, 0);
    uint8_t *ip = put(f, NULL, 20u + olen);
    ip[0] = (uint8_t)(0x40 | (20 + olen) / 4);
    ip[3] = (uint8_t)(20 + olen + 16);
    ip[8] = 64, ip[9] = 1;
    memcpy(ip + 12, IP_PEER, 4);
    memcpy(ip + 16, IP_US, 4);
    memcpy(ip + 20, opt, olen);
    uint16_t c = (uint16_t)~rte_raw_cksum(ip, 20u + olen);
    memcpy(ip + 10, &c, 2);
    uint8_t *ic = put(f, NULL, 16);
    ic[0] = 8;
    memset(ic + 8, 0x5a, 8);
    c = (uint16_t)~rte_raw_cksum(ic, 16);
    memcpy(ic + 2, &c, 2);
}

/* RFC 1122 3.2.1.8, 3.3.5, RFC 7126 4.3, 4.4: a loose or strict source
 * route is dropped (a reply would go where another host chose); other
 * options are ignored (a Record Route: answered); options that overrun
 * the header are malformed. */
static void test_ipv4_options(void)
{
    static const uint8_t lsrr[12] = {131, 11, 4, 203, 0, 113, 1, 203, 0, 113, 2, 0};
    static const uint8_t ssrr[8] = {1, 137, 7, 8, 203, 0, 113, 1};
    static const uint8_t rr[8] = {7, 7, 4, 0, 0, 0, 0, 0};
    static const uint8_t overrun[4] = {7, 9, 4, 0};
    struct frame f;
    flush_out();
    uint64_t sr = drops0(DP_DROP_SRC_ROUTE), bad = drops0(DP_DROP_L3_MALFORMED);
    echo4_opts(&f, lsrr, sizeof(lsrr));
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 0 && drops0(DP_DROP_SRC_ROUTE) == sr + 1,
          "an echo request with a loose source route answered");
    echo4_opts(&f, ssrr, sizeof(ssrr));
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 0 && drops0(DP_DROP_SRC_ROUTE) == sr + 2,
          "an echo request with a strict source route answered");
    echo4_opts(&f, rr, sizeof(rr));
    in(0, &f);
    struct frame got[4];
    unsigned n = out(0, got, 4);
    /* The reply (built in place) keeps the option: ICMP after 28 bytes. */
    CHECK(n == 1 && be16(got[0].b + 12) == 0x0800 && got[0].b[23] == 1 && got[0].b[14 + 28] == 0 &&
              memcmp(got[0].b + 30, IP_PEER, 4) == 0,
          "an echo request with a Record Route not answered (%u frames)", n);
    echo4_opts(&f, overrun, sizeof(overrun));
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 0 && drops0(DP_DROP_L3_MALFORMED) == bad + 1,
          "an option past the header's end taken");
}

/* RFC 791, RFC 6864 4.1: ICMP errors go with DF clear, each with an
 * identification of its own. */
static void test_icmp_error_ids(void)
{
    struct frame f, got[4];
    uint16_t id[2] = {0, 0};
    flush_out();
    eng->icmp_err_tat_ns = 0;
    for (int i = 0; i < 2; i++) {
        ip4_proto(&f, MAC0, 6, 40);
        in(0, &f);
        unsigned n = out(0, got, 4);
        CHECK(n == 1 && icmp_error_is(&got[0], &f, false, 3, 2, 0, 60), "no protocol unreachable");
        if (n == 1)
            id[i] = be16(got[0].b + 18);
    }
    CHECK(id[0] != id[1], "two ICMP errors with identification %u", id[0]);
}

/* RFC 8201 4: a Packet Too Big about the first fragment of a packet of
 * ours that went in IPv6 fragments (the Fragment header right after the
 * IPv6 header, then the SCTP header) is taken; one quoting a later
 * fragment (no SCTP header in it) is not. */
static void test_ptb_quoting_fragment(void)
{
    struct frame f;
    flush_out();
    for (int later = 0; later < 2; later++) {
        uint8_t ptb[8 + 40 + 8 + 12] = {2, 0, 0, 0, 0, 0, 0x05, 0x00}; /* MTU 1280 */
        uint8_t *q = ptb + 8;
        q[0] = 0x60, q[5] = 20, q[6] = 44, q[7] = 64;
        memcpy(q + 8, IP6_US, 16);
        memcpy(q + 24, IP6_PEER, 16);
        q[40] = 132;
        q[42] = (uint8_t)(later ? 0x05 : 0),
        q[43] = (uint8_t)(later ? 0x68 : 1); /* 1384, or 0 with M */
        q[48] = 5001 >> 8, q[49] = 5001 & 0xff, q[50] = 0x9c, q[51] = 0x40;
        eth(&f, MAC0, PEER, 0x86dd, false, 0);
        uint8_t *ip = ipv6(&f, IP6_PEER, IP6_US, 58, sizeof(ptb), 64);
        icmp6_cksum(ip, put(&f, ptb, sizeof(ptb)));
        uint64_t ptbs = eng->pst[0].rx_icmp_ptb, ign = drops0(DP_DROP_ICMP);
        in(0, &f);
        CHECK(later ? eng->pst[0].rx_icmp_ptb == ptbs && drops0(DP_DROP_ICMP) == ign + 1
                    : eng->pst[0].rx_icmp_ptb == ptbs + 1 && drops0(DP_DROP_ICMP) == ign,
              "a Packet Too Big quoting the %s fragment of a packet of ours: %" PRIu64
              " taken, %" PRIu64 " ignored",
              later ? "second" : "first", eng->pst[0].rx_icmp_ptb - ptbs,
              drops0(DP_DROP_ICMP) - ign);
    }
    flush_out();
}

/* RFC 791 3.2: fragments of another protocol are not part of a datagram,
 * though source, destination and identification match (DPDK's table
 * keys IPv4 without the protocol): the second half of an echo request
 * with protocol 17 is dropped, the reassembly mirror stays with the
 * library, and the real second half completes the echo. */
static void test_frag_protocol(void)
{
    struct frame f;
    flush_out();
    unsigned held = frag_in_use();
    echo4_frag(&f, IP_PEER, 0x7777, 0);
    in(0, &f);
    echo4_frag(&f, IP_PEER, 0x7777, 1);
    f.b[14 + 9] = 17;
    f.b[14 + 10] = f.b[14 + 11] = 0;
    uint16_t c = rte_ipv4_cksum((const struct rte_ipv4_hdr *)(f.b + 14));
    memcpy(f.b + 14 + 10, &c, 2);
    uint64_t fr = drops0(DP_DROP_FRAG);
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 0 && drops0(DP_DROP_FRAG) == fr + 1 &&
              frag_in_use() == held + 1 && eng->frag_track.n == frag_in_use(),
          "a fragment of protocol 17 joined an ICMP datagram (library %u, mirror %u)",
          frag_in_use(), eng->frag_track.n);
    echo4_frag(&f, IP_PEER, 0x7777, 1);
    in(0, &f);
    CHECK(echo_replies(IP_PEER) == 1 && frag_in_use() == held && eng->frag_track.n == held,
          "the datagram's own second fragment did not complete it");
}

/* The ICMPv6 checksum of the message at ic (len bytes) after IPv6 header
 * ip and extension headers: over the message and a pseudo-header of its
 * own length (RFC 8200 8.1). Filled in if fill, else checked. */
static bool icmp6_sum(uint8_t *ip, uint8_t *ic, uint32_t len, bool fill)
{
    uint8_t ph[40];
    memcpy(ph, ip + 8, 32);
    memset(ph + 32, 0, 8);
    ph[34] = (uint8_t)(len >> 8), ph[35] = (uint8_t)len, ph[39] = 58;
    if (fill)
        ic[2] = ic[3] = 0;
    uint32_t sum = __rte_raw_cksum(ph, 40, 0);
    sum = __rte_raw_cksum(ic, len, sum);
    uint16_t c = (uint16_t)~__rte_raw_cksum_reduce(sum);
    if (fill)
        memcpy(ic + 2, &c, 2);
    return fill || c == 0;
}

/* An MLD query (len 24: MLDv1, 28: MLDv2) for all groups from the router
 * fe80::99 to all nodes, with hop limit hlim, behind a Hop-by-Hop header
 * with the Router Alert option, Maximum Response Code 0. */
static void mld_query_frame(struct frame *f, uint16_t len, uint8_t hlim)
{
    static const uint8_t router[16] = {0xfe, 0x80, [15] = 0x99},
                         all_nodes[16] = {0xff, 2, [15] = 1};
    static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
    static const uint8_t hbh[8] = {58, 0, 5, 2, 0, 0, 1, 0};
    eth(f, all_nodes_mac, PEER, 0x86dd, false, 0);
    uint8_t *ip = ipv6(f, router, all_nodes, 0, (uint16_t)(8 + len), hlim);
    put(f, hbh, 8);
    uint8_t *ic = put(f, NULL, len);
    ic[0] = 130;
    icmp6_sum(ip, ic, len, true);
}

/* The MLD reports out of port 0: v2 (type 143) to ff02::16, or v1 (131)
 * to our group ff02::1:ff00:1; each checked (hop limit 1, the Router
 * Alert, from fe80::1, its checksum, its one record or group). rec: the
 * v2 record type wanted. Returns how many; other frames in *other. */
static unsigned mld_reports(bool v1, uint8_t rec, unsigned *other)
{
    static const uint8_t snm1[16] = {0xff, 2, [11] = 1, [12] = 0xff, [15] = 1};
    static const uint8_t v2dst[16] = {0xff, 2, [15] = 0x16}, ll[16] = {0xfe, 0x80, [15] = 1};
    static const uint8_t hbh[8] = {58, 0, 5, 2, 0, 0, 1, 0};
    struct frame got[8];
    unsigned n = out(0, got, 8), r = 0;
    *other = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *b = got[i].b, *ip = b + 14, *ic = ip + 48;
        bool ok = be16(b + 12) == 0x86dd && ip[6] == 0 && ip[7] == 1 && got[i].len >= 14 + 48 + 8 &&
                  memcmp(ip + 40, hbh, 8) == 0 && memcmp(ip + 8, ll, 16) == 0 &&
                  memcmp(b + 6, MAC0, 6) == 0 && b[0] == 0x33 && b[1] == 0x33 &&
                  memcmp(b + 2, ip + 24 + 12, 4) == 0;
        uint32_t len = got[i].len - 14 - 48;
        if (ok && v1)
            ok = ic[0] == 131 && len == 24 && memcmp(ip + 24, snm1, 16) == 0 &&
                 memcmp(ic + 8, snm1, 16) == 0;
        else if (ok)
            ok = ic[0] == 143 && len == 28 && ic[7] == 1 && memcmp(ip + 24, v2dst, 16) == 0 &&
                 ic[8] == rec && ic[9] == 0 && be16(ic + 10) == 0 && memcmp(ic + 12, snm1, 16) == 0;
        if (ok && icmp6_sum(ip, ic, len, false))
            r++;
        else
            (*other)++;
    }
    return r;
}

/* RFC 4861 7.2.1, RFC 3810: the solicited-node groups of port 0's IPv6
 * addresses (2001:2::1, fe80::1 and 2001:4::1: one group, ff02::1:ff00:1)
 * are reported at start, twice, from fe80::1 (records "change to
 * exclude"); port 1 (IPv4 only) reports nothing. A general query is
 * answered (MLDv2: "is exclude"; MLDv1: a v1 report to the group); one
 * with a hop limit other than 1 is not. */
static void test_mld(void)
{
    struct frame f, got[8];
    unsigned other;
    flush_out();
    uint64_t sent = eng->pst[0].tx_mld_report;
    eng->mld_round = 0;
    eng->mld_at = 0;
    eng->now = dp_now_ns();
    dp_net_timers(eng);
    dp_tx_flush(eng);
    unsigned r = mld_reports(false, 4, &other);
    CHECK(r == 1 && other == 0 && out(1, got, 8) == 0 && eng->pst[0].tx_mld_report == sent + 1,
          "at start: %u MLDv2 reports, %u other frames", r, other);
    dp_net_timers(eng); /* the second round is 1 s later */
    dp_tx_flush(eng);
    CHECK(mld_reports(false, 4, &other) == 0, "the second report at once");
    eng->mld_at = 0;
    dp_net_timers(eng);
    dp_tx_flush(eng);
    CHECK(mld_reports(false, 4, &other) == 1, "no second report");
    eng->mld_at = 0;
    dp_net_timers(eng);
    dp_tx_flush(eng);
    CHECK(mld_reports(false, 4, &other) == 0 && eng->mld_round == 2, "more than two rounds");

    uint64_t queries = eng->pst[0].rx_mld_query;
    mld_query_frame(&f, 28, 1);
    in(0, &f);
    eng->now = dp_now_ns();
    dp_net_timers(eng);
    dp_tx_flush(eng);
    r = mld_reports(false, 2, &other);
    CHECK(r == 1 && other == 0 && eng->pst[0].rx_mld_query == queries + 1,
          "MLDv2 query: %u reports, %u other frames", r, other);
    mld_query_frame(&f, 24, 1);
    in(0, &f);
    eng->now = dp_now_ns();
    dp_net_timers(eng);
    dp_tx_flush(eng);
    r = mld_reports(true, 0, &other);
    CHECK(r == 1 && other == 0, "MLDv1 query: %u v1 reports, %u other frames", r, other);
    mld_query_frame(&f, 28, 64);
    in(0, &f);
    eng->now = dp_now_ns();
    dp_net_timers(eng);
    dp_tx_flush(eng);
    CHECK(mld_reports(false, 2, &other) == 0 && eng->pst[0].rx_mld_query == queries + 2,
          "a query with hop limit 64 answered");
    flush_out();
}

int main(int argc, char **argv)
{
    char *conf[] = {"sctpdp",
                    "--addr",
                    "198.18.1.1/24@0",
                    "--addr",
                    "198.19.0.1/16@1",
                    "--addr",
                    "2001:2::1/64@0",
                    "--addr",
                    "198.18.2.1/24@0",
                    "--addr",
                    "fe80::1/64@0",
                    "--addr",
                    "2001:4::1/64@0",
                    "--echo-port",
                    "5001",
                    "--mbufs",
                    "4096"};
    char *eal[] = {argv[0],
                   "--no-huge",
                   "--no-pci",
                   "--no-shconf",
                   "--file-prefix",
                   "sctpdp-net",
                   "-m",
                   "512",
                   "-l",
                   "0",
                   "--vdev=net_ring0",
                   "--vdev=net_ring1",
                   "--no-telemetry",
                   "--log-level",
                   "*:error"};
    (void)argc;
    if (dp_config_parse(&dp.conf, (int)(sizeof(conf) / sizeof(conf[0])), conf) != 0 ||
        rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0) {
        printf("FAIL: setup\n");
        return 1;
    }
    rte_log_set_global_level(RTE_LOG_ERR);
    if (dp_mbuf_flags_init() < 0) {
        printf("FAIL: mbuf flags\n");
        return 1;
    }
    /* Small enough to reach in a test (test_frag_per_source_*). */
    dp.conf.frag_max_per_source = 4;
    dp.conf.frag_ttl_ms = 200;
    dp_clock_init();
    /* Engine 1 never runs: it is there for what engines share through
     * their mailboxes (test_na_no_override_shared) and pool pressure
     * across engines (test_shared_pool_pressure), which set n_engines
     * to 2 while they run. */
    if (dp_engine_create(0, rte_lcore_id()) < 0 || dp_engine_create(1, rte_lcore_id()) < 0) {
        printf("FAIL: no engine\n");
        return 1;
    }
    dp.n_engines = 2;
    dp.vtag_mask = 0;
    dp.conf.announce = false;   /* no gratuitous frames in what the tests read */
    dp.conf.addr_check = false; /* nor probes (ring ports send back what they send) */
    if (dp_ports_init(1) < 0 || dp_engines_link() < 0) {
        printf("FAIL: no ports or mailboxes\n");
        return 1;
    }
    dp.n_engines = 1;
    if (dp_ports_start() < 0) {
        printf("FAIL: ports not started\n");
        return 1;
    }
    struct rte_ether_addr m0, m1;
    memcpy(m0.addr_bytes, MAC0, 6);
    memcpy(m1.addr_bytes, MAC1, 6);
    dp.ports[0].mac = m0;
    dp.ports[1].mac = m1;
    eng = dp.engines[0];
    eng->mld_round = 2;  /* no MLD reports in what the tests read (test_mld asks for them) */
    eng->running = true; /* as dp_engine_main() has it */

    test_neighbour_stays_on_its_port();
    test_neighbour_table_flood();
    test_priority_tag();
    test_broadcast_unicast_ip();
    test_ipv6_headers();
    test_nd_validation();
    test_icmp_errors();
    test_big_echo();
    test_neighbour_probe();
    test_neighbour_stale();
    test_neighbour_probe_nombuf();
    test_neighbour_confirm_sctp();
    test_echo_restart();
    test_engine_heap();
    test_engine_heap_full();
    test_engine_heap_reserve();
    test_init_steered_for_heap();
    test_echo_waits_for_memory();
    test_tx_stuck_counts();
    test_shared_pool_pressure();
    test_echo_restart_backlog();
    test_echo_part_abort_once();
    test_frag6_param_problem();
    test_frag6_behind_ext();
    test_na_no_override_shared();
    test_echo6_multicast();
    test_reassembly_time_exceeded();
    test_frag_per_source_v6();
    test_frag_per_source_v4();
    test_frag_accounting();
    test_first_fragment_chain();
    test_solicit_source();
    test_icmp6_behind_ext();
    test_nd_behind_ext();
    test_conflict_per_port();
    test_nd_atomic_fragment();
    test_ipv6_chain_rules();
    test_nd_multicast_rules();
    test_multicast_source_mac();
    test_ipv4_options();
    test_icmp_error_ids();
    test_ptb_quoting_fragment();
    test_frag_protocol();
    test_mld();

    dp_ports_close();
    dp_engine_free(eng);
    dp_engine_free(dp.engines[1]);
    rte_eal_cleanup();
    printf("%s: %d checks, %d failed\n", failures ? "FAIL" : "PASS", checks, failures);
    return failures ? 1 : 0;
}

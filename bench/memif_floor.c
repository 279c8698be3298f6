/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memif_floor: the least an SCTP sender and receiver must do per packet,
 * over the same net_memif link as the dataplanes, with no protocol state.
 *
 *   memif_floor EAL-ARGS -- --role tx|rx [--msgs K] [--size S] [--seconds T]
 *
 * tx: builds packets of K DATA chunks of S bytes each (Ethernet, IPv4,
 *     SCTP common header, then K chunks, consecutive TSNs), fills every
 *     message as the daemon's generator does (sequence, stream, magic,
 *     then its byte ramp), writes the chunk headers, computes the CRC32c
 *     in software (memif has no checksum offload) and sends in bursts of
 *     32. What the ring does not take is sent first the next turn.
 * rx: receives, checks the IPv4 header and the CRC32c of every packet,
 *     walks its chunks and counts the DATA chunks and their TSNs, frees.
 *     It measures T seconds from its first packet (after one second of
 *     warm-up) and prints
 *       floor: pkts=... msgs=... bad_csum=... bad_frame=... tsn_gaps=...
 *              seconds=... pkts_per_s=... msgs_per_s=...
 *     then stops polling and exits on SIGINT or SIGTERM (at most 60 s
 *     later): 0 when it received packets, none of them bad. Stop the
 *     sender first: its memif regions go away with it.
 *
 * No SACK, no retransmission record, no stream or event: whatever the
 * dataplanes do beyond this is the protocol's cost. bench/memif_bench.sh
 * runs it in each round next to testpmd and the dataplanes.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "sctp_crc32c.h"

#define BURST      32
#define RING_DESC  1024
#define POOL_MBUFS 8191
#define ETH_LEN    14
#define IP_LEN     20
#define COMMON_LEN 12
#define DATA_HDR   16
#define GEN_MAGIC  0x5c7d9e1fu /* any constant: the receiver does not read it */

static volatile bool quit;

static void on_signal(int sig)
{
    (void)sig;
    quit = true;
}

static void usage_exit(const char *why)
{
    fprintf(stderr, "memif_floor: %s\n", why);
    fprintf(stderr, "usage: memif_floor EAL-ARGS -- --role tx|rx [--msgs K] [--size S] "
                    "[--seconds T]\n");
    exit(2);
}

static uint8_t ramp[512];

/* As the generator's body fill: 32-byte moves from a ramp. */
static inline void body_fill(uint8_t *p, uint32_t len, uint8_t base)
{
    if (len < 32) {
        memcpy(p, ramp + base, len);
        return;
    }
    uint32_t last = len - 32;
    for (uint32_t o = 0; o < last; o += 32)
        memcpy(p + o, ramp + (uint8_t)(base + o), 32);
    memcpy(p + last, ramp + (uint8_t)(base + last), 32);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

struct opts {
    bool tx;
    unsigned msgs;  /* DATA chunks per packet */
    unsigned size;  /* bytes per message */
    double seconds; /* rx: measuring time */
};

static int port_up(uint16_t port, struct rte_mempool *mp)
{
    struct rte_eth_conf conf;
    uint16_t nrx = RING_DESC, ntx = RING_DESC;
    int rc;

    memset(&conf, 0, sizeof(conf));
    if ((rc = rte_eth_dev_configure(port, 1, 1, &conf)) != 0 ||
        (rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx)) != 0 ||
        (rc = rte_eth_rx_queue_setup(port, 0, nrx, rte_eth_dev_socket_id(port), NULL, mp)) != 0 ||
        (rc = rte_eth_tx_queue_setup(port, 0, ntx, rte_eth_dev_socket_id(port), NULL)) != 0 ||
        (rc = rte_eth_dev_start(port)) != 0)
        return rc;
    return 0;
}

/* The 46 bytes in front of the chunks; the IPv4 header is whole (its
 * length and checksum do not change from packet to packet). */
static void make_template(uint8_t *t, uint16_t frame_len)
{
    struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t;
    struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(t + ETH_LEN);
    uint8_t *sh = t + ETH_LEN + IP_LEN;
    static const struct rte_ether_addr src = {{0x02, 0, 0, 0, 0, 2}}, dst = {{0x02, 0, 0, 0, 0, 1}};

    eth->src_addr = src;
    eth->dst_addr = dst;
    eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    memset(ip, 0, IP_LEN);
    ip->version_ihl = 0x45;
    ip->total_length = rte_cpu_to_be_16((uint16_t)(frame_len - ETH_LEN));
    ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
    ip->time_to_live = 64;
    ip->next_proto_id = IPPROTO_SCTP;
    ip->src_addr = rte_cpu_to_be_32(0xc6120102); /* 198.18.1.2 */
    ip->dst_addr = rte_cpu_to_be_32(0xc6120101); /* 198.18.1.1 */
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    memset(sh, 0, COMMON_LEN);
    sh[0] = 5000 >> 8;
    sh[1] = 5000 & 0xff;
    sh[2] = 5002 >> 8;
    sh[3] = 5002 & 0xff;
    put_le32(sh + 4, 0x12345678); /* verification tag: not checked */
}

static int run_tx(uint16_t port, struct rte_mempool *mp, const struct opts *o)
{
    const uint32_t padded = (o->size + 3u) & ~3u;
    const uint32_t sctp_len = COMMON_LEN + o->msgs * (DATA_HDR + padded);
    const uint16_t frame_len = (uint16_t)(ETH_LEN + IP_LEN + sctp_len);
    uint8_t tmpl[ETH_LEN + IP_LEN + COMMON_LEN];
    struct rte_mbuf *pend[BURST];
    unsigned npend = 0;
    uint32_t tsn = 1;
    uint64_t seq[4] = {0}, sent = 0, turns = 0;
    uint16_t sid = 0;

    if (frame_len > rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM)
        usage_exit("packet does not fit one mbuf");
    make_template(tmpl, frame_len);
    while (!quit) {
        struct rte_mbuf *rx[BURST];
        uint16_t n = rte_eth_rx_burst(port, 0, rx, BURST);
        if (n)
            rte_pktmbuf_free_bulk(rx, n);
        if (npend == 0) {
            if (rte_pktmbuf_alloc_bulk(mp, pend, BURST) != 0)
                continue;
            for (unsigned i = 0; i < BURST; i++) {
                uint8_t *f = (uint8_t *)rte_pktmbuf_append(pend[i], frame_len);
                uint8_t *sh = f + ETH_LEN + IP_LEN, *c = sh + COMMON_LEN;
                memcpy(f, tmpl, sizeof(tmpl));
                for (unsigned k = 0; k < o->msgs; k++, c += DATA_HDR + padded) {
                    uint64_t s = seq[sid]++;
                    uint64_t le_seq = rte_cpu_to_le_64(s);
                    uint32_t le_sid = rte_cpu_to_le_32(sid);
                    uint32_t mg = GEN_MAGIC ^ (uint32_t)s;
                    uint32_t be_tsn = rte_cpu_to_be_32(tsn++);
                    uint16_t be_sid = rte_cpu_to_be_16(sid);
                    uint16_t be_ssn = rte_cpu_to_be_16((uint16_t)s);
                    uint32_t be_ppid = rte_cpu_to_be_32(0x1000u + sid);
                    c[0] = 0; /* DATA */
                    c[1] = 0x03;
                    c[2] = (uint8_t)((DATA_HDR + o->size) >> 8);
                    c[3] = (uint8_t)(DATA_HDR + o->size);
                    memcpy(c + 4, &be_tsn, 4);
                    memcpy(c + 8, &be_sid, 2);
                    memcpy(c + 10, &be_ssn, 2);
                    memcpy(c + 12, &be_ppid, 4);
                    uint8_t *p = c + DATA_HDR;
                    memcpy(p, &le_seq, 8);
                    memcpy(p + 8, &le_sid, 4);
                    memcpy(p + 12, &mg, 4);
                    body_fill(p + 16, o->size - 16, (uint8_t)(s * 31 + sid * 7 + 16));
                    if (padded > o->size)
                        memset(p + o->size, 0, padded - o->size);
                    sid = (uint16_t)((sid + 1) & 3);
                }
                /* The template's checksum field is zero. */
                put_le32(sh + 8, sctp_crc32c(0, sh, sctp_len));
            }
            npend = BURST;
        }
        uint16_t k = rte_eth_tx_burst(port, 0, pend, (uint16_t)npend);
        if (k < npend)
            memmove(pend, pend + k, (npend - k) * sizeof(pend[0]));
        npend -= k;
        sent += k;
        turns++;
    }
    if (npend)
        rte_pktmbuf_free_bulk(pend, npend);
    printf("floor-tx: pkts=%" PRIu64 " msgs=%" PRIu64 " frame=%u turns=%" PRIu64 "\n", sent,
           sent * o->msgs, (unsigned)frame_len, turns);
    return 0;
}

static int run_rx(uint16_t port, const struct opts *o)
{
    uint64_t pkts = 0, msgs = 0, bad_csum = 0, bad_frame = 0, gaps = 0;
    uint64_t hz = rte_get_tsc_hz(), t_first = 0, t0 = 0, t_end = 0, t_limit;
    uint32_t next_tsn = 0;
    bool have_tsn = false, measuring = false;

    /* Wait at most 30 s for traffic, then 1 s of warm-up, then T s. */
    t_limit = rte_rdtsc() + 30 * hz;
    while (!quit) {
        struct rte_mbuf *rx[BURST];
        uint16_t n = rte_eth_rx_burst(port, 0, rx, BURST);
        uint64_t now = rte_rdtsc();

        if (n == 0) {
            if (t_first == 0 && now > t_limit)
                break;
            if (measuring && now >= t_end)
                break;
            continue;
        }
        if (t_first == 0) {
            t_first = now;
            t_limit = UINT64_MAX;
        }
        if (!measuring && now >= t_first + hz) {
            measuring = true;
            t0 = now;
            t_end = now + (uint64_t)(o->seconds * (double)hz);
            pkts = msgs = bad_csum = bad_frame = gaps = 0;
        } else if (measuring && now >= t_end) {
            rte_pktmbuf_free_bulk(rx, n);
            break;
        }
        for (uint16_t i = 0; i < n; i++) {
            struct rte_mbuf *m = rx[i];
            const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
            const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)f;
            const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(f + ETH_LEN);
            uint32_t len = m->data_len, ihl, tot;

            pkts++;
            if (m->nb_segs != 1 || len < ETH_LEN + IP_LEN + COMMON_LEN ||
                eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
                (ip->version_ihl >> 4) != 4 || ip->next_proto_id != IPPROTO_SCTP) {
                bad_frame++;
                continue;
            }
            ihl = (ip->version_ihl & 0xfu) * 4u;
            tot = rte_be_to_cpu_16(ip->total_length);
            if (ihl < IP_LEN || tot < ihl + COMMON_LEN || tot > len - ETH_LEN ||
                rte_raw_cksum(ip, ihl) != 0xffff) {
                bad_frame++;
                continue;
            }
            const uint8_t *sh = f + ETH_LEN + ihl;
            uint32_t sl = tot - ihl;
            if (!sctp_crc32c_check(sh, sl)) {
                bad_csum++;
                continue;
            }
            for (uint32_t at = COMMON_LEN; at + 4 <= sl;) {
                uint32_t cl = (uint32_t)sh[at + 2] << 8 | sh[at + 3];
                if (cl < 4 || cl > sl - at) {
                    bad_frame++;
                    break;
                }
                if (sh[at] == 0 && cl >= DATA_HDR) {
                    uint32_t t;
                    memcpy(&t, sh + at + 4, 4);
                    t = rte_be_to_cpu_32(t);
                    gaps += have_tsn && t != next_tsn;
                    next_tsn = t + 1;
                    have_tsn = true;
                    msgs++;
                }
                at += (cl + 3u) & ~3u;
            }
        }
        rte_pktmbuf_free_bulk(rx, n);
    }
    double secs = measuring ? (double)(rte_rdtsc() - t0) / (double)hz : 0;
    int rc = measuring && pkts > 0 && bad_csum == 0 && bad_frame == 0 ? 0 : 1;
    printf("floor: pkts=%" PRIu64 " msgs=%" PRIu64 " bad_csum=%" PRIu64 " bad_frame=%" PRIu64
           " tsn_gaps=%" PRIu64 " seconds=%.3f pkts_per_s=%.0f msgs_per_s=%.0f\n",
           pkts, msgs, bad_csum, bad_frame, gaps, secs, secs > 0 ? (double)pkts / secs : 0,
           secs > 0 ? (double)msgs / secs : 0);
    fflush(stdout);
    /* No more polling: the sender is stopped first (SIGINT), and its
     * memif regions, which this side maps, go away with it while this
     * lcore stays out of the driver. Then SIGINT here, at most 60 s. */
    for (unsigned i = 0; i < 600 && !quit; i++)
        rte_delay_us_sleep(100 * 1000);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o = {.msgs = 10, .size = 128, .seconds = 4};
    bool have_role = false;
    int n = rte_eal_init(argc, argv);

    if (n < 0) {
        fprintf(stderr, "memif_floor: EAL: %s\n", rte_strerror(rte_errno));
        return 2;
    }
    argc -= n;
    argv += n;
    for (int i = 1; i < argc; i += 2) { /* option, value */
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(argv[i], "--role") == 0 && v) {
            if (strcmp(v, "tx") != 0 && strcmp(v, "rx") != 0)
                usage_exit("--role is tx or rx");
            o.tx = strcmp(v, "tx") == 0;
            have_role = true;
        } else if (strcmp(argv[i], "--msgs") == 0 && v) {
            unsigned long x = strtoul(v, &end, 10);
            if (*end || x < 1 || x > 64)
                usage_exit("--msgs takes 1 to 64");
            o.msgs = (unsigned)x;
        } else if (strcmp(argv[i], "--size") == 0 && v) {
            unsigned long x = strtoul(v, &end, 10);
            if (*end || x < 16 || x > 1400)
                usage_exit("--size takes 16 to 1400");
            o.size = (unsigned)x;
        } else if (strcmp(argv[i], "--seconds") == 0 && v) {
            o.seconds = strtod(v, &end);
            if (*end || !(o.seconds > 0 && o.seconds <= 600))
                usage_exit("--seconds takes a number above 0, at most 600");
        } else {
            usage_exit("unknown option or missing value");
        }
    }
    if (!have_role)
        usage_exit("--role is required");
    if (rte_eth_dev_count_avail() < 1)
        usage_exit("no port (give a --vdev=net_memif0,...)");
    for (unsigned i = 0; i < sizeof(ramp); i++)
        ramp[i] = (uint8_t)i;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    struct rte_mempool *mp = rte_pktmbuf_pool_create("floor", POOL_MBUFS, 256, 0,
                                                     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
    if (mp == NULL) {
        fprintf(stderr, "memif_floor: mempool: %s\n", rte_strerror(rte_errno));
        return 1;
    }
    uint16_t port = 0;
    int rc = port_up(port, mp);
    if (rc != 0) {
        fprintf(stderr, "memif_floor: port %u: %s\n", port, rte_strerror(-rc));
        return 1;
    }
    printf("floor-%s: ready\n", o.tx ? "tx" : "rx");
    fflush(stdout);
    rc = o.tx ? run_tx(port, mp, &o) : run_rx(port, &o);
    rte_eth_dev_stop(port);
    rte_eth_dev_close(port);
    rte_eal_cleanup();
    return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Association behaviour between two core endpoints over the in-memory link. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sctp_codec.h"
#include "sctp_crc32c.h"
#include "sctp_internal.h"
#include "suites.h"

struct rec {
    uint32_t assoc[H_NODES];
    int up[H_NODES], lost[H_NODES], comp[H_NODES], cant[H_NODES], restart[H_NODES];
    int shutdown_ev[H_NODES], send_failed[H_NODES];
    uint16_t lost_cause[H_NODES];
    uint8_t lost_info[H_NODES][64];
    uint16_t lost_info_len[H_NODES];
    uint32_t msgs[H_NODES];
    uint32_t bad[H_NODES];
    uint32_t next_seq[H_NODES][8];
    uint64_t bytes[H_NODES];
};

static struct rec R;

static void on_event(struct harness *h, int node, struct sctp_event *ev)
{
    (void)h;
    switch (ev->type) {
    case SCTP_EV_ASSOC_CHANGE:
        switch (ev->u.assoc_change.state) {
        case SCTP_COMM_UP:
            R.up[node]++;
            R.assoc[node] = ev->assoc_id;
            break;
        case SCTP_COMM_LOST:
            R.lost[node]++;
            R.lost_cause[node] = ev->u.assoc_change.error;
            R.lost_info_len[node] =
                ev->u.assoc_change.info_len < 64 ? ev->u.assoc_change.info_len : 64;
            if (R.lost_info_len[node])
                memcpy(R.lost_info[node], ev->u.assoc_change.info, R.lost_info_len[node]);
            break;
        case SCTP_SHUTDOWN_COMP:
            R.comp[node]++;
            break;
        case SCTP_CANT_STR_ASSOC:
            R.cant[node]++;
            break;
        case SCTP_RESTART:
            R.restart[node]++;
            break;
        }
        break;
    case SCTP_EV_SHUTDOWN:
        R.shutdown_ev[node]++;
        break;
    case SCTP_EV_SEND_FAILED:
        R.send_failed[node]++;
        break;
    case SCTP_EV_DATA: {
        /* Payload: 4-byte sequence per stream, then bytes (seq + i). */
        uint8_t buf[70000];
        uint32_t off = 0;
        for (uint32_t i = 0; i < ev->u.data.nfrags; i++) {
            memcpy(buf + off, ev->u.data.frags[i].data, ev->u.data.frags[i].len);
            off += ev->u.data.frags[i].len;
        }
        uint32_t seq = sctp_get32(buf);
        for (uint32_t i = 4; i < off; i++)
            if (buf[i] != (uint8_t)(seq + i))
                R.bad[node]++;
        if (!(ev->u.data.flags & SCTP_EV_DATA_UNORDERED) && ev->u.data.sid < 8) {
            if (seq != R.next_seq[node][ev->u.data.sid])
                R.bad[node]++;
            R.next_seq[node][ev->u.data.sid] = seq + 1;
        }
        R.msgs[node]++;
        R.bytes[node] += off;
        break;
    }
    default:
        break;
    }
}

static bool both_up(struct harness *h)
{
    (void)h;
    return R.up[0] && R.up[1];
}

static struct harness H;

static void connect_pair(uint64_t seed, bool multi, void (*tune)(struct sctp_config *))
{
    memset(&R, 0, sizeof(R));
    h_init(&H, seed, multi, tune);
    H.on_event = on_event;
    struct sctp_addr peer[2] = {H.cfg[1].addrs[0], H.cfg[1].addrs[1]};
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], peer, multi ? 2 : 1, H.cfg[1].port, 8,
                                                NULL, NULL, &id, H.now),
                          0);
}

static void make_msg(uint8_t *buf, uint32_t seq, uint32_t len)
{
    sctp_put32(buf, seq);
    for (uint32_t i = 4; i < len; i++)
        buf[i] = (uint8_t)(seq + i);
}

static uint32_t sent_seq[8];

static int send_seq(int node, uint16_t sid, uint32_t len, uint16_t flags)
{
    static uint8_t buf[70000];
    uint32_t seq = (flags & SCTP_UNORDERED) ? 0xFFFF0000u : sent_seq[sid];
    make_msg(buf, seq, len);
    int r = h_send(&H, node, R.assoc[node], sid, flags, buf, len);
    if (r > 0 && !(flags & SCTP_UNORDERED))
        sent_seq[sid]++;
    return r;
}

static void finish(void)
{
    h_fini(&H);
    CU_ASSERT_EQUAL(hbuf_live, 0);
    hbuf_live = 0;
}

static void test_handshake(void)
{
    connect_pair(1, false, NULL);
    CU_ASSERT_TRUE(h_run(&H, both_up, 5 * SCTP_SEC));
    struct sctp_assoc_info i0, i1;
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &i0), 0);
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[1], R.assoc[1], &i1), 0);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i1.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i0.local_vtag, i1.peer_vtag);
    CU_ASSERT_EQUAL(i1.local_vtag, i0.peer_vtag);
    CU_ASSERT_EQUAL(i0.ostreams, 8);
    CU_ASSERT_EQUAL(i1.istreams, 8);
    /* Exactly one INIT, INIT ACK, COOKIE ECHO, COOKIE ACK on a clean link. */
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_INIT], 1);
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_INIT_ACK], 1);
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_COOKIE_ECHO], 1);
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_COOKIE_ACK], 1);
    finish();
}

static uint32_t want_msgs;
static bool got_all(struct harness *h)
{
    (void)h;
    return R.msgs[1] >= want_msgs;
}

static void transfer(unsigned loss, unsigned n, uint64_t seed)
{
    connect_pair(seed, false, NULL);
    memset(sent_seq, 0, sizeof(sent_seq));
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    H.loss = loss;
    H.dup = loss;
    H.reorder = loss;
    H.corrupt = loss;
    uint32_t sent = 0;
    for (unsigned guard = 0; sent < n && guard < 10000000; guard++) {
        uint16_t sid = (uint16_t)(sent % 4);
        uint32_t len = (sent % 50 == 7) ? 5000 + (sent % 3000) : 4 + (sent % 300);
        uint16_t flags = (sent % 10 == 3) ? SCTP_UNORDERED : 0;
        int r = send_seq(0, sid, len, flags);
        if (r == SCTP_ERR_AGAIN) {
            h_step(&H);
            continue;
        }
        CU_ASSERT_EQUAL_FATAL(r, 1);
        sent++;
        if (sent % 64 == 0)
            h_step(&H);
    }
    want_msgs = n;
    CU_ASSERT_TRUE(h_run(&H, got_all, 600 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.msgs[1], n);
    CU_ASSERT_EQUAL(R.bad[1], 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
}

static void test_data_clean(void)
{
    transfer(0, 5000, 2);
    finish();
}

static void test_data_lossy(void)
{
    transfer(50, 5000, 3);
    struct sctp_assoc_info i0;
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &i0), 0);
    CU_ASSERT_TRUE(i0.retransmissions > 0);
    finish();
}

static bool closed_both(struct harness *h)
{
    (void)h;
    return R.comp[0] && R.comp[1];
}

static void test_graceful_shutdown(void)
{
    transfer(0, 200, 4);
    H.loss = 0;
    H.dup = H.reorder = H.corrupt = 0;
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], R.assoc[0], H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, closed_both, 10 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.shutdown_ev[1], 1);
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_ABORT] + H.chunk_counts[1][SCTP_CT_ABORT], 0);
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_SHUTDOWN_ACK], 1);
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_SHUTDOWN_COMPLETE], 1);
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &(struct sctp_assoc_info){0}),
                    SCTP_ERR_NOTFOUND);
    finish();
}

static void test_shutdown_lossy(void)
{
    transfer(50, 300, 5);
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[1], R.assoc[1], H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, closed_both, 60 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

static bool lost_peer(struct harness *h)
{
    (void)h;
    return R.lost[1] > 0;
}

static void test_user_abort(void)
{
    connect_pair(6, false, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    const char reason[] = "maintenance";
    CU_ASSERT_EQUAL(sctp_assoc_abort(H.ep[0], R.assoc[0], (const uint8_t *)reason, 11, H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, lost_peer, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.lost[0], 1);
    /* The peer sees cause 12 with our reason. */
    CU_ASSERT_TRUE(R.lost_info_len[1] >= 4 + 11);
    CU_ASSERT_EQUAL(sctp_get16(R.lost_info[1]), SCTP_CAUSE_USER_ABORT);
    CU_ASSERT_EQUAL(memcmp(R.lost_info[1] + 4, reason, 11), 0);
    finish();
}

/* The control packet queue: stateless replies stop at SCTP_CTL_SLOTS;
 * packets an association owes (ABORT, SHUTDOWN COMPLETE, ERROR) make it
 * grow, wrapped or not, and leave in the order they were queued. */
static void test_ctl_queue_grows_for_assocs(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 9, false, NULL);
    struct sctp_endpoint *ep = H.ep[0];
    const struct sctp_addr *src = &H.cfg[0].addrs[0], *dst = &H.cfg[1].addrs[0];
    struct sctp_tx_packet tx;
    uint32_t queued = 0, sent = 0;

    /* Half the first ring, then drain some so that the ring wraps. */
    for (; queued < SCTP_CTL_SLOTS / 2; queued++) {
        uint8_t *b = sctp_ep_ctl_reserve(ep);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        memset(b, 0, 16);
        sctp_put32(b + 12, queued);
        sctp_ep_ctl_commit(ep, src, dst, 16);
    }
    for (; sent < 10; sent++) {
        CU_ASSERT_EQUAL_FATAL(sctp_endpoint_write_packet(ep, &tx, H.now), 1);
        CU_ASSERT_EQUAL(sctp_get32(tx.hdr + 12), sent);
    }
    /* Stateless replies stop at SCTP_CTL_SLOTS queued. */
    for (; queued - sent < SCTP_CTL_SLOTS; queued++) {
        uint8_t *b = sctp_ep_ctl_reserve(ep);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        memset(b, 0, 16);
        sctp_put32(b + 12, queued);
        sctp_ep_ctl_commit(ep, src, dst, 16);
    }
    CU_ASSERT_PTR_NULL(sctp_ep_ctl_reserve(ep));
    /* Association packets go on: 300 more, over two doublings. */
    for (unsigned k = 0; k < 300; k++, queued++) {
        uint8_t *b = sctp_ep_ctl_reserve_assoc(ep);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        memset(b, 0, 16);
        sctp_put32(b + 12, queued);
        sctp_ep_ctl_commit(ep, src, dst, 16);
    }
    CU_ASSERT_PTR_NULL(sctp_ep_ctl_reserve(ep));
    while (sctp_endpoint_write_packet(ep, &tx, H.now) == 1 && tx.len == 16) {
        CU_ASSERT_EQUAL(sctp_get32(tx.hdr + 12), sent);
        sent++;
    }
    CU_ASSERT_EQUAL(sent, queued);
    CU_ASSERT_PTR_NOT_NULL(sctp_ep_ctl_reserve(ep));
    h_fini(&H);
}

static void test_init_collision(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 7, false, NULL);
    H.on_event = on_event;
    uint32_t id0, id1;
    CU_ASSERT_EQUAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4, NULL,
                                          NULL, &id0, H.now),
                    0);
    CU_ASSERT_EQUAL(sctp_endpoint_connect(H.ep[1], &H.cfg[0].addrs[0], 1, H.cfg[0].port, 4, NULL,
                                          NULL, &id1, H.now),
                    0);
    CU_ASSERT_TRUE(h_run(&H, both_up, 10 * SCTP_SEC));
    h_run(&H, NULL, 2 * SCTP_SEC);
    struct sctp_assoc_info i0, i1;
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[0], id0, &i0), 0);
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[1], id1, &i1), 0);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i1.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i0.local_vtag, i1.peer_vtag);
    CU_ASSERT_EQUAL(i1.local_vtag, i0.peer_vtag);
    CU_ASSERT_EQUAL(R.up[0], 1);
    CU_ASSERT_EQUAL(R.up[1], 1);
    finish();
}

/* Node 0 connects to node 1 with a first message of 100 bytes
 * (sequence 0, stream 0) to go with the COOKIE ECHO. */
static void connect_with_msg(void)
{
    uint8_t buf[100];
    make_msg(buf, 0, sizeof(buf));
    struct hbuf *b = hbuf_new(buf, sizeof(buf));
    struct sctp_sndinfo info = {.sid = 0};
    struct sctp_frag f = {.data = b->data, .len = 100, .handle = b};
    uint32_t id;
    CU_ASSERT_EQUAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4, &info,
                                          &f, &id, H.now),
                    0);
    hbuf_unref(b);
}

static void test_data_on_cookie_echo(void)
{
    memset(&R, 0, sizeof(R));
    memset(sent_seq, 0, sizeof(sent_seq));
    h_init(&H, 8, false, NULL);
    H.on_event = on_event;
    connect_with_msg();
    want_msgs = 1;
    CU_ASSERT_TRUE(h_run(&H, got_all, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.bad[1], 0);
    /* The message rode on the COOKIE ECHO: no packet led with DATA. */
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_DATA], 0);
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_COOKIE_ECHO], 1);
    finish();
}

/* Packets from node 0 before its COMM_UP: DATA without a COOKIE ECHO in
 * the same packet; the first cookie_drops COOKIE ECHOes are lost. */
static unsigned data_alone, data_chunks, cookie_echoes, cookie_drops;

static int watch_cookie_echoed(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (from != 0 || R.up[0])
        return 1;
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    bool data = false, echo = false;
    while (sctp_chunk_next(p, len, &off, &c) == 1) {
        data |= c.type == SCTP_CT_DATA;
        data_chunks += c.type == SCTP_CT_DATA;
        echo |= c.type == SCTP_CT_COOKIE_ECHO;
    }
    data_alone += data && !echo;
    if (echo)
        return ++cookie_echoes > cookie_drops;
    return 1;
}

/* RFC 9260 5.1 C, 6: in COOKIE-ECHOED, DATA goes only in the packet of
 * the COOKIE ECHO. With three COOKIE ECHOes lost, no packet before
 * COMM_UP has DATA alone (a peer without the association would ABORT
 * it): T1-cookie sends the message again with each COOKIE ECHO, and T3,
 * which would back off the same RTO once more and drift apart from it,
 * stays out of the way. */
static void test_cookie_echoed_data_rides_along(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 9, false, NULL);
    H.on_event = on_event;
    data_alone = data_chunks = cookie_echoes = 0;
    cookie_drops = 3;
    H.filter = watch_cookie_echoed;
    connect_with_msg();
    want_msgs = 1;
    sctp_tstamp t0 = H.now;
    CU_ASSERT_TRUE(h_run(&H, got_all, 20 * SCTP_SEC));
    sctp_tstamp t_up = H.now - t0;
    CU_ASSERT_EQUAL(R.bad[1], 0);
    CU_ASSERT_EQUAL(cookie_echoes, 4);
    CU_ASSERT_EQUAL(data_alone, 0);
    /* The message went again with each COOKIE ECHO, and T1-cookie alone
     * backed off the RTO: the fourth went 0.1 + 0.2 + 0.4 s after the
     * first (RTO.Initial 100 ms; with T3 backing it off too, 0.1 + 0.4 +
     * 1.6 s). */
    CU_ASSERT_EQUAL(data_chunks, 4);
    CU_ASSERT_TRUE(t_up < SCTP_SEC);
    finish();
}

static int drop_all_from_1(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    (void)p;
    (void)len;
    return from != 1;
}

static bool cant(struct harness *h)
{
    (void)h;
    return R.cant[0] > 0;
}

static void tune_init(struct sctp_config *c)
{
    c->max_init_retransmits = 3;
}

static void test_t1_init_gives_up(void)
{
    connect_pair(9, false, tune_init);
    H.filter = drop_all_from_1;
    CU_ASSERT_TRUE(h_run(&H, cant, 60 * SCTP_SEC));
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_INIT], 4); /* 1 + 3 retransmissions */
    finish();
}

static bool lost0(struct harness *h)
{
    (void)h;
    return R.lost[0] > 0;
}

static void test_peer_unreachable(void)
{
    transfer(0, 100, 10);
    H.filter = drop_all_from_1;
    CU_ASSERT_TRUE(send_seq(0, 0, 100, 0) == 1);
    CU_ASSERT_TRUE(h_run(&H, lost0, 600 * SCTP_SEC));
    /* The unacknowledged message is handed back. */
    CU_ASSERT_TRUE(R.send_failed[0] >= 1);
    finish();
}

static void test_ootb_abort(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 11, false, NULL);
    /* A SACK for a tag nobody owns: 8.4 (8) ABORT with the T bit. */
    uint8_t pkt[28];
    sctp_common_hdr_encode(pkt, sizeof(pkt), 6000, H.cfg[1].port, 0x12345678);
    sctp_sack_encode(pkt + 12, 16, 1, 1000, NULL, 0, NULL, 0);
    struct hbuf *b = hbuf_new(pkt, sizeof(pkt));
    /* checksum */
    struct sctp_frag seg = {.data = b->data, .len = b->len};
    sctp_crc32c_fill(&seg, 1, b->data);
    struct sctp_rx_packet rx = {.data = b->data,
                                .len = b->len,
                                .handle = b,
                                .src = H.cfg[0].addrs[0],
                                .dst = H.cfg[1].addrs[0]};
    CU_ASSERT_EQUAL(sctp_endpoint_input(H.ep[1], &rx, H.now), SCTP_ERR_OOTB);
    static struct sctp_tx_packet out;
    CU_ASSERT_EQUAL(sctp_endpoint_write_packet(H.ep[1], &out, H.now), 1);
    CU_ASSERT_EQUAL(out.len, 16);
    CU_ASSERT_EQUAL(sctp_get32(out.hdr + 4), 0x12345678);
    CU_ASSERT_EQUAL(out.hdr[12], SCTP_CT_ABORT);
    CU_ASSERT_EQUAL(out.hdr[13], SCTP_FLAG_T);
    /* A corrupted copy is dropped and counted, not answered. */
    b->data[20] ^= 1;
    CU_ASSERT_EQUAL(sctp_endpoint_input(H.ep[1], &rx, H.now), SCTP_ERR_CHECKSUM);
    CU_ASSERT_EQUAL(sctp_endpoint_write_packet(H.ep[1], &out, H.now), 0);
    hbuf_unref(b);
    finish();
}

/* ---- crafted packets and what the endpoints answer (RFC 9260 5, 6.10,
 * 8.4, 8.5, 9.2; RFC 3758) ---- */

/* Packets an endpoint wrote, taken off it without delivery. */
#define OUT_MAX 64
static struct out_pkt {
    struct sctp_addr dst;
    uint32_t len;
    uint8_t bytes[2048];
} OUT[OUT_MAX];
static unsigned n_out;

static unsigned take_output(int node)
{
    static struct sctp_tx_packet pkt;
    n_out = 0;
    while (sctp_endpoint_write_packet(H.ep[node], &pkt, H.now) == 1) {
        if (n_out == OUT_MAX)
            continue;
        struct out_pkt *o = &OUT[n_out++];
        o->dst = pkt.dst;
        o->len = 0;
        for (unsigned i = 0; i < pkt.nsegs && o->len + pkt.segs[i].len <= sizeof(o->bytes); i++) {
            memcpy(o->bytes + o->len, pkt.segs[i].data, pkt.segs[i].len);
            o->len += pkt.segs[i].len;
        }
    }
    return n_out;
}

/* The nth chunk of a type among the packets taken; NULL if none. */
static const struct out_pkt *out_chunk(uint8_t type, unsigned nth, struct sctp_chunk *c)
{
    for (unsigned i = 0; i < n_out; i++) {
        size_t off = SCTP_COMMON_HDR_LEN;
        while (sctp_chunk_next(OUT[i].bytes, OUT[i].len, &off, c) == 1)
            if (c->type == type && nth-- == 0)
                return &OUT[i];
    }
    return NULL;
}

/* A whole packet (common header included) arriving from src; its CRC32c
 * is filled in. */
static int inject_from(int to, const struct sctp_addr *src, const uint8_t *bytes, uint32_t len)
{
    return h_input(&H, to, src, bytes, len, false);
}

/* Chunks from the other node's first address and port. */
static int inject(int to, uint32_t vtag, const uint8_t *chunks, uint32_t clen)
{
    int from = 1 - to;
    uint8_t buf[2048];
    if (clen > sizeof(buf) - SCTP_COMMON_HDR_LEN)
        return SCTP_ERR_INVAL;
    sctp_common_hdr_encode(buf, sizeof(buf), H.cfg[from].port, H.cfg[to].port, vtag);
    memcpy(buf + SCTP_COMMON_HDR_LEN, chunks, clen);
    return inject_from(to, &H.cfg[from].addrs[0], buf, SCTP_COMMON_HDR_LEN + clen);
}

static uint32_t put_heartbeat(uint8_t *p)
{
    uint8_t info[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    sctp_chunk_hdr_encode(p, 4, SCTP_CT_HEARTBEAT, 0, 4 + 12);
    sctp_tlv_encode(p + 4, 12, SCTP_PT_HEARTBEAT_INFO, info, sizeof(info));
    return 16;
}

static struct sctp_assoc_info info_of(int node)
{
    struct sctp_assoc_info i;
    memset(&i, 0, sizeof(i));
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[node], R.assoc[node], &i), 0);
    return i;
}

/* RFC 9260 8.5.1 A: a zero verification tag is only for a lone INIT; any
 * other packet with it is discarded without the 8.4 replies. */
static void test_ootb_zero_tag(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 12, false, NULL);
    uint8_t data[20];
    sctp_data_hdr_encode(data, sizeof(data), SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, 1, 0, 0, 0, 4);
    memcpy(data + 16, "abcd", 4);
    CU_ASSERT_NOT_EQUAL(inject(1, 0, data, sizeof(data)), 0);
    CU_ASSERT_EQUAL(take_output(1), 0);
    uint8_t shack[4];
    sctp_chunk_hdr_encode(shack, 4, SCTP_CT_SHUTDOWN_ACK, 0, 4);
    CU_ASSERT_NOT_EQUAL(inject(1, 0, shack, 4), 0);
    CU_ASSERT_EQUAL(take_output(1), 0);
    /* With a tag, the same packets get their 8.4 answers. */
    CU_ASSERT_EQUAL(inject(1, 0x1234, data, sizeof(data)), SCTP_ERR_OOTB);
    struct sctp_chunk c;
    CU_ASSERT_EQUAL(take_output(1), 1);
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_ABORT, 0, &c));
    CU_ASSERT_EQUAL(inject(1, 0x1234, shack, 4), SCTP_ERR_OOTB);
    CU_ASSERT_EQUAL(take_output(1), 1);
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_SHUTDOWN_COMPLETE, 0, &c));
    CU_ASSERT_EQUAL(c.flags, SCTP_FLAG_T);
    finish();
}

/* RFC 9260 3.1: port 0 MUST NOT be used, as source or as destination. A
 * HEARTBEAT out of the blue draws an ABORT (8.4 (8)) from the port it was
 * sent to; sent to port 0 (or from it) it is discarded unanswered: the
 * ABORT went out from port 0. */
static void test_port_zero(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 14, false, NULL);
    const uint16_t ports[3][2] = {{H.cfg[0].port, 0}, {0, H.cfg[1].port}, {H.cfg[0].port, 6000}};
    for (unsigned i = 0; i < 3; i++) {
        uint8_t pkt[32];
        sctp_common_hdr_encode(pkt, sizeof(pkt), ports[i][0], ports[i][1], 0x1234);
        uint32_t n = SCTP_COMMON_HDR_LEN + put_heartbeat(pkt + SCTP_COMMON_HDR_LEN);
        int r = inject_from(1, &H.cfg[0].addrs[0], pkt, n);
        if (i < 2) {
            CU_ASSERT_EQUAL(r, SCTP_ERR_PROTO);
            CU_ASSERT_EQUAL(take_output(1), 0);
            continue;
        }
        CU_ASSERT_EQUAL(r, SCTP_ERR_OOTB);
        CU_ASSERT_EQUAL_FATAL(take_output(1), 1);
        struct sctp_chunk c;
        CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_ABORT, 0, &c));
        CU_ASSERT_EQUAL(sctp_get16(OUT[0].bytes), 6000);
        CU_ASSERT_EQUAL(sctp_get16(OUT[0].bytes + 2), H.cfg[0].port);
    }
    finish();
}

/* RFC 9260 6.10: INIT, INIT ACK and SHUTDOWN COMPLETE travel alone; a
 * packet bundling one of them is dropped before any chunk is acted on
 * (here: a HEARTBEAT in front gets no HEARTBEAT ACK). */
static void test_lone_chunks_not_bundled(void)
{
    connect_pair(13, false, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    uint32_t vtag = info_of(1).local_vtag;
    static const uint8_t lone[] = {SCTP_CT_INIT, SCTP_CT_INIT_ACK, SCTP_CT_SHUTDOWN_COMPLETE};
    for (unsigned i = 0; i < 2 * sizeof(lone); i++) {
        uint8_t chunks[64];
        uint8_t other[24];
        uint32_t on;
        if (lone[i / 2] == SCTP_CT_SHUTDOWN_COMPLETE) {
            on = (uint32_t)sctp_chunk_hdr_encode(other, sizeof(other), lone[i / 2], 0, 4);
        } else {
            struct sctp_init_chunk init = {.init_tag = 0x5555,
                                           .a_rwnd = 65536,
                                           .ostreams = 1,
                                           .istreams = 1,
                                           .initial_tsn = 7};
            on = (uint32_t)sctp_init_encode(other, sizeof(other), lone[i / 2], &init);
        }
        uint32_t n = 0;
        if (i % 2 == 0) { /* behind the HEARTBEAT */
            n = put_heartbeat(chunks);
            memcpy(chunks + n, other, on);
            n += on;
        } else { /* in front of it */
            memcpy(chunks, other, on);
            n = on + put_heartbeat(chunks + on);
        }
        inject(1, vtag, chunks, n);
        struct sctp_chunk c;
        take_output(1);
        CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &c));
        CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_INIT_ACK, 0, &c));
        CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_COOKIE_ECHO, 0, &c));
        CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    }
    /* The HEARTBEAT alone is answered. */
    uint8_t hb[16];
    CU_ASSERT_EQUAL(inject(1, vtag, hb, put_heartbeat(hb)), 0);
    struct sctp_chunk c;
    take_output(1);
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &c));
    finish();
}

static int drop_cookie_echo(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    (void)from;
    return !(len > SCTP_COMMON_HDR_LEN && p[SCTP_COMMON_HDR_LEN] == SCTP_CT_COOKIE_ECHO);
}

static bool cookie_echoed0(struct harness *h)
{
    struct sctp_assoc_info i;
    return sctp_assoc_get_info(h->ep[0], R.assoc[0], &i) == 0 && i.state == SCTP_S_COOKIE_ECHOED;
}

static bool cant0(struct harness *h)
{
    (void)h;
    return R.cant[0] > 0;
}

/* An endpoint that refuses new associations (sctpdp stopping): its
 * association goes on, carries DATA; an INIT for a new one gets an ABORT
 * (Out of Resource), no INIT ACK, and the initiator CANT_STR_ASSOC; a
 * COOKIE ECHO of a handshake begun before the refusal gets an ABORT and
 * starts nothing; connect is refused. Once it accepts again, the pair
 * comes up. */
static void test_refuse_new(void)
{
    connect_pair(71, false, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    sctp_endpoint_refuse_new(H.ep[1], true);
    want_msgs = 3;
    for (int i = 0; i < 3; i++)
        CU_ASSERT_TRUE(send_seq(0, 0, 100, 0) > 0);
    CU_ASSERT_TRUE(h_run(&H, got_all, 5 * SCTP_SEC));
    uint32_t id;
    struct sctp_addr peer0 = H.cfg[0].addrs[0];
    CU_ASSERT_EQUAL(
        sctp_endpoint_connect(H.ep[1], &peer0, 1, H.cfg[0].port, 8, NULL, NULL, &id, H.now),
        SCTP_ERR_STATE);
    /* A new association: the old one aborted by the initiator. */
    CU_ASSERT_EQUAL(sctp_assoc_abort(H.ep[0], R.assoc[0], NULL, 0, H.now), 0);
    h_run(&H, NULL, 10 * SCTP_MS);
    CU_ASSERT_EQUAL(H.ep[1]->n_assocs, 0);
    uint64_t init_acks = H.chunk_counts[1][SCTP_CT_INIT_ACK];
    uint64_t aborts = H.chunk_counts[1][SCTP_CT_ABORT];
    struct sctp_addr peer1 = H.cfg[1].addrs[0];
    CU_ASSERT_EQUAL_FATAL(
        sctp_endpoint_connect(H.ep[0], &peer1, 1, H.cfg[1].port, 8, NULL, NULL, &id, H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, cant0, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_INIT_ACK], init_acks);
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_ABORT], aborts + 1);
    CU_ASSERT_EQUAL(H.ep[1]->n_assocs, 0);
    /* A handshake begun while it accepted: the COOKIE ECHO comes after. */
    sctp_endpoint_refuse_new(H.ep[1], false);
    H.filter = drop_cookie_echo;
    R.cant[0] = 0;
    CU_ASSERT_EQUAL_FATAL(
        sctp_endpoint_connect(H.ep[0], &peer1, 1, H.cfg[1].port, 8, NULL, NULL, &R.assoc[0], H.now),
        0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, cookie_echoed0, 5 * SCTP_SEC));
    sctp_endpoint_refuse_new(H.ep[1], true);
    H.filter = NULL;
    aborts = H.chunk_counts[1][SCTP_CT_ABORT];
    CU_ASSERT_TRUE(h_run(&H, cant0, 10 * SCTP_SEC));
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_ABORT], aborts + 1);
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_COOKIE_ACK], 1);
    CU_ASSERT_EQUAL(H.ep[1]->n_assocs, 0);
    CU_ASSERT_EQUAL(R.up[1], 1);
    /* Accepting again. */
    sctp_endpoint_refuse_new(H.ep[1], false);
    R.up[0] = R.up[1] = 0;
    CU_ASSERT_EQUAL_FATAL(
        sctp_endpoint_connect(H.ep[0], &peer1, 1, H.cfg[1].port, 8, NULL, NULL, &id, H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, both_up, 5 * SCTP_SEC));
    finish();
}

/* RFC 9260 8.5.1 E, 9.2: a SHUTDOWN ACK in COOKIE-WAIT or COOKIE-ECHOED is
 * out of the blue even with our tag: SHUTDOWN COMPLETE with the T bit and
 * the packet's tag, and the handshake goes on. */
static void test_shutdown_ack_in_cookie_states(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 14, false, NULL);
    H.on_event = on_event;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &R.assoc[0], H.now),
                          0);
    uint32_t tag = info_of(0).local_vtag;
    uint8_t shack[4];
    sctp_chunk_hdr_encode(shack, 4, SCTP_CT_SHUTDOWN_ACK, 0, 4);
    for (int round = 0; round < 2; round++) {
        enum sctp_state want = round ? SCTP_S_COOKIE_ECHOED : SCTP_S_COOKIE_WAIT;
        if (round == 1) {
            H.filter = drop_cookie_echo;
            CU_ASSERT_TRUE_FATAL(h_run(&H, cookie_echoed0, 2 * SCTP_SEC));
        }
        CU_ASSERT_EQUAL(info_of(0).state, want);
        take_output(0);
        CU_ASSERT_EQUAL(inject(0, tag, shack, 4), SCTP_ERR_OOTB);
        take_output(0);
        struct sctp_chunk c;
        const struct out_pkt *o = out_chunk(SCTP_CT_SHUTDOWN_COMPLETE, 0, &c);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        CU_ASSERT_EQUAL(c.flags, SCTP_FLAG_T);
        CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), tag);
        CU_ASSERT_TRUE(sctp_addr_equal(&o->dst, &H.cfg[1].addrs[0]));
        CU_ASSERT_EQUAL(info_of(0).state, want);
    }
    CU_ASSERT_EQUAL(R.lost[0] + R.cant[0] + R.comp[0], 0);
    /* And the handshake completes. */
    H.filter = NULL;
    CU_ASSERT_TRUE(h_run(&H, both_up, 5 * SCTP_SEC));
    finish();
}

static void tune_t2(struct sctp_config *c)
{
    c->assoc_max_retrans = 4;
    c->path_max_retrans = 10;
    c->hb_interval = 60 * SCTP_SEC;
}

static struct sctp_assoc *assoc_of(int node)
{
    return sctp_ep_find_id(H.ep[node], R.assoc[node]);
}

static bool two_errors0(struct harness *h)
{
    (void)h;
    struct sctp_assoc *a = assoc_of(0);
    return a && a->error_count >= 2;
}

/* RFC 9260 9.2: in SHUTDOWN-SENT any packet from the peer clears the error
 * count and restarts T2-shutdown. */
static void test_t2_restarted_by_any_packet(void)
{
    connect_pair(15, false, tune_t2);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    H.filter = drop_all_from_1;
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], R.assoc[0], H.now), 0);
    /* Two T2 expiries without an answer. */
    CU_ASSERT_TRUE_FATAL(h_run(&H, two_errors0, 5 * SCTP_SEC));
    struct sctp_assoc *a = assoc_of(0);
    CU_ASSERT_EQUAL_FATAL(a->state, SCTP_S_SHUTDOWN_SENT);
    CU_ASSERT_EQUAL(a->error_count, 2);
    h_run(&H, NULL, 5 * SCTP_MS);
    uint8_t hb[16];
    CU_ASSERT_EQUAL(inject(0, info_of(0).local_vtag, hb, put_heartbeat(hb)), 0);
    CU_ASSERT_EQUAL(a->error_count, 0);
    CU_ASSERT_EQUAL(a->t2_timer, H.now + sctp_assoc_data_path(a)->rto.rto);
    CU_ASSERT_EQUAL(a->state, SCTP_S_SHUTDOWN_SENT);
    /* The shutdown then completes. */
    H.filter = NULL;
    CU_ASSERT_TRUE(h_run(&H, closed_both, 10 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* RFC 3758 3.3.1, 3.3.2: without Forward-TSN-Supported from both ends a
 * FORWARD TSN is not processed; it is an unknown chunk (0xC0: skip it,
 * report it in an ERROR, go on with the packet). */
static void test_forward_tsn_not_negotiated(void)
{
    memset(&R, 0, sizeof(R));
    memset(sent_seq, 0, sizeof(sent_seq));
    h_init(&H, 16, false, NULL);
    H.on_event = on_event;
    H.ep[0]->cfg.pr_sctp = false; /* node 1 supports it, node 0 does not */
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    CU_ASSERT_FALSE(assoc_of(1)->peer_pr_sctp);
    uint8_t chunks[32];
    sctp_chunk_hdr_encode(chunks, 4, SCTP_CT_FORWARD_TSN, 0, 8);
    sctp_put32(chunks + 4, info_of(0).next_tsn + 9);
    uint32_t n = 8 + put_heartbeat(chunks + 8);
    CU_ASSERT_EQUAL(inject(1, info_of(1).local_vtag, chunks, n), 0);
    take_output(1);
    struct sctp_chunk c;
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &c));
    CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_ERROR, 0, &c));
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_UNRECOGNIZED_CHUNK);
    CU_ASSERT_EQUAL_FATAL(t.value_len, 8);
    CU_ASSERT_EQUAL(memcmp(t.value, chunks, 8), 0);
    /* The cumulative TSN did not move: the next DATA is delivered. */
    CU_ASSERT_EQUAL(send_seq(0, 0, 100, 0), 1);
    want_msgs = 1;
    CU_ASSERT_TRUE(h_run(&H, got_all, 2 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.bad[1], 0);
    finish();
}

/* RFC 3758 3.6: a FORWARD TSN that cannot be taken for want of memory
 * (it lists more than 64 streams, whose list is allocated) changes
 * nothing: the SACK that answers it keeps the old cumulative TSN, and
 * the same FORWARD TSN sent again, with memory, moves it. */
static void test_forward_tsn_nomem(void)
{
    connect_pair(23, false, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    CU_ASSERT_TRUE_FATAL(assoc_of(1)->peer_pr_sctp);
    uint32_t cum = info_of(0).next_tsn - 1;
    uint8_t chunks[8 + 4 * 70];
    sctp_chunk_hdr_encode(chunks, 4, SCTP_CT_FORWARD_TSN, 0, sizeof(chunks));
    sctp_put32(chunks + 4, cum + 5);
    for (unsigned i = 0; i < 70; i++) {
        sctp_put16(chunks + 8 + 4 * i, (uint16_t)(i % 8));
        sctp_put16(chunks + 10 + 4 * i, (uint16_t)i);
    }
    take_output(1);
    struct sctp_chunk c;
    struct sctp_sack_chunk s;
    H.fail_alloc = true;
    CU_ASSERT_EQUAL(inject(1, info_of(1).local_vtag, chunks, sizeof(chunks)), 0);
    H.fail_alloc = false;
    CU_ASSERT(H.alloc_failed > 0);
    take_output(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_SACK, 0, &c));
    CU_ASSERT_FATAL(sctp_sack_decode(&s, &c) >= 0);
    CU_ASSERT_EQUAL(s.cum_tsn, cum);
    CU_ASSERT_EQUAL(assoc_of(1)->map.cum_tsn, cum);
    CU_ASSERT_EQUAL(inject(1, info_of(1).local_vtag, chunks, sizeof(chunks)), 0);
    take_output(1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_SACK, 0, &c));
    CU_ASSERT_FATAL(sctp_sack_decode(&s, &c) >= 0);
    CU_ASSERT_EQUAL(s.cum_tsn, cum + 5);
    CU_ASSERT_EQUAL(assoc_of(1)->map.cum_tsn, cum + 5);
    finish();
}

static uint8_t held[2048];
static uint32_t held_len;

/* hold_chunk keeps the first packet of node hold_from that starts with a
 * chunk of type hold_type and drops all of them. */
static int hold_from;
static uint8_t hold_type;

static int hold_chunk(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (from != hold_from || len <= SCTP_COMMON_HDR_LEN || p[SCTP_COMMON_HDR_LEN] != hold_type)
        return 1;
    if (held_len == 0 && len <= sizeof(held)) {
        memcpy(held, p, len);
        held_len = len;
    }
    return 0;
}

static void hold(int from, uint8_t type)
{
    held_len = 0;
    hold_from = from;
    hold_type = type;
    H.filter = hold_chunk;
}

static bool chunk_held(struct harness *h)
{
    (void)h;
    return held_len > 0;
}

/* RFC 9260 5.1.2: an INIT ACK from another address of the peer than the
 * one the INIT went to, with our tag and listing the address we know,
 * belongs to our association: it is taken, and its source becomes a path. */
static void test_init_ack_from_other_address(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 17, true, NULL);
    H.on_event = on_event;
    hold(1, SCTP_CT_INIT_ACK);
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &R.assoc[0], H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, chunk_held, 1 * SCTP_SEC));
    struct sctp_assoc_info i = info_of(0);
    CU_ASSERT_EQUAL(i.state, SCTP_S_COOKIE_WAIT);
    CU_ASSERT_EQUAL(i.n_paths, 1);
    /* The same INIT ACK, from node 1's second address. */
    CU_ASSERT_EQUAL(inject_from(0, &H.cfg[1].addrs[1], held, held_len), 0);
    i = info_of(0);
    CU_ASSERT_EQUAL(i.state, SCTP_S_COOKIE_ECHOED);
    CU_ASSERT_EQUAL_FATAL(i.n_paths, 2);
    CU_ASSERT_TRUE(sctp_addr_equal(&i.paths[0].addr, &H.cfg[1].addrs[0]) ||
                   sctp_addr_equal(&i.paths[1].addr, &H.cfg[1].addrs[0]));
    CU_ASSERT_TRUE(sctp_addr_equal(&i.paths[0].addr, &H.cfg[1].addrs[1]) ||
                   sctp_addr_equal(&i.paths[1].addr, &H.cfg[1].addrs[1]));
    H.filter = NULL;
    CU_ASSERT_TRUE(h_run(&H, both_up, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.cant[0] + R.lost[0] + R.lost[1], 0);
    finish();
}

/* Node 0 connects to node 1, and node 1's INIT ACK is replaced by one
 * with a State Cookie of cookie_len bytes (ack_tag its Initiate Tag) and
 * the parameters in extra after it.
 * Node 0's answer is left in OUT. */
static void init_ack_with_cookie(uint64_t seed, uint32_t ack_tag, uint32_t cookie_len,
                                 const uint8_t *extra, uint32_t extra_len)
{
    static uint8_t pkt[8192];
    memset(&R, 0, sizeof(R));
    h_init(&H, seed, false, NULL);
    H.on_event = on_event;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &R.assoc[0], H.now),
                          0);
    uint32_t tag = info_of(0).local_vtag;
    take_output(0); /* the INIT */
    uint8_t *chunk = pkt + SCTP_COMMON_HDR_LEN;
    uint32_t room = sizeof(pkt) - SCTP_COMMON_HDR_LEN;
    struct sctp_init_chunk ack = {
        .init_tag = ack_tag, .a_rwnd = 65536, .ostreams = 4, .istreams = 4, .initial_tsn = 1000};
    int n = sctp_init_encode(chunk, room, SCTP_CT_INIT_ACK, &ack);
    static uint8_t cookie[6000];
    for (uint32_t i = 0; i < cookie_len; i++)
        cookie[i] = (uint8_t)(i * 7 + 3);
    n += sctp_tlv_encode(chunk + n, room - n, SCTP_PT_STATE_COOKIE, cookie, (uint16_t)cookie_len);
    if (extra_len) {
        memcpy(chunk + n, extra, extra_len);
        n += (int)extra_len;
    }
    sctp_chunk_set_length(chunk, (uint16_t)n);
    sctp_common_hdr_encode(pkt, SCTP_COMMON_HDR_LEN, H.cfg[1].port, H.cfg[0].port, tag);
    inject_from(0, &H.cfg[1].addrs[0], pkt, SCTP_COMMON_HDR_LEN + (uint32_t)n);
    take_output(0);
}

/* RFC 9260 5.1.2, 3.3.2.1: an INIT ACK with a Host Name Address: ABORT
 * (Unresolvable Address) to where it came from, tagged with its Initiate
 * Tag, and the attempt ends with CANT_STR_ASSOC. */
static void test_init_ack_hostname(void)
{
    static const char name[] = "peer.example";
    uint8_t host_param[32];
    int hn = sctp_tlv_encode(host_param, sizeof(host_param), SCTP_PT_HOSTNAME, name, sizeof(name));
    init_ack_with_cookie(18, 0xABCD0001, 8, host_param, (uint32_t)hn);
    struct sctp_chunk c;
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_COOKIE_ECHO, 0, &c));
    const struct out_pkt *o = out_chunk(SCTP_CT_ABORT, 0, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(c.flags & SCTP_FLAG_T, 0);
    CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), 0xABCD0001);
    CU_ASSERT_TRUE(sctp_addr_equal(&o->dst, &H.cfg[1].addrs[0]));
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_UNRESOLVABLE_ADDR);
    /* The cause carries the Host Name Address parameter. */
    CU_ASSERT_EQUAL_FATAL(t.value_len, 4 + sizeof(name));
    CU_ASSERT_EQUAL(memcmp(t.value, host_param, t.value_len), 0);
    h_run(&H, NULL, 10 * SCTP_MS);
    CU_ASSERT_EQUAL(R.cant[0], 1);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &(struct sctp_assoc_info){0}),
                    SCTP_ERR_NOTFOUND);
    finish();
}

/* RFC 9260 5.1.4: the peer's State Cookie goes back whole in the COOKIE
 * ECHO, also one of 1500 bytes (a packet beyond the path's MTU). One that
 * no packet could carry back (4000 bytes) ends the attempt with an ABORT
 * (Out of Resource) and CANT_STR_ASSOC. An INIT ACK with a zero Initiate
 * Tag is answered with an ABORT that has the T bit and our tag (3.3.3). */
static void test_init_ack_cookie_sizes(void)
{
    struct sctp_chunk c;
    init_ack_with_cookie(21, 0x11110001, 1500, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_COOKIE_ECHO, 0, &c));
    CU_ASSERT_EQUAL_FATAL(c.value_len, 1500);
    int same = 1;
    for (uint32_t i = 0; i < 1500; i++)
        same &= c.value[i] == (uint8_t)(i * 7 + 3);
    CU_ASSERT_TRUE(same);
    finish();

    init_ack_with_cookie(22, 0x11110002, 4000, NULL, 0);
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_COOKIE_ECHO, 0, &c));
    const struct out_pkt *o = out_chunk(SCTP_CT_ABORT, 0, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), 0x11110002);
    CU_ASSERT_EQUAL(c.flags & SCTP_FLAG_T, 0);
    CU_ASSERT_TRUE(c.value_len >= 4 && sctp_get16(c.value) == SCTP_CAUSE_OUT_OF_RESOURCE);
    h_run(&H, NULL, 10 * SCTP_MS);
    CU_ASSERT_EQUAL(R.cant[0], 1);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();

    init_ack_with_cookie(23, 0, 100, NULL, 0);
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_COOKIE_ECHO, 0, &c));
    o = out_chunk(SCTP_CT_ABORT, 0, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(c.flags & SCTP_FLAG_T, SCTP_FLAG_T);
    h_run(&H, NULL, 10 * SCTP_MS);
    CU_ASSERT_EQUAL(R.cant[0], 1);
    finish();
}

/* RFC 9260 5.1 C, 3.2.2: in COOKIE-ECHOED nothing but the COOKIE ECHO
 * goes to the peer. A chunk of an unknown type to report (upper bits 11)
 * that arrives then is reported only after the COOKIE ACK. */
static void test_no_error_before_cookie_ack(void)
{
    struct sctp_chunk c;
    init_ack_with_cookie(24, 0x22220001, 100, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_COOKIE_ECHO, 0, &c));
    uint32_t tag = info_of(0).local_vtag;
    uint8_t unk[8] = {0xC5, 0, 0, 8, 1, 2, 3, 4};
    inject(0, tag, unk, sizeof(unk));
    take_output(0);
    CU_ASSERT_EQUAL(n_out, 0);
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_ERROR, 0, &c));
    uint8_t ack[4] = {SCTP_CT_COOKIE_ACK, 0, 0, 4};
    inject(0, tag, ack, sizeof(ack));
    take_output(0);
    const struct out_pkt *o = out_chunk(SCTP_CT_ERROR, 0, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), 0x22220001);
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_UNRECOGNIZED_CHUNK);
    finish();
}

static void tune_stale(struct sctp_config *c)
{
    c->valid_cookie_life = 10 * SCTP_MS;
    c->max_init_retransmits = 3;
}

/* RFC 9260 5.2.6 with 5.1 C: when every cookie arrives stale (a 60 ms
 * round trip, 10 ms of cookie life, 20 ms at most with the preservative),
 * the INIT / COOKIE ECHO / Stale Cookie cycle ends after
 * Max.Init.Retransmits; the INIT ACKs in between do not start the count
 * over. */
static void test_stale_cookie_bounded(void)
{
    connect_pair(19, false, tune_stale);
    H.latency = 30 * SCTP_MS;
    CU_ASSERT_TRUE(h_run(&H, cant, 30 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.cant[0], 1);
    CU_ASSERT_EQUAL(R.up[0] + R.up[1], 0);
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_INIT], 4); /* 1 + 3 after Stale Cookie errors */
    CU_ASSERT_EQUAL(H.chunk_counts[1][SCTP_CT_ERROR], 4);
    finish();
}

/* Suggested Cookie Life-Span Increments in node 0's INITs (ms), 0 for
 * an INIT without a Cookie Preservative. */
static uint32_t preserve_ms[8];
static unsigned n_inits;

static int watch_inits(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    while (from == 0 && sctp_chunk_next(p, len, &off, &c) == 1) {
        if (c.type != SCTP_CT_INIT || n_inits == 8 || c.value_len < 16)
            continue;
        uint32_t v = 0;
        size_t o = 16;
        struct sctp_tlv t;
        while (sctp_tlv_next(c.value, c.value_len, &o, &t) == 1)
            if (t.type == SCTP_PT_COOKIE_PRESERVATIVE && t.value_len == 4)
                v = sctp_get32(t.value);
        preserve_ms[n_inits++] = v;
    }
    return 1;
}

/* RFC 9260 5.2.6: after a Stale Cookie error the new INIT asks for the
 * round trip of the COOKIE ECHO and the ERROR (60 ms here) plus at most
 * 1 s, not for a multiple of the staleness (50 ms: 60 ms of travel
 * against 10 ms of life). */
static void test_cookie_preservative_from_rtt(void)
{
    n_inits = 0;
    connect_pair(20, false, tune_stale);
    H.latency = 30 * SCTP_MS;
    H.filter = watch_inits;
    CU_ASSERT_TRUE(h_run(&H, cant, 30 * SCTP_SEC));
    CU_ASSERT_EQUAL_FATAL(n_inits, 4);
    CU_ASSERT_EQUAL(preserve_ms[0], 0);
    for (unsigned i = 1; i < n_inits; i++) {
        CU_ASSERT_TRUE(preserve_ms[i] >= 1060);
        CU_ASSERT_TRUE(preserve_ms[i] <= 1062);
    }
    finish();
}

static int drop_init_ack_from_0(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    return !(from == 0 && len > SCTP_COMMON_HDR_LEN && p[SCTP_COMMON_HDR_LEN] == SCTP_CT_INIT_ACK);
}

/* The first INIT or INIT ACK node 1 sent. */
static uint32_t first_init1_len, first_ack1_len;
static uint8_t first_init1[256], first_ack1[1024];
static int log_node1_setup(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    if (from == 1 && len > SCTP_COMMON_HDR_LEN) {
        uint8_t type = p[SCTP_COMMON_HDR_LEN];
        if (type == SCTP_CT_INIT && !first_init1_len && len <= sizeof(first_init1)) {
            memcpy(first_init1, p, len);
            first_init1_len = len;
        }
        if (type == SCTP_CT_INIT_ACK && !first_ack1_len && len <= sizeof(first_ack1)) {
            memcpy(first_ack1, p, len);
            first_ack1_len = len;
        }
    }
    return drop_init_ack_from_0(h, from, p, len);
}

static bool decode_init(const uint8_t *p, uint32_t len, struct sctp_init_chunk *i)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    return sctp_chunk_next(p, len, &off, &c) == 1 && sctp_init_decode(i, &c) > 0;
}

/* Nodes 0 and 1 connect to each other's first address at once (node 0
 * with 4 outbound streams, node 1 with os1), through filter, and both
 * come up. */
static void collide(uint64_t seed, bool multi,
                    int (*filter)(struct harness *, int, const uint8_t *, uint32_t), uint16_t os1,
                    uint32_t *id0, uint32_t *id1)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, seed, multi, NULL);
    H.on_event = on_event;
    H.filter = filter;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, id0, H.now),
                          0);
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[1], &H.cfg[0].addrs[0], 1, H.cfg[0].port, os1,
                                                NULL, NULL, id1, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 10 * SCTP_SEC));
}

/* RFC 9260 5.2.1: an INIT in COOKIE-WAIT is answered with the parameters
 * of our own INIT (streams as asked at connect, not the configured
 * default), and an association set up from that cookie (action B here:
 * node 1 never gets an INIT ACK and takes node 0's COOKIE ECHO in
 * COOKIE-WAIT) keeps the stream count its user asked for. */
static void test_init_collision_keeps_streams(void)
{
    first_init1_len = first_ack1_len = 0;
    uint32_t id0, id1;
    collide(20, false, log_node1_setup, 3, &id0, &id1);
    CU_ASSERT_EQUAL(R.up[0], 1);
    CU_ASSERT_EQUAL(R.up[1], 1);
    struct sctp_init_chunk init, ack;
    CU_ASSERT_TRUE_FATAL(decode_init(first_init1, first_init1_len, &init));
    CU_ASSERT_TRUE_FATAL(decode_init(first_ack1, first_ack1_len, &ack));
    CU_ASSERT_EQUAL(init.ostreams, 3);
    CU_ASSERT_EQUAL(ack.init_tag, init.init_tag);
    CU_ASSERT_EQUAL(ack.initial_tsn, init.initial_tsn);
    CU_ASSERT_EQUAL(ack.ostreams, init.ostreams);
    CU_ASSERT_EQUAL(ack.istreams, init.istreams);
    CU_ASSERT_EQUAL(ack.a_rwnd, init.a_rwnd);
    R.assoc[0] = id0;
    R.assoc[1] = id1;
    struct sctp_assoc_info i0 = info_of(0), i1 = info_of(1);
    CU_ASSERT_EQUAL(i1.ostreams, 3);
    CU_ASSERT_EQUAL(i0.istreams, 3);
    CU_ASSERT_EQUAL(i0.ostreams, 4);
    CU_ASSERT_EQUAL(i1.istreams, 4);
    CU_ASSERT_EQUAL(i0.local_vtag, i1.peer_vtag);
    CU_ASSERT_EQUAL(i1.local_vtag, i0.peer_vtag);
    finish();
}

/* ---- restarts and new addresses (RFC 9260 5.2.1, 5.2.2, 5.2.4), OOTB
 * ERROR (8.4), Unrecognized Chunk Type (3.3.10.6) ---- */

static const struct sctp_addr *new_addr(unsigned i)
{
    static struct sctp_addr a[4];
    a[i] = sctp_addr_v4(0xC6120901u + i); /* 198.18.9.x: no node has it */
    return &a[i];
}

/* A packet holding an INIT from node 1 - to (its port), listing addrs. */
static uint32_t make_init(uint8_t *buf, int to, uint32_t init_tag, const struct sctp_addr *addrs,
                          unsigned n)
{
    int n0 = sctp_common_hdr_encode(buf, 1024, H.cfg[1 - to].port, H.cfg[to].port, 0);
    uint8_t *chunk = buf + n0;
    struct sctp_init_chunk init = {
        .init_tag = init_tag, .a_rwnd = 65536, .ostreams = 4, .istreams = 4, .initial_tsn = 77};
    int cn = sctp_init_encode(chunk, 1024 - n0, SCTP_CT_INIT, &init);
    for (unsigned i = 0; i < n; i++)
        cn += sctp_tlv_encode(chunk + cn, 1024 - n0 - cn, SCTP_PT_IPV4, addrs[i].addr, 4);
    sctp_chunk_set_length(chunk, (uint16_t)cn);
    return (uint32_t)(n0 + cn);
}

/* The ABORT taken from node's output answers the INIT tagged init_tag
 * with cause 11 listing exactly the n addresses want, in that order. */
static void check_new_addr_abort(uint32_t init_tag, const struct sctp_addr *want, unsigned n)
{
    struct sctp_chunk c;
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_INIT_ACK, 0, &c));
    const struct out_pkt *o = out_chunk(SCTP_CT_ABORT, 0, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(c.flags & SCTP_FLAG_T, 0);
    CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), init_tag);
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_RESTART_NEW_ADDRS);
    size_t aoff = 0;
    struct sctp_tlv at;
    unsigned got = 0;
    while (sctp_tlv_next(t.value, t.value_len, &aoff, &at) == 1) {
        CU_ASSERT_EQUAL(at.type, SCTP_PT_IPV4);
        CU_ASSERT_EQUAL_FATAL(at.value_len, 4);
        if (got < n)
            CU_ASSERT_EQUAL(memcmp(at.value, want[got].addr, 4), 0);
        got++;
    }
    CU_ASSERT_EQUAL(got, n);
}

static void tune_init_rate(struct sctp_config *c)
{
    c->init_rate = 100;
}

/* INITs node 1 answers with an INIT ACK out of n injected at once. */
static unsigned init_acks_for(unsigned n)
{
    unsigned acks = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t buf[1024];
        uint32_t len = make_init(buf, 1, 0x1000 + i, NULL, 0);
        inject_from(1, &H.cfg[0].addrs[0], buf, len);
        acks += take_output(1);
    }
    return acks;
}

/* sctp_config.init_rate: 100 INIT ACKs a second, with a burst of a
 * quarter second's worth (at least 16): 26 of 100 INITs at once are
 * answered, the rest dropped and counted, 26 again a second later, and
 * INITs spaced 10 ms apart all are. */
static void test_init_rate_limit(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 31, false, tune_init_rate);
    H.on_event = on_event;
    CU_ASSERT_EQUAL(init_acks_for(100), 26);
    struct sctp_endpoint_stats st;
    sctp_endpoint_get_stats(H.ep[1], &st);
    CU_ASSERT_EQUAL(st.init_rate_limited, 74);
    H.now += SCTP_SEC;
    CU_ASSERT_EQUAL(init_acks_for(100), 26);
    H.now += SCTP_SEC;
    unsigned spaced = 0;
    for (int i = 0; i < 200; i++) {
        spaced += init_acks_for(1);
        H.now += 10 * SCTP_MS;
    }
    CU_ASSERT_EQUAL(spaced, 200);
    sctp_endpoint_get_stats(H.ep[1], &st);
    CU_ASSERT_EQUAL(st.init_rate_limited, 148);
    /* Nothing was kept for the INITs: no association on node 1. */
    CU_ASSERT_EQUAL(st.assocs_established, 0);
    CU_ASSERT_EQUAL(st.assocs_by_state[SCTP_S_COOKIE_WAIT], 0);
    finish();
}

static void tune_init_per_source(struct sctp_config *c)
{
    c->init_rate = 1000;
    c->init_rate_per_source = 100;
}

/* INIT ACKs node 1 sends for n INITs from src, injected at once. */
static unsigned init_acks_from(const struct sctp_addr *src, unsigned n, uint32_t tag)
{
    unsigned acks = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t buf[1024];
        uint32_t len = make_init(buf, 1, tag + i, NULL, 0);
        inject_from(1, src, buf, len);
        acks += take_output(1);
    }
    return acks;
}

static struct sctp_addr v6_addr(uint16_t w3, uint16_t w7)
{
    /* 2001:2::/48 (RFC 5180, benchmarking) */
    struct sctp_addr a = {.family = SCTP_AF_INET6};
    a.addr[0] = 0x20, a.addr[1] = 0x01, a.addr[3] = 0x02;
    a.addr[6] = (uint8_t)(w3 >> 8), a.addr[7] = (uint8_t)w3;
    a.addr[14] = (uint8_t)(w7 >> 8), a.addr[15] = (uint8_t)w7;
    return a;
}

static void tune_init_per_source_v6(struct sctp_config *c)
{
    tune_init_per_source(c);
    if (c->port == 5001)
        c->addrs[0] = v6_addr(0, 1);
}

/* sctp_config.init_rate_per_source: 100 INIT ACKs a second per source
 * (a burst of 26), within init_rate (1000, a burst of 251). */
static void test_init_rate_per_source(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 32, false, tune_init_per_source);
    H.on_event = on_event;
    struct sctp_endpoint_stats st;

    /* One source floods, 5000 INITs in a second (five times init_rate);
     * another sends one every 20 ms meanwhile. The flood gets its burst
     * and a second's rate, and every INIT of the other is answered
     * (without the limit per source, the flood would take init_rate's
     * whole bucket and most of the other's would go unanswered). */
    unsigned flood = 0, other = 0;
    for (unsigned i = 0; i < 1000; i++) {
        flood += init_acks_from(new_addr(0), 5, 0x10000 + 5 * i);
        if (i % 20 == 0)
            other += init_acks_from(new_addr(1), 1, 0x9000 + i);
        H.now += SCTP_MS;
    }
    CU_ASSERT_TRUE(flood >= 125 && flood <= 127);
    CU_ASSERT_EQUAL(other, 50);
    sctp_endpoint_get_stats(H.ep[1], &st);
    CU_ASSERT_EQUAL(st.init_source_limited, 5000 - flood);
    CU_ASSERT_EQUAL(st.init_rate_limited, 0);
    H.now += 10 * SCTP_SEC;

    /* Twenty sources, 100 INITs each at once: each source's bucket holds
     * 26, and init_rate's 251 bound them all. An INIT that init_rate
     * refuses takes nothing from its source's bucket. */
    unsigned total = 0;
    for (unsigned k = 0; k < 20; k++) {
        struct sctp_addr src = sctp_addr_v4(0xC6120A01u + k);
        total += init_acks_from(&src, 100, 0x20000 + 100 * k);
    }
    CU_ASSERT_EQUAL(total, 251);
    struct sctp_endpoint_stats st2;
    sctp_endpoint_get_stats(H.ep[1], &st2);
    CU_ASSERT_EQUAL(st2.init_source_limited - st.init_source_limited, 9 * 74);
    CU_ASSERT_EQUAL(st2.init_rate_limited, 2000 - 251 - 9 * 74);
    CU_ASSERT_EQUAL(st2.assocs_by_state[SCTP_S_COOKIE_WAIT], 0);
    finish();

    /* IPv6: a source is its /64. Two addresses in one /64 share a
     * bucket; one in another /64 has its own. */
    memset(&R, 0, sizeof(R));
    h_init(&H, 33, false, tune_init_per_source_v6);
    H.on_event = on_event;
    struct sctp_addr a = v6_addr(1, 1), b = v6_addr(1, 2), c = v6_addr(2, 1);
    CU_ASSERT_EQUAL(init_acks_from(&a, 40, 0x100) + init_acks_from(&b, 40, 0x200), 26);
    CU_ASSERT_EQUAL(init_acks_from(&c, 40, 0x300), 26);
    finish();
}

static void tune_init_proven(struct sctp_config *c)
{
    c->init_rate = 100;
    c->init_proven = 3600 * SCTP_SEC;
}

/* sctp_config.init_proven: node 0 completed a handshake with node 1, so
 * its address is proven there. INITs from 100 spoofed sources empty
 * init_rate's bucket (26 answered); another new source then gets no
 * answer, but node 0 does, from the proven sources' bucket, which has a
 * burst of its own; an hour later node 0 is no longer proven. */
static void test_init_proven(void)
{
    connect_pair(41, false, tune_init_proven);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    take_output(1);
    struct sctp_endpoint_stats st;
    unsigned flood = 0;
    for (unsigned k = 0; k < 100; k++) {
        struct sctp_addr src = sctp_addr_v4(0xC6130A01u + k);
        flood += init_acks_from(&src, 1, 0x30000 + k);
    }
    CU_ASSERT_EQUAL(flood, 26);
    struct sctp_addr fresh = sctp_addr_v4(0xC6130B01u);
    CU_ASSERT_EQUAL(init_acks_from(&fresh, 1, 0x31000), 0);
    CU_ASSERT_EQUAL(init_acks_from(&H.cfg[0].addrs[0], 1, 0x32000), 1);
    sctp_endpoint_get_stats(H.ep[1], &st);
    CU_ASSERT_EQUAL(st.init_proven_answered, 1);
    CU_ASSERT_EQUAL(st.init_rate_limited, 75);
    /* The proven bucket is bounded too: 25 more of 100 at once. */
    CU_ASSERT_EQUAL(init_acks_from(&H.cfg[0].addrs[0], 100, 0x33000), 25);
    sctp_endpoint_get_stats(H.ep[1], &st);
    CU_ASSERT_EQUAL(st.init_proven_answered, 26);
    /* An hour on (the association kept alive by its heartbeats' answers
     * is not a new handshake): node 0's INITs share init_rate again. */
    H.now += 3601 * SCTP_SEC;
    for (unsigned k = 0; k < 100; k++) {
        struct sctp_addr src = sctp_addr_v4(0xC6130C01u + k);
        init_acks_from(&src, 1, 0x34000 + k);
    }
    CU_ASSERT_EQUAL(init_acks_from(&H.cfg[0].addrs[0], 1, 0x35000), 0);
    sctp_endpoint_get_stats(H.ep[1], &st);
    CU_ASSERT_EQUAL(st.init_proven_answered, 26);
    finish();
}

/* Nodes 0 and 1 associated, the link quiet, and what `node` had to send
 * taken. */
static void pair_quiet(uint64_t seed, int node)
{
    connect_pair(seed, false, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    take_output(node);
}

/* RFC 9260 5.2.2, 9.2: an INIT from an address the endpoint does not know,
 * listing an address of an existing association, belongs to that
 * association: a restart that adds addresses, refused with an ABORT
 * listing them (the source included), not a second association. */
static void test_init_from_new_address_matched(void)
{
    pair_quiet(21, 1);
    struct sctp_addr listed[3] = {H.cfg[0].addrs[0], *new_addr(0), *new_addr(1)};
    uint8_t pkt[1024];
    uint32_t len = make_init(pkt, 1, 0x7777, listed, 3);
    CU_ASSERT_EQUAL(inject_from(1, new_addr(0), pkt, len), 0);
    take_output(1);
    struct sctp_addr want[2] = {*new_addr(0), *new_addr(1)};
    check_new_addr_abort(0x7777, want, 2);
    CU_ASSERT_EQUAL(H.ep[1]->n_assocs, 1);
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(info_of(1).n_paths, 1);
    finish();
}

/* RFC 9260 5.2.1: an INIT in COOKIE-WAIT that reaches us from a new
 * address, by the address we connected to that it lists, is answered with
 * an INIT ACK to that address (one the user gave and the INIT reports),
 * not to the packet's source. */
static void test_collision_init_ack_to_connect_address(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 24, false, NULL);
    H.on_event = on_event;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &R.assoc[0], H.now),
                          0);
    take_output(0); /* our INIT: never delivered */
    CU_ASSERT_EQUAL(info_of(0).state, SCTP_S_COOKIE_WAIT);
    struct sctp_addr listed[2] = {*new_addr(0), H.cfg[1].addrs[0]};
    uint8_t pkt[1024];
    uint32_t len = make_init(pkt, 0, 0x5151, listed, 2);
    CU_ASSERT_EQUAL(inject_from(0, new_addr(0), pkt, len), 0);
    take_output(0);
    struct sctp_chunk c;
    const struct out_pkt *o = out_chunk(SCTP_CT_INIT_ACK, 0, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_TRUE(sctp_addr_equal(&o->dst, &H.cfg[1].addrs[0]));
    CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), 0x5151);
    CU_ASSERT_EQUAL(info_of(0).state, SCTP_S_COOKIE_WAIT);
    finish();
}

/* The INIT ACK that `node` just sent (taken with take_output): its
 * Initiate Tag goes in *tag, and its State Cookie comes back to `node`
 * in a COOKIE ECHO from the other node's first address. What `node`
 * answers is taken (take_output). */
static void echo_cookie(int node, uint32_t *tag)
{
    struct sctp_chunk c;
    CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_INIT_ACK, 0, &c));
    struct sctp_init_chunk ack;
    CU_ASSERT_TRUE_FATAL(sctp_init_decode(&ack, &c) > 0);
    const uint8_t *cookie = NULL;
    uint16_t cookie_len = 0;
    size_t off = 0;
    struct sctp_tlv t;
    while (sctp_tlv_next(ack.params, ack.params_len, &off, &t) == 1)
        if (t.type == SCTP_PT_STATE_COOKIE) {
            cookie = t.value;
            cookie_len = t.value_len;
        }
    CU_ASSERT_PTR_NOT_NULL_FATAL(cookie);
    uint8_t echo[600];
    CU_ASSERT_TRUE_FATAL(4u + cookie_len <= sizeof(echo));
    sctp_chunk_hdr_encode(echo, sizeof(echo), SCTP_CT_COOKIE_ECHO, 0, (uint16_t)(4 + cookie_len));
    memcpy(echo + 4, cookie, cookie_len);
    *tag = ack.init_tag;
    CU_ASSERT_EQUAL(inject(node, ack.init_tag, echo, SCTP_PAD4(4u + cookie_len)), 0);
    take_output(node);
}

/* RFC 9260 5.2.4 action B in COOKIE-WAIT (an INIT collision, our INIT
 * lost): the association comes up from the peer's cookie with the
 * addresses the peer's INIT listed (5.1.2), UNCONFIRMED, and with the
 * streams the peer granted (5.1.1). It kept only the address the user
 * gave, so a packet from the peer's other address was out of the blue
 * and drew an ABORT with the T bit that ended the peer's association;
 * and a first message queued on a stream the peer did not grant went
 * out as DATA on it. */
static void test_collision_takes_peer_addresses(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 26, false, NULL);
    H.on_event = on_event;
    uint8_t msg[64];
    make_msg(msg, 0, sizeof(msg));
    struct hbuf *b = hbuf_new(msg, sizeof(msg));
    struct sctp_frag f = {.data = b->data, .len = b->len, .handle = b};
    struct sctp_sndinfo si = {.sid = 6};
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 8,
                                                &si, &f, &R.assoc[0], H.now),
                          0);
    hbuf_unref(b);
    take_output(0); /* our INIT: never delivered */
    /* The peer's INIT (4 inbound streams), listing a second address. */
    struct sctp_addr listed[2] = {H.cfg[1].addrs[0], *new_addr(0)};
    uint8_t pkt[1024];
    uint32_t len = make_init(pkt, 0, 0x6161, listed, 2);
    CU_ASSERT_EQUAL(inject_from(0, &H.cfg[1].addrs[0], pkt, len), 0);
    take_output(0);
    uint32_t tag;
    echo_cookie(0, &tag);
    struct sctp_chunk c;
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_COOKIE_ACK, 0, &c));
    for (unsigned k = 0; out_chunk(SCTP_CT_DATA, k, &c); k++) {
        struct sctp_data_chunk d;
        CU_ASSERT_TRUE_FATAL(sctp_data_decode(&d, &c) > 0);
        CU_ASSERT(d.sid < 4);
    }
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i0.ostreams, 4);
    CU_ASSERT_EQUAL_FATAL(i0.n_paths, 2);
    CU_ASSERT_TRUE(sctp_addr_equal(&i0.paths[1].addr, new_addr(0)));
    CU_ASSERT_FALSE(i0.paths[1].confirmed);
    struct sctp_event ev;
    while (sctp_endpoint_poll_event(H.ep[0], &ev) == 1) {
        on_event(&H, 0, &ev);
        sctp_event_release(H.ep[0], &ev);
    }
    CU_ASSERT_EQUAL(R.up[0], 1);
    CU_ASSERT_EQUAL(R.send_failed[0], 1);
    /* A HEARTBEAT from the peer's second address is answered. */
    uint8_t hb[16];
    sctp_chunk_hdr_encode(hb, 4, SCTP_CT_HEARTBEAT, 0, 16);
    uint8_t hbinfo[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    sctp_tlv_encode(hb + 4, 12, SCTP_PT_HEARTBEAT_INFO, hbinfo, sizeof(hbinfo));
    uint8_t hbpkt[64];
    sctp_common_hdr_encode(hbpkt, sizeof(hbpkt), H.cfg[1].port, H.cfg[0].port, tag);
    memcpy(hbpkt + SCTP_COMMON_HDR_LEN, hb, sizeof(hb));
    CU_ASSERT_EQUAL(inject_from(0, new_addr(0), hbpkt, SCTP_COMMON_HDR_LEN + sizeof(hb)), 0);
    take_output(0);
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &c));
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_ABORT, 0, &c));
    finish();
}

/* Node 0's first INIT and node 1's first INIT ACK are lost. */
static bool lost_init0, lost_ack1;
static int drop_first_init0_ack1(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (len <= SCTP_COMMON_HDR_LEN)
        return 1;
    uint8_t type = p[SCTP_COMMON_HDR_LEN];
    if (from == 0 && type == SCTP_CT_INIT && !lost_init0)
        return !(lost_init0 = true);
    if (from == 1 && type == SCTP_CT_INIT_ACK && !lost_ack1)
        return !(lost_ack1 = true);
    return 1;
}

/* The same end to end, both ends multi-homed and both connecting to the
 * other's first address (as SIGTRAN peers often do): node 0's INIT is
 * lost (and node 1's INIT ACK, if it comes to that), so node 0 comes up
 * from node 1's cookie in COOKIE-WAIT. Both keep the association, each with both of the other's
 * addresses, verified by HEARTBEAT (node 1 lost its association within
 * 30 ms to node 0's ABORT for a HEARTBEAT from node 1's second address). */
static void test_multihomed_collision_survives(void)
{
    lost_init0 = lost_ack1 = false;
    uint32_t id0, id1;
    collide(27, true, drop_first_init0_ack1, 4, &id0, &id1);
    CU_ASSERT_TRUE(lost_init0);
    h_run(&H, NULL, 5 * SCTP_SEC);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    R.assoc[0] = id0;
    R.assoc[1] = id1;
    struct sctp_assoc_info i0 = info_of(0), i1 = info_of(1);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i1.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL_FATAL(i0.n_paths, 2);
    CU_ASSERT_EQUAL_FATAL(i1.n_paths, 2);
    for (unsigned k = 0; k < 2; k++) {
        CU_ASSERT_TRUE(i0.paths[k].confirmed);
        CU_ASSERT_TRUE(i1.paths[k].confirmed);
    }
    finish();
}

static struct sctp_addr v6(uint8_t last)
{
    /* 2001:2::/48 (RFC 5180, benchmarking) */
    struct sctp_addr a = {.family = SCTP_AF_INET6};
    a.addr[0] = 0x20, a.addr[1] = 0x01, a.addr[3] = 0x02, a.addr[15] = last;
    return a;
}

static void tune_dual_stack_1(struct sctp_config *c)
{
    if (c->port != 5001)
        return;
    c->n_addrs = 2;
    c->addrs[1] = v6(1);
}

/* An INIT from node 0's address (to node 1), listing `extra` after the
 * IPv4 addresses, with the given parameters appended. */
static uint32_t init_with(uint8_t *buf, const struct sctp_addr *v6_listed, const uint8_t *param,
                          uint16_t plen)
{
    uint32_t len = make_init(buf, 1, 0x4242, &H.cfg[0].addrs[0], 1);
    uint8_t *chunk = buf + SCTP_COMMON_HDR_LEN;
    uint32_t cl = len - SCTP_COMMON_HDR_LEN;
    if (v6_listed)
        cl += (uint32_t)sctp_tlv_encode(chunk + cl, 1024 - cl, SCTP_PT_IPV6, v6_listed->addr, 16);
    if (param) {
        memcpy(chunk + cl, param, plen);
        cl += SCTP_PAD4(plen);
    }
    sctp_chunk_set_length(chunk, (uint16_t)cl);
    return SCTP_COMMON_HDR_LEN + cl;
}

/* RFC 9260 5.1.2: an endpoint with addresses of one family only ignores
 * the peer's addresses of the other (a path to one had an IPv4 source
 * and an IPv6 destination, and was heartbeated so); and one answering an
 * INIT with Supported Address Types lists its addresses of those types
 * only. */
static void test_address_families(void)
{
    /* Node 1 IPv4 only: the INIT's IPv6 address makes no path. */
    connect_pair(28, false, NULL);
    take_output(0);
    uint8_t pkt[1024];
    struct sctp_addr other = v6(9);
    uint32_t len = init_with(pkt, &other, NULL, 0);
    CU_ASSERT_EQUAL(inject_from(1, &H.cfg[0].addrs[0], pkt, len), 0);
    take_output(1);
    uint32_t tag;
    echo_cookie(1, &tag);
    struct sctp_chunk c;
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_COOKIE_ACK, 0, &c));
    struct sctp_assoc *b = sctp_ep_find_vtag(H.ep[1], tag);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->n_paths, 1);
    finish();

    /* Node 1 dual-stack: an INIT saying IPv4 only gets an INIT ACK
     * without the IPv6 address; one without the parameter gets both. */
    for (int typed = 0; typed < 2; typed++) {
        memset(&R, 0, sizeof(R));
        h_init(&H, 29, false, tune_dual_stack_1);
        H.on_event = on_event;
        uint8_t types[8];
        sctp_put16(types, SCTP_PT_SUPPORTED_ADDR_TYPES);
        sctp_put16(types + 2, 6);
        sctp_put16(types + 4, SCTP_PT_IPV4);
        sctp_put16(types + 6, 0);
        len = init_with(pkt, NULL, typed ? types : NULL, 6);
        CU_ASSERT_EQUAL(inject_from(1, &H.cfg[0].addrs[0], pkt, len), 0);
        take_output(1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_INIT_ACK, 0, &c));
        struct sctp_init_chunk ack;
        CU_ASSERT_TRUE_FATAL(sctp_init_decode(&ack, &c) > 0);
        unsigned v4n = 0, v6n = 0;
        size_t off = 0;
        struct sctp_tlv t;
        while (sctp_tlv_next(ack.params, ack.params_len, &off, &t) == 1) {
            v4n += t.type == SCTP_PT_IPV4;
            v6n += t.type == SCTP_PT_IPV6;
        }
        CU_ASSERT_EQUAL(v4n, 1);
        CU_ASSERT_EQUAL(v6n, typed ? 0 : 1);
        finish();
    }
}

/* RFC 9260 3.2: the Chunk Length counts no padding after the last error
 * cause. A user ABORT with a 3-byte reason is 11 bytes long (a 7-byte
 * User-Initiated Abort cause), in a packet padded to 12; it said 12. */
static void test_chunk_length_without_last_padding(void)
{
    pair_quiet(30, 0);
    CU_ASSERT_EQUAL(sctp_assoc_abort(H.ep[0], R.assoc[0], (const uint8_t *)"bye", 3, H.now), 0);
    take_output(0);
    struct sctp_chunk c;
    const struct out_pkt *o = out_chunk(SCTP_CT_ABORT, 0, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(c.length, 11);
    CU_ASSERT_EQUAL(o->len, SCTP_COMMON_HDR_LEN + 12);
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_USER_ABORT);
    CU_ASSERT_EQUAL(t.value_len, 3);
    CU_ASSERT_EQUAL(memcmp(t.value, "bye", 3), 0);
    finish();
}

static bool restarted0(struct harness *h)
{
    (void)h;
    return R.restart[0] > 0;
}

/* RFC 9260 5.2.2: the INIT ACK answering an INIT that restarts an
 * association offers that association's parameters: node 0 connected
 * with 8 outbound streams (its configuration says 16), node 1 restarts
 * and connects again, and node 0's association keeps 8 (it had 16). */
static void test_restart_keeps_streams(void)
{
    connect_pair(31, false, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL_FATAL(info_of(0).ostreams, 8);
    h_restart_node(&H, 1);
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[1], &H.cfg[0].addrs[0], 1, H.cfg[0].port, 16,
                                                NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, restarted0, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL(info_of(0).ostreams, 8);
    finish();
}

/* RFC 9260 5.2.2: the ABORT refusing a restart with new addresses lists
 * every new address, not the first only. */
static void test_restart_abort_lists_all_new(void)
{
    pair_quiet(22, 1);
    struct sctp_addr listed[3] = {*new_addr(0), H.cfg[0].addrs[0], *new_addr(1)};
    uint8_t pkt[1024];
    uint32_t len = make_init(pkt, 1, 0x8888, listed, 3);
    CU_ASSERT_EQUAL(inject_from(1, &H.cfg[0].addrs[0], pkt, len), 0);
    take_output(1);
    struct sctp_addr want[2] = {*new_addr(0), *new_addr(1)};
    check_new_addr_abort(0x8888, want, 2);
    CU_ASSERT_EQUAL(H.ep[1]->n_assocs, 1);
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    finish();
}

/* RFC 9260 5.2.1: in COOKIE-ECHOED, an INIT that adds an address to the
 * forming association is discarded and answered with an ABORT listing the
 * new address; the association stays as it is and completes. */
static void test_init_new_address_in_cookie_echoed(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 23, false, NULL);
    H.on_event = on_event;
    H.filter = drop_cookie_echo;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &R.assoc[0], H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, cookie_echoed0, 2 * SCTP_SEC));
    take_output(0);
    struct sctp_assoc_info before = info_of(0);
    struct sctp_addr listed[2] = {H.cfg[1].addrs[0], *new_addr(2)};
    uint8_t pkt[1024];
    uint32_t len = make_init(pkt, 0, 0x9999, listed, 2);
    CU_ASSERT_EQUAL(inject_from(0, &H.cfg[1].addrs[0], pkt, len), 0);
    take_output(0);
    check_new_addr_abort(0x9999, new_addr(2), 1);
    struct sctp_assoc_info after = info_of(0);
    CU_ASSERT_EQUAL(after.state, SCTP_S_COOKIE_ECHOED);
    CU_ASSERT_EQUAL(after.n_paths, before.n_paths);
    CU_ASSERT_EQUAL(after.peer_vtag, before.peer_vtag);
    /* The same INIT without the new address gets the INIT ACK of 5.2.1,
     * with our original tag. */
    len = make_init(pkt, 0, 0x9999, listed, 1);
    CU_ASSERT_EQUAL(inject_from(0, &H.cfg[1].addrs[0], pkt, len), 0);
    take_output(0);
    struct sctp_chunk c;
    struct sctp_init_chunk ack;
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_ABORT, 0, &c));
    CU_ASSERT_PTR_NOT_NULL_FATAL(out_chunk(SCTP_CT_INIT_ACK, 0, &c));
    CU_ASSERT_TRUE(sctp_init_decode(&ack, &c) > 0);
    CU_ASSERT_EQUAL(ack.init_tag, before.local_vtag);
    H.filter = NULL;
    CU_ASSERT_TRUE(h_run(&H, both_up, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.cant[0] + R.lost[0], 0);
    finish();
}

static bool up0_again(struct harness *h)
{
    (void)h;
    return R.up[0] >= 2;
}

/* RFC 9260 5.2.4: a restarted peer's COOKIE ECHO that comes from an address
 * the endpoint does not know, with a tag it does not know, still belongs
 * to the association with that peer, found by the addresses of the INIT
 * in the cookie: a restart (action A), not a second association. */
static void test_restart_cookie_from_new_address(void)
{
    connect_pair(24, false, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    uint32_t id1 = R.assoc[1];
    h_restart_node(&H, 0);
    hold(0, SCTP_CT_COOKIE_ECHO);
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &R.assoc[0], H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, chunk_held, 2 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.restart[1], 0);
    CU_ASSERT_EQUAL(inject_from(1, new_addr(3), held, held_len), 0);
    h_step(&H);
    CU_ASSERT_EQUAL(R.restart[1], 1);
    CU_ASSERT_EQUAL(R.up[1], 1);
    CU_ASSERT_EQUAL(H.ep[1]->n_assocs, 1);
    CU_ASSERT_EQUAL(R.assoc[1], id1);
    /* The COOKIE ACK reaches node 0 at its address from the cookie. */
    H.filter = NULL;
    CU_ASSERT_TRUE(h_run(&H, up0_again, 5 * SCTP_SEC));
    struct sctp_assoc_info i0 = info_of(0), i1 = info_of(1);
    CU_ASSERT_EQUAL(i1.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i0.local_vtag, i1.peer_vtag);
    CU_ASSERT_EQUAL(i1.local_vtag, i0.peer_vtag);
    CU_ASSERT_EQUAL(R.lost[1], 0);
    finish();
}

static bool got0(struct harness *h)
{
    (void)h;
    return R.msgs[0] >= 1;
}

static bool restarted1(struct harness *h)
{
    (void)h;
    return R.restart[1] > 0 && R.up[0] >= 2;
}

/* RFC 9260 5.2.4 A: a restart is an ABORT followed by a new association:
 * the peer addresses become those of the restart INIT (its source and
 * what it lists), with fresh path state; an address the restarted peer
 * no longer has is not kept. */
static void test_restart_replaces_peer_addresses(void)
{
    connect_pair(25, true, NULL);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    CU_ASSERT_EQUAL_FATAL(info_of(1).n_paths, 2);
    /* Node 0 comes back with its first address only. */
    H.cfg[0].n_addrs = 1;
    h_restart_node(&H, 0);
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &R.assoc[0], H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, restarted1, 5 * SCTP_SEC));
    struct sctp_assoc_info i1 = info_of(1);
    CU_ASSERT_EQUAL(i1.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL_FATAL(i1.n_paths, 1);
    CU_ASSERT_TRUE(sctp_addr_equal(&i1.paths[0].addr, &H.cfg[0].addrs[0]));
    CU_ASSERT_TRUE(i1.paths[0].primary);
    CU_ASSERT_EQUAL(i1.paths[0].error_count, 0);
    CU_ASSERT_EQUAL(i1.paths[0].flight, 0);
    /* The old second address is no longer the association's. */
    CU_ASSERT_PTR_NULL(sctp_ep_find_peer(H.ep[1], &H.cfg[0].addrs[1], H.cfg[0].port));
    CU_ASSERT_EQUAL(H.ep[1]->n_assocs, 1);
    /* Data flows over what is left. */
    memset(sent_seq, 0, sizeof(sent_seq));
    memset(R.next_seq, 0, sizeof(R.next_seq));
    R.msgs[0] = 0;
    CU_ASSERT_EQUAL(send_seq(1, 0, 100, 0), 1);
    CU_ASSERT_TRUE(h_run(&H, got0, 2 * SCTP_SEC));
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* RFC 9260 8.4 (7): an out-of-the-blue packet with an ERROR chunk holding
 * a Stale Cookie cause is silently discarded, also when that cause is
 * not the chunk's first. */
static void test_ootb_stale_cookie_not_first(void)
{
    memset(&R, 0, sizeof(R));
    h_init(&H, 26, false, NULL);
    uint8_t chunk[32];
    int n = sctp_chunk_hdr_encode(chunk, sizeof(chunk), SCTP_CT_ERROR, 0, 4);
    n += sctp_cause_invalid_stream_encode(chunk + n, sizeof(chunk) - n, 3);
    n += sctp_cause_stale_cookie_encode(chunk + n, sizeof(chunk) - n, 1000);
    sctp_chunk_set_length(chunk, (uint16_t)n);
    CU_ASSERT_EQUAL(inject(1, 0x1234, chunk, (uint32_t)n), SCTP_ERR_OOTB);
    CU_ASSERT_EQUAL(take_output(1), 0);
    /* Without the Stale Cookie cause it gets the ABORT of 8.4 (8). */
    sctp_chunk_set_length(chunk, 12);
    CU_ASSERT_EQUAL(inject(1, 0x1234, chunk, 12), SCTP_ERR_OOTB);
    struct sctp_chunk c;
    CU_ASSERT_EQUAL(take_output(1), 1);
    CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_ABORT, 0, &c));
    finish();
}

/* An unknown chunk of type 0xC7 (skip, report) with len bytes in all,
 * then a HEARTBEAT, to node 1 from node 0's address. */
static uint8_t unk_chunks[2048];
static uint32_t put_unknown(uint16_t len)
{
    sctp_chunk_hdr_encode(unk_chunks, 4, 0xC7, 0x5A, len);
    for (uint32_t i = 4; i < len; i++)
        unk_chunks[i] = (uint8_t)(i * 7);
    uint32_t n = SCTP_PAD4(len);
    memset(unk_chunks + len, 0, n - len);
    return n + put_heartbeat(unk_chunks + n);
}

/* The Unrecognized Chunk Type cause among node 1's output, checked to
 * carry the whole chunk of len bytes; NULL if there is none. */
static const struct out_pkt *unrecognized_reported(uint16_t len)
{
    struct sctp_chunk c;
    const struct out_pkt *o = out_chunk(SCTP_CT_ERROR, 0, &c);
    if (!o)
        return NULL;
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_UNRECOGNIZED_CHUNK);
    CU_ASSERT_EQUAL_FATAL(t.value_len, len);
    CU_ASSERT_EQUAL(memcmp(t.value, unk_chunks, len), 0);
    /* Its own length field still says how long it is. */
    CU_ASSERT_EQUAL(sctp_get16(t.value + 2), len);
    CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), info_of(1).peer_vtag);
    CU_ASSERT_TRUE(sctp_addr_equal(&o->dst, &H.cfg[0].addrs[0]));
    return o;
}

/* RFC 9260 3.3.10.6: the Unrecognized Chunk Type cause carries the whole
 * chunk: bundled while it fits the association's error buffer, in an
 * ERROR packet of its own while it fits the path MTU, and not at all
 * beyond (a cut chunk would misstate its own length). */
static void test_unrecognized_chunk_whole(void)
{
    pair_quiet(27, 1);
    uint32_t vtag = info_of(1).local_vtag;
    static const uint16_t lens[] = {301, 1001, 1460, 1461};
    for (unsigned i = 0; i < 4; i++) {
        uint32_t n = put_unknown(lens[i]);
        CU_ASSERT_EQUAL(inject(1, vtag, unk_chunks, n), 0);
        take_output(1);
        struct sctp_chunk c;
        CU_ASSERT_PTR_NOT_NULL(out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &c));
        const struct out_pkt *o = unrecognized_reported(lens[i]);
        if (lens[i] <= 1460) {
            /* 20 (IP) + 12 + 4 + 4 + 1460 = 1500 fits; 1461 pads to
             * 1464 and does not. */
            CU_ASSERT_PTR_NOT_NULL(o);
            if (o)
                CU_ASSERT_TRUE(o->len + 20 <= H.cfg[1].pmtu);
        } else {
            CU_ASSERT_PTR_NULL(o);
        }
    }
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    finish();
}

/* A HEARTBEAT with a Heartbeat Info of info_len bytes of value, then, if
 * extra_len, a parameter with that many bytes of value (the last, its
 * padding left out of the chunk length). Returns the bytes written. */
static uint32_t put_long_heartbeat(uint8_t *p, uint16_t info_len, uint16_t extra_len)
{
    uint32_t n = SCTP_CHUNK_HDR_LEN;
    for (uint16_t i = 0; i < info_len; i++)
        p[n + 4 + i] = (uint8_t)(i * 7 + 1);
    n += (uint32_t)sctp_tlv_encode(p + n, 4096, SCTP_PT_HEARTBEAT_INFO, p + n + 4, info_len);
    uint32_t len = n;
    if (extra_len) {
        uint8_t extra[256];
        memset(extra, 0x5a, sizeof(extra));
        n += (uint32_t)sctp_tlv_encode(p + n, 4096, 0x8077, extra, extra_len);
        len = n - SCTP_PAD4(extra_len) + extra_len;
    }
    sctp_chunk_hdr_encode(p, 4, SCTP_CT_HEARTBEAT, 0, (uint16_t)len);
    return n;
}

/* RFC 9260 3.3.6, 8.3: a HEARTBEAT ACK carries the HEARTBEAT's Heartbeat
 * Info, with its other parameters, however long (up to what a packet to
 * the peer can hold). One whose parameters were more than the 256 bytes
 * an association keeps for them went unanswered, so that a peer with
 * such a Heartbeat Info would fail the path. 1500-byte MTU: a HEARTBEAT
 * ACK holds at most 1480 - 16 = 1464 bytes of parameters. */
static void test_heartbeat_ack_long_info(void)
{
    static const struct {
        uint16_t info, extra;
        int answer; /* 2: all, 1: the Heartbeat Info alone, 0: none */
    } cases[] = {
        {200, 40, 2}, {300, 5, 2}, {1000, 200, 2}, {1300, 200, 1}, {1460, 0, 1}, {1461, 0, 0},
    };
    pair_quiet(33, 1);
    uint32_t vtag = info_of(1).local_vtag;
    static uint8_t hb[2048];
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t n = put_long_heartbeat(hb, cases[i].info, cases[i].extra);
        CU_ASSERT_EQUAL(inject(1, vtag, hb, n), 0);
        take_output(1);
        struct sctp_chunk c = {0}, ack = {0};
        size_t off = 0;
        CU_ASSERT_TRUE_FATAL(sctp_chunk_next(hb, n, &off, &c) == 1);
        const struct out_pkt *o = out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &ack);
        CU_ASSERT_EQUAL(o != NULL, cases[i].answer > 0);
        if (!o)
            continue;
        uint16_t want = cases[i].answer == 2 ? c.value_len : (uint16_t)(4 + cases[i].info);
        CU_ASSERT_EQUAL(ack.value_len, want);
        CU_ASSERT_EQUAL(memcmp(ack.value, c.value, want), 0);
        CU_ASSERT_EQUAL(sctp_get32(o->bytes + 4), info_of(1).peer_vtag);
        CU_ASSERT_TRUE(o->len + 20 <= H.cfg[1].pmtu);
        CU_ASSERT_EQUAL(o->len % 4, 0);
    }
    /* Nothing answers a packet that holds an ABORT (3.3.7). */
    uint32_t n = put_long_heartbeat(hb, 300, 0);
    sctp_chunk_hdr_encode(hb + n, 4, SCTP_CT_ABORT, 0, 4);
    inject(1, vtag, hb, n + 4);
    take_output(1);
    struct sctp_chunk c;
    CU_ASSERT_PTR_NULL(out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &c));
    h_run(&H, NULL, SCTP_MS);
    CU_ASSERT_EQUAL(R.lost[1], 1);
    finish();
}

/* A packet of a HEARTBEAT, an unknown chunk whose type says "stop and
 * report" (01), then, if abort, an ABORT. */
static uint32_t put_stop_report(uint8_t *p, bool abort)
{
    uint32_t n = put_heartbeat(p);
    sctp_chunk_hdr_encode(p + n, 8, 0x47, 0, 8);
    memset(p + n + 4, 0x11, 4);
    n += 8;
    if (abort) {
        sctp_chunk_hdr_encode(p + n, 4, SCTP_CT_ABORT, 0, 4);
        n += 4;
    }
    return n;
}

/* A DATA chunk without user data (RFC 9260 6.2: ABORT "No User Data"),
 * then, if abort, an ABORT. */
static uint32_t put_empty_data(uint8_t *p, bool abort)
{
    sctp_data_hdr_encode(p, 16, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, info_of(0).next_tsn, 0, 0, 0,
                         0);
    sctp_put16(p + 2, 16);
    if (!abort)
        return 16;
    sctp_chunk_hdr_encode(p + 16, 4, SCTP_CT_ABORT, 0, 4);
    return 20;
}

/* RFC 9260 3.3.7, 8.4: an endpoint MUST NOT answer a packet that holds an
 * ABORT. The same packets without the ABORT show what they draw. */
static void test_no_answer_to_abort_packet(void)
{
    uint8_t p[64];
    struct sctp_chunk c;
    for (int with_abort = 0; with_abort < 2; with_abort++) {
        connect_pair(29, false, NULL);
        CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
        h_run(&H, NULL, 10 * SCTP_MS);
        take_output(1);
        uint32_t vtag = info_of(1).local_vtag;

        /* The unknown chunk stops the packet before its ABORT: the
         * association stays, and neither the HEARTBEAT ACK nor the ERROR
         * goes out. */
        CU_ASSERT_EQUAL(inject(1, vtag, p, put_stop_report(p, with_abort)), 0);
        take_output(1);
        CU_ASSERT_EQUAL(out_chunk(SCTP_CT_HEARTBEAT_ACK, 0, &c) != NULL, !with_abort);
        CU_ASSERT_EQUAL(out_chunk(SCTP_CT_ERROR, 0, &c) != NULL, !with_abort);
        CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
        h_run(&H, NULL, SCTP_MS);
        CU_ASSERT_EQUAL(R.lost[1], 0);

        /* The empty DATA ends the association before its ABORT is
         * reached: no ABORT of ours answers it. */
        inject(1, vtag, p, put_empty_data(p, with_abort));
        take_output(1);
        CU_ASSERT_EQUAL(out_chunk(SCTP_CT_ABORT, 0, &c) != NULL, !with_abort);
        h_run(&H, NULL, SCTP_MS);
        CU_ASSERT_EQUAL(R.lost[1], 1);
        finish();
    }
}

TEST_SUITE_BEGIN(assoc)
TEST_CASE(test_handshake)
TEST_CASE(test_data_clean)
TEST_CASE(test_data_lossy)
TEST_CASE(test_graceful_shutdown)
TEST_CASE(test_shutdown_lossy)
TEST_CASE(test_user_abort)
TEST_CASE(test_init_collision)
TEST_CASE(test_data_on_cookie_echo)
TEST_CASE(test_cookie_echoed_data_rides_along)
TEST_CASE(test_t1_init_gives_up)
TEST_CASE(test_peer_unreachable)
TEST_CASE(test_ootb_abort)
TEST_CASE(test_ootb_zero_tag)
TEST_CASE(test_port_zero)
TEST_CASE(test_lone_chunks_not_bundled)
TEST_CASE(test_shutdown_ack_in_cookie_states)
TEST_CASE(test_refuse_new)
TEST_CASE(test_t2_restarted_by_any_packet)
TEST_CASE(test_forward_tsn_not_negotiated)
TEST_CASE(test_forward_tsn_nomem)
TEST_CASE(test_init_ack_from_other_address)
TEST_CASE(test_init_ack_hostname)
TEST_CASE(test_init_ack_cookie_sizes)
TEST_CASE(test_no_error_before_cookie_ack)
TEST_CASE(test_stale_cookie_bounded)
TEST_CASE(test_cookie_preservative_from_rtt)
TEST_CASE(test_init_collision_keeps_streams)
TEST_CASE(test_init_rate_limit)
TEST_CASE(test_init_rate_per_source)
TEST_CASE(test_init_proven)
TEST_CASE(test_init_from_new_address_matched)
TEST_CASE(test_restart_abort_lists_all_new)
TEST_CASE(test_init_new_address_in_cookie_echoed)
TEST_CASE(test_restart_cookie_from_new_address)
TEST_CASE(test_restart_replaces_peer_addresses)
TEST_CASE(test_ootb_stale_cookie_not_first)
TEST_CASE(test_unrecognized_chunk_whole)
TEST_CASE(test_no_answer_to_abort_packet)
TEST_CASE(test_heartbeat_ack_long_info)
TEST_CASE(test_ctl_queue_grows_for_assocs)
TEST_CASE(test_collision_init_ack_to_connect_address)
TEST_CASE(test_collision_takes_peer_addresses)
TEST_CASE(test_multihomed_collision_survives)
TEST_CASE(test_address_families)
TEST_CASE(test_chunk_length_without_last_padding)
TEST_CASE(test_restart_keeps_streams)
TEST_SUITE_END()

/* SPDX-License-Identifier: BSD-3-Clause */
/* Congestion control per destination (RFC 9260 7.2). */
#include <string.h>

#include "harness.h"
#include "sctp_internal.h"
#include "suites.h"

/* 7.2.1: cwnd = min(4 * MTU, max(2 * MTU, 4404)), 4344 over IPv6;
 * ssthresh from the peer's receiver window. */
static void test_initial_cwnd(void)
{
    struct sctp_cc cc;
    sctp_cc_init(&cc, 1480, 65536, false);
    CU_ASSERT_EQUAL(cc.cwnd, 4404);
    CU_ASSERT_EQUAL(cc.ssthresh, 65536);
    CU_ASSERT_EQUAL(cc.flight, 0);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 0);
    sctp_cc_init(&cc, 1000, 65536, false);
    CU_ASSERT_EQUAL(cc.cwnd, 4000); /* 4 * MTU is smaller */
    sctp_cc_init(&cc, 556, 65536, false);
    CU_ASSERT_EQUAL(cc.cwnd, 2224);
    sctp_cc_init(&cc, 8980, 65536, false);
    CU_ASSERT_EQUAL(cc.cwnd, 17960); /* 2 * MTU is larger than 4404 */
    sctp_cc_init(&cc, 2202, 65536, false);
    CU_ASSERT_EQUAL(cc.cwnd, 4404);
    /* An IPv6 peer address: 4344 (1460 bytes of SCTP per packet). */
    sctp_cc_init(&cc, 1460, 65536, true);
    CU_ASSERT_EQUAL(cc.cwnd, 4344);
    sctp_cc_init(&cc, 1460, 65536, false);
    CU_ASSERT_EQUAL(cc.cwnd, 4404);
}

static void start(struct sctp_cc *cc, uint32_t mtu, uint32_t cwnd, uint32_t ssthresh)
{
    sctp_cc_init(cc, mtu, ssthresh, false);
    cc->cwnd = cwnd;
    cc->ssthresh = ssthresh;
}

/* 7.2.1: in slow start the cwnd grows by min(bytes acked, MTU), and only
 * when it was fully used and the cumulative ack advanced. */
static void test_slow_start(void)
{
    struct sctp_cc cc;
    /* cwnd fully used before the SACK: flight 4404 of which 1000 acked. */
    start(&cc, 1480, 4404, 100000);
    cc.flight = 3404;
    sctp_cc_on_ack(&cc, 1000, true, 10);
    CU_ASSERT_EQUAL(cc.cwnd, 5404);
    /* More than an MTU acked: growth capped at one MTU. */
    cc.flight = 5404 - 3000;
    sctp_cc_on_ack(&cc, 3000, true, 11);
    CU_ASSERT_EQUAL(cc.cwnd, 6884);
    /* Not fully used (2000 of 6884 were in flight): no growth. */
    cc.flight = 1000;
    sctp_cc_on_ack(&cc, 1000, true, 12);
    CU_ASSERT_EQUAL(cc.cwnd, 6884);
    /* Bytes acknowledged by gap blocks count too (RFC 9260 has no
     * cumulative-ack condition any more). */
    cc.flight = 6884 - 1480;
    sctp_cc_on_ack(&cc, 1480, false, 12);
    CU_ASSERT_EQUAL(cc.cwnd, 8364);
    /* cwnd == ssthresh is still slow start. */
    start(&cc, 1000, 8000, 8000);
    cc.flight = 7000;
    sctp_cc_on_ack(&cc, 1000, true, 1);
    CU_ASSERT_EQUAL(cc.cwnd, 9000);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 0);
}

/* 7.2.2: above ssthresh, one MTU per cwnd of bytes acknowledged. */
static void test_congestion_avoidance(void)
{
    struct sctp_cc cc;
    start(&cc, 1000, 10000, 5000);
    /* A full window in flight; nine SACKs of 1000 bytes each. */
    for (int i = 0; i < 9; i++) {
        cc.flight = 9000;
        sctp_cc_on_ack(&cc, 1000, true, (uint32_t)i);
        CU_ASSERT_EQUAL(cc.cwnd, 10000);
        CU_ASSERT_EQUAL(cc.partial_bytes_acked, (uint32_t)(i + 1) * 1000);
    }
    /* The tenth makes partial_bytes_acked reach cwnd. */
    cc.flight = 9000;
    sctp_cc_on_ack(&cc, 1000, true, 9);
    CU_ASSERT_EQUAL(cc.cwnd, 11000);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 0);
    /* Gap-acknowledged bytes count toward partial_bytes_acked. */
    start(&cc, 1000, 10000, 5000);
    cc.partial_bytes_acked = 9500;
    cc.flight = 9000;
    sctp_cc_on_ack(&cc, 1000, false, 3);
    CU_ASSERT_EQUAL(cc.cwnd, 11000);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 500);
    /* Everything acknowledged: partial_bytes_acked starts again at 0. */
    start(&cc, 1000, 10000, 5000);
    cc.flight = 9000;
    sctp_cc_on_ack(&cc, 1000, true, 1);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 1000);
    cc.flight = 0;
    sctp_cc_on_ack(&cc, 9000, true, 10);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 0);
    CU_ASSERT_EQUAL(cc.cwnd, 10000);
}

/* 7.2.2: while the sender does not fill cwnd, partial_bytes_acked is held
 * at cwnd, so a later full window grows cwnd by one MTU, not by one MTU per
 * SACK. */
static void test_congestion_avoidance_app_limited(void)
{
    struct sctp_cc cc;
    start(&cc, 1000, 10000, 5000);
    for (int i = 0; i < 30; i++) {
        cc.flight = 4000; /* 5000 of 10000 before each SACK */
        sctp_cc_on_ack(&cc, 1000, true, (uint32_t)i);
    }
    CU_ASSERT_EQUAL(cc.cwnd, 10000);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 10000);
    /* Now the window is full for two SACKs in a row. */
    cc.flight = 10000;
    sctp_cc_on_ack(&cc, 1000, true, 30);
    cc.flight = 10000;
    sctp_cc_on_ack(&cc, 1000, true, 31);
    CU_ASSERT_EQUAL(cc.cwnd, 11000);
}

/* 7.2.4: ssthresh = max(cwnd / 2, 4 * MTU), cwnd = ssthresh; no growth in
 * fast recovery, which ends when the recovery point is acknowledged. */
static void test_fast_retransmit(void)
{
    struct sctp_cc cc;
    start(&cc, 1000, 20000, 100000);
    cc.partial_bytes_acked = 700;
    sctp_cc_on_fast_retransmit(&cc, 150);
    CU_ASSERT_EQUAL(cc.ssthresh, 10000);
    CU_ASSERT_EQUAL(cc.cwnd, 10000);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 0);
    CU_ASSERT_TRUE(cc.in_fast_recovery);
    /* Another loss in the same window: no second reduction. */
    sctp_cc_on_fast_retransmit(&cc, 160);
    CU_ASSERT_EQUAL(cc.cwnd, 10000);
    CU_ASSERT_EQUAL(cc.ssthresh, 10000);
    /* SACKs below the recovery point: no growth even with a full window. */
    for (uint32_t tsn = 140; tsn < 150; tsn++) {
        cc.flight = 10000;
        sctp_cc_on_ack(&cc, 1000, true, tsn);
        CU_ASSERT_EQUAL(cc.cwnd, 10000);
        CU_ASSERT_TRUE(cc.in_fast_recovery);
    }
    /* The recovery point (150, not the later 160) ends it. */
    cc.flight = 5000;
    sctp_cc_on_ack(&cc, 1000, true, 150);
    CU_ASSERT_FALSE(cc.in_fast_recovery);
    /* A new loss after recovery reduces again. */
    sctp_cc_on_fast_retransmit(&cc, 300);
    CU_ASSERT_EQUAL(cc.ssthresh, 5000);
    CU_ASSERT_EQUAL(cc.cwnd, 5000);
    /* Small windows: never below 4 * MTU. */
    start(&cc, 1000, 6000, 100000);
    sctp_cc_on_fast_retransmit(&cc, 10);
    CU_ASSERT_EQUAL(cc.ssthresh, 4000);
    CU_ASSERT_EQUAL(cc.cwnd, 4000);
}

/* 7.2.3: T3-rtx expiry: ssthresh = max(cwnd / 2, 4 * MTU), cwnd = the
 * user data of one full DATA chunk, one packet in flight until an ack. */
static void test_timeout(void)
{
    struct sctp_cc cc;
    start(&cc, 1480, 30000, 100000);
    cc.partial_bytes_acked = 1234;
    sctp_cc_on_timeout(&cc);
    CU_ASSERT_EQUAL(cc.cwnd, 1480 - 28); /* one full DATA chunk's user data */
    CU_ASSERT_TRUE(cc.one_packet);
    CU_ASSERT_EQUAL(cc.ssthresh, 15000);
    CU_ASSERT_EQUAL(cc.partial_bytes_acked, 0);
    /* One packet in flight, whatever its size, until an ack. */
    cc.flight = 100;
    CU_ASSERT_FALSE(sctp_cc_can_send(&cc));
    cc.flight = 0;
    CU_ASSERT_TRUE(sctp_cc_can_send(&cc));
    sctp_cc_on_timeout(&cc);
    CU_ASSERT_EQUAL(cc.cwnd, 1480 - 28);
    CU_ASSERT_EQUAL(cc.ssthresh, 4 * 1480);
    /* Fast recovery is over after a timeout. */
    start(&cc, 1000, 20000, 100000);
    sctp_cc_on_fast_retransmit(&cc, 50);
    sctp_cc_on_timeout(&cc);
    CU_ASSERT_FALSE(cc.in_fast_recovery);
    /* Back in slow start: the next full-window SACK grows cwnd. */
    cc.flight = 0;
    sctp_cc_on_ack(&cc, 1000, true, 20);
    CU_ASSERT_EQUAL(cc.cwnd, 1000 - 28 + 1000);
    CU_ASSERT_FALSE(cc.one_packet);
}

/* 7.2.1: each RTO without DATA on the path: cwnd = max(cwnd / 2, 4 * MTU);
 * ssthresh stays (slow start back to it). A cwnd below 4 * MTU (after a
 * T3 expiry) is not raised. */
static void test_idle(void)
{
    struct sctp_cc cc;
    start(&cc, 1480, 40000, 30000);
    sctp_cc_on_idle(&cc, 1);
    CU_ASSERT_EQUAL(cc.cwnd, 20000);
    sctp_cc_on_idle(&cc, 2);
    CU_ASSERT_EQUAL(cc.cwnd, 4 * 1480); /* 10000, then 5000 raised to 5920 */
    sctp_cc_on_idle(&cc, 5);
    CU_ASSERT_EQUAL(cc.cwnd, 4 * 1480);
    CU_ASSERT_EQUAL(cc.ssthresh, 30000);
    start(&cc, 1480, 100000, 200000);
    sctp_cc_on_idle(&cc, 0);
    CU_ASSERT_EQUAL(cc.cwnd, 100000);
    sctp_cc_on_idle(&cc, 3);
    CU_ASSERT_EQUAL(cc.cwnd, 12500);
    sctp_cc_on_timeout(&cc);
    sctp_cc_on_idle(&cc, 4);
    CU_ASSERT_EQUAL(cc.cwnd, 1480 - 28);
}

/* ---- the same rules seen through an association ---- */

static struct harness H;
static uint32_t assoc0;
static int up_count;
static uint32_t delivered;
static uint32_t drop_tsn; /* TSN of a DATA to drop once */
static bool dropped;
static bool drop_all_data;
static unsigned failed;

static void on_event(struct harness *h, int node, struct sctp_event *ev)
{
    (void)h;
    if (ev->type == SCTP_EV_ASSOC_CHANGE && ev->u.assoc_change.state == SCTP_COMM_UP) {
        up_count++;
        if (node == 0)
            assoc0 = ev->assoc_id;
    }
    if (ev->type == SCTP_EV_DATA && node == 1)
        delivered++;
    if (ev->type == SCTP_EV_SEND_FAILED && node == 0)
        failed++;
}

static bool both_up(struct harness *h)
{
    (void)h;
    return up_count == 2;
}

static int filter(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (from != 0)
        return 1;
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    while (sctp_chunk_next(p, len, &off, &c) == 1) {
        if (c.type != SCTP_CT_DATA || c.length < 8)
            continue;
        if (drop_all_data)
            return 0;
        if (!dropped && sctp_get32(c.value) == drop_tsn) {
            dropped = true;
            return 0;
        }
    }
    return 1;
}

static void setup(uint64_t seed)
{
    up_count = 0;
    delivered = 0;
    failed = 0;
    dropped = false;
    drop_all_data = false;
    drop_tsn = 0;
    h_init(&H, seed, false, NULL);
    H.on_event = on_event;
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 1,
                                                NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * SCTP_SEC));
    H.filter = filter;
}

static void teardown(void)
{
    h_fini(&H);
    CU_ASSERT_EQUAL(hbuf_live, 0);
    hbuf_live = 0;
}

static uint32_t want;
static bool got_want(struct harness *h)
{
    (void)h;
    return delivered >= want;
}

/* The path's cwnd starts at 4404 bytes for a 1500-byte IPv4 path and the
 * first flight is bounded by it: three full DATA packets, not more. */
static void test_initial_window_on_wire(void)
{
    setup(31);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.paths[0].cwnd, 4404);
    uint64_t before = H.chunk_counts[0][SCTP_CT_DATA];
    uint8_t msg[1400] = {0};
    for (int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    /* One step: only what the window allows leaves before any SACK. */
    h_step(&H);
    CU_ASSERT_EQUAL(H.chunk_counts[0][SCTP_CT_DATA] - before, 4);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.paths[0].flight, 4 * 1400);
    want = 10;
    CU_ASSERT_TRUE(h_run(&H, got_want, 5 * SCTP_SEC));
    teardown();
}

/* A T3 expiry leaves cwnd at one MTU (1480 bytes of SCTP on the path). */
static void test_t3_on_wire(void)
{
    setup(32);
    drop_all_data = true;
    uint8_t msg[1000] = {0};
    CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    struct sctp_assoc_info info;
    for (int i = 0; i < 1000; i++) {
        h_step(&H);
        CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
        if (info.t3_expiries)
            break;
    }
    CU_ASSERT_EQUAL(info.t3_expiries, 1);
    CU_ASSERT_EQUAL(info.paths[0].cwnd, 1480 - 28);
    CU_ASSERT_EQUAL(info.paths[0].ssthresh, 4 * 1480);
    drop_all_data = false;
    want = 1;
    CU_ASSERT_TRUE(h_run(&H, got_want, 5 * SCTP_SEC));
    teardown();
}

/* Three miss indications: one fast retransmission, ssthresh and cwnd at
 * max(cwnd / 2, 4 * MTU), and no T3 expiry. */
static void test_fast_retransmit_on_wire(void)
{
    setup(33);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    drop_tsn = info.next_tsn + 20;
    uint8_t msg[1000] = {0};
    for (int i = 0; i < 40; i++)
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    uint32_t cwnd_before = 0;
    for (int i = 0; i < 100000 && !info.fast_retransmissions; i++) {
        CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
        cwnd_before = info.paths[0].cwnd;
        h_step(&H);
        CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    }
    CU_ASSERT_TRUE(dropped);
    CU_ASSERT_EQUAL(info.fast_retransmissions, 1);
    uint32_t expect = cwnd_before / 2 > 4 * 1480 ? cwnd_before / 2 : 4 * 1480;
    CU_ASSERT_EQUAL(info.paths[0].ssthresh, expect);
    CU_ASSERT_EQUAL(info.paths[0].cwnd, expect);
    want = 40;
    CU_ASSERT_TRUE(h_run(&H, got_want, 5 * SCTP_SEC));
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.t3_expiries, 0);
    CU_ASSERT_EQUAL(info.fast_retransmissions, 1);
    teardown();
}

/* RFC 3758 3.5 F5: a chunk found lost by three miss indications but
 * abandoned (PR-SCTP RTX policy, no retransmission allowed) instead of
 * being marked makes the same congestion adjustment as a fast
 * retransmission would: ssthresh and cwnd at max(cwnd / 2, 4 * MTU). */
static void test_fast_retransmit_abandoned_on_wire(void)
{
    setup(34);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    uint32_t ssthresh0 = info.paths[0].ssthresh;
    drop_tsn = info.next_tsn + 20;
    uint8_t msg[1000] = {0};
    for (int i = 0; i < 40; i++) {
        struct hbuf *b = hbuf_new(msg, sizeof(msg));
        struct sctp_sndinfo si = {.sid = 0};
        if (i == 20)
            si.pr_policy = SCTP_PR_SCTP_RTX; /* pr_value 0: never resent */
        struct sctp_frag f = {.data = b->data, .len = b->len, .handle = b};
        CU_ASSERT_EQUAL(sctp_endpoint_send(H.ep[0], assoc0, &si, &f, H.now), 1);
        hbuf_unref(b);
    }
    uint32_t cwnd_before = 0;
    for (int i = 0; i < 100000 && !failed; i++) {
        CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
        cwnd_before = info.paths[0].cwnd;
        h_step(&H);
    }
    CU_ASSERT_TRUE(dropped);
    CU_ASSERT_EQUAL_FATAL(failed, 1);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.fast_retransmissions, 0);
    CU_ASSERT_EQUAL(info.t3_expiries, 0);
    uint32_t expect = cwnd_before / 2 > 4 * 1480 ? cwnd_before / 2 : 4 * 1480;
    CU_ASSERT_TRUE(expect < ssthresh0);
    CU_ASSERT_EQUAL(info.paths[0].ssthresh, expect);
    CU_ASSERT_EQUAL(info.paths[0].cwnd, expect);
    want = 39;
    CU_ASSERT_TRUE(h_run(&H, got_want, 5 * SCTP_SEC));
    teardown();
}

/* 7.2.1 on the wire: cwnd grows during a long transfer; after more than
 * one RTO without DATA on the path, the next packet of DATA goes out with
 * cwnd halved per RTO of silence (floor 4 * MTU); a pause shorter than
 * the RTO changes nothing. */
static void test_idle_on_wire(void)
{
    setup(35);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], assoc0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    struct sctp_path *p = &a->paths[0];
    uint8_t msg[1000] = {0};
    for (int i = 0; i < 400; i++)
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    want = 400;
    CU_ASSERT_TRUE_FATAL(h_run(&H, got_want, 10 * SCTP_SEC));
    h_run(&H, NULL, 10 * SCTP_MS);
    uint32_t cwnd = p->cc.cwnd;
    CU_ASSERT_TRUE_FATAL(cwnd >= 4 * 4 * 1480);
    /* A pause shorter than the RTO. */
    CU_ASSERT_TRUE_FATAL(H.now - p->last_data_tx < p->rto.rto);
    for (int i = 0; i < 2; i++) /* two packets: no delayed SACK */
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    h_step(&H);
    CU_ASSERT_EQUAL(p->cc.cwnd, cwnd);
    want = 402;
    CU_ASSERT_TRUE(h_run(&H, got_want, 1 * SCTP_SEC));
    /* Their SACK, then two and a half RTOs of silence or more. */
    for (int i = 0; i < 1000 && a->q.outstanding_bytes; i++)
        h_step(&H);
    cwnd = p->cc.cwnd;
    sctp_tstamp rto = p->rto.rto;
    sctp_tstamp last = p->last_data_tx;
    if (last + 2 * rto + rto / 2 > H.now)
        h_run(&H, NULL, last + 2 * rto + rto / 2 - H.now);
    CU_ASSERT_EQUAL_FATAL(p->rto.rto, rto);
    CU_ASSERT_EQUAL(p->cc.cwnd, cwnd);
    uint32_t expect = cwnd;
    for (sctp_tstamp n = (H.now - last) / rto; n > 0; n--)
        expect = expect / 2 > 4 * 1480 ? expect / 2 : 4 * 1480;
    CU_ASSERT_TRUE(expect <= cwnd / 4);
    sctp_tstamp t = H.now;
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    h_step(&H);
    CU_ASSERT_EQUAL(p->last_data_tx, t);
    CU_ASSERT_EQUAL(p->cc.cwnd, expect);
    want = 404;
    CU_ASSERT_TRUE(h_run(&H, got_want, 1 * SCTP_SEC));
    teardown();
}

TEST_SUITE_BEGIN(cc)
TEST_CASE(test_initial_cwnd)
TEST_CASE(test_slow_start)
TEST_CASE(test_congestion_avoidance)
TEST_CASE(test_congestion_avoidance_app_limited)
TEST_CASE(test_fast_retransmit)
TEST_CASE(test_timeout)
TEST_CASE(test_idle)
TEST_CASE(test_initial_window_on_wire)
TEST_CASE(test_t3_on_wire)
TEST_CASE(test_fast_retransmit_on_wire)
TEST_CASE(test_fast_retransmit_abandoned_on_wire)
TEST_CASE(test_idle_on_wire)
TEST_SUITE_END()

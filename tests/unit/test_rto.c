/* SPDX-License-Identifier: BSD-3-Clause */
/* RTO arithmetic (RFC 9260 6.3.1, 6.3.3) and Karn's rule on the wire. */
#include <string.h>

#include "harness.h"
#include "sctp_internal.h"
#include "suites.h"

#define MS SCTP_MS
#define S  SCTP_SEC

/* C1: before any measurement the RTO is RTO.Initial (within the bounds). */
static void test_initial(void)
{
    struct sctp_rto r;
    sctp_rto_init(&r, 3 * S, 1 * S, 60 * S);
    CU_ASSERT_EQUAL(r.rto, 3 * S);
    CU_ASSERT_EQUAL(r.srtt, 0);
    CU_ASSERT_FALSE(r.measured);
    sctp_rto_init(&r, 500 * MS, 1 * S, 60 * S);
    CU_ASSERT_EQUAL(r.rto, 1 * S);
    sctp_rto_init(&r, 90 * S, 1 * S, 60 * S);
    CU_ASSERT_EQUAL(r.rto, 60 * S);
}

/* C2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 * RTTVAR. */
static void test_first_measurement(void)
{
    struct sctp_rto r;
    sctp_rto_init(&r, 3 * S, 100 * MS, 60 * S);
    sctp_rto_measure(&r, 200 * MS);
    CU_ASSERT_TRUE(r.measured);
    CU_ASSERT_EQUAL(r.srtt, 200 * MS);
    CU_ASSERT_EQUAL(r.rttvar, 100 * MS);
    CU_ASSERT_EQUAL(r.rto, 600 * MS);
}

/* C3: RTTVAR = (1 - 1/4) RTTVAR + 1/4 |SRTT - R'| with the old SRTT, then
 * SRTT = (1 - 1/8) SRTT + 1/8 R'. */
static void test_subsequent_measurements(void)
{
    struct sctp_rto r;
    sctp_rto_init(&r, 3 * S, 100 * MS, 60 * S);
    sctp_rto_measure(&r, 200 * MS);
    sctp_rto_measure(&r, 400 * MS);
    CU_ASSERT_EQUAL(r.rttvar, 125 * MS); /* 75 + 200/4 */
    CU_ASSERT_EQUAL(r.srtt, 225 * MS);   /* 175 + 400/8 */
    CU_ASSERT_EQUAL(r.rto, 725 * MS);
    /* A shorter sample: |225 - 65| = 160. */
    sctp_rto_measure(&r, 65 * MS);
    CU_ASSERT_EQUAL(r.rttvar, 93750 * 1000 + 40 * MS); /* 93.75 + 40 */
    CU_ASSERT_EQUAL(r.srtt, 196875 * 1000 + 8125 * 1000);
    CU_ASSERT_EQUAL(r.rto, r.srtt + 4 * r.rttvar);
}

/* RTTVAR that decays to nothing is raised to the clock granularity, so the
 * RTO stays above SRTT. */
static void test_granularity(void)
{
    struct sctp_rto r;
    sctp_rto_init(&r, 3 * S, 10 * MS, 60 * S);
    for (int i = 0; i < 200; i++)
        sctp_rto_measure(&r, 200 * MS);
    CU_ASSERT_EQUAL(r.srtt, 200 * MS);
    CU_ASSERT_TRUE(4 * r.rttvar < 1 * MS);
    CU_ASSERT_EQUAL(r.rto, 201 * MS);
}

/* C6/C7: a computed RTO below RTO.Min is raised to it, above RTO.Max is
 * lowered to it. */
static void test_clamping(void)
{
    struct sctp_rto r;
    sctp_rto_init(&r, 3 * S, 1 * S, 60 * S);
    sctp_rto_measure(&r, 10 * MS);
    CU_ASSERT_EQUAL(r.srtt, 10 * MS);
    CU_ASSERT_EQUAL(r.rto, 1 * S);
    sctp_rto_init(&r, 3 * S, 1 * S, 60 * S);
    sctp_rto_measure(&r, 30 * S); /* 30 + 4 * 15 = 90 s */
    CU_ASSERT_EQUAL(r.srtt, 30 * S);
    CU_ASSERT_EQUAL(r.rto, 60 * S);
}

/* E2: each expiry doubles the RTO, capped at RTO.Max; a new measurement
 * brings it back to the computed value. */
static void test_backoff(void)
{
    struct sctp_rto r;
    sctp_rto_init(&r, 1 * S, 1 * S, 60 * S);
    sctp_tstamp want[] = {2 * S, 4 * S, 8 * S, 16 * S, 32 * S, 60 * S, 60 * S};
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        sctp_rto_backoff(&r);
        CU_ASSERT_EQUAL(r.rto, want[i]);
    }
    sctp_rto_init(&r, 31 * S, 1 * S, 60 * S);
    sctp_rto_backoff(&r);
    CU_ASSERT_EQUAL(r.rto, 60 * S);
    sctp_rto_init(&r, 30 * S, 1 * S, 60 * S);
    sctp_rto_backoff(&r);
    CU_ASSERT_EQUAL(r.rto, 60 * S);
    sctp_rto_init(&r, 1 * S, 100 * MS, 60 * S);
    sctp_rto_backoff(&r);
    sctp_rto_backoff(&r);
    CU_ASSERT_EQUAL(r.rto, 4 * S);
    sctp_rto_measure(&r, 100 * MS);
    CU_ASSERT_EQUAL(r.rto, 300 * MS);
}

/* ---- C5 (Karn) between two endpoints ---- */

static struct harness H;
static uint32_t assoc0;
static int up_count;
static uint32_t data_seen, delivered;

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
}

static bool both_up(struct harness *h)
{
    (void)h;
    return up_count == 2;
}

static bool got_one(struct harness *h)
{
    (void)h;
    return delivered >= 1;
}

static bool got_two(struct harness *h)
{
    (void)h;
    return delivered >= 2;
}

/* Drops the first DATA packet from node 0. */
static int drop_first_data(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (from != 0 || len < 16 || p[12] != SCTP_CT_DATA)
        return 1;
    return data_seen++ > 0;
}

static void tune(struct sctp_config *c)
{
    c->hb_interval = 60 * S; /* no heartbeat samples in this test */
    c->sack_delay = 20 * MS; /* the SACK comes before a second T3 */
}

static void test_karn_no_sample_from_retransmission(void)
{
    up_count = 0;
    delivered = 0;
    data_seen = 0;
    h_init(&H, 21, false, tune);
    H.on_event = on_event;
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 1,
                                                NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * S));
    H.filter = drop_first_data;
    uint8_t msg[100] = {0};
    CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    CU_ASSERT_TRUE(h_run(&H, got_one, 5 * S));
    h_run(&H, NULL, 500 * MS);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.t3_expiries, 1);
    CU_ASSERT_EQUAL(info.cum_ack_in, info.next_tsn - 1);
    /* The only acknowledged chunk was retransmitted: no RTT sample, and
     * the backed-off RTO (2 x RTO.Initial) stays. */
    CU_ASSERT_EQUAL(info.paths[0].srtt, 0);
    CU_ASSERT_EQUAL(info.paths[0].rto, 200 * MS);
    /* A chunk sent once is measured: 2 x 1 ms latency plus the delayed
     * SACK (20 ms) of a lone packet. */
    CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    CU_ASSERT_TRUE(h_run(&H, got_two, 5 * S));
    h_run(&H, NULL, 500 * MS);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.paths[0].srtt, 22 * MS);
    h_fini(&H);
    CU_ASSERT_EQUAL(hbuf_live, 0);
    hbuf_live = 0;
}

/* C4: no more than one RTT measurement per round trip on a path. Two
 * pairs of packets leave 2 ms apart over a 10 ms link, and each pair
 * brings its own SACK back within the first pair's round trip: only the
 * first SACK gives a sample (RTTVAR R/2, not shrunk by a second equal
 * one). A pair sent after that sample is timed in its turn: one sample
 * per round trip, each round trip. */
static void tune_c4(struct sctp_config *c)
{
    c->hb_interval = 60 * S; /* no heartbeat samples in this test */
}

static bool got_n(struct harness *h)
{
    (void)h;
    return delivered >= data_seen;
}

static void test_one_sample_per_round_trip(void)
{
    up_count = 0;
    delivered = 0;
    h_init(&H, 22, false, tune_c4);
    H.on_event = on_event;
    H.latency = 10 * MS;
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 1,
                                                NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * S));
    h_run(&H, NULL, 100 * MS);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL_FATAL(info.paths[0].srtt, 0);
    uint8_t msg[1000] = {0};
    delivered = 0;
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    h_run(&H, NULL, 2 * MS);
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    data_seen = 4;
    CU_ASSERT_TRUE(h_run(&H, got_n, 1 * S));
    h_run(&H, NULL, 100 * MS);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.cum_ack_in, info.next_tsn - 1);
    CU_ASSERT_EQUAL(info.paths[0].srtt, 20 * MS);
    CU_ASSERT_EQUAL(info.paths[0].rttvar, 10 * MS);
    /* The next round trip is measured. */
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(h_send(&H, 0, assoc0, 0, 0, msg, sizeof(msg)), 1);
    data_seen = 6;
    CU_ASSERT_TRUE(h_run(&H, got_n, 1 * S));
    h_run(&H, NULL, 100 * MS);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], assoc0, &info), 0);
    CU_ASSERT_EQUAL(info.paths[0].srtt, 20 * MS);
    CU_ASSERT_EQUAL(info.paths[0].rttvar, 7500 * 1000);
    h_fini(&H);
    CU_ASSERT_EQUAL(hbuf_live, 0);
    hbuf_live = 0;
}

TEST_SUITE_BEGIN(rto)
TEST_CASE(test_initial)
TEST_CASE(test_first_measurement)
TEST_CASE(test_subsequent_measurements)
TEST_CASE(test_granularity)
TEST_CASE(test_clamping)
TEST_CASE(test_backoff)
TEST_CASE(test_karn_no_sample_from_retransmission)
TEST_CASE(test_one_sample_per_round_trip)
TEST_SUITE_END()

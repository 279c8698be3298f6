/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path management (RFC 9260 8.1-8.3) between two multi-homed endpoints:
 * failover after Path.Max.Retrans, address events, return to the primary,
 * set_primary and ADDR_OVER, heartbeat RTT measurement. Where DATA goes is
 * read off the link.
 */
#include <string.h>

#include "harness.h"
#include "sctp_codec.h"
#include "sctp_crc32c.h"
#include "sctp_internal.h"
#include "suites.h"

#define MS SCTP_MS
#define S  SCTP_SEC

struct paddr_ev {
    int node;
    sctp_tstamp at;
    struct sctp_addr addr;
    enum sctp_paddr_state state;
};

#define MAX_PKTS 20000

struct data_pkt {
    sctp_tstamp at;
    struct sctp_addr dst;
};

static struct {
    uint32_t assoc[H_NODES];
    int up[H_NODES], lost[H_NODES];
    uint32_t msgs, bad_order;
    uint32_t next_seq;
    struct paddr_ev pev[64];
    unsigned n_pev;
    /* DATA packets from node 0: when and where to. */
    struct data_pkt data[MAX_PKTS];
    unsigned n_data;
    unsigned hb_to[2];   /* HEARTBEATs from node 0 to node 1's address 0 / 1 */
    unsigned sack_to[2]; /* SACKs from node 1 to node 0's address 0 / 1 */
} R;

static struct harness H;
static bool drop_data0; /* DATA from node 0 is lost */
static bool drop_fwd0;  /* and FORWARD TSN */

static void on_event(struct harness *h, int node, struct sctp_event *ev)
{
    switch (ev->type) {
    case SCTP_EV_ASSOC_CHANGE:
        if (ev->u.assoc_change.state == SCTP_COMM_UP) {
            R.up[node]++;
            R.assoc[node] = ev->assoc_id;
        } else if (ev->u.assoc_change.state == SCTP_COMM_LOST) {
            R.lost[node]++;
        }
        break;
    case SCTP_EV_PADDR_CHANGE:
        if (R.n_pev < 64)
            R.pev[R.n_pev++] = (struct paddr_ev){
                .node = node, .at = h->now, .addr = ev->u.paddr.addr, .state = ev->u.paddr.state};
        break;
    case SCTP_EV_DATA:
        if (node == 1) {
            uint32_t seq = ev->u.data.len >= 4 ? sctp_get32(ev->u.data.frags[0].data) : ~0u;
            if (seq != R.next_seq)
                R.bad_order++;
            R.next_seq = seq + 1;
            R.msgs++;
        }
        break;
    default:
        break;
    }
}

static int record(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    if (from != 0) {
        while (sctp_chunk_next(p, len, &off, &c) == 1)
            if (c.type == SCTP_CT_SACK)
                R.sack_to[sctp_addr_equal(&h->pkt_dst, &h->cfg[0].addrs[0]) ? 0 : 1]++;
        return 1;
    }
    bool data = false, fwd = false;
    while (sctp_chunk_next(p, len, &off, &c) == 1) {
        if (c.type == SCTP_CT_DATA)
            data = true;
        fwd |= c.type == SCTP_CT_FORWARD_TSN;
        if (c.type == SCTP_CT_HEARTBEAT)
            R.hb_to[sctp_addr_equal(&h->pkt_dst, &h->cfg[1].addrs[0]) ? 0 : 1]++;
    }
    if (data && R.n_data < MAX_PKTS)
        R.data[R.n_data++] = (struct data_pkt){.at = h->now, .dst = h->pkt_dst};
    return !((data && drop_data0) || (fwd && drop_fwd0));
}

static bool both_up(struct harness *h)
{
    (void)h;
    return R.up[0] && R.up[1];
}

static void tune(struct sctp_config *c)
{
    c->path_max_retrans = 2;
    c->assoc_max_retrans = 20;
}

static uint32_t seq_out;

/* Two endpoints (node 1 with two addresses if multi), nothing connected. */
static void begin(uint64_t seed, bool multi, void (*t)(struct sctp_config *))
{
    memset(&R, 0, sizeof(R));
    seq_out = 0;
    drop_data0 = drop_fwd0 = false;
    h_init(&H, seed, multi, t);
    H.on_event = on_event;
    H.filter = record;
}

/* Node 0 connects to node 1's first address (node 1's second one, if
 * any, comes in its INIT ACK: UNCONFIRMED until a HEARTBEAT to it is
 * answered), and both come up. */
static void connect_first(void)
{
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * S));
}

/* Node 0 connects to both of node 1's addresses (the user's: CONFIRMED),
 * and both come up. */
static void connect_both(void)
{
    struct sctp_addr peers[2] = {H.cfg[1].addrs[0], H.cfg[1].addrs[1]};
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(
        sctp_endpoint_connect(H.ep[0], peers, 2, H.cfg[1].port, 4, NULL, NULL, &id, H.now), 0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * S));
}

static void start(uint64_t seed, bool multi, void (*t)(struct sctp_config *))
{
    begin(seed, multi, t);
    connect_first();
}

static void finish(void)
{
    h_fini(&H);
    CU_ASSERT_EQUAL(hbuf_live, 0);
    hbuf_live = 0;
}

static int send_msg(uint16_t flags, const struct sctp_addr *over)
{
    uint8_t buf[200];
    memset(buf, 0xab, sizeof(buf));
    sctp_put32(buf, seq_out);
    struct hbuf *b = hbuf_new(buf, sizeof(buf));
    struct sctp_sndinfo info = {.sid = 0, .flags = flags};
    if (over)
        info.addr_over = *over;
    struct sctp_frag f = {.data = b->data, .len = b->len, .handle = b};
    int r = sctp_endpoint_send(H.ep[0], R.assoc[0], &info, &f, H.now);
    hbuf_unref(b);
    if (r == 1)
        seq_out++;
    return r;
}

/* Events of one kind for one address on node 0. */
static unsigned count_pev(enum sctp_paddr_state st, const struct sctp_addr *a, sctp_tstamp *at)
{
    unsigned n = 0;
    for (unsigned i = 0; i < R.n_pev; i++)
        if (R.pev[i].node == 0 && R.pev[i].state == st && sctp_addr_equal(&R.pev[i].addr, a)) {
            if (at && n == 0)
                *at = R.pev[i].at;
            n++;
        }
    return n;
}

/* A message every 20 ms until node 0 has reported state for addr n
 * times (at most max messages). */
static void send_until(enum sctp_paddr_state state, const struct sctp_addr *addr, unsigned n,
                       int max)
{
    for (int i = 0; i < max && count_pev(state, addr, NULL) < n; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 20 * MS);
    }
}

/* start(), multi-homed, and the second address confirmed by its first
 * heartbeat. */
static void start_confirmed(uint64_t seed, void (*t)(struct sctp_config *))
{
    seq_out = 0;
    start(seed, true, t);
    h_run(&H, NULL, 500 * MS);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_CONFIRMED, &H.cfg[1].addrs[1], NULL), 1);
}

/* DATA packets from node 0 to addr sent in [from, to). */
static unsigned data_to(const struct sctp_addr *addr, sctp_tstamp from, sctp_tstamp to)
{
    unsigned n = 0;
    for (unsigned i = 0; i < R.n_data; i++)
        if (R.data[i].at >= from && R.data[i].at < to && sctp_addr_equal(&R.data[i].dst, addr))
            n++;
    return n;
}

static bool all_delivered(struct harness *h)
{
    (void)h;
    return R.msgs == seq_out;
}

/* Cuts the peer's primary address p0 off and keeps sending until node 0
 * reports it unreachable (once); returns when it did. */
static sctp_tstamp cut_primary(const struct sctp_addr *p0)
{
    sctp_tstamp t_unreach = 0;
    H.down[H.n_down++] = *p0;
    send_until(SCTP_ADDR_UNREACHABLE, p0, 1, 400);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_UNREACHABLE, p0, &t_unreach), 1);
    return t_unreach;
}

static void test_failover_and_return(void)
{
    start_confirmed(41, tune);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    CU_ASSERT_EQUAL(data_to(p1, 0, H.now), 0);

    /* The primary address stops answering. */
    sctp_tstamp cut = H.now;
    sctp_tstamp t_unreach = cut_primary(p0);
    CU_ASSERT_TRUE(data_to(p0, cut, t_unreach) > 0);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_FALSE(info.paths[0].active);
    CU_ASSERT_TRUE(info.paths[0].primary);
    CU_ASSERT_TRUE(info.paths[1].active);
    CU_ASSERT_TRUE(info.paths[0].error_count > 2); /* more than Path.Max.Retrans */

    /* Failed over: new DATA goes to the alternate only. */
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 20 * MS);
    }
    CU_ASSERT_EQUAL(data_to(p0, t_unreach, H.now), 0);
    CU_ASSERT_TRUE(data_to(p1, t_unreach, H.now) >= 100);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 5 * S));
    /* The dead primary is still probed with heartbeats. */
    unsigned hb_dead = R.hb_to[0];
    h_run(&H, NULL, 3 * S);
    CU_ASSERT_TRUE(R.hb_to[0] > hb_dead);

    /* The primary comes back: its heartbeat is answered, it is reported
     * available and DATA returns to it. */
    H.n_down = 0;
    sctp_tstamp t_avail = 0;
    send_until(SCTP_ADDR_AVAILABLE, p0, 1, 500);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_AVAILABLE, p0, &t_avail), 1);
    sctp_tstamp back = H.now;
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 20 * MS);
    }
    CU_ASSERT_TRUE(data_to(p0, back, H.now) >= 100);
    CU_ASSERT_EQUAL(data_to(p1, back, H.now), 0);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_TRUE(info.paths[0].active);
    CU_ASSERT_EQUAL(info.paths[0].error_count, 0);

    /* Every message arrived once, in order; the association lived. */
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 5 * S));
    CU_ASSERT_EQUAL(R.msgs, seq_out);
    CU_ASSERT_EQUAL(R.bad_order, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_UNREACHABLE, p0, NULL), 1);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_UNREACHABLE, p1, NULL), 0);
    finish();
}

static void tune_pf(struct sctp_config *c)
{
    c->path_max_retrans = 4;
    c->pf_retrans = 0;
    c->assoc_max_retrans = 20;
}

/* RFC 7829 (SCTP-PF) with Potentially Failed Max Retrans 0: the primary's
 * first T3 expiry makes it potentially failed. From then on no DATA goes
 * there (new or retransmitted) while the alternate answers; it is probed
 * once per RTO, and reported unreachable only after Path.Max.Retrans
 * more errors. When it answers again it is available and DATA returns. */
static void test_pf_quick_failover(void)
{
    start_confirmed(45, tune_pf);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];

    sctp_tstamp cut = H.now, t_pf = 0, t_unreach = 0;
    H.down[H.n_down++] = *p0;
    send_until(SCTP_ADDR_UNREACHABLE, p0, 1, 400);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_POTENTIALLY_FAILED, p0, &t_pf), 1);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_UNREACHABLE, p0, &t_unreach), 1);
    /* Potentially failed at the first T3 expiry (RTO.Initial 100 ms,
     * RTO.Min 50 ms), unreachable after four more errors. */
    CU_ASSERT_TRUE(t_pf - cut <= 200 * MS);
    CU_ASSERT_TRUE(t_unreach > t_pf);
    CU_ASSERT_TRUE(data_to(p0, cut, t_pf + 1) > 0);
    CU_ASSERT_EQUAL(data_to(p0, t_pf + 1, H.now), 0);
    CU_ASSERT_TRUE(data_to(p1, t_pf, t_unreach) >= (t_unreach - t_pf) / (20 * MS) / 2);
    /* Probed meanwhile: a HEARTBEAT per RTO. */
    CU_ASSERT_TRUE(R.hb_to[0] >= 4);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_FALSE(info.paths[0].active);
    CU_ASSERT_FALSE(info.paths[0].pf);
    CU_ASSERT_TRUE(info.paths[1].active && !info.paths[1].pf);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 5 * S));
    CU_ASSERT_EQUAL(R.bad_order, 0);

    /* Back before it is declared unreachable: cut, potentially failed,
     * restored; the next HEARTBEAT ACK makes it available again. */
    H.n_down = 0;
    sctp_tstamp t_avail = 0;
    send_until(SCTP_ADDR_AVAILABLE, p0, 1, 500);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_AVAILABLE, p0, &t_avail), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 5 * S));
    cut = H.now;
    H.down[H.n_down++] = *p0;
    send_until(SCTP_ADDR_POTENTIALLY_FAILED, p0, 2, 100);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_POTENTIALLY_FAILED, p0, NULL), 2);
    H.n_down = 0;
    send_until(SCTP_ADDR_AVAILABLE, p0, 2, 100);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_AVAILABLE, p0, NULL), 2);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_UNREACHABLE, p0, NULL), 1);
    sctp_tstamp back = H.now;
    for (int i = 0; i < 50; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 20 * MS);
    }
    CU_ASSERT_TRUE(data_to(p0, back, H.now) >= 50);
    CU_ASSERT_EQUAL(data_to(p1, back, H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 5 * S));
    CU_ASSERT_EQUAL(R.msgs, seq_out);
    CU_ASSERT_EQUAL(R.bad_order, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

static void tune_ps(struct sctp_config *c)
{
    tune_pf(c);
    c->ps_retrans = 1;
}

/* RFC 7829 6, Primary Path Switchover: the primary, potentially failed
 * past ps_retrans (1) errors, gives its place to the path its traffic
 * moved to (SCTP_ADDR_MADE_PRIM), and when it answers again the traffic
 * stays where it is (test_pf_quick_failover: without it, it goes back). */
static void test_primary_switchover(void)
{
    start_confirmed(47, tune_ps);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    sctp_tstamp t_pf = 0, t_prim = 0;
    H.down[H.n_down++] = *p0;
    send_until(SCTP_ADDR_MADE_PRIM, p1, 1, 400);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_MADE_PRIM, p1, &t_prim), 1);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_POTENTIALLY_FAILED, p0, &t_pf), 1);
    CU_ASSERT_TRUE(t_prim > t_pf); /* a second error after the first */
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_UNREACHABLE, p0, NULL), 0);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_FALSE(info.paths[0].primary);
    CU_ASSERT_TRUE(info.paths[1].primary);
    CU_ASSERT_TRUE(info.paths[0].error_count >= 2);
    /* The old primary answers again: available, and no DATA goes back. */
    H.n_down = 0;
    send_until(SCTP_ADDR_AVAILABLE, p0, 1, 500);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_AVAILABLE, p0, NULL), 1);
    sctp_tstamp back = H.now;
    for (int i = 0; i < 50; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 20 * MS);
    }
    CU_ASSERT_EQUAL(data_to(p0, back, H.now), 0);
    CU_ASSERT_TRUE(data_to(p1, back, H.now) >= 50);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_MADE_PRIM, p1, NULL), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 5 * S));
    CU_ASSERT_EQUAL(R.bad_order, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* RFC 7829 5.1: with every path potentially failed, DATA still goes,
 * to the one with the fewest errors: a single-homed association keeps
 * sending to its one path, and recovers when it answers. */
static void test_pf_single_path_keeps_sending(void)
{
    seq_out = 0;
    start(46, false, tune_pf);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0];
    H.down[H.n_down++] = *p0;
    sctp_tstamp cut = H.now;
    for (int i = 0; i < 20; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 20 * MS);
    }
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_POTENTIALLY_FAILED, p0, NULL), 1);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_TRUE(info.paths[0].pf);
    sctp_tstamp t_pf = 0;
    count_pev(SCTP_ADDR_POTENTIALLY_FAILED, p0, &t_pf);
    /* Retransmissions still go to it (there is nowhere else). */
    CU_ASSERT_TRUE(data_to(p0, t_pf + 1, H.now) > 0);
    H.n_down = 0;
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 10 * S));
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_AVAILABLE, p0, NULL), 1);
    CU_ASSERT_EQUAL(R.bad_order, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    (void)cut;
    finish();
}

/* With every address of the peer cut, Path.Max.Retrans marks each one
 * unreachable; Association.Max.Retrans then ends the association. */
static void tune_all_down(struct sctp_config *c)
{
    c->path_max_retrans = 1;
    c->assoc_max_retrans = 4;
}

static bool lost0(struct harness *h)
{
    (void)h;
    return R.lost[0] > 0;
}

static void test_all_paths_down(void)
{
    seq_out = 0;
    start(42, true, tune_all_down);
    h_run(&H, NULL, 500 * MS);
    H.down[H.n_down++] = H.cfg[1].addrs[0];
    H.down[H.n_down++] = H.cfg[1].addrs[1];
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    CU_ASSERT_TRUE(h_run(&H, lost0, 60 * S));
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_UNREACHABLE, &H.cfg[1].addrs[0], NULL), 1);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_UNREACHABLE, &H.cfg[1].addrs[1], NULL), 1);
    finish();
}

static void test_set_primary(void)
{
    start_confirmed(43, NULL);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];

    struct sctp_addr stranger = sctp_addr_v4(0xC6120063u);
    CU_ASSERT_EQUAL(sctp_assoc_set_primary(H.ep[0], R.assoc[0], &stranger), SCTP_ERR_ADDR);
    CU_ASSERT_EQUAL(sctp_assoc_set_primary(H.ep[0], R.assoc[0] + 77, p1), SCTP_ERR_NOTFOUND);

    CU_ASSERT_EQUAL(sctp_assoc_set_primary(H.ep[0], R.assoc[0], p1), 0);
    sctp_tstamp t = H.now;
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_MADE_PRIM, p1, NULL), 1);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_FALSE(info.paths[0].primary);
    CU_ASSERT_TRUE(info.paths[1].primary);
    for (int i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 5 * MS);
    }
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 2 * S));
    CU_ASSERT_TRUE(data_to(p1, t, H.now) >= 10);
    CU_ASSERT_EQUAL(data_to(p0, t, H.now), 0);

    /* And back. */
    CU_ASSERT_EQUAL(sctp_assoc_set_primary(H.ep[0], R.assoc[0], p0), 0);
    t = H.now;
    for (int i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 5 * MS);
    }
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 2 * S));
    CU_ASSERT_TRUE(data_to(p0, t, H.now) >= 10);
    CU_ASSERT_EQUAL(data_to(p1, t, H.now), 0);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_MADE_PRIM, p0, NULL), 1);
    CU_ASSERT_EQUAL(R.bad_order, 0);
    finish();
}

/* n messages from node 0, 5 ms apart (with one of 64 bytes from node 1
 * each time if both), all delivered, and the delayed SACKs sent. */
static void send_spaced(int n, bool both)
{
    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        if (both) {
            uint8_t m[64] = {0};
            CU_ASSERT_EQUAL(h_send(&H, 1, R.assoc[1], 0, 0, m, sizeof(m)), 1);
        }
        h_run(&H, NULL, 5 * MS);
    }
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 2 * S));
    h_run(&H, NULL, 500 * MS);
}

/* RFC 9260 6.4: SACKs go where the DATA came from. Node 0 sends to node
 * 1's second address, so from its own second one; node 1's primary is
 * still node 0's first address, and its SACKs follow the DATA all the
 * same, and come back when the DATA does. */
static void tune_no_t3(struct sctp_config *c)
{
    /* No T3 expiry while the last DATA waits for its delayed SACK: a
     * retransmission goes to the other address, and its SACK follows. */
    c->rto_initial = c->rto_min = 500 * MS;
}

static void test_sack_to_data_source(void)
{
    start_confirmed(47, tune_no_t3);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[1], R.assoc[1], &info), 0);
    CU_ASSERT_TRUE(info.paths[0].primary);
    CU_ASSERT_TRUE(sctp_addr_equal(&info.paths[0].addr, &H.cfg[0].addrs[0]));

    send_spaced(10, false);
    CU_ASSERT_TRUE(R.sack_to[0] >= 5);
    CU_ASSERT_EQUAL(R.sack_to[1], 0);

    CU_ASSERT_EQUAL(sctp_assoc_set_primary(H.ep[0], R.assoc[0], p1), 0);
    memset(R.sack_to, 0, sizeof(R.sack_to));
    sctp_tstamp t = H.now;
    send_spaced(20, false);
    CU_ASSERT_TRUE(data_to(p1, t, H.now) >= 20);
    CU_ASSERT_TRUE(R.sack_to[1] >= 10);
    CU_ASSERT_EQUAL(R.sack_to[0], 0);

    /* Node 1 sends to its primary, node 0's first address, with the
     * SACKs for node 0's DATA going to the second: SACKs do not ride
     * there on node 1's DATA. */
    memset(R.sack_to, 0, sizeof(R.sack_to));
    send_spaced(20, true);
    CU_ASSERT_TRUE(R.sack_to[1] >= 10);
    CU_ASSERT_EQUAL(R.sack_to[0], 0);

    /* And back with the DATA. */
    CU_ASSERT_EQUAL(sctp_assoc_set_primary(H.ep[0], R.assoc[0], p0), 0);
    memset(R.sack_to, 0, sizeof(R.sack_to));
    send_spaced(10, false);
    CU_ASSERT_TRUE(R.sack_to[0] >= 5);
    CU_ASSERT_EQUAL(R.sack_to[1], 0);
    CU_ASSERT_EQUAL(R.bad_order, 0);
    finish();
}

static void test_addr_over(void)
{
    seq_out = 0;
    start(44, true, NULL);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    h_run(&H, NULL, 500 * MS);
    struct sctp_addr stranger = sctp_addr_v4(0xC6120063u);
    CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, &stranger), SCTP_ERR_ADDR);
    /* Without the flag the address is ignored. */
    unsigned before = R.n_data;
    CU_ASSERT_EQUAL(send_msg(0, &stranger), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 2 * S));
    CU_ASSERT_EQUAL(R.n_data, before + 1);
    CU_ASSERT_TRUE(sctp_addr_equal(&R.data[before].dst, p0));
    /* Over the secondary, the primary, the secondary: three packets in
     * that order, each to its address. */
    before = R.n_data;
    CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, p1), 1);
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, p1), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 2 * S));
    CU_ASSERT_EQUAL_FATAL(R.n_data, before + 3);
    CU_ASSERT_TRUE(sctp_addr_equal(&R.data[before].dst, p1));
    CU_ASSERT_TRUE(sctp_addr_equal(&R.data[before + 1].dst, p0));
    CU_ASSERT_TRUE(sctp_addr_equal(&R.data[before + 2].dst, p1));
    CU_ASSERT_EQUAL(R.bad_order, 0);
    /* ADDR_OVER to the primary while the secondary is primary. */
    CU_ASSERT_EQUAL(sctp_assoc_set_primary(H.ep[0], R.assoc[0], p1), 0);
    before = R.n_data;
    CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, p0), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 2 * S));
    CU_ASSERT_EQUAL_FATAL(R.n_data, before + 1);
    CU_ASSERT_TRUE(sctp_addr_equal(&R.data[before].dst, p0));
    finish();
}

static bool path_measured(struct harness *h, int i)
{
    struct sctp_assoc_info info;
    return sctp_assoc_get_info(h->ep[0], R.assoc[0], &info) == 0 && info.paths[i].srtt;
}

static bool path1_measured(struct harness *h)
{
    return path_measured(h, 1);
}

static bool path0_measured(struct harness *h)
{
    return path_measured(h, 0);
}

/* RFC 9260 8.3: a HEARTBEAT ACK gives an RTT sample for its path. With a
 * 7 ms one-way delay and no data, SRTT is 14 ms and RTTVAR 7 ms. */
static void test_heartbeat_rtt(void)
{
    seq_out = 0;
    memset(&R, 0, sizeof(R));
    h_init(&H, 45, true, NULL);
    H.on_event = on_event;
    H.filter = record;
    H.latency = 7 * MS;
    connect_first();
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_EQUAL(info.paths[0].srtt, 0);
    CU_ASSERT_EQUAL(info.paths[1].srtt, 0);
    /* The unconfirmed address is probed at once (well before the
     * heartbeat interval of 1 s); its ACK confirms it. */
    sctp_tstamp up_at = H.now;
    CU_ASSERT_TRUE(h_run(&H, path1_measured, 5 * S));
    CU_ASSERT_TRUE(H.now - up_at < 500 * MS);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_EQUAL(info.paths[1].srtt, 14 * MS);
    CU_ASSERT_EQUAL(info.paths[1].rttvar, 7 * MS);
    CU_ASSERT_EQUAL(info.paths[1].rto, 50 * MS); /* 14 + 4 * 7, raised to RTO.Min */
    CU_ASSERT_EQUAL(info.paths[0].srtt, 0);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_CONFIRMED, &H.cfg[1].addrs[1], NULL), 1);
    /* The primary is probed after the heartbeat interval. */
    CU_ASSERT_TRUE(h_run(&H, path0_measured, 5 * S));
    CU_ASSERT_TRUE(H.now - up_at >= 1 * S);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_EQUAL(info.paths[0].srtt, 14 * MS);
    CU_ASSERT_EQUAL(info.paths[0].rttvar, 7 * MS);
    /* By then the second address had a second, equal sample: RTTVAR
     * shrinks by a quarter, SRTT stays. */
    CU_ASSERT_EQUAL(info.paths[1].srtt, 14 * MS);
    CU_ASSERT_EQUAL(info.paths[1].rttvar, 5250 * 1000);
    CU_ASSERT_TRUE(R.hb_to[0] >= 1);
    CU_ASSERT_TRUE(R.hb_to[1] >= 2);
    CU_ASSERT_EQUAL(R.n_data, 0); /* only heartbeats were measured */
    finish();
}

/* RFC 9260 5.4 (and RFC 3758 3.5 C3): no DATA, new or retransmitted, goes
 * to an UNCONFIRMED address. The peer's second address never answers its
 * heartbeats, so it stays unconfirmed (it is kept active here, as it would
 * be for a while with a higher Path.Max.Retrans). A message sent over it
 * (SCTP_ADDR_OVER) goes to the primary instead. Then the primary stops
 * answering: T3 retransmissions stay on it, and when it is inactive too,
 * new DATA still goes to it rather than to the unconfirmed address. */
/* RFC 9260 5.4: the addresses the user gives when connecting are
 * CONFIRMED from the start: a message sent with SCTP_ADDR_OVER to the
 * second one goes there at once, before any HEARTBEAT to it. */
static void test_user_addresses_confirmed(void)
{
    begin(48, true, NULL);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    struct sctp_addr peers[2] = {*p0, *p1};
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(
        sctp_endpoint_connect(H.ep[0], peers, 2, H.cfg[1].port, 4, NULL, NULL, &id, H.now), 0);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], id);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE(a->paths[0].confirmed && a->paths[1].confirmed);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * S));
    CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, p1), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 1 * S));
    CU_ASSERT_EQUAL(data_to(p1, 0, H.now + 1), 1);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_CONFIRMED, p1, NULL), 0);
    finish();
}

/* RFC 9260 5.1: INIT (and COOKIE ECHO) retransmissions use the peer's
 * other addresses: with the first one unreachable from the start, the
 * association comes up through the second after the first T1 expiry,
 * and a message goes through. */
static void test_init_to_second_address(void)
{
    begin(49, true, NULL);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    H.down[H.n_down++] = *p0;
    struct sctp_addr peers[2] = {*p0, *p1};
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(
        sctp_endpoint_connect(H.ep[0], peers, 2, H.cfg[1].port, 4, NULL, NULL, &id, H.now), 0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * S));
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 10 * S));
    CU_ASSERT_TRUE(data_to(p1, 0, H.now + 1) >= 1);
    finish();
}

static void tune_many_small(struct sctp_config *c)
{
    c->max_sendq_bytes = 16u << 20;
    c->rwnd = 64u << 20;
}

static int drop_all_from_0(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    (void)p;
    (void)len;
    return from != 0;
}

/* RFC 9260 6.1: no more than 2^16 - 1 ordered messages of a stream in the
 * send window, or SSNs repeat. Messages of 4 bytes are not held back by
 * cwnd (user data) when the window is open wide: 70,000 of them on one
 * stream, none acknowledged, stop at 65,535 outstanding chunks. */
static void test_ssn_window_limit(void)
{
    begin(50, false, tune_many_small);
    connect_first();
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a->paths[0].cc.cwnd = a->paths[0].cc.ssthresh = 1u << 30;
    a->peer_rwnd = 1u << 30;
    H.filter = drop_all_from_0;
    uint8_t msg[4] = {1, 2, 3, 4};
    for (unsigned i = 0; i < 70000; i++)
        CU_ASSERT_EQUAL_FATAL(h_send(&H, 0, R.assoc[0], 0, 0, msg, sizeof(msg)), 1);
    h_run(&H, NULL, 50 * MS);
    CU_ASSERT_TRUE(a->q.count <= 65535);
    CU_ASSERT_TRUE(a->q.count > 65535 - 200);
    CU_ASSERT_EQUAL(a->t3_expiries, 0);
    finish();
}

/* Node 0 connects to node 1's first address only, with node 1's second
 * one cut from the start: it comes in the INIT ACK, UNCONFIRMED, and its
 * probes go unanswered. */
static void start_second_cut(uint64_t seed, void (*t)(struct sctp_config *))
{
    begin(seed, true, t);
    H.down[H.n_down++] = H.cfg[1].addrs[1];
    connect_first();
}

static void tune_probe_errors(struct sctp_config *c)
{
    c->hb_interval = 600 * S; /* the primary is not heartbeated meanwhile */
    c->assoc_max_retrans = 3;
}

/* RFC 9260 5.4: HEARTBEATs that probe an UNCONFIRMED address and go
 * unanswered count against that address, not against the association: a
 * peer address that is unreachable from the start does not end an
 * association whose primary works. */
static void test_unconfirmed_probes_spare_assoc(void)
{
    start_second_cut(47, tune_probe_errors);
    const struct sctp_addr *p1 = &H.cfg[1].addrs[1];
    h_run(&H, NULL, 60 * S);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    struct sctp_path *a1 = sctp_assoc_path_of(a, p1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a1);
    CU_ASSERT_FALSE(a1->confirmed);
    CU_ASSERT_TRUE(a1->error_count > 3);
    CU_ASSERT_EQUAL(a->error_count, 0);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
}

static void tune_unconfirmed(struct sctp_config *c)
{
    c->path_max_retrans = 2;
    c->assoc_max_retrans = 100;
}

static void test_no_data_to_unconfirmed(void)
{
    start_second_cut(46, tune_unconfirmed);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    struct sctp_path *a0 = &a->paths[0], *a1 = &a->paths[1];
    CU_ASSERT_TRUE_FATAL(sctp_addr_equal(&a1->addr, p1));

    /* SCTP_ADDR_OVER to the unconfirmed address: the message goes to the
     * primary instead. */
    CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, p1), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 1 * S));
    CU_ASSERT_FALSE(a1->confirmed);
    CU_ASSERT_EQUAL(data_to(p0, 0, H.now + 1), 1);

    /* The primary goes silent; messages wait for it through T3s. */
    H.down[H.n_down++] = *p0;
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    for (int i = 0; i < 200 && a->t3_expiries < 2; i++) {
        a1->active = true;
        a1->error_count = 0;
        h_run(&H, NULL, 10 * MS);
    }
    CU_ASSERT_TRUE(a->t3_expiries >= 2);
    CU_ASSERT_FALSE(a1->confirmed);
    CU_ASSERT_TRUE(data_to(p0, 0, H.now + 1) >= 3);
    CU_ASSERT_EQUAL(data_to(p1, 0, H.now + 1), 0);

    /* No confirmed address active: the inactive primary, not the
     * unconfirmed active one. */
    for (int i = 0; i < 300 && a0->active; i++) {
        a1->active = true;
        a1->error_count = 0;
        h_run(&H, NULL, 10 * MS);
    }
    CU_ASSERT_FALSE(a0->active);
    a1->active = true;
    CU_ASSERT_PTR_EQUAL(sctp_assoc_data_path(a), a0);
    sctp_tstamp t = H.now;
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    for (int i = 0; i < 100; i++) {
        a1->active = true;
        a1->error_count = 0;
        h_run(&H, NULL, 10 * MS);
    }
    CU_ASSERT_TRUE(data_to(p0, t, H.now + 1) >= 1);
    CU_ASSERT_EQUAL(data_to(p1, 0, H.now + 1), 0);

    /* Both addresses back: everything arrives, in order. */
    H.n_down = 0;
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 20 * S));
    CU_ASSERT_EQUAL(R.bad_order, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* A SACK from node 1's first address to node 0. */
static void inject_sack(uint32_t cum, const struct sctp_gap_block *gaps, uint16_t n_gaps)
{
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    uint8_t pkt[256];
    sctp_common_hdr_encode(pkt, SCTP_COMMON_HDR_LEN, H.cfg[1].port, H.cfg[0].port, a->local_vtag);
    int n = sctp_sack_encode(pkt + SCTP_COMMON_HDR_LEN, sizeof(pkt) - SCTP_COMMON_HDR_LEN, cum,
                             1u << 20, gaps, n_gaps, NULL, 0);
    CU_ASSERT_TRUE_FATAL(n > 0);
    CU_ASSERT_EQUAL(
        h_input(&H, 0, &H.cfg[1].addrs[0], pkt, SCTP_COMMON_HDR_LEN + (uint32_t)n, false), 0);
}

static void tune_pmr1(struct sctp_config *c)
{
    c->path_max_retrans = 1;
    c->assoc_max_retrans = 50;
}

/* RFC 9260 10, ICMP9: a destination unreachable quoting our packet, with
 * the peer's tag, counts one error against its path, once per RTO; with
 * pf_retrans 0 the path is potentially failed at once and the traffic
 * moves before any T3 expiry. One with another tag changes nothing. */
static void test_icmp_dest_unreachable(void)
{
    start_confirmed(51, tune_pf);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    uint16_t pport = H.cfg[1].port;
    uint8_t q[16] = {0};
    sctp_put16(q, H.cfg[0].port);
    sctp_put16(q + 2, pport);
    sctp_put32(q + 4, info.peer_vtag ^ 0x80u);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_dest_unreachable(H.ep[0], p0, pport, q, sizeof(q), H.now),
                    SCTP_ERR_PROTO);
    sctp_put32(q + 4, info.peer_vtag);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_dest_unreachable(H.ep[0], p0, pport, q, sizeof(q), H.now), 1);
    /* The router answers every packet in flight: one error per RTO. */
    CU_ASSERT_EQUAL(sctp_assoc_icmp_dest_unreachable(H.ep[0], p0, pport, q, sizeof(q), H.now), 0);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    CU_ASSERT_EQUAL(info.paths[0].error_count, 1);
    CU_ASSERT_TRUE(info.paths[0].pf && info.paths[0].active);
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_POTENTIALLY_FAILED, p0, NULL), 1);
    struct sctp_endpoint_stats st;
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.icmp_dest_unreach, 1);
    CU_ASSERT_EQUAL(st.icmp_dest_unreach_ignored, 1);
    /* New DATA goes to the alternate at once. */
    sctp_tstamp t = H.now;
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 1 * S));
    CU_ASSERT_EQUAL(data_to(p0, t, H.now), 0);
    CU_ASSERT_TRUE(data_to(p1, t, H.now) >= 1);
    /* The primary answers its heartbeat: back, and the DATA with it. */
    for (int i = 0; i < 100 && count_pev(SCTP_ADDR_AVAILABLE, p0, NULL) == 0; i++)
        h_run(&H, NULL, 20 * MS);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_AVAILABLE, p0, NULL), 1);
    finish();
}

/* RFC 9260 8.1, 8.2: a SACK says the peer is alive (the association's
 * error count goes to 0), but it clears a path's errors only for DATA
 * sent there once, after its last error. The primary is cut and the
 * alternate takes over; then the alternate is cut too. With both
 * inactive, DATA goes to the one that worked last, the alternate (RFC
 * 7829 6), not to the primary, dead for longer. A SACK for a message
 * sent there twice does not bring it back; a SACK for a new message sent
 * there once does. */
static void test_ambiguous_ack_no_revival(void)
{
    start_confirmed(49, tune_pmr1);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    cut_primary(p0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, all_delivered, 5 * S));
    CU_ASSERT_TRUE(a->paths[1].ok_at > a->paths[0].ok_at);

    uint32_t t0 = a->next_tsn;
    H.down[H.n_down++] = *p1;
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    sctp_tstamp t_both = 0;
    for (int i = 0; i < 300 && !count_pev(SCTP_ADDR_UNREACHABLE, p1, &t_both); i++)
        h_run(&H, NULL, 100 * MS);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_UNREACHABLE, p1, &t_both), 1);
    /* Both inactive: the message goes to the alternate again. */
    for (int i = 0; i < 300 && data_to(p1, t_both + 1, H.now) == 0; i++)
        h_run(&H, NULL, 100 * MS);
    CU_ASSERT_TRUE_FATAL(data_to(p1, t_both + 1, H.now) > 0);
    CU_ASSERT_EQUAL(data_to(p0, t_both + 1, H.now), 0);
    CU_ASSERT_TRUE(a->error_count > 0);
    inject_sack(t0, NULL, 0);
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_AVAILABLE, p0, NULL), 0);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_AVAILABLE, p1, NULL), 0);
    CU_ASSERT_FALSE(a->paths[1].active);
    CU_ASSERT_EQUAL(a->error_count, 0);

    /* A new message, sent once, to the alternate (both still inactive). */
    sctp_tstamp t2 = H.now;
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL(data_to(p1, t2, H.now + 1), 1);
    inject_sack(t0 + 1, NULL, 0);
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_AVAILABLE, p1, NULL), 1);
    CU_ASSERT_TRUE(a->paths[1].active);
    CU_ASSERT_EQUAL(a->paths[1].error_count, 0);
    CU_ASSERT_FALSE(a->paths[0].active);
    finish();
}

/* RFC 9260 6.3.2 R3: a SACK restarts T3 only for an address whose
 * earliest outstanding TSN it acknowledges. A goes to the primary, B to
 * the secondary, C and D to the primary; all are lost. A SACK acking A
 * restarts the primary's timer, not the secondary's (B is still
 * missing). A SACK gap-acking C, the primary's earliest outstanding TSN
 * then, restarts the primary's timer although the cumulative TSN stays.
 * (The SACKs are forged: node 1 never had A or C.) */
static void test_t3_restart_per_path(void)
{
    seq_out = 0;
    start(47, true, NULL);
    const struct sctp_addr *p1 = &H.cfg[1].addrs[1];
    h_run(&H, NULL, 500 * MS);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_CONFIRMED, p1, NULL), 1);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    struct sctp_path *a0 = &a->paths[0], *a1 = &a->paths[1];
    CU_ASSERT_TRUE_FATAL(sctp_addr_equal(&a1->addr, p1));
    drop_data0 = true;
    uint32_t t = a->next_tsn;

    CU_ASSERT_EQUAL(send_msg(0, NULL), 1); /* A: t */
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, p1), 1); /* B: t + 1 */
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1); /* C: t + 2 */
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1); /* D: t + 3 */
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL_FATAL(a->next_tsn, t + 4);
    CU_ASSERT_EQUAL(R.n_data, 3);
    sctp_tstamp t3_1 = a1->t3_timer;
    CU_ASSERT_TRUE_FATAL(t3_1 != SCTP_TIMER_OFF && t3_1 > H.now);
    CU_ASSERT_TRUE_FATAL(a0->t3_timer != SCTP_TIMER_OFF && a0->t3_timer > H.now);

    inject_sack(t, NULL, 0);
    CU_ASSERT_EQUAL(a->cum_ack_in, t);
    CU_ASSERT_EQUAL(a0->t3_timer, H.now + a0->rto.rto);
    CU_ASSERT_EQUAL(a1->t3_timer, t3_1);

    h_run(&H, NULL, 10 * MS);
    struct sctp_gap_block g = {.start = 2, .end = 2}; /* C */
    inject_sack(t, &g, 1);
    CU_ASSERT_EQUAL(a->cum_ack_in, t);
    CU_ASSERT_EQUAL(a0->t3_timer, H.now + a0->rto.rto);
    CU_ASSERT_EQUAL(a1->t3_timer, t3_1);
    CU_ASSERT_EQUAL(a->t3_expiries, 0);
    finish();
}

/* RFC 3758 3.5 C5: while a FORWARD TSN may need sending again, a T3-rtx
 * timer runs on the path it went to. The primary fails; a PR-SCTP message
 * to the alternate is lost and abandoned, and its FORWARD TSN, sent to
 * the alternate, is lost too. A SACK that gap-acks a later message leaves
 * no DATA in flight, so R2 stops the alternate's timer; it must start
 * again there, not on the dead primary. */
static void test_forward_tsn_timer_path(void)
{
    start_confirmed(48, tune);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    cut_primary(p0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, all_delivered, 5 * S));
    h_run(&H, NULL, 100 * MS);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE_FATAL(a->peer_pr_sctp);
    CU_ASSERT_TRUE_FATAL(sctp_addr_equal(&a->paths[1].addr, p1));
    CU_ASSERT_FALSE_FATAL(a->paths[0].active);
    CU_ASSERT_EQUAL(a->cum_ack_in, a->next_tsn - 1);

    drop_data0 = drop_fwd0 = true;
    uint32_t t = a->next_tsn;
    uint8_t buf[200] = {0};
    struct hbuf *b = hbuf_new(buf, sizeof(buf));
    struct sctp_sndinfo info = {.sid = 1, .pr_policy = SCTP_PR_SCTP_TTL, .pr_value = 20};
    struct sctp_frag f = {.data = b->data, .len = b->len, .handle = b};
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_send(H.ep[0], R.assoc[0], &info, &f, H.now), 1);
    hbuf_unref(b);
    h_run(&H, NULL, 100 * MS); /* expired, abandoned, FORWARD TSN lost */
    CU_ASSERT_TRUE_FATAL(a->fwd_sent);
    CU_ASSERT_EQUAL(a->adv_peer_ack, t);
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1); /* TSN t + 1, lost */
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL_FATAL(a->next_tsn, t + 2);

    struct sctp_gap_block g = {.start = 2, .end = 2}; /* t + 1 */
    inject_sack(t - 1, &g, 1);
    CU_ASSERT_EQUAL(a->cum_ack_in, t - 1);
    CU_ASSERT_EQUAL(a->paths[0].t3_timer, SCTP_TIMER_OFF);
    CU_ASSERT_EQUAL(a->paths[1].t3_timer, H.now + a->paths[1].rto.rto);

    /* The timer sends the FORWARD TSN again, and the peer moves on. */
    drop_data0 = drop_fwd0 = false;
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 10 * S));
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* The opening of the two tests below: node 0's association confirmed on
 * both of node 1's addresses, its DATA and FORWARD TSNs lost from now on,
 * and a PR-SCTP message with a 20 ms lifetime sent to the alternate
 * (ADDR_OVER): in flight there, the alternate's T3-rtx running. Returns
 * the association; *tsn is the message's TSN. */
static struct sctp_assoc *pr_lost_on_alternate(uint64_t seed, void (*tune)(struct sctp_config *),
                                               uint32_t *tsn)
{
    start_confirmed(seed, tune);
    const struct sctp_addr *p1 = &H.cfg[1].addrs[1];
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE_FATAL(a->peer_pr_sctp);
    CU_ASSERT_EQUAL_FATAL(a->primary, 0);
    CU_ASSERT_TRUE_FATAL(sctp_addr_equal(&a->paths[1].addr, p1));
    CU_ASSERT_TRUE_FATAL(a->paths[1].active && a->paths[1].confirmed);

    drop_data0 = drop_fwd0 = true;
    *tsn = a->next_tsn;
    uint8_t buf[200] = {0};
    struct hbuf *b = hbuf_new(buf, sizeof(buf));
    struct sctp_sndinfo info = {
        .sid = 1, .flags = SCTP_ADDR_OVER, .pr_policy = SCTP_PR_SCTP_TTL, .pr_value = 20};
    info.addr_over = *p1;
    struct sctp_frag f = {.data = b->data, .len = b->len, .handle = b};
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_send(H.ep[0], R.assoc[0], &info, &f, H.now), 1);
    hbuf_unref(b);
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL_FATAL(a->next_tsn, *tsn + 1);
    CU_ASSERT_EQUAL_FATAL(data_to(p1, 0, H.now + 1), 1);
    CU_ASSERT_TRUE_FATAL(a->paths[1].t3_timer != SCTP_TIMER_OFF);
    return a;
}

/* Their end: nothing is lost any more; a new message, the FORWARD TSN
 * sent again, and the peer's cumulative TSN reaches the last one. */
static void pr_goes_on(struct sctp_assoc *a)
{
    drop_data0 = drop_fwd0 = false;
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 5 * S));
    CU_ASSERT_TRUE(h_run(&H, NULL, 2 * S));
    CU_ASSERT_EQUAL(a->cum_ack_in, a->next_tsn - 1);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* RFC 3758 3.5 F5 on a multi-homed association: a PR-SCTP message sent
 * to the alternate (ADDR_OVER) is lost, and its 20 ms lifetime ends
 * while it is in flight there; the FORWARD TSN that skips it goes to the
 * primary and is lost too, so nothing is acknowledged. The alternate's
 * T3-rtx then expires with no DATA in flight there: it would have marked
 * the abandoned chunk for retransmission, so the alternate takes the
 * 7.2.3 adjustment (ssthresh = max(cwnd / 2, 4 MTU), cwnd one MTU). The
 * primary, where the FORWARD TSN went and whose own timer has not run
 * out yet, keeps its cwnd and ssthresh. */
static void test_pr_abandoned_loss_on_other_path(void)
{
    uint32_t t;
    struct sctp_assoc *a = pr_lost_on_alternate(57, NULL, &t);
    struct sctp_path *a0 = &a->paths[0], *a1 = &a->paths[1];
    sctp_tstamp t3 = a1->t3_timer;
    CU_ASSERT_EQUAL_FATAL(a0->t3_timer, SCTP_TIMER_OFF);
    struct sctp_cc cc0 = a0->cc, cc1 = a1->cc;

    /* The lifetime ends before T3: abandoned in flight on the alternate,
     * its FORWARD TSN to the primary. */
    h_run(&H, NULL, t3 - H.now - 1);
    CU_ASSERT_TRUE_FATAL(a->fwd_sent);
    CU_ASSERT_EQUAL_FATAL(a->fwd_path, 0);
    CU_ASSERT_EQUAL(a->adv_peer_ack, t);
    CU_ASSERT_EQUAL(a->cum_ack_in, t - 1);
    CU_ASSERT_EQUAL_FATAL(a1->t3_timer, t3);
    /* The primary's timer, started for the FORWARD TSN, runs out later. */
    CU_ASSERT_TRUE_FATAL(a0->t3_timer != SCTP_TIMER_OFF && a0->t3_timer > t3 + 1 * MS);
    CU_ASSERT_EQUAL(a1->cc.flight, 0);
    CU_ASSERT_EQUAL(a1->cc.cwnd, cc1.cwnd);
    CU_ASSERT_EQUAL(a1->cc.ssthresh, cc1.ssthresh);

    /* The alternate's T3-rtx. */
    h_run(&H, NULL, t3 + 1 * MS - H.now);
    CU_ASSERT_TRUE_FATAL(a0->t3_timer > H.now);
    uint32_t ssthresh = cc1.cwnd / 2 > 4 * cc1.mtu ? cc1.cwnd / 2 : 4 * cc1.mtu;
    CU_ASSERT_TRUE(cc1.ssthresh != ssthresh);
    CU_ASSERT_EQUAL(a1->cc.ssthresh, ssthresh);
    CU_ASSERT_EQUAL(a1->cc.cwnd, cc1.mtu - SCTP_COMMON_HDR_LEN - SCTP_DATA_HDR_LEN);
    CU_ASSERT_EQUAL(a0->cc.cwnd, cc0.cwnd);
    CU_ASSERT_EQUAL(a0->cc.ssthresh, cc0.ssthresh);
    CU_ASSERT_FALSE(sctp_sendq_at(&a->q, t) && sctp_sendq_at(&a->q, t)->loss_watch);
    /* The FORWARD TSN went again to the primary: its expiry there is no
     * error, nor a loss on the primary. */
    CU_ASSERT_EQUAL(a->t3_expiries, 0);
    CU_ASSERT_EQUAL(a0->error_count, 0);

    /* The peer gets the next FORWARD TSN, and the association goes on. */
    pr_goes_on(a);
}

/* RFC 3758 3.5 F5 when the primary's DATA is acknowledged meanwhile: as
 * above, a PR-SCTP message on the alternate is lost and abandoned in
 * flight, and its FORWARD TSN is lost; then a message on the primary
 * arrives and the SACK for it (cumulative TSN short of the lost one, a
 * gap block for the new one) leaves both paths without DATA in flight.
 * The alternate's T3-rtx must still run for the abandoned chunk (it
 * would have marked it), and its expiry makes the 7.2.3 adjustment on
 * the alternate. */
static void test_pr_abandoned_loss_timer_kept(void)
{
    uint32_t t;
    struct sctp_assoc *a = pr_lost_on_alternate(59, tune_no_t3, &t);
    struct sctp_path *a0 = &a->paths[0], *a1 = &a->paths[1];
    sctp_tstamp t3 = a1->t3_timer;
    struct sctp_cc cc1 = a1->cc;

    /* Abandoned in flight (20 ms), its FORWARD TSN lost on the primary. */
    h_run(&H, NULL, 30 * MS);
    CU_ASSERT_TRUE_FATAL(a->fwd_sent);
    CU_ASSERT_EQUAL_FATAL(a->adv_peer_ack, t);
    CU_ASSERT_EQUAL_FATAL(a1->cc.flight, 0);
    CU_ASSERT_TRUE_FATAL(H.now + 50 * MS < t3);

    /* A message on the primary gets through and is acknowledged. */
    drop_data0 = false;
    CU_ASSERT_EQUAL_FATAL(send_msg(0, NULL), 1);
    CU_ASSERT_TRUE_FATAL(h_run(&H, all_delivered, 40 * MS));
    h_run(&H, NULL, 5 * MS);
    CU_ASSERT_TRUE_FATAL(H.now < t3);
    CU_ASSERT_EQUAL(a->cum_ack_in, t - 1);
    CU_ASSERT_EQUAL(a0->cc.flight, 0);
    CU_ASSERT_EQUAL(a1->cc.flight, 0);
    CU_ASSERT_TRUE(sctp_sendq_at(&a->q, t) && sctp_sendq_at(&a->q, t)->loss_watch);
    CU_ASSERT_EQUAL(a1->t3_timer, t3);
    CU_ASSERT_EQUAL(a1->cc.cwnd, cc1.cwnd);

    /* The alternate's T3-rtx finds the loss. */
    h_run(&H, NULL, t3 + 1 * MS - H.now);
    uint32_t ssthresh = cc1.cwnd / 2 > 4 * cc1.mtu ? cc1.cwnd / 2 : 4 * cc1.mtu;
    CU_ASSERT_EQUAL(a1->cc.ssthresh, ssthresh);
    CU_ASSERT_EQUAL(a1->cc.cwnd, cc1.mtu - SCTP_COMMON_HDR_LEN - SCTP_DATA_HDR_LEN);
    CU_ASSERT_FALSE(sctp_sendq_at(&a->q, t) && sctp_sendq_at(&a->q, t)->loss_watch);
    CU_ASSERT_EQUAL(a1->error_count, 0);

    /* The FORWARD TSN gets through at last, and the association goes on. */
    pr_goes_on(a);
}

/* RFC 9260 5.4: HEARTBEATs that verify a peer's addresses go at most
 * HB.Max.Burst per RTO. Node 1 has four addresses; node 0 connects to
 * the first, so three come UNCONFIRMED in the INIT ACK. */
#define HB_MAX 1024
static struct {
    unsigned n;
    sctp_tstamp at[HB_MAX];
    struct sctp_addr dst[HB_MAX];
} HB;

static int record_hb(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    if (from == 0)
        while (sctp_chunk_next(p, len, &off, &c) == 1)
            if (c.type == SCTP_CT_HEARTBEAT && HB.n < HB_MAX) {
                HB.at[HB.n] = h->now;
                HB.dst[HB.n++] = h->pkt_dst;
            }
    return record(h, from, p, len);
}

static uint32_t hb_burst_tuned;

static void tune_four_addrs(struct sctp_config *c)
{
    c->hb_max_burst = hb_burst_tuned;
    c->path_max_retrans = 2;
    if (c->port != 5001)
        return;
    c->n_addrs = 4;
    c->addrs[2] = sctp_addr_v4(0xC6120401u + 1);
    c->addrs[3] = sctp_addr_v4(0xC6120601u + 1);
}

/* Verification HEARTBEATs of node 0: to an address other than the
 * first, before that address was confirmed. Their times go in at[]. */
static unsigned verify_hbs(sctp_tstamp *at, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < HB.n && n < max; i++) {
        if (sctp_addr_equal(&HB.dst[i], &H.cfg[1].addrs[0]))
            continue;
        sctp_tstamp conf;
        if (count_pev(SCTP_ADDR_CONFIRMED, &HB.dst[i], &conf) == 0 || HB.at[i] < conf)
            at[n++] = HB.at[i];
    }
    return n;
}

static void start_four(uint64_t seed, uint32_t burst)
{
    memset(&HB, 0, sizeof(HB));
    hb_burst_tuned = burst;
    begin(seed, false, tune_four_addrs);
    H.filter = record_hb;
    connect_first();
}

static void test_hb_max_burst(void)
{
    const sctp_tstamp rto_min = 50 * MS; /* the harness's */
    sctp_tstamp at[64];

    /* No limit: the three probes go within the first RTO (100 ms). */
    start_four(48, 0);
    h_run(&H, NULL, 2 * S);
    unsigned n = verify_hbs(at, 64);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_TRUE(n == 3 && at[2] - at[0] < 100 * MS);
    finish();

    /* HB.Max.Burst 1 (the default): one per RTO, and all three are still
     * confirmed, one after another. */
    start_four(48, 1);
    h_run(&H, NULL, 2 * S);
    n = verify_hbs(at, 64);
    CU_ASSERT_EQUAL(n, 3);
    for (unsigned i = 1; i < n; i++)
        CU_ASSERT_TRUE(at[i] - at[i - 1] >= rto_min);
    for (unsigned i = 1; i < 4; i++)
        CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_CONFIRMED, &H.cfg[1].addrs[i], NULL), 1);
    finish();

    /* HB.Max.Burst 2: two within an RTO, never three. */
    start_four(48, 2);
    h_run(&H, NULL, 2 * S);
    n = verify_hbs(at, 64);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_TRUE(n == 3 && at[2] - at[0] >= rto_min);
    CU_ASSERT_TRUE(n == 3 && at[1] - at[0] < rto_min);
    finish();

    /* One address unreachable: its unanswered probes do not hold up the
     * others' verification, and once it is inactive (Path.Max.Retrans 2)
     * it is heartbeated at the normal rate (HB.interval + RTO, 1 s + RTO
     * here), not once per RTO. */
    memset(&HB, 0, sizeof(HB));
    hb_burst_tuned = 1;
    begin(49, false, tune_four_addrs);
    H.filter = record_hb;
    const struct sctp_addr *dead = &H.cfg[1].addrs[1];
    H.down[H.n_down++] = *dead;
    connect_first();
    sctp_tstamp t0 = H.now;
    h_run(&H, NULL, 1 * S);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_CONFIRMED, &H.cfg[1].addrs[2], NULL), 1);
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_CONFIRMED, &H.cfg[1].addrs[3], NULL), 1);
    h_run(&H, NULL, 9 * S);
    sctp_tstamp down_at = 0;
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_UNREACHABLE, dead, &down_at), 1);
    unsigned after = 0;
    sctp_tstamp last = down_at;
    for (unsigned i = 0; i < HB.n; i++) {
        if (!sctp_addr_equal(&HB.dst[i], dead) || HB.at[i] <= down_at)
            continue;
        CU_ASSERT_TRUE(HB.at[i] - last >= 1 * S);
        last = HB.at[i];
        after++;
    }
    CU_ASSERT_TRUE(after >= 2 && after <= 9);
    CU_ASSERT_TRUE(down_at - t0 < 2 * S);
    finish();
}

/* HEARTBEATs from node 0 (HB, record_hb) and chunks of one type. */
static unsigned hbs_between(sctp_tstamp from, sctp_tstamp to, const struct sctp_addr *dst)
{
    unsigned n = 0;
    for (unsigned i = 0; i < HB.n; i++)
        n += HB.at[i] >= from && HB.at[i] < to && (!dst || sctp_addr_equal(&HB.dst[i], dst));
    return n;
}

static unsigned hb_drops_left;
static unsigned shutdowns_sent;
static bool silence_1;
static int drop_hbs_and_count(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    bool hb = false;
    while (sctp_chunk_next(p, len, &off, &c) == 1) {
        hb |= c.type == SCTP_CT_HEARTBEAT;
        shutdowns_sent += from == 0 && c.type == SCTP_CT_SHUTDOWN;
    }
    record_hb(h, from, p, len);
    if (from == 1 && silence_1)
        return 0;
    if (from == 0 && hb && hb_drops_left) {
        hb_drops_left--;
        return 0;
    }
    return 1;
}

static void tune_hb_5s(struct sctp_config *c)
{
    c->hb_interval = 5 * S;
}

/* RFC 9260 8.3: an idle address is heartbeated once per RTO plus
 * HB.interval, the RTO backed off after an unanswered HEARTBEAT. The
 * next HEARTBEAT after an unanswered one went at its RTO expiry, with no
 * HB.interval: a lost HEARTBEAT brought a burst of them, and with the
 * association error count (8.1) an idle association could end in a few
 * seconds. */
static void test_hb_spacing_after_miss(void)
{
    memset(&HB, 0, sizeof(HB));
    begin(50, false, tune_hb_5s);
    H.filter = drop_hbs_and_count;
    hb_drops_left = 0;
    connect_first();
    h_run(&H, NULL, 12 * S); /* two HEARTBEATs answered */
    unsigned before = HB.n;
    CU_ASSERT_TRUE_FATAL(before >= 2);
    /* Spaced by HB.interval + RTO +/- 50%, RTO at least 50 ms here. */
    CU_ASSERT_TRUE(HB.at[1] - HB.at[0] >= 5 * S + 25 * MS);
    hb_drops_left = 2;
    h_run(&H, NULL, 30 * S);
    CU_ASSERT_EQUAL(hb_drops_left, 0);
    CU_ASSERT_TRUE_FATAL(HB.n >= before + 3);
    /* The two lost ones and the one after: each HB.interval apart at
     * least (they went 50 and 100 ms apart before). */
    CU_ASSERT_TRUE(HB.at[before + 1] - HB.at[before] >= 5 * S);
    CU_ASSERT_TRUE(HB.at[before + 2] - HB.at[before + 1] >= 5 * S);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

static void tune_idle_multi(struct sctp_config *c)
{
    c->assoc_max_retrans = 3;
    c->path_max_retrans = 2;
}

/* RFC 9260 8.1: unanswered HEARTBEATs to an address other than the one
 * DATA goes to do not count against the association. Both of node 1's
 * addresses are given by the user (confirmed), the association is idle,
 * and node 1's second address is cut: it becomes unreachable, and the
 * association, whose primary answers, stays, its error count at 0 all
 * along. (It was lost within 2 s, its error count passing
 * Association.Max.Retrans 3 on the second address's misses alone, when
 * they also came once per RTO, 8.3.) */
static void test_idle_path_misses_spare_assoc(void)
{
    memset(&HB, 0, sizeof(HB));
    begin(51, true, tune_idle_multi);
    H.filter = record_hb;
    connect_both();
    h_run(&H, NULL, 3 * S);
    H.down[H.n_down++] = H.cfg[1].addrs[1];
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    /* The association's error count, looked at every 10 ms: the second
     * address's misses never add to it. */
    uint32_t max_errors = 0;
    for (unsigned i = 0; i < 6000 && !R.lost[0]; i++) {
        h_run(&H, NULL, 10 * MS);
        if (a->error_count > max_errors)
            max_errors = a->error_count;
    }
    CU_ASSERT_EQUAL(count_pev(SCTP_ADDR_UNREACHABLE, &H.cfg[1].addrs[1], NULL), 1);
    CU_ASSERT_EQUAL_FATAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_TRUE(a->paths[0].active);
    CU_ASSERT_EQUAL(max_errors, 0);
    /* And the cut address is still heartbeated, at the normal rate. */
    CU_ASSERT_TRUE(hbs_between(H.now - 20 * S, H.now, &H.cfg[1].addrs[1]) >= 5);
    finish();
}

static void tune_rto_max_60(struct sctp_config *c)
{
    c->rto_max = 60 * S; /* T5-shutdown-guard: 5 minutes */
}

/* RFC 9260 9.2, 8.3: once the SHUTDOWN is out, T2 watches the peer; no
 * HEARTBEAT goes, so the peer gets Association.Max.Retrans (10) SHUTDOWN
 * retransmissions before the association is given up (HEARTBEATs to the
 * silent peer spent that count, and the end came after 8 SHUTDOWNs). */
static void test_no_heartbeat_after_shutdown(void)
{
    memset(&HB, 0, sizeof(HB));
    begin(52, false, tune_rto_max_60);
    H.filter = drop_hbs_and_count;
    silence_1 = false;
    shutdowns_sent = 0;
    connect_first();
    h_run(&H, NULL, 200 * MS);
    silence_1 = true;
    sctp_tstamp t0 = H.now;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_shutdown(H.ep[0], R.assoc[0], H.now), 0);
    h_run(&H, NULL, 250 * S);
    silence_1 = false;
    CU_ASSERT_EQUAL(R.lost[0], 1);
    CU_ASSERT_EQUAL(hbs_between(t0, H.now, NULL), 0);
    CU_ASSERT_EQUAL(shutdowns_sent, 11);
    finish();
}

static void tune_pf_quiet(struct sctp_config *c)
{
    c->path_max_retrans = 5;
    c->pf_retrans = 1;
    c->assoc_max_retrans = 50;
    c->hb_interval = 10 * S;
}

/* RFC 7829: a potentially failed path is heartbeated at once and once
 * per RTO. A path turned PF while the black hole check's quiet HEARTBEAT
 * was out (large messages lost at a T3 expiry) was not probed until
 * HB.interval (10 s here): a primary back after 300 ms stayed PF, and
 * its traffic elsewhere, for 10 s. */
static void test_pf_probed_despite_quiet_heartbeat(void)
{
    begin(16, true, tune_pf_quiet);
    connect_both();
    h_run(&H, NULL, 500 * MS);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    H.down[H.n_down++] = H.cfg[1].addrs[0];
    static uint8_t big[1400];
    sctp_tstamp t_pf = 0;
    for (int i = 0; i < 300 && !(t_pf && H.now > t_pf + 300 * MS); i++) {
        CU_ASSERT_EQUAL(h_send(&H, 0, R.assoc[0], 0, 0, big, sizeof(big)), 1);
        h_run(&H, NULL, 20 * MS);
        if (!t_pf && a->paths[0].pf)
            t_pf = H.now;
    }
    CU_ASSERT_TRUE_FATAL(t_pf != 0);
    H.n_down = 0;
    sctp_tstamp back = H.now;
    for (int i = 0; i < 600 && a->paths[0].pf; i++) {
        CU_ASSERT_EQUAL(h_send(&H, 0, R.assoc[0], 0, 0, big, sizeof(big)), 1);
        h_run(&H, NULL, 20 * MS);
    }
    CU_ASSERT_FALSE(a->paths[0].pf);
    CU_ASSERT_TRUE(H.now - back < 2 * S);
    finish();
}

/* Packets node 1 sent to node 0's second address, and how many of them
 * held anything but HEARTBEAT or HEARTBEAT ACK chunks. */
static unsigned to_second_pkts, to_second_not_hb;
static int count_to_second(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    if (from == 1 && sctp_addr_equal(&h->pkt_dst, &h->cfg[0].addrs[1])) {
        size_t off = SCTP_COMMON_HDR_LEN;
        struct sctp_chunk c;
        bool other = false;
        while (sctp_chunk_next(p, len, &off, &c) == 1)
            other |= c.type != SCTP_CT_HEARTBEAT && c.type != SCTP_CT_HEARTBEAT_ACK;
        to_second_pkts++;
        to_second_not_hb += other;
    }
    return record(h, from, p, len);
}

static unsigned node1_confirmed(const struct sctp_addr *a)
{
    unsigned n = 0;
    for (unsigned i = 0; i < R.n_pev; i++)
        n += R.pev[i].node == 1 && R.pev[i].state == SCTP_ADDR_CONFIRMED &&
             sctp_addr_equal(&R.pev[i].addr, a);
    return n;
}

/* RFC 9260 5.4 (2): for the receiver of the COOKIE ECHO only the
 * address the INIT ACK went to is CONFIRMED. Node 0 (two addresses)
 * connects to node 1; node 1 took both of node 0's addresses for
 * confirmed, so its DATA could go to one nobody had verified. Now the
 * second is UNCONFIRMED at COMM_UP and confirmed by a HEARTBEAT; cut from
 * the start, it is never confirmed and node 1 sends it only HEARTBEATs,
 * also a message given with SCTP_ADDR_OVER to it. */
static void test_cookie_receiver_verifies_addresses(void)
{
    for (int cut = 0; cut < 2; cut++) {
        begin(53, true, NULL);
        H.filter = count_to_second;
        to_second_pkts = to_second_not_hb = 0;
        if (cut)
            H.down[H.n_down++] = H.cfg[0].addrs[1];
        uint32_t id;
        CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port,
                                                    4, NULL, NULL, &id, H.now),
                              0);
        CU_ASSERT_TRUE_FATAL(h_run(&H, both_up, 5 * S));
        struct sctp_assoc *b = sctp_ep_find_id(H.ep[1], R.assoc[1]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        struct sctp_path *p1 = sctp_assoc_path_of(b, &H.cfg[0].addrs[1]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p1);
        CU_ASSERT_TRUE(sctp_assoc_path_of(b, &H.cfg[0].addrs[0])->confirmed);
        CU_ASSERT_FALSE(p1->confirmed);
        uint8_t m[100] = {0};
        struct hbuf *hb = hbuf_new(m, sizeof(m));
        struct sctp_sndinfo si = {.sid = 0, .addr_over = H.cfg[0].addrs[1]};
        struct sctp_frag f = {.data = hb->data, .len = hb->len, .handle = hb};
        CU_ASSERT_EQUAL(sctp_endpoint_send(H.ep[1], R.assoc[1], &si, &f, H.now), 1);
        hbuf_unref(hb);
        h_run(&H, NULL, 3 * S);
        CU_ASSERT_EQUAL(node1_confirmed(&H.cfg[0].addrs[1]), cut ? 0 : 1);
        CU_ASSERT_EQUAL(p1->confirmed, !cut);
        CU_ASSERT_TRUE(to_second_pkts > 0);
        if (cut)
            CU_ASSERT_EQUAL(to_second_not_hb, 0);
        CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
        finish();
    }
}

/* RFC 9260 6.4.1: a message sent with SCTP_ADDR_OVER to an inactive
 * address goes to an active one. It went to the dead address first and
 * arrived only after T3 there (at its backed-off RTO), the later ordered
 * messages of its stream waiting behind it. */
static void test_addr_over_inactive(void)
{
    start_confirmed(54, tune_pmr1);
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0], *p1 = &H.cfg[1].addrs[1];
    H.down[H.n_down++] = *p1;
    h_run(&H, NULL, 15 * S);
    CU_ASSERT_EQUAL_FATAL(count_pev(SCTP_ADDR_UNREACHABLE, p1, NULL), 1);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    uint64_t t3 = a->t3_expiries;
    sctp_tstamp t0 = H.now;
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(send_msg(SCTP_ADDR_OVER, p1), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 100 * MS));
    CU_ASSERT_EQUAL(data_to(p1, t0, H.now), 0);
    CU_ASSERT_TRUE(data_to(p0, t0, H.now) >= 1);
    CU_ASSERT_EQUAL(a->t3_expiries, t3);
    CU_ASSERT_EQUAL(R.bad_order, 0);
    finish();
}

/* DATA from node 0 to node 1's second address: chunks whose TSN had
 * not been sent before (new), counted while node 0's primary path was
 * still active, and all chunks sent there. */
static struct {
    uint32_t highest;
    bool any;
    unsigned new_to_alt, to_alt;
} NA;

static int watch_new_to_alt(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    if (from == 0) {
        struct sctp_assoc *a = sctp_ep_find_id(h->ep[0], R.assoc[0]);
        bool alt = sctp_addr_equal(&h->pkt_dst, &h->cfg[1].addrs[1]);
        size_t off = SCTP_COMMON_HDR_LEN;
        struct sctp_chunk c;
        while (sctp_chunk_next(p, len, &off, &c) == 1) {
            if (c.type != SCTP_CT_DATA || c.value_len < 4)
                continue;
            uint32_t tsn = sctp_get32(c.value);
            bool is_new = !NA.any || sctp_tsn_gt(tsn, NA.highest);
            if (is_new) {
                NA.highest = tsn;
                NA.any = true;
            }
            NA.to_alt += alt;
            NA.new_to_alt += alt && is_new && a && a->paths[0].active;
        }
    }
    return record(h, from, p, len);
}

/* RFC 9260 6.4, 6.4.1: after a T3 expiry on the primary, the chunks go
 * again to the alternate, and new DATA goes on to the primary while it
 * is active (Path.Max.Retrans 5, no PF). New TSNs filled the rest of
 * the packets of retransmissions to the alternate. */
static void test_new_data_not_on_rtx_path(void)
{
    memset(&NA, 0, sizeof(NA));
    start_confirmed(55, NULL);
    H.filter = watch_new_to_alt;
    const struct sctp_addr *p0 = &H.cfg[1].addrs[0];
    H.down[H.n_down++] = *p0;
    for (int i = 0; i < 50; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        h_run(&H, NULL, 20 * MS);
    }
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE(a->t3_expiries >= 1);
    CU_ASSERT_TRUE(NA.to_alt > 0);
    CU_ASSERT_EQUAL(NA.new_to_alt, 0);
    H.n_down = 0;
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 10 * S));
    CU_ASSERT_EQUAL(R.bad_order, 0);
    finish();
}

/* DATA chunks from node 0: the largest length seen. */
static uint32_t max_data_chunk;
static int watch_chunk_sizes(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    while (from == 0 && sctp_chunk_next(p, len, &off, &c) == 1)
        if (c.type == SCTP_CT_DATA && c.length > max_data_chunk)
            max_data_chunk = c.length;
    return record(h, from, p, len);
}

/* RFC 9260 7.3: a message is cut to the association's PMTU, the smallest
 * of its paths', so that a chunk sent again to another path fits it. The
 * second path's MTU is 1000 bytes: a 4000-byte message goes to the
 * primary (1500) in chunks that fit 1000; they were cut to 1500. */
static void test_fragments_fit_every_path(void)
{
    start_confirmed(56, NULL);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a->paths[1].cc.mtu = 1000;
    max_data_chunk = 0;
    H.filter = watch_chunk_sizes;
    static uint8_t big[4000];
    sctp_put32(big, seq_out++);
    CU_ASSERT_EQUAL(h_send(&H, 0, R.assoc[0], 0, 0, big, sizeof(big)), 1);
    CU_ASSERT_TRUE(h_run(&H, all_delivered, 1 * S));
    CU_ASSERT_TRUE(max_data_chunk > 0);
    CU_ASSERT_TRUE(max_data_chunk <= 1000 - SCTP_COMMON_HDR_LEN);
    finish();
}

/* Reports of forward progress on node 0's paths (path_progress). */
static struct {
    unsigned n;
    struct sctp_addr src, dst;
    sctp_tstamp at;
} P;

static void on_progress(void *user, const struct sctp_addr *src, const struct sctp_addr *dst)
{
    const struct harness *h = user;
    P.n++;
    P.src = *src;
    P.dst = *dst;
    P.at = h->now;
}

static void tune_no_heartbeat(struct sctp_config *c)
{
    c->hb_interval = 600 * S; /* no HEARTBEAT but those asked for */
}

static bool sendq_empty(struct harness *h)
{
    uint32_t queued = 1;
    return sctp_assoc_get_sendq(h->ep[0], R.assoc[0], &queued, NULL) == 0 && queued == 0;
}

static bool hb_answered(struct harness *h)
{
    const struct sctp_assoc *a = sctp_ep_find_id(h->ep[0], R.assoc[0]);
    return a != NULL && !a->paths[0].hb_outstanding;
}

/* RFC 4861 7.3.1: forward progress on a path is reported to the layer
 * below (sctp_callbacks.path_progress: the neighbour the path leaves by
 * is reachable) for a SACK that acknowledges new DATA sent there, by the
 * cumulative TSN ack or by a gap block alone, and for a HEARTBEAT ACK;
 * not for a duplicate SACK; at most once per SCTP_PROGRESS_INTERVAL. */
static void test_progress_report(void)
{
    memset(&P, 0, sizeof(P));
    start(71, false, tune_no_heartbeat);
    H.ep[0]->cb.path_progress = on_progress;
    CU_ASSERT_EQUAL(P.n, 0);
    /* New DATA acknowledged: reported, with the path's addresses. */
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    CU_ASSERT_TRUE(h_run(&H, sendq_empty, 2 * S));
    CU_ASSERT_EQUAL(P.n, 1);
    CU_ASSERT_TRUE(sctp_addr_equal(&P.src, &H.cfg[0].addrs[0]));
    CU_ASSERT_TRUE(sctp_addr_equal(&P.dst, &H.cfg[1].addrs[0]));
    /* More within the interval: not reported again. */
    sctp_tstamp first = P.at;
    for (int i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
        CU_ASSERT_TRUE(h_run(&H, sendq_empty, 2 * S));
    }
    CU_ASSERT_TRUE(H.now - first < SCTP_PROGRESS_INTERVAL);
    CU_ASSERT_EQUAL(P.n, 1);

    /* After the interval, a duplicate SACK (nothing new acknowledged)
     * is not reported... */
    h_run(&H, NULL, SCTP_PROGRESS_INTERVAL);
    struct sctp_assoc_info info;
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_get_info(H.ep[0], R.assoc[0], &info), 0);
    uint32_t cum = info.cum_ack_in;
    inject_sack(cum, NULL, 0);
    inject_sack(cum, NULL, 0);
    CU_ASSERT_EQUAL(P.n, 1);
    /* ... new DATA acknowledged by a gap block alone is: of two
     * messages lost, the peer reports the second. */
    drop_data0 = true;
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    h_run(&H, NULL, 2 * MS);
    CU_ASSERT_EQUAL(send_msg(0, NULL), 1);
    h_run(&H, NULL, 2 * MS);
    drop_data0 = false;
    CU_ASSERT_EQUAL(P.n, 1);
    struct sctp_gap_block gap = {.start = 2, .end = 2};
    inject_sack(cum, &gap, 1);
    CU_ASSERT_EQUAL(P.n, 2);
    CU_ASSERT_EQUAL(P.at, H.now);
    CU_ASSERT_TRUE(h_run(&H, sendq_empty, 5 * S)); /* the first one again, after T3 */
    CU_ASSERT_EQUAL(P.n, 2);

    /* A HEARTBEAT answered, after the interval: reported; another one
     * answered at once: not. */
    h_run(&H, NULL, SCTP_PROGRESS_INTERVAL);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    sctp_assoc_heartbeat_now(a, &a->paths[0], H.now, false);
    CU_ASSERT_TRUE(h_run(&H, hb_answered, 1 * S));
    CU_ASSERT_EQUAL(P.n, 3);
    CU_ASSERT_TRUE(sctp_addr_equal(&P.dst, &H.cfg[1].addrs[0]));
    sctp_assoc_heartbeat_now(a, &a->paths[0], H.now, false);
    CU_ASSERT_TRUE(h_run(&H, hb_answered, 1 * S));
    CU_ASSERT_EQUAL(P.n, 3);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

TEST_SUITE_BEGIN(path)
TEST_CASE(test_failover_and_return)
TEST_CASE(test_all_paths_down)
TEST_CASE(test_pf_quick_failover)
TEST_CASE(test_primary_switchover)
TEST_CASE(test_pf_single_path_keeps_sending)
TEST_CASE(test_set_primary)
TEST_CASE(test_sack_to_data_source)
TEST_CASE(test_addr_over)
TEST_CASE(test_heartbeat_rtt)
TEST_CASE(test_no_data_to_unconfirmed)
TEST_CASE(test_user_addresses_confirmed)
TEST_CASE(test_init_to_second_address)
TEST_CASE(test_ssn_window_limit)
TEST_CASE(test_unconfirmed_probes_spare_assoc)
TEST_CASE(test_t3_restart_per_path)
TEST_CASE(test_ambiguous_ack_no_revival)
TEST_CASE(test_icmp_dest_unreachable)
TEST_CASE(test_forward_tsn_timer_path)
TEST_CASE(test_pr_abandoned_loss_on_other_path)
TEST_CASE(test_pr_abandoned_loss_timer_kept)
TEST_CASE(test_hb_max_burst)
TEST_CASE(test_hb_spacing_after_miss)
TEST_CASE(test_idle_path_misses_spare_assoc)
TEST_CASE(test_no_heartbeat_after_shutdown)
TEST_CASE(test_pf_probed_despite_quiet_heartbeat)
TEST_CASE(test_cookie_receiver_verifies_addresses)
TEST_CASE(test_addr_over_inactive)
TEST_CASE(test_new_data_not_on_rtx_path)
TEST_CASE(test_fragments_fit_every_path)
TEST_CASE(test_progress_report)
TEST_SUITE_END()

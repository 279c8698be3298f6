/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint behaviour between core endpoints over the in-memory link:
 * PR-SCTP, SENDALL, SACK policy, unknown and malformed chunks, stale
 * cookies, restarts, shutdown variants, zero window, SACK limits and the
 * send API's errors. Packets are read off the link with the codec, and
 * crafted ones are injected with a valid CRC32c and verification tag.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sctp_codec.h"
#include "sctp_crc32c.h"
#include "sctp_internal.h"
#include "suites.h"

#define MS SCTP_MS
#define S  SCTP_SEC
#define N  H_MAX_NODES

/* ---- what the link carried ---- */

struct pkt {
    int from;
    sctp_tstamp at;
    struct sctp_addr dst;
    uint32_t len;
    uint8_t *bytes;
};

static struct {
    struct pkt *p;
    unsigned n, cap;
} L;

static void log_pkt(int from, sctp_tstamp at, const struct sctp_addr *dst, const uint8_t *b,
                    uint32_t len)
{
    if (L.n == L.cap) {
        L.cap = L.cap ? 2 * L.cap : 1024;
        L.p = realloc(L.p, L.cap * sizeof(*L.p));
        if (!L.p)
            abort();
    }
    uint8_t *copy = malloc(len);
    if (!copy)
        abort();
    memcpy(copy, b, len);
    L.p[L.n++] = (struct pkt){.from = from, .at = at, .dst = *dst, .len = len, .bytes = copy};
}

static void log_clear(void)
{
    for (unsigned i = 0; i < L.n; i++)
        free(L.p[i].bytes);
    free(L.p);
    memset(&L, 0, sizeof(L));
}

/* The nth chunk of a type in a packet. */
static bool find_chunk(const struct pkt *p, uint8_t type, unsigned nth, struct sctp_chunk *out)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c = {0};
    while (sctp_chunk_next(p->bytes, p->len, &off, &c) == 1)
        if (c.type == type && nth-- == 0) {
            *out = c;
            return true;
        }
    return false;
}

/* The index of the first packet at or after start from a node holding a
 * chunk of the type, or -1. */
static int next_pkt(unsigned start, int from, uint8_t type)
{
    struct sctp_chunk c = {0};
    for (unsigned i = start; i < L.n; i++)
        if (L.p[i].from == from && find_chunk(&L.p[i], type, 0, &c))
            return (int)i;
    return -1;
}

/* The position of the first chunk of a type in a packet, or -1. */
static int chunk_pos(const struct pkt *p, uint8_t type)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c = {0};
    for (int i = 0; sctp_chunk_next(p->bytes, p->len, &off, &c) == 1; i++)
        if (c.type == type)
            return i;
    return -1;
}

static unsigned count_chunks(unsigned start, int from, uint8_t type)
{
    unsigned n = 0;
    struct sctp_chunk c = {0};
    for (unsigned i = start; i < L.n; i++)
        if (L.p[i].from == from)
            for (unsigned k = 0; find_chunk(&L.p[i], type, k, &c); k++)
                n++;
    return n;
}

/* DATA chunks from a node carrying a TSN. */
static unsigned count_tsn(int from, uint32_t tsn)
{
    unsigned n = 0;
    struct sctp_chunk c = {0};
    for (unsigned i = 0; i < L.n; i++)
        if (L.p[i].from == from)
            for (unsigned k = 0; find_chunk(&L.p[i], SCTP_CT_DATA, k, &c); k++)
                n += c.value_len >= 4 && sctp_get32(c.value) == tsn;
    return n;
}

/* ---- what the applications saw ---- */

static uint32_t fnv(uint32_t h, const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}
#define FNV_INIT 2166136261u

#define MAX_MSGS   4096
#define MAX_FAILED 4096

struct msg_rec {
    int node;
    uint32_t assoc;
    uint16_t sid, ssn;
    uint32_t len, seq;
    uint32_t ppid, flags;
    uint32_t hash; /* FNV-1a of the whole message */
    sctp_tstamp at;
};

struct failed_rec {
    int node;
    uint32_t context, flags, len, seq, nfrags, ppid;
    uint16_t sid;
    uint16_t error;
    uint8_t pr_policy;
};

static struct {
    uint32_t assoc[N];
    int up[N], lost[N], comp[N], restart[N], cant[N], shutdown_ev[N];
    uint32_t up_ids[N][4];
    uint16_t lost_error[N];
    uint8_t lost_info[N][64];
    uint16_t lost_info_len[N];
    unsigned msgs_at_shutdown_ev[N], msgs_at_comp[N], msgs_at_lost[N], msgs_at_restart[N];
    struct msg_rec msgs[MAX_MSGS];
    unsigned n_msgs, node_msgs[N];
    struct failed_rec failed[MAX_FAILED];
    unsigned n_failed;
    uint16_t rerr[N][16];
    unsigned n_rerr[N];
    /* A node that sends every message it receives back (-1: none), and
     * what it saw of the pieces' room. */
    int echo_node;
    unsigned echo_room_ok, echo_room_bad, echo_sent;
} R;

static struct harness H;

static void on_event(struct harness *h, int node, struct sctp_event *ev)
{
    switch (ev->type) {
    case SCTP_EV_ASSOC_CHANGE:
        switch (ev->u.assoc_change.state) {
        case SCTP_COMM_UP:
            if (R.up[node] < 4)
                R.up_ids[node][R.up[node]] = ev->assoc_id;
            R.up[node]++;
            R.assoc[node] = ev->assoc_id;
            break;
        case SCTP_COMM_LOST:
            R.lost[node]++;
            R.msgs_at_lost[node] = R.node_msgs[node];
            R.lost_error[node] = ev->u.assoc_change.error;
            R.lost_info_len[node] =
                ev->u.assoc_change.info_len < 64 ? ev->u.assoc_change.info_len : 64;
            if (ev->u.assoc_change.info)
                memcpy(R.lost_info[node], ev->u.assoc_change.info, R.lost_info_len[node]);
            break;
        case SCTP_SHUTDOWN_COMP:
            R.comp[node]++;
            R.msgs_at_comp[node] = R.node_msgs[node];
            break;
        case SCTP_RESTART:
            R.restart[node]++;
            R.msgs_at_restart[node] = R.node_msgs[node];
            R.assoc[node] = ev->assoc_id;
            break;
        case SCTP_CANT_STR_ASSOC:
            R.cant[node]++;
            break;
        }
        break;
    case SCTP_EV_SHUTDOWN:
        R.shutdown_ev[node]++;
        R.msgs_at_shutdown_ev[node] = R.node_msgs[node];
        break;
    case SCTP_EV_REMOTE_ERROR:
        if (R.n_rerr[node] < 16)
            R.rerr[node][R.n_rerr[node]++] = ev->u.remote_error.cause;
        break;
    case SCTP_EV_SEND_FAILED:
        if (R.n_failed < MAX_FAILED) {
            struct failed_rec *f = &R.failed[R.n_failed++];
            f->node = node;
            f->context = ev->u.send_failed.info.context;
            f->flags = ev->u.send_failed.flags;
            f->error = ev->u.send_failed.error;
            f->len = ev->u.send_failed.len;
            f->pr_policy = ev->u.send_failed.info.pr_policy;
            f->sid = ev->u.send_failed.info.sid;
            f->ppid = ev->u.send_failed.info.ppid;
            f->nfrags = ev->u.send_failed.nfrags;
            f->seq = ev->u.send_failed.nfrags && ev->u.send_failed.frags[0].len >= 4
                         ? sctp_get32(ev->u.send_failed.frags[0].data)
                         : ~0u;
        }
        break;
    case SCTP_EV_DATA:
        /* Polled out of the endpoint: a lone fragment is in this copy. */
        CU_ASSERT(ev->u.data.nfrags != 1 || ev->u.data.frags == &ev->u.data.frag);
        if (R.n_msgs < MAX_MSGS) {
            struct msg_rec *m = &R.msgs[R.n_msgs++];
            m->node = node;
            m->assoc = ev->assoc_id;
            m->sid = ev->u.data.sid;
            m->ssn = ev->u.data.ssn;
            m->ppid = ev->u.data.ppid;
            m->flags = ev->u.data.flags;
            m->len = ev->u.data.len;
            m->at = h->now;
            m->seq = ev->u.data.nfrags && ev->u.data.frags[0].len >= 4
                         ? sctp_get32(ev->u.data.frags[0].data)
                         : ~0u;
            m->hash = FNV_INIT;
            for (uint32_t i = 0; i < ev->u.data.nfrags; i++)
                m->hash = fnv(m->hash, ev->u.data.frags[i].data, ev->u.data.frags[i].len);
        }
        if (node == R.echo_node) {
            for (uint32_t i = 0; i < ev->u.data.nfrags; i++) {
                R.echo_room_ok += ev->u.data.frags[i].room == SCTP_HDR_ROOM;
                R.echo_room_bad += ev->u.data.frags[i].room != SCTP_HDR_ROOM;
            }
            struct sctp_sndinfo info = {.sid = ev->u.data.sid, .ppid = ev->u.data.ppid};
            R.echo_sent += sctp_endpoint_sendv(h->ep[node], ev->assoc_id, &info, ev->u.data.frags,
                                               ev->u.data.nfrags, h->now) == 1;
        }
        R.node_msgs[node]++;
        break;
    default:
        break;
    }
}

/* ---- the link ---- */

static int (*drop_fn)(struct harness *h, int from, const uint8_t *p, uint32_t len);

/* drop_fn that drops everything node drop_node sends. */
static int drop_node;
static int drop_from_node(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    (void)p;
    (void)len;
    return from == drop_node;
}

static int filter(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    log_pkt(from, h->now, &h->pkt_dst, p, len);
    return drop_fn ? !drop_fn(h, from, p, len) : 1;
}

static bool pkt_has(const uint8_t *p, uint32_t len, uint8_t type)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c = {0};
    while (sctp_chunk_next(p, len, &off, &c) == 1)
        if (c.type == type)
            return true;
    return false;
}

/* ---- set-up ---- */

static bool pair_up(struct harness *h)
{
    (void)h;
    return R.up[0] && R.up[1];
}

static void begin(unsigned nodes, uint64_t seed, void (*tune)(struct sctp_config *))
{
    memset(&R, 0, sizeof(R));
    R.echo_node = -1;
    log_clear();
    drop_fn = NULL;
    h_init_n(&H, nodes, seed, false, tune);
    H.on_event = on_event;
    H.filter = filter;
}

/* Node 0 associates with node 1 (ostreams streams) and both come up. */
static void start_pair(uint64_t seed, uint16_t ostreams, void (*tune)(struct sctp_config *))
{
    begin(2, seed, tune);
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port,
                                                ostreams, NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, pair_up, 5 * S));
    /* Let the COOKIE ACK land and the link go quiet. */
    h_run(&H, NULL, 10 * MS);
}

static void finish(void)
{
    h_fini(&H);
    log_clear();
    drop_fn = NULL;
    CU_ASSERT_EQUAL(hbuf_live, 0);
    hbuf_live = 0;
}

static struct sctp_assoc_info info_of(int node)
{
    struct sctp_assoc_info i;
    memset(&i, 0, sizeof(i));
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[node], R.assoc[node], &i), 0);
    /* The sender's cheap poll agrees with it, in every state it is read. */
    uint32_t queued = UINT32_MAX, outstanding = UINT32_MAX;
    CU_ASSERT_EQUAL(sctp_assoc_get_sendq(H.ep[node], R.assoc[node], &queued, &outstanding), 0);
    CU_ASSERT_EQUAL(queued, i.queued_bytes);
    CU_ASSERT_EQUAL(outstanding, i.outstanding_bytes);
    CU_ASSERT_EQUAL(sctp_assoc_get_sendq(H.ep[node], R.assoc[node], NULL, NULL), 0);
    CU_ASSERT_EQUAL(sctp_assoc_get_sendq(H.ep[node], 0, &queued, NULL), SCTP_ERR_NOTFOUND);
    return i;
}

/* Sends len bytes starting with seq from node over its association. */
static int send_full(int node, uint32_t assoc, uint32_t seq, uint32_t len,
                     const struct sctp_sndinfo *in)
{
    uint8_t *buf = calloc(1, len + 4);
    if (len >= 4)
        sctp_put32(buf, seq);
    struct hbuf *b = hbuf_new(buf, len);
    free(buf);
    struct sctp_sndinfo info = *in;
    struct sctp_frag f = {.data = b->data, .len = len, .handle = b};
    int r = sctp_endpoint_send(H.ep[node], assoc, &info, &f, H.now);
    hbuf_unref(b);
    return r;
}

static int send_msg(int node, uint32_t seq, uint32_t len, uint16_t flags)
{
    struct sctp_sndinfo info = {.sid = 0, .flags = flags};
    return send_full(node, R.assoc[node], seq, len, &info);
}

static int send_pr(int node, uint32_t seq, uint32_t len, uint8_t policy, uint32_t value,
                   uint32_t context)
{
    struct sctp_sndinfo info = {
        .sid = 0, .pr_policy = policy, .pr_value = value, .context = context};
    return send_full(node, R.assoc[node], seq, len, &info);
}

static unsigned want_msgs;
static int want_node = 1;
static bool got_msgs(struct harness *h)
{
    (void)h;
    return R.node_msgs[want_node] >= want_msgs;
}

static bool run_until_msgs(int node, unsigned n, sctp_tstamp max)
{
    want_node = node;
    want_msgs = n;
    return h_run(&H, got_msgs, max);
}

/* Messages a node received, in order of delivery: their sequence numbers. */
static unsigned seqs_of(int node, uint32_t *out, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < R.n_msgs && n < max; i++)
        if (R.msgs[i].node == node)
            out[n++] = R.msgs[i].seq;
    return n;
}

/* The first n messages node got are n, in order, from seq first. */
static void in_order(int node, unsigned n, uint32_t first)
{
    uint32_t got[64];
    CU_ASSERT_FATAL(n <= 64);
    CU_ASSERT_EQUAL_FATAL(seqs_of(node, got, n), n);
    for (uint32_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(got[i], first + i);
}

/* ---- crafted packets ---- */

static int inject(int to, int from, uint32_t vtag, const uint8_t *chunks, uint32_t clen)
{
    static uint8_t pkt[SCTP_COMMON_HDR_LEN + 65536];
    if (clen > sizeof(pkt) - SCTP_COMMON_HDR_LEN)
        return SCTP_ERR_INVAL;
    sctp_common_hdr_encode(pkt, sizeof(pkt), H.cfg[from].port, H.cfg[to].port, vtag);
    memcpy(pkt + SCTP_COMMON_HDR_LEN, chunks, clen);
    return h_input(&H, to, &H.cfg[from].addrs[0], pkt, SCTP_COMMON_HDR_LEN + clen, false);
}

static uint32_t put_data(uint8_t *p, uint8_t flags, uint32_t tsn, uint16_t sid, uint16_t ssn,
                         uint16_t len)
{
    sctp_data_hdr_encode(p, SCTP_DATA_HDR_LEN, flags, tsn, sid, ssn, 0, len);
    for (uint16_t i = 0; i < len; i++)
        p[SCTP_DATA_HDR_LEN + i] = (uint8_t)(0x40 + i);
    uint32_t n = SCTP_DATA_HDR_LEN + len;
    while (n % 4)
        p[n++] = 0;
    return n;
}

/* A SACK from node 1 to node 0 (gap blocks as offsets from cum). */
static void inject_sack(uint32_t cum, uint32_t a_rwnd, const struct sctp_gap_block *gaps,
                        uint16_t n_gaps)
{
    uint8_t chunk[256];
    int n = sctp_sack_encode(chunk, sizeof(chunk), cum, a_rwnd, gaps, n_gaps, NULL, 0);
    CU_ASSERT_TRUE_FATAL(n > 0);
    CU_ASSERT_EQUAL(inject(0, 1, info_of(0).local_vtag, chunk, (uint32_t)n), 0);
}

/* Takes what a node has to send without delivering it: logged only. */
static unsigned drain(int node)
{
    static struct sctp_tx_packet pkt;
    unsigned n = 0;
    while (sctp_endpoint_write_packet(H.ep[node], &pkt, H.now) == 1) {
        uint8_t buf[4096];
        uint32_t off = h_pkt_gather(&pkt, buf, sizeof(buf));
        log_pkt(node, H.now, &pkt.dst, buf, off);
        n++;
    }
    return n;
}

/* Drains what a node has to send and decodes the first SACK in it (c
 * keeps the chunk, which sack points into). */
static bool drain_sack(int node, struct sctp_chunk *c, struct sctp_sack_chunk *sack)
{
    unsigned k = L.n;
    drain(node);
    int i = next_pkt(k, node, SCTP_CT_SACK);
    return i >= 0 && find_chunk(&L.p[i], SCTP_CT_SACK, 0, c) && sctp_sack_decode(sack, c) > 0;
}

/* Events a node has queued, without the harness: counts DATA events. */
static unsigned poll_data_events(int node)
{
    struct sctp_event ev;
    unsigned n = 0;
    while (sctp_endpoint_poll_event(H.ep[node], &ev) == 1) {
        n += ev.type == SCTP_EV_DATA;
        sctp_event_release(H.ep[node], &ev);
    }
    return n;
}

/* The first FORWARD TSN node 0 sent at or after packet index start,
 * decoded into f (its stream entries point into the logged packet): the
 * packet's index, or -1. */
static int first_fwd(unsigned start, struct sctp_forward_tsn_chunk *f)
{
    int k = next_pkt(start, 0, SCTP_CT_FORWARD_TSN);
    struct sctp_chunk c = {0};
    if (k < 0 || !find_chunk(&L.p[k], SCTP_CT_FORWARD_TSN, 0, &c) ||
        sctp_forward_tsn_decode(f, &c) <= 0)
        return -1;
    return k;
}

/* ================= PR-SCTP (RFC 3758, RFC 7496) ================= */

static bool drop_data;
static int drop_data_from_0(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    return drop_data && from == 0 && pkt_has(p, len, SCTP_CT_DATA);
}

static bool failed_n(struct harness *h)
{
    (void)h;
    return R.n_failed >= want_msgs;
}

/* TTL: the messages expire while their DATA is lost; the user gets them
 * back with the context given, a FORWARD TSN moves the peer past them and
 * a later message on the same ordered stream is delivered. */
static void test_pr_ttl(void)
{
    start_pair(51, 1, NULL);
    struct sctp_assoc_info i0 = info_of(0);
    uint32_t tsn_a = i0.next_tsn;
    drop_data = true;
    drop_fn = drop_data_from_0;
    CU_ASSERT_EQUAL(send_pr(0, 100, 300, SCTP_PR_SCTP_TTL, 50, 0xA1), 1);
    CU_ASSERT_EQUAL(send_pr(0, 101, 300, SCTP_PR_SCTP_TTL, 50, 0xB2), 1);
    want_msgs = 2;
    CU_ASSERT_TRUE(h_run(&H, failed_n, 1 * S));
    CU_ASSERT_EQUAL_FATAL(R.n_failed, 2);
    CU_ASSERT_EQUAL(R.failed[0].context, 0xA1);
    CU_ASSERT_EQUAL(R.failed[1].context, 0xB2);
    CU_ASSERT_EQUAL(R.failed[0].seq, 100);
    CU_ASSERT_EQUAL(R.failed[1].seq, 101);
    CU_ASSERT_EQUAL(R.failed[0].flags, SCTP_SEND_FAILED_SENT);
    CU_ASSERT_EQUAL(R.failed[0].pr_policy, SCTP_PR_SCTP_TTL);
    CU_ASSERT_EQUAL(R.failed[0].len, 300);
    /* The message lived its 50 ms: abandoned at expiry, not before. */
    CU_ASSERT_EQUAL(count_tsn(0, tsn_a), 1);

    h_run(&H, NULL, 50 * MS);
    struct sctp_forward_tsn_chunk f;
    CU_ASSERT_TRUE_FATAL(first_fwd(0, &f) >= 0);
    CU_ASSERT_EQUAL(f.new_cum_tsn, tsn_a + 1);
    CU_ASSERT_EQUAL_FATAL(f.n_streams, 1);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 0).sid, 0);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 0).ssn, 1);
    /* The peer acknowledges up to the new cumulative TSN. */
    i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.cum_ack_in, tsn_a + 1);
    CU_ASSERT_EQUAL(i0.queued_bytes, 0);

    drop_data = false;
    CU_ASSERT_EQUAL(send_msg(0, 102, 300, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 2 * S));
    CU_ASSERT_EQUAL(R.node_msgs[1], 1);
    CU_ASSERT_EQUAL(R.msgs[0].seq, 102);
    CU_ASSERT_EQUAL(R.msgs[0].ssn, 2);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* A TTL message that never left (the peer's window is full) is failed as
 * unsent, and costs no TSN. */
static void test_pr_ttl_unsent(void)
{
    start_pair(52, 1, NULL);
    drop_data = true;
    drop_fn = drop_data_from_0;
    /* Fill cwnd (4404 bytes) with lost data, then queue behind it. */
    for (uint32_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1400, 0), 1);
    CU_ASSERT_EQUAL(send_pr(0, 9, 1400, SCTP_PR_SCTP_TTL, 20, 0xC3), 1);
    uint32_t next = info_of(0).next_tsn;
    h_step(&H);
    CU_ASSERT_EQUAL(info_of(0).next_tsn, next + 4);
    want_msgs = 1;
    CU_ASSERT_TRUE(h_run(&H, failed_n, 1 * S));
    CU_ASSERT_EQUAL_FATAL(R.n_failed, 1);
    CU_ASSERT_EQUAL(R.failed[0].context, 0xC3);
    CU_ASSERT_EQUAL(R.failed[0].flags, SCTP_SEND_FAILED_UNSENT);
    drop_data = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 4, 5 * S));
    h_run(&H, NULL, 500 * MS);
    CU_ASSERT_EQUAL(info_of(0).next_tsn, next + 4);
    CU_ASSERT_EQUAL(count_chunks(0, 0, SCTP_CT_FORWARD_TSN), 0);
    CU_ASSERT_EQUAL(R.node_msgs[1], 4);
    /* And the stream goes on: the next message is the fifth delivered. */
    CU_ASSERT_EQUAL(send_msg(0, 10, 100, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 5, 2 * S));
    finish();
}

/* RTX with value v: sent at most 1 + v times, then abandoned. */
static void pr_rtx(uint32_t value, uint64_t seed)
{
    start_pair(seed, 1, NULL);
    uint32_t tsn = info_of(0).next_tsn;
    drop_data = true;
    drop_fn = drop_data_from_0;
    CU_ASSERT_EQUAL(send_pr(0, 7, 200, SCTP_PR_SCTP_RTX, value, 0xD4), 1);
    want_msgs = 1;
    CU_ASSERT_TRUE(h_run(&H, failed_n, 20 * S));
    CU_ASSERT_EQUAL_FATAL(R.n_failed, 1);
    CU_ASSERT_EQUAL(R.failed[0].context, 0xD4);
    CU_ASSERT_EQUAL(R.failed[0].flags, SCTP_SEND_FAILED_SENT);
    drop_data = false;
    h_run(&H, NULL, 1 * S);
    CU_ASSERT_EQUAL(count_tsn(0, tsn), 1 + value);
    CU_ASSERT_TRUE(count_chunks(0, 0, SCTP_CT_FORWARD_TSN) >= 1);
    CU_ASSERT_EQUAL(info_of(0).cum_ack_in, tsn);
    CU_ASSERT_EQUAL(send_msg(0, 8, 200, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 2 * S));
    CU_ASSERT_EQUAL(R.msgs[0].seq, 8);
    finish();
}

static void test_pr_rtx_zero(void)
{
    pr_rtx(0, 53);
}

static void test_pr_rtx_two(void)
{
    pr_rtx(2, 54);
}

/* RTX 0 on a lossy link: every message either arrives or comes back to
 * the user, none is retransmitted, and ordered delivery goes on. */
static void test_pr_rtx_zero_lossy(void)
{
    start_pair(55, 1, NULL);
    H.loss = 200;
    uint32_t first = info_of(0).next_tsn;
    for (uint32_t i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(send_pr(0, i, 100, SCTP_PR_SCTP_RTX, 0, i), 1);
        h_run(&H, NULL, 5 * MS);
    }
    h_run(&H, NULL, 10 * S);
    H.loss = 0;
    h_run(&H, NULL, 10 * S);
    /* A message whose SACK was lost may be both delivered and reported
     * failed; none is neither. */
    CU_ASSERT_TRUE(R.node_msgs[1] + R.n_failed >= 100);
    CU_ASSERT_TRUE(R.n_failed > 0);
    CU_ASSERT_TRUE(R.node_msgs[1] > 0);
    uint32_t last = info_of(0).next_tsn;
    unsigned rtx = 0;
    for (uint32_t t = first; t != last; t++)
        rtx += count_tsn(0, t) > 1;
    CU_ASSERT_EQUAL(rtx, 0);
    /* Delivered once each, in order; every message missing was failed. */
    uint32_t got[100];
    unsigned n = seqs_of(1, got, 100);
    for (unsigned i = 1; i < n; i++)
        CU_ASSERT_TRUE(got[i] > got[i - 1]);
    for (uint32_t m = 0; m < 100; m++) {
        bool seen = false;
        for (unsigned j = 0; j < n; j++)
            seen |= got[j] == m;
        for (unsigned i = 0; i < R.n_failed; i++)
            seen |= R.failed[i].context == m;
        CU_ASSERT_TRUE(seen);
    }
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* TTL under heavy loss toward the receiver, over several ordered streams
 * and with fragmented messages: each message is delivered or reported
 * failed (a message whose SACK was lost may be both), ordered streams
 * stay in order, and reliable messages sent afterwards all arrive. */
static unsigned lossy_permille;
static int lose_data(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    return from == 0 && pkt_has(p, len, SCTP_CT_DATA) && h_rand(h) % 1000 < lossy_permille;
}

static void test_pr_ttl_lossy(void)
{
    enum { MSGS = 2000, AFTER = 300, SIDS = 4 };
    start_pair(73, SIDS, NULL);
    lossy_permille = 300;
    drop_fn = lose_data;
    for (uint32_t i = 0; i < MSGS; i++) {
        uint32_t len = 50 + (uint32_t)(h_rand(&H) % (i % 10 == 0 ? 4000 : 900));
        struct sctp_sndinfo info = {.sid = (uint16_t)(i % SIDS),
                                    .pr_policy = SCTP_PR_SCTP_TTL,
                                    .pr_value = 30,
                                    .context = i};
        int r = send_full(0, R.assoc[0], i, len, &info);
        if (r == SCTP_ERR_AGAIN) {
            h_step(&H);
            i--;
            continue;
        }
        CU_ASSERT_EQUAL_FATAL(r, 1);
        if (i % 8 == 0)
            h_run(&H, NULL, 1 * MS);
    }
    h_run(&H, NULL, 5 * S);
    lossy_permille = 50;
    for (uint32_t i = 0; i < AFTER; i++) {
        struct sctp_sndinfo info = {.sid = (uint16_t)(i % SIDS), .context = MSGS + i};
        CU_ASSERT_EQUAL(send_full(0, R.assoc[0], MSGS + i, 200, &info), 1);
        h_run(&H, NULL, 1 * MS);
    }
    h_run(&H, NULL, 20 * S);
    static uint8_t seen[MSGS + AFTER], failed[MSGS + AFTER];
    memset(seen, 0, sizeof(seen));
    memset(failed, 0, sizeof(failed));
    uint32_t last[SIDS];
    bool first[SIDS] = {true, true, true, true};
    unsigned disorder = 0;
    for (unsigned i = 0; i < R.n_msgs; i++) {
        const struct msg_rec *m = &R.msgs[i];
        if (m->node != 1 || m->seq >= MSGS + AFTER)
            continue;
        seen[m->seq]++;
        if (!first[m->sid] && m->seq <= last[m->sid])
            disorder++;
        first[m->sid] = false;
        last[m->sid] = m->seq;
    }
    for (unsigned i = 0; i < R.n_failed; i++)
        if (R.failed[i].context < MSGS + AFTER)
            failed[R.failed[i].context]++;
    unsigned unresolved = 0, dups = 0, after = 0;
    for (uint32_t i = 0; i < MSGS + AFTER; i++) {
        unresolved += !seen[i] && !failed[i];
        dups += seen[i] > 1;
        after += i >= MSGS && seen[i];
    }
    CU_ASSERT_EQUAL(unresolved, 0);
    CU_ASSERT_EQUAL(dups, 0);
    CU_ASSERT_EQUAL(disorder, 0);
    CU_ASSERT_EQUAL(after, AFTER);
    CU_ASSERT_TRUE(R.n_failed > 100);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.queued_bytes, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* BUF: queueing past the limit abandons the oldest unsent BUF message;
 * the stream is not left waiting for it. */
static void test_pr_buf(void)
{
    start_pair(56, 1, NULL);
    CU_ASSERT_EQUAL(send_pr(0, 1, 1000, SCTP_PR_SCTP_BUF, 2500, 0xE1), 1);
    CU_ASSERT_EQUAL(send_pr(0, 2, 1000, SCTP_PR_SCTP_BUF, 2500, 0xE2), 1);
    CU_ASSERT_EQUAL(R.n_failed, 0);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 2000);
    CU_ASSERT_EQUAL(send_pr(0, 3, 1000, SCTP_PR_SCTP_BUF, 2500, 0xE3), 1);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 2000);
    h_run(&H, NULL, 1 * MS);
    CU_ASSERT_EQUAL_FATAL(R.n_failed, 1);
    CU_ASSERT_EQUAL(R.failed[0].context, 0xE1);
    CU_ASSERT_EQUAL(R.failed[0].flags, SCTP_SEND_FAILED_UNSENT);
    CU_ASSERT_EQUAL(R.failed[0].pr_policy, SCTP_PR_SCTP_BUF);
    CU_ASSERT_TRUE(run_until_msgs(1, 2, 2 * S));
    uint32_t got[4];
    CU_ASSERT_EQUAL_FATAL(seqs_of(1, got, 4), 2);
    CU_ASSERT_EQUAL(got[0], 2);
    CU_ASSERT_EQUAL(got[1], 3);
    CU_ASSERT_EQUAL(count_chunks(0, 0, SCTP_CT_DATA), 2);
    finish();
}

/* RFC 3758 3.5 A1 / RFC 7496 4.2: a TTL message whose lifetime ran out
 * before it got a TSN is not sent, even when the packet is written before
 * the PR timer is handled: the user gets it back, unsent, with its data. */
static void test_pr_ttl_expired_before_send(void)
{
    start_pair(76, 1, NULL);
    uint32_t next = info_of(0).next_tsn;
    CU_ASSERT_EQUAL(send_pr(0, 77, 300, SCTP_PR_SCTP_TTL, 10, 0xF7), 1);
    /* Time passes with no timer handled, then node 0 writes. */
    H.now += 20 * MS;
    unsigned k = L.n;
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_DATA), 0);
    CU_ASSERT_EQUAL(info_of(0).next_tsn, next);
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL_FATAL(R.n_failed, 1);
    CU_ASSERT_EQUAL(R.failed[0].context, 0xF7);
    CU_ASSERT_EQUAL(R.failed[0].flags, SCTP_SEND_FAILED_UNSENT);
    CU_ASSERT_EQUAL(R.failed[0].len, 300);
    CU_ASSERT_EQUAL(R.failed[0].seq, 77);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_DATA), 0);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 0);
    /* The stream goes on. */
    CU_ASSERT_EQUAL(send_msg(0, 78, 100, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 2 * S));
    CU_ASSERT_EQUAL(R.msgs[0].seq, 78);
    CU_ASSERT_EQUAL(R.msgs[0].ssn, 0);
    finish();
}

/* RFC 3758 3.5 C4: a FORWARD TSN names the stream of every abandoned
 * ordered message. 200 streams need more than one 576-byte packet (134
 * entries fit): the first FORWARD TSN lists 134 streams and lowers the
 * new cumulative TSN to the last TSN it covers; the next one, after the
 * SACK, covers the rest. Every stream then delivers its next message. */
static bool first_cookie_dropped;
static int drop_first_cookie_echo(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (from == 0 && !first_cookie_dropped && pkt_has(p, len, SCTP_CT_COOKIE_ECHO)) {
        first_cookie_dropped = true;
        return 1;
    }
    return 0;
}

/* RFC 9260 7.2.4: in Fast Recovery, a SACK that moves the cumulative TSN
 * counts a miss indication for every TSN it reports missing, not only
 * for those below the highest TSN it newly acknowledges. TSNs t0 and
 * t0 + 2 of five are lost; three SACKs retransmit t0 fast (Fast
 * Recovery); the SACK for its retransmission acknowledges nothing new
 * above t0 + 2, and gives it its third miss: it goes again at once (it
 * waited for T3 before). */
static void test_fast_recovery_counts_all_missing(void)
{
    start_pair(75, 1, NULL);
    drop_data = true;
    drop_fn = drop_data_from_0;
    uint32_t t0 = info_of(0).next_tsn;
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 100, 0), 1);
    drain(0);
    /* Gap blocks are offsets from the cumulative TSN t0 - 1. */
    struct sctp_gap_block g1[1] = {{2, 2}}, g2[2] = {{2, 2}, {4, 4}}, g3[2] = {{2, 2}, {4, 5}};
    inject_sack(t0 - 1, 1u << 20, g1, 1);
    drain(0);
    inject_sack(t0 - 1, 1u << 20, g2, 2);
    drain(0);
    inject_sack(t0 - 1, 1u << 20, g3, 2);
    drain(0);
    CU_ASSERT_EQUAL_FATAL(info_of(0).fast_retransmissions, 1);
    CU_ASSERT_EQUAL(count_tsn(0, t0), 2);
    CU_ASSERT_EQUAL(count_tsn(0, t0 + 2), 1);
    /* t0's retransmission arrived: cumulative TSN t0 + 1, t0 + 3 and
     * t0 + 4 acknowledged again (offsets from t0 + 1). */
    struct sctp_gap_block g4[1] = {{2, 3}};
    inject_sack(t0 + 1, 1u << 20, g4, 1);
    drain(0);
    CU_ASSERT_EQUAL(info_of(0).fast_retransmissions, 2);
    CU_ASSERT_EQUAL(count_tsn(0, t0 + 2), 2);
    finish();
}

/* Slow start of node 0's path, fed 1000-byte messages whose DATA is
 * taken (not delivered) and acknowledged whole by injected SACKs, until
 * cwnd reaches target. Returns the next message's sequence number. */
static uint32_t grow_cwnd(uint32_t target)
{
    uint32_t seq = 0;
    for (int round = 0; round < 80 && info_of(0).paths[0].cwnd < target; round++) {
        while (seq < 100000 && info_of(0).queued_bytes < 60000 && send_msg(0, seq, 1000, 0) == 1)
            seq++;
        drain(0);
        inject_sack(info_of(0).next_tsn - 1, 1u << 20, NULL, 0);
    }
    return seq;
}

/* RFC 9260 7.2.4, the note to (2): when the SACK that starts a fast
 * retransmit also acknowledges new data and moves the cumulative TSN,
 * the cwnd growth of 7.2.1 comes first, then ssthresh = cwnd / 2. With
 * cwnd fully used in slow start, the SACK grows cwnd by an MTU before it
 * is halved (it was halved first, and the growth lost). */
static void test_fast_retransmit_after_growth(void)
{
    start_pair(76, 1, NULL);
    uint32_t seq = grow_cwnd(20000);
    while (info_of(0).queued_bytes < 60000 && send_msg(0, seq, 1000, 0) == 1)
        seq++;
    drain(0);
    struct sctp_assoc_info i0 = info_of(0);
    uint32_t base = i0.cum_ack_in + 1;
    struct sctp_gap_block g1[2] = {{2, 2}, {4, 4}}, g2[2] = {{2, 2}, {4, 5}};
    inject_sack(base - 1, 1u << 20, g1, 2);
    drain(0);
    inject_sack(base - 1, 1u << 20, g2, 2);
    drain(0);
    i0 = info_of(0);
    uint32_t cw = i0.paths[0].cwnd, mtu = i0.paths[0].mtu;
    CU_ASSERT_TRUE_FATAL(i0.paths[0].flight >= cw);
    CU_ASSERT_TRUE_FATAL(cw <= i0.paths[0].ssthresh); /* slow start */
    CU_ASSERT_TRUE_FATAL(cw / 2 > 4 * mtu);
    CU_ASSERT_EQUAL_FATAL(i0.fast_retransmissions, 0);
    /* base arrives: cumulative TSN base + 1, base + 3 .. base + 5 acked,
     * the third miss for base + 2. */
    struct sctp_gap_block g3[1] = {{2, 4}};
    inject_sack(base + 1, 1u << 20, g3, 1);
    i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.fast_retransmissions, 1);
    CU_ASSERT_TRUE(i0.paths[0].ssthresh > cw / 2);
    CU_ASSERT_TRUE(i0.paths[0].ssthresh <= (cw + mtu) / 2);
    finish();
}

/* RFC 9260 6.1 A and C: the peer's window limits new DATA; what is
 * marked for retransmission waits for cwnd only. In Fast Recovery a
 * second lost chunk is marked while the peer, its buffer full of DATA
 * above the holes, advertises a window of 0: it goes at once (it waited
 * until the first retransmission was acknowledged, a round trip). And
 * the window a marked chunk gives back (6.2.1 C) is what the peer
 * advertised less what is outstanding: 0 here, so no new DATA goes. */
static void test_retransmission_ignores_zero_window(void)
{
    start_pair(77, 1, NULL);
    uint32_t seq = grow_cwnd(16000);
    for (int k = 0; k < 20 && info_of(0).queued_bytes; k++) {
        drain(0);
        inject_sack(info_of(0).next_tsn - 1, 1u << 20, NULL, 0);
    }
    uint32_t base = info_of(0).next_tsn;
    for (int i = 0; i < 14; i++)
        CU_ASSERT_EQUAL(send_msg(0, seq++, 1000, 0), 1);
    drain(0);
    /* base lost: three SACKs start Fast Recovery and send it again. */
    for (uint16_t e = 2; e <= 4; e++) {
        struct sctp_gap_block g = {2, e};
        inject_sack(base - 1, 100000, &g, 1);
    }
    drain(0);
    CU_ASSERT_EQUAL_FATAL(info_of(0).fast_retransmissions, 1);
    CU_ASSERT_EQUAL(count_tsn(0, base), 2);
    /* base + 4 lost too; three more SACKs with a window of 0 mark it. */
    for (uint16_t e = 6; e <= 8; e++) {
        struct sctp_gap_block g[2] = {{2, 4}, {6, (uint16_t)(e + 6)}};
        inject_sack(base - 1, 0, g, 2);
    }
    uint32_t next = info_of(0).next_tsn;
    drain(0);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.fast_retransmissions, 2);
    CU_ASSERT_EQUAL(count_tsn(0, base + 4), 2);
    CU_ASSERT_EQUAL(i0.peer_rwnd, 0);
    CU_ASSERT_EQUAL(i0.next_tsn, next); /* no new DATA into the closed window */
    finish();
}

/* A window that shrank below a packet but still takes DATA is no
 * closed window: when it grows again, DATA still in flight is not taken
 * for dropped (window_reopened), and not sent again. It was, with a cut
 * of cwnd and Fast Recovery, on a window of 1400 bytes. A window of 0
 * still does that. */
static void test_small_window_is_not_closed(void)
{
    for (int shut = 0; shut < 2; shut++) {
        start_pair(78, 1, NULL);
        uint32_t t0 = info_of(0).next_tsn;
        for (uint32_t i = 0; i < 3; i++)
            CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
        drain(0);
        inject_sack(t0, shut ? 0 : 1400, NULL, 0);
        drain(0);
        inject_sack(t0 + 1, 3000, NULL, 0);
        drain(0);
        struct sctp_assoc_info i0 = info_of(0);
        CU_ASSERT_EQUAL(i0.reopen_retransmissions, shut ? 1 : 0);
        CU_ASSERT_EQUAL(count_tsn(0, t0 + 2), shut ? 2 : 1);
        finish();
    }
}

/* Drops every packet, both ways. */
static int drop_all(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    (void)from;
    (void)p;
    (void)len;
    return 1;
}

/* RFC 3758 3.5 F5: "If the decision to 'abandon' a chunk is made, no
 * matter how such a decision is made, the appropriate congestion
 * adjustment MUST be made as specified in RFC 2960 if the chunk would
 * have been marked for retransmission later (e.g., either by T3-Timeout
 * or by Fast Retransmit)." A message with a 20 ms lifetime is lost, and
 * abandoned while in flight, before the SACKs for the DATA behind it
 * arrive; their three miss indications would have marked it for fast
 * retransmission: cwnd and ssthresh are cut as 7.2.4 (2) says, though
 * nothing is sent again. With the lost chunk's lifetime long enough, the
 * same SACKs retransmit it fast, with the same cut. */
static void test_pr_abandoned_in_flight_loss(void)
{
    for (int abandoned = 0; abandoned < 2; abandoned++) {
        start_pair(95, 1, NULL);
        uint32_t seq = grow_cwnd(20000);
        for (int k = 0; k < 20 && info_of(0).queued_bytes; k++) {
            drain(0);
            inject_sack(info_of(0).next_tsn - 1, 1u << 20, NULL, 0);
        }
        struct sctp_assoc_info i0 = info_of(0);
        CU_ASSERT_EQUAL_FATAL(i0.outstanding_bytes, 0);
        uint32_t t0 = i0.next_tsn;
        CU_ASSERT_EQUAL(send_pr(0, seq++, 1000, SCTP_PR_SCTP_TTL, abandoned ? 20 : 5000, 0xF5), 1);
        for (int i = 0; i < 5; i++)
            CU_ASSERT_EQUAL(send_msg(0, seq++, 1000, 0), 1);
        drain(0); /* all of it lost on the way, or late */
        CU_ASSERT_EQUAL_FATAL(info_of(0).next_tsn, t0 + 6);
        /* The lifetime ends with the chunk in flight, before T3. */
        drop_fn = drop_all;
        h_run(&H, NULL, 25 * MS);
        drop_fn = NULL;
        i0 = info_of(0);
        CU_ASSERT_EQUAL(R.n_failed, abandoned ? 1 : 0);
        CU_ASSERT_EQUAL(i0.t3_expiries, 0);
        CU_ASSERT_EQUAL(i0.outstanding_bytes, abandoned ? 5000 : 6000);
        uint32_t cwnd = i0.paths[0].cwnd, mtu = i0.paths[0].mtu;
        CU_ASSERT_TRUE_FATAL(cwnd >= 20000);
        /* t0 + 1 .. t0 + 3 arrive: three SACKs report t0 missing. */
        for (uint16_t e = 2; e <= 4; e++) {
            struct sctp_gap_block g = {2, e};
            inject_sack(t0 - 1, 1u << 20, &g, 1);
            drain(0);
        }
        i0 = info_of(0);
        uint32_t ssthresh = cwnd / 2 > 4 * mtu ? cwnd / 2 : 4 * mtu;
        CU_ASSERT_EQUAL(i0.paths[0].ssthresh, ssthresh);
        CU_ASSERT_EQUAL(i0.paths[0].cwnd, ssthresh);
        CU_ASSERT_EQUAL(i0.fast_retransmissions, abandoned ? 0 : 1);
        CU_ASSERT_EQUAL(count_tsn(0, t0), abandoned ? 1 : 2);
        /* The rest flows: the peer skips the abandoned message. */
        CU_ASSERT_TRUE(run_until_msgs(1, abandoned ? 5 : 6, 10 * S));
        CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
        finish();
    }
}

/* RFC 3758 3.5 A3: abandoning a message part of which is on the wire
 * queues one more TSN for its unsent rest. When the send ring is full
 * that moves it (sctp_sendq_grow), under the SACK handler that is
 * counting miss indications with a pointer into it. K one-chunk messages
 * and one of 40,000 bytes under the RTX policy (no retransmission); all
 * DATA is lost; three SACKs report fragments above the first one of the
 * large message, whose third miss indication abandons it. One of the K
 * tried fills the ring just then (asserted); the ASan build of this test
 * read freed memory before the fix. Every message but the large one
 * still arrives, in order. */
static void test_pr_abandon_grows_ring(void)
{
    bool ring_was_full = false;
    for (unsigned k = 0; k < 24; k++) {
        start_pair(70 + k, 1, NULL);
        struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        unsigned K = a->q.cap - 24 + k;
        uint32_t t0 = a->next_tsn, f1 = t0 + K;
        drop_data = true;
        drop_fn = drop_data_from_0;
        for (unsigned i = 0; i < K; i++)
            CU_ASSERT_EQUAL_FATAL(send_msg(0, i, 4, 0), 1);
        CU_ASSERT_EQUAL_FATAL(send_pr(0, 0xB16, 40000, SCTP_PR_SCTP_RTX, 0, 0xB16), 1);
        drain(0);
        for (uint16_t j = 1; j <= 3; j++) {
            struct sctp_gap_block g = {.start = (uint16_t)(f1 + 1 - (t0 - 1)),
                                       .end = (uint16_t)(f1 + j - (t0 - 1))};
            a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
            if (j == 3 && a->q.count == a->q.cap)
                ring_was_full = true;
            inject_sack(t0 - 1, 1u << 20, &g, 1);
            drain(0);
        }
        drop_data = false;
        want_msgs = K;
        want_node = 1;
        CU_ASSERT_TRUE(run_until_msgs(1, K, 60 * S));
        CU_ASSERT_EQUAL(R.node_msgs[1], K);
        in_order(1, K, 0);
        CU_ASSERT_EQUAL(R.n_failed, 1);
        CU_ASSERT_EQUAL(R.failed[0].context, 0xB16);
        CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
        finish();
    }
    CU_ASSERT_TRUE(ring_was_full);
}

/* RFC 9260 5.1 C: until the COOKIE ACK, DATA goes with the COOKIE ECHO
 * and nothing else goes. A first message with a 100 ms lifetime rides on
 * the COOKIE ECHO, which is lost; the message expires before T1-cookie
 * sends the COOKIE ECHO again. Its FORWARD TSN waits for the COOKIE ACK:
 * sent alone before it, the peer (without an association yet) answered
 * it with an ABORT and the association was lost. */
static void test_pr_no_forward_tsn_before_cookie_ack(void)
{
    begin(2, 71, NULL);
    H.latency = 5 * MS;
    drop_fn = drop_first_cookie_echo;
    first_cookie_dropped = false;
    uint8_t buf[200] = {0};
    struct hbuf *b = hbuf_new(buf, sizeof(buf));
    struct sctp_frag f = {.data = b->data, .len = b->len, .handle = b};
    struct sctp_sndinfo si = {.sid = 0, .pr_policy = SCTP_PR_SCTP_TTL, .pr_value = 100};
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 4,
                                                &si, &f, &id, H.now),
                          0);
    hbuf_unref(b);
    h_run(&H, NULL, 5 * S);
    CU_ASSERT_TRUE(first_cookie_dropped);
    CU_ASSERT_EQUAL(R.up[0], 1);
    CU_ASSERT_EQUAL(R.up[1], 1);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_EQUAL(count_chunks(0, 1, SCTP_CT_ABORT), 0);
    int ack = next_pkt(0, 1, SCTP_CT_COOKIE_ACK);
    int fwd = next_pkt(0, 0, SCTP_CT_FORWARD_TSN);
    CU_ASSERT_TRUE_FATAL(ack >= 0 && fwd >= 0);
    CU_ASSERT_TRUE(fwd > ack);
    CU_ASSERT_EQUAL(R.n_failed, 1);
    CU_ASSERT_EQUAL(R.node_msgs[1], 0);
    /* The peer moved past the message. */
    CU_ASSERT_EQUAL(info_of(0).cum_ack_in, info_of(0).next_tsn - 1);
    finish();
}

static void tune_slow_hb(struct sctp_config *c)
{
    c->rto_initial = c->rto_min = 1 * S;
    c->rto_max = 60 * S;
    c->hb_interval = 30 * S;
    c->assoc_max_retrans = 10;
}

/* RFC 9260 8.1, 8.2 with RFC 3758 A5: the peer is gone, and every
 * message (100 ms to live, one every 2 s) expires before its
 * retransmission, so that what T3-rtx waits for is a FORWARD TSN, never
 * DATA, and new DATA keeps the path from being heartbeated. Those T3
 * expiries counted no error: the association stayed up for good, every
 * message failing. Now Association.Max.Retrans (10) of them end it. */
static void test_pr_dead_peer_forward_tsn(void)
{
    start_pair(72, 1, tune_slow_hb);
    H.down[H.n_down++] = H.cfg[1].addrs[0];
    sctp_tstamp t0 = H.now;
    for (unsigned i = 0; i < 1800 && !R.lost[0]; i++) {
        send_pr(0, i, 200, SCTP_PR_SCTP_TTL, 100, i);
        h_run(&H, NULL, 2 * S);
    }
    CU_ASSERT_EQUAL(R.lost[0], 1);
    /* RTOs of 1, 2, 4, ... 60 s: about 10 expiries in well under an hour. */
    CU_ASSERT_TRUE(H.now - t0 < 1200 * S);
    finish();
}

/* The peer comes back after four such T3 expiries, but its DATA is
 * still lost: only the FORWARD TSNs get through. One it takes clears the
 * association's and the path's error counts, as an acknowledged DATA
 * chunk would (without that, those errors stayed until a DATA chunk got
 * through, and the next outage ended the association early). */
static void test_pr_forward_tsn_clears_errors(void)
{
    start_pair(73, 1, tune_slow_hb);
    H.down[H.n_down++] = H.cfg[1].addrs[0];
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    unsigned i = 0;
    for (; i < 600 && a->error_count < 4; i++) {
        send_pr(0, i, 200, SCTP_PR_SCTP_TTL, 100, i);
        h_run(&H, NULL, 2 * S);
    }
    CU_ASSERT_EQUAL_FATAL(a->error_count, 4);
    CU_ASSERT_EQUAL(a->paths[0].error_count, 4);
    H.n_down = 0;
    drop_data = true;
    drop_fn = drop_data_from_0;
    for (unsigned n = 0; n < 60 && a->cum_ack_in != a->next_tsn - 1; n++) {
        send_pr(0, i, 200, SCTP_PR_SCTP_TTL, 100, i);
        i++;
        h_run(&H, NULL, 2 * S);
    }
    h_run(&H, NULL, 2 * S);
    CU_ASSERT_TRUE(count_chunks(0, 1, SCTP_CT_SACK) > 0);
    CU_ASSERT_EQUAL(a->error_count, 0);
    CU_ASSERT_EQUAL(a->paths[0].error_count, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_EQUAL(R.node_msgs[1], 0);
    finish();
}

/* RFC 3758 3.5 A5: a T3-rtx expiry sends an unanswered FORWARD TSN
 * again with the retransmissions. Message A (10 ms to live) and its
 * FORWARD TSN are lost, then message B's DATA; at the T3 expiry B goes
 * again and the FORWARD TSN with it, not a round trip later when the
 * SACK that B draws shows the peer still short of A. */
static bool drop_first_fwd_done;
static int drop_data_and_first_fwd(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (from != 0)
        return 0;
    if (drop_data && pkt_has(p, len, SCTP_CT_DATA))
        return 1;
    if (!drop_first_fwd_done && pkt_has(p, len, SCTP_CT_FORWARD_TSN)) {
        drop_first_fwd_done = true;
        return 1;
    }
    return 0;
}

static void test_pr_forward_tsn_resent_at_t3(void)
{
    start_pair(74, 1, NULL);
    drop_data = true;
    drop_first_fwd_done = false;
    drop_fn = drop_data_and_first_fwd;
    uint32_t tsn_a = info_of(0).next_tsn, tsn_b = tsn_a + 1;
    CU_ASSERT_EQUAL(send_pr(0, 1, 200, SCTP_PR_SCTP_TTL, 10, 1), 1);
    h_run(&H, NULL, 20 * MS); /* A expired, its FORWARD TSN lost */
    CU_ASSERT_TRUE(drop_first_fwd_done);
    CU_ASSERT_EQUAL(send_msg(0, 2, 200, 0), 1);
    h_run(&H, NULL, 1 * MS); /* B's DATA lost */
    drop_data = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 2 * S));
    CU_ASSERT_EQUAL(R.node_msgs[1], 1);
    CU_ASSERT_EQUAL(R.msgs[0].seq, 2);
    /* The time B went again, and the time the second FORWARD TSN went. */
    sctp_tstamp b_again = 0, fwd_again = 0;
    unsigned b_sent = 0, fwd_sent = 0;
    struct sctp_chunk c = {0};
    for (unsigned i = 0; i < L.n; i++) {
        if (L.p[i].from != 0)
            continue;
        for (unsigned k = 0; find_chunk(&L.p[i], SCTP_CT_DATA, k, &c); k++)
            if (c.value_len >= 4 && sctp_get32(c.value) == tsn_b && ++b_sent == 2)
                b_again = L.p[i].at;
        if (find_chunk(&L.p[i], SCTP_CT_FORWARD_TSN, 0, &c) && ++fwd_sent == 2)
            fwd_again = L.p[i].at;
    }
    CU_ASSERT_EQUAL_FATAL(b_sent, 2);
    CU_ASSERT_TRUE_FATAL(fwd_sent >= 2);
    CU_ASSERT_EQUAL(fwd_again, b_again);
    h_run(&H, NULL, 100 * MS);
    CU_ASSERT_EQUAL(info_of(0).cum_ack_in, tsn_b);
    finish();
}

static void tune_fwd_streams(struct sctp_config *c)
{
    c->pmtu = 576;
    c->max_instreams = 256;
}

static void test_pr_forward_tsn_many_streams(void)
{
    enum { SIDS = 200, FIT = (576 - 20 - 12 - 8) / 4 };
    start_pair(77, SIDS, tune_fwd_streams);
    CU_ASSERT_EQUAL_FATAL(info_of(1).istreams, SIDS);
    uint32_t first = info_of(0).next_tsn;
    drop_data = true;
    drop_fn = drop_data_from_0;
    for (uint32_t i = 0; i < SIDS; i++) {
        struct sctp_sndinfo info = {
            .sid = (uint16_t)i, .pr_policy = SCTP_PR_SCTP_TTL, .pr_value = 50, .context = i};
        CU_ASSERT_EQUAL_FATAL(send_full(0, R.assoc[0], i, 4, &info), 1);
    }
    h_step(&H);
    /* All went out at once, one TSN each, and were lost. */
    CU_ASSERT_EQUAL_FATAL(info_of(0).next_tsn, first + SIDS);
    want_msgs = SIDS;
    CU_ASSERT_TRUE(h_run(&H, failed_n, 1 * S));
    h_run(&H, NULL, 100 * MS);
    struct sctp_forward_tsn_chunk f;
    int k = first_fwd(0, &f);
    CU_ASSERT_TRUE_FATAL(k >= 0);
    CU_ASSERT_TRUE(L.p[k].len <= 576 - 20);
    CU_ASSERT_EQUAL(f.n_streams, FIT);
    CU_ASSERT_EQUAL(f.new_cum_tsn, first + FIT - 1);
    for (unsigned i = 0; i < f.n_streams; i++) {
        CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, i).sid, i);
        CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, i).ssn, 0);
    }
    k = first_fwd((unsigned)k + 1, &f);
    CU_ASSERT_TRUE_FATAL(k >= 0);
    CU_ASSERT_EQUAL(f.n_streams, SIDS - FIT);
    CU_ASSERT_EQUAL(f.new_cum_tsn, first + SIDS - 1);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 0).sid, FIT);
    CU_ASSERT_EQUAL(info_of(0).cum_ack_in, first + SIDS - 1);

    drop_data = false;
    for (uint32_t i = 0; i < SIDS; i++) {
        struct sctp_sndinfo info = {.sid = (uint16_t)i, .context = 1000 + i};
        CU_ASSERT_EQUAL_FATAL(send_full(0, R.assoc[0], 1000 + i, 4, &info), 1);
    }
    CU_ASSERT_TRUE(run_until_msgs(1, SIDS, 5 * S));
    CU_ASSERT_EQUAL(R.node_msgs[1], SIDS);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* RFC 3758 3.6: the receiver examines every stream a FORWARD TSN lists,
 * not only the first ones: a message held on stream 75 behind a skipped
 * SSN goes up when stream 75 is the 71st entry. */
static void tune_instreams(struct sctp_config *c)
{
    c->max_instreams = 128;
}

static void test_forward_tsn_all_streams(void)
{
    start_pair(78, 80, tune_instreams);
    CU_ASSERT_EQUAL_FATAL(info_of(1).istreams, 80);
    uint32_t base = info_of(0).next_tsn; /* node 1 waits for this TSN */
    uint32_t vtag = info_of(1).local_vtag;
    uint8_t chunk[1024];
    /* SSN 1 of stream 75 arrives; SSN 0 (TSN base) never will. */
    uint32_t n = put_data(chunk, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, base + 1, 75, 1, 8);
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, n), 0);
    drain(1);
    CU_ASSERT_EQUAL(poll_data_events(1), 0);
    struct sctp_fwd_stream st[71];
    for (uint16_t i = 0; i < 70; i++)
        st[i] = (struct sctp_fwd_stream){.sid = i, .ssn = 0};
    st[70] = (struct sctp_fwd_stream){.sid = 75, .ssn = 0};
    int fl = sctp_forward_tsn_encode(chunk, sizeof(chunk), base, st, 71);
    CU_ASSERT_TRUE_FATAL(fl > 0);
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, (uint32_t)fl), 0);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base + 1);
    CU_ASSERT_EQUAL(poll_data_events(1), 1);
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    finish();
}

static void tune_small_window(struct sctp_config *c)
{
    c->tsn_window = 64;
}

/* A FORWARD TSN whose New Cumulative TSN lies beyond the TSN map's window
 * moves the receiver as far as the window reaches (each SACK shows the
 * progress), instead of being refused whole: the peer's next ones take it
 * the rest of the way, and the listed stream skips apply. */
static void test_forward_tsn_beyond_window(void)
{
    start_pair(79, 1, tune_small_window);
    struct sctp_assoc *a1 = sctp_ep_find_id(H.ep[1], R.assoc[1]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a1);
    uint32_t window = a1->map.window;
    CU_ASSERT_EQUAL_FATAL(window, 64);
    uint32_t base = info_of(0).next_tsn; /* node 1 waits for this TSN */
    uint32_t vtag = info_of(1).local_vtag;
    uint32_t target = base - 1 + 2 * window + 10;
    uint8_t chunk[64];
    struct sctp_fwd_stream st = {.sid = 0, .ssn = 4};
    int fl = sctp_forward_tsn_encode(chunk, sizeof(chunk), target, &st, 1);
    CU_ASSERT_TRUE_FATAL(fl > 0);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    uint32_t want[] = {base - 1 + window, base - 1 + 2 * window, target};
    for (unsigned i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, (uint32_t)fl), 0);
        CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
        CU_ASSERT_EQUAL(sack.cum_tsn, want[i]);
        CU_ASSERT_EQUAL(sack.n_gaps, 0);
    }
    /* SSN 0 .. 4 were skipped: the next message, SSN 5, goes up. */
    uint32_t n = put_data(chunk, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, target + 1, 0, 5, 8);
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, n), 0);
    CU_ASSERT_EQUAL(poll_data_events(1), 1);
    CU_ASSERT_EQUAL(a1->map.cum_tsn, target + 1);
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    finish();
}

/* RFC 3758 3.5 F2: the sender does not send the same FORWARD TSN again
 * on every SACK below its Advanced.Peer.Ack.Point: once per RTT, or at
 * once when the peer's cumulative TSN moved (it took part of it), or
 * when the point moves. */
static void test_forward_tsn_once_per_rtt(void)
{
    start_pair(80, 1, NULL);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    uint32_t t = a->next_tsn;
    /* Two messages with a 1 ms lifetime, two without; all lost. */
    for (uint32_t i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(send_pr(0, i, 100, SCTP_PR_SCTP_TTL, 1, i), 1);
    for (uint32_t i = 2; i < 4; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 100, 0), 1);
    unsigned k = L.n;
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_DATA), 4);
    CU_ASSERT_EQUAL_FATAL(a->next_tsn, t + 4);
    /* They expire: one FORWARD TSN to t + 1. */
    H.now += 5 * MS;
    sctp_endpoint_handle_timeout(H.ep[0], H.now);
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_FORWARD_TSN), 1);
    CU_ASSERT_EQUAL(a->adv_peer_ack, t + 1);
    sctp_tstamp rtt = a->fwd_sent_rtt;
    CU_ASSERT_TRUE_FATAL(rtt > 2 * MS);
    /* SACKs for DATA sent before it: no FORWARD TSN again. */
    struct sctp_gap_block g = {.start = 4, .end = 4}; /* t + 3 */
    inject_sack(t - 1, 1u << 20, &g, 1);
    drain(0);
    H.now += 1 * MS;
    g.start = g.end = 3; /* t + 2 */
    inject_sack(t - 1, 1u << 20, &g, 1);
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_FORWARD_TSN), 1);
    /* The peer took part of it: the rest goes at once. */
    inject_sack(t, 1u << 20, NULL, 0);
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_FORWARD_TSN), 2);
    inject_sack(t, 1u << 20, NULL, 0);
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_FORWARD_TSN), 2);
    /* A full RTT later, a SACK still below the point brings it again. */
    H.now += rtt;
    inject_sack(t, 1u << 20, NULL, 0);
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_FORWARD_TSN), 3);
    struct sctp_forward_tsn_chunk f;
    CU_ASSERT_TRUE_FATAL(first_fwd(k, &f) >= 0);
    CU_ASSERT_EQUAL(f.new_cum_tsn, t + 1);
    finish();
}

/* ================= SENDALL ================= */

static bool star_up(struct harness *h)
{
    (void)h;
    return R.up[0] == 3 && R.up[1] && R.up[2] && R.up[3];
}

static bool all_three(struct harness *h)
{
    (void)h;
    return R.node_msgs[1] && R.node_msgs[2] && R.node_msgs[3];
}

static bool all_acked_star(struct harness *h)
{
    for (int i = 0; i < 3; i++) {
        struct sctp_assoc_info info;
        if (sctp_assoc_get_info(h->ep[0], R.up_ids[0][i], &info) != 0 || info.outstanding_bytes ||
            info.queued_bytes)
            return false;
    }
    return true;
}

/* Node 0 starts an association to each of nodes 1 to 3. */
static void connect_star(void)
{
    for (int n = 1; n < 4; n++) {
        uint32_t id;
        CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[n].addrs[0], 1, H.cfg[n].port,
                                                    2, NULL, NULL, &id, H.now),
                              0);
    }
}

static void test_sendall_shared_payload(void)
{
    begin(4, 57, NULL);
    connect_star();
    /* A fourth association that never comes up: no one at the address. */
    struct sctp_addr nobody = sctp_addr_v4(0xC6120063u);
    uint32_t pending;
    CU_ASSERT_EQUAL_FATAL(
        sctp_endpoint_connect(H.ep[0], &nobody, 1, 7000, 2, NULL, NULL, &pending, H.now), 0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, star_up, 5 * S));
    h_run(&H, NULL, 10 * MS);

    uint8_t data[600];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13);
    sctp_put32(data, 4242);
    long live = hbuf_live;
    struct hbuf *b = hbuf_new(data, sizeof(data));
    struct sctp_sndinfo info = {.sid = 1, .flags = SCTP_SENDALL};
    struct sctp_frag f = {.data = b->data, .len = b->len, .handle = b};
    CU_ASSERT_EQUAL(sctp_endpoint_send(H.ep[0], 0, &info, &f, H.now), 3);
    /* One buffer, referenced once per association: no copies. */
    CU_ASSERT_EQUAL(hbuf_live, live + 1);
    CU_ASSERT_EQUAL(b->refs, 4);
    unsigned first = L.n;
    CU_ASSERT_TRUE(h_run(&H, all_three, 2 * S));
    for (int n = 1; n < 4; n++) {
        bool found = false;
        for (unsigned i = 0; i < R.n_msgs; i++)
            if (R.msgs[i].node == n) {
                found = true;
                CU_ASSERT_EQUAL(R.msgs[i].seq, 4242);
                CU_ASSERT_EQUAL(R.msgs[i].len, sizeof(data));
                CU_ASSERT_EQUAL(R.msgs[i].sid, 1);
            }
        CU_ASSERT_TRUE(found);
    }
    /* One DATA packet to each peer. */
    unsigned to[N] = {0};
    for (unsigned i = first; i < L.n; i++) {
        struct sctp_chunk c = {0};
        if (L.p[i].from == 0 && find_chunk(&L.p[i], SCTP_CT_DATA, 0, &c))
            for (int n = 1; n < 4; n++)
                to[n] += sctp_addr_equal(&L.p[i].dst, &H.cfg[n].addrs[0]);
    }
    CU_ASSERT_EQUAL(to[1], 1);
    CU_ASSERT_EQUAL(to[2], 1);
    CU_ASSERT_EQUAL(to[3], 1);
    /* Once every peer acknowledged it, only our reference remains. */
    CU_ASSERT_TRUE(h_run(&H, all_acked_star, 2 * S));
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(b);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
}

/* ================= SACK policy (RFC 9260 6.2, RFC 7053) ================= */

/* The time of the first SACK node 1 sent at or after packet index k. */
static bool sack_time_after(unsigned k, sctp_tstamp *at, uint32_t *cum)
{
    int i = next_pkt(k, 1, SCTP_CT_SACK);
    if (i < 0)
        return false;
    *at = L.p[i].at;
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk s;
    if (find_chunk(&L.p[i], SCTP_CT_SACK, 0, &c) && sctp_sack_decode(&s, &c) > 0 && cum)
        *cum = s.cum_tsn;
    return true;
}

static void tune_sack(struct sctp_config *c)
{
    c->sack_delay = 50 * MS;
    c->hb_interval = 60 * S;
    /* Well above sack_delay: no T3 expiry while a SACK is held back. */
    c->rto_initial = c->rto_min = 300 * MS;
}

static void test_sack_immediately(void)
{
    start_pair(58, 1, tune_sack);
    unsigned k = L.n;
    CU_ASSERT_EQUAL(send_msg(0, 1, 100, SCTP_SACK_IMMEDIATELY), 1);
    h_run(&H, NULL, 200 * MS);
    int d = next_pkt(k, 0, SCTP_CT_DATA);
    CU_ASSERT_TRUE_FATAL(d >= 0);
    struct sctp_chunk c = {0};
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[d], SCTP_CT_DATA, 0, &c));
    CU_ASSERT_TRUE(c.flags & SCTP_DATA_FLAG_I);
    sctp_tstamp at;
    CU_ASSERT_TRUE_FATAL(sack_time_after((unsigned)d, &at, NULL));
    CU_ASSERT_EQUAL(at - L.p[d].at, 1 * MS); /* one way, no delay */
    /* The same message without the flag waits for the SACK delay. */
    k = L.n;
    CU_ASSERT_EQUAL(send_msg(0, 2, 100, 0), 1);
    h_run(&H, NULL, 200 * MS);
    d = next_pkt(k, 0, SCTP_CT_DATA);
    CU_ASSERT_TRUE_FATAL(d >= 0);
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[d], SCTP_CT_DATA, 0, &c));
    CU_ASSERT_FALSE(c.flags & SCTP_DATA_FLAG_I);
    CU_ASSERT_TRUE_FATAL(sack_time_after((unsigned)d, &at, NULL));
    CU_ASSERT_EQUAL(at - L.p[d].at, 51 * MS);
    finish();
}

static void test_delayed_sack(void)
{
    start_pair(59, 1, tune_sack);
    uint32_t tsn = info_of(0).next_tsn;
    /* RFC 9260 5.1: the association's first DATA chunk is acknowledged
     * at once. */
    unsigned k = L.n;
    CU_ASSERT_EQUAL(send_msg(0, 0, 100, 0), 1);
    h_run(&H, NULL, 200 * MS);
    int d = next_pkt(k, 0, SCTP_CT_DATA);
    CU_ASSERT_TRUE_FATAL(d >= 0);
    sctp_tstamp at;
    uint32_t cum = 0;
    CU_ASSERT_TRUE_FATAL(sack_time_after((unsigned)d, &at, &cum));
    CU_ASSERT_EQUAL(at - L.p[d].at, 1 * MS);
    CU_ASSERT_EQUAL(cum, tsn);
    tsn++;
    /* A lone packet after that: acknowledged after sack_delay. */
    k = L.n;
    CU_ASSERT_EQUAL(send_msg(0, 1, 100, 0), 1);
    h_run(&H, NULL, 200 * MS);
    d = next_pkt(k, 0, SCTP_CT_DATA);
    CU_ASSERT_TRUE_FATAL(d >= 0);
    CU_ASSERT_TRUE_FATAL(sack_time_after((unsigned)d, &at, &cum));
    CU_ASSERT_EQUAL(at - L.p[d].at, 1 * MS + 50 * MS);
    CU_ASSERT_EQUAL(cum, tsn);
    CU_ASSERT_EQUAL(count_chunks(k, 1, SCTP_CT_SACK), 1);

    /* Four packets 10 ms apart: a SACK right after the second and the
     * fourth, none after the first and third. */
    k = L.n;
    sctp_tstamp t0 = H.now;
    for (uint32_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(send_msg(0, 2 + i, 100, 0), 1);
        h_run(&H, NULL, 10 * MS);
    }
    h_run(&H, NULL, 200 * MS);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_DATA), 4);
    CU_ASSERT_EQUAL(count_chunks(k, 1, SCTP_CT_SACK), 2);
    int s1 = next_pkt(k, 1, SCTP_CT_SACK);
    CU_ASSERT_TRUE_FATAL(s1 >= 0);
    int s2 = next_pkt((unsigned)s1 + 1, 1, SCTP_CT_SACK);
    CU_ASSERT_TRUE_FATAL(s2 >= 0);
    CU_ASSERT_EQUAL(L.p[s1].at, t0 + 10 * MS + 1 * MS);
    CU_ASSERT_EQUAL(L.p[s2].at, t0 + 30 * MS + 1 * MS);
    CU_ASSERT_TRUE(sack_time_after((unsigned)s2, &at, &cum));
    CU_ASSERT_EQUAL(cum, tsn + 4);

    /* One message in two packets: one SACK, at once, for both. */
    k = L.n;
    CU_ASSERT_EQUAL(send_msg(0, 9, 2500, 0), 1);
    h_run(&H, NULL, 200 * MS);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_DATA), 2);
    CU_ASSERT_EQUAL(count_chunks(k, 1, SCTP_CT_SACK), 1);
    d = next_pkt(k, 0, SCTP_CT_DATA);
    CU_ASSERT_TRUE_FATAL(sack_time_after(k, &at, &cum));
    CU_ASSERT_EQUAL(at - L.p[d].at, 1 * MS);
    CU_ASSERT_EQUAL(cum, tsn + 6);
    finish();
}

/* ================= chunks the endpoint must refuse ================= */

static uint32_t heartbeat_chunk(uint8_t *p)
{
    sctp_chunk_hdr_encode(p, 4, SCTP_CT_HEARTBEAT, 0, 4 + 12);
    uint8_t info[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    sctp_tlv_encode(p + 4, 12, SCTP_PT_HEARTBEAT_INFO, info, sizeof(info));
    return 16;
}

/* RFC 9260 3.2: an unknown chunk type followed by a HEARTBEAT; the two
 * high bits of the type say whether the HEARTBEAT is processed (a
 * HEARTBEAT ACK comes back) and whether an ERROR reports the chunk. */
static void unknown_chunk(uint8_t type, bool processed, bool reported)
{
    uint8_t chunks[64];
    uint8_t unk[8] = {type, 0x5a, 0, 8, 'A', 'B', 'C', 'D'};
    memcpy(chunks, unk, 8);
    uint32_t n = 8 + heartbeat_chunk(chunks + 8);
    unsigned k = L.n;
    uint32_t vtag = info_of(1).local_vtag;
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunks, n), 0);
    drain(1);
    CU_ASSERT_EQUAL(count_chunks(k, 1, SCTP_CT_HEARTBEAT_ACK), processed ? 1 : 0);
    CU_ASSERT_EQUAL(count_chunks(k, 1, SCTP_CT_ERROR), reported ? 1 : 0);
    int e = next_pkt(k, 1, SCTP_CT_ERROR);
    if (reported && e >= 0) {
        struct sctp_chunk c = {0};
        CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[e], SCTP_CT_ERROR, 0, &c));
        size_t off = 0;
        struct sctp_tlv t;
        CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
        CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_UNRECOGNIZED_CHUNK);
        /* The cause carries the chunk as received. */
        CU_ASSERT_EQUAL_FATAL(t.value_len, 8);
        CU_ASSERT_EQUAL(memcmp(t.value, unk, 8), 0);
        CU_ASSERT_EQUAL(sctp_get32(L.p[e].bytes + 4), info_of(0).local_vtag);
    }
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
}

/* Fills the stack below the caller with bytes that are not zero, so that
 * a function called next that sends bytes it did not write sends those. */
static __attribute__((noinline)) void dirty_stack(void)
{
    volatile uint8_t junk[16384];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = 0xa5;
}

/* RFC 9260 8.3: the HEARTBEAT ACK carries the Heartbeat Info and any
 * other parameters of the HEARTBEAT, copied unchanged; its padding is
 * zeros. Only the first parameter was copied, and the padding came from
 * whatever the writer's scratch buffer (on its stack) held: the stack is
 * filled with 0xa5 before the ACK is written. */
static void test_heartbeat_ack_copies_all(void)
{
    start_pair(61, 1, NULL);
    /* Traffic first, so that the scratch buffer holds something. */
    for (uint32_t i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(send_msg(1, i, 300, 0), 1);
    h_run(&H, NULL, 100 * MS);
    uint8_t hb[32];
    memset(hb, 0xee, sizeof(hb));
    /* Heartbeat Info of 5 bytes (1 of value, 3 of padding), then a
     * parameter of 6 bytes, unpadded at the end: 18 bytes of chunk. */
    sctp_chunk_hdr_encode(hb, 4, SCTP_CT_HEARTBEAT, 0, 18);
    uint8_t tlvs[14] = {0, 1, 0, 5, 0xaa, 0, 0, 0, 0x80, 0x77, 0, 6, 0x12, 0x34};
    memcpy(hb + 4, tlvs, sizeof(tlvs));
    unsigned k = L.n;
    CU_ASSERT_EQUAL(inject(0, 1, info_of(0).local_vtag, hb, 20), 0);
    dirty_stack();
    drain(0);
    int i = next_pkt(k, 0, SCTP_CT_HEARTBEAT_ACK);
    CU_ASSERT_TRUE_FATAL(i >= 0);
    struct sctp_chunk c = {0};
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[i], SCTP_CT_HEARTBEAT_ACK, 0, &c));
    CU_ASSERT_EQUAL_FATAL(c.length, 18);
    CU_ASSERT_EQUAL(memcmp(c.value, tlvs, sizeof(tlvs)), 0);
    CU_ASSERT_TRUE_FATAL(c.value + 16 <= L.p[i].bytes + L.p[i].len);
    CU_ASSERT_EQUAL(c.value[14], 0);
    CU_ASSERT_EQUAL(c.value[15], 0);
    finish();
}

static void test_unknown_chunks(void)
{
    start_pair(60, 1, NULL);
    unknown_chunk(0x3f, false, false); /* 00: stop, discard */
    unknown_chunk(0x7f, false, true);  /* 01: stop, discard, report */
    unknown_chunk(0xbf, true, false);  /* 10: skip, continue */
    unknown_chunk(0xff, true, true);   /* 11: skip, continue, report */
    finish();
}

static bool lost_both(struct harness *h)
{
    (void)h;
    return R.lost[0] && R.lost[1];
}

/* RFC 9260 6.2: a DATA chunk without user data: ABORT, No User Data. */
static void test_data_no_user_data(void)
{
    start_pair(61, 1, NULL);
    uint32_t tsn = info_of(0).next_tsn;
    uint8_t chunk[16];
    put_data(chunk, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, tsn, 0, 0, 0);
    inject(1, 0, info_of(1).local_vtag, chunk, sizeof(chunk));
    CU_ASSERT_TRUE(h_run(&H, lost_both, 1 * S));
    int a = next_pkt(0, 1, SCTP_CT_ABORT);
    CU_ASSERT_TRUE_FATAL(a >= 0);
    struct sctp_chunk c = {0};
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[a], SCTP_CT_ABORT, 0, &c));
    CU_ASSERT_EQUAL(c.flags & SCTP_FLAG_T, 0);
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_NO_USER_DATA);
    CU_ASSERT_EQUAL_FATAL(t.value_len, 4);
    CU_ASSERT_EQUAL(sctp_get32(t.value), tsn);
    /* The peer's user sees the cause. */
    CU_ASSERT_TRUE_FATAL(R.lost_info_len[0] >= 8);
    CU_ASSERT_EQUAL(sctp_get16(R.lost_info[0]), SCTP_CAUSE_NO_USER_DATA);
    CU_ASSERT_EQUAL(sctp_get32(R.lost_info[0] + 4), tsn);
    finish();
}

/* RFC 9260 6.5: DATA on a stream that does not exist: acknowledged,
 * discarded, and reported with Invalid Stream Identifier. */
static void test_data_invalid_stream(void)
{
    start_pair(62, 1, NULL);
    uint32_t tsn = info_of(0).next_tsn;
    CU_ASSERT_EQUAL(info_of(1).istreams, 1);
    uint8_t chunk[32];
    uint32_t n = put_data(chunk, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, tsn, 100, 0, 12);
    unsigned k = L.n;
    CU_ASSERT_EQUAL(inject(1, 0, info_of(1).local_vtag, chunk, n), 0);
    drain(1);
    int e = next_pkt(k, 1, SCTP_CT_ERROR);
    CU_ASSERT_TRUE_FATAL(e >= 0);
    struct sctp_chunk c = {0};
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[e], SCTP_CT_ERROR, 0, &c));
    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL_FATAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_INVALID_STREAM);
    CU_ASSERT_EQUAL_FATAL(t.value_len, 4);
    CU_ASSERT_EQUAL(sctp_get16(t.value), 100);
    /* And the TSN is acknowledged at once. */
    int s = next_pkt(k, 1, SCTP_CT_SACK);
    CU_ASSERT_TRUE_FATAL(s >= 0);
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[s], SCTP_CT_SACK, 0, &c));
    struct sctp_sack_chunk sack;
    CU_ASSERT_TRUE_FATAL(sctp_sack_decode(&sack, &c) > 0);
    CU_ASSERT_EQUAL(sack.cum_tsn, tsn);
    CU_ASSERT_EQUAL(sack.n_gaps, 0);
    CU_ASSERT_EQUAL(poll_data_events(1), 0);
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    finish();
}

/* The DATA events node 1 has queued, in order: stream, SSN (0xffff for
 * unordered), length. Every event is released. */
struct got_ev {
    uint16_t sid, ssn;
    uint32_t len;
};
static unsigned poll_data_list(struct got_ev *out, unsigned max)
{
    struct sctp_event ev;
    unsigned n = 0;
    while (sctp_endpoint_poll_event(H.ep[1], &ev) == 1) {
        if (ev.type == SCTP_EV_DATA && n < max) {
            bool u = ev.u.data.flags & SCTP_EV_DATA_UNORDERED;
            out[n++] = (struct got_ev){ev.u.data.sid, u ? 0xffff : ev.u.data.ssn, ev.u.data.len};
            /* The payload is the chunk's, in place. */
            const struct sctp_frag *f = sctp_event_frags(&ev);
            CU_ASSERT_EQUAL(ev.u.data.nfrags >= 1 ? f[0].data[0] : 0, 0x40);
        }
        sctp_event_release(H.ep[1], &ev);
    }
    return n;
}

/*
 * A packet's DATA mixes what the receive path delivers at once, chunk
 * after chunk (sctp_data_on_data_run), with what it must hold, report or
 * drop: each chunk goes the right way, in the right order, and the run
 * picks up again where the general path leaves it.
 */
static void test_data_run_mixed(void)
{
    start_pair(64, 4, NULL);
    CU_ASSERT_EQUAL_FATAL(info_of(1).istreams, 4);
    const uint8_t BE = SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E;
    uint32_t t = info_of(0).next_tsn;
    struct sctp_endpoint_stats st0, st1;
    sctp_endpoint_get_stats(H.ep[1], &st0);
    uint8_t buf[1024];
    uint32_t n = 0;
    n += put_data(buf + n, BE, t + 0, 0, 0, 11);                    /* at once */
    n += put_data(buf + n, BE | SCTP_DATA_FLAG_I, t + 1, 1, 0, 12); /* at once */
    n += put_data(buf + n, SCTP_DATA_FLAG_B, t + 2, 0, 1, 13);      /* first piece */
    n += put_data(buf + n, SCTP_DATA_FLAG_E, t + 3, 0, 1, 14);      /* last piece */
    n += put_data(buf + n, BE | SCTP_DATA_FLAG_U, t + 4, 2, 0, 15); /* behind it */
    n += put_data(buf + n, BE, t + 6, 0, 3, 16);                    /* above a hole */
    n += put_data(buf + n, BE, t + 5, 0, 2, 17);                    /* fills it */
    n += put_data(buf + n, BE, t + 7, 9, 0, 18);                    /* no such stream */
    n += put_data(buf + n, BE, t + 8, 3, 0, 19);                    /* due */
    unsigned k = L.n;
    CU_ASSERT_EQUAL(inject(1, 0, info_of(1).local_vtag, buf, n), 0);
    struct got_ev ev[16];
    const struct got_ev want1[] = {{0, 0, 11}, {1, 0, 12}, {0, 1, 27}, {2, 0xffff, 15},
                                   {0, 2, 17}, {0, 3, 16}, {3, 0, 19}};
    unsigned got = poll_data_list(ev, 16);
    CU_ASSERT_EQUAL_FATAL(got, 7);
    for (unsigned i = 0; i < got; i++) {
        CU_ASSERT_EQUAL(ev[i].sid, want1[i].sid);
        CU_ASSERT_EQUAL(ev[i].ssn, want1[i].ssn);
        CU_ASSERT_EQUAL(ev[i].len, want1[i].len);
    }
    /* Everything acknowledged at once (SACK-IMMEDIATELY, the gap, the
     * error), the bad stream reported. */
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    drain(1);
    int s = next_pkt(k, 1, SCTP_CT_SACK);
    CU_ASSERT_TRUE_FATAL(s >= 0);
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[s], SCTP_CT_SACK, 0, &c));
    CU_ASSERT_TRUE_FATAL(sctp_sack_decode(&sack, &c) > 0);
    CU_ASSERT_EQUAL(sack.cum_tsn, t + 8);
    CU_ASSERT_EQUAL(sack.n_gaps, 0);
    CU_ASSERT_TRUE(next_pkt(k, 1, SCTP_CT_ERROR) >= 0);

    /* A packet the run takes whole but for a duplicate at its end. */
    n = 0;
    n += put_data(buf + n, BE, t + 9, 0, 4, 20);
    n += put_data(buf + n, BE, t + 10, 1, 1, 21);
    n += put_data(buf + n, BE, t + 11, 2, 0, 22);
    n += put_data(buf + n, BE, t + 12, 3, 1, 23);
    n += put_data(buf + n, BE, t + 9, 0, 4, 20);
    CU_ASSERT_EQUAL(inject(1, 0, info_of(1).local_vtag, buf, n), 0);
    const struct got_ev want2[] = {{0, 4, 20}, {1, 1, 21}, {2, 0, 22}, {3, 1, 23}};
    got = poll_data_list(ev, 16);
    CU_ASSERT_EQUAL_FATAL(got, 4);
    for (unsigned i = 0; i < got; i++) {
        CU_ASSERT_EQUAL(ev[i].sid, want2[i].sid);
        CU_ASSERT_EQUAL(ev[i].ssn, want2[i].ssn);
        CU_ASSERT_EQUAL(ev[i].len, want2[i].len);
    }
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, t + 12);
    CU_ASSERT_EQUAL_FATAL(sack.n_dups, 1);
    CU_ASSERT_EQUAL(sctp_sack_dup(&sack, 0), t + 9);
    /* Every DATA chunk counted once, whichever way it went. */
    sctp_endpoint_get_stats(H.ep[1], &st1);
    CU_ASSERT_EQUAL(st1.rx_data_chunks - st0.rx_data_chunks, 14);
    CU_ASSERT_EQUAL(st1.rx_chunks - st0.rx_chunks, 14);
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    finish();
}

/* The window stops a run where the general path would: the chunk that
 * finds it closed is dropped and not acknowledged, what came before it
 * in the packet is delivered, and the chunk is taken when it comes again
 * after the user has read the rest. */
static void tune_small_rwnd(struct sctp_config *c)
{
    c->rwnd = 1500;
}
static void test_data_run_window(void)
{
    start_pair(65, 1, tune_small_rwnd);
    const uint8_t BE = SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E;
    uint32_t t = info_of(0).next_tsn;
    uint8_t buf[2400];
    uint32_t n = 0;
    /* 4 x 500 bytes against a window of 1500: the fourth finds 1500
     * bytes held, the window closed. */
    for (unsigned i = 0; i < 4; i++)
        n += put_data(buf + n, BE, t + i, 0, (uint16_t)i, 500);
    CU_ASSERT_EQUAL(inject(1, 0, info_of(1).local_vtag, buf, n), 0);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, t + 2);
    CU_ASSERT_EQUAL(sack.a_rwnd, 0);
    CU_ASSERT_EQUAL(sack.n_gaps, 0);
    struct got_ev ev[4];
    CU_ASSERT_EQUAL_FATAL(poll_data_list(ev, 4), 3);
    for (unsigned i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(ev[i].ssn, i);
    /* Read: the window is open again, and the fourth goes in. */
    n = put_data(buf, BE, t + 3, 0, 3, 500);
    CU_ASSERT_EQUAL(inject(1, 0, info_of(1).local_vtag, buf, n), 0);
    CU_ASSERT_EQUAL_FATAL(poll_data_list(ev, 4), 1);
    CU_ASSERT_EQUAL(ev[0].ssn, 3);
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);
    finish();
}

/* RFC 9260 6.5: an ERROR bundled with the SACK follows the SACK. */
static void test_error_follows_sack(void)
{
    start_pair(63, 1, NULL);
    uint32_t tsn = info_of(0).next_tsn;
    uint8_t chunk[32];
    uint32_t n = put_data(chunk, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, tsn, 100, 0, 12);
    unsigned k = L.n;
    CU_ASSERT_EQUAL(inject(1, 0, info_of(1).local_vtag, chunk, n), 0);
    drain(1);
    int e = next_pkt(k, 1, SCTP_CT_ERROR);
    CU_ASSERT_TRUE_FATAL(e >= 0);
    int sp = chunk_pos(&L.p[e], SCTP_CT_SACK);
    CU_ASSERT_TRUE(sp >= 0);
    CU_ASSERT_TRUE(sp < chunk_pos(&L.p[e], SCTP_CT_ERROR));
    finish();
}

/* ================= association set-up (RFC 9260 5) ================= */

static struct {
    bool stale_seen;
    unsigned cookie_echoes;
    uint32_t staleness_us;
} SC;

static void tune_cookie(struct sctp_config *c)
{
    c->valid_cookie_life = 200 * MS;
}

/* The first COOKIE ECHO takes 500 ms; its retransmissions are lost until
 * the Stale Cookie error has been seen. */
static int slow_cookie(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    h->latency = 1 * MS;
    if (from == 1 && pkt_has(p, len, SCTP_CT_ERROR)) {
        size_t off = SCTP_COMMON_HDR_LEN;
        struct sctp_chunk c = {0};
        sctp_chunk_next(p, len, &off, &c);
        size_t o2 = 0;
        struct sctp_tlv t;
        if (sctp_tlv_next(c.value, c.value_len, &o2, &t) == 1 &&
            t.type == SCTP_CAUSE_STALE_COOKIE && t.value_len == 4) {
            SC.stale_seen = true;
            SC.staleness_us = sctp_get32(t.value);
        }
    }
    if (from != 0 || !pkt_has(p, len, SCTP_CT_COOKIE_ECHO) || SC.stale_seen)
        return 0;
    if (SC.cookie_echoes++ == 0) {
        h->latency = 500 * MS;
        return 0;
    }
    return 1;
}

static void test_stale_cookie(void)
{
    memset(&SC, 0, sizeof(SC));
    begin(2, 63, tune_cookie);
    drop_fn = slow_cookie;
    sctp_tstamp t0 = H.now;
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 1,
                                                NULL, NULL, &id, H.now),
                          0);
    CU_ASSERT_TRUE(h_run(&H, pair_up, 10 * S));
    CU_ASSERT_TRUE(SC.stale_seen);
    /* Cookie made at t0 + 1 ms, echoed at t0 + 2 ms, arrived 500 ms
     * later: 301 ms past its 200 ms life. */
    CU_ASSERT_EQUAL(SC.staleness_us, 301000);
    CU_ASSERT_EQUAL(count_chunks(0, 1, SCTP_CT_ERROR), 1);
    /* The initiator starts over with an INIT asking for more life. */
    CU_ASSERT_EQUAL(count_chunks(0, 0, SCTP_CT_INIT), 2);
    int first = next_pkt(0, 0, SCTP_CT_INIT);
    int second = next_pkt((unsigned)first + 1, 0, SCTP_CT_INIT);
    CU_ASSERT_TRUE_FATAL(first >= 0 && second > first);
    CU_ASSERT_TRUE(L.p[second].at > t0 + 500 * MS);
    struct sctp_chunk c = {0};
    struct sctp_init_chunk init;
    bool preserve = false;
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[i ? second : first], SCTP_CT_INIT, 0, &c));
        CU_ASSERT_TRUE_FATAL(sctp_init_decode(&init, &c) > 0);
        size_t off = 0;
        struct sctp_tlv t;
        preserve = false;
        while (sctp_tlv_next(init.params, init.params_len, &off, &t) == 1)
            if (t.type == SCTP_PT_COOKIE_PRESERVATIVE) {
                preserve = true;
                CU_ASSERT_EQUAL_FATAL(t.value_len, 4);
                /* RFC 9260 5.2.6: the round trip of the COOKIE ECHO and
                 * the ERROR plus 1 s. The ERROR answers the first COOKIE
                 * ECHO, and a retransmission went since (lost): the
                 * staleness is then the lower bound of that round trip. */
                CU_ASSERT_TRUE(sctp_get32(t.value) >= SC.staleness_us / 1000);
                CU_ASSERT_EQUAL(sctp_get32(t.value), 1301);
            }
        CU_ASSERT_EQUAL(preserve, i == 1);
    }
    CU_ASSERT_EQUAL(R.up[0], 1);
    CU_ASSERT_EQUAL(R.up[1], 1);
    CU_ASSERT_EQUAL(R.cant[0], 0);
    /* And it works. */
    drop_fn = NULL;
    CU_ASSERT_EQUAL(send_msg(0, 5, 100, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 2 * S));
    finish();
}

static bool restarted(struct harness *h)
{
    (void)h;
    return R.restart[0] && R.up[1] >= 2;
}

/* RFC 9260 5.2.4 action A: the peer lost its state and associates again
 * from the same address and port: RESTART on the surviving side, which
 * keeps its association id, and data flows both ways afterwards. */
static void test_peer_restart(void)
{
    start_pair(64, 2, NULL);
    uint32_t id0 = R.assoc[0];
    uint32_t old_peer_tag = info_of(0).peer_vtag;
    CU_ASSERT_EQUAL(send_msg(0, 1, 100, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 1 * S));
    h_run(&H, NULL, 300 * MS);

    h_restart_node(&H, 1);
    R.assoc[1] = 0;
    uint32_t id1;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[1], &H.cfg[0].addrs[0], 1, H.cfg[0].port, 2,
                                                NULL, NULL, &id1, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, restarted, 5 * S));
    CU_ASSERT_EQUAL(R.restart[0], 1);
    CU_ASSERT_EQUAL(R.assoc[0], id0);
    CU_ASSERT_EQUAL(R.assoc[1], id1);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    CU_ASSERT_EQUAL(R.up[0], 1);
    struct sctp_assoc_info i0 = info_of(0), i1 = info_of(1);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i0.peer_vtag, i1.local_vtag);
    CU_ASSERT_EQUAL(i1.peer_vtag, i0.local_vtag);
    CU_ASSERT_NOT_EQUAL(i0.peer_vtag, old_peer_tag);
    /* The restarted association carries data both ways. */
    CU_ASSERT_EQUAL(send_msg(0, 2, 100, 0), 1);
    CU_ASSERT_EQUAL(send_msg(1, 3, 100, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 2, 2 * S));
    CU_ASSERT_TRUE(run_until_msgs(0, 1, 2 * S));
    uint32_t got[4];
    CU_ASSERT_EQUAL(seqs_of(1, got, 4), 2);
    CU_ASSERT_EQUAL(got[1], 2);
    CU_ASSERT_EQUAL(seqs_of(0, got, 4), 1);
    CU_ASSERT_EQUAL(got[0], 3);
    h_run(&H, NULL, 3 * S);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* ================= shutdown (RFC 9260 9.2) ================= */

static bool comp_both(struct harness *h)
{
    (void)h;
    return R.comp[0] && R.comp[1];
}

static uint32_t lose_tsn;
static bool lost_once;
static int drop_tsn_once(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    (void)from;
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c = {0};
    while (sctp_chunk_next(p, len, &off, &c) == 1)
        if (c.type == SCTP_CT_DATA && c.value_len >= 4 && sctp_get32(c.value) == lose_tsn &&
            !lost_once) {
            lost_once = true;
            return 1;
        }
    return 0;
}

/* The side shutting down has data in flight, one chunk of it lost: all of
 * it is delivered before the SHUTDOWN goes out. */
static void test_shutdown_with_outstanding_data(void)
{
    start_pair(65, 1, NULL);
    lose_tsn = info_of(0).next_tsn + 2;
    lost_once = false;
    drop_fn = drop_tsn_once;
    for (uint32_t i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], R.assoc[0], H.now), 0);
    CU_ASSERT_EQUAL(info_of(0).state, SCTP_S_SHUTDOWN_PENDING);
    CU_ASSERT_TRUE(h_run(&H, comp_both, 10 * S));
    CU_ASSERT_TRUE(lost_once);
    CU_ASSERT_EQUAL(R.node_msgs[1], 10);
    CU_ASSERT_EQUAL(R.msgs_at_shutdown_ev[1], 10);
    CU_ASSERT_EQUAL(R.msgs_at_comp[1], 10);
    /* The SHUTDOWN left after the last DATA (the retransmission). */
    int sd = next_pkt(0, 0, SCTP_CT_SHUTDOWN);
    CU_ASSERT_TRUE_FATAL(sd >= 0);
    CU_ASSERT_TRUE(count_tsn(0, lose_tsn) >= 2);
    for (unsigned i = (unsigned)sd; i < L.n; i++) {
        struct sctp_chunk c = {0};
        CU_ASSERT_FALSE(L.p[i].from == 0 && find_chunk(&L.p[i], SCTP_CT_DATA, 0, &c));
    }
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_EQUAL(count_chunks(0, 0, SCTP_CT_ABORT) + count_chunks(0, 1, SCTP_CT_ABORT), 0);
    finish();
}

/* The peer of the side shutting down still has data in flight: it keeps
 * sending until all of it is acknowledged, then SHUTDOWN ACK. */
static void test_shutdown_peer_has_outstanding_data(void)
{
    start_pair(66, 1, NULL);
    lose_tsn = info_of(1).next_tsn + 1;
    lost_once = false;
    drop_fn = drop_tsn_once;
    for (uint32_t i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(send_msg(1, i, 1000, 0), 1);
    h_step(&H);
    CU_ASSERT_TRUE(lost_once);
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], R.assoc[0], H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, comp_both, 10 * S));
    CU_ASSERT_EQUAL(R.node_msgs[0], 6);
    CU_ASSERT_EQUAL(R.msgs_at_comp[0], 6);
    CU_ASSERT_EQUAL(R.shutdown_ev[1], 1);
    /* The lost chunk was retransmitted after the SHUTDOWN arrived. */
    CU_ASSERT_EQUAL(count_tsn(1, lose_tsn), 2);
    int ack = next_pkt(0, 1, SCTP_CT_SHUTDOWN_ACK);
    CU_ASSERT_TRUE_FATAL(ack >= 0);
    for (unsigned i = (unsigned)ack; i < L.n; i++) {
        struct sctp_chunk c = {0};
        CU_ASSERT_FALSE(L.p[i].from == 1 && find_chunk(&L.p[i], SCTP_CT_DATA, 0, &c));
    }
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* Both ends shut down at once: the SHUTDOWNs cross, each answers with a
 * SHUTDOWN ACK, and both close without an ABORT. */
static void test_shutdown_collision(void)
{
    start_pair(67, 1, NULL);
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], R.assoc[0], H.now), 0);
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[1], R.assoc[1], H.now), 0);
    CU_ASSERT_TRUE(h_run(&H, comp_both, 10 * S));
    h_run(&H, NULL, 1 * S);
    for (int n = 0; n < 2; n++) {
        CU_ASSERT_EQUAL(count_chunks(0, n, SCTP_CT_SHUTDOWN), 1);
        CU_ASSERT_EQUAL(count_chunks(0, n, SCTP_CT_SHUTDOWN_ACK), 1);
        CU_ASSERT_EQUAL(count_chunks(0, n, SCTP_CT_ABORT), 0);
        CU_ASSERT_EQUAL(R.comp[n], 1);
        CU_ASSERT_EQUAL(R.lost[n], 0);
    }
    CU_ASSERT_EQUAL(count_chunks(0, 0, SCTP_CT_SHUTDOWN_COMPLETE) +
                        count_chunks(0, 1, SCTP_CT_SHUTDOWN_COMPLETE),
                    2);
    finish();
}

/* SCTP_EOF through sctp_endpoint_send: the message, then the graceful
 * shutdown; with no payload it only shuts down. */
static void test_eof(void)
{
    start_pair(68, 1, NULL);
    CU_ASSERT_EQUAL(send_msg(0, 1, 500, SCTP_EOF), 1);
    CU_ASSERT_EQUAL(send_msg(0, 2, 100, 0), SCTP_ERR_SHUTDOWN);
    CU_ASSERT_TRUE(h_run(&H, comp_both, 5 * S));
    CU_ASSERT_EQUAL(R.node_msgs[1], 1);
    CU_ASSERT_EQUAL(R.msgs_at_shutdown_ev[1], 1);
    CU_ASSERT_EQUAL(R.msgs[0].seq, 1);
    finish();

    start_pair(69, 1, NULL);
    CU_ASSERT_EQUAL(send_msg(0, 1, 100, 0), 1);
    CU_ASSERT_EQUAL(send_msg(0, 0, 0, SCTP_EOF), 1);
    CU_ASSERT_TRUE(h_run(&H, comp_both, 5 * S));
    CU_ASSERT_EQUAL(R.node_msgs[1], 1);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* ================= flow control (RFC 9260 6.1, 6.2) ================= */

static void tune_window(struct sctp_config *c)
{
    c->rwnd = 8000;
    c->hb_interval = 60 * S; /* no heartbeat acks to reset error counts */
}

/* Node 1's application stops reading and node 0 queues 20 messages of
 * 1000 bytes: its window (8000 bytes, tune_window) closes after 8. */
static void fill_window(void)
{
    H.hold_events[1] = true;
    for (uint32_t i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
}

static bool zero_window_seen(unsigned k, uint32_t *cum_max)
{
    bool seen = false;
    *cum_max = 0;
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk s;
    for (unsigned i = k; i < L.n; i++)
        if (L.p[i].from == 1 && find_chunk(&L.p[i], SCTP_CT_SACK, 0, &c) &&
            sctp_sack_decode(&s, &c) > 0) {
            seen |= s.a_rwnd == 0;
            *cum_max = s.cum_tsn;
        }
    return seen;
}

static void zero_window_run(void)
{
    start_pair(70, 1, tune_window);
    uint32_t tsn = info_of(0).next_tsn;
    unsigned k = L.n;
    fill_window();
    h_run(&H, NULL, 30 * S);
    /* The window closed after 8000 bytes, and stayed closed. */
    uint32_t cum = 0;
    CU_ASSERT_TRUE(zero_window_seen(k, &cum));
    CU_ASSERT_EQUAL(cum, tsn + 7);
    /* The sender stopped; it only probed, one chunk at a time with the
     * T3 timer backing off: a few dozen packets in 30 s at most. */
    unsigned data = count_chunks(k, 0, SCTP_CT_DATA);
    CU_ASSERT_TRUE(data > 8);
    CU_ASSERT_TRUE(data <= 8 + 25);
    CU_ASSERT_EQUAL(count_tsn(0, tsn + 9), 0);
    /* Probes answered by SACKs are not errors: the association lives and
     * no address was declared unreachable. */
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_TRUE(i0.paths[0].active);
    CU_ASSERT_EQUAL(R.node_msgs[1], 0);

    /* The application reads: the window opens and the rest flows. */
    H.hold_events[1] = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 20, 30 * S));
    in_order(1, 20, 0);
    finish();
}

/* The receiving application stops reading: the window closes, the
 * sender only probes; it reads again: the window opens, everything
 * arrives. Once reading events one by one, once in bursts (the window
 * update then comes from sctp_event_release_burst). */
/* Checks a run of peeked events: DATA in order from *next, each one
 * fragment inside its event, in place. Returns the DATA events. */
static unsigned check_peeked(const struct sctp_event *ev, unsigned n, uint32_t *next)
{
    unsigned data = 0;
    for (unsigned j = 0; j < n; j++) {
        if (ev[j].type != SCTP_EV_DATA)
            continue;
        data++;
        CU_ASSERT_EQUAL(ev[j].u.data.nfrags, 1);
        CU_ASSERT_PTR_EQUAL(ev[j].u.data.frags, &ev[j].u.data.frag);
        CU_ASSERT_EQUAL(ev[j].u.data.len, 8);
        CU_ASSERT_EQUAL(sctp_get32(ev[j].u.data.frag.data), *next);
        (*next)++;
    }
    return data;
}

/* Events read in place: sctp_endpoint_peek_events() gives them in order
 * as runs of the endpoint's ring, the same run until it is consumed, and
 * a run ends where the ring wraps; sctp_endpoint_consume_events() gives
 * them back (payload references, receive window) as release does. */
static void test_peek_events(void)
{
    start_pair(91, 1, NULL);
    H.hold_events[1] = true; /* node 1's events wait in its ring */
    for (uint32_t i = 0; i < 300; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 8, 0), 1);
    h_run(&H, NULL, 2 * S);
    uint32_t next = 0;
    struct sctp_event *ev, *again;
    unsigned n = sctp_endpoint_peek_events(H.ep[1], &ev, 250);
    CU_ASSERT_EQUAL_FATAL(n, 250);
    CU_ASSERT_EQUAL(check_peeked(ev, n, &next), 250);
    CU_ASSERT_EQUAL(sctp_endpoint_peek_events(H.ep[1], &again, 250), 250);
    CU_ASSERT_PTR_EQUAL(again, ev); /* not consumed: the same run */
    CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], 251), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], 200), 0);
    /* The rest of the run stays peeked. */
    CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], 50), 0);
    CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], 1), SCTP_ERR_INVAL);

    /* 300 more behind the 50 left: the ring (grown to 512 for the first
     * 300) wraps, and the events come in two runs. */
    for (uint32_t i = 300; i < 600; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 8, 0), 1);
    h_run(&H, NULL, 2 * S);
    unsigned total = 0, runs = 0, first = 0;
    while ((n = sctp_endpoint_peek_events(H.ep[1], &ev, 1000)) > 0 && runs < 10) {
        if (runs == 0)
            first = n;
        total += check_peeked(ev, n, &next);
        CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], n), 0);
        runs++;
    }
    CU_ASSERT_EQUAL(total, 350);
    CU_ASSERT_EQUAL(next, 600);
    CU_ASSERT_EQUAL(runs, 2);
    CU_ASSERT_TRUE(first < 350);
    /* Nothing peeked: refused. */
    CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], 5), SCTP_ERR_INVAL);
    /* A peek, then a copying poll takes one event off the ring: the peek's
     * run is no longer there to give back, and nothing is released. */
    for (uint32_t i = 600; i < 605; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 8, 0), 1);
    h_run(&H, NULL, 1 * S);
    CU_ASSERT_EQUAL(sctp_endpoint_peek_events(H.ep[1], &ev, 16), 5);
    struct sctp_event one;
    CU_ASSERT_EQUAL(sctp_endpoint_poll_event(H.ep[1], &one), 1);
    CU_ASSERT_EQUAL(sctp_get32(one.u.data.frags[0].data), 600);
    sctp_event_release(H.ep[1], &one);
    CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], 5), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_peek_events(H.ep[1], &ev, 16), 4);
    next = 601;
    CU_ASSERT_EQUAL(check_peeked(ev, 4, &next), 4);
    CU_ASSERT_EQUAL(sctp_endpoint_consume_events(H.ep[1], 4), 0);
    /* Everything was acknowledged, and what follows goes up as usual. */
    h_run(&H, NULL, 1 * S);
    CU_ASSERT_EQUAL(info_of(0).outstanding_bytes, 0);
    H.hold_events[1] = false;
    for (uint32_t i = 700; i < 710; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 8, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 10, 5 * S));
    in_order(1, 10, 700);
    finish(); /* every payload reference is back */
}

static void test_zero_window(void)
{
    zero_window_run();
    h_burst_events = true;
    zero_window_run();
    h_burst_events = false;
}

/* A peer like usrsctp, which advertises a closed window as 1, not 0:
 * SACKs from node 1 saying 0 are rewritten to say 1. */
static int rwnd_zero_to_one(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    if (from != 1)
        return 0;
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c = {0};
    bool changed = false;
    while (sctp_chunk_next(p, len, &off, &c) == 1)
        if (c.type == SCTP_CT_SACK && c.value_len >= 8 && sctp_get32(c.value + 4) == 0) {
            sctp_put32((uint8_t *)c.value + 4, 1);
            changed = true;
        }
    if (changed) {
        struct sctp_frag seg = {.data = p, .len = len, .handle = NULL};
        sctp_crc32c_fill(&seg, 1, (uint8_t *)p);
    }
    return 0;
}

/* RFC 9260 7.2.4 (3): only the packet of marked chunks that takes the
 * sender into Fast Recovery goes regardless of cwnd; chunks marked later,
 * in Fast Recovery, wait until the flight is below cwnd. */
static void test_fast_recovery_marked_wait_cwnd(void)
{
    start_pair(88, 1, NULL);
    uint32_t seq = 0;
    /* Slow start on injected SACKs until cwnd takes 30 chunks of 1000
     * bytes (one per packet). */
    for (int round = 0; round < 80 && info_of(0).paths[0].cwnd < 30000; round++) {
        while (seq < 100000 && info_of(0).queued_bytes < 60000 && send_msg(0, seq, 1000, 0) == 1)
            seq++;
        drain(0);
        inject_sack(info_of(0).next_tsn - 1, 1000000, NULL, 0);
    }
    uint32_t cwnd = info_of(0).paths[0].cwnd;
    CU_ASSERT_TRUE_FATAL(cwnd >= 30000);
    drain(0);
    struct sctp_assoc_info i0 = info_of(0);
    uint32_t base = i0.cum_ack_in + 1;
    CU_ASSERT_TRUE_FATAL(i0.paths[0].flight >= 30000);

    /* base is lost: the SACKs acknowledge base + 1, + 2, + 3 in turn, and
     * the third marks it: it goes at once, as Fast Recovery begins. */
    for (uint16_t end = 2; end <= 4; end++) {
        struct sctp_gap_block g = {.start = 2, .end = end};
        inject_sack(base - 1, 1000000, &g, 1);
    }
    drain(0);
    i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.fast_retransmissions, 1);
    CU_ASSERT_TRUE(i0.paths[0].cwnd < cwnd);
    CU_ASSERT_EQUAL(count_tsn(0, base), 2);

    /* base + 4 and + 5 are lost too: the next three SACKs add base + 6,
     * + 7, + 8, and mark them in Fast Recovery, with the flight above
     * cwnd: they wait. */
    for (uint16_t end = 7; end <= 9; end++) {
        struct sctp_gap_block g[2] = {{.start = 2, .end = 4}, {.start = 7, .end = end}};
        inject_sack(base - 1, 1000000, g, 2);
    }
    drain(0);
    i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.fast_retransmissions, 3);
    CU_ASSERT_TRUE(i0.paths[0].flight >= i0.paths[0].cwnd);
    CU_ASSERT_EQUAL(count_tsn(0, base + 4), 1);
    CU_ASSERT_EQUAL(count_tsn(0, base + 5), 1);

    /* The flight falls below cwnd: they go. */
    struct sctp_gap_block g[2] = {{.start = 2, .end = 4}, {.start = 7, .end = 24}};
    inject_sack(base - 1, 1000000, g, 2);
    drain(0);
    CU_ASSERT_EQUAL(count_tsn(0, base + 4), 2);
    CU_ASSERT_EQUAL(count_tsn(0, base + 5), 2);
    CU_ASSERT_EQUAL(count_tsn(0, base), 2);
    finish();
}

/* RFC 9260 6.1 A: probes answered with a window of 1 (too small for a
 * packet: closed) are no more errors than probes answered with 0. */
static void test_zero_window_rwnd_one(void)
{
    start_pair(79, 1, tune_window);
    drop_fn = rwnd_zero_to_one;
    unsigned k = L.n;
    fill_window();
    h_run(&H, NULL, 30 * S);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_TRUE(i0.t3_expiries > 10);
    CU_ASSERT_TRUE(count_chunks(k, 0, SCTP_CT_DATA) <= 8 + 25);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_TRUE(i0.paths[0].active);
    H.hold_events[1] = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 20, 30 * S));
    finish();
}

/* RFC 9260 6.1 A: "Zero window probing does not affect the calculation
 * of cwnd": a probe's T3 expiry leaves cwnd as it was. */
static void test_zero_window_probe_keeps_cwnd(void)
{
    start_pair(80, 1, tune_window);
    fill_window();
    /* The window is closed after 8000 bytes; the first probe follows
     * one RTO later. */
    h_run(&H, NULL, 20 * MS);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.t3_expiries, 0);
    CU_ASSERT_EQUAL(i0.peer_rwnd, 0);
    uint32_t cwnd = i0.paths[0].cwnd;
    CU_ASSERT_TRUE(cwnd > 1480);
    h_run(&H, NULL, 5 * S);
    i0 = info_of(0);
    CU_ASSERT_TRUE(i0.t3_expiries >= 3);
    CU_ASSERT_EQUAL(i0.paths[0].cwnd, cwnd);
    CU_ASSERT_EQUAL(R.node_msgs[1], 0);
    H.hold_events[1] = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 20, 30 * S));
    finish();
}

/* When node 0 saw the window closed with all its DATA acknowledged: the
 * arrival of the first SACK from node 1, at or after packet k, for
 * cum with a window of 0 (0: none). */
static sctp_tstamp window_closed_seen(unsigned k, uint32_t cum)
{
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk s;
    for (unsigned i = k; i < L.n; i++)
        if (L.p[i].from == 1 && find_chunk(&L.p[i], SCTP_CT_SACK, 0, &c) &&
            sctp_sack_decode(&s, &c) > 0 && s.cum_tsn == cum && s.a_rwnd == 0)
            return L.p[i].at + H.latency;
    return 0;
}

/* The times of the packets from node 0 carrying DATA, at or after packet
 * k; returns how many (up to max). */
static unsigned data_times(unsigned k, sctp_tstamp *at, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = k; i < L.n && n < max; i++)
        if (L.p[i].from == 0 && pkt_has(L.p[i].bytes, L.p[i].len, SCTP_CT_DATA))
            at[n++] = L.p[i].at;
    return n;
}

/* The window closes with everything acknowledged: the first probe one
 * RTO after node 0 saw that, the next ones after 2, 4, 8 ... RTOs, up to
 * RTO.Max; each probe is the same chunk, every DATA packet one probe. */
static void zero_window_probes_check(unsigned k, uint32_t tsn, sctp_tstamp rto, sctp_tstamp rto_max)
{
    sctp_tstamp closed = window_closed_seen(k, tsn - 1);
    CU_ASSERT_TRUE_FATAL(closed != 0);
    sctp_tstamp at[64];
    unsigned n = data_times(k, at, 64), first = 0;
    while (first < n && at[first] < closed)
        first++;
    CU_ASSERT_TRUE_FATAL(n - first >= 5);
    CU_ASSERT_EQUAL(at[first] - closed, rto);
    sctp_tstamp gap = rto;
    for (unsigned i = first + 1; i < n; i++) {
        gap = 2 * gap < rto_max ? 2 * gap : rto_max;
        CU_ASSERT_EQUAL(at[i] - at[i - 1], gap);
    }
    CU_ASSERT_EQUAL(count_tsn(0, tsn), n - first);
    CU_ASSERT_EQUAL(count_tsn(0, tsn + 1), 0);
}

/* RFC 9260 6.1 A: "The sender SHOULD send the first zero window probe
 * after 1 RTO when it detects that the receiver has closed its window
 * and SHOULD increase the probe interval exponentially afterwards."
 * Probes answered by SACKs that keep the window closed are no errors. A
 * window update opens the window: what waits goes at once, and a window
 * closed again starts over from one RTO. */
static void test_zero_window_probe_schedule(void)
{
    start_pair(83, 1, tune_window);
    const sctp_tstamp rto_max = H.cfg[0].rto_max;
    uint32_t tsn = info_of(0).next_tsn;
    unsigned k = L.n;
    fill_window();
    /* The window closed after 8000 bytes, all acknowledged: no probe
     * within the RTO. */
    h_run(&H, NULL, 20 * MS);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.peer_rwnd, 0);
    CU_ASSERT_EQUAL(i0.outstanding_bytes, 0);
    CU_ASSERT_EQUAL(i0.next_tsn, tsn + 8);
    sctp_tstamp rto = i0.paths[0].rto;
    CU_ASSERT_TRUE_FATAL(rto > 20 * MS && 16 * rto < rto_max);
    h_run(&H, NULL, 20 * S);
    zero_window_probes_check(k, tsn + 8, rto, rto_max);
    i0 = info_of(0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_ESTABLISHED);
    CU_ASSERT_EQUAL(i0.paths[0].error_count, 0);
    CU_ASSERT_TRUE(i0.paths[0].active);
    CU_ASSERT_EQUAL(R.node_msgs[1], 0);

    /* The application reads: the window update reaches node 0, and DATA
     * leaves with no wait for the next probe. */
    k = L.n;
    H.hold_events[1] = false;
    h_run(&H, NULL, 10 * MS); /* node 1's application reads at the end */
    h_run(&H, NULL, 10 * MS);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sk;
    int u = next_pkt(k, 1, SCTP_CT_SACK);
    CU_ASSERT_FATAL(u >= 0 && find_chunk(&L.p[u], SCTP_CT_SACK, 0, &c) &&
                    sctp_sack_decode(&sk, &c) > 0);
    CU_ASSERT_TRUE(sk.a_rwnd >= 1000);
    int d = next_pkt((unsigned)u, 0, SCTP_CT_DATA);
    CU_ASSERT_FATAL(d >= 0);
    CU_ASSERT_EQUAL(L.p[d].at, L.p[u].at + H.latency);
    CU_ASSERT_TRUE(run_until_msgs(1, 20, 5 * S));
    in_order(1, 20, 0);

    /* Closed again: the first probe is one RTO after that, again. */
    h_run(&H, NULL, 1 * S);
    tsn = info_of(0).next_tsn;
    k = L.n;
    H.hold_events[1] = true;
    for (uint32_t i = 20; i < 40; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    h_run(&H, NULL, 20 * MS);
    i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.next_tsn, tsn + 8);
    rto = i0.paths[0].rto;
    h_run(&H, NULL, 20 * S);
    zero_window_probes_check(k, tsn + 8, rto, rto_max);
    H.hold_events[1] = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 40, 5 * S));
    in_order(1, 40, 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* RFC 9260 6.1 A, 8.1: zero window probes that draw no SACK at all are
 * T3-rtx expiries like any other: a peer gone silent behind a closed
 * window is found, at the pace of the probes. */
static void test_zero_window_dead_peer(void)
{
    start_pair(87, 1, tune_window);
    uint32_t tsn = info_of(0).next_tsn;
    fill_window();
    h_run(&H, NULL, 20 * MS);
    CU_ASSERT_EQUAL(info_of(0).next_tsn, tsn + 8);
    CU_ASSERT_EQUAL(info_of(0).outstanding_bytes, 0);
    drop_node = 1, drop_fn = drop_from_node;
    h_run(&H, NULL, 60 * S);
    CU_ASSERT_EQUAL(R.lost[0], 1);
    /* Association.Max.Retrans + 1 probes, all unanswered. */
    CU_ASSERT_EQUAL(count_tsn(0, tsn + 8), H.cfg[0].assoc_max_retrans + 1);
    H.hold_events[1] = false;
    h_run(&H, NULL, 10 * MS);
    finish();
}

/* RFC 9260 7.2.4 (3): fast retransmissions ignore cwnd and are not
 * delayed; 6.1 A limits new data only. A chunk found lost by three miss
 * indications goes again at once even though the peer's window, less
 * what is outstanding, is 0. */
static void test_fast_rtx_zero_window(void)
{
    start_pair(81, 1, NULL);
    uint32_t t0 = info_of(0).next_tsn;
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    drain(0); /* sent, never delivered */
    CU_ASSERT_EQUAL(count_tsn(0, t0 + 4), 1);
    for (uint16_t i = 0; i < 3; i++) {
        struct sctp_gap_block g = {.start = 2, .end = (uint16_t)(2 + i)};
        inject_sack(t0 - 1, 0, &g, 1);
    }
    CU_ASSERT_EQUAL(info_of(0).peer_rwnd, 0);
    CU_ASSERT_EQUAL(info_of(0).fast_retransmissions, 1);
    drain(0);
    CU_ASSERT_EQUAL(count_tsn(0, t0), 2);
    finish();
}

/* RFC 9260 9.2: a SHUTDOWN's cumulative TSN ack says nothing of the TSNs
 * above it: chunks a SACK acknowledged in gap blocks stay acknowledged
 * (no renege, no miss indication, not back in flight). */
static void test_shutdown_cum_ack_keeps_gaps(void)
{
    start_pair(84, 1, NULL);
    uint32_t t0 = info_of(0).next_tsn;
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    drain(0);
    struct sctp_gap_block g = {.start = 2, .end = 5}; /* t0 + 1 .. t0 + 4 */
    inject_sack(t0 - 1, 100000, &g, 1);
    CU_ASSERT_EQUAL(info_of(0).outstanding_bytes, 1000);
    uint8_t chunk[16];
    int n = sctp_shutdown_encode(chunk, sizeof(chunk), t0 - 1);
    CU_ASSERT_TRUE_FATAL(n > 0);
    CU_ASSERT_EQUAL(inject(0, 1, info_of(0).local_vtag, chunk, (uint32_t)n), 0);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.state, SCTP_S_SHUTDOWN_RECEIVED);
    CU_ASSERT_EQUAL(i0.outstanding_bytes, 1000);
    CU_ASSERT_EQUAL(i0.paths[0].flight, 1000);
    CU_ASSERT_EQUAL(i0.fast_retransmissions, 0);
    finish();
}

/* RFC 9260 7.2.3, 6.1 A: a T3 expiry with several chunks in flight after
 * a SACK whose window held less than a packet is a loss, not the loss of
 * a zero window probe: cwnd is cut and the path's error count grows. */
static void test_small_window_t3_is_loss(void)
{
    start_pair(85, 1, NULL);
    uint32_t t0 = info_of(0).next_tsn;
    uint32_t cwnd0 = info_of(0).paths[0].cwnd;
    for (uint32_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    drain(0);
    inject_sack(t0 - 1, 500, NULL, 0);
    CU_ASSERT_EQUAL(info_of(0).outstanding_bytes, 4000);
    drop_fn = drop_data_from_0;
    drop_data = true;
    h_run(&H, NULL, 101 * MS);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.t3_expiries, 1);
    CU_ASSERT_TRUE(i0.paths[0].cwnd < cwnd0);
    CU_ASSERT_EQUAL(i0.paths[0].error_count, 1);
    drop_data = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 4, 5 * S));
    finish();
}

/* RFC 9260 5.2.6: a Stale Cookie error that comes when the association
 * is not in COOKIE-ECHOED is discarded silently; another cause in the
 * same ERROR still reaches the application. */
static void test_stale_cookie_error_when_up(void)
{
    start_pair(86, 1, NULL);
    uint8_t chunk[32];
    uint8_t staleness[4] = {0, 0, 0x10, 0};
    uint8_t sid[4] = {0, 9, 0, 0};
    int n = sctp_chunk_hdr_encode(chunk, sizeof(chunk), SCTP_CT_ERROR, 0, 4 + 8 + 8);
    n += sctp_cause_encode(chunk + n, sizeof(chunk) - n, SCTP_CAUSE_STALE_COOKIE, staleness, 4);
    n += sctp_cause_encode(chunk + n, sizeof(chunk) - n, SCTP_CAUSE_INVALID_STREAM, sid, 4);
    CU_ASSERT_EQUAL(inject(0, 1, info_of(0).local_vtag, chunk, (uint32_t)n), 0);
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL(R.n_rerr[0], 1);
    CU_ASSERT_EQUAL(R.rerr[0][0], SCTP_CAUSE_INVALID_STREAM);
    CU_ASSERT_EQUAL(info_of(0).state, SCTP_S_ESTABLISHED);
    finish();
}

static void small_rwnd(struct sctp_config *c)
{
    c->rwnd = 4000;
}

/* RFC 9260 6.2, RFC 1122 4.2.3.3: receiver SWS avoidance. A closed window
 * that the application reopens 200 bytes at a time is not announced for
 * each read: the window update goes once the window takes a full packet
 * (1480 bytes of SCTP here; half the 4000-byte buffer would be more). */
static void test_window_update_sws(void)
{
    start_pair(87, 1, small_rwnd);
    H.hold_events[1] = true;
    for (uint32_t i = 0; i < 40; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 200, 0), 1);
    h_run(&H, NULL, 500 * MS);
    CU_ASSERT_EQUAL(sctp_assoc_get_info(H.ep[1], R.assoc[1], &(struct sctp_assoc_info){0}), 0);
    unsigned k = L.n, updates_at = 0;
    for (unsigned r = 1; r <= 10; r++) {
        struct sctp_event ev;
        CU_ASSERT_EQUAL_FATAL(sctp_endpoint_poll_event(H.ep[1], &ev), 1);
        sctp_event_release(H.ep[1], &ev);
        drain(1);
        if (!updates_at && count_chunks(k, 1, SCTP_CT_SACK) > 0)
            updates_at = r;
    }
    /* 200 bytes a read: 1480 reached at the eighth. */
    CU_ASSERT_EQUAL(updates_at, 8);
    CU_ASSERT_EQUAL(count_chunks(k, 1, SCTP_CT_SACK), 1);
    /* The other 30 arrive (the ten read here are not counted). */
    H.hold_events[1] = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 30, 10 * S));
    finish();
}

/* RFC 9260 6.2.1 B: a retransmitted chunk takes its size from the peer's
 * window as a new one does, so that new data does not overrun it: after
 * the fast retransmission of the one missing chunk, the window left is
 * a_rwnd less both chunks outstanding. */
static void test_rtx_takes_peer_window(void)
{
    start_pair(83, 1, NULL);
    uint32_t t0 = info_of(0).next_tsn;
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    drain(0);
    /* t0 missing; each SACK acknowledges one more above it (7.2.4):
     * the third miss indication marks it for fast retransmission. */
    for (uint16_t end = 2; end <= 4; end++) {
        struct sctp_gap_block g = {.start = 2, .end = end};
        inject_sack(t0 - 1, 8000, &g, 1);
    }
    /* Outstanding after the SACK: t0 + 4 only (t0 left the flight). */
    CU_ASSERT_EQUAL(info_of(0).peer_rwnd, 8000 - 1000);
    drain(0);
    CU_ASSERT_EQUAL(count_tsn(0, t0), 2);
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.fast_retransmissions, 1);
    CU_ASSERT_EQUAL(i0.outstanding_bytes, 2000);
    CU_ASSERT_EQUAL(i0.peer_rwnd, 8000 - 2000);
    finish();
}

/* RFC 9260 6.2.1 D iii: a chunk gap-acked and then no longer reported
 * (the peer reneged) counts a miss indication and waits for T3; it is not
 * sent again at once. */
static void test_renege_waits_for_t3(void)
{
    start_pair(82, 1, NULL);
    uint32_t t0 = info_of(0).next_tsn;
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    drain(0);
    struct sctp_gap_block g = {.start = 2, .end = 5}; /* t0 + 1 .. t0 + 4 */
    inject_sack(t0 - 1, 100000, &g, 1);
    CU_ASSERT_EQUAL(info_of(0).outstanding_bytes, 1000);
    inject_sack(t0 - 1, 100000, NULL, 0); /* reneged */
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.outstanding_bytes, 5000);
    CU_ASSERT_EQUAL(i0.paths[0].flight, 5000);
    unsigned k = L.n;
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_DATA), 0);
    CU_ASSERT_EQUAL(count_tsn(0, t0 + 1), 1);
    /* T3 runs (since the DATA went out, with the initial RTO of 100 ms). */
    CU_ASSERT_TRUE(sctp_endpoint_next_timeout(H.ep[0]) <= H.now + 100 * MS);
    /* T3 expires (nothing reaches node 1): now they go again. */
    drop_fn = drop_data_from_0;
    drop_data = true;
    h_run(&H, NULL, 101 * MS);
    CU_ASSERT_EQUAL(info_of(0).t3_expiries, 1);
    /* 7.2.3: one packet in flight after the expiry: the first chunk. */
    CU_ASSERT_EQUAL(count_tsn(0, t0), 2);
    CU_ASSERT_EQUAL(count_tsn(0, t0 + 1), 1);
    drop_data = false;
    CU_ASSERT_TRUE(run_until_msgs(1, 5, 5 * S));
    finish();
}

static void tune_no_hb(struct sctp_config *c)
{
    c->hb_interval = 60 * S; /* no RTT samples to reset the T3 backoff */
}

/* Closes (on) or reopens node 1's receive: the endpoint's pressure or
 * the association's own hold. */
typedef void (*rx_close_fn)(bool on);

static void close_by_pressure(bool on)
{
    sctp_endpoint_set_rx_pressure(H.ep[1], on);
}

/* Also: an association that does not exist cannot be held. */
static void close_by_hold(bool on)
{
    CU_ASSERT_EQUAL(sctp_assoc_set_rx_hold(H.ep[1], R.assoc[1] + 1000, on), SCTP_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(sctp_assoc_set_rx_hold(H.ep[1], R.assoc[1], on), 0);
}

/* 20 messages into node 1 while its receive is closed: it keeps no DATA,
 * advertises a zero window, still takes SACKs; reopened, the window
 * update goes out at once and all 20 arrive, in order, once each. */
static void closed_receive_case(unsigned seed, rx_close_fn close)
{
    start_pair(seed, 1, tune_no_hb);
    uint32_t tsn = info_of(0).next_tsn;
    long live0 = hbuf_live;
    close(true);
    unsigned k = L.n;
    for (uint32_t i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    h_run(&H, NULL, 20 * S);
    uint32_t cum = 0;
    CU_ASSERT_TRUE(zero_window_seen(k, &cum));
    /* Nothing was kept: no TSN acknowledged, nothing delivered, and the
     * receiver holds no reference to what it dropped (only the sender's
     * queue holds the 20 payloads). */
    CU_ASSERT_EQUAL(cum, tsn - 1);
    CU_ASSERT_EQUAL(R.node_msgs[1], 0);
    CU_ASSERT_EQUAL(hbuf_live - live0, 20);
    /* The sender only probed while the window was closed: one chunk at a
     * time, the T3 timer backing off. */
    CU_ASSERT_TRUE(count_chunks(k, 0, SCTP_CT_DATA) <= 4 + 20);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    CU_ASSERT_EQUAL(info_of(0).peer_rwnd, 0);

    /* Reopened: a window update goes out at once and all 20 arrive, in
     * order, once each. */
    k = L.n;
    close(false);
    h_step(&H);
    bool update = false;
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sk;
    for (unsigned i = k; i < L.n; i++)
        if (L.p[i].from == 1 && find_chunk(&L.p[i], SCTP_CT_SACK, 0, &c) &&
            sctp_sack_decode(&sk, &c) > 0 && sk.a_rwnd > 0)
            update = true;
    CU_ASSERT_TRUE(update);
    CU_ASSERT_TRUE(run_until_msgs(1, 20, 30 * S));
    in_order(1, 20, 0);
    h_run(&H, NULL, 2 * S);
    CU_ASSERT_EQUAL(R.node_msgs[1], 20);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* The layer below runs short of buffers (endpoint-wide pressure). */
static void test_rx_pressure(void)
{
    closed_receive_case(71, close_by_pressure);
}

/* One association held (sctp_assoc_set_rx_hold). */
static void test_rx_hold(void)
{
    closed_receive_case(75, close_by_hold);
}

/* Ten messages from node 0, the first one lost: what follows it waits at
 * node 1, which is then held; the retransmission, which fills the hole,
 * is still taken and acknowledged, but nothing reaches the application.
 * Returns how many complete messages wait in the held association. */
static unsigned held_behind_hole(unsigned seed)
{
    start_pair(seed, 1, tune_no_hb);
    lose_tsn = info_of(0).next_tsn;
    lost_once = false;
    drop_fn = drop_tsn_once;
    for (uint32_t i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    h_step(&H);
    CU_ASSERT_TRUE_FATAL(lost_once);
    CU_ASSERT_EQUAL(R.node_msgs[1], 0); /* all behind the lost one */
    close_by_hold(true);
    unsigned k = L.n;
    h_run(&H, NULL, 5 * S);
    CU_ASSERT_TRUE(count_tsn(0, lose_tsn) >= 2);
    uint32_t cum = 0;
    CU_ASSERT_TRUE(zero_window_seen(k, &cum));
    CU_ASSERT_TRUE_FATAL(sctp_tsn_gt(cum, lose_tsn)); /* the hole is filled */
    CU_ASSERT_EQUAL(R.node_msgs[1], 0);
    return cum - lose_tsn + 1; /* one TSN per message */
}

/* Node 1 got exactly the first n of the ten, in order. */
static void first_in_order(unsigned n)
{
    uint32_t got[10];
    CU_ASSERT_EQUAL_FATAL(seqs_of(1, got, 10), n);
    for (uint32_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(got[i], i);
}

/* Messages that a hold finds complete but not yet delivered stay in the
 * association until it is released. Released, every message arrives, in
 * order, once each. */
static void test_rx_hold_keeps_ready(void)
{
    held_behind_hole(77);
    close_by_hold(false);
    CU_ASSERT_TRUE(run_until_msgs(1, 10, 10 * S));
    first_in_order(10);
    h_run(&H, NULL, 2 * S);
    CU_ASSERT_EQUAL(R.node_msgs[1], 10);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* The peer aborts while the association is held with complete messages
 * waiting in it: they reach the application, in order, before the
 * association's end (COMM_LOST), as an association that is not held
 * gives back what it queued. */
static void test_rx_hold_abort_delivers(void)
{
    unsigned complete = held_behind_hole(78);
    CU_ASSERT_EQUAL(sctp_assoc_abort(H.ep[0], R.assoc[0], NULL, 0, H.now), 0);
    h_run(&H, NULL, 1 * S);
    CU_ASSERT_EQUAL(R.lost[1], 1);
    CU_ASSERT_EQUAL(R.node_msgs[1], complete);
    CU_ASSERT_EQUAL(R.msgs_at_lost[1], complete);
    first_in_order(complete);
    finish();
}

static bool restarted_1(struct harness *h)
{
    (void)h;
    return R.restart[1] && R.up[0] >= 2;
}

/* The peer restarts (RFC 9260 5.2.4) while the association is held with
 * complete messages waiting in it: they reach the application, in order,
 * before the RESTART notification, since reassembly starts over. */
static void test_rx_hold_restart_delivers(void)
{
    unsigned complete = held_behind_hole(79);
    h_restart_node(&H, 0);
    R.assoc[0] = 0;
    uint32_t id0;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], &H.cfg[1].addrs[0], 1, H.cfg[1].port, 1,
                                                NULL, NULL, &id0, H.now),
                          0);
    CU_ASSERT_TRUE_FATAL(h_run(&H, restarted_1, 5 * S));
    CU_ASSERT_EQUAL(R.msgs_at_restart[1], complete);
    CU_ASSERT_EQUAL(R.node_msgs[1], complete);
    first_in_order(complete);
    CU_ASSERT_EQUAL(R.lost[1], 0);
    /* Those say they came before the restart; what the new incarnation
     * sends does not. */
    unsigned before = 0, after = 0;
    sctp_assoc_set_rx_hold(H.ep[1], R.assoc[1], false);
    for (uint32_t i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(send_msg(0, 1000 + i, 100, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, complete + 3, 5 * S));
    for (unsigned i = 0; i < R.n_msgs; i++) {
        if (R.msgs[i].node != 1)
            continue;
        if (R.msgs[i].flags & SCTP_EV_DATA_BEFORE_RESTART)
            before += i < complete;
        else
            after += R.msgs[i].seq >= 1000;
    }
    CU_ASSERT_EQUAL(before, complete);
    CU_ASSERT_EQUAL(after, 3);
    finish();
}

/* The window reopens after a short pressure (inside the RTO): what
 * the receiver dropped goes again at once on the window update, not a
 * T3 later; nothing is lost or delivered twice. */
static void test_rx_pressure_reopen(void)
{
    start_pair(73, 1, tune_no_hb);
    /* RTT samples first (1 ms each way). */
    for (uint32_t i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    CU_ASSERT_TRUE_FATAL(run_until_msgs(1, 10, 1 * S));
    h_run(&H, NULL, 300 * MS);
    struct sctp_assoc_info before = info_of(0);
    CU_ASSERT_TRUE_FATAL(before.paths[0].srtt > 0);

    sctp_endpoint_set_rx_pressure(H.ep[1], true);
    unsigned k = L.n;
    for (uint32_t i = 10; i < 30; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    h_run(&H, NULL, 20 * MS);
    uint32_t cum = 0;
    CU_ASSERT_TRUE(zero_window_seen(k, &cum));
    CU_ASSERT_EQUAL(R.node_msgs[1], 10);
    CU_ASSERT_TRUE(info_of(0).outstanding_bytes > 0);

    sctp_endpoint_set_rx_pressure(H.ep[1], false);
    CU_ASSERT_TRUE(run_until_msgs(1, 30, 10 * MS));
    in_order(1, 30, 0);
    struct sctp_assoc_info after = info_of(0);
    CU_ASSERT_EQUAL(after.t3_expiries, before.t3_expiries);
    CU_ASSERT_TRUE(after.reopen_retransmissions >= 1);
    /* A loss all the same: fast recovery halved the window once. */
    CU_ASSERT_TRUE(after.paths[0].ssthresh < before.paths[0].ssthresh);
    h_run(&H, NULL, 2 * S);
    CU_ASSERT_EQUAL(R.node_msgs[1], 30);
    CU_ASSERT_EQUAL(info_of(0).outstanding_bytes, 0);
    finish();
}

/* Under pressure the receiver keeps only the TSN that lets held data go
 * up (the next one, with data above it): a new TSN is dropped, and so is
 * the next one when nothing is held above it. */
static void test_rx_pressure_next_tsn(void)
{
    start_pair(74, 1, NULL);
    uint32_t base = info_of(0).next_tsn; /* node 1 waits for this TSN */
    uint32_t vtag = info_of(1).local_vtag;
    const uint8_t ube = SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E | SCTP_DATA_FLAG_U;
    uint8_t chunk[64];
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;

    /* base + 1 is held above a hole. */
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, ube, base + 1, 0, 0, 8)), 0);
    sctp_endpoint_set_rx_pressure(H.ep[1], true);
    /* A new TSN above: dropped. */
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, ube, base + 2, 0, 0, 8)), 0);
    /* The hole: kept, and both go up. */
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, ube, base, 0, 0, 8)), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base + 1);
    CU_ASSERT_EQUAL(sack.n_gaps, 0);
    CU_ASSERT_EQUAL(sack.a_rwnd, 0);
    CU_ASSERT_EQUAL(poll_data_events(1), 2);
    /* The next TSN with nothing held above it: dropped. */
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, ube, base + 2, 0, 0, 8)), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base + 1);
    CU_ASSERT_EQUAL(poll_data_events(1), 0);
    /* Pressure over: it is kept. */
    sctp_endpoint_set_rx_pressure(H.ep[1], false);
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, ube, base + 2, 0, 0, 8)), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base + 2);
    CU_ASSERT_TRUE(sack.a_rwnd > 0);
    CU_ASSERT_EQUAL(poll_data_events(1), 1);
    finish();
}

/* SCTP_RX_PRESSURE_BLOCKED spares an association whose peer takes what it
 * sends (here node 1 sends nothing): node 0's messages arrive. One level
 * up (ALL) they are dropped behind a zero window; lowered to BLOCKED
 * again, the window update goes out and they all arrive, in order. */
static void test_rx_pressure_blocked_spares(void)
{
    start_pair(81, 1, tune_no_hb);
    sctp_endpoint_set_rx_pressure_level(H.ep[1], SCTP_RX_PRESSURE_BLOCKED);
    for (uint32_t i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 20, 1 * S));
    CU_ASSERT_EQUAL(info_of(1).state, SCTP_S_ESTABLISHED);

    sctp_endpoint_set_rx_pressure_level(H.ep[1], SCTP_RX_PRESSURE_ALL);
    unsigned k = L.n;
    for (uint32_t i = 20; i < 30; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    h_run(&H, NULL, 50 * MS);
    uint32_t cum = 0;
    CU_ASSERT_TRUE(zero_window_seen(k, &cum));
    CU_ASSERT_EQUAL(R.node_msgs[1], 20);

    sctp_endpoint_set_rx_pressure_level(H.ep[1], SCTP_RX_PRESSURE_BLOCKED);
    CU_ASSERT_TRUE(run_until_msgs(1, 30, 50 * MS));
    in_order(1, 30, 0);
    h_run(&H, NULL, 2 * S);
    CU_ASSERT_EQUAL(R.node_msgs[1], 30);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* SCTP_RX_PRESSURE_BLOCKED holds back an association whose peer does not
 * take what it has to send: node 0 stops reading (held), node 1's
 * messages wait, and node 0's messages to node 1 are dropped behind a
 * zero window. When node 0 reads again, its window update frees node 1,
 * which sends its own window update at once: node 0's messages arrive
 * well inside the retransmission timeout (at least 1 s) that a zero
 * window probe would have waited for. */
static void test_rx_pressure_blocked_peer(void)
{
    start_pair(82, 1, tune_no_hb);
    /* RTT samples both ways first (1 ms each way). */
    for (uint32_t i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
        CU_ASSERT_EQUAL(send_msg(1, 100 + i, 1000, 0), 1);
    }
    CU_ASSERT_TRUE_FATAL(run_until_msgs(1, 5, 1 * S));
    CU_ASSERT_TRUE_FATAL(run_until_msgs(0, 5, 1 * S));
    h_run(&H, NULL, 300 * MS);
    CU_ASSERT_EQUAL(sctp_assoc_set_rx_hold(H.ep[0], R.assoc[0], true), 0);
    for (uint32_t i = 5; i < 25; i++)
        CU_ASSERT_EQUAL(send_msg(1, 100 + i, 1000, 0), 1);
    h_run(&H, NULL, 50 * MS);
    struct sctp_assoc_info i1 = info_of(1);
    CU_ASSERT_EQUAL(i1.peer_rwnd, 0);
    CU_ASSERT_TRUE_FATAL(i1.queued_bytes > i1.outstanding_bytes); /* some wait unsent */
    CU_ASSERT_EQUAL(R.node_msgs[0], 5);
    CU_ASSERT_EQUAL(sctp_assoc_peer_blocked(H.ep[1], R.assoc[1]), 1);
    CU_ASSERT_EQUAL(sctp_assoc_peer_blocked(H.ep[0], R.assoc[0]), 0);
    CU_ASSERT_EQUAL(sctp_assoc_peer_blocked(H.ep[1], R.assoc[1] + 1000), SCTP_ERR_NOTFOUND);

    sctp_endpoint_set_rx_pressure_level(H.ep[1], SCTP_RX_PRESSURE_BLOCKED);
    unsigned k = L.n;
    for (uint32_t i = 5; i < 15; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    h_run(&H, NULL, 300 * MS);
    uint32_t cum = 0;
    CU_ASSERT_TRUE(zero_window_seen(k, &cum));
    CU_ASSERT_EQUAL(R.node_msgs[1], 5);

    CU_ASSERT_EQUAL(sctp_assoc_set_rx_hold(H.ep[0], R.assoc[0], false), 0);
    CU_ASSERT_TRUE(run_until_msgs(1, 15, 100 * MS));
    in_order(1, 15, 0);
    CU_ASSERT_TRUE(run_until_msgs(0, 25, 5 * S));
    in_order(0, 25, 100);
    CU_ASSERT_EQUAL(sctp_assoc_peer_blocked(H.ep[1], R.assoc[1]), 0);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* SCTP_RX_PRESSURE_BLOCKED also holds back an association whose
 * reassembly holds 64 chunks or more behind a missing TSN: of 70 ordered
 * messages behind the first one, 64 are kept and the rest dropped (not
 * acknowledged, window 0). The missing TSN is still taken and lets the
 * 64 go up; then the dropped ones are taken again. With fewer chunks
 * held the association is not held back. */
static void blocked_hole_case(unsigned seed, enum sctp_rx_pressure level)
{
    start_pair(seed, 1, NULL);
    uint32_t base = info_of(0).next_tsn; /* node 1 waits for this TSN */
    uint32_t vtag = info_of(1).local_vtag;
    const uint8_t be = SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E;
    uint8_t chunk[64];
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;

    sctp_endpoint_set_rx_pressure_level(H.ep[1], level);
    /* 10 behind the hole: not enough to be held back. */
    for (uint16_t i = 1; i <= 10; i++)
        CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, be, base + i, 0, i, 8)), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base - 1);
    CU_ASSERT_EQUAL_FATAL(sack.n_gaps, 1);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 0).end, 11);
    CU_ASSERT_TRUE(sack.a_rwnd > 0);
    /* 60 more: the association keeps 64 behind the hole, no more. */
    for (uint16_t i = 11; i <= 70; i++)
        CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, be, base + i, 0, i, 8)), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base - 1);
    CU_ASSERT_EQUAL(sack.a_rwnd, 0);
    CU_ASSERT_EQUAL_FATAL(sack.n_gaps, 1);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 0).start, 2);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 0).end, 65); /* base + 1 to base + 64 */
    CU_ASSERT_EQUAL(poll_data_events(1), 0);
    /* The missing TSN is taken and lets the 64 go up. */
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, be, base, 0, 0, 8)), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base + 64);
    CU_ASSERT_TRUE(sack.a_rwnd > 0); /* at once, open again */
    CU_ASSERT_EQUAL(poll_data_events(1), 65);
    /* Nothing behind a hole now: the dropped ones are taken. */
    for (uint16_t i = 65; i <= 70; i++)
        CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, be, base + i, 0, i, 8)), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base + 70);
    CU_ASSERT_EQUAL(sack.n_gaps, 0);
    CU_ASSERT_TRUE(sack.a_rwnd > 0);
    CU_ASSERT_EQUAL(poll_data_events(1), 6);
    sctp_endpoint_set_rx_pressure_level(H.ep[1], SCTP_RX_PRESSURE_OFF);
    finish();
}

static void test_rx_pressure_blocked_hole(void)
{
    blocked_hole_case(84, SCTP_RX_PRESSURE_BLOCKED);
}

/* SCTP_RX_PRESSURE_HOLES holds back data behind a missing TSN as well. */
static void test_rx_pressure_holes_hole(void)
{
    blocked_hole_case(85, SCTP_RX_PRESSURE_HOLES);
}

/* SCTP_RX_PRESSURE_HOLES does not hold back an association because its
 * peer holds up what it sends: node 0 stops reading and node 1's
 * messages wait, but node 0's messages still reach node 1. (Two ends that
 * read what they get, each short of buffers and each holding back the
 * other for that reason, would wait for each other for good.) */
static void test_rx_pressure_holes_spares_blocked(void)
{
    start_pair(86, 1, tune_no_hb);
    CU_ASSERT_EQUAL(sctp_assoc_set_rx_hold(H.ep[0], R.assoc[0], true), 0);
    for (uint32_t i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(send_msg(1, 100 + i, 1000, 0), 1);
    h_run(&H, NULL, 50 * MS);
    CU_ASSERT_EQUAL_FATAL(sctp_assoc_peer_blocked(H.ep[1], R.assoc[1]), 1);
    sctp_endpoint_set_rx_pressure_level(H.ep[1], SCTP_RX_PRESSURE_HOLES);
    for (uint32_t i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 10, 1 * S));
    in_order(1, 10, 0);
    CU_ASSERT_EQUAL(sctp_assoc_set_rx_hold(H.ep[0], R.assoc[0], false), 0);
    CU_ASSERT_TRUE(run_until_msgs(0, 20, 5 * S));
    sctp_endpoint_set_rx_pressure_level(H.ep[1], SCTP_RX_PRESSURE_OFF);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* DATA dropped for want of room, then the user reads before the SACK is
 * written: the SACK still says the window was closed (a_rwnd 0), and a
 * window update follows in the same round. Otherwise the sender would see
 * only DATA missing with nothing above it, and wait for T3. */
static void test_drop_reports_closed_window(void)
{
    start_pair(75, 1, tune_window);
    uint32_t base = info_of(0).next_tsn;
    uint32_t vtag = info_of(1).local_vtag;
    const uint8_t ube = SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E | SCTP_DATA_FLAG_U;
    static uint8_t chunk[1100];
    /* 8 x 1000 bytes fill the 8000-byte window; the 9th is dropped. */
    for (uint32_t i = 0; i < 9; i++)
        CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, put_data(chunk, ube, base + i, 0, 0, 1000)), 0);
    CU_ASSERT_EQUAL(poll_data_events(1), 8);
    unsigned k = L.n;
    drain(1);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sk;
    uint32_t rw[4];
    unsigned ns = 0;
    for (unsigned i = k; i < L.n && ns < 4; i++)
        if (L.p[i].from == 1 && find_chunk(&L.p[i], SCTP_CT_SACK, 0, &c) &&
            sctp_sack_decode(&sk, &c) > 0) {
            CU_ASSERT_EQUAL(sk.cum_tsn, base + 7);
            rw[ns++] = sk.a_rwnd;
        }
    CU_ASSERT_EQUAL_FATAL(ns, 2);
    CU_ASSERT_EQUAL(rw[0], 0);
    CU_ASSERT_EQUAL(rw[1], 8000);
    /* Nothing more to say: no third SACK. */
    CU_ASSERT_EQUAL(drain(1), 0);
    finish();
}

static void tune_hb_1s(struct sctp_config *c)
{
    c->hb_interval = 1 * S;
}

/* RFC 9260 8.3: only idle addresses are heartbeated. While node 0 sends
 * new DATA every 100 ms, it sends no HEARTBEAT (the SACKs measure the
 * RTT); node 1, which sends only SACKs, keeps heartbeating; once node 0
 * goes quiet its heartbeats resume. */
static void test_heartbeat_idle_only(void)
{
    start_pair(72, 1, tune_hb_1s);
    h_run(&H, NULL, 3 * S);
    unsigned k = L.n;
    for (uint32_t i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(send_msg(0, i, 200, 0), 1);
        h_run(&H, NULL, 100 * MS);
    }
    unsigned busy0 = count_chunks(k, 0, SCTP_CT_HEARTBEAT);
    unsigned busy1 = count_chunks(k, 1, SCTP_CT_HEARTBEAT);
    CU_ASSERT_EQUAL(busy0, 0);
    CU_ASSERT_TRUE(busy1 >= 6 && busy1 <= 10);
    CU_ASSERT_EQUAL(R.node_msgs[1], 100);
    k = L.n;
    h_run(&H, NULL, 10 * S);
    unsigned idle0 = count_chunks(k, 0, SCTP_CT_HEARTBEAT);
    CU_ASSERT_TRUE(idle0 >= 6 && idle0 <= 10);
    CU_ASSERT_EQUAL(info_of(0).state, SCTP_S_ESTABLISHED);
    finish();
}

/* ================= retransmission timer ================= */

/* RFC 9260 7.2.4 (4): when the earliest outstanding chunk on an address
 * is fast retransmitted, T3 restarts for that address. The SACKs that
 * report it missing acknowledge nothing outstanding before it, so they
 * leave T3 alone (6.3.2 R3); the retransmission restarts it. */
static void test_fast_rtx_restarts_t3(void)
{
    start_pair(76, 1, NULL);
    struct sctp_assoc *a = sctp_ep_find_id(H.ep[0], R.assoc[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    struct sctp_path *p = &a->paths[0];
    uint32_t t = a->next_tsn;
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    drain(0); /* lost: node 1 sees none of it */
    CU_ASSERT_EQUAL_FATAL(a->next_tsn, t + 5);
    sctp_tstamp t3 = p->t3_timer;
    CU_ASSERT_EQUAL(t3, H.now + p->rto.rto);
    H.now += 30 * MS;
    for (uint16_t k = 2; k <= 4; k++) {
        struct sctp_gap_block g = {.start = 2, .end = k};
        inject_sack(t - 1, 1u << 20, &g, 1);
    }
    CU_ASSERT_EQUAL(a->fast_retransmissions, 1);
    CU_ASSERT_EQUAL(p->t3_timer, t3);
    drain(0);
    CU_ASSERT_EQUAL(count_tsn(0, t), 2);
    CU_ASSERT_EQUAL(p->t3_timer, H.now + p->rto.rto);
    finish();
}

/* ================= reassembly limits ================= */

static void tune_reasm_small(struct sctp_config *c)
{
    c->max_reasm_bytes = 64 * 1024; /* max_reasm_chunks 0: 256 chunks */
}

/* Injects ordered 1-byte messages on stream 0 (SSN = TSN offset from
 * base) at offsets first, first + step, ... (count of them), 64 to a
 * packet, into node 1. */
static void inject_tiny(uint32_t base, uint32_t first, uint32_t step, uint32_t count)
{
    static uint8_t chunks[64 * 20];
    uint32_t vtag = info_of(1).local_vtag;
    for (uint32_t k = 0; k < count; k += 64) {
        uint32_t n = 0;
        for (uint32_t i = k; i < count && i < k + 64; i++) {
            uint32_t off = first + i * step;
            n += put_data(chunks + n, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, base + off, 0,
                          (uint16_t)off, 1);
        }
        CU_ASSERT_EQUAL(inject(1, 0, vtag, chunks, n), 0);
    }
}

/* A hostile peer sends 1-byte messages behind a missing TSN: each held
 * chunk costs a node and a reference on its packet, not one byte. The
 * advertised window counts a node's worth of overhead per chunk; at 256
 * chunks held (max_reasm_bytes / 256) the window closes and new DATA is
 * dropped unacknowledged; chunks filling holes get a quarter more; the
 * missing TSN itself still gets in, and what it unblocks goes up. */
static void test_tiny_chunks_behind_gap(void)
{
    start_pair(77, 1, tune_reasm_small);
    uint32_t base = info_of(0).next_tsn; /* never sent: the gap */
    struct sctp_assoc *a1 = sctp_ep_find_id(H.ep[1], R.assoc[1]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a1);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;

    /* Even offsets 2, 4, ...: 64 held, the window shrinks by 65 each. */
    inject_tiny(base, 2, 2, 64);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base - 1);
    CU_ASSERT_EQUAL(sack.a_rwnd, H.cfg[1].rwnd - 64 * (1 + SCTP_REASM_CHUNK_OVERHEAD));
    /* 236 more: 256 held, the last 44 dropped. */
    inject_tiny(base, 2 + 2 * 64, 2, 236);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(a1->reasm), 256);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base - 1);
    CU_ASSERT_EQUAL(sack.a_rwnd, 0);
    CU_ASSERT_EQUAL_FATAL(sack.n_gaps, 256);              /* 6.2: as many as fit */
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 63).start, 129); /* offsets from base - 1 */
    CU_ASSERT_EQUAL(a1->map.highest_tsn, base + 512);

    /* Odd offsets 3, 5, ... fill holes: 64 more, then dropped. */
    inject_tiny(base, 3, 2, 100);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(a1->reasm), 320);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.a_rwnd, 0);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 0).start, 3);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 0).end, 131);
    CU_ASSERT_EQUAL(poll_data_events(1), 0);

    /* The missing TSN and the next one: SSN 0 .. 130 go up. */
    inject_tiny(base, 0, 1, 2);
    CU_ASSERT_EQUAL(poll_data_events(1), 131);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(a1->reasm), 191);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base + 130);
    CU_ASSERT_TRUE(sack.a_rwnd > 0);
    finish();
}

static void tune_reasm_chunks(struct sctp_config *c)
{
    c->max_reasm_chunks = 100;
}

/* max_reasm_chunks set: the window closes at that many chunks held. */
static void test_reasm_chunks_config(void)
{
    start_pair(78, 1, tune_reasm_chunks);
    uint32_t base = info_of(0).next_tsn;
    struct sctp_assoc *a1 = sctp_ep_find_id(H.ep[1], R.assoc[1]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a1);
    inject_tiny(base, 1, 1, 150);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(a1->reasm), 100);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.a_rwnd, 0);
    CU_ASSERT_EQUAL_FATAL(sack.n_gaps, 1);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 0).end, 101);
    inject_tiny(base, 0, 1, 1);
    CU_ASSERT_EQUAL(poll_data_events(1), 101);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(a1->reasm), 0);
    finish();
}

/* ================= SACK limits ================= */

static void tune_limits(struct sctp_config *c)
{
    c->max_gap_blocks = 4;
    c->max_dup_tsns = 3;
}

/* A peer whose DATA leaves ten holes and repeats five TSNs: our SACK
 * reports at most max_gap_blocks blocks and max_dup_tsns duplicates. */
static void test_sack_limits(void)
{
    start_pair(71, 1, tune_limits);
    uint32_t base = info_of(0).next_tsn; /* node 1 waits for this TSN */
    uint32_t vtag = info_of(1).local_vtag;
    uint8_t chunks[1024];
    uint32_t n = 0;
    for (uint32_t i = 0; i < 10; i++)
        n += put_data(chunks + n, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E | SCTP_DATA_FLAG_U,
                      base + 1 + 2 * i, 0, 0, 8);
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunks, n), 0);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.cum_tsn, base - 1);
    CU_ASSERT_EQUAL_FATAL(sack.n_gaps, 4);
    CU_ASSERT_EQUAL(sack.n_dups, 0);
    for (unsigned i = 0; i < 4; i++) {
        struct sctp_gap_block g = sctp_sack_gap(&sack, i);
        CU_ASSERT_EQUAL(g.start, 2 + 2 * i);
        CU_ASSERT_EQUAL(g.end, 2 + 2 * i);
    }
    /* Five of them again. */
    n = 0;
    for (uint32_t i = 0; i < 5; i++)
        n += put_data(chunks + n, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E | SCTP_DATA_FLAG_U,
                      base + 1 + 2 * i, 0, 0, 8);
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunks, n), 0);
    CU_ASSERT_TRUE_FATAL(drain_sack(1, &c, &sack));
    CU_ASSERT_EQUAL(sack.n_gaps, 4);
    CU_ASSERT_EQUAL_FATAL(sack.n_dups, 3);
    for (unsigned i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(sctp_sack_dup(&sack, i), base + 1 + 2 * i);
    /* The chunk length matches the counts. */
    CU_ASSERT_EQUAL(c.length, 16 + 4 * (4 + 3));
    CU_ASSERT_EQUAL(poll_data_events(1), 10); /* unordered: delivered */
    finish();
}

static void tune_sack_room(struct sctp_config *c)
{
    c->pmtu = 576; /* 556 bytes of SCTP per packet */
    c->max_gap_blocks = 200;
    c->max_dup_tsns = 32;
}

/* Injects 1-byte unordered messages at TSNs base + first + 2 i (i < n):
 * one gap block each. */
static void inject_holes(uint32_t base, uint32_t first, uint32_t n)
{
    static uint8_t chunks[200 * 20];
    uint32_t len = 0;
    for (uint32_t i = 0; i < n; i++)
        len += put_data(chunks + len, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E | SCTP_DATA_FLAG_U,
                        base + first + 2 * i, 0, 0, 1);
    CU_ASSERT_EQUAL(inject(1, 0, info_of(1).local_vtag, chunks, len), 0);
}

/* RFC 9260 6.2: a SACK, even as the first chunk of its packet, keeps
 * within the path MTU: 150 gap blocks do not fit 556 bytes, so the
 * highest ones are left out (and the duplicates before them). */
static void test_sack_fits_pmtu(void)
{
    start_pair(81, 1, tune_sack_room);
    uint32_t base = info_of(0).next_tsn;
    inject_holes(base, 1, 150);
    inject_holes(base, 1, 5); /* five duplicates */
    unsigned k = L.n;
    drain(1);
    int i = next_pkt(k, 1, SCTP_CT_SACK);
    CU_ASSERT_TRUE_FATAL(i >= 0);
    CU_ASSERT_TRUE(L.p[i].len <= 556);
    CU_ASSERT_EQUAL(chunk_pos(&L.p[i], SCTP_CT_SACK), 0);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[i], SCTP_CT_SACK, 0, &c));
    CU_ASSERT_TRUE_FATAL(sctp_sack_decode(&sack, &c) > 0);
    CU_ASSERT_EQUAL(sack.n_gaps, (556 - 12 - 16) / 4);
    CU_ASSERT_EQUAL(sack.n_dups, 0);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, 0).start, 2);
    CU_ASSERT_EQUAL(sctp_sack_gap(&sack, sack.n_gaps - 1).start, 2 + 2 * (sack.n_gaps - 1));
    finish();
}

/* A SACK bundled after a HEARTBEAT ACK gets the room left in that packet:
 * its duplicate list is cut to fit, and what it reports (the duplicates,
 * the closed window after dropped DATA) is consumed only with the SACK
 * actually sent. Before, a SACK that did not fit there had already used
 * them up: the next one reported no duplicates and an open window. */
static void test_sack_after_heartbeat_ack(void)
{
    start_pair(82, 1, tune_sack_room);
    uint32_t base = info_of(0).next_tsn;
    uint32_t vtag = info_of(1).local_vtag;
    inject_holes(base, 1, 70);
    drain(1);
    inject_holes(base, 1, 20); /* 20 duplicates */
    /* DATA dropped for want of room. */
    uint8_t chunk[300];
    sctp_endpoint_set_rx_pressure(H.ep[1], true);
    uint32_t n = put_data(chunk, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, base + 500, 0, 0, 8);
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, n), 0);
    sctp_endpoint_set_rx_pressure(H.ep[1], false);
    /* A HEARTBEAT with 200 bytes of information: its ACK takes 208. */
    uint8_t info[200] = {0};
    n = (uint32_t)sctp_chunk_hdr_encode(chunk, sizeof(chunk), SCTP_CT_HEARTBEAT, 0, 4 + 204);
    n += (uint32_t)sctp_tlv_encode(chunk + n, sizeof(chunk) - n, SCTP_PT_HEARTBEAT_INFO, info,
                                   sizeof(info));
    CU_ASSERT_EQUAL(inject(1, 0, vtag, chunk, n), 0);
    unsigned k = L.n;
    drain(1);
    int i = next_pkt(k, 1, SCTP_CT_HEARTBEAT_ACK);
    CU_ASSERT_TRUE_FATAL(i >= 0);
    CU_ASSERT_TRUE(L.p[i].len <= 556);
    struct sctp_chunk c = {0};
    struct sctp_sack_chunk sack;
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[i], SCTP_CT_SACK, 0, &c));
    CU_ASSERT_TRUE_FATAL(sctp_sack_decode(&sack, &c) > 0);
    CU_ASSERT_EQUAL(sack.n_gaps, 70);
    CU_ASSERT_EQUAL(sack.n_dups, (556 - 12 - 208 - 16) / 4 - 70);
    CU_ASSERT_EQUAL(sctp_sack_dup(&sack, 0), base + 1);
    CU_ASSERT_EQUAL(sack.a_rwnd, 0);
    /* Then the window update, with nothing left to report twice. */
    int j = next_pkt((unsigned)i + 1, 1, SCTP_CT_SACK);
    CU_ASSERT_TRUE_FATAL(j >= 0);
    CU_ASSERT_TRUE_FATAL(find_chunk(&L.p[j], SCTP_CT_SACK, 0, &c));
    CU_ASSERT_TRUE_FATAL(sctp_sack_decode(&sack, &c) > 0);
    CU_ASSERT_TRUE(sack.a_rwnd > 0);
    CU_ASSERT_EQUAL(sack.n_dups, 0);
    finish();
}

/* ================= the send API's errors ================= */

static void tune_sendq(struct sctp_config *c)
{
    c->max_sendq_bytes = 10000;
}

/* RFC 9260 7.3 and 10 (ICMP6): an ICMP too-big lowers the path
 * MTU only if it quotes the peer's verification tag (or our INIT); never
 * raises it. */
static void test_icmp_pmtu_tag(void)
{
    start_pair(71, 4, NULL);
    struct sctp_assoc_info i0 = info_of(0);
    const struct sctp_addr *peer = &H.cfg[1].addrs[0];
    uint16_t pport = H.cfg[1].port;
    uint8_t q[20] = {0};
    uint32_t mtu0 = i0.paths[0].mtu;

    sctp_put32(q + 4, i0.peer_vtag ^ 0x01020304u);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], peer, pport, q, sizeof(q), 1000, H.now),
                    SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, mtu0);
    /* A zero tag needs an INIT carrying our tag as its Initiate Tag. */
    sctp_put32(q + 4, 0);
    q[12] = 1;
    sctp_put32(q + 16, i0.local_vtag ^ 1u);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], peer, pport, q, sizeof(q), 1000, H.now),
                    SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], peer, pport, q, 8, 1000, H.now),
                    SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, mtu0);
    sctp_put32(q + 16, i0.local_vtag);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], peer, pport, q, sizeof(q), 1300, H.now), 0);
    uint32_t mtu1 = info_of(0).paths[0].mtu;
    CU_ASSERT_TRUE(mtu1 < mtu0);
    /* The peer's tag: taken; a larger MTU: ignored. */
    memset(q, 0, sizeof(q));
    sctp_put32(q + 4, i0.peer_vtag);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], peer, pport, q, 8, 1000, H.now), 0);
    uint32_t mtu2 = info_of(0).paths[0].mtu;
    CU_ASSERT_TRUE(mtu2 < mtu1);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], peer, pport, q, 8, 1400, H.now), 0);
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, mtu2);
    /* Data still flows at the smaller size (fragmented to it). */
    CU_ASSERT_EQUAL(send_msg(0, 1, 3000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 5 * S));
    finish();
}

/* A path whose MTU is 1200 (IPv4) from node 0 on: what exceeds it with
 * DF set is dropped, and the first such packet kept as an ICMP would
 * quote it. Packets sent larger than their path MTU (frag_ok) pass, as
 * IP fragments would. */
static struct {
    uint32_t mtu;
    unsigned dropped, frag_ok, over_mtu_delivered, big;
    uint8_t quote[28];
} PM;

static int pmtu_drop(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    if (from != 0)
        return 0;
    PM.frag_ok += h->pkt_frag_ok;
    PM.big += len + 20 > 1200;
    if (len + 20 <= PM.mtu)
        return 0;
    if (h->pkt_frag_ok) {
        PM.over_mtu_delivered++;
        return 0;
    }
    if (PM.dropped++ == 0)
        memcpy(PM.quote, p, sizeof(PM.quote));
    return 1;
}

static bool pm_dropped(struct harness *h)
{
    (void)h;
    return PM.dropped > 0;
}

/* RFC 9260 7.3: an ICMP too-big lowers the path MTU while chunks made
 * for the old one are in flight. They go again at once, not after T3,
 * in packets larger than the path's MTU (frag_ok: DF clear, fragmented
 * by the IP layer); cwnd is left alone and no error is counted. New
 * data is cut to the new MTU. pmtu_raise later (RFC 8201 4), not
 * before, a probe (HEARTBEAT and PAD, RFC 8899) looks for the configured
 * MTU: lost three times on the narrow path, it changes nothing; on a
 * path wide again, it is answered and the MTU goes back up. */
static void test_pmtu_inflight(void)
{
    memset(&PM, 0, sizeof(PM));
    PM.mtu = 1200;
    start_pair(73, 4, NULL);
    drop_fn = pmtu_drop;
    struct sctp_assoc_info i0 = info_of(0);
    CU_ASSERT_EQUAL(i0.paths[0].mtu, 1500);
    uint32_t cwnd0 = i0.paths[0].cwnd;

    /* 4000 bytes: chunks of up to 1452 bytes, in packets over 1200. */
    CU_ASSERT_EQUAL(send_msg(0, 1, 4000, 0), 1);
    CU_ASSERT_TRUE_FATAL(h_run(&H, pm_dropped, 100 * MS));
    sctp_tstamp t_icmp = H.now;
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], &H.cfg[1].addrs[0], H.cfg[1].port, PM.quote,
                                           sizeof(PM.quote), PM.mtu, H.now),
                    0);
    struct sctp_assoc_info i1 = info_of(0);
    CU_ASSERT_EQUAL(i1.paths[0].mtu, 1200);
    CU_ASSERT_EQUAL(i1.paths[0].cwnd, cwnd0);
    /* Delivered well within the RTO (1 s): no T3 was waited for. */
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 300 * MS));
    CU_ASSERT_TRUE(H.now - t_icmp < 300 * MS);
    i1 = info_of(0);
    CU_ASSERT_EQUAL(i1.t3_expiries, 0);
    CU_ASSERT_EQUAL(i1.paths[0].error_count, 0);
    CU_ASSERT_TRUE(PM.over_mtu_delivered >= 1);
    CU_ASSERT_EQUAL(PM.over_mtu_delivered, PM.frag_ok);
    struct sctp_endpoint_stats st;
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_decreases, 1);
    CU_ASSERT_EQUAL(st.tx_frag_ok, PM.frag_ok);

    /* New data fits the new MTU: nothing more over it. */
    unsigned dropped = PM.dropped, over = PM.over_mtu_delivered, k0;
    CU_ASSERT_EQUAL(send_msg(0, 2, 4000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 2, 300 * MS));
    CU_ASSERT_EQUAL(PM.dropped, dropped);
    CU_ASSERT_EQUAL(PM.over_mtu_delivered, over);

    /* pmtu_raise (10 minutes) later a probe of 1500 bytes goes out, not
     * before; the path is still narrow: it is lost, twice more, and the
     * path keeps 1200 without a path error. */
    unsigned probes = 0;
    h_run(&H, NULL, t_icmp + 599 * S - H.now);
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, 1200);
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_probes, 0);
    k0 = L.n;
    h_run(&H, NULL, 30 * S);
    for (unsigned i = k0; i < L.n; i++)
        probes += L.p[i].from == 0 && L.p[i].len == 1500 - 20 &&
                  pkt_has(L.p[i].bytes, L.p[i].len, SCTP_CT_HEARTBEAT) &&
                  pkt_has(L.p[i].bytes, L.p[i].len, SCTP_CT_PAD);
    CU_ASSERT_EQUAL(probes, 3);
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_probes, 3);
    CU_ASSERT_EQUAL(st.pmtu_probes_failed, 1);
    CU_ASSERT_EQUAL(st.pmtu_raises, 0);
    i1 = info_of(0);
    CU_ASSERT_EQUAL(i1.paths[0].mtu, 1200);
    CU_ASSERT_EQUAL(i1.paths[0].error_count, 0);
    /* The path is wide again: the next period's probe is answered, and
     * full-sized packets get through. */
    PM.mtu = 1500;
    h_run(&H, NULL, 600 * S);
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, 1500);
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_raises, 1);
    CU_ASSERT_EQUAL(st.pmtu_probes, 4);
    unsigned big = PM.big;
    CU_ASSERT_EQUAL(send_msg(0, 3, 4000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 3, 300 * MS));
    CU_ASSERT_TRUE(PM.big > big);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    CU_ASSERT_EQUAL(R.lost[1], 0);
    /* RFC 8201 4: an endpoint is not made with a raise sooner than 5
     * minutes; 0 (never) is fine. */
    struct sctp_config c = H.cfg[0];
    c.pmtu_raise = 299 * S;
    CU_ASSERT_PTR_NULL(sctp_endpoint_new(&c, &H.cb, H.now));
    c.pmtu_raise = 0;
    struct sctp_endpoint *ep = sctp_endpoint_new(&c, &H.cb, H.now);
    CU_ASSERT_PTR_NOT_NULL(ep);
    sctp_endpoint_free(ep);
    finish();
}

/* Node 0's packets over 1300 bytes of IPv4 dropped without a word (no
 * ICMP): all of them, or only the first. */
static unsigned bh_left;
static int bh_drop(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)p;
    if (from != 0 || len + 20 <= 1300 || h->pkt_frag_ok || bh_left == 0)
        return 0;
    bh_left--;
    return 1;
}

static bool probe_sent(struct harness *h)
{
    struct sctp_endpoint_stats st;
    sctp_endpoint_get_stats(h->ep[0], &st);
    return st.pmtu_probes > 0;
}

/* RFC 8899 4.3, a black hole: packets over some size vanish and no ICMP
 * says why. After the second T3 expiry for the same large chunk the path
 * falls to the base MTU (1200), the chunk goes again as IP fragments
 * (frag_ok) and everything arrives; new data fits. One lost large packet
 * whose retransmission arrives is no black hole. */
static void test_pmtu_blackhole(void)
{
    start_pair(76, 4, NULL);
    drop_fn = bh_drop;
    bh_left = 1;
    CU_ASSERT_EQUAL(send_msg(0, 1, 4000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 10 * S));
    struct sctp_endpoint_stats st;
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_blackholes, 0);
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, 1500);
    finish();

    start_pair(77, 4, NULL);
    drop_fn = bh_drop;
    bh_left = UINT32_MAX;
    sctp_tstamp t0 = H.now;
    CU_ASSERT_EQUAL(send_msg(0, 1, 4000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 20 * S));
    struct sctp_assoc_info i0 = info_of(0);
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_blackholes, 1);
    CU_ASSERT_TRUE(st.tx_frag_ok >= 1);
    CU_ASSERT_EQUAL(i0.paths[0].mtu, 1200);
    CU_ASSERT_EQUAL(i0.t3_expiries, 2);
    /* Two T3 expiries: the initial RTO and its double, not more. */
    CU_ASSERT_TRUE(H.now - t0 < 4 * S);
    /* New data is cut for the base MTU: through at once. */
    sctp_tstamp t1 = H.now;
    CU_ASSERT_EQUAL(send_msg(0, 2, 4000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 2, 2 * S));
    CU_ASSERT_TRUE(H.now - t1 < 300 * MS);
    /* Ten minutes on, a probe for 1500 bytes goes out; a too-big of 1300
     * quoting it (above the MTU in use, below the probe) ends it at once:
     * one probe, not three (RFC 8899 4.6.2). */
    CU_ASSERT_TRUE(h_run(&H, probe_sent, 610 * S));
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_probes, 1);
    uint8_t q[20] = {0};
    sctp_put32(q + 4, i0.peer_vtag);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], &H.cfg[1].addrs[0], H.cfg[1].port, q, sizeof(q),
                                           1300, H.now),
                    0);
    h_run(&H, NULL, 10 * S);
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.pmtu_probes, 1);
    CU_ASSERT_EQUAL(st.pmtu_probes_failed, 1);
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, 1200);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();

    /* A path that carries nothing at all is down, not a black hole: the
     * HEARTBEAT sent on the first expiry is not answered either, and its
     * loss is no path error (only the T3 expiries count). */
    start_pair(78, 4, NULL);
    drop_node = 0, drop_fn = drop_from_node;
    CU_ASSERT_EQUAL(send_msg(0, 1, 4000, 0), 1);
    h_run(&H, NULL, 3500 * MS);
    i0 = info_of(0);
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_TRUE(i0.t3_expiries >= 2);
    CU_ASSERT_EQUAL(st.pmtu_blackholes, 0);
    CU_ASSERT_EQUAL(i0.paths[0].mtu, 1500);
    CU_ASSERT_EQUAL(i0.paths[0].error_count, i0.t3_expiries);
    CU_ASSERT_TRUE(count_chunks(0, 0, SCTP_CT_HEARTBEAT) >= 1);
    drop_fn = NULL;
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 10 * S));
    CU_ASSERT_EQUAL(info_of(0).paths[0].mtu, 1500);
    finish();
}

/* RFC 9260 10, ICMP8: a protocol unreachable quoting one of our packets
 * ends the association as an ABORT with the T bit would (COMM_LOST);
 * quoting our INIT, only in COOKIE-WAIT (CANT_STR_ASSOC). A quote with
 * another tag (ICMP6), or an INIT's once the association is up, changes
 * nothing; nor does one while the peer's SCTP spoke within RTO.Min (1 s). */
static void test_icmp_proto_unreachable(void)
{
    start_pair(74, 4, NULL);
    struct sctp_assoc_info i0 = info_of(0);
    const struct sctp_addr *peer = &H.cfg[1].addrs[0];
    uint16_t pport = H.cfg[1].port;
    uint8_t q[20] = {0};

    sctp_put32(q + 4, i0.peer_vtag ^ 0x00ff00ffu);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_unreachable(H.ep[0], peer, pport, q, sizeof(q), H.now),
                    SCTP_ERR_PROTO);
    sctp_put32(q + 4, 0);
    q[12] = 1;
    sctp_put32(q + 16, i0.local_vtag);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_unreachable(H.ep[0], peer, pport, q, sizeof(q), H.now), 0);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    CU_ASSERT_EQUAL(info_of(0).state, SCTP_S_ESTABLISHED);
    memset(q, 0, sizeof(q));
    sctp_put32(q + 4, i0.peer_vtag);
    /* The peer's SCTP spoke within the RTO (1 s): its host has SCTP, and
     * the message is not taken. */
    CU_ASSERT_EQUAL(sctp_assoc_icmp_unreachable(H.ep[0], peer, pport, q, 8, H.now), 0);
    struct sctp_endpoint_stats st;
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.icmp_unreach_ignored, 1);
    CU_ASSERT_EQUAL(st.icmp_aborts, 0);
    /* Silent for longer: the host has no SCTP (any more). */
    drop_node = 1, drop_fn = drop_from_node;
    h_run(&H, NULL, 1100 * MS);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_unreachable(H.ep[0], peer, pport, q, 8, H.now), 1);
    sctp_endpoint_get_stats(H.ep[0], &st);
    CU_ASSERT_EQUAL(st.icmp_aborts, 1);
    /* Gone: the application is told, nothing is sent to the peer for it,
     * and a second message finds nothing. */
    unsigned k = L.n;
    h_run(&H, NULL, 100 * MS);
    CU_ASSERT_EQUAL(R.lost[0], 1);
    CU_ASSERT_EQUAL(next_pkt(k, 0, SCTP_CT_ABORT), -1);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_unreachable(H.ep[0], peer, pport, q, 8, H.now),
                    SCTP_ERR_NOTFOUND);
    finish();

    /* An INIT that gets no answer: the ICMP quoting it ends the attempt at
     * once, not after Max.Init.Retransmits. */
    begin(2, 75, NULL);
    drop_node = 0, drop_fn = drop_from_node;
    uint32_t id;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_connect(H.ep[0], peer, 1, pport, 4, NULL, NULL, &id, H.now),
                          0);
    h_run(&H, NULL, 10 * MS);
    R.assoc[0] = id;
    struct sctp_assoc_info w = info_of(0);
    CU_ASSERT_EQUAL(w.state, SCTP_S_COOKIE_WAIT);
    memset(q, 0, sizeof(q));
    q[12] = 1;
    sctp_put32(q + 16, w.local_vtag ^ 1u);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_unreachable(H.ep[0], peer, pport, q, sizeof(q), H.now),
                    SCTP_ERR_PROTO);
    sctp_put32(q + 16, w.local_vtag);
    CU_ASSERT_EQUAL(sctp_assoc_icmp_unreachable(H.ep[0], peer, pport, q, sizeof(q), H.now), 1);
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL(R.cant[0], 1);
    CU_ASSERT_EQUAL(R.up[0], 0);
    finish();
}

static void test_send_errors(void)
{
    start_pair(72, 4, tune_sendq);
    uint32_t a = R.assoc[0];
    struct sctp_sndinfo info = {.sid = 0};
    CU_ASSERT_EQUAL(send_full(0, a + 1000, 1, 100, &info), SCTP_ERR_NOTFOUND);
    info.sid = 4; /* streams 0..3 */
    CU_ASSERT_EQUAL(send_full(0, a, 1, 100, &info), SCTP_ERR_STREAM);
    info.sid = 3;
    CU_ASSERT_EQUAL(send_full(0, a, 1, 100, &info), 1);
    info.sid = 0;
    CU_ASSERT_EQUAL(send_full(0, a, 1, 10001, &info), SCTP_ERR_MSGSIZE);
    info.pr_policy = 9;
    CU_ASSERT_EQUAL(send_full(0, a, 1, 100, &info), SCTP_ERR_INVAL);
    info.pr_policy = 0;
    CU_ASSERT_EQUAL(send_full(0, a, 1, 0, &info), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_send(H.ep[0], a, NULL, NULL, H.now), SCTP_ERR_INVAL);
    info.flags = SCTP_ADDR_OVER;
    info.addr_over = sctp_addr_v4(0xC6120063u);
    CU_ASSERT_EQUAL(send_full(0, a, 1, 100, &info), SCTP_ERR_ADDR);
    info.addr_over = H.cfg[1].addrs[0];
    CU_ASSERT_EQUAL(send_full(0, a, 1, 100, &info), 1);
    info.flags = 0;
    CU_ASSERT_TRUE(run_until_msgs(1, 2, 1 * S));
    h_run(&H, NULL, 500 * MS); /* and acknowledged */
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 0);

    /* The send queue holds 10000 bytes. */
    CU_ASSERT_EQUAL(send_full(0, a, 1, 4000, &info), 1);
    CU_ASSERT_EQUAL(send_full(0, a, 2, 4000, &info), 1);
    CU_ASSERT_EQUAL(send_full(0, a, 3, 4000, &info), SCTP_ERR_AGAIN);
    CU_ASSERT_EQUAL(send_full(0, a, 3, 2000, &info), 1);
    CU_ASSERT_EQUAL(send_full(0, a, 4, 1, &info), SCTP_ERR_AGAIN);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 10000);
    /* Room again once the peer acknowledged. */
    CU_ASSERT_TRUE(run_until_msgs(1, 5, 2 * S));
    h_run(&H, NULL, 500 * MS);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 0);
    CU_ASSERT_EQUAL(send_full(0, a, 4, 4000, &info), 1);

    /* Shutting down: no new data; a second shutdown is refused. */
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], a, H.now), 0);
    CU_ASSERT_EQUAL(send_full(0, a, 5, 100, &info), SCTP_ERR_SHUTDOWN);
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], a, H.now), SCTP_ERR_STATE);
    CU_ASSERT_TRUE(h_run(&H, comp_both, 5 * S));
    CU_ASSERT_EQUAL(R.node_msgs[1], 6);
    /* Gone. */
    CU_ASSERT_EQUAL(send_full(0, a, 6, 100, &info), SCTP_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], a, H.now), SCTP_ERR_NOTFOUND);
    info.flags = SCTP_SENDALL;
    CU_ASSERT_EQUAL(send_full(0, 0, 7, 100, &info), 0); /* no association */
    finish();
}

/* ================= a message in pieces (sctp_endpoint_sendv) ================= */

#define SENDV_PIECES 3
static const uint32_t sendv_len[SENDV_PIECES] = {700, 2500, 40};

/* Three pieces with distinct bytes; the hash of their concatenation. */
static uint32_t sendv_pieces(struct hbuf **b, struct sctp_frag *f, uint32_t seq)
{
    uint32_t h = FNV_INIT;
    for (unsigned i = 0; i < SENDV_PIECES; i++) {
        uint8_t buf[2500];
        for (uint32_t k = 0; k < sendv_len[i]; k++)
            buf[k] = (uint8_t)(k * 7 + i * 31 + seq);
        if (i == 0)
            sctp_put32(buf, seq);
        b[i] = hbuf_new(buf, sendv_len[i]);
        f[i] = (struct sctp_frag){.data = b[i]->data, .len = sendv_len[i], .handle = b[i]};
        h = fnv(h, buf, sendv_len[i]);
    }
    return h;
}

/* Every piece back to our reference alone (the core released its own),
 * then dropped. */
static void sendv_release(struct hbuf **b)
{
    for (unsigned i = 0; i < SENDV_PIECES; i++) {
        CU_ASSERT_EQUAL(b[i]->refs, 1);
        hbuf_unref(b[i]);
    }
}

/* The message arrives whole and intact; on the wire no DATA chunk spans
 * two pieces, B and E mark only its first and last chunk, one SSN, TSNs
 * in a row; every piece is referenced while queued and released once
 * acknowledged. */
static void test_sendv_pieces(void)
{
    start_pair(81, 2, NULL);
    struct hbuf *b[SENDV_PIECES];
    struct sctp_frag f[SENDV_PIECES];
    uint32_t hash = sendv_pieces(b, f, 77);
    struct sctp_sndinfo info = {.sid = 1, .ppid = 0x2a};
    unsigned first = L.n;
    uint32_t tsn0 = info_of(0).next_tsn;
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_sendv(H.ep[0], R.assoc[0], &info, f, SENDV_PIECES, H.now),
                          1);
    for (unsigned i = 0; i < SENDV_PIECES; i++)
        CU_ASSERT_EQUAL(b[i]->refs, 2);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 3240);
    CU_ASSERT_TRUE_FATAL(run_until_msgs(1, 1, 1 * S));
    CU_ASSERT_EQUAL(R.msgs[0].len, 3240);
    CU_ASSERT_EQUAL(R.msgs[0].seq, 77);
    CU_ASSERT_EQUAL(R.msgs[0].sid, 1);
    CU_ASSERT_EQUAL(R.msgs[0].hash, hash);

    /* The DATA chunks, in TSN order. */
    uint32_t lens[8], n = 0;
    uint8_t flags[8];
    uint16_t ssn[8];
    for (unsigned i = first; i < L.n; i++) {
        struct sctp_chunk c = {0};
        if (L.p[i].from != 0)
            continue;
        for (unsigned k = 0; find_chunk(&L.p[i], SCTP_CT_DATA, k, &c); k++) {
            struct sctp_data_chunk d = {0};
            CU_ASSERT_TRUE_FATAL(sctp_data_decode(&d, &c) > 0);
            uint32_t at = d.tsn - tsn0;
            CU_ASSERT_TRUE_FATAL(at < 8);
            if (at >= n)
                n = at + 1;
            lens[at] = d.payload_len;
            flags[at] = d.flags & (SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E);
            ssn[at] = d.ssn;
        }
    }
    /* 700 | 2500 in two chunks | 40 */
    CU_ASSERT_EQUAL_FATAL(n, 4);
    CU_ASSERT_EQUAL(lens[0], 700);
    CU_ASSERT_EQUAL(lens[1] + lens[2], 2500);
    CU_ASSERT_EQUAL(lens[3], 40);
    CU_ASSERT_EQUAL(flags[0], SCTP_DATA_FLAG_B);
    CU_ASSERT_EQUAL(flags[1], 0);
    CU_ASSERT_EQUAL(flags[2], 0);
    CU_ASSERT_EQUAL(flags[3], SCTP_DATA_FLAG_E);
    for (unsigned i = 1; i < n; i++)
        CU_ASSERT_EQUAL(ssn[i], ssn[0]);

    /* A single-piece message after it takes the next SSN. */
    CU_ASSERT_EQUAL(send_full(0, R.assoc[0], 78, 100, &info), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 2, 1 * S));
    CU_ASSERT_EQUAL(R.msgs[1].seq, 78);
    CU_ASSERT_EQUAL(R.msgs[1].ssn, (uint16_t)(R.msgs[0].ssn + 1));
    h_run(&H, NULL, 500 * MS); /* acknowledged */
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 0);
    sendv_release(b);
    CU_ASSERT_EQUAL(R.lost[0] + R.lost[1], 0);
    finish();
}

/* Lists the call refuses, with nothing referenced or queued. */
static void test_sendv_errors(void)
{
    start_pair(82, 2, tune_sendq);
    uint32_t a = R.assoc[0];
    struct hbuf *b[SENDV_PIECES];
    struct sctp_frag f[SENDV_PIECES + 1];
    sendv_pieces(b, f, 1);
    struct sctp_sndinfo info = {.sid = 0};
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, f, 0, H.now), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, NULL, 2, H.now), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, f, SCTP_SEND_PARTS_MAX + 1, H.now),
                    SCTP_ERR_INVAL);
    struct sctp_frag bad[2] = {f[0], f[1]};
    bad[1].len = 0;
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, bad, 2, H.now), SCTP_ERR_INVAL);
    bad[1] = f[1];
    bad[1].handle = NULL;
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, bad, 2, H.now), SCTP_ERR_INVAL);
    info.flags = SCTP_ABORT;
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, f, 2, H.now), SCTP_ERR_INVAL);
    info.flags = 0;
    /* 3240 bytes fit the 10000-byte queue three times, not four. */
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, f, SENDV_PIECES, H.now), 1);
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, f, SENDV_PIECES, H.now), SCTP_ERR_AGAIN);
    /* Larger than the queue can ever hold. */
    struct sctp_frag big[5] = {f[1], f[1], f[1], f[1], f[1]};
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], a, &info, big, 5, H.now), SCTP_ERR_MSGSIZE);
    for (unsigned i = 0; i < SENDV_PIECES; i++)
        CU_ASSERT_EQUAL(b[i]->refs, 4); /* ours and the three queued messages */
    CU_ASSERT_TRUE(run_until_msgs(1, 3, 2 * S));
    h_run(&H, NULL, 500 * MS);
    sendv_release(b);
    finish();
}

/* PR-SCTP TTL on a message in pieces whose DATA is lost: it fails back to
 * the user with all its pieces, a FORWARD TSN covers all its chunks, and
 * the stream goes on. */
static void test_sendv_pr_ttl(void)
{
    start_pair(83, 1, NULL);
    uint32_t tsn0 = info_of(0).next_tsn;
    drop_data = true;
    drop_fn = drop_data_from_0;
    struct hbuf *b[SENDV_PIECES];
    struct sctp_frag f[SENDV_PIECES];
    sendv_pieces(b, f, 90);
    struct sctp_sndinfo info = {
        .sid = 0, .pr_policy = SCTP_PR_SCTP_TTL, .pr_value = 50, .context = 0xC3};
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], R.assoc[0], &info, f, SENDV_PIECES, H.now), 1);
    want_msgs = 1;
    CU_ASSERT_TRUE(h_run(&H, failed_n, 1 * S));
    CU_ASSERT_EQUAL_FATAL(R.n_failed, 1);
    CU_ASSERT_EQUAL(R.failed[0].context, 0xC3);
    CU_ASSERT_EQUAL(R.failed[0].len, 3240);
    CU_ASSERT_EQUAL(R.failed[0].nfrags, SENDV_PIECES);
    CU_ASSERT_EQUAL(R.failed[0].seq, 90);
    CU_ASSERT_EQUAL(R.failed[0].flags, SCTP_SEND_FAILED_SENT);
    h_run(&H, NULL, 50 * MS);
    struct sctp_forward_tsn_chunk fw;
    CU_ASSERT_TRUE_FATAL(first_fwd(0, &fw) >= 0);
    CU_ASSERT_EQUAL(fw.new_cum_tsn, tsn0 + 3); /* four chunks */
    drop_data = false;
    CU_ASSERT_EQUAL(send_msg(0, 91, 300, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 2 * S));
    CU_ASSERT_EQUAL(R.msgs[0].seq, 91);
    h_run(&H, NULL, 500 * MS);
    sendv_release(b);
    finish();
}

/* SENDALL with a message in pieces: every association references each
 * piece (no copy), every peer gets the whole message intact, and once
 * all have acknowledged only our references remain. */
static void test_sendv_sendall(void)
{
    begin(4, 84, NULL);
    connect_star();
    CU_ASSERT_TRUE_FATAL(h_run(&H, star_up, 5 * S));
    h_run(&H, NULL, 10 * MS);
    struct hbuf *b[SENDV_PIECES];
    struct sctp_frag f[SENDV_PIECES];
    uint32_t hash = sendv_pieces(b, f, 5);
    struct sctp_sndinfo info = {.sid = 1, .flags = SCTP_SENDALL};
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], 0, &info, f, SENDV_PIECES, H.now), 3);
    for (unsigned i = 0; i < SENDV_PIECES; i++)
        CU_ASSERT_EQUAL(b[i]->refs, 4);
    CU_ASSERT_TRUE(h_run(&H, all_three, 2 * S));
    for (int n = 1; n < 4; n++) {
        unsigned found = 0;
        for (unsigned i = 0; i < R.n_msgs; i++)
            if (R.msgs[i].node == n) {
                found++;
                CU_ASSERT_EQUAL(R.msgs[i].len, 3240);
                CU_ASSERT_EQUAL(R.msgs[i].hash, hash);
            }
        CU_ASSERT_EQUAL(found, 1);
    }
    CU_ASSERT_TRUE(h_run(&H, all_acked_star, 2 * S));
    sendv_release(b);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
}

/* ============ header room (sctp_frag.room): packed messages ============ */

#define PK_SIZE 128
#define PK_ROOM SCTP_HDR_ROOM

/* A buffer of k messages of size bytes (a multiple of 4 or not), each at
 * stride 16 + PAD4(size) with its 16 bytes of room in front, filled with
 * 0xEE; message j starts with seq0 + j. Returns the buffer (one
 * reference) and each message's FNV hash. */
static struct hbuf *packed(unsigned k, uint32_t size, uint32_t seq0, uint32_t *hash)
{
    uint32_t stride = PK_ROOM + SCTP_PAD4(size);
    struct hbuf *b = hbuf_new(NULL, k * stride);
    memset(b->data, 0xEE, k * stride);
    for (unsigned j = 0; j < k; j++) {
        uint8_t *p = b->data + j * stride + PK_ROOM;
        for (uint32_t i = 0; i < size; i++)
            p[i] = (uint8_t)(i * 7 + j * 31 + seq0);
        sctp_put32(p, seq0 + j);
        hash[j] = fnv(FNV_INIT, p, size);
    }
    return b;
}

static int send_packed(int node, struct hbuf *b, unsigned j, uint32_t size, uint32_t room,
                       uint16_t sid, uint16_t flags)
{
    uint32_t stride = PK_ROOM + SCTP_PAD4(size);
    struct sctp_sndinfo info = {.sid = sid, .flags = flags, .ppid = htonl(0x77)};
    struct sctp_frag f = {
        .data = b->data + j * stride + PK_ROOM, .len = size, .room = room, .handle = b};
    return sctp_endpoint_send(H.ep[node], R.assoc[node], &info, &f, H.now);
}

static bool acked0(struct harness *h)
{
    (void)h;
    struct sctp_assoc_info i = info_of(0);
    return i.outstanding_bytes == 0 && i.queued_bytes == 0;
}

/* The node received messages seq0 .. seq0 + k - 1 once each, whole, with
 * these hashes, on streams below the given count (at most 8), in order
 * within each stream. */
static void check_packed_rx(int node, unsigned streams, unsigned k, uint32_t size, uint32_t seq0,
                            const uint32_t *hash)
{
    unsigned got = 0;
    uint32_t last[8];
    memset(last, 0xff, sizeof(last));
    for (unsigned i = 0; i < R.n_msgs; i++) {
        const struct msg_rec *m = &R.msgs[i];
        if (m->node != node || m->seq < seq0 || m->seq >= seq0 + k)
            continue;
        got++;
        CU_ASSERT_EQUAL(m->len, size);
        CU_ASSERT_EQUAL(m->hash, hash[m->seq - seq0]);
        CU_ASSERT_TRUE(m->sid < streams && m->sid < 8);
        if (m->sid < 8) {
            CU_ASSERT_TRUE(last[m->sid] == 0xffffffffu || m->seq > last[m->sid]);
            last[m->sid] = m->seq;
        }
    }
    CU_ASSERT_EQUAL(got, k);
}

/* ============ sctp_endpoint_send_burst ============ */

/* Burst item j of a packed buffer (see packed()). */
static struct sctp_sendm burst_item(struct hbuf *b, unsigned j, uint16_t sid, uint16_t flags,
                                    uint32_t ppid)
{
    uint32_t stride = PK_ROOM + SCTP_PAD4(PK_SIZE);
    return (struct sctp_sendm){.frag = {.data = b->data + j * stride + PK_ROOM,
                                        .len = PK_SIZE,
                                        .room = PK_ROOM,
                                        .handle = b},
                               .sid = sid,
                               .flags = flags,
                               .ppid = ppid};
}

/* Ten packed messages queued with one call, with the references taken
 * together (payload_ref_n) or one by one (no such callback): one packet
 * of one payload segment, each message on its own stream, PPID and SSN,
 * delivered whole, and every reference given back once acknowledged. */
static void test_send_burst(void)
{
    enum { K = 10, ST = PK_ROOM + PK_SIZE };
    for (int single = 0; single < 2; single++) {
        h_single_refs = single;
        uint32_t hash[K];
        start_pair(97 + (uint64_t)single, 4, NULL);
        struct hbuf *b = packed(K, PK_SIZE, 700, hash);
        struct sctp_sendm m[K];
        for (unsigned j = 0; j < K; j++)
            m[j] = burst_item(b, j, (uint16_t)(j % 3), j == 4 ? SCTP_SACK_IMMEDIATELY : 0,
                              htonl(0x100 + j));
        CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], R.assoc[0], NULL, m, K, H.now), K);
        CU_ASSERT_EQUAL(b->refs, 1 + K);
        CU_ASSERT_EQUAL(H.ref_n_calls, single ? 0 : 1);
        CU_ASSERT_EQUAL(H.ref_n_refs, single ? 0 : K);
        CU_ASSERT_EQUAL(info_of(0).queued_bytes, K * PK_SIZE);

        struct sctp_tx_packet *pkt = malloc(sizeof(*pkt));
        CU_ASSERT_FATAL(pkt != NULL);
        CU_ASSERT_EQUAL_FATAL(sctp_endpoint_write_packet(H.ep[0], pkt, H.now), 1);
        CU_ASSERT_EQUAL(pkt->nsegs, 2);
        CU_ASSERT_PTR_EQUAL(pkt->segs[1].data, b->data);
        CU_ASSERT_EQUAL(pkt->segs[1].len, K * ST);
        uint8_t bytes[SCTP_COMMON_HDR_LEN + K * ST];
        uint32_t off = h_pkt_gather(pkt, bytes, sizeof(bytes));
        CU_ASSERT_EQUAL(off, pkt->len);
        struct pkt view = {.from = 0, .len = off, .bytes = bytes};
        uint16_t ssn[3] = {0};
        for (unsigned j = 0; j < K; j++) {
            struct sctp_chunk c = {0};
            struct sctp_data_chunk d = {0};
            CU_ASSERT_TRUE_FATAL(find_chunk(&view, SCTP_CT_DATA, j, &c));
            CU_ASSERT_FATAL(sctp_data_decode(&d, &c) > 0);
            CU_ASSERT_EQUAL(d.sid, j % 3);
            CU_ASSERT_EQUAL(d.ssn, ssn[j % 3]++);
            CU_ASSERT_EQUAL(d.ppid, htonl(0x100 + j));
            CU_ASSERT_EQUAL(!!(d.flags & SCTP_DATA_FLAG_I), j == 4);
            CU_ASSERT_EQUAL(fnv(FNV_INIT, d.payload, d.payload_len), hash[j]);
        }
        free(pkt);
        /* Lost: T3 sends them again and the peer gets each once. */
        CU_ASSERT_TRUE(run_until_msgs(1, K, 10 * S));
        check_packed_rx(1, 3, K, PK_SIZE, 700, hash);
        for (unsigned i = 0; i < R.n_msgs; i++)
            if (R.msgs[i].node == 1)
                CU_ASSERT_EQUAL(R.msgs[i].ppid, htonl(0x100 + (R.msgs[i].seq - 700)));
        CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
        CU_ASSERT_EQUAL(b->refs, 1);
        if (!single) {
            /* The cumulative acknowledgement drops a run's references
             * together. */
            CU_ASSERT_EQUAL(H.unref_n_refs, K);
            CU_ASSERT_TRUE(H.unref_n_calls >= 1 && H.unref_n_calls < K);
        } else {
            CU_ASSERT_EQUAL(H.unref_n_calls, 0);
        }
        hbuf_unref(b);
        CU_ASSERT_EQUAL(R.lost[0], 0);
        finish();
    }
    h_single_refs = false;
}

/* A burst with a PR-SCTP TTL: every message carries the burst's policy,
 * lifetime and context. The lifetime runs from the call and arms the PR
 * timer: when it expires before they are sent, the timer abandons them
 * (no DATA goes out, no TSN is taken) and each comes back unsent with
 * that context. Their references are all returned; the stream goes on. */
static void test_send_burst_ttl(void)
{
    enum { K = 10 };
    start_pair(131, 1, NULL);
    uint32_t hash[K];
    struct hbuf *b = packed(K, PK_SIZE, 900, hash);
    struct sctp_sendm m[K];
    for (unsigned j = 0; j < K; j++)
        m[j] = burst_item(b, j, 0, 0, htonl(7));
    struct sctp_sndinfo info = {.pr_policy = SCTP_PR_SCTP_TTL, .pr_value = 10, .context = 0xB0057};
    uint32_t next = info_of(0).next_tsn;
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], R.assoc[0], &info, m, K, H.now), K);
    CU_ASSERT_EQUAL(b->refs, 1 + K);
    /* Past the lifetime: the timer, then a write, before anything went. */
    H.now += 20 * MS;
    CU_ASSERT_TRUE(sctp_endpoint_next_timeout(H.ep[0]) <= H.now);
    sctp_endpoint_handle_timeout(H.ep[0], H.now);
    unsigned k = L.n;
    drain(0);
    CU_ASSERT_EQUAL(count_chunks(k, 0, SCTP_CT_DATA), 0);
    CU_ASSERT_EQUAL(info_of(0).next_tsn, next);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 0);
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL_FATAL(R.n_failed, K);
    for (unsigned j = 0; j < K; j++) {
        CU_ASSERT_EQUAL(R.failed[j].context, 0xB0057);
        CU_ASSERT_EQUAL(R.failed[j].flags, SCTP_SEND_FAILED_UNSENT);
        CU_ASSERT_EQUAL(R.failed[j].pr_policy, SCTP_PR_SCTP_TTL);
        CU_ASSERT_EQUAL(R.failed[j].len, PK_SIZE);
        CU_ASSERT_EQUAL(R.failed[j].seq, 900 + j);
    }
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(b);
    CU_ASSERT_EQUAL(send_msg(0, 78, 100, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 1, 2 * S));
    CU_ASSERT_EQUAL(R.msgs[0].seq, 78);
    CU_ASSERT_EQUAL(R.msgs[0].ssn, 0);
    finish();
}

/* k messages of size bytes packed in b (see packed()), on streams j % 3
 * with PPID 0x100 + j, queued with one call. */
static int send_packed_burst(struct hbuf *b, unsigned k, uint32_t size,
                             const struct sctp_sndinfo *info)
{
    struct sctp_sendm m[16];
    uint32_t stride = PK_ROOM + SCTP_PAD4(size);
    for (unsigned j = 0; j < k && j < 16; j++)
        m[j] = (struct sctp_sendm){.frag = {.data = b->data + j * stride + PK_ROOM,
                                            .len = size,
                                            .room = PK_ROOM,
                                            .handle = b},
                                   .sid = (uint16_t)(j % 3),
                                   .ppid = htonl(0x100 + j)};
    return sctp_endpoint_send_burst(H.ep[0], R.assoc[0], info, m, k, H.now);
}

/* Light messages (a burst of one-chunk messages without PR-SCTP, context
 * or ADDR_OVER) and full ones keep the order they were queued in: a
 * burst, then a message with a context (full), then a burst queued
 * behind it; each stream gets its messages in that order, whole. */
static void test_light_full_order(void)
{
    enum { K = 9 };
    start_pair(141, 4, NULL);
    uint32_t ha[K], hb[K];
    struct hbuf *a = packed(K, PK_SIZE, 700, ha), *b = packed(K, PK_SIZE, 900, hb);
    CU_ASSERT_EQUAL(send_packed_burst(a, K, PK_SIZE, NULL), K);
    struct sctp_sndinfo ctx = {.sid = 0, .context = 0xC1};
    CU_ASSERT_EQUAL(send_full(0, R.assoc[0], 800, 300, &ctx), 1);
    CU_ASSERT_EQUAL(send_packed_burst(b, K, PK_SIZE, NULL), K);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 2 * K * PK_SIZE + 300);
    CU_ASSERT_TRUE(run_until_msgs(1, 2 * K + 1, 10 * S));
    check_packed_rx(1, 3, K, PK_SIZE, 700, ha);
    check_packed_rx(1, 3, K, PK_SIZE, 900, hb);
    /* Stream 0: 700, 703, 706, then 800, then 900, 903, 906. */
    uint32_t want[] = {700, 703, 706, 800, 900, 903, 906}, n = 0;
    for (unsigned i = 0; i < R.n_msgs; i++) {
        if (R.msgs[i].node != 1 || R.msgs[i].sid != 0)
            continue;
        CU_ASSERT_TRUE_FATAL(n < 7);
        CU_ASSERT_EQUAL(R.msgs[i].seq, want[n]);
        CU_ASSERT_EQUAL(R.msgs[i].ssn, n);
        n++;
    }
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    CU_ASSERT_EQUAL(a->refs, 1);
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(a);
    hbuf_unref(b);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
}

/* An ABORT with light messages in flight and not yet sent (of two
 * bursts and a single send): each comes back once, in order, sent or
 * unsent, with its stream and PPID (those of
 * a sent one read from the header in front of its payload) and its
 * payload; every reference is returned. */
static void test_light_abort(void)
{
    enum { K = 10 };
    start_pair(143, 4, NULL);
    uint32_t ha[K], hb[K];
    struct hbuf *a = packed(K, PK_SIZE, 700, ha), *b = packed(K, PK_SIZE, 700 + K, hb);
    CU_ASSERT_EQUAL(send_packed_burst(a, K, PK_SIZE, NULL), K);
    struct sctp_tx_packet *pkt = malloc(sizeof(*pkt));
    CU_ASSERT_FATAL(pkt != NULL);
    /* The first ten go out in one packet, which is lost. */
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_write_packet(H.ep[0], pkt, H.now), 1);
    free(pkt);
    CU_ASSERT_EQUAL(info_of(0).outstanding_bytes, K * PK_SIZE);
    CU_ASSERT_EQUAL(send_packed_burst(b, K, PK_SIZE, NULL), K);
    /* And one by a single send: light too. */
    uint32_t hc[1];
    struct hbuf *c1 = packed(1, PK_SIZE, 700 + 2 * K, hc);
    CU_ASSERT_EQUAL(send_packed(0, c1, 0, PK_SIZE, PK_ROOM, 2, 0), 1);
    CU_ASSERT_EQUAL(a->refs, 1 + K);
    CU_ASSERT_EQUAL(b->refs, 1 + K);
    CU_ASSERT_EQUAL(c1->refs, 2);
    CU_ASSERT_EQUAL(sctp_assoc_abort(H.ep[0], R.assoc[0], NULL, 0, H.now), 0);
    h_run(&H, NULL, 10 * MS);
    CU_ASSERT_EQUAL_FATAL(R.n_failed, 2 * K + 1);
    CU_ASSERT_EQUAL(R.failed[2 * K].seq, 700 + 2 * K);
    CU_ASSERT_EQUAL(R.failed[2 * K].flags, SCTP_SEND_FAILED_UNSENT);
    CU_ASSERT_EQUAL(R.failed[2 * K].sid, 2);
    CU_ASSERT_EQUAL(R.failed[2 * K].ppid, htonl(0x77));
    CU_ASSERT_EQUAL(c1->refs, 1);
    hbuf_unref(c1);
    for (unsigned i = 0; i < 2 * K; i++) {
        unsigned j = i % K;
        CU_ASSERT_EQUAL(R.failed[i].seq, 700 + i);
        CU_ASSERT_EQUAL(R.failed[i].flags, i < K ? SCTP_SEND_FAILED_SENT : SCTP_SEND_FAILED_UNSENT);
        CU_ASSERT_EQUAL(R.failed[i].sid, j % 3);
        CU_ASSERT_EQUAL(R.failed[i].ppid, htonl(0x100 + j));
        CU_ASSERT_EQUAL(R.failed[i].len, PK_SIZE);
        CU_ASSERT_EQUAL(R.failed[i].context, 0);
    }
    CU_ASSERT_EQUAL(a->refs, 1);
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(a);
    hbuf_unref(b);
    finish();
}

/* Light messages queued for one chunk each, then the path MTU falls
 * below them before they are sent: they become full messages, in
 * order, and go in fragments; the peer gets each whole. */
static void test_light_pmtu_promote(void)
{
    enum { K = 4, SZ = 1200 };
    start_pair(145, 4, NULL);
    uint32_t h[K];
    struct hbuf *b = packed(K, SZ, 760, h);
    CU_ASSERT_EQUAL(send_packed_burst(b, K, SZ, NULL), K);
    struct sctp_assoc_info i0 = info_of(0);
    uint8_t q[20] = {0};
    sctp_put32(q + 4, i0.peer_vtag);
    CU_ASSERT_EQUAL(sctp_assoc_update_pmtu(H.ep[0], &H.cfg[1].addrs[0], H.cfg[1].port, q, sizeof(q),
                                           576, H.now),
                    0);
    unsigned k = L.n;
    CU_ASSERT_TRUE(run_until_msgs(1, K, 10 * S));
    check_packed_rx(1, 3, K, SZ, 760, h);
    /* 1200 bytes take three DATA chunks at a 576-byte MTU. */
    CU_ASSERT_TRUE(count_chunks(k, 0, SCTP_CT_DATA) >= 3 * K);
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(b);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
}

static void small_sendq(struct sctp_config *c)
{
    c->max_sendq_bytes = 5 * PK_SIZE;
}

/* What the call refuses, and where it stops: the messages before the
 * first one that cannot be queued are queued (and referenced), the rest
 * are not; with none queued, the first message's error. */
static void test_send_burst_errors(void)
{
    enum { K = 8 };
    uint32_t hash[K];
    start_pair(98, 4, small_sendq);
    struct hbuf *b = packed(K, PK_SIZE, 100, hash);
    struct sctp_sendm m[K];
    for (unsigned j = 0; j < K; j++)
        m[j] = burst_item(b, j, (uint16_t)(j % 2), 0, htonl(7));
    uint32_t a = R.assoc[0];
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(NULL, a, NULL, m, K, H.now), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, NULL, K, H.now), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, m, 0, H.now), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a + 99, NULL, m, K, H.now),
                    SCTP_ERR_NOTFOUND);
    const uint16_t bad_info[] = {SCTP_EOF, SCTP_ABORT, SCTP_SENDALL};
    for (unsigned i = 0; i < 3; i++) {
        struct sctp_sndinfo in = {.flags = bad_info[i]};
        CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, &in, m, K, H.now), SCTP_ERR_INVAL);
    }
    struct sctp_sndinfo over = {.flags = SCTP_ADDR_OVER, .addr_over = sctp_addr_v4(0xC6120909u)};
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, &over, m, K, H.now), SCTP_ERR_ADDR);
    struct sctp_sndinfo badpr = {.pr_policy = 9};
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, &badpr, m, K, H.now), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(b->refs, 1);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 0);

    /* A bad message in the middle: an empty one, a stream not
     * negotiated, a flag that is not the message's own. */
    struct sctp_sendm bad = m[2];
    bad.frag.len = 0;
    struct sctp_sendm t[3] = {m[0], m[1], bad};
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, t, 3, H.now), 2);
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, &t[2], 1, H.now), SCTP_ERR_INVAL);
    t[0] = m[2];
    t[1] = m[3];
    t[1].sid = 4;
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, t, 2, H.now), 1);
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, &t[1], 1, H.now), SCTP_ERR_STREAM);
    t[1] = m[3];
    t[1].flags = SCTP_EOF;
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, &t[1], 1, H.now), SCTP_ERR_INVAL);
    CU_ASSERT_EQUAL(b->refs, 1 + 3);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 3 * PK_SIZE);

    /* The send queue holds five messages: two more go, then AGAIN. */
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, &m[3], K - 3, H.now), 2);
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, &m[5], K - 5, H.now),
                    SCTP_ERR_AGAIN);
    CU_ASSERT_EQUAL(b->refs, 1 + 5);
    /* Once they are acknowledged, the rest. */
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, &m[5], K - 5, H.now), 3);
    CU_ASSERT_TRUE(run_until_msgs(1, K, 2 * S));
    check_packed_rx(1, 2, K, PK_SIZE, 100, hash);
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    CU_ASSERT_EQUAL(b->refs, 1);

    /* After SHUTDOWN, nothing more. */
    CU_ASSERT_EQUAL(sctp_assoc_shutdown(H.ep[0], a, H.now), 0);
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], a, NULL, m, K, H.now), SCTP_ERR_SHUTDOWN);
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(b);
    finish();
}

/* With PR-SCTP BUF, each message of the burst makes room as its own send
 * would: the older unsent messages give way and are reported. */
static void test_send_burst_pr_buf(void)
{
    enum { K = 6 };
    uint32_t hash[K];
    start_pair(99, 4, NULL);
    struct hbuf *b = packed(K, PK_SIZE, 300, hash);
    struct sctp_sendm m[K];
    for (unsigned j = 0; j < K; j++)
        m[j] = burst_item(b, j, 0, 0, htonl(9));
    /* Room for two messages: every message of the burst is queued and
     * the four oldest are abandoned before they are sent. */
    struct sctp_sndinfo in = {.pr_policy = SCTP_PR_SCTP_BUF, .pr_value = 2 * PK_SIZE};
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], R.assoc[0], &in, m, K, H.now), K);
    CU_ASSERT_EQUAL(info_of(0).queued_bytes, 2 * PK_SIZE);
    /* Two queued, four in SEND_FAILED events not yet read. */
    CU_ASSERT_EQUAL(b->refs, 1 + K);
    h_run(&H, NULL, 10 * MS);
    unsigned failed = 0;
    for (unsigned i = 0; i < R.n_failed; i++)
        failed += R.failed[i].node == 0 && R.failed[i].flags == SCTP_SEND_FAILED_UNSENT;
    CU_ASSERT_EQUAL(failed, K - 2);
    CU_ASSERT_TRUE(run_until_msgs(1, 2, 2 * S));
    uint32_t got[4];
    CU_ASSERT_EQUAL(seqs_of(1, got, 4), 2);
    CU_ASSERT_EQUAL(got[0], 300 + K - 2);
    CU_ASSERT_EQUAL(got[1], 300 + K - 1);
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    /* A bad message stops the burst there. */
    m[1].flags = SCTP_ABORT;
    CU_ASSERT_EQUAL(sctp_endpoint_send_burst(H.ep[0], R.assoc[0], &in, m, K, H.now), 1);
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(b);
    finish();
}

/* Six messages packed back to back with their header room: the core
 * writes each DATA header into the room in front of its message and the
 * packet is the common header plus one payload segment. That packet is
 * lost; the T3 retransmission uses the same header bytes, which the core
 * does not write again, and the peer gets every message intact. */
static void test_hdr_room_packed(void)
{
    enum { K = 6, ST = PK_ROOM + PK_SIZE };
    uint32_t hash[K];
    start_pair(91, 4, NULL);
    struct hbuf *b = packed(K, PK_SIZE, 500, hash);
    for (unsigned j = 0; j < K; j++)
        CU_ASSERT_EQUAL(send_packed(0, b, j, PK_SIZE, PK_ROOM, (uint16_t)(j % 2), 0), 1);
    CU_ASSERT_EQUAL(b->refs, 1 + K);

    struct sctp_tx_packet *pkt = malloc(sizeof(*pkt));
    CU_ASSERT_FATAL(pkt != NULL);
    CU_ASSERT_EQUAL_FATAL(sctp_endpoint_write_packet(H.ep[0], pkt, H.now), 1);
    CU_ASSERT_EQUAL(pkt->nsegs, 2);
    CU_ASSERT_PTR_NULL(pkt->segs[0].handle);
    CU_ASSERT_EQUAL(pkt->segs[0].len, SCTP_COMMON_HDR_LEN);
    CU_ASSERT_PTR_EQUAL(pkt->segs[1].data, b->data);
    CU_ASSERT_EQUAL(pkt->segs[1].len, K * ST);
    CU_ASSERT_PTR_EQUAL(pkt->segs[1].handle, b);
    CU_ASSERT_EQUAL(pkt->len, SCTP_COMMON_HDR_LEN + K * ST);
    /* The packet's bytes: six DATA chunks, each header the bytes in the
     * room in front of its message. */
    uint8_t bytes[SCTP_COMMON_HDR_LEN + K * ST];
    uint32_t off = h_pkt_gather(pkt, bytes, sizeof(bytes));
    CU_ASSERT_EQUAL(off, pkt->len);
    struct pkt view = {.from = 0, .len = off, .bytes = bytes};
    uint32_t tsn0 = 0;
    for (unsigned j = 0; j < K; j++) {
        struct sctp_chunk c = {0};
        struct sctp_data_chunk d = {0};
        CU_ASSERT_TRUE_FATAL(find_chunk(&view, SCTP_CT_DATA, j, &c));
        CU_ASSERT_FATAL(sctp_data_decode(&d, &c) > 0);
        if (j == 0)
            tsn0 = d.tsn;
        CU_ASSERT_EQUAL(d.tsn, tsn0 + j);
        CU_ASSERT_EQUAL(d.sid, j % 2);
        CU_ASSERT_EQUAL(d.ssn, j / 2);
        CU_ASSERT_EQUAL(d.ppid, htonl(0x77));
        CU_ASSERT_EQUAL(d.flags & (SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E),
                        SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E);
        CU_ASSERT_EQUAL(d.payload_len, PK_SIZE);
        CU_ASSERT_EQUAL(fnv(FNV_INIT, d.payload, d.payload_len), hash[j]);
        CU_ASSERT_EQUAL(memcmp(c.value - 4, b->data + j * ST, PK_ROOM), 0);
    }
    free(pkt);
    /* That packet never reaches the peer: T3 sends the chunks again. */
    uint8_t hdrs[K * ST];
    memcpy(hdrs, b->data, sizeof(hdrs));
    CU_ASSERT_TRUE(run_until_msgs(1, K, 10 * S));
    check_packed_rx(1, 4, K, PK_SIZE, 500, hash);
    CU_ASSERT_TRUE(info_of(0).t3_expiries >= 1);
    CU_ASSERT_TRUE(info_of(0).retransmissions >= K);
    CU_ASSERT_EQUAL(memcmp(hdrs, b->data, sizeof(hdrs)), 0);
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    CU_ASSERT_EQUAL(b->refs, 1);
    hbuf_unref(b);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
}

/* Where the room must stay untouched: SENDALL (each association would
 * write its own header), room below 16 bytes, a message in pieces, and
 * the later chunks of a message larger than one chunk (the bytes in
 * front of them are the message's own). Every message still arrives. */
static void test_hdr_room_not_used(void)
{
    uint32_t hash[4], hbig;
    start_pair(92, 2, NULL);
    struct hbuf *b = packed(4, PK_SIZE, 600, hash);
    uint8_t before[4 * (PK_ROOM + PK_SIZE)];
    memcpy(before, b->data, sizeof(before));
    CU_ASSERT_EQUAL(send_packed(0, b, 0, PK_SIZE, PK_ROOM, 0, SCTP_SENDALL), 1);
    CU_ASSERT_EQUAL(send_packed(0, b, 1, PK_SIZE, PK_ROOM - 1, 0, 0), 1);
    /* Two pieces, each with room. */
    uint32_t st = PK_ROOM + PK_SIZE;
    struct sctp_frag two[2] = {
        {.data = b->data + 2 * st + PK_ROOM, .len = PK_SIZE, .room = PK_ROOM, .handle = b},
        {.data = b->data + 3 * st + PK_ROOM, .len = PK_SIZE, .room = PK_ROOM, .handle = b}};
    struct sctp_sndinfo info = {.sid = 1};
    CU_ASSERT_EQUAL(sctp_endpoint_sendv(H.ep[0], R.assoc[0], &info, two, 2, H.now), 1);
    uint32_t htwo = fnv(fnv(FNV_INIT, two[0].data, PK_SIZE), two[1].data, PK_SIZE);
    /* 5000 bytes behind 16 bytes of room: four chunks at a 1500 MTU. */
    struct hbuf *big = hbuf_new(NULL, PK_ROOM + 5000);
    for (unsigned i = 0; i < big->len; i++)
        big->data[i] = (uint8_t)(i * 5 + 3);
    sctp_put32(big->data + PK_ROOM, 700);
    hbig = fnv(FNV_INIT, big->data + PK_ROOM, 5000);
    uint8_t big_before[PK_ROOM + 5000];
    memcpy(big_before, big->data, sizeof(big_before));
    struct sctp_frag fb = {
        .data = big->data + PK_ROOM, .len = 5000, .room = PK_ROOM, .handle = big};
    info.sid = 0;
    CU_ASSERT_EQUAL(sctp_endpoint_send(H.ep[0], R.assoc[0], &info, &fb, H.now), 1);

    CU_ASSERT_TRUE(run_until_msgs(1, 4, 5 * S));
    CU_ASSERT_TRUE(h_run(&H, acked0, 2 * S));
    check_packed_rx(1, 2, 2, PK_SIZE, 600, hash);
    unsigned got_two = 0, got_big = 0;
    for (unsigned i = 0; i < R.n_msgs; i++) {
        if (R.msgs[i].node != 1)
            continue;
        if (R.msgs[i].seq == 602) {
            got_two++;
            CU_ASSERT_EQUAL(R.msgs[i].len, 2 * PK_SIZE);
            CU_ASSERT_EQUAL(R.msgs[i].hash, htwo);
        } else if (R.msgs[i].seq == 700) {
            got_big++;
            CU_ASSERT_EQUAL(R.msgs[i].len, 5000);
            CU_ASSERT_EQUAL(R.msgs[i].hash, hbig);
        }
    }
    CU_ASSERT_EQUAL(got_two, 1);
    CU_ASSERT_EQUAL(got_big, 1);
    /* Nothing written into any of those rooms or payloads ... */
    CU_ASSERT_EQUAL(memcmp(before, b->data, sizeof(before)), 0);
    CU_ASSERT_EQUAL(memcmp(big_before + PK_ROOM, big->data + PK_ROOM, 5000), 0);
    /* ... but the first chunk of the large message has its header there. */
    CU_ASSERT_NOT_EQUAL(memcmp(big_before, big->data, PK_ROOM), 0);
    CU_ASSERT_EQUAL(big->data[0], SCTP_CT_DATA);
    CU_ASSERT_EQUAL(big->data[1], SCTP_DATA_FLAG_B);
    CU_ASSERT_EQUAL(b->refs, 1);
    CU_ASSERT_EQUAL(big->refs, 1);
    hbuf_unref(b);
    hbuf_unref(big);
    finish();
}

/* 600 packed messages over a link that loses, duplicates and reorders:
 * sizes that are a multiple of 4 (one segment per run of chunks) and
 * ones that are not (padding ends a run), on three streams, with fast
 * retransmissions bundling chunks differently from the first time. */
static void test_hdr_room_lossy(void)
{
    enum { PER = 10, BUFS = 30 };
    static const uint32_t sizes[2] = {128, 130};
    uint32_t hash[2][BUFS * PER];
    start_pair(93, 3, NULL);
    H.loss = 40;
    H.dup = 10;
    H.reorder = 20;
    for (unsigned v = 0; v < 2; v++) {
        uint32_t seq0 = 1000 + v * 10000;
        for (unsigned k = 0; k < BUFS; k++) {
            struct hbuf *b = packed(PER, sizes[v], seq0 + k * PER, &hash[v][k * PER]);
            for (unsigned j = 0; j < PER; j++)
                CU_ASSERT_EQUAL(send_packed(0, b, j, sizes[v], PK_ROOM, (uint16_t)(j % 3), 0), 1);
            hbuf_unref(b);
        }
        CU_ASSERT_TRUE(run_until_msgs(1, (v + 1) * BUFS * PER, 120 * S));
        CU_ASSERT_TRUE(h_run(&H, acked0, 60 * S));
        check_packed_rx(1, 3, BUFS * PER, sizes[v], seq0, hash[v]);
    }
    CU_ASSERT_TRUE(info_of(0).retransmissions > 0);
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
}

static void tune_pmtu576(struct sctp_config *c)
{
    c->pmtu = 576;
}

/* A received message carries the room of its DATA chunk header; an echo
 * that passes the pieces back as they came has its new headers written
 * there (one piece) or ignores it (several). Over a 576-byte path MTU,
 * 300 packed 128-byte messages, 20 of 3000 bytes and 2 of 60000 (114
 * DATA chunks each, more pieces than one send took before) come back
 * intact over a link that loses and reorders. */
static void test_hdr_room_echo(void)
{
    enum { PER = 10, BUFS = 30 };
    uint32_t hash[BUFS * PER], hbig[20], hhuge[2];
    start_pair(94, 4, tune_pmtu576);
    R.echo_node = 1;
    H.loss = 30;
    H.reorder = 20;
    for (unsigned k = 0; k < BUFS; k++) {
        struct hbuf *b = packed(PER, PK_SIZE, 2000 + k * PER, &hash[k * PER]);
        for (unsigned j = 0; j < PER; j++)
            CU_ASSERT_EQUAL(send_packed(0, b, j, PK_SIZE, 0, (uint16_t)(j % 4), 0), 1);
        hbuf_unref(b);
    }
    for (unsigned k = 0; k < 20; k++) {
        struct hbuf *b = packed(1, 3000, 5000 + k, &hbig[k]);
        CU_ASSERT_EQUAL(send_packed(0, b, 0, 3000, 0, 3, 0), 1);
        hbuf_unref(b);
    }
    for (unsigned k = 0; k < 2; k++) {
        struct hbuf *b = packed(1, 60000, 7000 + k, &hhuge[k]);
        CU_ASSERT_EQUAL(send_packed(0, b, 0, 60000, 0, 2, 0), 1);
        hbuf_unref(b);
    }
    CU_ASSERT_TRUE(run_until_msgs(0, BUFS * PER + 22, 120 * S));
    want_node = 1;
    CU_ASSERT_TRUE(h_run(&H, acked0, 30 * S));
    CU_ASSERT_EQUAL(R.echo_sent, BUFS * PER + 22);
    /* Every piece came with its header's room: 300 + 20 * 6 + 2 * 114
     * chunks (528 bytes of payload each at this MTU). */
    CU_ASSERT_EQUAL(R.echo_room_ok, BUFS * PER + 20 * 6 + 2 * 114);
    CU_ASSERT_EQUAL(R.echo_room_bad, 0);
    check_packed_rx(0, 4, BUFS * PER, PK_SIZE, 2000, hash);
    check_packed_rx(0, 4, 20, 3000, 5000, hbig);
    check_packed_rx(0, 4, 2, 60000, 7000, hhuge);
    CU_ASSERT_TRUE(info_of(1).retransmissions > 0);
    finish();
}

/* ======================= Max.Burst (RFC 9260 6.1 D) ======================= */

/* With cwnd opened by 400 packets (no limit meanwhile), Max.Burst is set
 * to limit, 40 messages of 1000 bytes (one packet each) are queued at
 * once and the packets of that one send opportunity are taken from the
 * endpoint: returns how many carried DATA. Those packets are lost; T3
 * sends them again, and all 440 messages arrive. */
static unsigned burst_of(uint32_t limit, uint64_t seed)
{
    start_pair(seed, 2, NULL);
    CU_ASSERT_EQUAL(H.ep[0]->cfg.max_burst, 0); /* the default */
    for (uint32_t i = 0; i < 400; i++)
        CU_ASSERT_EQUAL(send_msg(0, i, 1000, 0), 1);
    CU_ASSERT_TRUE(run_until_msgs(1, 400, 30 * S));
    CU_ASSERT_TRUE(h_run(&H, acked0, 5 * S));
    CU_ASSERT_TRUE(info_of(0).paths[0].cwnd >= 20 * 1500);
    H.ep[0]->cfg.max_burst = limit;
    for (uint32_t i = 0; i < 40; i++)
        CU_ASSERT_EQUAL(send_msg(0, 1000 + i, 1000, 0), 1);
    struct sctp_tx_packet *pkt = malloc(sizeof(*pkt));
    CU_ASSERT_FATAL(pkt != NULL);
    unsigned n = 0;
    for (unsigned k = 0; k < 100 && sctp_endpoint_write_packet(H.ep[0], pkt, H.now) == 1; k++)
        n += pkt->len >= SCTP_COMMON_HDR_LEN + SCTP_DATA_HDR_LEN + 1000;
    free(pkt);
    CU_ASSERT_EQUAL(info_of(0).max_burst_limited, limit ? 1u : 0u);
    CU_ASSERT_TRUE(run_until_msgs(1, 440, 30 * S));
    CU_ASSERT_TRUE(h_run(&H, acked0, 5 * S));
    CU_ASSERT_EQUAL(R.lost[0], 0);
    finish();
    return n;
}

/* Max.Burst 4: one opportunity emits 4 packets of new DATA, though cwnd
 * allows more than 20; without the limit (the default) cwnd is the
 * limit. */
static void test_max_burst(void)
{
    CU_ASSERT_EQUAL(burst_of(4, 95), 4);
    CU_ASSERT_TRUE(burst_of(0, 95) >= 20);
}

TEST_SUITE_BEGIN(endpoint)
TEST_CASE(test_pr_ttl)
TEST_CASE(test_pr_ttl_unsent)
TEST_CASE(test_pr_rtx_zero)
TEST_CASE(test_pr_rtx_two)
TEST_CASE(test_pr_rtx_zero_lossy)
TEST_CASE(test_pr_ttl_lossy)
TEST_CASE(test_pr_buf)
TEST_CASE(test_pr_abandon_grows_ring)
TEST_CASE(test_pr_abandoned_in_flight_loss)
TEST_CASE(test_pr_no_forward_tsn_before_cookie_ack)
TEST_CASE(test_pr_dead_peer_forward_tsn)
TEST_CASE(test_pr_forward_tsn_clears_errors)
TEST_CASE(test_pr_forward_tsn_resent_at_t3)
TEST_CASE(test_fast_recovery_counts_all_missing)
TEST_CASE(test_fast_retransmit_after_growth)
TEST_CASE(test_retransmission_ignores_zero_window)
TEST_CASE(test_small_window_is_not_closed)
TEST_CASE(test_pr_ttl_expired_before_send)
TEST_CASE(test_pr_forward_tsn_many_streams)
TEST_CASE(test_forward_tsn_all_streams)
TEST_CASE(test_forward_tsn_beyond_window)
TEST_CASE(test_forward_tsn_once_per_rtt)
TEST_CASE(test_sendall_shared_payload)
TEST_CASE(test_sack_immediately)
TEST_CASE(test_delayed_sack)
TEST_CASE(test_unknown_chunks)
TEST_CASE(test_heartbeat_ack_copies_all)
TEST_CASE(test_data_no_user_data)
TEST_CASE(test_data_invalid_stream)
TEST_CASE(test_data_run_mixed)
TEST_CASE(test_data_run_window)
TEST_CASE(test_error_follows_sack)
TEST_CASE(test_stale_cookie)
TEST_CASE(test_peer_restart)
TEST_CASE(test_shutdown_with_outstanding_data)
TEST_CASE(test_shutdown_peer_has_outstanding_data)
TEST_CASE(test_shutdown_collision)
TEST_CASE(test_eof)
TEST_CASE(test_peek_events)
TEST_CASE(test_zero_window)
TEST_CASE(test_zero_window_rwnd_one)
TEST_CASE(test_zero_window_probe_keeps_cwnd)
TEST_CASE(test_zero_window_probe_schedule)
TEST_CASE(test_zero_window_dead_peer)
TEST_CASE(test_fast_rtx_zero_window)
TEST_CASE(test_fast_recovery_marked_wait_cwnd)
TEST_CASE(test_renege_waits_for_t3)
TEST_CASE(test_rtx_takes_peer_window)
TEST_CASE(test_window_update_sws)
TEST_CASE(test_stale_cookie_error_when_up)
TEST_CASE(test_small_window_t3_is_loss)
TEST_CASE(test_shutdown_cum_ack_keeps_gaps)
TEST_CASE(test_rx_pressure)
TEST_CASE(test_rx_pressure_reopen)
TEST_CASE(test_rx_pressure_next_tsn)
TEST_CASE(test_rx_pressure_blocked_spares)
TEST_CASE(test_rx_pressure_blocked_peer)
TEST_CASE(test_rx_pressure_blocked_hole)
TEST_CASE(test_rx_pressure_holes_hole)
TEST_CASE(test_rx_pressure_holes_spares_blocked)
TEST_CASE(test_rx_hold)
TEST_CASE(test_rx_hold_keeps_ready)
TEST_CASE(test_rx_hold_abort_delivers)
TEST_CASE(test_rx_hold_restart_delivers)
TEST_CASE(test_drop_reports_closed_window)
TEST_CASE(test_heartbeat_idle_only)
TEST_CASE(test_sack_limits)
TEST_CASE(test_sack_fits_pmtu)
TEST_CASE(test_sack_after_heartbeat_ack)
TEST_CASE(test_fast_rtx_restarts_t3)
TEST_CASE(test_tiny_chunks_behind_gap)
TEST_CASE(test_reasm_chunks_config)
TEST_CASE(test_send_errors)
TEST_CASE(test_icmp_pmtu_tag)
TEST_CASE(test_pmtu_inflight)
TEST_CASE(test_icmp_proto_unreachable)
TEST_CASE(test_pmtu_blackhole)
TEST_CASE(test_sendv_pieces)
TEST_CASE(test_sendv_errors)
TEST_CASE(test_sendv_pr_ttl)
TEST_CASE(test_sendv_sendall)
TEST_CASE(test_hdr_room_packed)
TEST_CASE(test_hdr_room_not_used)
TEST_CASE(test_hdr_room_lossy)
TEST_CASE(test_hdr_room_echo)
TEST_CASE(test_max_burst)
TEST_CASE(test_send_burst)
TEST_CASE(test_send_burst_ttl)
TEST_CASE(test_light_full_order)
TEST_CASE(test_light_abort)
TEST_CASE(test_light_pmtu_promote)
TEST_CASE(test_send_burst_errors)
TEST_CASE(test_send_burst_pr_buf)
TEST_SUITE_END()

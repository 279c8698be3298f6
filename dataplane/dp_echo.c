/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_echo.c: the built-in services and the traffic generator.
 *
 * Echo returns every message on the stream it came on, with the same PPID
 * (and unordered if it came unordered), sending the received mbufs
 * themselves, also for a message that arrived in many DATA chunks (up
 * to SCTP_SEND_PARTS_MAX of them): no payload is copied. Discard
 * counts and drops. The generator (--connect) sends numbered messages to
 * a peer's echo service and checks each one that comes back: length,
 * stream, PPID, content, and order per stream. With --gen-discard it
 * sends to a discard service instead: nothing comes back, the send
 * buffer is the window, and the run ends when the peer has acknowledged
 * every message.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_memcpy.h>
#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "dp.h"

#define GEN_MAGIC 0x53435450u /* "SCTP" */
#define GEN_BATCH 256         /* messages sent per loop at most */

struct dp_gen {
    unsigned svc;
    uint32_t assoc_id;
    bool connecting, up, finished, failed, closing;
    uint64_t sent, echoed, errors;
    uint64_t t_start, t_up, t_end, deadline;
    uint64_t *next_seq, *expect_seq;
    uint16_t next_sid; /* streams taken round robin */
    /* Messages per payload mbuf (--gen-pack), each at a stride with the
     * header room in front (sctp_frag.room); 0: one per mbuf, no room. */
    unsigned pack;
    uint32_t stride;
    struct rte_mempool *mp; /* where payload mbufs come from */
    uint64_t again;
    char reason[160];
};

static struct dp_gen *the_gen; /* one client per process */

/* Byte i (>= 16) of message seq on stream sid is (seq * 31 + sid * 7 + i)
 * mod 256: a window of this ramp, so filling and checking are memcpy and
 * memcmp. */
static uint8_t ramp[512];

static inline uint8_t pattern_base(uint64_t seq, uint16_t sid)
{
    return (uint8_t)(seq * 31 + sid * 7);
}

/* Fills len body bytes that start at message offset off: 32-byte
 * blocks, each one vector move of a fixed size, and a last block that
 * ends at the end and overlaps the one before (the bytes it writes again
 * are the same). Shorter bodies take a copy of their length. */
#define FILL_BLOCK 32
static inline void body_fill(uint8_t *p, uint32_t off, uint32_t len, uint8_t base)
{
    if (len < FILL_BLOCK) {
        rte_memcpy(p, ramp + (uint8_t)(base + off), len);
        return;
    }
    uint32_t last = len - FILL_BLOCK;
    for (uint32_t o = 0; o < last; o += FILL_BLOCK)
        memcpy(p + o, ramp + (uint8_t)(base + off + o), FILL_BLOCK);
    memcpy(p + last, ramp + (uint8_t)(base + off + last), FILL_BLOCK);
}

static bool body_ok(const uint8_t *p, uint32_t off, uint32_t len, uint8_t base)
{
    while (len > 0) {
        uint32_t n = len < 256 ? len : 256;
        if (memcmp(p, ramp + (uint8_t)(base + off), n) != 0)
            return false;
        p += n;
        off += n;
        len -= n;
    }
    return true;
}

static void gen_fail(struct dp_engine *e, struct dp_gen *g, const char *why)
{
    if (g->failed || g->finished)
        return;
    g->failed = true;
    g->finished = true;
    g->t_end = e->now;
    snprintf(g->reason, sizeof(g->reason), "%s", why);
    DP_LOG(ERR, "generator: %s", why);
    dp.gen_status = 1;
    dp.gen_done = true;
}

/* Payload layout: --gen-pack messages per mbuf, by default as many as
 * one packet of the smallest port MTU carries (IPv6 and SCTP common
 * headers off), so that a packet's chunks are one segment; never more
 * than the mbuf holds. */
static void gen_layout(struct dp_engine *e, struct dp_gen *g)
{
    uint32_t size = dp.conf.gen_size, mtu = UINT32_MAX;
    uint32_t stride = SCTP_HDR_ROOM + RTE_ALIGN_CEIL(size, 4);
    unsigned pack;

    for (unsigned i = 0; i < dp.n_ports; i++)
        mtu = RTE_MIN(mtu, (uint32_t)dp.conf.ports[i].mtu);
    if (mtu == UINT32_MAX)
        mtu = 1500;
    if (dp.conf.gen_pack >= 0)
        pack = (unsigned)dp.conf.gen_pack;
    else
        pack = RTE_MAX(1u, (mtu - 40 - 12) / stride);
    g->mp = stride <= dp_pool_room(e->pool) ? e->pool : e->big_pool;
    pack = RTE_MIN(pack, dp_pool_room(g->mp) / stride);
    if (pack == 0)
        g->mp = size + 64 <= dp_pool_room(e->pool) ? e->pool : e->big_pool;
    g->pack = pack;
    g->stride = stride;
}

int dp_gen_init(struct dp_engine *e, unsigned svc)
{
    struct dp_gen *g;
    struct sctp_addr local;
    uint16_t port;
    int rc, owner = 0;

    /* The client association lives on one engine: where the NIC will
     * put the peer's packets (softrss), else engine 0. */
    if (dp_route(NULL, &dp.conf.peers[0], &port, &local) == 0) {
        for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
            if (dp.conf.addrs[i].port == port &&
                dp.conf.addrs[i].addr.family == dp.conf.peers[0].family) {
                int k = dp_port_softrss_engine(port, &dp.conf.peers[0], &dp.conf.addrs[i].addr,
                                               dp.conf.peer_port, dp.conf.local_port);
                if (k >= 0)
                    owner = k;
                break;
            }
        }
    }
    if (dp.conf.gen_engine >= 0)
        owner = dp.conf.gen_engine < (int)dp.n_engines ? dp.conf.gen_engine : 0;
    if ((unsigned)owner != e->index)
        return 0;
    g = rte_zmalloc("dp_gen", sizeof(*g), RTE_CACHE_LINE_SIZE);
    if (g == NULL)
        return -1;
    g->next_seq = rte_zmalloc("dp_gen_seq", sizeof(uint64_t) * dp.conf.gen_streams, 0);
    g->expect_seq = rte_zmalloc("dp_gen_seq", sizeof(uint64_t) * dp.conf.gen_streams, 0);
    if (g->next_seq == NULL || g->expect_seq == NULL)
        return -1;
    for (unsigned i = 0; i < sizeof(ramp); i++)
        ramp[i] = (uint8_t)i;
    g->svc = svc;
    gen_layout(e, g);
    g->t_start = e->now;
    g->deadline = e->now + (uint64_t)dp.conf.gen_timeout_s * 1000000000ULL;
    e->gen = g;
    the_gen = g;
    rc = sctp_endpoint_connect(e->svc[svc].ep, dp.conf.peers, dp.conf.n_peers, dp.conf.peer_port,
                               dp.conf.sctp.num_ostreams, NULL, NULL, &g->assoc_id, e->now);
    if (rc < 0) {
        char b[160];
        snprintf(b, sizeof(b), "connect: %s", sctp_strerror(rc));
        gen_fail(e, g, b);
        return 0;
    }
    g->connecting = true;
    DP_LOG(INFO,
           "generator on engine %u: connecting (assoc %u), %" PRIu64 " messages of %u "
           "bytes on %u stream(s)",
           e->index, g->assoc_id, dp.conf.gen_msgs, dp.conf.gen_size, dp.conf.gen_streams);
    return 0;
}

/* A send the association cannot take now: its send queue is full, or
 * the engine's heap has no room for it to grow. The echo waits in the
 * backlog, as for a full queue, rather than be lost; the generator tries
 * again. */
static inline bool send_later(int rc)
{
    return rc == SCTP_ERR_AGAIN || rc == SCTP_ERR_NOMEM;
}

static void gen_send(struct dp_engine *e, struct dp_gen *g)
{
    struct sctp_endpoint *ep = e->svc[g->svc].ep;
    uint32_t size = dp.conf.gen_size;
    unsigned per = g->pack ? g->pack : 1; /* messages per mbuf */
    struct rte_mbuf *ms[GEN_BATCH];
    struct sctp_sendm burst[GEN_BATCH];
    uint64_t room, inflight;
    unsigned n, nm, k, done;
    int rc;

    /* What the window lets out now, in one bulk get from the pool; none
     * while the pools are short (dp_engine.c, dp_engine_pool_check). */
    if (e->gen_hold || g->sent >= dp.conf.gen_msgs)
        return;
    room = dp.conf.gen_msgs - g->sent;
    if (dp.conf.gen_rate != 0) {
        /* --gen-rate: what the rate allows since the association came up. */
        uint64_t due = (uint64_t)((double)(e->now - g->t_up) * 1e-9 * (double)dp.conf.gen_rate);
        if (due <= g->sent)
            return;
        room = RTE_MIN(room, due - g->sent);
    }
    if (!dp.conf.gen_discard) {
        inflight = g->sent - g->echoed;
    } else {
        /* Messages not yet acknowledged, from the association's byte
         * count (queued_bytes: every byte not yet acknowledged, sent or
         * not): once per call, not per message. */
        uint32_t queued;
        if (sctp_assoc_get_sendq(ep, g->assoc_id, &queued, NULL) != 0)
            return;
        inflight = queued / size;
    }
    if (inflight >= dp.conf.gen_window)
        return;
    room = RTE_MIN(room, dp.conf.gen_window - inflight);
    n = (unsigned)RTE_MIN(room, (uint64_t)GEN_BATCH);
    nm = (n + per - 1) / per;
    if (rte_pktmbuf_alloc_bulk(g->mp, ms, nm) != 0)
        return;
    /* Fill every message, then queue them with one call; the stream and
     * sequence counters move for the messages the core took. Streams go
     * round robin: a message is the round-th of the burst on its stream.
     * What the loop reads is in locals: the payload writes below may
     * alias anything as far as the compiler knows, and would make it
     * load each of these again per message. */
    const uint16_t ns = (uint16_t)dp.conf.gen_streams, first_sid = g->next_sid;
    const uint32_t pack = g->pack, stride = g->stride;
    const uint32_t len0 = pack ? pack * stride : size, room0 = pack ? SCTP_HDR_ROOM : 0;
    const uint16_t mflags = dp.conf.gen_unordered ? SCTP_UNORDERED : 0;
    const uint64_t *next_seq = g->next_seq;
    uint16_t sid = first_sid;
    unsigned mi = 0, slot = 0, round = 0; /* mbuf, place in it, turns of the streams */
    uint8_t *base = NULL;
    for (k = 0; k < n; k++) {
        struct rte_mbuf *m = ms[mi];
        uint64_t seq = next_seq[sid] + round;
        uint8_t *p;

        if (slot == 0) {
            /* The next mbuf's data is written next: its lines are asked
             * for now, while this one is filled. */
            if (mi + 1 < nm) {
                uint8_t *nx = rte_pktmbuf_mtod(ms[mi + 1], uint8_t *);
                for (uint32_t o = 0; o < len0; o += RTE_CACHE_LINE_SIZE)
                    rte_prefetch0_write(nx + o);
            }
            /* The pool was chosen for this (gen_layout). */
            base = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len0);
            if (unlikely(base == NULL)) {
                gen_fail(e, g, "message does not fit one mbuf");
                rte_pktmbuf_free_bulk(ms, nm);
                return;
            }
        }
        p = pack ? base + slot * stride + SCTP_HDR_ROOM : base;
        if (++slot == per) {
            slot = 0;
            mi++;
        }
        /* seq (8, LE), sid (2), zero (2), magic ^ seq (4), then pattern. */
        uint64_t le_seq = rte_cpu_to_le_64(seq);
        uint32_t le_sid = rte_cpu_to_le_32(sid);
        uint32_t mg = GEN_MAGIC ^ (uint32_t)seq;
        memcpy(p, &le_seq, 8);
        memcpy(p + 8, &le_sid, 4);
        memcpy(p + 12, &mg, 4);
        body_fill(p + 16, 16, size - 16, pattern_base(seq, sid));
        burst[k] = (struct sctp_sendm){
            .frag = {.data = p, .len = size, .room = room0, .handle = m},
            .sid = sid,
            .flags = mflags,
            .ppid = rte_cpu_to_be_32(0x1000 + sid),
        };
        sid = (uint16_t)(sid + 1u < ns ? sid + 1 : 0);
        round += sid == first_sid;
    }
    rc = sctp_endpoint_send_burst(ep, g->assoc_id, NULL, burst, n, e->now);
    if (rc < 0 && !send_later(rc)) {
        char b[160];
        snprintf(b, sizeof(b), "send: %s", sctp_strerror(rc));
        gen_fail(e, g, b);
    }
    done = rc > 0 ? (unsigned)rc : 0;
    if (done < n)
        g->again++; /* the rest waits; an error shows on the next call */
    /* Stream i (counted from next_sid) took done / streams messages,
     * and one more if it is among the first done % streams. */
    unsigned turns = done / ns, rest = done % ns;
    sid = first_sid;
    for (k = 0; k < ns; k++) {
        g->next_seq[sid] += turns + (k < rest);
        sid = (uint16_t)(sid + 1u < ns ? sid + 1 : 0);
    }
    g->next_sid = (uint16_t)((first_sid + rest) % ns);
    g->sent += done;
    e->st.msgs_out += done;
    e->st.bytes_out += (uint64_t)done * size;
    /* The generator's own reference on each mbuf (the core holds its own
     * for what it took); mbufs with no message taken go back. */
    unsigned used = (done + per - 1) / per;
    for (k = 0; k < used; k++)
        dp_mbuf_unref_local(ms[k]);
    if (used < nm)
        rte_pktmbuf_free_bulk(&ms[used], nm - used);
}

/* Discard mode: the run ends when the peer has acknowledged everything
 * (nothing queued, nothing outstanding). */
static void gen_discard_acked(struct dp_engine *e, struct dp_gen *g)
{
    uint32_t queued, outstanding;

    if (sctp_assoc_get_sendq(e->svc[g->svc].ep, g->assoc_id, &queued, &outstanding) != 0) {
        gen_fail(e, g, "association gone before every message was acknowledged");
        return;
    }
    if (outstanding != 0 || queued != 0)
        return;
    g->echoed = g->sent;
    g->finished = true;
    g->t_end = e->now;
    DP_LOG(INFO, "generator: all %" PRIu64 " messages acknowledged by the discard service",
           g->sent);
    dp.gen_status = 0;
    if (!dp.conf.hold)
        dp.gen_done = true;
}

/* Reads byte i of a message spread over frags. */
static bool gen_check(struct dp_gen *g, const struct sctp_event *ev, char *why, size_t wl)
{
    uint32_t size = dp.conf.gen_size;
    uint16_t sid = ev->u.data.sid;
    uint8_t head[16];
    uint32_t off = 0, fi = 0, fo = 0;
    uint64_t seq = 0;

    if (ev->u.data.len != size) {
        snprintf(why, wl, "message of %u bytes, expected %u", ev->u.data.len, size);
        return false;
    }
    if (sid >= dp.conf.gen_streams) {
        snprintf(why, wl, "message on stream %u, only %u used", sid, dp.conf.gen_streams);
        return false;
    }
    if (ev->u.data.ppid != rte_cpu_to_be_32(0x1000 + sid)) {
        snprintf(why, wl, "stream %u: PPID 0x%x, expected 0x%x", sid,
                 rte_be_to_cpu_32(ev->u.data.ppid), 0x1000 + sid);
        return false;
    }
    /* The 16-byte header may straddle fragments: gather it first. */
    if (ev->u.data.nfrags > 0 && ev->u.data.frags[0].len >= 16) {
        memcpy(head, ev->u.data.frags[0].data, 16);
        off = fo = 16;
    }
    for (; off < 16; off++) {
        while (fi < ev->u.data.nfrags && fo >= ev->u.data.frags[fi].len) {
            fi++;
            fo = 0;
        }
        if (fi >= ev->u.data.nfrags) {
            snprintf(why, wl, "message shorter than its length");
            return false;
        }
        head[off] = ev->u.data.frags[fi].data[fo++];
    }
    uint32_t mg;
    for (unsigned i = 0; i < 8; i++)
        seq |= (uint64_t)head[i] << (8 * i);
    memcpy(&mg, head + 12, 4);
    if ((head[8] | head[9] << 8) != sid || mg != (GEN_MAGIC ^ (uint32_t)seq)) {
        snprintf(why, wl, "stream %u: bad message header", sid);
        return false;
    }
    if (!dp.conf.gen_unordered && seq != g->expect_seq[sid]) {
        snprintf(why, wl, "stream %u: message %" PRIu64 " arrived, expected %" PRIu64, sid, seq,
                 g->expect_seq[sid]);
        return false;
    }
    uint8_t base = pattern_base(seq, sid);
    while (off < size) {
        uint32_t n;
        while (fi < ev->u.data.nfrags && fo >= ev->u.data.frags[fi].len) {
            fi++;
            fo = 0;
        }
        if (fi >= ev->u.data.nfrags) {
            snprintf(why, wl, "message shorter than its length");
            return false;
        }
        n = RTE_MIN(ev->u.data.frags[fi].len - fo, size - off);
        if (!body_ok(ev->u.data.frags[fi].data + fo, off, n, base)) {
            snprintf(why, wl, "stream %u message %" PRIu64 ": content differs after byte %u", sid,
                     seq, off);
            return false;
        }
        off += n;
        fo += n;
    }
    g->expect_seq[sid]++;
    return true;
}

static __rte_noinline void gen_event(struct dp_engine *e, struct dp_gen *g, struct sctp_event *ev)
{
    char why[160];

    switch (ev->type) {
    case SCTP_EV_DATA:
        e->st.msgs_in++;
        e->st.bytes_in += ev->u.data.len;
        if (dp.conf.gen_discard) {
            g->errors++;
            gen_fail(e, g, "a message came back from a discard service");
            return;
        }
        if (!gen_check(g, ev, why, sizeof(why))) {
            g->errors++;
            gen_fail(e, g, why);
            return;
        }
        g->echoed++;
        if (g->echoed == dp.conf.gen_stall_after &&
            sctp_assoc_set_rx_hold(e->svc[g->svc].ep, g->assoc_id, true) == 0)
            DP_LOG(INFO, "generator: takes no more echoes after %" PRIu64 " (--gen-stall-after)",
                   g->echoed);
        if (g->echoed == dp.conf.gen_msgs && !g->finished) {
            g->finished = true;
            g->t_end = e->now;
            DP_LOG(INFO, "generator: all %" PRIu64 " messages echoed and checked", g->echoed);
            dp.gen_status = 0;
            if (!dp.conf.hold)
                dp.gen_done = true;
        }
        break;
    case SCTP_EV_ASSOC_CHANGE:
        switch (ev->u.assoc_change.state) {
        case SCTP_COMM_UP:
            g->up = true;
            g->t_up = e->now;
            if (ev->u.assoc_change.outbound_streams < dp.conf.gen_streams) {
                snprintf(why, sizeof(why), "peer allows %u streams, %u asked",
                         ev->u.assoc_change.outbound_streams, dp.conf.gen_streams);
                gen_fail(e, g, why);
            }
            break;
        case SCTP_COMM_LOST:
            g->up = false;
            if (!g->finished)
                gen_fail(e, g, "association lost (ABORT or too many retransmissions)");
            break;
        case SCTP_CANT_STR_ASSOC:
            gen_fail(e, g,
                     "cannot start the association (INIT unanswered or refused, or the "
                     "peer has no SCTP)");
            break;
        case SCTP_SHUTDOWN_COMP:
            g->up = false;
            if (!g->finished)
                gen_fail(e, g, "peer shut the association down early");
            break;
        default:
            break;
        }
        break;
    case SCTP_EV_SEND_FAILED:
        gen_fail(e, g, "a message could not be sent");
        break;
    default:
        break;
    }
}

/* ---- the echo backlog: one queue per association ---- */

int dp_backlog_init(struct dp_engine *e, int socket)
{
    e->backlog = rte_zmalloc_socket("dp_backlog", sizeof(*e->backlog) * DP_BACKLOG,
                                    RTE_CACHE_LINE_SIZE, socket);
    e->blq =
        rte_zmalloc_socket("dp_blq", sizeof(*e->blq) * DP_BACKLOG, RTE_CACHE_LINE_SIZE, socket);
    e->bl_active = rte_zmalloc_socket("dp_bla", sizeof(uint32_t) * DP_BACKLOG, 0, socket);
    e->bl_hash = rte_zmalloc_socket("dp_blh", sizeof(uint32_t) * DP_BL_HASH, 0, socket);
    if (e->backlog == NULL || e->blq == NULL || e->bl_active == NULL || e->bl_hash == NULL)
        return -1;
    for (uint32_t i = 0; i < DP_BACKLOG; i++) {
        e->backlog[i].next = i + 1 < DP_BACKLOG ? i + 1 : DP_BL_NONE;
        e->blq[i].hnext = i + 1 < DP_BACKLOG ? i + 1 : DP_BL_NONE;
    }
    for (uint32_t i = 0; i < DP_BL_HASH; i++)
        e->bl_hash[i] = DP_BL_NONE;
    e->bl_free = 0;
    e->blq_free = 0;
    e->bl_used = 0;
    e->n_active = 0;
    return 0;
}

static inline uint32_t bl_bucket(unsigned svc, uint32_t assoc_id)
{
    return (assoc_id * 2654435761u + svc) & (DP_BL_HASH - 1);
}

/* The queue of an association with echoes waiting, or NULL. */
static struct dp_bl_queue *blq_find(struct dp_engine *e, unsigned svc, uint32_t assoc_id)
{
    for (uint32_t q = e->bl_hash[bl_bucket(svc, assoc_id)]; q != DP_BL_NONE; q = e->blq[q].hnext)
        if (e->blq[q].assoc_id == assoc_id && e->blq[q].svc == svc)
            return &e->blq[q];
    return NULL;
}

/* A new, empty queue; there is always one for an item to come (a queue
 * has at least one item, and there are as many queues as items). */
static struct dp_bl_queue *blq_new(struct dp_engine *e, unsigned svc, uint32_t assoc_id)
{
    uint32_t qi = e->blq_free, b = bl_bucket(svc, assoc_id);
    struct dp_bl_queue *q = &e->blq[qi];

    e->blq_free = q->hnext;
    *q = (struct dp_bl_queue){.assoc_id = assoc_id,
                              .svc = (uint8_t)svc,
                              .head = DP_BL_NONE,
                              .tail = DP_BL_NONE,
                              .hnext = e->bl_hash[b],
                              .active_at = e->n_active};
    e->bl_hash[b] = qi;
    e->bl_active[e->n_active++] = qi;
    return q;
}

/* Removes an empty queue: from its bucket, and from the active list (the
 * last one takes its place). */
static void blq_remove(struct dp_engine *e, struct dp_bl_queue *q)
{
    uint32_t qi = (uint32_t)(q - e->blq);
    uint32_t *pp = &e->bl_hash[bl_bucket(q->svc, q->assoc_id)];

    while (*pp != qi)
        pp = &e->blq[*pp].hnext;
    *pp = q->hnext;
    uint32_t last = e->bl_active[--e->n_active];
    e->bl_active[q->active_at] = last;
    e->blq[last].active_at = q->active_at;
    q->hnext = e->blq_free;
    e->blq_free = qi;
}

/* Drops an item's references and gives it back. */
static void bl_item_free(struct dp_engine *e, uint32_t ii)
{
    struct dp_backlog_item *it = &e->backlog[ii];

    for (unsigned i = 0; i < it->nfrags; i++)
        dp_mbuf_unref_local(it->frags[i].handle);
    if (it->frags != &it->frag)
        e->cb.free(e->cb.user, it->frags);
    it->frags = NULL;
    it->next = e->bl_free;
    e->bl_free = ii;
    e->bl_used--;
}

/* Takes the first item off its queue and frees it. */
static void bl_pop(struct dp_engine *e, struct dp_bl_queue *q)
{
    uint32_t ii = q->head;

    q->head = e->backlog[ii].next;
    if (q->head == DP_BL_NONE)
        q->tail = DP_BL_NONE;
    q->n--;
    bl_item_free(e, ii);
}

void dp_backlog_free(struct dp_engine *e)
{
    dp_echo_parts_free(e);
    if (e->blq == NULL || e->backlog == NULL)
        return;
    while (e->n_active > 0) {
        struct dp_bl_queue *q = &e->blq[e->bl_active[0]];
        while (q->head != DP_BL_NONE)
            bl_pop(e, q);
        blq_remove(e, q);
    }
}

/* Whether an association has echoes waiting: its next ones go behind. */
static inline bool bl_waiting(struct dp_engine *e, unsigned svc, uint32_t assoc_id)
{
    return e->bl_used > 0 && blq_find(e, svc, assoc_id) != NULL;
}

/* With the backlog half full, an association whose peer holds up its
 * echoes (it stopped reading) is held once it has DP_BL_ASSOC_MIN of
 * them waiting, not echo_assoc_backlog: a few such peers would otherwise
 * fill the backlog, and then every echo of the engine waits. The
 * others, whose echoes move, keep the usual limit. */
static bool bl_blocked_hold(struct dp_engine *e, unsigned svc, const struct dp_bl_queue *q)
{
    return e->bl_used >= DP_BACKLOG / 2 && q->n >= DP_BL_ASSOC_MIN &&
           sctp_assoc_peer_blocked(e->svc[svc].ep, q->assoc_id) == 1;
}

static void backlog_push_frags(struct dp_engine *e, unsigned svc, uint32_t assoc_id,
                               const struct sctp_frag *f, unsigned n, uint32_t len,
                               const struct sctp_sndinfo *info)
{
    /* poll_events() takes no more events than there are free items. */
    if (e->bl_used >= DP_BACKLOG) {
        e->st.echo_dropped++;
        return;
    }
    uint32_t ii = e->bl_free;
    struct dp_backlog_item *it = &e->backlog[ii];
    it->frags = n > 1 ? e->cb.alloc(e->cb.user, n * sizeof(*f)) : &it->frag;
    if (it->frags == NULL) {
        e->st.echo_dropped++;
        return;
    }
    struct dp_bl_queue *q = blq_find(e, svc, assoc_id);
    if (q == NULL)
        q = blq_new(e, svc, assoc_id);
    e->bl_free = it->next;
    e->bl_used++;
    memcpy(it->frags, f, n * sizeof(*f));
    for (unsigned i = 0; i < n; i++)
        dp_mbuf_ref_local(f[i].handle);
    it->len = len;
    it->info = *info;
    it->nfrags = (uint16_t)n;
    it->next = DP_BL_NONE;
    if (q->tail != DP_BL_NONE)
        e->backlog[q->tail].next = ii;
    else
        q->head = ii;
    q->tail = ii;
    q->n++;
    if (!q->held && (q->n >= dp.conf.echo_assoc_backlog || bl_blocked_hold(e, svc, q)) &&
        sctp_assoc_set_rx_hold(e->svc[svc].ep, assoc_id, true) == 0) {
        q->held = true;
        e->st.echo_assoc_holds++;
    }
    if (e->bl_used > e->st.echo_backlog_max)
        e->st.echo_backlog_max = e->bl_used;
}

static void backlog_push(struct dp_engine *e, unsigned svc, const struct sctp_event *ev,
                         const struct sctp_sndinfo *info)
{
    backlog_push_frags(e, svc, ev->assoc_id, ev->u.data.frags, ev->u.data.nfrags, ev->u.data.len,
                       info);
}

/* Sends what each association's queue can send now, in order; a queue
 * whose association takes no more stops there, the others go on. */
static void backlog_drain(struct dp_engine *e)
{
    uint32_t i = 0;

    while (i < e->n_active) {
        struct dp_bl_queue *q = &e->blq[e->bl_active[i]];
        struct sctp_endpoint *ep = e->svc[q->svc].ep;
        while (q->head != DP_BL_NONE) {
            struct dp_backlog_item *it = &e->backlog[q->head];
            int rc = sctp_endpoint_sendv(ep, q->assoc_id, &it->info, it->frags, it->nfrags, e->now);
            if (send_later(rc))
                break;
            if (rc < 0) {
                e->st.echo_dropped++; /* the association is gone */
            } else {
                e->st.msgs_out++;
                e->st.bytes_out += it->len;
            }
            bl_pop(e, q);
        }
        /* Released at half its limit; one held early (bl_blocked_hold)
         * at half of that, while the backlog is still that full. */
        uint32_t release =
            e->bl_used >= DP_BACKLOG / 2 ? DP_BL_ASSOC_MIN / 2 : dp.conf.echo_assoc_backlog / 2;
        if (q->held && q->n <= release) {
            sctp_assoc_set_rx_hold(ep, q->assoc_id, false);
            q->held = false;
        }
        if (q->n == 0)
            blq_remove(e, q); /* the last queue moved to place i */
        else
            i++;
    }
}

/* The peer restarted the association: the echoes still waiting answer
 * messages of the incarnation that is gone (counted, not sent). */
static void backlog_restart(struct dp_engine *e, unsigned svc, uint32_t assoc_id)
{
    struct dp_bl_queue *q = blq_find(e, svc, assoc_id);

    if (q == NULL)
        return;
    while (q->head != DP_BL_NONE) {
        e->st.echo_restart_dropped++;
        bl_pop(e, q);
    }
    if (q->held) {
        sctp_assoc_set_rx_hold(e->svc[svc].ep, assoc_id, false);
        q->held = false;
    }
    blq_remove(e, q);
}

void dp_echo_flush(struct dp_engine *e)
{
    struct dp_echo_burst *eb = &e->echo_burst;
    struct sctp_endpoint *ep = e->svc[eb->svc].ep;
    unsigned i = 0;

    while (i < eb->n) {
        int rc = sctp_endpoint_send_burst(ep, eb->assoc_id, NULL, &eb->m[i], eb->n - i, e->now);
        if (rc > 0) {
            for (unsigned k = i; k < i + (unsigned)rc; k++)
                e->st.bytes_out += eb->m[k].frag.len;
            e->st.msgs_out += (unsigned)rc;
            i += (unsigned)rc;
        } else if (send_later(rc)) {
            break;
        } else {
            e->st.echo_dropped++; /* that one message */
            i++;
        }
    }
    /* What the send queue cannot take now waits, in order. */
    for (; i < eb->n; i++) {
        const struct sctp_sendm *m = &eb->m[i];
        struct sctp_sndinfo info = {.sid = m->sid, .flags = m->flags, .ppid = m->ppid};
        backlog_push_frags(e, eb->svc, eb->assoc_id, &m->frag, 1, m->frag.len, &info);
    }
    eb->n = 0;
}

/* ---- messages in parts (partial delivery) ---- */

static struct dp_echo_part *part_find(struct dp_engine *e, unsigned svc, uint32_t assoc_id,
                                      uint16_t sid)
{
    for (unsigned i = 0; i < e->n_echo_parts; i++) {
        struct dp_echo_part *p = &e->echo_parts[i];
        if (p->svc == svc && p->assoc_id == assoc_id && p->sid == sid)
            return p;
    }
    return NULL;
}

/* Drops the parts' references and the entry (the last one moves to its
 * place). */
static void part_free(struct dp_engine *e, struct dp_echo_part *p)
{
    for (uint32_t i = 0; i < p->nfrags; i++)
        dp_mbuf_unref_local(p->frags[i].handle);
    if (p->frags != NULL)
        e->cb.free(e->cb.user, p->frags);
    *p = e->echo_parts[--e->n_echo_parts];
}

/* The association's messages in parts (all, or the one on stream sid):
 * it ended, or the peer gave up the message (SCTP_EV_PDAPI_ABORTED). */
static void parts_drop(struct dp_engine *e, unsigned svc, uint32_t assoc_id, int sid)
{
    unsigned i = 0;
    while (i < e->n_echo_parts) {
        struct dp_echo_part *p = &e->echo_parts[i];
        if (p->svc == svc && p->assoc_id == assoc_id && (sid < 0 || p->sid == sid)) {
            e->st.echo_parts_dropped++;
            part_free(e, p); /* the last moved to i */
        } else
            i++;
    }
}

void dp_echo_parts_free(struct dp_engine *e)
{
    while (e->n_echo_parts > 0)
        part_free(e, &e->echo_parts[0]);
}

/* No room to keep a message's parts: rather than echo them as messages
 * of their own, the association ends (ABORT, with the reason). */
static void part_fail(struct dp_engine *e, unsigned svc, uint32_t assoc_id, const char *why)
{
    parts_drop(e, svc, assoc_id, -1);
    /* Counted and logged once: the parts already queued behind it come
     * after the association is gone (echo_part). */
    if (sctp_assoc_abort(e->svc[svc].ep, assoc_id, (const uint8_t *)why, (uint16_t)strlen(why),
                         e->now) == 0) {
        e->st.echo_part_aborts++;
        DP_LOG(WARNING, "engine %u assoc %u: echo: %s, association aborted", e->index, assoc_id,
               why);
    }
}

/* A message that arrives in parts (the core's partial delivery, for a
 * message at pd_point bytes or more) goes back whole: each part's
 * fragments are kept, referenced, and the last part sends them all as
 * one message. Nothing is copied. */
static __rte_noinline __rte_cold void echo_part(struct dp_engine *e, unsigned svc,
                                                const struct sctp_event *ev, struct dp_echo_part *p,
                                                const struct sctp_sndinfo *info)
{
    const unsigned n = ev->u.data.nfrags;
    const uint32_t assoc_id = ev->assoc_id;

    if (e->echo_burst.n > 0)
        dp_echo_flush(e); /* in order: what was gathered goes first */
    if (p == NULL) {
        /* The rest of a message whose association is gone (part_fail
         * aborted it, its parts were queued before): nothing to keep;
         * one message dropped, at its last part. */
        if (sctp_assoc_get_sendq(e->svc[svc].ep, assoc_id, NULL, NULL) == SCTP_ERR_NOTFOUND) {
            if (!(ev->u.data.flags & SCTP_EV_DATA_PARTIAL))
                e->st.echo_dropped++;
            return;
        }
        if (e->n_echo_parts == DP_ECHO_PARTS) {
            part_fail(e, svc, assoc_id, "too many messages in parts at once");
            return;
        }
        p = &e->echo_parts[e->n_echo_parts++];
        *p = (struct dp_echo_part){.assoc_id = assoc_id,
                                   .svc = (uint16_t)svc,
                                   .sid = info->sid,
                                   .flags = info->flags,
                                   .ppid = info->ppid};
    }
    /* What a message in parts may hold: its bytes, what a send queue
     * takes; its pieces (each may keep an mbuf of its own), one send's
     * and, over all such messages of the engine, an eighth of the pool. */
    if ((uint64_t)p->len + ev->u.data.len > dp.conf.sctp.max_sendq_bytes) {
        part_fail(e, svc, assoc_id, "a message larger than the send queue");
        return;
    }
    uint64_t kept = 0; /* pieces of all messages in parts (a cold path) */
    for (unsigned i = 0; i < e->n_echo_parts; i++)
        kept += e->echo_parts[i].nfrags;
    if ((uint64_t)p->nfrags + n > SCTP_SEND_PARTS_MAX || kept + n > dp.conf.mbufs / 8) {
        part_fail(e, svc, assoc_id, "a message in more pieces than the echo keeps");
        return;
    }
    if (p->nfrags + n > p->cap) {
        uint32_t cap = p->cap ? p->cap : 64;
        while (cap < p->nfrags + n)
            cap *= 2;
        struct sctp_frag *f = e->cb.alloc(e->cb.user, cap * sizeof(*f));
        if (f == NULL) {
            part_fail(e, svc, assoc_id, "no memory for a message in parts");
            return;
        }
        if (p->nfrags > 0)
            memcpy(f, p->frags, p->nfrags * sizeof(*f));
        if (p->frags != NULL)
            e->cb.free(e->cb.user, p->frags);
        p->frags = f;
        p->cap = cap;
    }
    memcpy(p->frags + p->nfrags, ev->u.data.frags, n * sizeof(*p->frags));
    for (unsigned i = 0; i < n; i++)
        dp_mbuf_ref_local(ev->u.data.frags[i].handle);
    p->nfrags += n;
    p->len += ev->u.data.len;
    if (ev->u.data.flags & SCTP_EV_DATA_PARTIAL)
        return; /* more follows */

    struct sctp_sndinfo whole = {.sid = p->sid, .flags = p->flags, .ppid = p->ppid};
    e->st.echo_parted++;
    if (bl_waiting(e, svc, assoc_id)) {
        backlog_push_frags(e, svc, assoc_id, p->frags, p->nfrags, p->len, &whole);
    } else {
        int rc = sctp_endpoint_sendv(e->svc[svc].ep, assoc_id, &whole, p->frags, p->nfrags, e->now);
        if (send_later(rc)) {
            backlog_push_frags(e, svc, assoc_id, p->frags, p->nfrags, p->len, &whole);
        } else if (rc < 0) {
            e->st.echo_dropped++;
        } else {
            e->st.msgs_out++;
            e->st.bytes_out += p->len;
        }
    }
    part_free(e, p); /* the send and the backlog hold their own references */
}

/* Sends the message back as it came, piece by piece (a message
 * reassembled from several DATA chunks goes out as references to each of
 * them): no payload is copied. */
static __rte_noinline void echo_data(struct dp_engine *e, unsigned svc, const struct sctp_event *ev)
{
    struct sctp_sndinfo info;
    unsigned n = ev->u.data.nfrags;
    int rc;

    if (unlikely(ev->u.data.flags & SCTP_EV_DATA_BEFORE_RESTART)) {
        e->st.echo_restart_dropped++;
        return;
    }
    memset(&info, 0, sizeof(info));
    info.sid = ev->u.data.sid;
    info.ppid = ev->u.data.ppid;
    if (ev->u.data.flags & SCTP_EV_DATA_UNORDERED)
        info.flags = SCTP_UNORDERED;
    if (unlikely((ev->u.data.flags & SCTP_EV_DATA_PARTIAL) || e->n_echo_parts > 0)) {
        struct dp_echo_part *p = part_find(e, svc, ev->assoc_id, info.sid);
        if (p != NULL || (ev->u.data.flags & SCTP_EV_DATA_PARTIAL)) {
            echo_part(e, svc, ev, p, &info);
            return;
        }
    }
    if (n == 0 || n > SCTP_SEND_PARTS_MAX) {
        e->st.echo_dropped++; /* more pieces than one send takes */
        return;
    }
    struct dp_echo_burst *eb = &e->echo_burst;
    if (eb->n > 0 &&
        (eb->svc != svc || eb->assoc_id != ev->assoc_id || eb->n == DP_ECHO_BURST || n > 1))
        dp_echo_flush(e); /* in order: what was gathered goes first */
    bool waiting = bl_waiting(e, svc, ev->assoc_id);
    if (n == 1 && !waiting) {
        /* Gathered, and sent with the others of this batch of events. */
        eb->svc = svc;
        eb->assoc_id = ev->assoc_id;
        eb->m[eb->n++] = (struct sctp_sendm){
            .frag = ev->u.data.frags[0], .sid = info.sid, .flags = info.flags, .ppid = info.ppid};
        return;
    }
    if (waiting) {
        backlog_push(e, svc, ev, &info); /* keep the order */
        return;
    }
    rc = sctp_endpoint_sendv(e->svc[svc].ep, ev->assoc_id, &info, ev->u.data.frags, n, e->now);
    if (send_later(rc)) {
        backlog_push(e, svc, ev, &info);
    } else if (rc < 0) {
        e->st.echo_dropped++;
    } else {
        e->st.msgs_out++;
        e->st.bytes_out += ev->u.data.len;
    }
}

static const char *change_name(enum sctp_assoc_change_state s)
{
    switch (s) {
    case SCTP_COMM_UP:
        return "COMM_UP";
    case SCTP_COMM_LOST:
        return "COMM_LOST";
    case SCTP_RESTART:
        return "RESTART";
    case SCTP_SHUTDOWN_COMP:
        return "SHUTDOWN_COMP";
    case SCTP_CANT_STR_ASSOC:
        return "CANT_STR_ASSOC";
    }
    return "?";
}

/* Event log lines per engine: NOTE_BURST in a row, then NOTE_RATE a
 * second. Each is a write on the lcore: thousands of associations
 * failing over, or set up by a flood, must not keep it from its packets.
 * What is held back is counted (notes_unlogged), and the next line says
 * how many went unlogged. */
#define NOTE_BURST 64
#define NOTE_RATE  50

void dp_service_notes_flush(struct dp_engine *e)
{
    if (e->notes_held > 0) {
        DP_LOG(NOTICE, "engine %u: %" PRIu64 " association and path events not logged (log rate)",
               e->index, e->notes_held);
        e->notes_held = 0;
    }
}

static bool note_allowed(struct dp_engine *e)
{
    if (!dp_bucket_take(&e->note_tat_ns, e->now, 1000000000ULL / NOTE_RATE, NOTE_BURST)) {
        e->st.notes_unlogged++;
        e->notes_held++;
        return false;
    }
    dp_service_notes_flush(e);
    return true;
}

/* The log line of an event that is not DATA: out of the DATA path, so
 * that its buffer and calls cost that path nothing. */
static __rte_noinline __rte_cold void service_note(struct dp_engine *e, struct dp_service *s,
                                                   const struct sctp_event *ev)
{
    if (ev->type != SCTP_EV_ASSOC_CHANGE && ev->type != SCTP_EV_SHUTDOWN &&
        ev->type != SCTP_EV_PADDR_CHANGE)
        return;
    if (!note_allowed(e))
        return;
    if (ev->type == SCTP_EV_ASSOC_CHANGE) {
        DP_LOG(INFO, "engine %u port %u assoc %u: %s (streams out %u in %u)", e->index, s->port,
               ev->assoc_id, change_name(ev->u.assoc_change.state),
               ev->u.assoc_change.outbound_streams, ev->u.assoc_change.inbound_streams);
    } else if (ev->type == SCTP_EV_SHUTDOWN) {
        DP_LOG(INFO, "engine %u port %u assoc %u: peer sent SHUTDOWN", e->index, s->port,
               ev->assoc_id);
    } else if (ev->type == SCTP_EV_PADDR_CHANGE) {
        char b[64];
        dp_addr_str(&ev->u.paddr.addr, b, sizeof(b));
        DP_LOG(INFO, "engine %u assoc %u: path %s state %d", e->index, ev->assoc_id, b,
               ev->u.paddr.state);
    }
}

void dp_service_event(struct dp_engine *e, unsigned svc, struct sctp_event *ev)
{
    struct dp_service *s = &e->svc[svc];

    if (ev->type != SCTP_EV_DATA)
        service_note(e, s, ev);
    switch (s->kind) {
    case DP_SVC_ECHO:
        if (ev->type == SCTP_EV_DATA) {
            dp_count_in(e, ev);
            if (!e->shutting_down)
                echo_data(e, svc, ev);
        } else if (ev->type == SCTP_EV_ASSOC_CHANGE && ev->u.assoc_change.state == SCTP_RESTART) {
            backlog_restart(e, svc, ev->assoc_id);
            if (e->n_echo_parts > 0)
                parts_drop(e, svc, ev->assoc_id, -1);
        } else if (e->n_echo_parts > 0) {
            /* A message in parts that will not be finished. */
            if (ev->type == SCTP_EV_PDAPI_ABORTED)
                parts_drop(e, svc, ev->assoc_id, ev->u.pdapi.sid);
            else if (ev->type == SCTP_EV_ASSOC_CHANGE && ev->u.assoc_change.state != SCTP_COMM_UP)
                parts_drop(e, svc, ev->assoc_id, -1);
        }
        break;
    case DP_SVC_DISCARD:
        if (ev->type == SCTP_EV_DATA)
            dp_count_in(e, ev);
        break;
    case DP_SVC_CLIENT:
        if (e->gen != NULL && ev->assoc_id == e->gen->assoc_id)
            gen_event(e, e->gen, ev);
        break;
    default:
        break;
    }
}

void dp_service_poll(struct dp_engine *e)
{
    /* Echo backlog first, in order per association. */
    if (e->n_active > 0)
        backlog_drain(e);
    if (e->gen != NULL) {
        struct dp_gen *g = e->gen;
        if (g->up && !g->finished && !e->shutting_down)
            gen_send(e, g);
        if (dp.conf.gen_discard && g->up && !g->finished && g->sent == dp.conf.gen_msgs)
            gen_discard_acked(e, g);
        if (!g->finished && e->now > g->deadline) {
            char b[160];
            snprintf(b, sizeof(b), "timeout after %us: %" PRIu64 " of %" PRIu64 " echoed",
                     dp.conf.gen_timeout_s, g->echoed, dp.conf.gen_msgs);
            gen_fail(e, g, b);
        }
    }
}

void dp_gen_report(void)
{
    struct dp_gen *g = the_gen;
    double secs;

    if (g == NULL) {
        if (dp.conf.n_peers > 0)
            printf("gen: result=FAIL reason=\"no generator started\"\n");
        return;
    }
    if (!g->finished) {
        g->t_end = dp_now_ns();
        if (!g->failed)
            snprintf(g->reason, sizeof(g->reason), "stopped before the end");
    }
    secs = g->t_up != 0 && g->t_end > g->t_up ? (double)(g->t_end - g->t_up) / 1e9 : 0.0;
    bool ok = g->finished && !g->failed && g->echoed == dp.conf.gen_msgs;
    printf("gen: result=%s msgs=%" PRIu64 " sent=%" PRIu64 " echoed=%" PRIu64 " errors=%" PRIu64
           " size=%u streams=%u window=%u mode=%s elapsed_s=%.3f msgs_per_s=%.0f%s%s%s\n",
           ok ? "ok" : "FAIL", dp.conf.gen_msgs, g->sent, g->echoed, g->errors, dp.conf.gen_size,
           dp.conf.gen_streams, dp.conf.gen_window, dp.conf.gen_discard ? "discard" : "echo", secs,
           secs > 0 ? (double)g->echoed / secs : 0.0, ok ? "" : " reason=\"", ok ? "" : g->reason,
           ok ? "" : "\"");
    if (!ok)
        dp.gen_status = 1;
    fflush(stdout);
}

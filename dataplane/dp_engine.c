/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_engine.c: one engine per lcore. Each has its own RX/TX queue on every
 * port, its own protocol endpoints (one per service port), associations,
 * timers, mempools and mailboxes. The loop, as in DPDK's l3fwd:
 *
 *   RX burst on every port -> L2/L3 -> CRC -> owner? core input : mailbox
 *   mailboxes from the other engines -> core input
 *   timers -> user events (services) -> packets out (bundled by the core)
 *   -> header mbuf + indirect mbufs on the payload -> TX burst
 *
 * The whole RX burst is fed before any packet is written, so an
 * association acknowledges a burst with one SACK.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_memcpy.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dp.h"
#include "sctp_crc32c.h"

/* The process's dataplane state (dp.h), and its log type, set by main(). */
struct dp_main dp;
int dp_logtype = RTE_LOGTYPE_USER1;

#define WRITE_BUDGET 512 /* packets written per endpoint per loop */
/* After the shutdown deadline (ABORT, 20 ms of draining), how long an
 * engine that is done waits for the others before it leaves anyway. */
#define SHUTDOWN_GRACE_NS (200 * 1000 * 1000ULL)

void dp_clock_init(void)
{
    dp.tsc_hz = rte_get_tsc_hz();
    dp.tsc0 = rte_get_tsc_cycles();
    /* ns = cycles * 1e9 / hz, as a 32.32 fixed point multiplier. */
    dp.ns_mult = (uint64_t)(((unsigned __int128)1000000000ULL << 32) / dp.tsc_hz);
}

uint64_t dp_now_ns(void)
{
    uint64_t c = rte_get_tsc_cycles() - dp.tsc0;
    return (uint64_t)(((unsigned __int128)c * dp.ns_mult) >> 32);
}

/* ------------------------------------------------------------------ */
/* Core callbacks: payload handles are struct rte_mbuf pointers.       */

/*
 * Every reference to an engine's mbufs is taken and dropped on that
 * engine's lcore (a mailbox hands a packet over whole, with no reference
 * kept), so the count needs no atomic read-modify-write: a plain store is
 * what rte_mbuf_refcnt_update() itself does when the count is 1. Several
 * atomics per message (core references, echo, indirect attach) add up.
 */
static inline void mbuf_ref_seg_local(struct rte_mbuf *m)
{
    rte_mbuf_refcnt_set(m, (uint16_t)(rte_mbuf_refcnt_read(m) + 1));
}

/*
 * A handle is one segment unless it heads a chain (nb_segs above 1). Its
 * next pointer is no guide: a payload mbuf sent as a segment of a TX chain
 * (emit, chain_direct_ok) keeps the next of that chain after the driver
 * drops its reference.
 */
static inline void mbuf_ref_local_n(struct rte_mbuf *m, uint16_t n)
{
    if (likely(m->nb_segs == 1)) {
        rte_mbuf_refcnt_set(m, (uint16_t)(rte_mbuf_refcnt_read(m) + n));
        return;
    }
    /* A chain is released with rte_pktmbuf_free(), which drops one
     * reference from every segment: take them on every segment. */
    for (struct rte_mbuf *seg = m; seg; seg = seg->next)
        rte_mbuf_refcnt_update(seg, (int16_t)n);
}

static inline void mbuf_ref_local(struct rte_mbuf *m)
{
    mbuf_ref_local_n(m, 1);
}

void dp_mbuf_ref_local(struct rte_mbuf *m)
{
    mbuf_ref_local(m);
}

void dp_mbuf_unref_local(struct rte_mbuf *m)
{
    uint16_t r = rte_mbuf_refcnt_read(m);

    if (unlikely(m->nb_segs > 1))
        rte_pktmbuf_free(m);
    else if (r > 1)
        rte_mbuf_refcnt_set(m, (uint16_t)(r - 1));
    else
        rte_pktmbuf_free_seg(m); /* clears a next left by a TX chain */
}

static void cb_ref(void *user, void *handle)
{
    (void)user;
    mbuf_ref_local((struct rte_mbuf *)handle);
}

static void cb_unref(void *user, void *handle)
{
    (void)user;
    dp_mbuf_unref_local((struct rte_mbuf *)handle);
}

/* n references at once (sctp_callbacks.payload_ref_n): messages packed in
 * one mbuf. The count is 16 bits wide, as for n single references. */
static void cb_ref_n(void *user, void *handle, uint32_t n)
{
    (void)user;
    mbuf_ref_local_n(handle, (uint16_t)n);
}

static void cb_unref_n(void *user, void *handle, uint32_t n)
{
    struct rte_mbuf *m = handle;
    uint16_t r = rte_mbuf_refcnt_read(m);

    (void)user;
    if (likely(m->nb_segs == 1)) {
        if (r > n) {
            rte_mbuf_refcnt_set(m, (uint16_t)(r - n));
            return;
        }
        if (r == n) {
            /* The last n references: the mbuf goes back, as the last
             * of n single releases would return it. */
            rte_mbuf_refcnt_set(m, 1);
            rte_pktmbuf_free_seg(m); /* clears a next left by a TX chain */
            return;
        }
    }
    while (n-- > 0)
        dp_mbuf_unref_local(m);
}

/*
 * rte_pktmbuf_attach() with the local reference count above, for the
 * segments after the first of a TX chain: drivers take offload requests,
 * VLAN tags and dynamic fields from the first segment, so these are
 * cleared rather than copied from the payload's mbuf as
 * __rte_pktmbuf_copy_hdr() does (hash and dynamic fields included).
 */
static inline void attach_local(struct rte_mbuf *mi, struct rte_mbuf *m)
{
    if (RTE_MBUF_HAS_EXTBUF(m) || !RTE_MBUF_DIRECT(m)) {
        rte_pktmbuf_attach(mi, m);
        return;
    }
    /* The indirect mbuf holds this one segment's buffer only. */
    mbuf_ref_seg_local(m);
    mi->priv_size = m->priv_size;
    mi->ol_flags = m->ol_flags | RTE_MBUF_F_INDIRECT;
    mi->port = m->port;
    mi->vlan_tci = 0;
    mi->vlan_tci_outer = 0;
    mi->tx_offload = 0;
    mi->packet_type = 0;
    mi->data_off = m->data_off;
    mi->data_len = m->data_len;
    rte_mbuf_iova_set(mi, rte_mbuf_iova_get(m));
    mi->buf_addr = m->buf_addr;
    mi->buf_len = m->buf_len;
    mi->next = NULL;
    mi->pkt_len = mi->data_len;
    mi->nb_segs = 1;
}

static bool cb_pick_src(void *user, const struct sctp_addr *dst, struct sctp_addr *src)
{
    (void)user;
    return dp_pick_src(dst, src);
}

/* RFC 4861 7.3.1: an association's forward progress on the path from
 * src to dst confirms the neighbour it leaves by, on this engine (the
 * association's owner, the one whose traffic uses that entry). */
static void cb_path_progress(void *user, const struct sctp_addr *src, const struct sctp_addr *dst)
{
    struct dp_engine *e = user;
    uint16_t port;
    struct sctp_addr nh;

    if (dp_route(src, dst, &port, &nh) == 0)
        dp_neigh_confirm(e, port, &nh);
}

static void cb_random(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    while (len > 0) {
        uint64_t r = rte_rand();
        size_t n = len < 8 ? len : 8;
        memcpy(buf, &r, n);
        buf += n;
        len -= n;
    }
}

/*
 * The core's small allocations (reassembly nodes, fragment lists of
 * events) happen per message: they come from two per-engine mempools.
 * Larger ones (an endpoint's tables, an association, its stream arrays
 * and rings, the fragment list of a message in many chunks) and what the
 * pools cannot give come from the engine's heap (dp_heap.h). Only before
 * the loop runs, on the main thread, may what the heap cannot give come
 * from malloc. So the fast path does mempool gets and heap splits, never
 * malloc. A 16-byte header before a pool's or malloc's object says where
 * it came from; a heap block has none (its address tells).
 */
#define OBJ_HDR         16
#define OBJ_SMALL       128
#define OBJ_MEDIUM      512
#define OBJ_FROM_MALLOC 0x4d414c4cu
#define OBJ_FROM_SM     0x534d4c4cu
#define OBJ_FROM_MD     0x4d454449u

static void *cb_alloc(void *user, size_t size)
{
    struct dp_engine *e = user;
    uint8_t *o = NULL;
    uint32_t tag;

    if (size <= OBJ_SMALL - OBJ_HDR && rte_mempool_get(e->obj_small, (void **)&o) == 0) {
        tag = OBJ_FROM_SM;
    } else if (size <= OBJ_MEDIUM - OBJ_HDR && rte_mempool_get(e->obj_medium, (void **)&o) == 0) {
        tag = OBJ_FROM_MD;
    } else if ((o = dp_heap_alloc(&e->heap, size)) != NULL) {
        /* No header: the address says it is the heap's (cb_free), and a
         * size of a power of two (the core's rings and tables) takes a
         * block of its size, not one twice as large. */
        return o;
    } else if (!e->running && size <= SIZE_MAX - OBJ_HDR) {
        /* Before the loop runs, on the main thread: an endpoint's tables
         * larger than the heap. */
        o = malloc(size + OBJ_HDR);
        if (o == NULL)
            return NULL;
        tag = OBJ_FROM_MALLOC;
        e->st.startup_mallocs++;
    } else {
        return NULL; /* counted in heap.failures */
    }
    memcpy(o, &tag, sizeof(tag));
    return o + OBJ_HDR;
}

static void cb_free(void *user, void *ptr)
{
    struct dp_engine *e = user;
    uint8_t *o = (uint8_t *)ptr - OBJ_HDR;
    uint32_t tag;

    if (dp_heap_owns(&e->heap, ptr)) {
        dp_heap_free(&e->heap, ptr);
        return;
    }
    memcpy(&tag, o, sizeof(tag));
    if (tag == OBJ_FROM_SM)
        rte_mempool_put(e->obj_small, o);
    else if (tag == OBJ_FROM_MD)
        rte_mempool_put(e->obj_medium, o);
    else
        free(o);
}

static int add_service(struct dp_engine *e, uint16_t port, uint8_t kind, bool csum_offload)
{
    struct sctp_config cfg = dp.conf.sctp;
    struct dp_service *s = &e->svc[e->n_svc];

    cfg.port = port;
    cfg.n_addrs = dp.conf.n_addrs;
    for (unsigned i = 0; i < dp.conf.n_addrs; i++)
        cfg.addrs[i] = dp.conf.addrs[i].addr;
    cfg.one_to_one = false;
    cfg.tx_csum_offload = csum_offload;
    cfg.vtag_mask = dp.vtag_mask;
    cfg.vtag_value = e->index & dp.vtag_mask;
    /* The smallest MTU of our ports, less the IP header, is what fits. */
    uint32_t mtu = 9000;
    for (unsigned i = 0; i < dp.n_ports; i++)
        mtu = RTE_MIN(mtu, (uint32_t)dp.ports[i].mtu);
    cfg.pmtu = mtu;
    /* Each DATA chunk that reassembly holds (behind a missing TSN, or of
     * a message not yet whole) may keep the mbuf it came in: a peer
     * sending its chunks one per packet could otherwise take the whole
     * pool with one association. Unless configured, an association holds
     * at most an eighth of the pool's mbufs (a quarter more while filling
     * a hole, chunk_room() in the core), and partial delivery starts
     * early enough that a message cut into chunks of 256 bytes or more
     * (any path MTU an IPv4 host must accept gives more) goes up before
     * that limit. */
    if (cfg.max_reasm_chunks == 0) {
        cfg.max_reasm_chunks = RTE_MIN(cfg.max_reasm_bytes / 256, dp.conf.mbufs / 8);
        cfg.max_reasm_chunks = RTE_MAX(cfg.max_reasm_chunks, 64u);
    }
    cfg.pd_point = RTE_MIN(cfg.pd_point, cfg.max_reasm_chunks / 2 * 256);
    e->cb.user = e;
    e->cb.payload_ref = cb_ref;
    e->cb.payload_unref = cb_unref;
    e->cb.payload_ref_n = cb_ref_n;
    e->cb.payload_unref_n = cb_unref_n;
    e->cb.random = cb_random;
    e->cb.pick_src = cb_pick_src;
    e->cb.path_progress = cb_path_progress;
    e->cb.alloc = cb_alloc;
    e->cb.free = cb_free;
    s->ep = sctp_endpoint_new(&cfg, &e->cb, dp_now_ns());
    if (s->ep == NULL) {
        /* The option parser checked what sctp_endpoint_new() checks: what
         * is left is memory. */
        DP_LOG(ERR, "engine %u: cannot create the endpoint for SCTP port %u (out of memory?)",
               e->index, port);
        return -1;
    }
    s->port = port;
    s->kind = kind;
    e->n_svc++;
    return 0;
}

int dp_engine_create(unsigned index, unsigned lcore_id)
{
    struct dp_engine *e;
    char name[RTE_MEMPOOL_NAMESIZE];
    int socket = (int)rte_lcore_to_socket_id(lcore_id);

    e = rte_zmalloc_socket("dp_engine", sizeof(*e), RTE_CACHE_LINE_SIZE, socket);
    if (e == NULL)
        return -1;
    e->index = index;
    e->frag_id = (uint32_t)rte_rand();
    e->lcore_id = lcore_id;
    snprintf(name, sizeof(name), "dp_mb_%u", index);
    e->pool =
        rte_pktmbuf_pool_create(name, dp.conf.mbufs, 512, 0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
    snprintf(name, sizeof(name), "dp_ind_%u", index);
    e->ind_pool = rte_pktmbuf_pool_create(name, dp.conf.mbufs, 512, 0, 0, socket);
    snprintf(name, sizeof(name), "dp_big_%u", index);
    e->big_pool = rte_pktmbuf_pool_create(name, 256, 32, 0, DP_BIG_BUF_SIZE, socket);
    snprintf(name, sizeof(name), "dp_obs_%u", index);
    e->obj_small = rte_mempool_create(name, 65535, OBJ_SMALL, 256, 0, NULL, NULL, NULL, NULL,
                                      socket, RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET);
    snprintf(name, sizeof(name), "dp_obm_%u", index);
    e->obj_medium = rte_mempool_create(name, 16383, OBJ_MEDIUM, 128, 0, NULL, NULL, NULL, NULL,
                                       socket, RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET);
    if (dp_heap_init(&e->heap, (size_t)dp.conf.heap_mb << 20) < 0) {
        DP_LOG(ERR, "engine %u: cannot map its heap of %u MB (--engine-heap): %s", index,
               dp.conf.heap_mb, strerror(errno));
        return -1;
    }
    e->txp = rte_zmalloc_socket("dp_txp", sizeof(*e->txp), RTE_CACHE_LINE_SIZE, socket);
    e->snap = rte_zmalloc_socket("dp_snap", sizeof(*e->snap), RTE_CACHE_LINE_SIZE, socket);
    e->snap_build = rte_zmalloc_socket("dp_snapb", sizeof(*e->snap), RTE_CACHE_LINE_SIZE, socket);
    if (e->pool == NULL || e->ind_pool == NULL || e->big_pool == NULL || e->obj_small == NULL ||
        e->obj_medium == NULL || e->txp == NULL || dp_backlog_init(e, socket) < 0 ||
        e->snap == NULL || e->snap_build == NULL) {
        DP_LOG(ERR, "engine %u: out of memory (%u mbufs asked: try --mbufs or more hugepages)",
               index, dp.conf.mbufs);
        return -1;
    }
    rte_seqlock_init(&e->snap->lock);
    e->pool_low = RTE_MAX(dp.conf.mbufs / 8, 128u);
    e->pool_high = RTE_MAX(dp.conf.mbufs / 4, 256u);
    e->pool_unblock = RTE_MAX(dp.conf.mbufs / 8 * 3, 384u);
    e->pool_gen = dp.conf.mbufs / 2;
    e->pool_avail = dp.conf.mbufs;
    if (dp_net_frag_init(e) < 0) {
        DP_LOG(ERR, "engine %u: fragment table", index);
        return -1;
    }
    dp.engines[index] = e;
    return 0;
}

/* Mailboxes and endpoints: after every engine and port exists. */
int dp_engines_link(void)
{
    bool offload = true;

    for (unsigned p = 0; p < dp.n_ports; p++)
        offload &= dp.ports[p].tx_sctp_csum;
    for (unsigned i = 0; i < dp.n_engines; i++) {
        struct dp_engine *e = dp.engines[i];
        for (unsigned j = 0; j < dp.n_engines; j++) {
            char name[RTE_RING_NAMESIZE];
            if (i == j)
                continue;
            snprintf(name, sizeof(name), "dp_mbox_%u_%u", j, i);
            /* One producer (engine j), one consumer (engine i). */
            e->in[j] = rte_ring_create(name, DP_MAILBOX_SIZE, rte_lcore_to_socket_id(e->lcore_id),
                                       RING_F_SP_ENQ | RING_F_SC_DEQ);
            if (e->in[j] == NULL) {
                DP_LOG(ERR, "mailbox %u->%u: %s", j, i, rte_strerror(rte_errno));
                return -1;
            }
        }
        if (dp.conf.echo_port != 0 && add_service(e, dp.conf.echo_port, DP_SVC_ECHO, offload) < 0)
            return -1;
        if (dp.conf.discard_port != 0 &&
            add_service(e, dp.conf.discard_port, DP_SVC_DISCARD, offload) < 0)
            return -1;
        if (dp.conf.n_peers > 0 && add_service(e, dp.conf.local_port, DP_SVC_CLIENT, offload) < 0)
            return -1;
    }
    DP_LOG(INFO, "%u engine(s), vtag owner mask 0x%x, TX SCTP CRC %s", dp.n_engines, dp.vtag_mask,
           offload ? "by the NIC" : "in software (ISA-L)");
    return 0;
}

void dp_engine_free(struct dp_engine *e)
{
    if (e == NULL)
        return;
    for (unsigned i = 0; i < e->n_svc; i++)
        sctp_endpoint_free(e->svc[i].ep);
    for (unsigned j = 0; j < DP_MAX_ENGINES; j++) {
        if (e->in[j] != NULL) {
            struct rte_mbuf *m;
            while (rte_ring_sc_dequeue(e->in[j], (void **)&m) == 0)
                rte_pktmbuf_free(m);
            rte_ring_free(e->in[j]);
        }
    }
    for (unsigned p = 0; p < DP_MAX_PORTS; p++)
        for (unsigned k = 0; k < e->tx_n[p]; k++)
            rte_pktmbuf_free(e->tx_buf[p][k]);
    for (unsigned i = 0; i < DP_NEIGH_ENTRIES; i++)
        for (unsigned k = 0; k < e->neigh[i].n_hold; k++)
            rte_pktmbuf_free(e->neigh[i].hold[k]);
    dp_backlog_free(e);
    if (e->frag_tbl != NULL)
        rte_ip_frag_table_destroy(e->frag_tbl);
    dp_frag_track_free(&e->frag_track);
    /* Everything the core and the echo held is given back by now: what
     * is left in the heap was never freed. */
    if (e->heap.used != 0)
        DP_LOG(WARNING, "engine %u: %zu bytes of its heap never freed", e->index, e->heap.used);
    dp_heap_fini(&e->heap);
}

/* ------------------------------------------------------------------ */
/* RX: steering and the core                                           */

bool dp_mailbox_send(struct dp_engine *e, unsigned to, struct rte_mbuf *m, uint32_t kind)
{
    struct rte_ring *r = dp.engines[to]->in[e->index];

    m->hash.usr = kind;
    if (rte_ring_sp_enqueue(r, m) != 0) {
        e->st.mailbox_full++;
        rte_pktmbuf_free(m);
        return false;
    }
    e->st.mailbox_tx++;
    return true;
}

static int find_service(const struct dp_engine *e, uint16_t port)
{
    for (unsigned i = 0; i < e->n_svc; i++) {
        if (e->svc[i].port == port)
            return (int)i;
    }
    return -1;
}

#define OWNER_ALL UINT32_MAX

/* The engine to answer an INIT that reached e while e refuses new
 * associations for its heap (heap_admission): the next engine after e
 * that does not, so that associations fill every engine's heap before
 * any is refused. The INIT ACK it sends carries its own index in the
 * tag, and the COOKIE ECHO and all that follows go to it. e itself
 * (which answers with an ABORT) when every engine refuses. */
static unsigned init_engine(struct dp_engine *e)
{
    for (unsigned k = 1; k < dp.n_engines; k++) {
        unsigned j = (e->index + k) % dp.n_engines;
        if (!__atomic_load_n(&dp.engines[j]->heap_refusing, __ATOMIC_RELAXED)) {
            e->st.inits_steered++;
            return j;
        }
    }
    return e->index;
}

/* Which engine owns the association this packet belongs to; OWNER_ALL
 * when the packet does not say. */
static unsigned owner_of(struct dp_engine *e, const uint8_t *p, uint32_t len)
{
    uint32_t vtag, tag;
    uint8_t type, flags;

    if (len < 16)
        return e->index;
    vtag = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
    type = p[12];
    flags = p[13];
    switch (type) {
    case 1: /* INIT: answered statelessly by whoever gets it */
        e->st.inits_stateless++;
        return e->heap_refusing ? init_engine(e) : e->index;
    case 10: /* COOKIE ECHO: the tag the cookie was made for */
        if (sctp_cookie_peek_vtag(p, len, &tag) == 0) {
            e->st.cookie_redirects += (tag & dp.vtag_mask) != e->index;
            vtag = tag;
        }
        break;
    case 6:  /* ABORT */
    case 14: /* SHUTDOWN COMPLETE */
        /* RFC 9260 8.5.1: with T set the tag is the sender's own, which
         * says nothing of the owner: every engine gets a look. */
        if (flags & 1)
            return OWNER_ALL;
        break;
    default:
        break;
    }
    tag = vtag & dp.vtag_mask;
    return tag < dp.n_engines ? tag : e->index;
}

void dp_sctp_input(struct dp_engine *e, struct rte_mbuf *m, uint32_t l3, uint32_t l4,
                   const struct sctp_addr *src, const struct sctp_addr *dst, bool redirected)
{
    const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, l4);
    uint32_t len = rte_pktmbuf_pkt_len(m) - l4;
    uint16_t port = m->port < DP_MAX_PORTS ? m->port : 0;
    struct sctp_rx_packet pkt;
    int svc, rc;

    svc = find_service(e, (uint16_t)(p[2] << 8 | p[3]));
    if (svc < 0) {
        e->pst[port].drops[DP_DROP_SCTP_PORT]++;
        rte_pktmbuf_free(m);
        return;
    }
    if (!redirected && dp.n_engines > 1) {
        unsigned owner = owner_of(e, p, len);
        if (owner != e->index) {
            /* The offsets travel in l2_len (7 bits) and l3_len (9 bits);
             * IPv6 extension headers can make l3 longer than that holds. */
            if (l3 >= (1u << RTE_MBUF_L2_LEN_BITS) || l4 - l3 >= (1u << RTE_MBUF_L3_LEN_BITS)) {
                e->pst[port].drops[DP_DROP_L3_MALFORMED]++;
                rte_pktmbuf_free(m);
                return;
            }
            m->l2_len = l3;
            m->l3_len = l4 - l3;
            if (owner != OWNER_ALL) {
                if (!dp_mailbox_send(e, owner, m, DP_MB_SCTP))
                    e->pst[port].drops[DP_DROP_MAILBOX_FULL]++;
                return;
            }
            /* A copy to every other engine; the one that holds the
             * association acts on it, the others discard it (8.5.1). */
            for (unsigned j = 0; j < dp.n_engines; j++) {
                struct rte_mbuf *c;
                if (j == e->index)
                    continue;
                c = rte_pktmbuf_copy(m, e->pool, 0, UINT32_MAX);
                if (c == NULL) {
                    e->pst[port].drops[DP_DROP_NOMBUF]++;
                    continue;
                }
                c->port = m->port;
                c->l2_len = m->l2_len;
                c->l3_len = m->l3_len;
                if (!dp_mailbox_send(e, j, c, DP_MB_SCTP))
                    e->pst[port].drops[DP_DROP_MAILBOX_FULL]++;
            }
        }
    }
    pkt.data = p;
    pkt.len = len;
    pkt.handle = m;
    pkt.src = *src;
    pkt.dst = *dst;
    pkt.csum = SCTP_CSUM_GOOD; /* checked before steering */
    rc = sctp_endpoint_input(e->svc[svc].ep, &pkt, e->now);
    if (rc < 0 && rc != SCTP_ERR_OOTB)
        e->pst[port].drops[DP_DROP_SCTP_CORE]++;
    dp_mbuf_unref_local(m); /* the core referenced what it keeps */
}

void dp_icmp_report(struct dp_engine *e, const struct sctp_addr *peer, uint16_t local_port,
                    uint16_t peer_port, const uint8_t *quote, uint32_t quote_len,
                    enum dp_icmp_kind kind, uint32_t mtu)
{
    struct sctp_endpoint *ep;
    int svc = find_service(e, local_port);
    int rc;

    if (svc < 0)
        return;
    ep = e->svc[svc].ep;
    switch (kind) {
    case DP_ICMP_PROTO_UNREACH:
        rc = sctp_assoc_icmp_unreachable(ep, peer, peer_port, quote, quote_len, e->now);
        break;
    case DP_ICMP_DEST_UNREACH:
        rc = sctp_assoc_icmp_dest_unreachable(ep, peer, peer_port, quote, quote_len, e->now);
        break;
    default:
        rc = sctp_assoc_update_pmtu(ep, peer, peer_port, quote, quote_len, mtu, e->now);
        break;
    }
    if (rc == SCTP_ERR_PROTO)
        e->st.icmp_bad_tag++;
}

/* ------------------------------------------------------------------ */
/* TX                                                                  */

/* Segments folded in one call; longer chains are summed in pieces. */
#define CRC_SEGS 64

uint32_t dp_sctp_crc(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
    static const uint8_t zero[4];
    struct sctp_frag segs[CRC_SEGS];
    uint8_t common[12];
    const uint8_t *h = rte_pktmbuf_read(m, off, sizeof(common), common);
    unsigned n = 0;
    uint32_t crc = 0;

    if (h == NULL || len < sizeof(common))
        return 0;
    /* RFC 9260 appendix A: the checksum field counts as zero. */
    segs[n++] = (struct sctp_frag){.data = h, .len = 8};
    segs[n++] = (struct sctp_frag){.data = zero, .len = 4};
    off += sizeof(common);
    len -= sizeof(common);
    for (; m != NULL && len > 0; m = m->next) {
        uint32_t dl = m->data_len, k;
        if (off >= dl) {
            off -= dl;
            continue;
        }
        k = dl - off < len ? dl - off : len;
        if (n == CRC_SEGS) {
            crc = sctp_crc32c_combine(crc, segs, n);
            n = 0;
        }
        segs[n++] =
            (struct sctp_frag){.data = rte_pktmbuf_mtod_offset(m, uint8_t *, off), .len = k};
        len -= k;
        off = 0;
    }
    return sctp_crc32c_combine(crc, segs, n);
}

void dp_sctp_crc_fill(struct rte_mbuf *m, uint32_t off)
{
    uint8_t *sh = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
    uint32_t crc = dp_sctp_crc(m, off, m->pkt_len - off);

    sh[8] = crc & 0xff;
    sh[9] = (crc >> 8) & 0xff;
    sh[10] = (crc >> 16) & 0xff;
    sh[11] = crc >> 24;
}

/*
 * Mbuf pressure. Payloads stay referenced in their mbufs until the
 * application has them and, for what is sent, until the peer acknowledges
 * them; with every mbuf held that way the port cannot receive the SACKs
 * that would free them. Two marks keep room for those SACKs:
 *  - below half the pool free, the generator sends nothing new (what an
 *    application's own messages may hold), so that what it receives (and
 *    frees at once) still has room: refusing that too would leave two
 *    such ends each waiting for the other's SACKs;
 *  - below a quarter (the first level), the associations with 64 chunks
 *    or more behind a missing TSN keep no new DATA (zero window, the peer
 *    sends it again later), and so do, at the echo service, those whose
 *    peer holds up what they have to send (more waits than its window
 *    takes: a peer that stopped reading): what reassembly holds until
 *    the TSN comes, or the echo service until the peer reads, does not
 *    grow, while the others, whose data moves, go on receiving. One such
 *    peer can otherwise take the whole pool and stop every association
 *    of the engine: an echo of a small message sent alone keeps a whole
 *    mbuf. The generator and the discard service let go of what they
 *    receive at once, so a peer that holds them up is no reason to stop
 *    taking its DATA: two ends short of buffers would otherwise each hold
 *    back the other for good (SCTP_RX_PRESSURE_HOLES for them,
 *    SCTP_RX_PRESSURE_BLOCKED for the echo service). They resume above
 *    three eighths, and as soon as their peer takes what waits or the
 *    TSN comes;
 *  - below an eighth, no association keeps new DATA: what the echo
 *    service holds until its echoes are acknowledged stops growing while
 *    SACKs still come in; above a quarter they resume, with window
 *    updates.
 */
#define POOL_CHECK_NS (20 * 1000) /* avail_count walks every lcore cache */
/* With more than three quarters of the pool free, no mark is near: at a
 * few million mbufs a second, the quarter to the first mark (the
 * generator's, at half) takes over a millisecond to go. */
#define POOL_CHECK_FAR_NS (200 * 1000)

/*
 * The engine's heap holds every association's state and its rings as they
 * grow. Past three quarters of it used, no association starts (an INIT or
 * a COOKIE ECHO that would start one gets an ABORT, Out of Resource, as
 * with max_assocs up): the last quarter stays for the associations there
 * are, whose queues grow with their traffic, so that a storm of new ones
 * (or a peer that opens them without end) cannot stall the established
 * ones for want of memory. They start again below five eighths.
 */
static void heap_admission(struct dp_engine *e)
{
    size_t used = e->heap.used, size = e->heap.size;
    bool refuse = used > size / 4 * 3 || (e->heap_refusing && used > size / 8 * 5);

    if (refuse == e->heap_refusing || e->stopping)
        return;
    __atomic_store_n(&e->heap_refusing, refuse, __ATOMIC_RELAXED);
    e->st.heap_refuse_events += refuse;
    for (unsigned i = 0; i < e->n_svc; i++)
        sctp_endpoint_refuse_new(e->svc[i].ep, refuse);
}

void dp_engine_pool_check(struct dp_engine *e)
{
    heap_admission(e);
    unsigned direct = rte_mempool_avail_count(e->pool);
    unsigned avail = RTE_MIN(direct, rte_mempool_avail_count(e->ind_pool));
    __atomic_store_n(&e->pool_avail, direct, __ATOMIC_RELAXED);
    /* Packets that other engines received and handed over (steering by
     * mailbox, a multi-homed peer's other paths, COOKIE ECHOs) keep their
     * pools' mbufs here: a peer that holds them up through this engine
     * would drain a pool whose engine sees no association of its own
     * holding anything. Each pool's shortage puts pressure on every
     * engine that may hold its mbufs; the levels hold back only what
     * holds mbufs (the first) or take no new DATA for a while (the
     * second), as for the engine's own pool. */
    for (unsigned j = 0; j < dp.n_engines; j++) {
        if (dp.engines[j] != e)
            avail = RTE_MIN(avail, __atomic_load_n(&dp.engines[j]->pool_avail, __ATOMIC_RELAXED));
    }
    uint8_t level;
    if (avail < e->pool_low || (e->pressure == DP_PRESSURE_ALL && avail < e->pool_high))
        level = DP_PRESSURE_ALL;
    else if (avail < e->pool_high || (e->pressure != DP_PRESSURE_OFF && avail < e->pool_unblock))
        level = DP_PRESSURE_FIRST;
    else
        level = DP_PRESSURE_OFF;

    e->next_pool_check =
        e->now + (avail > e->pool_gen + e->pool_gen / 2 ? POOL_CHECK_FAR_NS : POOL_CHECK_NS);

    /* Indirect mbufs only wait in TX rings: they do not hold the
     * generator back. */
    e->gen_hold = direct < e->pool_gen;
    if (level == e->pressure)
        return;
    if (e->pressure == DP_PRESSURE_OFF)
        e->st.pressure_events++;
    if (level == DP_PRESSURE_ALL)
        e->st.pressure_all_events++;
    e->pressure = level;
    for (unsigned i = 0; i < e->n_svc; i++) {
        enum sctp_rx_pressure l = SCTP_RX_PRESSURE_OFF;
        if (level == DP_PRESSURE_ALL)
            l = SCTP_RX_PRESSURE_ALL;
        else if (level == DP_PRESSURE_FIRST)
            l = e->svc[i].kind == DP_SVC_ECHO ? SCTP_RX_PRESSURE_BLOCKED : SCTP_RX_PRESSURE_HOLES;
        sctp_endpoint_set_rx_pressure_level(e->svc[i].ep, l);
    }
}

/*
 * Whether payload segment p is held by nobody but the core's one
 * reference (refcnt 1: the application, another association of a SENDALL,
 * a packet still in a TX queue all keep the count above 1) in a direct,
 * single-segment mbuf whose data it starts. Then the mbuf may be a
 * segment of the TX chain itself, with one more reference, instead of an
 * indirect mbuf attached to it: its data_off, data_len and next describe
 * that packet's segment, while the core keeps its own pointer and length.
 * And the bytes in front of p are headroom nobody reads, so the chunk
 * header may go there (hdr_fits_headroom) and one segment carries both.
 *
 * p must start the mbuf's data because of that headroom: data_off only
 * ever moves back from the data start (to a header written in front of
 * it), never onto a later chunk of the message, in front of which a
 * header would overwrite the end of the chunk before it, which may still
 * have to be sent again.
 */
/*
 * An mbuf flag (dynamic, registered once): the mbuf has been a TX segment
 * itself since it was allocated (chained, or a whole frame), so its
 * data_off, data_len and next may describe a frame still in a TX queue.
 * rte_pktmbuf_alloc() clears it. 0 until registered, and then frames of
 * one segment are not built (dp_tx_single_frame).
 */
uint64_t dp_tx_used_flag;

/* An mbuf flag (dynamic): a first IPv6 fragment whose extension headers
 * in front of its Fragment header were taken out keeps them in its
 * headroom (dp_net.c, frag6_strip). 0 until registered, and then they
 * are not kept. */
uint64_t dp_rx_unfrag_flag;

int dp_mbuf_flags_init(void)
{
    static const struct rte_mbuf_dynflag desc = {.name = "sctpdp_tx_used"};
    static const struct rte_mbuf_dynflag desc_rx = {.name = "sctpdp_rx_unfrag"};
    int bit = rte_mbuf_dynflag_register(&desc);
    int bit_rx = rte_mbuf_dynflag_register(&desc_rx);

    if (bit < 0 || bit_rx < 0)
        return -1;
    dp_tx_used_flag = 1ULL << bit;
    dp_rx_unfrag_flag = 1ULL << bit_rx;
    return 0;
}

/* Whether payload segment p starts the data of a direct, one-segment mbuf
 * that has never been a TX segment itself: what both ways of sending the
 * mbuf itself need (chain_direct_ok, dp_tx_single_frame). */
static inline bool seg_starts_unused_mbuf(const struct sctp_frag *p)
{
    const struct rte_mbuf *m = p->handle;

    return RTE_MBUF_DIRECT(m) && m->nb_segs == 1 && !(m->ol_flags & dp_tx_used_flag) &&
           (const uint8_t *)p->data == rte_pktmbuf_mtod(m, const uint8_t *);
}

static inline bool chain_direct_ok(const struct sctp_frag *p)
{
    return seg_starts_unused_mbuf(p) &&
           rte_mbuf_refcnt_read((const struct rte_mbuf *)p->handle) == 1;
}

/* Whether len header bytes (a chunk header, with the padding of the chunk
 * before it) may go into the headroom of payload segment p; otherwise
 * they go the usual way, into a store mbuf. */
static inline bool hdr_fits_headroom(const struct sctp_frag *p, uint32_t len)
{
    return p->handle != NULL && p->len > 0 && chain_direct_ok(p) &&
           rte_pktmbuf_headroom((const struct rte_mbuf *)p->handle) >= len;
}

/* A direct mbuf for header bytes, from the stash write_packets() empties. */
static inline struct rte_mbuf *hdr_mbuf(struct dp_engine *e)
{
    if (e->hdr_n == 0 && rte_pktmbuf_alloc_bulk(e->pool, e->hdr_stash, DP_BURST) == 0)
        e->hdr_n = DP_BURST;
    return e->hdr_n > 0 ? e->hdr_stash[--e->hdr_n] : rte_pktmbuf_alloc(e->pool);
}

/* The next indirect mbuf of dp_tx_chain_build()'s bulk get, or one more
 * from the pool. */
static inline struct rte_mbuf *take_ind(struct dp_engine *e, struct rte_mbuf **ind, unsigned n_ind,
                                        unsigned *used)
{
    void *m;

    if (*used < n_ind)
        return ind[(*used)++];
    return rte_mempool_get(e->ind_pool, &m) == 0 ? m : NULL;
}

/*
 * Appends the bytes of core packet tp to head, which holds the L2 and L3
 * headers already: header bytes copied into our own header mbufs, payload
 * segments referenced without a copy (chain_direct_ok, hdr_fits_headroom,
 * attach_local), or copied when copy is set (a port that takes fewer
 * segments). Returns 0, or -1 when mbufs ran out, with head and everything
 * taken for it freed.
 */
int dp_tx_chain_build(struct dp_engine *e, const struct sctp_tx_packet *tp, struct rte_mbuf *head,
                      bool copy)
{
    struct rte_mbuf *tail, *store = NULL;

    tail = head;
    bool tail_ours = true; /* tail is a header mbuf of this packet */
    /* The indirect mbufs for the payload references, and for header
     * bytes that follow a payload (chunk headers of bundled DATA), in one
     * bulk get. */
    struct rte_mbuf *ind[SCTP_TX_SEGS_MAX];
    bool in_headroom[SCTP_TX_SEGS_MAX];
    unsigned n_ind = 0, used_ind = 0;
    const struct sctp_frag *pend = NULL; /* header bytes for the next payload's headroom */
    if (!copy) {
        bool after_payload = false;
        for (unsigned i = 0; i < tp->nsegs; i++) {
            in_headroom[i] = false;
            if (tp->segs[i].len == 0)
                continue;
            if (tp->segs[i].handle == NULL && after_payload && i + 1 < tp->nsegs &&
                hdr_fits_headroom(&tp->segs[i + 1], tp->segs[i].len)) {
                in_headroom[i] = true; /* no segment of its own */
                continue;
            }
            if (tp->segs[i].handle != NULL)
                n_ind += !chain_direct_ok(&tp->segs[i]);
            else
                n_ind += after_payload;
            after_payload |= tp->segs[i].handle != NULL;
        }
        /* Raw gets: mbufs rest in the pool reset (refcnt 1, one segment,
         * no next) and attach_local() writes every other field. */
        if (n_ind > 0 && rte_mempool_get_bulk(e->ind_pool, (void **)ind, n_ind) != 0) {
            rte_pktmbuf_free(head);
            return -1;
        }
    }
    for (unsigned i = 0; i < tp->nsegs; i++) {
        const struct sctp_frag *f = &tp->segs[i];
        struct rte_mbuf *seg;

        if (f->len == 0)
            continue;
        if (!copy && in_headroom[i]) {
            pend = f;
            continue;
        }
        if (f->handle == NULL || copy) {
            /* Header bytes (or payload when copying): into the current
             * direct mbuf if it has room. */
            if (tail_ours && rte_pktmbuf_tailroom(tail) >= f->len) {
                rte_memcpy(rte_pktmbuf_mtod_offset(tail, uint8_t *, tail->data_len), f->data,
                           f->len);
                tail->data_len += f->len;
                head->pkt_len += f->len;
                e->st.tx_copied_segs += f->handle != NULL;
                continue;
            }
            e->st.tx_copied_segs += f->handle != NULL;
            if (!copy && !tail_ours) {
                /* Header bytes after a payload segment: into one store
                 * mbuf per packet, each piece sent through an indirect
                 * mbuf, rather than a direct mbuf per chunk header. */
                if (store == NULL || rte_pktmbuf_tailroom(store) < f->len) {
                    if (store != NULL)
                        dp_mbuf_unref_local(store);
                    store = hdr_mbuf(e);
                    seg = NULL;
                    if (store == NULL || f->len > rte_pktmbuf_tailroom(store))
                        goto fail_seg;
                }
                rte_memcpy(rte_pktmbuf_mtod_offset(store, uint8_t *, store->data_len), f->data,
                           f->len);
                seg = take_ind(e, ind, n_ind, &used_ind);
                if (seg == NULL)
                    goto fail_seg;
                attach_local(seg, store);
                seg->data_off = (uint16_t)(store->data_off + store->data_len);
                seg->data_len = f->len;
                store->data_len += f->len;
                store->pkt_len = store->data_len;
            } else {
                seg = rte_pktmbuf_alloc(e->pool);
                if (seg == NULL || f->len > rte_pktmbuf_tailroom(seg))
                    goto fail_seg;
                memcpy(rte_pktmbuf_mtod(seg, uint8_t *), f->data, f->len);
                seg->data_len = f->len;
            }
        } else {
            struct rte_mbuf *pm = f->handle;
            if (chain_direct_ok(f)) {
                mbuf_ref_seg_local(pm);
                seg = pm;
                seg->next = NULL;
                seg->ol_flags |= dp_tx_used_flag;
                e->st.tx_direct_segs++;
            } else {
                /* take_ind() gets one more from the pool should the
                 * count above have called this segment direct and an
                 * earlier one of this packet have taken the mbuf since
                 * (only one segment can start the mbuf's data, so this
                 * is defensive). */
                seg = take_ind(e, ind, n_ind, &used_ind);
                if (seg == NULL)
                    goto fail_seg;
                attach_local(seg, pm);
            }
            seg->data_off = (uint16_t)((const uint8_t *)f->data - (uint8_t *)seg->buf_addr);
            seg->data_len = f->len;
            if (pend != NULL) {
                /* The chunk header in front of the payload, in its
                 * headroom (hdr_fits_headroom): one segment for both. */
                seg->data_off = (uint16_t)(seg->data_off - pend->len);
                seg->data_len = (uint16_t)(seg->data_len + pend->len);
                rte_memcpy(rte_pktmbuf_mtod(seg, uint8_t *), pend->data, pend->len);
                pend = NULL;
                e->st.tx_headroom_hdrs++;
            }
            e->st.tx_zero_copy_segs++;
        }
        seg->pkt_len = seg->data_len;
        tail->next = seg;
        tail = seg;
        /* Later header bytes may go into its tailroom only if it is
         * one of our header mbufs, never a payload's own mbuf. */
        tail_ours = RTE_MBUF_DIRECT(seg) && seg != f->handle;
        head->nb_segs++;
        head->pkt_len += seg->data_len;
        continue;
    fail_seg:
        if (seg != NULL)
            rte_pktmbuf_free(seg);
        while (used_ind < n_ind)
            rte_pktmbuf_free(ind[used_ind++]);
        rte_pktmbuf_free(head);
        if (store != NULL)
            dp_mbuf_unref_local(store);
        return -1;
    }
    if (store != NULL)
        dp_mbuf_unref_local(store); /* the indirect mbufs hold it */
    while (used_ind < n_ind)        /* none: the count above is exact */
        rte_pktmbuf_free(ind[used_ind++]);
    return 0;
}

/*
 * A packet of the core's header bytes and then one payload segment may go
 * out as that payload's mbuf itself, with the L2 and L3 headers (l2l3
 * bytes) and the header bytes written in its headroom: one segment, no
 * header mbuf, and a NIC or memif moves one buffer. This is the usual
 * shape of a packet of one message, and of one whose chunks lie back to
 * back in one mbuf with their header room (sctp_frag.room), as a load
 * generator or an application packing messages writes them.
 *
 * It takes a direct mbuf of one segment that has never been a TX segment
 * itself since it was allocated (dp_tx_used_flag), whose data starts
 * where the packet's payload does, at the pool's headroom (nothing of the
 * application's lies in front), with room there for the headers. Other
 * references to it (one per message in it, the application's) are fine:
 * they see only the payload bytes, which stay as they are; the mbuf's
 * own fields and headroom are then the frame's. Returns the frame, with
 * the L2 and L3 bytes to fill, or NULL when the packet or its mbuf does
 * not allow it.
 */
struct rte_mbuf *dp_tx_single_frame(struct dp_engine *e, const struct sctp_tx_packet *tp,
                                    uint32_t l2l3)
{
    if (tp->nsegs != 2 || tp->segs[0].handle != NULL || tp->segs[1].handle == NULL ||
        dp_tx_used_flag == 0)
        return NULL;
    const struct sctp_frag *h = &tp->segs[0], *p = &tp->segs[1];
    struct rte_mbuf *m = p->handle;
    uint32_t front = l2l3 + h->len;
    if (p->len == 0 || !seg_starts_unused_mbuf(p) || m->data_off != RTE_PKTMBUF_HEADROOM ||
        front > RTE_PKTMBUF_HEADROOM || p->len > UINT16_MAX - front)
        return NULL;
    mbuf_ref_seg_local(m);
    m->data_off = (uint16_t)(m->data_off - front);
    m->data_len = (uint16_t)(front + p->len);
    m->pkt_len = m->data_len;
    m->next = NULL;
    m->ol_flags = dp_tx_used_flag; /* a direct mbuf: no flag of its kind is lost */
    m->tx_offload = 0;
    m->packet_type = 0;
    m->vlan_tci = 0;
    rte_memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, l2l3), h->data, h->len);
    e->st.tx_single_frames++;
    return m;
}

/*
 * The IP fragments of an SCTP packet larger than its path's MTU
 * (frag_ok): RFC 9260 7.3, a chunk made for a larger path MTU is not cut
 * again; IPv6 routers do not fragment, so the source does, and IPv4 is
 * treated alike. head is the whole frame (l2 bytes, then the IP header
 * with DF clear), its CRC32c filled; it is consumed. The fragments (at
 * most mtu bytes of IP each, each with l2 bytes of room in front to fill)
 * reference head's segments without a copy and share one identification,
 * id. Returns their number, or -ENOMEM / another negative errno with
 * nothing left allocated.
 */
int dp_tx_fragment(struct dp_engine *e, struct rte_mbuf *head, bool v4, uint32_t l2, uint32_t mtu,
                   uint32_t id, struct rte_mbuf **frags, unsigned max)
{
    int n;

    rte_pktmbuf_adj(head, (uint16_t)l2); /* the library wants the IP header first */
    if (v4) {
        struct rte_ipv4_hdr *h = rte_pktmbuf_mtod(head, struct rte_ipv4_hdr *);
        h->packet_id = rte_cpu_to_be_16((uint16_t)id);
        n = rte_ipv4_fragment_packet(head, frags, (uint16_t)max, (uint16_t)mtu, e->pool,
                                     e->ind_pool);
    } else {
        n = rte_ipv6_fragment_packet(head, frags, (uint16_t)max, (uint16_t)mtu, e->pool,
                                     e->ind_pool);
    }
    rte_pktmbuf_free(head); /* the fragments hold their own references */
    if (n <= 0)
        return n < 0 ? n : -EINVAL;
    for (int i = 0; i < n; i++) {
        struct rte_mbuf *f = frags[i];
        if (v4) {
            struct rte_ipv4_hdr *h = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);
            h->hdr_checksum = rte_ipv4_cksum(h);
        } else {
            /* The library leaves the identification 0 (RFC 8200 4.5: one
             * per datagram). */
            struct rte_ipv6_fragment_ext *fh = rte_pktmbuf_mtod_offset(
                f, struct rte_ipv6_fragment_ext *, sizeof(struct rte_ipv6_hdr));
            fh->id = rte_cpu_to_be_32(id);
        }
        f->l2_len = l2;
        f->l3_len = v4 ? sizeof(struct rte_ipv4_hdr)
                       : sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_ipv6_fragment_ext);
        f->ol_flags = 0;
        /* A fresh direct mbuf's headroom takes the L2 header. */
        if (rte_pktmbuf_prepend(f, (uint16_t)l2) == NULL) {
            for (int k = 0; k < n; k++)
                rte_pktmbuf_free(frags[k]);
            return -ENOSPC;
        }
    }
    return n;
}

/* Sends head (see dp_tx_fragment) as IP fragments of at most mtu bytes. */
static void emit_fragments(struct dp_engine *e, struct rte_mbuf *head, bool v4, uint32_t l2,
                           uint16_t port, const struct sctp_addr *nh, uint32_t mtu)
{
    struct rte_mbuf *frags[DP_FRAGS_MAX];
    int n = dp_tx_fragment(e, head, v4, l2, mtu, e->frag_id, frags, DP_FRAGS_MAX);

    if (n < 0) {
        e->pst[port].drops[n == -ENOMEM ? DP_DROP_NOMBUF : DP_DROP_FRAG_TX]++;
        return;
    }
    for (int i = 0; i < n; i++) {
        e->pst[port].tx_frags++;
        dp_net_output(e, frags[i], v4 ? SCTP_AF_INET : SCTP_AF_INET6, port, nh);
    }
}

/* Builds the frame of one core packet: one segment when the packet
 * allows it (dp_tx_single_frame), else a direct mbuf with Ethernet, IP
 * and the core's header bytes, then the payload segments without a copy
 * (dp_tx_chain_build); and hands it to the port's TX buffer. */
static void emit(struct dp_engine *e, const struct sctp_tx_packet *tp)
{
    uint16_t port;
    struct sctp_addr nh;
    struct rte_mbuf *head;
    uint32_t l2, l3;
    bool v4 = tp->dst.family == SCTP_AF_INET;
    uint8_t *ip;
    const struct dp_port *pp;
    bool copy;

    if (e->rt_last.valid && sctp_addr_equal(&e->rt_last.dst, &tp->dst) &&
        sctp_addr_equal(&e->rt_last.src, &tp->src)) {
        port = e->rt_last.port;
        nh = e->rt_last.nh;
    } else {
        if (dp_route(&tp->src, &tp->dst, &port, &nh) < 0) {
            e->pst[0].drops[DP_DROP_NO_ROUTE]++;
            return;
        }
        e->rt_last.src = tp->src;
        e->rt_last.dst = tp->dst;
        e->rt_last.port = port;
        e->rt_last.nh = nh;
        e->rt_last.valid = true;
    }
    pp = &dp.ports[port];
    /* A chain longer than the port takes: copy the payload (counted). */
    copy = tp->nsegs + 1u > pp->max_segs;
    l2 = dp_l2_len(port);
    l3 = v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
    /* A packet to cut into fragments is never a single frame: those go
     * out as they are. */
    head = unlikely(tp->frag_ok) ? NULL : dp_tx_single_frame(e, tp, l2 + l3);
    if (head == NULL) {
        head = hdr_mbuf(e);
        if (head == NULL) {
            e->pst[port].drops[DP_DROP_NOMBUF]++;
            return;
        }
        e->st.tx_header_mbufs++;
        rte_pktmbuf_append(head, l2 + l3);
        if (dp_tx_chain_build(e, tp, head, copy) < 0) {
            e->pst[port].drops[DP_DROP_NOMBUF]++;
            return;
        }
    }

    ip = rte_pktmbuf_mtod_offset(head, uint8_t *, l2);
    if (v4) {
        struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
        h->version_ihl = 0x45;
        h->type_of_service = 0;
        h->total_length = rte_cpu_to_be_16(l3 + tp->len);
        /* RFC 9260 7.3 / RFC 4821: we do path MTU discovery: DF set,
         * except on a packet larger than its path's MTU (frag_ok), which
         * may be fragmented and so needs an identification of its own
         * (RFC 6864). */
        h->packet_id = tp->frag_ok ? rte_cpu_to_be_16((uint16_t)e->frag_id) : 0;
        h->fragment_offset = tp->frag_ok ? 0 : rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
        h->time_to_live = 64;
        h->next_proto_id = 132;
        memcpy(&h->src_addr, tp->src.addr, 4);
        memcpy(&h->dst_addr, tp->dst.addr, 4);
        h->hdr_checksum = 0;
        if (!pp->tx_ip_csum)
            h->hdr_checksum = rte_ipv4_cksum(h);
    } else {
        struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;
        h->vtc_flow = rte_cpu_to_be_32(6u << 28);
        h->payload_len = rte_cpu_to_be_16(tp->len);
        h->proto = 132;
        h->hop_limits = 64;
        memcpy(h->src_addr, tp->src.addr, 16);
        memcpy(h->dst_addr, tp->dst.addr, 16);
    }
    head->l2_len = l2;
    head->l3_len = l3;
    if (unlikely(tp->frag_ok)) {
        /* The NIC cannot fill the CRC32c of a packet in fragments. */
        uint32_t mtu = RTE_MIN(tp->path_mtu, (uint32_t)pp->mtu);
        e->pst[port].tx_frag_ok++;
        e->pst[port].tx_sctp++;
        e->pst[port].tx_csum_sw++;
        if (!tp->csum_filled)
            dp_sctp_crc_fill(head, l2 + l3);
        if (l3 + tp->len > mtu) {
            emit_fragments(e, head, v4, l2, port, &nh, mtu);
            e->frag_id++;
            return;
        }
        e->frag_id++;
        if (v4 && pp->tx_ip_csum) {
            struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
            h->hdr_checksum = rte_ipv4_cksum(h);
        }
        dp_net_output(e, head, tp->dst.family, port, &nh);
        return;
    }
    if (!tp->csum_filled) {
        if (pp->tx_sctp_csum) {
            head->ol_flags |=
                RTE_MBUF_F_TX_SCTP_CKSUM | (v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6);
            e->pst[port].tx_csum_offloaded++;
        } else {
            dp_sctp_crc_fill(head, l2 + l3); /* this port cannot: fill it here */
            e->pst[port].tx_csum_sw++;
        }
    } else {
        e->pst[port].tx_csum_sw++;
    }
    if (v4 && pp->tx_ip_csum)
        head->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_IPV4;
    e->pst[port].tx_sctp++;
    dp_net_output(e, head, tp->dst.family, port, &nh);
}

static void write_packets(struct dp_engine *e)
{
    for (unsigned i = 0; i < e->n_svc; i++) {
        struct dp_service *s = &e->svc[i];
        for (unsigned k = 0; k < WRITE_BUDGET; k++) {
            if (sctp_endpoint_write_packet(s->ep, e->txp, e->now) != 1)
                break;
            emit(e, e->txp);
        }
    }
    if (e->hdr_n > 0) {
        rte_mempool_put_bulk(e->pool, (void **)e->hdr_stash, e->hdr_n);
        e->hdr_n = 0;
    }
}

/* ------------------------------------------------------------------ */
/* Lifecycle                                                           */

/* Association ids of one endpoint, in a list that grows to hold them all
 * (on the heap when it can, else a page on the stack). */
struct id_list {
    unsigned n, cap;
    bool fixed;     /* ids is the stack page: no growing */
    bool truncated; /* the walk stopped with ids left out */
    uint32_t *ids;
};

static int collect(void *arg, uint32_t id)
{
    struct id_list *l = arg;

    if (l->n == l->cap) {
        uint32_t *ids = NULL;
        if (!l->fixed && l->cap < UINT_MAX / 2 / sizeof(*ids))
            ids = realloc(l->ids, 2 * l->cap * sizeof(*ids));
        if (ids == NULL) {
            l->truncated = true;
            return 1;
        }
        l->ids = ids;
        l->cap *= 2;
    }
    l->ids[l->n++] = id;
    return 0;
}

static unsigned live_assocs(const struct dp_engine *e)
{
    unsigned n = 0;

    for (unsigned i = 0; i < e->n_svc; i++) {
        struct sctp_endpoint_stats st;
        sctp_endpoint_get_stats(e->svc[i].ep, &st);
        for (unsigned s = SCTP_S_COOKIE_WAIT; s <= SCTP_S_SHUTDOWN_ACK_SENT; s++)
            n += st.assocs_by_state[s];
    }
    return n;
}

/* ABORTs between two rounds of writing: the core queues them with its
 * other control packets, and its queue grows for them; writing them out
 * in rounds keeps it (and the TX burst) small. */
#define ABORT_BATCH 16

/*
 * SHUTDOWN (or ABORT) every association of every endpoint. The ids are
 * listed before any is acted on (the calls reorder the timer heap the
 * walk goes by). Should memory for the list run out, ABORT goes in rounds
 * (each round removes what it aborted, so the next lists the rest);
 * SHUTDOWN covers what was listed and the ABORT at the deadline the rest.
 */
static void shutdown_all(struct dp_engine *e, bool abort)
{
    static const char reason[] = "sctpdp stopping";
    uint32_t page[256];
    struct id_list l = {.cap = 1024};

    l.ids = malloc(l.cap * sizeof(*l.ids));
    if (l.ids == NULL) {
        l.ids = page;
        l.cap = RTE_DIM(page);
        l.fixed = true;
    }
    e->stopping = true; /* heap_admission() leaves the refusal below */
    for (unsigned i = 0; i < e->n_svc; i++) {
        struct sctp_endpoint *ep = e->svc[i].ep;
        unsigned acted = 0, done;

        /* No association starts while the rest end: it would be dropped
         * at exit without a word to its peer. */
        sctp_endpoint_refuse_new(ep, true);
        do {
            l.n = 0;
            l.truncated = false;
            sctp_endpoint_foreach_assoc(ep, collect, &l);
            done = 0;
            for (unsigned k = 0; k < l.n; k++) {
                int rc;
                if (abort) {
                    if (k % ABORT_BATCH == 0)
                        write_packets(e); /* empties the control queue */
                    rc = sctp_assoc_abort(ep, l.ids[k], (const uint8_t *)reason, sizeof(reason) - 1,
                                          e->now);
                } else {
                    rc = sctp_assoc_shutdown(ep, l.ids[k], e->now);
                }
                done += rc == 0;
            }
            acted += done;
        } while (l.truncated && abort && done > 0);
        if (acted > 0)
            DP_LOG(INFO, "engine %u port %u: %s %u association(s)", e->index, e->svc[i].port,
                   abort ? "ABORT" : "SHUTDOWN", acted);
        if (l.truncated && !abort)
            DP_LOG(WARNING,
                   "engine %u port %u: no memory to list every association: the rest get "
                   "ABORT after the shutdown timeout",
                   e->index, e->svc[i].port);
    }
    if (abort)
        write_packets(e);
    if (!l.fixed)
        free(l.ids);
}

/* Events in batches: the echoes a batch calls for are queued together
 * (dp_echo_flush) before its events, which hold their payloads, are
 * released.
 *
 * An echo service takes no more events than its backlog has room for
 * (each event adds at most one item). With the backlog full its events
 * stay queued in the core, which counts their bytes against the receive
 * window: the window closes and the peer waits, instead of the service
 * dropping echoes it cannot hold. The backlog drains as the peer's SACKs
 * empty the send queue, and the events are taken then. */
#define EVENT_BATCH 32

static void poll_events(struct dp_engine *e)
{
    struct sctp_event ev[EVENT_BATCH];

    for (unsigned i = 0; i < e->n_svc; i++) {
        struct sctp_endpoint *ep = e->svc[i].ep;
        if (e->svc[i].kind == DP_SVC_DISCARD) {
            /* The discard service calls nothing on the endpoint while it
             * looks at an event: it reads them in place. */
            for (unsigned k = 0; k < 4096 / EVENT_BATCH; k++) {
                struct sctp_event *in;
                unsigned n = sctp_endpoint_peek_events(ep, &in, EVENT_BATCH);
                e->st.events += n;
                /* Its DATA counted here, without a call per event. */
                for (unsigned j = 0; j < n; j++) {
                    if (likely(in[j].type == SCTP_EV_DATA))
                        dp_count_in(e, &in[j]);
                    else
                        dp_service_event(e, i, &in[j]);
                }
                sctp_endpoint_consume_events(ep, n);
                if (n == 0) /* a short run may end where the ring wraps */
                    break;
            }
            continue;
        }
        for (unsigned k = 0; k < 4096 / EVENT_BATCH; k++) {
            unsigned want = EVENT_BATCH;
            if (e->svc[i].kind == DP_SVC_ECHO) {
                unsigned room = DP_BACKLOG - e->bl_used;
                if (room < want) {
                    want = room;
                    e->st.echo_held++;
                    if (want == 0)
                        break;
                }
            }
            unsigned n = sctp_endpoint_poll_events(ep, ev, want);
            e->st.events += n;
            for (unsigned j = 0; j < n; j++)
                dp_service_event(e, i, &ev[j]);
            if (e->echo_burst.n > 0)
                dp_echo_flush(e);
            sctp_event_release_burst(ep, ev, n);
            if (n < want)
                break;
        }
    }
}

/* The rest of a loop turn, after receiving: timers, events, services,
 * writing and sending, neighbour timers, the telemetry snapshot. */
void dp_engine_turn(struct dp_engine *e)
{
    for (unsigned i = 0; i < e->n_svc; i++) {
        struct sctp_endpoint *ep = e->svc[i].ep;
        if (sctp_endpoint_next_timeout(ep) <= e->now) {
            sctp_endpoint_handle_timeout(ep, e->now);
            e->st.timers_fired++;
        }
    }
    poll_events(e);
    dp_service_poll(e);
    write_packets(e);
    poll_events(e); /* what writing produced (e.g. send failures) */
    dp_tx_flush(e);

    if (e->now >= e->next_neigh_scan) {
        e->next_neigh_scan = e->now + 100 * 1000 * 1000ULL;
        dp_net_timers(e);
        if (dp_snapshot_wanted(e)) /* telemetry asked for another window */
            e->next_snapshot = e->now;
    }
    if (e->now >= e->next_snapshot) {
        e->next_snapshot = e->now + 200 * 1000 * 1000ULL;
        dp_snapshot_update(e);
    }
}

/* What a loop turn did besides receiving: events handled, frames built. */
static inline uint64_t turn_work(const struct dp_engine *e)
{
    return e->st.events + e->st.tx_header_mbufs + e->st.tx_single_frames;
}

int dp_engine_main(void *arg)
{
    unsigned lcore = rte_lcore_id();
    struct dp_engine *e = NULL;
    struct rte_mbuf *pkts[DP_BURST];
    uint64_t drain_until = 0;
    bool finished = false; /* our associations are gone and drained */

    (void)arg;
    for (unsigned i = 0; i < dp.n_engines; i++) {
        if (dp.engines[i]->lcore_id == lcore)
            e = dp.engines[i];
    }
    if (e == NULL)
        return 0;
    DP_LOG(INFO, "engine %u running on lcore %u", e->index, lcore);
    e->running = true;
    e->now = dp_now_ns();
    e->loop_start = e->now;
    for (unsigned i = 0; i < e->n_svc; i++) {
        if (e->svc[i].kind == DP_SVC_CLIENT && dp_gen_init(e, i) < 0)
            dp.gen_done = true;
    }

    bool idle = false; /* the last turn did nothing */
    dp_guard_polling(e, true);
    for (;;) {
        unsigned got = 0;
        uint64_t t = dp_now_ns();

        dp_guard_point(e);

        if (idle)
            e->st.idle_ns += t - e->now;
        e->now = t;
        e->st.loops++;
        uint64_t work0 = turn_work(e);
        if (e->now >= e->next_pool_check)
            dp_engine_pool_check(e); /* sets the next check */
        for (unsigned p = 0; p < dp.n_ports; p++) {
            uint16_t n = rte_eth_rx_burst(dp.ports[p].port_id, e->index, pkts, DP_BURST);
            for (uint16_t k = 0; k < n; k++) {
                if (k + 1 < n)
                    rte_prefetch0(rte_pktmbuf_mtod(pkts[k + 1], void *));
                dp_net_input(e, pkts[k], p);
            }
            got += n;
        }
        for (unsigned j = 0; j < dp.n_engines; j++) {
            unsigned n;
            if (e->in[j] == NULL)
                continue;
            n = rte_ring_sc_dequeue_burst(e->in[j], (void **)pkts, DP_BURST, NULL);
            for (unsigned k = 0; k < n; k++)
                dp_net_mailbox(e, pkts[k]);
            got += n;
        }
        if (got > 0)
            e->st.busy_loops++;
        dp_engine_turn(e);
        idle = got == 0 && turn_work(e) == work0;
        /* A turn that found nothing: a pause before polling again leaves
         * the core (a hyperthread sibling may be the peer's lcore) and
         * the rings' shared cache lines to the side that has work. */
        if (idle)
            rte_pause();

        /* Graceful stop: SHUTDOWN everything, wait, ABORT the rest. */
        if ((dp.stop || dp.gen_done) && !e->shutting_down) {
            e->shutting_down = true;
            e->shutdown_deadline = e->now + (uint64_t)dp.conf.shutdown_ms * 1000000ULL;
            shutdown_all(e, false);
        }
        if (e->shutting_down) {
            bool empty = live_assocs(e) == 0;
            if (!empty && !e->aborted && e->now >= e->shutdown_deadline) {
                shutdown_all(e, true);
                e->aborted = true;
            }
            if ((empty || e->aborted) && !finished) {
                /* 20 ms more so the last packets (SHUTDOWN COMPLETE,
                 * ABORT) leave and late ones are answered. */
                if (drain_until == 0) {
                    drain_until = e->now + 20 * 1000 * 1000ULL;
                } else if (e->now >= drain_until) {
                    finished = true;
                    __atomic_fetch_add(&dp.engines_finished, 1, __ATOMIC_RELEASE);
                }
            }
            /* Done here, but another engine's associations may still
             * get packets through our RX queue (the NIC does not steer by
             * owner) and our mailboxes: poll on until every engine is
             * done, or a little past the deadline when one is not. */
            if (finished &&
                (__atomic_load_n(&dp.engines_finished, __ATOMIC_ACQUIRE) >= dp.n_engines ||
                 e->now >= e->shutdown_deadline + SHUTDOWN_GRACE_NS))
                break;
        }
    }
    dp_tx_flush(e);
    dp_guard_polling(e, false);
    dp_snapshot_update(e);
    e->done = true;
    dp_service_notes_flush(e);
    DP_LOG(INFO, "engine %u stopped", e->index);
    return 0;
}

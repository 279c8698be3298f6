/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_tx_chain_build(): how a core packet becomes an mbuf chain without
 * copying payload. Each case builds a packet from header bytes and payload
 * mbufs, checks that the chain carries exactly the packet's bytes, how
 * each payload went out (its own mbuf as the segment, an indirect mbuf,
 * or copied), and that no byte a payload mbuf still holds for the core
 * was written over. Then the chain is freed as a driver frees it and the
 * payloads as the core releases them: every mbuf must be back in its pool.
 *
 * dp_tx_fragment(): a frame larger than its path MTU cut into IP
 * fragments that reference its segments (IPv4 and IPv6).
 *
 * Runs on the EAL without hugepages or devices (--no-huge --no-pci).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp.h"
#include "check.h"

#define L2L3    34   /* Ethernet + IPv4, written by emit() before the chain */
#define BIG_BUF 4096 /* data room of the pool for multi-chunk messages */

static struct dp_engine eng;
static struct rte_mempool *pool, *ind_pool, *big_pool;
static unsigned pool_free0, ind_free0, big_free0;

/* A payload mbuf of len bytes at its data start, filled from seed. */
static struct rte_mbuf *payload(struct rte_mempool *mp, uint32_t len, uint8_t seed)
{
    struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
    if (m == NULL)
        return NULL;
    uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
    for (uint32_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + i * 7);
    /* The headroom holds a pattern too: a header written where it must
     * not be shows as a change there. */
    memset(rte_pktmbuf_mtod_offset(m, uint8_t *, -(int)rte_pktmbuf_headroom(m)), 0xa5,
           rte_pktmbuf_headroom(m));
    return m;
}

struct pkt {
    struct sctp_tx_packet tp;
    uint32_t hdr_used;
};

static void pkt_init(struct pkt *k)
{
    memset(&k->tp, 0, sizeof(k->tp));
    k->hdr_used = 0;
}

/* Header bytes (a common header, a chunk header) of the core's own. */
static void add_hdr(struct pkt *k, uint32_t len, uint8_t seed)
{
    uint8_t *h = k->tp.hdr + k->hdr_used;
    for (uint32_t i = 0; i < len; i++)
        h[i] = (uint8_t)(seed ^ (i * 13));
    k->tp.segs[k->tp.nsegs++] = (struct sctp_frag){.data = h, .len = len, .handle = NULL};
    k->hdr_used += len;
    k->tp.len += len;
}

/* Payload bytes [off, off + len) of mbuf m, from where payload() put
 * them: the core keeps its own pointer, whatever data_off says since. */
static void add_payload(struct pkt *k, struct rte_mbuf *m, uint32_t off, uint32_t len)
{
    k->tp.segs[k->tp.nsegs++] = (struct sctp_frag){
        .data = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM + off, .len = len, .handle = m};
    k->tp.len += len;
}

/* The header mbuf emit() starts the chain with. */
static struct rte_mbuf *head_mbuf(void)
{
    struct rte_mbuf *h = rte_pktmbuf_alloc(pool);
    if (h != NULL) {
        uint8_t *p = (uint8_t *)rte_pktmbuf_append(h, L2L3);
        memset(p, 0x11, L2L3);
    }
    return h;
}

/* Whether the chain after the L2/L3 bytes is the packet's bytes. */
static bool chain_matches(const struct rte_mbuf *head, const struct pkt *k)
{
    static uint8_t want[16384], got[16384];
    uint32_t n = 0, g = 0;

    for (unsigned i = 0; i < k->tp.nsegs; i++) {
        memcpy(want + n, k->tp.segs[i].data, k->tp.segs[i].len);
        n += k->tp.segs[i].len;
    }
    unsigned segs = 0;
    for (const struct rte_mbuf *s = head; s != NULL; s = s->next) {
        memcpy(got + g, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len);
        g += s->data_len;
        segs++;
    }
    return g == L2L3 + n && head->pkt_len == g && head->nb_segs == segs &&
           memcmp(got + L2L3, want, n) == 0;
}

/* The chain of packet k, built as emit() builds it and checked against
 * the packet's bytes. */
static struct rte_mbuf *build(const struct pkt *k, bool copy, const char *what)
{
    struct rte_mbuf *h = head_mbuf();
    bool built = h != NULL && dp_tx_chain_build(&eng, &k->tp, h, copy) == 0;
    CHECK(built, "%s: build failed", what);
    if (!built)
        exit(1); /* nothing below could be checked */
    CHECK(chain_matches(h, k), "%s: chain bytes differ from the packet", what);
    return h;
}

static bool seg_is(const struct rte_mbuf *head, const struct rte_mbuf *m)
{
    for (const struct rte_mbuf *s = head; s != NULL; s = s->next)
        if (s == m)
            return true;
    return false;
}

/* Whether bytes [from, to) of m's buffer (from its data start, the
 * headroom counted negative) still hold what payload() put there. */
static bool intact(const struct rte_mbuf *m, uint16_t data_off0, int from, int to, uint8_t seed)
{
    const uint8_t *base = (const uint8_t *)m->buf_addr + data_off0;
    for (int i = from; i < to; i++) {
        uint8_t want = i < 0 ? 0xa5 : (uint8_t)(seed + (uint32_t)i * 7);
        if (base[i] != want)
            return false;
    }
    return true;
}

static void pools_back(const char *when)
{
    /* The header stash goes back as write_packets() returns it. */
    if (eng.hdr_n > 0) {
        rte_mempool_put_bulk(pool, (void **)eng.hdr_stash, eng.hdr_n);
        eng.hdr_n = 0;
    }
    CHECK(rte_mempool_avail_count(pool) == pool_free0, "%s: %u of %u mbufs back", when,
          rte_mempool_avail_count(pool), pool_free0);
    CHECK(rte_mempool_avail_count(ind_pool) == ind_free0, "%s: %u of %u indirect mbufs back", when,
          rte_mempool_avail_count(ind_pool), ind_free0);
    CHECK(rte_mempool_avail_count(big_pool) == big_free0, "%s: %u of %u big mbufs back", when,
          rte_mempool_avail_count(big_pool), big_free0);
}

/* Ten bundled messages, each in its own mbuf that only the core holds:
 * each mbuf is a segment itself, with its chunk header in its headroom
 * (the first chunk's header rides in the head mbuf). */
static void test_bundle_direct(void)
{
    struct rte_mbuf *m[10];
    struct pkt k;
    uint64_t direct0 = eng.st.tx_direct_segs, hr0 = eng.st.tx_headroom_hdrs;

    pkt_init(&k);
    add_hdr(&k, 28, 1);
    for (unsigned i = 0; i < 10; i++) {
        m[i] = payload(pool, 128, (uint8_t)(10 * i));
        if (i > 0)
            add_hdr(&k, 16, (uint8_t)(i + 1));
        add_payload(&k, m[i], 0, 128);
    }
    struct rte_mbuf *head = build(&k, false, "build");
    CHECK(head->nb_segs == 11, "%u segments, 11 expected", head->nb_segs);
    for (unsigned i = 0; i < 10; i++) {
        CHECK(seg_is(head, m[i]), "message %u is not its own segment", i);
        CHECK(rte_mbuf_refcnt_read(m[i]) == 2, "message %u: refcnt %u", i,
              rte_mbuf_refcnt_read(m[i]));
    }
    CHECK(eng.st.tx_direct_segs - direct0 == 10, "tx_direct_segs +%lu",
          (unsigned long)(eng.st.tx_direct_segs - direct0));
    CHECK(eng.st.tx_headroom_hdrs - hr0 == 9, "tx_headroom_hdrs +%lu",
          (unsigned long)(eng.st.tx_headroom_hdrs - hr0));
    /* The driver frees the chain, the core then releases its payloads:
     * each mbuf still carries the chain's next pointer until then. */
    rte_pktmbuf_free(head);
    for (unsigned i = 0; i < 10; i++) {
        CHECK(rte_mbuf_refcnt_read(m[i]) == 1, "message %u: refcnt %u after TX", i,
              rte_mbuf_refcnt_read(m[i]));
        dp_mbuf_unref_local(m[i]);
    }
    pools_back("bundle");
}

/* A chunk sent again while the packet that carried it still holds its
 * mbuf (a NIC's TX ring): an indirect mbuf, and its header not in the
 * headroom, which the first packet's segment now covers. */
static void test_resend_while_queued(void)
{
    struct rte_mbuf *a = payload(pool, 200, 3), *b = payload(pool, 100, 9);
    struct pkt k1, k2;

    pkt_init(&k1);
    add_hdr(&k1, 28, 1);
    add_payload(&k1, b, 0, 100);
    add_hdr(&k1, 16, 2);
    add_payload(&k1, a, 0, 200); /* a's header goes into its headroom */
    struct rte_mbuf *h1 = build(&k1, false, "first build");
    CHECK(seg_is(h1, a), "a is not its own segment in the first packet");

    pkt_init(&k2);
    add_hdr(&k2, 28, 5);
    add_payload(&k2, b, 0, 100);
    add_hdr(&k2, 16, 6); /* a different TSN: different header bytes */
    add_payload(&k2, a, 0, 200);
    struct rte_mbuf *h2 = build(&k2, false, "second build");
    CHECK(!seg_is(h2, a) && !seg_is(h2, b), "a payload held by a queued packet was chained");
    /* The first packet, still queued, must read what it read before. */
    CHECK(chain_matches(h1, &k1), "the queued packet's bytes changed");
    CHECK(rte_mbuf_refcnt_read(a) == 3, "a: refcnt %u, 3 expected", rte_mbuf_refcnt_read(a));
    rte_pktmbuf_free(h2);
    rte_pktmbuf_free(h1);
    dp_mbuf_unref_local(a);
    dp_mbuf_unref_local(b);
    pools_back("resend while queued");
}

/* A message of three chunks in one mbuf (1436 + 1436 + 128 bytes). Only
 * the chunk at the start of the data may be chained directly: were the
 * last chunk sent that way, the mbuf's data would start there, and a
 * header later written in front of it would land on the end of the
 * second chunk, which may still need sending again. */
static void test_later_chunk(void)
{
    struct rte_mbuf *mb = payload(big_pool, 3000, 77), *x = payload(pool, 64, 4);
    uint16_t off0 = mb->data_off;
    struct pkt k;

    /* The last chunk first, alone (say, the other two were acknowledged
     * by gap reports, and this one was lost). */
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, mb, 2872, 128);
    struct rte_mbuf *h = build(&k, false, "build");
    CHECK(!seg_is(h, mb), "a later chunk of a message was chained directly");
    rte_pktmbuf_free(h);

    /* Again, bundled behind another chunk: its header must not go in
     * front of it inside the message. */
    pkt_init(&k);
    add_hdr(&k, 28, 2);
    add_payload(&k, x, 0, 64);
    add_hdr(&k, 16, 3);
    add_payload(&k, mb, 2872, 128);
    h = build(&k, false, "second build");
    rte_pktmbuf_free(h);
    CHECK(intact(mb, off0, -64, 3000, 77), "the message's bytes were written over");

    /* The first chunk may be chained directly, its header in the
     * headroom in front of the message. */
    pkt_init(&k);
    add_hdr(&k, 28, 4);
    add_payload(&k, x, 0, 64);
    add_hdr(&k, 16, 5);
    add_payload(&k, mb, 0, 1436);
    h = build(&k, false, "third build");
    CHECK(seg_is(h, mb), "the first chunk was not chained directly");
    rte_pktmbuf_free(h);
    CHECK(intact(mb, off0, 0, 3000, 77), "the message's bytes were written over");

    /* And the second chunk after that, bundled again. */
    pkt_init(&k);
    add_hdr(&k, 28, 6);
    add_payload(&k, x, 0, 64);
    add_hdr(&k, 16, 7);
    add_payload(&k, mb, 1436, 1436);
    h = build(&k, false, "fourth build");
    rte_pktmbuf_free(h);
    CHECK(intact(mb, off0, 0, 3000, 77), "the message's bytes were written over");

    dp_mbuf_unref_local(mb);
    dp_mbuf_unref_local(x);
    pools_back("later chunk");
}

/* Header bytes after a payload chained directly go into a header mbuf,
 * never into the payload mbuf's tailroom: in a message of several chunks
 * that is where the next chunk lies. */
static void test_header_after_direct(void)
{
    struct rte_mbuf *mb = payload(big_pool, 3000, 55), *y = payload(pool, 64, 56);
    uint16_t off0 = mb->data_off;
    struct pkt k;

    rte_mbuf_refcnt_update(y, 1); /* shared: its header cannot go in front of it */
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, mb, 0, 1436);
    add_hdr(&k, 16, 2);
    add_payload(&k, y, 0, 64);
    struct rte_mbuf *h = build(&k, false, "build");
    CHECK(seg_is(h, mb) && !seg_is(h, y), "mb alone may be its own segment");
    CHECK(intact(mb, off0, -(int)off0, 3000, 55), "the message's bytes were written over");
    rte_pktmbuf_free(h);
    dp_mbuf_unref_local(y);
    dp_mbuf_unref_local(y);
    dp_mbuf_unref_local(mb);
    pools_back("header after a direct payload");
}

/* The application still holds the payload (refcnt 2): an indirect mbuf,
 * and the chunk header in a header mbuf, not in the payload's headroom. */
static void test_shared_payload(void)
{
    struct rte_mbuf *a = payload(pool, 96, 21), *b = payload(pool, 80, 22);
    uint16_t off0 = b->data_off;
    struct pkt k;

    rte_mbuf_refcnt_update(b, 1); /* the application's reference */
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, a, 0, 96);
    add_hdr(&k, 16, 2);
    add_payload(&k, b, 0, 80);
    struct rte_mbuf *h = build(&k, false, "build");
    CHECK(seg_is(h, a) && !seg_is(h, b), "only a may be its own segment");
    CHECK(intact(b, off0, -(int)off0, 80, 22), "a shared payload's headroom was written");
    rte_pktmbuf_free(h);
    dp_mbuf_unref_local(b); /* the application's */
    dp_mbuf_unref_local(b);
    dp_mbuf_unref_local(a);
    pools_back("shared payload");
}

/* A port that takes fewer segments: everything copied, no payload mbuf
 * referenced. */
static void test_copy(void)
{
    struct rte_mbuf *a = payload(pool, 700, 31), *b = payload(pool, 900, 32);
    struct pkt k;

    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, a, 0, 700);
    add_hdr(&k, 16, 2);
    add_payload(&k, b, 0, 900);
    struct rte_mbuf *h = build(&k, true, "build");
    CHECK(rte_mbuf_refcnt_read(a) == 1 && rte_mbuf_refcnt_read(b) == 1,
          "a copied payload was referenced");
    for (const struct rte_mbuf *s = h; s != NULL; s = s->next)
        CHECK(RTE_MBUF_DIRECT(s) && s != a && s != b, "a copied chain has a foreign segment");
    rte_pktmbuf_free(h);
    dp_mbuf_unref_local(a);
    dp_mbuf_unref_local(b);
    pools_back("copy");
}

/* No indirect mbuf left: the build fails, frees the head and everything
 * it took, and leaves the payloads as they were. */
static void test_no_indirect(void)
{
    struct rte_mbuf *a = payload(pool, 64, 41), *b = payload(pool, 64, 42);
    unsigned n = rte_mempool_avail_count(ind_pool);
    void **all = calloc(n, sizeof(*all));
    struct pkt k;

    CHECK(all != NULL && rte_mempool_get_bulk(ind_pool, all, n) == 0, "could not empty the pool");
    rte_mbuf_refcnt_update(b, 1); /* shared: needs an indirect mbuf */
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, a, 0, 64);
    add_hdr(&k, 16, 2);
    add_payload(&k, b, 0, 64);
    struct rte_mbuf *h = head_mbuf();
    CHECK(dp_tx_chain_build(&eng, &k.tp, h, false) == -1, "built without indirect mbufs");
    CHECK(rte_mbuf_refcnt_read(a) == 1 && rte_mbuf_refcnt_read(b) == 2,
          "references left behind: a %u b %u", rte_mbuf_refcnt_read(a), rte_mbuf_refcnt_read(b));
    rte_mempool_put_bulk(ind_pool, all, n);
    free(all);
    dp_mbuf_unref_local(b);
    dp_mbuf_unref_local(b);
    dp_mbuf_unref_local(a);
    pools_back("no indirect mbufs");
}

/* The frame dp_tx_single_frame() made of packet k: one segment, L2L3
 * bytes for emit() to fill, then the packet's bytes. */
static bool single_matches(const struct rte_mbuf *f, const struct pkt *k)
{
    uint32_t n = 0;
    if (f->nb_segs != 1 || f->next != NULL || f->data_len != L2L3 + k->tp.len ||
        f->pkt_len != f->data_len)
        return false;
    const uint8_t *b = rte_pktmbuf_mtod_offset(f, const uint8_t *, L2L3);
    for (unsigned i = 0; i < k->tp.nsegs; i++) {
        if (memcmp(b + n, k->tp.segs[i].data, k->tp.segs[i].len) != 0)
            return false;
        n += k->tp.segs[i].len;
    }
    return true;
}

/* Ten messages back to back in one mbuf, each with its chunk header in
 * front (the generator's and a packing application's layout), the core
 * holding a reference per message: the mbuf itself becomes the frame,
 * the L2, L3 and common headers in its headroom. The payload bytes stay
 * as they were. */
static void test_single_frame(void)
{
    struct rte_mbuf *m = payload(pool, 10 * 144, 4);
    struct pkt k;
    uint64_t single0 = eng.st.tx_single_frames;

    rte_mbuf_refcnt_update(m, 9); /* one reference per message */
    pkt_init(&k);
    add_hdr(&k, 12, 1); /* the common header */
    add_payload(&k, m, 0, 10 * 144);
    struct rte_mbuf *f = dp_tx_single_frame(&eng, &k.tp, L2L3);
    CHECK(f == m, "the payload mbuf did not become the frame");
    if (f != m)
        return;
    CHECK(single_matches(f, &k), "frame bytes differ from the packet");
    CHECK(m->data_off == RTE_PKTMBUF_HEADROOM - L2L3 - 12, "data_off %u", m->data_off);
    CHECK(intact(m, RTE_PKTMBUF_HEADROOM, 0, 10 * 144, 4), "payload bytes changed");
    CHECK(intact(m, RTE_PKTMBUF_HEADROOM, -(int)RTE_PKTMBUF_HEADROOM, -(int)(L2L3 + 12), 4),
          "headroom written in front of the frame");
    CHECK(rte_mbuf_refcnt_read(m) == 11, "refcnt %u, 11 expected", rte_mbuf_refcnt_read(m));
    CHECK(eng.st.tx_single_frames - single0 == 1, "tx_single_frames +%lu",
          (unsigned long)(eng.st.tx_single_frames - single0));

    /* The first message sent again while the frame is still queued: not
     * the mbuf again (its fields and headroom are the queued frame's),
     * neither as a frame nor as a chained segment. */
    struct pkt k2;
    pkt_init(&k2);
    add_hdr(&k2, 12, 7);
    add_payload(&k2, m, 0, 144);
    CHECK(dp_tx_single_frame(&eng, &k2.tp, L2L3) == NULL, "a queued frame's mbuf taken again");
    rte_mbuf_refcnt_set(m, 1); /* even were it the only reference left */
    struct rte_mbuf *h2 = build(&k2, false, "resend");
    CHECK(!seg_is(h2, m), "a queued frame's mbuf chained as a segment");
    CHECK(single_matches(f, &k), "the queued frame's bytes changed");
    rte_pktmbuf_free(h2);
    rte_mbuf_refcnt_set(m, 11);
    rte_pktmbuf_free(f); /* the driver */
    CHECK(rte_mbuf_refcnt_read(m) == 10, "refcnt %u after TX", rte_mbuf_refcnt_read(m));
    for (unsigned i = 0; i < 10; i++)
        dp_mbuf_unref_local(m);
    pools_back("single frame");
}

/* Packets and mbufs that must not become one-segment frames. */
static void test_single_refused(void)
{
    struct pkt k;

    /* Two payload segments. */
    struct rte_mbuf *a = payload(pool, 100, 1), *b = payload(pool, 100, 2);
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, a, 0, 100);
    add_hdr(&k, 16, 2);
    add_payload(&k, b, 0, 100);
    CHECK(dp_tx_single_frame(&eng, &k.tp, L2L3) == NULL, "two payloads made one frame");

    /* A payload that does not start the mbuf's data. */
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, a, 16, 84);
    CHECK(dp_tx_single_frame(&eng, &k.tp, L2L3) == NULL, "a later chunk made the frame");

    /* The application moved the data start: what lies in front is its. */
    rte_pktmbuf_adj(b, 4);
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    k.tp.segs[k.tp.nsegs++] =
        (struct sctp_frag){.data = rte_pktmbuf_mtod(b, uint8_t *), .len = 96, .handle = b};
    k.tp.len += 96;
    CHECK(dp_tx_single_frame(&eng, &k.tp, L2L3) == NULL, "a moved data start made the frame");

    /* Header bytes that do not fit the headroom. */
    pkt_init(&k);
    add_hdr(&k, RTE_PKTMBUF_HEADROOM, 1);
    add_payload(&k, a, 0, 100);
    CHECK(dp_tx_single_frame(&eng, &k.tp, L2L3) == NULL, "headers beyond the headroom");

    /* An mbuf that was a chained segment (its fields may describe a
     * frame in a TX queue). */
    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, a, 0, 100);
    struct rte_mbuf *h = build(&k, false, "chained");
    CHECK(seg_is(h, a), "a is not its own segment");
    rte_pktmbuf_free(h);
    CHECK(dp_tx_single_frame(&eng, &k.tp, L2L3) == NULL, "a chained segment's mbuf made the frame");
    CHECK(rte_mbuf_refcnt_read(a) == 1 && rte_mbuf_refcnt_read(b) == 1,
          "references taken by refusals: a %u b %u", rte_mbuf_refcnt_read(a),
          rte_mbuf_refcnt_read(b));
    dp_mbuf_unref_local(a);
    dp_mbuf_unref_local(b);
    pools_back("single refused");
}

/*
 * dp_tx_fragment(): a packet larger than its path's MTU (a DATA chunk of
 * 1452 bytes behind its headers, and a second payload after it) cut into
 * IP fragments of at most 1280 bytes. Each fragment has room for the L2
 * header, its IP header (IPv4: the given identification, MF on all but
 * the last, offsets in 8-byte units, a valid header checksum; IPv6: a
 * fragment header with the identification), and together they carry the
 * packet's bytes in order. Freed, with the payloads released, every mbuf
 * is back in its pool.
 */
static void frag_case(bool v4)
{
    enum { L2 = 14, MTU = 1280, ID = 0x5a5a1234 };
    const uint32_t l3 = v4 ? 20 : 40;
    struct rte_mbuf *m0 = payload(pool, 1452, 3), *m1 = payload(pool, 200, 9);
    struct pkt k;
    static uint8_t want[4096], got[4096];
    uint32_t n = 0, g = 0;

    pkt_init(&k);
    add_hdr(&k, 28, 1);
    add_payload(&k, m0, 0, 1452);
    add_hdr(&k, 16, 2);
    add_payload(&k, m1, 0, 200);
    for (unsigned i = 0; i < k.tp.nsegs; i++) {
        memcpy(want + n, k.tp.segs[i].data, k.tp.segs[i].len);
        n += k.tp.segs[i].len;
    }
    struct rte_mbuf *head = rte_pktmbuf_alloc(pool);
    uint8_t *ip = (uint8_t *)rte_pktmbuf_append(head, (uint16_t)(L2 + l3)) + L2;
    memset(ip - L2, 0x11, L2);
    memset(ip, 0, l3);
    if (v4) {
        struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
        h->version_ihl = 0x45;
        h->total_length = rte_cpu_to_be_16((uint16_t)(l3 + n));
        h->time_to_live = 64;
        h->next_proto_id = 132;
    } else {
        struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;
        h->vtc_flow = rte_cpu_to_be_32(6u << 28);
        h->payload_len = rte_cpu_to_be_16((uint16_t)n);
        h->proto = 132;
        h->hop_limits = 64;
    }
    if (dp_tx_chain_build(&eng, &k.tp, head, false) != 0) {
        CHECK(false, "build failed");
        exit(1);
    }
    struct rte_mbuf *fr[8];
    int nf = dp_tx_fragment(&eng, head, v4, L2, MTU, ID, fr, 8);
    CHECK(nf == 2, "%s: %d fragments, 2 expected", v4 ? "IPv4" : "IPv6", nf);
    for (int i = 0; i < nf && i < 8; i++) {
        struct rte_mbuf *f = fr[i];
        const uint8_t *fip = rte_pktmbuf_mtod_offset(f, const uint8_t *, L2);
        uint32_t hl = v4 ? 20 : 48, off, more, len = f->pkt_len - L2;
        CHECK(len <= MTU, "fragment %d: %u bytes of IP", i, len);
        CHECK(f->l2_len == L2 && rte_pktmbuf_headroom(f) + L2 >= L2, "fragment %d: L2 room", i);
        if (v4) {
            const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)fip;
            uint16_t fo = rte_be_to_cpu_16(h->fragment_offset);
            struct rte_ipv4_hdr c = *h;
            c.hdr_checksum = 0;
            CHECK(rte_ipv4_cksum(&c) == h->hdr_checksum, "fragment %d: IPv4 checksum", i);
            CHECK(rte_be_to_cpu_16(h->packet_id) == (ID & 0xffff), "fragment %d: id", i);
            CHECK(!(fo & RTE_IPV4_HDR_DF_FLAG), "fragment %d: DF set", i);
            CHECK(rte_be_to_cpu_16(h->total_length) == len, "fragment %d: total length", i);
            off = (fo & RTE_IPV4_HDR_OFFSET_MASK) * 8u;
            more = !!(fo & RTE_IPV4_HDR_MF_FLAG);
        } else {
            const struct rte_ipv6_hdr *h = (const struct rte_ipv6_hdr *)fip;
            const struct rte_ipv6_fragment_ext *fh = (const void *)(fip + 40);
            uint16_t fd = rte_be_to_cpu_16(fh->frag_data);
            CHECK(h->proto == IPPROTO_FRAGMENT && fh->next_header == 132, "fragment %d: headers",
                  i);
            CHECK(rte_be_to_cpu_32(fh->id) == ID, "fragment %d: id", i);
            CHECK(rte_be_to_cpu_16(h->payload_len) == len - 40, "fragment %d: payload length", i);
            off = fd & 0xfff8u;
            more = fd & 1u;
        }
        CHECK(off == g, "fragment %d at offset %u, %u expected", i, off, g);
        CHECK(more == (i + 1 < nf), "fragment %d: more-fragments flag %u", i, more);
        /* Its bytes after its IP header, in order. */
        uint32_t skip = L2 + hl;
        for (const struct rte_mbuf *sg = f; sg != NULL; sg = sg->next) {
            uint32_t dl = sg->data_len;
            const uint8_t *d = rte_pktmbuf_mtod(sg, const uint8_t *);
            uint32_t from = skip < dl ? skip : dl;
            skip -= from;
            if (g + dl - from <= sizeof(got))
                memcpy(got + g, d + from, dl - from);
            g += dl - from;
        }
    }
    CHECK(g == n && memcmp(got, want, n) == 0, "the fragments carry %u bytes, the packet %u", g, n);
    for (int i = 0; i < nf && i < 8; i++)
        rte_pktmbuf_free(fr[i]);
    dp_mbuf_unref_local(m0);
    dp_mbuf_unref_local(m1);
    pools_back(v4 ? "fragments (IPv4)" : "fragments (IPv6)");
}

static void test_fragment(void)
{
    frag_case(true);
    frag_case(false);
}

int main(int argc, char **argv)
{
    char *eal[] = {
        argv[0], "--no-huge", "--no-pci", "--no-shconf", "--file-prefix", "sctpdp-txchain", "-m",
        "256",   "-l",        "0",        "--log-level", "lib.eal:error", "--no-telemetry"};
    (void)argc;
    if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0) {
        printf("FAIL: EAL init\n");
        return 1;
    }
    pool = rte_pktmbuf_pool_create("t_mb", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    ind_pool = rte_pktmbuf_pool_create("t_ind", 1023, 0, 0, 0, SOCKET_ID_ANY);
    big_pool =
        rte_pktmbuf_pool_create("t_big", 63, 0, 0, RTE_PKTMBUF_HEADROOM + BIG_BUF, SOCKET_ID_ANY);
    if (pool == NULL || ind_pool == NULL || big_pool == NULL) {
        printf("FAIL: pools\n");
        return 1;
    }
    if (dp_mbuf_flags_init() < 0) {
        printf("FAIL: mbuf flag\n");
        return 1;
    }
    eng.pool = pool;
    eng.ind_pool = ind_pool;
    eng.big_pool = big_pool;
    pool_free0 = rte_mempool_avail_count(pool);
    ind_free0 = rte_mempool_avail_count(ind_pool);
    big_free0 = rte_mempool_avail_count(big_pool);

    test_bundle_direct();
    test_resend_while_queued();
    test_later_chunk();
    test_header_after_direct();
    test_shared_payload();
    test_copy();
    test_no_indirect();
    test_single_frame();
    test_single_refused();
    test_fragment();

    printf("%s: %d of %d checks failed\n", failures ? "FAIL" : "PASS", failures, checks);
    /* EAL leaves its (empty) runtime directory behind. */
    char rundir[256];
    snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
    rte_eal_cleanup();
    rmdir(rundir);
    return failures ? 1 : 0;
}

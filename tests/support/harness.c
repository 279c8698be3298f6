/* SPDX-License-Identifier: BSD-3-Clause */
#include "harness.h"
#include "sctp_crc32c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long hbuf_live;
bool h_single_refs;
bool h_burst_events;
bool h_peek_events;

struct hbuf *hbuf_new(const void *data, uint32_t len)
{
    struct hbuf *b = malloc(sizeof(*b) + (len ? len : 1));
    if (!b)
        abort();
    b->refs = 1;
    b->len = len;
    if (data && len)
        memcpy(b->data, data, len);
    hbuf_live++;
    return b;
}

void hbuf_ref(struct hbuf *b)
{
    b->refs++;
}

void hbuf_unref(struct hbuf *b)
{
    if (b->refs <= 0)
        abort(); /* double release */
    if (--b->refs == 0) {
        hbuf_live--;
        free(b);
    }
}

struct hpkt {
    int to;
    sctp_tstamp at;
    struct sctp_addr src, dst;
    struct hbuf *buf;
};

static void cb_ref(void *user, void *handle)
{
    (void)user;
    hbuf_ref(handle);
}

static void cb_unref(void *user, void *handle)
{
    (void)user;
    hbuf_unref(handle);
}

static void cb_ref_n(void *user, void *handle, uint32_t n)
{
    struct harness *h = user;
    struct hbuf *b = handle;
    if (n == 0)
        abort(); /* the core never asks for none */
    h->ref_n_calls++;
    h->ref_n_refs += n;
    b->refs += n;
}

static void cb_unref_n(void *user, void *handle, uint32_t n)
{
    struct harness *h = user;
    if (n == 0)
        abort();
    h->unref_n_calls++;
    h->unref_n_refs += n;
    while (n-- > 0)
        hbuf_unref(handle);
}

uint64_t h_rand(struct harness *h)
{
    /* splitmix64 */
    uint64_t z = (h->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void *cb_alloc(void *user, size_t size)
{
    struct harness *h = user;
    if (h->fail_alloc) {
        h->alloc_failed++;
        return NULL;
    }
    return malloc(size);
}

static void cb_free(void *user, void *p)
{
    (void)user;
    free(p);
}

static void cb_random(void *user, uint8_t *buf, size_t len)
{
    struct harness *h = user;
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)h_rand(h);
}

void h_init(struct harness *h, uint64_t seed, bool multihomed, void (*tune)(struct sctp_config *))
{
    h_init_n(h, H_NODES, seed, multihomed, tune);
}

void h_init_n(struct harness *h, unsigned n_nodes, uint64_t seed, bool multihomed,
              void (*tune)(struct sctp_config *))
{
    if (n_nodes < 2 || n_nodes > H_MAX_NODES)
        abort();
    memset(h, 0, sizeof(*h));
    h->n_nodes = n_nodes;
    h->rng = seed;
    h->latency = 1 * SCTP_MS;
    h->now = 1 * SCTP_SEC;
    h->cb = (struct sctp_callbacks){.user = h,
                                    .payload_ref = cb_ref,
                                    .payload_unref = cb_unref,
                                    .random = cb_random,
                                    .alloc = cb_alloc,
                                    .free = cb_free};
    if (!h_single_refs) {
        h->cb.payload_ref_n = cb_ref_n;
        h->cb.payload_unref_n = cb_unref_n;
    }
    for (int i = 0; i < (int)n_nodes; i++) {
        struct sctp_config *c = &h->cfg[i];
        sctp_config_default(c);
        c->port = (uint16_t)(5000 + i);
        c->n_addrs = multihomed ? 2 : 1;
        /* Two networks: 198.18.0.0/24 and 198.18.2.0/24. */
        c->addrs[0] = sctp_addr_v4(0xC6120001u + (uint32_t)i);
        c->addrs[1] = sctp_addr_v4(0xC6120201u + (uint32_t)i);
        c->rto_initial = 100 * SCTP_MS;
        c->rto_min = 50 * SCTP_MS;
        c->rto_max = 2 * SCTP_SEC;
        c->hb_interval = 1 * SCTP_SEC;
        c->max_assocs = 256; /* small tables: endpoints are made per test */
        if (tune)
            tune(c);
        h->ep[i] = sctp_endpoint_new(c, &h->cb, h->now);
        if (!h->ep[i])
            abort();
    }
}

void h_restart_node(struct harness *h, int node)
{
    sctp_endpoint_free(h->ep[node]);
    h->ep[node] = sctp_endpoint_new(&h->cfg[node], &h->cb, h->now);
    if (!h->ep[node])
        abort();
}

void h_fini(struct harness *h)
{
    for (unsigned i = 0; i < h->qlen; i++)
        hbuf_unref(h->q[i].buf);
    free(h->q);
    h->q = NULL;
    h->qlen = 0;
    for (int i = 0; i < (int)h->n_nodes; i++) {
        sctp_endpoint_free(h->ep[i]);
        h->ep[i] = NULL;
    }
}

static bool is_down(struct harness *h, const struct sctp_addr *a)
{
    for (unsigned i = 0; i < h->n_down; i++)
        if (sctp_addr_equal(&h->down[i], a))
            return true;
    return false;
}

static int node_of(struct harness *h, const struct sctp_addr *a)
{
    for (int i = 0; i < (int)h->n_nodes; i++)
        for (unsigned j = 0; j < h->cfg[i].n_addrs; j++)
            if (sctp_addr_equal(&h->cfg[i].addrs[j], a))
                return i;
    return -1;
}

static void enqueue(struct harness *h, int to, const struct sctp_tx_packet *p, struct hbuf *b,
                    sctp_tstamp extra)
{
    if (h->qlen % 256 == 0) {
        h->q = realloc(h->q, (h->qlen + 256) * sizeof(*h->q));
        if (!h->q)
            abort();
    }
    h->q[h->qlen++] = (struct hpkt){
        .to = to, .at = h->now + h->latency + extra, .src = p->src, .dst = p->dst, .buf = b};
}

uint32_t h_pkt_gather(const struct sctp_tx_packet *p, uint8_t *buf, uint32_t max)
{
    uint32_t off = 0;
    for (unsigned i = 0; i < p->nsegs && off + p->segs[i].len <= max; i++) {
        memcpy(buf + off, p->segs[i].data, p->segs[i].len);
        off += p->segs[i].len;
    }
    return off;
}

static void transmit(struct harness *h, int from, const struct sctp_tx_packet *p)
{
    h->sent++;
    int to = node_of(h, &p->dst);
    if (to < 0 || to == from)
        return;
    /* Gather the segments: this copy stands in for the NIC. */
    struct hbuf *b = hbuf_new(NULL, p->len);
    h_pkt_gather(p, b->data, p->len);
    if (b->len > 13) {
        uint8_t type = b->data[12];
        h->chunk_counts[from][type]++;
    }
    h->pkt_src = p->src;
    h->pkt_dst = p->dst;
    h->pkt_frag_ok = p->frag_ok;
    if (h->filter && !h->filter(h, from, b->data, b->len)) {
        hbuf_unref(b);
        h->dropped++;
        return;
    }
    if (is_down(h, &p->dst) || (h->loss && h_rand(h) % 1000 < h->loss)) {
        hbuf_unref(b);
        h->dropped++;
        return;
    }
    if (h->corrupt && h_rand(h) % 1000 < h->corrupt) {
        b->data[h_rand(h) % b->len] ^= (uint8_t)(1u << (h_rand(h) % 8));
        h->corrupted++;
    }
    sctp_tstamp extra = 0;
    if (h->reorder && h_rand(h) % 1000 < h->reorder) {
        extra = (h_rand(h) % 3000) * 1000; /* up to 3 ms late */
        h->reordered++;
    }
    if (h->dup && h_rand(h) % 1000 < h->dup) {
        hbuf_ref(b);
        enqueue(h, to, p, b, extra + 100000);
        h->duplicated++;
    }
    enqueue(h, to, p, b, extra);
}

static void drain_events(struct harness *h)
{
    for (int i = 0; i < (int)h->n_nodes; i++) {
        if (h->hold_events[i])
            continue;
        if (h_peek_events && !h_burst_events) {
            struct sctp_event *evs;
            unsigned n;
            while ((n = sctp_endpoint_peek_events(h->ep[i], &evs, 16)) > 0) {
                for (unsigned k = 0; k < n && h->on_event; k++)
                    h->on_event(h, i, &evs[k]);
                sctp_endpoint_consume_events(h->ep[i], n);
            }
            continue;
        }
        if (h_burst_events) {
            struct sctp_event evs[16];
            unsigned n;
            do {
                n = sctp_endpoint_poll_events(h->ep[i], evs, 16);
                for (unsigned k = 0; k < n && h->on_event; k++)
                    h->on_event(h, i, &evs[k]);
                sctp_event_release_burst(h->ep[i], evs, n);
            } while (n == 16);
            continue;
        }
        struct sctp_event ev;
        while (sctp_endpoint_poll_event(h->ep[i], &ev) == 1) {
            if (h->on_event)
                h->on_event(h, i, &ev);
            sctp_event_release(h->ep[i], &ev);
        }
    }
}

static void flush(struct harness *h)
{
    static struct sctp_tx_packet pkt;
    for (int i = 0; i < (int)h->n_nodes; i++)
        for (int n = 0; n < 100000 && sctp_endpoint_write_packet(h->ep[i], &pkt, h->now) == 1; n++)
            transmit(h, i, &pkt);
}

void h_step(struct harness *h)
{
    flush(h);
    /* Next event time. */
    sctp_tstamp next = SCTP_TSTAMP_MAX;
    for (unsigned i = 0; i < h->qlen; i++)
        if (h->q[i].at < next)
            next = h->q[i].at;
    for (int i = 0; i < (int)h->n_nodes; i++) {
        sctp_tstamp t = sctp_endpoint_next_timeout(h->ep[i]);
        if (t < next)
            next = t;
    }
    if (next == SCTP_TSTAMP_MAX)
        next = h->now + 10 * SCTP_MS;
    if (h->until && next > h->until)
        next = h->until; /* h_run's deadline: do not jump past it */
    if (next > h->now)
        h->now = next;
    /* Deliver every packet due, in queue order (bursts). */
    unsigned w = 0;
    for (unsigned i = 0; i < h->qlen; i++) {
        struct hpkt p = h->q[i];
        if (p.at > h->now) {
            h->q[w++] = p;
            continue;
        }
        struct sctp_rx_packet rx = {.data = p.buf->data,
                                    .len = p.buf->len,
                                    .handle = p.buf,
                                    .src = p.src,
                                    .dst = p.dst,
                                    .csum = SCTP_CSUM_UNCHECKED};
        sctp_endpoint_input(h->ep[p.to], &rx, h->now);
        hbuf_unref(p.buf);
        h->delivered++;
    }
    h->qlen = w;
    for (int i = 0; i < (int)h->n_nodes; i++)
        sctp_endpoint_handle_timeout(h->ep[i], h->now);
    drain_events(h);
    flush(h);
}

bool h_run(struct harness *h, bool (*done)(struct harness *h), sctp_tstamp max_ns)
{
    sctp_tstamp end = h->now + max_ns;
    h->until = end;
    for (unsigned long i = 0; i < 200000000ul && h->now < end; i++) {
        if (done && done(h)) {
            h->until = 0;
            return true;
        }
        h_step(h);
    }
    h->until = 0;
    return done ? done(h) : true;
}

int h_send(struct harness *h, int node, uint32_t assoc, uint16_t sid, uint16_t flags,
           const void *data, uint32_t len)
{
    struct hbuf *b = hbuf_new(data, len);
    struct sctp_sndinfo info = {.sid = sid, .flags = flags, .ppid = 0x01000000};
    struct sctp_frag f = {.data = b->data, .len = len, .handle = b};
    int r = sctp_endpoint_send(h->ep[node], assoc, &info, &f, h->now);
    hbuf_unref(b);
    return r;
}

int h_input(struct harness *h, int to, const struct sctp_addr *src, const uint8_t *pkt,
            uint32_t len, bool csum_good)
{
    struct hbuf *b = hbuf_new(pkt, len);
    if (!csum_good) {
        struct sctp_frag seg = {.data = b->data, .len = b->len, .handle = NULL};
        sctp_crc32c_fill(&seg, 1, b->data);
    }
    struct sctp_rx_packet rx = {.data = b->data,
                                .len = b->len,
                                .handle = b,
                                .src = *src,
                                .dst = h->cfg[to].addrs[0],
                                .csum = csum_good ? SCTP_CSUM_GOOD : SCTP_CSUM_UNCHECKED};
    int r = sctp_endpoint_input(h->ep[to], &rx, h->now);
    hbuf_unref(b);
    return r;
}

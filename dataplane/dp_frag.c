/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_frag.c: the datagrams each source has in IP reassembly.
 *
 * The reassembly library (rte_ip_frag) holds at most frag_max_flows
 * datagrams for frag_ttl_ms, first come first served: one host that
 * sends first fragments and never the rest would hold every slot, and
 * the fragmented datagrams of every other peer would be refused. This
 * table mirrors the library's entries (one per datagram, in the order
 * they started) and counts them per source, so that dp_net.c can refuse
 * a source's new datagrams once it has max_per_source of them.
 *
 * The library says nothing when an entry goes, so the mirror follows its
 * rules (see frag_reassemble in dp_net.c): an entry goes when its
 * datagram is complete, when a fragment of it makes the library give it
 * up (its fragments go to the death row), and when it is older than the
 * TTL at the same time stamp the library expires it with. A mirror entry
 * never outlives the TTL in any case, so a source cannot stay blocked.
 *
 * Fixed arrays from rte_zmalloc at start, chained hash buckets by index:
 * no allocation and no lock on the packet path.
 */
#include <errno.h>
#include <string.h>

#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dp.h"

#define NONE UINT32_MAX

static uint32_t flow_bucket(const struct dp_frag_track *t, const struct dp_frag_key *k)
{
    return rte_jhash(k, sizeof(*k), t->seed) & t->hash_mask;
}

static uint32_t source_bucket(const struct dp_frag_track *t, const uint8_t *addr, uint8_t v6)
{
    return rte_jhash(addr, 8, t->seed ^ v6) & t->hash_mask;
}

/* IPv4: the address. IPv6: its /64, the prefix one host is given
 * (RFC 4291 2.5.1); a host picks any address in it (RFC 8981), so a
 * bound per address would bind nothing. */
static void source_of(const struct dp_frag_key *k, uint8_t *addr)
{
    memset(addr, 0, 8);
    memcpy(addr, k->src, k->v6 ? 8 : 4);
}

static uint32_t source_find(const struct dp_frag_track *t, const uint8_t *addr, uint8_t v6)
{
    for (uint32_t i = t->source_hash[source_bucket(t, addr, v6)]; i != NONE;
         i = t->sources[i].hnext) {
        if (t->sources[i].v6 == v6 && memcmp(t->sources[i].addr, addr, 8) == 0)
            return i;
    }
    return NONE;
}

static uint32_t flow_find(const struct dp_frag_track *t, const struct dp_frag_key *k)
{
    for (uint32_t i = t->flow_hash[flow_bucket(t, k)]; i != NONE; i = t->flows[i].hnext) {
        if (memcmp(&t->flows[i].key, k, sizeof(*k)) == 0)
            return i;
    }
    return NONE;
}

int dp_frag_track_init(struct dp_frag_track *t, uint32_t cap, uint32_t max_per_source,
                       uint64_t ttl_cycles, int socket)
{
    uint32_t buckets = 16;

    memset(t, 0, sizeof(*t));
    if (cap == 0)
        return -EINVAL;
    while (buckets < cap)
        buckets <<= 1;
    t->flows = rte_zmalloc_socket("dp_frag_flows", sizeof(*t->flows) * cap, 0, socket);
    t->sources = rte_zmalloc_socket("dp_frag_sources", sizeof(*t->sources) * cap, 0, socket);
    t->flow_hash = rte_malloc_socket("dp_frag_fh", sizeof(uint32_t) * buckets, 0, socket);
    t->source_hash = rte_malloc_socket("dp_frag_sh", sizeof(uint32_t) * buckets, 0, socket);
    if (t->flows == NULL || t->sources == NULL || t->flow_hash == NULL || t->source_hash == NULL) {
        dp_frag_track_free(t);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < buckets; i++)
        t->flow_hash[i] = t->source_hash[i] = NONE;
    for (uint32_t i = 0; i < cap; i++) {
        t->flows[i].next = i + 1 < cap ? i + 1 : NONE;
        t->sources[i].hnext = i + 1 < cap ? i + 1 : NONE;
    }
    t->hash_mask = buckets - 1;
    t->seed = (uint32_t)rte_rand();
    t->cap = cap;
    t->max_per_source = RTE_MAX(max_per_source, 1u);
    t->ttl_cycles = ttl_cycles;
    t->oldest = t->newest = NONE;
    return 0;
}

void dp_frag_track_free(struct dp_frag_track *t)
{
    rte_free(t->flows);
    rte_free(t->sources);
    rte_free(t->flow_hash);
    rte_free(t->source_hash);
    memset(t, 0, sizeof(*t));
}

int dp_frag_track_lookup(const struct dp_frag_track *t, const struct dp_frag_key *k, uint32_t *flow)
{
    uint8_t addr[8];

    *flow = flow_find(t, k);
    if (*flow != NONE)
        return 0;
    if (t->n == t->cap)
        return -ENOSPC;
    source_of(k, addr);
    uint32_t s = source_find(t, addr, k->v6);
    if (s != NONE && t->sources[s].n >= t->max_per_source)
        return -EDQUOT;
    return 1;
}

int dp_frag_track_add(struct dp_frag_track *t, const struct dp_frag_key *k, uint8_t proto,
                      uint64_t tms)
{
    uint8_t addr[8];
    uint32_t s, i;

    if (t->n == t->cap)
        return -ENOSPC;
    source_of(k, addr);
    s = source_find(t, addr, k->v6);
    if (s == NONE) {
        /* Never empty here: a source has at least one of the n < cap
         * datagrams. */
        uint32_t b = source_bucket(t, addr, k->v6);
        s = t->source_free;
        t->source_free = t->sources[s].hnext;
        memcpy(t->sources[s].addr, addr, 8);
        t->sources[s].v6 = k->v6;
        t->sources[s].n = 0;
        t->sources[s].hnext = t->source_hash[b];
        t->source_hash[b] = s;
    } else if (t->sources[s].n >= t->max_per_source) {
        return -EDQUOT;
    }
    i = t->flow_free;
    t->flow_free = t->flows[i].next;
    struct dp_frag_flow *f = &t->flows[i];
    uint32_t b = flow_bucket(t, k);
    f->key = *k;
    f->proto = proto;
    f->start = tms;
    f->source = s;
    f->hnext = t->flow_hash[b];
    t->flow_hash[b] = i;
    f->prev = t->newest;
    f->next = NONE;
    if (t->newest != NONE)
        t->flows[t->newest].next = i;
    else
        t->oldest = i;
    t->newest = i;
    t->sources[s].n++;
    t->n++;
    return 0;
}

void dp_frag_track_done(struct dp_frag_track *t, uint32_t i)
{
    struct dp_frag_flow *f = &t->flows[i];
    struct dp_frag_source *s = &t->sources[f->source];
    uint32_t *p;

    for (p = &t->flow_hash[flow_bucket(t, &f->key)]; *p != i; p = &t->flows[*p].hnext)
        ;
    *p = f->hnext;
    if (f->prev != NONE)
        t->flows[f->prev].next = f->next;
    else
        t->oldest = f->next;
    if (f->next != NONE)
        t->flows[f->next].prev = f->prev;
    else
        t->newest = f->prev;
    if (--s->n == 0) {
        for (p = &t->source_hash[source_bucket(t, s->addr, s->v6)]; *p != f->source;
             p = &t->sources[*p].hnext)
            ;
        *p = s->hnext;
        s->hnext = t->source_free;
        t->source_free = f->source;
    }
    f->next = t->flow_free;
    t->flow_free = i;
    t->n--;
}

void dp_frag_track_expire(struct dp_frag_track *t, uint64_t tms)
{
    while (t->oldest != NONE && t->flows[t->oldest].start + t->ttl_cycles < tms)
        dp_frag_track_done(t, t->oldest);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An engine's own heap: a binary buddy allocator over one region that is
 * mapped, and touched, when the engine is created.
 *
 * The protocol core allocates while it runs: an association and its
 * per-stream arrays when a COOKIE ECHO arrives, send and retransmission
 * rings as they grow, the fragment list of a message in many chunks.
 * On an engine's lcore none of that may reach malloc (which can take a
 * lock or ask the kernel for memory): it comes from here. The heap has
 * one owner, the engine's lcore, so it takes no lock; blocks are powers
 * of two from DP_HEAP_MIN bytes to the whole region, split on demand and
 * merged with their buddy when both are free, so freeing everything
 * leaves one block again. The block states live in a map of their own
 * (a byte per DP_HEAP_MIN bytes), never in the blocks, so nothing a
 * peer writes into an allocated block can make it look free.
 *
 * When the region has no block large enough, dp_heap_alloc() returns
 * NULL and counts it: the core answers that as it answers any
 * allocation failure (a COOKIE ECHO not taken, a message kept until
 * there is memory).
 */
#ifndef DP_HEAP_H
#define DP_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define DP_HEAP_MIN_SHIFT 6 /* 64-byte blocks at least */
#define DP_HEAP_MIN       (1u << DP_HEAP_MIN_SHIFT)
#define DP_HEAP_ORDERS    32

struct dp_heap_link;

struct dp_heap {
    uint8_t *base;
    size_t size;        /* a power of two */
    unsigned max_order; /* the whole region: DP_HEAP_MIN << max_order */
    uint8_t *state;     /* per DP_HEAP_MIN bytes: see dp_heap.c */
    struct dp_heap_link *free[DP_HEAP_ORDERS];
    size_t used;       /* bytes in allocated blocks */
    size_t peak;       /* the most used has been */
    uint64_t allocs;   /* blocks handed out */
    uint64_t failures; /* requests it could not serve */
};

/* Maps a region of at least bytes (rounded up to a power of two) and its
 * state map, both touched now so that no page fault waits on the fast
 * path. 0, or -1 (errno ENOMEM) when the memory is not there: more than
 * the machine has available (MemAvailable) is refused before touching. */
int dp_heap_init(struct dp_heap *h, size_t bytes);
void dp_heap_fini(struct dp_heap *h);

/* A block of at least n bytes, aligned to DP_HEAP_MIN; NULL when none. */
void *dp_heap_alloc(struct dp_heap *h, size_t n);
/* p must come from dp_heap_alloc() on h and not be freed yet. */
void dp_heap_free(struct dp_heap *h, void *p);
/* Whether p lies in h's region. */
static inline int dp_heap_owns(const struct dp_heap *h, const void *p)
{
    return h->base != NULL && (const uint8_t *)p >= h->base &&
           (const uint8_t *)p < h->base + h->size;
}
/* The largest block it could hand out now (0 when full). */
size_t dp_heap_largest(const struct dp_heap *h);

#endif

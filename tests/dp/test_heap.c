/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's heap (dataplane/dp_heap.c) against a model: blocks never
 * overlap and keep what was written into them, the accounting matches
 * the blocks handed out, a full heap says no and counts it, and freeing
 * everything merges the region back into one block, whatever the order
 * of the frees and whatever the blocks held. A free of something that is
 * not an allocated block stops the process rather than corrupt the heap.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "dp_heap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The block size the heap hands out for n bytes. */
static size_t block_size(size_t n)
{
    size_t b = DP_HEAP_MIN;
    while (b < n)
        b <<= 1;
    return b;
}

struct live {
    uint8_t *p;
    size_t n;
    uint8_t fill;
};

static void test_basics(void)
{
    struct dp_heap h;
    CHECK(dp_heap_init(&h, 1000000) == 0, "no heap");
    CHECK(h.size == 1u << 20, "1,000,000 bytes: a region of %zu", h.size);
    CHECK(dp_heap_largest(&h) == h.size, "a new heap is one block");
    uint8_t *a = dp_heap_alloc(&h, 1);
    uint8_t *b = dp_heap_alloc(&h, 64);
    uint8_t *c = dp_heap_alloc(&h, 65);
    CHECK(a != NULL && b != NULL && c != NULL, "small blocks");
    CHECK(((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) % DP_HEAP_MIN == 0, "alignment");
    CHECK(h.used == 64 + 64 + 128, "used %zu after 1, 64 and 65 bytes", h.used);
    CHECK(dp_heap_owns(&h, a) && !dp_heap_owns(&h, &h), "ownership");
    /* The whole region is one block: not while anything is out. */
    CHECK(dp_heap_alloc(&h, h.size) == NULL && h.failures == 1, "the whole region while used");
    CHECK(dp_heap_alloc(&h, h.size + 1) == NULL && h.failures == 2, "more than the region");
    CHECK(dp_heap_largest(&h) == h.size / 2, "largest free block %zu", dp_heap_largest(&h));
    dp_heap_free(&h, b);
    dp_heap_free(&h, a);
    dp_heap_free(&h, c);
    CHECK(h.used == 0 && dp_heap_largest(&h) == h.size, "not merged back: used %zu, largest %zu",
          h.used, dp_heap_largest(&h));
    uint8_t *all = dp_heap_alloc(&h, h.size);
    CHECK(all == h.base, "the whole region once free");
    CHECK(dp_heap_alloc(&h, 1) == NULL, "a byte from a full heap");
    if (all != NULL)
        dp_heap_free(&h, all);
    CHECK(h.peak == h.size && h.allocs == 4, "peak %zu, allocs %" PRIu64, h.peak, h.allocs);
    dp_heap_fini(&h);
}

/* Random sizes (64 bytes to 64 KB, as the core's arrays), random frees,
 * every block filled with a pattern checked when it is freed. The blocks
 * are filled with what a free block's state would look like, to show
 * that what a block holds never counts. */
static void test_random(void)
{
    enum { SLOTS = 2048, ROUNDS = 400000 };
    static struct live live[SLOTS];
    struct dp_heap h;
    CHECK(dp_heap_init(&h, 8u << 20) == 0, "no heap");
    memset(live, 0, sizeof(live));
    size_t model_used = 0;
    uint64_t fails = 0, corrupt = 0, overlap = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned i = (unsigned)(next_rand() % SLOTS);
        struct live *l = &live[i];
        if (l->p != NULL) {
            for (size_t k = 0; k < l->n; k++)
                corrupt += l->p[k] != l->fill;
            dp_heap_free(&h, l->p);
            model_used -= block_size(l->n);
            l->p = NULL;
            continue;
        }
        unsigned shift = (unsigned)(next_rand() % 11);
        size_t n = 1 + (size_t)(next_rand() % ((size_t)64 << shift));
        l->p = dp_heap_alloc(&h, n);
        if (l->p == NULL) {
            fails++;
            continue;
        }
        l->n = n;
        l->fill = (uint8_t)(0x80 | (r & 0x1f)); /* a free block's state byte */
        if (((uintptr_t)l->p % DP_HEAP_MIN) != 0 || !dp_heap_owns(&h, l->p) ||
            !dp_heap_owns(&h, l->p + n - 1))
            overlap++;
        memset(l->p, l->fill, n);
        model_used += block_size(n);
        if (h.used != model_used)
            break;
    }
    CHECK(h.used == model_used, "used %zu, model %zu", h.used, model_used);
    CHECK(corrupt == 0 && overlap == 0, "%" PRIu64 " bytes overwritten, %" PRIu64 " misplaced",
          corrupt, overlap);
    CHECK(fails == h.failures && fails > 0, "%" PRIu64 " failures seen, %" PRIu64 " counted", fails,
          h.failures);
    CHECK(h.peak <= h.size, "peak %zu over the region", h.peak);
    /* Free the rest in slot order (not the order of allocation). */
    for (unsigned i = 0; i < SLOTS; i++) {
        if (live[i].p == NULL)
            continue;
        for (size_t k = 0; k < live[i].n; k++)
            corrupt += live[i].p[k] != live[i].fill;
        dp_heap_free(&h, live[i].p);
    }
    CHECK(corrupt == 0, "%" PRIu64 " bytes overwritten", corrupt);
    CHECK(h.used == 0 && dp_heap_largest(&h) == h.size,
          "all freed: used %zu, largest block %zu of %zu", h.used, dp_heap_largest(&h), h.size);
    dp_heap_fini(&h);
}

/* Full of the smallest blocks, then every other one freed: no block of
 * 128 bytes exists although half the heap is free; freeing the rest
 * merges everything. */
static void test_fragmentation(void)
{
    struct dp_heap h;
    CHECK(dp_heap_init(&h, 64 * 1024) == 0, "no heap");
    unsigned n = (unsigned)(h.size / DP_HEAP_MIN);
    void **p = calloc(n, sizeof(*p));
    unsigned got = 0;
    while (got < n && (p[got] = dp_heap_alloc(&h, DP_HEAP_MIN)) != NULL)
        got++;
    CHECK(got == n && dp_heap_alloc(&h, 1) == NULL, "%u of %u blocks", got, n);
    for (unsigned i = 0; i < got; i += 2)
        dp_heap_free(&h, p[i]);
    CHECK(h.used == h.size / 2 && dp_heap_alloc(&h, DP_HEAP_MIN + 1) == NULL,
          "half free in single blocks: used %zu", h.used);
    for (unsigned i = 1; i < got; i += 2)
        dp_heap_free(&h, p[i]);
    CHECK(h.used == 0 && dp_heap_largest(&h) == h.size, "not merged: largest %zu",
          dp_heap_largest(&h));
    free(p);
    dp_heap_fini(&h);
}

/* Each in a child: a pointer inside a block, a block freed twice, one
 * from elsewhere. Each must stop the child with SIGABRT. */
static void test_bad_free(void)
{
    for (int kind = 0; kind < 3; kind++) {
        pid_t pid = fork();
        if (pid == 0) {
            struct dp_heap h;
            int other;
            if (dp_heap_init(&h, 1 << 16) < 0)
                _exit(3);
            uint8_t *a = dp_heap_alloc(&h, 256);
            if (kind == 0)
                dp_heap_free(&h, a + 64);
            if (kind == 1) {
                dp_heap_free(&h, a);
                dp_heap_free(&h, a);
            }
            if (kind == 2)
                dp_heap_free(&h, &other);
            _exit(0);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "bad free %d: status 0x%x", kind, st);
    }
}

int main(void)
{
    test_basics();
    test_random();
    test_fragmentation();
    test_bad_free();
    printf("%s: %d checks, %d failed\n", failures ? "FAIL" : "PASS", checks, failures);
    return failures ? 1 : 0;
}

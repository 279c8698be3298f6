/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_heap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * state[i] describes the block that starts at base + i * DP_HEAP_MIN, if
 * one does: ST_FREE or ST_USED with the block's order in the low bits.
 * Any other unit (inside a block) holds 0. A free block is on the list
 * of its order, linked through its first bytes.
 */
#define ST_FREE  0x80u
#define ST_USED  0x40u
#define ST_ORDER 0x1fu

struct dp_heap_link {
    struct dp_heap_link *next, *prev;
};

static size_t unit_of(const struct dp_heap *h, const void *p)
{
    return (size_t)((const uint8_t *)p - h->base) >> DP_HEAP_MIN_SHIFT;
}

static void *block_at(const struct dp_heap *h, size_t unit)
{
    return h->base + (unit << DP_HEAP_MIN_SHIFT);
}

static void list_push(struct dp_heap *h, unsigned order, size_t unit)
{
    struct dp_heap_link *l = block_at(h, unit);
    l->prev = NULL;
    l->next = h->free[order];
    if (l->next != NULL)
        l->next->prev = l;
    h->free[order] = l;
    h->state[unit] = (uint8_t)(ST_FREE | order);
}

static void list_remove(struct dp_heap *h, unsigned order, size_t unit)
{
    struct dp_heap_link *l = block_at(h, unit);
    if (l->prev != NULL)
        l->prev->next = l->next;
    else
        h->free[order] = l->next;
    if (l->next != NULL)
        l->next->prev = l->prev;
    h->state[unit] = 0;
}

/* MemAvailable of /proc/meminfo in bytes; 0 when it cannot be read. */
static size_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    unsigned long long kb = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    }
    fclose(f);
    return (size_t)kb * 1024;
}

int dp_heap_init(struct dp_heap *h, size_t bytes)
{
    memset(h, 0, sizeof(*h));
    unsigned order = 0;
    while (((size_t)DP_HEAP_MIN << order) < bytes && order + 1 < DP_HEAP_ORDERS)
        order++;
    size_t size = (size_t)DP_HEAP_MIN << order;
    size_t units = size >> DP_HEAP_MIN_SHIFT;
    /* Touching more than the machine has free would wake the OOM killer
     * rather than fail here. */
    size_t avail = mem_available();
    if (avail != 0 && size + units > avail) {
        errno = ENOMEM;
        return -1;
    }
    void *base =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (base == MAP_FAILED)
        return -1;
    uint8_t *state = mmap(NULL, units, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (state == MAP_FAILED) {
        munmap(base, size);
        return -1;
    }
    h->base = base;
    h->size = size;
    h->max_order = order;
    h->state = state;
    list_push(h, order, 0);
    return 0;
}

void dp_heap_fini(struct dp_heap *h)
{
    if (h->base != NULL) {
        munmap(h->base, h->size);
        munmap(h->state, h->size >> DP_HEAP_MIN_SHIFT);
    }
    memset(h, 0, sizeof(*h));
}

void *dp_heap_alloc(struct dp_heap *h, size_t n)
{
    unsigned order = 0;
    while (((size_t)DP_HEAP_MIN << order) < n && order <= h->max_order)
        order++;
    unsigned k = order;
    while (k <= h->max_order && h->free[k] == NULL)
        k++;
    if (h->base == NULL || k > h->max_order) {
        h->failures++;
        return NULL;
    }
    size_t unit = unit_of(h, h->free[k]);
    list_remove(h, k, unit);
    /* Split down to the order asked for: the upper halves stay free. */
    while (k > order) {
        k--;
        list_push(h, k, unit + ((size_t)1 << k));
    }
    h->state[unit] = (uint8_t)(ST_USED | order);
    h->used += (size_t)DP_HEAP_MIN << order;
    if (h->used > h->peak)
        h->peak = h->used;
    h->allocs++;
    return block_at(h, unit);
}

void dp_heap_free(struct dp_heap *h, void *p)
{
    if (!dp_heap_owns(h, p) || ((uintptr_t)p & (DP_HEAP_MIN - 1)) != 0 ||
        (h->state[unit_of(h, p)] & ST_USED) == 0) {
        /* Not a block handed out: freeing it would corrupt the heap. */
        fprintf(stderr, "dp_heap_free: %p is not an allocated block\n", p);
        abort();
    }
    size_t unit = unit_of(h, p);
    unsigned order = h->state[unit] & ST_ORDER;
    h->used -= (size_t)DP_HEAP_MIN << order;
    /* Merge with the buddy while it is a free block of the same order. */
    while (order < h->max_order) {
        size_t buddy = unit ^ ((size_t)1 << order);
        if (h->state[buddy] != (ST_FREE | order))
            break;
        list_remove(h, order, buddy);
        h->state[unit] = 0;
        unit &= ~((size_t)1 << order);
        order++;
    }
    list_push(h, order, unit);
}

size_t dp_heap_largest(const struct dp_heap *h)
{
    if (h->base == NULL)
        return 0;
    for (unsigned k = h->max_order + 1; k-- > 0;) {
        if (h->free[k] != NULL)
            return (size_t)DP_HEAP_MIN << k;
    }
    return 0;
}

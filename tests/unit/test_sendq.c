/* SPDX-License-Identifier: BSD-3-Clause */
/* The retransmission ring: chunks indexed by TSN (RFC 9260 6.2.1). */
#include <string.h>

#include "sctp_internal.h"
#include "suites.h"

/* An allocator that can be told to fail, and counts what is live. */
static struct {
    long live;
    int fail_after; /* allocations left before failing; < 0: never */
} A;

static void *t_alloc(void *user, size_t size)
{
    (void)user;
    if (A.fail_after == 0)
        return NULL;
    if (A.fail_after > 0)
        A.fail_after--;
    A.live++;
    return malloc(size);
}

static void t_free(void *user, void *p)
{
    (void)user;
    A.live--;
    free(p);
}

static const struct sctp_callbacks CB = {.alloc = t_alloc, .free = t_free};

/* Marks a chunk so that a moved copy can be recognised. */
static void stamp(struct sctp_out_chunk *c)
{
    c->len = (uint16_t)(c->tsn * 7);
    c->data = (const uint8_t *)(uintptr_t)(c->tsn | 0x10000000u);
}

static bool stamped(const struct sctp_out_chunk *c, uint32_t tsn)
{
    return c && c->tsn == tsn && c->len == (uint16_t)(tsn * 7) &&
           c->data == (const uint8_t *)(uintptr_t)(tsn | 0x10000000u);
}

static void test_init(void)
{
    A.fail_after = -1;
    struct sctp_sendq q;
    CU_ASSERT_EQUAL(sctp_sendq_init(&q, 20, &CB), 0);
    CU_ASSERT_EQUAL(q.cap, 32); /* a power of two */
    CU_ASSERT_EQUAL(q.count, 0);
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, q.head_tsn));
    sctp_sendq_free(&q, &CB);
    CU_ASSERT_EQUAL(sctp_sendq_init(&q, 1, &CB), 0);
    CU_ASSERT_EQUAL(q.cap, 16); /* the minimum */
    sctp_sendq_free(&q, &CB);
    CU_ASSERT_EQUAL(A.live, 0);
    A.fail_after = 0;
    CU_ASSERT_EQUAL(sctp_sendq_init(&q, 16, &CB), SCTP_ERR_NOMEM);
    A.fail_after = -1;
}

static void test_push_pop_at(void)
{
    A.fail_after = -1;
    struct sctp_sendq q;
    CU_ASSERT_EQUAL_FATAL(sctp_sendq_init(&q, 16, &CB), 0);
    q.head_tsn = 1000;
    for (uint32_t i = 0; i < 10; i++) {
        struct sctp_out_chunk *c = sctp_sendq_push(&q, &CB);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(c->tsn, 1000 + i);
        CU_ASSERT_EQUAL(c->state, 0);
        CU_ASSERT_PTR_NULL(c->msg);
        CU_ASSERT_PTR_EQUAL(sctp_sendq_at(&q, 1000 + i), c);
        stamp(c);
    }
    CU_ASSERT_EQUAL(q.count, 10);
    /* Outside [head, head + count): nothing. */
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 999));
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 1010));
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 1000 + 16));
    /* Pop removes the lowest TSN only. */
    sctp_sendq_pop(&q);
    sctp_sendq_pop(&q);
    CU_ASSERT_EQUAL(q.head_tsn, 1002);
    CU_ASSERT_EQUAL(q.count, 8);
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 1001));
    for (uint32_t t = 1002; t < 1010; t++)
        CU_ASSERT_TRUE(stamped(sctp_sendq_at(&q, t), t));
    /* Push continues the TSN sequence after pops and reuses freed slots
     * without touching live ones. */
    for (uint32_t t = 1010; t < 1018; t++) {
        struct sctp_out_chunk *c = sctp_sendq_push(&q, &CB);
        CU_ASSERT_EQUAL(c->tsn, t);
        stamp(c);
    }
    CU_ASSERT_EQUAL(q.cap, 16);
    CU_ASSERT_EQUAL(q.count, 16);
    for (uint32_t t = 1002; t < 1018; t++)
        CU_ASSERT_TRUE(stamped(sctp_sendq_at(&q, t), t));
    /* Pop on an empty ring does nothing. */
    while (q.count)
        sctp_sendq_pop(&q);
    CU_ASSERT_EQUAL(q.head_tsn, 1018);
    sctp_sendq_pop(&q);
    CU_ASSERT_EQUAL(q.head_tsn, 1018);
    CU_ASSERT_EQUAL(q.count, 0);
    sctp_sendq_free(&q, &CB);
    CU_ASSERT_EQUAL(A.live, 0);
}

/* Growth past the capacity while the ring is wrapped inside its array:
 * every chunk keeps its TSN index and contents. */
static void test_growth(void)
{
    A.fail_after = -1;
    struct sctp_sendq q;
    CU_ASSERT_EQUAL_FATAL(sctp_sendq_init(&q, 16, &CB), 0);
    q.head_tsn = 5;
    for (int i = 0; i < 12; i++)
        stamp(sctp_sendq_push(&q, &CB));
    for (int i = 0; i < 9; i++)
        sctp_sendq_pop(&q); /* head 14, slot 14 of 16 */
    uint32_t next = 17;
    for (; next < 14 + 16; next++)
        stamp(sctp_sendq_push(&q, &CB));
    CU_ASSERT_EQUAL(q.count, 16);
    CU_ASSERT_EQUAL(q.cap, 16);
    /* Full: the next push doubles the ring, then again at 32 and 64. */
    for (; next < 14 + 100; next++) {
        struct sctp_out_chunk *c = sctp_sendq_push(&q, &CB);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(c->tsn, next);
        stamp(c);
    }
    CU_ASSERT_EQUAL(q.cap, 128);
    CU_ASSERT_EQUAL(q.count, 100);
    unsigned ok = 0;
    for (uint32_t t = 14; t < 114; t++)
        ok += stamped(sctp_sendq_at(&q, t), t);
    CU_ASSERT_EQUAL(ok, 100);
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 114));
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 13));
    sctp_sendq_free(&q, &CB);
    CU_ASSERT_EQUAL(A.live, 0);
}

/* A failed growth leaves the ring as it was. */
static void test_growth_nomem(void)
{
    A.fail_after = -1;
    struct sctp_sendq q;
    CU_ASSERT_EQUAL_FATAL(sctp_sendq_init(&q, 16, &CB), 0);
    q.head_tsn = 77;
    for (int i = 0; i < 16; i++)
        stamp(sctp_sendq_push(&q, &CB));
    A.fail_after = 0;
    CU_ASSERT_PTR_NULL(sctp_sendq_push(&q, &CB));
    A.fail_after = -1;
    CU_ASSERT_EQUAL(q.count, 16);
    CU_ASSERT_EQUAL(q.cap, 16);
    for (uint32_t t = 77; t < 93; t++)
        CU_ASSERT_TRUE(stamped(sctp_sendq_at(&q, t), t));
    /* And it can still grow later. */
    struct sctp_out_chunk *c = sctp_sendq_push(&q, &CB);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->tsn, 93);
    sctp_sendq_free(&q, &CB);
    CU_ASSERT_EQUAL(A.live, 0);
}

/* TSNs wrap at 2^32: indexing, growth and pops carry on across it. */
static void test_tsn_wrap(void)
{
    A.fail_after = -1;
    struct sctp_sendq q;
    CU_ASSERT_EQUAL_FATAL(sctp_sendq_init(&q, 16, &CB), 0);
    q.head_tsn = 0xFFFFFFF6u;
    for (int i = 0; i < 40; i++) {
        struct sctp_out_chunk *c = sctp_sendq_push(&q, &CB);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(c->tsn, (uint32_t)(0xFFFFFFF6u + (uint32_t)i));
        stamp(c);
    }
    CU_ASSERT_EQUAL(q.cap, 64);
    CU_ASSERT_TRUE(stamped(sctp_sendq_at(&q, 0xFFFFFFF6u), 0xFFFFFFF6u));
    CU_ASSERT_TRUE(stamped(sctp_sendq_at(&q, 0xFFFFFFFFu), 0xFFFFFFFFu));
    CU_ASSERT_TRUE(stamped(sctp_sendq_at(&q, 0), 0));
    CU_ASSERT_TRUE(stamped(sctp_sendq_at(&q, 29), 29));
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 30));
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 0xFFFFFFF5u));
    for (int i = 0; i < 12; i++)
        sctp_sendq_pop(&q);
    CU_ASSERT_EQUAL(q.head_tsn, 2);
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 0xFFFFFFFFu));
    CU_ASSERT_PTR_NULL(sctp_sendq_at(&q, 1));
    unsigned ok = 0;
    for (uint32_t t = 2; t < 30; t++)
        ok += stamped(sctp_sendq_at(&q, t), t);
    CU_ASSERT_EQUAL(ok, 28);
    sctp_sendq_free(&q, &CB);
    CU_ASSERT_EQUAL(A.live, 0);
}

TEST_SUITE_BEGIN(sendq)
TEST_CASE(test_init)
TEST_CASE(test_push_pop_at)
TEST_CASE(test_growth)
TEST_CASE(test_growth_nomem)
TEST_CASE(test_tsn_wrap)
TEST_SUITE_END()

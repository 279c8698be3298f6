/* SPDX-License-Identifier: BSD-3-Clause */
/* The receiver's TSN map: cumulative TSN, gap blocks, duplicates. */
#include <stdlib.h>
#include <string.h>

#include "sctp_tsn.h"
#include "sctp_tsnmap.h"
#include "suites.h"

/* Counts live allocations and can fail the Nth one. */
struct test_alloc {
    int live;
    int fail_at; /* 1-based; 0: never */
    int count;
};

static void *test_alloc_fn(void *user, size_t size)
{
    struct test_alloc *a = user;
    if (a->fail_at && ++a->count == a->fail_at)
        return NULL;
    void *p = malloc(size);
    if (p)
        a->live++;
    return p;
}

static void test_free_fn(void *user, void *p)
{
    struct test_alloc *a = user;
    a->live--;
    free(p);
}

static struct test_alloc alloc_state;
static const struct sctp_callbacks cb = {
    .user = &alloc_state, .alloc = test_alloc_fn, .free = test_free_fn};

static void test_in_order(void)
{
    struct sctp_tsnmap m;
    struct sctp_gap_block g[4];

    memset(&alloc_state, 0, sizeof(alloc_state));
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 100, 64, 8, &cb), 0);
    CU_ASSERT_EQUAL(m.cum_tsn, 99);
    CU_ASSERT_FALSE(sctp_tsnmap_has_gaps(&m));
    for (uint32_t t = 100; t < 1100; t++) {
        CU_ASSERT_EQUAL(sctp_tsnmap_check(&m, t), SCTP_TSN_NEW);
        CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, t), SCTP_TSN_NEW);
        CU_ASSERT_EQUAL(m.cum_tsn, t);
        CU_ASSERT_EQUAL(m.highest_tsn, t);
    }
    CU_ASSERT_FALSE(sctp_tsnmap_has_gaps(&m));
    CU_ASSERT_EQUAL(sctp_tsnmap_gaps(&m, g, 4), 0);
    CU_ASSERT_EQUAL(m.n_dups, 0);
    sctp_tsnmap_free(&m);
    CU_ASSERT_EQUAL(alloc_state.live, 0);
}

static void test_gaps(void)
{
    struct sctp_tsnmap m;
    struct sctp_gap_block g[8];
    static const uint32_t tsns[] = {1, 2, 4, 5, 8, 10, 11, 12};

    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1, 64, 8, &cb), 0);
    for (unsigned i = 0; i < sizeof(tsns) / sizeof(tsns[0]); i++)
        CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, tsns[i]), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.cum_tsn, 2);
    CU_ASSERT_EQUAL(m.highest_tsn, 12);
    CU_ASSERT_TRUE(sctp_tsnmap_has_gaps(&m));
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_gaps(&m, g, 8), 3);
    CU_ASSERT_EQUAL(g[0].start, 2);
    CU_ASSERT_EQUAL(g[0].end, 3);
    CU_ASSERT_EQUAL(g[1].start, 6);
    CU_ASSERT_EQUAL(g[1].end, 6);
    CU_ASSERT_EQUAL(g[2].start, 8);
    CU_ASSERT_EQUAL(g[2].end, 10);

    /* Limited by max, lowest first. */
    CU_ASSERT_EQUAL(sctp_tsnmap_gaps(&m, g, 2), 2);
    CU_ASSERT_EQUAL(g[1].start, 6);
    CU_ASSERT_EQUAL(sctp_tsnmap_gaps(&m, g, 0), 0);

    /* Filling the first hole merges the first block into cum. */
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 3), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.cum_tsn, 5);
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_gaps(&m, g, 8), 2);
    CU_ASSERT_EQUAL(g[0].start, 3);
    CU_ASSERT_EQUAL(g[0].end, 3);
    CU_ASSERT_EQUAL(g[1].start, 5);
    CU_ASSERT_EQUAL(g[1].end, 7);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 6), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 7), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 9), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.cum_tsn, 12);
    CU_ASSERT_FALSE(sctp_tsnmap_has_gaps(&m));
    sctp_tsnmap_free(&m);
}

static void test_many_gap_blocks(void)
{
    struct sctp_tsnmap m;
    struct sctp_gap_block g[300];

    /* Every other TSN across several words: 200 blocks, cut at max. */
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1000, 512, 0, &cb), 0);
    for (uint32_t i = 0; i < 200; i++)
        CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1000 + 1 + 2 * i), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_gaps(&m, g, 300), 200);
    for (unsigned i = 0; i < 200; i++) {
        CU_ASSERT_EQUAL(g[i].start, 2 + 2 * i);
        CU_ASSERT_EQUAL(g[i].end, 2 + 2 * i);
    }
    CU_ASSERT_EQUAL(sctp_tsnmap_gaps(&m, g, 16), 16);
    CU_ASSERT_EQUAL(g[15].start, 32);
    sctp_tsnmap_free(&m);
}

static void test_duplicates(void)
{
    struct sctp_tsnmap m;
    uint32_t d[8];

    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 10, 64, 8, &cb), 0);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 10), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 11), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 15), SCTP_TSN_NEW);
    /* Below or at cum. */
    CU_ASSERT_EQUAL(sctp_tsnmap_check(&m, 10), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 10), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 11), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 5), SCTP_TSN_DUP);
    /* Inside a gap block. */
    CU_ASSERT_EQUAL(sctp_tsnmap_check(&m, 15), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 15), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 15), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(m.cum_tsn, 11);
    CU_ASSERT_EQUAL(m.highest_tsn, 15);

    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_take_dups(&m, d, 8), 5);
    CU_ASSERT_EQUAL(d[0], 10);
    CU_ASSERT_EQUAL(d[1], 11);
    CU_ASSERT_EQUAL(d[2], 5);
    CU_ASSERT_EQUAL(d[3], 15);
    CU_ASSERT_EQUAL(d[4], 15);
    CU_ASSERT_EQUAL(sctp_tsnmap_take_dups(&m, d, 8), 0);
    sctp_tsnmap_free(&m);
}

static void test_dup_list_bounded(void)
{
    struct sctp_tsnmap m;
    uint32_t d[16];

    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1, 32, 3, &cb), 0);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1), SCTP_TSN_NEW);
    for (unsigned i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(m.n_dups, 3);
    CU_ASSERT_EQUAL(sctp_tsnmap_take_dups(&m, d, 16), 3);
    /* take_dups clears the list even when out is smaller. */
    for (unsigned i = 0; i < 3; i++)
        sctp_tsnmap_mark(&m, 1);
    CU_ASSERT_EQUAL(sctp_tsnmap_take_dups(&m, d, 2), 2);
    CU_ASSERT_EQUAL(m.n_dups, 0);
    sctp_tsnmap_free(&m);

    /* No list at all. */
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1, 32, 0, &cb), 0);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 0), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_take_dups(&m, d, 16), 0);
    sctp_tsnmap_free(&m);
}

static void test_beyond(void)
{
    struct sctp_tsnmap m;

    /* 50 rounds up to 64. */
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1000, 50, 4, &cb), 0);
    CU_ASSERT_EQUAL(m.window, 64);
    CU_ASSERT_EQUAL(sctp_tsnmap_check(&m, 1000 + 63), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_check(&m, 1000 + 64), SCTP_TSN_BEYOND);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1000 + 64), SCTP_TSN_BEYOND);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1000 + 1000000), SCTP_TSN_BEYOND);
    CU_ASSERT_EQUAL(m.highest_tsn, 999);
    CU_ASSERT_EQUAL(m.n_dups, 0);
    /* The last TSN of the window is accepted; once cum moves, so is
     * the next one. */
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1000 + 63), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.highest_tsn, 1063);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1000), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1000 + 64), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.highest_tsn, 1064);
    sctp_tsnmap_free(&m);
}

static void test_full_window(void)
{
    struct sctp_tsnmap m;
    struct sctp_gap_block g[2];

    /* Everything but the first TSN of a non-power-of-two window, then
     * the first: cum sweeps the whole ring and the ring is clean after. */
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1, 96, 0, &cb), 0);
    for (uint32_t round = 0; round < 5; round++) {
        uint32_t first = m.cum_tsn + 1;
        for (uint32_t t = first + 95; t != first; t--)
            CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, t), SCTP_TSN_NEW);
        CU_ASSERT_EQUAL(sctp_tsnmap_gaps(&m, g, 2), 1);
        CU_ASSERT_EQUAL(g[0].start, 2);
        CU_ASSERT_EQUAL(g[0].end, 96);
        CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, first), SCTP_TSN_NEW);
        CU_ASSERT_EQUAL(m.cum_tsn, first + 95);
        CU_ASSERT_FALSE(sctp_tsnmap_has_gaps(&m));
        for (uint32_t i = 0; i < m.window / 32; i++)
            CU_ASSERT_EQUAL(m.bits[i], 0);
    }
    sctp_tsnmap_free(&m);
}

static void test_forward(void)
{
    struct sctp_tsnmap m;
    struct sctp_gap_block g[4];

    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1, 64, 4, &cb), 0);
    sctp_tsnmap_mark(&m, 5);
    sctp_tsnmap_mark(&m, 6);
    sctp_tsnmap_mark(&m, 9);
    /* RFC 3758 3.6: to 4, then past 5 and 6 which already arrived. */
    sctp_tsnmap_forward(&m, 4);
    CU_ASSERT_EQUAL(m.cum_tsn, 6);
    CU_ASSERT_EQUAL(m.highest_tsn, 9);
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_gaps(&m, g, 4), 1);
    CU_ASSERT_EQUAL(g[0].start, 3);
    CU_ASSERT_EQUAL(g[0].end, 3);
    /* Backwards or equal: no change. */
    sctp_tsnmap_forward(&m, 3);
    sctp_tsnmap_forward(&m, 6);
    CU_ASSERT_EQUAL(m.cum_tsn, 6);
    /* Over a received TSN: it is cleared, not reported. */
    sctp_tsnmap_forward(&m, 10);
    CU_ASSERT_EQUAL(m.cum_tsn, 10);
    CU_ASSERT_EQUAL(m.highest_tsn, 10);
    CU_ASSERT_FALSE(sctp_tsnmap_has_gaps(&m));
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 9), SCTP_TSN_DUP);
    /* Far beyond the window: the map is reset there. */
    sctp_tsnmap_mark(&m, 12);
    sctp_tsnmap_forward(&m, 100000);
    CU_ASSERT_EQUAL(m.cum_tsn, 100000);
    CU_ASSERT_EQUAL(m.highest_tsn, 100000);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 100000 + 64), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 100001), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.cum_tsn, 100001);
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_gaps(&m, g, 4), 1);
    CU_ASSERT_EQUAL(g[0].start, 63);
    sctp_tsnmap_free(&m);
}

static void test_wrap(void)
{
    struct sctp_tsnmap m;
    struct sctp_gap_block g[4];

    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 0xfffffff0u, 64, 4, &cb), 0);
    CU_ASSERT_EQUAL(m.cum_tsn, 0xffffffefu);
    for (uint32_t t = 0xfffffff0u; t != 0xfffffffeu; t++)
        CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, t), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.cum_tsn, 0xfffffffdu);
    /* Across zero, with a hole at 0xffffffff. */
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 0xfffffffeu), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 0), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 1), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 3), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.cum_tsn, 0xfffffffeu);
    CU_ASSERT_EQUAL(m.highest_tsn, 3);
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_gaps(&m, g, 4), 2);
    CU_ASSERT_EQUAL(g[0].start, 2);
    CU_ASSERT_EQUAL(g[0].end, 3);
    CU_ASSERT_EQUAL(g[1].start, 5);
    CU_ASSERT_EQUAL(g[1].end, 5);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 0xfffffff5u), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 0), SCTP_TSN_DUP);
    CU_ASSERT_EQUAL(sctp_tsnmap_mark(&m, 0xffffffffu), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(m.cum_tsn, 1);
    CU_ASSERT_EQUAL(sctp_tsnmap_check(&m, 1 + 64), SCTP_TSN_NEW);
    CU_ASSERT_EQUAL(sctp_tsnmap_check(&m, 1 + 65), SCTP_TSN_BEYOND);
    /* Forward across zero. */
    sctp_tsnmap_free(&m);
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 0xfffffffau, 64, 4, &cb), 0);
    sctp_tsnmap_mark(&m, 2);
    sctp_tsnmap_forward(&m, 1);
    CU_ASSERT_EQUAL(m.cum_tsn, 2);
    sctp_tsnmap_free(&m);
}

static void test_large_offsets(void)
{
    struct sctp_tsnmap m;
    struct sctp_gap_block g[4];

    /* Gap offsets are 16-bit: a block straddling 65535 is cut there and
     * nothing beyond is reported. */
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, 1, 1u << 17, 0, &cb), 0);
    sctp_tsnmap_mark(&m, 2);
    for (uint32_t o = 65530; o <= 65540; o++)
        sctp_tsnmap_mark(&m, o);
    sctp_tsnmap_mark(&m, 70000);
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_gaps(&m, g, 4), 2);
    CU_ASSERT_EQUAL(g[0].start, 2);
    CU_ASSERT_EQUAL(g[0].end, 2);
    CU_ASSERT_EQUAL(g[1].start, 65530);
    CU_ASSERT_EQUAL(g[1].end, 65535);
    sctp_tsnmap_free(&m);
}

static void test_nomem(void)
{
    struct sctp_tsnmap m;

    for (int n = 1; n <= 2; n++) {
        memset(&alloc_state, 0, sizeof(alloc_state));
        alloc_state.fail_at = n;
        CU_ASSERT_EQUAL(sctp_tsnmap_init(&m, 1, 64, 4, &cb), SCTP_ERR_NOMEM);
        CU_ASSERT_EQUAL(alloc_state.live, 0);
        sctp_tsnmap_free(&m);
    }
    memset(&alloc_state, 0, sizeof(alloc_state));
}

/* A reference model: one byte per TSN, relative to a start TSN. */
#define MODEL_SPAN (1u << 22)

struct model {
    uint8_t *recv;
    uint32_t start, cum, highest, window;
    uint32_t dups[64];
    unsigned n_dups, max_dups;
};

static uint8_t *model_at(struct model *md, uint32_t tsn)
{
    uint32_t off = tsn - md->start;
    CU_ASSERT_FATAL(off < MODEL_SPAN);
    return &md->recv[off];
}

static void model_advance(struct model *md)
{
    while (*model_at(md, md->cum + 1))
        md->cum++;
    if (sctp_tsn_lt(md->highest, md->cum))
        md->highest = md->cum;
}

static enum sctp_tsn_verdict model_mark(struct model *md, uint32_t tsn)
{
    if (sctp_tsn_le(tsn, md->cum) || (tsn - md->cum <= md->window && *model_at(md, tsn))) {
        if (md->n_dups < md->max_dups)
            md->dups[md->n_dups++] = tsn;
        return SCTP_TSN_DUP;
    }
    if (tsn - md->cum > md->window)
        return SCTP_TSN_BEYOND;
    *model_at(md, tsn) = 1;
    if (sctp_tsn_gt(tsn, md->highest))
        md->highest = tsn;
    model_advance(md);
    return SCTP_TSN_NEW;
}

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static void random_run(uint32_t window, uint32_t initial, uint64_t seed)
{
    struct sctp_tsnmap m;
    struct model md;
    struct sctp_gap_block g[32], mg[32];
    uint32_t d[64];

    memset(&md, 0, sizeof(md));
    md.recv = calloc(MODEL_SPAN, 1);
    CU_ASSERT_FATAL(md.recv != NULL);
    md.start = initial - 1000;
    md.cum = initial - 1;
    md.highest = md.cum;
    md.window = window;
    md.max_dups = 16;
    rng_state = seed;
    CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_init(&m, initial, window, md.max_dups, &cb), 0);
    CU_ASSERT_EQUAL_FATAL(m.window, window);

    for (unsigned op = 0; op < 100000; op++) {
        unsigned what = rng() % 100;
        if (what < 85) {
            uint32_t tsn = md.cum - 40 + rng() % (window + 80);
            enum sctp_tsn_verdict want = model_mark(&md, tsn);
            CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_mark(&m, tsn), want);
        } else if (what < 87) {
            uint32_t to = md.cum - 10 + rng() % (window + window / 2);
            sctp_tsnmap_forward(&m, to);
            if (sctp_tsn_gt(to, md.cum)) {
                md.cum = to;
                model_advance(&md);
            }
        } else if (what < 93) {
            unsigned max = 1 + rng() % 32, n = 0;
            uint32_t limit = md.highest - md.cum;
            for (uint32_t o = 1; o <= limit && n < max; o++) {
                if (!*model_at(&md, md.cum + o))
                    continue;
                mg[n].start = (uint16_t)o;
                while (o + 1 <= limit && *model_at(&md, md.cum + o + 1))
                    o++;
                mg[n++].end = (uint16_t)o;
            }
            CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_gaps(&m, g, max), n);
            CU_ASSERT_EQUAL_FATAL(memcmp(g, mg, n * sizeof(g[0])), 0);
        } else if (what < 96) {
            unsigned max = rng() % 20;
            unsigned want = md.n_dups < max ? md.n_dups : max;
            CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_take_dups(&m, d, max), want);
            CU_ASSERT_EQUAL_FATAL(memcmp(d, md.dups, want * sizeof(d[0])), 0);
            md.n_dups = 0;
        } else {
            uint32_t tsn = md.cum - 40 + rng() % (window + 80);
            enum sctp_tsn_verdict want;
            if (sctp_tsn_le(tsn, md.cum))
                want = SCTP_TSN_DUP;
            else if (tsn - md.cum > window)
                want = SCTP_TSN_BEYOND;
            else
                want = *model_at(&md, tsn) ? SCTP_TSN_DUP : SCTP_TSN_NEW;
            CU_ASSERT_EQUAL_FATAL(sctp_tsnmap_check(&m, tsn), want);
        }
        CU_ASSERT_EQUAL_FATAL(m.cum_tsn, md.cum);
        CU_ASSERT_EQUAL_FATAL(m.highest_tsn, md.highest);
    }
    sctp_tsnmap_free(&m);
    free(md.recv);
}

static void test_random_vs_model(void)
{
    memset(&alloc_state, 0, sizeof(alloc_state));
    /* Start just below 2^32 so the run wraps early. */
    random_run(96, 0xfffff000u, 1);
    random_run(128, 0xffffff00u, 2);
    random_run(1024, 12345, 3);
    CU_ASSERT_EQUAL(alloc_state.live, 0);
}

TEST_SUITE_BEGIN(tsnmap)
TEST_CASE(test_in_order)
TEST_CASE(test_gaps)
TEST_CASE(test_many_gap_blocks)
TEST_CASE(test_duplicates)
TEST_CASE(test_dup_list_bounded)
TEST_CASE(test_beyond)
TEST_CASE(test_full_window)
TEST_CASE(test_forward)
TEST_CASE(test_wrap)
TEST_CASE(test_large_offsets)
TEST_CASE(test_nomem)
TEST_CASE(test_random_vs_model)
TEST_SUITE_END()

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_tsnmap.c: the receiver's TSN record (RFC 9260 6.2, 6.7).
 *
 * TSNs cum_tsn+1 .. cum_tsn+window live in a ring of window bits. The
 * ring is indexed from base, the TSN of bit 0, which moves forward one
 * whole window at a time so that cum_tsn+1 - base stays in [0, window).
 * Any TSN of the window is then at distance d < 2 * window from base and
 * its bit is d or d - window: no division, and serial arithmetic makes
 * the wrap at 2^32 a non-event.
 *
 * Invariant: every bit not standing for a received TSN in
 * (cum_tsn, highest_tsn] is clear, so a slot is clean when the window
 * slides over it again.
 */
#include <string.h>

#include "sctp_mem.h"
#include "sctp_tsn.h"
#include "sctp_tsnmap.h"

#define WORD_BITS 32u
/* Keeps 2 * window well inside serial arithmetic's half range. */
#define WINDOW_MAX ((uint32_t)1 << 30)
/* SACK gap block offsets are 16-bit (RFC 9260 3.3.4). */
#define GAP_OFFSET_MAX 0xFFFFu

static inline uint32_t ring_index(const struct sctp_tsnmap *m, uint32_t tsn)
{
    uint32_t d = tsn - m->base;
    return d < m->window ? d : d - m->window;
}

static inline void bit_set(struct sctp_tsnmap *m, uint32_t idx)
{
    m->bits[idx / WORD_BITS] |= 1u << (idx % WORD_BITS);
}

/* Keeps cum_tsn+1 - base in [0, window) after cum_tsn moved forward by
 * less than a window beyond the old base's reach. */
static inline void rebase(struct sctp_tsnmap *m)
{
    uint32_t off = m->cum_tsn + 1 - m->base;
    if (off >= m->window)
        m->base += (off / m->window) * m->window;
}

int sctp_tsnmap_init(struct sctp_tsnmap *m, uint32_t peer_initial_tsn, uint32_t window,
                     uint32_t max_dups, const struct sctp_callbacks *cb)
{
    memset(m, 0, sizeof(*m));
    if (window == 0)
        window = WORD_BITS;
    if (window > WINDOW_MAX)
        window = WINDOW_MAX;
    window = (window + WORD_BITS - 1) & ~(WORD_BITS - 1);

    m->cb = cb;
    m->window = window;
    m->bits = sctp_mem_calloc(cb, window / 8);
    if (!m->bits)
        return SCTP_ERR_NOMEM;
    if (max_dups) {
        m->dups = sctp_mem_calloc(cb, (size_t)max_dups * sizeof(*m->dups));
        if (!m->dups) {
            sctp_mem_free(cb, m->bits);
            m->bits = NULL;
            return SCTP_ERR_NOMEM;
        }
    }
    m->max_dups = max_dups;
    m->cum_tsn = peer_initial_tsn - 1;
    m->highest_tsn = m->cum_tsn;
    m->base = peer_initial_tsn;
    return 0;
}

void sctp_tsnmap_free(struct sctp_tsnmap *m)
{
    if (m->cb) {
        sctp_mem_free(m->cb, m->bits);
        sctp_mem_free(m->cb, m->dups);
    }
    m->bits = NULL;
    m->dups = NULL;
    m->n_dups = 0;
    m->max_dups = 0;
}

/*
 * Moves cum_tsn over the run of received TSNs just above it, a word at a
 * time, clearing their bits. The run cannot wrap onto itself: the bit
 * for cum_tsn+1 is clear (or cleared) before the walk could come back
 * to it.
 */
static void advance(struct sctp_tsnmap *m)
{
    for (;;) {
        uint32_t idx = ring_index(m, m->cum_tsn + 1);
        uint32_t shift = idx % WORD_BITS;
        uint32_t *w = &m->bits[idx / WORD_BITS];
        uint32_t ones = ~(*w >> shift); /* trailing zeros: the run */
        uint32_t run;
        uint32_t mask;

        if (ones & 1u)
            break;
        run = ones ? (uint32_t)__builtin_ctz(ones) : WORD_BITS - shift;
        if (run > WORD_BITS - shift)
            run = WORD_BITS - shift;
        mask = run == WORD_BITS ? ~0u : ((1u << run) - 1) << shift;
        *w &= ~mask;
        m->cum_tsn += run;
        rebase(m);
        if (shift + run < WORD_BITS)
            break;
    }
    if (sctp_tsn_lt(m->highest_tsn, m->cum_tsn))
        m->highest_tsn = m->cum_tsn;
}

void sctp_tsnmap_mark_new_slow(struct sctp_tsnmap *m, uint32_t tsn)
{
    if (tsn == m->cum_tsn + 1 && m->highest_tsn == m->cum_tsn) {
        /* In order with nothing held above: no bit is set above cum_tsn
         * (the invariant), so the new TSN needs no bit either. */
        m->cum_tsn = tsn;
        m->highest_tsn = tsn;
        rebase(m);
        return;
    }
    bit_set(m, ring_index(m, tsn));
    if (sctp_tsn_gt(tsn, m->highest_tsn))
        m->highest_tsn = tsn;
    if (tsn == m->cum_tsn + 1)
        advance(m);
}

enum sctp_tsn_verdict sctp_tsnmap_mark(struct sctp_tsnmap *m, uint32_t tsn)
{
    enum sctp_tsn_verdict v = sctp_tsnmap_check(m, tsn);

    if (v == SCTP_TSN_DUP) {
        /* RFC 9260 6.2: every duplicate since the last SACK is reported,
         * as far as the list has room. */
        if (m->n_dups < m->max_dups)
            m->dups[m->n_dups++] = tsn;
        return v;
    }
    if (v == SCTP_TSN_BEYOND)
        return v;
    sctp_tsnmap_mark_new(m, tsn);
    return v;
}

/* Clears the bits of TSNs from .. from+count-1 (count <= window), which
 * are all within the current window. */
static void clear_range(struct sctp_tsnmap *m, uint32_t from, uint32_t count)
{
    while (count > 0) {
        uint32_t idx = ring_index(m, from);
        uint32_t shift = idx % WORD_BITS;
        uint32_t n = WORD_BITS - shift;
        uint32_t mask;

        if (n > count)
            n = count;
        mask = n == WORD_BITS ? ~0u : ((1u << n) - 1) << shift;
        m->bits[idx / WORD_BITS] &= ~mask;
        from += n;
        count -= n;
    }
}

void sctp_tsnmap_forward(struct sctp_tsnmap *m, uint32_t new_cum)
{
    uint32_t step;

    if (!sctp_tsn_gt(new_cum, m->cum_tsn))
        return;
    step = new_cum - m->cum_tsn;
    if (step >= m->window) {
        /* Everything the map held is now at or below the new cum. */
        memset(m->bits, 0, m->window / 8);
        m->cum_tsn = new_cum;
        m->base = new_cum + 1;
    } else {
        clear_range(m, m->cum_tsn + 1, step);
        m->cum_tsn = new_cum;
        rebase(m);
    }
    /* RFC 3758 3.6: then past whatever already arrived above it. */
    advance(m);
}

/* First offset o in [from, limit] (from cum_tsn) whose bit equals set,
 * or limit + 1. Scans a word at a time. */
static uint32_t find_bit(const struct sctp_tsnmap *m, uint32_t from, uint32_t limit, bool set)
{
    uint32_t o = from;

    while (o <= limit) {
        uint32_t idx = ring_index(m, m->cum_tsn + o);
        uint32_t shift = idx % WORD_BITS;
        uint32_t w = m->bits[idx / WORD_BITS];

        if (!set)
            w = ~w;
        w >>= shift;
        if (w) {
            o += (uint32_t)__builtin_ctz(w);
            return o <= limit ? o : limit + 1;
        }
        o += WORD_BITS - shift;
    }
    return limit + 1;
}

unsigned sctp_tsnmap_gaps(const struct sctp_tsnmap *m, struct sctp_gap_block *out, unsigned max)
{
    uint32_t limit;
    uint32_t o = 1;
    unsigned n = 0;

    if (!sctp_tsn_gt(m->highest_tsn, m->cum_tsn))
        return 0;
    limit = m->highest_tsn - m->cum_tsn;
    while (n < max && o <= limit) {
        uint32_t start = find_bit(m, o, limit, true);
        uint32_t end;

        if (start > limit || start > GAP_OFFSET_MAX)
            break;
        end = find_bit(m, start, limit, false) - 1;
        if (end > GAP_OFFSET_MAX)
            end = GAP_OFFSET_MAX;
        out[n].start = (uint16_t)start;
        out[n].end = (uint16_t)end;
        n++;
        o = end + 2;
    }
    return n;
}

unsigned sctp_tsnmap_take_dups(struct sctp_tsnmap *m, uint32_t *out, unsigned max)
{
    unsigned n = m->n_dups < max ? m->n_dups : max;

    if (n)
        memcpy(out, m->dups, n * sizeof(*out));
    m->n_dups = 0;
    return n;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_tsnmap.h: the receiver's record of TSNs (RFC 9260 6.2, 6.7):
 * cumulative TSN, gap ack blocks and duplicate TSNs, all bounded.
 */
#ifndef SCTP_TSNMAP_H
#define SCTP_TSNMAP_H

#include "sctp.h"
#include "sctp_codec.h"
#include "sctp_tsn.h"

struct sctp_tsnmap {
    uint32_t cum_tsn;     /* every TSN <= cum_tsn has arrived */
    uint32_t highest_tsn; /* highest TSN received (== cum_tsn if no gaps) */
    uint32_t window;      /* bits in the map: TSNs cum+1 .. cum+window */
    uint32_t *bits;       /* bit i: TSN (base + i), ring indexed */
    uint32_t base;        /* TSN of bit 0 of the ring */
    uint32_t max_dups;
    uint32_t n_dups;
    uint32_t *dups;
    const struct sctp_callbacks *cb;
};

enum sctp_tsn_verdict {
    SCTP_TSN_NEW = 0,    /* first arrival, inside the window */
    SCTP_TSN_DUP = 1,    /* already received (<= cum or marked) */
    SCTP_TSN_BEYOND = 2, /* beyond the window: drop without marking */
};

/* peer_initial_tsn: the TSN of the first DATA expected (cum = it - 1).
 * window is rounded up to a multiple of 32, and kept within 32 .. 2^30.
 * Returns 0 or SCTP_ERR_NOMEM. */
int sctp_tsnmap_init(struct sctp_tsnmap *m, uint32_t peer_initial_tsn, uint32_t window,
                     uint32_t max_dups, const struct sctp_callbacks *cb);
void sctp_tsnmap_free(struct sctp_tsnmap *m);

static inline enum sctp_tsn_verdict sctp_tsnmap_check(const struct sctp_tsnmap *m, uint32_t tsn)
{
    if (sctp_tsn_le(tsn, m->cum_tsn))
        return SCTP_TSN_DUP;
    if (tsn - m->cum_tsn > m->window)
        return SCTP_TSN_BEYOND;
    /* Nothing held above cum_tsn: no bit is set there (the invariant
     * sctp_tsnmap_mark_new relies on too), so the map need not be read. */
    if (m->highest_tsn == m->cum_tsn)
        return SCTP_TSN_NEW;
    /* Ring index: see sctp_tsnmap.c. */
    uint32_t idx = tsn - m->base;
    if (idx >= m->window)
        idx -= m->window;
    return ((m->bits[idx / 32] >> (idx % 32)) & 1u) ? SCTP_TSN_DUP : SCTP_TSN_NEW;
}
/* Records tsn. A duplicate is added to the duplicate list (bounded by
 * max_dups, extra ones are counted nowhere). Returns the verdict. */
enum sctp_tsn_verdict sctp_tsnmap_mark(struct sctp_tsnmap *m, uint32_t tsn);
/* sctp_tsnmap_mark for a tsn that sctp_tsnmap_check has just found
 * SCTP_TSN_NEW (the map unchanged since). */
void sctp_tsnmap_mark_new_slow(struct sctp_tsnmap *m, uint32_t tsn);
static inline void sctp_tsnmap_mark_new(struct sctp_tsnmap *m, uint32_t tsn)
{
    if (tsn == m->cum_tsn + 1 && m->highest_tsn == m->cum_tsn && tsn + 1 - m->base < m->window) {
        /* In order with nothing held above: no bit is set above cum_tsn
         * (the invariant), so the new TSN needs no bit either; and the
         * ring's base stays (sctp_tsnmap.c, rebase). */
        m->cum_tsn = tsn;
        m->highest_tsn = tsn;
        return;
    }
    sctp_tsnmap_mark_new_slow(m, tsn);
}
/* RFC 3758 3.6: moves the cumulative TSN to at least new_cum, then past
 * any TSNs already received above it. */
void sctp_tsnmap_forward(struct sctp_tsnmap *m, uint32_t new_cum);
/* Fills up to max gap blocks (offsets from cum_tsn), lowest first.
 * Returns the number written. */
unsigned sctp_tsnmap_gaps(const struct sctp_tsnmap *m, struct sctp_gap_block *out, unsigned max);
/* Copies up to max duplicates and clears the whole list. Returns the
 * number written. */
unsigned sctp_tsnmap_take_dups(struct sctp_tsnmap *m, uint32_t *out, unsigned max);
static inline bool sctp_tsnmap_has_gaps(const struct sctp_tsnmap *m)
{
    return m->highest_tsn != m->cum_tsn;
}

#endif

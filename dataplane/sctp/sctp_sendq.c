/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_sendq.c: the retransmission ring. Chunks get TSNs in the order they
 * are first sent, so the chunks between the cumulative TSN ack and the
 * next TSN form a dense ring indexed by TSN: SACK processing finds a chunk
 * by subtraction (RFC 9260 6.2.1).
 */
#include "sctp_internal.h"

int sctp_sendq_init(struct sctp_sendq *q, uint32_t cap, const struct sctp_callbacks *cb)
{
    uint32_t c = 16;
    while (c < cap)
        c <<= 1;
    memset(q, 0, sizeof(*q));
    q->ring = sctp_mem_calloc(cb, c * sizeof(*q->ring));
    if (!q->ring)
        return SCTP_ERR_NOMEM;
    q->cap = c;
    return 0;
}

void sctp_sendq_free(struct sctp_sendq *q, const struct sctp_callbacks *cb)
{
    sctp_mem_free(cb, q->light);
    q->light = NULL;
    q->light_cap = q->light_count = q->light_head = 0;
    sctp_mem_free(cb, q->ring);
    q->ring = NULL;
    q->cap = 0;
    q->count = 0;
}

int sctp_sendq_grow(struct sctp_sendq *q, const struct sctp_callbacks *cb)
{
    uint32_t ncap = q->cap * 2;
    struct sctp_out_chunk *n = sctp_mem_alloc(cb, ncap * sizeof(*n));
    if (!n)
        return SCTP_ERR_NOMEM;
    /* Re-index by TSN under the new mask. */
    for (uint32_t i = 0; i < q->count; i++) {
        uint32_t tsn = q->head_tsn + i;
        n[tsn & (ncap - 1)] = q->ring[tsn & (q->cap - 1)];
    }
    sctp_mem_free(cb, q->ring);
    q->ring = n;
    q->cap = ncap;
    return 0;
}

int sctp_light_grow(struct sctp_sendq *q, const struct sctp_callbacks *cb)
{
    uint32_t ncap = q->light_cap ? q->light_cap * 2 : 64;
    struct sctp_light *n = sctp_mem_alloc(cb, ncap * sizeof(*n));
    if (!n)
        return SCTP_ERR_NOMEM;
    /* In order from the head, at 0 in the new ring. */
    for (uint32_t i = 0; i < q->light_count; i++)
        n[i] = q->light[(q->light_head + i) & (q->light_cap - 1)];
    sctp_mem_free(cb, q->light);
    q->light = n;
    q->light_cap = ncap;
    q->light_head = 0;
    return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_reasm.h: the receive side above the TSN map: reassembly of
 * fragmented messages (RFC 9260 6.9), ordered delivery per stream and
 * unordered delivery (6.5, 6.6), FORWARD TSN skipping (RFC 3758 3.6),
 * partial delivery of messages too large to hold whole, all within a
 * byte budget.
 *
 * Every chunk handed in carries one payload reference, which passes to
 * this module; delivered messages pass those references on in their
 * fragment list; dropped chunks are unreferenced here.
 */
#ifndef SCTP_REASM_H
#define SCTP_REASM_H

#include "sctp.h"
#include "sctp_codec.h"
#include "sctp_mem.h"

struct sctp_reasm_node;
struct sctp_reasm_stream;

struct sctp_reasm_list {
    struct sctp_reasm_node *head, *tail;
};

/* Defined here only so that the hot accessors below inline; the fields
 * belong to sctp_reasm.c. */
struct sctp_reasm {
    struct sctp_callbacks cb;
    struct sctp_reasm_stream *streams;
    /* Streams that may hold ordered chunks, be in partial delivery or
     * have a deferred skip: FORWARD TSN visits only these. */
    uint64_t *busy;
    uint32_t n_streams;
    uint32_t max_bytes, pd_point;
    uint32_t bytes; /* payload and per-chunk overhead held */
    struct sctp_reasm_list unord;
    struct sctp_reasm_node *ready_head, *ready_tail;
    struct sctp_reasm_node *free_nodes;
    uint32_t n_free;
    uint32_t chunks; /* chunks held (not yet popped) */
};

/* A stream's receive state. Defined here only so that the direct path
 * below inlines; the fields belong to sctp_reasm.c. */
struct sctp_reasm_stream {
    struct sctp_reasm_list ord;
    uint32_t pd_tsn;  /* partial delivery: TSN of the next piece */
    uint32_t pd_ppid; /* partial delivery: the message's PPID */
    uint16_t next_ssn;
    uint16_t pd_ssn;
    uint16_t skip_ssn; /* FORWARD TSN skip deferred by partial delivery */
    uint8_t pd;        /* partial delivery: enum pd_kind (sctp_reasm.c), 0 none */
    uint8_t state;     /* ST_* (sctp_reasm.c) */
};

/*
 * Whether a whole message (flags: its DATA chunk's, B and E set) with
 * SSN ssn may go up at once as far as its stream st is concerned: the
 * stream not in partial delivery, and the message unordered, or ordered
 * and due with nothing held before it. If so its SSN is taken (the
 * stream then expects the next) and true returned; otherwise nothing
 * changes.
 */
static inline bool sctp_reasm_stream_claim(struct sctp_reasm_stream *st, uint16_t ssn,
                                           uint8_t flags)
{
    const uint8_t be = SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E;
    if ((flags & be) != be || st->pd != 0)
        return false;
    if (flags & SCTP_DATA_FLAG_U)
        return true;
    if (ssn != st->next_ssn || st->ord.head)
        return false;
    st->next_ssn++;
    return true;
}
/* The same for stream sid, with nothing queued for delivery before the
 * message either: what delivering it at once needs. */
static inline bool sctp_reasm_claim_due(struct sctp_reasm *r, uint16_t sid, uint16_t ssn,
                                        uint8_t flags)
{
    if (r->ready_head || sid >= r->n_streams)
        return false;
    return sctp_reasm_stream_claim(&r->streams[sid], ssn, flags);
}

/* Fills ev with a message of one fragment, as sctp_reasm_pop() would
 * (assoc_id 0). */
static inline void sctp_reasm_fill_event(struct sctp_event *ev, uint16_t sid, uint16_t ssn,
                                         uint32_t ppid, uint32_t tsn, uint8_t flags,
                                         const struct sctp_frag *frag)
{
    ev->u.data.frag = (struct sctp_frag){.data = frag->data,
                                         .len = frag->len,
                                         .room = frag->room < UINT8_MAX ? frag->room : UINT8_MAX,
                                         .handle = frag->handle};
    ev->type = SCTP_EV_DATA;
    ev->assoc_id = 0;
    ev->u.data.sid = sid;
    ev->u.data.ssn = ssn;
    ev->u.data.ppid = ppid;
    ev->u.data.tsn = tsn;
    ev->u.data.flags = (flags & SCTP_DATA_FLAG_U) ? SCTP_EV_DATA_UNORDERED : 0;
    ev->u.data.len = frag->len;
    ev->u.data.nfrags = 1;
    ev->u.data.frags = &ev->u.data.frag;
}

/* What a held chunk costs beyond its payload: its node (one cache line).
 * It also pins its packet's buffer; the number of chunks held bounds
 * that (sctp_reasm_chunks). */
#define SCTP_REASM_CHUNK_OVERHEAD 64

/* n_streams inbound streams; max_bytes: bytes held before delivery, each
 * chunk's payload and SCTP_REASM_CHUNK_OVERHEAD;
 * pd_point: a message holding this many bytes (at the head of its
 * stream's order) starts partial delivery. NULL on NOMEM. */
struct sctp_reasm *sctp_reasm_new(uint16_t n_streams, uint32_t max_bytes, uint32_t pd_point,
                                  const struct sctp_callbacks *cb);
/* Unreferences everything held. */
void sctp_reasm_free(struct sctp_reasm *r);

/*
 * Adds one DATA chunk whose TSN the TSN map has just marked new.
 * frag->handle carries one reference which this module now owns (also on
 * error: it is dropped then).
 * Returns 0, SCTP_ERR_STREAM (sid not negotiated: the caller sends an
 * Invalid Stream Identifier error), SCTP_ERR_LIMIT (no room: the caller
 * must not have acknowledged the TSN; see sctp_reasm_can_take),
 * SCTP_ERR_NOMEM.
 */
int sctp_reasm_add(struct sctp_reasm *r, const struct sctp_data_chunk *d,
                   const struct sctp_frag *frag);
/*
 * The common case of sctp_reasm_add(), without holding the chunk: a
 * whole message (B and E) that is due on its stream (or unordered), with
 * nothing queued for delivery before it. Fills ev (type SCTP_EV_DATA, as
 * sctp_reasm_pop() would) and returns 1; the reference on frag->handle
 * passes to the event. Returns 0, with nothing changed, in any other case
 * (then sctp_reasm_add() takes the chunk).
 */
int sctp_reasm_add_direct(struct sctp_reasm *r, const struct sctp_data_chunk *d,
                          const struct sctp_frag *frag, struct sctp_event *ev);
/* True if a chunk of len payload bytes fits the budget (RFC 9260 6.2:
 * DATA that does not fit is dropped, unless it fills a hole below the
 * highest TSN, which the caller decides). */
static inline bool sctp_reasm_can_take(const struct sctp_reasm *r, uint32_t len)
{
    return (uint64_t)len + SCTP_REASM_CHUNK_OVERHEAD <= r->max_bytes - r->bytes;
}

/*
 * Pops the next deliverable message (or partial-delivery piece) into
 * ev (type SCTP_EV_DATA, u.data filled; one fragment goes in
 * u.data.frag, several in an array from the callbacks' allocator; free
 * it with sctp_reasm_event_free or pass it on).
 * Also yields SCTP_EV_PDAPI_ABORTED events. Returns 1, 0 if nothing is
 * ready, SCTP_ERR_NOMEM.
 */
int sctp_reasm_pop(struct sctp_reasm *r, struct sctp_event *ev);
/* Frees ev's fragment array and unreferences its payloads. */
void sctp_reasm_event_free(const struct sctp_callbacks *cb, struct sctp_event *ev);

/*
 * RFC 3758 3.6: the peer moved its cumulative TSN to new_cum and skipped
 * the listed (stream, SSN) pairs. Drops held fragments with TSN <=
 * new_cum that can no longer complete, moves each listed ordered stream
 * past the SSN, and queues a PDAPI_ABORTED event when a message under
 * partial delivery is abandoned. Returns 0 or SCTP_ERR_NOMEM.
 */
int sctp_reasm_forward(struct sctp_reasm *r, uint32_t new_cum, const struct sctp_fwd_stream *s,
                       unsigned n);

/* Bytes held (not yet popped): each chunk's payload and
 * SCTP_REASM_CHUNK_OVERHEAD. Counts against a_rwnd. */
static inline uint32_t sctp_reasm_bytes(const struct sctp_reasm *r)
{
    return r->bytes;
}

/* DATA chunks held (not yet popped). */
static inline uint32_t sctp_reasm_chunks(const struct sctp_reasm *r)
{
    return r->chunks;
}

/* Payload bytes held (not yet popped). */
static inline uint32_t sctp_reasm_payload(const struct sctp_reasm *r)
{
    return r->bytes - r->chunks * SCTP_REASM_CHUNK_OVERHEAD;
}

#endif

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

struct sctp_reasm;

/* n_streams inbound streams; max_bytes: payload held before delivery;
 * pd_point: a message holding this many bytes (at the head of its
 * stream's order) starts partial delivery. NULL on NOMEM. */
struct sctp_reasm *sctp_reasm_new(uint16_t n_streams, uint32_t max_bytes, uint32_t pd_point,
                                  const struct sctp_callbacks *cb);
/* Unreferences everything held. */
void sctp_reasm_free(struct sctp_reasm *r);

/*
 * Adds one DATA chunk whose TSN the TSN map has just marked new.
 * frag.handle carries one reference which this module now owns (also on
 * error: it is dropped then).
 * Returns 0, SCTP_ERR_STREAM (sid not negotiated: the caller sends an
 * Invalid Stream Identifier error), SCTP_ERR_LIMIT (no room: the caller
 * must not have acknowledged the TSN; see sctp_reasm_can_take),
 * SCTP_ERR_NOMEM.
 */
int sctp_reasm_add(struct sctp_reasm *r, const struct sctp_data_chunk *d, struct sctp_frag frag);
/* True if len more payload bytes fit the budget (RFC 9260 6.2: DATA that
 * does not fit is dropped, unless it fills a hole below the highest
 * TSN, which the caller decides). */
bool sctp_reasm_can_take(const struct sctp_reasm *r, uint32_t len);

/* Event data flags beyond SCTP_EV_DATA_UNORDERED. */
#define SCTP_EV_DATA_PARTIAL 0x2 /* more of this message follows */

/*
 * Pops the next deliverable message (or partial-delivery piece) into
 * ev (type SCTP_EV_DATA, u.data filled, frags allocated with the
 * callbacks' allocator; free it with sctp_reasm_event_free or pass it on).
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

/* Payload bytes held (not yet popped): counts against a_rwnd. */
uint32_t sctp_reasm_bytes(const struct sctp_reasm *r);

#endif

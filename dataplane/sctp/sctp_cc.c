/* SPDX-License-Identifier: BSD-3-Clause */
/* sctp_cc.c: congestion control per destination (RFC 9260 7.2). */
#include "sctp_internal.h"

void sctp_cc_init(struct sctp_cc *cc, uint32_t mtu, uint32_t peer_rwnd, bool v6)
{
    cc->mtu = mtu;
    /* 7.2.1: cwnd = min(4*MTU, max(2*MTU, 4404)), 4344 for an IPv6 peer
     * address; ssthresh may be arbitrarily high: the peer's receiver
     * window. */
    uint32_t floor = v6 ? 4344 : 4404;
    uint32_t two = 2 * mtu > floor ? 2 * mtu : floor;
    cc->cwnd = 4 * mtu < two ? 4 * mtu : two;
    cc->ssthresh = peer_rwnd ? peer_rwnd : UINT32_MAX;
    cc->partial_bytes_acked = 0;
    cc->flight = 0;
    cc->in_fast_recovery = false;
    cc->one_packet = false;
    cc->fast_recovery_exit = 0;
}

void sctp_cc_on_ack(struct sctp_cc *cc, uint32_t bytes_acked, bool cum_advanced, uint32_t cum_tsn)
{
    if (cc->in_fast_recovery) {
        /* 7.2.4: leave fast recovery once the exit point is acked; no
         * cwnd growth while in it. */
        if (sctp_tsn_ge(cum_tsn, cc->fast_recovery_exit))
            cc->in_fast_recovery = false;
        else
            return;
    }
    (void)cum_advanced; /* RFC 9260 dropped that condition (RFC 8540 3.22) */
    if (bytes_acked == 0)
        return;
    cc->one_packet = false;
    /* cc->flight no longer holds what this SACK acknowledged. */
    bool was_full = cc->flight + bytes_acked >= cc->cwnd;
    if (cc->cwnd <= cc->ssthresh) {
        /* 7.2.1 slow start: only when cwnd is being fully used, grow by
         * at most one MTU per SACK (L = 1). */
        if (was_full)
            cc->cwnd += bytes_acked < cc->mtu ? bytes_acked : cc->mtu;
    } else {
        /* 7.2.2 congestion avoidance: bytes acked by the cumulative ack
         * and by gap blocks; while cwnd is not filled, partial_bytes_acked
         * is held at cwnd so that cwnd grows by one MTU per RTT at most. */
        cc->partial_bytes_acked += bytes_acked;
        if (cc->partial_bytes_acked > cc->cwnd && !was_full)
            cc->partial_bytes_acked = cc->cwnd;
        if (cc->partial_bytes_acked >= cc->cwnd && was_full) {
            cc->partial_bytes_acked -= cc->cwnd;
            cc->cwnd += cc->mtu;
        }
    }
    /* 7.2.2: everything sent acknowledged: partial_bytes_acked restarts. */
    if (cc->flight == 0)
        cc->partial_bytes_acked = 0;
}

void sctp_cc_on_fast_retransmit(struct sctp_cc *cc, uint32_t highest_outstanding)
{
    if (cc->in_fast_recovery)
        return;
    uint32_t half = cc->cwnd / 2;
    cc->ssthresh = half > 4 * cc->mtu ? half : 4 * cc->mtu;
    cc->cwnd = cc->ssthresh;
    cc->partial_bytes_acked = 0;
    cc->in_fast_recovery = true;
    cc->fast_recovery_exit = highest_outstanding;
}

void sctp_cc_on_timeout(struct sctp_cc *cc)
{
    uint32_t half = cc->cwnd / 2;
    cc->ssthresh = half > 4 * cc->mtu ? half : 4 * cc->mtu;
    /* 7.2.3: cwnd no more than one DATA chunk of a full packet (flight
     * counts user data), and one packet in flight until an ack. */
    cc->cwnd = cc->mtu - SCTP_COMMON_HDR_LEN - SCTP_DATA_HDR_LEN;
    cc->one_packet = true;
    cc->partial_bytes_acked = 0;
    cc->in_fast_recovery = false;
}

void sctp_cc_on_idle(struct sctp_cc *cc, uint32_t rtos)
{
    /* 7.2.1: cwnd = max(cwnd / 2, 4 * MTU) for each RTO without DATA.
     * A smaller cwnd (after a T3 expiry) is not raised. */
    uint32_t floor = 4 * cc->mtu;
    while (rtos-- && cc->cwnd > floor) {
        cc->cwnd /= 2;
        if (cc->cwnd < floor)
            cc->cwnd = floor;
        cc->partial_bytes_acked = 0;
    }
}

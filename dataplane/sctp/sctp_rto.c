/* SPDX-License-Identifier: BSD-3-Clause */
/* sctp_rto.c: retransmission timeout (RFC 9260 6.3). */
#include "sctp_internal.h"

/* RFC 9260 6.3.1: clock granularity G; we keep nanoseconds, so 1 ms is a
 * conservative granularity for the caller's timer wheel. */
#define SCTP_RTO_G SCTP_MS

static void clamp(struct sctp_rto *r)
{
    if (r->rto < r->rto_min)
        r->rto = r->rto_min;
    if (r->rto > r->rto_max)
        r->rto = r->rto_max;
}

void sctp_rto_init(struct sctp_rto *r, sctp_tstamp initial, sctp_tstamp min, sctp_tstamp max)
{
    r->srtt = 0;
    r->rttvar = 0;
    r->rto_min = min;
    r->rto_max = max;
    r->rto = initial;
    r->measured = false;
    clamp(r);
}

void sctp_rto_measure(struct sctp_rto *r, sctp_tstamp rtt)
{
    if (!r->measured) {
        /* C2: first measurement. */
        r->srtt = rtt;
        r->rttvar = rtt / 2;
        r->measured = true;
    } else {
        /* C3: RTO.Alpha = 1/8, RTO.Beta = 1/4. */
        sctp_tstamp diff = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;
        r->rttvar = r->rttvar - r->rttvar / 4 + diff / 4;
        r->srtt = r->srtt - r->srtt / 8 + rtt / 8;
    }
    /* C4: RTTVAR of 0 is raised to the clock granularity. */
    sctp_tstamp var = 4 * r->rttvar;
    if (var < SCTP_RTO_G)
        var = SCTP_RTO_G;
    r->rto = r->srtt + var;
    clamp(r);
}

void sctp_rto_backoff(struct sctp_rto *r)
{
    r->rto = r->rto > r->rto_max / 2 ? r->rto_max : r->rto * 2;
}

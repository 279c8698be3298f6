/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_path.c: path management (RFC 9260 8.1, 8.2): destination choice,
 * path and association error counting, failover and return.
 */
#include <string.h>

#include "sctp_internal.h"

void sctp_path_init(struct sctp_assoc *a, struct sctp_path *p, const struct sctp_addr *addr,
                    bool confirmed)
{
    const struct sctp_config *cfg = &a->ep->cfg;
    memset(p, 0, sizeof(*p));
    p->addr = *addr;
    /* The endpoint's addresses do not change: the choice holds. */
    p->src = sctp_ep_pick_src(a->ep, addr);
    p->assoc = a;
    p->pmtu = cfg->pmtu;
    p->active = true;
    p->confirmed = confirmed;
    sctp_rto_init(&p->rto, cfg->rto_initial, cfg->rto_min, cfg->rto_max);
    sctp_cc_init(&p->cc, p->pmtu - sctp_ip_hdr_len(addr->family), 0, addr->family == SCTP_AF_INET6);
    p->hb_timer = p->t3_timer = SCTP_TIMER_OFF;
    p->pmtu_raise_at = p->probe_deadline = SCTP_TIMER_OFF;
}

struct sctp_path *sctp_assoc_path_of(struct sctp_assoc *a, const struct sctp_addr *addr)
{
    for (unsigned i = 0; i < a->n_paths; i++)
        if (sctp_addr_equal(&a->paths[i].addr, addr))
            return &a->paths[i];
    return NULL;
}

/* RFC 9260 6.4: the primary while it is active, otherwise an active
 * alternate. 5.4: DATA goes to CONFIRMED addresses only (RFC 3758 3.5 C3:
 * FORWARD TSN too), so an UNCONFIRMED one is never chosen while any address
 * is confirmed: with no confirmed address active, the primary (or another
 * confirmed address) still, inactive as it is. */
struct sctp_path *sctp_assoc_data_path(struct sctp_assoc *a)
{
    struct sctp_path *p = &a->paths[a->primary];
    if (p->active && p->confirmed)
        return p;
    for (unsigned i = 0; i < a->n_paths; i++)
        if (a->paths[i].active && a->paths[i].confirmed)
            return &a->paths[i];
    if (p->confirmed)
        return p;
    for (unsigned i = 0; i < a->n_paths; i++)
        if (a->paths[i].confirmed)
            return &a->paths[i];
    return p;
}

bool sctp_assoc_error_step(struct sctp_assoc *a)
{
    /* RFC 9260 8.1: Association.Max.Retrans. */
    if (++a->error_count > a->ep->cfg.assoc_max_retrans) {
        sctp_assoc_close(a, SCTP_COMM_LOST, 0, NULL, 0);
        return true;
    }
    return false;
}

void sctp_assoc_path_failure(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    (void)now;
    /* RFC 9260 8.2: Path.Max.Retrans. */
    if (++p->error_count > a->ep->cfg.path_max_retrans && p->active) {
        p->active = false;
        sctp_assoc_notify_paddr(a, p, SCTP_ADDR_UNREACHABLE);
    }
}

void sctp_assoc_path_success(struct sctp_assoc *a, struct sctp_path *p)
{
    p->error_count = 0;
    a->error_count = 0;
    if (!p->active) {
        p->active = true;
        sctp_assoc_notify_paddr(a, p, SCTP_ADDR_AVAILABLE);
    }
}

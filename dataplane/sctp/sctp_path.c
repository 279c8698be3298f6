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

/* A path new DATA may go to: active, CONFIRMED (5.4) and not potentially
 * failed (RFC 7829). */
static bool usable(const struct sctp_path *p)
{
    return p->active && p->confirmed && !p->pf;
}

/* RFC 9260 6.4: the primary while it is active, otherwise an active
 * alternate. 5.4: DATA goes to CONFIRMED addresses only (RFC 3758 3.5 C3:
 * FORWARD TSN too), so an UNCONFIRMED one is never chosen while any address
 * is confirmed: with no confirmed address active, a confirmed one still,
 * inactive as it is. RFC 7829 5.1: potentially failed paths only when no
 * other active one is left, the one with the fewest errors (the primary
 * among equals). */
struct sctp_path *sctp_assoc_data_path(struct sctp_assoc *a)
{
    struct sctp_path *p = &a->paths[a->primary];
    if (usable(p))
        return p;
    struct sctp_path *pf = NULL;
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *q = &a->paths[i];
        if (usable(q))
            return q;
        if (q->active && q->confirmed &&
            (!pf || q->error_count < pf->error_count ||
             (q == p && q->error_count == pf->error_count)))
            pf = q;
    }
    if (pf)
        return pf;
    /* Every confirmed path inactive: the one that worked last (the
     * primary if none has, or among equals), as RFC 7829 6 suggests for
     * this dormant state; heartbeats find whichever comes back first. */
    struct sctp_path *last = p->confirmed ? p : NULL;
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *q = &a->paths[i];
        if (q->confirmed && (!last || q->ok_at > last->ok_at))
            last = q;
    }
    return last ? last : p;
}

struct sctp_path *sctp_assoc_alt_path(struct sctp_assoc *a, const struct sctp_path *p)
{
    struct sctp_path *pf = NULL;
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *alt = &a->paths[i];
        if (alt == p || !alt->active || !alt->confirmed)
            continue;
        if (!alt->pf)
            return alt;
        if (!pf || alt->error_count < pf->error_count)
            pf = alt;
    }
    return pf;
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
    const struct sctp_config *cfg = &a->ep->cfg;
    p->fail_at = now;
    /* RFC 9260 8.2: Path.Max.Retrans. */
    if (++p->error_count > cfg->path_max_retrans && p->active) {
        p->active = false;
        p->pf = false;
        a->ep->stats.paths_failed++;
        sctp_assoc_notify_paddr(a, p, SCTP_ADDR_UNREACHABLE);
    } else if (p->active && !p->pf && p->confirmed && p->error_count > cfg->pf_retrans &&
               cfg->pf_retrans < cfg->path_max_retrans) {
        /* RFC 7829 5.1: potentially failed. Its traffic moves to another
         * active path, and it is probed once per RTO (heartbeat_due),
         * starting now unless a HEARTBEAT is already out. */
        p->pf = true;
        a->ep->stats.paths_pf++;
        sctp_assoc_notify_paddr(a, p, SCTP_ADDR_POTENTIALLY_FAILED);
        /* A black hole check's quiet HEARTBEAT (blackhole_check) that
         * is out does not do: its loss counts no error, and the path
         * would go unprobed until HB.interval. */
        if ((!p->hb_outstanding || p->hb_quiet) && a->state != SCTP_S_CLOSED)
            sctp_assoc_heartbeat_now(a, p, now, false);
    }
    /* RFC 7829 6: Primary Path Switchover. The primary, potentially
     * failed or inactive and past ps_retrans errors, gives its place to
     * the path the DATA goes to instead (one active, confirmed and not
     * potentially failed), for good. */
    if (p == &a->paths[a->primary] && (p->pf || !p->active) && p->error_count > cfg->ps_retrans) {
        struct sctp_path *alt = sctp_assoc_alt_path(a, p);
        if (alt != NULL && !alt->pf) {
            a->primary = (uint8_t)(alt - a->paths);
            a->ep->stats.paths_switched_over++;
            sctp_assoc_notify_paddr(a, alt, SCTP_ADDR_MADE_PRIM);
        }
    }
}

void sctp_assoc_path_success(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    p->ok_at = now;
    p->error_count = 0;
    a->error_count = 0;
    if (!p->active) {
        p->active = true;
        p->pf = false;
        sctp_assoc_notify_paddr(a, p, SCTP_ADDR_AVAILABLE);
    } else if (p->pf) {
        p->pf = false;
        sctp_assoc_notify_paddr(a, p, SCTP_ADDR_AVAILABLE);
    }
}

void sctp_path_progress_report(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    /* RFC 4861 7.3.1: "upper-layer protocols" confirm reachability by
     * forward progress. Once per interval is enough for a neighbour
     * cache whose entries stay reachable for seconds (REACHABLE_TIME,
     * DELAY_FIRST_PROBE_TIME), and spares a busy path a call per SACK. */
    p->progress_next = now + SCTP_PROGRESS_INTERVAL;
    if (a->ep->cb.path_progress)
        a->ep->cb.path_progress(a->ep->cb.user, &p->src, &p->addr);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_assoc.c: association life cycle, notifications, path management
 * (RFC 9260 8.1-8.3), timers and the packet writer (bundling, 6.10).
 */
#include "sctp_internal.h"

void sctp_assoc_set_state(struct sctp_assoc *a, enum sctp_state s)
{
    a->ep->stats.assocs_by_state[a->state]--;
    a->ep->stats.assocs_by_state[s]++;
    a->state = s;
}

void sctp_assoc_notify_change(struct sctp_assoc *a, enum sctp_assoc_change_state st, uint16_t error,
                              const uint8_t *info, uint16_t info_len)
{
    struct sctp_event ev = {.type = SCTP_EV_ASSOC_CHANGE, .assoc_id = a->id};
    ev.u.assoc_change.state = st;
    ev.u.assoc_change.error = error;
    ev.u.assoc_change.outbound_streams = a->ostreams;
    ev.u.assoc_change.inbound_streams = a->istreams;
    if (info_len > SCTP_EV_CAUSE_MAX)
        info_len = SCTP_EV_CAUSE_MAX;
    if (info && info_len) {
        ev.u.assoc_change.info = sctp_mem_alloc(&a->ep->cb, info_len);
        if (ev.u.assoc_change.info) {
            memcpy(ev.u.assoc_change.info, info, info_len);
            ev.u.assoc_change.info_len = info_len;
        }
    }
    if (sctp_ep_event_push(a->ep, &ev) < 0)
        sctp_mem_free(&a->ep->cb, ev.u.assoc_change.info);
}

void sctp_assoc_notify_paddr(struct sctp_assoc *a, struct sctp_path *p, enum sctp_paddr_state st)
{
    struct sctp_event ev = {.type = SCTP_EV_PADDR_CHANGE, .assoc_id = a->id};
    ev.u.paddr.addr = p->addr;
    ev.u.paddr.state = st;
    sctp_ep_event_push(a->ep, &ev);
}

void sctp_assoc_close(struct sctp_assoc *a, enum sctp_assoc_change_state st, uint16_t error,
                      const uint8_t *info, uint16_t info_len)
{
    if (a->state == SCTP_S_CLOSED && a->freed_pending)
        return;
    /* Messages still queued are given back to the user first, held or
     * not: the association ends here. */
    sctp_data_deliver_all(a);
    sctp_data_fail_all(a, error);
    sctp_assoc_notify_change(a, st, error, info, info_len);
    if (st == SCTP_COMM_LOST || st == SCTP_CANT_STR_ASSOC)
        a->ep->stats.assocs_aborted++;
    sctp_assoc_set_state(a, SCTP_S_CLOSED);
    a->freed_pending = true;
}

void sctp_assoc_add_error(struct sctp_assoc *a, uint16_t code, const void *info, uint16_t len)
{
    int n = sctp_cause_encode(a->errbuf + a->errbuf_len, SCTP_ERRBUF_MAX - a->errbuf_len, code,
                              info, len);
    if (n > 0)
        a->errbuf_len += (uint16_t)n;
}

/* ---- timers ---- */

static sctp_tstamp tmin(sctp_tstamp x, sctp_tstamp y)
{
    return x < y ? x : y;
}

void sctp_assoc_timers_changed(struct sctp_assoc *a)
{
    sctp_tstamp t = tmin(tmin(a->t1_timer, a->t2_timer), tmin(a->t5_timer, a->sack_timer));
    t = tmin(t, tmin(a->pr_timer, a->pmtu_timer));
    t = tmin(t, a->zwp_timer);
    for (unsigned i = 0; i < a->n_paths; i++)
        t = tmin(t, tmin(a->paths[i].t3_timer, a->paths[i].hb_timer));
    if (t != a->next_timer) {
        a->next_timer = t;
        sctp_ep_timer_update(a->ep, a);
    }
}

void sctp_assoc_heartbeat_now(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now,
                              bool quiet)
{
    p->hb_nonce = ((uint64_t)sctp_ep_random32(a->ep) << 32) | sctp_ep_random32(a->ep);
    p->hb_pending = true;
    p->hb_outstanding = true;
    p->hb_quiet = quiet;
    p->hb_sent = now;
    p->hb_timer = now + p->rto.rto;
    sctp_ep_tx_schedule(a->ep, a);
    sctp_assoc_timers_changed(a);
}

/* RFC 9260 5.4: HB.Max.Burst path verification HEARTBEATs per RTO (of
 * the primary path: an unanswered probe backs off its own path's RTO,
 * and one dead address must not slow the verification of the others).
 * True takes a slot. */
static bool verify_slot(struct sctp_assoc *a, sctp_tstamp now)
{
    uint32_t burst = a->ep->cfg.hb_max_burst;
    if (burst == 0)
        return true;
    if (a->verify_sent == 0 || now >= a->verify_window + a->paths[a->primary].rto.rto) {
        a->verify_window = now;
        a->verify_sent = 0;
    }
    if (a->verify_sent >= burst)
        return false;
    a->verify_sent++;
    return true;
}

/* RFC 9260 8.3: the next HEARTBEAT to an idle address, HB.interval plus
 * its RTO with a jitter of +/- 50% of the RTO. */
sctp_tstamp sctp_assoc_hb_next(struct sctp_assoc *a, const struct sctp_path *p, sctp_tstamp now)
{
    sctp_tstamp rto = p->rto.rto;
    return now + a->ep->cfg.hb_interval + rto / 2 + rto * (sctp_ep_random32(a->ep) % 1024) / 1024;
}

static void heartbeat_due(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    if (p->hb_outstanding && p->hb_quiet) {
        /* The black hole check's HEARTBEAT (blackhole_check): no error. */
        p->hb_outstanding = false;
        p->hb_quiet = false;
        p->hb_timer = now + a->ep->cfg.hb_interval + p->rto.rto;
        return;
    }
    if (p->hb_outstanding) {
        /* RFC 9260 8.3: no HEARTBEAT ACK within the RTO. */
        p->hb_outstanding = false;
        /* 8.1: an unanswered HEARTBEAT counts against the association
         * only on the path DATA goes to: one to another, idle address
         * says nothing of the peer, and counting it would end an
         * association whose data path works. 5.4: nor does a probe of
         * an UNCONFIRMED address. */
        bool data_path = p->confirmed && p == sctp_assoc_data_path(a);
        sctp_rto_backoff(&p->rto);
        sctp_assoc_path_failure(a, p, now);
        if (data_path && sctp_assoc_error_step(a))
            return;
        if (!p->pf && (p->confirmed || !p->active)) {
            /* 8.3: an idle address is heartbeated once per RTO (backed
             * off after an unanswered one) plus HB.interval; 5.4: so is
             * an unconfirmed one found inactive. A potentially failed
             * one (RFC 7829) and an active unconfirmed one are probed
             * once per RTO. */
            p->hb_timer = sctp_assoc_hb_next(a, p, now);
            return;
        }
    } else if (p->confirmed && !p->pf && p->last_new_data != 0 &&
               now - p->last_new_data < a->ep->cfg.hb_interval) {
        /* RFC 9260 8.3: only idle addresses are heartbeated. New DATA
         * went here within the period (its SACK measures the RTT and a
         * missing one runs T3): look again a period after it. */
        p->hb_timer = p->last_new_data + a->ep->cfg.hb_interval + p->rto.rto;
        return;
    }
    if (!p->confirmed && p->active && !verify_slot(a, now)) {
        p->hb_timer = a->verify_window + a->paths[a->primary].rto.rto;
        return;
    }
    sctp_assoc_heartbeat_now(a, p, now, false);
}

/* ---- path MTU ---- */

#define PROBES_MAX 3 /* RFC 8899 MAX_PROBES */

uint32_t sctp_path_base_mtu(const struct sctp_path *p)
{
    return p->addr.family == SCTP_AF_INET6 ? 1280 : 1200;
}

/* Lowering a path's MTU also sets when a probe will look for a larger
 * one (RFC 8201 4: not within 5 minutes of the last too-big; the
 * timer restarts with each decrease). */
void sctp_path_set_mtu(struct sctp_assoc *a, struct sctp_path *p, uint32_t mtu, sctp_tstamp now)
{
    const struct sctp_config *cfg = &a->ep->cfg;
    p->pmtu = mtu;
    p->cc.mtu = mtu - sctp_ip_hdr_len(p->addr.family);
    if (mtu < cfg->pmtu && cfg->pmtu_raise)
        p->pmtu_raise_at = now + cfg->pmtu_raise;
    else if (mtu >= cfg->pmtu)
        p->pmtu_raise_at = SCTP_TIMER_OFF;
    sctp_assoc_pmtu_timer(a);
}

void sctp_assoc_pmtu_timer(struct sctp_assoc *a)
{
    sctp_tstamp t = SCTP_TIMER_OFF;
    for (unsigned i = 0; i < a->n_paths; i++)
        t = tmin(t, tmin(a->paths[i].pmtu_raise_at, a->paths[i].probe_deadline));
    a->pmtu_timer = t;
}

/* RFC 8899 4.1, 6.2.1.2: a probe for the configured MTU, as large as a
 * packet of header bytes can be (SCTP_TX_HDR_MAX); beyond that the MTU
 * is raised without one, as RFC 1191 does. An unconfirmed or inactive
 * path is looked at again a period later. */
static void probe_start(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    const struct sctp_config *cfg = &a->ep->cfg;
    uint32_t ip = sctp_ip_hdr_len(p->addr.family);
    uint32_t size = cfg->pmtu < ip + SCTP_TX_HDR_MAX ? cfg->pmtu : ip + SCTP_TX_HDR_MAX;
    size = ip + ((size - ip) & ~3u);
    if (size <= p->pmtu) {
        if (cfg->pmtu > p->pmtu) {
            sctp_path_set_mtu(a, p, cfg->pmtu, now);
            a->ep->stats.pmtu_raises++;
        }
        return;
    }
    if (!p->active || !p->confirmed ||
        (a->state != SCTP_S_ESTABLISHED && a->state != SCTP_S_SHUTDOWN_PENDING &&
         a->state != SCTP_S_SHUTDOWN_RECEIVED)) {
        p->pmtu_raise_at = cfg->pmtu_raise ? now + cfg->pmtu_raise : SCTP_TIMER_OFF;
        return;
    }
    p->probe_size = size;
    p->probe_nonce = ((uint64_t)sctp_ep_random32(a->ep) << 32) | sctp_ep_random32(a->ep);
    p->probe_pending = true;
    p->probe_deadline = now + p->rto.rto;
    sctp_ep_tx_schedule(a->ep, a);
}

bool sctp_assoc_probe_acked(struct sctp_assoc *a, struct sctp_path *p, uint64_t nonce,
                            uint32_t size)
{
    if (p->probe_size == 0 || nonce != p->probe_nonce || size != p->probe_size)
        return false;
    p->probe_size = 0;
    p->probe_deadline = SCTP_TIMER_OFF;
    p->probe_tries = 0;
    a->ep->stats.pmtu_raises++;
    /* A probe short of the configured MTU (SCTP_TX_HDR_MAX) does not
     * start another. */
    p->pmtu = size;
    p->cc.mtu = size - sctp_ip_hdr_len(p->addr.family);
    p->pmtu_raise_at = SCTP_TIMER_OFF;
    sctp_assoc_pmtu_timer(a);
    sctp_assoc_timers_changed(a);
    return true;
}

void sctp_assoc_probe_failed(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    const struct sctp_config *cfg = &a->ep->cfg;
    p->probe_deadline = SCTP_TIMER_OFF;
    p->probe_size = 0;
    p->probe_pending = false;
    p->probe_tries = 0;
    a->ep->stats.pmtu_probes_failed++;
    p->pmtu_raise_at = cfg->pmtu_raise ? now + cfg->pmtu_raise : SCTP_TIMER_OFF;
    sctp_assoc_pmtu_timer(a);
    sctp_assoc_timers_changed(a);
}

/* A probe that got no answer is sent again, PROBES_MAX times in all
 * (RFC 8899 5.1.3); then the path keeps its MTU until the next period.
 * Its loss is no sign of congestion and no path error. */
static void pmtu_timer_due(struct sctp_assoc *a, sctp_tstamp now)
{
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *p = &a->paths[i];
        if (p->probe_deadline <= now) {
            p->probe_deadline = SCTP_TIMER_OFF;
            p->probe_size = 0;
            p->probe_pending = false;
            if (++p->probe_tries < PROBES_MAX)
                probe_start(a, p, now);
            else
                sctp_assoc_probe_failed(a, p, now);
        }
        if (p->pmtu_raise_at <= now) {
            p->pmtu_raise_at = SCTP_TIMER_OFF;
            p->probe_tries = 0;
            probe_start(a, p, now);
        }
    }
    sctp_assoc_pmtu_timer(a);
}

void sctp_assoc_handle_timeout(struct sctp_assoc *a, sctp_tstamp now)
{
    if (a->t1_timer <= now) {
        a->t1_timer = SCTP_TIMER_OFF;
        sctp_setup_t1_expired(a, now);
    }
    if (a->state != SCTP_S_CLOSED && a->t5_timer <= now) {
        /* RFC 9260 9.2: T5-shutdown-guard: abort. */
        a->t5_timer = SCTP_TIMER_OFF;
        sctp_shutdown_send_abort(a, 0, NULL, 0, false);
    }
    if (a->state != SCTP_S_CLOSED && a->t2_timer <= now) {
        a->t2_timer = SCTP_TIMER_OFF;
        sctp_shutdown_t2_expired(a, now);
    }
    if (a->state != SCTP_S_CLOSED && a->sack_timer <= now) {
        a->sack_timer = SCTP_TIMER_OFF;
        if (a->sack_needed) {
            a->sack_now = true;
            sctp_ep_tx_schedule(a->ep, a);
        }
    }
    for (unsigned i = 0; i < a->n_paths && a->state != SCTP_S_CLOSED; i++) {
        struct sctp_path *p = &a->paths[i];
        if (p->t3_timer <= now) {
            p->t3_timer = SCTP_TIMER_OFF;
            sctp_data_t3_expired(a, p, now);
        }
        if (a->state != SCTP_S_CLOSED && p->hb_timer <= now) {
            /* Once the SHUTDOWN or SHUTDOWN ACK is out, T2 watches the
             * peer; a HEARTBEAT would only spend the error count meant
             * for their retransmissions. */
            if (a->state == SCTP_S_SHUTDOWN_SENT || a->state == SCTP_S_SHUTDOWN_ACK_SENT)
                p->hb_timer = SCTP_TIMER_OFF;
            else
                heartbeat_due(a, p, now);
        }
    }
    if (a->state != SCTP_S_CLOSED && a->pr_timer <= now)
        sctp_data_pr_check(a, now);
    if (a->state != SCTP_S_CLOSED && a->pmtu_timer <= now)
        pmtu_timer_due(a, now);
    if (a->state != SCTP_S_CLOSED && a->zwp_timer <= now)
        sctp_data_zwp_expired(a);
    sctp_assoc_timers_changed(a);
}

/* ---- packet writer ---- */

/* The address a message sent with SCTP_ADDR_OVER may go to, or NULL for
 * the one DATA goes to: an UNCONFIRMED address takes no DATA (RFC 9260
 * 5.4); for an inactive one, an active alternate is used (6.4.1), and a
 * potentially failed one takes no new DATA while others can (RFC 7829). */
static struct sctp_path *over_usable(struct sctp_path *po)
{
    return po && po->confirmed && po->active && !po->pf ? po : NULL;
}

struct txb {
    struct sctp_tx_packet *pkt;
    uint32_t hdr_used;
    uint32_t max; /* SCTP packet bytes allowed on the path */
    bool hdr_open;
    unsigned chunks;
};

static void txb_init(struct txb *b, struct sctp_tx_packet *pkt, const struct sctp_path *dst)
{
    b->pkt = pkt;
    b->hdr_used = 0;
    b->hdr_open = false;
    b->chunks = 0;
    b->max = dst->cc.mtu;
    pkt->path_mtu = dst->pmtu;
    pkt->len = 0;
    pkt->nsegs = 0;
    pkt->dst = dst->addr;
    pkt->src = dst->src;
}

static uint8_t *txb_bytes(struct txb *b, uint32_t n)
{
    struct sctp_tx_packet *pkt = b->pkt;
    if (b->hdr_used + n > SCTP_TX_HDR_MAX)
        return NULL;
    uint8_t *p = pkt->hdr + b->hdr_used;
    if (!b->hdr_open) {
        if (pkt->nsegs == SCTP_TX_SEGS_MAX)
            return NULL;
        pkt->segs[pkt->nsegs++] = (struct sctp_frag){.data = p, .len = n, .handle = NULL};
        b->hdr_open = true;
    } else {
        pkt->segs[pkt->nsegs - 1].len += n;
    }
    b->hdr_used += n;
    pkt->len += n;
    return p;
}

static uint32_t txb_room(const struct txb *b)
{
    uint32_t r = b->max > b->pkt->len ? b->max - b->pkt->len : 0;
    uint32_t h = SCTP_TX_HDR_MAX - b->hdr_used;
    return r < h ? r : h;
}

/* Adds an encoded control chunk from a scratch buffer if it fits. */
static bool txb_chunk(struct txb *b, const uint8_t *chunk, uint32_t len)
{
    if (len > txb_room(b) && b->chunks > 0)
        return false;
    uint8_t *p = txb_bytes(b, len);
    if (!p)
        return false;
    memcpy(p, chunk, len);
    b->chunks++;
    return true;
}

/* Whether a DATA chunk of len payload bytes goes into the packet: room
 * for it (a first chunk always goes) and for its segments. */
static inline bool txb_data_fits(const struct txb *b, uint32_t len)
{
    if (SCTP_DATA_HDR_LEN + SCTP_PAD4(len) > txb_room(b) && b->chunks > 0)
        return false;
    return b->pkt->nsegs + 3 <= SCTP_TX_SEGS_MAX;
}

/* The header (at h, in front of the payload) and the len payload bytes
 * of a chunk with its header room: one segment, merged into the segment
 * before when that one ends at h. */
static inline void txb_roomed(struct txb *b, const uint8_t *h, uint32_t len, void *handle)
{
    struct sctp_tx_packet *pkt = b->pkt;
    struct sctp_frag *last = pkt->nsegs ? &pkt->segs[pkt->nsegs - 1] : NULL;
    uint32_t n = SCTP_DATA_HDR_LEN + len;
    if (last && !b->hdr_open && last->handle == handle && last->data + last->len == h)
        last->len += n;
    else
        pkt->segs[pkt->nsegs++] = (struct sctp_frag){.data = h, .len = n, .handle = handle};
    pkt->len += n;
}

/* The end of a DATA chunk of len payload bytes: its padding, counted. */
static inline void txb_data_end(struct txb *b, uint32_t len)
{
    uint32_t pad = SCTP_PAD4(len) - len;
    b->hdr_open = false;
    if (pad) {
        uint8_t *z = txb_bytes(b, pad);
        if (z)
            memset(z, 0, pad);
    }
    b->chunks++;
}

/*
 * A DATA chunk: its header into hdr[], then a segment for the payload. A
 * chunk with its header room (sctp_frag.room) has the header written in
 * front of its payload when it is first sent (the same bytes serve every
 * retransmission), and header and payload are one segment (txb_roomed).
 */
static inline bool txb_data(struct txb *b, const struct sctp_out_chunk *c, uint16_t sid,
                            uint16_t ssn, uint32_t ppid)
{
    if (!txb_data_fits(b, c->len))
        return false;
    struct sctp_tx_packet *pkt = b->pkt;
    if (c->hdr_room) {
        uint8_t *h = (uint8_t *)(uintptr_t)c->data - SCTP_DATA_HDR_LEN;
        if (c->nsent == 0)
            sctp_data_hdr_put(h, c->flags, c->tsn, sid, ssn, ppid, c->len);
        txb_roomed(b, h, c->len, c->handle);
    } else {
        uint8_t *p = txb_bytes(b, SCTP_DATA_HDR_LEN);
        if (!p)
            return false;
        sctp_data_hdr_put(p, c->flags, c->tsn, sid, ssn, ppid, c->len);
        pkt->segs[pkt->nsegs++] =
            (struct sctp_frag){.data = c->data, .len = c->len, .handle = c->handle};
        pkt->len += c->len;
    }
    txb_data_end(b, c->len);
    return true;
}

static bool write_common(struct txb *b, struct sctp_assoc *a)
{
    uint8_t *p = txb_bytes(b, SCTP_COMMON_HDR_LEN);
    if (!p)
        return false;
    sctp_common_hdr_encode(p, SCTP_COMMON_HDR_LEN, a->ep->cfg.port, a->peer_port, a->peer_vtag);
    return true;
}

/* The SACK goes straight into the packet, sized to the room left there
 * (even as its first chunk, it keeps within the path MTU); what it
 * reports is consumed only once it is in. Without room for one, it
 * waits for the next packet. */
static void add_sack(struct txb *b, struct sctp_assoc *a)
{
    uint8_t *p = b->pkt->hdr + b->hdr_used;
    int n = sctp_data_write_sack(a, p, txb_room(b));
    if (n <= 0 || !txb_bytes(b, (uint32_t)n))
        return;
    b->chunks++;
    sctp_data_sack_sent(a);
}

static void on_data_sent(struct sctp_path *p, sctp_tstamp now)
{
    if (p->t3_timer == SCTP_TIMER_OFF)
        p->t3_timer = now + p->rto.rto;
}

/*
 * New DATA: a message of one piece that one chunk carries whole, its
 * header going into the room in front of its payload (sctp_frag.room):
 * a full message's (m, whose SSN is set) or a light one's (m NULL). What
 * add_data's loop does for any message, without the cases these cannot
 * have. Returns its length, or -1 when it does not go into this packet
 * (the peer's window, the packet's room, the ring).
 */
static inline __attribute__((always_inline)) int
add_whole(struct txb *b, struct sctp_assoc *a, struct sctp_path *dst, uint32_t rwnd, uint32_t bytes,
          sctp_tstamp now, struct sctp_msg *m, const uint8_t *data, void *handle, uint32_t len,
          uint16_t sid, uint16_t mflags, uint32_t ppid)
{
    /* 6.1 A: within the peer's window, except one chunk when nothing is
     * outstanding (a zero window probe once it is due: add_data). */
    if (len > rwnd && a->q.outstanding_bytes + bytes > 0)
        return -1;
    if (!txb_data_fits(b, len))
        return -1;
    struct sctp_out_chunk *c = sctp_sendq_push_raw(&a->q, &a->ep->cb);
    if (!c)
        return -1;
    uint8_t uflag = (mflags & SCTP_UNORDERED) ? SCTP_DATA_FLAG_U : 0;
    *c = (struct sctp_out_chunk){
        .msg = m,
        .data = data,
        .handle = handle,
        .tsn = a->next_tsn,
        .len = (uint16_t)len,
        .flags = (uint8_t)(SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E | uflag |
                           ((mflags & SCTP_SACK_IMMEDIATELY) ? SCTP_DATA_FLAG_I : 0)),
        .state = SCTP_OUT_INFLIGHT,
        .nsent = 1,
        .in_flight = true,
        .hdr_room = true,
        .path = dst,
        .sent_at = now,
    };
    /* RFC 9260 6.6: the SSN is taken as the message first goes out (see
     * add_data); unordered messages carry none. */
    uint16_t ssn = 0;
    if (!uflag && sid < a->ostreams)
        ssn = a->next_ssn[sid]++;
    if (m)
        m->ssn = ssn;
    uint8_t *h = (uint8_t *)(uintptr_t)data - SCTP_DATA_HDR_LEN;
    sctp_data_hdr_put(h, c->flags, c->tsn, sid, ssn, ppid, (uint16_t)len);
    txb_roomed(b, h, len, handle);
    txb_data_end(b, len);
    a->next_tsn++;
    return (int)len;
}

/* Retransmissions first (6.1 C, 7.2.4), then new DATA (6.1 A, B). */
static void add_data(struct txb *b, struct sctp_assoc *a, struct sctp_path *dst, bool over,
                     bool rtx_alt, sctp_tstamp now)
{
    struct sctp_endpoint *ep = a->ep;
    /* RFC 9260 6: in COOKIE-ECHOED, DATA (new or sent again) only rides
     * with the COOKIE ECHO itself: alone, a peer without the association
     * would answer it with an ABORT. */
    if (a->state == SCTP_S_COOKIE_ECHOED && !a->send_cookie_echo)
        return;
    /* RFC 9260 7.2.1: a path that carried no DATA for longer than its RTO
     * has its cwnd adjusted to max(cwnd / 2, 4 * MTU) per RTO; done here,
     * once per packet, when it is about to carry DATA again. */
    if (dst->last_data_tx && now - dst->last_data_tx > dst->rto.rto) {
        sctp_tstamp idle = (now - dst->last_data_tx) / dst->rto.rto;
        sctp_cc_on_idle(&dst->cc, idle > 32 ? 32 : (uint32_t)idle);
        dst->last_data_tx = now;
    }
    /* 6.1 C: retransmissions are limited by cwnd only, not by the
     * peer's window (a peer whose buffer is full of DATA above a hole
     * advertises none, and needs the retransmission to empty it); 7.2.4
     * (3): the packet of fast retransmissions that starts Fast Recovery
     * ignores cwnd too. */
    bool allowed = sctp_cc_can_send(&dst->cc) || a->fast_rtx_pending;
    if (a->q.n_retransmit && allowed) {
        bool earlier = false; /* a chunk below is outstanding on dst */
        uint32_t outstanding = a->q.outstanding_bytes;
        for (uint32_t i = 0; i < a->q.count && a->q.n_retransmit; i++) {
            struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
            if (c->state != SCTP_OUT_RETRANSMIT) {
                earlier |= c->in_flight && c->path == dst;
                continue;
            }
            /* A light message's chunk has its header in place (it was
             * sent): txb_data() does not write it again. */
            struct sctp_msg *cm = c->msg;
            if (!txb_data(b, c, cm ? cm->sid : 0, cm ? cm->ssn : 0, cm ? cm->ppid : 0))
                break;
            c->state = SCTP_OUT_INFLIGHT;
            a->q.n_retransmit--;
            c->nsent++;
            c->sent_at = now;
            c->path = dst;
            c->in_flight = true;
            dst->cc.flight += c->len;
            a->q.outstanding_bytes += c->len;
            /* 6.2.1 B: a retransmitted chunk takes its size from the
             * peer's window too (new data must not overrun it). */
            a->peer_rwnd = a->peer_rwnd > c->len ? a->peer_rwnd - c->len : 0;
            a->retransmissions++;
            ep->stats.retransmissions++;
            ep->stats.tx_data_chunks++;
            dst->last_data_tx = now;
            /* RFC 9260 7.2.4 (4), 6.3.3 E3: T3 restarts when the first
             * outstanding chunk on the address is retransmitted. */
            if (!earlier)
                dst->t3_timer = now + dst->rto.rto;
            else
                on_data_sent(dst, now);
            earlier = true;
        }
        a->fast_rtx_pending = false;
        /* 6.1 A: a zero window probe sent again (its T3-rtx expired) is
         * the next probe: its timer runs for twice the last interval. */
        if (__builtin_expect(a->peer_window_closed, 0) && a->zwp_interval && outstanding == 0 &&
            a->q.outstanding_bytes)
            sctp_data_zwp_sent(a, dst, now);
    }
    if (a->state != SCTP_S_ESTABLISHED && a->state != SCTP_S_SHUTDOWN_PENDING &&
        a->state != SCTP_S_SHUTDOWN_RECEIVED && a->state != SCTP_S_COOKIE_ECHOED)
        return;
    /* 6.1 A: with the peer's window at 0, one DATA chunk in flight at
     * most (a zero window probe). */
    if (a->peer_rwnd == 0 && a->q.outstanding_bytes > 0)
        allowed = false;
    if (!allowed || a->q.n_retransmit)
        return;
    /* 6.4: new DATA goes where DATA goes (the primary while it can take
     * it); a packet of retransmissions to an alternate (6.4.1) carries
     * none. */
    if (rtx_alt)
        return;
    /* 6.1 A: with the peer's window closed, new DATA goes only as a zero
     * window probe: once all DATA is cumulatively acknowledged and the
     * probe's wait (zwp_timer) is over. */
    bool probe = false;
    if (__builtin_expect(a->peer_window_closed, 0) && a->q.outstanding_bytes == 0) {
        if (!a->zwp_due || a->q.count) {
            sctp_data_zwp_arm(a, now);
            return;
        }
        probe = true;
    }
    /* 6.1: no more than 2^16 - 1 ordered messages of a stream in the send
     * window (SSNs would repeat). Held to that many chunks in all, less
     * what one packet can add: messages of a few bytes are not limited by
     * cwnd, which counts user data. */
    if (a->q.count > SCTP_OUT_CHUNKS_MAX - SCTP_TX_HDR_MAX / 20)
        return;
    /* 6.1 D: at most Max.Burst packets of new DATA per send opportunity
     * (cwnd itself is left as it is). */
    if (ep->cfg.max_burst && a->burst_pkts >= ep->cfg.max_burst) {
        a->burst_limited += a->burst_pkts == ep->cfg.max_burst;
        a->burst_pkts++; /* counted once per opportunity */
        return;
    }
    /* RFC 9260 7.3: messages are cut to the association's PMTU, the
     * smallest of its paths' (cc.mtu excludes IP), so that a chunk sent
     * again to another path needs no IP fragmentation there. */
    uint32_t max_frag = sctp_data_light_max(a);
    if (max_frag == 0)
        max_frag = (dst->cc.mtu - SCTP_COMMON_HDR_LEN - SCTP_DATA_HDR_LEN) & ~3u;
    uint32_t first_new = a->next_tsn;
    /* Running totals, stored once after the loop. */
    uint32_t rwnd = a->peer_rwnd, bytes = 0, chunks = 0;
    /* Light messages first: any of them is older than every full one
     * (struct sctp_light). One no longer fits one chunk when the path
     * MTU fell since it was queued: then they all become full ones. */
    while (a->q.light_count && !over) {
        const struct sctp_light *l = sctp_light_at(&a->q, 0);
        if (l->len > max_frag) {
            sctp_data_light_promote(a);
            break;
        }
        int r = add_whole(b, a, dst, rwnd, bytes, now, NULL, l->data, l->handle, l->len, l->sid,
                          l->flags, l->ppid);
        if (r < 0)
            break;
        sctp_light_pop(&a->q);
        bytes += (uint32_t)r;
        chunks++;
        rwnd = rwnd > (uint32_t)r ? rwnd - (uint32_t)r : 0;
    }
    while (a->q.unsent_head && !a->q.light_count) {
        struct sctp_msg *m = a->q.unsent_head;
        if (m->next)
            SCTP_PREFETCH(m->next);
        /* The common case first: a message of one piece, with room for
         * its header in front, that one chunk carries whole. */
        if (m->hdr_room && !m->path_over && !over && !m->abandoned && m->sent_off == 0 &&
            m->len <= max_frag) {
            int r = add_whole(b, a, dst, rwnd, bytes, now, m, m->data, m->handle, m->len, m->sid,
                              m->flags, m->ppid);
            if (r < 0)
                break;
            m->refs = 1;
            m->sent_off = m->len;
            a->q.unsent_head = m->next;
            if (!a->q.unsent_head)
                a->q.unsent_tail = NULL;
            m->next = NULL;
            m->in_unsent = false;
            bytes += (uint32_t)r;
            chunks++;
            rwnd = rwnd > (uint32_t)r ? rwnd - (uint32_t)r : 0;
            continue;
        }
        if (m->abandoned) {
            a->q.unsent_head = m->next;
            if (!a->q.unsent_head)
                a->q.unsent_tail = NULL;
            m->next = NULL;
            m->in_unsent = false;
            if (m->refs == 0)
                sctp_data_release_msg(a, m);
            continue;
        }
        /* SCTP_ADDR_OVER: a message goes to its own address only, and a
         * packet going there for one carries no message for the primary.
         * An address that cannot take it (over_usable) leaves it to go
         * where the others go. */
        struct sctp_path *po = over_usable(m->path_over);
        if (po ? po != dst : over)
            break;
        uint32_t rem = m->len - m->sent_off;
        /* The next chunk's bytes: from the payload, or from the current
         * piece of a message given in pieces (a chunk spans none). */
        const uint8_t *data = m->data + m->sent_off;
        void *handle = m->handle;
        uint32_t avail = rem;
        if (m->parts) {
            const struct sctp_frag *pc = &m->parts[m->part];
            data = pc->data + m->part_off;
            handle = pc->handle;
            avail = pc->len - m->part_off;
        }
        uint32_t len = avail < max_frag ? avail : max_frag;
        /* 6.1 A: new data within the peer's window, except one chunk
         * when nothing is outstanding (a zero window probe once it is
         * due: see above). */
        if (len > rwnd && a->q.outstanding_bytes + bytes > 0)
            break;
        if (SCTP_DATA_HDR_LEN + SCTP_PAD4(len) > txb_room(b) && b->chunks > 0)
            break;
        if (a->q.queued_bytes && b->pkt->nsegs + 3 > SCTP_TX_SEGS_MAX)
            break;
        struct sctp_out_chunk *c = sctp_sendq_push_raw(&a->q, &ep->cb);
        if (!c)
            break;
        /* Every field, once (nsent 0 until it is in the packet). */
        *c = (struct sctp_out_chunk){
            .msg = m,
            .data = data,
            .handle = handle,
            .tsn = a->next_tsn,
            .len = (uint16_t)len,
            .flags = (uint8_t)((m->sent_off == 0 ? SCTP_DATA_FLAG_B : 0) |
                               (len == rem ? SCTP_DATA_FLAG_E : 0) |
                               ((m->flags & SCTP_UNORDERED) ? SCTP_DATA_FLAG_U : 0) |
                               (len == rem && (m->flags & SCTP_SACK_IMMEDIATELY) ? SCTP_DATA_FLAG_I
                                                                                 : 0)),
            .state = SCTP_OUT_INFLIGHT,
            .in_flight = true,
            .hdr_room = m->hdr_room && m->sent_off == 0,
            .path = dst,
            .sent_at = now,
        };
        /* RFC 9260 6.6: the stream sequence number is taken when the
         * message first goes out, so that a message abandoned before
         * (PR-SCTP TTL, BUF) leaves no hole in its ordered stream: no
         * FORWARD TSN could tell the peer to skip it. Unordered messages
         * carry none. */
        bool ordered_start =
            m->sent_off == 0 && !(m->flags & SCTP_UNORDERED) && m->sid < a->ostreams;
        if (ordered_start)
            m->ssn = a->next_ssn[m->sid];
        if (!txb_data(b, c, m->sid, m->ssn, m->ppid)) {
            /* Undo: the chunk did not fit after all. */
            a->q.count--;
            break;
        }
        if (ordered_start)
            a->next_ssn[m->sid]++;
        a->next_tsn++;
        m->refs++;
        m->sent_off += len;
        if (m->parts && (m->part_off += len) == m->parts[m->part].len) {
            m->part++;
            m->part_off = 0;
        }
        c->nsent = 1;
        bytes += len;
        chunks++;
        rwnd = rwnd > len ? rwnd - len : 0;
        if (m->sent_off == m->len) {
            a->q.unsent_head = m->next;
            if (!a->q.unsent_head)
                a->q.unsent_tail = NULL;
            m->next = NULL;
            m->in_unsent = false;
        }
    }
    a->peer_rwnd = rwnd;
    if (chunks) {
        dst->cc.flight += bytes;
        a->q.outstanding_bytes += bytes;
        a->q.unsent_bytes -= bytes;
        ep->stats.tx_data_chunks += chunks;
        on_data_sent(dst, now);
        dst->last_new_data = now; /* an RTT sample to come: not idle (8.3) */
        if (__builtin_expect(probe, 0))
            sctp_data_zwp_sent(a, dst, now);
    }
    if (a->next_tsn == first_new)
        return;
    a->burst_pkts++;
    dst->last_data_tx = now;
    /* RFC 9260 6.3.1 C4: at most one RTT measurement per round trip on a
     * path: the first chunk sent after the previous sample is timed. */
    if (!dst->rtt_pending) {
        dst->rtt_pending = true;
        dst->rtt_tsn = first_new;
        dst->rtt_sent = now;
    }
}

static bool data_waiting(const struct sctp_assoc *a, const struct sctp_path *dst)
{
    if (a->q.n_retransmit)
        return sctp_cc_can_send(&dst->cc) || a->fast_rtx_pending;
    if (!sctp_sendq_unsent(&a->q) || !sctp_cc_can_send(&dst->cc))
        return false;
    if (a->state == SCTP_S_COOKIE_ECHOED)
        return a->send_cookie_echo;
    return a->state == SCTP_S_ESTABLISHED || a->state == SCTP_S_SHUTDOWN_PENDING ||
           a->state == SCTP_S_SHUTDOWN_RECEIVED;
}

int sctp_assoc_write(struct sctp_assoc *a, struct sctp_tx_packet *pkt, sctp_tstamp now)
{
    struct txb b;
    uint8_t scratch[1024];
    if (a->state == SCTP_S_CLOSED)
        return 0;
    if (a->state == SCTP_S_COOKIE_WAIT) {
        if (!a->send_init)
            return 0;
        txb_init(&b, pkt, &a->paths[a->t1_path]);
        /* 8.5.1: the INIT carries a zero verification tag. */
        uint8_t *p = txb_bytes(&b, SCTP_COMMON_HDR_LEN);
        sctp_common_hdr_encode(p, SCTP_COMMON_HDR_LEN, a->ep->cfg.port, a->peer_port, 0);
        int n = sctp_setup_send_init(a, scratch, sizeof(scratch));
        if (n < 0 || !txb_chunk(&b, scratch, (uint32_t)n))
            return 0;
        a->send_init = false;
        a->ep->stats.tx_chunks++;
        return 1;
    }

    /* HEARTBEAT ACK goes back where the HEARTBEAT came from. */
    if (a->hb_ack_pending && a->hb_ack_path) {
        txb_init(&b, pkt, a->hb_ack_path);
        write_common(&b, a);
        int n = sctp_chunk_hdr_encode(scratch, sizeof(scratch), SCTP_CT_HEARTBEAT_ACK, 0,
                                      (uint16_t)(4 + a->hb_ack_len));
        memcpy(scratch + n, a->hb_ack_info, a->hb_ack_len);
        memset(scratch + n + a->hb_ack_len, 0, SCTP_PAD4(a->hb_ack_len) - a->hb_ack_len);
        a->hb_ack_pending = false;
        if (txb_chunk(&b, scratch, SCTP_PAD4(4 + a->hb_ack_len))) {
            /* RFC 9260 5.4: nothing but the HEARTBEAT ACK to an
             * UNCONFIRMED address. */
            if (a->sack_needed && a->hb_ack_path == a->sack_path && a->hb_ack_path->confirmed)
                add_sack(&b, a);
            a->ep->stats.tx_chunks += b.chunks;
            return 1;
        }
    }
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *p = &a->paths[i];
        if (!p->hb_pending)
            continue;
        p->hb_pending = false;
        txb_init(&b, pkt, p);
        write_common(&b, a);
        uint8_t info[20];
        sctp_put32(info, i);
        sctp_put32(info + 4, (uint32_t)(p->hb_nonce >> 32));
        sctp_put32(info + 8, (uint32_t)p->hb_nonce);
        sctp_put32(info + 12, (uint32_t)(p->hb_sent >> 32));
        sctp_put32(info + 16, (uint32_t)p->hb_sent);
        int n = sctp_chunk_hdr_encode(scratch, sizeof(scratch), SCTP_CT_HEARTBEAT, 0, 4 + 24);
        n += sctp_tlv_encode(scratch + n, sizeof(scratch) - n, SCTP_PT_HEARTBEAT_INFO, info,
                             sizeof(info));
        if (txb_chunk(&b, scratch, (uint32_t)n)) {
            a->ep->stats.tx_chunks++;
            return 1;
        }
    }

    /* RFC 8899 6.2.1.2: a path MTU probe is a HEARTBEAT padded to the
     * size probed with a PAD chunk (RFC 4820), alone in its packet, with
     * DF set: it is not frag_ok, whatever the path's MTU now. */
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *p = &a->paths[i];
        if (!p->probe_pending)
            continue;
        p->probe_pending = false;
        uint32_t len = p->probe_size - sctp_ip_hdr_len(p->addr.family);
        txb_init(&b, pkt, p);
        b.max = len;
        pkt->path_mtu = p->probe_size;
        write_common(&b, a);
        uint8_t info[24];
        sctp_put32(info, i);
        sctp_put32(info + 4, (uint32_t)(p->probe_nonce >> 32));
        sctp_put32(info + 8, (uint32_t)p->probe_nonce);
        sctp_put32(info + 12, (uint32_t)(now >> 32));
        sctp_put32(info + 16, (uint32_t)now);
        sctp_put32(info + 20, p->probe_size);
        int n = sctp_chunk_hdr_encode(scratch, sizeof(scratch), SCTP_CT_HEARTBEAT, 0,
                                      4 + 4 + sizeof(info));
        n += sctp_tlv_encode(scratch + n, sizeof(scratch) - n, SCTP_PT_HEARTBEAT_INFO, info,
                             sizeof(info));
        uint32_t pad = len - SCTP_COMMON_HDR_LEN - (uint32_t)n;
        if (!txb_chunk(&b, scratch, (uint32_t)n))
            continue;
        uint8_t *pc = txb_bytes(&b, pad);
        if (!pc)
            continue;
        memset(pc, 0, pad);
        sctp_chunk_hdr_encode(pc, pad, SCTP_CT_PAD, 0, (uint16_t)pad);
        a->ep->stats.tx_chunks += 2;
        a->ep->stats.pmtu_probes++;
        return 1;
    }

    /* RFC 3758 3.5 A1, RFC 7496 4.2: a message whose lifetime ran out
     * before it was given a TSN is abandoned, not sent, even if the PR
     * timer has not been handled yet. */
    if (a->pr_timer <= now) {
        sctp_data_pr_check(a, now);
        sctp_assoc_timers_changed(a);
    }

    /* RFC 9260 5.4, RFC 3758 3.5 C3: DATA (new or retransmitted) and
     * FORWARD TSN go to CONFIRMED addresses only. */
    struct sctp_path *dst = sctp_assoc_data_path(a);
    bool over = false;
    bool rtx_alt = false; /* retransmissions to another path than the data path */
    /* The next message to send: a light one (no ADDR_OVER) first. */
    struct sctp_path *po =
        over_usable(!a->q.light_count && a->q.unsent_head ? a->q.unsent_head->path_over : NULL);
    if (a->q.n_retransmit && a->rtx_path && a->rtx_path->active && a->rtx_path->confirmed) {
        rtx_alt = a->rtx_path != dst;
        dst = a->rtx_path;
    } else if (!a->q.n_retransmit && po) {
        over = po != dst;
        dst = po;
    }
    /* The COOKIE ECHO (and DATA with it) goes where T1 sends it
     * (sctp_setup_t1_expired). */
    if (a->state == SCTP_S_COOKIE_ECHOED && a->send_cookie_echo) {
        over = false;
        rtx_alt = false;
        dst = &a->paths[a->t1_path];
    }
    /* RFC 9260 6.4: a SACK goes to the address the DATA it acknowledges
     * last came from (a multi-homed peer that moved its DATA to another
     * path after a failure gets its SACKs on that path too). When that is
     * not where this packet goes, a SACK that is due goes first, alone,
     * and one that is not waits rather than ride along. */
    struct sctp_path *sp = a->sack_path;
    bool sack_here = sp == dst || !sp->confirmed || !sp->active || a->state == SCTP_S_COOKIE_ECHOED;
    if (!sack_here && a->sack_needed && a->sack_now && !a->cookie_ack_pending) {
        txb_init(&b, pkt, sp);
        write_common(&b, a);
        add_sack(&b, a);
        if (b.chunks > 0) {
            a->ep->stats.tx_chunks += b.chunks;
            sctp_assoc_timers_changed(a);
            return 1;
        }
    }
    txb_init(&b, pkt, dst);
    write_common(&b, a);
    bool data = data_waiting(a, dst);
    bool cookie_sent = false;

    if (a->send_cookie_echo && a->cookie) {
        /* Written in place: the peer's cookie may be up to
         * SCTP_COOKIE_MAX bytes (sctp_setup_on_init_ack), more than a
         * scratch buffer holds; the first chunk of its packet, it goes
         * even beyond the path's MTU (frag_ok). */
        uint32_t clen = SCTP_PAD4(4 + a->cookie_len);
        uint8_t *p = b.chunks == 0 || clen <= txb_room(&b) ? txb_bytes(&b, clen) : NULL;
        if (p) {
            sctp_chunk_hdr_encode(p, clen, SCTP_CT_COOKIE_ECHO, 0, (uint16_t)(4 + a->cookie_len));
            memcpy(p + 4, a->cookie, a->cookie_len);
            memset(p + 4 + a->cookie_len, 0, clen - 4 - a->cookie_len);
            b.chunks++;
            cookie_sent = true;
            a->cookie_sent_at = now;
        }
    }
    if (a->cookie_ack_pending) {
        sctp_chunk_hdr_encode(scratch, sizeof(scratch), SCTP_CT_COOKIE_ACK, 0, 4);
        if (txb_chunk(&b, scratch, 4))
            a->cookie_ack_pending = false;
    }
    if (a->send_shutdown_ack) {
        sctp_chunk_hdr_encode(scratch, sizeof(scratch), SCTP_CT_SHUTDOWN_ACK, 0, 4);
        if (txb_chunk(&b, scratch, 4))
            a->send_shutdown_ack = false;
    }
    /* RFC 9260 6.5: an ERROR bundled with the SACK follows it. */
    if (a->sack_needed &&
        ((sack_here && (a->sack_now || data || b.chunks > 0 || a->errbuf_len)) || a->send_shutdown))
        add_sack(&b, a);
    /* 5.1 C, 3.2.2: in COOKIE-ECHOED nothing goes but the COOKIE ECHO
     * and what rides with it: an ERROR waits for a packet with the
     * COOKIE ECHO, or for the COOKIE ACK. */
    if (a->errbuf_len && (a->state != SCTP_S_COOKIE_ECHOED || cookie_sent)) {
        int n = sctp_chunk_hdr_encode(scratch, sizeof(scratch), SCTP_CT_ERROR, 0,
                                      (uint16_t)(4 + a->errbuf_len));
        memcpy(scratch + n, a->errbuf, a->errbuf_len);
        sctp_chunk_set_length(scratch, (uint16_t)(4 + a->errbuf_len));
        if (txb_chunk(&b, scratch, 4 + a->errbuf_len))
            a->errbuf_len = 0;
    }
    if (a->send_shutdown) {
        int n = sctp_shutdown_encode(scratch, sizeof(scratch), a->map.cum_tsn);
        if (n > 0 && txb_chunk(&b, scratch, (uint32_t)n))
            a->send_shutdown = false;
    }
    /* RFC 9260 5.1 C: before the COOKIE ACK only DATA goes with the
     * COOKIE ECHO; a FORWARD TSN for DATA given up meanwhile waits (the
     * peer has no association yet and would answer it with an ABORT). */
    if (a->fwd_tsn_pending && a->state != SCTP_S_COOKIE_ECHOED && a->state != SCTP_S_COOKIE_WAIT) {
        /* RFC 3758 3.5 C4: as many stream entries as one packet to dst
         * can hold (the chunk goes in the next packet if this one is too
         * full for it). */
        uint8_t fwd[SCTP_TX_HDR_MAX];
        uint32_t room = dst->cc.mtu < SCTP_TX_HDR_MAX ? dst->cc.mtu : SCTP_TX_HDR_MAX;
        int n = sctp_data_write_forward_tsn(a, fwd, room - SCTP_COMMON_HDR_LEN);
        if (n > 0 && txb_chunk(&b, fwd, (uint32_t)n)) {
            a->fwd_tsn_pending = false;
            a->fwd_sent = true;
            a->fwd_path = (uint8_t)(dst - a->paths);
            a->fwd_sent_tsn = a->adv_peer_ack;
            a->fwd_sent_cum = a->cum_ack_in;
            a->fwd_sent_at = now;
            a->fwd_sent_rtt = dst->rto.measured ? dst->rto.srtt : dst->rto.rto;
            /* RFC 3758 3.5 C5: a T3-rtx timer runs while a FORWARD TSN
             * may need to be sent again (it is not acknowledged itself). */
            if (dst->t3_timer == SCTP_TIMER_OFF)
                dst->t3_timer = now + dst->rto.rto;
        } else if (n <= 0)
            a->fwd_tsn_pending = false;
    }
    if (data)
        add_data(&b, a, dst, over, rtx_alt, now);
    if (a->send_cookie_echo)
        a->send_cookie_echo = false;
    if (b.chunks == 0)
        return 0;
    a->ep->stats.tx_chunks += b.chunks;
    sctp_assoc_timers_changed(a);
    return 1;
}

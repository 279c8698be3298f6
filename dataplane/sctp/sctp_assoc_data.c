/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_assoc_data.c: user data transfer (RFC 9260 6), retransmission and
 * congestion reactions (6.3, 7.2) and partial reliability (RFC 3758).
 */
#include "sctp_internal.h"

/* ---- send side ---- */

static inline bool msg_done(const struct sctp_msg *m)
{
    return m->refs == 0 && !m->in_unsent;
}

/* Payload references to drop on one handle, gathered over a run of
 * messages that lie in one buffer and dropped together. */
struct unref_run {
    void *handle;
    uint32_t n;
};

static void unref_run_flush(const struct sctp_callbacks *cb, struct unref_run *r)
{
    sctp_payload_unref_n(cb, r->handle, r->n);
    r->handle = NULL;
    r->n = 0;
}

/* Frees a message; the reference on its payload (one piece) goes to run
 * if there is one. */
static inline void release_msg(struct sctp_assoc *a, struct sctp_msg *m, struct unref_run *run)
{
    struct sctp_endpoint *ep = a->ep;
    a->q.queued_bytes -= m->len < a->q.queued_bytes ? m->len : a->q.queued_bytes;
    if (!m->abandoned && m->sent_off < m->len)
        a->q.unsent_bytes -= m->len - m->sent_off;
    if (m->pr_policy != SCTP_PR_SCTP_NONE && a->n_pr_msgs)
        a->n_pr_msgs--;
    if (m->parts) {
        for (unsigned i = 0; i < m->nparts; i++)
            sctp_payload_unref(&ep->cb, m->parts[i].handle);
        sctp_mem_free(&ep->cb, m->parts);
        m->parts = NULL;
    } else if (run) {
        if (m->handle != run->handle)
            unref_run_flush(&ep->cb, run);
        run->handle = m->handle;
        run->n++;
    } else {
        sctp_payload_unref(&ep->cb, m->handle);
    }
    sctp_ep_msg_put(ep, m);
}

void sctp_data_release_msg(struct sctp_assoc *a, struct sctp_msg *m)
{
    release_msg(a, m, NULL);
}

static void send_failed(struct sctp_assoc *a, struct sctp_msg *m, uint16_t error)
{
    if (m->failed_reported)
        return;
    m->failed_reported = true;
    struct sctp_endpoint *ep = a->ep;
    struct sctp_event ev = {.type = SCTP_EV_SEND_FAILED, .assoc_id = a->id};
    ev.u.send_failed.flags = m->sent_off ? SCTP_SEND_FAILED_SENT : SCTP_SEND_FAILED_UNSENT;
    ev.u.send_failed.error = error;
    ev.u.send_failed.info.sid = m->sid;
    ev.u.send_failed.info.flags = m->flags;
    ev.u.send_failed.info.ppid = m->ppid;
    ev.u.send_failed.info.context = m->context;
    ev.u.send_failed.info.pr_policy = m->pr_policy;
    ev.u.send_failed.info.pr_value = m->pr_value;
    ev.u.send_failed.len = m->len;
    /* The message as it was given: its one payload, or its pieces. */
    unsigned n = m->parts ? m->nparts : 1;
    struct sctp_frag *f = sctp_mem_alloc(&ep->cb, n * sizeof(*f));
    if (f) {
        if (m->parts)
            memcpy(f, m->parts, n * sizeof(*f));
        else
            *f = (struct sctp_frag){.data = m->data, .len = m->len, .handle = m->handle};
        for (unsigned i = 0; i < n; i++)
            sctp_payload_ref(&ep->cb, f[i].handle);
        ev.u.send_failed.frags = f;
        ev.u.send_failed.nfrags = n;
    }
    if (sctp_ep_event_push(ep, &ev) < 0 && f) {
        for (unsigned i = 0; i < n; i++)
            sctp_payload_unref(&ep->cb, f[i].handle);
        sctp_mem_free(&ep->cb, f);
    }
}

/* The fields of a new message (its pieces, if several, set by the
 * caller); one_piece tells whether its first chunk's header may go into
 * the piece's room. */
static void msg_init(struct sctp_assoc *a, struct sctp_msg *m, const struct sctp_sndinfo *info,
                     uint16_t sid, uint16_t flags, uint32_t ppid, const struct sctp_frag *first,
                     bool one_piece, uint32_t len, struct sctp_path *over, sctp_tstamp now)
{
    /* Every field, once: the record comes from the free list as it was
     * left (sctp_ep_msg_get). (The burst path copies a template instead:
     * sctp_data_enqueue_burst.) */
    *m = (struct sctp_msg){
        .data = first->data,
        .handle = first->handle,
        .len = len,
        .sid = sid,
        .flags = flags & (SCTP_UNORDERED | SCTP_SACK_IMMEDIATELY),
        .pr_policy = info->pr_policy,
        .in_unsent = true,
        .hdr_room = one_piece && first->room >= SCTP_HDR_ROOM && !(flags & SCTP_SENDALL),
        .ppid = ppid,
        .context = info->context,
        .pr_value = info->pr_value,
        .expire = SCTP_TIMER_OFF,
        .path_over = over,
    };
    if (info->pr_policy == SCTP_PR_SCTP_TTL && info->pr_value) {
        m->expire = now + (sctp_tstamp)info->pr_value * SCTP_MS;
        if (m->expire < a->pr_timer) {
            a->pr_timer = m->expire;
            sctp_assoc_timers_changed(a);
        }
    }
    if (info->pr_policy != SCTP_PR_SCTP_NONE)
        a->n_pr_msgs++;
}

/* Links the chain head..tail (bytes in all) at the end of the unsent
 * queue. */
static void unsent_append(struct sctp_assoc *a, struct sctp_msg *head, struct sctp_msg *tail,
                          uint32_t bytes)
{
    tail->next = NULL;
    if (a->q.unsent_tail)
        a->q.unsent_tail->next = head;
    else
        a->q.unsent_head = head;
    a->q.unsent_tail = tail;
    a->q.queued_bytes += bytes;
    a->q.unsent_bytes += bytes;
}

uint32_t sctp_data_light_max(const struct sctp_assoc *a)
{
    uint32_t mtu = UINT32_MAX;
    for (unsigned i = 0; i < a->n_paths; i++)
        if (a->paths[i].cc.mtu < mtu)
            mtu = a->paths[i].cc.mtu;
    if (mtu == UINT32_MAX || mtu < SCTP_COMMON_HDR_LEN + SCTP_DATA_HDR_LEN + 4)
        return 0;
    return (mtu - SCTP_COMMON_HDR_LEN - SCTP_DATA_HDR_LEN) & ~3u;
}

/* SEND_FAILED for a light message: unsent (its entry), or sent (its
 * chunk: stream and PPID from the header in front of its payload). The
 * event takes its own reference; the caller drops the message's. */
static void light_failed(struct sctp_assoc *a, const uint8_t *data, void *handle, uint32_t len,
                         uint16_t sid, uint16_t flags, uint32_t ppid, bool sent, uint16_t error)
{
    struct sctp_msg m = {
        .data = data,
        .handle = handle,
        .len = len,
        .sent_off = sent ? len : 0,
        .sid = sid,
        .flags = flags,
        .ppid = ppid,
        .expire = SCTP_TIMER_OFF,
    };
    send_failed(a, &m, error);
}

/* What a light message needs beyond its own piece (one, with header
 * room, one chunk long): the send info asks for nothing a light message
 * cannot carry, and no full message waits to go first. */
static bool light_allowed(const struct sctp_assoc *a, const struct sctp_sndinfo *info,
                          const struct sctp_path *over)
{
    return info->pr_policy == SCTP_PR_SCTP_NONE && !over && info->context == 0 &&
           !a->q.unsent_head && a->state == SCTP_S_ESTABLISHED;
}

int sctp_data_light_promote(struct sctp_assoc *a)
{
    struct sctp_endpoint *ep = a->ep;
    struct sctp_msg *head = NULL, *tail = NULL;
    uint32_t n = a->q.light_count;
    /* All or none: the order of sending stays the order of queueing. */
    for (uint32_t i = 0; i < n; i++) {
        struct sctp_msg *m = sctp_ep_msg_get(ep);
        if (!m) {
            while (head) {
                struct sctp_msg *next = head->next;
                sctp_ep_msg_put(ep, head);
                head = next;
            }
            return SCTP_ERR_NOMEM;
        }
        const struct sctp_light *l = sctp_light_at(&a->q, i);
        *m = (struct sctp_msg){
            .data = l->data,
            .handle = l->handle, /* the light message's reference moves here */
            .len = l->len,
            .sid = l->sid,
            .flags = l->flags,
            .in_unsent = true,
            .hdr_room = true,
            .ppid = l->ppid,
            .expire = SCTP_TIMER_OFF,
        };
        if (tail)
            tail->next = m;
        else
            head = m;
        tail = m;
    }
    if (!head)
        return 0;
    tail->next = a->q.unsent_head;
    a->q.unsent_head = head;
    if (!a->q.unsent_tail)
        a->q.unsent_tail = tail;
    a->q.light_head = 0;
    a->q.light_count = 0;
    return 0;
}

int sctp_data_enqueue(struct sctp_assoc *a, const struct sctp_sndinfo *info,
                      const struct sctp_frag *parts, unsigned nparts, sctp_tstamp now)
{
    struct sctp_endpoint *ep = a->ep;
    uint64_t total = 0;
    if (!parts || nparts == 0 || nparts > SCTP_SEND_PARTS_MAX)
        return SCTP_ERR_INVAL;
    for (unsigned i = 0; i < nparts; i++) {
        if (!parts[i].data || !parts[i].handle || parts[i].len == 0)
            return SCTP_ERR_INVAL;
        total += parts[i].len;
    }
    if (a->state >= SCTP_S_SHUTDOWN_PENDING || a->state == SCTP_S_CLOSED)
        return SCTP_ERR_SHUTDOWN;
    if (info->sid >= a->ostreams)
        return SCTP_ERR_STREAM;
    if (info->pr_policy > SCTP_PR_SCTP_RTX)
        return SCTP_ERR_INVAL;
    if (total > ep->cfg.max_sendq_bytes)
        return SCTP_ERR_MSGSIZE;
    uint32_t len = (uint32_t)total;
    struct sctp_path *over = NULL;
    if (info->flags & SCTP_ADDR_OVER) {
        over = sctp_assoc_path_of(a, &info->addr_over);
        if (!over)
            return SCTP_ERR_ADDR;
    }
    if (info->pr_policy == SCTP_PR_SCTP_BUF) {
        /* RFC 7496 4.3: make room by abandoning older unsent messages
         * that accept it. They leave the queue at once, so that the bytes
         * they held count no more. */
        struct sctp_msg **pp = &a->q.unsent_head, *prev = NULL;
        while (*pp && a->q.queued_bytes + len > info->pr_value) {
            struct sctp_msg *m = *pp;
            if (m->abandoned || m->sent_off != 0 || m->pr_policy != SCTP_PR_SCTP_BUF) {
                prev = m;
                pp = &m->next;
                continue;
            }
            m->abandoned = true;
            a->q.unsent_bytes -= m->len;
            send_failed(a, m, 0);
            *pp = m->next;
            if (a->q.unsent_tail == m)
                a->q.unsent_tail = prev;
            m->next = NULL;
            m->in_unsent = false;
            sctp_data_release_msg(a, m);
        }
    }
    if (a->q.queued_bytes + len > ep->cfg.max_sendq_bytes)
        return SCTP_ERR_AGAIN;
    /* A light message (struct sctp_light) when it can be one. */
    if (nparts == 1 && parts[0].room >= SCTP_HDR_ROOM && !(info->flags & SCTP_SENDALL) &&
        light_allowed(a, info, over) && len <= sctp_data_light_max(a)) {
        struct sctp_light *l = sctp_light_push(&a->q, &ep->cb);
        if (!l)
            return SCTP_ERR_NOMEM;
        *l = (struct sctp_light){
            .data = parts[0].data,
            .handle = parts[0].handle,
            .len = len,
            .sid = info->sid,
            .flags = info->flags & (SCTP_UNORDERED | SCTP_SACK_IMMEDIATELY),
            .ppid = info->ppid,
        };
        sctp_payload_ref(&ep->cb, parts[0].handle);
        a->q.queued_bytes += len;
        a->q.unsent_bytes += len;
        sctp_ep_tx_schedule(ep, a);
        return 0;
    }
    struct sctp_frag *pieces = NULL;
    if (nparts > 1) {
        pieces = sctp_mem_alloc(&ep->cb, nparts * sizeof(*pieces));
        if (!pieces)
            return SCTP_ERR_NOMEM;
        memcpy(pieces, parts, nparts * sizeof(*pieces));
    }
    struct sctp_msg *m = sctp_ep_msg_get(ep);
    if (!m) {
        sctp_mem_free(&ep->cb, pieces);
        return SCTP_ERR_NOMEM;
    }
    msg_init(a, m, info, info->sid, info->flags, info->ppid, &parts[0], nparts == 1, len, over,
             now);
    if (pieces) {
        m->parts = pieces;
        m->nparts = (uint16_t)nparts;
    }
    /* The SSN is given when the message is first sent (sctp_assoc.c). */
    for (unsigned i = 0; i < nparts; i++)
        sctp_payload_ref(&ep->cb, parts[i].handle);
    unsent_append(a, m, m, m->len);
    sctp_ep_tx_schedule(ep, a);
    return 0;
}

int sctp_data_enqueue_burst(struct sctp_assoc *a, const struct sctp_sndinfo *info,
                            const struct sctp_sendm *msgs, unsigned n, sctp_tstamp now)
{
    static const struct sctp_sndinfo none;
    const uint16_t own_flags = SCTP_UNORDERED | SCTP_SACK_IMMEDIATELY;
    struct sctp_endpoint *ep = a->ep;
    if (!info)
        info = &none;
    if (!msgs || n == 0 || (info->flags & (SCTP_EOF | SCTP_ABORT | SCTP_SENDALL)))
        return SCTP_ERR_INVAL;
    if (info->pr_policy == SCTP_PR_SCTP_BUF) {
        /* Each message may first abandon older ones: one at a time. */
        unsigned i;
        for (i = 0; i < n; i++) {
            struct sctp_sndinfo one = *info;
            one.sid = msgs[i].sid;
            one.ppid = msgs[i].ppid;
            one.flags |= msgs[i].flags;
            int r = (msgs[i].flags & ~own_flags)
                        ? SCTP_ERR_INVAL
                        : sctp_data_enqueue(a, &one, &msgs[i].frag, 1, now);
            if (r < 0)
                return i ? (int)i : r;
        }
        return (int)i;
    }
    /* What is checked once, in the order sctp_data_enqueue() checks it
     * for the first message. */
    const struct sctp_frag *f0 = &msgs[0].frag;
    if (!f0->data || !f0->handle || f0->len == 0 || (msgs[0].flags & ~own_flags))
        return SCTP_ERR_INVAL;
    if (a->state >= SCTP_S_SHUTDOWN_PENDING || a->state == SCTP_S_CLOSED)
        return SCTP_ERR_SHUTDOWN;
    if (msgs[0].sid >= a->ostreams)
        return SCTP_ERR_STREAM;
    if (info->pr_policy > SCTP_PR_SCTP_RTX)
        return SCTP_ERR_INVAL;
    if (f0->len > ep->cfg.max_sendq_bytes)
        return SCTP_ERR_MSGSIZE;
    struct sctp_path *over = NULL;
    if (info->flags & SCTP_ADDR_OVER) {
        over = sctp_assoc_path_of(a, &info->addr_over);
        if (!over)
            return SCTP_ERR_ADDR;
    }
    struct sctp_msg *head = NULL, *tail = NULL;
    uint64_t bytes = 0;
    void *ref_h = NULL;
    uint32_t ref_n = 0;
    int err = 0;
    unsigned i;
    /* What msg_init() gives every message of the burst alike, set once:
     * each record is this copy and its own few fields. */
    struct sctp_msg tmpl = {
        .pr_policy = info->pr_policy,
        .in_unsent = true,
        .context = info->context,
        .pr_value = info->pr_value,
        .expire = SCTP_TIMER_OFF,
        .path_over = over,
    };
    if (info->pr_policy == SCTP_PR_SCTP_TTL && info->pr_value)
        tmpl.expire = now + (sctp_tstamp)info->pr_value * SCTP_MS;
    /* In locals: the stores into each record may alias them as far as
     * the compiler knows. */
    const uint16_t ostreams = a->ostreams;
    const uint64_t max_q = ep->cfg.max_sendq_bytes, queued = a->q.queued_bytes;
    /* Light messages (struct sctp_light) while no full one waits, and
     * until the first message of the burst that cannot be one. */
    bool light = light_allowed(a, info, over);
    const uint32_t light_max = light ? sctp_data_light_max(a) : 0;
    uint64_t light_bytes = 0;
    for (i = 0; i < n; i++) {
        const struct sctp_sendm *s = &msgs[i];
        const struct sctp_frag *f = &s->frag;
        if (!f->data || !f->handle || f->len == 0 || (s->flags & ~own_flags)) {
            err = SCTP_ERR_INVAL;
            break;
        }
        if (s->sid >= ostreams) {
            err = SCTP_ERR_STREAM;
            break;
        }
        if (f->len > max_q) {
            err = SCTP_ERR_MSGSIZE;
            break;
        }
        if (queued + bytes + f->len > max_q) {
            err = SCTP_ERR_AGAIN;
            break;
        }
        if (light && f->room >= SCTP_HDR_ROOM && f->len <= light_max) {
            struct sctp_light *l = sctp_light_push(&a->q, &ep->cb);
            if (!l) {
                err = SCTP_ERR_NOMEM;
                break;
            }
            *l = (struct sctp_light){
                .data = f->data,
                .handle = f->handle,
                .len = f->len,
                .sid = s->sid,
                .flags = (info->flags | s->flags) & (SCTP_UNORDERED | SCTP_SACK_IMMEDIATELY),
                .ppid = s->ppid,
            };
            if (f->handle != ref_h) {
                sctp_payload_ref_n(&ep->cb, ref_h, ref_n);
                ref_h = f->handle;
                ref_n = 0;
            }
            ref_n++;
            bytes += f->len;
            light_bytes += f->len;
            continue;
        }
        light = false; /* the rest queue behind this one */
        struct sctp_msg *m = sctp_ep_msg_get(ep);
        if (!m) {
            err = SCTP_ERR_NOMEM;
            break;
        }
        *m = tmpl;
        m->data = f->data;
        m->handle = f->handle;
        m->len = f->len;
        m->sid = s->sid;
        m->flags = (info->flags | s->flags) & (SCTP_UNORDERED | SCTP_SACK_IMMEDIATELY);
        /* One piece; SENDALL was refused above. */
        m->hdr_room = f->room >= SCTP_HDR_ROOM;
        m->ppid = s->ppid;
        /* One reference per message; those of a run of messages in one
         * buffer are taken together. */
        if (f->handle != ref_h) {
            sctp_payload_ref_n(&ep->cb, ref_h, ref_n);
            ref_h = f->handle;
            ref_n = 0;
        }
        ref_n++;
        if (tail)
            tail->next = m;
        else
            head = m;
        tail = m;
        bytes += f->len;
    }
    sctp_payload_ref_n(&ep->cb, ref_h, ref_n);
    if (i == 0)
        return err;
    /* msg_init()'s bookkeeping, for the i messages taken. */
    if (tmpl.expire < a->pr_timer) {
        a->pr_timer = tmpl.expire;
        sctp_assoc_timers_changed(a);
    }
    if (info->pr_policy != SCTP_PR_SCTP_NONE)
        a->n_pr_msgs += i;
    a->q.queued_bytes += (uint32_t)light_bytes;
    a->q.unsent_bytes += (uint32_t)light_bytes;
    if (head)
        unsent_append(a, head, tail, (uint32_t)(bytes - light_bytes));
    sctp_ep_tx_schedule(ep, a);
    return (int)i;
}

/* Removes a chunk from its path's flight. */
static inline void leave_flight(struct sctp_assoc *a, struct sctp_out_chunk *c)
{
    if (!c->in_flight)
        return;
    c->in_flight = false;
    if (c->path)
        c->path->cc.flight -= c->len < c->path->cc.flight ? c->len : c->path->cc.flight;
    a->q.outstanding_bytes -= c->len < a->q.outstanding_bytes ? c->len : a->q.outstanding_bytes;
}

/* RFC 9260 6.3.1 C5 (Karn): a timed chunk that is retransmitted or
 * abandoned gives no RTT sample; its path times the next chunk it sends. */
static void rtt_untime(struct sctp_out_chunk *c)
{
    struct sctp_path *p = c->path;
    if (p && p->rtt_pending && p->rtt_tsn == c->tsn)
        p->rtt_pending = false;
}

/* RFC 3758 3.5 C2: Advanced.Peer.Ack.Point moves over abandoned chunks. */
static void advance_peer_ack(struct sctp_assoc *a, sctp_tstamp now)
{
    if (!a->peer_pr_sctp)
        return;
    if (sctp_tsn_lt(a->adv_peer_ack, a->cum_ack_in))
        a->adv_peer_ack = a->cum_ack_in;
    for (;;) {
        struct sctp_out_chunk *c = sctp_sendq_at(&a->q, a->adv_peer_ack + 1);
        if (!c || (c->state != SCTP_OUT_ABANDONED))
            break;
        a->adv_peer_ack++;
    }
    /* C3: a FORWARD TSN when the point is ahead of the cumulative ack.
     * F2: the same one again (the point has not moved, nor has the peer's
     * cumulative TSN since it was sent) waits a full RTT: the SACKs of
     * DATA sent before it do not call for it, and a peer that cannot
     * take it whole would otherwise get it on every SACK. T3 sends it
     * again in any case (A5, C5: sctp_data_t3_expired). */
    if (!sctp_tsn_gt(a->adv_peer_ack, a->cum_ack_in))
        return;
    if (a->fwd_sent && a->adv_peer_ack == a->fwd_sent_tsn && a->cum_ack_in == a->fwd_sent_cum &&
        now - a->fwd_sent_at < a->fwd_sent_rtt)
        return;
    a->fwd_tsn_pending = true;
}

/* Gives up on a message (PR-SCTP). Returns false if it cannot be: a
 * message already on the wire stays unless the peer supports PR-SCTP. */
static bool abandon(struct sctp_assoc *a, struct sctp_msg *m, sctp_tstamp now)
{
    if (m->abandoned)
        return true;
    if (m->sent_off > 0 && !a->peer_pr_sctp)
        return false;
    m->abandoned = true;
    if (m->sent_off < m->len)
        a->q.unsent_bytes -= m->len - m->sent_off;
    if (m->sent_off > 0) {
        for (uint32_t i = 0; i < a->q.count; i++) {
            struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
            if (c->msg != m || c->state == SCTP_OUT_ABANDONED)
                continue;
            if (c->state == SCTP_OUT_RETRANSMIT)
                a->q.n_retransmit--;
            /* RFC 3758 3.5 F5: a chunk in flight is given up on before
             * its loss, if it was lost, is found; the loss still calls
             * for the congestion adjustment when it would have been
             * found (its loss_watch). One fast retransmitted already
             * would be found lost by T3 only. */
            c->loss_watch =
                c->state == SCTP_OUT_INFLIGHT && c->in_flight && c->path && !c->fast_rtx;
            leave_flight(a, c);
            rtt_untime(c);
            c->state = SCTP_OUT_ABANDONED;
        }
        if (m->sent_off < m->len) {
            /* RFC 3758 3.5 A3: the whole message goes. Its unsent rest
             * takes one TSN, never sent, with the E bit, so that the
             * FORWARD TSN covers the end of the message and names its
             * stream and SSN; otherwise the peer would hold the fragments
             * it has as the start of a message that never ends. */
            struct sctp_out_chunk *c = sctp_sendq_push(&a->q, &a->ep->cb);
            if (c) {
                c->tsn = a->next_tsn++;
                c->msg = m;
                c->data = NULL; /* no payload: never sent */
                c->handle = NULL;
                c->len = 0;
                c->flags = SCTP_DATA_FLAG_E | ((m->flags & SCTP_UNORDERED) ? SCTP_DATA_FLAG_U : 0);
                c->state = SCTP_OUT_ABANDONED;
                m->refs++;
            }
        }
    }
    send_failed(a, m, 0);
    advance_peer_ack(a, now);
    sctp_ep_tx_schedule(a->ep, a);
    return true;
}

void sctp_data_pr_check(struct sctp_assoc *a, sctp_tstamp now)
{
    /* RFC 7496 4.2: TTL expiry; and messages for streams the peer did not
     * grant (known after the INIT ACK) fail with Invalid Stream. */
    sctp_tstamp next = SCTP_TIMER_OFF;
    for (struct sctp_msg *m = a->q.unsent_head; m; m = m->next) {
        if (m->abandoned)
            continue;
        if (m->sid >= a->ostreams && a->state != SCTP_S_COOKIE_WAIT) {
            m->abandoned = true;
            a->q.unsent_bytes -= m->len - m->sent_off;
            send_failed(a, m, SCTP_CAUSE_INVALID_STREAM);
            continue;
        }
        if (m->pr_policy != SCTP_PR_SCTP_TTL)
            continue;
        if (m->expire <= now && abandon(a, m, now))
            continue;
        if (m->expire > now && m->expire < next)
            next = m->expire;
    }
    for (uint32_t i = 0; a->n_pr_msgs && i < a->q.count; i++) {
        struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        if ((c->state != SCTP_OUT_INFLIGHT && c->state != SCTP_OUT_RETRANSMIT) ||
            sctp_chunk_is_light(c) || c->msg->pr_policy != SCTP_PR_SCTP_TTL)
            continue;
        if (c->msg->expire <= now && abandon(a, c->msg, now))
            continue;
        if (c->msg->expire > now && c->msg->expire < next)
            next = c->msg->expire;
    }
    a->pr_timer = next;
}

/* Marks a chunk for retransmission, or abandons its message under the
 * RTX policy (RFC 7496 4.1). Returns the chunk: abandoning a message
 * partly sent queues a TSN for its unsent rest, which may move the ring
 * (sctp_sendq_grow), so a caller that goes on using the chunk takes this
 * pointer, not the one it passed. */
static struct sctp_out_chunk *mark_retransmit(struct sctp_assoc *a, struct sctp_out_chunk *c,
                                              sctp_tstamp now)
{
    struct sctp_msg *m = c->msg;
    if (m && ((m->pr_policy == SCTP_PR_SCTP_RTX && c->nsent > m->pr_value) ||
              (m->pr_policy == SCTP_PR_SCTP_TTL && m->expire <= now))) {
        uint32_t tsn = c->tsn;
        if (abandon(a, m, now)) {
            /* Found lost now: the caller makes the adjustment. */
            c = sctp_sendq_at(&a->q, tsn);
            c->loss_watch = false;
            return c;
        }
    }
    leave_flight(a, c);
    rtt_untime(c);
    /* 6.2.1 C: a chunk marked for retransmission gives its size back to
     * the peer's window (its retransmission takes it again): the window
     * is what the peer advertised less what is still outstanding (the
     * sum of 6.2.1 B and C, without the clamp at 0 that a window closed
     * on outstanding data would lose). */
    a->peer_rwnd =
        a->peer_a_rwnd > a->q.outstanding_bytes ? a->peer_a_rwnd - a->q.outstanding_bytes : 0;
    if (c->state != SCTP_OUT_RETRANSMIT) {
        c->state = SCTP_OUT_RETRANSMIT;
        a->q.n_retransmit++;
    }
    return c;
}

/* RFC 8899 4.3: a path that drops packets above some size and sends no
 * ICMP saying so (a black hole). The sign taken: T3 expires twice in a
 * row for the same chunk, the earliest in flight on the path that is too
 * large for the base MTU (its one retransmission was lost too), while a
 * HEARTBEAT sent on the first expiry was answered (small packets get
 * through: the path is not simply down). The path then goes to the base
 * MTU: the chunk goes again in IP fragments (frag_ok), new data is cut to
 * fit, and a probe looks for a larger MTU pmtu_raise later. */
static void blackhole_check(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    uint32_t base = sctp_path_base_mtu(p), ip = sctp_ip_hdr_len(p->addr.family);
    const struct sctp_out_chunk *big = NULL;
    if (p->pmtu <= base)
        return;
    for (uint32_t i = 0; i < a->q.count && !big; i++) {
        const struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        if (c->path == p && c->state == SCTP_OUT_INFLIGHT &&
            ip + SCTP_COMMON_HDR_LEN + SCTP_DATA_HDR_LEN + SCTP_PAD4(c->len) > base)
            big = c;
    }
    if (!big) {
        p->bh_strikes = 0;
    } else if (p->bh_strikes == 0 || p->bh_tsn != big->tsn || p->hb_acked_at <= p->bh_at) {
        p->bh_strikes = 1;
        p->bh_tsn = big->tsn;
        p->bh_at = now;
        /* A HEARTBEAT now, unless one is out: its answer shows that small
         * packets get through; its loss counts for nothing. */
        if (!p->hb_outstanding)
            sctp_assoc_heartbeat_now(a, p, now, true);
    } else {
        p->bh_strikes = 0;
        a->ep->stats.pmtu_blackholes++;
        sctp_path_set_mtu(a, p, base, now);
    }
}

/* RFC 9260 5.1 C, 6: in COOKIE-ECHOED, DATA goes only with the COOKIE
 * ECHO, so T1-cookie retransmits it: its expiry marks every chunk in
 * flight to go again with the COOKIE ECHO. T3 does nothing then (it would
 * back off the RTO that T1-cookie just backed off, and count an error
 * for a packet T1-cookie counts). */
void sctp_data_cookie_resend(struct sctp_assoc *a, sctp_tstamp now)
{
    bool lost[SCTP_MAX_ADDRS] = {false};
    for (uint32_t i = 0; i < a->q.count; i++) {
        struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        if (c->state == SCTP_OUT_INFLIGHT) {
            if (c->path)
                lost[c->path - a->paths] = true;
            mark_retransmit(a, c, now);
        } else if (c->loss_watch) {
            /* RFC 3758 3.5 F5: lost with the rest. */
            if (c->path)
                lost[c->path - a->paths] = true;
            c->loss_watch = false;
        }
    }
    /* The DATA is lost as a T3 expiry would find it: its paths' cwnd
     * goes to one MTU (7.2.3). */
    for (unsigned i = 0; i < a->n_paths; i++) {
        a->paths[i].t3_timer = SCTP_TIMER_OFF;
        if (lost[i])
            sctp_cc_on_timeout(&a->paths[i].cc);
    }
}

/* Whether a chunk abandoned in flight on p waits for its loss to be
 * found (RFC 3758 3.5 F5). */
static bool watched_on(const struct sctp_assoc *a, const struct sctp_path *p)
{
    for (uint32_t i = 0; i < a->q.count; i++) {
        const struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        if (c->loss_watch && c->path == p)
            return true;
    }
    return false;
}

void sctp_data_t3_expired(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    if (a->state == SCTP_S_COOKIE_ECHOED)
        return;            /* sctp_data_cookie_resend */
    unsigned inflight = 0; /* chunks in flight on p: 0, 1, or more */
    bool watched = false;  /* and, with none, chunks abandoned in flight there */
    for (uint32_t i = 0; i < a->q.count && inflight < 2; i++) {
        struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        inflight += c->path == p && c->state == SCTP_OUT_INFLIGHT;
        watched |= c->path == p && c->loss_watch;
    }
    if (!inflight) {
        bool cut = false;
        /* RFC 3758 3.5 A5, C5: the timer ran for an unacknowledged
         * FORWARD TSN: send it again. */
        if (a->peer_pr_sctp && sctp_tsn_gt(a->adv_peer_ack, a->cum_ack_in)) {
            sctp_rto_backoff(&p->rto);
            if (a->fwd_sent && p == &a->paths[a->fwd_path]) {
                /* RFC 9260 6.3.3 E1, 8.1, 8.2: a T3-rtx expiry counts
                 * against the path and the association whatever it ran
                 * for. A peer that is gone is found also when all that
                 * went unanswered were FORWARD TSNs (every message given
                 * up by PR-SCTP before its retransmission). */
                a->t3_expiries++;
                sctp_cc_on_timeout(&p->cc);
                cut = true;
                sctp_assoc_path_failure(a, p, now);
                if (sctp_assoc_error_step(a))
                    return;
            }
            a->fwd_tsn_pending = true;
            sctp_ep_tx_schedule(a->ep, a);
        }
        if (watched) {
            /* RFC 3758 3.5 F5: this expiry would have marked DATA that
             * was abandoned in flight here, unacknowledged since: the
             * adjustment of 7.2.3 is made for it. */
            if (!cut)
                sctp_cc_on_timeout(&p->cc);
            for (uint32_t i = 0; i < a->q.count; i++) {
                struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
                if (c->path == p)
                    c->loss_watch = false;
            }
        }
        return;
    }
    /* RFC 9260 6.3.3 E1-E3, 7.2.3. */
    a->t3_expiries++;
    /* 6.1 A: an unacknowledged zero window probe is no error while the
     * peer keeps answering with SACKs that hold the window closed, and
     * "zero window probing does not affect the calculation of cwnd". */
    /* A probe is one chunk: with more in flight, the expiry is a loss
     * (the window may have been small, not closed to all but a probe). */
    bool probing = a->zero_window_sack && inflight == 1;
    a->zero_window_sack = false;
    if (!probing)
        sctp_cc_on_timeout(&p->cc);
    sctp_rto_backoff(&p->rto);
    if (!probing) {
        sctp_assoc_path_failure(a, p, now);
        if (sctp_assoc_error_step(a))
            return;
        blackhole_check(a, p, now);
    }
    for (uint32_t i = 0; i < a->q.count; i++) {
        struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        if (c->path != p)
            continue;
        if (c->state == SCTP_OUT_INFLIGHT)
            mark_retransmit(a, c, now);
        else
            c->loss_watch = false; /* RFC 3758 3.5 F5: found lost with the rest */
    }
    /* 6.4.1: retransmit to an alternate active address when there is one;
     * 5.4: a CONFIRMED one (DATA never goes to an UNCONFIRMED address);
     * RFC 7829: one not potentially failed first. */
    a->rtx_path = sctp_assoc_alt_path(a, p);
    /* RFC 3758 3.5 A5: at any T3-rtx expiry, C2-C5: the point moves over
     * what the retransmission rules just abandoned, and a FORWARD TSN
     * still unanswered goes again now, with the retransmissions, not one
     * round trip later at the SACK they draw. */
    advance_peer_ack(a, now);
    if (a->peer_pr_sctp && sctp_tsn_gt(a->adv_peer_ack, a->cum_ack_in))
        a->fwd_tsn_pending = true;
    sctp_ep_tx_schedule(a->ep, a);
}

/* RFC 9260 7.3: the path MTU of p fell (an ICMP too-big quoting a
 * packet of ours). A DATA chunk in flight there that no longer fits was
 * in a packet the path dropped: it goes again now, not after T3, and
 * since the loss was no sign of congestion, cwnd and the error counts
 * stay as they are (RFC 8899 4.6.2). Its TSN cannot be cut again: the
 * packet that carries it is sent with frag_ok. */
void sctp_data_pmtu_lowered(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    bool any = false;
    for (uint32_t i = 0; i < a->q.count; i++) {
        struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        if (c->path == p && c->state == SCTP_OUT_INFLIGHT &&
            SCTP_COMMON_HDR_LEN + SCTP_DATA_HDR_LEN + SCTP_PAD4(c->len) > p->cc.mtu) {
            mark_retransmit(a, c, now);
            any = true;
        }
    }
    if (any)
        sctp_ep_tx_schedule(a->ep, a);
}

bool sctp_data_all_acked(const struct sctp_assoc *a)
{
    if (a->q.count || a->q.light_count)
        return false;
    for (const struct sctp_msg *m = a->q.unsent_head; m; m = m->next)
        if (!m->abandoned)
            return false;
    return true;
}

void sctp_data_fail_all(struct sctp_assoc *a, uint16_t error)
{
    for (uint32_t i = 0; i < a->q.count; i++) {
        struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        struct sctp_msg *m = c->msg;
        if (sctp_chunk_is_light(c)) {
            /* Its header is in front of its payload since it was sent. */
            const uint8_t *h = c->data - SCTP_DATA_HDR_LEN;
            uint32_t ppid;
            memcpy(&ppid, h + 12, sizeof(ppid));
            light_failed(a, c->data, c->handle, c->len, sctp_get16(h + 8),
                         (c->flags & SCTP_DATA_FLAG_U) ? SCTP_UNORDERED : 0, ppid, true, error);
            a->q.queued_bytes -= c->len < a->q.queued_bytes ? c->len : a->q.queued_bytes;
            sctp_payload_unref(&a->ep->cb, c->handle);
            continue;
        }
        send_failed(a, m, error);
        c->msg = NULL;
        if (--m->refs == 0 && !m->in_unsent)
            sctp_data_release_msg(a, m);
    }
    a->q.head_tsn += a->q.count;
    a->q.count = 0;
    a->q.n_retransmit = 0;
    a->q.outstanding_bytes = 0;
    for (unsigned i = 0; i < a->n_paths; i++) {
        a->paths[i].cc.flight = 0;
        a->paths[i].t3_timer = SCTP_TIMER_OFF;
        a->paths[i].rtt_pending = false;
    }
    a->fwd_sent = false;
    /* Light messages not sent yet: older than any full one. */
    while (a->q.light_count) {
        struct sctp_light l = *sctp_light_at(&a->q, 0);
        sctp_light_pop(&a->q);
        light_failed(a, l.data, l.handle, l.len, l.sid, l.flags, l.ppid, false, error);
        a->q.queued_bytes -= l.len < a->q.queued_bytes ? l.len : a->q.queued_bytes;
        a->q.unsent_bytes -= l.len < a->q.unsent_bytes ? l.len : a->q.unsent_bytes;
        sctp_payload_unref(&a->ep->cb, l.handle);
    }
    struct sctp_msg *m = a->q.unsent_head;
    a->q.unsent_head = a->q.unsent_tail = NULL;
    while (m) {
        struct sctp_msg *next = m->next;
        m->next = NULL;
        m->in_unsent = false;
        send_failed(a, m, error);
        if (m->refs == 0)
            sctp_data_release_msg(a, m);
        m = next;
    }
}

/* ---- SACK processing (6.2.1, 7.2) ---- */

/* A window below this many bytes takes no DATA worth sending. */
#define SCTP_WINDOW_SHUT 16

/*
 * The peer reopened a zero window. DATA that it dropped while it had no
 * room is otherwise found again only by T3 (RFC 9260 6.3.3), at least
 * RTO.Min later: nothing above it arrived, so no SACK brings the miss
 * indications of 7.2.4, and with cwnd full of it no new DATA goes out to
 * bring them. A chunk not covered by this SACK is taken as dropped and
 * goes again now (usrsctp does the same for its window probes) when it
 * was sent before the window closed (it reached a peer refusing data, or
 * this SACK would cover it; if the window closed and opened within an
 * RTT it may still be on its way, and makes a duplicate: waiting for it
 * instead risks a T3 with cwnd full), or more than an RTT plus four
 * variances ago
 * (the RTO's margin: it would have arrived before the SACK was written).
 * A late original makes a duplicate, which the peer reports. A loss is a
 * loss whatever its cause (7.2.3): each path that lost DATA this way
 * enters fast recovery, once per window as with 7.2.4, so that a sender
 * whose bursts outrun the peer's buffers sends smaller ones.
 */
static void window_reopened(struct sctp_assoc *a, sctp_tstamp now)
{
    bool lost[SCTP_MAX_ADDRS] = {false};
    for (uint32_t i = 0; i < a->q.count; i++) {
        struct sctp_out_chunk *c = &a->q.ring[(a->q.head_tsn + i) & (a->q.cap - 1)];
        struct sctp_path *p = c->path;
        if ((c->state != SCTP_OUT_INFLIGHT && !c->loss_watch) || !p)
            continue;
        bool before_close = c->sent_at <= a->window_closed_at;
        bool old = p->rto.measured && now >= c->sent_at + p->rto.srtt + 4 * p->rto.rttvar;
        if (!before_close && !old)
            continue;
        if (c->loss_watch) {
            /* RFC 3758 3.5 F5: abandoned in flight, and as lost. */
            c->loss_watch = false;
            lost[p - a->paths] = true;
            continue;
        }
        c = mark_retransmit(a, c, now);
        /* RFC 3758 3.5 F5: a chunk abandoned instead of being marked
         * still counts as lost for the congestion adjustment. */
        lost[p - a->paths] = true;
        if (c->state == SCTP_OUT_RETRANSMIT)
            a->reopen_retransmissions++;
    }
    for (unsigned i = 0; i < a->n_paths; i++)
        if (lost[i])
            sctp_cc_on_fast_retransmit(&a->paths[i].cc, a->next_tsn - 1);
}

/* ---- zero window probing (RFC 9260 6.1 A) ---- */

/* "The sender SHOULD send the first zero window probe after 1 RTO when
 * it detects that the receiver has closed its window and SHOULD increase
 * the probe interval exponentially afterwards." The RTO is the data
 * path's, where the probe goes. */
void sctp_data_zwp_arm(struct sctp_assoc *a, sctp_tstamp now)
{
    if (a->zwp_due || a->zwp_timer != SCTP_TIMER_OFF)
        return;
    if (a->zwp_interval == 0)
        a->zwp_interval = sctp_assoc_data_path(a)->rto.rto;
    a->zwp_timer = now + a->zwp_interval;
    sctp_assoc_timers_changed(a);
}

void sctp_data_zwp_expired(struct sctp_assoc *a)
{
    a->zwp_timer = SCTP_TIMER_OFF;
    a->zwp_due = true;
    sctp_ep_tx_schedule(a->ep, a);
}

/* A probe went to p. Unanswered, it goes again when its T3-rtx timer
 * expires (sctp_data_t3_expired: no error while SACKs keep the window
 * closed), after twice the interval it waited, up to RTO.Max; a peer that
 * no longer answers is still found by those expiries. */
void sctp_data_zwp_sent(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    sctp_tstamp next = a->zwp_interval ? 2 * a->zwp_interval : p->rto.rto;
    if (next > p->rto.rto_max)
        next = p->rto.rto_max;
    a->zwp_interval = next;
    a->zwp_due = false;
    /* Only a SACK that comes after it answers this probe. */
    a->zero_window_sack = false;
    a->zwp_timer = SCTP_TIMER_OFF;
    p->t3_timer = now + next;
}

void sctp_data_zwp_reset(struct sctp_assoc *a)
{
    a->zwp_interval = 0;
    a->zwp_due = false;
    a->zwp_timer = SCTP_TIMER_OFF;
}

/* Puts a chunk back into its path's flight: the peer reneged on it. */
static void enter_flight(struct sctp_assoc *a, struct sctp_out_chunk *c)
{
    if (c->in_flight)
        return;
    c->in_flight = true;
    if (c->path)
        c->path->cc.flight += c->len;
    a->q.outstanding_bytes += c->len;
}

/* RFC 9260 7.2.4: one more miss indication for an outstanding chunk; the
 * third marks it for fast retransmission (once per chunk). Returns true
 * if it was marked. */
static bool miss_indication(struct sctp_assoc *a, struct sctp_out_chunk *c, sctp_tstamp now)
{
    if (c->fast_rtx || ++c->miss < 3)
        return false;
    c->miss = 0;
    c->fast_rtx = true;
    struct sctp_path *p = c->path;
    /* 7.2.4 (3): only a chunk marked on entering Fast Recovery goes at
     * once, cwnd or not; in Fast Recovery, marked chunks wait for cwnd. */
    bool entering = p && !p->cc.in_fast_recovery;
    c = mark_retransmit(a, c, now);
    /* RFC 3758 3.5 F5: a chunk abandoned (PR-SCTP) instead of being
     * marked still makes the congestion adjustment of 7.2.4 (2). */
    if (p)
        sctp_cc_on_fast_retransmit(&p->cc, a->next_tsn - 1);
    if (c->state != SCTP_OUT_RETRANSMIT)
        return false;
    a->fast_retransmissions++;
    return entering;
}

/* RFC 3758 3.5 F5: a miss indication (RFC 9260 7.2.4) for a chunk
 * abandoned in flight: the third, when fast retransmit would have marked
 * it, makes the congestion adjustment of 7.2.4 (2) for its path. */
static void watched_miss(struct sctp_assoc *a, struct sctp_out_chunk *c)
{
    if (++c->miss < 3)
        return;
    c->miss = 0;
    c->loss_watch = false;
    sctp_cc_on_fast_retransmit(&c->path->cc, a->next_tsn - 1);
}

/* What one SACK newly acknowledges, per path. The SACK's chunks are
 * visited in TSN order, so the first outstanding chunk seen on a path is
 * its earliest outstanding one: restart tells whether it was acked. */
struct sack_acks {
    bool newly;
    uint32_t bytes[SCTP_MAX_ADDRS];
    /* The latest sending time among the chunks acknowledged that were
     * sent once, per path: only an acknowledgement of DATA sent after
     * the path's last error says that the path works, and one of a
     * chunk sent more than once may be for another of its copies (as in
     * Karn's rule): sctp_data_on_sack. */
    sctp_tstamp latest[SCTP_MAX_ADDRS];
    bool seen[SCTP_MAX_ADDRS];
    bool restart[SCTP_MAX_ADDRS];
};

/* An outstanding chunk the SACK does not acknowledge. */
static void still_outstanding(struct sctp_assoc *a, const struct sctp_out_chunk *c,
                              struct sack_acks *acks)
{
    if (c->path)
        acks->seen[c->path - a->paths] = true;
}

/* A chunk in flight (or marked for retransmission) is acknowledged, by
 * the cumulative TSN or a gap block. */
static inline void newly_acked(struct sctp_assoc *a, struct sctp_out_chunk *c,
                               struct sack_acks *acks)
{
    acks->newly = true;
    if (c->state == SCTP_OUT_RETRANSMIT)
        a->q.n_retransmit--;
    if (c->path) {
        unsigned pi = (unsigned)(c->path - a->paths);
        acks->bytes[pi] += c->len;
        if (c->nsent == 1 && c->sent_at > acks->latest[pi])
            acks->latest[pi] = c->sent_at;
        acks->restart[pi] |= !acks->seen[pi];
        acks->seen[pi] = true;
    }
    leave_flight(a, c);
}

/* Chunks in flight on one path, acknowledged one after the other by the
 * cumulative TSN: newly_acked() for all of them at once. The flight
 * sizes drop by their sum, clamped at 0 as chunk by chunk. */
struct ack_run {
    struct sctp_path *path;
    uint32_t bytes;
    sctp_tstamp latest; /* sent_at, the latest of the run's chunks */
};

static inline void ack_run_flush(struct sctp_assoc *a, struct ack_run *r, struct sack_acks *acks)
{
    if (!r->path)
        return;
    struct sctp_path *p = r->path;
    acks->bytes[p - a->paths] += r->bytes;
    if (r->latest > acks->latest[p - a->paths])
        acks->latest[p - a->paths] = r->latest;
    r->latest = 0;
    p->cc.flight -= r->bytes < p->cc.flight ? r->bytes : p->cc.flight;
    a->q.outstanding_bytes -= r->bytes < a->q.outstanding_bytes ? r->bytes : a->q.outstanding_bytes;
    r->path = NULL;
    r->bytes = 0;
}

static inline void ack_run_start(struct sctp_assoc *a, struct ack_run *r, struct sctp_path *p,
                                 struct sack_acks *acks)
{
    ack_run_flush(a, r, acks);
    unsigned pi = (unsigned)(p - a->paths);
    acks->newly = true;
    acks->restart[pi] |= !acks->seen[pi];
    acks->seen[pi] = true;
    r->path = p;
}

/* RFC 9260 6.3.1 C4, C5: the path's timed chunk acknowledged (by the
 * cumulative TSN or a gap block; a retransmitted or abandoned one is no
 * longer timed) gives the path's one RTT sample of the round trip. */
static void rtt_sample(struct sctp_assoc *a, struct sctp_path *p, uint32_t cum, sctp_tstamp now)
{
    bool acked = sctp_tsn_le(p->rtt_tsn, cum);
    if (!acked) {
        const struct sctp_out_chunk *c = sctp_sendq_at(&a->q, p->rtt_tsn);
        if (c && c->state != SCTP_OUT_ACKED)
            return;
        acked = c != NULL;
    }
    p->rtt_pending = false;
    if (acked && now >= p->rtt_sent)
        sctp_rto_measure(&p->rto, now - p->rtt_sent);
}

int sctp_data_on_sack(struct sctp_assoc *a, const struct sctp_chunk *chunk, sctp_tstamp now)
{
    struct sctp_sack_chunk s;
    if (sctp_sack_decode(&s, chunk) < 0)
        return SCTP_ERR_PROTO;
    if (a->state == SCTP_S_COOKIE_WAIT || a->state == SCTP_S_COOKIE_ECHOED)
        return 0;
    uint32_t cum = s.cum_tsn;
    bool was_blocked = a->ep->rx_pressure == SCTP_RX_PRESSURE_BLOCKED && sctp_rx_restricted(a);
    /* 6.2.1 D i: a SACK older than the cumulative ack point is ignored. */
    if (sctp_tsn_lt(cum, a->cum_ack_in))
        return 0;
    if (sctp_tsn_ge(cum, a->next_tsn)) {
        /* Acknowledges data we never sent: protocol violation. */
        static const char why[] = "SACK beyond highest TSN sent";
        sctp_shutdown_send_abort(a, SCTP_CAUSE_PROTOCOL_VIOLATION, why, sizeof(why) - 1, false);
        return SCTP_ERR_PROTO;
    }
    /* A window too small for one full packet tells a zero window probe's
     * T3 expiry (6.1 A) from a loss. A window that takes no DATA at all
     * (usrsctp never advertises 0, but 1, its silly window avoidance)
     * counts as closed: a peer that closed it may have dropped what came
     * meanwhile (window_reopened). One that still takes some DATA has
     * dropped nothing for want of room. */
    a->zero_window_sack = s.a_rwnd < a->paths[a->primary].cc.mtu;
    bool closed = s.a_rwnd < SCTP_WINDOW_SHUT;
    bool reopened = a->peer_window_closed && !closed;
    if (!a->peer_window_closed && closed)
        a->window_closed_at = now;
    a->peer_window_closed = closed;
    bool cum_advanced = sctp_tsn_gt(cum, a->cum_ack_in);
    struct sack_acks acks = {0};
    uint32_t htna = cum; /* highest TSN newly acknowledged */
    struct unref_run run = {0};

    /* Cumulative part. Chunks in flight on one path, one after the
     * other, leave the flight together (newly_acked for a run). */
    struct ack_run arun = {0};
    while (a->q.count && sctp_tsn_le(a->q.head_tsn, cum)) {
        if (arun.path && !a->q.ring[a->q.head_tsn & (a->q.cap - 1)].msg) {
            /* The usual case: light messages' chunks in flight on the
             * run's path, one after the other. What the step below does
             * for each, with the ring's and the runs' state in locals. */
            struct sctp_sendq *q = &a->q;
            const struct sctp_out_chunk *ring = q->ring;
            const uint32_t mask = q->cap - 1;
            const struct sctp_path *path = arun.path;
            uint32_t head = q->head_tsn, count = q->count, queued = q->queued_bytes;
            uint32_t bytes = 0, tsn = htna;
            while (count && sctp_tsn_le(head, cum)) {
                const struct sctp_out_chunk *lc = &ring[head & mask];
                if (lc->msg || lc->state != SCTP_OUT_INFLIGHT || !lc->in_flight || lc->path != path)
                    break;
                bytes += lc->len;
                tsn = lc->tsn;
                queued -= lc->len < queued ? lc->len : queued;
                if (lc->handle != run.handle) {
                    /* The ring as it stands for the callback. */
                    q->head_tsn = head;
                    q->count = count;
                    q->queued_bytes = queued;
                    unref_run_flush(&a->ep->cb, &run);
                    run.handle = lc->handle;
                }
                run.n++;
                head++;
                count--;
            }
            q->head_tsn = head;
            q->count = count;
            q->queued_bytes = queued;
            arun.bytes += bytes;
            /* The run's last chunk: the latest sent of those sent once
             * (sack_acks.latest). */
            if (bytes) {
                const struct sctp_out_chunk *last = &ring[(head - 1) & mask];
                if (last->nsent == 1 && last->sent_at > arun.latest)
                    arun.latest = last->sent_at;
            }
            htna = tsn;
            if (!count || !sctp_tsn_le(head, cum))
                break;
        }
        struct sctp_out_chunk *c = &a->q.ring[a->q.head_tsn & (a->q.cap - 1)];
        if (a->q.count > 4) {
            const struct sctp_msg *ahead = a->q.ring[(a->q.head_tsn + 4) & (a->q.cap - 1)].msg;
            if (ahead)
                SCTP_PREFETCH_W(ahead);
        }
        if (c->state == SCTP_OUT_INFLIGHT && c->in_flight && c->path) {
            if (c->path != arun.path)
                ack_run_start(a, &arun, c->path, &acks);
            arun.bytes += c->len;
            if (c->nsent == 1 && c->sent_at > arun.latest)
                arun.latest = c->sent_at;
            htna = c->tsn;
        } else if (c->state == SCTP_OUT_INFLIGHT || c->state == SCTP_OUT_RETRANSMIT) {
            ack_run_flush(a, &arun, &acks);
            newly_acked(a, c, &acks);
            htna = c->tsn;
        }
        struct sctp_msg *m = c->msg;
        sctp_sendq_pop(&a->q);
        if (m) {
            m->refs--;
            if (msg_done(m))
                release_msg(a, m, &run);
        } else {
            /* A light message: its bytes and its reference. */
            a->q.queued_bytes -= c->len < a->q.queued_bytes ? c->len : a->q.queued_bytes;
            if (c->handle != run.handle)
                unref_run_flush(&a->ep->cb, &run);
            run.handle = c->handle;
            run.n++;
        }
    }
    ack_run_flush(a, &arun, &acks);
    unref_run_flush(&a->ep->cb, &run);
    a->cum_ack_in = cum;
    if (a->gap_acked && !sctp_tsn_gt(a->gap_acked_hi, cum))
        a->gap_acked = false;

    /* Gap blocks: walk the ring above cum once, block by block. */
    bool reneged = false;
    uint32_t renege_hi = cum;
    uint16_t g = 0;
    uint32_t highest_gap = cum;
    for (uint16_t i = 0; i < s.n_gaps; i++) {
        struct sctp_gap_block b = sctp_sack_gap(&s, i);
        if (b.end >= b.start && sctp_tsn_gt(cum + b.end, highest_gap))
            highest_gap = cum + b.end;
    }
    /* Up to the highest TSN ever gap acknowledged, so that a SACK with
     * fewer (or no) gap blocks shows what the peer reneged on. */
    uint32_t walk_hi = highest_gap;
    if (a->gap_acked && sctp_tsn_gt(a->gap_acked_hi, walk_hi) && !a->sack_cum_only)
        walk_hi = a->gap_acked_hi;
    for (uint32_t tsn = cum + 1; sctp_tsn_le(tsn, walk_hi); tsn++) {
        struct sctp_out_chunk *c = sctp_sendq_at(&a->q, tsn);
        if (!c)
            break;
        while (g < s.n_gaps) {
            struct sctp_gap_block b = sctp_sack_gap(&s, g);
            if (b.end < b.start || sctp_tsn_gt(tsn, cum + b.end))
                g++;
            else
                break;
        }
        bool covered = false;
        if (g < s.n_gaps) {
            struct sctp_gap_block b = sctp_sack_gap(&s, g);
            covered = sctp_tsn_ge(tsn, cum + b.start) && sctp_tsn_le(tsn, cum + b.end);
        }
        if (covered) {
            c->loss_watch = false; /* it arrived (RFC 3758 3.5 F5) */
            if (c->state == SCTP_OUT_INFLIGHT || c->state == SCTP_OUT_RETRANSMIT) {
                newly_acked(a, c, &acks);
                htna = tsn;
                c->state = SCTP_OUT_ACKED;
                if (!a->gap_acked || sctp_tsn_gt(tsn, a->gap_acked_hi)) {
                    a->gap_acked = true;
                    a->gap_acked_hi = tsn;
                }
            }
        } else if (c->state == SCTP_OUT_INFLIGHT || c->state == SCTP_OUT_RETRANSMIT) {
            still_outstanding(a, c, &acks);
        } else if (c->state == SCTP_OUT_ACKED) {
            /* 6.2.1 D iii: the peer reneged. The chunk is outstanding
             * again, not resent at once: it gets one miss indication and
             * T3 runs for it (below). Until then it is INFLIGHT but not in
             * the flight, which marks it as reneged by this SACK. */
            c->state = SCTP_OUT_INFLIGHT;
            reneged = true;
            renege_hi = tsn;
        }
    }

    /* 7.2.4 (note): the cwnd growth of 7.2.1 and 7.2.2 for what this SACK
     * acknowledges comes before the adjustments of a fast retransmit it
     * starts. Whether a path was in Fast Recovery is what the SACK found. */
    bool in_fr[SCTP_MAX_ADDRS];
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *p = &a->paths[i];
        in_fr[i] = p->cc.in_fast_recovery;
        /* 7.2.3: an acknowledgment ends the one packet in flight after a
         * T3 expiry (also one of a chunk marked for retransmission). */
        if (cum_advanced)
            p->cc.one_packet = false;
        if (acks.bytes[i])
            sctp_cc_on_ack(&p->cc, acks.bytes[i], cum_advanced, cum);
    }

    /* 7.2.4: miss indications below the highest TSN newly acknowledged;
     * in Fast Recovery, a SACK that moves the cumulative TSN counts one
     * for every TSN it reports missing (up to its last gap block), so
     * that a second loss in the window, with nothing new acknowledged
     * above it, is retransmitted fast rather than at T3. */
    bool fast = false;
    bool counted = acks.newly && s.n_gaps;
    uint32_t hi = counted ? cum + sctp_sack_gap(&s, s.n_gaps - 1).end : cum;
#define MISS_COUNTED(tsn, c)                                                                       \
    (counted && sctp_tsn_lt((tsn), hi) &&                                                          \
     (sctp_tsn_lt((tsn), htna) || (cum_advanced && (c)->path && in_fr[(c)->path - a->paths])))
    for (uint32_t tsn = cum + 1; counted && sctp_tsn_lt(tsn, hi); tsn++) {
        struct sctp_out_chunk *c = sctp_sendq_at(&a->q, tsn);
        if (!c)
            break;
        if (c->state == SCTP_OUT_INFLIGHT) {
            if (MISS_COUNTED(tsn, c) && miss_indication(a, c, now))
                fast = true;
        } else if (__builtin_expect(c->loss_watch, 0) && MISS_COUNTED(tsn, c)) {
            watched_miss(a, c);
        }
    }
    if (reneged) {
        /* 6.2.1 D iii: one miss indication for each chunk reneged on (the
         * loop above counted those below the highest TSN newly acked),
         * back into the flight, and T3 started for its destination if it
         * is not running. */
        for (uint32_t tsn = cum + 1; sctp_tsn_le(tsn, renege_hi); tsn++) {
            struct sctp_out_chunk *c = sctp_sendq_at(&a->q, tsn);
            if (!c)
                break;
            if (c->state != SCTP_OUT_INFLIGHT || c->in_flight)
                continue;
            if (!MISS_COUNTED(tsn, c) && miss_indication(a, c, now))
                fast = true;
            c = sctp_sendq_at(&a->q, tsn); /* the ring may have moved (mark_retransmit) */
            if (c->state != SCTP_OUT_INFLIGHT)
                continue;
            enter_flight(a, c);
            if (c->path && c->path->t3_timer == SCTP_TIMER_OFF)
                c->path->t3_timer = now + c->path->rto.rto;
        }
    }
#undef MISS_COUNTED
    if (fast)
        a->fast_rtx_pending = true;
    if (reopened)
        window_reopened(a, now);

    /* 8.1: DATA acknowledged: the peer is there, whatever path it took. */
    if (acks.newly)
        a->error_count = 0;
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *p = &a->paths[i];
        if (acks.bytes[i]) {
            /* 8.2: an acknowledgement clears the path's error count: of
             * DATA sent there once, since its last error. DATA that
             * reached the peer before a path failed, acknowledged over
             * another one later, or a chunk sent again to a dead path
             * whose first copy arrived elsewhere, do not bring the dead
             * path back. */
            if (acks.latest[i] >= p->fail_at)
                sctp_assoc_path_success(a, p, now);
            /* RFC 4861 7.3.1: new DATA sent on the path (once, so that
             * it surely went there: sack_acks.latest) acknowledged is
             * forward progress on it, which confirms the neighbour it
             * leaves by. A duplicate SACK acknowledges nothing new. */
            if (acks.latest[i] != 0)
                sctp_path_progress(a, p, now);
        }
        if (p->rtt_pending)
            rtt_sample(a, p, cum, now);
        /* 6.3.2 R2, R3: stop T3 when nothing is outstanding on the path,
         * restart it when the SACK acknowledged the earliest TSN
         * outstanding there (the cumulative TSN moving for another
         * path's chunks leaves this path's timer alone). RFC 3758 3.5
         * F5: a chunk abandoned in flight there and not acknowledged
         * since is outstanding as far as its loss goes: the timer that
         * would have found it lost keeps running for it (its expiry
         * makes the adjustment and sends nothing). */
        if (p->cc.flight == 0 && !(p->t3_timer != SCTP_TIMER_OFF && watched_on(a, p)))
            p->t3_timer = SCTP_TIMER_OFF;
        else if (acks.restart[i])
            p->t3_timer = now + p->rto.rto;
    }
    if (cum_advanced && a->fwd_sent && sctp_tsn_ge(cum, a->fwd_sent_tsn)) {
        /* The peer took the last FORWARD TSN: like an acknowledged DATA
         * chunk, that clears the association's error count, and the
         * path's if it was sent there after the path's last error. */
        struct sctp_path *fp = &a->paths[a->fwd_path];
        a->error_count = 0;
        if (a->fwd_sent_at >= fp->fail_at && fp->error_count)
            sctp_assoc_path_success(a, fp, now);
    }
    if (cum_advanced)
        a->rtx_path = NULL;

    /* 6.2.1 D iv: rwnd = a_rwnd - bytes still outstanding. */
    a->peer_a_rwnd = s.a_rwnd;
    a->peer_rwnd = s.a_rwnd > a->q.outstanding_bytes ? s.a_rwnd - a->q.outstanding_bytes : 0;
    /* Under SCTP_RX_PRESSURE_BLOCKED, a peer that takes what waits again
     * gets our window back now, not at its next zero window probe. */
    if (was_blocked && !sctp_rx_restricted(a))
        sctp_data_window_update(a);

    advance_peer_ack(a, now);
    /* RFC 3758 3.5 C5: a FORWARD TSN is not acknowledged itself; while
     * the peer's cumulative TSN is short of the point it named, a T3-rtx
     * timer must run to send it again, even with no DATA left in flight
     * (R2 above stops the timers of paths that have none). */
    if (a->peer_pr_sctp && a->fwd_sent && sctp_tsn_gt(a->adv_peer_ack, a->cum_ack_in)) {
        bool running = false;
        for (unsigned i = 0; i < a->n_paths; i++)
            running |= a->paths[i].t3_timer != SCTP_TIMER_OFF;
        if (!running) {
            /* On the path the FORWARD TSN went to, while it is usable. */
            struct sctp_path *p = &a->paths[a->primary];
            if (a->fwd_path < a->n_paths && a->paths[a->fwd_path].active)
                p = &a->paths[a->fwd_path];
            p->t3_timer = now + p->rto.rto;
        }
    }
    /* RFC 9260 6.1 A: a window closed with all DATA cumulatively
     * acknowledged starts the wait for a zero window probe (or for the
     * next one, if a probe was taken with the window still closed); a
     * window open again ends probing, and what waits goes now. */
    if (__builtin_expect(closed, 0)) {
        if (a->q.count == 0)
            sctp_data_zwp_arm(a, now);
    } else if (__builtin_expect(a->zwp_interval != 0, 0)) {
        sctp_data_zwp_reset(a);
    }
    if (a->state >= SCTP_S_SHUTDOWN_PENDING)
        sctp_shutdown_progress(a, now);
    if (sctp_sendq_unsent(&a->q) || a->q.n_retransmit || a->fwd_tsn_pending)
        sctp_ep_tx_schedule(a->ep, a);
    sctp_assoc_timers_changed(a);
    return 0;
}

void sctp_data_cum_ack(struct sctp_assoc *a, uint32_t cum, sctp_tstamp now)
{
    /* A SHUTDOWN's cumulative TSN ack acts as a SACK without gaps (9.2). */
    uint8_t buf[16];
    sctp_put32(buf + 4, cum);
    sctp_put32(buf + 8, a->peer_rwnd + a->q.outstanding_bytes);
    sctp_put32(buf + 12, 0);
    struct sctp_chunk c = {.type = SCTP_CT_SACK, .length = 16, .value = buf + 4, .value_len = 12};
    /* It says nothing of the TSNs above it: what a SACK acknowledged in
     * gap blocks stays so (no renege, 6.2.1 D iii is for SACKs). */
    if (sctp_tsn_ge(cum, a->cum_ack_in) && sctp_tsn_lt(cum, a->next_tsn)) {
        a->sack_cum_only = true;
        sctp_data_on_sack(a, &c, now);
        a->sack_cum_only = false;
    }
}

/* ---- receive side ---- */

void sctp_data_deliver(struct sctp_assoc *a)
{
    /* A held association (sctp_assoc_set_rx_hold) keeps what it has
     * completed: the hold stops what reaches the user, not only what the
     * peer may send. Its window stays 0 meanwhile (sctp_data_rwnd). */
    if (!a->rx_hold)
        sctp_data_deliver_all(a);
}

void sctp_data_deliver_all(struct sctp_assoc *a)
{
    if (!a->reasm)
        return;
    struct sctp_endpoint *ep = a->ep;
    for (;;) {
        /* Popped straight into the event ring: no copy on the way. */
        struct sctp_event *ev = sctp_ep_event_slot(ep);
        if (!ev) {
            /* No memory for the event queue: the messages stay held (and
             * count against our window), and go up on a later call. */
            return;
        }
        if (sctp_reasm_pop(a->reasm, ev) != 1)
            return;
        ev->assoc_id = a->id;
        if (ev->type == SCTP_EV_DATA)
            a->undelivered_bytes += ev->u.data.len;
        ep->ev_count++;
    }
}

/* RFC 9260 6.2, with reassembly holding SCTP_REASM_MIN_CHUNKS chunks or
 * more: room for one more? Above the highest TSN received, while fewer
 * than max_reasm_chunks are held (the advertised window is 0 from
 * there); filling a hole, a quarter more; the next TSN expected, another
 * quarter: holes filled up to the limit must not keep out the one TSN
 * that lets them go up. Each held chunk costs a node and a reference on
 * its packet's buffer: payload bytes alone would let a peer sending tiny
 * chunks behind a missing TSN hold one for every byte. */
static __attribute__((cold, noinline)) bool chunk_room(const struct sctp_assoc *a, uint32_t tsn,
                                                       bool beyond)
{
    uint64_t max = sctp_data_max_chunks(a->ep), n = sctp_reasm_chunks(a->reasm);
    if (beyond)
        return n < max;
    return n < max + max / 4 + (tsn == a->map.cum_tsn + 1 ? max / 4 : 0);
}

int sctp_data_on_data(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                      const struct sctp_chunk *c, struct sctp_path *from, sctp_tstamp now)
{
    (void)now;
    struct sctp_data_chunk d;
    if (sctp_data_decode(&d, c) < 0)
        return 0;
    if (a->state != SCTP_S_ESTABLISHED && a->state != SCTP_S_SHUTDOWN_PENDING &&
        a->state != SCTP_S_SHUTDOWN_SENT && a->state != SCTP_S_SHUTDOWN_RECEIVED)
        return 0;
    if (d.payload_len == 0) {
        /* RFC 9260 6.2: DATA without user data: ABORT "No User Data". */
        uint8_t info[4];
        sctp_put32(info, d.tsn);
        sctp_shutdown_send_abort(a, SCTP_CAUSE_NO_USER_DATA, info, 4, false);
        return SCTP_ERR_PROTO;
    }
    if (from)
        a->sack_path = from;
    if (d.flags & SCTP_DATA_FLAG_I)
        a->sack_now = true; /* RFC 7053: SACK-IMMEDIATELY */
    a->sack_needed = true;
    enum sctp_tsn_verdict v = sctp_tsnmap_check(&a->map, d.tsn);
    if (v == SCTP_TSN_DUP) {
        /* 6.2: a duplicate is reported, and acknowledged at once. */
        sctp_tsnmap_mark(&a->map, d.tsn);
        a->ep->stats.rx_dup_tsns++;
        a->sack_now = true;
        return 0;
    }
    if (v == SCTP_TSN_BEYOND) {
        a->sack_now = true;
        return 0;
    }
    if (d.sid >= a->istreams) {
        /* 6.5: acknowledge, discard, report Invalid Stream Identifier. */
        sctp_tsnmap_mark(&a->map, d.tsn);
        uint8_t info[4];
        sctp_put16(info, d.sid);
        sctp_put16(info + 2, 0);
        sctp_assoc_add_error(a, SCTP_CAUSE_INVALID_STREAM, info, 4);
        a->sack_now = true;
        return 0;
    }
    /* 6.2: no room: drop, unless the TSN fills a hole below the highest
     * received (that frees the peer's retransmission queue soonest), up
     * to a harder limit. Each chunk held counts its payload and a node
     * (SCTP_REASM_CHUNK_OVERHEAD) against the budget and the window, and
     * their number is bounded (chunk_room). A window advertised as 0
     * counts as no room (the data the user has not read is in it) even
     * with reassembly memory to spare. When the layer below is short of
     * buffers only the next TSN is kept, and only with data held above
     * it: what it releases to the user is worth the one buffer, and
     * without it what is held could never go up. A chunk dropped is not
     * acknowledged. */
    struct sctp_reasm *rs = a->reasm;
    bool beyond = sctp_tsn_gt(d.tsn, a->map.highest_tsn);
    bool unblocks = d.tsn == a->map.cum_tsn + 1 && sctp_tsnmap_has_gaps(&a->map);
    if ((sctp_rx_restricted(a) && !unblocks) ||
        (beyond && sctp_reasm_bytes(rs) + d.payload_len + SCTP_REASM_CHUNK_OVERHEAD >
                       a->ep->cfg.max_reasm_bytes) ||
        (beyond && sctp_data_rwnd(a) == 0) || !sctp_reasm_can_take(rs, d.payload_len) ||
        (__builtin_expect(sctp_reasm_chunks(rs) >= SCTP_REASM_MIN_CHUNKS, 0) &&
         !chunk_room(a, d.tsn, beyond))) {
        a->rwnd_dropped = true;
        a->sack_now = true;
        return 0;
    }
    /* The missing TSN of a receive held back (hold, pressure): the SACK
     * goes at once, with the window that this may open again; the peer
     * waits behind the zero window it saw. */
    if (__builtin_expect(unblocks, 0) && sctp_rx_restricted(a))
        a->sack_now = true;
    /* The packet is contiguous: the chunk's header lies in front of its
     * payload, and nothing reads it once the chunk is parsed. */
    struct sctp_frag f = {
        .data = d.payload, .len = d.payload_len, .room = SCTP_DATA_HDR_LEN, .handle = pkt->handle};
    sctp_payload_ref(&a->ep->cb, pkt->handle);
    /* A whole message that is due, with nothing waiting before it, goes
     * straight into the event queue. */
    struct sctp_endpoint *ep = a->ep;
    struct sctp_event *ev = sctp_ep_event_slot(ep);
    int r;
    if (ev && sctp_reasm_add_direct(a->reasm, &d, &f, ev)) {
        ev->assoc_id = a->id;
        a->undelivered_bytes += f.len;
        ep->ev_count++;
        r = 0;
    } else {
        r = sctp_reasm_add(a->reasm, &d, &f);
    }
    if (r < 0) {
        a->sack_now = true;
        return 0; /* not marked: the peer will retransmit */
    }
    sctp_tsnmap_mark_new(&a->map, d.tsn);
    if (sctp_tsnmap_has_gaps(&a->map))
        a->sack_now = true; /* 6.7: report gaps at once */
    return 0;
}

int sctp_data_on_data_run(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                          struct sctp_chunk *c, size_t *off, struct sctp_path *from, unsigned *took)
{
    struct sctp_endpoint *ep = a->ep;
    struct sctp_reasm *rs = a->reasm;
    struct sctp_tsnmap *map = &a->map;

    *took = 0;
    /* What holds for the whole run (nothing below changes it): every
     * chunk sctp_data_on_data() would take here is one that fills no
     * hole (none held above cum_tsn), with the receive side under no
     * pressure, nothing waiting for delivery and reassembly holding
     * fewer chunks than the count that chunk_room() limits. */
    if (a->state != SCTP_S_ESTABLISHED || sctp_rx_restricted(a) || !rs || rs->ready_head ||
        map->highest_tsn != map->cum_tsn || sctp_reasm_chunks(rs) >= SCTP_REASM_MIN_CHUNKS)
        return 1;
    /* The rest of what it reads, in locals: the events written below
     * could alias any of it as far as the compiler knows. Reassembly's
     * byte limits (sctp_data_on_data() checks both for a TSN beyond the
     * highest) as the room they leave a chunk; the window, as the bytes
     * held that close it (sctp_data_rwnd()). */
    const uint32_t held = sctp_reasm_bytes(rs), rwnd = ep->cfg.rwnd;
    int64_t room = (int64_t)ep->cfg.max_reasm_bytes - held;
    if ((int64_t)rs->max_bytes - rs->bytes < room)
        room = (int64_t)rs->max_bytes - rs->bytes;
    struct sctp_reasm_stream *streams = rs->streams;
    const uint32_t n_streams = a->istreams < rs->n_streams ? a->istreams : rs->n_streams;
    const uint32_t base = map->base, window = map->window;
    struct sctp_event *events = ep->events;
    const uint32_t ev_head = ep->ev_head, ev_cap = ep->ev_cap;
    const uint32_t id = a->id;
    void *handle = pkt->handle;
    const uint8_t *data = pkt->data;
    const size_t plen = pkt->len;
    struct sctp_chunk ch = *c; /* the chunk and offset in locals too */
    size_t at = *off;
    uint32_t cum = map->cum_tsn, undelivered = a->undelivered_bytes;
    uint32_t n = 0, ev_count = ep->ev_count;
    uint8_t flags_seen = 0;
    int r = 1;
    do {
        /* The general path for anything but a whole message with user
         * data. */
        struct sctp_data_chunk d;
        if (ch.type != SCTP_CT_DATA || sctp_data_decode(&d, &ch) < 0 || d.payload_len == 0)
            break;
        /* The next TSN (new, in the window), marked without touching
         * the map's bits (sctp_tsnmap_mark_new()'s own fast case); a
         * stream that exists; the budget; a free event slot. */
        if (d.tsn != cum + 1 || d.tsn + 1 - base >= window || d.sid >= n_streams ||
            (int64_t)d.payload_len + SCTP_REASM_CHUNK_OVERHEAD > room ||
            rwnd <= held + undelivered || ev_count == ev_cap)
            break;
        if (!sctp_reasm_stream_claim(&streams[d.sid], d.ssn, d.flags))
            break;
        struct sctp_event *ev = &events[(ev_head + ev_count) & (ev_cap - 1)];
        const struct sctp_frag f = {
            .data = d.payload, .len = d.payload_len, .room = SCTP_DATA_HDR_LEN, .handle = handle};
        sctp_reasm_fill_event(ev, d.sid, d.ssn, d.ppid, d.tsn, d.flags, &f);
        ev->assoc_id = id;
        flags_seen |= d.flags;
        cum = d.tsn;
        undelivered += d.payload_len;
        ev_count++;
        n++;
        r = sctp_chunk_next(data, plen, &at, &ch);
    } while (r == 1);
    if (n == 0)
        return 1;
    *c = ch;
    *off = at;
    map->cum_tsn = cum;
    map->highest_tsn = cum;
    a->undelivered_bytes = undelivered;
    ep->ev_count = ev_count;
    /* One reference per event on the packet's buffer, taken together:
     * nothing above releases an event. */
    sctp_payload_ref_n(&ep->cb, handle, n);
    if (from)
        a->sack_path = from;
    a->sack_needed = true;
    if (flags_seen & SCTP_DATA_FLAG_I)
        a->sack_now = true; /* RFC 7053: SACK-IMMEDIATELY */
    ep->stats.rx_chunks += n;
    ep->stats.rx_data_chunks += n;
    *took = n;
    return r;
}

void sctp_data_after_packet(struct sctp_assoc *a, bool had_data, sctp_tstamp now)
{
    sctp_data_deliver(a);
    if (had_data && a->sack_needed) {
        /* 6.2: a SACK for every second packet with DATA, and within
         * sack_delay of the first unacknowledged one. */
        if (++a->data_pkts_unacked >= a->ep->cfg.sack_freq)
            a->sack_now = true;
        /* 5.1: the association's first DATA is acknowledged at once. */
        if (!a->data_received) {
            a->data_received = true;
            a->sack_now = true;
        }
        if (a->state == SCTP_S_SHUTDOWN_SENT) {
            /* 9.2: answer DATA in SHUTDOWN-SENT with a SHUTDOWN; restart T2. */
            a->send_shutdown = true;
            a->sack_now = true;
            a->t2_timer = now + a->paths[a->primary].rto.rto;
        }
        if (!a->sack_now && a->sack_timer == SCTP_TIMER_OFF) {
            a->sack_timer = now + a->ep->cfg.sack_delay;
            sctp_assoc_timers_changed(a);
        }
    }
    if (a->sack_now || a->errbuf_len || a->cookie_ack_pending || a->hb_ack_pending)
        sctp_ep_tx_schedule(a->ep, a);
}

/* RFC 9260 6.2: a SACK at once tells the peer that a window that was
 * closed is open again. */
void sctp_data_window_update(struct sctp_assoc *a)
{
    /* 6.2, RFC 1122 4.2.3.3: receiver SWS avoidance. A closed window is
     * said to be open again once it takes a full packet (or half the
     * buffer, if that is less), not for every few bytes the application
     * reads; until then the update waits (the peer's zero window probes
     * still get the window as it is). */
    uint32_t half = a->ep->cfg.rwnd / 2, mtu = a->paths[a->primary].cc.mtu;
    uint32_t enough = half < mtu ? half : mtu;
    a->rwnd_update_wait = false;
    if (sctp_data_rwnd(a) == 0 || sctp_data_reasm_full(a))
        return;
    if (sctp_data_rwnd(a) < enough) {
        a->rwnd_update_wait = true;
        return;
    }
    a->sack_needed = true;
    a->sack_now = true;
    sctp_ep_tx_schedule(a->ep, a);
}

/* The window a SACK advertises. */
static uint32_t sack_rwnd(const struct sctp_assoc *a)
{
    return sctp_data_reasm_full(a) ? 0 : sctp_data_rwnd(a);
}

int sctp_data_write_sack(const struct sctp_assoc *a, uint8_t *p, size_t room)
{
    /* RFC 9260 6.2: the SACK fits room (the rest of the packet): 16 bytes
     * and 4 per gap block or duplicate TSN. When they do not all fit the
     * duplicate reports go first, then the highest gap blocks: the lowest
     * ones tell the peer what to retransmit soonest. */
    struct sctp_gap_block gaps[SCTP_GAPS_MAX];
    if (room < 16)
        return SCTP_ERR_NOBUF;
    size_t slots = (room - 16) / 4;
    unsigned max_gaps = a->ep->cfg.max_gap_blocks;
    if (max_gaps > SCTP_GAPS_MAX)
        max_gaps = SCTP_GAPS_MAX;
    if (max_gaps > slots)
        max_gaps = (unsigned)slots;
    unsigned ng = sctp_tsnmap_gaps(&a->map, gaps, max_gaps);
    unsigned nd = a->map.n_dups;
    if (nd > a->ep->cfg.max_dup_tsns)
        nd = a->ep->cfg.max_dup_tsns;
    if (nd > slots - ng)
        nd = (unsigned)(slots - ng);
    /* DATA was dropped for want of room since the last SACK: this one
     * says the window was closed, even if it has opened since (the user
     * read, the layer below got buffers back), and a window update
     * follows at once (sctp_data_sack_sent). Otherwise the peer sees no
     * closed window, only DATA missing with nothing above it, and waits
     * for T3. */
    uint32_t rwnd = a->rwnd_dropped ? 0 : sack_rwnd(a);
    return sctp_sack_encode(p, room, a->map.cum_tsn, rwnd, gaps, (uint16_t)ng, a->map.dups,
                            (uint16_t)nd);
}

void sctp_data_sack_sent(struct sctp_assoc *a)
{
    /* 6.2: duplicates are reported once, in the next SACK (those that did
     * not fit are not reported). */
    a->map.n_dups = 0;
    if (a->rwnd_dropped) {
        a->rwnd_dropped = false;
        a->window_update_due = sack_rwnd(a) > 0;
    }
    a->sack_needed = false;
    a->sack_now = false;
    a->data_pkts_unacked = 0;
    a->sack_timer = SCTP_TIMER_OFF;
    if (a->window_update_due) {
        a->window_update_due = false;
        sctp_data_window_update(a);
    }
}

/* ---- FORWARD TSN (RFC 3758 3.5, 3.6) ---- */

int sctp_data_write_forward_tsn(struct sctp_assoc *a, uint8_t *p, size_t room)
{
    if (!a->peer_pr_sctp || !sctp_tsn_gt(a->adv_peer_ack, a->cum_ack_in))
        return 0;
    /* RFC 3758 3.5 C4: the stream and SSN of every abandoned ordered
     * message (the highest SSN once per stream), as many as fit in room
     * (the caller's packet); when they do not all fit, the
     * Advanced.Peer.Ack.Point comes down to the last TSN before the first
     * whose stream finds no entry. */
    struct sctp_fwd_stream s[SCTP_TX_HDR_MAX / 4];
    size_t max = room > 8 ? (room - 8) / 4 : 0;
    if (max > sizeof(s) / sizeof(s[0]))
        max = sizeof(s) / sizeof(s[0]);
    uint16_t n = 0, last = 0;
    for (uint32_t tsn = a->cum_ack_in + 1; sctp_tsn_le(tsn, a->adv_peer_ack); tsn++) {
        struct sctp_out_chunk *c = sctp_sendq_at(&a->q, tsn);
        if (!c || !c->msg)
            continue;
        if (c->flags & SCTP_DATA_FLAG_U)
            continue;
        uint16_t sid = c->msg->sid, ssn = c->msg->ssn;
        /* Consecutive TSNs are mostly one stream: look there first. */
        unsigned i = last;
        if (i >= n || s[i].sid != sid)
            for (i = 0; i < n; i++)
                if (s[i].sid == sid)
                    break;
        if (i == n) {
            if (n == max) {
                a->adv_peer_ack = tsn - 1;
                break;
            }
            s[n].sid = sid;
            s[n].ssn = ssn;
            n++;
        } else if (sctp_ssn_lt(s[i].ssn, ssn)) {
            s[i].ssn = ssn;
        }
        last = (uint16_t)i;
    }
    if (!sctp_tsn_gt(a->adv_peer_ack, a->cum_ack_in))
        return 0;
    return sctp_forward_tsn_encode(p, room, a->adv_peer_ack, s, n);
}

void sctp_data_on_forward_tsn(struct sctp_assoc *a, const struct sctp_chunk *c, sctp_tstamp now)
{
    (void)now;
    struct sctp_forward_tsn_chunk f;
    if (sctp_forward_tsn_decode(&f, c) < 0 || !a->reasm)
        return;
    a->sack_needed = true;
    a->sack_now = true;
    if (sctp_tsn_le(f.new_cum_tsn, a->map.cum_tsn))
        return; /* old news: just acknowledge */
    /* Never move beyond what the TSN map can track: as far as its window
     * reaches, then. Every TSN up to the New Cumulative TSN was abandoned
     * by the peer or received, and none beyond the window was kept, so
     * the TSNs up to its edge are skipped; the SACK tells how far we got,
     * and the peer's next FORWARD TSN takes us further. Refusing it whole
     * instead made no progress at all, at every exchange. */
    uint32_t new_cum = f.new_cum_tsn;
    if (sctp_tsn_gt(new_cum, a->map.cum_tsn + a->map.window))
        new_cum = a->map.cum_tsn + a->map.window;
    /* RFC 3758 3.6: every listed stream is examined; the chunk length
     * bounds how many there are. */
    struct sctp_fwd_stream local[64], *streams = local;
    unsigned n = f.n_streams;
    if (n > 64) {
        streams = sctp_mem_alloc(&a->ep->cb, n * sizeof(*streams));
        if (!streams)
            return; /* not acknowledged: the peer sends it again */
    }
    for (unsigned i = 0; i < n; i++)
        streams[i] = sctp_forward_tsn_stream(&f, i);
    /* The reassembly first: a failure there (no memory for its events)
     * changes nothing, and then neither does the TSN map, so that the
     * peer's next FORWARD TSN is not old news and its stream skips are
     * still applied. */
    if (sctp_reasm_forward(a->reasm, new_cum, streams, n) == 0)
        sctp_tsnmap_forward(&a->map, new_cum);
    if (streams != local)
        sctp_mem_free(&a->ep->cb, streams);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_assoc_shutdown.c: association termination (RFC 9260 9): ABORT
 * (9.1) and the graceful SHUTDOWN exchange with T2 and T5 (9.2).
 */
#include "sctp_internal.h"

static struct sctp_path *primary(struct sctp_assoc *a)
{
    return sctp_assoc_data_path(a);
}

static void start_t2(struct sctp_assoc *a, sctp_tstamp now)
{
    a->t2_timer = now + primary(a)->rto.rto;
    if (a->t5_timer == SCTP_TIMER_OFF)
        a->t5_timer = now + 5 * a->ep->cfg.rto_max; /* T5-shutdown-guard */
    sctp_assoc_timers_changed(a);
}

/* Sends SHUTDOWN (or SHUTDOWN ACK) once everything sent is acknowledged. */
void sctp_shutdown_progress(struct sctp_assoc *a, sctp_tstamp now)
{
    if (!sctp_data_all_acked(a))
        return;
    if (a->state == SCTP_S_SHUTDOWN_PENDING) {
        sctp_assoc_set_state(a, SCTP_S_SHUTDOWN_SENT);
        a->send_shutdown = true;
        a->t2_retries = 0;
        start_t2(a, now);
        sctp_ep_tx_schedule(a->ep, a);
    } else if (a->state == SCTP_S_SHUTDOWN_RECEIVED) {
        sctp_assoc_set_state(a, SCTP_S_SHUTDOWN_ACK_SENT);
        a->send_shutdown_ack = true;
        a->t2_retries = 0;
        start_t2(a, now);
        sctp_ep_tx_schedule(a->ep, a);
    }
}

void sctp_shutdown_start(struct sctp_assoc *a, sctp_tstamp now)
{
    switch (a->state) {
    case SCTP_S_COOKIE_WAIT:
        /* Nothing was established: the attempt just ends. */
        sctp_assoc_close(a, SCTP_CANT_STR_ASSOC, 0, NULL, 0);
        return;
    case SCTP_S_COOKIE_ECHOED:
        a->shutdown_pending_user = true; /* continues once up */
        return;
    case SCTP_S_ESTABLISHED:
        sctp_assoc_set_state(a, SCTP_S_SHUTDOWN_PENDING);
        sctp_shutdown_progress(a, now);
        return;
    default:
        return;
    }
}

void sctp_shutdown_on_shutdown(struct sctp_assoc *a, const struct sctp_chunk *c, sctp_tstamp now)
{
    uint32_t cum;
    if (sctp_shutdown_decode(&cum, c) < 0)
        return;
    switch (a->state) {
    case SCTP_S_ESTABLISHED:
    case SCTP_S_SHUTDOWN_PENDING: {
        bool first = a->state == SCTP_S_ESTABLISHED || a->state == SCTP_S_SHUTDOWN_PENDING;
        sctp_assoc_set_state(a, SCTP_S_SHUTDOWN_RECEIVED);
        if (first) {
            struct sctp_event ev = {.type = SCTP_EV_SHUTDOWN, .assoc_id = a->id};
            sctp_ep_event_push(a->ep, &ev);
        }
        sctp_data_cum_ack(a, cum, now);
        sctp_shutdown_progress(a, now);
        break;
    }
    case SCTP_S_SHUTDOWN_RECEIVED:
        sctp_data_cum_ack(a, cum, now);
        sctp_shutdown_progress(a, now);
        break;
    case SCTP_S_SHUTDOWN_SENT:
        /* 9.2: SHUTDOWNs crossed: answer with SHUTDOWN ACK. */
        sctp_data_cum_ack(a, cum, now);
        sctp_assoc_set_state(a, SCTP_S_SHUTDOWN_ACK_SENT);
        a->send_shutdown = false;
        a->send_shutdown_ack = true;
        start_t2(a, now);
        sctp_ep_tx_schedule(a->ep, a);
        break;
    case SCTP_S_SHUTDOWN_ACK_SENT:
        a->send_shutdown_ack = true;
        sctp_ep_tx_schedule(a->ep, a);
        break;
    default:
        break;
    }
}

static void send_shutdown_complete(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                                   bool tbit)
{
    int n;
    uint8_t *b = sctp_ep_ctl_start_assoc(a, &n);
    if (!b)
        return;
    n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_SHUTDOWN_COMPLETE,
                               tbit ? SCTP_FLAG_T : 0, 4);
    sctp_ep_ctl_commit(a->ep, &pkt->dst, &pkt->src, (uint16_t)n);
}

void sctp_shutdown_on_shutdown_ack(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                                   sctp_tstamp now)
{
    (void)now;
    if (a->state == SCTP_S_SHUTDOWN_SENT || a->state == SCTP_S_SHUTDOWN_ACK_SENT) {
        /* 9.2: SHUTDOWN COMPLETE, then the association is gone. */
        send_shutdown_complete(a, pkt, false);
        sctp_assoc_close(a, SCTP_SHUTDOWN_COMP, 0, NULL, 0);
    }
    /* Other states: the endpoint ignores it (8.5.1 E covers COOKIE-*). */
}

void sctp_shutdown_on_shutdown_complete(struct sctp_assoc *a, sctp_tstamp now)
{
    (void)now;
    if (a->state == SCTP_S_SHUTDOWN_ACK_SENT)
        sctp_assoc_close(a, SCTP_SHUTDOWN_COMP, 0, NULL, 0);
}

void sctp_shutdown_t2_expired(struct sctp_assoc *a, sctp_tstamp now)
{
    if (a->state != SCTP_S_SHUTDOWN_SENT && a->state != SCTP_S_SHUTDOWN_ACK_SENT)
        return;
    struct sctp_path *p = primary(a);
    sctp_rto_backoff(&p->rto);
    sctp_assoc_path_failure(a, p, now);
    if (sctp_assoc_error_step(a))
        return;
    if (a->state == SCTP_S_SHUTDOWN_SENT)
        a->send_shutdown = true;
    else
        a->send_shutdown_ack = true;
    a->t2_timer = now + sctp_assoc_data_path(a)->rto.rto;
    sctp_ep_tx_schedule(a->ep, a);
}

void sctp_shutdown_on_abort(struct sctp_assoc *a, const struct sctp_chunk *c)
{
    /* 9.1: the association is gone; the causes go to the user. One that
     * was still setting up never started (RFC 6458 6.1.1: as Linux and
     * usrsctp report it, SCTP_CANT_STR_ASSOC). */
    bool setup = a->state == SCTP_S_COOKIE_WAIT || a->state == SCTP_S_COOKIE_ECHOED;
    sctp_assoc_close(a, setup ? SCTP_CANT_STR_ASSOC : SCTP_COMM_LOST, 0, c->value, c->value_len);
}

void sctp_shutdown_send_abort(struct sctp_assoc *a, uint16_t cause, const void *info, uint16_t ilen,
                              bool user)
{
    struct sctp_endpoint *ep = a->ep;
    uint8_t chunkbuf[4 + 4 + SCTP_ERRBUF_MAX + 4];
    uint16_t clen = 0;
    if (cause) {
        int m = sctp_cause_encode(chunkbuf, sizeof(chunkbuf), cause, info, ilen);
        if (m > 0)
            clen = (uint16_t)m;
    }
    /* Nothing to abort on the wire before the peer's tag is known, nor
     * in answer to a packet that holds an ABORT (RFC 9260 3.3.7). */
    int n;
    uint8_t *b;
    if (a->peer_vtag != 0 && (user || !ep->rx_abort) && (b = sctp_ep_ctl_start_assoc(a, &n))) {
        if (n + 4 + clen > SCTP_CTL_SLOT_LEN)
            clen = 0;
        int c = n;
        n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_ABORT, 0,
                                   (uint16_t)(4 + clen));
        memcpy(b + n, chunkbuf, clen);
        n += clen;
        sctp_chunk_set_length(b + c, (uint16_t)(n - c));
        struct sctp_path *p = sctp_assoc_data_path(a);
        sctp_ep_ctl_commit(ep, &p->src, &p->addr, (uint16_t)n);
    }
    (void)user;
    sctp_assoc_close(a, SCTP_COMM_LOST, cause, chunkbuf, clen);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * usock.c: usrsctp behind neutral names (see usock.h). Only this file
 * includes usrsctp.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <usrsctp.h>

#include "usock.h"

/* Big enough for a 64 KiB message or a SEND_FAILED carrying one. */
#define ACC_MAX (256u * 1024)

struct usock {
    struct socket *so;
    uint8_t *acc; /* message being assembled from partial reads */
    size_t acc_len;
    bool acc_notif;
    struct sctp_rcvinfo acc_info;
    bool eof_reported;
};

static usock_output_fn output_fn;
static void *link_addr;

static int conn_output(void *addr, void *buf, size_t len, uint8_t tos, uint8_t set_df)
{
    (void)tos;
    (void)set_df;
    return output_fn ? output_fn(addr, buf, len) : 0;
}

int usock_init(usock_output_fn out, void *conn_addr, const struct usock_tunables *t)
{
    output_fn = out;
    link_addr = conn_addr;
    usrsctp_init(0, conn_output, NULL);
    /* The setters take effect for sockets and associations created after
     * them; usrsctp's timer thread ticks every 10 ms. */
    usrsctp_sysctl_set_sctp_rto_initial_default(t->rto_initial_ms);
    usrsctp_sysctl_set_sctp_rto_min_default(t->rto_min_ms);
    usrsctp_sysctl_set_sctp_rto_max_default(t->rto_max_ms);
    usrsctp_sysctl_set_sctp_init_rto_max_default(t->init_rto_max_ms);
    usrsctp_sysctl_set_sctp_delayed_sack_time_default(t->sack_delay_ms);
    usrsctp_sysctl_set_sctp_heartbeat_interval_default(t->hb_interval_ms);
    usrsctp_sysctl_set_sctp_sendspace(t->sndbuf);
    usrsctp_sysctl_set_sctp_recvspace(t->rcvbuf);
    /* No time-wait on verification tags between scenarios. */
    usrsctp_sysctl_set_sctp_vtag_time_wait(0);
    usrsctp_register_address(conn_addr);
    return 0;
}

int usock_finish(void)
{
    usrsctp_deregister_address(link_addr);
    for (int i = 0; i < 500; i++) {
        if (usrsctp_finish() == 0)
            return 0;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

void usock_conninput(const void *pkt, size_t len)
{
    usrsctp_conninput(link_addr, pkt, len, 0);
}

int usock_pr_enabled(void)
{
    return usrsctp_sysctl_get_sctp_pr_enable() != 0;
}

static struct usock *wrap(struct socket *so)
{
    struct usock *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->acc = malloc(ACC_MAX);
    if (!s->acc) {
        free(s);
        return NULL;
    }
    s->so = so;
    return s;
}

static int set_int(struct socket *so, int level, int opt, int v)
{
    return usrsctp_setsockopt(so, level, opt, &v, sizeof(v));
}

static struct socket *new_socket(uint16_t port, uint16_t ostreams)
{
    struct socket *so = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    if (!so)
        return NULL;
    if (usrsctp_set_non_blocking(so, 1) < 0)
        goto fail;
    if (set_int(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, 1) < 0)
        goto fail;
    if (set_int(so, IPPROTO_SCTP, SCTP_NODELAY, 1) < 0)
        goto fail;
    static const uint16_t events[] = {SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE, SCTP_REMOTE_ERROR,
                                      SCTP_SHUTDOWN_EVENT, SCTP_SEND_FAILED_EVENT};
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
        struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC, .se_type = events[i], .se_on = 1};
        if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0)
            goto fail;
    }
    struct sctp_initmsg init = {.sinit_num_ostreams = ostreams, .sinit_max_instreams = 64};
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof(init)) < 0)
        goto fail;
    struct sockaddr_conn sc = {
        .sconn_family = AF_CONN, .sconn_port = htons(port), .sconn_addr = link_addr};
    if (usrsctp_bind(so, (struct sockaddr *)&sc, sizeof(sc)) < 0)
        goto fail;
    return so;
fail:;
    int e = errno;
    usrsctp_close(so);
    errno = e;
    return NULL;
}

struct usock *usock_listen(uint16_t port)
{
    struct socket *so = new_socket(port, 16);
    if (!so)
        return NULL;
    if (usrsctp_listen(so, 8) < 0) {
        usrsctp_close(so);
        return NULL;
    }
    struct usock *s = wrap(so);
    if (!s)
        usrsctp_close(so);
    return s;
}

struct usock *usock_accept(struct usock *listener, int *again)
{
    *again = 0;
    struct sockaddr_conn from;
    socklen_t fromlen = sizeof(from);
    struct socket *so = usrsctp_accept(listener->so, (struct sockaddr *)&from, &fromlen);
    if (!so) {
        *again = errno == EWOULDBLOCK || errno == EAGAIN;
        return NULL;
    }
    usrsctp_set_non_blocking(so, 1);
    set_int(so, IPPROTO_SCTP, SCTP_NODELAY, 1);
    struct usock *s = wrap(so);
    if (!s)
        usrsctp_close(so);
    return s;
}

struct usock *usock_connect(uint16_t lport, uint16_t rport, uint16_t ostreams)
{
    struct socket *so = new_socket(lport, ostreams);
    if (!so)
        return NULL;
    struct sockaddr_conn sc = {
        .sconn_family = AF_CONN, .sconn_port = htons(rport), .sconn_addr = link_addr};
    if (usrsctp_connect(so, (struct sockaddr *)&sc, sizeof(sc)) < 0 && errno != EINPROGRESS) {
        usrsctp_close(so);
        return NULL;
    }
    struct usock *s = wrap(so);
    if (!s)
        usrsctp_close(so);
    return s;
}

void usock_close(struct usock *s)
{
    if (!s)
        return;
    usrsctp_close(s->so);
    free(s->acc);
    free(s);
}

void usock_close_abort(struct usock *s)
{
    if (!s)
        return;
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    usrsctp_setsockopt(s->so, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    usock_close(s);
}

int usock_set_delayed_sack(struct usock *s, uint32_t delay_ms, uint32_t freq)
{
    struct sctp_sack_info si = {.sack_assoc_id = 0, .sack_delay = delay_ms, .sack_freq = freq};
    if (usrsctp_setsockopt(s->so, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, sizeof(si)) < 0)
        return -errno;
    return 0;
}

int usock_send(struct usock *s, const void *buf, size_t len, uint16_t sid, uint32_t ppid,
               unsigned flags, uint32_t ttl_ms)
{
    struct sctp_sendv_spa spa;
    memset(&spa, 0, sizeof(spa));
    spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
    spa.sendv_sndinfo.snd_sid = sid;
    spa.sendv_sndinfo.snd_ppid = ppid;
    if (flags & USOCK_UNORDERED)
        spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
    if (flags & USOCK_SACK_IMMEDIATELY)
        spa.sendv_sndinfo.snd_flags |= SCTP_SACK_IMMEDIATELY;
    if (flags & USOCK_EOF)
        spa.sendv_sndinfo.snd_flags |= SCTP_EOF;
    if (flags & USOCK_ABORT)
        spa.sendv_sndinfo.snd_flags |= SCTP_ABORT;
    if (ttl_ms) {
        spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
        spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
        spa.sendv_prinfo.pr_value = ttl_ms;
    }
    ssize_t n = usrsctp_sendv(s->so, buf, len, NULL, 0, &spa, sizeof(spa), SCTP_SENDV_SPA, 0);
    if (n < 0)
        return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -errno;
    return 0;
}

int usock_shutdown(struct usock *s)
{
    return usrsctp_shutdown(s->so, SHUT_WR) < 0 ? -errno : 0;
}

static void to_notification(const uint8_t *buf, size_t len, struct usock_ev *ev)
{
    const union sctp_notification *n = (const void *)buf;
    ev->kind = USOCK_EV_OTHER;
    if (len < sizeof(n->sn_header))
        return;
    switch (n->sn_header.sn_type) {
    case SCTP_ASSOC_CHANGE: {
        const struct sctp_assoc_change *ac = &n->sn_assoc_change;
        if (len < sizeof(*ac))
            return;
        ev->kind = USOCK_EV_ASSOC_CHANGE;
        ev->state = ac->sac_state;
        ev->error = ac->sac_error;
        ev->ostreams = ac->sac_outbound_streams;
        ev->istreams = ac->sac_inbound_streams;
        ev->data = ac->sac_info;
        ev->len = len - sizeof(*ac);
        break;
    }
    case SCTP_SHUTDOWN_EVENT:
        ev->kind = USOCK_EV_SHUTDOWN;
        break;
    case SCTP_PEER_ADDR_CHANGE:
        ev->kind = USOCK_EV_PADDR_CHANGE;
        if (len >= sizeof(n->sn_paddr_change))
            ev->state = (uint16_t)n->sn_paddr_change.spc_state;
        break;
    case SCTP_REMOTE_ERROR: {
        const struct sctp_remote_error *re = &n->sn_remote_error;
        if (len < sizeof(*re))
            return;
        ev->kind = USOCK_EV_REMOTE_ERROR;
        ev->error = ntohs(re->sre_error);
        ev->data = re->sre_data;
        ev->len = len - sizeof(*re);
        break;
    }
    case SCTP_SEND_FAILED_EVENT: {
        const struct sctp_send_failed_event *sf = &n->sn_send_failed_event;
        if (len < sizeof(*sf))
            return;
        ev->kind = USOCK_EV_SEND_FAILED;
        ev->sf_flags = sf->ssfe_flags;
        ev->error = (uint16_t)sf->ssfe_error;
        ev->sid = sf->ssfe_info.snd_sid;
        ev->ppid = sf->ssfe_info.snd_ppid;
        ev->data = sf->ssfe_data;
        ev->len = len - sizeof(*sf);
        break;
    }
    default:
        break;
    }
}

int usock_recv(struct usock *s, struct usock_ev *ev)
{
    memset(ev, 0, sizeof(*ev));
    for (int rounds = 0; rounds < 64; rounds++) {
        if (s->acc_len >= ACC_MAX) {
            ev->kind = USOCK_EV_ERROR;
            ev->err = EMSGSIZE;
            s->acc_len = 0;
            return 1;
        }
        struct sockaddr_conn from;
        socklen_t fromlen = sizeof(from);
        struct sctp_rcvinfo info;
        socklen_t infolen = sizeof(info);
        unsigned int infotype = 0;
        int flags = 0;
        memset(&info, 0, sizeof(info));
        ssize_t n =
            usrsctp_recvv(s->so, s->acc + s->acc_len, ACC_MAX - s->acc_len,
                          (struct sockaddr *)&from, &fromlen, &info, &infolen, &infotype, &flags);
        if (n < 0) {
            if (errno == EWOULDBLOCK || errno == EAGAIN)
                return 0;
            ev->kind = USOCK_EV_ERROR;
            ev->err = errno;
            return 1;
        }
        if (n == 0) {
            if (s->eof_reported)
                return 0;
            s->eof_reported = true;
            ev->kind = USOCK_EV_EOF;
            return 1;
        }
        if (s->acc_len == 0) {
            s->acc_notif = (flags & MSG_NOTIFICATION) != 0;
            if (infotype == SCTP_RECVV_RCVINFO)
                s->acc_info = info;
            else
                memset(&s->acc_info, 0, sizeof(s->acc_info));
        }
        s->acc_len += (size_t)n;
        if (!(flags & MSG_EOR))
            continue; /* partial delivery: the rest follows */
        size_t len = s->acc_len;
        s->acc_len = 0;
        if (s->acc_notif) {
            to_notification(s->acc, len, ev);
            return 1;
        }
        ev->kind = USOCK_EV_DATA;
        ev->sid = s->acc_info.rcv_sid;
        ev->ssn = s->acc_info.rcv_ssn;
        ev->unordered = (s->acc_info.rcv_flags & SCTP_UNORDERED) != 0;
        ev->ppid = s->acc_info.rcv_ppid;
        ev->tsn = s->acc_info.rcv_tsn;
        ev->data = s->acc;
        ev->len = len;
        return 1;
    }
    return 0;
}

int usock_status(struct usock *s, struct usock_status *st)
{
    struct sctp_status ss;
    socklen_t len = sizeof(ss);
    memset(&ss, 0, sizeof(ss));
    memset(st, 0, sizeof(*st));
    if (usrsctp_getsockopt(s->so, IPPROTO_SCTP, SCTP_STATUS, &ss, &len) < 0) {
        st->state = USOCK_ST_CLOSED;
        return -errno;
    }
    st->state = ss.sstat_state == SCTP_ESTABLISHED ? USOCK_ST_ESTABLISHED
                : ss.sstat_state == SCTP_CLOSED    ? USOCK_ST_CLOSED
                                                   : USOCK_ST_OTHER;
    st->rwnd = ss.sstat_rwnd;
    st->unacked = ss.sstat_unackdata;
    st->pending = ss.sstat_penddata;
    st->istreams = ss.sstat_instrms;
    st->ostreams = ss.sstat_outstrms;
    return 0;
}

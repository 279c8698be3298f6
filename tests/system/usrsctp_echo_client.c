/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * usrsctp_echo_client: a usrsctp peer for the system tests. It connects
 * to an echo service over raw IP (usrsctp_init(0, ...) uses raw sockets
 * when the kernel has no SCTP), sends numbered messages round robin over
 * the streams, checks every echo (length, stream, PPID, content, order per
 * stream), and optionally waits for the peer to end the association,
 * reporting whether it saw SHUTDOWN (graceful) or ABORT.
 *
 *   usrsctp_echo_client ADDR PORT [-c ASSOCS] [-n MSGS] [-s SIZE] [-k STREAMS]
 *                       [-w SECONDS] [-t TIMEOUT] [-m MTU] [-f]
 *
 *   -c: that many associations from one process (one usrsctp instance per
 *       namespace: several would answer each other's packets as OOTB).
 *
 *   -w: after the echoes, print READY and wait up to SECONDS for the peer
 *       to end the association. Exit 0 on SHUTDOWN, 3 on ABORT.
 *   -d: send only (to a discard service), expect nothing back.
 *   -x BYTES: send the first BYTES of one message (explicit end of
 *       record: no end), wait a second, then end the association with
 *       ABORT; exit 0.
 *   -m MTU: path MTU of the associations, fixed (no path MTU discovery):
 *       usrsctp does not learn the MTU of the interface it sends on, and
 *       a raw socket refuses what the interface cannot carry.
 *   -f: fast failover: Path.Max.Retrans 1, a heartbeat every 300 ms
 *       (address changes are printed as PADDR ADDR STATE either way).
 *   -l: be the echo server instead: listen on ADDR:PORT, accept one
 *       association, return every message on its stream with its PPID
 *       until the peer ends it; print how many were echoed.
 * Exit 0: every echo checked; 1: a check failed; 2: usage; 4: timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <usrsctp.h>

static int expect_shutdown_exit = 4;

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "usrsctp_echo_client: TIMEOUT\n";
    if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing to do */
    }
    _exit(expect_shutdown_exit);
}

static unsigned char pattern(unsigned seq, unsigned sid, unsigned i)
{
    return (unsigned char)(seq * 13 + sid * 7 + i);
}

static void fill(unsigned char *b, unsigned size, unsigned seq, unsigned sid)
{
    memcpy(b, &seq, 4);
    for (unsigned i = 4; i < size; i++)
        b[i] = pattern(seq, sid, i);
}

static int receive(struct socket *so, unsigned char *buf, size_t len, ssize_t *n,
                   struct sctp_rcvinfo *ri, int *state);

/* -l: one association, every message back on its stream with its PPID. */
static int serve(struct socket *lso, unsigned wait_s)
{
    struct socket *so;
    unsigned char *buf = malloc(65536);
    unsigned long echoed = 0;
    int state = 0;

    if (buf == NULL || usrsctp_listen(lso, 1) < 0) {
        printf("listen: %s\n", strerror(errno));
        return 1;
    }
    printf("LISTENING\n");
    fflush(stdout);
    alarm(wait_s);
    so = usrsctp_accept(lso, NULL, NULL);
    if (so == NULL) {
        printf("accept: %s\n", strerror(errno));
        return 1;
    }
    for (;;) {
        struct sctp_rcvinfo ri;
        struct sctp_sndinfo si;
        ssize_t n;
        int r = receive(so, buf, 65536, &n, &ri, &state);

        if (r < 0)
            break;
        if (r == 0)
            continue;
        memset(&si, 0, sizeof(si));
        si.snd_sid = ri.rcv_sid;
        si.snd_ppid = ri.rcv_ppid;
        if (usrsctp_sendv(so, buf, (size_t)n, NULL, 0, &si, sizeof(si), SCTP_SENDV_SNDINFO, 0) <
            0) {
            printf("send: %s\n", strerror(errno));
            break;
        }
        echoed++;
    }
    printf("echo server: %lu messages echoed, association %s\n", echoed,
           state == 1 || state == 2 ? "shut down" : "ended");
    fflush(stdout);
    usrsctp_close(so);
    free(buf);
    return echoed > 0 ? 0 : 1;
}

static unsigned fixed_mtu; /* -m */
static int fast_failover;  /* -f */

static int set_opts(struct socket *so, unsigned streams)
{
    struct sctp_initmsg im;
    struct sctp_rtoinfo rto;
    const uint16_t events[] = {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT, SCTP_PEER_ADDR_CHANGE};
    int on = 1;

    memset(&im, 0, sizeof(im));
    im.sinit_num_ostreams = (uint16_t)streams;
    im.sinit_max_instreams = (uint16_t)(streams > 16 ? streams : 16);
    im.sinit_max_attempts = 4;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)) < 0)
        return -1;
    memset(&rto, 0, sizeof(rto));
    rto.srto_initial = 500;
    rto.srto_min = 200;
    rto.srto_max = 1000;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) < 0)
        return -1;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on)) < 0)
        return -1;
    if (fixed_mtu || fast_failover) {
        struct sctp_paddrparams pp;
        memset(&pp, 0, sizeof(pp));
        pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
        if (fixed_mtu) {
            pp.spp_flags |= SPP_PMTUD_DISABLE;
            pp.spp_pathmtu = fixed_mtu;
        }
        if (fast_failover) {
            /* A path is given up after one unanswered retransmission or
             * heartbeat, and heartbeated every 300 ms (plus RTO). */
            pp.spp_flags |= SPP_HB_ENABLE;
            pp.spp_hbinterval = 300;
            pp.spp_pathmaxrxt = 1;
        }
        if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) < 0)
            return -1;
    }
    /* Room for messages above a megabyte each way (-s). */
    int bufsz = 8 << 20;
    if (usrsctp_setsockopt(so, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz)) < 0 ||
        usrsctp_setsockopt(so, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz)) < 0)
        return -1;
    for (unsigned i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
        struct sctp_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.se_assoc_id = SCTP_ALL_ASSOC;
        ev.se_type = events[i];
        ev.se_on = 1;
        if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0)
            return -1;
    }
    return 0;
}

/* Returns: 1 data (a whole message: a large one comes in several reads,
 * the last with MSG_EOR), 0 notification handled, -1 end of association. */
static int receive(struct socket *so, unsigned char *buf, size_t len, ssize_t *n,
                   struct sctp_rcvinfo *ri, int *state)
{
    socklen_t fromlen, infolen = sizeof(*ri);
    struct sockaddr_in6 from;
    unsigned int infotype = 0;
    int flags = 0;

    fromlen = sizeof(from);
    *n = usrsctp_recvv(so, buf, len, (struct sockaddr *)&from, &fromlen, ri, &infolen, &infotype,
                       &flags);
    if (*n < 0) {
        printf("recv: %s\n", strerror(errno));
        return -1;
    }
    if (*n == 0)
        return -1;
    while (!(flags & (MSG_NOTIFICATION | MSG_EOR)) && (size_t)*n < len) {
        ssize_t more;
        fromlen = sizeof(from);
        infolen = sizeof(*ri);
        flags = 0;
        more = usrsctp_recvv(so, buf + *n, len - (size_t)*n, (struct sockaddr *)&from, &fromlen, ri,
                             &infolen, &infotype, &flags);
        if (more <= 0) {
            printf("recv: the rest of a message: %s\n", more < 0 ? strerror(errno) : "end");
            return -1;
        }
        *n += more;
    }
    if (flags & MSG_NOTIFICATION) {
        union sctp_notification *sn = (union sctp_notification *)buf;
        if (sn->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
            printf("PEER_SHUTDOWN\n");
            *state = 1;
        } else if (sn->sn_header.sn_type == SCTP_PEER_ADDR_CHANGE) {
            const struct sctp_paddr_change *pc = &sn->sn_paddr_change;
            char a[INET6_ADDRSTRLEN] = "?";
            if (pc->spc_aaddr.ss_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)&pc->spc_aaddr)->sin_addr, a,
                          sizeof(a));
            else if (pc->spc_aaddr.ss_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&pc->spc_aaddr)->sin6_addr, a,
                          sizeof(a));
            printf("PADDR %s %s\n", a,
                   pc->spc_state == SCTP_ADDR_AVAILABLE     ? "AVAILABLE"
                   : pc->spc_state == SCTP_ADDR_UNREACHABLE ? "UNREACHABLE"
                   : pc->spc_state == SCTP_ADDR_CONFIRMED   ? "CONFIRMED"
                                                            : "OTHER");
        } else if (sn->sn_header.sn_type == SCTP_ASSOC_CHANGE) {
            switch (sn->sn_assoc_change.sac_state) {
            case SCTP_COMM_UP:
                printf("COMM_UP streams out %u in %u\n", sn->sn_assoc_change.sac_outbound_streams,
                       sn->sn_assoc_change.sac_inbound_streams);
                break;
            case SCTP_COMM_LOST:
                printf("ABORTED (COMM_LOST)\n");
                *state = 3;
                return -1;
            case SCTP_SHUTDOWN_COMP:
                printf("SHUTDOWN_COMPLETE\n");
                *state = 2;
                return -1;
            case SCTP_CANT_STR_ASSOC:
                printf("CANT_START_ASSOC\n");
                *state = 3;
                return -1;
            default:
                break;
            }
        }
        fflush(stdout);
        return 0;
    }
    if (infotype != SCTP_RECVV_RCVINFO)
        memset(ri, 0, sizeof(*ri));
    return 1;
}

/* Sends msgs messages round robin over the streams, checks each echo. */
static int discard_mode; /* -d: send only, expect no echo */

/* -x: part of a message, then ABORT. */
static int part_then_abort(struct socket *so, unsigned bytes)
{
    unsigned char *buf = calloc(1, 65536);
    struct sctp_sndinfo si;
    unsigned sent = 0;

    if (buf == NULL)
        return 1;
    memset(&si, 0, sizeof(si));
    si.snd_ppid = htonl(0x2000);
    while (sent < bytes) {
        unsigned n = bytes - sent < 65536 ? bytes - sent : 65536;
        if (usrsctp_sendv(so, buf, n, NULL, 0, &si, sizeof(si), SCTP_SENDV_SNDINFO, 0) < 0) {
            printf("send: %s\n", strerror(errno));
            free(buf);
            return 1;
        }
        sent += n;
    }
    free(buf);
    printf("sent %u bytes of a message without its end\n", sent);
    fflush(stdout);
    sleep(1);
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    if (usrsctp_setsockopt(so, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0) {
        printf("SO_LINGER: %s\n", strerror(errno));
        return 1;
    }
    usrsctp_close(so);
    printf("ABORT sent\n");
    fflush(stdout);
    return 0;
}

static int echo_run(struct socket *so, unsigned msgs, unsigned size, unsigned streams)
{
    unsigned char *buf = malloc(size + 1024), *want = malloc(size);
    unsigned *next_rx = calloc(streams, sizeof(unsigned));
    unsigned got = 0;
    int rc = 0, state = 0;

    if (buf == NULL || want == NULL || next_rx == NULL)
        return 1;
    for (unsigned i = 0; i < msgs && rc == 0; i++) {
        struct sctp_sndinfo si;
        unsigned sid = i % streams;
        unsigned seq = i / streams;

        fill(buf, size, seq, sid);
        memset(&si, 0, sizeof(si));
        si.snd_sid = (uint16_t)sid;
        si.snd_ppid = htonl(0x2000 + sid);
        if (usrsctp_sendv(so, buf, size, NULL, 0, &si, sizeof(si), SCTP_SENDV_SNDINFO, 0) < 0) {
            printf("send %u: %s\n", i, strerror(errno));
            rc = 1;
            break;
        }
    }
    if (discard_mode && rc == 0) {
        /* SHUTDOWN completes only once every message is acknowledged. */
        usrsctp_shutdown(so, SHUT_WR);
        for (;;) {
            struct sctp_rcvinfo ri;
            ssize_t n;
            if (receive(so, buf, size + 1024, &n, &ri, &state) < 0)
                break;
        }
        printf("sent %u messages of %u bytes (discard), association %s\n", msgs, size,
               state == 2 ? "shut down" : "lost");
        fflush(stdout);
        rc = state == 2 ? 0 : 1;
        got = msgs = 0;
    }
    while (rc == 0 && got < msgs) {
        struct sctp_rcvinfo ri;
        ssize_t n;
        int r = receive(so, buf, size + 1024, &n, &ri, &state);

        if (r < 0) {
            printf("association ended after %u of %u echoes\n", got, msgs);
            rc = 1;
            break;
        }
        if (r == 0)
            continue;
        unsigned sid = ri.rcv_sid;
        if (sid >= streams || ri.rcv_ppid != htonl(0x2000 + sid) || (size_t)n != size) {
            printf("echo %u: stream %u ppid 0x%x len %zd: wrong\n", got, sid, ntohl(ri.rcv_ppid),
                   n);
            rc = 1;
            break;
        }
        fill(want, size, next_rx[sid], sid);
        if (memcmp(want, buf, size) != 0) {
            printf("echo %u on stream %u: content or order differs\n", got, sid);
            rc = 1;
            break;
        }
        next_rx[sid]++;
        got++;
    }
    if (rc == 0 && !discard_mode)
        printf("echo ok: %u messages of %u bytes on %u streams checked\n", got, size, streams);
    fflush(stdout);
    free(buf);
    free(want);
    free(next_rx);
    return rc;
}

/* Waits for the peer to end the association: 0 SHUTDOWN, 3 ABORT. */
static int wait_end(struct socket *so)
{
    unsigned char buf[2048];
    int state = 0;

    for (;;) {
        struct sctp_rcvinfo ri;
        ssize_t n;
        if (receive(so, buf, sizeof(buf), &n, &ri, &state) < 0)
            break;
    }
    if (state == 1 || state == 2) {
        printf("peer ended the association gracefully (SHUTDOWN)\n");
        fflush(stdout);
        return 0;
    }
    printf("peer ended the association with ABORT or it was lost\n");
    fflush(stdout);
    return 3;
}

int main(int argc, char **argv)
{
    unsigned msgs = 10, size = 100, streams = 2, wait_s = 0, timeout_s = 30;
    struct sockaddr_storage ss;
    socklen_t ss_len;
    int family;
    struct socket *so;
    int opt, rc = 0;
    int listen_mode = 0;
    unsigned conns = 1;

    unsigned abort_after = 0;
    while ((opt = getopt(argc, argv, "n:s:k:w:t:lc:dx:m:f")) != -1) {
        switch (opt) {
        case 'f':
            fast_failover = 1;
            break;
        case 'x':
            abort_after = (unsigned)atoi(optarg);
            break;
        case 'm':
            fixed_mtu = (unsigned)atoi(optarg);
            break;
        case 'c':
            conns = (unsigned)atoi(optarg);
            break;
        case 'd':
            discard_mode = 1;
            break;
        case 'l':
            listen_mode = 1;
            break;
        case 'n':
            msgs = (unsigned)atoi(optarg);
            break;
        case 's':
            size = (unsigned)atoi(optarg);
            break;
        case 'k':
            streams = (unsigned)atoi(optarg);
            break;
        case 'w':
            wait_s = (unsigned)atoi(optarg);
            break;
        case 't':
            timeout_s = (unsigned)atoi(optarg);
            break;
        default:
            return 2;
        }
    }
    if (argc - optind != 2 || size < 4 || size > (4u << 20) || streams == 0 || streams > 64 ||
        conns == 0 || conns > 256 || (fixed_mtu != 0 && (fixed_mtu < 576 || fixed_mtu > 9000))) {
        fprintf(
            stderr,
            "usage: %s ADDR PORT [-l] [-c ASSOCS] [-n MSGS] [-s SIZE>=4] [-k STREAMS] [-w SECONDS] "
            "[-t TIMEOUT] [-m MTU] [-f]\n",
            argv[0]);
        return 2;
    }
    /* ADDR is IPv4 or IPv6: the association runs over raw IPv4 or IPv6. */
    memset(&ss, 0, sizeof(ss));
    uint16_t port = htons((uint16_t)atoi(argv[optind + 1]));
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, argv[optind], &sin->sin_addr) == 1) {
        family = sin->sin_family = AF_INET;
        sin->sin_port = port;
        ss_len = sizeof(*sin);
    } else if (inet_pton(AF_INET6, argv[optind], &sin6->sin6_addr) == 1) {
        family = sin6->sin6_family = AF_INET6;
        sin6->sin6_port = port;
        ss_len = sizeof(*sin6);
    } else {
        fprintf(stderr, "bad address %s\n", argv[optind]);
        return 2;
    }
    signal(SIGALRM, on_alarm);
    alarm(timeout_s + wait_s);

    /* Port 0: raw IP sockets for SCTP (no UDP encapsulation). */
    usrsctp_init(0, NULL, NULL);
    usrsctp_sysctl_set_sctp_blackhole(0);
    so = usrsctp_socket(family, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    if (so == NULL) {
        printf("usrsctp_socket: %s\n", strerror(errno));
        return 1;
    }
    if (set_opts(so, streams) < 0) {
        printf("setsockopt: %s\n", strerror(errno));
        return 1;
    }
    if (abort_after > 0) {
        /* A message ends only with SCTP_EOR, which -x never sends. */
        int on = 1;
        if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_EXPLICIT_EOR, &on, sizeof(on)) < 0) {
            printf("SCTP_EXPLICIT_EOR: %s\n", strerror(errno));
            return 1;
        }
    }
    if (listen_mode) {
        if (usrsctp_bind(so, (struct sockaddr *)&ss, ss_len) < 0) {
            printf("bind: %s\n", strerror(errno));
            return 1;
        }
        expect_shutdown_exit = 4;
        rc = serve(so, timeout_s);
        usrsctp_close(so);
        for (unsigned i = 0; i < 50 && usrsctp_finish() != 0; i++)
            usleep(100000);
        return rc;
    }
    /* One process, several associations: separate usrsctp processes in
     * one namespace would each see the others' packets on their raw
     * sockets and answer them as out of the blue. */
    struct socket **socks = calloc(conns, sizeof(*socks));
    if (socks == NULL)
        return 1;
    socks[0] = so;
    for (unsigned c = 0; c < conns; c++) {
        if (c > 0) {
            socks[c] = usrsctp_socket(family, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
            if (socks[c] == NULL || set_opts(socks[c], streams) < 0) {
                printf("usrsctp_socket: %s\n", strerror(errno));
                return 1;
            }
        }
        if (usrsctp_connect(socks[c], (struct sockaddr *)&ss, ss_len) < 0) {
            printf("connect: %s\n", strerror(errno));
            return 1;
        }
        printf("connected to %s:%s\n", argv[optind], argv[optind + 1]);
        fflush(stdout);
    }
    if (abort_after > 0) {
        rc = part_then_abort(so, abort_after);
        free(socks);
        alarm(0);
        for (unsigned i = 0; i < 50 && usrsctp_finish() != 0; i++)
            usleep(100000);
        return rc;
    }
    for (unsigned c = 0; c < conns && rc == 0; c++)
        rc = echo_run(socks[c], msgs, size, streams);
    if (rc == 0 && wait_s > 0) {
        /* The peer ends them: SHUTDOWN (graceful) or ABORT. */
        expect_shutdown_exit = 4;
        alarm(wait_s);
        printf("READY\n");
        fflush(stdout);
        for (unsigned c = 0; c < conns; c++) {
            int r = wait_end(socks[c]);
            if (r != 0)
                rc = r;
        }
    }
    for (unsigned c = 1; c < conns; c++)
        usrsctp_close(socks[c]);
    free(socks);
    alarm(0);
    usrsctp_close(so);
    for (unsigned i = 0; i < 50 && usrsctp_finish() != 0; i++)
        usleep(100000);
    return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * usock.h: a thin wrapper around usrsctp's AF_CONN sockets for the
 * interop test.
 *
 * usrsctp.h and the core's sctp.h define the same names (SCTP_EOF,
 * struct sctp_sndinfo, ...), so no file includes both: this header
 * exposes usrsctp through neutral names and plain types only.
 *
 * Every socket is one-to-one (SOCK_STREAM), non-blocking, bound to the
 * single AF_CONN address of the link. All calls come from the test's
 * main thread; usrsctp's own timer thread may call the output function
 * given to usock_init() at any time.
 */
#ifndef USOCK_H
#define USOCK_H

#include <stddef.h>
#include <stdint.h>

/* Called by usrsctp (any thread) for every packet it sends. */
typedef int (*usock_output_fn)(void *addr, const void *pkt, size_t len);

struct usock_tunables {
    uint32_t rto_initial_ms, rto_min_ms, rto_max_ms, init_rto_max_ms;
    uint32_t sack_delay_ms;
    uint32_t hb_interval_ms;
    uint32_t sndbuf, rcvbuf;
};

/* Starts usrsctp once per process. Returns 0 or -1. */
int usock_init(usock_output_fn out, void *conn_addr, const struct usock_tunables *t);
/* Stops usrsctp (bounded wait for its sockets to go). Returns 0 or -1. */
int usock_finish(void);
/* Feeds one packet addressed to usrsctp. Main thread only. */
void usock_conninput(const void *pkt, size_t len);
/* Whether usrsctp was built with PR-SCTP enabled by default. */
int usock_pr_enabled(void);

struct usock;

/* Listening socket on port. NULL on failure (errno set). */
struct usock *usock_listen(uint16_t port);
/* Non-blocking accept: NULL with *again set when nothing is pending. */
struct usock *usock_accept(struct usock *listener, int *again);
/* Non-blocking connect from lport to rport. NULL on failure. */
struct usock *usock_connect(uint16_t lport, uint16_t rport, uint16_t ostreams);
void usock_close(struct usock *s);
/* Closes with SO_LINGER 0: an ABORT instead of a SHUTDOWN. */
void usock_close_abort(struct usock *s);

/* Per-socket delayed SACK time (ms) and frequency. Returns 0 or -errno. */
int usock_set_delayed_sack(struct usock *s, uint32_t delay_ms, uint32_t freq);

#define USOCK_UNORDERED        0x1
#define USOCK_SACK_IMMEDIATELY 0x2
#define USOCK_EOF              0x4
#define USOCK_ABORT            0x8

/*
 * Sends one message; ppid is passed through as is (network order). A
 * non-zero ttl_ms asks for PR-SCTP TTL. Returns 0, -EAGAIN when the send
 * buffer is full, or another -errno.
 */
int usock_send(struct usock *s, const void *buf, size_t len, uint16_t sid, uint32_t ppid,
               unsigned flags, uint32_t ttl_ms);
/* Graceful shutdown of the sending side (SHUTDOWN). Returns 0 or -errno. */
int usock_shutdown(struct usock *s);

enum usock_ev_kind {
    USOCK_EV_DATA = 1,
    USOCK_EV_ASSOC_CHANGE,
    USOCK_EV_SHUTDOWN,
    USOCK_EV_SEND_FAILED,
    USOCK_EV_REMOTE_ERROR,
    USOCK_EV_PADDR_CHANGE,
    USOCK_EV_OTHER,
    USOCK_EV_EOF,   /* the peer closed: recv returned 0 */
    USOCK_EV_ERROR, /* recv failed; err holds the errno */
};

/* Values of usock_ev.state for USOCK_EV_ASSOC_CHANGE. */
enum usock_assoc_state {
    USOCK_COMM_UP = 1,
    USOCK_COMM_LOST,
    USOCK_RESTART,
    USOCK_SHUTDOWN_COMP,
    USOCK_CANT_STR_ASSOC,
};

struct usock_ev {
    enum usock_ev_kind kind;
    /* DATA */
    uint16_t sid, ssn;
    int unordered;
    uint32_t ppid, tsn;
    /* ASSOC_CHANGE, SEND_FAILED, REMOTE_ERROR */
    uint16_t state, error, ostreams, istreams;
    uint32_t sf_flags; /* SEND_FAILED: 1 unsent, 2 sent */
    int err;           /* ERROR */
    /* DATA payload, ASSOC_CHANGE info (the ABORT chunk), REMOTE_ERROR
     * data, SEND_FAILED data. Valid until the next usock_recv(). */
    const uint8_t *data;
    size_t len;
};

/* Returns 1 and fills *ev, 0 when nothing is ready. */
int usock_recv(struct usock *s, struct usock_ev *ev);

struct usock_status {
    int state; /* one of USOCK_ST_* */
    uint32_t rwnd, unacked, pending;
    uint16_t istreams, ostreams;
};
#define USOCK_ST_CLOSED      0
#define USOCK_ST_ESTABLISHED 1
#define USOCK_ST_OTHER       2

/* Returns 0 or -errno. */
int usock_status(struct usock *s, struct usock_status *st);

#endif

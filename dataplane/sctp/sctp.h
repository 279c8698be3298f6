/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp.h: the sans-IO SCTP protocol core (RFC 9260, RFC 3758).
 *
 * The core never reads a clock, never makes a syscall and never copies
 * user payload. Time is passed in as monotonic nanoseconds; randomness
 * comes from an injected source; payloads are referenced by opaque handles
 * that the core references and unreferences through injected callbacks.
 *
 * Flow for the caller:
 *   - sctp_endpoint_new() with a config and callbacks;
 *   - every received SCTP packet (the bytes after the IP header) goes to
 *     sctp_endpoint_input();
 *   - packets to transmit are pulled with sctp_endpoint_write_packet()
 *     until it returns 0;
 *   - user events (messages, notifications) are pulled with
 *     sctp_endpoint_poll_event() and given back with sctp_event_release();
 *   - sctp_endpoint_next_timeout() / sctp_endpoint_handle_timeout() drive
 *     timers.
 *
 * Every function returns 0 (or a count) on success and a negative
 * enum sctp_error otherwise; each declaration lists what it returns.
 */
#ifndef SCTP_H
#define SCTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Monotonic time in nanoseconds. */
typedef uint64_t sctp_tstamp;
#define SCTP_TSTAMP_MAX UINT64_MAX
#define SCTP_MS         ((sctp_tstamp)1000000)
#define SCTP_SEC        ((sctp_tstamp)1000000000)

enum sctp_error {
    SCTP_ERR_INVAL = -1,     /* bad argument */
    SCTP_ERR_NOMEM = -2,     /* allocation failed */
    SCTP_ERR_PROTO = -3,     /* malformed packet or protocol violation */
    SCTP_ERR_NOBUF = -4,     /* no room in the caller's buffer */
    SCTP_ERR_STATE = -5,     /* not allowed in the association's state */
    SCTP_ERR_NOTFOUND = -6,  /* no such association */
    SCTP_ERR_AGAIN = -7,     /* send queue full: retry after SACKs arrive */
    SCTP_ERR_MSGSIZE = -8,   /* message larger than the send queue allows */
    SCTP_ERR_CHECKSUM = -9,  /* CRC32c mismatch: packet dropped */
    SCTP_ERR_VTAG = -10,     /* verification tag mismatch: packet dropped */
    SCTP_ERR_STREAM = -11,   /* stream id not negotiated */
    SCTP_ERR_SHUTDOWN = -12, /* association shutting down: no new data */
    SCTP_ERR_ADDR = -13,     /* address not part of the association */
    SCTP_ERR_LIMIT = -14,    /* a configured limit (associations, ...) */
    SCTP_ERR_OOTB = -15,     /* out of the blue packet (answered per 8.4) */
};

const char *sctp_strerror(int error);

/* An IPv4 or IPv6 address, network byte order. */
struct sctp_addr {
    uint8_t family; /* SCTP_AF_INET or SCTP_AF_INET6 */
    uint8_t addr[16];
};
#define SCTP_AF_INET  4
#define SCTP_AF_INET6 6

/* Same family and address. Inline: the receive path compares a packet's
 * addresses with ours and with the association's several times. */
static inline bool sctp_addr_equal(const struct sctp_addr *a, const struct sctp_addr *b)
{
    if (a->family != b->family)
        return false;
    if (a->family == SCTP_AF_INET) {
        uint32_t x, y;
        memcpy(&x, a->addr, 4);
        memcpy(&y, b->addr, 4);
        return x == y;
    }
    uint64_t x[2], y[2];
    memcpy(x, a->addr, 16);
    memcpy(y, b->addr, 16);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}
struct sctp_addr sctp_addr_v4(uint32_t host_order);

/*
 * A piece of payload: bytes plus the handle that keeps them alive.
 *
 * room, on a send: bytes just in front of data that belong to this
 * message alone, which the core may overwrite. With at least
 * SCTP_HDR_ROOM there, a message given as one piece gets the header of
 * its first DATA chunk written in front of it, once, and header and
 * payload go out as one segment; chunks that follow each other in memory
 * (messages packed back to back, each with its header room, lengths a
 * multiple of 4) go out as one segment too. The bytes stay the core's
 * until the message is released. SENDALL ignores room (each association
 * writes its own header).
 *
 * room, on a received message (SCTP_EV_DATA): bytes in front of each
 * piece that the core no longer reads (the DATA chunk header it came
 * in). A message sent on exactly once may be passed back with it, so its
 * new header takes the old one's place (an echo, a relay); one sent more
 * than once must have room set to 0.
 */
struct sctp_frag {
    const uint8_t *data;
    uint32_t len;
    uint32_t room;
    void *handle;
};
#define SCTP_HDR_ROOM 16 /* a DATA chunk header */

/* Flags of struct sctp_sndinfo (values follow the seeds / RFC 6458). */
#define SCTP_UNORDERED        0x0400
#define SCTP_ADDR_OVER        0x0800
#define SCTP_ABORT            0x0200
#define SCTP_EOF              0x0100
#define SCTP_SENDALL          0x1000
#define SCTP_SACK_IMMEDIATELY 0x0008

/* PR-SCTP policies (RFC 3758, RFC 7496). */
enum sctp_pr_policy {
    SCTP_PR_SCTP_NONE = 0,
    SCTP_PR_SCTP_TTL = 1, /* value: lifetime in ms */
    SCTP_PR_SCTP_BUF = 2, /* value: bytes the send queue may hold */
    SCTP_PR_SCTP_RTX = 3, /* value: retransmissions allowed */
};

struct sctp_sndinfo {
    uint16_t sid;
    uint16_t flags;
    uint32_t ppid; /* network byte order, as the seeds pass it */
    uint32_t context;
    uint8_t pr_policy;
    uint32_t pr_value;
    struct sctp_addr addr_over; /* used with SCTP_ADDR_OVER */
};

/* Events for the layer above (RFC 6458 section 6). */
enum sctp_event_type {
    SCTP_EV_DATA = 1,
    SCTP_EV_ASSOC_CHANGE,
    SCTP_EV_PADDR_CHANGE,
    SCTP_EV_REMOTE_ERROR,
    SCTP_EV_SEND_FAILED,
    SCTP_EV_SHUTDOWN,
    SCTP_EV_PDAPI_ABORTED,
};

enum sctp_assoc_change_state {
    SCTP_COMM_UP = 1,
    SCTP_COMM_LOST,
    SCTP_RESTART,
    SCTP_SHUTDOWN_COMP,
    SCTP_CANT_STR_ASSOC,
};

enum sctp_paddr_state {
    SCTP_ADDR_AVAILABLE = 1,
    SCTP_ADDR_UNREACHABLE,
    SCTP_ADDR_MADE_PRIM,
    SCTP_ADDR_CONFIRMED,
    /* RFC 7829: the path's error count passed pf_retrans (it is still
     * probed; SCTP_ADDR_AVAILABLE when it answers again). */
    SCTP_ADDR_POTENTIALLY_FAILED,
};

#define SCTP_EV_DATA_UNORDERED 0x1
/* A part of a message, more of it follows: partial delivery (RFC 9260
 * 6.9) of a message that reached sctp_config.pd_point in reassembly. The
 * parts come in order, in events of their own, the last without this
 * flag; none of another message of the stream comes in between. */
#define SCTP_EV_DATA_PARTIAL 0x2
/* A message of the association as it was before the peer restarted it
 * (RFC 9260 5.2.4: SCTP_RESTART follows). Its sender is gone: what
 * answers it would go to the new incarnation, which never sent it. */
#define SCTP_EV_DATA_BEFORE_RESTART 0x4
#define SCTP_SEND_FAILED_UNSENT     0x1 /* never put on the wire */
#define SCTP_SEND_FAILED_SENT       0x2 /* sent, not acknowledged */

/* Cause bytes carried by an event (ABORT causes, remote errors). */
#define SCTP_EV_CAUSE_MAX 1024

struct sctp_event {
    enum sctp_event_type type;
    uint32_t assoc_id;
    union {
        struct {
            uint16_t sid;
            uint16_t ssn;
            uint32_t ppid; /* network byte order */
            uint32_t tsn;  /* TSN of the first fragment */
            uint32_t flags;
            uint32_t len; /* total bytes in frags */
            uint32_t nfrags;
            /* The nfrags fragments, in order. A message of one fragment
             * (the usual case) has it in frag, inside the event, and
             * frags points there in the event the core filled or
             * sctp_endpoint_poll_events() copied out; a copy made
             * otherwise reads its fragments with sctp_event_frags(). */
            struct sctp_frag *frags;
            struct sctp_frag frag;
        } data;
        struct {
            enum sctp_assoc_change_state state;
            uint16_t error;
            uint16_t outbound_streams;
            uint16_t inbound_streams;
            uint16_t info_len; /* ABORT cause bytes, for COMM_LOST */
            uint8_t *info;     /* freed by sctp_event_release */
        } assoc_change;
        struct {
            struct sctp_addr addr;
            enum sctp_paddr_state state;
            uint16_t error;
        } paddr;
        struct {
            uint16_t cause;
            uint16_t len;
            uint8_t *data; /* freed by sctp_event_release */
        } remote_error;
        struct {
            uint32_t flags; /* SCTP_SEND_FAILED_UNSENT or _SENT */
            uint16_t error; /* the cause, e.g. PR-SCTP abandoned */
            struct sctp_sndinfo info;
            uint32_t len;
            uint32_t nfrags;
            struct sctp_frag *frags; /* the data not delivered */
        } send_failed;
        struct {
            uint16_t sid;
            uint16_t ssn;
        } pdapi;
    } u;
};

/* Called by the core; all optional but payload_ref/unref. */
struct sctp_callbacks {
    void *user;
    void (*payload_ref)(void *user, void *handle);
    void (*payload_unref)(void *user, void *handle);
    /* Optional: n references at once (n >= 1), for several messages or
     * chunks with one handle; without them, payload_ref or payload_unref
     * is called n times. */
    void (*payload_ref_n)(void *user, void *handle, uint32_t n);
    void (*payload_unref_n)(void *user, void *handle, uint32_t n);
    /* Fills len random bytes. Seeded by the caller for reproducibility. */
    void (*random)(void *user, uint8_t *buf, size_t len);
    /* Allocation, defaults to malloc/free. */
    void *(*alloc)(void *user, size_t size);
    void (*free)(void *user, void *ptr);
    /* Optional: the local address to send to dst from (the host's
     * routing); false, or an address not the endpoint's, leaves the choice
     * to the core: the local address with the longest prefix in common
     * with dst. */
    bool (*pick_src)(void *user, const struct sctp_addr *dst, struct sctp_addr *src);
    /* Optional: the path to dst, sent to from src, makes forward
     * progress: a SACK newly acknowledged DATA sent there (once: Karn's
     * rule, a chunk sent again may have arrived by another path), by the
     * cumulative TSN ack or a gap block, or a HEARTBEAT ACK answered a
     * HEARTBEAT sent there. This is the reachability confirmation that
     * RFC 4861 7.3.1 asks of upper layers: the layer below may take the
     * neighbour the path leaves by (its next hop) as reachable without
     * soliciting it. Called at most once per SCTP_PROGRESS_INTERVAL per
     * path, from within the call that handled the packet
     * (sctp_endpoint_input()); it must not call into the endpoint. */
    void (*path_progress)(void *user, const struct sctp_addr *src, const struct sctp_addr *dst);
};

/* The shortest time between two path_progress calls for one path: well
 * below RFC 4861's DELAY_FIRST_PROBE_TIME (5 s), so that a neighbour in
 * use by a busy path is confirmed before it would be probed, at the
 * cost of one comparison per SACK. */
#define SCTP_PROGRESS_INTERVAL SCTP_SEC

#define SCTP_MAX_ADDRS 8

struct sctp_config {
    uint16_t port; /* local SCTP port */
    uint8_t n_addrs;
    struct sctp_addr addrs[SCTP_MAX_ADDRS];
    bool one_to_one; /* at most one association */
    uint16_t num_ostreams;
    uint16_t max_instreams;
    uint32_t rwnd;        /* advertised receiver window, bytes */
    uint32_t pmtu;        /* default path MTU (IP packet size) */
    bool pr_sctp;         /* offer Forward-TSN-Supported */
    bool tx_csum_offload; /* NIC fills the CRC32c of what we send */

    /* RFC 9260 15: protocol parameters. */
    sctp_tstamp rto_initial, rto_min, rto_max;
    sctp_tstamp valid_cookie_life;
    sctp_tstamp hb_interval;
    sctp_tstamp sack_delay; /* at most 500 ms; default 200 ms */
    uint32_t sack_freq;     /* packets before a SACK; default 2 */
    /* Max.Burst (RFC 9260 6.1 D, 16; the RFC suggests 4): packets of new
     * DATA one send opportunity may emit, from the event that schedules
     * the association (a SACK, a timer, a send) until it has nothing more
     * to write. Retransmissions are not counted. Default 0, no limit: a
     * receiver that acknowledges once per receive burst (as sctpdp does)
     * frees many packets with one SACK, and a limit of 4 then holds the
     * sender to 4 packets per SACK. */
    uint32_t max_burst;
    uint32_t max_init_retransmits;
    uint32_t assoc_max_retrans;
    uint32_t path_max_retrans;
    /* RFC 7829 (SCTP-PF) Potentially Failed Max Retrans: a path whose
     * error count passes it is potentially failed: no new DATA or
     * retransmission goes there while another active path is free of
     * errors, and it is heartbeated once per RTO until it answers
     * (or passes path_max_retrans and is inactive). At or above
     * path_max_retrans there is no such state: RFC 9260 alone, the
     * default (UINT32_MAX). 0: a path's first timeout moves its
     * traffic (the quick failover SIGTRAN deployments use). */
    uint32_t pf_retrans;
    /* RFC 7829 6, Primary Path Switchover (Primary.Switchover.Max.Retrans):
     * when the primary is potentially failed or inactive with more errors
     * than this, and another active path not potentially failed carries
     * the DATA, that path becomes the primary
     * (SCTP_ADDR_MADE_PRIM, paths_switched_over), so the traffic stays
     * there when the old primary answers again instead of going back
     * and forth over a flapping link. Default UINT32_MAX: off (the RFC
     * 9260 switchback to the primary). */
    uint32_t ps_retrans;
    /* HB.Max.Burst (RFC 9260 5.4, 16; default 1): HEARTBEATs that probe
     * active UNCONFIRMED addresses, at most this many per RTO of the
     * primary path, so that a peer listing many addresses does not get
     * them all at once. An unconfirmed address found unreachable is
     * probed at the normal heartbeat rate instead (HB.interval + RTO)
     * and does not count. 0: no limit. */
    uint32_t hb_max_burst;
    sctp_tstamp cookie_secret_lifetime; /* rotation period */
    /* A path MTU below pmtu is probed for pmtu again this long after it
     * was lowered (RFC 8201 4: no sooner than 5 minutes after the last
     * too-big, 10 recommended; default 10 minutes), and raised when the
     * probe (a HEARTBEAT padded to that size, RFC 8899) is answered. 0:
     * never. */
    sctp_tstamp pmtu_raise;

    /* Limits that a peer cannot blow up. */
    uint32_t max_assocs;
    /* INIT ACKs per second at most (a GCRA bucket holding a quarter
     * second's worth, at least 16); INITs beyond it are dropped unanswered
     * (init_rate_limited). An INIT ACK is larger than the INIT and costs
     * a cookie's HMAC: the limit bounds both what an INIT flood costs the
     * endpoint and what spoofed INITs make it send to a victim. 0: no
     * limit (the default). */
    uint32_t init_rate;
    /* INIT ACKs per second to one source at most (an IPv4 address, or an
     * IPv6 address's /64), with a bucket of a quarter second's worth (at
     * least 16), checked before init_rate: one flooding source (or /64)
     * then takes no more than this of init_rate, and INITs from others
     * still get through. Sources share 256 buckets, two candidates each
     * under a keyed hash. 0: no limit per source (the default). */
    uint32_t init_rate_per_source;
    /* A source that completed a handshake with the endpoint (it answered
     * an INIT ACK there, or sent the INIT ACK we asked for: a spoofer off
     * the path cannot) stays proven this long after its last association
     * came up. When init_rate refuses an INIT, one from a proven source
     * is still answered from a second bucket of init_rate's size
     * (init_proven_answered), within init_rate_per_source: a flood of
     * INITs from spoofed sources no longer keeps the endpoint's own peers
     * from coming back after a failure. Sources (an IPv4 address, or an
     * IPv6 /64) share 1024 slots, two candidates each under a keyed
     * hash; a new one takes the candidate proven longest ago. 0: no
     * sources kept (the default). */
    sctp_tstamp init_proven;
    uint32_t max_sendq_bytes; /* per association */
    uint32_t max_reasm_bytes; /* per association */
    /* DATA chunks held for reassembly or ordering per association (each
     * costs a node and pins its packet): 0 takes one per 256 bytes of
     * max_reasm_bytes. At least 64. */
    uint32_t max_reasm_chunks;
    uint32_t max_gap_blocks; /* reported in a SACK at most (default: as many as fit) */
    uint32_t max_dup_tsns;   /* reported in a SACK */
    uint32_t tsn_window;     /* TSNs tracked above the cumulative ack */
    uint32_t pd_point;       /* partial delivery starts at this size */

    /* Locally chosen verification tags: (random & ~vtag_mask) | vtag_value.
     * The daemon puts the owner lcore index in the low bits. */
    uint32_t vtag_mask;
    uint32_t vtag_value;
};

/* Fills cfg with RFC 9260 section 16 defaults and project limits. */
void sctp_config_default(struct sctp_config *cfg);

struct sctp_endpoint;

/* Returns NULL if cfg is invalid or memory runs out. */
struct sctp_endpoint *sctp_endpoint_new(const struct sctp_config *cfg,
                                        const struct sctp_callbacks *cb, sctp_tstamp now);
/* Frees every association and releases every payload reference held. */
void sctp_endpoint_free(struct sctp_endpoint *ep);
/* While refuse is set, no association is started: an INIT or a COOKIE
 * ECHO that would start one gets an ABORT (Out of Resource, as when
 * max_assocs are up) and sctp_endpoint_connect() returns SCTP_ERR_STATE.
 * The associations there are go on (a peer's restart of one included):
 * for an endpoint that is closing (a listener closed while its
 * associations shut down). */
void sctp_endpoint_refuse_new(struct sctp_endpoint *ep, bool refuse);

/* Checksum state of a received packet. */
enum sctp_csum_state {
    SCTP_CSUM_UNCHECKED = 0, /* the core computes CRC32c */
    SCTP_CSUM_GOOD,          /* the NIC checked it */
    SCTP_CSUM_BAD,           /* the NIC found it wrong */
};

struct sctp_rx_packet {
    const uint8_t *data; /* SCTP common header onwards, contiguous */
    uint32_t len;
    void *handle; /* referenced for every DATA chunk the core keeps */
    struct sctp_addr src, dst;
    enum sctp_csum_state csum;
};

/*
 * Processes one received packet. Returns 0, or SCTP_ERR_CHECKSUM,
 * SCTP_ERR_PROTO, SCTP_ERR_VTAG, SCTP_ERR_OOTB (the packet was dropped or
 * answered as the RFC says), SCTP_ERR_NOMEM.
 */
int sctp_endpoint_input(struct sctp_endpoint *ep, const struct sctp_rx_packet *pkt,
                        sctp_tstamp now);

#define SCTP_TX_HDR_MAX  2048 /* header bytes (common header + chunks) */
#define SCTP_TX_SEGS_MAX 64

/*
 * An outgoing packet: an ordered list of segments. A segment with a NULL
 * handle points into hdr[]; otherwise it is payload owned by the send
 * queue, valid until the next call into the endpoint (take your own
 * reference to keep it, e.g. rte_pktmbuf_clone).
 */
struct sctp_tx_packet {
    struct sctp_addr src, dst;
    uint32_t len; /* total bytes */
    uint16_t nsegs;
    bool csum_filled; /* false when tx_csum_offload: the NIC fills it */
    /* Larger than its path's MTU: a DATA chunk made for a larger path
     * MTU than the path has now (an ICMP too-big lowered it while the
     * chunk was in flight). A TSN's chunk is never cut again, so the
     * packet goes with DF clear, fragmented at the source to path_mtu
     * (RFC 9260 7.3; RFC 4960 7.3 item 3). New packets never are. */
    bool frag_ok;
    uint32_t path_mtu; /* the IP MTU of the path the packet goes to */
    uint32_t assoc_id; /* 0 for packets of no association */
    struct sctp_frag segs[SCTP_TX_SEGS_MAX];
    uint8_t hdr[SCTP_TX_HDR_MAX];
};

/* Produces the next packet to send. Returns 1 if *pkt was filled, 0 if
 * there is nothing to send now. */
int sctp_endpoint_write_packet(struct sctp_endpoint *ep, struct sctp_tx_packet *pkt,
                               sctp_tstamp now);

/* A DATA event's fragments (u.data.nfrags of them), wherever the event
 * was copied to. */
static inline const struct sctp_frag *sctp_event_frags(const struct sctp_event *ev)
{
    return ev->u.data.nfrags == 1 ? &ev->u.data.frag : ev->u.data.frags;
}

/* Returns 1 and fills *ev if an event is pending, 0 otherwise. */
int sctp_endpoint_poll_event(struct sctp_endpoint *ep, struct sctp_event *ev);
/* Gives the event back: frees its fragment list and drops its payload
 * references. Take your own references first to keep the payload. */
void sctp_event_release(struct sctp_endpoint *ep, struct sctp_event *ev);
/* Up to max events at once, in order, as sctp_endpoint_poll_event()
 * gives them one by one. Returns the number taken. */
unsigned sctp_endpoint_poll_events(struct sctp_endpoint *ep, struct sctp_event *evs, unsigned max);
/* The queued events in place, without a copy: up to max of them, in
 * order, as one run of the endpoint's ring (*evs is the first; fewer
 * than are queued where the ring wraps: consume these and call again).
 * They stay the endpoint's and may be read (and their payloads
 * referenced) until sctp_endpoint_consume_events(); nothing else may be
 * called on the endpoint in between. Returns the number in the run. */
unsigned sctp_endpoint_peek_events(struct sctp_endpoint *ep, struct sctp_event **evs, unsigned max);
/* Gives back the first n events of the last peek, as
 * sctp_event_release_burst() does; what is left of the run stays peeked.
 * 0, or SCTP_ERR_INVAL (nothing given back) for more than the peek gave
 * or once another call took events off the ring. */
int sctp_endpoint_consume_events(struct sctp_endpoint *ep, unsigned n);
/* Gives back n events as sctp_event_release() does each: the payload
 * references of consecutive fragments on one buffer are dropped together
 * (sctp_callbacks.payload_unref_n), and the receive window of an
 * association is updated once per run of its DATA events. */
void sctp_event_release_burst(struct sctp_endpoint *ep, struct sctp_event *evs, unsigned n);

sctp_tstamp sctp_endpoint_next_timeout(const struct sctp_endpoint *ep);
void sctp_endpoint_handle_timeout(struct sctp_endpoint *ep, sctp_tstamp now);

/*
 * Starts an association to the peer's addresses (the first is primary).
 * If first is non-NULL, that message is queued and rides on the COOKIE
 * ECHO. Returns 0 and sets *assoc_id, or SCTP_ERR_INVAL, SCTP_ERR_LIMIT,
 * SCTP_ERR_NOMEM, SCTP_ERR_STATE (one-to-one endpoint already has one).
 */
int sctp_endpoint_connect(struct sctp_endpoint *ep, const struct sctp_addr *peers, unsigned n_peers,
                          uint16_t peer_port, uint16_t ostreams, const struct sctp_sndinfo *first,
                          const struct sctp_frag *payload, uint32_t *assoc_id, sctp_tstamp now);

/*
 * Queues one message (the payload handle is referenced, never copied).
 * Flags: SCTP_UNORDERED, SCTP_SACK_IMMEDIATELY, SCTP_ADDR_OVER, SCTP_EOF
 * (graceful shutdown after the data), SCTP_ABORT (payload is the abort
 * reason), SCTP_SENDALL (assoc_id ignored: every association).
 * Returns the number of associations the message was queued on (1 unless
 * SENDALL), or SCTP_ERR_NOTFOUND, SCTP_ERR_STREAM, SCTP_ERR_AGAIN,
 * SCTP_ERR_MSGSIZE, SCTP_ERR_SHUTDOWN, SCTP_ERR_ADDR, SCTP_ERR_NOMEM,
 * SCTP_ERR_INVAL.
 */
int sctp_endpoint_send(struct sctp_endpoint *ep, uint32_t assoc_id, const struct sctp_sndinfo *info,
                       const struct sctp_frag *payload, sctp_tstamp now);

/*
 * The same, with the message given as nparts pieces in order (a scatter
 * list: a reassembled message, sctp_sendv's iovecs): 1 to
 * SCTP_SEND_PARTS_MAX pieces, each with data, a length above 0 and a
 * handle, each referenced and none copied. No DATA chunk spans two
 * pieces. SCTP_ABORT takes at most one piece (the reason); SCTP_EOF
 * alone takes none. SCTP_ERR_INVAL for a list that breaks these rules.
 * The limit lets a received message be sent on as it came, one piece per
 * DATA chunk, however small the peer cut it: an association holds fewer
 * chunks than that for reassembly unless max_reasm_chunks (or
 * max_reasm_bytes / 256) is set above it.
 */
#define SCTP_SEND_PARTS_MAX 65535
int sctp_endpoint_sendv(struct sctp_endpoint *ep, uint32_t assoc_id,
                        const struct sctp_sndinfo *info, const struct sctp_frag *parts,
                        unsigned nparts, sctp_tstamp now);

/* One message of a burst: a single piece, its stream, PPID and flags. */
struct sctp_sendm {
    struct sctp_frag frag;
    uint16_t sid;
    uint16_t flags; /* SCTP_UNORDERED, SCTP_SACK_IMMEDIATELY */
    uint32_t ppid;  /* network byte order */
};

/*
 * Queues n messages on one association in order, each as if by
 * sctp_endpoint_send() with info (NULL: none) and the message's own
 * stream, PPID and flags (added to info's): the association is looked up
 * and checked once, and the payload references of messages that share a
 * handle are taken together (sctp_callbacks.payload_ref_n). info's flags
 * may be SCTP_UNORDERED, SCTP_SACK_IMMEDIATELY and SCTP_ADDR_OVER;
 * SCTP_EOF, SCTP_ABORT and SCTP_SENDALL are SCTP_ERR_INVAL. Stops at the
 * first message that cannot be queued: returns the number queued (the
 * rest stay the caller's), or, when that is none, the error of the first
 * message, as sctp_endpoint_send() gives it.
 */
int sctp_endpoint_send_burst(struct sctp_endpoint *ep, uint32_t assoc_id,
                             const struct sctp_sndinfo *info, const struct sctp_sendm *msgs,
                             unsigned n, sctp_tstamp now);

/* Graceful shutdown (RFC 9260 9.2). SCTP_ERR_NOTFOUND, SCTP_ERR_STATE. */
int sctp_assoc_shutdown(struct sctp_endpoint *ep, uint32_t assoc_id, sctp_tstamp now);
/* ABORT with a User-Initiated Abort cause (12) carrying reason. */
int sctp_assoc_abort(struct sctp_endpoint *ep, uint32_t assoc_id, const uint8_t *reason,
                     uint16_t reason_len, sctp_tstamp now);
/* Chooses the primary peer address. SCTP_ERR_NOTFOUND, SCTP_ERR_ADDR. */
int sctp_assoc_set_primary(struct sctp_endpoint *ep, uint32_t assoc_id,
                           const struct sctp_addr *addr);
/* Feeds a path MTU learned from ICMP (RFC 9260 7.3). quoted holds the
 * start of the SCTP packet the ICMP message quotes (common header first,
 * quoted_len bytes): its verification tag must be the peer's, or 0 with an
 * INIT whose Initiate Tag is ours (RFC 9260 10, ICMP5 and ICMP6); otherwise the
 * message is ignored (SCTP_ERR_PROTO). Only decreases are taken; a
 * probe looks for the configured MTU again sctp_config.pmtu_raise after
 * the last one. DATA chunks in flight on the path that no longer fit it
 * were lost with the packet the ICMP quotes: they are sent again at
 * once (with frag_ok), without the congestion response of a loss. */
int sctp_assoc_update_pmtu(struct sctp_endpoint *ep, const struct sctp_addr *peer,
                           uint16_t peer_port, const uint8_t *quoted, size_t quoted_len,
                           uint32_t mtu, sctp_tstamp now);

/* RFC 9260 10, ICMP8: an ICMPv4 "protocol unreachable" or ICMPv6
 * "unrecognized next header" quoting a packet of ours (checked as for
 * sctp_assoc_update_pmtu). The peer has no SCTP: the association ends as
 * if it had sent an ABORT with the T bit (SCTP_COMM_LOST, or
 * SCTP_CANT_STR_ASSOC while it was being set up). A quoted INIT ends it
 * only in COOKIE-WAIT. Not taken from a peer that sent a packet of the
 * association within RTO.Min (at least 1 s): its host has SCTP (see
 * sctp_endpoint.c). Returns 1 if it ended the association, 0 if the
 * message changed nothing, SCTP_ERR_NOTFOUND or SCTP_ERR_PROTO. */
int sctp_assoc_icmp_unreachable(struct sctp_endpoint *ep, const struct sctp_addr *peer,
                                uint16_t peer_port, const uint8_t *quoted, size_t quoted_len,
                                sctp_tstamp now);

/* RFC 9260 10, ICMP9: an ICMP "destination unreachable" (network or host
 * unreachable or unknown, administratively prohibited; not a port or
 * protocol unreachable) quoting a packet of ours (checked as for
 * sctp_assoc_update_pmtu) counts one error against its path, at most one
 * per RTO, as a T3 expiry would: with sctp_config.pf_retrans 0 its
 * traffic moves at once, and Path.Max.Retrans such errors make it
 * inactive. Returns 1 if it counted, 0 if not, SCTP_ERR_NOTFOUND or
 * SCTP_ERR_PROTO. */
int sctp_assoc_icmp_dest_unreachable(struct sctp_endpoint *ep, const struct sctp_addr *peer,
                                     uint16_t peer_port, const uint8_t *quoted, size_t quoted_len,
                                     sctp_tstamp now);

enum sctp_state {
    SCTP_S_CLOSED = 0,
    SCTP_S_COOKIE_WAIT,
    SCTP_S_COOKIE_ECHOED,
    SCTP_S_ESTABLISHED,
    SCTP_S_SHUTDOWN_PENDING,
    SCTP_S_SHUTDOWN_SENT,
    SCTP_S_SHUTDOWN_RECEIVED,
    SCTP_S_SHUTDOWN_ACK_SENT,
};
const char *sctp_state_name(enum sctp_state s);

struct sctp_path_info {
    struct sctp_addr addr;
    struct sctp_addr src; /* the local address it is sent from */
    bool active;
    bool pf;        /* potentially failed (RFC 7829; sctp_config.pf_retrans) */
    bool confirmed; /* RFC 9260 5.4 */
    bool primary;
    uint32_t cwnd, ssthresh, flight, mtu, error_count;
    sctp_tstamp srtt, rttvar, rto;
};

struct sctp_assoc_info {
    uint32_t assoc_id;
    enum sctp_state state;
    uint16_t peer_port;
    uint16_t ostreams, istreams;
    uint32_t local_vtag, peer_vtag;
    uint32_t peer_rwnd, outstanding_bytes, queued_bytes;
    uint32_t next_tsn, cum_ack_in;
    uint64_t retransmissions, fast_retransmissions, t3_expiries;
    /* Chunks sent again at once when the peer reopened a zero window
     * without having received them (see sctp_data_on_sack). */
    uint64_t reopen_retransmissions;
    /* Send opportunities cut short by Max.Burst (sctp_config.max_burst). */
    uint64_t max_burst_limited;
    /* Receive side: DATA chunks held for reassembly or ordering, and
     * their payload bytes. A stream waiting for a message that never
     * completes shows here. */
    uint32_t reasm_chunks, reasm_bytes;
    uint8_t n_paths;
    struct sctp_path_info paths[SCTP_MAX_ADDRS];
};

/* SCTP_ERR_NOTFOUND. */
int sctp_assoc_get_info(const struct sctp_endpoint *ep, uint32_t assoc_id,
                        struct sctp_assoc_info *info);
/* Of sctp_assoc_get_info, the two figures a sender polls: the user data
 * held (queued_bytes: not yet sent, or sent and not yet acknowledged) and
 * the part of it in flight (outstanding_bytes). Either pointer may be
 * NULL. SCTP_ERR_NOTFOUND. */
int sctp_assoc_get_sendq(const struct sctp_endpoint *ep, uint32_t assoc_id, uint32_t *queued_bytes,
                         uint32_t *outstanding_bytes);
/* Whether the peer holds up what the association has to send: more bytes
 * wait to be sent than the peer's window takes (a peer that stopped
 * reading; what SCTP_RX_PRESSURE_BLOCKED holds back). 1, 0, or
 * SCTP_ERR_NOTFOUND. */
int sctp_assoc_peer_blocked(const struct sctp_endpoint *ep, uint32_t assoc_id);
/*
 * Memory pressure from the layer below (its buffer pool running low):
 * while on, every association advertises a receiver window of 0 and
 * drops the DATA it receives without keeping a reference (the peer sends
 * it again later, RFC 9260 6.2), so payload references stop piling up
 * while SACKs, which free buffers, are still processed. Turning it off
 * sends each association's window update.
 */
void sctp_endpoint_set_rx_pressure(struct sctp_endpoint *ep, bool on);
/*
 * The same in steps. SCTP_RX_PRESSURE_HOLES holds back only the
 * associations whose reassembly holds 64 chunks or more behind a missing
 * TSN (the TSN itself is still taken): what they hold stays as long as
 * the peer leaves the TSN missing. SCTP_RX_PRESSURE_BLOCKED also holds
 * back those whose peer holds up what they have to send: more bytes wait
 * to be sent than the peer's window takes (a peer that stopped reading).
 * That one is for a user that keeps what it receives until the peer
 * takes what it sends back (an echo, a reply queued behind the others):
 * a few such peers could take the whole pool. A user that reads and lets
 * go of what it receives must not use it: two such ends, each short of
 * buffers, would each hold back the other for good. The other
 * associations, whose data moves, go on receiving. An association that
 * its peer's SACK frees gets a window update at once, not at the peer's
 * next zero window probe. SCTP_RX_PRESSURE_ALL is
 * sctp_endpoint_set_rx_pressure(ep, true). Lowering the level sends the
 * window updates of the associations it frees.
 */
enum sctp_rx_pressure {
    SCTP_RX_PRESSURE_OFF = 0,
    SCTP_RX_PRESSURE_HOLES = 1,
    SCTP_RX_PRESSURE_BLOCKED = 2,
    SCTP_RX_PRESSURE_ALL = 3,
};
void sctp_endpoint_set_rx_pressure_level(struct sctp_endpoint *ep, enum sctp_rx_pressure level);
/*
 * The same for one association: while held, it advertises a receiver
 * window of 0, keeps no new DATA (the peer sends it again) and delivers
 * nothing: messages it completes while held (a chunk that fills a hole
 * is still taken) wait in it, in order, so that an application that
 * cannot keep up with one peer (its replies to that peer waiting) stops
 * taking more from it without holding back the others. Releasing it
 * delivers what waits and sends the window update; an association that
 * ends while held delivers what waits first. 0, or SCTP_ERR_NOTFOUND.
 */
int sctp_assoc_set_rx_hold(struct sctp_endpoint *ep, uint32_t assoc_id, bool on);

/* Calls fn for every association id; stops when fn returns non-zero. */
void sctp_endpoint_foreach_assoc(const struct sctp_endpoint *ep,
                                 int (*fn)(void *arg, uint32_t assoc_id), void *arg);

struct sctp_endpoint_stats {
    uint64_t rx_packets, rx_chunks, rx_data_chunks, rx_bad_csum, rx_bad_vtag, rx_malformed, rx_ootb,
        rx_dup_tsns;
    uint64_t tx_packets, tx_chunks, tx_data_chunks, retransmissions;
    /* Path MTU: lowered by ICMP, lowered for a black hole (no ICMP),
     * probes for a larger one sent, probes lost PROBES_MAX times in a
     * row, raises, and packets sent larger than their path's MTU
     * (frag_ok). */
    uint64_t pmtu_decreases, pmtu_blackholes, pmtu_probes, pmtu_probes_failed, pmtu_raises,
        tx_frag_ok;
    /* Associations ended by an ICMP protocol unreachable (ICMP8), and
     * such messages not taken: the peer's SCTP spoke within the RTO. */
    uint64_t icmp_aborts, icmp_unreach_ignored;
    /* Paths that became potentially failed (RFC 7829), and paths that
     * became inactive (Path.Max.Retrans). */
    uint64_t paths_pf, paths_failed;
    /* Primaries given up for another path by ps_retrans (RFC 7829 6). */
    uint64_t paths_switched_over;
    /* INITs left unanswered by sctp_config.init_rate. */
    uint64_t init_rate_limited;
    /* INITs left unanswered by sctp_config.init_rate_per_source. */
    uint64_t init_source_limited;
    /* INITs init_rate refused, answered for a proven source
     * (sctp_config.init_proven). */
    uint64_t init_proven_answered;
    /* ICMP destination unreachable (ICMP9) counted as a path error, and
     * not counted (within an RTO of the last error, or path inactive). */
    uint64_t icmp_dest_unreach, icmp_dest_unreach_ignored;
    uint64_t assocs_established, assocs_aborted;
    uint32_t assocs_by_state[SCTP_S_SHUTDOWN_ACK_SENT + 1];
};
void sctp_endpoint_get_stats(const struct sctp_endpoint *ep, struct sctp_endpoint_stats *st);

/* The verification tag a COOKIE ECHO's cookie was made for, so that any
 * lcore can route it to its owner. Returns 0 and sets *vtag, or
 * SCTP_ERR_PROTO. */
int sctp_cookie_peek_vtag(const uint8_t *pkt, uint32_t len, uint32_t *vtag);

#ifdef __cplusplus
}
#endif
#endif

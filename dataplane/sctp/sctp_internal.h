/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_internal.h: the association, path, send queue and endpoint
 * structures shared by the core's modules. Not part of the API.
 */
#ifndef SCTP_INTERNAL_H
#define SCTP_INTERNAL_H

#include "sctp.h"
#include "sctp_codec.h"
#include "sctp_cookie.h"
#include "sctp_mem.h"
#include "sctp_reasm.h"
#include "sctp_tsn.h"
#include "sctp_tsnmap.h"

#define SCTP_TIMER_OFF SCTP_TSTAMP_MAX

/* A hint that p is read (or written) soon. */
#define SCTP_PREFETCH(p)   __builtin_prefetch((p), 0, 3)
#define SCTP_PREFETCH_W(p) __builtin_prefetch((p), 1, 3)

/* ---- RTO (RFC 9260 6.3) ---- */
struct sctp_rto {
    sctp_tstamp srtt, rttvar, rto;
    sctp_tstamp rto_min, rto_max;
    bool measured;
};
void sctp_rto_init(struct sctp_rto *r, sctp_tstamp initial, sctp_tstamp min, sctp_tstamp max);
/* 6.3.1 C1-C3: a new RTT measurement R. */
void sctp_rto_measure(struct sctp_rto *r, sctp_tstamp rtt);
/* 6.3.3 E2: timer expiry doubles the RTO, up to RTO.Max. */
void sctp_rto_backoff(struct sctp_rto *r);

/* ---- congestion control (RFC 9260 7.2) ---- */
struct sctp_cc {
    uint32_t cwnd, ssthresh, partial_bytes_acked, flight;
    uint32_t mtu; /* SCTP bytes per packet on the path (PMTU - IP header) */
    bool in_fast_recovery;
    /* 7.2.3: after a T3 expiry, one packet in flight until a SACK
     * acknowledges something sent on the path. */
    bool one_packet;
    uint32_t fast_recovery_exit; /* TSN: leave fast recovery when acked */
};
/* 7.2.1: initial cwnd and ssthresh. */
void sctp_cc_init(struct sctp_cc *cc, uint32_t mtu, uint32_t peer_rwnd, bool v6);
/* 7.2.1, 7.2.2: bytes newly acknowledged by a SACK (cumulative ack and
 * gap blocks), with cc->flight already reduced by them; cum_tsn for the
 * fast recovery exit test. */
void sctp_cc_on_ack(struct sctp_cc *cc, uint32_t bytes_acked, bool cum_advanced, uint32_t cum_tsn);
/* 7.2.4: entering fast retransmit. highest_outstanding: the exit point. */
void sctp_cc_on_fast_retransmit(struct sctp_cc *cc, uint32_t highest_outstanding);
/* 7.2.3: T3-rtx expiry. */
void sctp_cc_on_timeout(struct sctp_cc *cc);
/* 7.2.1: no DATA sent on the path for rtos RTOs. */
void sctp_cc_on_idle(struct sctp_cc *cc, uint32_t rtos);
/* May new data be sent? 6.1 B: one more packet while cwnd is not full. */
static inline bool sctp_cc_can_send(const struct sctp_cc *cc)
{
    return cc->flight < cc->cwnd && !(cc->one_packet && cc->flight > 0);
}

/* ---- paths (RFC 9260 8.2, 8.3) ---- */
struct sctp_path {
    struct sctp_addr addr;
    struct sctp_addr src; /* the local address packets to addr leave from */
    struct sctp_rto rto;
    struct sctp_cc cc;
    uint32_t pmtu; /* IP MTU */
    /* Path MTU (RFC 8899). A lowered MTU is raised again only once a
     * probe of the larger size (a HEARTBEAT padded with a PAD chunk) is
     * answered: pmtu_raise_at starts one. A black hole is two T3
     * expiries in a row for the same chunk too large for the base MTU,
     * with a HEARTBEAT answered in between (small packets get through). */
    sctp_tstamp pmtu_raise_at;  /* next probe for a larger MTU (OFF: none) */
    sctp_tstamp probe_deadline; /* the probe in flight is lost by then */
    uint64_t probe_nonce;
    uint32_t probe_size;     /* IP bytes of the probe in flight (0: none) */
    uint32_t bh_tsn;         /* the chunk of the last suspicious T3 */
    sctp_tstamp bh_at;       /* and when it expired */
    sctp_tstamp hb_acked_at; /* a HEARTBEAT here was last answered (0: never) */
    bool hb_quiet;           /* the HEARTBEAT outstanding tests the path for
                              * a black hole: its loss is no path error */
    uint8_t bh_strikes;
    uint8_t probe_tries;
    bool probe_pending; /* the probe is to be written */
    uint32_t error_count;
    sctp_tstamp fail_at; /* when error_count last grew */
    sctp_tstamp ok_at;   /* when it last proved to work (sctp_assoc_path_success) */
    /* The next forward progress to report (sctp_path_progress): 0 at
     * first, then SCTP_PROGRESS_INTERVAL after the last report. */
    sctp_tstamp progress_next;
    bool active;
    bool pf; /* potentially failed (RFC 7829): sctp_assoc_path_failure */
    bool confirmed;
    bool hb_pending; /* a HEARTBEAT is to be written */
    bool hb_outstanding;
    sctp_tstamp hb_timer; /* next HEARTBEAT, or its ACK deadline */
    sctp_tstamp hb_sent;
    uint64_t hb_nonce;
    sctp_tstamp t3_timer;      /* T3-rtx for data outstanding on this path */
    sctp_tstamp last_new_data; /* first transmission of DATA here (0: never) */
    sctp_tstamp last_data_tx;  /* DATA last sent here, new or again (0: never) */
    /* RFC 9260 6.3.1 C4: one RTT sample per round trip. The first DATA
     * chunk sent after the previous sample is timed; its acknowledgement
     * gives the next sample, unless it was retransmitted (C5, Karn). */
    bool rtt_pending;
    uint32_t rtt_tsn;
    sctp_tstamp rtt_sent;
    /* peer address hash chain */
    struct sctp_path *hash_next;
    struct sctp_assoc *assoc;
};

/* IP header bytes in front of an SCTP packet to an address of family. */
static inline uint32_t sctp_ip_hdr_len(uint8_t family)
{
    return family == SCTP_AF_INET6 ? 40 : 20;
}

/* ---- send side ---- */
struct sctp_msg {
    struct sctp_msg *next; /* unsent queue or free list */
    const uint8_t *data;   /* one piece: the payload; several: unused */
    void *handle;
    uint32_t len;      /* the whole message */
    uint32_t sent_off; /* bytes already put into chunks */
    /* A message given as several pieces (sctp_endpoint_sendv): their
     * list, and where sent_off is in it. NULL for one piece. */
    struct sctp_frag *parts;
    uint16_t nparts, part;
    uint32_t part_off;
    uint32_t refs; /* chunks in the retransmission ring */
    uint16_t sid;
    uint16_t ssn;
    uint16_t flags; /* SCTP_UNORDERED, SCTP_SACK_IMMEDIATELY */
    uint8_t pr_policy;
    bool abandoned;
    bool failed_reported;
    bool in_unsent; /* still linked in the unsent queue */
    bool hdr_room;  /* its first chunk's header goes in front of data */
    uint32_t ppid;
    uint32_t context;
    uint32_t pr_value;
    sctp_tstamp expire;          /* TTL deadline, or SCTP_TIMER_OFF */
    struct sctp_path *path_over; /* ADDR_OVER destination */
};

enum sctp_chunk_state {
    SCTP_OUT_INFLIGHT = 0, /* sent, awaiting acknowledgement */
    SCTP_OUT_ACKED,        /* gap acknowledged (may be renaged) */
    SCTP_OUT_RETRANSMIT,   /* marked for retransmission */
    SCTP_OUT_ABANDONED,    /* PR-SCTP: given up on */
};

struct sctp_out_chunk {
    struct sctp_msg *msg;
    const uint8_t *data;
    void *handle; /* of the piece of msg that data lies in */
    uint32_t tsn;
    uint16_t len;
    uint8_t flags; /* B E U I */
    uint8_t state;
    uint8_t nsent;
    uint8_t miss;
    bool fast_rtx;  /* already fast retransmitted once (7.2.4) */
    bool in_flight; /* counted in its path's flight size */
    bool hdr_room;  /* its header lies in front of data (sctp_frag.room) */
    /* RFC 3758 3.5 F5: abandoned while in flight on path, and neither
     * acknowledged nor found lost since: miss indications and T3-rtx
     * still look for its loss, for the congestion adjustment. */
    bool loss_watch;
    struct sctp_path *path;
    sctp_tstamp sent_at;
};

/*
 * A light message: one piece, with room for its DATA chunk header in
 * front of its payload, that one chunk carries whole, with no PR-SCTP
 * policy, no ADDR_OVER address and no context. It gets no sctp_msg: it
 * waits in the light ring, in order, and its chunk in the retransmission
 * ring has msg NULL (its stream, SSN and PPID are in the header written
 * in front of its payload when it is first sent). Light messages are
 * queued only while no full message waits (sctp_sendq.unsent_head), so
 * the light ring always comes first: the order of sending is the order
 * of queueing.
 */
struct sctp_light {
    const uint8_t *data;
    void *handle;
    uint32_t len;
    uint16_t sid;
    uint16_t flags; /* SCTP_UNORDERED, SCTP_SACK_IMMEDIATELY */
    uint32_t ppid;
};

/* The retransmission ring: chunks with TSN cum_ack+1 .. next_tsn-1. */
struct sctp_sendq {
    struct sctp_out_chunk *ring;
    uint32_t cap;      /* power of two */
    uint32_t head_tsn; /* TSN at the ring's head (= cum_ack + 1) */
    uint32_t count;
    struct sctp_msg *unsent_head, *unsent_tail;
    uint32_t unsent_bytes;
    uint32_t outstanding_bytes; /* in flight, not acked */
    uint32_t queued_bytes;      /* all payload held (unsent + ring) */
    uint32_t n_retransmit;      /* chunks marked for retransmission */
    /* Light messages not yet sent, oldest at light_head (a power of two
     * of slots, allocated on first use). */
    struct sctp_light *light;
    uint32_t light_cap, light_head, light_count;
};

int sctp_sendq_init(struct sctp_sendq *q, uint32_t cap, const struct sctp_callbacks *cb);
void sctp_sendq_free(struct sctp_sendq *q, const struct sctp_callbacks *cb);
static inline struct sctp_out_chunk *sctp_sendq_at(const struct sctp_sendq *q, uint32_t tsn)
{
    uint32_t i = tsn - q->head_tsn;
    return i < q->count ? &q->ring[(q->head_tsn + i) & (q->cap - 1)] : NULL;
}
/* Doubles the ring. 0 or SCTP_ERR_NOMEM. */
int sctp_sendq_grow(struct sctp_sendq *q, const struct sctp_callbacks *cb);
/* The slot for the next TSN, counted but left as it is: the caller
 * writes every field. Grows the ring; NULL on NOMEM. */
static inline struct sctp_out_chunk *sctp_sendq_push_raw(struct sctp_sendq *q,
                                                         const struct sctp_callbacks *cb)
{
    if (q->count == q->cap && sctp_sendq_grow(q, cb) < 0)
        return NULL;
    struct sctp_out_chunk *c = &q->ring[(q->head_tsn + q->count) & (q->cap - 1)];
    q->count++;
    return c;
}
/* Appends a chunk with the next TSN, zeroed; NULL on NOMEM. */
static inline struct sctp_out_chunk *sctp_sendq_push(struct sctp_sendq *q,
                                                     const struct sctp_callbacks *cb)
{
    struct sctp_out_chunk *c = sctp_sendq_push_raw(q, cb);
    if (c)
        *c = (struct sctp_out_chunk){.tsn = q->head_tsn + q->count - 1};
    return c;
}
/* Light messages (struct sctp_light). */
static inline struct sctp_light *sctp_light_at(const struct sctp_sendq *q, uint32_t i)
{
    return &q->light[(q->light_head + i) & (q->light_cap - 1)];
}
/* Doubles the light ring (or makes its first slots). 0 or SCTP_ERR_NOMEM. */
int sctp_light_grow(struct sctp_sendq *q, const struct sctp_callbacks *cb);
/* The slot for the next light message, counted; NULL on NOMEM. */
static inline struct sctp_light *sctp_light_push(struct sctp_sendq *q,
                                                 const struct sctp_callbacks *cb)
{
    if (q->light_count == q->light_cap && sctp_light_grow(q, cb) < 0)
        return NULL;
    return &q->light[(q->light_head + q->light_count++) & (q->light_cap - 1)];
}
static inline void sctp_light_pop(struct sctp_sendq *q)
{
    q->light_head = (q->light_head + 1) & (q->light_cap - 1);
    q->light_count--;
}
/* Whether a chunk in the retransmission ring is a light message's. */
static inline bool sctp_chunk_is_light(const struct sctp_out_chunk *c)
{
    return c->msg == NULL;
}
/* Anything waiting to be sent for the first time. */
static inline bool sctp_sendq_unsent(const struct sctp_sendq *q)
{
    return q->light_count || q->unsent_head;
}

/* Removes the head chunk (acknowledged by the cumulative TSN). */
static inline void sctp_sendq_pop(struct sctp_sendq *q)
{
    if (q->count == 0)
        return;
    q->head_tsn++;
    q->count--;
}

/* ---- association ---- */
#define SCTP_ERRBUF_MAX 512
#define SCTP_HBINFO_MAX 256
/* DATA chunks outstanding at most (RFC 9260 6.1: 2^16 - 1 ordered
 * messages of a stream in the send window). */
#define SCTP_OUT_CHUNKS_MAX 65535u
/* Gap Ack Blocks in one SACK at most: as many as a packet of header
 * bytes (SCTP_TX_HDR_MAX) holds (RFC 9260 6.2: as many as fit). */
#define SCTP_GAPS_MAX ((SCTP_TX_HDR_MAX - SCTP_COMMON_HDR_LEN - 16) / 4)
/* The largest State Cookie of a peer's INIT ACK taken: what one packet of
 * header bytes (SCTP_TX_HDR_MAX) carries back in a COOKIE ECHO. */
#define SCTP_COOKIE_MAX (SCTP_TX_HDR_MAX - SCTP_COMMON_HDR_LEN - 4)

struct sctp_endpoint;

struct sctp_assoc {
    struct sctp_endpoint *ep;
    uint32_t id;
    enum sctp_state state;
    uint32_t local_vtag, peer_vtag;
    uint32_t local_tie_tag, peer_tie_tag;
    uint16_t peer_port;
    uint16_t ostreams, istreams;
    bool peer_pr_sctp;
    bool shutdown_pending_user; /* SHUTDOWN/EOF asked before ESTABLISHED */
    bool freed_pending;         /* closed: free after this call */

    /* paths */
    uint8_t n_paths;
    uint8_t primary;
    struct sctp_path paths[SCTP_MAX_ADDRS];
    struct sctp_path *sack_path; /* where DATA last came from */
    /* HB.Max.Burst: the next path verification HEARTBEAT is due no
     * sooner than this; verify_sent of them went since verify_window. */
    sctp_tstamp verify_window;
    uint32_t verify_sent;

    /* send side */
    uint32_t next_tsn;
    uint32_t cum_ack_in;   /* peer's cumulative TSN ack */
    uint32_t adv_peer_ack; /* RFC 3758 Advanced.Peer.Ack.Point */
    uint32_t peer_rwnd;
    uint32_t peer_a_rwnd; /* the peer's last a_rwnd, before what is outstanding */
    struct sctp_sendq q;
    uint16_t *next_ssn; /* per outbound stream */
    bool fwd_tsn_pending;
    /* The last FORWARD TSN sent: its New Cumulative TSN, the peer's
     * cumulative TSN ack then, when, and the RTT to wait before the same
     * one goes again (RFC 3758 3.5 F2). */
    bool fwd_sent;
    uint8_t fwd_path; /* index of the path it went to */
    uint32_t fwd_sent_tsn, fwd_sent_cum;
    sctp_tstamp fwd_sent_at, fwd_sent_rtt;
    uint32_t n_pr_msgs;     /* queued messages with a PR-SCTP policy */
    sctp_tstamp pr_timer;   /* earliest PR-SCTP TTL among queued messages */
    sctp_tstamp pmtu_timer; /* earliest pmtu_raise_at or probe_deadline of the paths */
    sctp_tstamp last_rx;    /* a packet of the association last came in (0: never) */
    uint32_t rtx_count_total, error_count;

    /* receive side */
    struct sctp_tsnmap map;
    struct sctp_reasm *reasm;
    uint32_t undelivered_bytes; /* events not yet released by the user */
    uint32_t data_pkts_unacked;
    bool sack_needed, sack_now;
    bool data_received; /* a DATA chunk came in (5.1: the first gets a SACK at once) */
    sctp_tstamp sack_timer;
    bool rwnd_dropped;      /* DATA dropped for want of room since the last SACK */
    bool rx_hold;           /* sctp_assoc_set_rx_hold */
    bool window_update_due; /* a SACK advertising the open window is to follow */
    bool rwnd_update_wait;  /* the window reopened, too little yet to say so (SWS) */

    /* handshake */
    uint8_t init_retries;
    uint8_t t1_path; /* where the INIT or COOKIE ECHO goes (index of paths) */
    uint32_t local_init_tsn;
    sctp_tstamp t1_timer;
    uint8_t *cookie; /* to echo, while COOKIE-ECHOED */
    uint16_t cookie_len;
    sctp_tstamp cookie_preserve; /* after a stale cookie error */
    sctp_tstamp cookie_sent_at;  /* the COOKIE ECHO last went */
    bool cookie_ack_pending;
    bool send_init, send_cookie_echo;
    bool fast_rtx_pending;        /* one packet of fast retransmits may exceed cwnd */
    struct sctp_path *rtx_path;   /* alternate destination after T3 (6.4.1) */
    bool zero_window_sack;        /* the last SACK since a T3 expiry or a zero window probe
                                   * closed the window */
    bool peer_window_closed;      /* the last SACK's a_rwnd took no DATA (SCTP_WINDOW_SHUT) */
    sctp_tstamp window_closed_at; /* when such a SACK followed an open window */
    /* RFC 9260 6.1 A: zero window probing. With the window closed and
     * nothing outstanding, the first probe goes one RTO after that was
     * seen (zwp_timer), each next one after twice the interval before,
     * up to RTO.Max (its T3-rtx timer runs for that interval). zwp_due:
     * the next new DATA chunk may go as a probe. zwp_interval 0: not
     * probing; set back to 0 by a SACK with the window open. */
    sctp_tstamp zwp_timer;
    sctp_tstamp zwp_interval;
    bool zwp_due;
    /* 6.2.1 D iii: the highest TSN gap acknowledged, while above the
     * cumulative TSN ack: a SACK reporting less has reneged up to it. */
    bool gap_acked;
    uint32_t gap_acked_hi;
    bool sack_cum_only; /* the SACK handled is a SHUTDOWN's cumulative TSN ack */

    /* shutdown */
    sctp_tstamp t2_timer, t5_timer;
    uint8_t t2_retries;
    bool send_shutdown, send_shutdown_ack, send_shutdown_complete;

    /* control chunks waiting for the next packet */
    uint16_t errbuf_len; /* error causes for an ERROR chunk */
    uint8_t errbuf[SCTP_ERRBUF_MAX];
    bool hb_ack_pending;
    struct sctp_path *hb_ack_path;
    uint16_t hb_ack_len;
    uint8_t hb_ack_info[SCTP_HBINFO_MAX];

    /* timers: heap position, cached earliest deadline */
    sctp_tstamp next_timer;
    uint32_t heap_idx;
    bool tx_listed;
    uint32_t burst_pkts;    /* packets of new DATA since listed (Max.Burst) */
    uint64_t burst_limited; /* opportunities that Max.Burst cut short */
    struct sctp_assoc *tx_next;

    /* hash chains */
    struct sctp_assoc *id_next, *vtag_next;

    /* counters */
    uint64_t retransmissions, fast_retransmissions, t3_expiries, reopen_retransmissions;
};

/* ---- endpoint ---- */
#define SCTP_CTL_SLOTS     32   /* stateless replies queued at most */
#define SCTP_CTL_SLOTS_MAX 4096 /* with the packets of associations */
#define SCTP_CTL_SLOT_LEN  1500

struct sctp_ctl_packet {
    struct sctp_addr src, dst;
    uint16_t len;
    uint8_t bytes[SCTP_CTL_SLOT_LEN];
};

/* A 32-bit integer hash (the hash tables, the INIT rate buckets). */
static inline uint32_t sctp_hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352d;
    x ^= x >> 15;
    x *= 0x846ca68b;
    x ^= x >> 16;
    return x;
}

#define SCTP_INIT_SRC_SLOTS    256
#define SCTP_INIT_PROVEN_SLOTS 1024

struct sctp_endpoint {
    struct sctp_config cfg;
    struct sctp_callbacks cb;
    struct sctp_cookie_keys keys;
    uint32_t next_assoc_id;
    uint32_t n_assocs;
    bool refuse_new;      /* sctp_endpoint_refuse_new */
    uint8_t rx_pressure;  /* enum sctp_rx_pressure (sctp_endpoint_set_rx_pressure_level) */
    bool rx_abort;        /* the packet being handled holds an ABORT chunk */
    sctp_tstamp init_tat; /* INIT ACK rate (cfg.init_rate): theoretical arrival time */
    /* cfg.init_rate_per_source: buckets by keyed hash of the source. */
    uint32_t init_src_seed;
    struct {
        uint32_t key;
        sctp_tstamp tat;
    } init_src[SCTP_INIT_SRC_SLOTS];
    /* cfg.init_proven: sources that completed a handshake, until when,
     * and the bucket their INITs take from when init_rate's is empty. */
    struct {
        uint32_t key;
        sctp_tstamp until;
    } init_proven[SCTP_INIT_PROVEN_SLOTS];
    sctp_tstamp init_proven_tat;

    uint32_t hash_mask;
    struct sctp_assoc **by_id, **by_vtag;
    struct sctp_path **by_peer;

    /* timer heap of associations */
    struct sctp_assoc **heap;
    uint32_t heap_len, heap_cap;

    /* associations with something to send */
    struct sctp_assoc *tx_head, *tx_tail;

    /* stateless replies (INIT ACK, OOTB ABORT, SHUTDOWN COMPLETE) */
    uint32_t ctl_head, ctl_count, ctl_cap;
    struct sctp_ctl_packet *ctl;

    /* events for the user */
    struct sctp_event *events;
    uint32_t ev_head, ev_count, ev_cap;
    /* The run the last sctp_endpoint_peek_events() gave (peeked events
     * from ev_head); 0 once consumed or once anything moved the ring. */
    uint32_t ev_peeked;

    struct sctp_assoc *last_found; /* one-entry cache for lookups by id */

    struct sctp_msg *msg_free;
    uint32_t msg_free_count;

    struct sctp_endpoint_stats stats;
};

/* endpoint services used by the association modules */
struct sctp_assoc *sctp_ep_find_id(const struct sctp_endpoint *ep, uint32_t id);
struct sctp_assoc *sctp_ep_find_vtag(const struct sctp_endpoint *ep, uint32_t vtag);
struct sctp_path *sctp_ep_find_peer(const struct sctp_endpoint *ep, const struct sctp_addr *a,
                                    uint16_t port);
/* The ring slot the next event goes to (the ring grown if full), NULL on
 * NOMEM; ev_count++ queues what was written there. */
struct sctp_event *sctp_ep_event_slot_grow(struct sctp_endpoint *ep);
static inline struct sctp_event *sctp_ep_event_slot(struct sctp_endpoint *ep)
{
    if (ep->ev_count == ep->ev_cap)
        return sctp_ep_event_slot_grow(ep);
    return &ep->events[(ep->ev_head + ep->ev_count) & (ep->ev_cap - 1)];
}
int sctp_ep_event_push(struct sctp_endpoint *ep, const struct sctp_event *ev);
/* Reserves a stateless packet slot: returns its bytes (room
 * SCTP_CTL_SLOT_LEN) or NULL when full. Finish with sctp_ep_ctl_commit. */
uint8_t *sctp_ep_ctl_reserve(struct sctp_endpoint *ep);
/* The same for a packet an association owes its peer (ABORT, SHUTDOWN
 * COMPLETE, ERROR): the queue grows for these, up to SCTP_CTL_SLOTS_MAX,
 * so that, e.g., aborting many associations at once loses none. */
uint8_t *sctp_ep_ctl_reserve_assoc(struct sctp_endpoint *ep);
/* sctp_ep_ctl_reserve_assoc() for association a, with its common header
 * (ports, the peer's tag) written: the slot, and in *n the bytes used;
 * NULL when full. */
uint8_t *sctp_ep_ctl_start_assoc(struct sctp_assoc *a, int *n);
void sctp_ep_ctl_commit(struct sctp_endpoint *ep, const struct sctp_addr *src,
                        const struct sctp_addr *dst, uint16_t len);
uint32_t sctp_ep_random32(struct sctp_endpoint *ep);
/* The local address to send to dst from: same family, longest common
 * prefix (so each path of a multi-homed pair leaves by its own network). */
struct sctp_addr sctp_ep_pick_src(const struct sctp_endpoint *ep, const struct sctp_addr *dst);
uint32_t sctp_ep_new_vtag(struct sctp_endpoint *ep);
/* Message records: a free list of the most recently released (warm in
 * the cache), the rest from the allocator. */
#define SCTP_MSG_FREE_MAX 4096
static inline struct sctp_msg *sctp_ep_msg_get(struct sctp_endpoint *ep)
{
    struct sctp_msg *m = ep->msg_free;
    if (m) {
        ep->msg_free = m->next;
        ep->msg_free_count--;
        if (m->next)
            SCTP_PREFETCH_W(m->next);
    } else {
        m = sctp_mem_alloc(&ep->cb, sizeof(*m));
        if (!m)
            return NULL;
    }
    return m; /* its fields are for the caller to set, every one */
}
static inline void sctp_ep_msg_put(struct sctp_endpoint *ep, struct sctp_msg *m)
{
    if (ep->msg_free_count >= SCTP_MSG_FREE_MAX) {
        sctp_mem_free(&ep->cb, m);
        return;
    }
    m->next = ep->msg_free;
    ep->msg_free = m;
    ep->msg_free_count++;
}
void sctp_ep_tx_schedule(struct sctp_endpoint *ep, struct sctp_assoc *a);
void sctp_ep_timer_update(struct sctp_endpoint *ep, struct sctp_assoc *a);
void sctp_ep_hash_vtag(struct sctp_endpoint *ep, struct sctp_assoc *a, bool add);
void sctp_ep_hash_paths(struct sctp_endpoint *ep, struct sctp_assoc *a, bool add);

/* ---- association modules ---- */
/* sctp_assoc.c: life cycle, timers, output, events */
/* Room for one more association (max_assocs, one_to_one, refuse_new). */
bool sctp_ep_can_add(const struct sctp_endpoint *ep);
struct sctp_assoc *sctp_assoc_new(struct sctp_endpoint *ep, uint16_t peer_port,
                                  const struct sctp_addr *peers, unsigned n_peers, sctp_tstamp now);
/* Tears down: releases all memory and references; unhashes. */
void sctp_assoc_destroy(struct sctp_assoc *a);
/* Moves to ESTABLISHED-ready state from negotiated parameters. */
int sctp_assoc_setup_tcb(struct sctp_assoc *a, uint32_t local_tsn, uint32_t peer_tsn,
                         uint32_t peer_rwnd, uint16_t ostreams, uint16_t istreams);
void sctp_assoc_set_state(struct sctp_assoc *a, enum sctp_state s);
void sctp_assoc_notify_change(struct sctp_assoc *a, enum sctp_assoc_change_state st, uint16_t error,
                              const uint8_t *info, uint16_t info_len);
void sctp_assoc_notify_paddr(struct sctp_assoc *a, struct sctp_path *p, enum sctp_paddr_state st);
/* Closes with COMM_LOST (or the given state), failing queued messages. */
void sctp_assoc_close(struct sctp_assoc *a, enum sctp_assoc_change_state st, uint16_t error,
                      const uint8_t *info, uint16_t info_len);
void sctp_assoc_timers_changed(struct sctp_assoc *a);
void sctp_assoc_handle_timeout(struct sctp_assoc *a, sctp_tstamp now);
int sctp_assoc_write(struct sctp_assoc *a, struct sctp_tx_packet *pkt, sctp_tstamp now);
struct sctp_path *sctp_assoc_path_of(struct sctp_assoc *a, const struct sctp_addr *addr);
/* Sets p up as a new path of a to addr: fresh RTO, congestion and timer
 * state, ACTIVE, CONFIRMED as told (5.4). */
void sctp_path_init(struct sctp_assoc *a, struct sctp_path *p, const struct sctp_addr *addr,
                    bool confirmed);
struct sctp_path *sctp_assoc_data_path(struct sctp_assoc *a);
/* RFC 9260 6.4.1: an active CONFIRMED path other than p for a
 * retransmission, one not potentially failed first (RFC 7829); NULL if
 * none. */
struct sctp_path *sctp_assoc_alt_path(struct sctp_assoc *a, const struct sctp_path *p);
sctp_tstamp sctp_assoc_hb_next(struct sctp_assoc *a, const struct sctp_path *p, sctp_tstamp now);
void sctp_assoc_add_error(struct sctp_assoc *a, uint16_t code, const void *info, uint16_t len);
void sctp_assoc_path_failure(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now);
void sctp_assoc_path_success(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now);
/* RFC 4861 7.3.1: the path made forward progress (new DATA sent there
 * acknowledged, a HEARTBEAT there answered): tells the layer above
 * (sctp_callbacks.path_progress), at most once per
 * SCTP_PROGRESS_INTERVAL, so that the SACK path pays one comparison. */
void sctp_path_progress_report(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now);
static inline void sctp_path_progress(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now)
{
    if (__builtin_expect(now >= p->progress_next, 0))
        sctp_path_progress_report(a, p, now);
}
/* Counts toward Association.Max.Retrans; returns true if it closed. */
bool sctp_assoc_error_step(struct sctp_assoc *a);

/* sctp_assoc_setup.c: RFC 9260 5 */
int sctp_setup_send_init(struct sctp_assoc *a, uint8_t *p, size_t room);
void sctp_setup_on_init(struct sctp_endpoint *ep, struct sctp_assoc *a,
                        const struct sctp_rx_packet *pkt, const struct sctp_common_hdr *h,
                        const struct sctp_chunk *c, sctp_tstamp now);
int sctp_setup_on_init_ack(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                           const struct sctp_chunk *c, sctp_tstamp now);
/* Returns the association the cookie set up or matched (NULL: dropped). */
struct sctp_assoc *sctp_setup_on_cookie_echo(struct sctp_endpoint *ep, struct sctp_assoc *a,
                                             const struct sctp_rx_packet *pkt,
                                             const struct sctp_common_hdr *h,
                                             const struct sctp_chunk *c, sctp_tstamp now);
void sctp_setup_on_cookie_ack(struct sctp_assoc *a, sctp_tstamp now);
void sctp_setup_on_stale_cookie(struct sctp_assoc *a, uint32_t staleness_us, sctp_tstamp now);
void sctp_setup_t1_expired(struct sctp_assoc *a, sctp_tstamp now);

/* sctp_assoc_data.c: RFC 9260 6, 7, RFC 3758 */
int sctp_data_on_data(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                      const struct sctp_chunk *c, struct sctp_path *from, sctp_tstamp now);
/*
 * The usual DATA of a packet, chunk after chunk, without the general
 * path's call per chunk: from the DATA chunk in *c (its end at *off),
 * each chunk that sctp_data_on_data() would deliver at once (a whole
 * message, the next TSN with nothing held above it, due on its stream
 * or unordered, within the window, the budget and the event ring) goes
 * into the event queue. Stops at the first chunk that is not such a one
 * and leaves it in *c for the general path. *took: the chunks taken.
 * Returns what the last sctp_chunk_next() did: 1 with a chunk in *c
 * (always so when none was taken), 0 at the packet's end, < 0 for a
 * malformed chunk.
 */
int sctp_data_on_data_run(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                          struct sctp_chunk *c, size_t *off, struct sctp_path *from,
                          unsigned *took);
void sctp_data_after_packet(struct sctp_assoc *a, bool had_data, sctp_tstamp now);
int sctp_data_on_sack(struct sctp_assoc *a, const struct sctp_chunk *c, sctp_tstamp now);
/* T1-cookie expired: the DATA in flight goes again with the COOKIE ECHO. */
void sctp_data_cookie_resend(struct sctp_assoc *a, sctp_tstamp now);
void sctp_data_on_forward_tsn(struct sctp_assoc *a, const struct sctp_chunk *c, sctp_tstamp now);
/* Processes a cumulative TSN ack (from SACK or SHUTDOWN). */
void sctp_data_cum_ack(struct sctp_assoc *a, uint32_t cum, sctp_tstamp now);
int sctp_data_enqueue(struct sctp_assoc *a, const struct sctp_sndinfo *info,
                      const struct sctp_frag *parts, unsigned nparts, sctp_tstamp now);
int sctp_data_enqueue_burst(struct sctp_assoc *a, const struct sctp_sndinfo *info,
                            const struct sctp_sendm *msgs, unsigned n, sctp_tstamp now);
void sctp_data_t3_expired(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now);
/* RFC 9260 6.1 A, zero window probing: zwp_arm starts the wait for the
 * next probe (the window is closed, nothing outstanding) unless one is
 * running or due; zwp_expired: the wait is over; zwp_sent: a probe went
 * to p, whose T3-rtx timer runs for the next, doubled interval; zwp_reset:
 * the window is open again. */
void sctp_data_zwp_arm(struct sctp_assoc *a, sctp_tstamp now);
void sctp_data_zwp_expired(struct sctp_assoc *a);
void sctp_data_zwp_sent(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now);
void sctp_data_zwp_reset(struct sctp_assoc *a);
void sctp_data_pmtu_lowered(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now);
/* Path MTU (sctp_assoc.c): the smallest MTU a path is lowered to without
 * ICMP (RFC 8899 BASE_PLPMTU), setting a path's MTU, recomputing
 * a->pmtu_timer, and a probe's answer or failure. */
uint32_t sctp_path_base_mtu(const struct sctp_path *p);
void sctp_path_set_mtu(struct sctp_assoc *a, struct sctp_path *p, uint32_t mtu, sctp_tstamp now);
void sctp_assoc_pmtu_timer(struct sctp_assoc *a);
/* A HEARTBEAT to p now; quiet: its loss is no path error. */
void sctp_assoc_heartbeat_now(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now,
                              bool quiet);
/* A path MTU probe's HEARTBEAT ACK: true if it answered the probe in
 * flight (nonce and size), which the path then takes as its MTU. */
bool sctp_assoc_probe_acked(struct sctp_assoc *a, struct sctp_path *p, uint64_t nonce,
                            uint32_t size);
/* The probe in flight failed (lost PROBES_MAX times, or a too-big below
 * its size): the path keeps its MTU until the next period. */
void sctp_assoc_probe_failed(struct sctp_assoc *a, struct sctp_path *p, sctp_tstamp now);
void sctp_data_pr_check(struct sctp_assoc *a, sctp_tstamp now);
void sctp_data_deliver(struct sctp_assoc *a);
/* The same, also while the association is held (sctp_assoc_set_rx_hold):
 * before its end or a restart, which would drop what waits. */
void sctp_data_deliver_all(struct sctp_assoc *a);
/* The peer holds up what the association has to send: more bytes wait
 * to be sent than its window takes (SCTP_RX_PRESSURE_BLOCKED). */
static inline bool sctp_peer_blocked(const struct sctp_assoc *a)
{
    return a->q.queued_bytes - a->q.outstanding_bytes > a->peer_rwnd;
}
/* Reassembly holds chunks behind a missing TSN, more than a few (each
 * may keep a buffer of its own), for as long as the peer leaves the TSN
 * missing (SCTP_RX_PRESSURE_HOLES and BLOCKED; the TSN itself is still
 * taken). */
#define SCTP_HOLE_HOLD_CHUNKS 64
static inline bool sctp_hole_held(const struct sctp_assoc *a)
{
    return a->reasm && sctp_reasm_chunks(a->reasm) >= SCTP_HOLE_HOLD_CHUNKS &&
           sctp_tsnmap_has_gaps(&a->map);
}
/* The association keeps no new DATA and advertises a window of 0: the
 * user holds it (sctp_assoc_set_rx_hold), or the layer below is short of
 * buffers (sctp_endpoint_set_rx_pressure_level) for every association or
 * for those whose peer holds them up or their data behind a hole. */
static inline bool sctp_rx_restricted(const struct sctp_assoc *a)
{
    uint8_t level = a->ep->rx_pressure;
    if (a->rx_hold)
        return true;
    if (__builtin_expect(level == SCTP_RX_PRESSURE_OFF, 1))
        return false;
    if (level == SCTP_RX_PRESSURE_ALL)
        return true;
    return sctp_hole_held(a) || (level == SCTP_RX_PRESSURE_BLOCKED && sctp_peer_blocked(a));
}
/* The receive window to advertise: the configured rwnd less what
 * reassembly holds (payload and per-chunk overhead) and what the user has
 * not released yet. SACKs also advertise 0 while reassembly holds its
 * most chunks (sctp_data_reasm_full). */
static inline uint32_t sctp_data_rwnd(const struct sctp_assoc *a)
{
    uint32_t held = (a->reasm ? sctp_reasm_bytes(a->reasm) : 0) + a->undelivered_bytes;
    if (sctp_rx_restricted(a))
        return 0;
    return a->ep->cfg.rwnd > held ? a->ep->cfg.rwnd - held : 0;
}
/* How many DATA chunks reassembly may hold (sctp_config), never fewer
 * than SCTP_REASM_MIN_CHUNKS (below that, the count is not checked). */
#define SCTP_REASM_MIN_CHUNKS 64
static inline uint32_t sctp_data_max_chunks(const struct sctp_endpoint *ep)
{
    uint32_t n =
        ep->cfg.max_reasm_chunks ? ep->cfg.max_reasm_chunks : ep->cfg.max_reasm_bytes / 256;
    return n > SCTP_REASM_MIN_CHUNKS ? n : SCTP_REASM_MIN_CHUNKS;
}
/* Reassembly holds as many chunks as it may: new DATA is refused, and
 * SACKs advertise a window of 0. */
static inline bool sctp_data_reasm_full(const struct sctp_assoc *a)
{
    return a->reasm && sctp_reasm_chunks(a->reasm) >= sctp_data_max_chunks(a->ep);
}
/* Writes a SACK into p, cut to fit room; changes nothing (see
 * sctp_data_sack_sent). Returns its length or SCTP_ERR_NOBUF. */
int sctp_data_write_sack(const struct sctp_assoc *a, uint8_t *p, size_t room);
/* The SACK written is in a packet: what it reported is consumed. */
void sctp_data_sack_sent(struct sctp_assoc *a);
/* A SACK goes out at once if the window is open (a window update). */
void sctp_data_window_update(struct sctp_assoc *a);
int sctp_data_write_forward_tsn(struct sctp_assoc *a, uint8_t *p, size_t room);
void sctp_data_fail_all(struct sctp_assoc *a, uint16_t error);
bool sctp_data_all_acked(const struct sctp_assoc *a);
void sctp_data_release_msg(struct sctp_assoc *a, struct sctp_msg *m);
/* The longest light message: one chunk on the path of smallest MTU. */
uint32_t sctp_data_light_max(const struct sctp_assoc *a);
/* Turns every light message waiting into a full one, in front of the
 * full ones and in order (the path MTU fell below one of them): 0, or
 * SCTP_ERR_NOMEM with nothing changed. */
int sctp_data_light_promote(struct sctp_assoc *a);

/* sctp_assoc_shutdown.c: RFC 9260 9 */
void sctp_shutdown_start(struct sctp_assoc *a, sctp_tstamp now);
void sctp_shutdown_progress(struct sctp_assoc *a, sctp_tstamp now);
void sctp_shutdown_on_shutdown(struct sctp_assoc *a, const struct sctp_chunk *c, sctp_tstamp now);
void sctp_shutdown_on_shutdown_ack(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                                   sctp_tstamp now);
void sctp_shutdown_on_shutdown_complete(struct sctp_assoc *a, sctp_tstamp now);
void sctp_shutdown_t2_expired(struct sctp_assoc *a, sctp_tstamp now);
void sctp_shutdown_on_abort(struct sctp_assoc *a, const struct sctp_chunk *c);
/* Queues an ABORT (stateless slot) for this association and closes it. */
void sctp_shutdown_send_abort(struct sctp_assoc *a, uint16_t cause, const void *info, uint16_t ilen,
                              bool user);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp.h: the sctpdp daemon's shared types: configuration, ports, per-lcore
 * engines and their counters.
 *
 * Ownership: everything under struct dp_engine belongs to one lcore and is
 * written only by it. Other threads (telemetry) read counters as plain
 * 64-bit loads and read association details from a seqlock-protected
 * snapshot the engine refreshes a few times per second.
 */
#ifndef DP_H
#define DP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip_frag.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_seqlock.h>

#include "dp_heap.h"
#include "sctp.h"

extern int dp_logtype;
#define DP_LOG(level, fmt, ...)                                                                    \
    rte_log(RTE_LOG_##level, dp_logtype, "sctpdp: " fmt "\n", ##__VA_ARGS__)

#define DP_MAX_PORTS     4
#define DP_MAX_ENGINES   16
#define DP_MAX_ADDRS     SCTP_MAX_ADDRS
#define DP_MAX_ROUTES    16
#define DP_MAX_SERVICES  3
#define DP_BURST         32
#define DP_MAILBOX_SIZE  4096
#define DP_SNAP_ASSOCS   64 /* association details per engine snapshot */
#define DP_ASSOCS_PAGE   24 /* associations per /sctpdp/assocs answer at most */
#define DP_NEIGH_ENTRIES 256
#define DP_NEIGH_HOLD    8

/* Exit code for a bad command line or configuration file. */
#define DP_EXIT_USAGE 2

/* Buffer size of the engines' large-packet pool (big_pool): a jumbo frame
 * or reassembled datagram in one segment. */
#define DP_BIG_BUF_SIZE (9216 + 2 * RTE_PKTMBUF_HEADROOM)
/* The longest generator message: it is written into one big_pool mbuf. */
#define DP_GEN_SIZE_MAX (DP_BIG_BUF_SIZE - RTE_PKTMBUF_HEADROOM)
#define DP_GEN_PACK_MAX 64

/* ------------------------------------------------------------------ */
/* Configuration                                                       */

struct dp_addr_conf {
    struct sctp_addr addr;
    uint8_t prefix;
    uint16_t port; /* index of the port the address lives on */
};

enum dp_steering {
    DP_STEER_MAILBOX = 0, /* the NIC does not hash SCTP ports: redirect */
    DP_STEER_RSS,         /* the NIC hashes SCTP ports: place with softrss */
};

/* A driver profile (drivers-conf/<driver>.ini), after dev_info checks. */
struct dp_profile {
    char name[32];
    char file[PATH_MAX];
    uint16_t rx_desc, tx_desc;
    bool rss;          /* spread RX over queues with RSS */
    bool rss_sctp;     /* hash SCTP ports (else IP only) */
    bool tx_sctp_csum; /* request RTE_ETH_TX_OFFLOAD_SCTP_CKSUM */
    bool rx_l4_csum;   /* request RTE_ETH_RX_OFFLOAD_SCTP_CKSUM */
    bool tx_ip_csum;
    bool rx_ip_csum;
    bool promisc;
    enum dp_steering steering;
};

struct dp_port_conf {
    char profile[32];  /* empty: chosen from the driver name */
    uint16_t vlan;     /* 802.1Q id, 0 for untagged */
    uint16_t mtu;      /* IP MTU */
    bool emulate_csum; /* test aid: act as a NIC with SCTP CRC offload */
};

/* A static route: dst/prefix through the gateway gw, which is on the
 * subnet of one of port's addresses (found when the options are read). */
struct dp_route_conf {
    struct sctp_addr dst;
    uint8_t prefix;
    struct sctp_addr gw;
    uint16_t port;
};

struct dp_service_conf {
    uint16_t port;
    bool echo; /* false: discard */
};

struct dp_conf {
    char name[64]; /* instance name applications attach to */
    char profile_dir[PATH_MAX];
    uint8_t n_addrs;
    bool addrs_cli; /* the addresses came from --addr, not the file */
    struct dp_addr_conf addrs[DP_MAX_ADDRS];
    uint8_t n_routes; /* --route, --gateway (a route to 0.0.0.0/0 or ::/0) */
    struct dp_route_conf routes[DP_MAX_ROUTES];
    struct dp_port_conf ports[DP_MAX_PORTS];
    uint16_t echo_port;          /* 0: no echo service */
    uint16_t discard_port;       /* 0: no discard service */
    uint32_t mbufs;              /* per engine */
    uint32_t heap_mb;            /* per engine (dp_heap.h) */
    uint32_t echo_assoc_backlog; /* echoes one association may have waiting (held beyond) */
    uint32_t shutdown_ms;
    uint32_t neigh_timeout_ms;
    uint32_t neigh_delay_ms; /* RFC 4861 DELAY_FIRST_PROBE_TIME (dp_nud) */
    uint32_t frag_max_flows;
    uint32_t frag_ttl_ms;
    uint32_t frag_max_per_source; /* datagrams in reassembly per source; 0: frag_max_flows / 8 */
    uint32_t icmp_error_rate;     /* ICMP errors per second per engine at most (0: none) */
    bool announce;                /* gratuitous ARP / unsolicited NA at start (default on) */
    bool addr_check;              /* duplicate address detection at start (default on; dp_net.c) */
    struct sctp_config sctp;      /* protocol parameters, shared by endpoints */

    /* Client / traffic generator. */
    uint8_t n_peers;
    struct sctp_addr peers[DP_MAX_ADDRS];
    uint16_t peer_port;
    uint16_t local_port;
    uint64_t gen_msgs;
    uint32_t gen_size;
    uint16_t gen_streams;
    uint32_t gen_window;
    int gen_pack; /* messages per payload mbuf with header room; -1: auto */
    uint32_t gen_timeout_s;
    bool gen_unordered;
    bool gen_discard;         /* the peer discards: count acknowledged messages */
    bool hold;                /* client: stay connected after the run until signalled */
    int gen_engine;           /* engine of the client association, -1: softrss or 0 */
    uint32_t rx_loss_ppm;     /* fault injection: SCTP packets dropped on RX */
    uint64_t gen_stall_after; /* test aid: the generator stops reading after that many */
    uint64_t gen_rate;        /* messages per second at most, 0: no limit */
};

/* Parses argv (after EAL's); returns 0, or -1 after printing a one-line
 * error (the caller exits with DP_EXIT_USAGE), or 1 when --help was
 * printed. */
int dp_config_parse(struct dp_conf *conf, int argc, char **argv);
void dp_config_usage(const char *prog);
/* "sctpdp: error: ..." as one line on stderr. */
void dp_config_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dp_addr_str(const struct sctp_addr *a, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Ports                                                               */

struct dp_port {
    uint16_t port_id;
    bool used;
    char name[RTE_ETH_NAME_MAX_LEN];
    char driver[64];
    struct rte_ether_addr mac;
    uint16_t vlan;
    uint16_t mtu;
    uint16_t nb_queues;
    uint16_t max_segs;      /* longest TX chain the port takes */
    struct dp_profile prof; /* as applied: offloads the port really has */
    bool tx_sctp_csum, rx_l4_csum, tx_ip_csum, rx_ip_csum, rss_sctp;
    bool csum_emulated; /* the SCTP CRC offloads are done by queue callbacks */
    uint64_t tx_offloads, rx_offloads, rss_hf;
    uint8_t rss_key[64];
    uint8_t rss_key_len;
    uint16_t reta_size;
    uint16_t reta[512];
};

/* ------------------------------------------------------------------ */
/* Counters                                                            */

enum dp_drop {
    DP_DROP_L2_NOT_OURS,  /* destination MAC not ours */
    DP_DROP_L2_PROTO,     /* unknown ethertype */
    DP_DROP_VLAN,         /* VLAN id not configured */
    DP_DROP_L3_MALFORMED, /* IP header bad */
    DP_DROP_L3_NOT_OURS,  /* destination address not ours */
    DP_DROP_BAD_SRC,      /* source address no peer can have (RFC 9260 8.4) */
    DP_DROP_L3_PROTO,     /* IP protocol we do not serve */
    DP_DROP_IP_CSUM,      /* IPv4 header checksum */
    DP_DROP_SCTP_CSUM,    /* SCTP CRC32c */
    DP_DROP_SCTP_PORT,    /* no service on that port */
    DP_DROP_SCTP_CORE,    /* the protocol core refused the packet */
    DP_DROP_FRAG,         /* a fragment or reassembled datagram we cannot use */
    DP_DROP_FRAG_EXPIRED, /* fragments of a datagram not complete in frag_ttl_ms */
    DP_DROP_FRAG_REFUSED, /* fragments the reassembly table refused */
    DP_DROP_NO_ROUTE,     /* no port/subnet for a destination */
    DP_DROP_NEIGH,        /* next hop did not resolve */
    DP_DROP_NOMBUF,       /* mempool empty */
    DP_DROP_TX_FULL,      /* the TX queue did not take it */
    DP_DROP_MAILBOX_FULL, /* the owner's mailbox was full */
    DP_DROP_ICMP,         /* ICMP we do not answer */
    DP_DROP_ECHO_TOO_BIG, /* an echo reply longer than the port's MTU (reassembled) */
    DP_DROP_INJECTED,     /* --fault-rx-loss */
    DP_DROP_FRAG_TX,      /* an SCTP packet to fragment that could not be */
    DP_DROP_TX_STUCK,     /* waited for a TX queue that took nothing for TX_STUCK_NS */
    DP_DROP_FRAG_SOURCE,  /* a new datagram's fragment from a source at frag_max_per_source */
    DP_DROP_FRAG_CHAIN,   /* an IPv6 first fragment without the whole header chain (RFC 7112) */
    DP_DROP_L2_BAD_SRC,   /* a multicast or broadcast source MAC (IEEE 802) */
    DP_DROP_SRC_ROUTE,    /* an IPv4 source route option (RFC 7126 4.3, 4.4) */
    DP_DROP_MAX,
};
extern const char *const dp_drop_names[DP_DROP_MAX];

/* Counters of one port as seen by one engine. tx_packets and tx_bytes:
 * frames the port's TX queue took. tx_sctp and the other tx_ counts of a
 * kind: what the engine wrote for the port; one that did not leave (no
 * neighbour, a full or stuck queue, no mbuf) is in drops by its reason. */
struct dp_port_stats {
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
    uint64_t rx_sctp, tx_sctp, rx_arp, tx_arp, rx_nd, tx_nd;
    uint64_t rx_icmp_echo, tx_icmp_echo, rx_icmp_ptb, rx_frags, reassembled;
    uint64_t rx_icmp_unreach;      /* protocol unreachable quoting our SCTP (ICMP8) */
    uint64_t rx_icmp_dest_unreach; /* network or host unreachable, quoting it (ICMP9) */
    /* SCTP packets larger than their path's MTU (sctp_tx_packet.frag_ok,
     * DF clear), and the IP fragments they were cut into here. */
    uint64_t tx_frag_ok, tx_frags;
    uint64_t csum_hw_good, csum_hw_bad, csum_sw_checked, csum_sw_bad;
    uint64_t tx_csum_offloaded, tx_csum_sw;
    /* Gratuitous ARPs and unsolicited NAs for our addresses (at start, and
     * in defence), and ARPs or NAs from another host that claim one of
     * our addresses (an address conflict, RFC 5227 2.4, RFC 4862 5.4). */
    uint64_t tx_announce, rx_addr_conflict;
    /* ARP probes and DAD Neighbour Solicitations sent at start. */
    uint64_t tx_addr_probe;
    /* MLD: queries taken, reports sent (the solicited-node groups of the
     * port's IPv6 addresses, RFC 4861 7.2.1, RFC 3810). */
    uint64_t rx_mld_query, tx_mld_report;
    /* Neighbours used past their expiry (into DELAY), unicast ARP
     * requests and NSs asking a known neighbour whether it is still there
     * (PROBE), and confirmations of a neighbour by SCTP's forward
     * progress on a path through it (RFC 4861 7.3.1, dp_neigh_confirm),
     * and of those, the ones passed on to the other engines. */
    uint64_t neigh_delay, tx_neigh_probe, neigh_confirmed_upper, neigh_confirm_shared;
    /* ICMP errors sent (protocol unreachable, parameter problem), and
     * those icmp_error_rate held back. */
    uint64_t tx_icmp_error, icmp_error_limited;
    uint64_t drops[DP_DROP_MAX];
} __rte_cache_aligned;

struct dp_engine_stats {
    uint64_t loops, busy_loops;
    /* Time in loop turns that did nothing: nothing received, no event,
     * no packet written. What the lcore could still have done. */
    uint64_t idle_ns;
    uint64_t mailbox_tx, mailbox_rx, mailbox_full;
    uint64_t inits_stateless, cookie_redirects;
    uint64_t inits_steered; /* INITs handed to an engine with heap to spare */
    uint64_t icmp_bad_tag;  /* ICMP about SCTP quoting a tag not of the association */
    uint64_t events, msgs_in, msgs_out, bytes_in, bytes_out;
    /* Association and path events not logged: past the engine's log rate
     * (service_note), so that a mass failover or a handshake flood does
     * not keep the lcore writing log lines. */
    uint64_t notes_unlogged;
    uint64_t echo_backlog_max, echo_dropped;
    uint64_t echo_held;          /* event polls cut short: the echo backlog was full */
    uint64_t echo_assoc_holds;   /* associations' receive held: too many echoes waiting */
    uint64_t echo_parted;        /* messages echoed whole from parts (partial delivery) */
    uint64_t echo_part_aborts;   /* associations aborted: a message in parts had no room */
    uint64_t echo_parts_dropped; /* messages in parts never finished (the peer gave up) */
    /* Echoes not sent: their message came before the peer restarted the
     * association (RFC 9260 5.2.4), and its new incarnation never sent it. */
    uint64_t echo_restart_dropped;
    uint64_t tx_zero_copy_segs, tx_header_mbufs, tx_copied_segs;
    uint64_t tx_headroom_hdrs; /* chunk headers written in a payload's headroom */
    uint64_t tx_direct_segs;   /* payload mbufs chained as TX segments themselves */
    uint64_t tx_single_frames; /* frames that are one payload mbuf, headers in front */
    uint64_t timers_fired;
    uint64_t startup_mallocs;     /* core allocations from malloc (before the loop runs) */
    uint64_t heap_refuse_events;  /* times new associations were refused for the heap's sake */
    uint64_t pressure_events;     /* times the mbuf pools ran low (see dp_engine_pool_check) */
    uint64_t pressure_all_events; /* times they ran so low that every association waits */
} __rte_cache_aligned;

/* Association details, published by the owner engine for telemetry: a
 * window of DP_SNAP_ASSOCS starting at position `first` of the engine's
 * list (its endpoints' associations in order), plus the one association
 * last asked for by id. The telemetry thread asks for another window or
 * id through want_first/want_id (plain 32-bit stores and loads: the
 * engine reads them on its slow-path timer, never in the packet loop). */
struct dp_snapshot {
    rte_seqlock_t lock;
    uint64_t when_ns;
    uint32_t first;    /* list position of infos[0] */
    uint32_t n_assocs; /* in infos[] */
    uint32_t listed;   /* associations in the engine's list */
    uint32_t total;    /* associations the engine has, by state */
    uint16_t local_port[DP_SNAP_ASSOCS];
    struct sctp_assoc_info infos[DP_SNAP_ASSOCS];
    uint32_t by_id;      /* the id last asked for, 0 if none */
    bool by_id_found;    /* id_info holds it (the engine has it) */
    uint16_t by_id_port; /* its local port */
    struct sctp_assoc_info id_info;
    struct sctp_endpoint_stats ep[DP_MAX_SERVICES];
    /* The neighbour cache, entries in use (state != 0) in table order. */
    uint32_t n_neigh;
    struct dp_snap_neigh {
        struct sctp_addr ip;
        struct rte_ether_addr mac;
        uint16_t port;
        uint8_t state; /* as struct dp_neigh */
        uint8_t nud;
        uint8_t n_hold;
        int64_t expire_ms; /* expire_ns less the snapshot's time */
        int64_t used_ms;   /* since the entry was last used; -1: never */
    } neigh[DP_NEIGH_ENTRIES];
    uint32_t want_first; /* written by the telemetry thread */
    uint32_t want_id;    /* written by the telemetry thread, 0: none */
};

/* ------------------------------------------------------------------ */
/* Engines                                                             */

/* What a neighbour entry whose link-layer address is known (state 2)
 * does about its reachability (RFC 4861 7.3.2; for IPv4 the same, RFC
 * 1122 2.3.2.1). Past its expiry and unused, a REACHABLE entry is what
 * RFC 4861 calls STALE: nothing is sent until traffic uses it. */
enum dp_nud {
    DP_NUD_REACHABLE = 0, /* confirmed within neigh_timeout_ms (expire_ns) */
    /* Used past its expiry: traffic goes on to the address known while
     * a confirmation is awaited (from SCTP, dp_neigh_confirm, or an ARP
     * or NA) until expire_ns, neigh_delay_ms after the first use. */
    DP_NUD_DELAY,
    /* No confirmation in DELAY: traffic goes on while unicast requests
     * ask whether it is still there; expire_ns is the next one's time. */
    DP_NUD_PROBE,
};

struct dp_neigh {
    struct sctp_addr ip;
    struct rte_ether_addr mac;
    uint16_t port;
    uint8_t state; /* 0 free, 1 incomplete, 2 link-layer address known (nud), 3 failed */
    uint8_t tries;
    uint8_t n_hold;
    uint8_t nud;        /* enum dp_nud, in state 2 */
    uint64_t expire_ns; /* state 2: see enum dp_nud; incomplete: next try */
    uint64_t used_ns;   /* a packet of ours last went (or waited) for it; 0: never */
    uint64_t shared_ns; /* an upper-layer confirmation last went to the other engines */
    struct rte_mbuf *hold[DP_NEIGH_HOLD];
};

/* The datagrams in IP reassembly, per source (dp_frag.c). A datagram is
 * keyed as the reassembly library keys it: source, destination and
 * identification (RFC 8200 4.5). RFC 791 3.2 keys IPv4 datagrams by their
 * protocol too, which the library leaves out: the protocol of a
 * datagram's first fragment is kept with it (dp_frag_flow.proto), and a
 * fragment of another protocol is dropped before the library sees it.
 * A source is an IPv4 address or an IPv6 /64. */
struct dp_frag_key {
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t v6;
    uint8_t pad[3];
};

struct dp_frag_flow {
    struct dp_frag_key key;
    uint64_t start;      /* TSC of its first fragment, as the library keeps it */
    uint32_t prev, next; /* by start, oldest first; next: the free list */
    uint32_t hnext;      /* next in its hash bucket */
    uint32_t source;     /* index in sources */
    uint8_t proto;       /* IPv4: the protocol of its fragments; 0 for IPv6 */
};

struct dp_frag_source {
    uint8_t addr[8]; /* IPv4 address, or IPv6 /64 */
    uint8_t v6;
    uint32_t n;     /* its datagrams in reassembly */
    uint32_t hnext; /* next in its hash bucket, or in the free list */
};

struct dp_frag_track {
    struct dp_frag_flow *flows;     /* cap of them */
    struct dp_frag_source *sources; /* cap of them: a source has at least one flow */
    uint32_t *flow_hash, *source_hash;
    uint32_t hash_mask, seed;
    uint32_t cap, n, max_per_source;
    uint32_t flow_free, source_free, oldest, newest;
    uint64_t ttl_cycles;
};

/* cap datagrams at most, max_per_source per source, each forgotten once
 * older than ttl_cycles. 0; -EINVAL (cap 0) or -ENOMEM. */
int dp_frag_track_init(struct dp_frag_track *t, uint32_t cap, uint32_t max_per_source,
                       uint64_t ttl_cycles, int socket);
void dp_frag_track_free(struct dp_frag_track *t);
/* 0: k is in reassembly, *flow is its entry; 1: it is not, and may
 * start; -ENOSPC: cap datagrams are; -EDQUOT: its source has
 * max_per_source of them. */
int dp_frag_track_lookup(const struct dp_frag_track *t, const struct dp_frag_key *k,
                         uint32_t *flow);
/* k started at tms (not in the table): 0, -ENOSPC or -EDQUOT. */
int dp_frag_track_add(struct dp_frag_track *t, const struct dp_frag_key *k, uint8_t proto,
                      uint64_t tms);
/* The datagram of entry flow left reassembly. */
void dp_frag_track_done(struct dp_frag_track *t, uint32_t flow);
/* Forgets the datagrams that started before tms - ttl_cycles (the
 * reassembly library's rule). */
void dp_frag_track_expire(struct dp_frag_track *t, uint64_t tms);

struct dp_engine;
struct dp_service;

struct dp_gen; /* traffic generator state, dp_echo.c */

struct dp_service {
    uint16_t port;
    uint8_t kind; /* DP_SVC_* */
    struct sctp_endpoint *ep;
};
enum { DP_SVC_ECHO = 1, DP_SVC_DISCARD, DP_SVC_CLIENT };

/*
 * Echo messages that could not be queued yet (send queue full), in one
 * queue per association, so that an association whose peer does not
 * open its window holds back only its own echoes. Items and queues come
 * from fixed arrays of DP_BACKLOG each (a queue has at least one item).
 * An association with echo_assoc_backlog items waiting (DP_BL_ASSOC_MAX
 * by default) has its receive held (sctp_assoc_set_rx_hold) until half
 * of them are gone; with the backlog half full, one whose peer holds up
 * its echoes already at DP_BL_ASSOC_MIN.
 */
struct dp_backlog_item {
    uint16_t nfrags;
    uint32_t len;
    uint32_t next; /* in its queue, or in the free list; DP_BL_NONE */
    struct sctp_sndinfo info;
    struct sctp_frag *frags; /* &frag for one piece; several: from the engine's allocator */
    struct sctp_frag frag;
};
#define DP_BACKLOG      8192
#define DP_BL_ASSOC_MAX (DP_BACKLOG / 8)
#define DP_BL_ASSOC_MIN 16 /* held at this many with the backlog half full (dp_echo.c) */
#define DP_BL_HASH      1024
#define DP_BL_NONE      UINT32_MAX
struct dp_bl_queue {
    uint32_t assoc_id;
    uint8_t svc;
    bool held;              /* its receive is held */
    uint32_t n, head, tail; /* items waiting, first and last */
    uint32_t hnext;         /* next in its hash bucket, or in the free list */
    uint32_t active_at;     /* its place in bl_active */
};

/* Echoes of one-piece messages gathered over a batch of events and
 * queued with one sctp_endpoint_send_burst() call (dp_echo_flush), while
 * the events still hold their payloads. */
#define DP_ECHO_BURST 64
struct dp_echo_burst {
    unsigned svc, n;
    uint32_t assoc_id;
    struct sctp_sendm m[DP_ECHO_BURST];
};

/* A message the core hands over in parts (SCTP_EV_DATA_PARTIAL): the
 * echo service keeps the parts, referenced, until the last one arrives,
 * and sends the message back whole (dp_echo.c). At most DP_ECHO_PARTS
 * such messages per engine at a time, each no larger than a send queue,
 * holding no more than an eighth of the pool's mbufs together. */
struct dp_echo_part {
    uint32_t assoc_id;
    uint16_t svc, sid;
    uint16_t flags; /* SCTP_UNORDERED */
    uint32_t ppid;  /* network byte order */
    uint32_t len, nfrags, cap;
    struct sctp_frag *frags; /* the engine's allocator (cb.alloc) */
};
#define DP_ECHO_PARTS 64

enum { DP_PRESSURE_OFF = 0, DP_PRESSURE_FIRST = 1, DP_PRESSURE_ALL = 2 };

struct dp_engine {
    unsigned index; /* 0..n_engines-1, also the low bits of our vtags */
    unsigned lcore_id;
    struct rte_mempool *pool;                   /* direct mbufs */
    struct rte_mempool *ind_pool;               /* indirect mbufs for payload refs */
    struct rte_mempool *big_pool;               /* linearized large packets */
    struct rte_mempool *obj_small, *obj_medium; /* the core's small objects */
    struct dp_heap heap;                        /* the core's other objects (dp_heap.h) */
    /* Free mbufs of its direct pool at its last pool check, written by
     * it, read by the other engines (dp_engine_pool_check). */
    unsigned pool_avail;
    bool running; /* its loop has started: the core's allocations come from pools and heap */
    struct sctp_callbacks cb; /* user = this engine */

    unsigned n_svc;
    struct dp_service svc[DP_MAX_SERVICES];

    /* Mailboxes: in[j] is filled by engine j, emptied by us. */
    struct rte_ring *in[DP_MAX_ENGINES];

    /* TX staging per port. */
    uint16_t tx_n[DP_MAX_PORTS];
    /* Since when the port's TX queue has taken none of what waits (0:
     * it took something last time, or nothing waits). */
    uint64_t tx_stuck_since[DP_MAX_PORTS];
    struct rte_mbuf *tx_buf[DP_MAX_PORTS][DP_BURST];
    /* Header mbufs taken in bulk while writing packets; the rest go
     * back to the pool once the writing is done. */
    unsigned hdr_n;
    struct rte_mbuf *hdr_stash[DP_BURST];

    struct dp_neigh neigh[DP_NEIGH_ENTRIES];
    uint64_t next_neigh_scan;
    /* Announcements of our addresses at start (engine 0): the next round
     * and when it is due; per address (dp.conf.addrs), when a conflict
     * was last logged and the address last defended. */
    bool rx_reassembled; /* the datagram being handled was reassembled here */
    unsigned announce_round;
    uint64_t announce_at;
    /* MLD (RFC 3810): engine 0's unsolicited reports at start (the next
     * round and when it is due); per port, when the answer to a query is
     * due (0: none) and whether it goes as MLDv1 (RFC 2710). */
    unsigned mld_round;
    uint64_t mld_at;
    uint64_t mld_due[DP_MAX_PORTS];
    bool mld_v1[DP_MAX_PORTS];
    uint64_t conflict_logged_at[DP_MAX_ADDRS];
    uint64_t defended_at[DP_MAX_ADDRS];
    /* The last route and neighbour used for sending: most packets go the
     * way the one before went. Routes come from the configuration, which
     * does not change once running; the neighbour entry is checked
     * against the next hop before use (a full table reuses entries). */
    struct {
        bool valid;
        uint16_t port;
        struct sctp_addr src, dst, nh;
    } rt_last;
    uint32_t frag_id; /* IP identification of the next datagram sent in fragments */
    struct dp_neigh *neigh_last;
    uint64_t icmp_err_tat_ns; /* when the ICMP error rate allows the next (icmp_err_allowed) */
    uint64_t note_tat_ns;     /* when the event log rate allows the next line (service_note) */
    uint64_t notes_held;      /* events not logged since the last line */

    struct rte_ip_frag_tbl *frag_tbl;
    struct rte_ip_frag_death_row death_row;
    struct dp_frag_track frag_track; /* what frag_tbl holds, per source */

    struct dp_echo_burst echo_burst;
    struct dp_echo_part echo_parts[DP_ECHO_PARTS];
    unsigned n_echo_parts;
    /* The echo backlog (dp_echo.c): items, per-association queues, the
     * queues with items (drained in turn) and a hash of them. */
    struct dp_backlog_item *backlog;
    uint32_t bl_used, bl_free;
    struct dp_bl_queue *blq;
    uint32_t blq_free;
    uint32_t *bl_active, n_active;
    uint32_t *bl_hash;

    struct dp_gen *gen;

    bool shutting_down, aborted;
    uint64_t shutdown_deadline;
    uint64_t next_snapshot;
    uint64_t next_pool_check;
    /* Free mbufs: below pool_high the first level (dp_engine_pool_check), until
     * pool_unblock; below pool_low the second, where no association
     * keeps new DATA, until pool_high. */
    unsigned pool_low, pool_high, pool_unblock;
    unsigned pool_gen;   /* free mbufs below which the generator waits */
    uint8_t pressure;    /* DP_PRESSURE_*: what the endpoints were told */
    bool heap_refusing;  /* no association starts: the heap is near full
                          * (read by the other engines: atomic) */
    bool stopping;       /* shutdown_all() began: none starts again */
    bool gen_hold;       /* the generator sends nothing new */
    uint64_t now;        /* ns, refreshed each loop */
    uint64_t loop_start; /* ns, when the loop began */

    struct sctp_tx_packet *txp; /* scratch, large */

    struct dp_engine_stats st;
    struct dp_port_stats pst[DP_MAX_PORTS];
    struct dp_snapshot *snap;       /* published (seqlock) */
    struct dp_snapshot *snap_build; /* the engine's own, built then published */
    volatile bool done;             /* the loop has ended */
    /* The unmap guard (dp_guard.c): set while the loop polls ports, and
     * the last guard sequence number seen at the top of a loop turn. */
    bool polling;
    uint32_t guard_ack;
} __rte_cache_aligned;

/* Process-wide state, written before the engines start. */
struct dp_main {
    struct dp_conf conf;
    unsigned n_ports;
    struct dp_port ports[DP_MAX_PORTS];
    unsigned n_engines;
    struct dp_engine *engines[DP_MAX_ENGINES];
    uint32_t vtag_mask;
    volatile bool stop;     /* a signal asked us to shut down */
    volatile bool gen_done; /* the client run ended */
    /* Duplicate address detection (dp_net.c): until this time another
     * host's claim of one of our addresses stops the daemon (addr_dup,
     * exit 1) instead of being defended; 0 before the check starts. */
    volatile uint64_t dad_until_ns;
    volatile bool addr_dup;
    /* Engines whose associations are gone after a stop (atomics, written
     * on the shutdown path only): each polls on until all are. */
    unsigned engines_finished;
    volatile int gen_status;
    /* The unmap guard (dp_guard.c): on while a port's driver unmaps
     * shared memory behind the engines' backs; its sequence number. */
    bool guard_on;
    uint32_t guard_seq;
    uint64_t guard_waits, guard_timeouts; /* atomics: unmaps waited for, waits given up */
    uint64_t tsc_hz;
    uint64_t tsc0;
    uint64_t ns_mult; /* ns = (cycles * ns_mult) >> 32 */
};
extern struct dp_main dp;

/* dp_port.c */
/* 0; -2 after a one-line error on stderr (a configuration mistake seen
 * once the ports are known: exit DP_EXIT_USAGE); -1 on other failures. */
int dp_ports_init(unsigned n_engines);
int dp_ports_start(void);
void dp_ports_close(void);
/* dp_config.c: fills p from DIR/NAME.ini over the built-in defaults.
 * -ENOENT: no such file (p holds the defaults); -EINVAL: the file is bad,
 * after a one-line error that names the key. */
int dp_profile_load(const char *dir, const char *name, struct dp_profile *p);
/* Engine index whose RX queue the peer->us 4-tuple hashes to, or -1. */
int dp_port_softrss_engine(unsigned port, const struct sctp_addr *peer,
                           const struct sctp_addr *local, uint16_t peer_port, uint16_t local_port);

/* dp_engine.c */
int dp_engine_create(unsigned index, unsigned lcore_id);
int dp_engines_link(void);
int dp_engine_main(void *arg);

/* dp_guard.c: see there. dp_guard_point() is the engine's side, at the
 * top of each loop turn, between bursts. */
void dp_guard_enable(const char *why);
void dp_guard_disable(void);
void dp_guard_polling(struct dp_engine *e, bool on);
static inline void dp_guard_point(struct dp_engine *e)
{
    uint32_t seq = __atomic_load_n(&dp.guard_seq, __ATOMIC_ACQUIRE);
    if (unlikely(seq != e->guard_ack))
        __atomic_store_n(&e->guard_ack, seq, __ATOMIC_RELEASE);
}
uint64_t dp_now_ns(void);
/* Sets the clock dp_now_ns() reads (once, after rte_eal_init). */
void dp_clock_init(void);
/* One loop turn's work after receiving (dp_engine_main; the frame fuzz
 * target calls it after each input). */
void dp_engine_turn(struct dp_engine *e);
void dp_engine_free(struct dp_engine *e);
/* Reads the mbuf pools (its own and every other engine's),
 * sets the pressure level of its endpoints and the time of the next
 * check. The engine loop calls it at e->next_pool_check. */
void dp_engine_pool_check(struct dp_engine *e);

/* dp_net.c: L2/L3. */
void dp_net_input(struct dp_engine *e, struct rte_mbuf *m, uint16_t port);
void dp_net_mailbox(struct dp_engine *e, struct rte_mbuf *m);
/* Sends an IP packet (family SCTP_AF_INET or _INET6) whose L3 header
 * starts at l2_len into the mbuf, on the route dp_route() found: port
 * and next hop (the Ethernet header is filled here after neighbour
 * lookup). */
void dp_net_output(struct dp_engine *e, struct rte_mbuf *m, uint8_t family, uint16_t port,
                   const struct sctp_addr *nexthop);
void dp_net_timers(struct dp_engine *e);
/* RFC 4861 7.3.1: an upper layer (SCTP: a SACK of new DATA, a HEARTBEAT
 * ACK) saw forward progress through next hop nh on port: a neighbour
 * entry with its link-layer address known there is reachable again for
 * neigh_timeout_ms, a DELAY or PROBE ended. True if there was one. */
bool dp_neigh_confirm(struct dp_engine *e, uint16_t port, const struct sctp_addr *nh);
void dp_tx_enqueue(struct dp_engine *e, uint16_t port, struct rte_mbuf *m);
void dp_tx_flush(struct dp_engine *e);
/* The port and next hop to dst: on a subnet of one of our addresses
 * (the one of src's port first), else by the most specific route (among
 * equals, the one through src's port). 0, or -1 if there is none. */
int dp_route(const struct sctp_addr *src, const struct sctp_addr *dst, uint16_t *port,
             struct sctp_addr *nexthop);
/* The local address to send to dst from: one of the addresses of the
 * port dp_route() takes to it (the SCTP core's pick_src). */
bool dp_pick_src(const struct sctp_addr *dst, struct sctp_addr *src);
bool dp_addr_is_local(const struct sctp_addr *a, uint16_t port);
uint32_t dp_l2_len(uint16_t port);
int dp_net_frag_init(struct dp_engine *e);

/* dp_engine.c: SCTP packet into its owner (or the mailbox). */
void dp_sctp_input(struct dp_engine *e, struct rte_mbuf *m, uint32_t l3_off, uint32_t l4_off,
                   const struct sctp_addr *src, const struct sctp_addr *dst, bool redirected);
/* What an ICMP message about SCTP we sent says (RFC 9260 10). */
enum dp_icmp_kind {
    DP_ICMP_PTB,           /* fragmentation needed, packet too big: mtu */
    DP_ICMP_PROTO_UNREACH, /* protocol unreachable, unrecognized next header (ICMP8) */
    DP_ICMP_DEST_UNREACH,  /* network or host unreachable (ICMP9) */
};
/* An ICMP message about SCTP we sent, to the association it quotes. */
void dp_icmp_report(struct dp_engine *e, const struct sctp_addr *peer, uint16_t local_port,
                    uint16_t peer_port, const uint8_t *quote, uint32_t quote_len,
                    enum dp_icmp_kind kind, uint32_t mtu);
bool dp_mailbox_send(struct dp_engine *e, unsigned to, struct rte_mbuf *m, uint32_t kind);
void dp_mbuf_unref_local(struct rte_mbuf *m);
/* Takes a reference on the engine's own lcore (no atomic; see dp_engine.c). */
void dp_mbuf_ref_local(struct rte_mbuf *m);
/* Drops the echo service's messages in parts (engine teardown). */
void dp_echo_parts_free(struct dp_engine *e);
/* The frame's bytes after its L2 and L3 headers (head), without copying
 * payload: 0, or -1 with head freed when mbufs ran out. Uses e->pool,
 * e->ind_pool and e->st only (tests/dp/test_txchain.c). */
int dp_tx_chain_build(struct dp_engine *e, const struct sctp_tx_packet *tp, struct rte_mbuf *head,
                      bool copy);
/* The frame as one payload mbuf with l2l3 bytes left for the L2 and L3
 * headers in front of the core's header bytes, or NULL when the packet
 * is not one header run and one payload segment that allows it. Uses
 * e->st only. */
struct rte_mbuf *dp_tx_single_frame(struct dp_engine *e, const struct sctp_tx_packet *tp,
                                    uint32_t l2l3);
/* A frame larger than its path's MTU (sctp_tx_packet.frag_ok) cut into
 * IP fragments of at most mtu bytes, without a copy: their number, or a
 * negative errno (see dp_engine.c). Uses e->pool and e->ind_pool only. */
/* At most this many IP fragments of one datagram: 64 KB in 576-byte
 * datagrams, the smallest path MTU a peer can report and the smallest a
 * port takes. */
#define DP_FRAGS_MAX 128
int dp_tx_fragment(struct dp_engine *e, struct rte_mbuf *head, bool v4, uint32_t l2, uint32_t mtu,
                   uint32_t id, struct rte_mbuf **frags, unsigned max);
/* Registers the mbuf flags: the one both use, and dp_rx_unfrag_flag
 * (once, after rte_eal_init): 0 or -1. */
int dp_mbuf_flags_init(void);
extern uint64_t dp_tx_used_flag, dp_rx_unfrag_flag;
enum { DP_MB_SCTP = 1, DP_MB_NEIGH, DP_MB_ICMP, DP_MB_FRAG };

/* dp_echo.c: services and the traffic generator. */
/* Sends the echoes gathered from the events handled since the last
 * call; before those events are released. */
void dp_echo_flush(struct dp_engine *e);
/* A DATA event a service takes in, counted. */
/* A message's bytes; the message itself with its last part (partial
 * delivery hands one over in several events). */
static inline void dp_count_in(struct dp_engine *e, const struct sctp_event *ev)
{
    e->st.msgs_in += !(ev->u.data.flags & SCTP_EV_DATA_PARTIAL);
    e->st.bytes_in += ev->u.data.len;
}
void dp_service_event(struct dp_engine *e, unsigned svc, struct sctp_event *ev);
void dp_service_poll(struct dp_engine *e);
/* Logs how many association and path events went unlogged (the event
 * log rate), if any, since the last line. */
void dp_service_notes_flush(struct dp_engine *e);

/* A token bucket kept as the time the next token is due (*tat_ns): burst
 * in a row, then one every period_ns. True, and the token taken, if one
 * is there at now. */
static inline bool dp_bucket_take(uint64_t *tat_ns, uint64_t now, uint64_t period_ns,
                                  unsigned burst)
{
    uint64_t tat = *tat_ns > now ? *tat_ns : now;
    if (tat - now > period_ns * (burst - 1))
        return false;
    *tat_ns = tat + period_ns;
    return true;
}
int dp_gen_init(struct dp_engine *e, unsigned svc);
/* The echo backlog's arrays (0, or -1 out of memory), and freeing every
 * item's references (engine teardown). */
int dp_backlog_init(struct dp_engine *e, int socket);
void dp_backlog_free(struct dp_engine *e);
void dp_gen_report(void);

/* dp_telemetry.c */
int dp_telemetry_init(void);
void dp_snapshot_update(struct dp_engine *e);
/* True when the telemetry thread asked for what the snapshot lacks. */
bool dp_snapshot_wanted(const struct dp_engine *e);
/* One line per engine and per port on stdout (at exit). */
void dp_print_counters(void);

/* Bytes of data an mbuf of this pool holds after the headroom. */
static inline uint32_t dp_pool_room(struct rte_mempool *mp)
{
    return (uint32_t)rte_pktmbuf_data_room_size(mp) - (uint32_t)RTE_PKTMBUF_HEADROOM;
}

/* CRC32c of the SCTP packet at off (len bytes) of a chain, the checksum
 * field taken as zero; _fill stores it in a packet that runs to the end
 * of the chain and whose common header is in the first segment. */
uint32_t dp_sctp_crc(const struct rte_mbuf *m, uint32_t off, uint32_t len);
void dp_sctp_crc_fill(struct rte_mbuf *m, uint32_t off);

#endif

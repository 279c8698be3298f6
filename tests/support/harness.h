/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * harness.h: two (or more) core endpoints in memory on a fake clock,
 * joined by a link that drops, duplicates, reorders and corrupts packets
 * from a seeded generator.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include "sctp.h"

#define H_NODES     2 /* nodes made by h_init */
#define H_MAX_NODES 4 /* nodes h_init_n can make */

/* A refcounted payload buffer: the handle the core references. */
struct hbuf {
    int refs;
    uint32_t len;
    uint8_t data[];
};
struct hbuf *hbuf_new(const void *data, uint32_t len);
void hbuf_ref(struct hbuf *b);
void hbuf_unref(struct hbuf *b);
extern long hbuf_live; /* buffers alive: leak check */
/* When set before h_init, endpoints get no payload_ref_n/unref_n
 * callbacks, so the core takes references one at a time. */
extern bool h_single_refs;
/* When set, applications read and release their events in bursts
 * (sctp_endpoint_poll_events, sctp_event_release_burst). */
extern bool h_burst_events;
/* When set (and h_burst_events is not), applications read their events
 * in place (sctp_endpoint_peek_events, sctp_endpoint_consume_events):
 * their on_event must not call into the endpoint. */
extern bool h_peek_events;

struct hpkt;
struct harness;

typedef void (*h_event_fn)(struct harness *h, int node, struct sctp_event *ev);

struct harness {
    sctp_tstamp now;
    uint64_t rng;
    /* per mille */
    unsigned loss, dup, reorder, corrupt;
    sctp_tstamp latency;
    struct sctp_endpoint *ep[H_MAX_NODES];
    struct sctp_config cfg[H_MAX_NODES];
    /* addresses that are cut off (multi-homing failover) */
    struct sctp_addr down[4];
    unsigned n_down;
    struct hpkt *q;
    unsigned qlen;
    h_event_fn on_event;
    void *user;
    uint64_t sent, dropped, duplicated, corrupted, reordered, delivered;
    uint64_t chunk_counts[H_MAX_NODES][256]; /* chunks sent by type, per node */
    int (*filter)(struct harness *h, int from, const uint8_t *pkt, uint32_t len);
    unsigned n_nodes;
    /* Addresses of the packet being shown to filter, and its frag_ok. */
    struct sctp_addr pkt_src, pkt_dst;
    bool pkt_frag_ok;
    /* A node whose events stay queued in its endpoint: an application
     * that does not read (its receive window fills up). */
    bool hold_events[H_MAX_NODES];
    struct sctp_callbacks cb;
    sctp_tstamp until; /* h_step does not move time past this (0: no limit) */
    /* Calls of payload_ref_n / payload_unref_n, and the references they
     * took and dropped. */
    uint64_t ref_n_calls, ref_n_refs, unref_n_calls, unref_n_refs;
    /* While set, the endpoints' allocator fails (returns NULL), and
     * alloc_failed counts the allocations it refused. */
    bool fail_alloc;
    uint64_t alloc_failed;
};

uint64_t h_rand(struct harness *h);
/* Copies a packet's segments, in order, into buf while they fit in max
 * bytes (a NIC's gather); returns the bytes copied. */
uint32_t h_pkt_gather(const struct sctp_tx_packet *p, uint8_t *buf, uint32_t max);
/* Node i gets 198.18.0.(1+i), and 198.18.2.(1+i) when multi-homed. */
void h_init(struct harness *h, uint64_t seed, bool multihomed, void (*tune)(struct sctp_config *));
/* Same with n_nodes (2 .. H_MAX_NODES) endpoints. */
void h_init_n(struct harness *h, unsigned n_nodes, uint64_t seed, bool multihomed,
              void (*tune)(struct sctp_config *));
/* Frees a node's endpoint and creates it again with the same
 * configuration: a peer that lost its state and restarted. */
void h_restart_node(struct harness *h, int node);
void h_fini(struct harness *h);
/* Moves packets and time until done() returns true or max_ns passes
 * (time stops at that deadline, not at the next event after it).
 * Returns true if done() became true. */
bool h_run(struct harness *h, bool (*done)(struct harness *h), sctp_tstamp max_ns);
/* One step: flush outputs, deliver due packets, fire timers. */
void h_step(struct harness *h);
/* A packet of len bytes (common header first) arriving at node `to` from
 * src, given to its endpoint's input from a copy. With csum_good the
 * checksum counts as checked by the NIC; otherwise its CRC32c is filled
 * in and the core checks it. Returns what sctp_endpoint_input returned. */
int h_input(struct harness *h, int to, const struct sctp_addr *src, const uint8_t *pkt,
            uint32_t len, bool csum_good);
/* Sends a message from a copy of data. */
int h_send(struct harness *h, int node, uint32_t assoc, uint16_t sid, uint16_t flags,
           const void *data, uint32_t len);

#endif

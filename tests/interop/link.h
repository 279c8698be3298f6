/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * link.h: the lossy in-process wire between usrsctp and the other side
 * (our core, or a second usrsctp socket in the self-check).
 *
 * Packets that usrsctp sends (from any of its threads) are queued under
 * a mutex; the main thread pops them. Every packet, whichever way it
 * goes, passes link_pass() in the main thread, which counts its chunks,
 * shows it to an optional observer, writes it to an optional pcap file
 * and decides, from a seeded generator per direction, whether it is lost.
 *
 * Addresses: side 0 (our core) is 198.18.0.2, side 1 (usrsctp) is
 * 198.18.0.1. The direction of a packet is found from its destination
 * port: the port of side 0 means "to side 0".
 *
 * The pcap file (LINKTYPE_RAW, a synthesized IPv4 header) holds every
 * packet, lost ones included with IP TTL 1: `tshark -r F -Y 'ip.ttl!=1'`
 * shows what each side really received.
 */
#ifndef LINK_H
#define LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINK_TO_SIDE0 0
#define LINK_TO_SIDE1 1

#define LINK_SIDE0_ADDR 0xC6120002u /* 198.18.0.2 */
#define LINK_SIDE1_ADDR 0xC6120001u /* 198.18.0.1 */

/* A packet queued from usrsctp. */
struct link_pkt {
    struct link_pkt *next;
    uint64_t during_input; /* seq of the packet usrsctp was processing, or 0 */
    size_t len;
    uint8_t data[];
};

struct link_dir_stats {
    uint64_t packets, dropped, bytes;
    uint64_t chunks[256];        /* by chunk type, lost packets included */
    uint64_t chunks_passed[256]; /* by chunk type, delivered only */
    uint64_t aborts_tbit;        /* ABORT chunks with the T bit (8.4 replies) */
    uint64_t stray;              /* packets of no port of this scenario */
};

/*
 * Called for every packet in link_pass(), after the loss decision.
 * seq is the delivery sequence number of a packet delivered to usrsctp
 * (0 otherwise); during_input, for a packet usrsctp sent, is the seq of
 * the packet usrsctp was processing when it sent it (0: sent from a
 * timer or a socket call).
 */
typedef void (*link_observer)(void *arg, int dir, const uint8_t *pkt, size_t len, bool dropped,
                              uint64_t seq, uint64_t during_input);

struct link;

/* Creates the link; only one exists at a time (usrsctp's output goes to
 * the current one). */
struct link *link_new(uint64_t seed, uint16_t side0_port);
void link_free(struct link *l);

/* The function to give usock_init(): queues usrsctp's packets. */
int link_usrsctp_output(void *addr, const void *pkt, size_t len);

void link_set_loss(struct link *l, int dir, double p);
/* Never lose a packet that carries an ABORT chunk (it is not
 * retransmitted, and the test checks its cause). */
void link_set_spare_abort(struct link *l, bool on);
void link_set_observer(struct link *l, link_observer fn, void *arg);
/* Opens (or, with NULL, closes) the pcap file. Returns 0 or -1. */
int link_pcap(struct link *l, const char *path);

/* Next packet from usrsctp or NULL. Free it with free(). */
struct link_pkt *link_pop(struct link *l);
/* Waits until usrsctp queues a packet or timeout_ns passes. */
void link_wait(struct link *l, uint64_t timeout_ns);

/*
 * Counts, observes, records and decides. Returns 0 if the packet is
 * lost, otherwise its delivery sequence number (> 0).
 */
uint64_t link_pass(struct link *l, const uint8_t *pkt, size_t len, uint64_t during_input);
/* Hands a delivered packet to usrsctp, marking it as being processed so
 * that the packets usrsctp sends meanwhile carry its seq. */
void link_conninput(struct link *l, uint64_t seq, const uint8_t *pkt, size_t len);

const struct link_dir_stats *link_stats(const struct link *l, int dir);

/* Walks the chunks of an SCTP packet: calls fn for each; stops on a
 * malformed length. Returns the number of chunks. */
typedef void (*link_chunk_fn)(void *arg, uint8_t type, uint8_t flags, const uint8_t *chunk,
                              uint16_t len);
unsigned link_walk_chunks(const uint8_t *pkt, size_t len, link_chunk_fn fn, void *arg);

uint64_t link_now_ns(void);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole packets into an established association: the input is an SCTP
 * packet whose common header is rewritten (ports, and the verification
 * tag unless the first input byte says otherwise) so that it reaches the
 * association's state machine, which is short of buffers (receive
 * pressure, or the association's own receive hold when the low bit of
 * the second byte, a port overwritten, is set) while it reads the packet
 * if that byte says so, and which
 * has a message given in three pieces in flight if it says so. With
 * bit 5 of that byte, the node under test sends every message it
 * receives back through the room of its received DATA header
 * (sctp_frag.room); with bit 6, it sends two messages packed back to back
 * in one buffer, each with its header room; with bit 7, both ends run
 * with Max.Burst 4. The association then runs on for a while on the fake
 * clock; payload references must balance at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sctp_codec.h"

static uint32_t assoc_id[H_NODES];
static bool echo1; /* node 1 echoes what it receives */

static void on_event(struct harness *h, int node, struct sctp_event *ev)
{
    if (ev->type == SCTP_EV_ASSOC_CHANGE && ev->u.assoc_change.state == SCTP_COMM_UP)
        assoc_id[node] = ev->assoc_id;
    if (echo1 && node == 1 && ev->type == SCTP_EV_DATA) {
        struct sctp_sndinfo si = {.sid = (uint16_t)(ev->u.data.sid & 3)};
        sctp_endpoint_sendv(h->ep[1], ev->assoc_id, &si, ev->u.data.frags, ev->u.data.nfrags,
                            h->now);
    }
}

/* Bit 7 of the first byte: the options off by default on, Max.Burst,
 * SCTP-PF at the first error and an INIT ACK rate. */
static void tune_burst(struct sctp_config *c)
{
    c->max_burst = 4;
    c->pf_retrans = 0;
    c->init_rate = 20;
}

static bool up(struct harness *h)
{
    (void)h;
    return assoc_id[0] && assoc_id[1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 + SCTP_COMMON_HDR_LEN || size > 4096)
        return 0;
    struct harness h;
    memset(assoc_id, 0, sizeof(assoc_id));
    echo1 = false;
    h_init(&h, 1, false, (data[0] & 128) ? tune_burst : NULL);
    h.on_event = on_event;
    uint32_t id;
    if (sctp_endpoint_connect(h.ep[0], &h.cfg[1].addrs[0], 1, h.cfg[1].port, 4, NULL, NULL, &id,
                              h.now) != 0 ||
        !h_run(&h, up, 5 * SCTP_SEC))
        abort();
    /* Some data in flight both ways, so SACK and FORWARD TSN have work. */
    uint8_t msg[300] = {1};
    h_send(&h, 0, assoc_id[0], 1, 0, msg, sizeof(msg));
    h_send(&h, 1, assoc_id[1], 2, SCTP_UNORDERED, msg, 3000 > sizeof(msg) ? sizeof(msg) : 3000);
    uint8_t mode = data[0]; /* read above too (bit 7) */
    if (mode & 8) {
        /* A message in three pieces from the node under test, with
         * PR-SCTP (no retransmission) if bit 4 says so. */
        static const uint32_t plen[3] = {100, 1600, 50};
        static uint8_t pbuf[1600];
        struct hbuf *pb[3];
        struct sctp_frag parts[3];
        for (int i = 0; i < 3; i++) {
            pb[i] = hbuf_new(pbuf, plen[i]);
            parts[i] = (struct sctp_frag){.data = pb[i]->data, .len = plen[i], .handle = pb[i]};
        }
        struct sctp_sndinfo si = {.sid = 3};
        if (mode & 16)
            si.pr_policy = SCTP_PR_SCTP_RTX;
        sctp_endpoint_sendv(h.ep[1], assoc_id[1], &si, parts, 3, h.now);
        for (int i = 0; i < 3; i++)
            hbuf_unref(pb[i]);
    }
    if (mode & 64) {
        /* Two 64-byte messages back to back, each behind 16 bytes of
         * room, queued with one burst call: one segment when they go out
         * together. */
        struct hbuf *pk = hbuf_new(NULL, 2 * (SCTP_HDR_ROOM + 64));
        memset(pk->data, 0x5a, pk->len);
        struct sctp_sendm m[2];
        for (int i = 0; i < 2; i++)
            m[i] = (struct sctp_sendm){
                .frag = {.data = pk->data + i * (SCTP_HDR_ROOM + 64) + SCTP_HDR_ROOM,
                         .len = 64,
                         .room = SCTP_HDR_ROOM,
                         .handle = pk},
                .sid = 2};
        sctp_endpoint_send_burst(h.ep[1], assoc_id[1], NULL, m, 2, h.now);
        hbuf_unref(pk);
    }
    echo1 = (mode & 32) != 0;
    h_step(&h);

    struct sctp_assoc_info info;
    if (sctp_assoc_get_info(h.ep[1], assoc_id[1], &info) != 0)
        abort();
    static uint8_t pkt[4096];
    memcpy(pkt, data + 1, size - 1);
    sctp_put16(pkt, h.cfg[0].port);
    sctp_put16(pkt + 2, h.cfg[1].port);
    if (!(mode & 1))
        sctp_put32(pkt + 4, (mode & 2) ? info.peer_vtag : info.local_vtag);
    /* The second input byte is the source port, rewritten above: its
     * low bit picks the association's own receive hold over the
     * endpoint's pressure, the next one the pressure's level. */
    bool hold = (data[1] & 1) != 0;
    enum sctp_rx_pressure level = (data[1] & 2) ? SCTP_RX_PRESSURE_BLOCKED : SCTP_RX_PRESSURE_ALL;
    if (mode & 4) {
        if (hold)
            sctp_assoc_set_rx_hold(h.ep[1], assoc_id[1], true);
        else
            sctp_endpoint_set_rx_pressure_level(h.ep[1], level);
    }
    h_input(&h, 1, &h.cfg[0].addrs[0], pkt, (uint32_t)(size - 1), true);
    h_step(&h);
    if (mode & 4) {
        if (hold)
            sctp_assoc_set_rx_hold(h.ep[1], assoc_id[1], false);
        else
            sctp_endpoint_set_rx_pressure_level(h.ep[1], SCTP_RX_PRESSURE_OFF);
    }
    for (int i = 0; i < 50; i++)
        h_step(&h);
    h_fini(&h);
    if (hbuf_live != 0)
        abort(); /* a payload reference leaked or was dropped twice */
    return 0;
}

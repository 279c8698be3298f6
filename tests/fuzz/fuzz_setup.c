/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole packets into an association being set up by the node under test
 * (node 0, which connects to node 1): the input is an SCTP packet whose
 * ports are rewritten, and its verification tag too (to node 0's own)
 * unless bit 1 of the first input byte is set, so that it reaches the
 * INIT ACK, COOKIE ACK, ERROR and ABORT handling of an initiator. With
 * bit 0 the association is in COOKIE-ECHOED (node 1's INIT ACK was
 * taken, node 0's COOKIE ECHO lost), else in COOKIE-WAIT (node 0's INIT
 * lost). With bit 2 a message waits in node 0's send queue meanwhile.
 * The endpoints then run on for a while on the fake clock; payload
 * references must balance at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sctp_codec.h"

/* Drops node 0's packets that start with this chunk type. */
static uint8_t drop_first;

static int filter(struct harness *h, int from, const uint8_t *p, uint32_t len)
{
    (void)h;
    return !(from == 0 && len > SCTP_COMMON_HDR_LEN && p[SCTP_COMMON_HDR_LEN] == drop_first);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 + SCTP_COMMON_HDR_LEN || size > 8192)
        return 0;
    uint8_t mode = data[0];
    struct harness h;
    h_init(&h, 2, false, NULL);
    h.filter = filter;
    drop_first = (mode & 1) ? SCTP_CT_COOKIE_ECHO : SCTP_CT_INIT;
    uint32_t id;
    if (sctp_endpoint_connect(h.ep[0], &h.cfg[1].addrs[0], 1, h.cfg[1].port, 4, NULL, NULL, &id,
                              h.now) != 0)
        abort();
    if (mode & 4) {
        uint8_t msg[200] = {7};
        h_send(&h, 0, id, 1, 0, msg, sizeof(msg));
    }
    /* Until the INIT (or the COOKIE ECHO) has gone out and been lost. */
    enum sctp_state want = (mode & 1) ? SCTP_S_COOKIE_ECHOED : SCTP_S_COOKIE_WAIT;
    struct sctp_assoc_info info;
    for (int i = 0; i < 20; i++) {
        h_step(&h);
        if (sctp_assoc_get_info(h.ep[0], id, &info) != 0)
            abort();
        if (info.state == want && h.dropped > 0)
            break;
    }
    static uint8_t pkt[8192];
    memcpy(pkt, data + 1, size - 1);
    sctp_put16(pkt, h.cfg[1].port);
    sctp_put16(pkt + 2, h.cfg[0].port);
    if (!(mode & 2))
        sctp_put32(pkt + 4, info.local_vtag);
    h_input(&h, 0, &h.cfg[1].addrs[0], pkt, (uint32_t)(size - 1), true);
    h.filter = NULL;
    for (int i = 0; i < 50; i++)
        h_step(&h);
    h_fini(&h);
    if (hbuf_live != 0)
        abort(); /* a payload reference leaked or was dropped twice */
    return 0;
}

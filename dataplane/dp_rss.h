/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_rss.h: the RSS hash a NIC computes over an SCTP packet's addresses
 * and ports (Toeplitz, as rte_softrss), so that an association we start
 * can be placed on the engine whose queue the peer's packets will reach.
 * Kept apart from the port code so that it can be checked against the
 * RSS verification vectors of the NIC datasheets.
 */
#ifndef DP_RSS_H
#define DP_RSS_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_thash.h>

#include "sctp.h"

/* The hash of a packet from src:sport to dst:dport (addresses in network
 * order, as in struct sctp_addr; ports in host order), with the key as
 * the port reports it (rte_eth_dev_rss_hash_conf_get). Both addresses
 * of one family. */
static inline uint32_t dp_rss_hash(const struct sctp_addr *src, const struct sctp_addr *dst,
                                   uint16_t sport, uint16_t dport, const uint8_t *key)
{
    union rte_thash_tuple t;
    uint32_t len;

    memset(&t, 0, sizeof(t));
    if (src->family == SCTP_AF_INET) {
        uint32_t s, d;
        memcpy(&s, src->addr, 4);
        memcpy(&d, dst->addr, 4);
        t.v4.src_addr = rte_be_to_cpu_32(s);
        t.v4.dst_addr = rte_be_to_cpu_32(d);
        t.v4.sport = sport;
        t.v4.dport = dport;
        len = RTE_THASH_V4_L4_LEN;
    } else {
        /* rte_softrss takes the tuple as host-order 32-bit words. */
        uint32_t *ws = (uint32_t *)(void *)t.v6.src_addr;
        uint32_t *wd = (uint32_t *)(void *)t.v6.dst_addr;
        for (unsigned i = 0; i < 4; i++) {
            uint32_t s, d;
            memcpy(&s, src->addr + 4 * i, 4);
            memcpy(&d, dst->addr + 4 * i, 4);
            ws[i] = rte_be_to_cpu_32(s);
            wd[i] = rte_be_to_cpu_32(d);
        }
        t.v6.sport = sport;
        t.v6.dport = dport;
        len = RTE_THASH_V6_L4_LEN;
    }
    return rte_softrss((uint32_t *)(void *)&t, len, key);
}

#endif

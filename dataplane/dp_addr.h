/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_addr.h: an IPv4 or IPv6 address in text into a struct sctp_addr. */
#ifndef DP_ADDR_H
#define DP_ADDR_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sctp.h"

/* 0, or -1 if s is neither an IPv4 nor an IPv6 address. */
static inline int dp_addr_parse(const char *s, struct sctp_addr *a)
{
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, s, a->addr) == 1) {
        a->family = SCTP_AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, s, a->addr) == 1) {
        a->family = SCTP_AF_INET6;
        return 0;
    }
    return -1;
}

/* Whether a and b (same family) agree in their first bits bits. */
static inline bool dp_prefix_match(const struct sctp_addr *a, const struct sctp_addr *b,
                                   unsigned bits)
{
    unsigned bytes = bits / 8, rem = bits % 8;

    if (a->family != b->family)
        return false;
    if (memcmp(a->addr, b->addr, bytes) != 0)
        return false;
    if (rem == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rem));
    return (a->addr[bytes] & mask) == (b->addr[bytes] & mask);
}

#endif

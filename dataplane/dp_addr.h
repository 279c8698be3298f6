/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_addr.h: an IPv4 or IPv6 address in text into a struct sctp_addr. */
#ifndef DP_ADDR_H
#define DP_ADDR_H

#include <arpa/inet.h>
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

#endif

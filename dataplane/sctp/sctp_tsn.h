/* SPDX-License-Identifier: BSD-3-Clause */
/* sctp_tsn.h: serial number arithmetic (RFC 9260 1.6, RFC 1982). */
#ifndef SCTP_TSN_H
#define SCTP_TSN_H

#include <stdbool.h>
#include <stdint.h>

static inline bool sctp_tsn_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
static inline bool sctp_tsn_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}
static inline bool sctp_tsn_gt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}
static inline bool sctp_tsn_ge(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) >= 0;
}
static inline bool sctp_ssn_lt(uint16_t a, uint16_t b)
{
    return (int16_t)(uint16_t)(a - b) < 0;
}
static inline bool sctp_ssn_le(uint16_t a, uint16_t b)
{
    return (int16_t)(uint16_t)(a - b) <= 0;
}

#endif

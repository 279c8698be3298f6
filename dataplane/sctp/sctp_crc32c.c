/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_crc32c.c: CRC32c (RFC 9260 6.8 and appendix A) on top of ISA-L.
 *
 * ISA-L's crc32_iscsi() works on the raw shift register: it neither
 * inverts the seed nor the result. The public value here is the usual
 * CRC32c (initial ~0, final inversion), so that a zero seed starts a new
 * CRC and the result of one call seeds the next.
 */
#include <string.h>

#include <isa-l/crc.h>

#include "sctp_crc32c.h"

/* crc32_iscsi() takes an int length. */
#define CRC_CHUNK_MAX ((size_t)1 << 30)

/* The checksum field of the common header (RFC 9260 3.1). */
#define CSUM_OFF 8
#define CSUM_LEN 4
#define HDR_LEN  12

uint32_t sctp_crc32c(uint32_t crc, const void *buf, size_t len)
{
    /* crc32_iscsi() does not write the buffer; its prototype lacks const. */
    unsigned char *p = (unsigned char *)(uintptr_t)buf;
    uint32_t reg = ~crc;

    while (len > 0) {
        size_t n = len < CRC_CHUNK_MAX ? len : CRC_CHUNK_MAX;
        reg = crc32_iscsi(p, (int)n, reg);
        p += n;
        len -= n;
    }
    return ~reg;
}

uint32_t sctp_crc32c_segs(const struct sctp_frag *segs, unsigned nsegs)
{
    uint32_t crc = 0;

    for (unsigned i = 0; i < nsegs; i++)
        if (segs[i].len)
            crc = sctp_crc32c(crc, segs[i].data, segs[i].len);
    return crc;
}

/* RFC 9260 appendix A: the CRC is stored least significant byte first. */
static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

bool sctp_crc32c_check(const uint8_t *pkt, size_t len)
{
    static const uint8_t zero[CSUM_LEN];
    uint32_t crc;

    if (len < HDR_LEN)
        return false;
    /* The CRC covers the packet with the checksum field set to zero;
     * the received buffer is left untouched. */
    crc = sctp_crc32c(0, pkt, CSUM_OFF);
    crc = sctp_crc32c(crc, zero, CSUM_LEN);
    crc = sctp_crc32c(crc, pkt + HDR_LEN, len - HDR_LEN);
    return crc == get_le32(pkt + CSUM_OFF);
}

void sctp_crc32c_fill(struct sctp_frag *segs, unsigned nsegs, uint8_t *hdr)
{
    memset(hdr + CSUM_OFF, 0, CSUM_LEN);
    put_le32(hdr + CSUM_OFF, sctp_crc32c_segs(segs, nsegs));
}

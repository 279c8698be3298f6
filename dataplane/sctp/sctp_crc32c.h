/* SPDX-License-Identifier: BSD-3-Clause */
/* sctp_crc32c.h: CRC32c for SCTP packets (RFC 9260 6.8, appendix A). */
#ifndef SCTP_CRC32C_H
#define SCTP_CRC32C_H

#include "sctp.h"

/* CRC32c (Castagnoli) of len bytes, seeded with crc (0 to start).
 * Chain segments by passing the previous result. */
uint32_t sctp_crc32c(uint32_t crc, const void *buf, size_t len);

/* CRC32c over a list of segments, as a packet spread over mbufs. */
uint32_t sctp_crc32c_segs(const struct sctp_frag *segs, unsigned nsegs);

/* The CRC32c crc (0 to start) continued over nsegs more segments. */
uint32_t sctp_crc32c_combine(uint32_t crc, const struct sctp_frag *segs, unsigned nsegs);

/* Checks a contiguous packet: the checksum field (bytes 8..11, little
 * endian on the wire) against the CRC computed with that field zeroed.
 * Returns true if it matches. len must be >= 12. */
bool sctp_crc32c_check(const uint8_t *pkt, size_t len);

/* Writes the checksum of a packet whose segments are given; segs[0] must
 * hold the common header (>= 12 bytes) and is written to. */
void sctp_crc32c_fill(struct sctp_frag *segs, unsigned nsegs, uint8_t *hdr);

#endif

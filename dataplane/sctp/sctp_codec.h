/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_codec.h: SCTP packet, chunk, parameter and error cause codec
 * (RFC 9260 3, RFC 3758 3.2, RFC 4820 3).
 *
 * Decoders take a buffer and its length, never read past it, and return
 * the bytes consumed (or 1/0 for iterators) or SCTP_ERR_PROTO. Encoders
 * check the room first and return the bytes written (padding included)
 * or SCTP_ERR_NOBUF. All multi-byte fields are converted to host order
 * except PPIDs, which stay in network order as the API passes them.
 */
#ifndef SCTP_CODEC_H
#define SCTP_CODEC_H

#include <string.h>

#include "sctp.h"

/* RFC 9260 3.2: chunk types. */
enum sctp_chunk_type {
    SCTP_CT_DATA = 0,
    SCTP_CT_INIT = 1,
    SCTP_CT_INIT_ACK = 2,
    SCTP_CT_SACK = 3,
    SCTP_CT_HEARTBEAT = 4,
    SCTP_CT_HEARTBEAT_ACK = 5,
    SCTP_CT_ABORT = 6,
    SCTP_CT_SHUTDOWN = 7,
    SCTP_CT_SHUTDOWN_ACK = 8,
    SCTP_CT_ERROR = 9,
    SCTP_CT_COOKIE_ECHO = 10,
    SCTP_CT_COOKIE_ACK = 11,
    SCTP_CT_ECNE = 12,
    SCTP_CT_CWR = 13,
    SCTP_CT_SHUTDOWN_COMPLETE = 14,
    SCTP_CT_PAD = 0x84,         /* RFC 4820 */
    SCTP_CT_FORWARD_TSN = 0xc0, /* RFC 3758 */
};

/* Chunk flags. */
#define SCTP_DATA_FLAG_E 0x01
#define SCTP_DATA_FLAG_B 0x02
#define SCTP_DATA_FLAG_U 0x04
#define SCTP_DATA_FLAG_I 0x08
#define SCTP_FLAG_T      0x01 /* ABORT, SHUTDOWN COMPLETE: RFC 9260 3.3.7 */

/* RFC 9260 3.3.2 / 3.3.3: parameter types. */
enum sctp_param_type {
    SCTP_PT_HEARTBEAT_INFO = 1,
    SCTP_PT_IPV4 = 5,
    SCTP_PT_IPV6 = 6,
    SCTP_PT_STATE_COOKIE = 7,
    SCTP_PT_UNRECOGNIZED = 8,
    SCTP_PT_COOKIE_PRESERVATIVE = 9,
    SCTP_PT_HOSTNAME = 11,
    SCTP_PT_SUPPORTED_ADDR_TYPES = 12,
    SCTP_PT_ECN_CAPABLE = 0x8000,
    SCTP_PT_FORWARD_TSN_SUPPORTED = 0xc000, /* RFC 3758 */
    SCTP_PT_PADDING = 0x8005,               /* RFC 4820 */
    SCTP_PT_SUPPORTED_EXTENSIONS = 0x8008,  /* RFC 5061 */
};

/* RFC 9260 3.3.10: the 13 error causes. */
enum sctp_cause_code {
    SCTP_CAUSE_INVALID_STREAM = 1,
    SCTP_CAUSE_MISSING_PARAM = 2,
    SCTP_CAUSE_STALE_COOKIE = 3,
    SCTP_CAUSE_OUT_OF_RESOURCE = 4,
    SCTP_CAUSE_UNRESOLVABLE_ADDR = 5,
    SCTP_CAUSE_UNRECOGNIZED_CHUNK = 6,
    SCTP_CAUSE_INVALID_PARAM = 7,
    SCTP_CAUSE_UNRECOGNIZED_PARAMS = 8,
    SCTP_CAUSE_NO_USER_DATA = 9,
    SCTP_CAUSE_COOKIE_IN_SHUTDOWN = 10,
    SCTP_CAUSE_RESTART_NEW_ADDRS = 11,
    SCTP_CAUSE_USER_ABORT = 12,
    SCTP_CAUSE_PROTOCOL_VIOLATION = 13,
};

#define SCTP_COMMON_HDR_LEN 12
#define SCTP_CHUNK_HDR_LEN  4
#define SCTP_DATA_HDR_LEN   16
#define SCTP_INIT_FIXED_LEN 20 /* chunk header + 16 */
#define SCTP_PAD4(x)        (((x) + 3u) & ~3u)

struct sctp_common_hdr {
    uint16_t sport, dport;
    uint32_t vtag;
    uint32_t csum; /* as read: little-endian CRC32c value */
};

/* Decodes the 12-byte common header. Returns 12 or SCTP_ERR_PROTO. */
int sctp_common_hdr_decode(struct sctp_common_hdr *h, const uint8_t *p, size_t len);
/* Writes the common header with a zero checksum. Returns 12 or NOBUF. */
int sctp_common_hdr_encode(uint8_t *p, size_t room, uint16_t sport, uint16_t dport, uint32_t vtag);

/* A chunk as it sits in the packet. */
struct sctp_chunk {
    uint8_t type;
    uint8_t flags;
    uint16_t length;      /* from the header, without padding */
    const uint8_t *value; /* after the 4-byte header */
    uint16_t value_len;   /* length - 4 */
};

/*
 * Iterates the chunks of a packet. *off starts at 12 (after the common
 * header). Returns 1 and fills *c, 0 at the end, SCTP_ERR_PROTO if a
 * chunk length is < 4 or runs past len (RFC 9260 6.10: the rest of the
 * packet is then dropped). Padding past the last chunk may be absent.
 */
static inline int sctp_chunk_next(const uint8_t *pkt, size_t len, size_t *off,
                                  struct sctp_chunk *c);

/* RFC 9260 3.2: what to do with an unknown chunk type (two high bits). */
enum sctp_unknown_action {
    SCTP_UNK_STOP = 0,        /* 00: stop, discard packet */
    SCTP_UNK_STOP_REPORT = 1, /* 01: stop, discard, report */
    SCTP_UNK_SKIP = 2,        /* 10: skip and continue */
    SCTP_UNK_SKIP_REPORT = 3, /* 11: skip, continue, report */
};
static inline enum sctp_unknown_action sctp_unknown_action(uint16_t type_high_byte)
{
    return (enum sctp_unknown_action)(type_high_byte >> 6);
}

struct sctp_data_chunk {
    uint8_t flags;
    uint32_t tsn;
    uint16_t sid;
    uint16_t ssn;
    uint32_t ppid; /* network byte order */
    const uint8_t *payload;
    uint16_t payload_len;
};
/* RFC 9260 3.3.1. SCTP_ERR_PROTO if shorter than 16 bytes; an empty
 * payload decodes fine (the caller answers with No User Data). */
static inline int sctp_data_decode(struct sctp_data_chunk *d, const struct sctp_chunk *c);
/* Writes the 16-byte DATA header; the payload (payload_len bytes) and
 * padding follow outside. Returns 16 or SCTP_ERR_NOBUF. */
int sctp_data_hdr_encode(uint8_t *p, size_t room, uint8_t flags, uint32_t tsn, uint16_t sid,
                         uint16_t ssn, uint32_t ppid, uint16_t payload_len);

/* INIT and INIT ACK share the fixed part (RFC 9260 3.3.2, 3.3.3). */
struct sctp_init_chunk {
    uint32_t init_tag;
    uint32_t a_rwnd;
    uint16_t ostreams;
    uint16_t istreams;
    uint32_t initial_tsn;
    const uint8_t *params; /* variable parameters */
    uint16_t params_len;
};
int sctp_init_decode(struct sctp_init_chunk *i, const struct sctp_chunk *c);

/* A TLV parameter or error cause. */
struct sctp_tlv {
    uint16_t type;
    uint16_t length; /* header included, padding excluded */
    const uint8_t *value;
    uint16_t value_len;
};
/* Iterates TLVs (parameters or causes) in buf. Same contract as
 * sctp_chunk_next, with *off starting at 0. */
int sctp_tlv_next(const uint8_t *buf, size_t len, size_t *off, struct sctp_tlv *t);

/* Writes a TLV with value (may be NULL with vlen 0), zero padded.
 * Returns SCTP_PAD4(4 + vlen) or SCTP_ERR_NOBUF. */
int sctp_tlv_encode(uint8_t *p, size_t room, uint16_t type, const void *value, uint16_t vlen);

/* Writes an INIT or INIT ACK chunk header and fixed part; the caller
 * appends parameters and patches the length with sctp_chunk_set_length. */
int sctp_init_encode(uint8_t *p, size_t room, uint8_t type, const struct sctp_init_chunk *i);
/* Writes a generic chunk header. Returns 4 or SCTP_ERR_NOBUF. */
int sctp_chunk_hdr_encode(uint8_t *p, size_t room, uint8_t type, uint8_t flags, uint16_t length);
/* Sets the Chunk Length of a chunk `length` bytes long, its parameters or
 * causes padded: for an INIT, INIT ACK, ABORT or ERROR, without the last
 * one's padding (RFC 9260 3.2). */
void sctp_chunk_set_length(uint8_t *chunk, uint16_t length);

/* RFC 9260 3.3.4 */
struct sctp_gap_block {
    uint16_t start, end; /* offsets from the cumulative TSN ack */
};
struct sctp_sack_chunk {
    uint32_t cum_tsn;
    uint32_t a_rwnd;
    uint16_t n_gaps;
    uint16_t n_dups;
    const uint8_t *gaps; /* n_gaps * 4 bytes; read with sctp_sack_gap() */
    const uint8_t *dups; /* n_dups * 4 bytes; read with sctp_sack_dup() */
};
/* SCTP_ERR_PROTO if the counts do not fit the chunk length. */
int sctp_sack_decode(struct sctp_sack_chunk *s, const struct sctp_chunk *c);
struct sctp_gap_block sctp_sack_gap(const struct sctp_sack_chunk *s, unsigned i);
uint32_t sctp_sack_dup(const struct sctp_sack_chunk *s, unsigned i);
int sctp_sack_encode(uint8_t *p, size_t room, uint32_t cum_tsn, uint32_t a_rwnd,
                     const struct sctp_gap_block *gaps, uint16_t n_gaps, const uint32_t *dups,
                     uint16_t n_dups);

/* SHUTDOWN (3.3.8): cumulative TSN ack. */
int sctp_shutdown_decode(uint32_t *cum_tsn, const struct sctp_chunk *c);
int sctp_shutdown_encode(uint8_t *p, size_t room, uint32_t cum_tsn);

/* ECNE (3.3.11) and CWR (3.3.12): one TSN. */
int sctp_tsn_chunk_decode(uint32_t *tsn, const struct sctp_chunk *c);

/* RFC 3758 3.2: FORWARD TSN. */
struct sctp_fwd_stream {
    uint16_t sid, ssn;
};
struct sctp_forward_tsn_chunk {
    uint32_t new_cum_tsn;
    uint16_t n_streams;
    const uint8_t *streams; /* read with sctp_forward_tsn_stream() */
};
int sctp_forward_tsn_decode(struct sctp_forward_tsn_chunk *f, const struct sctp_chunk *c);
struct sctp_fwd_stream sctp_forward_tsn_stream(const struct sctp_forward_tsn_chunk *f, unsigned i);
int sctp_forward_tsn_encode(uint8_t *p, size_t room, uint32_t new_cum_tsn,
                            const struct sctp_fwd_stream *s, uint16_t n);

/* Error causes (3.3.10). Writes cause code, length, then info bytes.
 * Returns the padded length or SCTP_ERR_NOBUF. */
int sctp_cause_encode(uint8_t *p, size_t room, uint16_t code, const void *info, uint16_t ilen);
/* Convenience encoders for causes with structured fields. */
int sctp_cause_invalid_stream_encode(uint8_t *p, size_t room, uint16_t sid);
int sctp_cause_stale_cookie_encode(uint8_t *p, size_t room, uint32_t staleness_us);
int sctp_cause_missing_param_encode(uint8_t *p, size_t room, const uint16_t *types, uint16_t n);
int sctp_cause_no_user_data_encode(uint8_t *p, size_t room, uint32_t tsn);

/* Human-readable names for logs and tests. */
const char *sctp_chunk_name(uint8_t type);
const char *sctp_cause_name(uint16_t code);

/* Big-endian helpers. */
static inline uint16_t sctp_get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t sctp_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void sctp_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void sctp_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A DATA chunk header (RFC 9260 3.3.1) at p, which has the 16 bytes;
 * ppid in network byte order. */
static inline void sctp_data_hdr_put(uint8_t *p, uint8_t flags, uint32_t tsn, uint16_t sid,
                                     uint16_t ssn, uint32_t ppid, uint16_t payload_len)
{
    p[0] = SCTP_CT_DATA;
    p[1] = flags;
    sctp_put16(p + 2, (uint16_t)(SCTP_DATA_HDR_LEN + payload_len));
    sctp_put32(p + 4, tsn);
    sctp_put16(p + 8, sid);
    sctp_put16(p + 10, ssn);
    memcpy(p + 12, &ppid, sizeof(ppid));
}

/*
 * Chunks (RFC 9260 3.2) and parameters/causes (3.2.1, 3.3.10) share one
 * layout: a 4-byte header whose last two bytes are the length, header
 * included and padding excluded. Finds the element at *off and advances
 * *off past it and its padding. The padding after the last element may
 * be missing: the offset then stops at the end of the buffer. (Inline:
 * the receive path walks every chunk with it.)
 */
static inline int sctp_next_element(const uint8_t *buf, size_t len, size_t *off, uint16_t *length)
{
    size_t at = *off;

    if (at == len)
        return 0;
    if (at > len || len - at < 4)
        return SCTP_ERR_PROTO;
    uint16_t l = sctp_get16(buf + at + 2);
    if (l < 4 || l > len - at)
        return SCTP_ERR_PROTO;
    size_t padded = SCTP_PAD4((size_t)l);
    *off = padded > len - at ? len : at + padded;
    *length = l;
    return 1;
}

static inline int sctp_chunk_next(const uint8_t *pkt, size_t len, size_t *off, struct sctp_chunk *c)
{
    size_t at = *off;
    uint16_t length;
    int rc = sctp_next_element(pkt, len, off, &length);

    if (rc <= 0)
        return rc;
    c->type = pkt[at];
    c->flags = pkt[at + 1];
    c->length = length;
    c->value = pkt + at + SCTP_CHUNK_HDR_LEN;
    c->value_len = (uint16_t)(length - SCTP_CHUNK_HDR_LEN);
    return 1;
}

static inline int sctp_data_decode(struct sctp_data_chunk *d, const struct sctp_chunk *c)
{
    const uint8_t *v = c->value;

    if (c->value_len < SCTP_DATA_HDR_LEN - SCTP_CHUNK_HDR_LEN)
        return SCTP_ERR_PROTO;
    d->flags = c->flags;
    d->tsn = sctp_get32(v);
    d->sid = sctp_get16(v + 4);
    d->ssn = sctp_get16(v + 6);
    /* The PPID is opaque to SCTP; it stays as the wire carries it. */
    memcpy(&d->ppid, v + 8, sizeof(d->ppid));
    d->payload = v + 12;
    d->payload_len = (uint16_t)(c->value_len - 12);
    return SCTP_CHUNK_HDR_LEN + c->value_len;
}

#endif

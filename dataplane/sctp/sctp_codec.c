/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_codec.c: SCTP packet, chunk, parameter and error cause codec
 * (RFC 9260 3, RFC 3758 3.2, RFC 4820 3).
 *
 * Every length taken from the wire is checked against the bytes the
 * caller handed in before anything behind it is read. Decoders return the
 * number of chunk bytes they interpreted (chunk header included).
 * Encoders check the room for the whole padded result before writing a
 * single byte, so a failed encode leaves the buffer untouched. A TLV or
 * chunk whose length would not fit the 16-bit length field cannot be
 * encoded at all and is reported as SCTP_ERR_NOBUF too.
 */
#include <string.h>

#include "sctp_codec.h"

#define SCTP_LENGTH_MAX    0xffffu
#define SCTP_SACK_FIXED    16 /* header + cum TSN + a_rwnd + two counts */
#define SCTP_FWD_TSN_FIXED 8  /* header + new cumulative TSN */
#define SCTP_CAUSE_HDR_LEN 4

int sctp_common_hdr_decode(struct sctp_common_hdr *h, const uint8_t *p, size_t len)
{
    if (len < SCTP_COMMON_HDR_LEN)
        return SCTP_ERR_PROTO;
    h->sport = sctp_get16(p);
    h->dport = sctp_get16(p + 2);
    h->vtag = sctp_get32(p + 4);
    /* RFC 9260 6.8: the CRC32c goes on the wire least significant byte
     * first; keep it as the value sctp_crc32c() computes. */
    h->csum =
        (uint32_t)p[8] | ((uint32_t)p[9] << 8) | ((uint32_t)p[10] << 16) | ((uint32_t)p[11] << 24);
    return SCTP_COMMON_HDR_LEN;
}

int sctp_common_hdr_encode(uint8_t *p, size_t room, uint16_t sport, uint16_t dport, uint32_t vtag)
{
    if (room < SCTP_COMMON_HDR_LEN)
        return SCTP_ERR_NOBUF;
    sctp_put16(p, sport);
    sctp_put16(p + 2, dport);
    sctp_put32(p + 4, vtag);
    sctp_put32(p + 8, 0);
    return SCTP_COMMON_HDR_LEN;
}

int sctp_tlv_next(const uint8_t *buf, size_t len, size_t *off, struct sctp_tlv *t)
{
    size_t at = *off;
    uint16_t length;
    int rc = sctp_next_element(buf, len, off, &length);

    if (rc <= 0)
        return rc;
    t->type = sctp_get16(buf + at);
    t->length = length;
    t->value = buf + at + 4;
    t->value_len = (uint16_t)(length - 4);
    return 1;
}

/* Copies vlen bytes of value (zeroes if value is NULL) and zero pads to
 * a multiple of 4. Returns the padded length. */
static size_t put_value_padded(uint8_t *p, const void *value, size_t vlen)
{
    size_t padded = SCTP_PAD4(vlen);

    if (vlen > 0) {
        if (value != NULL)
            memcpy(p, value, vlen);
        else
            memset(p, 0, vlen);
    }
    memset(p + vlen, 0, padded - vlen);
    return padded;
}

int sctp_tlv_encode(uint8_t *p, size_t room, uint16_t type, const void *value, uint16_t vlen)
{
    size_t length = 4 + (size_t)vlen;

    if (length > SCTP_LENGTH_MAX || room < SCTP_PAD4(length))
        return SCTP_ERR_NOBUF;
    sctp_put16(p, type);
    sctp_put16(p + 2, (uint16_t)length);
    return (int)(4 + put_value_padded(p + 4, value, vlen));
}

int sctp_chunk_hdr_encode(uint8_t *p, size_t room, uint8_t type, uint8_t flags, uint16_t length)
{
    if (room < SCTP_CHUNK_HDR_LEN)
        return SCTP_ERR_NOBUF;
    p[0] = type;
    p[1] = flags;
    sctp_put16(p + 2, length);
    return SCTP_CHUNK_HDR_LEN;
}

void sctp_chunk_set_length(uint8_t *chunk, uint16_t length)
{
    /* RFC 9260 3.2: the Chunk Length counts the padding of every
     * parameter (or error cause) but the last: of an ABORT's or ERROR's
     * causes, of an INIT's or INIT ACK's parameters. */
    size_t off;
    switch (chunk[0]) {
    case SCTP_CT_INIT:
    case SCTP_CT_INIT_ACK:
        off = SCTP_INIT_FIXED_LEN;
        break;
    case SCTP_CT_ABORT:
    case SCTP_CT_ERROR:
        off = SCTP_CHUNK_HDR_LEN;
        break;
    default:
        off = length; /* no parameters: the length as given */
    }
    size_t end = length;
    while (off + 4 <= length) {
        uint16_t l = sctp_get16(chunk + off + 2);
        if (l < 4 || off + l > length)
            break;
        end = off + l;
        off += SCTP_PAD4(l);
    }
    sctp_put16(chunk + 2, (uint16_t)end);
}

/* RFC 9260 3.3.1 */
int sctp_data_hdr_encode(uint8_t *p, size_t room, uint8_t flags, uint32_t tsn, uint16_t sid,
                         uint16_t ssn, uint32_t ppid, uint16_t payload_len)
{
    size_t length = SCTP_DATA_HDR_LEN + (size_t)payload_len;

    if (length > SCTP_LENGTH_MAX || room < SCTP_DATA_HDR_LEN)
        return SCTP_ERR_NOBUF;
    p[0] = SCTP_CT_DATA;
    p[1] = flags;
    sctp_put16(p + 2, (uint16_t)length);
    sctp_put32(p + 4, tsn);
    sctp_put16(p + 8, sid);
    sctp_put16(p + 10, ssn);
    memcpy(p + 12, &ppid, sizeof(ppid));
    return SCTP_DATA_HDR_LEN;
}

/* RFC 9260 3.3.2 and 3.3.3: the fixed part only. Whether the values are
 * acceptable (a zero Initiate Tag, zero streams) is for the association
 * to judge: the RFC answers INIT and INIT ACK differently. */
int sctp_init_decode(struct sctp_init_chunk *i, const struct sctp_chunk *c)
{
    const uint8_t *v = c->value;

    if (c->value_len < SCTP_INIT_FIXED_LEN - SCTP_CHUNK_HDR_LEN)
        return SCTP_ERR_PROTO;
    i->init_tag = sctp_get32(v);
    i->a_rwnd = sctp_get32(v + 4);
    i->ostreams = sctp_get16(v + 8);
    i->istreams = sctp_get16(v + 10);
    i->initial_tsn = sctp_get32(v + 12);
    i->params = v + 16;
    i->params_len = (uint16_t)(c->value_len - 16);
    return SCTP_CHUNK_HDR_LEN + c->value_len;
}

int sctp_init_encode(uint8_t *p, size_t room, uint8_t type, const struct sctp_init_chunk *i)
{
    if (room < SCTP_INIT_FIXED_LEN)
        return SCTP_ERR_NOBUF;
    p[0] = type;
    p[1] = 0;
    sctp_put16(p + 2, SCTP_INIT_FIXED_LEN);
    sctp_put32(p + 4, i->init_tag);
    sctp_put32(p + 8, i->a_rwnd);
    sctp_put16(p + 12, i->ostreams);
    sctp_put16(p + 14, i->istreams);
    sctp_put32(p + 16, i->initial_tsn);
    return SCTP_INIT_FIXED_LEN;
}

/* RFC 9260 3.3.4. Bytes after the gap blocks and duplicates are
 * ignored; counts that promise more than the chunk holds are not. */
int sctp_sack_decode(struct sctp_sack_chunk *s, const struct sctp_chunk *c)
{
    const uint8_t *v = c->value;

    if (c->value_len < SCTP_SACK_FIXED - SCTP_CHUNK_HDR_LEN)
        return SCTP_ERR_PROTO;
    uint16_t n_gaps = sctp_get16(v + 8);
    uint16_t n_dups = sctp_get16(v + 10);
    size_t need = SCTP_SACK_FIXED + 4 * ((size_t)n_gaps + n_dups);
    if (need > SCTP_CHUNK_HDR_LEN + (size_t)c->value_len)
        return SCTP_ERR_PROTO;
    s->cum_tsn = sctp_get32(v);
    s->a_rwnd = sctp_get32(v + 4);
    s->n_gaps = n_gaps;
    s->n_dups = n_dups;
    s->gaps = v + 12;
    s->dups = s->gaps + 4 * (size_t)n_gaps;
    return (int)need;
}

struct sctp_gap_block sctp_sack_gap(const struct sctp_sack_chunk *s, unsigned i)
{
    struct sctp_gap_block g = {0, 0};

    if (i < s->n_gaps) {
        g.start = sctp_get16(s->gaps + 4 * (size_t)i);
        g.end = sctp_get16(s->gaps + 4 * (size_t)i + 2);
    }
    return g;
}

uint32_t sctp_sack_dup(const struct sctp_sack_chunk *s, unsigned i)
{
    if (i >= s->n_dups)
        return 0;
    return sctp_get32(s->dups + 4 * (size_t)i);
}

int sctp_sack_encode(uint8_t *p, size_t room, uint32_t cum_tsn, uint32_t a_rwnd,
                     const struct sctp_gap_block *gaps, uint16_t n_gaps, const uint32_t *dups,
                     uint16_t n_dups)
{
    size_t length = SCTP_SACK_FIXED + 4 * ((size_t)n_gaps + n_dups);

    if (length > SCTP_LENGTH_MAX || room < length)
        return SCTP_ERR_NOBUF;
    p[0] = SCTP_CT_SACK;
    p[1] = 0;
    sctp_put16(p + 2, (uint16_t)length);
    sctp_put32(p + 4, cum_tsn);
    sctp_put32(p + 8, a_rwnd);
    sctp_put16(p + 12, n_gaps);
    sctp_put16(p + 14, n_dups);
    uint8_t *q = p + SCTP_SACK_FIXED;
    for (unsigned k = 0; k < n_gaps; k++, q += 4) {
        sctp_put16(q, gaps[k].start);
        sctp_put16(q + 2, gaps[k].end);
    }
    for (unsigned k = 0; k < n_dups; k++, q += 4)
        sctp_put32(q, dups[k]);
    return (int)length;
}

/* RFC 9260 3.3.8: the length is exactly 8. */
int sctp_shutdown_decode(uint32_t *cum_tsn, const struct sctp_chunk *c)
{
    if (c->value_len != 4)
        return SCTP_ERR_PROTO;
    *cum_tsn = sctp_get32(c->value);
    return 8;
}

int sctp_shutdown_encode(uint8_t *p, size_t room, uint32_t cum_tsn)
{
    if (room < 8)
        return SCTP_ERR_NOBUF;
    p[0] = SCTP_CT_SHUTDOWN;
    p[1] = 0;
    sctp_put16(p + 2, 8);
    sctp_put32(p + 4, cum_tsn);
    return 8;
}

/* RFC 9260 3.3.11 / 3.3.12: ECNE and CWR carry one TSN. Longer chunks are
 * accepted so that ECN extensions that append fields still parse. */
int sctp_tsn_chunk_decode(uint32_t *tsn, const struct sctp_chunk *c)
{
    if (c->value_len < 4)
        return SCTP_ERR_PROTO;
    *tsn = sctp_get32(c->value);
    return 8;
}

/* RFC 3758 3.2: a new cumulative TSN followed by whole (stream, sequence)
 * pairs; a length that leaves a partial pair is malformed. */
int sctp_forward_tsn_decode(struct sctp_forward_tsn_chunk *f, const struct sctp_chunk *c)
{
    if (c->value_len < SCTP_FWD_TSN_FIXED - SCTP_CHUNK_HDR_LEN)
        return SCTP_ERR_PROTO;
    size_t rest = (size_t)c->value_len - 4;
    if (rest % 4 != 0)
        return SCTP_ERR_PROTO;
    f->new_cum_tsn = sctp_get32(c->value);
    f->n_streams = (uint16_t)(rest / 4);
    f->streams = c->value + 4;
    return SCTP_CHUNK_HDR_LEN + c->value_len;
}

struct sctp_fwd_stream sctp_forward_tsn_stream(const struct sctp_forward_tsn_chunk *f, unsigned i)
{
    struct sctp_fwd_stream s = {0, 0};

    if (i < f->n_streams) {
        s.sid = sctp_get16(f->streams + 4 * (size_t)i);
        s.ssn = sctp_get16(f->streams + 4 * (size_t)i + 2);
    }
    return s;
}

int sctp_forward_tsn_encode(uint8_t *p, size_t room, uint32_t new_cum_tsn,
                            const struct sctp_fwd_stream *s, uint16_t n)
{
    size_t length = SCTP_FWD_TSN_FIXED + 4 * (size_t)n;

    if (length > SCTP_LENGTH_MAX || room < length)
        return SCTP_ERR_NOBUF;
    p[0] = SCTP_CT_FORWARD_TSN;
    p[1] = 0;
    sctp_put16(p + 2, (uint16_t)length);
    sctp_put32(p + 4, new_cum_tsn);
    uint8_t *q = p + SCTP_FWD_TSN_FIXED;
    for (unsigned k = 0; k < n; k++, q += 4) {
        sctp_put16(q, s[k].sid);
        sctp_put16(q + 2, s[k].ssn);
    }
    return (int)length;
}

/* RFC 9260 3.3.10: causes have the parameter layout. */
int sctp_cause_encode(uint8_t *p, size_t room, uint16_t code, const void *info, uint16_t ilen)
{
    return sctp_tlv_encode(p, room, code, info, ilen);
}

/* 3.3.10.1: stream identifier followed by 16 reserved bits. */
int sctp_cause_invalid_stream_encode(uint8_t *p, size_t room, uint16_t sid)
{
    uint8_t info[4];

    sctp_put16(info, sid);
    sctp_put16(info + 2, 0);
    return sctp_cause_encode(p, room, SCTP_CAUSE_INVALID_STREAM, info, sizeof(info));
}

/* 3.3.10.3: measure of staleness in microseconds. */
int sctp_cause_stale_cookie_encode(uint8_t *p, size_t room, uint32_t staleness_us)
{
    uint8_t info[4];

    sctp_put32(info, staleness_us);
    return sctp_cause_encode(p, room, SCTP_CAUSE_STALE_COOKIE, info, sizeof(info));
}

/* 3.3.10.2: a 32-bit count, then one 16-bit parameter type per missing
 * parameter, zero padded. */
int sctp_cause_missing_param_encode(uint8_t *p, size_t room, const uint16_t *types, uint16_t n)
{
    size_t length = SCTP_CAUSE_HDR_LEN + 4 + 2 * (size_t)n;
    size_t padded = SCTP_PAD4(length);

    if (length > SCTP_LENGTH_MAX || room < padded)
        return SCTP_ERR_NOBUF;
    sctp_put16(p, SCTP_CAUSE_MISSING_PARAM);
    sctp_put16(p + 2, (uint16_t)length);
    sctp_put32(p + 4, n);
    for (unsigned k = 0; k < n; k++)
        sctp_put16(p + 8 + 2 * k, types[k]);
    memset(p + length, 0, padded - length);
    return (int)padded;
}

/* 3.3.10.9: the TSN of the DATA chunk that carried no user data. */
int sctp_cause_no_user_data_encode(uint8_t *p, size_t room, uint32_t tsn)
{
    uint8_t info[4];

    sctp_put32(info, tsn);
    return sctp_cause_encode(p, room, SCTP_CAUSE_NO_USER_DATA, info, sizeof(info));
}

const char *sctp_chunk_name(uint8_t type)
{
    switch (type) {
    case SCTP_CT_DATA:
        return "DATA";
    case SCTP_CT_INIT:
        return "INIT";
    case SCTP_CT_INIT_ACK:
        return "INIT ACK";
    case SCTP_CT_SACK:
        return "SACK";
    case SCTP_CT_HEARTBEAT:
        return "HEARTBEAT";
    case SCTP_CT_HEARTBEAT_ACK:
        return "HEARTBEAT ACK";
    case SCTP_CT_ABORT:
        return "ABORT";
    case SCTP_CT_SHUTDOWN:
        return "SHUTDOWN";
    case SCTP_CT_SHUTDOWN_ACK:
        return "SHUTDOWN ACK";
    case SCTP_CT_ERROR:
        return "ERROR";
    case SCTP_CT_COOKIE_ECHO:
        return "COOKIE ECHO";
    case SCTP_CT_COOKIE_ACK:
        return "COOKIE ACK";
    case SCTP_CT_ECNE:
        return "ECNE";
    case SCTP_CT_CWR:
        return "CWR";
    case SCTP_CT_SHUTDOWN_COMPLETE:
        return "SHUTDOWN COMPLETE";
    case SCTP_CT_PAD:
        return "PAD";
    case SCTP_CT_FORWARD_TSN:
        return "FORWARD TSN";
    default:
        return "UNKNOWN";
    }
}

const char *sctp_cause_name(uint16_t code)
{
    switch (code) {
    case SCTP_CAUSE_INVALID_STREAM:
        return "Invalid Stream Identifier";
    case SCTP_CAUSE_MISSING_PARAM:
        return "Missing Mandatory Parameter";
    case SCTP_CAUSE_STALE_COOKIE:
        return "Stale Cookie Error";
    case SCTP_CAUSE_OUT_OF_RESOURCE:
        return "Out of Resource";
    case SCTP_CAUSE_UNRESOLVABLE_ADDR:
        return "Unresolvable Address";
    case SCTP_CAUSE_UNRECOGNIZED_CHUNK:
        return "Unrecognized Chunk Type";
    case SCTP_CAUSE_INVALID_PARAM:
        return "Invalid Mandatory Parameter";
    case SCTP_CAUSE_UNRECOGNIZED_PARAMS:
        return "Unrecognized Parameters";
    case SCTP_CAUSE_NO_USER_DATA:
        return "No User Data";
    case SCTP_CAUSE_COOKIE_IN_SHUTDOWN:
        return "Cookie Received While Shutting Down";
    case SCTP_CAUSE_RESTART_NEW_ADDRS:
        return "Restart of an Association with New Addresses";
    case SCTP_CAUSE_USER_ABORT:
        return "User-Initiated Abort";
    case SCTP_CAUSE_PROTOCOL_VIOLATION:
        return "Protocol Violation";
    default:
        return "UNKNOWN";
    }
}

const char *sctp_strerror(int error)
{
    switch (error) {
    case 0:
        return "success";
    case SCTP_ERR_INVAL:
        return "invalid argument";
    case SCTP_ERR_NOMEM:
        return "out of memory";
    case SCTP_ERR_PROTO:
        return "malformed packet or protocol violation";
    case SCTP_ERR_NOBUF:
        return "no room in buffer";
    case SCTP_ERR_STATE:
        return "not allowed in the association state";
    case SCTP_ERR_NOTFOUND:
        return "no such association";
    case SCTP_ERR_AGAIN:
        return "send queue full";
    case SCTP_ERR_MSGSIZE:
        return "message too large";
    case SCTP_ERR_CHECKSUM:
        return "checksum mismatch";
    case SCTP_ERR_VTAG:
        return "verification tag mismatch";
    case SCTP_ERR_STREAM:
        return "invalid stream";
    case SCTP_ERR_SHUTDOWN:
        return "association shutting down";
    case SCTP_ERR_ADDR:
        return "address not in association";
    case SCTP_ERR_LIMIT:
        return "limit reached";
    case SCTP_ERR_OOTB:
        return "out of the blue packet";
    default:
        return "unknown error";
    }
}

struct sctp_addr sctp_addr_v4(uint32_t host_order)
{
    struct sctp_addr a;

    memset(&a, 0, sizeof(a));
    a.family = SCTP_AF_INET;
    sctp_put32(a.addr, host_order);
    return a;
}

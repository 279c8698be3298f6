/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target for the chunk codec: the input is one SCTP packet. Every
 * chunk the iterator yields goes to its decoder, and every field a decoder
 * points at is read, so that a length check missing anywhere shows up as
 * an out-of-bounds read under AddressSanitizer.
 */
#include <stddef.h>
#include <stdint.h>

#include "sctp_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t sink;

/* Parameters of INIT / INIT ACK, or error causes of ABORT / ERROR. */
static void read_tlvs(const uint8_t *buf, size_t len, int causes)
{
    size_t off = 0;
    struct sctp_tlv t;

    while (sctp_tlv_next(buf, len, &off, &t) == 1) {
        sink += t.type + t.length;
        if (causes)
            sink += (uint32_t)sctp_cause_name(t.type)[0];
        if (t.value_len > 0)
            sink += t.value[0] + t.value[t.value_len - 1];
    }
}

static void decode_chunk(const struct sctp_chunk *c)
{
    struct sctp_data_chunk d = {0};
    struct sctp_init_chunk in;
    struct sctp_sack_chunk s;
    struct sctp_forward_tsn_chunk f;
    uint32_t tsn;

    sink += (uint32_t)sctp_chunk_name(c->type)[0] + sctp_unknown_action(c->type);
    switch (c->type) {
    case SCTP_CT_DATA:
        if (sctp_data_decode(&d, c) > 0 && d.payload_len > 0)
            sink += d.tsn + d.payload[0] + d.payload[d.payload_len - 1];
        break;
    case SCTP_CT_INIT:
    case SCTP_CT_INIT_ACK:
        if (sctp_init_decode(&in, c) > 0)
            read_tlvs(in.params, in.params_len, 0);
        break;
    case SCTP_CT_SACK:
        if (sctp_sack_decode(&s, c) > 0) {
            for (unsigned i = 0; i < s.n_gaps; i++)
                sink += sctp_sack_gap(&s, i).start + sctp_sack_gap(&s, i).end;
            for (unsigned i = 0; i < s.n_dups; i++)
                sink += sctp_sack_dup(&s, i);
        }
        break;
    case SCTP_CT_SHUTDOWN:
        if (sctp_shutdown_decode(&tsn, c) > 0)
            sink += tsn;
        break;
    case SCTP_CT_ECNE:
    case SCTP_CT_CWR:
        if (sctp_tsn_chunk_decode(&tsn, c) > 0)
            sink += tsn;
        break;
    case SCTP_CT_FORWARD_TSN:
        if (sctp_forward_tsn_decode(&f, c) > 0)
            for (unsigned i = 0; i < f.n_streams; i++)
                sink += sctp_forward_tsn_stream(&f, i).sid + sctp_forward_tsn_stream(&f, i).ssn;
        break;
    case SCTP_CT_ABORT:
    case SCTP_CT_ERROR:
        read_tlvs(c->value, c->value_len, 1);
        break;
    default:
        if (c->value_len > 0)
            sink += c->value[c->value_len - 1];
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sctp_common_hdr h;
    struct sctp_chunk c;
    size_t off = SCTP_COMMON_HDR_LEN;

    if (sctp_common_hdr_decode(&h, data, size) != SCTP_COMMON_HDR_LEN)
        return 0;
    sink += h.vtag;
    while (sctp_chunk_next(data, size, &off, &c) == 1)
        decode_chunk(&c);
    return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the chunk/parameter/cause codec (sctp_codec.c). */
#include <arpa/inet.h>
#include <string.h>

#include "sctp_codec.h"
#include "suites.h"

#define ASSERT_BYTES(buf, ...)                                                                     \
    do {                                                                                           \
        static const uint8_t expect_[] = {__VA_ARGS__};                                            \
        CU_ASSERT_EQUAL(memcmp((buf), expect_, sizeof(expect_)), 0);                               \
    } while (0)

/* Builds a packet from a common header followed by raw chunk bytes. */
static size_t make_packet(uint8_t *pkt, const uint8_t *chunks, size_t n)
{
    CU_ASSERT_EQUAL(sctp_common_hdr_encode(pkt, SCTP_COMMON_HDR_LEN, 1, 2, 3), 12);
    memcpy(pkt + SCTP_COMMON_HDR_LEN, chunks, n);
    return SCTP_COMMON_HDR_LEN + n;
}

/* Returns the one chunk a packet of raw chunk bytes holds. */
static int only_chunk(const uint8_t *chunks, size_t n, struct sctp_chunk *c)
{
    static uint8_t pkt[2048];
    size_t len = make_packet(pkt, chunks, n);
    size_t off = SCTP_COMMON_HDR_LEN;
    return sctp_chunk_next(pkt, len, &off, c);
}

static void test_common_hdr(void)
{
    uint8_t p[16];
    struct sctp_common_hdr h;

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_common_hdr_encode(p, 12, 0x1234, 0xabcd, 0xdeadbeef), 12);
    ASSERT_BYTES(p, 0x12, 0x34, 0xab, 0xcd, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0xee);
    CU_ASSERT_EQUAL(sctp_common_hdr_decode(&h, p, 12), 12);
    CU_ASSERT_EQUAL(h.sport, 0x1234);
    CU_ASSERT_EQUAL(h.dport, 0xabcd);
    CU_ASSERT_EQUAL(h.vtag, 0xdeadbeef);
    CU_ASSERT_EQUAL(h.csum, 0);

    /* RFC 9260 6.8: the checksum is read least significant byte first. */
    p[8] = 0x78, p[9] = 0x56, p[10] = 0x34, p[11] = 0x12;
    CU_ASSERT_EQUAL(sctp_common_hdr_decode(&h, p, 12), 12);
    CU_ASSERT_EQUAL(h.csum, 0x12345678);

    CU_ASSERT_EQUAL(sctp_common_hdr_decode(&h, p, 11), SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(sctp_common_hdr_decode(&h, p, 0), SCTP_ERR_PROTO);
    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_common_hdr_encode(p, 11, 1, 2, 3), SCTP_ERR_NOBUF);
    CU_ASSERT_EQUAL(p[0], 0xee);
}

static void test_chunk_hdr(void)
{
    uint8_t p[8];

    CU_ASSERT_EQUAL(sctp_chunk_hdr_encode(p, 4, SCTP_CT_ABORT, SCTP_FLAG_T, 4), 4);
    ASSERT_BYTES(p, 0x06, 0x01, 0x00, 0x04);
    sctp_chunk_set_length(p, 0x1234);
    ASSERT_BYTES(p, 0x06, 0x01, 0x12, 0x34);
    CU_ASSERT_EQUAL(sctp_chunk_hdr_encode(p, 3, SCTP_CT_ABORT, 0, 4), SCTP_ERR_NOBUF);
}

static void test_chunk_iterate(void)
{
    /* COOKIE ACK, HEARTBEAT with a 5-byte value (3 padding bytes),
     * SHUTDOWN COMPLETE with the T bit. */
    static const uint8_t chunks[] = {
        0x0b, 0x00, 0x00, 0x04,                                        /* COOKIE ACK */
        0x04, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00, 0x05, 0xaa, 0, 0, 0, /* HEARTBEAT */
        0x0e, 0x01, 0x00, 0x04,                                        /* SHUTDOWN COMPLETE */
    };
    uint8_t pkt[64];
    size_t len = make_packet(pkt, chunks, sizeof(chunks));
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;

    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_COOKIE_ACK);
    CU_ASSERT_EQUAL(c.length, 4);
    CU_ASSERT_EQUAL(c.value_len, 0);
    CU_ASSERT_EQUAL(off, 16);

    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_HEARTBEAT);
    CU_ASSERT_EQUAL(c.flags, 0);
    CU_ASSERT_EQUAL(c.length, 9);
    CU_ASSERT_EQUAL(c.value_len, 5);
    CU_ASSERT_PTR_EQUAL(c.value, pkt + 20);
    CU_ASSERT_EQUAL(off, 28);

    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_SHUTDOWN_COMPLETE);
    CU_ASSERT_EQUAL(c.flags, SCTP_FLAG_T);
    CU_ASSERT_EQUAL(off, len);

    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 0);
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 0);
    CU_ASSERT_EQUAL(off, len);

    /* A packet with only the common header has no chunks. */
    off = SCTP_COMMON_HDR_LEN;
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, SCTP_COMMON_HDR_LEN, &off, &c), 0);
}

static void test_chunk_malformed(void)
{
    uint8_t pkt[64];
    struct sctp_chunk c;
    size_t off, len;

    /* Zero length, and lengths below the 4-byte header. */
    for (uint8_t l = 0; l < 4; l++) {
        const uint8_t ch[] = {0x0b, 0, 0, l, 0, 0, 0, 0};
        len = make_packet(pkt, ch, sizeof(ch));
        off = SCTP_COMMON_HDR_LEN;
        CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), SCTP_ERR_PROTO);
        CU_ASSERT_EQUAL(off, SCTP_COMMON_HDR_LEN);
    }

    /* Overlong: claims 9 bytes, 8 present. */
    const uint8_t overlong[] = {0x04, 0, 0, 9, 0, 1, 0, 4};
    len = make_packet(pkt, overlong, sizeof(overlong));
    off = SCTP_COMMON_HDR_LEN;
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), SCTP_ERR_PROTO);

    /* Truncated chunk header after a good chunk. */
    const uint8_t trunc[] = {0x0b, 0, 0, 4, 0x0b, 0, 0};
    len = make_packet(pkt, trunc, sizeof(trunc));
    off = SCTP_COMMON_HDR_LEN;
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(off, 16);

    /* A second chunk whose length runs past the end is caught after the
     * first one decoded. */
    const uint8_t second[] = {0x0b, 0, 0, 4, 0x04, 0, 0x01, 0x00, 0, 1, 0, 4};
    len = make_packet(pkt, second, sizeof(second));
    off = SCTP_COMMON_HDR_LEN;
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), SCTP_ERR_PROTO);

    /* An offset past the end is an error, not the end. */
    off = len + 1;
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), SCTP_ERR_PROTO);
}

static void test_chunk_missing_final_padding(void)
{
    /* DATA with a 1-byte payload, length 17, no padding after it. */
    const uint8_t ch[] = {0x00, 0x03, 0x00, 0x11, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x42};
    uint8_t pkt[64];
    size_t len = make_packet(pkt, ch, sizeof(ch));
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    struct sctp_data_chunk d = {0};

    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(c.length, 17);
    CU_ASSERT_EQUAL(off, len);
    CU_ASSERT_EQUAL(sctp_data_decode(&d, &c), 17);
    CU_ASSERT_EQUAL(d.payload_len, 1);
    CU_ASSERT_EQUAL(d.payload[0], 0x42);
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 0);

    /* Partial padding (2 of 3 bytes) is tolerated too. */
    pkt[len] = 0;
    pkt[len + 1] = 0;
    off = SCTP_COMMON_HDR_LEN;
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len + 2, &off, &c), 1);
    CU_ASSERT_EQUAL(off, len + 2);
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len + 2, &off, &c), 0);
}

static void test_unknown_action(void)
{
    CU_ASSERT_EQUAL(sctp_unknown_action(0x3f), SCTP_UNK_STOP);
    CU_ASSERT_EQUAL(sctp_unknown_action(0x7f), SCTP_UNK_STOP_REPORT);
    CU_ASSERT_EQUAL(sctp_unknown_action(0xbf), SCTP_UNK_SKIP);
    CU_ASSERT_EQUAL(sctp_unknown_action(0xff), SCTP_UNK_SKIP_REPORT);
    CU_ASSERT_EQUAL(sctp_unknown_action(0x00), SCTP_UNK_STOP);
    CU_ASSERT_EQUAL(sctp_unknown_action(0x40), SCTP_UNK_STOP_REPORT);
    CU_ASSERT_EQUAL(sctp_unknown_action(0x80), SCTP_UNK_SKIP);
    CU_ASSERT_EQUAL(sctp_unknown_action(0xc0), SCTP_UNK_SKIP_REPORT);
    /* Parameter types use the two high bits of their first byte. */
    CU_ASSERT_EQUAL(sctp_unknown_action(SCTP_PT_ECN_CAPABLE >> 8), SCTP_UNK_SKIP);
    CU_ASSERT_EQUAL(sctp_unknown_action(SCTP_PT_FORWARD_TSN_SUPPORTED >> 8), SCTP_UNK_SKIP_REPORT);

    /* An unknown chunk still iterates by its length, so the caller can
     * skip it. */
    const uint8_t ch[] = {0xbf, 0x00, 0x00, 0x06, 1, 2, 0, 0, 0x0b, 0, 0, 4};
    uint8_t pkt[64];
    size_t len = make_packet(pkt, ch, sizeof(ch));
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(sctp_unknown_action(c.type), SCTP_UNK_SKIP);
    CU_ASSERT_STRING_EQUAL(sctp_chunk_name(c.type), "UNKNOWN");
    CU_ASSERT_EQUAL(sctp_chunk_next(pkt, len, &off, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_COOKIE_ACK);
}

static void test_data_wire(void)
{
    uint8_t p[32];
    uint32_t ppid = htonl(46);

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_data_hdr_encode(p, 16, SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E, 0x01020304,
                                         0x0005, 0x0006, ppid, 5),
                    16);
    ASSERT_BYTES(p, 0x00, 0x03, 0x00, 0x15, /* type, flags, length 21 */
                 0x01, 0x02, 0x03, 0x04,    /* TSN */
                 0x00, 0x05, 0x00, 0x06,    /* stream id, SSN */
                 0x00, 0x00, 0x00, 0x2e,    /* PPID 46 */
                 0xee);                     /* nothing written after */
    CU_ASSERT_EQUAL(sctp_data_hdr_encode(p, 15, 0, 1, 2, 3, 4, 0), SCTP_ERR_NOBUF);
    /* 16 + payload must fit the 16-bit length field. */
    CU_ASSERT_EQUAL(sctp_data_hdr_encode(p, 32, 0, 1, 2, 3, 4, 65519), 16);
    CU_ASSERT_EQUAL(sctp_get16(p + 2), 65535);
    CU_ASSERT_EQUAL(sctp_data_hdr_encode(p, 32, 0, 1, 2, 3, 4, 65520), SCTP_ERR_NOBUF);
}

static void test_data_roundtrip(void)
{
    uint8_t ch[32];
    struct sctp_chunk c;
    struct sctp_data_chunk d = {0};
    uint32_t ppid = htonl(0x11223344);

    memset(ch, 0, sizeof(ch));
    CU_ASSERT_EQUAL(sctp_data_hdr_encode(ch, sizeof(ch), SCTP_DATA_FLAG_U | SCTP_DATA_FLAG_I,
                                         0xfffffffe, 7, 65535, ppid, 5),
                    16);
    memcpy(ch + 16, "hello", 5);
    CU_ASSERT_EQUAL(only_chunk(ch, 24, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_DATA);
    CU_ASSERT_EQUAL(sctp_data_decode(&d, &c), 21);
    CU_ASSERT_EQUAL(d.flags, SCTP_DATA_FLAG_U | SCTP_DATA_FLAG_I);
    CU_ASSERT_EQUAL(d.tsn, 0xfffffffe);
    CU_ASSERT_EQUAL(d.sid, 7);
    CU_ASSERT_EQUAL(d.ssn, 65535);
    CU_ASSERT_EQUAL(d.ppid, ppid); /* still network order */
    CU_ASSERT_EQUAL(d.payload_len, 5);
    CU_ASSERT_EQUAL(memcmp(d.payload, "hello", 5), 0);

    /* An empty payload decodes; the caller answers with No User Data. */
    CU_ASSERT_EQUAL(sctp_data_hdr_encode(ch, sizeof(ch), 3, 9, 1, 1, 0, 0), 16);
    CU_ASSERT_EQUAL(only_chunk(ch, 16, &c), 1);
    CU_ASSERT_EQUAL(sctp_data_decode(&d, &c), 16);
    CU_ASSERT_EQUAL(d.payload_len, 0);
    CU_ASSERT_EQUAL(d.tsn, 9);

    /* Shorter than the 16-byte header. */
    for (uint8_t l = 4; l < 16; l++) {
        sctp_chunk_set_length(ch, l);
        CU_ASSERT_EQUAL(only_chunk(ch, 16, &c), 1);
        CU_ASSERT_EQUAL(sctp_data_decode(&d, &c), SCTP_ERR_PROTO);
    }
}

static void test_init_roundtrip(void)
{
    uint8_t ch[128];
    struct sctp_init_chunk in = {.init_tag = 0xcafebabe,
                                 .a_rwnd = 0x00100000,
                                 .ostreams = 10,
                                 .istreams = 65535,
                                 .initial_tsn = 0x80000001};
    int n = sctp_init_encode(ch, sizeof(ch), SCTP_CT_INIT, &in);
    CU_ASSERT_EQUAL(n, 20);
    ASSERT_BYTES(ch, 0x01, 0x00, 0x00, 0x14, 0xca, 0xfe, 0xba, 0xbe, 0x00, 0x10, 0x00, 0x00, 0x00,
                 0x0a, 0xff, 0xff, 0x80, 0x00, 0x00, 0x01);

    /* Parameters: IPv4 address, Supported Address Types (one type, so
     * 2 bytes of padding), Forward-TSN-Supported (empty). */
    const uint8_t v4[4] = {192, 0, 2, 1};
    uint8_t types[2];
    sctp_put16(types, SCTP_PT_IPV4);
    size_t len = (size_t)n;
    n = sctp_tlv_encode(ch + len, sizeof(ch) - len, SCTP_PT_IPV4, v4, 4);
    CU_ASSERT_EQUAL(n, 8);
    len += (size_t)n;
    n = sctp_tlv_encode(ch + len, sizeof(ch) - len, SCTP_PT_SUPPORTED_ADDR_TYPES, types, 2);
    CU_ASSERT_EQUAL(n, 8);
    len += (size_t)n;
    n = sctp_tlv_encode(ch + len, sizeof(ch) - len, SCTP_PT_FORWARD_TSN_SUPPORTED, NULL, 0);
    CU_ASSERT_EQUAL(n, 4);
    len += (size_t)n;
    sctp_chunk_set_length(ch, (uint16_t)len);

    struct sctp_chunk c;
    struct sctp_init_chunk out;
    CU_ASSERT_EQUAL(only_chunk(ch, len, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_INIT);
    CU_ASSERT_EQUAL(sctp_init_decode(&out, &c), (int)len);
    CU_ASSERT_EQUAL(out.init_tag, in.init_tag);
    CU_ASSERT_EQUAL(out.a_rwnd, in.a_rwnd);
    CU_ASSERT_EQUAL(out.ostreams, in.ostreams);
    CU_ASSERT_EQUAL(out.istreams, in.istreams);
    CU_ASSERT_EQUAL(out.initial_tsn, in.initial_tsn);
    CU_ASSERT_EQUAL(out.params_len, len - 20);

    size_t off = 0;
    struct sctp_tlv t;
    CU_ASSERT_EQUAL(sctp_tlv_next(out.params, out.params_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_PT_IPV4);
    CU_ASSERT_EQUAL(t.length, 8);
    CU_ASSERT_EQUAL(memcmp(t.value, v4, 4), 0);
    CU_ASSERT_EQUAL(sctp_tlv_next(out.params, out.params_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_PT_SUPPORTED_ADDR_TYPES);
    CU_ASSERT_EQUAL(t.length, 6);
    CU_ASSERT_EQUAL(t.value_len, 2);
    CU_ASSERT_EQUAL(sctp_get16(t.value), SCTP_PT_IPV4);
    CU_ASSERT_EQUAL(sctp_tlv_next(out.params, out.params_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_PT_FORWARD_TSN_SUPPORTED);
    CU_ASSERT_EQUAL(t.value_len, 0);
    CU_ASSERT_EQUAL(sctp_tlv_next(out.params, out.params_len, &off, &t), 0);

    /* INIT ACK shares the layout. */
    CU_ASSERT_EQUAL(sctp_init_encode(ch, sizeof(ch), SCTP_CT_INIT_ACK, &in), 20);
    CU_ASSERT_EQUAL(only_chunk(ch, 20, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_INIT_ACK);
    CU_ASSERT_EQUAL(sctp_init_decode(&out, &c), 20);
    CU_ASSERT_EQUAL(out.params_len, 0);
    CU_ASSERT_EQUAL(out.init_tag, in.init_tag);

    /* Shorter than the fixed part. */
    sctp_chunk_set_length(ch, 19);
    CU_ASSERT_EQUAL(only_chunk(ch, 20, &c), 1);
    CU_ASSERT_EQUAL(sctp_init_decode(&out, &c), SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(sctp_init_encode(ch, 19, SCTP_CT_INIT, &in), SCTP_ERR_NOBUF);
}

static void test_tlv_encode(void)
{
    uint8_t p[16];

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_tlv_encode(p, sizeof(p), SCTP_PT_HOSTNAME, "abcde", 5), 12);
    ASSERT_BYTES(p, 0x00, 0x0b, 0x00, 0x09, 'a', 'b', 'c', 'd', 'e', 0, 0, 0, 0xee);

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_tlv_encode(p, 4, SCTP_PT_ECN_CAPABLE, NULL, 0), 4);
    ASSERT_BYTES(p, 0x80, 0x00, 0x00, 0x04, 0xee);

    /* The padded length must fit, not only the unpadded one. */
    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_tlv_encode(p, 9, SCTP_PT_HOSTNAME, "abcde", 5), SCTP_ERR_NOBUF);
    CU_ASSERT_EQUAL(sctp_tlv_encode(p, 11, SCTP_PT_HOSTNAME, "abcde", 5), SCTP_ERR_NOBUF);
    CU_ASSERT_EQUAL(sctp_tlv_encode(p, 3, SCTP_PT_ECN_CAPABLE, NULL, 0), SCTP_ERR_NOBUF);
    CU_ASSERT_EQUAL(p[0], 0xee);

    /* A value that would overflow the 16-bit length. */
    static uint8_t big[65536];
    CU_ASSERT_EQUAL(sctp_tlv_encode(big, sizeof(big), 1, NULL, 65531), 65536);
    CU_ASSERT_EQUAL(sctp_get16(big + 2), 65535);
    CU_ASSERT_EQUAL(sctp_tlv_encode(big, sizeof(big), 1, NULL, 65532), SCTP_ERR_NOBUF);
}

static void test_tlv_malformed(void)
{
    struct sctp_tlv t;
    size_t off;

    /* Length below 4, including zero. */
    for (uint8_t l = 0; l < 4; l++) {
        const uint8_t b[] = {0x00, 0x05, 0x00, l, 1, 2, 3, 4};
        off = 0;
        CU_ASSERT_EQUAL(sctp_tlv_next(b, sizeof(b), &off, &t), SCTP_ERR_PROTO);
        CU_ASSERT_EQUAL(off, 0);
    }

    /* Overlong: IPv4 address parameter with a 3-byte address. */
    const uint8_t overlong[] = {0x00, 0x05, 0x00, 0x08, 192, 0, 2};
    off = 0;
    CU_ASSERT_EQUAL(sctp_tlv_next(overlong, sizeof(overlong), &off, &t), SCTP_ERR_PROTO);

    /* Truncated header after a good parameter. */
    const uint8_t trunc[] = {0x80, 0x00, 0x00, 0x04, 0x00, 0x05};
    off = 0;
    CU_ASSERT_EQUAL(sctp_tlv_next(trunc, sizeof(trunc), &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_PT_ECN_CAPABLE);
    CU_ASSERT_EQUAL(sctp_tlv_next(trunc, sizeof(trunc), &off, &t), SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(off, 4);

    /* Missing final padding is tolerated. */
    const uint8_t nopad[] = {0x00, 0x0c, 0x00, 0x06, 0x00, 0x05};
    off = 0;
    CU_ASSERT_EQUAL(sctp_tlv_next(nopad, sizeof(nopad), &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_PT_SUPPORTED_ADDR_TYPES);
    CU_ASSERT_EQUAL(t.value_len, 2);
    CU_ASSERT_EQUAL(off, sizeof(nopad));
    CU_ASSERT_EQUAL(sctp_tlv_next(nopad, sizeof(nopad), &off, &t), 0);

    /* An empty buffer has no parameters. */
    off = 0;
    CU_ASSERT_EQUAL(sctp_tlv_next(NULL, 0, &off, &t), 0);
}

static void test_sack_wire(void)
{
    const struct sctp_gap_block gaps[2] = {{2, 3}, {5, 0x0102}};
    const uint32_t dups[1] = {0xa0b0c0d0};
    uint8_t p[40];

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_sack_encode(p, sizeof(p), 0x11223344, 65536, gaps, 2, dups, 1), 28);
    ASSERT_BYTES(p, 0x03, 0x00, 0x00, 0x1c, /* SACK, length 28 */
                 0x11, 0x22, 0x33, 0x44,    /* cumulative TSN ack */
                 0x00, 0x01, 0x00, 0x00,    /* a_rwnd */
                 0x00, 0x02, 0x00, 0x01,    /* 2 gaps, 1 dup */
                 0x00, 0x02, 0x00, 0x03,    /* gap 1 */
                 0x00, 0x05, 0x01, 0x02,    /* gap 2 */
                 0xa0, 0xb0, 0xc0, 0xd0,    /* dup */
                 0xee);

    struct sctp_chunk c;
    struct sctp_sack_chunk s;
    CU_ASSERT_EQUAL(only_chunk(p, 28, &c), 1);
    CU_ASSERT_EQUAL(sctp_sack_decode(&s, &c), 28);
    CU_ASSERT_EQUAL(s.cum_tsn, 0x11223344);
    CU_ASSERT_EQUAL(s.a_rwnd, 65536);
    CU_ASSERT_EQUAL(s.n_gaps, 2);
    CU_ASSERT_EQUAL(s.n_dups, 1);
    CU_ASSERT_EQUAL(sctp_sack_gap(&s, 0).start, 2);
    CU_ASSERT_EQUAL(sctp_sack_gap(&s, 0).end, 3);
    CU_ASSERT_EQUAL(sctp_sack_gap(&s, 1).start, 5);
    CU_ASSERT_EQUAL(sctp_sack_gap(&s, 1).end, 0x0102);
    CU_ASSERT_EQUAL(sctp_sack_dup(&s, 0), 0xa0b0c0d0);
    /* Out of range reads give zero instead of reading past the chunk. */
    CU_ASSERT_EQUAL(sctp_sack_gap(&s, 2).start, 0);
    CU_ASSERT_EQUAL(sctp_sack_gap(&s, 2).end, 0);
    CU_ASSERT_EQUAL(sctp_sack_dup(&s, 1), 0);

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_sack_encode(p, 27, 1, 2, gaps, 2, dups, 1), SCTP_ERR_NOBUF);
    CU_ASSERT_EQUAL(p[0], 0xee);
}

static void test_sack_decode(void)
{
    uint8_t p[40];
    struct sctp_chunk c;
    struct sctp_sack_chunk s;

    /* No gaps, no dups. */
    CU_ASSERT_EQUAL(sctp_sack_encode(p, sizeof(p), 7, 1000, NULL, 0, NULL, 0), 16);
    CU_ASSERT_EQUAL(only_chunk(p, 16, &c), 1);
    CU_ASSERT_EQUAL(sctp_sack_decode(&s, &c), 16);
    CU_ASSERT_EQUAL(s.cum_tsn, 7);
    CU_ASSERT_EQUAL(s.a_rwnd, 1000);
    CU_ASSERT_EQUAL(s.n_gaps + s.n_dups, 0);

    /* Shorter than the fixed part. */
    sctp_chunk_set_length(p, 15);
    CU_ASSERT_EQUAL(only_chunk(p, 16, &c), 1);
    CU_ASSERT_EQUAL(sctp_sack_decode(&s, &c), SCTP_ERR_PROTO);

    /* Counts that promise more than the chunk holds. */
    const struct sctp_gap_block g = {1, 1};
    CU_ASSERT_EQUAL(sctp_sack_encode(p, sizeof(p), 7, 1000, &g, 1, NULL, 0), 20);
    sctp_put16(p + 14, 1); /* claim one dup too */
    CU_ASSERT_EQUAL(only_chunk(p, 20, &c), 1);
    CU_ASSERT_EQUAL(sctp_sack_decode(&s, &c), SCTP_ERR_PROTO);
    sctp_put16(p + 14, 0);
    sctp_put16(p + 12, 2);
    CU_ASSERT_EQUAL(only_chunk(p, 20, &c), 1);
    CU_ASSERT_EQUAL(sctp_sack_decode(&s, &c), SCTP_ERR_PROTO);
    sctp_put16(p + 12, 0xffff);
    sctp_put16(p + 14, 0xffff);
    CU_ASSERT_EQUAL(only_chunk(p, 20, &c), 1);
    CU_ASSERT_EQUAL(sctp_sack_decode(&s, &c), SCTP_ERR_PROTO);

    /* Bytes after the blocks are ignored. */
    sctp_put16(p + 12, 1);
    sctp_put16(p + 14, 0);
    sctp_chunk_set_length(p, 24);
    CU_ASSERT_EQUAL(only_chunk(p, 24, &c), 1);
    CU_ASSERT_EQUAL(sctp_sack_decode(&s, &c), 20);
    CU_ASSERT_EQUAL(s.n_gaps, 1);
}

static void test_shutdown(void)
{
    uint8_t p[16];
    struct sctp_chunk c;
    uint32_t tsn = 0;

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_shutdown_encode(p, 8, 0x01020304), 8);
    ASSERT_BYTES(p, 0x07, 0x00, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04, 0xee);
    CU_ASSERT_EQUAL(only_chunk(p, 8, &c), 1);
    CU_ASSERT_EQUAL(sctp_shutdown_decode(&tsn, &c), 8);
    CU_ASSERT_EQUAL(tsn, 0x01020304);

    /* RFC 9260 3.3.8: the length is exactly 8. */
    memset(p + 8, 0, 8);
    sctp_chunk_set_length(p, 12);
    CU_ASSERT_EQUAL(only_chunk(p, 12, &c), 1);
    CU_ASSERT_EQUAL(sctp_shutdown_decode(&tsn, &c), SCTP_ERR_PROTO);
    sctp_chunk_set_length(p, 7);
    CU_ASSERT_EQUAL(only_chunk(p, 8, &c), 1);
    CU_ASSERT_EQUAL(sctp_shutdown_decode(&tsn, &c), SCTP_ERR_PROTO);
    sctp_chunk_set_length(p, 4);
    CU_ASSERT_EQUAL(only_chunk(p, 4, &c), 1);
    CU_ASSERT_EQUAL(sctp_shutdown_decode(&tsn, &c), SCTP_ERR_PROTO);

    CU_ASSERT_EQUAL(sctp_shutdown_encode(p, 7, 1), SCTP_ERR_NOBUF);
}

static void test_tsn_chunk(void)
{
    const uint8_t ecne[] = {0x0c, 0x00, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef};
    const uint8_t cwr[] = {0x0d, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x2a};
    const uint8_t shortc[] = {0x0d, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00};
    struct sctp_chunk c;
    uint32_t tsn = 0;

    CU_ASSERT_EQUAL(only_chunk(ecne, sizeof(ecne), &c), 1);
    CU_ASSERT_EQUAL(sctp_tsn_chunk_decode(&tsn, &c), 8);
    CU_ASSERT_EQUAL(tsn, 0xdeadbeef);
    CU_ASSERT_EQUAL(only_chunk(cwr, sizeof(cwr), &c), 1);
    CU_ASSERT_EQUAL(sctp_tsn_chunk_decode(&tsn, &c), 8);
    CU_ASSERT_EQUAL(tsn, 42);
    CU_ASSERT_EQUAL(only_chunk(shortc, sizeof(shortc), &c), 1);
    CU_ASSERT_EQUAL(sctp_tsn_chunk_decode(&tsn, &c), SCTP_ERR_PROTO);
}

static void test_forward_tsn_wire(void)
{
    const struct sctp_fwd_stream st[2] = {{1, 0x0a0b}, {0xffff, 2}};
    uint8_t p[24];

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_forward_tsn_encode(p, sizeof(p), 0x00000100, st, 2), 16);
    ASSERT_BYTES(p, 0xc0, 0x00, 0x00, 0x10, /* FORWARD TSN, length 16 */
                 0x00, 0x00, 0x01, 0x00,    /* new cumulative TSN */
                 0x00, 0x01, 0x0a, 0x0b,    /* stream 1, SSN 0x0a0b */
                 0xff, 0xff, 0x00, 0x02,    /* stream 65535, SSN 2 */
                 0xee);

    struct sctp_chunk c;
    struct sctp_forward_tsn_chunk f;
    CU_ASSERT_EQUAL(only_chunk(p, 16, &c), 1);
    CU_ASSERT_EQUAL(sctp_forward_tsn_decode(&f, &c), 16);
    CU_ASSERT_EQUAL(f.new_cum_tsn, 0x100);
    CU_ASSERT_EQUAL(f.n_streams, 2);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 0).sid, 1);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 0).ssn, 0x0a0b);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 1).sid, 0xffff);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 1).ssn, 2);
    CU_ASSERT_EQUAL(sctp_forward_tsn_stream(&f, 2).sid, 0);

    CU_ASSERT_EQUAL(sctp_forward_tsn_encode(p, 15, 1, st, 2), SCTP_ERR_NOBUF);
}

static void test_forward_tsn_decode(void)
{
    uint8_t p[24];
    struct sctp_chunk c;
    struct sctp_forward_tsn_chunk f;

    /* No streams: only the new cumulative TSN. */
    CU_ASSERT_EQUAL(sctp_forward_tsn_encode(p, sizeof(p), 0xffffffff, NULL, 0), 8);
    CU_ASSERT_EQUAL(only_chunk(p, 8, &c), 1);
    CU_ASSERT_EQUAL(sctp_forward_tsn_decode(&f, &c), 8);
    CU_ASSERT_EQUAL(f.new_cum_tsn, 0xffffffff);
    CU_ASSERT_EQUAL(f.n_streams, 0);

    /* Too short, or a partial stream entry. */
    memset(p + 8, 0, 16);
    const uint16_t bad[] = {4, 5, 7, 10, 14, 18};
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        sctp_chunk_set_length(p, bad[k]);
        CU_ASSERT_EQUAL(only_chunk(p, 20, &c), 1);
        CU_ASSERT_EQUAL(sctp_forward_tsn_decode(&f, &c), SCTP_ERR_PROTO);
    }
    sctp_chunk_set_length(p, 20);
    CU_ASSERT_EQUAL(only_chunk(p, 20, &c), 1);
    CU_ASSERT_EQUAL(sctp_forward_tsn_decode(&f, &c), 20);
    CU_ASSERT_EQUAL(f.n_streams, 3);
}

static void test_cause_encoders(void)
{
    uint8_t p[32];

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_cause_invalid_stream_encode(p, 8, 0x0102), 8);
    ASSERT_BYTES(p, 0x00, 0x01, 0x00, 0x08, 0x01, 0x02, 0x00, 0x00, 0xee);
    CU_ASSERT_EQUAL(sctp_cause_invalid_stream_encode(p, 7, 1), SCTP_ERR_NOBUF);

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_cause_stale_cookie_encode(p, 8, 1500000), 8);
    ASSERT_BYTES(p, 0x00, 0x03, 0x00, 0x08, 0x00, 0x16, 0xe3, 0x60, 0xee);
    CU_ASSERT_EQUAL(sctp_cause_stale_cookie_encode(p, 7, 1), SCTP_ERR_NOBUF);

    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_cause_no_user_data_encode(p, 8, 0xfedcba98), 8);
    ASSERT_BYTES(p, 0x00, 0x09, 0x00, 0x08, 0xfe, 0xdc, 0xba, 0x98, 0xee);
    CU_ASSERT_EQUAL(sctp_cause_no_user_data_encode(p, 7, 1), SCTP_ERR_NOBUF);

    /* Missing Mandatory Parameter: one type is 10 bytes, padded to 12. */
    const uint16_t one[] = {SCTP_PT_STATE_COOKIE};
    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_cause_missing_param_encode(p, 12, one, 1), 12);
    ASSERT_BYTES(p, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0xee);
    CU_ASSERT_EQUAL(sctp_cause_missing_param_encode(p, 11, one, 1), SCTP_ERR_NOBUF);
    const uint16_t two[] = {SCTP_PT_STATE_COOKIE, SCTP_PT_IPV4};
    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_cause_missing_param_encode(p, 12, two, 2), 12);
    ASSERT_BYTES(p, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x02, 0x00, 0x07, 0x00, 0x05, 0xee);
    CU_ASSERT_EQUAL(sctp_cause_missing_param_encode(p, 8, NULL, 0), 8);
    ASSERT_BYTES(p, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00);

    /* Generic: odd-sized info, zero padded; and no info at all. */
    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_cause_encode(p, 12, SCTP_CAUSE_USER_ABORT, "bye!!", 5), 12);
    ASSERT_BYTES(p, 0x00, 0x0c, 0x00, 0x09, 'b', 'y', 'e', '!', '!', 0, 0, 0, 0xee);
    CU_ASSERT_EQUAL(sctp_cause_encode(p, 11, SCTP_CAUSE_USER_ABORT, "bye!!", 5), SCTP_ERR_NOBUF);
    memset(p, 0xee, sizeof(p));
    CU_ASSERT_EQUAL(sctp_cause_encode(p, 4, SCTP_CAUSE_OUT_OF_RESOURCE, NULL, 0), 4);
    ASSERT_BYTES(p, 0x00, 0x04, 0x00, 0x04, 0xee);
}

/* An ABORT carrying every kind of cause iterates back to what was
 * written. */
static void test_cause_roundtrip(void)
{
    uint8_t ch[128];
    size_t len = 4;
    const uint16_t missing[] = {SCTP_PT_STATE_COOKIE};
    int n;

    CU_ASSERT_EQUAL(sctp_chunk_hdr_encode(ch, sizeof(ch), SCTP_CT_ABORT, SCTP_FLAG_T, 0), 4);
    n = sctp_cause_invalid_stream_encode(ch + len, sizeof(ch) - len, 9);
    len += (size_t)n;
    n = sctp_cause_missing_param_encode(ch + len, sizeof(ch) - len, missing, 1);
    len += (size_t)n;
    n = sctp_cause_stale_cookie_encode(ch + len, sizeof(ch) - len, 77);
    len += (size_t)n;
    n = sctp_cause_no_user_data_encode(ch + len, sizeof(ch) - len, 1234);
    len += (size_t)n;
    n = sctp_cause_encode(ch + len, sizeof(ch) - len, SCTP_CAUSE_PROTOCOL_VIOLATION, "x", 1);
    len += (size_t)n;
    CU_ASSERT_EQUAL(len, 4 + 8 + 12 + 8 + 8 + 8);
    /* The last cause's padding is not counted in the chunk length. */
    sctp_chunk_set_length(ch, (uint16_t)(len - 3));

    struct sctp_chunk c;
    struct sctp_tlv t;
    size_t off = 0;
    CU_ASSERT_EQUAL(only_chunk(ch, len, &c), 1);
    CU_ASSERT_EQUAL(c.type, SCTP_CT_ABORT);
    CU_ASSERT_EQUAL(c.flags, SCTP_FLAG_T);

    CU_ASSERT_EQUAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_INVALID_STREAM);
    CU_ASSERT_EQUAL(sctp_get16(t.value), 9);
    CU_ASSERT_EQUAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_MISSING_PARAM);
    CU_ASSERT_EQUAL(t.length, 10);
    CU_ASSERT_EQUAL(sctp_get32(t.value), 1);
    CU_ASSERT_EQUAL(sctp_get16(t.value + 4), SCTP_PT_STATE_COOKIE);
    CU_ASSERT_EQUAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_STALE_COOKIE);
    CU_ASSERT_EQUAL(sctp_get32(t.value), 77);
    CU_ASSERT_EQUAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_NO_USER_DATA);
    CU_ASSERT_EQUAL(sctp_get32(t.value), 1234);
    CU_ASSERT_EQUAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 1);
    CU_ASSERT_EQUAL(t.type, SCTP_CAUSE_PROTOCOL_VIOLATION);
    CU_ASSERT_EQUAL(t.value_len, 1);
    CU_ASSERT_EQUAL(t.value[0], 'x');
    CU_ASSERT_EQUAL(off, c.value_len);
    CU_ASSERT_EQUAL(sctp_tlv_next(c.value, c.value_len, &off, &t), 0);
}

/* A bundle of several chunk kinds in one packet, each decoded in turn. */
static void test_bundle(void)
{
    uint8_t pkt[256];
    size_t len = 0;
    int n;
    const struct sctp_gap_block g = {2, 2};

    n = sctp_common_hdr_encode(pkt, sizeof(pkt), 5000, 6000, 0x01020304);
    len += (size_t)n;
    n = sctp_sack_encode(pkt + len, sizeof(pkt) - len, 100, 4096, &g, 1, NULL, 0);
    len += (size_t)n;
    n = sctp_data_hdr_encode(pkt + len, sizeof(pkt) - len, 3, 101, 0, 0, htonl(3), 3);
    memcpy(pkt + len + (size_t)n, "abc\0", 4);
    len += (size_t)n + 4;
    n = sctp_forward_tsn_encode(pkt + len, sizeof(pkt) - len, 103, NULL, 0);
    len += (size_t)n;
    n = sctp_shutdown_encode(pkt + len, sizeof(pkt) - len, 104);
    len += (size_t)n;

    struct sctp_common_hdr h;
    CU_ASSERT_EQUAL(sctp_common_hdr_decode(&h, pkt, len), 12);
    CU_ASSERT_EQUAL(h.sport, 5000);
    CU_ASSERT_EQUAL(h.dport, 6000);
    CU_ASSERT_EQUAL(h.vtag, 0x01020304);

    const uint8_t order[] = {SCTP_CT_SACK, SCTP_CT_DATA, SCTP_CT_FORWARD_TSN, SCTP_CT_SHUTDOWN};
    struct sctp_chunk c;
    size_t off = SCTP_COMMON_HDR_LEN;
    unsigned k = 0;
    int rc;
    while ((rc = sctp_chunk_next(pkt, len, &off, &c)) == 1) {
        CU_ASSERT_FATAL(k < sizeof(order));
        CU_ASSERT_EQUAL(c.type, order[k]);
        k++;
    }
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(k, sizeof(order));
}

static void test_names(void)
{
    static const struct {
        uint8_t type;
        const char *name;
    } chunks[] = {
        {SCTP_CT_DATA, "DATA"},
        {SCTP_CT_INIT, "INIT"},
        {SCTP_CT_INIT_ACK, "INIT ACK"},
        {SCTP_CT_SACK, "SACK"},
        {SCTP_CT_HEARTBEAT, "HEARTBEAT"},
        {SCTP_CT_HEARTBEAT_ACK, "HEARTBEAT ACK"},
        {SCTP_CT_ABORT, "ABORT"},
        {SCTP_CT_SHUTDOWN, "SHUTDOWN"},
        {SCTP_CT_SHUTDOWN_ACK, "SHUTDOWN ACK"},
        {SCTP_CT_ERROR, "ERROR"},
        {SCTP_CT_COOKIE_ECHO, "COOKIE ECHO"},
        {SCTP_CT_COOKIE_ACK, "COOKIE ACK"},
        {SCTP_CT_ECNE, "ECNE"},
        {SCTP_CT_CWR, "CWR"},
        {SCTP_CT_SHUTDOWN_COMPLETE, "SHUTDOWN COMPLETE"},
        {SCTP_CT_PAD, "PAD"},
        {SCTP_CT_FORWARD_TSN, "FORWARD TSN"},
    };
    for (unsigned k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++)
        CU_ASSERT_STRING_EQUAL(sctp_chunk_name(chunks[k].type), chunks[k].name);
    CU_ASSERT_STRING_EQUAL(sctp_chunk_name(15), "UNKNOWN");
    CU_ASSERT_STRING_EQUAL(sctp_chunk_name(0xff), "UNKNOWN");

    for (uint16_t code = 1; code <= 13; code++) {
        const char *name = sctp_cause_name(code);
        CU_ASSERT_PTR_NOT_NULL_FATAL(name);
        CU_ASSERT_STRING_NOT_EQUAL(name, "UNKNOWN");
        for (uint16_t other = 1; other < code; other++)
            CU_ASSERT_STRING_NOT_EQUAL(name, sctp_cause_name(other));
    }
    CU_ASSERT_STRING_EQUAL(sctp_cause_name(SCTP_CAUSE_PROTOCOL_VIOLATION), "Protocol Violation");
    CU_ASSERT_STRING_EQUAL(sctp_cause_name(0), "UNKNOWN");
    CU_ASSERT_STRING_EQUAL(sctp_cause_name(14), "UNKNOWN");
    CU_ASSERT_STRING_EQUAL(sctp_cause_name(0xffff), "UNKNOWN");
}

static void test_strerror(void)
{
    for (int e = SCTP_ERR_OOTB; e <= SCTP_ERR_INVAL; e++) {
        const char *s = sctp_strerror(e);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_STRING_NOT_EQUAL(s, sctp_strerror(-1000));
        for (int o = SCTP_ERR_OOTB; o < e; o++)
            CU_ASSERT_STRING_NOT_EQUAL(s, sctp_strerror(o));
    }
    CU_ASSERT_PTR_NOT_NULL(sctp_strerror(0));
    CU_ASSERT_PTR_NOT_NULL(sctp_strerror(1));
}

static void test_addr(void)
{
    struct sctp_addr a = sctp_addr_v4(0xc0000201); /* 192.0.2.1 */
    struct sctp_addr b = sctp_addr_v4(0xc0000201);
    struct sctp_addr c = sctp_addr_v4(0xc0000202);

    CU_ASSERT_EQUAL(a.family, SCTP_AF_INET);
    ASSERT_BYTES(a.addr, 192, 0, 2, 1);
    CU_ASSERT_TRUE(sctp_addr_equal(&a, &b));
    CU_ASSERT_FALSE(sctp_addr_equal(&a, &c));
    /* Only the first 4 bytes of an IPv4 address count. */
    memset(b.addr + 4, 0x5a, 12);
    CU_ASSERT_TRUE(sctp_addr_equal(&a, &b));

    struct sctp_addr v6a = {.family = SCTP_AF_INET6};
    struct sctp_addr v6b;
    v6a.addr[0] = 0x20;
    v6a.addr[1] = 0x01;
    v6a.addr[2] = 0x0d;
    v6a.addr[3] = 0xb8;
    v6a.addr[15] = 1;
    v6b = v6a;
    CU_ASSERT_TRUE(sctp_addr_equal(&v6a, &v6b));
    v6b.addr[15] = 2;
    CU_ASSERT_FALSE(sctp_addr_equal(&v6a, &v6b));
    /* Same leading bytes, different family. */
    struct sctp_addr v4as6 = a;
    v4as6.family = SCTP_AF_INET6;
    CU_ASSERT_FALSE(sctp_addr_equal(&a, &v4as6));
}

TEST_SUITE_BEGIN(codec)
TEST_CASE(test_common_hdr)
TEST_CASE(test_chunk_hdr)
TEST_CASE(test_chunk_iterate)
TEST_CASE(test_chunk_malformed)
TEST_CASE(test_chunk_missing_final_padding)
TEST_CASE(test_unknown_action)
TEST_CASE(test_data_wire)
TEST_CASE(test_data_roundtrip)
TEST_CASE(test_init_roundtrip)
TEST_CASE(test_tlv_encode)
TEST_CASE(test_tlv_malformed)
TEST_CASE(test_sack_wire)
TEST_CASE(test_sack_decode)
TEST_CASE(test_shutdown)
TEST_CASE(test_tsn_chunk)
TEST_CASE(test_forward_tsn_wire)
TEST_CASE(test_forward_tsn_decode)
TEST_CASE(test_cause_encoders)
TEST_CASE(test_cause_roundtrip)
TEST_CASE(test_bundle)
TEST_CASE(test_names)
TEST_CASE(test_strerror)
TEST_CASE(test_addr)
TEST_SUITE_END()

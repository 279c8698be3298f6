/* SPDX-License-Identifier: BSD-3-Clause */
/* CRC32c: RFC 3720 B.4 vectors, chaining, and the packet helpers. */
#include <stdlib.h>
#include <string.h>

#include "sctp_crc32c.h"
#include "suites.h"

/* A small seeded generator so that failures reproduce. */
static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static void test_rfc3720_vectors(void)
{
    uint8_t buf[32];

    memset(buf, 0, sizeof(buf));
    CU_ASSERT_EQUAL(sctp_crc32c(0, buf, sizeof(buf)), 0x8A9136AA);
    memset(buf, 0xff, sizeof(buf));
    CU_ASSERT_EQUAL(sctp_crc32c(0, buf, sizeof(buf)), 0x62A8AB43);
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)i;
    CU_ASSERT_EQUAL(sctp_crc32c(0, buf, sizeof(buf)), 0x46DD794E);
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(31 - i);
    CU_ASSERT_EQUAL(sctp_crc32c(0, buf, sizeof(buf)), 0x113FDB5C);
    /* "123456789", the usual check value of CRC-32C. */
    CU_ASSERT_EQUAL(sctp_crc32c(0, "123456789", 9), 0xE3069283);
    CU_ASSERT_EQUAL(sctp_crc32c(0, buf, 0), 0);
}

static void test_wire_order(void)
{
    /* RFC 9260 appendix A: the CRC goes on the wire least significant
     * byte first; a 32-byte packet of zeros then carries aa 36 91 8a. */
    uint8_t pkt[32] = {0};
    struct sctp_frag seg = {.data = pkt, .len = sizeof(pkt)};
    static const uint8_t want[4] = {0xaa, 0x36, 0x91, 0x8a};

    sctp_crc32c_fill(&seg, 1, pkt);
    CU_ASSERT_EQUAL(memcmp(pkt + 8, want, 4), 0);
    CU_ASSERT_TRUE(sctp_crc32c_check(pkt, sizeof(pkt)));
}

static void test_chaining(void)
{
    uint8_t buf[1500];

    rng_state = 1;
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rng();
    for (unsigned round = 0; round < 500; round++) {
        size_t len = rng() % (sizeof(buf) + 1);
        uint32_t whole = sctp_crc32c(0, buf, len);
        struct sctp_frag segs[8];
        unsigned nsegs = 0;
        size_t off = 0;
        uint32_t crc = 0;

        /* Random cuts, some segments empty. */
        while (nsegs < 7 && off < len) {
            size_t n = rng() % (len - off + 1);
            segs[nsegs].data = buf + off;
            segs[nsegs].len = (uint32_t)n;
            segs[nsegs].handle = NULL;
            crc = sctp_crc32c(crc, buf + off, n);
            off += n;
            nsegs++;
        }
        segs[nsegs].data = buf + off;
        segs[nsegs].len = (uint32_t)(len - off);
        segs[nsegs].handle = NULL;
        crc = sctp_crc32c(crc, buf + off, len - off);
        nsegs++;

        CU_ASSERT_EQUAL(crc, whole);
        CU_ASSERT_EQUAL(sctp_crc32c_segs(segs, nsegs), whole);
        /* Continued in two calls, split at every segment boundary. */
        for (unsigned cut = 0; cut <= nsegs; cut++)
            CU_ASSERT_EQUAL(
                sctp_crc32c_combine(sctp_crc32c_combine(0, segs, cut), segs + cut, nsegs - cut),
                whole);
    }
}

static void test_fill_check(void)
{
    uint8_t pkt[256];
    uint8_t hdr[12];

    rng_state = 7;
    for (unsigned len = 12; len <= sizeof(pkt); len += 13) {
        for (unsigned i = 0; i < len; i++)
            pkt[i] = (uint8_t)rng();
        /* Header in its own segment, payload in two more. */
        memcpy(hdr, pkt, sizeof(hdr));
        unsigned rest = len - 12, cut = rest / 3;
        struct sctp_frag segs[3] = {
            {.data = hdr, .len = 12},
            {.data = pkt + 12, .len = cut},
            {.data = pkt + 12 + cut, .len = rest - cut},
        };
        sctp_crc32c_fill(segs, 3, hdr);
        memcpy(pkt, hdr, sizeof(hdr));
        CU_ASSERT_TRUE(sctp_crc32c_check(pkt, len));

        /* check does not write the packet. */
        uint8_t copy[256];
        memcpy(copy, pkt, len);
        (void)sctp_crc32c_check(copy, len);
        CU_ASSERT_EQUAL(memcmp(copy, pkt, len), 0);
    }
    CU_ASSERT_FALSE(sctp_crc32c_check(pkt, 11));
}

/* Packets of every size a frame carries, and more, as a header and one
 * long segment: fill gives the CRC of the whole buffer, check agrees,
 * and a flipped bit anywhere is caught. */
static void test_check_long(void)
{
    static uint8_t pkt[9100];

    rng_state = 1234;
    for (unsigned len = 12; len <= sizeof(pkt); len += len < 600 ? 37 : 509) {
        for (unsigned i = 0; i < len; i++)
            pkt[i] = (uint8_t)rng();
        struct sctp_frag segs[2] = {
            {.data = pkt, .len = 12},
            {.data = pkt + 12, .len = len - 12},
        };
        sctp_crc32c_fill(segs, len > 12 ? 2 : 1, pkt);
        CU_ASSERT_TRUE(sctp_crc32c_check(pkt, len));
        /* The same as one CRC over the whole buffer, field zeroed. */
        static uint8_t flat[sizeof(pkt)];
        memcpy(flat, pkt, len);
        memset(flat + 8, 0, 4);
        uint32_t want = sctp_crc32c(0, flat, len);
        CU_ASSERT_EQUAL(pkt[8] | pkt[9] << 8 | pkt[10] << 16 | (uint32_t)pkt[11] << 24, want);
        unsigned bit = (unsigned)(rng() % (len * 8));
        pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CU_ASSERT_FALSE(sctp_crc32c_check(pkt, len));
    }
}

static void test_bit_flip(void)
{
    uint8_t pkt[200];
    struct sctp_frag seg = {.data = pkt, .len = sizeof(pkt)};

    rng_state = 99;
    for (unsigned i = 0; i < sizeof(pkt); i++)
        pkt[i] = (uint8_t)rng();
    sctp_crc32c_fill(&seg, 1, pkt);
    CU_ASSERT_TRUE(sctp_crc32c_check(pkt, sizeof(pkt)));
    /* Every single-bit error is caught, including in the checksum. */
    for (unsigned bit = 0; bit < sizeof(pkt) * 8; bit++) {
        pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CU_ASSERT_FALSE(sctp_crc32c_check(pkt, sizeof(pkt)));
        pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CU_ASSERT_TRUE(sctp_crc32c_check(pkt, sizeof(pkt)));
}

/* Long chains of short segments (the zero-copy TX shape) against one
 * contiguous buffer, over every length the split path takes. */
static void test_segment_chains(void)
{
    static uint8_t buf[2100];
    struct sctp_frag segs[64];
    uint64_t x = 0x1234567;
    for (unsigned i = 0; i < sizeof(buf); i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        buf[i] = (uint8_t)(x >> 33);
    }
    unsigned mismatches = 0;
    for (unsigned len = 1; len <= 2060; len += 1) {
        for (unsigned trial = 0; trial < 3; trial++) {
            unsigned n = 0, off = 0;
            while (off < len && n < 63) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                unsigned l = (unsigned)(x >> 40) % (trial == 0 ? 20 : 200);
                if (off + l > len || n == 62)
                    l = len - off;
                segs[n++] = (struct sctp_frag){.data = buf + off, .len = l};
                off += l;
            }
            if (sctp_crc32c_segs(segs, n) != sctp_crc32c(0, buf, len))
                mismatches++;
        }
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

TEST_SUITE_BEGIN(crc32c)
TEST_CASE(test_segment_chains)
TEST_CASE(test_rfc3720_vectors)
TEST_CASE(test_wire_order)
TEST_CASE(test_chaining)
TEST_CASE(test_fill_check)
TEST_CASE(test_bit_flip)
TEST_CASE(test_check_long)
TEST_SUITE_END()

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

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * ISA-L's AVX-512 kernels return with the upper halves of the vector
 * registers in use (no VZEROUPPER). Every SSE instruction the compiler
 * emits after that pays a merge with the stale upper state, which slowed
 * the rest of the packet path measurably; clear it once per call.
 */
__attribute__((target("avx"))) static void clear_upper(void)
{
    _mm256_zeroupper();
}

static bool have_avx; /* set with the fold tables below (fold_init) */

static uint32_t isal_crc(unsigned char *p, int n, uint32_t reg)
{
    reg = crc32_iscsi(p, n, reg);
    if (have_avx)
        clear_upper();
    return reg;
}
#else
static uint32_t isal_crc(unsigned char *p, int n, uint32_t reg)
{
    return crc32_iscsi(p, n, reg);
}
#endif

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
        reg = isal_crc(p, (int)n, reg);
        p += n;
        len -= n;
    }
    return ~reg;
}

#if defined(__x86_64__)
#include <nmmintrin.h>
#include <wmmintrin.h>

/*
 * A zero-copy packet is a chain of short segments (16-byte DATA headers
 * between payloads). One CRC call per segment in a single dependency
 * chain is bound by latency. Instead each segment's CRC is taken on its
 * own from a zero register (independent chains that the CPU overlaps),
 * and the results are folded: feeding n zero bytes into the register
 * multiplies it by x^(8n) mod P, which with PCLMUL is
 * crc32(0, clmul(c, x^(8n-33) mod P)).
 */
#define SHIFT_MAX      2048
#define POLY_REFLECTED 0x82f63b78u

static uint32_t shift_k[SHIFT_MAX + 1];
static bool fold_ok;

/* a * b mod P, bit-reflected (bit 31 is x^0). */
static uint32_t multmodp(uint32_t a, uint32_t b)
{
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0)
                break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ POLY_REFLECTED : b >> 1;
    }
    return p;
}

static uint32_t xpow(uint64_t n)
{
    uint32_t r = 1u << 31, sq = 1u << 30;
    for (; n; n >>= 1) {
        if (n & 1)
            r = multmodp(r, sq);
        sq = multmodp(sq, sq);
    }
    return r;
}

__attribute__((constructor)) static void fold_init(void)
{
    __builtin_cpu_init();
    have_avx = __builtin_cpu_supports("avx");
    if (!__builtin_cpu_supports("sse4.2") || !__builtin_cpu_supports("pclmul"))
        return;
    for (unsigned n = 5; n <= SHIFT_MAX; n++)
        shift_k[n] = xpow(8ull * n - 33);
    fold_ok = true;
}

__attribute__((target("sse4.2,pclmul"))) static uint32_t shift_zeros(uint32_t c, uint32_t n)
{
    while (n > SHIFT_MAX) {
        c = shift_zeros(c, SHIFT_MAX);
        n -= SHIFT_MAX;
    }
    if (n < 5) {
        while (n--)
            c = _mm_crc32_u8(c, 0);
        return c;
    }
    __m128i a = _mm_cvtsi32_si128((int)c), k = _mm_cvtsi32_si128((int)shift_k[n]);
    return (uint32_t)_mm_crc32_u64(0, (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(a, k, 0)));
}

/* The register after len more bytes. */
__attribute__((target("sse4.2"))) static uint32_t chain_crc(uint32_t reg, const uint8_t *p,
                                                            uint32_t len)
{
    uint64_t r = reg;
    for (; len >= 8; len -= 8, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        r = _mm_crc32_u64(r, w);
    }
    uint32_t r32 = (uint32_t)r;
    while (len--)
        r32 = _mm_crc32_u8(r32, *p++);
    return r32;
}

/* The register after len bytes from zero. */
__attribute__((target("sse4.2"))) static uint32_t raw_crc(const uint8_t *p, uint32_t len)
{
    if (len >= 256)
        return isal_crc((unsigned char *)(uintptr_t)p, (int)len, 0);
    return chain_crc(0, p, len);
}

__attribute__((target("sse4.2,pclmul"))) static uint32_t
fold_segs(uint32_t crc, const struct sctp_frag *segs, unsigned nsegs)
{
    uint32_t reg = ~crc;
    /* Only short segments chained so far: the register is ready within
     * a few instructions, and the first long segment simply goes on from
     * it (a packet's header and its one long segment need no fold). */
    bool chained = true;
    for (unsigned i = 0; i < nsegs; i++) {
        if (segs[i].len == 0 || segs[i].len > (1u << 30))
            continue;
        if (segs[i].len <= 24) {
            /* A DATA chunk header: chaining it costs less than a fold. */
            reg = chain_crc(reg, segs[i].data, segs[i].len);
            continue;
        }
        if (chained && segs[i].len >= 256) {
            reg = isal_crc((unsigned char *)(uintptr_t)segs[i].data, (int)segs[i].len, reg);
            chained = false;
            continue;
        }
        chained = false;
        uint32_t c = raw_crc(segs[i].data, segs[i].len);
        reg = shift_zeros(reg, segs[i].len) ^ c;
    }
    return ~reg;
}
#endif

uint32_t sctp_crc32c_combine(uint32_t crc, const struct sctp_frag *segs, unsigned nsegs)
{
#if defined(__x86_64__)
    if (fold_ok && nsegs > 1)
        return fold_segs(crc, segs, nsegs);
#endif
    for (unsigned i = 0; i < nsegs; i++)
        if (segs[i].len)
            crc = sctp_crc32c(crc, segs[i].data, segs[i].len);
    return crc;
}

uint32_t sctp_crc32c_segs(const struct sctp_frag *segs, unsigned nsegs)
{
    return sctp_crc32c_combine(0, segs, nsegs);
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
#if defined(__x86_64__)
    /* The CRC covers the packet with the checksum field set to zero;
     * the received buffer is left untouched. One chain: the 8 bytes in
     * front of the field, 4 zero bytes, then the rest from where they
     * left the register (no folding: there are no separate segments). */
    if (fold_ok && len - HDR_LEN <= CRC_CHUNK_MAX) {
        uint32_t reg = chain_crc(~0u, pkt, CSUM_OFF);
        reg = chain_crc(reg, zero, CSUM_LEN);
        uint32_t rest = (uint32_t)(len - HDR_LEN);
        if (rest >= 256)
            reg = isal_crc((unsigned char *)(uintptr_t)(pkt + HDR_LEN), (int)rest, reg);
        else
            reg = chain_crc(reg, pkt + HDR_LEN, rest);
        return ~reg == get_le32(pkt + CSUM_OFF);
    }
#endif
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

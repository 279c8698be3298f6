/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_sha256.c: SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), kept
 * inside the core so that signing State Cookies needs no crypto library.
 */
#include <string.h>

#include "sctp_cookie.h"

#define SHA256_BLOCK 64

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* FIPS 180-4 6.2.2: one 512-bit block into the hash state. */
static void compress(uint32_t h[8], const uint8_t *block)
{
    uint32_t w[64];
    uint32_t a, b, c, d, e, f, g, hh;

    for (unsigned t = 0; t < 16; t++)
        w[t] = load_be32(block + 4 * t);
    for (unsigned t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }

    a = h[0];
    b = h[1];
    c = h[2];
    d = h[3];
    e = h[4];
    f = h[5];
    g = h[6];
    hh = h[7];
    for (unsigned t = 0; t < 64; t++) {
        uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + s1 + ch + K[t] + w[t];
        uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = s0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void sctp_sha256_init(struct sctp_sha256 *s)
{
    /* FIPS 180-4 5.3.3. */
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    memcpy(s->h, iv, sizeof(iv));
    s->len = 0;
    s->buf_len = 0;
}

void sctp_sha256_update(struct sctp_sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;

    if (len == 0)
        return;
    s->len += len;
    if (s->buf_len) {
        size_t n = SHA256_BLOCK - s->buf_len;
        if (n > len)
            n = len;
        memcpy(s->buf + s->buf_len, p, n);
        s->buf_len += (uint32_t)n;
        p += n;
        len -= n;
        if (s->buf_len < SHA256_BLOCK)
            return;
        compress(s->h, s->buf);
        s->buf_len = 0;
    }
    while (len >= SHA256_BLOCK) {
        compress(s->h, p);
        p += SHA256_BLOCK;
        len -= SHA256_BLOCK;
    }
    if (len) {
        memcpy(s->buf, p, len);
        s->buf_len = (uint32_t)len;
    }
}

void sctp_sha256_final(struct sctp_sha256 *s, uint8_t out[SCTP_SHA256_LEN])
{
    /* FIPS 180-4 5.1.1: a 1 bit, zeros, then the length in bits as a
     * 64-bit big-endian number ending the last block. */
    uint64_t bits = s->len * 8;

    s->buf[s->buf_len++] = 0x80;
    if (s->buf_len > SHA256_BLOCK - 8) {
        memset(s->buf + s->buf_len, 0, SHA256_BLOCK - s->buf_len);
        compress(s->h, s->buf);
        s->buf_len = 0;
    }
    memset(s->buf + s->buf_len, 0, SHA256_BLOCK - 8 - s->buf_len);
    store_be32(s->buf + SHA256_BLOCK - 8, (uint32_t)(bits >> 32));
    store_be32(s->buf + SHA256_BLOCK - 4, (uint32_t)bits);
    compress(s->h, s->buf);
    for (unsigned i = 0; i < 8; i++)
        store_be32(out + 4 * i, s->h[i]);
    memset(s, 0, sizeof(*s));
}

/* A wipe the compiler cannot drop as a dead store. */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;

    while (n--)
        *v++ = 0;
}

void sctp_hmac_sha256(const uint8_t *key, size_t key_len, const void *data, size_t len,
                      uint8_t out[SCTP_SHA256_LEN])
{
    uint8_t k[SHA256_BLOCK] = {0};
    uint8_t pad[SHA256_BLOCK];
    uint8_t inner[SCTP_SHA256_LEN];
    struct sctp_sha256 s;

    /* RFC 2104 2: a key longer than the block is hashed first. */
    if (key_len > SHA256_BLOCK) {
        sctp_sha256_init(&s);
        sctp_sha256_update(&s, key, key_len);
        sctp_sha256_final(&s, k);
    } else if (key_len) {
        memcpy(k, key, key_len);
    }

    for (unsigned i = 0; i < SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    sctp_sha256_init(&s);
    sctp_sha256_update(&s, pad, sizeof(pad));
    sctp_sha256_update(&s, data, len);
    sctp_sha256_final(&s, inner);

    for (unsigned i = 0; i < SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    sctp_sha256_init(&s);
    sctp_sha256_update(&s, pad, sizeof(pad));
    sctp_sha256_update(&s, inner, sizeof(inner));
    sctp_sha256_final(&s, out);

    /* Do not leave key material on the stack. */
    wipe(k, sizeof(k));
    wipe(pad, sizeof(pad));
    wipe(inner, sizeof(inner));
}

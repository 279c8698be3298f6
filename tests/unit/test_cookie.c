/* SPDX-License-Identifier: BSD-3-Clause */
/* SHA-256, HMAC-SHA-256 and the State Cookie. */
#include <stdio.h>
#include <string.h>

#include "sctp_cookie.h"
#include "suites.h"

static void hex(const char *s, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void check_digest(const uint8_t *got, const char *want_hex)
{
    uint8_t want[SCTP_SHA256_LEN];

    hex(want_hex, want, sizeof(want));
    CU_ASSERT_EQUAL(memcmp(got, want, sizeof(want)), 0);
}

static void sha256_of(const void *data, size_t len, uint8_t out[SCTP_SHA256_LEN])
{
    struct sctp_sha256 s;

    sctp_sha256_init(&s);
    sctp_sha256_update(&s, data, len);
    sctp_sha256_final(&s, out);
}

/* FIPS 180-4 examples (NIST CSRC) and the one-million-'a' message. */
static void test_sha256_vectors(void)
{
    static const char abc448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t d[SCTP_SHA256_LEN];
    uint8_t block[1000];
    struct sctp_sha256 s;

    sha256_of("", 0, d);
    check_digest(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_of("abc", 3, d);
    check_digest(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_of(abc448, strlen(abc448), d);
    check_digest(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    memset(block, 'a', sizeof(block));
    sctp_sha256_init(&s);
    for (unsigned i = 0; i < 1000; i++)
        sctp_sha256_update(&s, block, sizeof(block));
    sctp_sha256_final(&s, d);
    check_digest(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* Updates of odd sizes give the same digest as one update. */
    sctp_sha256_init(&s);
    for (size_t off = 0, n = 1; off < strlen(abc448); off += n, n = n % 7 + 1) {
        size_t take = strlen(abc448) - off < n ? strlen(abc448) - off : n;
        sctp_sha256_update(&s, abc448 + off, take);
    }
    sctp_sha256_final(&s, d);
    check_digest(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* RFC 4231 test cases 1, 2 and 6. */
static void test_hmac_vectors(void)
{
    static const char case6[] = "Test Using Larger Than Block-Size Key - Hash Key First";
    static const char case2[] = "what do ya want for nothing?";
    uint8_t key[131];
    uint8_t d[SCTP_SHA256_LEN];

    memset(key, 0x0b, 20);
    sctp_hmac_sha256(key, 20, "Hi There", 8, d);
    check_digest(d, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

    sctp_hmac_sha256((const uint8_t *)"Jefe", 4, case2, strlen(case2), d);
    check_digest(d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    memset(key, 0xaa, sizeof(key));
    sctp_hmac_sha256(key, sizeof(key), case6, strlen(case6), d);
    check_digest(d, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* A seeded random source, as the endpoint is given. */
static void test_random(void *user, uint8_t *buf, size_t len)
{
    uint64_t *state = user;

    for (size_t i = 0; i < len; i++) {
        *state = *state * 6364136223846793005ull + 1442695040888963407ull;
        buf[i] = (uint8_t)(*state >> 56);
    }
}

static uint64_t rand_state;
static const struct sctp_callbacks cb = {.user = &rand_state, .random = test_random};

#define LIFE (60 * SCTP_SEC)
#define T0   (1000 * SCTP_SEC)

static void sample_state(struct sctp_cookie_state *st)
{
    memset(st, 0, sizeof(*st));
    st->created = T0;
    st->lifetime = LIFE;
    st->local_vtag = 0x11223344;
    st->peer_vtag = 0xa1b2c3d4;
    st->local_tsn = 0xfffffff0;
    st->peer_tsn = 7;
    st->peer_rwnd = 65536;
    st->local_tie_tag = 0x01020304;
    st->peer_tie_tag = 0x05060708;
    st->ostreams = 10;
    st->istreams = 65535;
    st->local_port = 2905;
    st->peer_port = 3868;
    st->peer_pr_sctp = 1;
    st->n_peer_addrs = 2;
    st->peer_addrs[0].family = SCTP_AF_INET;
    memcpy(st->peer_addrs[0].addr, "\x0a\x00\x00\x01", 4);
    st->peer_addrs[1].family = SCTP_AF_INET6;
    memcpy(st->peer_addrs[1].addr,
           "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02", 16);
}

static bool state_equal(const struct sctp_cookie_state *a, const struct sctp_cookie_state *b)
{
    if (a->created != b->created || a->lifetime != b->lifetime || a->local_vtag != b->local_vtag ||
        a->peer_vtag != b->peer_vtag || a->local_tsn != b->local_tsn ||
        a->peer_tsn != b->peer_tsn || a->peer_rwnd != b->peer_rwnd ||
        a->local_tie_tag != b->local_tie_tag || a->peer_tie_tag != b->peer_tie_tag ||
        a->ostreams != b->ostreams || a->istreams != b->istreams ||
        a->local_port != b->local_port || a->peer_port != b->peer_port ||
        a->peer_pr_sctp != b->peer_pr_sctp || a->n_peer_addrs != b->n_peer_addrs)
        return false;
    for (unsigned i = 0; i < a->n_peer_addrs; i++)
        if (a->peer_addrs[i].family != b->peer_addrs[i].family ||
            memcmp(a->peer_addrs[i].addr, b->peer_addrs[i].addr, 16) != 0)
            return false;
    return true;
}

static void test_round_trip(void)
{
    struct sctp_cookie_keys k;
    struct sctp_cookie_state st, out;
    uint8_t buf[SCTP_COOKIE_LEN + 8];
    uint32_t stale = 12345, vtag = 0;

    rand_state = 1;
    sctp_cookie_keys_init(&k, &cb, 3600 * SCTP_SEC, T0);
    sample_state(&st);
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, SCTP_COOKIE_LEN, &k, T0 + SCTP_SEC, &stale), 0);
    CU_ASSERT_TRUE(state_equal(&out, &st));
    CU_ASSERT_EQUAL(stale, 12345);
    CU_ASSERT_EQUAL(sctp_cookie_vtag(buf, SCTP_COOKIE_LEN, &vtag), 0);
    CU_ASSERT_EQUAL(vtag, st.local_vtag);

    /* Deterministic: the same state and key give the same bytes. */
    uint8_t again[SCTP_COOKIE_LEN];
    st.peer_addrs[5].family = 99; /* unused slot: ignored */
    CU_ASSERT_EQUAL(sctp_cookie_encode(again, sizeof(again), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(memcmp(again, buf, SCTP_COOKIE_LEN), 0);

    /* Exactly at the end of its life it is still valid. */
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, SCTP_COOKIE_LEN, &k, T0 + LIFE, &stale), 0);

    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, SCTP_COOKIE_LEN - 1, &st, &k), SCTP_ERR_NOBUF);
    st.n_peer_addrs = SCTP_MAX_ADDRS + 1;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_ERR_INVAL);
}

static void test_tampering(void)
{
    struct sctp_cookie_keys k;
    struct sctp_cookie_state st, out;
    uint8_t buf[SCTP_COOKIE_LEN];
    uint32_t stale;

    rand_state = 2;
    sctp_cookie_keys_init(&k, &cb, 3600 * SCTP_SEC, T0);
    sample_state(&st);
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    /* Any flipped bit, in the state or in the MAC, is rejected. */
    for (unsigned bit = 0; bit < SCTP_COOKIE_LEN * 8; bit += 7) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), SCTP_ERR_PROTO);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    buf[SCTP_COOKIE_LEN - 1] ^= 0x80;
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), SCTP_ERR_PROTO);
    buf[SCTP_COOKIE_LEN - 1] ^= 0x80;
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), 0);

    /* Wrong lengths. */
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf) - 1, &k, T0, &stale), SCTP_ERR_PROTO);
    uint8_t longer[SCTP_COOKIE_LEN + 4] = {0};
    memcpy(longer, buf, sizeof(buf));
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, longer, sizeof(longer), &k, T0, &stale),
                    SCTP_ERR_PROTO);
    uint32_t vtag;
    CU_ASSERT_EQUAL(sctp_cookie_vtag(buf, sizeof(buf) - 4, &vtag), SCTP_ERR_PROTO);

    /* Another endpoint's secrets do not verify it. */
    struct sctp_cookie_keys other;
    rand_state = 3;
    sctp_cookie_keys_init(&other, &cb, 3600 * SCTP_SEC, T0);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &other, T0, &stale), SCTP_ERR_PROTO);
}

static void test_invalid_fields(void)
{
    struct sctp_cookie_keys k;
    struct sctp_cookie_state st, out;
    uint8_t buf[SCTP_COOKIE_LEN];
    uint32_t stale;

    rand_state = 4;
    sctp_cookie_keys_init(&k, &cb, 3600 * SCTP_SEC, T0);

    /* Correctly signed but impossible states are refused. */
    sample_state(&st);
    st.local_vtag = 0;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), SCTP_ERR_PROTO);
    sample_state(&st);
    st.peer_vtag = 0;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), SCTP_ERR_PROTO);
    sample_state(&st);
    st.peer_port = 0;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), SCTP_ERR_PROTO);
    sample_state(&st);
    st.n_peer_addrs = 0;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), SCTP_ERR_PROTO);
    sample_state(&st);
    st.peer_addrs[1].family = 5;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), SCTP_ERR_PROTO);

    /* The full address list round-trips. */
    sample_state(&st);
    st.n_peer_addrs = SCTP_MAX_ADDRS;
    for (unsigned i = 0; i < SCTP_MAX_ADDRS; i++) {
        st.peer_addrs[i].family = SCTP_AF_INET;
        st.peer_addrs[i].addr[3] = (uint8_t)(i + 1);
    }
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0, &stale), 0);
    CU_ASSERT_TRUE(state_equal(&out, &st));
}

static void test_stale(void)
{
    struct sctp_cookie_keys k;
    struct sctp_cookie_state st, out;
    uint8_t buf[SCTP_COOKIE_LEN];
    uint32_t stale = 0;

    rand_state = 5;
    sctp_cookie_keys_init(&k, &cb, 3600 * SCTP_SEC, T0);
    sample_state(&st);
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);

    /* RFC 9260 5.1.5 step 3: reported in microseconds past its life. */
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0 + LIFE + 1, &stale), 1);
    CU_ASSERT_EQUAL(stale, 0);
    CU_ASSERT_EQUAL(
        sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0 + LIFE + 2500 * SCTP_MS + 999, &stale),
        1);
    CU_ASSERT_EQUAL(stale, 2500000);
    CU_ASSERT_EQUAL(out.local_vtag, st.local_vtag);

    /* Saturates rather than wrapping. */
    CU_ASSERT_EQUAL(
        sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0 + LIFE + 5000 * SCTP_SEC, &stale), 1);
    CU_ASSERT_EQUAL(stale, UINT32_MAX);

    /* A lifetime that would overflow the clock never expires. */
    sample_state(&st);
    st.lifetime = SCTP_TSTAMP_MAX;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, SCTP_TSTAMP_MAX - 1, &stale), 0);
}

static void test_rotation(void)
{
    struct sctp_cookie_keys k;
    struct sctp_cookie_state st, out;
    uint8_t buf[SCTP_COOKIE_LEN], newer[SCTP_COOKIE_LEN];
    const sctp_tstamp period = 30 * SCTP_SEC;
    uint32_t stale;

    rand_state = 6;
    sctp_cookie_keys_init(&k, &cb, period, T0);
    sample_state(&st);
    st.lifetime = 10 * period;
    CU_ASSERT_EQUAL(sctp_cookie_encode(buf, sizeof(buf), &st, &k), SCTP_COOKIE_LEN);

    /* Not yet due. */
    uint8_t before = k.current;
    sctp_cookie_keys_maybe_rotate(&k, &cb, T0 + period - 1);
    CU_ASSERT_EQUAL(k.current, before);

    /* One rotation: signed with the new secret, the old one still works. */
    sctp_cookie_keys_maybe_rotate(&k, &cb, T0 + period);
    CU_ASSERT_NOT_EQUAL(k.current, before);
    CU_ASSERT_EQUAL(k.rotated_at, T0 + period);
    CU_ASSERT_EQUAL(sctp_cookie_encode(newer, sizeof(newer), &st, &k), SCTP_COOKIE_LEN);
    CU_ASSERT_NOT_EQUAL(memcmp(newer + SCTP_COOKIE_LEN - SCTP_COOKIE_MAC_LEN,
                               buf + SCTP_COOKIE_LEN - SCTP_COOKIE_MAC_LEN, SCTP_COOKIE_MAC_LEN),
                        0);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0 + period, &stale), 0);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, newer, sizeof(newer), &k, T0 + period, &stale), 0);

    /* Two rotations: the first secret is gone. */
    sctp_cookie_keys_maybe_rotate(&k, &cb, T0 + 2 * period);
    CU_ASSERT_EQUAL(k.current, before);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, buf, sizeof(buf), &k, T0 + 2 * period, &stale),
                    SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(sctp_cookie_decode(&out, newer, sizeof(newer), &k, T0 + 2 * period, &stale), 0);

    /* A lifetime of zero disables rotation. */
    struct sctp_cookie_keys fixed;
    sctp_cookie_keys_init(&fixed, &cb, 0, T0);
    sctp_cookie_keys_maybe_rotate(&fixed, &cb, T0 + 1000 * SCTP_SEC);
    CU_ASSERT_EQUAL(fixed.current, 0);
    CU_ASSERT_EQUAL(fixed.rotated_at, T0);
}

/* Common header, then one chunk of the given type holding body. */
static uint32_t build_packet(uint8_t *pkt, uint8_t type, const uint8_t *body, uint16_t body_len)
{
    uint16_t chunk_len = (uint16_t)(4 + body_len);

    memset(pkt, 0, 12);
    pkt[0] = 0x0b; /* source port 2905 */
    pkt[1] = 0x59;
    pkt[12] = type;
    pkt[13] = 0;
    pkt[14] = (uint8_t)(chunk_len >> 8);
    pkt[15] = (uint8_t)chunk_len;
    memcpy(pkt + 16, body, body_len);
    return 12u + chunk_len;
}

static void test_peek_vtag(void)
{
    struct sctp_cookie_keys k;
    struct sctp_cookie_state st;
    uint8_t cookie[SCTP_COOKIE_LEN];
    uint8_t pkt[16 + SCTP_COOKIE_LEN + 64];
    uint32_t vtag = 0, len;

    rand_state = 8;
    sctp_cookie_keys_init(&k, &cb, 3600 * SCTP_SEC, T0);
    sample_state(&st);
    st.local_vtag = 0xdeadbe07;
    CU_ASSERT_EQUAL(sctp_cookie_encode(cookie, sizeof(cookie), &st, &k), SCTP_COOKIE_LEN);

    len = build_packet(pkt, 10, cookie, SCTP_COOKIE_LEN);
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, len, &vtag), 0);
    CU_ASSERT_EQUAL(vtag, 0xdeadbe07);

    /* Bundled DATA after the COOKIE ECHO does not matter. */
    memset(pkt + len, 0, 20);
    pkt[len] = 0;
    pkt[len + 3] = 20;
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, len + 20, &vtag), 0);

    /* Truncated packet: the chunk length runs past the end. */
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, len - 1, &vtag), SCTP_ERR_PROTO);
    /* Not a COOKIE ECHO first. */
    pkt[12] = 1;
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, len, &vtag), SCTP_ERR_PROTO);
    /* Cookie of the wrong size. */
    len = build_packet(pkt, 10, cookie, SCTP_COOKIE_LEN - 4);
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, len + 4, &vtag), SCTP_ERR_PROTO);
    /* Chunk length below the chunk header. */
    len = build_packet(pkt, 10, cookie, SCTP_COOKIE_LEN);
    pkt[14] = 0;
    pkt[15] = 2;
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, len, &vtag), SCTP_ERR_PROTO);
    /* Too short for a chunk header at all. */
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, 15, &vtag), SCTP_ERR_PROTO);
    CU_ASSERT_EQUAL(sctp_cookie_peek_vtag(pkt, 0, &vtag), SCTP_ERR_PROTO);
}

TEST_SUITE_BEGIN(cookie)
TEST_CASE(test_sha256_vectors)
TEST_CASE(test_hmac_vectors)
TEST_CASE(test_round_trip)
TEST_CASE(test_tampering)
TEST_CASE(test_invalid_fields)
TEST_CASE(test_stale)
TEST_CASE(test_rotation)
TEST_CASE(test_peek_vtag)
TEST_SUITE_END()

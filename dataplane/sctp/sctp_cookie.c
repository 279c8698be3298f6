/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_cookie.c: the State Cookie (RFC 9260 5.1.3, 5.1.5).
 *
 * The cookie is a fixed, versioned, big-endian serialization of struct
 * sctp_cookie_state followed by HMAC-SHA-256 over those bytes. Every byte
 * is defined (unused address slots and reserved bytes are zero), so the
 * same state always gives the same cookie under the same secret.
 *
 * Layout (offsets in bytes):
 *    0  version (COOKIE_VERSION)
 *    1  peer_pr_sctp (0 or 1)
 *    2  n_peer_addrs
 *    3  reserved, zero
 *    4  local_vtag        (fixed: read unverified for steering)
 *    8  peer_vtag
 *   12  local_tsn
 *   16  peer_tsn
 *   20  peer_rwnd
 *   24  local_tie_tag
 *   28  peer_tie_tag
 *   32  ostreams, 34 istreams, 36 local_port, 38 peer_port
 *   40  created  (64-bit ns)
 *   48  lifetime (64-bit ns)
 *   56  reserved, zero (8 bytes)
 *   64  SCTP_MAX_ADDRS x (family, 16 address bytes)
 *  ...  MAC (SCTP_COOKIE_MAC_LEN)
 */
#include <string.h>

#include "sctp_cookie.h"

#define COOKIE_VERSION 1

#define OFF_VERSION    0
#define OFF_PR_SCTP    1
#define OFF_N_ADDRS    2
#define OFF_RESERVED1  3
#define OFF_LOCAL_VTAG 4
#define OFF_PEER_VTAG  8
#define OFF_LOCAL_TSN  12
#define OFF_PEER_TSN   16
#define OFF_PEER_RWND  20
#define OFF_LOCAL_TIE  24
#define OFF_PEER_TIE   28
#define OFF_OSTREAMS   32
#define OFF_ISTREAMS   34
#define OFF_LOCAL_PORT 36
#define OFF_PEER_PORT  38
#define OFF_CREATED    40
#define OFF_LIFETIME   48
#define OFF_RESERVED2  56
#define RESERVED2_LEN  8
#define OFF_ADDRS      64
#define ADDR_LEN       17
#define STATE_LEN      (OFF_ADDRS + SCTP_MAX_ADDRS * ADDR_LEN)

_Static_assert(STATE_LEN + SCTP_COOKIE_MAC_LEN == SCTP_COOKIE_LEN,
               "SCTP_COOKIE_LEN does not match the cookie layout");
_Static_assert(sizeof(((struct sctp_addr *)0)->addr) == ADDR_LEN - 1, "address size");

/* Chunk type of COOKIE ECHO (RFC 9260 3.3.11). */
#define CHUNK_COOKIE_ECHO 10
#define COMMON_HDR_LEN    12
#define CHUNK_HDR_LEN     4

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void new_secret(uint8_t *key, size_t len, const struct sctp_callbacks *cb)
{
    /* The secret must be unpredictable: there is no fallback for a
     * missing random source (the endpoint refuses to start without one). */
    cb->random(cb->user, key, len);
}

void sctp_cookie_keys_init(struct sctp_cookie_keys *k, const struct sctp_callbacks *cb,
                           sctp_tstamp lifetime, sctp_tstamp now)
{
    memset(k, 0, sizeof(*k));
    /* Both slots get a secret: decode tries both, so neither may be a
     * value an attacker could guess. */
    new_secret(k->key[0], sizeof(k->key[0]), cb);
    new_secret(k->key[1], sizeof(k->key[1]), cb);
    k->current = 0;
    k->rotated_at = now;
    k->lifetime = lifetime;
}

void sctp_cookie_keys_maybe_rotate(struct sctp_cookie_keys *k, const struct sctp_callbacks *cb,
                                   sctp_tstamp now)
{
    uint8_t next;

    if (k->lifetime == 0 || now < k->rotated_at || now - k->rotated_at < k->lifetime)
        return;
    /* The slot being replaced held the secret before the current one:
     * cookies signed with it are at least one full period old. */
    next = (uint8_t)(k->current ^ 1);
    new_secret(k->key[next], sizeof(k->key[next]), cb);
    k->current = next;
    k->rotated_at = now;
}

static void serialize(uint8_t *p, const struct sctp_cookie_state *st)
{
    memset(p, 0, STATE_LEN);
    p[OFF_VERSION] = COOKIE_VERSION;
    p[OFF_PR_SCTP] = st->peer_pr_sctp ? 1 : 0;
    p[OFF_N_ADDRS] = st->n_peer_addrs;
    put32(p + OFF_LOCAL_VTAG, st->local_vtag);
    put32(p + OFF_PEER_VTAG, st->peer_vtag);
    put32(p + OFF_LOCAL_TSN, st->local_tsn);
    put32(p + OFF_PEER_TSN, st->peer_tsn);
    put32(p + OFF_PEER_RWND, st->peer_rwnd);
    put32(p + OFF_LOCAL_TIE, st->local_tie_tag);
    put32(p + OFF_PEER_TIE, st->peer_tie_tag);
    put16(p + OFF_OSTREAMS, st->ostreams);
    put16(p + OFF_ISTREAMS, st->istreams);
    put16(p + OFF_LOCAL_PORT, st->local_port);
    put16(p + OFF_PEER_PORT, st->peer_port);
    put64(p + OFF_CREATED, st->created);
    put64(p + OFF_LIFETIME, st->lifetime);
    for (unsigned i = 0; i < st->n_peer_addrs; i++) {
        uint8_t *a = p + OFF_ADDRS + i * ADDR_LEN;
        a[0] = st->peer_addrs[i].family;
        memcpy(a + 1, st->peer_addrs[i].addr, ADDR_LEN - 1);
    }
}

int sctp_cookie_encode(uint8_t *p, size_t room, const struct sctp_cookie_state *st,
                       const struct sctp_cookie_keys *k)
{
    if (st->n_peer_addrs > SCTP_MAX_ADDRS)
        return SCTP_ERR_INVAL;
    if (room < SCTP_COOKIE_LEN)
        return SCTP_ERR_NOBUF;
    serialize(p, st);
    sctp_hmac_sha256(k->key[k->current & 1], sizeof(k->key[0]), p, STATE_LEN, p + STATE_LEN);
    return SCTP_COOKIE_LEN;
}

/* Constant time, so that a forger learns nothing from how long a wrong
 * MAC takes to be rejected. */
static bool mac_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    uint8_t diff = 0;

    for (size_t i = 0; i < len; i++)
        diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

static bool mac_valid(const uint8_t *p, const struct sctp_cookie_keys *k)
{
    uint8_t mac[SCTP_COOKIE_MAC_LEN];
    bool ok = false;

    /* Both secrets are tried (current, then previous) and the result is
     * combined without branching on the first comparison. */
    for (unsigned i = 0; i < 2; i++) {
        unsigned slot = (k->current + i) & 1;
        sctp_hmac_sha256(k->key[slot], sizeof(k->key[slot]), p, STATE_LEN, mac);
        ok |= mac_equal(mac, p + STATE_LEN, sizeof(mac));
    }
    return ok;
}

static bool all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;

    for (size_t i = 0; i < len; i++)
        acc |= p[i];
    return acc == 0;
}

/* The MAC says we wrote it, but a secret may leak: every field is still
 * checked against what encode can produce for a valid association. */
static int parse(struct sctp_cookie_state *st, const uint8_t *p)
{
    memset(st, 0, sizeof(*st));
    if (p[OFF_VERSION] != COOKIE_VERSION || p[OFF_PR_SCTP] > 1 || p[OFF_RESERVED1] != 0 ||
        !all_zero(p + OFF_RESERVED2, RESERVED2_LEN))
        return SCTP_ERR_PROTO;
    st->peer_pr_sctp = p[OFF_PR_SCTP];
    st->n_peer_addrs = p[OFF_N_ADDRS];
    if (st->n_peer_addrs < 1 || st->n_peer_addrs > SCTP_MAX_ADDRS)
        return SCTP_ERR_PROTO;
    st->local_vtag = get32(p + OFF_LOCAL_VTAG);
    st->peer_vtag = get32(p + OFF_PEER_VTAG);
    st->local_tsn = get32(p + OFF_LOCAL_TSN);
    st->peer_tsn = get32(p + OFF_PEER_TSN);
    st->peer_rwnd = get32(p + OFF_PEER_RWND);
    st->local_tie_tag = get32(p + OFF_LOCAL_TIE);
    st->peer_tie_tag = get32(p + OFF_PEER_TIE);
    st->ostreams = get16(p + OFF_OSTREAMS);
    st->istreams = get16(p + OFF_ISTREAMS);
    st->local_port = get16(p + OFF_LOCAL_PORT);
    st->peer_port = get16(p + OFF_PEER_PORT);
    st->created = get64(p + OFF_CREATED);
    st->lifetime = get64(p + OFF_LIFETIME);
    /* RFC 9260 3.3.2: verification tags are never 0. */
    if (st->local_vtag == 0 || st->peer_vtag == 0 || st->local_port == 0 || st->peer_port == 0)
        return SCTP_ERR_PROTO;
    for (unsigned i = 0; i < SCTP_MAX_ADDRS; i++) {
        const uint8_t *a = p + OFF_ADDRS + i * ADDR_LEN;
        if (i >= st->n_peer_addrs) {
            if (!all_zero(a, ADDR_LEN))
                return SCTP_ERR_PROTO;
            continue;
        }
        if (a[0] != SCTP_AF_INET && a[0] != SCTP_AF_INET6)
            return SCTP_ERR_PROTO;
        st->peer_addrs[i].family = a[0];
        memcpy(st->peer_addrs[i].addr, a + 1, ADDR_LEN - 1);
    }
    return 0;
}

int sctp_cookie_decode(struct sctp_cookie_state *st, const uint8_t *p, size_t len,
                       const struct sctp_cookie_keys *k, sctp_tstamp now, uint32_t *staleness_us)
{
    struct sctp_cookie_state tmp;
    sctp_tstamp expires;

    if (len != SCTP_COOKIE_LEN || !mac_valid(p, k))
        return SCTP_ERR_PROTO;
    if (parse(&tmp, p) != 0)
        return SCTP_ERR_PROTO;
    *st = tmp;

    /* RFC 9260 5.1.5 step 3: past its life, the cookie is stale; the
     * caller answers with a Stale Cookie error carrying the staleness. */
    expires = tmp.created + tmp.lifetime;
    if (expires < tmp.created)
        expires = SCTP_TSTAMP_MAX;
    if (now > expires) {
        sctp_tstamp us = (now - expires) / 1000;
        if (staleness_us)
            *staleness_us = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
        return 1;
    }
    return 0;
}

int sctp_cookie_vtag(const uint8_t *p, size_t len, uint32_t *vtag)
{
    if (len != SCTP_COOKIE_LEN || p[OFF_VERSION] != COOKIE_VERSION)
        return SCTP_ERR_PROTO;
    *vtag = get32(p + OFF_LOCAL_VTAG);
    return 0;
}

int sctp_cookie_peek_vtag(const uint8_t *pkt, uint32_t len, uint32_t *vtag)
{
    uint16_t chunk_len;

    /* RFC 9260 5.1: COOKIE ECHO, when present, is the first chunk. */
    if (len < COMMON_HDR_LEN + CHUNK_HDR_LEN)
        return SCTP_ERR_PROTO;
    if (pkt[COMMON_HDR_LEN] != CHUNK_COOKIE_ECHO)
        return SCTP_ERR_PROTO;
    /* The chunk length excludes padding and must fit in the packet. */
    chunk_len = get16(pkt + COMMON_HDR_LEN + 2);
    if (chunk_len < CHUNK_HDR_LEN || chunk_len > len - COMMON_HDR_LEN)
        return SCTP_ERR_PROTO;
    return sctp_cookie_vtag(pkt + COMMON_HDR_LEN + CHUNK_HDR_LEN, chunk_len - CHUNK_HDR_LEN, vtag);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_cookie.h: the State Cookie (RFC 9260 5.1.3): everything needed to
 * build the association from a COOKIE ECHO, signed with HMAC-SHA-256
 * under a secret that rotates; the previous secret is still accepted.
 */
#ifndef SCTP_COOKIE_H
#define SCTP_COOKIE_H

#include "sctp.h"

#define SCTP_SHA256_LEN     32
#define SCTP_COOKIE_MAC_LEN SCTP_SHA256_LEN

struct sctp_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    uint32_t buf_len;
};
void sctp_sha256_init(struct sctp_sha256 *s);
void sctp_sha256_update(struct sctp_sha256 *s, const void *data, size_t len);
void sctp_sha256_final(struct sctp_sha256 *s, uint8_t out[SCTP_SHA256_LEN]);
/* RFC 2104 HMAC with SHA-256. */
void sctp_hmac_sha256(const uint8_t *key, size_t key_len, const void *data, size_t len,
                      uint8_t out[SCTP_SHA256_LEN]);

struct sctp_cookie_keys {
    uint8_t key[2][32];
    uint8_t current; /* index of the secret used to sign */
    sctp_tstamp rotated_at;
    sctp_tstamp lifetime; /* rotate after this long */
};
/* Both secrets come from cb->random, which must be set. */
void sctp_cookie_keys_init(struct sctp_cookie_keys *k, const struct sctp_callbacks *cb,
                           sctp_tstamp lifetime, sctp_tstamp now);
/* Rotates when the lifetime has passed: the old secret stays valid for
 * one more period. A lifetime of 0 never rotates. */
void sctp_cookie_keys_maybe_rotate(struct sctp_cookie_keys *k, const struct sctp_callbacks *cb,
                                   sctp_tstamp now);

/* What the cookie carries. */
struct sctp_cookie_state {
    sctp_tstamp created;  /* when the INIT ACK was made */
    sctp_tstamp lifetime; /* Valid.Cookie.Life (+ preservative) */
    uint32_t local_vtag;  /* our Initiate Tag */
    uint32_t peer_vtag;   /* the peer's Initiate Tag */
    uint32_t local_tsn;   /* our Initial TSN */
    uint32_t peer_tsn;    /* the peer's Initial TSN */
    uint32_t peer_rwnd;
    uint32_t local_tie_tag; /* RFC 9260 5.2.2 tie-tags, 0 if none */
    uint32_t peer_tie_tag;
    uint16_t ostreams; /* negotiated: min(ours, peer's MIS) */
    uint16_t istreams; /* negotiated: min(peer's OS, our MIS) */
    uint16_t local_port, peer_port;
    uint8_t peer_pr_sctp; /* peer sent Forward-TSN-Supported */
    uint8_t n_peer_addrs;
    struct sctp_addr peer_addrs[SCTP_MAX_ADDRS]; /* [0]: source of INIT */
};

/* Serialized size: fixed layout + MAC. */
#define SCTP_COOKIE_LEN (64 + SCTP_MAX_ADDRS * 17 + SCTP_COOKIE_MAC_LEN)

/* Writes the cookie (state, then the HMAC over it). Returns
 * SCTP_COOKIE_LEN, SCTP_ERR_NOBUF, or SCTP_ERR_INVAL if n_peer_addrs
 * exceeds SCTP_MAX_ADDRS. */
int sctp_cookie_encode(uint8_t *p, size_t room, const struct sctp_cookie_state *st,
                       const struct sctp_cookie_keys *k);
/*
 * Verifies and decodes. Returns 0; SCTP_ERR_PROTO if the length or the
 * MAC is wrong under both secrets or a field is impossible; 1 if the
 * cookie is authentic but stale (RFC 9260 5.1.5 step 3), with
 * *staleness_us set to how far past its life it is.
 */
int sctp_cookie_decode(struct sctp_cookie_state *st, const uint8_t *p, size_t len,
                       const struct sctp_cookie_keys *k, sctp_tstamp now, uint32_t *staleness_us);
/* The local vtag stored in an (unverified) cookie, for steering.
 * Returns 0, or SCTP_ERR_PROTO if len is not SCTP_COOKIE_LEN. */
int sctp_cookie_vtag(const uint8_t *p, size_t len, uint32_t *vtag);

#endif

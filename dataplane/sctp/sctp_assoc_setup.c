/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_assoc_setup.c: association initialization (RFC 9260 5): INIT,
 * INIT ACK with a stateless cookie, COOKIE ECHO (including the action
 * table of 5.2.4 for collisions and restarts), COOKIE ACK, T1 timers.
 */
#include "sctp_internal.h"

static uint16_t min16(uint16_t a, uint16_t b)
{
    return a < b ? a : b;
}

/* Address families as a mask: bit 0 IPv4, bit 1 IPv6. */
#define FAM_V4   1u
#define FAM_V6   2u
#define FAM_BOTH (FAM_V4 | FAM_V6)
static unsigned fam_bit(uint8_t family)
{
    return family == SCTP_AF_INET6 ? FAM_V6 : FAM_V4;
}

/* The families the endpoint has an address in. */
static unsigned local_families(const struct sctp_endpoint *ep)
{
    unsigned m = 0;
    for (unsigned i = 0; i < ep->cfg.n_addrs; i++)
        m |= fam_bit(ep->cfg.addrs[i].family);
    return m;
}

/* Address parameters (5.1.2): only when multi-homed; a single address is
 * taken from the IP header by the peer. Only those of the families in
 * `families` (an INIT's Supported Address Types, 5.1.2 (5)). */
static int put_addresses(const struct sctp_endpoint *ep, uint8_t *p, size_t room, unsigned families)
{
    int total = 0;
    if (ep->cfg.n_addrs < 2)
        return 0;
    for (unsigned i = 0; i < ep->cfg.n_addrs; i++) {
        const struct sctp_addr *a = &ep->cfg.addrs[i];
        if (!(families & fam_bit(a->family)))
            continue;
        int n = a->family == SCTP_AF_INET6
                    ? sctp_tlv_encode(p + total, room - total, SCTP_PT_IPV6, a->addr, 16)
                    : sctp_tlv_encode(p + total, room - total, SCTP_PT_IPV4, a->addr, 4);
        if (n < 0)
            return n;
        total += n;
    }
    return total;
}

static int put_common_params(const struct sctp_endpoint *ep, uint8_t *p, size_t room, bool pr_sctp,
                             unsigned families)
{
    int total = put_addresses(ep, p, room, families);
    if (total < 0)
        return total;
    if (pr_sctp) {
        /* RFC 3758 3.3.1 */
        int n = sctp_tlv_encode(p + total, room - total, SCTP_PT_FORWARD_TSN_SUPPORTED, NULL, 0);
        if (n < 0)
            return n;
        total += n;
    }
    return total;
}

int sctp_setup_send_init(struct sctp_assoc *a, uint8_t *p, size_t room)
{
    struct sctp_endpoint *ep = a->ep;
    struct sctp_init_chunk init = {
        .init_tag = a->local_vtag,
        .a_rwnd = ep->cfg.rwnd,
        .ostreams = a->ostreams,
        .istreams = ep->cfg.max_instreams,
        .initial_tsn = a->local_init_tsn,
    };
    int n = sctp_init_encode(p, room, SCTP_CT_INIT, &init);
    if (n < 0)
        return n;
    int m = put_common_params(ep, p + n, room - n, ep->cfg.pr_sctp, FAM_BOTH);
    if (m < 0)
        return m;
    n += m;
    if (a->cookie_preserve) {
        /* 5.2.6: ask for a longer cookie life after a stale cookie. */
        uint8_t v[4];
        uint64_t ms = a->cookie_preserve / SCTP_MS;
        sctp_put32(v, ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms);
        m = sctp_tlv_encode(p + n, room - n, SCTP_PT_COOKIE_PRESERVATIVE, v, 4);
        if (m < 0)
            return m;
        n += m;
    }
    sctp_chunk_set_length(p, (uint16_t)n);
    return n;
}

/* What an INIT or INIT ACK told us. */
struct peer_params {
    unsigned n_addrs;
    struct sctp_addr addrs[SCTP_MAX_ADDRS];
    bool pr_sctp;
    bool hostname;
    const uint8_t *hostname_tlv; /* the Host Name Address parameter, as received */
    uint16_t hostname_len;
    sctp_tstamp preserve;
    uint16_t unrec_len; /* Unrecognized Parameter causes/params to report */
    uint8_t unrec[256];
    unsigned addr_types; /* Supported Address Types (FAM_*); FAM_BOTH if not given */
    bool stop;           /* a 00/01 parameter stopped processing */
    size_t used;         /* bytes of the parameter list processed (all, unless stop) */
};

/* RFC 9260 3.2.1: parameters are handled by type, unknown ones by their
 * two high bits. Addresses of a family the endpoint has none in are left
 * out (5.1.2: an endpoint of one family may ignore the others; a path to
 * one would have no source address). Returns 0 or SCTP_ERR_PROTO for a
 * malformed list. */
static int parse_params(const uint8_t *buf, size_t len, const struct sctp_addr *src,
                        unsigned families, struct peer_params *pp)
{
    memset(pp, 0, sizeof(*pp));
    pp->addrs[0] = *src;
    pp->n_addrs = 1;
    pp->addr_types = FAM_BOTH;
    size_t off = 0;
    struct sctp_tlv t;
    int r;
    while ((r = sctp_tlv_next(buf, len, &off, &t)) == 1) {
        struct sctp_addr a = {0};
        switch (t.type) {
        case SCTP_PT_IPV4:
            if (t.value_len != 4)
                return SCTP_ERR_PROTO;
            a.family = SCTP_AF_INET;
            memcpy(a.addr, t.value, 4);
            goto add;
        case SCTP_PT_IPV6:
            if (t.value_len != 16)
                return SCTP_ERR_PROTO;
            a.family = SCTP_AF_INET6;
            memcpy(a.addr, t.value, 16);
        add : {
            if (!(families & fam_bit(a.family)))
                break;
            bool dup = false;
            for (unsigned i = 0; i < pp->n_addrs; i++)
                dup |= sctp_addr_equal(&pp->addrs[i], &a);
            if (!dup && pp->n_addrs < SCTP_MAX_ADDRS)
                pp->addrs[pp->n_addrs++] = a;
            break;
        }
        case SCTP_PT_HOSTNAME:
            if (!pp->hostname) {
                pp->hostname_tlv = t.value - 4;
                pp->hostname_len = t.length;
            }
            pp->hostname = true;
            break;
        case SCTP_PT_COOKIE_PRESERVATIVE:
            if (t.value_len >= 4)
                pp->preserve = (sctp_tstamp)sctp_get32(t.value) * SCTP_MS;
            break;
        case SCTP_PT_FORWARD_TSN_SUPPORTED:
            pp->pr_sctp = true;
            break;
        case SCTP_PT_SUPPORTED_ADDR_TYPES: {
            /* 5.1.2 (5): the address types the INIT's sender supports
             * (5: IPv4, 6: IPv6, 11: host name); the INIT ACK lists ours
             * of those only. */
            unsigned m = 0;
            for (uint16_t k = 0; k + 2 <= t.value_len; k += 2) {
                uint16_t at = sctp_get16(t.value + k);
                m |= at == SCTP_PT_IPV4 ? FAM_V4 : at == SCTP_PT_IPV6 ? FAM_V6 : 0;
            }
            pp->addr_types = m;
            break;
        }
        case SCTP_PT_ECN_CAPABLE:
        case SCTP_PT_PADDING:
        case SCTP_PT_SUPPORTED_EXTENSIONS:
        case SCTP_PT_STATE_COOKIE:
        case SCTP_PT_UNRECOGNIZED:
            break;
        default: {
            unsigned act = t.type >> 14;
            if (act == 1 || act == 3) {
                /* Report: the whole parameter, as received. */
                uint16_t l = SCTP_PAD4(t.length);
                if (pp->unrec_len + 4u + l <= sizeof(pp->unrec)) {
                    int n = sctp_tlv_encode(pp->unrec + pp->unrec_len,
                                            sizeof(pp->unrec) - pp->unrec_len, SCTP_PT_UNRECOGNIZED,
                                            t.value - 4, t.length);
                    if (n > 0)
                        pp->unrec_len += (uint16_t)n;
                }
            }
            if (act == 0 || act == 1) {
                pp->stop = true;
                pp->used = off;
                return 0;
            }
            break;
        }
        }
    }
    pp->used = len;
    return r < 0 ? SCTP_ERR_PROTO : 0;
}

/* An IPv4 or IPv6 Address parameter (3.3.2.1) as an address; false for
 * any other parameter. */
static bool param_addr(const struct sctp_tlv *t, struct sctp_addr *x)
{
    memset(x, 0, sizeof(*x));
    if (t->type == SCTP_PT_IPV4 && t->value_len == 4)
        x->family = SCTP_AF_INET;
    else if (t->type == SCTP_PT_IPV6 && t->value_len == 16)
        x->family = SCTP_AF_INET6;
    else
        return false;
    memcpy(x->addr, t->value, t->value_len);
    return true;
}

/* RFC 9260 5.2.2, 9.2: an INIT from an address the endpoint does not know
 * still belongs to an existing association when an address it lists is a
 * peer address of that association (a peer that restarted and comes back
 * from another of its addresses). Only the parameters parse_params took
 * are looked at. */
static struct sctp_assoc *find_by_listed(const struct sctp_endpoint *ep, uint16_t port,
                                         const uint8_t *params, size_t len)
{
    size_t off = 0;
    struct sctp_tlv t;
    struct sctp_addr x;
    while (sctp_tlv_next(params, len, &off, &t) == 1) {
        struct sctp_path *p = param_addr(&t, &x) ? sctp_ep_find_peer(ep, &x, port) : NULL;
        if (p)
            return p->assoc;
    }
    return NULL;
}

static bool listed_in(const uint8_t *buf, size_t len, const struct sctp_addr *x)
{
    size_t off = 0;
    struct sctp_tlv t;
    struct sctp_addr y;
    while (sctp_tlv_next(buf, len, &off, &t) == 1)
        if (param_addr(&t, &y) && sctp_addr_equal(&y, x))
            return true;
    return false;
}

/* Appends x as an Address parameter unless it is already there or does
 * not fit. */
static void put_new_addr(uint8_t *out, size_t room, uint16_t *len, const struct sctp_addr *x)
{
    if (listed_in(out, *len, x))
        return;
    bool v6 = x->family == SCTP_AF_INET6;
    int n = sctp_tlv_encode(out + *len, room - *len, v6 ? SCTP_PT_IPV6 : SCTP_PT_IPV4, x->addr,
                            v6 ? 16 : 4);
    if (n > 0)
        *len += (uint16_t)n;
}

/* The addresses an INIT brings that are no peer addresses of a: its
 * source, then those it lists, each once, as Address parameters (the
 * "New Address TLVs" of 3.3.10.11), as many as fit in room. Returns
 * whether there is any; *len is what was written. */
static bool new_addrs(struct sctp_assoc *a, const struct sctp_addr *src, const uint8_t *params,
                      size_t plen, uint8_t *out, size_t room, uint16_t *len)
{
    bool any = false;
    size_t off = 0;
    struct sctp_tlv t;
    struct sctp_addr x;
    *len = 0;
    if (!sctp_assoc_path_of(a, src)) {
        any = true;
        put_new_addr(out, room, len, src);
    }
    while (sctp_tlv_next(params, plen, &off, &t) == 1)
        if (param_addr(&t, &x) && !sctp_assoc_path_of(a, &x)) {
            any = true;
            put_new_addr(out, room, len, &x);
        }
    return any;
}

/* An ABORT with the T bit clear, tagged with the peer's Initiate Tag,
 * answering an INIT (or INIT ACK) we cannot accept. */
static void abort_init(struct sctp_endpoint *ep, const struct sctp_rx_packet *pkt,
                       const struct sctp_common_hdr *h, uint32_t peer_tag, uint16_t cause,
                       const void *info, uint16_t ilen)
{
    uint8_t *b = sctp_ep_ctl_reserve(ep);
    if (!b)
        return;
    int n = sctp_common_hdr_encode(b, SCTP_CTL_SLOT_LEN, h->dport, h->sport, peer_tag);
    int c = n;
    n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_ABORT, 0, 4);
    int m = sctp_cause_encode(b + n, SCTP_CTL_SLOT_LEN - n, cause, info, ilen);
    if (m > 0)
        n += m;
    sctp_chunk_set_length(b + c, (uint16_t)(n - c));
    sctp_ep_ctl_commit(ep, &pkt->dst, &pkt->src, (uint16_t)n);
}

/* An Unresolvable Address cause may carry the Host Name Address parameter
 * (3.3.10.5); a long one is left out rather than cut. */
static uint16_t hostname_info_len(const struct peer_params *pp)
{
    return pp->hostname_len <= 256 ? pp->hostname_len : 0;
}

/* RFC 9260 5.2.1, 5.2.2: an INIT that adds addresses to an existing (or
 * forming) association is discarded and answered with an ABORT carrying
 * "Restart of an Association with New Addresses", which lists every new
 * address that fits in one packet. Returns true if it was refused. */
static bool refuse_new_addrs(struct sctp_endpoint *ep, struct sctp_assoc *a,
                             const struct sctp_rx_packet *pkt, const struct sctp_common_hdr *h,
                             const struct sctp_init_chunk *init, const struct peer_params *pp)
{
    /* The ABORT: IP header, common header, chunk header, cause header. */
    uint32_t mtu = ep->cfg.pmtu < SCTP_CTL_SLOT_LEN ? ep->cfg.pmtu : SCTP_CTL_SLOT_LEN;
    uint32_t ip = sctp_ip_hdr_len(pkt->src.family);
    uint8_t info[SCTP_CTL_SLOT_LEN];
    uint16_t il;
    if (!new_addrs(a, &pkt->src, init->params, pp->used, info,
                   mtu - ip - SCTP_COMMON_HDR_LEN - SCTP_CHUNK_HDR_LEN - 4, &il))
        return false;
    abort_init(ep, pkt, h, init->init_tag, SCTP_CAUSE_RESTART_NEW_ADDRS, info, il);
    return true;
}

/* A GCRA of rate per second, with a burst of a quarter second's worth
 * (at least 16): each INIT ACK moves the theoretical arrival time *tat
 * on by one interval; one is allowed while that time is no more than
 * the burst's intervals ahead of now. */
static bool gcra_ok(sctp_tstamp *tat, uint32_t rate, sctp_tstamp now)
{
    sctp_tstamp t = SCTP_SEC / rate, burst = rate / 4 > 16 ? rate / 4 : 16;
    if (*tat < now)
        *tat = now;
    return *tat - now <= t * burst;
}

static void gcra_take(sctp_tstamp *tat, uint32_t rate)
{
    sctp_tstamp t = SCTP_SEC / rate;
    *tat += t ? t : 1;
}

/* A source's key and its two candidate slots of n: an IPv4 address, or an
 * IPv6 address's /64 (what one host or one customer holds), under a hash
 * keyed by the endpoint's secret seed, so that a sender cannot choose
 * sources that collide. */
static uint32_t src_key(const struct sctp_endpoint *ep, const struct sctp_addr *src, unsigned n,
                        unsigned *s1, unsigned *s2)
{
    unsigned len = src->family == SCTP_AF_INET6 ? 8 : 4;
    uint32_t h = ep->init_src_seed ^ src->family;
    for (unsigned i = 0; i < len; i += 4)
        h = sctp_hash32(h ^ sctp_get32(&src->addr[i]));
    *s1 = h % n;
    *s2 = sctp_hash32(h ^ ep->init_src_seed) % n;
    return h | 1; /* 0: a slot never used */
}

/* The bucket of a source (cfg.init_rate_per_source). A source in neither
 * of its slots takes the one idle longer. */
static sctp_tstamp *init_src_bucket(struct sctp_endpoint *ep, const struct sctp_addr *src,
                                    sctp_tstamp now)
{
    unsigned s1, s2;
    uint32_t key = src_key(ep, src, SCTP_INIT_SRC_SLOTS, &s1, &s2);
    if (ep->init_src[s1].key == key)
        return &ep->init_src[s1].tat;
    if (ep->init_src[s2].key == key)
        return &ep->init_src[s2].tat;
    unsigned s = ep->init_src[s1].tat <= ep->init_src[s2].tat ? s1 : s2;
    ep->init_src[s].key = key;
    ep->init_src[s].tat = now;
    return &ep->init_src[s].tat;
}

/* cfg.init_proven: src completed a handshake; it stays proven that long.
 * A source in neither of its slots takes the one proven longest ago. */
static void init_proven_mark(struct sctp_endpoint *ep, const struct sctp_addr *src, sctp_tstamp now)
{
    if (ep->cfg.init_proven == 0)
        return;
    unsigned s1, s2;
    uint32_t key = src_key(ep, src, SCTP_INIT_PROVEN_SLOTS, &s1, &s2);
    unsigned s = ep->init_proven[s1].key == key                           ? s1
                 : ep->init_proven[s2].key == key                         ? s2
                 : ep->init_proven[s1].until <= ep->init_proven[s2].until ? s1
                                                                          : s2;
    ep->init_proven[s].key = key;
    ep->init_proven[s].until = now + ep->cfg.init_proven;
}

static bool init_proven(const struct sctp_endpoint *ep, const struct sctp_addr *src,
                        sctp_tstamp now)
{
    if (ep->cfg.init_proven == 0)
        return false;
    unsigned s1, s2;
    uint32_t key = src_key(ep, src, SCTP_INIT_PROVEN_SLOTS, &s1, &s2);
    return (ep->init_proven[s1].key == key && ep->init_proven[s1].until > now) ||
           (ep->init_proven[s2].key == key && ep->init_proven[s2].until > now);
}

/* cfg.init_rate_per_source, then cfg.init_rate: an INIT ACK takes from
 * both buckets, and one refused by either takes from neither. What
 * init_rate refuses a proven source (cfg.init_proven) takes from the
 * proven sources' own bucket of the same size. */
static bool init_ack_allowed(struct sctp_endpoint *ep, const struct sctp_addr *src, sctp_tstamp now)
{
    const struct sctp_config *cfg = &ep->cfg;
    sctp_tstamp *src_tat = NULL;
    if (cfg->init_rate_per_source) {
        src_tat = init_src_bucket(ep, src, now);
        if (!gcra_ok(src_tat, cfg->init_rate_per_source, now)) {
            ep->stats.init_source_limited++;
            return false;
        }
    }
    if (cfg->init_rate) {
        if (gcra_ok(&ep->init_tat, cfg->init_rate, now)) {
            gcra_take(&ep->init_tat, cfg->init_rate);
        } else if (init_proven(ep, src, now) &&
                   gcra_ok(&ep->init_proven_tat, cfg->init_rate, now)) {
            gcra_take(&ep->init_proven_tat, cfg->init_rate);
            ep->stats.init_proven_answered++;
        } else {
            ep->stats.init_rate_limited++;
            return false;
        }
    }
    if (src_tat)
        gcra_take(src_tat, cfg->init_rate_per_source);
    return true;
}

void sctp_setup_on_init(struct sctp_endpoint *ep, struct sctp_assoc *a,
                        const struct sctp_rx_packet *pkt, const struct sctp_common_hdr *h,
                        const struct sctp_chunk *c, sctp_tstamp now)
{
    struct sctp_init_chunk init;
    if (sctp_init_decode(&init, c) < 0) {
        ep->stats.rx_malformed++;
        return;
    }
    /* RFC 9260 3.3.2: a zero Initiate Tag is discarded; zero streams are
     * an invalid mandatory parameter. */
    if (init.init_tag == 0)
        return;
    if (init.ostreams == 0 || init.istreams == 0) {
        abort_init(ep, pkt, h, init.init_tag, SCTP_CAUSE_INVALID_PARAM, NULL, 0);
        return;
    }
    if (!init_ack_allowed(ep, &pkt->src, now))
        return;
    struct peer_params pp;
    if (parse_params(init.params, init.params_len, &pkt->src, local_families(ep), &pp) < 0) {
        abort_init(ep, pkt, h, init.init_tag, SCTP_CAUSE_PROTOCOL_VIOLATION, NULL, 0);
        return;
    }
    if (pp.hostname) {
        /* 5.1.2: host names are not supported here. */
        abort_init(ep, pkt, h, init.init_tag, SCTP_CAUSE_UNRESOLVABLE_ADDR, pp.hostname_tlv,
                   hostname_info_len(&pp));
        return;
    }
    if (!a)
        a = find_by_listed(ep, h->sport, init.params, pp.used);
    struct sctp_cookie_state st = {0};
    bool collision = false;
    if (a) {
        if (a->state == SCTP_S_SHUTDOWN_ACK_SENT) {
            /* 9.2: discard and retransmit the SHUTDOWN ACK. */
            a->send_shutdown_ack = true;
            sctp_ep_tx_schedule(ep, a);
            return;
        }
        if (a->state == SCTP_S_COOKIE_WAIT || a->state == SCTP_S_COOKIE_ECHOED) {
            /* 5.2.1: answer with our original Initiate Tag; in
             * COOKIE-ECHOED only if the INIT adds no address to the
             * forming association, else it is discarded, the association
             * left as it is, and an ABORT lists the new addresses. */
            if (a->state == SCTP_S_COOKIE_ECHOED && refuse_new_addrs(ep, a, pkt, h, &init, &pp))
                return;
            collision = true;
            st.local_vtag = a->local_vtag;
            st.local_tsn = a->local_init_tsn;
            st.local_tie_tag = a->local_vtag;
            st.peer_tie_tag = a->peer_vtag;
        } else {
            /* 5.2.2: a fresh tag; tie-tags carry the current ones. An INIT
             * that adds addresses is refused (restart with new addresses). */
            if (refuse_new_addrs(ep, a, pkt, h, &init, &pp))
                return;
            st.local_vtag = sctp_ep_new_vtag(ep);
            st.local_tsn = sctp_ep_random32(ep);
            st.local_tie_tag = a->local_vtag;
            st.peer_tie_tag = a->peer_vtag;
        }
    } else {
        if (!sctp_ep_can_add(ep)) {
            abort_init(ep, pkt, h, init.init_tag, SCTP_CAUSE_OUT_OF_RESOURCE, NULL, 0);
            return;
        }
        st.local_vtag = sctp_ep_new_vtag(ep);
        st.local_tsn = sctp_ep_random32(ep);
    }
    if (st.local_vtag == 0)
        return;
    st.created = now;
    sctp_tstamp extra = pp.preserve;
    if (extra > ep->cfg.valid_cookie_life)
        extra = ep->cfg.valid_cookie_life; /* bounded increment */
    st.lifetime = ep->cfg.valid_cookie_life + extra;
    st.peer_vtag = init.init_tag;
    st.peer_tsn = init.initial_tsn;
    st.peer_rwnd = init.a_rwnd;
    /* RFC 9260 5.2.1: in a collision the INIT ACK carries the parameters
     * of our own INIT: the outbound streams the user asked for at
     * connect, our full MIS, our Forward-TSN-Supported; and the cookie,
     * hence the association set up from it (5.2.4 B, D), keeps that
     * stream count. In COOKIE-ECHOED a->ostreams is already cut to the
     * MIS of the peer's INIT ACK: the peer takes no more streams than
     * that either way. 5.2.2: for an INIT that may restart an existing
     * association, the INIT ACK offers that association's stream count
     * too, so that a restart keeps it. */
    uint16_t our_os = a ? a->ostreams : ep->cfg.num_ostreams;
    st.ostreams = min16(our_os, init.istreams);
    st.istreams = min16(init.ostreams, ep->cfg.max_instreams);
    st.local_port = h->dport;
    st.peer_port = h->sport;
    st.peer_pr_sctp = pp.pr_sctp && ep->cfg.pr_sctp;
    st.n_peer_addrs = (uint8_t)pp.n_addrs;
    memcpy(st.peer_addrs, pp.addrs, sizeof(st.peer_addrs));

    uint8_t *b = sctp_ep_ctl_reserve(ep);
    if (!b)
        return;
    size_t room = SCTP_CTL_SLOT_LEN;
    int n = sctp_common_hdr_encode(b, room, h->dport, h->sport, init.init_tag);
    uint8_t *chunk = b + n;
    struct sctp_init_chunk ack = {
        .init_tag = st.local_vtag,
        .a_rwnd = ep->cfg.rwnd,
        .ostreams = collision ? our_os : st.ostreams,
        .istreams = collision ? ep->cfg.max_instreams : st.istreams,
        .initial_tsn = st.local_tsn,
    };
    int cn = sctp_init_encode(chunk, room - n, SCTP_CT_INIT_ACK, &ack);
    if (cn < 0)
        return;
    /* State Cookie parameter. */
    if ((size_t)(n + cn + 4 + SCTP_COOKIE_LEN) > room)
        return;
    uint8_t *cp = chunk + cn;
    sctp_put16(cp, SCTP_PT_STATE_COOKIE);
    sctp_put16(cp + 2, 4 + SCTP_COOKIE_LEN);
    int k = sctp_cookie_encode(cp + 4, room - n - cn - 4, &st, &ep->keys);
    if (k < 0)
        return;
    cn += SCTP_PAD4(4 + k);
    int m = put_common_params(ep, chunk + cn, room - n - cn,
                              collision ? ep->cfg.pr_sctp : st.peer_pr_sctp, pp.addr_types);
    if (m < 0)
        return;
    cn += m;
    if (pp.unrec_len && (size_t)(n + cn + pp.unrec_len) <= room) {
        memcpy(chunk + cn, pp.unrec, pp.unrec_len);
        cn += pp.unrec_len;
    }
    sctp_chunk_set_length(chunk, (uint16_t)cn);
    const struct sctp_addr *to = &pkt->src;
    if (collision && !sctp_assoc_path_of(a, to)) {
        /* RFC 9260 5.2.1: in a collision the INIT ACK goes only to an
         * address we were asked to associate with (1) that the INIT also
         * reports (2); its source (3) when it is one. The INIT can reach
         * us from a new address by the ones it lists (5.2.2). */
        to = NULL;
        for (unsigned i = 0; i < pp.n_addrs && !to; i++)
            if (sctp_assoc_path_of(a, &pp.addrs[i]))
                to = &sctp_assoc_path_of(a, &pp.addrs[i])->addr;
        if (!to)
            return;
    }
    struct sctp_addr from = to == &pkt->src ? pkt->dst : sctp_ep_pick_src(ep, to);
    sctp_ep_ctl_commit(ep, &from, to, (uint16_t)(n + cn));
}

int sctp_assoc_setup_tcb(struct sctp_assoc *a, uint32_t local_tsn, uint32_t peer_tsn,
                         uint32_t peer_rwnd, uint16_t ostreams, uint16_t istreams)
{
    struct sctp_endpoint *ep = a->ep;
    if (!a->next_ssn || ostreams != a->ostreams) {
        uint16_t *ssn = sctp_mem_calloc(&ep->cb, (ostreams ? ostreams : 1) * sizeof(*ssn));
        if (!ssn)
            return SCTP_ERR_NOMEM;
        sctp_mem_free(&ep->cb, a->next_ssn);
        a->next_ssn = ssn;
    }
    a->ostreams = ostreams;
    a->istreams = istreams;
    if (a->q.ring == NULL) {
        if (sctp_sendq_init(&a->q, 64, &ep->cb) < 0)
            return SCTP_ERR_NOMEM;
        a->next_tsn = local_tsn;
        a->q.head_tsn = local_tsn;
        a->cum_ack_in = local_tsn - 1;
        a->adv_peer_ack = local_tsn - 1;
    }
    if (a->map.bits)
        sctp_tsnmap_free(&a->map);
    if (sctp_tsnmap_init(&a->map, peer_tsn, ep->cfg.tsn_window, ep->cfg.max_dup_tsns, &ep->cb) < 0)
        return SCTP_ERR_NOMEM;
    if (a->reasm)
        sctp_reasm_free(a->reasm);
    /* A quarter more than the budget: room for chunks that fill holes
     * below the highest TSN once new data is refused (see on_data). */
    a->reasm = sctp_reasm_new(istreams, ep->cfg.max_reasm_bytes + ep->cfg.max_reasm_bytes / 4,
                              ep->cfg.pd_point, &ep->cb);
    if (!a->reasm)
        return SCTP_ERR_NOMEM;
    a->peer_rwnd = peer_rwnd;
    a->peer_a_rwnd = peer_rwnd;
    for (unsigned i = 0; i < a->n_paths; i++)
        sctp_cc_init(&a->paths[i].cc, a->paths[i].cc.mtu, peer_rwnd,
                     a->paths[i].addr.family == SCTP_AF_INET6);
    return 0;
}

/* Heartbeats start once the association is up (8.3). Addresses other
 * than the primary are probed at once. */
static void start_heartbeats(struct sctp_assoc *a, sctp_tstamp now)
{
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *p = &a->paths[i];
        uint32_t jitter = sctp_ep_random32(a->ep) % 1000;
        sctp_tstamp j = p->rto.rto / 2 + p->rto.rto * jitter / 1000; /* RTO +/- 50% */
        /* The primary carries the DATA; every other address (UNCONFIRMED
         * ones, 5.4, and those the user gave) is probed at once, so that
         * its reachability and RTT are known before a failover needs it. */
        p->hb_timer =
            p->confirmed && i == a->primary ? now + a->ep->cfg.hb_interval + j : now + j / 4;
    }
}

static void established(struct sctp_assoc *a, sctp_tstamp now)
{
    /* The handshake went through the confirmed path (the COOKIE ECHO
     * came from the address the INIT ACK went to, or the INIT ACK
     * answered our INIT there): its peer address is proven
     * (cfg.init_proven). */
    for (unsigned i = 0; i < a->n_paths; i++)
        if (a->paths[i].confirmed)
            init_proven_mark(a->ep, &a->paths[i].addr, now);
    sctp_assoc_set_state(a, SCTP_S_ESTABLISHED);
    a->t1_timer = SCTP_TIMER_OFF;
    a->ep->stats.assocs_established++;
    start_heartbeats(a, now);
    sctp_assoc_notify_change(a, SCTP_COMM_UP, 0, NULL, 0);
    if (a->shutdown_pending_user)
        sctp_shutdown_start(a, now);
    sctp_assoc_timers_changed(a);
    sctp_ep_tx_schedule(a->ep, a);
}

/* 5.1, 3.3.3: an INIT ACK that cannot be used ends the attempt
 * (CANT_STR_ASSOC) with an ABORT to where it came from: tagged with its
 * Initiate Tag, or, when that is 0, with ours and the T bit. */
static int init_ack_refused(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                            uint32_t init_tag, uint16_t cause, const void *info, uint16_t ilen)
{
    struct sctp_endpoint *ep = a->ep;
    struct sctp_common_hdr h = {.sport = a->peer_port, .dport = ep->cfg.port};
    uint8_t *b = sctp_ep_ctl_reserve(ep);
    if (b) {
        int n = sctp_common_hdr_encode(b, SCTP_CTL_SLOT_LEN, h.dport, h.sport,
                                       init_tag ? init_tag : a->local_vtag);
        int c = n;
        n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_ABORT,
                                   init_tag ? 0 : SCTP_FLAG_T, 4);
        int m = sctp_cause_encode(b + n, SCTP_CTL_SLOT_LEN - n, cause, info, ilen);
        if (m > 0)
            n += m;
        sctp_chunk_set_length(b + c, (uint16_t)(n - c));
        sctp_ep_ctl_commit(ep, &pkt->dst, &pkt->src, (uint16_t)n);
    }
    sctp_assoc_close(a, SCTP_CANT_STR_ASSOC, cause, NULL, 0);
    return SCTP_ERR_PROTO;
}

/* Peer addresses the association does not have yet become paths,
 * UNCONFIRMED (RFC 9260 5.4). */
static void add_peer_addrs(struct sctp_assoc *a, const struct sctp_addr *addrs, unsigned n)
{
    sctp_ep_hash_paths(a->ep, a, false);
    for (unsigned i = 0; i < n; i++) {
        if (sctp_assoc_path_of(a, &addrs[i]) || a->n_paths >= SCTP_MAX_ADDRS)
            continue;
        sctp_path_init(a, &a->paths[a->n_paths++], &addrs[i], false);
    }
    sctp_ep_hash_paths(a->ep, a, true);
}

int sctp_setup_on_init_ack(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                           const struct sctp_chunk *c, sctp_tstamp now)
{
    struct sctp_init_chunk ack;
    struct sctp_endpoint *ep = a->ep;
    if (sctp_init_decode(&ack, c) < 0)
        return init_ack_refused(a, pkt, 0, SCTP_CAUSE_PROTOCOL_VIOLATION, NULL, 0);
    if (ack.init_tag == 0 || ack.ostreams == 0 || ack.istreams == 0)
        return init_ack_refused(a, pkt, ack.init_tag, SCTP_CAUSE_INVALID_PARAM, NULL, 0);
    struct peer_params pp;
    if (parse_params(ack.params, ack.params_len, &pkt->src, local_families(ep), &pp) < 0)
        return init_ack_refused(a, pkt, ack.init_tag, SCTP_CAUSE_PROTOCOL_VIOLATION, NULL, 0);
    if (pp.hostname) {
        /* RFC 9260 5.1.2, 3.3.2.1: a Host Name Address: ABORT at once,
         * with Unresolvable Address, to where the INIT ACK came from and
         * tagged with its Initiate Tag; the attempt ends. */
        struct sctp_common_hdr h = {.sport = a->peer_port, .dport = ep->cfg.port};
        uint16_t il = hostname_info_len(&pp);
        abort_init(ep, pkt, &h, ack.init_tag, SCTP_CAUSE_UNRESOLVABLE_ADDR, pp.hostname_tlv, il);
        sctp_assoc_close(a, SCTP_CANT_STR_ASSOC, SCTP_CAUSE_UNRESOLVABLE_ADDR, NULL, 0);
        return SCTP_ERR_PROTO;
    }
    /* The State Cookie is mandatory (5.1.3). */
    size_t off = 0;
    struct sctp_tlv t;
    const uint8_t *cookie = NULL;
    uint16_t cookie_len = 0;
    while (sctp_tlv_next(ack.params, ack.params_len, &off, &t) == 1)
        if (t.type == SCTP_PT_STATE_COOKIE) {
            cookie = t.value;
            cookie_len = t.value_len;
            break;
        }
    /* A cookie larger than a packet of header bytes can carry back could
     * never be echoed (5.1.4): the attempt ends here. */
    if (cookie_len > SCTP_COOKIE_MAX)
        return init_ack_refused(a, pkt, ack.init_tag, SCTP_CAUSE_OUT_OF_RESOURCE, NULL, 0);
    if (!cookie || cookie_len == 0) {
        /* The cause's value: the count (4) and the one type (2), after
         * the cause header the encoder writes first (12 bytes padded). */
        uint16_t missing = SCTP_PT_STATE_COOKIE;
        uint8_t info[12];
        if (sctp_cause_missing_param_encode(info, sizeof(info), &missing, 1) < 0)
            return init_ack_refused(a, pkt, ack.init_tag, SCTP_CAUSE_MISSING_PARAM, NULL, 0);
        return init_ack_refused(a, pkt, ack.init_tag, SCTP_CAUSE_MISSING_PARAM, info + 4, 6);
    }
    uint8_t *copy = sctp_mem_alloc(&ep->cb, cookie_len);
    if (!copy)
        return SCTP_ERR_NOMEM;
    sctp_mem_free(&ep->cb, a->cookie);
    a->cookie = copy;
    memcpy(copy, cookie, cookie_len);
    a->cookie_len = cookie_len;

    /* Peer addresses: the INIT ACK may list more (5.1.2). */
    add_peer_addrs(a, pp.addrs, pp.n_addrs);

    a->peer_vtag = ack.init_tag;
    a->peer_pr_sctp = pp.pr_sctp && ep->cfg.pr_sctp;
    uint16_t os = min16(a->ostreams, ack.istreams);
    uint16_t is = min16(ack.ostreams, ep->cfg.max_instreams);
    if (sctp_assoc_setup_tcb(a, a->local_init_tsn, ack.initial_tsn, ack.a_rwnd, os, is) < 0) {
        sctp_assoc_close(a, SCTP_CANT_STR_ASSOC, SCTP_CAUSE_OUT_OF_RESOURCE, NULL, 0);
        return SCTP_ERR_NOMEM;
    }
    /* Messages queued for streams the peer did not grant fail now. */
    sctp_data_pr_check(a, now);
    if (pp.unrec_len) {
        /* 5.1 / 3.3.3: report unrecognized parameters in an ERROR bundled
         * with the COOKIE ECHO. */
        size_t o2 = 0;
        struct sctp_tlv u;
        while (sctp_tlv_next(pp.unrec, pp.unrec_len, &o2, &u) == 1)
            sctp_assoc_add_error(a, SCTP_CAUSE_UNRECOGNIZED_PARAMS, u.value, u.value_len);
    }
    sctp_assoc_set_state(a, SCTP_S_COOKIE_ECHOED);
    a->send_cookie_echo = true;
    /* The COOKIE ECHO gets its own Max.Init.Retransmits (5.1 C), except
     * after a Stale Cookie error (cookie_preserve set): from then on one
     * count runs over the whole attempt, or INIT, COOKIE ECHO and Stale
     * Cookie could go round for ever (5.2.6). */
    if (!a->cookie_preserve)
        a->init_retries = 0;
    a->t1_timer = now + a->paths[a->t1_path].rto.rto;
    sctp_assoc_timers_changed(a);
    sctp_ep_tx_schedule(ep, a);
    return 0;
}

/* Actions B and D of 5.2.4 bring up an association still setting up
 * (an INIT collision): the peer's addresses its INIT listed join the
 * association, UNCONFIRMED (the collision's INIT ACK went to an address
 * the user gave; in COOKIE-WAIT the association had only those: a packet
 * from another was out of the blue, and our ABORT ended the peer's
 * association), and messages queued for streams the peer did not grant
 * fail (5.1.1), as after an INIT ACK. */
static void collision_up(struct sctp_assoc *a, const struct sctp_cookie_state *st, sctp_tstamp now)
{
    add_peer_addrs(a, st->peer_addrs, st->n_peer_addrs);
    established(a, now);
    sctp_data_pr_check(a, now);
    sctp_assoc_timers_changed(a);
}

/* A new association from a verified cookie (5.1.5 step 4). */
static struct sctp_assoc *from_cookie(struct sctp_endpoint *ep, const struct sctp_cookie_state *st,
                                      sctp_tstamp now)
{
    struct sctp_assoc *a = sctp_assoc_new(ep, st->peer_port, st->peer_addrs, st->n_peer_addrs, now);
    if (!a)
        return NULL;
    /* RFC 9260 5.4 (2): for the receiver of the COOKIE ECHO the one
     * CONFIRMED address is the one the INIT ACK went to, the INIT's
     * source (the first); the others the INIT listed are verified by
     * HEARTBEAT before DATA goes there (sctp_assoc_new takes the
     * addresses it is given as the user's, CONFIRMED). */
    for (unsigned i = 1; i < a->n_paths; i++)
        a->paths[i].confirmed = false;
    /* The cookie's tag replaces the random one assoc_new picked. */
    sctp_ep_hash_vtag(ep, a, false);
    a->local_vtag = st->local_vtag;
    sctp_ep_hash_vtag(ep, a, true);
    a->peer_vtag = st->peer_vtag;
    a->local_init_tsn = st->local_tsn;
    a->peer_pr_sctp = st->peer_pr_sctp;
    a->ostreams = st->ostreams;
    if (sctp_assoc_setup_tcb(a, st->local_tsn, st->peer_tsn, st->peer_rwnd, st->ostreams,
                             st->istreams) < 0) {
        a->freed_pending = true;
        sctp_assoc_destroy(a);
        return NULL;
    }
    return a;
}

/* 5.2.4 A: the peer addresses of a restarted association are those of
 * the new association the cookie describes: the restart INIT's source and
 * the addresses it listed (5.1.2), with fresh path state. As for any
 * association set up from a cookie, only the address the INIT ACK went
 * to, the INIT's source, is CONFIRMED (5.4). */
static void replace_paths(struct sctp_assoc *a, const struct sctp_cookie_state *st)
{
    struct sctp_endpoint *ep = a->ep;
    sctp_ep_hash_paths(ep, a, false);
    memset(a->paths, 0, sizeof(a->paths));
    a->n_paths = 0;
    for (unsigned i = 0; i < st->n_peer_addrs; i++) {
        if (sctp_assoc_path_of(a, &st->peer_addrs[i]))
            continue;
        sctp_path_init(a, &a->paths[a->n_paths++], &st->peer_addrs[i], i == 0);
    }
    a->primary = 0;
    a->sack_path = &a->paths[0];
    a->rtx_path = NULL;
    a->hb_ack_pending = false;
    a->hb_ack_path = NULL;
    sctp_ep_hash_paths(ep, a, true);
}

/* 5.2.4: restart: the peer lost its state; keep our association object but
 * start over with the cookie's parameters, as after an ABORT and a new
 * association (action A). */
static void restart(struct sctp_assoc *a, const struct sctp_cookie_state *st, sctp_tstamp now)
{
    struct sctp_endpoint *ep = a->ep;
    /* What the old incarnation completed goes up first, also while the
     * association is held (the hold itself stays): reassembly starts
     * over below. Its messages not yet taken by the user say so. */
    sctp_data_deliver_all(a);
    for (uint32_t i = 0; i < ep->ev_count; i++) {
        struct sctp_event *ev = &ep->events[(ep->ev_head + i) & (ep->ev_cap - 1)];
        if (ev->type == SCTP_EV_DATA && ev->assoc_id == a->id)
            ev->u.data.flags |= SCTP_EV_DATA_BEFORE_RESTART;
    }
    sctp_data_fail_all(a, 0);
    sctp_sendq_free(&a->q, &ep->cb);
    memset(&a->q, 0, sizeof(a->q));
    replace_paths(a, st);
    sctp_ep_hash_vtag(ep, a, false);
    a->local_vtag = st->local_vtag;
    sctp_ep_hash_vtag(ep, a, true);
    a->peer_vtag = st->peer_vtag;
    a->local_init_tsn = st->local_tsn;
    a->peer_pr_sctp = st->peer_pr_sctp;
    a->fwd_tsn_pending = false;
    a->undelivered_bytes = 0;
    a->error_count = 0;
    a->t2_timer = a->t5_timer = a->sack_timer = SCTP_TIMER_OFF;
    a->send_shutdown = a->send_shutdown_ack = false;
    /* The restarted peer's window is the one its INIT gave: open. */
    a->peer_window_closed = false;
    a->zero_window_sack = false;
    sctp_data_zwp_reset(a);
    if (sctp_assoc_setup_tcb(a, st->local_tsn, st->peer_tsn, st->peer_rwnd, st->ostreams,
                             st->istreams) < 0) {
        sctp_assoc_close(a, SCTP_COMM_LOST, SCTP_CAUSE_OUT_OF_RESOURCE, NULL, 0);
        return;
    }
    memset(a->next_ssn, 0, a->ostreams * sizeof(*a->next_ssn));
    if (a->state != SCTP_S_ESTABLISHED)
        sctp_assoc_set_state(a, SCTP_S_ESTABLISHED);
    start_heartbeats(a, now);
    a->cookie_ack_pending = true;
    sctp_assoc_notify_change(a, SCTP_RESTART, 0, NULL, 0);
    sctp_assoc_timers_changed(a);
    sctp_ep_tx_schedule(ep, a);
}

static void stale_error(struct sctp_endpoint *ep, const struct sctp_rx_packet *pkt,
                        const struct sctp_common_hdr *h, const struct sctp_cookie_state *st,
                        uint32_t staleness_us)
{
    /* 5.1.5 step 3: ERROR with Stale Cookie, tagged with the peer's tag. */
    uint8_t *b = sctp_ep_ctl_reserve(ep);
    if (!b)
        return;
    int n = sctp_common_hdr_encode(b, SCTP_CTL_SLOT_LEN, h->dport, h->sport, st->peer_vtag);
    int c = n;
    n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_ERROR, 0, 4);
    n += sctp_cause_stale_cookie_encode(b + n, SCTP_CTL_SLOT_LEN - n, staleness_us);
    sctp_chunk_set_length(b + c, (uint16_t)(n - c));
    sctp_ep_ctl_commit(ep, &pkt->dst, &pkt->src, (uint16_t)n);
}

struct sctp_assoc *sctp_setup_on_cookie_echo(struct sctp_endpoint *ep, struct sctp_assoc *a,
                                             const struct sctp_rx_packet *pkt,
                                             const struct sctp_common_hdr *h,
                                             const struct sctp_chunk *c, sctp_tstamp now)
{
    struct sctp_cookie_state st;
    uint32_t staleness = 0;
    int r = sctp_cookie_decode(&st, c->value, c->value_len, &ep->keys, now, &staleness);
    if (r < 0 || st.local_port != h->dport || st.peer_port != h->sport) {
        ep->stats.rx_malformed++;
        return NULL; /* 5.1.5 step 2: silently discard */
    }
    /* 5.1.5 step 1: the packet's tag must be the one in the cookie. */
    if (h->vtag != st.local_vtag) {
        ep->stats.rx_bad_vtag++;
        return NULL;
    }
    if (!a) {
        struct sctp_assoc *by_tag = sctp_ep_find_vtag(ep, st.local_vtag);
        if (by_tag && by_tag->peer_port == st.peer_port)
            a = by_tag;
    }
    /* 5.2.4: the association that exists with this peer may know it by
     * none of the above (a restarted peer echoing from a new address):
     * look it up by the addresses of the INIT the cookie was made for. */
    for (unsigned i = 0; !a && i < st.n_peer_addrs; i++) {
        struct sctp_path *p = sctp_ep_find_peer(ep, &st.peer_addrs[i], st.peer_port);
        a = p ? p->assoc : NULL;
    }
    if (r == 1) {
        /* Stale: unless it matches an existing association exactly
         * (case D, a retransmitted cookie), report the staleness. */
        if (!(a && a->local_vtag == st.local_vtag && a->peer_vtag == st.peer_vtag)) {
            stale_error(ep, pkt, h, &st, staleness);
            return NULL;
        }
    }
    if (!a) {
        a = from_cookie(ep, &st, now);
        if (!a) {
            /* Out of resources: ABORT (3.3.10.4). */
            uint8_t *b = sctp_ep_ctl_reserve(ep);
            if (b) {
                int n =
                    sctp_common_hdr_encode(b, SCTP_CTL_SLOT_LEN, h->dport, h->sport, st.peer_vtag);
                int cc = n;
                n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_ABORT, 0, 4);
                n += sctp_cause_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CAUSE_OUT_OF_RESOURCE,
                                       NULL, 0);
                sctp_chunk_set_length(b + cc, (uint16_t)(n - cc));
                sctp_ep_ctl_commit(ep, &pkt->dst, &pkt->src, (uint16_t)n);
            }
            return NULL;
        }
        a->cookie_ack_pending = true;
        established(a, now);
        return a;
    }

    /* 5.2.4: an association exists with this peer. */
    bool local_eq = a->local_vtag == st.local_vtag;
    bool peer_eq = a->peer_vtag == st.peer_vtag;
    bool ties_match = st.local_tie_tag == a->local_vtag && st.peer_tie_tag == a->peer_vtag;
    if (!local_eq && !peer_eq && ties_match && st.local_tie_tag != 0) {
        /* Action A: the peer restarted. */
        if (a->state == SCTP_S_SHUTDOWN_ACK_SENT) {
            /* 9.2: answer with SHUTDOWN ACK and an ERROR "cookie received
             * while shutting down". */
            sctp_assoc_add_error(a, SCTP_CAUSE_COOKIE_IN_SHUTDOWN, NULL, 0);
            a->send_shutdown_ack = true;
            sctp_ep_tx_schedule(ep, a);
            return NULL;
        }
        restart(a, &st, now);
        return a;
    }
    if (local_eq && !peer_eq) {
        /* Action B: INIT collision; the peer's new tag wins. */
        a->peer_vtag = st.peer_vtag;
        if (a->state == SCTP_S_COOKIE_WAIT || a->state == SCTP_S_COOKIE_ECHOED) {
            if (sctp_assoc_setup_tcb(a, st.local_tsn, st.peer_tsn, st.peer_rwnd, st.ostreams,
                                     st.istreams) < 0)
                return NULL;
            a->peer_pr_sctp = st.peer_pr_sctp;
            a->send_cookie_echo = false;
            collision_up(a, &st, now);
        }
        a->cookie_ack_pending = true;
        sctp_ep_tx_schedule(ep, a);
        return a;
    }
    if (!local_eq && peer_eq && st.local_tie_tag == 0 && st.peer_tie_tag == 0) {
        /* Action C: silently discard. */
        return NULL;
    }
    if (local_eq && peer_eq) {
        /* Action D: our COOKIE ACK was lost, or the cookie crossed ours. */
        if (a->state == SCTP_S_COOKIE_WAIT || a->state == SCTP_S_COOKIE_ECHOED) {
            if (a->state == SCTP_S_COOKIE_WAIT &&
                sctp_assoc_setup_tcb(a, st.local_tsn, st.peer_tsn, st.peer_rwnd, st.ostreams,
                                     st.istreams) < 0)
                return NULL;
            a->send_cookie_echo = false;
            collision_up(a, &st, now);
        }
        a->cookie_ack_pending = true;
        sctp_ep_tx_schedule(ep, a);
        return a;
    }
    return NULL;
}

void sctp_setup_on_cookie_ack(struct sctp_assoc *a, sctp_tstamp now)
{
    if (a->state != SCTP_S_COOKIE_ECHOED)
        return;
    sctp_mem_free(&a->ep->cb, a->cookie);
    a->cookie = NULL;
    a->cookie_len = 0;
    a->send_cookie_echo = false;
    established(a, now);
}

void sctp_setup_on_stale_cookie(struct sctp_assoc *a, uint32_t staleness_us, sctp_tstamp now)
{
    /* 5.2.6: start over with an INIT asking for a longer cookie life, or
     * give up after Max.Init.Retransmits. The INIT ACKs that follow do
     * not reset this count (see sctp_setup_on_init_ack). */
    if (++a->init_retries > a->ep->cfg.max_init_retransmits) {
        sctp_assoc_close(a, SCTP_CANT_STR_ASSOC, SCTP_CAUSE_STALE_COOKIE, NULL, 0);
        return;
    }
    /* The increment asked for is the round trip of the COOKIE ECHO and
     * this ERROR, plus no more than 1 s. If the ERROR answers an earlier
     * copy of the COOKIE ECHO that time is short: the staleness the peer
     * measured is then the lower bound. */
    sctp_tstamp rtt = a->cookie_sent_at && now > a->cookie_sent_at ? now - a->cookie_sent_at : 0;
    sctp_tstamp stale = (sctp_tstamp)staleness_us * 1000;
    a->cookie_preserve = (rtt > stale ? rtt : stale) + SCTP_SEC;
    sctp_mem_free(&a->ep->cb, a->cookie);
    a->cookie = NULL;
    a->send_cookie_echo = false;
    a->peer_vtag = 0;
    sctp_assoc_set_state(a, SCTP_S_COOKIE_WAIT);
    a->send_init = true;
    a->t1_timer = now + a->paths[a->t1_path].rto.rto;
    sctp_assoc_timers_changed(a);
    sctp_ep_tx_schedule(a->ep, a);
}

void sctp_setup_t1_expired(struct sctp_assoc *a, sctp_tstamp now)
{
    if (a->state != SCTP_S_COOKIE_WAIT && a->state != SCTP_S_COOKIE_ECHOED)
        return;
    /* 5.1 C / 6.3.3: back off and retransmit, or report CANT_STR_ASSOC. */
    if (++a->init_retries > a->ep->cfg.max_init_retransmits) {
        sctp_assoc_close(a, SCTP_CANT_STR_ASSOC, 0, NULL, 0);
        return;
    }
    struct sctp_path *p = &a->paths[a->t1_path];
    sctp_rto_backoff(&p->rto);
    /* 5.1: retransmissions go round the peer's CONFIRMED addresses (those
     * the user gave), so that one unreachable address does not keep the
     * association from coming up. */
    for (unsigned k = 1; k <= a->n_paths; k++) {
        unsigned i = (a->t1_path + k) % a->n_paths;
        if (a->paths[i].confirmed) {
            a->t1_path = (uint8_t)i;
            break;
        }
    }
    p = &a->paths[a->t1_path];
    if (a->state == SCTP_S_COOKIE_WAIT) {
        a->send_init = true;
    } else {
        a->send_cookie_echo = true;
        sctp_data_cookie_resend(a, now);
    }
    a->t1_timer = now + p->rto.rto;
    sctp_ep_tx_schedule(a->ep, a);
}

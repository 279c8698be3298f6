/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_endpoint.c: the endpoint: association tables, the timer heap, the
 * event queue, stateless replies, packet demultiplexing (RFC 9260 8.4,
 * 8.5) and the API entry points.
 */
#include <stdio.h>

#include "sctp_crc32c.h"
#include "sctp_internal.h"

void sctp_config_default(struct sctp_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->port = 0;
    cfg->num_ostreams = 16;
    cfg->max_instreams = 16;
    cfg->rwnd = 4u << 20;
    cfg->pmtu = 1500;
    cfg->pr_sctp = true;
    /* RFC 9260 16: protocol parameter defaults. */
    cfg->rto_initial = 1 * SCTP_SEC;
    cfg->rto_min = 1 * SCTP_SEC;
    cfg->rto_max = 60 * SCTP_SEC;
    cfg->valid_cookie_life = 60 * SCTP_SEC;
    cfg->hb_interval = 30 * SCTP_SEC;
    cfg->sack_delay = 200 * SCTP_MS;
    cfg->sack_freq = 2;
    cfg->max_burst = 0;
    cfg->max_init_retransmits = 8;
    cfg->assoc_max_retrans = 10;
    cfg->path_max_retrans = 5;
    cfg->pf_retrans = UINT32_MAX;
    cfg->ps_retrans = UINT32_MAX;
    cfg->hb_max_burst = 1;
    cfg->cookie_secret_lifetime = 3600 * SCTP_SEC;
    cfg->pmtu_raise = 600 * SCTP_SEC;
    cfg->max_assocs = 65536;
    cfg->max_sendq_bytes = 4u << 20;
    cfg->max_reasm_bytes = 4u << 20;
    cfg->max_gap_blocks = UINT32_MAX; /* 6.2: as many as fit in the packet */
    cfg->max_dup_tsns = 32;
    cfg->tsn_window = 16384;
    cfg->pd_point = 1u << 20;
    cfg->vtag_mask = 0;
    cfg->vtag_value = 0;
}

static uint32_t hash_peer(const struct sctp_addr *a, uint16_t port)
{
    uint32_t h = port * 2654435761u ^ a->family;
    unsigned n = a->family == SCTP_AF_INET6 ? 16 : 4;
    for (unsigned i = 0; i < n; i += 4)
        h = sctp_hash32(h ^ sctp_get32(&a->addr[i]));
    return h;
}

struct sctp_assoc *sctp_ep_find_id(const struct sctp_endpoint *ep, uint32_t id)
{
    /* Events and sends come in runs for one association. */
    if (ep->last_found && ep->last_found->id == id)
        return ep->last_found;
    for (struct sctp_assoc *a = ep->by_id[sctp_hash32(id) & ep->hash_mask]; a; a = a->id_next)
        if (a->id == id) {
            ((struct sctp_endpoint *)ep)->last_found = a;
            return a;
        }
    return NULL;
}

struct sctp_assoc *sctp_ep_find_vtag(const struct sctp_endpoint *ep, uint32_t vtag)
{
    for (struct sctp_assoc *a = ep->by_vtag[sctp_hash32(vtag) & ep->hash_mask]; a; a = a->vtag_next)
        if (a->local_vtag == vtag)
            return a;
    return NULL;
}

struct sctp_path *sctp_ep_find_peer(const struct sctp_endpoint *ep, const struct sctp_addr *addr,
                                    uint16_t port)
{
    for (struct sctp_path *p = ep->by_peer[hash_peer(addr, port) & ep->hash_mask]; p;
         p = p->hash_next)
        if (p->assoc->peer_port == port && sctp_addr_equal(&p->addr, addr))
            return p;
    return NULL;
}

void sctp_ep_hash_vtag(struct sctp_endpoint *ep, struct sctp_assoc *a, bool add)
{
    struct sctp_assoc **pp = &ep->by_vtag[sctp_hash32(a->local_vtag) & ep->hash_mask];
    if (add) {
        a->vtag_next = *pp;
        *pp = a;
        return;
    }
    for (; *pp; pp = &(*pp)->vtag_next)
        if (*pp == a) {
            *pp = a->vtag_next;
            return;
        }
}

void sctp_ep_hash_paths(struct sctp_endpoint *ep, struct sctp_assoc *a, bool add)
{
    for (unsigned i = 0; i < a->n_paths; i++) {
        struct sctp_path *p = &a->paths[i];
        struct sctp_path **pp = &ep->by_peer[hash_peer(&p->addr, a->peer_port) & ep->hash_mask];
        if (add) {
            p->hash_next = *pp;
            *pp = p;
            continue;
        }
        for (; *pp; pp = &(*pp)->hash_next)
            if (*pp == p) {
                *pp = p->hash_next;
                break;
            }
    }
}

static void hash_id(struct sctp_endpoint *ep, struct sctp_assoc *a, bool add)
{
    struct sctp_assoc **pp = &ep->by_id[sctp_hash32(a->id) & ep->hash_mask];
    if (add) {
        a->id_next = *pp;
        *pp = a;
        return;
    }
    for (; *pp; pp = &(*pp)->id_next)
        if (*pp == a) {
            *pp = a->id_next;
            return;
        }
}

/* ---- timer heap (min-heap on next_timer) ---- */

static void heap_swap(struct sctp_endpoint *ep, uint32_t i, uint32_t j)
{
    struct sctp_assoc *t = ep->heap[i];
    ep->heap[i] = ep->heap[j];
    ep->heap[j] = t;
    ep->heap[i]->heap_idx = i;
    ep->heap[j]->heap_idx = j;
}

static void heap_up(struct sctp_endpoint *ep, uint32_t i)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (ep->heap[parent]->next_timer <= ep->heap[i]->next_timer)
            break;
        heap_swap(ep, i, parent);
        i = parent;
    }
}

static void heap_down(struct sctp_endpoint *ep, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < ep->heap_len && ep->heap[l]->next_timer < ep->heap[m]->next_timer)
            m = l;
        if (r < ep->heap_len && ep->heap[r]->next_timer < ep->heap[m]->next_timer)
            m = r;
        if (m == i)
            return;
        heap_swap(ep, i, m);
        i = m;
    }
}

static void heap_remove(struct sctp_endpoint *ep, struct sctp_assoc *a)
{
    uint32_t i = a->heap_idx;
    if (i >= ep->heap_len || ep->heap[i] != a)
        return;
    ep->heap_len--;
    if (i != ep->heap_len) {
        ep->heap[i] = ep->heap[ep->heap_len];
        ep->heap[i]->heap_idx = i;
        heap_down(ep, i);
        heap_up(ep, i);
    }
    a->heap_idx = UINT32_MAX;
}

void sctp_ep_timer_update(struct sctp_endpoint *ep, struct sctp_assoc *a)
{
    uint32_t i = a->heap_idx;
    if (i < ep->heap_len && ep->heap[i] == a) {
        heap_down(ep, i);
        heap_up(ep, a->heap_idx);
    }
}

static int heap_insert(struct sctp_endpoint *ep, struct sctp_assoc *a)
{
    if (ep->heap_len == ep->heap_cap) {
        uint32_t ncap = ep->heap_cap ? ep->heap_cap * 2 : 64;
        struct sctp_assoc **n = sctp_mem_alloc(&ep->cb, ncap * sizeof(*n));
        if (!n)
            return SCTP_ERR_NOMEM;
        if (ep->heap_len)
            memcpy(n, ep->heap, ep->heap_len * sizeof(*n));
        sctp_mem_free(&ep->cb, ep->heap);
        ep->heap = n;
        ep->heap_cap = ncap;
    }
    a->heap_idx = ep->heap_len;
    ep->heap[ep->heap_len++] = a;
    heap_up(ep, a->heap_idx);
    return 0;
}

/* ---- transmit list ---- */

void sctp_ep_tx_schedule(struct sctp_endpoint *ep, struct sctp_assoc *a)
{
    if (a->tx_listed)
        return;
    a->tx_listed = true;
    a->burst_pkts = 0; /* a new send opportunity (Max.Burst) */
    a->tx_next = NULL;
    if (ep->tx_tail)
        ep->tx_tail->tx_next = a;
    else
        ep->tx_head = a;
    ep->tx_tail = a;
}

static void tx_unlist(struct sctp_endpoint *ep, struct sctp_assoc *a)
{
    if (!a->tx_listed)
        return;
    struct sctp_assoc *prev = NULL;
    for (struct sctp_assoc *x = ep->tx_head; x; prev = x, x = x->tx_next) {
        if (x != a)
            continue;
        if (prev)
            prev->tx_next = a->tx_next;
        else
            ep->tx_head = a->tx_next;
        if (ep->tx_tail == a)
            ep->tx_tail = prev;
        break;
    }
    a->tx_listed = false;
    a->tx_next = NULL;
}

/* ---- stateless replies ---- */

/* Stateless replies (INIT ACK, out-of-the-blue answers) are bounded by
 * SCTP_CTL_SLOTS: a flood of INITs cannot make the queue grow. */
uint8_t *sctp_ep_ctl_reserve(struct sctp_endpoint *ep)
{
    if (ep->ctl_count >= SCTP_CTL_SLOTS)
        return NULL;
    return sctp_ep_ctl_reserve_assoc(ep);
}

uint8_t *sctp_ep_ctl_reserve_assoc(struct sctp_endpoint *ep)
{
    if (ep->ctl_count == ep->ctl_cap) {
        uint32_t ncap = ep->ctl_cap * 2;
        if (ncap > SCTP_CTL_SLOTS_MAX)
            return NULL;
        struct sctp_ctl_packet *n = sctp_mem_alloc(&ep->cb, ncap * sizeof(*n));
        if (!n)
            return NULL;
        /* Unwrapped into the new ring, oldest first. */
        for (uint32_t i = 0; i < ep->ctl_count; i++)
            n[i] = ep->ctl[(ep->ctl_head + i) % ep->ctl_cap];
        sctp_mem_free(&ep->cb, ep->ctl);
        ep->ctl = n;
        ep->ctl_cap = ncap;
        ep->ctl_head = 0;
    }
    return ep->ctl[(ep->ctl_head + ep->ctl_count) % ep->ctl_cap].bytes;
}

uint8_t *sctp_ep_ctl_start_assoc(struct sctp_assoc *a, int *n)
{
    uint8_t *b = sctp_ep_ctl_reserve_assoc(a->ep);
    if (b)
        *n = sctp_common_hdr_encode(b, SCTP_CTL_SLOT_LEN, a->ep->cfg.port, a->peer_port,
                                    a->peer_vtag);
    return b;
}

void sctp_ep_ctl_commit(struct sctp_endpoint *ep, const struct sctp_addr *src,
                        const struct sctp_addr *dst, uint16_t len)
{
    struct sctp_ctl_packet *c = &ep->ctl[(ep->ctl_head + ep->ctl_count) % ep->ctl_cap];
    c->src = *src;
    c->dst = *dst;
    c->len = len;
    ep->ctl_count++;
}

/* ---- events ---- */

/* An event moved to dst: a DATA event's one fragment is inside it, and
 * frags follows it there. */
static inline void ev_copy(struct sctp_event *dst, const struct sctp_event *src)
{
    *dst = *src;
    if (dst->type == SCTP_EV_DATA && dst->u.data.nfrags == 1)
        dst->u.data.frags = &dst->u.data.frag;
}

/* sctp_ep_event_slot() with the ring full: it doubles first. */
struct sctp_event *sctp_ep_event_slot_grow(struct sctp_endpoint *ep)
{
    if (ep->ev_count == ep->ev_cap) {
        /* A power of two, so that indices wrap with a mask. */
        uint32_t ncap = ep->ev_cap ? ep->ev_cap * 2 : 256;
        struct sctp_event *n = sctp_mem_alloc(&ep->cb, ncap * sizeof(*n));
        if (!n)
            return NULL;
        for (uint32_t i = 0; i < ep->ev_count; i++)
            ev_copy(&n[i], &ep->events[(ep->ev_head + i) & (ep->ev_cap - 1)]);
        sctp_mem_free(&ep->cb, ep->events);
        ep->events = n;
        ep->ev_cap = ncap;
        ep->ev_peeked = 0; /* a peeked run is not where it was */
        ep->ev_head = 0;
    }
    return &ep->events[(ep->ev_head + ep->ev_count) & (ep->ev_cap - 1)];
}

int sctp_ep_event_push(struct sctp_endpoint *ep, const struct sctp_event *ev)
{
    struct sctp_event *slot = sctp_ep_event_slot(ep);
    if (!slot)
        return SCTP_ERR_NOMEM;
    ev_copy(slot, ev);
    ep->ev_count++;
    return 0;
}

unsigned sctp_endpoint_poll_events(struct sctp_endpoint *ep, struct sctp_event *evs, unsigned max)
{
    unsigned n = 0;
    ep->ev_peeked = 0;
    while (n < max && ep->ev_count > 0) {
        ev_copy(&evs[n++], &ep->events[ep->ev_head]);
        ep->ev_head = (ep->ev_head + 1) & (ep->ev_cap - 1);
        ep->ev_count--;
    }
    return n;
}

/* The undelivered bytes of a run of DATA events of one association go
 * at once; a window that was closed is reported open (as for one). */
static void release_run(struct sctp_endpoint *ep, uint32_t id, uint64_t bytes)
{
    struct sctp_assoc *a = sctp_ep_find_id(ep, id);
    if (!a)
        return;
    bool was_closed = sctp_data_rwnd(a) == 0 || a->rwnd_update_wait;
    a->undelivered_bytes -= bytes < a->undelivered_bytes ? (uint32_t)bytes : a->undelivered_bytes;
    if (was_closed)
        sctp_data_window_update(a);
}

unsigned sctp_endpoint_peek_events(struct sctp_endpoint *ep, struct sctp_event **evs, unsigned max)
{
    uint32_t run = ep->ev_cap - ep->ev_head; /* up to the end of the ring */
    unsigned n = max;
    if (n > ep->ev_count)
        n = ep->ev_count;
    if (n > run)
        n = run;
    *evs = n ? &ep->events[ep->ev_head] : NULL;
    ep->ev_peeked = n;
    return n;
}

int sctp_endpoint_consume_events(struct sctp_endpoint *ep, unsigned n)
{
    if (n == 0)
        return 0;
    if (n > ep->ev_peeked)
        return SCTP_ERR_INVAL; /* more than the last peek gave, or no peek */
    /* Released where they lie (releasing queues no event, so the ring
     * neither moves nor grows meanwhile), then taken off the ring. */
    sctp_event_release_burst(ep, &ep->events[ep->ev_head], n);
    ep->ev_head = (ep->ev_head + n) & (ep->ev_cap - 1);
    ep->ev_count -= n;
    ep->ev_peeked -= n;
    return 0;
}

int sctp_endpoint_poll_event(struct sctp_endpoint *ep, struct sctp_event *ev)
{
    return (int)sctp_endpoint_poll_events(ep, ev, 1);
}

void sctp_event_release(struct sctp_endpoint *ep, struct sctp_event *ev)
{
    const struct sctp_frag *frags = NULL;
    uint32_t n = 0;
    if (ev->type == SCTP_EV_DATA) {
        n = ev->u.data.nfrags;
        frags = sctp_event_frags(ev);
        release_run(ep, ev->assoc_id, ev->u.data.len);
        ev->u.data.frags = NULL;
        ev->u.data.nfrags = 0;
    } else if (ev->type == SCTP_EV_ASSOC_CHANGE) {
        sctp_mem_free(&ep->cb, ev->u.assoc_change.info);
        ev->u.assoc_change.info = NULL;
        ev->u.assoc_change.info_len = 0;
    } else if (ev->type == SCTP_EV_REMOTE_ERROR) {
        sctp_mem_free(&ep->cb, ev->u.remote_error.data);
        ev->u.remote_error.data = NULL;
        ev->u.remote_error.len = 0;
    } else if (ev->type == SCTP_EV_SEND_FAILED) {
        frags = ev->u.send_failed.frags;
        n = ev->u.send_failed.nfrags;
        ev->u.send_failed.frags = NULL;
        ev->u.send_failed.nfrags = 0;
    }
    for (uint32_t i = 0; i < n; i++)
        sctp_payload_unref(&ep->cb, frags[i].handle);
    if (ev->type != SCTP_EV_DATA || n > 1) /* not the one inside the event */
        sctp_mem_free(&ep->cb, (void *)(uintptr_t)frags);
}

void sctp_event_release_burst(struct sctp_endpoint *ep, struct sctp_event *evs, unsigned n)
{
    void *h = NULL;      /* references to drop on one buffer */
    uint32_t hn = 0;     /* how many */
    uint32_t run_id = 0; /* association of the DATA run */
    uint64_t run_bytes = 0;
    bool run = false;
    for (unsigned i = 0; i < n; i++) {
        struct sctp_event *ev = &evs[i];
        if (ev->type != SCTP_EV_DATA) {
            if (run) {
                release_run(ep, run_id, run_bytes);
                run = false;
            }
            sctp_payload_unref_n(&ep->cb, h, hn);
            h = NULL;
            hn = 0;
            sctp_event_release(ep, ev);
            continue;
        }
        if (run && ev->assoc_id != run_id) {
            release_run(ep, run_id, run_bytes);
            run = false;
        }
        if (!run) {
            run = true;
            run_id = ev->assoc_id;
            run_bytes = 0;
        }
        run_bytes += ev->u.data.len;
        uint32_t nf = ev->u.data.nfrags;
        const struct sctp_frag *f = sctp_event_frags(ev);
        for (uint32_t k = 0; k < nf; k++) {
            if (f[k].handle != h) {
                sctp_payload_unref_n(&ep->cb, h, hn);
                h = f[k].handle;
                hn = 0;
            }
            hn++;
        }
        if (nf > 1)
            sctp_mem_free(&ep->cb, (void *)(uintptr_t)f);
        ev->u.data.frags = NULL;
        ev->u.data.nfrags = 0;
    }
    if (run)
        release_run(ep, run_id, run_bytes);
    sctp_payload_unref_n(&ep->cb, h, hn);
}

/* ---- misc services ---- */

uint32_t sctp_ep_random32(struct sctp_endpoint *ep)
{
    uint8_t b[4];
    ep->cb.random(ep->cb.user, b, sizeof(b));
    return sctp_get32(b);
}

struct sctp_addr sctp_ep_pick_src(const struct sctp_endpoint *ep, const struct sctp_addr *dst)
{
    struct sctp_addr routed;
    if (ep->cb.pick_src && ep->cb.pick_src(ep->cb.user, dst, &routed)) {
        for (unsigned i = 0; i < ep->cfg.n_addrs; i++)
            if (sctp_addr_equal(&ep->cfg.addrs[i], &routed))
                return routed;
    }
    const struct sctp_addr *best = &ep->cfg.addrs[0];
    int best_len = -1;
    unsigned n = dst->family == SCTP_AF_INET6 ? 16 : 4;
    for (unsigned i = 0; i < ep->cfg.n_addrs; i++) {
        const struct sctp_addr *a = &ep->cfg.addrs[i];
        if (a->family != dst->family)
            continue;
        int len = 0;
        for (unsigned k = 0; k < n; k++) {
            uint8_t x = a->addr[k] ^ dst->addr[k];
            if (x == 0) {
                len += 8;
                continue;
            }
            while (!(x & 0x80)) {
                len++;
                x <<= 1;
            }
            break;
        }
        if (len > best_len) {
            best_len = len;
            best = a;
        }
    }
    return *best;
}

uint32_t sctp_ep_new_vtag(struct sctp_endpoint *ep)
{
    for (int tries = 0; tries < 64; tries++) {
        uint32_t v = (sctp_ep_random32(ep) & ~ep->cfg.vtag_mask) | ep->cfg.vtag_value;
        if (v != 0 && !sctp_ep_find_vtag(ep, v))
            return v;
    }
    return 0;
}

/* ---- life cycle ---- */

struct sctp_endpoint *sctp_endpoint_new(const struct sctp_config *cfg,
                                        const struct sctp_callbacks *cb, sctp_tstamp now)
{
    if (!cfg || !cb || !cb->random || cfg->port == 0 || cfg->n_addrs == 0 ||
        cfg->n_addrs > SCTP_MAX_ADDRS || cfg->num_ostreams == 0 || cfg->max_instreams == 0 ||
        cfg->pmtu < 576 || cfg->pmtu > 65535 || cfg->rwnd < 1500 || cfg->rto_min == 0 ||
        cfg->rto_min > cfg->rto_max || cfg->max_assocs == 0 || cfg->sack_freq == 0 ||
        cfg->tsn_window < 32 || (cfg->pmtu_raise != 0 && cfg->pmtu_raise < 300 * SCTP_SEC))
        return NULL;
    struct sctp_endpoint *ep = cb->alloc ? cb->alloc(cb->user, sizeof(*ep)) : malloc(sizeof(*ep));
    if (!ep)
        return NULL;
    memset(ep, 0, sizeof(*ep));
    ep->cfg = *cfg;
    ep->cb = *cb;
    if (ep->cfg.sack_delay > 500 * SCTP_MS) /* RFC 9260 6.2 */
        ep->cfg.sack_delay = 500 * SCTP_MS;
    uint32_t size = 64;
    while (size < cfg->max_assocs * 2 && size < (1u << 22))
        size <<= 1;
    ep->hash_mask = size - 1;
    ep->by_id = sctp_mem_calloc(&ep->cb, size * sizeof(*ep->by_id));
    ep->by_vtag = sctp_mem_calloc(&ep->cb, size * sizeof(*ep->by_vtag));
    ep->by_peer = sctp_mem_calloc(&ep->cb, size * sizeof(*ep->by_peer));
    ep->ctl = sctp_mem_alloc(&ep->cb, SCTP_CTL_SLOTS * sizeof(*ep->ctl));
    ep->ctl_cap = SCTP_CTL_SLOTS;
    if (!ep->by_id || !ep->by_vtag || !ep->by_peer || !ep->ctl) {
        sctp_endpoint_free(ep);
        return NULL;
    }
    sctp_cookie_keys_init(&ep->keys, &ep->cb, cfg->cookie_secret_lifetime, now);
    /* From the first cookie secret (random), without another draw from
     * the random source, so that seeded runs stay as they were. */
    ep->init_src_seed = sctp_get32(&ep->keys.key[0][28]);
    ep->next_assoc_id = 1;
    return ep;
}

void sctp_endpoint_free(struct sctp_endpoint *ep)
{
    if (!ep)
        return;
    while (ep->heap_len)
        sctp_assoc_destroy(ep->heap[0]);
    struct sctp_event ev;
    while (sctp_endpoint_poll_event(ep, &ev))
        sctp_event_release(ep, &ev);
    while (ep->msg_free) {
        struct sctp_msg *m = ep->msg_free;
        ep->msg_free = m->next;
        sctp_mem_free(&ep->cb, m);
    }
    struct sctp_callbacks cb = ep->cb;
    sctp_mem_free(&cb, ep->events);
    sctp_mem_free(&cb, ep->heap);
    sctp_mem_free(&cb, ep->by_id);
    sctp_mem_free(&cb, ep->by_vtag);
    sctp_mem_free(&cb, ep->by_peer);
    sctp_mem_free(&cb, ep->ctl);
    sctp_mem_free(&cb, ep);
}

void sctp_endpoint_refuse_new(struct sctp_endpoint *ep, bool refuse)
{
    if (ep)
        ep->refuse_new = refuse;
}

bool sctp_ep_can_add(const struct sctp_endpoint *ep)
{
    return !ep->refuse_new && ep->n_assocs < ep->cfg.max_assocs &&
           !(ep->cfg.one_to_one && ep->n_assocs > 0);
}

struct sctp_assoc *sctp_assoc_new(struct sctp_endpoint *ep, uint16_t peer_port,
                                  const struct sctp_addr *peers, unsigned n_peers, sctp_tstamp now)
{
    if (!sctp_ep_can_add(ep))
        return NULL;
    if (n_peers == 0 || n_peers > SCTP_MAX_ADDRS)
        return NULL;
    struct sctp_assoc *a = sctp_mem_calloc(&ep->cb, sizeof(*a));
    if (!a)
        return NULL;
    a->ep = ep;
    a->heap_idx = UINT32_MAX;
    a->peer_port = peer_port;
    a->local_vtag = sctp_ep_new_vtag(ep);
    if (a->local_vtag == 0 || heap_insert(ep, a) < 0) {
        sctp_mem_free(&ep->cb, a);
        return NULL;
    }
    do {
        a->id = ep->next_assoc_id++;
        if (ep->next_assoc_id == 0)
            ep->next_assoc_id = 1;
    } while (a->id == 0 || sctp_ep_find_id(ep, a->id));
    a->n_paths = 0;
    for (unsigned i = 0; i < n_peers; i++) {
        bool dup = false;
        for (unsigned j = 0; j < a->n_paths; j++)
            dup |= sctp_addr_equal(&a->paths[j].addr, &peers[i]);
        if (dup)
            continue;
        /* RFC 9260 5.4: addresses the user gave are CONFIRMED. */
        sctp_path_init(a, &a->paths[a->n_paths++], &peers[i], true);
    }
    a->primary = 0;
    a->sack_path = &a->paths[0];
    a->t1_timer = a->t2_timer = a->t5_timer = a->sack_timer = SCTP_TIMER_OFF;
    a->pr_timer = SCTP_TIMER_OFF;
    a->pmtu_timer = SCTP_TIMER_OFF;
    a->zwp_timer = SCTP_TIMER_OFF;
    a->next_timer = SCTP_TIMER_OFF;
    a->state = SCTP_S_CLOSED;
    a->local_init_tsn = sctp_ep_random32(ep);
    a->next_tsn = a->local_init_tsn;
    (void)now;
    hash_id(ep, a, true);
    sctp_ep_hash_vtag(ep, a, true);
    sctp_ep_hash_paths(ep, a, true);
    ep->n_assocs++;
    ep->stats.assocs_by_state[SCTP_S_CLOSED]++;
    return a;
}

void sctp_assoc_destroy(struct sctp_assoc *a)
{
    struct sctp_endpoint *ep = a->ep;
    if (ep->last_found == a)
        ep->last_found = NULL;
    sctp_data_fail_all(a, 0);
    tx_unlist(ep, a);
    heap_remove(ep, a);
    hash_id(ep, a, false);
    sctp_ep_hash_vtag(ep, a, false);
    sctp_ep_hash_paths(ep, a, false);
    ep->stats.assocs_by_state[a->state]--;
    ep->n_assocs--;
    if (a->reasm)
        sctp_reasm_free(a->reasm);
    if (a->map.bits)
        sctp_tsnmap_free(&a->map);
    sctp_sendq_free(&a->q, &ep->cb);
    sctp_mem_free(&ep->cb, a->next_ssn);
    sctp_mem_free(&ep->cb, a->cookie);
    sctp_mem_free(&ep->cb, a);
}

/* Destroys an association that its handlers closed. */
static bool reap(struct sctp_assoc *a)
{
    if (a->state != SCTP_S_CLOSED || !a->freed_pending)
        return false;
    sctp_assoc_destroy(a);
    return true;
}

/* ---- input ---- */

static void ootb_reply(struct sctp_endpoint *ep, const struct sctp_rx_packet *pkt,
                       const struct sctp_common_hdr *h, uint8_t type)
{
    /* RFC 9260 8.4: answer with the T bit set and the packet's own tag. */
    uint8_t *b = sctp_ep_ctl_reserve(ep);
    if (!b)
        return;
    int n = sctp_common_hdr_encode(b, SCTP_CTL_SLOT_LEN, h->dport, h->sport, h->vtag);
    n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, type, SCTP_FLAG_T, 4);
    sctp_ep_ctl_commit(ep, &pkt->dst, &pkt->src, (uint16_t)n);
}

/* RFC 9260 8.4: a packet that belongs to no association. */
static int handle_ootb(struct sctp_endpoint *ep, const struct sctp_rx_packet *pkt,
                       const struct sctp_common_hdr *h)
{
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    bool shutdown_ack = false;
    ep->stats.rx_ootb++;
    int r;
    while ((r = sctp_chunk_next(pkt->data, pkt->len, &off, &c)) == 1) {
        switch (c.type) {
        case SCTP_CT_ABORT:             /* 8.4 (2) */
        case SCTP_CT_SHUTDOWN_COMPLETE: /* 8.4 (6) */
        case SCTP_CT_COOKIE_ACK:        /* 8.4 (7) */
        case SCTP_CT_INIT:              /* INIT not alone: discard */
            return SCTP_ERR_OOTB;
        case SCTP_CT_ERROR: {
            /* 8.4 (7): a packet with an ERROR chunk carrying a Stale
             * Cookie cause, wherever the cause sits among the others, is
             * silently discarded. */
            size_t coff = 0;
            struct sctp_tlv t;
            while (sctp_tlv_next(c.value, c.value_len, &coff, &t) == 1)
                if (t.type == SCTP_CAUSE_STALE_COOKIE)
                    return SCTP_ERR_OOTB;
            break;
        }
        case SCTP_CT_SHUTDOWN_ACK: /* 8.4 (5) */
            shutdown_ack = true;
            break;
        default:
            break;
        }
    }
    if (r < 0)
        return SCTP_ERR_PROTO;
    ootb_reply(ep, pkt, h, shutdown_ack ? SCTP_CT_SHUTDOWN_COMPLETE : SCTP_CT_ABORT);
    return SCTP_ERR_OOTB;
}

/* RFC 9260 3.3.10.6: the Unrecognized Chunk Type cause carries the
 * unrecognized chunk complete, header included, so that its length field
 * still tells its size. It rides with the association's next packet when
 * the error buffer has room; else, if an ERROR with it alone fits in a
 * packet to where the chunk came from (path MTU), it goes in one of its
 * own; else it is not reported: a cut copy would be malformed. */
static void report_unknown_chunk(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                                 const struct sctp_chunk *c, const struct sctp_path *from)
{
    struct sctp_endpoint *ep = a->ep;
    const uint8_t *chunk = c->value - SCTP_CHUNK_HDR_LEN;
    uint32_t cause = SCTP_PAD4(4u + c->length);
    if (cause <= (uint32_t)(SCTP_ERRBUF_MAX - a->errbuf_len)) {
        sctp_assoc_add_error(a, SCTP_CAUSE_UNRECOGNIZED_CHUNK, chunk, c->length);
        sctp_ep_tx_schedule(ep, a);
        return;
    }
    uint32_t mtu = from ? from->pmtu : ep->cfg.pmtu;
    uint32_t ip = sctp_ip_hdr_len(pkt->src.family);
    uint32_t len = SCTP_COMMON_HDR_LEN + SCTP_CHUNK_HDR_LEN + cause;
    /* 3.2.2: not on its own before the COOKIE ACK; 5.4: not to an
     * UNCONFIRMED address. */
    if (a->peer_vtag == 0 || a->state == SCTP_S_COOKIE_ECHOED || !from || !from->confirmed ||
        len + ip > mtu || len > SCTP_CTL_SLOT_LEN)
        return;
    int n;
    uint8_t *b = sctp_ep_ctl_start_assoc(a, &n);
    if (!b)
        return;
    /* The chunk length leaves out the padding of its last cause (3.2). */
    n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_ERROR, 0,
                               (uint16_t)(SCTP_CHUNK_HDR_LEN + 4 + c->length));
    n += sctp_cause_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CAUSE_UNRECOGNIZED_CHUNK, chunk,
                           c->length);
    sctp_ep_ctl_commit(ep, &pkt->dst, &pkt->src, (uint16_t)n);
}

/* RFC 9260 3.2: unknown chunk types by their two high bits. Returns true
 * to go on with the packet. */
static bool unknown_chunk(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                          const struct sctp_chunk *c, const struct sctp_path *from)
{
    enum sctp_unknown_action act = sctp_unknown_action(c->type);
    if (act == SCTP_UNK_STOP_REPORT || act == SCTP_UNK_SKIP_REPORT)
        report_unknown_chunk(a, pkt, c, from);
    return act == SCTP_UNK_SKIP || act == SCTP_UNK_SKIP_REPORT;
}

/* RFC 9260 3.3.6, 8.3: a HEARTBEAT whose parameters are more than the
 * association keeps for its HEARTBEAT ACK (SCTP_HBINFO_MAX) is answered
 * at once, in a packet of its own to where it came from: with all its
 * parameters if they fit the path MTU, else with the Heartbeat Info alone
 * (what the peer reads back), else not at all. Left unanswered, a peer
 * whose Heartbeat Info is that long would count every HEARTBEAT lost and
 * fail the path, and in the end the association. */
static void heartbeat_ack_alone(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                                const struct sctp_chunk *c, uint16_t info_len,
                                const struct sctp_path *from)
{
    struct sctp_endpoint *ep = a->ep;
    /* 3.3.7: nothing answers a packet that holds an ABORT. */
    if (ep->rx_abort || a->peer_vtag == 0 || !from)
        return;
    uint32_t ip = sctp_ip_hdr_len(pkt->src.family);
    uint32_t room = from->pmtu > ip ? from->pmtu - ip : 0;
    if (room > SCTP_CTL_SLOT_LEN)
        room = SCTP_CTL_SLOT_LEN;
    uint32_t len = c->value_len;
    if (SCTP_COMMON_HDR_LEN + SCTP_CHUNK_HDR_LEN + SCTP_PAD4(len) > room)
        len = info_len;
    if (SCTP_COMMON_HDR_LEN + SCTP_CHUNK_HDR_LEN + SCTP_PAD4(len) > room)
        return;
    int n;
    uint8_t *b = sctp_ep_ctl_start_assoc(a, &n);
    if (!b)
        return;
    n += sctp_chunk_hdr_encode(b + n, SCTP_CTL_SLOT_LEN - n, SCTP_CT_HEARTBEAT_ACK, 0,
                               (uint16_t)(SCTP_CHUNK_HDR_LEN + len));
    memcpy(b + n, c->value, len);
    memset(b + n + len, 0, SCTP_PAD4(len) - len);
    n += (int)SCTP_PAD4(len);
    ep->stats.tx_chunks++;
    sctp_ep_ctl_commit(ep, &pkt->dst, &pkt->src, (uint16_t)n);
}

static void on_heartbeat(struct sctp_assoc *a, const struct sctp_rx_packet *pkt,
                         const struct sctp_chunk *c, struct sctp_path *from)
{
    /* RFC 9260 8.3: the Heartbeat Info parameter, with any other
     * parameters received, copied unchanged. */
    size_t off = 0;
    struct sctp_tlv t;
    if (sctp_tlv_next(c->value, c->value_len, &off, &t) != 1 || t.type != SCTP_PT_HEARTBEAT_INFO)
        return;
    if (c->value_len > SCTP_HBINFO_MAX) {
        heartbeat_ack_alone(a, pkt, c, t.length, from);
        return;
    }
    memcpy(a->hb_ack_info, c->value, c->value_len);
    a->hb_ack_len = c->value_len;
    a->hb_ack_pending = true;
    a->hb_ack_path = from;
    sctp_ep_tx_schedule(a->ep, a);
}

static void on_heartbeat_ack(struct sctp_assoc *a, const struct sctp_chunk *c, sctp_tstamp now)
{
    size_t off = 0;
    struct sctp_tlv t;
    if (sctp_tlv_next(c->value, c->value_len, &off, &t) != 1 || t.type != SCTP_PT_HEARTBEAT_INFO ||
        t.value_len < 20)
        return;
    /* Our info: path index (4), nonce (8), send time (8); a path MTU
     * probe's has the size probed (4) after them. */
    uint32_t idx = sctp_get32(t.value);
    uint64_t nonce = ((uint64_t)sctp_get32(t.value + 4) << 32) | sctp_get32(t.value + 8);
    sctp_tstamp sent = ((uint64_t)sctp_get32(t.value + 12) << 32) | sctp_get32(t.value + 16);
    if (idx >= a->n_paths)
        return;
    struct sctp_path *p = &a->paths[idx];
    if (t.value_len >= 24) {
        /* A path MTU probe answered proves the path as a HEARTBEAT
         * does (RFC 4861 7.3.1 forward progress). */
        if (sctp_assoc_probe_acked(a, p, nonce, sctp_get32(t.value + 20)))
            sctp_path_progress(a, p, now);
        return;
    }
    if (nonce != p->hb_nonce || sent > now)
        return;
    /* RFC 9260 8.3: RTT measurement, error counters cleared, confirmed. */
    sctp_rto_measure(&p->rto, now - sent);
    p->hb_outstanding = false;
    p->hb_quiet = false;
    p->hb_acked_at = now;
    bool was_unconfirmed = !p->confirmed;
    p->confirmed = true;
    sctp_assoc_path_success(a, p, now);
    /* The peer got what went to this address: forward progress for the
     * layer below's neighbour reachability (RFC 4861 7.3.1). */
    sctp_path_progress(a, p, now);
    if (was_unconfirmed)
        sctp_assoc_notify_paddr(a, p, SCTP_ADDR_CONFIRMED);
    p->hb_timer = sctp_assoc_hb_next(a, p, now);
    sctp_assoc_timers_changed(a);
}

static void on_error_chunk(struct sctp_assoc *a, const struct sctp_chunk *c, sctp_tstamp now)
{
    size_t off = 0;
    struct sctp_tlv t;
    while (sctp_tlv_next(c->value, c->value_len, &off, &t) == 1) {
        /* 5.2.6: a Stale Cookie error outside COOKIE-ECHOED is
         * discarded silently. */
        if (t.type == SCTP_CAUSE_STALE_COOKIE) {
            if (a->state == SCTP_S_COOKIE_ECHOED && t.value_len >= 4)
                sctp_setup_on_stale_cookie(a, sctp_get32(t.value), now);
            continue;
        }
        struct sctp_event ev = {.type = SCTP_EV_REMOTE_ERROR, .assoc_id = a->id};
        ev.u.remote_error.cause = t.type;
        uint16_t len = t.value_len < SCTP_EV_CAUSE_MAX ? t.value_len : SCTP_EV_CAUSE_MAX;
        if (len) {
            ev.u.remote_error.data = sctp_mem_alloc(&a->ep->cb, len);
            if (ev.u.remote_error.data) {
                memcpy(ev.u.remote_error.data, t.value, len);
                ev.u.remote_error.len = len;
            }
        }
        if (sctp_ep_event_push(a->ep, &ev) < 0)
            sctp_mem_free(&a->ep->cb, ev.u.remote_error.data);
    }
}

/* RFC 9260 8.5.1: ABORT and SHUTDOWN COMPLETE may carry the peer's tag
 * (T bit set) instead of ours. */
static bool tbit_tag_ok(const struct sctp_assoc *a, const struct sctp_common_hdr *h, uint8_t flags)
{
    if (flags & SCTP_FLAG_T)
        return h->vtag == a->peer_vtag && a->peer_vtag != 0;
    return h->vtag == a->local_vtag;
}

/* What the input path must know of a packet's chunks before it acts on
 * any of them. */
enum {
    PKT_BAD_BUNDLE = 1,   /* INIT, INIT ACK or SHUTDOWN COMPLETE among others */
    PKT_SHUTDOWN_ACK = 2, /* a SHUTDOWN ACK somewhere in the packet */
    PKT_ABORT = 4,        /* an ABORT somewhere in the packet */
};

static bool travels_alone(uint8_t type)
{
    return type == SCTP_CT_INIT || type == SCTP_CT_INIT_ACK || type == SCTP_CT_SHUTDOWN_COMPLETE;
}

/* RFC 9260 6.10: INIT, INIT ACK and SHUTDOWN COMPLETE MUST NOT be bundled
 * with any other chunk. first is the packet's first chunk, off where the
 * next one starts; a packet of one chunk costs one look. */
static unsigned scan_chunks(const struct sctp_rx_packet *pkt, const struct sctp_chunk *first,
                            size_t off)
{
    unsigned flags = first->type == SCTP_CT_SHUTDOWN_ACK ? PKT_SHUTDOWN_ACK
                     : first->type == SCTP_CT_ABORT      ? PKT_ABORT
                                                         : 0;
    bool more = false;
    /* Only the type and length of each chunk header: the chunk loop
     * validates every chunk again when it gets there. */
    while (off + SCTP_CHUNK_HDR_LEN <= pkt->len) {
        uint8_t type = pkt->data[off];
        uint16_t len = sctp_get16(pkt->data + off + 2);
        if (len < SCTP_CHUNK_HDR_LEN)
            break;
        more = true;
        if (travels_alone(type))
            return PKT_BAD_BUNDLE;
        if (type == SCTP_CT_SHUTDOWN_ACK)
            flags |= PKT_SHUTDOWN_ACK;
        if (type == SCTP_CT_ABORT)
            flags |= PKT_ABORT;
        off += SCTP_PAD4((size_t)len);
    }
    if (more && travels_alone(first->type))
        return PKT_BAD_BUNDLE;
    return flags;
}

/* RFC 9260 5.1.2: an INIT ACK may come from another address of the peer
 * than the one our INIT went to. With our tag, in COOKIE-WAIT, it belongs
 * to the association if one of the addresses it lists is a peer address
 * of it ("would identify an existing TCB"). */
static bool init_ack_names_peer(struct sctp_assoc *a, const struct sctp_common_hdr *h,
                                const struct sctp_chunk *c)
{
    struct sctp_init_chunk ack;
    if (c->type != SCTP_CT_INIT_ACK || a->state != SCTP_S_COOKIE_WAIT || a->peer_port != h->sport ||
        sctp_init_decode(&ack, c) < 0)
        return false;
    size_t off = 0;
    struct sctp_tlv t;
    while (sctp_tlv_next(ack.params, ack.params_len, &off, &t) == 1) {
        struct sctp_addr x = {0};
        if (t.type == SCTP_PT_IPV4 && t.value_len == 4)
            x.family = SCTP_AF_INET;
        else if (t.type == SCTP_PT_IPV6 && t.value_len == 16)
            x.family = SCTP_AF_INET6;
        else
            continue;
        memcpy(x.addr, t.value, t.value_len);
        if (sctp_assoc_path_of(a, &x))
            return true;
    }
    return false;
}

int sctp_endpoint_input(struct sctp_endpoint *ep, const struct sctp_rx_packet *pkt, sctp_tstamp now)
{
    ep->stats.rx_packets++;
    struct sctp_common_hdr h;
    if (!pkt || !pkt->data || sctp_common_hdr_decode(&h, pkt->data, pkt->len) < 0 ||
        pkt->len < SCTP_COMMON_HDR_LEN + SCTP_CHUNK_HDR_LEN) {
        ep->stats.rx_malformed++;
        return SCTP_ERR_PROTO;
    }
    /* RFC 9260 6.8: CRC32c, unless the NIC checked it. */
    if (pkt->csum == SCTP_CSUM_BAD ||
        (pkt->csum == SCTP_CSUM_UNCHECKED && !sctp_crc32c_check(pkt->data, pkt->len))) {
        ep->stats.rx_bad_csum++;
        return SCTP_ERR_CHECKSUM;
    }
    /* RFC 9260 3.1: port 0 MUST NOT be used, as source or destination.
     * A packet to port 0 is not answered either: the out of the blue
     * ABORT (8.4) would go out from port 0. */
    if (h.sport == 0 || h.dport == 0) {
        ep->stats.rx_malformed++;
        return SCTP_ERR_PROTO;
    }
    size_t off = SCTP_COMMON_HDR_LEN;
    struct sctp_chunk c;
    int r = sctp_chunk_next(pkt->data, pkt->len, &off, &c);
    if (r != 1) {
        ep->stats.rx_malformed++;
        return SCTP_ERR_PROTO;
    }
    /* RFC 9260 6.10: a packet that bundles INIT, INIT ACK or SHUTDOWN
     * COMPLETE with other chunks is discarded whole, before any of its
     * chunks is acted on. */
    unsigned pflags = scan_chunks(pkt, &c, off);
    if (pflags & PKT_BAD_BUNDLE) {
        ep->stats.rx_malformed++;
        return SCTP_ERR_PROTO;
    }
    /* RFC 9260 8.5.1 A: a zero tag is only valid on a packet that holds
     * an INIT alone; any other packet carrying it is silently discarded,
     * without the replies of 8.4. */
    if (h.vtag == 0 && c.type != SCTP_CT_INIT) {
        ep->stats.rx_bad_vtag++;
        return SCTP_ERR_VTAG;
    }
    if (h.dport != ep->cfg.port)
        return handle_ootb(ep, pkt, &h);
    sctp_cookie_keys_maybe_rotate(&ep->keys, &ep->cb, now);

    struct sctp_assoc *a = sctp_ep_find_vtag(ep, h.vtag);
    if (a && (a->peer_port != h.sport || !sctp_assoc_path_of(a, &pkt->src)) &&
        !init_ack_names_peer(a, &h, &c))
        a = NULL;
    bool tag_ok = a != NULL;
    if (!a) {
        struct sctp_path *p = sctp_ep_find_peer(ep, &pkt->src, h.sport);
        a = p ? p->assoc : NULL;
    }

    /* RFC 9260 8.5.1 A: INIT must be the only chunk, with a zero tag. */
    if (c.type == SCTP_CT_INIT) {
        size_t o2 = off;
        struct sctp_chunk more;
        if (h.vtag != 0 || sctp_chunk_next(pkt->data, pkt->len, &o2, &more) != 0) {
            ep->stats.rx_bad_vtag++;
            return SCTP_ERR_VTAG;
        }
        ep->stats.rx_chunks++;
        sctp_setup_on_init(ep, a, pkt, &h, &c, now);
        if (a)
            reap(a);
        return 0;
    }

    if (a && (pflags & PKT_SHUTDOWN_ACK) && c.type != SCTP_CT_COOKIE_ECHO &&
        (a->state == SCTP_S_COOKIE_WAIT || a->state == SCTP_S_COOKIE_ECHOED)) {
        /* RFC 9260 8.5.1 E, 9.2: in COOKIE-WAIT or COOKIE-ECHOED a SHUTDOWN
         * ACK is out of the blue whatever its tag: SHUTDOWN COMPLETE with
         * the T bit (8.4 (5)), and the association stays as it is. */
        return handle_ootb(ep, pkt, &h);
    }

    if (c.type == SCTP_CT_COOKIE_ECHO) {
        /* The cookie decides (5.1.5, 5.2.4). */
        ep->stats.rx_chunks++;
        struct sctp_assoc *got = sctp_setup_on_cookie_echo(ep, a, pkt, &h, &c, now);
        if (a && a != got && reap(a))
            a = NULL;
        if (!got)
            return 0;
        a = got;
        tag_ok = true;
        r = sctp_chunk_next(pkt->data, pkt->len, &off, &c);
    } else if (!tag_ok) {
        bool tbit = c.type == SCTP_CT_ABORT || c.type == SCTP_CT_SHUTDOWN_COMPLETE;
        if (a && tbit && tbit_tag_ok(a, &h, c.flags)) {
            tag_ok = true;
        } else if (a) {
            ep->stats.rx_bad_vtag++;
            return SCTP_ERR_VTAG;
        } else {
            return handle_ootb(ep, pkt, &h);
        }
    } else if ((c.type == SCTP_CT_ABORT || c.type == SCTP_CT_SHUTDOWN_COMPLETE) &&
               (c.flags & SCTP_FLAG_T)) {
        /* Our tag with the T bit set: not a valid combination. */
        if (!tbit_tag_ok(a, &h, c.flags)) {
            ep->stats.rx_bad_vtag++;
            return SCTP_ERR_VTAG;
        }
    }

    if (a->state == SCTP_S_SHUTDOWN_SENT) {
        /* RFC 9260 9.2: any packet from the peer (as it sends the DATA it
         * still has queued) clears the error count and restarts
         * T2-shutdown. */
        a->error_count = 0;
        a->t2_timer = now + sctp_assoc_data_path(a)->rto.rto;
        sctp_assoc_timers_changed(a);
    }

    struct sctp_path *from = sctp_assoc_path_of(a, &pkt->src);
    bool had_data = false;
    int ret = 0;
    a->last_rx = now;
    /* RFC 9260 3.3.7, 8.4: nothing answers a packet that holds an ABORT,
     * whether or not the ABORT is reached (a chunk before it may stop the
     * packet): no ABORT, ERROR or HEARTBEAT ACK of ours is made for it. */
    uint16_t err0 = a->errbuf_len;
    bool hb_ack0 = a->hb_ack_pending;
    ep->rx_abort = (pflags & PKT_ABORT) != 0;
    for (; r == 1 && a->state != SCTP_S_CLOSED;
         r = sctp_chunk_next(pkt->data, pkt->len, &off, &c)) {
        if (c.type == SCTP_CT_DATA) {
            /* The usual DATA first; the chunk it stops at (if any) is
             * handled below. */
            unsigned took;
            r = sctp_data_on_data_run(a, pkt, &c, &off, from, &took);
            if (took > 0) {
                had_data = true;
                if (r != 1)
                    break;
            }
        }
        ep->stats.rx_chunks++;
        switch (c.type) {
        case SCTP_CT_DATA:
            ep->stats.rx_data_chunks++;
            had_data = true;
            if (sctp_data_on_data(a, pkt, &c, from, now) < 0)
                goto done;
            break;
        case SCTP_CT_SACK:
            sctp_data_on_sack(a, &c, now);
            break;
        case SCTP_CT_HEARTBEAT:
            on_heartbeat(a, pkt, &c, from);
            break;
        case SCTP_CT_HEARTBEAT_ACK:
            on_heartbeat_ack(a, &c, now);
            break;
        case SCTP_CT_ABORT:
            if (!tbit_tag_ok(a, &h, c.flags))
                goto done;
            sctp_shutdown_on_abort(a, &c);
            goto done;
        case SCTP_CT_SHUTDOWN:
            sctp_shutdown_on_shutdown(a, &c, now);
            break;
        case SCTP_CT_SHUTDOWN_ACK:
            sctp_shutdown_on_shutdown_ack(a, pkt, now);
            break;
        case SCTP_CT_SHUTDOWN_COMPLETE:
            if (!tbit_tag_ok(a, &h, c.flags))
                goto done;
            sctp_shutdown_on_shutdown_complete(a, now);
            goto done;
        case SCTP_CT_ERROR:
            on_error_chunk(a, &c, now);
            break;
        case SCTP_CT_COOKIE_ECHO:
            /* Only valid first in a packet (5.1). */
            goto done;
        case SCTP_CT_COOKIE_ACK:
            sctp_setup_on_cookie_ack(a, now);
            break;
        case SCTP_CT_INIT_ACK:
            if (a->state == SCTP_S_COOKIE_WAIT)
                sctp_setup_on_init_ack(a, pkt, &c, now);
            goto done; /* INIT ACK travels alone */
        case SCTP_CT_INIT:
            goto done; /* never bundled: drop the rest */
        case SCTP_CT_ECNE:
        case SCTP_CT_CWR:
            /* ECN is not offered in our INIT/INIT ACK: a peer must not
             * send these; ignore. */
            break;
        case SCTP_CT_PAD:
            break;
        case SCTP_CT_FORWARD_TSN:
            /* RFC 3758 3.3.1, 3.3.2: only if both ends announced
             * Forward-TSN-Supported for this association; otherwise it
             * is an unknown chunk (0xC0: skip it and report it). */
            if (a->peer_pr_sctp) {
                sctp_data_on_forward_tsn(a, &c, now);
                break;
            }
            if (!unknown_chunk(a, pkt, &c, from))
                goto done;
            break;
        default:
            if (!unknown_chunk(a, pkt, &c, from))
                goto done;
            break;
        }
    }
    if (r < 0) {
        ep->stats.rx_malformed++;
        ret = SCTP_ERR_PROTO;
    }
done:
    if (ep->rx_abort) {
        ep->rx_abort = false;
        if (a->errbuf_len > err0)
            a->errbuf_len = err0;
        if (!hb_ack0)
            a->hb_ack_pending = false;
    }
    if (a->state != SCTP_S_CLOSED)
        sctp_data_after_packet(a, had_data, now);
    reap(a);
    return ret;
}

/* ---- output ---- */

int sctp_endpoint_write_packet(struct sctp_endpoint *ep, struct sctp_tx_packet *pkt,
                               sctp_tstamp now)
{
    if (ep->ctl_count) {
        struct sctp_ctl_packet *c = &ep->ctl[ep->ctl_head];
        memcpy(pkt->hdr, c->bytes, c->len);
        pkt->src = c->src;
        pkt->dst = c->dst;
        pkt->len = c->len;
        pkt->nsegs = 1;
        pkt->segs[0] = (struct sctp_frag){.data = pkt->hdr, .len = c->len, .handle = NULL};
        pkt->assoc_id = 0;
        pkt->frag_ok = false;
        pkt->path_mtu = ep->cfg.pmtu;
        pkt->csum_filled = !ep->cfg.tx_csum_offload;
        if (pkt->csum_filled)
            sctp_crc32c_fill(pkt->segs, 1, pkt->hdr);
        ep->ctl_head = (ep->ctl_head + 1) % ep->ctl_cap;
        ep->ctl_count--;
        ep->stats.tx_packets++;
        return 1;
    }
    while (ep->tx_head) {
        struct sctp_assoc *a = ep->tx_head;
        int r = sctp_assoc_write(a, pkt, now);
        if (r == 1) {
            pkt->assoc_id = a->id;
            /* Only a chunk made for a larger MTU makes it so (a first
             * chunk always goes; txb_data_fits). */
            pkt->frag_ok = pkt->len + sctp_ip_hdr_len(pkt->dst.family) > pkt->path_mtu;
            ep->stats.tx_frag_ok += pkt->frag_ok;
            pkt->csum_filled = !ep->cfg.tx_csum_offload;
            if (pkt->csum_filled)
                sctp_crc32c_fill(pkt->segs, pkt->nsegs, pkt->hdr);
            ep->stats.tx_packets++;
            reap(a);
            return 1;
        }
        tx_unlist(ep, a);
        reap(a);
    }
    return 0;
}

/* ---- timers ---- */

sctp_tstamp sctp_endpoint_next_timeout(const struct sctp_endpoint *ep)
{
    return ep->heap_len ? ep->heap[0]->next_timer : SCTP_TIMER_OFF;
}

void sctp_endpoint_handle_timeout(struct sctp_endpoint *ep, sctp_tstamp now)
{
    /* Bounded: each association fires at most a few times per call. */
    uint32_t budget = ep->heap_len * 4 + 16;
    while (ep->heap_len && ep->heap[0]->next_timer <= now && budget--) {
        struct sctp_assoc *a = ep->heap[0];
        sctp_assoc_handle_timeout(a, now);
        if (!reap(a) && a->next_timer <= now) {
            /* A handler that did not move its deadline: push it on so
             * the loop cannot spin. */
            a->next_timer = now + 1;
            sctp_ep_timer_update(ep, a);
        }
    }
}

/* ---- API ---- */

int sctp_endpoint_connect(struct sctp_endpoint *ep, const struct sctp_addr *peers, unsigned n_peers,
                          uint16_t peer_port, uint16_t ostreams, const struct sctp_sndinfo *first,
                          const struct sctp_frag *payload, uint32_t *assoc_id, sctp_tstamp now)
{
    if (!ep || !peers || n_peers == 0 || n_peers > SCTP_MAX_ADDRS || peer_port == 0)
        return SCTP_ERR_INVAL;
    if ((ep->cfg.one_to_one && ep->n_assocs > 0) || ep->refuse_new)
        return SCTP_ERR_STATE;
    for (unsigned i = 0; i < n_peers; i++)
        if (sctp_ep_find_peer(ep, &peers[i], peer_port))
            return SCTP_ERR_STATE; /* already associated with that peer */
    if (ep->n_assocs >= ep->cfg.max_assocs)
        return SCTP_ERR_LIMIT;
    struct sctp_assoc *a = sctp_assoc_new(ep, peer_port, peers, n_peers, now);
    if (!a)
        return SCTP_ERR_NOMEM;
    /* Until the INIT ACK tells, offer our streams; the first message
     * must use one of them. */
    uint16_t os = ostreams ? ostreams : ep->cfg.num_ostreams;
    a->ostreams = os;
    a->istreams = ep->cfg.max_instreams;
    a->next_ssn = sctp_mem_calloc(&ep->cb, os * sizeof(*a->next_ssn));
    if (!a->next_ssn || sctp_sendq_init(&a->q, 64, &ep->cb) < 0) {
        a->state = SCTP_S_CLOSED;
        sctp_assoc_destroy(a);
        return SCTP_ERR_NOMEM;
    }
    a->q.head_tsn = a->next_tsn;
    a->cum_ack_in = a->next_tsn - 1;
    a->adv_peer_ack = a->cum_ack_in;
    a->peer_rwnd = a->peer_a_rwnd = 1500;
    sctp_assoc_set_state(a, SCTP_S_COOKIE_WAIT);
    if (first && payload) {
        int r = sctp_data_enqueue(a, first, payload, 1, now);
        if (r < 0) {
            a->state = SCTP_S_CLOSED;
            sctp_assoc_destroy(a);
            return r;
        }
    }
    a->init_retries = 0;
    a->send_init = true;
    a->t1_timer = now + a->paths[0].rto.rto;
    sctp_assoc_timers_changed(a);
    sctp_ep_tx_schedule(ep, a);
    if (assoc_id)
        *assoc_id = a->id;
    return 0;
}

static int send_one(struct sctp_endpoint *ep, struct sctp_assoc *a, const struct sctp_sndinfo *info,
                    const struct sctp_frag *parts, unsigned nparts, sctp_tstamp now)
{
    if (info->flags & SCTP_ABORT) {
        const struct sctp_frag *reason = nparts ? parts : NULL;
        uint16_t len = reason && reason->len < SCTP_ERRBUF_MAX ? (uint16_t)reason->len : 0;
        int r = sctp_assoc_abort(ep, a->id, reason ? reason->data : NULL, len, now);
        return r < 0 ? r : 1;
    }
    int r = 0;
    if (nparts > 1 || (nparts == 1 && parts->len > 0)) {
        r = sctp_data_enqueue(a, info, parts, nparts, now);
        if (r < 0)
            return r;
    } else if (!(info->flags & SCTP_EOF)) {
        return SCTP_ERR_INVAL;
    }
    if (info->flags & SCTP_EOF)
        sctp_shutdown_start(a, now);
    sctp_ep_tx_schedule(ep, a);
    reap(a);
    return 1;
}

int sctp_endpoint_send(struct sctp_endpoint *ep, uint32_t assoc_id, const struct sctp_sndinfo *info,
                       const struct sctp_frag *payload, sctp_tstamp now)
{
    return sctp_endpoint_sendv(ep, assoc_id, info, payload, payload ? 1 : 0, now);
}

int sctp_endpoint_sendv(struct sctp_endpoint *ep, uint32_t assoc_id,
                        const struct sctp_sndinfo *info, const struct sctp_frag *parts,
                        unsigned nparts, sctp_tstamp now)
{
    if (!ep || !info || nparts > SCTP_SEND_PARTS_MAX || (nparts && !parts))
        return SCTP_ERR_INVAL;
    if ((info->flags & SCTP_ABORT) && nparts > 1)
        return SCTP_ERR_INVAL;
    if (!(info->flags & SCTP_SENDALL)) {
        struct sctp_assoc *a = sctp_ep_find_id(ep, assoc_id);
        if (!a)
            return SCTP_ERR_NOTFOUND;
        return send_one(ep, a, info, parts, nparts, now);
    }
    /* SENDALL: every association references the same payload. Collect
     * first: a send may close an association (ABORT). */
    uint32_t n = ep->heap_len, sent = 0;
    if (n == 0)
        return 0;
    uint32_t *ids = sctp_mem_alloc(&ep->cb, n * sizeof(*ids));
    if (!ids)
        return SCTP_ERR_NOMEM;
    for (uint32_t i = 0; i < n; i++)
        ids[i] = ep->heap[i]->id;
    int last_err = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct sctp_assoc *a = sctp_ep_find_id(ep, ids[i]);
        if (!a || (a->state != SCTP_S_ESTABLISHED && !(info->flags & SCTP_ABORT)))
            continue;
        int r = send_one(ep, a, info, parts, nparts, now);
        if (r > 0)
            sent++;
        else
            last_err = r;
    }
    sctp_mem_free(&ep->cb, ids);
    return sent ? (int)sent : last_err;
}

int sctp_endpoint_send_burst(struct sctp_endpoint *ep, uint32_t assoc_id,
                             const struct sctp_sndinfo *info, const struct sctp_sendm *msgs,
                             unsigned n, sctp_tstamp now)
{
    if (!ep || !msgs || n == 0)
        return SCTP_ERR_INVAL;
    struct sctp_assoc *a = sctp_ep_find_id(ep, assoc_id);
    if (!a)
        return SCTP_ERR_NOTFOUND;
    return sctp_data_enqueue_burst(a, info, msgs, n, now);
}

int sctp_assoc_shutdown(struct sctp_endpoint *ep, uint32_t assoc_id, sctp_tstamp now)
{
    struct sctp_assoc *a = ep ? sctp_ep_find_id(ep, assoc_id) : NULL;
    if (!a)
        return SCTP_ERR_NOTFOUND;
    if (a->state >= SCTP_S_SHUTDOWN_PENDING)
        return SCTP_ERR_STATE;
    sctp_shutdown_start(a, now);
    sctp_ep_tx_schedule(ep, a);
    reap(a);
    return 0;
}

int sctp_assoc_abort(struct sctp_endpoint *ep, uint32_t assoc_id, const uint8_t *reason,
                     uint16_t reason_len, sctp_tstamp now)
{
    (void)now;
    struct sctp_assoc *a = ep ? sctp_ep_find_id(ep, assoc_id) : NULL;
    if (!a)
        return SCTP_ERR_NOTFOUND;
    if (reason_len > SCTP_ERRBUF_MAX)
        reason_len = SCTP_ERRBUF_MAX;
    sctp_shutdown_send_abort(a, SCTP_CAUSE_USER_ABORT, reason, reason_len, true);
    reap(a);
    return 0;
}

int sctp_assoc_set_primary(struct sctp_endpoint *ep, uint32_t assoc_id,
                           const struct sctp_addr *addr)
{
    struct sctp_assoc *a = ep ? sctp_ep_find_id(ep, assoc_id) : NULL;
    if (!a)
        return SCTP_ERR_NOTFOUND;
    struct sctp_path *p = sctp_assoc_path_of(a, addr);
    if (!p)
        return SCTP_ERR_ADDR;
    a->primary = (uint8_t)(p - a->paths);
    sctp_assoc_notify_paddr(a, p, SCTP_ADDR_MADE_PRIM);
    return 0;
}

/* RFC 9260 10, ICMP5 and ICMP6: the packet an ICMP message quotes must be
 * one of ours to the path's peer: the peer's verification tag, or a zero
 * tag with an INIT whose Initiate Tag is ours (*init set then). 0 or
 * SCTP_ERR_PROTO. */
static int icmp_quote_check(const struct sctp_path *p, const uint8_t *quoted, size_t quoted_len,
                            bool *init)
{
    if (!quoted || quoted_len < 8)
        return SCTP_ERR_PROTO;
    uint32_t vtag = sctp_get32(quoted + 4);
    if (vtag != 0 && vtag != p->assoc->peer_vtag)
        return SCTP_ERR_PROTO;
    if (vtag == 0 && (quoted_len < SCTP_COMMON_HDR_LEN + 8 || quoted[SCTP_COMMON_HDR_LEN] != 1 ||
                      sctp_get32(quoted + SCTP_COMMON_HDR_LEN + 4) != p->assoc->local_vtag))
        return SCTP_ERR_PROTO;
    if (init)
        *init = vtag == 0;
    return 0;
}

int sctp_assoc_icmp_unreachable(struct sctp_endpoint *ep, const struct sctp_addr *peer,
                                uint16_t peer_port, const uint8_t *quoted, size_t quoted_len,
                                sctp_tstamp now)
{
    struct sctp_path *p = ep ? sctp_ep_find_peer(ep, peer, peer_port) : NULL;
    bool init = false;
    if (!p)
        return SCTP_ERR_NOTFOUND;
    if (icmp_quote_check(p, quoted, quoted_len, &init) < 0)
        return SCTP_ERR_PROTO;
    struct sctp_assoc *a = p->assoc;
    /* ICMP8: an ABORT with the T bit, unless it quotes an INIT; then only
     * in COOKIE-WAIT, where it ends the attempt as an ABORT would. */
    if (a->state == SCTP_S_CLOSED || (init && a->state != SCTP_S_COOKIE_WAIT))
        return 0;
    /* The rule is for a host without SCTP. One whose SCTP spoke within
     * the last RTO.Min (at least 1 s) has it: a Linux host whose SCTP runs in a process on
     * a raw socket sends "protocol unreachable" for what that socket
     * drops when its buffer is full. Such a message is not taken for an
     * ABORT, then (counted in icmp_unreach_ignored). */
    sctp_tstamp recent = ep->cfg.rto_min > SCTP_SEC ? ep->cfg.rto_min : SCTP_SEC;
    if (!init && a->last_rx != 0 && now - a->last_rx < recent) {
        ep->stats.icmp_unreach_ignored++;
        return 0;
    }
    ep->stats.icmp_aborts++;
    sctp_assoc_close(a,
                     a->state == SCTP_S_COOKIE_WAIT || a->state == SCTP_S_COOKIE_ECHOED
                         ? SCTP_CANT_STR_ASSOC
                         : SCTP_COMM_LOST,
                     0, NULL, 0);
    reap(a);
    return 1;
}

int sctp_assoc_icmp_dest_unreachable(struct sctp_endpoint *ep, const struct sctp_addr *peer,
                                     uint16_t peer_port, const uint8_t *quoted, size_t quoted_len,
                                     sctp_tstamp now)
{
    struct sctp_path *p = ep ? sctp_ep_find_peer(ep, peer, peer_port) : NULL;
    if (!p)
        return SCTP_ERR_NOTFOUND;
    if (icmp_quote_check(p, quoted, quoted_len, NULL) < 0)
        return SCTP_ERR_PROTO;
    struct sctp_assoc *a = p->assoc;
    /* ICMP9: one path error, as a T3 expiry or an unanswered HEARTBEAT
     * counts it, and no more than one per RTO: a router answers each
     * packet in flight, and those are one event. Only while the
     * association is up; an inactive path stays as it is. */
    if (a->state < SCTP_S_ESTABLISHED || !p->active ||
        (p->error_count > 0 && now - p->fail_at < p->rto.rto)) {
        ep->stats.icmp_dest_unreach_ignored++;
        return 0;
    }
    ep->stats.icmp_dest_unreach++;
    sctp_assoc_path_failure(a, p, now);
    sctp_assoc_timers_changed(a);
    sctp_ep_tx_schedule(ep, a);
    return 1;
}

int sctp_assoc_update_pmtu(struct sctp_endpoint *ep, const struct sctp_addr *peer,
                           uint16_t peer_port, const uint8_t *quoted, size_t quoted_len,
                           uint32_t mtu, sctp_tstamp now)
{
    struct sctp_path *p = ep ? sctp_ep_find_peer(ep, peer, peer_port) : NULL;
    if (!p)
        return SCTP_ERR_NOTFOUND;
    if (icmp_quote_check(p, quoted, quoted_len, NULL) < 0)
        return SCTP_ERR_PROTO;
    /* RFC 9260 7.3 / RFC 8201: never below the IPv6 minimum, never
     * above what we were configured with. */
    if (mtu < 1280 && p->addr.family == SCTP_AF_INET6)
        mtu = 1280;
    if (mtu < 576)
        mtu = 576;
    struct sctp_assoc *a = p->assoc;
    if (mtu >= p->pmtu) {
        /* RFC 8899 4.6.2: not below the MTU in use, but below the probe
         * in flight: the probe failed; no use sending it again. */
        if (p->probe_size > mtu)
            sctp_assoc_probe_failed(a, p, now);
        return 0;
    }
    ep->stats.pmtu_decreases++;
    sctp_path_set_mtu(a, p, mtu, now);
    sctp_data_pmtu_lowered(a, p, now);
    sctp_assoc_timers_changed(a);
    return 0;
}

const char *sctp_state_name(enum sctp_state s)
{
    static const char *const names[] = {
        "CLOSED",           "COOKIE-WAIT",   "COOKIE-ECHOED",     "ESTABLISHED",
        "SHUTDOWN-PENDING", "SHUTDOWN-SENT", "SHUTDOWN-RECEIVED", "SHUTDOWN-ACK-SENT",
    };
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "UNKNOWN";
}

int sctp_assoc_get_sendq(const struct sctp_endpoint *ep, uint32_t assoc_id, uint32_t *queued_bytes,
                         uint32_t *outstanding_bytes)
{
    const struct sctp_assoc *a = ep ? sctp_ep_find_id(ep, assoc_id) : NULL;
    if (!a)
        return SCTP_ERR_NOTFOUND;
    if (queued_bytes)
        *queued_bytes = a->q.queued_bytes;
    if (outstanding_bytes)
        *outstanding_bytes = a->q.outstanding_bytes;
    return 0;
}

int sctp_assoc_peer_blocked(const struct sctp_endpoint *ep, uint32_t assoc_id)
{
    const struct sctp_assoc *a = ep ? sctp_ep_find_id(ep, assoc_id) : NULL;
    if (!a)
        return SCTP_ERR_NOTFOUND;
    return sctp_peer_blocked(a) ? 1 : 0;
}

int sctp_assoc_get_info(const struct sctp_endpoint *ep, uint32_t assoc_id,
                        struct sctp_assoc_info *info)
{
    const struct sctp_assoc *a = ep ? sctp_ep_find_id(ep, assoc_id) : NULL;
    if (!a || !info)
        return SCTP_ERR_NOTFOUND;
    memset(info, 0, sizeof(*info));
    info->assoc_id = a->id;
    info->state = a->state;
    info->peer_port = a->peer_port;
    info->ostreams = a->ostreams;
    info->istreams = a->istreams;
    info->local_vtag = a->local_vtag;
    info->peer_vtag = a->peer_vtag;
    info->peer_rwnd = a->peer_rwnd;
    info->outstanding_bytes = a->q.outstanding_bytes;
    info->queued_bytes = a->q.queued_bytes;
    info->next_tsn = a->next_tsn;
    info->cum_ack_in = a->cum_ack_in;
    info->retransmissions = a->retransmissions;
    info->fast_retransmissions = a->fast_retransmissions;
    info->t3_expiries = a->t3_expiries;
    info->reopen_retransmissions = a->reopen_retransmissions;
    info->max_burst_limited = a->burst_limited;
    if (a->reasm) {
        info->reasm_chunks = sctp_reasm_chunks(a->reasm);
        info->reasm_bytes = sctp_reasm_payload(a->reasm);
    }
    info->n_paths = a->n_paths;
    for (unsigned i = 0; i < a->n_paths; i++) {
        const struct sctp_path *p = &a->paths[i];
        struct sctp_path_info *pi = &info->paths[i];
        pi->addr = p->addr;
        pi->src = p->src;
        pi->active = p->active;
        pi->pf = p->pf;
        pi->confirmed = p->confirmed;
        pi->primary = i == a->primary;
        pi->cwnd = p->cc.cwnd;
        pi->ssthresh = p->cc.ssthresh;
        pi->flight = p->cc.flight;
        pi->mtu = p->pmtu;
        pi->error_count = p->error_count;
        pi->srtt = p->rto.srtt;
        pi->rttvar = p->rto.rttvar;
        pi->rto = p->rto.rto;
    }
    return 0;
}

void sctp_endpoint_set_rx_pressure_level(struct sctp_endpoint *ep, enum sctp_rx_pressure level)
{
    if (level > SCTP_RX_PRESSURE_ALL)
        level = SCTP_RX_PRESSURE_ALL;
    uint8_t was = ep->rx_pressure;
    if (was == level)
        return;
    ep->rx_pressure = (uint8_t)level;
    if (level > was)
        return;
    /* Each association the lower level frees (sctp_data_window_update
     * passes over those still restricted). */
    for (uint32_t i = 0; i < ep->heap_len; i++)
        if (ep->heap[i]->state >= SCTP_S_ESTABLISHED)
            sctp_data_window_update(ep->heap[i]);
}

void sctp_endpoint_set_rx_pressure(struct sctp_endpoint *ep, bool on)
{
    sctp_endpoint_set_rx_pressure_level(ep, on ? SCTP_RX_PRESSURE_ALL : SCTP_RX_PRESSURE_OFF);
}

int sctp_assoc_set_rx_hold(struct sctp_endpoint *ep, uint32_t assoc_id, bool on)
{
    struct sctp_assoc *a = ep ? sctp_ep_find_id(ep, assoc_id) : NULL;
    if (!a)
        return SCTP_ERR_NOTFOUND;
    if (a->rx_hold == on)
        return 0;
    a->rx_hold = on;
    if (!on) {
        sctp_data_deliver(a); /* what it completed while held */
        if (a->state >= SCTP_S_ESTABLISHED)
            sctp_data_window_update(a);
    }
    return 0;
}

void sctp_endpoint_foreach_assoc(const struct sctp_endpoint *ep,
                                 int (*fn)(void *arg, uint32_t assoc_id), void *arg)
{
    for (uint32_t i = 0; i < ep->heap_len; i++)
        if (fn(arg, ep->heap[i]->id))
            return;
}

void sctp_endpoint_get_stats(const struct sctp_endpoint *ep, struct sctp_endpoint_stats *st)
{
    *st = ep->stats;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * interop_usrsctp.c: our protocol core against usrsctp, in one process,
 * through usrsctp's AF_CONN sockets and a lossy link (link.c).
 *
 * usrsctp runs its timers on a thread of its own in real time, so the
 * whole test runs in real time: the core is given CLOCK_MONOTONIC, and
 * both stacks get small RTOs and SACK delays. Our side is driven from
 * the main thread: queued packets in, packets out until none is left,
 * events, timers; every loop is bounded in iterations and wall time.
 *
 * Side 0 is our core (or, in the self-check, a second usrsctp socket),
 * side 1 is usrsctp. Every message is generated from its PPID (a tag in
 * the high byte, an index in the low 24 bits): stream, ordering, length
 * and content follow from it, so the receiver checks each message whole
 * (an index, length and checksum in the first 12 bytes, the rest a
 * keyed pattern), exactly once, and in order per stream when ordered.
 *
 * Environment:
 *   SCTPDP_SANITIZED=1        fewer bulk messages (10,000 each way)
 *   SCTPDP_INTEROP_MSGS=N     bulk messages each way (default 100,000)
 *   SCTPDP_INTEROP_LOSS=P     loss per direction (default 0.05)
 *   SCTPDP_INTEROP_SEED=N     seed of the link and the core's randomness
 *   SCTPDP_INTEROP_PCAP=PFX   write PFX-<test>.pcap per test (lost packets
 *                             have IP TTL 1)
 *   SCTPDP_INTEROP_ONLY=S     run only the tests whose name contains S
 *   SCTPDP_INTEROP_TRACE=1    print every delivery and SEND_FAILED to stderr
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "sctp.h"

#include "link.h"
#include "usock.h"

#define NSTREAMS       8
#define STEP_BUDGET    256
#define MAX_ITERATIONS 200000000ull
#define WATCHDOG_SECS  570

/* ---- small helpers ---- */

static uint64_t now_ns(void)
{
    return link_now_ns();
}

static double secs_since(uint64_t t0)
{
    return (double)(now_ns() - t0) / 1e9;
}

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : def;
}

static double env_double(const char *name, double def)
{
    const char *v = getenv(name);
    return v && *v ? strtod(v, NULL) : def;
}

static uint64_t g_seed;
static double g_loss;
static bool g_trace;
static uint64_t g_trace_t0;

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- payload buffers: the handles the core references ---- */

struct pbuf {
    uint32_t refs;
    uint32_t len;
    uint8_t data[];
};

static long g_live_pbufs;

static struct pbuf *pbuf_new(uint32_t len)
{
    struct pbuf *b = malloc(sizeof(*b) + (len ? len : 1));
    if (!b)
        return NULL;
    b->refs = 1;
    b->len = len;
    g_live_pbufs++;
    return b;
}

static void pbuf_unref(struct pbuf *b)
{
    if (b && --b->refs == 0) {
        g_live_pbufs--;
        free(b);
    }
}

static void cb_ref(void *user, void *handle)
{
    (void)user;
    ((struct pbuf *)handle)->refs++;
}

static void cb_unref(void *user, void *handle)
{
    (void)user;
    pbuf_unref(handle);
}

static void cb_random(void *user, uint8_t *buf, size_t len)
{
    uint64_t *state = user;
    for (size_t i = 0; i < len; i++) {
        if ((i & 7) == 0)
            *state = mix64(*state);
        buf[i] = (uint8_t)(*state >> (8 * (i & 7)));
    }
}

/* ---- messages ---- */

/* Tags in the PPID's high byte: who sends, which phase. */
#define TAG_TO_USRSCTP  0x01 /* side 0 -> side 1 */
#define TAG_TO_CORE     0x02 /* side 1 -> side 0 */
#define TAG_PR_TTL      0x03 /* side 0 -> side 1, with a lifetime */
#define TAG_PR_AFTER    0x04 /* side 0 -> side 1, after the lossy phase */
#define TAG_IBIT        0x05
#define TAG_PLAIN       0x06
#define TAG_LARGE       0x07 /* side 0 -> side 1, to a reader that pauses */
#define TAG_PR_TTL_IN   0x08 /* side 1 -> side 0, with a lifetime */
#define TAG_PR_IN_AFTER 0x09 /* side 1 -> side 0, after the lossy phase */

struct mix {
    uint16_t nstreams;
    uint16_t unordered_pct; /* percent of messages sent unordered */
    uint32_t small_max;     /* most messages: 1..small_max bytes */
    uint16_t medium_permille;
    uint32_t medium_max; /* small_max+1..medium_max */
    uint16_t big_permille;
    uint32_t big_max; /* medium_max+1..big_max */
};

static const struct mix mix_bulk = {NSTREAMS, 25, 512, 25, 4096, 5, 65536};
static const struct mix mix_small = {4, 25, 256, 0, 256, 0, 256};
static const struct mix mix_pr = {4, 25, 1000, 100, 4000, 0, 4000};
static const struct mix mix_large = {4, 25, 16384, 0, 16384, 0, 16384};

struct msgspec {
    uint32_t ppid; /* host order */
    uint16_t sid;
    bool unordered;
    uint32_t len;
    uint64_t key;
};

static void msg_spec(const struct mix *mx, uint32_t ppid, struct msgspec *m)
{
    uint64_t h = mix64(g_seed ^ ((uint64_t)ppid << 20) ^ 0xabcdef);
    uint64_t h2 = mix64(h);
    m->ppid = ppid;
    m->key = h2;
    m->sid = (uint16_t)(h % mx->nstreams);
    m->unordered = (h >> 16) % 100 < mx->unordered_pct;
    uint32_t r = (uint32_t)((h >> 24) % 1000);
    uint32_t x = (uint32_t)(h2 >> 32);
    if (r < mx->big_permille)
        m->len = mx->medium_max + 1 + x % (mx->big_max - mx->medium_max);
    else if (r < mx->big_permille + mx->medium_permille)
        m->len = mx->small_max + 1 + x % (mx->medium_max - mx->small_max);
    else
        m->len = 1 + x % mx->small_max;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void msg_fill(const struct msgspec *m, uint8_t *buf)
{
    uint64_t s = m->key;
    for (uint32_t i = 0; i < m->len; i += 8) {
        s = mix64(s);
        for (uint32_t k = 0; k < 8 && i + k < m->len; k++)
            buf[i + k] = (uint8_t)(s >> (8 * k));
    }
    if (m->len >= 12) {
        put_be32(buf, m->ppid);
        put_be32(buf + 4, m->len);
        put_be32(buf + 8, fnv1a(buf + 12, m->len - 12));
    }
}

static uint8_t *g_scratch; /* expected content, for checks */

/* Returns NULL if data is the message m, else what is wrong. */
static const char *msg_check(const struct msgspec *m, const uint8_t *data, size_t len)
{
    if (len != m->len)
        return "length differs";
    if (len >= 12) {
        if (get_be32(data) != m->ppid)
            return "embedded sequence number differs from the PPID";
        if (get_be32(data + 4) != len)
            return "embedded length differs";
        if (get_be32(data + 8) != fnv1a(data + 12, len - 12))
            return "checksum mismatch";
    }
    msg_fill(m, g_scratch);
    if (memcmp(g_scratch, data, len) != 0)
        return "content differs";
    return NULL;
}

/* A one-way flow of messages: what was sent, what arrived. */
struct flow {
    const char *name;
    uint8_t tag;
    int from; /* sending side */
    const struct mix *mx;
    uint32_t total, next;
    uint32_t ttl_ms;
    unsigned extra_flags; /* FLOW_SACK_IMMEDIATELY */
    uint8_t *seen;        /* per message: delivered */
    uint8_t *failed;      /* per message: 1 unsent, 2 sent (SEND_FAILED) */
    int64_t last_ordered[64];
    uint32_t received, n_failed, n_failed_unsent, n_failed_sent;
    uint64_t bytes_sent, bytes_received;
    uint32_t errors;
    uint64_t t_first_send, t_done;
};
#define FLOW_SACK_IMMEDIATELY 0x1

static void flow_init(struct flow *f, const char *name, uint8_t tag, int from, const struct mix *mx,
                      uint32_t total)
{
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->tag = tag;
    f->from = from;
    f->mx = mx;
    f->total = total;
    f->seen = calloc(total ? total : 1, 1);
    f->failed = calloc(total ? total : 1, 1);
    for (int i = 0; i < 64; i++)
        f->last_ordered[i] = -1;
}

static void flow_free(struct flow *f)
{
    free(f->seen);
    free(f->failed);
    f->seen = f->failed = NULL;
}

static bool flow_complete(const struct flow *f)
{
    return f->next == f->total && f->received == f->total;
}

/* Every message either delivered or reported failed. */
static bool flow_resolved(const struct flow *f)
{
    if (f->next != f->total)
        return false;
    for (uint32_t i = 0; i < f->total; i++)
        if (!f->seen[i] && !f->failed[i])
            return false;
    return true;
}

/* ---- the world: both sides, the link, the checks ---- */

struct side_state {
    int up, lost, shutdown_comp, shutdown_ev, cant_start, restart, eof, err, send_failed,
        remote_error, paddr, other;
    int last_err;
    uint16_t ostreams, istreams;
    uint8_t up_info[16];
    size_t up_info_len;
    uint8_t lost_info[SCTP_EV_CAUSE_MAX + 64];
    size_t lost_info_len;
    uint16_t lost_error;
    uint64_t rx_msgs;
};

struct world {
    const char *name;
    bool self_check; /* side 0 is a usrsctp socket too */
    struct link *link;
    uint16_t port0, port1;

    /* side 0: our core */
    struct sctp_endpoint *ep;
    uint64_t rng_state;
    uint32_t assoc_id;
    bool have_assoc;
    bool us_paused; /* usrsctp's application does not read (its window fills) */
    struct sctp_tx_packet txp;
    uint8_t *txbuf;
    int input_errors[16];

    /* side 0 in the self-check */
    struct usock *a;
    /* side 1 */
    struct usock *listener, *us;

    struct side_state st[2];
    struct flow *flows[4];
    unsigned nflows;

    /* checks */
    unsigned nfail;
    char first_fail[512];
    uint64_t t0;
    uint64_t iterations;
};

#define WFAIL(w, ...) world_fail((w), __LINE__, __VA_ARGS__)

__attribute__((format(printf, 3, 4))) static void world_fail(struct world *w, int line,
                                                             const char *fmt, ...)
{
    char msg[512];
    int n = snprintf(msg, sizeof(msg), "[%s] ", w->name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "FAIL %s (line %d)\n", msg, line);
    if (w->nfail++ == 0)
        snprintf(w->first_fail, sizeof(w->first_fail), "%s", msg);
    CU_assertImplementation(CU_FALSE, (unsigned)line, msg, __FILE__, "", CU_FALSE);
}

static void world_note(struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void world_note(struct world *w, const char *fmt, ...)
{
    va_list ap;
    printf("  [%s] ", w->name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static struct usock *side_sock(struct world *w, int side)
{
    return side == 0 ? w->a : w->us;
}

static void world_add_flow(struct world *w, struct flow *f)
{
    if (w->nflows < 4)
        w->flows[w->nflows++] = f;
}

static struct flow *flow_of(struct world *w, int to_side, uint8_t tag)
{
    for (unsigned i = 0; i < w->nflows; i++)
        if (w->flows[i]->tag == tag && w->flows[i]->from != to_side)
            return w->flows[i];
    return NULL;
}

/* A message arrived at side `to`. */
static void on_message(struct world *w, int to, uint16_t sid, uint32_t ppid_net, bool unordered,
                       const uint8_t *data, size_t len)
{
    uint32_t ppid = ntohl(ppid_net);
    uint8_t tag = (uint8_t)(ppid >> 24);
    uint32_t idx = ppid & 0xffffff;
    w->st[to].rx_msgs++;
    struct flow *f = flow_of(w, to, tag);
    if (!f) {
        WFAIL(w, "side %d got a message with unexpected PPID 0x%08x (sid %u, %zu bytes)", to, ppid,
              sid, len);
        return;
    }
    if (idx >= f->next) {
        WFAIL(w, "%s: message %u delivered but never sent", f->name, idx);
        f->errors++;
        return;
    }
    struct msgspec m;
    msg_spec(f->mx, ppid, &m);
    const char *why = NULL;
    if (sid != m.sid)
        why = "stream id differs";
    else if (unordered != m.unordered)
        why = "unordered flag differs";
    else
        why = msg_check(&m, data, len);
    if (why) {
        f->errors++;
        if (f->errors <= 5)
            WFAIL(w, "%s: message %u (sid %u, %u bytes%s): %s (got sid %u, %zu bytes%s)", f->name,
                  idx, m.sid, m.len, m.unordered ? ", unordered" : "", why, sid, len,
                  unordered ? ", unordered" : "");
        return;
    }
    if (f->seen[idx]) {
        f->errors++;
        if (f->errors <= 5)
            WFAIL(w, "%s: message %u delivered twice", f->name, idx);
        return;
    }
    f->seen[idx] = 1;
    f->received++;
    if (g_trace)
        fprintf(stderr, "trace %.6f deliver to %d: %s #%u sid %u%s %zu bytes\n",
                (double)(now_ns() - g_trace_t0) / 1e9, to, f->name, idx, sid,
                unordered ? " unordered" : "", len);
    f->bytes_received += len;
    if (!unordered && sid < 64) {
        if ((int64_t)idx <= f->last_ordered[sid]) {
            f->errors++;
            if (f->errors <= 5)
                WFAIL(w, "%s: ordered message %u on stream %u after message %lld", f->name, idx,
                      sid, (long long)f->last_ordered[sid]);
        }
        f->last_ordered[sid] = idx;
    }
    if (f->received == f->total && f->next == f->total && !f->t_done)
        f->t_done = now_ns();
}

static void on_send_failed(struct world *w, int side, uint32_t ppid_net, uint32_t flags)
{
    uint32_t ppid = ntohl(ppid_net);
    uint8_t tag = (uint8_t)(ppid >> 24);
    uint32_t idx = ppid & 0xffffff;
    w->st[side].send_failed++;
    struct flow *f = flow_of(w, !side, tag);
    if (!f || idx >= f->next) {
        WFAIL(w, "side %d: SEND_FAILED for an unknown message (PPID 0x%08x)", side, ppid);
        return;
    }
    if (f->failed[idx]) {
        /* usrsctp reports a message of several chunks once per chunk
         * (its SEND_FAILED carries one chunk's data); the core once. */
        if (side == 1 || w->self_check)
            return;
        WFAIL(w, "%s: two SEND_FAILED events for message %u", f->name, idx);
        return;
    }
    f->failed[idx] = (flags & SCTP_SEND_FAILED_UNSENT) ? 1 : 2;
    if (g_trace)
        fprintf(stderr, "trace %.6f send failed at %d: %s #%u %s\n",
                (double)(now_ns() - g_trace_t0) / 1e9, side, f->name, idx,
                f->failed[idx] == 1 ? "unsent" : "sent");
    f->n_failed++;
    if (flags & SCTP_SEND_FAILED_UNSENT)
        f->n_failed_unsent++;
    else
        f->n_failed_sent++;
}

/* ---- side 0: the core ---- */

static void core_input(struct world *w, const uint8_t *data, size_t len, uint64_t now)
{
    struct pbuf *b = pbuf_new((uint32_t)len);
    if (!b)
        return;
    memcpy(b->data, data, len);
    struct sctp_rx_packet rx = {
        .data = b->data,
        .len = (uint32_t)len,
        .handle = b,
        .src = sctp_addr_v4(LINK_SIDE1_ADDR),
        .dst = sctp_addr_v4(LINK_SIDE0_ADDR),
        .csum = SCTP_CSUM_UNCHECKED,
    };
    int r = sctp_endpoint_input(w->ep, &rx, now);
    if (r < 0 && -r < 16)
        w->input_errors[-r]++;
    pbuf_unref(b);
}

static void core_event(struct world *w, struct sctp_event *ev)
{
    struct side_state *s = &w->st[0];
    switch (ev->type) {
    case SCTP_EV_DATA: {
        size_t len = ev->u.data.len, off = 0;
        uint8_t *buf = w->txbuf + 65536; /* second half: message assembly */
        bool ok = len <= 128 * 1024;
        for (uint32_t i = 0; ok && i < ev->u.data.nfrags; i++) {
            const struct sctp_frag *fr = &ev->u.data.frags[i];
            if (off + fr->len > len) {
                ok = false;
                break;
            }
            memcpy(buf + off, fr->data, fr->len);
            off += fr->len;
        }
        if (!ok || off != len) {
            WFAIL(w, "core DATA event: fragments (%u) do not add up to len %zu", ev->u.data.nfrags,
                  len);
            break;
        }
        on_message(w, 0, ev->u.data.sid, ev->u.data.ppid,
                   (ev->u.data.flags & SCTP_EV_DATA_UNORDERED) != 0, buf, len);
        break;
    }
    case SCTP_EV_ASSOC_CHANGE:
        switch (ev->u.assoc_change.state) {
        case SCTP_COMM_UP:
            s->up++;
            w->assoc_id = ev->assoc_id;
            w->have_assoc = true;
            s->ostreams = ev->u.assoc_change.outbound_streams;
            s->istreams = ev->u.assoc_change.inbound_streams;
            break;
        case SCTP_COMM_LOST:
            s->lost++;
            s->lost_error = ev->u.assoc_change.error;
            s->lost_info_len = ev->u.assoc_change.info_len;
            if (s->lost_info_len > sizeof(s->lost_info))
                s->lost_info_len = sizeof(s->lost_info);
            memcpy(s->lost_info, ev->u.assoc_change.info, s->lost_info_len);
            break;
        case SCTP_RESTART:
            s->restart++;
            break;
        case SCTP_SHUTDOWN_COMP:
            s->shutdown_comp++;
            break;
        case SCTP_CANT_STR_ASSOC:
            s->cant_start++;
            break;
        }
        break;
    case SCTP_EV_SEND_FAILED:
        on_send_failed(w, 0, ev->u.send_failed.info.ppid, ev->u.send_failed.flags);
        break;
    case SCTP_EV_SHUTDOWN:
        s->shutdown_ev++;
        break;
    case SCTP_EV_REMOTE_ERROR:
        s->remote_error++;
        break;
    case SCTP_EV_PADDR_CHANGE:
        s->paddr++;
        break;
    default:
        s->other++;
        break;
    }
}

static int core_pump(struct world *w)
{
    int work = 0;
    uint64_t now = now_ns();
    if (sctp_endpoint_next_timeout(w->ep) <= now) {
        sctp_endpoint_handle_timeout(w->ep, now);
        work++;
    }
    for (int k = 0; k < STEP_BUDGET; k++) {
        if (sctp_endpoint_write_packet(w->ep, &w->txp, now) != 1)
            break;
        work++;
        uint32_t off = 0;
        for (uint16_t i = 0; i < w->txp.nsegs && off + w->txp.segs[i].len <= 65536; i++) {
            memcpy(w->txbuf + off, w->txp.segs[i].data, w->txp.segs[i].len);
            off += w->txp.segs[i].len;
        }
        if (off != w->txp.len) {
            WFAIL(w, "core packet: segments add up to %u, len says %u", off, w->txp.len);
            continue;
        }
        uint64_t seq = link_pass(w->link, w->txbuf, off, 0);
        if (seq)
            link_conninput(w->link, seq, w->txbuf, off);
    }
    struct sctp_event ev;
    for (int k = 0; k < STEP_BUDGET && sctp_endpoint_poll_event(w->ep, &ev) == 1; k++) {
        core_event(w, &ev);
        sctp_event_release(w->ep, &ev);
        work++;
    }
    return work;
}

/* ---- usrsctp sockets ---- */

static void usock_event(struct world *w, int side, const struct usock_ev *ev)
{
    struct side_state *s = &w->st[side];
    switch (ev->kind) {
    case USOCK_EV_DATA:
        on_message(w, side, ev->sid, ev->ppid, ev->unordered != 0, ev->data, ev->len);
        break;
    case USOCK_EV_ASSOC_CHANGE:
        switch (ev->state) {
        case USOCK_COMM_UP:
            s->up++;
            s->ostreams = ev->ostreams;
            s->istreams = ev->istreams;
            s->up_info_len = ev->len < sizeof(s->up_info) ? ev->len : sizeof(s->up_info);
            memcpy(s->up_info, ev->data, s->up_info_len);
            break;
        case USOCK_COMM_LOST:
            s->lost++;
            s->lost_error = ev->error;
            s->lost_info_len = ev->len < sizeof(s->lost_info) ? ev->len : sizeof(s->lost_info);
            memcpy(s->lost_info, ev->data, s->lost_info_len);
            break;
        case USOCK_RESTART:
            s->restart++;
            break;
        case USOCK_SHUTDOWN_COMP:
            s->shutdown_comp++;
            break;
        case USOCK_CANT_STR_ASSOC:
            s->cant_start++;
            break;
        }
        break;
    case USOCK_EV_SHUTDOWN:
        s->shutdown_ev++;
        break;
    case USOCK_EV_SEND_FAILED:
        on_send_failed(w, side, ev->ppid, ev->sf_flags);
        break;
    case USOCK_EV_REMOTE_ERROR:
        s->remote_error++;
        break;
    case USOCK_EV_PADDR_CHANGE:
        s->paddr++;
        break;
    case USOCK_EV_EOF:
        s->eof++;
        break;
    case USOCK_EV_ERROR:
        s->err++;
        s->last_err = ev->err;
        break;
    default:
        s->other++;
        break;
    }
}

static int usock_pump(struct world *w)
{
    int work = 0;
    if (w->listener && !w->us) {
        int again = 0;
        w->us = usock_accept(w->listener, &again);
        if (w->us)
            work++;
    }
    for (int side = 0; side < 2; side++) {
        struct usock *s = side_sock(w, side);
        if (!s || (side == 1 && w->us_paused))
            continue;
        struct usock_ev ev;
        for (int k = 0; k < STEP_BUDGET && usock_recv(s, &ev) == 1; k++) {
            usock_event(w, side, &ev);
            work++;
        }
    }
    return work;
}

/* ---- sending ---- */

/* Returns 0, -EAGAIN, or another negative error. */
static int side_send(struct world *w, int side, const struct msgspec *m, struct pbuf *b,
                     unsigned flags, uint32_t ttl_ms)
{
    if (side == 0 && w->ep) {
        if (!w->have_assoc)
            return -EAGAIN;
        struct sctp_sndinfo si;
        memset(&si, 0, sizeof(si));
        si.sid = m->sid;
        si.ppid = htonl(m->ppid);
        si.flags = (uint16_t)((m->unordered ? SCTP_UNORDERED : 0) |
                              ((flags & FLOW_SACK_IMMEDIATELY) ? SCTP_SACK_IMMEDIATELY : 0));
        if (ttl_ms) {
            si.pr_policy = SCTP_PR_SCTP_TTL;
            si.pr_value = ttl_ms;
        }
        struct sctp_frag fr = {.data = b->data, .len = b->len, .handle = b};
        int r = sctp_endpoint_send(w->ep, w->assoc_id, &si, &fr, now_ns());
        if (r >= 1)
            return 0;
        return r == SCTP_ERR_AGAIN ? -EAGAIN : r;
    }
    struct usock *s = side_sock(w, side);
    if (!s)
        return -EAGAIN;
    unsigned uf = (m->unordered ? USOCK_UNORDERED : 0) |
                  ((flags & FLOW_SACK_IMMEDIATELY) ? USOCK_SACK_IMMEDIATELY : 0);
    return usock_send(s, b->data, b->len, m->sid, htonl(m->ppid), uf, ttl_ms);
}

/* Sends up to budget messages of f; stops at a full send queue. */
static int flow_send(struct world *w, struct flow *f, uint32_t budget)
{
    int sent = 0;
    while (f->next < f->total && budget--) {
        struct msgspec m;
        msg_spec(f->mx, (uint32_t)f->tag << 24 | f->next, &m);
        struct pbuf *b = pbuf_new(m.len);
        if (!b)
            return sent;
        msg_fill(&m, b->data);
        int r = side_send(w, f->from, &m, b, f->extra_flags, f->ttl_ms);
        pbuf_unref(b);
        if (r == -EAGAIN)
            break;
        if (r < 0) {
            WFAIL(w, "%s: send of message %u (%u bytes) failed: %d (%s)", f->name, f->next, m.len,
                  r, w->ep && f->from == 0 ? sctp_strerror(r) : strerror(-r));
            f->errors++;
            f->next = f->total; /* stop this flow */
            break;
        }
        if (!f->t_first_send)
            f->t_first_send = now_ns();
        f->next++;
        f->bytes_sent += m.len;
        sent++;
    }
    return sent;
}

/* ---- the loop ---- */

static int world_step(struct world *w)
{
    int work = 0;
    uint64_t now = now_ns();
    for (int k = 0; k < STEP_BUDGET; k++) {
        struct link_pkt *p = link_pop(w->link);
        if (!p)
            break;
        work++;
        uint64_t seq = link_pass(w->link, p->data, p->len, p->during_input);
        if (seq) {
            if (w->ep)
                core_input(w, p->data, p->len, now);
            else
                link_conninput(w->link, seq, p->data, p->len);
        }
        free(p);
    }
    if (w->ep)
        work += core_pump(w);
    work += usock_pump(w);
    for (unsigned i = 0; i < w->nflows; i++)
        work += flow_send(w, w->flows[i], 64);
    w->iterations++;
    return work;
}

typedef bool (*world_cond)(struct world *w);

static void world_dump(struct world *w)
{
    for (int s = 0; s < 2; s++) {
        struct side_state *x = &w->st[s];
        fprintf(stderr,
                "    side %d (%s): up %d lost %d shutdown %d shutdown_comp %d cant_start %d "
                "eof %d err %d(%d) send_failed %d rx %llu\n",
                s, s == 0 ? (w->ep ? "core" : "usrsctp A") : "usrsctp", x->up, x->lost,
                x->shutdown_ev, x->shutdown_comp, x->cant_start, x->eof, x->err, x->last_err,
                x->send_failed, (unsigned long long)x->rx_msgs);
    }
    for (unsigned i = 0; i < w->nflows; i++) {
        struct flow *f = w->flows[i];
        fprintf(stderr, "    flow %s: sent %u/%u received %u failed %u errors %u\n", f->name,
                f->next, f->total, f->received, f->n_failed, f->errors);
    }
    if (w->ep && w->have_assoc) {
        struct sctp_assoc_info ai;
        if (sctp_assoc_get_info(w->ep, w->assoc_id, &ai) == 0)
            fprintf(stderr,
                    "    core assoc %u: %s peer_rwnd %u outstanding %u queued %u next_tsn %u "
                    "cum_ack_in %u rtx %llu t3 %llu cwnd %u rto %llums\n",
                    ai.assoc_id, sctp_state_name(ai.state), ai.peer_rwnd, ai.outstanding_bytes,
                    ai.queued_bytes, ai.next_tsn, ai.cum_ack_in,
                    (unsigned long long)ai.retransmissions, (unsigned long long)ai.t3_expiries,
                    ai.n_paths ? ai.paths[0].cwnd : 0,
                    ai.n_paths ? (unsigned long long)(ai.paths[0].rto / SCTP_MS) : 0ull);
        else
            fprintf(stderr, "    core assoc %u: gone\n", w->assoc_id);
    }
    if (w->us) {
        struct usock_status us;
        if (usock_status(w->us, &us) == 0)
            fprintf(stderr, "    usrsctp: state %d rwnd %u unacked %u pending %u\n", us.state,
                    us.rwnd, us.unacked, us.pending);
    }
    for (int d = 0; d < 2; d++) {
        const struct link_dir_stats *ls = link_stats(w->link, d);
        fprintf(stderr, "    link to side %d: %llu packets, %llu lost\n", d,
                (unsigned long long)ls->packets, (unsigned long long)ls->dropped);
    }
    for (int e = 1; e < 16; e++)
        if (w->input_errors[e])
            fprintf(stderr, "    core input: %d x %s\n", w->input_errors[e], sctp_strerror(-e));
}

/* Runs the loop until cond holds. Fails the test (and returns false) on
 * the deadline or the iteration bound. */
static bool world_run(struct world *w, world_cond cond, double secs, const char *what)
{
    uint64_t deadline = now_ns() + (uint64_t)(secs * 1e9);
    while (w->iterations < MAX_ITERATIONS) {
        if (cond(w))
            return true;
        int work = world_step(w);
        uint64_t now = now_ns();
        if (now > deadline) {
            if (cond(w))
                return true;
            WFAIL(w, "timed out after %.1f s waiting for %s", secs, what);
            world_dump(w);
            return false;
        }
        if (!work) {
            uint64_t wait = 1000000; /* 1 ms: also polls usrsctp's sockets */
            if (w->ep) {
                uint64_t t = sctp_endpoint_next_timeout(w->ep);
                if (t > now && t - now < wait)
                    wait = t - now;
                else if (t <= now)
                    wait = 0;
            }
            if (wait)
                link_wait(w->link, wait);
        }
    }
    WFAIL(w, "loop bound reached waiting for %s", what);
    world_dump(w);
    return false;
}

/* Runs the loop for a while regardless. */
static void world_idle(struct world *w, double secs)
{
    uint64_t until = now_ns() + (uint64_t)(secs * 1e9);
    while (now_ns() < until && w->iterations < MAX_ITERATIONS) {
        if (!world_step(w))
            link_wait(w->link, 1000000);
    }
}

/* ---- setup and teardown ---- */

static uint16_t g_next_port = 5000;

static bool world_init(struct world *w, const char *name, bool self_check)
{
    memset(w, 0, sizeof(*w));
    w->name = name;
    w->self_check = self_check;
    w->port0 = g_next_port + 1;
    w->port1 = g_next_port + 2;
    g_next_port += 10;
    w->t0 = now_ns();
    w->txbuf = malloc(65536 + 128 * 1024);
    w->link = link_new(g_seed ^ mix64((uint64_t)w->port0), w->port0);
    if (!w->txbuf || !w->link) {
        WFAIL(w, "out of memory");
        return false;
    }
    link_set_loss(w->link, LINK_TO_SIDE0, g_loss);
    link_set_loss(w->link, LINK_TO_SIDE1, g_loss);
    const char *pfx = getenv("SCTPDP_INTEROP_PCAP");
    if (pfx && *pfx) {
        char path[512];
        snprintf(path, sizeof(path), "%s-%s.pcap", pfx, name);
        if (link_pcap(w->link, path) < 0)
            fprintf(stderr, "  [%s] cannot write %s\n", name, path);
    }
    if (self_check)
        return true;
    struct sctp_config cfg;
    sctp_config_default(&cfg);
    cfg.port = w->port0;
    cfg.n_addrs = 1;
    cfg.addrs[0] = sctp_addr_v4(LINK_SIDE0_ADDR);
    cfg.num_ostreams = 16;
    cfg.max_instreams = 16;
    cfg.rto_initial = 100 * SCTP_MS;
    cfg.rto_min = 20 * SCTP_MS;
    cfg.rto_max = 400 * SCTP_MS;
    cfg.hb_interval = 1 * SCTP_SEC;
    cfg.sack_delay = 20 * SCTP_MS;
    cfg.pr_sctp = true;
    w->rng_state = g_seed ^ 0x5eed;
    struct sctp_callbacks cb = {
        .user = &w->rng_state,
        .payload_ref = cb_ref,
        .payload_unref = cb_unref,
        .random = cb_random,
    };
    w->ep = sctp_endpoint_new(&cfg, &cb, now_ns());
    if (!w->ep) {
        WFAIL(w, "sctp_endpoint_new failed");
        return false;
    }
    return true;
}

static void world_report(struct world *w)
{
    const struct link_dir_stats *to1 = link_stats(w->link, LINK_TO_SIDE1);
    const struct link_dir_stats *to0 = link_stats(w->link, LINK_TO_SIDE0);
    printf("  [%s] %s in %.2f s; link to usrsctp %llu packets (%llu lost), to %s %llu packets "
           "(%llu lost)\n",
           w->name, w->nfail ? "FAILED" : "passed", secs_since(w->t0),
           (unsigned long long)to1->packets, (unsigned long long)to1->dropped,
           w->ep ? "core" : "usrsctp A", (unsigned long long)to0->packets,
           (unsigned long long)to0->dropped);
    if (to0->stray + to1->stray)
        printf("  [%s] %llu stray packet(s) of an earlier scenario's ports passed through\n",
               w->name, (unsigned long long)(to0->stray + to1->stray));
    if (w->ep && w->have_assoc) {
        struct sctp_assoc_info ai;
        if (sctp_assoc_get_info(w->ep, w->assoc_id, &ai) == 0)
            printf("  [%s] core: state %s, retransmissions %llu (fast %llu), T3 expiries %llu\n",
                   w->name, sctp_state_name(ai.state), (unsigned long long)ai.retransmissions,
                   (unsigned long long)ai.fast_retransmissions, (unsigned long long)ai.t3_expiries);
    }
    fflush(stdout);
}

static void world_free(struct world *w)
{
    /* Cut the wire first: whatever usrsctp sends from now on is lost. */
    struct link *l = w->link;
    if (w->us)
        usock_close_abort(w->us);
    if (w->a)
        usock_close_abort(w->a);
    if (w->listener)
        usock_close(w->listener);
    w->us = w->a = w->listener = NULL;
    if (w->ep) {
        sctp_endpoint_free(w->ep);
        w->ep = NULL;
        if (g_live_pbufs != 0)
            WFAIL(w, "%ld payload buffers still referenced after sctp_endpoint_free", g_live_pbufs);
    }
    g_live_pbufs = 0;
    if (l)
        link_free(l);
    w->link = NULL;
    for (unsigned i = 0; i < w->nflows; i++)
        flow_free(w->flows[i]);
    free(w->txbuf);
    w->txbuf = NULL;
}

static bool both_up(struct world *w)
{
    return w->st[0].up > 0 && w->st[1].up > 0 && w->us != NULL;
}

/* Associates the two sides: side 1 (usrsctp) connects if by_usrsctp,
 * otherwise side 0 does. */
static bool world_associate(struct world *w, bool by_usrsctp)
{
    if (by_usrsctp) {
        if (w->self_check) {
            WFAIL(w, "the self-check connects from side 0 only");
            return false;
        }
        w->us = usock_connect(w->port1, w->port0, 16);
        if (!w->us) {
            WFAIL(w, "usrsctp connect failed: %s", strerror(errno));
            return false;
        }
    } else {
        w->listener = usock_listen(w->port1);
        if (!w->listener) {
            WFAIL(w, "usrsctp listen failed: %s", strerror(errno));
            return false;
        }
        if (w->self_check) {
            w->a = usock_connect(w->port0, w->port1, 16);
            if (!w->a) {
                WFAIL(w, "usrsctp connect failed: %s", strerror(errno));
                return false;
            }
        } else {
            struct sctp_addr peer = sctp_addr_v4(LINK_SIDE1_ADDR);
            int r = sctp_endpoint_connect(w->ep, &peer, 1, w->port1, 16, NULL, NULL, &w->assoc_id,
                                          now_ns());
            if (r < 0) {
                WFAIL(w, "sctp_endpoint_connect: %s", sctp_strerror(r));
                return false;
            }
            w->have_assoc = true;
        }
    }
    if (!world_run(w, both_up, 20, "COMM_UP on both sides"))
        return false;
    if (w->listener) {
        usock_close(w->listener);
        w->listener = NULL;
    }
    return true;
}

static void check_no_chunk(struct world *w, uint8_t type, const char *what)
{
    for (int d = 0; d < 2; d++) {
        uint64_t n = link_stats(w->link, d)->chunks[type];
        if (n)
            WFAIL(w, "%llu %s chunk(s) sent to %s", (unsigned long long)n, what,
                  d == LINK_TO_SIDE1 ? "usrsctp" : (w->ep ? "the core" : "usrsctp A"));
    }
}

/* The association went on: no ABORT or ERROR either way, none lost. */
static void check_went_on(struct world *w)
{
    check_no_chunk(w, 6, "ABORT");
    check_no_chunk(w, 9, "ERROR");
    if (w->st[1].lost || w->st[0].lost)
        WFAIL(w, "association lost (core %d, usrsctp %d)", w->st[0].lost, w->st[1].lost);
}

/* ---- scenarios ---- */

static bool flows_complete(struct world *w)
{
    for (unsigned i = 0; i < w->nflows; i++)
        if (!flow_complete(w->flows[i]))
            return false;
    return true;
}

static bool exchange(struct world *w, const struct mix *mx, uint32_t n, double secs)
{
    static struct flow f01, f10;
    /* A second exchange in one world takes the flows over again. */
    bool again = false;
    for (unsigned i = 0; i < w->nflows; i++)
        again |= w->flows[i] == &f01;
    if (again) {
        flow_free(&f01);
        flow_free(&f10);
    }
    flow_init(&f01, "core->usrsctp", TAG_TO_USRSCTP, 0, mx, n);
    flow_init(&f10, "usrsctp->core", TAG_TO_CORE, 1, mx, n);
    if (w->self_check) {
        f01.name = "A->B";
        f10.name = "B->A";
    }
    if (!again) {
        world_add_flow(w, &f01);
        world_add_flow(w, &f10);
    }
    uint64_t t = now_ns();
    bool ok = world_run(w, flows_complete, secs, "every message delivered both ways");
    double dt = secs_since(t);
    world_note(w, "%u + %u messages (%.1f + %.1f MB) in %.2f s, %u + %u errors", f01.received,
               f10.received, (double)f01.bytes_received / 1e6, (double)f10.bytes_received / 1e6, dt,
               f01.errors, f10.errors);
    if (f01.errors || f10.errors)
        ok = false;
    return ok;
}

static uint32_t bulk_messages(void)
{
    uint64_t def = env_u64("SCTPDP_SANITIZED", 0) ? 10000 : 100000;
    uint64_t n = env_u64("SCTPDP_INTEROP_MSGS", def);
    return n > 0xffffff ? 0xffffff : (uint32_t)n;
}

static bool should_run(const char *name)
{
    const char *only = getenv("SCTPDP_INTEROP_ONLY");
    return !only || !*only || strstr(name, only);
}

/* 0: the link and the usrsctp side, usrsctp against itself. */
static void test_selfcheck(void)
{
    struct world w;
    if (world_init(&w, "selfcheck", true) && world_associate(&w, false))
        exchange(&w, &mix_bulk, 2000, 60);
    world_report(&w);
    world_free(&w);
}

static void check_streams(struct world *w)
{
    if (w->st[0].ostreams == 0 || w->st[0].istreams == 0)
        WFAIL(w, "core COMM_UP reports %u outbound, %u inbound streams", w->st[0].ostreams,
              w->st[0].istreams);
    if (w->st[0].ostreams != w->st[1].istreams || w->st[0].istreams != w->st[1].ostreams)
        WFAIL(w, "stream counts disagree: core out %u in %u, usrsctp out %u in %u",
              w->st[0].ostreams, w->st[0].istreams, w->st[1].ostreams, w->st[1].istreams);
}

/* The short scenarios run several times over fresh associations, so that
 * the 5% loss hits their few packets somewhere. */
#define ROUNDS 8

static void rounds(const char *what, unsigned (*fn)(const char *name))
{
    unsigned ok = 0;
    for (unsigned i = 1; i <= ROUNDS; i++) {
        char name[64];
        snprintf(name, sizeof(name), "%s.%u", what, i);
        ok += fn(name) == 0;
    }
    printf("  [%s] %u/%u rounds passed\n", what, ok, ROUNDS);
}

/* 1 and 2: the association is started by usrsctp, or by us. */
static unsigned setup_round(const char *name, bool usrsctp_connects)
{
    struct world w;
    if (world_init(&w, name, false) && world_associate(&w, usrsctp_connects)) {
        check_streams(&w);
        exchange(&w, &mix_small, 200, 30);
    }
    world_report(&w);
    world_free(&w);
    return w.nfail;
}

static unsigned setup_by_usrsctp_round(const char *name)
{
    return setup_round(name, true);
}

static unsigned setup_by_core_round(const char *name)
{
    return setup_round(name, false);
}

static void test_setup_by_usrsctp(void)
{
    rounds("setup-by-usrsctp", setup_by_usrsctp_round);
}

static void test_setup_by_core(void)
{
    rounds("setup-by-core", setup_by_core_round);
}

/* 3: many messages each way, fragmented ones too, several streams. */
static void test_bulk(void)
{
    struct world w;
    uint32_t n = bulk_messages();
    if (world_init(&w, "bulk", false) && world_associate(&w, false)) {
        world_note(&w, "%u messages each way, %.0f%% loss each way", n, g_loss * 100);
        exchange(&w, &mix_bulk, n, 420);
    }
    world_report(&w);
    world_free(&w);
}

/* 4: PR-SCTP TTL. Tracks, on the link, which bytes of each message got
 * through to usrsctp: a message we abandoned may be delivered only if all
 * of its bytes had reached usrsctp. */
#define PR_TSN_WINDOW (1u << 16)
#define PR_SIDS       16

struct pr_obs {
    bool dropped; /* the packet being walked was lost */
    /* Ordered SSNs per stream: put on the wire at all, delivered to
     * usrsctp; the highest SSN any delivered FORWARD TSN reported. */
    uint8_t ssn_wire[PR_SIDS][8192], ssn_passed[PR_SIDS][8192];
    int32_t ssn_max_wire[PR_SIDS], fwd_ssn_max[PR_SIDS];
    bool have_base;
    uint32_t base_tsn;
    uint8_t *tsn_seen; /* bitmap: TSN delivered to usrsctp at least once */
    /* Every DATA chunk put on the wire, by TSN: its PPID and flags
     * (0x80: seen). */
    uint32_t tsn_ppid[PR_TSN_WINDOW];
    uint8_t tsn_flags[PR_TSN_WINDOW];
    uint32_t *passed_bytes;
    uint32_t n;
    uint64_t fwd_tsn_passed, data_chunks_passed;
    uint32_t ppid_mismatch;
};

static void pr_chunk(void *arg, uint8_t type, uint8_t flags, const uint8_t *c, uint16_t len)
{
    struct pr_obs *o = arg;
    if (type == 192 && !o->dropped) {
        o->fwd_tsn_passed++;
        for (uint16_t off = 8; off + 4 <= len; off += 4) {
            uint16_t sid = get_be16(c + off), ssn = get_be16(c + off + 2);
            if (sid < PR_SIDS && (int32_t)ssn > o->fwd_ssn_max[sid])
                o->fwd_ssn_max[sid] = ssn;
        }
        return;
    }
    if (type != 0 || len < 16)
        return;
    uint16_t sid = get_be16(c + 8), ssn = get_be16(c + 10);
    if (!(flags & 0x04) && sid < PR_SIDS) {
        o->ssn_wire[sid][ssn >> 3] |= (uint8_t)(1u << (ssn & 7));
        if ((int32_t)ssn > o->ssn_max_wire[sid])
            o->ssn_max_wire[sid] = ssn;
        if (!o->dropped)
            o->ssn_passed[sid][ssn >> 3] |= (uint8_t)(1u << (ssn & 7));
    }
    uint32_t tsn = get_be32(c + 4);
    uint32_t ppid = get_be32(c + 12);
    if (!o->have_base) {
        o->have_base = true;
        o->base_tsn = tsn;
    }
    uint32_t off = tsn - o->base_tsn;
    if (off >= PR_TSN_WINDOW)
        return;
    o->tsn_ppid[off] = ppid;
    o->tsn_flags[off] = (uint8_t)(flags | 0x80);
    if (o->dropped)
        return;
    o->data_chunks_passed++;
    if (o->tsn_seen[off >> 3] & (1u << (off & 7)))
        return;
    o->tsn_seen[off >> 3] |= (uint8_t)(1u << (off & 7));
    if (ppid >> 24 != TAG_PR_TTL) {
        if (ppid >> 24 != TAG_PR_AFTER)
            o->ppid_mismatch++;
        return;
    }
    uint32_t idx = ppid & 0xffffff;
    if (idx < o->n)
        o->passed_bytes[idx] += len - 16u;
}

static struct flow *g_pr_flow;

static void pr_observer(void *arg, int dir, const uint8_t *pkt, size_t len, bool dropped,
                        uint64_t seq, uint64_t during_input)
{
    (void)seq;
    (void)during_input;
    struct pr_obs *o = arg;
    if (dir != LINK_TO_SIDE1)
        return;
    o->dropped = dropped;
    link_walk_chunks(pkt, len, pr_chunk, arg);
}

/* RFC 9260 6.9: the fragments of a message carry consecutive TSNs, the
 * first with B, the last with E. A TSN right after a fragment without E
 * must hold the next fragment of the same message. */
static void pr_check_fragments(struct world *w, const struct pr_obs *o)
{
    unsigned bad = 0;
    for (uint32_t t = 0; t + 1 < PR_TSN_WINDOW; t++) {
        uint8_t f = o->tsn_flags[t], g = o->tsn_flags[t + 1];
        if (!(f & 0x80) || (f & 0x01) || !(g & 0x80))
            continue;
        if (o->tsn_ppid[t + 1] == o->tsn_ppid[t] && !(g & 0x02))
            continue;
        if (++bad <= 3)
            WFAIL(w,
                  "TSN %u is a fragment without E of message #%u (flags 0x%02x), but TSN %u "
                  "carries %s of message #%u (flags 0x%02x): the rest of the message never got "
                  "TSNs (RFC 9260 6.9; RFC 3758 3.5 A3)",
                  o->base_tsn + t, o->tsn_ppid[t] & 0xffffff, f & 0x0f, o->base_tsn + t + 1,
                  (g & 0x03) == 0x03 ? "all"
                  : (g & 0x02)       ? "the first fragment"
                                     : "a fragment",
                  o->tsn_ppid[t + 1] & 0xffffff, g & 0x0f);
    }
    if (bad > 3)
        WFAIL(w, "%u messages in all lost the TSNs of their unsent fragments", bad);
}

static bool bit(const uint8_t *map, uint32_t i)
{
    return map[i >> 3] & (1u << (i & 7));
}

/* Explains a stalled ordered stream at usrsctp: the first SSN it never
 * got that no FORWARD TSN let it skip. */
static void pr_diagnose(struct world *w, const struct pr_obs *o)
{
    const struct flow *f = g_pr_flow;
    unsigned shown = 0;
    for (uint32_t i = 0; f && i < f->next && shown < 5; i++) {
        if (f->seen[i] || f->failed[i])
            continue;
        struct msgspec m;
        msg_spec(f->mx, (uint32_t)f->tag << 24 | i, &m);
        WFAIL(w,
              "message %u (sid %u, %s, %u bytes) was neither delivered nor reported failed; "
              "%u of its bytes reached usrsctp",
              i, m.sid, m.unordered ? "unordered" : "ordered", m.len,
              i < o->n ? o->passed_bytes[i] : 0);
        shown++;
    }
    for (uint16_t sid = 0; sid < PR_SIDS; sid++) {
        for (int32_t ssn = 0; ssn <= o->ssn_max_wire[sid]; ssn++) {
            if (ssn <= o->fwd_ssn_max[sid] || bit(o->ssn_passed[sid], (uint32_t)ssn))
                continue;
            uint32_t never = 0;
            for (int32_t k = ssn; k <= o->ssn_max_wire[sid]; k++)
                never += !bit(o->ssn_wire[sid], (uint32_t)k);
            WFAIL(w,
                  "stream %u: usrsctp waits for SSN %d, %s; the highest SSN any FORWARD TSN "
                  "reported for the stream is %d (%u SSNs from %d up never appeared on the "
                  "wire)",
                  sid, ssn,
                  bit(o->ssn_wire[sid], (uint32_t)ssn) ? "sent but lost"
                                                       : "never sent in any DATA chunk",
                  o->fwd_ssn_max[sid], never, ssn);
            break;
        }
    }
}

static struct flow *g_one_flow;

static bool one_flow_complete(struct world *w)
{
    (void)w;
    return flow_complete(g_one_flow);
}

static bool pr_resolved(struct world *w)
{
    if (!flow_resolved(g_pr_flow))
        return false;
    struct sctp_assoc_info ai;
    if (sctp_assoc_get_info(w->ep, w->assoc_id, &ai) != 0)
        return true;
    return ai.outstanding_bytes == 0 && ai.queued_bytes == 0;
}

/* A PR-SCTP phase: n messages of mix_pr with a lifetime of ttl ms from
 * side `from`, over a link that loses `loss` toward the other side,
 * until cond holds (every message delivered or reported failed) or 30 s
 * have passed. */
static bool pr_phase(struct world *w, struct flow *f, const char *name, uint8_t tag, int from,
                     uint32_t n, uint32_t ttl, double loss, world_cond cond)
{
    link_set_loss(w->link, from == 0 ? LINK_TO_SIDE1 : LINK_TO_SIDE0, loss);
    flow_init(f, name, tag, from, &mix_pr, n);
    f->ttl_ms = ttl;
    world_add_flow(w, f);
    uint64_t t = now_ns();
    bool ok = world_run(w, cond, 30, "every TTL message delivered or reported failed");
    world_note(w,
               "%u messages, TTL %u ms, %.0f%% loss to %s: %u delivered, %u SEND_FAILED at %s "
               "(%u unsent, %u sent), %.2f s",
               n, ttl, loss * 100, from == 0 ? "usrsctp" : "the core", f->received, f->n_failed,
               from == 0 ? "the core" : "usrsctp", f->n_failed_unsent, f->n_failed_sent,
               secs_since(t));
    return ok;
}

static void test_pr_ttl(void)
{
    struct world w;
    static struct flow f, after;
    static struct pr_obs o;
    memset(&o, 0, sizeof(o));
    for (int i = 0; i < PR_SIDS; i++)
        o.ssn_max_wire[i] = o.fwd_ssn_max[i] = -1;
    const uint32_t n = 3000, n_after = 300, ttl = 30;
    const double heavy = 0.30;
    o.n = n;
    o.tsn_seen = calloc(PR_TSN_WINDOW / 8, 1);
    o.passed_bytes = calloc(n, sizeof(uint32_t));
    if (!world_init(&w, "pr-sctp-ttl", false))
        goto out;
    link_set_observer(w.link, pr_observer, &o);
    if (!usock_pr_enabled())
        WFAIL(&w, "usrsctp has PR-SCTP disabled (sysctl pr_enable)");
    if (!world_associate(&w, false))
        goto out;
    /* usrsctp lists what both ends support in its COMM_UP. */
    if (!memchr(w.st[1].up_info, 0x01, w.st[1].up_info_len))
        WFAIL(&w, "usrsctp's COMM_UP does not list PR-SCTP as supported by both ends");

    g_pr_flow = &f;
    if (!pr_phase(&w, &f, "core->usrsctp ttl", TAG_PR_TTL, 0, n, ttl, heavy, pr_resolved))
        pr_diagnose(&w, &o);
    if (f.n_failed == 0)
        WFAIL(&w, "no message expired: no SCTP_EV_SEND_FAILED at all");
    pr_check_fragments(&w, &o);
    uint32_t both = 0, bad = 0;
    for (uint32_t i = 0; i < f.next; i++) {
        if (!f.failed[i] || !f.seen[i])
            continue;
        both++;
        struct msgspec m;
        msg_spec(f.mx, (uint32_t)TAG_PR_TTL << 24 | i, &m);
        if (f.failed[i] == 1 || o.passed_bytes[i] < m.len) {
            if (++bad <= 5)
                WFAIL(&w,
                      "usrsctp delivered abandoned message %u (%s, %u of %u bytes had reached "
                      "it)",
                      i, f.failed[i] == 1 ? "reported unsent" : "reported sent", o.passed_bytes[i],
                      m.len);
        }
    }
    world_note(&w, "%u abandoned messages had reached usrsctp whole and were delivered", both);
    if (o.fwd_tsn_passed == 0)
        WFAIL(&w, "no FORWARD TSN reached usrsctp");
    if (o.ppid_mismatch)
        WFAIL(&w, "%u DATA chunks of the TTL phase carried a foreign PPID", o.ppid_mismatch);

    /* The association must go on: reliable messages after the lossy
     * phase all arrive. */
    link_set_loss(w.link, LINK_TO_SIDE1, g_loss);
    flow_init(&after, "core->usrsctp after", TAG_PR_AFTER, 0, &mix_small, n_after);
    world_add_flow(&w, &after);
    g_one_flow = &after;
    if (!world_run(&w, one_flow_complete, 20, "the messages sent after the lossy phase"))
        pr_diagnose(&w, &o);
    world_note(&w,
               "%u/%u messages after the lossy phase delivered; %llu FORWARD TSN reached "
               "usrsctp",
               after.received, n_after, (unsigned long long)o.fwd_tsn_passed);
    struct usock_status us;
    if (usock_status(w.us, &us) != 0 || us.state != USOCK_ST_ESTABLISHED)
        WFAIL(&w, "usrsctp's association is not ESTABLISHED after the PR-SCTP phase");
    check_went_on(&w);
out:
    world_report(&w);
    world_free(&w);
    free(o.tsn_seen);
    free(o.passed_bytes);
    g_pr_flow = NULL;
}

/* 10: PR-SCTP the other way. usrsctp sends 3,000 messages with a 30 ms
 * lifetime (a quarter unordered, some of several fragments) over a link
 * that loses 15% toward the core (at 30% usrsctp's own timers make the
 * phase take half a minute); usrsctp gives messages up and sends
 * FORWARD TSNs, the core skips what they name. Every message the core
 * delivers is whole and right, in order on its stream, and none that
 * usrsctp reported unsent arrives. Then 300 reliable messages over the
 * usual link all arrive, and once usrsctp has nothing left unacknowledged
 * nothing stays held for reassembly at the core: a message given up in
 * the middle would stay there for good, and an ordered stream behind it
 * would stop. (usrsctp sends a lost FORWARD TSN again only when a SACK
 * comes, hence the check after the reliable phase.) */
static struct flow *g_pr_in;

static bool pr_in_resolved(struct world *w)
{
    (void)w;
    return flow_resolved(g_pr_in);
}

static bool pr_in_after_done(struct world *w)
{
    struct usock_status us;
    return flow_complete(g_one_flow) && usock_status(w->us, &us) == 0 && us.unacked == 0 &&
           us.pending == 0;
}

static void test_pr_ttl_from_usrsctp(void)
{
    struct world w;
    static struct flow f, after;
    const uint32_t n = 3000, n_after = 300, ttl = 30;
    const double heavy = 0.15;
    if (!world_init(&w, "pr-sctp-ttl-from-usrsctp", false))
        goto out;
    if (!usock_pr_enabled())
        WFAIL(&w, "usrsctp has PR-SCTP disabled (sysctl pr_enable)");
    if (!world_associate(&w, false))
        goto out;
    g_pr_in = &f;
    pr_phase(&w, &f, "usrsctp->core ttl", TAG_PR_TTL_IN, 1, n, ttl, heavy, pr_in_resolved);
    if (f.n_failed == 0)
        WFAIL(&w, "no message expired at usrsctp");
    if (f.received == 0)
        WFAIL(&w, "no message delivered");
    uint32_t unsent_delivered = 0;
    for (uint32_t i = 0; i < f.next; i++)
        unsent_delivered += f.failed[i] == 1 && f.seen[i];
    if (unsent_delivered)
        WFAIL(&w, "%u messages usrsctp reported unsent were delivered", unsent_delivered);

    link_set_loss(w.link, LINK_TO_SIDE0, g_loss);
    flow_init(&after, "usrsctp->core after", TAG_PR_IN_AFTER, 1, &mix_small, n_after);
    world_add_flow(&w, &after);
    g_one_flow = &after;
    world_run(&w, pr_in_after_done, 20,
              "the messages sent after the lossy phase, and nothing unacknowledged at usrsctp");
    uint64_t fwd = link_stats(w.link, LINK_TO_SIDE0)->chunks[192];
    world_note(&w,
               "%u/%u messages after the lossy phase delivered; %llu FORWARD TSN chunks from "
               "usrsctp",
               after.received, n_after, (unsigned long long)fwd);
    if (fwd == 0)
        WFAIL(&w, "usrsctp sent no FORWARD TSN");
    struct sctp_assoc_info ai;
    if (sctp_assoc_get_info(w.ep, w.assoc_id, &ai) != 0)
        WFAIL(&w, "the core's association is gone");
    else if (ai.reasm_chunks || ai.reasm_bytes)
        WFAIL(&w, "the core still holds %u chunks (%u bytes) for reassembly", ai.reasm_chunks,
              ai.reasm_bytes);
    check_went_on(&w);
out:
    world_report(&w);
    world_free(&w);
    g_pr_in = NULL;
}

/* 5: the I bit. A SACK "follows at once" when usrsctp sends it while it
 * is still processing the packet that carried the DATA (link.h's
 * during_input), not later from its delayed-SACK timer. */
#define IBIT_MAX 256

struct ibit_rec {
    uint64_t seq;
    bool ibit;
    bool sacked_at_once;
};

struct ibit_obs {
    struct ibit_rec rec[IBIT_MAX];
    unsigned n;
};

struct ibit_scan {
    bool data, ibit, sack;
};

static void ibit_chunk(void *arg, uint8_t type, uint8_t flags, const uint8_t *c, uint16_t len)
{
    (void)c;
    (void)len;
    struct ibit_scan *s = arg;
    if (type == 0) {
        s->data = true;
        if (flags & 0x08)
            s->ibit = true;
    } else if (type == 3) {
        s->sack = true;
    }
}

static void ibit_observer(void *arg, int dir, const uint8_t *pkt, size_t len, bool dropped,
                          uint64_t seq, uint64_t during_input)
{
    struct ibit_obs *o = arg;
    struct ibit_scan s = {0};
    link_walk_chunks(pkt, len, ibit_chunk, &s);
    if (dir == LINK_TO_SIDE1 && !dropped && s.data && o->n < IBIT_MAX)
        o->rec[o->n++] = (struct ibit_rec){.seq = seq, .ibit = s.ibit};
    if (dir == LINK_TO_SIDE0 && s.sack && during_input)
        for (unsigned i = 0; i < o->n; i++)
            if (o->rec[i].seq == during_input)
                o->rec[i].sacked_at_once = true;
}

static bool one_acked(struct world *w)
{
    struct flow *f = g_one_flow;
    if (f->next < f->total || f->received < f->next)
        return false;
    if (w->ep) {
        struct sctp_assoc_info ai;
        return sctp_assoc_get_info(w->ep, w->assoc_id, &ai) == 0 && ai.outstanding_bytes == 0;
    }
    struct usock_status st;
    return usock_status(w->a, &st) == 0 && st.unacked == 0;
}

static void ibit_run(struct world *w, struct flow *f, uint32_t n)
{
    g_one_flow = f;
    world_add_flow(w, f);
    for (uint32_t i = 0; i < n && !w->nfail; i++) {
        f->total = i + 1;
        if (!world_run(w, one_acked, 10, "one message delivered and acknowledged"))
            break;
    }
}

static void ibit_test(const char *name, bool self_check)
{
    struct world w;
    static struct ibit_obs o;
    static struct flow fi, fp;
    memset(&o, 0, sizeof(o));
    const uint32_t n_i = 20, n_plain = 5;
    if (!world_init(&w, name, self_check))
        goto out;
    link_set_observer(w.link, ibit_observer, &o);
    if (!world_associate(&w, false))
        goto out;
    /* A long delayed-SACK time on the receiver makes "at once" and
     * "later" plain to tell apart. */
    int r = usock_set_delayed_sack(w.us, 200, 2);
    if (r < 0)
        WFAIL(&w, "usrsctp SCTP_DELAYED_SACK: %s", strerror(-r));
    flow_init(&fi, "ibit", TAG_IBIT, 0, &mix_small, n_i);
    fi.extra_flags = FLOW_SACK_IMMEDIATELY;
    ibit_run(&w, &fi, n_i);
    unsigned first_plain = o.n;
    flow_init(&fp, "plain", TAG_PLAIN, 0, &mix_small, n_plain);
    ibit_run(&w, &fp, n_plain);
    unsigned i_pkts = 0, i_at_once = 0, p_pkts = 0, p_at_once = 0, i_flag_missing = 0;
    for (unsigned i = 0; i < o.n; i++) {
        if (i < first_plain) {
            if (!o.rec[i].ibit) {
                i_flag_missing++;
                continue;
            }
            i_pkts++;
            i_at_once += o.rec[i].sacked_at_once;
        } else {
            p_pkts++;
            p_at_once += o.rec[i].sacked_at_once;
        }
    }
    world_note(&w,
               "I bit: %u/%u DATA packets SACKed at once (%u sent without the I bit); "
               "without: %u/%u SACKed at once",
               i_at_once, i_pkts, i_flag_missing, p_pkts ? p_at_once : 0, p_pkts);
    if (fi.received != n_i || fp.received != n_plain)
        WFAIL(&w, "messages missing: %u/%u with I bit, %u/%u without", fi.received, n_i,
              fp.received, n_plain);
    if (i_pkts == 0)
        WFAIL(&w, "no DATA with the I bit reached usrsctp (%u without it)", i_flag_missing);
    if (i_at_once != i_pkts)
        WFAIL(&w, "%u of %u DATA packets with the I bit were not SACKed at once",
              i_pkts - i_at_once, i_pkts);
    if (p_pkts && p_at_once == p_pkts)
        WFAIL(&w, "every DATA packet without the I bit was SACKed at once too: the check "
                  "cannot tell");
out:
    world_report(&w);
    world_free(&w);
}

static void test_selfcheck_ibit(void)
{
    ibit_test("selfcheck-ibit", true);
}

static void test_sack_immediately(void)
{
    ibit_test("sack-immediately", false);
}

/* 6: graceful shutdown. */
static bool shutdown_by_core_done(struct world *w)
{
    return w->st[0].shutdown_comp && w->st[1].shutdown_comp && w->st[1].eof && flows_complete(w);
}

static unsigned shutdown_by_core_round(const char *name)
{
    struct world w;
    static struct flow f;
    if (!world_init(&w, name, false) || !world_associate(&w, false))
        goto out;
    flow_init(&f, "core->usrsctp", TAG_TO_USRSCTP, 0, &mix_small, 50);
    world_add_flow(&w, &f);
    flow_send(&w, &f, 50);
    int r = sctp_assoc_shutdown(w.ep, w.assoc_id, now_ns());
    if (r < 0) {
        WFAIL(&w, "sctp_assoc_shutdown: %s", sctp_strerror(r));
        goto out;
    }
    if (world_run(&w, shutdown_by_core_done, 30,
                  "data delivered, SHUTDOWN_COMP on both sides, usrsctp EOF")) {
        usock_close(w.us);
        w.us = NULL;
        world_idle(&w, 0.3);
    }
    world_note(&w, "%u/50 messages delivered before the shutdown completed", f.received);
    check_no_chunk(&w, 6, "ABORT");
    if (w.st[0].lost || w.st[1].lost)
        WFAIL(&w, "COMM_LOST during graceful shutdown (core %d, usrsctp %d)", w.st[0].lost,
              w.st[1].lost);
out:
    world_report(&w);
    world_free(&w);
    return w.nfail;
}

static void test_shutdown_by_core(void)
{
    rounds("shutdown-by-core", shutdown_by_core_round);
}

static bool shutdown_by_usrsctp_done(struct world *w)
{
    return w->st[0].shutdown_comp && w->st[1].shutdown_comp && flows_complete(w);
}

static unsigned shutdown_by_usrsctp_round(const char *name)
{
    struct world w;
    static struct flow f;
    if (!world_init(&w, name, false) || !world_associate(&w, true))
        goto out;
    flow_init(&f, "usrsctp->core", TAG_TO_CORE, 1, &mix_small, 50);
    world_add_flow(&w, &f);
    flow_send(&w, &f, 50);
    if (f.next != 50)
        WFAIL(&w, "usrsctp took only %u of 50 messages", f.next);
    int r = usock_shutdown(w.us);
    if (r < 0) {
        WFAIL(&w, "usrsctp_shutdown: %s", strerror(-r));
        goto out;
    }
    if (world_run(&w, shutdown_by_usrsctp_done, 30,
                  "data delivered, SHUTDOWN_COMP on both sides")) {
        usock_close(w.us);
        w.us = NULL;
        world_idle(&w, 0.3);
    }
    world_note(&w, "%u/50 messages delivered; core SHUTDOWN event %d", f.received,
               w.st[0].shutdown_ev);
    check_no_chunk(&w, 6, "ABORT");
    if (w.st[0].lost || w.st[1].lost)
        WFAIL(&w, "COMM_LOST during graceful shutdown (core %d, usrsctp %d)", w.st[0].lost,
              w.st[1].lost);
out:
    world_report(&w);
    world_free(&w);
    return w.nfail;
}

static void test_shutdown_by_usrsctp(void)
{
    rounds("shutdown-by-usrsctp", shutdown_by_usrsctp_round);
}

/* 7: ABORT. The link never loses a packet with an ABORT in these tests:
 * an ABORT is not retransmitted, and the cause it carries is checked. */
static const char abort_reason[] = "interop: user abort";

/* Finds the User-Initiated Abort cause (12) among causes, or in an ABORT
 * chunk (with its header). Returns its reason length, or -1. */
static int find_user_abort(const uint8_t *p, size_t len, const uint8_t **reason)
{
    for (size_t start = 0; start <= 4 && start < len; start += 4) {
        size_t off = start;
        while (off + 4 <= len) {
            uint16_t code = get_be16(p + off), clen = get_be16(p + off + 2);
            if (clen < 4 || off + clen > len)
                break;
            if (code == 12) {
                *reason = p + off + 4;
                return clen - 4;
            }
            off += (clen + 3u) & ~3u;
        }
    }
    return -1;
}

static bool usrsctp_lost(struct world *w)
{
    return w->st[1].lost > 0;
}

static bool core_lost(struct world *w)
{
    return w->st[0].lost > 0;
}

static void check_reason(struct world *w, int side, const char *who)
{
    const uint8_t *reason = NULL;
    struct side_state *s = &w->st[side];
    int rl = find_user_abort(s->lost_info, s->lost_info_len, &reason);
    if (rl < 0) {
        WFAIL(w, "%s's COMM_LOST has no User-Initiated Abort cause (%zu info bytes)", who,
              s->lost_info_len);
        return;
    }
    if ((size_t)rl != strlen(abort_reason) || memcmp(reason, abort_reason, (size_t)rl) != 0)
        WFAIL(w, "%s's User-Initiated Abort reason is %d bytes, not \"%s\"", who, rl, abort_reason);
}

static unsigned abort_by_core_round(const char *name)
{
    struct world w;
    if (!world_init(&w, name, false) || !world_associate(&w, false))
        goto out;
    link_set_spare_abort(w.link, true);
    exchange(&w, &mix_small, 50, 30);
    int r = sctp_assoc_abort(w.ep, w.assoc_id, (const uint8_t *)abort_reason,
                             (uint16_t)strlen(abort_reason), now_ns());
    if (r < 0) {
        WFAIL(&w, "sctp_assoc_abort: %s", sctp_strerror(r));
        goto out;
    }
    if (world_run(&w, usrsctp_lost, 10, "COMM_LOST at usrsctp")) {
        check_reason(&w, 1, "usrsctp");
        world_note(&w, "usrsctp: COMM_LOST error %u, %zu info bytes; socket error %d",
                   w.st[1].lost_error, w.st[1].lost_info_len, w.st[1].last_err);
    }
    /* One ABORT; more only as replies to packets that were in flight
     * (RFC 9260 8.4, with the T bit). */
    const struct link_dir_stats *ls = link_stats(w.link, LINK_TO_SIDE1);
    if (ls->chunks[6] - ls->aborts_tbit != 1)
        WFAIL(&w, "%llu ABORT chunks without the T bit sent to usrsctp, expected 1",
              (unsigned long long)(ls->chunks[6] - ls->aborts_tbit));
out:
    world_report(&w);
    world_free(&w);
    return w.nfail;
}

static void test_abort_by_core(void)
{
    rounds("abort-by-core", abort_by_core_round);
}

static unsigned abort_by_usrsctp_round(const char *name)
{
    struct world w;
    if (!world_init(&w, name, false) || !world_associate(&w, true))
        goto out;
    link_set_spare_abort(w.link, true);
    exchange(&w, &mix_small, 50, 30);
    int r = usock_send(w.us, abort_reason, strlen(abort_reason), 0, 0, USOCK_ABORT, 0);
    if (r < 0) {
        WFAIL(&w, "usrsctp SCTP_ABORT send: %s", strerror(-r));
        goto out;
    }
    if (world_run(&w, core_lost, 10, "COMM_LOST at the core")) {
        check_reason(&w, 0, "the core");
        world_note(&w, "core: COMM_LOST error %u, %zu info bytes", w.st[0].lost_error,
                   w.st[0].lost_info_len);
    }
    if (w.have_assoc) {
        struct sctp_assoc_info ai;
        if (sctp_assoc_get_info(w.ep, w.assoc_id, &ai) == 0)
            WFAIL(&w, "the core still has the association (%s) after the ABORT",
                  sctp_state_name(ai.state));
    }
    /* One ABORT; more only as replies to packets that were in flight
     * (RFC 9260 8.4, with the T bit). */
    const struct link_dir_stats *ls = link_stats(w.link, LINK_TO_SIDE0);
    if (ls->chunks[6] - ls->aborts_tbit != 1)
        WFAIL(&w, "%llu ABORT chunks without the T bit sent to the core, expected 1",
              (unsigned long long)(ls->chunks[6] - ls->aborts_tbit));
out:
    world_report(&w);
    world_free(&w);
    return w.nfail;
}

static void test_abort_by_usrsctp(void)
{
    rounds("abort-by-usrsctp", abort_by_usrsctp_round);
}

/* 9: the usrsctp side restarts (RFC 9260 5.2.4 A). Its socket goes
 * away without a word (its ABORT is lost, as a crashed host sends none),
 * and a new one connects from the same port: its INIT meets our
 * established association, which restarts (SCTP_RESTART at the core,
 * the same association id, COMM_UP at usrsctp) and carries messages
 * both ways again; the core never reports the association lost. */
static bool restarted(struct world *w)
{
    return w->st[0].restart > 0 && w->st[1].up > 1;
}

static unsigned peer_restart_round(const char *name)
{
    struct world w;
    if (!world_init(&w, name, false) || !world_associate(&w, true))
        goto out;
    if (!exchange(&w, &mix_small, 100, 30))
        goto out;
    uint32_t id = w.assoc_id;
    link_set_loss(w.link, LINK_TO_SIDE0, 1.0);
    link_set_loss(w.link, LINK_TO_SIDE1, 1.0);
    usock_close_abort(w.us);
    w.us = NULL;
    world_idle(&w, 0.05);
    link_set_loss(w.link, LINK_TO_SIDE0, g_loss);
    link_set_loss(w.link, LINK_TO_SIDE1, g_loss);
    w.us = usock_connect(w.port1, w.port0, 16);
    if (!w.us) {
        WFAIL(&w, "usrsctp connect from the same port: %s", strerror(errno));
        goto out;
    }
    if (!world_run(&w, restarted, 20, "SCTP_RESTART at the core, COMM_UP at usrsctp"))
        goto out;
    if (w.assoc_id != id)
        WFAIL(&w, "the restarted association has id %u, not %u", w.assoc_id, id);
    if (w.st[0].lost)
        WFAIL(&w, "the core reported the association lost");
    check_streams(&w);
    exchange(&w, &mix_small, 100, 30);
out:
    world_report(&w);
    world_free(&w);
    return w.nfail;
}

static void test_peer_restart(void)
{
    rounds("peer-restart", peer_restart_round);
}

/* 8: windows that close. (a) Our endpoint runs short of buffers (receive
 * pressure) 10 ms in every 30 while usrsctp sends to it: it advertises a
 * zero window and drops new DATA, usrsctp sends it again. (b) usrsctp's
 * application stops reading 250 ms in every 300 while we send 3 MB in
 * messages of up to 16 KB: its window closes (usrsctp advertises 1 byte,
 * not 0), and when it reopens we send again what it dropped. Every
 * message arrives once and in order either way. */
struct win_obs {
    int dir;
    bool dropped;
    uint64_t zero[2];   /* SACKs with a_rwnd 0 (or 1), by direction */
    uint64_t reopen[2]; /* SACKs with a_rwnd > 0 right after such a one */
    bool closed[2];
    uint32_t min_rwnd[2];
};

static void win_chunk(void *arg, uint8_t type, uint8_t flags, const uint8_t *c, uint16_t len)
{
    (void)flags;
    struct win_obs *o = arg;
    if (type != 3 || len < 16 || o->dropped)
        return;
    int d = o->dir == LINK_TO_SIDE1 ? 0 : 1; /* 0: SACKs of the core */
    uint32_t a_rwnd = get_be32(c + 8);
    bool zero = a_rwnd <= 1; /* usrsctp's zero window is 1 byte */
    if (a_rwnd < o->min_rwnd[d])
        o->min_rwnd[d] = a_rwnd;
    if (zero)
        o->zero[d]++;
    else if (o->closed[d])
        o->reopen[d]++;
    o->closed[d] = zero;
}

static void win_observer(void *arg, int dir, const uint8_t *pkt, size_t len, bool dropped,
                         uint64_t seq, uint64_t during_input)
{
    (void)seq;
    (void)during_input;
    struct win_obs *o = arg;
    o->dir = dir;
    o->dropped = dropped;
    link_walk_chunks(pkt, len, win_chunk, arg);
}

static struct {
    uint64_t t0, period, on;
    bool state, usrsctp; /* false: our pressure; true: usrsctp not reading */
} g_tog;

static void tog_set(struct world *w, bool on)
{
    g_tog.state = on;
    if (g_tog.usrsctp)
        w->us_paused = on;
    else
        sctp_endpoint_set_rx_pressure(w->ep, on);
}

static bool toggled_flows_complete(struct world *w)
{
    bool on = (now_ns() - g_tog.t0) % g_tog.period < g_tog.on;
    if (on != g_tog.state)
        tog_set(w, on);
    return flows_complete(w);
}

static bool toggled_run(struct world *w, bool usrsctp, uint64_t period_ms, uint64_t on_ms,
                        double secs)
{
    g_tog.t0 = now_ns();
    g_tog.period = period_ms * 1000000;
    g_tog.on = on_ms * 1000000;
    g_tog.state = false;
    g_tog.usrsctp = usrsctp;
    bool ok = world_run(w, toggled_flows_complete, secs, "every message delivered");
    tog_set(w, false);
    for (unsigned i = 0; i < w->nflows; i++)
        if (w->flows[i]->errors)
            ok = false;
    return ok;
}

static void test_windows(void)
{
    struct world w;
    static struct win_obs o;
    static struct flow fa01, fa10, fb01;
    const uint32_t n = 20000;
    memset(&o, 0, sizeof(o));
    o.min_rwnd[0] = o.min_rwnd[1] = UINT32_MAX;
    if (!world_init(&w, "windows", false) || !world_associate(&w, false))
        goto out;
    link_set_observer(w.link, win_observer, &o);

    /* (a) */
    flow_init(&fa01, "core->usrsctp", TAG_TO_USRSCTP, 0, &mix_small, n);
    flow_init(&fa10, "usrsctp->core", TAG_TO_CORE, 1, &mix_small, n);
    world_add_flow(&w, &fa01);
    world_add_flow(&w, &fa10);
    uint64_t t = now_ns();
    if (!toggled_run(&w, false, 30, 10, 120))
        goto out;
    world_note(&w,
               "(a) %u + %u messages under receive pressure in %.2f s: %llu zero-window "
               "SACKs from the core, %llu window updates",
               fa01.received, fa10.received, secs_since(t), (unsigned long long)o.zero[0],
               (unsigned long long)o.reopen[0]);
    if (o.zero[0] == 0 || o.reopen[0] == 0)
        WFAIL(&w, "the core never closed and reopened its window under pressure");

    /* (b) */
    struct sctp_assoc_info before, after;
    if (sctp_assoc_get_info(w.ep, w.assoc_id, &before) != 0) {
        WFAIL(&w, "no association info");
        goto out;
    }
    /* About 3 MB: more than usrsctp's 1 MB receive buffer. */
    flow_init(&fb01, "core->usrsctp (large)", TAG_LARGE, 0, &mix_large, 400);
    world_add_flow(&w, &fb01);
    t = now_ns();
    if (!toggled_run(&w, true, 300, 250, 240))
        goto out;
    if (sctp_assoc_get_info(w.ep, w.assoc_id, &after) != 0) {
        WFAIL(&w, "no association info");
        goto out;
    }
    world_note(&w,
               "(b) %u messages of up to 16 KB to a reader that pauses in %.2f s: %llu zero-window "
               "SACKs from usrsctp (lowest a_rwnd %u), %llu window updates; core: %llu resent "
               "on reopening, %llu T3 expiries",
               fb01.received, secs_since(t), (unsigned long long)o.zero[1], o.min_rwnd[1],
               (unsigned long long)o.reopen[1],
               (unsigned long long)(after.reopen_retransmissions - before.reopen_retransmissions),
               (unsigned long long)(after.t3_expiries - before.t3_expiries));
    if (o.zero[1] == 0)
        WFAIL(&w, "usrsctp's window never closed: the scenario tests nothing");
out:
    link_set_observer(w.link, NULL, NULL);
    world_report(&w);
    world_free(&w);
}

/* ---- runner ---- */

static int suite_init(void)
{
    struct usock_tunables t = {
        .rto_initial_ms = 100,
        .rto_min_ms = 20,
        .rto_max_ms = 400,
        .init_rto_max_ms = 400,
        .sack_delay_ms = 20,
        .hb_interval_ms = 1000,
        .sndbuf = 1u << 20,
        .rcvbuf = 1u << 20,
    };
    g_scratch = malloc(128 * 1024);
    if (!g_scratch)
        return -1;
    static int dummy_addr;
    return usock_init(link_usrsctp_output, &dummy_addr, &t);
}

static int suite_cleanup(void)
{
    free(g_scratch);
    g_scratch = NULL;
    if (usock_finish() != 0)
        fprintf(stderr, "usrsctp_finish: sockets still open\n");
    return 0;
}

static void watchdog(int sig)
{
    (void)sig;
    static const char msg[] = "interop-usrsctp: watchdog: the run took too long, exiting\n";
    ssize_t n = write(2, msg, sizeof(msg) - 1);
    (void)n;
    _exit(2);
}

struct test_def {
    const char *name;
    void (*fn)(void);
};

static const struct test_def tests[] = {
    {"selfcheck-usrsctp-link", test_selfcheck},
    {"selfcheck-usrsctp-ibit", test_selfcheck_ibit},
    {"1-setup-by-usrsctp", test_setup_by_usrsctp},
    {"2-setup-by-core", test_setup_by_core},
    {"3-bulk", test_bulk},
    {"4-pr-sctp-ttl", test_pr_ttl},
    {"5-sack-immediately", test_sack_immediately},
    {"6a-shutdown-by-core", test_shutdown_by_core},
    {"6b-shutdown-by-usrsctp", test_shutdown_by_usrsctp},
    {"7a-abort-by-core", test_abort_by_core},
    {"7b-abort-by-usrsctp", test_abort_by_usrsctp},
    {"8-windows", test_windows},
    {"9-peer-restart", test_peer_restart},
    {"10-pr-sctp-ttl-from-usrsctp", test_pr_ttl_from_usrsctp},
};

int main(void)
{
    g_seed = env_u64("SCTPDP_INTEROP_SEED", 0x5c7bd9);
    g_loss = env_double("SCTPDP_INTEROP_LOSS", 0.05);
    g_trace = env_u64("SCTPDP_INTEROP_TRACE", 0) != 0;
    g_trace_t0 = now_ns();
    signal(SIGALRM, watchdog);
    alarm(WATCHDOG_SECS);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("interop-usrsctp: seed 0x%llx, loss %.1f%% each way, %u bulk messages each way\n",
           (unsigned long long)g_seed, g_loss * 100, bulk_messages());

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("interop-usrsctp", suite_init, suite_cleanup);
    if (!s)
        return 1;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (!should_run(tests[i].name))
            continue;
        if (!CU_add_test(s, tests[i].name, tests[i].fn))
            return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned run = CU_get_number_of_tests_run();
    unsigned failed = CU_get_number_of_tests_failed();
    unsigned suites_failed = CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    printf("\n%u passed, %u failed\n", run - failed, failed);
    return failed || suites_failed ? 1 : 0;
}

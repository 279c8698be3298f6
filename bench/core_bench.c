/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * core_bench: the sans-IO core alone, two endpoints in one thread.
 *
 * A client and a server endpoint exchange packets in memory. Every packet
 * the core writes (header bytes plus payload references) is gathered into
 * one contiguous buffer from a small pool, as a NIC's gather DMA would
 * do, and handed to the other endpoint with SCTP_CSUM_UNCHECKED, so the
 * core computes CRC32c on transmit and verifies it on receive. Payloads
 * are small refcounted buffers; the core's ref/unref calls really count,
 * and every buffer must be back in its pool once the endpoints are freed.
 *
 * Figures (one line each):
 *   bench=core-tput   messages of SIZE bytes delivered to the server per
 *                     second, and the same in Mbit/s of user payload
 *   bench=core-setup  associations set up (INIT .. COMM_UP on both sides)
 *                     and closed again, per second
 *
 * The clock is CLOCK_MONOTONIC, read by this program and passed in as
 * `now`: the core itself never reads it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sctp.h"

#define CLIENT_PORT 40000
#define SERVER_PORT 2905
/* Messages queued per loop turn at most (--burst). 256 messages of 128
 * bytes fill about 25 packets: the receiver then takes a burst of about
 * the size the daemon polls (32 packets) before it writes its one SACK. */
#define SEND_BURST      256
#define SEND_BURST_MAX  4096
#define PUMP_ROUNDS     32      /* exchange rounds per loop turn at most */
#define HANDSHAKE_TURNS 64      /* loop turns a setup or close may take */
#define PKT_BUF_SIZE    9216    /* a jumbo frame: any SCTP packet we make */
#define PKT_POOL_LIMIT  65536   /* packet buffers alive at once, at most */
#define MSG_POOL_LIMIT  1048576 /* message buffers alive at once, at most */

/* ---- refcounted buffers ------------------------------------------------ */

struct pool;

struct buffer {
    struct pool *pool;
    struct buffer *next; /* free list */
    uint32_t refs;
    uint32_t len;
    uint8_t data[];
};

struct pool {
    const char *name;
    struct buffer *free_list;
    uint32_t size; /* data bytes per buffer */
    uint32_t limit;
    uint32_t allocated; /* buffers malloc'ed */
    uint32_t in_use;    /* buffers with refs > 0 */
    uint64_t refs_taken, refs_dropped;
};

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("core_bench: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void pool_init(struct pool *pool, const char *name, uint32_t size, uint32_t limit)
{
    memset(pool, 0, sizeof(*pool));
    pool->name = name;
    pool->size = size;
    pool->limit = limit;
}

/* A buffer with one reference, the caller's. */
static struct buffer *pool_get(struct pool *pool)
{
    struct buffer *buf = pool->free_list;
    if (buf) {
        pool->free_list = buf->next;
    } else {
        if (pool->allocated >= pool->limit)
            die("%s pool: %u buffers in use: references are not dropped", pool->name, pool->in_use);
        buf = malloc(sizeof(*buf) + pool->size);
        if (!buf)
            die("%s pool: out of memory", pool->name);
        buf->pool = pool;
        /* A recognisable pattern, written once per buffer. */
        for (uint32_t i = 0; i < pool->size; i++)
            buf->data[i] = (uint8_t)(i * 7 + 1);
        pool->allocated++;
    }
    buf->next = NULL;
    buf->refs = 1;
    buf->len = 0;
    pool->in_use++;
    return buf;
}

static void buffer_ref(struct buffer *buf)
{
    if (buf->refs == 0)
        die("%s pool: reference taken on a free buffer", buf->pool->name);
    buf->refs++;
    buf->pool->refs_taken++;
}

static void buffer_unref(struct buffer *buf)
{
    struct pool *pool = buf->pool;
    if (buf->refs == 0)
        die("%s pool: reference dropped on a free buffer", pool->name);
    pool->refs_dropped++;
    if (--buf->refs == 0) {
        buf->next = pool->free_list;
        pool->free_list = buf;
        pool->in_use--;
    }
}

static void pool_release(struct pool *pool)
{
    while (pool->free_list) {
        struct buffer *buf = pool->free_list;
        pool->free_list = buf->next;
        free(buf);
        pool->allocated--;
    }
}

/* The core's view: opaque handles. refs_dropped counts the caller's own
 * drops too, so the balance is checked through in_use instead. */
static void cb_payload_ref(void *user, void *handle)
{
    (void)user;
    buffer_ref(handle);
}

static void cb_payload_unref(void *user, void *handle)
{
    (void)user;
    buffer_unref(handle);
}

/* xorshift64*: seeded, so every run makes the same tags and TSNs. */
static void cb_random(void *user, uint8_t *out, size_t len)
{
    uint64_t *state = user;
    for (size_t i = 0; i < len; i++) {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        out[i] = (uint8_t)((*state * 0x2545F4914F6CDD1DULL) >> 56);
    }
}

/* ---- the two endpoints and the link between them ------------------------ */

static sctp_tstamp now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (sctp_tstamp)ts.tv_sec * SCTP_SEC + (sctp_tstamp)ts.tv_nsec;
}

struct side {
    const char *name;
    struct sctp_endpoint *ep;
    struct sctp_addr addr;
    uint16_t port;
    uint64_t rng;
    struct sctp_callbacks cb;
    /* What the events said. */
    uint32_t assoc_id;
    bool up, closed, cant_start;
    uint16_t ostreams;
    uint64_t msgs, bytes, bad_len;
};

struct bench {
    struct side client, server;
    struct pool msg_pool, pkt_pool;
    struct sctp_tx_packet tx; /* large: one, reused */
    uint32_t msg_size;        /* expected DATA length at the server, 0: any */
    uint64_t packets, input_errors;
    int last_input_error;
};

static void side_open(struct side *s, const char *name, uint32_t addr_host, uint16_t port,
                      uint64_t seed, sctp_tstamp now)
{
    struct sctp_config cfg;

    memset(s, 0, sizeof(*s));
    s->name = name;
    s->addr = sctp_addr_v4(addr_host);
    s->port = port;
    s->rng = seed;
    s->cb.user = &s->rng;
    s->cb.payload_ref = cb_payload_ref;
    s->cb.payload_unref = cb_payload_unref;
    s->cb.random = cb_random;

    sctp_config_default(&cfg);
    cfg.port = port;
    cfg.n_addrs = 1;
    cfg.addrs[0] = s->addr;
    cfg.one_to_one = false;
    cfg.tx_csum_offload = false; /* the core fills CRC32c */
    if (cfg.num_ostreams < 16)
        cfg.num_ostreams = 16;
    if (cfg.max_instreams < 16)
        cfg.max_instreams = 16;

    s->ep = sctp_endpoint_new(&cfg, &s->cb, now);
    if (!s->ep)
        die("sctp_endpoint_new failed for the %s endpoint", name);
}

static void side_close(struct side *s)
{
    if (s->ep)
        sctp_endpoint_free(s->ep);
    s->ep = NULL;
}

/* Handles every pending event of one side. */
static void drain_events(struct bench *b, struct side *s)
{
    struct sctp_event ev;

    while (sctp_endpoint_poll_event(s->ep, &ev) == 1) {
        switch (ev.type) {
        case SCTP_EV_DATA:
            s->msgs++;
            s->bytes += ev.u.data.len;
            if (b->msg_size && ev.u.data.len != b->msg_size)
                s->bad_len++;
            break;
        case SCTP_EV_ASSOC_CHANGE:
            switch (ev.u.assoc_change.state) {
            case SCTP_COMM_UP:
            case SCTP_RESTART:
                s->up = true;
                s->closed = false;
                s->assoc_id = ev.assoc_id;
                s->ostreams = ev.u.assoc_change.outbound_streams;
                break;
            case SCTP_COMM_LOST:
            case SCTP_SHUTDOWN_COMP:
                s->up = false;
                s->closed = true;
                break;
            case SCTP_CANT_STR_ASSOC:
                s->up = false;
                s->cant_start = true;
                s->closed = true;
                break;
            }
            break;
        default:
            break;
        }
        sctp_event_release(s->ep, &ev);
    }
}

/* Moves every packet `from` has to send into `to`. Returns how many. */
static unsigned pump(struct bench *b, struct side *from, struct side *to, sctp_tstamp now)
{
    struct sctp_tx_packet *tx = &b->tx;
    unsigned moved = 0;

    while (sctp_endpoint_write_packet(from->ep, tx, now) == 1) {
        struct buffer *pkt;
        uint32_t off = 0;

        if (!tx->csum_filled)
            die("%s: packet without CRC32c although tx_csum_offload is off", from->name);
        if (tx->len > PKT_BUF_SIZE)
            die("%s: packet of %u bytes exceeds the %u byte buffers", from->name, tx->len,
                PKT_BUF_SIZE);

        /* The gather a NIC does: segments into one contiguous frame. */
        pkt = pool_get(&b->pkt_pool);
        for (uint16_t i = 0; i < tx->nsegs; i++) {
            const struct sctp_frag *seg = &tx->segs[i];
            if (seg->len > PKT_BUF_SIZE - off)
                die("%s: segments overrun the packet length", from->name);
            memcpy(pkt->data + off, seg->data, seg->len);
            off += seg->len;
        }
        if (off != tx->len)
            die("%s: segments hold %u bytes, packet says %u", from->name, off, tx->len);
        pkt->len = off;

        struct sctp_rx_packet rx = {
            .data = pkt->data,
            .len = pkt->len,
            .handle = pkt,
            .src = tx->src,
            .dst = tx->dst,
            .csum = SCTP_CSUM_UNCHECKED,
        };
        int rc = sctp_endpoint_input(to->ep, &rx, now);
        if (rc < 0) {
            b->input_errors++;
            b->last_input_error = rc;
        }
        buffer_unref(pkt); /* the core took its own references */
        moved++;
        b->packets++;
    }
    return moved;
}

static void fire_timers(struct side *s, sctp_tstamp now)
{
    if (sctp_endpoint_next_timeout(s->ep) <= now)
        sctp_endpoint_handle_timeout(s->ep, now);
}

/* Exchanges packets both ways until neither side has anything to send
 * (or PUMP_ROUNDS). Returns the number of packets moved. */
static unsigned exchange(struct bench *b, sctp_tstamp now)
{
    unsigned total = 0;

    for (int round = 0; round < PUMP_ROUNDS; round++) {
        unsigned moved = pump(b, &b->client, &b->server, now);
        moved += pump(b, &b->server, &b->client, now);
        drain_events(b, &b->server);
        drain_events(b, &b->client);
        total += moved;
        if (moved == 0)
            break;
    }
    return total;
}

static int count_assoc(void *arg, uint32_t assoc_id)
{
    unsigned *count = arg;
    (void)assoc_id;
    (*count)++;
    return 0;
}

static unsigned count_assocs(const struct side *s)
{
    unsigned count = 0;
    sctp_endpoint_foreach_assoc(s->ep, count_assoc, &count);
    return count;
}

static const char *state_of(const struct side *s, uint32_t assoc_id)
{
    struct sctp_assoc_info info;
    if (sctp_assoc_get_info(s->ep, assoc_id, &info) != 0)
        return "no association";
    return sctp_state_name(info.state);
}

/* Starts an association and runs the handshake until both sides saw
 * COMM_UP. Returns the client's association id; dies on failure, after a
 * bounded number of turns. */
static uint32_t setup_assoc(struct bench *b, uint16_t ostreams)
{
    uint32_t assoc_id = 0;
    sctp_tstamp now = now_ns();
    int rc;

    b->client.up = b->client.closed = b->client.cant_start = false;
    b->server.up = b->server.closed = b->server.cant_start = false;

    rc = sctp_endpoint_connect(b->client.ep, &b->server.addr, 1, SERVER_PORT, ostreams, NULL, NULL,
                               &assoc_id, now);
    if (rc < 0)
        die("sctp_endpoint_connect: %s (%d)", sctp_strerror(rc), rc);

    for (int turn = 0; turn < HANDSHAKE_TURNS; turn++) {
        now = now_ns();
        fire_timers(&b->client, now);
        fire_timers(&b->server, now);
        unsigned moved = exchange(b, now);
        if (b->client.up && b->server.up)
            return assoc_id;
        if (b->client.cant_start)
            die("handshake: the client reported CANT_STR_ASSOC");
        if (moved == 0)
            break;
    }
    die("handshake did not reach COMM_UP on both sides (client %s, %s; server %s; "
        "%" PRIu64 " packets, %" PRIu64 " input errors, last %s)",
        b->client.up ? "up" : "not up", state_of(&b->client, assoc_id),
        b->server.up ? "up" : "not up", b->packets, b->input_errors,
        b->input_errors ? sctp_strerror(b->last_input_error) : "none");
    return 0;
}

/* Closes the association and waits until neither endpoint holds one. */
static void close_assoc(struct bench *b, uint32_t assoc_id, bool graceful)
{
    sctp_tstamp now = now_ns();
    int rc = graceful ? sctp_assoc_shutdown(b->client.ep, assoc_id, now)
                      : sctp_assoc_abort(b->client.ep, assoc_id, NULL, 0, now);
    if (rc < 0)
        die("%s: %s (%d)", graceful ? "sctp_assoc_shutdown" : "sctp_assoc_abort", sctp_strerror(rc),
            rc);

    for (int turn = 0; turn < HANDSHAKE_TURNS; turn++) {
        now = now_ns();
        fire_timers(&b->client, now);
        fire_timers(&b->server, now);
        unsigned moved = exchange(b, now);
        if (count_assocs(&b->client) == 0 && count_assocs(&b->server) == 0)
            return;
        if (moved == 0)
            break;
    }
    die("%s did not end the association (client %u, server %u associations left; client %s)",
        graceful ? "shutdown" : "abort", count_assocs(&b->client), count_assocs(&b->server),
        state_of(&b->client, assoc_id));
}

static void bench_open(struct bench *b, uint32_t msg_size, uint32_t buf_size)
{
    sctp_tstamp now = now_ns();

    memset(b, 0, sizeof(*b));
    b->msg_size = msg_size;
    pool_init(&b->msg_pool, "message", buf_size ? buf_size : 1, MSG_POOL_LIMIT);
    pool_init(&b->pkt_pool, "packet", PKT_BUF_SIZE, PKT_POOL_LIMIT);
    side_open(&b->client, "client", 0x0a000001, CLIENT_PORT, 0x5eed0001, now);
    side_open(&b->server, "server", 0x0a000002, SERVER_PORT, 0x5eed0002, now);
}

/* Frees both endpoints and checks that every reference came back.
 * Returns 0, or 1 if buffers are still referenced. */
static int bench_close(struct bench *b)
{
    int leaked = 0;

    side_close(&b->client);
    side_close(&b->server);
    struct pool *pools[] = {&b->msg_pool, &b->pkt_pool};
    for (unsigned i = 0; i < 2; i++) {
        if (pools[i]->in_use) {
            fprintf(stderr,
                    "core_bench: error: %u %s buffers still referenced after the endpoints "
                    "were freed (%" PRIu64 " refs taken by the core)\n",
                    pools[i]->in_use, pools[i]->name, pools[i]->refs_taken);
            leaked = 1;
        } else {
            pool_release(pools[i]);
        }
    }
    return leaked;
}

/* ---- the figures ---------------------------------------------------------- */

struct options {
    double seconds;
    unsigned streams;
    unsigned burst;
    unsigned pack; /* messages per buffer, each behind header room; 0: one, no room */
    bool graceful;
    bool run_tput, run_setup;
    unsigned n_sizes;
    uint32_t sizes[8];
};

static int bench_tput(const struct options *opt, uint32_t size)
{
    struct bench *b = malloc(sizeof(*b));
    if (!b)
        die("out of memory");
    bench_open(b, size, opt->pack ? opt->pack * (SCTP_HDR_ROOM + ((size + 3u) & ~3u)) : size);

    uint32_t assoc_id = setup_assoc(b, (uint16_t)opt->streams);
    unsigned streams = opt->streams;
    if (b->client.ostreams && b->client.ostreams < streams)
        streams = b->client.ostreams;
    if (streams == 0)
        streams = 1;

    uint64_t sent = 0, again = 0, packets0 = b->packets;
    unsigned sid = 0;
    uint64_t msgs0 = b->server.msgs, bytes0 = b->server.bytes;
    sctp_tstamp start = now_ns(), now = start;
    sctp_tstamp end = start + (sctp_tstamp)(opt->seconds * (double)SCTP_SEC);
    struct sctp_sndinfo info = {0};
    info.ppid = htonl(3); /* M3UA */

    while (now < end) {
        if (opt->pack) {
            /* As the daemon's generator lays them out (--gen-pack): the
             * messages back to back in one buffer, each behind room for
             * its DATA chunk header, queued with one call. */
            static struct sctp_sendm burst[SEND_BURST_MAX];
            struct buffer *bufs[SEND_BURST_MAX];
            uint32_t stride = SCTP_HDR_ROOM + ((size + 3u) & ~3u);
            unsigned n = opt->burst, nb = (n + opt->pack - 1) / opt->pack;
            for (unsigned k = 0; k < nb; k++)
                bufs[k] = pool_get(&b->msg_pool);
            for (unsigned i = 0; i < n; i++) {
                struct buffer *buf = bufs[i / opt->pack];
                burst[i] = (struct sctp_sendm){
                    .frag = {.data = buf->data + (i % opt->pack) * stride + SCTP_HDR_ROOM,
                             .len = size,
                             .room = SCTP_HDR_ROOM,
                             .handle = buf},
                    .sid = (uint16_t)sid,
                    .ppid = info.ppid,
                };
                sid = sid + 1 == streams ? 0 : sid + 1;
            }
            int rc = sctp_endpoint_send_burst(b->client.ep, assoc_id, NULL, burst, n, now);
            if (rc < 0 && rc != SCTP_ERR_AGAIN)
                die("sctp_endpoint_send_burst: %s (%d)", sctp_strerror(rc), rc);
            unsigned done = rc > 0 ? (unsigned)rc : 0;
            if (done < n)
                again++;
            sent += done;
            /* Streams restart where the messages not taken were. */
            sid = (unsigned)((sid + streams - (n - done) % streams) % streams);
            for (unsigned k = 0; k < nb; k++)
                buffer_unref(bufs[k]);
        }
        for (unsigned i = 0; !opt->pack && i < opt->burst; i++) {
            struct buffer *msg = pool_get(&b->msg_pool);
            struct sctp_frag frag = {.data = msg->data, .len = size, .handle = msg};
            info.sid = (uint16_t)sid; /* round-robin, without a division per message */
            sid = sid + 1 == streams ? 0 : sid + 1;
            int rc = sctp_endpoint_send(b->client.ep, assoc_id, &info, &frag, now);
            buffer_unref(msg); /* the core holds its own reference if queued */
            if (rc == SCTP_ERR_AGAIN) {
                again++;
                break;
            }
            if (rc < 0)
                die("sctp_endpoint_send: %s (%d)", sctp_strerror(rc), rc);
            sent++;
        }
        exchange(b, now);
        now = now_ns();
        fire_timers(&b->client, now);
        fire_timers(&b->server, now);
        if (b->client.closed || b->server.closed)
            die("the association went down during the run");
    }
    double elapsed = (double)(now - start) / (double)SCTP_SEC;
    uint64_t msgs = b->server.msgs - msgs0, bytes = b->server.bytes - bytes0;
    uint64_t packets = b->packets - packets0;
    int failed = 0;

    printf("bench=core-tput size=%u streams=%u burst=%u pack=%u seconds=%.2f msgs=%" PRIu64
           " msgs_per_s=%.0f mbit_per_s=%.1f pkts_per_s=%.0f\n",
           size, streams, opt->burst, opt->pack, elapsed, msgs, (double)msgs / elapsed,
           (double)bytes * 8.0 / elapsed / 1e6, (double)packets / elapsed);
    fflush(stdout);

    if (msgs == 0) {
        fprintf(stderr,
                "core_bench: error: no message delivered (%" PRIu64 " sent, %" PRIu64
                " send queue full)\n",
                sent, again);
        failed = 1;
    }
    if (b->server.bad_len) {
        fprintf(stderr,
                "core_bench: error: %" PRIu64 " messages delivered with a length other "
                "than %u\n",
                b->server.bad_len, size);
        failed = 1;
    }
    close_assoc(b, assoc_id, false);
    failed |= bench_close(b);
    free(b);
    return failed;
}

static int bench_setup(const struct options *opt)
{
    struct bench *b = malloc(sizeof(*b));
    if (!b)
        die("out of memory");
    bench_open(b, 0, 0);

    uint64_t setups = 0;
    sctp_tstamp start = now_ns(), now = start;
    sctp_tstamp end = start + (sctp_tstamp)(opt->seconds * (double)SCTP_SEC);

    while (now < end) {
        uint32_t assoc_id = setup_assoc(b, (uint16_t)opt->streams);
        close_assoc(b, assoc_id, opt->graceful);
        setups++;
        now = now_ns();
    }
    double elapsed = (double)(now - start) / (double)SCTP_SEC;
    printf("bench=core-setup close=%s seconds=%.2f setups=%" PRIu64 " setups_per_s=%.0f\n",
           opt->graceful ? "shutdown" : "abort", elapsed, setups, (double)setups / elapsed);
    fflush(stdout);

    int failed = bench_close(b);
    free(b);
    return failed;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: core_bench [--seconds S] [--sizes N[,N...]] [--streams N] [--burst N]\n"
                 "                  [--pack N] [--close shutdown|abort] [--only tput|setup]\n"
                 "  --seconds S   measuring time per figure (default 3)\n"
                 "  --sizes LIST  message sizes for core-tput (default 128,1400)\n"
                 "  --streams N   outbound streams the client sends on (default 4)\n"
                 "  --burst N     messages queued per loop turn at most (default 256)\n"
                 "  --pack N      messages per payload buffer, each behind room for its\n"
                 "                DATA chunk header, queued in one call (default 0: one\n"
                 "                message per buffer, no room)\n"
                 "  --close HOW   how core-setup ends each association (default shutdown)\n"
                 "  --only WHAT   run one figure only\n");
}

static bool parse_sizes(struct options *opt, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    opt->n_sizes = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *endp;
        unsigned long v = strtoul(tok, &endp, 10);
        if (*endp || v == 0 || v > 65535 || opt->n_sizes == 8) {
            free(copy);
            return false;
        }
        opt->sizes[opt->n_sizes++] = (uint32_t)v;
    }
    free(copy);
    return opt->n_sizes > 0;
}

int main(int argc, char **argv)
{
    struct options opt = {
        .seconds = 3.0,
        .streams = 4,
        .burst = SEND_BURST,
        .graceful = true,
        .run_tput = true,
        .run_setup = true,
        .n_sizes = 2,
        .sizes = {128, 1400},
    };

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (!val) {
            usage(stderr);
            return 2;
        }
        i++;
        if (strcmp(arg, "--seconds") == 0) {
            char *endp;
            errno = 0;
            opt.seconds = strtod(val, &endp);
            if (errno || *endp || !(opt.seconds > 0 && opt.seconds <= 3600)) {
                fprintf(stderr, "core_bench: bad --seconds %s\n", val);
                return 2;
            }
        } else if (strcmp(arg, "--sizes") == 0) {
            if (!parse_sizes(&opt, val)) {
                fprintf(stderr, "core_bench: bad --sizes %s\n", val);
                return 2;
            }
        } else if (strcmp(arg, "--streams") == 0) {
            opt.streams = (unsigned)atoi(val);
            if (opt.streams < 1 || opt.streams > 16) {
                fprintf(stderr, "core_bench: --streams takes 1..16\n");
                return 2;
            }
        } else if (strcmp(arg, "--burst") == 0) {
            opt.burst = (unsigned)atoi(val);
            if (opt.burst < 1 || opt.burst > SEND_BURST_MAX) {
                fprintf(stderr, "core_bench: --burst takes 1..%u\n", SEND_BURST_MAX);
                return 2;
            }
        } else if (strcmp(arg, "--pack") == 0) {
            char *endp;
            unsigned long v = strtoul(val, &endp, 10);
            if (*endp || v > 64) {
                fprintf(stderr, "core_bench: --pack takes 0..64\n");
                return 2;
            }
            opt.pack = (unsigned)v;
        } else if (strcmp(arg, "--close") == 0) {
            if (strcmp(val, "shutdown") == 0) {
                opt.graceful = true;
            } else if (strcmp(val, "abort") == 0) {
                opt.graceful = false;
            } else {
                fprintf(stderr, "core_bench: --close takes shutdown or abort\n");
                return 2;
            }
        } else if (strcmp(arg, "--only") == 0) {
            opt.run_tput = strcmp(val, "tput") == 0;
            opt.run_setup = strcmp(val, "setup") == 0;
            if (!opt.run_tput && !opt.run_setup) {
                fprintf(stderr, "core_bench: --only takes tput or setup\n");
                return 2;
            }
        } else {
            usage(stderr);
            return 2;
        }
    }

    int failed = 0;
    if (opt.run_tput) {
        for (unsigned i = 0; i < opt.n_sizes; i++)
            failed |= bench_tput(&opt, opt.sizes[i]);
    }
    if (opt.run_setup)
        failed |= bench_setup(&opt);
    return failed;
}

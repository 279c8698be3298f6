/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulation test: two core endpoints on a fake clock over a link
 * that drops, reorders, duplicates and corrupts 5% of packets each.
 * Every message is delivered exactly once, ordered ones in order; with
 * multi-homing, the primary path dies mid-run and the association fails
 * over without losing a message; with receive pressure, the receiver is
 * short of buffers 20 ms in every 100 (it drops new DATA behind a zero
 * window; every other time only where 64 chunks or more wait behind a
 * missing TSN) and nothing is lost either. One message in eight is handed
 * to the core in 2 to 5 pieces (sctp_endpoint_sendv); of the others, one
 * in four is packed behind the one before it in a shared buffer, with
 * room for its DATA chunk header in front (sctp_frag.room), so the core
 * writes headers into that buffer and sends runs of them as one segment.
 * Half of those go through sctp_endpoint_send_burst. On odd seeds the
 * core has no callbacks for several references at once; on seeds 2 and 3
 * (mod 4) the application reads and releases its events in bursts, and
 * on seeds 4 and 5 (mod 8) it reads them in place (peek and consume).
 * A fourth run, multi-homed on the same lossy link, gives one message in
 * three a PR-SCTP lifetime (RFC 3758) from 5 ms to about 2 minutes, or
 * (a quarter of them) a limit of 0 to 2 retransmissions (RFC 7496), a
 * quarter of those to the peer's second address: every message without
 * one arrives exactly once, ordered ones in order around the gaps that
 * abandoned ones leave; every message with one arrives at most once or
 * is reported given up (SEND_FAILED with its context), some of those in
 * flight; nothing is reported twice or for a message without a lifetime.
 *
 *   sim [MESSAGES [SEED]]   (default 1,000,000 and 42; the four runs
 *                            use SEED to SEED + 3)
 */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sctp_codec.h"

#define STREAMS 8

static struct {
    uint32_t assoc[H_NODES];
    int up[H_NODES], lost;
    uint8_t *seen; /* one byte per message id */
    uint64_t received, dups, bad, order_err;
    uint32_t next_seq[STREAMS];
    uint64_t failovers;
    /* The PR-SCTP run: which messages have a lifetime, which of them the
     * sender reported given up (SEND_FAILED, its context the id + 1), and
     * how many messages are settled (received, or given up unreceived). */
    bool pr;
    uint8_t *is_pr, *failed;
    uint64_t settled, failed_events, failed_sent, failed_unknown;
} S;

/* Payload: id (4) | stream seq (4) | flags (1) | bytes derived from id. */
static void on_event(struct harness *h, int node, struct sctp_event *ev)
{
    (void)h;
    if (ev->type == SCTP_EV_ASSOC_CHANGE) {
        if (ev->u.assoc_change.state == SCTP_COMM_UP) {
            S.up[node]++;
            S.assoc[node] = ev->assoc_id;
        } else if (ev->u.assoc_change.state == SCTP_COMM_LOST) {
            S.lost++;
        }
        return;
    }
    if (ev->type == SCTP_EV_PADDR_CHANGE && ev->u.paddr.state == SCTP_ADDR_UNREACHABLE)
        S.failovers++;
    if (ev->type == SCTP_EV_SEND_FAILED && node == 0 && S.pr) {
        uint32_t ctx = ev->u.send_failed.info.context;
        S.failed_events++;
        S.failed_sent += (ev->u.send_failed.flags & SCTP_SEND_FAILED_SENT) != 0;
        if (ctx == 0 || !S.is_pr[ctx - 1] || S.failed[ctx - 1]) {
            S.failed_unknown++; /* not a message with a lifetime, or twice */
            return;
        }
        S.failed[ctx - 1] = 1;
        S.settled += S.seen[ctx - 1] == 0;
        return;
    }
    if (ev->type == SCTP_EV_PADDR_CHANGE && getenv("DBGP"))
        printf("DBG %.3f node %d addr %u state %d\n", h->now / 1e9, node, ev->u.paddr.addr.addr[2],
               ev->u.paddr.state);
    if (ev->type != SCTP_EV_DATA || node != 1)
        return;
    static uint8_t buf[70000];
    uint32_t off = 0;
    for (uint32_t i = 0; i < ev->u.data.nfrags; i++) {
        if (off + ev->u.data.frags[i].len > sizeof(buf)) {
            S.bad++;
            return;
        }
        memcpy(buf + off, ev->u.data.frags[i].data, ev->u.data.frags[i].len);
        off += ev->u.data.frags[i].len;
    }
    if (off < 9) {
        S.bad++;
        return;
    }
    uint32_t id = sctp_get32(buf), seq = sctp_get32(buf + 4);
    for (uint32_t i = 9; i < off; i++)
        if (buf[i] != (uint8_t)(id * 7 + i)) {
            S.bad++;
            break;
        }
    if (S.seen[id]++)
        S.dups++;
    else if (!S.pr || !S.failed[id])
        S.settled++;
    if (!buf[8]) {
        uint16_t sid = ev->u.data.sid;
        /* With PR-SCTP, messages given up leave gaps: each ordered
         * message comes after the one before on its stream; that none
         * but those given up is missing is checked at the end. */
        if (sid >= STREAMS || (S.pr ? seq < S.next_seq[sid] : seq != S.next_seq[sid]))
            S.order_err++;
        else
            S.next_seq[sid] = seq + 1;
    }
    S.received++;
}

static bool up(struct harness *h)
{
    (void)h;
    return S.up[0] && S.up[1];
}

/* Receive pressure on node 1, 20 ms in every 100 ms of the fake clock:
 * every other time only for data held behind a missing TSN
 * (SCTP_RX_PRESSURE_HOLES), the other times for all of it. */
static bool pressure_mode, pressure_on;
static uint64_t pressure_events;
static void pressure_tick(struct harness *h)
{
    if (!pressure_mode)
        return;
    bool on = h->now % (100 * SCTP_MS) < 20 * SCTP_MS;
    if (on == pressure_on)
        return;
    pressure_on = on;
    pressure_events += on;
    enum sctp_rx_pressure level = SCTP_RX_PRESSURE_OFF;
    if (on)
        level = (h->now / (100 * SCTP_MS)) % 2 ? SCTP_RX_PRESSURE_HOLES : SCTP_RX_PRESSURE_ALL;
    sctp_endpoint_set_rx_pressure_level(h->ep[1], level);
}

static uint64_t target;
static bool all_in(struct harness *h)
{
    pressure_tick(h);
    if (S.pr)
        return S.settled >= target || S.lost;
    return S.received >= target || S.lost;
}

/* The failover run with an odd seed also has SCTP-PF (RFC 7829) with
 * Potentially Failed Max Retrans 0. */
static bool pf_on;

static void tune(struct sctp_config *c)
{
    c->num_ostreams = STREAMS;
    c->max_instreams = STREAMS;
    c->path_max_retrans = 2;
    c->assoc_max_retrans = 20;
    if (pf_on)
        c->pf_retrans = 0;
}

static int run(const char *name, uint64_t n, bool multi, bool pressure, bool pr, uint64_t seed)
{
    struct harness h;
    memset(&S, 0, sizeof(S));
    S.pr = pr;
    S.is_pr = calloc(n, 1);
    S.failed = calloc(n, 1);
    pf_on = multi && (seed & 1);
    pressure_mode = pressure;
    pressure_on = false;
    pressure_events = 0;
    S.seen = calloc(n, 1);
    /* Odd seeds: the core takes payload references one at a time. */
    h_single_refs = seed & 1;
    /* Seeds 2 and 3 mod 4: the receiver reads its events in bursts. */
    h_burst_events = (seed >> 1) & 1;
    /* Seeds 4 and 5 mod 8: it reads them in place, without a copy. */
    h_peek_events = (seed >> 2) & 1;
    h_init(&h, seed, multi, tune);
    h.on_event = on_event;
    struct sctp_addr peers[2] = {h.cfg[1].addrs[0], h.cfg[1].addrs[1]};
    uint32_t id;
    if (sctp_endpoint_connect(h.ep[0], peers, multi ? 2 : 1, h.cfg[1].port, STREAMS, NULL, NULL,
                              &id, h.now) != 0 ||
        !h_run(&h, up, 10 * SCTP_SEC)) {
        printf("%s: association did not come up\n", name);
        h_fini(&h);
        free(S.seen);
        free(S.is_pr);
        free(S.failed);
        return 1;
    }
    h.loss = h.dup = h.reorder = h.corrupt = 50; /* 5% each */
    uint32_t seq[STREAMS] = {0};
    static uint8_t buf[65536];
    uint64_t sent = 0, big = 0, unordered = 0, pieced = 0, roomed = 0, bursts = 0, pr_sent = 0,
             pr_over = 0, pr_rtx = 0;
    struct hbuf *pk = NULL; /* the buffer packed messages go into */
    uint32_t pk_off = 0;
    for (uint64_t guard = 0; sent < n && guard < n * 100; guard++) {
        uint64_t r = h_rand(&h);
        uint32_t len = (r % 100 == 0) ? 513 + (uint32_t)((r >> 8) % (65536 - 513))
                                      : 9 + (uint32_t)((r >> 8) % 504);
        uint16_t sid = (uint16_t)((r >> 32) % STREAMS);
        bool unord = (r >> 40) % 5 == 0;
        sctp_put32(buf, (uint32_t)sent);
        sctp_put32(buf + 4, unord ? 0 : seq[sid]);
        buf[8] = unord;
        for (uint32_t i = 9; i < len; i++)
            buf[i] = (uint8_t)((uint32_t)sent * 7 + i);
        /* One message in eight goes as 2 to 5 pieces (sctp_endpoint_sendv),
         * cut at random points. */
        unsigned k = (r >> 48) % 8 == 0 ? 2 + (unsigned)((r >> 51) % 4) : 1;
        int rc;
        bool room = false;
        /* The PR-SCTP run: one message in three has a lifetime from 5 ms
         * to about 2 minutes, spread over the powers of two (RFC 3758
         * timed reliability; messages wait in the queue here for up to
         * seconds, so some go unsent, some are given up in flight and
         * some arrive), and one in four of those
         * goes to the peer's second address (ADDR_OVER), so that chunks
         * are given up in flight on either path. */
        uint64_t r2 = pr ? h_rand(&h) : 0;
        bool is_pr = pr && r2 % 3 == 0;
        if (is_pr) {
            struct sctp_sndinfo info = {.sid = sid,
                                        .flags = unord ? SCTP_UNORDERED : 0,
                                        .ppid = 0x01000000,
                                        .context = (uint32_t)sent + 1,
                                        .pr_policy = SCTP_PR_SCTP_TTL,
                                        .pr_value = (5 + (uint32_t)((r2 >> 8) % 50))
                                                    << ((r2 >> 16) % 12)};
            /* One in four of them is limited in retransmissions instead
             * (RFC 7496 4.3), 0 to 2: lost on the link, it is given up
             * in flight, which a lifetime rarely is (most run out in the
             * queue). */
            bool rtx = (r2 >> 24) % 4 == 0;
            if (rtx) {
                info.pr_policy = SCTP_PR_SCTP_RTX;
                info.pr_value = (uint32_t)((r2 >> 26) % 3);
            }
            bool over = (r2 >> 20) % 4 == 0;
            if (over) {
                info.flags |= SCTP_ADDR_OVER;
                info.addr_over = h.cfg[1].addrs[1];
            }
            struct hbuf *hb = hbuf_new(buf, len);
            struct sctp_frag f = {.data = hb->data, .len = len, .handle = hb};
            rc = sctp_endpoint_send(h.ep[0], S.assoc[0], &info, &f, h.now);
            hbuf_unref(hb);
            if (rc == 1) {
                S.is_pr[sent] = 1;
                pr_sent++;
                pr_over += over;
                pr_rtx += rtx;
            }
            k = 1;
        } else if (k == 1 && (r >> 56) % 4 == 0) {
            uint32_t need = SCTP_HDR_ROOM + SCTP_PAD4(len);
            if (!pk || pk_off + need > pk->len) {
                if (pk)
                    hbuf_unref(pk);
                pk = hbuf_new(NULL, need > 8192 ? need : 8192);
                pk_off = 0;
            }
            memcpy(pk->data + pk_off + SCTP_HDR_ROOM, buf, len);
            struct sctp_frag f = {.data = pk->data + pk_off + SCTP_HDR_ROOM,
                                  .len = len,
                                  .room = SCTP_HDR_ROOM,
                                  .handle = pk};
            struct sctp_sndinfo info = {
                .sid = sid, .flags = unord ? SCTP_UNORDERED : 0, .ppid = 0x01000000};
            if ((r >> 60) & 1) {
                /* Half of them through the burst call. */
                struct sctp_sendm m = {
                    .frag = f, .sid = sid, .flags = info.flags, .ppid = info.ppid};
                rc = sctp_endpoint_send_burst(h.ep[0], S.assoc[0], NULL, &m, 1, h.now);
                bursts += rc == 1;
            } else {
                rc = sctp_endpoint_send(h.ep[0], S.assoc[0], &info, &f, h.now);
            }
            if (rc == 1)
                pk_off += need;
            room = true;
        } else if (k == 1 || len < k) {
            k = 1;
            rc = h_send(&h, 0, S.assoc[0], sid, unord ? SCTP_UNORDERED : 0, buf, len);
        } else {
            struct sctp_frag parts[5];
            struct hbuf *hb[5];
            uint32_t off = 0;
            for (unsigned i = 0; i < k; i++) {
                uint32_t left = len - off, rest = k - 1 - i;
                uint32_t plen = rest ? 1 + (uint32_t)(h_rand(&h) % (left - rest)) : left;
                hb[i] = hbuf_new(buf + off, plen);
                parts[i] = (struct sctp_frag){.data = hb[i]->data, .len = plen, .handle = hb[i]};
                off += plen;
            }
            struct sctp_sndinfo info = {
                .sid = sid, .flags = unord ? SCTP_UNORDERED : 0, .ppid = 0x01000000};
            rc = sctp_endpoint_sendv(h.ep[0], S.assoc[0], &info, parts, k, h.now);
            for (unsigned i = 0; i < k; i++)
                hbuf_unref(hb[i]);
        }
        if (rc == SCTP_ERR_AGAIN) {
            h_step(&h);
            pressure_tick(&h);
            continue;
        }
        if (rc != 1) {
            printf("%s: send failed: %s\n", name, sctp_strerror(rc));
            break;
        }
        if (!unord)
            seq[sid]++;
        else
            unordered++;
        big += len > 512;
        pieced += k > 1;
        roomed += room;
        sent++;
        if (multi && sent == n / 3) {
            /* The primary path dies, both ways. */
            h.down[h.n_down++] = h.cfg[1].addrs[0];
            h.down[h.n_down++] = h.cfg[0].addrs[0];
        }
        if (sent % 32 == 0) {
            h_step(&h);
            pressure_tick(&h);
        }
    }
    if (pk)
        hbuf_unref(pk);
    target = n;
    h_run(&h, all_in, 3600 * SCTP_SEC);
    struct sctp_assoc_info info;
    sctp_assoc_get_info(h.ep[0], S.assoc[0], &info);
    /* Missing: a message neither received nor, with a lifetime,
     * reported given up. With PR-SCTP, those given up and those received
     * are counted apart (a message given up in flight may still arrive). */
    uint64_t missing = 0, pr_given_up = 0, pr_received = 0;
    for (uint64_t i = 0; i < n; i++) {
        missing += S.seen[i] == 0 && !(S.is_pr[i] && S.failed[i]);
        pr_given_up += S.failed[i];
        pr_received += S.is_pr[i] && S.seen[i];
    }
    if (pressure_on)
        sctp_endpoint_set_rx_pressure(h.ep[1], false);
    int fail = (pr ? S.settled != n : S.received != n) || missing || S.dups || S.bad ||
               S.order_err || S.lost || (multi && !pr && S.failovers == 0) ||
               (pressure && pressure_events == 0) || roomed == 0 || bursts == 0 ||
               (pr && (pr_given_up == 0 || pr_received == 0 || S.failed_unknown || pr_over == 0 ||
                       pr_rtx == 0 || S.failed_sent == 0));
    printf("%s: sent=%lu fragmented=%lu pieced=%lu roomed=%lu bursts=%lu unordered=%lu "
           "received=%lu "
           "missing=%lu dups=%lu bad=%lu "
           "order_errors=%lu lost=%d failovers=%lu retransmissions=%lu fast_rtx=%lu t3=%lu "
           "reopen_rtx=%lu pressure_events=%lu link_dropped=%lu link_dup=%lu link_corrupt=%lu "
           "link_reorder=%lu sim_seconds=%.1f %s\n",
           name, (unsigned long)sent, (unsigned long)big, (unsigned long)pieced,
           (unsigned long)roomed, (unsigned long)bursts, (unsigned long)unordered,
           (unsigned long)S.received, (unsigned long)missing, (unsigned long)S.dups,
           (unsigned long)S.bad, (unsigned long)S.order_err, S.lost, (unsigned long)S.failovers,
           (unsigned long)info.retransmissions, (unsigned long)info.fast_retransmissions,
           (unsigned long)info.t3_expiries, (unsigned long)info.reopen_retransmissions,
           (unsigned long)pressure_events, (unsigned long)h.dropped, (unsigned long)h.duplicated,
           (unsigned long)h.corrupted, (unsigned long)h.reordered, (double)h.now / 1e9,
           fail ? "FAIL" : "ok");
    if (pr)
        printf("%s: with a lifetime or a retransmission limit %lu (to the second address %lu, "
               "limited in retransmissions %lu), received %lu, given up "
               "%lu (send-failed events %lu, of sent data %lu, unknown %lu)\n",
               name, (unsigned long)pr_sent, (unsigned long)pr_over, (unsigned long)pr_rtx,
               (unsigned long)pr_received, (unsigned long)pr_given_up,
               (unsigned long)S.failed_events, (unsigned long)S.failed_sent,
               (unsigned long)S.failed_unknown);
    h_fini(&h);
    free(S.seen);
    free(S.is_pr);
    free(S.failed);
    if (hbuf_live != 0) {
        printf("%s: %ld payload buffers leaked\n", name, hbuf_live);
        fail = 1;
    }
    return fail;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: sim [MESSAGES [SEED]]\n"
                 "  MESSAGES  messages of the single-homed run (default 1000000, 100000\n"
                 "            with SCTPDP_SANITIZED set); the failover run sends half, the\n"
                 "            receive-pressure and PR-SCTP runs a quarter each\n"
                 "  SEED      of the first run; the others use SEED + 1 to SEED + 3\n"
                 "            (default 42)\n");
}

/* A whole decimal number, at least min. */
static bool parse_u64(const char *s, uint64_t min, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    uint64_t n = getenv("SCTPDP_SANITIZED") ? 100000 : 1000000;
    uint64_t seed = 42; /* the four runs use seed to seed + 3 */
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (argc > 3 || (argc > 1 && !parse_u64(argv[1], 4, &n)) ||
        (argc > 2 && !parse_u64(argv[2], 0, &seed))) {
        usage(stderr);
        return 2;
    }
    int failed = 0;
    failed += run("sim-single-homed", n, false, false, false, seed);
    failed += run("sim-multi-homed-failover", n / 2, true, false, false, seed + 1);
    failed += run("sim-receive-pressure", n / 4, false, true, false, seed + 2);
    failed += run("sim-pr-sctp", n / 4, true, false, true, seed + 3);
    printf("%d passed, %d failed\n", 4 - failed, failed);
    return failed ? 1 : 0;
}

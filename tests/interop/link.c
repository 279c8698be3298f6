/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * link.c: the lossy in-process wire of the interop test (see link.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "link.h"
#include "usock.h"

struct link {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct link_pkt *head, *tail; /* from usrsctp, under lock */
    pthread_t main_thread;

    /* Main thread only from here on. */
    uint16_t side0_port;
    uint64_t rng[2];
    double loss[2];
    bool spare_abort;
    link_observer observer;
    void *observer_arg;
    FILE *pcap;
    uint16_t ip_id;
    uint64_t seq;         /* last delivery sequence number handed out */
    uint64_t current_seq; /* packet usrsctp is processing, 0 if none */
    struct link_dir_stats stats[2];
};

static struct link *current;
static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;

uint64_t link_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

struct link *link_new(uint64_t seed, uint16_t side0_port)
{
    struct link *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    pthread_mutex_init(&l->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->cond, &ca);
    pthread_condattr_destroy(&ca);
    l->main_thread = pthread_self();
    l->side0_port = side0_port;
    l->rng[0] = seed ^ 0x1111;
    l->rng[1] = seed ^ 0x2222;
    pthread_mutex_lock(&current_lock);
    current = l;
    pthread_mutex_unlock(&current_lock);
    return l;
}

void link_free(struct link *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&current_lock);
    if (current == l)
        current = NULL;
    pthread_mutex_unlock(&current_lock);
    struct link_pkt *p = l->head;
    while (p) {
        struct link_pkt *n = p->next;
        free(p);
        p = n;
    }
    link_pcap(l, NULL);
    pthread_cond_destroy(&l->cond);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

int link_usrsctp_output(void *addr, const void *pkt, size_t len)
{
    (void)addr;
    pthread_mutex_lock(&current_lock);
    struct link *l = current;
    if (!l) {
        /* No link: the wire is cut, the packet is lost. */
        pthread_mutex_unlock(&current_lock);
        return 0;
    }
    struct link_pkt *p = malloc(sizeof(*p) + len);
    if (!p) {
        pthread_mutex_unlock(&current_lock);
        return 0;
    }
    p->next = NULL;
    p->len = len;
    memcpy(p->data, pkt, len);
    /* current_seq is written by the main thread only; reading it here is
     * meaningful only when this call comes from the main thread, inside
     * usrsctp_conninput(). */
    p->during_input = pthread_equal(pthread_self(), l->main_thread)
                          ? __atomic_load_n(&l->current_seq, __ATOMIC_SEQ_CST)
                          : 0;
    pthread_mutex_lock(&l->lock);
    if (l->tail)
        l->tail->next = p;
    else
        l->head = p;
    l->tail = p;
    pthread_cond_signal(&l->cond);
    pthread_mutex_unlock(&l->lock);
    pthread_mutex_unlock(&current_lock);
    return 0;
}

void link_set_loss(struct link *l, int dir, double p)
{
    l->loss[dir] = p;
}

void link_set_spare_abort(struct link *l, bool on)
{
    l->spare_abort = on;
}

void link_set_observer(struct link *l, link_observer fn, void *arg)
{
    l->observer = fn;
    l->observer_arg = arg;
}

static void put32(FILE *f, uint32_t v)
{
    fwrite(&v, 4, 1, f); /* pcap headers are in the writer's byte order */
}

int link_pcap(struct link *l, const char *path)
{
    if (l->pcap) {
        fclose(l->pcap);
        l->pcap = NULL;
    }
    if (!path)
        return 0;
    l->pcap = fopen(path, "wb");
    if (!l->pcap)
        return -1;
    put32(l->pcap, 0xa1b2c3d4);
    uint16_t v[2] = {2, 4};
    fwrite(v, 2, 2, l->pcap);
    put32(l->pcap, 0);      /* thiszone */
    put32(l->pcap, 0);      /* sigfigs */
    put32(l->pcap, 262144); /* snaplen */
    put32(l->pcap, 101);    /* LINKTYPE_RAW: packets start at the IP header */
    return 0;
}

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    be16(p, (uint16_t)(v >> 16));
    be16(p + 2, (uint16_t)v);
}

static void pcap_write(struct link *l, int dir, const uint8_t *pkt, size_t len, bool dropped)
{
    if (!l->pcap || len > 65535 - 20)
        return;
    uint8_t ip[20] = {0x45, 0};
    be16(ip + 2, (uint16_t)(len + 20));
    be16(ip + 4, l->ip_id++);
    be16(ip + 6, 0x4000);
    ip[8] = dropped ? 1 : 64;
    ip[9] = 132;
    be32(ip + 12, dir == LINK_TO_SIDE0 ? LINK_SIDE1_ADDR : LINK_SIDE0_ADDR);
    be32(ip + 16, dir == LINK_TO_SIDE0 ? LINK_SIDE0_ADDR : LINK_SIDE1_ADDR);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    be16(ip + 10, (uint16_t)~sum);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    put32(l->pcap, (uint32_t)ts.tv_sec);
    put32(l->pcap, (uint32_t)(ts.tv_nsec / 1000));
    put32(l->pcap, (uint32_t)(len + 20));
    put32(l->pcap, (uint32_t)(len + 20));
    fwrite(ip, 1, sizeof(ip), l->pcap);
    fwrite(pkt, 1, len, l->pcap);
}

unsigned link_walk_chunks(const uint8_t *pkt, size_t len, link_chunk_fn fn, void *arg)
{
    unsigned n = 0;
    size_t off = 12;
    while (off + 4 <= len) {
        uint16_t clen = (uint16_t)(pkt[off + 2] << 8 | pkt[off + 3]);
        if (clen < 4 || off + clen > len)
            break;
        if (fn)
            fn(arg, pkt[off], pkt[off + 1], pkt + off, clen);
        n++;
        off += (clen + 3u) & ~3u;
    }
    return n;
}

struct count_ctx {
    struct link_dir_stats *st;
    bool passed;
    bool abort;
};

static void count_chunk(void *arg, uint8_t type, uint8_t flags, const uint8_t *chunk, uint16_t len)
{
    (void)chunk;
    (void)len;
    struct count_ctx *c = arg;
    if (c->st) {
        if (c->passed)
            c->st->chunks_passed[type]++;
        else
            c->st->chunks[type]++;
    }
    if (type == 6) {
        c->abort = true;
        if (c->st && !c->passed && (flags & 0x01))
            c->st->aborts_tbit++;
    }
}

uint64_t link_pass(struct link *l, const uint8_t *pkt, size_t len, uint64_t during_input)
{
    int dir = LINK_TO_SIDE1;
    if (len >= 12 && (uint16_t)(pkt[2] << 8 | pkt[3]) == l->side0_port)
        dir = LINK_TO_SIDE0;
    struct link_dir_stats *st = &l->stats[dir];
    /* usrsctp is one stack for every scenario: an association of an
     * earlier one that lingers (a retransmitted SHUTDOWN ACK, say) still
     * sends through this link, and the core answers it as out of the blue
     * (8.4) from that other port. Such packets are delivered, without
     * loss, and counted apart: they are not this scenario's traffic. */
    if (len >= 12 && (uint16_t)(pkt[0] << 8 | pkt[1]) != l->side0_port &&
        (uint16_t)(pkt[2] << 8 | pkt[3]) != l->side0_port) {
        st->stray++;
        pcap_write(l, dir, pkt, len, false);
        return ++l->seq;
    }
    struct count_ctx c = {.st = st, .passed = false, .abort = false};
    link_walk_chunks(pkt, len, count_chunk, &c);
    st->packets++;
    st->bytes += len;
    double r = (double)(splitmix(&l->rng[dir]) >> 11) * (1.0 / 9007199254740992.0);
    bool dropped = r < l->loss[dir] && !(l->spare_abort && c.abort);
    uint64_t seq = 0;
    if (dropped) {
        st->dropped++;
    } else {
        c.passed = true;
        link_walk_chunks(pkt, len, count_chunk, &c);
        seq = ++l->seq;
    }
    pcap_write(l, dir, pkt, len, dropped);
    if (l->observer)
        l->observer(l->observer_arg, dir, pkt, len, dropped, seq, during_input);
    return seq;
}

struct link_pkt *link_pop(struct link *l)
{
    pthread_mutex_lock(&l->lock);
    struct link_pkt *p = l->head;
    if (p) {
        l->head = p->next;
        if (!l->head)
            l->tail = NULL;
        p->next = NULL;
    }
    pthread_mutex_unlock(&l->lock);
    return p;
}

void link_wait(struct link *l, uint64_t timeout_ns)
{
    uint64_t until = link_now_ns() + timeout_ns;
    struct timespec ts = {.tv_sec = (time_t)(until / 1000000000u),
                          .tv_nsec = (long)(until % 1000000000u)};
    pthread_mutex_lock(&l->lock);
    if (!l->head)
        pthread_cond_timedwait(&l->cond, &l->lock, &ts);
    pthread_mutex_unlock(&l->lock);
}

void link_conninput(struct link *l, uint64_t seq, const uint8_t *pkt, size_t len)
{
    __atomic_store_n(&l->current_seq, seq, __ATOMIC_SEQ_CST);
    usock_conninput(pkt, len);
    __atomic_store_n(&l->current_seq, 0, __ATOMIC_SEQ_CST);
}

const struct link_dir_stats *link_stats(const struct link *l, int dir)
{
    return &l->stats[dir];
}

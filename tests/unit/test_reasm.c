/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly and ordering (RFC 9260 6.5, 6.6, 6.9; RFC 3758 3.6).
 *
 * Every payload is a counted buffer: the callbacks track each handle's
 * references and every allocation, and each test ends in finish(), which
 * asserts that no reference leaked or was dropped twice and that no
 * memory is left.
 */
#include <stdlib.h>
#include <string.h>

#include "sctp_reasm.h"
#include "suites.h"

/* ---- counted payloads and allocations ---- */

struct tbuf {
    int refs;
    uint32_t len;
    uint8_t data[];
};

static struct {
    struct tbuf **bufs;
    size_t n, cap;
    long bad_refs;   /* ref or unref of a handle with no reference left */
    long live_alloc; /* allocations not yet freed */
    long fail_in;    /* > 0: the fail_in-th allocation from now fails */
} T;

static void cb_ref(void *user, void *h)
{
    (void)user;
    struct tbuf *b = h;
    if (b->refs <= 0)
        T.bad_refs++;
    b->refs++;
}

static void cb_unref(void *user, void *h)
{
    (void)user;
    struct tbuf *b = h;
    if (b->refs <= 0)
        T.bad_refs++;
    else
        b->refs--;
}

static void *cb_alloc(void *user, size_t size)
{
    (void)user;
    if (T.fail_in > 0 && --T.fail_in == 0)
        return NULL;
    void *p = malloc(size);
    if (p)
        T.live_alloc++;
    return p;
}

static void cb_free(void *user, void *p)
{
    (void)user;
    T.live_alloc--;
    free(p);
}

static const struct sctp_callbacks CB = {
    .payload_ref = cb_ref,
    .payload_unref = cb_unref,
    .alloc = cb_alloc,
    .free = cb_free,
};

/* With direct set, add_part() first offers each chunk to
 * sctp_reasm_add_direct(); the events it gives wait here, in order, and
 * pop() returns them before anything sctp_reasm_pop() has. */
static struct {
    bool direct;
    struct sctp_event *ev;
    unsigned head, n, cap;
    unsigned taken; /* chunks that went directly */
} D;

static void direct_push(const struct sctp_event *ev)
{
    if (D.head + D.n == D.cap) {
        if (D.n > 0)
            memmove(D.ev, D.ev + D.head, D.n * sizeof(*D.ev));
        D.head = 0;
        if (D.n == D.cap) {
            D.cap = D.cap ? D.cap * 2 : 64;
            D.ev = realloc(D.ev, D.cap * sizeof(*D.ev));
            CU_ASSERT_PTR_NOT_NULL_FATAL(D.ev);
        }
    }
    D.ev[D.head + D.n++] = *ev;
    D.taken++;
}

static struct tbuf *tbuf_new(const uint8_t *data, uint32_t len)
{
    struct tbuf *b = malloc(sizeof(*b) + len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    b->refs = 1;
    b->len = len;
    if (len)
        memcpy(b->data, data, len);
    if (T.n == T.cap) {
        T.cap = T.cap ? T.cap * 2 : 256;
        T.bufs = realloc(T.bufs, T.cap * sizeof(*T.bufs));
        CU_ASSERT_PTR_NOT_NULL_FATAL(T.bufs);
    }
    T.bufs[T.n++] = b;
    return b;
}

static struct sctp_reasm *mk(uint16_t n_streams, uint32_t max_bytes, uint32_t pd_point)
{
    struct sctp_reasm *r = sctp_reasm_new(n_streams, max_bytes, pd_point, &CB);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

/* Frees r (if any) and checks that every reference and allocation is
 * back. */
static void finish(struct sctp_reasm *r)
{
    for (; D.n > 0; D.n--)
        sctp_reasm_event_free(&CB, &D.ev[D.head++]);
    free(D.ev);
    D.ev = NULL;
    D.head = D.cap = 0;
    sctp_reasm_free(r);
    size_t leaked = 0;
    for (size_t i = 0; i < T.n; i++) {
        if (T.bufs[i]->refs != 0)
            leaked++;
        free(T.bufs[i]);
    }
    CU_ASSERT_EQUAL(leaked, 0);
    CU_ASSERT_EQUAL(T.bad_refs, 0);
    CU_ASSERT_EQUAL(T.live_alloc, 0);
    free(T.bufs);
    memset(&T, 0, sizeof(T));
}

/* The byte at offset j of a test message seeded with seed. */
static uint8_t pattern(uint32_t seed, uint32_t j)
{
    return (uint8_t)(seed * 131 + j * 7 + (j >> 8));
}

#define F_B  SCTP_DATA_FLAG_B
#define F_E  SCTP_DATA_FLAG_E
#define F_U  SCTP_DATA_FLAG_U
#define F_BE (F_B | F_E)

/* Adds a chunk carrying bytes [off, off + len) of message seed. */
static int add_part(struct sctp_reasm *r, uint8_t flags, uint32_t tsn, uint16_t sid, uint16_t ssn,
                    uint32_t ppid, uint32_t seed, uint32_t off, uint32_t len)
{
    uint8_t *tmp = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
    for (uint32_t j = 0; j < len; j++)
        tmp[j] = pattern(seed, off + j);
    struct tbuf *b = tbuf_new(tmp, len);
    free(tmp);
    struct sctp_data_chunk d = {
        .flags = flags,
        .tsn = tsn,
        .sid = sid,
        .ssn = ssn,
        .ppid = ppid,
        .payload = b->data,
        .payload_len = (uint16_t)len,
    };
    struct sctp_frag f = {.data = b->data, .len = len, .handle = b};
    if (D.direct) {
        struct sctp_event ev;
        memset(&ev, 0xa5, sizeof(ev));
        if (sctp_reasm_add_direct(r, &d, &f, &ev) == 1) {
            direct_push(&ev);
            return 0;
        }
    }
    return sctp_reasm_add(r, &d, &f);
}

/* A whole single-chunk message; seed doubles as the PPID. */
static int add1(struct sctp_reasm *r, uint8_t flags, uint32_t tsn, uint16_t sid, uint16_t ssn,
                uint32_t seed, uint32_t len)
{
    return add_part(r, flags, tsn, sid, ssn, seed, seed, 0, len);
}

/* A delivered message or piece, flattened. */
struct msg {
    enum sctp_event_type type;
    uint16_t sid, ssn;
    uint32_t ppid, tsn, flags, len, nfrags;
    uint8_t *buf;
};

/* Pops one event into m (freeing the event). Returns what pop returned. */
static int pop(struct sctp_reasm *r, struct msg *m)
{
    struct sctp_event ev;
    memset(&ev, 0xa5, sizeof(ev));
    memset(m, 0, sizeof(*m));
    int rc;
    if (D.n > 0) {
        ev = D.ev[D.head++];
        D.n--;
        rc = 1;
    } else {
        rc = sctp_reasm_pop(r, &ev);
    }
    if (rc != 1)
        return rc;
    CU_ASSERT_EQUAL(ev.assoc_id, 0);
    m->type = ev.type;
    if (ev.type == SCTP_EV_PDAPI_ABORTED) {
        m->sid = ev.u.pdapi.sid;
        m->ssn = ev.u.pdapi.ssn;
        return rc;
    }
    CU_ASSERT_EQUAL(ev.type, SCTP_EV_DATA);
    m->sid = ev.u.data.sid;
    m->ssn = ev.u.data.ssn;
    m->ppid = ev.u.data.ppid;
    m->tsn = ev.u.data.tsn;
    m->flags = ev.u.data.flags;
    m->len = ev.u.data.len;
    m->nfrags = ev.u.data.nfrags;
    m->buf = malloc(m->len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->buf);
    uint32_t off = 0;
    /* A copy (the direct queue's): sctp_event_frags() finds the one
     * fragment in it. */
    const struct sctp_frag *frags = sctp_event_frags(&ev);
    for (uint32_t i = 0; i < ev.u.data.nfrags; i++) {
        const struct sctp_frag *f = &frags[i];
        CU_ASSERT_PTR_NOT_NULL(f->handle);
        CU_ASSERT(off + f->len <= m->len);
        if (off + f->len <= m->len)
            memcpy(m->buf + off, f->data, f->len);
        off += f->len;
    }
    CU_ASSERT_EQUAL(off, m->len);
    sctp_reasm_event_free(&CB, &ev);
    CU_ASSERT_PTR_NULL(ev.u.data.frags);
    return rc;
}

static void msg_done(struct msg *m)
{
    free(m->buf);
    m->buf = NULL;
}

static bool bytes_ok(const uint8_t *p, uint32_t seed, uint32_t off, uint32_t len)
{
    for (uint32_t j = 0; j < len; j++)
        if (p[j] != pattern(seed, off + j))
            return false;
    return true;
}

/* Pops a whole message and checks it. */
static void expect_msg(struct sctp_reasm *r, uint16_t sid, uint16_t ssn, uint32_t tsn,
                       uint32_t seed, uint32_t len, uint32_t flags)
{
    struct msg m;
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.type, SCTP_EV_DATA);
    CU_ASSERT_EQUAL(m.sid, sid);
    if (!(flags & SCTP_EV_DATA_UNORDERED))
        CU_ASSERT_EQUAL(m.ssn, ssn);
    CU_ASSERT_EQUAL(m.tsn, tsn);
    CU_ASSERT_EQUAL(m.ppid, seed);
    CU_ASSERT_EQUAL(m.flags, flags);
    CU_ASSERT_EQUAL(m.len, len);
    CU_ASSERT(m.len == len && bytes_ok(m.buf, seed, 0, len));
    msg_done(&m);
}

static void expect_none(struct sctp_reasm *r)
{
    struct msg m;
    CU_ASSERT_EQUAL(pop(r, &m), 0);
}

static void expect_aborted(struct sctp_reasm *r, uint16_t sid, uint16_t ssn)
{
    struct msg m;
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.type, SCTP_EV_PDAPI_ABORTED);
    CU_ASSERT_EQUAL(m.sid, sid);
    CU_ASSERT_EQUAL(m.ssn, ssn);
}

/* ---- tests ---- */

static void test_ordered_in_order(void)
{
    struct sctp_reasm *r = mk(4, 100000, 50000);
    CU_ASSERT_EQUAL(add1(r, F_BE, 100, 1, 0, 1, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 101, 1, 1, 2, 20), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 102, 1, 2, 3, 30), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 60);
    expect_msg(r, 1, 0, 100, 1, 10, 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 50);
    expect_msg(r, 1, 1, 101, 2, 20, 0);
    expect_msg(r, 1, 2, 102, 3, 30, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);
}

static void test_ordered_out_of_order(void)
{
    struct sctp_reasm *r = mk(4, 100000, 50000);
    CU_ASSERT_EQUAL(add1(r, F_BE, 12, 0, 2, 3, 30), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 11, 0, 1, 2, 20), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 50);
    CU_ASSERT_EQUAL(add1(r, F_BE, 10, 0, 0, 1, 10), 0);
    expect_msg(r, 0, 0, 10, 1, 10, 0);
    expect_msg(r, 0, 1, 11, 2, 20, 0);
    expect_msg(r, 0, 2, 12, 3, 30, 0);
    expect_none(r);
    /* A gap in the middle holds only what follows it. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 14, 0, 4, 5, 5), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 13, 0, 3, 4, 5), 0);
    expect_msg(r, 0, 3, 13, 4, 5, 0);
    expect_msg(r, 0, 4, 14, 5, 5, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);
}

static void test_unordered_bypasses_order(void)
{
    struct sctp_reasm *r = mk(2, 100000, 50000);
    CU_ASSERT_EQUAL(add1(r, F_BE, 2, 0, 1, 2, 8), 0); /* waits for SSN 0 */
    CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 3, 0, 7, 3, 9), 0);
    expect_msg(r, 0, 0, 3, 3, 9, SCTP_EV_DATA_UNORDERED);
    expect_none(r);
    /* A fragmented unordered message goes up once whole. */
    CU_ASSERT_EQUAL(add_part(r, F_E | F_U, 6, 0, 0, 4, 4, 10, 5), 0);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 5, 0, 0, 4, 4, 0, 10), 0);
    expect_msg(r, 0, 0, 5, 4, 15, SCTP_EV_DATA_UNORDERED);
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 0, 0, 1, 7), 0);
    expect_msg(r, 0, 0, 1, 1, 7, 0);
    expect_msg(r, 0, 1, 2, 2, 8, 0);
    expect_none(r);
    finish(r);
}

/* Next permutation of a[0..n) in lexicographic order; false at the end. */
static bool next_perm(unsigned *a, unsigned n)
{
    unsigned i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return false;
    unsigned j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    unsigned t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (unsigned k = i, l = n - 1; k < l; k++, l--) {
        t = a[k];
        a[k] = a[l];
        a[l] = t;
    }
    return true;
}

static void test_fragmented_any_order(void)
{
    enum { NF = 5 };
    static const uint32_t lens[NF] = {100, 7, 300, 1, 50};
    for (int u = 0; u < 2; u++) {
        unsigned perm[NF] = {0, 1, 2, 3, 4};
        unsigned count = 0;
        do {
            struct sctp_reasm *r = mk(3, 100000, 50000);
            uint32_t off[NF], total = 0;
            for (unsigned i = 0; i < NF; i++) {
                off[i] = total;
                total += lens[i];
            }
            for (unsigned k = 0; k < NF; k++) {
                unsigned i = perm[k];
                uint8_t fl =
                    (uint8_t)((i == 0 ? F_B : 0) | (i == NF - 1 ? F_E : 0) | (u ? F_U : 0));
                /* The PPID of the first fragment is the one reported. */
                uint32_t ppid = i == 0 ? 9 : 1000 + i;
                CU_ASSERT_EQUAL(add_part(r, fl, 500 + i, 2, 0, ppid, 9, off[i], lens[i]), 0);
                if (k < NF - 1)
                    expect_none(r);
            }
            struct msg m;
            CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
            CU_ASSERT_EQUAL(m.nfrags, NF);
            CU_ASSERT_EQUAL(m.tsn, 500);
            CU_ASSERT_EQUAL(m.ppid, 9);
            CU_ASSERT_EQUAL(m.sid, 2);
            CU_ASSERT_EQUAL(m.flags, u ? SCTP_EV_DATA_UNORDERED : 0);
            CU_ASSERT(m.len == total && bytes_ok(m.buf, 9, 0, total));
            msg_done(&m);
            expect_none(r);
            CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
            finish(r);
            count++;
        } while (next_perm(perm, NF));
        CU_ASSERT_EQUAL(count, 120);
    }
}

static void test_interleaved_streams(void)
{
    struct sctp_reasm *r = mk(3, 100000, 50000);
    /* TSN 1-3: stream 0 SSN 0 in three fragments; 4: stream 1 SSN 0;
     * 5-6: stream 0 SSN 1 in two; 7-8: stream 2 SSN 0 in two; 9: stream 1
     * SSN 1. */
    CU_ASSERT_EQUAL(add_part(r, F_B, 7, 2, 0, 30, 30, 0, 40), 0);
    CU_ASSERT_EQUAL(add_part(r, 0, 2, 0, 0, 10, 10, 10, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 9, 1, 1, 21, 3), 0);
    CU_ASSERT_EQUAL(add_part(r, F_E, 6, 0, 1, 11, 11, 5, 5), 0);
    CU_ASSERT_EQUAL(add_part(r, F_B, 1, 0, 0, 10, 10, 0, 10), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add1(r, F_BE, 4, 1, 0, 20, 4), 0);
    expect_msg(r, 1, 0, 4, 20, 4, 0);
    expect_msg(r, 1, 1, 9, 21, 3, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add_part(r, F_B, 5, 0, 1, 11, 11, 0, 5), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add_part(r, F_E, 8, 2, 0, 30, 30, 40, 2), 0);
    expect_msg(r, 2, 0, 7, 30, 42, 0);
    CU_ASSERT_EQUAL(add_part(r, F_E, 3, 0, 0, 10, 10, 20, 1), 0);
    expect_msg(r, 0, 0, 1, 10, 21, 0);
    expect_msg(r, 0, 1, 5, 11, 10, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);
}

static void test_ssn_wrap(void)
{
    struct sctp_reasm *r = mk(2, 1 << 20, 1 << 19);
    /* Walk the expected SSN all the way round, delivering pairs swapped. */
    uint32_t tsn = 1;
    for (uint32_t ssn = 0; ssn < 65536 + 20; ssn += 2) {
        CU_ASSERT_EQUAL(add1(r, F_BE, tsn + 1, 1, (uint16_t)(ssn + 1), ssn + 1, 1), 0);
        CU_ASSERT_EQUAL(add1(r, F_BE, tsn, 1, (uint16_t)ssn, ssn, 1), 0);
        tsn += 2;
        for (uint32_t k = 0; k < 2; k++) {
            struct msg m;
            CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
            CU_ASSERT_EQUAL(m.ssn, (uint16_t)(ssn + k));
            CU_ASSERT_EQUAL(m.ppid, ssn + k);
            msg_done(&m);
        }
    }
    expect_none(r);
    finish(r);

    /* Across the wrap out of order: 65534, 0, 1, 65535 before 65533. */
    r = mk(2, 1 << 20, 1 << 19);
    /* Skips move at most half the SSN space at a time (serial
     * arithmetic): 0 -> 20000 -> 40000 -> 60000 -> 65532. */
    static const uint16_t steps[] = {20000, 40000, 60000, 65532};
    for (unsigned k = 0; k < 4; k++) {
        struct sctp_fwd_stream skip = {.sid = 0, .ssn = steps[k]};
        CU_ASSERT_EQUAL(sctp_reasm_forward(r, 90 + k, &skip, 1), 0);
    }
    /* Behind the expected SSN now: ignored. */
    struct sctp_fwd_stream back = {.sid = 0, .ssn = 65000};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 99, &back, 1), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 101, 0, 65534, 2, 5), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 103, 0, 0, 4, 5), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 104, 0, 1, 5, 5), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 102, 0, 65535, 3, 5), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add1(r, F_BE, 100, 0, 65533, 1, 5), 0);
    expect_msg(r, 0, 65533, 100, 1, 5, 0);
    expect_msg(r, 0, 65534, 101, 2, 5, 0);
    expect_msg(r, 0, 65535, 102, 3, 5, 0);
    expect_msg(r, 0, 0, 103, 4, 5, 0);
    expect_msg(r, 0, 1, 104, 5, 5, 0);
    expect_none(r);
    finish(r);
}

static void test_tsn_wrap(void)
{
    for (int u = 0; u < 2; u++) {
        struct sctp_reasm *r = mk(2, 100000, 50000);
        uint8_t uf = u ? F_U : 0;
        uint32_t ef = u ? SCTP_EV_DATA_UNORDERED : 0;
        /* A message on TSNs 0xfffffffe..1, fragments shuffled. */
        CU_ASSERT_EQUAL(add_part(r, uf, 0, 0, 0, 7, 7, 20, 10), 0);
        CU_ASSERT_EQUAL(add_part(r, F_E | uf, 1, 0, 0, 7, 7, 30, 10), 0);
        CU_ASSERT_EQUAL(add_part(r, F_B | uf, 0xfffffffe, 0, 0, 7, 7, 0, 10), 0);
        expect_none(r);
        CU_ASSERT_EQUAL(add_part(r, uf, 0xffffffff, 0, 0, 7, 7, 10, 10), 0);
        expect_msg(r, 0, 0, 0xfffffffe, 7, 40, ef);
        /* Single chunks across the wrap, out of order, on another stream. */
        CU_ASSERT_EQUAL(add1(r, F_BE | uf, 3, 1, 2, 12, 4), 0);
        CU_ASSERT_EQUAL(add1(r, F_BE | uf, 2, 1, 1, 11, 4), 0);
        if (u) {
            expect_msg(r, 1, 2, 3, 12, 4, ef);
            expect_msg(r, 1, 1, 2, 11, 4, ef);
        }
        expect_none(r);
        CU_ASSERT_EQUAL(add1(r, F_BE | uf, 0xffffffff, 1, 0, 10, 4), 0);
        if (u) {
            expect_msg(r, 1, 0, 0xffffffff, 10, 4, ef);
        } else {
            expect_msg(r, 1, 0, 0xffffffff, 10, 4, 0);
            expect_msg(r, 1, 1, 2, 11, 4, 0);
            expect_msg(r, 1, 2, 3, 12, 4, 0);
        }
        expect_none(r);
        finish(r);
    }
}

static void test_invalid_stream(void)
{
    struct sctp_reasm *r = mk(3, 100000, 50000);
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 3, 0, 1, 10), SCTP_ERR_STREAM);
    CU_ASSERT_EQUAL(T.bufs[0]->refs, 0); /* dropped at once */
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 65535, 0, 1, 10), SCTP_ERR_STREAM);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 2, 0, 1, 10), 0);
    expect_msg(r, 2, 0, 1, 1, 10, 0);
    finish(r);

    /* No stream at all. */
    r = mk(0, 100000, 50000);
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 0, 0, 1, 10), SCTP_ERR_STREAM);
    struct sctp_fwd_stream skip = {.sid = 0, .ssn = 3};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 5, &skip, 1), 0);
    finish(r);
}

/* The budget counts each chunk's payload and SCTP_REASM_CHUNK_OVERHEAD. */
static void test_budget_limit(void)
{
    const uint32_t o = SCTP_REASM_CHUNK_OVERHEAD;
    struct sctp_reasm *r = mk(2, 1000 + 3 * o, 1000 + 3 * o);
    CU_ASSERT_EQUAL(add1(r, F_BE, 2, 0, 1, 2, 600), 0); /* held */
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 600 + o);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 600);
    CU_ASSERT(sctp_reasm_can_take(r, 400 + o));
    CU_ASSERT(!sctp_reasm_can_take(r, 401 + o));
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 0, 0, 1, 401 + o), SCTP_ERR_LIMIT);
    CU_ASSERT_EQUAL(T.bufs[1]->refs, 0);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 600 + o);
    expect_none(r);
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 0, 0, 1, 400), 0);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 1000 + 2 * o);
    CU_ASSERT(sctp_reasm_can_take(r, 0));
    CU_ASSERT(!sctp_reasm_can_take(r, 1));
    /* Ready but not popped still counts. */
    CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 3, 1, 0, 3, 1), SCTP_ERR_LIMIT);
    expect_msg(r, 0, 0, 1, 1, 400, 0);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 600 + o);
    expect_msg(r, 0, 1, 2, 2, 600, 0);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 0);
    CU_ASSERT(sctp_reasm_can_take(r, 1000 + 2 * o));
    /* Tiny chunks: the overhead bounds how many are held. */
    for (uint32_t i = 0; i < 100; i++)
        add1(r, F_BE, 100 + i, 0, (uint16_t)(10 + i), 100 + i, 1);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), (1000 + 3 * o) / (1 + o));
    finish(r);
}

/* Every chunk held counts (ordered behind a missing SSN, fragments, or
 * ready but not popped) until it is popped or dropped; duplicates and
 * stale SSNs never count. */
static void test_chunk_count(void)
{
    const uint32_t o = SCTP_REASM_CHUNK_OVERHEAD;
    struct sctp_reasm *r = mk(2, 10000, 10000);
    CU_ASSERT_EQUAL(add1(r, F_BE, 2, 0, 1, 2, 10), 0); /* waits for SSN 0 */
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 1);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 10 + o);
    CU_ASSERT_EQUAL(add1(r, F_BE, 2, 0, 1, 2, 10), 0); /* duplicate */
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 1);
    CU_ASSERT_EQUAL(add_part(r, F_B, 10, 1, 1, 7, 7, 0, 3), 0);
    CU_ASSERT_EQUAL(add_part(r, 0, 11, 1, 1, 7, 7, 3, 3), 0);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 3);
    CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 20, 0, 0, 20, 5), 0); /* ready */
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 4);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 21 + 4 * o);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 21);
    expect_msg(r, 0, 0, 20, 20, 5, SCTP_EV_DATA_UNORDERED);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 3);
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 0, 0, 1, 10), 0);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 4);
    expect_msg(r, 0, 0, 1, 1, 10, 0);
    expect_msg(r, 0, 1, 2, 2, 10, 0);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 2);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 6 + 2 * o);
    CU_ASSERT_EQUAL(add1(r, F_BE, 3, 0, 0, 3, 10), 0); /* SSN 0 again: stale */
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 2);
    struct sctp_fwd_stream skip = {.sid = 1, .ssn = 1};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 12, &skip, 1), 0);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 0);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 0);
    expect_none(r);
    finish(r);
}

/* Pops pieces of message seed on sid until a whole one ends or nothing is
 * ready; appends them to buf at *got. Returns pieces popped. */
static unsigned pop_pieces(struct sctp_reasm *r, uint16_t sid, uint32_t seed, uint32_t *got,
                           bool *ended, uint32_t flags)
{
    unsigned n = 0;
    struct msg m;
    while (!*ended && pop(r, &m) == 1) {
        CU_ASSERT_EQUAL(m.type, SCTP_EV_DATA);
        CU_ASSERT_EQUAL(m.sid, sid);
        CU_ASSERT_EQUAL(m.ppid, seed);
        CU_ASSERT_EQUAL(m.flags & SCTP_EV_DATA_UNORDERED, flags);
        CU_ASSERT(bytes_ok(m.buf, seed, *got, m.len));
        *got += m.len;
        *ended = !(m.flags & SCTP_EV_DATA_PARTIAL);
        msg_done(&m);
        n++;
    }
    return n;
}

/* A partial delivery point at the whole budget is lowered to half of it:
 * with the per-chunk overhead counted, a message's payload could never
 * reach the whole budget, and a message larger than it would stall. */
static void test_pd_point_within_budget(void)
{
    struct sctp_reasm *r = mk(1, 4000, 4000);
    uint32_t got = 0;
    bool ended = false;
    for (unsigned i = 0; i < 40; i++) {
        uint8_t fl = (uint8_t)((i == 0 ? F_B : 0) | (i == 39 ? F_E : 0));
        CU_ASSERT_EQUAL_FATAL(add_part(r, fl, 100 + i, 0, 0, 9, 9, i * 200, 200), 0);
        pop_pieces(r, 0, 9, &got, &ended, 0);
    }
    CU_ASSERT(ended);
    CU_ASSERT_EQUAL(got, 8000);
    finish(r);
}

static void test_partial_delivery(void)
{
    for (int u = 0; u < 2; u++) {
        uint8_t uf = u ? F_U : 0;
        uint32_t ef = u ? SCTP_EV_DATA_UNORDERED : 0;
        /* The ordered message that waits: SSN 1 behind an ordered
         * message in pieces, SSN 0 beside an unordered one. */
        uint16_t ssn_o = u ? 0 : 1;
        /* 12000 bytes through a 4000-byte budget. */
        struct sctp_reasm *r = mk(2, 4000, 2000);
        enum { NF = 12, FL = 1000 };
        uint32_t got = 0;
        bool ended = false;
        unsigned pieces = 0;
        for (unsigned i = 0; i < NF; i++) {
            uint8_t fl = (uint8_t)((i == 0 ? F_B : 0) | (i == NF - 1 ? F_E : 0) | uf);
            CU_ASSERT_EQUAL_FATAL(add_part(r, fl, 1000 + i, 0, 0, 77, 77, i * FL, FL), 0);
            if (i == 0) {
                expect_none(r); /* below the partial delivery point */
                continue;
            }
            pieces += pop_pieces(r, 0, 77, &got, &ended, ef);
            if (i == 4) {
                /* Another message of the stream waits for the end; other
                 * streams do not. */
                CU_ASSERT_EQUAL(add1(r, F_BE, 2000, 0, ssn_o, 5, 3), 0);
                CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 2001, 0, 9, 6, 3), 0);
                CU_ASSERT_EQUAL(add1(r, F_BE, 2002, 1, 0, 8, 3), 0);
                expect_msg(r, 1, 0, 2002, 8, 3, 0);
                expect_none(r);
            }
            CU_ASSERT(sctp_reasm_payload(r) <= 4000 - 6);
        }
        CU_ASSERT(ended);
        CU_ASSERT_EQUAL(got, NF * FL);
        CU_ASSERT_EQUAL(pieces, NF - 1);
        /* What waited comes after the final piece. */
        expect_msg(r, 0, ssn_o, 2000, 5, 3, 0);
        expect_msg(r, 0, 9, 2001, 6, 3, SCTP_EV_DATA_UNORDERED);
        expect_none(r);
        CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
        finish(r);

        /* Out of order within a partial delivery: 1 2 | 4 held | 3 -> 3+4. */
        r = mk(1, 10000, 2000);
        got = 0;
        ended = false;
        CU_ASSERT_EQUAL(add_part(r, F_B | uf, 50, 0, 0, 3, 3, 0, 1000), 0);
        CU_ASSERT_EQUAL(add_part(r, uf, 51, 0, 0, 3, 3, 1000, 1000), 0);
        struct msg m;
        CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
        CU_ASSERT_EQUAL(m.flags, ef | SCTP_EV_DATA_PARTIAL);
        CU_ASSERT_EQUAL(m.tsn, 50);
        CU_ASSERT_EQUAL(m.nfrags, 2);
        CU_ASSERT(m.len == 2000 && bytes_ok(m.buf, 3, 0, 2000));
        msg_done(&m);
        CU_ASSERT_EQUAL(add_part(r, uf, 53, 0, 0, 3, 3, 3000, 1000), 0);
        expect_none(r);
        CU_ASSERT_EQUAL(add_part(r, uf, 52, 0, 0, 3, 3, 2000, 1000), 0);
        CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
        CU_ASSERT_EQUAL(m.flags, ef | SCTP_EV_DATA_PARTIAL);
        CU_ASSERT_EQUAL(m.tsn, 52);
        CU_ASSERT_EQUAL(m.ppid, 3);
        CU_ASSERT_EQUAL(m.nfrags, 2);
        CU_ASSERT(m.len == 2000 && bytes_ok(m.buf, 3, 2000, 2000));
        msg_done(&m);
        CU_ASSERT_EQUAL(add_part(r, F_E | uf, 54, 0, 0, 3, 3, 4000, 10), 0);
        CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
        CU_ASSERT_EQUAL(m.flags, ef);
        CU_ASSERT(m.len == 10 && bytes_ok(m.buf, 3, 4000, 10));
        msg_done(&m);
        expect_none(r);
        finish(r);
    }

    /* An ordered message starts partial delivery only once it is due. */
    struct sctp_reasm *r = mk(1, 10000, 2000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 11, 0, 1, 4, 4, 0, 1500), 0);
    CU_ASSERT_EQUAL(add_part(r, 0, 12, 0, 1, 4, 4, 1500, 1500), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add1(r, F_BE, 10, 0, 0, 1, 5), 0);
    expect_msg(r, 0, 0, 10, 1, 5, 0);
    struct msg m;
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.ssn, 1);
    CU_ASSERT_EQUAL(m.flags, SCTP_EV_DATA_PARTIAL);
    CU_ASSERT(m.len == 3000 && bytes_ok(m.buf, 4, 0, 3000));
    msg_done(&m);
    expect_none(r);
    finish(r); /* freed in the middle of a partial delivery */
}

static void test_forward_tsn(void)
{
    /* Incomplete fragments below the new cumulative TSN go; the skipped
     * SSN releases what waited behind it. */
    struct sctp_reasm *r = mk(3, 100000, 50000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 10, 0, 0, 1, 1, 0, 100), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 13, 0, 1, 2, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 14, 0, 2, 3, 10), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 120);
    struct sctp_fwd_stream s1[] = {{.sid = 7, .ssn = 0}, {.sid = 0, .ssn = 0}};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 12, s1, 2), 0);
    CU_ASSERT_EQUAL(T.bufs[0]->refs, 0);
    expect_msg(r, 0, 1, 13, 2, 10, 0);
    expect_msg(r, 0, 2, 14, 3, 10, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    /* The stream goes on from SSN 3; a late fragment of SSN 0 is stale. */
    CU_ASSERT_EQUAL(add_part(r, F_E, 11, 0, 0, 1, 1, 100, 5), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 15, 0, 3, 4, 10), 0);
    expect_msg(r, 0, 3, 15, 4, 10, 0);
    finish(r);

    /* Complete messages among the skipped SSNs still deliver, in order:
     * SSN 0 and 2 abandoned, 1 and 3 whole. */
    r = mk(1, 100000, 50000);
    CU_ASSERT_EQUAL(add1(r, F_BE, 21, 0, 1, 1, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 24, 0, 3, 3, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_B, 22, 0, 2, 2, 2, 0, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 25, 0, 4, 4, 10), 0);
    struct sctp_fwd_stream s2 = {.sid = 0, .ssn = 2};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 23, &s2, 1), 0);
    expect_msg(r, 0, 1, 21, 1, 10, 0);
    expect_msg(r, 0, 3, 24, 3, 10, 0);
    expect_msg(r, 0, 4, 25, 4, 10, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    /* A skip behind the expected SSN changes nothing. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 27, 0, 6, 6, 10), 0);
    s2.ssn = 3;
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 26, &s2, 1), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add1(r, F_BE, 26, 0, 5, 5, 10), 0);
    expect_msg(r, 0, 5, 26, 5, 10, 0);
    expect_msg(r, 0, 6, 27, 6, 10, 0);
    finish(r);

    /* Unordered: fragments that can no longer complete go, those that
     * still can stay. */
    r = mk(2, 100000, 50000);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 30, 1, 0, 1, 1, 0, 10), 0);  /* dead */
    CU_ASSERT_EQUAL(add_part(r, F_E | F_U, 33, 1, 0, 2, 2, 10, 10), 0); /* 32 is gone */
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 35, 1, 0, 3, 3, 0, 10), 0);  /* alive */
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 38, 1, 0, 4, 4, 0, 10), 0);  /* alive */
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 40);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 32, NULL, 0), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 20);
    expect_none(r);
    CU_ASSERT_EQUAL(add_part(r, F_E | F_U, 36, 1, 0, 3, 3, 10, 10), 0);
    expect_msg(r, 1, 0, 35, 3, 20, SCTP_EV_DATA_UNORDERED);
    CU_ASSERT_EQUAL(add_part(r, F_E | F_U, 39, 1, 0, 4, 4, 10, 10), 0);
    expect_msg(r, 1, 0, 38, 4, 20, SCTP_EV_DATA_UNORDERED);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);

    /* An ordered message not listed (the peer's business) waits; its
     * fragments below the cumulative TSN are dropped all the same. */
    r = mk(1, 100000, 50000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 40, 0, 0, 1, 1, 0, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, 0, 41, 0, 0, 1, 1, 10, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 43, 0, 1, 2, 10), 0);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 42, NULL, 0), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 10);
    expect_none(r);
    s2.ssn = 0;
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 43, &s2, 1), 0);
    expect_msg(r, 0, 1, 43, 2, 10, 0);
    finish(r);

    /* An ordered message whose fragments up to the new cumulative TSN all
     * arrived, and whose stream and SSN the FORWARD TSN does not list,
     * can still complete: 60-61 are held, 62 is on its way. */
    r = mk(1, 100000, 50000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 60, 0, 0, 6, 6, 0, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, 0, 61, 0, 0, 6, 6, 10, 10), 0);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 61, NULL, 0), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 20);
    CU_ASSERT_EQUAL(add_part(r, F_E, 62, 0, 0, 6, 6, 20, 10), 0);
    expect_msg(r, 0, 0, 60, 6, 30, 0);
    expect_none(r);
    finish(r);

    /* An unordered one is listed by nothing, and a sender moves its
     * Advanced.Peer.Ack.Point over a fragment it sent only when it gave
     * the whole message up (RFC 3758 3.5 A3, C2): a new cumulative TSN at
     * its last fragment held, without the E bit, means that the rest
     * never comes (a sender that gives the unsent rest no TSN). It is
     * dropped; a stray end fragment later completes nothing and goes at
     * the next FORWARD TSN. Fragments up to new_cum - 1 with a hole at
     * new_cum, as before, go too. */
    r = mk(1, 100000, 50000);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 60, 0, 0, 6, 6, 0, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_U, 61, 0, 0, 6, 6, 10, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 63, 0, 0, 7, 7, 0, 10), 0); /* alive */
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 61, NULL, 0), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 10);
    CU_ASSERT_EQUAL(add_part(r, F_E | F_U, 62, 0, 0, 6, 6, 20, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_E | F_U, 64, 0, 0, 7, 7, 10, 10), 0);
    expect_msg(r, 0, 0, 63, 7, 20, SCTP_EV_DATA_UNORDERED);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 62, NULL, 0), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    expect_none(r);
    finish(r);
}

static void test_pdapi_aborted(void)
{
    /* Ordered: pieces out, then the rest is abandoned. */
    struct sctp_reasm *r = mk(2, 100000, 1000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 100, 0, 0, 1, 1, 0, 800), 0);
    CU_ASSERT_EQUAL(add_part(r, 0, 101, 0, 0, 1, 1, 800, 800), 0);
    CU_ASSERT_EQUAL(add_part(r, 0, 103, 0, 0, 1, 1, 2400, 800), 0); /* after a hole */
    CU_ASSERT_EQUAL(add1(r, F_BE, 105, 0, 1, 2, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 106, 0, 0, 3, 10), 0);
    struct msg m;
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.flags, SCTP_EV_DATA_PARTIAL);
    CU_ASSERT_EQUAL(m.len, 1600);
    msg_done(&m);
    expect_none(r);
    struct sctp_fwd_stream s = {.sid = 0, .ssn = 0};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 104, &s, 1), 0);
    expect_aborted(r, 0, 0);
    expect_msg(r, 0, 1, 105, 2, 10, 0);
    expect_msg(r, 0, 0, 106, 3, 10, SCTP_EV_DATA_UNORDERED);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);

    /* Ordered, the stream not listed: the cumulative TSN alone abandons
     * the message, and the stream moves past it. */
    r = mk(1, 100000, 1000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 10, 0, 0, 1, 1, 0, 1000), 0);
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    msg_done(&m);
    CU_ASSERT_EQUAL(add1(r, F_BE, 13, 0, 1, 2, 10), 0);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 12, NULL, 0), 0);
    expect_aborted(r, 0, 0);
    expect_msg(r, 0, 1, 13, 2, 10, 0);
    expect_none(r);
    finish(r);

    /* Unordered: the pieces already out stay out; queued data of other
     * streams comes first, data of the stream after the abort. */
    r = mk(2, 100000, 1000);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 200, 1, 0, 1, 1, 0, 1200), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 202, 0, 0, 4, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 203, 1, 0, 2, 10), 0);         /* waits */
    CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 204, 1, 0, 3, 10), 0);   /* waits */
    CU_ASSERT_EQUAL(add_part(r, F_U, 206, 1, 0, 1, 1, 0, 5), 0); /* junk after a hole */
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.flags, SCTP_EV_DATA_UNORDERED | SCTP_EV_DATA_PARTIAL);
    msg_done(&m);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 205, NULL, 0), 0);
    expect_msg(r, 0, 0, 202, 4, 10, 0);
    expect_aborted(r, 1, 0);
    expect_msg(r, 1, 0, 203, 2, 10, 0);
    expect_msg(r, 1, 0, 204, 3, 10, SCTP_EV_DATA_UNORDERED);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);

    /* A partial delivery that survives: the cumulative TSN stays below
     * its next piece. */
    r = mk(1, 100000, 1000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 10, 0, 0, 1, 1, 0, 1000), 0);
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    msg_done(&m);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 10, NULL, 0), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add_part(r, F_E, 11, 0, 0, 1, 1, 1000, 10), 0);
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.flags, 0);
    CU_ASSERT(m.len == 10 && bytes_ok(m.buf, 1, 1000, 10));
    msg_done(&m);
    finish(r);

    /* Unordered, the cumulative TSN at its last piece out: the message was
     * given up (run_dead), its partial delivery ends, and the stream's
     * ordered data, held behind it, comes (it stayed held for good). */
    r = mk(1, 100000, 1000);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 10, 0, 0, 1, 1, 0, 600), 0);
    CU_ASSERT_EQUAL(add_part(r, F_U, 11, 0, 0, 1, 1, 600, 600), 0);
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.flags, SCTP_EV_DATA_UNORDERED | SCTP_EV_DATA_PARTIAL);
    msg_done(&m);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 11, NULL, 0), 0);
    expect_aborted(r, 0, 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 12, 0, 0, 2, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 13, 0, 0, 3, 10), 0);
    expect_msg(r, 0, 0, 12, 2, 10, 0);
    expect_msg(r, 0, 0, 13, 3, 10, SCTP_EV_DATA_UNORDERED);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);
}

static void test_forward_during_unordered_pd(void)
{
    /* A skip on a stream whose unordered message is being delivered in
     * pieces waits for that message to end. */
    struct sctp_reasm *r = mk(1, 100000, 1000);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 50, 0, 0, 9, 9, 0, 1000), 0);
    struct msg m;
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    msg_done(&m);
    CU_ASSERT_EQUAL(add1(r, F_BE, 41, 0, 1, 1, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 52, 0, 3, 3, 10), 0);
    struct sctp_fwd_stream s = {.sid = 0, .ssn = 2};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 49, &s, 1), 0);
    expect_none(r);
    CU_ASSERT_EQUAL(add_part(r, F_E | F_U, 51, 0, 0, 9, 9, 1000, 10), 0);
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.flags, SCTP_EV_DATA_UNORDERED);
    msg_done(&m);
    expect_msg(r, 0, 1, 41, 1, 10, 0);
    expect_msg(r, 0, 3, 52, 3, 10, 0);
    expect_none(r);
    finish(r);
}

static void test_duplicates_and_stale(void)
{
    struct sctp_reasm *r = mk(1, 100000, 50000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 5, 0, 1, 1, 1, 0, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_B, 5, 0, 1, 1, 1, 0, 10), 0); /* same TSN */
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 9, 0, 1, 1, 1, 0, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 9, 0, 1, 1, 1, 0, 10), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 20);
    CU_ASSERT_EQUAL(add1(r, F_BE, 4, 0, 0, 2, 10), 0);
    expect_msg(r, 0, 0, 4, 2, 10, 0);
    /* SSN 0 again: already delivered. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 3, 0, 0, 2, 10), 0);
    /* Two messages claiming SSN 1: one delivers, the other goes. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 7, 0, 1, 3, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_E, 6, 0, 1, 1, 1, 10, 10), 0);
    expect_msg(r, 0, 1, 5, 1, 20, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 10); /* the unordered fragment */
    finish(r);
}

static void test_nomem(void)
{
    T.fail_in = 1;
    CU_ASSERT_PTR_NULL(sctp_reasm_new(4, 1000, 100, &CB));
    T.fail_in = 2;
    CU_ASSERT_PTR_NULL(sctp_reasm_new(4, 1000, 100, &CB));
    T.fail_in = 3;
    CU_ASSERT_PTR_NULL(sctp_reasm_new(4, 1000, 100, &CB));
    CU_ASSERT_EQUAL(T.live_alloc, 0);
    T.fail_in = 0;

    struct sctp_reasm *r = mk(2, 100000, 1000);
    T.fail_in = 1;
    CU_ASSERT_EQUAL(add1(r, F_BE, 1, 0, 0, 1, 10), SCTP_ERR_NOMEM);
    CU_ASSERT_EQUAL(T.bufs[0]->refs, 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    /* A message of two fragments needs an array for them: without it
     * the message stays and goes up on the next pop. */
    CU_ASSERT_EQUAL(add_part(r, F_B, 1, 0, 0, 1, 1, 0, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_E, 2, 0, 0, 1, 1, 10, 10), 0);
    T.fail_in = 1;
    struct msg m;
    CU_ASSERT_EQUAL(pop(r, &m), SCTP_ERR_NOMEM);
    expect_msg(r, 0, 0, 1, 1, 20, 0);
    /* One fragment goes in the event itself: no allocation to fail. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 3, 0, 1, 1, 10), 0);
    T.fail_in = 1;
    expect_msg(r, 0, 1, 3, 1, 10, 0);
    CU_ASSERT_EQUAL(T.fail_in, 1); /* nothing was allocated */
    T.fail_in = 0;

    finish(r);

    /* FORWARD TSN needing an abort event changes nothing when that
     * allocation fails. Nothing was popped yet, so no cached node. */
    r = mk(2, 100000, 1000);
    CU_ASSERT_EQUAL(add_part(r, F_B, 10, 1, 0, 1, 1, 0, 1000), 0); /* a piece */
    CU_ASSERT_EQUAL(add1(r, F_BE, 12, 1, 1, 2, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_B | F_U, 11, 0, 0, 1, 1, 0, 10), 0);
    long before = T.live_alloc;
    T.fail_in = 1;
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 12, NULL, 0), SCTP_ERR_NOMEM);
    T.fail_in = 0;
    CU_ASSERT_EQUAL(T.live_alloc, before);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 1020);
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, 12, NULL, 0), 0);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 1010);
    CU_ASSERT_EQUAL_FATAL(pop(r, &m), 1);
    CU_ASSERT_EQUAL(m.flags, SCTP_EV_DATA_PARTIAL);
    CU_ASSERT_EQUAL(m.len, 1000);
    msg_done(&m);
    expect_aborted(r, 1, 0);
    expect_msg(r, 1, 1, 12, 2, 10, 0);
    expect_none(r);
    CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
    finish(r);
}

/* ---- randomized ---- */

static uint64_t rng_state;
static uint32_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

enum { RN_MSGS = 3000, RN_STREAMS = 7, RN_FRAG = 600 };

struct rmsg {
    uint16_t sid, ssn;
    bool unordered;
    bool abandoned; /* PR-SCTP: some fragments never sent */
    uint32_t len, tsn0, nfrags;
    int delivered;
};

struct rchunk {
    uint32_t msg, off, len, tsn;
    uint8_t flags;
    bool sent;
};

struct rnd_run {
    struct rmsg msgs[RN_MSGS];
    struct rchunk *chunks;
    uint32_t *msg_of; /* TSN - base -> message */
    uint32_t n_chunks, base;
    /* checking state */
    uint16_t expect_ssn[RN_STREAMS];
    int pd_msg[RN_STREAMS];
    uint32_t pd_got[RN_STREAMS], pd_tsn[RN_STREAMS];
    unsigned errors, pieces, aborts;
};

static void rnd_generate(struct rnd_run *w, uint32_t base, unsigned abandon_pct)
{
    uint16_t next_ssn[RN_STREAMS] = {0};
    w->base = base;
    w->n_chunks = 0;
    uint32_t cap = RN_MSGS * 12;
    w->chunks = malloc(sizeof(*w->chunks) * cap);
    w->msg_of = malloc(sizeof(*w->msg_of) * cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w->chunks);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w->msg_of);
    uint32_t tsn = base;
    for (uint32_t i = 0; i < RN_MSGS; i++) {
        struct rmsg *m = &w->msgs[i];
        m->sid = (uint16_t)(rnd() % RN_STREAMS);
        m->unordered = rnd() % 4 == 0;
        m->ssn = m->unordered ? (uint16_t)rnd() : next_ssn[m->sid]++;
        uint32_t kind = rnd() % 10;
        m->len = kind < 6 ? 1 + rnd() % RN_FRAG : 1 + rnd() % (RN_FRAG * 10);
        m->nfrags = (m->len + RN_FRAG - 1) / RN_FRAG;
        m->tsn0 = tsn;
        m->delivered = 0;
        m->abandoned = rnd() % 100 < abandon_pct;
        uint32_t must_drop = rnd() % m->nfrags;
        for (uint32_t f = 0; f < m->nfrags; f++) {
            struct rchunk *c = &w->chunks[w->n_chunks];
            c->msg = i;
            c->off = f * RN_FRAG;
            c->len = f + 1 < m->nfrags ? RN_FRAG : m->len - c->off;
            c->tsn = tsn;
            c->flags = (uint8_t)((f == 0 ? F_B : 0) | (f + 1 == m->nfrags ? F_E : 0) |
                                 (m->unordered ? F_U : 0));
            c->sent = !m->abandoned || (f != must_drop && rnd() % 2);
            w->msg_of[tsn - base] = i;
            w->n_chunks++;
            tsn++;
        }
    }
    for (int s = 0; s < RN_STREAMS; s++) {
        w->expect_ssn[s] = 0;
        w->pd_msg[s] = -1;
    }
    w->errors = 0;
    w->pieces = 0;
    w->aborts = 0;
}

#define RN_CHECK(c)                                                                                \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            if (w->errors++ < 5)                                                                   \
                CU_FAIL(#c);                                                                       \
        }                                                                                          \
    } while (0)

static void rnd_finish_msg(struct rnd_run *w, uint32_t i)
{
    struct rmsg *m = &w->msgs[i];
    RN_CHECK(m->delivered == 0);
    RN_CHECK(!m->abandoned);
    m->delivered++;
    if (!m->unordered) {
        /* Fewer than 65536 messages per stream: no SSN wrap here. Only
         * abandoned messages may be missing in between. */
        RN_CHECK(m->ssn >= w->expect_ssn[m->sid]);
        w->expect_ssn[m->sid] = (uint16_t)(m->ssn + 1);
    }
}

static void rnd_drain(struct sctp_reasm *r, struct rnd_run *w)
{
    struct msg e;
    while (pop(r, &e) == 1) {
        if (e.type == SCTP_EV_PDAPI_ABORTED) {
            RN_CHECK(e.sid < RN_STREAMS && w->pd_msg[e.sid] >= 0);
            if (e.sid < RN_STREAMS && w->pd_msg[e.sid] >= 0) {
                const struct rmsg *m = &w->msgs[w->pd_msg[e.sid]];
                RN_CHECK(m->abandoned);
                RN_CHECK(m->unordered || e.ssn == m->ssn);
                w->pd_msg[e.sid] = -1;
            }
            w->aborts++;
            continue;
        }
        RN_CHECK(e.type == SCTP_EV_DATA);
        RN_CHECK(e.sid < RN_STREAMS);
        if (e.type != SCTP_EV_DATA || e.sid >= RN_STREAMS) {
            msg_done(&e);
            continue;
        }
        bool partial = e.flags & SCTP_EV_DATA_PARTIAL;
        if (partial || w->pd_msg[e.sid] >= 0)
            w->pieces++;
        if (w->pd_msg[e.sid] >= 0) {
            /* The next piece of the message in partial delivery. */
            uint32_t i = (uint32_t)w->pd_msg[e.sid];
            struct rmsg *m = &w->msgs[i];
            RN_CHECK(e.tsn == w->pd_tsn[e.sid]);
            RN_CHECK(!!(e.flags & SCTP_EV_DATA_UNORDERED) == m->unordered);
            RN_CHECK(w->pd_got[e.sid] + e.len <= m->len);
            RN_CHECK(bytes_ok(e.buf, i, w->pd_got[e.sid], e.len));
            w->pd_got[e.sid] += e.len;
            w->pd_tsn[e.sid] += e.nfrags;
            if (!partial) {
                RN_CHECK(w->pd_got[e.sid] == m->len);
                w->pd_msg[e.sid] = -1;
                rnd_finish_msg(w, i);
            }
            msg_done(&e);
            continue;
        }
        RN_CHECK(e.tsn - w->base < w->n_chunks);
        if (e.tsn - w->base >= w->n_chunks) {
            msg_done(&e);
            continue;
        }
        uint32_t i = w->msg_of[e.tsn - w->base];
        struct rmsg *m = &w->msgs[i];
        RN_CHECK(e.tsn == m->tsn0);
        RN_CHECK(e.sid == m->sid);
        RN_CHECK(e.ppid == i);
        RN_CHECK(!!(e.flags & SCTP_EV_DATA_UNORDERED) == m->unordered);
        if (!m->unordered)
            RN_CHECK(e.ssn == m->ssn);
        RN_CHECK(e.len <= m->len && bytes_ok(e.buf, i, 0, e.len));
        if (partial) {
            w->pd_msg[e.sid] = (int)i;
            w->pd_got[e.sid] = e.len;
            w->pd_tsn[e.sid] = e.tsn + e.nfrags;
        } else {
            RN_CHECK(e.len == m->len);
            RN_CHECK(e.nfrags == m->nfrags);
            rnd_finish_msg(w, i);
        }
        msg_done(&e);
    }
}

/* Sends what a PR-SCTP sender would: the receiver's cumulative TSN
 * moves over what arrived, and the sender's Advanced.Peer.Ack.Point over
 * what it abandoned (RFC 3758 3.5 C2), so the FORWARD TSN names the last
 * abandoned TSN below which every chunk arrived or was abandoned, with
 * the highest abandoned ordered SSN of each stream up to there; nothing
 * when no chunk was abandoned since the last one. */
static void rnd_forward(struct sctp_reasm *r, struct rnd_run *w, const uint8_t *arrived,
                        uint32_t *cum_idx, int *skip_ssn)
{
    uint32_t last_abandoned = UINT32_MAX;
    while (*cum_idx < w->n_chunks &&
           (arrived[*cum_idx] || w->msgs[w->msg_of[*cum_idx]].abandoned)) {
        const struct rmsg *m = &w->msgs[w->msg_of[*cum_idx]];
        if (m->abandoned && !m->unordered && m->ssn > skip_ssn[m->sid])
            skip_ssn[m->sid] = m->ssn;
        if (m->abandoned)
            last_abandoned = *cum_idx;
        (*cum_idx)++;
    }
    if (last_abandoned == UINT32_MAX)
        return;
    struct sctp_fwd_stream list[RN_STREAMS];
    unsigned n = 0;
    for (uint16_t s = 0; s < RN_STREAMS; s++)
        if (skip_ssn[s] >= 0)
            list[n++] = (struct sctp_fwd_stream){.sid = s, .ssn = (uint16_t)skip_ssn[s]};
    CU_ASSERT_EQUAL(sctp_reasm_forward(r, w->base + last_abandoned, list, n), 0);
}

/* Runs one randomized delivery: window 0 shuffles every chunk anywhere,
 * otherwise each chunk moves at most window places. abandon_pct of the
 * messages lose some fragments and are skipped by FORWARD TSN.
 * feed_only > 0 stops after that many chunks and frees what is held. */
static void rnd_run_one(uint64_t seed, uint32_t base, unsigned window, uint32_t pd_point,
                        unsigned abandon_pct, uint32_t feed_only)
{
    static struct rnd_run w_;
    struct rnd_run *w = &w_;
    rng_state = seed;
    rnd_generate(w, base, abandon_pct);
    uint8_t *arrived = calloc(w->n_chunks, 1);
    struct rchunk *order = malloc(sizeof(*order) * w->n_chunks);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arrived);
    CU_ASSERT_PTR_NOT_NULL_FATAL(order);
    memcpy(order, w->chunks, sizeof(*order) * w->n_chunks);
    for (uint32_t i = 0; i + 1 < w->n_chunks; i++) {
        uint32_t span = window ? window : w->n_chunks - i;
        if (span > w->n_chunks - i)
            span = w->n_chunks - i;
        uint32_t j = i + rnd() % span;
        struct rchunk t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    struct sctp_reasm *r = mk(RN_STREAMS, 64u << 20, pd_point);
    uint32_t cum_idx = 0;
    int skip_ssn[RN_STREAMS];
    for (int s = 0; s < RN_STREAMS; s++)
        skip_ssn[s] = -1;
    uint32_t n = feed_only ? feed_only : w->n_chunks;
    for (uint32_t k = 0; k < n; k++) {
        const struct rchunk *c = &order[k];
        const struct rmsg *m = &w->msgs[c->msg];
        uint32_t idx = c->tsn - w->base;
        /* Unsent, or below the cumulative TSN: the TSN map drops it. */
        if (!c->sent || idx < cum_idx)
            continue;
        int rc = add_part(r, c->flags, c->tsn, m->sid, m->ssn, c->msg, c->msg, c->off, c->len);
        RN_CHECK(rc == 0);
        arrived[idx] = 1;
        if (abandon_pct && rnd() % 16 == 0)
            rnd_forward(r, w, arrived, &cum_idx, skip_ssn);
        if (rnd() % 8 == 0)
            rnd_drain(r, w);
    }
    if (feed_only) {
        rnd_drain(r, w);
        CU_ASSERT(sctp_reasm_payload(r) > 0);
    } else {
        if (abandon_pct) {
            rnd_forward(r, w, arrived, &cum_idx, skip_ssn);
            CU_ASSERT_EQUAL(cum_idx, w->n_chunks);
        }
        rnd_drain(r, w);
        CU_ASSERT_EQUAL(sctp_reasm_payload(r), 0);
        unsigned missing = 0, abandoned = 0;
        for (uint32_t i = 0; i < RN_MSGS; i++) {
            if (w->msgs[i].abandoned)
                abandoned++;
            else if (w->msgs[i].delivered != 1)
                missing++;
        }
        CU_ASSERT_EQUAL(missing, 0);
        CU_ASSERT_EQUAL(abandoned > 0, abandon_pct > 0);
        for (int s = 0; s < RN_STREAMS; s++)
            CU_ASSERT_EQUAL(w->pd_msg[s], -1);
        if (pd_point < 64u << 20)
            CU_ASSERT(w->pieces > 0);
        if (abandon_pct && pd_point < 64u << 20)
            CU_ASSERT(w->aborts > 0);
    }
    CU_ASSERT_EQUAL(w->errors, 0);
    free(order);
    free(arrived);
    free(w->chunks);
    free(w->msg_of);
    finish(r); /* with feed_only, messages are still held here */
}

static void test_random_full_shuffle(void)
{
    rnd_run_one(0x9e3779b97f4a7c15ull, 0xfffff000u, 0, 64u << 20, 0, 0);
    rnd_run_one(12345, 7, 0, 64u << 20, 0, 0);
}

static void test_random_partial_delivery(void)
{
    rnd_run_one(0xdeadbeefull, 0xffffff00u, 40, 1500, 0, 0);
    rnd_run_one(42, 1u << 31, 200, 700, 0, 0);
}

static void test_random_free_while_held(void)
{
    rnd_run_one(777, 0xfffffe00u, 0, 64u << 20, 0, 5000);
    rnd_run_one(778, 100, 50, 1500, 10, 5000);
}

static void test_random_forward_tsn(void)
{
    rnd_run_one(2024, 0xfffff800u, 60, 64u << 20, 10, 0);
    rnd_run_one(2025, 0xffffff80u, 60, 1500, 10, 0);
    rnd_run_one(2026, 5, 300, 1200, 20, 0);
}

/* A whole message that is due goes straight to an event, and only then:
 * not out of order, not behind a held or queued message, not a fragment,
 * not on an unknown stream, not without memory (nothing changes then). */
static void test_direct(void)
{
    struct sctp_reasm *r = mk(4, 1u << 20, 1u << 20);
    D.direct = true;
    D.taken = 0;
    CU_ASSERT_EQUAL(add1(r, F_BE, 100, 0, 0, 1, 50), 0);
    CU_ASSERT_EQUAL(D.taken, 1);
    CU_ASSERT_EQUAL(sctp_reasm_chunks(r), 0);
    CU_ASSERT_EQUAL(sctp_reasm_bytes(r), 0);
    expect_msg(r, 0, 0, 100, 1, 50, 0);
    /* SSN 2 before 1: held; 1 then goes the usual way and takes 2 along. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 102, 0, 2, 3, 30), 0);
    CU_ASSERT_EQUAL(D.taken, 1);
    CU_ASSERT_EQUAL(add1(r, F_BE, 101, 0, 1, 2, 40), 0);
    CU_ASSERT_EQUAL(D.taken, 1);
    /* Queued for delivery: a due message of another stream waits behind. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 103, 1, 0, 4, 20), 0);
    CU_ASSERT_EQUAL(D.taken, 1);
    expect_msg(r, 0, 1, 101, 2, 40, 0);
    expect_msg(r, 0, 2, 102, 3, 30, 0);
    expect_msg(r, 1, 0, 103, 4, 20, 0);
    /* Nothing queued: unordered, then ordered on a fresh stream, go. */
    CU_ASSERT_EQUAL(add1(r, F_BE | F_U, 104, 2, 0, 5, 10), 0);
    CU_ASSERT_EQUAL(add1(r, F_BE, 105, 3, 0, 6, 12), 0);
    CU_ASSERT_EQUAL(D.taken, 3);
    expect_msg(r, 2, 0, 104, 5, 10, SCTP_EV_DATA_UNORDERED);
    expect_msg(r, 3, 0, 105, 6, 12, 0);
    /* Fragments never go directly. */
    CU_ASSERT_EQUAL(add_part(r, F_B, 106, 3, 1, 7, 7, 0, 10), 0);
    CU_ASSERT_EQUAL(add_part(r, F_E, 107, 3, 1, 7, 7, 10, 5), 0);
    CU_ASSERT_EQUAL(D.taken, 3);
    expect_msg(r, 3, 1, 106, 7, 15, 0);
    /* An unknown stream: the usual way, which reports it. */
    CU_ASSERT_EQUAL(add1(r, F_BE, 108, 9, 0, 8, 10), SCTP_ERR_STREAM);
    CU_ASSERT_EQUAL(D.taken, 3);
    /* The one fragment goes in the event: it takes no memory. */
    T.fail_in = 1;
    struct tbuf *b = tbuf_new((const uint8_t *)"abcd", 4);
    struct sctp_data_chunk d = {.flags = F_BE,
                                .tsn = 109,
                                .sid = 3,
                                .ssn = 2,
                                .ppid = 9,
                                .payload = b->data,
                                .payload_len = 4};
    struct sctp_frag f = {.data = b->data, .len = 4, .handle = b};
    struct sctp_event ev;
    CU_ASSERT_EQUAL(sctp_reasm_add_direct(r, &d, &f, &ev), 1);
    CU_ASSERT_EQUAL(T.fail_in, 1); /* nothing was allocated */
    T.fail_in = 0;
    CU_ASSERT_EQUAL(b->refs, 1);
    CU_ASSERT_EQUAL(ev.u.data.ssn, 2);
    CU_ASSERT_EQUAL(ev.u.data.nfrags, 1);
    CU_ASSERT_PTR_EQUAL(ev.u.data.frags, &ev.u.data.frag);
    CU_ASSERT_PTR_EQUAL(ev.u.data.frags[0].handle, b);
    CU_ASSERT_EQUAL(ev.u.data.frags[0].len, 4);
    sctp_reasm_event_free(&CB, &ev);
    D.direct = false;
    finish(r);
}

/* The random runs again, each chunk offered to sctp_reasm_add_direct()
 * first: the same messages, in the same order per stream, whole. */
static void test_random_direct(void)
{
    D.direct = true;
    D.taken = 0;
    rnd_run_one(0x9e3779b97f4a7c15ull, 0xfffff000u, 0, 64u << 20, 0, 0);
    rnd_run_one(12345, 7, 4, 64u << 20, 0, 0);
    rnd_run_one(42, 1u << 31, 200, 700, 0, 0);
    rnd_run_one(2025, 0xffffff80u, 60, 1500, 10, 0);
    rnd_run_one(778, 100, 50, 1500, 10, 5000);
    CU_ASSERT_TRUE(D.taken > 0);
    D.direct = false;
}

TEST_SUITE_BEGIN(reasm)
TEST_CASE(test_ordered_in_order)
TEST_CASE(test_ordered_out_of_order)
TEST_CASE(test_unordered_bypasses_order)
TEST_CASE(test_fragmented_any_order)
TEST_CASE(test_interleaved_streams)
TEST_CASE(test_ssn_wrap)
TEST_CASE(test_tsn_wrap)
TEST_CASE(test_invalid_stream)
TEST_CASE(test_budget_limit)
TEST_CASE(test_chunk_count)
TEST_CASE(test_pd_point_within_budget)
TEST_CASE(test_partial_delivery)
TEST_CASE(test_forward_tsn)
TEST_CASE(test_pdapi_aborted)
TEST_CASE(test_forward_during_unordered_pd)
TEST_CASE(test_duplicates_and_stale)
TEST_CASE(test_nomem)
TEST_CASE(test_random_full_shuffle)
TEST_CASE(test_random_partial_delivery)
TEST_CASE(test_random_free_while_held)
TEST_CASE(test_random_forward_tsn)
TEST_CASE(test_direct)
TEST_CASE(test_random_direct)
TEST_SUITE_END()

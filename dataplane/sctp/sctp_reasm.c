/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp_reasm.c: reassembly (RFC 9260 6.9), ordered and unordered
 * delivery (6.5, 6.6), FORWARD TSN skipping (RFC 3758 3.6) and partial
 * delivery.
 *
 * Every chunk held is one node. Nodes wait in one of two lists:
 *   - per stream, the ordered chunks, sorted by (SSN relative to the next
 *     expected SSN, TSN): the message due next is at the head;
 *   - one list for the unordered chunks of all streams, sorted by TSN.
 * Fragments of one message carry consecutive TSNs (6.9), so they are
 * adjacent in either list. Adjacent fragments of one message form a
 * "run"; the first and last node of a run point at each other and the
 * first one counts the run's bytes, so inserting a chunk tells in O(1)
 * whether its message is complete or long enough for partial delivery.
 *
 * Deliverable messages (and partial delivery pieces and PDAPI aborts)
 * go to one FIFO of node chains in the order they became deliverable,
 * which keeps each stream's order. A single-chunk message that is due
 * goes there directly without touching any list.
 */
#include "sctp_reasm.h"
#include "sctp_mem.h"
#include "sctp_tsn.h"

#define DATA_B  SCTP_DATA_FLAG_B
#define DATA_E  SCTP_DATA_FLAG_E
#define DATA_U  SCTP_DATA_FLAG_U
#define DATA_BE (SCTP_DATA_FLAG_B | SCTP_DATA_FLAG_E)

/* Queued-item flag beyond the event data flags: a PDAPI_ABORTED event. */
#define ITEM_ABORTED 0x80

/* Free nodes kept for reuse; the rest go back to the allocator. */
#define FREE_NODES_MAX 1024

/* Ordered chunks at most this far (serially) ahead of the next expected
 * SSN are held; the others belong to messages already delivered or
 * skipped. */
#define SSN_WINDOW 0x8000

struct sctp_reasm_node {
    struct sctp_reasm_node *next, *prev; /* list while held; fragment chain when queued */
    /* Held: the other end of the node's run (first <-> last).
     * Queued: the next queued item. */
    struct sctp_reasm_node *link;
    const uint8_t *data;
    void *handle;
    uint32_t len;
    uint32_t tsn;
    uint32_t ppid;
    uint32_t run_bytes; /* on a run's first node: bytes of the run */
    uint16_t sid, ssn;
    uint8_t flags;   /* DATA chunk flags */
    uint8_t evflags; /* queued: SCTP_EV_DATA_* or ITEM_ABORTED */
    uint8_t room;    /* sctp_frag.room of the piece */
};

enum pd_kind {
    PD_NONE = 0,
    PD_ORDERED,
    PD_UNORDERED,
};

/* Stream state bits. */
#define ST_UBLOCKED 0x1 /* an unordered message waits for partial delivery to end */
#define ST_SKIP     0x2 /* skip_ssn waits for partial delivery to end */

/* One cache line per chunk held, a few words per stream negotiated. */
_Static_assert(sizeof(struct sctp_reasm_node) <= 64, "node grew past a cache line");
_Static_assert(sizeof(struct sctp_reasm_stream) <= 32, "per-stream state grew");
_Static_assert(PD_NONE == 0, "sctp_reasm_claim_due reads 0 as no partial delivery");

/* ---- nodes ---- */

static struct sctp_reasm_node *node_get(struct sctp_reasm *r)
{
    struct sctp_reasm_node *n = r->free_nodes;
    if (n) {
        r->free_nodes = n->next;
        r->n_free--;
        return n;
    }
    return sctp_mem_alloc(&r->cb, sizeof(*n));
}

static void node_put(struct sctp_reasm *r, struct sctp_reasm_node *n)
{
    if (r->n_free >= FREE_NODES_MAX) {
        sctp_mem_free(&r->cb, n);
        return;
    }
    n->next = r->free_nodes;
    r->free_nodes = n;
    r->n_free++;
}

/* Unreferences and frees a NULL-terminated fragment chain. */
static void drop_chain(struct sctp_reasm *r, struct sctp_reasm_node *n)
{
    while (n) {
        struct sctp_reasm_node *next = n->next;
        sctp_payload_unref(&r->cb, n->handle);
        r->bytes -= n->len + SCTP_REASM_CHUNK_OVERHEAD;
        r->chunks--;
        node_put(r, n);
        n = next;
    }
}

static void mark_busy(struct sctp_reasm *r, const struct sctp_reasm_stream *st)
{
    uint32_t i = (uint32_t)(st - r->streams);
    r->busy[i >> 6] |= (uint64_t)1 << (i & 63);
}

/* ---- sorted lists of runs ---- */

/* Ordered lists sort by SSN distance from the next expected SSN, then
 * TSN; the unordered list by TSN. */
static int key_cmp(const struct sctp_reasm_node *a, const struct sctp_reasm_node *b, bool by_ssn,
                   uint16_t base)
{
    if (by_ssn) {
        uint16_t oa = (uint16_t)(a->ssn - base), ob = (uint16_t)(b->ssn - base);
        if (oa != ob)
            return oa < ob ? -1 : 1;
    }
    if (a->tsn == b->tsn)
        return 0;
    return sctp_tsn_lt(a->tsn, b->tsn) ? -1 : 1;
}

/* True if b directly follows a within one message. Both sit in the same
 * list, so they agree on U; ordered ones must agree on the SSN too. */
static bool joins(const struct sctp_reasm_node *a, const struct sctp_reasm_node *b)
{
    return b->tsn == a->tsn + 1 && a->sid == b->sid && ((a->flags & DATA_U) || a->ssn == b->ssn) &&
           !(a->flags & DATA_E) && !(b->flags & DATA_B);
}

/*
 * Inserts x in sort order (searching from the tail: chunks mostly arrive
 * in order) and merges it with the neighbouring runs. Returns the first
 * node of x's run, or NULL if a chunk with the same key is held already.
 */
static struct sctp_reasm_node *list_insert(struct sctp_reasm_list *l, struct sctp_reasm_node *x,
                                           bool by_ssn, uint16_t base)
{
    struct sctp_reasm_node *p = l->tail;
    int c = 1;
    while (p && (c = key_cmp(p, x, by_ssn, base)) > 0)
        p = p->prev;
    if (p && c == 0)
        return NULL;
    struct sctp_reasm_node *n = p ? p->next : l->head;
    x->prev = p;
    x->next = n;
    if (p)
        p->next = x;
    else
        l->head = x;
    if (n)
        n->prev = x;
    else
        l->tail = x;

    /* p is the last node of its run and n the first of its own: a node
     * in between would have x's key. */
    struct sctp_reasm_node *first = x, *last = x;
    uint32_t bytes = x->len;
    if (p && joins(p, x)) {
        first = p->link;
        bytes += first->run_bytes;
    }
    if (n && joins(x, n)) {
        last = n->link;
        bytes += n->run_bytes;
    }
    first->link = last;
    last->link = first;
    first->run_bytes = bytes;
    return first;
}

/* Unlinks the run starting at first, leaving it a NULL-terminated
 * fragment chain. */
static void list_unlink_run(struct sctp_reasm_list *l, struct sctp_reasm_node *first)
{
    struct sctp_reasm_node *last = first->link;
    struct sctp_reasm_node *p = first->prev, *n = last->next;
    if (p)
        p->next = n;
    else
        l->head = n;
    if (n)
        n->prev = p;
    else
        l->tail = p;
    first->prev = NULL;
    last->next = NULL;
}

static bool run_complete(const struct sctp_reasm_node *first)
{
    return (first->flags & DATA_B) && (first->link->flags & DATA_E);
}

/* ---- the ready queue ---- */

static void enqueue(struct sctp_reasm *r, struct sctp_reasm_node *first, uint8_t evflags)
{
    first->evflags = evflags;
    first->link = NULL;
    if (r->ready_tail)
        r->ready_tail->link = first;
    else
        r->ready_head = first;
    r->ready_tail = first;
}

static uint8_t data_evflags(const struct sctp_reasm_node *n)
{
    return (n->flags & DATA_U) ? SCTP_EV_DATA_UNORDERED : 0;
}

/* Moves a run from its list to the ready queue. */
static void take_run(struct sctp_reasm *r, struct sctp_reasm_list *l, struct sctp_reasm_node *first,
                     uint8_t evflags, uint32_t ppid)
{
    list_unlink_run(l, first);
    first->ppid = ppid;
    enqueue(r, first, evflags);
}

static void drop_run(struct sctp_reasm *r, struct sctp_reasm_list *l, struct sctp_reasm_node *first)
{
    list_unlink_run(l, first);
    drop_chain(r, first);
}

/* ---- delivery ---- */

static void stream_progress(struct sctp_reasm *r, struct sctp_reasm_stream *st);

/* Starts partial delivery with the run at first (B, no E): its bytes go
 * out now, the rest of the message piece by piece as it arrives. */
static void pd_start(struct sctp_reasm *r, struct sctp_reasm_stream *st, struct sctp_reasm_list *l,
                     struct sctp_reasm_node *first)
{
    st->pd = (first->flags & DATA_U) ? PD_UNORDERED : PD_ORDERED;
    st->pd_tsn = first->link->tsn + 1;
    st->pd_ssn = first->ssn;
    st->pd_ppid = first->ppid;
    mark_busy(r, st);
    take_run(r, l, first, data_evflags(first) | SCTP_EV_DATA_PARTIAL, first->ppid);
}

/* The run at first continues the message under partial delivery. */
static void pd_continue(struct sctp_reasm *r, struct sctp_reasm_stream *st,
                        struct sctp_reasm_list *l, struct sctp_reasm_node *first)
{
    struct sctp_reasm_node *last = first->link;
    bool end = last->flags & DATA_E;
    take_run(r, l, first, data_evflags(first) | (end ? 0 : SCTP_EV_DATA_PARTIAL), st->pd_ppid);
    if (!end) {
        st->pd_tsn = last->tsn + 1;
        return;
    }
    if (st->pd == PD_ORDERED)
        st->next_ssn++;
    st->pd = PD_NONE;
    stream_progress(r, st);
}

/* RFC 9260 6.5, 6.6: delivers the ordered messages now due. */
static void ordered_progress(struct sctp_reasm *r, struct sctp_reasm_stream *st)
{
    for (;;) {
        struct sctp_reasm_node *first = st->ord.head;
        if (!first)
            return;
        /* Leftovers of a message whose SSN is behind us (a duplicate
         * SSN from the peer, or an abandoned message) never deliver. */
        if ((uint16_t)(first->ssn - st->next_ssn) >= SSN_WINDOW) {
            drop_run(r, &st->ord, first);
            continue;
        }
        if (st->pd || first->ssn != st->next_ssn || !(first->flags & DATA_B))
            return;
        if (first->link->flags & DATA_E) {
            take_run(r, &st->ord, first, 0, first->ppid);
            st->next_ssn++;
            continue;
        }
        if (first->run_bytes >= r->pd_point)
            pd_start(r, st, &st->ord, first);
        return;
    }
}

/* After partial delivery ended: the stream's unordered messages that
 * had to wait. */
static void unordered_scan(struct sctp_reasm *r, struct sctp_reasm_stream *st)
{
    uint16_t sid = (uint16_t)(st - r->streams);
    bool blocked = false;
    struct sctp_reasm_node *first = r->unord.head;
    while (first) {
        struct sctp_reasm_node *next = first->link->next;
        if (first->sid == sid && (first->flags & DATA_B)) {
            bool complete = first->link->flags & DATA_E;
            if (complete || first->run_bytes >= r->pd_point) {
                if (st->pd)
                    blocked = true;
                else if (complete)
                    take_run(r, &r->unord, first, SCTP_EV_DATA_UNORDERED, first->ppid);
                else
                    pd_start(r, st, &r->unord, first);
            }
        }
        first = next;
    }
    if (blocked)
        st->state |= ST_UBLOCKED;
}

/* RFC 3758 3.6: the stream moves past ssn. Complete messages up to ssn
 * still deliver, in order; the fragments of the others are dropped. */
static void apply_skip(struct sctp_reasm *r, struct sctp_reasm_stream *st, uint16_t ssn)
{
    if (!sctp_ssn_le(st->next_ssn, ssn))
        return;
    uint16_t limit = (uint16_t)(ssn - st->next_ssn);
    struct sctp_reasm_node *first = st->ord.head;
    while (first && (uint16_t)(first->ssn - st->next_ssn) <= limit) {
        struct sctp_reasm_node *next = first->link->next;
        if (run_complete(first))
            take_run(r, &st->ord, first, 0, first->ppid);
        else
            drop_run(r, &st->ord, first);
        first = next;
    }
    st->next_ssn = (uint16_t)(ssn + 1);
}

/* Delivers whatever became due on st once nothing holds it back. */
static void stream_progress(struct sctp_reasm *r, struct sctp_reasm_stream *st)
{
    if (st->pd)
        return;
    if (st->state & ST_SKIP) {
        st->state &= (uint8_t)~ST_SKIP;
        apply_skip(r, st, st->skip_ssn);
    }
    ordered_progress(r, st);
    if (st->state & ST_UBLOCKED) {
        st->state &= (uint8_t)~ST_UBLOCKED;
        unordered_scan(r, st);
    }
}

/* ---- API ---- */

struct sctp_reasm *sctp_reasm_new(uint16_t n_streams, uint32_t max_bytes, uint32_t pd_point,
                                  const struct sctp_callbacks *cb)
{
    if (!cb)
        return NULL;
    struct sctp_reasm *r = sctp_mem_calloc(cb, sizeof(*r));
    if (!r)
        return NULL;
    r->cb = *cb;
    r->n_streams = n_streams;
    r->max_bytes = max_bytes;
    /* Partial delivery must start before the budget is full, or a
     * message larger than the budget could never progress: at half of
     * it at most, as the budget also counts each chunk's overhead. */
    r->pd_point = (pd_point == 0 || pd_point > max_bytes / 2) ? max_bytes / 2 : pd_point;
    size_t words = ((size_t)n_streams + 63) / 64;
    r->streams = sctp_mem_calloc(cb, sizeof(*r->streams) * (n_streams ? n_streams : 1));
    r->busy = sctp_mem_calloc(cb, sizeof(*r->busy) * (words ? words : 1));
    if (!r->streams || !r->busy) {
        sctp_mem_free(cb, r->streams);
        sctp_mem_free(cb, r->busy);
        sctp_mem_free(cb, r);
        return NULL;
    }
    return r;
}

void sctp_reasm_free(struct sctp_reasm *r)
{
    if (!r)
        return;
    while (r->ready_head) {
        struct sctp_reasm_node *item = r->ready_head;
        r->ready_head = item->link;
        drop_chain(r, item);
    }
    drop_chain(r, r->unord.head);
    for (uint32_t i = 0; i < r->n_streams; i++)
        drop_chain(r, r->streams[i].ord.head);
    while (r->free_nodes) {
        struct sctp_reasm_node *n = r->free_nodes;
        r->free_nodes = n->next;
        sctp_mem_free(&r->cb, n);
    }
    sctp_mem_free(&r->cb, r->streams);
    sctp_mem_free(&r->cb, r->busy);
    struct sctp_callbacks cb = r->cb;
    sctp_mem_free(&cb, r);
}

static void add_ordered(struct sctp_reasm *r, struct sctp_reasm_stream *st,
                        struct sctp_reasm_node *x)
{
    struct sctp_reasm_node *first = list_insert(&st->ord, x, true, st->next_ssn);
    if (!first) {
        drop_chain(r, x);
        return;
    }
    mark_busy(r, st);
    if (st->pd == PD_ORDERED) {
        if (first->tsn == st->pd_tsn && first->ssn == st->pd_ssn && !(first->flags & DATA_B))
            pd_continue(r, st, &st->ord, first);
    } else if (st->pd == PD_NONE && first == st->ord.head) {
        ordered_progress(r, st);
    }
}

static void add_unordered(struct sctp_reasm *r, struct sctp_reasm_stream *st,
                          struct sctp_reasm_node *x)
{
    struct sctp_reasm_node *first = list_insert(&r->unord, x, false, 0);
    if (!first) {
        drop_chain(r, x);
        return;
    }
    if (st->pd == PD_UNORDERED && first->tsn == st->pd_tsn && !(first->flags & DATA_B)) {
        pd_continue(r, st, &r->unord, first);
        return;
    }
    if (!(first->flags & DATA_B))
        return;
    bool complete = first->link->flags & DATA_E;
    if (!complete && first->run_bytes < r->pd_point)
        return;
    /* RFC 9260 6.6: unordered messages go up as soon as they are whole,
     * but not into the middle of a partially delivered one. */
    if (st->pd)
        st->state |= ST_UBLOCKED;
    else if (complete)
        take_run(r, &r->unord, first, SCTP_EV_DATA_UNORDERED, first->ppid);
    else
        pd_start(r, st, &r->unord, first);
}

int sctp_reasm_add(struct sctp_reasm *r, const struct sctp_data_chunk *d,
                   const struct sctp_frag *frag)
{
    if (d->sid >= r->n_streams) {
        sctp_payload_unref(&r->cb, frag->handle);
        return SCTP_ERR_STREAM;
    }
    if (!sctp_reasm_can_take(r, frag->len)) {
        sctp_payload_unref(&r->cb, frag->handle);
        return SCTP_ERR_LIMIT;
    }
    struct sctp_reasm_stream *st = &r->streams[d->sid];
    bool unordered = d->flags & DATA_U;
    if (!unordered && (uint16_t)(d->ssn - st->next_ssn) >= SSN_WINDOW) {
        /* An SSN already delivered or skipped: nothing can be done with it. */
        sctp_payload_unref(&r->cb, frag->handle);
        return 0;
    }
    struct sctp_reasm_node *x = node_get(r);
    if (!x) {
        sctp_payload_unref(&r->cb, frag->handle);
        return SCTP_ERR_NOMEM;
    }
    x->next = NULL;
    x->data = frag->data;
    x->handle = frag->handle;
    x->len = frag->len;
    x->room = frag->room < UINT8_MAX ? (uint8_t)frag->room : UINT8_MAX;
    x->tsn = d->tsn;
    x->ppid = d->ppid;
    x->sid = d->sid;
    x->ssn = d->ssn;
    x->flags = d->flags & (DATA_BE | DATA_U);
    r->bytes += frag->len + SCTP_REASM_CHUNK_OVERHEAD;
    r->chunks++;

    /* The common case: a whole message that is due, straight to the
     * ready queue (its SSN taken). */
    if (sctp_reasm_stream_claim(st, d->ssn, d->flags)) {
        enqueue(r, x, data_evflags(x));
        return 0;
    }
    if (unordered)
        add_unordered(r, st, x);
    else
        add_ordered(r, st, x);
    return 0;
}

int sctp_reasm_add_direct(struct sctp_reasm *r, const struct sctp_data_chunk *d,
                          const struct sctp_frag *frag, struct sctp_event *ev)
{
    if (!sctp_reasm_claim_due(r, d->sid, d->ssn, d->flags))
        return 0;
    sctp_reasm_fill_event(ev, d->sid, d->ssn, d->ppid, d->tsn, d->flags, frag);
    return 1;
}

int sctp_reasm_pop(struct sctp_reasm *r, struct sctp_event *ev)
{
    struct sctp_reasm_node *item = r->ready_head;
    if (!item)
        return 0;
    ev->assoc_id = 0;
    if (item->evflags & ITEM_ABORTED) {
        ev->type = SCTP_EV_PDAPI_ABORTED;
        ev->u.pdapi.sid = item->sid;
        ev->u.pdapi.ssn = item->ssn;
        r->ready_head = item->link;
        if (!r->ready_head)
            r->ready_tail = NULL;
        node_put(r, item);
        return 1;
    }
    uint32_t nfrags = 0;
    for (const struct sctp_reasm_node *n = item; n; n = n->next)
        nfrags++;
    /* One fragment goes in the event; several in an array of their own. */
    struct sctp_frag *frags =
        nfrags == 1 ? &ev->u.data.frag : sctp_mem_alloc(&r->cb, sizeof(struct sctp_frag) * nfrags);
    if (!frags)
        return SCTP_ERR_NOMEM;
    r->ready_head = item->link;
    if (!r->ready_head)
        r->ready_tail = NULL;

    ev->type = SCTP_EV_DATA;
    ev->u.data.sid = item->sid;
    ev->u.data.ssn = item->ssn;
    ev->u.data.ppid = item->ppid;
    ev->u.data.tsn = item->tsn;
    ev->u.data.flags = item->evflags;
    ev->u.data.nfrags = nfrags;
    ev->u.data.frags = frags;
    uint32_t len = 0, i = 0;
    struct sctp_reasm_node *n = item;
    while (n) {
        struct sctp_reasm_node *next = n->next;
        frags[i].data = n->data;
        frags[i].len = n->len;
        frags[i].room = n->room;
        frags[i].handle = n->handle;
        len += n->len;
        i++;
        node_put(r, n);
        n = next;
    }
    ev->u.data.len = len;
    r->bytes -= len + nfrags * SCTP_REASM_CHUNK_OVERHEAD;
    r->chunks -= nfrags;
    return 1;
}

void sctp_reasm_event_free(const struct sctp_callbacks *cb, struct sctp_event *ev)
{
    if (ev->type != SCTP_EV_DATA)
        return;
    const struct sctp_frag *f = sctp_event_frags(ev);
    for (uint32_t i = 0; i < ev->u.data.nfrags; i++)
        sctp_payload_unref(cb, f[i].handle);
    if (ev->u.data.nfrags > 1)
        sctp_mem_free(cb, ev->u.data.frags);
    ev->u.data.frags = NULL;
    ev->u.data.nfrags = 0;
    ev->u.data.len = 0;
}

/* RFC 3758 3.6: the message under partial delivery on st will not
 * complete. Its held remains go, and the user is told (RFC 6458 6.1.7). */
static void pd_abort(struct sctp_reasm *r, struct sctp_reasm_stream *st,
                     struct sctp_reasm_node *event)
{
    if (st->pd == PD_ORDERED) {
        while (st->ord.head && st->ord.head->ssn == st->pd_ssn)
            drop_run(r, &st->ord, st->ord.head);
        st->next_ssn = (uint16_t)(st->pd_ssn + 1);
    }
    /* Unordered remains sit above a TSN now below the cumulative TSN:
     * the dead-run sweep in sctp_reasm_forward() drops them. */
    event->next = NULL;
    event->handle = NULL;
    event->data = NULL;
    event->len = 0;
    event->sid = (uint16_t)(st - r->streams);
    event->ssn = st->pd_ssn;
    enqueue(r, event, ITEM_ABORTED);
    st->pd = PD_NONE;
}

/* A run that is not a whole message and can no longer become one: the
 * fragment that would have to precede or follow it is at or below the
 * new cumulative TSN, so it will never arrive.
 *
 * An ordered message still missing only fragments above new_cum stays:
 * it may yet complete, and one the sender gave up is named by its stream
 * and SSN in the FORWARD TSN. An unordered one is named by nothing, and
 * the sender's Advanced.Peer.Ack.Point passes a fragment it sent only
 * when it gave the whole message up (RFC 3758 3.5 A3, C2), so a run
 * whose last fragment is at or below new_cum without the E bit is dead
 * as well: a sender that gives no TSN to the unsent rest of a message it
 * abandons names the last fragment it sent, and the rest never comes. */
static bool run_dead(const struct sctp_reasm_node *first, uint32_t new_cum, bool unordered)
{
    const struct sctp_reasm_node *last = first->link;
    if (!(first->flags & DATA_B) && sctp_tsn_le(first->tsn - 1, new_cum))
        return true;
    if (last->flags & DATA_E)
        return false;
    return sctp_tsn_le(unordered ? last->tsn : last->tsn + 1, new_cum);
}

static void sweep_dead(struct sctp_reasm *r, struct sctp_reasm_list *l, uint32_t new_cum,
                       bool unordered)
{
    struct sctp_reasm_node *first = l->head;
    while (first) {
        /* The unordered list is sorted by TSN: nothing further is dead. */
        if (unordered && sctp_tsn_gt(first->tsn, new_cum + 1))
            return;
        struct sctp_reasm_node *next = first->link->next;
        if (run_dead(first, new_cum, unordered))
            drop_run(r, l, first);
        first = next;
    }
}

/* The first busy stream at or after i, or UINT32_MAX. */
static uint32_t busy_next(const struct sctp_reasm *r, uint32_t i)
{
    while (i < r->n_streams) {
        uint64_t w = r->busy[i >> 6] >> (i & 63);
        if (w)
            return i + (uint32_t)__builtin_ctzll(w);
        i = (i | 63) + 1;
    }
    return UINT32_MAX;
}

static bool pd_listed(const struct sctp_reasm_stream *st, const struct sctp_fwd_stream *s,
                      unsigned n, uint32_t sid)
{
    if (st->pd != PD_ORDERED)
        return false;
    for (unsigned k = 0; k < n; k++)
        if (s[k].sid == sid && sctp_ssn_le(st->pd_ssn, s[k].ssn))
            return true;
    return false;
}

/* A partial delivery that can no longer go on: its next piece is at or
 * below new_cum, or its stream and SSN are listed; for an unordered
 * message, its last piece delivered is at or below new_cum (run_dead). */
static bool pd_dead(const struct sctp_reasm_stream *st, uint32_t new_cum,
                    const struct sctp_fwd_stream *s, unsigned n, uint32_t sid)
{
    if (st->pd == PD_UNORDERED)
        return sctp_tsn_le(st->pd_tsn - 1, new_cum);
    return st->pd && (sctp_tsn_le(st->pd_tsn, new_cum) || pd_listed(st, s, n, sid));
}

int sctp_reasm_forward(struct sctp_reasm *r, uint32_t new_cum, const struct sctp_fwd_stream *s,
                       unsigned n)
{
    uint32_t i;

    /* Reserve the PDAPI_ABORTED events first so that a failure changes
     * nothing. */
    struct sctp_reasm_node *spare = NULL;
    for (i = busy_next(r, 0); i < r->n_streams; i = busy_next(r, i + 1)) {
        struct sctp_reasm_stream *st = &r->streams[i];
        if (pd_dead(st, new_cum, s, n, i)) {
            struct sctp_reasm_node *e = node_get(r);
            if (!e) {
                while (spare) {
                    struct sctp_reasm_node *next = spare->next;
                    node_put(r, spare);
                    spare = next;
                }
                return SCTP_ERR_NOMEM;
            }
            e->next = spare;
            spare = e;
        }
    }

    for (i = busy_next(r, 0); i < r->n_streams; i = busy_next(r, i + 1)) {
        struct sctp_reasm_stream *st = &r->streams[i];
        if (pd_dead(st, new_cum, s, n, i)) {
            struct sctp_reasm_node *e = spare;
            spare = e->next;
            pd_abort(r, st, e);
        }
    }

    sweep_dead(r, &r->unord, new_cum, true);
    for (i = busy_next(r, 0); i < r->n_streams; i = busy_next(r, i + 1)) {
        sweep_dead(r, &r->streams[i].ord, new_cum, false);
    }

    for (unsigned k = 0; k < n; k++) {
        if (s[k].sid >= r->n_streams)
            continue;
        struct sctp_reasm_stream *st = &r->streams[s[k].sid];
        if (st->pd == PD_UNORDERED) {
            /* Applied when the unordered message ends, so that nothing
             * else of the stream cuts into it. */
            if (!(st->state & ST_SKIP) || sctp_ssn_lt(st->skip_ssn, s[k].ssn))
                st->skip_ssn = s[k].ssn;
            st->state |= ST_SKIP;
            mark_busy(r, st);
        } else {
            apply_skip(r, st, s[k].ssn);
        }
    }

    for (i = busy_next(r, 0); i < r->n_streams; i = busy_next(r, i + 1)) {
        struct sctp_reasm_stream *st = &r->streams[i];
        stream_progress(r, st);
        if (!st->ord.head && !st->pd && !(st->state & ST_SKIP))
            r->busy[i >> 6] &= ~((uint64_t)1 << (i & 63));
    }
    return 0;
}

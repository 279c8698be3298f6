/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_telemetry.c: /sctpdp/... commands on DPDK's telemetry socket.
 *
 *   /sctpdp/info          instance, engines, ports, addresses, services
 *   /sctpdp/lcores        per engine: loop, mailbox, steering, SCTP counters,
 *                         associations now (assocs) and by state (in_state_*)
 *   /sctpdp/ports         per port: packets, checksum results, drops by reason,
 *                         offloads chosen
 *   /sctpdp/assocs[,START[,COUNT]]
 *                         a page of associations: state, peer, cwnd, rwnd,
 *                         srtt, RTO, outstanding bytes; see cmd_assocs
 *   /sctpdp/assoc,E_ID    one association with every path (E:ID works too)
 *   /sctpdp/neigh,E[,START]
 *                         a page of engine E's neighbour cache: address,
 *                         link-layer address, port, state; see cmd_neigh
 *
 * Counters are read as they are (64-bit loads); association details come
 * from a snapshot each engine publishes under a seqlock five times a
 * second, so the telemetry thread never calls into an engine's endpoint.
 */
#include <ctype.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "dp.h"

const char *const dp_drop_names[DP_DROP_MAX] = {
    [DP_DROP_L2_NOT_OURS] = "l2_not_ours",
    [DP_DROP_L2_PROTO] = "l2_proto",
    [DP_DROP_VLAN] = "vlan",
    [DP_DROP_L3_MALFORMED] = "l3_malformed",
    [DP_DROP_L3_NOT_OURS] = "l3_not_ours",
    [DP_DROP_BAD_SRC] = "bad_src",
    [DP_DROP_L3_PROTO] = "l3_proto",
    [DP_DROP_IP_CSUM] = "ip_csum",
    [DP_DROP_SCTP_CSUM] = "sctp_csum",
    [DP_DROP_SCTP_PORT] = "sctp_no_service",
    [DP_DROP_SCTP_CORE] = "sctp_core_refused",
    [DP_DROP_FRAG] = "frag",
    [DP_DROP_FRAG_EXPIRED] = "frag_expired",
    [DP_DROP_FRAG_REFUSED] = "frag_refused",
    [DP_DROP_NO_ROUTE] = "no_route",
    [DP_DROP_NEIGH] = "neigh_unresolved",
    [DP_DROP_NOMBUF] = "no_mbuf",
    [DP_DROP_TX_FULL] = "tx_full",
    [DP_DROP_MAILBOX_FULL] = "mailbox_full",
    [DP_DROP_ICMP] = "icmp_ignored",
    [DP_DROP_ECHO_TOO_BIG] = "icmp_echo_too_big",
    [DP_DROP_INJECTED] = "injected_loss",
    [DP_DROP_FRAG_TX] = "frag_tx",
    [DP_DROP_TX_STUCK] = "tx_stuck",
    [DP_DROP_FRAG_SOURCE] = "frag_source_limit",
    [DP_DROP_FRAG_CHAIN] = "frag_incomplete_chain",
    [DP_DROP_L2_BAD_SRC] = "l2_bad_src",
    [DP_DROP_SRC_ROUTE] = "source_route",
};

struct id_collect {
    uint32_t ids[DP_SNAP_ASSOCS];
    uint32_t pos, first; /* list position of the next id; first one kept */
    unsigned n, max;
};

static int collect_id(void *arg, uint32_t id)
{
    struct id_collect *l = arg;

    if (l->pos++ >= l->first && l->n < l->max)
        l->ids[l->n++] = id;
    return 0; /* go on: the whole list is counted */
}

static uint32_t want_load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

bool dp_snapshot_wanted(const struct dp_engine *e)
{
    const struct dp_snapshot *s = e->snap;
    uint32_t id = want_load(&s->want_id);

    return want_load(&s->want_first) != s->first || (id != 0 && id != s->by_id);
}

/* The snapshot is built in the engine's own copy (snap_build), then
 * published with one copy under the seqlock: the lock is held for a
 * memcpy, not for gathering the associations' details. */
#define SNAP_PUB_START offsetof(struct dp_snapshot, when_ns)
#define SNAP_PUB_END   offsetof(struct dp_snapshot, want_first)
_Static_assert(SNAP_PUB_END > offsetof(struct dp_snapshot, ep) &&
                   offsetof(struct dp_snapshot, want_id) >= SNAP_PUB_END,
               "the telemetry thread's fields follow the published ones");

void dp_snapshot_update(struct dp_engine *e)
{
    struct dp_snapshot *s = e->snap_build;
    uint32_t n = 0, total = 0, want_id = want_load(&e->snap->want_id);
    struct id_collect l = {.pos = 0, .first = want_load(&e->snap->want_first), .n = 0};

    s->when_ns = e->now;
    for (unsigned i = 0; i < e->n_svc; i++) {
        struct sctp_endpoint *ep = e->svc[i].ep;
        sctp_endpoint_get_stats(ep, &s->ep[i]);
        for (unsigned st = SCTP_S_COOKIE_WAIT; st <= SCTP_S_SHUTDOWN_ACK_SENT; st++)
            total += s->ep[i].assocs_by_state[st];
    }
    /* The window the telemetry thread asked for (the first one by
     * default), counting every association of every endpoint. */
    s->by_id = want_id;
    s->by_id_found = false;
    for (unsigned i = 0; i < e->n_svc; i++) {
        l.n = 0;
        l.max = DP_SNAP_ASSOCS - n;
        sctp_endpoint_foreach_assoc(e->svc[i].ep, collect_id, &l);
        for (unsigned k = 0; k < l.n; k++) {
            if (sctp_assoc_get_info(e->svc[i].ep, l.ids[k], &s->infos[n]) == 0)
                s->local_port[n++] = e->svc[i].port;
        }
        if (want_id != 0 && !s->by_id_found &&
            sctp_assoc_get_info(e->svc[i].ep, want_id, &s->id_info) == 0) {
            s->by_id_found = true;
            s->by_id_port = e->svc[i].port;
        }
    }
    /* The neighbour cache. */
    s->n_neigh = 0;
    for (unsigned k = 0; k < DP_NEIGH_ENTRIES; k++) {
        const struct dp_neigh *nb = &e->neigh[k];
        if (nb->state == 0)
            continue;
        s->neigh[s->n_neigh++] = (struct dp_snap_neigh){
            .ip = nb->ip,
            .mac = nb->mac,
            .port = nb->port,
            .state = nb->state,
            .nud = nb->nud,
            .n_hold = nb->n_hold,
            .expire_ms = ((int64_t)nb->expire_ns - (int64_t)e->now) / 1000000,
            .used_ms = nb->used_ns ? (int64_t)(e->now - nb->used_ns) / 1000000 : -1,
        };
    }
    s->first = l.first;
    s->n_assocs = n;
    s->listed = l.pos;
    s->total = total;

    rte_seqlock_write_lock(&e->snap->lock);
    memcpy((char *)e->snap + SNAP_PUB_START, (const char *)s + SNAP_PUB_START,
           SNAP_PUB_END - SNAP_PUB_START);
    rte_seqlock_write_unlock(&e->snap->lock);
}

/* A consistent copy of an engine's snapshot. */
static struct dp_snapshot *snap_read(const struct dp_engine *e)
{
    struct dp_snapshot *c = malloc(sizeof(*c));
    uint32_t sn;

    if (c == NULL)
        return NULL;
    /* An engine descheduled while it writes (lcores share CPUs with
     * other processes) holds the lock for as long as that lasts: after
     * each hundred tries, a millisecond's sleep, for up to half a second,
     * before the command gives up. */
    for (unsigned tries = 0; tries < 100 * 500; tries++) {
        sn = rte_seqlock_read_begin(&e->snap->lock);
        memcpy(c, e->snap, sizeof(*c));
        if (!rte_seqlock_read_retry(&e->snap->lock, sn))
            return c;
        if (tries % 100 == 99)
            rte_delay_us_sleep(1000);
    }
    DP_LOG(WARNING, "telemetry: engine %u's snapshot stayed locked for 500 ms", e->index);
    free(c);
    return NULL;
}

/* Engines answer a request within their 100 ms timer; a stopped or
 * starved one gets this long before the command gives up. */
#define SNAP_WAIT_MS 3000

/*
 * A snapshot of engine e whose window starts at `first` (want_id 0), or
 * that holds association want_id: asks the engine for it when the current
 * one does not, and waits for the next publication, at most SNAP_WAIT_MS.
 * Returns NULL on timeout or no memory.
 */
static struct dp_snapshot *snap_want(const struct dp_engine *e, uint32_t first, uint32_t want_id)
{
    uint64_t hz = rte_get_timer_hz(), t0 = rte_get_timer_cycles();
    struct dp_snapshot *s = snap_read(e);

    while (s != NULL) {
        if (want_id != 0 ? s->by_id == want_id : s->first == first)
            return s;
        if (rte_get_timer_cycles() - t0 > hz / 1000 * SNAP_WAIT_MS) {
            DP_LOG(WARNING,
                   "telemetry: engine %u did not publish %s %u within %u ms (it shows window "
                   "%u, id %u)",
                   e->index, want_id ? "association" : "window", want_id ? want_id : first,
                   SNAP_WAIT_MS, s->first, s->by_id);
            free(s);
            return NULL;
        }
        if (want_id != 0)
            __atomic_store_n(&e->snap->want_id, want_id, __ATOMIC_RELAXED);
        else
            __atomic_store_n(&e->snap->want_first, first, __ATOMIC_RELAXED);
        free(s);
        rte_delay_us_sleep(5000);
        s = snap_read(e);
    }
    return NULL;
}

#define U64(d, k, v) rte_tel_data_add_dict_u64(d, k, (uint64_t)(v))

static int cmd_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
    char buf[512] = "", a[64];

    (void)cmd;
    (void)params;
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "name", dp.conf.name);
    rte_tel_data_add_dict_string(d, "version", "0.1.0");
    U64(d, "engines", dp.n_engines);
    U64(d, "ports", dp.n_ports);
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        size_t l = strlen(buf);
        dp_addr_str(&dp.conf.addrs[i].addr, a, sizeof(a));
        snprintf(buf + l, sizeof(buf) - l, "%s%s/%u@%u", i ? " " : "", a, dp.conf.addrs[i].prefix,
                 dp.conf.addrs[i].port);
    }
    rte_tel_data_add_dict_string(d, "addrs", buf);
    /* One key per route (--route, --gateway): a string each, as
     * telemetry's strings are short. */
    for (unsigned i = 0; i < dp.conf.n_routes; i++) {
        const struct dp_route_conf *r = &dp.conf.routes[i];
        char key[16], dst[48], gw[48], v[RTE_TEL_MAX_STRING_LEN * 2];
        dp_addr_str(&r->dst, dst, sizeof(dst));
        dp_addr_str(&r->gw, gw, sizeof(gw));
        snprintf(key, sizeof(key), "route%u", i);
        snprintf(v, sizeof(v), "%s/%u via %s port %u", dst, r->prefix, gw, r->port);
        rte_tel_data_add_dict_string(d, key, v);
    }
    U64(d, "echo_port", dp.conf.echo_port);
    U64(d, "discard_port", dp.conf.discard_port);
    U64(d, "vtag_mask", dp.vtag_mask);
    U64(d, "uptime_ms", dp_now_ns() / 1000000);
    rte_tel_data_add_dict_string(d, "stopping", dp.stop ? "yes" : "no");
    /* dp_guard.c: unmaps that waited for the engines, and waits given up. */
    rte_tel_data_add_dict_string(d, "unmap_guard", dp.guard_on ? "on" : "off");
    U64(d, "unmap_guard_waits", __atomic_load_n(&dp.guard_waits, __ATOMIC_RELAXED));
    U64(d, "unmap_guard_timeouts", __atomic_load_n(&dp.guard_timeouts, __ATOMIC_RELAXED));
    return 0;
}

static int cmd_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
    (void)cmd;
    (void)params;
    rte_tel_data_start_dict(d);
    for (unsigned i = 0; i < dp.n_engines; i++) {
        const struct dp_engine *e = dp.engines[i];
        struct rte_tel_data *c = rte_tel_data_alloc();
        struct dp_snapshot *s = snap_read(e);
        char key[16];

        if (c == NULL) {
            free(s);
            return -1;
        }
        rte_tel_data_start_dict(c);
        U64(c, "lcore", e->lcore_id);
        U64(c, "loops", e->st.loops);
        U64(c, "busy_loops", e->st.busy_loops);
        U64(c, "idle_ns", e->st.idle_ns);
        U64(c, "mailbox_tx", e->st.mailbox_tx);
        U64(c, "mailbox_rx", e->st.mailbox_rx);
        U64(c, "notes_unlogged", e->st.notes_unlogged);
        U64(c, "mailbox_full", e->st.mailbox_full);
        U64(c, "icmp_bad_tag", e->st.icmp_bad_tag);
        U64(c, "inits_stateless", e->st.inits_stateless);
        U64(c, "cookie_redirects", e->st.cookie_redirects);
        U64(c, "inits_steered", e->st.inits_steered);
        U64(c, "msgs_in", e->st.msgs_in);
        U64(c, "msgs_out", e->st.msgs_out);
        U64(c, "bytes_in", e->st.bytes_in);
        U64(c, "bytes_out", e->st.bytes_out);
        U64(c, "echo_backlog_max", e->st.echo_backlog_max);
        U64(c, "echo_dropped", e->st.echo_dropped);
        U64(c, "echo_held", e->st.echo_held);
        U64(c, "echo_assoc_holds", e->st.echo_assoc_holds);
        U64(c, "echo_parted", e->st.echo_parted);
        U64(c, "echo_part_aborts", e->st.echo_part_aborts);
        U64(c, "echo_parts_dropped", e->st.echo_parts_dropped);
        U64(c, "echo_restart_dropped", e->st.echo_restart_dropped);
        U64(c, "echo_backlog", e->bl_used);
        U64(c, "echo_backlog_assocs", e->n_active);
        U64(c, "tx_zero_copy_segs", e->st.tx_zero_copy_segs);
        U64(c, "tx_headroom_hdrs", e->st.tx_headroom_hdrs);
        U64(c, "tx_direct_segs", e->st.tx_direct_segs);
        U64(c, "tx_single_frames", e->st.tx_single_frames);
        U64(c, "tx_header_mbufs", e->st.tx_header_mbufs);
        U64(c, "tx_copied_segs", e->st.tx_copied_segs);
        U64(c, "mbufs", dp.conf.mbufs);
        U64(c, "mbufs_free", rte_mempool_avail_count(e->pool));
        U64(c, "startup_mallocs", e->st.startup_mallocs);
        U64(c, "engine_heap_bytes", e->heap.size);
        U64(c, "engine_heap_used", e->heap.used);
        U64(c, "engine_heap_peak", e->heap.peak);
        U64(c, "engine_heap_failures", e->heap.failures);
        U64(c, "engine_heap_refusing", e->heap_refusing);
        U64(c, "engine_heap_refuse_events", e->st.heap_refuse_events);
        U64(c, "mbuf_pressure", e->pressure);
        U64(c, "mbuf_pressure_events", e->st.pressure_events);
        U64(c, "mbuf_pressure_all_events", e->st.pressure_all_events);
        if (s != NULL) {
            struct sctp_endpoint_stats t;
            memset(&t, 0, sizeof(t));
            for (unsigned k = 0; k < e->n_svc; k++) {
                const struct sctp_endpoint_stats *x = &s->ep[k];
                t.rx_packets += x->rx_packets;
                t.rx_chunks += x->rx_chunks;
                t.rx_data_chunks += x->rx_data_chunks;
                t.rx_bad_csum += x->rx_bad_csum;
                t.rx_bad_vtag += x->rx_bad_vtag;
                t.rx_malformed += x->rx_malformed;
                t.rx_ootb += x->rx_ootb;
                t.rx_dup_tsns += x->rx_dup_tsns;
                t.tx_packets += x->tx_packets;
                t.tx_chunks += x->tx_chunks;
                t.tx_data_chunks += x->tx_data_chunks;
                t.retransmissions += x->retransmissions;
                t.pmtu_decreases += x->pmtu_decreases;
                t.pmtu_raises += x->pmtu_raises;
                t.pmtu_blackholes += x->pmtu_blackholes;
                t.pmtu_probes += x->pmtu_probes;
                t.pmtu_probes_failed += x->pmtu_probes_failed;
                t.tx_frag_ok += x->tx_frag_ok;
                t.icmp_aborts += x->icmp_aborts;
                t.icmp_unreach_ignored += x->icmp_unreach_ignored;
                t.paths_pf += x->paths_pf;
                t.paths_failed += x->paths_failed;
                t.paths_switched_over += x->paths_switched_over;
                t.init_rate_limited += x->init_rate_limited;
                t.init_source_limited += x->init_source_limited;
                t.init_proven_answered += x->init_proven_answered;
                t.icmp_dest_unreach += x->icmp_dest_unreach;
                t.icmp_dest_unreach_ignored += x->icmp_dest_unreach_ignored;
                t.assocs_established += x->assocs_established;
                t.assocs_aborted += x->assocs_aborted;
                for (unsigned st = 0; st <= SCTP_S_SHUTDOWN_ACK_SENT; st++)
                    t.assocs_by_state[st] += x->assocs_by_state[st];
            }
            U64(c, "sctp_rx_packets", t.rx_packets);
            U64(c, "sctp_rx_chunks", t.rx_chunks);
            U64(c, "sctp_rx_data_chunks", t.rx_data_chunks);
            U64(c, "sctp_rx_bad_csum", t.rx_bad_csum);
            U64(c, "sctp_rx_bad_vtag", t.rx_bad_vtag);
            U64(c, "sctp_rx_malformed", t.rx_malformed);
            U64(c, "sctp_rx_ootb", t.rx_ootb);
            U64(c, "sctp_rx_dup_tsns", t.rx_dup_tsns);
            U64(c, "sctp_tx_packets", t.tx_packets);
            U64(c, "sctp_tx_chunks", t.tx_chunks);
            U64(c, "sctp_tx_data_chunks", t.tx_data_chunks);
            U64(c, "retransmissions", t.retransmissions);
            U64(c, "pmtu_decreases", t.pmtu_decreases);
            U64(c, "pmtu_raises", t.pmtu_raises);
            U64(c, "pmtu_blackholes", t.pmtu_blackholes);
            U64(c, "pmtu_probes", t.pmtu_probes);
            U64(c, "pmtu_probes_failed", t.pmtu_probes_failed);
            U64(c, "sctp_tx_frag_ok", t.tx_frag_ok);
            U64(c, "icmp_aborts", t.icmp_aborts);
            U64(c, "icmp_unreach_ignored", t.icmp_unreach_ignored);
            U64(c, "paths_pf", t.paths_pf);
            U64(c, "paths_switched_over", t.paths_switched_over);
            U64(c, "paths_failed", t.paths_failed);
            U64(c, "init_rate_limited", t.init_rate_limited);
            U64(c, "init_source_limited", t.init_source_limited);
            U64(c, "init_proven_answered", t.init_proven_answered);
            U64(c, "icmp_dest_unreach", t.icmp_dest_unreach);
            U64(c, "icmp_dest_unreach_ignored", t.icmp_dest_unreach_ignored);
            U64(c, "assocs_established", t.assocs_established);
            U64(c, "assocs_aborted", t.assocs_aborted);
            U64(c, "assocs", s->total);
            for (unsigned st = SCTP_S_COOKIE_WAIT; st <= SCTP_S_SHUTDOWN_ACK_SENT; st++) {
                char k[48];
                snprintf(k, sizeof(k), "in_state_%s", sctp_state_name(st));
                /* Telemetry names: letters, digits and underscores. */
                for (char *q = k; *q != '\0'; q++)
                    *q = *q == '-' ? '_' : (char)tolower((unsigned char)*q);
                U64(c, k, t.assocs_by_state[st]);
            }
            free(s);
        }
        snprintf(key, sizeof(key), "%u", i);
        rte_tel_data_add_dict_container(d, key, c, 0);
    }
    return 0;
}

static int cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
    (void)cmd;
    (void)params;
    rte_tel_data_start_dict(d);
    for (unsigned p = 0; p < dp.n_ports; p++) {
        const struct dp_port *pp = &dp.ports[p];
        struct dp_port_stats t;
        struct rte_tel_data *c = rte_tel_data_alloc();
        char key[16];
        uint64_t drops = 0;

        if (c == NULL)
            return -1;
        memset(&t, 0, sizeof(t));
        for (unsigned i = 0; i < dp.n_engines; i++) {
            const struct dp_port_stats *x = &dp.engines[i]->pst[p];
            const uint64_t *xs = (const uint64_t *)x;
            uint64_t *ts = (uint64_t *)&t;
            for (unsigned k = 0; k < sizeof(t) / sizeof(uint64_t); k++)
                ts[k] += xs[k];
        }
        rte_tel_data_start_dict(c);
        rte_tel_data_add_dict_string(c, "name", pp->name);
        rte_tel_data_add_dict_string(c, "driver", pp->driver);
        rte_tel_data_add_dict_string(c, "profile", pp->prof.name);
        rte_tel_data_add_dict_string(c, "tx_sctp_csum",
                                     pp->csum_emulated  ? "offload (emulated)"
                                     : pp->tx_sctp_csum ? "offload"
                                                        : "software");
        rte_tel_data_add_dict_string(c, "rx_sctp_csum",
                                     pp->csum_emulated ? "offload (emulated)"
                                     : pp->rx_l4_csum  ? "offload"
                                                       : "software");
        rte_tel_data_add_dict_string(
            c, "steering", pp->rss_sctp && pp->prof.steering == DP_STEER_RSS ? "rss" : "mailbox");
        U64(c, "mtu", pp->mtu);
        U64(c, "rx_packets", t.rx_packets);
        U64(c, "rx_bytes", t.rx_bytes);
        U64(c, "tx_packets", t.tx_packets);
        U64(c, "tx_bytes", t.tx_bytes);
        U64(c, "rx_sctp", t.rx_sctp);
        U64(c, "tx_sctp", t.tx_sctp);
        U64(c, "rx_arp", t.rx_arp);
        U64(c, "tx_arp", t.tx_arp);
        U64(c, "rx_nd", t.rx_nd);
        U64(c, "tx_nd", t.tx_nd);
        U64(c, "tx_announce", t.tx_announce);
        U64(c, "rx_addr_conflict", t.rx_addr_conflict);
        U64(c, "tx_addr_probe", t.tx_addr_probe);
        U64(c, "rx_mld_query", t.rx_mld_query);
        U64(c, "tx_mld_report", t.tx_mld_report);
        U64(c, "neigh_delay", t.neigh_delay);
        U64(c, "tx_neigh_probe", t.tx_neigh_probe);
        U64(c, "neigh_confirmed_upper", t.neigh_confirmed_upper);
        U64(c, "neigh_confirm_shared", t.neigh_confirm_shared);
        U64(c, "rx_icmp_echo", t.rx_icmp_echo);
        U64(c, "tx_icmp_echo", t.tx_icmp_echo);
        U64(c, "rx_icmp_ptb", t.rx_icmp_ptb);
        U64(c, "rx_icmp_unreach", t.rx_icmp_unreach);
        U64(c, "rx_icmp_dest_unreach", t.rx_icmp_dest_unreach);
        U64(c, "tx_icmp_error", t.tx_icmp_error);
        U64(c, "icmp_error_limited", t.icmp_error_limited);
        U64(c, "rx_frags", t.rx_frags);
        U64(c, "reassembled", t.reassembled);
        U64(c, "tx_frag_ok", t.tx_frag_ok);
        U64(c, "tx_frags", t.tx_frags);
        U64(c, "csum_hw_good", t.csum_hw_good);
        U64(c, "csum_hw_bad", t.csum_hw_bad);
        U64(c, "csum_sw_checked", t.csum_sw_checked);
        U64(c, "csum_sw_bad", t.csum_sw_bad);
        U64(c, "tx_csum_offloaded", t.tx_csum_offloaded);
        U64(c, "tx_csum_sw", t.tx_csum_sw);
        for (unsigned k = 0; k < DP_DROP_MAX; k++) {
            char name[48];
            snprintf(name, sizeof(name), "drop_%s", dp_drop_names[k]);
            U64(c, name, t.drops[k]);
            drops += t.drops[k];
        }
        U64(c, "drops", drops);
        snprintf(key, sizeof(key), "%u", p);
        rte_tel_data_add_dict_container(d, key, c, 0);
    }
    return 0;
}

static void assoc_fill(struct rte_tel_data *c, unsigned engine, uint16_t lport,
                       const struct sctp_assoc_info *a, bool paths)
{
    char b[64];
    const struct sctp_path_info *prim = &a->paths[0];
    unsigned up = 0; /* paths active and not potentially failed */

    for (unsigned k = 0; k < a->n_paths; k++) {
        up += a->paths[k].active && !a->paths[k].pf;
        if (a->paths[k].primary)
            prim = &a->paths[k];
    }
    rte_tel_data_start_dict(c);
    U64(c, "engine", engine);
    U64(c, "id", a->assoc_id);
    rte_tel_data_add_dict_string(c, "state", sctp_state_name(a->state));
    U64(c, "local_port", lport);
    U64(c, "peer_port", a->peer_port);
    dp_addr_str(&prim->addr, b, sizeof(b));
    rte_tel_data_add_dict_string(c, "primary", b);
    U64(c, "paths", a->n_paths);
    U64(c, "paths_up", up);
    U64(c, "ostreams", a->ostreams);
    U64(c, "istreams", a->istreams);
    U64(c, "cwnd", prim->cwnd);
    U64(c, "ssthresh", prim->ssthresh);
    U64(c, "peer_rwnd", a->peer_rwnd);
    U64(c, "srtt_us", prim->srtt / 1000);
    U64(c, "rto_ms", prim->rto / 1000000);
    U64(c, "outstanding", a->outstanding_bytes);
    U64(c, "queued", a->queued_bytes);
    U64(c, "retransmissions", a->retransmissions);
    if (!paths)
        return;
    snprintf(b, sizeof(b), "0x%08x", a->local_vtag);
    rte_tel_data_add_dict_string(c, "local_vtag", b);
    snprintf(b, sizeof(b), "0x%08x", a->peer_vtag);
    rte_tel_data_add_dict_string(c, "peer_vtag", b);
    U64(c, "next_tsn", a->next_tsn);
    U64(c, "cum_ack_in", a->cum_ack_in);
    U64(c, "fast_retransmissions", a->fast_retransmissions);
    U64(c, "t3_expiries", a->t3_expiries);
    U64(c, "reopen_retransmissions", a->reopen_retransmissions);
    U64(c, "max_burst_limited", a->max_burst_limited);
    U64(c, "reasm_chunks", a->reasm_chunks);
    U64(c, "reasm_bytes", a->reasm_bytes);
    for (unsigned k = 0; k < a->n_paths && k < SCTP_MAX_ADDRS; k++) {
        const struct sctp_path_info *p = &a->paths[k];
        char key[48], v[RTE_TEL_MAX_STRING_LEN * 2], ad[64], src[64];
        dp_addr_str(&p->addr, ad, sizeof(ad));
        dp_addr_str(&p->src, src, sizeof(src));
        snprintf(key, sizeof(key), "path%u", k);
        snprintf(v, sizeof(v),
                 "%s %s%s%s cwnd=%u ssthresh=%u flight=%u mtu=%u errors=%u srtt_us=%" PRIu64
                 " rttvar_us=%" PRIu64 " rto_ms=%" PRIu64,
                 ad,
                 !p->active ? "inactive"
                 : p->pf    ? "pf"
                            : "active",
                 p->confirmed ? "" : " unconfirmed", p->primary ? " primary" : "", p->cwnd,
                 p->ssthresh, p->flight, p->mtu, p->error_count, p->srtt / 1000, p->rttvar / 1000,
                 p->rto / 1000000);
        rte_tel_data_add_dict_string(c, key, v);
        /* The local address the path is sent from (a string of its own:
         * the path's line is near telemetry's string limit with IPv6). */
        snprintf(key, sizeof(key), "path%u_src", k);
        rte_tel_data_add_dict_string(c, key, src);
    }
}

/*
 * A page must fit in one answer: the telemetry library has 16 KiB for it
 * (MAX_OUTPUT_LEN in lib/telemetry, "max_output_len" in its greeting) and
 * silently leaves out dictionary entries that do not fit. An entry as
 * assoc_fill writes it without paths takes at most about 580 bytes of
 * JSON: its key ("15_4294967295"), 15 numbers of up to 20 digits, the
 * state name and the primary address (up to 45 characters), with names
 * and punctuation. 600 per entry and 1 KiB for the command name and the
 * page's own fields leave room for DP_ASSOCS_PAGE (24).
 */
#define TEL_OUTPUT_MAX (16 * 1024)
#define ASSOC_JSON_MAX 600
_Static_assert(TEL_OUTPUT_MAX - 1024 >= DP_ASSOCS_PAGE * ASSOC_JSON_MAX,
               "a page of /sctpdp/assocs must fit in one telemetry answer");

/* "START[,COUNT]", both decimal; either may be left out. */
static int page_params(const char *params, unsigned *start, unsigned *count)
{
    const char *p = params;
    char *end;
    unsigned long v;

    *start = 0;
    *count = DP_ASSOCS_PAGE;
    if (p == NULL || *p == '\0')
        return 0;
    if (*p != ',') {
        if (!isdigit((unsigned char)*p) || (v = strtoul(p, &end, 10)) > UINT32_MAX)
            return -1;
        *start = (unsigned)v;
        p = end;
    }
    if (*p == ',') {
        p++;
        if (!isdigit((unsigned char)*p) || (v = strtoul(p, &end, 10)) > UINT32_MAX)
            return -1;
        *count = v < DP_ASSOCS_PAGE ? (unsigned)v : DP_ASSOCS_PAGE;
        p = end;
    }
    return *p == '\0' ? 0 : -1;
}

/*
 * /sctpdp/assocs,START,COUNT: the associations at positions START to
 * START+COUNT-1 of one list over all engines (engine 0's first, each in
 * its endpoints' order), at most DP_ASSOCS_PAGE (the default COUNT).
 * Besides one "E_ID" entry per association the answer has
 *   total     how many the list holds
 *   start     START
 *   next      where the next page starts; absent when this page ends the list
 * An engine publishes DP_SNAP_ASSOCS associations at a time; a page
 * beyond that window asks the engine for the one it needs (snap_want).
 * Associations that come or go between two pages move the positions
 * after them.
 */
static int cmd_assocs(const char *cmd, const char *params, struct rte_tel_data *d)
{
    uint32_t listed[DP_MAX_ENGINES];
    unsigned start, count, pos = 0, shown = 0;

    (void)cmd;
    if (page_params(params, &start, &count) < 0)
        return -1;
    /* Every engine's list length first: positions follow from them. */
    for (unsigned i = 0; i < dp.n_engines; i++) {
        struct dp_snapshot *s = snap_read(dp.engines[i]);
        if (s == NULL)
            return -1;
        listed[i] = s->listed;
        free(s);
    }
    rte_tel_data_start_dict(d);
    for (unsigned i = 0; i < dp.n_engines; pos += listed[i], i++) {
        if (shown >= count || start >= pos + listed[i])
            continue;
        uint32_t from = start > pos ? start - pos : 0;
        struct dp_snapshot *s = snap_read(dp.engines[i]);
        /* The published window will do if it holds what this page takes
         * from the engine, or runs from `from` to the end of its list. */
        uint32_t need = count - shown < listed[i] - from ? count - shown : listed[i] - from;
        if (s != NULL && (s->first > from || s->first + s->n_assocs < from + need)) {
            free(s);
            s = snap_want(dp.engines[i], from, 0);
        }
        if (s == NULL)
            return -1;
        for (unsigned k = from - s->first; k < s->n_assocs && shown < count; k++) {
            struct rte_tel_data *c = rte_tel_data_alloc();
            char key[32];
            if (c == NULL) {
                count = shown; /* a shorter page; "next" goes on from here */
                break;
            }
            assoc_fill(c, i, s->local_port[k], &s->infos[k], false);
            /* Names allow letters, digits, "_" and "/" only. */
            snprintf(key, sizeof(key), "%u_%u", i, s->infos[k].assoc_id);
            rte_tel_data_add_dict_container(d, key, c, 0);
            shown++;
        }
        free(s);
    }
    U64(d, "total", pos);
    U64(d, "start", start);
    if (start + shown < pos)
        U64(d, "next", start + shown);
    return 0;
}

static int cmd_assoc(const char *cmd, const char *params, struct rte_tel_data *d)
{
    unsigned eng = 0, id = 0;

    (void)cmd;
    if (params == NULL || sscanf(params, "%u%*[:_]%u", &eng, &id) != 2 || eng >= dp.n_engines ||
        id == 0)
        return -1;
    struct dp_snapshot *s = snap_read(dp.engines[eng]);
    if (s == NULL)
        return -1;
    for (unsigned k = 0; k < s->n_assocs; k++) {
        if (s->infos[k].assoc_id == id) {
            assoc_fill(d, eng, s->local_port[k], &s->infos[k], true);
            free(s);
            return 0;
        }
    }
    free(s);
    /* Not in the published window: ask the engine for this one. */
    s = snap_want(dp.engines[eng], 0, id);
    if (s == NULL)
        return -1;
    if (!s->by_id_found) {
        free(s);
        return -1; /* the engine has no such association */
    }
    assoc_fill(d, eng, s->by_id_port, &s->id_info, true);
    free(s);
    return 0;
}

/* What an entry does now, in RFC 4861's words: state 2 past its expiry
 * and not in DELAY or PROBE is STALE (enum dp_nud). */
static const char *neigh_state_name(const struct dp_snap_neigh *n)
{
    switch (n->state) {
    case 1:
        return "incomplete";
    case 3:
        return "failed";
    case 2:
        if (n->nud == DP_NUD_DELAY)
            return "delay";
        if (n->nud == DP_NUD_PROBE)
            return "probe";
        return n->expire_ms > 0 ? "reachable" : "stale";
    default:
        return "?";
    }
}

/*
 * /sctpdp/neigh,ENGINE[,START]: a page of an engine's neighbour cache
 * (ARP and Neighbour Discovery), DP_NEIGH_PAGE entries from position
 * START of its entries in use: address, link-layer address, port, state
 * (incomplete, reachable, stale, delay, probe, failed), the milliseconds
 * to the entry's next event (expiry, end of DELAY, next probe or try;
 * negative: past), since its last use (-1: never), packets waiting.
 * With "next" when more follow.
 */
#define DP_NEIGH_PAGE 48
static int cmd_neigh(const char *cmd, const char *params, struct rte_tel_data *d)
{
    unsigned eng = 0, start = 0;

    (void)cmd;
    if (params == NULL || sscanf(params, "%u,%u", &eng, &start) < 1 || eng >= dp.n_engines)
        return -1;
    struct dp_snapshot *s = snap_read(dp.engines[eng]);
    if (s == NULL)
        return -1;
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "engine", eng);
    rte_tel_data_add_dict_u64(d, "total", s->n_neigh);
    rte_tel_data_add_dict_u64(d, "start", start);
    for (unsigned k = start; k < s->n_neigh && k - start < DP_NEIGH_PAGE; k++) {
        const struct dp_snap_neigh *n = &s->neigh[k];
        struct rte_tel_data *c = rte_tel_data_alloc();
        char ip[64], mac[RTE_ETHER_ADDR_FMT_SIZE], key[16];

        if (c == NULL)
            break;
        dp_addr_str(&n->ip, ip, sizeof(ip));
        rte_ether_format_addr(mac, sizeof(mac), &n->mac);
        rte_tel_data_start_dict(c);
        rte_tel_data_add_dict_string(c, "ip", ip);
        rte_tel_data_add_dict_string(c, "mac", n->state == 2 ? mac : "");
        rte_tel_data_add_dict_u64(c, "port", n->port);
        rte_tel_data_add_dict_string(c, "state", neigh_state_name(n));
        rte_tel_data_add_dict_int(
            c, "next_ms", (int)RTE_MAX(RTE_MIN(n->expire_ms, INT32_MAX), (int64_t)INT32_MIN));
        rte_tel_data_add_dict_int(c, "used_ms", (int)RTE_MIN(n->used_ms, (int64_t)INT32_MAX));
        rte_tel_data_add_dict_u64(c, "waiting", n->n_hold);
        snprintf(key, sizeof(key), "%u", k);
        rte_tel_data_add_dict_container(d, key, c, 0);
    }
    if (start < s->n_neigh && s->n_neigh - start > DP_NEIGH_PAGE)
        rte_tel_data_add_dict_u64(d, "next", start + DP_NEIGH_PAGE);
    free(s);
    return 0;
}

int dp_telemetry_init(void)
{
    int rc = 0;

    rc |= rte_telemetry_register_cmd("/sctpdp/info", cmd_info,
                                     "sctpdp instance: engines, ports, addresses. No parameters");
    rc |= rte_telemetry_register_cmd("/sctpdp/lcores", cmd_lcores,
                                     "Per engine counters and associations by state");
    rc |= rte_telemetry_register_cmd("/sctpdp/ports", cmd_ports,
                                     "Per port packets, checksum results and drops by reason");
    rc |= rte_telemetry_register_cmd(
        "/sctpdp/assocs", cmd_assocs,
        "A page of associations. Parameters START[,COUNT<=" RTE_STR(DP_ASSOCS_PAGE) "]");
    rc |= rte_telemetry_register_cmd(
        "/sctpdp/assoc", cmd_assoc,
        "One association with its paths. Parameter ENGINE_ID (as listed by /sctpdp/assocs)");
    rc |= rte_telemetry_register_cmd(
        "/sctpdp/neigh", cmd_neigh,
        "A page of an engine's neighbour cache (ARP, ND). Parameters ENGINE[,START]");
    return rc == 0 ? 0 : -1;
}

void dp_print_counters(void)
{
    for (unsigned i = 0; i < dp.n_engines; i++) {
        const struct dp_engine *e = dp.engines[i];
        const struct dp_snapshot *s = e->snap;
        uint64_t rx = 0, tx = 0, rtx = 0;

        for (unsigned k = 0; k < e->n_svc; k++) {
            rx += s->ep[k].rx_packets;
            tx += s->ep[k].tx_packets;
            rtx += s->ep[k].retransmissions;
        }
        printf("counters: engine=%u lcore=%u sctp_rx_packets=%" PRIu64 " sctp_tx_packets=%" PRIu64
               " msgs_in=%" PRIu64 " msgs_out=%" PRIu64 " retransmissions=%" PRIu64
               " mailbox_tx=%" PRIu64 " mailbox_rx=%" PRIu64 " inits_stateless=%" PRIu64
               " loops=%" PRIu64 " busy_loops=%" PRIu64 " idle_ms=%" PRIu64 " loop_ms=%" PRIu64
               "\n",
               i, e->lcore_id, rx, tx, e->st.msgs_in, e->st.msgs_out, rtx, e->st.mailbox_tx,
               e->st.mailbox_rx, e->st.inits_stateless, e->st.loops, e->st.busy_loops,
               e->st.idle_ns / 1000000, (e->now - e->loop_start) / 1000000);
    }
    for (unsigned p = 0; p < dp.n_ports; p++) {
        uint64_t rx = 0, tx = 0, bad = 0, drops = 0;
        for (unsigned i = 0; i < dp.n_engines; i++) {
            const struct dp_port_stats *x = &dp.engines[i]->pst[p];
            rx += x->rx_packets;
            tx += x->tx_packets;
            bad += x->drops[DP_DROP_SCTP_CSUM];
            for (unsigned k = 0; k < DP_DROP_MAX; k++)
                drops += x->drops[k];
        }
        printf("counters: port=%u name=%s rx_packets=%" PRIu64 " tx_packets=%" PRIu64
               " csum_drops=%" PRIu64 " drops=%" PRIu64 "\n",
               p, dp.ports[p].name, rx, tx, bad, drops);
    }
    if (__atomic_load_n(&dp.guard_waits, __ATOMIC_RELAXED) > 0)
        printf("counters: unmap_guard_waits=%" PRIu64 " unmap_guard_timeouts=%" PRIu64 "\n",
               __atomic_load_n(&dp.guard_waits, __ATOMIC_RELAXED),
               __atomic_load_n(&dp.guard_timeouts, __ATOMIC_RELAXED));
    fflush(stdout);
}

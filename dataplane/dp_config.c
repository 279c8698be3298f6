/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_config.c: the daemon's options. An INI file (rte_cfgfile) gives the
 * defaults; command line options after EAL's "--" override it. Every
 * error is one line that names the option or key at fault.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>
#include <rte_log.h>

#include "dp.h"
#include "dp_addr.h"

#ifndef DP_PROFILE_DIR
#define DP_PROFILE_DIR "drivers-conf"
#endif

static void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void verror(const char *fmt, va_list ap)
{
    fprintf(stderr, "sctpdp: error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
}

static void error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
}

void dp_config_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
}

void dp_config_usage(const char *prog)
{
    printf("Usage: %s [EAL options] -- [options]\n"
           "\n"
           "A DPDK poll-mode SCTP data plane. One engine per worker lcore; every\n"
           "ethdev port given to EAL (e.g. --vdev=net_memif0,... or a PCI device) is\n"
           "used with the profile of its driver from the profile directory.\n"
           "\n"
           "Options:\n"
           "  --config FILE          INI file (rte_cfgfile); options below override it\n"
           "  --addr ADDR/PREFIX[@PORT]\n"
           "                         a local IPv4 or IPv6 address on port index PORT\n"
           "                         (default 0); repeat for a multi-homed endpoint\n"
           "  --gateway ADDR         a default gateway, on the subnet of a local address;\n"
           "                         repeat for IPv6, or for one per port: each path\n"
           "                         uses the one on its source address's port\n"
           "  --route DEST/PREFIX=GW a static route through gateway GW (the most\n"
           "                         specific route wins; it also picks the source\n"
           "                         address, so a multi-homed peer's addresses each\n"
           "                         go out the port of their own network); repeatable.\n"
           "                         --gateway and --route replace the file's routes\n"
           "  --name NAME            instance name applications attach to (default sctpdp)\n"
           "  --echo-port PORT       SCTP port of the built-in echo service (default 7,\n"
           "                         0 disables it)\n"
           "  --discard-port PORT    SCTP port of the built-in discard service (default 0:\n"
           "                         off)\n"
           "  --profiles DIR         driver profile directory (default %s)\n"
           "  --profile PORT=NAME    use profile NAME for port index PORT\n"
           "  --mtu BYTES            IP MTU of every port (default 1500; lowered, with a\n"
           "                         log line, to what a port and its RX buffers take)\n"
           "  --mbufs N              mbufs per engine (default 16384)\n"
           "  --engine-heap MB       memory per engine for associations and their\n"
           "                         queues, mapped at start (default 128)\n"
           "  --shutdown-timeout MS  graceful shutdown budget on SIGINT/SIGTERM, then\n"
           "                         ABORT (default 2000)\n"
           "\n"
           "Client and traffic generator (tests, benchmarks):\n"
           "  --connect ADDR:PORT    connect to the peer's echo service; IPv6 as\n"
           "                         [ADDR]:PORT; repeat for a multi-homed peer\n"
           "  --local-port PORT      local SCTP port of the client (default 40000)\n"
           "  --gen-msgs N           messages to send and check (default 1000)\n"
           "  --gen-size BYTES       message size (default 128, 16 to %u: one mbuf)\n"
           "  --gen-streams K        streams used round robin (default 1)\n"
           "  --gen-window N         messages in flight at most (default 256)\n"
           "  --gen-pack N           messages written back to back into one mbuf, each\n"
           "                         with room for its DATA chunk header in front, so\n"
           "                         that a packet of them is one segment (default:\n"
           "                         what one packet of the MTU holds; 0: one message\n"
           "                         per mbuf, headers in their own segments)\n"
           "  --gen-timeout S        give up after S seconds (default 120)\n"
           "  --gen-unordered        send unordered (only content is checked)\n"
           "  --gen-discard          the peer's port is a discard service: nothing comes\n"
           "                         back; a message counts once the peer has\n"
           "                         acknowledged it, and the send buffer is the window\n"
           "  --hold                 after the run stay connected until signalled\n"
           "  --fault-rx-loss PPM    drop that many SCTP packets per million on receive\n"
           "                         (tests of loss recovery; counted as injected_loss)\n"
           "  --gen-rate N           send at most N messages per second, from the\n"
           "                         association's start (default 0: as fast as the\n"
           "                         window lets)\n"
           "  --gen-stall-after N    after N echoes take no more (the association's\n"
           "                         receive window stays 0): a peer that stops reading\n"
           "                         (tests of the echo service's isolation)\n"
           "  --gen-engine N         put the client association on engine N (default: the\n"
           "                         engine the NIC's RSS will use, else 0)\n"
           "  --help                 this text\n"
           "\n"
           "The client exits 0 when every message came back intact and in order per\n"
           "stream (with --gen-discard: when the peer acknowledged every message), 1\n"
           "otherwise. Bad options or configuration: exit code 2.\n"
           "\n"
           "Configuration file (every key optional):\n"
           "  [sctpdp]  name, addr (comma separated ADDR/PREFIX[@PORT]), gateway and\n"
           "            route (comma separated, as their options),\n"
           "            echo_port, discard_port, profile_dir, mtu, mbufs, engine_heap_mb,\n"
           "            shutdown_timeout_ms, neigh_timeout_ms (a neighbour's entry\n"
           "            lasts that long once confirmed; default 300000),\n"
           "            neigh_delay_ms (an entry used past that waits this long for\n"
           "            SCTP's progress or an answer to confirm it before asking the\n"
           "            neighbour by unicast, RFC 4861 DELAY_FIRST_PROBE_TIME;\n"
           "            default 5000, 0: none), frag_max_flows\n"
           "            (datagrams in IP reassembly at once; default 1024),\n"
           "            frag_max_per_source (of those, what one source, an IPv4\n"
           "            address or an IPv6 /64, may have; its fragments of more\n"
           "            are dropped, frag_source_limit; default frag_max_flows / 8),\n"
           "            frag_ttl_ms (default 2000), echo_assoc_backlog (echoes one\n"
           "            association may have waiting before its receive is held;\n"
           "            default 1024),\n"
           "            announce (1, the default: gratuitous ARPs and unsolicited\n"
           "            NAs for our addresses at start; 0: none), addr_check (1, the\n"
           "            default: at start an ARP probe and a DAD solicitation for\n"
           "            each address, and an answer within 1 s stops the daemon,\n"
           "            exit 1; 0: none), icmp_error_rate\n"
           "            (ICMP protocol unreachable and parameter problem messages\n"
           "            per second per engine at most; default 100, 0 none)\n"
           "  [portN]   profile, vlan, mtu, emulate_csum_offload (a test aid: queue\n"
           "            callbacks act as a NIC with SCTP CRC offload both ways)\n"
           "  [sctp]    rto_initial_ms, rto_min_ms, rto_max_ms, sack_delay_ms,\n"
           "            sack_freq, max_burst, hb_interval_ms, path_max_retrans,\n"
           "            assoc_max_retrans, max_init_retransmits (RFC 9260 15;\n"
           "            default 5, 10, 8), pf_retrans (RFC 7829: after that many\n"
           "            errors a path's traffic moves while it is probed; default\n"
           "            off), ps_retrans (RFC 7829 6: a primary potentially failed\n"
           "            or inactive past that many errors gives its place to the\n"
           "            path its traffic moved to, with no switchback; default\n"
           "            off), hb_max_burst (RFC 9260 5.4: HEARTBEATs verifying peer\n"
           "            addresses per RTO; default 1, 0 no limit), init_rate (INIT\n"
           "            ACKs per second per engine and service at most; default\n"
           "            10000, 0 no limit), init_rate_per_source (the same to one\n"
           "            IPv4 address or IPv6 /64; default 1000, 0 no limit),\n"
           "            init_proven_s (a source that completed a handshake is\n"
           "            answered beyond init_rate, from a second bucket as large,\n"
           "            this long after; default 86400, 0 never), rwnd,\n"
           "            max_assocs, sendq_bytes,\n"
           "            reasm_bytes, reasm_chunks (DATA chunks one association may hold\n"
           "            for reassembly; default an eighth of mbufs), ostreams, istreams,\n"
           "            pr_sctp, pmtu_raise_s (a path MTU lowered by ICMP goes back to\n"
           "            the port's after this long; 0 never, else 300 or more; default 600)\n"
           "  [client]  connect (comma separated ADDR:PORT), local_port, msgs, size,\n"
           "            streams, window, pack, timeout_s, rate\n"
           "\n"
           "Telemetry over DPDK's telemetry socket (dpdk-telemetry.py, sctpdp-ctl):\n"
           "/sctpdp/info, /sctpdp/lcores, /sctpdp/ports, /sctpdp/assoc,E_ID and\n"
           "/sctpdp/assocs[,START[,COUNT]]: up to COUNT associations (at most and by\n"
           "default %u) from position START of the list over all engines, with\n"
           "\"total\" and, unless the list ends there, \"next\" (the next START).\n",
           prog, DP_PROFILE_DIR, (unsigned)DP_GEN_SIZE_MAX, (unsigned)DP_ASSOCS_PAGE);
}

void dp_addr_str(const struct sctp_addr *a, char *buf, size_t len)
{
    if (a->family == SCTP_AF_INET) {
        inet_ntop(AF_INET, a->addr, buf, len);
    } else if (a->family == SCTP_AF_INET6) {
        inet_ntop(AF_INET6, a->addr, buf, len);
    } else {
        snprintf(buf, len, "-");
    }
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (s == NULL || *s == '\0' || *s == '-')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* ADDR/PREFIX[@PORT] */
static int parse_addr_conf(const char *s, struct dp_addr_conf *ac)
{
    char buf[128], *slash, *at;
    uint64_t v;

    if (strlen(s) >= sizeof(buf))
        return -1;
    strcpy(buf, s);
    ac->port = 0;
    at = strchr(buf, '@');
    if (at != NULL) {
        *at = '\0';
        if (parse_u64(at + 1, 0, DP_MAX_PORTS - 1, &v) < 0)
            return -1;
        ac->port = (uint16_t)v;
    }
    slash = strchr(buf, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    if (dp_addr_parse(buf, &ac->addr) < 0)
        return -1;
    if (parse_u64(slash + 1, 1, ac->addr.family == SCTP_AF_INET ? 32 : 128, &v) < 0)
        return -1;
    ac->prefix = (uint8_t)v;
    return 0;
}

/* ADDR:PORT or [ADDR6]:PORT */
static int parse_hostport(const char *s, struct sctp_addr *a, uint16_t *port)
{
    char buf[128], *colon, *host = buf;
    uint64_t v;

    if (strlen(s) >= sizeof(buf))
        return -1;
    strcpy(buf, s);
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        *close = '\0';
        host = buf + 1;
        colon = close + 1;
    } else {
        colon = strrchr(buf, ':');
        if (colon == NULL)
            return -1;
        *colon = '\0';
    }
    if (dp_addr_parse(host, a) < 0)
        return -1;
    if (parse_u64(colon + 1, 1, 65535, &v) < 0)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

static int add_addr(struct dp_conf *c, const char *what, const char *s)
{
    struct dp_addr_conf ac;

    if (parse_addr_conf(s, &ac) < 0) {
        error("%s: '%s' is not ADDR/PREFIX[@PORT] (IPv4 or IPv6, port index < %d)", what, s,
              DP_MAX_PORTS);
        return -1;
    }
    if (c->n_addrs >= DP_MAX_ADDRS) {
        error("%s: more than %d local addresses", what, DP_MAX_ADDRS);
        return -1;
    }
    for (unsigned i = 0; i < c->n_addrs; i++) {
        if (sctp_addr_equal(&c->addrs[i].addr, &ac.addr)) {
            error("%s: address '%s' given twice", what, s);
            return -1;
        }
    }
    c->addrs[c->n_addrs++] = ac;
    return 0;
}

static int add_peer(struct dp_conf *c, const char *what, const char *s)
{
    struct sctp_addr a;
    uint16_t port;

    if (parse_hostport(s, &a, &port) < 0) {
        error("%s: '%s' is not ADDR:PORT or [ADDR6]:PORT", what, s);
        return -1;
    }
    if (c->n_peers >= DP_MAX_ADDRS) {
        error("%s: more than %d peer addresses", what, DP_MAX_ADDRS);
        return -1;
    }
    if (c->n_peers > 0 && c->peer_port != port) {
        error("%s: every peer address must use the same port (%u, not %u)", what, c->peer_port,
              port);
        return -1;
    }
    c->peer_port = port;
    c->peers[c->n_peers++] = a;
    return 0;
}

static int add_route_to(struct dp_conf *c, const char *what, const char *s,
                        const struct sctp_addr *dst, unsigned prefix, const struct sctp_addr *gw)
{
    if (dst->family != gw->family) {
        error("%s: '%s': the gateway is not of the destination's address family", what, s);
        return -1;
    }
    if (c->n_routes >= DP_MAX_ROUTES) {
        error("%s: more than %d routes and gateways", what, DP_MAX_ROUTES);
        return -1;
    }
    c->routes[c->n_routes++] =
        (struct dp_route_conf){.dst = *dst, .prefix = (uint8_t)prefix, .gw = *gw};
    return 0;
}

/* A default route: ADDR is the gateway (one per port for a multi-homed
 * host on several networks). */
static int set_gateway(struct dp_conf *c, const char *what, const char *s)
{
    struct sctp_addr a, any;

    if (dp_addr_parse(s, &a) < 0) {
        error("%s: '%s' is not an IPv4 or IPv6 address", what, s);
        return -1;
    }
    memset(&any, 0, sizeof(any));
    any.family = a.family;
    return add_route_to(c, what, s, &any, 0, &a);
}

/* DEST/PREFIX=GATEWAY */
static int add_route(struct dp_conf *c, const char *what, const char *s)
{
    char buf[128], *eq, *slash;
    struct sctp_addr dst, gw;
    uint64_t v;

    if (strlen(s) >= sizeof(buf))
        goto bad;
    strcpy(buf, s);
    eq = strchr(buf, '=');
    slash = strchr(buf, '/');
    if (eq == NULL || slash == NULL || slash > eq)
        goto bad;
    *eq = '\0';
    *slash = '\0';
    if (dp_addr_parse(buf, &dst) < 0 || dp_addr_parse(eq + 1, &gw) < 0 ||
        parse_u64(slash + 1, 0, dst.family == SCTP_AF_INET ? 32 : 128, &v) < 0)
        goto bad;
    /* The destination as a network: its host bits cleared. */
    for (unsigned b = (unsigned)v; b < 128; b++)
        dst.addr[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
    return add_route_to(c, what, s, &dst, (unsigned)v, &gw);
bad:
    error("%s: '%s' is not DEST/PREFIX=GATEWAY (IPv4 or IPv6)", what, s);
    return -1;
}

/* Splits a comma separated list and calls fn on each element. */
static int for_each_item(struct dp_conf *c, const char *what, const char *list,
                         int (*fn)(struct dp_conf *, const char *, const char *))
{
    char buf[1024], *save = NULL, *tok;

    if (strlen(list) >= sizeof(buf)) {
        error("%s: value too long", what);
        return -1;
    }
    strcpy(buf, list);
    for (tok = strtok_r(buf, ", \t", &save); tok != NULL; tok = strtok_r(NULL, ", \t", &save)) {
        if (fn(c, what, tok) < 0)
            return -1;
    }
    return 0;
}

static int num(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (parse_u64(s, min, max, out) < 0) {
        error("%s: '%s' is not a number in [%llu, %llu]", what, s, (unsigned long long)min,
              (unsigned long long)max);
        return -1;
    }
    return 0;
}

static int boolean(const char *what, const char *s, bool *out)
{
    if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1") ||
        !strcasecmp(s, "on")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0") ||
        !strcasecmp(s, "off")) {
        *out = false;
        return 0;
    }
    error("%s: '%s' is not yes/no", what, s);
    return -1;
}

static int set_profile(struct dp_conf *c, const char *what, const char *s)
{
    uint64_t idx;
    const char *eq = strchr(s, '=');
    char num_buf[8];

    if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof(num_buf) || eq[1] == '\0' ||
        strlen(eq + 1) >= sizeof(c->ports[0].profile)) {
        error("%s: '%s' is not PORT=NAME", what, s);
        return -1;
    }
    memcpy(num_buf, s, eq - s);
    num_buf[eq - s] = '\0';
    if (num(what, num_buf, 0, DP_MAX_PORTS - 1, &idx) < 0)
        return -1;
    snprintf(c->ports[idx].profile, sizeof(c->ports[idx].profile), "%s", eq + 1);
    return 0;
}

/* One key of the configuration file. */
static int config_key(struct dp_conf *c, const char *sec, const char *key, const char *val)
{
    char what[160];
    uint64_t v;

    snprintf(what, sizeof(what), "[%s] %s", sec, key);
    if (!strcmp(sec, "sctpdp")) {
        if (!strcmp(key, "name")) {
            if (strlen(val) == 0 || strlen(val) >= sizeof(c->name)) {
                error("%s: name empty or too long", what);
                return -1;
            }
            snprintf(c->name, sizeof(c->name), "%s", val);
        } else if (!strcmp(key, "addr")) {
            return for_each_item(c, what, val, add_addr);
        } else if (!strcmp(key, "gateway")) {
            return for_each_item(c, what, val, set_gateway);
        } else if (!strcmp(key, "route")) {
            return for_each_item(c, what, val, add_route);
        } else if (!strcmp(key, "echo_port")) {
            if (num(what, val, 0, 65535, &v) < 0)
                return -1;
            c->echo_port = v;
        } else if (!strcmp(key, "discard_port")) {
            if (num(what, val, 0, 65535, &v) < 0)
                return -1;
            c->discard_port = v;
        } else if (!strcmp(key, "profile_dir")) {
            snprintf(c->profile_dir, sizeof(c->profile_dir), "%s", val);
        } else if (!strcmp(key, "mtu")) {
            if (num(what, val, 576, 9000, &v) < 0)
                return -1;
            for (unsigned i = 0; i < DP_MAX_PORTS; i++)
                c->ports[i].mtu = v;
        } else if (!strcmp(key, "mbufs")) {
            if (num(what, val, 1024, 1 << 22, &v) < 0)
                return -1;
            c->mbufs = v;
        } else if (!strcmp(key, "engine_heap_mb")) {
            if (num(what, val, 8, 65536, &v) < 0)
                return -1;
            c->heap_mb = v;
        } else if (!strcmp(key, "echo_assoc_backlog")) {
            if (num(what, val, 16, DP_BACKLOG, &v) < 0)
                return -1;
            c->echo_assoc_backlog = v;
        } else if (!strcmp(key, "shutdown_timeout_ms")) {
            if (num(what, val, 0, 600000, &v) < 0)
                return -1;
            c->shutdown_ms = v;
        } else if (!strcmp(key, "neigh_timeout_ms")) {
            if (num(what, val, 100, 3600000, &v) < 0)
                return -1;
            c->neigh_timeout_ms = v;
        } else if (!strcmp(key, "neigh_delay_ms")) {
            if (num(what, val, 0, 60000, &v) < 0)
                return -1;
            c->neigh_delay_ms = v;
        } else if (!strcmp(key, "frag_max_flows")) {
            if (num(what, val, 1, 65536, &v) < 0)
                return -1;
            c->frag_max_flows = v;
        } else if (!strcmp(key, "frag_max_per_source")) {
            if (num(what, val, 0, 65536, &v) < 0)
                return -1;
            c->frag_max_per_source = v;
        } else if (!strcmp(key, "frag_ttl_ms")) {
            if (num(what, val, 1, 60000, &v) < 0)
                return -1;
            c->frag_ttl_ms = v;
        } else if (!strcmp(key, "icmp_error_rate")) {
            if (num(what, val, 0, 1000000, &v) < 0)
                return -1;
            c->icmp_error_rate = v;
        } else if (!strcmp(key, "announce")) {
            if (num(what, val, 0, 1, &v) < 0)
                return -1;
            c->announce = v != 0;
        } else if (!strcmp(key, "addr_check")) {
            if (num(what, val, 0, 1, &v) < 0)
                return -1;
            c->addr_check = v != 0;
        } else {
            goto unknown;
        }
    } else if (!strncmp(sec, "port", 4)) {
        if (num("section [portN]", sec + 4, 0, DP_MAX_PORTS - 1, &v) < 0)
            return -1;
        struct dp_port_conf *pc = &c->ports[v];
        if (!strcmp(key, "profile")) {
            if (strlen(val) >= sizeof(pc->profile)) {
                error("%s: too long", what);
                return -1;
            }
            snprintf(pc->profile, sizeof(pc->profile), "%s", val);
        } else if (!strcmp(key, "vlan")) {
            if (num(what, val, 0, 4094, &v) < 0)
                return -1;
            pc->vlan = v;
        } else if (!strcmp(key, "mtu")) {
            if (num(what, val, 576, 9000, &v) < 0)
                return -1;
            pc->mtu = v;
        } else if (!strcmp(key, "emulate_csum_offload")) {
            if (boolean(what, val, &pc->emulate_csum) < 0)
                return -1;
        } else {
            goto unknown;
        }
    } else if (!strcmp(sec, "sctp")) {
        struct sctp_config *s = &c->sctp;
        if (!strcmp(key, "rto_initial_ms")) {
            if (num(what, val, 1, 600000, &v) < 0)
                return -1;
            s->rto_initial = v * SCTP_MS;
        } else if (!strcmp(key, "rto_min_ms")) {
            if (num(what, val, 1, 600000, &v) < 0)
                return -1;
            s->rto_min = v * SCTP_MS;
        } else if (!strcmp(key, "rto_max_ms")) {
            if (num(what, val, 1, 600000, &v) < 0)
                return -1;
            s->rto_max = v * SCTP_MS;
        } else if (!strcmp(key, "sack_delay_ms")) {
            if (num(what, val, 0, 500, &v) < 0)
                return -1;
            s->sack_delay = v * SCTP_MS;
        } else if (!strcmp(key, "sack_freq")) {
            if (num(what, val, 1, 64, &v) < 0)
                return -1;
            s->sack_freq = v;
        } else if (!strcmp(key, "max_burst")) {
            if (num(what, val, 0, 1024, &v) < 0)
                return -1;
            s->max_burst = v;
        } else if (!strcmp(key, "hb_max_burst")) {
            if (num(what, val, 0, 64, &v) < 0)
                return -1;
            s->hb_max_burst = v;
        } else if (!strcmp(key, "path_max_retrans")) {
            if (num(what, val, 0, 100, &v) < 0)
                return -1;
            s->path_max_retrans = v;
        } else if (!strcmp(key, "pf_retrans")) {
            if (num(what, val, 0, 100, &v) < 0)
                return -1;
            s->pf_retrans = v;
        } else if (!strcmp(key, "ps_retrans")) {
            if (num(what, val, 0, 100, &v) < 0)
                return -1;
            s->ps_retrans = v;
        } else if (!strcmp(key, "assoc_max_retrans")) {
            if (num(what, val, 1, 100, &v) < 0)
                return -1;
            s->assoc_max_retrans = v;
        } else if (!strcmp(key, "max_init_retransmits")) {
            if (num(what, val, 1, 100, &v) < 0)
                return -1;
            s->max_init_retransmits = v;
        } else if (!strcmp(key, "hb_interval_ms")) {
            if (num(what, val, 1, 3600000, &v) < 0)
                return -1;
            s->hb_interval = v * SCTP_MS;
        } else if (!strcmp(key, "pmtu_raise_s")) {
            /* RFC 8201 4: not within 5 minutes of a too-big. */
            if (num(what, val, 0, 86400, &v) < 0)
                return -1;
            if (v != 0 && v < 300) {
                error("%s: %llu is below 300 s (RFC 8201: no sooner than 5 minutes); 0 never "
                      "raises",
                      what, (unsigned long long)v);
                return -1;
            }
            s->pmtu_raise = v * SCTP_SEC;
        } else if (!strcmp(key, "rwnd")) {
            if (num(what, val, 1500, 1u << 30, &v) < 0)
                return -1;
            s->rwnd = v;
        } else if (!strcmp(key, "init_rate")) {
            if (num(what, val, 0, 100000000, &v) < 0)
                return -1;
            s->init_rate = v;
        } else if (!strcmp(key, "init_rate_per_source")) {
            if (num(what, val, 0, 100000000, &v) < 0)
                return -1;
            s->init_rate_per_source = v;
        } else if (!strcmp(key, "init_proven_s")) {
            if (num(what, val, 0, 30 * 86400, &v) < 0)
                return -1;
            s->init_proven = (sctp_tstamp)v * SCTP_SEC;
        } else if (!strcmp(key, "max_assocs")) {
            if (num(what, val, 1, 1u << 20, &v) < 0)
                return -1;
            s->max_assocs = v;
        } else if (!strcmp(key, "sendq_bytes")) {
            if (num(what, val, 1500, 1u << 30, &v) < 0)
                return -1;
            s->max_sendq_bytes = v;
        } else if (!strcmp(key, "reasm_bytes")) {
            if (num(what, val, 4096, 1u << 30, &v) < 0)
                return -1;
            s->max_reasm_bytes = v;
        } else if (!strcmp(key, "reasm_chunks")) {
            if (num(what, val, 64, 1u << 24, &v) < 0)
                return -1;
            s->max_reasm_chunks = v;
        } else if (!strcmp(key, "ostreams")) {
            if (num(what, val, 1, 65535, &v) < 0)
                return -1;
            s->num_ostreams = v;
        } else if (!strcmp(key, "istreams")) {
            if (num(what, val, 1, 65535, &v) < 0)
                return -1;
            s->max_instreams = v;
        } else if (!strcmp(key, "pr_sctp")) {
            return boolean(what, val, &s->pr_sctp);
        } else {
            goto unknown;
        }
    } else if (!strcmp(sec, "client")) {
        if (!strcmp(key, "connect")) {
            return for_each_item(c, what, val, add_peer);
        } else if (!strcmp(key, "local_port")) {
            if (num(what, val, 1, 65535, &v) < 0)
                return -1;
            c->local_port = v;
        } else if (!strcmp(key, "msgs")) {
            if (num(what, val, 1, UINT64_MAX / 2, &v) < 0)
                return -1;
            c->gen_msgs = v;
        } else if (!strcmp(key, "size")) {
            if (num(what, val, 16, DP_GEN_SIZE_MAX, &v) < 0)
                return -1;
            c->gen_size = v;
        } else if (!strcmp(key, "streams")) {
            if (num(what, val, 1, 1024, &v) < 0)
                return -1;
            c->gen_streams = v;
        } else if (!strcmp(key, "window")) {
            if (num(what, val, 1, 65536, &v) < 0)
                return -1;
            c->gen_window = v;
        } else if (!strcmp(key, "pack")) {
            if (num(what, val, 0, DP_GEN_PACK_MAX, &v) < 0)
                return -1;
            c->gen_pack = (int)v;
        } else if (!strcmp(key, "timeout_s")) {
            if (num(what, val, 1, 86400, &v) < 0)
                return -1;
            c->gen_timeout_s = v;
        } else if (!strcmp(key, "rate")) {
            if (num(what, val, 0, 1000000000, &v) < 0)
                return -1;
            c->gen_rate = v;
        } else {
            goto unknown;
        }
    } else {
        error("config: unknown section [%s]", sec);
        return -1;
    }
    return 0;
unknown:
    error("%s: unknown key", what);
    return -1;
}

/* rte_cfgfile_load() with what it says is wrong (through rte_log) caught
 * for a one-line error: NULL with why set. */
static struct rte_cfgfile *cfgfile_load(const char *path, int flags, char *why, size_t why_len)
{
    struct rte_cfgfile *cf;
    char *log = NULL;
    size_t log_len = 0;
    FILE *ms = open_memstream(&log, &log_len);

    if (ms != NULL)
        rte_openlog_stream(ms);
    cf = rte_cfgfile_load(path, flags);
    if (ms != NULL) {
        rte_openlog_stream(NULL);
        fclose(ms);
    }
    why[0] = '\0';
    if (cf == NULL && log != NULL) {
        const char *w = log;
        const char *colon = strstr(w, "(): ");
        char *nl;
        if (colon != NULL)
            w = colon + 4;
        if ((nl = strchr(w, '\n')) != NULL)
            *nl = '\0';
        snprintf(why, why_len, "%s", w);
    }
    free(log);
    return cf;
}

/* Calls fn on every entry of every section, in file order; stops at the
 * first that fails. -1: the file could not be read; -2: fn failed (and
 * said why). */
static int cfgfile_walk(struct rte_cfgfile *cf,
                        int (*fn)(void *arg, const char *sec, const char *key, const char *val),
                        void *arg)
{
    int total = rte_cfgfile_num_sections(cf, NULL, 0), rc = 0;
    char **names = calloc(total > 0 ? total : 1, sizeof(char *));

    if (names == NULL)
        return -1;
    for (int i = 0; i < total; i++) {
        names[i] = calloc(1, CFG_NAME_LEN);
        if (names[i] == NULL)
            rc = -1;
    }
    if (rc == 0 && rte_cfgfile_sections(cf, names, total) != total)
        rc = -1;
    for (int i = 0; i < total && rc == 0; i++) {
        int ne = rte_cfgfile_section_num_entries(cf, names[i]);
        struct rte_cfgfile_entry *e = calloc(ne > 0 ? ne : 1, sizeof(*e));

        if (e == NULL || (ne > 0 && rte_cfgfile_section_entries(cf, names[i], e, ne) != ne))
            rc = -1;
        for (int k = 0; k < ne && rc == 0; k++) {
            if (fn(arg, names[i], e[k].name, e[k].value) < 0)
                rc = -2;
        }
        free(e);
    }
    for (int i = 0; i < total; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int conf_entry(void *arg, const char *sec, const char *key, const char *val)
{
    return config_key(arg, sec, key, val);
}

static int load_file(struct dp_conf *c, const char *path)
{
    struct rte_cfgfile *cf;
    FILE *f;
    int rc = 0;
    char why[256];

    f = fopen(path, "r");
    if (f == NULL) {
        error("--config: cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    cf = cfgfile_load(path, 0, why, sizeof(why));
    if (cf == NULL) {
        error("--config: '%s' is not a valid INI file%s%s", path, *why ? ": " : "", why);
        return -1;
    }
    rc = cfgfile_walk(cf, conf_entry, c);
    rte_cfgfile_close(cf);
    if (rc == -1)
        error("--config: '%s': cannot read its sections", path);
    return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Driver profiles (drivers-conf/<name>.ini)                           */

/* The built-in profile of a driver without a file: request everything
 * and let dev_info decide. A file overrides what it names. */
static void profile_generic(struct dp_profile *p, const char *name)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    snprintf(p->file, sizeof(p->file), "(built-in)");
    p->rx_desc = 1024;
    p->tx_desc = 1024;
    p->rss = true;
    p->rss_sctp = true;
    p->tx_sctp_csum = true;
    p->rx_l4_csum = true;
    p->tx_ip_csum = false;
    p->rx_ip_csum = true;
    p->promisc = true;
    p->steering = DP_STEER_RSS;
}

static int profile_key(void *arg, const char *sec, const char *key, const char *val)
{
    struct dp_profile *p = arg;
    char what[PATH_MAX + 96];
    uint64_t v;

    if (strcmp(sec, "profile") != 0) {
        error("profile %s: unknown section [%s] (only [profile])", p->file, sec);
        return -1;
    }
    snprintf(what, sizeof(what), "profile %s: %s", p->file, key);
    if (!strcmp(key, "rx_desc") || !strcmp(key, "tx_desc")) {
        if (num(what, val, 1, 65535, &v) < 0)
            return -1;
        *(key[0] == 'r' ? &p->rx_desc : &p->tx_desc) = (uint16_t)v;
    } else if (!strcmp(key, "rss")) {
        if (strcasecmp(val, "none") && strcasecmp(val, "ip") && strcasecmp(val, "sctp")) {
            error("%s: '%s' is not none, ip or sctp", what, val);
            return -1;
        }
        p->rss = strcasecmp(val, "none") != 0;
        p->rss_sctp = !strcasecmp(val, "sctp");
    } else if (!strcmp(key, "tx_sctp_csum")) {
        return boolean(what, val, &p->tx_sctp_csum);
    } else if (!strcmp(key, "rx_sctp_csum")) {
        return boolean(what, val, &p->rx_l4_csum);
    } else if (!strcmp(key, "tx_ip_csum")) {
        return boolean(what, val, &p->tx_ip_csum);
    } else if (!strcmp(key, "rx_ip_csum")) {
        return boolean(what, val, &p->rx_ip_csum);
    } else if (!strcmp(key, "promisc")) {
        return boolean(what, val, &p->promisc);
    } else if (!strcmp(key, "steering")) {
        if (!strcasecmp(val, "rss")) {
            p->steering = DP_STEER_RSS;
        } else if (!strcasecmp(val, "mailbox")) {
            p->steering = DP_STEER_MAILBOX;
        } else {
            error("%s: '%s' is not rss or mailbox", what, val);
            return -1;
        }
    } else {
        error("%s: unknown key", what);
        return -1;
    }
    return 0;
}

int dp_profile_load(const char *dir, const char *name, struct dp_profile *p)
{
    struct rte_cfgfile *cf;
    char path[PATH_MAX], why[256];
    FILE *f;
    int rc;

    profile_generic(p, name);
    if (strchr(name, '/') != NULL ||
        (size_t)snprintf(path, sizeof(path), "%s/%s.ini", dir, name) >= sizeof(path))
        return -ENOENT;
    f = fopen(path, "r");
    if (f == NULL)
        return -ENOENT;
    fclose(f);
    snprintf(p->file, sizeof(p->file), "%s", path);
    cf = cfgfile_load(path, CFG_FLAG_EMPTY_VALUES, why, sizeof(why));
    if (cf == NULL) {
        error("profile %s: not a valid INI file%s%s", path, *why ? ": " : "", why);
        return -EINVAL;
    }
    if (!rte_cfgfile_has_section(cf, "profile")) {
        rte_cfgfile_close(cf);
        error("profile %s: no [profile] section", path);
        return -EINVAL;
    }
    rc = cfgfile_walk(cf, profile_key, p);
    rte_cfgfile_close(cf);
    if (rc == -1)
        error("profile %s: cannot read its sections", path);
    return rc < 0 ? -EINVAL : 0;
}

static void set_defaults(struct dp_conf *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "sctpdp");
    snprintf(c->profile_dir, sizeof(c->profile_dir), "%s", DP_PROFILE_DIR);
    c->echo_port = 7;
    c->mbufs = 16384;
    c->heap_mb = 128;
    c->echo_assoc_backlog = DP_BL_ASSOC_MAX;
    c->shutdown_ms = 2000;
    c->neigh_timeout_ms = 300000;
    c->neigh_delay_ms = 5000; /* RFC 4861 10: DELAY_FIRST_PROBE_TIME */
    c->frag_max_flows = 1024;
    c->frag_ttl_ms = 2000;
    c->announce = true;
    c->addr_check = true;
    c->icmp_error_rate = 100;
    for (unsigned i = 0; i < DP_MAX_PORTS; i++)
        c->ports[i].mtu = 1500;
    sctp_config_default(&c->sctp);
    /* A daemon on a public network answers at most this many INITs a
     * second per engine and service (sctp_config.init_rate). */
    c->sctp.init_rate = 10000;
    /* and at most this many to one source (an IPv4 address or an IPv6
     * /64), so that one flooding host does not take them all. */
    c->sctp.init_rate_per_source = 1000;
    /* and beyond init_rate, the sources that completed a handshake in the
     * last day: a flood from spoofed sources does not keep the peers out. */
    c->sctp.init_proven = 86400 * SCTP_SEC;
    c->local_port = 40000;
    c->gen_msgs = 1000;
    c->gen_size = 128;
    c->gen_streams = 1;
    c->gen_window = 256;
    c->gen_pack = -1;
    c->gen_timeout_s = 120;
    c->gen_engine = -1;
}

enum {
    OPT_CONFIG = 256,
    OPT_ADDR,
    OPT_GATEWAY,
    OPT_ROUTE,
    OPT_NAME,
    OPT_ECHO_PORT,
    OPT_DISCARD_PORT,
    OPT_PROFILES,
    OPT_PROFILE,
    OPT_MTU,
    OPT_MBUFS,
    OPT_HEAP,
    OPT_SHUTDOWN,
    OPT_CONNECT,
    OPT_LOCAL_PORT,
    OPT_GEN_MSGS,
    OPT_GEN_SIZE,
    OPT_GEN_STREAMS,
    OPT_GEN_WINDOW,
    OPT_GEN_PACK,
    OPT_GEN_TIMEOUT,
    OPT_GEN_UNORDERED,
    OPT_GEN_DISCARD,
    OPT_HOLD,
    OPT_GEN_ENGINE,
    OPT_FAULT_LOSS,
    OPT_GEN_STALL,
    OPT_GEN_RATE,
    OPT_HELP,
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"addr", required_argument, NULL, OPT_ADDR},
    {"gateway", required_argument, NULL, OPT_GATEWAY},
    {"route", required_argument, NULL, OPT_ROUTE},
    {"name", required_argument, NULL, OPT_NAME},
    {"echo-port", required_argument, NULL, OPT_ECHO_PORT},
    {"discard-port", required_argument, NULL, OPT_DISCARD_PORT},
    {"profiles", required_argument, NULL, OPT_PROFILES},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"mtu", required_argument, NULL, OPT_MTU},
    {"mbufs", required_argument, NULL, OPT_MBUFS},
    {"engine-heap", required_argument, NULL, OPT_HEAP},
    {"shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN},
    {"connect", required_argument, NULL, OPT_CONNECT},
    {"local-port", required_argument, NULL, OPT_LOCAL_PORT},
    {"gen-msgs", required_argument, NULL, OPT_GEN_MSGS},
    {"gen-size", required_argument, NULL, OPT_GEN_SIZE},
    {"gen-streams", required_argument, NULL, OPT_GEN_STREAMS},
    {"gen-window", required_argument, NULL, OPT_GEN_WINDOW},
    {"gen-pack", required_argument, NULL, OPT_GEN_PACK},
    {"gen-timeout", required_argument, NULL, OPT_GEN_TIMEOUT},
    {"gen-unordered", no_argument, NULL, OPT_GEN_UNORDERED},
    {"gen-discard", no_argument, NULL, OPT_GEN_DISCARD},
    {"hold", no_argument, NULL, OPT_HOLD},
    {"gen-engine", required_argument, NULL, OPT_GEN_ENGINE},
    {"fault-rx-loss", required_argument, NULL, OPT_FAULT_LOSS},
    {"gen-stall-after", required_argument, NULL, OPT_GEN_STALL},
    {"gen-rate", required_argument, NULL, OPT_GEN_RATE},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

int dp_config_parse(struct dp_conf *c, int argc, char **argv)
{
    uint64_t v;
    int opt;
    bool cli_addrs = false, cli_peers = false, cli_routes = false;

    set_defaults(c);

    /* The file first, wherever --config stands, so options override it. */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            dp_config_usage(argv[0]);
            return 1;
        }
        if (!strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9)) {
            const char *path =
                argv[i][8] == '=' ? argv[i] + 9 : (i + 1 < argc ? argv[i + 1] : NULL);
            if (path == NULL) {
                error("--config: missing FILE");
                return -1;
            }
            if (load_file(c, path) < 0)
                return -1;
        }
    }

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
        switch (opt) {
        case OPT_CONFIG:
            break;
        case OPT_ADDR:
            if (!cli_addrs) {
                c->n_addrs = 0; /* the command line replaces the file's list */
                cli_addrs = true;
                c->addrs_cli = true;
            }
            if (add_addr(c, "--addr", optarg) < 0)
                return -1;
            break;
        case OPT_GATEWAY:
        case OPT_ROUTE:
            if (!cli_routes) {
                c->n_routes = 0; /* the command line's routes replace the file's */
                cli_routes = true;
            }
            if ((opt == OPT_GATEWAY ? set_gateway(c, "--gateway", optarg)
                                    : add_route(c, "--route", optarg)) < 0)
                return -1;
            break;
        case OPT_NAME:
            if (strlen(optarg) == 0 || strlen(optarg) >= sizeof(c->name)) {
                error("--name: empty or longer than %zu characters", sizeof(c->name) - 1);
                return -1;
            }
            snprintf(c->name, sizeof(c->name), "%s", optarg);
            break;
        case OPT_ECHO_PORT:
            if (num("--echo-port", optarg, 0, 65535, &v) < 0)
                return -1;
            c->echo_port = v;
            break;
        case OPT_DISCARD_PORT:
            if (num("--discard-port", optarg, 0, 65535, &v) < 0)
                return -1;
            c->discard_port = v;
            break;
        case OPT_PROFILES:
            snprintf(c->profile_dir, sizeof(c->profile_dir), "%s", optarg);
            break;
        case OPT_PROFILE:
            if (set_profile(c, "--profile", optarg) < 0)
                return -1;
            break;
        case OPT_MTU:
            if (num("--mtu", optarg, 576, 9000, &v) < 0)
                return -1;
            for (unsigned i = 0; i < DP_MAX_PORTS; i++)
                c->ports[i].mtu = v;
            break;
        case OPT_MBUFS:
            if (num("--mbufs", optarg, 1024, 1 << 22, &v) < 0)
                return -1;
            c->mbufs = v;
            break;
        case OPT_HEAP:
            if (num("--engine-heap", optarg, 8, 65536, &v) < 0)
                return -1;
            c->heap_mb = v;
            break;
        case OPT_SHUTDOWN:
            if (num("--shutdown-timeout", optarg, 0, 600000, &v) < 0)
                return -1;
            c->shutdown_ms = v;
            break;
        case OPT_CONNECT:
            if (!cli_peers) {
                c->n_peers = 0;
                cli_peers = true;
            }
            if (add_peer(c, "--connect", optarg) < 0)
                return -1;
            break;
        case OPT_LOCAL_PORT:
            if (num("--local-port", optarg, 1, 65535, &v) < 0)
                return -1;
            c->local_port = v;
            break;
        case OPT_GEN_MSGS:
            if (num("--gen-msgs", optarg, 1, UINT64_MAX / 2, &v) < 0)
                return -1;
            c->gen_msgs = v;
            break;
        case OPT_GEN_SIZE:
            if (num("--gen-size", optarg, 16, DP_GEN_SIZE_MAX, &v) < 0)
                return -1;
            c->gen_size = v;
            break;
        case OPT_GEN_STREAMS:
            if (num("--gen-streams", optarg, 1, 1024, &v) < 0)
                return -1;
            c->gen_streams = v;
            break;
        case OPT_GEN_WINDOW:
            if (num("--gen-window", optarg, 1, 65536, &v) < 0)
                return -1;
            c->gen_window = v;
            break;
        case OPT_GEN_PACK:
            if (num("--gen-pack", optarg, 0, DP_GEN_PACK_MAX, &v) < 0)
                return -1;
            c->gen_pack = (int)v;
            break;
        case OPT_GEN_TIMEOUT:
            if (num("--gen-timeout", optarg, 1, 86400, &v) < 0)
                return -1;
            c->gen_timeout_s = v;
            break;
        case OPT_GEN_UNORDERED:
            c->gen_unordered = true;
            break;
        case OPT_GEN_DISCARD:
            c->gen_discard = true;
            break;
        case OPT_HOLD:
            c->hold = true;
            break;
        case OPT_FAULT_LOSS:
            if (num("--fault-rx-loss", optarg, 0, 500000, &v) < 0)
                return -1;
            c->rx_loss_ppm = (uint32_t)v;
            break;
        case OPT_GEN_RATE:
            if (num("--gen-rate", optarg, 0, 1000000000, &v) < 0)
                return -1;
            c->gen_rate = v;
            break;
        case OPT_GEN_STALL:
            if (num("--gen-stall-after", optarg, 1, UINT32_MAX, &v) < 0)
                return -1;
            c->gen_stall_after = v;
            break;
        case OPT_GEN_ENGINE:
            if (num("--gen-engine", optarg, 0, DP_MAX_ENGINES - 1, &v) < 0)
                return -1;
            c->gen_engine = (int)v;
            break;
        case ':':
            error("%s: missing argument", argv[optind - 1]);
            return -1;
        default:
            error("unknown option '%s' (see --help)", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        error("unexpected argument '%s' (see --help)", argv[optind]);
        return -1;
    }

    /* Cross checks. */
    if (c->n_addrs == 0) {
        error("no local address: give --addr ADDR/PREFIX or [sctpdp] addr");
        return -1;
    }
    /* A gateway is on the subnet of one of our addresses: that address's
     * port is its route's. */
    for (unsigned i = 0; i < c->n_routes; i++) {
        struct dp_route_conf *r = &c->routes[i];
        unsigned k;
        for (k = 0; k < c->n_addrs; k++)
            if (dp_prefix_match(&c->addrs[k].addr, &r->gw, c->addrs[k].prefix))
                break;
        if (k == c->n_addrs) {
            char gw[INET6_ADDRSTRLEN];
            inet_ntop(r->gw.family == SCTP_AF_INET ? AF_INET : AF_INET6, r->gw.addr, gw,
                      sizeof(gw));
            error("gateway %s is on the subnet of none of the local addresses", gw);
            return -1;
        }
        r->port = c->addrs[k].port;
    }
    for (unsigned i = 0; i < c->n_peers; i++) {
        bool family = false;
        for (unsigned k = 0; k < c->n_addrs; k++)
            family |= c->addrs[k].addr.family == c->peers[i].family;
        if (!family) {
            error("--connect: no local address of the peer's address family");
            return -1;
        }
    }
    if (c->n_peers > 0 && c->local_port == c->echo_port) {
        error("--local-port: %u is also the echo port", c->local_port);
        return -1;
    }
    if (c->echo_port != 0 && c->echo_port == c->discard_port) {
        error("--discard-port: %u is also the echo port", c->discard_port);
        return -1;
    }
    /* What sctp_endpoint_new() refuses, said here rather than as an
     * endpoint that cannot be created after EAL started. */
    if (c->sctp.rto_min > c->sctp.rto_max) {
        error("[sctp] rto_min_ms: %llu is more than rto_max_ms (%llu)",
              (unsigned long long)(c->sctp.rto_min / SCTP_MS),
              (unsigned long long)(c->sctp.rto_max / SCTP_MS));
        return -1;
    }
    /* Profiles named for a port: they must exist and be valid. */
    for (unsigned i = 0; i < DP_MAX_PORTS; i++) {
        struct dp_profile prof;
        int rc;

        if (c->ports[i].profile[0] == '\0')
            continue;
        rc = dp_profile_load(c->profile_dir, c->ports[i].profile, &prof);
        if (rc == -ENOENT) {
            error("profile of port %u: no profile '%s' (no file %s/%s.ini)", i, c->ports[i].profile,
                  c->profile_dir, c->ports[i].profile);
            return -1;
        }
        if (rc < 0)
            return -1; /* said, naming the key */
    }
    if (c->gen_streams > c->sctp.num_ostreams) {
        error("--gen-streams: %u is more than the %u outbound streams configured", c->gen_streams,
              c->sctp.num_ostreams);
        return -1;
    }
    return 0;
}

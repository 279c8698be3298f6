/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_route() and dp_pick_src(): which port and next hop a packet takes,
 * and which local address a path is sent from, for options as a user
 * gives them (--addr, --route, --gateway, read by dp_config_parse()).
 * No EAL: routing reads only the parsed configuration.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dp.h"
#include "dp_addr.h"
#include "check.h"

static int parse(int n, char **args)
{
    char *argv[32] = {"sctpdp"};
    for (int i = 0; i < n && i < 31; i++)
        argv[i + 1] = args[i];
    optind = 1;
    memset(&dp.conf, 0, sizeof(dp.conf));
    return dp_config_parse(&dp.conf, n + 1, argv);
}

static struct sctp_addr A(const char *s) {
    struct sctp_addr a;
    if (dp_addr_parse(s, &a) < 0)
        memset(&a, 0, sizeof(a));
    return a;
}

/* dst (from src, or NULL) leaves by port with next hop nh. */
static void
expect_route(const char *src, const char *dst, int port, const char *nh)
{
    uint16_t p = 0xffff;
    struct sctp_addr s = src ? A(src) : (struct sctp_addr){0}, d = A(dst), got;
    int rc = dp_route(src ? &s : NULL, &d, &p, &got);
    if (port < 0) {
        CHECK(rc < 0, "%s from %s: a route where there is none", dst, src ? src : "-");
        return;
    }
    struct sctp_addr want = A(nh);
    CHECK(rc == 0 && p == port && sctp_addr_equal(&got, &want),
          "%s from %s: rc %d port %u, want port %d via %s", dst, src ? src : "-", rc, p, port, nh);
}

static void expect_src(const char *dst, const char *want)
{
    struct sctp_addr d = A(dst), s, w = want ? A(want) : (struct sctp_addr){0};
    bool ok = dp_pick_src(&d, &s);
    if (!want)
        CHECK(!ok, "%s: a source where no route leads", dst);
    else
        CHECK(ok && sctp_addr_equal(&s, &w), "%s: source is not %s", dst, want);
}

/* Two networks, one per port, each with a route to one of the peer's
 * networks: the multi-homed layout of 38-multihome-failover.sh, where the
 * longest prefix in common would pick the other port's address. */
static void test_two_networks(void)
{
    char *args[] = {"--addr",  "198.18.0.1/24@0",
                    "--addr",  "198.18.2.1/24@1",
                    "--route", "198.18.3.0/24=198.18.0.254",
                    "--route", "198.18.1.0/24=198.18.2.254"};
    CHECK(parse(8, args) == 0, "options refused");
    CHECK(dp.conf.n_routes == 2 && dp.conf.routes[0].port == 0 && dp.conf.routes[1].port == 1,
          "routes not on their gateways' ports");
    expect_src("198.18.3.2", "198.18.0.1");
    expect_src("198.18.1.2", "198.18.2.1");
    expect_route("198.18.0.1", "198.18.3.2", 0, "198.18.0.254");
    expect_route("198.18.2.1", "198.18.1.2", 1, "198.18.2.254");
    /* On-link beats routes; the source's port first. */
    expect_route(NULL, "198.18.2.77", 1, "198.18.2.77");
    expect_src("198.18.2.77", "198.18.2.1");
    /* Nowhere to go without a default route. */
    expect_route(NULL, "203.0.113.9", -1, NULL);
    expect_src("203.0.113.9", NULL);
}

/* A default gateway per port: each path leaves by its source's port. */
static void test_gateway_per_port(void)
{
    char *args[] = {"--addr",    "198.18.0.1/24@0",
                    "--addr",    "198.18.2.1/24@1",
                    "--gateway", "198.18.0.254",
                    "--gateway", "198.18.2.254",
                    "--route",   "198.18.9.0/24=198.18.2.254"};
    CHECK(parse(10, args) == 0, "options refused");
    expect_route("198.18.0.1", "203.0.113.9", 0, "198.18.0.254");
    expect_route("198.18.2.1", "203.0.113.9", 1, "198.18.2.254");
    expect_route(NULL, "203.0.113.9", 0, "198.18.0.254");
    /* The more specific route wins over the source's port. */
    expect_route("198.18.0.1", "198.18.9.5", 1, "198.18.2.254");
    expect_src("198.18.9.5", "198.18.2.1");
    /* The route's host bits are dropped: 198.18.9.7/24 is 198.18.9.0/24. */
    char *args2[] = {"--addr", "198.18.0.1/24", "--route", "198.18.9.7/24=198.18.0.254"};
    CHECK(parse(4, args2) == 0, "options refused");
    expect_route(NULL, "198.18.9.200", 0, "198.18.0.254");
}

static void test_ipv6(void)
{
    char *args[] = {"--addr",    "198.18.0.1/24",  "--addr",  "2001:2:0:1::1/64@1",
                    "--gateway", "2001:2:0:1::fe", "--route", "2001:2:9::/48=2001:2:0:1::fe"};
    CHECK(parse(8, args) == 0, "options refused");
    expect_route(NULL, "2001:2:9:1::5", 1, "2001:2:0:1::fe");
    expect_route(NULL, "2001:db8::1", 1, "2001:2:0:1::fe");
    expect_src("2001:2:9:1::5", "2001:2:0:1::1");
    /* No IPv4 route: an IPv4 destination off the subnet has none. */
    expect_route(NULL, "203.0.113.9", -1, NULL);

    /* A link-local gateway: the route goes through it, but a global
     * destination gets the global address as its source, not the
     * link-local one on the gateway's subnet (RFC 6724 rule 2); a
     * link-local destination gets the link-local one. */
    char *ll[] = {"--addr", "fe80::2/64", "--addr", "2001:2:0:1::1/64", "--gateway", "fe80::1"};
    CHECK(parse(6, ll) == 0, "options refused");
    expect_route(NULL, "2001:2:9:1::5", 0, "fe80::1");
    expect_src("2001:2:9:1::5", "2001:2:0:1::1");
    expect_src("fe80::7", "fe80::2");
}

int main(void)
{
    test_two_networks();
    test_gateway_per_port();
    test_ipv6();
    printf("%s: %d of %d checks failed\n", failures ? "FAIL" : "PASS", failures, checks);
    return failures ? 1 : 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_rss_hash against the RSS verification suite of the Intel 82599
 * datasheet (section 7.1.2.8.3): the default Microsoft key, five IPv4 and
 * three IPv6 address and port pairs, and the hash over addresses and
 * ports that the NIC reports for each. SCTP ports enter the hash as TCP
 * and UDP ports do, so these vectors check that an association we start
 * is placed where the NIC will put the peer's packets (byte order of
 * addresses, ports, and which side is the source).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dp_addr.h"
#include "dp_rss.h"

static const uint8_t key[40] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct vec {
    const char *dst, *src; /* the packet's destination and source */
    uint16_t dport, sport;
    uint32_t hash;
};

static const struct vec v4[] = {
    {"161.142.100.80", "66.9.149.187", 1766, 2794, 0x51ccc178},
    {"65.69.140.83", "199.92.111.2", 4739, 14230, 0xc626b0ea},
    {"12.22.207.184", "24.19.198.95", 38024, 12898, 0x5c2b394a},
    {"209.142.163.6", "38.27.205.30", 2217, 48228, 0xafc7327f},
    {"202.188.127.2", "153.39.163.191", 1303, 44251, 0x10e828a2},
};

static const struct vec v6[] = {
    {"3ffe:2501:200:3::1", "3ffe:2501:200:1fff::7", 1766, 2794, 0x40207d3d},
    {"ff02::1", "3ffe:501:8::260:97ff:fe40:efab", 4739, 14230, 0xdde51bbf},
    {"fe80::200:f8ff:fe21:67cf", "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 38024, 44251, 0x02d1feef},
};

static int check(const struct vec *v, unsigned n)
{
    int bad = 0;
    for (unsigned i = 0; i < n; i++) {
        struct sctp_addr src, dst;
        if (dp_addr_parse(v[i].src, &src) < 0 || dp_addr_parse(v[i].dst, &dst) < 0) {
            printf("not ok - %s: bad address\n", v[i].src);
            bad++;
            continue;
        }
        uint32_t h = dp_rss_hash(&src, &dst, v[i].sport, v[i].dport, key);
        /* The other direction must hash differently: which side is the
         * source matters (the key is not symmetric). */
        uint32_t r = dp_rss_hash(&dst, &src, v[i].dport, v[i].sport, key);
        bool ok = h == v[i].hash && r != v[i].hash;
        printf("%s - %s:%u -> %s:%u hash 0x%08x (datasheet 0x%08x)\n", ok ? "ok" : "not ok",
               v[i].src, v[i].sport, v[i].dst, v[i].dport, h, v[i].hash);
        bad += !ok;
    }
    return bad;
}

int main(void)
{
    int bad = check(v4, sizeof(v4) / sizeof(v4[0])) + check(v6, sizeof(v6) / sizeof(v6[0]));
    printf("%s: %d of %zu vectors wrong\n", bad ? "FAIL" : "PASS", bad,
           sizeof(v4) / sizeof(v4[0]) + sizeof(v6) / sizeof(v6[0]));
    return bad ? 1 : 0;
}

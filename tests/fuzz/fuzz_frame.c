/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: one Ethernet frame into the dataplane, as a port would
 * deliver it (dp_net_input), then the rest of the engine's loop turn
 * (dp_engine_turn): what the frame makes the engine send (ARP and ND
 * answers, ICMP echo replies and errors, SCTP answers) goes out through a
 * net_ring port and is dropped here. The engine keeps its state between
 * inputs (neighbour cache, fragments being reassembled, associations), as
 * it would on the wire.
 *
 * Each input is a frame of up to 9600 bytes. The engine's address is
 * 198.18.1.1/24 and 2001:2::1/64 on port 0 (MAC 02:00:00:00:00:01), with
 * the echo service on SCTP port 5001 and discard on 5002.
 *
 * It runs on the EAL without hugepages or PCI (net_ring, --no-huge).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "dp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dp_engine *eng;
static char rundir[256];

/* As the daemon stops: ports, engines (whatever they still hold), EAL,
 * and the (empty) runtime directory EAL leaves behind. */
static void teardown(void)
{
    dp_ports_close();
    for (unsigned i = 0; i < dp.n_engines; i++)
        dp_engine_free(dp.engines[i]);
    rte_eal_cleanup();
    rmdir(rundir);
}

static void setup(void)
{
    char *conf[] = {"sctpdp",       "--addr",      "198.18.1.1/24", "--addr",
                    "2001:2::1/64", "--echo-port", "5001",          "--discard-port",
                    "5002",         "--mbufs",     "4096"};
    char *eal[] = {
        "sctpdp",      "--no-huge", "--no-pci", "--no-shconf", "--file-prefix",    "sctpdp-fz",
        "-m",          "512",       "-l",       "0",           "--vdev=net_ring0", "--no-telemetry",
        "--log-level", "*:error"};
    struct rte_ether_addr mac = {{0x02, 0, 0, 0, 0, 0x01}};

    if (dp_config_parse(&dp.conf, (int)(sizeof(conf) / sizeof(conf[0])), conf) != 0 ||
        rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0) {
        fprintf(stderr, "fuzz_frame: setup failed\n");
        abort();
    }
    snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
    atexit(teardown);
    rte_log_set_global_level(RTE_LOG_ERR);
    dp_clock_init();
    /* The daemon's mbuf flags (one-segment frames, IPv6 headers kept for
     * a first fragment's quote), as main() registers them. */
    if (dp_mbuf_flags_init() < 0) {
        fprintf(stderr, "fuzz_frame: no mbuf flags\n");
        abort();
    }
    if (dp_engine_create(0, rte_lcore_id()) < 0) {
        fprintf(stderr, "fuzz_frame: no engine\n");
        abort();
    }
    dp.n_engines = 1;
    dp.vtag_mask = 0;
    if (dp_ports_init(1) < 0 || dp_engines_link() < 0 || dp_ports_start() < 0) {
        fprintf(stderr, "fuzz_frame: no port\n");
        abort();
    }
    rte_eth_dev_default_mac_addr_set(dp.ports[0].port_id, &mac);
    dp.ports[0].mac = mac;
    eng = dp.engines[0];
    eng->running = true; /* as dp_engine_main() has it: the core allocates from its heap */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    struct rte_mbuf *m, *out[32];

    if (!ready) {
        setup();
        ready = true;
    }
    if (size == 0 || size > 9600)
        return 0;
    eng->now = dp_now_ns();
    struct rte_mempool *mp = size <= dp_pool_room(eng->pool) ? eng->pool : eng->big_pool;
    if (size > dp_pool_room(mp))
        return 0;
    m = rte_pktmbuf_alloc(mp);
    if (m == NULL)
        return 0;
    memcpy(rte_pktmbuf_append(m, (uint16_t)size), data, size);
    m->port = 0;
    dp_net_input(eng, m, 0);
    dp_engine_turn(eng);
    /* What the engine sent comes back on the ring: drop it. */
    uint16_t n;
    while ((n = rte_eth_rx_burst(dp.ports[0].port_id, 0, out, 32)) > 0)
        rte_pktmbuf_free_bulk(out, n);
    return 0;
}

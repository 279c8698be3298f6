/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctpdp: EAL, options, ports, engines and the lifecycle.
 *
 *   sctpdp [EAL options] -- [sctpdp options]     (sctpdp --help)
 *
 * SIGINT/SIGTERM: every engine sends SHUTDOWN on each association, waits
 * at most --shutdown-timeout, ABORTs what remains; then the ports are
 * stopped and closed and the process exits 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dp.h"

static void on_signal(int sig)
{
    (void)sig;
    dp.stop = true;
}

int main(int argc, char **argv)
{
    int dash = -1, rc, ret;
    unsigned lcore;

    /* Our options first, so a mistake costs no EAL start. */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            dash = i;
            break;
        }
    }
    if (dash < 0) {
        for (int i = 1; i < argc; i++) {
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                dp_config_usage(argv[0]);
                return 0;
            }
        }
    }
    {
        int n = dash < 0 ? 1 : argc - dash;
        char **av = calloc(n + 1, sizeof(char *));
        if (av == NULL)
            return 1;
        av[0] = argv[0];
        for (int i = 1; i < n; i++)
            av[i] = argv[dash + i];
        rc = dp_config_parse(&dp.conf, n, av);
        free(av);
        if (rc > 0)
            return 0;
        if (rc < 0)
            return DP_EXIT_USAGE;
    }

    ret = rte_eal_init(dash < 0 ? argc : dash, argv);
    if (ret < 0) {
        fprintf(stderr, "sctpdp: error: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
        return DP_EXIT_USAGE;
    }
    rc = rte_log_register_type_and_pick_level("sctpdp", RTE_LOG_INFO);
    if (rc >= 0)
        dp_logtype = rc;
    dp_clock_init();
    if (dp_mbuf_flags_init() < 0)
        DP_LOG(WARNING, "no mbuf flag for TX segments (%s): every frame gets a header mbuf",
               rte_strerror(rte_errno));
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    /* One engine per lcore, the main lcore included. */
    dp.n_engines = 0;
    RTE_LCORE_FOREACH(lcore)
    {
        if (dp.n_engines >= DP_MAX_ENGINES) {
            fprintf(stderr, "sctpdp: error: more than %d lcores\n", DP_MAX_ENGINES);
            rte_eal_cleanup();
            return DP_EXIT_USAGE;
        }
        if (dp_engine_create(dp.n_engines, lcore) < 0) {
            /* The reason is in the log (an error line), which a low log
             * level may hide: say at least that it failed. */
            fprintf(stderr, "sctpdp: error: engine %u (lcore %u) not created: out of memory\n",
                    dp.n_engines, lcore);
            rte_eal_cleanup();
            return 1;
        }
        dp.n_engines++;
    }
    dp.vtag_mask = (uint32_t)rte_align32pow2(dp.n_engines) - 1;

    ret = 1;
    rc = dp_ports_init(dp.n_engines);
    if (rc < 0) {
        if (rc == -2)
            ret = DP_EXIT_USAGE;
        goto out;
    }
    if (dp_engines_link() < 0)
        goto out;
    if (dp_telemetry_init() < 0)
        DP_LOG(WARNING, "telemetry commands not registered");
    if (dp_ports_start() < 0)
        goto out;
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        char b[64];
        dp_addr_str(&dp.conf.addrs[i].addr, b, sizeof(b));
        DP_LOG(INFO, "address %s/%u on port %u", b, dp.conf.addrs[i].prefix, dp.conf.addrs[i].port);
    }
    DP_LOG(INFO, "instance %s: echo port %u, discard port %u%s", dp.conf.name, dp.conf.echo_port,
           dp.conf.discard_port, dp.conf.n_peers > 0 ? ", client/generator on" : "");
    printf("sctpdp: %s ready, %u engine(s), %u port(s)\n", dp.conf.name, dp.n_engines, dp.n_ports);
    fflush(stdout);

    rte_eal_mp_remote_launch(dp_engine_main, NULL, CALL_MAIN);
    rte_eal_mp_wait_lcore();
    ret = dp.addr_dup ? 1 : 0;
    if (dp.conf.n_peers > 0) {
        dp_gen_report();
        if (ret == 0)
            ret = dp.gen_status;
    }
    dp_print_counters();
out:
    dp_guard_disable(); /* no engine polls; they are freed below */
    dp_ports_close();
    for (unsigned i = 0; i < dp.n_engines; i++)
        dp_engine_free(dp.engines[i]);
    DP_LOG(INFO, "stopped");
    rte_eal_cleanup();
    return ret;
}

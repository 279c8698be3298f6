/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_guard.c: the unmap guard.
 *
 * When a memif peer goes away (it exits, is killed, or closes its
 * port), DPDK 22.11's memif driver tears the link down on the EAL
 * interrupt thread: memif_disconnect() clears the port's connected flag,
 * then unmaps the shared regions and frees their descriptors. An engine
 * can be inside rte_eth_rx_burst() or rte_eth_tx_burst() on that port at
 * that moment, past the flag check: it has read the ring's address, and
 * its next access faults. On a machine with fewer cores than threads the
 * engine's thread is often preempted in the middle of a burst while the
 * interrupt thread runs, and the dataplane died with SIGSEGV about once
 * in three killed peers.
 *
 * The driver offers no hook between clearing the flag and unmapping. The
 * first thing that makes the regions unreadable is munmap(), which the
 * driver (a shared object) calls through the dynamic linker: this file
 * defines munmap() in the executable, so that call comes here. Called
 * off the engines' threads while the guard is on, it waits until every
 * polling engine has been at the top of its loop turn (dp_guard_point(),
 * between bursts) since the call began: a burst that starts after that
 * sees the flag cleared and returns at once. Then it unmaps.
 *
 * The engines' side is one load per loop turn, and a store only when a
 * wait is on: no lock, no atomic read-modify-write. The waiter yields
 * its core while it waits (the engine it waits for may be preempted on
 * the same core), and gives up after DP_GUARD_WAIT_MS, logging it, so a
 * stuck engine cannot hang the interrupt thread. An engine's own munmap
 * calls never wait (two engines could wait for each other), nor do calls
 * while no engine polls (start-up, shutdown, port close). The guard is
 * on only while a port's driver is memif (dp_port.c); every other call
 * goes straight to the system call.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "dp.h"

#define DP_GUARD_WAIT_MS 200

static __thread bool in_guard; /* this thread is waiting already */

void dp_guard_enable(const char *why)
{
    if (!__atomic_load_n(&dp.guard_on, __ATOMIC_ACQUIRE))
        DP_LOG(INFO,
               "unmap guard on (%s): engines leave their bursts before shared memory is "
               "unmapped",
               why);
    __atomic_store_n(&dp.guard_on, true, __ATOMIC_RELEASE);
}

void dp_guard_disable(void)
{
    __atomic_store_n(&dp.guard_on, false, __ATOMIC_RELEASE);
}

/* The engine starts or stops polling. Sequentially consistent against the
 * waiter's increment and load: either the waiter sees polling and waits,
 * or the engine's first turn sees the new sequence number, and with it
 * the driver's flag cleared before the waiter came here. */
void dp_guard_polling(struct dp_engine *e, bool on)
{
    if (on)
        __atomic_store_n(&e->guard_ack, __atomic_load_n(&dp.guard_seq, __ATOMIC_SEQ_CST),
                         __ATOMIC_SEQ_CST);
    __atomic_store_n(&e->polling, on, __ATOMIC_SEQ_CST);
}

static bool on_engine_thread(void)
{
    unsigned lc = rte_lcore_id();

    if (lc == LCORE_ID_ANY)
        return false;
    for (unsigned i = 0; i < dp.n_engines; i++) {
        if (dp.engines[i] != NULL && dp.engines[i]->lcore_id == lc)
            return true;
    }
    return false;
}

static void guard_wait(void)
{
    struct timespec t0, t, nap = {.tv_sec = 0, .tv_nsec = 20000};
    uint32_t seq = __atomic_add_fetch(&dp.guard_seq, 1, __ATOMIC_SEQ_CST);

    __atomic_fetch_add(&dp.guard_waits, 1, __ATOMIC_RELAXED);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 0; i < dp.n_engines; i++) {
        struct dp_engine *e = dp.engines[i];

        if (e == NULL)
            continue;
        while (__atomic_load_n(&e->polling, __ATOMIC_SEQ_CST) &&
               (int32_t)(__atomic_load_n(&e->guard_ack, __ATOMIC_ACQUIRE) - seq) < 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >=
                DP_GUARD_WAIT_MS) {
                __atomic_fetch_add(&dp.guard_timeouts, 1, __ATOMIC_RELAXED);
                DP_LOG(WARNING, "unmap guard: engine %u did not reach its loop top in %d ms",
                       e->index, DP_GUARD_WAIT_MS);
                break;
            }
            nanosleep(&nap, NULL);
        }
    }
}

/* Takes the place of the C library's munmap() for the whole process. */
int munmap(void *addr, size_t len)
{
    long rc;

    if (__atomic_load_n(&dp.guard_on, __ATOMIC_ACQUIRE) && !in_guard && !on_engine_thread()) {
        in_guard = true;
        guard_wait();
        in_guard = false;
    }
    rc = syscall(SYS_munmap, addr, len);
    return rc == 0 ? 0 : -1; /* syscall() has set errno */
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_port.c: ethdev ports. Each port gets one RX and one TX queue per
 * engine. What the driver profile asks for is checked against dev_info:
 * anything the port does not offer falls back to software, and the choice
 * is logged.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "dp.h"
#include "dp_rss.h"

/* "net_ixgbe" -> "ixgbe", "mlx5_pci" -> "mlx5". */
static void profile_name_of(const char *driver, char *out, size_t len)
{
    const char *s = driver;

    if (!strncmp(s, "net_", 4))
        s += 4;
    snprintf(out, len, "%s", s);
    char *us = strchr(out, '_');
    if (us != NULL && !strncmp(out, "mlx", 3))
        *us = '\0';
    if (!strcmp(out, "e1000_igb"))
        snprintf(out, len, "igb");
}

/*
 * Checksum offload emulation ([portN] emulate_csum_offload = yes), a test
 * aid for ports without SCTP CRC offload (virtual devices): the port is
 * treated as one that fills the CRC of packets flagged
 * RTE_MBUF_F_TX_SCTP_CKSUM and checks the CRC of what it receives, and
 * callbacks on its queues do that work the way such a NIC would, from
 * the l2_len and l3_len the engine set and from the headers it finds. So
 * the engine's offload paths (flags and lengths on TX, the GOOD and BAD
 * flags on RX) run, and a peer that checks CRCs (usrsctp) tells whether
 * what the engine asked for was right.
 */

static uint16_t emu_tx(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
                       void *arg)
{
    (void)port_id;
    (void)queue;
    (void)arg;
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = pkts[i];
        uint32_t off = m->l2_len + m->l3_len;

        if (!(m->ol_flags & RTE_MBUF_F_TX_SCTP_CKSUM))
            continue;
        /* A NIC fills the CRC of exactly what l2_len and l3_len point at:
         * wrong lengths give a wrong CRC, which the peer drops. */
        if (off + 12 <= m->data_len && off + 12 <= m->pkt_len)
            dp_sctp_crc_fill(m, off);
        m->ol_flags &= ~RTE_MBUF_F_TX_SCTP_CKSUM;
    }
    return n;
}

/* Where the SCTP packet of a frame is: 0 if it carries none (or only a
 * fragment of one). */
static uint32_t emu_sctp_at(const struct rte_mbuf *m, uint32_t *len)
{
    uint8_t buf[64];
    const uint8_t *f =
        rte_pktmbuf_read(m, 0, m->pkt_len < sizeof(buf) ? m->pkt_len : sizeof(buf), buf);
    uint32_t l2 = 14, have = m->pkt_len < sizeof(buf) ? m->pkt_len : sizeof(buf);
    uint16_t type;

    if (f == NULL || have < 14)
        return 0;
    type = (uint16_t)(f[12] << 8 | f[13]);
    if (type == RTE_ETHER_TYPE_VLAN && have >= 18) {
        type = (uint16_t)(f[16] << 8 | f[17]);
        l2 = 18;
    }
    if (type == RTE_ETHER_TYPE_IPV4 && have >= l2 + 20) {
        const uint8_t *ip = f + l2;
        uint32_t ihl = (ip[0] & 0xf) * 4u, tot = (uint32_t)(ip[2] << 8 | ip[3]);
        if (ip[9] != 132 || ihl < 20 || (ip[6] & 0x3f) != 0 || ip[7] != 0 || tot < ihl + 12 ||
            l2 + tot > m->pkt_len)
            return 0;
        *len = tot - ihl;
        return l2 + ihl;
    }
    if (type == RTE_ETHER_TYPE_IPV6 && have >= l2 + 40) {
        const uint8_t *ip = f + l2;
        uint32_t pl = (uint32_t)(ip[4] << 8 | ip[5]);
        if (ip[6] != 132 || pl < 12 || l2 + 40 + pl > m->pkt_len)
            return 0;
        *len = pl;
        return l2 + 40;
    }
    return 0;
}

static uint16_t emu_rx(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
                       uint16_t max, void *arg)
{
    (void)port_id;
    (void)queue;
    (void)max;
    (void)arg;
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = pkts[i];
        uint32_t len = 0, off = emu_sctp_at(m, &len);
        uint8_t got[4];
        const uint8_t *g;
        uint32_t want;

        m->ol_flags &= ~RTE_MBUF_F_RX_L4_CKSUM_MASK;
        if (off == 0)
            continue; /* RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN */
        g = rte_pktmbuf_read(m, off + 8, 4, got);
        want = dp_sctp_crc(m, off, len);
        m->ol_flags |= (uint32_t)(g[0] | g[1] << 8 | g[2] << 16 | (uint32_t)g[3] << 24) == want
                           ? RTE_MBUF_F_RX_L4_CKSUM_GOOD
                           : RTE_MBUF_F_RX_L4_CKSUM_BAD;
    }
    return n;
}

static int emu_install(struct dp_port *p, unsigned idx)
{
    for (uint16_t q = 0; q < p->nb_queues; q++) {
        if (rte_eth_add_tx_callback(p->port_id, q, emu_tx, NULL) == NULL ||
            rte_eth_add_rx_callback(p->port_id, q, emu_rx, NULL) == NULL) {
            DP_LOG(ERR, "port %u: checksum offload emulation: callbacks: %s", idx,
                   rte_strerror(rte_errno));
            return -1;
        }
    }
    p->csum_emulated = true;
    p->tx_sctp_csum = true;
    p->rx_l4_csum = true;
    DP_LOG(NOTICE, "port %u: SCTP CRC offload EMULATED by queue callbacks (a test aid)", idx);
    return 0;
}

/*
 * The IP MTU a port carries: the configured one within what dev_info
 * allows (max_mtu, and max_rx_pktlen less the driver's frame overhead, as
 * ethdev checks it) and what one RX buffer holds (no RX scatter is asked
 * for), as the port took it; if it refused, the port's own MTU. Each
 * change is logged. 0 (after an error) when that is below what SCTP needs.
 */
static uint16_t port_mtu(unsigned idx, const struct rte_eth_dev_info *info, uint16_t want)
{
    const struct dp_port *p = &dp.ports[idx];
    uint32_t mtu = want, room = UINT32_MAX, overhead;
    uint16_t cur = 0;
    int rc;

    if (info->max_mtu != 0 && mtu > info->max_mtu) {
        DP_LOG(WARNING, "port %u: MTU %u is above the port's maximum %u: using %u", idx, mtu,
               info->max_mtu, info->max_mtu);
        mtu = info->max_mtu;
    }
    overhead = info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu
                   ? info->max_rx_pktlen - info->max_mtu
                   : RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
    if (info->max_rx_pktlen > overhead && mtu + overhead > info->max_rx_pktlen) {
        DP_LOG(WARNING, "port %u: MTU %u makes frames longer than the port's %u bytes: using %u",
               idx, mtu, info->max_rx_pktlen, info->max_rx_pktlen - overhead);
        mtu = info->max_rx_pktlen - overhead;
    }
    for (unsigned q = 0; q < p->nb_queues; q++)
        room = RTE_MIN(room, dp_pool_room(dp.engines[q]->pool));
    if (mtu + dp_l2_len(idx) > room) {
        DP_LOG(WARNING, "port %u: MTU %u does not fit an RX buffer of %u bytes: using %u", idx, mtu,
               room, room - dp_l2_len(idx));
        mtu = room - dp_l2_len(idx);
    }
    rc = rte_eth_dev_set_mtu(p->port_id, (uint16_t)mtu);
    if (rc != 0) {
        if (rte_eth_dev_get_mtu(p->port_id, &cur) != 0 || cur == 0)
            cur = RTE_ETHER_MTU;
        if (cur < mtu) {
            DP_LOG(WARNING, "port %u: MTU %u not taken (%s): using the port's MTU %u", idx, mtu,
                   rte_strerror(-rc), cur);
            mtu = cur;
        }
    }
    if (mtu < 576) {
        DP_LOG(ERR, "port %u: MTU %u is below the 576 bytes SCTP needs", idx, mtu);
        return 0;
    }
    return (uint16_t)mtu;
}

static int port_setup(unsigned idx, uint16_t port_id, unsigned n_engines)
{
    struct dp_port *p = &dp.ports[idx];
    struct dp_port_conf *pc = &dp.conf.ports[idx];
    struct rte_eth_dev_info info;
    struct rte_eth_conf ec;
    char pname[32];
    int rc;

    memset(p, 0, sizeof(*p));
    p->port_id = port_id;
    p->used = true;
    rte_eth_dev_get_name_by_port(port_id, p->name);
    rc = rte_eth_dev_info_get(port_id, &info);
    if (rc != 0) {
        DP_LOG(ERR, "port %u: dev_info: %s", idx, rte_strerror(-rc));
        return rc;
    }
    snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
    if (strcmp(info.driver_name, "net_memif") == 0)
        dp_guard_enable("memif port"); /* dp_guard.c */
    if (pc->profile[0] != '\0')
        snprintf(pname, sizeof(pname), "%s", pc->profile);
    else
        profile_name_of(info.driver_name, pname, sizeof(pname));
    rc = dp_profile_load(dp.conf.profile_dir, pname, &p->prof);
    if (rc == -EINVAL)
        return 1; /* said on stderr, naming the key */
    if (rc == -ENOENT) {
        if (pc->profile[0] != '\0') {
            dp_config_error("profile of port %u: no file %s/%s.ini", idx, dp.conf.profile_dir,
                            pname);
            return 1;
        }
        DP_LOG(WARNING, "port %u (%s): no profile %s/%s.ini, using built-in defaults", idx,
               info.driver_name, dp.conf.profile_dir, pname);
    }

    if (info.max_rx_queues < n_engines || info.max_tx_queues < n_engines) {
        DP_LOG(ERR, "port %u (%s): %u engines need %u RX and TX queues, port has %u/%u", idx,
               p->name, n_engines, n_engines, info.max_rx_queues, info.max_tx_queues);
        return -EINVAL;
    }
    p->nb_queues = n_engines;
    p->max_segs = info.tx_desc_lim.nb_mtu_seg_max != 0 ? info.tx_desc_lim.nb_mtu_seg_max : 64;
    if (info.tx_desc_lim.nb_seg_max != 0 && info.tx_desc_lim.nb_seg_max < p->max_segs)
        p->max_segs = info.tx_desc_lim.nb_seg_max;
    if (!(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS))
        p->max_segs = 1;
    p->vlan = pc->vlan;

    /* Offloads: what the profile asks for, if the port has it. */
    memset(&ec, 0, sizeof(ec));
    if (p->prof.tx_sctp_csum && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_SCTP_CKSUM)) {
        p->tx_sctp_csum = true;
        p->tx_offloads |= RTE_ETH_TX_OFFLOAD_SCTP_CKSUM;
    }
    if (p->prof.tx_ip_csum && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)) {
        p->tx_ip_csum = true;
        p->tx_offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
    }
    if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
        p->tx_offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
    if (p->prof.rx_l4_csum && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCTP_CKSUM)) {
        p->rx_l4_csum = true;
        p->rx_offloads |= RTE_ETH_RX_OFFLOAD_SCTP_CKSUM;
    }
    if (p->prof.rx_ip_csum && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)) {
        p->rx_ip_csum = true;
        p->rx_offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
    }
    ec.txmode.offloads = p->tx_offloads;
    ec.rxmode.offloads = p->rx_offloads;
    if (n_engines > 1 && p->prof.rss && info.flow_type_rss_offloads != 0) {
        uint64_t want = RTE_ETH_RSS_IP;
        if (p->prof.rss_sctp)
            want |= RTE_ETH_RSS_NONFRAG_IPV4_SCTP | RTE_ETH_RSS_NONFRAG_IPV6_SCTP;
        p->rss_hf = want & info.flow_type_rss_offloads;
        p->rss_sctp =
            (p->rss_hf & (RTE_ETH_RSS_NONFRAG_IPV4_SCTP | RTE_ETH_RSS_NONFRAG_IPV6_SCTP)) != 0;
        if (p->rss_hf != 0) {
            ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
            ec.rx_adv_conf.rss_conf.rss_hf = p->rss_hf;
        }
    }
    if (p->prof.steering == DP_STEER_RSS && !p->rss_sctp && n_engines > 1)
        DP_LOG(NOTICE, "port %u: no SCTP RSS here: steering by mailbox redirection", idx);

    rc = rte_eth_dev_configure(port_id, n_engines, n_engines, &ec);
    if (rc != 0) {
        DP_LOG(ERR, "port %u (%s): configure: %s", idx, p->name, rte_strerror(-rc));
        return rc;
    }
    uint16_t nrx = p->prof.rx_desc, ntx = p->prof.tx_desc;
    rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nrx, &ntx);
    for (unsigned q = 0; q < n_engines; q++) {
        struct dp_engine *e = dp.engines[q];
        struct rte_eth_rxconf rxc = info.default_rxconf;
        struct rte_eth_txconf txc = info.default_txconf;

        rxc.offloads = ec.rxmode.offloads;
        txc.offloads = ec.txmode.offloads;
        rc = rte_eth_rx_queue_setup(port_id, q, nrx, rte_eth_dev_socket_id(port_id), &rxc, e->pool);
        if (rc == 0)
            rc = rte_eth_tx_queue_setup(port_id, q, ntx, rte_eth_dev_socket_id(port_id), &txc);
        if (rc != 0) {
            DP_LOG(ERR, "port %u (%s): queue %u setup: %s", idx, p->name, q, rte_strerror(-rc));
            return rc;
        }
    }
    if (pc->emulate_csum && emu_install(p, idx) != 0)
        return -1;
    p->mtu = port_mtu(idx, &info, pc->mtu);
    if (p->mtu == 0)
        return -EINVAL;
    rte_eth_macaddr_get(port_id, &p->mac);

    DP_LOG(INFO,
           "port %u (%s, driver %s, profile %s): queues %u, desc %u/%u, MTU %u, TX SCTP CRC %s, "
           "RX SCTP CRC %s, TX IPv4 csum %s, RSS %s, steering %s",
           idx, p->name, info.driver_name, p->prof.file, n_engines, nrx, ntx, p->mtu,
           p->tx_sctp_csum ? "offload" : "software",
           p->rx_l4_csum ? "offload (flags honoured)" : "software",
           p->tx_ip_csum ? "offload" : "software",
           p->rss_hf == 0 ? "off" : (p->rss_sctp ? "IP+SCTP ports" : "IP only"),
           (p->rss_sctp && p->prof.steering == DP_STEER_RSS) ? "rss+softrss" : "mailbox");
    if (p->prof.tx_sctp_csum && !p->tx_sctp_csum)
        DP_LOG(INFO, "port %u: profile asks TX SCTP CRC offload, the port lacks it: software", idx);
    return 0;
}

int dp_ports_init(unsigned n_engines)
{
    uint16_t pid;
    unsigned n = 0, avail = RTE_MIN(rte_eth_dev_count_avail(), (unsigned)DP_MAX_PORTS);
    int rc;

    if (avail == 0) {
        dp_config_error("no ethdev port: give one to EAL (e.g. --vdev=net_memif0 or a PCI "
                        "device)");
        return -2;
    }
    /* Addresses name ports by index: only now is it known which exist. */
    for (unsigned i = 0; i < dp.conf.n_addrs; i++) {
        if (dp.conf.addrs[i].port >= avail) {
            char b[64];
            dp_addr_str(&dp.conf.addrs[i].addr, b, sizeof(b));
            dp_config_error("%s: %s@%u: there is no port %u (EAL gave %u port%s)",
                            dp.conf.addrs_cli ? "--addr" : "[sctpdp] addr", b,
                            dp.conf.addrs[i].port, dp.conf.addrs[i].port, avail,
                            avail == 1 ? "" : "s");
            return -2;
        }
    }
    RTE_ETH_FOREACH_DEV(pid)
    {
        if (n >= DP_MAX_PORTS) {
            DP_LOG(WARNING, "more than %d ports: port %u ignored", DP_MAX_PORTS, pid);
            continue;
        }
        rc = port_setup(n, pid, n_engines);
        if (rc != 0)
            return rc > 0 ? -2 : -1;
        n++;
    }
    dp.n_ports = n;
    return 0;
}

static void read_rss(struct dp_port *p)
{
    struct rte_eth_rss_conf rc = {0};
    struct rte_eth_rss_reta_entry64 reta[512 / RTE_ETH_RETA_GROUP_SIZE];
    struct rte_eth_dev_info info;

    if (p->rss_hf == 0)
        return;
    rc.rss_key = p->rss_key;
    rc.rss_key_len = sizeof(p->rss_key);
    if (rte_eth_dev_rss_hash_conf_get(p->port_id, &rc) != 0)
        return;
    p->rss_key_len = rc.rss_key_len;
    if (rte_eth_dev_info_get(p->port_id, &info) != 0 || info.reta_size == 0 || info.reta_size > 512)
        return;
    memset(reta, 0, sizeof(reta));
    for (unsigned i = 0; i < info.reta_size; i++)
        reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ULL << (i % RTE_ETH_RETA_GROUP_SIZE);
    if (rte_eth_dev_rss_reta_query(p->port_id, reta, info.reta_size) != 0)
        return;
    for (unsigned i = 0; i < info.reta_size; i++)
        p->reta[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
    p->reta_size = info.reta_size;
}

int dp_ports_start(void)
{
    for (unsigned i = 0; i < dp.n_ports; i++) {
        struct dp_port *p = &dp.ports[i];
        int rc = rte_eth_dev_start(p->port_id);

        if (rc != 0) {
            DP_LOG(ERR, "port %u (%s): start: %s", i, p->name, rte_strerror(-rc));
            return -1;
        }
        if (p->prof.promisc)
            rte_eth_promiscuous_enable(p->port_id);
        else
            rte_eth_allmulticast_enable(p->port_id);
        read_rss(p);
        DP_LOG(INFO, "port %u (%s) started, MAC " RTE_ETHER_ADDR_PRT_FMT, i, p->name,
               RTE_ETHER_ADDR_BYTES(&p->mac));
    }
    return 0;
}

void dp_ports_close(void)
{
    for (unsigned i = 0; i < dp.n_ports; i++) {
        struct dp_port *p = &dp.ports[i];
        int rc = rte_eth_dev_stop(p->port_id);

        if (rc != 0)
            DP_LOG(WARNING, "port %u: stop: %s", i, rte_strerror(-rc));
        rte_eth_dev_close(p->port_id);
        p->used = false;
    }
}

int dp_port_softrss_engine(unsigned port, const struct sctp_addr *peer,
                           const struct sctp_addr *local, uint16_t peer_port, uint16_t local_port)
{
    const struct dp_port *p = &dp.ports[port];
    uint32_t hash;

    if (!p->rss_sctp || p->prof.steering != DP_STEER_RSS || p->reta_size == 0 ||
        p->rss_key_len < 40)
        return -1;
    /* The tuple of what the peer sends us: source peer, destination us. */
    hash = dp_rss_hash(peer, local, peer_port, local_port, p->rss_key);
    return p->reta[hash % p->reta_size] % dp.n_engines;
}

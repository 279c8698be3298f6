/* The protocol core must not depend on DPDK (see dataplane/sctp/meson.build). */
#error "dataplane/sctp is sans-IO: no rte_*.h may be included here"

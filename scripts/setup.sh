#!/usr/bin/env bash
# Prepares a Debian 12 machine for building and running sctpdp.
#
#   sudo bash scripts/setup.sh
#
# - installs the Debian packages the build and the tests need, only those
#   missing (apt-get update runs once, and only if something is missing);
# - makes sure at least SCTPDP_HUGEPAGES 2 MiB hugepages exist (default
#   1024) and that hugetlbfs is mounted at /dev/hugepages.
#
# Idempotent: a second run changes nothing. A hugepage shortfall is a
# warning, not an error (the core, the tests and the benchmark do not need
# hugepages; only the DPDK daemon does).
set -euo pipefail

HUGEPAGES="${SCTPDP_HUGEPAGES:-1024}"
HUGEPAGE_MOUNT="/dev/hugepages"

PACKAGES=(
    build-essential meson ninja-build pkg-config
    clang clang-format libclang-rt-14-dev
    libisal-dev libcunit1-dev libusrsctp-dev
    dpdk dpdk-dev libdpdk-dev libnuma-dev
    python3 python3-scapy tshark iproute2 iputils-ping procps bc ethtool
)

log() {
    printf 'setup: %s\n' "$*"
}

warn() {
    printf 'setup: warning: %s\n' "$*" >&2
}

is_installed() {
    local status
    status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)"
    [[ "$status" == ii* ]]
}

install_packages() {
    local missing=() pkg
    for pkg in "${PACKAGES[@]}"; do
        if ! is_installed "$pkg"; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "packages: all ${#PACKAGES[@]} present"
        return 0
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        printf 'setup: missing packages (%s) and not root: run as root\n' "${missing[*]}" >&2
        return 1
    fi
    log "packages: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; answer no up front.
    echo 'wireshark-common wireshark-common/install-setuid boolean false' |
        debconf-set-selections
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# The sysfs knob for 2 MiB pages; /proc/sys/vm/nr_hugepages when 2 MiB is
# the default size (it is on x86_64 and arm64 with 4 KiB base pages).
hugepage_knob() {
    local size_kb
    size_kb="$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo 2>/dev/null || true)"
    if [[ "$size_kb" == "2048" && -e /proc/sys/vm/nr_hugepages ]]; then
        echo /proc/sys/vm/nr_hugepages
    elif [[ -e /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages ]]; then
        echo /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
    fi
}

setup_hugepages() {
    local knob current got
    knob="$(hugepage_knob)"
    if [[ -z "$knob" ]]; then
        warn "hugepages: no 2 MiB hugepage support in this kernel"
        return 0
    fi
    current="$(cat "$knob" 2>/dev/null || echo 0)"
    if [[ "$current" -ge "$HUGEPAGES" ]]; then
        log "hugepages: $current x 2 MiB present (want >= $HUGEPAGES), unchanged"
    else
        if { echo "$HUGEPAGES" >"$knob"; } 2>/dev/null; then
            got="$(cat "$knob" 2>/dev/null || echo 0)"
            if [[ "$got" -ge "$HUGEPAGES" ]]; then
                log "hugepages: raised $current -> $got x 2 MiB via $knob"
            else
                warn "hugepages: asked for $HUGEPAGES x 2 MiB, kernel gave $got (memory fragmented?)"
            fi
        else
            warn "hugepages: cannot write $knob (not root, or read-only /proc/sys); have $current"
        fi
    fi

    if grep -qs " $HUGEPAGE_MOUNT hugetlbfs " /proc/mounts; then
        log "hugepages: hugetlbfs already mounted at $HUGEPAGE_MOUNT"
    elif mkdir -p "$HUGEPAGE_MOUNT" 2>/dev/null &&
        mount -t hugetlbfs -o pagesize=2M nodev "$HUGEPAGE_MOUNT" 2>/dev/null; then
        log "hugepages: mounted hugetlbfs at $HUGEPAGE_MOUNT"
    else
        warn "hugepages: cannot mount hugetlbfs at $HUGEPAGE_MOUNT"
    fi
}

install_packages
setup_hugepages
log "done"

/* SPDX-License-Identifier: BSD-3-Clause */
/* sctp_mem.h: the injected allocator and payload reference callbacks. */
#ifndef SCTP_MEM_H
#define SCTP_MEM_H

#include <stdlib.h>
#include <string.h>

#include "sctp.h"

static inline void *sctp_mem_alloc(const struct sctp_callbacks *cb, size_t size)
{
    return cb->alloc ? cb->alloc(cb->user, size) : malloc(size);
}
static inline void *sctp_mem_calloc(const struct sctp_callbacks *cb, size_t size)
{
    void *p = sctp_mem_alloc(cb, size);
    if (p)
        memset(p, 0, size);
    return p;
}
static inline void sctp_mem_free(const struct sctp_callbacks *cb, void *p)
{
    if (!p)
        return;
    if (cb->free)
        cb->free(cb->user, p);
    else
        free(p);
}
static inline void sctp_payload_ref(const struct sctp_callbacks *cb, void *h)
{
    if (h && cb->payload_ref)
        cb->payload_ref(cb->user, h);
}
static inline void sctp_payload_unref(const struct sctp_callbacks *cb, void *h)
{
    if (h && cb->payload_unref)
        cb->payload_unref(cb->user, h);
}

static inline void sctp_payload_ref_n(const struct sctp_callbacks *cb, void *h, uint32_t n)
{
    if (!h || n == 0)
        return;
    if (cb->payload_ref_n)
        cb->payload_ref_n(cb->user, h, n);
    else if (cb->payload_ref)
        for (uint32_t i = 0; i < n; i++)
            cb->payload_ref(cb->user, h);
}
static inline void sctp_payload_unref_n(const struct sctp_callbacks *cb, void *h, uint32_t n)
{
    if (!h || n == 0)
        return;
    if (cb->payload_unref_n)
        cb->payload_unref_n(cb->user, h, n);
    else if (cb->payload_unref)
        for (uint32_t i = 0; i < n; i++)
            cb->payload_unref(cb->user, h);
}

#endif

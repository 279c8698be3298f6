/* SPDX-License-Identifier: BSD-3-Clause */
/* One CUnit suite per module; each test_<module>.c defines its register. */
#ifndef TESTS_SUITES_H
#define TESTS_SUITES_H

#include <CUnit/CUnit.h>

#define SUITES(X)                                                                                  \
    X(codec)                                                                                       \
    X(crc32c)                                                                                      \
    X(cookie)                                                                                      \
    X(tsnmap)                                                                                      \
    X(reasm)                                                                                       \
    X(rto)                                                                                         \
    X(cc)                                                                                          \
    X(sendq)                                                                                       \
    X(path)                                                                                        \
    X(assoc)                                                                                       \
    X(endpoint)

#define DECLARE_SUITE(name) int test_##name##_register(void);
SUITES(DECLARE_SUITE)

/* Adds a suite with the given tests; returns CUE_SUCCESS or an error. */
#define TEST_SUITE_BEGIN(name)                                                                     \
    int test_##name##_register(void)                                                               \
    {                                                                                              \
        CU_pSuite s = CU_add_suite(#name, NULL, NULL);                                             \
        if (!s)                                                                                    \
            return CU_get_error();
#define TEST_CASE(fn)                                                                              \
    if (!CU_add_test(s, #fn, fn))                                                                  \
        return CU_get_error();
#define TEST_SUITE_END()                                                                           \
    return CUE_SUCCESS;                                                                            \
    }

#endif

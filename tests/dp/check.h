/* SPDX-License-Identifier: BSD-3-Clause */
/* check.h: the dp tests' CHECK(): counts a check, and prints a failed one
 * with its function, line and message. */
#ifndef DP_TEST_CHECK_H
#define DP_TEST_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: ", __func__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#include "suites.h"

TEST_SUITE_BEGIN(crc32c)
TEST_SUITE_END()

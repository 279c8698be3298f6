/* SPDX-License-Identifier: BSD-3-Clause */
/* The unit test runner: registers every module's suite and runs them. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "suites.h"

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define REGISTER(name)                                                                             \
    if (test_##name##_register() != CUE_SUCCESS) {                                                 \
        fprintf(stderr, "cannot register suite %s\n", #name);                                      \
        return 2;                                                                                  \
    }
    SUITES(REGISTER)
    CU_basic_set_mode(argc > 1 && strcmp(argv[1], "-v") == 0 ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}

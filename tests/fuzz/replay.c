/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs a fuzz target over a saved corpus without libFuzzer, so that the
 * corpus replays as an ordinary test with any compiler. Arguments are
 * directories (every regular file in them is one input) or single files.
 * Fails if an argument cannot be read or no input was found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns 0 after running the file, -1 if it cannot be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int err = buf == NULL || ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "%s: read failed\n", path);
        free(buf);
        return -1;
    }
    /* An exact-size copy, as libFuzzer passes it, so that the sanitizers
     * catch a read one byte past the input. */
    uint8_t *exact = malloc(len ? len : 1);
    if (exact == NULL) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

/* Returns the number of inputs run, or -1. */
static long run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path) == 0 ? 1 : -1;

    DIR *d = opendir(path);
    if (d == NULL) {
        perror(path);
        return -1;
    }
    long count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char file[4096];
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(file, sizeof(file), "%s/%s", path, e->d_name) >= (int)sizeof(file))
            continue;
        if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (run_file(file) != 0) {
            count = -1;
            break;
        }
        count++;
    }
    closedir(d);
    return count;
}

int main(int argc, char **argv)
{
    long total = 0;

    for (int i = 1; i < argc; i++) {
        long n = run_path(argv[i]);
        if (n < 0)
            return 1;
        total += n;
    }
    printf("replayed %ld inputs\n", total);
    return total > 0 ? 0 : 1;
}

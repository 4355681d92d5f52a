/* tests/record/record_util.c - fixtures and JSON helpers for record tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_util.h"

const char *const fixture_names[N_FIXTURES] = {
    "Versie_Botsford_56121408-15fe-47a5-8279-6f05dee51464.json",
    "Trey_Berge_99153850-84f1-4de6-9e19-3e0d6eeedeb2.json",
    "Parker_Casper_6d0c6969-6843-47e1-9921-d9bf11b1df31.json",
    "Rudolf_Weber_a4b93263-c55f-4d39-8c4e-31dfba932181.json",
};

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        goto out;
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = 0;
    if (len)
        *len = (size_t)n;
out:
    fclose(f);
    return buf;
}

char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/fhir/%s", CK_TEST_DATA, name);
    return read_file(path, len);
}

int load_fixture(const char *name, ck_fhir_sections *out)
{
    size_t len;
    char *buf = read_fixture(name, &len);
    ck_fhir_error err;
    int rc;
    if (!buf)
        return -1;
    rc = ck_fhir_split(out, buf, len, &err) == CK_FHIR_OK ? 0 : -1;
    if (rc)
        fprintf(stderr, "split %s: %s\n", name, err.msg);
    free(buf);
    return rc;
}

void for_each_string(const json_t *v, void (*fn)(const char *s, void *ctx), void *ctx)
{
    size_t i;
    const char *k;
    json_t *c;
    if (json_is_string(v)) {
        fn(json_string_value(v), ctx);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            for_each_string(c, fn, ctx);
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, c) {
            fn(k, ctx);
            for_each_string(c, fn, ctx);
        }
    }
}

size_t count_key(const json_t *v, const char *key)
{
    size_t i, n = 0;
    const char *k;
    json_t *c;
    if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            n += count_key(c, key);
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, c) {
            if (!strcmp(k, key))
                n++;
            n += count_key(c, key);
        }
    }
    return n;
}

char *dump_sections(const ck_fhir_sections *s)
{
    json_t *all = json_array();
    char *out;
    unsigned i;
    for (i = 0; i < CK_SECTION_COUNT; i++)
        if (s->section[i])
            json_array_append(all, s->section[i]);
    out = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(all);
    return out;
}

int has_full_date(const char *s)
{
    size_t i, n = strlen(s);
#define D(c) ((c) >= '0' && (c) <= '9')
    for (i = 0; i + 10 <= n; i++)
        if (D(s[i]) && D(s[i + 1]) && D(s[i + 2]) && D(s[i + 3]) && s[i + 4] == '-' && D(s[i + 5]) &&
            D(s[i + 6]) && s[i + 7] == '-' && D(s[i + 8]) && D(s[i + 9]))
            return 1;
#undef D
    return 0;
}

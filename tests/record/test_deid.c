/* tests/record/test_deid.c - HIPAA Safe Harbor de-identification. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "record_util.h"

/* ---- collecting identifying strings from the SOURCE bundle ------------ */
typedef struct ids {
    json_t *strings; /* set of identifying strings */
    double nums[64];
    size_t n_nums;
} ids;

static void add(ids *x, const char *s)
{
    if (s && strlen(s) >= 4)
        json_object_set_new(x->strings, s, json_true());
}

static void add_all_strings(const char *s, void *ctx)
{
    add(ctx, s);
}

static void add_dates(const char *s, void *ctx)
{
    char d[11];
    size_t i, n = strlen(s);
    for (i = 0; i + 10 <= n; i++) {
        memcpy(d, s + i, 10);
        d[10] = 0;
        if (has_full_date(d))
            add(ctx, d);
    }
}

static void collect_resource(ids *x, const json_t *r)
{
    const char *type = json_string_value(json_object_get(r, "resourceType"));
    json_t *e, *f, *g;
    size_t i, j, k;

    add(x, json_string_value(json_object_get(r, "id")));
    if (!strcmp(type, "Organization") || !strcmp(type, "Location"))
        add(x, json_string_value(json_object_get(r, "name")));
    json_array_foreach(json_object_get(r, "name"), i, e) {
        add(x, json_string_value(json_object_get(e, "family")));
        add(x, json_string_value(json_object_get(e, "text")));
        for_each_string(json_object_get(e, "given"), add_all_strings, x);
        for_each_string(json_object_get(e, "prefix"), add_all_strings, x);
    }
    json_array_foreach(json_object_get(r, "address"), i, e) {
        for_each_string(json_object_get(e, "line"), add_all_strings, x);
        add(x, json_string_value(json_object_get(e, "city")));
        add(x, json_string_value(json_object_get(e, "postalCode")));
        json_array_foreach(json_object_get(e, "extension"), j, f)        /* geolocation */
            json_array_foreach(json_object_get(f, "extension"), k, g)
                if (json_is_number(json_object_get(g, "valueDecimal")) && x->n_nums < 64)
                    x->nums[x->n_nums++] = json_number_value(json_object_get(g, "valueDecimal"));
    }
    json_array_foreach(json_object_get(r, "telecom"), i, e)
        add(x, json_string_value(json_object_get(e, "value")));
    json_array_foreach(json_object_get(r, "identifier"), i, e)            /* SSN, MRN, DL, passport, ... */
        add(x, json_string_value(json_object_get(e, "value")));
    json_array_foreach(json_object_get(r, "extension"), i, e) {
        const char *url = json_string_value(json_object_get(e, "url"));
        if (url && strstr(url, "mothersMaidenName"))
            add(x, json_string_value(json_object_get(e, "valueString")));
        if (url && strstr(url, "birthPlace"))
            add(x, json_string_value(json_object_get(json_object_get(e, "valueAddress"), "city")));
    }
    add(x, json_string_value(json_object_get(r, "birthDate")));
    for_each_string(r, add_dates, x); /* every full date anywhere */
}

static void collect(ids *x, const char *raw, size_t len)
{
    json_error_t je;
    json_t *b = json_loadb(raw, len, 0, &je), *e;
    size_t i;
    x->strings = json_object();
    x->n_nums = 0;
    json_array_foreach(json_object_get(b, "entry"), i, e) {
        add(x, json_string_value(json_object_get(e, "fullUrl")));
        collect_resource(x, json_object_get(e, "resource"));
    }
    json_decref(b);
}

static void find_numbers(const json_t *v, const ids *x, size_t *hits)
{
    size_t i, k;
    const char *key;
    json_t *c;
    if (json_is_number(v)) {
        for (k = 0; k < x->n_nums; k++)
            if (fabs(json_number_value(v) - x->nums[k]) < 1e-9)
                (*hits)++;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            find_numbers(c, x, hits);
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, c)
            find_numbers(c, x, hits);
    }
}

/* ---- deterministic random sources for tests --------------------------- */
typedef struct xs {
    uint64_t s;
    int fail_after;
} xs;

static int xs_rand(void *ctx, uint8_t *buf, size_t n)
{
    xs *x = ctx;
    size_t i;
    if (x->fail_after >= 0 && x->fail_after-- == 0)
        return -1;
    for (i = 0; i < n; i++) {
        x->s ^= x->s << 13;
        x->s ^= x->s >> 7;
        x->s ^= x->s << 17;
        buf[i] = (uint8_t)(x->s >> 24);
    }
    return 0;
}

/* All string values and keys of v, joined by newlines: identifiers are
 * searched here, not in the serialized numbers (265.51999999999998
 * contains "99999999999", a claim-group identifier). */
typedef struct joined {
    json_t *acc;       /* free strings: searched for identifiers as substrings */
    json_t *pseudonyms; /* random UUIDs / 2.25 UIDs: compared whole (a random
                          hex or decimal string may contain "01833" by chance) */
} joined;

static int is_pseudonym(const char *s)
{
    size_t i;
    if (!strncmp(s, "urn:uuid:", 9))
        s += 9;
    if (strlen(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-')
        return 1;
    if (strncmp(s, "2.25.", 5))
        return 0;
    for (i = 5; s[i]; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return i > 5;
}

static void join_string(const char *s, void *ctx)
{
    joined *j = ctx;
    if (is_pseudonym(s))
        json_object_set_new(j->pseudonyms, s, json_true());
    else
        json_array_append_new(j->acc, json_string(s));
}

static char *all_strings(const ck_fhir_sections *s, json_t *pseudonyms)
{
    json_t *acc = json_array(), *v;
    joined j = {acc, pseudonyms};
    size_t i, n = 1, o = 0;
    char *out;
    for (i = 0; i < CK_SECTION_COUNT; i++)
        if (s->section[i])
            for_each_string(s->section[i], join_string, &j);
    json_array_foreach(acc, i, v)
        n += json_string_length(v) + 1;
    out = malloc(n);
    json_array_foreach(acc, i, v) {
        memcpy(out + o, json_string_value(v), json_string_length(v));
        o += json_string_length(v);
        out[o++] = '\n';
    }
    out[o] = 0;
    json_decref(acc);
    return out;
}

static const json_t *patient_of(const ck_fhir_sections *s)
{
    return json_object_get(json_array_get(s->section[CK_SECTION_DEMOGRAPHICS], 0), "resource");
}

static void test_fixture(const char *name, int is_trey)
{
    ck_fhir_sections in, out, out2;
    ck_fhir_error err;
    ck_deid_options opt = {0};
    ids x;
    size_t len, leaks = 0, hits = 0, i;
    char *raw = read_fixture(name, &len), *text, *strs;
    const char *k;
    json_t *v, *bundle, *pseudo;
    const json_t *p;

    if (!raw || load_fixture(name, &in)) {
        CHECK(0, "load %s", name);
        free(raw);
        return;
    }
    collect(&x, raw, len);
    CHECK(json_object_size(x.strings) > 100, "%s: %zu identifying strings", name, json_object_size(x.strings));
    CHECK(x.n_nums == 2, "%s: lat/long collected", name);

    opt.ref_year = 2025; /* OpenSSL randomness */
    CHECK(ck_deid_research(&out, &in, &opt, &err) == CK_FHIR_OK, "deid %s: %s", name, err.msg);
    CHECK(ck_fhir_sections_count(&out) == ck_fhir_sections_count(&in), "same number of resources");
    text = dump_sections(&out);
    pseudo = json_object();
    strs = all_strings(&out, pseudo);
    CHECK(json_object_size(pseudo) >= ck_fhir_sections_count(&in), "%s: pseudonyms found", name);
    json_object_foreach(x.strings, k, v) {
        if (strstr(strs, k) || json_object_get(pseudo, k)) {
            if (leaks++ < 10)
                fprintf(stderr, "  leaked identifier of length %zu\n", strlen(k));
        }
    }
    CHECK(leaks == 0, "%s: %zu identifying strings in the research view", name, leaks);
    CHECK(!has_full_date(text), "%s: no YYYY-MM-DD left", name);
    for (i = 0; i < CK_SECTION_COUNT; i++)
        if (out.section[i])
            find_numbers(out.section[i], &x, &hits);
    CHECK(hits == 0, "%s: latitude/longitude left", name);
    CHECK(!strstr(text, "\"div\"") && !strstr(text, "\"telecom\"") && !strstr(text, "\"identifier\"") &&
          !strstr(text, "geolocation") && !strstr(text, "mothersMaidenName") && !strstr(text, "birthPlace") &&
          !strstr(text, "\"line\"") && !strstr(text, "\"city\""), "%s: removed elements", name);
    /* clinical content is kept */
    CHECK(strstr(text, "\"valueQuantity\"") && strstr(text, "http://loinc.org") && strstr(text, "http://snomed.info/sct"),
          "%s: codes and values kept", name);

    p = patient_of(&out);
    CHECK(!json_object_get(p, "name") && !json_object_get(p, "telecom") && !json_object_get(p, "text"), "patient stripped");
    {
        const json_t *a = json_array_get(json_object_get(p, "address"), 0);
        const char *zip = json_string_value(json_object_get(a, "postalCode"));
        CHECK(a && !strcmp(json_string_value(json_object_get(a, "state")), "Massachusetts"), "state kept");
        CHECK(zip && strlen(zip) == 3, "ZIP3 kept");
    }
    if (is_trey) {
        json_t *ext;
        int group = 0;
        CHECK(!json_object_get(p, "birthDate"), "Trey: birthDate removed (age 90+)");
        CHECK(json_object_get(p, "_birthDate") != NULL, "Trey: birthDate marked absent (masked)");
        json_array_foreach(json_object_get(p, "extension"), i, ext)
            if (json_is_string(json_object_get(ext, "valueString")) &&
                !strcmp(json_string_value(json_object_get(ext, "valueString")), "90+"))
                group = 1;
        CHECK(group, "Trey: 90+ age group");
        CHECK(!strstr(text, "\"1913\""), "Trey: birth year gone");
    } else {
        const char *bd = json_string_value(json_object_get(p, "birthDate"));
        CHECK(bd && strlen(bd) == 4, "%s: birth year only", name);
    }
    /* references resolve within the research view */
    CHECK(ck_fhir_export(&bundle, &out, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export research");
    {
        char *bt = json_dumps(bundle, JSON_COMPACT);
        json_t *e, *urls = json_object();
        size_t refs = count_key(bundle, "reference");
        json_array_foreach(json_object_get(bundle, "entry"), i, e)
            json_object_set_new(urls, json_string_value(json_object_get(e, "fullUrl")), json_true());
        CHECK(json_object_size(urls) == ck_fhir_sections_count(&in), "unique pseudonyms");
        CHECK(refs > 100, "%s: references kept (%zu)", name, refs);
        free(bt);
        json_decref(urls);
    }
    json_decref(bundle);

    /* a second run gives different pseudonyms */
    CHECK(ck_deid_research(&out2, &in, &opt, &err) == CK_FHIR_OK, "second run");
    {
        const char *id1 = json_string_value(json_object_get(patient_of(&out), "id"));
        const char *id2 = json_string_value(json_object_get(patient_of(&out2), "id"));
        const char *orig = json_string_value(json_object_get(patient_of(&in), "id"));
        CHECK(id1 && id2 && strcmp(id1, id2) && strcmp(id1, orig), "%s: pseudonyms differ between runs", name);
    }
    ck_fhir_sections_clear(&out2);
    ck_fhir_sections_clear(&out);
    ck_fhir_sections_clear(&in);
    json_decref(x.strings);
    json_decref(pseudo);
    free(strs);
    free(text);
    free(raw);
}

static void test_zip(void)
{
    static const char *const restricted[] = {"036", "059", "063", "102", "203", "556", "692", "790", "821",
                                             "823", "830", "831", "878", "879", "884", "890", "893"};
    char z[4], pc[6];
    size_t i;
    CHECK(ck_deid_zip3(z, "01833") == 0 && !strcmp(z, "018"), "01833 -> 018");
    CHECK(ck_deid_zip3(z, "02134-1234") == 0 && !strcmp(z, "021"), "ZIP+4");
    for (i = 0; i < sizeof restricted / sizeof restricted[0]; i++) {
        snprintf(pc, sizeof pc, "%s42", restricted[i]);
        CHECK(ck_deid_zip3(z, pc) == 0 && !strcmp(z, "000"), "%s -> 000", pc);
    }
    CHECK(ck_deid_zip3(z, "8901") == -1, "short");
    CHECK(ck_deid_zip3(z, "018") == 0 && !strcmp(z, "018"), "a ZIP3 stays (research reports de-identify again)");
    CHECK(ck_deid_zip3(z, "059") == 0 && !strcmp(z, "000"), "a restricted ZIP3 becomes 000");
    CHECK(ck_deid_zip3(z, "01") == -1 && ck_deid_zip3(z, "0183") == -1, "two or four digits");
    CHECK(ck_deid_zip3(z, "SW1A 1AA") == -1, "not US");
    CHECK(ck_deid_zip3(z, "018330") == -1, "six digits");
}

static void test_rules(void)
{
    const char *j =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"birthDate\":\"1930-02-03\","
        " \"deceasedDateTime\":\"2021-06-01T10:00:00Z\",\"photo\":[{\"data\":\"AAAA\"}],"
        " \"contact\":[{\"name\":{\"family\":\"Kinsman\"}}],\"address\":[{\"line\":[\"1 Main\"],\"city\":\"Tinytown\","
        " \"postalCode\":\"05901\",\"state\":\"VT\",\"country\":\"US\",\"period\":{\"start\":\"2001-01-01\"}}]}},"
        "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"obs-1\",\"subject\":{\"reference\":\"Patient/pat-1\",\"display\":\"Jane Kinsman\"},"
        " \"performer\":[{\"display\":\"Dr. Hidden Person\"}],\"note\":[{\"text\":\"called Jane at home\"}],"
        " \"effectivePeriod\":{\"start\":\"2020-03-04T05:06:07+01:00\",\"end\":\"2020-03\"},\"valueQuantity\":{\"value\":7.5,\"unit\":\"mmol/L\"},"
        " \"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2345-7\",\"display\":\"Glucose\"}]},"
        " \"extension\":[{\"url\":\"http://example.org/x\",\"valueDateTime\":\"2019-12-31T23:59:59Z\"}],"
        " \"hasMember\":[{\"reference\":\"Observation/not-here\"}],\"meta\":{\"source\":\"http://hosp/x\",\"lastUpdated\":\"2020-01-01T00:00:00Z\"}}},"
        "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c1\",\"onsetAge\":{\"value\":93,\"unit\":\"a\"},"
        " \"subject\":{\"reference\":\"Patient/pat-1\"}}},"
        "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c2\",\"onsetAge\":{\"value\":1E400,\"unit\":\"a\"}}},"
        "{\"resource\":{\"resourceType\":\"ImagingStudy\",\"id\":\"i1\",\"series\":[{\"uid\":\"1.2.840.1234.5678\",\"instance\":[{\"uid\":\"1.2.840.1234.5679\"}]}]}}"
        "]}";
    ck_fhir_sections in, out;
    ck_fhir_error err;
    xs r = {88172645463325252ull, -1};
    ck_deid_options opt = {xs_rand, &r, 2025};
    char *text;
    const json_t *obs, *pat, *cond, *img;

    CHECK(ck_fhir_split(&in, j, strlen(j), &err) == CK_FHIR_OK, "split rules: %s", err.msg);
    CHECK(ck_deid_research(&out, &in, &opt, &err) == CK_FHIR_OK, "deid rules: %s", err.msg);
    text = dump_sections(&out);
    CHECK(text && !strstr(text, "Kinsman") && !strstr(text, "Tinytown") && !strstr(text, "1 Main") &&
          !strstr(text, "Hidden") && !strstr(text, "called Jane") && !strstr(text, "AAAA") &&
          !strstr(text, "pat-1") && !strstr(text, "obs-1") && !strstr(text, "http://hosp") &&
          !strstr(text, "1.2.840.1234"), "rule removals");
    CHECK(!has_full_date(text) && !strstr(text, "2020-03"), "dates to years");
    pat = patient_of(&out);
    /* deceased at 91: ages are computed at death */
    CHECK(!json_object_get(pat, "birthDate"), "age at death over 89 masked");
    CHECK(!strcmp(json_string_value(json_object_get(pat, "deceasedDateTime")), "2021"), "death year");
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(json_object_get(pat, "address"), 0), "postalCode")), "000"),
          "restricted ZIP prefix 059 -> 000");
    obs = json_object_get(json_array_get(out.section[CK_SECTION_RESULTS], 0), "resource");
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(obs, "effectivePeriod"), "start")), "2020"), "period start");
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(obs, "effectivePeriod"), "end")), "2020"), "period end");
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(json_object_get(obs, "extension"), 0), "valueDateTime")), "2019"),
          "extension date");
    {
        const char *lex = ck_fhir_json_lexeme(json_object_get(json_object_get(obs, "valueQuantity"), "value"));
        CHECK(lex && !strcmp(lex, "7.5"), "value kept, digit for digit");
    }
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(obs, "code"), "coding"), 0), "code")), "2345-7"),
          "code kept");
    {
        char want[80];
        snprintf(want, sizeof want, "urn:uuid:%s", json_string_value(json_object_get(pat, "id")));
        CHECK(!strcmp(json_string_value(json_object_get(json_object_get(obs, "subject"), "reference")), want),
              "reference follows the pseudonym");
        CHECK(!json_object_get(json_object_get(obs, "subject"), "display"), "person display dropped");
    }
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(json_object_get(obs, "hasMember"), 0), "display")), "withheld"),
          "unresolvable reference withheld");
    cond = json_object_get(json_array_get(out.section[CK_SECTION_PROBLEMS], 0), "resource");
    CHECK(json_integer_value(json_object_get(json_object_get(cond, "onsetAge"), "value")) == 90 &&
          !strcmp(json_string_value(json_object_get(json_object_get(cond, "onsetAge"), "comparator")), ">="), "onsetAge 93 -> >=90");
    /* beyond double's range, still an age over 89 */
    cond = json_object_get(json_array_get(out.section[CK_SECTION_PROBLEMS], 1), "resource");
    CHECK(json_integer_value(json_object_get(json_object_get(cond, "onsetAge"), "value")) == 90, "onsetAge 1E400 -> >=90");
    img = json_object_get(json_array_get(out.section[CK_SECTION_RESULTS], 1), "resource");
    CHECK(!strncmp(json_string_value(json_object_get(json_array_get(json_object_get(img, "series"), 0), "uid")), "2.25.", 5),
          "UID pseudonym");
    free(text);
    ck_fhir_sections_clear(&out);

    /* failing random source */
    r.fail_after = 2;
    CHECK(ck_deid_research(&out, &in, &opt, &err) == CK_FHIR_ERR_RANDOM, "random failure reported");
    CHECK(out.section[0] == NULL, "nothing on failure");
    /* missing sections stay missing */
    json_decref(in.section[CK_SECTION_RESULTS]);
    in.section[CK_SECTION_RESULTS] = NULL;
    r.fail_after = -1;
    CHECK(ck_deid_research(&out, &in, &opt, &err) == CK_FHIR_OK, "partial deid");
    CHECK(out.section[CK_SECTION_RESULTS] == NULL && out.section[CK_SECTION_DEMOGRAPHICS] != NULL, "unavailable stays unavailable");
    ck_fhir_sections_clear(&out);
    ck_fhir_sections_clear(&in);
}

int main(void)
{
    size_t f;
    for (f = 0; f < N_FIXTURES; f++)
        test_fixture(fixture_names[f], strstr(fixture_names[f], "Trey") != NULL);
    test_zip();
    test_rules();
    TEST_MAIN_END();
}

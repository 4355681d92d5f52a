/*
 * src/care/care_clinical.c - what clinicians write into a patient's record
 * besides encounters (docs/CARE.md): diagnoses (Condition), vital signs and
 * laboratory results (Observation) and clinical notes (DocumentReference).
 *
 * Codes are checked before anything is written, because a wrong code in a
 * record is worse than a refused command: SNOMED CT concept ids carry a
 * Verhoeff check digit, LOINC codes a mod-10 (Luhn) check digit, ICD-10
 * codes have a fixed shape and UCUM units a grammar. Vital signs must lie
 * in a physiologically possible range (a temperature of 80 is a typo or
 * the wrong unit, not a fever).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/care_internal.h"
#include "carekey/wire.h"

#define SNOMED "http://snomed.info/sct"
#define ICD10 "http://hl7.org/fhir/sid/icd-10"
#define LOINC "http://loinc.org"
#define UCUM "http://unitsofmeasure.org"
#define COND_CLINICAL "http://terminology.hl7.org/CodeSystem/condition-clinical"
#define COND_VERIFY "http://terminology.hl7.org/CodeSystem/condition-ver-status"
#define COND_CATEGORY "http://terminology.hl7.org/CodeSystem/condition-category"
#define OBS_CATEGORY "http://terminology.hl7.org/CodeSystem/observation-category"
#define DOC_CATEGORY "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
#define NOTE_CONTENT_TYPE "text/plain; charset=utf-8"
#define MAX_DISPLAY 1024
#define MAX_VALUE 24

/* ---- small checks ------------------------------------------------------- */
/* Well-formed UTF-8 (no overlong forms, surrogates or values past
 * U+10FFFF) without control characters; tab, CR and LF only with
 * multiline. */
static int valid_utf8_text(const char *s, size_t len, int multiline)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p, n, cp, min;
        if (c < 0x80) {
            if ((c < 0x20 && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) || c == 0x7f) return 0;
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) n = 1, cp = c & 0x1f, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef) n = 2, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4) n = 3, cp = c & 0x07, min = 0x10000;
        else return 0;
        if ((size_t)(end - p) <= n) return 0;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        if (cp >= 0x80 && cp < 0xa0) return 0;   /* C1 controls */
        p += n + 1;
    }
    return 1;
}

static int check_display(const char *s, const char *what, ck_care_error *err)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) return ck_care_fail(err, "bad_input", "%s is required", what);
    if (n > MAX_DISPLAY) return ck_care_fail(err, "bad_input", "%s is longer than %d bytes", what, MAX_DISPLAY);
    if (!valid_utf8_text(s, n, 0)) return ck_care_fail(err, "bad_input", "%s is not UTF-8 text on one line", what);
    return 0;
}

static int check_ids(const char *patient, const char *person, const char *person_what, const char *encounter,
                     ck_care_error *err)
{
    if (!ck_care_valid_ref_name(patient)) return ck_care_fail(err, "bad_input", "invalid patient id");
    if (!ck_care_valid_ref_name(person)) return ck_care_fail(err, "bad_input", "invalid %s id", person_what);
    if (encounter && !ck_care_valid_ref_name(encounter)) return ck_care_fail(err, "bad_input", "invalid encounter id");
    return 0;
}

static const char *str_at(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* The first coding's code of a CodeableConcept member. */
static const char *first_code(const json_t *r, const char *member)
{
    return str_at(json_array_get(json_object_get(json_object_get(r, member), "coding"), 0), "code");
}

/* ---- codes ---------------------------------------------------------------- */
static int verhoeff_ok(const char *digits)
{
    static const unsigned char d[10][10] = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
        {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
        {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
        {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
    static const unsigned char p[8][10] = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
        {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
        {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
    size_t n = strlen(digits);
    unsigned c = 0;
    for (size_t i = 0; i < n; i++) c = d[c][p[i % 8][digits[n - 1 - i] - '0']];
    return c == 0;
}

static int check_snomed(const char *s, ck_care_error *err)
{
    size_t n = strlen(s);
    if (n < 6 || n > 18 || strspn(s, "0123456789") != n || s[0] == '0')
        return ck_care_fail(err, "bad_input", "a SNOMED CT code is 6 to 18 digits, not starting with 0");
    /* the partition identifier (the two digits before the check digit)
     * says what the id names: 00 and 10 are concepts */
    if (!((s[n - 3] == '0' || s[n - 3] == '1') && s[n - 2] == '0'))
        return ck_care_fail(err, "bad_input", "'%s' is not a SNOMED CT concept id (a description or relationship id?)",
                            s);
    if (!verhoeff_ok(s)) return ck_care_fail(err, "bad_input", "'%s' fails the SNOMED CT check digit (a typo?)", s);
    return 0;
}

/* WHO ICD-10: A00, A00.0, A00.00 (capital letter, two digits). */
static int check_icd10(const char *s, ck_care_error *err)
{
    size_t n = strlen(s);
    int ok = n >= 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9';
    if (ok && n > 3)
        ok = s[3] == '.' && (n == 5 || n == 6) && strspn(s + 4, "0123456789") == n - 4;
    if (!ok) return ck_care_fail(err, "bad_input", "an ICD-10 code looks like A00, A00.0 or A00.00 (capital letter)");
    return 0;
}

int ck_care_code_check(ck_care_code_system system, const char *code, ck_care_error *err)
{
    if (system == CK_CARE_CODE_TEXT) return 0;
    if (!code || !*code) return ck_care_fail(err, "bad_input", "a code is required");
    if (system == CK_CARE_CODE_SNOMED) return check_snomed(code, err);
    if (system == CK_CARE_CODE_ICD10) return check_icd10(code, err);
    return ck_care_fail(err, "bad_input", "unknown code system");
}

int ck_care_loinc_check(const char *s, ck_care_error *err)
{
    const char *dash = s ? strchr(s, '-') : NULL;
    size_t n;
    unsigned sum = 0;
    if (!dash || dash == s || (size_t)(dash - s) > 7 || strspn(s, "0123456789") != (size_t)(dash - s) ||
        dash[1] < '0' || dash[1] > '9' || dash[2])
        return ck_care_fail(err, "bad_input", "a LOINC code looks like 8867-4 (1-7 digits, '-', check digit)");
    /* mod 10 (Luhn): from the right, every other digit doubled */
    n = (size_t)(dash - s);
    for (size_t i = 0; i < n; i++) {
        unsigned v = (unsigned)(s[n - 1 - i] - '0');
        if (i % 2 == 0) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
    }
    if ((10 - sum % 10) % 10 != (unsigned)(dash[1] - '0'))
        return ck_care_fail(err, "bad_input", "'%s' fails the LOINC check digit (a typo?)", s);
    return 0;
}

/* ---- UCUM syntax -------------------------------------------------------------
 *   expr       := '/'? term
 *   term       := component (('.' | '/') component)*
 *   component  := '(' term ')' exponent? | annotation | digits annotation?
 *               | unit exponent? annotation?
 *   unit       := "10*" | "10^" | ( letter | % | ' | '[' text ']' )+ with
 *                 letters, '_' and digits inside brackets
 *   exponent   := ('+' | '-')? digits
 *   annotation := '{' printable ASCII but braces '}' */
typedef struct ucum {
    const char *p;
    int depth;
} ucum;

static int ucum_term(ucum *u);

static int ucum_digits(ucum *u)
{
    const char *s = u->p;
    while (*u->p >= '0' && *u->p <= '9') u->p++;
    return u->p > s;
}

static int ucum_annotation(ucum *u)
{
    if (*u->p != '{') return 1;
    for (u->p++; *u->p && *u->p != '}'; u->p++)
        if (*u->p < 0x21 || *u->p > 0x7e || *u->p == '{') return 0;
    if (*u->p != '}') return 0;
    u->p++;
    return 1;
}

static int ucum_exponent(ucum *u)
{
    if (*u->p == '+' || *u->p == '-') {
        u->p++;
        return ucum_digits(u);
    }
    ucum_digits(u);
    return 1;
}

static int ucum_unit(ucum *u)
{
    const char *s = u->p;
    if (!strncmp(u->p, "10*", 3) || !strncmp(u->p, "10^", 3)) {
        u->p += 3;
        return 1;
    }
    for (;;) {
        char ch = *u->p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '%' || ch == '\'') {
            u->p++;
        } else if (ch == '[') {
            const char *b = ++u->p;
            while ((*u->p >= 'a' && *u->p <= 'z') || (*u->p >= 'A' && *u->p <= 'Z') ||
                   (*u->p >= '0' && *u->p <= '9') || *u->p == '_' || *u->p == '.' || *u->p == '-')
                u->p++;
            if (u->p == b || *u->p != ']') return 0;
            u->p++;
        } else {
            break;
        }
    }
    return u->p > s;
}

static int ucum_component(ucum *u)
{
    if (*u->p == '(') {
        if (++u->depth > 8) return 0;
        u->p++;
        if (!ucum_term(u) || *u->p != ')') return 0;
        u->p++;
        u->depth--;
        return ucum_exponent(u);
    }
    if (*u->p == '{') return ucum_annotation(u);
    if (*u->p >= '0' && *u->p <= '9' && strncmp(u->p, "10*", 3) && strncmp(u->p, "10^", 3)) {
        ucum_digits(u);
        return ucum_annotation(u);
    }
    return ucum_unit(u) && ucum_exponent(u) && ucum_annotation(u);
}

static int ucum_term(ucum *u)
{
    if (!ucum_component(u)) return 0;
    while (*u->p == '.' || *u->p == '/') {
        u->p++;
        if (!ucum_component(u)) return 0;
    }
    return 1;
}

int ck_care_ucum_check(const char *s, ck_care_error *err)
{
    ucum u = {s, 0};
    if (!s || !*s) return ck_care_fail(err, "bad_input", "a unit is required (UCUM, e.g. mg/dL)");
    if (strlen(s) > 64) return ck_care_fail(err, "bad_input", "the unit is longer than 64 bytes");
    if (*u.p == '/') u.p++;
    if (!ucum_term(&u) || *u.p)
        return ck_care_fail(err, "bad_input", "'%.64s' is not a UCUM unit (e.g. mg/dL, mmol/L, 10*9/L, mm[Hg])", s);
    return 0;
}

/* ---- values ----------------------------------------------------------------- */
/* A plain decimal ("72", "-0.5", "37.25") into v; *decimals = digits after
 * the point. */
static int parse_decimal(const char *s, double *v, unsigned *decimals)
{
    const char *p = s;
    char *end;
    size_t n = s ? strlen(s) : 0;
    *decimals = 0;
    if (n == 0 || n > MAX_VALUE) return -1;
    if (*p == '-') p++;
    if (*p < '0' || *p > '9') return -1;
    while (*p >= '0' && *p <= '9') p++;
    if (*p == '.') {
        const char *f = ++p;
        while (*p >= '0' && *p <= '9') p++;
        if (p == f) return -1;
        *decimals = (unsigned)(p - f);
    }
    if (*p) return -1;
    errno = 0;
    *v = strtod(s, &end);
    return (errno || *end || !isfinite(*v)) ? -1 : 0;
}

/* A JSON number that keeps the value as written: integers stay integers. */
static json_t *decimal_json(double v, unsigned decimals)
{
    return decimals == 0 && v > -9e15 && v < 9e15 ? json_integer((json_int_t)v) : json_real(v);
}

static json_t *quantity(double v, unsigned decimals, const char *unit)
{
    return json_pack("{s:o,s:s,s:s,s:s}", "value", decimal_json(v, decimals), "unit", unit, "system", UCUM, "code",
                     unit);
}

/* ---- Condition ----------------------------------------------------------------- */
static const char *severity_code(const char *s)
{
    if (!s) return NULL;
    if (!strcmp(s, "mild")) return "255604002";
    if (!strcmp(s, "moderate")) return "6736007";
    if (!strcmp(s, "severe")) return "24484000";
    return NULL;
}

static const char *severity_name(const char *code)
{
    if (!code) return "";
    if (!strcmp(code, "255604002")) return "mild";
    if (!strcmp(code, "6736007")) return "moderate";
    if (!strcmp(code, "24484000")) return "severe";
    return code;
}

static int valid_verification(const char *s)
{
    static const char *const ok[] = {"confirmed", "provisional", "differential", "refuted", "entered-in-error"};
    for (size_t i = 0; s && i < sizeof ok / sizeof *ok; i++)
        if (!strcmp(s, ok[i])) return 1;
    return 0;
}

static json_t *condition_code(const ck_care_condition_in *in)
{
    const char *system = in->system == CK_CARE_CODE_SNOMED ? SNOMED : ICD10;
    if (in->system == CK_CARE_CODE_TEXT) return json_pack("{s:s}", "text", in->display);
    return json_pack("{s:[o],s:s}", "coding", ck_care_coding(system, in->code, in->display), "text", in->display);
}

json_t *ck_care_condition_new(const ck_care_condition_in *in, ck_care_error *err)
{
    char id[65], recorded[32], onset[32];
    const char *category = in && in->problem_list ? "problem-list-item" : "encounter-diagnosis";
    json_t *c;
    if (!in) return ck_care_fail(err, "bad_input", "no input"), NULL;
    if (check_ids(in->patient, in->recorder, "recorder", in->encounter, err) ||
        ck_care_code_check(in->system, in->code, err) || check_display(in->display, "the display text", err))
        return NULL;
    if (in->id && !ck_care_valid_ref_name(in->id)) return ck_care_fail(err, "bad_input", "invalid condition id"), NULL;
    if (in->recorded_ms <= 0) return ck_care_fail(err, "bad_input", "invalid recording time"), NULL;
    if (in->has_onset && in->onset_ms > in->recorded_ms)
        return ck_care_fail(err, "bad_input", "the onset is after the time of recording"), NULL;
    if (in->id) snprintf(id, sizeof id, "%s", in->id);
    else ck_care_new_id(id);
    ck_care_time_format(recorded, in->recorded_ms);
    if (in->has_onset) ck_care_time_format(onset, in->onset_ms);
    c = json_pack("{s:s,s:s,s:o,s:o,s:[o],s:o,s:o,s:o*,s:s*,s:s,s:o}", "resourceType", "Condition", "id", id,
                  "clinicalStatus", ck_care_concept(COND_CLINICAL, "active", "Active"), "verificationStatus",
                  ck_care_concept(COND_VERIFY, in->provisional ? "provisional" : "confirmed", NULL), "category",
                  ck_care_concept(COND_CATEGORY, category, NULL), "code", condition_code(in), "subject",
                  ck_care_ref("Patient", in->patient, NULL), "encounter",
                  in->encounter ? ck_care_ref("Encounter", in->encounter, NULL) : NULL, "onsetDateTime",
                  in->has_onset ? onset : NULL, "recordedDate", recorded, "recorder",
                  ck_care_ref("Practitioner", in->recorder, NULL));
    if (!c) ck_care_fail(err, "bad_input", "out of memory");
    return c;
}

static int is_condition(const json_t *r)
{
    return json_is_object(r) && !strcmp(str_at(r, "resourceType") ?: "", "Condition") &&
           ck_care_valid_ref_name(str_at(r, "id"));
}

int ck_care_condition_is_active(const json_t *cond)
{
    const char *cl = first_code(cond, "clinicalStatus"), *ver = first_code(cond, "verificationStatus");
    if (!is_condition(cond) || !cl) return 0;
    if (ver && (!strcmp(ver, "refuted") || !strcmp(ver, "entered-in-error"))) return 0;
    return !strcmp(cl, "active") || !strcmp(cl, "recurrence") || !strcmp(cl, "relapse");
}

static int add_note(json_t *c, const ck_care_condition_change *ch, ck_care_error *err)
{
    char when[32];
    json_t *notes = json_object_get(c, "note"), *a;
    if (!ck_care_valid_ref_name(ch->author)) return ck_care_fail(err, "bad_input", "invalid note author id");
    if (ch->at_ms <= 0) return ck_care_fail(err, "bad_input", "invalid note time");
    if (strlen(ch->note) > CK_CARE_NOTE_MAX || !valid_utf8_text(ch->note, strlen(ch->note), 1) || !*ch->note)
        return ck_care_fail(err, "bad_input", "the note is empty, too long or not UTF-8 text");
    if (notes && !json_is_array(notes)) return ck_care_fail(err, "bad_input", "the condition's note is not a list");
    ck_care_time_format(when, ch->at_ms);
    a = json_pack("{s:o,s:s,s:s}", "authorReference", ck_care_ref("Practitioner", ch->author, NULL), "time", when,
                  "text", ch->note);
    if (!notes) json_object_set_new(c, "note", notes = json_array());
    if (!a || json_array_append_new(notes, a) != 0) return ck_care_fail(err, "bad_input", "out of memory");
    return 0;
}

json_t *ck_care_condition_update(const json_t *cur, const ck_care_condition_change *ch, ck_care_error *err)
{
    const char *ver = first_code(cur, "verificationStatus");
    const json_t *sev = json_object_get(cur, "severity");
    const char *sev_code = first_code(cur, "severity");
    int changed = 0;
    json_t *c;
    if (!is_condition(cur) || !ch) return ck_care_fail(err, "bad_input", "not a Condition"), NULL;
    if (ver && !strcmp(ver, "entered-in-error"))
        return ck_care_fail(err, "not_active", "Condition/%s was entered in error", str_at(cur, "id")), NULL;
    if (ch->verification && !valid_verification(ch->verification))
        return ck_care_fail(err, "bad_input", "verification is confirmed, provisional, differential, refuted or "
                                      "entered-in-error"), NULL;
    if (ch->severity && !severity_code(ch->severity))
        return ck_care_fail(err, "bad_input", "severity is mild, moderate or severe"), NULL;
    if (!(c = json_deep_copy(cur))) return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    if (ch->verification && (!ver || strcmp(ver, ch->verification))) {
        json_object_set_new(c, "verificationStatus", ck_care_concept(COND_VERIFY, ch->verification, NULL));
        /* FHIR con-5: no clinicalStatus on a condition entered in error */
        if (!strcmp(ch->verification, "entered-in-error")) json_object_del(c, "clinicalStatus");
        changed = 1;
    }
    if (ch->severity && (!sev || !sev_code || strcmp(sev_code, severity_code(ch->severity)))) {
        json_object_set_new(c, "severity", ck_care_concept(SNOMED, severity_code(ch->severity), ch->severity));
        changed = 1;
    }
    if (ch->note) {
        if (add_note(c, ch, err)) goto fail;
        changed = 1;
    }
    if (!changed) {
        ck_care_fail(err, "unchanged", "Condition/%s already says so", str_at(cur, "id"));
        goto fail;
    }
    return c;
fail:
    json_decref(c);
    return NULL;
}

json_t *ck_care_condition_resolve(const json_t *cur, int64_t at_ms, ck_care_error *err)
{
    const char *onset = str_at(cur, "onsetDateTime");
    char when[32];
    int64_t onset_ms;
    json_t *c;
    if (!is_condition(cur)) return ck_care_fail(err, "bad_input", "not a Condition"), NULL;
    if (!ck_care_condition_is_active(cur))
        return ck_care_fail(err, "not_active", "Condition/%s is not active", str_at(cur, "id")), NULL;
    if (at_ms <= 0) return ck_care_fail(err, "bad_input", "invalid time"), NULL;
    if (onset && ck_care_time_parse(onset, &onset_ms) == 0 && at_ms < onset_ms)
        return ck_care_fail(err, "bad_input", "the resolution time is before the onset (%s)", onset), NULL;
    if (!(c = json_deep_copy(cur))) return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    ck_care_time_format(when, at_ms);
    if (json_object_set_new(c, "clinicalStatus", ck_care_concept(COND_CLINICAL, "resolved", "Resolved")) != 0 ||
        json_object_set_new(c, "abatementDateTime", json_string(when)) != 0) {
        json_decref(c);
        return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    }
    return c;
}

json_t *ck_care_condition_row(const json_t *cond)
{
    const json_t *code = json_object_get(cond, "code");
    const json_t *c0 = json_array_get(json_object_get(code, "coding"), 0);
    const char *system = str_at(c0, "system"), *display = str_at(code, "text");
    const char *sysname = !system ? "" : !strcmp(system, SNOMED) ? "SNOMED CT" : !strcmp(system, ICD10) ? "ICD-10" : system;
    if (!display) display = str_at(c0, "display");
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", str_at(cond, "id") ?: "", "code",
                     str_at(c0, "code") ?: "", "system", sysname, "display", display ?: "", "clinical",
                     first_code(cond, "clinicalStatus") ?: "", "verification",
                     first_code(cond, "verificationStatus") ?: "", "category",
                     str_at(json_array_get(json_object_get(json_array_get(json_object_get(cond, "category"), 0),
                                                           "coding"), 0), "code") ?: "",
                     "severity", severity_name(first_code(cond, "severity")), "onset",
                     str_at(cond, "onsetDateTime") ?: "", "abatement", str_at(cond, "abatementDateTime") ?: "",
                     "recorded", str_at(cond, "recordedDate") ?: "", "notes",
                     (json_int_t)json_array_size(json_object_get(cond, "note")));
}

/* ---- Observation ------------------------------------------------------------- */
static const ck_care_vital vitals[] = {
    {"hr", "8867-4", "Heart rate", "/min", 20, 300, 0},
    {"rr", "9279-1", "Respiratory rate", "/min", 4, 80, 0},
    {"temp", "8310-5", "Body temperature", "Cel", 25, 45, 2},
    {"spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", 50, 100, 1},
    {"weight", "29463-7", "Body weight", "kg", 0.2, 650, 3},
    {"height", "8302-2", "Body height", "cm", 20, 275, 1},
    {"bmi", "39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 7, 200, 2},
    {"bp", "85354-9", "Blood pressure panel with all children optional", "mm[Hg]", 40, 300, 0},
};
#define N_VITALS (sizeof vitals / sizeof *vitals)
/* the blood pressure components; diastolic range */
#define BP_SYSTOLIC "8480-6"
#define BP_DIASTOLIC "8462-4"
#define BP_DIA_MIN 20
#define BP_DIA_MAX 200
/* FHIR's vital signs profile wants 2708-6 beside the pulse oximetry code */
#define SPO2_BASE "2708-6"

const ck_care_vital *ck_care_vitals(size_t *n)
{
    if (n) *n = N_VITALS;
    return vitals;
}

const ck_care_vital *ck_care_vital_find(const char *name)
{
    for (size_t i = 0; name && i < N_VITALS; i++)
        if (!strcmp(vitals[i].name, name)) return &vitals[i];
    return NULL;
}

static const ck_care_vital *vital_by_loinc(const char *loinc)
{
    for (size_t i = 0; i < N_VITALS; i++)
        if (!strcmp(vitals[i].loinc, loinc)) return &vitals[i];
    if (!strcmp(loinc, BP_SYSTOLIC) || !strcmp(loinc, BP_DIASTOLIC) || !strcmp(loinc, SPO2_BASE))
        return ck_care_vital_find(!strcmp(loinc, SPO2_BASE) ? "spo2" : "bp");
    return NULL;
}

static int check_obs_in(const ck_care_obs_in *in, ck_care_error *err)
{
    if (!in) return ck_care_fail(err, "bad_input", "no input");
    if (check_ids(in->patient, in->performer, "performer", in->encounter, err)) return -1;
    if (in->id && !ck_care_valid_ref_name(in->id)) return ck_care_fail(err, "bad_input", "invalid observation id");
    if (in->at_ms <= 0) return ck_care_fail(err, "bad_input", "invalid time");
    return 0;
}

/* The members every Observation has; value members are added by the caller. */
static json_t *observation(const ck_care_obs_in *in, const char *category, json_t *code)
{
    const char *category_display = !strcmp(category, "vital-signs") ? "Vital Signs" : "Laboratory";
    char id[65], when[32];
    if (in->id) snprintf(id, sizeof id, "%s", in->id);
    else ck_care_new_id(id);
    ck_care_time_format(when, in->at_ms);
    return json_pack("{s:s,s:s,s:s,s:[o],s:o,s:o,s:o*,s:s,s:s,s:[o]}", "resourceType", "Observation", "id", id,
                     "status", "final", "category", ck_care_concept(OBS_CATEGORY, category, category_display),
                     "code", code, "subject", ck_care_ref("Patient", in->patient, NULL), "encounter",
                     in->encounter ? ck_care_ref("Encounter", in->encounter, NULL) : NULL, "effectiveDateTime", when,
                     "issued", when, "performer", ck_care_ref("Practitioner", in->performer, NULL));
}

static int vital_value(const ck_care_vital *v, const char *what, const char *s, double min, double max, double *out,
                       unsigned *dec, ck_care_error *err)
{
    if (parse_decimal(s, out, dec))
        return ck_care_fail(err, "bad_input", "%s: '%.24s' is not a number (e.g. 72 or 37.2)", what, s);
    if (*dec > v->decimals)
        return ck_care_fail(err, "implausible", "%s: at most %u digits after the point", what, v->decimals);
    if (*out < min || *out > max)
        return ck_care_fail(err, "implausible", "%s %.24s %s is outside the plausible range %g-%g %s", what, s,
                            v->unit, min, max, v->unit);
    return 0;
}

static json_t *bp_component(const char *loinc, const char *display, double v)
{
    return json_pack("{s:o,s:o}", "code", ck_care_concept(LOINC, loinc, display), "valueQuantity",
                     quantity(v, 0, "mm[Hg]"));
}

static json_t *blood_pressure(const ck_care_obs_in *in, const ck_care_vital *v, const char *value,
                              ck_care_error *err)
{
    char sys_s[MAX_VALUE + 1], *slash;
    double sys, dia;
    unsigned dec;
    json_t *o;
    if (strlen(value) > MAX_VALUE || !(slash = strchr(value, '/')))
        return ck_care_fail(err, "bad_input", "bp: give systolic/diastolic, e.g. bp=120/80"), NULL;
    memcpy(sys_s, value, (size_t)(slash - value));
    sys_s[slash - value] = 0;
    if (vital_value(v, "systolic", sys_s, v->min, v->max, &sys, &dec, err) ||
        vital_value(v, "diastolic", slash + 1, BP_DIA_MIN, BP_DIA_MAX, &dia, &dec, err))
        return NULL;
    if (dia >= sys) return ck_care_fail(err, "implausible", "bp: the diastolic value is not below the systolic"), NULL;
    o = observation(in, "vital-signs", json_pack("{s:[o],s:s}", "coding", ck_care_coding(LOINC, v->loinc, v->display),
                                                 "text", "Blood pressure"));
    if (o && json_object_set_new(o, "component",
                                 json_pack("[o,o]", bp_component(BP_SYSTOLIC, "Systolic blood pressure", sys),
                                           bp_component(BP_DIASTOLIC, "Diastolic blood pressure", dia))) != 0) {
        json_decref(o);
        o = NULL;
    }
    if (!o) ck_care_fail(err, "bad_input", "out of memory");
    return o;
}

json_t *ck_care_vital_new(const ck_care_obs_in *in, const char *measurement, ck_care_error *err)
{
    char name[16];
    const char *eq = measurement ? strchr(measurement, '=') : NULL;
    const ck_care_vital *v;
    double val;
    unsigned dec;
    json_t *o, *code;
    if (check_obs_in(in, err)) return NULL;
    if (!eq || eq == measurement || (size_t)(eq - measurement) >= sizeof name)
        return ck_care_fail(err, "bad_input", "a measurement is NAME=VALUE, e.g. hr=72"), NULL;
    memcpy(name, measurement, (size_t)(eq - measurement));
    name[eq - measurement] = 0;
    if (!(v = ck_care_vital_find(name)))
        return ck_care_fail(err, "bad_input", "unknown vital sign '%s' (hr, rr, temp, spo2, weight, height, bmi, bp)",
                            ck_care_valid_ref_name(name) ? name : "?"), NULL;
    if (!strcmp(v->name, "bp")) return blood_pressure(in, v, eq + 1, err);
    if (vital_value(v, v->name, eq + 1, v->min, v->max, &val, &dec, err)) return NULL;
    code = json_pack("{s:[o],s:s}", "coding", ck_care_coding(LOINC, v->loinc, v->display), "text", v->display);
    if (code && !strcmp(v->name, "spo2"))
        json_array_append_new(json_object_get(code, "coding"),
                              ck_care_coding(LOINC, SPO2_BASE, "Oxygen saturation in Arterial blood"));
    o = observation(in, "vital-signs", code);
    if (o && json_object_set_new(o, "valueQuantity", quantity(val, dec, v->unit)) != 0) {
        json_decref(o);
        o = NULL;
    }
    if (!o) ck_care_fail(err, "bad_input", "out of memory");
    return o;
}

json_t *ck_care_lab_new(const ck_care_obs_in *in, const char *loinc, const char *value, const char *unit,
                        const char *display, ck_care_error *err)
{
    const ck_care_vital *v;
    double val;
    unsigned dec;
    json_t *o;
    if (check_obs_in(in, err) || ck_care_loinc_check(loinc, err) || ck_care_ucum_check(unit, err)) return NULL;
    if (display && check_display(display, "the display text", err)) return NULL;
    if ((v = vital_by_loinc(loinc)))
        return ck_care_fail(err, "bad_input", "%s is a vital sign: record it as %s=VALUE", loinc, v->name), NULL;
    if (parse_decimal(value, &val, &dec))
        return ck_care_fail(err, "bad_input", "the value is not a plain number (e.g. 5.4 or -2)"), NULL;
    o = observation(in, "laboratory",
                    json_pack("{s:[o],s:s*}", "coding", ck_care_coding(LOINC, loinc, display), "text", display));
    if (o && json_object_set_new(o, "valueQuantity", quantity(val, dec, unit)) != 0) {
        json_decref(o);
        o = NULL;
    }
    if (!o) ck_care_fail(err, "bad_input", "out of memory");
    return o;
}

/* "72", "37.2": a JSON number as text (integers exactly, reals with the
 * shortest of up to 15 significant digits). */
static void number_text(char *out, size_t cap, const json_t *n)
{
    if (json_is_integer(n)) snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(n));
    else if (json_is_real(n)) snprintf(out, cap, "%.15g", json_real_value(n));
    else snprintf(out, cap, "%s", "");
}

static const json_t *component(const json_t *obs, const char *loinc)
{
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(obs, "component"), i, c)
        if (!strcmp(first_code(c, "code") ?: "", loinc)) return c;
    return NULL;
}

json_t *ck_care_observation_row(const json_t *obs)
{
    const json_t *code = json_object_get(obs, "code"), *q = json_object_get(obs, "valueQuantity");
    const json_t *cat = json_array_get(json_object_get(obs, "category"), 0);
    const char *display = str_at(code, "text"), *unit = str_at(q, "unit");
    char value[80] = "";
    if (!display) display = str_at(json_array_get(json_object_get(code, "coding"), 0), "display");
    if (q) {
        number_text(value, sizeof value, json_object_get(q, "value"));
    } else if (json_object_get(obs, "component")) {
        const json_t *s = json_object_get(component(obs, BP_SYSTOLIC), "valueQuantity");
        const json_t *d = json_object_get(component(obs, BP_DIASTOLIC), "valueQuantity");
        char a[32], b[32];
        if (s && d) {
            number_text(a, sizeof a, json_object_get(s, "value"));
            number_text(b, sizeof b, json_object_get(d, "value"));
            snprintf(value, sizeof value, "%s/%s", a, b);
            unit = str_at(s, "unit");
        }
    } else if (str_at(obs, "valueString")) {
        snprintf(value, sizeof value, "%.79s", str_at(obs, "valueString"));
    }
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", str_at(obs, "id") ?: "", "category",
                     str_at(json_array_get(json_object_get(cat, "coding"), 0), "code") ?: "", "code",
                     first_code(obs, "code") ?: "", "display", display ?: "", "value", value, "unit", unit ?: "",
                     "effective", str_at(obs, "effectiveDateTime") ?: "", "status", str_at(obs, "status") ?: "");
}

/* ---- clinical notes ------------------------------------------------------------ */
static const struct note_type {
    const char *name, *loinc, *display;
} note_types[] = {
    [CK_CARE_NOTE_PROGRESS] = {"progress", "11506-3", "Progress note"},
    [CK_CARE_NOTE_HISTORY] = {"history", "34117-2", "History and physical note"},
    [CK_CARE_NOTE_DISCHARGE] = {"discharge", "18842-5", "Discharge summary"},
};
#define N_NOTE_TYPES (sizeof note_types / sizeof *note_types)

int ck_care_note_kind_parse(const char *s, ck_care_note_kind *kind)
{
    for (size_t i = 0; s && i < N_NOTE_TYPES; i++)
        if (!strcmp(s, note_types[i].name)) return *kind = (ck_care_note_kind)i, 0;
    return -1;
}

json_t *ck_care_note_new(const ck_care_note_in *in, ck_care_error *err)
{
    const struct note_type *t;
    char id[65], when[32], *b64;
    json_t *d;
    if (!in) return ck_care_fail(err, "bad_input", "no input"), NULL;
    if (check_ids(in->patient, in->author, "author", in->encounter, err)) return NULL;
    if (in->id && !ck_care_valid_ref_name(in->id)) return ck_care_fail(err, "bad_input", "invalid note id"), NULL;
    if ((unsigned)in->kind >= N_NOTE_TYPES) return ck_care_fail(err, "bad_input", "unknown kind of note"), NULL;
    if (!in->text || in->len == 0) return ck_care_fail(err, "bad_input", "the note is empty"), NULL;
    if (in->len > CK_CARE_NOTE_MAX)
        return ck_care_fail(err, "bad_input", "the note is longer than %u bytes", CK_CARE_NOTE_MAX), NULL;
    if (!valid_utf8_text(in->text, in->len, 1))
        return ck_care_fail(err, "bad_input", "the note is not UTF-8 text (control characters other than tab and line "
                                      "breaks, or invalid bytes)"), NULL;
    if (in->at_ms <= 0) return ck_care_fail(err, "bad_input", "invalid time"), NULL;
    t = &note_types[in->kind];
    if (!(b64 = malloc(ck_net_b64_len(in->len)))) return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    ck_net_b64(b64, (const uint8_t *)in->text, in->len);
    if (in->id) snprintf(id, sizeof id, "%s", in->id);
    else ck_care_new_id(id);
    ck_care_time_format(when, in->at_ms);
    d = json_pack("{s:s,s:s,s:s,s:s,s:o,s:[o],s:o,s:s,s:[o],s:s,s:[{s:{s:s,s:s,s:I,s:s,s:s}}]}", "resourceType",
                  "DocumentReference", "id", id, "status", "current", "docStatus", "final", "type",
                  ck_care_concept(LOINC, t->loinc, t->display), "category",
                  ck_care_concept(DOC_CATEGORY, "clinical-note", "Clinical Note"), "subject",
                  ck_care_ref("Patient", in->patient, NULL), "date", when, "author",
                  ck_care_ref("Practitioner", in->author, NULL), "description", t->display, "content",
                  "attachment", "contentType", NOTE_CONTENT_TYPE, "data", b64, "size", (json_int_t)in->len, "title",
                  t->display, "creation", when);
    free(b64);
    if (d && in->encounter &&
        json_object_set_new(d, "context", json_pack("{s:[o]}", "encounter",
                                                    ck_care_ref("Encounter", in->encounter, NULL))) != 0) {
        json_decref(d);
        d = NULL;
    }
    if (!d) ck_care_fail(err, "bad_input", "out of memory");
    return d;
}

char *ck_care_note_text(const json_t *doc, size_t *len, ck_care_error *err)
{
    const json_t *att = json_object_get(json_array_get(json_object_get(doc, "content"), 0), "attachment");
    const char *ct = str_at(att, "contentType"), *data = str_at(att, "data");
    uint8_t *raw = NULL;
    size_t n = 0;
    char *text;
    if (!json_is_object(doc) || strcmp(str_at(doc, "resourceType") ?: "", "DocumentReference"))
        return ck_care_fail(err, "bad_input", "not a DocumentReference"), NULL;
    if (!ct || strncmp(ct, "text/plain", 10) || (ct[10] && ct[10] != ';'))
        return ck_care_fail(err, "bad_input", "the note is not plain text"), NULL;
    if (!data || ck_net_unb64(&raw, &n, data, strlen(data)) != 0)
        return ck_care_fail(err, "bad_input", "the note's data is not base64"), NULL;
    if (!valid_utf8_text((const char *)raw, n, 1) || !(text = realloc(raw, n + 1))) {
        if (raw) memset(raw, 0, n);
        free(raw);
        return ck_care_fail(err, "bad_input", "the note's text is not UTF-8 text"), NULL;
    }
    text[n] = 0;
    if (len) *len = n;
    return text;
}

json_t *ck_care_note_row(const json_t *doc)
{
    const char *code = first_code(doc, "type") ?: "", *kind = code;
    const json_t *att = json_object_get(json_array_get(json_object_get(doc, "content"), 0), "attachment");
    const char *title = str_at(att, "title");
    for (size_t i = 0; i < N_NOTE_TYPES; i++)
        if (!strcmp(code, note_types[i].loinc)) kind = note_types[i].name;
    if (!title) title = str_at(doc, "description");
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", str_at(doc, "id") ?: "", "kind", kind, "title",
                     title ?: "", "date", str_at(doc, "date") ?: "", "author",
                     ck_care_ref_id(json_array_get(json_object_get(doc, "author"), 0), "Practitioner") ?: "",
                     "encounter",
                     ck_care_ref_id(json_array_get(json_object_get(json_object_get(doc, "context"), "encounter"), 0),
                                    "Encounter") ?: "",
                     "status", str_at(doc, "status") ?: "");
}

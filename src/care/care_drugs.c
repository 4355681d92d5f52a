/*
 * care_drugs.c - the built-in drug knowledge and the checks made before a
 * prescription is written: allergy and duplicate-therapy warnings.
 *
 * The knowledge is a small, fixed table (facts, not a formulary):
 *
 *   classes      drug classes, each flagged CROSS when an allergy to one
 *                member is treated as an allergy to every member, and DUP
 *                when two active prescriptions of the class at once are
 *                duplicate therapy;
 *   ingredients  by RxNorm ingredient code, SNOMED CT substance code (where
 *                one is used for allergies), name and synonyms, with their
 *                classes;
 *   drugs        what can be prescribed: the RxNorm clinical drugs of the
 *                Synthea fixtures and the common ingredients (prescribed by
 *                their RxNorm ingredient code), each a set of ingredients;
 *   allergens    allergy codes that name a class rather than an ingredient
 *                ("Allergy to penicillin", "Sulfonamide (substance)");
 *   cross        documented cross-sensitivity between classes (penicillins
 *                and cephalosporins share the beta-lactam ring).
 *
 * Ingredient and class sets are bit masks. A resource's drug is found by
 * its codes first; only when no code is known is its text matched,
 * word by word and case-insensitively, against ingredient names (and, for
 * allergies, class words such as "penicillin" or "sulfa").
 */
#include "care/care_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RXNORM_SYSTEM "http://www.nlm.nih.gov/research/umls/rxnorm"
#define SNOMED_SYSTEM "http://snomed.info/sct"

/* ---- classes ----------------------------------------------------------- */

enum {
    C_PENICILLIN, C_CEPHALOSPORIN, C_SULFONAMIDE, C_NSAID, C_OPIOID, C_ACE_INHIBITOR,
    C_STATIN, C_ANTICOAGULANT, C_ANTIPLATELET, C_BIGUANIDE, C_INSULIN, C_LOOP_DIURETIC,
    C_THIAZIDE, C_BETA_BLOCKER, C_CALCIUM_BLOCKER, C_GLYCOSIDE, C_NITRATE, C_THYROID,
    C_ANTIHISTAMINE, C_THROMBOLYTIC, C_ADRENERGIC, C_BETA_LACTAMASE_INH, C_ANTITUSSIVE,
    C_DHFR_INHIBITOR, C_COUNT
};
#define CB(c) (1u << (c))

#define CROSS 1u   /* an allergy to one member is an allergy to all members */
#define DUP 2u     /* two active members at once are duplicate therapy      */

typedef struct drug_class {
    const char *name;     /* plural, for messages: "penicillins"            */
    const char *member;   /* "a penicillin"                                 */
    const char *terms;    /* words naming the class in allergy text, '|'    */
    unsigned flags;
} drug_class;

static const drug_class classes[C_COUNT] = {
    [C_PENICILLIN] = {"penicillins", "a penicillin", "penicillin|penicillins", CROSS | DUP},
    [C_CEPHALOSPORIN] = {"cephalosporins", "a cephalosporin", "cephalosporin|cephalosporins", CROSS | DUP},
    [C_SULFONAMIDE] = {"sulfonamide antibiotics", "a sulfonamide antibiotic",
                       "sulfa|sulfonamide|sulfonamides|sulphonamide|sulphonamides", CROSS | DUP},
    [C_NSAID] = {"NSAIDs", "an NSAID", "nsaid|nsaids|non steroidal anti inflammatory", CROSS | DUP},
    [C_OPIOID] = {"opioids", "an opioid", "opioid|opioids|opiate|opiates", CROSS | DUP},
    [C_ACE_INHIBITOR] = {"ACE inhibitors", "an ACE inhibitor", "ace inhibitor|ace inhibitors", CROSS | DUP},
    [C_STATIN] = {"statins", "a statin", "statin|statins", DUP},
    [C_ANTICOAGULANT] = {"anticoagulants", "an anticoagulant", "anticoagulant|anticoagulants", DUP},
    [C_ANTIPLATELET] = {"antiplatelet agents", "an antiplatelet agent", "antiplatelet", 0},
    [C_BIGUANIDE] = {"biguanides", "a biguanide", "biguanide|biguanides", DUP},
    [C_INSULIN] = {"insulins", "an insulin", "insulin|insulins", DUP},
    [C_LOOP_DIURETIC] = {"loop diuretics", "a loop diuretic", "loop diuretic|loop diuretics", DUP},
    [C_THIAZIDE] = {"thiazide diuretics", "a thiazide diuretic", "thiazide|thiazides", DUP},
    [C_BETA_BLOCKER] = {"beta blockers", "a beta blocker", "beta blocker|beta blockers", DUP},
    [C_CALCIUM_BLOCKER] = {"calcium channel blockers", "a calcium channel blocker",
                           "calcium channel blocker|calcium channel blockers", DUP},
    [C_GLYCOSIDE] = {"cardiac glycosides", "a cardiac glycoside", "cardiac glycoside|digitalis", DUP},
    [C_NITRATE] = {"nitrates", "a nitrate", "nitrate|nitrates", 0},
    [C_THYROID] = {"thyroid hormones", "a thyroid hormone", "thyroid hormone", DUP},
    [C_ANTIHISTAMINE] = {"antihistamines", "an antihistamine", "antihistamine|antihistamines", DUP},
    [C_THROMBOLYTIC] = {"thrombolytics", "a thrombolytic", "thrombolytic|thrombolytics", 0},
    [C_ADRENERGIC] = {"adrenergic agonists", "an adrenergic agonist", "sympathomimetic", 0},
    [C_BETA_LACTAMASE_INH] = {"beta-lactamase inhibitors", "a beta-lactamase inhibitor", "beta lactamase inhibitor", 0},
    [C_ANTITUSSIVE] = {"antitussives", "an antitussive", "antitussive|antitussives", 0},
    [C_DHFR_INHIBITOR] = {"dihydrofolate reductase inhibitors", "a dihydrofolate reductase inhibitor", "", 0},
};

/* Documented cross-sensitivity: an allergy to class `from` warns on `to`. */
static const struct {
    unsigned from, to;
} cross[] = {
    {C_PENICILLIN, C_CEPHALOSPORIN},
    {C_CEPHALOSPORIN, C_PENICILLIN},
};

/* ---- ingredients -------------------------------------------------------- */

enum {
    I_AMOXICILLIN, I_PENICILLIN_V, I_PENICILLIN_G, I_AMPICILLIN, I_CLAVULANATE, I_CEPHALEXIN,
    I_CEFUROXIME, I_IBUPROFEN, I_NAPROXEN, I_ASPIRIN, I_ACETAMINOPHEN, I_SULFAMETHOXAZOLE,
    I_TRIMETHOPRIM, I_CODEINE, I_MORPHINE, I_OXYCODONE, I_HYDROCODONE, I_DEXTROMETHORPHAN,
    I_DOXYLAMINE, I_FEXOFENADINE, I_LISINOPRIL, I_METFORMIN, I_ATORVASTATIN, I_SIMVASTATIN,
    I_WARFARIN, I_INSULIN_GLARGINE, I_CLOPIDOGREL, I_AMLODIPINE, I_VERAPAMIL, I_DIGOXIN,
    I_FUROSEMIDE, I_HYDROCHLOROTHIAZIDE, I_METOPROLOL, I_LEVOTHYROXINE, I_NITROGLYCERIN,
    I_EPINEPHRINE, I_ALTEPLASE, I_COUNT
};
#define IB(i) (1ull << (i))

typedef struct ingredient {
    const char *name;      /* lower case, as in messages                  */
    const char *rxnorm;    /* RxNorm ingredient (IN) code                 */
    const char *snomed;    /* SNOMED CT substance code, or NULL           */
    const char *synonyms;  /* other names and brands, '|' separated, or NULL */
    uint32_t classes;
} ingredient;

static const ingredient ingredients[I_COUNT] = {
    [I_AMOXICILLIN] = {"amoxicillin", "723", "372687004", "amoxycillin", CB(C_PENICILLIN)},
    [I_PENICILLIN_V] = {"penicillin V", "7984", NULL, "phenoxymethylpenicillin", CB(C_PENICILLIN)},
    [I_PENICILLIN_G] = {"penicillin G", "7980", NULL, "benzylpenicillin", CB(C_PENICILLIN)},
    [I_AMPICILLIN] = {"ampicillin", "733", NULL, NULL, CB(C_PENICILLIN)},
    [I_CLAVULANATE] = {"clavulanate", "48203", NULL, "clavulanic acid", CB(C_BETA_LACTAMASE_INH)},
    [I_CEPHALEXIN] = {"cephalexin", "2231", NULL, "cefalexin|keflex", CB(C_CEPHALOSPORIN)},
    [I_CEFUROXIME] = {"cefuroxime", "2194", NULL, NULL, CB(C_CEPHALOSPORIN)},
    [I_IBUPROFEN] = {"ibuprofen", "5640", "387207008", "advil|motrin", CB(C_NSAID)},
    [I_NAPROXEN] = {"naproxen", "7258", NULL, "aleve", CB(C_NSAID)},
    [I_ASPIRIN] = {"aspirin", "1191", "387458008", "acetylsalicylic acid", CB(C_NSAID) | CB(C_ANTIPLATELET)},
    [I_ACETAMINOPHEN] = {"acetaminophen", "161", "387517004", "paracetamol|tylenol", 0},
    [I_SULFAMETHOXAZOLE] = {"sulfamethoxazole", "10180", NULL, "bactrim|co trimoxazole|cotrimoxazole",
                            CB(C_SULFONAMIDE)},
    [I_TRIMETHOPRIM] = {"trimethoprim", "10829", NULL, NULL, CB(C_DHFR_INHIBITOR)},
    [I_CODEINE] = {"codeine", "2670", "387494007", NULL, CB(C_OPIOID)},
    [I_MORPHINE] = {"morphine", "7052", "373529000", NULL, CB(C_OPIOID)},
    [I_OXYCODONE] = {"oxycodone", "7804", NULL, "percocet", CB(C_OPIOID)},
    [I_HYDROCODONE] = {"hydrocodone", "5489", NULL, "vicodin", CB(C_OPIOID)},
    [I_DEXTROMETHORPHAN] = {"dextromethorphan", "3289", NULL, NULL, CB(C_ANTITUSSIVE)},
    [I_DOXYLAMINE] = {"doxylamine", "3642", NULL, NULL, CB(C_ANTIHISTAMINE)},
    [I_FEXOFENADINE] = {"fexofenadine", "87636", NULL, "allegra", CB(C_ANTIHISTAMINE)},
    [I_LISINOPRIL] = {"lisinopril", "29046", NULL, NULL, CB(C_ACE_INHIBITOR)},
    [I_METFORMIN] = {"metformin", "6809", NULL, NULL, CB(C_BIGUANIDE)},
    [I_ATORVASTATIN] = {"atorvastatin", "83367", NULL, "lipitor", CB(C_STATIN)},
    [I_SIMVASTATIN] = {"simvastatin", "36567", NULL, "zocor", CB(C_STATIN)},
    [I_WARFARIN] = {"warfarin", "11289", NULL, "coumadin", CB(C_ANTICOAGULANT)},
    [I_INSULIN_GLARGINE] = {"insulin glargine", "274783", NULL, "lantus", CB(C_INSULIN)},
    [I_CLOPIDOGREL] = {"clopidogrel", "32968", NULL, "plavix", CB(C_ANTIPLATELET)},
    [I_AMLODIPINE] = {"amlodipine", "17767", NULL, "norvasc", CB(C_CALCIUM_BLOCKER)},
    [I_VERAPAMIL] = {"verapamil", "11170", NULL, NULL, CB(C_CALCIUM_BLOCKER)},
    [I_DIGOXIN] = {"digoxin", "3407", NULL, NULL, CB(C_GLYCOSIDE)},
    [I_FUROSEMIDE] = {"furosemide", "4603", NULL, "lasix", CB(C_LOOP_DIURETIC)},
    [I_HYDROCHLOROTHIAZIDE] = {"hydrochlorothiazide", "5487", NULL, NULL, CB(C_THIAZIDE)},
    [I_METOPROLOL] = {"metoprolol", "6918", NULL, "toprol", CB(C_BETA_BLOCKER)},
    [I_LEVOTHYROXINE] = {"levothyroxine", "10582", NULL, "synthroid", CB(C_THYROID)},
    [I_NITROGLYCERIN] = {"nitroglycerin", "4917", NULL, "glyceryl trinitrate", CB(C_NITRATE)},
    [I_EPINEPHRINE] = {"epinephrine", "3992", NULL, "adrenaline", CB(C_ADRENERGIC)},
    [I_ALTEPLASE] = {"alteplase", "8410", NULL, NULL, CB(C_THROMBOLYTIC)},
};

/* ---- drugs -------------------------------------------------------------- */

struct ck_care_drug {
    const char *rxnorm;
    const char *name;
    uint64_t ingredients;
};

static const struct ck_care_drug drugs[] = {
    /* the clinical drugs of the Synthea fixtures (tests/fixtures/fhir) */
    {"1043400", "Acetaminophen 21.7 MG/ML / Dextromethorphan Hydrobromide 1 MG/ML / doxylamine succinate 0.417 MG/ML Oral Solution",
     IB(I_ACETAMINOPHEN) | IB(I_DEXTROMETHORPHAN) | IB(I_DOXYLAMINE)},
    {"1049221", "Acetaminophen 325 MG / oxyCODONE Hydrochloride 5 MG Oral Tablet", IB(I_ACETAMINOPHEN) | IB(I_OXYCODONE)},
    {"1310197", "Acetaminophen 300 MG / HYDROcodone Bitartrate 5 MG [Vicodin]", IB(I_ACETAMINOPHEN) | IB(I_HYDROCODONE)},
    {"1719286", "10 ML Furosemide 10 MG/ML Injection", IB(I_FUROSEMIDE)},
    {"1804799", "Alteplase 100 MG Injection", IB(I_ALTEPLASE)},
    {"1870230", "NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector", IB(I_EPINEPHRINE)},
    {"197361", "Amlodipine 5 MG Oral Tablet", IB(I_AMLODIPINE)},
    {"197604", "Digoxin 0.125 MG Oral Tablet", IB(I_DIGOXIN)},
    {"198405", "Ibuprofen 100 MG Oral Tablet", IB(I_IBUPROFEN)},
    {"282464", "Acetaminophen 160 MG Oral Tablet", IB(I_ACETAMINOPHEN)},
    {"308182", "Amoxicillin 250 MG Oral Capsule", IB(I_AMOXICILLIN)},
    {"309097", "Cefuroxime 250 MG Oral Tablet", IB(I_CEFUROXIME)},
    {"309362", "Clopidogrel 75 MG Oral Tablet", IB(I_CLOPIDOGREL)},
    {"310965", "Ibuprofen 200 MG Oral Tablet", IB(I_IBUPROFEN)},
    {"312961", "Simvastatin 20 MG Oral Tablet", IB(I_SIMVASTATIN)},
    {"313782", "Acetaminophen 325 MG Oral Tablet", IB(I_ACETAMINOPHEN)},
    {"315971", "Lasix 40mg", IB(I_FUROSEMIDE)},
    {"316049", "Hydrochlorothiazide 25 MG", IB(I_HYDROCHLOROTHIAZIDE)},
    {"562251", "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet", IB(I_AMOXICILLIN) | IB(I_CLAVULANATE)},
    {"705129", "Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray", IB(I_NITROGLYCERIN)},
    {"834102", "Penicillin V Potassium 500 MG Oral Tablet", IB(I_PENICILLIN_V)},
    {"855332", "Warfarin Sodium 5 MG Oral Tablet", IB(I_WARFARIN)},
    {"860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", IB(I_METFORMIN)},
    {"866414", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]", IB(I_METOPROLOL)},
    {"897718", "Verapamil Hydrochloride 40 MG", IB(I_VERAPAMIL)},
    {"966222", "Levothyroxine Sodium 0.075 MG Oral Tablet", IB(I_LEVOTHYROXINE)},
    {"997488", "Fexofenadine hydrochloride 30 MG Oral Tablet", IB(I_FEXOFENADINE)},
    {"198335", "Sulfamethoxazole 800 MG / Trimethoprim 160 MG Oral Tablet", IB(I_SULFAMETHOXAZOLE) | IB(I_TRIMETHOPRIM)},
    /* common ingredients, prescribed by their RxNorm ingredient code */
    {"723", "amoxicillin", IB(I_AMOXICILLIN)},
    {"7984", "penicillin V", IB(I_PENICILLIN_V)},
    {"733", "ampicillin", IB(I_AMPICILLIN)},
    {"2231", "cephalexin", IB(I_CEPHALEXIN)},
    {"2194", "cefuroxime", IB(I_CEFUROXIME)},
    {"5640", "ibuprofen", IB(I_IBUPROFEN)},
    {"7258", "naproxen", IB(I_NAPROXEN)},
    {"1191", "aspirin", IB(I_ASPIRIN)},
    {"161", "acetaminophen", IB(I_ACETAMINOPHEN)},
    {"2670", "codeine", IB(I_CODEINE)},
    {"7052", "morphine", IB(I_MORPHINE)},
    {"7804", "oxycodone", IB(I_OXYCODONE)},
    {"29046", "lisinopril", IB(I_LISINOPRIL)},
    {"6809", "metformin", IB(I_METFORMIN)},
    {"83367", "atorvastatin", IB(I_ATORVASTATIN)},
    {"36567", "simvastatin", IB(I_SIMVASTATIN)},
    {"11289", "warfarin", IB(I_WARFARIN)},
    {"274783", "insulin glargine", IB(I_INSULIN_GLARGINE)},
    {"32968", "clopidogrel", IB(I_CLOPIDOGREL)},
    {"17767", "amlodipine", IB(I_AMLODIPINE)},
    {"4603", "furosemide", IB(I_FUROSEMIDE)},
    {"6918", "metoprolol", IB(I_METOPROLOL)},
    {"10582", "levothyroxine", IB(I_LEVOTHYROXINE)},
};
#define NDRUGS (sizeof drugs / sizeof drugs[0])

/* ---- allergy codes that name a class ------------------------------------ */

static const struct {
    const char *system, *code;
    uint32_t classes;
} class_allergens[] = {
    {SNOMED_SYSTEM, "91936005", CB(C_PENICILLIN)},    /* Allergy to penicillin (finding) */
    {SNOMED_SYSTEM, "764146007", CB(C_PENICILLIN)},   /* Penicillin (substance)          */
    {RXNORM_SYSTEM, "70618", CB(C_PENICILLIN)},       /* penicillin (RxNorm ingredient)  */
    {SNOMED_SYSTEM, "387406002", CB(C_SULFONAMIDE)},  /* Sulfonamide (substance)         */
};

/* ---- lookups ------------------------------------------------------------ */

size_t ck_care_drug_count(void) { return NDRUGS; }

const ck_care_drug *ck_care_drug_at(size_t i) { return i < NDRUGS ? &drugs[i] : NULL; }

const ck_care_drug *ck_care_drug_by_rxnorm(const char *code)
{
    if (!code) return NULL;
    for (size_t i = 0; i < NDRUGS; i++)
        if (!strcmp(drugs[i].rxnorm, code)) return &drugs[i];
    return NULL;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a, y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (x != y) return x - y;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

const ck_care_drug *ck_care_drug_by_name(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < NDRUGS; i++)
        if (!ascii_casecmp(drugs[i].name, name)) return &drugs[i];
    return NULL;
}

const char *ck_care_drug_rxnorm(const ck_care_drug *d) { return d ? d->rxnorm : NULL; }
const char *ck_care_drug_name(const ck_care_drug *d) { return d ? d->name : NULL; }

static uint32_t classes_of(uint64_t ings)
{
    uint32_t c = 0;
    for (unsigned i = 0; i < I_COUNT; i++)
        if (ings & IB(i)) c |= ingredients[i].classes;
    return c;
}

json_t *ck_care_drug_json(const ck_care_drug *d)
{
    json_t *o, *ing, *cls;
    uint32_t c;
    if (!d) return NULL;
    o = json_pack("{s:s,s:s,s:[],s:[]}", "rxnorm", d->rxnorm, "name", d->name, "ingredients", "classes");
    if (!o) return NULL;
    ing = json_object_get(o, "ingredients");
    cls = json_object_get(o, "classes");
    for (unsigned i = 0; i < I_COUNT; i++)
        if ((d->ingredients & IB(i)) && json_array_append_new(ing, json_string(ingredients[i].name))) goto fail;
    c = classes_of(d->ingredients);
    for (unsigned i = 0; i < C_COUNT; i++)
        if ((c & CB(i)) && json_array_append_new(cls, json_string(classes[i].name))) goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

/* ---- text matching ------------------------------------------------------ */

/* " word word " in lower case: letters and digits kept, every run of
 * anything else one space, so "oxyCODONE Hydrochloride" and "co-trimoxazole"
 * compare word by word. Returns 0, or -1 when text is too long for out. */
static int normalize(char *out, size_t cap, const char *text)
{
    size_t n = 0;
    if (cap < 3) return -1;
    out[n++] = ' ';
    for (const char *p = text; *p; p++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            if (n + 2 >= cap) return -1;
            out[n++] = ch;
        } else if (out[n - 1] != ' ') {
            if (n + 2 >= cap) return -1;
            out[n++] = ' ';
        }
    }
    if (out[n - 1] != ' ') out[n++] = ' ';
    out[n] = 0;
    return 0;
}

/* Whether the normalized text contains the phrase as whole words. */
static int has_phrase(const char *norm_text, const char *phrase)
{
    char p[128];
    if (normalize(p, sizeof p, phrase) != 0 || !strcmp(p, " ")) return 0;
    return strstr(norm_text, p) != NULL;
}

/* Whether any of the '|'-separated phrases occurs. */
static int has_any_phrase(const char *norm_text, const char *phrases)
{
    char one[128];
    const char *p = phrases, *bar;
    while (p && *p) {
        size_t n;
        bar = strchr(p, '|');
        n = bar ? (size_t)(bar - p) : strlen(p);
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = 0;
            if (has_phrase(norm_text, one)) return 1;
        }
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static uint64_t ingredients_in_text(const char *text)
{
    char norm[1024];
    uint64_t m = 0;
    if (!text || normalize(norm, sizeof norm, text) != 0) return 0;
    for (unsigned i = 0; i < I_COUNT; i++)
        if (has_phrase(norm, ingredients[i].name) ||
            (ingredients[i].synonyms && has_any_phrase(norm, ingredients[i].synonyms)))
            m |= IB(i);
    return m;
}

static uint32_t classes_in_text(const char *text)
{
    char norm[1024];
    uint32_t m = 0;
    if (!text || normalize(norm, sizeof norm, text) != 0) return 0;
    for (unsigned i = 0; i < C_COUNT; i++)
        if (has_any_phrase(norm, classes[i].terms)) m |= CB(i);
    return m;
}

/* ---- codes -------------------------------------------------------------- */

typedef struct drugset {
    uint64_t ingredients;
    uint32_t classes;      /* stated classes (allergies) or classes of the ingredients */
} drugset;

/* Adds what one coding names; 1 when the code was known. */
static int add_coding(drugset *s, const json_t *coding, int allergy)
{
    const char *sys = json_string_value(json_object_get(coding, "system"));
    const char *code = json_string_value(json_object_get(coding, "code"));
    const ck_care_drug *d;
    if (!sys || !code) return 0;
    if (!strcmp(sys, RXNORM_SYSTEM) && (d = ck_care_drug_by_rxnorm(code))) {
        s->ingredients |= d->ingredients;
        return 1;
    }
    for (unsigned i = 0; i < I_COUNT; i++) {
        const char *c = !strcmp(sys, RXNORM_SYSTEM) ? ingredients[i].rxnorm
                        : !strcmp(sys, SNOMED_SYSTEM) ? ingredients[i].snomed : NULL;
        if (c && !strcmp(c, code)) {
            s->ingredients |= IB(i);
            return 1;
        }
    }
    for (size_t i = 0; allergy && i < sizeof class_allergens / sizeof class_allergens[0]; i++)
        if (!strcmp(class_allergens[i].system, sys) && !strcmp(class_allergens[i].code, code)) {
            s->classes |= class_allergens[i].classes;
            return 1;
        }
    return 0;
}

/* What a CodeableConcept names: codes first; text and displays only when
 * none of its codes is known. */
static void add_concept(drugset *s, const json_t *cc, int allergy)
{
    const json_t *coding;
    size_t i;
    int known = 0;
    json_array_foreach(json_object_get(cc, "coding"), i, coding) known |= add_coding(s, coding, allergy);
    if (known) return;
    {
        const char *text = json_string_value(json_object_get(cc, "text"));
        s->ingredients |= ingredients_in_text(text);
        if (allergy) s->classes |= classes_in_text(text);
    }
    json_array_foreach(json_object_get(cc, "coding"), i, coding) {
        const char *disp = json_string_value(json_object_get(coding, "display"));
        s->ingredients |= ingredients_in_text(disp);
        if (allergy) s->classes |= classes_in_text(disp);
    }
}

/* A display name of a CodeableConcept: text, else the first display. */
static const char *concept_name(const json_t *cc)
{
    const char *t = json_string_value(json_object_get(cc, "text"));
    const json_t *coding;
    size_t i;
    if (t && *t) return t;
    json_array_foreach(json_object_get(cc, "coding"), i, coding) {
        const char *d = json_string_value(json_object_get(coding, "display"));
        if (d && *d) return d;
    }
    return NULL;
}

/* The medication concept of a MedicationRequest/Dispense: the codeable
 * concept, or the code of the Medication its reference points to. */
static const json_t *medication_concept(const json_t *res, const json_t *med_items)
{
    const json_t *cc = json_object_get(res, "medicationCodeableConcept"), *ref, *it;
    const char *r;
    size_t i;
    if (cc) return cc;
    ref = json_object_get(res, "medicationReference");
    if (!(r = json_string_value(json_object_get(ref, "reference")))) return NULL;
    json_array_foreach(med_items, i, it) {
        const json_t *m = ck_care_item_resource(it);
        const char *id = json_string_value(json_object_get(m, "id"));
        const char *full = json_string_value(json_object_get(it, "fullUrl"));
        const char *type = json_string_value(json_object_get(m, "resourceType"));
        if (!id || !type || strcmp(type, "Medication") != 0) continue;
        if ((full && !strcmp(full, r)) || (!strncmp(r, "Medication/", 11) && !strcmp(r + 11, id)) ||
            (!strncmp(r, "urn:uuid:", 9) && !strcmp(r + 9, id)))
            return json_object_get(m, "code");
    }
    return NULL;
}

/* ---- statuses ----------------------------------------------------------- */

/* Whether a CodeableConcept carries one of the '|'-separated codes. */
static int concept_has_code(const json_t *cc, const char *codes)
{
    const json_t *coding;
    size_t i;
    json_array_foreach(json_object_get(cc, "coding"), i, coding) {
        const char *c = json_string_value(json_object_get(coding, "code"));
        char norm[80], list[160];
        if (!c || strlen(c) > 60) continue;
        snprintf(norm, sizeof norm, "|%s|", c);
        snprintf(list, sizeof list, "|%s|", codes);
        if (strstr(list, norm)) return 1;
    }
    return 0;
}

/* An allergy counts when it is active (or its clinical status is absent)
 * and not refuted or entered in error. */
static int allergy_in_force(const json_t *res)
{
    const json_t *cs = json_object_get(res, "clinicalStatus");
    const json_t *vs = json_object_get(res, "verificationStatus");
    if (cs && concept_has_code(cs, "inactive|resolved")) return 0;
    if (vs && concept_has_code(vs, "refuted|entered-in-error")) return 0;
    return 1;
}

static int request_open(const json_t *res)
{
    const char *s = json_string_value(json_object_get(res, "status"));
    return s && (!strcmp(s, "active") || !strcmp(s, "on-hold") || !strcmp(s, "draft"));
}

/* ---- warnings ----------------------------------------------------------- */

static int lowest_bit64(uint64_t m)
{
    for (int i = 0; i < 64; i++)
        if (m & (1ull << i)) return i;
    return -1;
}

/* The ingredient of drug d that belongs to class c. */
static int ingredient_in_class(uint64_t ings, unsigned c)
{
    for (unsigned i = 0; i < I_COUNT; i++)
        if ((ings & IB(i)) && (ingredients[i].classes & CB(c))) return (int)i;
    return -1;
}

static int add_warning(json_t *warnings, const char *code, const char *ref_key, const char *ref_id,
                       const char *message)
{
    json_t *w = json_pack("{s:s,s:s}", "code", code, "message", message);
    if (!w) return -1;
    if (ref_id && json_object_set_new(w, ref_key, json_string(ref_id)) != 0) {
        json_decref(w);
        return -1;
    }
    return json_array_append_new(warnings, w);
}

/* Why allergen set a forbids drug d, into why; 0 when it does not. */
static int allergy_reason(const drugset *a, const ck_care_drug *d, char *why, size_t cap)
{
    uint64_t common = a->ingredients & d->ingredients;
    uint32_t expanded = a->classes, via_cross = 0;
    int i;
    if (common) {
        i = lowest_bit64(common);
        if (!ascii_casecmp(d->name, ingredients[i].name))
            snprintf(why, cap, "the allergy is to %s itself", ingredients[i].name);
        else
            snprintf(why, cap, "%s contains %s", d->name, ingredients[i].name);
        return 1;
    }
    /* an allergy to an ingredient extends to the classes where one member
     * stands for all (CROSS) */
    for (unsigned k = 0; k < I_COUNT; k++)
        if (a->ingredients & IB(k))
            for (unsigned c = 0; c < C_COUNT; c++)
                if ((ingredients[k].classes & CB(c)) && (classes[c].flags & CROSS)) expanded |= CB(c);
    for (unsigned c = 0; c < C_COUNT; c++)
        if ((expanded & CB(c)) && (i = ingredient_in_class(d->ingredients, c)) >= 0) {
            snprintf(why, cap, "%s is %s", ingredients[i].name, classes[c].member);
            return 1;
        }
    for (size_t k = 0; k < sizeof cross / sizeof cross[0]; k++)
        if ((expanded & CB(cross[k].from)) && (i = ingredient_in_class(d->ingredients, cross[k].to)) >= 0) {
            via_cross = cross[k].from;
            snprintf(why, cap, "%s is %s (cross-sensitivity with %s)", ingredients[i].name,
                     classes[cross[k].to].member, classes[via_cross].name);
            return 1;
        }
    return 0;
}

/* Why an open request for set e duplicates drug d; 0 when it does not. */
static int duplicate_reason(const drugset *e, const char *e_name, const ck_care_drug *d, char *why, size_t cap)
{
    uint64_t common = e->ingredients & d->ingredients;
    uint32_t shared = classes_of(e->ingredients) & classes_of(d->ingredients);
    if (common) {
        snprintf(why, cap, "%s also contains %s", e_name, ingredients[lowest_bit64(common)].name);
        return 1;
    }
    for (unsigned c = 0; c < C_COUNT; c++)
        if ((shared & CB(c)) && (classes[c].flags & DUP)) {
            int i = ingredient_in_class(e->ingredients, c), j = ingredient_in_class(d->ingredients, c);
            if (!ascii_casecmp(e_name, ingredients[i].name))
                snprintf(why, cap, "%s and %s are both %s", e_name, ingredients[j].name, classes[c].name);
            else
                snprintf(why, cap, "%s (%s) and %s are both %s", e_name, ingredients[i].name, ingredients[j].name,
                         classes[c].name);
            return 1;
        }
    return 0;
}

static int check_items(const json_t *items, const char *what, ck_care_error *err)
{
    const json_t *it;
    size_t i;
    if (!json_is_array(items)) return ck_care_fail(err, "bad_input", "%s: not an array of items", what);
    json_array_foreach(items, i, it)
        if (!json_is_object(ck_care_item_resource(it)))
            return ck_care_fail(err, "bad_input", "%s[%zu]: item without a resource", what, i);
    return 0;
}

static int allergy_warnings(json_t *warnings, const json_t *allergy_items, const ck_care_drug *d)
{
    const json_t *it;
    size_t i;
    json_array_foreach(allergy_items, i, it) {
        const json_t *res = ck_care_item_resource(it), *sub;
        const char *type = json_string_value(json_object_get(res, "resourceType"));
        const char *id = json_string_value(json_object_get(res, "id"));
        drugset a = {0, 0};
        char why[512], msg[768];
        size_t k;
        if (!type || strcmp(type, "AllergyIntolerance") != 0 || !allergy_in_force(res)) continue;
        add_concept(&a, json_object_get(res, "code"), 1);
        json_array_foreach(json_object_get(res, "reaction"), k, sub)
            add_concept(&a, json_object_get(sub, "substance"), 1);
        if (!allergy_reason(&a, d, why, sizeof why)) continue;
        {
            const char *name = concept_name(json_object_get(res, "code"));
            snprintf(msg, sizeof msg, "%s (AllergyIntolerance/%s): %s", name ? name : "recorded allergy",
                     id ? id : "?", why);
        }
        if (add_warning(warnings, "allergy", "allergy", id, msg) != 0) return -1;
    }
    return 0;
}

static int duplicate_warnings(json_t *warnings, const json_t *med_items, const ck_care_drug *d)
{
    const json_t *it;
    size_t i;
    json_array_foreach(med_items, i, it) {
        const json_t *res = ck_care_item_resource(it), *cc;
        const char *type = json_string_value(json_object_get(res, "resourceType"));
        const char *id = json_string_value(json_object_get(res, "id"));
        const char *name;
        drugset e = {0, 0};
        char why[512], msg[768];
        if (!type || strcmp(type, "MedicationRequest") != 0 || !request_open(res)) continue;
        if (!(cc = medication_concept(res, med_items))) continue;
        add_concept(&e, cc, 0);
        name = concept_name(cc);
        if (!duplicate_reason(&e, name ? name : "an unnamed drug", d, why, sizeof why)) continue;
        snprintf(msg, sizeof msg, "MedicationRequest/%s (%s): %s", id ? id : "?",
                 json_string_value(json_object_get(res, "status")), why);
        if (add_warning(warnings, "duplicate", "medication", id, msg) != 0) return -1;
    }
    return 0;
}

int ck_care_rx_check(const json_t *allergy_items, const json_t *medication_items, const ck_care_drug *drug,
                     json_t **warnings, ck_care_error *err)
{
    json_t *w = NULL;
    const json_t *first;
    ck_care_error_clear(err);
    if (warnings) *warnings = NULL;
    if (!warnings || !drug) return ck_care_fail(err, "bad_input", "no drug or no place for the warnings");
    if (check_items(allergy_items, "allergies", err) || check_items(medication_items, "medications", err))
        return -1;
    if (!(w = json_array()) || allergy_warnings(w, allergy_items, drug) || duplicate_warnings(w, medication_items, drug)) {
        json_decref(w);
        return ck_care_fail(err, "nomem", "out of memory");
    }
    *warnings = w;
    if (json_array_size(w) == 0) return 0;
    /* the first warning stands for all of them in err */
    first = json_array_get(w, 0);
    return ck_care_fail(err, json_string_value(json_object_get(first, "code")), "%s",
                        json_string_value(json_object_get(first, "message")));
}

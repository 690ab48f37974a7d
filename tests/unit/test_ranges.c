/* test_ranges.c - honest comparisons (issue 14): unknown values as ranges, ties as ties, nothing
 * decided by file order. Expected values are worked out by hand in tests/data/ranges.xml. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "support.h"

static knee_ruleset *rs;

static int setup(void)
{
    rs = kt_load_data("ranges.xml");
    return 0;
}

static int teardown(void)
{
    knee_ruleset_free(rs);
    return 0;
}

/* The text of tests/data/NAME with `from` replaced by `to` (once), loaded; NULL if it fails. */
static knee_ruleset *load_edited(const char *name, const char *from, const char *to,
                                 knee_diag **diag)
{
    char path[1024], *xml, *pos, *edited;
    size_t len;
    knee_ruleset *out = NULL;
    snprintf(path, sizeof path, "%s/%s", KNEE_TEST_DATA, name);
    xml = kt_read(path, &len);
    pos = strstr(xml, from);
    CU_ASSERT_FATAL(pos != NULL);
    edited = malloc(len + strlen(to) + 1);
    CU_ASSERT_FATAL(edited != NULL);
    memcpy(edited, xml, (size_t)(pos - xml));
    strcpy(edited + (pos - xml), to);
    strcat(edited, pos + strlen(from));
    knee_ruleset_load_memory(&out, edited, strlen(edited), name, NULL, diag);
    free(edited);
    free(xml);
    return out;
}

static knee_result *compare_with(const knee_ruleset *set, const knee_patient *p, int missing)
{
    knee_compare_options *o = NULL;
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_missing(o, missing), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_ex(set, p, o, r), KNEE_OK);
    knee_compare_options_free(o);
    return r;
}

static void check_score(const knee_result *r, const char *id, double score, double lo, double hi)
{
    size_t i = kt_option(r, id);
    double l = NAN, h = NAN;
    CU_ASSERT_FATAL(i != (size_t)-1);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, i), score, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_score_range(r, i, &l, &h), 1);
    CU_ASSERT_DOUBLE_EQUAL(l, lo, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(h, hi, 1e-12);
    CU_ASSERT(l <= knee_result_option_score(r, i) && knee_result_option_score(r, i) <= h);
}

static void check_ranks(const knee_result *r, const char *id, int rank, int best, int worst)
{
    size_t i = kt_option(r, id);
    int b = -1, w = -1;
    CU_ASSERT_FATAL(i != (size_t)-1);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, i), rank);
    CU_ASSERT_EQUAL(knee_result_option_rank_range(r, i, &b, &w), 1);
    CU_ASSERT_EQUAL(b, best);
    CU_ASSERT_EQUAL(w, worst);
}

/* An unknown cost with bounds 100-300 on a 1000-0 scale: utilities 0.7 to 0.9, scored at 0.8
 * with the full weight; an unknown level without bounds spans 0 to 1, with bounds moderate-high
 * 0.5 to 1 (the header of ranges.xml). */
static void test_points_and_ranges(void)
{
    knee_result *r = NULL;
    size_t p, q, rr;
    double lo, hi;
    const char *llo, *lhi;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(knee_result_missing_policy(r), "interval");
    check_score(r, "p", 0.9, 0.85, 0.95);
    check_score(r, "t", 0.7, 0.7, 0.7);
    check_score(r, "q", 0.65, 0.4, 0.9);
    check_score(r, "r", 0.625, 0.5, 0.75);
    check_score(r, "s", 0.5, 0.5, 0.5);
    p = kt_option(r, "p");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, p, 0), 0.5, 1e-15); /* full weight */
    CU_ASSERT_DOUBLE_EQUAL(knee_result_utility(r, p, 0), 0.8, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_contribution(r, p, 0), 0.4, 1e-12);
    CU_ASSERT_EQUAL(knee_result_utility_range(r, p, 0, &lo, &hi), 1);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.7, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.9, 1e-12);
    CU_ASSERT_EQUAL(knee_result_unknown_bounds(r, p, 0, &lo, &hi), 1);
    CU_ASSERT_DOUBLE_EQUAL(lo, 100, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, 300, 0);
    CU_ASSERT_STRING_EQUAL(knee_result_value_missing(r, p, 0), "interval");
    CU_ASSERT_PTR_NULL(knee_result_value_missing(r, p, 1));           /* known */
    CU_ASSERT_EQUAL(knee_result_utility_range(r, p, 1, &lo, &hi), 0); /* known: its utility */
    CU_ASSERT_DOUBLE_EQUAL(lo, 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, 1, 0);
    CU_ASSERT(isnan(knee_result_value(r, p, 0))); /* no typical value is invented */
    q = kt_option(r, "q");
    CU_ASSERT_EQUAL(knee_result_utility_range(r, q, 1, &lo, &hi), 1);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, 1, 0);
    CU_ASSERT_EQUAL(knee_result_unknown_bounds(r, q, 1, &lo, &hi), 0); /* none given */
    CU_ASSERT_EQUAL(knee_result_unknown_level_bounds(r, q, 1, &llo, &lhi), 0);
    rr = kt_option(r, "r");
    CU_ASSERT_EQUAL(knee_result_unknown_level_bounds(r, rr, 1, &llo, &lhi), 1);
    CU_ASSERT_STRING_EQUAL(llo, "moderate");
    CU_ASSERT_STRING_EQUAL(lhi, "high");
    CU_ASSERT_EQUAL(knee_result_unknown_bounds(r, rr, 1, &lo, &hi), 0); /* levels, not numbers */
    knee_result_free(r);
}

/* Rank ranges on the hand-computed example, and the file's own expectations (above=,
 * rank-range-best=, rank-range-worst=) pass. */
static void test_rank_ranges(void)
{
    knee_result *r = NULL;
    size_t cases = 0, failed = 9;
    char *report = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    check_ranks(r, "p", 1, 1, 2);
    check_ranks(r, "t", 2, 2, 4);
    check_ranks(r, "q", 3, 1, 5);
    check_ranks(r, "r", 4, 2, 4);
    check_ranks(r, "s", 5, 3, 5);
    knee_result_free(r);
    CU_ASSERT_EQUAL(knee_ruleset_run_tests(rs, &cases, &failed, &report), KNEE_OK);
    CU_ASSERT_EQUAL(cases, 1);
    CU_ASSERT_EQUAL(failed, 0);
    CU_ASSERT_STRING_EQUAL(report, "");
    knee_free(report);
}

/* Beyond 64 ranked options the rank ranges are counted by bisection over sorted keys: the same
 * ranges as pair by pair. 70 copies of the five options, each group with its own ids. */
static void test_rank_ranges_many(void)
{
    char path[1024], *xml, *buf, *start, *end;
    size_t len, k, i, n;
    knee_ruleset *many = NULL;
    knee_result *r = NULL;
    snprintf(path, sizeof path, "%s/ranges.xml", KNEE_TEST_DATA);
    xml = kt_read(path, &len);
    start = strstr(xml, "  <treatment id=\"p\"");
    end = strstr(xml, "  <tests>");
    CU_ASSERT_FATAL(start && end);
    *end = '\0';
    buf = malloc(len * 16 + 70 * (size_t)(end - start) * 2);
    CU_ASSERT_FATAL(buf != NULL);
    n = (size_t)sprintf(buf, "%.*s", (int)(start - xml), xml);
    for (k = 0; k < 14; k++) { /* 14 x 5 = 70 options; ids and rule ids made unique */
        char *block = start, *id;
        size_t from = n;
        n += (size_t)sprintf(buf + n, "%s", block);
        for (id = buf + from; (id = strstr(id, " id=\"")) != NULL && id < buf + n; id += 5) {
            char *q = strchr(id + 5, '"');
            memmove(q + 3, q, (size_t)(buf + n - q) + 1);
            sprintf(q, "-%02zu", k);
            q[3] = '"';
            n += 3;
        }
    }
    n += (size_t)sprintf(buf + n, "</ruleset>\n");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&many, buf, n, "many.xml", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(many, NULL, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_option_count(r), 70);
    for (i = 0; i < 70; i++) { /* each group of 14 equal options shares a rank */
        const char *id = knee_result_option_id(r, i);
        int b = 0, w = 0, rank = knee_result_option_rank(r, i);
        knee_result_option_rank_range(r, i, &b, &w);
        CU_ASSERT_EQUAL(knee_result_option_tie_count(r, i), 13);
        switch (id[0]) { /* as with five options, each other option now 14 (13 of its own group) */
        case 'p':
            CU_ASSERT(rank == 1 && b == 1 && w == 28);
            break;
        case 't':
            CU_ASSERT(rank == 15 && b == 15 && w == 43);
            break;
        case 'q':
            CU_ASSERT(rank == 29 && b == 1 && w == 70);
            break;
        case 'r':
            CU_ASSERT(rank == 43 && b == 15 && w == 56);
            break;
        case 's':
            CU_ASSERT(rank == 57 && b == 29 && w == 57);
            break;
        default:
            CU_FAIL("unexpected option");
        }
    }
    knee_result_free(r);
    knee_ruleset_free(many);
    free(buf);
    free(xml);
}

/* Learning a value never moves the point score outside the range it had while unknown: every
 * cost P may turn out to have within its bounds, and every level Q's evidence may have. */
static void test_learning_stays_in_range(void)
{
    static const char *const costs[] = {"100", "150", "200", "250", "300"};
    static const char *const levels[] = {"low", "moderate", "high"};
    char to[200];
    size_t k;
    for (k = 0; k < 5; k++) {
        knee_ruleset *learned;
        knee_result *r = NULL;
        double s;
        snprintf(to, sizeof to, "<value criterion=\"cost\" typical=\"%s\" source=\"s1\"/>",
                 costs[k]);
        learned = load_edited("ranges.xml",
                              "<value criterion=\"cost\" unknown=\"true\" low=\"100\" high=\"300\" "
                              "source=\"s1\" note=\"plausible price band\"/>",
                              to, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(learned);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(learned, NULL, r), KNEE_OK);
        s = knee_result_option_score(r, kt_option(r, "p"));
        CU_ASSERT(s >= 0.85 - 1e-12 && s <= 0.95 + 1e-12);
        knee_result_free(r);
        knee_ruleset_free(learned);
    }
    for (k = 0; k < 3; k++) {
        knee_ruleset *learned;
        knee_result *r = NULL;
        double s;
        snprintf(to, sizeof to, "<value criterion=\"evidence\" level=\"%s\" source=\"s1\"/>",
                 levels[k]);
        learned =
            load_edited("ranges.xml", "<value criterion=\"evidence\" unknown=\"true\"/>", to, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(learned);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(learned, NULL, r), KNEE_OK);
        s = knee_result_option_score(r, kt_option(r, "q"));
        CU_ASSERT(s >= 0.4 - 1e-12 && s <= 0.9 + 1e-12);
        knee_result_free(r);
        knee_ruleset_free(learned);
    }
}

/* A rule may make a value unknown with bounds (S's cost becomes 0-200: 0.8 to 1, score 0.45,
 * range 0.4 to 0.5), and adjust shifts an unknown value's bounds (P's 100-300 becomes 200-400:
 * 0.6 to 0.8, score 0.85, range 0.8 to 0.9). */
static void test_rules_and_unknown_values(void)
{
    knee_patient *pt = NULL;
    knee_result *r = NULL;
    double lo, hi;
    size_t s;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&pt, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(pt, "payer", "x"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(pt, "age", "70"), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, pt, r), KNEE_OK);
    check_score(r, "s", 0.45, 0.4, 0.5);
    check_score(r, "p", 0.85, 0.8, 0.9);
    s = kt_option(r, "s");
    CU_ASSERT_EQUAL(knee_result_value_known(r, s, 0), 0);
    CU_ASSERT_EQUAL(knee_result_unknown_bounds(r, s, 0, &lo, &hi), 1);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, 200, 0);
    CU_ASSERT_STRING_EQUAL(knee_result_value_rule(r, s, 0, 0), "s-price-unknown");
    CU_ASSERT_EQUAL(knee_result_unknown_bounds(r, kt_option(r, "p"), 0, &lo, &hi), 1);
    CU_ASSERT_DOUBLE_EQUAL(lo, 200, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, 400, 0);
    knee_result_free(r);
    knee_patient_free(pt);
}

/* The other policies stay selectable, by the caller or the file, and give no range. */
static void test_other_policies(void)
{
    static const struct {
        int policy;
        const char *name;
        double p, q; /* P's and Q's scores */
    } cases[] = {
        {KNEE_MISSING_RENORMALISE, "renormalise", 1.0, 0.8}, /* left out, weights rescaled */
        {KNEE_MISSING_WORST, "worst", 0.5, 0.4},
        {KNEE_MISSING_BEST, "best", 1.0, 0.9},
        {KNEE_MISSING_NEUTRAL, "neutral", 0.75, 0.65},
    };
    size_t k;
    knee_result *r;
    knee_ruleset *file;
    double lo, hi;
    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t p;
        r = compare_with(rs, NULL, cases[k].policy);
        p = kt_option(r, "p");
        CU_ASSERT_STRING_EQUAL(knee_result_missing_policy(r), cases[k].name);
        CU_ASSERT_STRING_EQUAL(knee_result_value_missing(r, p, 0), cases[k].name);
        check_score(r, "p", cases[k].p, cases[k].p, cases[k].p);
        check_score(r, "q", cases[k].q, cases[k].q, cases[k].q);
        CU_ASSERT_EQUAL(knee_missing_from_name(cases[k].name), cases[k].policy);
        CU_ASSERT_STRING_EQUAL(knee_missing_name(cases[k].policy), cases[k].name);
        if (cases[k].policy == KNEE_MISSING_RENORMALISE) {
            CU_ASSERT_EQUAL(knee_result_utility_range(r, p, 0, &lo, &hi), 1);
            CU_ASSERT(isnan(lo) && isnan(hi)); /* left out: not scored */
        }
        knee_result_free(r);
    }
    /* refuse: every option with an unknown value after its rules is excluded */
    r = compare_with(rs, NULL, KNEE_MISSING_REFUSE);
    CU_ASSERT_EQUAL(knee_result_option_excluded(r, kt_option(r, "p")), 1);
    CU_ASSERT_EQUAL(knee_result_option_excluded(r, kt_option(r, "q")), 1);
    CU_ASSERT_EQUAL(knee_result_option_excluded(r, kt_option(r, "t")), 0);
    CU_ASSERT_EQUAL(knee_result_option_score_range(r, kt_option(r, "p"), &lo, &hi), 0);
    knee_result_free(r);
    /* the file's default (<ruleset missing="best">), and a criterion's own policy wins */
    file = load_edited("ranges.xml", "evidence-as-of=\"2025-01-31\">",
                       "evidence-as-of=\"2025-01-31\" missing=\"best\">", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    r = compare_with(file, NULL, KNEE_MISSING_DEFAULT);
    CU_ASSERT_STRING_EQUAL(knee_result_missing_policy(r), "best");
    check_score(r, "p", 1.0, 1.0, 1.0);
    knee_result_free(r);
    r = compare_with(file, NULL, KNEE_MISSING_INTERVAL); /* the caller's policy wins */
    check_score(r, "p", 0.9, 0.85, 0.95);
    knee_result_free(r);
    knee_ruleset_free(file);
    file = load_edited("ranges.xml", "unit=\"USD\" weight=\"1\">",
                       "unit=\"USD\" weight=\"1\" missing=\"worst\">", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    r = compare_with(file, NULL, KNEE_MISSING_DEFAULT);
    check_score(r, "p", 0.5, 0.5, 0.5);  /* cost: worst */
    check_score(r, "q", 0.65, 0.4, 0.9); /* evidence: still interval */
    CU_ASSERT_STRING_EQUAL(knee_result_value_missing(r, kt_option(r, "p"), 0), "worst");
    knee_result_free(r);
    knee_ruleset_free(file);
    CU_ASSERT_EQUAL(knee_missing_from_name("guess"), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(knee_missing_name(KNEE_MISSING_DEFAULT));
    CU_ASSERT_PTR_NULL(knee_missing_name(7));
}

/* Other methods score the point values and give no range (their scores depend on every option
 * at once). */
static void test_no_range_for_other_methods(void)
{
    knee_compare_options *o = NULL;
    knee_result *r = NULL;
    int m, b, w;
    double lo, hi;
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    for (m = KNEE_METHOD_TOPSIS; m <= KNEE_METHOD_VIKOR; m++) {
        char *json = NULL;
        CU_ASSERT_EQUAL(knee_compare_options_set_method(o, m), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, o, r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_result_option_score_range(r, 0, &lo, &hi), 0);
        CU_ASSERT(isnan(lo) && isnan(hi));
        CU_ASSERT_EQUAL(knee_result_option_rank_range(r, 0, &b, &w), 0);
        CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
        CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"score_range\":null,\"rank_range\":null"));
        knee_free(json);
    }
    knee_result_free(r);
    knee_compare_options_free(o);
}

/* A dominates B only if A's worst is at least B's best on every criterion: P (cost 0.7-0.9,
 * evidence 1) dominates R (0.5, 0.5-1). T (0.9, 0.5) does not dominate Q (0.8, 0-1), though it
 * would with Q's evidence at the middle of its range. */
static void test_dominance_with_ranges(void)
{
    knee_result *r = NULL;
    size_t k;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_has_dominance(r), 1);
    CU_ASSERT_EQUAL_FATAL(knee_result_dominator_count(r, kt_option(r, "r")), 1);
    CU_ASSERT_STRING_EQUAL(knee_result_dominator(r, kt_option(r, "r"), 0), "p");
    for (k = 0; k < knee_result_option_count(r); k++)
        if (strcmp(knee_result_option_id(r, k), "r") != 0)
            CU_ASSERT_EQUAL(knee_result_dominator_count(r, k), 0);
    knee_result_free(r);
}

/* Beyond 32 options dominance is filtered through sketches (utilities in small fields, one or
 * more words a row): the dominators must be those a plain pair-by-pair check finds. 120
 * generated options on nc criteria (8-bit fields up to 8, narrower for more, several words
 * beyond 16), numeric and ordinal, near values that share a field, unknown values with and
 * without bounds. */
static size_t check_dominance_many(size_t nc)
{
    char *doc = malloc(1 << 21);
    size_t o = 0, t, j, i, k, n, total = 0;
    unsigned x = 12345;
    knee_ruleset *many = NULL;
    knee_result *r = NULL;
    knee_diag *d = NULL;
    double *lo, *hi;
    CU_ASSERT_FATAL(doc != NULL);
    o += (size_t)sprintf(doc + o,
                         "<ruleset xmlns='urn:libknee:rules:1' id='dom' version='1.0.0' "
                         "status='draft' title='D' evidence-as-of='2025-01-01'><sources>"
                         "<source id='s' title='S' year='2020' url='https://e.org'/></sources>"
                         "<facts><fact id='age' type='number'/></facts><criteria>");
    for (j = 0; j < nc; j++)
        o += (size_t)sprintf(doc + o,
                             j % 5 < 3 ? "<criterion id='c%zu' label='C' direction='maximize' "
                                         "weight='1'><scale worst='0' best='1000'/></criterion>"
                                       : "<criterion id='c%zu' label='C' direction='maximize' "
                                         "weight='1'><level id='a'/><level id='b'/><level id='c'/>"
                                         "</criterion>",
                             j);
    o += (size_t)sprintf(doc + o, "</criteria>");
    for (t = 0; t < 120; t++) {
        o += (size_t)sprintf(doc + o, "<treatment id='t%03zu' name='T%03zu'>", t, t);
        for (j = 0; j < nc; j++) {
            x = x * 1103515245u + 12345u;
            if ((x >> 16) % 13 == 0)
                o += (size_t)sprintf(doc + o, "<value criterion='c%zu' unknown='true'/>", j);
            else if ((x >> 16) % 13 == 1)
                o += (size_t)sprintf(doc + o,
                                     j % 5 < 3 ? "<value criterion='c%zu' unknown='true' "
                                                 "low='700' high='1000' source='s'/>"
                                               : "<value criterion='c%zu' unknown='true' "
                                                 "low-level='b' high-level='c' source='s'/>",
                                     j);
            else if (j % 5 < 3) /* a quality per option plus a little noise: many dominate,
                                   many values share a field or are equal */
                o += (size_t)sprintf(doc + o, "<value criterion='c%zu' typical='%u' source='s'/>",
                                     j, (unsigned)(t % 40) * 24 + (x >> 20) % 3);
            else
                o += (size_t)sprintf(doc + o, "<value criterion='c%zu' level='%c' source='s'/>", j,
                                     'a' + (char)((t % 40) / 14));
        }
        o += (size_t)sprintf(doc + o, "</treatment>");
    }
    o += (size_t)sprintf(doc + o, "</ruleset>");
    if (knee_ruleset_load_memory(&many, doc, o, "dom.xml", NULL, &d) != KNEE_OK)
        kt_dump(d);
    knee_diag_free(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(many);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(many, NULL, r), KNEE_OK);
    n = knee_result_option_count(r);
    lo = malloc(n * nc * sizeof *lo);
    hi = malloc(n * nc * sizeof *hi);
    for (i = 0; i < n; i++) /* under interval, the utility range is what a value may take */
        for (j = 0; j < nc; j++)
            knee_result_utility_range(r, i, j, &lo[i * nc + j], &hi[i * nc + j]);
    for (i = 0; i < n; i++) { /* the dominators of i, in result order, pair by pair */
        size_t expected = 0, got = knee_result_dominator_count(r, i);
        for (k = 0; k < n; k++) {
            int at_least = 1, better = 0;
            for (j = 0; j < nc; j++) {
                at_least &= lo[k * nc + j] >= hi[i * nc + j];
                better |= lo[k * nc + j] > hi[i * nc + j];
            }
            if (k != i && at_least && better) {
                if (expected < got)
                    CU_ASSERT_STRING_EQUAL(knee_result_dominator(r, i, expected),
                                           knee_result_option_id(r, k));
                expected++;
                total++;
            }
        }
        CU_ASSERT_EQUAL(got, expected);
    }
    free(lo);
    free(hi);
    knee_result_free(r);
    knee_ruleset_free(many);
    free(doc);
    return total;
}

static void test_dominance_many(void)
{
    CU_ASSERT(check_dominance_many(6) > 500);  /* 8-bit fields, one word */
    CU_ASSERT(check_dominance_many(10) > 500); /* 6-bit fields, one word */
    CU_ASSERT(check_dominance_many(20) > 200); /* 4-bit fields, two words */
}

/* "Why Q against T": cost is a known difference (against Q, -0.05); evidence is unknown for Q,
 * so it is never counted for or against: its difference may be anything from -0.25 to 0.25. */
static void test_why_never_credits_the_unknown(void)
{
    knee_result *r = NULL;
    char *json = NULL;
    size_t q, t;
    double lo, hi;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    q = kt_option(r, "q");
    t = kt_option(r, "t");
    CU_ASSERT_EQUAL(knee_result_difference(r, q, t, 0, &lo, &hi), 1);
    CU_ASSERT_DOUBLE_EQUAL(lo, -0.05, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(hi, -0.05, 1e-12);
    CU_ASSERT_EQUAL(knee_result_difference(r, q, t, 1, &lo, &hi), 0);
    CU_ASSERT_DOUBLE_EQUAL(lo, -0.25, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.25, 1e-12);
    CU_ASSERT_EQUAL(knee_result_difference(r, q, t, 2, &lo, &hi), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_result_difference(r, q, 99, 0, &lo, &hi), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_result_why(r, q, t, &json), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"for\":[],\"against\":[{\"criterion\":\"cost\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json, "\"unknown\":[{\"criterion\":\"evidence\",\"difference_low\":-0.25,"
                     "\"difference_high\":0.25,\"known_a\":false,\"known_b\":true}]"));
    CU_ASSERT_PTR_NULL(strstr(json, "\"for\":[{\"criterion\":\"evidence\""));
    knee_free(json);
    /* also when the policy makes the unknown look like a number: renormalise leaves Q's
       evidence out (contribution 0), which used to read as a difference */
    knee_result_free(r);
    r = compare_with(rs, NULL, KNEE_MISSING_RENORMALISE);
    CU_ASSERT_EQUAL(knee_result_why(r, kt_option(r, "q"), kt_option(r, "t"), &json), KNEE_OK);
    CU_ASSERT_PTR_NULL(strstr(json, "{\"criterion\":\"evidence\",\"difference\":"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"unknown\":[{\"criterion\":\"evidence\""));
    knee_free(json);
    knee_result_free(r);
}

/* SMAA draws the unknown utilities: Q's evidence, 0 to 1, lets it rank first in some samples.
 * Scored at the worst (0), Q never is: S (cost 1, evidence 0) is ahead of it whatever the
 * weights. Seeded: the same bits twice. */
static void test_smaa_samples_unknowns(void)
{
    knee_compare_options *o = NULL;
    knee_result *r = NULL;
    char *a = NULL, *b = NULL;
    double first_q;
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 2000, 11, 0), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, o, r), KNEE_OK);
    first_q = knee_result_rank_acceptability(r, kt_option(r, "q"), 1);
    CU_ASSERT(first_q > 0.01);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &a, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, o, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &b, NULL), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(a, b);
    knee_free(a);
    knee_free(b);
    /* with the unknown scored at the worst there is nothing to draw for Q */
    CU_ASSERT_EQUAL(knee_compare_options_set_missing(o, KNEE_MISSING_WORST), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, o, r), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_rank_acceptability(r, kt_option(r, "q"), 1), 0, 0);
    knee_result_free(r);
    knee_compare_options_free(o);
}

/* Ties are ties: scores within 1e-12 share the rank of the first (1, 1, 1, 4), listed by name
 * whatever the file order, and sensitivity on a tied top says so with nothing contradictory. */
static const char *const tie_head =
    "<ruleset xmlns='urn:libknee:rules:1' id='tie' version='1.0.0' status='draft' title='T' "
    "evidence-as-of='2025-01-01'><sources><source id='s' title='S' year='2020' "
    "url='https://e.org'/>"
    "</sources><facts><fact id='age' type='number'/></facts><criteria><criterion id='c' label='C' "
    "direction='maximize' weight='1'>"
    "<scale worst='0' best='10'/></criterion><criterion id='d' label='D' direction='maximize' "
    "weight='1'><scale worst='0' best='10'/></criterion></criteria>";

static knee_ruleset *tie_rules(const char *const *treatments, size_t n)
{
    char doc[8192];
    size_t k, o = (size_t)snprintf(doc, sizeof doc, "%s", tie_head);
    knee_ruleset *out = NULL;
    for (k = 0; k < n; k++)
        o += (size_t)snprintf(doc + o, sizeof doc - o, "%s", treatments[k]);
    snprintf(doc + o, sizeof doc - o, "</ruleset>");
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&out, doc, strlen(doc), "tie.xml", NULL, NULL),
                    KNEE_OK);
    return out;
}

static void test_ties(void)
{
    /* Gamma, Alpha and Beta score 0.55 whatever the sum's order (0.3 + 0.8 and 0.8 + 0.3, 0.55 +
       0.55); Delta 0.5. */
    static const char *const opts[] = {
        "<treatment id='g' name='Gamma'><value criterion='c' typical='3' source='s'/>"
        "<value criterion='d' typical='8' source='s'/></treatment>",
        "<treatment id='a' name='Alpha'><value criterion='c' typical='8' source='s'/>"
        "<value criterion='d' typical='3' source='s'/></treatment>",
        "<treatment id='d' name='Delta'><value criterion='c' typical='5' source='s'/>"
        "<value criterion='d' typical='5' source='s'/></treatment>",
        "<treatment id='b' name='Beta'><value criterion='c' typical='5.5' source='s'/>"
        "<value criterion='d' typical='5.5' source='s'/></treatment>",
    };
    static const size_t orders[][4] = {{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}};
    size_t k;
    for (k = 0; k < 3; k++) {
        const char *const shuffled[] = {opts[orders[k][0]], opts[orders[k][1]], opts[orders[k][2]],
                                        opts[orders[k][3]]};
        knee_ruleset *t = tie_rules(shuffled, 4);
        knee_compare_options *o = NULL;
        knee_result *r = NULL;
        char *json = NULL;
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.05), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_compare_ex(t, NULL, o, r), KNEE_OK);
        CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "a");
        CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 1), "b");
        CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 2), "g");
        CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 3), "d");
        CU_ASSERT_EQUAL(knee_result_option_rank(r, 0), 1);
        CU_ASSERT_EQUAL(knee_result_option_rank(r, 1), 1);
        CU_ASSERT_EQUAL(knee_result_option_rank(r, 2), 1);
        CU_ASSERT_EQUAL(knee_result_option_rank(r, 3), 4);
        CU_ASSERT_EQUAL(knee_result_option_tie_count(r, 1), 2);
        CU_ASSERT_STRING_EQUAL(knee_result_option_tied_with(r, 1, 0), "a");
        CU_ASSERT_STRING_EQUAL(knee_result_option_tied_with(r, 1, 1), "g");
        CU_ASSERT_EQUAL(knee_result_option_tie_count(r, 3), 0);
        /* no winner: margin 0, not fragile; the top changes only when a weight separates them */
        CU_ASSERT_DOUBLE_EQUAL(knee_result_winner_margin(r), 0, 0);
        CU_ASSERT_EQUAL(knee_result_winner_fragile(r), 0);
        CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
        CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"tied_top\":[\"a\",\"b\",\"g\"]"));
        CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"tied_with\":[\"a\",\"g\"]"));
        knee_free(json);
        knee_result_free(r);
        knee_compare_options_free(o);
        knee_ruleset_free(t);
    }
}

/* A margin equal to the fragile threshold in exact arithmetic is not fragile, although it is
 * computed a little below it (0.35 - 0.3 = 0.04999999999999999). */
static void test_fragile_tolerance(void)
{
    static const char *const opts[] = {
        "<treatment id='x' name='X'><value criterion='c' typical='3' source='s'/>"
        "<value criterion='d' typical='4' source='s'/></treatment>",
        "<treatment id='y' name='Y'><value criterion='c' typical='2' source='s'/>"
        "<value criterion='d' typical='4' source='s'/></treatment>",
    };
    knee_ruleset *t = tie_rules(opts, 2);
    knee_compare_options *o = NULL;
    knee_result *r = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.05), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(t, NULL, o, r), KNEE_OK);
    CU_ASSERT(knee_result_winner_margin(r) < 0.05); /* the premise: rounding, below 0.05 */
    CU_ASSERT_DOUBLE_EQUAL(knee_result_winner_margin(r), 0.05, 1e-15);
    CU_ASSERT_EQUAL(knee_result_winner_fragile(r), 0);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.0501), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(t, NULL, o, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_winner_fragile(r), 1);
    knee_result_free(r);
    knee_compare_options_free(o);
    knee_ruleset_free(t);
}

/* The default rules with their options shuffled (several seeds) rank every patient of a
 * grid exactly as the file as shipped: ranks, scores, ranges and ties by option id. */
static char *shuffled_default(const char *xml, unsigned seed, size_t *len)
{
    const char *first = strstr(xml, "\n  <treatment "), *end = strstr(xml, "\n  <rules>");
    const char *block[64];
    size_t n = 0, k, o;
    char *out = malloc(strlen(xml) + 1);
    CU_ASSERT_FATAL(first && end && out);
    for (const char *p = first; p && p < end; p = strstr(p + 1, "\n  <treatment "))
        block[n++] = p;
    for (k = n - 1; k > 0; k--) { /* Fisher-Yates with a small LCG */
        size_t j;
        const char *tmp;
        seed = seed * 1103515245u + 12345u;
        j = (seed >> 8) % (k + 1);
        tmp = block[k];
        block[k] = block[j];
        block[j] = tmp;
    }
    o = (size_t)(first - xml);
    memcpy(out, xml, o);
    for (k = 0; k < n; k++) {
        const char *stop = strstr(block[k] + 1, "\n  <treatment ");
        size_t bl;
        if (!stop || stop > end)
            stop = end;
        bl = (size_t)(stop - block[k]);
        memcpy(out + o, block[k], bl);
        o += bl;
    }
    strcpy(out + o, end);
    *len = o + strlen(end);
    return out;
}

/* One patient's outcome by option id (the file's option order), to compare across orders. */
static void outcome(const knee_result *r, const knee_ruleset *set, char *buf, size_t size)
{
    size_t t, i, o = 0;
    for (t = 0; t < knee_ruleset_option_count(set); t++) {
        const char *id = knee_ruleset_option_id(set, t);
        char sorted_ties[1024] = "";
        for (i = 0; i < knee_result_option_count(r); i++)
            if (strcmp(knee_result_option_id(r, i), id) == 0)
                break;
        {
            double lo = 0, hi = 0;
            int b = 0, w = 0;
            size_t k, n = knee_result_option_tie_count(r, i), sl = 0;
            knee_result_option_score_range(r, i, &lo, &hi);
            knee_result_option_rank_range(r, i, &b, &w);
            for (k = 0; k < n; k++) /* tied_with is in result order: by name either way */
                sl += (size_t)snprintf(sorted_ties + sl, sizeof sorted_ties - sl, "%s,",
                                       knee_result_option_tied_with(r, i, k));
            o += (size_t)snprintf(buf + o, size - o, "%s:%d:%a:%a:%a:%d:%d:%s:%zu;", id,
                                  knee_result_option_rank(r, i), knee_result_option_score(r, i), lo,
                                  hi, b, w, sorted_ties, knee_result_dominator_count(r, i));
        }
    }
}

static void test_shuffled_default_rules(void)
{
    static const char *const payers[] = {"medicare", "commercial-aetna", "self-pay", "medicaid"};
    static const char *const ages[] = {"45", "60", "72"};
    char path[1024], *xml, *a, *b;
    size_t len, k, n_patients = 0;
    knee_ruleset *orig = NULL;
    unsigned seed;
    snprintf(path, sizeof path, "%s/knee-oa.xml", KNEE_RULES_DIR);
    xml = kt_read(path, &len);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&orig, xml, len, "knee-oa.xml", NULL, NULL),
                          KNEE_OK);
    a = malloc(1 << 16);
    b = malloc(1 << 16);
    for (seed = 1; seed <= 5; seed++) {
        size_t slen, age, kl, payer, dia, moved = 0;
        char *text = shuffled_default(xml, seed, &slen);
        knee_ruleset *sh = NULL;
        knee_patient *p1 = NULL, *p2 = NULL;
        knee_result *r1 = NULL, *r2 = NULL;
        CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&sh, text, slen, "shuffled.xml", NULL, NULL),
                              KNEE_OK);
        for (k = 0; k < knee_ruleset_option_count(sh); k++) /* the shuffle moved options */
            moved += strcmp(knee_ruleset_option_id(sh, k), knee_ruleset_option_id(orig, k)) != 0;
        CU_ASSERT(moved > 0);
        CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p1, orig), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p2, sh), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r1), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r2), KNEE_OK);
        for (age = 0; age < 3; age++)
            for (kl = 0; kl <= 4; kl++)
                for (payer = 0; payer < 4; payer++)
                    for (dia = 0; dia < 2; dia++) {
                        char klt[8];
                        knee_patient *ps[2];
                        int m;
                        ps[0] = p1;
                        ps[1] = p2;
                        snprintf(klt, sizeof klt, "%zu", kl);
                        for (m = 0; m < 2; m++) {
                            knee_patient_clear(ps[m]);
                            knee_patient_set_text(ps[m], "age", ages[age]);
                            knee_patient_set_text(ps[m], "kl_grade", klt);
                            knee_patient_set_text(ps[m], "payer", payers[payer]);
                            knee_patient_set_text(ps[m], "diabetes", dia ? "yes" : "no");
                        }
                        CU_ASSERT_EQUAL_FATAL(knee_compare(orig, p1, r1), KNEE_OK);
                        CU_ASSERT_EQUAL_FATAL(knee_compare(sh, p2, r2), KNEE_OK);
                        outcome(r1, orig, a, 1 << 16);
                        outcome(r2, orig, b, 1 << 16);
                        CU_ASSERT_STRING_EQUAL(a, b);
                        for (k = 0; k < knee_result_option_count(r1); k++) /* same listing */
                            CU_ASSERT_STRING_EQUAL(
                                knee_result_option_id(r1, k),
                                knee_result_option_id(r2, k) ? knee_result_option_id(r2, k) : "");
                        n_patients++;
                    }
        knee_result_free(r1);
        knee_result_free(r2);
        knee_patient_free(p1);
        knee_patient_free(p2);
        knee_ruleset_free(sh);
        free(text);
    }
    CU_ASSERT_EQUAL(n_patients, 5 * 3 * 5 * 4 * 2);
    free(a);
    free(b);
    knee_ruleset_free(orig);
    free(xml);
}

/* Bounds are checked at load: on the scale, low before high, levels declared, the right kind
 * for the criterion, and with a source. */
static void test_bounds_checked(void)
{
    static const struct {
        const char *to, *code;
    } cases[] = {
        {"<value criterion=\"cost\" unknown=\"true\" low=\"100\" high=\"3000\" source=\"s1\"/>",
         "value-bounds"},
        {"<value criterion=\"cost\" unknown=\"true\" low=\"300\" high=\"100\" source=\"s1\"/>",
         "value-bounds"},
        {"<value criterion=\"cost\" unknown=\"true\" low=\"100\" high=\"300\"/>",
         "bounds-without-source"},
        {"<value criterion=\"cost\" unknown=\"true\" typical=\"200\" source=\"s1\"/>",
         "value-kind"},
        {"<value criterion=\"cost\" unknown=\"true\" low-level=\"low\" source=\"s1\"/>",
         "value-kind"},
    };
    static const struct {
        const char *to, *code;
    } level_cases[] = {
        {"<value criterion=\"evidence\" unknown=\"true\" low-level=\"high\" high-level=\"low\" "
         "source=\"s1\"/>",
         "value-bounds"},
        {"<value criterion=\"evidence\" unknown=\"true\" low-level=\"great\" source=\"s1\"/>",
         "unknown-level"},
        {"<value criterion=\"evidence\" unknown=\"true\" low=\"1\" source=\"s1\"/>", "value-kind"},
        {"<value criterion=\"evidence\" level=\"low\" high-level=\"high\" source=\"s1\"/>",
         "value-kind"},
    };
    size_t k;
    for (k = 0; k < sizeof cases / sizeof *cases; k++) {
        knee_diag *d = NULL;
        knee_ruleset *bad =
            load_edited("ranges.xml",
                        "<value criterion=\"cost\" unknown=\"true\" low=\"100\" high=\"300\" "
                        "source=\"s1\" note=\"plausible price band\"/>",
                        cases[k].to, &d);
        CU_ASSERT_PTR_NULL(bad);
        if (!kt_has_diag(d, cases[k].code, 0, 0)) {
            fprintf(stderr, "\n  case %zu: expected %s\n", k, cases[k].code);
            kt_dump(d);
            CU_FAIL("diagnostic missing");
        }
        knee_diag_free(d);
        knee_ruleset_free(bad);
    }
    for (k = 0; k < sizeof level_cases / sizeof *level_cases; k++) {
        knee_diag *d = NULL;
        knee_ruleset *bad =
            load_edited("ranges.xml",
                        "<value criterion=\"evidence\" unknown=\"true\" low-level=\"moderate\" "
                        "high-level=\"high\" source=\"s1\"/>",
                        level_cases[k].to, &d);
        CU_ASSERT_PTR_NULL(bad);
        if (!kt_has_diag(d, level_cases[k].code, 0, 0)) {
            fprintf(stderr, "\n  level case %zu: expected %s\n", k, level_cases[k].code);
            kt_dump(d);
            CU_FAIL("diagnostic missing");
        }
        knee_diag_free(d);
        knee_ruleset_free(bad);
    }
    /* one side given: the other is the scale's end (cost 0-300: utilities 0.7 to 1) */
    {
        knee_ruleset *one = load_edited("ranges.xml", "low=\"100\" high=\"300\" source=\"s1\"",
                                        "high=\"300\" source=\"s1\"", NULL);
        knee_result *r = NULL;
        CU_ASSERT_PTR_NOT_NULL_FATAL(one);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(one, NULL, r), KNEE_OK);
        check_score(r, "p", 0.925, 0.85, 1.0);
        knee_result_free(r);
        knee_ruleset_free(one);
    }
}

/* Rule-file expectations say "above" and "rank range", and fail with a clear line. */
static void test_expectations_fail_clearly(void)
{
    knee_ruleset *bad = load_edited(
        "ranges.xml",
        "<expect option=\"s\" rank=\"5\" rank-range-best=\"3\" rank-range-worst=\"5\"/>",
        "<expect option=\"s\" above=\"r\"/><expect option=\"q\" above=\"t\"/>"
        "<expect option=\"q\" rank-range-best=\"2\"/><expect option=\"q\" rank-range-worst=\"4\"/>"
        "<expect option=\"s\" above=\"nobody\"/>",
        NULL);
    knee_diag *d = NULL;
    size_t cases = 0, failed = 0;
    char *report = NULL;
    CU_ASSERT_PTR_NULL(bad); /* above= names an option that does not exist */
    knee_ruleset_free(bad);
    bad = load_edited(
        "ranges.xml",
        "<expect option=\"s\" rank=\"5\" rank-range-best=\"3\" rank-range-worst=\"5\"/>",
        "<expect option=\"s\" above=\"nobody\"/>", &d);
    CU_ASSERT(kt_has_diag(d, "unknown-option", 0, 0));
    knee_diag_free(d);
    knee_ruleset_free(bad);
    bad = load_edited(
        "ranges.xml",
        "<expect option=\"s\" rank=\"5\" rank-range-best=\"3\" rank-range-worst=\"5\"/>",
        "<expect option=\"s\" above=\"r\"/><expect option=\"q\" above=\"t\"/>"
        "<expect option=\"q\" rank-range-best=\"2\"/><expect option=\"q\" rank-range-worst=\"4\"/>",
        NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    CU_ASSERT_EQUAL(knee_ruleset_run_tests(bad, &cases, &failed, &report), KNEE_OK);
    CU_ASSERT_EQUAL(failed, 1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(report, "no-facts: s: expected above r, got rank 5 against rank 4\n"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(report, "no-facts: q: expected above t, got rank 3 against rank 2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        report,
        "no-facts: q: expected best rank 2 over the unknown values, got rank range 1 to 5\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        report,
        "no-facts: q: expected worst rank 4 over the unknown values, got rank range 1 to 5\n"));
    knee_free(report);
    knee_ruleset_free(bad);
}

/* Every missing policy compares without allocating once the result is warm. */
static void test_no_allocation_any_policy(void)
{
    knee_ruleset *def = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_compare_options *o = NULL;
    int m, k;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&def, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, def), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "age", "72"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "payer", "commercial-aetna"), KNEE_OK);
    for (m = KNEE_MISSING_DEFAULT; m <= KNEE_MISSING_REFUSE; m++) {
        CU_ASSERT_EQUAL(knee_compare_options_set_missing(o, m), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare_ex(def, p, o, r), KNEE_OK); /* warm-up */
        knee__fault_inject(-1);
        for (k = 0; k < 5; k++)
            CU_ASSERT_EQUAL(knee_compare_ex(def, p, o, r), KNEE_OK);
        CU_ASSERT_EQUAL(knee__fault_inject(-1), 0);
    }
    CU_ASSERT_EQUAL(knee_compare_options_set_missing(o, 7), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_missing(o, -1), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_missing(NULL, 1), KNEE_EINVAL);
    knee_compare_options_free(o);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(def);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("ranges", setup, teardown);
    CU_add_test(s, "an unknown value's point and range", test_points_and_ranges);
    CU_add_test(s, "rank ranges, by hand", test_rank_ranges);
    CU_add_test(s, "rank ranges beyond 64 options", test_rank_ranges_many);
    CU_add_test(s, "learning a value stays within the old range", test_learning_stays_in_range);
    CU_add_test(s, "rules set an unknown value and shift its bounds",
                test_rules_and_unknown_values);
    CU_add_test(s, "the other missing policies", test_other_policies);
    CU_add_test(s, "no ranges for the other methods", test_no_range_for_other_methods);
    CU_add_test(s, "dominance whatever the unknowns are", test_dominance_with_ranges);
    CU_add_test(s, "dominance beyond 32 options, as pair by pair", test_dominance_many);
    CU_add_test(s, "why never credits the unknown", test_why_never_credits_the_unknown);
    CU_add_test(s, "SMAA samples unknown values", test_smaa_samples_unknowns);
    CU_add_test(s, "ties are ties, listed by name", test_ties);
    CU_add_test(s, "fragile margin with a tolerance", test_fragile_tolerance);
    CU_add_test(s, "shuffled default rules rank the same", test_shuffled_default_rules);
    CU_add_test(s, "bounds are checked at load", test_bounds_checked);
    CU_add_test(s, "above= and rank-range= fail clearly", test_expectations_fail_clearly);
    CU_add_test(s, "no allocation after warm-up, any policy", test_no_allocation_any_policy);
    return kt_run();
}

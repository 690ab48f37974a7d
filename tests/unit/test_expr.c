/* test_expr.c - the condition language: parsing, type checking, errors with offsets, limits,
 * three-valued evaluation, fact lists, locale independence, threads and allocation. */
#include <CUnit/Basic.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "rules/expr.h"
#include "knee.h"
#include "base/regex.h"

/* ---- a fake ruleset: declared facts and a patient ------------------------------------------ */

enum { F_AGE, F_KL, F_DIAB, F_PAYER, F_PRIOR, F_SMOKER, F_BMI, F_SEX, N_FACTS };

static const struct {
    const char *id;
    int type;
} decls[N_FACTS] = {
    {"age", KNEE_FACT_NUMBER},   {"kl_grade", KNEE_FACT_INTEGER}, {"diabetes", KNEE_FACT_BOOLEAN},
    {"payer", KNEE_FACT_STRING}, {"prior", KNEE_FACT_SET},        {"smoker", KNEE_FACT_BOOLEAN},
    {"bmi", KNEE_FACT_NUMBER},   {"sex", KNEE_FACT_STRING},
};

static int lookup(void *ctx, const char *name, size_t len, int *type)
{
    int i;
    (void)ctx;
    for (i = 0; i < N_FACTS; i++)
        if (strlen(decls[i].id) == len && memcmp(decls[i].id, name, len) == 0) {
            *type = decls[i].type;
            return i;
        }
    return -1;
}

static knee__factval facts[N_FACTS];
static char *prior_members[8];
static knee__match_scratch *scratch;
static const knee__expr_limits default_limits = {4096, 64};

static void forget_all(void)
{
    int i;
    memset(facts, 0, sizeof facts);
    for (i = 0; i < N_FACTS; i++)
        facts[i].type = decls[i].type;
}

static void set_num(int f, double v)
{
    facts[f].known = 1;
    facts[f].num = v;
}

static void set_bool(int f, int v)
{
    facts[f].known = 1;
    facts[f].boolean = v;
}

static void set_str(int f, const char *s)
{
    facts[f].known = 1;
    facts[f].str = s;
    facts[f].str_len = strlen(s);
}

static void set_prior(const char *const *m, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        memcpy(&prior_members[i], &m[i], sizeof m[i]); /* facts.h members are not const */
    facts[F_PRIOR].known = 1;
    facts[F_PRIOR].members = prior_members;
    facts[F_PRIOR].n_members = n;
}

/* A typical patient. */
static void patient(void)
{
    static const char *const prior[] = {"pt", "nsaid", "steroid-3mo"};
    forget_all();
    set_num(F_AGE, 70);
    set_num(F_KL, 4);
    set_bool(F_DIAB, 1);
    set_str(F_PAYER, "medicare part b");
    set_prior(prior, 3);
    set_bool(F_SMOKER, 0);
    set_num(F_BMI, 31.5);
    set_str(F_SEX, "f");
}

static int suite_init(void)
{
    return knee__match_scratch_new(&scratch, 100000, 1000, 1024, 0) == KNEE_OK ? 0 : 1;
}

static int suite_cleanup(void)
{
    knee__match_scratch_free(scratch);
    scratch = NULL;
    return 0;
}

/* ---- assertion helpers (report the condition text on failure) ------------------------------ */

/* CUnit copies the condition text, so a formatted message can describe the failure. */
static void report(int ok, int line, const char *what, const char *text, const char *detail)
{
    char msg[700];
    snprintf(msg, sizeof msg, "%s \"%s\": %s", what, text, detail);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, __FILE__, "", CU_FALSE);
}

static const char *tv(int t)
{
    switch (t) {
    case KNEE__TRUE:
        return "TRUE";
    case KNEE__FALSE:
        return "FALSE";
    case KNEE__UNKNOWN:
        return "UNKNOWN";
    case KNEE_EREGEX:
        return "KNEE_EREGEX";
    default:
        return "other";
    }
}

static knee__expr *compile_lim(const char *text, const knee__expr_limits *lim, int line)
{
    knee__expr *e = NULL;
    knee__expr_error err;
    int rc = knee__expr_compile(&e, text, strlen(text), lookup, NULL, lim, &err);
    report(rc == KNEE_OK && e != NULL, line, "compile", text, rc == KNEE_OK ? "ok" : err.message);
    return e;
}

static void check_truth(const char *text, int want, int line)
{
    knee__expr *e = compile_lim(text, &default_limits, line);
    char err[256] = "", detail[300];
    int got;
    if (!e)
        return;
    got = knee__expr_eval(e, facts, scratch, err, sizeof err);
    snprintf(detail, sizeof detail, "got %s, want %s %s", tv(got), tv(want), err);
    report(got == want, line, "eval", text, detail);
    knee__expr_free(e);
}

static void check_error_lim(const char *text, const knee__expr_limits *lim, int want_rc,
                            const char *want_code, size_t want_off, const char *want_msg, int line)
{
    knee__expr *e = (knee__expr *)&e; /* must come back NULL */
    knee__expr_error err;
    char detail[500];
    int rc = knee__expr_compile(&e, text, strlen(text), lookup, NULL, lim, &err);
    int ok = rc == want_rc && e == NULL && err.code && strcmp(err.code, want_code) == 0 &&
             err.offset == want_off && strstr(err.message, want_msg) != NULL;
    snprintf(detail, sizeof detail,
             "rc %d code %s offset %lu message \"%s\"; want rc %d code %s "
             "offset %lu message containing \"%s\"",
             rc, err.code ? err.code : "(null)", (unsigned long)err.offset, err.message, want_rc,
             want_code, (unsigned long)want_off, want_msg);
    report(ok, line, "compile", text, detail);
    if (rc == KNEE_OK && e)
        knee__expr_free(e);
}

#define T KNEE__TRUE
#define F KNEE__FALSE
#define U KNEE__UNKNOWN
#define CHECK(text, want) check_truth((text), (want), __LINE__)
#define CHECK_ERR(text, code, off, msg)                                                            \
    check_error_lim((text), &default_limits, KNEE_EINVALID, (code), (off), (msg), __LINE__)
#define SYNTAX(text, off, msg) CHECK_ERR((text), "expr-syntax", (off), (msg))
#define TYPE(text, off, msg) CHECK_ERR((text), "expr-type", (off), (msg))

/* ---- operators and precedence -------------------------------------------------------------- */

static void test_literals(void)
{
    patient();
    CHECK("true", T);
    CHECK("false", F);
    CHECK("1 < 2", T);
    CHECK("'a' = 'a'", T);
    CHECK("\"a\" != 'a'", F);
    CHECK("true = true", T);
    CHECK("true != false", T);
    CHECK("3 in [1, 2, 3]", T);
    CHECK("2 in 1..3", T);
    CHECK("'abc' ~ 'b'", T);
}

static void test_numeric_comparisons(void)
{
    patient(); /* age 70, kl_grade 4, bmi 31.5 */
    CHECK("age < 71", T);
    CHECK("age < 70", F);
    CHECK("age <= 70", T);
    CHECK("age <= 69.99", F);
    CHECK("age > 69", T);
    CHECK("age > 70", F);
    CHECK("age >= 70", T);
    CHECK("age >= 70.01", F);
    CHECK("age = 70", T);
    CHECK("age = 71", F);
    CHECK("age != 71", T);
    CHECK("age != 70", F);
    CHECK("kl_grade = 4", T);
    CHECK("kl_grade = 4.0", T);
    CHECK("kl_grade <= 2", F);
    CHECK("age > kl_grade", T);
    CHECK("bmi >= 31.5", T);
    CHECK("bmi < 31.5", F);
    /* Number forms: sign, fraction, exponent; no blanks needed around operators. */
    CHECK("age = 7e1", T);
    CHECK("age = 7E+1", T);
    CHECK("age = 700e-1", T);
    CHECK("age > -5", T);
    CHECK("age > +69.5", T);
    CHECK("age>=70", T);
    CHECK("age>-1e-3", T);
    CHECK("\tage\n>\r\n69 ", T);
}

static void test_string_comparisons(void)
{
    patient(); /* payer "medicare part b", sex "f" */
    CHECK("payer = 'medicare part b'", T);
    CHECK("payer = \"medicare part b\"", T);
    CHECK("payer = 'Medicare part b'", F); /* exact, case-sensitive */
    CHECK("payer = 'medicare part'", F);   /* whole string, not a prefix */
    CHECK("payer != 'medicaid'", T);
    CHECK("payer != 'medicare part b'", F);
    CHECK("sex = 'f'", T);
    CHECK("sex = payer", F);
    CHECK("sex != payer", T);
    /* Escapes \\ \' \" in either quote style. */
    set_str(F_PAYER, "it's");
    CHECK("payer = 'it\\'s'", T);
    CHECK("payer = \"it's\"", T);
    set_str(F_PAYER, "say \"hi\"");
    CHECK("payer = \"say \\\"hi\\\"\"", T);
    CHECK("payer = 'say \"hi\"'", T);
    set_str(F_PAYER, "a\\b");
    CHECK("payer = 'a\\\\b'", T);
    CHECK("payer = 'a\\b'", T); /* a backslash before another character is kept */
    set_str(F_PAYER, "");
    CHECK("payer = ''", T);
    CHECK("payer = ' '", F);
    set_str(F_PAYER, "\xc3\xa9t\xc3\xa9");
    CHECK("payer = '\xc3\xa9t\xc3\xa9'", T);
}

static void test_boolean_comparisons(void)
{
    patient(); /* diabetes true, smoker false */
    CHECK("diabetes", T);
    CHECK("smoker", F);
    CHECK("diabetes = true", T);
    CHECK("diabetes = false", F);
    CHECK("diabetes != false", T);
    CHECK("smoker = false", T);
    CHECK("diabetes != smoker", T);
    CHECK("diabetes = smoker", F);
    CHECK("(age > 60) = diabetes", T);
    CHECK("(age > 60) = (age > 80)", F);
    CHECK("known(age) = true", T);
    CHECK("known(age) != true", F);
    CHECK("diabetes = (age > 3)", T);
    CHECK("(age) > 3", T); /* a parenthesised operand keeps its type */
    CHECK("((payer)) = 'medicare part b'", T);
}

static void test_precedence(void)
{
    patient(); /* diabetes true, smoker false, age 70 */
    /* and binds tighter than or: T or (F and F) = T; (T or F) and F would be F. */
    CHECK("diabetes or smoker and false", T);
    CHECK("false and smoker or diabetes", T);
    /* not binds tighter than and: (not F) and F = F; not (F and F) would be T. */
    CHECK("not smoker and smoker", F);
    /* not applies to the whole comparison. */
    CHECK("not age > 100", T);
    CHECK("not age = 70", F);
    CHECK("diabetes and not smoker or false", T);
    CHECK("age > 60 and age < 80", T);
    CHECK("age > 60 and age < 65 or kl_grade = 4", T);
    CHECK("age > 60 and (age < 65 or kl_grade = 4)", T);
    CHECK("age > 80 and (age < 65 or kl_grade = 4)", F);
    /* Parentheses override. */
    CHECK("(diabetes or smoker) and false", F);
    CHECK("diabetes or (smoker and false)", T);
    CHECK("not (diabetes and smoker)", T);
    CHECK("not (diabetes or smoker)", F);
    CHECK("not not diabetes", T);
    CHECK("not not not diabetes", F);
    /* n-ary chains */
    CHECK("diabetes and diabetes and diabetes and not smoker", T);
    CHECK("diabetes and diabetes and smoker and diabetes", F);
    CHECK("smoker or smoker or smoker or diabetes", T);
    CHECK("smoker or smoker or smoker", F);
}

static void test_lists_and_ranges(void)
{
    patient(); /* age 70, kl_grade 4, payer "medicare part b" */
    CHECK("age in [60, 70, 80]", T);
    CHECK("age in [60, 80]", F);
    CHECK("age in [70]", T);
    CHECK("age in [-1, 7e1]", T);
    CHECK("kl_grade in [3,4]", T);
    CHECK("payer in ['medicaid', 'medicare part b']", T);
    CHECK("payer in [\"medicare part b\"]", T);
    CHECK("payer in ['medicare', 'part b']", F);
    CHECK("not payer in ['x']", T);
    CHECK("age in 65..75", T);
    CHECK("age in 70..75", T); /* inclusive */
    CHECK("age in 60..70", T);
    CHECK("age in 70..70", T);
    CHECK("age in 70.5..80", F);
    CHECK("age in 0..69.9", F);
    CHECK("age in -10..-1", F);
    CHECK("age in -100..1e3", T);
    CHECK("kl_grade in 3..4", T);
    CHECK("kl_grade in 1 .. 2", F);
    set_num(F_BMI, -0.5);
    CHECK("bmi in -1.5..2.5", T);
}

static void test_set_membership(void)
{
    static const char *const one[] = {"nsaid"};
    patient(); /* prior {pt, nsaid, steroid-3mo} */
    CHECK("'nsaid' in prior", T);
    CHECK("\"pt\" in prior", T);
    CHECK("'steroid-3mo' in prior", T);
    CHECK("'surgery' in prior", F);
    CHECK("'nsai' in prior", F);   /* exact, not a prefix */
    CHECK("'NSAID' in prior", F);  /* case-sensitive */
    CHECK("'nsaid ' in prior", F); /* no trimming */
    CHECK("not 'surgery' in prior", T);
    set_str(F_SEX, "pt");
    CHECK("sex in prior", T); /* a string fact on the left */
    set_str(F_SEX, "x");
    CHECK("sex in prior", F);
    set_prior(NULL, 0);
    CHECK("'pt' in prior", F); /* known and empty: false, not unknown */
    set_prior(one, 1);
    CHECK("'nsaid' in prior", T);
}

static void test_regex_match(void)
{
    patient(); /* payer "medicare part b" */
    CHECK("payer ~ '^medicare'", T);
    CHECK("payer ~ '^part'", F);
    CHECK("payer ~ 'part'", T);
    CHECK("payer ~ '^Medicare'", F);
    CHECK("payer ~ '(?i)^MEDICARE'", T);
    CHECK("payer ~ \"(?i)^(medicare|mcr)\"", T);
    CHECK("payer ~ 'b$'", T);
    CHECK("not payer ~ 'medicaid'", T);
    set_str(F_PAYER, "123");
    CHECK("payer ~ '^\\d+$'", T);   /* '\d' reaches PCRE2 as written */
    CHECK("payer ~ '^\\\\d+$'", T); /* so does '\\d' */
    set_str(F_PAYER, "12a");
    CHECK("payer ~ '^\\d+$'", F);
    set_str(F_PAYER, "it's");
    CHECK("payer ~ '^it\\'s$'", T);
    set_str(F_PAYER, "a.b");
    CHECK("payer ~ '^a\\.b$'", T);
    set_str(F_PAYER, "axb");
    CHECK("payer ~ '^a\\.b$'", F);
    set_str(F_PAYER, "\xc3\xa9");
    CHECK("payer ~ '^.$'", T); /* UTF mode */
}

/* ---- three-valued logic ---------------------------------------------------------------------- */

static void set_tri(int f, int t)
{
    if (t == U) {
        facts[f].known = 0;
    } else {
        facts[f].known = 1;
        facts[f].boolean = t == T;
    }
}

static int kleene_and(int a, int b)
{
    if (a == F || b == F)
        return F;
    if (a == U || b == U)
        return U;
    return T;
}

static int kleene_or(int a, int b)
{
    if (a == T || b == T)
        return T;
    if (a == U || b == U)
        return U;
    return F;
}

static void test_truth_tables(void)
{
    static const int vals[3] = {T, F, U};
    /* The expected tables spelled out (row: diabetes, column: smoker; order T F U). */
    static const int and_table[3][3] = {{T, F, U}, {F, F, F}, {U, F, U}};
    static const int or_table[3][3] = {{T, T, T}, {T, F, U}, {T, U, U}};
    static const int not_table[3] = {F, T, U};
    int i, j;
    forget_all();
    for (i = 0; i < 3; i++) {
        set_tri(F_DIAB, vals[i]);
        CHECK("not diabetes", not_table[i]);
        CHECK("diabetes", vals[i]);
        for (j = 0; j < 3; j++) {
            set_tri(F_SMOKER, vals[j]);
            CU_ASSERT_EQUAL(and_table[i][j], kleene_and(vals[i], vals[j]));
            CU_ASSERT_EQUAL(or_table[i][j], kleene_or(vals[i], vals[j]));
            CHECK("diabetes and smoker", and_table[i][j]);
            CHECK("smoker and diabetes", and_table[i][j]);
            CHECK("diabetes or smoker", or_table[i][j]);
            CHECK("smoker or diabetes", or_table[i][j]);
            CHECK("not (diabetes and smoker)",
                  and_table[i][j] == U ? U : (and_table[i][j] == T ? F : T));
            CHECK("diabetes and smoker and true", and_table[i][j]);
            CHECK("diabetes or smoker or false", or_table[i][j]);
        }
    }
}

static void test_unknown_operands(void)
{
    forget_all(); /* nothing known */
    CHECK("false and diabetes", F);
    CHECK("diabetes and false", F);
    CHECK("true or diabetes", T);
    CHECK("diabetes or true", T);
    CHECK("true and diabetes", U);
    CHECK("false or diabetes", U);
    CHECK("not diabetes", U);
    CHECK("age > 3", U);
    CHECK("age < 3", U);
    CHECK("age = 3", U);
    CHECK("age != 3", U);
    CHECK("not age > 3", U);
    CHECK("3 < age", U);
    CHECK("age = age", U);
    CHECK("payer = 'x'", U);
    CHECK("payer != 'x'", U);
    CHECK("diabetes = true", U);
    CHECK("diabetes != true", U);
    CHECK("(age > 3) = true", U);
    CHECK("age in [1, 2]", U);
    CHECK("payer in ['a']", U);
    CHECK("age in 1..2", U);
    CHECK("'x' in prior", U);
    CHECK("payer ~ 'x'", U);
    CHECK("payer ~ '^(a+)+$'", U);
    /* known() is never unknown. */
    CHECK("known(age)", F);
    CHECK("not known(age)", T);
    CHECK("known(prior)", F);
    CHECK("known(age) and age > 3", F);
    CHECK("not known(age) or age > 3", T);
    /* One operand known, the other not. */
    set_num(F_AGE, 70);
    CHECK("age > 3 and bmi > 3", U);
    CHECK("age > 3 or bmi > 3", T);
    CHECK("age > 80 and bmi > 3", F);
    CHECK("age = bmi", U);
    CHECK("known(age)", T);
    CHECK("known(age) and known(bmi)", F);
    set_str(F_PAYER, "x");
    CHECK("payer in prior", U); /* known string, unknown set */
    CHECK("'x' in prior or payer = 'x'", T);
    set_prior(NULL, 0);
    CHECK("sex in prior", U); /* unknown string, known set */
}

/* ---- errors -------------------------------------------------------------------------------- */

static void test_type_errors(void)
{
    TYPE("payer > 3", 8, "cannot compare string fact 'payer' with a number");
    TYPE("payer = 3", 8, "cannot compare string fact 'payer' with a number");
    TYPE("age = 'x'", 6, "cannot compare number fact 'age' with a string");
    TYPE("3 = payer", 4, "cannot compare a number with string fact 'payer'");
    TYPE("kl_grade = true", 11, "cannot compare integer fact 'kl_grade' with a boolean");
    TYPE("diabetes = 1", 11, "cannot compare boolean fact 'diabetes' with a number");
    TYPE("age = payer", 6, "cannot compare number fact 'age' with string fact 'payer'");
    TYPE("payer < 'x'", 6, "'<' compares numbers; strings can only be compared with '=' and '!='");
    TYPE("payer >= sex", 6, "'>=' compares numbers");
    TYPE("diabetes >= true", 9, "'>=' compares numbers; true/false values");
    TYPE("age ~ 'x'", 0, "'~' matches strings, not number fact 'age'");
    TYPE("diabetes ~ 'x'", 0, "'~' matches strings, not boolean fact 'diabetes'");
    TYPE("3 ~ 'x'", 0, "'~' matches strings, not a number");
    TYPE("age in prior", 0, "needs a string on the left of 'in', not number fact 'age'");
    TYPE("'x' in payer", 7,
         "'in' needs a list, a range or a set fact on its right, but 'payer' is "
         "a string fact");
    TYPE("'x' in age", 7, "but 'age' is a number fact");
    TYPE("diabetes in [1]", 0,
         "'in [...]' needs a number or a string on its left, not boolean "
         "fact 'diabetes'");
    TYPE("age in [1, 'x']", 11, "cannot compare number fact 'age' with a string");
    TYPE("payer in ['a', 2]", 15, "cannot compare string fact 'payer' with a number");
    TYPE("payer in 1..2", 0, "a range needs a number on the left of 'in', not string fact 'payer'");
    TYPE("diabetes in 1..2", 0, "a range needs a number");
    TYPE("age", 0, "a condition must be true or false, not number fact 'age'");
    TYPE("payer", 0, "not string fact 'payer'");
    TYPE("3", 0, "a condition must be true or false, not a number");
    TYPE("'x'", 0, "a condition must be true or false, not a string");
    TYPE("(age)", 0, "not number fact 'age'");
    TYPE("age and diabetes", 0, "'and' needs true/false operands, not number fact 'age'");
    TYPE("diabetes or payer", 12, "'or' needs true/false operands, not string fact 'payer'");
    TYPE("diabetes and smoker and 3", 24, "'and' needs true/false operands, not a number");
    TYPE("not age", 4, "'not' needs true/false operands, not number fact 'age'");
    TYPE("prior", 0, "set fact 'prior' can only be used on the right of 'in'");
    TYPE("prior = 'x'", 0, "set fact 'prior' can only be used on the right of 'in'");
    TYPE("'x' = prior", 6, "set fact 'prior'");
    TYPE("prior in prior", 0, "set fact 'prior'");
    TYPE("prior ~ 'x'", 0, "set fact 'prior'");
    TYPE("not prior", 4, "set fact 'prior'");
    TYPE("(diabetes and smoker) = 3", 24, "cannot compare a condition with a number");
    TYPE("known(age) = 1", 13, "cannot compare a condition with a number");
    SYNTAX("diabetes and (age + 1)", 18, "unexpected character '+'"); /* no arithmetic */
}

static void test_unknown_facts(void)
{
    CHECK_ERR("agee > 3", "expr-unknown-fact", 0, "unknown fact 'agee'");
    CHECK_ERR("age > 3 and foo", "expr-unknown-fact", 12, "unknown fact 'foo'");
    CHECK_ERR("known(foo)", "expr-unknown-fact", 6, "unknown fact 'foo'");
    CHECK_ERR("'x' in foo", "expr-unknown-fact", 7, "unknown fact 'foo'");
    CHECK_ERR("age = bmii", "expr-unknown-fact", 6, "unknown fact 'bmii'");
    /* Keywords are lower-case: anything else is an identifier. */
    CHECK_ERR("TRUE", "expr-unknown-fact", 0, "unknown fact 'TRUE'");
    CHECK_ERR("Age > 3", "expr-unknown-fact", 0, "unknown fact 'Age'");
    CHECK_ERR("Not diabetes", "expr-unknown-fact", 0, "unknown fact 'Not'");
}

static void test_syntax_errors(void)
{
    SYNTAX("", 0, "the condition is empty");
    SYNTAX("  \t\n", 0, "the condition is empty");
    SYNTAX("age >", 5, "expected a value but found the end of the condition");
    SYNTAX("age > 3 and", 11, "expected a value but found the end of the condition");
    SYNTAX("age > 3 and or", 12, "expected a value but found 'or'");
    SYNTAX("and", 0, "expected a value but found 'and'");
    SYNTAX("not", 3, "expected a value but found the end");
    SYNTAX("age = not diabetes", 6, "expected a value but found 'not'");
    SYNTAX("(age > 3", 8, "expected ')' but found the end of the condition");
    SYNTAX("((age > 3) and diabetes", 23, "expected ')'");
    SYNTAX("known(age and diabetes)", 10, "expected ')' but found 'and'");
    SYNTAX("known age", 6, "expected '(' after 'known' but found 'age'");
    SYNTAX("known(3)", 6, "expected a fact name in 'known(...)' but found '3'");
    SYNTAX("known()", 6, "expected a fact name");
    SYNTAX("age > 3)", 7,
           "expected an operator, 'and', 'or' or the end of the condition but "
           "found ')'");
    SYNTAX("diabetes AND smoker", 9, "found 'AND'");
    SYNTAX("age 3", 4,
           "expected an operator, 'and', 'or' or the end of the condition but found "
           "'3'");
    SYNTAX("age > 3 = true", 8, "found '='");
    SYNTAX("age == 3", 4, "'==' is not an operator: write '='");
    SYNTAX("diabetes && smoker", 9, "'&' is not an operator: write 'and'");
    SYNTAX("diabetes || smoker", 9, "'|' is not an operator: write 'or'");
    SYNTAX("!diabetes", 0, "'!' is not an operator: write 'not'");
    SYNTAX("age # 3", 4, "unexpected character '#'");
    SYNTAX("age > 3 \xc3\xa9", 8, "unexpected byte 0xC3");
    SYNTAX("payer = 'abc", 8, "unterminated string");
    SYNTAX("payer = \"abc'", 8, "unterminated string");
    SYNTAX("payer = 'abc\\'", 8, "unterminated string");
    SYNTAX("age in []", 8, "expected a number or a string in the list but found ']'");
    SYNTAX("age in [1 2]", 10, "expected ',' or ']' in the list but found '2'");
    SYNTAX("age in [1,]", 10, "expected a number or a string in the list but found ']'");
    SYNTAX("age in [1", 9, "expected ',' or ']' in the list but found the end");
    SYNTAX("age in [true]", 8, "expected a number or a string in the list but found 'true'");
    SYNTAX("age in [age]", 8, "found 'age'");
    SYNTAX("payer in ['a' 'b']", 14, "expected ',' or ']' in the list but found 'b'");
    SYNTAX("known('x')", 6, "expected a fact name in 'known(...)' but found 'x'");
    SYNTAX("age in 5..3", 7, "empty range '5..3'");
    SYNTAX("age in 5..", 10, "expected a number after '..' but found the end");
    SYNTAX("age in 5", 8, "expected '..' in the range but found the end");
    SYNTAX("age in 5 .. age", 12, "expected a number after '..' but found 'age'");
    SYNTAX("age in (1)", 7, "expected '[', a range or a set fact after 'in' but found '('");
    SYNTAX("age in", 6, "expected '[', a range or a set fact after 'in'");
    SYNTAX("payer ~ payer", 8, "expected a pattern in quotes after '~' but found 'payer'");
    SYNTAX("payer ~", 7, "expected a pattern in quotes");
    SYNTAX("age > 1.2.3", 6, "malformed number '1.2.3'");
    SYNTAX("age > 12abc", 6, "malformed number '12abc'");
    SYNTAX("age >= 70and diabetes", 7, "malformed number '70and'");
    SYNTAX("age > 1e", 6, "malformed number '1e'");
    SYNTAX("age > 5.", 6, "malformed number '5.'");
    SYNTAX("age > 1e999", 6, "number '1e999' is out of range");
    SYNTAX("age > .5", 6, "a number needs a digit before the decimal point");
    SYNTAX("age > - 5", 6, "unexpected character '-'");
}

static void test_regex_errors(void)
{
    /* The offset is where PCRE2 points, translated into the condition text. */
    CHECK_ERR("payer ~ 'a(b'", "regex-invalid", 12, "missing closing parenthesis");
    CHECK_ERR("payer ~ 'ab)'", "regex-invalid", 11, "unmatched closing parenthesis");
    CHECK_ERR("payer ~ \"x[\"", "regex-invalid", 11, "missing terminating ]");
    /* An escape before the error shifts it: raw '\'a)' decodes to "'a)" (error at byte 2). */
    CHECK_ERR("payer ~ '\\'a)'", "regex-invalid", 12, "unmatched closing parenthesis");
    CHECK_ERR("diabetes and payer ~ 'a{2,1}'", "regex-invalid", 27, "out of order");
    CHECK_ERR("payer ~ '\xff'", "regex-invalid", 9, "UTF-8");
}

static void test_limits(void)
{
    knee__expr_limits lim;
    knee__expr *e;
    char *text;
    size_t i, n;

    /* Length: at the limit is fine, one byte past it is refused at that byte. */
    lim.max_bytes = 10;
    lim.max_depth = 64;
    e = compile_lim("age > 1234", &lim, __LINE__);
    knee__expr_free(e);
    check_error_lim("age > 12345", &lim, KNEE_ELIMIT, "limit-expr", 10, "the limit is 10",
                    __LINE__);
    check_error_lim("age > 3 and x x x x x x x", &lim, KNEE_ELIMIT, "limit-expr", 10, "25 bytes",
                    __LINE__);

    /* Depth: each parenthesis or 'not' opens one level. */
    lim.max_bytes = 4096;
    lim.max_depth = 3;
    e = compile_lim("(((diabetes)))", &lim, __LINE__);
    knee__expr_free(e);
    e = compile_lim("not not not diabetes", &lim, __LINE__);
    knee__expr_free(e);
    e = compile_lim("(diabetes and (smoker or (age > 3))) and (known(age) or (diabetes))", &lim,
                    __LINE__);
    knee__expr_free(e);
    check_error_lim("((((diabetes))))", &lim, KNEE_ELIMIT, "limit-expr", 3,
                    "deeper than the limit of 3 levels", __LINE__);
    check_error_lim("not not not not diabetes", &lim, KNEE_ELIMIT, "limit-expr", 12,
                    "deeper than the limit of 3", __LINE__);
    check_error_lim("not (not (diabetes))", &lim, KNEE_ELIMIT, "limit-expr", 9, "limit of 3",
                    __LINE__);
    lim.max_depth = 1;
    check_error_lim("(diabetes) and (not smoker)", &lim, KNEE_ELIMIT, "limit-expr", 16,
                    "limit of 1", __LINE__);

    /* A long flat chain is not deep. */
    n = 500;
    text = malloc(n * 13 + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    text[0] = '\0';
    for (i = 0; i < n; i++)
        strcat(text, i ? " and diabetes" : "diabetes");
    lim.max_bytes = 100000;
    lim.max_depth = 1;
    patient();
    e = compile_lim(text, &lim, __LINE__);
    if (e) {
        CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, NULL, 0), T);
        knee__expr_free(e);
    }
    free(text);

    /* Deep nesting at the default limit of 64 compiles and evaluates. */
    n = 64;
    text = malloc(2 * n + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memset(text, '(', n);
    strcpy(text + n, "diabetes");
    memset(text + n + 8, ')', n);
    text[2 * n + 8] = '\0';
    e = compile_lim(text, &default_limits, __LINE__);
    if (e) {
        CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, NULL, 0), T);
        knee__expr_free(e);
    }
    free(text);

    /* However high the caller sets the limit, recursion stays bounded. */
    n = 600;
    text = malloc(2 * n + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memset(text, '(', n);
    strcpy(text + n, "diabetes");
    memset(text + n + 8, ')', n);
    text[2 * n + 8] = '\0';
    lim.max_bytes = 100000;
    lim.max_depth = 100000;
    check_error_lim(text, &lim, KNEE_ELIMIT, "limit-expr", 500, "deeper than 500 levels", __LINE__);
    free(text);
}

static void test_bad_arguments(void)
{
    knee__expr *e = NULL;
    knee__expr_error err;
    CU_ASSERT_EQUAL(knee__expr_compile(NULL, "true", 4, lookup, NULL, &default_limits, &err),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee__expr_compile(&e, "true", 4, NULL, NULL, &default_limits, &err),
                    KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(e);
    /* (text, len): bytes past len are not read. */
    CU_ASSERT_EQUAL(
        knee__expr_compile(&e, "true and garbage (", 4, lookup, NULL, &default_limits, &err),
        KNEE_OK);
    CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, NULL, 0), T);
    knee__expr_free(e);
    /* A NULL error pointer is allowed. */
    e = (knee__expr *)&e;
    CU_ASSERT_EQUAL(knee__expr_compile(&e, "age >", 5, lookup, NULL, &default_limits, NULL),
                    KNEE_EINVALID);
    CU_ASSERT_PTR_NULL(e);
    knee__expr_free(NULL);
    CU_ASSERT_EQUAL(knee__expr_fact_count(NULL), 0);
    CU_ASSERT_EQUAL(knee__expr_fact(NULL, 0), -1);
}

/* ---- evaluation errors --------------------------------------------------------------------- */

static void test_eval_regex_errors(void)
{
    knee__expr *e = compile_lim("payer ~ '^(a+)+$'", &default_limits, __LINE__);
    knee__expr *e2 = compile_lim("false and payer ~ '^(a+)+$'", &default_limits, __LINE__);
    knee__match_scratch *small = NULL;
    char subject[32], err[256] = "";
    CU_ASSERT_EQUAL_FATAL(knee__match_scratch_new(&small, 10000, 1000, 1024, 0), KNEE_OK);
    if (!e || !e2)
        goto out;
    patient();
    memset(subject, 'a', 30);
    subject[30] = 'b';
    subject[31] = '\0';
    set_str(F_PAYER, subject);
    CU_ASSERT_EQUAL(knee__expr_eval(e, facts, small, err, sizeof err), KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pattern match limit reached"));
    /* A decided 'and' does not run the match. */
    CU_ASSERT_EQUAL(knee__expr_eval(e2, facts, small, err, sizeof err), F);
    /* Invalid UTF-8 in the value. */
    set_str(F_PAYER, "aa\xff");
    err[0] = '\0';
    CU_ASSERT_EQUAL(knee__expr_eval(e, facts, small, err, sizeof err), KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not valid UTF-8"));
    /* The scratch keeps working. */
    set_str(F_PAYER, "aaaa");
    CU_ASSERT_EQUAL(knee__expr_eval(e, facts, small, err, sizeof err), T);
out:
    knee__expr_free(e);
    knee__expr_free(e2);
    knee__match_scratch_free(small);
}

/* ---- fact lists ---------------------------------------------------------------------------- */

static void test_fact_list(void)
{
    knee__expr *e = compile_lim("age > 3 and (diabetes or age < 10) and known(payer) and 'x' in "
                                "prior and not known(age)",
                                &default_limits, __LINE__);
    if (e) {
        CU_ASSERT_EQUAL(knee__expr_fact_count(e), 4);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 0), F_AGE);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 1), F_DIAB);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 2), F_PAYER);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 3), F_PRIOR);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 4), -1);
        knee__expr_free(e);
    }
    e = compile_lim("sex in prior or bmi = kl_grade or payer ~ 'x' or smoker", &default_limits,
                    __LINE__);
    if (e) {
        CU_ASSERT_EQUAL(knee__expr_fact_count(e), 6);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 0), F_SEX);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 1), F_PRIOR);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 2), F_BMI);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 3), F_KL);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 4), F_PAYER);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 5), F_SMOKER);
        knee__expr_free(e);
    }
    e = compile_lim("true or 1 < 2", &default_limits, __LINE__);
    if (e) {
        CU_ASSERT_EQUAL(knee__expr_fact_count(e), 0);
        CU_ASSERT_EQUAL(knee__expr_fact(e, 0), -1);
        knee__expr_free(e);
    }
}

/* ---- locale --------------------------------------------------------------------------------- */

static void test_locale_independence(void)
{
    static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                                "fr_FR.utf8", "nl_NL.UTF-8"};
    const char *set = NULL;
    size_t i;
    knee__expr *e;
    for (i = 0; i < sizeof comma_locales / sizeof comma_locales[0] && !set; i++)
        set = setlocale(LC_NUMERIC, comma_locales[i]);
    /* Parsed the same way with or without a comma-decimal locale in force. */
    e = compile_lim("age > 1.5 and bmi in 0.25..1e1", &default_limits, __LINE__);
    if (e) {
        patient();
        set_num(F_BMI, 0.25);
        set_num(F_AGE, 1.6);
        CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, NULL, 0), T);
        set_num(F_AGE, 1.5);
        CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, NULL, 0), F);
        set_num(F_AGE, 1.4);
        CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, NULL, 0), F);
        knee__expr_free(e);
    }
    if (set) {
        /* The comma form is not a number in the condition language. */
        check_error_lim("age > 1,5", &default_limits, KNEE_EINVALID, "expr-syntax", 7, "found ','",
                        __LINE__);
        setlocale(LC_NUMERIC, "C");
    } else {
        printf("\n    (no comma-decimal locale installed: checked under the C locale only) ");
    }
}

/* ---- threads -------------------------------------------------------------------------------- */

typedef struct worker_arg {
    const knee__expr *e;
    int id;
    long mismatches;
} worker_arg;

static void *worker(void *argp)
{
    worker_arg *arg = argp;
    knee__factval f[N_FACTS];
    knee__match_scratch *s = NULL;
    char err[256];
    int i;
    if (knee__match_scratch_new(&s, 100000, 1000, 1024, 0) != KNEE_OK) {
        arg->mismatches = -1;
        return NULL;
    }
    memset(f, 0, sizeof f);
    for (i = 0; i < N_FACTS; i++)
        f[i].type = decls[i].type;
    f[F_AGE].known = 1;
    f[F_PAYER].known = 1;
    f[F_PRIOR].known = 1; /* empty set */
    for (i = 0; i < 3000; i++) {
        int want, got;
        f[F_AGE].num = (i * 7 + arg->id) % 100;
        f[F_PAYER].str = (i + arg->id) % 2 ? "Medicare B" : "private";
        f[F_PAYER].str_len = strlen(f[F_PAYER].str);
        f[F_DIAB].known = i % 3 != 0;
        f[F_DIAB].boolean = i % 5 == 0;
        want = f[F_AGE].num >= 65 && (i + arg->id) % 2 ? T : F;
        if (want == F) {
            int d = !f[F_DIAB].known ? U : f[F_DIAB].boolean ? T : F;
            want = d == T ? T : d;
        }
        got = knee__expr_eval(arg->e, f, s, err, sizeof err);
        if (got != want)
            arg->mismatches++;
    }
    knee__match_scratch_free(s);
    return NULL;
}

static void test_threads(void)
{
    enum { NT = 4 };
    pthread_t th[NT];
    worker_arg args[NT];
    int i, started = 0;
    knee__expr *e =
        compile_lim("age >= 65 and payer ~ '(?i)^medicare' or 'pt' in prior or diabetes",
                    &default_limits, __LINE__);
    if (!e)
        return;
    for (i = 0; i < NT; i++) {
        args[i].e = e;
        args[i].id = i;
        args[i].mismatches = 0;
        if (pthread_create(&th[i], NULL, worker, &args[i]) != 0)
            break;
        started++;
    }
    CU_ASSERT_EQUAL(started, NT);
    for (i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        CU_ASSERT_EQUAL(args[i].mismatches, 0);
    }
    knee__expr_free(e);
}

/* ---- allocation ----------------------------------------------------------------------------- */

#ifdef KNEE_FAULT_INJECTION
static const char every_kind[] =
    "(age >= 65 and kl_grade in [3, 4] and bmi in 18.5..40) or not diabetes or smoker = false "
    "or payer ~ '(?i)^medicare' or sex in ['f', 'm'] or 'pt' in prior or known(bmi) "
    "or (age > 3) = true or payer != \"x\" or true";

static void test_eval_allocates_nothing(void)
{
    knee__expr *e = compile_lim(every_kind, &default_limits, __LINE__);
    char err[256];
    long made;
    int i;
    if (!e)
        return;
    patient();
    set_num(F_AGE, 30);
    set_bool(F_DIAB, 1);
    set_bool(F_SMOKER, 1);
    CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, err, sizeof err), T); /* warm-up */
    knee__fault_inject(-1);
    for (i = 0; i < 200; i++) {
        set_num(F_AGE, i);
        facts[F_BMI].known = i % 2;
        CU_ASSERT(knee__expr_eval(e, facts, scratch, err, sizeof err) >= 0);
    }
    made = knee__fault_inject(-1);
    CU_ASSERT_EQUAL(made, 0);
    knee__expr_free(e);
}

static void test_compile_allocation_failures(void)
{
    knee__expr *e = NULL;
    knee__expr_error err;
    long total, n;
    int rc;
    knee__fault_inject(-1);
    rc =
        knee__expr_compile(&e, every_kind, strlen(every_kind), lookup, NULL, &default_limits, &err);
    total = knee__fault_inject(-1);
    CU_ASSERT_EQUAL_FATAL(rc, KNEE_OK);
    knee__expr_free(e);
    CU_ASSERT(total > 5);
    patient();
    for (n = 0; n < total; n++) {
        e = (knee__expr *)&e;
        knee__fault_inject(n);
        rc = knee__expr_compile(&e, every_kind, strlen(every_kind), lookup, NULL, &default_limits,
                                &err);
        knee__fault_inject(-1);
        if (rc == KNEE_OK) {
            /* A failure that only costs speed or space (the JIT, shrinking the node array). */
            CU_ASSERT_PTR_NOT_NULL_FATAL(e);
            CU_ASSERT_EQUAL(knee__expr_eval(e, facts, scratch, NULL, 0), T);
            knee__expr_free(e);
        } else {
            CU_ASSERT_EQUAL(rc, KNEE_ENOMEM);
            CU_ASSERT_PTR_NULL(e);
        }
    }
}
#endif

/* ---- main ---------------------------------------------------------------------------------- */

int main(void)
{
    CU_pSuite s;
    unsigned failures;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("expr", suite_init, suite_cleanup);
    if (!s)
        goto fail;
    if (!CU_add_test(s, "literals", test_literals) ||
        !CU_add_test(s, "numeric comparisons", test_numeric_comparisons) ||
        !CU_add_test(s, "string comparisons and escapes", test_string_comparisons) ||
        !CU_add_test(s, "boolean comparisons", test_boolean_comparisons) ||
        !CU_add_test(s, "precedence", test_precedence) ||
        !CU_add_test(s, "lists and ranges", test_lists_and_ranges) ||
        !CU_add_test(s, "set membership", test_set_membership) ||
        !CU_add_test(s, "regex match", test_regex_match) ||
        !CU_add_test(s, "three-valued truth tables", test_truth_tables) ||
        !CU_add_test(s, "unknown operands", test_unknown_operands) ||
        !CU_add_test(s, "type errors", test_type_errors) ||
        !CU_add_test(s, "unknown facts", test_unknown_facts) ||
        !CU_add_test(s, "syntax errors", test_syntax_errors) ||
        !CU_add_test(s, "regex errors", test_regex_errors) ||
        !CU_add_test(s, "length and depth limits", test_limits) ||
        !CU_add_test(s, "bad arguments", test_bad_arguments) ||
        !CU_add_test(s, "match errors at evaluation", test_eval_regex_errors) ||
        !CU_add_test(s, "fact list", test_fact_list) ||
        !CU_add_test(s, "locale independence", test_locale_independence) ||
        !CU_add_test(s, "threads share a compiled condition", test_threads))
        goto fail;
#ifdef KNEE_FAULT_INJECTION
    if (!CU_add_test(s, "evaluation allocates nothing", test_eval_allocates_nothing) ||
        !CU_add_test(s, "allocation failures while compiling", test_compile_allocation_failures))
        goto fail;
#endif
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
fail:
    CU_cleanup_registry();
    return 2;
}

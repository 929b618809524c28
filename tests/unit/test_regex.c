/* test_regex.c - rf_regex_compile: patterns from a [map] check() are
 * compiled by glibc's regcomp, which copies the repeated tree for every
 * repetition. A pattern that would expand past the limit, a repetition of
 * a repetition and a back-reference are refused with a reason; the
 * patterns users write (emails, UUIDs, addresses, character classes) still
 * compile and match.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "rowferry/regex.h"

/* "" when pattern compiles (and matches subject as expected), else why. */
static const char *compile(const char *pattern, const char *subject, int want_match)
{
	static char why[256];
	regex_t re;

	why[0] = '\0';
	if (rf_regex_compile(&re, pattern, REG_NOSUB, why, sizeof why) != 0) {
		assert_true(why[0] != '\0');
		return why;
	}
	if (subject)
		assert_int_equal(regexec(&re, subject, 0, NULL, 0) == 0, want_match);
	regfree(&re);
	return "";
}

static void patterns_users_write_compile(void **state)
{
	(void)state;
	assert_string_equal(
	    compile("^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$", "ann@example.org", 1), "");
	assert_string_equal(
	    compile("^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$", "ann at example", 0), "");
	assert_string_equal(compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
	                            "[0-9a-f]{12}$",
	                            "0f0e8f1c-4d3b-4f6a-9b7e-2a1c3d4e5f60", 1),
	                    "");
	assert_string_equal(compile("^([0-9]{1,3}\\.){3}[0-9]{1,3}$", "10.0.0.255", 1), "");
	assert_string_equal(compile("^[]a-]+$", "]-a", 1), "");
	assert_string_equal(compile("^(a+)*b$", "aaab", 1), "");
	assert_string_equal(compile("^a{1000}$", NULL, 0), "");
	assert_string_equal(compile("^(ab|cd){2,}[[:alpha:][.-.]]?$", "abcd-", 1), "");
}

static void patterns_that_expand_too_far_are_refused(void **state)
{
	(void)state;
	/* the input fuzz_map found: 2^60 copies of [a], 1.5 GB before OOM */
	assert_string_equal(compile("^[a]++++++++++++++++++++++++++++++++++++++++++++++++++"
	                            "+++++++++++$",
	                            NULL, 0),
	                    "a repetition of a repetition at '++++++++++' (write one "
	                    "repetition, or group the first: (a+)*)");
	assert_string_equal(compile("((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+", NULL, 0),
	                    "its repetitions expand to more than 4096 parts (use smaller "
	                    "counts or fewer nested repetitions)");
	assert_string_equal(compile("((a{100}){100})", NULL, 0),
	                    "its repetitions expand to more than 4096 parts (use smaller "
	                    "counts or fewer nested repetitions)");
	assert_string_equal(compile("(x|y{5000})", NULL, 0),
	                    "its repetitions expand to more than 4096 parts (use smaller "
	                    "counts or fewer nested repetitions)");
	assert_string_equal(compile("a*{2}", NULL, 0),
	                    "a repetition of a repetition at '{2}' (write one repetition, "
	                    "or group the first: (a+)*)");
	assert_string_equal(compile("(a)\\1", NULL, 0), "back-references (\\1) are not allowed");
	assert_string_equal(compile("((((((((((((((((((a))))))))))))))))))", NULL, 0),
	                    "groups nested deeper than 16");
}

static void long_and_broken_patterns(void **state)
{
	char big[RF_REGEX_MAX_LEN + 2];

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_string_equal(compile(big, NULL, 0), "longer than 1024 bytes");
	big[RF_REGEX_MAX_LEN] = '\0';
	assert_string_equal(compile(big, NULL, 0), "");
	/* shapes the estimate leaves to regcomp are still refused by it */
	assert_string_equal(compile("[abc", NULL, 0), "Unmatched [, [^, [:, [., or [=");
	assert_string_equal(compile("(", NULL, 0), "Unmatched ( or \\(");
	assert_string_equal(compile("x{", NULL, 0), "Unmatched \\{");
	/* glibc takes an unmatched ')' literally: what follows is still checked */
	assert_string_equal(compile("a)", "a)", 1), "");
	assert_string_equal(compile(")[a]+{64}", NULL, 0),
	                    "a repetition of a repetition at '{64}' (write one repetition, or "
	                    "group the first: (a+)*)");
	assert_string_equal(compile(")([a]+){9999}", NULL, 0),
	                    "its repetitions expand to more than 4096 parts (use smaller "
	                    "counts or fewer nested repetitions)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(patterns_users_write_compile),
	    cmocka_unit_test(patterns_that_expand_too_far_are_refused),
	    cmocka_unit_test(long_and_broken_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

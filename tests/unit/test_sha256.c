/* test_sha256.c - the journal seal's digest against FIPS 180-4 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <stdlib.h>
#include <string.h>

#include "rowferry/sha256.h"

static void sha256_matches_the_standard_vectors(void **state)
{
	char hex[RF_SHA256_HEX_LEN + 1];
	(void)state;

	rf_sha256_hex("", 0, hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	rf_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	rf_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	rf_sha256_hex(
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmno"
	    "pqklmnopqrlmnopqrsmnopqrstnopqrstu",
	    112, hex);
	assert_string_equal(hex,
	                    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void sha256_of_a_million_a_fed_in_odd_pieces(void **state)
{
	struct rf_sha256 c;
	char hex[RF_SHA256_HEX_LEN + 1];
	char *a = malloc(1000000);
	size_t done = 0, step = 1;
	(void)state;

	memset(a, 'a', 1000000);
	rf_sha256_init(&c);
	/* pieces of 1, 2, 3, ... bytes cross every block boundary position */
	while (done < 1000000) {
		size_t n = step < 1000000 - done ? step : 1000000 - done;
		rf_sha256_update(&c, a + done, n);
		done += n;
		step = step % 131 + 1;
	}
	rf_sha256_final_hex(&c, hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

static void sha256_lengths_around_the_padding_boundary_agree_incrementally(void **state)
{
	unsigned char buf[200];
	size_t len, i;
	(void)state;

	for (i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (len = 50; len < 140; len++) {
		char one[RF_SHA256_HEX_LEN + 1], two[RF_SHA256_HEX_LEN + 1];
		struct rf_sha256 c;
		rf_sha256_hex(buf, len, one);
		rf_sha256_init(&c);
		rf_sha256_update(&c, buf, len / 3);
		rf_sha256_update(&c, buf + len / 3, len - len / 3);
		rf_sha256_final_hex(&c, two);
		assert_string_equal(one, two);
	}
	/* 55/56/64 bytes: where the length field moves to a second block */
	{
		char hex[RF_SHA256_HEX_LEN + 1];
		char s[64];
		memset(s, 'a', sizeof s);
		rf_sha256_hex(s, 55, hex);
		assert_string_equal(
		    hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
		rf_sha256_hex(s, 56, hex);
		assert_string_equal(
		    hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
		rf_sha256_hex(s, 64, hex);
		assert_string_equal(
		    hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sha256_matches_the_standard_vectors),
	    cmocka_unit_test(sha256_of_a_million_a_fed_in_odd_pieces),
	    cmocka_unit_test(sha256_lengths_around_the_padding_boundary_agree_incrementally),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

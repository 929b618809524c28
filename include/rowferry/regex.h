/* regex.h - POSIX extended regular expressions from untrusted text
 *
 * check(e, 'regex') in a [map] line compiles a pattern a user (or an
 * attacker who can edit a config) wrote. glibc's regcomp expands every
 * repetition by copying the repeated tree, so a pattern such as
 * '[a]++++++++++++++++++++++++++++++++' asks for 2^30 nodes and the process
 * runs out of memory (found by fuzz_map). rf_regex_compile refuses such
 * patterns with a reason before regcomp sees them:
 *
 *   - longer than RF_REGEX_MAX_LEN bytes, or groups nested deeper than
 *     RF_REGEX_MAX_DEPTH;
 *   - a repetition of a repetition ('a**', 'a+{2}': undefined in POSIX);
 *   - back-references (\1 .. \9: a glibc extension whose matching time is
 *     exponential);
 *   - more than RF_REGEX_MAX_NODES atoms once every repetition is expanded
 *     the way regcomp expands it (x+ is x x*, x{n,m} is m copies of x).
 */
#ifndef ROWFERRY_REGEX_H
#define ROWFERRY_REGEX_H

#include <regex.h>
#include <stddef.h>

#define RF_REGEX_MAX_LEN   1024
#define RF_REGEX_MAX_DEPTH 16
#define RF_REGEX_MAX_NODES 4096

/* Checks pattern against the limits above, then compiles it with flags
 * (REG_EXTENDED is added). 0: re is compiled and the caller owns it
 * (regfree). -1: nothing to free; why (why_len bytes, NUL-terminated) says
 * what is wrong with the pattern, in words a user can act on. */
int rf_regex_compile(regex_t *re, const char *pattern, int flags, char *why, size_t why_len);

#endif

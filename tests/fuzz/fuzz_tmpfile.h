/* fuzz_tmpfile.h - the fuzz input as a file, for parsers that read files
 * (config.ini, undo journals). One file per process, rewritten for every
 * input; removed at exit. */
#ifndef RF_FUZZ_TMPFILE_H
#define RF_FUZZ_TMPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_path[] = "/tmp/rf_fuzz_XXXXXX";

static void fuzz_tmpfile_remove(void)
{
	unlink(fuzz_path);
}

/* Writes data to the process's file and returns its path; aborts when the
 * file cannot be written (a harness fault, not a finding). */
static const char *fuzz_tmpfile(const uint8_t *data, size_t size)
{
	static int fd = -1;
	if (fd < 0) {
		fd = mkstemp(fuzz_path);
		if (fd < 0) {
			perror("mkstemp");
			abort();
		}
		atexit(fuzz_tmpfile_remove);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
		perror(fuzz_path);
		abort();
	}
	return fuzz_path;
}

#endif

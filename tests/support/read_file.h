/* SPDX-License-Identifier: MIT */
/*
 * Reading a test fixture whole (ACPI tables, compiled AML): one helper for every host test
 * that loads a file. The block is exactly the file's size (malloc'd, at least 1 byte so an
 * empty file still gives a pointer), so ASan catches any read past the end.
 */
#ifndef LIOS_TEST_READ_FILE_H
#define LIOS_TEST_READ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* dir/name whole into a new block of exactly its size; *len its length. NULL when the
 * file cannot be opened or read (a message names it); free() the block. */
static inline uint8_t *support_read_file(const char *dir, const char *name, size_t *len)
{
	char path[1024];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "  cannot open %s\n", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "  cannot size %s\n", path);
		fclose(f);
		return NULL;
	}
	rewind(f);
	buf = malloc(n ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "  cannot read %s\n", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = buf ? (size_t)n : 0;
	return buf;
}

#endif

// SPDX-License-Identifier: MIT
/*
 * The kernel command line, kept in a kernel-owned copy. Words are separated by spaces;
 * a word is "key" or "key=value". A key given more than once counts as the last word that
 * gives it, as Linux reads its options: a word added at the end of a GRUB entry's line
 * (`e` at the menu) overrides what the entry itself says. Pure: compiled for the host too.
 */
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/string.h>

#define CMDLINE_MAX 512

static char cmdline[CMDLINE_MAX];

/* Keeps a copy of s. A line longer than CMDLINE_MAX-1 bytes loses the words that do not
 * fit whole: a word cut there would be another, valid-looking one (heap.trace=...12 cut
 * to heap.trace=...1). Boot only. */
void cmdline_set(const char *s)
{
	size_t n;

	s = s ? s : "";
	n = lios_strlcpy(cmdline, s, sizeof(cmdline));
	if (n >= sizeof(cmdline) && s[sizeof(cmdline) - 1] != ' ') {
		n = sizeof(cmdline) - 1;
		while (n && cmdline[n - 1] != ' ')
			n--; /* back to the cut word's start */
		cmdline[n] = '\0';
	}
}

const char *cmdline_raw(void) { return cmdline; }

/* Finds the last word whose key is 'key'; returns a pointer to the word or NULL, and the
 * length of the whole word ("key" or "key=value") in *wordlen. */
static const char *find_word(const char *key, size_t *wordlen)
{
	size_t klen = strlen(key);
	const char *p = cmdline, *found = NULL;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t len = p - w;
		if (len >= klen && strncmp(w, key, klen) == 0 && (len == klen || w[klen] == '=')) {
			*wordlen = len;
			found = w;
		}
	}
	return found;
}

/* True when "key" or "key=..." is on the command line. */
bool cmdline_has(const char *key)
{
	size_t len;

	return find_word(key, &len) != NULL;
}

/*
 * cmdline_value - copy the value of key=value into buf (size bytes, terminated).
 * Returns the value's length (0 for a bare "key"), -ENOENT when the key is absent, or
 * -E2BIG when the value needs more than size-1 bytes: buf then holds "" and never a cut
 * value, which would be another, valid-looking value (heap.trace=0000000000000012 cut to
 * 15 bytes is 1). Pure; any context.
 */
int cmdline_value(const char *key, char *buf, size_t size)
{
	size_t len, klen = strlen(key);
	const char *w = find_word(key, &len);
	size_t vlen;

	if (size)
		buf[0] = '\0';
	if (!w)
		return -ENOENT;
	vlen = len > klen ? len - klen - 1 : 0;
	if (vlen >= size)
		return -E2BIG;
	memcpy(buf, w + klen + 1, vlen);
	buf[vlen] = '\0';
	return (int)vlen;
}

/* Copies the value of key=value into buf (terminated). Returns false when the key is
 * absent; a bare "key", and a value too long for buf (see cmdline_value), give "". */
bool cmdline_get(const char *key, char *buf, size_t size)
{
	return cmdline_value(key, buf, size) != -ENOENT;
}

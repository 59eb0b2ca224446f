// SPDX-License-Identifier: MIT
/*
 * The kernel command line, kept in a kernel-owned copy. Words are separated by spaces;
 * a word is "key" or "key=value". Pure: compiled for the host too.
 */
#include <lios/cmdline.h>
#include <lios/string.h>

#define CMDLINE_MAX 512

static char cmdline[CMDLINE_MAX];

/* Keeps a copy of s (truncated to CMDLINE_MAX-1 bytes). Boot only. */
void cmdline_set(const char *s) { lios_strlcpy(cmdline, s ? s : "", sizeof(cmdline)); }

const char *cmdline_raw(void) { return cmdline; }

/* Finds the word whose key is 'key'; returns a pointer to the word or NULL, and the length
 * of the key part in *keylen (the '=' follows when a value is present). */
static const char *find_word(const char *key, size_t *wordlen)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t len = p - w;
		if (len >= klen && strncmp(w, key, klen) == 0 && (len == klen || w[klen] == '=')) {
			*wordlen = len;
			return w;
		}
	}
	return NULL;
}

/* True when "key" or "key=..." is on the command line. */
bool cmdline_has(const char *key)
{
	size_t len;

	return find_word(key, &len) != NULL;
}

/* Copies the value of key=value into buf (terminated, truncated to size-1). Returns false
 * when the key is absent; a bare "key" gives an empty value. */
bool cmdline_get(const char *key, char *buf, size_t size)
{
	size_t len, klen = strlen(key);
	const char *w = find_word(key, &len);

	if (!w)
		return false;
	if (size) {
		size_t vlen = len > klen ? len - klen - 1 : 0;
		size_t n = vlen < size - 1 ? vlen : size - 1;
		memcpy(buf, w + klen + 1, n);
		buf[n] = '\0';
	}
	return true;
}

// SPDX-License-Identifier: MIT
/*
 * The kernel command line, kept in a kernel-owned copy. Words are separated by spaces;
 * a word is "key" or "key=value". A key given more than once counts as the last word that
 * gives it, as Linux reads its options: a word added at the end of a GRUB entry's line
 * (`e` at the menu) overrides what the entry itself says. Each subsystem reads its own
 * options; cmdline_check, given the list of them all, says which words none reads as given
 * (a typo must not pass for an option taken). Pure: compiled for the host too.
 */
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/printk.h>
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

/* The word at or after *pp (blanks skipped), its length in *len (0: the line's end);
 * *pp moves past it. */
static const char *next_word(const char **pp, size_t *len)
{
	const char *p = *pp, *w;

	while (*p == ' ')
		p++;
	w = p;
	while (*p && *p != ' ')
		p++;
	*pp = p;
	*len = (size_t)(p - w);
	return w;
}

/* Finds the last word whose key is 'key'; returns a pointer to the word or NULL, and the
 * length of the whole word ("key" or "key=value") in *wordlen. */
static const char *find_word(const char *key, size_t *wordlen)
{
	size_t klen = strlen(key);
	const char *p = cmdline, *found = NULL;

	while (*p) {
		size_t len;
		const char *w = next_word(&p, &len);

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

/* The option of opts[0..n) whose key is the klen bytes at key, or NULL. */
static const struct cmdline_option *option_of(const struct cmdline_option *opts, size_t n,
					      const char *key, size_t klen)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].key) == klen && strncmp(opts[i].key, key, klen) == 0)
			return &opts[i];
	return NULL;
}

/* Whether the vlen bytes at v are one of choices ("a|b|c"). */
static bool is_choice(const char *choices, const char *v, size_t vlen)
{
	for (const char *c = choices;;) {
		const char *bar = strchr(c, '|');
		size_t clen = bar ? (size_t)(bar - c) : strlen(c);

		if (clen == vlen && strncmp(c, v, vlen) == 0)
			return true;
		if (!bar)
			return false;
		c = bar + 1;
	}
}

/* Whether the n bytes at v are a size: "WxH", each 1-6 digits and not 0 (what
 * console.mode's reader, the UEFI entry, takes). */
static bool is_size(const char *v, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 2; part++) {
		size_t start = i;
		unsigned long x = 0;

		while (i < n && v[i] >= '0' && v[i] <= '9' && i - start < 6)
			x = x * 10 + (unsigned long)(v[i++] - '0');
		if (!x)
			return false;
		if (part == 0 && (i >= n || v[i++] != 'x'))
			return false;
	}
	return i == n;
}

/* Warns about the word w (len bytes) when opts does not read it as given; true if it did. */
static bool check_word(const struct cmdline_option *opts, size_t n, const char *w, size_t len)
{
	size_t klen = 0, wlen;

	while (klen < len && w[klen] != '=')
		klen++;
	const char *eq = klen < len ? w + klen : NULL;
	const struct cmdline_option *o = option_of(opts, n, w, klen);

	if (!o) {
		printk(KERN_WARN "cmdline: unknown option \"%.*s\", ignored\n", (int)len, w);
		return true;
	}
	if (eq && o->form == CMDLINE_FLAG) {
		printk(KERN_WARN "cmdline: \"%.*s\": %s takes no value, read as %s\n", (int)len, w,
		       o->key, o->key);
		return true;
	}
	if (eq && o->form == CMDLINE_WORD) {
		printk(KERN_WARN "cmdline: \"%.*s\": %s takes no value, ignored\n", (int)len, w,
		       o->key);
		return true;
	}
	/* a choice: only the word that counts (the last of its key) is read */
	if (o->form == CMDLINE_CHOICE && find_word(o->key, &wlen) == w &&
	    (!eq || !is_choice(o->choices, eq + 1, len - klen - 1))) {
		printk(KERN_WARN "cmdline: \"%.*s\": not %s=%s, ignored\n", (int)len, w, o->key,
		       o->choices);
		return true;
	}
	if (o->form == CMDLINE_SIZE && find_word(o->key, &wlen) == w &&
	    (!eq || !is_size(eq + 1, len - klen - 1))) {
		printk(KERN_WARN "cmdline: \"%.*s\": not %s=WxH, ignored\n", (int)len, w, o->key);
		return true;
	}
	return false;
}

/*
 * cmdline_check - warn (KERN_WARN, "cmdline: ...", naming the word) about each word of the
 * command line that no option of opts[0..n) reads as given: a key no option has ("noapci",
 * "Console=vga"), a value after a flag ("usb.poll=0", which still sets usb.poll, or
 * "selftest=no", which still runs the tests), and for an option of fixed choices a value
 * that is none of them, or no value, in the word that counts; the same for a size that is
 * no WxH. Nothing is changed: each reader still reads the line as before. Returns the
 * number of words warned about. Boot, after cmdline_set.
 */
unsigned cmdline_check(const struct cmdline_option *opts, size_t n)
{
	const char *p = cmdline;
	unsigned warned = 0;

	while (*p) {
		size_t len;
		const char *w = next_word(&p, &len);

		if (len && check_word(opts, n, w, len))
			warned++;
	}
	return warned;
}

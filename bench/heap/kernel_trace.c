// SPDX-License-Identifier: MIT
/*
 * The kernel's recorded allocation trace, for bench_heap: reads kernel_trace.txt (the
 * kernel's own heap calls during a boot and a shell session, recorded under `heap.trace`
 * by record_kernel_trace.py; how and from which commit is in the file's header) and turns
 * it into the slot/size events bench_heap replays on every allocator.
 *
 * Parsing refuses anything that would make the replay meaningless: a free or resize of an
 * id that is not live, an allocation into a live id, a size of 0, a truncated file (no
 * "end"), sections out of order; the message names the line.
 *
 * The replay runs the boot once and then the session over and over until the asked number
 * of events. The recording ends with objects the session made still live (the shell keeps
 * its last 64 lines): in the replay those survivors of one repetition stay live through the
 * next and are freed at its end, oldest first, and where the session frees a boot object
 * (the history line typed before the session began, the USB keyboard's objects on a
 * replug), which only exists the first time, later repetitions free the oldest survivor of
 * the same size instead (the history line, the keyboard object made on the last replug),
 * else the oldest survivor. So the live set and the lifetimes stay
 * close to the recording's and do not grow with the repetitions. A resize becomes an
 * allocation of the new size and the free of the old block (what a moving realloc does).
 */
#include "kernel_trace.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_SLOT UINT32_MAX

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int push_call(struct ktrace_call **v, size_t *n, size_t *cap, struct ktrace_call c)
{
	if (*n == *cap) {
		struct ktrace_call *bigger = realloc(*v, (*cap ? *cap * 2 : 1024) * sizeof(**v));

		if (!bigger)
			return -1;
		*v = bigger;
		*cap = *cap ? *cap * 2 : 1024;
	}
	(*v)[(*n)++] = c;
	return 0;
}

/* One event line into c; checks it against the live ids. Returns NULL or what is wrong. */
static const char *parse_call(const char *line, bool *live, struct ktrace_call *c)
{
	unsigned long id, size = 0;
	char op = line[0], tail;
	int want = op == '-' ? 1 : 2;

	if (op != '+' && op != '-' && op != '~')
		return "not an event, a section or a comment";
	if (line[1] != ' ' ||
	    (want == 1 ? sscanf(line + 2, "%lu %c", &id, &tail)
		       : sscanf(line + 2, "%lu %lu %c", &id, &size, &tail)) != want)
		return op == '-' ? "'-' takes one number: - ID" : "takes two numbers: ID SIZE";
	if (id >= KTRACE_MAX_ID)
		return "id out of range";
	if (op != '-' && (size == 0 || size > KTRACE_MAX_SIZE))
		return "size must be 1 to 1 GiB";
	if (op == '+' && live[id])
		return "allocation into an id that is live";
	if (op != '+' && !live[id])
		return "free or resize of an id that is not live";
	live[id] = op != '-';
	*c = (struct ktrace_call){ op, (uint32_t)id, (uint32_t)size };
	return NULL;
}

/* See kernel_trace.h. */
int ktrace_parse(const char *text, struct ktrace_rec *rec, char *err, size_t errlen)
{
	enum { WANT_BOOT, IN_BOOT, IN_SESSION, DONE } state = WANT_BOOT;
	bool *live = calloc(KTRACE_MAX_ID, sizeof(*live));
	size_t capb = 0, caps = 0, lineno = 0;
	const char *why = NULL;

	memset(rec, 0, sizeof(*rec));
	while (*text && !why) {
		size_t len = strcspn(text, "\n");
		char line[128];
		struct ktrace_call c;

		lineno++;
		if (text[0] == '#') { /* a comment, of any length */
			text += len + (text[len] == '\n');
			continue;
		}
		if (len >= sizeof(line)) {
			why = "line too long";
			break;
		}
		memcpy(line, text, len);
		line[len] = 0;
		if (len && line[len - 1] == '\r')
			line[len - 1] = 0;
		text += len + (text[len] == '\n');
		if (line[0] == 0)
			continue;
		if (state == DONE) {
			why = "text after 'end'";
		} else if (!strcmp(line, "boot")) {
			why = state == WANT_BOOT ? NULL : "a second 'boot'";
			state = IN_BOOT;
		} else if (!strcmp(line, "session")) {
			why = state == IN_BOOT ? NULL : "'session' out of place";
			state = IN_SESSION;
		} else if (!strcmp(line, "end")) {
			why = state == IN_SESSION ? NULL : "'end' before 'session'";
			state = DONE;
		} else if (state == WANT_BOOT) {
			why = "an event before 'boot'";
		} else if (!(why = parse_call(line, live, &c))) {
			if (state == IN_BOOT ? push_call(&rec->boot, &rec->nboot, &capb, c)
					     : push_call(&rec->session, &rec->nsession, &caps, c))
				why = "out of memory";
		}
	}
	if (!why && state != DONE) {
		why = "no 'end': the file is cut short";
		lineno++;
	}
	if (!why && !rec->nsession)
		why = "the session has no events";
	free(live);
	if (why) {
		say(err, errlen, "line %zu: %s", lineno, why);
		ktrace_rec_free(rec);
		return -1;
	}
	return 0;
}

/* See kernel_trace.h. */
void ktrace_rec_free(struct ktrace_rec *rec)
{
	free(rec->boot);
	free(rec->session);
	memset(rec, 0, sizeof(*rec));
}

/* The replay under construction. */
struct replay {
	struct trace_event *ev;
	size_t n, cap;
	uint32_t free_slots[TRACE_MAX_SLOTS], nfree;
	uint32_t slot_size[TRACE_MAX_SLOTS];   /* bytes of the block in each live slot */
	uint32_t slot_of[KTRACE_MAX_ID];       /* NO_SLOT: the id has no block now */
	uint32_t gen[KTRACE_MAX_ID];           /* 0: made by the boot; k: by repetition k */
	uint64_t seq[KTRACE_MAX_ID];           /* allocation order */
	uint32_t last_size[KTRACE_MAX_ID];     /* bytes of the id's latest block */
	uint32_t queue[TRACE_MAX_SLOTS], qlen; /* the last repetition's survivors, NO_SLOT: freed */
	uint64_t live, peak, nseq;
	bool full;
};

static void emit(struct replay *r, uint32_t slot, uint32_t size)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 65536;
		r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
		if (!r->ev)
			abort();
	}
	r->ev[r->n++] = (struct trace_event){ slot, size };
}

static uint32_t r_alloc(struct replay *r, uint32_t size)
{
	uint32_t s;

	if (!r->nfree) {
		r->full = true;
		return NO_SLOT;
	}
	s = r->free_slots[--r->nfree];
	r->slot_size[s] = size;
	r->live += size;
	if (r->live > r->peak)
		r->peak = r->live;
	emit(r, s, size);
	return s;
}

static void r_free(struct replay *r, uint32_t s)
{
	r->live -= r->slot_size[s];
	r->free_slots[r->nfree++] = s;
	emit(r, s, 0);
}

/* Frees the oldest queued survivor of 'size' bytes, else the oldest one, if any. */
static void r_free_survivor(struct replay *r, uint32_t size)
{
	uint32_t *pick = NULL;

	for (uint32_t i = 0; i < r->qlen; i++) {
		uint32_t *q = &r->queue[i];

		if (*q != NO_SLOT &&
		    (!pick || (r->slot_size[*q] == size && r->slot_size[*pick] != size)))
			pick = q;
	}
	if (pick) {
		r_free(r, *pick);
		*pick = NO_SLOT;
	}
}

/* One recorded call in repetition g (0: the boot). */
static void r_call(struct replay *r, const struct ktrace_call *c, uint32_t g)
{
	uint32_t *slot = &r->slot_of[c->id];

	if (c->op != '-')
		r->last_size[c->id] = c->size;
	if (c->op == '-' && *slot == NO_SLOT) { /* a boot object gone since: see the top */
		r_free_survivor(r, r->last_size[c->id]);
	} else if (c->op == '-') {
		r_free(r, *slot);
		*slot = NO_SLOT;
	} else if (c->op == '~' && *slot != NO_SLOT) {
		uint32_t old = *slot;

		*slot = r_alloc(r, c->size);
		if (*slot != NO_SLOT)
			r_free(r, old);
	} else { /* '+', or a resize of a boot object gone since: a new block */
		*slot = r_alloc(r, c->size);
		r->gen[c->id] = g;
		r->seq[c->id] = r->nseq++;
	}
}

struct survivor {
	uint64_t seq;
	uint32_t id;
};

static int by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct survivor *)a)->seq, y = ((const struct survivor *)b)->seq;

	return x < y ? -1 : x > y;
}

/* End of repetition g: the previous survivors still queued are freed; this repetition's
 * live blocks become the queue, oldest first, and leave their ids. */
static void r_end_repetition(struct replay *r, uint32_t g)
{
	static struct survivor sv[TRACE_MAX_SLOTS];
	size_t n = 0;

	for (uint32_t i = 0; i < r->qlen; i++)
		if (r->queue[i] != NO_SLOT)
			r_free(r, r->queue[i]);
	r->qlen = 0;
	for (uint32_t id = 0; id < KTRACE_MAX_ID; id++)
		if (r->slot_of[id] != NO_SLOT && r->gen[id] == g)
			sv[n++] = (struct survivor){ r->seq[id], id };
	qsort(sv, n, sizeof(*sv), by_seq);
	for (size_t i = 0; i < n; i++) {
		r->queue[r->qlen++] = r->slot_of[sv[i].id];
		r->slot_of[sv[i].id] = NO_SLOT;
	}
}

/* See kernel_trace.h. */
struct trace_event *ktrace_replay(const struct ktrace_rec *rec, size_t events, size_t *n,
				  uint64_t *peak_live, char *err, size_t errlen)
{
	struct replay *r = calloc(1, sizeof(*r));
	struct trace_event *ev;

	if (!r)
		abort();
	for (uint32_t i = 0; i < TRACE_MAX_SLOTS; i++)
		r->free_slots[i] = TRACE_MAX_SLOTS - 1 - i;
	r->nfree = TRACE_MAX_SLOTS;
	for (uint32_t i = 0; i < KTRACE_MAX_ID; i++)
		r->slot_of[i] = NO_SLOT;
	for (size_t i = 0; i < rec->nboot && !r->full; i++)
		r_call(r, &rec->boot[i], 0);
	for (uint32_t g = 1; r->n < events && !r->full; g++) {
		for (size_t i = 0; i < rec->nsession && !r->full; i++)
			r_call(r, &rec->session[i], g);
		r_end_repetition(r, g);
	}
	if (r->full) {
		say(err, errlen, "the replay needs more than %d live blocks", TRACE_MAX_SLOTS);
		free(r->ev);
		free(r);
		return NULL;
	}
	*n = r->n;
	*peak_live = r->peak;
	ev = r->ev;
	free(r);
	return ev;
}

/* The whole file as a string (malloc'd), NULL when it cannot be read. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc((size_t)size + 1)) && fread(buf, 1, (size_t)size, f) == (size_t)size) {
		buf[size] = 0;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* See kernel_trace.h. */
struct trace_event *kernel_trace_build(size_t events, size_t *n, uint64_t *peak_live)
{
	const char *path = getenv("BENCH_KERNEL_TRACE");
	struct ktrace_rec rec;
	struct trace_event *ev = NULL;
	char err[160];
	char *text;

#ifdef KERNEL_TRACE_FILE
	if (!path)
		path = KERNEL_TRACE_FILE;
#endif
	text = path ? read_text(path) : NULL;
	if (!text) {
		fprintf(stderr, "bench_heap: cannot read the kernel trace %s\n",
			path ? path : "(no KERNEL_TRACE_FILE, no $BENCH_KERNEL_TRACE)");
		exit(1);
	}
	if (ktrace_parse(text, &rec, err, sizeof(err)) == 0) {
		const char *child = getenv("BENCH_HEAP_CHILD");

		ev = ktrace_replay(&rec, events, n, peak_live, err, sizeof(err));
		if (ev && (!child || !strcmp(child, "glibc")))
			fprintf(stderr,
				"# kernel_trace: %s: %zu boot and %zu session calls, "
				"replayed as %zu events, peak live %.1f KiB\n",
				path, rec.nboot, rec.nsession, *n, *peak_live / 1024.0);
		ktrace_rec_free(&rec);
	}
	free(text);
	if (!ev) {
		fprintf(stderr, "bench_heap: kernel trace %s: %s\n", path, err);
		exit(1);
	}
	return ev;
}

// SPDX-License-Identifier: MIT
/*
 * Host tests of the heap-call recorder (src/mm/heap_trace.c) on the real heap, its
 * heap.trace command-line option, and the reader and replayer of the recorded trace file
 * (bench/heap/kernel_trace.c): what each
 * kind of heap call leaves in the dump, what it leaves out (failures, refused misuse, free
 * of NULL), lost events counted and marked when the ring is full, the heap's counters in
 * the end line; then hand-written trace files, good and broken on purpose, and the replay
 * of a small session.
 */
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/heap_trace.h>
#include <lios/printk.h>
#include "kernel_trace.h"
#include "heap_report.h"
#include "log_capture.h"
#include "mm_host.h"

/* heap_trace_dump's output, collected (log_capture.h). */
static void dump(struct heap_trace_summary *sum)
{
	log_capture_clear();
	CHECK(heap_trace_dump(log_capture_sink, sum) == 0);
}

/* The event lines of the last dump (between begin and end), joined. */
static const char *events(void)
{
	static char ev[8192];
	const char *b = strchr(log_capture_buf, '\n'),
		   *e = strstr(log_capture_buf, "heaptrace: end");

	if (!b || !e || e < b + 1)
		return "";
	memcpy(ev, b + 1, (size_t)(e - b - 1));
	ev[e - b - 1] = 0;
	return ev;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void fresh(void)
{
	heap_trace_stop();
	mm_host_setup(4096);
	CHECK(heap_init() == 0);
}

/* Every kind of call: allocations (alloc, calloc, realloc of NULL), a realloc that moves
 * and one in place, frees (free, realloc to 0), then calls that change nothing: free of
 * NULL, a double free (refused), an allocation too large (failed). The dump has one line
 * per change, in order, and an end line whose heap counters the events add up to. */
static void test_every_call(void)
{
	struct heap_trace_summary s;
	char want[1024];
	void *a, *b, *c, *d, *c2;

	fresh();
	CHECK(heap_trace_start(64) == 0);
	CHECK(heap_trace_start(64) == -EBUSY);
	a = heap_alloc(100);
	b = heap_calloc(3, 10);
	c = heap_realloc(NULL, 40);
	c2 = heap_realloc(c, 2000); /* another class: moves */
	d = heap_realloc(c2, 1990); /* same class: in place */
	CHECK(c2 != c && d == c2);
	heap_free(a);
	CHECK(heap_realloc(b, 0) == NULL);
	heap_free(NULL);
	heap_free(a); /* double free: refused, no event */
	CHECK(heap_alloc((size_t)1 << 40) == NULL);
	dump(&s);
	snprintf(want, sizeof(want),
		 "H+ %lx 100\nH+ %lx 30\nH+ %lx 40\nH~ %lx %lx 2000\n"
		 "H~ %lx %lx 1990\nH- %lx\nH- %lx\n",
		 (unsigned long)a, (unsigned long)b, (unsigned long)c, (unsigned long)c,
		 (unsigned long)c2, (unsigned long)c2, (unsigned long)d, (unsigned long)a,
		 (unsigned long)b);
	CHECK(!strcmp(events(), want));
	if (strcmp(events(), want))
		fprintf(stderr, "  got:\n%s  want:\n%s", events(), want);
	CHECK(starts_with(log_capture_buf, "heaptrace: begin 7 events from 0, capacity 64\n"));
	CHECK(strstr(log_capture_buf,
		     "heaptrace: end 7 recorded, 0 lost, 1 failed, 1 refused; heap "
		     "since start: 4 allocs, 3 frees, 1 live\n") != NULL);
	CHECK_EQ(s.recorded, 7);
	CHECK_EQ(s.dumped, 7);
	/* A second dump has only what came after the first. */
	heap_free(d);
	dump(&s);
	snprintf(want, sizeof(want), "H- %lx\n", (unsigned long)d);
	CHECK(!strcmp(events(), want));
	CHECK(starts_with(log_capture_buf, "heaptrace: begin 1 events from 7,"));
	CHECK_EQ(s.live, 0);
	heap_trace_stop();
	CHECK(!heap_tracing);
	CHECK(heap_trace_dump(log_capture_sink, NULL) == -ENODEV);
}

/* The address a report names after " from ", or 0. */
static uintptr_t report_caller(void)
{
	const char *f = strstr(heap_report_last, " from ");

	return f ? (uintptr_t)strtoull(f + 6, NULL, 16) : 0;
}

static __attribute__((noinline)) void free_here(void *p)
{
	heap_free(p);
	__asm__ volatile("" ::: "memory"); /* not a tail call: the return address is in here */
}

static __attribute__((noinline)) void *realloc_here(void *p, size_t n)
{
	void *q = heap_realloc(p, n);

	__asm__ volatile("" ::: "memory");
	return q;
}

/* Misuse while recording: a double free and a realloc of a foreign pointer are refused and
 * reported naming their callers (free_here, realloc_here), not the recorder's hooks that
 * ran them again. */
static void test_misuse_caller(void)
{
	int local;
	void *a;

	fresh();
	printk_add_sink(heap_report_sink, false);
	CHECK(heap_trace_start(64) == 0);
	a = heap_alloc(64);
	free_here(a);
	free_here(a);
	CHECK(strstr(heap_report_last, "already freed") != NULL);
	CHECK(report_caller() > (uintptr_t)free_here &&
	      report_caller() < (uintptr_t)free_here + 64);
	CHECK(realloc_here(&local, 10) == NULL);
	CHECK(strstr(heap_report_last, "realloc(") && strstr(heap_report_last, "foreign pointer"));
	CHECK(report_caller() > (uintptr_t)realloc_here &&
	      report_caller() < (uintptr_t)realloc_here + 64);
	heap_trace_stop();
	printk_remove_sink(heap_report_sink);
}

/* A ring of 4 events and 6 allocations: 4 dumped, "H! 2" after them, lost 2 in the end
 * line; the room is free again after the dump. Bad capacities are refused. */
static void test_lost(void)
{
	struct heap_trace_summary s;
	void *p[7];

	fresh();
	CHECK(heap_trace_start(0) == -EINVAL);
	CHECK(heap_trace_start(HEAP_TRACE_MAX_EVENTS + 1) == -EINVAL);
	CHECK(heap_trace_start(4) == 0);
	for (int i = 0; i < 6; i++)
		p[i] = heap_alloc(16);
	dump(&s);
	CHECK_EQ(s.lost, 2);
	CHECK_EQ(s.recorded, 4);
	CHECK(strstr(events(), "H! 2\n") != NULL);
	CHECK(strstr(log_capture_buf, ", 2 lost,") != NULL);
	p[6] = heap_alloc(16);
	dump(&s);
	CHECK(starts_with(events(), "H+ ") && !strstr(events(), "H!"));
	for (int i = 0; i < 7; i++)
		heap_free(p[i]);
	heap_trace_stop();
}

/* Not recording: heap calls leave nothing and the summary says so. */
static void test_off(void)
{
	struct heap_trace_summary s;

	fresh();
	heap_free(heap_alloc(64));
	CHECK(!heap_trace_get_summary(&s));
	CHECK(!heap_tracing);
}

/* heap.trace on the command line (heap_trace_start_cmdline). */
static void test_cmdline(void)
{
	struct heap_trace_summary s;

	/* No heap.trace: 0, not recording, nothing said. */
	fresh();
	cmdline_set("selftest");
	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	CHECK_EQ(heap_trace_start_cmdline(), 0);
	CHECK(!heap_tracing);

	/* A bare heap.trace: the default ring of 65536 events. */
	cmdline_set("heap.trace");
	CHECK_EQ(heap_trace_start_cmdline(), 0);
	CHECK(heap_trace_get_summary(&s) && s.capacity == HEAP_TRACE_DEFAULT_EVENTS);
	heap_trace_stop();

	/* 15 characters with leading zeros fit: heap.trace=000000000000012 is 12 events. */
	cmdline_set("heap.trace=000000000000012");
	CHECK_EQ(heap_trace_start_cmdline(), 0);
	CHECK(heap_trace_get_summary(&s) && s.capacity == 12);
	heap_trace_stop();

	/* The review's case: heap.trace=0000000000000012 (16 characters) is refused with a
	 * warning naming the limit, and nothing records: it used to be cut to 15 characters
	 * and record 1 event. */
	log_capture_clear();
	cmdline_set("heap.trace=0000000000000012");
	CHECK_EQ(heap_trace_start_cmdline(), -E2BIG);
	CHECK(!heap_trace_get_summary(&s));
	CHECK(log_captured("heap.trace: value longer than 15 characters: not recording"));

	/* Not a number, and 0: refused by heap_trace_start's range, with the value named. */
	log_capture_clear();
	cmdline_set("heap.trace=12x");
	CHECK_EQ(heap_trace_start_cmdline(), -EINVAL);
	CHECK(log_captured("heap.trace=12x: not recording"));
	cmdline_set("heap.trace=0");
	CHECK_EQ(heap_trace_start_cmdline(), -EINVAL);
	CHECK(!heap_tracing);
	printk_remove_sink(log_capture_sink);
	cmdline_set("");
}

static const char good[] = "# a comment\nboot\n+ 0 4000\n+ 1 48\n- 1\nsession\n"
			   "+ 1 5\n+ 2 300\n~ 2 600\n- 2\nend\n";

/* A good file: its calls, per section. */
static void test_parse_good(void)
{
	struct ktrace_rec rec;
	char err[160] = "";

	CHECK(ktrace_parse(good, &rec, err, sizeof(err)) == 0);
	CHECK_EQ(rec.nboot, 3);
	CHECK_EQ(rec.nsession, 4);
	CHECK(rec.session[2].op == '~' && rec.session[2].id == 2 && rec.session[2].size == 600);
	ktrace_rec_free(&rec);
}

/* Broken files, each refused with the line and the reason. */
static void test_parse_bad(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "boot\n+ 0 8\nsession\n- 1\nend\n",
		  "line 4: free or resize of an id that is not live" },
		{ "boot\n+ 0 8\n+ 0 8\nsession\n- 0\nend\n",
		  "line 3: allocation into an id that is live" },
		{ "boot\n+ 0 0\nsession\n- 0\nend\n", "line 2: size must be 1 to 1 GiB" },
		{ "boot\n+ 0 8\nsession\n- 0\n", "line 5: no 'end': the file is cut short" },
		{ "+ 0 8\nboot\n", "line 1: an event before 'boot'" },
		{ "boot\n+ 0 8 9\nsession\n", "line 2: takes two numbers: ID SIZE" },
		{ "boot\nsession\nend\n", "line 3: the session has no events" },
		{ "boot\n* 1\n", "line 2: not an event, a section or a comment" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ktrace_rec rec;
		char err[160] = "";

		CHECK(ktrace_parse(bad[i].text, &rec, err, sizeof(err)) == -1);
		if (strcmp(err, bad[i].msg)) {
			fprintf(stderr, "  case %zu: got '%s', want '%s'\n", i, err, bad[i].msg);
			CHECK(!"the message names the line and the reason");
		}
	}
}

/* The replay of 'good': the boot once, then the session over and over. The session leaves
 * object 1 (5 bytes) live: it survives the next repetition and is freed at its end; the
 * resize becomes an allocation then a free. Every free names a live slot. */
static void test_replay(void)
{
	static const struct trace_event want[] = {
		{ 0, 4000 }, { 1, 48 },  { 1, 0 },                       /* boot */
		{ 1, 5 },    { 2, 300 }, { 3, 600 }, { 2, 0 }, { 3, 0 }, /* session 1 */
		{ 3, 5 },    { 2, 300 }, { 4, 600 }, { 2, 0 }, { 4, 0 }, /* session 2 */
		{ 1, 0 },                                                /* session 1's survivor */
	};
	struct ktrace_rec rec;
	struct trace_event *ev;
	uint64_t peak = 0;
	bool live[TRACE_MAX_SLOTS] = { false };
	char err[160] = "";
	size_t n = 0;

	CHECK(ktrace_parse(good, &rec, err, sizeof(err)) == 0);
	ev = ktrace_replay(&rec, 9, &n, &peak, err, sizeof(err));
	CHECK(ev != NULL);
	if (!ev)
		return;
	CHECK_EQ(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n && i < ARRAY_SIZE(want); i++)
		if (ev[i].slot != want[i].slot || ev[i].size != want[i].size) {
			fprintf(stderr, "  event %zu: slot %u size %u, want %u %u\n", i, ev[i].slot,
				ev[i].size, want[i].slot, want[i].size);
			CHECK(!"the replay as planned");
		}
	free(ev);
	CHECK_EQ(peak, 4000 + 5 + 5 + 300 + 600);
	/* A long replay stays consistent: no free of a dead slot, no allocation over a live one. */
	ev = ktrace_replay(&rec, 100000, &n, &peak, err, sizeof(err));
	CHECK(ev != NULL && n >= 100000);
	for (size_t i = 0; ev && i < n; i++) {
		CHECK(live[ev[i].slot] == (ev[i].size == 0));
		live[ev[i].slot] = ev[i].size != 0;
	}
	free(ev);
	ktrace_rec_free(&rec);
}

/* The session frees a boot object (id 0, 10 bytes): the second time, when it is gone, the
 * replay frees the first session's survivor of the same size (id 2's block), not the
 * oldest (id 1's); the rest of the survivors go at the end of the repetition. */
static void test_replay_boot_free(void)
{
	static const struct trace_event want[] = {
		{ 0, 10 }, { 1, 20 }, { 2, 10 }, { 0, 0 },                 /* boot, session 1 */
		{ 0, 20 }, { 3, 10 }, { 2, 0 },  /* session 2 */ { 1, 0 }, /* its end */
	};
	struct ktrace_rec rec;
	struct trace_event *ev;
	uint64_t peak;
	char err[160] = "";
	size_t n = 0;

	CHECK(ktrace_parse("boot\n+ 0 10\nsession\n+ 1 20\n+ 2 10\n- 0\nend\n", &rec, err,
			   sizeof(err)) == 0);
	ev = ktrace_replay(&rec, 5, &n, &peak, err, sizeof(err));
	CHECK(ev != NULL);
	CHECK_EQ(n, ARRAY_SIZE(want));
	for (size_t i = 0; ev && i < n && i < ARRAY_SIZE(want); i++)
		if (ev[i].slot != want[i].slot || ev[i].size != want[i].size) {
			fprintf(stderr, "  event %zu: slot %u size %u, want %u %u\n", i, ev[i].slot,
				ev[i].size, want[i].slot, want[i].size);
			CHECK(!"the survivor of the same size freed");
		}
	free(ev);
	ktrace_rec_free(&rec);
}

int main(void)
{
	RUN(test_every_call);
	RUN(test_lost);
	RUN(test_off);
	RUN(test_misuse_caller);
	RUN(test_cmdline);
	RUN(test_parse_good);
	RUN(test_parse_bad);
	RUN(test_replay);
	RUN(test_replay_boot_free);
	return unit_summary();
}

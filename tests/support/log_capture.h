/* SPDX-License-Identifier: MIT */
/*
 * Text a host test collects from printk or from a dump function, to search afterwards:
 * log_capture_sink is a printk_sink_fn (printk_add_sink, or any function that takes one),
 * log_capture_buf holds what it got, NUL-terminated, up to its size (later text that does
 * not fit is dropped, never wrapped over the start). One buffer per test program, of
 * LOG_CAPTURE_SIZE bytes: 8192 unless the test defines it before this header is first
 * included, as one that captures more (a whole self-test run's KTAP) must, so that its
 * checks never search a log cut short.
 */
#ifndef LIOS_TEST_LOG_CAPTURE_H
#define LIOS_TEST_LOG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#ifndef LOG_CAPTURE_SIZE
#define LOG_CAPTURE_SIZE 8192
#endif

static char log_capture_buf[LOG_CAPTURE_SIZE];
static size_t log_capture_len;

static inline void log_capture_sink(const char *s, size_t len)
{
	if (log_capture_len + len < sizeof(log_capture_buf)) {
		memcpy(log_capture_buf + log_capture_len, s, len);
		log_capture_len += len;
		log_capture_buf[log_capture_len] = '\0';
	}
}

static inline void log_capture_clear(void)
{
	log_capture_len = 0;
	log_capture_buf[0] = '\0';
}

static inline bool log_captured(const char *needle)
{
	return strstr(log_capture_buf, needle) != NULL;
}

#endif

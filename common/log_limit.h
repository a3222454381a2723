/*
 * Copyright (c) 2026 The vigil developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Audit lines that a hostile peer can cause (refusals, failed logins)
 * are rate limited: at most `burst` lines in each LOG_LIMIT_SEC window,
 * the rest counted and reported in one "N more ... suppressed" line
 * when the window ends.  A flood therefore costs a bounded number of
 * log lines a second, and nothing is lost without a trace.
 */

#ifndef VIGIL_LOG_LIMIT_H
#define VIGIL_LOG_LIMIT_H

#include <stdint.h>
#include <time.h>

#include <event.h>

#define LOG_LIMIT_SEC	10

struct log_limit {
	const char	*what;		/* "refused control clients" */
	unsigned int	 burst;		/* lines in a window */
	time_t		 start;		/* the window's start, monotonic */
	unsigned int	 n;		/* lines logged in the window */
	uint64_t	 suppressed;	/* lines not logged in the window */
	struct event	 ev;		/* the summary at the window's end */
	int		 ev_set;
};

#define LOG_LIMIT_INIT(w, b)	{ .what = (w), .burst = (b) }

/* 1: log this line; 0: counted, to be summed up later. */
int	log_limit(struct log_limit *);

#endif /* VIGIL_LOG_LIMIT_H */

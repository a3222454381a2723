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

#include <sys/types.h>

#include <string.h>
#include <time.h>

#include <event.h>

#include "log.h"
#include "log_limit.h"

static time_t
log_limit_now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (ts.tv_sec);
}

static void
log_limit_flush(struct log_limit *l)
{
	if (l->suppressed > 0)
		log_warnx("%llu more %s suppressed in the last %d s",
		    (unsigned long long)l->suppressed, l->what, LOG_LIMIT_SEC);
	l->suppressed = 0;
}

static void
log_limit_timer(int fd, short ev, void *arg)
{
	struct log_limit	*l = arg;

	log_limit_flush(l);
	l->start = log_limit_now();
	l->n = 0;
}

int
log_limit(struct log_limit *l)
{
	struct timeval	 tv = { LOG_LIMIT_SEC, 0 };
	time_t		 now = log_limit_now();

	if (l->start == 0 || now - l->start >= LOG_LIMIT_SEC) {
		if (l->ev_set)
			evtimer_del(&l->ev);
		log_limit_flush(l);
		l->start = now;
		l->n = 0;
	}
	if (l->n < l->burst) {
		l->n++;
		return (1);
	}
	if (l->suppressed++ == 0) {
		/* The first line held back: sum up when the window ends. */
		if (!l->ev_set) {
			evtimer_set(&l->ev, log_limit_timer, l);
			l->ev_set = 1;
		}
		tv.tv_sec = LOG_LIMIT_SEC - (now - l->start);
		if (tv.tv_sec <= 0)
			tv.tv_sec = 1;
		evtimer_add(&l->ev, &tv);
	}
	return (0);
}

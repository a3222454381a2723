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
 * Restart delays: exponential from backoff.initial by backoff.factor per
 * retry, capped at backoff.max, then spread by +-jitter percent so that
 * services that failed together do not come back in lockstep.
 */

#include <sys/types.h>

#include <stdint.h>

#include "backoff.h"

/*
 * retry is 1 for the first retry.  rnd is a uniformly random 32-bit
 * value (arc4random() in the daemon, fixed in tests).
 */
uint64_t
backoff_delay(const struct config_backoff *b, unsigned int retry, uint32_t rnd)
{
	double		 d;
	unsigned int	 i;
	int64_t		 ms, span;

	d = (double)b->initial_ms;
	for (i = 1; i < retry && d < (double)b->max_ms; i++)
		d *= b->factor;
	if (d > (double)b->max_ms)
		d = (double)b->max_ms;
	ms = (int64_t)d;
	if (b->jitter > 0 && ms > 0) {
		span = ms * (int64_t)b->jitter / 100;
		if (span > 0)
			ms += (int64_t)(rnd % (uint64_t)(2 * span + 1)) - span;
	}
	return (ms < 0 ? 0 : (uint64_t)ms);
}

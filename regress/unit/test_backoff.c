/* Unit tests for common/backoff.c: growth, cap, jitter bounds. */

#include <stdio.h>
#include <stdlib.h>

#include "backoff.h"
#include "unit.h"

int
main(void)
{
	struct config_backoff	 b = { 1000, 60000, 2.0, 0 };
	uint64_t		 d, lo, hi;
	unsigned int		 r;
	uint32_t		 rnd;

	check(backoff_delay(&b, 1, 0) == 1000, "first retry waits initial");
	check(backoff_delay(&b, 2, 0) == 2000, "second retry doubles");
	check(backoff_delay(&b, 4, 0) == 8000, "fourth retry is initial*2^3");
	check(backoff_delay(&b, 7, 0) == 60000, "capped at max");
	check(backoff_delay(&b, 1000, 0) == 60000, "huge retry stays capped");
	check(backoff_delay(&b, 0, 0) == 1000, "retry 0 is treated as 1");

	b.factor = 1.0;
	check(backoff_delay(&b, 9, 0) == 1000, "factor 1 is a fixed delay");

	b.factor = 1.5;
	b.initial_ms = 100;
	check(backoff_delay(&b, 3, 0) == 225, "factor 1.5: 100, 150, 225");

	/* Jitter: every value within +-10%, and both ends reachable. */
	b.initial_ms = 1000;
	b.factor = 2.0;
	b.jitter = 10;
	lo = UINT64_MAX;
	hi = 0;
	for (r = 0; r < 5000; r++) {
		rnd = (uint32_t)r * 2654435761u;
		d = backoff_delay(&b, 1, rnd);
		if (d < lo)
			lo = d;
		if (d > hi)
			hi = d;
	}
	check(lo >= 900 && hi <= 1100, "jitter stays within 10%%");
	check(lo == 900 && hi == 1100, "jitter reaches both ends");
	check(backoff_delay(&b, 1, 100) == 1000, "rnd in the middle is exact");

	b.jitter = 100;
	b.initial_ms = 10;
	for (r = 0; r < 1000; r++)
		if (backoff_delay(&b, 1, r) > 20)
			break;
	check(r == 1000, "jitter 100%% never exceeds twice the delay");

	b.initial_ms = 0;
	check(backoff_delay(&b, 3, 12345) == 0, "zero initial stays zero");

	printf("%s\n", nfail ? "FAILED" : "all passed");
	return (nfail != 0);
}

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
 * libFuzzer target for the monitor's HTTP response parser: the input is
 * what a (hostile) health endpoint answers.  The parser must stay inside
 * the buffer, and be consistent: a prefix of the input parses as "need
 * more" or exactly as the whole input does, and a complete response has
 * a final status 200..599.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The parser is pure: build it straight from the monitor's source. */
#include "../../monitor/monitor_http.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
parse(const uint8_t *data, size_t len, int *status)
{
	const char	*err = NULL;
	char		*copy;
	int		 r;

	/* An exact-size heap copy: ASan sees any read past the end. */
	if ((copy = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(copy, data, len);
	*status = 0;
	r = http_parse_response(copy, len, status, &err);
	free(copy);
	if (r != HTTP_PARSE_ERROR && r != HTTP_PARSE_MORE &&
	    r != HTTP_PARSE_DONE)
		abort();
	if (r == HTTP_PARSE_ERROR && (err == NULL || *err == '\0'))
		abort();
	if (r == HTTP_PARSE_DONE && (*status < 200 || *status > 599))
		abort();
	return (r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	size_t	 cut, step;
	int	 r, rp, status, pstatus;

	if (len > 2 * HTTP_RESP_MAX)
		return (0);
	r = parse(data, len, &status);
	step = len > 256 ? len / 64 : 1;
	for (cut = 0; cut < len; cut += step) {
		rp = parse(data, cut, &pstatus);
		if (rp == HTTP_PARSE_MORE)
			continue;
		if (rp != r || (r == HTTP_PARSE_DONE && pstatus != status))
			abort();
	}
	return (0);
}

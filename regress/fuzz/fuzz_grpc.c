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
 * libFuzzer target for the monitor's gRPC response decoder: the input is
 * the DATA of a response stream as a (hostile) gRPC server sends it.  The
 * decoder must stay inside the buffer and be consistent: a prefix of the
 * input decodes as "need more" or exactly as the whole input does, a
 * decoded message lies within the input, and an error has a reason.  The
 * same bytes, as header values, go through grpc_parse_status() and
 * grpc_text(), whose output must be short printable text.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The decoder is pure: build it straight from the monitor's source. */
#include "../../monitor/monitor_grpc_msg.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
decode(const uint8_t *data, size_t len, int *status, size_t *used)
{
	const char	*err = NULL;
	uint8_t		*copy;
	int		 r;

	/* An exact-size heap copy: ASan sees any read past the end. */
	if ((copy = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(copy, data, len);
	*status = 0;
	*used = 0;
	r = grpc_decode_response(copy, len, status, used, &err);
	free(copy);
	if (r == GRPC_DECODE_ERROR && (err == NULL || *err == '\0'))
		abort();
	if (r == GRPC_DECODE_DONE && (*used < GRPC_PREFIX_LEN ||
	    *used > len || *used > GRPC_PREFIX_LEN + GRPC_MSG_MAX))
		abort();
	if (r != GRPC_DECODE_ERROR && r != GRPC_DECODE_MORE &&
	    r != GRPC_DECODE_DONE)
		abort();
	return (r);
}

static void
text(const uint8_t *data, size_t len)
{
	char	*copy, out[64];
	size_t	 i, n;
	int	 code;

	if ((copy = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(copy, data, len);
	if (grpc_parse_status(copy, len, &code) == 0 &&
	    (code < 0 || code > 999))
		abort();
	grpc_text(copy, len, out, sizeof(out));
	free(copy);
	n = strlen(out);
	if (n >= sizeof(out) || n > len)
		abort();
	for (i = 0; i < n; i++)
		if (out[i] < 0x20 || out[i] == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	size_t	 cut, step, used, pused;
	int	 r, rp, status, pstatus;

	if (len > 2 * (GRPC_PREFIX_LEN + GRPC_MSG_MAX))
		return (0);
	r = decode(data, len, &status, &used);
	step = len > 256 ? len / 64 : 1;
	for (cut = 0; cut < len; cut += step) {
		rp = decode(data, cut, &pstatus, &pused);
		if (rp == GRPC_DECODE_MORE)
			continue;
		if (rp != r || (r == GRPC_DECODE_DONE &&
		    (pstatus != status || pused != used)))
			abort();
	}
	text(data, len);
	return (0);
}

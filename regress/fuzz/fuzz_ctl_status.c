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
 * libFuzzer target for the compact status records (common/ctl_status.c)
 * as vigilctl and control's HTTP API read them: the input is one
 * IMSG_CTL_STATUS payload.  Every record the decoder accepts must be a
 * proper struct (strings terminated in their arrays, id and state set)
 * and must encode to exactly the bytes it came from: one encoding per
 * record, nothing read beyond the payload.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_status.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_status_iter	 it;
	struct ctl_status	 st;
	uint8_t			 again[CTL_STATUS_RECMAX + 2];
	const uint8_t		*p = data;
	size_t			 n;
	int			 r;

	if (ctl_status_iter_init(&it, data, size) == -1) {
		fuzz_check(size == 0 || size > CTL_STATUS_BATCHMAX);
		return (0);
	}
	while ((r = ctl_status_next(&it, &st)) == 1) {
		fuzz_check(MSG_STR_OK(st.id) && MSG_STR_OK(st.group) &&
		    MSG_STR_OK(st.state) && MSG_STR_OK(st.health) &&
		    MSG_STR_OK(st.ports) && MSG_STR_OK(st.reason) &&
		    MSG_STR_OK(st.status_text) &&
		    MSG_STR_OK(st.health_reason));
		fuzz_check(st.id[0] != '\0' && st.state[0] != '\0' &&
		    st.group[0] != '\0');
		n = ctl_status_pack(&st, again, sizeof(again));
		fuzz_check(n > 0 && n <= (size_t)(data + size - p) &&
		    memcmp(again, p, n) == 0);
		p += n;
	}
	fuzz_check(r == 0 ? p == data + size : p < data + size);
	return (0);
}

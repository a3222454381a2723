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

/* vigild: control -- its seccomp allow-list (see common/sandbox.h). */

#include <sys/syscall.h>

#include "compat.h"
#include "sandbox.h"

static const int control_calls[] = {
	SANDBOX_CALL(accept4),		/* control socket, HTTP API */
	SANDBOX_CALL(accept),
	SANDBOX_CALL(getsockopt),	/* SO_PEERCRED, SO_ERROR */
	SANDBOX_CALL(setsockopt),	/* evhttp */
	SANDBOX_CALL(getsockname),
	SANDBOX_CALL(getpeername),
	SANDBOX_CALL(shutdown),		/* evhttp, the HTTP deadlines */
	SANDBOX_CALL(recvfrom),		/* evhttp reads */
	SANDBOX_CALL(setrlimit),	/* prlimit64 on most systems */
};

void
control_sandbox(void)
{
	/* No file at all: its chroot is empty. */
	(void)sandbox_landlock(NULL, 0);
	sandbox_enable(control_calls, nitems(control_calls));
}

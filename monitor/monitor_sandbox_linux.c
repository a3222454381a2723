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

/* vigild: monitor -- its seccomp allow-list (see common/sandbox.h). */

#include <sys/syscall.h>

#include "compat.h"
#include "monitor.h"
#include "sandbox.h"

static const int monitor_calls[] = {
	SANDBOX_CALL(openat),		/* /proc and cgroup files, by dirfd */
	SANDBOX_CALL(openat2),		/* compat_openat_beneath() */
	SANDBOX_CALL(getdents64),	/* /proc/PID/task */
	SANDBOX_CALL(lseek),
	SANDBOX_CALL(pread64),
	SANDBOX_CALL(sysinfo),		/* uptime, memory */
	SANDBOX_CALL(socket),		/* tcp:, http: and grpc: checks */
	SANDBOX_CALL(connect),
	SANDBOX_CALL(getsockopt),	/* SO_ERROR after connect */
	SANDBOX_CALL(setsockopt),
	SANDBOX_CALL(getsockname),
	SANDBOX_CALL(recvfrom),
	SANDBOX_CALL(shutdown),
};

void
monitor_sandbox(void)
{
	struct sandbox_dir	 d[2];

	/* /proc and the cgroup tree, read-only, through the held fds. */
	d[0].fd = mon_proc_dirfd();
	d[0].how = SANDBOX_FS_READ;
	d[0].what = "/proc";
	d[1].fd = mon_cgroup_dirfd();
	d[1].how = SANDBOX_FS_READ;
	d[1].what = "the cgroup tree";
	(void)sandbox_landlock(d, nitems(d));
	sandbox_enable(monitor_calls, nitems(monitor_calls));
}

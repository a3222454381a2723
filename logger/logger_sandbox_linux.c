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

/* vigild: logger -- its seccomp allow-list (see common/sandbox.h). */

#include <sys/syscall.h>

#include <fcntl.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"

static const int logger_calls[] = {
	SANDBOX_CALL(openat),		/* log files, in its chroot */
	SANDBOX_CALL(openat2),		/* compat_openat_beneath() */
	SANDBOX_CALL(lseek),
	SANDBOX_CALL(pread64),		/* tail */
	SANDBOX_CALL(ftruncate),	/* rotation by size */
	SANDBOX_CALL(fsync),
	SANDBOX_CALL(fdatasync),
	SANDBOX_CALL(renameat),		/* rotation */
	SANDBOX_CALL(renameat2),
	SANDBOX_CALL(unlinkat),		/* old files */
	SANDBOX_CALL(getdents64),	/* fdopendir/readdir: old files */
	SANDBOX_CALL(statx),
	SANDBOX_CALL(umask),
	SANDBOX_CALL(tee),		/* peek at a stream */
	SANDBOX_CALL(splice),
	SANDBOX_CALL(fchmod),
	SANDBOX_CALL(socket),		/* syslog(3) reconnects */
	SANDBOX_CALL(connect),
	SANDBOX_CALL(shutdown),
	/* Orphaned (logger_orphan.c): wait for the next parent. */
	SANDBOX_CALL(fchdir),		/* into log_dir, for bind */
	SANDBOX_CALL(bind),
	SANDBOX_CALL(listen),
	SANDBOX_CALL(accept4),
	SANDBOX_CALL(getsockopt),	/* getpeereid: SO_PEERCRED */
};

void
logger_sandbox(void)
{
	struct sandbox_dir	 d;

	/* Its chroot, log_dir, and nothing else. */
	d.how = SANDBOX_FS_READ | SANDBOX_FS_WRITE;
	d.what = "log_dir";
	if ((d.fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		fatal("log_dir");
	(void)sandbox_landlock(&d, 1);
	close(d.fd);
	sandbox_enable(logger_calls, nitems(logger_calls));
}

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
 * The helpers' seccomp filters (common/sandbox_linux.c).  A helper's
 * allow-list is one table of SANDBOX_CALL(name) in its own folder
 * (control/control_sandbox_linux.c, logger/..., monitor/...).  To allow
 * a new call: add SANDBOX_CALL(name) to that helper's table, with a
 * comment saying what needs it; a call every helper needs goes to
 * sandbox_base[].
 */

#ifndef VIGIL_SANDBOX_H
#define VIGIL_SANDBOX_H

#include <stddef.h>

#include "msg.h"

#define SANDBOX_CALL(name)	__NR_##name

/* A directory a helper may use, for sandbox_landlock(). */
#define SANDBOX_FS_READ		0x1
#define SANDBOX_FS_WRITE	0x2	/* create, write, rename, remove files;
					   bind sockets */
struct sandbox_dir {
	int		 fd;		/* -1: skipped */
	unsigned int	 how;		/* SANDBOX_FS_* */
	const char	*what;		/* for errors */
};

void	sandbox_prepare(enum vigil_proc, int debug);
int	sandbox_landlock(const struct sandbox_dir *, size_t);
void	sandbox_enable(const int *calls, size_t ncalls);

/* Each helper's table and sandbox_enable() call. */
void	control_sandbox(void);
void	logger_sandbox(void);
void	monitor_sandbox(void);

#endif /* VIGIL_SANDBOX_H */

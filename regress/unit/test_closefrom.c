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
 * Unit tests for the closefrom of a new child (common/compat_linux.c):
 * close_range, and the directory read that stands in for it before Linux
 * 5.9, each in a forked child that reports which descriptors it still
 * has.  The descriptors are spread out (one past a thousand, and more
 * than one getdents64 buffer's worth) so the directory read must take
 * several batches.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "compat.h"
#include "proc.h"
#include "unit.h"

#define LOW	40		/* closefrom(LOW) */
#define NFD	300		/* open from 20 on, then 1100 */

static int	 fds[NFD + 1];
static int	 nfds;

/* In a child: close from LOW with fn, exit with how many are wrong. */
static int
run(void (*fn)(int))
{
	pid_t	 pid;
	int	 i, st, wrong, isopen;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		fn(LOW);
		wrong = 0;
		for (i = 0; i < nfds; i++) {
			isopen = fcntl(fds[i], F_GETFD) != -1;
			if (isopen != (fds[i] < LOW))
				wrong++;
		}
		if (fcntl(0, F_GETFD) == -1 || fcntl(2, F_GETFD) == -1)
			wrong++;
		_exit(wrong > 100 ? 100 : wrong);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return (-1);
	return (WEXITSTATUS(st));
}

int
main(void)
{
	struct rlimit	 rl;
	int		 fd, i;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 2048 &&
	    rl.rlim_max >= 2048) {
		rl.rlim_cur = 2048;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((fd = open("/dev/null", O_RDONLY)) == -1) {
		perror("/dev/null");
		return (1);
	}
	for (i = 0; i < NFD - 1; i++)
		if ((fds[nfds] = dup2(fd, 20 + i)) != -1)
			nfds++;
	if ((fds[nfds] = dup2(fd, 1100)) != -1)
		nfds++;
	close(fd);
	check(nfds >= NFD - 1, "%d descriptors open for the test", nfds);

	check(run(compat_child_closefrom) == 0,
	    "closefrom(%d) closes every descriptor from %d, and no other",
	    LOW, LOW);
	check(run(compat_child_closefrom_dir) == 0,
	    "the /proc/self/fd fallback closes every descriptor from %d, "
	    "and no other", LOW);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	return (nfail != 0);
}

/*
 * Copyright (c) 2026 The vigil authors
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
 * vigil-testprog: the one program every supervisor runs in the tests and
 * in the benchmarks (regress/bench).
 *
 *	vigil-testprog sleep		pause forever
 *	vigil-testprog stamp FILE	append "<CLOCK_REALTIME ns> <pid>\n" to
 *					FILE (O_APPEND, one write), then pause
 *	vigil-testprog flood N		write N numbered 100-byte lines to
 *					stdout as fast as possible, then pause
 *	vigil-testprog spawn N		start N copies of itself in `sleep'
 *					mode back to back (posix_spawn), then
 *					send each SIGTERM and reap them all;
 *					print the seconds each half took
 *					("START STOP\n"), exit 0: the
 *					machine's limits for starting and
 *					stopping N services (W2, W7)
 *
 * spawn needs the program's own path as argv[0] (an absolute path, as
 * the harness gives it).
 *
 * A flood line is the line number, zero-padded to 10 digits, a space, 'x'
 * up to 99 characters and '\n': "0000000042 xxx...x\n".  Lines are
 * numbered from 0 to N-1 and written in large writes.
 *
 * Two optional environment variables, for the benchmark harness:
 *	VIGIL_TESTPROG_STAMP=FILE	in any mode, first append a stamp line
 *					to FILE (as `stamp` does)
 *	VIGIL_TESTPROG_NOTIFY_FD=N	after start-up (after the stamp), write
 *					"\n" to fd N and close it: readiness
 *					notification for s6 (notification-fd)
 *
 * Exit status: 1 on a usage or set-up error; spawn exits 0; otherwise
 * the program only ends on a signal.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_LEN	100		/* bytes per flood line, with '\n' */
#define NUM_LEN		10		/* digits of the line number */
#define LINES_PER_WRITE	1024		/* ~100 KiB per write(2) */

static void	usage(void) __attribute__((__noreturn__));
static void	stamp(const char *);
static void	notify(void);
static void	writeall(int, const char *, size_t);
static void	flood(unsigned long long);
static void	spawn(const char *, unsigned long long);
static unsigned long long count(const char *, unsigned long long);
static void	pause_forever(void) __attribute__((__noreturn__));

static void
usage(void)
{
	fprintf(stderr, "usage: vigil-testprog sleep\n"
	    "       vigil-testprog stamp file\n"
	    "       vigil-testprog flood lines\n"
	    "       vigil-testprog spawn count\n");
	exit(1);
}

static void
writeall(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			perror("vigil-testprog: write");
			exit(1);
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void
stamp(const char *path)
{
	struct timespec	 ts;
	char		 line[64];
	int		 fd, len;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1) {
		perror("vigil-testprog: clock_gettime");
		exit(1);
	}
	len = snprintf(line, sizeof(line), "%lld%09ld %ld\n",
	    (long long)ts.tv_sec, ts.tv_nsec, (long)getpid());
	if (len < 0 || (size_t)len >= sizeof(line)) {
		fprintf(stderr, "vigil-testprog: stamp too long\n");
		exit(1);
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1) {
		fprintf(stderr, "vigil-testprog: %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	writeall(fd, line, (size_t)len);
	close(fd);
}

static void
notify(void)
{
	const char	*s;
	char		*end;
	long		 fd;

	if ((s = getenv("VIGIL_TESTPROG_NOTIFY_FD")) == NULL || *s == '\0')
		return;
	errno = 0;
	fd = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || fd < 0 || fd > 1023) {
		fprintf(stderr, "vigil-testprog: bad VIGIL_TESTPROG_NOTIFY_FD\n");
		exit(1);
	}
	/* The supervisor may not have given us the fd: ignore errors. */
	if (write((int)fd, "\n", 1) == 1)
		close((int)fd);
}

static void
flood(unsigned long long nlines)
{
	static char		 buf[LINES_PER_WRITE * LINE_LEN];
	unsigned long long	 i, v;
	size_t			 n, off;
	int			 d;

	/* Fill every slot once with the constant part of a line. */
	for (n = 0; n < LINES_PER_WRITE; n++) {
		off = n * LINE_LEN;
		memset(buf + off, 'x', LINE_LEN - 1);
		buf[off + NUM_LEN] = ' ';
		buf[off + LINE_LEN - 1] = '\n';
	}
	for (i = 0; i < nlines; ) {
		for (n = 0; n < LINES_PER_WRITE && i < nlines; n++, i++) {
			off = n * LINE_LEN;
			v = i;
			for (d = NUM_LEN - 1; d >= 0; d--) {
				buf[off + d] = '0' + (char)(v % 10);
				v /= 10;
			}
		}
		writeall(STDOUT_FILENO, buf, n * LINE_LEN);
	}
}

extern char	**environ;

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return ((double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9);
}

/*
 * Wait (at most about a second) until the process sleeps: state S in
 * /proc/PID/stat.  Where there is no /proc, do not wait.
 */
static int
waitsettled(pid_t pid)
{
	char	 path[64], buf[256], *p;
	FILE	*f;
	int	 i, ok;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	for (i = 0; i < 1000; i++) {
		if ((f = fopen(path, "r")) == NULL)
			return (0);
		ok = fgets(buf, sizeof(buf), f) != NULL;
		fclose(f);
		if (!ok || (p = strrchr(buf, ')')) == NULL)
			return (0);
		if (p[1] == ' ' && p[2] == 'S')
			return (1);
		usleep(1000);
	}
	return (0);
}

static void
spawn(const char *self, unsigned long long n)
{
	struct timespec		 t0, t1, t2, t3;
	char			*argv[] = { NULL, "sleep", NULL };
	pid_t			*pids;
	unsigned long long	 i, started;
	int			 rv;

	if ((pids = calloc(n, sizeof(*pids))) == NULL) {
		perror("vigil-testprog: calloc");
		exit(1);
	}
	argv[0] = (char *)self;
	rv = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (started = 0; started < n; started++)
		if ((rv = posix_spawn(&pids[started], self, NULL, NULL, argv,
		    environ)) != 0)
			break;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Let them all reach pause(), as a supervisor's services have. */
	for (i = 0; i < started; i++)
		(void)waitsettled(pids[i]);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	for (i = 0; i < started; i++)
		(void)kill(pids[i], SIGTERM);
	for (i = 0; i < started; i++)
		(void)waitpid(pids[i], NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &t3);
	free(pids);
	if (rv != 0) {
		fprintf(stderr, "vigil-testprog: %s: %s\n", self, strerror(rv));
		exit(1);
	}
	printf("%.6f %.6f\n", elapsed(&t0, &t1), elapsed(&t2, &t3));
	exit(0);
}

static unsigned long long
count(const char *s, unsigned long long max)
{
	unsigned long long	 n;
	char			*end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || s[0] == '\0' || s[0] == '-' ||
	    n > max) {
		fprintf(stderr, "vigil-testprog: bad count: %s\n", s);
		exit(1);
	}
	return (n);
}

static void
pause_forever(void)
{
	for (;;)
		pause();
}

int
main(int argc, char *argv[])
{
	const char		*s;
	unsigned long long	 n;

	if (argc < 2)
		usage();

	/* The start time comes first, before any other work. */
	if ((s = getenv("VIGIL_TESTPROG_STAMP")) != NULL && *s != '\0')
		stamp(s);

	if (strcmp(argv[1], "sleep") == 0 && argc == 2) {
		notify();
		pause_forever();
	} else if (strcmp(argv[1], "stamp") == 0 && argc == 3) {
		stamp(argv[2]);
		notify();
		pause_forever();
	} else if (strcmp(argv[1], "flood") == 0 && argc == 3) {
		n = count(argv[2], 9999999999ULL);
		notify();
		flood(n);
		pause_forever();
	} else if (strcmp(argv[1], "spawn") == 0 && argc == 3)
		spawn(argv[0], count(argv[2], 100000));
	usage();
}

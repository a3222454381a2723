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
 * vigil-lines: a service for the logger's tests.
 *
 *	vigil-lines [-ex] [-b size] [-d ms] [-p prefix] [-r rate] [-w width]
 *	    count
 *	vigil-lines [-x] -L bytes
 *
 * Writes the lines "PREFIXN\n" for N = 0 .. count-1 to stdout, then
 * pauses forever (or exits 0 with -x).
 *	-b size	  bytes per write(2) (default 4096, as stdio would do);
 *		  0: one write per line
 *	-d ms	  sleep that long after each write
 *	-e	  even lines to stdout as "out N", odd ones to stderr as
 *		  "err N" (one write per line)
 *	-p prefix text before each number
 *	-r rate	  at most that many lines per second
 *	-w width  pad each line with " xxx..." to width bytes (newline
 *		  included; at most 200)
 *	-L bytes  one line of that many 'x', without a newline
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: vigil-lines [-ex] [-b size] [-d ms] "
	    "[-p prefix] [-r rate] [-w width] count\n"
	    "       vigil-lines [-x] -L bytes\n");
	exit(1);
}

static void
writeall(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			perror("vigil-lines: write");
			exit(1);
		}
		p += n;
		len -= (size_t)n;
	}
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Keep to rate lines per second: sleep when ahead. */
static void
pace(unsigned long done, long rate, double start)
{
	double	 ahead;

	if (rate <= 0 || done % 1000 != 0)
		return;
	ahead = (double)done / rate - (now() - start);
	if (ahead > 0.001) {
		struct timespec	 ts;

		ts.tv_sec = (time_t)ahead;
		ts.tv_nsec = (long)((ahead - ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

static void
nap(long ms)
{
	struct timespec	 ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
main(int argc, char *argv[])
{
	static char	 buf[1 << 20];
	const char	*prefix = "";
	unsigned long	 count, i;
	long		 bsize = 4096, delay = 0, longline = -1, rate = 0;
	long		 width = 0;
	double		 start;
	size_t		 used = 0;
	int		 ch, split = 0, exit_after = 0, n, fd;
	char		 line[256];

	while ((ch = getopt(argc, argv, "b:d:eL:p:r:w:x")) != -1) {
		switch (ch) {
		case 'b':
			bsize = atol(optarg);
			break;
		case 'd':
			delay = atol(optarg);
			break;
		case 'e':
			split = 1;
			break;
		case 'L':
			longline = atol(optarg);
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'r':
			rate = atol(optarg);
			break;
		case 'w':
			width = atol(optarg);
			break;
		case 'x':
			exit_after = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (bsize < 0 || (size_t)bsize > sizeof(buf) || width < 0 ||
	    width > 200)
		usage();

	if (longline >= 0) {
		memset(buf, 'x', sizeof(buf));
		while (longline > 0) {
			n = longline < (long)sizeof(buf) ? (int)longline :
			    (int)sizeof(buf);
			writeall(STDOUT_FILENO, buf, n);
			longline -= n;
		}
		goto end;
	}
	if (argc != 1)
		usage();
	count = strtoul(argv[0], NULL, 10);
	start = now();
	for (i = 0; i < count; i++) {
		pace(i, rate, start);
		fd = STDOUT_FILENO;
		if (split) {
			fd = i % 2 ? STDERR_FILENO : STDOUT_FILENO;
			n = snprintf(line, sizeof(line), "%s%s %lu\n", prefix,
			    i % 2 ? "err" : "out", i);
		} else
			n = snprintf(line, sizeof(line), "%s%lu\n", prefix, i);
		if (n < width && n < (int)sizeof(line)) {
			line[n - 1] = ' ';
			memset(line + n, 'x', width - n - 1);
			line[width - 1] = '\n';
			n = width;
		}
		if (split || bsize == 0) {
			writeall(fd, line, n);
			nap(delay);
			continue;
		}
		if (used + n > (size_t)bsize) {
			writeall(STDOUT_FILENO, buf, used);
			used = 0;
			nap(delay);
		}
		memcpy(buf + used, line, n);
		used += n;
	}
	if (used > 0)
		writeall(STDOUT_FILENO, buf, used);
 end:
	if (exit_after)
		return (0);
	for (;;)
		pause();
}

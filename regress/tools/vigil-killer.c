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
 * vigil-killer: SIGKILL vigild's logger soon after it starts writing,
 * so that it dies busy (between a read and a write), not while it waits.
 *
 *	vigil-killer [-n kills] [-w max_us] vigild_pid file
 *
 * For each kill: find the logger (the child of vigild_pid whose command
 * line says logger) that is not the one killed last, poll the file's
 * size every 20 us until it grows, wait a random 0 .. max_us microseconds
 * (default 2000) and kill it.  Prints the number of kills; exit 0 when
 * all were done, 1 when a logger or the growth did not come within 30 s.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_US		20
#define LIMIT_US	(30 * 1000000L)

static long long
fsize(const char *path)
{
	struct stat	 sb;

	return (stat(path, &sb) == -1 ? -1 : (long long)sb.st_size);
}

/* Is pid a child of ppid running as the logger? */
static int
is_logger(pid_t pid, pid_t ppid)
{
	char	 path[64], buf[512], *p;
	FILE	*fp;
	size_t	 n, i;
	long	 pp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %ld", &pp) != 1 || pp != ppid)
		return (0);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return (strstr(buf, "vigild: logger") != NULL ||
	    strstr(buf, " -P logger") != NULL);
}

static pid_t
find_logger(pid_t ppid, pid_t not)
{
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid, found = 0;

	if ((d = opendir("/proc")) == NULL)
		return (0);
	while (found == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atol(de->d_name);
		if (pid != not && is_logger(pid, ppid))
			found = pid;
	}
	closedir(d);
	return (found);
}

int
main(int argc, char *argv[])
{
	long long	 s0;
	long		 maxus = 2000, waited;
	pid_t		 ppid, pid, last = 0;
	int		 ch, kills = 1, k;

	while ((ch = getopt(argc, argv, "n:w:")) != -1) {
		switch (ch) {
		case 'n':
			kills = atoi(optarg);
			break;
		case 'w':
			maxus = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || maxus < 1 || kills < 1)
		goto usage;
	ppid = (pid_t)atol(argv[0]);
	srandom((unsigned int)(getpid() ^ time(NULL)));
	for (k = 0; k < kills; k++) {
		for (waited = 0; (pid = find_logger(ppid, last)) == 0;
		    waited += 200) {
			if (waited > LIMIT_US)
				goto out;
			usleep(200);
		}
		s0 = fsize(argv[1]);
		for (waited = 0; fsize(argv[1]) <= s0; waited += POLL_US) {
			if (waited > LIMIT_US)
				goto out;
			usleep(POLL_US);
		}
		usleep(random() % maxus);
		if (kill(pid, SIGKILL) == -1) {
			perror("vigil-killer: kill");
			goto out;
		}
		last = pid;
	}
 out:
	printf("%d\n", k);
	return (k == kills ? 0 : 1);
 usage:
	fprintf(stderr, "usage: vigil-killer [-n kills] [-w max_us] "
	    "vigild_pid file\n");
	return (1);
}

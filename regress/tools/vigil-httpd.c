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
 * vigil-httpd: the service the monitor tests supervise.  A tiny HTTP/1.0
 * server on 127.0.0.1 whose health can be made to fail, which can take
 * memory and CPU, and which speaks sd_notify.
 *
 *	vigil-httpd [-HN] [-a size] [-b n] [-d ms] [-f file] [-p port]
 *	    [-r ms] [-R] [-s ms] [-w usec] [-X socket]
 *
 *	-p port	listen on 127.0.0.1:port (default $PORT; none: no server)
 *	-d ms	wait that long before listening (ready: tcp://)
 *	-f file	GET /health answers 503 while file exists, else 200
 *	-H	GET /health never answers (the connection hangs)
 *	-a size	allocate and touch size bytes at start (K, M, G suffixes)
 *	-b n	fork n children that burn CPU until killed
 *	-r ms	send "READY=1\nSTATUS=ready" to $NOTIFY_SOCKET after ms
 *	-R	repeat READY=1 every 200 ms (with -r: from then on)
 *	-w usec	send WATCHDOG_USEC=usec with READY (or at start), then
 *		WATCHDOG=1 every usec/4
 *	-s ms	stop the watchdog pings after ms
 *	-X path	send to this socket instead of $NOTIFY_SOCKET
 *	-N	send without waiting (MSG_DONTWAIT), as a sender with a send
 *		timeout does: a full queue loses the datagram (and says so)
 *
 *	GET /health	200 "ok" (or 503, see -f, -H)
 *	GET /alloc?mb=N	allocate and touch N more MiB, 200
 *	anything else	200 "vigil-httpd"
 *
 * It writes "vigil-httpd: listening on PORT" to stdout once listening.
 * Usage errors exit 1; otherwise it only ends on a signal.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXHANG		64

static const char	*failfile;
static int		 hang;
static int		 hung[MAXHANG];
static unsigned int	 nhung;
static const char	*notify_path;
static int		 notify_flags = MSG_NOSIGNAL;

static void
usage(void)
{
	fprintf(stderr, "usage: vigil-httpd [-HNR] [-a size] [-b n] [-d ms] "
	    "[-f file] [-p port]\n"
	    "           [-r ms] [-s ms] [-w usec] [-X socket]\n");
	exit(1);
}

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static long long
num(const char *s, long long max)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || v < 0)
		usage();
	switch (*end) {
	case 'K': case 'k':
		v *= 1024;
		end++;
		break;
	case 'M': case 'm':
		v *= 1024 * 1024;
		end++;
		break;
	case 'G': case 'g':
		v *= 1024 * 1024 * 1024;
		end++;
		break;
	}
	if (*end != '\0' || v > max)
		usage();
	return (v);
}

static char *volatile	 memory_kept;	/* defeats dead-store elimination */

static void
take_memory(size_t n)
{
	volatile char	*p;
	size_t		 i;

	if (n == 0)
		return;
	if ((p = malloc(n)) == NULL) {
		perror("vigil-httpd: malloc");
		exit(1);
	}
	/* Touch every page: resident, not just reserved. */
	for (i = 0; i < n; i += 4096)
		p[i] = 1;
	p[n - 1] = 1;
	memory_kept = (char *)p;
}

static void
burn(int n)
{
	volatile unsigned long	 x = 0;
	int			 i;

	for (i = 0; i < n; i++) {
		switch (fork()) {
		case -1:
			perror("vigil-httpd: fork");
			exit(1);
		case 0:
			for (;;)
				x++;
		}
	}
}

static void
notify(const char *msg)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 fd;

	if (notify_path == NULL || *notify_path == '\0' ||
	    strlen(notify_path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, notify_path, strlen(notify_path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(notify_path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, strlen(msg), notify_flags,
	    (struct sockaddr *)&sun, len) == -1)
		fprintf(stderr, "vigil-httpd: notify %s: %s\n", notify_path,
		    strerror(errno));
	close(fd);
}

static void
reply(int fd, int code, const char *body)
{
	char	 buf[512];
	int	 n;

	n = snprintf(buf, sizeof(buf), "HTTP/1.0 %d %s\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", code, code == 200 ? "OK" :
	    "Service Unavailable", strlen(body), body);
	if (n > 0)
		(void)send(fd, buf, (size_t)n, MSG_NOSIGNAL);
}

static void
serve(int lfd)
{
	struct timeval	 tv = { 1, 0 };
	char		 req[2048], *sp, *path;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1) {
		n = read(fd, req + len, sizeof(req) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL ||
		    strstr(req, "\n\n") != NULL)
			break;
	}
	req[len] = '\0';
	path = "";
	if (strncmp(req, "GET ", 4) == 0) {
		path = req + 4;
		if ((sp = strchr(path, ' ')) != NULL)
			*sp = '\0';
	}
	if (strcmp(path, "/health") == 0) {
		if (hang) {
			/* Keep it open, never answer. */
			if (nhung == MAXHANG)
				nhung = 0;
			if (hung[nhung] > 0)
				close(hung[nhung]);
			hung[nhung++] = fd;
			return;
		}
		if (failfile != NULL && access(failfile, F_OK) == 0)
			reply(fd, 503, "failing\n");
		else
			reply(fd, 200, "ok\n");
	} else if (strncmp(path, "/alloc?mb=", 10) == 0) {
		take_memory((size_t)num(path + 10, 4096) * 1024 * 1024);
		reply(fd, 200, "allocated\n");
	} else
		reply(fd, 200, "vigil-httpd\n");
	close(fd);
}

static int
listen_on(int port)
{
	struct sockaddr_in	 sin;
	int			 fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("vigil-httpd: socket");
		exit(1);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 64) == -1) {
		fprintf(stderr, "vigil-httpd: port %d: %s\n", port,
		    strerror(errno));
		exit(1);
	}
	printf("vigil-httpd: listening on %d\n", port);
	fflush(stdout);
	return (fd);
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd;
	uint64_t	 start, t_ready = 0, t_listen = 0, t_wd = 0, t_stop = 0;
	uint64_t	 t_next, now, wd_usec = 0, ready_ms = 0;
	long long	 alloc = 0, delay = 0, stop = 0;
	int		 ch, port = -1, nburn = 0, ready = 0, repeat = 0;
	int		 lfd = -1, ready_sent = 0, timeout;
	const char	*s;
	char		 msg[128];

	signal(SIGPIPE, SIG_IGN);
	notify_path = getenv("NOTIFY_SOCKET");
	if ((s = getenv("PORT")) != NULL && *s != '\0')
		port = (int)num(s, 65535);
	while ((ch = getopt(argc, argv, "a:b:d:f:HNp:r:Rs:w:X:")) != -1) {
		switch (ch) {
		case 'a':
			alloc = num(optarg, 1LL << 40);
			break;
		case 'b':
			nburn = (int)num(optarg, 64);
			break;
		case 'd':
			delay = num(optarg, 3600000);
			break;
		case 'f':
			failfile = optarg;
			break;
		case 'H':
			hang = 1;
			break;
		case 'N':
			notify_flags |= MSG_DONTWAIT;
			break;
		case 'p':
			port = (int)num(optarg, 65535);
			break;
		case 'r':
			ready = 1;
			ready_ms = (uint64_t)num(optarg, 3600000);
			break;
		case 'R':
			repeat = 1;
			break;
		case 's':
			stop = num(optarg, 3600000);
			break;
		case 'w':
			wd_usec = (uint64_t)num(optarg, 3600000000LL);
			break;
		case 'X':
			notify_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	take_memory((size_t)alloc);
	burn(nburn);
	start = now_ms();
	if (ready || repeat)
		t_ready = start + ready_ms;
	if (port > 0)
		t_listen = start + (uint64_t)delay;
	if (wd_usec > 0) {
		t_wd = start;
		if (stop > 0)
			t_stop = start + (uint64_t)stop;
	}

	for (;;) {
		now = now_ms();
		if (t_listen != 0 && now >= t_listen) {
			lfd = listen_on(port);
			t_listen = 0;
		}
		if (t_ready != 0 && now >= t_ready) {
			if (!ready_sent && wd_usec > 0) {
				snprintf(msg, sizeof(msg), "READY=1\n"
				    "STATUS=ready\nWATCHDOG_USEC=%llu",
				    (unsigned long long)wd_usec);
				notify(msg);
			} else
				notify("READY=1\nSTATUS=ready");
			ready_sent = 1;
			t_ready = repeat ? now + 200 : 0;
		}
		if (t_wd != 0 && now >= t_wd) {
			if (t_stop != 0 && now >= t_stop)
				t_wd = 0;
			else {
				if (!ready && t_wd == start) {
					snprintf(msg, sizeof(msg),
					    "WATCHDOG_USEC=%llu",
					    (unsigned long long)wd_usec);
					notify(msg);
				} else
					notify("WATCHDOG=1");
				t_wd = now + wd_usec / 4000;
			}
		}
		t_next = UINT64_MAX;
		if (t_listen != 0 && t_listen < t_next)
			t_next = t_listen;
		if (t_ready != 0 && t_ready < t_next)
			t_next = t_ready;
		if (t_wd != 0 && t_wd < t_next)
			t_next = t_wd;
		now = now_ms();
		timeout = t_next == UINT64_MAX ? -1 : t_next <= now ? 0 :
		    (int)(t_next - now);
		pfd.fd = lfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, lfd == -1 ? 0 : 1, timeout) == -1 &&
		    errno != EINTR) {
			perror("vigil-httpd: poll");
			exit(1);
		}
		if (lfd != -1 && (pfd.revents & POLLIN))
			serve(lfd);
	}
}

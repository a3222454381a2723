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
 * vigil-dgram: flood a unix datagram socket (sd_notify's, in the tests).
 *
 *	vigil-dgram seconds path message
 *
 * Sends message to path as fast as it can for that long, without
 * blocking, and prints "sent refused full": datagrams the socket took,
 * sends refused for permission (EACCES, EPERM: then it waits 0.5 ms
 * before the next try) and sends that found the queue full (EAGAIN).
 * Exit 0, or 1 on a usage error or any other error.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	unsigned long long	 sent = 0, refused = 0, full = 0;
	double			 end;
	size_t			 len;
	int			 fd;

	if (argc != 4 || atof(argv[1]) <= 0 ||
	    strlen(argv[2]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: vigil-dgram seconds path message\n");
		return (1);
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, argv[2], strlen(argv[2]));
	len = strlen(argv[3]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1) {
		perror("socket");
		return (1);
	}
	end = now() + atof(argv[1]);
	while (now() < end) {
		if (sendto(fd, argv[3], len, MSG_NOSIGNAL,
		    (struct sockaddr *)&sun, sizeof(sun)) != -1) {
			sent++;
			continue;
		}
		if (errno == EAGAIN) {
			full++;
		} else if (errno == EACCES || errno == EPERM) {
			refused++;
			usleep(500);
		} else {
			perror(argv[2]);
			return (1);
		}
	}
	printf("%llu %llu %llu\n", sent, refused, full);
	return (0);
}

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
 * libFuzzer target for the monitor's whole gRPC exchange
 * (monitor/monitor_grpc.c over libnghttp2): the input is everything a
 * (hostile) server sends on the connection before it closes it.  The
 * check runs on one end of a socket pair, as in the monitor; it must
 * come to an end (the input ends with EOF, so an exchange that still
 * waits is a stuck check), with a reason made of printable text, and
 * pass only with SERVING.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "../../monitor/monitor.h"

#define INPUT_MAX	(32 * 1024)	/* fits a socket pair's buffer */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mon_grpc	*g;
	char		 why[MON_TEXTMAX], sink[65536];
	short		 events;
	size_t		 i;
	int		 sv[2], ok = -1, r = GRPC_IO_MORE, round;

	if (len > INPUT_MAX)
		return (0);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1)
		abort();
	if (len > 0 && write(sv[1], data, len) != (ssize_t)len)
		abort();
	shutdown(sv[1], SHUT_WR);
	g = mon_grpc_new("127.0.0.1:50051", "app");
	memset(why, 'x', sizeof(why));
	for (round = 0; round < 64 && r == GRPC_IO_MORE; round++) {
		r = mon_grpc_io(g, sv[0], &events, &ok, why, sizeof(why));
		/* The server's side reads what the check sends. */
		while (read(sv[1], sink, sizeof(sink)) > 0)
			;
	}
	if (r != GRPC_IO_DONE)
		abort();
	if (memchr(why, '\0', sizeof(why)) == NULL || why[0] == '\0')
		abort();
	for (i = 0; why[i] != '\0'; i++)
		if (why[i] < 0x20 || why[i] == 0x7f)
			abort();
	if (ok != 0 && (ok != 1 || strcmp(why, "SERVING") != 0))
		abort();
	/* FUZZ_GRPC_PRINT=1: what the operator would read, per input. */
	if (getenv("FUZZ_GRPC_PRINT") != NULL)
		fprintf(stderr, "%s %s\n", ok ? "pass" : "fail", why);
	mon_grpc_free(g);
	close(sv[0]);
	close(sv[1]);
	return (0);
}

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
 * log.stdout: console -- a service's lines on vigild's own stdout, each
 * prefixed with its name ("web | line", "web:1 | line"), for containers
 * where `docker logs` is the log.  The logger cannot open that from its
 * chroot: the parent passes a non-blocking copy (IMSG_LOG_CONSOLE).
 * A line is written whole with one writev; what a full pipe did not take
 * waits here (one line at most) and goes out when the fd is writable,
 * and until then the streams are told to retry later, so a reader that
 * stops reading holds up only the console services, never the logger.
 */

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "logger.h"

static int		 console_fd = -1;
static struct event	 console_ev;
static char		*console_pend;		/* the rest of a line */
static size_t		 console_pendlen;
static size_t		 console_pendoff;

static void	console_drain(int, short, void *);

static void
console_gone(void)
{
	log_warn("console (vigild's stdout)");
	if (console_pendlen > 0)
		event_del(&console_ev);
	free(console_pend);
	console_pend = NULL;
	console_pendlen = console_pendoff = 0;
	close(console_fd);
	console_fd = -1;
}

void
logger_console_set(int fd)
{
	if (console_fd != -1) {
		if (console_pendlen > 0)
			event_del(&console_ev);
		free(console_pend);
		console_pend = NULL;
		console_pendlen = console_pendoff = 0;
		close(console_fd);
	}
	console_fd = fd;
	if (fd != -1)
		event_set(&console_ev, fd, EV_WRITE, console_drain, NULL);
}

int
logger_console_up(void)
{
	return (console_fd != -1);
}

/* 1: nothing waits any more; 0: some still does; -1: the fd is gone. */
static int
console_flush(void)
{
	ssize_t	 n;

	while (console_pendoff < console_pendlen) {
		n = write(console_fd, console_pend + console_pendoff,
		    console_pendlen - console_pendoff);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return (0);
		if (n <= 0) {
			console_gone();
			return (-1);
		}
		console_pendoff += n;
	}
	free(console_pend);
	console_pend = NULL;
	console_pendlen = console_pendoff = 0;
	return (1);
}

static void
console_drain(int fd, short ev, void *arg)
{
	if (console_flush() == 0)
		event_add(&console_ev, NULL);
}

/*
 * One line (its newline, if any, is replaced by ours).  1: written or
 * taken; 0: the console is full, try again later; -1: there is none.
 */
int
logger_console_send(const char *name, const unsigned char *line,
    size_t len)
{
	struct iovec	 iov[4];
	size_t		 total, done, i, off;
	ssize_t		 n;

	if (console_fd == -1)
		return (-1);
	if (console_pendlen > 0) {
		switch (console_flush()) {
		case 0:
			return (0);
		case -1:
			return (-1);
		}
	}
	if (len > 0 && line[len - 1] == '\n')
		len--;
	iov[0].iov_base = (void *)name;
	iov[0].iov_len = strlen(name);
	iov[1].iov_base = " | ";
	iov[1].iov_len = 3;
	iov[2].iov_base = (void *)line;
	iov[2].iov_len = len;
	iov[3].iov_base = "\n";
	iov[3].iov_len = 1;
	total = iov[0].iov_len + 3 + len + 1;
	do
		n = writev(console_fd, iov, 4);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN)
		return (0);
	if (n == -1) {
		console_gone();
		return (-1);
	}
	if ((size_t)n == total)
		return (1);
	/* A full pipe took part of it: the rest waits for POLLOUT. */
	if ((console_pend = malloc(total - n)) == NULL)
		fatal(NULL);
	for (i = 0, done = 0, off = 0; i < 4; i++) {
		if (done + iov[i].iov_len > (size_t)n) {
			size_t	 skip = (size_t)n > done ? n - done : 0;

			memcpy(console_pend + off, (char *)iov[i].iov_base +
			    skip, iov[i].iov_len - skip);
			off += iov[i].iov_len - skip;
		}
		done += iov[i].iov_len;
	}
	console_pendlen = off;
	console_pendoff = 0;
	event_add(&console_ev, NULL);
	return (1);
}

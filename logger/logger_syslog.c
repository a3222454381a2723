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
 * Forwarding to syslog.  The logger is chrooted to log_dir, where
 * /dev/log cannot be reached, so the parent connects a datagram socket to
 * it and passes that (again when it breaks, on IMSG_LOG_SYSLOG_REQ).
 * Messages are RFC 3164 as the local socket takes them, the way syslog(3)
 * writes them: "<PRI>Mmm dd hh:mm:ss TAG: text", facility daemon,
 * severity info for stdout and err for stderr, the tag the file's base
 * name ("web", "web-2").  Lines longer than LOGGER_SYSLOG_TEXT are sent
 * in several messages.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logger.h"

#define LOGGER_SYSLOG_TEXT	4096	/* bytes of a line per message */

static int	 syslog_fd = -1;

static const char *syslog_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

void
logger_syslog_set(int fd)
{
	if (syslog_fd != -1)
		close(syslog_fd);
	syslog_fd = fd;
	if (fd != -1)
		log_debug("syslog socket received");
}

int
logger_syslog_up(void)
{
	return (syslog_fd != -1);
}

/*
 * One line (without its newline).  1: sent; 0: the socket is full, try
 * again later; -1: the socket is gone (a new one was asked for).
 */
int
logger_syslog_send(const char *tag, int pri, const struct timespec *ts,
    const char *line, size_t len)
{
	char		 msg[LOGGER_SYSLOG_TEXT + 128];
	struct tm	 tm;
	time_t		 t = ts->tv_sec;
	size_t		 n, part;
	int		 hdr;

	if (syslog_fd == -1)
		return (-1);
	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	do {
		hdr = snprintf(msg, sizeof(msg), "<%d>%s %2d %02d:%02d:%02d "
		    "%s: ", pri, syslog_months[tm.tm_mon % 12], tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, tag);
		if (hdr < 0 || (size_t)hdr >= sizeof(msg) - 1)
			return (-1);
		part = len < LOGGER_SYSLOG_TEXT ? len : LOGGER_SYSLOG_TEXT;
		memcpy(msg + hdr, line, part);
		n = hdr + part;
		if (send(syslog_fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		    -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS || errno == EINTR)
				return (0);
			log_warn("syslog");
			close(syslog_fd);
			syslog_fd = -1;
			logger_syslog_request();
			return (-1);
		}
		line += part;
		len -= part;
	} while (len > 0);
	return (1);
}

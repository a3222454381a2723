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
 * supervisorctl's status format, exactly, so that what parses
 * `supervisorctl status` parses `vigilctl status`:
 *
 *	printf("%-*s%-10s%s\n", width, name, state, description)
 *
 * width = max(30, longest name) + 3; for RUNNING the description is
 * "pid N, uptime " + Python's str(timedelta); BACKOFF and FATAL show the
 * reason; STOPPED and EXITED "Not started" or the stop time.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "ctl_format.h"

char *
ctl_fmt_uptime(uint64_t secs, char *buf, size_t len)
{
	uint64_t	 days, h, m, s;

	days = secs / 86400;
	h = (secs % 86400) / 3600;
	m = (secs % 3600) / 60;
	s = secs % 60;
	if (days > 0)
		snprintf(buf, len, "%llu day%s, %llu:%02llu:%02llu",
		    (unsigned long long)days, days == 1 ? "" : "s",
		    (unsigned long long)h, (unsigned long long)m,
		    (unsigned long long)s);
	else
		snprintf(buf, len, "%llu:%02llu:%02llu",
		    (unsigned long long)h, (unsigned long long)m,
		    (unsigned long long)s);
	return (buf);
}

char *
ctl_fmt_stoptime(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	if (len == 0)
		return (buf);
	buf[0] = '\0';
	if (localtime_r(&t, &tm) == NULL)
		return (buf);
	if (strftime(buf, len, "%b %d %I:%M %p", &tm) == 0)
		buf[0] = '\0';
	return (buf);
}

char *
ctl_fmt_description(const struct ctl_status *st, char *buf, size_t len)
{
	char	 up[64];

	if (len == 0)
		return (buf);
	buf[0] = '\0';
	if (strcmp(st->state, "RUNNING") == 0) {
		snprintf(buf, len, "pid %d, uptime %s", (int)st->pid,
		    ctl_fmt_uptime(st->uptime_ms / 1000, up, sizeof(up)));
	} else if (strcmp(st->state, "BACKOFF") == 0 ||
	    strcmp(st->state, "FATAL") == 0) {
		snprintf(buf, len, "%s", st->reason);
	} else if (strcmp(st->state, "STOPPED") == 0 ||
	    strcmp(st->state, "EXITED") == 0) {
		if (st->stop_wall == 0)
			snprintf(buf, len, "Not started");
		else
			ctl_fmt_stoptime((time_t)st->stop_wall, buf, len);
	}
	return (buf);
}

int
ctl_status_width(size_t longest)
{
	if (longest < CTL_STATUS_MINWIDTH - 3)
		return (CTL_STATUS_MINWIDTH);
	return ((int)longest + 3);
}

char *
ctl_fmt_status_line(int width, const char *name, const char *state,
    const char *desc, char *buf, size_t len)
{
	snprintf(buf, len, "%-*s%-10s%s", width, name, state, desc);
	return (buf);
}

char *
ctl_fmt_bytes(uint64_t n, char *buf, size_t len)
{
	static const char	 units[] = "KMGTPE";
	double			 d = (double)n;
	int			 u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)n);
		return (buf);
	}
	while (d >= 1024 && u < (int)sizeof(units) - 2) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f%c", d, units[u]);
	return (buf);
}

char *
ctl_fmt_duration(uint64_t ms, char *buf, size_t len)
{
	uint64_t	 s = ms / 1000, h, m;
	char		 part[32];

	if (len == 0)
		return (buf);
	buf[0] = '\0';
	if (ms % 1000 != 0 || ms == 0) {
		snprintf(buf, len, "%llums", (unsigned long long)ms);
		return (buf);
	}
	h = s / 3600;
	m = (s % 3600) / 60;
	s %= 60;
	if (h > 0) {
		snprintf(part, sizeof(part), "%lluh", (unsigned long long)h);
		strlcat(buf, part, len);
	}
	if (m > 0) {
		snprintf(part, sizeof(part), "%llum", (unsigned long long)m);
		strlcat(buf, part, len);
	}
	if (s > 0) {
		snprintf(part, sizeof(part), "%llus", (unsigned long long)s);
		strlcat(buf, part, len);
	}
	return (buf);
}

char *
ctl_fmt_exit(int status, int spawn_errno, char *buf, size_t len)
{
	const char	*name;

	if (spawn_errno != 0)
		snprintf(buf, len, "spawn error (%s)", strerror(spawn_errno));
	else if (status == -1)
		snprintf(buf, len, "spawn error");
	else if (status == -2)		/* adopted: not vigild's child */
		snprintf(buf, len, "exit status unknown");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) {
		name = config_signame(WTERMSIG(status));
		if (name != NULL)
			snprintf(buf, len, "killed by SIG%s%s", name,
			    WCOREDUMP(status) ? " (core dumped)" : "");
		else
			snprintf(buf, len, "killed by signal %d",
			    WTERMSIG(status));
	} else
		snprintf(buf, len, "status %#x", status);
	return (buf);
}

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
 * supervisorctl's status format (common/ctl_format.c) against fixed
 * expectations, and the control request decoder (common/ctl_proto.c).
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_format.h"
#include "ctl_proto.h"
#include "unit.h"

static void
uptime_is(uint64_t secs, const char *want)
{
	char	 buf[64];

	ctl_fmt_uptime(secs, buf, sizeof(buf));
	check(strcmp(buf, want) == 0, "uptime %llu = \"%s\" (got \"%s\")",
	    (unsigned long long)secs, want, buf);
}

static void
line_is(const struct ctl_status *st, int width, const char *want)
{
	char	 desc[256], line[512];

	ctl_fmt_description(st, desc, sizeof(desc));
	ctl_fmt_status_line(width, st->id, st->state, desc, line,
	    sizeof(line));
	check(strcmp(line, want) == 0, "line \"%s\" (got \"%s\")", want, line);
}

static struct ctl_status
mk(const char *id, const char *state, int pid, uint64_t up_ms,
    time_t stop, const char *reason)
{
	struct ctl_status	 st;

	memset(&st, 0, sizeof(st));
	strlcpy(st.id, id, sizeof(st.id));
	strlcpy(st.state, state, sizeof(st.state));
	st.pid = pid;
	st.uptime_ms = up_ms;
	st.stop_wall = stop;
	strlcpy(st.reason, reason, sizeof(st.reason));
	return (st);
}

static void
test_format(void)
{
	struct ctl_status	 st;
	struct tm		 tm;
	time_t			 t;
	char			 buf[64], want[256];

	/* Python's str(timedelta), as supervisorctl prints it */
	uptime_is(0, "0:00:00");
	uptime_is(5, "0:00:05");
	uptime_is(3723, "1:02:03");
	uptime_is(86399, "23:59:59");
	uptime_is(86400, "1 day, 0:00:00");
	uptime_is(86400 + 7384, "1 day, 2:03:04");
	uptime_is(3 * 86400 + 5, "3 days, 0:00:05");
	uptime_is(400 * 86400 + 36000, "400 days, 10:00:00");

	check(ctl_status_width(0) == 33, "width of no names is 33");
	check(ctl_status_width(30) == 33, "width of 30 is 33");
	check(ctl_status_width(31) == 34, "width of 31 is 34");
	check(ctl_status_width(63) == 66, "width of 63 is 66");

	st = mk("web", "RUNNING", 1234, 3723500, 0, "");
	line_is(&st, 33, "web                              RUNNING   "
	    "pid 1234, uptime 1:02:03");
	st = mk("web:3", "RUNNING", 42, (86400 + 7384) * 1000ULL, 0, "");
	line_is(&st, 33, "web:3                            RUNNING   "
	    "pid 42, uptime 1 day, 2:03:04");
	st = mk("db", "RUNNING", 7, (3 * 86400 + 5) * 1000ULL, 0, "");
	line_is(&st, 33, "db                               RUNNING   "
	    "pid 7, uptime 3 days, 0:00:05");
	st = mk("a-very-long-service-name-for-the-width", "STARTING", 9, 0,
	    0, "");
	line_is(&st, 41, "a-very-long-service-name-for-the-width   "
	    "STARTING  ");
	st = mk("x", "FATAL", 0, 0, 1000, "can't find command '/x'");
	line_is(&st, 33, "x                                FATAL     "
	    "can't find command '/x'");
	st = mk("x", "BACKOFF", 0, 0, 1000, "Exited too quickly (process "
	    "log may have details)");
	line_is(&st, 33, "x                                BACKOFF   "
	    "Exited too quickly (process log may have details)");
	st = mk("never", "STOPPED", 0, 0, 0, "");
	line_is(&st, 33, "never                            STOPPED   "
	    "Not started");

	/* A stop time is local: Nov 22 01:36 AM */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 22;
	tm.tm_hour = 1;
	tm.tm_min = 36;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	check(strcmp(ctl_fmt_stoptime(t, buf, sizeof(buf)),
	    "Nov 22 01:36 AM") == 0, "stop time (got \"%s\")", buf);
	st = mk("old", "EXITED", 0, 0, t, "Bad exit code 3");
	snprintf(want, sizeof(want), "%-33s%-10s%s", "old", "EXITED",
	    "Nov 22 01:36 AM");
	line_is(&st, 33, want);
	tm.tm_hour = 13;
	tm.tm_min = 5;
	t = mktime(&tm);
	st = mk("old", "STOPPED", 0, 0, t, "");
	snprintf(want, sizeof(want), "%-33s%-10s%s", "old", "STOPPED",
	    "Nov 22 01:05 PM");
	line_is(&st, 33, want);

	check(strcmp(ctl_fmt_bytes(512, buf, sizeof(buf)), "512") == 0,
	    "bytes 512");
	check(strcmp(ctl_fmt_bytes(1536, buf, sizeof(buf)), "1.5K") == 0,
	    "bytes 1.5K");
	check(strcmp(ctl_fmt_bytes(64ULL << 20, buf, sizeof(buf)), "64.0M") ==
	    0, "bytes 64M");
	check(strcmp(ctl_fmt_duration(250, buf, sizeof(buf)), "250ms") == 0,
	    "duration 250ms");
	check(strcmp(ctl_fmt_duration(5400000, buf, sizeof(buf)), "1h30m") ==
	    0, "duration 1h30m (got %s)", buf);
	check(strcmp(ctl_fmt_exit(3 << 8, 0, buf, sizeof(buf)), "exit 3") == 0,
	    "exit 3");
	check(strcmp(ctl_fmt_exit(SIGTERM, 0, buf, sizeof(buf)),
	    "killed by SIGTERM") == 0, "killed by SIGTERM (got %s)", buf);
}

static int
decode(struct ctl_cstate *cs, uint32_t type, const void *data, size_t len)
{
	struct imsg	 imsg;
	union ctl_cmsg	 m;
	const char	*why;

	memset(&imsg, 0, sizeof(imsg));
	imsg.hdr.type = type;
	imsg.hdr.len = IMSG_HEADER_SIZE + len;
	imsg.data = (void *)data;
	imsg.datalen = len;
	imsg.fd = -1;
	return (ctl_client_decode(cs, &imsg, &m, &why));
}

static void
test_decode(void)
{
	struct ctl_cstate	 cs;
	struct ctl_hello	 h;
	struct ctl_target	 t;
	struct ctl_request	 r;
	int			 i;

	memset(&cs, 0, sizeof(cs));
	memset(&h, 0, sizeof(h));
	memset(&t, 0, sizeof(t));
	memset(&r, 0, sizeof(r));
	strlcpy(t.name, "web", sizeof(t.name));
	r.cmd = CTL_CMD_STATUS;
	check(decode(&cs, IMSG_CTL_TARGET, &t, sizeof(t)) == -1,
	    "TARGET before HELLO refused");
	h.version = CTL_PROTO_VERSION;
	check(decode(&cs, IMSG_CTL_HELLO, &h, sizeof(h) - 1) == -1,
	    "short HELLO refused");
	check(decode(&cs, IMSG_CTL_HELLO, &h, sizeof(h)) == IMSG_CTL_HELLO &&
	    cs.hello, "HELLO accepted");
	check(decode(&cs, IMSG_CTL_HELLO, &h, sizeof(h)) == -1,
	    "second HELLO refused");
	check(decode(&cs, IMSG_CTL_TARGET, &t, sizeof(t)) == IMSG_CTL_TARGET,
	    "TARGET accepted");
	memset(t.name, 'a', sizeof(t.name));
	check(decode(&cs, IMSG_CTL_TARGET, &t, sizeof(t)) == -1,
	    "unterminated TARGET refused");
	strlcpy(t.name, "a b", sizeof(t.name));
	check(decode(&cs, IMSG_CTL_TARGET, &t, sizeof(t)) == -1,
	    "TARGET with a space refused");
	r.cmd = CTL_CMD_MAX;
	check(decode(&cs, IMSG_CTL_REQUEST, &r, sizeof(r)) == -1,
	    "unknown command refused");
	r.cmd = CTL_CMD_STATUS;
	r.flags = 0x8000;
	check(decode(&cs, IMSG_CTL_REQUEST, &r, sizeof(r)) == -1,
	    "unknown flag refused");
	r.flags = 0;
	check(decode(&cs, IMSG_CTL_REQUEST, &r, sizeof(r)) == IMSG_CTL_REQUEST
	    && cs.busy, "REQUEST accepted");
	check(decode(&cs, IMSG_CTL_TARGET, &t, sizeof(t)) == -1,
	    "TARGET while busy refused");
	cs.busy = 0;
	strlcpy(t.name, "x", sizeof(t.name));
	for (i = 0; i < CTL_MAXTARGETS; i++)
		(void)decode(&cs, IMSG_CTL_TARGET, &t, sizeof(t));
	check(decode(&cs, IMSG_CTL_TARGET, &t, sizeof(t)) == -1,
	    "target %d refused", CTL_MAXTARGETS + 1);
	check(decode(&cs, IMSG_CTL_END, NULL, 0) == -1,
	    "an answer type from a client refused");

	memset(&cs, 0, sizeof(cs));
	h.version = CTL_PROTO_VERSION + 1;
	check(decode(&cs, IMSG_CTL_HELLO, &h, sizeof(h)) == IMSG_CTL_HELLO &&
	    !cs.hello, "other version: answered, not accepted");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_format();
	test_decode();
	printf("%s\n", nfail ? "FAILED" : "all passed");
	return (nfail != 0);
}

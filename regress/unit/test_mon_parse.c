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
 * The monitor's two parsers of outside input: the head of an HTTP
 * response (a health endpoint's answer) and an sd_notify datagram.
 * Both are built from the monitor's own sources; what they would call
 * in the running monitor is stubbed below.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../monitor/monitor_http.c"
#include "../../monitor/monitor_notify.c"
#include "unit.h"

struct mon_svc_list	 mon_svcs = TAILQ_HEAD_INITIALIZER(mon_svcs);

uint64_t
mon_now_ms(void)
{
	return (0);
}

int
mon_send(uint32_t type, const void *data, size_t len)
{
	return (0);
}

void
mon_timer_add(struct event *ev, uint64_t ms)
{
}

const char *
mon_svc_cgroup(const struct mon_svc *ms, char *buf, size_t len)
{
	return (NULL);
}

int
mon_proc_sender(pid_t pid, struct mon_sender *snd)
{
	return (-1);
}

struct mon_svc *
mon_svc_find_pid(pid_t pid)
{
	return (NULL);
}

struct mon_svc *
mon_svc_find_cgroup(const char *rel)
{
	return (NULL);
}

ssize_t
mon_notify_recv(int fd, char *buf, size_t len, pid_t *pid, uid_t *uid)
{
	errno = EAGAIN;
	return (-1);
}

int
mon_notify_prepare(int fd)
{
	return (0);
}

static void
http(const char *in, int want, int want_status)
{
	const char	*err;
	int		 r, status = 0;

	r = http_parse_response(in, strlen(in), &status, &err);
	check(r == want, "http \"%.40s\": %d, want %d (%s)", in, r, want,
	    err != NULL ? err : "");
	if (r == HTTP_PARSE_DONE)
		check(status == want_status, "http \"%.40s\": status %d, "
		    "want %d", in, status, want_status);
}

static void
test_http(void)
{
	char	*big;

	http("HTTP/1.0 200 OK\r\n\r\n", HTTP_PARSE_DONE, 200);
	http("HTTP/1.1 503 Service Unavailable\r\nServer: x\r\n\r\nbody",
	    HTTP_PARSE_DONE, 503);
	http("HTTP/1.0 302 Found\r\nLocation: /\r\n\r\n", HTTP_PARSE_DONE,
	    302);
	http("HTTP/1.1 200 OK\nA: b\n\n", HTTP_PARSE_DONE, 200);
	http("HTTP/1.1 204\r\n\r\n", HTTP_PARSE_DONE, 204);
	http("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
	    HTTP_PARSE_DONE, 204);
	http("HTTP/1.1 100 Continue\r\n\r\n", HTTP_PARSE_MORE, 0);
	http("HTTP/1.1 200 OK\r\n", HTTP_PARSE_MORE, 0);
	http("HTTP/1.1 200 OK\r\nX: y\r", HTTP_PARSE_MORE, 0);
	http("HTTP/1", HTTP_PARSE_MORE, 0);
	http("", HTTP_PARSE_MORE, 0);
	http("SSH-2.0-OpenSSH", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 2000 OK\r\n\r\n", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 099 Low\r\n\r\n", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 600 High\r\n\r\n", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 200 OK\r\n folded\r\n\r\n", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", HTTP_PARSE_ERROR, 0);
	http("HTTP/1.1 200 O\001K\r\n\r\n", HTTP_PARSE_ERROR, 0);

	/* A head that never ends is cut at HTTP_RESP_MAX. */
	if ((big = malloc(HTTP_RESP_MAX + 100)) == NULL)
		abort();
	strlcpy(big, "HTTP/1.1 200 OK\r\n", HTTP_RESP_MAX + 100);
	while (strlen(big) < HTTP_RESP_MAX + 50)
		strlcat(big, "X: y\r\n", HTTP_RESP_MAX + 100);
	http(big, HTTP_PARSE_ERROR, 0);
	free(big);
}

static void
notify(const char *in, size_t len, int want_flags, int want_wd)
{
	struct msg_mon_notify	 m;
	int			 flags, wd;

	flags = mon_notify_parse(in, len, &m, &wd);
	check(flags == want_flags && wd == want_wd && (int)m.flags == flags,
	    "notify \"%.40s\": flags %#x wd %d, want %#x %d", in, flags, wd,
	    want_flags, want_wd);
}

static void
test_notify(void)
{
	struct msg_mon_notify	 m;
	char			 buf[400];
	int			 wd;

#define N(s)	s, sizeof(s) - 1
	notify(N("READY=1"), MON_NOTIFY_READY, 0);
	notify(N("READY=1\n"), MON_NOTIFY_READY, 0);
	notify(N("READY=0"), 0, 0);
	notify(N("READYX=1"), 0, 0);
	notify(N("READY=1\0STATUS=x"), 0, 0);
	notify(N("WATCHDOG=1"), 0, 1);
	notify(N("WATCHDOG=trigger"), 0, 2);
	notify(N("WATCHDOG=1\nWATCHDOG=trigger"), 0, 2);
	notify(N("WATCHDOG_USEC=-5"), 0, 0);
	notify(N("WATCHDOG_USEC="), 0, 0);
	notify(N("WATCHDOG_USEC=99999999999999999999"), 0, 0);
	notify(N("STOPPING=1\nRELOADING=1"),
	    MON_NOTIFY_STOPPING | MON_NOTIFY_RELOADING, 0);
	notify(N("BARRIER=1"), 0, 0);
	notify(N("MAINPID=42"), 0, 0);

	(void)mon_notify_parse(N("WATCHDOG_USEC=2000000\nWATCHDOG=1"), &m,
	    &wd);
	check(m.flags == MON_NOTIFY_WATCHDOG && m.watchdog_usec == 2000000 &&
	    wd == 1, "WATCHDOG_USEC: %#x %llu %d", m.flags,
	    (unsigned long long)m.watchdog_usec, wd);
	(void)mon_notify_parse(N("READY=1\nSTATUS=up and running"), &m, &wd);
	check(m.flags == (MON_NOTIFY_READY | MON_NOTIFY_STATUS) &&
	    strcmp(m.status, "up and running") == 0, "STATUS: \"%s\"",
	    m.status);
	(void)mon_notify_parse(N("STATUS=a\tb\033c"), &m, &wd);
	check(strcmp(m.status, "a?b?c") == 0, "STATUS controls: \"%s\"",
	    m.status);
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "STATUS=", 7);
	(void)mon_notify_parse(buf, sizeof(buf), &m, &wd);
	check(strlen(m.status) == sizeof(m.status) - 1, "long STATUS: %zu",
	    strlen(m.status));
#undef N
}

int
main(void)
{
	test_http();
	test_notify();
	printf("%s\n", nfail ? "FAILED" : "all passed");
	return (nfail != 0);
}

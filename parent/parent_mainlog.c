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
 * vigild's own recent log (vigilctl maintail): the parent's log lines, as
 * log.c hands them over (log_set_hook), also kept in a ring of the last
 * MAINLOG_MAX bytes, whole lines, the oldest dropped first; the parent's
 * memory for it never grows past that.  Each line is stamped as
 * supervisord stamps its own ("2026-12-06 09:53:17,784 INFO text").  The
 * helpers' lines are not in it (they log to syslog themselves).  The
 * lines name services, paths and who did what (the audit of control
 * actions and refusals), so maintail is for privileged callers only.
 * maintail -f: each new line goes to every follower as it is logged;
 * control drops lines for a follower that reads too slowly and says how
 * many (control_logs.c), so a follower never makes the parent wait.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"

#define MAINLOG_MAX		(64 * 1024)
#define MAINLOG_LINEMAX		1100	/* stamp, level, log.c's 1024 */

struct mainlog_follower {
	TAILQ_ENTRY(mainlog_follower) entry;
	uint32_t		 peerid;
	uint32_t		 uid;		/* who asked, for the log */
	int32_t			 pid;
};

static char		 mainlog_ring[MAINLOG_MAX];
static size_t		 mainlog_start;		/* the oldest byte */
static size_t		 mainlog_len;
static TAILQ_HEAD(, mainlog_follower) mainlog_followers =
    TAILQ_HEAD_INITIALIZER(mainlog_followers);

static const char *
mainlog_level(int pri)
{
	switch (pri) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
		return ("CRIT");
	case LOG_ERR:
		return ("ERRO");
	case LOG_WARNING:
		return ("WARN");
	case LOG_DEBUG:
		return ("DEBG");
	default:
		return ("INFO");
	}
}

/* Drop the oldest lines until `need' more bytes fit. */
static void
mainlog_make_room(size_t need)
{
	size_t	 pos;

	while (mainlog_len > 0 && MAINLOG_MAX - mainlog_len < need) {
		pos = mainlog_start;
		do {
			pos = (pos + 1) % MAINLOG_MAX;
			mainlog_len--;
		} while (mainlog_len > 0 &&
		    mainlog_ring[(pos + MAINLOG_MAX - 1) % MAINLOG_MAX] !=
		    '\n');
		mainlog_start = pos;
	}
	if (mainlog_len == 0)
		mainlog_start = 0;
}

static void
mainlog_append(const char *line, size_t len)
{
	size_t	 end, first;

	mainlog_make_room(len);
	end = (mainlog_start + mainlog_len) % MAINLOG_MAX;
	first = MAINLOG_MAX - end < len ? MAINLOG_MAX - end : len;
	memcpy(mainlog_ring + end, line, first);
	memcpy(mainlog_ring, line + first, len - first);
	mainlog_len += len;
}

/* Up to `len' bytes from `off' bytes after the oldest one. */
static size_t
mainlog_copy(size_t off, char *buf, size_t len)
{
	size_t	 pos, first;

	if (off >= mainlog_len)
		return (0);
	if (len > mainlog_len - off)
		len = mainlog_len - off;
	pos = (mainlog_start + off) % MAINLOG_MAX;
	first = MAINLOG_MAX - pos < len ? MAINLOG_MAX - pos : len;
	memcpy(buf, mainlog_ring + pos, first);
	memcpy(buf + first, mainlog_ring, len - first);
	return (len);
}

static void
mainlog_send(uint32_t peerid, const char *text, size_t len)
{
	struct ctl_logdata	 d;

	while (len > 0) {
		memset(&d, 0, sizeof(d));
		strlcpy(d.id, "vigild", sizeof(d.id));
		d.len = len > sizeof(d.text) ? sizeof(d.text) : len;
		memcpy(d.text, text, d.len);
		(void)parent_control_send(peerid, IMSG_CTL_LOGDATA, &d,
		    sizeof(d));
		text += d.len;
		len -= d.len;
	}
}

/* log.c's hook: one line of the parent's log. */
static void
mainlog_hook(int pri, const char *msg)
{
	static time_t		 stamp_sec = -1;
	static char		 stamp[32];
	struct mainlog_follower	*f;
	struct timespec		 ts;
	struct tm		 tm;
	char			 line[MAINLOG_LINEMAX];
	int			 n;

	/* The date and time change once a second, not once a line. */
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != stamp_sec) {
		if (localtime_r(&ts.tv_sec, &tm) == NULL ||
		    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S",
		    &tm) == 0)
			strlcpy(stamp, "?", sizeof(stamp));
		stamp_sec = ts.tv_sec;
	}
	n = snprintf(line, sizeof(line), "%s,%03ld %s %s\n", stamp,
	    ts.tv_nsec / 1000000, mainlog_level(pri), msg);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	mainlog_append(line, n);
	TAILQ_FOREACH(f, &mainlog_followers, entry)
		mainlog_send(f->peerid, line, n);
}

void
parent_mainlog_init(void)
{
	log_set_hook(mainlog_hook);
}

/*
 * maintail: the last req.count bytes (0: all it keeps), as supervisorctl
 * asks for them, and with CTL_F_FOLLOW every line after them until the
 * client goes (no END).
 */
void
parent_mainlog_cmd(struct pctl_peer *p)
{
	struct mainlog_follower	*f;
	char			*buf;
	size_t			 n = p->req.count, len;

	if (p->ntargets != 0) {
		pctl_finish(p, CTL_RES_USAGE, "maintail takes no target");
		return;
	}
	if (n == 0 || n > mainlog_len)
		n = mainlog_len;
	if ((buf = malloc(n + 1)) == NULL)
		fatal(NULL);
	len = mainlog_copy(mainlog_len - n, buf, n);
	mainlog_send(p->peerid, buf, len);
	free(buf);
	if (!(p->req.flags & CTL_F_FOLLOW)) {
		pctl_finish(p, CTL_RES_OK, NULL);
		return;
	}
	parent_mainlog_gone(p->peerid);		/* anything stale */
	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal(NULL);
	f->peerid = p->peerid;
	f->uid = p->req.uid;
	f->pid = p->req.pid;
	TAILQ_INSERT_TAIL(&mainlog_followers, f, entry);
	log_debug("vigilctl maintail -f by uid %u pid %d: following",
	    p->req.uid, p->req.pid);
}

/* A follower went away. */
void
parent_mainlog_gone(uint32_t peerid)
{
	struct mainlog_follower	*f, *nf;

	TAILQ_FOREACH_SAFE(f, &mainlog_followers, entry, nf) {
		if (f->peerid != peerid)
			continue;
		TAILQ_REMOVE(&mainlog_followers, f, entry);
		free(f);
	}
}

/*
 * Shutdown: control goes, and the followers' clients with it (control's
 * peers are forgotten without telling the subsystems): forget them here,
 * saying so, rather than keep them until the exit.
 */
void
parent_mainlog_shutdown(void)
{
	struct mainlog_follower	*f;

	while ((f = TAILQ_FIRST(&mainlog_followers)) != NULL) {
		TAILQ_REMOVE(&mainlog_followers, f, entry);
		log_info("vigilctl maintail -f by uid %u pid %d: ended by the "
		    "shutdown", f->uid, (int)f->pid);
		free(f);
	}
}

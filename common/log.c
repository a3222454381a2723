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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int		 log_debug_mode;
static int		 log_verbose;
static const char	*log_procname = "parent";
static void		(*log_hook)(int, const char *);
static pid_t		 log_hook_pid;
static int		 log_hook_busy;

void
log_init(int debug, int facility)
{
	extern char	*__progname;

	log_debug_mode = debug;
	if (!debug)
		openlog(__progname, LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_procinit(const char *procname)
{
	if (procname != NULL)
		log_procname = procname;
}

/*
 * Also hand each line to hook (the parent's ring for maintail), in this
 * process only (not in a child between fork and exec), never from
 * inside the hook itself.
 */
void
log_set_hook(void (*hook)(int, const char *))
{
	log_hook = hook;
	log_hook_pid = getpid();
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return (log_verbose);
}

void
logit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved_errno = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_hook != NULL && !log_hook_busy && getpid() == log_hook_pid) {
		log_hook_busy = 1;
		log_hook(pri, buf);
		log_hook_busy = 0;
	}
	if (log_debug_mode) {
		/* One write(2) per line so helper lines never interleave. */
		char	 line[1100];
		int	 n;

		n = snprintf(line, sizeof(line), "vigild[%d]: %s: %s\n",
		    (int)getpid(), log_procname, buf);
		if (n > 0)
			(void)write(STDERR_FILENO, line,
			    (size_t)n < sizeof(line) ? (size_t)n :
			    sizeof(line) - 1);
	} else
		syslog(pri, "%s: %s", log_procname, buf);
	errno = saved_errno;
}

static void
vlog_errno(int pri, const char *emsg, va_list ap)
{
	char	 buf[1024];
	int	 saved_errno = errno;

	if (emsg == NULL) {
		logit(pri, "%s", strerror(saved_errno));
	} else {
		vsnprintf(buf, sizeof(buf), emsg, ap);
		logit(pri, "%s: %s", buf, strerror(saved_errno));
	}
	errno = saved_errno;
}

void
log_warn(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog_errno(LOG_ERR, emsg, ap);
	va_end(ap);
}

void
log_warnx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog(LOG_ERR, emsg, ap);
	va_end(ap);
}

void
log_info(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog(LOG_INFO, emsg, ap);
	va_end(ap);
}

void
log_debug(const char *emsg, ...)
{
	va_list	 ap;

	if (log_verbose > 0) {
		va_start(ap, emsg);
		vlog(LOG_DEBUG, emsg, ap);
		va_end(ap);
	}
}

static __dead void
vfatalc(int code, const char *emsg, va_list ap)
{
	char	 buf[1024];

	if (emsg != NULL)
		vsnprintf(buf, sizeof(buf), emsg, ap);
	else
		buf[0] = '\0';
	if (code)
		logit(LOG_CRIT, "fatal: %s%s%s", buf, buf[0] ? ": " : "",
		    strerror(code));
	else
		logit(LOG_CRIT, "fatal: %s", buf[0] ? buf : "unknown error");
	exit(1);
}

void
fatal(const char *emsg, ...)
{
	va_list	 ap;
	int	 code = errno;

	va_start(ap, emsg);
	vfatalc(code, emsg, ap);
	va_end(ap);
}

void
fatalx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vfatalc(0, emsg, ap);
	va_end(ap);
}

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
 * vigild: logger -- the helper process.  Chrooted to log_dir as the
 * unprivileged user, it gets from the parent the read end of every
 * service's output pipe and writes what comes out of it to the service's
 * files (or to syslog), rotates them, and serves tail and follow.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "logger.h"
#include "msg.h"
#include "msg_log.h"
#include "proc.h"
#include "sandbox.h"

#define LOGGER_SYSLOG_RETRY_SEC	5

static struct imsgev		*logger_iev;
static struct logger_journal	*logger_pending_jr;
static int			 logger_pending_fresh;
static int			 logger_pending_jfd = -1;
static uint32_t			 logger_pending_sid;
static struct event		 logger_syslog_ev;
static int			 logger_syslog_asked;
static time_t			 logger_syslog_last;

static int	logger_dispatch_parent(struct imsgev *, struct imsg *);

/*
 * Before the chroot: load the time zone (there is no /etc/localtime in
 * log_dir) and allow a descriptor per pipe and per file.
 */
static void
logger_preinit(void)
{
	struct rlimit	 rl;
	struct tm	 tm;
	time_t		 now = time(NULL);

	tzset();
	(void)localtime_r(&now, &tm);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * At exit (the parent stops us, or went away): what the parent sent and
 * we had no time to see yet (a pipe handed over at the last moment),
 * then what the pipes hold now.
 */
static void
logger_atexit(void)
{
	struct imsg	 imsg;
	int		 i, r;

	for (i = 0; logger_iev != NULL && logger_iev->active && i < 100000;
	    i++) {
		if ((r = imsg_get(&logger_iev->ibuf, &imsg)) == -1)
			break;
		if (r == 0) {
			if (imsgbuf_read(&logger_iev->ibuf) <= 0)
				break;
			continue;
		}
		r = logger_dispatch_parent(logger_iev, &imsg);
		imsg_free(&imsg);
		if (r == -1)
			break;
	}
	logger_stream_drain_all();
}

/* Does any stream write to syslog? */
static int
logger_syslog_wanted(void)
{
	struct logger_stream	*ls;

	TAILQ_FOREACH(ls, &logger_streams, entry)
		if (ls->conf.dest == LOG_DEST_SYSLOG)
			return (1);
	return (0);
}

static void
logger_syslog_timer(int fd, short ev, void *arg)
{
	if (!logger_syslog_up() && logger_syslog_wanted())
		logger_syslog_request();
}

/*
 * The syslog socket broke or never came: ask the parent for a new one,
 * at most every LOGGER_SYSLOG_RETRY_SEC (the timer asks again later).
 */
void
logger_syslog_request(void)
{
	struct timeval	 tv = { LOGGER_SYSLOG_RETRY_SEC, 0 };
	time_t		 now = time(NULL);

	if (logger_syslog_asked)
		return;
	if (logger_syslog_last != 0 && now >= logger_syslog_last &&
	    now - logger_syslog_last < LOGGER_SYSLOG_RETRY_SEC) {
		if (!evtimer_pending(&logger_syslog_ev, NULL))
			evtimer_add(&logger_syslog_ev, &tv);
		return;
	}
	logger_syslog_asked = 1;
	logger_syslog_last = now;
	(void)proc_child_compose(IMSG_LOG_SYSLOG_REQ, 0, -1, NULL, 0);
}

void
logger_stream_closed(struct logger_stream *ls)
{
	struct msg_log_sid	 m;

	memset(&m, 0, sizeof(m));
	m.sid = ls->sid;
	(void)proc_child_compose(IMSG_LOG_CLOSED, 0, -1, &m, sizeof(m));
	logger_stream_free(ls);
}

void
logger_main(const struct proc_opts *opts)
{
	proc_child_init(opts);
	logger_orphan_init(opts);
	logger_preinit();
	sandbox_prepare(opts->role, opts->debug);
	privdrop(opts->user, opts->root);
	umask(027);
	logger_sandbox();
	event_init();
	if (logger_stream_init() == -1)
		fatal("scratch pipe");
	evtimer_set(&logger_syslog_ev, logger_syslog_timer, NULL);
	logger_iev = proc_child_channel(logger_dispatch_parent, NULL);
	proc_child_on_parent_gone(logger_orphan_enter);
	logger_follow_init(logger_iev);
	if (atexit(logger_atexit) != 0)
		fatalx("atexit");
	event_dispatch();
	exit(0);
}

/* "2026-11-22T01:36:05.123+00:00" (29 bytes); the second is cached. */
size_t
logger_format_time(const struct timespec *ts, char *buf, size_t len)
{
	static time_t	 cached = -1;
	static char	 date[32], zone[16];
	struct tm	 tm;
	time_t		 t = ts->tv_sec;
	long		 off;
	int		 n;

	if (t != cached) {
		if (localtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		if (strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) ==
		    0)
			strlcpy(date, "0000-00-00T00:00:00", sizeof(date));
		off = labs(tm.tm_gmtoff) % (24 * 3600);
		snprintf(zone, sizeof(zone), "%c%02d:%02d",
		    tm.tm_gmtoff < 0 ? '-' : '+', (int)(off / 3600),
		    (int)(off % 3600) / 60);
		cached = t;
	}
	n = snprintf(buf, len, "%s.%03ld%s", date, ts->tv_nsec / 1000000,
	    zone);
	return (n < 0 ? 0 : (size_t)n);
}

/* A service name as the configuration allows it, and its instance id. */
static int
logger_valid_attach(const struct msg_log_attach *m)
{
	char		 want[VIGIL_IDNAMEMAX];
	const char	*p;

	if (!MSG_STR_OK(m->id) || !MSG_STR_OK(m->name) || m->sid == 0 ||
	    m->stream > LOG_STREAM_ERR || m->dest > LOG_DEST_CONSOLE ||
	    m->keep > 1000 || m->timestamps > 1)
		return (0);
	if (m->name[0] == '\0' || m->name[0] == '.' || m->name[0] == '-')
		return (0);
	for (p = m->name; *p != '\0'; p++)
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.'))
			return (0);
	if (strcmp(m->id, m->name) == 0)
		return (1);
	snprintf(want, sizeof(want), "%s:%u", m->name, m->instance);
	return (strcmp(m->id, want) == 0);
}

/* The journal's mapping; *fd stays open (for a next parent) or is -1. */
static struct logger_journal *
logger_map_journal(int *fdp, int *fresh)
{
	int		 fd = *fdp;
	struct stat	 sb;
	void		*p = MAP_FAILED;

	/*
	 * A journal no logger has written has no blocks yet: the stream
	 * leaves it untouched until its first output, so that a quiet
	 * service costs the logger no page of it.
	 */
	*fresh = 0;
	if (fd != -1) {
		if (fstat(fd, &sb) == 0 && sb.st_size >= LOG_JOURNAL_SIZE) {
			p = mmap(NULL, LOG_JOURNAL_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
			*fresh = sb.st_blocks == 0;
		}
		if (p == MAP_FAILED) {
			close(fd);
			*fdp = -1;
		}
	}
	if (p == MAP_FAILED) {
		*fresh = 0;
		log_warnx("no journal for a stream: killing the logger may "
		    "lose what it holds");
		p = mmap(NULL, LOG_JOURNAL_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			fatal("mmap");
	}
	return (p);
}

static int
logger_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct msg_log_attach	 att;
	struct msg_log_tailfile	 tf;
	struct msg_log_tail	 tail;
	struct msg_log_clear	 clr;
	struct msg_log_req	 req;
	struct msg_log_sid	 m;
	struct logger_stream	*ls;
	struct timeval		 tv;
	int			 fd;

	switch (imsg->hdr.type) {
	case IMSG_REOPEN:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		logger_file_reopen_all();
		log_info("log files reopened");
		return (0);
	case IMSG_LOG_ORPHAN:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		logger_orphan_enter();
		if (logger_orphan_waiting())
			(void)proc_child_compose(IMSG_LOG_ORPHANED, 0, -1,
			    NULL, 0);
		return (0);
	case IMSG_LOG_SHUTDOWN:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		proc_child_on_parent_gone(NULL);
		return (0);
	case IMSG_LOG_DIR:
		if (imsg_get_data(imsg, NULL, 0) == -1 ||
		    (fd = imsg_get_fd(imsg)) == -1)
			return (-1);
		logger_file_setdir(fd);
		return (0);
	case IMSG_LOG_SYSLOG:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		logger_syslog_asked = 0;
		fd = imsg_get_fd(imsg);
		logger_syslog_set(fd);
		/* Retry later, but only for a stream that needs it. */
		if (fd == -1 && logger_syslog_wanted()) {
			tv.tv_sec = LOGGER_SYSLOG_RETRY_SEC;
			tv.tv_usec = 0;
			evtimer_add(&logger_syslog_ev, &tv);
		}
		return (0);
	case IMSG_LOG_CONSOLE:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		logger_console_set(imsg_get_fd(imsg));
		return (0);
	case IMSG_LOG_JOURNAL:
		if (imsg_get_data(imsg, &m, sizeof(m)) == -1 ||
		    logger_pending_jr != NULL || m.sid == 0)
			return (-1);
		logger_pending_jfd = imsg_get_fd(imsg);
		logger_pending_jr = logger_map_journal(&logger_pending_jfd,
		    &logger_pending_fresh);
		logger_pending_sid = m.sid;
		return (0);
	case IMSG_LOG_ATTACH:
		if (imsg_get_data(imsg, &att, sizeof(att)) == -1 ||
		    !logger_valid_attach(&att) || logger_pending_jr == NULL ||
		    logger_pending_sid != att.sid ||
		    logger_stream_find(att.sid) != NULL)
			return (-1);
		if ((fd = imsg_get_fd(imsg)) == -1)
			fatalx("%s: the pipe did not arrive", att.id);
		logger_stream_new(&att, fd, logger_pending_jr,
		    logger_pending_fresh, logger_pending_jfd);
		logger_pending_jr = NULL;
		logger_pending_jfd = -1;
		return (0);
	case IMSG_LOG_SETTINGS:
		if (imsg_get_data(imsg, &att, sizeof(att)) == -1 ||
		    !logger_valid_attach(&att))
			return (-1);
		if ((ls = logger_stream_find(att.sid)) != NULL)
			logger_stream_settings(ls, &att);
		return (0);
	case IMSG_LOG_TAIL_FILE:
		if (imsg_get_data(imsg, &tf, sizeof(tf)) == -1)
			return (-1);
		return (logger_follow_file(&tf));
	case IMSG_LOG_TAIL:
		if (imsg_get_data(imsg, &tail, sizeof(tail)) == -1)
			return (-1);
		return (logger_follow_start(&tail));
	case IMSG_LOG_UNFOLLOW:
		if (imsg_get_data(imsg, &req, sizeof(req)) == -1)
			return (-1);
		logger_follow_stop(req.reqid);
		return (0);
	case IMSG_LOG_CLEAR:
		if (imsg_get_data(imsg, &clr, sizeof(clr)) == -1 ||
		    !MSG_STR_OK(clr.id) || clr.id[0] == '\0' ||
		    clr.id[0] == '.' || strchr(clr.id, '/') != NULL)
			return (-1);
		logger_follow_clear(&clr);
		return (0);
	default:
		return (PROC_IMSG_UNKNOWN);
	}
}

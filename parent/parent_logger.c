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
 * The parent's side of the logger: hand every output pipe over, keep a
 * copy of each (and of its journal) until the logger has read it to the
 * end, hand them all over again to a new logger, reopen.
 *
 * A stream (struct plog) lives from the moment svc_spawn makes the pipe
 * until the logger reports IMSG_LOG_CLOSED, which it can only do once
 * every write end is closed, i.e. after the instance was forgotten
 * (parent_logger_detach, then svc_spawn_close_pipes).  A logger that
 * says a live stream is closed is lying and is replaced.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "msg_ctl.h"
#include "msg_log.h"
#include "parent.h"
#include "parent_control.h"
#include "svc.h"

struct plog {
	TAILQ_ENTRY(plog)	 entry;
	struct msg_log_attach	 msg;
	struct svc		*svc;	/* NULL: instance forgotten */
	int			 fd;	/* our copy of the read end */
	int			 jfd;	/* the journal, or -1 */
	int			 nowrite;	/* handed over by an orphaned
					   logger: we hold no write end,
					   it may end while svc is set */
};

/* A vigilctl tail, logs or clear the logger is serving. */
struct preq {
	TAILQ_ENTRY(preq)	 entry;
	uint32_t		 reqid;		/* the client's peerid */
	uint32_t		 cmd;		/* CTL_CMD_TAIL, ... */
	int			 follow;
	uint32_t		 count;
	struct msg_log_tailfile	*files;	/* for a new logger */
	size_t			 nfiles;
	unsigned int		 nleft;	/* CLEAR: answers due */
	int			 result;
};

static TAILQ_HEAD(, plog)	 plogs = TAILQ_HEAD_INITIALIZER(plogs);
static TAILQ_HEAD(, preq)	 preqs = TAILQ_HEAD_INITIALIZER(preqs);
static uint32_t			 plog_lastsid;
static int			 plog_dirfd = -1;
static time_t			 plog_syslog_sent;

static void	plog_changed(struct svc *, enum svc_state);
static void	preq_send(struct preq *);
static void	preq_free(struct preq *);

static int
plog_dup(int fd)
{
	return (fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

/*
 * Test hooks of vigild's environment (VIGIL_TEST_HOOKS=1), in test
 * builds only.
 */
static const char *
plog_test_hook(const char *name)
{
#ifdef VIGIL_TEST_HOOKS
	const char	*s;

	if ((s = getenv("VIGIL_TEST_HOOKS")) == NULL || strcmp(s, "1") != 0 ||
	    (s = getenv(name)) == NULL || *s == '\0')
		return (NULL);
	return (s);
#else
	return (NULL);
#endif
}

/* Shared memory for the stream's journal, zero-filled. */
static int
plog_journal(void)
{
	char	 name[64];
	int	 fd, i;

	/* To measure what the journal saves. */
	if (plog_test_hook("VIGIL_TEST_NOJOURNAL") != NULL)
		return (-1);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "/vigil-log.%d.%08x",
		    (int)getpid(), arc4random());
		if ((fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600)) ==
		    -1) {
			if (errno == EEXIST)
				continue;
			break;
		}
		(void)shm_unlink(name);
		if (ftruncate(fd, LOG_JOURNAL_SIZE) == -1) {
			close(fd);
			break;
		}
		return (fd);
	}
	log_warn("log journal");
	return (-1);
}

/* A datagram socket connected to syslog, or -1. */
static int
plog_syslog_socket(void)
{
	struct sockaddr_un	 sun;
	const char		*path = _PATH_LOG, *s;
	int			 fd;

	/* Tests point it at a socket of their own. */
	if ((s = plog_test_hook("VIGIL_TEST_SYSLOG")) != NULL)
		path = s;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		return (-1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_debug("syslog %s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

static void
plog_send_syslog(void)
{
	plog_syslog_sent = time(NULL);
	(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_SYSLOG, 0,
	    plog_syslog_socket(), NULL, 0);
}

/*
 * log.stdout: console: the logger writes those lines to a copy of
 * vigild's own stdout (the container's log under -d), which it could not
 * open from its chroot.  Non-blocking, so that a reader that stops
 * reading stalls only those services (the logger retries), never the
 * logger; vigild itself writes nothing to its stdout.
 */
static void
plog_send_console(void)
{
	int	 fd, fl;

	if ((fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) != -1 &&
	    ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)) {
		close(fd);
		fd = -1;
	}
	(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_CONSOLE, 0, fd, NULL, 0);
}

static void
plog_fill(struct msg_log_attach *m, uint32_t sid, struct svc *s,
    uint32_t stream)
{
	const struct config_log	*cl = &s->grp->conf->log;
	enum config_log_dest	 d;

	d = stream == LOG_STREAM_OUT ? cl->out : cl->err;

	memset(m, 0, sizeof(*m));
	m->sid = sid;
	m->stream = stream;
	m->dest = d == LOGDEST_SYSLOG ? LOG_DEST_SYSLOG :
	    d == LOGDEST_CONSOLE ? LOG_DEST_CONSOLE : LOG_DEST_FILE;
	m->instance = s->instance;
	m->keep = cl->keep;
	m->timestamps = cl->timestamps ? 1 : 0;
	m->max_size = cl->max_size;
	strlcpy(m->id, s->id, sizeof(m->id));
	strlcpy(m->name, s->grp->conf->name, sizeof(m->name));
}

/* The journal, then the pipe: the logger pairs them by sid. */
static void
plog_send(struct plog *p)
{
	struct msg_log_sid	 m;
	int			 fd, jfd = -1;

	if (!parent_proc_ready(PROC_LOGGER))
		return;
	if ((fd = plog_dup(p->fd)) == -1 ||
	    (p->jfd != -1 && (jfd = plog_dup(p->jfd)) == -1)) {
		log_warn("%s: handing the output pipe to the logger",
		    p->msg.id);
		if (fd != -1)
			close(fd);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.sid = p->msg.sid;
	if (parent_proc_send(PROC_LOGGER, IMSG_LOG_JOURNAL, 0, jfd, &m,
	    sizeof(m)) == -1) {
		close(fd);
		return;
	}
	(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_ATTACH, 0, fd, &p->msg,
	    sizeof(p->msg));
}

static struct plog *
plog_find(uint32_t sid)
{
	struct plog	*p;

	TAILQ_FOREACH(p, &plogs, entry)
		if (p->msg.sid == sid)
			return (p);
	return (NULL);
}

static void
plog_free(struct plog *p)
{
	TAILQ_REMOVE(&plogs, p, entry);
	close(p->fd);
	if (p->jfd != -1)
		close(p->jfd);
	free(p);
}

/*
 * The stream takes the read end from the instance (*rfdp becomes -1): it
 * keeps it for a logger that restarts, and past the instance until the
 * logger has drained it.  One descriptor, not two: the kernel copies the
 * parent's table on every spawn.
 */
static void
plog_new(struct svc *s, uint32_t stream, int *rfdp)
{
	struct plog	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal(NULL);
	p->fd = *rfdp;
	*rfdp = -1;
	if (++plog_lastsid == 0)
		plog_lastsid = 1;
	p->svc = s;
	s->plog[stream == LOG_STREAM_OUT ? 0 : 1] = p;
	p->jfd = plog_journal();
	plog_fill(&p->msg, plog_lastsid, s, stream);
	TAILQ_INSERT_TAIL(&plogs, p, entry);
	plog_send(p);
}

/*
 * A stream an orphaned logger handed over (parent_adopt.c): the output
 * pipe of an adopted instance s, or of a process not adopted (s NULL),
 * which is only drained to its end.  Its sid is new; the journal comes
 * with it, so the next logger finishes what the old one left.
 */
void
parent_logger_adopt(struct svc *s, const struct msg_log_attach *m, int fd,
    int jfd)
{
	struct plog	*p;
	size_t		 i = m->stream == LOG_STREAM_OUT ? 0 : 1;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal(NULL);
	p->fd = fd;
	p->jfd = jfd;
	p->nowrite = 1;
	if (++plog_lastsid == 0)
		plog_lastsid = 1;
	p->msg = *m;
	p->msg.sid = plog_lastsid;
	if (s != NULL && s->plog[i] == NULL) {
		p->svc = s;
		s->plog[i] = p;
		plog_fill(&p->msg, plog_lastsid, s, m->stream);
	}
	TAILQ_INSERT_TAIL(&plogs, p, entry);
	plog_send(p);
}

void
parent_logger_init(void)
{
	if ((plog_dirfd = open(penv->log_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		fatal("log_dir %s", penv->log_dir);
	svc_add_listener(plog_changed);
}

/* A new logger (the first, or one replacing a dead one). */
void
parent_logger_ready(void)
{
	struct plog	*p;
	struct preq	*r, *rnext;
	int		 fd;

	if ((fd = plog_dup(plog_dirfd)) == -1 ||
	    parent_proc_send(PROC_LOGGER, IMSG_LOG_DIR, 0, fd, NULL, 0) == -1) {
		log_warn("log_dir to the logger");
		return;
	}
	plog_send_syslog();
	plog_send_console();
	/*
	 * Readers first: they start at the ends of the files, before the
	 * new logger writes what waited in the pipes.  A tail or clear
	 * that was under way is lost with the old logger.
	 */
	TAILQ_FOREACH_SAFE(r, &preqs, entry, rnext) {
		if (r->follow) {
			r->count = 0;
			preq_send(r);
			continue;
		}
		parent_control_end(r->reqid, CTL_RES_FAIL, "the logger was "
		    "restarted meanwhile: try again");
		preq_free(r);
	}
	TAILQ_FOREACH(p, &plogs, entry)
		plog_send(p);
}

/* vigild stops: the logger is to exit with the channel, not wait. */
void
parent_logger_shutdown(void)
{
	(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_SHUTDOWN, 0, -1, NULL, 0);
}

void
parent_logger_reopen(void)
{
	(void)parent_proc_send(PROC_LOGGER, IMSG_REOPEN, 0, -1, NULL, 0);
}

/* svc_spawn made the instance's pipes (one or both may be new). */
void
parent_logger_attach(struct svc *s)
{
	if (s->out_rfd != -1 && s->plog[0] == NULL)
		plog_new(s, LOG_STREAM_OUT, &s->out_rfd);
	if (s->err_rfd != -1 && s->plog[1] == NULL)
		plog_new(s, LOG_STREAM_ERR, &s->err_rfd);
}

/*
 * The instance is forgotten; its pipes close next.  Our copies stay
 * until the logger has read them to the end.
 */
void
parent_logger_detach(struct svc *s)
{
	size_t	 i;

	for (i = 0; i < nitems(s->plog); i++) {
		if (s->plog[i] != NULL)
			s->plog[i]->svc = NULL;
		s->plog[i] = NULL;
	}
}

/* A reload may change the log: keys of a running instance. */
static void
plog_changed(struct svc *s, enum svc_state old)
{
	struct msg_log_attach	 m;
	struct plog		*p;
	size_t			 i;

	for (i = 0; i < nitems(s->plog); i++) {
		if ((p = s->plog[i]) == NULL)
			continue;
		plog_fill(&m, p->msg.sid, s, p->msg.stream);
		if (memcmp(&m, &p->msg, sizeof(m)) == 0)
			continue;
		p->msg = m;
		(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_SETTINGS, 0, -1,
		    &m, sizeof(m));
	}
}

static struct preq *
preq_find(uint32_t reqid)
{
	struct preq	*r;

	TAILQ_FOREACH(r, &preqs, entry)
		if (r->reqid == reqid)
			return (r);
	return (NULL);
}

static void
preq_free(struct preq *r)
{
	TAILQ_REMOVE(&preqs, r, entry);
	free(r->files);
	free(r);
}

static void
preq_send(struct preq *r)
{
	struct msg_log_tail	 t;
	size_t			 i;

	for (i = 0; i < r->nfiles; i++)
		(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_TAIL_FILE, 0, -1,
		    &r->files[i], sizeof(r->files[i]));
	memset(&t, 0, sizeof(t));
	t.reqid = r->reqid;
	t.follow = r->follow;
	t.count = r->count;
	(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_TAIL, 0, -1, &t,
	    sizeof(t));
}

static void
preq_add_file(struct preq *r, struct svc *s, uint32_t flags)
{
	struct msg_log_tailfile	*f;

	if (r->nfiles >= LOG_TAIL_MAXFILES)
		return;
	if ((r->files = reallocarray(r->files, r->nfiles + 1,
	    sizeof(*r->files))) == NULL)
		fatal(NULL);
	f = &r->files[r->nfiles++];
	memset(f, 0, sizeof(*f));
	f->reqid = r->reqid;
	f->flags = flags;
	strlcpy(f->id, s->id, sizeof(f->id));
}

/*
 * tail [-f] [-n N] target [stdout|stderr], logs [-f] [target ...]: the
 * logger reads the files and sends the lines, which go to the client as
 * they are; a -f request lasts until the client goes away.
 */
void
plog_cmd_tail(struct pctl_peer *p)
{
	uint32_t		 peerid = p->peerid;
	const struct ctl_request *req = &p->req;
	char * const		*targets = p->targets;
	size_t			 ntargets = p->ntargets;
	struct preq		*r;
	struct svc		**v;
	const struct config_log	*cl;
	size_t			 i, n;
	int			 err = (req->flags & CTL_F_STDERR) != 0;
	char			 why[CTL_ENDMSGMAX] = "";

	if (req->cmd == CTL_CMD_TAIL && ntargets != 1) {
		parent_control_end(peerid, CTL_RES_USAGE, "tail takes one "
		    "target");
		return;
	}
	if (!parent_proc_ready(PROC_LOGGER)) {
		parent_control_end(peerid, CTL_RES_FAIL, "the logger is not "
		    "running (being restarted?): try again");
		return;
	}
	plog_cmd_gone(peerid);	/* anything stale of that peer id */
	v = pctl_resolve(p, 1, &n);
	if (n == 0) {
		free(v);
		parent_control_end(peerid, CTL_RES_NOSUCH, NULL);
		return;
	}
	if (req->cmd == CTL_CMD_TAIL && n != 1) {
		snprintf(why, sizeof(why), "%s names %zu processes: tail one "
		    "(%s), or see them all with logs", targets[0], n,
		    v[0]->id);
		parent_control_end(peerid, CTL_RES_USAGE, why);
		free(v);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal(NULL);
	r->reqid = peerid;
	r->cmd = req->cmd;
	r->follow = (req->flags & CTL_F_FOLLOW) != 0;
	r->count = req->count > LOG_TAIL_MAXLINES ? LOG_TAIL_MAXLINES :
	    req->count;
	for (i = 0; i < n; i++) {
		cl = &v[i]->grp->conf->log;
		if (req->cmd == CTL_CMD_LOGS) {
			if (cl->out == LOGDEST_FILE)
				preq_add_file(r, v[i], 0);
			if (cl->err == LOGDEST_FILE)
				preq_add_file(r, v[i], CTL_LOG_ERR);
		} else if (err && cl->err == LOGDEST_MERGE)
			snprintf(why, sizeof(why), "%s: stderr goes to the "
			    "stdout log (log.stderr: merge)", v[i]->id);
		else if ((err ? cl->err : cl->out) != LOGDEST_FILE)
			snprintf(why, sizeof(why), "%s: its %s goes to no "
			    "file (log.%s: %s)", v[i]->id,
			    err ? "stderr" : "stdout",
			    err ? "stderr" : "stdout",
			    (err ? cl->err : cl->out) == LOGDEST_SYSLOG ?
			    "syslog" : (err ? cl->err : cl->out) ==
			    LOGDEST_CONSOLE ? "console" : "none");
		else
			preq_add_file(r, v[i], err ? CTL_LOG_ERR : 0);
	}
	free(v);
	if (r->nfiles == 0) {
		parent_control_end(peerid, CTL_RES_FAIL, why[0] != '\0' ? why :
		    "no log files to show");
		free(r);
		return;
	}
	TAILQ_INSERT_TAIL(&preqs, r, entry);
	preq_send(r);
}

/* clear target ...: the logger empties each instance's files. */
void
plog_cmd_clear(struct pctl_peer *p)
{
	uint32_t		 peerid = p->peerid;
	const struct ctl_request *req = &p->req;
	struct msg_log_clear	 m;
	struct preq		*r;
	struct svc		**v;
	size_t			 i, n;

	if (p->ntargets == 0) {
		parent_control_end(peerid, CTL_RES_USAGE, "clear needs a "
		    "target (all for every service)");
		return;
	}
	if (!parent_proc_ready(PROC_LOGGER)) {
		parent_control_end(peerid, CTL_RES_FAIL, "the logger is not "
		    "running (being restarted?): try again");
		return;
	}
	plog_cmd_gone(peerid);	/* anything stale of that peer id */
	v = pctl_resolve(p, 1, &n);
	if (n == 0) {
		free(v);
		parent_control_end(peerid, CTL_RES_NOSUCH, NULL);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal(NULL);
	r->reqid = peerid;
	r->cmd = req->cmd;
	r->nleft = n;
	/* A target that named nothing got its result from pctl_resolve. */
	r->result = p->nfailed > 0 ? CTL_RES_NOSUCH : CTL_RES_OK;
	TAILQ_INSERT_TAIL(&preqs, r, entry);
	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		m.reqid = peerid;
		strlcpy(m.id, v[i]->id, sizeof(m.id));
		(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_CLEAR, 0, -1, &m,
		    sizeof(m));
	}
	free(v);
}

/* reopen: for logrotate and newsyslog, as SIGUSR1. */
void
plog_cmd_reopen(struct pctl_peer *p)
{
	if (p->ntargets != 0) {
		pctl_finish(p, CTL_RES_USAGE, "reopen takes no target");
		return;
	}
	/* A logger being restarted opens every file anew anyway. */
	parent_logger_reopen();
	pctl_finish(p, CTL_RES_OK, NULL);
}

/* The client went away: stop reading for it. */
void
plog_cmd_gone(uint32_t peerid)
{
	struct msg_log_req	 m;
	struct preq		*r;

	if ((r = preq_find(peerid)) == NULL)
		return;
	if (r->cmd != CTL_CMD_CLEAR) {
		memset(&m, 0, sizeof(m));
		m.reqid = peerid;
		(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_UNFOLLOW, 0, -1,
		    &m, sizeof(m));
	}
	preq_free(r);
}

/* What the logger sends for a client: checked, then passed on. */
static int
plog_from_logger(struct imsg *imsg)
{
	static struct msg_log_data	 d;
	struct msg_log_result		 res;
	struct msg_log_req		 m;
	struct ctl_result		 cr;
	struct preq			*r;

	switch (imsg->hdr.type) {
	case IMSG_LOG_DATA:
		if (imsg_get_data(imsg, &d, sizeof(d)) == -1 ||
		    !MSG_STR_OK(d.d.id) || d.d.len > CTL_LOGDATAMAX ||
		    (d.d.flags & ~(CTL_LOG_ERR | CTL_LOG_SKIPPED)) != 0)
			return (-1);
		if ((r = preq_find(d.reqid)) != NULL && r->cmd != CTL_CMD_CLEAR)
			(void)parent_control_send(r->reqid, IMSG_CTL_LOGDATA,
			    &d.d, sizeof(d.d));
		return (0);
	case IMSG_LOG_TAIL_DONE:
		if (imsg_get_data(imsg, &m, sizeof(m)) == -1)
			return (-1);
		if ((r = preq_find(m.reqid)) != NULL && !r->follow &&
		    r->cmd != CTL_CMD_CLEAR) {
			parent_control_end(r->reqid, CTL_RES_OK, NULL);
			preq_free(r);
		}
		return (0);
	case IMSG_LOG_CLEARED:
		if (imsg_get_data(imsg, &res, sizeof(res)) == -1 ||
		    !MSG_STR_OK(res.id) || !MSG_STR_OK(res.text) ||
		    (res.result != CTL_RES_OK && res.result != CTL_RES_FAIL))
			return (-1);
		if ((r = preq_find(res.reqid)) == NULL ||
		    r->cmd != CTL_CMD_CLEAR || r->nleft == 0)
			return (0);
		memset(&cr, 0, sizeof(cr));
		strlcpy(cr.name, res.id, sizeof(cr.name));
		cr.result = res.result;
		strlcpy(cr.text, res.text, sizeof(cr.text));
		(void)parent_control_send(r->reqid, IMSG_CTL_RESULT, &cr,
		    sizeof(cr));
		if (res.result > r->result)
			r->result = res.result;
		if (--r->nleft == 0) {
			parent_control_end(r->reqid, r->result, NULL);
			preq_free(r);
		}
		return (0);
	}
	return (-1);
}

int
parent_logger_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct msg_log_sid	 m;
	struct plog		*p;

	switch (imsg->hdr.type) {
	case IMSG_LOG_DATA:
	case IMSG_LOG_TAIL_DONE:
	case IMSG_LOG_CLEARED:
		return (plog_from_logger(imsg));
	case IMSG_LOG_CLOSED:
		if (imsg_get_data(imsg, &m, sizeof(m)) == -1)
			return (-1);
		if ((p = plog_find(m.sid)) == NULL ||
		    (p->svc != NULL && !p->nowrite)) {
			log_warnx("logger: stream %u of %s is not closed",
			    m.sid, p != NULL ? p->msg.id : "nothing");
			return (-1);
		}
		/* An adopted process's pipe: all its writers are gone. */
		if (p->svc != NULL)
			p->svc->plog[p->msg.stream == LOG_STREAM_OUT ? 0 : 1] =
			    NULL;
		log_debug("%s: output drained", p->msg.id);
		plog_free(p);
		return (0);
	case IMSG_LOG_ORPHANED:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		parent_upgrade_logger_ready();
		return (0);
	case IMSG_LOG_SYSLOG_REQ:
		if (imsg_get_data(imsg, NULL, 0) == -1)
			return (-1);
		if (time(NULL) - plog_syslog_sent < 1)
			(void)parent_proc_send(PROC_LOGGER, IMSG_LOG_SYSLOG, 0,
			    -1, NULL, 0);
		else
			plog_send_syslog();
		return (0);
	default:
		log_warnx("logger: unexpected message %s (%u)",
		    imsg_type_name(imsg->hdr.type), imsg->hdr.type);
		return (-1);
	}
}

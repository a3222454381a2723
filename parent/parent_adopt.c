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
 * Adoption: the services a previous vigild left running (it crashed, was
 * killed, or re-executed itself for an upgrade) become this one's.
 *
 * parent_adopt_load(), at start-up before anything else touches a
 * service: read the state file (parent_state.c), prove each recorded pid
 * is still the process that vigild started -- its start time in /proc,
 * and its cgroup when one was recorded; a pid that fails is someone
 * else's now and is neither adopted nor signalled -- and take the output
 * streams from the orphaned logger (logger_orphan.c), if one waits.
 *
 * parent_adopt_apply(), once the configuration's instances exist: each
 * proven process whose instance is still configured the same way is
 * adopted (same pid, RUNNING, uptime, restarts and health continued); one
 * whose configuration changed is adopted, then restarted with the stop
 * signal and timeout it was started with; one whose instance is gone is
 * stopped the same way.  A process that is not our child (after a crash
 * they were re-parented) is watched with a pidfd: it says when it exits,
 * not how, and svc_reaped() takes that as a failure.  After an upgrade
 * they are still our children, and SIGCHLD works as ever.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "msg_log.h"
#include "parent.h"
#include "parent_state.h"
#include "svc.h"

#define ADOPT_HANDOVER_SEC	5	/* the orphaned logger answers */

struct adopt_stream {
	struct msg_log_attach	 m;
	int			 fd;
	int			 jfd;
};

/* A process of an instance the configuration no longer has: stopping. */
struct leftover {
	TAILQ_ENTRY(leftover)	 entry;
	struct pstate_svc	 rec;
	struct event		 pidev;
	struct event		 timer;
	int			 pidfd;
};

static struct pstate		 adopt_st;
static int			*adopt_proven;
static struct adopt_stream	*adopt_streams;
static size_t			 adopt_nstreams;
static TAILQ_HEAD(, leftover)	 leftovers = TAILQ_HEAD_INITIALIZER(leftovers);
static struct timespec		 adopt_t0;

static void	adopt_exit_cb(int, short, void *);
static void	leftover_exit_cb(int, short, void *);
static void	leftover_timer_cb(int, short, void *);

/* Hash what the process was started with: a change means a new one. */
#define FP(h, x)	((h) = pstate_hash(&(x), sizeof(x), (h)))
static uint64_t
fp_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return (pstate_hash("\377", 1, h));
	return (pstate_hash(s, strlen(s) + 1, h));
}

uint64_t
parent_adopt_fingerprint(const struct svc *s)
{
	const struct config_svc	*sc = s->grp->conf;
	uint64_t		 h = PSTATE_HASH_INIT, e = 0, eh;
	size_t			 i;
	int			 v;

	h = fp_str(h, sc->command_str);
	FP(h, sc->argc);
	for (i = 0; i < sc->argc; i++)
		h = fp_str(h, sc->argv[i]);
	v = sc->shell;
	FP(h, v);
	h = fp_str(h, sc->user);
	h = fp_str(h, sc->group);
	FP(h, sc->uid);
	FP(h, sc->gid);
	v = sc->use_initgroups;
	FP(h, v);
	h = fp_str(h, sc->directory);
	FP(h, sc->umask);
	/* The environment in any order. */
	for (i = 0; i < sc->nenv; i++) {
		eh = fp_str(PSTATE_HASH_INIT, sc->env[i].name);
		e += fp_str(eh, sc->env[i].value);
	}
	FP(h, e);
	h = fp_str(h, sc->env_file);
	v = sc->inherit_environment;
	FP(h, v);
	FP(h, sc->port.type);
	FP(h, sc->port.lo);
	FP(h, sc->port.hi);
	FP(h, s->instance);
	FP(h, sc->nlisten);
	for (i = 0; i < sc->nlisten; i++)
		h = fp_str(h, sc->listen[i].url);
	FP(h, sc->limits);
	v = sc->cgroup;
	FP(h, v);
	FP(h, sc->log.out);
	FP(h, sc->log.err);
	return (h);
}

/* Only a file this vigild could have written is read at all. */
static char *
adopt_read_state(const char *path, size_t *lenp)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno != ENOENT)
			log_warn("state file %s", path);
		return (NULL);
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		log_warnx("state file %s: not a regular file, ignored", path);
		close(fd);
		return (NULL);
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & 022) != 0) {
		log_warnx("state file %s: not owned by uid %u or writable by "
		    "others, ignored", path, (unsigned int)geteuid());
		close(fd);
		return (NULL);
	}
	if (sb.st_size > PSTATE_FILEMAX) {
		log_warnx("state file %s: too large, ignored", path);
		close(fd);
		return (NULL);
	}
	if ((buf = malloc(sb.st_size + 1)) == NULL)
		fatal(NULL);
	while (off < (size_t)sb.st_size &&
	    (n = read(fd, buf + off, sb.st_size - off)) > 0)
		off += n;
	close(fd);
	*lenp = off;
	return (buf);
}

/* Is rec still the process that was recorded?  NULL: yes, else why not. */
static const char *
adopt_prove(const struct pstate_svc *rec, int *child)
{
	uint64_t	 start;
	pid_t		 ppid = 0;

	*child = 0;
	if (rec->pid == getpid())
		return ("it is vigild itself");
	if (svc_proc_identity(rec->pid, &start, &ppid) == -1)
		return ("it is gone");
	if (start != rec->starttime)
		return ("another process has that pid now (start time "
		    "differs)");
	if (rec->cgroup[0] != '\0' && !svc_proc_in_cgroup(rec->pid,
	    rec->cgroup))
		return ("it is not in its cgroup");
	*child = ppid == getpid();
	return (NULL);
}

/*
 * The orphaned logger's streams: connect to its socket in log_dir (by a
 * relative path, so any log_dir fits), take every stream, and wait for
 * it to close: then it has exited and touches none of them again.
 */
static void
adopt_take_streams(void)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { ADOPT_HANDOVER_SEC, 0 };
	struct imsgbuf		 ib;
	struct imsg		 imsg;
	struct msg_log_sid	 m;
	struct adopt_stream	*as;
	struct stat		 sb;
	uint32_t		 sid = 0;
	int			 fd, cwd, jfd = -1, r, done = 0;
	ssize_t			 n;

	if ((cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if (chdir(penv->log_dir) == -1) {
		close(cwd);
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, LOG_ORPHAN_SOCK, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (fchdir(cwd) == -1)
		fatal("fchdir");
	close(cwd);
	if (r == -1) {
		if (errno != ENOENT && errno != ECONNREFUSED)
			log_warn("%s/%s", penv->log_dir, LOG_ORPHAN_SOCK);
		close(fd);
		return;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (imsgbuf_init(&ib, fd) == -1)
		fatal("imsgbuf");
	imsgbuf_allow_fdpass(&ib);
	while (!done) {
		if ((r = imsg_get(&ib, &imsg)) == -1)
			break;
		if (r == 0) {
			if ((n = imsgbuf_read(&ib)) <= 0)
				break;
			continue;
		}
		switch (imsg.hdr.type) {
		case IMSG_LOG_HANDOVER_JOURNAL:
			if (imsg_get_data(&imsg, &m, sizeof(m)) == -1 ||
			    jfd != -1 || m.sid == 0)
				goto bad;
			sid = m.sid;
			jfd = imsg_get_fd(&imsg);
			if (jfd != -1 && (fstat(jfd, &sb) == -1 ||
			    !S_ISREG(sb.st_mode) ||
			    sb.st_size < LOG_JOURNAL_SIZE)) {
				close(jfd);
				goto bad;
			}
			break;
		case IMSG_LOG_HANDOVER:
			if ((adopt_streams = reallocarray(adopt_streams,
			    adopt_nstreams + 1, sizeof(*as))) == NULL)
				fatal(NULL);
			as = &adopt_streams[adopt_nstreams];
			if (imsg_get_data(&imsg, &as->m, sizeof(as->m)) == -1 ||
			    as->m.sid != sid || sid == 0 ||
			    !MSG_STR_OK(as->m.id) || !MSG_STR_OK(as->m.name) ||
			    as->m.stream > LOG_STREAM_ERR ||
			    (as->fd = imsg_get_fd(&imsg)) == -1)
				goto bad;
			if (fstat(as->fd, &sb) == -1 || !S_ISFIFO(sb.st_mode)) {
				close(as->fd);
				goto bad;
			}
			(void)fcntl(as->fd, F_SETFD, FD_CLOEXEC);
			if (jfd != -1)
				(void)fcntl(jfd, F_SETFD, FD_CLOEXEC);
			as->jfd = jfd;
			jfd = -1;
			sid = 0;
			adopt_nstreams++;
			break;
		case IMSG_LOG_HANDOVER_END:
			if (imsg_get_data(&imsg, &m, sizeof(m)) == -1 ||
			    m.sid != adopt_nstreams)
				goto bad;
			done = 1;
			break;
		default:
			goto bad;
		}
		imsg_free(&imsg);
		continue;
 bad:
		imsg_free(&imsg);
		log_warnx("the orphaned logger sent a bad handover message "
		    "(type %u)", imsg.hdr.type);
		break;
	}
	if (!done)
		log_warnx("the orphaned logger's handover is incomplete: %zu "
		    "streams taken", adopt_nstreams);
	/* Its end closes when it has exited. */
	while (done && imsgbuf_read(&ib) > 0)
		;
	if (jfd != -1)
		close(jfd);
	imsgbuf_clear(&ib);
	close(fd);
	log_info("took %zu output streams from the orphaned logger",
	    adopt_nstreams);
}

/*
 * The cgroup sweep (svc_cgroup_sweep_linux.c) offers each populated group
 * an earlier life left: it is ours to adopt or stop if a proven process
 * of the state file is in it; else the sweep stops it.
 */
static int
adopt_cgroup_hook(struct svc *s, const char *path)
{
	size_t	 i;

	for (i = 0; i < adopt_st.nsvc; i++)
		if (adopt_proven[i] && strcmp(adopt_st.svc[i].cgroup,
		    path) == 0)
			return (1);
	return (0);
}

void
parent_adopt_load(void)
{
	char		 path[PATH_MAX], err[128], *buf;
	size_t		 len = 0, i;
	const char	*why;
	int		 child;

	clock_gettime(CLOCK_MONOTONIC, &adopt_t0);
	adopt_take_streams();
	snprintf(path, sizeof(path), "%s/%s", penv->conf->state_dir,
	    PSTATE_FILE);
	if ((buf = adopt_read_state(path, &len)) == NULL)
		return;
	if (pstate_decode(buf, len, &adopt_st, err, sizeof(err)) == -1) {
		log_warnx("state file %s: %s: ignored, nothing adopted", path,
		    err);
		free(buf);
		return;
	}
	free(buf);
	if (strcmp(adopt_st.instance, parent_instance_id()) != 0) {
		log_warnx("state file %s: written by another vigild instance "
		    "(%s, not %s): ignored, nothing adopted", path,
		    adopt_st.instance, parent_instance_id());
		pstate_free(&adopt_st);
		return;
	}
	if ((adopt_proven = calloc(adopt_st.nsvc + 1, sizeof(int))) == NULL)
		fatal(NULL);
	svc_cgroup_set_adopt(adopt_cgroup_hook);
	for (i = 0; i < adopt_st.nsvc; i++) {
		if ((why = adopt_prove(&adopt_st.svc[i], &child)) != NULL) {
			log_warnx("%s: pid %d not adopted and not signalled: "
			    "%s", adopt_st.svc[i].id, (int)adopt_st.svc[i].pid,
			    why);
			continue;
		}
		adopt_proven[i] = child ? 2 : 1;
	}
}

static void
adopt_watch(struct svc *s)
{
	int	 fd;

	if ((fd = svc_pidfd_open(s->pid)) == -1) {
		log_warn("%s: pidfd_open(%d): its exit will go unnoticed",
		    s->id, (int)s->pid);
		return;
	}
	if ((s->pidfd_ev = calloc(1, sizeof(*s->pidfd_ev))) == NULL)
		fatal(NULL);
	event_set(s->pidfd_ev, fd, EV_READ, adopt_exit_cb, s);
	event_add(s->pidfd_ev, NULL);
}

void
parent_adopt_unwatch(struct svc *s)
{
	if (s->pidfd_ev == NULL)
		return;
	event_del(s->pidfd_ev);
	close(EVENT_FD(s->pidfd_ev));
	free(s->pidfd_ev);
	s->pidfd_ev = NULL;
}

/* An adopted process is gone; how, nobody can say. */
static void
adopt_exit_cb(int fd, short ev, void *arg)
{
	struct svc	*s = arg;

	parent_adopt_unwatch(s);
	if (s->pid != 0)
		(void)svc_reaped(s->pid, SVC_STATUS_UNKNOWN);
}

static void
leftover_free(struct leftover *l)
{
	event_del(&l->pidev);
	evtimer_del(&l->timer);
	close(l->pidfd);
	TAILQ_REMOVE(&leftovers, l, entry);
	free(l);
	parent_state_changed();
}

/* Stopped like any instance: its signal, then SIGKILL to its tree. */
static void
leftover_stop(const struct pstate_svc *rec)
{
	struct leftover	*l;
	struct timeval	 tv;
	const char	*sig = config_signame(rec->stop_signal);

	log_info("%s: no longer configured: stopping pid %d with SIG%s "
	    "(stop_timeout %llu ms)", rec->id, (int)rec->pid,
	    sig != NULL ? sig : "?", (unsigned long long)rec->stop_timeout_ms);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal(NULL);
	l->rec = *rec;
	if ((l->pidfd = svc_pidfd_open(rec->pid)) == -1) {
		log_warn("%s: pidfd_open(%d)", rec->id, (int)rec->pid);
		free(l);
		(void)kill(-rec->pid, rec->stop_signal);
		(void)kill(rec->pid, rec->stop_signal);
		return;
	}
	TAILQ_INSERT_TAIL(&leftovers, l, entry);
	event_set(&l->pidev, l->pidfd, EV_READ, leftover_exit_cb, l);
	event_add(&l->pidev, NULL);
	evtimer_set(&l->timer, leftover_timer_cb, l);
	tv.tv_sec = rec->stop_timeout_ms / 1000;
	tv.tv_usec = (rec->stop_timeout_ms % 1000) * 1000;
	evtimer_add(&l->timer, &tv);
	(void)kill(-rec->pid, rec->stop_signal);
	(void)kill(rec->pid, rec->stop_signal);
}

static void
leftover_timer_cb(int fd, short ev, void *arg)
{
	struct leftover	*l = arg;

	log_warnx("%s: pid %d still running %llu ms after its stop signal, "
	    "sending SIGKILL to its process tree", l->rec.id, (int)l->rec.pid,
	    (unsigned long long)l->rec.stop_timeout_ms);
	if (l->rec.cgroup[0] != '\0')
		(void)svc_cgroup_kill(l->rec.cgroup);
	(void)kill(-l->rec.pid, SIGKILL);
	(void)kill(l->rec.pid, SIGKILL);
}

static void
leftover_exit_cb(int fd, short ev, void *arg)
{
	struct leftover	*l = arg;

	log_info("%s: pid %d (no longer configured) has exited", l->rec.id,
	    (int)l->rec.pid);
	(void)kill(-l->rec.pid, SIGKILL);	/* what it left behind */
	if (l->rec.cgroup[0] != '\0')
		svc_cgroup_remove(l->rec.cgroup);
	leftover_free(l);
}

/* For the state file: the leftovers still being stopped. */
int
parent_adopt_leftovers(struct pstate_svc **v, size_t *n)
{
	struct leftover	*l;

	*v = NULL;
	*n = 0;
	TAILQ_FOREACH(l, &leftovers, entry) {
		if ((*v = reallocarray(*v, *n + 1, sizeof(**v))) == NULL)
			fatal(NULL);
		(*v)[(*n)++] = l->rec;
	}
	return (0);
}

/* 1: adopted; 0: no longer configured, being stopped. */
static int
adopt_one(const struct pstate_svc *rec, int child)
{
	struct svc_adoption	 a;
	struct svc		*s;
	uint64_t		 fp;

	if ((s = svc_find(rec->id)) == NULL || s->grp->removed ||
	    s->pid != 0) {
		leftover_stop(rec);
		return (0);
	}
	memset(&a, 0, sizeof(a));
	a.pid = rec->pid;
	a.state = rec->state;
	a.restarts = rec->restarts;
	a.health = rec->health;
	a.port = (int)rec->port;
	a.start_ms = rec->start_ms;
	a.starttime = rec->starttime;
	a.child = child;
	a.cgroup = rec->cgroup[0] != '\0' ? rec->cgroup : NULL;
	a.stop_signal = rec->stop_signal;
	a.stop_timeout_ms = rec->stop_timeout_ms;
	fp = parent_adopt_fingerprint(s);
	svc_adopt(s, &a);
	if (!child)
		adopt_watch(s);
	if (fp != rec->fingerprint) {
		log_info("%s: its configuration changed: stopping pid %d, "
		    "then starting it anew", s->id, (int)s->pid);
		s->adopt_stopsig = rec->stop_signal;
		s->adopt_stop_ms = rec->stop_timeout_ms;
		(void)svc_restart(s);
	} else if (rec->state == SVC_STOPPING)
		(void)svc_stop(s);
	return (1);
}

/*
 * A service's `listen:` sockets, shared by its instances, held by the
 * vigild that died: taken back from a process of it we adopted, so that
 * a restart passes the same sockets on instead of binding new ones (an
 * instance still running would hold the address).
 */
static void
adopt_listen(const struct pstate_listen *l)
{
	struct svc_group	*g;
	unsigned int		 i, j;
	int			*fds;

	if ((g = svc_group_find(l->name)) == NULL || g->listen_fds != NULL ||
	    g->conf->nlisten != l->n)
		return;
	if ((fds = calloc(l->n, sizeof(int))) == NULL)
		fatal(NULL);
	for (i = 0; i < g->ninst; i++) {
		if (g->inst[i]->pid == 0 || svc_proc_getfds(g->inst[i]->pid,
		    l->ino, l->n, fds) == -1)
			continue;
		g->listen_fds = fds;
		g->nlisten_fds = l->n;
		for (j = 0; j < l->n; j++)
			(void)fcntl(fds[j], F_SETFD, FD_CLOEXEC);
		log_info("%s: its %u listen sockets taken back from pid %d",
		    l->name, l->n, (int)g->inst[i]->pid);
		return;
	}
	free(fds);
	log_warnx("%s: its listen sockets could not be taken back from an "
	    "adopted process: a restart binds new ones", l->name);
}

void
parent_adopt_apply(void)
{
	struct adopt_stream	*as;
	struct svc		*s;
	struct timespec		 t1;
	size_t			 i, n = 0, gone = 0;

	svc_cgroup_set_adopt(NULL);
	for (i = 0; i < adopt_st.nsvc; i++) {
		if (!adopt_proven[i])
			continue;
		if (adopt_one(&adopt_st.svc[i], adopt_proven[i] == 2))
			n++;
		else
			gone++;
	}
	for (i = 0; i < adopt_st.nlisten; i++)
		adopt_listen(&adopt_st.listen[i]);
	for (i = 0; i < adopt_nstreams; i++) {
		as = &adopt_streams[i];
		s = svc_find(as->m.id);
		if (s != NULL && s->pid == 0)
			s = NULL;
		parent_logger_adopt(s, &as->m, as->fd, as->jfd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (adopt_st.nsvc > 0 || adopt_nstreams > 0)
		log_info("adopted %zu of the %zu processes the previous vigild "
		    "recorded (%zu no longer configured), in %lld ms", n,
		    adopt_st.nsvc, gone,
		    (long long)((t1.tv_sec - adopt_t0.tv_sec) * 1000 +
		    (t1.tv_nsec - adopt_t0.tv_nsec) / 1000000));
	pstate_free(&adopt_st);
	free(adopt_proven);
	adopt_proven = NULL;
	free(adopt_streams);
	adopt_streams = NULL;
	adopt_nstreams = 0;
	parent_state_changed();
}

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
 * The start-up sweep of this instance's own cgroups: the groups under
 * vigil/<instance id>/ that an earlier life of this vigild left (it
 * crashed, or was re-executed).  Only that directory is looked at; the
 * groups of other vigild instances, and those named by the pid of an
 * older vigild, are never touched.
 *
 *   - an empty group is removed;
 *   - a populated one is offered to the adoption hook (the next vigild
 *     taking over the services of the last); if nobody adopts it, its
 *     processes are stopped as a service is stopped: the configured
 *     stop_signal of the service it belonged to (SIGTERM if the
 *     configuration no longer has it), then after its stop_timeout
 *     cgroup.kill -- each step logged at the normal level.
 *
 * A service whose old group is still being stopped is not started until
 * the group is gone (svc_cgroup_busy()), so that two copies never run at
 * once.  The groups' cgroup.events files tell when they empty (inotify).
 */

#include <sys/types.h>
#include <sys/inotify.h>
#include <sys/queue.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

#define ORPHAN_STOP_TIMEOUT_MS	10000	/* stop_timeout's default */
#define ORPHAN_KILL_WAIT_MS	5000	/* after cgroup.kill, then give up */

struct cg_orphan {
	TAILQ_ENTRY(cg_orphan)	 entry;
	char			 name[VIGIL_IDNAMEMAX];
	char			*path;
	int			 wd;		/* inotify watch, or -1 */
	int			 killed;	/* cgroup.kill written */
	struct event		 timer;
};
TAILQ_HEAD(, cg_orphan)		 cg_orphans =
    TAILQ_HEAD_INITIALIZER(cg_orphans);

static svc_cgroup_adopt_cb	 cg_adopt;
static int			 cg_ifd = -1;
static struct event		 cg_iev;

static void	orphan_done(struct cg_orphan *, const char *);

void
svc_cgroup_set_adopt(svc_cgroup_adopt_cb cb)
{
	cg_adopt = cb;
}

/* The configured instance whose group is called name, or NULL. */
static struct svc *
sweep_find(const char *name)
{
	struct svc	*s;
	char		 n[VIGIL_IDNAMEMAX];

	TAILQ_FOREACH(s, &svc_all, entry) {
		svc_cgroup_name(s->id, n, sizeof(n));
		if (strcmp(n, name) == 0)
			return (s);
	}
	return (NULL);
}

/*
 * Send sig to every process in the group and its subgroups; append their
 * pids to list.  Pids are as our pid namespace sees them: 0 is a process
 * we cannot see (and must never be passed to kill).
 */
static int
sweep_signal(const char *path, int sig, char *list, size_t len)
{
	DIR		*d;
	struct dirent	*de;
	FILE		*fp;
	char		 file[PATH_MAX], num[16];
	int		 pid, n = 0;

	if (snprintf(file, sizeof(file), "%s/cgroup.procs", path) <
	    (int)sizeof(file) && (fp = fopen(file, "re")) != NULL) {
		while (fscanf(fp, "%d", &pid) == 1) {
			if (pid <= 0 || pid == getpid())
				continue;
			(void)kill(pid, sig);
			(void)kill(pid, SIGCONT);
			n++;
			snprintf(num, sizeof(num), " %d", pid);
			strlcat(list, num, len);
		}
		fclose(fp);
	}
	if ((d = opendir(path)) == NULL)
		return (n);
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(file, sizeof(file), "%s/%s", path, de->d_name) <
		    (int)sizeof(file))
			n += sweep_signal(file, sig, list, len);
	}
	closedir(d);
	return (n);
}

/* One group has emptied (or we give up on it): forget it, start its svc. */
static void
orphan_done(struct cg_orphan *o, const char *how)
{
	evtimer_del(&o->timer);
	if (o->wd != -1)
		(void)inotify_rm_watch(cg_ifd, o->wd);
	log_info("cgroup %s: %s", o->path, how);
	if (!svc_cgroup_populated(o->path))
		svc_cgroup_remove(o->path);
	TAILQ_REMOVE(&cg_orphans, o, entry);
	free(o->path);
	free(o);
	svc_kick();
	if (TAILQ_EMPTY(&cg_orphans) && cg_ifd != -1) {
		event_del(&cg_iev);
		close(cg_ifd);
		cg_ifd = -1;
	}
}

static void
orphan_check(struct cg_orphan *o)
{
	if (!svc_cgroup_populated(o->path))
		orphan_done(o, o->killed ? "killed, removed" :
		    "stopped, removed");
}

static void
orphan_timer_cb(int fd, short ev, void *arg)
{
	struct cg_orphan	*o = arg;
	struct timeval		 tv;

	if (!svc_cgroup_populated(o->path)) {
		orphan_check(o);
		return;
	}
	if (o->killed) {
		orphan_done(o, "still populated after cgroup.kill; left as "
		    "it is");
		return;
	}
	log_warnx("cgroup %s: still running after its stop timeout; "
	    "cgroup.kill", o->path);
	(void)svc_cgroup_kill(o->path);
	o->killed = 1;
	tv.tv_sec = ORPHAN_KILL_WAIT_MS / 1000;
	tv.tv_usec = (ORPHAN_KILL_WAIT_MS % 1000) * 1000;
	evtimer_add(&o->timer, &tv);
}

/* cgroup.events of some group changed. */
static void
sweep_inotify_cb(int fd, short ev, void *arg)
{
	char			 buf[4096]
				     __attribute__((aligned(8)));
	struct cg_orphan	*o, *next;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	TAILQ_FOREACH_SAFE(o, &cg_orphans, entry, next)
		orphan_check(o);
}

/* Stop what is left in a group nobody adopted. */
static void
orphan_stop(const char *name, const char *path, struct svc *s)
{
	struct cg_orphan	*o;
	struct timeval		 tv;
	char			 file[PATH_MAX], pids[512];
	uint64_t		 ms = ORPHAN_STOP_TIMEOUT_MS;
	int			 sig = SIGTERM, n;

	if (s != NULL) {
		sig = s->grp->conf->stop_signal;
		ms = s->grp->conf->stop_timeout_ms;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->path = strdup(path)) == NULL)
		fatal(NULL);
	strlcpy(o->name, name, sizeof(o->name));
	o->wd = -1;
	evtimer_set(&o->timer, orphan_timer_cb, o);
	TAILQ_INSERT_TAIL(&cg_orphans, o, entry);

	if (cg_ifd == -1) {
		if ((cg_ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
			log_warn("inotify; the old groups are checked at "
			    "their timeouts only");
		else {
			event_set(&cg_iev, cg_ifd, EV_READ | EV_PERSIST,
			    sweep_inotify_cb, NULL);
			event_add(&cg_iev, NULL);
		}
	}
	if (cg_ifd != -1 && snprintf(file, sizeof(file), "%s/cgroup.events",
	    path) < (int)sizeof(file))
		o->wd = inotify_add_watch(cg_ifd, file, IN_MODIFY);

	pids[0] = '\0';
	n = sweep_signal(path, sig, pids, sizeof(pids));
	log_warnx("cgroup %s: %d process%s left by an earlier life of this "
	    "vigild and not adopted (%s): sent SIG%s, cgroup.kill in %llu ms; "
	    "pids%s", path, n, n == 1 ? "" : "es", s != NULL ? s->id :
	    "no longer configured", config_signame(sig) != NULL ?
	    config_signame(sig) : "?", (unsigned long long)ms, pids);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&o->timer, &tv);
	orphan_check(o);	/* it may have emptied meanwhile */
}

void
svc_cgroup_sweep(void)
{
	DIR		*d;
	struct dirent	*de;
	struct svc	*s;
	const char	*base = svc_cgroup_base();
	char		 path[PATH_MAX];

	if (base[0] == '\0' || (d = opendir(base)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", base, de->d_name) >=
		    (int)sizeof(path))
			continue;
		if (!svc_cgroup_populated(path)) {
			log_debug("cgroup %s: empty, left by an earlier life; "
			    "removed", path);
			svc_cgroup_remove(path);
			continue;
		}
		s = sweep_find(de->d_name);
		if (cg_adopt != NULL && cg_adopt(s, path) == 1)
			continue;
		orphan_stop(de->d_name, path, s);
	}
	closedir(d);
}

int
svc_cgroup_busy(const struct svc *s)
{
	struct cg_orphan	*o;
	char			 n[VIGIL_IDNAMEMAX];

	if (TAILQ_EMPTY(&cg_orphans))
		return (0);
	svc_cgroup_name(s->id, n, sizeof(n));
	TAILQ_FOREACH(o, &cg_orphans, entry)
		if (strcmp(o->name, n) == 0)
			return (1);
	return (0);
}

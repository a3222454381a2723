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
 * vigild: monitor -- the helper process.  Opens /proc (and the cgroup
 * hierarchy) while still root, drops to the helpers' user in an empty
 * chroot, and then only talks to the parent: it learns which service
 * processes to watch and reports what it sees.
 */

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event.h>

#include "log.h"
#include "monitor.h"
#include "msg.h"
#include "proc.h"
#include "sandbox.h"

struct mon_svc_list	 mon_svcs = TAILQ_HEAD_INITIALIZER(mon_svcs);

/* The same services by key: a definition finds its process in O(log N). */
RB_HEAD(mon_svc_keys, mon_svc);
static struct mon_svc_keys	 mon_svc_keys = RB_INITIALIZER(&mon_svc_keys);

static int
mon_svc_keycmp(const struct mon_svc *a, const struct mon_svc *b)
{
	return (a->key < b->key ? -1 : a->key > b->key);
}

RB_GENERATE_STATIC(mon_svc_keys, mon_svc, bykey, mon_svc_keycmp)

/* And by main process, for sd_notify senders (key: a pid reused early). */
RB_HEAD(mon_svc_pids, mon_svc);
static struct mon_svc_pids	 mon_svc_pids = RB_INITIALIZER(&mon_svc_pids);

static int
mon_svc_pidcmp(const struct mon_svc *a, const struct mon_svc *b)
{
	if (a->pid != b->pid)
		return (a->pid < b->pid ? -1 : 1);
	return (mon_svc_keycmp(a, b));
}

RB_GENERATE_STATIC(mon_svc_pids, mon_svc, bypid, mon_svc_pidcmp)

uint64_t
mon_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

void
mon_timer_add(struct event *ev, uint64_t ms)
{
	struct timeval	 tv;

	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
	evtimer_add(ev, &tv);
}

/* dst = "a: b", cut to fit; a may be dst. */
void
mon_join(char *dst, size_t len, const char *a, const char *b)
{
	char	 tmp[MON_TEXTMAX * 2];

	strlcpy(tmp, a, sizeof(tmp));
	strlcat(tmp, ": ", sizeof(tmp));
	strlcat(tmp, b, sizeof(tmp));
	strlcpy(dst, tmp, len);
}

int
mon_send(uint32_t type, const void *data, size_t len)
{
	if (proc_child_compose(type, 0, -1, data, len) == -1) {
		log_warn("send to parent");
		return (-1);
	}
	return (0);
}

/*
 * The directories of the services' cgroups, each kept once (at 10,000
 * services, one path less per service: the directory is the instance's
 * and the last part the service's id).
 */
struct mon_cgdir {
	TAILQ_ENTRY(mon_cgdir)	 entry;
	unsigned int		 refs;
	char			 path[];
};
static TAILQ_HEAD(, mon_cgdir) mon_cgdirs = TAILQ_HEAD_INITIALIZER(mon_cgdirs);

/*
 * And the services with a cgroup by it, for sd_notify senders that are
 * neither the main process nor below it: by directory (each kept once,
 * so its address will do), last part, key.
 */
RB_HEAD(mon_svc_cgs, mon_svc);
static struct mon_svc_cgs	 mon_svc_cgs = RB_INITIALIZER(&mon_svc_cgs);

static int
mon_svc_cgcmp(const struct mon_svc *a, const struct mon_svc *b)
{
	uintptr_t	 da = (uintptr_t)a->cg_dir, db = (uintptr_t)b->cg_dir;
	int		 c;

	if (da != db)
		return (da < db ? -1 : 1);
	if ((c = strcmp(a->cg_leaf, b->cg_leaf)) != 0)
		return (c);
	return (mon_svc_keycmp(a, b));
}

RB_GENERATE_STATIC(mon_svc_cgs, mon_svc, bycg, mon_svc_cgcmp)

static void
mon_cgroup_set(struct mon_svc *ms, const char *path)
{
	struct mon_cgdir	*d;
	const char		*leaf;
	size_t			 n;

	if ((leaf = strrchr(path, '/')) == NULL || leaf == path ||
	    leaf[1] == '\0')
		fatalx("%s: %s: cgroup %s", __func__, ms->id, path);
	n = (size_t)(leaf - path);
	leaf++;
	TAILQ_FOREACH(d, &mon_cgdirs, entry)
		if (strncmp(d->path, path, n) == 0 && d->path[n] == '\0')
			break;
	if (d == NULL) {
		if ((d = calloc(1, sizeof(*d) + n + 1)) == NULL)
			fatal(NULL);
		memcpy(d->path, path, n);
		TAILQ_INSERT_TAIL(&mon_cgdirs, d, entry);
	}
	d->refs++;
	ms->cg_dir = d;
	if (strcmp(leaf, ms->id) == 0)
		ms->cg_leaf = ms->id;
	else if ((ms->cg_leaf = strdup(leaf)) == NULL)
		fatal(NULL);
	RB_INSERT(mon_svc_cgs, &mon_svc_cgs, ms);
}

static void
mon_cgroup_clear(struct mon_svc *ms)
{
	if (ms->cg_dir == NULL)
		return;
	RB_REMOVE(mon_svc_cgs, &mon_svc_cgs, ms);
	if (--ms->cg_dir->refs == 0) {
		TAILQ_REMOVE(&mon_cgdirs, ms->cg_dir, entry);
		free(ms->cg_dir);
	}
	if (ms->cg_leaf != ms->id)
		free(ms->cg_leaf);
	ms->cg_dir = NULL;
	ms->cg_leaf = NULL;
}

const char *
mon_svc_cgroup(const struct mon_svc *ms, char *buf, size_t len)
{
	if (ms->cg_dir == NULL)
		return (NULL);
	if ((size_t)snprintf(buf, len, "%s/%s", ms->cg_dir->path,
	    ms->cg_leaf) >= len)
		return (NULL);
	return (buf);
}

struct mon_svc *
mon_svc_find(uint32_t key)
{
	struct mon_svc	 k;

	k.key = key;
	return (RB_FIND(mon_svc_keys, &mon_svc_keys, &k));
}

struct mon_svc *
mon_svc_find_pid(pid_t pid)
{
	struct mon_svc	 k, *ms;

	k.pid = pid;
	k.key = 0;
	if ((ms = RB_NFIND(mon_svc_pids, &mon_svc_pids, &k)) == NULL ||
	    ms->pid != pid)
		return (NULL);
	return (ms);
}

struct mon_svc *
mon_svc_find_cgroup(const char *rel)
{
	struct mon_svc		 k, *ms;
	struct mon_cgdir	*d;
	const char		*root;
	char			 path[PATH_MAX], *slash;
	size_t			 rootlen;

	if (rel[0] == '\0' || RB_EMPTY(&mon_svc_cgs) ||
	    (root = mon_proc_cgroup_root()) == NULL)
		return (NULL);
	rootlen = strlen(root);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >=
	    sizeof(path))
		return (NULL);
	/* rel, then each of its parents: the deepest service's first. */
	while ((slash = strrchr(path, '/')) != NULL &&
	    (size_t)(slash - path) >= rootlen && slash[1] != '\0') {
		*slash = '\0';
		TAILQ_FOREACH(d, &mon_cgdirs, entry)
			if (strcmp(d->path, path) == 0)
				break;
		if (d == NULL)
			continue;
		k.cg_dir = d;
		k.cg_leaf = slash + 1;
		k.key = 0;
		if ((ms = RB_NFIND(mon_svc_cgs, &mon_svc_cgs, &k)) != NULL &&
		    ms->cg_dir == d && strcmp(ms->cg_leaf, slash + 1) == 0)
			return (ms);
	}
	return (NULL);
}

/* The parent is trusted, but a bad definition is still refused. */
static int
mon_svc_valid(const struct msg_mon_svc *d)
{
	if (d->key == 0 || d->pid <= 0 || !MSG_STR_OK(d->id) ||
	    !MSG_STR_OK(d->cgroup) || !MSG_STR_OK(d->host) ||
	    !MSG_STR_OK(d->uri) || !MSG_STR_OK(d->target) ||
	    !MSG_STR_OK(d->error) || !MSG_STR_OK(d->ready_target) ||
	    !MSG_STR_OK(d->ready_error) || !MSG_STR_OK(d->service) ||
	    !MSG_STR_OK(d->resolve) || !MSG_STR_OK(d->ready_resolve) ||
	    !MSG_STR_OK(d->resolve_port) ||
	    !MSG_STR_OK(d->ready_resolve_port))
		return (0);
	if (d->check > MON_CHECK_GRPC || d->ready > MON_READY_TCP ||
	    d->naddrs > MON_ADDRMAX || d->nready_addrs > MON_ADDRMAX)
		return (0);
	if (d->check != MON_CHECK_NONE && (d->interval_ms == 0 ||
	    d->timeout_ms == 0))
		return (0);
	return (1);
}

/* A brief definition as the full one: no check, no ready targets. */
static struct msg_mon_svc *
mon_svc_expand(const struct msg_mon_svc_brief *b)
{
	struct msg_mon_svc	*d;

	if (b->ready != MON_READY_STARTED && b->ready != MON_READY_NOTIFY)
		return (NULL);
	if (!MSG_STR_OK(b->id) || !MSG_STR_OK(b->cgroup))
		return (NULL);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		fatal(NULL);
	d->key = b->key;
	d->flags = b->flags;
	strlcpy(d->id, b->id, sizeof(d->id));
	d->pid = b->pid;
	d->uid = b->uid;
	d->ready = b->ready;
	d->age_ms = b->age_ms;
	d->watchdog_usec = b->watchdog_usec;
	strlcpy(d->cgroup, b->cgroup, sizeof(d->cgroup));
	d->check = MON_CHECK_NONE;
	return (d);
}

static void
mon_svc_define(const struct msg_mon_svc *d)
{
	struct mon_svc	*ms;

	if ((ms = mon_svc_find(d->key)) != NULL) {
		/*
		 * Same process, new state (STARTING -> RUNNING); its check
		 * and ready probe follow d if they changed.
		 */
		mon_sample_count(ms, -1);
		ms->flags = d->flags;
		mon_sample_count(ms, 1);
		ms->ready = d->ready;
		mon_check_update(ms, d);
		mon_sample_update();
		return;
	}
	if ((ms = calloc(1, sizeof(*ms))) == NULL)
		fatal(NULL);
	ms->key = d->key;
	ms->flags = d->flags;
	if ((ms->id = strdup(d->id)) == NULL)
		fatal(NULL);
	ms->pid = d->pid;
	ms->uid = (uid_t)d->uid;
	ms->ready = d->ready;
	ms->start_ms = mon_now_ms() - d->age_ms;
	if (d->cgroup[0] != '\0')
		mon_cgroup_set(ms, d->cgroup);
	/* Known from before a respawn of this monitor. */
	ms->wd_usec = d->watchdog_usec;
	TAILQ_INSERT_TAIL(&mon_svcs, ms, entry);
	if (RB_INSERT(mon_svc_keys, &mon_svc_keys, ms) != NULL)
		fatalx("%s: %s: key %u twice", __func__, ms->id, ms->key);
	RB_INSERT(mon_svc_pids, &mon_svc_pids, ms);
	mon_sample_count(ms, 1);
	log_debug("watching %s, pid %d", ms->id, (int)ms->pid);
	mon_check_start(ms, d);
	mon_notify_start(ms);
	mon_sample_update();
}

static void
mon_svc_delete(uint32_t key)
{
	struct mon_svc	*ms;

	if ((ms = mon_svc_find(key)) == NULL)
		return;
	log_debug("no longer watching %s, pid %d", ms->id, (int)ms->pid);
	mon_check_stop(ms);
	mon_notify_stop(ms);
	mon_sample_forget(ms);
	mon_sample_count(ms, -1);
	TAILQ_REMOVE(&mon_svcs, ms, entry);
	RB_REMOVE(mon_svc_keys, &mon_svc_keys, ms);
	RB_REMOVE(mon_svc_pids, &mon_svc_pids, ms);
	mon_cgroup_clear(ms);
	free(ms->id);
	free(ms);
	mon_sample_update();
}

static int
monitor_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct msg_mon_svc		*def;
	struct msg_mon_svc_brief	 brief;
	struct msg_mon_key		 k;
	struct msg_mon_notify_fd	 nfd;
	struct msg_mon_watch		 w;
	struct msg_mon_exec_result	 er;
	struct mon_svc			*ms;
	int				 fd;

	switch (imsg->hdr.type) {
	case IMSG_MON_NOTIFY_FD:
		if (imsg_get_data(imsg, &nfd, sizeof(nfd)) == -1)
			return (-1);
		if ((fd = imsg_get_fd(imsg)) == -1) {
			log_warnx("notify socket: no descriptor received");
			return (0);
		}
		mon_notify_setfd(fd, (uid_t)nfd.uid);
		return (0);
	case IMSG_MON_SVC:
		/* ~6 KiB: on the heap, not on the stack. */
		if ((def = malloc(sizeof(*def))) == NULL)
			fatal(NULL);
		if (imsg_get_data(imsg, def, sizeof(*def)) == -1 ||
		    !mon_svc_valid(def)) {
			free(def);
			return (-1);
		}
		mon_svc_define(def);
		free(def);
		return (0);
	case IMSG_MON_SVC_BRIEF:
		if (imsg_get_data(imsg, &brief, sizeof(brief)) == -1 ||
		    (def = mon_svc_expand(&brief)) == NULL)
			return (-1);
		if (!mon_svc_valid(def)) {
			free(def);
			return (-1);
		}
		mon_svc_define(def);
		free(def);
		return (0);
	case IMSG_MON_SVC_DEL:
		if (imsg_get_data(imsg, &k, sizeof(k)) == -1)
			return (-1);
		mon_svc_delete(k.key);
		return (0);
	case IMSG_MON_WATCH:
		if (imsg_get_data(imsg, &w, sizeof(w)) == -1 ||
		    w.seconds == 0 || w.seconds > 3600)
			return (-1);
		mon_sample_watch(w.seconds);
		return (0);
	case IMSG_MON_EXEC_RESULT:
		if (imsg_get_data(imsg, &er, sizeof(er)) == -1 ||
		    !MSG_STR_OK(er.reason))
			return (-1);
		if ((ms = mon_svc_find(er.key)) != NULL)
			mon_check_exec_result(ms, &er);
		return (0);
	default:
		return (PROC_IMSG_UNKNOWN);
	}
}

void
monitor_main(const struct proc_opts *opts)
{
	struct event_base	*base;

	proc_child_init(opts);
	/*
	 * Before the chroot: /proc and the cgroup tree, as directory fds;
	 * resolv.conf and hosts, for the names of checks.
	 */
	mon_proc_preinit();
	base = event_init();
	mon_dns_init(base);
	sandbox_prepare(opts->role, opts->debug);
	privdrop(opts->user, opts->root);
	monitor_sandbox();
	(void)proc_child_channel(monitor_dispatch_parent, NULL);
	event_dispatch();
	exit(0);
}

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
 * Reload: read the file again and apply only the difference.  Added
 * services start, removed ones stop and are forgotten, changed ones
 * restart, a changed instance count starts or stops only the instances
 * that differ, and an unchanged service is not touched (same pid).
 * On any error in the file nothing changes.  Also the control commands
 * that do it: reload, reread, add and remove.
 *
 * A reload runs in slices: the file (3 MB at 10,000 services) is loaded
 * a piece at a time within the budget of each turn of the event loop
 * (parent_turn_busy), so status and every other command are answered
 * meanwhile; the comparison and the changes then go in one turn, on the
 * services as they are at that moment.  Reloads (SIGHUP, watch_config,
 * reload, update, reread, add, remove) queue: each runs once the one
 * before it is done, in the order they came, and each reads the file
 * anew.  An upgrade (parent_upgrade.c) waits until the queue is empty;
 * while it is under way a reload from a client is refused and one from
 * SIGHUP or watch_config is held until it fails (on success the new
 * image reads the file anyway).
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"
#include "proc.h"
#include "svc.h"

/* A reload waiting its turn, or the one loading. */
struct reload_job {
	TAILQ_ENTRY(reload_job)	 entry;
	enum reload_mode	 mode;
	char			 only[VIGIL_NAMEMAX];	/* ADD, REMOVE */
	int			 peer;		/* 0: SIGHUP, watch_config */
	uint32_t		 peerid;
	int			 wait;		/* --wait */
	int			 supervisor;	/* remove as supervisorctl's */
};

static TAILQ_HEAD(, reload_job)	 reload_jobs =
    TAILQ_HEAD_INITIALIZER(reload_jobs);
static struct config_loader	*reload_loader;	/* the first job's */
static struct reload_report	 reload_rep;	/* its errors, its lines */
static struct event		 reload_ev;	/* its next slice */
static int			 reload_ev_set;
static unsigned int		 reload_nslices;
static int			 reload_deferred;	/* loaded, to apply */
static int			 reload_held;	/* SIGHUP during an upgrade */

void
reload_report_init(struct reload_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	config_errors_init(&rep->errs);
}

void
reload_report_free(struct reload_report *rep)
{
	size_t	 i;

	for (i = 0; i < rep->nlines; i++)
		free(rep->lines[i]);
	free(rep->lines);
	free(rep->gone);
	config_errors_free(&rep->errs);
	memset(rep, 0, sizeof(*rep));
}

static void
report(struct reload_report *rep, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		fatal(NULL);
	va_end(ap);
	log_info("reload: %s", line);
	if (rep == NULL) {
		free(line);
		return;
	}
	if ((rep->lines = reallocarray(rep->lines, rep->nlines + 1,
	    sizeof(char *))) == NULL)
		fatal(NULL);
	rep->lines[rep->nlines++] = line;
}

/*
 * The processes of g from instance `from' on, which the reload stops
 * (removed, scaled down) or replaces (changed): update and reload --wait
 * end once they are gone.
 */
static void
reload_note_gone(struct reload_report *rep, struct svc_group *g,
    unsigned int from)
{
	unsigned int	 i;

	if (rep == NULL)
		return;
	for (i = from; i < g->ninst; i++) {
		if (g->inst[i]->pid == 0)
			continue;
		if ((rep->gone = reallocarray(rep->gone, rep->ngone + 1,
		    sizeof(*rep->gone))) == NULL)
			fatal(NULL);
		rep->gone[rep->ngone++] = g->inst[i]->pid;
	}
}

/*
 * The new file's services, found by name for each running group in
 * O(1) when both come in the file's order (a reload of an unchanged
 * file: a cursor), else in O(log N) (sorted, at the first miss).  A
 * sort up front was 40 % of the comparison at 10,000 services: each
 * of its 130,000 compares touched two services out of cache.
 */
struct reload_name {
	const char		*name;
	size_t			 i;
};

struct reload_idx {
	struct config_svc	**file;		/* in the file's order */
	char			 *matched;	/* a running group has it */
	size_t			  n;
	size_t			  next;		/* the cursor */
	struct reload_name	 *byname;	/* NULL until a miss */
};

static int
reload_namecmp(const void *a, const void *b)
{
	const struct reload_name	*x = a, *y = b;

	return (strcmp(x->name, y->name));
}

static void
reload_idx_init(struct reload_idx *ri, struct vigil_conf *conf)
{
	struct config_svc	*sc;
	size_t			 n = 0;

	memset(ri, 0, sizeof(*ri));
	TAILQ_FOREACH(sc, &conf->services, entry)
		n++;
	if ((ri->file = reallocarray(NULL, n + 1, sizeof(*ri->file))) ==
	    NULL || (ri->matched = calloc(n + 1, 1)) == NULL)
		fatal(NULL);
	TAILQ_FOREACH(sc, &conf->services, entry)
		ri->file[ri->n++] = sc;
}

static void
reload_idx_free(struct reload_idx *ri)
{
	free(ri->file);
	free(ri->matched);
	free(ri->byname);
}

/* The new service of this name, marked as matched; NULL: none. */
static struct config_svc *
reload_idx_find(struct reload_idx *ri, const char *name)
{
	struct reload_name	 key, *r;
	size_t			 i;

	if (ri->next < ri->n && strcmp(ri->file[ri->next]->name, name) == 0) {
		ri->matched[ri->next] = 1;
		return (ri->file[ri->next++]);
	}
	if (ri->byname == NULL) {
		if ((ri->byname = reallocarray(NULL, ri->n + 1,
		    sizeof(*ri->byname))) == NULL)
			fatal(NULL);
		for (i = 0; i < ri->n; i++) {
			ri->byname[i].name = ri->file[i]->name;
			ri->byname[i].i = i;
		}
		qsort(ri->byname, ri->n, sizeof(*ri->byname), reload_namecmp);
	}
	key.name = name;
	if ((r = bsearch(&key, ri->byname, ri->n, sizeof(*ri->byname),
	    reload_namecmp)) == NULL)
		return (NULL);
	ri->next = r->i + 1;
	ri->matched[r->i] = 1;
	return (ri->file[r->i]);
}

static void
reload_start_group(struct svc_group *g)
{
	unsigned int	 i;

	if (!g->conf->autostart)
		return;
	for (i = 0; i < g->ninst; i++)
		(void)svc_start(g->inst[i]);
}

/*
 * A changed service: the new configuration, then a restart of each,
 * one at a time when there are several (parent_reload_roll.c).
 */
static void
reload_change_group(struct svc_group *g, struct config_svc *nc,
    struct svc_confref *ref)
{
	unsigned int	 i;
	struct svc	*s;

	svc_group_replace_conf(g, nc, ref);
	if (g->ninst != nc->instances)
		svc_group_scale(g, nc->instances);
	for (i = 0; i < g->ninst; i++)
		g->inst[i]->port = config_svc_port(nc, g->inst[i]->instance);
	/* Several instances: one at a time, as restart --rolling. */
	if (g->ninst > 1) {
		reload_roll_start(g);
		return;
	}
	for (i = 0; i < g->ninst; i++) {
		s = g->inst[i];
		if (s->state == SVC_STARTING || s->state == SVC_RUNNING ||
		    s->state == SVC_STOPPING)
			(void)svc_restart(s);
		else if (s->state == SVC_BACKOFF ||
		    (nc->autostart && s->state != SVC_EXITED))
			(void)svc_start(s);
	}
}

/*
 * The file is loaded (nconf), or refused (NULL, the errors in rep):
 * compare and apply, in this turn.  0, or -1 for a refused file.
 */
static int
reload_apply(enum reload_mode mode, const char *only, struct vigil_conf *nconf,
    struct reload_report *rep)
{
	struct config_errors	*ep = &rep->errs;
	struct svc_confref	*ref;
	struct svc_group	*g, *gnext;
	struct config_svc	*sc, *nc;
	struct reload_idx	 ri;
	size_t			 i;
	int			 changes = 0;

	if (nconf != NULL && parent_conf_check(nconf, ep) == -1) {
		config_free(nconf);
		nconf = NULL;
	}
	if (nconf == NULL) {
		for (i = 0; i < ep->nerrs; i++)
			log_warnx("reload refused: %s", ep->errs[i]);
		if (mode != RELOAD_DRYRUN)
			parent_sd_notify("READY=1");
		return (-1);
	}
	ref = svc_confref_new(nconf);
	reload_idx_init(&ri, nconf);

	/* Services gone from the file, changed, or scaled. */
	for (g = TAILQ_FIRST(&svc_groups); g != NULL; g = gnext) {
		gnext = TAILQ_NEXT(g, entry);
		if (g->removed)
			continue;
		if (only != NULL && strcmp(only, g->conf->name) != 0)
			continue;
		nc = reload_idx_find(&ri, g->conf->name);
		if (nc == NULL) {
			if (mode == RELOAD_ADD)
				continue;
			if (rep != NULL)
				rep->found = 1;
			changes++;
			if (mode == RELOAD_DRYRUN) {
				report(rep, "%s: disappeared", g->conf->name);
				continue;
			}
			report(rep, "%s: removed process group",
			    g->conf->name);
			reload_note_gone(rep, g, 0);
			svc_group_remove(g);
			continue;
		}
		if (mode == RELOAD_ADD || mode == RELOAD_REMOVE)
			continue;
		if (config_svc_equal(g->conf, nc)) {
			if (mode != RELOAD_DRYRUN)
				svc_group_replace_conf(g, nc, ref);
			continue;
		}
		changes++;
		if (mode == RELOAD_DRYRUN) {
			report(rep, "%s: changed", g->conf->name);
			continue;
		}
		if (config_svc_equal_but_instances(g->conf, nc) &&
		    g->conf->instances > 1 && nc->instances > 1) {
			report(rep, "%s: updated process group (instances "
			    "%u -> %u)", nc->name, g->conf->instances,
			    nc->instances);
			reload_note_gone(rep, g, nc->instances);
			svc_group_replace_conf(g, nc, ref);
			svc_group_scale(g, nc->instances);
			continue;
		}
		if ((g->conf->instances == 1) != (nc->instances == 1)) {
			/* The instance names change: a new group. */
			report(rep, "%s: updated process group", nc->name);
			reload_note_gone(rep, g, 0);
			svc_group_remove(g);
			reload_start_group(svc_group_add(nc, ref));
			continue;
		}
		report(rep, "%s: updated process group", nc->name);
		reload_note_gone(rep, g, 0);
		reload_change_group(g, nc, ref);
	}

	/* Services new in the file: not matched above, and no group. */
	for (i = 0; i < ri.n; i++) {
		sc = ri.file[i];
		if (ri.matched[i])
			continue;
		if (only != NULL && strcmp(only, sc->name) != 0)
			continue;
		if (svc_group_find(sc->name) != NULL)
			continue;
		if (mode == RELOAD_REMOVE)
			continue;
		if (rep != NULL)
			rep->found = 1;
		changes++;
		if (mode == RELOAD_DRYRUN) {
			report(rep, "%s: available", sc->name);
			continue;
		}
		report(rep, "%s: added process group", sc->name);
		reload_start_group(svc_group_add(sc, ref));
	}
	reload_idx_free(&ri);

	if (changes == 0 && mode != RELOAD_ADD && mode != RELOAD_REMOVE)
		report(rep, "No config updates to processes");

	if (rep != NULL)
		rep->changes = changes;
	if (mode == RELOAD_APPLY) {
		if (strcmp(nconf->user, penv->conf->user) != 0 ||
		    (penv->sock_override == NULL &&
		    strcmp(nconf->socket_path, penv->socket_path) != 0) ||
		    strcmp(nconf->log_dir, penv->log_dir) != 0)
			log_warnx("reload: user, socket and log_dir changes "
			    "take effect when vigild restarts");
		parent_http_reload(nconf);
		(void)parent_limits_check(nconf);
		svc_confref_release(penv->confref);
		penv->confref = ref;
		penv->conf = nconf;
	} else
		svc_confref_release(ref);
	compat_heap_release();		/* the YAML document, the old conf */
	if (mode != RELOAD_DRYRUN) {
		parent_monitor_notify_access();
		parent_watch_apply();
		parent_sd_notify("READY=1");
	}
	return (0);
}

static void
reload_cmd_report(struct pctl_peer *p, struct reload_report *rep)
{
	size_t	 i;

	for (i = 0; i < rep->errs.nerrs; i++)
		pctl_line(p, CTL_LINE_ERR, rep->errs.errs[i]);
	for (i = 0; i < rep->nlines; i++)
		pctl_line(p, CTL_LINE_OUT, rep->lines[i]);
}

/*
 * remove under supervisorctl's name (CTL_F_SUPERVISOR), as supervisord
 * does it: a group whose every process is down (STOPPED, EXITED, FATAL)
 * is forgotten whether or not the file still has it (the next reload or
 * add brings such a one back); one with a process up, starting or in
 * BACKOFF is refused.
 */
static void
reload_remove_stopped(struct pctl_peer *p, struct svc_group *g)
{
	char		 line[VIGIL_NAMEMAX + 32];
	unsigned int	 i;
	struct svc	*s;

	for (i = 0; i < g->ninst; i++) {
		s = g->inst[i];
		if (s->pid != 0 || (s->state != SVC_STOPPED &&
		    s->state != SVC_EXITED && s->state != SVC_FATAL)) {
			if (p == NULL)
				return;
			pctl_result(p, g->conf->name, CTL_RES_FAIL,
			    "still running");
			pctl_finish(p, CTL_RES_FAIL, "%s", p->failmsg);
			return;
		}
	}
	snprintf(line, sizeof(line), "%s: removed process group",
	    g->conf->name);
	report(NULL, "%s", line);
	svc_group_remove(g);
	if (p == NULL)
		return;
	pctl_line(p, CTL_LINE_OUT, line);
	pctl_finish(p, CTL_RES_OK, NULL);
}

/*
 * add, remove, when their turn comes: what needs no file (1: done, the
 * client answered if it is still there), else 0.
 */
static int
reload_addremove_check(struct reload_job *j, struct pctl_peer *p)
{
	struct svc_group	*g = NULL;
	const char		*name = j->only;

	if (j->mode == RELOAD_ADD && svc_group_find(name) != NULL) {
		if (p != NULL) {
			pctl_result(p, name, CTL_RES_FAIL, "already active");
			pctl_finish(p, CTL_RES_FAIL, "%s", p->failmsg);
		}
		return (1);
	}
	if (j->mode == RELOAD_REMOVE && (g = svc_group_find(name)) == NULL) {
		if (p != NULL) {
			pctl_result(p, name, CTL_RES_NOSUCH,
			    "no such process group");
			pctl_finish(p, CTL_RES_NOSUCH, "%s", p->failmsg);
		}
		return (1);
	}
	if (j->mode == RELOAD_REMOVE && j->supervisor) {
		reload_remove_stopped(p, g);
		return (1);
	}
	return (0);
}

/* The answer to the client of a job, once it is applied (r) or refused. */
static void
reload_answer(struct reload_job *j, struct pctl_peer *p, int r,
    struct reload_report *rep)
{
	const char	*name = j->only;
	int		 add = j->mode == RELOAD_ADD;

	reload_cmd_report(p, rep);
	if (r == -1)
		pctl_finish(p, CTL_RES_FAIL, "%s: configuration refused, "
		    "nothing changed (%zu error%s)", penv->conf_path,
		    rep->errs.nerrs, rep->errs.nerrs == 1 ? "" : "s");
	else if (j->mode == RELOAD_APPLY || j->mode == RELOAD_DRYRUN) {
		if (j->wait && rep->ngone > 0)
			pctl_wait_gone(p, rep->gone, rep->ngone);
		else
			pctl_finish(p, CTL_RES_OK, "%zu change%s",
			    rep->changes, rep->changes == 1 ? "" : "s");
	} else if (!rep->found && add) {
		pctl_result(p, name, CTL_RES_NOSUCH, "no such process group "
		    "in %s", penv->conf_path);
		pctl_finish(p, CTL_RES_NOSUCH, "%s", p->failmsg);
	} else if (!rep->found) {
		pctl_result(p, name, CTL_RES_FAIL, "still in %s: remove it "
		    "from the file first", penv->conf_path);
		pctl_finish(p, CTL_RES_FAIL, "%s", p->failmsg);
	} else if (j->wait && rep->ngone > 0)
		pctl_wait_gone(p, rep->gone, rep->ngone);	/* END later */
	else
		pctl_finish(p, CTL_RES_OK, NULL);
}

/* The queue is empty: an upgrade that waits for it goes on. */
static void
reload_drained(void)
{
	if (reload_loader == NULL && TAILQ_EMPTY(&reload_jobs))
		parent_upgrade_recheck();
}

static int
reload_busy(void *arg)
{
	return (parent_turn_busy());
}

static void	reload_slice(int, short, void *);

/* The next slice in the next turn of the event loop. */
static void
reload_later(void)
{
	struct timeval	 tv = { 0, 0 };

	if (!reload_ev_set) {
		evtimer_set(&reload_ev, reload_slice, NULL);
		reload_ev_set = 1;
	}
	evtimer_add(&reload_ev, &tv);
}

/*
 * Begins the first job of the queue, if none is loading: the checks of
 * add and remove, then the load's first slice in this turn.
 */
static void
reload_next(void)
{
	struct reload_job	*j;
	struct pctl_peer	*p;
	int			 flags;

	while (reload_loader == NULL &&
	    (j = TAILQ_FIRST(&reload_jobs)) != NULL) {
		p = j->peer ? pctl_peer_find(j->peerid) : NULL;
		if (svc_stopping_all()) {
			if (p != NULL)
				pctl_finish(p, CTL_RES_FAIL,
				    "vigild is shutting down");
			TAILQ_REMOVE(&reload_jobs, j, entry);
			free(j);
			continue;
		}
		if ((j->mode == RELOAD_DRYRUN && p == NULL) ||
		    ((j->mode == RELOAD_ADD || j->mode == RELOAD_REMOVE) &&
		    reload_addremove_check(j, p))) {
			TAILQ_REMOVE(&reload_jobs, j, entry);
			free(j);
			continue;
		}
		if (j->mode != RELOAD_DRYRUN)
			parent_sd_notify("RELOADING=1");
		reload_report_init(&reload_rep);
		flags = (penv->is_root ? CONFIG_CHECK_OWNER : 0) |
		    CONFIG_NO_DNS;
		log_debug("reload: loading %s", penv->conf_path);
		reload_nslices = 0;
		reload_deferred = 0;
		reload_loader = config_load_begin(penv->conf_path, flags,
		    &reload_rep.errs);
		reload_slice(-1, 0, NULL);
		return;
	}
	reload_drained();
}

/*
 * vigild stops every service and exits: the job loading and those
 * queued are dropped, their clients told so.
 */
static void
reload_refuse(void)
{
	struct reload_job	*j;
	struct pctl_peer	*p;

	config_free(config_load_end(reload_loader));
	reload_loader = NULL;
	reload_report_free(&reload_rep);
	while ((j = TAILQ_FIRST(&reload_jobs)) != NULL) {
		if (j->peer && (p = pctl_peer_find(j->peerid)) != NULL)
			pctl_finish(p, CTL_RES_FAIL,
			    "vigild is shutting down");
		TAILQ_REMOVE(&reload_jobs, j, entry);
		free(j);
	}
	reload_drained();
}

/* One slice of the load; at its end, the comparison and the changes. */
static void
reload_slice(int fd, short ev, void *arg)
{
	struct reload_job	*j = TAILQ_FIRST(&reload_jobs);
	struct vigil_conf	*nconf;
	struct pctl_peer	*p;
	int			 r;

	if (reload_loader == NULL) {
		reload_next();
		return;
	}
	if (svc_stopping_all()) {
		reload_refuse();
		return;
	}
	reload_nslices++;
	if (!config_load_step(reload_loader, reload_busy, NULL)) {
		reload_later();
		return;
	}
	/* The comparison and the changes get a turn of their own. */
	if (!reload_deferred && parent_turn_busy()) {
		reload_deferred = 1;
		reload_later();
		return;
	}
	nconf = config_load_end(reload_loader);
	reload_loader = NULL;
	log_debug("reload: %s loaded in %u slice%s", penv->conf_path,
	    reload_nslices, reload_nslices == 1 ? "" : "s");
	r = reload_apply(j->mode, j->mode == RELOAD_ADD ||
	    j->mode == RELOAD_REMOVE ? j->only : NULL, nconf, &reload_rep);
	if (j->peer && (p = pctl_peer_find(j->peerid)) != NULL)
		reload_answer(j, p, r, &reload_rep);
	reload_report_free(&reload_rep);
	TAILQ_REMOVE(&reload_jobs, j, entry);
	free(j);
	/* The next one from the next turn: this one has had its share. */
	if (!TAILQ_EMPTY(&reload_jobs))
		reload_later();
	else
		reload_drained();
}

static struct reload_job *
reload_queue(enum reload_mode mode, const char *only, struct pctl_peer *p)
{
	struct reload_job	*j;

	if (parent_upgrade_busy()) {
		if (p != NULL) {
			pctl_finish(p, CTL_RES_FAIL, "an upgrade of vigild is "
			    "under way: try again once it is done");
			return (NULL);
		}
		if (!reload_held)
			log_info("reload: held while an upgrade is under way "
			    "(the new vigild reads %s)", penv->conf_path);
		reload_held = 1;
		return (NULL);
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal(NULL);
	j->mode = mode;
	if (only != NULL)
		(void)strlcpy(j->only, only, sizeof(j->only));
	if (p != NULL) {
		j->peer = 1;
		j->peerid = p->peerid;
		j->wait = (p->req.flags & CTL_F_WAIT) != 0;
		j->supervisor = (p->req.flags & CTL_F_SUPERVISOR) != 0;
	}
	TAILQ_INSERT_TAIL(&reload_jobs, j, entry);
	if (reload_loader == NULL && TAILQ_FIRST(&reload_jobs) == j)
		reload_next();
	return (j);
}

/* SIGHUP, watch_config: its errors are logged. */
void
parent_reload_queue(void)
{
	(void)reload_queue(RELOAD_APPLY, NULL, NULL);
}

/* reload, reread: apply the configuration, or show what would change. */
void
parent_reload_cmd(struct pctl_peer *p)
{
	(void)reload_queue(p->req.cmd == CTL_CMD_RELOAD ? RELOAD_APPLY :
	    RELOAD_DRYRUN, NULL, p);
}

/* add, remove: one service group, as the file has it now. */
void
parent_reload_cmd_addremove(struct pctl_peer *p)
{
	const char	*name = p->req.arg;
	int		 add = p->req.cmd == CTL_CMD_ADD;

	if (name[0] == '\0' || p->ntargets != 0) {
		pctl_finish(p, CTL_RES_USAGE, "%s needs one service name",
		    add ? "add" : "remove");
		return;
	}
	(void)reload_queue(add ? RELOAD_ADD : RELOAD_REMOVE, name, p);
}

/* Reloads queued or loading: an upgrade waits for them. */
size_t
parent_reload_pending(void)
{
	struct reload_job	*j;
	size_t			 n = 0;

	TAILQ_FOREACH(j, &reload_jobs, entry)
		n++;
	return (n);
}

/* The upgrade failed or was cancelled: the reload held meanwhile runs. */
void
parent_reload_upgrade_done(void)
{
	if (!reload_held)
		return;
	reload_held = 0;
	log_info("reload: the upgrade did not happen: the held reload runs");
	parent_reload_queue();
}

/* A client gone before its answer: its job goes on, unanswered. */
void
parent_reload_gone(uint32_t peerid)
{
	struct reload_job	*j;

	TAILQ_FOREACH(j, &reload_jobs, entry)
		if (j->peer && j->peerid == peerid)
			j->peer = 0;
}

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
 * Dependency order (depends_on): what a service waits for before it
 * starts, what must be down before it stops, and the priority order.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

/* Every instance of every dependency is RUNNING. */
int
svc_deps_ready(struct svc *s)
{
	struct config_svc	*sc = s->grp->conf;
	struct svc_group	*dg;
	size_t			 i;
	unsigned int		 j;

	for (i = 0; i < sc->ndepends_on; i++) {
		if ((dg = svc_group_find(sc->depends_on[i])) == NULL)
			continue;	/* removed by a reload: don't wait */
		for (j = 0; j < dg->ninst; j++)
			if (dg->inst[j]->state != SVC_RUNNING)
				return (0);
	}
	return (1);
}

/* Does d depend on s's service (directly)? */
int
svc_depends_on(const struct svc *d, const struct svc *s)
{
	const struct config_svc	*dc = d->grp->conf;
	size_t			 i;

	if (d->grp == s->grp)
		return (0);
	for (i = 0; i < dc->ndepends_on; i++)
		if (strcmp(dc->depends_on[i], s->grp->conf->name) == 0)
			return (1);
	return (0);
}

static int
svc_dep_up(const struct svc *d)
{
	return (d->state == SVC_STARTING || d->state == SVC_RUNNING ||
	    d->state == SVC_STOPPING || d->state == SVC_BACKOFF);
}

/*
 * Is an instance that depends on s up, or on its way up?  Its
 * dependents' instances only (svc_dependents); a removed group is no
 * longer in that index, and is rare: it scans.
 */
int
svc_dependents_up(const struct svc *s)
{
	struct svc_group	**dg;
	struct svc		 *d;
	size_t			  n, i;
	unsigned int		  j;

	if (svc_ndep_groups == 0)	/* stop all of 10,000: no O(N^2) */
		return (0);
	if (s->grp->removed) {
		TAILQ_FOREACH(d, &svc_all, entry)
			if (svc_dep_up(d) && svc_depends_on(d, s))
				return (1);
		return (0);
	}
	dg = svc_dependents(s->grp, &n);
	for (i = 0; i < n; i++)
		for (j = 0; j < dg[i]->ninst; j++)
			if (svc_dep_up(dg[i]->inst[j]))
				return (1);
	return (0);
}

/*
 * A user stop in dependency order: s goes down once every instance that
 * depends on it is down (the caller stops those too).  As svc_stop().
 */
int
svc_stop_ordered(struct svc *s)
{
	if (s->state != SVC_STARTING && s->state != SVC_RUNNING)
		return (svc_stop(s));
	if (!svc_dependents_up(s))
		return (svc_stop(s));
	s->want_up = 0;
	s->restart_after_stop = 0;
	s->stop_after_deps = 1;
	svc_kickq_add(s);
	log_info("%s: stopping once what depends on it is down", s->id);
	return (0);
}

/* Ask every dependency to come up too (a user start of a dependent). */
void
svc_want_deps(struct svc *s, unsigned int depth)
{
	struct config_svc	*sc = s->grp->conf;
	struct svc_group	*dg;
	size_t			 i;
	unsigned int		 j;

	if (depth > 64)
		return;
	for (i = 0; i < sc->ndepends_on; i++) {
		if ((dg = svc_group_find(sc->depends_on[i])) == NULL)
			continue;
		for (j = 0; j < dg->ninst; j++) {
			if (dg->inst[j]->want_up)
				continue;
			dg->inst[j]->want_up = 1;
			dg->inst[j]->retries = 0;
			svc_kickq_add(dg->inst[j]);
			svc_want_deps(dg->inst[j], depth + 1);
		}
	}
}

static int
svc_prio_cmp(const void *a, const void *b)
{
	const struct svc	*sa = *(struct svc * const *)a;
	const struct svc	*sb = *(struct svc * const *)b;

	if (sa->grp->conf->priority != sb->grp->conf->priority)
		return (sa->grp->conf->priority < sb->grp->conf->priority ?
		    -1 : 1);
	return (strcmp(sa->id, sb->id));
}

/* The instances, sorted by priority (ascending) then id; caller frees. */
struct svc **
svc_sorted(size_t *np)
{
	struct svc	**v, *s;
	size_t		  n = 0;

	TAILQ_FOREACH(s, &svc_all, entry)
		n++;
	if ((v = reallocarray(NULL, n + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	n = 0;
	TAILQ_FOREACH(s, &svc_all, entry)
		v[n++] = s;
	qsort(v, n, sizeof(*v), svc_prio_cmp);
	*np = n;
	return (v);
}

/*
 * A dependency gave up (FATAL, EXITED, or stopped and not wanted up),
 * or one of its own did: start-up no longer waits for s.
 */
int
svc_dep_failed(struct svc *s)
{
	struct config_svc	*sc = s->grp->conf;
	struct svc_group	*dg;
	size_t			 i;
	unsigned int		 j;

	for (i = 0; i < sc->ndepends_on; i++) {
		if ((dg = svc_group_find(sc->depends_on[i])) == NULL)
			continue;
		for (j = 0; j < dg->ninst; j++)
			if (dg->inst[j]->state == SVC_FATAL ||
			    dg->inst[j]->state == SVC_EXITED ||
			    (dg->inst[j]->state == SVC_STOPPED &&
			    !dg->inst[j]->want_up) ||
			    svc_dep_failed(dg->inst[j]))
				return (1);
	}
	return (0);
}

/* 1 if some live instance depends on s's service. */
int
svc_has_live_dependent(struct svc *s)
{
	struct svc_group	**dg, *g;
	size_t			  n, i;
	unsigned int		  j;

	if (svc_ndep_groups == 0 || s->grp->removed)
		return (0);
	dg = svc_dependents(s->grp, &n);
	for (i = 0; i < n; i++) {
		g = dg[i];
		if (g->removed)
			continue;
		for (j = 0; j < g->ninst; j++)
			if (svc_alive(g->inst[j]))
				return (1);
	}
	return (0);
}

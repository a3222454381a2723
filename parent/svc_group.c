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
 * Service groups: one configured service and its instances.  Creating,
 * scaling and forgetting them is what start-up and reload are made of.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

struct svc_idtree	svc_byid = RB_INITIALIZER(&svc_byid);
struct svc_nametree	svc_byname = RB_INITIALIZER(&svc_byname);
static uint64_t		svc_seq;
unsigned int		svc_ndep_groups;	/* with depends_on, removed too */
static uint64_t		svc_dep_gen = 1;	/* of the groups' dependencies */
static unsigned int	svc_alive_count;

int
svc_idcmp(struct svc *a, struct svc *b)
{
	int	 c;

	if ((c = strcmp(a->id, b->id)) != 0)
		return (c);
	return (a->seq < b->seq ? -1 : a->seq > b->seq);
}

int
svc_namecmp(struct svc_group *a, struct svc_group *b)
{
	return (strcmp(a->conf->name, b->conf->name));
}

int
svc_pidcmp(struct svc *a, struct svc *b)
{
	if (a->pid != b->pid)
		return (a->pid < b->pid ? -1 : 1);
	return (a->seq < b->seq ? -1 : a->seq > b->seq);
}

static struct svc_pidtree	svc_bypid = RB_INITIALIZER(&svc_bypid);

RB_GENERATE(svc_idtree, svc, byid, svc_idcmp);
RB_GENERATE(svc_pidtree, svc, bypid, svc_pidcmp);

/* The instance whose process this is (the reaper's lookup). */
struct svc *
svc_find_pid(pid_t pid)
{
	struct svc	 key, *s;

	if (pid <= 0)
		return (NULL);
	key.pid = pid;
	key.seq = 0;
	s = RB_NFIND(svc_pidtree, &svc_bypid, &key);
	if (s == NULL || s->pid != pid)
		return (NULL);
	return (s);
}

void
svc_set_pid(struct svc *s, pid_t pid)
{
	if (s->pid != 0) {
		RB_REMOVE(svc_pidtree, &svc_bypid, s);
		svc_alive_count--;
	}
	s->pid = pid;
	if (pid != 0) {
		RB_INSERT(svc_pidtree, &svc_bypid, s);
		svc_alive_count++;
	}
}

unsigned int
svc_nalive(void)
{
	return (svc_alive_count);
}

/*
 * Which groups depend on which: a group's dependents, as a list kept in
 * the group and rebuilt (in O(dependencies log N)) only when a group
 * came, went or got a new configuration, so that "is anything that
 * depends on s up?" looks at s's dependents, not at every instance.
 */
void
svc_deps_changed(void)
{
	svc_dep_gen++;
}

static void
svc_deps_index(void)
{
	static uint64_t		 built;
	struct svc_group	*g, *t;
	size_t			 i;

	if (built == svc_dep_gen)
		return;
	built = svc_dep_gen;
	TAILQ_FOREACH(g, &svc_groups, entry)
		g->nrdeps = 0;
	TAILQ_FOREACH(g, &svc_groups, entry) {
		for (i = 0; i < g->conf->ndepends_on; i++) {
			if ((t = svc_group_find(g->conf->depends_on[i])) ==
			    NULL || t == g)
				continue;
			if ((t->rdeps = reallocarray(t->rdeps, t->nrdeps + 1,
			    sizeof(*t->rdeps))) == NULL)
				fatal(NULL);
			t->rdeps[t->nrdeps++] = g;
		}
	}
	TAILQ_FOREACH(g, &svc_groups, entry)
		g->rdeps_gen = built;
}

/*
 * The groups whose depends_on names g (removed ones that still stop
 * too).  A removed g is not found by name: the caller scans.
 */
struct svc_group **
svc_dependents(struct svc_group *g, size_t *np)
{
	if (svc_ndep_groups == 0) {
		*np = 0;
		return (NULL);
	}
	svc_deps_index();
	*np = g->rdeps_gen == svc_dep_gen ? g->nrdeps : 0;
	return (g->rdeps);
}
RB_GENERATE(svc_nametree, svc_group, byname, svc_namecmp);

/* The oldest instance with this id (as the sorted list has it first). */
struct svc *
svc_find(const char *id)
{
	struct svc	 key, *s;

	key.id = (char *)id;
	key.seq = 0;
	s = RB_NFIND(svc_idtree, &svc_byid, &key);
	if (s == NULL || strcmp(s->id, id) != 0)
		return (NULL);
	return (s);
}

struct svc_group *
svc_group_find(const char *name)
{
	struct svc_group	 key;
	struct config_svc	 kc;

	kc.name = (char *)name;		/* only compared */
	key.conf = &kc;
	return (RB_FIND(svc_nametree, &svc_byname, &key));
}

/* A removed group is no longer found by name (a new one may take it). */
static void
svc_group_unname(struct svc_group *g)
{
	if (!g->removed)
		RB_REMOVE(svc_nametree, &svc_byname, g);
	g->removed = 1;
	svc_deps_changed();
}

static struct svc *
svc_new(struct svc_group *g, unsigned int i)
{
	struct config_svc	*sc = g->conf;
	struct svc	*s, *t;
	char		 id[VIGIL_IDNAMEMAX];
	size_t		 len;

	if (sc->instances == 1)
		strlcpy(id, sc->name, sizeof(id));
	else
		snprintf(id, sizeof(id), "%s:%u", sc->name, i);
	/* The id right after the struct: 10,000 services, one allocation. */
	len = strlen(id) + 1;
	if ((s = calloc(1, sizeof(*s) + len)) == NULL)
		fatal(NULL);
	s->id = (char *)(s + 1);
	memcpy(s->id, id, len);
	s->grp = g;
	s->instance = i;
	s->port = config_svc_port(sc, i);
	s->state = SVC_STOPPED;
	s->health = sc->health.type != HEALTH_NONE ? SVC_HEALTH_STARTING :
	    SVC_HEALTH_NONE;
	s->out_rfd = s->err_rfd = s->exec_rfd = -1;
	s->out_wfd = s->err_wfd = -1;

	/*
	 * Keep svc_all sorted by id (status prints in that order), after
	 * the older ones with the same id: O(log N) with the index.
	 */
	s->seq = ++svc_seq;
	if (RB_INSERT(svc_idtree, &svc_byid, s) != NULL)
		fatalx("%s: %s: duplicate instance", __func__, s->id);
	if ((t = RB_NEXT(svc_idtree, &svc_byid, s)) != NULL)
		TAILQ_INSERT_BEFORE(t, s, entry);
	else
		TAILQ_INSERT_TAIL(&svc_all, s, entry);
	return (s);
}

struct svc_confref *
svc_confref_new(struct vigil_conf *conf)
{
	struct svc_confref	*ref;

	if ((ref = calloc(1, sizeof(*ref))) == NULL)
		fatal(NULL);
	ref->conf = conf;
	ref->refs = 1;		/* the caller's */
	return (ref);
}

void
svc_confref_release(struct svc_confref *ref)
{
	if (ref == NULL || --ref->refs > 0)
		return;
	config_free(ref->conf);
	free(ref);
}

struct svc_group *
svc_group_add(struct config_svc *sc, struct svc_confref *ref)
{
	struct svc_group	*g;
	unsigned int		 i;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		fatal(NULL);
	g->conf = sc;
	g->ref = ref;
	ref->refs++;
	if ((g->inst = reallocarray(NULL, sc->instances, sizeof(*g->inst))) ==
	    NULL)
		fatal(NULL);
	g->ninst = sc->instances;
	if (RB_INSERT(svc_nametree, &svc_byname, g) != NULL)
		fatalx("%s: %s: duplicate service", __func__, sc->name);
	if (sc->ndepends_on > 0)
		svc_ndep_groups++;
	for (i = 0; i < g->ninst; i++)
		g->inst[i] = svc_new(g, i);
	TAILQ_INSERT_TAIL(&svc_groups, g, entry);
	svc_deps_changed();
	return (g);
}

/* Free one instance that is down (no process). */
static void
svc_free(struct svc *s)
{
	svc_timer_free(s);
	parent_logger_detach(s);
	svc_spawn_close_pipes(s);
	if (s->exec_ev != NULL) {
		event_del(s->exec_ev);
		free(s->exec_ev);
	}
	if (s->exec_rfd != -1)
		close(s->exec_rfd);
	svc_leftovers_now(s);
	if (s->cgroup != NULL) {
		svc_cgroup_remove(s->cgroup);
		free(s->cgroup);
	}
	svc_settle_forget(s);
	svc_kickq_del(s);
	svc_set_pid(s, 0);
	TAILQ_REMOVE(&svc_all, s, entry);
	RB_REMOVE(svc_idtree, &svc_byid, s);
	free(s->restart_ms);
	free(s->reason);
	free(s->history);
	free(s->status_text);
	free(s->health_reason);
	free(s);
}

/* Drop an instance from its group, and the group once it is empty. */
void
svc_forget(struct svc *s)
{
	struct svc_group	*g = s->grp;
	unsigned int		 i, j;

	for (i = j = 0; i < g->ninst; i++)
		if (g->inst[i] != s)
			g->inst[j++] = g->inst[i];
	g->ninst = j;
	log_debug("%s: forgotten", s->id);
	svc_free(s);
	if (g->ninst == 0 && g->removed) {
		if (g->conf->ndepends_on > 0)
			svc_ndep_groups--;
		TAILQ_REMOVE(&svc_groups, g, entry);
		svc_listen_close(g);
		svc_confref_release(g->ref);
		free(g->inst);
		free(g->rdeps);
		free(g);
		svc_deps_changed();
	}
}

/* Stop every instance and forget the group (gone from the file). */
void
svc_group_remove(struct svc_group *g)
{
	struct svc	*s;
	unsigned int	 i, n = g->ninst;
	struct svc	**v;

	if ((v = reallocarray(NULL, n + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	memcpy(v, g->inst, n * sizeof(*v));
	svc_group_unname(g);
	if (n == 0) {
		if (g->conf->ndepends_on > 0)
			svc_ndep_groups--;
		TAILQ_REMOVE(&svc_groups, g, entry);
		svc_listen_close(g);
		svc_confref_release(g->ref);
		free(g->inst);
		free(g->rdeps);
		free(g);
		svc_deps_changed();
		free(v);
		return;
	}
	for (i = 0; i < n; i++) {
		s = v[i];
		if (s->pid != 0) {
			s->forget_after_stop = 1;
			if (s->state != SVC_STOPPING)
				(void)svc_stop(s);
		} else
			svc_forget(s);
	}
	free(v);
}

/*
 * Grow or shrink the instance count.  New instances start if the service
 * autostarts; the highest-numbered ones go first when shrinking.
 */
void
svc_group_scale(struct svc_group *g, unsigned int n)
{
	struct svc	*s;
	unsigned int	 i, old = g->ninst;

	if (n > old) {
		if ((g->inst = reallocarray(g->inst, n, sizeof(*g->inst))) ==
		    NULL)
			fatal(NULL);
		for (i = old; i < n; i++) {
			g->inst[i] = svc_new(g, i);
			g->ninst = i + 1;
			if (g->conf->autostart)
				(void)svc_start(g->inst[i]);
		}
		return;
	}
	for (i = old; i-- > n; ) {
		s = g->inst[i];
		if (s->pid != 0) {
			s->forget_after_stop = 1;
			if (s->state != SVC_STOPPING)
				(void)svc_stop(s);
		} else
			svc_forget(s);
	}
}

/* Point a group at an equal configuration (from a reloaded file). */
void
svc_group_replace_conf(struct svc_group *g, struct config_svc *sc,
    struct svc_confref *ref)
{
	unsigned int	 i;

	ref->refs++;
	if (g->conf->ndepends_on > 0)
		svc_ndep_groups--;
	if (sc->ndepends_on > 0)
		svc_ndep_groups++;
	/* Last: g->conf may live in the configuration this frees. */
	svc_confref_release(g->ref);
	g->conf = sc;
	g->ref = ref;
	svc_deps_changed();
	/* A new priority: a new place in the start queue. */
	for (i = 0; i < g->ninst; i++)
		if (g->inst[i]->kickq &&
		    g->inst[i]->kick_prio != sc->priority) {
			svc_kickq_del(g->inst[i]);
			svc_kickq_add(g->inst[i]);
		}
}

void
svc_free_all(void)
{
	struct svc_group	*g;
	struct svc		*s;

	svc_leftovers_flush();
	while ((s = TAILQ_FIRST(&svc_all)) != NULL)
		svc_free(s);
	while ((g = TAILQ_FIRST(&svc_groups)) != NULL) {
		svc_group_unname(g);
		if (g->conf->ndepends_on > 0)
			svc_ndep_groups--;
		TAILQ_REMOVE(&svc_groups, g, entry);
		svc_listen_close(g);
		svc_confref_release(g->ref);
		free(g->inst);
		free(g->rdeps);
		free(g);
		svc_deps_changed();
	}
	svc_cgroup_fini();
}

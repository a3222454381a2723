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
 * Restart on change: a service's `watch:` paths (restart it when a file
 * under them changes, but not for names its `ignore:` globs match) and
 * `watch_config: true` (reload, as `vigilctl reload` does, when the
 * configuration file or an include changes).
 *
 * It lives in the parent because the parent is who can reach the paths
 * (they may be readable by root only; the helpers are chrooted and
 * unprivileged) and who acts on them; what it takes in is the kernel's
 * notifications, names only, never file contents.  Below a watched
 * directory it follows no symbolic link, and it watches at most
 * PWATCH_MAX_DIRS directories, so a service cannot make it watch the
 * rest of the system or exhaust it.  Changes are debounced: the action
 * runs PWATCH_DELAY_MS after the first change of a burst.
 *
 * Nothing is opened, and nothing costs, when no service has `watch:` and
 * watch_config is false.  The set is rebuilt after every reload.  The
 * kernel's side (inotify) is in parent_watch_linux.c.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/tree.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "config.h"
#include "log.h"
#include "parent.h"
#include "svc.h"

#define PWATCH_MAX_DIRS		8192
#define PWATCH_MAX_DEPTH	64
#define PWATCH_DELAY_MS		500

struct pwatch_root {
	TAILQ_ENTRY(pwatch_root) entry;
	char			*svc;		/* group; NULL: configuration */
	char			*path;		/* a directory */
	int			 recursive;	/* 0: only the names below */
	char			**only;		/* globs of names in path */
	size_t			 nonly;
	char			**ignore;	/* a copy of the service's */
	size_t			 nignore;
	struct event		 timer;
	int			 pending;
	char			 what[PATH_MAX];	/* what changed first */
};

struct pwatch_dir {
	RB_ENTRY(pwatch_dir)	 entry;
	int			 wd;
	char			*path;
	struct pwatch_root	**roots;
	size_t			 nroots;
};

static int
pwatch_cmp(struct pwatch_dir *a, struct pwatch_dir *b)
{
	return (a->wd < b->wd ? -1 : a->wd > b->wd);
}

RB_HEAD(pwatch_tree, pwatch_dir);
RB_GENERATE_STATIC(pwatch_tree, pwatch_dir, entry, pwatch_cmp)

static struct pwatch_tree		 pwatch_dirs = RB_INITIALIZER(&pwatch_dirs);
static TAILQ_HEAD(, pwatch_root)	 pwatch_roots =
    TAILQ_HEAD_INITIALIZER(pwatch_roots);
static size_t				 pwatch_ndirs;
static int				 pwatch_fd = -1;
static struct event			 pwatch_ev;
static struct event			 pwatch_rebuild_ev;
static int				 pwatch_rebuild_init;
static int				 pwatch_full_warned;

static void
pwatch_read_cb(int fd, short ev, void *arg)
{
	pwatch_os_read(fd);
}

/* Forget the roots and directories; the kernel's watches stay. */
static void
pwatch_forget(void)
{
	struct pwatch_dir	*d, *nd;
	struct pwatch_root	*r;

	RB_FOREACH_SAFE(d, pwatch_tree, &pwatch_dirs, nd) {
		RB_REMOVE(pwatch_tree, &pwatch_dirs, d);
		free(d->path);
		free(d->roots);
		free(d);
	}
	pwatch_ndirs = 0;
	while ((r = TAILQ_FIRST(&pwatch_roots)) != NULL) {
		TAILQ_REMOVE(&pwatch_roots, r, entry);
		if (r->pending)
			evtimer_del(&r->timer);
		free(r->svc);
		free(r->path);
		config_free_argv(r->only);
		config_free_argv(r->ignore);
		free(r);
	}
}

static void
pwatch_close(void)
{
	if (pwatch_fd != -1) {
		event_del(&pwatch_ev);
		close(pwatch_fd);
		pwatch_fd = -1;
	}
}

/* Does an ignore glob match the name, a component, or the whole path? */
static int
pwatch_ignored(const struct pwatch_root *r, const char *rel)
{
	char		 comp[NAME_MAX + 1];
	const char	*p, *slash;
	size_t		 i, len;

	for (i = 0; i < r->nignore; i++) {
		if (fnmatch(r->ignore[i], rel, FNM_PATHNAME) == 0)
			return (1);
		for (p = rel; *p != '\0'; p = slash + 1) {
			slash = strchr(p, '/');
			len = slash != NULL ? (size_t)(slash - p) : strlen(p);
			if (len < sizeof(comp)) {
				memcpy(comp, p, len);
				comp[len] = '\0';
				if (fnmatch(r->ignore[i], comp, 0) == 0)
					return (1);
			}
			if (slash == NULL)
				break;
		}
	}
	return (0);
}

static void pwatch_walk(struct pwatch_root *, const char *, int);

/* Watch one directory for a root; 0, or -1 when it cannot be. */
static int
pwatch_add_dir(struct pwatch_root *r, const char *path, int nofollow)
{
	struct pwatch_dir	 key, *d;
	size_t			 i;
	int			 wd;

	if (pwatch_ndirs >= PWATCH_MAX_DIRS) {
		if (!pwatch_full_warned)
			log_warnx("watch: more than %d directories; %s and "
			    "what is under it not watched (use ignore:)",
			    PWATCH_MAX_DIRS, path);
		pwatch_full_warned = 1;
		return (-1);
	}
	if ((wd = pwatch_os_add(pwatch_fd, path, nofollow)) == -1) {
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
			log_warn("watch: %s", path);
		return (-1);
	}
	key.wd = wd;
	if ((d = RB_FIND(pwatch_tree, &pwatch_dirs, &key)) == NULL) {
		if ((d = calloc(1, sizeof(*d))) == NULL ||
		    (d->path = strdup(path)) == NULL)
			fatal(NULL);
		d->wd = wd;
		RB_INSERT(pwatch_tree, &pwatch_dirs, d);
		pwatch_ndirs++;
	}
	for (i = 0; i < d->nroots; i++)
		if (d->roots[i] == r)
			return (0);
	if ((d->roots = reallocarray(d->roots, d->nroots + 1,
	    sizeof(*d->roots))) == NULL)
		fatal(NULL);
	d->roots[d->nroots++] = r;
	return (0);
}

/* A directory and, for a recursive root, every one under it. */
static void
pwatch_walk(struct pwatch_root *r, const char *path, int depth)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*dp;
	char		 sub[PATH_MAX];
	const char	*rel;
	int		 fd;

	if (pwatch_add_dir(r, path, depth > 0) == -1 || !r->recursive ||
	    depth >= PWATCH_MAX_DEPTH)
		return;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (depth > 0 ? O_NOFOLLOW : 0))) == -1)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Below the root, a link is not followed. */
		if (fstatat(dirfd(dp), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(st.st_mode))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
		    de->d_name) >= sizeof(sub))
			continue;
		rel = sub + strlen(r->path) + 1;
		if (pwatch_ignored(r, rel))
			continue;
		pwatch_walk(r, sub, depth + 1);
	}
	closedir(dp);
}

static void
pwatch_fire(int fd, short ev, void *arg)
{
	struct pwatch_root	*r = arg;
	struct svc_group	*g;
	unsigned int		 i, n = 0;

	r->pending = 0;
	if (svc_stopping_all())
		return;
	if (r->svc == NULL) {
		log_info("watch: %s changed, reloading the configuration",
		    r->what);
		/* Refused as `vigilctl reload` refuses it, errors logged. */
		parent_reload_queue();
		return;
	}
	if ((g = svc_group_find(r->svc)) == NULL || g->removed)
		return;
	for (i = 0; i < g->ninst; i++) {
		if (g->inst[i]->state != SVC_STARTING &&
		    g->inst[i]->state != SVC_RUNNING)
			continue;
		if (svc_restart(g->inst[i]) == 0)
			n++;
	}
	if (n > 0)
		log_info("%s: %s changed, restarting (watch)", r->svc,
		    r->what);
}

static void
pwatch_trigger(struct pwatch_root *r, const char *what)
{
	struct timeval	 tv;

	if (r->pending)
		return;
	r->pending = 1;
	strlcpy(r->what, what, sizeof(r->what));
	tv.tv_sec = PWATCH_DELAY_MS / 1000;
	tv.tv_usec = (PWATCH_DELAY_MS % 1000) * 1000;
	evtimer_add(&r->timer, &tv);
}

static int
pwatch_only(const struct pwatch_root *r, const char *name)
{
	size_t	 i;

	if (r->only == NULL)
		return (1);
	for (i = 0; i < r->nonly; i++)
		if (fnmatch(r->only[i], name, FNM_PERIOD) == 0)
			return (1);
	return (0);
}

/*
 * From the kernel's side: name changed in the directory wd (a
 * subdirectory if isdir; created: it is new).  wd -1: events were lost,
 * so every root counts as changed.
 */
void
pwatch_event(int wd, const char *name, int isdir, int created)
{
	struct pwatch_dir	 key, *d;
	struct pwatch_root	*r, **roots;
	char			 full[PATH_MAX];
	const char		*rel;
	size_t			 i, n;

	if (wd == -1) {
		log_warnx("watch: the kernel dropped events; counting every "
		    "watched path as changed");
		TAILQ_FOREACH(r, &pwatch_roots, entry)
			pwatch_trigger(r, r->path);
		return;
	}
	key.wd = wd;
	if ((d = RB_FIND(pwatch_tree, &pwatch_dirs, &key)) == NULL)
		return;
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", d->path, name) >=
	    sizeof(full))
		return;
	/* A root may be added below while this runs: a copy of the list. */
	n = d->nroots;
	if ((roots = reallocarray(NULL, n, sizeof(*roots))) == NULL)
		fatal(NULL);
	memcpy(roots, d->roots, n * sizeof(*roots));
	for (i = 0; i < n; i++) {
		r = roots[i];
		rel = strlen(full) > strlen(r->path) ?
		    full + strlen(r->path) + 1 : name;
		if (!pwatch_only(r, name) || pwatch_ignored(r, rel))
			continue;
		if (isdir && created && r->recursive)
			pwatch_walk(r, full, 1);
		pwatch_trigger(r, full);
	}
	free(roots);
}

/* The kernel stopped watching wd (removed, or its file system gone). */
void
pwatch_gone(int wd)
{
	struct pwatch_dir	 key, *d;

	key.wd = wd;
	if ((d = RB_FIND(pwatch_tree, &pwatch_dirs, &key)) == NULL)
		return;
	RB_REMOVE(pwatch_tree, &pwatch_dirs, d);
	pwatch_ndirs--;
	free(d->path);
	free(d->roots);
	free(d);
}

static struct pwatch_root *
pwatch_root(const char *svc, const char *dir, int recursive)
{
	struct pwatch_root	*r;

	TAILQ_FOREACH(r, &pwatch_roots, entry)
		if (((svc == NULL && r->svc == NULL) || (svc != NULL &&
		    r->svc != NULL && strcmp(svc, r->svc) == 0)) &&
		    strcmp(dir, r->path) == 0 && r->recursive == recursive)
			return (r);
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(dir)) == NULL ||
	    (svc != NULL && (r->svc = strdup(svc)) == NULL))
		fatal(NULL);
	r->recursive = recursive;
	evtimer_set(&r->timer, pwatch_fire, r);
	TAILQ_INSERT_TAIL(&pwatch_roots, r, entry);
	return (r);
}

/* A name (or glob) in a directory: the directory, for that name only. */
static struct pwatch_root *
pwatch_root_name(const char *svc, const char *path)
{
	struct pwatch_root	*r;
	char			 dir[PATH_MAX];
	const char		*slash;

	if ((slash = strrchr(path, '/')) == NULL || slash[1] == '\0')
		return (NULL);
	if (slash == path)
		strlcpy(dir, "/", sizeof(dir));
	else if ((size_t)(slash - path) < sizeof(dir))
		strlcpy(dir, path, slash - path + 1);
	else
		return (NULL);
	r = pwatch_root(svc, dir, 0);
	if ((r->only = reallocarray(r->only, r->nonly + 2,
	    sizeof(*r->only))) == NULL ||
	    (r->only[r->nonly] = strdup(slash + 1)) == NULL)
		fatal(NULL);
	r->only[++r->nonly] = NULL;
	return (r);
}

static char **
pwatch_strv(char **v, size_t n)
{
	char	**c;
	size_t	  i;

	if ((c = calloc(n + 1, sizeof(*c))) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++)
		if ((c[i] = strdup(v[i])) == NULL)
			fatal(NULL);
	return (c);
}

static void
pwatch_build(void)
{
	struct vigil_conf	*conf = penv->conf;
	struct svc_group	*g;
	struct config_svc	*sc;
	struct pwatch_root	*r;
	struct stat		 st;
	char			*inc, *p, *pat;
	size_t			 i;

	TAILQ_FOREACH(g, &svc_groups, entry) {
		sc = g->conf;
		if (g->removed || sc->nwatch == 0)
			continue;
		for (i = 0; i < sc->nwatch; i++) {
			if (stat(sc->watch[i], &st) == -1) {
				log_warn("%s: watch: %s", sc->name,
				    sc->watch[i]);
				continue;
			}
			if (S_ISDIR(st.st_mode))
				r = pwatch_root(sc->name, sc->watch[i], 1);
			else if ((r = pwatch_root_name(sc->name,
			    sc->watch[i])) == NULL)
				continue;
			if (r->ignore == NULL && sc->nignore > 0) {
				r->ignore = pwatch_strv(sc->ignore,
				    sc->nignore);
				r->nignore = sc->nignore;
			}
		}
	}
	if (conf->watch_config) {
		for (i = 0; i < conf->nfiles; i++)
			(void)pwatch_root_name(NULL, conf->files[i]);
		/* New includes: each glob's directory, for its pattern. */
		if (conf->include != NULL) {
			if ((inc = strdup(conf->include)) == NULL)
				fatal(NULL);
			for (p = inc; (pat = strsep(&p, " ")) != NULL;)
				if (pat[0] == '/')
					(void)pwatch_root_name(NULL, pat);
			free(inc);
		}
	}
	if (TAILQ_EMPTY(&pwatch_roots))
		return;
	if (pwatch_fd == -1) {
		if ((pwatch_fd = pwatch_os_init()) == -1) {
			log_warn("watch: cannot watch files");
			pwatch_forget();
			return;
		}
		event_set(&pwatch_ev, pwatch_fd, EV_READ | EV_PERSIST,
		    pwatch_read_cb, NULL);
		event_add(&pwatch_ev, NULL);
	}
	pwatch_full_warned = 0;
	TAILQ_FOREACH(r, &pwatch_roots, entry)
		pwatch_walk(r, r->path, 0);
	log_debug("watch: %zu directories", pwatch_ndirs);
}

/*
 * Rebuild on the same descriptor, whose watches stay in place meanwhile
 * (a directory watched again keeps its watch), so that no change is
 * missed; then drop the watches no longer wanted.  What had changed and
 * was not acted on yet is carried over.
 */
static void
pwatch_rebuild_cb(int fd, short ev, void *arg)
{
	struct pwatch_root	*r, *nr;
	struct pwatch_dir	*d, key;
	char			**svc = NULL, **what = NULL;
	int			 *old = NULL;
	size_t			  n = 0, i, nold = 0;

	if (pwatch_fd != -1)
		pwatch_os_read(pwatch_fd);
	if ((old = reallocarray(NULL, pwatch_ndirs + 1, sizeof(*old))) ==
	    NULL)
		fatal(NULL);
	RB_FOREACH(d, pwatch_tree, &pwatch_dirs)
		old[nold++] = d->wd;
	TAILQ_FOREACH(r, &pwatch_roots, entry) {
		if (!r->pending)
			continue;
		if ((svc = reallocarray(svc, n + 1, sizeof(*svc))) == NULL ||
		    (what = reallocarray(what, n + 1, sizeof(*what))) ==
		    NULL || (what[n] = strdup(r->what)) == NULL ||
		    (r->svc != NULL && (svc[n] = strdup(r->svc)) == NULL))
			fatal(NULL);
		if (r->svc == NULL)
			svc[n] = NULL;
		n++;
	}
	pwatch_forget();
	pwatch_build();
	for (i = 0; i < nold; i++) {
		key.wd = old[i];
		if (pwatch_fd != -1 &&
		    RB_FIND(pwatch_tree, &pwatch_dirs, &key) == NULL)
			pwatch_os_rm(pwatch_fd, old[i]);
	}
	free(old);
	if (TAILQ_EMPTY(&pwatch_roots))
		pwatch_close();		/* nothing to watch: no cost */
	for (i = 0; i < n; i++) {
		TAILQ_FOREACH(nr, &pwatch_roots, entry)
			if ((svc[i] == NULL && nr->svc == NULL) ||
			    (svc[i] != NULL && nr->svc != NULL &&
			    strcmp(svc[i], nr->svc) == 0)) {
				pwatch_trigger(nr, what[i]);
				break;
			}
		free(svc[i]);
		free(what[i]);
	}
	free(svc);
	free(what);
}

/*
 * The services or the configuration changed (start, reload): rebuild
 * the watches, from the event loop (never inside a reload a watch
 * itself started).
 */
void
parent_watch_apply(void)
{
	struct timeval	 tv = { 0, 0 };

	if (!pwatch_rebuild_init) {
		evtimer_set(&pwatch_rebuild_ev, pwatch_rebuild_cb, NULL);
		pwatch_rebuild_init = 1;
	}
	evtimer_add(&pwatch_rebuild_ev, &tv);
}

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
 * The load as a sequence of small steps, so that it can stop between
 * any two and go on later (the parent's reload of 10,000 services runs
 * in slices of its event loop): parse the main file (a few YAML events
 * at a time, config_compose.c), its global keys, its services one by
 * one, each include the same way, the dependency check, and the string
 * sharing one service at a time.  config_load() runs every step at
 * once; the steps, their order and so the result and the errors are
 * the same either way.
 */

#include <sys/types.h>

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "log.h"

/* What a unit of work counts against config_load_every(). */
#define CL_COST_SERVICE		32	/* a service: about 32 events */
#define CL_COST_SHARE		4
#define CL_EVERY		256	/* the default: events per check */

enum cl_state {
	CL_PARSE,		/* a file's YAML (cc) */
	CL_SERVICES,		/* its services, from pair */
	CL_INCLUDE,		/* the next include */
	CL_FINISH,
	CL_FREE,		/* what only the load needed, from ifree */
	CL_SHARE,		/* the strings, from share */
	CL_DONE
};

struct config_loader {
	struct config_ctx	 ctx;
	enum cl_state		 state;
	size_t			 nerrs;		/* errs->nerrs at the start */
	int			 parsed;	/* the main file parsed */
	int			 (*busy)(void *);
	void			*arg;
	unsigned int		 every;
	unsigned int		 units;

	char			*buf;		/* the main file */
	struct config_compose	 cc;
	int			 composing;
	yaml_node_t		*map;		/* services: being walked */
	yaml_node_pair_t	*pair;		/* next, or NULL to begin */

	yaml_node_t		*inc[CONFIG_INCLUDE_MAX];
	size_t			 ninc;
	size_t			 iinc;		/* pattern being globbed */
	glob_t			 g;
	int			 globbed;
	size_t			 ig;		/* next path of g */
	int			 in_include;	/* incdoc, incbuf are set */
	yaml_document_t		 incdoc;
	struct config_arena	 incarena;
	char			*incbuf;
	const char		*mainfile;	/* ctx's, around an include */
	const char		*maindir;

	size_t			 ifree;
	struct config_svc	*share;
	struct vigil_conf	*conf;		/* the result, once DONE */
};

static void
fill_defaults(struct vigil_conf *conf)
{
	if (conf->user == NULL &&
	    (conf->user = strdup(config_default_user())) == NULL)
		fatal("%s", __func__);
	if (conf->socket_path == NULL &&
	    (conf->socket_path = strdup(config_default_socket())) == NULL)
		fatal("%s", __func__);
	if (conf->log_dir == NULL &&
	    (conf->log_dir = strdup(config_default_log_dir())) == NULL)
		fatal("%s", __func__);
	if (conf->state_dir == NULL &&
	    (conf->state_dir = strdup(config_default_state_dir())) == NULL)
		fatal("%s", __func__);
}

/* 1 once this slice has done enough. */
static int
cl_tick(struct config_loader *l, unsigned int cost)
{
	l->units += cost;
	if (l->busy == NULL || l->units < l->every)
		return (0);
	l->units = 0;
	return (l->busy(l->arg));
}

static struct config_loader *
cl_begin(const char *name, const void *buf, size_t len, int flags,
    struct config_errors *errs)
{
	struct config_loader	*l;
	struct config_ctx	*ctx;
	struct vigil_conf	*conf;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (conf = calloc(1, sizeof(*conf))) == NULL)
		fatal("%s", __func__);
	TAILQ_INIT(&conf->services);
	conf->socket_mode = getuid() == 0 ? 0660 : 0600;
	conf->socket_gid = (gid_t)-1;
	if ((conf->path = strdup(name)) == NULL)
		fatal("%s", __func__);
	ctx = &l->ctx;
	ctx->conf = conf;
	ctx->errs = errs;
	ctx->flags = flags;
	ctx->file = config_intern(ctx, name);
	ctx->dir = config_dir_of(ctx, name);
	ctx->defaults_file = ctx->file;
	ctx->defaults_dir = ctx->dir;
	ctx->doc = &ctx->maindoc;
	l->nerrs = errs->nerrs;
	l->every = CL_EVERY;
	l->mainfile = ctx->file;
	l->maindir = ctx->dir;

	if (buf == NULL) {
		if ((l->buf = config_read_file(ctx, name,
		    "configuration file", &len)) == NULL) {
			l->state = CL_FINISH;
			return (l);
		}
		buf = l->buf;
	}
	config_add_file(ctx, name);
	config_compose_init(&l->cc, buf, len, &ctx->maindoc,
	    &ctx->mainarena);
	l->composing = 1;
	l->state = CL_PARSE;
	return (l);
}

/* An include is done with (walked, or refused): back to the main file. */
static void
cl_include_end(struct config_loader *l)
{
	struct config_ctx	*ctx = &l->ctx;

	if (l->in_include == 2)
		config_doc_free(&l->incdoc, &l->incarena);
	free(l->incbuf);
	l->incbuf = NULL;
	l->in_include = 0;
	ctx->doc = &ctx->maindoc;
	ctx->file = l->mainfile;
	ctx->dir = l->maindir;
	l->state = CL_INCLUDE;
}

/* The parse of a file is over: its top, then its services. */
static void
cl_parsed(struct config_loader *l, int r)
{
	struct config_ctx	*ctx = &l->ctx;
	yaml_document_t		*doc = l->cc.doc;
	yaml_node_t		*extra;

	if (r == CONFIG_CC_DONE &&
	    (extra = config_compose_extra(&l->cc)) != NULL) {
		config_err(ctx, extra, "only one YAML document is allowed");
		config_doc_free(doc, l->cc.arena);
		r = CONFIG_CC_ERROR;
	} else if (r == CONFIG_CC_ERROR)
		config_yaml_error(ctx, &l->cc);
	config_compose_free(&l->cc);
	l->composing = 0;
	if (r == CONFIG_CC_ERROR) {
		if (l->in_include)
			cl_include_end(l);
		else
			l->state = CL_FINISH;
		return;
	}
	l->pair = NULL;
	l->state = CL_SERVICES;
	if (l->in_include) {
		l->in_include = 2;
		ctx->doc = &l->incdoc;
		l->map = config_include_root(ctx,
		    yaml_document_get_root_node(&l->incdoc));
		return;
	}
	ctx->have_maindoc = 1;
	l->parsed = 1;
	l->map = config_main_root(ctx,
	    yaml_document_get_root_node(&ctx->maindoc), l->inc, &l->ninc);
}

/* 1 when the walk of the services: mapping is over. */
static int
cl_services(struct config_loader *l)
{
	struct config_ctx	*ctx = &l->ctx;

	if (l->pair == NULL) {
		if (!config_services_ok(ctx, l->map))
			return (1);
		l->pair = l->map->data.mapping.pairs.start;
	}
	while (l->pair < l->map->data.mapping.pairs.top) {
		config_service_load(ctx, l->pair++);
		if (cl_tick(l, CL_COST_SERVICE))
			return (l->pair == l->map->data.mapping.pairs.top);
	}
	return (1);
}

/* A missing directory is no match; anything else is an error. */
static int
glob_err(const char *path, int e)
{
	return (e != ENOENT && e != ENOTDIR);
}

/* Globs the next pattern; 0 when there are none left. */
static int
cl_glob(struct config_loader *l)
{
	struct config_ctx	*ctx = &l->ctx;
	yaml_node_t		*v;
	char			*pat;
	int			 r;

	while (l->iinc < l->ninc) {
		v = l->inc[l->iinc++];
		pat = config_relpath(ctx, config_scalar(v), ctx->dir);
		memset(&l->g, 0, sizeof(l->g));
		r = glob(pat, 0, glob_err, &l->g);
		if (r == 0) {
			free(pat);
			l->globbed = 1;
			l->ig = 0;
			return (1);
		}
		if (r == GLOB_NOMATCH) {
			if (strpbrk(pat, "*?[") == NULL)
				config_err(ctx, v, "include \"%s\": %s", pat,
				    strerror(ENOENT));
		} else
			config_err(ctx, v, "include \"%s\": %s", pat,
			    r == GLOB_NOSPACE ? "out of memory" :
			    "cannot read a directory");
		globfree(&l->g);
		free(pat);
	}
	return (0);
}

/* Opens the next included file; 0 when there are none left. */
static int
cl_include(struct config_loader *l)
{
	struct config_ctx	*ctx = &l->ctx;
	const char		*path;
	size_t			 len;

	if (ctx->flags & CONFIG_NO_INCLUDE)
		return (0);
	for (;;) {
		if (!l->globbed && !cl_glob(l))
			return (0);
		if (l->ig == l->g.gl_pathc) {
			globfree(&l->g);
			l->globbed = 0;
			continue;
		}
		path = l->g.gl_pathv[l->ig++];
		if ((l->incbuf = config_read_file(ctx, path, "include",
		    &len)) == NULL)
			continue;
		config_add_file(ctx, path);
		ctx->file = config_intern(ctx, path);
		ctx->dir = config_dir_of(ctx, path);
		l->in_include = 1;
		config_compose_init(&l->cc, l->incbuf, len, &l->incdoc,
		    &l->incarena);
		l->composing = 1;
		return (1);
	}
}

/* What the load kept only for itself; the errors go to errs. */
static void
cl_ctx_free(struct config_loader *l)
{
	struct config_ctx	*ctx = &l->ctx;
	size_t			 i;

	if (l->composing)
		config_compose_free(&l->cc);
	l->composing = 0;
	if (l->in_include)
		cl_include_end(l);
	if (l->globbed)
		globfree(&l->g);
	l->globbed = 0;
	free(l->buf);
	l->buf = NULL;
	if (ctx->have_maindoc)
		config_doc_free(&ctx->maindoc, &ctx->mainarena);
	ctx->have_maindoc = 0;
	for (i = 0; i < ctx->nsp; i++) {
		if (ctx->sp[i] == NULL)		/* freed by cl_free */
			continue;
		ctx->sp[i]->svc = NULL;		/* owned by conf */
		config_svc_parse_free(ctx->sp[i]);
	}
	free(ctx->sp);
	ctx->sp = NULL;
	ctx->nsp = ctx->maxsp = 0;
	config_flush(ctx);
	for (i = 0; i < ctx->npool; i++)
		free(ctx->pool[i]);
	free(ctx->pool);
	ctx->pool = NULL;
	ctx->npool = 0;
}

static void
cl_finish(struct config_loader *l)
{
	struct config_ctx	*ctx = &l->ctx;

	if (l->parsed) {
		config_svc_check_deps(ctx);
		fill_defaults(ctx->conf);
	}
	l->ifree = 0;
	l->state = CL_FREE;
}

/* 1 once what only the load needed is freed, the result decided. */
static int
cl_free(struct config_loader *l)
{
	struct config_ctx	*ctx = &l->ctx;

	while (l->ifree < ctx->nsp) {
		ctx->sp[l->ifree]->svc = NULL;	/* owned by conf */
		config_svc_parse_free(ctx->sp[l->ifree]);
		ctx->sp[l->ifree++] = NULL;
		if (cl_tick(l, CL_COST_SHARE))
			return (0);
	}
	cl_ctx_free(l);
	if (ctx->errs->nerrs != l->nerrs) {
		config_free(ctx->conf);
		ctx->conf = NULL;
		l->state = CL_DONE;
		return (1);
	}
	l->conf = ctx->conf;
	l->share = TAILQ_FIRST(&l->conf->services);
	l->state = CL_SHARE;
	return (1);
}

struct config_loader *
config_load_begin(const char *path, int flags, struct config_errors *errs)
{
	return (cl_begin(path, NULL, 0, flags, errs));
}

/* As config_load_buffer(), in slices. */
struct config_loader *
config_load_begin_buffer(const char *name, const void *buf, size_t len,
    int flags, struct config_errors *errs)
{
	return (cl_begin(name, buf == NULL ? "" : buf, buf == NULL ? 0 : len,
	    flags, errs));
}

/* Units of work between two questions to busy (1: after each). */
void
config_load_every(struct config_loader *l, unsigned int every)
{
	l->every = every == 0 ? 1 : every;
}

/*
 * Does at least one step, and goes on while busy(arg) says 0 (busy
 * NULL: to the end).  1 when the load is over (config_load_end gives
 * the result), 0 when there is more.
 */
int
config_load_step(struct config_loader *l, int (*busy)(void *), void *arg)
{
	int	 r;

	l->busy = busy;
	l->arg = arg;
	for (;;) {
		switch (l->state) {
		case CL_PARSE:
			r = config_compose_step(&l->cc, busy, arg, l->every);
			if (r == CONFIG_CC_MORE)
				return (0);
			cl_parsed(l, r);
			break;
		case CL_SERVICES:
			if (!cl_services(l))
				return (0);
			if (l->in_include)
				cl_include_end(l);
			else
				l->state = CL_INCLUDE;
			break;
		case CL_INCLUDE:
			if (cl_include(l))
				l->state = CL_PARSE;
			else
				l->state = CL_FINISH;
			break;
		case CL_FINISH:
			cl_finish(l);
			break;
		case CL_FREE:
			if (!cl_free(l))
				return (0);
			break;
		case CL_SHARE:
			while (l->share != NULL) {
				config_svc_share(l->conf, l->share);
				l->share = TAILQ_NEXT(l->share, entry);
				if (l->share != NULL &&
				    cl_tick(l, CL_COST_SHARE))
					return (0);
			}
			l->state = CL_DONE;
			break;
		case CL_DONE:
			return (1);
		}
		if (l->state != CL_DONE && cl_tick(l, 1))
			return (0);
	}
}

/*
 * The configuration, or NULL with the errors in errs; frees the loader.
 * Before the load is over, it drops what was loaded so far and gives
 * NULL (a reload abandoned).
 */
struct vigil_conf *
config_load_end(struct config_loader *l)
{
	struct vigil_conf	*conf = NULL;

	if (l->state == CL_DONE)
		conf = l->conf;
	else if (l->state == CL_SHARE)
		config_free(l->conf);
	else {
		cl_ctx_free(l);
		config_free(l->ctx.conf);
	}
	free(l);
	return (conf);
}

struct vigil_conf *
config_load(const char *path, int flags, struct config_errors *errs)
{
	struct config_loader	*l;

	l = cl_begin(path, NULL, 0, flags, errs);
	(void)config_load_step(l, NULL, NULL);
	return (config_load_end(l));
}

struct vigil_conf *
config_load_buffer(const char *name, const void *buf, size_t len, int flags,
    struct config_errors *errs)
{
	struct config_loader	*l;

	l = config_load_begin_buffer(name, buf, len, flags, errs);
	(void)config_load_step(l, NULL, NULL);
	return (config_load_end(l));
}

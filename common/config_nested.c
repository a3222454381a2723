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
 * The nested service keys and their checks: ready, health, limits, log.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "log.h"

static config_resolver	resolver;	/* NULL: getaddrinfo here */

void
config_set_resolver(config_resolver fn)
{
	resolver = fn;
}

/* Checks that host can be resolved, unless it depends on ${...}. */
static void
check_host(struct config_ctx *ctx, yaml_node_t *v, const char *host,
    const char *key, const char *where)
{
	struct addrinfo	 hints, *res;
	const char	*user;
	int		 e;

	if ((ctx->flags & (CONFIG_NO_RESOLVE | CONFIG_NO_DNS)) ||
	    strchr(host, '$') != NULL)
		return;
	if (resolver != NULL) {
		/* The global keys, user: among them, come first. */
		user = ctx->conf->user != NULL ? ctx->conf->user :
		    config_default_user();
		if (resolver(user, host, &e) == -1)
			return;
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		if ((e = getaddrinfo(host, NULL, &hints, &res)) == 0)
			freeaddrinfo(res);
	}
	if (e != 0)
		config_err(ctx, v, "cannot resolve \"%s\" for %s%s: %s", host,
		    key, where, gai_strerror(e));
}

/* HOST:PORT where PORT is 1..65535 or contains ${...}. */
static int
check_hostport(struct config_ctx *ctx, yaml_node_t *v, const char *s,
    const char *key, const char *where)
{
	const char	*errstr;
	char		*host, *port;
	int		 rv = 0;

	if (config_hostport(s, &host, &port) == -1)
		return (-1);
	if (strchr(port, '$') == NULL) {
		strtonum(port, 1, 65535, &errstr);
		if (errstr != NULL)
			rv = -1;
	}
	if (rv == 0)
		check_host(ctx, v, host, key, where);
	free(host);
	free(port);
	return (rv);
}

void
config_key_ready(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	struct config_svc	*svc = sp->svc;
	const char	*s;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a string for %s%s", key, where);
		return;
	}
	sp->p_ready = config_node_pos(ctx, v);
	free(svc->ready_target);
	svc->ready_target = NULL;
	if (strcmp(s, "started") == 0)
		svc->ready = READY_STARTED;
	else if (strcmp(s, "notify") == 0)
		svc->ready = READY_NOTIFY;
	else if (strcmp(s, "healthy") == 0)
		svc->ready = READY_HEALTHY;
	else if (strncmp(s, "tcp://", 6) == 0 &&
	    check_hostport(ctx, v, s + 6, key, where) == 0) {
		svc->ready = READY_TCP;
		svc->ready_target = xstrdup(s + 6);
	} else {
		svc->ready = READY_STARTED;
		config_err(ctx, v,
		    "bad value \"%s\" for %s%s: expected started, "
		    "notify, healthy or tcp://HOST:PORT", s, key, where);
	}
}

static void
health_set(struct config_svc_parse *sp, enum config_health_type t, char *target,
    char **argv, size_t argc)
{
	struct config_health	*h = &sp->svc->health;

	free(h->target);
	config_free_argv(h->exec_argv);
	h->type = t;
	h->target = target;
	h->exec_argv = argv;
	h->exec_argc = argc;
}

static void
k_health_http(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	const char	*s, *h, *e;
	char		*host;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a string for %s%s", key, where);
		return;
	}
	if (strncmp(s, "http://", 7) != 0)
		goto bad;
	h = s + 7;
	if (*h == '[') {
		if ((e = strchr(h, ']')) == NULL)
			goto bad;
		host = strndup(h + 1, e - h - 1);
		e++;
	} else {
		e = h + strcspn(h, ":/?#");
		host = strndup(h, e - h);
	}
	if (host == NULL)
		fatal("%s", __func__);
	if (*host == '\0' || (*e != '\0' && *e != ':' && *e != '/' &&
	    *e != '?')) {
		free(host);
		goto bad;
	}
	check_host(ctx, v, host, key, where);
	free(host);
	health_set(sp, HEALTH_HTTP, xstrdup(s), NULL, 0);
	sp->p_health_target = config_node_pos(ctx, v);
	return;
 bad:
	config_err(ctx, v, "bad URL \"%s\" for %s%s: expected "
	    "http://HOST[:PORT]/PATH", s, key, where);
}

static void
k_health_tcp(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	const char	*s;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a string for %s%s", key, where);
		return;
	}
	if (strncmp(s, "tcp://", 6) == 0)
		s += 6;
	if (check_hostport(ctx, v, s, key, where) == -1) {
		config_err(ctx, v, "bad address \"%s\" for %s%s: expected "
		    "HOST:PORT", s, key, where);
		return;
	}
	health_set(sp, HEALTH_TCP, xstrdup(s), NULL, 0);
	sp->p_health_target = config_node_pos(ctx, v);
}

/* HOST:PORT of a gRPC server speaking cleartext HTTP/2 (no TLS). */
static void
k_health_grpc(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	const char	*s;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a string for %s%s", key, where);
		return;
	}
	if (strstr(s, "://") != NULL || check_hostport(ctx, v, s, key,
	    where) == -1) {
		config_err(ctx, v, "bad address \"%s\" for %s%s: expected "
		    "HOST:PORT (cleartext HTTP/2, no TLS)", s, key, where);
		return;
	}
	health_set(sp, HEALTH_GRPC, xstrdup(s), NULL, 0);
	sp->p_health_target = config_node_pos(ctx, v);
}

/* The gRPC service asked about; "" (the default) is the whole server. */
static void
k_health_service(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	const char	*s, *p;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a string for %s%s", key, where);
		return;
	}
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (*p != '\0' || strlen(s) > CONFIG_GRPC_SERVICEMAX) {
		config_err(ctx, v,
		    "bad gRPC service name for %s%s: expected at "
		    "most %d characters, no control characters", key, where,
		    CONFIG_GRPC_SERVICEMAX);
		return;
	}
	free(sp->svc->health.service);
	sp->svc->health.service = xstrdup(s);
	sp->p_health_service = config_node_pos(ctx, v);
}

static void
k_health_exec(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	const char	*errstr;
	char		**argv;
	size_t		  argc;

	if (v->type == YAML_SEQUENCE_NODE) {
		if (config_strlist(ctx, v, key, where, &argv, &argc) == -1)
			return;
		if (argc == 0) {
			config_err(ctx, v, "empty list for %s%s", key, where);
			config_free_argv(argv);
			return;
		}
	} else if (config_scalar(v) == NULL) {
		config_err(ctx, v, "expected a string or a list for %s%s", key,
		    where);
		return;
	} else if (config_split_command(config_scalar(v), &argv, &argc,
	    &errstr) == -1) {
		config_err(ctx, v, "bad command for %s%s: %s", key, where,
		    errstr);
		return;
	}
	health_set(sp, HEALTH_EXEC, NULL, argv, argc);
	sp->p_health_target = config_node_pos(ctx, v);
}

static void
k_on_unhealthy(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	const char	*s;

	if ((s = config_scalar(v)) != NULL && strcmp(s, "restart") == 0)
		sp->svc->health.on_unhealthy = UNHEALTHY_RESTART;
	else if (s != NULL && strcmp(s, "none") == 0)
		sp->svc->health.on_unhealthy = UNHEALTHY_NONE;
	else
		config_err(ctx, v,
		    "bad value for %s%s: expected restart or none", key, where);
}

static const struct config_key health_keys[] = {
	{ "http",	K_FN, 0, 0, 0, k_health_http },
	{ "tcp",	K_FN, 0, 0, 0, k_health_tcp },
	{ "exec",	K_FN, 0, 0, 0, k_health_exec },
	{ "grpc",	K_FN, 0, 0, 0, k_health_grpc },
	{ "service",	K_FN, 0, 0, 0, k_health_service },
	{ "interval",	K_DURATION, FIELD(health.interval_ms), 0, 0, NULL },
	{ "timeout",	K_DURATION, FIELD(health.timeout_ms), 0, 0, NULL },
	{ "retries",	K_UINT, FIELD(health.retries), 1, 1000, NULL },
	{ "start_period", K_DURATION, FIELD(health.start_period_ms), 0, 0,
	    NULL },
	{ "on_unhealthy", K_FN, 0, 0, 0, k_on_unhealthy },
};

void
config_key_health(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	yaml_node_pair_t	*pair;
	const char		*k;
	int			 n = 0;

	if (config_mapping(ctx, v, key, where) == -1)
		return;
	for (pair = v->data.mapping.pairs.start;
	    pair < v->data.mapping.pairs.top; pair++) {
		k = config_scalar(yaml_document_get_node(ctx->doc, pair->key));
		if (k != NULL && (strcmp(k, "http") == 0 ||
		    strcmp(k, "tcp") == 0 || strcmp(k, "exec") == 0 ||
		    strcmp(k, "grpc") == 0))
			n++;
	}
	if (n > 1) {
		config_err(ctx, v, "%s%s has more than one of http, tcp, grpc "
		    "and exec", key, where);
		return;
	}
	/* In defaults, health may only tune interval and the like. */
	sp->p_health = config_node_pos(ctx, v);
	if (!ctx->quiet)
		sp->health_seen = 1;
	config_apply_map(ctx, sp, v, health_keys, nitems(health_keys), key,
	    where);
}

/* A number (or a size) or "unlimited". */
static void
k_rlimit(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	struct config_limits	*l = &sp->svc->limits;
	struct config_rlimit	*r;
	const char		*s, *sub;
	uint64_t		 x;
	long long		 n;
	int			 size = 1;

	sub = strchr(key, '.') + 1;
	if (strcmp(sub, "nofile") == 0) {
		r = &l->nofile;
		size = 0;
	} else if (strcmp(sub, "nproc") == 0) {
		r = &l->nproc;
		size = 0;
	} else if (strcmp(sub, "core") == 0)
		r = &l->core;
	else if (strcmp(sub, "stack") == 0)
		r = &l->stack;
	else
		r = &l->as;
	if ((s = config_scalar(v)) != NULL && (strcmp(s, "unlimited") == 0 ||
	    strcmp(s, "infinity") == 0)) {
		r->set = 1;
		r->value = CONFIG_UNLIMITED;
		return;
	}
	if (size) {
		if (config_size(ctx, v, key, where, &x) == -1)
			return;
	} else {
		if (config_num(ctx, v, key, where, 0, 1LL << 40, &n) == -1)
			return;
		x = (uint64_t)n;
	}
	r->set = 1;
	r->value = x;
}

static void
k_memory(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	const char	*s;

	if ((s = config_scalar(v)) != NULL && (strcmp(s, "unlimited") == 0 ||
	    strcmp(s, "none") == 0)) {
		sp->svc->limits.memory = 0;
		return;
	}
	config_size(ctx, v, key, where, &sp->svc->limits.memory);
}

static void
k_cpu(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	long	ncpu = 4096;

	if (!(ctx->flags & CONFIG_NO_RESOLVE) &&
	    (ncpu = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		ncpu = 1;
	config_percent(ctx, v, key, where, 1, 100LL * ncpu,
	    &sp->svc->limits.cpu);
}

static const struct config_key limits_keys[] = {
	{ "memory",	K_FN, 0, 0, 0, k_memory },
	{ "cpu",	K_FN, 0, 0, 0, k_cpu },
	{ "nofile",	K_FN, 0, 0, 0, k_rlimit },
	{ "nproc",	K_FN, 0, 0, 0, k_rlimit },
	{ "core",	K_FN, 0, 0, 0, k_rlimit },
	{ "stack",	K_FN, 0, 0, 0, k_rlimit },
	{ "as",		K_FN, 0, 0, 0, k_rlimit },
};

void
config_key_limits(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	config_apply_map(ctx, sp, v, limits_keys, nitems(limits_keys), key,
	    where);
}

static void
k_logdest(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	const char		*s;
	enum config_log_dest	 d;
	int			 err = strcmp(key, "log.stderr") == 0;

	if ((s = config_scalar(v)) == NULL)
		goto bad;
	if (strcmp(s, "file") == 0)
		d = LOGDEST_FILE;
	else if (strcmp(s, "syslog") == 0)
		d = LOGDEST_SYSLOG;
	else if (strcmp(s, "none") == 0)
		d = LOGDEST_NONE;
	else if (err && strcmp(s, "merge") == 0)
		d = LOGDEST_MERGE;
	else if (!err && strcmp(s, "console") == 0)
		d = LOGDEST_CONSOLE;
	else
		goto bad;
	if (err)
		sp->svc->log.err = d;
	else
		sp->svc->log.out = d;
	return;
 bad:
	config_err(ctx, v, "bad value for %s%s: expected %s", key, where, err ?
	    "merge, file, syslog or none" : "file, syslog, console or none");
}

/*
 * watch: [ paths ] (absolute: a file, or a directory and everything
 * under it) and ignore: [ globs ] (names or relative paths under them).
 */
void
config_key_watch(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	int		  w = strcmp(key, "watch") == 0;
	char		**l;
	size_t		  n, i;

	if (config_strlist(ctx, v, key, where, &l, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (l[i][0] == '\0' || (w && l[i][0] != '/')) {
			config_err(ctx, v,
			    "bad %s \"%s\" for %s%s: expected %s",
			    w ? "path" : "glob", l[i], key, where,
			    w ? "an absolute path" : "a glob");
			config_free_argv(l);
			return;
		}
	}
	if (w) {
		config_free_argv(sp->svc->watch);
		sp->svc->watch = l;
		sp->svc->nwatch = n;
	} else {
		config_free_argv(sp->svc->ignore);
		sp->svc->ignore = l;
		sp->svc->nignore = n;
	}
}

static const struct config_key log_keys[] = {
	{ "stdout",	K_FN, 0, 0, 0, k_logdest },
	{ "stderr",	K_FN, 0, 0, 0, k_logdest },
	{ "max_size",	K_SIZE, FIELD(log.max_size), 0, 0, NULL },
	{ "keep",	K_UINT, FIELD(log.keep), 0, CONFIG_KEEP_MAX, NULL },
	{ "timestamps",	K_BOOL, FIELD(log.timestamps), 0, 0, NULL },
};

void
config_key_log(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	config_apply_map(ctx, sp, v, log_keys, nitems(log_keys), key, where);
}

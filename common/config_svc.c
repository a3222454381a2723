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
 * The keys of a service (and of `defaults:`).  config_svc_apply() applies one
 * YAML mapping to a service: `defaults:` first, then the service's own
 * mapping.  Nested mappings (backoff, health, limits, log, restart_limit)
 * merge key by key; every other key replaces what was there.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <math.h>
#include <netdb.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "log.h"

static char *
join(char **argv, size_t argc)
{
	char	*s, *p;
	size_t	 i, len = 1, n;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((p = s = malloc(len)) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			*p++ = ' ';
		n = strlen(argv[i]);
		memcpy(p, argv[i], n);
		p += n;
	}
	*p = '\0';
	return (s);
}

static void
k_command(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	struct config_svc	*svc = sp->svc;
	char		**argv;
	size_t		  argc;

	sp->p_command = config_node_pos(ctx, v);
	if (v->type == YAML_SEQUENCE_NODE) {
		if (config_strlist(ctx, v, key, where, &argv, &argc) == -1)
			return;
		if (argc == 0) {
			config_err(ctx, v, "empty list for %s%s", key, where);
			config_free_argv(argv);
			return;
		}
		config_free_argv(svc->argv);
		free(svc->command_str);
		svc->argv = argv;
		svc->argc = argc;
		svc->command_str = join(argv, argc);
		svc->command_is_list = 1;
	} else {
		if (config_scalar(v) == NULL) {
			config_err(ctx, v,
			    "expected a string or a list for %s%s", key, where);
			return;
		}
		/* Split in config_svc_finish(), once `shell` is known. */
		config_free_argv(svc->argv);
		svc->argv = NULL;
		svc->argc = 0;
		free(svc->command_str);
		svc->command_str = xstrdup(config_scalar(v));
		svc->command_is_list = 0;
	}
	sp->p_command = config_node_pos(ctx, v);
}

static void
k_shell(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	if (config_bool(ctx, v, key, where, &sp->svc->shell) == 0)
		sp->p_shell = config_node_pos(ctx, v);
}

static void
k_user(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	struct passwd	*pw;
	const char	*errstr;
	long long	 id;

	if (config_str(ctx, v, key, where, &sp->svc->user) == -1)
		return;
	sp->p_user = config_node_pos(ctx, v);
	sp->user_ok = 0;
	if (ctx->flags & CONFIG_NO_RESOLVE)
		return;
	if ((pw = getpwnam(sp->svc->user)) == NULL) {
		id = strtonum(sp->svc->user, 0, UINT32_MAX - 1, &errstr);
		if (errstr == NULL)
			pw = getpwuid((uid_t)id);
	}
	if (pw == NULL) {
		config_err(ctx, v, "unknown user \"%s\"%s", sp->svc->user,
		    where);
		return;
	}
	free(sp->svc->user);
	sp->svc->user = xstrdup(pw->pw_name);
	sp->user_uid = pw->pw_uid;
	sp->user_gid = pw->pw_gid;
	sp->user_ok = 1;
}

static void
k_group(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	struct group	*gr;
	const char	*errstr;
	long long	 id;

	if (config_str(ctx, v, key, where, &sp->svc->group) == -1)
		return;
	sp->p_group = config_node_pos(ctx, v);
	sp->group_ok = 0;
	if (ctx->flags & CONFIG_NO_RESOLVE)
		return;
	if ((gr = getgrnam(sp->svc->group)) == NULL) {
		id = strtonum(sp->svc->group, 0, UINT32_MAX - 1, &errstr);
		if (errstr == NULL)
			gr = getgrgid((gid_t)id);
	}
	if (gr == NULL) {
		config_err(ctx, v, "unknown group \"%s\"%s", sp->svc->group,
		    where);
		return;
	}
	sp->group_gid = gr->gr_gid;
	sp->group_ok = 1;
}

static void
k_directory(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	struct config_svc	*svc = sp->svc;
	struct stat	 st;
	const char	*d;

	if (config_str(ctx, v, key, where, &svc->directory) == -1)
		return;
	d = svc->directory;
	sp->p_directory = config_node_pos(ctx, v);
	svc->directory_expand = strstr(d, "${") != NULL;
	if (strncmp(d, "${", 2) != 0 && *d != '/') {
		config_err(ctx, v,
		    "directory \"%s\"%s must be an absolute path", d, where);
		return;
	}
	if (svc->directory_expand || (ctx->flags & CONFIG_NO_RESOLVE))
		return;
	if (stat(d, &st) == -1)
		config_err(ctx, v, "cannot use directory \"%s\"%s: %s", d,
		    where, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		config_err(ctx, v, "cannot use directory \"%s\"%s: not a "
		    "directory", d, where);
	else if (access(d, R_OK | X_OK) == -1)
		config_err(ctx, v, "cannot use directory \"%s\"%s: %s", d,
		    where, strerror(errno));
}

static void
k_umask(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	const char	*s;
	size_t		 len;
	long		 m;
	char		*end;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a string for %s%s", key, where);
		return;
	}
	len = strlen(s);
	m = strtol(s, &end, 8);
	if (len == 0 || len > 4 || strspn(s, "01234567") != len ||
	    *end != '\0' || m > 0777) {
		config_err(ctx, v,
		    "bad umask \"%s\"%s: expected an octal number "
		    "like \"022\"", s, where);
		return;
	}
	sp->svc->umask = (mode_t)m;
}

static void
env_add(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *name, const char *value)
{
	struct config_svc	*svc = sp->svc;
	struct config_lpos	*n;
	size_t		 idx, old = svc->nenv;

	config_env_set(&svc->env, &svc->nenv, name, value, &idx);
	if (svc->nenv != old) {
		n = reallocarray(sp->env_pos, svc->nenv, sizeof(*n));
		if (n == NULL)
			fatal("%s", __func__);
		sp->env_pos = n;
	}
	sp->env_pos[idx] = config_node_pos(ctx, v);
}

static void
k_environment(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *val, **it;
	const char		*name, *s, *eq;
	char			*nm;
	size_t			 n, i;

	if (v->type == YAML_SEQUENCE_NODE) {	/* [ "A=b", ... ] */
		it = config_items(ctx, v, &n);
		for (i = 0; i < n; i++) {
			if ((s = config_scalar(it[i])) == NULL ||
			    (eq = strchr(s, '=')) == NULL ||
			    !config_valid_envname(s, eq - s)) {
				config_err(ctx, it[i], "expected NAME=VALUE in "
				    "%s%s", key, where);
				continue;
			}
			if ((nm = strndup(s, eq - s)) == NULL)
				fatal("%s", __func__);
			env_add(ctx, sp, it[i], nm, eq + 1);
			free(nm);
		}
		free(it);
		return;
	}
	if (config_mapping(ctx, v, key, where) == -1)
		return;
	for (pair = v->data.mapping.pairs.start;
	    pair < v->data.mapping.pairs.top; pair++) {
		if (config_dupkey(ctx, v, pair, key, where) == -1)
			continue;
		k = yaml_document_get_node(ctx->doc, pair->key);
		val = yaml_document_get_node(ctx->doc, pair->value);
		name = config_scalar(k);
		if (!config_valid_envname(name, strlen(name))) {
			config_err(ctx, k, "bad environment variable name "
			    "\"%s\"%s", name, where);
			continue;
		}
		if ((s = config_scalar(val)) == NULL) {
			config_err(ctx, val, "expected a string for %s.%s%s",
			    key, name, where);
			continue;
		}
		env_add(ctx, sp, val, name, s);
	}
}

static void
k_env_file(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	char	*s = NULL;

	if (config_str(ctx, v, key, where, &s) == -1)
		return;
	free(sp->svc->env_file);
	sp->svc->env_file = config_relpath(ctx, s, ctx->dir);
	free(s);
	sp->p_env_file = config_node_pos(ctx, v);
}

static void
k_instances(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	long long	n;

	if (config_num(ctx, v, key, where, 1, CONFIG_INSTANCES_MAX, &n) == -1)
		return;
	sp->svc->instances = (unsigned int)n;
	sp->p_instances = config_node_pos(ctx, v);
}

static int
port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	const char	*dash, *e1, *e2;
	char		 buf[16];
	long long	 a, b;

	if ((dash = strchr(s, '-')) == NULL) {
		a = strtonum(s, 1, 65535, &e1);
		if (e1 != NULL)
			return (-1);
		*lo = *hi = (uint16_t)a;
		return (0);
	}
	if ((size_t)(dash - s) >= sizeof(buf))
		return (-1);
	memcpy(buf, s, dash - s);
	buf[dash - s] = '\0';
	a = strtonum(buf, 1, 65535, &e1);
	b = strtonum(dash + 1, 1, 65535, &e2);
	if (e1 != NULL || e2 != NULL || a > b)
		return (-1);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return (0);
}

static void
k_port(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	struct config_port	 p;
	const char		*s;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a string for %s%s", key, where);
		return;
	}
	p.type = PORT_FIXED;
	if (strncmp(s, "auto:", 5) == 0)
		p.type = PORT_AUTO;
	if (port_range(p.type == PORT_AUTO ? s + 5 : s, &p.lo, &p.hi) == -1) {
		config_err(ctx, v,
		    "bad port \"%s\"%s: expected 8000, 8000-8003 "
		    "or auto:9000-9100 (ports 1..65535)", s, where);
		return;
	}
	sp->svc->port = p;
	sp->p_port = config_node_pos(ctx, v);
}

static int
parse_listen(const char *s, struct config_listen *l)
{
	struct sockaddr_un	 sun;
	const char		*errstr;
	char			*host, *port;
	long long		 p;

	memset(l, 0, sizeof(*l));
	if (strncmp(s, "unix://", 7) == 0) {
		if (s[7] != '/' || strlen(s + 7) >= sizeof(sun.sun_path))
			return (-1);
		l->type = LISTEN_UNIX;
		l->path = xstrdup(s + 7);
	} else if (strncmp(s, "tcp://", 6) == 0) {
		if (config_hostport(s + 6, &host, &port) == -1)
			return (-1);
		p = strtonum(port, 1, 65535, &errstr);
		free(port);
		if (errstr != NULL) {
			free(host);
			return (-1);
		}
		if (!config_bind_host_ok(host)) {
			free(host);
			return (-2);
		}
		l->type = LISTEN_TCP;
		l->host = host;
		l->port = (uint16_t)p;
	} else
		return (-1);
	l->url = xstrdup(s);
	return (0);
}

static void
free_listen(struct config_listen *l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(l[i].url);
		free(l[i].host);
		free(l[i].path);
	}
	free(l);
}

static void
k_listen(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	struct config_svc	*svc = sp->svc;
	struct config_listen	*l;
	char			**argv;
	size_t			  argc, i, n = 0;

	if (config_strlist(ctx, v, key, where, &argv, &argc) == -1)
		return;
	if ((l = calloc(argc + 1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < argc; i++) {
		switch (parse_listen(argv[i], &l[n])) {
		case 0:
			n++;
			break;
		case -2:
			config_err(ctx, v, "bad listen address \"%s\"%s: a "
			    "host name; give an address (127.0.0.1, [::1], "
			    "localhost or *): vigild does not resolve names "
			    "in its root process", argv[i], where);
			break;
		default:
			config_err(ctx, v,
			    "bad listen address \"%s\"%s: expected "
			    "tcp://HOST:PORT or unix:///PATH", argv[i], where);
			break;
		}
	}
	config_free_argv(argv);
	free_listen(svc->listen, svc->nlisten);
	svc->listen = l;
	svc->nlisten = n;
}

static void
k_depends_on(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	struct config_svc	*svc = sp->svc;
	yaml_node_t	**it;
	char		**deps;
	struct config_lpos	 *pos;
	const char	 *s;
	size_t		  n, i, j, nd = 0;

	if (v->type == YAML_MAPPING_NODE) {
		config_err(ctx, v, "expected a list for %s%s", key, where);
		return;
	}
	it = config_items(ctx, v, &n);
	if ((deps = calloc(n + 1, sizeof(*deps))) == NULL ||
	    (pos = calloc(n + 1, sizeof(*pos))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < n; i++) {
		if ((s = config_scalar(it[i])) == NULL) {
			config_err(ctx, it[i],
			    "expected a service name in %s%s", key, where);
			continue;
		}
		for (j = 0; j < nd; j++)
			if (strcmp(deps[j], s) == 0)
				break;
		if (j < nd) {
			config_err(ctx, it[i], "\"%s\" is listed twice in %s%s",
			    s, key, where);
			continue;
		}
		pos[nd] = config_node_pos(ctx, it[i]);
		deps[nd++] = xstrdup(s);
	}
	free(it);
	for (i = 0; i < svc->ndepends_on; i++)
		free(svc->depends_on[i]);
	free(svc->depends_on);
	free(sp->dep_pos);
	svc->depends_on = deps;
	svc->ndepends_on = nd;
	sp->dep_pos = pos;
}

static void
k_restart(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	const char	*s;

	if ((s = config_scalar(v)) != NULL) {
		if (strcmp(s, "always") == 0) {
			sp->svc->restart = RESTART_ALWAYS;
			return;
		} else if (strcmp(s, "on-failure") == 0) {
			sp->svc->restart = RESTART_ON_FAILURE;
			return;
		} else if (strcmp(s, "never") == 0) {
			sp->svc->restart = RESTART_NEVER;
			return;
		}
	}
	config_err(ctx, v, "bad value%s%s%s for %s%s: expected always, "
	    "on-failure or never", s ? " \"" : "", s ? s : "", s ? "\"" : "",
	    key, where);
}

static void
k_exit_codes(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	uint32_t	  codes[8];
	yaml_node_t	**it;
	long long	  c;
	size_t		  n, i;
	int		  bad = 0;

	if (v->type == YAML_MAPPING_NODE) {
		config_err(ctx, v, "expected a list for %s%s", key, where);
		return;
	}
	memset(codes, 0, sizeof(codes));
	it = config_items(ctx, v, &n);
	for (i = 0; i < n; i++) {
		if (config_num(ctx, it[i], key, where, 0, 255, &c) == -1) {
			bad = 1;
			continue;
		}
		codes[c / 32] |= 1U << (c % 32);
	}
	free(it);
	if (!bad)
		memcpy(sp->svc->exit_codes, codes, sizeof(codes));
}

static void
k_factor(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	const char	*s;
	char		*end;
	double		 d;

	if ((s = config_scalar(v)) == NULL) {
		config_err(ctx, v, "expected a number for %s%s", key, where);
		return;
	}
	errno = 0;
	d = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(d) ||
	    d < 1.0 || d > 100.0) {
		config_err(ctx, v,
		    "bad number \"%s\" for %s%s: must be between 1 "
		    "and 100", s, key, where);
		return;
	}
	sp->svc->backoff.factor = d;
}

static void
k_jitter(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	config_percent(ctx, v, key, where, 0, 100, &sp->svc->backoff.jitter);
}

static void
k_window(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	if (config_duration(ctx, v, key, where,
	    &sp->svc->restart_limit.window_ms) == 0)
		sp->window_set = 1;
}

static const struct config_key backoff_keys[] = {
	{ "initial",	K_DURATION, FIELD(backoff.initial_ms), 0, 0, NULL },
	{ "max",	K_DURATION, FIELD(backoff.max_ms), 0, 0, NULL },
	{ "factor",	K_FN, 0, 0, 0, k_factor },
	{ "jitter",	K_FN, 0, 0, 0, k_jitter },
};

static const struct config_key restart_limit_keys[] = {
	{ "count",	K_UINT, FIELD(restart_limit.count), 0, 1000000, NULL },
	{ "window",	K_FN, 0, 0, 0, k_window },
};

static void
k_backoff(struct config_ctx *ctx, struct config_svc_parse *sp, yaml_node_t *v,
    const char *key, const char *where)
{
	sp->p_backoff = config_node_pos(ctx, v);
	config_apply_map(ctx, sp, v, backoff_keys, nitems(backoff_keys), key,
	    where);
}

static void
k_restart_limit(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *v, const char *key, const char *where)
{
	sp->p_restart_limit = config_node_pos(ctx, v);
	config_apply_map(ctx, sp, v, restart_limit_keys,
	    nitems(restart_limit_keys), key, where);
}

static const struct config_key svc_keys[] = {
	{ "command",	K_FN, 0, 0, 0, k_command },
	{ "shell",	K_FN, 0, 0, 0, k_shell },
	{ "user",	K_FN, 0, 0, 0, k_user },
	{ "group",	K_FN, 0, 0, 0, k_group },
	{ "directory",	K_FN, 0, 0, 0, k_directory },
	{ "umask",	K_FN, 0, 0, 0, k_umask },
	{ "environment", K_FN, 0, 0, 0, k_environment },
	{ "env_file",	K_FN, 0, 0, 0, k_env_file },
	{ "inherit_environment", K_BOOL, FIELD(inherit_environment), 0, 0,
	    NULL },
	{ "autostart",	K_BOOL, FIELD(autostart), 0, 0, NULL },
	{ "instances",	K_FN, 0, 0, 0, k_instances },
	{ "port",	K_FN, 0, 0, 0, k_port },
	{ "listen",	K_FN, 0, 0, 0, k_listen },
	{ "priority",	K_INT, FIELD(priority), -1000000, 1000000, NULL },
	{ "depends_on",	K_FN, 0, 0, 0, k_depends_on },
	{ "restart",	K_FN, 0, 0, 0, k_restart },
	{ "exit_codes",	K_FN, 0, 0, 0, k_exit_codes },
	{ "start_seconds", K_DURATION, FIELD(start_seconds_ms), 0, 0, NULL },
	{ "start_retries", K_UINT, FIELD(start_retries), 0, 1000000, NULL },
	{ "backoff",	K_FN, 0, 0, 0, k_backoff },
	{ "restart_limit", K_FN, 0, 0, 0, k_restart_limit },
	{ "stop_signal", K_SIGNAL, FIELD(stop_signal), 0, 0, NULL },
	{ "stop_timeout", K_DURATION, FIELD(stop_timeout_ms), 0, 0, NULL },
	{ "reload_signal", K_SIGNAL, FIELD(reload_signal), 0, 0, NULL },
	{ "ready",	K_FN, 0, 0, 0, config_key_ready },
	{ "health",	K_FN, 0, 0, 0, config_key_health },
	{ "limits",	K_FN, 0, 0, 0, config_key_limits },
	{ "cgroup",	K_BOOL, FIELD(cgroup), 0, 0, NULL },
	{ "log",	K_FN, 0, 0, 0, config_key_log },
	{ "watch",	K_FN, 0, 0, 0, config_key_watch },
	{ "ignore",	K_FN, 0, 0, 0, config_key_watch },
};

static void
apply_key(struct config_ctx *ctx, struct config_svc_parse *sp,
    const struct config_key *k,
    yaml_node_t *v, const char *key, const char *where)
{
	long long	n;

	switch (k->type) {
	case K_BOOL:
		config_bool(ctx, v, key, where, FIELDP(sp, k, int));
		break;
	case K_UINT:
		if (config_num(ctx, v, key, where, k->min, k->max, &n) == 0)
			*FIELDP(sp, k, unsigned int) = (unsigned int)n;
		break;
	case K_INT:
		if (config_num(ctx, v, key, where, k->min, k->max, &n) == 0)
			*FIELDP(sp, k, int) = (int)n;
		break;
	case K_DURATION:
		config_duration(ctx, v, key, where, FIELDP(sp, k, uint64_t));
		break;
	case K_SIZE:
		config_size(ctx, v, key, where, FIELDP(sp, k, uint64_t));
		break;
	case K_SIGNAL:
		config_signal(ctx, v, key, where, FIELDP(sp, k, int));
		break;
	case K_FN:
		k->fn(ctx, sp, v, key, where);
		break;
	}
}

void
config_apply_map(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *map,
    const struct config_key *keys, size_t nkeys, const char *prefix,
    const char *where)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v;
	const char		*name;
	char			 key[128];
	size_t			 i;

	if (config_mapping(ctx, map, *prefix ? prefix : "service", where) == -1)
		return;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		if (config_dupkey(ctx, map, pair, prefix, where) == -1)
			continue;
		k = yaml_document_get_node(ctx->doc, pair->key);
		v = yaml_document_get_node(ctx->doc, pair->value);
		name = config_scalar(k);
		/* 10,000 services: no formatting, one strcmp per key. */
		if (*prefix != '\0') {
			(void)strlcpy(key, prefix, sizeof(key));
			(void)strlcat(key, ".", sizeof(key));
			(void)strlcat(key, name, sizeof(key));
		}
		for (i = 0; i < nkeys; i++)
			if (keys[i].name[0] == name[0] &&
			    strcmp(keys[i].name, name) == 0)
				break;
		if (i == nkeys) {
			config_err(ctx, k, "unknown key \"%.100s\"%s",
			    *prefix != '\0' ? key : name, where);
			continue;
		}
		apply_key(ctx, sp, &keys[i], v, *prefix != '\0' ? key : name,
		    where);
	}
}

void
config_svc_apply(struct config_ctx *ctx, struct config_svc_parse *sp,
    yaml_node_t *map, const char *where)
{
	config_apply_map(ctx, sp, map, svc_keys, nitems(svc_keys), "", where);
}

struct config_svc_parse *
config_svc_parse_new(struct config_ctx *ctx, const char *name)
{
	struct config_svc_parse	*sp;

	if ((sp = calloc(1, sizeof(*sp))) == NULL ||
	    (sp->svc = calloc(1, sizeof(*sp->svc))) == NULL)
		fatal("%s", __func__);
	config_svc_init(sp->svc);
	sp->svc->name = xstrdup(name);
	return (sp);
}

void
config_svc_parse_free(struct config_svc_parse *sp)
{
	if (sp == NULL)
		return;
	config_svc_free(sp->svc);
	free(sp->env_pos);
	free(sp->dep_pos);
	free(sp);
}

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
 * Checks that need a whole service (after `defaults:` and its own keys)
 * or every service: the command, ids, env_file, ports, ${...} names,
 * dependencies.
 */

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "log.h"

#define ENV_FILE_MAX	(1024 * 1024)

static const char *
env_get(const struct config_svc *svc, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < svc->nenv; i++)
		if (strlen(svc->env[i].name) == len &&
		    memcmp(svc->env[i].name, name, len) == 0)
			return (svc->env[i].value);
	return (NULL);
}

/*
 * Checks that every ${VAR} in s will be defined when the service is
 * spawned.  `what` names the value ("command", "environment.FOO").
 */
void
config_check_vars(struct config_ctx *ctx, const struct config_svc_parse *sp,
    const char *s, const struct config_lpos *pos, const char *what)
{
	const struct config_svc	*svc = sp->svc;
	const char		*p, *name, *errstr;
	char			 var[128];
	size_t			 len;
	int			 n;

	for (p = s; (p = strchr(p, '$')) != NULL; p += n) {
		if ((n = config_var_at(p, &name, &len, &errstr)) == -1) {
			config_errp(ctx, pos, "bad ${...} in %s of service "
			    "\"%s\": %s", what, svc->name, errstr);
			return;
		}
		if (len == 0)
			continue;
		snprintf(var, sizeof(var), "%.*s", (int)len, name);
		if (strcmp(var, "NAME") == 0 || strcmp(var, "INSTANCE") == 0)
			continue;
		if (strcmp(var, "PORT") == 0) {
			if (svc->port.type == PORT_NONE)
				config_errp(ctx, pos,
				    "${PORT} in %s of service "
				    "\"%s\", which sets no port", what,
				    svc->name);
			continue;
		}
		if (env_get(svc, name, len) != NULL ||
		    (ctx->flags & CONFIG_NO_RESOLVE) || getenv(var) != NULL)
			continue;
		config_errp(ctx, pos,
		    "undefined variable ${%s} in %s of service "
		    "\"%s\"", var, what, svc->name);
	}
}

/* Strips one pair of matching quotes around a value. */
static char *
unquote(char *v)
{
	size_t	len = strlen(v);

	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		v[len - 1] = '\0';
		return (v + 1);
	}
	return (v);
}

/*
 * env_file: NAME=VALUE lines, `export ` allowed in front, blank lines
 * and `#` comments ignored, one pair of quotes around a value stripped.
 * Its variables come first; `environment:` overrides them.
 */
static void
read_env_file(struct config_ctx *ctx, struct config_svc_parse *sp)
{
	struct config_svc	*svc = sp->svc;
	struct config_env	*env = NULL, *oenv;
	struct config_lpos	*pos = NULL, p;
	const char	*file;
	FILE		*fp;
	char		*line = NULL, *s, *eq, *e, err[PATH_MAX * 2 + 128];
	int		 fd;
	size_t		 cap = 0, n = 0, i, idx, lineno = 0, total = 0;
	ssize_t		 len;

	if ((fd = config_open_checked(svc->env_file, "env_file",
	    (ctx->flags & CONFIG_CHECK_OWNER) != 0, err, sizeof(err))) == -1 ||
	    (fp = fdopen(fd, "r")) == NULL) {
		config_errp(ctx, &sp->p_env_file, "cannot read env_file \"%s\" "
		    "of service \"%s\": %s", svc->env_file, svc->name,
		    fd == -1 ? err : strerror(errno));
		if (fd != -1)
			close(fd);
		return;
	}
	file = config_intern(ctx, svc->env_file);
	config_file_index(ctx, file);
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if ((total += len) > ENV_FILE_MAX) {
			config_errp(ctx, &sp->p_env_file, "env_file \"%s\" of "
			    "service \"%s\" is too large", svc->env_file,
			    svc->name);
			break;
		}
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r' || line[len - 1] == ' ' ||
		    line[len - 1] == '\t'))
			line[--len] = '\0';
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		p.file = file;
		p.line = lineno;
		p.col = s - line + 1;
		if (strncmp(s, "export ", 7) == 0)
			s += 7 + strspn(s + 7, " \t");
		if ((eq = strchr(s, '=')) == NULL) {
			config_errp(ctx, &p, "expected NAME=VALUE");
			continue;
		}
		for (e = eq; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if (!config_valid_envname(s, e - s)) {
			config_errp(ctx, &p, "bad variable name \"%.*s\"",
			    (int)(e - s), s);
			continue;
		}
		*e = '\0';
		config_env_set(&env, &n, s, unquote(eq + 1 +
		    strspn(eq + 1, " \t")), &idx);
		if ((pos = reallocarray(pos, n, sizeof(*pos))) == NULL)
			fatal("%s", __func__);
		p.col = eq + 2 - line;
		pos[idx] = p;
	}
	if (ferror(fp))
		config_errp(ctx, &sp->p_env_file, "cannot read env_file \"%s\" "
		    "of service \"%s\": %s", svc->env_file, svc->name,
		    strerror(errno));
	free(line);
	fclose(fp);

	/* environment: overrides the file. */
	oenv = svc->env;
	for (i = 0; i < svc->nenv; i++) {
		config_env_set(&env, &n, oenv[i].name, oenv[i].value, &idx);
		if ((pos = reallocarray(pos, n, sizeof(*pos))) == NULL)
			fatal("%s", __func__);
		pos[idx] = sp->env_pos[i];
		free(oenv[i].name);
		freezero(oenv[i].value, strlen(oenv[i].value));
	}
	free(oenv);
	free(sp->env_pos);
	svc->env = env;
	svc->nenv = n;
	sp->env_pos = pos;
}

static void
split_command(struct config_ctx *ctx, struct config_svc_parse *sp)
{
	struct config_svc	*svc = sp->svc;
	const char	*errstr;
	char		**argv;
	size_t		  argc;

	if (svc->command_str == NULL) {
		if (sp->p_command.file == NULL)	/* else already reported */
			config_errp(ctx, &sp->p_name, "service \"%s\" has no "
			    "command", svc->name);
		return;
	}
	if (svc->shell) {
		if (svc->command_is_list) {
			config_errp(ctx, &sp->p_command, "command of service "
			    "\"%s\" must be a string with shell: true",
			    svc->name);
			return;
		}
		if ((argv = calloc(4, sizeof(*argv))) == NULL ||
		    (argv[0] = strdup("/bin/sh")) == NULL ||
		    (argv[1] = strdup("-c")) == NULL ||
		    (argv[2] = strdup(svc->command_str)) == NULL)
			fatal("%s", __func__);
		config_free_argv(svc->argv);
		svc->argv = argv;
		svc->argc = 3;
		return;
	}
	if (svc->command_is_list)
		return;
	if (config_split_command(svc->command_str, &argv, &argc,
	    &errstr) == -1) {
		config_errp(ctx, &sp->p_command,
		    "bad command of service \"%s\": "
		    "%s", svc->name, errstr);
		return;
	}
	config_free_argv(svc->argv);
	svc->argv = argv;
	svc->argc = argc;
}

static void
check_ports(struct config_ctx *ctx, struct config_svc_parse *sp)
{
	struct config_svc	*svc = sp->svc;
	unsigned int	 n;

	if (svc->port.type == PORT_NONE)
		return;
	n = svc->port.hi - svc->port.lo + 1;
	if (svc->port.type == PORT_FIXED && svc->port.lo == svc->port.hi) {
		if (svc->port.lo + svc->instances - 1 > 65535)
			config_errp(ctx, &sp->p_port,
			    "port %u with %u instances "
			    "of service \"%s\" goes past 65535", svc->port.lo,
			    svc->instances, svc->name);
		return;
	}
	if (n < svc->instances)
		config_errp(ctx, &sp->p_port, "port range %u-%u has %u port%s "
		    "for %u instances of service \"%s\"", svc->port.lo,
		    svc->port.hi, n, n == 1 ? "" : "s", svc->instances,
		    svc->name);
}

/* Everything that needs the whole service. */
void
config_svc_finish(struct config_ctx *ctx, struct config_svc_parse *sp)
{
	struct config_svc	*svc = sp->svc;
	char		 what[128];
	size_t		 i;

	split_command(ctx, sp);

	if (svc->user != NULL && sp->user_ok) {
		svc->uid = sp->user_uid;
		svc->gid = sp->user_gid;
		svc->use_initgroups = 1;
	}
	if (svc->group != NULL && sp->group_ok)
		svc->gid = sp->group_gid;

	if (svc->env_file != NULL && !(ctx->flags & CONFIG_NO_RESOLVE))
		read_env_file(ctx, sp);

	check_ports(ctx, sp);

	if (svc->ready == READY_HEALTHY && svc->health.type == HEALTH_NONE)
		config_errp(ctx, &sp->p_ready, "ready: healthy needs a health "
		    "check in service \"%s\"", svc->name);
	if (sp->health_seen && svc->health.type == HEALTH_NONE)
		config_errp(ctx, &sp->p_health,
		    "health of service \"%s\" needs "
		    "one of http, tcp, grpc or exec", svc->name);
	if (svc->health.service != NULL && svc->health.type != HEALTH_GRPC)
		config_errp(ctx, &sp->p_health_service, "health.service of "
		    "service \"%s\" needs a grpc check", svc->name);
	if (svc->backoff.initial_ms > svc->backoff.max_ms)
		config_errp(ctx, &sp->p_backoff, "backoff.initial is greater "
		    "than backoff.max in service \"%s\"", svc->name);
	if (svc->restart_limit.count > 0 && !sp->window_set)
		svc->restart_limit.window_ms = 60 * 1000;
	if (svc->restart_limit.count > 0 && svc->restart_limit.window_ms == 0)
		config_errp(ctx, &sp->p_restart_limit, "restart_limit.window "
		    "of service \"%s\" must not be 0", svc->name);

	/* ${...} */
	if (svc->shell && svc->command_str != NULL)
		config_check_vars(ctx, sp, svc->command_str, &sp->p_command,
		    "command");
	else
		for (i = 0; i < svc->argc; i++)
			config_check_vars(ctx, sp, svc->argv[i], &sp->p_command,
			    "command");
	for (i = 0; i < svc->nenv; i++) {
		snprintf(what, sizeof(what), "environment.%s",
		    svc->env[i].name);
		config_check_vars(ctx, sp, svc->env[i].value, &sp->env_pos[i],
		    what);
	}
	if (svc->directory != NULL)
		config_check_vars(ctx, sp, svc->directory, &sp->p_directory,
		    "directory");
	if (svc->health.target != NULL)
		config_check_vars(ctx, sp, svc->health.target,
		    &sp->p_health_target, svc->health.type == HEALTH_HTTP ?
		    "health.http" : svc->health.type == HEALTH_GRPC ?
		    "health.grpc" : "health.tcp");
	if (svc->health.service != NULL)
		config_check_vars(ctx, sp, svc->health.service,
		    &sp->p_health_service, "health.service");
	for (i = 0; i < svc->health.exec_argc; i++)
		config_check_vars(ctx, sp, svc->health.exec_argv[i],
		    &sp->p_health_target, "health.exec");
	if (svc->ready_target != NULL)
		config_check_vars(ctx, sp, svc->ready_target, &sp->p_ready,
		    "ready");
}

/*
 * Dependencies: every name must exist, and there must be no cycle.
 */

static size_t
sp_index(struct config_ctx *ctx, const char *name)
{
	struct config_svc_parse	*sp;

	if ((sp = config_sp_find(ctx, name)) == NULL)
		return (SIZE_MAX);
	return (sp->idx);
}

enum { WHITE = 0, GREY, BLACK };

struct dfs {
	int		*color;
	size_t		*stack;		/* service indices on the path */
	size_t		*edge;		/* the dependency taken from each */
	size_t		 depth;
};

static void
report_cycle(struct config_ctx *ctx, struct dfs *d, size_t from)
{
	struct config_svc_parse	*sp;
	char			*s = NULL, *t;
	size_t			 i;

	for (i = from; i < d->depth; i++) {
		if (asprintf(&t, "%s%s -> ", s ? s : "",
		    ctx->sp[d->stack[i]]->svc->name) == -1)
			fatal("%s", __func__);
		free(s);
		s = t;
	}
	sp = ctx->sp[d->stack[from]];
	config_errp(ctx, &sp->dep_pos[d->edge[from]], "dependency cycle: %s%s",
	    s, sp->svc->name);
	free(s);
}

static void
dfs_visit(struct config_ctx *ctx, struct dfs *d, size_t u)
{
	struct config_svc	*svc = ctx->sp[u]->svc;
	size_t		 i, v, j;

	d->color[u] = GREY;
	d->stack[d->depth++] = u;
	for (i = 0; i < svc->ndepends_on; i++) {
		if ((v = sp_index(ctx, svc->depends_on[i])) == SIZE_MAX)
			continue;
		d->edge[d->depth - 1] = i;
		if (d->color[v] == GREY) {
			for (j = 0; j < d->depth; j++)
				if (d->stack[j] == v)
					break;
			report_cycle(ctx, d, j);
		} else if (d->color[v] == WHITE)
			dfs_visit(ctx, d, v);
	}
	d->depth--;
	d->color[u] = BLACK;
}

void
config_svc_check_deps(struct config_ctx *ctx)
{
	struct config_svc_parse	*sp;
	struct dfs		 d;
	size_t			 i, j;

	for (i = 0; i < ctx->nsp; i++) {
		sp = ctx->sp[i];
		for (j = 0; j < sp->svc->ndepends_on; j++)
			if (sp_index(ctx, sp->svc->depends_on[j]) == SIZE_MAX)
				config_errp(ctx, &sp->dep_pos[j],
				    "service \"%s\" "
				    "depends on unknown service \"%s\"",
				    sp->svc->name, sp->svc->depends_on[j]);
	}
	if (ctx->nsp == 0)
		return;
	memset(&d, 0, sizeof(d));
	if ((d.color = calloc(ctx->nsp, sizeof(*d.color))) == NULL ||
	    (d.stack = calloc(ctx->nsp, sizeof(*d.stack))) == NULL ||
	    (d.edge = calloc(ctx->nsp, sizeof(*d.edge))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < ctx->nsp; i++)
		if (d.color[i] == WHITE)
			dfs_visit(ctx, &d, i);
	free(d.color);
	free(d.stack);
	free(d.edge);
}

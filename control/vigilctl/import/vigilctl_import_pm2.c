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
 * PM2 ecosystem file (JSON or YAML, `{ apps: [...] }` or a bare list) ->
 * vigild.conf.  libyaml reads both: JSON is YAML's flow style.  Each app
 * becomes a service, started the way PM2 starts it (interpreter chosen by
 * the script's extension, else node for a text file and nothing for a
 * binary); PM2's defaults that differ from vigil's go into `defaults:`.
 *
 * Restart policy: PM2 counts a restart as unstable when the app ran less
 * than min_uptime, and gives up (errored) after max_restarts of those in
 * a row.  That is vigil's STARTING phase: min_uptime is start_seconds and
 * max_restarts is start_retries.  An app that stays up longer is
 * restarted for ever by both.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "compat.h"
#include "config.h"
#include "vigilctl_import.h"
#include "vigilctl_import_pm2.h"

static const struct {
	const char	*key;
	const char	*why;
} reasons[] = {
	{ "watch", "expected true, a path or a list of paths" },
	{ "ignore_watch", "expected a glob or a list of globs" },
	{ "watch_options", "chokidar's options: vigil watches with "
	    "inotify, never polls, follows no link below a watched "
	    "directory" },
	{ "watch_delay", "vigil acts 500ms after the first change of a "
	    "burst" },
	{ "cron_restart", "timed restarts are cron(8)'s or a systemd "
	    "timer's job, not vigil's: a crontab line `CRON vigilctl restart "
	    "NAME`" },
	{ "cron", "timed restarts are cron(8)'s or a systemd timer's job, "
	    "not vigil's: a crontab line `CRON vigilctl restart NAME`" },
	{ "wait_ready", "PM2's process.send('ready') has no equivalent: "
	    "NAME is ready after start_seconds; if it sends sd_notify "
	    "READY=1 use `ready: notify`, if it listens `ready: "
	    "tcp://HOST:PORT`" },
	{ "listen_timeout", "PM2's process.send('ready') has no "
	    "equivalent: NAME is ready after start_seconds" },
	{ "shutdown_with_message", "vigil stops services with a signal "
	    "(stop_signal)" },
	{ "pid_file", "vigil keeps the pids (`vigilctl pid NAME`)" },
	{ "pid", "vigil keeps the pids (`vigilctl pid NAME`)" },
	{ "namespace", "vigil has no namespaces" },
	{ "log_type", "vigil writes lines as the program writes them" },
	{ "log_date_format", "vigil's timestamps are RFC 3339" },
	{ "vizion", "vigil keeps no versioning metadata" },
	{ "post_update", "vigil does not deploy" },
	{ "source_map_support", "a node.js option PM2 injects" },
	{ "disable_source_map_support", "a node.js option PM2 injects" },
	{ "filter_env", "vigil passes its environment when "
	    "inherit_environment is true, all or nothing" },
	{ "force", "vigil runs one copy of a service (see instances)" },
	{ "treekill", "vigil always stops the whole process tree" },
	{ "pmx", "PM2.io monitoring" },
	{ "automation", "PM2.io monitoring" },
	{ "trace", "PM2.io monitoring" },
	{ "disable_trace", "PM2.io monitoring" },
	{ "deep_monitoring", "PM2.io monitoring" },
	{ "event_loop_inspector", "PM2.io monitoring" },
	{ "v8", "PM2.io monitoring" },
	{ "io", "PM2.io monitoring" },
	{ "deploy", "vigil does not deploy" },
};

static int		 pm2_app(struct pm2 *, yaml_node_t *, size_t);

/* A reason with NAME (the service) and CRON (the value) filled in. */
static char *
pm2_reason(const char *why, const char *name, const char *val)
{
	char		*out = NULL, *t;
	const char	*p;

	for (p = why; *p != '\0';) {
		if (strncmp(p, "NAME", 4) == 0) {
			t = imp_printf("%s%s", out != NULL ? out : "", name);
			p += 4;
		} else if (strncmp(p, "CRON", 4) == 0) {
			t = imp_printf("%s%s", out != NULL ? out : "",
			    val != NULL ? val : "* * * * *");
			p += 4;
		} else {
			t = imp_printf("%s%c", out != NULL ? out : "", *p);
			p++;
		}
		free(out);
		out = t;
	}
	return (out);
}

/* One app -> one service. */
static int
pm2_app(struct pm2 *p, yaml_node_t *node, size_t idx)
{
	static const char *const k_script[] = { "script", "exec", NULL };
	static const char *const k_name[] = { "name", NULL };
	static const char *const k_cwd[] = { "cwd", NULL };
	static const char *const k_user[] = { "uid", "user", NULL };
	static const char *const k_group[] = { "gid", NULL };
	static const char *const k_mode[] = { "exec_mode", NULL };
	static const char *const k_ivar[] = { "instance_var", NULL };
	static const char *const k_incvar[] = { "increment_var", NULL };
	static const char *const k_sig[] = { "kill_signal", NULL };
	struct imp_ctx	*ctx = p->ctx;
	struct app	 a;
	struct imp_node	*env, *lim;
	yaml_node_pair_t *pr;
	yaml_node_t	*n, *k;
	const char	*script, *name, *s, *mode, *ivar, *e, *base;
	char		*dir, *d, *nm, *envkey, *f, *w;
	uint64_t	 ms, bytes;
	long long	 inst = 1, v;
	size_t		 i, j;
	int		 nerr = ctx->nerr, cluster = 0, b, sig, append;

	if (node->type != YAML_MAPPING_NODE) {
		imp_err(ctx, p->file, pm2_line(node), pm2_col(node),
		    "apps[%zu]: expected a mapping", idx);
		return (-1);
	}
	memset(&a, 0, sizeof(a));
	a.p = p;
	a.node = node;
	a.npairs = node->data.mapping.pairs.top -
	    node->data.mapping.pairs.start;
	if ((a.used = calloc(a.npairs + 1, sizeof(*a.used))) == NULL)
		err(1, NULL);

	if ((script = app_str(&a, k_script, "script", &n)) == NULL) {
		if (n == NULL)
			imp_err(ctx, p->file, pm2_line(node), pm2_col(node),
			    "apps[%zu] has no script", idx);
		free(a.used);
		return (-1);
	}
	if ((name = app_str(&a, k_name, "name", &n)) != NULL)
		nm = imp_strdup(name);
	else {
		base = strrchr(script, '/') != NULL ?
		    strrchr(script, '/') + 1 : script;
		nm = imp_strdup(base);
		if (strrchr(nm, '.') != NULL && strrchr(nm, '.') != nm)
			*strrchr(nm, '.') = '\0';
	}
	append = 0;
	if ((n = app_get(&a, "append_env_to_name")) != NULL &&
	    app_bool(&a, n, "append_env_to_name", &b) == 0 && b) {
		append = 1;
		if (ctx->envname != NULL) {
			d = imp_printf("%s-%s", nm, ctx->envname);
			free(nm);
			nm = d;
		}
	}
	a.svc = imp_service(ctx, nm, p->file, pm2_line(node));
	free(nm);
	if (append && ctx->envname == NULL)
		imp_note(a.svc, "note: append_env_to_name = true: the name "
		    "changes with --env only");

	/* cwd: relative to the ecosystem file, which is also the default. */
	if ((s = app_str(&a, k_cwd, "cwd", &n)) != NULL)
		dir = imp_join(p->dir, s);
	else {
		dir = imp_strdup(p->dir);
		imp_note(a.svc, "note: no cwd: PM2 uses the directory pm2 "
		    "is started in; this is the ecosystem file's");
	}

	/* The order the keys are printed in. */
	(void)imp_list(a.svc, "command");
	imp_str(a.svc, "user", NULL);
	imp_str(a.svc, "group", NULL);
	imp_str(a.svc, "directory", NULL);
	env = imp_map(a.svc, "environment");
	if (app_command(&a, script, dir, env) == -1)
		goto done;
	if ((s = app_str(&a, k_user, "uid", &n)) != NULL)
		imp_str(a.svc, "user", s);
	if ((s = app_str(&a, k_group, "gid", &n)) != NULL)
		imp_str(a.svc, "group", s);
	d = imp_dollar(dir);
	imp_str(a.svc, "directory", d);
	free(d);

	/* environment: env, then env_NAME over it; PM2's own variables. */
	app_env(&a, app_get(&a, "env"), "env", env);
	if (ctx->envname != NULL) {
		envkey = imp_printf("env_%s", ctx->envname);
		if ((n = app_get(&a, envkey)) != NULL)
			app_env(&a, n, envkey, env);
		else
			imp_note(a.svc, "note: no %s: only env applies",
			    envkey);
		free(envkey);
	}
	for (i = 0; i < a.npairs; i++) {
		pr = node->data.mapping.pairs.start + i;
		k = yaml_document_get_node(&p->doc, pr->key);
		if (a.used[i] || pm2_scalar(k) == NULL ||
		    strncmp(pm2_scalar(k), "env_", 4) != 0)
			continue;
		a.used[i] = 1;
		imp_note(a.svc, "note: %s not used (`vigilctl import --env "
		    "%s`)", pm2_scalar(k), pm2_scalar(k) + 4);
	}
	if ((n = app_get(&a, "port")) != NULL && pm2_scalar(n) != NULL &&
	    !pm2_is_null(n))
		imp_str(env, "PORT", pm2_scalar(n));

	if ((n = app_get(&a, "autostart")) != NULL &&
	    app_bool(&a, n, "autostart", &b) == 0)
		imp_raw(a.svc, "autostart", "%s", b ? "true" : "false");

	/* instances: a number, 0 or "max" (every CPU), -1 (all but one). */
	mode = app_str(&a, k_mode, "exec_mode", &n);
	if (mode != NULL && strncmp(mode, "cluster", 7) == 0)
		cluster = 1;
	if ((n = app_get(&a, "instances")) != NULL && !pm2_is_null(n)) {
		s = pm2_scalar(n);
		if (s != NULL && strcmp(s, "max") == 0)
			v = 0;
		else if (s == NULL || (v = strtonum(s, -1000,
		    CONFIG_INSTANCES_MAX, &e), e != NULL)) {
			imp_err(ctx, p->file, pm2_line(n), pm2_col(n),
			    "instances: expected a number or \"max\"");
			v = 1;
		}
		inst = v;
		if (v <= 0) {
			inst = imp_ncpu() + v;
			if (inst < 1)
				inst = 1;
			imp_note(a.svc, "note: instances = %s: %lld, the "
			    "number of CPUs here%s", s, inst, v < 0 ?
			    " less one" : "");
		}
		if (inst > 1)
			imp_raw(a.svc, "instances", "%lld", inst);
	}
	if (cluster)
		imp_note(a.svc, "note: exec_mode = cluster: vigil starts "
		    "separate processes (fork mode); to share a port they "
		    "need SO_REUSEPORT or a socket passed with listen:");
	ivar = app_str(&a, k_ivar, "instance_var", &n);
	if (inst > 1 || cluster || ivar != NULL)
		imp_str(env, ivar != NULL ? ivar : "NODE_APP_INSTANCE",
		    "${INSTANCE}");
	if ((s = app_str(&a, k_incvar, "increment_var", &n)) != NULL) {
		base = imp_get(env, s);
		if (base != NULL && (v = strtonum(base, 1, 65535, &e),
		    e == NULL) && v + inst - 1 <= 65535) {
			if (inst > 1)
				imp_raw(a.svc, "port", "%lld-%lld", v,
				    v + inst - 1);
			else
				imp_raw(a.svc, "port", "%lld", v);
			imp_str(env, s, "${PORT}");
		} else
			imp_note(a.svc, "unsupported: increment_var = %s "
			    "(vigil counts ports only: set %s to a port "
			    "number in env)", s, s);
	}

	app_restart(&a);
	if ((s = app_str(&a, k_sig, "kill_signal", &n)) != NULL) {
		if (config_parse_signal(s, &sig, &e) == -1 ||
		    config_signame(sig) == NULL)
			imp_err(ctx, p->file, pm2_line(n), pm2_col(n),
			    "kill_signal: unknown signal \"%s\"", s);
		else
			imp_raw(a.svc, "stop_signal", "%s",
			    config_signame(sig));
	}
	if ((n = app_get(&a, "kill_timeout")) != NULL && !pm2_is_null(n) &&
	    app_ms(&a, n, "kill_timeout", &ms, 0) == 0)
		imp_raw(a.svc, "stop_timeout", "%s", imp_dur(ms));
	if ((n = app_get(&a, "max_memory_restart")) != NULL &&
	    !pm2_is_null(n)) {
		s = pm2_scalar(n);
		if (s == NULL || config_parse_size(s, &bytes, &e) == -1 ||
		    bytes == 0)
			imp_err(ctx, p->file, pm2_line(n), pm2_col(n),
			    "max_memory_restart: expected a size such as "
			    "300M");
		else {
			lim = imp_map(a.svc, "limits");
			imp_raw(lim, "memory", "%s", imp_size(bytes));
		}
	}
	app_log(&a);
	app_watch(&a, dir);
	if (imp_count(env) == 0)
		imp_del(a.svc, "environment");

	/* Everything else, as comments. */
	for (i = 0; i < a.npairs; i++) {
		if (a.used[i])
			continue;
		pr = node->data.mapping.pairs.start + i;
		k = yaml_document_get_node(&p->doc, pr->key);
		d = pm2_scalar(k) != NULL ? imp_strdup(pm2_scalar(k)) : pm2_flow(p, k, 0);
		f = pm2_flow(p, yaml_document_get_node(&p->doc, pr->value), 0);
		e = NULL;
		for (j = 0; pm2_scalar(k) != NULL && j < nitems(reasons); j++)
			if (strcmp(pm2_scalar(k), reasons[j].key) == 0)
				e = reasons[j].why;
		w = e != NULL ? pm2_reason(e, imp_name(a.svc),
		    pm2_scalar(yaml_document_get_node(&p->doc, pr->value))) :
		    NULL;
		imp_note(a.svc, "unsupported: %s = %s%s%s%s", d, f,
		    w != NULL ? " (" : "", w != NULL ? w : "",
		    w != NULL ? ")" : "");
		free(w);
		free(d);
		free(f);
	}
 done:
	free(dir);
	free(a.used);
	return (ctx->nerr > nerr ? -1 : 0);
}

int
imp_pm2(struct imp_ctx *ctx)
{
	struct pm2		 p;
	yaml_node_t		*root, *apps = NULL, *n, *k;
	yaml_node_pair_t	*pr;
	struct imp_node		*notes;
	yaml_node_item_t	*it;
	char			*d, *f;
	const char		*why;
	size_t			 napps = 0;
	int			 rv = -1, loaded = 0;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	if (pm2_load(&p) == -1)
		goto out;
	loaded = 1;

	if ((root = yaml_document_get_root_node(&p.doc)) == NULL) {
		imp_err(ctx, ctx->path, 0, 0, "empty file");
		goto out;
	}

	/* The top level, in the order it is printed. */
	ctx->defaults = imp_map(ctx->root, "defaults");
	notes = imp_map(ctx->root, "notes");
	ctx->services = imp_map(ctx->root, "services");
	imp_note(ctx->defaults, "PM2's behaviour, where vigil's defaults "
	    "differ: apps inherit PM2's environment,\nare restarted "
	    "whatever their exit status, after max_restarts (16) exits\n"
	    "within min_uptime (1s) they are errored, they are stopped "
	    "with SIGINT and\nkilled 1.6s later, stderr has its own file.  "
	    "PM2 restarts a crashed app at\nonce unless restart_delay is "
	    "set; vigil waits (backoff: 1s, doubling up to 60s).");
	imp_raw(ctx->defaults, "inherit_environment", "true");
	imp_raw(ctx->defaults, "restart", "always");
	imp_raw(ctx->defaults, "start_retries", "%d", PM2_MAX_RESTARTS);
	imp_raw(ctx->defaults, "stop_signal", "INT");
	imp_raw(ctx->defaults, "stop_timeout", "%s",
	    imp_dur(PM2_KILL_TIMEOUT_MS));
	imp_raw(imp_map(ctx->defaults, "log"), "stderr", "file");

	if (root->type == YAML_SEQUENCE_NODE)
		apps = root;
	else if (root->type == YAML_MAPPING_NODE) {
		for (pr = root->data.mapping.pairs.start;
		    pr < root->data.mapping.pairs.top; pr++) {
			k = yaml_document_get_node(&p.doc, pr->key);
			n = yaml_document_get_node(&p.doc, pr->value);
			if (pm2_scalar(k) != NULL && strcmp(pm2_scalar(k), "apps") == 0)
				apps = n;
			else if (pm2_scalar(k) != NULL &&
			    strcmp(pm2_scalar(k), "script") == 0)
				apps = root;
		}
		if (apps != root)
			for (pr = root->data.mapping.pairs.start;
			    pr < root->data.mapping.pairs.top; pr++) {
				k = yaml_document_get_node(&p.doc, pr->key);
				n = yaml_document_get_node(&p.doc, pr->value);
				if (n == apps)
					continue;
				d = pm2_scalar(k) != NULL ?
				    imp_strdup(pm2_scalar(k)) : pm2_flow(&p, k, 0);
				f = pm2_flow(&p, n, 0);
				why = pm2_scalar(k) != NULL &&
				    strcmp(pm2_scalar(k), "deploy") == 0 ?
				    " (vigil does not deploy)" : "";
				imp_note(notes, "unsupported: %s = %s%s", d,
				    f, why);
				free(d);
				free(f);
			}
	}
	if (apps == NULL) {
		imp_err(ctx, ctx->path, pm2_line(root), pm2_col(root),
		    "expected a PM2 ecosystem: { \"apps\": [ ... ] } or a "
		    "list of apps");
		goto out;
	}
	if (apps->type == YAML_MAPPING_NODE) {
		rv = pm2_app(&p, apps, 0);
		napps = 1;
	} else if (apps->type == YAML_SEQUENCE_NODE) {
		rv = 0;
		for (it = apps->data.sequence.items.start;
		    it < apps->data.sequence.items.top; it++, napps++)
			if (pm2_app(&p, yaml_document_get_node(&p.doc, *it),
			    napps) == -1)
				rv = -1;
	} else {
		imp_err(ctx, ctx->path, pm2_line(apps), pm2_col(apps),
		    "apps: expected a list of apps");
		goto out;
	}
	if (rv == 0 && napps == 0) {
		imp_err(ctx, ctx->path, pm2_line(apps), pm2_col(apps),
		    "no apps");
		rv = -1;
	}
 out:
	if (loaded)
		yaml_document_delete(&p.doc);
	free(p.dir);
	return (rv);
}

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
	const char	*ext;
	const char	*interp;
} interpreters[] = {
	{ ".sh", "bash" }, { ".py", "python" }, { ".rb", "ruby" },
	{ ".php", "php" }, { ".pl", "perl" }, { ".js", "node" },
	{ ".cjs", "node" }, { ".mjs", "node" }, { ".coffee", "coffee" },
	{ ".ls", "lsc" }, { ".ts", "bun" }, { ".tsx", "bun" },
};

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

static char		*find_path(const char *);
static int		 is_binary(const char *);
static int		 app_command(struct app *, const char *, const char *,
			    struct imp_node *);
static void		 app_log(struct app *);
static void		 app_restart(struct app *);
static int		 pm2_app(struct pm2 *, yaml_node_t *, size_t);

/* name looked up in PATH, as PM2 does for a script it cannot find. */
static char *
find_path(const char *name)
{
	const char	*path;
	char		*dirs, *d, *last, *cand;

	if ((path = getenv("PATH")) == NULL)
		path = "/usr/bin:/bin";
	dirs = imp_strdup(path);
	for (d = strtok_r(dirs, ":", &last); d != NULL;
	    d = strtok_r(NULL, ":", &last)) {
		cand = imp_printf("%s/%s", d, name);
		if (access(cand, X_OK) == 0) {
			free(dirs);
			return (cand);
		}
		free(cand);
	}
	free(dirs);
	return (NULL);
}

/* PM2's isBinary(): a NUL, or more than 10% control bytes in 512. */
static int
is_binary(const char *path)
{
	unsigned char	 buf[512];
	ssize_t		 n, i, odd = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1)
		return (0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return (0);
	if (n >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		return (0);
	for (i = 0; i < n; i++) {
		if (buf[i] == 0)
			return (1);
		if (buf[i] < 7 || (buf[i] > 14 && buf[i] < 32))
			odd++;
	}
	return (odd * 10 > n);
}

/*
 * command: [interpreter, interpreter_args..., script, args...], or
 * [script, args...] with `interpreter: none` or a binary.
 */
static int
app_command(struct app *a, const char *script, const char *dir,
    struct imp_node *env)
{
	static const char *const k_interp[] = { "interpreter",
	    "exec_interpreter", NULL };
	static const char *const k_iargs[] = { "interpreter_args",
	    "node_args", "interpreterArgs", NULL };
	static const char *const k_args[] = { "args", NULL };
	struct imp_node	*cmd;
	yaml_node_t	*n;
	const char	*interp, *ext, *base;
	char		*path, *found = NULL, *d = NULL;
	size_t		 i;
	int		 exists;

	interp = app_str(a, k_interp, "interpreter", &n);
	path = imp_join(dir, script);
	exists = access(path, F_OK) == 0;
	if (!exists && strchr(script, '/') == NULL &&
	    (found = find_path(script)) != NULL) {
		free(path);
		path = imp_strdup(script);	/* vigild searches PATH too */
	} else if (!exists)
		imp_note(a->svc, "note: script %s was not found here (%s)",
		    script, path);

	base = strrchr(script, '/') != NULL ? strrchr(script, '/') + 1 :
	    script;
	ext = strrchr(base, '.');
	if (interp == NULL && ext != NULL)
		for (i = 0; i < nitems(interpreters); i++)
			if (strcmp(ext, interpreters[i].ext) == 0)
				interp = interpreters[i].interp;
	if (interp != NULL && strcmp(interp, "python") == 0 &&
	    (d = find_path("python")) == NULL &&
	    (d = find_path("python3")) != NULL) {
		imp_note(a->svc, "note: interpreter python3, as PM2 picks "
		    "it when there is no python");
		interp = "python3";
	}
	free(d);
	d = NULL;
	if (interp == NULL) {
		if (found != NULL ? is_binary(found) :
		    (exists ? is_binary(path) : 1))
			interp = "none";
		else {
			imp_note(a->svc, "note: PM2 runs a text script "
			    "without a known extension with node");
			interp = "node";
		}
	}

	cmd = imp_list(a->svc, "command");
	if (strcmp(interp, "none") != 0) {
		d = imp_dollar(interp);
		imp_item(cmd, d, 0);
		free(d);
		if (app_words(a, app_get2(a, k_iargs), "interpreter_args",
		    cmd) == -1)
			goto fail;
		if (strstr(interp, "python") != NULL)
			imp_str(env, "PYTHONUNBUFFERED", "1");
	} else
		if ((n = app_get2(a, k_iargs)) != NULL && !pm2_is_null(n))
			imp_note(a->svc, "note: interpreter_args ignored: "
			    "there is no interpreter (as in PM2)");
	d = imp_dollar(path);
	imp_item(cmd, d, 0);
	free(d);
	if (app_words(a, app_get2(a, k_args), "args", cmd) == -1)
		goto fail;
	free(path);
	free(found);
	return (0);
 fail:
	free(path);
	free(found);
	return (-1);
}

/* out_file, error_file, log_file, merge_logs, time, disable_logs -> log: */
static void
app_log(struct app *a)
{
	static const char *const k_out[] = { "out_file", "out", "output",
	    "out_log", NULL };
	static const char *const k_err[] = { "error_file", "error", "err",
	    "err_file", "err_log", NULL };
	static const char *const k_log[] = { "log_file", "log", NULL };
	static const char *const k_merge[] = { "merge_logs", "combine_logs",
	    NULL };
	static const char *const k_time[] = { "time", NULL };
	static const char *const k_dis[] = { "disable_logs", NULL };
	struct imp_node	*log;
	yaml_node_t	*n;
	const char	*out, *errf, *lf;
	int		 b;

	log = imp_map(a->svc, "log");
	out = app_str(a, k_out, "out_file", &n);
	errf = app_str(a, k_err, "error_file", &n);
	if (out != NULL && strcmp(out, "/dev/null") == 0)
		imp_raw(log, "stdout", "none");
	else if (out != NULL)
		imp_note(a->svc, "note: out_file = %s: vigil writes stdout to "
		    "its own file in log_dir (`vigilctl tail %s`)", out,
		    imp_name(a->svc));
	if (errf != NULL && strcmp(errf, "/dev/null") == 0)
		imp_raw(log, "stderr", "none");
	else if (errf != NULL && out != NULL && strcmp(errf, out) == 0)
		imp_raw(log, "stderr", "merge");
	else if (errf != NULL)
		imp_note(a->svc, "note: error_file = %s: vigil writes stderr "
		    "to its own file in log_dir (`vigilctl tail %s "
		    "stderr`)", errf, imp_name(a->svc));
	if ((lf = app_str(a, k_log, "log_file", &n)) == NULL && n != NULL &&
	    pm2_scalar(n) != NULL && app_bool(a, n, "log_file", &b) == 0 && b)
		lf = "true";
	if (lf != NULL && strcmp(lf, "false") != 0)
		imp_note(a->svc, "unsupported: log_file = %s (vigil keeps "
		    "no combined copy; `vigilctl logs NAME` interleaves the "
		    "streams)", lf);
	if ((n = app_get2(a, k_merge)) != NULL && app_bool(a, n,
	    "merge_logs", &b) == 0 && b)
		imp_note(a->svc, "note: merge_logs = true: vigil keeps one "
		    "log per service for all its instances");
	if ((n = app_get2(a, k_time)) != NULL && app_bool(a, n, "time",
	    &b) == 0)
		imp_raw(log, "timestamps", "%s", b ? "true" : "false");
	if ((n = app_get2(a, k_dis)) != NULL && app_bool(a, n,
	    "disable_logs", &b) == 0 && b) {
		imp_raw(log, "stdout", "none");
		imp_raw(log, "stderr", "none");
	}
	if (imp_count(log) == 0)
		imp_del(a->svc, "log");
}

/*
 * watch: true (the directory), a path or a list (relative to it) ->
 * watch: [ absolute paths ]; ignore_watch -> ignore: [ globs ].  A regular
 * expression of PM2's is taken as a glob: mostly the same for names.
 */
static void
app_watch(struct app *a, const char *dir)
{
	struct imp_node		*l;
	yaml_node_t		*n, *e;
	yaml_node_item_t	*it;
	char			*path;
	int			 b;

	if ((n = app_get(a, "watch")) == NULL || pm2_is_null(n))
		return;
	if (pm2_scalar(n) != NULL && (strcmp(pm2_scalar(n), "false") == 0 ||
	    strcmp(pm2_scalar(n), "true") == 0)) {
		if (app_bool(a, n, "watch", &b) == -1 || !b)
			return;
		imp_item(imp_list(a->svc, "watch"), dir, 0);
	} else if (pm2_scalar(n) != NULL) {
		path = imp_join(dir, pm2_scalar(n));
		imp_item(imp_list(a->svc, "watch"), path, 0);
		free(path);
	} else if (n->type == YAML_SEQUENCE_NODE) {
		l = imp_list(a->svc, "watch");
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			e = yaml_document_get_node(&a->p->doc, *it);
			if (pm2_scalar(e) == NULL)
				continue;
			path = imp_join(dir, pm2_scalar(e));
			imp_item(l, path, 0);
			free(path);
		}
	}
	if ((n = app_get(a, "ignore_watch")) == NULL || pm2_is_null(n))
		return;
	l = imp_list(a->svc, "ignore");
	if (pm2_scalar(n) != NULL)
		imp_item(l, pm2_scalar(n), 0);
	else if (n->type == YAML_SEQUENCE_NODE)
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			e = yaml_document_get_node(&a->p->doc, *it);
			if (pm2_scalar(e) != NULL)
				imp_item(l, pm2_scalar(e), 0);
		}
	imp_note(a->svc, "note: ignore_watch: PM2's patterns (regular "
	    "expressions or globs) became globs of names or paths under "
	    "the watched directories");
}

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

/* autorestart, stop_exit_codes, max_restarts, min_uptime, delays. */
static void
app_restart(struct app *a)
{
	static const char *const k_stopcodes[] = { "stop_exit_codes", NULL };
	struct imp_node		*bo, *l;
	yaml_node_t		*n, *e;
	yaml_node_item_t	*it;
	const char		*err;
	uint64_t		 ms, exp = 0, delay = 0;
	long long		 v;
	int			 b, restart = 1, have_exp = 0, have_delay = 0;
	int			 ready;

	if ((n = app_get(a, "autorestart")) != NULL &&
	    app_bool(a, n, "autorestart", &b) == 0) {
		restart = b;
		imp_raw(a->svc, "restart", "%s", b ? "always" : "never");
	}
	/*
	 * With wait_ready, PM2 counts the app up once it says so or after
	 * listen_timeout at the latest: the nearest vigil has.
	 */
	if ((n = app_get(a, "wait_ready")) == NULL || app_bool(a, n,
	    "wait_ready", &ready) == -1)
		ready = 0;
	if (ready && (n = app_get(a, "listen_timeout")) != NULL &&
	    !pm2_is_null(n) && app_ms(a, n, "listen_timeout", &ms, 1) == 0) {
		imp_raw(a->svc, "start_seconds", "%s", imp_dur(ms));
		imp_note(a->svc, "note: wait_ready = true, listen_timeout = "
		    "%s: start_seconds (PM2 counts the app ready after it "
		    "at the latest; process.send('ready') has no "
		    "equivalent: with sd_notify READY=1 use `ready: "
		    "notify`)", imp_dur(ms));
	} else if (ready)
		imp_note(a->svc, "note: wait_ready = true: process.send("
		    "'ready') has no equivalent; %s is ready after "
		    "start_seconds (with sd_notify READY=1 use `ready: "
		    "notify`, if it listens `ready: tcp://HOST:PORT`)",
		    imp_name(a->svc));
	if ((n = app_get2(a, k_stopcodes)) != NULL && !pm2_is_null(n)) {
		if (restart)
			imp_raw(a->svc, "restart", "on-failure");
		l = imp_list(a->svc, "exit_codes");
		if (n->type == YAML_SEQUENCE_NODE) {
			for (it = n->data.sequence.items.start;
			    it < n->data.sequence.items.top; it++) {
				e = yaml_document_get_node(&a->p->doc, *it);
				v = pm2_scalar(e) == NULL ? -1 :
				    strtonum(pm2_scalar(e), 0, 255, &err);
				if (pm2_scalar(e) == NULL || err != NULL) {
					imp_err(a->p->ctx, a->p->file,
					    pm2_line(e), pm2_col(e),
					    "stop_exit_codes: expected exit "
					    "codes (0..255)");
					break;
				}
				imp_item(l, pm2_scalar(e), 1);
			}
		} else if (pm2_scalar(n) != NULL &&
		    (v = strtonum(pm2_scalar(n), 0, 255, &err), err == NULL))
			imp_item(l, pm2_scalar(n), 1);
		else
			imp_err(a->p->ctx, a->p->file, pm2_line(n), pm2_col(n),
			    "stop_exit_codes: expected exit codes (0..255)");
	}
	if ((n = app_get(a, "max_restarts")) != NULL && !pm2_is_null(n)) {
		v = pm2_scalar(n) == NULL ? -1 :
		    strtonum(pm2_scalar(n), 0, INT_MAX, &err);
		if (v < 0 || err != NULL)
			imp_err(a->p->ctx, a->p->file, pm2_line(n), pm2_col(n),
			    "max_restarts: expected a number");
		else
			imp_raw(a->svc, "start_retries", "%lld", v);
	}
	if ((n = app_get(a, "min_uptime")) != NULL && !pm2_is_null(n) &&
	    app_ms(a, n, "min_uptime", &ms, 1) == 0)
		imp_raw(a->svc, "start_seconds", "%s", imp_dur(ms));
	if ((n = app_get(a, "restart_delay")) != NULL && !pm2_is_null(n) &&
	    app_ms(a, n, "restart_delay", &delay, 0) == 0)
		have_delay = 1;
	if ((n = app_get(a, "exp_backoff_restart_delay")) != NULL &&
	    !pm2_is_null(n) && app_ms(a, n, "exp_backoff_restart_delay", &exp,
	    0) == 0 && exp > 0)
		have_exp = 1;
	if (have_exp) {
		bo = imp_map(a->svc, "backoff");
		imp_raw(bo, "initial", "%s", imp_dur(exp));
		imp_raw(bo, "max", "%s", imp_dur(exp >
		    PM2_EXP_BACKOFF_MAX_MS ? exp : PM2_EXP_BACKOFF_MAX_MS));
		imp_raw(bo, "factor", "1.5");
		imp_raw(bo, "jitter", "0%%");
		if (have_delay)
			imp_note(a->svc, "note: restart_delay ignored: "
			    "exp_backoff_restart_delay is set (as in PM2)");
	} else if (have_delay && delay > 0) {
		bo = imp_map(a->svc, "backoff");
		imp_raw(bo, "initial", "%s", imp_dur(delay));
		imp_raw(bo, "max", "%s", imp_dur(delay));
		imp_raw(bo, "factor", "1");
		imp_raw(bo, "jitter", "0%%");
	}
	/*
	 * autorestart: false runs once: PM2 never starts it again, not even
	 * after a quick exit, which vigil would retry (start_retries) and
	 * call FATAL.  Up at once, no retry: any exit leaves it EXITED.
	 */
	if (!restart) {
		imp_raw(a->svc, "start_seconds", "0");
		imp_raw(a->svc, "start_retries", "0");
		imp_del(a->svc, "backoff");
		imp_note(a->svc, "note: autorestart = false: runs once "
		    "(start_seconds 0, start_retries 0: any exit leaves it "
		    "EXITED, as PM2 leaves it stopped)");
	}
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

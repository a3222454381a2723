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
 * How a PM2 app runs, in vigild.conf terms: its command (the interpreter
 * PM2 would pick), its logs, what it watches and its restart policy.
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
int
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
void
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
void
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

/* autorestart, stop_exit_codes, max_restarts, min_uptime, delays. */
void
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


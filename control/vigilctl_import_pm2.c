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

#define PM2_KILL_TIMEOUT_MS	1600
#define PM2_MAX_RESTARTS	16
#define PM2_EXP_BACKOFF_MAX_MS	15000

struct pm2 {
	struct imp_ctx		*ctx;
	yaml_document_t		 doc;
	const char		*file;
	char			*dir;		/* the file's, absolute */
};

/* One app mapping and which of its keys the mapping used. */
struct app {
	struct pm2		*p;
	yaml_node_t		*node;
	int			*used;
	size_t			 npairs;
	struct imp_node		*svc;
};

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
	{ "watch", "vigil does not watch files; `vigilctl restart NAME` "
	    "after a change" },
	{ "ignore_watch", "vigil does not watch files" },
	{ "watch_options", "vigil does not watch files" },
	{ "watch_delay", "vigil does not watch files" },
	{ "cron_restart", "vigil has no timed restarts; run `vigilctl "
	    "restart NAME` from cron(8)" },
	{ "cron", "vigil has no timed restarts; run `vigilctl restart "
	    "NAME` from cron(8)" },
	{ "wait_ready", "PM2's process.send('ready'); vigil's `ready: "
	    "notify` waits for sd_notify READY=1" },
	{ "listen_timeout", "PM2's process.send('ready'); vigil's `ready: "
	    "notify` waits for sd_notify READY=1" },
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

static const char	*scalar(const yaml_node_t *);
static size_t		 line_of(const yaml_node_t *);
static size_t		 col_of(const yaml_node_t *);
static char		*flow(struct pm2 *, yaml_node_t *, int);
static yaml_node_t	*app_get(struct app *, const char *);
static yaml_node_t	*app_get2(struct app *, const char *const *);
static const char	*app_str(struct app *, const char *const *,
			    const char *, yaml_node_t **);
static int		 app_bool(struct app *, yaml_node_t *, const char *,
			    int *);
static int		 app_ms(struct app *, yaml_node_t *, const char *,
			    uint64_t *, int);
static int		 app_words(struct app *, yaml_node_t *, const char *,
			    struct imp_node *);
static void		 app_env(struct app *, yaml_node_t *, const char *,
			    struct imp_node *);
static char		*find_path(const char *);
static int		 is_binary(const char *);
static int		 app_command(struct app *, const char *, const char *,
			    struct imp_node *);
static void		 app_log(struct app *);
static void		 app_restart(struct app *);
static int		 pm2_app(struct pm2 *, yaml_node_t *, size_t);
static void		 fix_surrogates(char *);

static const char *
scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static int
is_null(const yaml_node_t *n)
{
	const char	*s;

	if ((s = scalar(n)) == NULL)
		return 0;
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (*s == '\0' || strcmp(s, "null") == 0 || strcmp(s, "~") == 0);
}

static size_t
line_of(const yaml_node_t *n)
{
	return n->start_mark.line + 1;
}

static size_t
col_of(const yaml_node_t *n)
{
	return n->start_mark.column + 1;
}

/* A node as one line of JSON-like text, for a comment. */
static char *
flow(struct pm2 *p, yaml_node_t *n, int depth)
{
	yaml_node_item_t	*it;
	yaml_node_pair_t	*pr;
	char			*s, *a, *b, *t;

	if (n == NULL)
		return imp_strdup("");
	if (depth > 8)
		return imp_strdup("...");
	switch (n->type) {
	case YAML_SCALAR_NODE:
		s = imp_strdup((const char *)n->data.scalar.value);
		for (t = s; *t != '\0'; t++)
			if (*t == '\n' || *t == '\r')
				*t = ' ';
		if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
			t = imp_printf("\"%s\"", s);
			free(s);
			s = t;
		}
		return s;
	case YAML_SEQUENCE_NODE:
		s = imp_strdup("[");
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			a = flow(p, yaml_document_get_node(&p->doc, *it),
			    depth + 1);
			t = imp_printf("%s%s%s", s, it ==
			    n->data.sequence.items.start ? "" : ", ", a);
			free(a);
			free(s);
			s = t;
		}
		t = imp_printf("%s]", s);
		free(s);
		return t;
	case YAML_MAPPING_NODE:
		s = imp_strdup("{");
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top; pr++) {
			a = flow(p, yaml_document_get_node(&p->doc, pr->key),
			    depth + 1);
			b = flow(p, yaml_document_get_node(&p->doc,
			    pr->value), depth + 1);
			t = imp_printf("%s%s%s: %s", s, pr ==
			    n->data.mapping.pairs.start ? "" : ", ", a, b);
			free(a);
			free(b);
			free(s);
			s = t;
		}
		t = imp_printf("%s}", s);
		free(s);
		return t;
	default:
		return imp_strdup("");
	}
}

/* The value of key in the app (the last one, as JSON wants), or NULL. */
static yaml_node_t *
app_get(struct app *a, const char *key)
{
	yaml_node_pair_t	*pr;
	yaml_node_t		*v = NULL;
	const char		*k;
	size_t			 i;

	for (i = 0; i < a->npairs; i++) {
		pr = a->node->data.mapping.pairs.start + i;
		k = scalar(yaml_document_get_node(&a->p->doc, pr->key));
		if (k != NULL && strcmp(k, key) == 0) {
			a->used[i] = 1;
			v = yaml_document_get_node(&a->p->doc, pr->value);
		}
	}
	return v;
}

/* The first of several names (PM2's aliases) that is set. */
static yaml_node_t *
app_get2(struct app *a, const char *const *keys)
{
	yaml_node_t	*v, *found = NULL;

	for (; *keys != NULL; keys++)
		if ((v = app_get(a, *keys)) != NULL && found == NULL)
			found = v;
	return found;
}

/* A string option; non-scalars are errors. */
static const char *
app_str(struct app *a, const char *const *keys, const char *what,
    yaml_node_t **np)
{
	yaml_node_t	*n;

	*np = n = app_get2(a, keys);
	if (n == NULL || is_null(n))
		return NULL;
	if (scalar(n) == NULL) {
		imp_err(a->p->ctx, a->p->file, line_of(n), col_of(n),
		    "%s: expected a string", what);
		return NULL;
	}
	return scalar(n);
}

static int
app_bool(struct app *a, yaml_node_t *n, const char *what, int *b)
{
	const char	*s = scalar(n);

	if (s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "yes") == 0)) {
		*b = 1;
		return 0;
	}
	if (s != NULL && (strcmp(s, "false") == 0 ||
	    strcmp(s, "False") == 0 || strcmp(s, "no") == 0)) {
		*b = 0;
		return 0;
	}
	imp_err(a->p->ctx, a->p->file, line_of(n), col_of(n),
	    "%s: expected true or false", what);
	return -1;
}

/*
 * A PM2 time: a number of milliseconds, or with units (h, m, s) when
 * units is set (min_uptime).
 */
static int
app_ms(struct app *a, yaml_node_t *n, const char *what, uint64_t *ms,
    int units)
{
	const char	*s = scalar(n), *e;
	char		 buf[32];
	size_t		 d;
	long long	 v;
	uint64_t	 mult = 1;

	if (s == NULL || (d = strspn(s, "0123456789")) == 0 ||
	    d >= sizeof(buf))
		goto bad;
	if (s[d] != '\0') {
		if (!units || s[d + 1] != '\0')
			goto bad;
		if (s[d] == 'h')
			mult = 3600000;
		else if (s[d] == 'm')
			mult = 60000;
		else if (s[d] == 's')
			mult = 1000;
		else
			goto bad;
	}
	memcpy(buf, s, d);
	buf[d] = '\0';
	v = strtonum(buf, 0, 100LL * 365 * 24 * 3600 * 1000, &e);
	if (e != NULL)
		goto bad;
	*ms = (uint64_t)v * mult;
	return 0;
 bad:
	imp_err(a->p->ctx, a->p->file, line_of(n), col_of(n),
	    "%s: expected a number of milliseconds%s", what,
	    units ? " (or with h, m or s)" : "");
	return -1;
}

/* args, interpreter_args: a list, or a string split like a shell. */
static int
app_words(struct app *a, yaml_node_t *n, const char *what,
    struct imp_node *list)
{
	yaml_node_item_t	*it;
	yaml_node_t		*e;
	const char		*err;
	char			**argv, *d;
	size_t			 argc, i;

	if (n == NULL || is_null(n))
		return 0;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			e = yaml_document_get_node(&a->p->doc, *it);
			if (scalar(e) == NULL) {
				imp_err(a->p->ctx, a->p->file, line_of(e),
				    col_of(e), "%s: expected strings", what);
				return -1;
			}
			d = imp_dollar(scalar(e));
			imp_item(list, d, 0);
			free(d);
		}
		return 0;
	}
	if (scalar(n) == NULL) {
		imp_err(a->p->ctx, a->p->file, line_of(n), col_of(n),
		    "%s: expected a string or a list", what);
		return -1;
	}
	if (config_split_command(scalar(n), &argv, &argc, &err) == -1) {
		imp_err(a->p->ctx, a->p->file, line_of(n), col_of(n),
		    "%s: %s", what, err);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		d = imp_dollar(argv[i]);
		imp_item(list, d, 0);
		free(d);
	}
	config_free_argv(argv);
	return 0;
}

/* The variables of an env mapping, over what env already holds. */
static void
app_env(struct app *a, yaml_node_t *n, const char *what,
    struct imp_node *env)
{
	yaml_node_pair_t	*pr;
	yaml_node_t		*k, *v;
	char			*d, *f;

	if (n == NULL || is_null(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		f = flow(a->p, n, 0);
		imp_note(a->svc, "unsupported: %s = %s (not a mapping)",
		    what, f);
		free(f);
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(&a->p->doc, pr->key);
		v = yaml_document_get_node(&a->p->doc, pr->value);
		if (scalar(k) == NULL || scalar(v) == NULL || is_null(v) ||
		    isdigit((unsigned char)scalar(k)[0]) ||
		    strspn(scalar(k), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(scalar(k)) || *scalar(k) == '\0') {
			f = flow(a->p, v, 0);
			d = flow(a->p, k, 0);
			imp_note(a->svc, "unsupported: %s: %s = %s (vigil "
			    "takes a variable name and a string)", what, d,
			    f);
			free(d);
			free(f);
			continue;
		}
		d = imp_dollar(scalar(v));
		imp_str(env, scalar(k), d);
		free(d);
	}
}

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
			return cand;
		}
		free(cand);
	}
	free(dirs);
	return NULL;
}

/* PM2's isBinary(): a NUL, or more than 10% control bytes in 512. */
static int
is_binary(const char *path)
{
	unsigned char	 buf[512];
	ssize_t		 n, i, odd = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return 0;
	if (n >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		return 0;
	for (i = 0; i < n; i++) {
		if (buf[i] == 0)
			return 1;
		if (buf[i] < 7 || (buf[i] > 14 && buf[i] < 32))
			odd++;
	}
	return odd * 10 > n;
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
	char		*path, *found = NULL, *d;
	size_t		 i;
	int		 exists;

	interp = app_str(a, k_interp, "interpreter", &n);
	if (script[0] == '/')
		path = imp_strdup(script);
	else
		path = imp_printf("%s/%s", dir, script);
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
		(void)app_get2(a, k_iargs);
	d = imp_dollar(path);
	imp_item(cmd, d, 0);
	free(d);
	if (app_words(a, app_get2(a, k_args), "args", cmd) == -1)
		goto fail;
	free(path);
	free(found);
	return 0;
 fail:
	free(path);
	free(found);
	return -1;
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
		    "its own file in log_dir (`vigilctl tail NAME`)", out);
	if (errf != NULL && strcmp(errf, "/dev/null") == 0)
		imp_raw(log, "stderr", "none");
	else if (errf != NULL && out != NULL && strcmp(errf, out) == 0)
		imp_raw(log, "stderr", "merge");
	else if (errf != NULL)
		imp_note(a->svc, "note: error_file = %s: vigil writes stderr "
		    "to its own file in log_dir (`vigilctl tail NAME "
		    "stderr`)", errf);
	if ((lf = app_str(a, k_log, "log_file", &n)) == NULL && n != NULL &&
	    scalar(n) != NULL && app_bool(a, n, "log_file", &b) == 0 && b)
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

	if ((n = app_get(a, "autorestart")) != NULL &&
	    app_bool(a, n, "autorestart", &b) == 0) {
		restart = b;
		imp_raw(a->svc, "restart", "%s", b ? "always" : "never");
	}
	if ((n = app_get2(a, k_stopcodes)) != NULL && !is_null(n)) {
		if (restart)
			imp_raw(a->svc, "restart", "on-failure");
		l = imp_list(a->svc, "exit_codes");
		if (n->type == YAML_SEQUENCE_NODE) {
			for (it = n->data.sequence.items.start;
			    it < n->data.sequence.items.top; it++) {
				e = yaml_document_get_node(&a->p->doc, *it);
				v = scalar(e) == NULL ? -1 :
				    strtonum(scalar(e), 0, 255, &err);
				if (scalar(e) == NULL || err != NULL) {
					imp_err(a->p->ctx, a->p->file,
					    line_of(e), col_of(e),
					    "stop_exit_codes: expected exit "
					    "codes (0..255)");
					break;
				}
				imp_raw(l, NULL, "%lld", v);
			}
		} else if (scalar(n) != NULL &&
		    (v = strtonum(scalar(n), 0, 255, &err), err == NULL))
			imp_item(l, scalar(n), 1);
		else
			imp_err(a->p->ctx, a->p->file, line_of(n), col_of(n),
			    "stop_exit_codes: expected exit codes (0..255)");
	}
	if ((n = app_get(a, "max_restarts")) != NULL && !is_null(n)) {
		v = scalar(n) == NULL ? -1 :
		    strtonum(scalar(n), 0, INT_MAX, &err);
		if (v < 0 || err != NULL)
			imp_err(a->p->ctx, a->p->file, line_of(n), col_of(n),
			    "max_restarts: expected a number");
		else
			imp_raw(a->svc, "start_retries", "%lld", v);
	}
	if ((n = app_get(a, "min_uptime")) != NULL && !is_null(n) &&
	    app_ms(a, n, "min_uptime", &ms, 1) == 0)
		imp_raw(a->svc, "start_seconds", "%s", imp_dur(ms));
	if ((n = app_get(a, "restart_delay")) != NULL && !is_null(n) &&
	    app_ms(a, n, "restart_delay", &delay, 0) == 0)
		have_delay = 1;
	if ((n = app_get(a, "exp_backoff_restart_delay")) != NULL &&
	    !is_null(n) && app_ms(a, n, "exp_backoff_restart_delay", &exp,
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
}

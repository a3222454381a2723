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
 * supervisord -> vigild.conf: the sections other than [program:x]
 * ([supervisord], [unix_http_server], [inet_http_server], [group:x]) and
 * the helpers the mapping shares: typed values, environment= lists, and
 * the comments for what has no equivalent.
 */

#include <sys/queue.h>
#include <sys/types.h>

#include <ctype.h>
#include <err.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "config.h"
#include "vigilctl_import.h"
#include "vigilctl_import_ini.h"
#include "vigilctl_import_sup.h"

/* Keys that have no equivalent, with the reason given in the comment. */
static const struct {
	const char	*key;
	const char	*why;
} reasons[] = {
	{ "serverurl", "vigil has no XML-RPC interface" },
	{ "stdout_capture_maxbytes", "vigil has no capture mode" },
	{ "stderr_capture_maxbytes", "vigil has no capture mode" },
	{ "stdout_events_enabled", "vigil has no event listeners "
	    "(GET /api/v1/events streams state changes)" },
	{ "stderr_events_enabled", "vigil has no event listeners "
	    "(GET /api/v1/events streams state changes)" },
	{ "logfile", "vigild logs to syslog, or to stderr with -d" },
	{ "logfile_maxbytes", "vigild logs to syslog, or to stderr with -d" },
	{ "logfile_backups", "vigild logs to syslog, or to stderr with -d" },
	{ "loglevel", "vigild -v logs more" },
	{ "pidfile", "vigild -p FILE (default /var/run/vigild.pid)" },
	{ "nodaemon", "vigild -d stays in the foreground" },
	{ "silent", "vigild -d logs to stderr, otherwise to syslog" },
	{ "nocleanup", "vigil keeps no AUTO log files to clean up" },
	{ "strip_ansi", "vigil logs output as the programs write it" },
	{ "identifier", "no equivalent" },
	{ "username", "vigil checks local clients by their credentials "
	    "(socket group) and HTTP clients by a token (http token_file)" },
	{ "password", "vigil checks local clients by their credentials "
	    "(socket group) and HTTP clients by a token (http token_file)" },
	{ "prompt", "vigilctl has no interactive mode" },
	{ "history_file", "vigilctl has no interactive mode" },
};

static struct ini_sec	*sup_program_sec(struct sup *, const char *);

/* A value on one line, for a comment. */
char *
sup_oneline(const char *s)
{
	char	*d, *p;

	d = imp_strdup(s);
	for (p = d; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return (d);
}

/* Every key of sec that the mapping did not use, as a comment in m. */
void
sup_unsupported(struct sup *sup, struct imp_node *m, struct ini_sec *sec,
    const char *why)
{
	struct ini_kv	*kv;
	const char	*r;
	char		*v;
	size_t		 i;

	TAILQ_FOREACH(kv, &sec->kvs, entry) {
		if (kv->used)
			continue;
		kv->used = 1;
		r = why;
		for (i = 0; r == NULL && i < nitems(reasons); i++)
			if (strcmp(kv->key, reasons[i].key) == 0)
				r = reasons[i].why;
		v = sup_oneline(kv->val);
		imp_note(m, "unsupported: %s%s%s%s = %s%s%s%s",
		    m == sup->notes ? "[" : "", m == sup->notes ? sec->name : "",
		    m == sup->notes ? "] " : "", kv->key, v,
		    r != NULL ? " (" : "", r != NULL ? r : "",
		    r != NULL ? ")" : "");
		free(v);
	}
}

/*
 * The expanded value of key in sec (or [DEFAULT]); NULL if absent or on an
 * error (then ctx->nerr grows).
 */
char *
sup_get(struct sup *sup, struct ini_sec *sec, const char *key,
    const struct ini_exp *exp, struct ini_kv **kvp)
{
	struct ini_kv	*kv;

	*kvp = NULL;
	if ((kv = ini_kv(&sup->ini, sec, key)) == NULL)
		return (NULL);
	*kvp = kv;
	return (ini_expand(&sup->ini, kv, exp));
}

/* supervisord's boolean: true/yes/on/1 or false/no/off/0. */
int
sup_bool(struct sup *sup, struct ini_kv *kv, const char *v, int *b)
{
	static const char *const t[] = { "true", "yes", "on", "1" };
	static const char *const f[] = { "false", "no", "off", "0" };
	size_t	i;

	for (i = 0; i < nitems(t); i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*b = 1;
			return (0);
		}
		if (strcasecmp(v, f[i]) == 0) {
			*b = 0;
			return (0);
		}
	}
	imp_err(sup->ctx, kv->file->path, kv->line, 0,
	    "%s: not a boolean: \"%s\"", kv->key, v);
	return (-1);
}

int
sup_int(struct sup *sup, struct ini_kv *kv, const char *v, long long min,
    long long max, long long *n)
{
	const char	*e;

	*n = strtonum(v, min, max, &e);
	if (e != NULL) {
		imp_err(sup->ctx, kv->file->path, kv->line, 0,
		    "%s: \"%s\" is %s (%lld..%lld)", kv->key, v, e, min, max);
		return (-1);
	}
	return (0);
}

/* supervisord's byte_size: a number, optionally with KB, MB or GB. */
int
sup_bytes(struct sup *sup, struct ini_kv *kv, const char *v, uint64_t *n)
{
	const char	*e;

	if (strspn(v, "0123456789") == strlen(v) && *v != '\0') {
		*n = strtonum(v, 0, LLONG_MAX, &e);
		if (e == NULL)
			return (0);
	} else if (config_parse_size(v, n, &e) == 0)
		return (0);
	imp_err(sup->ctx, kv->file->path, kv->line, 0,
	    "%s: not a size: \"%s\"", kv->key, v);
	return (-1);
}

void
sup_env_free(struct envpair *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].value);
	}
	free(e);
}

/*
 * supervisord's environment= value, KEY=val,KEY2="v a l": split the way
 * supervisord does it (Python's shlex in non-POSIX mode, words of
 * letters, digits and _/.+-():, quoted strings kept whole), then taken
 * three tokens at a time, KEY = VALUE, with the separator after each;
 * quotes are stripped off the ends of the value.  Pairs are appended to
 * (or replace same-named ones in) *ep.
 */
int
sup_env(struct sup *sup, struct ini_kv *kv, const char *s,
    struct envpair **ep, size_t *np)
{
	char		**tok = NULL, *v, *w;
	size_t		 ntok = 0, i, j, n, len;
	const char	*p, *q;
	int		 rv = -1;

#define WORDCHAR(c)	(isalnum((unsigned char)(c)) || (c) == '_' || \
	    strchr("/.+-():\001\002", (c)) != NULL || (unsigned char)(c) >= 0x80)

	for (p = s; *p != '\0'; ) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		if (*p == '"' || *p == '\'') {
			if ((q = strchr(p + 1, *p)) == NULL) {
				imp_err(sup->ctx, kv->file->path, kv->line, 0,
				    "environment: no closing quotation");
				goto out;
			}
			len = q - p + 1;
		} else if (WORDCHAR(*p)) {
			for (q = p; *q != '\0' && (WORDCHAR(*q) ||
			    *q == '"' || *q == '\''); q++)
				;
			len = q - p;
		} else
			len = 1;
		if ((tok = reallocarray(tok, ntok + 1, sizeof(*tok))) == NULL)
			err(1, NULL);
		if ((tok[ntok] = strndup(p, len)) == NULL)
			err(1, NULL);
		ntok++;
		p += len;
	}
#undef WORDCHAR

	for (i = 0; i < ntok; i += 4) {
		if (i + 2 >= ntok || strcmp(tok[i + 1], "=") != 0) {
			imp_err(sup->ctx, kv->file->path, kv->line, 0,
			    "environment: unexpected end of key/value pairs "
			    "in \"%s\"", kv->val);
			goto out;
		}
		w = tok[i + 2];
		w += strspn(w, "\"'");
		len = strlen(w);
		while (len > 0 && (w[len - 1] == '"' || w[len - 1] == '\''))
			len--;
		w[len] = '\0';
		v = ini_vigil(w);
		for (j = 0; j < *np; j++)
			if (strcmp((*ep)[j].name, tok[i]) == 0)
				break;
		if (j < *np) {
			free((*ep)[j].value);
			(*ep)[j].value = v;
			continue;
		}
		n = *np + 1;
		if ((*ep = reallocarray(*ep, n, sizeof(**ep))) == NULL)
			err(1, NULL);
		(*ep)[j].name = imp_strdup(tok[i]);
		(*ep)[j].value = v;
		*np = n;
	}
	rv = 0;
 out:
	for (i = 0; i < ntok; i++)
		free(tok[i]);
	free(tok);
	return (rv);
}

/* [supervisord]: what supervisord itself does for all its children. */
int
sup_main(struct sup *sup, struct ini_sec *sec)
{
	struct imp_ctx	*ctx = sup->ctx;
	struct ini_exp	 exp;
	struct ini_kv	*kv;
	long long	 n;
	char		*v, *d;
	mode_t		 um;

	memset(&exp, 0, sizeof(exp));
	if ((v = sup_get(sup, sec, "childlogdir", &exp, &kv)) != NULL)
		imp_str(ctx->root, "log_dir", v);
	free(v);
	if ((v = sup_get(sup, sec, "user", &exp, &kv)) != NULL) {
		imp_note(ctx->defaults, "[supervisord] user: supervisord "
		    "ran as this user, and so did every program");
		imp_str(ctx->defaults, "user", v);
	}
	free(v);
	if ((v = sup_get(sup, sec, "umask", &exp, &kv)) != NULL) {
		um = (mode_t)strtol(v, NULL, 8);
		if (strspn(v, "01234567") != strlen(v) || *v == '\0' ||
		    strlen(v) > 4)
			imp_err(ctx, kv->file->path, kv->line, 0,
			    "umask: not an octal number: \"%s\"", v);
		else if (um != 022) {
			free(v);
			v = imp_printf("%03o", (unsigned int)um);
			imp_str(ctx->defaults, "umask", v);
		}
	}
	free(v);
	exp.vigil = 1;
	if ((v = sup_get(sup, sec, "directory", &exp, &kv)) != NULL) {
		imp_note(ctx->defaults, "[supervisord] directory: "
		    "supervisord's working directory, which programs "
		    "without a directory inherit");
		d = ini_vigil(v);
		imp_str(ctx->defaults, "directory", d);
		free(d);
	}
	free(v);
	exp.vigil = 0;
	/*
	 * minfds and minprocs are minimums supervisord checks (and raises
	 * its own soft limits to) at start, not caps on the programs: as
	 * `limits:` they would lower what a service may have.
	 */
	if ((v = sup_get(sup, sec, "minfds", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 1, LLONG_MAX, &n) == 0)
		imp_note(ctx->defaults, "[supervisord] minfds = %lld: a "
		    "minimum supervisord asks of its own limit, not a limit "
		    "on the services; they inherit vigild's (set "
		    "limits.nofile where one needs more)", n);
	free(v);
	if ((v = sup_get(sup, sec, "minprocs", &exp, &kv)) != NULL &&
	    sup_int(sup, kv, v, 1, LLONG_MAX, &n) == 0)
		imp_note(ctx->defaults, "[supervisord] minprocs = %lld: a "
		    "minimum supervisord asks of its own limit, not a limit "
		    "on the services; they inherit vigild's (set "
		    "limits.nproc where one needs more)", n);
	free(v);
	exp.vigil = 1;
	if ((v = sup_get(sup, sec, "environment", &exp, &kv)) != NULL &&
	    sup_env(sup, kv, v, &sup->genv, &sup->ngenv) == 0 &&
	    sup->ngenv > 0)
		imp_note(sup->notes, "[supervisord] environment is set in "
		    "every service");
	free(v);
	sup_unsupported(sup, sup->notes, sec, NULL);
	return (0);
}

/* [unix_http_server] -> socket: */
int
sup_unix(struct sup *sup, struct ini_sec *sec)
{
	struct imp_node	*sock;
	struct ini_exp	 exp;
	struct ini_kv	*kv;
	char		*v, *g;

	memset(&exp, 0, sizeof(exp));
	sock = imp_map(sup->ctx->root, "socket");
	if ((v = sup_get(sup, sec, "file", &exp, &kv)) != NULL)
		imp_str(sock, "path", v);
	free(v);
	if ((v = sup_get(sup, sec, "chmod", &exp, &kv)) != NULL) {
		if (strspn(v, "01234567") != strlen(v) || *v == '\0' ||
		    strlen(v) > 4)
			imp_err(sup->ctx, kv->file->path, kv->line, 0,
			    "chmod: not an octal mode: \"%s\"", v);
		else {
			g = imp_printf("%04o", (unsigned int)strtol(v, NULL,
			    8));
			imp_str(sock, "mode", g);
			free(g);
		}
	} else
		imp_str(sock, "mode", "0700");
	free(v);
	if ((v = sup_get(sup, sec, "chown", &exp, &kv)) != NULL) {
		if ((g = strchr(v, ':')) != NULL && g[1] != '\0')
			imp_str(sock, "group", g + 1);
		imp_note(sock, "note: chown = %s: vigild's socket always "
		    "belongs to root%s", kv->val, g != NULL && g[1] != '\0' ?
		    ", the group is kept" : "");
	}
	free(v);
	sup_unsupported(sup, sock, sec, NULL);
	return (0);
}

/* [inet_http_server] -> http: */
int
sup_inet(struct sup *sup, struct ini_sec *sec)
{
	struct imp_node	*http;
	struct ini_exp	 exp;
	struct ini_kv	*kv;
	char		*v, *c, *l;

	memset(&exp, 0, sizeof(exp));
	http = imp_map(sup->ctx->root, "http");
	imp_note(http, "note: vigil's HTTP API is not supervisord's XML-RPC "
	    "(see vigild.conf(5))");
	if ((v = sup_get(sup, sec, "port", &exp, &kv)) != NULL) {
		if ((c = strrchr(v, ':')) == NULL)
			l = imp_printf("0.0.0.0:%s", v);
		else if (c == v || (c == v + 1 && v[0] == '*'))
			l = imp_printf("0.0.0.0%s", c);
		else
			l = imp_strdup(v);
		imp_str(http, "listen", l);
		free(l);
	}
	free(v);
	sup_unsupported(sup, http, sec, NULL);
	return (0);
}

/* The [group:x] that lists program, and that section. */
const char *
sup_group_of(struct sup *sup, const char *program, struct ini_sec **gp)
{
	struct ini_sec	*s;
	struct ini_kv	*kv;
	char		*list, *w, *last;
	int		 found;

	TAILQ_FOREACH(s, &sup->ini.secs, entry) {
		if (strncmp(s->name, "group:", 6) != 0)
			continue;
		TAILQ_FOREACH(kv, &s->kvs, entry)
			if (strcmp(kv->key, "programs") == 0)
				break;
		if (kv == NULL)
			continue;
		list = imp_strdup(kv->val);
		found = 0;
		for (w = strtok_r(list, ", \t\n", &last); w != NULL;
		    w = strtok_r(NULL, ", \t\n", &last))
			if (strcmp(w, program) == 0)
				found = 1;
		free(list);
		if (found) {
			*gp = s;
			return (s->name + 6);
		}
	}
	*gp = NULL;
	return (NULL);
}

/* The [program:x] section of a program name, or NULL. */
static struct ini_sec *
sup_program_sec(struct sup *sup, const char *name)
{
	struct ini_sec	*s;
	const char	*p;
	size_t		 len;

	TAILQ_FOREACH(s, &sup->ini.secs, entry) {
		if (strncmp(s->name, "program:", 8) != 0)
			continue;
		p = s->name + 8;
		p += strspn(p, " \t");
		len = strlen(p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len == strlen(name) && strncmp(p, name, len) == 0)
			return (s);
	}
	return (NULL);
}

/* [group:x]: checked, and listed as a comment (vigil has no groups). */
int
sup_groups(struct sup *sup)
{
	struct ini_sec	*s;
	struct ini_kv	*kv;
	struct ini_exp	 exp;
	char		*list, *w, *last, *members, *m;
	int		 rv = 0;

	memset(&exp, 0, sizeof(exp));
	TAILQ_FOREACH(s, &sup->ini.secs, entry) {
		if (strncmp(s->name, "group:", 6) != 0)
			continue;
		if ((list = sup_get(sup, s, "programs", &exp, &kv)) == NULL) {
			if (kv == NULL)
				imp_err(sup->ctx, s->file->path, s->line, 0,
				    "[%s] has no programs setting", s->name);
			rv = -1;
			continue;
		}
		members = imp_strdup("");
		for (w = strtok_r(list, ", \t\n", &last); w != NULL;
		    w = strtok_r(NULL, ", \t\n", &last)) {
			if (sup_program_sec(sup, w) == NULL) {
				imp_err(sup->ctx, kv->file->path, kv->line, 0,
				    "[%s] names unknown program %s", s->name,
				    w);
				rv = -1;
			}
			m = imp_printf("%s %s", members, w);
			free(members);
			members = m;
		}
		free(list);
		imp_note(sup->notes, "[%s] (%s:%zu): vigil has no groups; "
		    "name the services together instead: `vigilctl restart"
		    "%s`", s->name, s->file->path, s->line, members);
		free(members);
		sup_unsupported(sup, sup->notes, s, "vigil has no groups");
	}
	return (rv);
}

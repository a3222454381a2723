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
 * supervisord's INI files, read the way supervisord 4 reads them: Python's
 * RawConfigParser with `;` and `#` comments (inline ones after
 * whitespace), `key = value` or `key: value`, keys lower-cased, indented
 * continuation lines, [DEFAULT] inherited by every section, a section or
 * key given twice merged (the last value wins), and %(name)s expansions.
 * [include] files= is followed from the main file only, as supervisord
 * does.  The mapping to vigild.conf is in vigilctl_import_sup.c.
 */

#include <sys/queue.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "vigilctl_import.h"
#include "vigilctl_import_ini.h"
#include "../vigilctl_ini.h"

static struct ini_sec	*sec_find(struct ini *, const char *);
static struct ini_sec	*sec_get(struct ini *, const char *, struct ini_file *,
			    size_t);
static struct ini_kv	*kv_set(struct ini_sec *, const char *, const char *,
			    struct ini_file *, size_t);
static struct ini_file	*file_add(struct ini *, const char *);
static int		 ini_read(struct ini *, struct ini_file *);
static int		 ini_includes(struct ini *, struct ini_file *);
static int		 expand_one(struct ini *, const struct ini_kv *,
			    const struct ini_exp *, const char **, char **,
			    size_t *, size_t *);

static struct ini_file *
file_add(struct ini *ini, const char *path)
{
	struct ini_file	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		err(1, NULL);
	f->path = imp_strdup(path);
	f->abs = imp_abspath(path);
	f->here = imp_dirname(f->abs);
	TAILQ_INSERT_TAIL(&ini->files, f, entry);
	return (f);
}

static struct ini_sec *
sec_find(struct ini *ini, const char *name)
{
	struct ini_sec	*s;

	TAILQ_FOREACH(s, &ini->secs, entry)
		if (strcmp(s->name, name) == 0)
			return (s);
	return (NULL);
}

static struct ini_sec *
sec_get(struct ini *ini, const char *name, struct ini_file *f, size_t line)
{
	struct ini_sec	*s;

	if ((s = sec_find(ini, name)) != NULL)
		return (s);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		err(1, NULL);
	s->name = imp_strdup(name);
	s->file = f;
	s->line = line;
	TAILQ_INIT(&s->kvs);
	TAILQ_INSERT_TAIL(&ini->secs, s, entry);
	return (s);
}

static struct ini_kv *
kv_set(struct ini_sec *s, const char *key, const char *val,
    struct ini_file *f, size_t line)
{
	struct ini_kv	*kv;

	TAILQ_FOREACH(kv, &s->kvs, entry)
		if (strcmp(kv->key, key) == 0)
			break;
	if (kv == NULL) {
		if ((kv = calloc(1, sizeof(*kv))) == NULL)
			err(1, NULL);
		kv->key = imp_strdup(key);
		TAILQ_INSERT_TAIL(&s->kvs, kv, entry);
	} else
		free(kv->val);
	kv->val = imp_strdup(val);
	kv->file = f;
	kv->line = line;
	kv->used = 0;
	return (kv);
}

/* Where ini_line() puts what it reads. */
struct ini_reading {
	struct ini		*ini;
	struct ini_file		*f;
	struct ini_sec		*sec;
	struct ini_kv		*kv;
};

static int
ini_line(const struct vctl_ini_line *l, void *arg)
{
	struct ini_reading	*r = arg;
	char			*nv;

	switch (l->what) {
	case VCTL_INI_SECTION:
		r->sec = sec_get(r->ini, l->section, r->f, l->lineno);
		break;
	case VCTL_INI_KEY:
		r->kv = kv_set(r->sec, l->key, l->value, r->f, l->lineno);
		break;
	case VCTL_INI_CONT:
		nv = imp_printf("%s%.*s\n%s", r->kv->val, (int)l->blanks,
		    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", l->value);
		free(r->kv->val);
		r->kv->val = nv;
		break;
	case VCTL_INI_ERROR:
		imp_err(r->ini->ctx, r->f->path, l->lineno, 0, "%s", l->error);
		return (-1);
	}
	return (0);
}

/* One file into the model; -1 (reported) on a syntax error. */
static int
ini_read(struct ini *ini, struct ini_file *f)
{
	struct ini_reading	 r;
	FILE			*fp;
	int			 rv;

	if ((fp = fopen(f->path, "r")) == NULL) {
		imp_err(ini->ctx, f->path, 0, 0, "%s", strerror(errno));
		return (-1);
	}
	memset(&r, 0, sizeof(r));
	r.ini = ini;
	r.f = f;
	if ((rv = vctl_ini_read(fp, ini_line, &r)) == -1)
		imp_err(ini->ctx, f->path, 0, 0, "%s", strerror(errno));
	fclose(fp);
	return (rv == 0 ? 0 : -1);
}

/*
 * [include] files = GLOB ...: each relative to the main file's directory,
 * matches in sorted order, a pattern without a match skipped (supervisord
 * only warns).  Included files' own [include] sections are not followed.
 */
static int
ini_includes(struct ini *ini, struct ini_file *main)
{
	struct ini_sec		*sec;
	struct ini_kv		*kv;
	struct ini_exp		 exp;
	struct imp_node		*note;
	glob_t			 g;
	char			*files, *pat, *word, *last, *dir, *path;
	size_t			 i;
	int			 r, rv = 0;

	if ((sec = sec_find(ini, "include")) == NULL)
		return (0);
	if ((kv = ini_kv(ini, sec, "files")) == NULL) {
		imp_err(ini->ctx, sec->file->path, sec->line, 0,
		    "[include] has no files setting");
		return (-1);
	}
	memset(&exp, 0, sizeof(exp));
	if ((files = ini_expand(ini, kv, &exp)) == NULL)
		return (-1);
	dir = imp_dirname(main->path);
	note = ini->ctx->root;
	for (word = strtok_r(files, " \t\n", &last); word != NULL;
	    word = strtok_r(NULL, " \t\n", &last)) {
		if (word[0] == '/' || strcmp(dir, ".") == 0)
			pat = imp_strdup(word);
		else
			pat = imp_printf("%s/%s", dir, word);
		r = glob(pat, 0, NULL, &g);
		if (r == GLOB_NOMATCH) {
			imp_note(note, "note: [include] %s matches no file",
			    pat);
			free(pat);
			continue;
		}
		if (r != 0) {
			imp_err(ini->ctx, kv->file->path, kv->line, 0,
			    "%s: glob failed", pat);
			free(pat);
			rv = -1;
			break;
		}
		for (i = 0; i < g.gl_pathc; i++) {
			path = g.gl_pathv[i];
			if (ini_read(ini, file_add(ini, path)) == -1) {
				rv = -1;
				break;
			}
		}
		globfree(&g);
		free(pat);
		if (rv == -1)
			break;
	}
	free(dir);
	free(files);
	return (rv);
}

/* key in sec, else in [DEFAULT]; marked used.  NULL if absent. */
struct ini_kv *
ini_kv(struct ini *ini, struct ini_sec *sec, const char *key)
{
	struct ini_kv	*kv;
	struct ini_sec	*def;

	TAILQ_FOREACH(kv, &sec->kvs, entry)
		if (strcmp(kv->key, key) == 0) {
			kv->used = 1;
			return (kv);
		}
	if ((def = sec_find(ini, "DEFAULT")) != NULL && def != sec)
		TAILQ_FOREACH(kv, &def->kvs, entry)
			if (strcmp(kv->key, key) == 0) {
				kv->used = 1;
				return (kv);
			}
	return (NULL);
}

/*
 * One %(name)X at *sp (just after the '%'): appends the value to *out.
 * Deferred references (exp->vigil) are written as \001NAME\002 and turned
 * into ${NAME} by ini_vigil().
 */
static int
expand_one(struct ini *ini, const struct ini_kv *kv,
    const struct ini_exp *exp, const char **sp, char **out, size_t *len,
    size_t *cap)
{
	const char	*s = *sp, *close, *strval = NULL, *env;
	const char	*deferred = NULL;
	char		 name[128], spec[8], fmt[16], *n, *tmp;
	long long	 num = 0;
	size_t		 sl, vl;
	int		 isnum = 0, conv, r;

	if ((close = strchr(s + 1, ')')) == NULL ||
	    (size_t)(close - s - 1) >= sizeof(name)) {
		imp_err(ini->ctx, kv->file->path, kv->line, 0,
		    "%s: bad %%(name) expansion in \"%s\"", kv->key, kv->val);
		return (-1);
	}
	memcpy(name, s + 1, close - s - 1);
	name[close - s - 1] = '\0';
	s = close + 1;
	sl = strspn(s, "#0- +");
	sl += strspn(s + sl, "0123456789");
	if (s[sl] == '.') {
		sl++;
		sl += strspn(s + sl, "0123456789");
	}
	if (sl >= sizeof(spec) || s[sl] == '\0' ||
	    strchr("sdiru", s[sl]) == NULL) {
		imp_err(ini->ctx, kv->file->path, kv->line, 0,
		    "%s: %%(%s) needs a conversion such as s or d",
		    kv->key, name);
		return (-1);
	}
	memcpy(spec, s, sl);
	spec[sl] = '\0';
	conv = s[sl];
	*sp = s + sl + 1;

	if (strcmp(name, "here") == 0)
		strval = kv->file->here;
	else if (strcmp(name, "program_name") == 0 && exp->program != NULL)
		strval = exp->program;
	else if (strcmp(name, "group_name") == 0 && exp->group != NULL)
		strval = exp->group;
	else if (strcmp(name, "host_node_name") == 0)
		strval = ini->hostname;
	else if (strcmp(name, "numprocs") == 0 && exp->program != NULL) {
		num = exp->numprocs;
		isnum = 1;
	} else if (strcmp(name, "process_num") == 0 && exp->program != NULL) {
		num = exp->numprocs_start;
		isnum = 1;
		if (exp->vigil && exp->numprocs > 1) {
			/*
			 * ${INSTANCE} counts from 0; from numprocs_start
			 * the importer gives the service a port range,
			 * whose ${PORT} is numprocs_start + instance.
			 */
			deferred = exp->numprocs_start != 0 ? "PORT" :
			    "INSTANCE";
			if (exp->used_num != NULL)
				*exp->used_num = 1;
			if (exp->notes != NULL && spec[0] != '\0')
				imp_note(exp->notes, "note: %s: %%(process_num)"
				    "%s%c became ${%s}, without the "
				    "padding", kv->key, spec, conv, deferred);
		}
	} else if (strncmp(name, "ENV_", 4) == 0 && name[4] != '\0') {
		env = getenv(name + 4);
		if (exp->vigil && strcmp(name + 4, "NAME") != 0 &&
		    strcmp(name + 4, "INSTANCE") != 0 &&
		    strcmp(name + 4, "PORT") != 0 &&
		    !isdigit((unsigned char)name[4]) && strspn(name + 4,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_") == strlen(name + 4))
			deferred = name + 4;
		else if (env == NULL) {
			imp_err(ini->ctx, kv->file->path, kv->line, 0,
			    "%s: %%(%s)s: %s is not set in the environment "
			    "(supervisord expands it when it reads the file)",
			    kv->key, name, name + 4);
			return (-1);
		} else
			strval = env;
	} else {
		imp_err(ini->ctx, kv->file->path, kv->line, 0,
		    "%s: %%(%s)s cannot be expanded here", kv->key, name);
		return (-1);
	}

	if (deferred != NULL)
		n = imp_printf("\001%s\002", deferred);
	else if (isnum && conv != 's' && conv != 'r') {
		snprintf(fmt, sizeof(fmt), "%%%slld", spec);
		if ((r = asprintf(&n, fmt, num)) == -1)
			err(1, NULL);
	} else if (isnum) {
		tmp = imp_printf("%lld", num);
		snprintf(fmt, sizeof(fmt), "%%%ss", spec);
		if ((r = asprintf(&n, fmt, tmp)) == -1)
			err(1, NULL);
		free(tmp);
	} else if (conv != 's' && conv != 'r') {
		imp_err(ini->ctx, kv->file->path, kv->line, 0,
		    "%s: %%(%s)%c: a number is required", kv->key, name, conv);
		return (-1);
	} else {
		snprintf(fmt, sizeof(fmt), "%%%ss", spec);
		if ((r = asprintf(&n, fmt, strval)) == -1)
			err(1, NULL);
	}

	vl = strlen(n);
	while (*len + vl + 1 > *cap) {
		*cap = *cap * 2 + vl + 16;
		if ((*out = realloc(*out, *cap)) == NULL)
			err(1, NULL);
	}
	memcpy(*out + *len, n, vl + 1);
	*len += vl;
	free(n);
	return (0);
}

/*
 * The value of kv with supervisord's %(name)s expansions done, as Python's
 * `%` operator does them: `%%` is `%`, a lone `%` is an error.
 */
char *
ini_expand(struct ini *ini, const struct ini_kv *kv,
    const struct ini_exp *exp)
{
	const char	*s;
	char		*out;
	size_t		 len = 0, cap;

	cap = strlen(kv->val) + 1;
	if ((out = malloc(cap)) == NULL)
		err(1, NULL);
	out[0] = '\0';
	for (s = kv->val; *s != '\0'; ) {
		if (*s != '%') {
			if (len + 2 > cap) {
				cap = cap * 2 + 16;
				if ((out = realloc(out, cap)) == NULL)
					err(1, NULL);
			}
			out[len++] = *s++;
			out[len] = '\0';
			continue;
		}
		if (s[1] == '%') {
			if (len + 2 > cap) {
				cap = cap * 2 + 16;
				if ((out = realloc(out, cap)) == NULL)
					err(1, NULL);
			}
			out[len++] = '%';
			out[len] = '\0';
			s += 2;
			continue;
		}
		if (s[1] != '(') {
			imp_err(ini->ctx, kv->file->path, kv->line, 0,
			    "%s: a lone %% (write %%%% for a literal one): "
			    "\"%s\"", kv->key, kv->val);
			free(out);
			return (NULL);
		}
		s++;
		if (expand_one(ini, kv, exp, &s, &out, &len, &cap) == -1) {
			free(out);
			return (NULL);
		}
	}
	return (out);
}

/*
 * An expanded value for a field vigild expands itself: a literal `$` that
 * vigild would read as the start of `${` or `$$` is doubled, and deferred
 * references become ${NAME}.
 */
char *
ini_vigil(const char *s)
{
	char	*d, *p;

	if ((d = malloc(strlen(s) * 2 + 1)) == NULL)
		err(1, NULL);
	for (p = d; *s != '\0'; s++) {
		if (*s == '$') {
			*p++ = '$';
			if (s[1] == '{' || s[1] == '$' || s[1] == '\001')
				*p++ = '$';
		} else if (*s == '\001') {
			*p++ = '$';
			*p++ = '{';
		} else if (*s == '\002')
			*p++ = '}';
		else
			*p++ = *s;
	}
	*p = '\0';
	return (d);
}

int
ini_load(struct ini *ini, struct imp_ctx *ctx, const char *path)
{
	struct ini_file	*main;

	memset(ini, 0, sizeof(*ini));
	ini->ctx = ctx;
	TAILQ_INIT(&ini->secs);
	TAILQ_INIT(&ini->files);
	if (gethostname(ini->hostname, sizeof(ini->hostname)) == -1)
		strlcpy(ini->hostname, "localhost", sizeof(ini->hostname));
	ini->hostname[sizeof(ini->hostname) - 1] = '\0';
	main = file_add(ini, path);
	if (ini_read(ini, main) == -1)
		return (-1);
	return (ini_includes(ini, main));
}

void
ini_free(struct ini *ini)
{
	struct ini_sec	*s, *ts;
	struct ini_kv	*kv, *tkv;
	struct ini_file	*f, *tf;

	TAILQ_FOREACH_SAFE(s, &ini->secs, entry, ts) {
		TAILQ_FOREACH_SAFE(kv, &s->kvs, entry, tkv) {
			free(kv->key);
			free(kv->val);
			free(kv);
		}
		free(s->name);
		free(s);
	}
	TAILQ_FOREACH_SAFE(f, &ini->files, entry, tf) {
		free(f->path);
		free(f->abs);
		free(f->here);
		free(f);
	}
}

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
 * Reading a PM2 ecosystem file: libyaml reads both YAML and JSON (JSON is
 * YAML's flow style), and the accessors the mapping uses on an app.
 */

#include <sys/types.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "compat.h"
#include "config.h"
#include "vigilctl_import.h"
#include "vigilctl_import_pm2.h"

/*
 * Read and parse the file into p->doc.  JSON's surrogate pairs are made
 * YAML's first.  -1 (reported) on failure, with nothing to free but
 * p->dir.
 */
int
pm2_load(struct pm2 *p)
{
	struct imp_ctx	*ctx = p->ctx;
	yaml_parser_t	 parser;
	FILE		*fp;
	char		*buf = NULL, *abs;
	size_t		 sz = 0, len, i;

	p->file = ctx->path;
	abs = imp_abspath(ctx->path);
	p->dir = imp_dirname(abs);
	free(abs);

	if ((fp = fopen(ctx->path, "r")) == NULL) {
		imp_err(ctx, ctx->path, 0, 0, "%s", strerror(errno));
		goto fail;
	}
	len = 0;
	for (;;) {
		if (len + 4096 > sz) {
			sz = sz * 2 + 8192;
			if ((buf = realloc(buf, sz)) == NULL)
				err(1, NULL);
		}
		i = fread(buf + len, 1, sz - len - 1, fp);
		len += i;
		if (i == 0)
			break;
	}
	if (ferror(fp)) {
		imp_err(ctx, ctx->path, 0, 0, "%s", strerror(errno));
		fclose(fp);
		goto fail;
	}
	fclose(fp);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		imp_err(ctx, ctx->path, 0, 0, "a NUL byte in the file");
		goto fail;
	}
	pm2_fix_surrogates(buf);

	if (!yaml_parser_initialize(&parser))
		errx(1, "yaml_parser_initialize");
	yaml_parser_set_input_string(&parser, (unsigned char *)buf,
	    strlen(buf));
	if (!yaml_parser_load(&parser, &p->doc)) {
		imp_err(ctx, ctx->path, parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1, "%s%s%s",
		    parser.problem != NULL ? parser.problem : "syntax error",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
		yaml_parser_delete(&parser);
		goto fail;
	}
	yaml_parser_delete(&parser);
	free(buf);
	return (0);
 fail:
	free(buf);
	return (-1);

}

const char *
pm2_scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return (NULL);
	return ((const char *)n->data.scalar.value);
}

int
pm2_is_null(const yaml_node_t *n)
{
	const char	*s;

	if ((s = pm2_scalar(n)) == NULL)
		return (0);
	return (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (*s == '\0' || strcmp(s, "null") == 0 || strcmp(s, "~") == 0));
}

size_t
pm2_line(const yaml_node_t *n)
{
	return (n->start_mark.line + 1);
}

size_t
pm2_col(const yaml_node_t *n)
{
	return (n->start_mark.column + 1);
}

/* A node as one line of JSON-like text, for a comment. */
char *
pm2_flow(struct pm2 *p, yaml_node_t *n, int depth)
{
	yaml_node_item_t	*it;
	yaml_node_pair_t	*pr;
	char			*s, *a, *b, *t;

	if (n == NULL)
		return (imp_strdup(""));
	if (depth > 8)
		return (imp_strdup("..."));
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
		return (s);
	case YAML_SEQUENCE_NODE:
		s = imp_strdup("[");
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			a = pm2_flow(p, yaml_document_get_node(&p->doc, *it),
			    depth + 1);
			t = imp_printf("%s%s%s", s, it ==
			    n->data.sequence.items.start ? "" : ", ", a);
			free(a);
			free(s);
			s = t;
		}
		t = imp_printf("%s]", s);
		free(s);
		return (t);
	case YAML_MAPPING_NODE:
		s = imp_strdup("{");
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top; pr++) {
			a = pm2_flow(p, yaml_document_get_node(&p->doc, pr->key),
			    depth + 1);
			b = pm2_flow(p, yaml_document_get_node(&p->doc,
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
		return (t);
	default:
		return (imp_strdup(""));
	}
}

/* The value of key in the app (the last one, as JSON wants), or NULL. */
yaml_node_t *
app_get(struct app *a, const char *key)
{
	yaml_node_pair_t	*pr;
	yaml_node_t		*v = NULL;
	const char		*k;
	size_t			 i;

	for (i = 0; i < a->npairs; i++) {
		pr = a->node->data.mapping.pairs.start + i;
		k = pm2_scalar(yaml_document_get_node(&a->p->doc, pr->key));
		if (k != NULL && strcmp(k, key) == 0) {
			a->used[i] = 1;
			v = yaml_document_get_node(&a->p->doc, pr->value);
		}
	}
	return (v);
}

/* The first of several names (PM2's aliases) that is set. */
yaml_node_t *
app_get2(struct app *a, const char *const *keys)
{
	yaml_node_t	*v, *found = NULL;

	for (; *keys != NULL; keys++)
		if ((v = app_get(a, *keys)) != NULL && found == NULL)
			found = v;
	return (found);
}

/* A string option; non-scalars are errors. */
const char *
app_str(struct app *a, const char *const *keys, const char *what,
    yaml_node_t **np)
{
	yaml_node_t	*n;

	*np = n = app_get2(a, keys);
	if (n == NULL || pm2_is_null(n))
		return (NULL);
	if (pm2_scalar(n) == NULL) {
		imp_err(a->p->ctx, a->p->file, pm2_line(n), pm2_col(n),
		    "%s: expected a string", what);
		return (NULL);
	}
	return (pm2_scalar(n));
}

int
app_bool(struct app *a, yaml_node_t *n, const char *what, int *b)
{
	const char	*s = pm2_scalar(n);

	if (s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "yes") == 0)) {
		*b = 1;
		return (0);
	}
	if (s != NULL && (strcmp(s, "false") == 0 ||
	    strcmp(s, "False") == 0 || strcmp(s, "no") == 0)) {
		*b = 0;
		return (0);
	}
	imp_err(a->p->ctx, a->p->file, pm2_line(n), pm2_col(n),
	    "%s: expected true or false", what);
	return (-1);
}

/*
 * A PM2 time: a number of milliseconds, or with units (h, m, s) when
 * units is set (min_uptime).
 */
int
app_ms(struct app *a, yaml_node_t *n, const char *what, uint64_t *ms,
    int units)
{
	const char	*s = pm2_scalar(n), *e;
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
	return (0);
 bad:
	imp_err(a->p->ctx, a->p->file, pm2_line(n), pm2_col(n),
	    "%s: expected a number of milliseconds%s", what,
	    units ? " (or with h, m or s)" : "");
	return (-1);
}

/* args, interpreter_args: a list, or a string split like a shell. */
int
app_words(struct app *a, yaml_node_t *n, const char *what,
    struct imp_node *list)
{
	yaml_node_item_t	*it;
	yaml_node_t		*e;
	const char		*err;
	char			**argv, *d;
	size_t			 argc, i;

	if (n == NULL || pm2_is_null(n))
		return (0);
	if (n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			e = yaml_document_get_node(&a->p->doc, *it);
			if (pm2_scalar(e) == NULL) {
				imp_err(a->p->ctx, a->p->file, pm2_line(e),
				    pm2_col(e), "%s: expected strings", what);
				return (-1);
			}
			d = imp_dollar(pm2_scalar(e));
			imp_item(list, d, 0);
			free(d);
		}
		return (0);
	}
	if (pm2_scalar(n) == NULL) {
		imp_err(a->p->ctx, a->p->file, pm2_line(n), pm2_col(n),
		    "%s: expected a string or a list", what);
		return (-1);
	}
	if (config_split_command(pm2_scalar(n), &argv, &argc, &err) == -1) {
		imp_err(a->p->ctx, a->p->file, pm2_line(n), pm2_col(n),
		    "%s: %s", what, err);
		return (-1);
	}
	for (i = 0; i < argc; i++) {
		d = imp_dollar(argv[i]);
		imp_item(list, d, 0);
		free(d);
	}
	config_free_argv(argv);
	return (0);
}

/* The variables of an env mapping, over what env already holds. */
void
app_env(struct app *a, yaml_node_t *n, const char *what,
    struct imp_node *env)
{
	yaml_node_pair_t	*pr;
	yaml_node_t		*k, *v;
	char			*d, *f;

	if (n == NULL || pm2_is_null(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		f = pm2_flow(a->p, n, 0);
		imp_note(a->svc, "unsupported: %s = %s (not a mapping)",
		    what, f);
		free(f);
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(&a->p->doc, pr->key);
		v = yaml_document_get_node(&a->p->doc, pr->value);
		if (pm2_scalar(k) == NULL || pm2_scalar(v) == NULL || pm2_is_null(v) ||
		    isdigit((unsigned char)pm2_scalar(k)[0]) ||
		    strspn(pm2_scalar(k), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(pm2_scalar(k)) || *pm2_scalar(k) == '\0') {
			f = pm2_flow(a->p, v, 0);
			d = pm2_flow(a->p, k, 0);
			imp_note(a->svc, "unsupported: %s: %s = %s (vigil "
			    "takes a variable name and a string)", what, d,
			    f);
			free(d);
			free(f);
			continue;
		}
		d = imp_dollar(pm2_scalar(v));
		imp_str(env, pm2_scalar(k), d);
		free(d);
	}
}

/*
 * JSON may write a character outside the BMP as a UTF-16 surrogate pair,
 * "\ud83d\ude00", which YAML does not accept: rewrite it as \UXXXXXXXX
 * (in place, shorter).  Only inside double-quoted strings.
 */
void
pm2_fix_surrogates(char *s)
{
	char		*r = s, *w = s, hex[5];
	unsigned long	 hi, lo;
	int		 inq = 0;

	while (*r != '\0') {
		if (*r == '"') {
			inq = !inq;
			*w++ = *r++;
			continue;
		}
		if (inq && r[0] == '\\' && r[1] == 'u' &&
		    strspn(r + 2, "0123456789abcdefABCDEF") >= 4 &&
		    r[6] == '\\' && r[7] == 'u' &&
		    strspn(r + 8, "0123456789abcdefABCDEF") >= 4) {
			memcpy(hex, r + 2, 4);
			hex[4] = '\0';
			hi = strtoul(hex, NULL, 16);
			memcpy(hex, r + 8, 4);
			lo = strtoul(hex, NULL, 16);
			if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				w += snprintf(w, 11, "\\U%08lx", 0x10000 +
				    ((hi - 0xd800) << 10) + (lo - 0xdc00));
				r += 12;
				continue;
			}
		}
		if (inq && r[0] == '\\' && r[1] != '\0') {
			*w++ = *r++;
			*w++ = *r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

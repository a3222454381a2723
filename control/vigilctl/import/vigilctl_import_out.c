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
 * The output of vigilctl import: a tree of YAML mappings, lists, scalars
 * and comments, filled in by the importers in the order it is printed,
 * and printed at the end (so that a failed import prints nothing).
 */

#include <sys/queue.h>

#include <ctype.h>
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "vigilctl_import.h"

enum imp_type {
	IMP_MAP,
	IMP_LIST,
	IMP_SCALAR,
	IMP_COMMENT
};

struct imp_node {
	TAILQ_ENTRY(imp_node)	 entry;
	enum imp_type		 type;
	char			*key;		/* maps' children only */
	char			*value;		/* scalar (NULL: a placeholder
						   that is not printed) or
						   comment text */
	int			 raw;		/* print the scalar as is */
	TAILQ_HEAD(imp_nodes, imp_node) kids;
};

static struct imp_node	*node_new(enum imp_type, const char *);
static void		 node_free(struct imp_node *);
static struct imp_node	*node_find(struct imp_node *, const char *);
static struct imp_node	*node_set(struct imp_node *, const char *,
			    enum imp_type);
static int		 node_empty(struct imp_node *);
static int		 plain_ok(const char *);
static void		 put_scalar(FILE *, const char *, int);
static void		 put_comment(FILE *, int, const char *);
static void		 put_comments(FILE *, struct imp_node *, int);
static void		 put_map(FILE *, struct imp_node *, int, int);

/*
 * The tree.
 */

static struct imp_node *
node_new(enum imp_type type, const char *key)
{
	struct imp_node	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		err(1, NULL);
	n->type = type;
	if (key != NULL)
		n->key = imp_strdup(key);
	TAILQ_INIT(&n->kids);
	return (n);
}

static void
node_free(struct imp_node *n)
{
	struct imp_node	*k, *tk;

	if (n == NULL)
		return;
	TAILQ_FOREACH_SAFE(k, &n->kids, entry, tk) {
		TAILQ_REMOVE(&n->kids, k, entry);
		node_free(k);
	}
	free(n->key);
	free(n->value);
	free(n);
}

static struct imp_node *
node_find(struct imp_node *m, const char *key)
{
	struct imp_node	*k;

	TAILQ_FOREACH(k, &m->kids, entry)
		if (k->type != IMP_COMMENT && k->key != NULL &&
		    strcmp(k->key, key) == 0)
			return (k);
	return (NULL);
}

/* key's node of the given type: the existing one (in its place) or new. */
static struct imp_node *
node_set(struct imp_node *m, const char *key, enum imp_type type)
{
	struct imp_node	*n, *k, *tk;

	if (m->type != IMP_MAP)
		errx(1, "%s: not a map", __func__);
	if ((n = node_find(m, key)) == NULL) {
		n = node_new(type, key);
		TAILQ_INSERT_TAIL(&m->kids, n, entry);
		return (n);
	}
	if (n->type != type) {
		TAILQ_FOREACH_SAFE(k, &n->kids, entry, tk) {
			TAILQ_REMOVE(&n->kids, k, entry);
			node_free(k);
		}
		free(n->value);
		n->value = NULL;
		n->type = type;
	}
	return (n);
}

struct imp_node *
imp_map(struct imp_node *m, const char *key)
{
	return (node_set(m, key, IMP_MAP));
}

/* Set a string, quoted on output when YAML needs it; NULL: placeholder. */
void
imp_str(struct imp_node *m, const char *key, const char *value)
{
	struct imp_node	*n;

	n = node_set(m, key, IMP_SCALAR);
	free(n->value);
	n->value = value != NULL ? imp_strdup(value) : NULL;
	n->raw = 0;
}

/* Set a value printed as is: numbers, booleans, durations, sizes. */
void
imp_raw(struct imp_node *m, const char *key, const char *fmt, ...)
{
	struct imp_node	*n;
	va_list		 ap;
	char		*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		err(1, NULL);
	va_end(ap);
	n = node_set(m, key, IMP_SCALAR);
	free(n->value);
	n->value = s;
	n->raw = 1;
}

/* A new, empty flow list under key (replacing an old value). */
struct imp_node *
imp_list(struct imp_node *m, const char *key)
{
	struct imp_node	*n, *k, *tk;

	n = node_set(m, key, IMP_LIST);
	TAILQ_FOREACH_SAFE(k, &n->kids, entry, tk) {
		TAILQ_REMOVE(&n->kids, k, entry);
		node_free(k);
	}
	return (n);
}

void
imp_item(struct imp_node *l, const char *value, int raw)
{
	struct imp_node	*n;

	n = node_new(IMP_SCALAR, NULL);
	n->value = imp_strdup(value);
	n->raw = raw;
	TAILQ_INSERT_TAIL(&l->kids, n, entry);
}

/* A comment line in map m (several when the text has newlines). */
void
imp_note(struct imp_node *m, const char *fmt, ...)
{
	struct imp_node	*n;
	va_list		 ap;

	n = node_new(IMP_COMMENT, NULL);
	va_start(ap, fmt);
	if (vasprintf(&n->value, fmt, ap) == -1)
		err(1, NULL);
	va_end(ap);
	TAILQ_INSERT_TAIL(&m->kids, n, entry);
}

const char *
imp_get(struct imp_node *m, const char *key)
{
	struct imp_node	*n;

	if ((n = node_find(m, key)) == NULL || n->type != IMP_SCALAR)
		return (NULL);
	return (n->value);
}

void
imp_del(struct imp_node *m, const char *key)
{
	struct imp_node	*n;

	if ((n = node_find(m, key)) != NULL) {
		TAILQ_REMOVE(&m->kids, n, entry);
		node_free(n);
	}
}

/* The number of keys of m that will be printed. */
size_t
imp_count(struct imp_node *m)
{
	struct imp_node	*k;
	size_t		 n = 0;

	TAILQ_FOREACH(k, &m->kids, entry)
		if (k->type != IMP_COMMENT && !node_empty(k))
			n++;
	return (n);
}

/* The key of a node: a service's name. */
const char *
imp_name(struct imp_node *n)
{
	return (n->key != NULL ? n->key : "");
}

/* A node that prints nothing but comments. */
static int
node_empty(struct imp_node *n)
{
	struct imp_node	*k;

	switch (n->type) {
	case IMP_COMMENT:
		return (1);
	case IMP_SCALAR:
		return (n->value == NULL);
	case IMP_LIST:
		return (0);
	case IMP_MAP:
		TAILQ_FOREACH(k, &n->kids, entry)
			if (!node_empty(k))
				return (0);
		return (1);
	}
	return (1);
}

/*
 * YAML output.
 */

/*
 * Whether s can be printed as a plain scalar that reads back as the same
 * string, in block and in flow context.  Conservative: anything that
 * could be a number, a boolean or null, or holds an indicator, is quoted.
 */
static int
plain_ok(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "true", "false", "on", "off", "null",
		"~", "nan", "inf"
	};
	const unsigned char	*p;
	size_t			 i, len;

	len = strlen(s);
	if (len == 0 || isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[len - 1]))
		return (0);
	for (i = 0; i < nitems(words); i++)
		if (strcasecmp(s, words[i]) == 0)
			return (0);
	if (isdigit((unsigned char)s[0]) || s[0] == '.' || s[0] == '+')
		return (0);
	if (s[0] == '-' && (len == 1 || s[1] == ' ' || s[1] == '.' ||
	    isdigit((unsigned char)s[1]) || strcmp(s, "---") == 0))
		return (0);
	if (strchr("?:,[]{}#&*!|>'\"%@`<=", s[0]) != NULL)
		return (0);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			return (0);
		if (strchr(",[]{}\"'\\:", *p) != NULL)
			return (0);
		if (*p == '#' && p[-1] == ' ')
			return (0);
	}
	return (1);
}

static void
put_scalar(FILE *fp, const char *s, int raw)
{
	const unsigned char	*p;

	if (raw || plain_ok(s)) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\x%02x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

static void
put_comment(FILE *fp, int indent, const char *text)
{
	const char	*nl;

	do {
		nl = strchr(text, '\n');
		fprintf(fp, "%*s# %.*s\n", indent, "",
		    nl != NULL ? (int)(nl - text) : (int)strlen(text), text);
		text = nl + 1;
	} while (nl != NULL);
}

/* The comments of a map that prints no key, at the parent's level. */
static void
put_comments(FILE *fp, struct imp_node *m, int indent)
{
	struct imp_node	*k;

	TAILQ_FOREACH(k, &m->kids, entry) {
		if (k->type == IMP_COMMENT)
			put_comment(fp, indent, k->value);
		else if (k->type == IMP_MAP)
			put_comments(fp, k, indent);
	}
}

/*
 * spaced: blank lines between the child maps (services:), 2: also before
 * the first one and before the first key (the top level).
 */
static void
put_map(FILE *fp, struct imp_node *m, int indent, int spaced)
{
	struct imp_node	*k, *i;
	int		 first = 1, firstkey = 1;

	TAILQ_FOREACH(k, &m->kids, entry) {
		if (spaced == 2 && firstkey && k->type != IMP_COMMENT &&
		    k->type != IMP_MAP && !node_empty(k)) {
			fputc('\n', fp);
			firstkey = 0;
		}
		switch (k->type) {
		case IMP_COMMENT:
			put_comment(fp, indent, k->value);
			break;
		case IMP_SCALAR:
			if (k->value == NULL)
				break;
			fprintf(fp, "%*s", indent, "");
			put_scalar(fp, k->key, 0);
			fputs(": ", fp);
			put_scalar(fp, k->value, k->raw);
			fputc('\n', fp);
			break;
		case IMP_LIST:
			fprintf(fp, "%*s", indent, "");
			put_scalar(fp, k->key, 0);
			fputs(": [", fp);
			TAILQ_FOREACH(i, &k->kids, entry) {
				fputs(i == TAILQ_FIRST(&k->kids) ? " " : ", ",
				    fp);
				put_scalar(fp, i->value, i->raw);
			}
			fputs(TAILQ_EMPTY(&k->kids) ? "]\n" : " ]\n", fp);
			break;
		case IMP_MAP:
			if (node_empty(k)) {
				put_comments(fp, k, indent);
				break;
			}
			if (spaced == 2 || (spaced && !first))
				fputc('\n', fp);
			first = 0;
			firstkey = 0;
			fprintf(fp, "%*s", indent, "");
			put_scalar(fp, k->key, 0);
			fputs(":\n", fp);
			put_map(fp, k, indent + 2,
			    indent == 0 && strcmp(k->key, "services") == 0);
			break;
		}
	}
}

/* A new, empty top-level map. */
struct imp_node *
imp_root(void)
{
	return (node_new(IMP_MAP, NULL));
}

void
imp_free(struct imp_node *n)
{
	node_free(n);
}

/* Whether key is in map m, printed or not. */
int
imp_exists(struct imp_node *m, const char *key)
{
	return (node_find(m, key) != NULL);
}

/* The whole tree as YAML. */
void
imp_print(FILE *fp, struct imp_node *root)
{
	put_map(fp, root, 0, 2);
}

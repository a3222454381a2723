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
 * Positions, errors and the typed accessors of the YAML loader.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "log.h"

/*
 * Errors and positions.
 */

const char *
config_intern(struct config_ctx *ctx, const char *s)
{
	char	**n;

	if ((n = reallocarray(ctx->pool, ctx->npool + 1, sizeof(*n))) == NULL)
		fatal("%s", __func__);
	ctx->pool = n;
	if ((n[ctx->npool] = strdup(s)) == NULL)
		fatal("%s", __func__);
	return (n[ctx->npool++]);
}

struct config_lpos
config_node_pos(struct config_ctx *ctx, const yaml_node_t *node)
{
	struct config_lpos	p;

	p.file = ctx->file;
	p.line = node->start_mark.line + 1;
	p.col = node->start_mark.column + 1;
	return (p);
}

/* Registers a file in the order read (errors are sorted by it). */
size_t
config_file_index(struct config_ctx *ctx, const char *file)
{
	size_t	i;

	for (i = 0; i < ctx->nforder; i++)
		if (strcmp(ctx->forder[i], file) == 0)
			return (i);
	if ((ctx->forder = reallocarray(ctx->forder, i + 1,
	    sizeof(*ctx->forder))) == NULL)
		fatal("%s", __func__);
	ctx->forder[ctx->nforder++] = config_intern(ctx, file);
	return (i);
}

/* Adds a formatted message; positions sort the list at the end. */
void
config_raw(struct config_ctx *ctx, const char *file, size_t line, size_t col,
    char *msg)
{
	struct config_cerr	*n;
	size_t		 i;

	i = config_file_index(ctx, file);
	if ((n = reallocarray(ctx->cerrs, ctx->ncerrs + 1, sizeof(*n))) ==
	    NULL)
		fatal("%s", __func__);
	ctx->cerrs = n;
	n[ctx->ncerrs].fidx = i;
	n[ctx->ncerrs].line = line;
	n[ctx->ncerrs].col = col;
	n[ctx->ncerrs].seq = ctx->ncerrs;
	n[ctx->ncerrs].msg = msg;
	ctx->ncerrs++;
}

static int
config_cerr_cmp(const void *a, const void *b)
{
	const struct config_cerr	*x = a, *y = b;

	if (x->fidx != y->fidx)
		return (x->fidx < y->fidx ? -1 : 1);
	if (x->line != y->line)
		return (x->line < y->line ? -1 : 1);
	if (x->col != y->col)
		return (x->col < y->col ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Moves the errors, sorted by file (in the order read) and position. */
void
config_flush(struct config_ctx *ctx)
{
	size_t	i;

	if (ctx->ncerrs > 0)
		qsort(ctx->cerrs, ctx->ncerrs, sizeof(*ctx->cerrs),
		    config_cerr_cmp);
	for (i = 0; i < ctx->ncerrs; i++) {
		config_errors_add(ctx->errs, "%s", ctx->cerrs[i].msg);
		free(ctx->cerrs[i].msg);
	}
	free(ctx->cerrs);
	free(ctx->forder);
	ctx->cerrs = NULL;
	ctx->forder = NULL;
	ctx->ncerrs = ctx->nforder = 0;
}

static void
config_verr(struct config_ctx *ctx, const struct config_lpos *p,
    const char *fmt, va_list ap)
{
	const char	*file;
	char		*msg, *full;
	size_t		 line = 0, col = 0;

	if (ctx->quiet)
		return;
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("%s", __func__);
	file = ctx->file;
	if (p != NULL && p->file != NULL) {
		file = p->file;
		line = p->line;
		col = p->col;
	}
	if (line == 0) {
		if (asprintf(&full, "%s: %s", file, msg) == -1)
			fatal("%s", __func__);
	} else if (asprintf(&full, "%s:%zu:%zu: %s", file, line, col,
	    msg) == -1)
		fatal("%s", __func__);
	free(msg);
	config_raw(ctx, file, line, col, full);
}

void
config_err(struct config_ctx *ctx, const yaml_node_t *node, const char *fmt,
    ...)
{
	struct config_lpos	p;
	va_list		ap;

	p = config_node_pos(ctx, node);
	va_start(ap, fmt);
	config_verr(ctx, &p, fmt, ap);
	va_end(ap);
}

void
config_errp(struct config_ctx *ctx, const struct config_lpos *p,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	config_verr(ctx, p, fmt, ap);
	va_end(ap);
}

/*
 * Typed accessors.  Each reports its own error, naming the key (a dotted
 * path such as "health.interval") and `where` (" in service \"web\"",
 * " in defaults", or "" for the global keys).
 */

int
config_is_null(const yaml_node_t *n)
{
	const char	*v;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return (0);
	v = (const char *)n->data.scalar.value;
	if (*v != '\0' && *v != '~' && *v != 'n' && *v != 'N')
		return (0);	/* most scalars, at once */
	return (*v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0);
}

const char *
config_scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE || config_is_null(n))
		return (NULL);
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return (NULL);		/* an embedded NUL */
	return ((const char *)n->data.scalar.value);
}

int
config_str(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where, char **out)
{
	const char	*v;
	char		*s;

	if ((v = config_scalar(n)) == NULL) {
		config_err(ctx, n, "expected a string for %s%s", key, where);
		return (-1);
	}
	if ((s = strdup(v)) == NULL)
		fatal("%s", __func__);
	free(*out);
	*out = s;
	return (0);
}

int
config_bool(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where, int *out)
{
	const char	*v;

	if ((v = config_scalar(n)) != NULL) {
		if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
		    !strcasecmp(v, "on")) {
			*out = 1;
			return (0);
		}
		if (!strcasecmp(v, "false") || !strcasecmp(v, "no") ||
		    !strcasecmp(v, "off")) {
			*out = 0;
			return (0);
		}
	}
	config_err(ctx, n, "expected a boolean (true or false) for %s%s", key,
	    where);
	return (-1);
}

int
config_num(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where, long long min, long long max, long long *out)
{
	const char	*v, *errstr;
	long long	 x;

	if ((v = config_scalar(n)) == NULL) {
		config_err(ctx, n, "expected a number for %s%s", key, where);
		return (-1);
	}
	x = strtonum(v, min, max, &errstr);
	if (errstr != NULL) {
		if (strcmp(errstr, "invalid") == 0)
			config_err(ctx, n, "bad number \"%s\" for %s%s: not a "
			    "number", v, key, where);
		else
			config_err(ctx, n,
			    "bad number \"%s\" for %s%s: must be "
			    "between %lld and %lld", v, key, where, min, max);
		return (-1);
	}
	*out = x;
	return (0);
}

int
config_duration(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where, uint64_t *out)
{
	const char	*v, *errstr;

	if ((v = config_scalar(n)) == NULL) {
		config_err(ctx, n, "expected a duration for %s%s", key, where);
		return (-1);
	}
	if (config_parse_duration(v, out, &errstr) == -1) {
		config_err(ctx, n, "bad duration \"%s\" for %s%s: %s", v, key,
		    where, errstr);
		return (-1);
	}
	return (0);
}

int
config_size(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where, uint64_t *out)
{
	const char	*v, *errstr;

	if ((v = config_scalar(n)) == NULL) {
		config_err(ctx, n, "expected a size for %s%s", key, where);
		return (-1);
	}
	if (config_parse_size(v, out, &errstr) == -1) {
		config_err(ctx, n, "bad size \"%s\" for %s%s: %s", v, key,
		    where, errstr);
		return (-1);
	}
	return (0);
}

int
config_signal(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where, int *out)
{
	const char	*v, *errstr;

	if ((v = config_scalar(n)) == NULL) {
		config_err(ctx, n, "expected a signal for %s%s", key, where);
		return (-1);
	}
	if (config_parse_signal(v, out, &errstr) == -1) {
		config_err(ctx, n, "bad signal \"%s\" for %s%s: %s", v, key,
		    where, errstr);
		return (-1);
	}
	return (0);
}

/* "80%" or "80". */
int
config_percent(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where, long long min, long long max, unsigned int *out)
{
	const char	*v, *errstr;
	char		 buf[32];
	size_t		 len;
	long long	 x;

	if ((v = config_scalar(n)) == NULL) {
		config_err(ctx, n, "expected a percentage for %s%s", key,
		    where);
		return (-1);
	}
	len = strlcpy(buf, v, sizeof(buf));
	if (len >= sizeof(buf))
		len = 0;
	if (len > 0 && buf[len - 1] == '%')
		buf[--len] = '\0';
	x = strtonum(buf, min, max, &errstr);
	if (len == 0 || errstr != NULL) {
		config_err(ctx, n, "bad percentage \"%s\" for %s%s: must be "
		    "between %lld%% and %lld%%", v, key, where, min, max);
		return (-1);
	}
	*out = (unsigned int)x;
	return (0);
}

int
config_mapping(struct config_ctx *ctx, yaml_node_t *n, const char *key,
    const char *where)
{
	if (n->type == YAML_MAPPING_NODE)
		return (0);
	config_err(ctx, n, "expected a mapping for %s%s", key, where);
	return (-1);
}

/*
 * Checks a key of a mapping: a string, and not seen before in this
 * mapping.  Returns 0 if the pair is usable.
 */
int
config_dupkey(struct config_ctx *ctx, yaml_node_t *map, yaml_node_pair_t *pair,
    const char *prefix, const char *where)
{
	yaml_document_t		*doc = ctx->doc;
	yaml_node_pair_t	*p;
	yaml_node_t		*k, *pk;
	const char		*ks, *pks;
	size_t			 len;

	k = yaml_document_get_node(doc, pair->key);
	if ((ks = config_scalar(k)) == NULL) {
		config_err(ctx, k, "expected a string as key%s%s%s",
		    *prefix ? " in " : "", prefix, where);
		return (-1);
	}
	len = k->data.scalar.length;
	for (p = map->data.mapping.pairs.start; p < pair; p++) {
		pk = yaml_document_get_node(doc, p->key);
		/* The cheap tests first: a mapping of n keys costs n^2/2. */
		if (pk->type != YAML_SCALAR_NODE ||
		    pk->data.scalar.length != len ||
		    memcmp(pk->data.scalar.value, ks, len) != 0)
			continue;
		if ((pks = config_scalar(pk)) != NULL && strcmp(pks, ks) == 0) {
			config_err(ctx, k, "duplicate key \"%s%s%s\"%s", prefix,
			    *prefix ? "." : "", ks, where);
			return (-1);
		}
	}
	return (0);
}

/*
 * May a socket vigild binds name this host?  "*", "localhost" and
 * numeric addresses only: the root parent resolves no names (DESIGN: it
 * parses no network input), and AI_NUMERICHOST never asks a resolver.
 */
int
config_bind_host_ok(const char *host)
{
	struct addrinfo	 hints, *res;

	if (strcmp(host, "*") == 0 || strcmp(host, "localhost") == 0)
		return (1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return (0);
	freeaddrinfo(res);
	return (1);
}

/* "HOST:PORT" or "[V6]:PORT" into malloc'd host and port strings. */
int
config_hostport(const char *s, char **host, char **port)
{
	const char	*c, *h, *e;
	size_t		 hlen;

	*host = *port = NULL;
	if (*s == '[') {
		if ((e = strchr(s, ']')) == NULL || e[1] != ':')
			return (-1);
		h = s + 1;
		hlen = e - h;
		c = e + 1;
	} else {
		if ((c = strrchr(s, ':')) == NULL || memchr(s, ':', c - s))
			return (-1);
		h = s;
		hlen = c - s;
	}
	if (hlen == 0 || c[1] == '\0')
		return (-1);
	if ((*host = strndup(h, hlen)) == NULL ||
	    (*port = strdup(c + 1)) == NULL)
		fatal("%s", __func__);
	return (0);
}

/*
 * A path relative to dir (the directory of the file that names it),
 * unless absolute; malloc'd.  A file given as a bare name keeps its
 * includes relative to the current directory, as written.
 */
char *
config_relpath(struct config_ctx *ctx, const char *path, const char *dir)
{
	char	*s;

	if (*path == '/' || dir == NULL || strcmp(dir, ".") == 0) {
		if ((s = strdup(path)) == NULL)
			fatal("%s", __func__);
	} else if (asprintf(&s, "%s/%s", dir, path) == -1)
		fatal("%s", __func__);
	return (s);
}

/* Each item of a sequence, or the node itself when it is a scalar. */
yaml_node_t **
config_items(struct config_ctx *ctx, yaml_node_t *v, size_t *np)
{
	yaml_node_t		**n;
	yaml_node_item_t	 *it;
	size_t			  i = 0;

	if (v->type != YAML_SEQUENCE_NODE) {
		if ((n = calloc(1, sizeof(*n))) == NULL)
			fatal("%s", __func__);
		n[0] = v;
		*np = 1;
		return (n);
	}
	*np = v->data.sequence.items.top - v->data.sequence.items.start;
	if ((n = calloc(*np + 1, sizeof(*n))) == NULL)
		fatal("%s", __func__);
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++)
		n[i++] = yaml_document_get_node(ctx->doc, *it);
	return (n);
}

/* A list of strings (or one string) into a NULL-terminated argv. */
int
config_strlist(struct config_ctx *ctx, yaml_node_t *v, const char *key,
    const char *where, char ***argvp, size_t *argcp)
{
	yaml_node_t	**it;
	char		**argv;
	size_t		  n, i;

	if (v->type == YAML_MAPPING_NODE) {
		config_err(ctx, v, "expected a list for %s%s", key, where);
		return (-1);
	}
	it = config_items(ctx, v, &n);
	if ((argv = calloc(n + 1, sizeof(*argv))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < n; i++) {
		if (config_scalar(it[i]) == NULL) {
			config_err(ctx, it[i], "expected a string in %s%s", key,
			    where);
			config_free_argv(argv);
			free(it);
			return (-1);
		}
		argv[i] = xstrdup(config_scalar(it[i]));
	}
	free(it);
	*argvp = argv;
	*argcp = n;
	return (0);
}

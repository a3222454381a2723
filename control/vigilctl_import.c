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
 * vigilctl import FILE: the command, the format detection, and the output
 * tree every importer fills in and that is printed as YAML at the end (so
 * that a failed import prints nothing on stdout).
 */

#include <sys/queue.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
static int		 usage(void);
static int		 refuse_js(const char *, const char *);
static int		 sniff_ini(const char *);

/*
 * Memory: vigilctl is a short-lived client, so running out of memory is
 * fatal here.
 */

char *
imp_strdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		err(1, NULL);
	return p;
}

char *
imp_printf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r == -1)
		err(1, NULL);
	return s;
}

char *
imp_dirname(const char *path)
{
	char	*tmp, *d;

	tmp = imp_strdup(path);
	d = imp_strdup(dirname(tmp));
	free(tmp);
	return d;
}

/* An absolute path for path (which need not exist), without resolving. */
char *
imp_abspath(const char *path)
{
	char	 cwd[PATH_MAX], *p, *d;
	size_t	 len;

	if (path[0] == '/')
		return imp_strdup(path);
	if ((p = realpath(path, NULL)) != NULL)
		return p;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return imp_strdup(path);
	while (strncmp(path, "./", 2) == 0)
		path += 2;
	d = imp_printf("%s/%s", cwd, path);
	len = strlen(d);
	if (len > 2 && strcmp(d + len - 2, "/.") == 0)
		d[len - 2] = '\0';
	return d;
}

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
	return n;
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
			return k;
	return NULL;
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
		return n;
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
	return n;
}

struct imp_node *
imp_map(struct imp_node *m, const char *key)
{
	return node_set(m, key, IMP_MAP);
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
	return n;
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

int
imp_has(struct imp_node *m, const char *key)
{
	struct imp_node	*n;

	if ((n = node_find(m, key)) == NULL)
		return 0;
	return !node_empty(n);
}

const char *
imp_get(struct imp_node *m, const char *key)
{
	struct imp_node	*n;

	if ((n = node_find(m, key)) == NULL || n->type != IMP_SCALAR)
		return NULL;
	return n->value;
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
	return n;
}

/* A node that prints nothing but comments. */
static int
node_empty(struct imp_node *n)
{
	struct imp_node	*k;

	switch (n->type) {
	case IMP_COMMENT:
		return 1;
	case IMP_SCALAR:
		return n->value == NULL;
	case IMP_LIST:
		return 0;
	case IMP_MAP:
		TAILQ_FOREACH(k, &n->kids, entry)
			if (!node_empty(k))
				return 0;
		return 1;
	}
	return 1;
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
		return 0;
	for (i = 0; i < nitems(words); i++)
		if (strcasecmp(s, words[i]) == 0)
			return 0;
	if (isdigit((unsigned char)s[0]) || s[0] == '.' || s[0] == '+')
		return 0;
	if (s[0] == '-' && (len == 1 || s[1] == ' ' || s[1] == '.' ||
	    isdigit((unsigned char)s[1]) || strcmp(s, "---") == 0))
		return 0;
	if (strchr("?:,[]{}#&*!|>'\"%@`<=", s[0]) != NULL)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
		if (strchr(",[]{}\"'\\:", *p) != NULL)
			return 0;
		if (*p == '#' && p[-1] == ' ')
			return 0;
	}
	return 1;
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

/*
 * Helpers shared by the importers.
 */

/* "vigilctl import: FILE:LINE:COLUMN: message"; line, column 0: left out. */
void
imp_err(struct imp_ctx *ctx, const char *file, size_t line, size_t col,
    const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "vigilctl import: %s", file);
	if (line > 0)
		fprintf(stderr, ":%zu", line);
	if (line > 0 && col > 0)
		fprintf(stderr, ":%zu", col);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ctx->nerr++;
}

/*
 * The services: entry for a program called name, defined at file:line.
 * vigil names are [A-Za-z0-9_.-], at most 63 characters, not "all", not
 * starting with '.' or '-', and unique: anything else is renamed, with a
 * note saying so.
 */
struct imp_node *
imp_service(struct imp_ctx *ctx, const char *name, const char *file,
    size_t line)
{
	struct imp_node	*svc;
	char		 fixed[64], cand[80];
	size_t		 i, j;
	int		 n;

	for (i = 0, j = 0; name[i] != '\0' && j < sizeof(fixed) - 1; i++) {
		if (j == 0 && (name[i] == '.' || name[i] == '-'))
			continue;
		if (isascii((unsigned char)name[i]) &&
		    (isalnum((unsigned char)name[i]) || name[i] == '_' ||
		    name[i] == '-' || name[i] == '.'))
			fixed[j++] = name[i];
		else
			fixed[j++] = '_';
	}
	fixed[j] = '\0';
	if (j == 0)
		strlcpy(fixed, "service", sizeof(fixed));
	if (strcmp(fixed, "all") == 0)
		strlcpy(fixed, "all_", sizeof(fixed));
	strlcpy(cand, fixed, sizeof(cand));
	for (n = 2; node_find(ctx->services, cand) != NULL; n++)
		snprintf(cand, sizeof(cand), "%.58s-%d", fixed, n);

	svc = imp_map(ctx->services, cand);
	imp_note(svc, "from %s:%zu", file, line);
	if (strcmp(cand, name) != 0)
		imp_note(svc, "note: renamed from \"%s\" (vigil names are "
		    "unique and made of letters, digits, '_', '-', '.')",
		    name);
	return svc;
}

/*
 * Escape a literal string for a field vigild expands (command,
 * environment, directory): `$$` is a literal `$`, so every `$` that would
 * otherwise start `${` or `$$` is doubled.
 */
char *
imp_dollar(const char *s)
{
	char	*d, *p;

	if ((d = malloc(strlen(s) * 2 + 1)) == NULL)
		err(1, NULL);
	for (p = d; *s != '\0'; s++) {
		*p++ = *s;
		if (*s == '$' && (s[1] == '{' || s[1] == '$'))
			*p++ = '$';
	}
	*p = '\0';
	return d;
}

/* A vigil duration; the result lives until the fourth next call. */
const char *
imp_dur(uint64_t ms)
{
	static char	 buf[4][32];
	static int	 i;

	i = (i + 1) % 4;
	if (ms % 1000 != 0)
		snprintf(buf[i], sizeof(buf[i]), "%llums",
		    (unsigned long long)ms);
	else if (ms != 0 && ms % 3600000 == 0)
		snprintf(buf[i], sizeof(buf[i]), "%lluh",
		    (unsigned long long)(ms / 3600000));
	else if (ms != 0 && ms % 60000 == 0)
		snprintf(buf[i], sizeof(buf[i]), "%llum",
		    (unsigned long long)(ms / 60000));
	else
		snprintf(buf[i], sizeof(buf[i]), "%llus",
		    (unsigned long long)(ms / 1000));
	return buf[i];
}

/* A vigil size (1024-based units); same lifetime as imp_dur(). */
const char *
imp_size(uint64_t bytes)
{
	static char	 buf[4][32];
	static int	 i;
	static const char units[] = "KMGT";
	unsigned long long v = bytes;
	int		 u = -1;

	i = (i + 1) % 4;
	while (v != 0 && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf[i], sizeof(buf[i]), "%llu", v);
	else
		snprintf(buf[i], sizeof(buf[i]), "%llu%c", v, units[u]);
	return buf[i];
}

long
imp_ncpu(void)
{
	long	n;

	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		n = 1;
	return n;
}

/*
 * The command.
 */

static int
usage(void)
{
	fprintf(stderr, "usage: vigilctl import [--env NAME] FILE\n");
	return 2;
}

/* A JavaScript ecosystem file is a program: say so and how to convert it. */
static int
refuse_js(const char *path, const char *ext)
{
	char	*abs;

	abs = imp_abspath(path);
	fprintf(stderr, "vigilctl import: %s: a JavaScript ecosystem file is "
	    "code, not data: vigilctl does not run it.\n", path);
	if (strpbrk(abs, "'\"\\") != NULL) {
		free(abs);
		abs = imp_strdup("/path/to/ecosystem.config.js");
	}
	fprintf(stderr, "Convert it to JSON with node first, then import "
	    "the JSON file:\n");
	if (strcmp(ext, ".mjs") == 0)
		fprintf(stderr, "  node --input-type=module -e 'const m = "
		    "await import(\"%s\"); console.log(JSON.stringify("
		    "m.default, null, 2))' > ecosystem.json\n", abs);
	else
		fprintf(stderr, "  node -e 'console.log(JSON.stringify("
		    "require(\"%s\"), null, 2))' > ecosystem.json\n", abs);
	fprintf(stderr, "  vigilctl import ecosystem.json > vigild.conf\n");
	free(abs);
	return 1;
}

/*
 * A file without a telling extension: supervisord's if its first line
 * that is not blank or a comment is a [section] header or key = value,
 * PM2's (YAML or JSON) otherwise.  -1: unreadable.
 */
static int
sniff_ini(const char *path)
{
	FILE	*fp;
	char	*line = NULL, *p, *e;
	size_t	 sz = 0;
	int	 ini = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (getline(&line, &sz, fp) != -1) {
		p = line + strspn(line, " \t\r\n");
		if (*p == '\0' || *p == '#')
			continue;
		if (*p == ';') {
			ini = 1;
			break;
		}
		if (*p == '[' && (e = strchr(p, ']')) != NULL &&
		    e > p + 1 && strcspn(p + 1, "{}\",'[") >=
		    (size_t)(e - p - 1))
			ini = 1;
		break;
	}
	free(line);
	fclose(fp);
	return ini;
}

int
vigilctl_import(int argc, char *argv[])
{
	struct imp_ctx	 ctx;
	const char	*file, *base, *ext;
	int		 i, ini, rv;

	memset(&ctx, 0, sizeof(ctx));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--env") == 0) {
			if (++i == argc)
				return usage();
			ctx.envname = argv[i];
		} else if (strncmp(argv[i], "--env=", 6) == 0)
			ctx.envname = argv[i] + 6;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "vigilctl import: unknown option: "
			    "%s\n", argv[i]);
			return usage();
		} else
			break;
	}
	if (argc - i != 1)
		return usage();
	if (ctx.envname != NULL && ctx.envname[0] == '\0')
		return usage();
	file = ctx.path = argv[i];

	base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
	ext = strrchr(base, '.') != NULL ? strrchr(base, '.') : "";
	if (strcasecmp(ext, ".js") == 0 || strcasecmp(ext, ".cjs") == 0 ||
	    strcasecmp(ext, ".mjs") == 0)
		return refuse_js(file, ext);
	if (strcasecmp(ext, ".json") == 0 || strcasecmp(ext, ".yml") == 0 ||
	    strcasecmp(ext, ".yaml") == 0)
		ini = 0;
	else if (strcasecmp(ext, ".conf") == 0 ||
	    strcasecmp(ext, ".ini") == 0)
		ini = 1;
	else if ((ini = sniff_ini(file)) == -1) {
		fprintf(stderr, "vigilctl import: %s: %s\n", file,
		    strerror(errno));
		return 1;
	}
	if (ini && ctx.envname != NULL) {
		fprintf(stderr, "vigilctl import: --env selects a PM2 "
		    "env_NAME block; %s is a supervisord file\n", file);
		return usage();
	}

	ctx.root = node_new(IMP_MAP, NULL);
	if (ini)
		imp_note(ctx.root, "vigild.conf(5) made by `vigilctl import "
		    "%s` from a supervisord configuration.", file);
	else
		imp_note(ctx.root, "vigild.conf(5) made by `vigilctl import "
		    "%s%s%s` from a PM2 ecosystem file.",
		    ctx.envname != NULL ? "--env " : "",
		    ctx.envname != NULL ? ctx.envname : "",
		    ctx.envname != NULL ? " " : "", file);
	imp_note(ctx.root, "Lines \"# unsupported:\" list what vigil has no "
	    "equivalent for, \"# note:\" where it differs.\n"
	    "Check it with `vigild -n -f FILE` before use.");

	rv = ini ? imp_supervisord(&ctx) : imp_pm2(&ctx);
	if (rv == -1 || ctx.nerr > 0) {
		node_free(ctx.root);
		return 1;
	}
	put_map(stdout, ctx.root, 0, 2);
	node_free(ctx.root);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("import: stdout");
		return 1;
	}
	return 0;
}

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
 * vigilctl import [--env NAME] FILE: the command, the choice of importer
 * (supervisord: vigilctl_import_sup.c, PM2: vigilctl_import_pm2.c), and
 * the helpers they share.  The output is built as a tree
 * (vigilctl_import_out.c) and printed only when the import succeeded.
 */

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
	return (p);
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
	return (s);
}

char *
imp_dirname(const char *path)
{
	char	*tmp, *d;

	tmp = imp_strdup(path);
	d = imp_strdup(dirname(tmp));
	free(tmp);
	return (d);
}

/* An absolute path for path (which need not exist), without resolving. */
char *
imp_abspath(const char *path)
{
	char	 cwd[PATH_MAX], *p, *d;
	size_t	 len;

	if (path[0] == '/')
		return (imp_strdup(path));
	if ((p = realpath(path, NULL)) != NULL)
		return (p);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return (imp_strdup(path));
	while (strncmp(path, "./", 2) == 0)
		path += 2;
	d = imp_printf("%s/%s", cwd, path);
	len = strlen(d);
	if (len > 2 && strcmp(d + len - 2, "/.") == 0)
		d[len - 2] = '\0';
	return (d);
}

/* dir/path, without "./" components; path itself if absolute. */
char *
imp_join(const char *dir, const char *path)
{
	if (path[0] == '/')
		return (imp_strdup(path));
	for (;;) {
		if (strncmp(path, "./", 2) == 0)
			path += 2;
		else if (path[0] == '/')
			path++;
		else
			break;
	}
	if (path[0] == '\0' || strcmp(path, ".") == 0)
		return (imp_strdup(dir));
	return (imp_printf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ?
	    "" : "/", path));
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
	for (n = 2; imp_exists(ctx->services, cand); n++)
		snprintf(cand, sizeof(cand), "%.58s-%d", fixed, n);

	svc = imp_map(ctx->services, cand);
	imp_note(svc, "from %s:%zu", file, line);
	if (strcmp(cand, name) != 0)
		imp_note(svc, "note: renamed from \"%s\" (vigil names are "
		    "unique and made of letters, digits, '_', '-', '.')",
		    name);
	return (svc);
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
	return (d);
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
	return (buf[i]);
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
	return (buf[i]);
}

long
imp_ncpu(void)
{
	long	n;

	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		n = 1;
	return (n);
}

/*
 * The command.
 */

static int
usage(void)
{
	fprintf(stderr, "usage: vigilctl import [--env NAME] FILE\n");
	return (2);
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
	return (1);
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
		return (-1);
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
	return (ini);
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
				return (usage());
			ctx.envname = argv[i];
		} else if (strncmp(argv[i], "--env=", 6) == 0)
			ctx.envname = argv[i] + 6;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "vigilctl import: unknown option: "
			    "%s\n", argv[i]);
			return (usage());
		} else
			break;
	}
	if (argc - i != 1)
		return (usage());
	if (ctx.envname != NULL && ctx.envname[0] == '\0')
		return (usage());
	file = ctx.path = argv[i];

	base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
	ext = strrchr(base, '.') != NULL ? strrchr(base, '.') : "";
	if (strcasecmp(ext, ".js") == 0 || strcasecmp(ext, ".cjs") == 0 ||
	    strcasecmp(ext, ".mjs") == 0)
		return (refuse_js(file, ext));
	if (strcasecmp(ext, ".json") == 0 || strcasecmp(ext, ".yml") == 0 ||
	    strcasecmp(ext, ".yaml") == 0)
		ini = 0;
	else if (strcasecmp(ext, ".conf") == 0 ||
	    strcasecmp(ext, ".ini") == 0)
		ini = 1;
	else if ((ini = sniff_ini(file)) == -1) {
		fprintf(stderr, "vigilctl import: %s: %s\n", file,
		    strerror(errno));
		return (1);
	}
	if (ini && ctx.envname != NULL) {
		fprintf(stderr, "vigilctl import: --env selects a PM2 "
		    "env_NAME block; %s is a supervisord file\n", file);
		return (usage());
	}

	ctx.root = imp_root();
	if (ini)
		imp_note(ctx.root, "vigild.conf(5) made by `vigilctl import "
		    "%s` from a supervisord configuration.", file);
	else
		imp_note(ctx.root, "vigild.conf(5) made by `vigilctl import "
		    "%s%s%s%s` from a PM2 ecosystem file.",
		    ctx.envname != NULL ? "--env " : "",
		    ctx.envname != NULL ? ctx.envname : "",
		    ctx.envname != NULL ? " " : "", file);
	imp_note(ctx.root, "Lines \"# unsupported:\" list what vigil has no "
	    "equivalent for, \"# note:\" where it differs.\n"
	    "Check it with `vigild -n -f FILE` before use.");

	rv = ini ? imp_supervisord(&ctx) : imp_pm2(&ctx);
	if (rv == -1 || ctx.nerr > 0) {
		imp_free(ctx.root);
		return (1);
	}
	imp_print(stdout, ctx.root);
	imp_free(ctx.root);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("import: stdout");
		return (1);
	}
	return (0);
}

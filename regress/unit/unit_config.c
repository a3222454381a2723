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
 * Helpers shared by the configuration loader's unit tests: a private
 * temporary directory, files written there, loads that must succeed and
 * loads that must fail with exactly the given errors.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_config.h"

char	tmpdir[PATH_MAX];

void
unit_config_begin(const char *name)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s.XXXXXX", name);
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) == -1) {
		perror("mkdtemp");
		exit(2);
	}
}

int
unit_config_end(void)
{
	if (chdir("/") == 0) {
		char	cmd[PATH_MAX + 16];

		if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir) >=
		    (int)sizeof(cmd) || system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	if (nfail) {
		printf("%d failed\n", nfail);
		return 1;
	}
	return 0;
}

void
write_file(const char *name, const char *content)
{
	FILE	*fp;

	if ((fp = fopen(name, "w")) == NULL) {
		perror(name);
		exit(2);
	}
	fputs(content, fp);
	fclose(fp);
	chmod(name, 0644);
}

/* "@" in s stands for the temporary directory. */
char *
subst(const char *s)
{
	char	*r, *p;
	size_t	 n = 0;

	for (p = (char *)s; *p; p++)
		n += *p == '@' ? strlen(tmpdir) : 1;
	if ((r = malloc(n + 1)) == NULL)
		exit(2);
	for (p = r; *s; s++) {
		if (*s == '@') {
			strcpy(p, tmpdir);
			p += strlen(tmpdir);
		} else
			*p++ = *s;
	}
	*p = '\0';
	return r;
}

char *
joined(const struct config_errors *e)
{
	char	*s = NULL, *t;
	size_t	 i;

	for (i = 0; i < e->nerrs; i++) {
		if (asprintf(&t, "%s%s\n", s ? s : "", e->errs[i]) == -1)
			exit(2);
		free(s);
		s = t;
	}
	return s ? s : strdup("");
}

struct vigil_conf *
load_ok(const char *desc, const char *name, const char *content, int flags)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	char			*got;

	if (content != NULL)
		write_file(name, content);
	config_errors_init(&e);
	c = config_load(name, flags, &e);
	got = joined(&e);
	check(c != NULL && e.nerrs == 0, "%s: loads (%s)", desc, got);
	free(got);
	config_errors_free(&e);
	return c;
}

/* want: every error, each followed by a newline; "@" is the temp dir. */
void
load_bad(const char *desc, const char *content, int flags, const char *want)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	char			*got, *w;

	write_file("t.conf", content);
	config_errors_init(&e);
	c = config_load("t.conf", flags, &e);
	got = joined(&e);
	w = subst(want);
	check(c == NULL && strcmp(got, w) == 0, "%s", desc);
	if (c != NULL || strcmp(got, w) != 0)
		printf("# want:\n%s# got:\n%s", w, got);
	free(got);
	free(w);
	config_free(c);
	config_errors_free(&e);
}

int
argv_is(char **argv, size_t argc, const char *want)
{
	char	buf[1024] = "";
	size_t	i;

	for (i = 0; i < argc; i++) {
		if (i)
			strlcat(buf, "|", sizeof(buf));
		strlcat(buf, argv[i], sizeof(buf));
	}
	return argv[argc] == NULL && strcmp(buf, want) == 0;
}

const char *
env_of(const struct config_svc *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->nenv; i++)
		if (strcmp(s->env[i].name, name) == 0)
			return s->env[i].value;
	return NULL;
}

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
 * The two parsers of vigilctl's supervisorctl name, apart so that a fuzzer
 * drives them (regress/fuzz/fuzz_supconf.c): the argument line split
 * again, and the socket of a supervisord configuration file.
 */

#include <sys/types.h>

#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigilctl_ini.h"
#include "vigilctl_supconf.h"

/*
 * Its argument vector joined with spaces and split again (Ansible passes
 * 'signal HUP' as one word).  One allocation: free() the vector.
 */
char **
vctl_sup_resplit(int argc, char **argv, int *nargc)
{
	char	**nv, *line, *p, *tok;
	size_t	  len = 1;
	int	  i, n = 0;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	/* len words at most, then the line they point into */
	if ((nv = calloc(1, (len + 1) * sizeof(*nv) + len)) == NULL)
		err(1, NULL);
	line = (char *)(nv + len + 1);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strlcat(line, " ", len);
		strlcat(line, argv[i], len);
	}
	for (p = line; (tok = strsep(&p, " \t\n\r\f\v")) != NULL;)
		if (*tok != '\0')
			nv[n++] = tok;
	nv[n] = NULL;
	*nargc = n;
	return (nv);
}

/* A value with %(here)s (the file's directory) expanded. */
static int
sup_here(const char *val, const char *here, char *buf, size_t len)
{
	const char	*p;

	buf[0] = '\0';
	while ((p = strstr(val, "%(here)s")) != NULL) {
		if ((size_t)(p - val) >= len - strlen(buf))
			return (-1);
		strncat(buf, val, p - val);
		if (strlcat(buf, here, len) >= len)
			return (-1);
		val = p + 8;
	}
	return (strlcat(buf, val, len) >= len ? -1 : 0);
}

/* What sup_line() keeps of the file. */
struct sup_reading {
	char		 here[PATH_MAX];	/* %(here)s */
	char		 sec[64];
	char		 url[PATH_MAX];
	char		 file[PATH_MAX];
};

/* Lines it does not understand are not its business: skipped. */
static int
sup_line(const struct vctl_ini_line *l, void *arg)
{
	struct sup_reading	*r = arg;

	if (l->what == VCTL_INI_SECTION)
		strlcpy(r->sec, l->section, sizeof(r->sec));
	else if (l->what != VCTL_INI_KEY)
		return (0);
	else if (strcmp(r->sec, "supervisorctl") == 0 &&
	    strcmp(l->key, "serverurl") == 0)
		(void)sup_here(l->value, r->here, r->url, sizeof(r->url));
	else if (strcmp(r->sec, "unix_http_server") == 0 &&
	    strcmp(l->key, "file") == 0)
		(void)sup_here(l->value, r->here, r->file, sizeof(r->file));
	return (0);
}

/*
 * The socket of a supervisord configuration: [supervisorctl] serverurl
 * (unix://PATH), else [unix_http_server] file.  NULL if it names none
 * (or only an http:// URL, which vigild does not serve).
 */
const char *
vctl_sup_conf_socket(const char *path)
{
	static char		 sock[PATH_MAX];
	struct sup_reading	 r;
	char			*slash;
	FILE			*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	memset(&r, 0, sizeof(r));
	strlcpy(r.here, path, sizeof(r.here));
	if ((slash = strrchr(r.here, '/')) != NULL)
		*slash = '\0';
	else
		strlcpy(r.here, ".", sizeof(r.here));
	(void)vctl_ini_read(fp, sup_line, &r);
	fclose(fp);
	if (strncmp(r.url, "unix://", 7) == 0 && r.url[7] != '\0')
		strlcpy(sock, r.url + 7, sizeof(sock));
	else if (r.file[0] != '\0')
		strlcpy(sock, r.file, sizeof(sock));
	else
		return (NULL);
	return (sock);
}

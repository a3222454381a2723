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

#include <ctype.h>
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static char *
sup_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
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

/*
 * The socket of a supervisord configuration: [supervisorctl] serverurl
 * (unix://PATH), else [unix_http_server] file.  NULL if it names none
 * (or only an http:// URL, which vigild does not serve).
 */
const char *
vctl_sup_conf_socket(const char *path)
{
	static char	 sock[PATH_MAX];
	char		 here[PATH_MAX], url[PATH_MAX], file[PATH_MAX];
	char		*line = NULL, *p, *k, *val, sec[64], *slash;
	size_t		 cap = 0;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	strlcpy(here, path, sizeof(here));
	if ((slash = strrchr(here, '/')) != NULL)
		*slash = '\0';
	else
		strlcpy(here, ".", sizeof(here));
	url[0] = file[0] = sec[0] = '\0';
	while (getline(&line, &cap, fp) != -1) {
		if (line[0] == ';' || line[0] == '#')
			continue;
		p = sup_trim(line);
		if (*p == '[') {
			if ((k = strchr(p, ']')) != NULL)
				*k = '\0';
			strlcpy(sec, sup_trim(p + 1), sizeof(sec));
			continue;
		}
		if ((val = strpbrk(p, "=:")) == NULL)
			continue;
		*val++ = '\0';
		k = sup_trim(p);
		for (p = val; *p != '\0'; p++)	/* "x ; comment" */
			if (*p == ';' && p > val && isspace((unsigned char)p[-1]))
				*p = '\0';
		val = sup_trim(val);
		if (strcmp(sec, "supervisorctl") == 0 &&
		    strcasecmp(k, "serverurl") == 0)
			(void)sup_here(val, here, url, sizeof(url));
		else if (strcmp(sec, "unix_http_server") == 0 &&
		    strcasecmp(k, "file") == 0)
			(void)sup_here(val, here, file, sizeof(file));
	}
	free(line);
	fclose(fp);
	if (strncmp(url, "unix://", 7) == 0 && url[7] != '\0')
		strlcpy(sock, url + 7, sizeof(sock));
	else if (file[0] != '\0')
		strlcpy(sock, file, sizeof(sock));
	else
		return (NULL);
	return (sock);
}


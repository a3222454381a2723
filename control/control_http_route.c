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
 * Parsing for the HTTP API (control_http_route.h).  Everything here reads bytes a
 * network peer chose: bounded, no allocation, fuzzed by
 * regress/fuzz/fuzz_http_api.c.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "control_http_route.h"

#define CTL_HTTP_PREFIX		"/api/v1/"

static int
control_http_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Percent-decode one path segment of len bytes; -1 if bad or too long. */
static int
control_http_decode(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	 i, o = 0;
	int	 h, l;

	for (i = 0; i < len; i++) {
		if (o + 1 >= outlen)
			return (-1);
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= len)
			return (-1);
		if ((h = control_http_hexval((unsigned char)s[i + 1])) == -1 ||
		    (l = control_http_hexval((unsigned char)s[i + 2])) == -1)
			return (-1);
		if ((h << 4 | l) == 0)
			return (-1);
		out[o++] = (char)(h << 4 | l);
		i += 2;
	}
	out[o] = '\0';
	return (0);
}

/*
 * A service name (letters, digits, '.', '_', '-', not starting with '.'
 * or '-', at most VIGIL_NAMEMAX-1, not "all"), maybe ":N".
 */
static int
control_http_name_ok(const char *s)
{
	size_t	 n = 0, d = 0;

	if (*s == '.' || *s == '-')
		return (0);
	for (; *s != '\0' && *s != ':'; s++, n++)
		if (!isascii((unsigned char)*s) ||
		    (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' &&
		    *s != '-'))
			return (0);
	if (n == 0 || n >= VIGIL_NAMEMAX)
		return (0);
	if (n == 3 && strncmp(s - 3, "all", 3) == 0)
		return (0);
	if (*s == '\0')
		return (1);
	for (s++; *s != '\0'; s++, d++)
		if (!isdigit((unsigned char)*s))
			return (0);
	return (d >= 1 && d <= 4);
}

/*
 * The value of the query parameter key (up to the next '&'), copied to
 * buf, not decoded (the values here are words and numbers): 1 found, 0
 * not there, -1 too long.
 */
static int
control_http_query(const char *q, const char *key, char *buf, size_t len)
{
	const char	*p = q, *e;
	size_t		 n, klen = strlen(key);

	while (p != NULL && *p != '\0') {
		e = strchr(p, '&');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			n -= klen + 1;
			if (n >= len)
				return (-1);
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return (1);
		}
		p = e != NULL ? e + 1 : NULL;
	}
	return (0);
}

/* "1" or "true" of key; 0 when absent or anything else. */
static int
control_http_query_bool(const char *q, const char *key)
{
	char	 v[8];

	if (q == NULL || control_http_query(q, key, v, sizeof(v)) != 1)
		return (0);
	return (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* ?signal=NAME for signal, ?lines=N&stream=S&follow=1 for log. */
static void
control_http_params(struct control_http_route *r, const char *q)
{
	char		 v[16];
	const char	*errstr;
	long long	 n;
	int		 sig, f;

	if (r->kind == CTL_HTTP_ACTION && r->cmd == CTL_CMD_SIGNAL &&
	    q != NULL && (f = control_http_query(q, "signal", v,
	    sizeof(v))) != 0) {
		if (f == -1 || config_parse_signal(v, &sig, &errstr) == -1) {
			r->status = 400;
			return;
		}
		r->signo = sig;
		/* In the path the parent logs: "...signal?signal=USR1". */
		if (config_signame(sig) != NULL)
			snprintf(v, sizeof(v), "%s", config_signame(sig));
		else
			snprintf(v, sizeof(v), "%d", sig);
		if (strlcat(r->path, "?signal=", sizeof(r->path)) >=
		    sizeof(r->path) || strlcat(r->path, v, sizeof(r->path)) >=
		    sizeof(r->path))
			r->status = 400;
	}
	if (r->kind != CTL_HTTP_LOG)
		return;
	r->lines = CTL_HTTP_LOGLINES;
	r->follow = control_http_query_bool(q, "follow");
	if (q == NULL)
		return;
	if ((f = control_http_query(q, "lines", v, sizeof(v))) != 0) {
		n = f == 1 ? strtonum(v, 0, CTL_HTTP_LOGMAX, &errstr) : -1;
		if (f == -1 || errstr != NULL) {
			r->status = 400;
			return;
		}
		r->lines = (uint32_t)n;
	}
	if ((f = control_http_query(q, "stream", v, sizeof(v))) != 0) {
		if (f == 1 && strcmp(v, "stderr") == 0)
			r->err = 1;
		else if (f == -1 || strcmp(v, "stdout") != 0)
			r->status = 400;
	}
}

/* No such resource after all: 404, nothing kept. */
static void
control_http_none(struct control_http_route *r)
{
	r->kind = CTL_HTTP_NONE;
	r->status = 404;
	r->cmd = 0;
	r->name[0] = '\0';
	r->path[0] = '\0';
}

static void
control_http_method(struct control_http_route *r, const char *method, int post)
{
	int	 get = strcmp(method, "GET") == 0 ||
		    strcmp(method, "HEAD") == 0;

	r->post = post;
	if (post ? strcmp(method, "POST") == 0 : get)
		return;
	r->status = 405;
	r->allow = post ? "POST" : "GET, HEAD";
}

void
control_http_route(const char *method, const char *uri, struct control_http_route *r)
{
	const char	*q, *rest, *slash;
	char		 seg[CTL_TARGETMAX], act[16];
	size_t		 plen;
	int		 all;

	memset(r, 0, sizeof(*r));
	r->status = 404;
	if (method == NULL || uri == NULL)
		return;
	if ((q = strchr(uri, '?')) != NULL)
		plen = (size_t)(q - uri);
	else
		plen = strlen(uri);
	if (plen == 0 || plen >= CTL_HTTP_URIMAX || uri[0] != '/')
		return;
	if (q != NULL)
		q++;
	r->wait = control_http_query_bool(q, "wait");
	r->status = 0;

#define IS(s)	(plen == strlen(s) && strncmp(uri, (s), plen) == 0)
	if (IS("/")) {
		r->kind = CTL_HTTP_INDEX;
		strlcpy(r->path, "/", sizeof(r->path));
		control_http_method(r, method, 0);
		return;
	}
	if (IS("/console.js") || IS("/console.css")) {
		r->kind = CTL_HTTP_ASSET;
		r->asset = IS("/console.js") ? CTL_HTTP_ASSET_JS :
		    CTL_HTTP_ASSET_CSS;
		strlcpy(r->path, r->asset == CTL_HTTP_ASSET_JS ?
		    "/console.js" : "/console.css", sizeof(r->path));
		control_http_method(r, method, 0);
		return;
	}
	if (IS("/metrics")) {
		r->kind = CTL_HTTP_METRICS;
		strlcpy(r->path, "/metrics", sizeof(r->path));
		control_http_method(r, method, 0);
		return;
	}
	if (IS("/api/v1/services") || IS("/api/v1/services/")) {
		r->kind = CTL_HTTP_SERVICES;
		strlcpy(r->path, "/api/v1/services", sizeof(r->path));
		control_http_method(r, method, 0);
		return;
	}
	if (IS("/api/v1/events")) {
		r->kind = CTL_HTTP_EVENTS;
		strlcpy(r->path, "/api/v1/events", sizeof(r->path));
		control_http_method(r, method, 0);
		return;
	}
	if (IS("/api/v1/reload")) {
		r->kind = CTL_HTTP_RELOAD;
		r->cmd = CTL_CMD_RELOAD;
		strlcpy(r->path, "/api/v1/reload", sizeof(r->path));
		control_http_method(r, method, 1);
		return;
	}
#undef IS
	r->status = 404;
	if (plen > 9 && strncmp(uri, "/service/", 9) == 0) {
		if (control_http_decode(uri + 9, plen - 9, seg,
		    sizeof(seg)) == -1 || strchr(seg, '/') != NULL ||
		    !control_http_name_ok(seg))
			return;
		strlcpy(r->name, seg, sizeof(r->name));
		r->kind = CTL_HTTP_PAGE;
		r->status = 0;
		if (snprintf(r->path, sizeof(r->path), "/service/%s",
		    r->name) >= (int)sizeof(r->path)) {
			control_http_none(r);
			return;
		}
		control_http_method(r, method, 0);
		return;
	}
	if (plen <= sizeof("/api/v1/services/") - 1 ||
	    strncmp(uri, "/api/v1/services/", 17) != 0)
		return;
	rest = uri + 17;
	plen -= 17;
	slash = memchr(rest, '/', plen);
	if (control_http_decode(rest, slash != NULL ? (size_t)(slash - rest) :
	    plen, seg, sizeof(seg)) == -1)
		return;
	/* "all" names every process, for an action only. */
	all = strcmp(seg, "all") == 0;
	if (!all && !control_http_name_ok(seg))
		return;
	strlcpy(r->name, seg, sizeof(r->name));
	if (slash == NULL) {
		if (all) {
			r->name[0] = '\0';
			return;
		}
		r->kind = CTL_HTTP_SERVICE;
		r->status = 0;
		if (snprintf(r->path, sizeof(r->path), "/api/v1/services/%s",
		    r->name) >= (int)sizeof(r->path))
			r->status = 404;
		control_http_method(r, method, 0);
		return;
	}
	plen -= (size_t)(slash - rest) + 1;
	if (plen == 0 || plen >= sizeof(act)) {
		r->name[0] = '\0';
		return;
	}
	memcpy(act, slash + 1, plen);
	act[plen] = '\0';
	r->kind = CTL_HTTP_ACTION;
	if (strcmp(act, "start") == 0)
		r->cmd = CTL_CMD_START;
	else if (strcmp(act, "stop") == 0)
		r->cmd = CTL_CMD_STOP;
	else if (strcmp(act, "restart") == 0)
		r->cmd = CTL_CMD_RESTART;
	else if (strcmp(act, "signal") == 0)
		r->cmd = CTL_CMD_SIGNAL;
	else if (strcmp(act, "info") == 0 && !all)
		r->kind = CTL_HTTP_INFO;
	else if (strcmp(act, "log") == 0 && !all)
		r->kind = CTL_HTTP_LOG;
	else {
		control_http_none(r);
		return;
	}
	r->status = 0;
	if (snprintf(r->path, sizeof(r->path), "/api/v1/services/%s/%s",
	    r->name, act) >= (int)sizeof(r->path)) {
		control_http_none(r);
		return;
	}
	control_http_method(r, method, r->kind == CTL_HTTP_ACTION);
	if (r->kind == CTL_HTTP_LOG)
		r->post = 1;		/* tail's rule: the token */
	if (r->status == 0)
		control_http_params(r, q);
}

/* Equal, in time that depends on neither content nor where they differ. */
static int
control_http_ct_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	volatile unsigned char	 d;
	size_t			 i;
	unsigned char		 x, y;

	d = alen != blen || alen >= CTL_HTTP_TOKENMAX ||
	    blen >= CTL_HTTP_TOKENMAX;
	for (i = 0; i < CTL_HTTP_TOKENMAX; i++) {
		x = i < alen ? (unsigned char)a[i] : 0;
		y = i < blen ? (unsigned char)b[i] : 0;
		d |= x ^ y;
	}
	return (d == 0);
}

int
control_http_bearer_ok(const char *hdr, const char *token)
{
	const char	*t;
	size_t		 len;

	if (hdr == NULL || token == NULL || token[0] == '\0')
		return (0);
	while (*hdr == ' ' || *hdr == '\t')
		hdr++;
	if (strncasecmp(hdr, "Bearer", 6) != 0 ||
	    (hdr[6] != ' ' && hdr[6] != '\t'))
		return (0);
	t = hdr + 6;
	while (*t == ' ' || *t == '\t')
		t++;
	len = strlen(t);
	while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (len == 0)
		return (0);
	return (control_http_ct_equal(t, len, token, strlen(token)));
}

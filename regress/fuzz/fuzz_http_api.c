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
 * libFuzzer target for what the HTTP API parses itself from the network
 * (control/control_http_route.c, parent/parent_http_token.c): the route
 * of a method and URI, the bearer token of an Authorization header, and
 * the token file's contents.  evhttp
 * parses the HTTP framing; this is what control does with its result.
 *
 * Input: byte 0 picks the method; the rest is split at the first NUL
 * into the URI and the Authorization header value.  Checks: a route that
 * goes on names a valid, canonical path and a printable name; only the
 * exact token passes the bearer check.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control_http_route.h"
#include "parent_http_token.h"
#include "msg_ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

static const char *fuzz_methods[] = { "GET", "POST", "HEAD", "PUT",
    "DELETE", "OPTIONS", "PATCH", "" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_http_route	 r;
	char			*buf, *uri, *hdr, tok[CTL_HTTP_TOKENMAX];
	const char		*why, *p;
	size_t			 n;

	if (size < 1)
		return (0);
	if ((buf = malloc(size + 1)) == NULL)
		return (0);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	uri = buf;
	n = strlen(uri);
	hdr = n + 1 < size ? uri + n + 1 : NULL;

	control_http_route(fuzz_methods[data[0] % 8], uri, &r);
	fuzz_check(r.status == 0 || r.status == 400 || r.status == 404 ||
	    r.status == 405);
	fuzz_check(memchr(r.name, '\0', sizeof(r.name)) != NULL);
	fuzz_check(memchr(r.path, '\0', sizeof(r.path)) != NULL);
	if (r.status == 405)
		fuzz_check(r.allow != NULL);
	if (r.status == 0) {
		fuzz_check(r.kind != CTL_HTTP_NONE);
		fuzz_check(r.path[0] == '/');
		for (p = r.name; *p != '\0'; p++)
			fuzz_check(*p > 0x20 && *p < 0x7f && *p != '/' &&
			    *p != '*' && *p != '?' && *p != '[');
		fuzz_check((r.kind == CTL_HTTP_SERVICE ||
		    r.kind == CTL_HTTP_ACTION || r.kind == CTL_HTTP_INFO ||
		    r.kind == CTL_HTTP_LOG || r.kind == CTL_HTTP_PAGE) ==
		    (r.name[0] != '\0'));
		fuzz_check(r.post == (r.kind == CTL_HTTP_ACTION ||
		    r.kind == CTL_HTTP_RELOAD || r.kind == CTL_HTTP_LOG));
		fuzz_check(strcmp(r.name, "all") != 0 ||
		    r.kind == CTL_HTTP_ACTION);
		fuzz_check(r.lines <= CTL_HTTP_LOGMAX);
		fuzz_check(r.signo >= 0 && r.signo < 65);
	}

	/* The token file's bytes, and the header against that token. */
	if (parent_http_token_parse(uri, n, tok, sizeof(tok), &why) == 0) {
		fuzz_check(tok[0] != '\0' && strlen(tok) < CTL_HTTP_TOKENMAX);
		if (hdr != NULL && control_http_bearer_ok(hdr, tok)) {
			/* Only "Bearer" + blanks + the token + blanks. */
			p = hdr;
			while (*p == ' ' || *p == '\t')
				p++;
			p += 6;
			while (*p == ' ' || *p == '\t')
				p++;
			fuzz_check(strncmp(p, tok, strlen(tok)) == 0);
			p += strlen(tok);
			while (*p == ' ' || *p == '\t')
				p++;
			fuzz_check(*p == '\0');
		}
	} else
		fuzz_check(why != NULL);
	fuzz_check(!control_http_bearer_ok(hdr, ""));
	fuzz_check(!control_http_bearer_ok(NULL, "x"));
	free(buf);
	return (0);
}

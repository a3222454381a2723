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
 * The head of an HTTP response, as a health check reads it: the status
 * line and the header lines up to the empty line.  The body is never
 * read.  Everything is bounded: HTTP_RESP_MAX bytes in all, a fixed
 * number of header lines and of interim (1xx) responses; the input is
 * only read, never copied or allocated.  No libevent, no state: the
 * caller hands over everything received so far and parses again when
 * more arrives (a few KiB at most), which keeps this function small
 * enough to fuzz exhaustively (regress/fuzz/fuzz_http.c).
 *
 *	status-line = "HTTP/" DIGIT "." DIGIT SP 3DIGIT [ SP reason ] EOL
 *	header      = token ":" value EOL     (no obs-fold)
 *	EOL         = CRLF / LF
 */

#include <sys/types.h>

#include <stddef.h>
#include <string.h>

#include "monitor.h"

#define HTTP_MAXHEADERS		100
#define HTTP_MAXINTERIM		4

/* RFC 9110 tchar */
static int
http_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Text of a reason phrase or a field value: HTAB, SP, VCHAR, obs-text. */
static int
http_textchar(unsigned char c)
{
	return (c == '\t' || (c >= 0x20 && c != 0x7f));
}

/*
 * Find the end of the line starting at p: sets *eol to the index of the
 * line terminator and *next to the start of the next line.  0: no
 * complete line yet, -1: a bare CR inside the line.
 */
static int
http_line(const char *buf, size_t len, size_t p, size_t *eol, size_t *next)
{
	size_t	 i;

	for (i = p; i < len; i++) {
		if (buf[i] == '\n') {
			*eol = i;
			*next = i + 1;
			return (1);
		}
		if (buf[i] == '\r') {
			if (i + 1 == len)
				return (0);
			if (buf[i + 1] != '\n')
				return (-1);
			*eol = i;
			*next = i + 2;
			return (1);
		}
	}
	return (0);
}

static int
http_status_line(const char *s, size_t n, int *status)
{
	size_t	 i;
	int	 code;

	if (n < 12 || memcmp(s, "HTTP/", 5) != 0)
		return (-1);
	if (s[5] < '0' || s[5] > '9' || s[6] != '.' || s[7] < '0' ||
	    s[7] > '9' || s[8] != ' ')
		return (-1);
	code = 0;
	for (i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		code = code * 10 + (s[i] - '0');
	}
	if (code < 100 || code > 599)
		return (-1);
	if (n > 12) {
		if (s[12] != ' ')
			return (-1);
		for (i = 13; i < n; i++)
			if (!http_textchar((unsigned char)s[i]))
				return (-1);
	}
	*status = code;
	return (0);
}

static int
http_header_line(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] != ':'; i++)
		if (!http_tchar((unsigned char)s[i]))
			return (-1);
	if (i == 0 || i == n)
		return (-1);
	for (i++; i < n; i++)
		if (!http_textchar((unsigned char)s[i]))
			return (-1);
	return (0);
}

/*
 * HTTP_PARSE_DONE with *status (100..599, never 1xx), HTTP_PARSE_MORE
 * (need more input), or HTTP_PARSE_ERROR with a static *err.  The result
 * for a prefix of an input is MORE or the same as for the whole input.
 */
int
http_parse_response(const char *buf, size_t len, int *status,
    const char **err)
{
	size_t		 p = 0, eol, next;
	unsigned int	 nheaders, interim = 0;
	int		 r, code;

	*err = NULL;
	if (len > HTTP_RESP_MAX)
		len = HTTP_RESP_MAX;
	for (;;) {
		/* A status line. */
		if ((r = http_line(buf, len, p, &eol, &next)) == -1) {
			*err = "malformed status line";
			return (HTTP_PARSE_ERROR);
		}
		if (r == 0) {
			/* An early look at a partial status line. */
			if (len - p >= 5 && memcmp(buf + p, "HTTP/", 5) != 0) {
				*err = "not an HTTP response";
				return (HTTP_PARSE_ERROR);
			}
			goto more;
		}
		if (http_status_line(buf + p, eol - p, &code) == -1) {
			*err = "malformed status line";
			return (HTTP_PARSE_ERROR);
		}
		p = next;

		/* Header lines up to an empty one. */
		for (nheaders = 0;; nheaders++) {
			if ((r = http_line(buf, len, p, &eol, &next)) == -1) {
				*err = "malformed header";
				return (HTTP_PARSE_ERROR);
			}
			if (r == 0)
				goto more;
			if (eol == p)
				break;
			if (nheaders >= HTTP_MAXHEADERS) {
				*err = "too many headers";
				return (HTTP_PARSE_ERROR);
			}
			if (http_header_line(buf + p, eol - p) == -1) {
				*err = "malformed header";
				return (HTTP_PARSE_ERROR);
			}
			p = next;
		}
		p = next;
		if (code >= 200) {
			*status = code;
			return (HTTP_PARSE_DONE);
		}
		/* 1xx: an interim response, the real one follows. */
		if (++interim > HTTP_MAXINTERIM) {
			*err = "too many interim responses";
			return (HTTP_PARSE_ERROR);
		}
	}
 more:
	if (len >= HTTP_RESP_MAX) {
		*err = "response head too long";
		return (HTTP_PARSE_ERROR);
	}
	return (HTTP_PARSE_MORE);
}

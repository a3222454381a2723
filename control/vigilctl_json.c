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
 * A tiny JSON emitter for vigilctl -j: objects and arrays nested up to
 * JSON_MAXDEPTH, two-space indentation, strings escaped per RFC 8259.
 * Bytes that are not valid UTF-8 become U+FFFD, so the output is always
 * valid JSON whatever a service's name or reason holds.
 */

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "vigilctl.h"

#define JSON_MAXDEPTH	16

static int	json_depth;
static int	json_first[JSON_MAXDEPTH];
static char	json_type[JSON_MAXDEPTH];	/* '{' or '[' */

static void
json_indent(void)
{
	int	 i;

	putchar('\n');
	for (i = 0; i < json_depth; i++)
		fputs("  ", stdout);
}

/* Length of the valid UTF-8 sequence at s, 0 if it is not one. */
static size_t
json_utf8_len(const unsigned char *s)
{
	size_t		 n, i;
	unsigned int	 cp;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return (0);
	return (n);
}

void
json_escape(FILE *fp, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	fputc('"', fp);
	while (*s != '\0') {
		switch (*s) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\b':
			fputs("\\b", fp);
			break;
		case '\f':
			fputs("\\f", fp);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(fp, "\\u%04x", *s);
				break;
			}
			if ((n = json_utf8_len(s)) == 0) {
				fputs("\\ufffd", fp);
				break;
			}
			fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', fp);
}

/* Separator, indentation and key of the next member. */
static void
json_member(const char *key)
{
	if (json_depth > 0) {
		if (!json_first[json_depth - 1])
			putchar(',');
		json_first[json_depth - 1] = 0;
		json_indent();
		if (json_type[json_depth - 1] == '{') {
			json_escape(stdout, key != NULL ? key : "");
			fputs(": ", stdout);
		}
	}
}

void
json_open(const char *key, int type)
{
	if (json_depth >= JSON_MAXDEPTH)
		fatalx("%s: too deep", __func__);
	json_member(key);
	putchar(type);
	json_type[json_depth] = (char)type;
	json_first[json_depth] = 1;
	json_depth++;
}

void
json_close(void)
{
	int	 empty;

	if (json_depth == 0)
		fatalx("%s: nothing open", __func__);
	json_depth--;
	empty = json_first[json_depth];
	if (!empty)
		json_indent();
	putchar(json_type[json_depth] == '{' ? '}' : ']');
}

void
json_str(const char *key, const char *val)
{
	json_member(key);
	json_escape(stdout, val);
}

void
json_int(const char *key, long long val)
{
	json_member(key);
	printf("%lld", val);
}

void
json_bool(const char *key, int val)
{
	json_member(key);
	fputs(val ? "true" : "false", stdout);
}

void
json_num(const char *key, double val)
{
	json_member(key);
	printf("%.1f", val);
}

void
json_null(const char *key)
{
	json_member(key);
	fputs("null", stdout);
}

void
json_finish(void)
{
	while (json_depth > 0)
		json_close();
	putchar('\n');
}

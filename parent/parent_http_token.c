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

/* The HTTP API's token file contents (parent_http_token.h). */

#include <ctype.h>
#include <string.h>

#include "msg_ctl.h"
#include "parent_http_token.h"

int
parent_http_token_parse(const char *buf, size_t len, char *out, size_t outlen,
    const char **why)
{
	size_t	 i;

	while (len > 0 && isspace((unsigned char)*buf)) {
		buf++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	if (len == 0) {
		*why = "the token file is empty";
		return (-1);
	}
	if (len >= outlen || len >= CTL_HTTP_TOKENMAX) {
		*why = "the token is too long (at most 255 bytes)";
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if (buf[i] < 0x21 || buf[i] > 0x7e) {
			*why = "the token must be one word of visible ASCII "
			    "characters";
			return (-1);
		}
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	return (0);
}

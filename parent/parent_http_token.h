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
 * The HTTP API's bearer token, out of the bytes of `token_file'.  The
 * parent reads the file; this only parses, so that the fuzzer can call it
 * (regress/fuzz/fuzz_http_api.c).
 */

#ifndef VIGIL_PARENT_HTTP_TOKEN_H
#define VIGIL_PARENT_HTTP_TOKEN_H

#include <stddef.h>

/*
 * The token out of a token file's bytes: surrounding white space
 * stripped; 1..CTL_HTTP_TOKENMAX-1 visible ASCII characters.  0, or -1
 * with a static reason in *why.
 */
int	parent_http_token_parse(const char *, size_t, char *, size_t,
	    const char **);

#endif /* VIGIL_PARENT_HTTP_TOKEN_H */

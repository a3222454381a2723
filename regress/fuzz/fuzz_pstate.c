/*
 * libFuzzer target for the state file decoder (parent/parent_statefile.c):
 * whatever the input, it is refused or decoded into fields within their
 * ranges, and what decodes encodes and decodes again to the same.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parent_state.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pstate	 st, again;
	char		 err[128], *txt;
	size_t		 i, len;

	if (pstate_decode((const char *)data, size, &st, err,
	    sizeof(err)) == -1)
		return (0);
	for (i = 0; i < st.nsvc; i++)
		if (st.svc[i].pid < 2 || st.svc[i].state > 7 ||
		    st.svc[i].health > 3 || st.svc[i].stop_signal == 0 ||
		    st.svc[i].stop_signal > 64 || st.svc[i].id[0] == '\0')
			abort();
	for (i = 0; i < st.nlisten; i++)
		if (st.listen[i].n == 0 || st.listen[i].n > PSTATE_LISTENMAX ||
		    st.listen[i].name[0] == '\0')
			abort();
	if ((txt = pstate_encode(&st, &len)) == NULL)
		abort();
	if (pstate_decode(txt, len, &again, err, sizeof(err)) == -1 ||
	    again.nsvc != st.nsvc || (st.nsvc > 0 && memcmp(again.svc,
	    st.svc, st.nsvc * sizeof(*st.svc)) != 0) ||
	    again.nlisten != st.nlisten || (st.nlisten > 0 &&
	    memcmp(again.listen, st.listen, st.nlisten *
	    sizeof(*st.listen)) != 0))
		abort();
	pstate_free(&again);
	pstate_free(&st);
	free(txt);
	return (0);
}

// SPDX-License-Identifier: MIT
/* The names of the chain shapes (see enum chain_shape in backend.h). */
#include <string.h>

#include "harness/backend.h"

static const char *const shape_names[CHAIN_SHAPE_COUNT] = {
	[CHAIN_SHAPE_CURSOR] = "cursor",
	[CHAIN_SHAPE_EMAIL] = "email",
};

const char *chain_shape_name(enum chain_shape shape)
{
	return shape < CHAIN_SHAPE_COUNT ? shape_names[shape] : "?";
}

int chain_shape_parse(const char *name, enum chain_shape *out)
{
	int i;

	for (i = 0; i < CHAIN_SHAPE_COUNT; i++)
		if (!strcmp(name, shape_names[i])) {
			*out = (enum chain_shape)i;
			return 0;
		}
	return -1;
}

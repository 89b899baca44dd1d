// SPDX-License-Identifier: MIT
/*
 * The backend registry: one line per backend. Order is the order of the
 * default run and of the charts' legends.
 */
#include <string.h>

#include "harness/backend.h"

extern const struct backend baseline_sync_backend;
extern const struct backend atoms_user_backend;
extern const struct backend atoms_uring_backend;
extern const struct backend atoms_kernel_backend;
extern const struct backend clets_threads_backend;
extern const struct backend clets_kernel_backend;
extern const struct backend empty_backend;

/* One backend a line, in the order the harness runs and reports them. */
/* clang-format off */
const struct backend *const backends[] = {
	&baseline_sync_backend,
	&atoms_user_backend,
	&atoms_uring_backend,
	&atoms_kernel_backend,
	&clets_threads_backend,
	&clets_kernel_backend,
	&empty_backend,
};
/* clang-format on */

const size_t backend_count = sizeof(backends) / sizeof(backends[0]);

const struct backend *backend_find(const char *name)
{
	size_t i;

	for (i = 0; i < backend_count; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

// SPDX-License-Identifier: MIT
/*
 * File sets and their manifests (see workload.h).
 *
 * Layout: <data_dir>/set-<count>x<size>-s<seed>/d<NNN>/f<NNNNNN>, at most
 * FILES_PER_DIR files per directory so lookups stay realistic at 100k files;
 * manifest.txt lists "<relative path> <size> <checksum>" after a header.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/util.h"
#include "harness/workload.h"

#define FILES_PER_DIR	 1000
#define MANIFEST_VERSION 1

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Bytes [off, off + len) of file index: the generator's state is a counter,
 * so word k is reached without generating the words before it.
 */
static void file_content_range(unsigned char *out, size_t off, size_t len,
			       uint64_t seed, size_t index)
{
	uint64_t state = seed * 0x2545f4914f6cdd1dULL + index +
			 (uint64_t)(off / 8) * 0x9e3779b97f4a7c15ULL;
	size_t skip = off % 8, done = 0, n;
	uint64_t word;

	while (done < len) {
		word = splitmix64(&state);
		n = 8 - skip < len - done ? 8 - skip : len - done;
		memcpy(out + done, (unsigned char *)&word + skip, n);
		done += n;
		skip = 0;
	}
}

void file_content_fill(void *buf, size_t len, uint64_t seed, size_t index)
{
	file_content_range(buf, 0, len, seed, index);
}

void file_last_block(size_t size, size_t buf_size, size_t *off, size_t *len)
{
	*off = size ? (size - 1) / buf_size * buf_size : 0;
	*len = size - *off;
}

int file_set_last_blocks(struct file_set *set, size_t buf_size)
{
	size_t i, off, len;
	unsigned char *block;

	file_last_block(set->size, buf_size, &off, &len);
	block = malloc(len ? len : 1);
	free(set->last_block_sums);
	set->last_block_sums = calloc(set->count ? set->count : 1,
				      sizeof(*set->last_block_sums));
	if (!block || !set->last_block_sums) {
		free(block);
		return -ENOMEM;
	}
	for (i = 0; i < set->count; i++) {
		file_content_range(block, off, len, set->seed, i);
		set->last_block_sums[i] = checksum64(block, len);
	}
	set->last_block_buf_size = buf_size;
	free(block);
	return 0;
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

uint64_t checksum64(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t h = 0x736c65746265ULL ^ len, word;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&word, p + i, 8);
		h = (h ^ word) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	if (i < len) {
		word = 0;
		memcpy(&word, p + i, len - i);
		h = (h ^ word) * 0x100000001b3ULL;
	}
	return mix64(h);
}

static char *file_rel_path(size_t index)
{
	return xasprintf("d%03zu/f%06zu", index / FILES_PER_DIR, index);
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (close(fd) || n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

/* Removes a temporary set: its files, their directories, the manifest. */
static void remove_tree(const char *tmp)
{
	char *path;
	DIR *top, *sub;
	struct dirent *de, *fe;

	top = opendir(tmp);
	if (!top)
		return;
	while ((de = readdir(top))) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", tmp, de->d_name);
		sub = opendir(path);
		if (sub) {
			while ((fe = readdir(sub)))
				if (fe->d_name[0] != '.')
					unlinkat(dirfd(sub), fe->d_name, 0);
			closedir(sub);
			rmdir(path);
		} else {
			unlink(path);
		}
		free(path);
	}
	closedir(top);
	rmdir(tmp);
}

static int file_set_create(const char *dir, size_t count, size_t size,
			   uint64_t seed)
{
	char *tmp = xasprintf("%s.tmp.%d", dir, (int)getpid());
	char *manifest = xasprintf("%s/manifest.txt", tmp);
	unsigned char *buf = xmalloc(size ? size : 1);
	FILE *mf;
	size_t i;
	int ret = 0;

	if (mkdir(tmp, 0755) && errno != EEXIST) {
		ret = -errno;
		goto out;
	}
	mf = fopen(manifest, "w");
	if (!mf) {
		ret = -errno;
		goto out;
	}
	fprintf(mf, "sysletbench-manifest %d %zu %zu %" PRIu64 "\n",
		MANIFEST_VERSION, count, size, seed);
	for (i = 0; i < count && !ret; i++) {
		char *rel = file_rel_path(i);
		char *path = xasprintf("%s/%s", tmp, rel);

		if (i % FILES_PER_DIR == 0) {
			char *sub =
				xasprintf("%s/d%03zu", tmp, i / FILES_PER_DIR);

			if (mkdir(sub, 0755) && errno != EEXIST)
				ret = -errno;
			free(sub);
		}
		file_content_fill(buf, size, seed, i);
		if (!ret)
			ret = write_file(path, buf, size);
		fprintf(mf, "%s %zu %016" PRIx64 "\n", rel, size,
			checksum64(buf, size));
		free(rel);
		free(path);
	}
	if (fclose(mf) && !ret)
		ret = -errno;
	/* The set appears whole or not at all. */
	if (!ret && rename(tmp, dir))
		ret = -errno;
out:
	/* EEXIST/ENOTEMPTY: a concurrent run won the rename; ours goes. */
	if (ret == -EEXIST || ret == -ENOTEMPTY)
		remove_tree(tmp);
	else if (ret)
		fprintf(stderr, "sysletbench: cannot create file set %s: %s\n",
			dir, strerror(-ret));
	free(buf);
	free(manifest);
	free(tmp);
	return ret;
}

static int manifest_load(struct file_set *set)
{
	char *manifest = xasprintf("%s/manifest.txt", set->dir);
	char header[128], rel[64];
	size_t count, size, fsize, i;
	int version;
	uint64_t seed, sum;
	FILE *mf = fopen(manifest, "r");
	int ret = -ENOENT;

	free(manifest);
	if (!mf)
		return -ENOENT;
	if (!fgets(header, sizeof(header), mf) ||
	    sscanf(header, "sysletbench-manifest %d %zu %zu %" SCNu64, &version,
		   &count, &size, &seed) != 4 ||
	    version != MANIFEST_VERSION || count != set->count ||
	    size != set->size || seed != set->seed)
		goto out;
	set->paths = xcalloc(count, sizeof(*set->paths));
	set->checksums = xcalloc(count, sizeof(*set->checksums));
	for (i = 0; i < count; i++) {
		if (fscanf(mf, "%63s %zu %" SCNx64, rel, &fsize, &sum) != 3 ||
		    fsize != size)
			goto out;
		set->paths[i] = xasprintf("%s/%s", set->dir, rel);
		set->checksums[i] = sum;
	}
	ret = 0;
out:
	fclose(mf);
	return ret;
}

static void file_set_free_entries(struct file_set *set)
{
	size_t i;

	if (set->paths)
		for (i = 0; i < set->count; i++)
			free(set->paths[i]);
	free(set->paths);
	free(set->checksums);
	free(set->last_block_sums);
	set->paths = NULL;
	set->checksums = NULL;
	set->last_block_sums = NULL;
}

int file_set_open(struct file_set *set, const char *data_dir, size_t count,
		  size_t size, uint64_t seed)
{
	char *abs_data = realpath(data_dir, NULL);
	int ret;

	memset(set, 0, sizeof(*set));
	if (!abs_data) {
		ret = -errno;
		fprintf(stderr, "sysletbench: data dir %s: %s\n", data_dir,
			strerror(errno));
		return ret;
	}
	set->dir = xasprintf("%s/set-%zux%zu-s%" PRIu64, abs_data, count, size,
			     seed);
	free(abs_data);
	set->count = count;
	set->size = size;
	set->seed = seed;
	if (manifest_load(set) == 0)
		return 0;
	file_set_free_entries(set);
	ret = file_set_create(set->dir, count, size, seed);
	/* Another run may have created the same set meanwhile: use it. */
	if (ret == -EEXIST || ret == -ENOTEMPTY)
		ret = 0;
	if (!ret) {
		ret = manifest_load(set);
		if (ret)
			fprintf(stderr, "sysletbench: %s: bad manifest\n",
				set->dir);
	}
	if (ret)
		file_set_close(set);
	return ret;
}

void file_set_close(struct file_set *set)
{
	file_set_free_entries(set);
	free(set->dir);
	set->dir = NULL;
}

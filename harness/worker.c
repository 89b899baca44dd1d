// SPDX-License-Identifier: MIT
/*
 * Worker processes (see worker.h), over two pipes rather than a socket
 * pair: the guest kernel has no AF_UNIX. Requests and replies have fixed
 * sizes, read and written whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/worker.h"

int worker_start(struct worker *w, int (*serve)(int in, int out, void *arg),
		 void *arg)
{
	int req[2], rep[2], err;
	pid_t pid;

	/* A write to a dead worker fails with EPIPE instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(req, O_CLOEXEC))
		return -errno;
	if (pipe2(rep, O_CLOEXEC)) {
		err = errno;
		goto close_req;
	}
	/* Buffered output would be written twice, by both processes. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(rep[0]);
		close(rep[1]);
		goto close_req;
	}
	if (pid == 0) {
		close(req[1]);
		close(rep[0]);
		_exit(serve(req[0], rep[1], arg) ? 1 : 0);
	}
	close(req[0]);
	close(rep[1]);
	w->pid = pid;
	w->to = req[1];
	w->from = rep[0];
	return 0;
close_req:
	close(req[0]);
	close(req[1]);
	return -err;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 0 with len bytes; -1 at end of file (the other side is gone) or on error. */
static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int worker_call(struct worker *w, const void *req, size_t req_len, void *reply,
		size_t reply_len)
{
	if (write_full(w->to, req, req_len) ||
	    read_full(w->from, reply, reply_len))
		return -EPIPE;
	return 0;
}

int worker_receive(int in, void *req, size_t len)
{
	return read_full(in, req, len);
}

int worker_reply(int out, const void *reply, size_t len)
{
	return write_full(out, reply, len);
}

int worker_stop(struct worker *w, char *why, size_t why_len)
{
	int status;
	pid_t r;

	close(w->to);
	close(w->from);
	do
		r = waitpid(w->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		snprintf(why, why_len, "worker process lost: %s",
			 strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(why, why_len,
			 "worker process killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(why, why_len, "worker process exited with status %d",
			 WEXITSTATUS(status));
	return -1;
}

/* SPDX-License-Identifier: MIT */
/*
 * Worker processes: a forked child that answers one request at a time over
 * a pair of pipes. The matrix runs each backend in one (see matrix.c), so
 * that what a backend leaves in its process (threads, glibc's
 * multi-threaded mode, a shared file table) cannot reach another
 * backend's numbers, and a backend that crashes takes only its own
 * configurations down.
 */
#ifndef SYSLETBENCH_WORKER_H
#define SYSLETBENCH_WORKER_H

#include <stddef.h>
#include <sys/types.h>

struct worker {
	pid_t pid; /* 0: none */
	int to, from; /* the parent's ends: requests, replies */
};

/*
 * Forks a worker that runs serve(in, out, arg) on its ends of the pipes
 * and exits with 0 when serve() returns 0. 0, or -errno (no worker). It
 * sets SIGPIPE to be ignored in this process: a request to a worker that
 * died then fails instead of killing the parent.
 */
int worker_start(struct worker *w, int (*serve)(int in, int out, void *arg),
		 void *arg);

/*
 * Parent: sends a request and waits for the reply; 0, or -EPIPE when the
 * worker is gone (worker_stop() says how it ended).
 */
int worker_call(struct worker *w, const void *req, size_t req_len, void *reply,
		size_t reply_len);

/*
 * Worker: the next request (0; -1 once the parent closed its end), and the
 * reply to it (0 or -1).
 */
int worker_receive(int in, void *req, size_t len);
int worker_reply(int out, const void *reply, size_t len);

/*
 * Parent: closes its ends, which ends the worker's loop, and reaps it. 0
 * when it exited with 0, else -1 with how it ended in why.
 */
int worker_stop(struct worker *w, char *why, size_t why_len);

#endif

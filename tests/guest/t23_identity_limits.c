// SPDX-License-Identifier: MIT
/*
 * The thread id does not move with the user context (issue 11 §2 item
 * 12, a limit of the model documented in the uapi header): after a
 * handoff, what is tied to the old id fails cleanly. An io_uring ring made
 * with IORING_SETUP_SINGLE_ISSUER before the handoff refuses submissions
 * with -EEXIST; FUTEX_UNLOCK_PI of a PI futex locked before it is -EPERM;
 * the process goes on, and the ring and the futex can still be cleaned up.
 *
 * EXTRA_LIBS: -luring
 */
#include "syslet_test.h"
#include <liburing.h>
#include <linux/futex.h>

/* A chain whose read of an empty pipe blocks: the context moves. */
static void hand_off(void)
{
	static struct test_ring ring;
	static struct syslet_uatom atom;
	static char buf[1];
	static int64_t r;
	static uint64_t fd_v, buf_v, len = 1;
	int p[2];
	long ret;

	if (pipe(p))
		test_fail_now("pipe: %s", strerror(errno));
	ring_init(&ring, 8);
	fd_v = p[0];
	buf_v = (uintptr_t)buf;
	init_atom(&atom, 0, __NR_read, &r, NULL, &fd_v, &buf_v, &len, NULL);
	ret = sys_async_exec(&atom, &ring.ahu);
	if (ret != 0)
		test_fail_now("the blocking read did not go async: %ld", ret);
	if (write(p[1], "x", 1) != 1 || sys_async_wait(1, &ring.ahu) != 1)
		test_fail_now("no completion");
	close(p[0]);
	close(p[1]);
}

static long futex_pi(uint32_t *word, int op)
{
	return raw(syscall(SYS_futex, word, op, 0, NULL, NULL, 0));
}

int main(void)
{
	static uint32_t pi_word;
	struct io_uring uring;
	struct io_uring_sqe *sqe;
	pid_t before;
	int ret;

	test_name = "t23_identity_limits";
	require_syslets(NULL);

	ret = io_uring_queue_init(4, &uring, IORING_SETUP_SINGLE_ISSUER);
	if (ret < 0)
		test_fail_now("io_uring_queue_init(SINGLE_ISSUER): %s",
			      strerror(-ret));
	CHECK_EQ(futex_pi(&pi_word, FUTEX_LOCK_PI_PRIVATE), 0);
	before = (pid_t)syscall(SYS_gettid);
	CHECK_EQ(pi_word & FUTEX_TID_MASK, before);

	hand_off();
	CHECK((pid_t)syscall(SYS_gettid) != before,
	      "the thread id did not change: no handoff to test");

	sqe = io_uring_get_sqe(&uring);
	io_uring_prep_nop(sqe);
	CHECK_EQ(io_uring_submit(&uring), -EEXIST);
	CHECK_EQ(futex_pi(&pi_word, FUTEX_UNLOCK_PI_PRIVATE), -EPERM);
	/* Still owned by the old id: nothing was half done. */
	CHECK_EQ(pi_word & FUTEX_TID_MASK, before);

	io_uring_queue_exit(&uring);
	return test_done();
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.bpf.Sched: a thread's scheduling policy (SCHED_OTHER,
 * SCHED_EXT, ...). sched_setscheduler keeps the thread's nice value.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syrup_jni.h"

/* 0 or -errno (ESRCH when the thread is gone: callers race with exits). */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Sched_setPolicy0(JNIEnv *env, jclass cls, jint tid, jint policy)
{
	struct sched_param param = { .sched_priority = 0 };
	return syscall(SYS_sched_setscheduler, tid, policy, &param) ? -errno : 0;
}

/* The policy, or -errno. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Sched_policy0(JNIEnv *env, jclass cls, jint tid)
{
	int p = syscall(SYS_sched_getscheduler, tid);
	return p < 0 ? -errno : p;
}

/* The calling thread's kernel id. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Sched_currentTid0(JNIEnv *env, jclass cls)
{
	return gettid();
}

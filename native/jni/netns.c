// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.bpf.Netns: work that must happen inside another network
 * namespace (interface names resolve per namespace). setns() changes only the
 * calling thread, so each call runs on a short-lived native thread that enters
 * the namespace, does the work and exits: no JVM thread ever changes namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"

struct netns_job {
	int netns_fd;
	char ifname[IF_NAMESIZE];
	int prog_fd;
	__u32 xdp_flags;
	int attach;    /* 0: resolve the interface only; 1: also create an XDP link */
	int ifindex;   /* out */
	int link_fd;   /* out */
	int err;       /* out: 0 or -errno */
	const char *op;
};

static void *netns_job_run(void *arg)
{
	struct netns_job *job = arg;
	if (setns(job->netns_fd, CLONE_NEWNET)) {
		job->err = -errno;
		job->op = "setns";
		return NULL;
	}
	job->ifindex = if_nametoindex(job->ifname);
	if (!job->ifindex) {
		job->err = -errno;
		job->op = "if_nametoindex";
		return NULL;
	}
	if (job->attach) {
		LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = job->xdp_flags);
		job->link_fd = bpf_link_create(job->prog_fd, job->ifindex, BPF_XDP, &opts);
		if (job->link_fd < 0) {
			job->err = -errno;
			job->op = "bpf_link_create(xdp)";
		}
	}
	return NULL;
}

static int run_in_netns(JNIEnv *env, jstring jnetns, jstring jifname, struct netns_job *job)
{
	char path[PATH_MAX];
	if (sy_string(env, jnetns, path, sizeof(path), "open netns") ||
	    sy_string(env, jifname, job->ifname, sizeof(job->ifname), "interface name"))
		return -1;
	job->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (job->netns_fd < 0) {
		sy_throw(env, "open netns", errno);
		return -1;
	}
	pthread_t t;
	int err = pthread_create(&t, NULL, netns_job_run, job);
	if (!err)
		err = pthread_join(t, NULL);
	close(job->netns_fd);
	if (err) {
		sy_throw(env, "pthread_create", err);
		return -1;
	}
	if (job->err) {
		sy_throw(env, job->op, job->err);
		return -1;
	}
	return 0;
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Netns_ifindex(JNIEnv *env, jclass cls, jstring jnetns, jstring jifname)
{
	struct netns_job job = { .attach = 0 };
	return run_in_netns(env, jnetns, jifname, &job) ? -1 : job.ifindex;
}

/* Attaches prog_fd at XDP on the interface of that namespace; returns the link fd. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Netns_attachXdp(JNIEnv *env, jclass cls, jstring jnetns, jstring jifname,
							  jint prog_fd, jint flags)
{
	struct netns_job job = { .attach = 1, .prog_fd = prog_fd, .xdp_flags = flags, .link_fd = -1 };
	return run_in_netns(env, jnetns, jifname, &job) ? -1 : job.link_fd;
}

/* Detaches a link from its hook even if other references (pins) keep it alive. */
JNIEXPORT void JNICALL Java_dev_syrup_bpf_Netns_detachLink(JNIEnv *env, jclass cls, jint link_fd)
{
	if (bpf_link_detach(link_fd))
		sy_throw(env, "bpf_link_detach", errno);
}

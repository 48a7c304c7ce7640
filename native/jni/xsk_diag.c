// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.bpf.Sockets for AF_XDP sockets an application hands
 * over: whether the kernel would put one in an XSKMAP, and where it is bound.
 * The socket itself does not say where (no getsockopt gives its device); the
 * AF_XDP sock_diag dump of its network namespace does, on kernels built with
 * it (CONFIG_XDP_SOCKETS_DIAG), so a netlink socket is opened in that
 * namespace (on a short-lived native thread, as netns.c does) and the dump
 * searched for the socket's inode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/xdp_diag.h>
#include <bpf/bpf.h>

#include "syrup_jni.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

struct diag_job {
	int netns_fd;
	int nl_fd; /* out */
	int err;   /* out: 0 or errno */
};

static void *open_diag_socket(void *arg)
{
	struct diag_job *job = arg;

	if (setns(job->netns_fd, CLONE_NEWNET)) {
		job->err = errno;
		return NULL;
	}
	job->nl_fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (job->nl_fd < 0)
		job->err = errno;
	return NULL;
}

/*
 * Searches the dump on nl for inode ino: 1 found (out: ifindex, queue, RX ring
 * entries), 0 not found, -errno.
 */
static int find_xsk(int nl, __u32 ino, __u32 out[3])
{
	struct {
		struct nlmsghdr nlh;
		struct xdp_diag_req req;
	} q = {
		.nlh = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.req = { .sdiag_family = AF_XDP, .xdiag_show = XDP_SHOW_INFO | XDP_SHOW_RING_CFG },
	};
	char buf[32768];
	int found = 0;

	if (send(nl, &q, sizeof(q), 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return found;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error ? e->error : found;
			}
			struct xdp_diag_msg *m = NLMSG_DATA(h);
			if (found || m->xdiag_ino != ino)
				continue;
			int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
				if (a->rta_type == XDP_DIAG_INFO && RTA_PAYLOAD(a) >= sizeof(struct xdp_diag_info)) {
					struct xdp_diag_info *info = RTA_DATA(a);
					out[0] = info->ifindex;
					out[1] = info->queue_id;
					found = 1;
				} else if (a->rta_type == XDP_DIAG_RX_RING && RTA_PAYLOAD(a) >= sizeof(struct xdp_diag_ring)) {
					out[2] = ((struct xdp_diag_ring *)RTA_DATA(a))->entries;
				}
			}
		}
	}
}

/*
 * 0 if the kernel takes socket fd into an XSKMAP (an AF_XDP socket, bound, with
 * an RX ring), else -errno: tried on a throwaway map of one entry.
 */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Sockets_xskMapProbe(JNIEnv *env, jclass cls, jint fd)
{
	__u32 key = 0, value = fd;
	int map = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "syrup_xsk_probe", sizeof(key), sizeof(value), 1, NULL);
	if (map < 0)
		return map;
	int r = bpf_map_update_elem(map, &key, &value, BPF_ANY) ? -errno : 0;
	close(map);
	return r;
}

/*
 * {ifindex, queue, RX ring entries} of the AF_XDP socket fd (ifindex 0: not
 * bound; 0 entries: no RX ring), as the namespace at netns_path sees it; null if
 * the socket is not in it; {-1} if this kernel has no AF_XDP sock_diag.
 */
JNIEXPORT jlongArray JNICALL Java_dev_syrup_bpf_Sockets_xskBinding(JNIEnv *env, jclass cls, jint fd,
								   jstring jnetns)
{
	char path[PATH_MAX];
	struct diag_job job = { .nl_fd = -1 };
	struct stat st;
	pthread_t t;
	__u32 where[3] = { 0, 0, 0 };
	int err, r;

	if (sy_string(env, jnetns, path, sizeof(path), "open netns"))
		return NULL;
	if (fstat(fd, &st)) {
		sy_throw(env, "fstat", errno);
		return NULL;
	}
	job.netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (job.netns_fd < 0) {
		sy_throw(env, "open netns", errno);
		return NULL;
	}
	err = pthread_create(&t, NULL, open_diag_socket, &job);
	if (!err)
		err = pthread_join(t, NULL);
	close(job.netns_fd);
	if (err || job.err) {
		sy_throw(env, err ? "pthread_create" : "sock_diag socket in netns", err ? err : job.err);
		return NULL;
	}
	r = find_xsk(job.nl_fd, (__u32)st.st_ino, where);
	close(job.nl_fd);
	if (r == -ENOENT) {
		jlong none = -1;
		jlongArray out = (*env)->NewLongArray(env, 1);
		if (out)
			(*env)->SetLongArrayRegion(env, out, 0, 1, &none);
		return out;
	}
	if (r < 0) {
		sy_throw(env, "AF_XDP sock_diag dump", -r);
		return NULL;
	}
	if (!r)
		return NULL;
	jlong v[3] = { where[0], where[1], where[2] };
	jlongArray out = (*env)->NewLongArray(env, 3);
	if (out)
		(*env)->SetLongArrayRegion(env, out, 0, 3, v);
	return out;
}

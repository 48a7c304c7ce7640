// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.bpf.Sockets: take an application's sockets from its
 * process (pidfd_getfd, so the application needs no change) and attach
 * sk_reuseport programs to their group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syrup_jni.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* Duplicates file descriptor fd of process pid into this process. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Sockets_takeFromProcess(JNIEnv *env, jclass cls, jint pid, jint fd)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		sy_throw(env, "pidfd_open", errno);
		return -1;
	}
	int out = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int err = errno;
	close(pidfd);
	if (out < 0)
		sy_throw(env, "pidfd_getfd", err);
	return out;
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_Sockets_attachReuseport(JNIEnv *env, jclass cls, jint sock_fd, jint prog_fd)
{
	if (setsockopt(sock_fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, &prog_fd, sizeof(prog_fd)))
		sy_throw(env, "setsockopt(SO_ATTACH_REUSEPORT_EBPF)", errno);
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_Sockets_detachReuseport(JNIEnv *env, jclass cls, jint sock_fd)
{
	int zero = 0;
	if (setsockopt(sock_fd, SOL_SOCKET, SO_DETACH_REUSEPORT_BPF, &zero, sizeof(zero)) && errno != ENOENT)
		sy_throw(env, "setsockopt(SO_DETACH_REUSEPORT_BPF)", errno);
}

/* A socket's address family (AF_XDP sockets have no local port for info below). */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Sockets_domain(JNIEnv *env, jclass cls, jint fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len)) {
		sy_throw(env, "getsockopt(SO_DOMAIN)", errno);
		return -1;
	}
	return domain;
}

/* {domain, type, protocol, local port, SO_REUSEPORT, netns cookie} of a socket. */
JNIEXPORT jlongArray JNICALL Java_dev_syrup_bpf_Sockets_info(JNIEnv *env, jclass cls, jint fd)
{
	int domain = 0, type = 0, proto = 0, reuse = 0;
	socklen_t len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &reuse, &len)) {
		sy_throw(env, "getsockopt", errno);
		return NULL;
	}
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen)) {
		sy_throw(env, "getsockname", errno);
		return NULL;
	}
	int port = 0;
	if (ss.ss_family == AF_INET)
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	uint64_t cookie = 0;
	socklen_t clen = sizeof(cookie);
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &clen))
		cookie = 0;
	uint64_t sock_cookie = 0;
	clen = sizeof(sock_cookie);
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &sock_cookie, &clen))
		sock_cookie = 0;
	jlong v[] = { domain, type, proto, port, reuse, (jlong)cookie, (jlong)sock_cookie };
	jlongArray out = (*env)->NewLongArray(env, 7);
	if (out)
		(*env)->SetLongArrayRegion(env, out, 0, 7, v);
	return out;
}

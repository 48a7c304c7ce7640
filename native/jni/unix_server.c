// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.daemon.UnixServer: syrupd's Unix socket. The JDK's Unix
 * sockets do not give the peer's pid, which syrupd needs to find the caller's
 * cgroup, so accept() returns the SO_PEERCRED credentials with the connection.
 * I/O calls return -errno (0 at end of stream).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "syrup_jni.h"

JNIEXPORT jint JNICALL Java_dev_syrup_daemon_UnixServer_listen(JNIEnv *env, jclass cls, jstring jpath, jint mode)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (sy_string(env, jpath, addr.sun_path, sizeof(addr.sun_path), "unix socket path"))
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		sy_throw(env, "socket(AF_UNIX)", errno);
		return -1;
	}
	unlink(addr.sun_path); /* a stale socket of an earlier run */
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || chmod(addr.sun_path, mode) || listen(fd, 128)) {
		int err = errno;
		close(fd);
		sy_throw(env, "bind/listen on the unix socket", err);
		return -1;
	}
	return fd;
}

/* {fd, pid, uid, gid} of the next connection, or {-errno}. */
JNIEXPORT jlongArray JNICALL Java_dev_syrup_daemon_UnixServer_accept(JNIEnv *env, jclass cls, jint lfd,
								     jint timeout_ms)
{
	jlong v[4] = { 0 };
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		v[0] = -errno;
	} else {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
			v[0] = -errno;
			close(fd);
		} else {
			v[0] = fd;
			v[1] = cred.pid;
			v[2] = cred.uid;
			v[3] = cred.gid;
		}
	}
	jlongArray out = (*env)->NewLongArray(env, 4);
	if (out)
		(*env)->SetLongArrayRegion(env, out, 0, 4, v);
	return out;
}

JNIEXPORT jint JNICALL Java_dev_syrup_daemon_UnixServer_read(JNIEnv *env, jclass cls, jint fd, jbyteArray jbuf,
							     jint off, jint len)
{
	char tmp[65536];
	if (len > (jint)sizeof(tmp))
		len = sizeof(tmp);
	ssize_t n;
	do {
		n = read(fd, tmp, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	(*env)->SetByteArrayRegion(env, jbuf, off, n, (jbyte *)tmp);
	return n;
}

/*
 * As read, also taking the descriptors the peer passed (SCM_RIGHTS) with these
 * bytes: fds[0] is how many arrived (-1: more than fds can hold, all of them
 * closed), fds[1..] the descriptors, close-on-exec.
 */
JNIEXPORT jint JNICALL Java_dev_syrup_daemon_UnixServer_recv(JNIEnv *env, jclass cls, jint fd, jbyteArray jbuf,
							     jint off, jint len, jintArray jfds)
{
	char tmp[65536];
	int max = (*env)->GetArrayLength(env, jfds) - 1;
	char ctl[CMSG_SPACE(sizeof(int) * 256)];
	if (len > (jint)sizeof(tmp))
		len = sizeof(tmp);
	if (max < 0 || max > 256)
		max = 0;
	struct iovec iov = { .iov_base = tmp, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * max) };
	ssize_t n;
	do {
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	jint got[257] = { 0 };
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *p = (int *)CMSG_DATA(c);
		for (int i = 0; i < k; i++) {
			if (got[0] < max)
				got[1 + got[0]++] = p[i];
			else
				close(p[i]);
		}
	}
	if (msg.msg_flags & MSG_CTRUNC) {
		for (int i = 1; i <= got[0]; i++)
			close(got[i]);
		got[0] = -1;
	}
	(*env)->SetByteArrayRegion(env, jbuf, off, n, (jbyte *)tmp);
	(*env)->SetIntArrayRegion(env, jfds, 0, (got[0] > 0 ? got[0] : 0) + 1, got);
	return n;
}

JNIEXPORT jint JNICALL Java_dev_syrup_daemon_UnixServer_write(JNIEnv *env, jclass cls, jint fd, jbyteArray jbuf,
							      jint off, jint len)
{
	jbyte *buf = (*env)->GetByteArrayElements(env, jbuf, NULL);
	jint done = 0;
	while (done < len) {
		ssize_t n = send(fd, buf + off + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			done = -errno;
			break;
		}
		done += n;
	}
	(*env)->ReleaseByteArrayElements(env, jbuf, buf, JNI_ABORT);
	return done;
}

/* Wakes a thread blocked in accept() or read() on fd. */
JNIEXPORT void JNICALL Java_dev_syrup_daemon_UnixServer_shutdown(JNIEnv *env, jclass cls, jint fd)
{
	shutdown(fd, SHUT_RDWR);
}

JNIEXPORT void JNICALL Java_dev_syrup_daemon_UnixServer_close(JNIEnv *env, jclass cls, jint fd)
{
	close(fd);
}

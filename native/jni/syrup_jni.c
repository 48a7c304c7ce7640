// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Common JNI plumbing: exceptions, and a per-thread capture of libbpf's
 * messages so that the verifier log of a failed load reaches the caller
 * instead of stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"

#define CAPTURE_LIMIT (16u << 20)

static __thread char *capture_buf;
static __thread size_t capture_len, capture_cap;
static __thread int capturing;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!capturing) {
		if (level == LIBBPF_DEBUG)
			return 0;
		return vfprintf(stderr, fmt, ap);
	}
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0 || capture_len + n + 1 > CAPTURE_LIMIT)
		return 0;
	if (capture_len + n + 1 > capture_cap) {
		size_t cap = capture_cap ? capture_cap : 4096;
		while (cap < capture_len + n + 1)
			cap *= 2;
		char *p = realloc(capture_buf, cap);
		if (!p)
			return 0;
		capture_buf = p;
		capture_cap = cap;
	}
	vsnprintf(capture_buf + capture_len, n + 1, fmt, ap);
	capture_len += n;
	return n;
}

void sy_capture_begin(void)
{
	capturing = 1;
	capture_len = 0;
	if (capture_buf)
		capture_buf[0] = '\0';
}

char *sy_capture_end(void)
{
	char *out = capture_len ? strndup(capture_buf, capture_len) : NULL;
	capturing = 0;
	capture_len = 0;
	return out;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
	libbpf_set_print(print_fn);
	return JNI_VERSION_1_8;
}

void sy_throw(JNIEnv *env, const char *op, int err)
{
	if ((*env)->ExceptionCheck(env))
		return;
	jclass cls = (*env)->FindClass(env, "dev/syrup/bpf/BpfException");
	if (!cls)
		return;
	jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;I)V");
	if (!ctor)
		return;
	jstring jop = (*env)->NewStringUTF(env, op);
	jobject ex = (*env)->NewObject(env, cls, ctor, jop, err < 0 ? -err : err);
	if (ex)
		(*env)->Throw(env, ex);
}

void sy_throw_load(JNIEnv *env, const char *program, int err, const char *log)
{
	if ((*env)->ExceptionCheck(env))
		return;
	jclass cls = (*env)->FindClass(env, "dev/syrup/bpf/BpfLoadException");
	if (!cls)
		return;
	jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
	if (!ctor)
		return;
	jstring jprog = program ? (*env)->NewStringUTF(env, program) : NULL;
	jstring jlog = (*env)->NewStringUTF(env, log ? log : "");
	jobject ex = (*env)->NewObject(env, cls, ctor, jprog, err < 0 ? -err : err, jlog);
	if (ex)
		(*env)->Throw(env, ex);
}

int sy_string(JNIEnv *env, jstring s, char *buf, size_t size, const char *what)
{
	if (!s) {
		sy_throw(env, what, EINVAL);
		return -1;
	}
	jsize n = (*env)->GetStringUTFLength(env, s);
	if ((size_t)n >= size) {
		sy_throw(env, what, ENAMETOOLONG);
		return -1;
	}
	(*env)->GetStringUTFRegion(env, s, 0, (*env)->GetStringLength(env, s), buf);
	buf[n] = '\0';
	return 0;
}

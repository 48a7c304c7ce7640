/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by the JNI shim's files: exceptions thrown into Java. */
#ifndef SYRUP_JNI_H
#define SYRUP_JNI_H

#include <jni.h>

/* Throws dev.syrup.bpf.BpfException(op, errno). err may be negative. */
void sy_throw(JNIEnv *env, const char *op, int err);

/* Throws dev.syrup.bpf.BpfLoadException(program, errno, log). */
void sy_throw_load(JNIEnv *env, const char *program, int err, const char *log);

/* Copies a Java string into buf (NUL-terminated); throws and returns -1 if too long. */
int sy_string(JNIEnv *env, jstring s, char *buf, size_t size, const char *what);

/* Starts / stops capturing libbpf's messages on the calling thread. */
void sy_capture_begin(void);
/* Returns the captured text (owned by the caller, may be NULL) and stops capturing. */
char *sy_capture_end(void);

/* The libbpf object behind a dev.syrup.bpf.BpfObject handle (bpf_object.c). */
struct bpf_object;
struct bpf_object *sy_object(jlong handle);

#endif

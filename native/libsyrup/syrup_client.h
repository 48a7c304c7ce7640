/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * syrup_client.h - how an application deploys and drives Syrup policies.
 *
 * The library talks to syrupd over its Unix socket with the JSON-lines
 * protocol of docs/protocol.md. Every call returns 0 or a negative errno-style
 * code; the last failure's message, kind, file and line are kept on the client
 * (sy_last_error*(client)) and, for failures that have no client, such as
 * sy_connect() or sy_deploy_policy_once(), in the calling thread
 * (sy_last_error*(NULL)).
 *
 * Codes by kind (the kind tells apart failures that share a code):
 *   syrupd's kinds:      invalid-request -EINVAL, compile -EBADMSG,
 *                        verifier -EBADMSG, not-found -ENOENT,
 *                        forbidden -EACCES, conflict -EEXIST,
 *                        unavailable -EAGAIN (sockets or interface not there
 *                        yet), internal and any other kind -EREMOTEIO
 *   the library's kinds: invalid-argument -EINVAL, policy-file (cannot read
 *                        it: -errno; over 1 MiB: -EFBIG; NUL or not UTF-8:
 *                        -EILSEQ), unreachable -ECONNREFUSED, protocol -EIO
 *                        (connection lost, malformed or oversized answer),
 *                        out-of-memory -ENOMEM
 *
 * A client is not safe to use from several threads at once; the library never
 * writes to stdout or stderr and never raises SIGPIPE.
 */
#ifndef SYRUP_CLIENT_H
#define SYRUP_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where syrupd listens when neither the caller nor $SYRUP_SOCKET says. */
#define SY_DEFAULT_SOCKET "/run/syrup/syrupd.sock"
/* Room for a deployment id and its NUL. */
#define SY_ID_MAX 64
/* The most AF_XDP sockets one deployment takes (sy_register_xsk()). */
#define SY_MAX_XSK 64

/* Where a policy is attached (docs/protocol.md, Hook). NULL or 0 fields take syrupd's defaults. */
struct sy_hook {
	const char *hook;      /* "socket-select", "xdp-cpu", "xdp-socket" or "thread" */
	int port;              /* the application's port (not for "thread") */
	const char *protocol;  /* "udp" or "tcp"; NULL = udp */
	const char *netns;     /* a path, or a name under /var/run/netns; NULL = the caller's own */
	const char *interface; /* xdp-cpu, xdp-socket: the interface to attach to */
	const int *cpus;       /* xdp-cpu, thread: the CPUs that are executors 0..ncpus-1; NULL = the default */
	int ncpus;
	pid_t pid;             /* thread: the threads of this process's cgroup v2 (or give cgroup);
				  xdp-socket: the process whose AF_XDP sockets are the executors */
	const char *cgroup;    /* thread: the threads of this cgroup v2 (a path below its root) */
	const char *threads;   /* thread: "all" (NULL) or "registered": only threads registered with
				  sy_register_threads() */
	int sockets;           /* xdp-socket without pid: the application registers its AF_XDP
				  sockets itself (sy_register_xsk()), at most this many (1..64),
				  which is the number of executors the policy sees */
};

struct sy_client;

/*
 * Connects to syrupd at socket_path (NULL: $SYRUP_SOCKET, else
 * SY_DEFAULT_SOCKET). Returns NULL with errno set and the thread's last error
 * describing why (kind "unreachable") when it cannot.
 */
struct sy_client *sy_connect(const char *socket_path);

/* Closes the connection and frees the client. NULL is allowed. */
void sy_close(struct sy_client *c);

/*
 * Reads the C policy in policy_file, sends it under that name (errors cite it
 * as "policy_file:LINE: ...") and has syrupd compile it and attach it at each
 * of the nhooks hooks, all or nothing. On success the new deployment's id is
 * in id_out.
 */
int sy_deploy_policy(struct sy_client *c, const char *policy_file, const struct sy_hook *hooks, int nhooks,
		     char id_out[SY_ID_MAX]);

/*
 * sy_deploy_policy() on a connection of its own ($SYRUP_SOCKET, else
 * SY_DEFAULT_SOCKET): connect, deploy, close. Failures are described by
 * sy_last_error*(NULL).
 */
int sy_deploy_policy_once(const char *policy_file, const struct sy_hook *hooks, int nhooks, char id_out[SY_ID_MAX]);

/*
 * Swaps deployment id's policy for the one in policy_file at every hook it is
 * attached to; a rejected policy leaves the running one in place. Maps the two
 * policies share by name keep their contents.
 */
int sy_replace_policy(struct sy_client *c, const char *id, const char *policy_file);

/* Detaches deployment id everywhere and drops its maps. */
int sy_remove_policy(struct sy_client *c, const char *id);

/*
 * Reads the value under key in the policy map named map of deployment id.
 * value_size must be the map's value size (for a per-CPU map: one slot per
 * possible CPU, each rounded up to 8 bytes); another size is -EINVAL.
 */
int sy_map_get(struct sy_client *c, const char *id, const char *map, const void *key, size_t key_size, void *value,
	       size_t value_size);

/* Creates or overwrites the value under key in map of deployment id. */
int sy_map_set(struct sy_client *c, const char *id, const char *map, const void *key, size_t key_size,
	       const void *value, size_t value_size);

/* Deletes key from map of deployment id; -ENOENT (kind "not-found") if it was not there. */
int sy_map_delete(struct sy_client *c, const char *id, const char *map, const void *key, size_t key_size);

/*
 * Registers threads tids[0..ntids) of the calling process (ids as gettid()
 * returns them in it) with deployment id, whose thread hook was deployed with
 * threads "registered": its policy schedules them from then on, all or none.
 * Threads of other processes, or outside the deployment's cgroup, are refused
 * (-EACCES, kind "forbidden"); so are callers of another uid than the
 * deployment's owner unless root made it. A registration ends when the thread
 * exits, when it is unregistered, or with the deployment.
 */
int sy_register_threads(struct sy_client *c, const char *id, const pid_t *tids, int ntids);

/* Registers the calling thread (gettid()) with deployment id. */
int sy_register_thread(struct sy_client *c, const char *id);

/*
 * Takes threads tids[0..ntids) of the calling process out of deployment id's
 * registered threads: they go back to the CPUs they had before its policy
 * moved them.
 */
int sy_unregister_threads(struct sy_client *c, const char *id, const pid_t *tids, int ntids);

/* Unregisters the calling thread from deployment id. */
int sy_unregister_thread(struct sy_client *c, const char *id);

/*
 * Hands the calling process's AF_XDP sockets fds[0..nfds) to deployment id,
 * an xdp-socket deployment: fds[i] becomes executor i, in place of the sockets
 * it had (all or none). The descriptors travel over the Unix socket
 * (SCM_RIGHTS); the application keeps its own and keeps them open: a socket
 * it closes leaves the deployment, and the packets its policy sends there
 * pass to the kernel's stack. Each must be an AF_XDP socket bound to the
 * deployment's interface, with an RX ring, else -EINVAL (kind
 * "invalid-request") and nothing changes; at most the number of sockets the
 * deployment was made for, and SY_MAX_XSK. Only the deployment owner's uid,
 * or root, may register (-EACCES, kind "forbidden").
 */
int sy_register_xsk(struct sy_client *c, const char *id, const int *fds, int nfds);

/*
 * The last failure on c (NULL: in the calling thread): its message, e.g.
 * "rr.c:7: verifier rejected ...", its kind (see above), the policy file and
 * line it points at when syrupd knows them. "" and 0 when there is none; a
 * successful call clears them. Messages are cut at 4 KiB. Valid until the
 * next call on c (or, for NULL, by the thread).
 */
const char *sy_last_error(const struct sy_client *c);
const char *sy_last_error_kind(const struct sy_client *c);
const char *sy_last_error_file(const struct sy_client *c);
int sy_last_error_line(const struct sy_client *c);

#ifdef __cplusplus
}
#endif

#endif /* SYRUP_CLIENT_H */

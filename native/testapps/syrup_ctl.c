// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syrup_ctl: one syrupd request from the command line, made through libsyrup.
 * The tests run it as an application would call the library: from another
 * process, cgroup or user than syrupd.
 *
 *   syrup_ctl [--socket P] deploy POLICY.c --hook H --port N [--proto udp|tcp]
 *             [--netns NS] [--interface IF] [--cpus 0,1,...] [--pid PID]
 *             [--sockets N] [--hook H ...]
 *   syrup_ctl [--socket P] deploy POLICY.c --hook thread --pid PID|--cgroup PATH
 *             [--threads all|registered] [--cpus 0,1,...]
 *   syrup_ctl [--socket P] replace ID POLICY.c
 *   syrup_ctl [--socket P] remove ID
 *   syrup_ctl [--socket P] map-get ID MAP KEY_U32 [--value-size 4|8]
 *   syrup_ctl [--socket P] map-set ID MAP KEY_U32 VALUE_U64 [--value-size 4|8]
 *   syrup_ctl [--socket P] map-delete ID MAP KEY_U32
 *   syrup_ctl [--socket P] register|unregister ID TID...
 *   syrup_ctl [--socket P] register-xsk ID FD...
 *
 * Each --hook starts a hook; the options after it describe that hook. register
 * asks for threads TID... as threads of syrup_ctl's own process (syrupd
 * refuses any other process's). register-xsk passes descriptors FD... of
 * syrup_ctl (inherited from whoever started it) as AF_XDP sockets. deploy
 * prints the new deployment's id, map-get the value (a u32 or u64 in the
 * machine's byte order, 8 bytes unless --value-size says 4).
 *
 * Exit status: 0 done; 1 refused or failed, with "syrup_ctl: KIND: MESSAGE" on
 * stderr; 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syrup_client.h"

#define MAX_HOOKS 8
#define MAX_CPUS 256

static const char *prog = "syrup_ctl";

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [--socket P] deploy POLICY.c --hook H --port N [--proto udp|tcp] [--netns NS]\n"
		"                 [--interface IF] [--cpus 0,1,...] [--pid PID] [--sockets N] [--hook H ...]\n"
		"       %s [--socket P] deploy POLICY.c --hook thread --pid PID|--cgroup PATH\n"
		"                 [--threads all|registered] [--cpus 0,1,...]\n"
		"       %s [--socket P] replace ID POLICY.c\n"
		"       %s [--socket P] remove ID\n"
		"       %s [--socket P] map-get ID MAP KEY_U32 [--value-size 4|8]\n"
		"       %s [--socket P] map-set ID MAP KEY_U32 VALUE_U64 [--value-size 4|8]\n"
		"       %s [--socket P] map-delete ID MAP KEY_U32\n"
		"       %s [--socket P] register|unregister ID TID...\n"
		"       %s [--socket P] register-xsk ID FD...\n",
		prog, prog, prog, prog, prog, prog, prog, prog, prog);
	exit(2);
}

static unsigned long long parse_num(const char *what, const char *s, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "%s: bad %s '%s' (expected 0..%llu)\n", prog, what, s, max);
		usage();
	}
	return v;
}

/* The failure the library recorded, as the tests expect it; exit status 1. */
static int failed(const struct sy_client *c)
{
	fprintf(stderr, "%s: %s: %s\n", prog, sy_last_error_kind(c), sy_last_error(c));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "hook", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "proto", required_argument, NULL, 'P' },
		{ "netns", required_argument, NULL, 'n' },
		{ "interface", required_argument, NULL, 'i' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "value-size", required_argument, NULL, 'v' },
		{ "pid", required_argument, NULL, 'd' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "threads", required_argument, NULL, 't' },
		{ "sockets", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sy_hook hooks[MAX_HOOKS];
	static int cpus[MAX_HOOKS][MAX_CPUS];
	const char *socket_path = NULL, *cmd;
	struct sy_client *c;
	char id[SY_ID_MAX];
	int nhooks = 0, value_size = 8, opt, r = 0, nargs;
	uint32_t key = 0, v32;
	uint64_t v64 = 0;
	void *value;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		struct sy_hook *h = nhooks ? &hooks[nhooks - 1] : NULL;

		if (opt != '?' && strchr("pPnicdgtx", opt) && !h) {
			for (const struct option *o = opts; o->name; o++)
				if (o->val == opt)
					fprintf(stderr, "%s: --%s describes a hook: put it after --hook\n", prog, o->name);
			usage();
		}
		switch (opt) {
		case 'S': socket_path = optarg; break;
		case 'h':
			if (nhooks == MAX_HOOKS)
				usage();
			hooks[nhooks++].hook = optarg;
			break;
		case 'p': h->port = parse_num("--port", optarg, 65535); break;
		case 'P': h->protocol = optarg; break;
		case 'n': h->netns = optarg; break;
		case 'i': h->interface = optarg; break;
		case 'd': h->pid = parse_num("--pid", optarg, 4194304); break;
		case 'g': h->cgroup = optarg; break;
		case 't': h->threads = optarg; break;
		case 'x': h->sockets = parse_num("--sockets", optarg, SY_MAX_XSK); break;
		case 'c':
			h->cpus = cpus[nhooks - 1];
			h->ncpus = 0;
			for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				if (h->ncpus == MAX_CPUS)
					usage();
				cpus[nhooks - 1][h->ncpus++] = parse_num("--cpus entry", tok, 65535);
			}
			break;
		case 'v':
			value_size = parse_num("--value-size", optarg, 8);
			if (value_size != 4 && value_size != 8)
				usage();
			break;
		default: usage();
		}
	}
	if (optind == argc)
		usage();
	cmd = argv[optind];
	nargs = argc - optind - 1;
	argv += optind + 1;

	if (!strcmp(cmd, "deploy") ? nargs != 1 || !nhooks
	    : !strcmp(cmd, "replace") ? nargs != 2
	    : !strcmp(cmd, "remove") ? nargs != 1
	    : !strcmp(cmd, "map-get") || !strcmp(cmd, "map-delete") ? nargs != 3
	    : !strcmp(cmd, "map-set") ? nargs != 4
	    : !strcmp(cmd, "register") || !strcmp(cmd, "unregister") ? nargs < 2 || nargs > 1 + MAX_CPUS
	    : !strcmp(cmd, "register-xsk") ? nargs < 2 || nargs > 1 + SY_MAX_XSK
	    : 1)
		usage();
	if (nhooks && strcmp(cmd, "deploy"))
		usage();
	if (!strncmp(cmd, "map-", 4))
		key = parse_num("key", argv[2], UINT32_MAX);
	if (!strcmp(cmd, "map-set"))
		v64 = parse_num("value", argv[3], value_size == 8 ? UINT64_MAX : UINT32_MAX);
	v32 = v64;
	value = value_size == 8 ? (void *)&v64 : (void *)&v32;

	c = sy_connect(socket_path);
	if (!c)
		return failed(NULL);
	if (!strcmp(cmd, "deploy")) {
		r = sy_deploy_policy(c, argv[0], hooks, nhooks, id);
		if (!r)
			printf("%s\n", id);
	} else if (!strcmp(cmd, "replace")) {
		r = sy_replace_policy(c, argv[0], argv[1]);
	} else if (!strcmp(cmd, "remove")) {
		r = sy_remove_policy(c, argv[0]);
	} else if (!strcmp(cmd, "map-get")) {
		r = sy_map_get(c, argv[0], argv[1], &key, sizeof(key), value, value_size);
		if (!r)
			printf("%llu\n", value_size == 8 ? (unsigned long long)v64 : (unsigned long long)v32);
	} else if (!strcmp(cmd, "map-set")) {
		r = sy_map_set(c, argv[0], argv[1], &key, sizeof(key), value, value_size);
	} else if (!strcmp(cmd, "register-xsk")) {
		int fds[SY_MAX_XSK];
		for (int i = 1; i < nargs; i++)
			fds[i - 1] = parse_num("descriptor", argv[i], INT32_MAX);
		r = sy_register_xsk(c, argv[0], fds, nargs - 1);
	} else if (!strcmp(cmd, "register") || !strcmp(cmd, "unregister")) {
		pid_t tids[MAX_CPUS];
		for (int i = 1; i < nargs; i++)
			tids[i - 1] = parse_num("thread id", argv[i], 4194304);
		r = cmd[0] == 'r' ? sy_register_threads(c, argv[0], tids, nargs - 1)
				  : sy_unregister_threads(c, argv[0], tids, nargs - 1);
	} else {
		r = sy_map_delete(c, argv[0], argv[1], &key, sizeof(key));
	}
	if (r)
		r = failed(c);
	sy_close(c);
	if (fflush(stdout)) {
		perror(prog);
		return 1;
	}
	return r;
}

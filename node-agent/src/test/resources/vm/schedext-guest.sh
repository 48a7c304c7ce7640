#!/bin/sh
# The guest side of SchedExtVmTest: plays an application in cgroup "app" (two
# worker processes) and an unrelated one in cgroup "other", drives the agent
# (SchedExtGuestAgent: syrupd's deployer and thread backend) and prints what it
# observes as "CHECK <name> <value>" lines, which the host-side test asserts.
#   schedext-guest.sh JAVA_CLASSPATH CACHE_DIR
# CACHE_DIR is the agent's cache (SDK, compiled objects), prepared on the host
# because clang is slow under emulation; CACHE_DIR/policies holds pin_per_worker.c
# (a good policy) and thread_unchecked_lookup.c (one the verifier refuses).
set -u
CP=$1 CACHE=$2 POLICIES=$2/policies
CG=/sys/fs/cgroup
check() { echo "CHECK $1 $2"; echo "  ($1 at $(cut -d' ' -f1 /proc/uptime) s of uptime)" >&2; }
state() { cat /sys/kernel/sched_ext/state; }
ops() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null; }
# The CPU a thread last ran on (field 39 of /proc/TID/stat; the name field has no spaces here).
cpu_of() { cut -d' ' -f39 "/proc/$1/stat"; }
# How many of N samples, 0.1 s apart, found thread $1 on CPU $2.
on_cpu() {
	n=0 i=0
	while [ $i -lt "$3" ]; do
		[ "$(cpu_of "$1")" = "$2" ] && n=$((n + 1))
		i=$((i + 1)); sleep 0.1
	done
	echo "$n/$3"
}
allowed() { sed -n 's/^Cpus_allowed_list:\t*//p' "/proc/$1/status"; }
# 1 while the task is scheduled by sched_ext, 0 in the fair class.
ext_enabled() { sed -n 's/^ext\.enabled *: *//p' "/proc/$1/sched" 2>/dev/null; }
# Waits (up to 10 s) for the sched_ext state $1.
await_state() {
	t=0
	while [ "$(state)" != "$1" ] && [ $t -lt 100 ]; do t=$((t + 1)); sleep 0.1; done
}

mkdir -p $CG/app $CG/other
check state_before "$(state)"

mkfifo /tmp/agent.in
# The agent asks clang its version once: read clang and LLVM through 9p now, and give the probe time.
clang --version > /dev/null
start_agent() {
	java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dsyrup.clang.probeTimeoutSeconds=300 -cp "$CP" \
		dev.syrup.hook.thread.SchedExtGuestAgent "$CACHE" \
		< /tmp/agent.in > /tmp/agent.out 2>&1 &
	AGENT=$!
	exec 3> /tmp/agent.in
	seq=0
}
# Sends a command to the agent and leaves its answer in $ANSWER (not in a subshell: seq must advance).
ANSWER=
agent() {
	if [ -n "$1" ]; then echo "$1" >&3; seq=$((seq + 1)); fi
	t=0
	while ! grep -q "^R$seq " /tmp/agent.out; do
		t=$((t + 1))
		if [ $t -gt 1800 ] || ! kill -0 $AGENT 2>/dev/null; then
			echo "agent: no answer to '$1'" >&2; cat /tmp/agent.out >&2; ANSWER="no answer"; return 1
		fi
		sleep 0.1
	done
	ANSWER=$(sed -n "s/^R$seq //p" /tmp/agent.out)
}
start_agent
agent "" || { echo "CHECK agent_started no"; exit 1; }
check backend "$ANSWER"

# A policy the verifier refuses: a clear error, and nothing changes. (First, while the CPUs are
# idle: the first deployment runs clang once, to learn its version, which is slow when emulated.)
agent "deploy $POLICIES/thread_unchecked_lookup.c /app 1"; check bad_deploy "$ANSWER"
check state_after_bad "$(state)"

# The application: workers compute in bursts and sleep in between, so they are both preempted and
# woken up; one unrelated process of the same kind in another cgroup.
WORK='while :; do i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done; sleep 0.02; done'
sh -c "echo \$\$ > $CG/app/cgroup.procs; exec sh -c '$WORK'" & A=$!
sh -c "echo \$\$ > $CG/app/cgroup.procs; exec sh -c '$WORK'" & B=$!
sh -c "echo \$\$ > $CG/other/cgroup.procs; exec sh -c '$WORK'" & O=$!
sleep 0.5
agent "policy $A"; check policy_after_bad "$ANSWER"

# pin_per_worker on CPU set [1]: every thread of the application runs on CPU 1.
agent "deploy $POLICIES/pin_per_worker.c /app 1"; check deploy "$ANSWER"
ID=${ANSWER#OK }
check state_deployed "$(state)"
check ops "$(ops)"
agent "policy $A"; check policy_app "$ANSWER"
agent "policy $O"; check policy_other "$ANSWER"
check ext_app "$(ext_enabled $A)"
check ext_other "$(ext_enabled $O)"
sleep 1
check a_on_1 "$(on_cpu $A 1 5)"
check b_on_1 "$(on_cpu $B 1 5)"
# by the scheduler, not by affinity
check allowed_app "$(allowed $A)"
check allowed_other "$(allowed $O)"
agent "stats $ID"; check stats "$ANSWER"

# Removal: the threads go back to SCHED_OTHER and the scheduler is unloaded.
agent "remove $ID"; check remove "$ANSWER"
await_state disabled
check state_removed "$(state)"
agent "policy $A"; check policy_removed "$ANSWER"

# Deployed again, then the agent is killed: the kernel returns the threads to the fair class.
agent "deploy $POLICIES/pin_per_worker.c /app 1"; check redeploy "$ANSWER"
check state_redeployed "$(state)"
kill -9 $AGENT
await_state disabled
check state_after_kill "$(state)"
check ext_app_after_kill "$(ext_enabled $A)"
s1=$(cut -d' ' -f14 /proc/$A/stat); sleep 1; s2=$(cut -d' ' -f14 /proc/$A/stat)
check app_runs_after_kill "$([ "$s2" -gt "$s1" ] && echo yes || echo no)"
kill $A $B $O 2>/dev/null
echo "CHECK done yes"

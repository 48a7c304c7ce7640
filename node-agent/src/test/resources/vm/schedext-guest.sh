#!/bin/sh
# The guest side of SchedExtVmTest: plays an application in cgroup "app" (two
# spinning threads) and an unrelated one in cgroup "other", drives the agent
# (SchedExtGuestAgent, real scheduler code) and prints what it observes as
# "CHECK <name> <value>" lines, which the host-side test asserts.
#   schedext-guest.sh JAVA_CLASSPATH
set -u
CP=$1
CG=/sys/fs/cgroup
T0=$(cut -d' ' -f1 /proc/uptime)
check() { echo "CHECK $1 $2"; echo "  ($1 at $(cut -d' ' -f1 /proc/uptime) s of uptime)" >&2; }
state() { cat /sys/kernel/sched_ext/state; }
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
ext_enabled() { sed -n 's/^ext\.enabled *: *//p' "/proc/$1/sched" 2>/dev/null; }

mkdir -p $CG/app $CG/other
# Workers compute in bursts and sleep in between, so they are both preempted and woken up.
WORK='while :; do i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done; sleep 0.02; done'
sh -c "echo \$\$ > $CG/app/cgroup.procs; exec sh -c '$WORK'" & A=$!
sh -c "echo \$\$ > $CG/app/cgroup.procs; exec sh -c '$WORK'" & B=$!
sh -c "echo \$\$ > $CG/other/cgroup.procs; exec sh -c 'while :; do sleep 0.05; done'" & O=$!
check state_before "$(state)"

mkfifo /tmp/agent.in
java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$CP" dev.syrup.hook.thread.SchedExtGuestAgent /tmp/syrup-cache \
	< /tmp/agent.in > /tmp/agent.out 2>&1 &
AGENT=$!
exec 3> /tmp/agent.in
# Sends a command to the agent and prints its answer (waits up to 120 s: the JVM is slow under emulation).
# Sends a command to the agent and leaves its answer in $ANSWER (not in a subshell: seq must advance).
seq=0 ANSWER=
agent() {
	if [ -n "$1" ]; then echo "$1" >&3; seq=$((seq + 1)); fi
	t=0
	while ! grep -q "^R$seq " /tmp/agent.out; do
		t=$((t + 1))
		if [ $t -gt 1200 ] || ! kill -0 $AGENT 2>/dev/null; then echo "agent: no answer to '$1'" >&2; cat /tmp/agent.out >&2; return 1; fi
		sleep 0.1
	done
	ANSWER=$(sed -n "s/^R$seq //p" /tmp/agent.out)
}
agent "" || { echo "CHECK agent_started no"; exit 1; }
agent "start /sys/fs/bpf/syrup"; check start "$ANSWER"
check state_started "$(state)"
check ops "$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)"
agent "switch $CG/app"; check switched "$ANSWER"
agent "policy $A"; check policy_app "$ANSWER"
agent "policy $O"; check policy_other "$ANSWER"
check ext_app "$(ext_enabled $A)"
check ext_other "$(ext_enabled $O)"

agent "decide $A 0"; agent "decide $B 1"
sleep 1
check a_on_0 "$(on_cpu $A 0 5)"
check b_on_1 "$(on_cpu $B 1 5)"
agent "decide $A 1"; agent "decide $B 0"
sleep 1
check a_on_1 "$(on_cpu $A 1 5)"
check b_on_0 "$(on_cpu $B 0 5)"
check allowed_app "$(allowed $A)"
check allowed_other "$(allowed $O)"
agent stats; check stats "$ANSWER"
# Only one scheduler runs per node: a second start is refused and the first keeps running.
agent "start /sys/fs/bpf/syrup-second"; check second_start "$ANSWER"
check state_after_second "$(state) $(cat /sys/kernel/sched_ext/root/ops)"

kill -9 $AGENT
t=0
while [ "$(state)" != disabled ] && [ $t -lt 100 ]; do t=$((t + 1)); sleep 0.1; done
check state_after_kill "$(state)"
check ext_app_after_kill "$(ext_enabled $A)"
# In the fair class the two spinners are no longer held on one CPU each: both keep running.
s1=$(cut -d' ' -f14 /proc/$A/stat); sleep 1; s2=$(cut -d' ' -f14 /proc/$A/stat)
check app_runs_after_kill "$([ "$s2" -gt "$s1" ] && echo yes || echo no)"
kill $A $B $O 2>/dev/null
echo "CHECK done yes"

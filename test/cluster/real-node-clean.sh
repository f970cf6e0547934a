#!/usr/bin/env bash
# Removes what a real node of the test harness (real-node.ts) leaves on this machine: its daemons
# and every pod's processes, mounts, the bridge and the iptables rules, pod cgroups, the
# directories it made outside its own, and the kernel settings it or the kubelet changed (put back
# from the values saved before the first change). Safe to run at any time and any number of
# times: before a node starts, when it stops, and from the watchdog of a test process that died.
#
#   TYCHOC_NODE_DIR=DIR real-node-clean.sh     (DIR: the node's directory; taken from the
#                                               environment so that no process's command line
#                                               names it but the node's own)
set -uo pipefail
base=${TYCHOC_NODE_DIR:?TYCHOC_NODE_DIR is not set}
run=$base/run
BRIDGE=tychoc0

# The node's daemons and the containerd shims name a path in $run on their command lines; pod
# processes live in the kubelet's cgroups.
node_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    [[ ${p#/proc/} == "$$" ]] && continue
    cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
    [[ $cmd == *"$run/"* ]] && echo "${p#/proc/}"
  done
  find /sys/fs/cgroup/*/kubepods -name tasks -exec cat {} + 2>/dev/null
}
for _ in $(seq 50); do
  pids=$(node_pids | sort -u)
  [[ -z $pids ]] && break
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  sleep 0.1
done

# Pod sandboxes' network namespaces, shm and root file systems, and volume mounts: deepest first.
awk '{print $5}' /proc/self/mountinfo | grep -E "^$base/" | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
done

for veth in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
  ip link del "$veth" 2>/dev/null
done
ip link del "$BRIDGE" 2>/dev/null

# kube-proxy's KUBE-* chains, the CNI plugins' CNI-* chains and the harness's own TYCHOC-* guard.
for cmd in iptables ip6tables; do
  command -v $cmd >/dev/null || continue
  for table in filter nat mangle raw; do
    rules=$($cmd -w -t $table -S 2>/dev/null) || continue
    grep -E '^-A [A-Z]+ .*-j (KUBE-|CNI-|TYCHOC-)' <<<"$rules" | sed 's/^-A/-D/' | while read -r rule; do
      eval "$cmd -w -t $table $rule" 2>/dev/null
    done
    chains=$(grep -oE '^-N (KUBE-|CNI-|TYCHOC-)[^ ]*' <<<"$rules" | cut -d' ' -f2)
    for chain in $chains; do $cmd -w -t $table -F "$chain" 2>/dev/null; done
    for chain in $chains; do $cmd -w -t $table -X "$chain" 2>/dev/null; done
  done
done

find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} + 2>/dev/null

# Directories the kubelet and CNI hard-code, where the harness made them (it leaves a marker).
for dir in /var/lib/kubelet /var/log/containers /var/log/pods /var/lib/cni /run/containerd; do
  [[ -f $dir/.tychoc-real-node ]] && rm -rf "$dir"
done

if [[ -f $base/host-sysctls ]]; then
  while IFS='=' read -r key value; do sysctl -qw "$key=$value" 2>/dev/null; done <"$base/host-sysctls"
  rm -f "$base/host-sysctls"
fi

rm -rf "$run"
exit 0

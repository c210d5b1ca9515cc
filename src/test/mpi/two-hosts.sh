#!/bin/sh
# Distributed training across two hosts, emulated on one machine: two network namespaces joined by a veth
# pair, so the two ranks have separate network stacks and talk over TCP only (Open MPI's tcp BTL), as on two
# machines. Trains the shapes data for 2 epochs with --deterministic, once that way and once with both ranks
# on one host (shared memory), and compares the saved weights bit for bit; then kills the second host's rank
# in a longer run and reports how soon mpirun ends the job. Needs root (ip netns) and Open MPI.
# Run from the project's root:  sh src/test/mpi/two-hosts.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=target/two-hosts
rm -rf "$out" && mkdir -p "$out"
cleanup() { ip netns del cnn4j-host1 2>/dev/null || true; ip netns del cnn4j-host2 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add cnn4j-host1 && ip netns add cnn4j-host2
ip link add cnn4j-v1 type veth peer name cnn4j-v2
ip link set cnn4j-v1 netns cnn4j-host1 && ip link set cnn4j-v2 netns cnn4j-host2
ip -n cnn4j-host1 addr add 10.9.0.1/24 dev cnn4j-v1 && ip -n cnn4j-host2 addr add 10.9.0.2/24 dev cnn4j-v2
for n in 1 2; do ip -n cnn4j-host$n link set lo up && ip -n cnn4j-host$n link set cnn4j-v$n up; done

./cnn4j --version >/dev/null # builds once, outside the timed runs
root=""; [ "$(id -u)" = 0 ] && root=--allow-run-as-root
net="$root --mca plm_rsh_agent $here/netns-agent --mca btl tcp,self --mca btl_tcp_if_include 10.9.0.0/24
  --mca oob_tcp_if_include 10.9.0.0/24 -x OMP_NUM_THREADS=1 -np 2 -H 10.9.0.1:1,10.9.0.2:1"
train="./cnn4j train --data shapes --epochs 2 --batch 16 --distributed --deterministic"

ip netns exec cnn4j-host1 mpirun $net $train --out "$out/two-hosts" > "$out/two-hosts.log" 2>&1
mpirun $root -np 2 -x OMP_NUM_THREADS=1 $train --out "$out/one-host" > "$out/one-host.log" 2>&1
a=$(unzip -p "$out/two-hosts/model.cnn4j" weights.bin | md5sum | cut -d' ' -f1)
b=$(unzip -p "$out/one-host/model.cnn4j" weights.bin | md5sum | cut -d' ' -f1)
echo "weights after 2 epochs: two hosts over TCP $a, one host $b"
[ "$a" = "$b" ] || { echo "FAILED: the weights differ"; exit 1; }

ip netns exec cnn4j-host1 mpirun $net ./cnn4j train --data shapes --epochs 50 --batch 16 --distributed \
  --out "$out/killed" > "$out/killed.log" 2>&1 &
job=$!
pid=""
while [ -z "$pid" ]; do
  sleep 5
  for p in $(pgrep -f "java.*$out/killed" || true); do
    [ "$(ip netns identify "$p")" = cnn4j-host2 ] && pid=$p
  done
done
start=$(date +%s.%N)
kill -9 "$pid"
status=0; wait "$job" || status=$?
echo "killed rank 1 (pid $pid) on host 10.9.0.2: mpirun ended with status $status after" \
  "$(echo "$(date +%s.%N) - $start" | bc) s"
[ "$status" != 0 ] || { echo "FAILED: the job did not fail"; exit 1; }
echo "ok"

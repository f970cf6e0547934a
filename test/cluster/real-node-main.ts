// `npm run cluster:real`: starts the test suite's real node on this machine (root; see the README)
// and keeps it until Ctrl-C, for trying `tychoc up` by hand against real containers.
import { startRealNode } from './real-node.js';

const started = Date.now();
console.error('starting the real node (control plane, containerd, kubelet, kube-proxy, CoreDNS)…');
const node = await startRealNode();
console.error(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s; images: ${node.images.join(', ')}`);
console.error(`logs: ${node.logs}; Ctrl-C stops the node and removes what it made`);
console.log(`export KUBECONFIG=${node.kubeconfig}`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error('stopping…');
    void node.stop().then(() => process.exit(0));
  });
}
setInterval(() => undefined, 1 << 30);

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/emit/chart.js';
import type { PolicyOverrides } from '../src/model/policy.js';
import { corpusDir } from './corpus-files.js';
import { corpusObjects, fixtureObjects, type EmittedObjects } from './emitted-objects.js';
import { baselineViolations, podsOf, profileMismatches as mismatches, restrictedViolations, type PodLike } from './pod-security-rules.js';

/** A policy that allows everything it can, so the corpus shows every TYC0702 case. */
const PERMISSIVE: PolicyOverrides = {
  volumes: { allowedHostRoots: ['.', '/'] },
  security: { allowPrivileged: true, allowHostNamespaces: true, allowedCapabilities: ['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'NET_RAW', 'IPC_LOCK', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_MODULE', 'SYS_NICE'] },
};

describe('pods meet the baseline Pod Security Standard, and restricted where the compiler says, unless TYC0702 says otherwise', () => {
  it('in every golden fixture, some of which are warned about and some restricted', () => {
    const runs = fixtureObjects();
    expect(runs.some((r) => r.diagnostics.some((d) => d.startsWith('TYC0702 ')))).toBe(true);
    expect(runs.some((r) => r.manifests.some((m) => podsOf(m).some((p) => p.spec['securityContext']?.runAsNonRoot === true)))).toBe(true);
    expect(mismatches(runs)).toEqual([]);
  });

  const haveCorpus = existsSync(corpusDir);
  const skipped = (what: string) => (haveCorpus ? what : `${what} (SKIPPED: ${corpusDir} not found)`);
  it.skipIf(!haveCorpus)(skipped('in the compiled corpus, under the default policy'), () => {
    expect(mismatches(corpusObjects())).toEqual([]);
  });

  it.skipIf(!haveCorpus)(skipped('in the compiled corpus, under a policy allowing everything'), () => {
    const runs = corpusObjects(PERMISSIVE);
    expect(runs.filter((r) => r.diagnostics.some((d) => d.startsWith('TYC0702 '))).length).toBeGreaterThanOrEqual(4);
    expect(mismatches(runs)).toEqual([]);
  });

  it.skipIf(!haveCorpus)(skipped('in the compiled corpus, under security.profile: restricted, every pod meets restricted unless warned'), () => {
    expect(mismatches(corpusObjects({ security: { profile: 'restricted' } }), 'restricted')).toEqual([]);
  });
});

describe('the restricted profile checks', () => {
  const compliant: PodLike = {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'a', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
      volumes: [{ name: 'v', emptyDir: {} }, { name: 'c', persistentVolumeClaim: { claimName: 'c' } }],
    },
  };
  const broken = (change: (spec: Record<string, any>) => void, metadata?: Record<string, unknown>) => {
    const pod = structuredClone(compliant) as { metadata?: Record<string, unknown>; spec: Record<string, any> };
    change(pod.spec);
    if (metadata) pod.metadata = metadata;
    return restrictedViolations(pod);
  };

  it('accept a restricted pod, and a pod whose containers each set what the pod does not', () => {
    expect(restrictedViolations(compliant)).toEqual([]);
    expect(broken((s) => {
      s['securityContext'] = {};
      s['containers'][0].securityContext = { ...s['containers'][0].securityContext, runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } };
    })).toEqual([]);
  });

  it('name each control a pod breaks', () => {
    const c = (s: Record<string, any>) => s['containers'][0];
    expect(broken((s) => { s['hostNetwork'] = true; })).toEqual(['Host Namespaces']);
    expect(broken((s) => { c(s).securityContext.privileged = true; })).toEqual(['Privileged Containers']);
    expect(broken((s) => { c(s).ports = [{ containerPort: 80, hostPort: 8080 }]; })).toEqual(['Host Ports']);
    expect(broken(() => {}, { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } })).toEqual(['AppArmor']);
    expect(broken((s) => { s['securityContext'].seLinuxOptions = { type: 'spc_t' }; })).toEqual(['SELinux']);
    expect(broken((s) => { c(s).securityContext.procMount = 'Unmasked'; })).toEqual(['/proc Mount Type']);
    expect(broken((s) => { s['securityContext'].sysctls = [{ name: 'kernel.msgmax', value: '1' }]; })).toEqual(['Sysctls']);
    expect(broken((s) => { s['volumes'].push({ name: 'h', hostPath: { path: '/' } }); })).toEqual(['Volume Types']);
    expect(broken((s) => { delete c(s).securityContext.allowPrivilegeEscalation; })).toEqual(['Privilege Escalation']);
    expect(broken((s) => { delete s['securityContext'].runAsNonRoot; })).toEqual(['Running as Non-root']);
    expect(broken((s) => { c(s).securityContext.runAsNonRoot = false; })).toEqual(['Running as Non-root']);
    expect(broken((s) => { c(s).securityContext.runAsUser = 0; })).toEqual(['Running as Non-root user']);
    expect(broken((s) => { c(s).securityContext.seccompProfile = { type: 'Unconfined' }; })).toEqual(['Seccomp']);
    expect(broken((s) => { delete s['securityContext'].seccompProfile; })).toEqual(['Seccomp']);
    expect(broken((s) => { c(s).securityContext.capabilities = { drop: ['NET_RAW'] }; })).toEqual(['Capabilities']);
    expect(broken((s) => { c(s).securityContext.capabilities.add.push('CHOWN'); })).toEqual(['Capabilities']);
  });

  it('find the pods of every controller kind', () => {
    const template = { spec: { containers: [] } };
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].map((kind) => ({ kind, spec: { template } }));
    expect([...kinds, { kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } }].flatMap((m) => podsOf(m as unknown as Manifest))).toHaveLength(5);
    expect(podsOf({ kind: 'Service', spec: {} })).toEqual([]);
  });
});

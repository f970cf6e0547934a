import { basename } from 'node:path';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import {
  ANNOTATIONS_MAX_BYTES,
  DATA_MAX_BYTES,
  isDataKey,
  isDns1035Label,
  isDnsLabel,
  isEnvName,
  isInt32,
  isInt64,
  isLabelValue,
  isLocalPath,
  isPortName,
  isQualifiedName,
  isQuantity,
  isSubdomain,
} from './api-rules.js';
import type { Manifest } from './chart.js';

/** An emitted object and the compose line it came from. */
export interface TracedManifest {
  readonly manifest: Manifest;
  readonly pos: SourcePos;
}

type Json = Record<string, any>;
type Problem = (what: string) => void;

/**
 * The last guard before output: every value the API server would refuse, whatever pass let it
 * through, becomes a positioned error instead of an object `kubectl apply` rejects.
 */
export function guardManifests(objects: readonly TracedManifest[], diagnostics: Diagnostic[]): void {
  const names = new Map<string, SourcePos>();
  for (const { manifest: m, pos } of objects) {
    const problem: Problem = (what) => diagnostics.push({
      severity: 'error',
      code: Codes.unrepresentable,
      message: `${m.kind} \`${m.metadata.name}\` would be refused by Kubernetes: ${what}`,
      pos,
    });
    const id = `${m.apiVersion.split('/').slice(0, -1).join('/')}/${m.kind}/${m.metadata.name}`;
    const first = names.get(id);
    if (first) {
      const other = first.file === pos.file ? `line ${first.line}` : `${basename(first.file)}:${first.line}`;
      const message = `two objects are both ${m.kind} \`${m.metadata.name}\` (the other from ${other}); rename one`;
      diagnostics.push({ severity: 'error', code: Codes.nameCollision, message, pos });
    } else names.set(id, pos);
    checkObject(m as Manifest & Json, problem);
  }
}

function checkObject(m: Manifest & Json, problem: Problem): void {
  const name = m.metadata.name;
  if (m.kind === 'Service' ? !isDns1035Label(name) : !isSubdomain(name)) problem(`\`${name}\` is not a valid ${m.kind} name`);
  checkMetadata(m.metadata, 'metadata', problem);
  checkData(m, problem);
  const spec: Json | undefined = m['spec'];
  if (!spec) return;
  if ('replicas' in spec && !isInt32(spec['replicas'])) problem(`spec.replicas ${spec['replicas']} is not a whole number up to 2147483647`);
  if ('backoffLimit' in spec && !isInt32(spec['backoffLimit'])) problem(`spec.backoffLimit ${spec['backoffLimit']} is not a whole number up to 2147483647`);
  if (spec['template']) {
    checkMetadata(spec['template'].metadata ?? {}, 'spec.template.metadata', problem);
    checkPod(spec['template'].spec, problem);
  }
  if (m.kind === 'Service') checkServicePorts(spec['ports'] ?? [], problem);
}

function checkMetadata(meta: Json, at: string, problem: Problem): void {
  for (const [k, v] of Object.entries<string>(meta['labels'] ?? {})) {
    if (!isQualifiedName(k)) problem(`${at}.labels: \`${k}\` is not a valid label key`);
    if (!isLabelValue(v)) problem(`${at}.labels.${k}: ${JSON.stringify(v)} is not a valid label value (at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends)`);
  }
  let size = 0;
  for (const [k, v] of Object.entries<string>(meta['annotations'] ?? {})) {
    if (!isQualifiedName(k)) problem(`${at}.annotations: \`${k}\` is not a valid annotation key`);
    size += k.length + v.length;
  }
  if (size > ANNOTATIONS_MAX_BYTES) problem(`${at}.annotations hold ${size} bytes, more than ${ANNOTATIONS_MAX_BYTES}`);
}

function checkData(m: Json, problem: Problem): void {
  const data: Json = { ...m['data'], ...m['binaryData'] };
  let size = 0;
  for (const [k, v] of Object.entries<string>(data)) {
    if (!isDataKey(k)) problem(`data key \`${k}\` is not a valid file name in a ${m['kind']} (at most 253 letters, digits, '-', '_' or '.')`);
    size += m['kind'] === 'ConfigMap' && k in (m['data'] ?? {}) ? Buffer.byteLength(v) : (v.length * 3) / 4;
  }
  if (size > DATA_MAX_BYTES) problem(`its data holds ${Math.round(size)} bytes, more than ${DATA_MAX_BYTES}`);
}

function checkPod(pod: Json, problem: Problem): void {
  const volumes = new Set<string>();
  for (const v of (pod['volumes'] ?? []) as Json[]) {
    if (!isDnsLabel(v['name'])) problem(`volume name \`${v['name']}\` is not a DNS label`);
    if (volumes.has(v['name'])) problem(`two volumes are named \`${v['name']}\``);
    volumes.add(v['name']);
    for (const item of (v['configMap'] ?? v['secret'])?.items ?? []) {
      if (!isDataKey(item.key)) problem(`volume \`${v['name']}\` names the key \`${item.key}\`, which a ${v['configMap'] ? 'ConfigMap' : 'Secret'} cannot hold`);
      if (!isLocalPath(item.path)) problem(`volume \`${v['name']}\` places a file at \`${item.path}\`, not a relative path within it`);
    }
  }
  if ('terminationGracePeriodSeconds' in pod && !isInt64(pod['terminationGracePeriodSeconds'])) problem(`terminationGracePeriodSeconds ${pod['terminationGracePeriodSeconds']} is not a whole number of seconds`);
  if (pod['hostname'] !== undefined && !isDnsLabel(pod['hostname'])) problem(`hostname \`${pod['hostname']}\` is not a DNS label`);
  for (const c of pod['containers'] as Json[]) checkContainer(c, volumes, problem);
}

function checkContainer(c: Json, volumes: ReadonlySet<string>, problem: Problem): void {
  const at = `container \`${c['name']}\``;
  if (!isDnsLabel(c['name'])) problem(`${at}: the name is not a DNS label`);
  const envNames = new Set<string>();
  for (const e of (c['env'] ?? []) as Json[]) {
    if (!isEnvName(e['name'])) problem(`${at}: environment variable name ${JSON.stringify(e['name'])} is empty or holds '=' or a character that is not printable ASCII`);
    if (envNames.has(e['name'])) problem(`${at}: environment variable \`${e['name']}\` is set twice`);
    envNames.add(e['name']);
  }
  const ports = new Set<string>();
  for (const p of (c['ports'] ?? []) as Json[]) {
    if (!isInt32(p['containerPort'], 1) || p['containerPort'] > 65535) problem(`${at}: port ${p['containerPort']} is not between 1 and 65535`);
    if (p['name'] !== undefined && !isPortName(p['name'])) problem(`${at}: port name \`${p['name']}\` is not an IANA service name`);
    const key = `${p['containerPort']}/${p['protocol']}`;
    if (ports.has(key)) problem(`${at}: port ${key} is listed twice`);
    ports.add(key);
  }
  const mountPaths = new Set<string>();
  for (const m of (c['volumeMounts'] ?? []) as Json[]) {
    if (mountPaths.has(m['mountPath'])) problem(`${at}: two volumes are mounted at \`${m['mountPath']}\``);
    mountPaths.add(m['mountPath']);
    if (m['mountPath'] === '') problem(`${at}: a volume is mounted at an empty path`);
    if (!volumes.has(m['name'])) problem(`${at}: mounts volume \`${m['name']}\`, which the pod does not have`);
    if (m['subPath'] !== undefined && !isLocalPath(m['subPath'])) problem(`${at}: subPath \`${m['subPath']}\` is not a relative path within the volume`);
  }
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe: Json | undefined = c[kind];
    if (!probe) continue;
    for (const field of ['periodSeconds', 'timeoutSeconds', 'failureThreshold']) {
      if (field in probe && !isInt32(probe[field], 1)) problem(`${at}: ${kind}.${field} ${probe[field]} is not a whole number from 1 to 2147483647`);
    }
  }
  for (const [group, values] of Object.entries<Json>(c['resources'] ?? {})) {
    for (const [resource, q] of Object.entries<string>(values)) {
      if (!isQuantity(String(q)) || String(q).startsWith('-')) problem(`${at}: resources.${group}.${resource} ${q} is not a non-negative quantity`);
    }
  }
}

function checkServicePorts(ports: readonly Json[], problem: Problem): void {
  const seen = new Set<string>();
  for (const p of ports) {
    if (!isInt32(p['port'], 1) || p['port'] > 65535) problem(`port ${p['port']} is not between 1 and 65535`);
    if (p['name'] !== undefined && !isDnsLabel(p['name'])) problem(`port name \`${p['name']}\` is not a DNS label`);
    const key = `${p['port']}/${p['protocol']}`;
    if (seen.has(key)) problem(`port ${key} is listed twice`);
    seen.add(key);
  }
}

import type { CheckLabels, InitContainerSpec, ProbeAction, Setting } from '../../model/system.js';
import { INT32_MAX, isDnsLabel } from '../../emit/api-rules.js';
import { Codes } from '../codes.js';
import { splitShellWords } from '../shell-words.js';
import { parseDuration } from '../units.js';
import type { PNode } from '../tree.js';
import type { KomposeLabels } from './kompose-labels.js';
import { report, text, warn, type NormalizeContext } from './reader.js';
import { booleanSetting, integerSetting, labelNode, quantitySetting, type ValueReader } from './setting-values.js';

// Readers of the Kompose labels that shape the pod's containers: checks, storage, an init container.

const CHECK = 'kompose.service.healthcheck';
export const CHECK_LABELS = [
  ...['http_get_path', 'http_get_port', 'tcp_port'].map((k) => `${CHECK}.liveness.${k}`),
  ...['disable', 'test', 'http_get_path', 'http_get_port', 'tcp_port', 'interval', 'timeout', 'retries', 'start_period'].map((k) => `${CHECK}.readiness.${k}`),
];

const port = integerSetting(1, 65535, 'a port');
const retries = integerSetting(1, INT32_MAX);

/** The liveness and readiness checks the healthcheck labels give. */
export function readChecks(labels: KomposeLabels, ctx: NormalizeContext): Setting<CheckLabels> | undefined {
  const at = (key: string) => labels.get(`${CHECK}.${key}`);
  const read = <T>(key: string, reader: ValueReader<T>) => {
    const label = at(key);
    return label ? reader(labelNode(label), label.key, ctx)?.value : undefined;
  };
  const liveness = actionOf('liveness', labels, ctx);
  const readinessGiven = CHECK_LABELS.some((l) => l.startsWith(`${CHECK}.readiness.`) && labels.has(l));
  const test = at('readiness.test');
  const tested = test ? testAction(test.value, test.key, labelNode(test), ctx) : undefined;
  const action = tested?.action ?? actionOf('readiness', labels, ctx);
  const readiness = {
    disabled: (read('readiness.disable', booleanSetting) ?? false) || tested?.none === true,
    ...(action ? { action } : {}),
    ...optional('intervalSeconds', read('readiness.interval', durationSetting)),
    ...optional('timeoutSeconds', read('readiness.timeout', durationSetting)),
    ...optional('retries', read('readiness.retries', retries)),
    ...optional('startPeriodSeconds', read('readiness.start_period', durationSetting)),
  };
  const first = CHECK_LABELS.map((l) => labels.get(l)).find((l) => l !== undefined)!;
  return { value: { ...(liveness ? { liveness } : {}), ...(readinessGiven ? { readiness } : {}) }, pos: first.pos };
}

function optional<K extends string, T>(key: K, value: T | undefined): Partial<Record<K, T>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, T>);
}

/** An HTTP check (`http_get_port`, path `/` unless `http_get_path` says), else a TCP one (`tcp_port`). */
function actionOf(kind: 'liveness' | 'readiness', labels: KomposeLabels, ctx: NormalizeContext): ProbeAction | undefined {
  const label = (key: string) => labels.get(`${CHECK}.${kind}.${key}`);
  const path = label('http_get_path');
  const httpPort = label('http_get_port');
  const tcpPort = label('tcp_port');
  if (httpPort) {
    const p = port(labelNode(httpPort), httpPort.key, ctx);
    return p && { type: 'http', path: path?.value || '/', port: p.value };
  }
  if (path) report(ctx, Codes.missingKey, `\`${path.key}\` needs \`${CHECK}.${kind}.http_get_port\`, the port to ask`, path.pos);
  if (!tcpPort) return undefined;
  const p = port(labelNode(tcpPort), tcpPort.key, ctx);
  return p && { type: 'tcp', port: p.value };
}

/** Like a healthcheck's `test`: `["CMD", …]`, `["CMD-SHELL", "…"]`, `NONE`, or a command line. */
function testAction(value: string, what: string, node: PNode, ctx: NormalizeContext): { action?: ProbeAction; none?: boolean } | undefined {
  const words = commandWords(value, what, node, ctx);
  if (!words || words.length === 0) return undefined;
  const [form, ...rest] = words;
  if (form === 'NONE') return { none: true };
  const command = form === 'CMD' ? rest : form === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : words;
  return { action: { type: 'exec', command } };
}

/** A duration in seconds, as Go writes them (`10s`, `1m30s`). */
function durationSetting(node: PNode | undefined, what: string, ctx: NormalizeContext): Setting<number> | undefined {
  const raw = text(node);
  if (raw === undefined) return undefined;
  const value = parseDuration(raw);
  if (value === undefined || value > INT32_MAX) {
    report(ctx, Codes.invalidDuration, `\`${what}\` must be a duration such as 10s or 1m30s, not ${JSON.stringify(raw)}`, node!);
    return undefined;
  }
  return { value, pos: node!.pos };
}

/**
 * A command in a label's text: a JSON array (`["sh", "-c", "…"]`), Kompose's comma list
 * (`sh, -c, …`), or a command line split as a shell would.
 */
export function commandWords(value: string, what: string, node: PNode, ctx: NormalizeContext): string[] | undefined {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return parsed as string[];
    } catch {
      // Not JSON: Kompose's own reading below.
    }
  }
  if (trimmed.includes(',')) return trimmed.replace(/^\[|\]$/g, '').split(',').map((w) => w.trim().replace(/^["']|["']$/g, ''));
  const words = splitShellWords(trimmed);
  if (!words) report(ctx, Codes.invalidValue, `\`${what}\` has an unterminated quote: ${JSON.stringify(value)}`, node);
  return words;
}

export const EPHEMERAL_LABELS = ['kompose.ephemeral-storage.request', 'kompose.ephemeral-storage.limit'];

/** The container's ephemeral storage request and limit (Kompose reads them in `deploy.labels`). */
export function readEphemeralStorage(labels: KomposeLabels, ctx: NormalizeContext): Setting<{ request?: string; limit?: string }> | undefined {
  const [request, limit] = EPHEMERAL_LABELS.map((l) => labels.get(l)).map((l) => l && quantitySetting(labelNode(l), l.key, ctx));
  if (!request && !limit) return undefined;
  return { value: { ...(request ? { request: request.value } : {}), ...(limit ? { limit: limit.value } : {}) }, pos: (request ?? limit)!.pos };
}

export const INIT_LABELS = ['kompose.init.containers.name', 'kompose.init.containers.image', 'kompose.init.containers.command'];

/** The init container: an image is needed (Kompose adds none without one); its name is `init-service` unless given. */
export function readInitContainer(labels: KomposeLabels, ctx: NormalizeContext, service: string): Setting<InitContainerSpec> | undefined {
  const [name, image, command] = INIT_LABELS.map((l) => labels.get(l));
  if (!image?.value.trim()) {
    const first = (name ?? image ?? command)!;
    warn(ctx, Codes.ineffectiveSetting, `\`${first.key}\` of service \`${service}\` has no effect without \`kompose.init.containers.image\`; no init container is added`, first.pos);
    return undefined;
  }
  if (name && !isDnsLabel(name.value)) {
    report(ctx, Codes.invalidValue, `\`${name.key}\` must be a container name (lower-case letters, digits and '-', at most 63), not ${JSON.stringify(name.value)}`, name.pos);
    return undefined;
  }
  const words = command ? commandWords(command.value, command.key, labelNode(command), ctx) : undefined;
  if (command && !words) return undefined;
  return { value: { name: name?.value ?? 'init-service', image: image.value.trim(), ...(words?.length ? { command: words } : {}) }, pos: image.pos };
}

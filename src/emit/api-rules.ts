/**
 * The API server's checks on values that its OpenAPI schema does not carry (Kubernetes 1.33,
 * k8s.io/apimachinery/pkg/util/validation and pkg/apis/core/validation).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
/** Relaxed environment variable names (on by default since 1.32): printable ASCII but `=`. */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;
/** A Kubernetes quantity (resource.Quantity's grammar). */
const QUANTITY = /^[+-]?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export const INT32_MAX = 2 ** 31 - 1;
/** Annotations on one object, keys and values together (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** Data of one ConfigMap or Secret (MaxSecretSize, and the same for ConfigMaps). */
export const DATA_MAX_BYTES = 1024 * 1024;

export const isDnsLabel = (s: string): boolean => DNS_LABEL.test(s);
export const isDns1035Label = (s: string): boolean => DNS_1035.test(s);
export const isSubdomain = (s: string): boolean => s.length <= 253 && SUBDOMAIN.test(s);
export const isLabelValue = (s: string): boolean => LABEL_VALUE.test(s);
export const isPortName = (s: string): boolean => IANA_SVC_NAME.test(s);
export const isEnvName = (s: string): boolean => ENV_NAME.test(s);
export const isQuantity = (s: string): boolean => QUANTITY.test(s);

/** A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain. */
export function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return LABEL_NAME.test(key);
  return isSubdomain(key.slice(0, slash)) && LABEL_NAME.test(key.slice(slash + 1));
}

/** A ConfigMap or Secret key, also the `key` a volume item names. */
export function isDataKey(key: string): boolean {
  return key.length <= 253 && DATA_KEY.test(key) && key !== '.' && key !== '..';
}

/** A relative path without `..` elements: `subPath` and volume item paths. */
export function isLocalPath(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').includes('..');
}

/** A whole number in [min, INT32_MAX]. */
export function isInt32(value: unknown, min = 0): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= INT32_MAX;
}

/** A whole number in [min, 2^63): Go's int64 as JSON numbers can carry it. */
export function isInt64(value: unknown, min = 0): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

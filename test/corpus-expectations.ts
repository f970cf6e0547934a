/**
 * The corpus files that must fail, keyed by their path under shared/corpus, each with the
 * diagnostic code it must carry and why failing is right.
 */
export const EXPECTED_FAILURES: Record<string, { code: string; reason: string }> = {};

function expect(code: string, reason: string, names: string[]): void {
  for (const name of names) EXPECTED_FAILURES[name] = { code, reason };
}

expect('TYC0104', 'the sample names a secret file (db/password.txt) that the corpus does not include; docker compose fails the same way', [
  'awesome-compose/nginx-aspnet-mysql/compose.yaml',
  'awesome-compose/nginx-flask-mysql/compose.yaml',
  'awesome-compose/nginx-golang-mysql/compose.yaml',
  'awesome-compose/nginx-golang-postgres/compose.yaml',
  'awesome-compose/react-express-mysql/compose.yaml',
  'awesome-compose/react-java-mysql/compose.yaml',
  'awesome-compose/sparkjava-mysql/compose.yaml',
  'awesome-compose/spring-postgres/compose.yaml',
]);
expect('TYC0404', 'a file that includes itself', ['compose-go-testdata/loader/testdata/compose-include-cycle.yaml']);
expect('TYC0105', 'an empty file', ['compose-go-testdata/loader/testdata/empty.yaml']);
expect('TYC0302', 'a service defined as null, which the compose schema rejects', ['compose-go-testdata/loader/testdata/extends/base.yaml']);
expect('TYC0104', 'names an env_file that only the including test provides', ['compose-go-testdata/loader/testdata/include/dir/compose.yaml']);
expect('TYC0104', 'extends from a remote resource (`remote:`), which needs a network fetch compilation never does', [
  'compose-go-testdata/loader/testdata/remote/cycle/compose-cycle.yaml',
  'compose-go-testdata/loader/testdata/remote/cycle/compose.yaml',
  'compose-go-testdata/loader/testdata/remote/nested/compose.yaml',
]);
expect('TYC0301', 'legacy version 1 format: services at the top level', [
  'kompose-fixtures/controller/compose-controller-label.yaml',
  'kompose-fixtures/envvars-separators/compose.yaml',
  'kompose-fixtures/image-pull-secret/compose-files/docker-compose-image-pull-secret.yml',
  'kompose-fixtures/unused/expose-service/compose-files/docker-compose-expose-hostname-multiple-ports.yml',
  'kompose-fixtures/unused/expose-service/compose-files/docker-compose-expose-hostname-tls.yml',
  'kompose-fixtures/unused/expose-service/compose-files/docker-compose-expose-hostname.yml',
  'kompose-fixtures/unused/expose-service/compose-files/docker-compose-expose-multiple-hostname-tls.yml',
  'kompose-fixtures/unused/expose-service/compose-files/docker-compose-expose-multiple-hostname.yml',
  'kompose-fixtures/unused/expose-service/compose-files/docker-compose-expose-true-multiple-ports.yml',
  'kompose-fixtures/unused/expose-service/compose-files/docker-compose-expose-true.yml',
  'kompose-fixtures/yaml-and-yml/docker-compose.yaml',
  'kompose-fixtures/yaml-and-yml/yml/docker-compose.yml',
]);
expect('TYC0304', 'an override fragment whose service has no image; it only compiles merged onto its base file', [
  'kompose-fixtures/etherpad/docker-compose-no-image.yml',
  'kompose-fixtures/multiple-files/second.yaml',
  'kompose-fixtures/unused/merge-multiple-compose/compose-new-service-prob.yml',
  'kompose-fixtures/unused/merge-multiple-compose/compose-port-prod.yml',
  'kompose-fixtures/unused/merge-multiple-compose/dev.yml',
]);
expect('TYC0503', 'the port comes from a variable that is unset here (`$DB_PORT`), leaving an empty port', [
  'kompose-fixtures/etherpad/docker-compose.yml',
  'kompose-fixtures/gitlab/docker-compose.yml',
]);
expect('TYC0504', 'three different volumes are mounted at /var/lib/mysql; docker refuses duplicate mount points too', [
  'kompose-fixtures/unused/v3/docker-compose-full-example.yaml',
]);
expect('TYC0507', 'a service mounts a named volume that is not declared under top-level `volumes`; docker compose rejects it too', [
  'kompose-fixtures/unused/merge-multiple-compose/other-toplevel-base.yml',
  'kompose-fixtures/volume-mounts/named-volume/docker-compose-v3.yml',
  'kompose-fixtures/volume-mounts/named-volume/docker-compose.yml',
]);
expect('TYC0303', 'an image pull policy that is none of Always, IfNotPresent, Never; Kompose refuses it too', ['kompose-fixtures/image-pull-policy/compose-files/v12-fail-image-pull-policy.yml']);
expect('TYC0504', 'Windows host and container paths, which have no meaning for Linux pods', ['kompose-fixtures/volume-mounts/windows/compose.yaml']);
expect('TYC0508', 'every service has a profile and none is active, so nothing would run', ['kompose-fixtures/no-profile-warning/compose.yaml']);
expect('TYC0508', 'an override fragment with volumes and configs but no services', ['kompose-fixtures/unused/merge-multiple-compose/other-toplevel-override.yml']);
expect('TYC0701', 'asks for more than the baseline Pod Security Standard (NET_ADMIN or SYS_MODULE capabilities, the node\'s network namespace); the default policy refuses it, security.allowedCapabilities / allowHostNamespaces allow it', [
  'awesome-compose/pihole-cloudflared-DoH/compose.yaml',
  'awesome-compose/plex/compose.yaml',
  'awesome-compose/wireguard/compose.yaml',
]);
expect('TYC0701', 'a privileged container (docker-in-docker); the default policy refuses it, security.allowPrivileged allows it', ['kompose-fixtures/security-contexts/compose.yaml']);

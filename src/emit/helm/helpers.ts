/**
 * YAML 1.1 and 1.2 plain scalars that read as something other than a string (booleans, nulls,
 * numbers in any base, sexagesimals, infinities, timestamps): the
 * serializer quotes these, so the chart's scalar helper must too.
 */
const NOT_A_STRING = [
  'y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL',
  '[-+]?[0-9][0-9_]*', '[-+]?0b[01_]+', '[-+]?0o?[0-7_]+', '[-+]?0x[0-9a-fA-F_]+',
  '[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?', '[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?', '[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+',
  '[-+]?\\.(inf|Inf|INF)', '\\.(nan|NaN|NAN)', '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?',
].join('|');

/**
 * `templates/_helpers.tpl`: how values are printed into the objects. `scalar` writes a string
 * plain where YAML reads it back as that same string (as tychoc's serializer does, so the default
 * values render byte for byte as a plain compile) and double-quoted otherwise, so that an
 * overridden value (`--set …tag=1.10`) stays a string; numbers and booleans print as they are.
 * `image` joins repository, tag and digest (for `scalar` to print); `resources` prints a map of maps of quantities.
 */
export function helpersTemplate(chart: string): string {
  return `{{/* Printing values as tychoc prints the compiled objects. */}}
{{- define "${chart}.scalar" -}}
{{- if not (kindIs "string" .) -}}
{{- . -}}
{{- else if and (regexMatch \`^([^-?:,\\[\\]{}#&*!|>'"%@\\x60\\s]|[-?:][^\\s])[^\\x00-\\x08\\x0a-\\x1f\\x7f]*$\` .) (not (regexMatch \`: | #|:$|\\s$\` .)) (not (regexMatch \`^(${NOT_A_STRING})$\` .)) -}}
{{- . -}}
{{- else -}}
{{- quote . -}}
{{- end -}}
{{- end -}}

{{- define "${chart}.image" -}}
{{- $ref := toString .repository -}}
{{- with .tag }}{{ $ref = printf "%s:%v" $ref . }}{{ end -}}
{{- with .digest }}{{ $ref = printf "%s@%v" $ref . }}{{ end -}}
{{- $ref -}}
{{- end -}}

{{- define "${chart}.resources" -}}
{{- range $kind, $amounts := . }}
{{ $kind }}:
{{- range $name, $amount := $amounts }}
  {{ $name }}: {{ include "${chart}.scalar" $amount }}
{{- end }}
{{- end }}
{{- end -}}
`;
}

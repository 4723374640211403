{{- define "umbrella.name" -}}parent-{{ .Chart.Name }}{{- end -}}
{{- define "shared.label" -}}defined-by-parent{{- end -}}

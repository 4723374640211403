{{- define "shared.label" -}}defined-by-web{{- end -}}

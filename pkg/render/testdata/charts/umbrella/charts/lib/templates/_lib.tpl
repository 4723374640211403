{{- define "lib.label" -}}from-library{{- end -}}

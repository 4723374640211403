{{- define "good.labels" -}}
app.kubernetes.io/name: good
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

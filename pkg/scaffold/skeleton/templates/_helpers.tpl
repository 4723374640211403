{{/*
Named templates shared by this chart's templates. Object names are cut to
63 characters, the longest a DNS label (and so a Service name) may be.
*/}}

{{/* The chart's short name: nameOverride, or the chart name. */}}
{{- define "<CHARTNAME>.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The name of the release's objects: fullnameOverride when set; otherwise the
release name, with the chart name appended unless the release name already
holds it ("web" installed as "web-prod" gives "web-prod", not
"web-prod-web").
*/}}
{{- define "<CHARTNAME>.fullname" -}}
{{- $name := .Values.nameOverride | default .Chart.Name }}
{{- $full := .Values.fullnameOverride }}
{{- if not $full }}
{{- $full = ternary .Release.Name (printf "%s-%s" .Release.Name $name) (contains $name .Release.Name) }}
{{- end }}
{{- $full | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Chart name and version, as the helm.sh/chart label shows them. */}}
{{- define "<CHARTNAME>.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The labels that pick this release's pods. They must never change after the
first install: a Deployment's selector is immutable.
*/}}
{{- define "<CHARTNAME>.selectorLabels" -}}
app.kubernetes.io/name: {{ include "<CHARTNAME>.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The labels every object of the release carries. */}}
{{- define "<CHARTNAME>.labels" -}}
{{ include "<CHARTNAME>.selectorLabels" . }}
helm.sh/chart: {{ include "<CHARTNAME>.chart" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The ServiceAccount the pods run as. */}}
{{- define "<CHARTNAME>.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "<CHARTNAME>.fullname" .) }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

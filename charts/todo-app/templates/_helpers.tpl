{{/*
Chart name, overridable so the chart can be embedded under another name.
*/}}
{{- define "todo-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name. Truncated to 63 characters because some Kubernetes name
fields are limited to that (DNS-1123 labels). If the release name already
contains the chart name it is used as is, to avoid names like "todo-app-todo-app".
*/}}
{{- define "todo-app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version for the helm.sh/chart label ("+" is not allowed in label values).
*/}}
{{- define "todo-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of one component's resources (Deployment, Service, ConfigMap).
Takes a dict: root (the top-level context) and component (e.g. "todo-api").
*/}}
{{- define "todo-app.componentName" -}}
{{- printf "%s-%s" (include "todo-app.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: the immutable subset of the labels, used by Deployment
selectors and Services. Never add mutable values (such as the version) here.
Takes a dict: root and, optionally, component.
*/}}
{{- define "todo-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-app.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/*
Common labels of every resource. Takes a dict: root and, optionally, component.
*/}}
{{- define "todo-app.labels" -}}
helm.sh/chart: {{ include "todo-app.chart" .root }}
{{ include "todo-app.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: {{ include "todo-app.name" .root }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
Container image reference; the tag defaults to the chart's appVersion.
Takes a dict: root and values (the component's values).
*/}}
{{- define "todo-app.image" -}}
{{- printf "%s:%s" .values.image.repository (.values.image.tag | default .root.Chart.AppVersion) }}
{{- end }}

{{/*
Image pull secrets of a component as a YAML list: the global ones followed by
the component's own, without duplicates. Empty when there are none, so callers
can test it with "with". Takes a dict: root and values.
*/}}
{{- define "todo-app.imagePullSecrets" -}}
{{- $secrets := concat (.root.Values.global.imagePullSecrets | default list) (.values.imagePullSecrets | default list) | uniq }}
{{- with $secrets }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Name of the chart's Secret with the OpenID Connect settings.
*/}}
{{- define "todo-app.oidcSecretName" -}}
{{- printf "%s-oidc" (include "todo-app.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
OpenID Connect discovery document URL: the configured one, or Microsoft Entra
ID's v2.0 endpoint for the tenant.
*/}}
{{- define "todo-app.identityMetadataUrl" -}}
{{- .Values.oidc.identityMetadataUrl | default (printf "https://login.microsoftonline.com/%s/v2.0/.well-known/openid-configuration" .Values.oidc.tenantId) }}
{{- end }}

{{/*
Environment variables the APIs read from the OIDC Secret: the client ID, the
metadata URL under the name the component expects, and, when wanted, the client
secret, taken from existingSecret if one is named. Takes a dict: root,
metadataEnv (the variable name for the metadata URL) and clientSecret (bool).
*/}}
{{- define "todo-app.oidcEnv" -}}
{{- $secret := include "todo-app.oidcSecretName" .root -}}
- name: AZURE_APP_ID
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: client-id
- name: {{ .metadataEnv }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: identity-metadata-url
{{- if .clientSecret }}
- name: AZURE_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      {{- with .root.Values.oidc.existingSecret }}
      name: {{ . }}
      key: {{ $.root.Values.oidc.existingSecretKey }}
      {{- else }}
      name: {{ $secret }}
      key: client-secret
      {{- end }}
{{- end }}
{{- end }}

{{/*
Full name of the mongodb subchart, computed the way that chart's own
"mongodb.fullname" does, because a parent cannot call a subchart's helper with
the subchart's values. The subchart's values are read with dig so that nothing
breaks when the subchart is disabled and its defaults are absent.
*/}}
{{- define "todo-app.mongodb.fullname" -}}
{{- $override := dig "fullnameOverride" "" .Values.mongodb }}
{{- if $override }}
{{- $override | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := dig "nameOverride" "" .Values.mongodb | default "mongodb" }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
MongoDB connection string for the APIs. For the bundled database it carries no
credentials: they come from the mongodb Secret as MONGODB_USERNAME and
MONGODB_PASSWORD, so the password never lands in a ConfigMap and a generated
password works too. An external database's URL is used as given.
*/}}
{{- define "todo-app.mongodbUrl" -}}
{{- if .Values.mongodb.enabled }}
{{- if .Values.externalDatabase.url }}
{{- fail "externalDatabase.url is set but mongodb.enabled is true: set mongodb.enabled=false to use the external database" }}
{{- end }}
{{- printf "mongodb://%s:%v/?authSource=admin" (include "todo-app.mongodb.fullname" .) (dig "service" "port" 27017 .Values.mongodb) }}
{{- else }}
{{- required "externalDatabase.url is required when mongodb.enabled is false" .Values.externalDatabase.url }}
{{- end }}
{{- end }}

{{/*
MongoDB credentials for the APIs: the bundled database's root user and the
password from its Secret, or, for an external database, the user name and the
password from externalDatabase.existingSecret if one is named (otherwise the
URL is expected to carry whatever the database needs).
*/}}
{{- define "todo-app.mongodbEnv" -}}
{{- if .Values.mongodb.enabled -}}
- name: MONGODB_USERNAME
  value: {{ dig "auth" "rootUser" "root" .Values.mongodb | quote }}
- name: MONGODB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ dig "auth" "existingSecret" "" .Values.mongodb | default (include "todo-app.mongodb.fullname" .) }}
      key: {{ dig "auth" "existingSecretPasswordKey" "mongodb-root-password" .Values.mongodb }}
{{- else if .Values.externalDatabase.existingSecret -}}
- name: MONGODB_USERNAME
  value: {{ .Values.externalDatabase.username | quote }}
- name: MONGODB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalDatabase.existingSecret }}
      key: {{ .Values.externalDatabase.existingSecretPasswordKey }}
{{- end }}
{{- end }}

{{/*
The Deployment and Service of one component. The three components differ only
in their port, environment and config, so they share one definition and every
option (probes, scheduling, pull secrets...) behaves the same for all of them.
*/}}

{{/*
A component's Deployment. Takes a dict:
  root       the top-level context
  component  the component name, e.g. "todo-api"
  values     the component's values, e.g. .Values.todoApi
  port       the container port
  env        rendered YAML list of environment variables, or ""
  configMap  true to load the component's ConfigMap into the environment
  checksums  dict of pod annotation name to template file (under templates/)
             whose content the pods depend on, so that they roll when it changes
*/}}
{{- define "todo-app.deployment" -}}
{{- $root := .root }}
{{- $values := .values }}
{{- $ctx := dict "root" $root "component" .component }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "todo-app.componentName" $ctx }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "todo-app.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ $values.replicaCount }}
  {{- with $values.minReadySeconds }}
  minReadySeconds: {{ . }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "todo-app.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "todo-app.labels" $ctx | nindent 8 }}
      {{- if or .checksums $values.podAnnotations }}
      annotations:
        {{- range $name, $file := .checksums }}
        {{ $name }}: {{ include (print $root.Template.BasePath "/" $file) $root | sha256sum }}
        {{- end }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    spec:
      {{- with include "todo-app.imagePullSecrets" (dict "root" $root "values" $values) }}
      imagePullSecrets:
        {{- . | nindent 8 }}
      {{- end }}
      {{- /* None of the components talks to the Kubernetes API. */}}
      automountServiceAccountToken: false
      {{- with $values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "todo-app.image" (dict "root" $root "values" $values) }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          {{- with $values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          {{- if .configMap }}
          envFrom:
            - configMapRef:
                name: {{ include "todo-app.componentName" $ctx }}
          {{- end }}
          {{- with .env }}
          env:
            {{- . | nindent 12 }}
          {{- end }}
          {{- with $values.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $values.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
A component's Service, forwarding its port to the container's "http" port.
Takes a dict: root, component and values (as for todo-app.deployment).
*/}}
{{- define "todo-app.service" -}}
{{- $ctx := dict "root" .root "component" .component }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "todo-app.componentName" $ctx }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "todo-app.labels" $ctx | nindent 4 }}
spec:
  type: {{ .values.service.type }}
  ports:
    - name: http
      port: {{ .values.service.port }}
      targetPort: http
      protocol: TCP
  selector:
    {{- include "todo-app.selectorLabels" $ctx | nindent 4 }}
{{- end }}

package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// generatedChart writes, under dir, a chart of n objects: a third each of
// ConfigMaps, Services and Deployments (one replica each, so every
// Deployment has a pod to wait for). The value rev is in every ConfigMap
// and in every pod template, so an upgrade that changes it rolls every
// Deployment, and a rollback rolls them back.
func generatedChart(dir string, n int) (string, error) {
	chartDir := filepath.Join(dir, fmt.Sprintf("gen%d", n))
	deployments, services := n/3, n/3
	configMaps := n - deployments - services
	files := map[string]string{
		"Chart.yaml": fmt.Sprintf("apiVersion: v2\nname: gen%d\nversion: 1.0.0\ndescription: %d generated objects for make bench-cluster\n", n, n),
		"values.yaml": fmt.Sprintf("configMaps: %d\nservices: %d\ndeployments: %d\nrev: \"1\"\nimage: registry.invalid/bench:1\n",
			configMaps, services, deployments),
		"templates/configmaps.yaml":  configMapTemplate,
		"templates/services.yaml":    serviceTemplate,
		"templates/deployments.yaml": deploymentTemplate,
	}
	for name, content := range files {
		path := filepath.Join(chartDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	return chartDir, nil
}

const configMapTemplate = `{{- range $i := until (int .Values.configMaps) }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $.Release.Name }}-cm-{{ $i }}
  labels:
    app.kubernetes.io/instance: {{ $.Release.Name }}
data:
  rev: {{ $.Values.rev | quote }}
  index: {{ $i | quote }}
{{- end }}
`

const serviceTemplate = `{{- range $i := until (int .Values.services) }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $.Release.Name }}-svc-{{ $i }}
  labels:
    app.kubernetes.io/instance: {{ $.Release.Name }}
spec:
  selector:
    app.kubernetes.io/name: app-{{ $i }}
    app.kubernetes.io/instance: {{ $.Release.Name }}
  ports:
  - name: http
    port: 80
    targetPort: 8080
{{- end }}
`

const deploymentTemplate = `{{- range $i := until (int .Values.deployments) }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $.Release.Name }}-app-{{ $i }}
  labels:
    app.kubernetes.io/instance: {{ $.Release.Name }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: app-{{ $i }}
      app.kubernetes.io/instance: {{ $.Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-{{ $i }}
        app.kubernetes.io/instance: {{ $.Release.Name }}
      annotations:
        bench/rev: {{ $.Values.rev | quote }}
    spec:
      containers:
      - name: app
        image: {{ $.Values.image }}
        ports:
        - containerPort: 8080
{{- end }}
`

{{/* Chart name, overridable with nameOverride. */}}
{{- define "megatron.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped prefix of every resource name (DNS labels: 63 characters at most). */}}
{{- define "megatron.fullname" -}}
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

{{- define "megatron.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of one component's resources; call with (dict "root" $ "component" "command-core"). */}}
{{- define "megatron.componentName" -}}
{{- printf "%s-%s" (include "megatron.fullname" .root | trunc 45 | trimSuffix "-") .component }}
{{- end }}

{{- define "megatron.selectorLabels" -}}
app.kubernetes.io/name: {{ include "megatron.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "megatron.labels" -}}
helm.sh/chart: {{ include "megatron.chart" .root }}
{{ include "megatron.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: megatron
{{- end }}

{{/* The command of a Node container, with V8's heap bounds and garbage collector threads from .Values.nodeHeap (the Dockerfile's CMD has the defaults):
(dict "root" $ "entry" "services/command-core/dist/main.js"). */}}
{{- define "megatron.nodeCommand" -}}
["node", "--enable-source-maps", "--max-old-space-size={{ .root.Values.nodeHeap.maxOldSpaceMiB }}", "--max-semi-space-size={{ .root.Values.nodeHeap.maxSemiSpaceMiB }}",{{ if .root.Values.nodeHeap.singleThreadedGc }} "--single-threaded-gc",{{ end }} {{ .entry | quote }}]
{{- end }}

{{/* The image of a component: (dict "root" $ "image" .Values.commandCore.image). */}}
{{- define "megatron.image" -}}
{{- $registry := .root.Values.image.registry | trimSuffix "/" }}
{{- $tag := default .root.Chart.AppVersion (default .root.Values.image.tag .image.tag) }}
{{- if $registry }}
{{- printf "%s/%s:%s" $registry .image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}

{{/* The Secret every secretKeyRef points at: the chart's own, or secrets.existingSecret. */}}
{{- define "megatron.secretName" -}}
{{- default (printf "%s-secrets" (include "megatron.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* One env entry from the Secret: (dict "root" $ "name" "DATABASE_URL" "optional" false). */}}
{{- define "megatron.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "megatron.secretName" .root }}
      key: {{ .name }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/* Variables every service reads; the tracing ones only while a collector is set. */}}
{{- define "megatron.commonEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ .Values.config.shutdownTimeoutMs | quote }}
{{- with .Values.tracing.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ $.Values.tracing.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ $.Values.tracing.samplerArg | quote }}
{{- end }}
{{- end }}

{{/* The collector's port: the one in tracing.otlpEndpoint, else its scheme's. */}}
{{- define "megatron.collectorPort" -}}
{{- $url := urlParse .Values.tracing.otlpEndpoint }}
{{- $port := regexFind ":[0-9]+$" $url.host | trimPrefix ":" }}
{{- $port | default (ternary "443" "80" (eq $url.scheme "https")) }}
{{- end }}

{{/* The internal RPCs' credential and the mode that decides whether it is required (all but interpreter-slack). */}}
{{- define "megatron.serviceTokenEnv" -}}
- name: MEGATRON_APP_MODE
  value: {{ .Values.config.appMode | quote }}
{{ include "megatron.secretEnv" (dict "root" . "name" "MEGATRON_SERVICE_TOKEN") }}
{{- end }}

{{/* NATS of the services that declare streams, consumers and the KV bucket (all but connection-slack). */}}
{{- define "megatron.natsEnv" -}}
- name: NATS_URL
  value: {{ .Values.config.natsUrl | quote }}
- name: NATS_NAMESPACE
  value: {{ .Values.config.natsNamespace | quote }}
- name: NATS_STREAM_REPLICAS
  value: {{ .Values.config.natsStreamReplicas | quote }}
{{- end }}

{{/* In-cluster gRPC URL of a component: (dict "root" $ "component" "app-notifier" "port" 9092). */}}
{{- define "megatron.grpcUrl" -}}
{{- printf "http://%s:%v" (include "megatron.componentName" .) .port }}
{{- end }}

{{/* PUBLIC_URL: config.publicUrl, else https://<first ingress host>. */}}
{{- define "megatron.publicUrl" -}}
{{- if .Values.config.publicUrl }}
{{- .Values.config.publicUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- printf "https://%s" (first .Values.ingress.hosts) }}
{{- end }}
{{- end }}

{{- define "megatron.serviceAccountName" -}}
{{- if .root.Values.serviceAccount.create }}
{{- include "megatron.componentName" . }}
{{- else }}
{{- "default" }}
{{- end }}
{{- end }}

{{/*
ServiceAccount, Service and Deployment of one service. Call with
(dict "root" $ "component" "command-core" "values" .Values.commandCore "env" <env list YAML>).
*/}}
{{- define "megatron.service" -}}
{{- $root := .root }}
{{- $values := .values }}
{{- $ctx := dict "root" $root "component" .component }}
{{- if $root.Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "megatron.componentName" $ctx }}
  labels:
    {{- include "megatron.labels" $ctx | nindent 4 }}
  {{- with $root.Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ $root.Values.serviceAccount.automountToken }}
---
{{- end }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "megatron.componentName" $ctx }}
  labels:
    {{- include "megatron.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "megatron.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $values.ports.http }}
      targetPort: http
      protocol: TCP
    - name: grpc
      port: {{ $values.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: kubernetes.io/h2c
    {{- with $values.ports.internalGrpc }}
    - name: grpc-internal
      port: {{ . }}
      targetPort: grpc-internal
      protocol: TCP
      appProtocol: kubernetes.io/h2c
    {{- end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "megatron.componentName" $ctx }}
  labels:
    {{- include "megatron.labels" $ctx | nindent 4 }}
spec:
  {{- if not $values.autoscaling.enabled }}
  replicas: {{ $values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "megatron.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "megatron.labels" $ctx | nindent 8 }}
      annotations:
        {{- /* Secret changes roll the pods: the environment is read once at start. */}}
        checksum/secrets: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "megatron.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      containers:
        - name: {{ .component }}
          image: {{ include "megatron.image" (dict "root" $root "image" $values.image) | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          workingDir: /app
          command: {{ include "megatron.nodeCommand" (dict "root" $root "entry" (printf "services/%s/dist/main.js" .component)) }}
          ports:
            - name: http
              containerPort: {{ $values.ports.http }}
              protocol: TCP
            - name: grpc
              containerPort: {{ $values.ports.grpc }}
              protocol: TCP
            {{- with $values.ports.internalGrpc }}
            - name: grpc-internal
              containerPort: {{ . }}
              protocol: TCP
            {{- end }}
          env:
            - name: HTTP_PORT
              value: {{ $values.ports.http | quote }}
            - name: GRPC_PORT
              value: {{ $values.ports.grpc | quote }}
            {{- with $values.ports.internalGrpc }}
            - name: INTERNAL_GRPC_PORT
              value: {{ . | quote }}
            {{- end }}
            {{- include "megatron.commonEnv" $root | nindent 12 }}
            {{- .env | nindent 12 }}
            {{- with $values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $root.Values.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $root.Values.probes.liveness | nindent 12 }}
          readinessProbe:
            grpc:
              port: {{ $values.ports.grpc }}
              {{- /* "" asks for the whole server, which reports the process's readiness. */}}
              service: ""
            {{- toYaml $root.Values.probes.readiness | nindent 12 }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- /* The root filesystem is read-only; Node and its libraries may still write temp files. */}}
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $values.affinity }}
      affinity:
        {{- toYaml $values.affinity | nindent 8 }}
      {{- else }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "megatron.selectorLabels" $ctx | nindent 20 }}
      {{- end }}
{{- end }}

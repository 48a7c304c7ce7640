{{/*
Names and labels shared by the chart's templates.
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "syrup.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Prefix of the objects' names: fullnameOverride, else the release name if it already contains the
chart's name (release "syrup" gives "syrup"), else release-chart.
*/}}
{{- define "syrup.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "syrup.operator.fullname" -}}
{{- printf "%s-operator" (include "syrup.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "syrup.agent.fullname" -}}
{{- printf "%s-agent" (include "syrup.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* chart label: name-version. */}}
{{- define "syrup.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object the chart creates. */}}
{{- define "syrup.labels" -}}
helm.sh/chart: {{ include "syrup.chart" . }}
app.kubernetes.io/name: {{ include "syrup.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: syrup
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of a component (operator, agent): stable across upgrades. */}}
{{- define "syrup.selectorLabels" -}}
app.kubernetes.io/name: {{ include "syrup.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of a component's objects: call with (dict "root" $ "component" "agent"). */}}
{{- define "syrup.componentLabels" -}}
{{ include "syrup.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
The service accounts. The names default to fixed ones (not release-prefixed) because the RBAC
templates (operator-rbac.yaml, agent-rbac.yaml) bind to the same expressions.
*/}}
{{- define "syrup.operator.serviceAccountName" -}}
{{- .Values.operator.serviceAccount.name | default "syrup-operator" -}}
{{- end -}}

{{- define "syrup.agent.serviceAccountName" -}}
{{- .Values.agent.serviceAccount.name | default "syrup-agent" -}}
{{- end -}}

{{/* image reference: call with (dict "image" .Values.agent.image "root" $). */}}
{{- define "syrup.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .root.Chart.AppVersion | toString) -}}
{{- end -}}

{{/* Where the agent keeps its socket and state on the node; pods mount it to reach the socket. */}}
{{- define "syrup.agent.runDir" -}}/run/syrup{{- end -}}

{{/* One hook type's access rule (tenancy.hooks.*) as SchedulingPolicyRules spells it. */}}
{{- define "syrup.hookAccess" -}}
allNamespaces: {{ .allNamespaces | default false }}
{{- with .namespaces }}
namespaces:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- with .namespaceSelector }}
namespaceSelector:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

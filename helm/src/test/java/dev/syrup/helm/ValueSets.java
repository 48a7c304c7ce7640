package dev.syrup.helm;

import org.junit.jupiter.params.provider.Arguments;

import java.util.stream.Stream;

/** Values the chart is linted, rendered and dry-run applied with: the defaults and several custom sets. */
final class ValueSets {
    private ValueSets() {}

    static final String DEFAULTS = "{}\n";

    /** Nearly every value changed. */
    static final String CUSTOM = """
            fullnameOverride: acme-syrup
            imagePullSecrets: [{name: regcred}]
            commonLabels: {team: platform}
            operator:
              replicas: 3
              image: {repository: registry.example.com/syrup/operator, tag: "1.2.3", pullPolicy: Always}
              logLevel: DEBUG
              watchNamespaces: [shop, search]
              serviceAccount: {name: acme-operator, annotations: {owner: platform}}
              httpPort: 8181
              podAnnotations: {example.com/note: operator}
              podLabels: {tier: control}
              resources: {requests: {cpu: 50m, memory: 128Mi}, limits: {cpu: "1", memory: 1Gi}}
              nodeSelector: {node-role.kubernetes.io/control-plane: ""}
              tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
              affinity:
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm:
                      topologyKey: kubernetes.io/hostname
                      labelSelector: {matchLabels: {app.kubernetes.io/component: operator}}
              priorityClassName: system-cluster-critical
              extraEnv: [{name: JAVA_OPTS_APPEND, value: "-XX:MaxRAMPercentage=60"}]
            agent:
              image: {repository: registry.example.com/syrup/agent, tag: "1.2.3-rc1", pullPolicy: Never}
              logLevel: WARN
              extraArgs: ["--verbose"]
              serviceAccount: {name: acme-agent}
              metrics: {port: 19464}
              persistentCompileCache: true
              podAnnotations: {example.com/note: agent}
              nodeSelector: {syrup.dev/enabled: "true", kubernetes.io/os: linux}
              tolerations: [{key: dedicated, operator: Equal, value: latency, effect: NoSchedule}]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]
              priorityClassName: ""
              updateStrategy: {maxUnavailable: 10%}
              terminationGracePeriodSeconds: 60
              extraEnv: [{name: SYRUP_DEBUG, value: "1"}]
            tenancy:
              hooks:
                socketSelect: {allNamespaces: false, namespaces: [shop, search]}
                xdpCpu: {namespaceSelector: {matchLabels: {syrup.dev/xdp-cpu: allowed}}}
                xdpSocket: {namespaces: [afxdp]}
                thread:
                  namespaces: [latency]
                  namespaceSelector: {matchExpressions: [{key: tier, operator: In, values: [latency]}]}
              limits:
                policies: 4
                mapBytes: null
                overrides: [{namespace: search, policies: 32, mapBytes: 268435456}]
            """;

    /** Metrics off, service accounts managed outside the chart, the agent's command line given in full. */
    static final String MINIMAL = """
            operator:
              metrics: {enabled: false}
              serviceAccount: {create: false}
              resources: {}
              nodeSelector: {}
            agent:
              args: [agent, --node-name, $(NODE_NAME)]
              metrics: {enabled: false}
              serviceAccount: {create: false}
              resources: {}
              tolerations: []
              updateStrategy: {maxUnavailable: 2}
            tenancy:
              rules: {create: false}
              aggregateRoles: false
            """;

    static Stream<Arguments> all() {
        return Stream.of(
                Arguments.of("defaults", "syrup", "syrup-system", DEFAULTS),
                Arguments.of("custom", "prod", "syrup-prod", CUSTOM),
                Arguments.of("minimal", "edge", "syrup-edge", MINIMAL));
    }
}

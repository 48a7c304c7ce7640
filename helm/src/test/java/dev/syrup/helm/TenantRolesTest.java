package dev.syrup.helm;

import dev.syrup.helm.testing.Chart;
import dev.syrup.k8s.testing.Crds;
import dev.syrup.k8s.testing.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart's tenant ClusterRoles on a real API server, aggregated into admin, edit and view by a real
 * kube-controller-manager, checked as the users bound to those roles in one namespace (impersonation and
 * SubjectAccessReview): they manage the policies of their namespace and nothing the operator, the agents or the
 * cluster administrator owns.
 */
class TenantRolesTest {
    private static final String GROUP = "syrup.dev";
    private static final String API_VERSION = GROUP + "/v1alpha1";
    private static KubeCluster cluster;
    private static KubernetesClient admin;
    private static String teamA;
    private static String teamB;
    private static KubernetesClient alice;

    @BeforeAll
    static void cluster() {
        cluster = KubeCluster.shared();
        cluster.withGarbageCollection(); // its clusterrole-aggregation controller fills in admin, edit and view
        admin = cluster.admin();
        Crds.install(admin);
        for (HasMetadata o : Chart.rbac("syrup", "syrup-system", Map.of())) {
            if (o instanceof ClusterRole && o.getMetadata().getName().startsWith("syrup-policy-")) {
                admin.resource(o).forceConflicts().serverSideApply();
            }
        }
        teamA = cluster.newNamespace("team-a");
        teamB = cluster.newNamespace("team-b");
        bind(teamA, "edit", "alice");
        bind(teamA, "admin", "adam");
        bind(teamA, "view", "vera");
        for (String role : List.of("admin", "edit", "view")) {
            admin.rbac().clusterRoles().withName(role).waitUntilCondition(r -> r != null && r.getRules() != null && r.getRules().stream()
                    .anyMatch(rule -> rule.getResources().contains("schedulingpolicies")), 60, TimeUnit.SECONDS);
        }
        alice = new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername("alice").build()).build();
    }

    @AfterAll
    static void close() {
        if (alice != null) {
            alice.close();
        }
    }

    @Test
    void anEditorCreatesPoliciesInItsNamespaceAndNowhereElse() {
        GenericKubernetesResource created = alice.resource(policy(teamA, "mine")).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        alice.genericKubernetesResources(API_VERSION, "SchedulingPolicy").inNamespace(teamA).withName("mine")
                .edit(p -> { p.getMetadata().setLabels(Map.of("edited", "yes")); return p; });
        assertThat(alice.genericKubernetesResources(API_VERSION, "SchedulingPolicy").inNamespace(teamA).list().getItems())
                .extracting(p -> p.getMetadata().getName()).contains("mine");

        assertForbidden(() -> alice.resource(policy(teamB, "theirs")).create());
        assertThat(admin.genericKubernetesResources(API_VERSION, "SchedulingPolicy").inNamespace(teamB).withName("theirs").get())
                .isNull();
        assertThat(allowed("alice", "create", "schedulingpolicies", "", teamB)).isFalse();
        assertThat(allowed("alice", "delete", "schedulingpolicies", "", teamA)).isTrue();
    }

    @Test
    void anEditorWritesNoNodeObjectsNoPolicyStatusAndNoRules() {
        GenericKubernetesResource p = alice.resource(policy(teamA, "status-probe")).create();
        p.setAdditionalProperty("status", Map.of("selectedPods", 99));
        assertForbidden(() -> alice.resource(p).updateStatus());
        assertForbidden(() -> alice.resource("""
                apiVersion: syrup.dev/v1alpha1
                kind: SchedulingPolicyNode
                metadata: {name: forged, namespace: %s}
                spec: {policy: status-probe, nodeName: n1, source: "x", hooks: [{type: thread}]}
                """.formatted(teamA)).create());
        assertForbidden(() -> alice.resource("""
                apiVersion: syrup.dev/v1alpha1
                kind: SchedulingPolicyRules
                metadata: {name: default}
                spec: {hooks: {thread: {allNamespaces: true}}}
                """).create());

        for (String user : List.of("alice", "adam")) {
            for (String verb : List.of("create", "update", "patch", "delete", "deletecollection")) {
                assertThat(allowed(user, verb, "schedulingpolicynodes", "", teamA)).as(user + " " + verb + " node objects").isFalse();
                assertThat(allowed(user, verb, "schedulingpolicyrules", "", null)).as(user + " " + verb + " rules").isFalse();
            }
            for (String verb : List.of("update", "patch")) {
                assertThat(allowed(user, verb, "schedulingpolicies", "status", teamA)).as(user + " " + verb + " status").isFalse();
                assertThat(allowed(user, verb, "schedulingpolicynodes", "status", teamA)).as(user + " " + verb + " node status").isFalse();
            }
            assertThat(allowed(user, "create", "schedulingpolicies", "", teamA)).as(user + " create policies").isTrue();
            assertThat(allowed(user, "get", "schedulingpolicies", "status", teamA)).as(user + " read status").isTrue();
            assertThat(allowed(user, "list", "schedulingpolicynodes", "", teamA)).as(user + " read node objects").isTrue();
            assertThat(allowed(user, "list", "schedulingpolicies", "", teamB)).as(user + " in another namespace").isFalse();
        }
    }

    @Test
    void aViewerReadsPoliciesAndChangesNothing() {
        for (String verb : List.of("get", "list", "watch")) {
            assertThat(allowed("vera", verb, "schedulingpolicies", "", teamA)).isTrue();
            assertThat(allowed("vera", verb, "schedulingpolicynodes", "", teamA)).isTrue();
        }
        for (String verb : List.of("create", "update", "patch", "delete")) {
            assertThat(allowed("vera", verb, "schedulingpolicies", "", teamA)).as("vera " + verb).isFalse();
        }
    }

    private static void bind(String ns, String clusterRole, String user) {
        admin.resource(new RoleBindingBuilder().withNewMetadata().withName(user + "-" + clusterRole).withNamespace(ns).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(clusterRole).endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
                .build()).create();
    }

    private static boolean allowed(String user, String verb, String resource, String subresource, String ns) {
        return admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(user).withGroups("system:authenticated")
                .withNewResourceAttributes().withGroup(GROUP).withResource(resource).withSubresource(subresource)
                .withVerb(verb).withNamespace(ns).endResourceAttributes().endSpec().build()).getStatus().getAllowed();
    }

    private static GenericKubernetesResource policy(String ns, String name) {
        return admin.getKubernetesSerialization().unmarshal("""
                apiVersion: syrup.dev/v1alpha1
                kind: SchedulingPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  source: "uint32_t schedule(void *a, void *b) { return 0; }"
                  hooks: [{type: socket-select, port: 8080}]
                """.formatted(name, ns), GenericKubernetesResource.class);
    }

    private static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
}

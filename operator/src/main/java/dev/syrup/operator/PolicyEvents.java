package dev.syrup.operator;

import dev.syrup.crds.v1alpha1.SchedulingPolicy;
import io.fabric8.kubernetes.api.model.MicroTimeBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Kubernetes events (events.k8s.io/v1) about a policy's state changes; best effort, never fails a reconcile. */
@ApplicationScoped
public class PolicyEvents {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final String CONTROLLER = "syrup.dev/operator";
    private static final int MAX_NOTE = 1000;
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Logger LOG = Logger.getLogger(PolicyEvents.class);

    private final KubernetesClient client;
    private final String instance;

    public PolicyEvents(KubernetesClient client) {
        this.client = client;
        String pod = System.getenv("POD_NAME");
        this.instance = pod != null && !pod.isBlank() ? pod : "syrup-operator-" + ProcessHandle.current().pid();
    }

    public void emit(SchedulingPolicy policy, String type, String reason, String action, String note) {
        String ns = policy.getMetadata().getNamespace();
        Event ev = new EventBuilder()
                .withNewMetadata().withGenerateName(policy.getMetadata().getName() + "-").withNamespace(ns).endMetadata()
                .withType(type).withReason(reason).withAction(action)
                .withNote(note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE - 3) + "..." : note)
                .withEventTime(new MicroTimeBuilder().withTime(MICRO.format(Instant.now())).build())
                .withReportingController(CONTROLLER).withReportingInstance(instance)
                .withRegarding(new ObjectReferenceBuilder().withApiVersion(policy.getApiVersion()).withKind(policy.getKind())
                        .withNamespace(ns).withName(policy.getMetadata().getName()).withUid(policy.getMetadata().getUid())
                        .withResourceVersion(policy.getMetadata().getResourceVersion()).build())
                .build();
        try {
            client.events().v1().events().inNamespace(ns).resource(ev).create();
        } catch (RuntimeException e) {
            LOG.warnf("could not record event %s for %s/%s: %s", reason, ns, policy.getMetadata().getName(), e.getMessage());
        }
    }

    /** "3 nodes: a, b, c" with at most 10 names. */
    static String nodes(List<String> names) {
        List<String> sorted = names.stream().sorted().toList();
        String shown = String.join(", ", sorted.subList(0, Math.min(10, sorted.size())));
        return names.size() + (names.size() == 1 ? " node: " : " nodes: ") + shown + (sorted.size() > 10 ? ", ..." : "");
    }
}

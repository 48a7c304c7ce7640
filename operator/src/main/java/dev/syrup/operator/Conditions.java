package dev.syrup.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Kubernetes-convention conditions: lastTransitionTime changes only when a condition's status does. */
public final class Conditions {
    private Conditions() {}

    public static Condition of(String type, String status, String reason, String message, long generation) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).build();
    }

    /** The new conditions, each with the previous lastTransitionTime if its status did not change, else now. */
    public static List<Condition> merge(List<Condition> previous, List<Condition> next, Clock clock) {
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        List<Condition> out = new ArrayList<>();
        for (Condition c : next) {
            Condition before = find(previous, c.getType());
            String time = before != null && Objects.equals(before.getStatus(), c.getStatus())
                    && before.getLastTransitionTime() != null ? before.getLastTransitionTime() : now;
            out.add(new ConditionBuilder(c).withLastTransitionTime(time).build());
        }
        return out;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}

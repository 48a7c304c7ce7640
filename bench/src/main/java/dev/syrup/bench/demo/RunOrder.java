package dev.syrup.bench.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of the demo's runs: at each load every policy in turn, then the next load, and the
 * whole sweep repeated. Whatever else the machine does at some minute then lands on all policies
 * alike (at one load), not on the one whose sweep happened to run then.
 */
final class RunOrder {
    /** One run: a policy at a load (an index into the loads) in a repetition (from 0). */
    record Run(int repetition, int load, String policy) {}

    private RunOrder() {
    }

    static List<Run> interleaved(int repetitions, int loads, List<String> policies) {
        if (repetitions < 1 || loads < 1 || policies.isEmpty()) {
            throw new IllegalArgumentException("need at least one repetition, load and policy");
        }
        List<Run> runs = new ArrayList<>(repetitions * loads * policies.size());
        for (int rep = 0; rep < repetitions; rep++) {
            for (int load = 0; load < loads; load++) {
                for (String policy : policies) {
                    runs.add(new Run(rep, load, policy));
                }
            }
        }
        return runs;
    }
}

package dev.syrup.bench.demo;

import dev.syrup.bench.load.LoadGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of the demo's runs: per policy, per offered load, one per repetition. */
final class Sweep {
    private final List<String> policies;
    private final List<Double> offeredRps;
    private final int repetitions;
    private final Map<String, LoadGenerator.Result[][]> results = new LinkedHashMap<>();

    Sweep(List<String> policies, List<Double> offeredRps, int repetitions) {
        this.policies = List.copyOf(policies);
        this.offeredRps = List.copyOf(offeredRps);
        this.repetitions = repetitions;
        for (String p : policies) {
            results.put(p, new LoadGenerator.Result[offeredRps.size()][repetitions]);
        }
    }

    void put(RunOrder.Run run, LoadGenerator.Result result) {
        results.get(run.policy())[run.load()][run.repetition()] = result;
    }

    List<String> policies() { return policies; }

    List<Double> offeredRps() { return offeredRps; }

    int repetitions() { return repetitions; }

    /** The results of a policy at a load, in order of repetition: only those measured. */
    List<LoadGenerator.Result> at(String policy, int load) {
        List<LoadGenerator.Result> out = new ArrayList<>();
        for (LoadGenerator.Result r : results.get(policy)[load]) {
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** One result, or null if that run was not measured. */
    LoadGenerator.Result get(String policy, int load, int repetition) {
        return results.get(policy)[load][repetition];
    }
}

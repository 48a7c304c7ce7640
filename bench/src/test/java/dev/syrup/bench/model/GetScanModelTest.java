package dev.syrup.bench.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syrup.bench.model.GetScanModel.Policy;
import dev.syrup.bench.model.GetScanModel.Workload;
import org.junit.jupiter.api.Test;

class GetScanModelTest {
    @Test
    void withoutScansAndLittleLoadNoPolicyMakesAGetWait() {
        Workload getsOnly = new Workload(4, 10, 1000, 0, 256);
        for (Policy policy : Policy.values()) {
            // 1,000 rps of 10 us GETs on 4 workers: a GET rarely finds its worker busy; under Linux's hash
            // (a quarter of the load per worker) fewer than 1% wait at all.
            assertThat(GetScanModel.run(policy, getsOnly, 1000, 10, 1).getP99()).as(policy.name()).isLessThan(20);
        }
    }

    @Test
    void linuxDefaultPutsGetsBehindScansEvenAtLowLoad() {
        // 10% SCANs of 1 ms at 4,800 rps: a worker is in a SCAN about 12% of the time, so more than 1% of
        // GETs hashed to it wait behind one.
        assertThat(GetScanModel.run(Policy.LINUX_DEFAULT, Workload.DEMO, 4800, 10, 1).getP99()).isGreaterThan(500);
    }

    @Test
    void atHighLoadOnlyScanAvoidKeepsGetsFromWaitingBehindScans() {
        // At 13,600 rps SCANs keep 1.4 workers busy on average: all four are often in one, and a shortest-queue
        // choice then puts GETs behind a SCAN; scan_avoid keeps one worker free of SCANs for them.
        double leastLoaded = GetScanModel.run(Policy.LEAST_LOADED, Workload.DEMO, 13600, 10, 1).getP99();
        GetScanModel.Result scanAvoid = GetScanModel.run(Policy.SCAN_AVOID, Workload.DEMO, 13600, 10, 1);
        assertThat(leastLoaded).isGreaterThan(300);
        assertThat(scanAvoid.getP99()).isLessThan(100);
        // SCANs pay for it, but stay within a few SCAN times.
        assertThat(scanAvoid.scanP99()).isLessThan(4000);
    }
}

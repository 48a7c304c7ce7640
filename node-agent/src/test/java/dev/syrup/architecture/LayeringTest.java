package dev.syrup.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The packages depend one way (docs/architecture.md): bpf < hook < deploy < node < daemon < k8s < cli,
 * with the compiler and the error vocabulary below them. A cycle between packages fails here.
 */
@AnalyzeClasses(packages = "dev.syrup", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.syrup.(**)").should().beFreeOfCycles();
}

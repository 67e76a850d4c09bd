package dev.glassbox;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way: app -> visuals -> engine. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.glassbox");

    @Test
    void engineUsesNoUiAndNothingAboveIt() {
        noClasses().that().resideInAPackage("dev.glassbox.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..",
                        "dev.glassbox.visuals..", "dev.glassbox.app..", "java.awt..", "javax.swing..")
                .check(CLASSES);
    }

    @Test
    void visualsDoNotDependOnTheApp() {
        noClasses().that().resideInAPackage("dev.glassbox.visuals..")
                .should().dependOnClassesThat().resideInAPackage("dev.glassbox.app..")
                .check(CLASSES);
    }

    @Test
    void enginePackagesFormNoCycles() {
        slices().matching("dev.glassbox.engine.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void visualsPackagesFormNoCycles() {
        slices().matching("dev.glassbox.visuals.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void appPackagesFormNoCycles() {
        slices().matching("dev.glassbox.app.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theCheckSeesAllThreeLayers() {
        // guards against the rules above passing vacuously because a source root (engine/, visuals/, app/) was not
        // compiled or its package renamed: each layer's classes must be among those checked
        for (String root : new String[] {"dev.glassbox.engine", "dev.glassbox.visuals", "dev.glassbox.app"}) {
            long count = CLASSES.stream().filter(c -> (c.getPackageName() + ".").startsWith(root + ".")).count();
            org.junit.jupiter.api.Assertions.assertTrue(count > 0, "no classes imported from " + root);
        }
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.containPackage("dev.glassbox.engine.model"));
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.containPackage("dev.glassbox.app.ui"));
    }
}

package io.ctistream.admin;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import io.ctistream.admin.roster.RosterStore;
import io.ctistream.admin.roster.RosterTopic;
import io.ctistream.push.Jwks;
import io.ctistream.push.Jwt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verifies the admin module's place in DESIGN.md section 2 (docs/adr/016): it takes only token
 * verification from the push service, nothing from connectors, engine, simulators or the
 * launcher; and the roster model, files, validator and diff stay pure (no Kafka, no Vert.x), so
 * the CLI and the API share them and they are tested without a broker.
 */
class AdminArchitectureTest {
    private static JavaClasses admin;

    @BeforeAll
    static void importClasses() {
        admin = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ctistream.admin");
    }

    /** Verifies that admin uses the push module for Jwt and Jwks alone, and no other service's code. */
    @Test
    void adminTakesOnlyTokenVerificationFromPush() {
        ArchRule rule = noClasses().that().resideInAPackage("io.ctistream.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ctistream.connector..", "io.ctistream.engine..", "io.ctistream.simulator..",
                        "io.ctistream.launcher..", "io.ctistream.embedded..")
                .orShould().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe("push classes other than Jwt and Jwks",
                        c -> c.getPackageName().equals("io.ctistream.push") && !c.isEquivalentTo(Jwt.class) && !c.isEquivalentTo(Jwks.class)
                                && !c.getName().startsWith(Jwt.class.getName() + "$")))
                .because("the admin service talks to the others through Kafka only; it shares the push service's token verification (docs/adr/016)");
        rule.check(admin);
    }

    /** Verifies that the roster's model, files, validator and diff import neither Kafka nor Vert.x: only RosterTopic talks to Kafka. */
    @Test
    void theRosterModelIsPure() {
        ArchRule rule = noClasses().that().resideInAPackage("io.ctistream.admin.roster").and().doNotBelongToAnyOf(RosterTopic.class, RosterStore.class)
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.vertx..", "io.ctistream.admin.store..")
                .because("the roster import and the admin API share these as pure classes (ADR 014, 016): text or values in, values out");
        rule.check(admin);
    }

    /** Verifies that nothing prints: the service logs through SLF4J. */
    @Test
    void noStandardStreams() {
        noClasses().should(GeneralCodingRules.ACCESS_STANDARD_STREAMS).because("log through SLF4J with context").check(admin);
    }
}

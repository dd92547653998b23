package io.ctistream.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import io.ctistream.codec.HardenedXml;
import io.ctistream.codec.SafeXml;
import io.ctistream.connector.core.runtime.ConnectorPlatform;
import io.ctistream.connector.core.runtime.ConnectorPlatforms;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpRequest;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies the architecture rules of DESIGN.md §2 over all production classes of every module
 * (the launcher sees them all), and that each rule really catches a violation, using a
 * deliberately broken fixture class from the test sources.
 */
class ArchitectureTest {
    private static final String[] PLATFORM_ADAPTERS = {"io.ctistream.connector.broadworks..", "io.ctistream.connector.finesse..", "io.ctistream.connector.aes.."};
    private static final String[] OUR_SERVICES = {"io.ctistream.connector..", "io.ctistream.simulator..", "io.ctistream.engine..",
        "io.ctistream.push..", "io.ctistream.admin..", "io.ctistream.webhooks..", "io.ctistream.embedded..", "io.ctistream.launcher.."};

    static final ArchRule PLATFORM_ADAPTERS_DO_NOT_IMPORT_KAFKA = noClasses().that().resideInAnyPackage(PLATFORM_ADAPTERS)
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
            .because("platform adapters must not import org.apache.kafka: publish through connector-core's event sink and take commands from its command source")
            .allowEmptyShould(true);

    /**
     * A codec is what parses platform bytes in a connector: a class in a codec package, named *Codec,
     * or calling the hardened XML parser. Simulators are the platforms' stand-ins, not connectors:
     * their request handlers parse what they are sent, as a platform's would.
     */
    static final DescribedPredicate<JavaClass> CODECS = new DescribedPredicate<>("codecs (in a codec package, named *Codec, or parsing with SafeXml/HardenedXml)") {
        @Override
        public boolean test(JavaClass c) {
            if (c.getPackageName().startsWith("io.ctistream.simulator")) {
                return false;
            }
            return c.getPackageName().contains(".codec") && !c.getPackageName().equals("io.ctistream.codec") || c.getSimpleName().endsWith("Codec")
                    || c.getMethodCallsFromSelf().stream().anyMatch(call -> (call.getTargetOwner().isEquivalentTo(SafeXml.class) && call.getName().equals("parse"))
                            || (call.getTargetOwner().isEquivalentTo(HardenedXml.class) && call.getName().equals("builder")));
        }
    };

    static final ArchRule CODECS_ARE_PURE = noClasses().that(CODECS)
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.apache.kafka..", "javax.sip..", "gov.nist.javax.sip.stack..")
            .orShould().dependOnClassesThat().belongToAnyOf(Socket.class, ServerSocket.class, DatagramSocket.class, SocketChannel.class, DatagramChannel.class)
            .because("codecs must not import io.vertx, Kafka or sockets: bytes in, values out, tested with vector files")
            .allowEmptyShould(true);

    static final ArchRule EVENT_SCHEMAS_STAND_ALONE = noClasses().that().resideInAnyPackage("io.ctistream.events..", "io.ctistream.schemas..")
            .should().dependOnClassesThat().resideInAnyPackage(OUR_SERVICES)
            .because("event-schemas is the contract every module shares and depends on none of them");

    static final ArchRule ENGINE_KNOWS_ONLY_EVENTS = noClasses().that().resideInAPackage("io.ctistream.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("io.ctistream.connector..", "io.ctistream.simulator..", "io.ctistream.push..",
                    "io.ctistream.admin..", "io.ctistream.webhooks..", "io.ctistream.launcher..")
            .because("the engine runs on canonical events whatever platform they came from; Kafka is the only coupling between processes")
            .allowEmptyShould(true);

    static final ArchRule PUSH_KNOWS_ONLY_EVENTS = noClasses().that().resideInAPackage("io.ctistream.push..")
            .should().dependOnClassesThat().resideInAnyPackage("io.ctistream.connector..", "io.ctistream.simulator..", "io.ctistream.engine..",
                    "io.ctistream.admin..", "io.ctistream.webhooks..", "io.ctistream.launcher..")
            .because("the pusher never talks to a PBX or the engine directly: Kafka is the only coupling between processes")
            .allowEmptyShould(true);

    static final ArchRule CONNECTORS_DO_NOT_REACH_DOWNSTREAM = noClasses().that().resideInAPackage("io.ctistream.connector..")
            .should().dependOnClassesThat().resideInAnyPackage("io.ctistream.engine..", "io.ctistream.push..", "io.ctistream.admin..",
                    "io.ctistream.webhooks..", "io.ctistream.launcher..", "io.ctistream.simulator..")
            .because("a connector never pushes to a browser and never uses its own test peer")
            .allowEmptyShould(true);

    static final ArchRule WEBHOOKS_KNOW_ONLY_EVENTS = noClasses().that().resideInAPackage("io.ctistream.webhooks..")
            .should().dependOnClassesThat().resideInAnyPackage("io.ctistream.connector..", "io.ctistream.simulator..", "io.ctistream.engine..",
                    "io.ctistream.push..", "io.ctistream.admin..", "io.ctistream.launcher..")
            .because("the webhooks service reads canonical events and subscriptions from Kafka; whoever wrote them (the admin API, a file) is not its business")
            .allowEmptyShould(true);

    static final ArchRule SIMULATORS_ARE_INDEPENDENT_PEERS = noClasses().that().resideInAPackage("io.ctistream.simulator..")
            .should().dependOnClassesThat().resideInAnyPackage("io.ctistream.connector..", "org.apache.kafka..")
            .because("a simulator is a fake platform: it speaks the vendor protocol and shares no code with the connector it tests")
            .allowEmptyShould(true);

    static final ArchRule NO_STANDARD_STREAMS_OR_STACK_DUMPS = noClasses().that().doNotHaveFullyQualifiedName(Main.class.getName())
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("log through SLF4J with context; only the launcher's command line prints");

    /**
     * ADR 036: Vert.x 5.1.1 fails a request's promise twice when a request given a connect timeout waited for a pooled
     * connection. A request is bounded by silence ({@code setIdleTimeout}, the Web Client's {@code idleTimeout}); a TCP
     * connect by the client's own options. A WebSocket connect ({@code WebSocketConnectOptions}) does not use the pool.
     */
    static final ArchRule HTTP_REQUESTS_BOUND_SILENCE = noClasses()
            .should().callMethod(RequestOptions.class, "setTimeout", long.class)
            .orShould().callMethod(RequestOptions.class, "setConnectTimeout", long.class)
            .orShould().callMethod(HttpRequest.class, "timeout", long.class)
            .orShould().callMethod(HttpRequest.class, "connectTimeout", long.class)
            .because("a request that waits for a pooled connection with a connect timeout is failed twice by Vert.x 5.1.1 (ADR 036): bound it by silence")
            .allowEmptyShould(true);

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        // sibling modules are on the classpath as jars or class folders; only our own packages are imported
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ctistream");
    }

    static List<ArchRule> rules() {
        return List.of(PLATFORM_ADAPTERS_DO_NOT_IMPORT_KAFKA, CODECS_ARE_PURE, EVENT_SCHEMAS_STAND_ALONE, ENGINE_KNOWS_ONLY_EVENTS,
                PUSH_KNOWS_ONLY_EVENTS, CONNECTORS_DO_NOT_REACH_DOWNSTREAM, WEBHOOKS_KNOW_ONLY_EVENTS,
                SIMULATORS_ARE_INDEPENDENT_PEERS, NO_STANDARD_STREAMS_OR_STACK_DUMPS, HTTP_REQUESTS_BOUND_SILENCE);
    }

    @ParameterizedTest
    @MethodSource("rules")
    void productionCodeKeepsTheRule(ArchRule rule) {
        assertThat(production.stream().map(c -> c.getPackageName()))
                .as("the import sees the production classes of the modules").contains("io.ctistream.schemas", "io.ctistream.embedded", "io.ctistream.launcher", "io.ctistream.connector.core",
                        "io.ctistream.connector.broadworks", "io.ctistream.connector.broadworks.codec", "io.ctistream.codec", "io.ctistream.simulator.broadworks", "io.ctistream.push",
                        "io.ctistream.connector.finesse", "io.ctistream.connector.finesse.codec", "io.ctistream.connector.finesse.xmpp", "io.ctistream.simulator.finesse",
                        "io.ctistream.connector.aes", "io.ctistream.connector.aes.codec", "io.ctistream.connector.aes.dmcc", "io.ctistream.simulator.aes",
                        "io.ctistream.admin", "io.ctistream.admin.roster", "io.ctistream.admin.store", "io.ctistream.webhooks");
        rule.check(production);
    }

    /**
     * Verifies that the rules see every platform connector of the repository: each module that
     * declares a {@code ConnectorPlatform} (its services file) is on this class path and found, so a
     * connector module left out of the launcher fails here instead of passing the rules unseen.
     */
    @Test
    void everyConnectorModuleOfTheRepositoryIsSeen() throws java.io.IOException {
        java.nio.file.Path root = java.nio.file.Path.of("../..").toAbsolutePath().normalize();
        java.util.Set<String> declared = new java.util.TreeSet<>();
        try (var files = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith("src/main/resources/META-INF/services/" + ConnectorPlatform.class.getName()))
                    .filter(p -> !p.toString().contains("/target/")).toList()) {
                java.nio.file.Files.readAllLines(f).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(declared::add);
            }
        }
        assertThat(declared).as("platform connectors declared in the repository").isNotEmpty();
        assertThat(ConnectorPlatforms.all()).extracting(p -> p.getClass().getName()).as("platforms on the launcher's class path")
                .containsExactlyInAnyOrderElementsOf(declared);
        for (String platform : declared) {
            String pkg = platform.substring(0, platform.lastIndexOf('.'));
            assertThat(production.stream().map(c -> c.getPackageName())).as("the rules see %s", pkg).contains(pkg);
        }
    }

    /** Verifies that codec purity follows what a class does (it parses platform bytes), not the package it sits in. */
    @Test
    void aParserOutsideACodecPackageIsACodecToo() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.ctistream.connector.archfixture");
        assertThat(fixture).isNotEmpty();
        assertThat(CODECS_ARE_PURE.evaluate(fixture).hasViolation()).isTrue();
    }

    /** Verifies that the ADR 036 rule catches each kind of call on its own: a Vert.x request's and a Web Client request's. */
    @Test
    void poolWaitTimeoutsAreCaughtOnBothClients() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.ctistream.connector.broadworks.codec.archfixture");
        assertThat(HTTP_REQUESTS_BOUND_SILENCE.evaluate(fixture).getFailureReport().getDetails())
                .anySatisfy(d -> assertThat(d).contains("RequestOptions.setTimeout(long)"))
                .anySatisfy(d -> assertThat(d).contains("HttpRequest.timeout(long)"));
    }

    static List<ArchRule> rulesTheFixtureBreaks() {
        return List.of(PLATFORM_ADAPTERS_DO_NOT_IMPORT_KAFKA, CODECS_ARE_PURE, NO_STANDARD_STREAMS_OR_STACK_DUMPS, HTTP_REQUESTS_BOUND_SILENCE);
    }

    @ParameterizedTest
    @MethodSource("rulesTheFixtureBreaks")
    void ruleCatchesTheBrokenFixture(ArchRule rule) {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.ctistream.connector.broadworks.codec.archfixture");
        assertThat(fixture).isNotEmpty();
        assertThat(rule.evaluate(fixture).hasViolation()).as(rule.getDescription()).isTrue();
    }
}

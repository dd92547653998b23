package io.ctistream.launcher;

import io.ctistream.admin.AdminSettings;
import io.ctistream.connector.broadworks.BroadWorksConfig;
import io.ctistream.connector.broadworks.BroadWorksPlatform;
import io.ctistream.connector.core.runtime.RuntimeSettings;
import io.ctistream.settings.ConfigSource;
import io.ctistream.settings.KafkaEndpoints;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.schemas.CtiTopics;
import io.ctistream.schemas.JsonTopics;
import io.ctistream.schemas.TopicProvisioner;
import io.ctistream.webhooks.WebhookSettings;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Verifies the deployment files (deploy/k8s, deploy/compose, deploy/observability) against the
 * code they deploy: setting names, HTTP ports and probes, the topic catalogue, Prometheus scrape
 * targets and the metric names the Grafana dashboard relies on. Runs with deploy/launcher as its
 * working directory, next to the settings classes whose constants it reads.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("..");
    private static final Path K8S = DEPLOY.resolve("k8s");
    private static final Path COMPOSE = DEPLOY.resolve("compose");
    private static final Path OBSERVABILITY = DEPLOY.resolve("observability");
    private static final Path DASHBOARD = OBSERVABILITY.resolve("grafana").resolve("ctistream-dashboard.json");
    private static final Path METRICS_DOC = DEPLOY.resolve("..").resolve("docs").resolve("metrics.md");

    private static final String PREFIX = "CTISTREAM_";
    private static final String APP_LABEL = "app.kubernetes.io/name";
    private static final List<Class<?>> SETTINGS_CLASSES = List.of(EngineSettings.class, PushSettings.class, RuntimeSettings.class,
            BroadWorksPlatform.class, io.ctistream.connector.finesse.FinessePlatform.class, io.ctistream.connector.aes.AesPlatform.class,
            EmbeddedConfig.class, ConfigSource.class, KafkaEndpoints.class, AdminSettings.class, WebhookSettings.class, WebhooksService.class);
    private static final Pattern METRIC = Pattern.compile("ctistream_[a-zA-Z0-9_]+");
    private static final Pattern HISTOGRAM_SUFFIX = Pattern.compile("_(bucket|sum|count)$");
    private static final Pattern COMPOSE_TOPIC = Pattern.compile("(?m)^\\s*create\\s+(\\S+)\\s+(\\d+)\\s+(\\S+)(?:\\s+(\\d+))?\\s*$");
    /** compose's loop that sets the broker's timestamps: {@code for t in <topics>; do ... message.timestamp.type=LogAppendTime ... done}. */
    private static final Pattern COMPOSE_STAMPED = Pattern.compile("(?s)for\\s+t\\s+in\\s+([^;]+);\\s*do[^\\n]*\\n[^\\n]*\\n\\s*--add-config\\s+message\\.timestamp\\.type=LogAppendTime");

    /** A ctistream service: how its container is started, and the setting that names its HTTP port. */
    private enum Service {
        CONNECTOR_BROADWORKS(List.of("connector", "broadworks"), RuntimeSettings.HTTP_PORT),
        CONNECTOR_FINESSE(List.of("connector", "finesse"), RuntimeSettings.HTTP_PORT),
        CONNECTOR_AES(List.of("connector", "aes"), RuntimeSettings.HTTP_PORT),
        ENGINE(List.of("engine"), EngineSettings.HTTP_PORT),
        PUSH(List.of("push"), PushSettings.PORT, PushSettings.JWT_SECRET),
        ADMIN(List.of("admin"), AdminSettings.PORT, AdminSettings.JWT_SECRET),
        WEBHOOKS(List.of("webhooks"), WebhooksService.HTTP_PORT);

        final List<String> args;
        final String portKey;
        /** The secrets the service is given: from a Kubernetes Secret, and from the compose host's environment (.env). */
        final List<String> secretKeys;

        Service(List<String> args, String portKey, String... secretKeys) {
            this.args = args;
            this.portKey = portKey;
            this.secretKeys = List.of(secretKeys);
        }

        static Service startedBy(Object args) {
            for (Service s : values()) {
                if (s.args.equals(args)) {
                    return s;
                }
            }
            return null;
        }

        /** The HTTP port the code listens on when the setting is absent. */
        int defaultHttpPort() {
            return switch (this) {
                case CONNECTOR_BROADWORKS -> RuntimeSettings.from(ConfigSource.from(minimalEnv()), "broadworks").httpPort();
                case CONNECTOR_FINESSE -> RuntimeSettings.from(ConfigSource.from(minimalEnv()), "finesse").httpPort();
                case CONNECTOR_AES -> RuntimeSettings.from(ConfigSource.from(minimalEnv()), "aes").httpPort();
                case ENGINE -> EngineSettings.standalone(ConfigSource.from(minimalEnv())).httpPort();
                case PUSH -> {
                    Map<String, String> env = minimalEnv();
                    env.put(PushSettings.JWT_SECRET, "x".repeat(32));
                    yield PushSettings.standalone(ConfigSource.from(env)).push().port();
                }
                case ADMIN -> {
                    Map<String, String> env = minimalEnv();
                    env.put(AdminSettings.JWT_SECRET, "x".repeat(32));
                    yield AdminService.standalone(ConfigSource.from(env)).port();
                }
                case WEBHOOKS -> WebhooksService.Http.from(ConfigSource.from(minimalEnv())).port();
            };
        }
    }

    /** One YAML document of one file. */
    private record Doc(Path file, int index, Map<?, ?> root) {
        String kind() {
            return str(root.get("kind"));
        }

        String name() {
            return str(at(root, "metadata", "name"));
        }

        String where() {
            String file = "deploy/" + DEPLOY.relativize(this.file).toString().replace('\\', '/');
            return kind() != null && name() != null ? file + " " + kind() + "/" + name() : file + " (document " + (index + 1) + ")";
        }
    }

    private static List<Doc> k8s;
    private static List<Doc> compose;
    private static List<Doc> observability;
    private static Map<?, ?> dashboard;

    @BeforeAll
    static void loadEveryDeploymentFile() throws IOException {
        k8s = loadYamlUnder(K8S);
        compose = loadYamlUnder(COMPOSE);
        observability = loadYamlUnder(OBSERVABILITY);
        try (Reader r = Files.newBufferedReader(DASHBOARD, StandardCharsets.UTF_8)) {
            dashboard = map(new Yaml().load(r)); // JSON is YAML
        } catch (YAMLException e) {
            throw new AssertionError(DASHBOARD.normalize() + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Verifies that every deployment file is found and parses, so the other checks see real content. */
    @Test
    void deploymentFilesAreFoundAndParse() {
        assertThat(k8s).as("YAML documents under %s", K8S.toAbsolutePath().normalize()).isNotEmpty();
        assertThat(compose).as("YAML documents under %s", COMPOSE.toAbsolutePath().normalize())
                .anySatisfy(d -> assertThat(d.root().get("services")).isNotNull());
        assertThat(observability).as("YAML documents under %s", OBSERVABILITY.toAbsolutePath().normalize())
                .anySatisfy(d -> assertThat(d.root().get("scrape_configs")).isNotNull());
        assertThat(list(dashboard.get("panels"))).as("panels of %s", DASHBOARD.normalize()).isNotEmpty();
    }

    /** Verifies that every CTISTREAM_* variable set in a Kubernetes or compose file is a setting some settings class declares. */
    @Test
    void everyCtistreamSettingInTheManifestsIsDeclaredInCode() {
        Set<String> declared = declaredSettings();
        Map<String, List<String>> used = new TreeMap<>();
        for (Doc doc : concat(k8s, compose)) {
            walk(doc.root(), "", "", (name, path) -> used.computeIfAbsent(name, k -> new ArrayList<>()).add(doc.where() + " at " + path));
        }
        assertThat(used).as("CTISTREAM_ settings used in deploy/k8s and deploy/compose").isNotEmpty();
        List<String> unknown = new ArrayList<>();
        used.forEach((name, places) -> {
            if (!declared.contains(name)) {
                places.forEach(p -> unknown.add(p + ": " + name));
            }
        });
        assertThat(unknown).as("settings no class of %s declares (a typo, or a setting the code does not read); declared: %s",
                SETTINGS_CLASSES.stream().map(Class::getSimpleName).toList(), declared).isEmpty();
    }

    /** Verifies that each service's container port named http is the port its settings make it listen on, and that it is probed on /health/live and /health/ready. */
    @Test
    void serviceWorkloadsServeHttpOnTheirPortAndProbeTheHealthEndpoints() {
        List<String> problems = new ArrayList<>();
        Set<Service> seen = new TreeSet<>();
        for (Doc doc : k8s) {
            if (!"Deployment".equals(doc.kind()) && !"StatefulSet".equals(doc.kind())) {
                continue;
            }
            List<Object> containers = list(at(doc.root(), "spec", "template", "spec", "containers"));
            for (int i = 0; i < containers.size(); i++) {
                Map<?, ?> container = map(containers.get(i));
                Service service = Service.startedBy(container.get("args"));
                if (service == null) {
                    continue;
                }
                seen.add(service);
                String where = doc.where() + " container " + str(container.get("name")) + " (args " + container.get("args") + ")";
                Map<String, String> env = containerEnv(container);
                checkPort(problems, where, container, "http", expectedPort(problems, where, env, service.portKey, service.defaultHttpPort()), "TCP");
                if (service == Service.CONNECTOR_BROADWORKS) {
                    String transport = env.get(BroadWorksPlatform.TRANSPORT) != null ? env.get(BroadWorksPlatform.TRANSPORT)
                            : minimalConnector().transport();
                    checkPort(problems, where, container, "sip",
                            expectedPort(problems, where, env, BroadWorksPlatform.BIND_PORT, minimalConnector().bindPort()),
                            "udp".equalsIgnoreCase(transport) ? "UDP" : "TCP");
                }
                checkProbe(problems, where, container, "livenessProbe", "/health/live", true);
                checkProbe(problems, where, container, "readinessProbe", "/health/ready", true);
                checkProbe(problems, where, container, "startupProbe", null, false);
            }
        }
        assertThat(seen).as("services with a Deployment or StatefulSet under deploy/k8s").containsExactlyInAnyOrder(Service.values());
        assertThat(problems).as("ports and probes of the ctistream workloads").isEmpty();
    }

    /** Verifies that the KafkaTopic resources are exactly the topics of CtiTopics and JsonTopics (cti.cloudevents), each declared once. */
    @Test
    void kafkaTopicsAreExactlyTheCatalogueTopics() {
        List<String> problems = new ArrayList<>();
        Map<String, Doc> topics = kafkaTopics(problems);
        Map<String, CatalogueTopic> catalogue = catalogue();
        topics.forEach((name, doc) -> {
            if (!catalogue.containsKey(name)) {
                problems.add(doc.where() + " spec.topicName: [" + name + "] is not a topic of io.ctistream.schemas.CtiTopics or JsonTopics");
            }
        });
        catalogue.forEach((name, t) -> {
            if (!topics.containsKey(name)) {
                problems.add("deploy/k8s: no KafkaTopic for [" + name + "] (" + t.constant() + ")");
            }
        });
        assertThat(problems).as("KafkaTopic resources against CtiTopics and JsonTopics").isEmpty();
    }

    /** Verifies that each KafkaTopic has the partitions, replicas and configs of TopicProvisioner's production plan, co-partitioned topics alike. */
    @Test
    void kafkaTopicsFollowTheProductionPlan() {
        List<String> problems = new ArrayList<>();
        Map<String, Doc> topics = kafkaTopics(problems);
        TopicProvisioner production = new TopicProvisioner(null, TopicProvisioner.Plan.production());
        Map<String, List<String>> coPartitioned = new TreeMap<>();
        for (CatalogueTopic t : catalogue().values()) {
            Doc doc = topics.get(t.name());
            if (doc == null) {
                continue; // reported by kafkaTopicsAreExactlyTheCatalogueTopics
            }
            Map<?, ?> spec = map(doc.root().get("spec"));
            Map<?, ?> config = map(spec.get("config"));
            NewTopic planned = t.plannedBy(production);
            Integer partitions = integer(spec.get("partitions"));
            if (t.agentKeyed()) {
                coPartitioned.computeIfAbsent(String.valueOf(partitions), k -> new ArrayList<>()).add(t.name());
            }
            if (partitions == null || partitions != planned.numPartitions()) {
                problems.add(doc.where() + " spec.partitions: [" + spec.get("partitions") + "], the production plan says [" + planned.numPartitions() + "]");
            }
            Integer replicas = integer(spec.get("replicas"));
            if (replicas == null || replicas != planned.replicationFactor()) {
                problems.add(doc.where() + " spec.replicas: [" + spec.get("replicas") + "], the production plan says [" + planned.replicationFactor() + "]");
            }
            planned.configs().forEach((key, value) -> {
                if (!value.equals(str(config.get(key)))) {
                    problems.add(doc.where() + " spec.config." + key + ": [" + config.get(key) + "], the production plan says [" + value + "]");
                }
            });
            if (!planned.configs().containsKey("retention.ms") && config.containsKey("retention.ms")) {
                problems.add(doc.where() + " spec.config.retention.ms: a compacted topic keeps the latest value per key; no time retention");
            }
        }
        Integer agents = integer(at(topics.getOrDefault(CtiTopics.AGENTS.topicName(), new Doc(K8S, 0, Map.of())).root(), "spec", "partitions"));
        Integer commands = integer(at(topics.getOrDefault(CtiTopics.AGENT_COMMANDS.topicName(), new Doc(K8S, 0, Map.of())).root(), "spec", "partitions"));
        assertThat(commands).as("partitions of cti.agent-commands (co-partitioned with cti.agents, which has %s)", agents).isNotNull().isEqualTo(agents);
        assertThat(coPartitioned).as("partition counts of the agent-keyed topics (co-partitioned, cti.cloudevents alike): they must all share one")
                .hasSize(1);
        assertThat(problems).as("KafkaTopic resources against TopicProvisioner.Plan.production()").isEmpty();
    }

    /** Verifies that compose's kafka-init creates every CtiTopics and JsonTopics topic with the single-node plan's partitions and configs. */
    @Test
    void composeCreatesEveryTopicAsTheSingleNodePlanDoes() {
        List<String> problems = new ArrayList<>();
        Doc file = composeFile();
        Object init = at(file.root(), "services", "kafka-init", "command");
        String script = init instanceof List<?> l ? String.join("\n", l.stream().map(DeployManifestsTest::str).toList()) : str(init);
        assertThat(script).as("%s services.kafka-init.command", file.where()).isNotNull();
        TopicProvisioner singleNode = new TopicProvisioner(null, TopicProvisioner.Plan.singleNode());
        Map<String, CatalogueTopic> catalogue = catalogue();
        Map<String, MatchResult> created = new HashMap<>();
        // the topics the script's "for t in ...; do kafka-configs.sh ... message.timestamp.type=LogAppendTime" loop alters
        java.util.Set<String> brokerStamped = new java.util.HashSet<>();
        Matcher loop = COMPOSE_STAMPED.matcher(script);
        while (loop.find()) {
            brokerStamped.addAll(List.of(loop.group(1).trim().split("\\s+")));
        }
        Matcher m = COMPOSE_TOPIC.matcher(script);
        while (m.find()) {
            String topic = m.group(1);
            created.put(topic, m.toMatchResult());
            if (!catalogue.containsKey(topic)) {
                problems.add(file.where() + " services.kafka-init: [" + topic + "] is not a topic of io.ctistream.schemas.CtiTopics or JsonTopics");
            }
        }
        for (CatalogueTopic t : catalogue.values()) {
            MatchResult line = created.get(t.name());
            if (line == null) {
                problems.add(file.where() + " services.kafka-init: [" + t.name() + "] is never created (" + t.constant() + ")");
                continue;
            }
            NewTopic planned = t.plannedBy(singleNode);
            String where = file.where() + " services.kafka-init [" + t.name() + "]";
            if (Integer.parseInt(line.group(2)) != planned.numPartitions()) {
                problems.add(where + " partitions: [" + line.group(2) + "], the single-node plan says [" + planned.numPartitions() + "]");
            }
            if (!planned.configs().get("cleanup.policy").equals(line.group(3))) {
                problems.add(where + " cleanup.policy: [" + line.group(3) + "], the plan says [" + planned.configs().get("cleanup.policy") + "]");
            }
            String retention = planned.configs().get("retention.ms");
            if (retention == null ? line.group(4) != null : !retention.equals(line.group(4))) {
                problems.add(where + " retention.ms: [" + line.group(4) + "], the plan says [" + retention + "]");
            }
            // the timestamp type: set by the loop after the creates, on new and existing topics alike
            boolean stamped = "LogAppendTime".equals(planned.configs().get("message.timestamp.type"));
            if (stamped != brokerStamped.contains(t.name())) {
                problems.add(where + " message.timestamp.type: " + (stamped ? "never set to [LogAppendTime], the plan says so"
                        : "set to [LogAppendTime], the plan does not"));
            }
        }
        assertThat(problems).as("topics created by compose against TopicProvisioner.Plan.singleNode()").isEmpty();
    }

    /** Verifies that Prometheus scrapes /metrics on each service's HTTP port: compose targets by their port, Kubernetes jobs by the port named http. */
    @Test
    void prometheusScrapesMetricsOnTheServicePorts() {
        List<String> problems = new ArrayList<>();
        Doc composeFile = composeFile();
        Map<?, ?> services = map(composeFile.root().get("services"));
        Set<Service> scraped = new TreeSet<>();
        Set<String> appNames = ctistreamApps().keySet();
        int configs = 0;
        for (Doc doc : observability) {
            List<Object> scrapeConfigs = list(doc.root().get("scrape_configs"));
            for (int i = 0; i < scrapeConfigs.size(); i++) {
                configs++;
                Map<?, ?> job = map(scrapeConfigs.get(i));
                String jobName = String.valueOf(job.get("job_name"));
                String where = doc.where() + " scrape_configs[" + i + "] (job_name " + jobName + ")";
                Object metricsPath = job.get("metrics_path");
                if (metricsPath != null && !"/metrics".equals(metricsPath)) {
                    problems.add(where + " metrics_path: [" + metricsPath + "], the services serve /metrics");
                }
                for (Object staticConfig : list(job.get("static_configs"))) {
                    for (Object target : list(map(staticConfig).get("targets"))) {
                        String t = str(target);
                        int colon = t.lastIndexOf(':');
                        String host = colon < 0 ? t : t.substring(0, colon);
                        Map<?, ?> service = map(services.get(host));
                        Service kind = Service.startedBy(service.get("command"));
                        if (kind == null) {
                            if (jobName.startsWith("ctistream")) {
                                problems.add(where + " target [" + t + "] is not a ctistream service of " + composeFile.where());
                            }
                            continue;
                        }
                        scraped.add(kind);
                        int expected = expectedPort(problems, composeFile.where() + " services." + host, composeEnv(service), kind.portKey,
                                kind.defaultHttpPort());
                        if (colon < 0 || !t.substring(colon + 1).equals(Integer.toString(expected))) {
                            problems.add(where + " target [" + t + "]: " + host + " serves /metrics on port " + expected);
                        }
                    }
                }
                if (!list(job.get("kubernetes_sd_configs")).isEmpty() && selectsCtistreamPods(job, appNames)) {
                    String portName = keepRegex(job, "__meta_kubernetes_pod_container_port_name");
                    if (!"http".equals(portName)) {
                        problems.add(where + " relabel_configs: must keep __meta_kubernetes_pod_container_port_name [http] (the ctistream "
                                + "containers' metrics port), keeps [" + portName + "]");
                    }
                }
            }
        }
        assertThat(configs).as("scrape_configs under %s", OBSERVABILITY.normalize()).isPositive();
        assertThat(scraped).as("ctistream services with a static scrape target in deploy/observability").containsExactlyInAnyOrder(Service.values());
        assertThat(problems).as("Prometheus scrape configurations").isEmpty();
    }

    /** Verifies that every ctistream workload has a Service on its port named http and a PodDisruptionBudget, both selecting its pods. */
    @Test
    void everyWorkloadHasAServiceOnItsHttpPortAndADisruptionBudget() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Service> app : ctistreamApps().entrySet()) {
            String name = app.getKey();
            boolean service = k8s.stream().filter(d -> "Service".equals(d.kind())).filter(d -> name.equals(str(selector(d).get(APP_LABEL))))
                    .anyMatch(d -> list(at(d.root(), "spec", "ports")).stream().anyMatch(p -> "http".equals(map(p).get("targetPort"))));
            if (!service) {
                problems.add("deploy/k8s: no Service selecting " + APP_LABEL + "=" + name + " (" + app.getValue() + ") with a port whose targetPort is [http]");
            }
            boolean budget = k8s.stream().filter(d -> "PodDisruptionBudget".equals(d.kind()))
                    .anyMatch(d -> name.equals(str(map(at(d.root(), "spec", "selector", "matchLabels")).get(APP_LABEL))));
            if (!budget) {
                problems.add("deploy/k8s: no PodDisruptionBudget selecting " + APP_LABEL + "=" + name + " (" + app.getValue() + ")");
            }
        }
        assertThat(problems).as("Services and PodDisruptionBudgets of the ctistream workloads").isEmpty();
    }

    /**
     * Verifies that no secret is written into a manifest: a {@code CTISTREAM_*_SECRET} or {@code _PASSWORD} setting comes from a
     * Kubernetes Secret (never a ConfigMap or a literal env value) and, in compose, from the host's environment ({@code ${...}});
     * and that each service gets the secrets it needs that way, from a Secret deploy/k8s declares with that key.
     */
    @Test
    void secretsComeFromSecretsNeverFromTheManifests() {
        List<String> problems = new ArrayList<>();
        for (Doc doc : k8s) {
            if ("ConfigMap".equals(doc.kind())) {
                map(doc.root().get("data")).keySet().stream().map(String::valueOf).filter(DeployManifestsTest::isSecretSetting)
                        .forEach(k -> problems.add(doc.where() + " data." + k + ": a secret in a ConfigMap; take it from a Secret (env valueFrom.secretKeyRef)"));
            }
            for (Object c : list(at(doc.root(), "spec", "template", "spec", "containers"))) {
                Map<?, ?> container = map(c);
                String where = doc.where() + " container " + str(container.get("name"));
                Map<String, Map<?, ?>> env = new LinkedHashMap<>();
                list(container.get("env")).forEach(e -> env.put(str(map(e).get("name")), map(e)));
                env.forEach((name, e) -> {
                    if (isSecretSetting(name) && at(e, "valueFrom", "secretKeyRef") == null) {
                        problems.add(where + " env " + name + ": must come from a Secret (valueFrom.secretKeyRef), not [" + e.get("value") + "]");
                    }
                });
                Service service = Service.startedBy(container.get("args"));
                for (String key : service == null ? List.<String>of() : service.secretKeys) {
                    Object ref = at(env.getOrDefault(key, Map.of()), "valueFrom", "secretKeyRef");
                    String secret = str(at(ref, "name"));
                    if (ref == null || !key.equals(str(at(ref, "key")))) {
                        problems.add(where + " env " + key + ": missing, or not valueFrom.secretKeyRef with key [" + key + "]");
                    } else if (k8s.stream().noneMatch(d -> "Secret".equals(d.kind()) && secret.equals(d.name())
                            && (map(d.root().get("stringData")).containsKey(key) || map(d.root().get("data")).containsKey(key)))) {
                        problems.add(where + " env " + key + ": no Secret [" + secret + "] with key [" + key + "] under deploy/k8s (an example one, REPLACE_ME)");
                    }
                }
            }
        }
        Doc file = composeFile();
        map(file.root().get("services")).forEach((name, definition) -> {
            Map<String, String> env = composeEnv(map(definition));
            env.forEach((key, value) -> {
                if (isSecretSetting(key) && (value == null || !value.startsWith("${" + key))) {
                    problems.add(file.where() + " services." + name + ".environment." + key + ": must be [${" + key + "...}] (from .env), not [" + value + "]");
                }
            });
            Service service = Service.startedBy(map(definition).get("command"));
            for (String key : service == null ? List.<String>of() : service.secretKeys) {
                if (!env.containsKey(key)) {
                    problems.add(file.where() + " services." + name + ".environment: no " + key + " (${" + key + "} from .env)");
                }
            }
        });
        assertThat(problems).as("secrets in deploy/k8s and deploy/compose").isEmpty();
    }

    /** Verifies that the Kubernetes scrape configurations (Prometheus pod discovery and the PodMonitor) keep the pods of every ctistream service. */
    @Test
    void kubernetesScrapingKeepsEveryService() {
        List<String> problems = new ArrayList<>();
        Set<String> apps = ctistreamApps().keySet();
        assertThat(apps).as("app names of the ctistream workloads").hasSize(Service.values().length);
        int jobs = 0;
        for (Doc doc : observability) {
            for (Object j : list(doc.root().get("scrape_configs"))) {
                Map<?, ?> job = map(j);
                if (list(job.get("kubernetes_sd_configs")).isEmpty() || !selectsCtistreamPods(job, apps)) {
                    continue;
                }
                jobs++;
                String regex = keepRegex(job, "__meta_kubernetes_pod_label_app_kubernetes_io_name");
                apps.stream().filter(app -> regex == null || !Pattern.compile(regex).matcher(app).matches())
                        .forEach(app -> problems.add(doc.where() + " job " + job.get("job_name") + ": its keep regex [" + regex + "] drops [" + app + "]"));
            }
        }
        int monitors = 0;
        for (Doc doc : k8s) {
            if (!"PodMonitor".equals(doc.kind())) {
                continue;
            }
            for (Object e : list(at(doc.root(), "spec", "selector", "matchExpressions"))) {
                Map<?, ?> expression = map(e);
                if (APP_LABEL.equals(expression.get("key")) && "In".equals(expression.get("operator"))) {
                    monitors++;
                    List<Object> values = list(expression.get("values"));
                    apps.stream().filter(app -> !values.contains(app))
                            .forEach(app -> problems.add(doc.where() + " spec.selector " + APP_LABEL + " In " + values + ": misses [" + app + "]"));
                }
            }
        }
        assertThat(jobs).as("kubernetes_sd scrape jobs of the ctistream pods under %s", OBSERVABILITY.normalize()).isPositive();
        assertThat(monitors).as("PodMonitors selecting the ctistream pods by %s under %s", APP_LABEL, K8S.normalize()).isPositive();
        assertThat(problems).as("Kubernetes scrape configurations").isEmpty();
    }

    /** Verifies that every ctistream_* metric the Grafana dashboard queries is documented in docs/metrics.md. */
    @Test
    void dashboardMetricsAreDocumented() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher doc = METRIC.matcher(Files.readString(METRICS_DOC, StandardCharsets.UTF_8));
        while (doc.find()) {
            documented.add(baseName(doc.group()));
        }
        Map<String, String> queried = new TreeMap<>();
        collectExpressions(dashboard, "dashboard", (where, expr) -> {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                queried.putIfAbsent(baseName(m.group()), where + ": " + expr);
            }
        });
        assertThat(queried).as("ctistream_ metrics queried by %s", DASHBOARD.normalize()).isNotEmpty();
        List<String> undocumented = new ArrayList<>();
        queried.forEach((metric, where) -> {
            if (!documented.contains(metric)) {
                undocumented.add("deploy/observability/grafana/ctistream-dashboard.json " + where + " uses [" + metric + "]");
            }
        });
        assertThat(undocumented).as("dashboard metrics missing from docs/metrics.md (documented: %s)", documented).isEmpty();
    }

    // --- settings -------------------------------------------------------------------------------

    /** Every {@code static final String} constant whose value starts with CTISTREAM_ in the settings classes. */
    private static Set<String> declaredSettings() {
        Set<String> names = new TreeSet<>();
        for (Class<?> c : SETTINGS_CLASSES) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == String.class) {
                    f.setAccessible(true);
                    try {
                        if (f.get(null) instanceof String value && value.startsWith(PREFIX)) {
                            names.add(value);
                        }
                    } catch (IllegalAccessException e) {
                        throw new AssertionError("cannot read " + c.getName() + "." + f.getName(), e);
                    }
                }
            }
        }
        assertThat(names).as("CTISTREAM_ constants of %s", SETTINGS_CLASSES).isNotEmpty();
        return names;
    }

    private static Map<String, String> minimalEnv() {
        Map<String, String> env = new HashMap<>();
        env.put(EngineSettings.BOOTSTRAP, "kafka:9092");
        env.put(EngineSettings.REGISTRY_URL, "http://registry:8080/apis/registry/v3");
        return env;
    }

    /** The connector's SIP settings with nothing but the required keys: its defaults. */
    private static BroadWorksConfig minimalConnector() {
        Map<String, String> env = minimalEnv();
        env.put(BroadWorksPlatform.OUTBOUND_PROXY, "as.example.invalid:5060");
        return BroadWorksPlatform.config(ConfigSource.from(env));
    }

    /**
     * Finds every setting name: keys of maps (ConfigMap data, Secret stringData, compose
     * environment), {@code name} of env entries, {@code key} of secret/config-map key references,
     * and NAME=value items of a compose environment list.
     */
    private static void walk(Object node, String path, String parentKey, BiConsumer<String, String> onSetting) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                String at = path.isEmpty() ? key : path + "." + key;
                if (key.startsWith(PREFIX)) {
                    onSetting.accept(key, at);
                }
                boolean envName = "name".equals(key) && "env".equals(parentKey);
                boolean keyRef = "key".equals(key) && ("secretKeyRef".equals(parentKey) || "configMapKeyRef".equals(parentKey));
                if ((envName || keyRef) && e.getValue() instanceof String s && s.startsWith(PREFIX)) {
                    onSetting.accept(s, at);
                }
                walk(e.getValue(), at, key, onSetting);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                Object item = l.get(i);
                String at = path + "[" + i + "]";
                if ("environment".equals(parentKey) && item instanceof String s && s.startsWith(PREFIX)) {
                    onSetting.accept(s.split("=", 2)[0], at);
                }
                walk(item, at, parentKey, onSetting); // items of an env list are env entries
            }
        }
    }

    // --- ports and probes -----------------------------------------------------------------------

    /** The container's environment: its envFrom ConfigMaps (as found under deploy/k8s), then its env entries (null when valueFrom). */
    private static Map<String, String> containerEnv(Map<?, ?> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object from : list(container.get("envFrom"))) {
            String configMap = str(at(from, "configMapRef", "name"));
            for (Doc d : k8s) {
                if ("ConfigMap".equals(d.kind()) && configMap != null && configMap.equals(d.name())) {
                    map(d.root().get("data")).forEach((k, v) -> env.put(str(k), str(v)));
                }
            }
        }
        for (Object entry : list(container.get("env"))) {
            Map<?, ?> e = map(entry);
            env.put(str(e.get("name")), str(e.get("value")));
        }
        return env;
    }

    private static Map<String, String> composeEnv(Map<?, ?> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(str(k), str(v)));
        } else {
            for (Object item : list(environment)) {
                String[] kv = str(item).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        return env;
    }

    private static int expectedPort(List<String> problems, String where, Map<String, String> env, String key, int codeDefault) {
        if (!env.containsKey(key)) {
            return codeDefault;
        }
        String value = env.get(key);
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            problems.add(where + " " + key + ": [" + value + "] must be a literal port number");
            return codeDefault;
        }
    }

    private static void checkPort(List<String> problems, String where, Map<?, ?> container, String name, int expected, String protocol) {
        Map<?, ?> port = list(container.get("ports")).stream().map(DeployManifestsTest::map).filter(p -> name.equals(p.get("name")))
                .findFirst().orElse(null);
        if (port == null) {
            problems.add(where + " ports: no port named [" + name + "]");
            return;
        }
        Integer number = integer(port.get("containerPort"));
        if (number == null || number != expected) {
            problems.add(where + " ports[name=" + name + "].containerPort: [" + port.get("containerPort") + "], the service listens on [" + expected + "]");
        }
        String actualProtocol = port.get("protocol") == null ? "TCP" : str(port.get("protocol"));
        if (!protocol.equals(actualProtocol)) {
            problems.add(where + " ports[name=" + name + "].protocol: [" + actualProtocol + "], expected [" + protocol + "]");
        }
    }

    /** An HTTP probe on the port named http; {@code path} null accepts either health endpoint. */
    private static void checkProbe(List<String> problems, String where, Map<?, ?> container, String probe, String path, boolean required) {
        Object p = container.get(probe);
        if (p == null) {
            if (required) {
                problems.add(where + " " + probe + ": missing (must GET " + path + " on port http)");
            }
            return;
        }
        Object actualPath = at(p, "httpGet", "path");
        Object port = at(p, "httpGet", "port");
        boolean pathOk = path != null ? path.equals(actualPath) : "/health/live".equals(actualPath) || "/health/ready".equals(actualPath);
        if (!pathOk) {
            problems.add(where + " " + probe + ".httpGet.path: [" + actualPath + "], expected [" + (path != null ? path : "/health/live or /health/ready") + "]");
        }
        if (!"http".equals(port)) {
            problems.add(where + " " + probe + ".httpGet.port: [" + port + "], expected [http]");
        }
    }

    // --- topics ---------------------------------------------------------------------------------

    /** KafkaTopic resources by Kafka topic name (spec.topicName, else metadata.name). */
    private static Map<String, Doc> kafkaTopics(List<String> problems) {
        Map<String, Doc> topics = new TreeMap<>();
        for (Doc doc : k8s) {
            if (!"KafkaTopic".equals(doc.kind())) {
                continue;
            }
            String name = str(at(doc.root(), "spec", "topicName"));
            if (name == null) {
                name = doc.name();
            }
            Doc earlier = topics.put(name, doc);
            if (earlier != null) {
                problems.add(doc.where() + ": topic [" + name + "] is declared again (first in " + earlier.where() + ")");
            }
        }
        return topics;
    }

    /** A topic of the catalogue, Avro ({@link CtiTopics}) or JSON ({@link JsonTopics}), as a plan would create it. */
    private record CatalogueTopic(String name, String constant, boolean agentKeyed, java.util.function.Function<TopicProvisioner, NewTopic> plan) {
        NewTopic plannedBy(TopicProvisioner provisioner) {
            return plan.apply(provisioner);
        }
    }

    /** Every topic the services use, by name: the CtiTopics and the JsonTopics. */
    private static Map<String, CatalogueTopic> catalogue() {
        Map<String, CatalogueTopic> all = new TreeMap<>();
        for (CtiTopics t : CtiTopics.values()) {
            all.put(t.topicName(), new CatalogueTopic(t.topicName(), "CtiTopics." + t.name(), t.coPartitioned(), p -> p.newTopic(t)));
        }
        for (JsonTopics t : JsonTopics.values()) {
            all.put(t.topicName(), new CatalogueTopic(t.topicName(), "JsonTopics." + t.name(), t.keyedBy() == CtiTopics.KeyedBy.AGENT,
                    p -> p.newTopic(t)));
        }
        return all;
    }

    // --- Prometheus -----------------------------------------------------------------------------

    private static Doc composeFile() {
        return compose.stream().filter(d -> d.root().get("services") instanceof Map).findFirst()
                .orElseThrow(() -> new AssertionError("no compose file with services under " + COMPOSE.normalize()));
    }

    /** The app.kubernetes.io/name label of each workload's pods that runs a ctistream service, and the service. */
    private static Map<String, Service> ctistreamApps() {
        Map<String, Service> apps = new TreeMap<>();
        for (Doc doc : k8s) {
            String app = str(map(at(doc.root(), "spec", "template", "metadata", "labels")).get(APP_LABEL));
            for (Object c : list(at(doc.root(), "spec", "template", "spec", "containers"))) {
                Service service = Service.startedBy(map(c).get("args"));
                if (service != null && app != null) {
                    apps.put(app, service);
                }
            }
        }
        return apps;
    }

    private static Map<?, ?> selector(Doc service) {
        return map(at(service.root(), "spec", "selector"));
    }

    /** A setting that holds a secret: {@code CTISTREAM_..._SECRET} or {@code _PASSWORD}. */
    private static boolean isSecretSetting(String name) {
        return name.startsWith(PREFIX) && (name.endsWith("_SECRET") || name.endsWith("_PASSWORD"));
    }

    /** Whether a kubernetes_sd job keeps (by a relabel regex) the pods of some ctistream service. */
    private static boolean selectsCtistreamPods(Map<?, ?> job, Set<String> appNames) {
        for (Object r : list(job.get("relabel_configs"))) {
            Map<?, ?> relabel = map(r);
            String regex = str(relabel.get("regex"));
            if ("keep".equals(relabel.get("action")) && regex != null
                    && appNames.stream().anyMatch(app -> Pattern.compile(regex).matcher(app).matches())) {
                return true;
            }
        }
        return false;
    }

    private static String keepRegex(Map<?, ?> job, String sourceLabel) {
        for (Object r : list(job.get("relabel_configs"))) {
            Map<?, ?> relabel = map(r);
            if ("keep".equals(relabel.get("action")) && list(relabel.get("source_labels")).contains(sourceLabel)) {
                return str(relabel.get("regex"));
            }
        }
        return null;
    }

    // --- dashboard ------------------------------------------------------------------------------

    /** Every {@code expr} of the dashboard, with the title of the panel it belongs to. */
    private static void collectExpressions(Object node, String where, BiConsumer<String, String> onExpr) {
        if (node instanceof Map<?, ?> m) {
            String here = m.get("title") != null ? "panel [" + m.get("title") + "]" : where;
            if (m.get("expr") instanceof String expr) {
                onExpr.accept(here + (m.get("refId") != null ? " target " + m.get("refId") : ""), expr);
            }
            m.values().forEach(v -> collectExpressions(v, here, onExpr));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectExpressions(v, where, onExpr));
        }
    }

    /** A histogram's series share its documented name: strip _bucket, _sum and _count. */
    private static String baseName(String metric) {
        return HISTOGRAM_SUFFIX.matcher(metric).replaceFirst("");
    }

    // --- YAML -----------------------------------------------------------------------------------

    private static List<Doc> loadYamlUnder(Path dir) throws IOException {
        assertThat(dir).as("deployment directory (the working directory must be deploy/launcher)").isDirectory();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        List<Doc> docs = new ArrayList<>();
        for (Path file : files) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int index = 0;
                for (Object doc : new Yaml().loadAll(r)) {
                    if (doc instanceof Map<?, ?> m) {
                        docs.add(new Doc(file, index, m));
                    }
                    index++;
                }
            } catch (YAMLException e) {
                throw new AssertionError(file.normalize() + " is not valid YAML: " + e.getMessage(), e);
            }
        }
        return docs;
    }

    private static List<Doc> concat(List<Doc> a, List<Doc> b) {
        List<Doc> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Object at(Object root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static Integer integer(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        try {
            return o == null ? null : Integer.valueOf(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package io.tsecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Kubernetes manifests agree with each other and with tsecho's own flags: the args are parsed
 * by tsecho's command line, the probes and the Service reach the ports the server listens on, the
 * grace period outlasts the drain, and the bench Job's shards, logs and merge line up.
 */
class ManifestsTest {
  private static final Path K8S = Paths.get("deploy/k8s");
  /** What the graceful close after --drain-delay may take at most: slow readers get ~20 s. */
  private static final Duration CLOSE = Duration.ofSeconds(20);

  private final Deployment deployment = read("deployment.yaml", Deployment.class);
  private final Container server = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  private final ServeArgs serve = ServeArgs.parse(server.getArgs());
  private final Service service = read("service.yaml", Service.class);

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T read(String file, Class<T> type) {
    try {
      return Manifests.one(K8S.resolve(file), type);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theKustomizationListsEveryServerManifest() throws Exception {
    assertThat(Files.readString(K8S.resolve("kustomization.yaml")))
        .contains("- deployment.yaml", "- service.yaml", "- pdb.yaml", "- hpa.yaml").doesNotContain("- bench-job.yaml");
  }

  @Test
  void anUnknownFieldFailsTheRead(@TempDir Path dir) throws Exception {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(K8S.resolve("deployment.yaml"))
        .replace("failureThreshold: 2", "failureTreshold: 2"));
    assertThatThrownBy(() -> Manifests.read(typo))
        .hasMessageContaining("fields the model does not know")
        .hasMessageContaining("ReadinessProbe: [failureTreshold]");
  }

  @Test
  void theContainerRunsTheImagesServeWithFlagsTsechoKnows() {
    assertThat(server.getCommand()).as("the image's entry point, tsecho serve, is kept").isEmpty();
    assertThat(serve.udp()).isTrue();
    assertThat(serve.listen()).isEmpty();
    assertThatThrownBy(() -> ServeArgs.parse(List.of("--drain-dealy", "20s")))
        .isInstanceOf(CommandLine.ParameterException.class);
  }

  @Test
  void containerPortsAreTheOnesTheServerListensOn() {
    assertThat(containerPort("stamp")).isEqualTo(serve.port());
    assertThat(port("stamp").getProtocol()).isEqualTo("TCP");
    assertThat(containerPort("stamp-udp")).isEqualTo(serve.port());
    assertThat(port("stamp-udp").getProtocol()).isEqualTo("UDP");
    assertThat(containerPort("admin")).isEqualTo(serve.adminPort());
    assertThat(server.getPorts()).hasSize(3);
  }

  @Test
  void probesAskTheAdminEndpoint() {
    HTTPGetAction readiness = server.getReadinessProbe().getHttpGet();
    HTTPGetAction liveness = server.getLivenessProbe().getHttpGet();
    HTTPGetAction startup = server.getStartupProbe().getHttpGet();
    assertThat(readiness.getPath()).isEqualTo("/readyz");
    assertThat(liveness.getPath()).isEqualTo("/healthz");
    assertThat(startup.getPath()).isEqualTo("/healthz");
    for (HTTPGetAction probe : List.of(readiness, liveness, startup)) {
      assertThat(resolve(probe.getPort(), "TCP")).isEqualTo(serve.adminPort());
    }
  }

  @Test
  void theGracePeriodOutlastsTheDrainAndReadinessFailsWithinIt() {
    Duration drain = serve.drainDelay();
    assertThat(drain).isPositive();
    long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    assertThat(Duration.ofSeconds(grace)).isGreaterThan(drain.plus(CLOSE));
    var readiness = server.getReadinessProbe();
    long noticed = (long) readiness.getPeriodSeconds() * readiness.getFailureThreshold();
    assertThat(Duration.ofSeconds(noticed)).as("readiness fails within the drain delay").isLessThan(drain);
  }

  @Test
  void theServiceReachesTheContainerPortsOnBothProtocols() {
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
    List<String> protocols = new ArrayList<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      assertThat(port.getPort()).isEqualTo(serve.port());
      assertThat(resolve(port.getTargetPort(), port.getProtocol())).isEqualTo(serve.port());
      protocols.add(port.getProtocol());
    }
    assertThat(protocols).containsExactlyInAnyOrder("TCP", "UDP");
  }

  @Test
  void resourcesAreSetAndRequestsFitTheLimits() {
    Map<String, Quantity> requests = server.getResources().getRequests();
    Map<String, Quantity> limits = server.getResources().getLimits();
    assertThat(requests).containsKeys("cpu", "memory");
    assertThat(Quantity.getAmountInBytes(requests.get("memory")))
        .isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get("memory")));
  }

  @Test
  void theDisruptionBudgetAndTheAutoscalerTakeTheDeployment() {
    PodDisruptionBudget pdb = read("pdb.yaml", PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

    HorizontalPodAutoscaler hpa = read("hpa.yaml", HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThan(pdb.getSpec().getMaxUnavailable().getIntVal());
    MetricSpec metric = hpa.getSpec().getMetrics().get(0);
    assertThat(hpa.getSpec().getMetrics()).hasSize(1);
    assertThat(metric.getResource().getName()).isEqualTo("cpu");
    assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
    assertThat(server.getResources().getRequests()).as("utilization counts from the request").containsKey("cpu");
  }

  @Test
  void theBenchShardsTargetTheServiceAndTheMergeReadsEveryShardsLog() throws Exception {
    Path file = K8S.resolve("bench-job.yaml");
    List<Job> jobs = Manifests.all(file, Job.class);
    assertThat(jobs).extracting(j -> j.getMetadata().getName()).containsExactly("tsecho-bench", "tsecho-bench-merge");
    Job bench = jobs.get(0);
    Job merge = jobs.get(1);

    int shards = bench.getSpec().getCompletions();
    assertThat(bench.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(bench.getSpec().getParallelism()).isEqualTo(shards);
    Container shard = bench.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = shard.getArgs();
    assertThat(args.subList(0, 3)).containsExactly("bench", service.getMetadata().getName(),
        String.valueOf(serve.port()));
    assertThat(optionValue(args, "--shard")).isEqualTo(String.valueOf(shards));
    assertThat(optionValue(args, "--start-at")).isEqualTo("$(START_AT)");
    assertThat(shard.getEnv()).extracting(e -> e.getName()).contains("START_AT", "SHARD");
    assertThat(shard.getEnv().stream().filter(e -> e.getName().equals("SHARD")).findFirst().orElseThrow()
        .getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    String log = optionValue(args, "--hdr-log");
    assertThat(log).isEqualTo(mountPath(shard, "results") + "/shard-$(SHARD).hlog");

    assertThat(merge.getSpec().getSuspend()).as("resumed once the shards are done").isTrue();
    Container merger = merge.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> expected = IntStream.range(0, shards)
        .mapToObj(i -> mountPath(merger, "results") + "/shard-" + i + ".hlog").collect(Collectors.toList());
    assertThat(merger.getArgs().subList(0, 2)).containsExactly("bench", "merge");
    assertThat(merger.getArgs().subList(2, merger.getArgs().size())).isEqualTo(expected);

    PersistentVolumeClaim claim = Manifests.one(file, PersistentVolumeClaim.class);
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    for (Job job : jobs) {
      PodSpec pod = job.getSpec().getTemplate().getSpec();
      Volume results = pod.getVolumes().stream().filter(v -> v.getName().equals("results")).findFirst().orElseThrow();
      assertThat(results.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.getMetadata().getName());
      assertThat(pod.getContainers().get(0).getCommand()).as("the image's java and main class, without serve")
          .startsWith("/opt/tsecho/runtime/bin/java").endsWith("io.tsecho.Main");
    }
  }

  private ContainerPort port(String name) {
    return server.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name));
  }

  private int containerPort(String name) {
    return port(name).getContainerPort();
  }

  /** A port given by name or number, as the kubelet or the Service resolves it against the container. */
  private int resolve(IntOrString port, String protocol) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    ContainerPort named = port(port.getStrVal());
    assertThat(named.getProtocol()).as("protocol of " + named.getName()).isEqualTo(protocol);
    return named.getContainerPort();
  }

  private static String optionValue(List<String> args, String option) {
    int at = args.indexOf(option);
    assertThat(at).as(option + " in " + args).isNotNegative();
    return args.get(at + 1);
  }

  private static String mountPath(Container container, String volume) {
    return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).map(VolumeMount::getMountPath)
        .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " does not mount " + volume));
  }
}

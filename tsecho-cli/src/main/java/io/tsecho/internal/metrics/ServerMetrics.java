package io.tsecho.internal.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.tsecho.config.Fault;
import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ServerConfig;
import io.tsecho.internal.net.Addresses;
import io.tsecho.internal.server.BufferBudget;
import io.tsecho.internal.server.CloseReason;
import io.tsecho.internal.server.Faults;
import io.tsecho.internal.server.ListenerEvents;
import io.tsecho.internal.server.ListenerEvents.Refusal;
import io.tsecho.internal.server.ServerEvents;
import io.tsecho.internal.server.UdpDrops;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's metrics: counts every listener's events on the event loops (see
 * {@link ListenerMetrics}), and turns them into Prometheus metric families when scraped, each
 * labelled by its listener's service, protocol and address as the listening line shows them.
 */
public final class ServerMetrics implements ServerEvents, MultiCollector {
  private final boolean proxied;
  private final List<ListenerMetrics> listeners = new CopyOnWriteArrayList<>();
  private volatile BufferBudget budget;
  private volatile Faults faults;

  public ServerMetrics(ServerConfig config) {
    this.proxied = config.proxy().mode() != ProxySettings.Mode.OFF;
  }

  @Override
  public ListenerEvents listener(Listener listener) {
    ListenerMetrics metrics = new ListenerMetrics(listener);
    listeners.add(metrics);
    return metrics;
  }

  /** Reports the bytes held for clients against {@code --max-buffered} and the faults applied, once the server runs. */
  public void watch(BufferBudget budget, Faults faults) {
    this.budget = budget;
    this.faults = faults;
  }

  /** A registry holding these metrics and the JVM's. */
  public PrometheusRegistry registry() {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(this);
    JvmMetrics.builder(PrometheusProperties.builder().build()).register(registry);
    return registry;
  }

  @Override
  public MetricSnapshots collect() {
    Families families = new Families();
    for (ListenerMetrics listener : listeners) {
      if (listener.address() != null) {
        add(families, listener);
      }
    }
    BufferBudget held = budget;
    if (held != null) {
      families.gauge("tsecho_buffered_bytes", "Bytes held for clients now: partial lines, input not yet answered"
          + " and replies not yet sent, over every connection", Labels.EMPTY, held.used());
      families.gauge("tsecho_max_buffered_bytes", "The most bytes the server holds for clients at once"
          + " (--max-buffered)", Labels.EMPTY, held.limit());
    }
    Faults applied = faults;
    if (applied != null) {
      // Every kind, applied or not, so that a fault set while the server runs starts from a series at 0.
      for (Fault.Kind kind : Fault.Kind.values()) {
        families.counter("tsecho_faults_applied", "Faults applied on purpose (--fault), by kind: per connection"
            + " or reply on TCP, per datagram on UDP", Labels.of("kind", kind.cliName()), applied.applied(kind));
      }
    }
    return families.build();
  }

  private void add(Families families, ListenerMetrics metrics) {
    Listener listener = metrics.listener();
    Labels labels = Labels.of("service", listener.service().cliName(), "protocol", listener.protocol().cliName(),
        "address", Addresses.format(metrics.address()));
    ListenerMetrics.Snapshot counts = metrics.snapshot();
    if (listener.protocol().isStream()) {
      families.gauge("tsecho_connections_open", "TCP connections accepted and not yet closed or refused",
          labels, counts.open());
      families.counter("tsecho_connections_accepted", "TCP connections accepted, before any check in front of"
          + " the service", labels, counts.get(ListenerMetrics.ACCEPTED));
      for (Refusal refusal : Refusal.values()) {
        families.counter("tsecho_connections_refused", "TCP connections turned away before they were served,"
            + " by reason", labels.add("reason", label(refusal)), counts.refused(refusal));
      }
      for (CloseReason reason : CloseReason.values()) {
        families.counter("tsecho_connections_closed", "TCP connections served and closed, by reason",
            labels.add("reason", label(reason)), counts.closed(reason));
      }
      if (proxied) {
        families.counter("tsecho_proxy_headers", "PROXY protocol headers read, by result",
            labels.add("result", "accepted"), counts.get(ListenerMetrics.PROXY_ACCEPTED));
        families.counter("tsecho_proxy_headers", "PROXY protocol headers read, by result",
            labels.add("result", "rejected"), counts.get(ListenerMetrics.PROXY_REJECTED));
      }
      if (listener.protocol() == Protocol.TLS) {
        families.counter("tsecho_tls_handshakes", "TLS handshakes, by result",
            labels.add("result", "succeeded"), counts.get(ListenerMetrics.TLS_SUCCEEDED));
        families.counter("tsecho_tls_handshakes", "TLS handshakes, by result",
            labels.add("result", "failed"), counts.get(ListenerMetrics.TLS_FAILED));
      }
    } else {
      families.counter("tsecho_datagrams_received", "UDP datagrams received", labels,
          counts.get(ListenerMetrics.DATAGRAMS_RECEIVED));
      for (UdpDrops.Reason reason : UdpDrops.Reason.values()) {
        families.counter("tsecho_datagrams_dropped", "UDP datagrams not answered, by reason (too_large ones get"
            + " an error datagram, counted as a reply)", labels.add("reason", label(reason)), counts.dropped(reason));
      }
    }
    families.bytes("tsecho_received_bytes", "Bytes received: read from TCP connections, or UDP payloads",
        labels, counts.get(ListenerMetrics.RECEIVED_BYTES));
    families.bytes("tsecho_sent_bytes", "Bytes of replies: written to TCP connections, or UDP payloads",
        labels, counts.get(ListenerMetrics.SENT_BYTES));
    families.counter("tsecho_replies", "Replies sent: on TCP one per message (a line, a trailing piece, a raw"
        + " read) or the daytime and time greeting; on UDP one datagram per answered datagram", labels,
        counts.get(ListenerMetrics.REPLIES));
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** Metric families by name, each with its data points; the exposition sorts them by name. */
  private static final class Families {
    private final Map<String, CounterSnapshot.Builder> counters = new HashMap<>();
    private final Map<String, GaugeSnapshot.Builder> gauges = new HashMap<>();

    void counter(String name, String help, Labels labels, long value) {
      counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help))
          .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    /** A counter of bytes: its name ends in {@code _bytes}, and OpenMetrics shows the unit. */
    void bytes(String name, String help, Labels labels, long value) {
      counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help).unit(Unit.BYTES))
          .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    void gauge(String name, String help, Labels labels, long value) {
      gauges.computeIfAbsent(name, n -> {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(n).help(help);
        return n.endsWith("_bytes") ? gauge.unit(Unit.BYTES) : gauge;
      }).dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    MetricSnapshots build() {
      List<MetricSnapshot> snapshots = new ArrayList<>();
      counters.values().forEach(c -> snapshots.add(c.build()));
      gauges.values().forEach(g -> snapshots.add(g.build()));
      return new MetricSnapshots(snapshots);
    }
  }
}

package dev.tether.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every figure of a run: samples per (scenario, metric, system), reduced to the median and the
 * spread (min..max), printed side by side with the product/baseline ratios and written as JSON.
 */
final class Results {
  /** Every system, in table order: the product with either TLS stage, then the two baselines. */
  static final List<String> SYSTEMS = List.of("tether", "tether-pekko-stage", "pekko-raw", "netty");

  private record Key(String scenario, String metric) {}

  private final Map<Key, String> units = new LinkedHashMap<>();
  private final Map<Key, Map<String, List<Double>>> samples = new LinkedHashMap<>();

  synchronized void add(String scenario, String system, String metric, String unit, double value) {
    Key k = new Key(scenario, metric);
    units.putIfAbsent(k, unit);
    samples.computeIfAbsent(k, x -> new LinkedHashMap<>()).computeIfAbsent(system, x -> new ArrayList<>()).add(value);
  }

  /** The median of one figure, or NaN. */
  synchronized double median(String scenario, String system, String metric) {
    Map<String, List<Double>> bySystem = samples.get(new Key(scenario, metric));
    if (bySystem == null || !bySystem.containsKey(system)) return Double.NaN;
    return median(bySystem.get(system));
  }

  static double median(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    int m = s.size() / 2;
    return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
  }

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, i)));
  }

  /**
   * The table: one column per system, then the ratios tether / pekko-raw, tether / netty, tether /
   * tether-pekko-stage (Tether's TLS stage against Pekko's, the rest alike) and tether-pekko-stage /
   * pekko-raw (the actor layer over the same TLS stage).
   */
  synchronized String table() {
    StringBuilder b = new StringBuilder();
    String fmt = "| %-22s | %-28s | %-8s | %-23s | %-23s | %-23s | %-23s | %7s | %7s | %7s | %11s |%n";
    b.append(String.format(Locale.ROOT, fmt, "scenario", "metric", "unit", SYSTEMS.get(0), SYSTEMS.get(1), SYSTEMS.get(2),
        SYSTEMS.get(3), "t/pekko", "t/netty", "t/t-pks", "t-pks/pekko"));
    b.append(String.format(Locale.ROOT, fmt, "-".repeat(22), "-".repeat(28), "-".repeat(8), "-".repeat(23),
        "-".repeat(23), "-".repeat(23), "-".repeat(23), "-".repeat(7), "-".repeat(7), "-".repeat(7), "-".repeat(11)));
    List<String> scenarios = samples.keySet().stream().map(Key::scenario).distinct().toList();
    List<Map.Entry<Key, Map<String, List<Double>>>> rows = new ArrayList<>(samples.entrySet());
    rows.sort(java.util.Comparator.comparingInt(e -> scenarios.indexOf(e.getKey().scenario())));
    for (Map.Entry<Key, Map<String, List<Double>>> e : rows) {
      Key k = e.getKey();
      List<String> cells = new ArrayList<>();
      for (String system : SYSTEMS) cells.add(cell(e.getValue().get(system)));
      double t = median(k.scenario(), "tether", k.metric());
      double tps = median(k.scenario(), "tether-pekko-stage", k.metric());
      double raw = median(k.scenario(), "pekko-raw", k.metric());
      b.append(String.format(Locale.ROOT, fmt, k.scenario(), k.metric(), units.get(k), cells.get(0), cells.get(1),
          cells.get(2), cells.get(3), ratio(t, raw), ratio(t, median(k.scenario(), "netty", k.metric())), ratio(t, tps),
          ratio(tps, raw)));
    }
    return b.toString();
  }

  private static String cell(List<Double> v) {
    if (v == null || v.isEmpty()) return "-";
    String med = num(median(v));
    if (v.size() == 1) return med;
    return med + " [" + num(Collections.min(v)) + ".." + num(Collections.max(v)) + "]";
  }

  private static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) return "-";
    if (b == 0) return a == 0 ? "1.00" : "inf";
    return String.format(Locale.ROOT, "%.2f", a / b);
  }

  static String num(double d) {
    if (Double.isNaN(d)) return "-";
    if (d == Math.rint(d) && Math.abs(d) < 1e9) return String.format(Locale.ROOT, "%d", (long) d);
    if (Math.abs(d) >= 100) return String.format(Locale.ROOT, "%.0f", d);
    if (Math.abs(d) >= 10) return String.format(Locale.ROOT, "%.1f", d);
    return String.format(Locale.ROOT, "%.2f", d);
  }

  /**
   * {@code [{"scenario", "system", "metric", "value", "unit"}, ...]}; value is the median, plus
   * {@code min}, {@code max} and {@code samples} for the spread.
   */
  synchronized void writeJson(Path file) throws IOException {
    StringBuilder b = new StringBuilder("[\n");
    boolean first = true;
    for (Map.Entry<Key, Map<String, List<Double>>> e : samples.entrySet()) {
      for (Map.Entry<String, List<Double>> s : e.getValue().entrySet()) {
        List<Double> v = s.getValue();
        if (!first) b.append(",\n");
        first = false;
        b.append(String.format(Locale.ROOT,
            "  {\"scenario\": %s, \"system\": %s, \"metric\": %s, \"value\": %s, \"unit\": %s, \"min\": %s, \"max\": %s, \"samples\": %d}",
            json(e.getKey().scenario()), json(s.getKey()), json(e.getKey().metric()), jsonNum(median(v)),
            json(units.get(e.getKey())), jsonNum(Collections.min(v)), jsonNum(Collections.max(v)), v.size()));
      }
    }
    b.append("\n]\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, b.toString());
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String jsonNum(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d).replaceAll("\\.?0+$", "") : "null";
  }
}

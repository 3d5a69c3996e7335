import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Lists the slowest test classes of the last run, from every module's surefire and failsafe
 * reports ({@code <module>/target/{surefire,failsafe}-reports*}/TEST-*.xml), and the total per
 * module and execution. Needs only the JDK: {@code java scripts/SlowestTests.java [N] [root]}.
 */
public class SlowestTests {
  record Suite(double seconds, int tests, int failures, int errors, int skipped, String module, String execution, String name) {}

  private static final Pattern SUITE = Pattern.compile("<testsuite\\b[^>]*>");

  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    Path root = Path.of(args.length > 1 ? args[1] : ".");
    List<Suite> suites = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(p -> Files.isDirectory(p.resolve("target"))).toList()) {
        try (Stream<Path> dirs = Files.list(module.resolve("target"))) {
          for (Path dir : dirs.filter(SlowestTests::isReports).toList()) {
            try (Stream<Path> files = Files.list(dir)) {
              for (Path f : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
                suites.add(read(f, module.getFileName().toString(), dir.getFileName().toString()));
              }
            }
          }
        }
      }
    }
    if (suites.isEmpty()) {
      System.out.println("no surefire or failsafe reports under " + root.toAbsolutePath() + "/*/target: run the tests first");
      return;
    }
    suites.sort((a, b) -> Double.compare(b.seconds(), a.seconds()));
    System.out.printf("%9s %6s %5s %5s  %-18s %-28s %s%n", "seconds", "tests", "fail", "skip", "module", "execution", "class");
    for (Suite s : suites.subList(0, Math.min(n, suites.size()))) {
      System.out.printf("%9.1f %6d %5d %5d  %-18s %-28s %s%n", s.seconds(), s.tests(), s.failures() + s.errors(), s.skipped(),
          s.module(), s.execution(), s.name());
    }
    Map<String, double[]> totals = new TreeMap<>();
    for (Suite s : suites) {
      double[] t = totals.computeIfAbsent(s.module() + " " + s.execution(), k -> new double[3]);
      t[0] += s.seconds();
      t[1] += s.tests();
      t[2]++;
    }
    System.out.println();
    System.out.printf("%9s %6s %7s  %s%n", "seconds", "tests", "classes", "module execution");
    totals.forEach((k, t) -> System.out.printf("%9.1f %6d %7d  %s%n", t[0], (long) t[1], (long) t[2], k));
  }

  private static boolean isReports(Path p) {
    String name = p.getFileName().toString();
    return Files.isDirectory(p) && (name.startsWith("surefire-reports") || name.startsWith("failsafe-reports"));
  }

  private static Suite read(Path f, String module, String execution) throws IOException {
    String head;
    try (var in = Files.newBufferedReader(f)) {
      char[] buf = new char[8192];
      int len = in.read(buf);
      head = len < 0 ? "" : new String(buf, 0, len);
    }
    Matcher m = SUITE.matcher(head);
    if (!m.find()) return new Suite(0, 0, 0, 0, 0, module, execution, f.getFileName() + " (unreadable)");
    String tag = m.group();
    String name = attr(tag, "name");
    return new Suite(Double.parseDouble(attr(tag, "time").replace(",", "")), num(tag, "tests"), num(tag, "failures"),
        num(tag, "errors"), num(tag, "skipped"), module, execution, name.substring(name.lastIndexOf('.') + 1));
  }

  private static int num(String tag, String key) {
    String v = attr(tag, key);
    return v.isEmpty() ? 0 : Integer.parseInt(v);
  }

  private static String attr(String tag, String key) {
    Matcher m = Pattern.compile("\\b" + key + "=\"([^\"]*)\"").matcher(tag);
    return m.find() ? m.group(1) : "";
  }
}

package dev.tether.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's memory at one moment, in KB; -1 where unknown.
 *
 * @param heapUsedAfterGcKb heap used after a full GC
 * @param rssKb the resident set size
 */
record NodeMemory(long heapUsedAfterGcKb, long rssKb) {

  /** Heap used after a full GC (jcmd GC.run, then GC.heap_info) and the resident set size; -1 where unknown. */
  static NodeMemory of(ScaleNode n) {
    long heap = -1;
    long rss = -1;
    try {
      if (run("jcmd", String.valueOf(n.process.pid()), "GC.run") != null) {
        String info = run("jcmd", String.valueOf(n.process.pid()), "GC.heap_info");
        Matcher m = info == null ? null : Pattern.compile("used (\\d+)K").matcher(info);
        if (m != null && m.find()) heap = Long.parseLong(m.group(1));
      }
      for (String line : Files.readAllLines(Path.of("/proc/" + n.process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (Exception e) {
      // unknown
    }
    return new NodeMemory(heap, rss);
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
    return out;
  }
}

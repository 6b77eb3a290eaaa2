package io.tsecho.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SamplerTest {
  /** jcmd's answer to GC.run, GC.heap_info and VM.native_memory summary, from a JDK 17 server with SerialGC (cut). */
  private static final String JCMD = String.join("\n",
      "11124:",
      "Command executed successfully",
      " def new generation   total 116224K, used 1200K [0x0000000687400000, 0x000000068f210000, 0x0000000704d50000)",
      "  eden space 103360K,   1% used [0x0000000687400000, 0x0000000687400000, 0x000000068d8f0000)",
      " tenured generation   total 258048K, used 4555K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)",
      "   the space 258048K,   1% used [0x0000000704d50000, 0x00000007051c2cb0, 0x00000007051c2e00, 0x0000000714950000)",
      " Metaspace       used 11107K, committed 11392K, reserved 1114112K",
      "  class space    used 1371K, committed 1536K, reserved 1048576K",
      "",
      "Native Memory Tracking:",
      "",
      "Total: reserved=7604289KB, committed=436389KB",
      "       malloc: 15881KB #70307",
      "-                 Java Heap (reserved=6172672KB, committed=387136KB)",
      "                            (mmap: reserved=6172672KB, committed=387136KB) ",
      "-                     Other (reserved=15722KB, committed=15722KB)",
      "                            (malloc=15722KB #43) (at peak) ",
      "-                    Symbol (reserved=2859KB, committed=2859KB)");

  private static Pattern field(String name) throws Exception {
    var f = Sampler.class.getDeclaredField(name);
    f.setAccessible(true);
    return (Pattern) f.get(null);
  }

  @Test
  void heapAfterGcIsTheUsedSizeOfEveryGeneration() {
    assertThat(Sampler.heapUsedKib(JCMD)).isEqualTo(1200 + 4555);
  }

  @Test
  void directMemoryIsNmtOtherAndTheTotalIsNmtsTotal() throws Exception {
    assertThat(Sampler.nmtKib(JCMD, field("NMT_OTHER"))).isEqualTo(15722);
    assertThat(Sampler.nmtKib(JCMD, field("NMT_TOTAL"))).isEqualTo(436389);
  }

  @Test
  void withoutNativeMemoryTrackingOrAnAnswerTheFieldsAreUnknown() throws Exception {
    String off = "11124:\nNative memory tracking is not enabled\n";
    assertThat(Sampler.nmtKib(off, field("NMT_OTHER"))).isEqualTo(-1);
    assertThat(Sampler.heapUsedKib("")).isEqualTo(-1);
  }

  @Test
  void aSampleSurvivesItsCsvLineWithUnknownFieldsLeftEmpty() {
    Sample s = new Sample(12.5, 100_000, -1, 15_722, 436_389, 58, 17);
    assertThat(s.csv()).isEqualTo("12.5,100000,,15722,436389,58,17");
    assertThat(Sample.parse(s.csv())).isEqualTo(s);
  }
}

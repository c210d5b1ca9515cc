package org.cnn4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.cnn4j.dnnl.Parameter;
import org.cnn4j.dnnl.ParameterArena;

/**
 * An optimizer's decoupled weight decay: the rate and which parameters it
 * skips. The skipped parameters become, once per arena, a short list of
 * [begin, end) float ranges of the arena that do decay, so that the update
 * kernel stays one pass with no per-float mask to read.
 */
final class WeightDecay {
  private float rate;
  private final List<String> names = new ArrayList<>();
  private final List<Pattern> patterns = new ArrayList<>();
  private boolean vectors;
  private ParameterArena arena;
  private long arenaFloats;
  private long[] ranges;


  void rate(float wd) {
    if (!(wd >= 0) || Float.isInfinite(wd)) {
      throw new IllegalArgumentException("weight decay must be a number >= 0, got " + wd);
    }
    rate = wd;
  }

  float rate() {
    return rate;
  }

  void excludeNames(String... regexes) {
    for (String r : regexes) {
      patterns.add(Pattern.compile(r));
      names.add(r);
    }
    ranges = null;
  }

  void excludeVectors() {
    vectors = true;
    ranges = null;
  }

  List<String> excludedNames() {
    return List.copyOf(names);
  }

  boolean excludesVectors() {
    return vectors;
  }

  boolean decays(Parameter p) {
    if (vectors && p.kerasShape().length == 1) return false;
    for (Pattern x : patterns) if (x.matcher(p.name()).find()) return false;
    return true;
  }

  /**
   * The arena's decayed ranges as (begin, end) pairs of float offsets: each
   * decayed parameter's slice up to the next one's start (alignment padding holds zeros, which decay to zeros), with
   * neighbours merged.
   */
  long[] ranges(ParameterArena a) {
    if (ranges != null && arena == a && arenaFloats == a.floats()) return ranges;
    List<Parameter> ps = a.parameters();
    long[] pairs = new long[2 * Math.max(ps.size(), 1)];
    int count = 0;
    for (int i = 0; i < ps.size(); i++) {
      if (!decays(ps.get(i))) continue;
      long begin = offset(a, ps.get(i));
      long end = i + 1 < ps.size() ? offset(a, ps.get(i + 1)) : a.floats();
      if (count > 0 && pairs[2 * count - 1] == begin) {
        pairs[2 * count - 1] = end;
      } else {
        pairs[2 * count] = begin;
        pairs[2 * count + 1] = end;
        count++;
      }
    }
    arena = a;
    arenaFloats = a.floats();
    ranges = java.util.Arrays.copyOf(pairs, 2 * count);
    return ranges;
  }

  private static long offset(ParameterArena a, Parameter p) {
    return (a.weightAddress(p) - a.weightsAddress()) / Float.BYTES;
  }
}

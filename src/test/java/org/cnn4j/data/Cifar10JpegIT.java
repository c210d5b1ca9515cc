package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reads the real CIFAR-10 images of ../shared/data/cifar10-jpeg.tar.gz (see its README): run with
 * {@code mvn -Dgroups=cifar test}. A missing archive is a failure, never a skip. The system property
 * {@code cnn4j.sharedData} may point to another copy of the shared data folder.
 */
@Tag("cifar")
class Cifar10JpegIT {
  private static final Path ARCHIVE = Path.of(System.getProperty("cnn4j.sharedData",
      Path.of("..", "shared", "data").toString()), "cifar10-jpeg.tar.gz");
  private static final Path TARGET = Path.of("target");
  private static final Path IMAGES = TARGET.resolve("cifar10-jpeg");

  @BeforeAll
  static void extract() {
    assertTrue(Files.isRegularFile(ARCHIVE), "the CIFAR-10 JPEG archive is missing: expected it at "
        + ARCHIVE.toAbsolutePath().normalize() + " (see ../shared/data/README.md)");
    long start = System.nanoTime();
    boolean extracted = TarArchive.extractOnce(ARCHIVE, TARGET);
    System.out.printf("cifar10-jpeg: %s in %.1f s%n", extracted ? "extracted" : "already extracted",
        (System.nanoTime() - start) / 1e9);
  }

  @Test
  void readsAll60000ImagesThenTheSameAsCifarBinary() throws IOException {
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    try (TrainTest jpeg = ImageFolderReader.readTrainTest(IMAGES)) {
      double jpegSeconds = (System.nanoTime() - start) / 1e9;
      // CPU time too: on a shared machine the wall time depends on the other processes
      System.out.printf("ImageFolderReader: 60,000 CIFAR-10 JPEGs in %.2f s (%.2f s of CPU) on %d cores%n",
          jpegSeconds, (processCpuNanos() - cpuStart) / 1e9, Runtime.getRuntime().availableProcessors());
      assertShape(jpeg.train(), 50_000, 5_000);
      assertShape(jpeg.test(), 10_000, 1_000);

      Path binary = Files.createDirectories(TARGET.resolve("cifar-10-batches-bin"));
      for (int b = 0; b < 5; b++) {
        CifarBinaryWriter.write(jpeg.train(), b * 10_000, (b + 1) * 10_000,
            binary.resolve("data_batch_" + (b + 1) + ".bin"));
      }
      CifarBinaryWriter.write(jpeg.test(), 0, 10_000, binary.resolve("test_batch.bin"));
      double[] seconds = new double[3]; // the first run also pays for class loading and JIT
      double[] cpuSeconds = new double[3];
      for (int run = 0; run < seconds.length; run++) {
        long binaryStart = System.nanoTime();
        long binaryCpuStart = processCpuNanos();
        try (TrainTest bin = Cifar10Reader.read(binary)) {
          seconds[run] = (System.nanoTime() - binaryStart) / 1e9;
          cpuSeconds[run] = (processCpuNanos() - binaryCpuStart) / 1e9;
          if (run == 0) {
            assertSamePixels(jpeg.train(), bin.train());
            assertSamePixels(jpeg.test(), bin.test());
          }
        }
      }
      System.out.printf("Cifar10Reader: 60,000 binary records in %.3f s, then %.3f s and %.3f s"
          + " (CPU %.3f, %.3f, %.3f s)%n", seconds[0], seconds[1], seconds[2], cpuSeconds[0],
          cpuSeconds[1], cpuSeconds[2]);
      assertTrue(jpegSeconds < 60, "JPEG reading took " + jpegSeconds + " s");
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void assertShape(Dataset d, int size, int perClass) {
    assertEquals(size, d.size());
    assertEquals(32, d.height());
    assertEquals(32, d.width());
    assertEquals(3, d.channels());
    assertEquals(Cifar10Reader.CLASS_NAMES, d.classNames());
    int[] counts = new int[10];
    for (int label : d.labels()) {
      counts[label]++;
    }
    int[] expected = new int[10];
    Arrays.fill(expected, perClass);
    assertArrayEquals(expected, counts);
  }

  private static void assertSamePixels(Dataset a, Dataset b) {
    assertArrayEquals(a.labels(), b.labels());
    byte[] x = new byte[(int) a.imageBytes()];
    byte[] y = new byte[(int) b.imageBytes()];
    for (int i = 0; i < a.size(); i++) {
      a.copyImage(i, x);
      b.copyImage(i, y);
      assertArrayEquals(x, y, "image " + i);
    }
  }
}

package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarArchiveTest {
  @TempDir
  Path dir;

  @Test
  void extractsFilesAndFoldersFromTarGzAndPlainTar() throws IOException {
    byte[] big = new byte[1500]; // spans blocks and ends mid-block
    Arrays.fill(big, (byte) 7);
    TarWriter tar = new TarWriter().directory("root/").directory("root/cat/")
        .file("root/cat/a.txt", "meow").file("root/big.bin", big).file("./root/dot.txt", "dot");
    Path gz = tar.writeTarGz(dir.resolve("data.tar.gz"));
    assertEquals(3, TarArchive.extract(gz, dir.resolve("out")));
    assertEquals("meow", Files.readString(dir.resolve("out/root/cat/a.txt")));
    assertArrayEquals(big, Files.readAllBytes(dir.resolve("out/root/big.bin")));
    assertEquals("dot", Files.readString(dir.resolve("out/root/dot.txt")));

    Path plain = Files.write(dir.resolve("data.tar"), tar.tar());
    TarArchive.extract(plain, dir.resolve("plain"));
    assertArrayEquals(big, Files.readAllBytes(dir.resolve("plain/root/big.bin")));
  }

  @Test
  void readsGnuLongNamesAndPaxPaths() throws IOException {
    String longName = "deep/" + "x".repeat(150) + "/file.txt";
    Path gz = new TarWriter().gnuLongNameFile(longName, "long".getBytes(StandardCharsets.UTF_8))
        .paxNamedFile("pax/" + "y".repeat(120) + ".txt", "pax".getBytes(StandardCharsets.UTF_8))
        .writeTarGz(dir.resolve("names.tar.gz"));
    TarArchive.extract(gz, dir.resolve("out"));
    assertEquals("long", Files.readString(dir.resolve("out").resolve(longName)));
    assertEquals("pax", Files.readString(dir.resolve("out/pax/" + "y".repeat(120) + ".txt")));
    assertFalse(Files.exists(dir.resolve("out/short-name")));
  }

  @Test
  void refusesEntriesThatEscapeTheFolder() throws IOException {
    assertRefused(new TarWriter().file("../evil.txt", "x"), "'..'");
    assertRefused(new TarWriter().file("ok/../../evil.txt", "x"), "'..'");
    assertRefused(new TarWriter().file("/tmp/evil.txt", "x"), "absolute");
    assertRefused(new TarWriter().symlink("link", "/etc"), "link");
    assertRefused(new TarWriter().hardLink("hard", "/etc/passwd"), "link");
    assertFalse(Files.exists(dir.resolve("evil.txt")));
  }

  @Test
  void refusesWritingThroughALinkAlreadyInTheDestination() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(out.resolve("sneaky"), outside);
    Path gz = new TarWriter().file("sneaky/evil.txt", "x").writeTarGz(dir.resolve("a.tar.gz"));
    var e = assertThrows(DatasetException.class, () -> TarArchive.extract(gz, out));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
    assertFalse(Files.exists(outside.resolve("evil.txt")));
  }

  @Test
  void reportsTruncationAndCorruptionWithOffsets() throws IOException {
    byte[] tar = new TarWriter().file("a.bin", new byte[2000]).tar();
    Path truncated = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(tar, 1000));
    var cut = assertThrows(DatasetException.class, () -> TarArchive.extract(truncated, dir.resolve("o1")));
    assertTrue(cut.getMessage().contains("cut.tar") && cut.getMessage().contains("byte offset 1000")
        && cut.getMessage().contains("'a.bin'"), cut.getMessage());

    byte[] corrupt = tar.clone();
    corrupt[0] = 'b'; // the checksum no longer matches
    Path bad = Files.write(dir.resolve("bad.tar"), corrupt);
    var sum = assertThrows(DatasetException.class, () -> TarArchive.extract(bad, dir.resolve("o2")));
    assertTrue(sum.getMessage().contains("checksum") && sum.getMessage().contains("byte offset 0"),
        sum.getMessage());

    byte[] gz = new TarWriter().file("a.bin", new byte[5000]).tarGz();
    Path cutGz = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(gz, gz.length / 2));
    var gzip = assertThrows(DatasetException.class, () -> TarArchive.extract(cutGz, dir.resolve("o4")));
    assertTrue(gzip.getMessage().contains("cut.tar.gz") && gzip.getMessage().contains("byte offset"),
        gzip.getMessage());

    var missing = assertThrows(DatasetException.class,
        () -> TarArchive.extract(dir.resolve("nope.tar.gz"), dir.resolve("o3")));
    assertTrue(missing.getMessage().contains("nope.tar.gz"), missing.getMessage());
  }

  @Test
  void extractOnceSkipsACompletedExtraction() throws IOException {
    Path gz = new TarWriter().file("a.txt", "1").writeTarGz(dir.resolve("one.tar.gz"));
    Path out = dir.resolve("out");
    assertTrue(TarArchive.extractOnce(gz, out));
    Files.writeString(out.resolve("a.txt"), "changed");
    assertFalse(TarArchive.extractOnce(gz, out));
    assertEquals("changed", Files.readString(out.resolve("a.txt")));
  }

  @Test
  void readerIteratesEntriesInOrder() throws IOException {
    Path gz = new TarWriter().directory("d/").file("d/x", "xx").writeTarGz(dir.resolve("it.tar.gz"));
    try (TarReader reader = TarReader.open(gz)) {
      TarReader.Entry first = reader.next();
      assertEquals("d/", first.name());
      assertTrue(first.isDirectory());
      TarReader.Entry second = reader.next();
      assertEquals("d/x", second.name());
      assertEquals(2, second.size());
      assertEquals("xx", new String(reader.readContent(), StandardCharsets.UTF_8));
      assertNull(reader.next());
    }
  }

  private void assertRefused(TarWriter tar, String reason) throws IOException {
    Path gz = tar.writeTarGz(Files.createTempFile(dir, "bad", ".tar.gz"));
    var e = assertThrows(DatasetException.class, () -> TarArchive.extract(gz, dir.resolve("out")));
    assertTrue(e.getMessage().contains(reason) && e.getMessage().contains("refusing"), e.getMessage());
  }
}

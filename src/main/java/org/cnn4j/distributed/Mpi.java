package org.cnn4j.distributed;

import java.io.File;
import java.io.IOException;
import org.bytedeco.javacpp.Loader;
import org.cnn4j.kernels.Kernels;

/**
 * The JNI binding of cnn4jmpi (native/src/mpi), loaded on first use only, so
 * that nothing else of cnn4j needs MPI. Buffers cross as native addresses.
 * Only the training thread calls collectives; the watchdog may call
 * {@link #abort} at any time.
 */
final class Mpi {
  private Mpi() {}

  static {
    Kernels.load(); // the same JavaCPP cache folder and platform as our other library
    String resource = Loader.getPlatform() + "/" + System.mapLibraryName("cnn4jmpi");
    File file;
    try {
      file = Loader.cacheResource(Kernels.class, resource);
    } catch (IOException e) {
      throw new UnsatisfiedLinkError("cannot extract cnn4j's MPI library " + resource + ": " + e);
    }
    if (file == null) {
      throw new UnsatisfiedLinkError("this cnn4j was built without MPI (no org/cnn4j/kernels/" + resource
          + " on the class path): install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev) and rebuild "
          + "with mvn clean package");
    }
    System.load(file.getAbsolutePath());
  }

  /** Initialises MPI (once per process); returns {rank, size, provided thread level}. */
  static native int[] init();

  static native void allreduceFloats(long address, long n, float scale);

  static native void allreduceDoubles(double[] values);

  static native long[] allgatherLongs(long[] values);

  static native void broadcast(long address, long bytes, int root);

  static native void broadcastLongs(long[] values, int root);

  static native void broadcastBytes(byte[] values, int root);

  static native long hash(long address, long bytes);

  static native void abort(int code);

  static native void finish();
}

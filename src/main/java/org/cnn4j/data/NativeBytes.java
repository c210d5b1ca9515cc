package org.cnn4j.data;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One block of native memory, freed only by {@link #free()}. Every access goes through a fresh
 * pointer at the wanted address, so threads never share a pointer's position and the pointers handed
 * out own nothing.
 */
final class NativeBytes {
  private final BytePointer block;

  private NativeBytes(BytePointer block) {
    this.block = block;
  }

  /** @param cleared zero the memory; readers that write every byte skip it */
  static NativeBytes allocate(long bytes, boolean cleared) {
    BytePointer block = new BytePointer(Math.max(1, bytes)); // JavaCPP refuses size 0
    if (cleared) {
      Pointer.memset(block, 0, block.capacity());
    }
    return new NativeBytes(block);
  }

  long address() {
    return block.address();
  }

  /** A pointer to {@code length} bytes at {@code offset}; closing it frees nothing. */
  BytePointer view(long offset, long length) {
    return new View(block.address() + offset, length);
  }

  void free() {
    block.deallocate();
  }

  /** No deallocator: a window into the block, never its owner. */
  private static final class View extends BytePointer {
    View(long address, long capacity) {
      this.address = address;
      this.limit = capacity;
      this.capacity = capacity;
    }
  }
}

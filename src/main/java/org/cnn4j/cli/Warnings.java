package org.cnn4j.cli;

/** Warnings for the person at the terminal: one line each on standard error. */
final class Warnings {
  private Warnings() {}

  static void warn(String message) {
    System.err.println("warning: " + message);
  }
}

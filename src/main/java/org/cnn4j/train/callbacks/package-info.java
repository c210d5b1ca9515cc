/**
 * Keras's training callbacks: {@link org.cnn4j.train.callbacks.ModelCheckpoint},
 * {@link org.cnn4j.train.callbacks.EarlyStopping},
 * {@link org.cnn4j.train.callbacks.ReduceLROnPlateau},
 * {@link org.cnn4j.train.callbacks.LearningRateScheduler} and
 * {@link org.cnn4j.train.callbacks.CSVLogger}.
 *
 * <p>Those with counters implement {@link org.cnn4j.train.StatefulCallback}: a
 * checkpoint saves their state and a resumed fit hands it back, so patience and
 * cooldown go on counting across a kill. They print nothing unless given
 * verbose 1; every event is logged through SLF4J.
 */
package org.cnn4j.train.callbacks;

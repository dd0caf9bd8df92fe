/** Thin batch jobs that train a model on candles and publish signals (built by the ML issue). */
package io.tickengine.ml;

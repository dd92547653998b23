/** Load drivers and timing measurements; results go to {@code benchmarks/results/} with the method and the machine. */
package io.ctistream.benchmarks;

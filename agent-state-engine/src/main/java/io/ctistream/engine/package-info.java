/**
 * Kafka Streams projections of agent, team and queue state. Built with the engine issue.
 */
package io.ctistream.engine;

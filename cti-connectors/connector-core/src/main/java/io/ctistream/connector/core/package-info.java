/**
 * Shared core of platform connectors: the connector SPI (event sink, command source), agent ownership through the cti.agents consumer group, retry and health. Built with the BroadWorks connector issue.
 */
package io.ctistream.connector.core;

/**
 * The WebSocket gateway to softphones and wallboards. Built with the push issue.
 */
package io.ctistream.push;

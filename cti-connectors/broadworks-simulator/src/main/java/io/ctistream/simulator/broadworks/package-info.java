/**
 * A BroadWorks-AS-like SIP notifier. Built with the BroadWorks connector issue.
 */
package io.ctistream.simulator.broadworks;

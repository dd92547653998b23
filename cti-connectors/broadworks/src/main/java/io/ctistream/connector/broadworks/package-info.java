/**
 * BroadWorks connector over JAIN-SIP. Built with the BroadWorks connector issue.
 */
package io.ctistream.connector.broadworks;

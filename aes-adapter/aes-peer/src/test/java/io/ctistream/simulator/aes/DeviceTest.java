package io.ctistream.simulator.aes;

import static io.ctistream.simulator.aes.PeerFixture.DEVICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.codec.SafeXml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies device ids and monitors (§4, §5; TV4, TV5, TV12) and that they belong to a session. */
@Timeout(60)
class DeviceTest {
    private static final String TV4 = "<GetDeviceId xmlns=\"V\"><switchName>CM1</switchName><extension>5001</extension>"
            + "<controllableByOtherSessions>true</controllableByOtherSessions></GetDeviceId>";

    /** Verifies TV4, TV5, TV12's unknown device, MonitorStop, ReleaseDeviceId and the far-end id. */
    @Test
    void devicesAndMonitors() throws Exception {
        try (PeerFixture f = new PeerFixture()) {
            DmccTestClient c = f.client();
            // GIVEN no session yet: CSTA requests are refused
            assertThat(c.request(TV4).shape()).contains("<operation>generic</operation>");
            c.startSession(60);
            // TV4 and its unknown-device failure
            assertThat(c.request(TV4).shape()).isEqualTo("<GetDeviceIdResponse xmlns=\"V\"><device typeOfNumber=\"other\" mediaClass=\"voice\" "
                    + "bitRate=\"constant\">5001:CM1:10.10.10.5:0</device></GetDeviceIdResponse>");
            assertThat(c.request(TV4.replace("5001", "5999")).shape())
                    .isEqualTo("<CSTAErrorCode xmlns=\"E\"><operation>invalidDeviceID</operation></CSTAErrorCode>");
            // TV5
            assertThat(c.request(DmccTestClient.monitorStart(DEVICE)).shape())
                    .isEqualTo("<MonitorStartResponse xmlns=\"E\"><monitorCrossRefID>17</monitorCrossRefID></MonitorStartResponse>");
            assertThat(c.request(DmccTestClient.monitorStart("5999:CM1:10.10.10.5:0")).shape()).contains("invalidDeviceID");
            // f-me's session monitor: an empty deviceObject
            assertThat(c.request(DmccTestClient.monitorStart("")).name()).isEqualTo("MonitorStartResponse");
            assertThat(f.peer.monitors()).isEqualTo(2);
            assertThat(f.peer.monitorsOf("5001")).isEqualTo(1);
            // MonitorStop, twice
            assertThat(c.request("<MonitorStop xmlns=\"E\"><monitorCrossRefID>17</monitorCrossRefID></MonitorStop>").name())
                    .isEqualTo("MonitorStopResponse");
            assertThat(c.request("<MonitorStop xmlns=\"V\"><monitorCrossRefID>17</monitorCrossRefID></MonitorStop>").shape())
                    .contains("invalidMonitorCrossRefID");
            assertThat(f.peer.monitorsOf("5001")).isZero();
            // ReleaseDeviceId, twice
            String release = "<ReleaseDeviceId xmlns=\"V\"><device>" + DEVICE + "</device></ReleaseDeviceId>";
            assertThat(c.request(release).name()).isEqualTo("ReleaseDeviceIdResponse");
            assertThat(c.request(release).shape()).contains("invalidDeviceID");
            // a far end's id has no IP part
            assertThat(SafeXml.text(c.request("<GetThirdPartyDeviceId xmlns=\"V\"><switchName>CM1</switchName><extension>0612345678"
                    + "</extension></GetThirdPartyDeviceId>").root(), "device")).isEqualTo("0612345678:CM1::0");
        }
    }
}

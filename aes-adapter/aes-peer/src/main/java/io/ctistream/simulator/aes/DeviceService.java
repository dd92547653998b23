package io.ctistream.simulator.aes;

import io.ctistream.codec.SafeXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * Device ids, monitors and the link-status registration (§4, §5). Every one belongs to the
 * session of the connection that asked, so it ends with that session.
 */
final class DeviceService {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceService.class);
    private final PeerSwitch sw;

    DeviceService(PeerSwitch sw) {
        this.sw = sw;
    }

    /** TV4: by switch-connection name (or IP interface) and extension; an unknown one is TV12's invalidDeviceID. */
    String getDeviceId(PeerSession s, Element req) {
        String switchName = SafeXml.text(req, "switchName");
        String switchIp = SafeXml.text(req, "switchIPInterface");
        boolean ourSwitch = switchName != null ? switchName.equals(sw.settings.switchName()) : sw.settings.switchIp().equals(switchIp);
        String instance = SafeXml.text(req, "deviceInstance");
        Station station = sw.stations.get(String.valueOf(SafeXml.text(req, "extension")));
        if (!ourSwitch || station == null || instance != null && !"0".equals(instance)) {
            throw CstaError.operation("invalidDeviceID"); // [I] only instance 0 exists: the peer registers no endpoints
        }
        s.deviceIds.add(station.device);
        return DmccXml.deviceId(station.device);
    }

    /** A far-end number's id, with the empty IP part f-me's README shows. */
    String getThirdPartyDeviceId(Element req) {
        String extension = SafeXml.text(req, "extension");
        if (extension == null || !sw.settings.switchName().equals(SafeXml.text(req, "switchName"))) {
            throw CstaError.operation("invalidDeviceID");
        }
        return DmccXml.thirdPartyDeviceId(sw.thirdParty(extension));
    }

    String releaseDeviceId(PeerSession s, Element req) {
        String device = SafeXml.text(req, "device");
        if (device == null || !s.deviceIds.remove(device)) {
            throw CstaError.operation("invalidDeviceID");
        }
        return DmccXml.releaseDeviceIdResponse();
    }

    /**
     * TV5. An empty deviceObject is f-me's "session monitor" (used before TransferMonitorObjects): it
     * gets a cross-ref id and hears nothing. [I] the device id need not come from this session's GetDeviceId.
     */
    String monitorStart(PeerSession s, Element req) {
        String device = SafeXml.text(SafeXml.child(req, "monitorObject"), "deviceObject");
        Station station = null;
        if (device != null) {
            station = sw.stationOf(device);
            if (station == null || !station.device.equals(device)) {
                throw CstaError.operation("invalidDeviceID");
            }
        }
        Monitor m = new Monitor(sw.nextCrossRef(), station == null ? null : station.extension, MonitorFilter.of(req), s);
        sw.monitors.put(m.crossRefId, m);
        s.monitors.put(m.crossRefId, m);
        LOG.debug("aes peer monitor started [session={}, device={}, crossRef={}]", s.id, device, m.crossRefId);
        return DmccXml.monitorStartResponse(m.crossRefId);
    }

    String monitorStop(PeerSession s, Element req) {
        Monitor m = null;
        try {
            m = sw.monitors.get(Long.parseLong(String.valueOf(SafeXml.text(req, "monitorCrossRefID"))));
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        if (m == null || m.session != s) {
            throw CstaError.operation("invalidMonitorCrossRefID");
        }
        sw.dropMonitor(m);
        return DmccXml.monitorStopResponse();
    }

    /** SystemRegister with SystemRegisterPrivateData{switchName}: the session hears SystemStatus on link changes. */
    String systemRegister(PeerSession s, Element req) {
        Element priv = SafeXml.path(req, "extensions", "privateData", "private", "SystemRegisterPrivateData");
        String switchName = SafeXml.text(priv, "switchName");
        if (switchName != null && !switchName.equals(sw.settings.switchName())) {
            throw CstaError.operation("invalidDeviceID"); // [I] the error for an unknown switch connection is a guess
        }
        if (s.systemRegisterId < 0) {
            s.systemRegisterId = sw.nextRegisterId();
        }
        return DmccXml.systemRegisterResponse(s.systemRegisterId);
    }
}
